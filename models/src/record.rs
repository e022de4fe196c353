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
    problems
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
