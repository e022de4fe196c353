//! The service's metrics, exposed at `GET /metrics` in the OpenMetrics text
//! format (which Prometheus scrapes): requests by route, method and status
//! with their latency, jobs by kind and status and the journal's length
//! (read from the store at each scrape, so every process reports the same
//! court-wide figures), and the jobs this process's worker ran, with the
//! solver's time and gap.
//!
//! Request and job figures are this process's since it started; a
//! Prometheus server sums them over the processes it scrapes.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use greffe_store::Store;
use greffe_store::jobs::{JobKind, JobStatus};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};

/// The content type of the exposition.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: String,
    status: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RouteLabels {
    route: String,
    method: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct JobLabels {
    kind: String,
    status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct StatusLabels {
    status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct KindLabels {
    kind: String,
}

/// The metrics of one process.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    jobs: Family<JobLabels, Gauge>,
    journal: Gauge,
    jobs_run: Family<JobLabels, Counter>,
    job_seconds: Family<KindLabels, Histogram>,
    solver_gap: Histogram,
    outbox: Family<StatusLabels, Gauge>,
    outbox_attempts: Family<OutcomeLabels, Counter>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("greffe");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route template, method and status",
            requests.clone(),
        );
        // 1 ms to about 16 s.
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.001, 2.0, 15))
        });
        registry.register_with_unit(
            "http_request_duration",
            "Time to answer an HTTP request, by route template and method",
            Unit::Seconds,
            latency.clone(),
        );
        let jobs = Family::<JobLabels, Gauge>::default();
        registry.register("jobs", "Jobs in the store, by kind and status (read at each scrape)", jobs.clone());
        let journal = Gauge::default();
        registry.register(
            "journal_entries",
            "Entries of the registry's journal (read at each scrape)",
            journal.clone(),
        );
        let jobs_run = Family::<JobLabels, Counter>::default();
        registry.register(
            "worker_jobs",
            "Jobs this process's worker ran to their end, by kind and how they ended",
            jobs_run.clone(),
        );
        // 0.1 s to about 27 min.
        let job_seconds =
            Family::<KindLabels, Histogram>::new_with_constructor(|| Histogram::new(exponential_buckets(0.1, 2.0, 15)));
        registry.register_with_unit(
            "worker_job_duration",
            "Time this process's worker spent on a job, by kind",
            Unit::Seconds,
            job_seconds.clone(),
        );
        let solver_gap = Histogram::new([0.0, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0]);
        registry.register(
            "solver_gap",
            "Relative gap between a proposed plan's objective and its bound, (bound − objective) / |bound|",
            solver_gap.clone(),
        );
        let outbox = Family::<StatusLabels, Gauge>::default();
        registry.register("outbox", "Rows of the outbox, by status (read at each scrape)", outbox.clone());
        let outbox_attempts = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "outbox_attempts",
            "Sending attempts of this process's dispatcher, by outcome (sent, retry, refused)",
            outbox_attempts.clone(),
        );
        Self { registry, requests, latency, jobs, journal, jobs_run, job_seconds, solver_gap, outbox, outbox_attempts }
    }
}

impl Metrics {
    /// Counts an answered request.
    pub fn request(&self, route: &str, method: &str, status: u16, elapsed: Duration) {
        let (route, method) = (route.to_owned(), method.to_owned());
        self.requests.get_or_create(&RequestLabels { route: route.clone(), method: method.clone(), status }).inc();
        self.latency.get_or_create(&RouteLabels { route, method }).observe(elapsed.as_secs_f64());
    }

    /// Counts a job this process's worker ran to its end, with the gap of
    /// the plan it proposed when it did.
    pub fn job_run(&self, kind: JobKind, status: JobStatus, elapsed: Duration, gap: Option<f64>) {
        let labels = JobLabels { kind: kind.as_str().to_owned(), status: status.as_str().to_owned() };
        self.jobs_run.get_or_create(&labels).inc();
        self.job_seconds.get_or_create(&KindLabels { kind: kind.as_str().to_owned() }).observe(elapsed.as_secs_f64());
        if let Some(gap) = gap.filter(|g| g.is_finite()) {
            self.solver_gap.observe(gap);
        }
    }

    /// Counts one sending attempt of the dispatcher.
    pub fn outbox_attempt(&self, attempt: &crate::mail::Attempt) {
        let outcome = match attempt {
            crate::mail::Attempt::Sent(_) => "sent",
            crate::mail::Attempt::Retry(_) => "retry",
            crate::mail::Attempt::Refused(_) => "refused",
        };
        self.outbox_attempts.get_or_create(&OutcomeLabels { outcome: outcome.to_owned() }).inc();
    }

    /// The exposition: the store's figures read now, then every metric.
    pub async fn render(&self, store: &Store) -> greffe_store::Result<String> {
        let counts = store.job_counts().await?;
        for kind in JobKind::ALL {
            for status in JobStatus::ALL {
                let n = counts.iter().find(|(k, s, _)| *k == kind && *s == status).map_or(0, |c| c.2);
                let labels = JobLabels { kind: kind.as_str().to_owned(), status: status.as_str().to_owned() };
                self.jobs.get_or_create(&labels).set(n);
            }
        }
        self.journal.set(store.health().await?.journal_entries);
        for (status, n) in store.outbox_counts().await? {
            self.outbox.get_or_create(&StatusLabels { status: status.as_str().to_owned() }).set(n);
        }
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry).map_err(greffe_store::Error::internal)?;
        Ok(text)
    }
}

/// Middleware: counts every request under its route template (`unmatched`
/// for a path no route serves, so that unknown paths do not grow the label
/// set).
pub async fn record(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", MatchedPath::as_str).to_owned();
    let method = request.method().as_str().to_owned();
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    metrics.request(&route, &method, response.status().as_u16(), started.elapsed());
    response
}
