//! Shared test helpers: fixture files, in-process CLI runs.

use std::path::PathBuf;

use serde_json::Value;

/// Path of a file under `fixtures/data/`.
pub(crate) fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/data").join(name)
}

/// The text of a fixture file.
pub(crate) fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(fixture_path(name)).expect("fixture file present")
}

/// A fixture as a JSON value, to mutate.
pub(crate) fn fixture_json(name: &str) -> Value {
    serde_json::from_str(&fixture_text(name)).expect("fixture is JSON")
}

/// Validates an instance written as JSON: the instance, or the codes of
/// every problem found.
pub(crate) fn parse_instance(doc: &Value) -> Result<greffe_models::Instance, Vec<String>> {
    let doc: greffe_models::format::InstanceDoc = serde_json::from_value(doc.clone()).expect("document shape");
    greffe_models::format::validate(&doc).map_err(|problems| problems.iter().map(|p| p.code.to_owned()).collect())
}

/// The problem codes of `doc` once `change` is applied (none when valid).
pub(crate) fn refused_codes(mut doc: Value, change: fn(&mut Value)) -> Vec<String> {
    change(&mut doc);
    parse_instance(&doc).err().unwrap_or_default()
}

/// The checker's violations of `plan` once `change` is applied to it as
/// JSON.
pub(crate) fn violations_after(
    instance: &greffe_models::Instance,
    plan: &greffe_models::Plan,
    change: impl Fn(&mut Value),
) -> Vec<greffe_checker::Violation> {
    let mut plan = serde_json::to_value(plan).expect("plan as JSON");
    change(&mut plan);
    let plan: greffe_models::Plan = serde_json::from_value(plan).expect("plan parses");
    greffe_checker::check(instance, &plan, greffe_checker::CheckOptions::default()).violations
}

/// An instance change and the problem code it must raise.
pub(crate) type RefusalCase = (fn(&mut Value), &'static str);

/// What a CLI run produced.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) code: u8,
    pub(crate) out: String,
    pub(crate) err: String,
}

/// Runs `greffe ARGS…` in process.
pub(crate) fn greffe(args: &[&str]) -> Run {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let argv = std::iter::once("greffe").chain(args.iter().copied());
    let code = greffe::run(argv, &mut out, &mut err);
    Run {
        code,
        out: String::from_utf8(out).expect("stdout is UTF-8"),
        err: String::from_utf8(err).expect("stderr is UTF-8"),
    }
}
