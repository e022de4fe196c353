//! # greffe-models
//!
//! The typed domain model of greffe — chambers, magistrates, formations,
//! hearings, dossiers, plans — and the JSON interchange format through which
//! instances and plans travel (`docs/formats.md`).
//!
//! **Invariant: this crate does no I/O.** It reads and writes JSON *text*;
//! files, sockets and databases belong to the edges (`store`, `scheduler-api`,
//! `cli`).
//! Values with rules are newtypes built only through `parse`/`TryFrom`, and an
//! [`Instance`] exists only once [`format::validate`] has checked every
//! reference.

#![forbid(unsafe_code)]

pub mod access;
pub mod calendar;
pub mod court;
pub mod dates;
pub mod deadlines;
pub mod decision;
pub mod diff;
pub mod distribution;
pub mod dossier;
pub mod edit;
pub mod errors;
pub mod events;
pub mod format;
pub mod formation;
pub mod forms;
pub mod hearing;
pub mod ids;
pub mod instance;
pub mod multi;
pub mod order;
pub mod orientation;
pub mod plan;
pub mod plan_status;
pub mod planning;
pub mod plenary;
pub mod pourvoi;
pub mod record;
pub mod registry;
pub mod sections;
pub mod signature;
pub mod text;
pub mod vocabulary;
pub mod work;

pub use court::{Chamber, Magistrate, Role};
pub use dates::{Date, DateRange, HalfDay, Horizon};
pub use dossier::{Circuit, Dossier, Recusal};
pub use formation::{FormationCode, FormationRule};
pub use hearing::Hearing;
pub use ids::{ChamberId, DossierId, HearingId, JoinedGroupId, MagistrateId, MatterCode, SectionId};
pub use instance::{ChamberSummary, Instance, Summary};
pub use multi::{Designation, Referral};
pub use plan::{Assignment, Bench, BrokenRequirement, Plan, Unscheduled, UnscheduledReason};
pub use plenary::PlenaryComposition;
pub use pourvoi::PourvoiNumber;
