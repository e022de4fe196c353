//! The dossier record as a form — registering a pourvoi and editing a
//! record share it: the inputs are named by the record's JSON paths
//! (`attacked.date`, `parties[1].lawyer`), so that every problem, found by
//! `models::record::check_record` or by the store's checks against
//! reference data, is shown beside its input.

use greffe_models::Circuit;
use greffe_models::deadlines::{Procedure, Residence};
use greffe_models::record::{AttackedNature, Ground, check_record};
use greffe_models::registry::{Nature, PartyRole};
use greffe_models::vocabulary::Vocabulary;
use greffe_store::dossiers::{AttackedDecision, DossierInput, EventInput, Party};

use super::forms::{Choice, Field, Fields, Group, Kind, Problems, choices, field_id};

/// The procedural events a registration records with the dossier: the
/// service of the attacked decision, when its date is given, and the
/// declaration of pourvoi (by default on the registration date). Each date
/// is checked beside its input.
pub fn registration_events(fields: &Fields, registered_on: &str, problems: &mut Problems) -> Vec<EventInput> {
    let mut events = Vec::new();
    let declared = fields.opt("declaration_pourvoi").unwrap_or_else(|| registered_on.to_owned());
    for (name, date) in
        [("signification_decision", fields.opt("signification_decision")), ("declaration_pourvoi", Some(declared))]
    {
        let Some(date) = date else { continue };
        if let Err(error) = greffe_models::dates::parse_date(&date) {
            if fields.opt(name).is_some() {
                problems.push(name, error.to_string(), error.fix());
            }
            continue;
        }
        events.push(EventInput {
            kind: name.to_owned(),
            date,
            party: None,
            rule: None,
            new_due: None,
            group: None,
            corrects: None,
            cancel: false,
            note: None,
        });
    }
    events
}

/// Rows of parties a new form offers.
pub const NEW_PARTY_ROWS: usize = 3;

/// The reference data the record's choices come from.
#[derive(Debug, Clone, Default)]
pub struct RecordChoices {
    /// Chambers the user may register in: `(code, name)`.
    pub chambers: Vec<(String, String)>,
    /// Magistrates who may report: `(id, label)`.
    pub rapporteurs: Vec<(String, String)>,
    /// Avocats généraux: `(id, label)`.
    pub avocats_generaux: Vec<(String, String)>,
}

/// The form's fields of a stored record (to edit it).
pub fn fields_of(record: &DossierInput) -> Fields {
    let mut fields = Fields::default();
    fields.push("pourvoi", &record.pourvoi);
    fields.push("nature", record.nature.as_str());
    fields.push("procedure", record.procedure.map_or("", Procedure::as_str));
    fields.push("chamber", &record.chamber);
    fields.push("section", record.section.clone().unwrap_or_default());
    fields.push("matter", record.matter.clone().unwrap_or_default());
    fields.push("circuit", record.circuit.map_or("", Circuit::as_str));
    fields.push("registered_on", &record.registered_on);
    if record.urgent {
        fields.push("urgent", "1");
    }
    fields.push("attacked.court", &record.attacked.court);
    fields.push("attacked.date", &record.attacked.date);
    fields.push("attacked.docket", &record.attacked.docket);
    fields.push("residence_demandeur", record.residence_demandeur.as_str());
    fields.push("residence_defendeur", record.residence_defendeur.as_str());
    for (index, party) in record.parties.iter().enumerate() {
        fields.push(format!("parties[{index}].role"), party.role.as_str());
        fields.push(format!("parties[{index}].name"), &party.name);
        fields.push(format!("parties[{index}].lawyer"), party.lawyer.clone().unwrap_or_default());
        fields.push(format!("parties[{index}].lawyer_email"), party.lawyer_email.clone().unwrap_or_default());
        fields.push(format!("parties[{index}].address"), party.address.clone().unwrap_or_default());
    }
    for (index, rapporteur) in record.rapporteurs.iter().enumerate() {
        fields.push(format!("rapporteurs[{index}]"), rapporteur);
    }
    fields.push("avocat_general", record.avocat_general.clone().unwrap_or_default());
    fields.push("attacked_nature", record.attacked_nature.as_str());
    fields.push("earlier_pourvoi", record.earlier_pourvoi.clone().unwrap_or_default());
    if record.qpc {
        fields.push("qpc", "1");
    }
    fields.push("previous_pourvois", record.previous_pourvois.join(", "));
    for (index, keyword) in record.keywords.iter().enumerate() {
        fields.push(format!("keywords[{index}]"), keyword);
    }
    for (index, ground) in record.grounds.iter().enumerate() {
        fields.push(format!("grounds[{index}].title"), &ground.title);
        fields.push(format!("grounds[{index}].articles"), ground.articles.join(" ; "));
        fields.push(format!("grounds[{index}].branches"), ground.branches.join("\n"));
        fields.push(format!("grounds[{index}].text"), &ground.text);
    }
    fields
}

/// The grounds a posted form gives: one per numbered row that is not
/// blank; the articles separated by « ; », one branch per line.
fn grounds_of(fields: &Fields) -> Vec<Ground> {
    let split = |raw: &str, separator: &[char]| -> Vec<String> {
        raw.split(separator).map(str::trim).filter(|item| !item.is_empty()).map(str::to_owned).collect()
    };
    (0..rows(fields, "grounds", ".title"))
        .map(|index| Ground {
            title: fields.get(&format!("grounds[{index}].title")).trim().to_owned(),
            articles: split(fields.get(&format!("grounds[{index}].articles")), &[';']),
            branches: split(fields.get(&format!("grounds[{index}].branches")), &['\n', '\r']),
            text: fields.get(&format!("grounds[{index}].text")).trim().to_owned(),
        })
        .filter(|g| !(g.title.is_empty() && g.articles.is_empty() && g.branches.is_empty() && g.text.is_empty()))
        .collect()
}

/// The input a problem of the record is shown beside: a list the form
/// gives in one input (the articles, the branches, the previous pourvois)
/// is named without the item's index.
fn input_of_problem(field: &str) -> String {
    match field.rfind('[') {
        Some(open) if field.ends_with(']') => {
            let list = &field[..open];
            if list == "previous_pourvois" || list.ends_with(".articles") || list.ends_with(".branches") {
                return list.to_owned();
            }
            field.to_owned()
        }
        _ => field.to_owned(),
    }
}

/// How many numbered rows of `prefix` (`parties`) the fields hold.
fn rows(fields: &Fields, prefix: &str, suffix: &str) -> usize {
    (0..64).take_while(|index| fields.has(&format!("{prefix}[{index}]{suffix}"))).count()
}

fn parsed<T>(
    fields: &Fields,
    name: &str,
    parse: impl Fn(&str) -> Option<T>,
    codes: &str,
    problems: &mut Problems,
) -> Option<T> {
    let raw = fields.get(name).trim();
    let value = parse(raw);
    if value.is_none() {
        problems.push(name, format!("valeur « {raw} » inconnue"), format!("choisir parmi : {codes}"));
    }
    value
}

/// The record a posted form describes, checked by `check_record` (every
/// problem at once, beside its field), or none when a choice is unknown.
/// `base`: the stored record being edited — its pourvoi number, nature,
/// recusals and jonction are kept (the form does not change them).
/// Blank rows of parties are dropped: the problems then name the rows as
/// they will be shown again.
pub fn input_of(fields: &Fields, base: Option<&DossierInput>, problems: &mut Problems) -> Option<DossierInput> {
    let nature = match base {
        Some(base) => Some(base.nature),
        None => parsed(fields, "nature", Nature::parse, &Nature::codes(), problems),
    };
    let procedure = match fields.opt("procedure") {
        None => None,
        Some(raw) => Some(parsed(
            fields,
            "procedure",
            |_| Procedure::parse(&raw),
            &Procedure::ALL.map(Procedure::as_str).join(", "),
            problems,
        )?),
    };
    let circuit = match fields.opt("circuit") {
        None => None,
        Some(raw) => Some(parsed(
            fields,
            "circuit",
            |_| Circuit::parse(&raw),
            &Circuit::ALL.map(Circuit::as_str).join(", "),
            problems,
        )?),
    };
    let residence = |name: &str, problems: &mut Problems| match fields.opt(name) {
        None => Some(Residence::default()),
        Some(raw) => parsed(
            fields,
            name,
            |_| Residence::parse(&raw),
            &Residence::ALL.map(Residence::as_str).join(", "),
            problems,
        ),
    };
    let attacked_nature = match fields.opt("attacked_nature") {
        None => Some(AttackedNature::default()),
        Some(raw) => parsed(
            fields,
            "attacked_nature",
            |_| AttackedNature::parse(&raw),
            &AttackedNature::ALL.map(AttackedNature::as_str).join(", "),
            problems,
        ),
    };
    let residence_demandeur = residence("residence_demandeur", problems);
    let residence_defendeur = residence("residence_defendeur", problems);
    let mut parties = Vec::new();
    for index in 0..rows(fields, "parties", ".name") {
        let name = fields.get(&format!("parties[{index}].name")).trim().to_owned();
        let lawyer = fields.opt(&format!("parties[{index}].lawyer"));
        let lawyer_email = fields.opt(&format!("parties[{index}].lawyer_email"));
        let address = fields.opt(&format!("parties[{index}].address"));
        if name.is_empty() && lawyer.is_none() && lawyer_email.is_none() && address.is_none() {
            continue;
        }
        let role_field = format!("parties[{}].role", parties.len());
        let role = PartyRole::parse(fields.get(&format!("parties[{index}].role")).trim());
        let Some(role) = role else {
            problems.push(role_field, "qualité de la partie inconnue", "choisir demandeur, défendeur ou intervenant");
            continue;
        };
        parties.push(Party { name, role, lawyer, lawyer_email, address });
    }
    let rapporteurs: Vec<String> =
        (0..rows(fields, "rapporteurs", "")).filter_map(|index| fields.opt(&format!("rapporteurs[{index}]"))).collect();
    let keywords: Vec<String> =
        (0..rows(fields, "keywords", "")).filter_map(|index| fields.opt(&format!("keywords[{index}]"))).collect();
    let previous_pourvois: Vec<String> = fields
        .get("previous_pourvois")
        .split([',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    let (nature, residence_demandeur, residence_defendeur, attacked_nature) =
        (nature?, residence_demandeur?, residence_defendeur?, attacked_nature?);
    let mut input = DossierInput {
        pourvoi: base.map_or_else(|| fields.get("pourvoi").trim().to_owned(), |b| b.pourvoi.clone()),
        nature,
        procedure,
        chamber: fields.get("chamber").trim().to_owned(),
        section: fields.opt("section"),
        matter: fields.opt("matter"),
        circuit,
        registered_on: fields.get("registered_on").trim().to_owned(),
        urgent: fields.has("urgent"),
        attacked: AttackedDecision {
            court: fields.get("attacked.court").trim().to_owned(),
            date: fields.get("attacked.date").trim().to_owned(),
            docket: fields.get("attacked.docket").trim().to_owned(),
        },
        parties,
        residence_demandeur,
        residence_defendeur,
        rapporteurs,
        avocat_general: fields.opt("avocat_general"),
        recusals: base.map(|b| b.recusals.clone()).unwrap_or_default(),
        joined_group: base.and_then(|b| b.joined_group.clone()),
        grounds: grounds_of(fields),
        keywords,
        attacked_nature,
        earlier_pourvoi: fields.opt("earlier_pourvoi"),
        qpc: fields.has("qpc"),
        previous_pourvois,
    };
    if input.chamber.is_empty() {
        problems.push("chamber", "chambre non choisie", "choisir la chambre destinataire");
    }
    for problem in check_record(&mut input) {
        problems.push(input_of_problem(&problem.field), problem.message, problem.action);
    }
    Some(input)
}

fn party_role_choices(current: &str) -> Vec<Choice> {
    choices(PartyRole::ALL.iter().map(|r| (r.as_str(), r.label_fr())), current, None)
}

/// The record's inputs in groups, filled from `fields`. `new`: registering
/// (the pourvoi number and nature are asked); editing shows them as text.
pub fn groups(
    fields: &Fields,
    problems: &Problems,
    choices_of: &RecordChoices,
    new: bool,
    party_rows: usize,
) -> Vec<Group> {
    let field = |kind, name: &str, label: &str| Field::new(kind, name, label, fields.get(name), problems);
    let pairs = |list: &[(String, String)]| -> Vec<(String, String)> { list.to_vec() };
    let owned_choices = |list: Vec<(String, String)>, current: &str, blank: Option<&str>| -> Vec<Choice> {
        choices(list.iter().map(|(v, l)| (v.as_str(), l.as_str())), current, blank)
    };
    let mut pourvoi = Vec::new();
    if new {
        pourvoi.push(
            field(Kind::Text, "pourvoi", "Numéro de pourvoi")
                .hint("Exemple : Y 15-26.094 (les espaces et la ponctuation sont facultatifs)")
                .required(),
        );
        pourvoi.push(
            field(Kind::Select, "nature", "Nature")
                .choices(choices(Nature::ALL.iter().map(|n| (n.as_str(), n.label_fr())), fields.get("nature"), None))
                .required(),
        );
    }
    pourvoi.push(field(Kind::Select, "procedure", "Procédure").hint("Elle fixe les délais applicables").choices(
        choices(
            Procedure::ALL.iter().map(|p| (p.as_str(), p.label_fr())),
            fields.get("procedure"),
            Some("Selon la nature (civile ou pénale ordinaire)"),
        ),
    ));
    pourvoi.push(field(Kind::Date, "registered_on", "Date d'enregistrement").required());
    if new {
        pourvoi.push(
            field(Kind::Date, "declaration_pourvoi", "Date de la déclaration de pourvoi")
                .hint("Par défaut, la date d'enregistrement ; elle fait courir le délai du mémoire"),
        );
        pourvoi.push(
            field(Kind::Date, "signification_decision", "Date de signification de la décision attaquée")
                .hint("Si elle est connue : le délai de pourvoi est alors vérifié"),
        );
    }
    pourvoi.push(field(Kind::Checkbox, "urgent", "Urgent").hint("Détention, délai légal pour statuer"));
    pourvoi.push(
        field(Kind::Checkbox, "qpc", "Question prioritaire de constitutionnalité")
            .hint("Une QPC est soulevée (ordonnance n° 58-1067, art. 23-5)"),
    );
    pourvoi.push(
        field(Kind::Select, "chamber", "Chambre")
            .choices(owned_choices(pairs(&choices_of.chambers), fields.get("chamber"), Some("Choisir une chambre")))
            .required(),
    );
    pourvoi.push(field(Kind::Text, "section", "Section").hint("Code de la section, si la chambre en a"));
    pourvoi.push(field(Kind::Text, "matter", "Matière").hint("Code NAC de la nature d'affaire"));
    pourvoi.push(field(Kind::Select, "circuit", "Circuit").choices(choices(
        Circuit::ALL.iter().map(|c| (c.as_str(), c.label_fr())),
        fields.get("circuit"),
        Some("Pas encore orienté"),
    )));

    let attacked_nature =
        if fields.get("attacked_nature").is_empty() { "appel" } else { fields.get("attacked_nature") };
    let attacked = vec![
        field(Kind::Text, "attacked.court", "Juridiction").hint("Exemple : cour d'appel de Lyon").required(),
        field(Kind::Date, "attacked.date", "Date de la décision").required(),
        field(Kind::Text, "attacked.docket", "Numéro RG").required(),
        field(Kind::Select, "attacked_nature", "Nature de la décision").choices(choices(
            AttackedNature::ALL.iter().map(|n| (n.as_str(), n.label_fr())),
            attacked_nature,
            None,
        )),
        field(Kind::Text, "earlier_pourvoi", "Pourvoi dont la cassation a renvoyé l'affaire")
            .hint("Pour un arrêt de renvoi après cassation seulement ; exemple : A 23-10.001"),
    ];

    let mut groups = vec![
        Group { legend: "Pourvoi".into(), id: "groupe-pourvoi".into(), fields: pourvoi, error: None },
        Group {
            legend: "Décision attaquée".into(),
            id: "groupe-decision-attaquee".into(),
            fields: attacked,
            error: None,
        },
    ];
    for index in 0..party_rows {
        let role_name = format!("parties[{index}].role");
        let default_role = match index {
            0 => "demandeur",
            _ => "defendeur",
        };
        let role = if fields.has(&role_name) { fields.get(&role_name).to_owned() } else { default_role.to_owned() };
        let mut role_field = Field::new(Kind::Select, &role_name, "Qualité", &role, problems);
        role_field.choices = party_role_choices(&role);
        groups.push(Group {
            legend: format!("Partie {}", index + 1),
            id: field_id(&format!("parties[{index}]")),
            fields: vec![
                role_field,
                field(Kind::Text, &format!("parties[{index}].name"), "Nom"),
                field(Kind::Text, &format!("parties[{index}].lawyer"), "Avocat aux Conseils")
                    .hint("Laisser vide si la partie n'est pas représentée"),
                field(Kind::Email, &format!("parties[{index}].lawyer_email"), "Adresse électronique de l'avocat")
                    .hint("Où partent les avis d'audience, par exemple avis@scp-dupont.fr"),
                field(Kind::Text, &format!("parties[{index}].address"), "Adresse postale de la partie")
                    .hint("Pour une partie sans avocat : ses avis lui sont envoyés par lettre"),
            ],
            error: if index == 0 { problems.of("parties").cloned() } else { None },
        });
    }
    let residences = |name: &str, label: &str| {
        field(Kind::Select, name, label).choices(choices(
            Residence::ALL.iter().map(|r| (r.as_str(), r.label_fr())),
            if fields.get(name).is_empty() { "metropole" } else { fields.get(name) },
            None,
        ))
    };
    let rapporteur_rows = rows(fields, "rapporteurs", "").max(1);
    let mut magistrates: Vec<Field> = (0..rapporteur_rows)
        .map(|index| {
            let name = format!("rapporteurs[{index}]");
            field(Kind::Select, &name, if index == 0 { "Rapporteur" } else { "Autre rapporteur" })
                .choices(owned_choices(pairs(&choices_of.rapporteurs), fields.get(&name), Some("Pas encore désigné")))
        })
        .collect();
    magistrates.push(field(Kind::Select, "avocat_general", "Avocat général").choices(owned_choices(
        pairs(&choices_of.avocats_generaux),
        fields.get("avocat_general"),
        Some("Pas encore désigné"),
    )));
    magistrates.push(residences("residence_demandeur", "Résidence du demandeur"));
    magistrates.push(residences("residence_defendeur", "Résidence du défendeur"));
    groups.push(Group {
        legend: "Magistrats et résidences".into(),
        id: "groupe-magistrats".into(),
        fields: magistrates,
        error: None,
    });
    groups.extend(matter_groups(fields, problems));
    groups
}

/// The matter and the grounds: a keyword per row (the vocabulary, the
/// chosen chamber's topics first; one blank row more than filled), the
/// parties' previous pourvois, then one group per ground and a blank one.
fn matter_groups(fields: &Fields, problems: &Problems) -> Vec<Group> {
    let field = |kind, name: &str, label: &str| Field::new(kind, name, label, fields.get(name), problems);
    let vocabulary = Vocabulary::embedded();
    let chamber = fields.get("chamber");
    let mut ordered: Vec<(String, String)> =
        vocabulary.of_chamber(chamber).into_iter().map(|k| (k.code.clone(), k.label.clone())).collect();
    ordered.extend(
        vocabulary
            .keywords()
            .iter()
            .filter(|k| !k.judged_by(chamber))
            .map(|k| (k.code.clone(), format!("{} ({})", k.label, k.chambers.join(", ")))),
    );
    let keyword_rows = rows(fields, "keywords", "") + 1;
    let mut matter: Vec<Field> = (0..keyword_rows)
        .map(|index| {
            let name = format!("keywords[{index}]");
            let label =
                if index == 0 { "Mot-clé de la matière".to_owned() } else { format!("Mot-clé {}", index + 1) };
            field(Kind::Select, &name, &label).choices(choices(
                ordered.iter().map(|(code, label)| (code.as_str(), label.as_str())),
                fields.get(&name),
                Some("Aucun"),
            ))
        })
        .collect();
    if let Some(first) = matter.first_mut() {
        first.hint = Some("Vocabulaire contrôlé de la matière : les thèmes de la chambre d'abord".into());
    }
    matter.push(
        field(Kind::Text, "previous_pourvois", "Pourvois antérieurs des parties")
            .hint("Numéros séparés par des virgules ; exemple : A 20-10.001, B 21-12.345"),
    );
    let mut groups =
        vec![Group { legend: "Matière".into(), id: "groupe-matiere".into(), fields: matter, error: None }];
    let filled = rows(fields, "grounds", ".title");
    for index in 0..=filled {
        let name = |part: &str| format!("grounds[{index}].{part}");
        let branches = field(Kind::Textarea, &name("branches"), "Branches")
            .hint("Une branche par ligne, dans l'ordre du mémoire")
            .rows(4);
        let text = field(Kind::Textarea, &name("text"), "Résumé du moyen").rows(2);
        groups.push(Group {
            legend: if index == filled {
                format!("Moyen {} (nouveau)", index + 1)
            } else {
                format!("Moyen {}", index + 1)
            },
            id: field_id(&format!("grounds[{index}]")),
            fields: vec![
                field(Kind::Text, &name("title"), "Intitulé")
                    .hint("Exemple : Violation de l'article 1240 du code civil"),
                field(Kind::Text, &name("articles"), "Textes invoqués").hint(
                    "Séparés par « ; », exemple : article 1240 du code civil ; article 455 du code de procédure civile",
                ),
                branches,
                text,
            ],
            error: problems.of(&format!("grounds[{index}]")).cloned(),
        });
    }
    groups
}

/// Rows of parties to show again: those of the record, one more when the
/// user asked for it, and never fewer than a new form has.
pub fn party_rows(record_parties: usize, add_one: bool) -> usize {
    (record_parties + usize::from(add_one)).max(if record_parties == 0 { NEW_PARTY_ROWS } else { 1 })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posted(pairs: &[(&str, &str)]) -> Fields {
        let mut fields = Fields::default();
        for (name, value) in pairs {
            fields.push(*name, *value);
        }
        fields
    }

    #[test]
    fn a_posted_form_becomes_a_record_and_every_problem_names_its_input() {
        let fields = posted(&[
            ("pourvoi", "y1526094"),
            ("nature", "civil"),
            ("chamber", "civ1"),
            ("registered_on", "2026-10-01"),
            ("attacked.court", "cour d'appel de Lyon"),
            ("attacked.date", "2026-09-01"),
            ("attacked.docket", "24/01234"),
            ("parties[0].role", "demandeur"),
            ("parties[0].name", ""),
            ("parties[0].lawyer", ""),
            ("parties[1].role", "defendeur"),
            ("parties[1].name", "Société Y"),
            ("parties[1].lawyer", "SCP Z"),
        ]);
        let mut problems = Problems::default();
        let input = input_of(&fields, None, &mut problems).expect("choices known");
        assert_eq!(input.pourvoi, "Y 15-26.094", "normalised");
        assert_eq!(input.parties.len(), 1, "the blank row is dropped");
        let named: Vec<&str> = problems.0.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(named, ["parties"], "no demandeur left");

        let bad = posted(&[("pourvoi", "15"), ("nature", "civil"), ("attacked.date", "hier")]);
        let mut problems = Problems::default();
        input_of(&bad, None, &mut problems).expect("choices known");
        let named: Vec<&str> = problems.0.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            named,
            ["chamber", "pourvoi", "registered_on", "attacked.date", "attacked.court", "attacked.docket", "parties"]
        );
    }

    #[test]
    fn a_stored_record_fills_the_form_it_came_from() {
        let fields = posted(&[
            ("pourvoi", "Y 15-26.094"),
            ("nature", "penal"),
            ("procedure", "penal_detention"),
            ("chamber", "cr"),
            ("registered_on", "2026-10-01"),
            ("urgent", "1"),
            ("attacked.court", "chambre de l'instruction de Paris"),
            ("attacked.date", "2026-09-01"),
            ("attacked.docket", "24/1"),
            ("parties[0].role", "demandeur"),
            ("parties[0].name", "M. X"),
            ("rapporteurs[0]", "m1"),
        ]);
        let mut problems = Problems::default();
        let input = input_of(&fields, None, &mut problems).expect("record");
        assert!(problems.is_empty(), "{problems:?}");
        let again = input_of(&fields_of(&input), None, &mut problems).expect("record");
        assert_eq!(again, input);
        assert!(again.urgent && again.procedure == Some(Procedure::PenalDetention));
    }
}
