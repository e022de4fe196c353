//! # greffe (scheduler-api)
//!
//! The edge of greffe: the `greffe` command line and the HTTP service of
//! the registry. This crate converts between the outside world (files,
//! arguments, HTTP requests, database rows) and the pure crates
//! `greffe-models`, `greffe-checker`, `greffe-fixtures` and `greffe-solver`.

#![forbid(unsafe_code)]

pub mod api;
pub mod cli;
pub mod demo;
pub mod error;
pub mod store;
