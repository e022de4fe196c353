//! A chamber's hearing calendar, by week or by month: each hearing with its
//! half-day, formation, the dossiers on its roll against its capacity, its
//! published bench and president, and where its planning stands — no plan
//! yet, a draft, a validated plan, published, or published by an amendment
//! (drafts and validated plans only for the chamber's members, as the API
//! shows them). Each hearing links to its page (roll, iCalendar).

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Datelike;
use greffe_models::Date;
use greffe_models::access::View;
use greffe_models::dates::{WEEKDAYS_FR, month_fr};
use greffe_models::plan_status::PlanStatus;
use greffe_store::plans::PlanSummary;
use greffe_store::views::CalendarDay;

use super::forms::Fields;
use super::pages::{HeaderMember, failure_as, render};
use super::session::Member;
use crate::api::AppState;
use crate::error::Error;

/// Where the calendar is.
pub const HOME: &str = "/portail/calendrier";

/// The days a chamber sits: Monday to Friday.
const DAYS_FR: &[&str] = WEEKDAYS_FR.split_at(5).0;

/// One hearing in a calendar cell.
#[derive(Debug, Clone)]
pub struct Sitting {
    id: String,
    half_day: &'static str,
    formation: String,
    on_roll: i64,
    capacity: i64,
    president: Option<String>,
    bench: String,
    status: &'static str,
    badge: &'static str,
}

/// One weekday of the calendar.
#[derive(Debug, Clone)]
pub struct DayCell {
    /// `lundi 4 janvier`.
    label: String,
    /// Outside the month shown (month view).
    outside: bool,
    today: bool,
    morning: Vec<Sitting>,
    afternoon: Vec<Sitting>,
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    member: Option<HeaderMember>,
    chambers: Vec<(String, bool)>,
    chamber: String,
    month: bool,
    title: String,
    /// Monday of the week, or any day of the month, as the links carry it.
    previous: String,
    next: String,
    today: String,
    /// The day the period was asked around.
    around: String,
    /// The columns' heads: the days (week), the weekdays (month).
    headers: Vec<String>,
    /// Weeks of five days (one week in the week view).
    weeks: Vec<Vec<DayCell>>,
    hearings: usize,
    /// The member sees drafts and validated plans of the chamber.
    drafts: bool,
}

fn day_label(day: Date) -> String {
    let weekday = DAYS_FR.get(day.weekday().num_days_from_monday() as usize).copied().unwrap_or("");
    format!("{weekday} {} {}", day.day(), month_fr(day))
}

fn monday_of(day: Date) -> Date {
    day - chrono::Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// Where a hearing's planning stands: its published roll first, else the
/// most advanced plan whose horizon holds its day.
fn status_of(day: &CalendarDay, plans: &[PlanSummary]) -> (&'static str, &'static str) {
    let covering = |status: PlanStatus| {
        plans
            .iter()
            .find(|p| p.status == status && p.horizon_start <= day.sitting.date && day.sitting.date <= p.horizon_end)
    };
    if day.on_roll > 0 || !day.bench.is_empty() {
        return match covering(PlanStatus::Published) {
            Some(plan) if plan.amends.is_some() => ("avenant", "fr-badge--warning"),
            _ => ("publié", "fr-badge--success"),
        };
    }
    if covering(PlanStatus::Validated).is_some() {
        ("validé", "fr-badge--new")
    } else if covering(PlanStatus::Draft).is_some() {
        ("projet", "fr-badge--info")
    } else {
        ("sans projet", "")
    }
}

async fn calendar_page(state: &AppState, member: &Member, query: &Fields) -> Result<CalendarPage, Error> {
    member.caller().require_view(&state.visibility, View::Published)?;
    let codes: Vec<String> = state.store.chambers().await?.into_iter().map(|c| c.chamber.code).collect();
    let user = &member.session.user;
    let asked = query.opt("chambre").map(|c| c.trim().to_owned());
    if let Some(unknown) = asked.as_ref().filter(|c| !codes.contains(c)) {
        return Err(Error::invalid(
            "chambre",
            format!("chambre « {unknown} » inconnue"),
            format!("choisir l'une des chambres : {}", codes.join(", ")),
        ));
    }
    let chamber = asked
        .or_else(|| codes.iter().find(|c| user.chambers.iter().any(|own| own == *c)).cloned())
        .or_else(|| codes.first().cloned())
        .ok_or_else(|| Error::not_found("chambre"))?;
    let month = query.get("vue") == "mois";
    let today = state.today();
    let around = match query.opt("date") {
        Some(raw) => greffe_models::dates::parse_date(raw.trim())
            .map_err(|error| Error::invalid("date", format!("« {raw} » : {error}"), "donner une date AAAA-MM-JJ"))?,
        None => today,
    };
    let (first, last, previous, next, title) = if month {
        let start = around.with_day(1).unwrap_or(around);
        let after = start.checked_add_months(chrono::Months::new(1)).unwrap_or(start);
        let before = start.checked_sub_months(chrono::Months::new(1)).unwrap_or(start);
        let title = format!("{} {}", month_fr(start), start.year());
        (monday_of(start), after - chrono::Duration::days(1), before, after, title)
    } else {
        let monday = monday_of(around);
        let friday = monday + chrono::Duration::days(4);
        let title = format!("semaine du {} {}", day_label(monday), monday.year());
        (monday, friday, monday - chrono::Duration::days(7), monday + chrono::Duration::days(7), title)
    };
    let drafts = member.reads(View::Drafts) && user.covers(&chamber);
    let plans = state.store.plans(Some(std::slice::from_ref(&chamber)), !drafts).await?;
    let days = state.store.calendar(&chamber, first, last).await?;
    let names: HashMap<String, String> =
        state.store.magistrates(None).await?.into_iter().map(|m| (m.magistrate.id, m.magistrate.name)).collect();
    let name = |id: &String| names.get(id).cloned().unwrap_or_else(|| id.clone());
    let hearings = days.len();
    let mut by_day: BTreeMap<String, Vec<&CalendarDay>> = BTreeMap::new();
    for day in &days {
        by_day.entry(day.sitting.date.clone()).or_default().push(day);
    }
    let mut weeks = Vec::new();
    let mut monday = first;
    while monday <= last {
        let week = (0..5)
            .map(|offset| {
                let day = monday + chrono::Duration::days(offset);
                let mut cell = DayCell {
                    label: day_label(day),
                    outside: month && day.month() != around.month(),
                    today: day == today,
                    morning: Vec::new(),
                    afternoon: Vec::new(),
                };
                for hearing in by_day.get(&day.to_string()).into_iter().flatten() {
                    let (status, badge) = status_of(hearing, &plans);
                    let sitting = Sitting {
                        id: hearing.sitting.hearing.clone(),
                        half_day: if hearing.sitting.half_day == "pm" { "après-midi" } else { "matin" },
                        formation: hearing.sitting.formation.clone(),
                        on_roll: hearing.on_roll,
                        capacity: hearing.capacity,
                        president: hearing.bench.first().map(&name),
                        bench: hearing.bench.iter().skip(1).map(&name).collect::<Vec<_>>().join(", "),
                        status,
                        badge,
                    };
                    if hearing.sitting.half_day == "pm" {
                        cell.afternoon.push(sitting);
                    } else {
                        cell.morning.push(sitting);
                    }
                }
                cell
            })
            .collect();
        weeks.push(week);
        monday += chrono::Duration::days(7);
    }
    Ok(CalendarPage {
        member: Some(HeaderMember::of(member, HOME)),
        chambers: codes.iter().map(|c| (c.clone(), *c == chamber)).collect(),
        chamber,
        month,
        title,
        previous: previous.to_string(),
        next: next.to_string(),
        today: today.to_string(),
        around: around.to_string(),
        headers: if month {
            DAYS_FR.iter().map(|d| (*d).to_owned()).collect()
        } else {
            (0..5).map(|offset| day_label(first + chrono::Duration::days(offset))).collect()
        },
        weeks,
        hearings,
        drafts,
    })
}

/// `GET /portail/calendrier?chambre=…&vue=semaine|mois&date=AAAA-MM-JJ`.
pub async fn page(State(state): State<AppState>, member: Member, RawQuery(raw): RawQuery) -> Response {
    let query = Fields::parse(raw.unwrap_or_default().as_bytes());
    match calendar_page(&state, &member, &query).await {
        Ok(page) => render(&page, StatusCode::OK),
        Err(error) => failure_as(&member, &error),
    }
}
