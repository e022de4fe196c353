//! A dossier's deadlines, from the deadline engine over its journal.
//!
//! Shown on the dossier: recomputed on every read, for the day asked. Kept
//! in the `deadlines` table for chamber-wide lists (tasks, the dashboard):
//! refreshed in the transaction of every write that touches the dossier's
//! journal. What is kept does not depend on the day: a deadline is either
//! settled (met, missed by a late act, interrupted, closed) or running with
//! its due date, and a running deadline's state on a given day follows from
//! `due` alone ([`running_state`]).

use greffe_models::Date;
use greffe_models::calendar::Place;
use greffe_models::deadlines::{
    Actor, Alert, Catalogue, DeadlineConfig, DeadlineState, DeadlineStatus, DossierContext, Procedure, Residence,
    alerts, closed_on, dossier_deadlines, effective_events,
};
use serde::Serialize;
use sqlx::AnyConnection;
use utoipa::ToSchema;

use super::journal::{self, JournalEntry};
use super::rows;
use super::rows::{code_of, parse_code};
use crate::error::{Error, Result};

/// A day far enough ahead that every running deadline has expired by it.
fn far_future() -> Date {
    Date::from_ymd_opt(9000, 1, 1).unwrap_or(Date::MAX)
}

/// The state on `today` of a running deadline due on `due`.
pub fn running_state(due: Date, today: Date, config: DeadlineConfig) -> DeadlineState {
    if today > due {
        DeadlineState::Missed
    } else if (due - today).num_days() <= i64::from(config.warning_days) {
        DeadlineState::DueSoon
    } else {
        DeadlineState::Pending
    }
}

/// What the engine needs of a dossier: its context and procedural events.
async fn context(connection: &mut AnyConnection, id: i64) -> Result<(DossierContext, Vec<JournalEntry>)> {
    let row = sqlx::query("SELECT procedure, residence_demandeur, residence_defendeur FROM dossiers WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *connection)
        .await?
        .ok_or_else(|| Error::not_found(format!("dossier n° {id}")))?;
    let context = DossierContext {
        procedure: rows::parsed(&row, "procedure", parse_code::<Procedure>)?,
        residence_demandeur: rows::parsed(&row, "residence_demandeur", Residence::parse)?,
        residence_defendeur: rows::parsed(&row, "residence_defendeur", Residence::parse)?,
        place: Place::PARIS,
    };
    let entries = journal::of_dossier(&mut *connection, id).await?;
    Ok((context, entries))
}

fn evaluate(
    context: DossierContext,
    entries: &[JournalEntry],
    today: Date,
    config: DeadlineConfig,
) -> Result<Vec<DeadlineStatus>> {
    let events = journal::procedural_events(entries)?;
    dossier_deadlines(Catalogue::embedded(), context, &events, today, config).map_err(|error| {
        Error::invalid(
            "date",
            format!("les délais ne peuvent être calculés : {error}"),
            "vérifier les dates des événements",
        )
    })
}

/// Recomputes the kept deadlines of a dossier (within the write).
pub async fn refresh(connection: &mut AnyConnection, id: i64) -> Result<()> {
    let (context, entries) = context(connection, id).await?;
    let statuses = evaluate(context, &entries, far_future(), DeadlineConfig::default())?;
    sqlx::query("DELETE FROM deadlines WHERE dossier_id = $1").bind(id).execute(&mut *connection).await?;
    for status in &statuses {
        let settled = match status.state {
            DeadlineState::Met => Some("met"),
            DeadlineState::Interrupted => Some("interrupted"),
            DeadlineState::Closed => Some("closed"),
            DeadlineState::Missed if status.met_on.is_some() => Some("missed"),
            DeadlineState::Missed | DeadlineState::Pending | DeadlineState::DueSoon => None,
        };
        sqlx::query(
            "INSERT INTO deadlines (dossier_id, rule, label, article, applies_to, due, settled, confirmed)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(&status.rule)
        .bind(&status.label)
        .bind(&status.article)
        .bind(code_of(&status.applies_to)?)
        .bind(status.due.map(|d| d.to_string()))
        .bind(settled)
        .bind(i64::from(status.confirmed))
        .execute(&mut *connection)
        .await?;
    }
    Ok(())
}

/// A dossier's deadlines and alerts on a day.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DossierDeadlines {
    /// The day the states are for.
    #[schema(value_type = String, format = Date)]
    pub today: Date,
    /// Every applicable deadline with its state, from the rule catalogue.
    #[schema(value_type = Vec<Object>)]
    pub deadlines: Vec<DeadlineStatus>,
    /// What must be done, soonest first.
    #[schema(value_type = Vec<Object>)]
    pub alerts: Vec<Alert>,
}

/// Computes a dossier's deadlines on `today`.
pub async fn of_dossier(
    connection: &mut AnyConnection,
    id: i64,
    today: Date,
    config: DeadlineConfig,
) -> Result<DossierDeadlines> {
    let (context, entries) = context(connection, id).await?;
    let deadlines = evaluate(context, &entries, today, config)?;
    // A closed dossier (decided, withdrawn) calls for no act: a deadline
    // missed before its close stays missed, and alerts nobody.
    let events = effective_events(&journal::procedural_events(&entries)?).map_err(Error::internal)?;
    let alerts = if closed_on(&events).is_some_and(|day| day <= today) { Vec::new() } else { alerts(&deadlines) };
    Ok(DossierDeadlines { today, deadlines, alerts })
}

/// Who must act on a kept deadline, parsed.
pub fn actor_of(code: &str) -> Option<Actor> {
    parse_code(code)
}

impl super::Store {
    /// The deadlines of dossier `id` on `today`, with their states.
    pub async fn dossier_deadlines(&self, id: i64, today: Date, config: DeadlineConfig) -> Result<DossierDeadlines> {
        let mut connection = self.pool().acquire().await?;
        of_dossier(&mut connection, id, today, config).await
    }
}
