//! The registry's vocabulary: a dossier's status and its lawful transitions,
//! parties, the court's decisions (solutions, publication levels, ECLI), the
//! kinds of journal entries, and the checks behind a certificat de
//! non-pourvoi. Pure data and rules: the store and the service persist and
//! expose them.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::dates::Date;
use crate::deadlines::EventType;

/// Declares a closed vocabulary stored and exchanged as snake_case strings,
/// with its French labels.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $code:literal, $label:literal; )+ }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $code)] $variant, )+
        }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$(Self::$variant),+];

            /// The stored code.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $code,)+ }
            }

            /// French label, for clerks and magistrates.
            pub fn label_fr(self) -> &'static str {
                match self { $(Self::$variant => $label,)+ }
            }

            /// Parses a stored code.
            pub fn parse(raw: &str) -> Option<Self> {
                match raw { $($code => Some(Self::$variant),)+ _ => None }
            }

            /// Every code, comma-separated (for error messages).
            pub fn codes() -> String {
                [$($code),+].join(", ")
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use vocabulary;

vocabulary! {
    /// Where a dossier stands in the registry.
    DossierStatus {
        /// Declared and registered (enregistré).
        Registered = "registered", "enregistré";
        /// Sent to its chamber and circuit (orienté).
        Routed = "routed", "orienté";
        /// Mémoires being exchanged, rapporteur working (en cours d'instruction).
        InInstruction = "in_instruction", "en cours d'instruction";
        /// Report and opinion filed: may be put on a hearing (en état).
        Ready = "ready", "en état d'être jugé";
        /// On a published hearing roll (audiencé).
        Scheduled = "scheduled", "audiencé";
        /// Heard, under deliberation (en délibéré).
        Heard = "heard", "en délibéré";
        /// Decided by the court (jugé).
        Decided = "decided", "jugé";
        /// Archived after the decision (clôturé).
        Closed = "closed", "clôturé";
        /// Withdrawn by the demandeur (désistement).
        Withdrawn = "withdrawn", "désistement";
        /// Struck off the roll (radiation, art. 1009-1 CPC).
        Radiated = "radiated", "radié";
        /// Lapsed (péremption, art. 1009-2 CPC).
        Lapsed = "lapsed", "périmé";
    }
}

impl DossierStatus {
    /// True while the dossier is in the stock (not decided, closed or ended).
    pub fn is_open(self) -> bool {
        !matches!(self, Self::Decided | Self::Closed | Self::Withdrawn | Self::Lapsed)
    }

    /// The statuses a dossier may move to from this one by an explicit
    /// change (the decision is recorded separately and moves it to
    /// `decided`).
    pub fn next(self) -> &'static [DossierStatus] {
        use DossierStatus::*;
        match self {
            Registered => &[Routed, Withdrawn, Radiated, Lapsed],
            Routed => &[InInstruction, Withdrawn, Radiated, Lapsed],
            InInstruction => &[Ready, Withdrawn, Radiated, Lapsed],
            // Back to instruction: a late mémoire or a new question.
            Ready => &[InInstruction, Scheduled, Withdrawn, Radiated, Lapsed],
            // Back to ready: removed from the roll (renvoi).
            Scheduled => &[Ready, Heard, Withdrawn],
            Heard => &[Scheduled, Withdrawn],
            Decided => &[Closed],
            // Reinscription au rôle after the radiation (art. 1009-3 CPC).
            Radiated => &[InInstruction, Lapsed],
            Closed | Withdrawn | Lapsed => &[],
        }
    }

    /// Whether an explicit change from this status to `to` is lawful.
    pub fn may_become(self, to: DossierStatus) -> bool {
        self.next().contains(&to)
    }

    /// Whether the court's decision may be recorded in this status.
    pub fn may_be_decided(self) -> bool {
        matches!(
            self,
            Self::Registered | Self::Routed | Self::InInstruction | Self::Ready | Self::Scheduled | Self::Heard
        )
    }
}

vocabulary! {
    /// Civil or criminal.
    Nature {
        /// Civil, commercial or social matters.
        Civil = "civil", "civile";
        /// Criminal matters.
        Penal = "penal", "pénale";
    }
}

vocabulary! {
    /// A party's place in the pourvoi.
    PartyRole {
        /// Who brought the pourvoi.
        Demandeur = "demandeur", "demandeur";
        /// Against whom.
        Defendeur = "defendeur", "défendeur";
        /// Voluntary or forced intervention.
        Intervenant = "intervenant", "intervenant";
    }
}

impl PartyRole {
    /// The two sides of the pourvoi, for which deadlines run: a piece or a
    /// procedural event names one of them.
    pub const SIDES: [PartyRole; 2] = [Self::Demandeur, Self::Defendeur];
}

vocabulary! {
    /// The court's solution, in its own vocabulary (open data `solution`).
    Solution {
        /// Cassation (total or partial).
        Cassation = "cassation", "cassation";
        /// Rejet.
        Rejet = "rejet", "rejet";
        /// Irrecevabilité.
        Irrecevabilite = "irrecevabilite", "irrecevabilité";
        /// Déchéance (no mémoire in time).
        Decheance = "decheance", "déchéance";
        /// Non-lieu à statuer.
        NonLieu = "non_lieu", "non-lieu à statuer";
        /// Decision on a QPC.
        Qpc = "qpc", "QPC";
        /// Rabat d'arrêt.
        Rabat = "rabat", "rabat d'arrêt";
        /// Renvoi.
        Renvoi = "renvoi", "renvoi";
        /// Désignation de juridiction.
        Designation = "designation", "désignation de juridiction";
        /// Règlement de juges.
        ReglementDeJuges = "reglement_juges", "règlement de juges";
        /// Avis.
        Avis = "avis", "avis";
        /// Annulation.
        Annulation = "annulation", "annulation";
        /// Any other solution.
        Autre = "autre", "autre";
    }
}

vocabulary! {
    /// Publication level of a decision.
    PublicationLevel {
        /// Bulletin.
        B = "B", "publié au Bulletin";
        /// Rapport annuel.
        R = "R", "publié au Rapport";
        /// Lettre de chambre.
        L = "L", "Lettre de chambre";
        /// Communiqué.
        C = "C", "communiqué";
        /// Not published.
        N = "N", "non publié";
    }
}

/// Why an ECLI is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("ECLI « {0} » invalide : attendu ECLI:FR:CCASS:AAAA:IDENTIFIANT (ex. ECLI:FR:CCASS:2020:CR00974)")]
pub struct EcliError(pub String);

/// Checks an ECLI of the Cour de cassation (`ECLI:FR:CCASS:2020:CR00974`)
/// and returns it normalised (upper case).
pub fn parse_ecli(raw: &str) -> Result<String, EcliError> {
    let upper = raw.trim().to_ascii_uppercase();
    let rest = upper.strip_prefix("ECLI:FR:CCASS:").ok_or_else(|| EcliError(raw.to_owned()))?;
    let (year, ordinal) = rest.split_once(':').ok_or_else(|| EcliError(raw.to_owned()))?;
    let year_ok = year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit());
    let ordinal_ok = !ordinal.is_empty() && ordinal.len() <= 25 && ordinal.bytes().all(|b| b.is_ascii_alphanumeric());
    if year_ok && ordinal_ok { Ok(upper) } else { Err(EcliError(raw.to_owned())) }
}

vocabulary! {
    /// Journal entries that are not procedural events of the deadline
    /// engine: the registry's own acts.
    RegistryKind {
        /// The dossier was registered.
        DossierRegistered = "dossier_registered", "enregistrement du dossier";
        /// The dossier's record was updated (the payload holds the changes).
        DossierUpdated = "dossier_updated", "mise à jour du dossier";
        /// The dossier's status changed.
        StatusChanged = "status_changed", "changement de statut";
        /// A notification other than those the deadlines start from.
        Notification = "notification", "notification";
        /// Joined with other dossiers (jonction).
        Jonction = "jonction", "jonction";
        /// A piece was filed.
        PieceFiled = "piece_filed", "dépôt d'une pièce";
        /// A certificat de non-pourvoi was requested and answered.
        CnpAnswered = "cnp_answered", "réponse à une demande de certificat de non-pourvoi";
        /// A record was imported from the former system.
        Imported = "imported", "reprise de l'existant";
        /// Reference data changed (chambers, magistrates, hearings, users).
        ReferenceChanged = "reference_changed", "modification des données de référence";
        /// A hearing plan changed status (validated, published, amended…).
        PlanTransition = "plan_transition", "étape d'un projet de rôle";
        /// Portal access: a password set, a refused sign-in.
        Access = "access", "accès au portail";
        /// A registry task was done (a notice sent, a composition announced).
        TaskDone = "task_done", "tâche accomplie";
        /// A notice was sent to a recipient (the mail server accepted it).
        NoticeSent = "notice_sent", "envoi d'un avis";
        /// A notice was refused for good by the recipient's mail server.
        NoticeRefused = "notice_refused", "avis refusé par la messagerie";
        /// A letter carrying a notice was posted by the greffe.
        NoticePosted = "notice_posted", "lettre d'avis postée";
        /// A notice is sent again, by e-mail or as a letter, after a
        /// refusal or a corrected address.
        NoticeResent = "notice_resent", "nouvel envoi d'un avis";
        /// Who sat at a hearing was recorded (or corrected) after it.
        SittingRecorded = "sitting_recorded", "procès-verbal de composition de l'audience";
        /// A version of the dossier's decision was saved.
        DecisionSaved = "decision_saved", "version du projet de décision";
        /// A signatory signed a version of the decision.
        DecisionSigned = "decision_signed", "signature de la décision";
        /// A version's signatures were voided by a later version.
        SignaturesVoided = "signatures_voided", "signatures annulées par une nouvelle version";
        /// A fully signed decision was sealed: its PDF kept, its hash here.
        DecisionSealed = "decision_sealed", "arrêt signé scellé";
        /// A version of the rapporteur's opinion or of a draft decision was
        /// filed (its text stays the formation's: the entry holds its hash).
        WorkFiled = "work_filed", "dépôt d'un avis ou d'un projet du rapporteur";
        /// A version of the dossier's order (déchéance, désistement) was saved.
        OrderSaved = "order_saved", "version du projet d'ordonnance";
        /// A signatory signed a version of the order.
        OrderSigned = "order_signed", "signature de l'ordonnance";
        /// The chamber's president decided the dossier's orientation
        /// (chamber, section, circuit), following the suggestion or saying
        /// why not.
        OrientationDecided = "orientation_decided", "décision d'orientation";
        /// A referral to a chambre mixte or the assemblée plénière was
        /// ordered (L431-5 to L431-7 COJ).
        ReferralOrdered = "referral_ordered", "renvoi devant une chambre mixte ou l'assemblée plénière";
        /// A referral the rules pointed to was declined, with its reason.
        ReferralDeclined = "referral_declined", "renvoi écarté";
        /// The parquet général designated the dossier's avocat général
        /// (the distribution's proposal, confirmed or departed from).
        AvocatGeneralDesignated = "avocat_general_designated", "désignation de l'avocat général";
    }
}

/// What a journal entry records: a procedural event (which the deadline
/// engine reads) or a registry act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JournalKind {
    /// A procedural event with legal effect on deadlines.
    Procedural(EventType),
    /// A registry act.
    Registry(RegistryKind),
}

impl JournalKind {
    /// The stored code (`declaration_pourvoi`, `status_changed`…).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Procedural(event) => event.as_str(),
            Self::Registry(kind) => kind.as_str(),
        }
    }

    /// Parses a stored code.
    pub fn parse(raw: &str) -> Option<Self> {
        RegistryKind::parse(raw).map(Self::Registry).or_else(|| EventType::parse(raw).map(Self::Procedural))
    }

    /// French label.
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Procedural(event) => event.label_fr(),
            Self::Registry(kind) => kind.label_fr(),
        }
    }
}

/// What a certificat de non-pourvoi request found in the register for the
/// decision it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CnpFinding {
    /// Pourvoi number of the dossier found against the decision.
    pub pourvoi: String,
    /// Nature of that dossier.
    pub nature: Nature,
    /// Whether that dossier holds a registered pourvoi (declaration) or
    /// only a legal-aid request.
    pub only_legal_aid: bool,
}

/// The answer to a certificat de non-pourvoi request (art. 505 CPC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum CnpOutcome {
    /// No pourvoi and no request on record.
    Issued,
    /// A legal-aid request interrupts the deadline: partial certificate.
    Partial {
        /// Dossiers holding the request.
        legal_aid: Vec<String>,
    },
    /// A pourvoi is registered against the decision.
    Refused {
        /// Pourvoi numbers registered against it.
        pourvois: Vec<String>,
    },
    /// The request cannot be answered as it stands.
    Incomplete {
        /// What is missing or wrong, in French.
        missing: Vec<String>,
    },
}

/// The request's identification of the decision, as given.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CnpRequest {
    /// Issuing court.
    pub court: Option<String>,
    /// Decision date.
    pub decision_date: Option<Date>,
    /// Docket number (numéro RG).
    pub docket: Option<String>,
    /// Parties named.
    pub parties: Vec<String>,
    /// Nature stated by the requester.
    pub nature: Option<Nature>,
}

/// Answers a certificat de non-pourvoi request from what the register
/// holds against the decision. Returns the outcome and the checks made, in
/// French. The registry does not check that the deadline has expired (art.
/// 504 CPC: the bailiff's job).
pub fn answer_cnp(request: &CnpRequest, findings: &[CnpFinding]) -> (CnpOutcome, Vec<String>) {
    let mut checks = Vec::new();
    let mut missing = Vec::new();
    if request.court.as_deref().is_none_or(|c| c.trim().is_empty()) {
        missing.push("la juridiction qui a rendu la décision (court)".to_owned());
    }
    if request.decision_date.is_none() {
        missing.push("la date de la décision (decision_date)".to_owned());
    }
    if request.docket.as_deref().is_none_or(|d| d.trim().is_empty()) {
        missing.push("le numéro de répertoire général de la décision (docket)".to_owned());
    }
    if request.parties.iter().all(|p| p.trim().is_empty()) {
        missing.push("les parties à la décision (parties)".to_owned());
    }
    match request.nature {
        Some(Nature::Penal) => missing.push(
            "la décision est pénale : le certificat est délivré par la juridiction qui l'a rendue (art. 505 CPC ne vise que les décisions civiles)"
                .to_owned(),
        ),
        None => missing.push("la nature de la décision (nature : civil)".to_owned()),
        Some(Nature::Civil) => {}
    }
    if !missing.is_empty() {
        checks.push("identification de la décision : incomplète".to_owned());
        return (CnpOutcome::Incomplete { missing }, checks);
    }
    checks.push("identification de la décision (juridiction, date, numéro, parties) : complète".to_owned());
    checks.push("nature de la décision : civile".to_owned());
    let penal: Vec<&CnpFinding> = findings.iter().filter(|f| f.nature == Nature::Penal).collect();
    if !penal.is_empty() {
        let names: Vec<&str> = penal.iter().map(|f| f.pourvoi.as_str()).collect();
        return (
            CnpOutcome::Incomplete {
                missing: vec![format!(
                    "le registre rattache cette décision à une procédure pénale ({}) : vérifier la nature de la décision",
                    names.join(", ")
                )],
            },
            checks,
        );
    }
    let mut pourvois: Vec<String> = findings.iter().filter(|f| !f.only_legal_aid).map(|f| f.pourvoi.clone()).collect();
    let mut legal_aid: Vec<String> = findings.iter().filter(|f| f.only_legal_aid).map(|f| f.pourvoi.clone()).collect();
    pourvois.sort();
    pourvois.dedup();
    legal_aid.sort();
    legal_aid.dedup();
    checks.push(format!("pourvoi enregistré contre la décision : {}", yes_no(&pourvois)));
    checks.push(format!("demande d'aide juridictionnelle enregistrée : {}", yes_no(&legal_aid)));
    checks.push("expiration du délai de pourvoi : non vérifiée (art. 504 CPC, à la charge de l'huissier)".to_owned());
    let outcome = if !pourvois.is_empty() {
        CnpOutcome::Refused { pourvois }
    } else if !legal_aid.is_empty() {
        CnpOutcome::Partial { legal_aid }
    } else {
        CnpOutcome::Issued
    };
    (outcome, checks)
}

fn yes_no(found: &[String]) -> String {
    if found.is_empty() { "aucun".to_owned() } else { format!("oui ({})", found.join(", ")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> CnpRequest {
        CnpRequest {
            court: Some("cour d'appel de Lyon".into()),
            decision_date: Some(Date::from_ymd_opt(2026, 3, 2).expect("date")),
            docket: Some("24/01234".into()),
            parties: vec!["Dupont".into(), "SCI Les Tilleuls".into()],
            nature: Some(Nature::Civil),
        }
    }

    #[test]
    fn every_status_transition_is_to_a_different_status_and_terminal_ones_are_final() {
        for status in DossierStatus::ALL {
            assert!(!status.may_become(*status), "{status}");
            if matches!(status, DossierStatus::Closed | DossierStatus::Withdrawn | DossierStatus::Lapsed) {
                assert!(status.next().is_empty());
            }
        }
        assert!(DossierStatus::Ready.may_become(DossierStatus::Scheduled));
        assert!(!DossierStatus::Registered.may_become(DossierStatus::Scheduled));
        assert!(!DossierStatus::Decided.may_be_decided());
    }

    #[test]
    fn codes_round_trip() {
        for status in DossierStatus::ALL {
            assert_eq!(DossierStatus::parse(status.as_str()), Some(*status));
        }
        for solution in Solution::ALL {
            assert_eq!(Solution::parse(solution.as_str()), Some(*solution));
        }
        assert_eq!(
            JournalKind::parse("declaration_pourvoi"),
            Some(JournalKind::Procedural(EventType::DeclarationPourvoi))
        );
        assert_eq!(JournalKind::parse("jonction"), Some(JournalKind::Registry(RegistryKind::Jonction)));
        assert_eq!(JournalKind::parse("nothing"), None);
    }

    #[test]
    fn ecli_is_checked() {
        assert_eq!(parse_ecli("ecli:fr:ccass:2020:cr00974").as_deref(), Ok("ECLI:FR:CCASS:2020:CR00974"));
        assert!(parse_ecli("ECLI:FR:CCASS:20:CR00974").is_err());
        assert!(parse_ecli("ECLI:FR:CE:2020:CR00974").is_err());
        assert!(parse_ecli("ECLI:FR:CCASS:2020:").is_err());
    }

    #[test]
    fn cnp_outcomes() {
        let (outcome, checks) = answer_cnp(&request(), &[]);
        assert_eq!(outcome, CnpOutcome::Issued);
        assert!(checks.iter().any(|c| c.contains("504")));
        let aid = CnpFinding { pourvoi: "A 26-10.001".into(), nature: Nature::Civil, only_legal_aid: true };
        let pourvoi = CnpFinding { pourvoi: "B 26-10.002".into(), nature: Nature::Civil, only_legal_aid: false };
        assert_eq!(
            answer_cnp(&request(), std::slice::from_ref(&aid)).0,
            CnpOutcome::Partial { legal_aid: vec!["A 26-10.001".into()] }
        );
        assert_eq!(
            answer_cnp(&request(), &[aid, pourvoi]).0,
            CnpOutcome::Refused { pourvois: vec!["B 26-10.002".into()] }
        );
        let mut penal = request();
        penal.nature = Some(Nature::Penal);
        let CnpOutcome::Incomplete { missing } = answer_cnp(&penal, &[]).0 else { panic!("penal must not be issued") };
        assert!(missing[0].contains("pénale"));
        let empty = CnpRequest::default();
        let CnpOutcome::Incomplete { missing } = answer_cnp(&empty, &[]).0 else { panic!("empty must not be issued") };
        assert_eq!(missing.len(), 5);
    }
}
