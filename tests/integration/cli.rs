//! The command line: exit codes and messages (0 ok, 1 refused, 2 usage or
//! unreadable file).

use crate::helpers::{fixture_path, greffe};

#[test]
fn validate_prints_the_summary_of_a_valid_instance() {
    let path = fixture_path("minimal.json");
    let run = greffe(&["instance", "validate", path.to_str().expect("utf-8 path")]);
    assert_eq!(run.code, 0, "{}", run.err);
    assert!(run.out.contains("Instance valide"), "{}", run.out);
    assert!(
        run.out.lines().any(|l| l.starts_with("civ1")) && run.out.lines().any(|l| l.starts_with("total")),
        "{}",
        run.out
    );
    let json = greffe(&["instance", "validate", "--json", path.to_str().expect("utf-8 path")]);
    let report: serde_json::Value = serde_json::from_str(&json.out).expect("JSON report");
    assert_eq!(report["ok"], true);
    assert_eq!(report["summary"]["total"]["dossiers"], 2);
}

#[test]
fn validate_lists_problems_and_exits_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bad.json");
    let mut value = crate::helpers::fixture_json("minimal.json");
    value["dossiers"][0]["rapporteurs"][0] = serde_json::json!("m9999");
    value["hearings"][0]["capacity_count"] = serde_json::json!(-1);
    std::fs::write(&path, value.to_string()).expect("write");
    let run = greffe(&["instance", "validate", path.to_str().expect("utf-8 path")]);
    assert_eq!(run.code, 1);
    assert!(run.err.contains("2 problème(s)"), "{}", run.err);
    assert!(run.err.contains("dossiers[0].rapporteurs[0] [unknown_magistrate]"), "{}", run.err);
    assert!(run.err.contains("hearings[0].capacity_count [negative_number]"), "{}", run.err);
    let json = greffe(&["instance", "validate", "--json", path.to_str().expect("utf-8 path")]);
    assert_eq!(json.code, 1);
    let report: serde_json::Value = serde_json::from_str(&json.out).expect("JSON report");
    assert_eq!(report["ok"], false);
    assert_eq!(report["problems"].as_array().map(Vec::len), Some(2));
}

#[test]
fn unreadable_files_and_wrong_arguments_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("absent.json");
    let run = greffe(&["instance", "validate", missing.to_str().expect("utf-8 path")]);
    assert_eq!(run.code, 2);
    assert!(run.err.contains("introuvable"), "{}", run.err);

    for (name, text, expected) in [
        ("garbage.json", "ceci n'est pas du JSON", "pas du JSON"),
        ("truncated.json", "{\"horizon\": {\"start\": \"2027-01-04\"", "tronqué"),
        (
            "wrong_type.json",
            "{\"horizon\": 3, \"chambers\": [], \"magistrates\": [], \"hearings\": [], \"dossiers\": []}",
            "horizon",
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        let run = greffe(&["instance", "validate", path.to_str().expect("utf-8 path")]);
        assert_eq!(run.code, 2, "{name}");
        assert!(run.err.contains(expected), "{name}: {}", run.err);
    }
    let binary = dir.path().join("binary.json");
    std::fs::write(&binary, [0xff, 0xfe, 0x00]).expect("write");
    assert_eq!(greffe(&["instance", "validate", binary.to_str().expect("utf-8 path")]).code, 2);
    assert_eq!(greffe(&["instance", "validate", dir.path().to_str().expect("utf-8 path")]).code, 2);

    assert_eq!(greffe(&["instance"]).code, 2);
    assert_eq!(greffe(&["instance", "validate"]).code, 2);
    assert_eq!(greffe(&["nonsense"]).code, 2);
    let bad_scale = greffe(&["fixtures", "generate", "--scale", "huge", "--out", "x.json"]);
    assert_eq!(bad_scale.code, 2);
    assert!(bad_scale.err.contains("small") && bad_scale.err.contains("court"), "lists the choices: {}", bad_scale.err);
    let bad_date = greffe(&["fixtures", "generate", "--scale", "small", "--start", "2027-13-01", "--out", "x.json"]);
    assert_eq!(bad_date.code, 2);
    assert!(bad_date.err.contains("AAAA-MM-JJ"), "{}", bad_date.err);
    let not_monday = greffe(&["fixtures", "generate", "--scale", "small", "--start", "2027-01-05", "--out", "x.json"]);
    assert_eq!(not_monday.code, 2);
    assert!(not_monday.err.contains("lundi"), "{}", not_monday.err);
    assert_eq!(greffe(&["--help"]).code, 0);
}

#[test]
fn generate_then_validate_round_trip_through_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("small.json");
    let out_str = out.to_str().expect("utf-8 path");
    let run = greffe(&["fixtures", "generate", "--scale", "small", "--weeks", "2", "--seed", "5", "--out", out_str]);
    assert_eq!(run.code, 0, "{}", run.err);
    assert!(run.out.contains(out_str), "{}", run.out);
    let first = std::fs::read_to_string(&out).expect("written");
    assert_eq!(greffe(&["instance", "validate", out_str]).code, 0);
    greffe(&["fixtures", "generate", "--scale", "small", "--weeks", "2", "--seed", "5", "--out", out_str]);
    assert_eq!(std::fs::read_to_string(&out).expect("written"), first, "same seed, same bytes");
    let no_dir = dir.path().join("missing-dir").join("x.json");
    let run = greffe(&["fixtures", "generate", "--scale", "small", "--out", no_dir.to_str().expect("utf-8 path")]);
    assert_eq!(run.code, 2);
    assert!(run.err.contains("impossible d'écrire"), "{}", run.err);
}
