//! What-if simulation: reproducible from the seed, sensitive to the
//! calendar, results written by the command line.

use greffe_simulation::{Scenario, run};

use crate::helpers::greffe;

fn scenario(extra: &str) -> Scenario {
    let text = format!("name = \"t\"\nseed = 7\nweeks = 4\nplanning_weeks = 1\nlead_weeks = 2\n{extra}");
    Scenario::parse(&text, true).expect("valid scenario")
}

#[test]
fn the_same_seed_gives_the_same_result() {
    let scenario = scenario("");
    let first = run(&scenario, 2, &|_| {}).expect("runs");
    let second = run(&scenario, 1, &|_| {}).expect("runs");
    assert_eq!(first, second, "same seed, same result, whatever the threads");
    assert_eq!(first.weeks.len(), 4);
    assert!(first.weeks.iter().all(|w| w.heard > 0 && w.registered > 0), "{:?}", first.weeks);
    let other = run(&Scenario { seed: 8, ..scenario }, 2, &|_| {}).expect("runs");
    assert_ne!(first.weeks, other.weeks, "another seed, another court");
}

#[test]
fn removing_half_the_hearings_makes_the_stock_rise() {
    let reference = run(&scenario(""), 2, &|_| {}).expect("runs");
    let halved: String =
        greffe_simulation::scenario::CHAMBERS.iter().map(|c| format!("[chambers.{c}]\nhearings = 0.5\n")).collect();
    let half = run(&scenario(&halved), 2, &|_| {}).expect("runs");
    let stock = |o: &greffe_simulation::Outcome| o.weeks.last().expect("weeks").stock;
    let heard = |o: &greffe_simulation::Outcome| o.weeks.iter().map(|w| w.heard).sum::<usize>();
    assert!(heard(&half) < heard(&reference) * 3 / 4, "{} vs {}", heard(&half), heard(&reference));
    assert!(stock(&half) > stock(&reference), "{} vs {}", stock(&half), stock(&reference));
    // With half the hearings the stock grows week after week.
    assert!(half.weeks.windows(2).all(|w| w[1].stock >= w[0].stock), "{:?}", half.weeks);
    assert!(half.weeks.iter().map(|w| w.hearings).sum::<usize>() < reference.weeks.iter().map(|w| w.hearings).sum());
}

/// Two scenarios differ by what they change, not by noise: halving one
/// chamber's hearings, or adding absences to another, leaves the pourvois
/// registered week by week as they were, and the other chambers' hearings
/// too.
#[test]
fn what_a_scenario_does_not_change_is_drawn_the_same() {
    let reference = run(&scenario(""), 2, &|_| {}).expect("runs");
    let changed = run(
        &scenario("[chambers.soc]\nhearings = 0.5\n[chambers.cr]\nabsence_rate = 0.2\nconseillers = -2\n"),
        2,
        &|_| {},
    )
    .expect("runs");
    let registered = |o: &greffe_simulation::Outcome| o.weeks.iter().map(|w| w.registered).collect::<Vec<_>>();
    assert_eq!(registered(&changed), registered(&reference), "the same inflow");
    let hearings = |o: &greffe_simulation::Outcome| o.weeks.iter().map(|w| w.hearings).sum::<usize>();
    assert!(hearings(&changed) < hearings(&reference), "the social chamber sits less");
    let civ1 = |o: &greffe_simulation::Outcome| -> Vec<(String, usize)> {
        o.magistrates.iter().filter(|m| m.chamber == "civ1").map(|m| (m.magistrate.clone(), m.hearings)).collect()
    };
    assert_eq!(civ1(&changed).len(), civ1(&reference).len(), "civ1's bench is untouched");
}

/// The simulation designates the new pourvois' rapporteurs by the
/// scenario's policy, so that an analyst compares policies on the same
/// court and inflow: the optimised proposal never designates outside the
/// section or speciality and spreads the reports' load less than the
/// round-robin by seniority; the designee is the rapporteur the planner
/// seats; the same seed gives the same designations.
#[test]
fn the_designation_policy_is_the_scenarios_and_measured() {
    let optimised = run(&scenario("designation = \"optimised\""), 2, &|_| {}).expect("runs");
    let again = run(&scenario("designation = \"optimised\""), 1, &|_| {}).expect("runs");
    assert_eq!(optimised, again, "the same designations whatever the threads");
    let robin = run(&scenario("designation = \"round_robin\""), 2, &|_| {}).expect("runs");
    let generated = run(&scenario(""), 2, &|_| {}).expect("runs");
    let registered = |o: &greffe_simulation::Outcome| o.weeks.iter().map(|w| w.registered).collect::<Vec<_>>();
    assert_eq!(registered(&optimised), registered(&robin), "the same inflow");
    let sum = |o: &greffe_simulation::Outcome, f: fn(&greffe_simulation::WeekRow) -> usize| {
        o.weeks.iter().map(f).sum::<usize>()
    };
    for outcome in [&optimised, &robin, &generated] {
        assert_eq!(
            sum(outcome, |w| w.designated) + sum(outcome, |w| w.not_designated),
            sum(outcome, |w| w.registered),
            "every new pourvoi designated or counted as not"
        );
    }
    assert!(sum(&optimised, |w| w.designated) > 0);
    assert_eq!(sum(&optimised, |w| w.designated_outside_competence), 0);
    assert!(sum(&robin, |w| w.designated_outside_competence) > 0, "the round-robin does not read specialities");
    let last = |o: &greffe_simulation::Outcome| o.weeks.last().expect("weeks").report_load_max_over_mean;
    assert!(last(&optimised) < last(&robin), "{} vs {}", last(&optimised), last(&robin));
    let rapporteurs = |o: &greffe_simulation::Outcome| o.magistrates.iter().map(|m| m.designated).sum::<usize>();
    assert_eq!(rapporteurs(&optimised), sum(&optimised, |w| w.designated), "each designation counted once");
}

#[test]
fn simulate_writes_series_charts_and_loads_and_refuses_a_bad_scenario() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = dir.path().join("a.toml");
    let b = dir.path().join("b.json");
    std::fs::write(&a, "name = \"a\"\nseed = 1\nweeks = 2\nplanning_weeks = 1\nlead_weeks = 2\n").expect("write");
    std::fs::write(
        &b,
        r#"{"name": "b", "seed": 1, "weeks": 2, "planning_weeks": 1, "lead_weeks": 2, "inflow_factor": 2.0}"#,
    )
    .expect("write");
    let out = dir.path().join("out");
    let run = greffe(&[
        "simulate",
        "--scenario",
        a.to_str().expect("path"),
        "--scenario",
        b.to_str().expect("path"),
        "--out",
        out.to_str().expect("path"),
        "--quiet",
    ]);
    assert_eq!(run.code, 0, "{}", run.err);
    for name in ["a", "b"] {
        let csv = std::fs::read_to_string(out.join(name).join("weekly.csv")).expect("csv");
        assert_eq!(csv.lines().count(), 3, "header and two weeks: {csv}");
        assert!(csv.starts_with("week,monday,registered,heard,stock"));
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join(name).join("weekly.json")).expect("json"))
                .expect("json");
        assert_eq!(json["weeks"].as_array().expect("weeks").len(), 2);
        for chart in ["stock.svg", "age.svg"] {
            let svg = std::fs::read_to_string(out.join(name).join(chart)).expect("svg");
            assert!(svg.starts_with("<svg") && svg.contains("<polyline"), "{chart} draws lines");
        }
        let loads = std::fs::read_to_string(out.join(name).join("magistrates.csv")).expect("loads");
        assert!(loads.lines().skip(1).any(|l| !l.ends_with(",0,0")), "someone sat");
    }
    assert!(out.join("stock.svg").exists(), "a comparison chart for several scenarios");
    let registered = |name: &str| -> u64 {
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join(name).join("weekly.json")).expect("json"))
                .expect("json");
        json["weeks"].as_array().expect("weeks").iter().map(|w| w["registered"].as_u64().expect("n")).sum()
    };
    assert!(registered("b") > registered("a") * 3 / 2, "doubling the inflow shows");

    std::fs::write(&a, "name = \"a\"\nweeks = 53\n").expect("write");
    let refused = greffe(&["simulate", "--scenario", a.to_str().expect("path"), "--out", out.to_str().expect("path")]);
    assert_eq!(refused.code, 1);
    assert!(refused.err.contains("weeks"), "{}", refused.err);
}

/// A simulation's dates stay in the calendar greffe computes: a start the
/// court's generated dates would carry past 2200 (or before 1900) is refused
/// by name; the extreme starts admitted run to their end.
#[test]
fn a_start_outside_the_admitted_years_is_refused_and_the_extremes_run() {
    for start in ["1900-01-01", "2199-12-30", "1999-12-27", "2151-01-04"] {
        let refused =
            Scenario::parse(&format!("name = \"t\"\nweeks = 1\nstart = \"{start}\"\n"), true).expect_err("refused");
        assert_eq!(refused.field, "start", "{start}");
        assert!(refused.message.contains("2000 à 2150"), "{start}: {}", refused.message);
    }
    for start in ["2000-01-03", "2150-12-28"] {
        let text = format!("name = \"t\"\nweeks = 1\nplanning_weeks = 1\nlead_weeks = 2\nstart = \"{start}\"\n");
        let scenario = Scenario::parse(&text, true).expect("admitted");
        let outcome = run(&scenario, 1, &|_| {}).expect("runs to its end");
        assert_eq!(outcome.weeks.len(), 1, "{start}");
    }
}

/// The example scenarios the README names parse and pass the checks.
#[test]
fn every_example_scenario_is_valid() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/scenarios");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("fixtures/scenarios") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("readable");
        let scenario = Scenario::parse(&text, true).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        scenario.check().unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        seen += 1;
    }
    assert!(seen >= 5, "{seen} scenarios");
}
