//! The stock dashboard, computed from the store on each request: counts by
//! chamber and status, open dossiers by circuit and age, the pipeline of
//! dossiers ready for hearing, the court's deadlines at risk, time from
//! registration to decision and the clearance rate over a period.
//!
//! The stock figures read the counts that the triggers of migration 0006
//! keep in the transaction of every write to `dossiers` (`stock_counts`,
//! `registrations_by_day`); [`Store::stock_count_drift`] recounts them.

use std::collections::BTreeMap;

use greffe_models::Date;
use serde::Serialize;
use utoipa::ToSchema;

use super::tasks::open_statuses_sql;
use greffe_models::registry::DossierStatus;

use sqlx::{Any, Transaction};

use super::{Store, rows};
use crate::error::Result;
use crate::sql::Sql;

/// Age buckets of open dossiers, in months since registration.
pub const AGE_BUCKETS: [(&str, u32); 4] =
    [("moins_6_mois", 6), ("6_12_mois", 12), ("12_24_mois", 24), ("plus_24_mois", u32::MAX)];

/// Figures of one chamber.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ChamberFigures {
    /// Dossiers by status (all dossiers ever registered).
    pub by_status: BTreeMap<String, i64>,
    /// Open dossiers by circuit (`none` when not yet oriented).
    pub open_by_circuit: BTreeMap<String, i64>,
    /// Open dossiers by age bucket.
    pub open_by_age: BTreeMap<String, i64>,
    /// Open dossiers.
    pub open: i64,
    /// Dossiers ready for a hearing.
    pub ready: i64,
    /// Registration date of the oldest ready dossier.
    pub oldest_ready: Option<String>,
    /// The court's running deadlines due within the warning window.
    pub court_deadlines_due_soon: i64,
    /// The court's running deadlines already expired.
    pub court_deadlines_missed: i64,
    /// Dossiers registered in the period.
    pub registered_in_period: i64,
    /// Dossiers decided in the period.
    pub decided_in_period: i64,
    /// Decided / registered in the period (none when nothing was registered).
    pub clearance_rate: Option<f64>,
    /// Mean days from registration to decision, for decisions in the period.
    pub mean_days_to_decision: Option<f64>,
    /// Median days from registration to decision.
    pub median_days_to_decision: Option<i64>,
}

/// The dashboard.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Dashboard {
    /// Day the figures are for.
    pub today: String,
    /// Period of the flow figures (registrations, decisions).
    pub period_from: String,
    /// End of the period, included.
    pub period_to: String,
    /// Every chamber in scope, then `total`.
    pub chambers: BTreeMap<String, ChamberFigures>,
}

fn months_before(today: Date, months: u32) -> Date {
    today.checked_sub_months(chrono::Months::new(months)).unwrap_or(Date::MIN)
}

impl Store {
    /// The dashboard on `today`, flows over `[from, to]`, for `chambers`
    /// (none: all).
    pub async fn dashboard(
        &self,
        today: Date,
        from: Date,
        to: Date,
        warning_days: u32,
        chambers: Option<&[String]>,
    ) -> Result<Dashboard> {
        let open = open_statuses_sql();
        let bounds: Vec<String> =
            AGE_BUCKETS[..3].iter().map(|(_, months)| months_before(today, *months).to_string()).collect();
        let horizon = greffe_models::deadlines::DeadlineConfig { warning_days }
            .horizon(today)
            .ok_or_else(|| super::tasks::out_of_calendar(today))?
            .to_string();
        let today_text = today.to_string();
        let (from_text, to_text) = (from.to_string(), to.to_string());
        // The stock by chamber, status and circuit, and by registration day,
        // as the triggers of migration 0006 keep them: some hundreds of rows
        // instead of every dossier.
        let mut counts_sql = Sql::new("SELECT s.chamber, s.status, s.circuit, s.n FROM stock_counts s WHERE s.n > 0");
        counts_sql.chamber_scope("s.chamber", chambers)?;
        let mut days_sql = Sql::new("SELECT r.chamber, ");
        days_sql.push("CAST(SUM(CASE WHEN r.open = 1 AND r.registered_on > ").bind(bounds[0].clone())?;
        days_sql.push(" THEN r.n ELSE 0 END) AS BIGINT) AS b0, ");
        days_sql.push("CAST(SUM(CASE WHEN r.open = 1 AND r.registered_on <= ").bind(bounds[0].clone())?;
        days_sql.push(" AND r.registered_on > ").bind(bounds[1].clone())?;
        days_sql.push(" THEN r.n ELSE 0 END) AS BIGINT) AS b1, ");
        days_sql.push("CAST(SUM(CASE WHEN r.open = 1 AND r.registered_on <= ").bind(bounds[1].clone())?;
        days_sql.push(" AND r.registered_on > ").bind(bounds[2].clone())?;
        days_sql.push(" THEN r.n ELSE 0 END) AS BIGINT) AS b2, ");
        days_sql.push("CAST(SUM(CASE WHEN r.open = 1 AND r.registered_on <= ").bind(bounds[2].clone())?;
        days_sql.push(" THEN r.n ELSE 0 END) AS BIGINT) AS b3, ");
        days_sql.push("CAST(SUM(CASE WHEN r.registered_on >= ").bind(from_text.clone())?;
        days_sql.push(" AND r.registered_on <= ").bind(to_text.clone())?;
        days_sql.push(" THEN r.n ELSE 0 END) AS BIGINT) AS registered FROM registrations_by_day r WHERE r.n > 0");
        days_sql.chamber_scope("r.chamber", chambers)?.push(" GROUP BY r.chamber");
        // The oldest ready dossier of each chamber (the covering index on
        // status, chamber, circuit and registration day).
        let mut oldest_sql =
            Sql::new("SELECT d.chamber, MIN(d.registered_on) AS oldest FROM dossiers d WHERE d.status = ");
        oldest_sql.bind(DossierStatus::Ready.as_str().to_owned())?;
        oldest_sql.chamber_scope("d.chamber", chambers)?.push(" GROUP BY d.chamber");
        let mut risk_sql = Sql::new("SELECT d.chamber, CASE WHEN k.due < ");
        risk_sql.bind(today_text)?.push(" THEN 1 ELSE 0 END AS missed, COUNT(*) AS n ");
        risk_sql.push("FROM deadlines k JOIN dossiers d ON d.id = k.dossier_id ");
        risk_sql.push("WHERE k.settled IS NULL AND k.applies_to = 'court' AND k.due <= ").bind(horizon)?;
        risk_sql.push(&format!(" AND d.status IN ({open})"));
        // By position: the select list's CASE, whose parameter is bound once.
        risk_sql.chamber_scope("d.chamber", chambers)?.push(" GROUP BY 1, 2");
        // Days to decision as a histogram per chamber (exact mean and median).
        // The one planner hint of the store, for SQLite only: without
        // statistics it would take the date index and sort the period to
        // group it; PostgreSQL's planner takes the date index, and is faster
        // so (migration 0005, docs/benchmarks.md).
        let hint = if self.backend() == crate::Backend::Sqlite { " INDEXED BY decisions_histogram" } else { "" };
        let mut decided_sql = Sql::new(&format!(
            "SELECT c.chamber, c.days_to_decision AS days, COUNT(*) AS n FROM decisions c{hint} WHERE c.decided_on >= "
        ));
        decided_sql.bind(from_text.clone())?.push(" AND c.decided_on <= ").bind(to_text.clone())?;
        decided_sql.chamber_scope("c.chamber", chambers)?.push(" GROUP BY 1, 2 ORDER BY 1, 2");
        // Independent reads: run them at once, on as many connections.
        let pool = self.pool();
        let (counts, days, oldest, risk, decided) = tokio::try_join!(
            counts_sql.fetch_all(pool),
            days_sql.fetch_all(pool),
            oldest_sql.fetch_all(pool),
            risk_sql.fetch_all(pool),
            decided_sql.fetch_all(pool),
        )?;
        let mut figures: BTreeMap<String, ChamberFigures> = BTreeMap::new();
        for row in &counts {
            let chamber = figures.entry(rows::text(row, "chamber")?).or_default();
            let status = rows::parsed(row, "status", DossierStatus::parse)?;
            let n = rows::int(row, "n")?;
            *chamber.by_status.entry(status.as_str().to_owned()).or_default() += n;
            if status.is_open() {
                chamber.open += n;
                *chamber.open_by_circuit.entry(rows::text(row, "circuit")?).or_default() += n;
            }
            if status == DossierStatus::Ready {
                chamber.ready += n;
            }
        }
        for row in &days {
            let chamber = figures.entry(rows::text(row, "chamber")?).or_default();
            for (bucket, (name, _)) in AGE_BUCKETS.iter().enumerate() {
                let n = rows::int(row, &format!("b{bucket}"))?;
                if n > 0 {
                    chamber.open_by_age.insert((*name).to_owned(), n);
                }
            }
            chamber.registered_in_period = rows::int(row, "registered")?;
        }
        for row in &oldest {
            figures.entry(rows::text(row, "chamber")?).or_default().oldest_ready = Some(rows::text(row, "oldest")?);
        }
        for row in &risk {
            let chamber = figures.entry(rows::text(row, "chamber")?).or_default();
            let n = rows::int(row, "n")?;
            if rows::int(row, "missed")? == 1 {
                chamber.court_deadlines_missed = n
            } else {
                chamber.court_deadlines_due_soon = n
            }
        }
        let rows = decided;
        let mut histograms: BTreeMap<String, Vec<(i64, i64)>> = BTreeMap::new();
        for row in &rows {
            histograms
                .entry(rows::text(row, "chamber")?)
                .or_default()
                .push((rows::int(row, "days")?, rows::int(row, "n")?));
        }
        let mut all: BTreeMap<i64, i64> = BTreeMap::new();
        for (chamber, histogram) in &histograms {
            let figures = figures.entry(chamber.clone()).or_default();
            describe(figures, histogram);
            for (days, n) in histogram {
                *all.entry(*days).or_default() += n;
            }
        }
        let mut total = ChamberFigures::default();
        for chamber in figures.values_mut() {
            chamber.clearance_rate = rate(chamber.decided_in_period, chamber.registered_in_period);
            merge(&mut total, chamber);
        }
        describe(&mut total, &all.into_iter().collect::<Vec<_>>());
        total.clearance_rate = rate(total.decided_in_period, total.registered_in_period);
        figures.insert("total".to_owned(), total);
        Ok(Dashboard { today: today.to_string(), period_from: from_text, period_to: to_text, chambers: figures })
    }
}

fn rate(decided: i64, registered: i64) -> Option<f64> {
    #[allow(clippy::cast_precision_loss)]
    (registered > 0).then(|| decided as f64 / registered as f64)
}

/// Count, mean and median of a histogram of days (sorted by days).
fn describe(figures: &mut ChamberFigures, histogram: &[(i64, i64)]) {
    let count: i64 = histogram.iter().map(|(_, n)| n).sum();
    figures.decided_in_period = count;
    if count == 0 {
        return;
    }
    let sum: i64 = histogram.iter().map(|(days, n)| days * n).sum();
    #[allow(clippy::cast_precision_loss)]
    let mean = sum as f64 / count as f64;
    figures.mean_days_to_decision = Some(mean);
    // The element at index count / 2 of the sorted list.
    let mut seen = 0;
    for (days, n) in histogram {
        seen += n;
        if seen > count / 2 {
            figures.median_days_to_decision = Some(*days);
            break;
        }
    }
}

fn merge(total: &mut ChamberFigures, chamber: &ChamberFigures) {
    let add = |into: &mut BTreeMap<String, i64>, from: &BTreeMap<String, i64>| {
        for (key, n) in from {
            *into.entry(key.clone()).or_default() += n;
        }
    };
    add(&mut total.by_status, &chamber.by_status);
    add(&mut total.open_by_circuit, &chamber.open_by_circuit);
    add(&mut total.open_by_age, &chamber.open_by_age);
    total.open += chamber.open;
    total.ready += chamber.ready;
    total.oldest_ready = match (&total.oldest_ready, &chamber.oldest_ready) {
        (Some(a), Some(b)) => Some(a.min(b).clone()),
        (a, b) => a.clone().or_else(|| b.clone()),
    };
    total.court_deadlines_due_soon += chamber.court_deadlines_due_soon;
    total.court_deadlines_missed += chamber.court_deadlines_missed;
    total.registered_in_period += chamber.registered_in_period;
}

/// The stock counts recounted from the dossiers, as the triggers keep them.
fn recount_sql() -> [String; 2] {
    [
        "SELECT chamber, status, COALESCE(circuit, 'none') AS circuit, COUNT(*) AS n \
         FROM dossiers GROUP BY chamber, status, COALESCE(circuit, 'none')"
            .to_owned(),
        format!(
            "SELECT chamber, registered_on, CASE WHEN status IN ({}) THEN 0 ELSE 1 END AS open, COUNT(*) AS n \
             FROM dossiers GROUP BY chamber, registered_on, CASE WHEN status IN ({0}) THEN 0 ELSE 1 END",
            super::tasks::statuses_sql(false)
        ),
    ]
}

/// Below this many dossiers an import keeps the triggers running.
pub(crate) const BULK_IMPORT: usize = 100;

/// Pauses the stock-count triggers for the rest of `tx` (no other
/// transaction sees the pause); [`resume_stock_counts`] must follow before
/// the commit.
pub(crate) async fn pause_stock_counts(tx: &mut Transaction<'static, Any>) -> Result<()> {
    sqlx::query("INSERT INTO stock_counts_paused (paused) VALUES (1)").execute(&mut **tx).await?;
    Ok(())
}

/// Recounts the stock counts from the dossiers and ends the pause.
pub(crate) async fn resume_stock_counts(tx: &mut Transaction<'static, Any>) -> Result<()> {
    let [by_status, by_day] = recount_sql();
    for statement in [
        "DELETE FROM stock_counts".to_owned(),
        format!("INSERT INTO stock_counts (chamber, status, circuit, n) {by_status}"),
        "DELETE FROM registrations_by_day".to_owned(),
        format!("INSERT INTO registrations_by_day (chamber, registered_on, open, n) {by_day}"),
        "DELETE FROM stock_counts_paused".to_owned(),
    ] {
        sqlx::query(&statement).execute(&mut **tx).await?;
    }
    Ok(())
}

impl Store {
    /// Differences between the stock counts the triggers keep and a recount
    /// of every dossier (none when they agree), one line per differing key.
    pub async fn stock_count_drift(&self) -> Result<Vec<String>> {
        let [by_status, by_day] = recount_sql();
        let pairs = [
            (
                "stock_counts",
                "SELECT chamber || '/' || status || '/' || circuit AS k, n FROM stock_counts WHERE n <> 0".to_owned(),
                format!("SELECT chamber || '/' || status || '/' || circuit AS k, n FROM ({by_status}) c"),
            ),
            (
                "registrations_by_day",
                "SELECT chamber || '/' || registered_on || '/' || CAST(open AS TEXT) AS k, n \
                 FROM registrations_by_day WHERE n <> 0"
                    .to_owned(),
                format!(
                    "SELECT chamber || '/' || registered_on || '/' || CAST(open AS TEXT) AS k, n FROM ({by_day}) c"
                ),
            ),
        ];
        let mut drift = Vec::new();
        for (table, kept, counted) in pairs {
            let (kept, counted) = (self.keyed_counts(&kept).await?, self.keyed_counts(&counted).await?);
            let keys: std::collections::BTreeSet<&String> = kept.keys().chain(counted.keys()).collect();
            for key in keys {
                let (k, c) = (kept.get(key).copied().unwrap_or(0), counted.get(key).copied().unwrap_or(0));
                if k != c {
                    drift.push(format!("{table} {key}: {k} kept, {c} counted"));
                }
            }
        }
        Ok(drift)
    }

    /// The rows of `sql` (columns `k`, `n`) as a map.
    async fn keyed_counts(&self, sql: &str) -> Result<BTreeMap<String, i64>> {
        let mut map = BTreeMap::new();
        for row in Sql::new(sql).fetch_all(self.pool()).await? {
            map.insert(rows::text(&row, "k")?, rows::int(&row, "n")?);
        }
        Ok(map)
    }
}
