//! # greffe-checker
//!
//! The independent legal checker of hearing plans. Given an instance and a
//! plan — the solver's or one edited by hand — it re-verifies every hard
//! constraint of the planning model (version 1) and plan-level sanity, and
//! names each violation with a stable code, the dossier, hearing and
//! magistrate concerned, and a French message. [`decision`] holds a
//! decision to the same composition rules, on the bench that sat, beside
//! the defects a decision must be free of before it is signed.
//!
//! **Invariant: shares no code with the planner.** This crate depends only on
//! `greffe-models`; the planner may call it, never the reverse. A MILP status
//! of "optimal" proves nothing about the law: this does.

#![forbid(unsafe_code)]

mod check;
pub mod decision;
mod multi;
pub mod order;
mod plenary;
mod sections;
mod violation;

pub use check::{CheckOptions, check};
pub use violation::{CheckReport, Violation, ViolationCode};
