//! # greffe-api (scheduler-api)
//!
//! greffe's HTTP service: the API over the registry's store, the web portal
//! (*Portail greffe*, under `/portail/`), the plan workflow both call, and
//! the one place where errors become HTTP responses.
//!
//! **Invariants.** `workflow` holds no axum type: the API, the benches and the
//! tests call the same operations (apply an edit, validate, publish, amend).
//! Only `error` decides an HTTP status.

#![forbid(unsafe_code)]

pub mod api;
pub mod documents;
pub mod error;
pub mod mail;
pub mod metrics;
pub mod portal;
pub mod search;
pub mod worker;
pub mod workflow;

pub use api::{AppState, metrics_router, openapi_json, router, serve, today};
