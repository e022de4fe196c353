//! Deadline arithmetic exactly as the codes count.
//!
//! Every function returns `None` when the result would leave the calendar
//! greffe supports (years 1900–2200), rather than a wrong date.

use chrono::{Datelike, Duration, Months, Weekday};

use crate::calendar::{self, Place};
use crate::dates::Date;

/// `n` days after `from`, the starting day not counted (CPC 641 al. 1:
/// « celui de l'acte … qui le fait courir ne compte pas »).
pub fn add_days(from: Date, n: u32) -> Option<Date> {
    from.checked_add_signed(Duration::days(i64::from(n))).filter(|d| calendar::is_supported(*d))
}

/// `n` months after `from`: the day of the last month bearing the same
/// number, or that month's last day when there is no such day (CPC 641 al. 2).
pub fn add_months(from: Date, n: u32) -> Option<Date> {
    from.checked_add_months(Months::new(n)).filter(|d| calendar::is_supported(*d))
}

/// Months first, then days (CPC 641 al. 3).
pub fn add_months_then_days(from: Date, months: u32, days: u32) -> Option<Date> {
    add_days(add_months(from, months)?, days)
}

/// End of `n` jours francs after `from`: neither the starting day nor the end
/// day counts, so the deadline ends on `from + n + 1` (CPP; 5 jours francs
/// gave a 7-day window, Crim. 7 février 1989).
pub fn jours_francs_end(from: Date, n: u32) -> Option<Date> {
    add_days(from, n.checked_add(1)?)
}

/// Why a deadline's last day was not a working day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonWorkingCause {
    /// The day is a Saturday.
    Saturday,
    /// The day is a Sunday.
    Sunday,
    /// The day is a public holiday of the place.
    Holiday,
}

/// Why `date` is not a working day at `place`, if it is not one.
pub fn non_working_cause(date: Date, place: Place) -> Option<NonWorkingCause> {
    match date.weekday() {
        Weekday::Sat => Some(NonWorkingCause::Saturday),
        Weekday::Sun => Some(NonWorkingCause::Sunday),
        _ if calendar::is_holiday(date, place) => Some(NonWorkingCause::Holiday),
        _ => None,
    }
}

/// The first day from `date` on that is neither a Saturday, a Sunday nor a
/// holiday of `place`: a deadline that would end on a non-working day is
/// extended to the next working day (CPC 642 al. 2; CPP 801).
pub fn next_working_day(date: Date, place: Place) -> Option<Date> {
    let mut day = date;
    // At most a weekend plus a few holidays: the loop is short.
    while non_working_cause(day, place).is_some() {
        day = day.succ_opt().filter(|d| calendar::is_supported(*d))?;
    }
    Some(day)
}
