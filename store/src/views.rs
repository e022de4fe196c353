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

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace('\n', "\\n")
}

/// Folds a content line at 75 octets (RFC 5545 §3.1).
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

/// An iCalendar document of `events` (local Paris times: morning hearings
/// 9:30–12:30, afternoon 14:00–17:00).
pub fn ics(name: &str, events: &[CalendarEvent]) -> String {
    let mut out = String::new();
    for line in ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//greffe//Cour de cassation//FR", "CALSCALE:GREGORIAN"] {
        out.push_str(&fold(line));
    }
    out.push_str(&fold(&format!("X-WR-CALNAME:{}", escape(name))));
    out.push_str(&fold("X-WR-TIMEZONE:Europe/Paris"));
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
    for event in events {
        let day = event.date.replace('-', "");
        let (start, end) = if event.half_day == "pm" { ("140000", "170000") } else { ("093000", "123000") };
        out.push_str(&fold("BEGIN:VEVENT"));
        out.push_str(&fold(&format!("UID:{}", event.uid)));
        out.push_str(&fold(&format!("DTSTAMP:{stamp}")));
        out.push_str(&fold(&format!("DTSTART:{day}T{start}")));
        out.push_str(&fold(&format!("DTEND:{day}T{end}")));
        out.push_str(&fold(&format!("SUMMARY:{}", escape(&event.summary))));
        if !event.description.is_empty() {
            out.push_str(&fold(&format!("DESCRIPTION:{}", escape(&event.description))));
        }
        if let Some(location) = &event.location {
            out.push_str(&fold(&format!("LOCATION:{}", escape(location))));
        }
        out.push_str(&fold("END:VEVENT"));
    }
    out.push_str(&fold("END:VCALENDAR"));
    out
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
        rows.iter()
            .map(|row| {
                Ok(CalendarDay {
                    sitting: sitting_of(row)?,
                    capacity: rows::int(row, "capacity")?,
                    on_roll: rows::int(row, "on_roll")?,
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
        assert!(text.contains("DTSTART:20270105T140000\r\n"));
        assert!(text.contains("SUMMARY:Audience civ1\\, FS\\; salle\r\n"));
        assert!(text.lines().all(|line| line.len() <= 75), "folded");
        assert!(text.ends_with("END:VCALENDAR\r\n"));
    }
}
