//! Public holidays (*jours fériés*) by place, for counting deadlines and for
//! keeping hearings off holidays.
//!
//! Sources: Code du travail L3133-1 (the eleven holidays of metropolitan
//! France); Alsace-Moselle adds Good Friday and 26 December (local law, Code
//! du travail L3134-13); the overseas territories add their
//! abolition-of-slavery day (Code du travail L3422-2, see the domain brief).
//! Easter follows the Gregorian computus. Years 1900–2200 are supported.

use std::fmt;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::Serialize;

use crate::dates::Date;

/// First year whose holidays are computed.
pub const FIRST_YEAR: i32 = 1900;
/// Last year whose holidays are computed.
pub const LAST_YEAR: i32 = 2200;

/// A holiday: its date and French name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holiday {
    /// The day.
    pub date: Date,
    /// Its name, in French.
    pub name: &'static str,
}

/// When a holiday falls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Rule {
    /// Same month and day every year.
    Fixed(u32, u32),
    /// Days after Easter Sunday (negative: before).
    Easter(i64),
}

/// One line of the holiday table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct HolidayRule {
    name: &'static str,
    rule: Rule,
}

const fn fixed(name: &'static str, month: u32, day: u32) -> HolidayRule {
    HolidayRule { name, rule: Rule::Fixed(month, day) }
}

const fn easter(name: &'static str, offset: i64) -> HolidayRule {
    HolidayRule { name, rule: Rule::Easter(offset) }
}

/// Code du travail L3133-1.
const NATIONAL: [HolidayRule; 11] = [
    fixed("Jour de l'an", 1, 1),
    easter("Lundi de Pâques", 1),
    fixed("Fête du Travail", 5, 1),
    fixed("Victoire 1945", 5, 8),
    easter("Ascension", 39),
    easter("Lundi de Pentecôte", 50),
    fixed("Fête nationale", 7, 14),
    fixed("Assomption", 8, 15),
    fixed("Toussaint", 11, 1),
    fixed("Armistice 1918", 11, 11),
    fixed("Noël", 12, 25),
];

/// A place whose calendar counts for a deadline or a hearing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Place {
    index: usize,
    id: &'static str,
    label: &'static str,
    extra: &'static [HolidayRule],
    source: &'static str,
    /// Whether every date of this place's calendar is confirmed by the sources.
    confirmed: bool,
}

/// Every place known, `paris` first (the default).
pub const PLACES: [Place; 9] = [
    Place {
        index: 0,
        id: "paris",
        label: "Paris (métropole)",
        extra: &[],
        source: "C. trav. L3133-1",
        confirmed: true,
    },
    Place {
        index: 1,
        id: "alsace-moselle",
        label: "Alsace-Moselle",
        extra: &[easter("Vendredi saint", -2), fixed("Saint-Étienne", 12, 26)],
        source: "C. trav. L3133-1, L3134-13",
        confirmed: true,
    },
    Place {
        index: 2,
        id: "guadeloupe",
        label: "Guadeloupe",
        extra: &[fixed("Abolition de l'esclavage", 5, 27)],
        source: "C. trav. L3133-1, L3422-2",
        confirmed: true,
    },
    Place {
        index: 3,
        id: "martinique",
        label: "Martinique",
        extra: &[fixed("Abolition de l'esclavage", 5, 22)],
        source: "C. trav. L3133-1, L3422-2",
        confirmed: true,
    },
    Place {
        index: 4,
        id: "guyane",
        label: "Guyane",
        extra: &[fixed("Abolition de l'esclavage", 6, 10)],
        source: "C. trav. L3133-1, L3422-2",
        confirmed: true,
    },
    Place {
        index: 5,
        id: "la-reunion",
        label: "La Réunion",
        extra: &[fixed("Abolition de l'esclavage", 12, 20)],
        source: "C. trav. L3133-1, L3422-2",
        confirmed: true,
    },
    Place {
        index: 6,
        id: "mayotte",
        label: "Mayotte",
        extra: &[fixed("Abolition de l'esclavage", 4, 27)],
        source: "C. trav. L3133-1, L3422-2",
        confirmed: true,
    },
    Place {
        index: 7,
        id: "saint-barthelemy",
        label: "Saint-Barthélemy",
        extra: &[fixed("Abolition de l'esclavage", 10, 9)],
        source: "C. trav. L3133-1, L3422-2",
        confirmed: true,
    },
    Place {
        index: 8,
        id: "saint-martin",
        label: "Saint-Martin",
        // Sources conflict between 27 and 28 May: kept unconfirmed.
        extra: &[fixed("Abolition de l'esclavage (date à confirmer : 27 ou 28 mai)", 5, 28)],
        source: "C. trav. L3133-1, L3422-2 (date disputée)",
        confirmed: false,
    },
];

impl Place {
    /// The default place: Paris, where the court sits.
    pub const PARIS: Place = PLACES[0];

    /// Looks a place up by id (`paris`, `alsace-moselle`, `guadeloupe`…).
    pub fn parse(id: &str) -> Option<Place> {
        PLACES.into_iter().find(|place| place.id == id)
    }

    /// Every place id, for error messages.
    pub fn ids() -> Vec<&'static str> {
        PLACES.iter().map(|place| place.id).collect()
    }

    /// The place id.
    pub fn id(self) -> &'static str {
        self.id
    }

    /// Name in French.
    pub fn label(self) -> &'static str {
        self.label
    }

    /// The texts the calendar rests on.
    pub fn source(self) -> &'static str {
        self.source
    }

    /// Whether the calendar is confirmed (false for Saint-Martin's disputed date).
    pub fn confirmed(self) -> bool {
        self.confirmed
    }

    fn rules(self) -> impl Iterator<Item = &'static HolidayRule> {
        NATIONAL.iter().chain(self.extra.iter())
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id)
    }
}

/// Easter Sunday of `year` by the Gregorian computus (anonymous algorithm,
/// Meeus/Jones/Butcher).
pub fn easter_sunday(year: i32) -> Date {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    // The computus always yields a day of March or April.
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
        .unwrap_or_else(|| unreachable!("Easter {year}-{month}-{day}"))
}

/// The holidays of `year` at `place`, sorted by date; two holidays on one
/// date (Ascension on 1 or 8 May) are both listed. `None` outside
/// [`FIRST_YEAR`]..=[`LAST_YEAR`].
pub fn holidays(year: i32, place: Place) -> Option<Vec<Holiday>> {
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        return None;
    }
    let easter = easter_sunday(year);
    let mut list: Vec<Holiday> = place
        .rules()
        .map(|rule| Holiday {
            date: match rule.rule {
                Rule::Fixed(month, day) => NaiveDate::from_ymd_opt(year, month, day)
                    .unwrap_or_else(|| unreachable!("fixed holidays exist every year")),
                Rule::Easter(offset) => easter + Duration::days(offset),
            },
            name: rule.name,
        })
        .collect();
    list.sort_by_key(|holiday| holiday.date);
    Some(list)
}

/// Whether `date` lies in the supported years [`FIRST_YEAR`]..=[`LAST_YEAR`].
pub fn is_supported(date: Date) -> bool {
    (FIRST_YEAR..=LAST_YEAR).contains(&date.year())
}

/// One bit per day from 1 January [`FIRST_YEAR`] to 31 December
/// [`LAST_YEAR`], per place: a holiday look-up is a shift and a mask, never
/// an Easter computation.
struct HolidayTable {
    first_day: i32,
    bits: Vec<Vec<u64>>,
}

impl HolidayTable {
    fn build() -> HolidayTable {
        let first = NaiveDate::from_ymd_opt(FIRST_YEAR, 1, 1).unwrap_or_else(|| unreachable!("1900-01-01 exists"));
        let last = NaiveDate::from_ymd_opt(LAST_YEAR, 12, 31).unwrap_or_else(|| unreachable!("2200-12-31 exists"));
        let first_day = first.num_days_from_ce();
        let n_days = (last.num_days_from_ce() - first_day + 1) as usize;
        let bits = PLACES
            .iter()
            .map(|place| {
                let mut words = vec![0u64; n_days.div_ceil(64)];
                for year in FIRST_YEAR..=LAST_YEAR {
                    for holiday in holidays(year, *place).unwrap_or_default() {
                        let offset = (holiday.date.num_days_from_ce() - first_day) as usize;
                        words[offset / 64] |= 1 << (offset % 64);
                    }
                }
                words
            })
            .collect();
        HolidayTable { first_day, bits }
    }

    fn get() -> &'static HolidayTable {
        static TABLE: std::sync::OnceLock<HolidayTable> = std::sync::OnceLock::new();
        TABLE.get_or_init(HolidayTable::build)
    }

    fn contains(&self, date: Date, place: Place) -> bool {
        let offset = date.num_days_from_ce() - self.first_day;
        let words = &self.bits[place.index];
        usize::try_from(offset)
            .ok()
            .and_then(|offset| words.get(offset / 64).map(|word| word >> (offset % 64) & 1 == 1))
            .unwrap_or(false)
    }
}

/// Whether `date` is a public holiday at `place`. Dates outside the supported
/// years are never holidays: callers that count deadlines refuse them first
/// (see [`is_supported`]).
pub fn is_holiday(date: Date, place: Place) -> bool {
    HolidayTable::get().contains(date, place)
}

/// Names of the holidays falling on `date` at `place` (two on one date happen:
/// Ascension on 1 or 8 May).
pub fn holiday_names(date: Date, place: Place) -> Vec<&'static str> {
    holidays(date.year(), place)
        .unwrap_or_default()
        .into_iter()
        .filter(|holiday| holiday.date == date)
        .map(|holiday| holiday.name)
        .collect()
}

/// Whether `date` is a Saturday, a Sunday or a holiday at `place`.
pub fn is_non_working_day(date: Date, place: Place) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun) || is_holiday(date, place)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::parse_date;

    fn d(raw: &str) -> Date {
        parse_date(raw).expect("valid test date")
    }

    #[test]
    fn easter_matches_known_years() {
        // Published Easter dates.
        for (year, date) in [
            (1900, "1900-04-15"),
            (2008, "2008-03-23"),
            (2024, "2024-03-31"),
            (2027, "2027-03-28"),
            (2038, "2038-04-25"),
            (2200, "2200-04-06"),
        ] {
            assert_eq!(easter_sunday(year), d(date), "{year}");
        }
    }

    #[test]
    fn ascension_and_may_day_share_2008() {
        let list = holidays(2008, Place::PARIS).expect("supported year");
        let first_may: Vec<&str> = list.iter().filter(|h| h.date == d("2008-05-01")).map(|h| h.name).collect();
        assert_eq!(first_may, ["Fête du Travail", "Ascension"]);
        assert_eq!(list.len(), 11);
    }

    #[test]
    fn places_add_their_days() {
        assert!(is_holiday(d("2027-03-26"), Place::parse("alsace-moselle").expect("known")));
        assert!(!is_holiday(d("2027-03-26"), Place::PARIS));
        assert!(is_holiday(d("2027-05-22"), Place::parse("martinique").expect("known")));
        assert!(!Place::parse("saint-martin").expect("known").confirmed());
        assert!(Place::parse("lyon").is_none());
        assert_eq!(holidays(1899, Place::PARIS), None);
    }

    #[test]
    fn table_look_up_agrees_with_the_computus_everywhere() {
        for place in PLACES {
            for year in FIRST_YEAR..=LAST_YEAR {
                let listed: Vec<Date> = holidays(year, place).expect("supported").iter().map(|h| h.date).collect();
                let mut date = NaiveDate::from_ymd_opt(year, 1, 1).expect("exists");
                while date.year() == year {
                    assert_eq!(is_holiday(date, place), listed.contains(&date), "{date} at {place}");
                    date += Duration::days(1);
                }
            }
        }
        let before = NaiveDate::from_ymd_opt(FIRST_YEAR - 1, 12, 25).expect("exists");
        assert!(!is_holiday(before, Place::PARIS));
        assert_eq!(holiday_names(d("2008-05-01"), Place::PARIS), ["Fête du Travail", "Ascension"]);
    }

    #[test]
    fn every_year_has_eleven_names_on_ten_or_eleven_dates_in_paris() {
        for year in FIRST_YEAR..=LAST_YEAR {
            let list = holidays(year, Place::PARIS).expect("supported year");
            assert_eq!(list.len(), 11);
            let mut dates: Vec<Date> = list.iter().map(|h| h.date).collect();
            dates.dedup();
            assert!(dates.len() == 10 || dates.len() == 11, "{year}");
            assert!(list.iter().all(|h| is_holiday(h.date, Place::PARIS)));
        }
    }
}
