//! `/chambers/{code}/distribution`: the proposal of who reports (concludes
//! on) each dossier of a chamber's batch, and its confirmation.
//!
//! The proposal reads the batch from the registry
//! (`Store::distribution_batch`), keeps each serial litigation together
//! (the pending pourvois between a same party on the same question, as the
//! orientation finds them), and solves it (`greffe_solver::distribution`):
//! each designation comes with its reasons, each magistrate with his load
//! before and after, the solve with its bound. The president (for the
//! avocats généraux, the premier avocat général) edits and confirms it:
//! [`confirm`] writes all of it or nothing. The portal's board shows the
//! same view ([`proposal_view`]).

use std::collections::{BTreeMap, BTreeSet};

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use greffe_models::access::Operation;
use greffe_models::dates::parse_iso_week;
use greffe_models::distribution::{Batch, Designating, Ineligible};
use greffe_solver::distribution::{DistributionError, Settings, propose};
use greffe_store::distribution::DesignationInput;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::AppState;
use super::extract::{Caller, Params, json_body};
use crate::error::{Error, Problem, Result};

/// Which batch.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DistributionParams {
    /// `rapporteur` (default) or `avocat_general`.
    #[param(value_type = Option<String>, example = "rapporteur")]
    pub designating: Option<Designating>,
    /// Only the dossiers registered in this ISO week (`2026-W49`); by
    /// default every oriented dossier still to distribute.
    pub week: Option<String>,
}

/// A magistrate as the proposal names him.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct MagistrateRef {
    /// Identifier.
    pub id: String,
    /// Name.
    pub name: String,
}

/// A magistrate the proposal did not name for a dossier, and why not.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Refused {
    /// Identifier.
    pub id: String,
    /// Name.
    pub name: String,
    /// Why, in French.
    pub why: String,
}

/// One dossier of the proposal.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ProposedDesignation {
    /// The dossier's id.
    pub dossier: i64,
    /// Its pourvoi number.
    pub pourvoi: String,
    /// Its version (what the confirmation gives back).
    pub version: i64,
    /// Its section.
    pub section: Option<String>,
    /// Its matter.
    pub matter: Option<String>,
    /// Its circuit.
    pub circuit: String,
    /// Its earliest statutory ruling deadline (YYYY-MM-DD).
    pub ruling_due: Option<String>,
    /// The pourvois of its series in this batch (itself included), when it
    /// belongs to one.
    pub series: Vec<String>,
    /// Who the proposal names.
    pub proposed: Option<MagistrateRef>,
    /// Why him, in French.
    pub reasons: Vec<String>,
    /// Who else may be designated (the edit's choices), lightest load first.
    pub alternatives: Vec<MagistrateRef>,
    /// Who may not, and why.
    pub refused: Vec<Refused>,
}

/// A magistrate's work before and after the proposal.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct LoadView {
    /// Identifier.
    pub id: String,
    /// Name.
    pub name: String,
    /// Role (French).
    pub role: String,
    /// Section.
    pub section: Option<String>,
    /// Part of a full service.
    pub share: f64,
    /// Reports (opinions) still due.
    pub due: usize,
    /// Weighted load before the batch.
    pub before: f64,
    /// Weighted load after the proposal.
    pub after: f64,
    /// Dossiers of the batch the proposal gives him.
    pub given: usize,
}

/// The proposal for a chamber's batch.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ProposalView {
    /// The chamber.
    pub chamber: String,
    /// `rapporteur` or `avocat_general`.
    #[schema(value_type = String)]
    pub designating: Designating,
    /// The day of the proposal (YYYY-MM-DD).
    pub today: String,
    /// The week read, if one was asked.
    pub week: Option<String>,
    /// One per dossier of the batch, in registration order.
    pub dossiers: Vec<ProposedDesignation>,
    /// The chamber's magistrates who may be designated, with their work.
    pub magistrates: Vec<LoadView>,
    /// Why the batch cannot be distributed as a whole, in French, each
    /// with its dossier and the fix: nothing is proposed then.
    pub problems: Vec<String>,
    /// Series that could not be kept together, and why.
    pub split_series: Vec<String>,
    /// The objective (the load's quadratic spread and the urgent dossiers'
    /// cost) of the proposal.
    pub objective: Option<f64>,
    /// HiGHS's proven lower bound of it.
    pub bound: Option<f64>,
    /// Whether the optimum is proven.
    pub optimal: bool,
    /// Time of the solve, in milliseconds.
    pub solve_ms: f64,
}

fn operation(designating: Designating) -> Operation {
    match designating {
        Designating::Rapporteur => Operation::DesignateRapporteurs,
        Designating::AvocatGeneral => Operation::DesignateAvocatsGeneraux,
    }
}

/// The proposal for `chamber`'s batch, as the caller may see it.
pub async fn proposal_view(
    state: &AppState,
    caller: &Caller,
    chamber: &str,
    params: &DistributionParams,
) -> Result<ProposalView> {
    let designating = params.designating.unwrap_or(Designating::Rapporteur);
    caller.require(operation(designating))?;
    caller.require_chamber(chamber)?;
    let week = params
        .week
        .as_deref()
        .map(|raw| {
            parse_iso_week(raw)
                .map_err(|message| Error::invalid("week", message, "ou l'omettre pour tout le lot encore à distribuer"))
        })
        .transpose()?;
    let rules = state.distribution.as_ref();
    let today = state.today();
    let stored = state.store.distribution_batch(rules, chamber, designating, week, today).await?;
    let mut batch = stored.batch;
    series(state, &mut batch, &stored.records, designating).await?;
    let started = std::time::Instant::now();
    let outcome = propose(&batch, rules, Settings::default());
    let solve_ms = started.elapsed().as_secs_f64() * 1000.0;
    let mut eligibility = None;
    let name = |c: usize| MagistrateRef { id: batch.candidates[c].id.clone(), name: batch.candidates[c].name.clone() };
    let mut view = ProposalView {
        chamber: chamber.to_owned(),
        designating,
        today: today.to_string(),
        week: params.week.clone(),
        dossiers: Vec::with_capacity(batch.dossiers.len()),
        magistrates: Vec::new(),
        problems: Vec::new(),
        split_series: Vec::new(),
        objective: None,
        bound: None,
        optimal: false,
        solve_ms,
    };
    let (designations, loads) = match outcome {
        Ok(proposal) => {
            view.split_series = proposal.split_series;
            view.objective = Some(proposal.solution.objective);
            view.bound = proposal.solution.bound;
            view.optimal = proposal.solution.optimal;
            eligibility = Some(proposal.eligibility);
            let mut by_dossier = BTreeMap::new();
            for d in proposal.designations {
                by_dossier.insert(d.dossier, (d.candidate, d.reasons));
            }
            (by_dossier, proposal.loads)
        }
        Err(DistributionError::Batch(problems)) => {
            view.problems = problems.iter().map(ToString::to_string).collect();
            (BTreeMap::new(), batch.candidates.iter().map(|c| (c.load, c.load)).collect())
        }
        Err(error @ DistributionError::Solver(_)) => {
            return Err(Error::internal(error));
        }
    };
    let mut series_of: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for dossier in &batch.dossiers {
        if let Some(key) = &dossier.series {
            series_of.entry(key).or_default().push(dossier.pourvoi.clone());
        }
    }
    let eligibility = eligibility.unwrap_or_else(|| batch.eligibility(rules));
    let after: Vec<f64> = loads.iter().map(|l| l.1).collect();
    for (d, dossier) in batch.dossiers.iter().enumerate() {
        let chosen = designations.get(&d);
        let mut alternatives: Vec<usize> = eligibility[d]
            .iter()
            .filter_map(|r| r.as_ref().ok().copied())
            .filter(|&c| Some(c) != chosen.map(|(c, _)| *c) && rules.share(batch.candidates[c].role).is_some())
            .collect();
        alternatives.sort_by(|&a, &b| {
            let per_share = |c: usize| after[c] / rules.share(batch.candidates[c].role).unwrap_or(1.0);
            per_share(a).total_cmp(&per_share(b)).then(a.cmp(&b))
        });
        let refused = eligibility[d]
            .iter()
            .filter_map(|r| r.as_ref().err())
            .filter(|(_, why)| !matches!(why, Ineligible::Role(_)))
            .map(|(c, why)| Refused {
                id: batch.candidates[*c].id.clone(),
                name: batch.candidates[*c].name.clone(),
                why: why.label_fr(),
            })
            .collect();
        view.dossiers.push(ProposedDesignation {
            dossier: dossier.id,
            pourvoi: dossier.pourvoi.clone(),
            version: stored.records[d].version,
            section: dossier.section.clone(),
            matter: dossier.matter.clone(),
            circuit: dossier.circuit.as_str().to_owned(),
            ruling_due: dossier.ruling_due.map(|due| due.to_string()),
            series: dossier.series.as_deref().and_then(|key| series_of.get(key)).cloned().unwrap_or_default(),
            proposed: chosen.map(|(c, _)| name(*c)),
            reasons: chosen.map(|(_, reasons)| reasons.clone()).unwrap_or_default(),
            alternatives: alternatives.into_iter().map(name).collect(),
            refused,
        });
    }
    for (c, candidate) in batch.candidates.iter().enumerate() {
        let Some(share) = rules.share(candidate.role) else { continue };
        if !designating.designates(candidate.role) {
            continue;
        }
        view.magistrates.push(LoadView {
            id: candidate.id.clone(),
            name: candidate.name.clone(),
            role: candidate.role.label_fr().to_owned(),
            section: candidate.section.clone(),
            share,
            due: candidate.due,
            before: loads[c].0,
            after: loads[c].1,
            given: designations.values().filter(|(m, _)| *m == c).count(),
        });
    }
    Ok(view)
}

/// Marks the batch's serial litigations: the dossiers that are, for one
/// another, pending pourvois between a same party on the same question
/// (`super::orientation::serial_peers`); and who already reports a
/// pourvoi of the series outside the batch.
async fn series(
    state: &AppState,
    batch: &mut Batch,
    records: &[greffe_store::dossiers::Dossier],
    designating: Designating,
) -> Result<()> {
    let index: BTreeMap<i64, usize> = batch.dossiers.iter().enumerate().map(|(i, d)| (d.id, i)).collect();
    let mut parent: Vec<usize> = (0..batch.dossiers.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut outside: Vec<Vec<i64>> = vec![Vec::new(); batch.dossiers.len()];
    let mut in_series = vec![false; batch.dossiers.len()];
    for i in 0..batch.dossiers.len() {
        for peer in super::orientation::serial_peers(state, &records[i]).await? {
            if peer.chamber != batch.chamber {
                continue;
            }
            in_series[i] = true;
            match index.get(&peer.id) {
                Some(&j) => {
                    let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                    parent[a.max(b)] = a.min(b);
                }
                None => outside[i].push(peer.id),
            }
        }
    }
    let all_outside: Vec<i64> = outside.iter().flatten().copied().collect::<BTreeSet<_>>().into_iter().collect();
    let designees: BTreeMap<i64, (String, String)> = state
        .store
        .designees(designating, &all_outside)
        .await?
        .into_iter()
        .map(|(id, magistrate, pourvoi)| (id, (magistrate, pourvoi)))
        .collect();
    for i in 0..batch.dossiers.len() {
        if !in_series[i] {
            continue;
        }
        let r = root(&mut parent, i);
        batch.dossiers[i].series = Some(batch.dossiers[r].pourvoi.clone());
        batch.dossiers[i].series_designee = outside[i].iter().find_map(|id| designees.get(id).cloned());
    }
    Ok(())
}

/// The proposal for a chamber's batch: who the distribution names for each
/// dossier and why, who else may be, who may not and why; each
/// magistrate's load before and after; the solve's bound. A batch that
/// cannot be distributed as a whole says why, dossier by dossier, and
/// proposes nothing.
#[utoipa::path(get, path = "/chambers/{code}/distribution", tag = "distribution", security(("token" = [])),
    params(("code" = String, Path, description = "Chamber code"), DistributionParams),
    responses((status = 200, body = ProposalView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn get_distribution(
    State(state): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
    Params(params): Params<DistributionParams>,
) -> Result<Json<ProposalView>> {
    Ok(Json(proposal_view(&state, &caller, &code, &params).await?))
}

/// A confirmed batch.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Confirmation {
    /// `rapporteur` (default) or `avocat_general`.
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "rapporteur")]
    pub designating: Option<Designating>,
    /// The designations: the proposal's, edited.
    pub designations: Vec<DesignationInput>,
}

/// A designation written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Designated {
    /// The dossier's id.
    pub dossier: i64,
    /// Its pourvoi number.
    pub pourvoi: String,
    /// Its new version.
    pub version: i64,
    /// Who was designated.
    pub magistrate: String,
}

/// Writes a confirmed batch (all or nothing) and returns what was written.
pub async fn confirm(state: &AppState, caller: &Caller, chamber: &str, input: Confirmation) -> Result<Vec<Designated>> {
    let designating = input.designating.unwrap_or(Designating::Rapporteur);
    caller.require(operation(designating))?;
    caller.require_chamber(chamber)?;
    let written = state
        .store
        .designate(caller.id(), state.distribution.as_ref(), chamber, designating, &input.designations, state.today())
        .await?;
    Ok(written
        .into_iter()
        .map(|dossier| Designated {
            magistrate: match designating {
                Designating::Rapporteur => dossier.record.rapporteurs.join(", "),
                Designating::AvocatGeneral => dossier.record.avocat_general.clone().unwrap_or_default(),
            },
            dossier: dossier.id,
            pourvoi: dossier.record.pourvoi,
            version: dossier.version,
        })
        .collect())
}

/// Confirms a batch: each designation the proposal's or edited — an edit
/// needs its reason —, each checked (the dossier's version, its chamber,
/// whom the law rules out), each journaled with the proposal and its
/// reasons (a rapporteur's as the procedural event `designation_rapporteur`,
/// which starts his internal deadlines). The first refusal writes nothing.
#[utoipa::path(post, path = "/chambers/{code}/distribution", tag = "distribution", security(("token" = [])),
    request_body = Confirmation,
    params(("code" = String, Path, description = "Chamber code")),
    responses((status = 200, body = Vec<Designated>), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn confirm_distribution(
    State(state): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Json<Vec<Designated>>> {
    let input: Confirmation = json_body(&body)?;
    Ok(Json(confirm(&state, &caller, &code, input).await?))
}
