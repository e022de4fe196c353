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

/// The magistrates of chamber `a` split into sections `s1` and `s2`:
/// president `pa` (rank 1); per section `k`, senior first, a doyen `dk`,
/// conseillers `ck1`…`ckN` and référendaires `rk1`…`rkM`; avocat général
/// `ag`. Weekly caps: 4 for the president, 3 for the others, 5 for the
/// avocat général.
pub(crate) fn sectioned_chamber(conseillers: u32, referendaires: u32) -> Vec<Value> {
    let mut magistrates = vec![serde_json::json!({"id": "pa", "chamber": "a", "role": "president", "rank": 1,
        "max_hearings_per_week": 4})];
    for k in 1..=2u32 {
        let section = format!("s{k}");
        let base = 2 + (k - 1) * (1 + conseillers + referendaires);
        let member = |id: String, role: &str, rank: u32| {
            serde_json::json!({"id": id, "chamber": "a", "section": section, "role": role, "rank": rank,
                "max_hearings_per_week": 3})
        };
        magistrates.push(member(format!("d{k}"), "doyen", base));
        for j in 1..=conseillers {
            magistrates.push(member(format!("c{k}{j}"), "conseiller", base + j));
        }
        for j in 1..=referendaires {
            magistrates.push(member(format!("r{k}{j}"), "referendaire", base + conseillers + j));
        }
    }
    magistrates.push(serde_json::json!({"id": "ag", "chamber": "a", "role": "avocat_general", "rank": 1,
        "max_hearings_per_week": 5}));
    magistrates
}

/// `instance` once the journal says `magistrate` is absent on `day`
/// (ISO date): what a repair starts from.
pub(crate) fn with_absence(
    instance: &greffe_models::Instance,
    magistrate: &str,
    day: &str,
) -> greffe_models::events::Applied {
    let events: greffe_models::events::EventsDoc = greffe_models::format::from_json_text(
        &serde_json::json!({"events": [{"type": "magistrate_absent", "magistrate": magistrate, "from": day,
                                        "to": day}]})
        .to_string(),
    )
    .expect("events parse");
    greffe_models::events::apply_events(instance, &events).expect("events apply")
}

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
