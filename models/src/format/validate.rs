//! From an [`InstanceDoc`] to a validated [`Instance`]: every value parsed
//! into its type and every reference resolved, reporting **all** problems at
//! once, each with its JSON path, a stable code, and a fix in French.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::doc::{DesignationDoc, DossierDoc, HearingDoc, InstanceDoc, MagistrateDoc, RangeDoc, ReferralDoc};
use super::problem::{Problem, Problems};
use crate::calendar::{self, Place};
use crate::court::{Chamber, Magistrate, Role};
use crate::dates::{Date, DateRange, HalfDay, Horizon, parse_date};
use crate::dossier::{Circuit, Dossier, Recusal};
use crate::formation::{FormationCode, FormationRule};
use crate::hearing::Hearing;
use crate::ids::{ChamberId, DossierId, HearingId, IdError, JoinedGroupId, MagistrateId, MatterCode, SectionId};
use crate::instance::Instance;
use crate::multi::{self, Designation, Referral};
use crate::plenary::PlenaryComposition;
use crate::pourvoi::PourvoiNumber;

/// Largest count accepted for integers such as ranks, caps, capacities and
/// notice days: the planner's bound, which the store checks at every write
/// of such a number so that what it accepts always makes a valid instance.
pub const MAX_SMALL_INTEGER: i64 = 100_000;

/// Validates a document into an instance, or lists every problem found.
pub fn validate(doc: &InstanceDoc) -> Result<Instance, Vec<Problem>> {
    let mut reader = Reader::default();
    let horizon = reader.horizon(doc);
    let formations = reader.formations(doc);
    let chambers = reader.chambers(doc);
    let magistrates = reader.magistrates(doc, &chambers);
    let hearings = reader.hearings(doc, horizon, &formations, &chambers, &magistrates);
    let dossiers = reader.dossiers(doc, &formations, &chambers, &magistrates, &hearings);
    reader.joined_groups(&dossiers);
    let designations = reader.designations(doc, &chambers, &magistrates);
    reader.designations_cover(&hearings, &designations);
    // A missing horizon always comes with its problem, so both cases refuse.
    let (Some(horizon), true) = (horizon, reader.problems.0.is_empty()) else {
        return Err(reader.problems.0);
    };
    let magistrates: Vec<Magistrate> = magistrates.into_iter().map(|(_, m)| m).collect();
    let hearings: Vec<Hearing> = hearings.into_iter().map(|(_, h)| h).collect();
    let dossiers: Vec<Dossier> = dossiers.into_iter().map(|(_, d)| d).collect();
    Ok(Instance {
        meta: doc.meta.clone(),
        horizon,
        formations,
        chambers,
        magistrate_index: magistrates.iter().enumerate().map(|(i, m)| (m.id.clone(), i)).collect(),
        hearing_index: hearings.iter().enumerate().map(|(i, h)| (h.id.clone(), i)).collect(),
        dossier_index: dossiers.iter().enumerate().map(|(i, d)| (d.id.clone(), i)).collect(),
        magistrates,
        hearings,
        dossiers,
        designations,
    })
}

/// Values parsed so far, with the index of the document entry they came from.
type Parsed<T> = Vec<(usize, T)>;

#[derive(Default)]
struct Reader {
    problems: Problems,
}

impl Reader {
    fn push(
        &mut self,
        path: impl Into<String>,
        code: &'static str,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) {
        self.problems.push(path, code, message, fix);
    }

    fn id<T>(&mut self, raw: &str, path: &str, parse: fn(&str) -> Result<T, IdError>) -> Option<T> {
        parse(raw)
            .map_err(|error| {
                self.push(path, "invalid_id", error.to_string(), "donner un identifiant non vide, sans espace autour")
            })
            .ok()
    }

    fn date(&mut self, raw: &str, path: &str) -> Option<Date> {
        parse_date(raw).map_err(|error| self.push(path, "invalid_date", error.to_string(), error.fix())).ok()
    }

    fn range(&mut self, raw: &RangeDoc, path: &str) -> Option<DateRange> {
        let from = self.date(&raw.from, &format!("{path}.from"));
        let to = self.date(&raw.to, &format!("{path}.to"));
        let (from, to) = (from?, to?);
        DateRange::new(from, to)
            .map_err(|error| self.push(path, "inverted_range", error.to_string(), "échanger « from » et « to »"))
            .ok()
    }

    fn small_integer(&mut self, value: i64, min: i64, path: &str, what: &str) -> Option<u32> {
        if (min..=MAX_SMALL_INTEGER).contains(&value) {
            u32::try_from(value).ok()
        } else if value < 0 {
            self.push(path, "negative_number", format!("{what} négatif : {value}"), "donner un nombre positif ou nul");
            None
        } else {
            self.push(
                path,
                "out_of_range",
                format!("{what} hors limites : {value}"),
                format!("donner un entier entre {min} et {MAX_SMALL_INTEGER}"),
            );
            None
        }
    }

    fn non_negative(&mut self, value: f64, path: &str, what: &str) -> Option<f64> {
        if value.is_finite() && value >= 0.0 {
            Some(value)
        } else {
            self.push(path, "negative_number", format!("{what} négatif : {value}"), "donner un nombre positif ou nul");
            None
        }
    }

    fn duplicate<'a>(&mut self, seen: &mut HashMap<&'a str, String>, id: &'a str, path: &str, what: &str) -> bool {
        if let Some(first) = seen.get(id) {
            self.push(
                path,
                "duplicate_id",
                format!("{what} « {id} » déjà déclaré à {first}"),
                "donner à chaque élément un identifiant unique",
            );
            true
        } else {
            seen.insert(id, path.to_owned());
            false
        }
    }

    fn horizon(&mut self, doc: &InstanceDoc) -> Option<Horizon> {
        let start = self.date(&doc.horizon.start, "horizon.start");
        let end = self.date(&doc.horizon.end, "horizon.end");
        let publication = match &doc.horizon.publication_date {
            Some(raw) => Some(self.date(raw, "horizon.publication_date")?),
            None => None,
        };
        let range = DateRange::new(start?, end?)
            .map_err(|error| self.push("horizon", "inverted_range", error.to_string(), "échanger « start » et « end »"))
            .ok()?;
        if let Some(publication) = publication {
            if publication > range.to() {
                self.push(
                    "horizon.publication_date",
                    "outside_horizon",
                    format!("date de publication {publication} après la fin de la période ({})", range.to()),
                    "donner une date de publication antérieure à la fin de la période",
                );
            }
        }
        Some(Horizon::new(range, publication))
    }

    fn formations(&mut self, doc: &InstanceDoc) -> Vec<FormationRule> {
        let Some(docs) = &doc.formations else {
            return FormationRule::defaults().to_vec();
        };
        let mut rules: Vec<FormationRule> = Vec::new();
        for (i, raw) in docs.iter().enumerate() {
            let path = format!("formations[{i}]");
            let Some(code) = FormationCode::parse(&raw.code) else {
                self.push(
                    format!("{path}.code"),
                    "unknown_formation",
                    format!("formation « {} » inconnue", raw.code),
                    "utiliser FR, FS, FP, CM ou AP",
                );
                continue;
            };
            if rules.iter().any(|rule| rule.code == code) {
                self.push(
                    &path,
                    "duplicate_id",
                    format!("formation {code} décrite deux fois"),
                    "ne garder qu'une ligne par formation",
                );
                continue;
            }
            let bench_size = self.small_integer(raw.bench_size, 1, &format!("{path}.bench_size"), "taille du siège");
            let min_voices =
                self.small_integer(raw.min_voices, 1, &format!("{path}.min_voices"), "nombre minimal de voix");
            let max_voices =
                self.small_integer(raw.max_voices, 1, &format!("{path}.max_voices"), "nombre maximal de voix");
            let (Some(bench_size), Some(min_voices), Some(max_voices)) = (bench_size, min_voices, max_voices) else {
                continue;
            };
            if min_voices > max_voices || bench_size > max_voices {
                self.push(
                    &path,
                    "invalid_formation_rule",
                    format!("formation {code} : siège {bench_size}, voix de {min_voices} à {max_voices} — incohérent"),
                    "il faut min_voices ≤ max_voices et bench_size ≤ max_voices",
                );
                continue;
            }
            let from_section = raw.from_section.unwrap_or(FormationRule::default_from_section(code));
            if from_section && !FormationRule::default_from_section(code) {
                self.push(
                    format!("{path}.from_section"),
                    "section_formation",
                    format!("la formation {code} ne siège pas par section"),
                    "seules FR et FS siègent par section : retirer « from_section » ou le mettre à false",
                );
                continue;
            }
            rules.push(FormationRule { code, bench_size, min_voices, max_voices, from_section });
        }
        rules
    }

    fn chambers(&mut self, doc: &InstanceDoc) -> Vec<Chamber> {
        let mut seen = HashMap::new();
        let mut seen_sections = HashMap::new();
        let mut chambers = Vec::new();
        for (i, raw) in doc.chambers.iter().enumerate() {
            let path = format!("chambers[{i}]");
            let Some(id) = self.id(&raw.id, &format!("{path}.id"), ChamberId::parse) else { continue };
            if self.duplicate(&mut seen, &raw.id, &format!("{path}.id"), "chambre") {
                continue;
            }
            let mut sections = Vec::new();
            for (j, section) in raw.sections.iter().enumerate() {
                let section_path = format!("{path}.sections[{j}]");
                if let Some(parsed) = self.id(section, &section_path, SectionId::parse) {
                    if !self.duplicate(&mut seen_sections, section, &section_path, "section") {
                        sections.push(parsed);
                    }
                }
            }
            chambers.push(Chamber { id, sections });
        }
        chambers
    }

    fn chamber_ref(&mut self, chambers: &[Chamber], raw: &str, path: &str) -> Option<ChamberId> {
        let found = chambers.iter().find(|chamber| chamber.id.as_str() == raw).map(|chamber| chamber.id.clone());
        if found.is_none() {
            let known: Vec<&str> = chambers.iter().map(|chamber| chamber.id.as_str()).collect();
            self.push(
                path,
                "unknown_chamber",
                format!("chambre « {raw} » inconnue"),
                format!("utiliser une chambre déclarée dans « chambers » ({})", known.join(", ")),
            );
        }
        found
    }

    fn magistrates(&mut self, doc: &InstanceDoc, chambers: &[Chamber]) -> Parsed<Magistrate> {
        let mut seen = HashMap::new();
        let mut ranks: HashMap<(String, Role, u32), String> = HashMap::new();
        let mut magistrates = Vec::new();
        let mut premier_president: Option<String> = None;
        for (i, raw) in doc.magistrates.iter().enumerate() {
            let path = format!("magistrates[{i}]");
            if let Some(magistrate) = self.magistrate(raw, &path, chambers) {
                if self.duplicate(&mut seen, &raw.id, &format!("{path}.id"), "magistrat") {
                    continue;
                }
                self.multi_chamber_member(&magistrate, &path, &mut premier_president);
                let key = (magistrate.chamber.to_string(), magistrate.role, magistrate.rank);
                if magistrate.role.is_bench_eligible() {
                    if let Some(first) = ranks.get(&key) {
                        self.push(
                            format!("{path}.rank"),
                            "duplicate_rank",
                            format!(
                                "rang {} déjà attribué à {first} ({}, même chambre et même fonction)",
                                key.2, key.1
                            ),
                            "donner un rang distinct : la préséance pour présider doit être sans ambiguïté",
                        );
                    } else {
                        ranks.insert(key, magistrate.id.to_string());
                    }
                }
                magistrates.push((i, magistrate));
            }
        }
        magistrates
    }

    fn magistrate(&mut self, raw: &MagistrateDoc, path: &str, chambers: &[Chamber]) -> Option<Magistrate> {
        let id = self.id(&raw.id, &format!("{path}.id"), MagistrateId::parse);
        let chamber = self.chamber_ref(chambers, &raw.chamber, &format!("{path}.chamber"));
        let section = match &raw.section {
            None => None,
            Some(section) => {
                let section_path = format!("{path}.section");
                let parsed = self.id(section, &section_path, SectionId::parse);
                let owner = chambers.iter().find(|c| c.sections.iter().any(|s| s.as_str() == section));
                match (owner, &chamber) {
                    (None, _) => self.push(
                        &section_path,
                        "unknown_section",
                        format!("section « {section} » inconnue"),
                        "déclarer la section dans « chambers[].sections » ou mettre null",
                    ),
                    (Some(owner), Some(chamber)) if &owner.id != chamber => self.push(
                        &section_path,
                        "other_chamber",
                        format!("la section « {section} » appartient à la chambre {}, pas à {chamber}", owner.id),
                        "corriger la chambre ou la section du magistrat",
                    ),
                    _ => {}
                }
                parsed
            }
        };
        let role = Role::parse(&raw.role);
        if role.is_none() {
            self.push(
                format!("{path}.role"),
                "invalid_value",
                format!("fonction « {} » inconnue", raw.role),
                "utiliser president, doyen, conseiller, referendaire ou avocat_general",
            );
        }
        let rank = self.small_integer(raw.rank, 1, &format!("{path}.rank"), "rang");
        let cap = self.small_integer(
            raw.max_hearings_per_week,
            0,
            &format!("{path}.max_hearings_per_week"),
            "plafond hebdomadaire",
        );
        let specialties: Vec<MatterCode> = raw
            .specialties
            .iter()
            .enumerate()
            .filter_map(|(j, code)| self.id(code, &format!("{path}.specialties[{j}]"), MatterCode::parse))
            .collect();
        let absences: Vec<DateRange> = raw
            .absences
            .iter()
            .enumerate()
            .filter_map(|(j, absence)| self.range(absence, &format!("{path}.absences[{j}]")))
            .collect();
        let seniority = match &raw.seniority {
            Some(date) => Some(self.date(date, &format!("{path}.seniority"))?),
            None => None,
        };
        Some(Magistrate {
            id: id?,
            name: raw.name.clone(),
            chamber: chamber?,
            section,
            role: role?,
            rank: rank?,
            specialties,
            absences,
            max_hearings_per_week: cap?,
            seniority,
        })
    }

    /// The premier président is one, attached to `mi` or `pl`; the
    /// members of a chambre mixte or of the assemblée plénière belong to
    /// their own chamber (only the premier président and avocats généraux
    /// are attached to `mi` or `pl`).
    fn multi_chamber_member(&mut self, magistrate: &Magistrate, path: &str, premier: &mut Option<String>) {
        let in_multi = multi::is_multi_chamber_id(&magistrate.chamber);
        match magistrate.role {
            Role::PremierPresident => {
                if !in_multi {
                    self.push(
                        format!("{path}.chamber"),
                        "premier_president_chamber",
                        format!("le premier président est rattaché à la chambre {}", magistrate.chamber),
                        "rattacher le premier président à « pl » (ou « mi »), les chambres qu'il préside",
                    );
                }
                if let Some(first) = premier.as_ref() {
                    self.push(
                        format!("{path}.role"),
                        "premier_president_twice",
                        format!("deux premiers présidents : {first} et {}", magistrate.id),
                        "la Cour n'a qu'un premier président : corriger la fonction de l'un d'eux",
                    );
                } else {
                    *premier = Some(magistrate.id.to_string());
                }
            }
            Role::AvocatGeneral => {}
            role if in_multi => self.push(
                format!("{path}.chamber"),
                "multi_chamber_member",
                format!(
                    "{} ({role}) rattaché à {} : les membres d'une chambre mixte ou de l'assemblée plénière \
                     appartiennent à leur chambre",
                    magistrate.id, magistrate.chamber
                ),
                "rattacher le magistrat à sa chambre ; sa désignation va dans « designations »",
            ),
            _ => {}
        }
    }

    fn magistrate_ref<'m>(
        &mut self,
        magistrates: &'m Parsed<Magistrate>,
        raw: &str,
        path: &str,
    ) -> Option<&'m Magistrate> {
        let found = magistrates.iter().map(|(_, m)| m).find(|m| m.id.as_str() == raw);
        if found.is_none() {
            self.push(
                path,
                "unknown_magistrate",
                format!("magistrat « {raw} » inconnu"),
                "corriger l'identifiant ou déclarer ce magistrat dans « magistrates »",
            );
        }
        found
    }

    fn hearings(
        &mut self,
        doc: &InstanceDoc,
        horizon: Option<Horizon>,
        formations: &[FormationRule],
        chambers: &[Chamber],
        magistrates: &Parsed<Magistrate>,
    ) -> Parsed<Hearing> {
        let mut seen = HashMap::new();
        let mut hearings = Vec::new();
        for (i, raw) in doc.hearings.iter().enumerate() {
            let path = format!("hearings[{i}]");
            if let Some(hearing) = self.hearing(raw, &path, horizon, formations, chambers, magistrates) {
                if !self.duplicate(&mut seen, &raw.id, &format!("{path}.id"), "audience") {
                    hearings.push((i, hearing));
                }
            }
        }
        hearings
    }

    fn formation_ref(&mut self, formations: &[FormationRule], raw: &str, path: &str) -> Option<FormationCode> {
        let Some(code) = FormationCode::parse(raw) else {
            self.push(
                path,
                "unknown_formation",
                format!("formation « {raw} » inconnue"),
                "utiliser FR, FS, FP, CM ou AP",
            );
            return None;
        };
        if formations.iter().all(|rule| rule.code != code) {
            self.push(
                path,
                "unknown_formation",
                format!("la formation {code} n'est pas décrite dans « formations »"),
                format!("ajouter {code} à « formations » ou choisir une formation décrite"),
            );
            return None;
        }
        Some(code)
    }

    fn hearing(
        &mut self,
        raw: &HearingDoc,
        path: &str,
        horizon: Option<Horizon>,
        formations: &[FormationRule],
        chambers: &[Chamber],
        magistrates: &Parsed<Magistrate>,
    ) -> Option<Hearing> {
        let id = self.id(&raw.id, &format!("{path}.id"), HearingId::parse);
        let chamber = self.chamber_ref(chambers, &raw.chamber, &format!("{path}.chamber"));
        let date = self.date(&raw.date, &format!("{path}.date"));
        if let (Some(date), Some(horizon)) = (date, horizon) {
            if !horizon.range().contains(date) {
                self.push(
                    format!("{path}.date"),
                    "outside_horizon",
                    format!("audience du {date} hors de la période {}", horizon.range()),
                    "dater l'audience dans la période ou élargir « horizon »",
                );
            }
        }
        if let Some(date) = date.filter(|date| calendar::is_holiday(*date, Place::PARIS)) {
            self.push(
                format!("{path}.date"),
                "hearing_on_holiday",
                format!(
                    "audience du {date}, jour férié à Paris ({})",
                    calendar::holiday_names(date, Place::PARIS).join(", ")
                ),
                "la Cour ne siège pas un jour férié (C. trav. L3133-1) : choisir un autre jour",
            );
        }
        let half_day = HalfDay::parse(&raw.half_day);
        if half_day.is_none() {
            self.push(
                format!("{path}.half_day"),
                "invalid_value",
                format!("demi-journée « {} » inconnue", raw.half_day),
                "utiliser am ou pm",
            );
        }
        let formation = self.formation_ref(formations, &raw.formation, &format!("{path}.formation"));
        let capacity_weight =
            self.non_negative(raw.capacity_weight, &format!("{path}.capacity_weight"), "capacité en poids");
        let capacity_count = self.small_integer(
            raw.capacity_count,
            0,
            &format!("{path}.capacity_count"),
            "capacité en nombre de dossiers",
        );
        let composing = self.composing_chambers(raw, path, chamber.as_ref(), formation, chambers);
        let section = self.hearing_section(raw, path, chamber.as_ref(), formation, chambers);
        let composition = self.plenary_composition(raw, path, formation);
        let locked_bench = match &raw.locked_bench {
            None => None,
            Some(members) => {
                // The law's size for CM and AP (their chambers), else the rule's.
                let rule = formation.and_then(|code| formations.iter().find(|rule| rule.code == code));
                let size = rule.map(|rule| multi::hearing_bench_size(rule, composing.as_ref().map_or(0, Vec::len)));
                Some(self.locked_bench(members, path, chamber.as_ref(), formation, size, magistrates)?)
            }
        };
        Some(Hearing {
            id: id?,
            chamber: chamber?,
            date: date?,
            half_day: half_day?,
            formation: formation?,
            capacity_weight: capacity_weight?,
            capacity_count: capacity_count?,
            locked_bench,
            chambers: composing?,
            section: section?,
            composition: composition?,
        })
    }

    /// An FP hearing may state its composition (R421-4-1 COJ): `full` or
    /// `reduced`; no other formation has one, and a composition by law
    /// leaves no bench to lock.
    fn plenary_composition(
        &mut self,
        raw: &HearingDoc,
        path: &str,
        formation: Option<FormationCode>,
    ) -> Option<Option<PlenaryComposition>> {
        let Some(composition) = &raw.composition else { return Some(None) };
        let composition_path = format!("{path}.composition");
        let Some(parsed) = PlenaryComposition::parse(composition) else {
            self.push(
                &composition_path,
                "invalid_composition",
                format!("composition « {composition} » inconnue"),
                "écrire « full » (formation plénière complète) ou « reduced » (formation plénière restreinte)",
            );
            return None;
        };
        if let Some(code) = formation.filter(|code| *code != FormationCode::Pleniere) {
            self.push(
                &composition_path,
                "composition_formation",
                format!("une audience {code} n'a pas de composition plénière (R421-4-1 COJ)"),
                "seules les audiences FP énoncent leur composition : retirer « composition »",
            );
            return None;
        }
        if raw.locked_bench.is_some() {
            self.push(
                &composition_path,
                "composition_locked",
                "la composition plénière est fixée par la loi : le siège ne peut pas être aussi verrouillé",
                "retirer « locked_bench » ou « composition »",
            );
            return None;
        }
        Some(Some(parsed))
    }

    /// A section named by a hearing or a dossier is one of its chamber's.
    fn section_of_chamber(
        &mut self,
        raw: &str,
        path: &str,
        chamber: Option<&ChamberId>,
        chambers: &[Chamber],
    ) -> Option<SectionId> {
        let parsed = self.id(raw, path, SectionId::parse)?;
        let owner = chambers.iter().find(|c| c.sections.contains(&parsed));
        match (owner, chamber) {
            (None, _) => {
                self.push(
                    path,
                    "unknown_section",
                    format!("section « {raw} » inconnue"),
                    "déclarer la section dans « chambers[].sections » ou retirer le champ",
                );
                None
            }
            (Some(owner), Some(chamber)) if &owner.id != chamber => {
                self.push(
                    path,
                    "other_chamber",
                    format!("la section « {raw} » appartient à la chambre {}, pas à {chamber}", owner.id),
                    "nommer une section de la chambre",
                );
                None
            }
            _ => Some(parsed),
        }
    }

    /// Only a hearing of FR or FS sits by section (R421-4-3, R431-5 COJ).
    /// `Some(None)` when it names none.
    fn hearing_section(
        &mut self,
        raw: &HearingDoc,
        path: &str,
        chamber: Option<&ChamberId>,
        formation: Option<FormationCode>,
        chambers: &[Chamber],
    ) -> Option<Option<SectionId>> {
        let Some(section) = &raw.section else { return Some(None) };
        let section_path = format!("{path}.section");
        if let Some(code) = formation.filter(|code| !FormationRule::default_from_section(*code)) {
            self.push(
                &section_path,
                "section_formation",
                format!("une audience {code} ne siège pas par section"),
                "seules les audiences FR et FS nomment leur section : retirer « section »",
            );
            return None;
        }
        Some(Some(self.section_of_chamber(section, &section_path, chamber, chambers)?))
    }

    /// A hearing's formation matches its chamber (CM in `mi`, AP in `pl`,
    /// FR/FS/FP in the others), and a chambre mixte names the chambers
    /// composing it (at least three, L421-4 COJ); an assemblée plénière is
    /// composed of every chamber (L421-5 COJ).
    fn composing_chambers(
        &mut self,
        raw: &HearingDoc,
        path: &str,
        chamber: Option<&ChamberId>,
        formation: Option<FormationCode>,
        chambers: &[Chamber],
    ) -> Option<Vec<ChamberId>> {
        let (Some(chamber), Some(formation)) = (chamber, formation) else { return Some(Vec::new()) };
        let held_by = multi::formation_of(chamber);
        if held_by.is_some() != formation.is_multi_chamber() || held_by.is_some_and(|code| code != formation) {
            let fix = match multi::chamber_of(formation) {
                Some(id) => format!("une audience {formation} relève de la chambre « {id} »"),
                None => format!(
                    "la chambre {chamber} tient des audiences {} ; FR, FS et FP relèvent des chambres",
                    held_by.map_or("FR, FS ou FP", FormationCode::as_str)
                ),
            };
            self.push(
                format!("{path}.formation"),
                "formation_chamber_mismatch",
                format!("audience {formation} dans la chambre {chamber}"),
                fix,
            );
            return None;
        }
        let ordinary: Vec<&ChamberId> =
            chambers.iter().map(|c| &c.id).filter(|id| !multi::is_multi_chamber_id(id)).collect();
        match formation {
            FormationCode::Mixte => {
                let listed = self.chamber_list(&raw.chambers, &format!("{path}.chambers"), chambers)?;
                if listed.len() < multi::MIN_MIXTE_CHAMBERS {
                    self.push(
                        format!("{path}.chambers"),
                        "mixte_chambers",
                        format!("chambre mixte composée de {} chambre(s)", listed.len()),
                        format!(
                            "nommer au moins {} chambres dans « chambers » (L421-4 COJ)",
                            multi::MIN_MIXTE_CHAMBERS
                        ),
                    );
                    return None;
                }
                Some(listed)
            }
            FormationCode::AssembleePleniere => {
                let listed = self.chamber_list(&raw.chambers, &format!("{path}.chambers"), chambers)?;
                if !listed.is_empty() && listed.len() != ordinary.len() {
                    self.push(
                        format!("{path}.chambers"),
                        "pleniere_chambers",
                        format!("assemblée plénière composée de {} chambre(s) sur {}", listed.len(), ordinary.len()),
                        "l'assemblée plénière réunit toutes les chambres (L421-5 COJ) : omettre « chambers »",
                    );
                    return None;
                }
                Some(ordinary.into_iter().cloned().collect())
            }
            _ if !raw.chambers.is_empty() => {
                self.push(
                    format!("{path}.chambers"),
                    "chambers_not_multi",
                    format!("« chambers » donné pour une audience {formation}"),
                    "seules les audiences CM (et AP) nomment leurs chambres : retirer « chambers »",
                );
                None
            }
            _ => Some(Vec::new()),
        }
    }

    /// One of the six chambers — not `mi` or `pl`, which are formations;
    /// `what` names the chamber expected, for the fix.
    fn court_chamber_ref(&mut self, chambers: &[Chamber], raw: &str, path: &str, what: &str) -> Option<ChamberId> {
        let chamber = self.chamber_ref(chambers, raw, path)?;
        if multi::is_multi_chamber_id(&chamber) {
            self.push(
                path,
                "multi_chamber_in_list",
                format!("« {chamber} » n'est pas une chambre de la Cour mais une formation"),
                format!("donner {what} : civ1, civ2, civ3, comm, soc ou cr"),
            );
            return None;
        }
        Some(chamber)
    }

    /// Distinct chambers of the court other than `mi` and `pl`.
    fn chamber_list(&mut self, raw: &[String], path: &str, chambers: &[Chamber]) -> Option<Vec<ChamberId>> {
        let mut listed: Vec<ChamberId> = Vec::new();
        let mut complete = true;
        for (j, id) in raw.iter().enumerate() {
            let item = format!("{path}[{j}]");
            let Some(chamber) = self.court_chamber_ref(chambers, id, &item, "la chambre composant la formation") else {
                complete = false;
                continue;
            };
            if listed.contains(&chamber) {
                self.push(&item, "duplicate_id", format!("chambre {chamber} nommée deux fois"), "retirer le doublon");
                complete = false;
            } else {
                listed.push(chamber);
            }
        }
        complete.then_some(listed)
    }

    fn locked_bench(
        &mut self,
        members: &[String],
        path: &str,
        chamber: Option<&ChamberId>,
        formation: Option<FormationCode>,
        size: Option<usize>,
        magistrates: &Parsed<Magistrate>,
    ) -> Option<Vec<MagistrateId>> {
        let multi_chamber = formation.is_some_and(FormationCode::is_multi_chamber);
        let mut ids = Vec::new();
        let mut seen = HashSet::new();
        for (j, member) in members.iter().enumerate() {
            let member_path = format!("{path}.locked_bench[{j}]");
            let Some(magistrate) = self.magistrate_ref(magistrates, member, &member_path) else { continue };
            if !seen.insert(member.as_str()) {
                self.push(
                    &member_path,
                    "duplicate_id",
                    format!("« {member} » figure deux fois dans le siège"),
                    "retirer le doublon",
                );
                continue;
            }
            let premier_president = multi_chamber && magistrate.role == Role::PremierPresident;
            if !magistrate.role.is_bench_eligible() && !premier_president {
                self.push(
                    &member_path,
                    "wrong_role",
                    format!("« {member} » ({}) ne peut pas siéger au siège d'une audience", magistrate.role),
                    "choisir un président, un doyen ou un conseiller",
                );
            }
            if let Some(chamber) = chamber {
                if !multi_chamber && &magistrate.chamber != chamber {
                    self.push(
                        &member_path,
                        "other_chamber",
                        format!("« {member} » appartient à la chambre {}, l'audience à {chamber}", magistrate.chamber),
                        "choisir un magistrat de la chambre de l'audience",
                    );
                }
            }
            ids.push(magistrate.id.clone());
        }
        if let (Some(size), Some(code)) = (size, formation) {
            if members.len() != size {
                self.push(
                    format!("{path}.locked_bench"),
                    "locked_bench_size",
                    format!(
                        "siège verrouillé de {} membres pour une formation {code} qui en compte {size}",
                        members.len(),
                    ),
                    format!("donner exactement {size} membres"),
                );
            }
        }
        Some(ids)
    }

    fn dossiers(
        &mut self,
        doc: &InstanceDoc,
        formations: &[FormationRule],
        chambers: &[Chamber],
        magistrates: &Parsed<Magistrate>,
        hearings: &Parsed<Hearing>,
    ) -> Parsed<Dossier> {
        let mut seen = HashMap::new();
        let mut pourvois: HashMap<PourvoiNumber, String> = HashMap::new();
        let mut dossiers = Vec::new();
        for (i, raw) in doc.dossiers.iter().enumerate() {
            let path = format!("dossiers[{i}]");
            let Some(dossier) = self.dossier(raw, &path, formations, chambers, magistrates, hearings) else { continue };
            if self.duplicate(&mut seen, &raw.id, &format!("{path}.id"), "dossier") {
                continue;
            }
            if let Some(first) = pourvois.get(&dossier.pourvoi) {
                self.push(
                    format!("{path}.pourvoi"),
                    "duplicate_pourvoi",
                    format!("pourvoi {} déjà porté par le dossier {first}", dossier.pourvoi),
                    "un pourvoi n'a qu'un dossier : corriger le numéro ou joindre les dossiers par « joined_group »",
                );
            } else {
                pourvois.insert(dossier.pourvoi, dossier.id.to_string());
            }
            dossiers.push((i, dossier));
        }
        dossiers
    }

    fn dossier(
        &mut self,
        raw: &DossierDoc,
        path: &str,
        formations: &[FormationRule],
        chambers: &[Chamber],
        magistrates: &Parsed<Magistrate>,
        hearings: &Parsed<Hearing>,
    ) -> Option<Dossier> {
        let id = self.id(&raw.id, &format!("{path}.id"), DossierId::parse);
        let pourvoi = PourvoiNumber::parse(&raw.pourvoi)
            .map_err(|error| {
                self.push(
                    format!("{path}.pourvoi"),
                    "invalid_pourvoi",
                    error.to_string(),
                    "écrire le numéro comme Y 15-26.094",
                )
            })
            .ok();
        let chamber = self.chamber_ref(chambers, &raw.chamber, &format!("{path}.chamber"));
        let section = match &raw.section {
            None => Some(None),
            Some(section) => {
                self.section_of_chamber(section, &format!("{path}.section"), chamber.as_ref(), chambers).map(Some)
            }
        };
        let matter = match &raw.matter {
            Some(code) => Some(self.id(code, &format!("{path}.matter"), MatterCode::parse)?),
            None => None,
        };
        let circuit = match raw.circuit.as_deref() {
            None => Some(Circuit::Intermediaire),
            Some(code) => {
                let circuit = Circuit::parse(code);
                if circuit.is_none() {
                    self.push(
                        format!("{path}.circuit"),
                        "invalid_value",
                        format!("circuit « {code} » inconnu"),
                        "utiliser court, intermediaire ou approfondi",
                    );
                }
                circuit
            }
        };
        let acceptable = self.acceptable_formations(raw, path, formations);
        let referral = self.referral(raw, path, chamber.as_ref(), acceptable.as_deref(), chambers);
        let rapporteurs = self.rapporteurs(raw, path, chamber.as_ref(), magistrates);
        let avocat_general = match &raw.avocat_general {
            None => None,
            Some(ag) => {
                let ag_path = format!("{path}.avocat_general");
                let magistrate = self.magistrate_ref(magistrates, ag, &ag_path)?;
                if magistrate.role != Role::AvocatGeneral {
                    self.push(
                        &ag_path,
                        "wrong_role",
                        format!("« {ag} » est {}, pas avocat général", magistrate.role),
                        "désigner un magistrat de fonction avocat_general",
                    );
                }
                Some(magistrate.id.clone())
            }
        };
        let weight = self.non_negative(raw.weight, &format!("{path}.weight"), "poids");
        let priority = self.non_negative(raw.priority, &format!("{path}.priority"), "priorité");
        let ready_date = self.date(&raw.ready_date, &format!("{path}.ready_date"));
        let notice_days = self.small_integer(raw.notice_days, 0, &format!("{path}.notice_days"), "délai d'avis");
        let deadline = match &raw.deadline {
            Some(date) => Some(self.date(date, &format!("{path}.deadline"))?),
            None => None,
        };
        let registration_date = match &raw.registration_date {
            Some(date) => Some(self.date(date, &format!("{path}.registration_date"))?),
            None => None,
        };
        let recusals = self.recusals(raw, path, rapporteurs.as_deref().unwrap_or_default(), magistrates);
        let joined_group = match &raw.joined_group {
            Some(group) => Some(self.id(group, &format!("{path}.joined_group"), JoinedGroupId::parse)?),
            None => None,
        };
        let pinned_hearing = match &raw.pinned_hearing {
            None => None,
            Some(pinned) => {
                let pinned_path = format!("{path}.pinned_hearing");
                let Some((_, hearing)) = hearings.iter().find(|(_, h)| h.id.as_str() == pinned) else {
                    self.push(
                        &pinned_path,
                        "unknown_hearing",
                        format!("audience « {pinned} » inconnue"),
                        "corriger l'identifiant ou déclarer l'audience dans « hearings »",
                    );
                    return None;
                };
                if let Some(chamber) = &chamber {
                    if &hearing.chamber != chamber {
                        self.push(
                            &pinned_path,
                            "other_chamber",
                            format!(
                                "audience « {pinned} » de la chambre {}, dossier de la chambre {chamber}",
                                hearing.chamber
                            ),
                            "épingler le dossier à une audience de sa chambre",
                        );
                    }
                }
                if let (Some(Some(section)), Some(other)) = (&section, &hearing.section) {
                    if section != other {
                        self.push(
                            &pinned_path,
                            "other_section",
                            format!("audience « {pinned} » de la section {other}, dossier de la section {section}"),
                            "épingler le dossier à une audience de sa section ou corriger sa section",
                        );
                    }
                }
                Some(hearing.id.clone())
            }
        };
        Some(Dossier {
            id: id?,
            pourvoi: pourvoi?,
            chamber: chamber?,
            section: section?,
            matter,
            circuit: circuit?,
            formations: acceptable?,
            rapporteurs: rapporteurs?,
            avocat_general,
            weight: weight?,
            priority: priority?,
            ready_date: ready_date?,
            notice_days: notice_days?,
            deadline,
            deadline_rule: raw.deadline_rule.clone(),
            registration_date,
            recusals: recusals?,
            joined_group,
            pinned_hearing,
            referral: referral?,
        })
    }

    /// A dossier of `mi` or `pl` is there by a referral (L431-5 to L431-7
    /// COJ) and is heard in that formation only; a chamber's dossier is
    /// heard in FR, FS or FP and has no referral.
    fn referral(
        &mut self,
        raw: &DossierDoc,
        path: &str,
        chamber: Option<&ChamberId>,
        acceptable: Option<&[FormationCode]>,
        chambers: &[Chamber],
    ) -> Option<Option<Referral>> {
        let chamber = chamber?;
        let held = multi::formation_of(chamber);
        if let Some(acceptable) = acceptable {
            let wrong = match held {
                Some(code) => acceptable != [code],
                None => acceptable.iter().any(|code| code.is_multi_chamber()),
            };
            if wrong {
                let fix = match held {
                    Some(code) => format!("un dossier de la chambre {chamber} est entendu en {code} seulement"),
                    None => "un dossier va en chambre mixte ou en assemblée plénière par un renvoi : le rattacher \
                             à « mi » ou « pl » avec « referral »"
                        .to_owned(),
                };
                self.push(
                    format!("{path}.formations"),
                    "formation_chamber_mismatch",
                    format!("formations {} pour un dossier de la chambre {chamber}", raw.formations.join(", ")),
                    fix,
                );
                return None;
            }
        }
        let referral_path = format!("{path}.referral");
        match (held, &raw.referral) {
            (None, None) => Some(None),
            (None, Some(_)) => {
                self.push(
                    &referral_path,
                    "referral_outside_multi",
                    format!("renvoi donné pour un dossier de la chambre {chamber}"),
                    "un dossier renvoyé relève de « mi » (chambre mixte) ou de « pl » (assemblée plénière)",
                );
                None
            }
            (Some(code), None) => {
                self.push(
                    &referral_path,
                    "referral_missing",
                    format!("dossier de la {} sans renvoi", code.label_fr()),
                    "donner « referral » : la chambre d'origine, l'article (L431-5 à L431-7 COJ) et, pour une \
                     chambre mixte, ses chambres",
                );
                None
            }
            (Some(code), Some(doc)) => self.referral_doc(doc, &referral_path, code, chambers).map(Some),
        }
    }

    fn referral_doc(
        &mut self,
        doc: &ReferralDoc,
        path: &str,
        code: FormationCode,
        chambers: &[Chamber],
    ) -> Option<Referral> {
        let from = self.court_chamber_ref(chambers, &doc.from, &format!("{path}.from"), "la chambre qui a renvoyé");
        let listed = self.chamber_list(&doc.chambers, &format!("{path}.chambers"), chambers);
        let article = doc.article.trim();
        if article.is_empty() {
            self.push(
                format!("{path}.article"),
                "referral_article",
                "renvoi sans article",
                "donner l'article du renvoi : L431-5 COJ (chambre mixte), L431-6 COJ (assemblée plénière)…",
            );
        }
        let listed = listed?;
        match code {
            FormationCode::Mixte if listed.len() < multi::MIN_MIXTE_CHAMBERS => {
                self.push(
                    format!("{path}.chambers"),
                    "mixte_chambers",
                    format!("renvoi en chambre mixte composée de {} chambre(s)", listed.len()),
                    format!("nommer au moins {} chambres dans « chambers » (L421-4 COJ)", multi::MIN_MIXTE_CHAMBERS),
                );
                return None;
            }
            FormationCode::AssembleePleniere if !listed.is_empty() => {
                self.push(
                    format!("{path}.chambers"),
                    "pleniere_chambers",
                    "chambres nommées pour un renvoi en assemblée plénière",
                    "l'assemblée plénière réunit toutes les chambres (L421-5 COJ) : omettre « chambers »",
                );
                return None;
            }
            _ => {}
        }
        if article.is_empty() {
            return None;
        }
        Some(Referral { from: from?, chambers: listed, article: article.to_owned(), mandatory: doc.mandatory })
    }

    /// Designations: per formation (CM or AP) and chamber, the designated
    /// conseillers of that chamber (two for CM, one for AP) and substitutes,
    /// conseillers of that chamber too, each named once.
    fn designations(
        &mut self,
        doc: &InstanceDoc,
        chambers: &[Chamber],
        magistrates: &Parsed<Magistrate>,
    ) -> Vec<Designation> {
        let mut designations: Vec<Designation> = Vec::new();
        for (i, raw) in doc.designations.iter().enumerate() {
            let path = format!("designations[{i}]");
            let Some(designation) = self.designation(raw, &path, chambers, magistrates) else { continue };
            if designations.iter().any(|d| d.formation == designation.formation && d.chamber == designation.chamber) {
                self.push(
                    &path,
                    "duplicate_id",
                    format!(
                        "désignation {} de la chambre {} donnée deux fois",
                        designation.formation, designation.chamber
                    ),
                    "ne garder qu'une désignation par formation et par chambre",
                );
                continue;
            }
            designations.push(designation);
        }
        designations
    }

    fn designation(
        &mut self,
        raw: &DesignationDoc,
        path: &str,
        chambers: &[Chamber],
        magistrates: &Parsed<Magistrate>,
    ) -> Option<Designation> {
        let formation = FormationCode::parse(&raw.formation).filter(|code| code.is_multi_chamber());
        if formation.is_none() {
            self.push(
                format!("{path}.formation"),
                "unknown_formation",
                format!("désignation pour la formation « {} »", raw.formation),
                "les désignations valent pour CM (chambre mixte) ou AP (assemblée plénière)",
            );
        }
        let chamber = self.court_chamber_ref(
            chambers,
            &raw.chamber,
            &format!("{path}.chamber"),
            "la chambre des membres désignés",
        );
        let (formation, chamber) = (formation?, chamber?);
        let wanted = multi::conseillers_per_chamber(formation)?;
        if raw.members.len() != wanted {
            self.push(
                format!("{path}.members"),
                "designation_size",
                format!(
                    "{} conseiller(s) désigné(s) pour la {} ; la loi en prévoit {wanted} par chambre",
                    raw.members.len(),
                    formation.label_fr()
                ),
                format!("désigner exactement {wanted} conseiller(s) de la chambre {chamber} ({})", multi::SOURCE),
            );
        }
        let mut seen: Vec<String> = Vec::new();
        let mut resolve = |reader: &mut Self, list: &[String], field: &str| -> Option<Vec<MagistrateId>> {
            let mut ids = Vec::new();
            let mut complete = true;
            for (j, id) in list.iter().enumerate() {
                let item = format!("{path}.{field}[{j}]");
                let Some(magistrate) = reader.magistrate_ref(magistrates, id, &item) else {
                    complete = false;
                    continue;
                };
                if seen.contains(id) {
                    reader.push(&item, "duplicate_id", format!("« {id} » désigné deux fois"), "retirer le doublon");
                    complete = false;
                } else if magistrate.chamber != chamber || magistrate.role != Role::Conseiller {
                    reader.push(
                        &item,
                        "designation_member",
                        format!(
                            "« {id} » ({}, chambre {}) désigné pour la chambre {chamber}",
                            magistrate.role, magistrate.chamber
                        ),
                        format!("désigner des conseillers de la chambre {chamber}"),
                    );
                    complete = false;
                } else {
                    seen.push(id.clone());
                    ids.push(magistrate.id.clone());
                }
            }
            complete.then_some(ids)
        };
        let members = resolve(self, &raw.members, "members");
        let substitutes = resolve(self, &raw.substitutes, "substitutes");
        if raw.members.len() != wanted {
            return None;
        }
        Some(Designation { formation, chamber, members: members?, substitutes: substitutes? })
    }

    /// Every chamber composing a CM or AP hearing has its designation.
    fn designations_cover(&mut self, hearings: &Parsed<Hearing>, designations: &[Designation]) {
        for (i, hearing) in hearings {
            for chamber in &hearing.chambers {
                if !designations.iter().any(|d| d.formation == hearing.formation && &d.chamber == chamber) {
                    self.push(
                        format!("hearings[{i}].chambers"),
                        "designation_missing",
                        format!(
                            "aucun conseiller de la chambre {chamber} n'est désigné pour la {} ({})",
                            hearing.formation.label_fr(),
                            hearing.id
                        ),
                        format!(
                            "ajouter à « designations » la désignation {} de la chambre {chamber}",
                            hearing.formation
                        ),
                    );
                }
            }
        }
    }

    fn acceptable_formations(
        &mut self,
        raw: &DossierDoc,
        path: &str,
        formations: &[FormationRule],
    ) -> Option<Vec<FormationCode>> {
        if raw.formations.is_empty() {
            self.push(
                format!("{path}.formations"),
                "empty_formations",
                "aucune formation acceptable",
                "donner au moins une formation (FR, FS ou FP), la préférée en premier",
            );
            return None;
        }
        let mut codes = Vec::new();
        let mut complete = true;
        for (j, code) in raw.formations.iter().enumerate() {
            let code_path = format!("{path}.formations[{j}]");
            match self.formation_ref(formations, code, &code_path) {
                Some(code) if codes.contains(&code) => {
                    self.push(&code_path, "duplicate_id", format!("formation {code} répétée"), "retirer le doublon");
                    complete = false;
                }
                Some(code) => codes.push(code),
                None => complete = false,
            }
        }
        complete.then_some(codes)
    }

    fn rapporteurs(
        &mut self,
        raw: &DossierDoc,
        path: &str,
        chamber: Option<&ChamberId>,
        magistrates: &Parsed<Magistrate>,
    ) -> Option<Vec<MagistrateId>> {
        if !(1..=2).contains(&raw.rapporteurs.len()) {
            self.push(
                format!("{path}.rapporteurs"),
                "rapporteur_count",
                format!("{} rapporteur(s) désigné(s)", raw.rapporteurs.len()),
                "désigner un ou deux rapporteurs (art. 1012 et 1013 CPC)",
            );
            return None;
        }
        let mut ids = Vec::new();
        let mut complete = true;
        for (j, rapporteur) in raw.rapporteurs.iter().enumerate() {
            let rapporteur_path = format!("{path}.rapporteurs[{j}]");
            let Some(magistrate) = self.magistrate_ref(magistrates, rapporteur, &rapporteur_path) else {
                complete = false;
                continue;
            };
            if !magistrate.role.may_report() {
                self.push(
                    &rapporteur_path,
                    "wrong_role",
                    format!("« {rapporteur} » est avocat général et ne peut pas être rapporteur"),
                    "désigner un conseiller ou un conseiller référendaire",
                );
                complete = false;
            } else if chamber.is_some_and(|chamber| {
                // A referred dossier's rapporteur belongs to a chamber of the court.
                if multi::is_multi_chamber_id(chamber) {
                    multi::is_multi_chamber_id(&magistrate.chamber)
                } else {
                    &magistrate.chamber != chamber
                }
            }) {
                self.push(
                    &rapporteur_path,
                    "other_chamber",
                    format!("le rapporteur « {rapporteur} » appartient à la chambre {}", magistrate.chamber),
                    "désigner un rapporteur de la chambre du dossier",
                );
                complete = false;
            } else if ids.contains(&magistrate.id) {
                self.push(
                    &rapporteur_path,
                    "duplicate_id",
                    format!("rapporteur « {rapporteur} » désigné deux fois"),
                    "retirer le doublon",
                );
                complete = false;
            } else {
                ids.push(magistrate.id.clone());
            }
        }
        complete.then_some(ids)
    }

    fn recusals(
        &mut self,
        raw: &DossierDoc,
        path: &str,
        rapporteurs: &[MagistrateId],
        magistrates: &Parsed<Magistrate>,
    ) -> Option<Vec<Recusal>> {
        let mut recusals: Vec<Recusal> = Vec::new();
        let mut complete = true;
        for (j, recused) in raw.recused.iter().enumerate() {
            let recused_path = format!("{path}.recused[{j}]");
            let Some(magistrate) = self.magistrate_ref(magistrates, recused, &recused_path) else {
                complete = false;
                continue;
            };
            if recusals.iter().any(|r| r.magistrate == magistrate.id) {
                self.push(
                    &recused_path,
                    "duplicate_id",
                    format!("« {recused} » récusé deux fois"),
                    "retirer le doublon",
                );
                complete = false;
            } else if rapporteurs.contains(&magistrate.id) {
                self.push(
                    &recused_path,
                    "rapporteur_recused",
                    format!("« {recused} » est à la fois rapporteur et récusé sur ce dossier"),
                    "désigner un autre rapporteur ou lever la récusation",
                );
                complete = false;
            } else {
                let ground = raw.recusal_grounds.get(recused).cloned();
                recusals.push(Recusal { magistrate: magistrate.id.clone(), ground });
            }
        }
        for magistrate in raw.recusal_grounds.keys() {
            if !raw.recused.contains(magistrate) {
                self.push(
                    format!("{path}.recusal_grounds.{magistrate}"),
                    "recusal_ground_without_recusal",
                    format!("motif de récusation donné pour « {magistrate} », absent de « recused »"),
                    "ajouter le magistrat à « recused » ou retirer le motif",
                );
                complete = false;
            }
        }
        complete.then_some(recusals)
    }

    fn joined_groups(&mut self, dossiers: &Parsed<Dossier>) {
        let mut groups: BTreeMap<&JoinedGroupId, Vec<(usize, &Dossier)>> = BTreeMap::new();
        for (i, dossier) in dossiers {
            if let Some(group) = &dossier.joined_group {
                groups.entry(group).or_default().push((*i, dossier));
            }
        }
        for (group, members) in groups {
            let (_, first) = members[0];
            for &(i, dossier) in &members[1..] {
                if dossier.chamber != first.chamber {
                    self.push(
                        format!("dossiers[{i}].joined_group"),
                        "joined_group_spans_chambers",
                        format!(
                            "groupe joint « {group} » réparti sur deux chambres : {} ({}) et {} ({})",
                            first.id, first.chamber, dossier.id, dossier.chamber
                        ),
                        "des dossiers joints relèvent d'une même chambre : corriger la chambre ou le groupe",
                    );
                }
                if let (Some(a), Some(b)) = (&first.section, &dossier.section) {
                    if a != b {
                        self.push(
                            format!("dossiers[{i}].section"),
                            "joined_group_spans_sections",
                            format!(
                                "groupe joint « {group} » réparti sur deux sections : {} ({a}) et {} ({b})",
                                first.id, dossier.id
                            ),
                            "des dossiers joints sont entendus ensemble par une formation : leur donner la même \
                             section",
                        );
                    }
                }
                if dossier.pinned_hearing != first.pinned_hearing {
                    let shown =
                        |pinned: &Option<HearingId>| pinned.as_ref().map_or("aucune".to_owned(), ToString::to_string);
                    self.push(
                        format!("dossiers[{i}].pinned_hearing"),
                        "joined_group_pinned_apart",
                        format!(
                            "groupe joint « {group} » épinglé à des audiences différentes : {} → {}, {} → {}",
                            first.id,
                            shown(&first.pinned_hearing),
                            dossier.id,
                            shown(&dossier.pinned_hearing)
                        ),
                        "épingler tout le groupe à la même audience",
                    );
                }
            }
        }
    }
}
