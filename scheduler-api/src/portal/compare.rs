//! Two plans of one chamber side by side: the objective, bound, gap and
//! broken rules of each, then what differs — dossiers heard at another
//! hearing, heard in one plan only, benches composed otherwise
//! (`models::diff::diff`, the same comparison publication makes against the
//! rolls in force).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use greffe_models::diff::diff;
use greffe_models::format::InstanceDoc;
use greffe_store::plans::PlanRecord;

use super::forms::Fields;
use super::pages::{HeaderMember, date_fr, failure_as, render};
use super::planning::{HOME, gap_fr, half_day_fr, number_fr, plan_crumbs, readable_plan, status_badge};
use super::session::Member;
use crate::api::AppState;
use crate::error::Error;

/// One plan's figures.
#[derive(Debug, Clone)]
pub struct Side {
    id: i64,
    title: String,
    status: &'static str,
    badge: &'static str,
    objective: String,
    bound: String,
    gap: String,
    heard: usize,
    unscheduled: usize,
    violations: usize,
}

/// A dossier placed differently.
#[derive(Debug, Clone)]
pub struct Difference {
    pourvoi: String,
    left: String,
    right: String,
}

/// A bench composed differently.
#[derive(Debug, Clone)]
pub struct BenchDifference {
    hearing: String,
    left: String,
    right: String,
}

#[derive(Template)]
#[template(path = "compare.html")]
struct ComparePage {
    member: Option<HeaderMember>,
    /// The breadcrumb above the page: (href, label).
    crumbs: Vec<(String, String)>,
    chamber: String,
    left: Side,
    right: Side,
    moved: Vec<Difference>,
    only_left: Vec<Difference>,
    only_right: Vec<Difference>,
    benches: Vec<BenchDifference>,
}

fn side(record: &PlanRecord) -> Side {
    let (status, badge) = status_badge(record.summary.status);
    Side {
        id: record.summary.id,
        title: record.summary.title.clone(),
        status,
        badge,
        objective: number_fr(record.plan.objective),
        bound: number_fr(record.plan.bound),
        gap: gap_fr(record.plan.gap),
        heard: record.plan.assignments.len(),
        unscheduled: record.plan.unscheduled.len(),
        violations: record.report.violations.len(),
    }
}

/// Names of the hearings, dossiers and magistrates of both plans' drafts.
struct Names {
    hearings: HashMap<String, String>,
    pourvois: HashMap<String, String>,
    magistrates: HashMap<String, String>,
}

impl Names {
    fn of(docs: [&InstanceDoc; 2]) -> Self {
        let mut names = Self { hearings: HashMap::new(), pourvois: HashMap::new(), magistrates: HashMap::new() };
        for doc in docs {
            for h in &doc.hearings {
                names.hearings.insert(
                    h.id.clone(),
                    format!("{} ({}), {}", date_fr(&h.date), half_day_fr(&h.half_day), h.formation),
                );
            }
            for d in &doc.dossiers {
                names.pourvois.insert(d.id.clone(), d.pourvoi.clone());
            }
            for m in &doc.magistrates {
                names.magistrates.insert(m.id.clone(), m.name.clone().unwrap_or_else(|| m.id.clone()));
            }
        }
        names
    }

    fn get<'a>(map: &'a HashMap<String, String>, id: &'a str) -> &'a str {
        map.get(id).map_or(id, String::as_str)
    }

    fn hearing(&self, id: &str) -> String {
        Self::get(&self.hearings, id).to_owned()
    }

    fn pourvoi(&self, id: &str) -> String {
        Self::get(&self.pourvois, id).to_owned()
    }

    fn magistrates<'a>(&self, ids: impl Iterator<Item = &'a greffe_models::MagistrateId>) -> String {
        let names: Vec<&str> = ids.map(|m| Self::get(&self.magistrates, m.as_str())).collect();
        if names.is_empty() { "—".to_owned() } else { names.join(", ") }
    }
}

async fn compare_page(state: &AppState, member: &Member, raw_id: &str, query: &Fields) -> Result<ComparePage, Error> {
    let left = readable_plan(state, member, raw_id).await?;
    let other = query.opt("avec").ok_or_else(|| {
        Error::invalid("avec", "aucun plan à comparer", "choisir sur le tableau l'autre projet de la chambre")
    })?;
    let right = readable_plan(state, member, &other).await?;
    if right.chamber != left.chamber {
        return Err(Error::invalid(
            "avec",
            format!("le plan {} est de la chambre {}, pas de la chambre {}", right.id, right.chamber, left.chamber),
            "comparer deux plans de la même chambre",
        ));
    }
    let (a, b) = (state.store.plan(left.id).await?, state.store.plan(right.id).await?);
    let (doc_a, doc_b) = (state.store.plan_instance(left.id).await?, state.store.plan_instance(right.id).await?);
    let names = Names::of([&doc_a, &doc_b]);
    let changes = diff(&a.plan, &b.plan);
    let mut moved: Vec<Difference> = changes
        .moved
        .iter()
        .map(|m| Difference {
            pourvoi: names.pourvoi(m.dossier.as_str()),
            left: names.hearing(m.from.as_str()),
            right: names.hearing(m.to.as_str()),
        })
        .collect();
    moved.sort_by(|x, y| x.pourvoi.cmp(&y.pourvoi));
    let placement = |p: &greffe_models::diff::Placement, in_left: bool| {
        let at = names.hearing(p.hearing.as_str());
        let (left, right) = if in_left { (at, "non audiencé".to_owned()) } else { ("non audiencé".to_owned(), at) };
        Difference { pourvoi: names.pourvoi(p.dossier.as_str()), left, right }
    };
    let mut only_left: Vec<Difference> = changes.dropped.iter().map(|p| placement(p, true)).collect();
    only_left.sort_by(|x, y| x.pourvoi.cmp(&y.pourvoi));
    let mut only_right: Vec<Difference> = changes.added.iter().map(|p| placement(p, false)).collect();
    only_right.sort_by(|x, y| x.pourvoi.cmp(&y.pourvoi));
    fn bench_of<'a>(record: &'a PlanRecord, hearing: &str) -> Option<Vec<&'a greffe_models::MagistrateId>> {
        record.plan.benches.iter().find(|b| b.hearing.as_str() == hearing).map(|b| {
            // The president first.
            std::iter::once(&b.president).chain(b.members.iter().filter(|m| **m != b.president)).collect()
        })
    }
    let benches = changes
        .seats
        .iter()
        .filter(|s| bench_of(&a, s.hearing.as_str()).is_some())
        .map(|s| BenchDifference {
            hearing: names.hearing(s.hearing.as_str()),
            left: names.magistrates(bench_of(&a, s.hearing.as_str()).unwrap_or_default().into_iter()),
            right: names.magistrates(bench_of(&b, s.hearing.as_str()).unwrap_or_default().into_iter()),
        })
        .collect();
    Ok(ComparePage {
        member: Some(HeaderMember::of(member, HOME)),
        crumbs: plan_crumbs(left.id, &left.title),
        chamber: left.chamber.clone(),
        left: side(&a),
        right: side(&b),
        moved,
        only_left,
        only_right,
        benches,
    })
}

/// `GET /portail/plans/{id}/comparer?avec=OTHER`.
pub async fn page(
    State(state): State<AppState>,
    member: Member,
    Path(raw_id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let query = Fields::parse(raw.unwrap_or_default().as_bytes());
    match compare_page(&state, &member, &raw_id, &query).await {
        Ok(page) => render(&page, StatusCode::OK),
        Err(error) => failure_as(&member, &error),
    }
}
