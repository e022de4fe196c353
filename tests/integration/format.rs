//! The interchange format: round trips, and malformed instances refused with
//! the right JSON path and code.

use greffe_models::format::{ReadError, from_json_text, read_instance, validate};
use greffe_models::{FormationCode, Plan, UnscheduledReason};
use serde_json::{Value, json};

use crate::helpers::{fixture_json, fixture_text};

fn problems_of(value: &Value) -> Vec<(String, String)> {
    match read_instance(&value.to_string()) {
        Ok(_) => Vec::new(),
        Err(ReadError::Invalid(problems)) => problems.into_iter().map(|p| (p.path, p.code.to_owned())).collect(),
        Err(ReadError::Json(error)) => panic!("expected content problems, got a JSON error: {error}"),
    }
}

#[test]
fn minimal_fixture_is_valid_and_takes_documented_defaults() {
    let instance = read_instance(&fixture_text("minimal.json")).expect("minimal fixture is valid");
    assert_eq!(instance.horizon().horizon_days(), 53);
    assert_eq!(instance.dossiers().len(), 2);
    let dossier = &instance.dossiers()[0];
    assert_eq!(dossier.circuit, greffe_models::Circuit::Intermediaire, "documented default circuit");
    assert_eq!(dossier.matter, None);
    assert_eq!(dossier.recusals[0].ground, None);
    assert_eq!(instance.formations().len(), 1);
    assert!(instance.formation(FormationCode::Section).is_none());
}

#[test]
fn formations_default_to_the_planning_table_when_absent() {
    let mut value = fixture_json("minimal.json");
    value.as_object_mut().expect("object").remove("formations");
    let instance = read_instance(&value.to_string()).expect("valid without formations");
    let fs = instance.formation(FormationCode::Section).expect("FS by default");
    assert_eq!((fs.bench_size, fs.min_voices, fs.max_voices), (5, 5, 7));
    assert_eq!(instance.formations().len(), 5);
}

#[test]
fn instance_round_trips_through_json() {
    let instance = read_instance(&fixture_text("minimal.json")).expect("valid");
    let again = read_instance(&instance.to_json()).expect("own output is valid");
    assert_eq!(instance, again);
    // A generated instance exercises every optional field.
    let doc = greffe_fixtures::generate(&greffe_fixtures::GeneratorConfig::new(greffe_fixtures::Scale::Small, 3, 11))
        .expect("generate");
    let generated = validate(&doc).expect("generated instance is valid");
    // The generator leaves `formations` to its default; to_doc writes the
    // table out. Everything else comes back exactly.
    let mut expected = doc.clone();
    expected.formations = Some(generated.to_doc().formations.expect("to_doc writes the formation table"));
    assert_eq!(generated.to_doc(), expected, "to_doc gives back the document");
    assert_eq!(read_instance(&generated.to_json()).expect("valid"), generated);
}

#[test]
fn plan_round_trips_and_hand_edited_plans_may_omit_figures() {
    let text = r#"{
        "assignments": [{"dossier": "d000001", "hearing": "h0001"}],
        "benches": [{"hearing": "h0001", "president": "m0001", "members": ["m0001", "m0002"]}],
        "unscheduled": [{"dossier": "d000002", "reason": "capacity", "detail": "audiences complètes"}],
        "objective": 1234.5, "bound": 1240.0, "gap": 0.0044, "solve_ms": 840, "time_limit_hit": false
    }"#;
    let plan = Plan::from_json(text).expect("valid plan");
    assert_eq!(plan.unscheduled[0].reason, UnscheduledReason::Capacity);
    assert_eq!(Plan::from_json(&plan.to_json()).expect("own output"), plan);
    let edited = Plan::from_json(r#"{"assignments": [], "benches": []}"#).expect("figures are optional");
    assert_eq!(edited.objective, None);
    let error =
        Plan::from_json(r#"{"assignments": [], "benches": [], "unscheduled": [{"dossier": "d1", "reason": "bored"}]}"#)
            .expect_err("unknown reason code");
    assert_eq!(error.path, "unscheduled[0].reason");
    assert!(error.message.contains("capacity"), "lists the valid codes: {}", error.message);
}

/// One malformed instance per row: a mutation of the minimal fixture, and the
/// (path, code) it must be refused with.
#[test]
fn malformed_instances_are_refused_with_path_and_code() {
    type Mutation = fn(&mut Value);
    let cases: Vec<(&str, Mutation, &str, &str)> = vec![
        (
            "unknown rapporteur",
            |v| v["dossiers"][0]["rapporteurs"][0] = json!("m9999"),
            "dossiers[0].rapporteurs[0]",
            "unknown_magistrate",
        ),
        (
            "unknown pinned hearing",
            |v| v["dossiers"][0]["pinned_hearing"] = json!("h9999"),
            "dossiers[0].pinned_hearing",
            "unknown_hearing",
        ),
        (
            "rapporteur of another chamber",
            |v| v["dossiers"][0]["rapporteurs"][0] = json!("m0102"),
            "dossiers[0].rapporteurs[0]",
            "other_chamber",
        ),
        (
            "locked bench member of another chamber",
            |v| v["hearings"][0]["locked_bench"] = json!(["m0001", "m0102"]),
            "hearings[0].locked_bench[1]",
            "other_chamber",
        ),
        (
            "formation that does not exist",
            |v| v["dossiers"][0]["formations"] = json!(["FX"]),
            "dossiers[0].formations[0]",
            "unknown_formation",
        ),
        (
            "formation not configured",
            |v| v["dossiers"][1]["formations"] = json!(["FR", "FS"]),
            "dossiers[1].formations[1]",
            "unknown_formation",
        ),
        (
            "hearing outside the horizon",
            |v| v["hearings"][1]["date"] = json!("2027-03-02"),
            "hearings[1].date",
            "outside_horizon",
        ),
        (
            "inverted absence",
            |v| v["magistrates"][0]["absences"][0] = json!({"from": "2027-01-22", "to": "2027-01-18"}),
            "magistrates[0].absences[0]",
            "inverted_range",
        ),
        ("inverted horizon", |v| v["horizon"]["end"] = json!("2027-01-01"), "horizon", "inverted_range"),
        (
            "duplicate magistrate id",
            |v| v["magistrates"][1]["id"] = json!("m0001"),
            "magistrates[1].id",
            "duplicate_id",
        ),
        ("duplicate dossier id", |v| v["dossiers"][1]["id"] = json!("d000001"), "dossiers[1].id", "duplicate_id"),
        (
            "negative capacity",
            |v| v["hearings"][0]["capacity_weight"] = json!(-1),
            "hearings[0].capacity_weight",
            "negative_number",
        ),
        (
            "negative count capacity",
            |v| v["hearings"][0]["capacity_count"] = json!(-3),
            "hearings[0].capacity_count",
            "negative_number",
        ),
        ("negative weight", |v| v["dossiers"][0]["weight"] = json!(-0.5), "dossiers[0].weight", "negative_number"),
        (
            "joined group spanning chambers",
            |v| {
                v["dossiers"][0]["joined_group"] = json!("g1");
                v["dossiers"][1]["joined_group"] = json!("g1");
            },
            "dossiers[1].joined_group",
            "joined_group_spans_chambers",
        ),
        (
            "malformed pourvoi number",
            |v| v["dossiers"][0]["pourvoi"] = json!("A 26-10001"),
            "dossiers[0].pourvoi",
            "invalid_pourvoi",
        ),
        (
            "impossible date",
            |v| v["dossiers"][0]["ready_date"] = json!("2027-02-30"),
            "dossiers[0].ready_date",
            "invalid_date",
        ),
        (
            "avocat général who is a conseiller",
            |v| v["dossiers"][0]["avocat_general"] = json!("m0005"),
            "dossiers[0].avocat_general",
            "wrong_role",
        ),
        (
            "rapporteur also recused",
            |v| v["dossiers"][0]["recused"] = json!(["m0007"]),
            "dossiers[0].recused[0]",
            "rapporteur_recused",
        ),
        ("empty id", |v| v["hearings"][0]["id"] = json!(""), "hearings[0].id", "invalid_id"),
        ("unknown chamber", |v| v["hearings"][0]["chamber"] = json!("civ9"), "hearings[0].chamber", "unknown_chamber"),
        (
            "section of another chamber",
            |v| v["magistrates"][0]["section"] = json!("cr-s1"),
            "magistrates[0].section",
            "other_chamber",
        ),
        ("unknown role", |v| v["magistrates"][0]["role"] = json!("juge"), "magistrates[0].role", "invalid_value"),
        (
            "locked bench of the wrong size",
            |v| v["hearings"][0]["locked_bench"] = json!(["m0001"]),
            "hearings[0].locked_bench",
            "locked_bench_size",
        ),
        (
            "no rapporteur",
            |v| v["dossiers"][0]["rapporteurs"] = json!([]),
            "dossiers[0].rapporteurs",
            "rapporteur_count",
        ),
        (
            "duplicate pourvoi",
            |v| v["dossiers"][1]["pourvoi"] = json!("A 26-10.001"),
            "dossiers[1].pourvoi",
            "duplicate_pourvoi",
        ),
        (
            "ambiguous precedence",
            |v| {
                v["magistrates"][1]["role"] = json!("president");
                v["magistrates"][1]["rank"] = json!(1);
            },
            "magistrates[1].rank",
            "duplicate_rank",
        ),
        ("rank zero", |v| v["magistrates"][1]["rank"] = json!(0), "magistrates[1].rank", "out_of_range"),
    ];
    for (name, mutate, path, code) in cases {
        let mut value = fixture_json("minimal.json");
        mutate(&mut value);
        let problems = problems_of(&value);
        let found = problems.iter().any(|(p, c)| p == path && c == code);
        assert!(found, "{name}: expected {code} at {path}, got {problems:?}");
    }
}

#[test]
fn every_problem_is_reported_at_once_with_a_french_fix() {
    let mut value = fixture_json("minimal.json");
    value["dossiers"][0]["rapporteurs"][0] = json!("m9999");
    value["dossiers"][1]["weight"] = json!(-2);
    value["hearings"][1]["date"] = json!("2026-12-31");
    value["magistrates"][2]["absences"] = json!([{"from": "2027-02-01", "to": "2027-01-01"}]);
    let Err(ReadError::Invalid(problems)) = read_instance(&value.to_string()) else {
        panic!("instance must be refused");
    };
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    for expected in
        ["dossiers[0].rapporteurs[0]", "dossiers[1].weight", "hearings[1].date", "magistrates[2].absences[0]"]
    {
        assert!(paths.contains(&expected), "{expected} missing from {paths:?}");
    }
    assert!(problems.iter().all(|p| !p.message.is_empty() && !p.fix.is_empty()));
    let unknown = problems.iter().find(|p| p.code == "unknown_magistrate").expect("reported");
    assert!(unknown.message.contains("m9999") && unknown.fix.contains("magistrates"), "{unknown}");
}

#[test]
fn dates_and_absences_may_lie_outside_the_horizon() {
    let mut value = fixture_json("minimal.json");
    value["dossiers"][0]["ready_date"] = json!("2025-06-01");
    value["dossiers"][1]["deadline"] = json!("2027-06-30");
    value["magistrates"][0]["absences"] = json!([{"from": "2027-02-20", "to": "2027-04-30"}]);
    assert!(read_instance(&value.to_string()).is_ok());
}

#[test]
fn unreadable_json_is_a_json_error_naming_where() {
    let not_json = read_instance("horizon: 2027").expect_err("not JSON");
    assert!(matches!(not_json, ReadError::Json(ref e) if e.message.contains("pas du JSON")), "{not_json}");
    let text = fixture_text("minimal.json");
    let truncated = read_instance(&text[..text.len() / 2]).expect_err("truncated");
    assert!(matches!(truncated, ReadError::Json(ref e) if e.message.contains("tronqué")), "{truncated}");
    let mut value = fixture_json("minimal.json");
    value["dossiers"][1]["weight"] = json!("lourd");
    let ReadError::Json(wrong_type) = read_instance(&value.to_string()).expect_err("wrong type") else {
        panic!("a wrong JSON type is a JSON error");
    };
    assert_eq!(wrong_type.path, "dossiers[1].weight");
    assert!(wrong_type.message.contains("type invalide"), "{wrong_type}");
    let mut value = fixture_json("minimal.json");
    value["dossiers"][0]["ready_dat"] = json!("2026-12-10");
    let ReadError::Json(typo) = read_instance(&value.to_string()).expect_err("unknown field") else {
        panic!("an unknown field is refused");
    };
    assert!(typo.message.contains("ready_dat"), "{typo}");
    assert!(from_json_text::<Value>("").is_err());
}

/// Every leaf path of a JSON value, as JSON pointers.
fn leaf_pointers(value: &Value, prefix: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => map.iter().for_each(|(k, v)| leaf_pointers(v, format!("{prefix}/{k}"), out)),
        Value::Array(items) => {
            items.iter().enumerate().for_each(|(i, v)| leaf_pointers(v, format!("{prefix}/{i}"), out))
        }
        _ => out.push(prefix),
    }
}

use proptest::prelude::Strategy as _;

proptest::proptest! {
    /// Replacing any leaf of a valid instance by an arbitrary value never
    /// panics the reader: it is accepted, or refused with a located reason.
    #[test]
    fn any_leaf_replacement_is_read_without_panic(
        leaf in 0usize..1000,
        replacement in proptest::prop_oneof![
            proptest::strategy::Just(Value::Null),
            proptest::prelude::any::<bool>().prop_map(Value::from),
            proptest::prelude::any::<i64>().prop_map(Value::from),
            proptest::prelude::any::<f64>().prop_filter("JSON numbers are finite", |f| f.is_finite()).prop_map(Value::from),
            "\\PC{0,12}".prop_map(Value::from),
        ],
    ) {
        let mut value = fixture_json("minimal.json");
        let mut pointers = Vec::new();
        leaf_pointers(&value, String::new(), &mut pointers);
        let pointer = &pointers[leaf % pointers.len()];
        *value.pointer_mut(pointer).expect("pointer from the walk") = replacement;
        match read_instance(&value.to_string()) {
            Ok(_) => {}
            Err(ReadError::Json(error)) => proptest::prop_assert!(!error.message.is_empty()),
            Err(ReadError::Invalid(problems)) => {
                proptest::prop_assert!(!problems.is_empty());
                proptest::prop_assert!(problems.iter().all(|p| !p.path.is_empty() && !p.fix.is_empty()));
            }
        }
    }
}
