//! A realistic court for demonstrations and benchmarks: the generator's
//! court (chambers, magistrates, hearing calendar, dossiers with their
//! rapporteurs, avocats généraux and recusals) turned into registry records
//! — parties and their lawyers, attacked decisions, journals of procedural
//! events consistent with each dossier's readiness — plus a historical
//! stock of decided and pending dossiers, and one user per role.
//!
//! Everything goes through the store's own checks (the import path), so a
//! demo store is a store a clerk could have built by hand.

use std::collections::BTreeMap;

use greffe_fixtures::pourvois::{Question, Writer};
use greffe_fixtures::{GeneratorConfig, Scale, generate};
use greffe_models::Date;
use greffe_models::format::{DossierDoc, InstanceDoc};
use greffe_models::registry::{Nature, PartyRole};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::Store;
use crate::decisions::DecisionInput;
use crate::dossiers::{AttackedDecision, AttackedNature, DossierInput, EventInput, Party, RecusalInput};
use crate::error::{Error, ErrorCode, Result};
use crate::import::{FORMAT, ImportFile, ImportRecord, ImportReport};
use crate::reference::{Absence, ChamberInput, HearingInput, MagistrateInput, Section};
use crate::rows::parse_code;
use crate::users::{Credentials, NewUser, UserRole};

/// What to seed.
#[derive(Debug, Clone, Copy)]
pub struct DemoConfig {
    /// Generator seed.
    pub seed: u64,
    /// Weeks of hearing calendar.
    pub weeks: u32,
    /// Historical dossiers added to the generator's (decided or pending).
    pub stock: usize,
    /// The day the journals stop at (events after it have not happened yet).
    pub today: Date,
}

/// What was seeded.
#[derive(Debug, Clone)]
pub struct DemoReport {
    /// Chambers.
    pub chambers: usize,
    /// Magistrates.
    pub magistrates: usize,
    /// Hearings of the calendar.
    pub hearings: usize,
    /// The import of the dossiers.
    pub import: ImportReport,
    /// The users created, with their tokens.
    pub users: Vec<Credentials>,
}

const SURNAMES: [&str; 24] = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon",
    "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard",
    "André", "Mercier",
];
const COMPANIES: [&str; 8] = [
    "SCI Les Tilleuls",
    "SAS Transports Rhodaniens",
    "SARL Boulangerie du Port",
    "Caisse régionale de crédit",
    "Société Immobilière de l'Ouest",
    "Mutuelle des Artisans",
    "SA Constructions Générales",
    "Association Horizon",
];
/// Fictional firms of avocats aux Conseils.
const LAWYERS: [&str; 10] = [
    "SCP Aubert-Lemoine",
    "SCP Castel et Vidal",
    "SARL Cabinet Delorme",
    "SCP Ferrand-Gautier",
    "SCP Hubert",
    "SAS Jourdan et associés",
    "SCP Marchal-Noël",
    "SCP Perrin",
    "SARL Quentin-Roche",
    "SCP Valette et Weil",
];
const COURTS: [&str; 12] = [
    "cour d'appel de Paris",
    "cour d'appel de Lyon",
    "cour d'appel d'Aix-en-Provence",
    "cour d'appel de Bordeaux",
    "cour d'appel de Douai",
    "cour d'appel de Rennes",
    "cour d'appel de Versailles",
    "cour d'appel de Toulouse",
    "cour d'appel de Montpellier",
    "cour d'appel de Grenoble",
    "cour d'appel de Colmar",
    "cour d'appel de Nancy",
];

fn chamber_name(code: &str) -> (&'static str, Nature) {
    match code {
        "civ1" => ("Première chambre civile", Nature::Civil),
        "civ2" => ("Deuxième chambre civile", Nature::Civil),
        "civ3" => ("Troisième chambre civile", Nature::Civil),
        "comm" => ("Chambre commerciale, financière et économique", Nature::Civil),
        "soc" => ("Chambre sociale", Nature::Civil),
        "cr" => ("Chambre criminelle", Nature::Penal),
        _ => ("Chambre", Nature::Civil),
    }
}

fn parse(raw: &str) -> Result<Date> {
    greffe_models::dates::parse_date(raw).map_err(|e| Error::internal(format!("generated date: {e}")))
}

fn days(date: Date, n: i64) -> Date {
    date + chrono::Duration::days(n)
}

fn pick<'a>(rng: &mut ChaCha8Rng, list: &[&'a str]) -> &'a str {
    list[rng.random_range(0..list.len())]
}

fn parties(rng: &mut ChaCha8Rng, nature: Nature) -> Vec<Party> {
    let person = |rng: &mut ChaCha8Rng| format!("{} {}", pick(rng, &["M.", "Mme"]), pick(rng, &SURNAMES));
    let demandeur = person(rng);
    let defendeur = match nature {
        Nature::Penal => "Ministère public".to_owned(),
        Nature::Civil if rng.random_bool(0.5) => pick(rng, &COMPANIES).to_owned(),
        Nature::Civil => person(rng),
    };
    let demandeur_lawyer = pick(rng, &LAWYERS);
    let defendeur_lawyer = (nature == Nature::Civil).then(|| pick(rng, &LAWYERS));
    let party = |name: String, role, lawyer: Option<&str>| Party {
        name,
        role,
        lawyer: lawyer.map(str::to_owned),
        lawyer_email: lawyer.map(lawyer_email),
        address: None,
    };
    vec![
        party(demandeur, greffe_models::registry::PartyRole::Demandeur, Some(demandeur_lawyer)),
        party(defendeur, greffe_models::registry::PartyRole::Defendeur, defendeur_lawyer),
    ]
}

/// A demonstration office's address, under the domain reserved for
/// examples (RFC 2606): `SCP Castel et Vidal` → `greffe@castel-et-vidal.avocats.example`.
fn lawyer_email(lawyer: &str) -> String {
    let firm = lawyer.split_once(' ').map_or(lawyer, |(_, firm)| firm);
    let mut local = String::new();
    for c in firm.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'à' | 'â' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            c if c.is_ascii_alphanumeric() => c,
            _ => '-',
        };
        if !(c == '-' && local.ends_with('-')) {
            local.push(c);
        }
    }
    format!("greffe@{}.avocats.example", local.trim_matches('-'))
}

fn event(kind: &str, date: Date, party: Option<&str>) -> EventInput {
    EventInput {
        kind: kind.to_owned(),
        date: date.to_string(),
        party: party.map(str::to_owned),
        rule: None,
        new_due: None,
        group: None,
        corrects: None,
        cancel: false,
        note: None,
    }
}

fn attacked(rng: &mut ChaCha8Rng, registered: Date) -> AttackedDecision {
    let date = days(registered, -rng.random_range(40..75));
    AttackedDecision {
        court: pick(rng, &COURTS).to_owned(),
        date: date.to_string(),
        docket: format!("{:02}/{:05}", date.format("%y"), rng.random_range(1..99_999)),
    }
}

/// A generator dossier as a registry record with its journal up to `today`.
fn from_generator(rng: &mut ChaCha8Rng, doc: &DossierDoc, today: Date) -> Result<ImportRecord> {
    let (_, nature) = chamber_name(&doc.chamber);
    let ready = parse(&doc.ready_date)?;
    // The generator dates registrations from the planning horizon, which
    // may lie after `today`: none is registered later than today.
    let registered = match &doc.registration_date {
        Some(raw) => parse(raw)?,
        None => days(ready, -300),
    }
    .min(today);
    let detention = doc.deadline_rule.as_deref().is_some_and(|r| r.contains("detention"));
    let mae = doc.deadline_rule.as_deref().is_some_and(|r| r.contains("mae"));
    let procedure = match (nature, detention, mae) {
        (Nature::Penal, true, _) => "penal_detention",
        (Nature::Penal, _, true) => "penal_mae",
        (Nature::Penal, _, _) => "penal",
        (Nature::Civil, _, _) => "civil",
    };
    let mut events = vec![event("declaration_pourvoi", registered, None)];
    let span = (ready - registered).num_days().max(8);
    let mut planned = Vec::new();
    match nature {
        Nature::Civil => {
            // Within the 4 months of art. 978 and the 2 months of art. 982 CPC.
            let ampliatif = days(registered, (span * 3 / 10).min(100));
            planned.push(event("depot_memoire_ampliatif", ampliatif, Some("demandeur")));
            planned.push(event("notification_memoire_demandeur", days(ampliatif, 3), None));
            planned.push(event(
                "depot_memoire_defense",
                days(ampliatif, (span * 2 / 10).clamp(4, 50)),
                Some("defendeur"),
            ));
        }
        Nature::Penal => {
            planned.push(event("reception_dossier", days(registered, span / 8), None));
            planned.push(event("depot_memoire_personnel", days(registered, span / 4), Some("demandeur")));
        }
    }
    planned.push(event("depot_rapport", days(ready, -7), None));
    planned.push(event("avis_avocat_general", ready, None));
    events.extend(planned.into_iter().filter(|e| e.date.as_str() <= today.to_string().as_str()));
    let status = if ready <= today { "ready" } else { "in_instruction" };
    let recusals = doc
        .recused
        .iter()
        .map(|magistrate| RecusalInput {
            magistrate: magistrate.clone(),
            ground: doc
                .recusal_grounds
                .get(magistrate)
                .cloned()
                .unwrap_or_else(|| "abstention (art. L111-6 COJ)".to_owned()),
        })
        .collect();
    Ok(ImportRecord {
        dossier: DossierInput {
            pourvoi: doc.pourvoi.clone(),
            nature,
            procedure: parse_code(procedure),
            chamber: doc.chamber.clone(),
            section: None,
            matter: doc.matter.clone(),
            circuit: doc.circuit.as_deref().and_then(greffe_models::Circuit::parse),
            registered_on: registered.to_string(),
            urgent: doc.deadline.is_some(),
            attacked: attacked(rng, registered),
            parties: parties(rng, nature),
            residence_demandeur: greffe_models::deadlines::Residence::Metropole,
            residence_defendeur: if rng.random_bool(0.05) {
                greffe_models::deadlines::Residence::OutreMer
            } else {
                greffe_models::deadlines::Residence::Metropole
            },
            rapporteurs: doc.rapporteurs.clone(),
            avocat_general: doc.avocat_general.clone(),
            recusals,
            joined_group: doc.joined_group.clone(),
            grounds: Vec::new(),
            keywords: Vec::new(),
            attacked_nature: AttackedNature::Appel,
            earlier_pourvoi: None,
            qpc: false,
            previous_pourvois: Vec::new(),
        },
        status: Some(status.to_owned()),
        events,
        decision: None,
    })
}

/// A historical dossier: decided in the past 18 months, or pending.
fn historical(rng: &mut ChaCha8Rng, index: usize, chamber: &str, today: Date) -> ImportRecord {
    let (_, nature) = chamber_name(chamber);
    let decided = rng.random_bool(0.7);
    let registered =
        if decided { days(today, -rng.random_range(200..1_000)) } else { days(today, -rng.random_range(5..700)) };
    // Years 24 back to 20 (the generator's dossiers are of 25 onwards),
    // 90,000 numbers a year.
    let year = 24 - (index / 90_000) % 5;
    let number = index % 90_000;
    let letter = char::from(b'A' + u8::try_from(index % 26).unwrap_or(0));
    let pourvoi = format!("{letter} {year}-{:02}.{:03}", 10 + number / 1000, number % 1000);
    let mut events = vec![event("declaration_pourvoi", registered, None)];
    let decision = decided.then(|| {
        let decided_on = days(registered, rng.random_range(150..600)).min(days(today, -1));
        let solution = match rng.random_range(0..100) {
            0..50 => "rejet",
            50..75 => "cassation",
            75..83 => "irrecevabilite",
            83..90 => "decheance",
            90..95 => "non_lieu",
            _ => "autre",
        };
        let publication = match rng.random_range(0..100) {
            0..85 => "N",
            85..95 => "B",
            95..98 => "R",
            _ => "L",
        };
        let formation = match rng.random_range(0..100) {
            0..70 => "f",
            70..95 => "fs",
            _ => "fp",
        };
        events.push(event("depot_rapport", days(decided_on, -40), None));
        DecisionInput {
            decided_on: decided_on.to_string(),
            solution: solution.to_owned(),
            formation: formation.to_owned(),
            publication: publication.to_owned(),
            ecli: Some(format!("ECLI:FR:CCASS:{}:{}{:06}", decided_on.format("%Y"), chamber.to_uppercase(), index)),
            number: Some(format!("{index}")),
        }
    });
    let status = match (&decision, rng.random_range(0..10)) {
        (Some(_), _) => "decided",
        (None, 0) => "registered",
        (None, 1..3) => "routed",
        (None, _) => "in_instruction",
    };
    if status == "in_instruction" && nature == Nature::Civil && rng.random_bool(0.7) {
        events.push(event("depot_memoire_ampliatif", days(registered, 100).min(today), Some("demandeur")));
    }
    if rng.random_bool(0.03) {
        events.push(event("demande_aide_juridictionnelle", days(registered, 10).min(today), Some("defendeur")));
    }
    ImportRecord {
        dossier: DossierInput {
            pourvoi,
            nature,
            procedure: None,
            chamber: chamber.to_owned(),
            section: None,
            matter: None,
            circuit: Some(match rng.random_range(0..3) {
                0 => greffe_models::Circuit::Court,
                1 => greffe_models::Circuit::Intermediaire,
                _ => greffe_models::Circuit::Approfondi,
            }),
            registered_on: registered.to_string(),
            urgent: false,
            attacked: attacked(rng, registered),
            parties: parties(rng, nature),
            residence_demandeur: greffe_models::deadlines::Residence::Metropole,
            residence_defendeur: greffe_models::deadlines::Residence::Metropole,
            rapporteurs: Vec::new(),
            avocat_general: None,
            recusals: Vec::new(),
            joined_group: None,
            grounds: Vec::new(),
            keywords: Vec::new(),
            attacked_nature: AttackedNature::Appel,
            earlier_pourvoi: None,
            qpc: false,
            previous_pourvois: Vec::new(),
        },
        status: Some(status.to_owned()),
        events,
        decision,
    }
}

/// Share of a chamber's dossiers in serial litigation.
const SERIAL_SHARE: f64 = 0.08;
/// Share of the pending dossiers that attack a ruling of referral after a
/// cassation the stock holds.
const REFERRAL_SHARE: f64 = 0.03;

/// Share of a chamber's decisions on a question of law that follow the
/// chamber's answer to it (the rest: the case's own merits).
const CASE_LAW_SHARE: f64 = 0.8;

/// Writes what each dossier says about itself (`greffe_fixtures::pourvois`),
/// from a random stream of its own so that the rest of the demo is the same
/// seed's: serial litigation (groups of 6 to 12 dossiers of a chamber on one
/// question, against one same party), second pourvois after a cassation of
/// the stock with referral (the same question in new words, the same
/// parties), every other dossier on a question of its own. Each chamber
/// answers a question of law (a keyword and a facet) its own way — most of
/// its decisions on it follow that answer — so that two chambers judging a
/// shared topic may answer it differently (what the orientation reads as a
/// divergence, L431-5 COJ). A dossier's section is its main keyword's in
/// its chamber (sections share out the chamber's topics).
fn describe(dossiers: &mut [ImportRecord], seed: u64, sections: &BTreeMap<String, Vec<String>>) {
    let mut writer = Writer::new(seed ^ 0x6d6f_7965_6e73);
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x7365_7269_6573);
    let mut chambers: Vec<String> = dossiers.iter().map(|d| d.dossier.chamber.clone()).collect();
    chambers.sort();
    chambers.dedup();
    let mut questions: Vec<Option<Question>> = vec![None; dossiers.len()];
    for chamber in &chambers {
        let mut members: Vec<usize> =
            (0..dossiers.len()).filter(|&i| &dossiers[i].dossier.chamber == chamber).collect();
        rand::seq::SliceRandom::shuffle(members.as_mut_slice(), &mut rng);
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
        let serial = (members.len() as f64 * SERIAL_SHARE) as usize;
        let mut taken = 0;
        while taken + 6 <= serial {
            let size = rng.random_range(6..=12).min(serial - taken);
            let first = members[taken];
            let question = writer.serial_question(chamber, dossiers[first].dossier.matter.as_deref());
            // One adversary for the whole series (the employer, the bank).
            let adversary = dossiers[first].dossier.parties.iter().find(|p| p.role == PartyRole::Defendeur).cloned();
            for &member in &members[taken..taken + size] {
                questions[member] = Some(question.clone());
                if let Some(adversary) = &adversary {
                    let parties = &mut dossiers[member].dossier.parties;
                    parties.retain(|p| p.role != PartyRole::Defendeur);
                    parties.push(adversary.clone());
                }
            }
            taken += size;
        }
        for &member in &members[taken..] {
            questions[member] = Some(writer.question(chamber, dossiers[member].dossier.matter.as_deref()));
        }
    }
    // Joined dossiers are one case heard together (by one formation of one
    // section): they share their first member's question, hence its
    // section.
    let mut first_of_group: BTreeMap<String, usize> = BTreeMap::new();
    for index in 0..dossiers.len() {
        let Some(group) = dossiers[index].dossier.joined_group.clone() else { continue };
        let first = *first_of_group.entry(group).or_insert(index);
        if first != index {
            questions[index] = questions[first].clone();
        }
    }
    // Each chamber's answer to each question of law, and the sections.
    let vocabulary = greffe_models::vocabulary::Vocabulary::embedded();
    let mut answers: BTreeMap<(String, &str, &str), &str> = BTreeMap::new();
    for index in 0..dossiers.len() {
        let Some(question) = &questions[index] else { continue };
        let chamber = dossiers[index].dossier.chamber.clone();
        if let Some(own) = sections.get(&chamber).filter(|s| !s.is_empty()) {
            let topics = vocabulary.of_chamber(&chamber);
            let position = topics.iter().position(|k| k.code == question.keyword).unwrap_or(0);
            dossiers[index].dossier.section = Some(own[position % own.len()].clone());
        }
        let Some(decision) = dossiers[index].decision.as_mut() else { continue };
        if !matches!(decision.solution.as_str(), "rejet" | "cassation") {
            continue;
        }
        let answer = *answers
            .entry((chamber, question.keyword, question.facet()))
            .or_insert_with(|| if rng.random_bool(0.55) { "rejet" } else { "cassation" });
        if rng.random_bool(CASE_LAW_SHARE) {
            answer.clone_into(&mut decision.solution);
        }
    }
    // The cassations of the stock a referral may follow: (index, decided on).
    let cassations: Vec<(usize, String)> = dossiers
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            d.decision.as_ref().filter(|decision| decision.solution == "cassation").map(|x| (i, x.decided_on.clone()))
        })
        .collect();
    for index in 0..dossiers.len() {
        let Some(question) = questions[index].clone() else { continue };
        let pending = dossiers[index].decision.is_none();
        let registered = dossiers[index].dossier.registered_on.clone();
        let earlier = (pending && question.particular.is_none() && rng.random_bool(REFERRAL_SHARE))
            .then(|| {
                // A cassation of the same chamber decided at least four
                // months before this pourvoi was registered.
                let chamber = &dossiers[index].dossier.chamber;
                let fits: Vec<usize> = cassations
                    .iter()
                    .filter(|(i, decided)| {
                        &dossiers[*i].dossier.chamber == chamber
                            && parse(decided).ok().zip(parse(&registered).ok()).is_some_and(|(d, r)| days(d, 120) <= r)
                    })
                    .map(|(i, _)| *i)
                    .collect();
                rand::seq::IndexedRandom::choose(fits.as_slice(), &mut rng).copied()
            })
            .flatten();
        let description = match earlier {
            Some(earlier) => {
                let question = questions[earlier].clone().unwrap_or(question);
                let parties = dossiers[earlier].dossier.parties.clone();
                dossiers[index].dossier.parties = parties;
                writer.referral(&question, &dossiers[earlier].dossier.pourvoi.clone())
            }
            None => writer.write(&question),
        };
        description.apply_to(&mut dossiers[index].dossier);
    }
}

/// The court generator's instance for a demo.
pub fn court(config: &DemoConfig) -> Result<InstanceDoc> {
    generate(&GeneratorConfig::new(Scale::Court, config.weeks, config.seed))
        .map_err(|e| Error::internal(format!("generator: {e}")))
}

/// The dossiers a demo imports (the generator's and the historical stock).
pub fn import_file(doc: &InstanceDoc, config: &DemoConfig) -> Result<ImportFile> {
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let mut dossiers = Vec::with_capacity(doc.dossiers.len() + config.stock);
    for dossier in &doc.dossiers {
        dossiers.push(from_generator(&mut rng, dossier, config.today)?);
    }
    let chambers: Vec<&str> = doc.chambers.iter().map(|c| c.id.as_str()).collect();
    for index in 0..config.stock {
        let chamber = chambers[index % chambers.len()];
        dossiers.push(historical(&mut rng, index, chamber, config.today));
    }
    let sections: BTreeMap<String, Vec<String>> =
        doc.chambers.iter().map(|c| (c.id.clone(), c.sections.clone())).collect();
    describe(&mut dossiers, config.seed, &sections);
    Ok(ImportFile { format: FORMAT.to_owned(), dossiers })
}

/// Seeds an empty store. Refuses a store that already has users.
pub async fn seed(store: &Store, config: &DemoConfig) -> Result<DemoReport> {
    // The court as of its own day: what is registered up to then is not
    // "in the future" of the store's checks.
    let store = &store.clone().on(config.today);
    if store.has_users().await? {
        return Err(Error::conflict(
            ErrorCode::NotEmpty,
            "la base contient déjà des utilisateurs : la démonstration ne s'installe que dans une base neuve",
            "donner une autre base (--database-url sqlite://demo.db) ou supprimer ce fichier",
        ));
    }
    let doc = court(config)?;
    let actor = "demo";
    for chamber in &doc.chambers {
        let (name, nature) = chamber_name(&chamber.id);
        let sections = chamber
            .sections
            .iter()
            .enumerate()
            .map(|(i, code)| Section { code: code.clone(), name: format!("Section {}", i + 1) })
            .collect();
        store
            .create_chamber(actor, ChamberInput { code: chamber.id.clone(), name: name.to_owned(), nature, sections })
            .await?;
    }
    for magistrate in &doc.magistrates {
        let role = greffe_models::Role::parse(&magistrate.role).ok_or_else(|| Error::internal("generated role"))?;
        store
            .put_magistrate(
                actor,
                None,
                MagistrateInput {
                    id: magistrate.id.clone(),
                    name: magistrate.name.clone().unwrap_or_else(|| format!("Magistrat {}", magistrate.id)),
                    role,
                    chamber: magistrate.chamber.clone(),
                    section: magistrate.section.clone(),
                    rank: magistrate.rank,
                    weekly_cap: Some(magistrate.max_hearings_per_week),
                    absences: magistrate
                        .absences
                        .iter()
                        .map(|a| Absence { from: a.from.clone(), to: a.to.clone(), reason: None })
                        .collect(),
                    active: true,
                    specialties: magistrate.specialties.clone(),
                    interests: Vec::new(),
                },
            )
            .await?;
    }
    for hearing in &doc.hearings {
        store
            .put_hearing(
                actor,
                None,
                HearingInput {
                    id: hearing.id.clone(),
                    chamber: hearing.chamber.clone(),
                    date: hearing.date.clone(),
                    half_day: hearing.half_day.clone(),
                    formation: hearing.formation.clone(),
                    capacity: hearing.capacity_count,
                    room: None,
                },
            )
            .await?;
    }
    let file = import_file(&doc, config)?;
    let import = store.import(actor, file).await?;
    if !import.rejected.is_empty() {
        let first = &import.rejected[0];
        return Err(Error::internal(format!(
            "demo import rejected {} record(s); first: {:?} {}",
            import.rejected.len(),
            first.field,
            first.message
        )));
    }
    store.maintain().await?;
    let mut users = Vec::new();
    let mut add =
        async |id: String, name: String, role: UserRole, chambers: Vec<String>, magistrate: Option<String>| {
            let credentials = store.create_user(actor, NewUser { id, name, role, chambers, magistrate }).await?;
            users.push(credentials);
            Ok::<_, Error>(())
        };
    add("admin".into(), "Administrateur".into(), UserRole::Admin, vec!["*".into()], None).await?;
    add(
        "analyste".into(),
        "Service de documentation, des études et du rapport".into(),
        UserRole::Analyste,
        vec!["*".into()],
        None,
    )
    .await?;
    for chamber in &doc.chambers {
        let code = &chamber.id;
        add(format!("greffe-{code}"), format!("Greffe {code}"), UserRole::Greffier, vec![code.clone()], None).await?;
        let president =
            doc.magistrates.iter().find(|m| &m.chamber == code && m.role == "president").map(|m| m.id.clone());
        add(
            format!("president-{code}"),
            format!("Président {code}"),
            UserRole::PresidentChambre,
            vec![code.clone()],
            president,
        )
        .await?;
        // The chamber's premier avocat général: its avocat général of best
        // rank.
        let premier_avocat_general = doc
            .magistrates
            .iter()
            .filter(|m| &m.chamber == code && m.role == "avocat_general")
            .min_by_key(|m| (m.rank, m.id.clone()));
        if let Some(pag) = premier_avocat_general {
            add(
                format!("pag-{code}"),
                pag.name.clone().unwrap_or_else(|| pag.id.clone()),
                UserRole::PremierAvocatGeneral,
                vec![code.clone()],
                Some(pag.id.clone()),
            )
            .await?;
        }
    }
    if let Some(conseiller) = doc.magistrates.iter().find(|m| m.role == "conseiller") {
        add(
            format!("magistrat-{}", conseiller.id),
            conseiller.name.clone().unwrap_or_else(|| conseiller.id.clone()),
            UserRole::Magistrat,
            vec![conseiller.chamber.clone()],
            Some(conseiller.id.clone()),
        )
        .await?;
    }
    Ok(DemoReport {
        chambers: doc.chambers.len(),
        magistrates: doc.magistrates.len(),
        hearings: doc.hearings.len(),
        import,
        users,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn every_demonstration_office_has_a_valid_address() {
        assert_eq!(lawyer_email("SCP Marchal-Noël"), "greffe@marchal-noel.avocats.example");
        assert_eq!(lawyer_email("SAS Jourdan et associés"), "greffe@jourdan-et-associes.avocats.example");
        for lawyer in LAWYERS {
            assert!(greffe_models::forms::is_email(&lawyer_email(lawyer)), "{lawyer}");
        }
    }

    /// What the orientation reads of the demonstration: every dossier in a
    /// section of its chamber, serial litigation against one adversary, and
    /// two chambers that answer a shared question differently.
    #[test]
    fn the_demonstration_court_gives_the_orientation_something_to_read() {
        let config = DemoConfig { seed: 3, weeks: 4, stock: 6000, today: parse("2026-11-29").expect("date") };
        let doc = court(&config).expect("court");
        let file = import_file(&doc, &config).expect("import");
        for record in &file.dossiers {
            let chamber = doc.chambers.iter().find(|c| c.id == record.dossier.chamber).expect("chamber");
            let section = record.dossier.section.as_ref().expect("a section");
            assert!(chamber.sections.contains(section), "{section} of {}", chamber.id);
        }
        // Joined dossiers are heard together, by one section's formation.
        let mut joined: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for record in &file.dossiers {
            if let (Some(group), Some(section)) = (&record.dossier.joined_group, &record.dossier.section) {
                joined.entry(group).or_default().insert(section);
            }
        }
        assert!(!joined.is_empty(), "the court has joined dossiers");
        for (group, sections) in &joined {
            assert_eq!(sections.len(), 1, "joined group {group} over {sections:?}");
        }
        // Serial litigation: at least six open pourvois of one chamber on
        // one first keyword against one défendeur.
        let mut series: BTreeMap<(String, String, String), usize> = BTreeMap::new();
        for record in file.dossiers.iter().filter(|r| r.decision.is_none()) {
            let d = &record.dossier;
            if let (Some(keyword), Some(adversary)) =
                (d.keywords.first(), d.parties.iter().find(|p| p.role == PartyRole::Defendeur))
            {
                *series.entry((d.chamber.clone(), keyword.clone(), adversary.name.clone())).or_default() += 1;
            }
        }
        assert!(series.values().any(|&n| n >= 6), "a series of six or more");
        // Divergence: a first keyword and its first article, decided on the
        // merits in two chambers whose majority answers differ.
        let mut answers: BTreeMap<(String, String), BTreeMap<String, (usize, usize)>> = BTreeMap::new();
        for record in &file.dossiers {
            let (Some(decision), Some(keyword)) = (&record.decision, record.dossier.keywords.first()) else { continue };
            let Some(article) = record.dossier.grounds.first().and_then(|g| g.articles.first()) else { continue };
            let counts = answers
                .entry((keyword.clone(), article.clone()))
                .or_default()
                .entry(record.dossier.chamber.clone())
                .or_default();
            match decision.solution.as_str() {
                "rejet" => counts.0 += 1,
                "cassation" => counts.1 += 1,
                _ => {}
            }
        }
        // Case law: most decisions of a chamber on a question follow its
        // majority answer (0.72 on this court; with no case law, 0.67).
        let (mut agreeing, mut total) = (0, 0);
        for counts in answers.values().flat_map(BTreeMap::values).filter(|(r, c)| r + c >= 3) {
            agreeing += counts.0.max(counts.1);
            total += counts.0 + counts.1;
        }
        #[allow(clippy::cast_precision_loss)]
        let agreement = agreeing as f64 / total.max(1) as f64;
        assert!(agreement >= 0.7, "a chamber answers a question its own way: {agreement:.2} of {total} decisions");
        let divergent = answers.values().any(|by_chamber| {
            let majorities: BTreeSet<bool> =
                by_chamber.values().filter(|(r, c)| r + c >= 3).map(|(r, c)| r > c).collect();
            majorities.len() == 2
        });
        assert!(divergent, "two chambers answer one question differently");
    }
}
