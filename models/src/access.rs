//! Who may do what: the users' roles and, for each operation of the
//! registry and the planning workflow, the roles allowed to do it. One table,
//! read by the API and the portal alike, so that a page never offers what the
//! API would refuse. Chamber scopes (a user works in some chambers, or in all)
//! are checked beside it, by the same callers.

use serde::{Deserialize, Serialize};

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UserRole {
    /// Clerk of the registry: dossiers, events, pieces, decisions, CNP.
    Greffier,
    /// President of a chamber: reads its dossiers, deadlines and figures.
    PresidentChambre,
    /// Magistrate (conseiller, avocat général): reads the dossiers he works on.
    Magistrat,
    /// Analyst: figures and dossiers of every chamber, read-only.
    Analyste,
    /// Administrator: reference data, users, import, journal verification.
    Admin,
    /// Premier avocat général of a chamber's parquet général: designates
    /// its dossiers' avocats généraux (the distribution proposes) and, as
    /// an avocat général, works on the dossiers he concludes on.
    PremierAvocatGeneral,
}

impl UserRole {
    /// Every role.
    pub const ALL: [UserRole; 6] = [
        Self::Greffier,
        Self::PresidentChambre,
        Self::Magistrat,
        Self::Analyste,
        Self::Admin,
        Self::PremierAvocatGeneral,
    ];

    /// Stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Greffier => "greffier",
            Self::PresidentChambre => "president_chambre",
            Self::Magistrat => "magistrat",
            Self::Analyste => "analyste",
            Self::Admin => "admin",
            Self::PremierAvocatGeneral => "premier_avocat_general",
        }
    }

    /// Parses a stored code.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == raw)
    }

    /// French label.
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Greffier => "greffier",
            Self::PresidentChambre => "président de chambre",
            Self::Magistrat => "magistrat",
            Self::Analyste => "analyste",
            Self::Admin => "administrateur",
            Self::PremierAvocatGeneral => "premier avocat général",
        }
    }

    /// Whether this role may do `operation` (the chamber scope aside).
    pub fn may(self, operation: Operation) -> bool {
        operation.roles().contains(&self)
    }
}

/// An operation whose access depends on the role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// Create or replace chambers, magistrates, hearings.
    ManageReference,
    /// List and create users.
    ManageUsers,
    /// Import a registry file.
    Import,
    /// Verify the whole journal's hash chain.
    VerifyJournal,
    /// Register a dossier, record its events, pieces, decision, status.
    WriteDossier,
    /// Set a dossier's planning overrides (formations, weight).
    SetPlanning,
    /// See one's list of tasks.
    ReadTasks,
    /// See the stock dashboard.
    ReadDashboard,
    /// Answer a request for a certificat de non-pourvoi.
    AnswerCnp,
    /// Ask for a proposal, edit a draft, amend a published plan.
    Plan,
    /// Validate a draft.
    ValidatePlan,
    /// Publish a validated plan.
    PublishPlan,
    /// See the notices to send.
    ReadNotices,
    /// Mark a notice task done (the notice sent, the composition announced).
    CompleteNotice,
    /// Record an absence of a magistrate of one's chambers (leave,
    /// training): the planner then keeps him off those days' benches.
    RecordAbsence,
    /// Run what-if simulations.
    Simulate,
    /// Read the service's metrics (`GET /metrics`).
    ReadMetrics,
    /// Record who sat at a held hearing (the greffier of the hearing).
    RecordSitting,
    /// Read a dossier's decision in preparation: its drafts are the
    /// formation's (a magistrate reads it only if he sits on it), never the
    /// avocat général's, the analyst's or the administrator's.
    ReadDecision,
    /// Save a version of a decision (the same people as [`Self::ReadDecision`]).
    DraftDecision,
    /// Read a dossier's work documents — each kind by the readers
    /// `work::VISIBILITY` names — never the analyst or the administrator.
    ReadWork,
    /// File a work document (its rapporteur, its avocat général).
    FileWork,
    /// Draft and sign a president's order (déchéance, désistement): the
    /// greffe drafts it, the president and the greffier sign it.
    DraftOrder,
    /// Decide a dossier's orientation (chamber, section, circuit) and
    /// decline a referral the rules point to: the chamber's president
    /// (the pre-orientation cell proposes; the tool's suggestion is its
    /// first pass).
    Orient,
    /// Record a referral to a chambre mixte or the assemblée plénière: the
    /// president records the chamber's; the greffe records the premier
    /// président's order and the procureur général's request (L431-7 COJ).
    Refer,
    /// See the distribution's proposal and designate the rapporteurs of a
    /// batch (art. 1012 CPC: the president of the formation).
    DesignateRapporteurs,
    /// See the proposal and designate the avocats généraux of a batch (the
    /// parquet général: its premier avocat général for the chamber).
    DesignateAvocatsGeneraux,
}

impl Operation {
    /// The roles allowed: the one table of access.
    pub fn roles(self) -> &'static [UserRole] {
        use UserRole::{Admin, Analyste, Greffier, Magistrat, PremierAvocatGeneral, PresidentChambre};
        match self {
            Self::ManageReference | Self::ManageUsers | Self::Import | Self::VerifyJournal | Self::ReadMetrics => {
                &[Admin]
            }
            Self::WriteDossier | Self::AnswerCnp | Self::RecordAbsence => &[Greffier, Admin],
            Self::SetPlanning | Self::ValidatePlan => &[PresidentChambre],
            Self::ReadTasks => &[Greffier, PresidentChambre, Magistrat, PremierAvocatGeneral, Admin],
            Self::ReadDashboard => &[Greffier, PresidentChambre, Analyste, Admin],
            Self::Plan => &[PresidentChambre, Greffier],
            // The administrator reads every registry record; notices are one.
            Self::ReadNotices => &[PresidentChambre, Greffier, Admin],
            Self::PublishPlan | Self::CompleteNotice => &[Greffier],
            Self::Simulate => &[Analyste, Admin],
            Self::RecordSitting => &[Greffier],
            Self::ReadDecision | Self::DraftDecision => &[Greffier, PresidentChambre, Magistrat],
            Self::ReadWork => &[Greffier, PresidentChambre, Magistrat, PremierAvocatGeneral],
            Self::FileWork => &[PresidentChambre, Magistrat, PremierAvocatGeneral],
            Self::DraftOrder => &[Greffier, PresidentChambre],
            Self::Orient => &[PresidentChambre],
            Self::Refer => &[PresidentChambre, Greffier],
            Self::DesignateRapporteurs => &[PresidentChambre],
            Self::DesignateAvocatsGeneraux => &[PremierAvocatGeneral],
        }
    }
}

/// What a court publishes or prepares, read by roles the court chooses:
/// [`Visibility`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    /// Published rolls and the chambers' calendars (hearings, published
    /// roll sizes), every chamber's.
    Published,
    /// Dossiers of one's chambers: records, journals, deadlines, pieces.
    Dossiers,
    /// Drafts and validated plans of one's chambers, proposal jobs and
    /// planning instances.
    Drafts,
    /// The agenda of a magistrate of one's chambers (a magistrate always
    /// reads his own).
    Agendas,
}

impl View {
    /// Every view.
    pub const ALL: [View; 4] = [Self::Published, Self::Dossiers, Self::Drafts, Self::Agendas];

    /// French name, for refusals.
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Published => "les rôles publiés et les calendriers des chambres",
            Self::Dossiers => "les dossiers",
            Self::Drafts => "les projets de plan de la chambre",
            Self::Agendas => "les agendas des magistrats de la chambre",
        }
    }
}

/// Who reads each [`View`]: the defaults below, which a court may change
/// with `greffe serve --visibility FILE` (JSON: `{"published": [...],
/// "dossiers": [...], "drafts": [...], "agendas": [...]}`, roles by code; a
/// field left out keeps its default). The chamber scope applies on top, as
/// everywhere. Whatever the file says, analysts and administrators never
/// read drafts (a chamber's working documents; [`Visibility::check`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Visibility {
    /// Published rolls and calendars: every signed-in user.
    pub published: Vec<UserRole>,
    /// Dossiers: clerks, presidents, magistrates, administrators (who read
    /// every registry record); analysts read aggregates (the dashboard) and
    /// published data only.
    pub dossiers: Vec<UserRole>,
    /// Drafts: the chamber's president, magistrates and clerks.
    pub drafts: Vec<UserRole>,
    /// Agendas: besides the magistrate, his chamber's president and clerks.
    pub agendas: Vec<UserRole>,
}

impl Default for Visibility {
    fn default() -> Self {
        use UserRole::{Admin, Greffier, Magistrat, PremierAvocatGeneral, PresidentChambre};
        Self {
            published: UserRole::ALL.to_vec(),
            dossiers: vec![Greffier, PresidentChambre, Magistrat, PremierAvocatGeneral, Admin],
            drafts: vec![PresidentChambre, Magistrat, Greffier],
            agendas: vec![PresidentChambre, Greffier],
        }
    }
}

impl Visibility {
    /// The roles that read `view`.
    pub fn readers(&self, view: View) -> &[UserRole] {
        match view {
            View::Published => &self.published,
            View::Dossiers => &self.dossiers,
            View::Drafts => &self.drafts,
            View::Agendas => &self.agendas,
        }
    }

    /// Whether `role` reads `view` (the chamber scope aside).
    pub fn allows(&self, role: UserRole, view: View) -> bool {
        self.readers(view).contains(&role)
    }

    /// Refuses what no court may choose: drafts read by analysts or
    /// administrators. The message is in French, for whoever wrote the file.
    pub fn check(&self) -> Result<(), String> {
        if let Some(role) = self.drafts.iter().find(|r| matches!(r, UserRole::Analyste | UserRole::Admin)) {
            return Err(format!(
                "drafts : le rôle {} ne peut pas lire les projets de plan (documents de travail de la chambre)",
                role.as_str()
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visibility_defaults_and_limits() {
        let defaults = Visibility::default();
        assert!(defaults.check().is_ok());
        assert!(UserRole::ALL.iter().all(|r| defaults.allows(*r, View::Published)));
        assert!(!defaults.allows(UserRole::Analyste, View::Dossiers));
        assert!(!defaults.allows(UserRole::Admin, View::Drafts) && !defaults.allows(UserRole::Analyste, View::Drafts));
        assert!(!defaults.allows(UserRole::Magistrat, View::Agendas), "a magistrate reads his own agenda only");
        let court: Visibility = serde_json::from_str(r#"{"agendas": ["president_chambre"]}"#).expect("parsed");
        assert_eq!(court.agendas, [UserRole::PresidentChambre]);
        assert_eq!(court.dossiers, defaults.dossiers, "a field left out keeps its default");
        let wrong: Visibility = serde_json::from_str(r#"{"drafts": ["greffier", "analyste"]}"#).expect("parsed");
        assert!(wrong.check().expect_err("analysts never read drafts").contains("analyste"));
        assert!(serde_json::from_str::<Visibility>(r#"{"drafs": []}"#).is_err(), "unknown fields refused");
    }

    #[test]
    fn codes_round_trip_and_access_is_by_role() {
        for role in UserRole::ALL {
            assert_eq!(UserRole::parse(role.as_str()), Some(role));
        }
        assert!(UserRole::PresidentChambre.may(Operation::ValidatePlan));
        assert!(!UserRole::Greffier.may(Operation::ValidatePlan));
        assert!(UserRole::Greffier.may(Operation::PublishPlan));
        assert!(!UserRole::Analyste.may(Operation::ReadTasks));
        assert!(!UserRole::Magistrat.may(Operation::WriteDossier));
    }
}
