//! Scenarios: what an analyst changes — horizon, inflow, readiness delays,
//! hearing calendars, headcount, absences, planning cadence — read from TOML
//! or JSON (`docs/formats.md`, "Simulation scenario") and checked, every
//! problem named by its field.

use std::collections::BTreeMap;

use greffe_models::Date;
use greffe_models::dates::parse_date;
use serde::{Deserialize, Serialize};

/// A delay in days, drawn from a normal law, never below `min`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Delay {
    /// Mean, in days.
    #[cfg_attr(feature = "openapi", schema(minimum = 0.0, maximum = 3650.0))]
    pub mean: f64,
    /// Standard deviation, in days.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0.0, maximum = 3650.0))]
    pub sd: f64,
    /// Shortest delay, in days.
    #[serde(default = "default_min_delay")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0.0, maximum = 3650.0))]
    pub min: f64,
}

fn default_min_delay() -> f64 {
    14.0
}

/// Days from registration to readiness (mémoires exchanged, report and
/// opinion filed), by circuit.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Readiness {
    /// Circuit court.
    pub court: Delay,
    /// Circuit intermédiaire.
    pub intermediaire: Delay,
    /// Circuit approfondi.
    pub approfondi: Delay,
}

impl Default for Readiness {
    fn default() -> Self {
        // Orders of magnitude from the domain brief: mémoire ampliatif 4
        // months (civil) after the pourvoi, défense 2 months later, then
        // report and opinion; shorter for the circuit court.
        Self {
            court: Delay { mean: 200.0, sd: 40.0, min: 60.0 },
            intermediaire: Delay { mean: 270.0, sd: 50.0, min: 120.0 },
            approfondi: Delay { mean: 330.0, sd: 60.0, min: 150.0 },
        }
    }
}

/// What changes in one chamber.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ChamberScenario {
    /// New pourvois per week (mean of a Poisson law); default: the
    /// generated court's yearly demand spread over 52 weeks.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0.0, maximum = 2000.0))]
    pub inflow_per_week: Option<f64>,
    /// Share of the calendar's hearings kept, 0 to 1 (default 1): every
    /// hearing is kept or dropped by a seeded draw.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0.0, maximum = 1.0))]
    pub hearings: Option<f64>,
    /// ISO week numbers without any hearing (court vacations…).
    #[serde(default)]
    pub closed_weeks: Vec<u32>,
    /// Change of the number of conseillers sitting (negative: the most
    /// junior leave; positive: new conseillers join, without specialty).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = -20, maximum = 20))]
    pub conseillers: i32,
    /// Share of magistrate-weeks of absence added, 0 to 1 (seeded draw).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0.0, maximum = 0.9))]
    pub absence_rate: f64,
}

/// The years a simulation may start in.
pub const START_YEARS: std::ops::RangeInclusive<i32> = 2000..=2150;

/// [`START_YEARS`] as the OpenAPI document states it for `start` (a test
/// holds the two equal).
pub const START_PATTERN: &str = r"^(20[0-9]{2}|21[0-4][0-9]|2150)-[0-9]{2}-[0-9]{2}$";

/// The largest seed or node limit a scenario takes: a signed 64-bit
/// integer's, as the OpenAPI document states it (`format: int64`) and as
/// the databases keep the job's request.
pub const MAX_WHOLE: u64 = i64::MAX as u64;

/// A scenario as written.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Name, used for the output folder.
    pub name: String,
    /// Seed of every draw (court, inflow, absences, solver), 0 to
    /// 9223372036854775807 (a signed 64-bit integer).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 9_223_372_036_854_775_807_i64))]
    pub seed: u64,
    /// Weeks simulated, 1 to 52.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 52))]
    pub weeks: u32,
    /// First Monday simulated (default 2027-01-04).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub start: Option<String>,
    /// Weeks of hearings planned each week (the rolling horizon), 1 to 8.
    #[serde(default = "default_planning_weeks")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 8))]
    pub planning_weeks: u32,
    /// Weeks between planning and the first hearing planned (the notices
    /// must go out in time: 15 days ahead in civil matters), 2 to 8.
    #[serde(default = "default_lead_weeks")]
    #[cfg_attr(feature = "openapi", schema(minimum = 2, maximum = 8))]
    pub lead_weeks: u32,
    /// Deterministic work limit of each weekly solve: branch-and-bound
    /// nodes per chamber MILP (0: none), 0 to 9223372036854775807.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 9_223_372_036_854_775_807_i64))]
    pub node_limit: u64,
    /// Dossiers offered to the planner per chamber and week, as a multiple
    /// of the horizon's capacity in dossiers (the most urgent first).
    #[serde(default = "default_shortlist")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1.0, maximum = 20.0))]
    pub shortlist: f64,
    /// Multiplies every chamber's default inflow (default 1).
    #[serde(default = "default_one")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0.0, maximum = 10.0))]
    pub inflow_factor: f64,
    /// Readiness delays by circuit.
    #[serde(default)]
    pub readiness: Readiness,
    /// Changes by chamber id.
    #[serde(default)]
    pub chambers: BTreeMap<String, ChamberScenario>,
    /// How the rapporteurs of new pourvois are designated: `as_generated`
    /// (default: the model dossier's), `optimised`, `section_only`,
    /// `round_robin`.
    #[serde(default)]
    pub designation: crate::designation::Designation,
}

fn default_planning_weeks() -> u32 {
    2
}
fn default_lead_weeks() -> u32 {
    3
}
fn default_shortlist() -> f64 {
    2.0
}
fn default_one() -> f64 {
    1.0
}

/// A scenario problem: the field and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field} : {message}")]
pub struct ScenarioError {
    /// The field, as a path.
    pub field: String,
    /// What is wrong and how to fix it, in French.
    pub message: String,
}

/// A scenario's name, which names its output folder: one line, not blank,
/// without `/` or `\\`, not starting with `.` (the JSON Schema pattern
/// of [`is_scenario_name`]; blanks are Unicode White_Space).
pub static SCENARIO_NAME_PATTERN: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    use greffe_models::text::class_where;
    let slash = |c: char| matches!(c, '/' | '\\');
    let any = class_where(|c| !slash(c));
    let solid = class_where(|c| !slash(c) && !c.is_whitespace());
    let first = class_where(|c| !slash(c) && !c.is_whitespace() && c != '.');
    let blank = class_where(char::is_whitespace);
    format!("^(?:[{first}][{any}]*|[{blank}][{any}]*[{solid}][{any}]*)$")
});

/// Whether `name` may name a scenario ([`SCENARIO_NAME_PATTERN`]).
pub fn is_scenario_name(name: &str) -> bool {
    !greffe_models::forms::is_blank(name)
        && !name.contains(['/', '\\'])
        && !name.starts_with('.')
        && greffe_models::text::refused_char(name, false).is_none()
}

/// Chamber ids of the court the simulation runs on.
pub const CHAMBERS: [&str; 6] = ["civ1", "civ2", "civ3", "comm", "soc", "cr"];

impl Scenario {
    /// Reads a scenario from TOML (`toml` true) or JSON text.
    pub fn parse(text: &str, toml: bool) -> Result<Scenario, ScenarioError> {
        let scenario: Scenario = if toml {
            ::toml::from_str(text).map_err(|error| ScenarioError {
                field: "scénario".into(),
                message: format!("TOML illisible : {}", error.message()),
            })?
        } else {
            greffe_models::format::from_json_text(text)
                .map_err(|error| ScenarioError { field: "scénario".into(), message: error.to_string() })?
        };
        scenario.check()?;
        Ok(scenario)
    }

    /// The first Monday.
    pub fn start_date(&self) -> Date {
        self.start.as_deref().and_then(|raw| parse_date(raw).ok()).unwrap_or_else(greffe_fixtures::default_start)
    }

    /// Every rule a scenario obeys.
    pub fn check(&self) -> Result<(), ScenarioError> {
        let fail = |field: &str, message: String| Err(ScenarioError { field: field.into(), message });
        if !is_scenario_name(&self.name) {
            return fail("name", format!("nom « {} » invalide : donner un nom de dossier simple", self.name));
        }
        for (field, value) in [("seed", self.seed), ("node_limit", self.node_limit)] {
            if value > MAX_WHOLE {
                return fail(field, format!("{value} : donner un nombre entier de 0 à {MAX_WHOLE}"));
            }
        }
        if !(1..=52).contains(&self.weeks) {
            return fail("weeks", format!("{} semaines : donner une durée de 1 à 52 semaines", self.weeks));
        }
        if !(1..=8).contains(&self.planning_weeks) {
            return fail("planning_weeks", format!("{} : donner de 1 à 8 semaines", self.planning_weeks));
        }
        if !(2..=8).contains(&self.lead_weeks) {
            return fail(
                "lead_weeks",
                format!(
                    "{} : donner de 2 à 8 semaines (les avis d'audience partent 15 jours avant en matière civile : \
                     une semaine d'avance ne permet d'audiencer aucun dossier civil)",
                    self.lead_weeks
                ),
            );
        }
        if let Some(raw) = &self.start {
            match parse_date(raw) {
                // The simulated court's dates (stock registered years
                // before, readiness up to ten years after) stay within the
                // calendar greffe computes.
                Ok(date) if !(START_YEARS.contains(&date.year())) => {
                    return fail(
                        "start",
                        format!("{date} : donner un lundi des années {} à {}", START_YEARS.start(), START_YEARS.end()),
                    );
                }
                Ok(date) if date.weekday() == chrono::Weekday::Mon => {}
                Ok(date) => return fail("start", format!("{date} n'est pas un lundi : donner un lundi")),
                Err(error) => return fail("start", format!("{error} : {}", error.fix())),
            }
        }
        if !(self.shortlist.is_finite() && self.shortlist >= 1.0 && self.shortlist <= 20.0) {
            return fail("shortlist", format!("{} : donner un multiple de 1 à 20", self.shortlist));
        }
        if !(self.inflow_factor.is_finite() && (0.0..=10.0).contains(&self.inflow_factor)) {
            return fail("inflow_factor", format!("{} : donner un facteur de 0 à 10", self.inflow_factor));
        }
        for (name, delay) in [
            ("court", self.readiness.court),
            ("intermediaire", self.readiness.intermediaire),
            ("approfondi", self.readiness.approfondi),
        ] {
            let ok = |x: f64| x.is_finite() && (0.0..=3650.0).contains(&x);
            if !(ok(delay.mean) && ok(delay.sd) && ok(delay.min)) {
                return fail(&format!("readiness.{name}"), "donner des nombres de jours entre 0 et 3650".into());
            }
        }
        for (id, chamber) in &self.chambers {
            let at = |field: &str| format!("chambers.{id}.{field}");
            if !CHAMBERS.contains(&id.as_str()) {
                return fail(
                    &format!("chambers.{id}"),
                    format!("chambre inconnue : choisir parmi {}", CHAMBERS.join(", ")),
                );
            }
            if let Some(rate) = chamber.inflow_per_week {
                if !(rate.is_finite() && (0.0..=2_000.0).contains(&rate)) {
                    return fail(&at("inflow_per_week"), format!("{rate} : donner un nombre de 0 à 2000"));
                }
            }
            if let Some(share) = chamber.hearings {
                if !(share.is_finite() && (0.0..=1.0).contains(&share)) {
                    return fail(&at("hearings"), format!("{share} : donner une part de 0 à 1"));
                }
            }
            if let Some(week) = chamber.closed_weeks.iter().find(|w| !(1..=53).contains(*w)) {
                return fail(
                    &at("closed_weeks"),
                    format!("semaine {week} : donner des numéros de semaine ISO de 1 à 53"),
                );
            }
            if !(-20..=20).contains(&chamber.conseillers) {
                return fail(
                    &at("conseillers"),
                    format!("{} : donner une variation de −20 à +20", chamber.conseillers),
                );
            }
            if !(chamber.absence_rate.is_finite() && (0.0..=0.9).contains(&chamber.absence_rate)) {
                return fail(&at("absence_rate"), format!("{} : donner une part de 0 à 0,9", chamber.absence_rate));
            }
        }
        Ok(())
    }
}

use chrono::Datelike;

#[cfg(test)]
mod tests {
    #[test]
    fn the_start_pattern_says_what_the_check_says() {
        let pattern = regex::Regex::new(super::START_PATTERN).expect("the pattern compiles");
        for year in 1890..=2210 {
            let raw = format!("{year}-06-15");
            assert_eq!(pattern.is_match(&raw), super::START_YEARS.contains(&year), "{raw}");
        }
    }

    #[test]
    fn the_name_pattern_says_what_the_check_says() {
        let pattern = regex::Regex::new(&SCENARIO_NAME_PATTERN).expect("the pattern compiles");
        let pieces = [
            "", " ", "\u{A0}", "\u{202F}", "\u{3000}", "東", ".", "/", "\\", "\t", "\0", "a", "é", "-", "base", "2027",
        ];
        // Every string of up to three pieces.
        let mut names = vec![String::new()];
        for _ in 0..3 {
            let longer: Vec<String> =
                names.iter().flat_map(|name| pieces.iter().map(move |piece| format!("{name}{piece}"))).collect();
            names.extend(longer);
        }
        for name in &names {
            assert_eq!(pattern.is_match(name), is_scenario_name(name), "{name:?}");
        }
        assert!(is_scenario_name(" hausse de 10 %") && !is_scenario_name(".cache") && !is_scenario_name("a/b"));
    }

    use super::*;

    #[test]
    fn a_minimal_toml_scenario_takes_the_defaults() {
        let scenario = Scenario::parse("name = \"ref\"\nweeks = 4\n", true).expect("valid");
        assert_eq!((scenario.planning_weeks, scenario.lead_weeks, scenario.shortlist), (2, 3, 2.0));
        assert_eq!(scenario.start_date().to_string(), "2027-01-04");
    }

    #[test]
    fn problems_name_the_field() {
        let cases = [
            ("name = \"ref\"\nweeks = 60\n", "weeks"),
            ("name = \"ref\"\nweeks = 4\nstart = \"2027-01-05\"\n", "start"),
            ("name = \"ref\"\nweeks = 4\n[chambers.civ9]\n", "chambers.civ9"),
            ("name = \"ref\"\nweeks = 4\n[chambers.soc]\nhearings = 1.5\n", "chambers.soc.hearings"),
            ("name = \"../x\"\nweeks = 4\n", "name"),
        ];
        for (text, field) in cases {
            let error = Scenario::parse(text, true).expect_err(text);
            assert_eq!(error.field, field, "{error}");
        }
        let error = Scenario::parse("name = \"ref\"\nweeks = 4\ncolour = 1\n", true).expect_err("unknown field");
        assert!(error.message.contains("colour"), "{error}");
        let error = Scenario::parse(r#"{"name": "ref", "weeks": "four"}"#, false).expect_err("wrong type");
        assert!(error.message.contains("weeks"), "{error}");
        // A seed or node limit beyond a signed 64-bit integer (the document's
        // `int64`) is refused by name; the largest one is taken.
        for field in ["seed", "node_limit"] {
            let text = format!(r#"{{"name": "ref", "weeks": 4, "{field}": 9223372036854775808}}"#);
            let error = Scenario::parse(&text, false).expect_err(&text);
            assert_eq!(error.field, field, "{error}");
            let text = format!(r#"{{"name": "ref", "weeks": 4, "{field}": 9223372036854775807}}"#);
            Scenario::parse(&text, false).expect(&text);
        }
    }
}
