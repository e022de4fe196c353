//! Views of the published plans: a hearing's roll (rôle d'audience), a
//! magistrate's agenda, a chamber's calendar — as JSON and as iCalendar
//! (RFC 5545) events.

use greffe_models::Date;
use serde::Serialize;
use utoipa::ToSchema;

use super::{Store, rows};
use crate::error::{Error, Result};

/// A hearing's place in time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Sitting {
    /// Hearing id.
    pub hearing: String,
    /// Chamber.
    pub chamber: String,
    /// Day.
    #[schema(format = Date)]
    pub date: String,
    /// `am` or `pm`.
    pub half_day: String,
    /// Formation.
    pub formation: String,
    /// Room.
    pub room: Option<String>,
}

/// One dossier on a roll.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RollEntry {
    /// Order of call.
    pub position: i64,
    /// Dossier id.
    pub dossier_id: i64,
    /// Pourvoi number.
    pub pourvoi: String,
    /// Rapporteurs.
    pub rapporteurs: Vec<String>,
    /// Avocat général.
    pub avocat_general: Option<String>,
}

/// A bench member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Seat {
    /// Magistrate id.
    pub magistrate: String,
    /// Name.
    pub name: String,
    /// Whether he presides.
    pub presides: bool,
}

/// A hearing's published roll.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Roll {
    /// The hearing.
    #[serde(flatten)]
    pub sitting: Sitting,
    /// Whether a roll is published for it.
    pub published: bool,
    /// Dossiers in the order of call.
    pub dossiers: Vec<RollEntry>,
    /// The bench, president first.
    pub bench: Vec<Seat>,
    /// Avocats généraux attending.
    pub avocats_generaux: Vec<String>,
}

/// One hearing of a magistrate's agenda.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AgendaItem {
    /// The hearing.
    #[serde(flatten)]
    pub sitting: Sitting,
    /// `preside`, `siege`, `rapporteur`, `avocat_general` (several possible).
    pub capacities: Vec<String>,
    /// Dossiers he reports or concludes on there.
    pub dossiers: Vec<String>,
}

/// An open dossier of a magistrate, as rapporteur or avocat général, and
/// what he has still to file for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct MagistrateDossier {
    /// Dossier id.
    pub id: i64,
    /// Pourvoi number.
    pub pourvoi: String,
    /// Chamber.
    pub chamber: String,
    /// Status code.
    pub status: String,
    /// He reports on it (else he gives the opinion as avocat général).
    pub rapporteur: bool,
    /// His act is on the journal: the report (rapporteur) or the opinion
    /// (avocat général).
    pub filed: bool,
    /// The next hearing whose published roll holds it, from today.
    pub next_hearing: Option<String>,
}

/// One hearing of a chamber's calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CalendarDay {
    /// The hearing.
    #[serde(flatten)]
    pub sitting: Sitting,
    /// Capacity.
    pub capacity: i64,
    /// Dossiers on its published roll.
    pub on_roll: i64,
    /// Its published bench, the president first then by rank, as the roll
    /// lists it (magistrate ids); empty before publication.
    pub bench: Vec<String>,
}

/// An iCalendar event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEvent {
    /// Stable id.
    pub uid: String,
    /// Day.
    pub date: String,
    /// `am` or `pm`.
    pub half_day: String,
    /// Title.
    pub summary: String,
    /// Description.
    pub description: String,
    /// Room.
    pub location: Option<String>,
}

fn sitting_of(row: &sqlx::any::AnyRow) -> Result<Sitting> {
    Ok(Sitting {
        hearing: rows::text(row, "id")?,
        chamber: rows::text(row, "chamber")?,
        date: rows::text(row, "date")?,
        half_day: rows::text(row, "half_day")?,
        formation: rows::text(row, "formation")?,
        room: rows::opt_text(row, "room")?,
    })
}

fn sitting_event(sitting: &Sitting, summary: String, description: String) -> CalendarEvent {
    CalendarEvent {
        uid: format!("{}@greffe", sitting.hearing),
        date: sitting.date.clone(),
        half_day: sitting.half_day.clone(),
        summary,
        description,
        location: sitting.room.clone(),
    }
}

impl Roll {
    /// The roll as a calendar event.
    pub fn event(&self) -> CalendarEvent {
        let lines: Vec<String> = self
            .dossiers
            .iter()
            .map(|d| format!("{}. {} (rapporteur {})", d.position, d.pourvoi, d.rapporteurs.join(", ")))
            .collect();
        let bench: Vec<&str> = self.bench.iter().map(|s| s.name.as_str()).collect();
        sitting_event(
            &self.sitting,
            format!("Audience {} {} ({})", self.sitting.chamber, self.sitting.formation, self.sitting.hearing),
            format!("Composition : {}\n{}", bench.join(", "), lines.join("\n")),
        )
    }
}

impl AgendaItem {
    /// The agenda item as a calendar event.
    pub fn event(&self) -> CalendarEvent {
        sitting_event(
            &self.sitting,
            format!("Audience {} {} — {}", self.sitting.chamber, self.sitting.formation, self.capacities.join(", ")),
            if self.dossiers.is_empty() { String::new() } else { format!("Dossiers : {}", self.dossiers.join(", ")) },
        )
    }
}

impl CalendarDay {
    /// The calendar day as an event.
    pub fn event(&self) -> CalendarEvent {
        sitting_event(
            &self.sitting,
            format!("Audience {} {} ({})", self.sitting.chamber, self.sitting.formation, self.sitting.hearing),
            format!("{} dossier(s) au rôle sur {}", self.on_roll, self.capacity),
        )
    }
}

/// The court's time zone, as iCalendar defines it (RFC 5545 §3.6.5): the
/// European Union's rule since 1996 — summer time from the last Sunday of
/// March at 02:00 to the last Sunday of October at 03:00 (directive
/// 2000/84/CE). Written as a constant block: the `icalendar` crate would
/// stamp a DTSTAMP and a UID into a VTIMEZONE, which RFC 5545 does not allow
/// there.
const PARIS_VTIMEZONE: &str = "BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\n\
BEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nDTSTART:19960331T020000\r\n\
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\n\
BEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nDTSTART:19961027T030000\r\n\
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\n\
END:VTIMEZONE\r\n";

/// The court's time zone id.
pub const TZID: &str = "Europe/Paris";

/// An iCalendar document of `events`, in Paris local time with its
/// `VTIMEZONE` (morning hearings 9:30–12:30, afternoon 14:00–17:00); the
/// calendar and its events are written by the `icalendar` crate (escaping,
/// folding, CRLF).
pub fn ics(name: &str, events: &[CalendarEvent]) -> String {
    use icalendar::{Calendar, CalendarDateTime, Component, Event, EventLike, Property};
    let mut calendar = Calendar::empty();
    calendar
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", "-//greffe//Cour de cassation//FR"))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .name(name);
    for event in events {
        let Ok(date) = greffe_models::dates::parse_date(&event.date) else {
            tracing::error!(date = %event.date, uid = %event.uid, "calendar event without a valid date left out");
            continue;
        };
        let ((start_h, start_m), (end_h, end_m)) =
            if event.half_day == "pm" { ((14, 0), (17, 0)) } else { ((9, 30), (12, 30)) };
        let at = |hour: u32, minute: u32| CalendarDateTime::WithTimezone {
            date_time: date.and_hms_opt(hour, minute, 0).unwrap_or_default(),
            tzid: TZID.to_owned(),
        };
        let mut item = Event::new();
        item.uid(&event.uid).summary(&event.summary).starts(at(start_h, start_m)).ends(at(end_h, end_m));
        if !event.description.is_empty() {
            item.description(&event.description);
        }
        if let Some(location) = &event.location {
            item.location(location);
        }
        calendar.push(item.done());
    }
    let text = calendar.done().to_string();
    // The time zone goes before the first component (or the end).
    let at = text.find("BEGIN:VEVENT").or_else(|| text.find("END:VCALENDAR")).unwrap_or(text.len());
    format!("{}{PARIS_VTIMEZONE}{}", &text[..at], &text[at..])
}

const SITTING: &str = "h.id, h.chamber, h.date, h.half_day, h.formation, h.room";

impl Store {
    /// A hearing's roll.
    pub async fn roll(&self, hearing: &str) -> Result<Roll> {
        let pool = self.pool();
        let row = sqlx::query(&format!("SELECT {SITTING} FROM hearings h WHERE h.id = $1"))
            .bind(hearing)
            .fetch_optional(pool)
            .await?
            .ok_or_else(|| Error::not_found(format!("audience « {hearing} »")))?;
        let sitting = sitting_of(&row)?;
        let mut dossiers = Vec::new();
        for row in sqlx::query(
            "SELECT r.position, d.id, d.pourvoi, d.avocat_general FROM hearing_roll r JOIN dossiers d ON d.id = r.dossier_id
             WHERE r.hearing_id = $1 ORDER BY r.position",
        )
        .bind(hearing)
        .fetch_all(pool)
        .await?
        {
            let id = rows::int(&row, "id")?;
            let rapporteurs: Vec<String> =
                sqlx::query_scalar("SELECT magistrate FROM dossier_rapporteurs WHERE dossier_id = $1 ORDER BY magistrate")
                    .bind(id)
                    .fetch_all(pool)
                    .await?;
            dossiers.push(RollEntry {
                position: rows::int(&row, "position")?,
                dossier_id: id,
                pourvoi: rows::text(&row, "pourvoi")?,
                rapporteurs,
                avocat_general: rows::opt_text(&row, "avocat_general")?,
            });
        }
        let mut bench = Vec::new();
        for row in sqlx::query(
            "SELECT b.magistrate, b.presides, m.name FROM hearing_bench b JOIN magistrates m ON m.id = b.magistrate
             WHERE b.hearing_id = $1 ORDER BY b.presides DESC, m.rank, m.id",
        )
        .bind(hearing)
        .fetch_all(pool)
        .await?
        {
            bench.push(Seat {
                magistrate: rows::text(&row, "magistrate")?,
                name: rows::text(&row, "name")?,
                presides: rows::int(&row, "presides")? != 0,
            });
        }
        let mut avocats_generaux: Vec<String> = dossiers.iter().filter_map(|d| d.avocat_general.clone()).collect();
        avocats_generaux.sort();
        avocats_generaux.dedup();
        Ok(Roll { sitting, published: !dossiers.is_empty(), dossiers, bench, avocats_generaux })
    }

    /// The open dossiers of `magistrate`, as rapporteur or avocat général:
    /// those on a coming hearing first (soonest first), then by
    /// registration.
    pub async fn magistrate_dossiers(&self, magistrate: &str, today: Date) -> Result<Vec<MagistrateDossier>> {
        let open = super::tasks::open_statuses_sql();
        // His dossiers first, from the two indexes that name him (rapporteur,
        // avocat général), then what each needs: no scan of the stock.
        let mut sql = crate::sql::Sql::new("SELECT d.id, d.pourvoi, d.chamber, d.status, d.registered_on, ");
        sql.push("CASE WHEN EXISTS (SELECT 1 FROM dossier_rapporteurs r WHERE r.dossier_id = d.id AND r.magistrate = ")
            .bind(magistrate.to_owned())?
            .push(") THEN 1 ELSE 0 END AS rapporteur, ");
        sql.push("CASE WHEN EXISTS (SELECT 1 FROM journal j WHERE j.dossier_id = d.id AND j.kind = 'depot_rapport') THEN 1 ELSE 0 END AS report, ");
        sql.push("CASE WHEN EXISTS (SELECT 1 FROM journal j WHERE j.dossier_id = d.id AND j.kind = 'avis_avocat_general') THEN 1 ELSE 0 END AS opinion, ");
        sql.push("(SELECT MIN(h.date) FROM hearing_roll hr JOIN hearings h ON h.id = hr.hearing_id WHERE hr.dossier_id = d.id AND h.date >= ")
            .bind(today.to_string())?
            .push(") AS next_hearing FROM (SELECT r.dossier_id AS id FROM dossier_rapporteurs r WHERE r.magistrate = ")
            .bind(magistrate.to_owned())?
            .push(" UNION SELECT a.id FROM dossiers a WHERE a.avocat_general = ")
            .bind(magistrate.to_owned())?
            .push(") mine JOIN dossiers d ON d.id = mine.id WHERE d.status IN (")
            .push(&open)
            .push(") ORDER BY next_hearing NULLS LAST, d.registered_on, d.id LIMIT 500");
        let rows = sql.fetch_all(self.pool()).await?;
        rows.iter()
            .map(|row| {
                let rapporteur = rows::int(row, "rapporteur")? != 0;
                Ok(MagistrateDossier {
                    id: rows::int(row, "id")?,
                    pourvoi: rows::text(row, "pourvoi")?,
                    chamber: rows::text(row, "chamber")?,
                    status: rows::text(row, "status")?,
                    rapporteur,
                    filed: rows::int(row, if rapporteur { "report" } else { "opinion" })? != 0,
                    next_hearing: rows::opt_text(row, "next_hearing")?,
                })
            })
            .collect()
    }

    /// The hearings whose published roll holds dossier `id`, latest first.
    pub async fn dossier_sittings(&self, id: i64) -> Result<Vec<Sitting>> {
        sqlx::query(&format!(
            "SELECT {SITTING} FROM hearing_roll r JOIN hearings h ON h.id = r.hearing_id
             WHERE r.dossier_id = $1 ORDER BY h.date DESC, h.half_day DESC"
        ))
        .bind(id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(sitting_of)
        .collect()
    }

    /// A magistrate's agenda between two days.
    pub async fn agenda(&self, magistrate: &str, from: Date, to: Date) -> Result<Vec<AgendaItem>> {
        let pool = self.pool();
        self.magistrate(magistrate).await?;
        let rows = sqlx::query(&format!(
            "SELECT {SITTING} FROM hearings h WHERE h.date >= $2 AND h.date <= $3 AND (
                 h.id IN (SELECT hearing_id FROM hearing_bench WHERE magistrate = $1)
              OR h.id IN (SELECT r.hearing_id FROM hearing_roll r JOIN dossier_rapporteurs p ON p.dossier_id = r.dossier_id
                          WHERE p.magistrate = $1)
              OR h.id IN (SELECT r.hearing_id FROM hearing_roll r JOIN dossiers d ON d.id = r.dossier_id
                          WHERE d.avocat_general = $1))
             ORDER BY h.date, h.half_day, h.id"
        ))
        .bind(magistrate)
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(pool)
        .await?;
        let mut agenda = Vec::new();
        for row in &rows {
            let sitting = sitting_of(row)?;
            let mut capacities = Vec::new();
            let seat: Option<i64> =
                sqlx::query_scalar("SELECT presides FROM hearing_bench WHERE hearing_id = $1 AND magistrate = $2")
                    .bind(&sitting.hearing)
                    .bind(magistrate)
                    .fetch_optional(pool)
                    .await?;
            match seat {
                Some(1) => capacities.push("preside".to_owned()),
                Some(_) => capacities.push("siege".to_owned()),
                None => {}
            }
            let reports: Vec<String> = sqlx::query_scalar(
                "SELECT d.pourvoi FROM hearing_roll r JOIN dossier_rapporteurs p ON p.dossier_id = r.dossier_id
                 JOIN dossiers d ON d.id = r.dossier_id WHERE r.hearing_id = $1 AND p.magistrate = $2 ORDER BY r.position",
            )
            .bind(&sitting.hearing)
            .bind(magistrate)
            .fetch_all(pool)
            .await?;
            let concludes: Vec<String> = sqlx::query_scalar(
                "SELECT d.pourvoi FROM hearing_roll r JOIN dossiers d ON d.id = r.dossier_id
                 WHERE r.hearing_id = $1 AND d.avocat_general = $2 ORDER BY r.position",
            )
            .bind(&sitting.hearing)
            .bind(magistrate)
            .fetch_all(pool)
            .await?;
            if !reports.is_empty() {
                capacities.push("rapporteur".to_owned());
            }
            if !concludes.is_empty() {
                capacities.push("avocat_general".to_owned());
            }
            let mut dossiers = reports;
            dossiers.extend(concludes);
            agenda.push(AgendaItem { sitting, capacities, dossiers });
        }
        Ok(agenda)
    }

    /// A chamber's calendar between two days.
    pub async fn calendar(&self, chamber: &str, from: Date, to: Date) -> Result<Vec<CalendarDay>> {
        self.chamber(chamber).await?;
        let rows = sqlx::query(&format!(
            "SELECT {SITTING}, h.capacity, (SELECT COUNT(*) FROM hearing_roll r WHERE r.hearing_id = h.id) AS on_roll
             FROM hearings h WHERE h.chamber = $1 AND h.date >= $2 AND h.date <= $3 ORDER BY h.date, h.half_day, h.id"
        ))
        .bind(chamber)
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(self.pool())
        .await?;
        let mut benches: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
        for row in sqlx::query(
            "SELECT b.hearing_id, b.magistrate FROM hearing_bench b JOIN hearings h ON h.id = b.hearing_id
             JOIN magistrates m ON m.id = b.magistrate
             WHERE h.chamber = $1 AND h.date >= $2 AND h.date <= $3
             ORDER BY b.hearing_id, b.presides DESC, m.rank, m.id",
        )
        .bind(chamber)
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(self.pool())
        .await?
        {
            benches.entry(rows::text(&row, "hearing_id")?).or_default().push(rows::text(&row, "magistrate")?);
        }
        rows.iter()
            .map(|row| {
                let sitting = sitting_of(row)?;
                let bench = benches.remove(&sitting.hearing).unwrap_or_default();
                Ok(CalendarDay {
                    sitting,
                    capacity: rows::int(row, "capacity")?,
                    on_roll: rows::int(row, "on_roll")?,
                    bench,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icalendar_lines_are_escaped_and_folded() {
        let event = CalendarEvent {
            uid: "h1@greffe".into(),
            date: "2027-01-05".into(),
            half_day: "pm".into(),
            summary: "Audience civ1, FS; salle".into(),
            description: "x".repeat(200),
            location: None,
        };
        let text = ics("rôle", &[event]);
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(text.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\n"), "{text}");
        assert!(text.contains("DTSTART;TZID=Europe/Paris:20270105T140000\r\n"), "{text}");
        assert!(text.contains("DTEND;TZID=Europe/Paris:20270105T170000\r\n"), "{text}");
        assert!(!text.contains("X-WR-TIMEZONE"), "no floating times");
        let zone = &text[text.find("BEGIN:VTIMEZONE").unwrap_or(0)..text.find("END:VTIMEZONE").unwrap_or(0)];
        assert!(!zone.contains("DTSTAMP") && !zone.contains("UID"), "RFC 5545: no DTSTAMP or UID in a VTIMEZONE");
        assert_eq!(text.matches("PRODID").count(), 1);
        assert!(text.contains("SUMMARY:Audience civ1\\, FS\\; salle\r\n"));
        assert!(text.lines().all(|line| line.len() <= 75), "folded: {text}");
        assert!(text.ends_with("END:VCALENDAR\r\n"));
    }
}
