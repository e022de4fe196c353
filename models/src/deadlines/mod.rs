//! The procedural deadline engine: the rule catalogue (data, with articles),
//! the arithmetic of the codes (CPC 640–643, CPP jours francs and 801), one
//! deadline from one act, and a dossier's deadlines from its journal.
//!
//! Pure logic: no clock (the caller passes `today`), no files (the caller
//! passes catalogue text to override the embedded one).

pub mod arithmetic;
pub mod catalogue;
pub mod compute;
pub mod dossier;

pub use catalogue::{Actor, Catalogue, CatalogueError, EventType, Procedure, Rule, RuleKind, RuleVersion, Unit};
pub use compute::{ComputeError, Computed, Residence, Start, UNEXTENDED_REASON, compute};
pub use dossier::{
    Alert, DeadlineConfig, DeadlineState, DeadlineStatus, DossierContext, DossierDeadlineError, Event, Recipient,
    Severity, alerts, closed_on, dossier_deadlines, effective_events,
};
