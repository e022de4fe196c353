//! Problems found in an input document: each has a stable code, the JSON
//! path of the offending value, and a French message and fix for the person
//! who wrote the file.

use std::fmt;

use serde::Serialize;

/// One problem in a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// JSON path of the offending value, e.g. `dossiers[3].rapporteurs[0]`.
    pub path: String,
    /// Stable snake_case code (listed in `docs/formats.md`).
    pub code: &'static str,
    /// What is wrong, in French.
    pub message: String,
    /// How to fix it, in French.
    pub fix: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}] : {} — {}", self.path, self.code, self.message, self.fix)
    }
}

/// Collects problems while a document is read.
#[derive(Debug, Default)]
pub(crate) struct Problems(pub(crate) Vec<Problem>);

impl Problems {
    pub(crate) fn push(
        &mut self,
        path: impl Into<String>,
        code: &'static str,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) {
        self.0.push(Problem { path: path.into(), code, message: message.into(), fix: fix.into() });
    }
}
