//! A dossier's registry record as a clerk writes it — pourvoi, nature,
//! procedure, chamber, attacked decision, parties and their lawyers,
//! rapporteurs, recusals — and the checks that need nothing but the record
//! itself ([`check_record`]). The checks against reference data (does the
//! chamber exist, is this magistrate an avocat général) are the store's.

use serde::{Deserialize, Serialize};

use crate::PourvoiNumber;
use crate::dates::parse_date;
use crate::deadlines::{Procedure, Residence};
use crate::dossier::Circuit;
use crate::registry::{Nature, PartyRole};

/// The decision attacked by the pourvoi.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AttackedDecision {
    /// Court that rendered it (`cour d'appel de Lyon`).
    pub court: String,
    /// Its date (YYYY-MM-DD).
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub date: String,
    /// Its docket number (numéro RG).
    pub docket: String,
}

impl AttackedDecision {
    /// Its blank identifying fields (court, docket), each named under
    /// `attacked.`: the record, a decision and an order identify it by both.
    pub fn blank_fields(&self) -> Vec<RecordProblem> {
        [("attacked.court", &self.court), ("attacked.docket", &self.docket)]
            .into_iter()
            .filter(|(_, value)| value.trim().is_empty())
            .map(|(field, _)| {
                RecordProblem::new(field, "champ vide", "identifier la décision attaquée (juridiction et numéro RG)")
            })
            .collect()
    }

    /// What a decision's or an order's text says wrongly of the attacked
    /// decision: a blank court or docket, a date that is none.
    pub fn problems(&self) -> Vec<RecordProblem> {
        let mut problems = self.blank_fields();
        if let Err(error) = crate::dates::parse_date(&self.date) {
            problems.push(RecordProblem::new("attacked.date", error.to_string(), error.fix()));
        }
        problems
    }
}

/// What the attacked decision is, for the pourvoi: an appeal ruling, a
/// ruling in last resort, or the ruling of the court a first cassation
/// referred the case to — whose pourvoi on the same grounds the assemblée
/// plénière must hear (L431-6 COJ, second paragraph).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AttackedNature {
    /// An appeal court's ruling (arrêt d'appel, chambre de l'instruction).
    #[default]
    Appel,
    /// A ruling in first and last resort (jugement en dernier ressort).
    DernierRessort,
    /// The ruling of the court of referral after a cassation (arrêt de
    /// renvoi après cassation): the record names the earlier pourvoi.
    RenvoiApresCassation,
}

impl AttackedNature {
    /// Every nature.
    pub const ALL: [AttackedNature; 3] = [Self::Appel, Self::DernierRessort, Self::RenvoiApresCassation];

    /// The JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Appel => "appel",
            Self::DernierRessort => "dernier_ressort",
            Self::RenvoiApresCassation => "renvoi_apres_cassation",
        }
    }

    /// Parses the JSON spelling.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|nature| nature.as_str() == raw)
    }

    /// French label, for clerks.
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Appel => "arrêt rendu en appel",
            Self::DernierRessort => "décision rendue en dernier ressort",
            Self::RenvoiApresCassation => "arrêt de la juridiction de renvoi après cassation",
        }
    }
}

/// One ground of the pourvoi (moyen de cassation), as the mémoire
/// ampliatif states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Ground {
    /// A short title (« Violation de l'article 1240 du code civil »).
    pub title: String,
    /// The branches (griefs), one paragraph each, in order.
    #[serde(default)]
    pub branches: Vec<String>,
    /// The articles invoked (« article 1240 du code civil »).
    #[serde(default)]
    pub articles: Vec<String>,
    /// The ground's text (free, several lines).
    #[serde(default)]
    pub text: String,
}

/// The most grounds a record holds, and the longest text of one: a
/// mémoire's grounds fit well within both.
pub const MAX_GROUNDS: usize = 50;
/// The longest text of one ground, in characters.
pub const MAX_GROUND_TEXT: usize = 50_000;

/// A party and its lawyer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Party {
    /// Name.
    pub name: String,
    /// `demandeur`, `defendeur` or `intervenant`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "demandeur"))]
    pub role: PartyRole,
    /// Avocat aux Conseils representing the party, if any.
    #[serde(default)]
    pub lawyer: Option<String>,
    /// The lawyer's e-mail address, where notices are sent
    /// (`avis@scp-dupont.avocats.fr`).
    #[serde(default)]
    pub lawyer_email: Option<String>,
    /// The party's postal address, for a party without a lawyer: its
    /// notices are letters the greffe prints and posts.
    #[serde(default)]
    pub address: Option<String>,
}

impl Party {
    /// Whether the party is the ministère public (a criminal pourvoi's
    /// other side): the parquet général sits with the court and reads the
    /// roll; no notice is sent to it.
    pub fn is_ministere_public(&self) -> bool {
        let name = self.name.trim().to_lowercase();
        name == "ministère public" || name == "ministere public"
    }

    /// The party's lawyer, when one is named (not blank).
    pub fn lawyer(&self) -> Option<&str> {
        self.lawyer.as_deref().filter(|lawyer| !lawyer.trim().is_empty())
    }

    /// The party's postal address, when one is given (not blank).
    pub fn postal_address(&self) -> Option<&str> {
        self.address.as_deref().filter(|address| !address.trim().is_empty())
    }

    /// The e-mail address `parties` give for lawyer `lawyer`: where a
    /// notice to him goes (the first party he represents that gives one).
    pub fn lawyer_email_of<'a>(parties: &'a [Self], lawyer: &str) -> Option<&'a str> {
        parties.iter().filter(|party| party.lawyer() == Some(lawyer)).find_map(|party| party.lawyer_email.as_deref())
    }

    /// A party named `name` in `role`, without a lawyer or an address.
    pub fn named(name: impl Into<String>, role: PartyRole) -> Self {
        Self { name: name.into(), role, lawyer: None, lawyer_email: None, address: None }
    }
}

/// A recusal (or abstention) of a magistrate, with its ground.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RecusalInput {
    /// Magistrate id.
    pub magistrate: String,
    /// Ground (art. L111-6 COJ…).
    pub ground: String,
}

/// A dossier's registry record, as written (creation, or the result of a
/// merge patch).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DossierInput {
    /// Pourvoi number (`Y 15-26.094`).
    pub pourvoi: String,
    /// `civil` or `penal`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "civil"))]
    pub nature: Nature,
    /// Procedure followed, which decides the deadlines (`civil`,
    /// `civil_sans_representation`, `penal`, `penal_detention`,
    /// `penal_mise_en_accusation`, `penal_mae`). Default: from `nature`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "civil"))]
    pub procedure: Option<Procedure>,
    /// Chamber code.
    pub chamber: String,
    /// Section code.
    #[serde(default)]
    pub section: Option<String>,
    /// Matter code (NAC / nature d'affaire).
    #[serde(default)]
    pub matter: Option<String>,
    /// `court`, `intermediaire` or `approfondi`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "intermediaire"))]
    pub circuit: Option<Circuit>,
    /// Registration date (YYYY-MM-DD).
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub registered_on: String,
    /// Urgent (detention, statutory ruling deadline).
    #[serde(default)]
    pub urgent: bool,
    /// The attacked decision.
    pub attacked: AttackedDecision,
    /// Parties.
    pub parties: Vec<Party>,
    /// Residence of the demandeur (`metropole`, `outre-mer`, `etranger`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "metropole"))]
    pub residence_demandeur: Residence,
    /// Residence of the défendeur.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "metropole"))]
    pub residence_defendeur: Residence,
    /// Rapporteurs (magistrate ids).
    #[serde(default)]
    pub rapporteurs: Vec<String>,
    /// Avocat général (magistrate id).
    #[serde(default)]
    pub avocat_general: Option<String>,
    /// Recusals.
    #[serde(default)]
    pub recusals: Vec<RecusalInput>,
    /// Joined group (jonction).
    #[serde(default)]
    pub joined_group: Option<String>,
    /// The grounds of the pourvoi (moyens), in the mémoire's order.
    #[serde(default)]
    pub grounds: Vec<Ground>,
    /// Keywords of the matter, codes of the controlled vocabulary
    /// (`GET /vocabulary`).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// What the attacked decision is (`appel`, `dernier_ressort`,
    /// `renvoi_apres_cassation`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "appel"))]
    pub attacked_nature: AttackedNature,
    /// For a ruling of referral after cassation: the pourvoi number of the
    /// cassation that referred the case (`Y 15-26.094`).
    #[serde(default)]
    pub earlier_pourvoi: Option<String>,
    /// A question prioritaire de constitutionnalité is raised (ordonnance
    /// 58-1067, art. 23-5).
    #[serde(default)]
    pub qpc: bool,
    /// The parties' previous pourvois in the same litigation (pourvoi
    /// numbers).
    #[serde(default)]
    pub previous_pourvois: Vec<String>,
}

/// A refused value of a record: the field (a JSON path), what is wrong and
/// what to do, in French.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordProblem {
    /// JSON path of the field (`parties[1].name`).
    pub field: String,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub action: String,
}

impl RecordProblem {
    pub(crate) fn new(field: impl Into<String>, message: impl Into<String>, action: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into(), action: action.into() }
    }
}

/// The procedure a dossier follows by default, from its nature.
pub fn default_procedure(nature: Nature) -> Procedure {
    match nature {
        Nature::Civil => Procedure::Civil,
        Nature::Penal => Procedure::Penal,
    }
}

/// Checks what a record says of itself and normalises it (canonical pourvoi
/// number, default procedure). Returns every problem found, in the order of
/// the form, so that each can be shown beside its field; an empty list means
/// the record may go on to the checks against reference data.
pub fn check_record(input: &mut DossierInput) -> Vec<RecordProblem> {
    let mut problems = Vec::new();
    // Characters no field may hold (the rule of every input, crate::text).
    if let Some((path, c)) = serde_json::to_value(&*input).ok().as_ref().and_then(crate::text::first_refused) {
        let (message, action) = crate::text::refusal(c);
        problems.push(RecordProblem::new(&path, message, action));
    }
    match PourvoiNumber::parse_lenient(&input.pourvoi) {
        Ok(number) => input.pourvoi = number.to_string(),
        Err(error) => problems.push(RecordProblem::new("pourvoi", error.to_string(), "format attendu : Y 15-26.094")),
    }
    let procedure = *input.procedure.get_or_insert(default_procedure(input.nature));
    if procedure.is_penal() != (input.nature == Nature::Penal) {
        let code = serde_json::to_value(procedure).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
        problems.push(RecordProblem::new(
            "procedure",
            format!("procédure « {code} » incompatible avec la nature « {} »", input.nature),
            "choisir une procédure pénale pour un dossier pénal, civile pour un dossier civil",
        ));
    }
    let date = |field: &str, raw: &str, problems: &mut Vec<RecordProblem>| match parse_date(raw) {
        Ok(date) => Some(date),
        Err(error) => {
            problems.push(RecordProblem::new(field, error.to_string(), error.fix()));
            None
        }
    };
    let registered = date("registered_on", &input.registered_on, &mut problems);
    let attacked = date("attacked.date", &input.attacked.date, &mut problems);
    if let (Some(registered), Some(attacked)) = (registered, attacked)
        && attacked > registered
    {
        problems.push(RecordProblem::new(
            "attacked.date",
            format!("la décision attaquée ({attacked}) est postérieure à l'enregistrement ({registered})"),
            "vérifier les deux dates",
        ));
    }
    problems.extend(input.attacked.blank_fields());
    if !input.parties.iter().any(|p| p.role == PartyRole::Demandeur) {
        problems.push(RecordProblem::new(
            "parties",
            "aucun demandeur",
            "indiquer au moins la partie qui forme le pourvoi",
        ));
    }
    for (index, party) in input.parties.iter().enumerate() {
        if party.name.trim().is_empty() {
            problems.push(RecordProblem::new(
                format!("parties[{index}].name"),
                "nom vide",
                "donner le nom de la partie",
            ));
        }
        if let Some(email) = &party.lawyer_email {
            if !crate::forms::is_email(email) {
                problems.push(RecordProblem::new(
                    format!("parties[{index}].lawyer_email"),
                    format!("adresse électronique « {email} » invalide"),
                    "format attendu : nom@domaine.fr, sans espace",
                ));
            } else if party.lawyer().is_none() {
                problems.push(RecordProblem::new(
                    format!("parties[{index}].lawyer"),
                    "adresse électronique d'avocat sans avocat",
                    "nommer l'avocat aux Conseils dont c'est l'adresse, ou retirer l'adresse",
                ));
            }
        }
    }
    for (index, recusal) in input.recusals.iter().enumerate() {
        if recusal.ground.trim().is_empty() {
            problems.push(RecordProblem::new(
                format!("recusals[{index}].ground"),
                "motif vide",
                "indiquer le motif de la récusation ou de l'abstention",
            ));
        }
        if input.rapporteurs.contains(&recusal.magistrate) {
            problems.push(RecordProblem::new(
                format!("recusals[{index}].magistrate"),
                format!("« {} » est récusé et rapporteur du même dossier", recusal.magistrate),
                "retirer la récusation ou désigner un autre rapporteur",
            ));
        }
    }
    check_description(input, &mut problems);
    problems
}

/// The checks of what the dossier says about itself: its grounds, its
/// keywords (of the vocabulary), the attacked decision's nature and the
/// earlier cassation it requires, the previous pourvois (canonical numbers,
/// none the dossier's own).
fn check_description(input: &mut DossierInput, problems: &mut Vec<RecordProblem>) {
    if input.grounds.len() > MAX_GROUNDS {
        problems.push(RecordProblem::new(
            "grounds",
            format!("{} moyens : au plus {MAX_GROUNDS}", input.grounds.len()),
            "regrouper les moyens comme le mémoire ampliatif les présente",
        ));
    }
    for (index, ground) in input.grounds.iter().enumerate() {
        if ground.title.trim().is_empty() {
            problems.push(RecordProblem::new(
                format!("grounds[{index}].title"),
                "intitulé du moyen vide",
                "donner l'intitulé du moyen (par exemple « Violation de l'article 1240 du code civil »)",
            ));
        }
        for (list, name, what) in [(&ground.branches, "branches", "branche"), (&ground.articles, "articles", "article")]
        {
            if let Some(blank) = list.iter().position(|item| item.trim().is_empty()) {
                problems.push(RecordProblem::new(
                    format!("grounds[{index}].{name}[{blank}]"),
                    format!("{what} vide"),
                    format!("retirer l'élément vide ou le compléter ({what})"),
                ));
            }
        }
        let length = ground.text.chars().count() + ground.branches.iter().map(|b| b.chars().count()).sum::<usize>();
        if length > MAX_GROUND_TEXT {
            problems.push(RecordProblem::new(
                format!("grounds[{index}].text"),
                format!("texte du moyen de {length} caractères : au plus {MAX_GROUND_TEXT}"),
                "déposer le mémoire comme pièce et ne garder ici que le résumé du moyen",
            ));
        }
    }
    let vocabulary = crate::vocabulary::Vocabulary::embedded();
    for (index, code) in input.keywords.iter().enumerate() {
        let field = format!("keywords[{index}]");
        if vocabulary.get(code).is_none() {
            let (message, action) = vocabulary.refusal(code);
            problems.push(RecordProblem::new(field, message, action));
        } else if input.keywords[..index].contains(code) {
            problems.push(RecordProblem::new(
                field,
                format!("mot-clé « {code} » en double"),
                "ne le donner qu'une fois",
            ));
        }
    }
    let own = PourvoiNumber::parse_lenient(&input.pourvoi).ok().map(|n| n.to_string());
    let pourvoi = |field: String, raw: &mut String, problems: &mut Vec<RecordProblem>| -> bool {
        match PourvoiNumber::parse_lenient(raw) {
            Ok(number) => {
                *raw = number.to_string();
                if own.as_deref() == Some(raw.as_str()) {
                    problems.push(RecordProblem::new(
                        field,
                        format!("« {raw} » est le numéro de ce pourvoi-ci"),
                        "donner le numéro d'un pourvoi antérieur",
                    ));
                    return false;
                }
                true
            }
            Err(error) => {
                problems.push(RecordProblem::new(field, error.to_string(), "format attendu : Y 15-26.094"));
                false
            }
        }
    };
    match (input.attacked_nature, input.earlier_pourvoi.as_mut()) {
        (AttackedNature::RenvoiApresCassation, None) => problems.push(RecordProblem::new(
            "earlier_pourvoi",
            "arrêt de renvoi après cassation sans la cassation qui a renvoyé",
            "donner le numéro du pourvoi dont la cassation a renvoyé l'affaire",
        )),
        (AttackedNature::RenvoiApresCassation, Some(earlier)) => {
            pourvoi("earlier_pourvoi".to_owned(), earlier, problems);
        }
        (nature, Some(_)) => problems.push(RecordProblem::new(
            "earlier_pourvoi",
            format!(
                "cassation antérieure donnée, mais la décision attaquée n'est pas un arrêt de renvoi ({})",
                nature.label_fr()
            ),
            "choisir la nature « renvoi après cassation », ou retirer le numéro",
        )),
        (_, None) => {}
    }
    let mut seen: Vec<String> = Vec::new();
    for (index, raw) in input.previous_pourvois.iter_mut().enumerate() {
        let field = format!("previous_pourvois[{index}]");
        if pourvoi(field.clone(), raw, problems) {
            if seen.contains(raw) {
                problems.push(RecordProblem::new(
                    field,
                    format!("pourvoi {raw} en double"),
                    "ne le donner qu'une fois",
                ));
            }
            seen.push(raw.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> DossierInput {
        DossierInput {
            pourvoi: "y1526094".into(),
            nature: Nature::Civil,
            procedure: None,
            chamber: "civ1".into(),
            section: None,
            matter: None,
            circuit: None,
            registered_on: "2026-10-01".into(),
            urgent: false,
            attacked: AttackedDecision {
                court: "cour d'appel de Lyon".into(),
                date: "2026-09-01".into(),
                docket: "24/01234".into(),
            },
            parties: vec![Party::named("M. X", PartyRole::Demandeur)],
            residence_demandeur: Residence::default(),
            residence_defendeur: Residence::default(),
            rapporteurs: vec!["m1".into()],
            avocat_general: None,
            recusals: Vec::new(),
            joined_group: None,
            grounds: vec![Ground {
                title: "Violation de l'article 1240 du code civil".into(),
                branches: vec!["Alors que la faute n'était pas caractérisée".into()],
                articles: vec!["article 1240 du code civil".into()],
                text: String::new(),
            }],
            keywords: vec!["responsabilite-medicale".into()],
            attacked_nature: AttackedNature::Appel,
            earlier_pourvoi: None,
            qpc: false,
            previous_pourvois: Vec::new(),
        }
    }

    #[test]
    fn a_good_record_is_normalised() {
        let mut input = record();
        assert!(check_record(&mut input).is_empty());
        assert_eq!(input.pourvoi, "Y 15-26.094");
        assert_eq!(input.procedure, Some(Procedure::Civil));
    }

    #[test]
    fn every_problem_is_named_at_once() {
        let mut input = record();
        input.pourvoi = "15-26".into();
        input.attacked.date = "2026-12-01".into();
        input.parties[0].role = PartyRole::Defendeur;
        input.parties[0].name = " ".into();
        input.recusals.push(RecusalInput { magistrate: "m1".into(), ground: String::new() });
        let fields: Vec<String> = check_record(&mut input).into_iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            ["pourvoi", "attacked.date", "parties", "parties[0].name", "recusals[0].ground", "recusals[0].magistrate"]
        );
    }

    #[test]
    fn what_the_dossier_says_about_itself_is_checked_field_by_field() {
        let mut input = record();
        input.grounds[0].title = " ".into();
        input.grounds[0].articles.push(String::new());
        input.keywords =
            vec!["bail-comercial".into(), "responsabilite-medicale".into(), "responsabilite-medicale".into()];
        input.attacked_nature = AttackedNature::RenvoiApresCassation;
        input.previous_pourvois = vec!["y1526094".into(), "A 20-10.001".into(), "a2010001".into(), "20-1".into()];
        let problems = check_record(&mut input);
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "grounds[0].title",
                "grounds[0].articles[1]",
                "keywords[0]",
                "keywords[2]",
                "earlier_pourvoi",
                "previous_pourvois[0]",
                "previous_pourvois[2]",
                "previous_pourvois[3]"
            ]
        );
        assert!(
            problems[2].action.contains("bail-commercial"),
            "the closest keyword is offered: {}",
            problems[2].action
        );
        assert_eq!(input.previous_pourvois[1], "A 20-10.001", "normalised");

        let mut input = record();
        input.attacked_nature = AttackedNature::RenvoiApresCassation;
        input.earlier_pourvoi = Some("a2010001".into());
        assert!(check_record(&mut input).is_empty());
        assert_eq!(input.earlier_pourvoi.as_deref(), Some("A 20-10.001"));
        input.attacked_nature = AttackedNature::Appel;
        assert_eq!(check_record(&mut input)[0].field, "earlier_pourvoi", "no earlier cassation for an appeal ruling");
    }

    #[test]
    fn a_record_written_before_the_description_still_reads() {
        let json = r#"{"pourvoi": "Y 15-26.094", "nature": "civil", "chamber": "civ1", "registered_on": "2026-10-01",
            "attacked": {"court": "CA Lyon", "date": "2026-09-01", "docket": "1"}, "parties": []}"#;
        let input: DossierInput = serde_json::from_str(json).expect("defaults");
        assert!(input.grounds.is_empty() && input.keywords.is_empty() && !input.qpc);
        assert_eq!(input.attacked_nature, AttackedNature::Appel);
    }

    #[test]
    fn control_characters_are_refused_where_they_are() {
        let mut input = record();
        input.attacked.docket = "24/\u{0}1234".into();
        let problems = check_record(&mut input);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].field, "attacked.docket");
        assert!(problems[0].message.contains("U+0000"), "{}", problems[0].message);
        let mut input = record();
        input.parties[0].name = "M.\tX".into();
        assert_eq!(check_record(&mut input)[0].field, "parties[0].name", "a name is one line");
    }

    #[test]
    fn a_lawyers_address_is_checked_and_tied_to_the_lawyer() {
        let mut input = record();
        input.parties[0].lawyer = Some("SCP Dupont".into());
        input.parties[0].lawyer_email = Some("avis@scp-dupont.avocats.fr".into());
        input.parties[0].address = Some("  ".into());
        assert!(check_record(&mut input).is_empty());
        assert_eq!(input.parties[0].postal_address(), None, "a blank address is no address");
        input.parties[0].lawyer_email = Some(" avis@scp-dupont.avocats.fr".into());
        assert_eq!(check_record(&mut input)[0].field, "parties[0].lawyer_email", "as the document's pattern says");
        input.parties[0].lawyer_email = Some("avis@scp-dupont".into());
        let problems = check_record(&mut input);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].field, "parties[0].lawyer_email");
        assert!(problems[0].message.contains("avis@scp-dupont"), "{}", problems[0].message);
        input.parties[0].lawyer = Some(" ".into());
        input.parties[0].lawyer_email = Some("avis@scp-dupont.avocats.fr".into());
        assert_eq!(check_record(&mut input)[0].field, "parties[0].lawyer", "an address needs its lawyer");
    }
}
