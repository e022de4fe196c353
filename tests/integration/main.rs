//! Cross-crate integration tests of greffe: the interchange format, the
//! generator and the command line, driven in process. One test binary.

#![forbid(unsafe_code)]

mod api;
mod checker;
mod cli;
mod crash;
mod deadlines;
mod docs;
mod documents;
mod format;
mod generator;
mod helpers;
mod install_deps;
mod mail;
mod multi_chamber;
mod plenary;
mod portal;
mod repair;
mod sections;
mod simulation;
mod solver;
mod takeover;
