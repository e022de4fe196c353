//! # greffe-simulation
//!
//! What-if simulation of months of court activity: new pourvois arrive,
//! become ready, are planned each week by the real planner on a rolling
//! horizon, are heard and leave the stock. Analysts change the inflow, the
//! readiness delays, the hearing calendars, the headcount and absences
//! ([`Scenario`]) and read weekly series: stock, age, time to decision,
//! hearings used, deadline breaches, load per magistrate ([`Outcome`]).
//!
//! The court is the generator's (`greffe-fixtures`, court scale, 52 weeks
//! of calendar from the scenario's seed). Its dossiers registered before the
//! start are the initial stock; new dossiers are drawn from them as
//! templates (chamber, formations, weight, rapporteurs, avocat général,
//! recusals, statutory deadline) with a new registration date and a
//! readiness delay drawn by circuit. Joined groups are not simulated.
//!
//! Each week `w`, the planner plans the hearings of weeks `w + lead …
//! w + lead + planning_weeks − 1` from the ready stock (the most urgent
//! dossiers, `shortlist` times the horizon's capacity in dossiers) and the
//! first of those weeks is published: its dossiers are heard that week.
//! Weekly solves are bounded by a **work** limit (branch-and-bound nodes),
//! never by the wall clock, so the same scenario and seed give the same
//! result on any machine.
//!
//! **Invariant: no I/O.** Reading scenarios and writing results belong to
//! the command line and the service.

#![forbid(unsafe_code)]

pub mod designation;
pub mod scenario;

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::Datelike;
use greffe_fixtures::{GeneratorConfig, Scale, generate};
use greffe_models::Date;
use greffe_models::dates::parse_date;
use greffe_models::format::{DossierDoc, HearingDoc, InstanceDoc, MagistrateDoc, RangeDoc, validate};
use greffe_solver::{Objective, ObjectiveWeights, SolveConfig, solve};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

pub use scenario::{ChamberScenario, Delay, Readiness, Scenario, ScenarioError};

/// One simulated week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeekRow {
    /// Week number, from 1.
    pub week: u32,
    /// Its Monday.
    pub monday: Date,
    /// Pourvois registered during the week.
    pub registered: usize,
    /// Dossiers heard during the week.
    pub heard: usize,
    /// Stock at the end of the week: registered and not yet heard.
    pub stock: usize,
    /// Of the stock, dossiers ready to be heard.
    pub ready: usize,
    /// Of the stock, dossiers already on a published roll.
    pub scheduled: usize,
    /// Stock registered less than 6 months ago.
    pub age_under_6_months: usize,
    /// Stock registered 6 to 12 months ago.
    pub age_6_to_12_months: usize,
    /// Stock registered 12 to 24 months ago.
    pub age_12_to_24_months: usize,
    /// Stock registered more than 24 months ago.
    pub age_over_24_months: usize,
    /// Mean days from registration to hearing of the dossiers heard.
    pub mean_days_to_decision: Option<f64>,
    /// Median days from registration to hearing of the dossiers heard.
    pub median_days_to_decision: Option<f64>,
    /// Hearings on the calendar this week.
    pub hearings: usize,
    /// Of them, hearings that heard at least one dossier.
    pub hearings_used: usize,
    /// Statutory deadlines that passed this week without a hearing.
    pub deadline_breaches: usize,
    /// Mean hearings attended by the sitting magistrates who attended any.
    pub mean_load: f64,
    /// Most hearings attended by one magistrate.
    pub max_load: usize,
    /// New pourvois whose rapporteur was designated this week (by the
    /// scenario's `designation`).
    pub designated: usize,
    /// Of them, designated outside the rapporteur's section or speciality.
    pub designated_outside_competence: usize,
    /// New pourvois no one could be designated for (the model dossier's
    /// rapporteur kept).
    pub not_designated: usize,
    /// Rapporteurs' weighted load per share at the end of the week: the
    /// most loaded over his chamber's mean.
    pub report_load_max_over_mean: f64,
    /// The standard deviation of that ratio.
    pub report_load_sd_over_mean: f64,
}

/// A magistrate's load over the whole simulation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MagistrateLoad {
    /// Magistrate id.
    pub magistrate: String,
    /// Chamber.
    pub chamber: String,
    /// Role.
    pub role: String,
    /// Hearings attended (on the bench or as rapporteur).
    pub hearings: usize,
    /// Most hearings attended in one week.
    pub max_per_week: usize,
    /// New pourvois he was designated rapporteur of.
    pub designated: usize,
}

/// A simulation's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// The scenario's name.
    pub scenario: String,
    /// Its seed.
    pub seed: u64,
    /// Stock at the start.
    pub initial_stock: usize,
    /// One row per week.
    pub weeks: Vec<WeekRow>,
    /// Load per magistrate.
    pub magistrates: Vec<MagistrateLoad>,
}

impl Outcome {
    /// The weekly series as CSV (one header line, one line per week).
    pub fn weekly_csv(&self) -> String {
        let opt = |x: Option<f64>| x.map_or(String::new(), |x| format!("{x:.1}"));
        let header = [
            "week",
            "monday",
            "registered",
            "heard",
            "stock",
            "ready",
            "scheduled",
            "age_under_6_months",
            "age_6_to_12_months",
            "age_12_to_24_months",
            "age_over_24_months",
            "mean_days_to_decision",
            "median_days_to_decision",
            "hearings",
            "hearings_used",
            "deadline_breaches",
            "mean_load",
            "max_load",
            "designated",
            "designated_outside_competence",
            "not_designated",
            "report_load_max_over_mean",
            "report_load_sd_over_mean",
        ];
        let rows = self.weeks.iter().map(|w| {
            vec![
                w.week.to_string(),
                w.monday.to_string(),
                w.registered.to_string(),
                w.heard.to_string(),
                w.stock.to_string(),
                w.ready.to_string(),
                w.scheduled.to_string(),
                w.age_under_6_months.to_string(),
                w.age_6_to_12_months.to_string(),
                w.age_12_to_24_months.to_string(),
                w.age_over_24_months.to_string(),
                opt(w.mean_days_to_decision),
                opt(w.median_days_to_decision),
                w.hearings.to_string(),
                w.hearings_used.to_string(),
                w.deadline_breaches.to_string(),
                format!("{:.2}", w.mean_load),
                w.max_load.to_string(),
                w.designated.to_string(),
                w.designated_outside_competence.to_string(),
                w.not_designated.to_string(),
                format!("{:.3}", w.report_load_max_over_mean),
                format!("{:.3}", w.report_load_sd_over_mean),
            ]
        });
        csv_text(&header, rows)
    }

    /// The load per magistrate as CSV.
    pub fn magistrates_csv(&self) -> String {
        let rows = self.magistrates.iter().map(|m| {
            vec![
                m.magistrate.to_string(),
                m.chamber.to_string(),
                m.role.to_string(),
                m.hearings.to_string(),
                m.max_per_week.to_string(),
                m.designated.to_string(),
            ]
        });
        csv_text(&["magistrate", "chamber", "role", "hearings", "max_per_week", "designated"], rows)
    }
}

/// CSV text (RFC 4180 quoting, by the `csv` crate) of a header and rows.
fn csv_text(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail but for a row of the wrong width, which
    // the callers above cannot build: such a row would be left out.
    let _ = writer.write_record(header);
    for row in rows {
        let _ = writer.write_record(&row);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// Why a simulation stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimulationError {
    /// The scenario breaks a rule.
    #[error("scénario invalide — {0}")]
    Scenario(#[from] ScenarioError),
    /// A weekly instance was refused: a defect of the simulation.
    #[error("semaine {week} : instance refusée ({message}) — défaut du simulateur, à signaler")]
    Instance {
        /// The week.
        week: u32,
        /// The first problem.
        message: String,
    },
    /// Stopped at the caller's request.
    #[error("simulation annulée")]
    Cancelled,
    /// The planner could not run.
    #[error("semaine {week} : {message}")]
    Solver {
        /// The week.
        week: u32,
        /// What happened.
        message: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Waiting,
    Scheduled(Date),
    Heard,
}

struct Simulated {
    doc: DossierDoc,
    /// The section competent for it: its model rapporteur's (what the
    /// designation requires; the planner's instance has no sections).
    section: Option<String>,
    registration: Date,
    ready: Date,
    deadline: Option<Date>,
    circuit_bonus: i64,
    state: State,
    breach_counted: bool,
}

struct Court {
    chambers: Vec<greffe_models::format::ChamberDoc>,
    magistrates: Vec<MagistrateDoc>,
    /// Hearings kept by the scenario, with their week index.
    hearings: Vec<(u32, HearingDoc)>,
}

fn days(n: i64) -> chrono::Duration {
    chrono::Duration::days(n)
}

fn date(raw: &str) -> Date {
    parse_date(raw).unwrap_or_else(|_| unreachable!("generated dates are valid"))
}

/// A Poisson draw (Knuth's method; rates here stay below a few hundred).
fn poisson(rng: &mut ChaCha8Rng, rate: f64) -> usize {
    if rate <= 0.0 {
        return 0;
    }
    if rate > 500.0 {
        return normal(rng, rate, rate.sqrt()).round().max(0.0) as usize;
    }
    let limit = (-rate).exp();
    let mut product: f64 = rng.random();
    let mut n = 0;
    while product > limit {
        product *= rng.random::<f64>();
        n += 1;
    }
    n
}

/// A normal draw (Box–Muller).
fn normal(rng: &mut ChaCha8Rng, mean: f64, sd: f64) -> f64 {
    let u: f64 = rng.random::<f64>().max(f64::MIN_POSITIVE);
    let v: f64 = rng.random();
    mean + sd * (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
}

fn circuit_bonus(doc: &DossierDoc) -> i64 {
    match doc.circuit.as_deref() {
        Some("court") => 0,
        Some("approfondi") => 2,
        _ => 1,
    }
}

/// The random stream of one thing drawn for a scenario (a magistrate's
/// absences, a hearing kept or not): seeded by the scenario's seed and the
/// thing's id, so that what one scenario changes does not move the draws of
/// anything else — two scenarios differ by what they change, not by noise
/// (common random numbers).
fn stream(seed: u64, purpose: &str, id: &str) -> ChaCha8Rng {
    // FNV-1a: stable across builds and platforms, unlike `DefaultHasher`.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in purpose.bytes().chain([0]).chain(id.bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    ChaCha8Rng::seed_from_u64(seed ^ hash)
}

/// Builds the court of the scenario: the generator's, with the calendar,
/// headcount and absences changed (each draw from its own [`stream`]).
fn court(scenario: &Scenario, base: &InstanceDoc) -> Court {
    let start = scenario.start_date();
    let mut magistrates = base.magistrates.clone();
    for (id, change) in &scenario.chambers {
        if change.conseillers < 0 {
            let mut juniors: Vec<usize> = (0..magistrates.len())
                .filter(|&m| magistrates[m].chamber == *id && magistrates[m].role == "conseiller")
                .collect();
            juniors.sort_by_key(|&m| std::cmp::Reverse(magistrates[m].rank));
            let gone: Vec<String> = juniors
                .iter()
                .take(change.conseillers.unsigned_abs() as usize)
                .map(|&m| magistrates[m].id.clone())
                .collect();
            magistrates.retain(|m| !gone.contains(&m.id));
        } else if change.conseillers > 0 {
            let model = magistrates.iter().find(|m| m.chamber == *id && m.role == "conseiller").cloned();
            let last_rank = magistrates.iter().filter(|m| m.chamber == *id).map(|m| m.rank).max().unwrap_or(0);
            if let Some(model) = model {
                for k in 0..change.conseillers {
                    magistrates.push(MagistrateDoc {
                        id: format!("m-{id}-{}", k + 1),
                        name: None,
                        rank: last_rank + 1 + i64::from(k),
                        specialties: Vec::new(),
                        absences: Vec::new(),
                        ..model.clone()
                    });
                }
            }
        }
        if change.absence_rate > 0.0 {
            for magistrate in magistrates.iter_mut().filter(|m| m.chamber == *id) {
                let mut rng = stream(scenario.seed, "absences", &magistrate.id);
                for week in 0..scenario.weeks + scenario.lead_weeks + scenario.planning_weeks {
                    if rng.random_bool(change.absence_rate) {
                        let monday = start + days(7 * i64::from(week));
                        magistrate
                            .absences
                            .push(RangeDoc { from: monday.to_string(), to: (monday + days(4)).to_string() });
                    }
                }
            }
        }
    }
    let mut hearings = Vec::new();
    for hearing in &base.hearings {
        let day = date(&hearing.date);
        let week = ((day - start).num_days() / 7) as u32;
        let change = scenario.chambers.get(&hearing.chamber);
        let share = change.and_then(|c| c.hearings).unwrap_or(1.0);
        let kept = share >= 1.0 || stream(scenario.seed, "hearing", &hearing.id).random_bool(share);
        let closed = change.is_some_and(|c| c.closed_weeks.contains(&day.iso_week().week()));
        if kept && !closed {
            hearings.push((week, hearing.clone()));
        }
    }
    Court { chambers: base.chambers.clone(), magistrates, hearings }
}

struct Simulation<'a> {
    scenario: &'a Scenario,
    court: Court,
    dossiers: Vec<Simulated>,
    /// Attendances per magistrate id, per week.
    attendance: BTreeMap<String, BTreeMap<u32, usize>>,
    /// Hearing ids that heard at least one dossier.
    used_hearings: std::collections::HashSet<String>,
    /// (magistrate, hearing) attendances counted.
    attended: std::collections::HashSet<(String, String)>,
    threads: usize,
    /// Raised to stop: checked each week, and by each weekly solve.
    cancel: &'a AtomicBool,
}

impl Simulation<'_> {
    fn monday(&self, week: u32) -> Date {
        self.scenario.start_date() + days(7 * i64::from(week))
    }

    /// Plans the hearings of weeks `target … target + planning_weeks − 1`
    /// as published on `publication`, and publishes those of `target`.
    fn plan(&mut self, target: u32, publication: Date) -> Result<(), SimulationError> {
        let scenario = self.scenario;
        let last = (target + scenario.planning_weeks).min(scenario.weeks);
        if target >= last {
            return Ok(());
        }
        let (start, end) = (self.monday(target), self.monday(last) - days(3));
        let hearings: Vec<HearingDoc> = self
            .court
            .hearings
            .iter()
            .filter(|(week, _)| (target..last).contains(week))
            .map(|(_, h)| h.clone())
            .collect();
        let mut capacity: HashMap<&str, f64> = HashMap::new();
        for hearing in &hearings {
            *capacity.entry(hearing.chamber.as_str()).or_default() += hearing.capacity_count as f64;
        }
        let known: std::collections::HashSet<&str> = self.court.magistrates.iter().map(|m| m.id.as_str()).collect();
        let mut by_chamber: BTreeMap<&str, Vec<(bool, i64, Date, usize)>> = BTreeMap::new();
        for (i, dossier) in self.dossiers.iter().enumerate() {
            if dossier.state != State::Waiting || dossier.registration > publication {
                continue;
            }
            let earliest = dossier.ready.max(publication) + days(dossier.doc.notice_days);
            if earliest > end {
                continue;
            }
            let urgent = dossier.deadline.is_some_and(|d| d <= end);
            let age_months = (publication - dossier.registration).num_days().max(0) / 30;
            let priority = 1 + age_months + dossier.circuit_bonus + if dossier.deadline.is_some() { 10 } else { 0 };
            by_chamber.entry(dossier.doc.chamber.as_str()).or_default().push((
                urgent,
                priority,
                dossier.registration,
                i,
            ));
        }
        let mut offered: Vec<DossierDoc> = Vec::new();
        // Where each offered dossier stands in the stock.
        let mut offered_at: HashMap<String, usize> = HashMap::new();
        for (chamber, mut list) in by_chamber {
            list.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)).then(a.3.cmp(&b.3)));
            let room = (scenario.shortlist * capacity.get(chamber).copied().unwrap_or(0.0)).ceil() as usize;
            for (rank, &(urgent, priority, _, i)) in list.iter().enumerate() {
                if rank >= room && !urgent {
                    break;
                }
                let mut doc = self.dossiers[i].doc.clone();
                doc.priority = priority as f64;
                doc.rapporteurs.retain(|r| known.contains(r.as_str()));
                doc.recused.retain(|r| known.contains(r.as_str()));
                doc.recusal_grounds.retain(|r, _| known.contains(r.as_str()));
                if doc.avocat_general.as_deref().is_some_and(|ag| !known.contains(ag)) {
                    doc.avocat_general = None;
                }
                if doc.rapporteurs.is_empty() {
                    continue;
                }
                offered_at.insert(doc.id.clone(), i);
                offered.push(doc);
            }
        }
        let doc = InstanceDoc {
            meta: None,
            horizon: greffe_models::format::HorizonDoc {
                start: start.to_string(),
                end: end.to_string(),
                publication_date: Some(publication.to_string()),
            },
            formations: None,
            chambers: self.court.chambers.clone(),
            magistrates: self.court.magistrates.clone(),
            hearings,
            dossiers: offered,
            designations: Vec::new(),
        };
        let instance = validate(&doc).map_err(|problems| SimulationError::Instance {
            week: target + 1,
            message: problems.first().map(ToString::to_string).unwrap_or_default(),
        })?;
        if self.cancel.load(Ordering::Relaxed) {
            return Err(SimulationError::Cancelled);
        }
        let config = SolveConfig {
            cancel: Some(self.cancel),
            // The work limit bounds each solve; the wall clock never does.
            time_limit: Duration::from_secs(24 * 3600),
            threads: self.threads,
            seed: scenario.seed.wrapping_add(u64::from(target)),
            node_limit: Some(scenario.node_limit),
            objective: Objective::Default(ObjectiveWeights::default()),
            ..SolveConfig::default()
        };
        let solved = solve(&instance, &config).map_err(|error| match error {
            greffe_solver::SolveError::Cancelled => SimulationError::Cancelled,
            error => SimulationError::Solver { week: target + 1, message: error.to_string() },
        })?;
        let first_week_end = start + days(6);
        let mut updates = Vec::new();
        for assignment in &solved.plan.assignments {
            let Some(hearing) = instance.hearing(&assignment.hearing) else { continue };
            if hearing.date > first_week_end {
                continue;
            }
            if let Some(&i) = offered_at.get(assignment.dossier.as_str()) {
                updates.push((i, hearing.date));
            }
            self.used_hearings.insert(hearing.id.to_string());
            for rapporteur in instance.dossier(&assignment.dossier).map(|d| d.rapporteurs.clone()).unwrap_or_default() {
                self.attend(rapporteur.as_str(), &hearing.id, target);
            }
        }
        for bench in &solved.plan.benches {
            if self.used_hearings.contains(bench.hearing.as_str()) {
                for member in &bench.members {
                    self.attend(member.as_str(), &bench.hearing, target);
                }
            }
        }
        for (i, day) in updates {
            self.dossiers[i].state = State::Scheduled(day);
        }
        Ok(())
    }

    fn attend(&mut self, magistrate: &str, hearing: &greffe_models::HearingId, week: u32) {
        // One attendance per hearing, whether on the bench or as rapporteur.
        if self.attended.insert((magistrate.to_owned(), hearing.to_string())) {
            *self.attendance.entry(magistrate.to_owned()).or_default().entry(week).or_default() += 1;
        }
    }
}

/// Weeks between a report's filing and the judgment, in the rapporteurs'
/// load (`designation::Desks`): the residual weight of a filed report
/// counts that long.
const REPORT_TO_JUDGMENT_WEEKS: u32 = 6;

/// The section competent for `doc`: its model rapporteur's.
fn section_of(base: &InstanceDoc, doc: &DossierDoc) -> Option<String> {
    let rapporteur = doc.rapporteurs.first()?;
    base.magistrates.iter().find(|m| &m.id == rapporteur)?.section.clone()
}

/// The rapporteurs of the simulated court: who may report in each chamber
/// (the scenario's headcount and absences), their desks, and the policy
/// that designates them.
struct Reporting<'r> {
    desks: designation::Desks<'r>,
    candidates: BTreeMap<String, Vec<greffe_models::distribution::Candidate>>,
    /// New pourvois designated to each magistrate.
    designated: BTreeMap<String, usize>,
}

impl<'r> Reporting<'r> {
    /// Each chamber's rate keeps its reports' stock steady at the
    /// generated court's inflow and headcount: a scenario that changes
    /// either changes the load.
    fn new(
        policy: designation::Designation,
        rules: &'r greffe_models::distribution::DistributionRules,
        base: &InstanceDoc,
        court: &Court,
    ) -> Self {
        use greffe_models::distribution::Designating;
        let mut rate = BTreeMap::new();
        let mut candidates = BTreeMap::new();
        for chamber in &court.chambers {
            let weekly: f64 = base
                .dossiers
                .iter()
                .filter(|d| d.chamber == chamber.id)
                .map(|d| rules.weight(circuit_of(d), false))
                .sum::<f64>()
                / 52.0;
            let staffed = designation::candidates(&base.magistrates, &chamber.id, Designating::Rapporteur);
            rate.insert(chamber.id.clone(), designation::Desks::steady_rate(rules, weekly, &staffed));
            candidates.insert(
                chamber.id.clone(),
                designation::candidates(&court.magistrates, &chamber.id, Designating::Rapporteur),
            );
        }
        Self {
            desks: designation::Desks::new(policy, rules, rate, REPORT_TO_JUDGMENT_WEEKS),
            candidates,
            designated: BTreeMap::new(),
        }
    }

    /// Designates the rapporteur of each of `new`, registered the week of
    /// `monday`, chamber by chamber; the designee becomes the dossier's
    /// rapporteur (the one the planner seats).
    fn designate(&mut self, new: &mut [Simulated], monday: Date) -> designation::Designated {
        use greffe_models::distribution::{Batch, BatchDossier, Designating};
        let mut batches = Vec::new();
        let mut members: Vec<Vec<usize>> = Vec::new();
        let mut as_generated = Vec::new();
        for (chamber, candidates) in &mut self.candidates {
            let here: Vec<usize> = (0..new.len()).filter(|&i| &new[i].doc.chamber == chamber).collect();
            if here.is_empty() {
                continue;
            }
            self.desks.read_loads(candidates);
            as_generated.push(
                here.iter()
                    .map(|&i| {
                        let model = new[i].doc.rapporteurs.first();
                        candidates.iter().position(|c| Some(&c.id) == model)
                    })
                    .collect(),
            );
            batches.push(Batch {
                chamber: chamber.clone(),
                designating: Designating::Rapporteur,
                today: monday,
                dossiers: here
                    .iter()
                    .map(|&i| BatchDossier {
                        id: i64::try_from(i).unwrap_or(i64::MAX),
                        pourvoi: new[i].doc.pourvoi.clone(),
                        section: new[i].section.clone(),
                        matter: new[i].doc.matter.clone(),
                        circuit: circuit_of(&new[i].doc),
                        parties: Vec::new(),
                        recused: new[i].doc.recused.clone(),
                        ruling_due: new[i].deadline,
                        series: None,
                        series_designee: None,
                    })
                    .collect(),
                candidates: candidates.clone(),
            });
            members.push(here);
        }
        let designated = self.desks.designate(&batches, &as_generated);
        for ((batch, here), chosen) in batches.iter().zip(&members).zip(&designated.chosen) {
            for (&i, chosen) in here.iter().zip(chosen) {
                let Some(c) = *chosen else { continue };
                let id = &batch.candidates[c].id;
                *self.designated.entry(id.clone()).or_default() += 1;
                if new[i].doc.rapporteurs.first() != Some(id) {
                    new[i].doc.rapporteurs = vec![id.clone()];
                }
            }
        }
        designated
    }

    /// A week of every chamber's rapporteurs' work.
    fn work(&mut self, week: u32) {
        for (chamber, candidates) in &self.candidates {
            self.desks.work(week, chamber, candidates);
        }
    }

    /// The spread of the rapporteurs' load now.
    fn spread(&self) -> designation::Spread {
        self.desks.spread(self.candidates.values().map(Vec::as_slice))
    }
}

fn circuit_of(doc: &DossierDoc) -> greffe_models::dossier::Circuit {
    match doc.circuit.as_deref() {
        Some("court") => greffe_models::dossier::Circuit::Court,
        Some("approfondi") => greffe_models::dossier::Circuit::Approfondi,
        _ => greffe_models::dossier::Circuit::Intermediaire,
    }
}

/// Runs `scenario`; `threads` workers per weekly solve (0: all cores);
/// `progress` is told each week done.
pub fn run(scenario: &Scenario, threads: usize, progress: &(dyn Fn(u32) + Sync)) -> Result<Outcome, SimulationError> {
    run_until(scenario, threads, progress, &AtomicBool::new(false))
}

/// [`run`], stopped with [`SimulationError::Cancelled`] once `cancel` is
/// raised: between weeks, and inside a weekly solve at HiGHS's next check.
pub fn run_until(
    scenario: &Scenario,
    threads: usize,
    progress: &(dyn Fn(u32) + Sync),
    cancel: &AtomicBool,
) -> Result<Outcome, SimulationError> {
    scenario.check()?;
    let start = scenario.start_date();
    let base = generate(&GeneratorConfig { start, ..GeneratorConfig::new(Scale::Court, 52, scenario.seed) })
        .map_err(|error| SimulationError::Instance { week: 0, message: error.to_string() })?;
    // The inflow's stream; the court's draws have their own.
    let mut rng = ChaCha8Rng::seed_from_u64(scenario.seed ^ 0x5151_0000);
    let court = court(scenario, &base);
    let rules = greffe_models::distribution::DistributionRules::embedded();
    let mut reporting = Reporting::new(scenario.designation, rules, &base, &court);
    let mut pourvoi_serial: BTreeMap<u8, u32> = BTreeMap::new();
    for dossier in &base.dossiers {
        if let Ok(number) = greffe_models::PourvoiNumber::parse(&dossier.pourvoi) {
            let entry = pourvoi_serial.entry(number.year()).or_default();
            *entry = (*entry).max(number.number());
        }
    }
    let mut dossiers: Vec<Simulated> = Vec::new();
    let mut templates: BTreeMap<&str, Vec<&DossierDoc>> = BTreeMap::new();
    for doc in &base.dossiers {
        templates.entry(doc.chamber.as_str()).or_default().push(doc);
        let registration = doc.registration_date.as_deref().map_or(start, date);
        if registration > start {
            continue;
        }
        let mut doc = doc.clone();
        doc.joined_group = None;
        dossiers.push(Simulated {
            section: section_of(&base, &doc),
            registration,
            ready: date(&doc.ready_date),
            deadline: doc.deadline.as_deref().map(date),
            circuit_bonus: circuit_bonus(&doc),
            doc,
            state: State::Waiting,
            breach_counted: false,
        });
    }
    let initial_stock = dossiers.len();
    let mut simulation = Simulation {
        scenario,
        court,
        dossiers,
        attendance: BTreeMap::new(),
        used_hearings: std::collections::HashSet::new(),
        attended: std::collections::HashSet::new(),
        threads,
        cancel,
    };
    // The first weeks' rolls were published before the start.
    for target in 0..scenario.lead_weeks.min(scenario.weeks) {
        let publication = simulation.monday(target) - days(7 * i64::from(scenario.lead_weeks));
        simulation.plan(target, publication)?;
    }
    let mut rows = Vec::with_capacity(scenario.weeks as usize);
    let mut counter = 0usize;
    for week in 0..scenario.weeks {
        if cancel.load(Ordering::Relaxed) {
            return Err(SimulationError::Cancelled);
        }
        let monday = simulation.monday(week);
        let sunday = monday + days(6);
        // New pourvois.
        let first_new = simulation.dossiers.len();
        let mut registered = 0;
        for (chamber, pool) in &templates {
            let change = scenario.chambers.get(*chamber);
            let rate =
                change.and_then(|c| c.inflow_per_week).unwrap_or(scenario.inflow_factor * pool.len() as f64 / 52.0);
            for _ in 0..poisson(&mut rng, rate) {
                let template = pool[rng.random_range(0..pool.len())];
                let registration = monday + days(rng.random_range(0..5));
                let delay = match template.circuit.as_deref() {
                    Some("court") => scenario.readiness.court,
                    Some("approfondi") => scenario.readiness.approfondi,
                    _ => scenario.readiness.intermediaire,
                };
                let ready = registration + days(normal(&mut rng, delay.mean, delay.sd).max(delay.min).round() as i64);
                let deadline = template.deadline.as_deref().map(|raw| {
                    let span = (date(raw) - date(&template.ready_date)).num_days().max(7);
                    ready + days(span)
                });
                let year = (registration.year().rem_euclid(100)) as u8;
                let serial = pourvoi_serial.entry(year).or_insert(10_000);
                *serial = (*serial + 1).min(99_999);
                counter += 1;
                let letter = char::from(b'A' + (counter % 26) as u8);
                let mut doc = template.clone();
                doc.id = format!("s{counter:06}");
                doc.pourvoi = format!("{letter} {year:02}-{:02}.{:03}", *serial / 1000, *serial % 1000);
                doc.registration_date = Some(registration.to_string());
                doc.ready_date = ready.to_string();
                doc.deadline = deadline.map(|d| d.to_string());
                doc.joined_group = None;
                doc.pinned_hearing = None;
                simulation.dossiers.push(Simulated {
                    section: section_of(&base, template),
                    circuit_bonus: circuit_bonus(&doc),
                    doc,
                    registration,
                    ready,
                    deadline,
                    state: State::Waiting,
                    breach_counted: false,
                });
                registered += 1;
            }
        }
        // Their rapporteurs, by the scenario's policy.
        let designated = reporting.designate(&mut simulation.dossiers[first_new..], monday);
        // This week's planning publishes the roll `lead` weeks ahead.
        simulation.plan(week + scenario.lead_weeks, monday)?;
        // Hearings of the week are held.
        let mut waits: Vec<i64> = Vec::new();
        for dossier in &mut simulation.dossiers {
            if let State::Scheduled(day) = dossier.state {
                if day <= sunday {
                    dossier.state = State::Heard;
                    waits.push((day - dossier.registration).num_days());
                }
            }
        }
        let mut breaches = 0;
        let (mut stock, mut ready, mut scheduled) = (0, 0, 0);
        let mut ages = [0usize; 4];
        for dossier in &mut simulation.dossiers {
            if dossier.state == State::Heard || dossier.registration > sunday {
                continue;
            }
            stock += 1;
            match dossier.state {
                State::Scheduled(_) => scheduled += 1,
                _ if dossier.ready <= sunday => ready += 1,
                _ => {}
            }
            let age = (sunday - dossier.registration).num_days();
            ages[match age {
                ..183 => 0,
                183..365 => 1,
                365..730 => 2,
                _ => 3,
            }] += 1;
            if dossier.state == State::Waiting
                && !dossier.breach_counted
                && dossier.deadline.is_some_and(|deadline| deadline <= sunday)
            {
                dossier.breach_counted = true;
                breaches += 1;
            }
        }
        // A week of the rapporteurs' work.
        reporting.work(week);
        let report_load = reporting.spread();
        waits.sort_unstable();
        let loads: Vec<usize> = simulation.attendance.values().filter_map(|weeks| weeks.get(&week).copied()).collect();
        let hearings_this_week: Vec<&HearingDoc> =
            simulation.court.hearings.iter().filter(|(w, _)| *w == week).map(|(_, h)| h).collect();
        rows.push(WeekRow {
            week: week + 1,
            monday,
            registered,
            heard: waits.len(),
            stock,
            ready,
            scheduled,
            age_under_6_months: ages[0],
            age_6_to_12_months: ages[1],
            age_12_to_24_months: ages[2],
            age_over_24_months: ages[3],
            mean_days_to_decision: (!waits.is_empty()).then(|| waits.iter().sum::<i64>() as f64 / waits.len() as f64),
            median_days_to_decision: (!waits.is_empty()).then(|| {
                let mid = waits.len() / 2;
                if waits.len() % 2 == 1 { waits[mid] as f64 } else { (waits[mid - 1] + waits[mid]) as f64 / 2.0 }
            }),
            hearings: hearings_this_week.len(),
            hearings_used: hearings_this_week.iter().filter(|h| simulation.used_hearings.contains(&h.id)).count(),
            deadline_breaches: breaches,
            mean_load: if loads.is_empty() { 0.0 } else { loads.iter().sum::<usize>() as f64 / loads.len() as f64 },
            max_load: loads.iter().copied().max().unwrap_or(0),
            designated: designated.designated,
            designated_outside_competence: designated.outside_competence,
            not_designated: designated.not_designated,
            report_load_max_over_mean: report_load.max_over_mean,
            report_load_sd_over_mean: report_load.sd_over_mean,
        });
        progress(week + 1);
    }
    let magistrates = simulation
        .court
        .magistrates
        .iter()
        .filter(|m| m.role != "avocat_general")
        .map(|m| {
            let weeks = simulation.attendance.get(&m.id);
            MagistrateLoad {
                magistrate: m.id.clone(),
                chamber: m.chamber.clone(),
                role: m.role.clone(),
                hearings: weeks
                    .map_or(0, |w| w.iter().filter(|(week, _)| **week < scenario.weeks).map(|(_, n)| n).sum()),
                max_per_week: weeks.and_then(|w| w.values().copied().max()).unwrap_or(0),
                designated: reporting.designated.get(&m.id).copied().unwrap_or(0),
            }
        })
        .collect();
    Ok(Outcome { scenario: scenario.name.clone(), seed: scenario.seed, initial_stock, weeks: rows, magistrates })
}

#[cfg(test)]
mod tests {
    #[test]
    fn csv_values_are_quoted_where_needed() {
        let rows =
            vec![vec!["civ1, section 2".to_owned(), "dit \"X\"".to_owned()], vec!["a".to_owned(), "b".to_owned()]];
        let text = super::csv_text(&["chamber", "name"], rows.into_iter());
        assert_eq!(text, "chamber,name\n\"civ1, section 2\",\"dit \"\"X\"\"\"\na,b\n");
    }
}
