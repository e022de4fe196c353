//! The stock dashboard, computed from the store on each request: counts by
//! chamber and status, open dossiers by circuit and age, the pipeline of
//! dossiers ready for hearing, the court's deadlines at risk, time from
//! registration to decision and the clearance rate over a period.

use std::collections::BTreeMap;

use greffe_models::Date;
use serde::Serialize;
use utoipa::ToSchema;

use super::tasks::open_statuses_sql;
use greffe_models::registry::DossierStatus;

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
        let horizon = (today + chrono::Duration::days(i64::from(warning_days))).to_string();
        let today_text = today.to_string();
        let (from_text, to_text) = (from.to_string(), to.to_string());
        // Every dossier by chamber and status (covering index, in order).
        let mut by_status_sql = Sql::new("SELECT d.chamber, d.status, COUNT(*) AS n FROM dossiers d WHERE 1 = 1");
        by_status_sql.chamber_scope("d.chamber", chambers)?.push(" GROUP BY d.chamber, d.status");
        // The open stock by circuit and age, in one pass over a covering
        // index that starts with the status (no sort: conditional counts).
        let mut open_sql = Sql::new("SELECT d.status, d.chamber, COALESCE(d.circuit, 'none') AS circuit, ");
        open_sql.push("COUNT(*) FILTER (WHERE d.registered_on > ").bind(bounds[0].clone())?;
        open_sql.push(") AS b0, COUNT(*) FILTER (WHERE d.registered_on <= ").bind(bounds[0].clone())?;
        open_sql.push(" AND d.registered_on > ").bind(bounds[1].clone())?;
        open_sql.push(") AS b1, COUNT(*) FILTER (WHERE d.registered_on <= ").bind(bounds[1].clone())?;
        open_sql.push(" AND d.registered_on > ").bind(bounds[2].clone())?;
        open_sql.push(") AS b2, COUNT(*) FILTER (WHERE d.registered_on <= ").bind(bounds[2].clone())?;
        open_sql.push(&format!(
            ") AS b3, COUNT(*) AS n, MIN(d.registered_on) AS oldest FROM dossiers d WHERE d.status IN ({open})"
        ));
        open_sql.chamber_scope("d.chamber", chambers)?.push(" GROUP BY d.status, d.chamber, d.circuit");
        let mut risk_sql = Sql::new("SELECT d.chamber, CASE WHEN k.due < ");
        risk_sql.bind(today_text)?.push(" THEN 1 ELSE 0 END AS missed, COUNT(*) AS n ");
        risk_sql.push("FROM deadlines k JOIN dossiers d ON d.id = k.dossier_id ");
        risk_sql.push("WHERE k.settled IS NULL AND k.applies_to = 'court' AND k.due <= ").bind(horizon)?;
        risk_sql.push(&format!(" AND d.status IN ({open})"));
        // By position: the select list's CASE, whose parameter is bound once.
        risk_sql.chamber_scope("d.chamber", chambers)?.push(" GROUP BY 1, 2");
        let mut registered_sql = Sql::new("SELECT d.chamber, COUNT(*) AS n FROM dossiers d WHERE d.registered_on >= ");
        registered_sql.bind(from_text.clone())?.push(" AND d.registered_on <= ").bind(to_text.clone())?;
        registered_sql.chamber_scope("d.chamber", chambers)?.push(" GROUP BY d.chamber");
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
        let (by_status, open_stock, risk, registered, decided) = tokio::try_join!(
            by_status_sql.fetch_all(pool),
            open_sql.fetch_all(pool),
            risk_sql.fetch_all(pool),
            registered_sql.fetch_all(pool),
            decided_sql.fetch_all(pool),
        )?;
        let mut figures: BTreeMap<String, ChamberFigures> = BTreeMap::new();
        for row in &by_status {
            let chamber = figures.entry(rows::text(row, "chamber")?).or_default();
            let status = rows::parsed(row, "status", DossierStatus::parse)?;
            let n = rows::int(row, "n")?;
            chamber.by_status.insert(status.as_str().to_owned(), n);
            if status.is_open() {
                chamber.open += n;
            }
            if status == DossierStatus::Ready {
                chamber.ready = n;
            }
        }
        for row in &open_stock {
            let chamber = figures.entry(rows::text(row, "chamber")?).or_default();
            *chamber.open_by_circuit.entry(rows::text(row, "circuit")?).or_default() += rows::int(row, "n")?;
            for (bucket, (name, _)) in AGE_BUCKETS.iter().enumerate() {
                let n = rows::int(row, &format!("b{bucket}"))?;
                if n > 0 {
                    *chamber.open_by_age.entry((*name).to_owned()).or_default() += n;
                }
            }
            if rows::text(row, "status")? == DossierStatus::Ready.as_str() {
                let oldest = rows::text(row, "oldest")?;
                if chamber.oldest_ready.as_ref().is_none_or(|current| &oldest < current) {
                    chamber.oldest_ready = Some(oldest);
                }
            }
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
        for row in &registered {
            figures.entry(rows::text(row, "chamber")?).or_default().registered_in_period = rows::int(row, "n")?;
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
