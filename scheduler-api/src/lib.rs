//! # greffe (scheduler-api)
//!
//! The edge of greffe: the `greffe` command line today, the HTTP service
//! later. This crate converts between the outside world (files, arguments,
//! exit codes) and the pure crates `greffe-models`, `greffe-fixtures` and
//! `greffe-solver`.

#![forbid(unsafe_code)]

pub mod cli;
