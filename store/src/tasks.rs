//! Task lists from the kept deadlines of open dossiers, soonest first: for
//! a clerk, the parties' deadlines the registry watches in his chambers;
//! for a magistrate, every running deadline of the dossiers where he is
//! rapporteur or avocat général; for a chamber president, the court's own
//! statutory ruling deadlines at risk in his chambers.

use greffe_models::Date;
use greffe_models::deadlines::{DeadlineConfig, DeadlineState};
use greffe_models::registry::DossierStatus;
use serde::Serialize;
use utoipa::ToSchema;

use super::deadlines::running_state;
use super::users::{User, UserRole};
use super::{Store, rows};
use crate::error::{Error, ErrorCode, Result};
use crate::sql::Sql;

/// One task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Task {
    /// Dossier id.
    pub dossier_id: i64,
    /// Pourvoi number.
    pub pourvoi: String,
    /// Chamber.
    pub chamber: String,
    /// Rule id.
    pub rule: String,
    /// What, in French.
    pub label: String,
    /// Article.
    pub article: String,
    /// Who must act (`demandeur`, `defendeur`, `court`).
    pub applies_to: String,
    /// Last day.
    pub due: String,
    /// `pending`, `due_soon` or `missed`.
    pub state: String,
    /// The task, in French.
    pub message: String,
    /// False when the rule is « à confirmer ».
    pub confirmed: bool,
}

/// The tasks of a user.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TaskList {
    /// Day the states are for.
    pub today: String,
    /// Which list this is, in French.
    pub list: String,
    /// Tasks, soonest first.
    pub tasks: Vec<Task>,
}

/// Statuses of dossiers still in the stock, as an SQL list.
pub fn open_statuses_sql() -> String {
    statuses_sql(true)
}

/// Statuses that are open (or closed) as an SQL list (`'registered', …`).
pub fn statuses_sql(open: bool) -> String {
    DossierStatus::ALL
        .iter()
        .filter(|s| s.is_open() == open)
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// The task list of `user` on `today`.
    pub async fn tasks(&self, user: &User, today: Date, config: DeadlineConfig, limit: i64) -> Result<TaskList> {
        let horizon = config.horizon(today).ok_or_else(|| out_of_calendar(today))?.to_string();
        let list = match user.role {
            UserRole::Greffier | UserRole::Admin => "délais des parties à surveiller par le greffe",
            UserRole::PresidentChambre => "délais de jugement de la Cour à tenir (échéance proche ou dépassée)",
            UserRole::Magistrat | UserRole::PremierAvocatGeneral => {
                "dossiers dont vous êtes rapporteur ou avocat général"
            }
            UserRole::Analyste => {
                return Err(Error::invalid(
                    "role",
                    "un analyste n'a pas de liste de tâches",
                    "consulter le tableau de bord",
                ));
            }
        };
        let mut sql = Sql::new(
            "SELECT d.id, d.pourvoi, d.chamber, k.rule, k.label, k.article, k.applies_to, k.due, k.confirmed
             FROM deadlines k JOIN dossiers d ON d.id = k.dossier_id
             WHERE k.settled IS NULL AND k.due IS NOT NULL AND d.status IN (",
        );
        sql.push(&open_statuses_sql()).push(") ");
        // The role's filter, its values bound.
        match user.role {
            UserRole::PresidentChambre => {
                sql.push("AND k.applies_to = 'court' AND k.due <= ").bind(horizon)?;
            }
            UserRole::Magistrat | UserRole::PremierAvocatGeneral => {
                let magistrate = user.magistrate.clone().unwrap_or_default();
                if magistrate.is_empty() {
                    return Err(Error::conflict(
                        ErrorCode::NoMagistrate,
                        "votre compte n'est rattaché à aucun magistrat",
                        "demander à l'administrateur de rattacher le compte à son magistrat",
                    ));
                }
                sql.push("AND (d.avocat_general = ").bind(magistrate.clone())?;
                sql.push(
                    " OR EXISTS (SELECT 1 FROM dossier_rapporteurs r WHERE r.dossier_id = d.id AND r.magistrate = ",
                );
                sql.bind(magistrate)?.push("))");
            }
            UserRole::Greffier | UserRole::Admin | UserRole::Analyste => {
                sql.push("AND k.applies_to IN ('demandeur', 'defendeur')");
            }
        }
        sql.chamber_scope("d.chamber", (!user.covers_all()).then_some(user.chambers.as_slice()))?;
        sql.push(" ORDER BY k.due, d.id, k.rule LIMIT ").bind(limit.clamp(1, 5_000))?;
        let rows = sql.fetch_all(self.pool()).await?;
        let mut tasks = Vec::with_capacity(rows.len());
        for row in &rows {
            let due = rows::date(row, "due")?;
            let state = running_state(due, today, config);
            let label = rows::text(row, "label")?;
            let article = rows::text(row, "article")?;
            let pourvoi = rows::text(row, "pourvoi")?;
            let message = match state {
                DeadlineState::Missed => format!("{pourvoi} : {label} ({article}) expiré le {due}"),
                _ => format!("{pourvoi} : {label} ({article}) à échéance le {due}"),
            };
            tasks.push(Task {
                dossier_id: rows::int(row, "id")?,
                pourvoi,
                chamber: rows::text(row, "chamber")?,
                rule: rows::text(row, "rule")?,
                label,
                article,
                applies_to: rows::text(row, "applies_to")?,
                due: due.to_string(),
                state: super::rows::code_of(&state)?,
                message,
                confirmed: rows::int(row, "confirmed")? != 0,
            });
        }
        Ok(TaskList { today: today.to_string(), list: list.to_owned(), tasks })
    }
}

/// The refusal of a warning window that ends past the calendar.
pub(crate) fn out_of_calendar(today: Date) -> Error {
    Error::invalid(
        "warning_days",
        format!("la fenêtre d'alerte partant du {today} dépasse le calendrier"),
        format!("donner au plus {} jours", DeadlineConfig::MAX_WARNING_DAYS),
    )
}
