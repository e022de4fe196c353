//! Calendar dates as the court counts them: ISO 8601 calendar dates in the
//! court's time zone (Europe/Paris), never timestamps. A date is never derived
//! from a UTC instant, so no day can shift.

use std::fmt;

use chrono::{Datelike, IsoWeek, NaiveDate};
use serde::{Deserialize, Serialize};

/// A calendar date (alias kept short because it is everywhere).
pub type Date = NaiveDate;

/// Why a string is not a date greffe takes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Not `YYYY-MM-DD`, or no such day.
    #[error("date « {0} » invalide : attendu AAAA-MM-JJ, jour existant (exemple : 2027-01-04)")]
    Malformed(String),
    /// A real day, outside the calendar greffe computes holidays and
    /// deadlines for.
    #[error(
        "date « {0} » hors du calendrier pris en charge (années {first} à {last})",
        first = crate::calendar::FIRST_YEAR,
        last = crate::calendar::LAST_YEAR
    )]
    OutsideCalendar(String),
    /// A day of the calendar too late for an act: the deadlines it opens
    /// would end past the calendar ([`ACT_LAST_YEAR`]).
    #[error(
        "date d'acte « {0} » trop tardive : les délais qu'il ouvre sortiraient du calendrier pris en charge (actes des années {first} à {last})",
        first = crate::calendar::FIRST_YEAR,
        last = ACT_LAST_YEAR
    )]
    ActTooLate(String),
}

impl DateError {
    /// How to give a date greffe takes, in French.
    pub fn fix(&self) -> String {
        match self {
            Self::Malformed(_) => "écrire la date au format AAAA-MM-JJ (exemple : 2027-01-04)".to_owned(),
            Self::OutsideCalendar(_) => format!(
                "donner une date du {}-01-01 au {}-12-31",
                crate::calendar::FIRST_YEAR,
                crate::calendar::LAST_YEAR
            ),
            Self::ActTooLate(_) => {
                format!("donner une date d'acte du {}-01-01 au {ACT_LAST_YEAR}-12-31", crate::calendar::FIRST_YEAR)
            }
        }
    }
}

/// The days of the week in French, Monday first.
pub const WEEKDAYS_FR: [&str; 7] = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"];

/// The months in French, January first.
pub const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// `date`'s day of the week in French (« mardi »).
pub fn weekday_fr(date: Date) -> &'static str {
    WEEKDAYS_FR[date.weekday().num_days_from_monday() as usize]
}

/// `date`'s month in French (« janvier »).
pub fn month_fr(date: Date) -> &'static str {
    MONTHS_FR[date.month0() as usize]
}

/// `date` written out as a French act writes it (« 1er juin 2026 », « 3
/// juin 2026 »).
pub fn long_fr(date: Date) -> String {
    let day = if date.day() == 1 { "1er".to_owned() } else { date.day().to_string() };
    format!("{day} {} {}", month_fr(date), date.year())
}

/// Parses `YYYY-MM-DD` strictly (four-digit year, two-digit month and day),
/// a day of the supported calendar (see [`within_calendar`]).
pub fn parse_date(raw: &str) -> Result<Date, DateError> {
    let well_formed = raw.len() == 10
        && raw.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !well_formed {
        return Err(DateError::Malformed(raw.to_owned()));
    }
    let date = NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| DateError::Malformed(raw.to_owned()))?;
    if within_calendar(date) { Ok(date) } else { Err(DateError::OutsideCalendar(raw.to_owned())) }
}

/// The last year an act of the journal may be dated: the deadlines an act
/// opens — chained, with the longest distance extension — end within ten
/// years (a test of the catalogue holds it), so they stay in the calendar.
pub const ACT_LAST_YEAR: i32 = crate::calendar::LAST_YEAR - 10;

/// An act's date ([`parse_date`], and no later than [`ACT_LAST_YEAR`]).
pub fn parse_act_date(raw: &str) -> Result<Date, DateError> {
    let date = parse_date(raw)?;
    if date.year() <= ACT_LAST_YEAR { Ok(date) } else { Err(DateError::ActTooLate(raw.to_owned())) }
}

/// An act's date (years 1900 to [`ACT_LAST_YEAR`]) as a JSON Schema
/// pattern, narrower than [`CALENDAR_DATE_PATTERN`].
pub const ACT_DATE_PATTERN: &str = r"^(19[0-9]{2}|20[0-9]{2}|21[0-8][0-9]|2190)-[0-9]{2}-[0-9]{2}$";

/// JSON keys and query parameters that hold a date, in every body and query
/// of the API (a test holds this list equal to the dates of the OpenAPI
/// document). A date there must lie in the calendar greffe computes —
/// holidays, deadlines — so that what is stored can always be computed on.
pub const DATE_FIELDS: &[&str] = &[
    "act_date",
    "attacked_date",
    "date",
    "decided_on",
    "decision_date",
    "end",
    "event_date",
    "expires_on",
    "filed_on",
    "from",
    "hearing_date",
    "new_due",
    "ordered_on",
    "pronouncement",
    "publication",
    "registered_on",
    "start",
    "to",
    "today",
];

/// A date of the supported calendar (years 1900 to 2200,
/// [`crate::calendar::FIRST_YEAR`]..=[`crate::calendar::LAST_YEAR`]) as a
/// JSON Schema pattern.
pub const CALENDAR_DATE_PATTERN: &str = r"^(19[0-9]{2}|2[01][0-9]{2}|2200)-[0-9]{2}-[0-9]{2}$";

/// True when `date` lies in the calendar greffe computes.
pub fn within_calendar(date: Date) -> bool {
    (crate::calendar::FIRST_YEAR..=crate::calendar::LAST_YEAR).contains(&date.year())
}

/// The refusal of a well-formed date outside the calendar, in French, and
/// its fix; `None` for any other text (left to the typed parse).
pub fn outside_calendar(raw: &str) -> Option<(String, String)> {
    match parse_date(raw) {
        Err(error @ DateError::OutsideCalendar(_)) => Some((error.to_string(), error.fix())),
        _ => None,
    }
}

/// The first date field of `value` (a JSON body) outside the calendar: its
/// JSON path, the refusal and its fix.
pub fn first_outside_calendar(value: &serde_json::Value) -> Option<(String, String, String)> {
    use serde_json::Value;
    fn walk(value: &Value, path: &str, dated: bool) -> Option<(String, String, String)> {
        match value {
            Value::String(raw) if dated => outside_calendar(raw).map(|(message, fix)| (path.to_owned(), message, fix)),
            Value::Array(items) => {
                items.iter().enumerate().find_map(|(i, item)| walk(item, &format!("{path}[{i}]"), dated))
            }
            Value::Object(map) => map.iter().find_map(|(key, item)| {
                let here = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                walk(item, &here, DATE_FIELDS.contains(&key.as_str()))
            }),
            _ => None,
        }
    }
    walk(value, "", false)
}

/// The ISO week (year and number) a date falls in; weekly caps count per ISO week.
pub fn iso_week(date: Date) -> IsoWeek {
    date.iso_week()
}

/// The Monday-to-Sunday range of an ISO week written `2026-W49`, or the
/// French message that says how to write one.
pub fn parse_iso_week(raw: &str) -> Result<DateRange, String> {
    let refused = || format!("semaine « {raw} » illisible : l'écrire AAAA-Wnn, par exemple 2026-W49");
    let (year, week) = raw.trim().split_once("-W").ok_or_else(refused)?;
    let (year, week): (i32, u32) = (year.parse().map_err(|_| refused())?, week.parse().map_err(|_| refused())?);
    let monday = NaiveDate::from_isoywd_opt(year, week, chrono::Weekday::Mon).ok_or_else(refused)?;
    let sunday = NaiveDate::from_isoywd_opt(year, week, chrono::Weekday::Sun).ok_or_else(refused)?;
    if !within_calendar(monday) || !within_calendar(sunday) {
        return Err(format!("semaine « {raw} » hors du calendrier de l'outil"));
    }
    DateRange::new(monday, sunday).map_err(|e| e.to_string())
}

/// An inclusive range of dates with `from <= to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "RawDateRange", into = "RawDateRange")]
pub struct DateRange {
    from: Date,
    to: Date,
}

/// Why two dates do not make a range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("période inversée : du {from} au {to} (la date de début doit précéder ou égaler la date de fin)")]
pub struct InvertedRange {
    /// First day given.
    pub from: Date,
    /// Last day given.
    pub to: Date,
}

impl DateRange {
    /// A range from `from` to `to`, both included; refused when `from > to`.
    pub fn new(from: Date, to: Date) -> Result<Self, InvertedRange> {
        if from <= to { Ok(Self { from, to }) } else { Err(InvertedRange { from, to }) }
    }

    /// A single day.
    pub fn day(date: Date) -> Self {
        Self { from: date, to: date }
    }

    /// First day, included.
    pub fn from(self) -> Date {
        self.from
    }

    /// Last day, included.
    pub fn to(self) -> Date {
        self.to
    }

    /// Whether `date` lies in the range.
    pub fn contains(self, date: Date) -> bool {
        self.from <= date && date <= self.to
    }

    /// Whether the two ranges share at least one day.
    pub fn overlaps(self, other: DateRange) -> bool {
        self.from <= other.to && other.from <= self.to
    }

    /// Number of days in the range, both ends included.
    pub fn n_days(self) -> i64 {
        (self.to - self.from).num_days() + 1
    }
}

impl fmt::Display for DateRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} → {}", self.from, self.to)
    }
}

/// The JSON shape of a range: `{"from": "...", "to": "..."}`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDateRange {
    /// First day, included.
    pub from: Date,
    /// Last day, included.
    pub to: Date,
}

impl TryFrom<RawDateRange> for DateRange {
    type Error = InvertedRange;
    fn try_from(raw: RawDateRange) -> Result<Self, InvertedRange> {
        Self::new(raw.from, raw.to)
    }
}

impl From<DateRange> for RawDateRange {
    fn from(range: DateRange) -> Self {
        Self { from: range.from, to: range.to }
    }
}

/// Morning or afternoon sitting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HalfDay {
    /// Morning.
    Am,
    /// Afternoon.
    Pm,
}

impl HalfDay {
    /// Both half-days, morning first.
    pub const ALL: [HalfDay; 2] = [Self::Am, Self::Pm];

    /// The JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Am => "am",
            Self::Pm => "pm",
        }
    }

    /// Parses `am` or `pm`.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|half| half.as_str() == raw)
    }
}

impl fmt::Display for HalfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The planning horizon: the days a plan covers, and optionally the day its
/// notices can go out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Horizon {
    range: DateRange,
    publication_date: Option<Date>,
}

impl Horizon {
    /// A horizon over `range`, notices going out on `publication_date` if given.
    pub fn new(range: DateRange, publication_date: Option<Date>) -> Self {
        Self { range, publication_date }
    }

    /// First day of the horizon.
    pub fn start(self) -> Date {
        self.range.from()
    }

    /// Last day of the horizon.
    pub fn end(self) -> Date {
        self.range.to()
    }

    /// The days of the horizon.
    pub fn range(self) -> DateRange {
        self.range
    }

    /// The day the plan's notices can go out, when stated.
    pub fn publication_date(self) -> Option<Date> {
        self.publication_date
    }

    /// `end − start` in days, the denominator of the benchmark objective
    /// (53 for 2027-01-04 → 2027-02-26).
    pub fn horizon_days(self) -> i64 {
        (self.end() - self.start()).num_days()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    #[test]
    fn an_iso_week_is_its_monday_to_its_sunday() {
        let week = parse_iso_week("2026-W49").expect("a week");
        assert_eq!((week.from().to_string(), week.to().to_string()), ("2026-11-30".into(), "2026-12-06".into()));
        // 2026 has 53 ISO weeks; 2025 has 52.
        assert!(parse_iso_week("2026-W53").is_ok());
        for refused in ["2025-W53", "2026-49", "2026-W", "W49", "2026-W0", "99999-W01"] {
            let message = parse_iso_week(refused).expect_err(refused);
            assert!(message.contains(refused), "{message}");
        }
    }

    #[test]
    fn a_body_date_outside_the_calendar_is_named_by_its_path() {
        let body = json!({"date": "2026-03-12", "absences": [{"from": "2026-01-05", "to": "0273-03-08"}]});
        let (path, message, _) = first_outside_calendar(&body).expect("refused");
        assert_eq!(path, "absences[0].to");
        assert!(message.contains("0273-03-08") && message.contains("1900 à 2200"), "{message}");
        // Only date fields are read: the same text elsewhere is a name.
        assert_eq!(first_outside_calendar(&json!({"name": "0273-03-08", "date": "2200-12-31"})), None);
        // A malformed date is left to the typed parse, which names it.
        assert_eq!(first_outside_calendar(&json!({"date": "1899-02-30"})), None);
        assert!(first_outside_calendar(&json!({"date": "1899-12-31"})).is_some());
        assert!(first_outside_calendar(&json!({"date": "2201-01-01"})).is_some());
    }

    proptest! {
        #[test]
        fn the_documented_pattern_is_the_calendar(offset in -800_000i64..800_000) {
            let date = d("2000-01-01") + chrono::Duration::days(offset);
            let raw = date.format("%Y-%m-%d").to_string();
            let pattern = regex::Regex::new(CALENDAR_DATE_PATTERN).expect("pattern compiles");
            // Four-digit years only: chrono writes others with a sign or more digits.
            prop_assume!(raw.len() == 10);
            prop_assert_eq!(pattern.is_match(&raw), within_calendar(date), "{}", raw);
            prop_assert_eq!(outside_calendar(&raw).is_none(), within_calendar(date), "{}", raw);
        }

        #[test]
        fn the_documented_act_pattern_is_the_acts_years(offset in -800_000i64..800_000) {
            let date = d("2000-01-01") + chrono::Duration::days(offset);
            let raw = date.format("%Y-%m-%d").to_string();
            let pattern = regex::Regex::new(ACT_DATE_PATTERN).expect("pattern compiles");
            prop_assume!(raw.len() == 10);
            prop_assert_eq!(pattern.is_match(&raw), parse_act_date(&raw).is_ok(), "{}", raw);
        }
    }

    fn d(raw: &str) -> Date {
        parse_date(raw).expect("valid test date")
    }

    #[test]
    fn parse_date_is_strict() {
        assert_eq!(d("2027-01-04").weekday(), chrono::Weekday::Mon);
        for bad in ["2027-1-4", "2027-02-30", "04/01/2027", "2027-01-04T00:00", "", "+2027-01-04"] {
            assert!(parse_date(bad).is_err(), "{bad:?}");
        }
        assert_eq!(d("2028-02-29").day(), 29);
        assert!(parse_date("2027-02-29").is_err());
    }

    #[test]
    fn horizon_days_matches_the_planning_brief() {
        let horizon = Horizon::new(DateRange::new(d("2027-01-04"), d("2027-02-26")).expect("ordered"), None);
        assert_eq!(horizon.horizon_days(), 53);
    }

    #[test]
    fn ranges_refuse_inversion_also_through_serde() {
        assert!(DateRange::new(d("2027-01-05"), d("2027-01-04")).is_err());
        let err = serde_json::from_str::<DateRange>(r#"{"from":"2027-01-05","to":"2027-01-04"}"#);
        assert!(err.is_err());
        let ok: DateRange = serde_json::from_str(r#"{"from":"2027-01-04","to":"2027-01-04"}"#).expect("one day");
        assert_eq!(ok.n_days(), 1);
    }

    fn any_date() -> impl Strategy<Value = Date> {
        // Every day of the supported calendar, 1900-01-01 to 2200-12-31.
        (0i64..=109_937).prop_map(|offset| d("1900-01-01") + chrono::Duration::days(offset))
    }

    proptest! {
        #[test]
        fn range_new_accepts_exactly_ordered_pairs(a in any_date(), b in any_date()) {
            let range = DateRange::new(a, b);
            prop_assert_eq!(range.is_ok(), a <= b);
            if let Ok(range) = range {
                prop_assert!(range.contains(a) && range.contains(b));
                prop_assert_eq!(range.n_days(), (b - a).num_days() + 1);
                prop_assert!(range.overlaps(range));
            }
        }

        #[test]
        fn overlap_is_symmetric_and_matches_day_membership(a in any_date(), len_a in 0i64..30, b in any_date(), len_b in 0i64..30) {
            let first = DateRange::new(a, a + chrono::Duration::days(len_a)).expect("ordered");
            let second = DateRange::new(b, b + chrono::Duration::days(len_b)).expect("ordered");
            prop_assert_eq!(first.overlaps(second), second.overlaps(first));
            let shares_a_day = (0..=len_a).any(|i| second.contains(a + chrono::Duration::days(i)));
            prop_assert_eq!(first.overlaps(second), shares_a_day);
        }

        #[test]
        fn date_format_round_trips(date in any_date()) {
            prop_assert_eq!(parse_date(&date.to_string()), Ok(date));
        }
    }
}

/// The calendar date in Paris at a UTC instant: UTC+1, or UTC+2 from the
/// last Sunday of March at 01:00 UTC to the last Sunday of October at
/// 01:00 UTC (EU summer time, directive 2000/84/CE). The court's "today" is
/// this date, never the UTC date.
pub fn paris_date(instant: chrono::DateTime<chrono::Utc>) -> Date {
    paris_time(instant).date()
}

/// The wall-clock time in Paris at a UTC instant (see [`paris_date`]).
pub fn paris_time(instant: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDateTime {
    use chrono::{Datelike, NaiveTime, Weekday};
    let last_sunday = |year: i32, month: u32| -> chrono::NaiveDateTime {
        let mut day = NaiveDate::from_ymd_opt(year, month + 1, 1).unwrap_or_else(|| unreachable!("March/October + 1"))
            - chrono::Duration::days(1);
        while day.weekday() != Weekday::Sun {
            day -= chrono::Duration::days(1);
        }
        day.and_time(NaiveTime::from_hms_opt(1, 0, 0).unwrap_or_else(|| unreachable!("01:00 exists")))
    };
    let utc = instant.naive_utc();
    let year = utc.year();
    let summer = utc >= last_sunday(year, 3) && utc < last_sunday(year, 10);
    utc + chrono::Duration::hours(if summer { 2 } else { 1 })
}

#[cfg(test)]
mod paris_tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    #[test]
    fn late_evening_utc_is_already_tomorrow_in_paris() {
        let at = |y, m, d, h, min| Utc.with_ymd_and_hms(y, m, d, h, min, 0).single().expect("valid instant");
        // Winter: UTC+1.
        assert_eq!(paris_date(at(2027, 1, 4, 22, 59)), parse_date("2027-01-04").expect("date"));
        assert_eq!(paris_date(at(2027, 1, 4, 23, 0)), parse_date("2027-01-05").expect("date"));
        // Summer: UTC+2.
        assert_eq!(paris_date(at(2027, 7, 13, 22, 0)), parse_date("2027-07-14").expect("date"));
        assert_eq!(paris_date(at(2027, 7, 13, 21, 59)), parse_date("2027-07-13").expect("date"));
        // Switches: 28 March 2027 and 31 October 2027 at 01:00 UTC.
        assert_eq!(paris_date(at(2027, 3, 27, 22, 30)), parse_date("2027-03-27").expect("date"));
        assert_eq!(paris_date(at(2027, 10, 31, 22, 30)), parse_date("2027-10-31").expect("date"));
        assert_eq!(paris_date(at(2027, 10, 30, 22, 30)), parse_date("2027-10-31").expect("date"));
    }
}
