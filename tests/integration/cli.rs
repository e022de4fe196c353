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

#[test]
fn calendar_holidays_lists_both_names_of_a_shared_date() {
    let run = greffe(&["calendar", "holidays", "--year", "2008", "--json"]);
    assert_eq!(run.code, 0, "{}", run.err);
    let list: Vec<serde_json::Value> = serde_json::from_str(&run.out).expect("JSON array");
    assert_eq!(list.len(), 11);
    let first_may: Vec<&str> =
        list.iter().filter(|h| h["date"] == "2008-05-01").filter_map(|h| h["name"].as_str()).collect();
    assert_eq!(first_may, ["Fête du Travail", "Ascension"]);
    let alsace = greffe(&["calendar", "holidays", "--year", "2027", "--place", "alsace-moselle"]);
    assert!(
        alsace.out.contains("2027-03-26  Vendredi saint") && alsace.out.contains("2027-12-26  Saint-Étienne"),
        "{}",
        alsace.out
    );
    let disputed = greffe(&["calendar", "holidays", "--year", "2027", "--place", "saint-martin"]);
    assert!(disputed.out.contains("à confirmer"), "{}", disputed.out);
    for bad in [["--year", "1899"], ["--year", "deux-mille"]] {
        let run = greffe(&["calendar", "holidays", bad[0], bad[1]]);
        assert_eq!(run.code, 2);
        assert!(run.err.contains("1900") && run.err.contains("2200"), "{}", run.err);
    }
    let run = greffe(&["calendar", "holidays", "--year", "2027", "--place", "lyon"]);
    assert_eq!(run.code, 2);
    assert!(run.err.contains("alsace-moselle"), "lists the places: {}", run.err);
}

#[test]
fn deadline_compute_prints_the_due_date_and_why() {
    let run = greffe(&["deadline", "compute", "--rule", "civil.pourvoi", "--from", "2025-01-15", "--json"]);
    assert_eq!(run.code, 0, "{}", run.err);
    let report: serde_json::Value = serde_json::from_str(&run.out).expect("JSON");
    assert_eq!(report["rule"], "civil.pourvoi");
    assert_eq!(report["due"], "2025-03-17");
    assert_eq!(report["raw_end"], "2025-03-15");
    assert_eq!(report["article"], "art. 612 CPC");
    assert!(report["extended_because"].as_str().is_some_and(|why| why.starts_with("2025-03-15 est un samedi")));
    let abroad = greffe(&[
        "deadline",
        "compute",
        "--rule",
        "civil.pourvoi",
        "--from",
        "2024-12-31",
        "--residence",
        "etranger",
        "--json",
    ]);
    let report: serde_json::Value = serde_json::from_str(&abroad.out).expect("JSON");
    assert_eq!((report["due"].as_str(), report["extended_because"].is_null()), (Some("2025-04-30"), true));
    let court = greffe(&["deadline", "compute", "--rule", "penal.mae.arret", "--from", "2025-04-01"]);
    assert!(court.out.contains("2025-05-11") && court.out.contains("sans prorogation"), "{}", court.out);
    let unconfirmed =
        greffe(&["deadline", "compute", "--rule", "penal.mise_en_accusation.arret", "--from", "2026-02-28"]);
    assert!(unconfirmed.out.contains("À CONFIRMER"), "{}", unconfirmed.out);
}

#[test]
fn deadline_compute_refuses_bad_input_listing_the_choices() {
    let unknown = greffe(&["deadline", "compute", "--rule", "civil.appel", "--from", "2025-01-15"]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.err.contains("civil.pourvoi") && unknown.err.contains("qpc.transmission"), "{}", unknown.err);
    let date = greffe(&["deadline", "compute", "--rule", "civil.pourvoi", "--from", "15/01/2025"]);
    assert_eq!(date.code, 2);
    assert!(date.err.contains("AAAA-MM-JJ"), "{}", date.err);
    let residence =
        greffe(&["deadline", "compute", "--rule", "civil.pourvoi", "--from", "2025-01-15", "--residence", "mars"]);
    assert_eq!(residence.code, 2);
    assert!(residence.err.contains("outre-mer"), "{}", residence.err);
    let no_distance =
        greffe(&["deadline", "compute", "--rule", "penal.pourvoi", "--from", "2025-01-15", "--residence", "outre-mer"]);
    assert_eq!(no_distance.code, 2);
    assert!(no_distance.err.contains("metropole"), "{}", no_distance.err);
}

#[test]
fn deadline_rules_and_overrides() {
    let run = greffe(&["deadline", "rules"]);
    assert_eq!(run.code, 0);
    assert_eq!(run.out.lines().count(), 18, "{}", run.out);
    assert!(run.out.contains("interne.rapport [à confirmer]"), "{}", run.out);
    assert!(run.out.contains("penal.mise_en_accusation.arret [à confirmer]"), "{}", run.out);
    assert!(run.out.contains("(actes avant le 2024-09-30)"), "{}", run.out);
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("rules.toml");
    std::fs::write(&bad, "[[rule]]\nid = \"x\"\n").expect("write");
    let run = greffe(&["deadline", "rules", "--rules", bad.to_str().expect("utf-8")]);
    assert_eq!(run.code, 2);
    assert!(run.err.contains("illisible"), "{}", run.err);
}

#[test]
fn deadline_dossier_reads_a_journal() {
    let path = fixture_path("journal-detention.json");
    let run =
        greffe(&["deadline", "dossier", "--events", path.to_str().expect("utf-8"), "--today", "2025-10-25", "--json"]);
    assert_eq!(run.code, 0, "{}", run.err);
    let report: serde_json::Value = serde_json::from_str(&run.out).expect("JSON");
    let deadlines = report["deadlines"].as_array().expect("array");
    let memoire = deadlines.iter().find(|d| d["rule"] == "penal.detention.memoire").expect("listed");
    assert_eq!(memoire["due"], "2025-11-10");
    let chamber =
        report["alerts"].as_array().expect("array").iter().find(|a| a["recipient"] == "chambre").expect("alert");
    assert_eq!(chamber["due"], "2026-01-01");

    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("journal.json");
    std::fs::write(
        &bad,
        r#"{"procedure": "civil", "events": [{"id": "e1", "type": "coup_de_fil", "date": "2025-01-01"}]}"#,
    )
    .expect("write");
    let run = greffe(&["deadline", "dossier", "--events", bad.to_str().expect("utf-8"), "--today", "2025-10-25"]);
    assert_eq!(run.code, 2);
    assert!(run.err.contains("events[0].type") && run.err.contains("declaration_pourvoi"), "{}", run.err);
    std::fs::write(
        &bad,
        r#"{"procedure": "civil", "events": [{"id": "e2", "type": "arret", "date": "2025-01-01", "cancels": "e1"}]}"#,
    )
    .expect("write");
    let run = greffe(&["deadline", "dossier", "--events", bad.to_str().expect("utf-8"), "--today", "2025-10-25"]);
    assert_eq!(run.code, 1);
    assert!(run.err.contains("« e1 »"), "{}", run.err);
}

#[test]
fn plan_check_exit_codes() {
    let instance = fixture_path("check.json");
    let plan = fixture_path("check-plan.json");
    let (instance, plan) = (instance.to_str().expect("utf-8"), plan.to_str().expect("utf-8"));
    let ok = greffe(&["plan", "check", "--instance", instance, "--plan", plan]);
    assert_eq!(ok.code, 0, "{}", ok.err);
    assert!(ok.out.contains("Projet conforme"), "{}", ok.out);

    let dir = tempfile::tempdir().expect("tempdir");
    let broken = dir.path().join("broken.json");
    let mut value = crate::helpers::fixture_json("check-plan.json");
    value["benches"][0]["members"] = serde_json::json!(["m01", "m04"]);
    std::fs::write(&broken, value.to_string()).expect("write");
    let broken = broken.to_str().expect("utf-8");
    let run = greffe(&["plan", "check", "--instance", instance, "--plan", broken]);
    assert_eq!(run.code, 1);
    assert!(run.err.contains("[recused_on_bench]"), "{}", run.err);
    let json = greffe(&["plan", "check", "--instance", instance, "--plan", broken, "--json"]);
    assert_eq!(json.code, 1);
    let report: serde_json::Value = serde_json::from_str(&json.out).expect("JSON");
    assert_eq!(report["ok"], false);
    let first = &report["violations"][0];
    for field in ["code", "dossier", "hearing", "magistrate", "message"] {
        assert!(first.get(field).is_some(), "field {field} in {first}");
    }

    let garbage = dir.path().join("garbage.json");
    std::fs::write(&garbage, "{\"assignments\": [").expect("write");
    assert_eq!(greffe(&["plan", "check", "--instance", instance, "--plan", garbage.to_str().expect("utf-8")]).code, 2);
    assert_eq!(greffe(&["plan", "check", "--instance", plan, "--plan", plan]).code, 2, "a plan is not an instance");
    assert_eq!(greffe(&["plan", "check", "--instance", instance]).code, 2);
}

#[test]
fn plan_propose_writes_a_lawful_plan_and_explain_reads_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let instance = dir.path().join("small.json");
    let plan = dir.path().join("plan.json");
    let (instance_str, plan_str) = (instance.to_str().expect("utf-8"), plan.to_str().expect("utf-8"));
    assert_eq!(
        greffe(&["fixtures", "generate", "--scale", "small", "--weeks", "2", "--seed", "4", "--out", instance_str])
            .code,
        0
    );
    let run = greffe(&[
        "plan",
        "propose",
        "--instance",
        instance_str,
        "--out",
        plan_str,
        "--objective",
        "benchmark",
        "--threads",
        "1",
        "--stats",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.out, run.err);
    let summary = run.out.lines().next().expect("summary line");
    assert!(
        summary.contains("dossiers audiencés")
            && summary.contains("objectif")
            && summary.contains("borne")
            && summary.contains("écart"),
        "{summary}"
    );
    assert!(run.out.contains("civ1") && run.out.contains("cr"), "per-chamber figures: {}", run.out);
    let check = greffe(&["plan", "check", "--instance", instance_str, "--plan", plan_str]);
    assert_eq!(check.code, 0, "{}", check.err);
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&plan).expect("plan written")).expect("JSON");
    for field in ["assignments", "benches", "objective", "bound", "gap", "solve_ms", "time_limit_hit"] {
        assert!(written.get(field).is_some(), "plan carries {field}");
    }
    let first = written["assignments"][0]["dossier"].as_str().expect("an assignment").to_owned();
    let explain = greffe(&["plan", "explain", "--instance", instance_str, "--plan", plan_str, "--dossier", &first]);
    assert_eq!(explain.code, 0, "{}", explain.err);
    assert!(explain.out.contains("est audiencé le") && explain.out.contains("retenue"), "{}", explain.out);
    let unknown = greffe(&["plan", "explain", "--instance", instance_str, "--plan", plan_str, "--dossier", "d999999"]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.err.contains("inconnu"), "{}", unknown.err);

    for bad in [["--time-limit", "0"], ["--time-limit", "dix"], ["--objective", "fastest"]] {
        let run = greffe(&["plan", "propose", "--instance", instance_str, "--out", plan_str, bad[0], bad[1]]);
        assert_eq!(run.code, 2, "{bad:?}");
    }
}

#[test]
fn plan_propose_exits_3_naming_broken_requirements() {
    let dir = tempfile::tempdir().expect("tempdir");
    let instance = dir.path().join("impossible.json");
    let plan = dir.path().join("plan.json");
    let mut value = crate::helpers::fixture_json("check.json");
    // d5's deadline falls before any hearing.
    value["dossiers"][4]["deadline"] = serde_json::json!("2027-01-04");
    std::fs::write(&instance, value.to_string()).expect("write");
    let run = greffe(&[
        "plan",
        "propose",
        "--instance",
        instance.to_str().expect("utf-8"),
        "--out",
        plan.to_str().expect("utf-8"),
        "--threads",
        "1",
    ]);
    assert_eq!(run.code, 3, "{}{}", run.out, run.err);
    assert!(run.err.contains("d5 [deadline : no_hearing_before_deadline]"), "{}", run.err);
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&plan).expect("plan written")).expect("JSON");
    assert_eq!(written["broken_requirements"][0]["dossier"], "d5");
}

#[test]
fn registry_commands_on_an_embedded_store() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!("sqlite://{}", dir.path().join("greffe.db").display());
    let admin = greffe(&[
        "user",
        "add",
        "--database-url",
        &url,
        "--id",
        "admin",
        "--name",
        "Admin",
        "--role",
        "admin",
        "--chambers",
        "*",
    ]);
    assert_eq!(admin.code, 0, "{}", admin.err);
    assert!(admin.out.contains("grf_"), "the token is printed once: {}", admin.out);
    let twice = greffe(&[
        "user",
        "add",
        "--database-url",
        &url,
        "--id",
        "admin",
        "--name",
        "Admin",
        "--role",
        "admin",
        "--chambers",
        "*",
    ]);
    assert_eq!(twice.code, 1);
    assert!(twice.err.contains("existe déjà"), "{}", twice.err);
    let role = greffe(&[
        "user",
        "add",
        "--database-url",
        &url,
        "--id",
        "x",
        "--name",
        "X",
        "--role",
        "juge",
        "--chambers",
        "*",
    ]);
    assert_eq!(role.code, 2);
    assert!(role.err.contains("greffier, president_chambre"), "{}", role.err);

    // Tokens: listed without the secret, issued, revoked; a user disabled.
    let issued = greffe(&["user", "token", "--database-url", &url, "--id", "admin", "--label", "supervision"]);
    assert_eq!(issued.code, 0, "{}", issued.err);
    let token_id = issued.out.split_whitespace().nth(1).unwrap_or("").to_owned();
    let listed = greffe(&["user", "tokens", "--database-url", &url, "--id", "admin"]);
    assert_eq!(listed.code, 0, "{}", listed.err);
    assert!(listed.out.contains("supervision") && listed.out.contains("initial"), "{}", listed.out);
    assert!(listed.out.contains(&token_id) && !listed.out.contains("grf_"), "{}", listed.out);
    let revoked = greffe(&["user", "revoke", "--database-url", &url, "--id", "admin", "--token", &token_id]);
    assert_eq!(revoked.code, 0, "{}", revoked.err);
    assert!(revoked.out.contains("révoqué"), "{}", revoked.out);
    let unknown = greffe(&["user", "revoke", "--database-url", &url, "--id", "admin", "--token", "0000"]);
    assert_eq!(unknown.code, 1, "{}", unknown.err);
    let disabled = greffe(&["user", "disable", "--database-url", &url, "--id", "admin"]);
    assert_eq!(disabled.code, 0, "{}", disabled.err);
    assert!(disabled.out.contains("désactivé"), "{}", disabled.out);
    assert_eq!(greffe(&["user", "enable", "--database-url", &url, "--id", "admin"]).code, 0);

    // An import whose records are all refused writes nothing and lists them.
    let file = dir.path().join("stock.json");
    let record = |pourvoi: &str, chamber: &str| {
        serde_json::json!({"dossier": {
            "pourvoi": pourvoi, "nature": "civil", "chamber": chamber, "registered_on": "2026-03-10",
            "attacked": {"court": "cour d'appel de Lyon", "date": "2026-01-15", "docket": "24/01234"},
            "parties": [{"name": "M. Dupont", "role": "demandeur"}]}})
    };
    let text = serde_json::json!({"format": "greffe-import/1", "dossiers": [record("A 26-10.001", "civ1"), record("nope", "civ1")]});
    std::fs::write(&file, text.to_string()).expect("write");
    let refused = greffe(&["import", "--database-url", &url, file.to_str().expect("path")]);
    assert_eq!(refused.code, 1, "{}", refused.err);
    assert!(
        refused.err.contains("dossiers[0].dossier.chamber") && refused.err.contains("dossiers[1].dossier.pourvoi"),
        "{}",
        refused.err
    );
    std::fs::write(&file, "{\"format\": ").expect("write");
    let truncated = greffe(&["import", "--database-url", &url, file.to_str().expect("path")]);
    assert_eq!(truncated.code, 2, "{}", truncated.err);

    let intact = greffe(&["journal", "verify", "--database-url", &url]);
    assert_eq!(intact.code, 0, "{}", intact.err);
    assert!(intact.out.contains("Journal intègre : 5 entrées"), "{}", intact.out);
    let unreachable = greffe(&["journal", "verify", "--database-url", "mysql://nowhere"]);
    assert_eq!(unreachable.code, 1);
    assert!(unreachable.err.contains("sqlite://"), "{}", unreachable.err);
}

#[test]
fn plan_repair_writes_the_plan_the_changes_and_the_tasks_and_refuses_bad_events() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let instance = crate::helpers::fixture_path("check.json");
    let instance = instance.to_str().expect("utf-8 path");
    let run = greffe(&["plan", "propose", "--instance", instance, "--out", &path("plan.json"), "--time-limit", "5"]);
    assert_eq!(run.code, 0, "{}", run.err);
    let plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path("plan.json")).expect("plan")).expect("json");
    let withdrawn = plan["assignments"][0]["dossier"].as_str().expect("an assigned dossier").to_owned();
    std::fs::write(
        path("events.json"),
        serde_json::json!({"events": [{"type": "dossier_withdrawn", "dossier": withdrawn}]}).to_string(),
    )
    .expect("write");
    let run = greffe(&[
        "plan",
        "repair",
        "--instance",
        instance,
        "--previous",
        &path("plan.json"),
        "--events",
        &path("events.json"),
        "--out",
        &path("repaired.json"),
        "--report",
        &path("report.json"),
        "--scratch-time-limit",
        "5",
    ]);
    assert_eq!(run.code, 0, "{}", run.err);
    assert!(run.out.contains("pour un minimum de 1"), "{}", run.out);
    assert!(run.out.contains("Replanification complète"), "{}", run.out);
    let repaired: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path("repaired.json")).expect("plan")).expect("json");
    let everywhere = repaired["assignments"]
        .as_array()
        .expect("list")
        .iter()
        .chain(repaired["unscheduled"].as_array().expect("list").iter());
    assert!(everywhere.clone().all(|entry| entry["dossier"] != withdrawn.as_str()));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path("report.json")).expect("report")).expect("json");
    assert_eq!(report["disruption"]["dropped"], 1);
    assert_eq!(report["diff"]["dropped"][0]["dossier"], withdrawn.as_str());
    assert!(report["tasks"].as_array().expect("tasks").iter().any(|t| t["kind"] == "withdraw_notice"));
    assert!(report["scratch"]["changes"].is_number());
    assert_eq!(report["check"]["ok"], true);

    // A wrong event: exit 1, the path named, nothing written.
    std::fs::write(
        path("bad.json"),
        serde_json::json!({"events": [{"type": "hearing_cancelled", "hearing": "h-inconnue"}]}).to_string(),
    )
    .expect("write");
    let run = greffe(&[
        "plan",
        "repair",
        "--instance",
        instance,
        "--previous",
        &path("plan.json"),
        "--events",
        &path("bad.json"),
        "--out",
        &path("never.json"),
    ]);
    assert_eq!(run.code, 1, "{}", run.err);
    assert!(run.err.contains("events[0].hearing"), "{}", run.err);
    assert!(!dir.path().join("never.json").exists());
}

#[test]
fn instance_export_names_an_unknown_chamber_and_a_bad_horizon() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("g.db").display());
    let out = dir.path().join("instance.json");
    let out = out.to_str().expect("path");
    let run = greffe(&[
        "instance",
        "export",
        "--database-url",
        &url,
        "--chamber",
        "civ9",
        "--start",
        "2027-01-04",
        "--end",
        "2027-02-26",
        "--out",
        out,
    ]);
    assert_eq!(run.code, 1, "{}", run.err);
    assert!(run.err.contains("civ9"), "{}", run.err);
    let run = greffe(&[
        "instance",
        "export",
        "--database-url",
        &url,
        "--chamber",
        "civ1",
        "--start",
        "2027-02-26",
        "--end",
        "2027-01-04",
        "--out",
        out,
    ]);
    assert_eq!(run.code, 1, "{}", run.err);
    assert!(run.err.contains("end"), "{}", run.err);
    assert!(!dir.path().join("instance.json").exists());
}

#[test]
fn planning_rules_print_round_trip_and_a_wrong_file_is_refused() {
    let run = greffe(&["instance", "rules"]);
    assert_eq!(run.code, 0, "{}", run.err);
    let rules: greffe_models::planning::PlanningRules =
        greffe_models::format::from_json_text(&run.out).expect("the printed rules read back");
    assert_eq!(rules, greffe_models::planning::PlanningRules::default());
    assert!(run.out.contains("\"confirmed\": false"), "rules to confirm are flagged");

    let dir = tempfile::tempdir().expect("tempdir");
    let mut value: serde_json::Value = serde_json::from_str(&run.out).expect("json");
    value["notice_days_civil"]["value"] = serde_json::json!("quinze");
    let file = dir.path().join("rules.json");
    std::fs::write(&file, value.to_string()).expect("write");
    let url = format!("sqlite://{}", dir.path().join("g.db").display());
    let out = dir.path().join("instance.json");
    let run = greffe(&[
        "instance",
        "export",
        "--database-url",
        &url,
        "--planning-rules",
        file.to_str().expect("path"),
        "--chamber",
        "civ1",
        "--start",
        "2027-01-04",
        "--end",
        "2027-02-26",
        "--out",
        out.to_str().expect("path"),
    ]);
    assert_eq!(run.code, 2, "{}", run.err);
    assert!(run.err.contains("notice_days_civil"), "{}", run.err);
}

/// `greffe serve` and `greffe worker` settings: flag over environment over
/// file over default; `--check-config` prints them with their origin,
/// the database password masked, and refuses an unknown key or a bad file.
#[test]
fn service_settings_come_from_flags_environment_file_and_defaults() {
    use std::process::Command;

    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("greffe.toml");
    std::fs::write(
        &file,
        "database_url = \"postgres://greffe:s3cret@db.example/greffe\"\nlog_format = \"json\"\nbind = \"0.0.0.0:8081\"\nmetrics_bind = \"127.0.0.1:9100\"\n",
    )
    .expect("write");
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut command = Command::new(crate::crash::binary());
        command.args(args).current_dir(dir.path());
        for name in [
            "DATABASE_URL",
            "GREFFE_CONFIG",
            "GREFFE_BIND",
            "GREFFE_METRICS_BIND",
            "GREFFE_LOG_FORMAT",
            "GREFFE_SMTP_URL",
            "GREFFE_MAIL_FROM",
            "GREFFE_ORIENTATION_RULES",
            "GREFFE_DISTRIBUTION_RULES",
        ] {
            command.env_remove(name);
        }
        command.envs(env.iter().copied());
        let output = command.output().expect("greffe runs");
        let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
        (output.status.code(), text(&output.stdout), text(&output.stderr))
    };
    let line = |out: &str, key: &str| -> String {
        out.lines().find(|l| l.starts_with(&format!("{key} ="))).unwrap_or_default().to_owned()
    };

    let (code, out, err) = run(
        &["serve", "--config", "greffe.toml", "--bind", "127.0.0.1:9000", "--check-config"],
        &[("GREFFE_METRICS_BIND", "127.0.0.1:9200")],
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(line(&out, "database_url").contains("postgres://greffe:***@db.example/greffe"), "{out}");
    assert!(!out.contains("s3cret"), "the password is masked: {out}");
    assert!(line(&out, "database_url").ends_with("# fichier greffe.toml"), "{out}");
    assert!(line(&out, "bind").contains("\"127.0.0.1:9000\"") && line(&out, "bind").ends_with("# option --bind"));
    let metrics = line(&out, "metrics_bind");
    assert!(metrics.contains("127.0.0.1:9200") && metrics.ends_with("# variable GREFFE_METRICS_BIND"), "{out}");
    assert!(line(&out, "log_format").contains("\"json\""), "{out}");
    assert!(line(&out, "no_worker").ends_with("# défaut"), "{out}");

    // The worker reads the same file and has no address of its own.
    let (code, out, _) = run(&["worker", "--check-config"], &[("GREFFE_CONFIG", "greffe.toml")]);
    assert_eq!(code, Some(0));
    assert!(line(&out, "database_url").ends_with("# fichier greffe.toml"), "{out}");
    assert!(line(&out, "bind").is_empty(), "{out}");

    // Nothing given: the defaults.
    let (code, out, _) = run(&["serve", "--check-config"], &[]);
    assert_eq!(code, Some(0));
    assert!(
        line(&out, "database_url").contains("sqlite://greffe.db") && line(&out, "database_url").ends_with("# défaut")
    );

    // Refused: an unknown key, a database no backend serves, an unreadable file.
    std::fs::write(dir.path().join("bad.toml"), "bnd = \"0.0.0.0:1\"\n").expect("write");
    let (code, _, err) = run(&["serve", "--config", "bad.toml", "--check-config"], &[]);
    assert_eq!(code, Some(2));
    assert!(err.contains("bad.toml") && err.contains("bnd"), "{err}");
    let (code, _, err) = run(&["worker", "--check-config"], &[("DATABASE_URL", "mysql://x")]);
    assert_eq!(code, Some(2));
    assert!(err.contains("mysql://x") && err.contains("variable DATABASE_URL"), "{err}");
    let (code, _, err) = run(&["serve", "--visibility", "absent.json", "--check-config"], &[]);
    assert_eq!(code, Some(2));
    assert!(err.contains("absent.json"), "{err}");

    // The orientation's rules: the built-in ones by default; a court's
    // file checked, a rule without its source refused by name.
    let (_, out, _) = run(&["serve", "--check-config"], &[]);
    assert!(out.contains("# orientation_rules") && out.contains("règles intégrées"), "{out}");
    let rules = include_str!("../../models/src/orientation/rules.toml");
    std::fs::write(dir.path().join("orientation.toml"), rules.replace("value = 3,", "value = 4,")).expect("write");
    let (code, out, err) = run(&["serve", "--orientation-rules", "orientation.toml", "--check-config"], &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(line(&out, "orientation_rules").ends_with("# option --orientation-rules"), "{out}");
    let unsourced = rules.replacen("source = \"art. L431-5 al. 1 COJ\"", "source = \"\"", 1);
    std::fs::write(dir.path().join("unsourced.toml"), unsourced).expect("write");
    let (code, _, err) = run(&["serve", "--orientation-rules", "unsourced.toml", "--check-config"], &[]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("unsourced.toml") && err.contains("divergence-entre-chambres") && err.contains("source"),
        "{err}"
    );

    // The distribution's rules likewise: a doyen's share changed is read; a
    // filed report's share above one is refused by its field.
    let (_, out, _) = run(&["serve", "--check-config"], &[]);
    assert!(out.contains("# distribution_rules"), "{out}");
    let rules = include_str!("../../models/src/distribution/rules.toml");
    std::fs::write(
        dir.path().join("distribution.toml"),
        rules.replace("doyen = { value = 0.5", "doyen = { value = 0.6"),
    )
    .expect("write");
    let (code, out, err) = run(&["serve", "--distribution-rules", "distribution.toml", "--check-config"], &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(line(&out, "distribution_rules").ends_with("# option --distribution-rules"), "{out}");
    std::fs::write(
        dir.path().join("filed.toml"),
        rules.replace("report_filed = { value = 0.25", "report_filed = { value = 2"),
    )
    .expect("write");
    let (code, _, err) = run(&["serve", "--distribution-rules", "filed.toml", "--check-config"], &[]);
    assert_eq!(code, Some(2));
    assert!(err.contains("filed.toml") && err.contains("weights.report_filed"), "{err}");

    // The mail server: its password masked; none, said; a wrong URL or
    // sender refused naming which, before anything is sent.
    let (code, out, err) = run(
        &["worker", "--check-config"],
        &[("GREFFE_SMTP_URL", "smtps://greffe:m0tdepasse@relais.justice.example:465")],
    );
    assert_eq!(code, Some(0), "{err}");
    let smtp = line(&out, "smtp_url");
    assert!(smtp.contains("smtps://greffe:***@relais.justice.example:465"), "{out}");
    assert!(!out.contains("m0tdepasse") && smtp.ends_with("# variable GREFFE_SMTP_URL"), "{out}");
    assert!(line(&out, "mail_from").contains("greffe@courdecassation.fr"), "{out}");
    let (_, out, _) = run(&["serve", "--check-config"], &[]);
    assert!(out.contains("# smtp_url") && out.contains("attendent"), "{out}");
    let (code, _, err) = run(&["serve", "--smtp-url", "http://relais", "--check-config"], &[]);
    assert_eq!(code, Some(2));
    assert!(err.contains("serveur SMTP") && err.contains("option --smtp-url"), "{err}");
    let (code, _, err) =
        run(&["worker", "--smtp-url", "smtp://relais:25", "--mail-from", "greffe", "--check-config"], &[]);
    assert_eq!(code, Some(2));
    assert!(err.contains("expéditeur « greffe »"), "{err}");
}

/// `greffe search`: the index built again from the store, then searched
/// and compared from the command line; a bad filter refused by name.
#[test]
fn search_reindexes_finds_and_compares_from_the_command_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("g.db").display());
    let demo = greffe(&["demo", "--database-url", &url, "--stock", "200", "--weeks", "2", "--today", "2026-12-01"]);
    assert_eq!(demo.code, 0, "{}", demo.err);
    let reindex = greffe(&["search", "reindex", "--database-url", &url]);
    assert_eq!(reindex.code, 0, "{}", reindex.err);
    assert!(reindex.out.starts_with("index reconstruit : "), "{}", reindex.out);
    assert!(dir.path().join("g.db.search").is_dir(), "beside the database file");
    let found = greffe(&["search", "find", "--database-url", &url, "--json", "--limit", "3", "cour", "d'appel"]);
    assert_eq!(found.code, 0, "{}", found.err);
    let found: serde_json::Value = serde_json::from_str(&found.out).expect("JSON");
    assert!(found["total"].as_u64().unwrap_or(0) > 0, "{found}");
    assert_eq!(found["freshness"]["indexed_seq"], found["freshness"]["journal_seq"]);
    let pourvoi = found["hits"][0]["pourvoi"].as_str().expect("a hit").to_owned();
    let similar = greffe(&["search", "similar", "--database-url", &url, &pourvoi]);
    assert_eq!(similar.code, 0, "{}", similar.err);
    assert!(!similar.out.contains(&pourvoi), "itself left out: {}", similar.out);
    let refused = greffe(&["search", "find", "--database-url", &url, "--keyword", "bial-commercial", "loyer"]);
    assert_eq!(refused.code, 1, "{}", refused.err);
    assert!(refused.err.contains("bail-commercial"), "the closest keyword offered: {}", refused.err);
    let unknown = greffe(&["search", "similar", "--database-url", &url, "Z 99-99.999"]);
    assert_eq!(unknown.code, 1);
    assert!(unknown.err.contains("aucun dossier n° Z 99-99.999"), "{}", unknown.err);
}

/// `greffe distribute`: the proposal printed and nothing written; with
/// `--confirm` the whole batch designated and journaled; then nothing left
/// to distribute. Whose decision it is (`--as`) is checked as over HTTP.
#[test]
fn distribute_proposes_then_confirms_a_chambers_batch() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("g.db").display());
    let demo = greffe(&["demo", "--database-url", &url, "--stock", "200", "--weeks", "2", "--today", "2026-12-01"]);
    assert_eq!(demo.code, 0, "{}", demo.err);
    let base = ["distribute", "--database-url", url.as_str(), "--chamber", "civ1"];
    let with = |extra: &[&str]| greffe(&[&base[..], extra].concat());

    let proposal = with(&["--as", "president-civ1", "--json"]);
    assert_eq!(proposal.code, 0, "{}", proposal.err);
    let proposal: serde_json::Value = serde_json::from_str(&proposal.out).expect("JSON");
    let dossiers = proposal["dossiers"].as_array().expect("dossiers").len();
    assert!(dossiers > 0, "the demonstration has dossiers to distribute: {proposal}");
    assert_eq!(proposal["optimal"], true);
    let printed = with(&["--as", "president-civ1"]);
    assert_eq!(printed.code, 0, "{}", printed.err);
    assert!(printed.out.contains("optimum prouvé"), "{}", printed.out);
    assert!(printed.out.contains("Rien n'est écrit"), "{}", printed.out);
    let again = with(&["--as", "president-civ1", "--json"]);
    let again: serde_json::Value = serde_json::from_str(&again.out).expect("JSON");
    assert_eq!(again["dossiers"].as_array().map(Vec::len), Some(dossiers), "a proposal writes nothing");

    let greffier = with(&["--as", "greffe-civ1", "--confirm"]);
    assert_eq!(greffier.code, 1, "{}", greffier.err);
    assert!(greffier.err.contains("président de chambre"), "{}", greffier.err);
    let stranger = with(&["--as", "personne", "--confirm"]);
    assert_eq!(stranger.code, 1, "{}", stranger.err);
    assert!(stranger.err.contains("aucun utilisateur actif « personne »"), "{}", stranger.err);
    let week = with(&["--as", "president-civ1", "--week", "2026-49"]);
    assert_eq!(week.code, 1);
    assert!(week.err.contains("--week") && week.err.contains("2026-W49"), "{}", week.err);

    let confirmed = with(&["--as", "president-civ1", "--confirm"]);
    assert_eq!(confirmed.code, 0, "{}", confirmed.err);
    assert!(
        confirmed
            .out
            .contains(&format!("{dossiers} désignation(s) enregistrée(s) et journalisée(s) par president-civ1")),
        "{}",
        confirmed.out
    );
    let done = with(&["--as", "president-civ1"]);
    assert_eq!(done.code, 0, "{}", done.err);
    assert!(done.out.contains("Aucun dossier à distribuer"), "{}", done.out);
    let ags = with(&["--as", "pag-civ1", "--avocats-generaux", "--confirm"]);
    assert_eq!(ags.code, 0, "{}", ags.err);
    assert!(ags.out.contains("Distribution des avocats généraux"), "{}", ags.out);
    let verify = greffe(&["journal", "verify", "--database-url", &url]);
    assert_eq!(verify.code, 0, "{}", verify.err);
}
