//! The analysts' simulation studio: a scenario written in a form (the
//! fields of the simulation format: weeks, inflow, hearings kept per
//! chamber, closed weeks, headcount, absence rate), run as a durable job
//! (`api::simulations::queue_simulation`) and followed live; its results as
//! charts and tables, downloaded as CSV or JSON; several runs compared on
//! one chart. Every scenario run is kept with its run: it can be run again
//! as it was, or changed and run.

use std::collections::BTreeMap;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use greffe_models::access::Operation;
use greffe_simulation::designation::Designation;
use greffe_simulation::scenario::CHAMBERS;
use greffe_simulation::{ChamberScenario, Outcome, Scenario};
use greffe_store::jobs::{Job, JobKind, JobStatus};

use super::charts::{Chart, Key, Series, number_fr};
use super::forms::{Field, Fields, Kind, Problems};
use super::pages::{HeaderMember, date_fr, failure_as, instant_fr, render};
use super::session::Member;
use crate::api::AppState;
use crate::api::plans::follow_job;
use crate::api::simulations::{SimulationView, outcome_of, queue_simulation};
use crate::error::Error;

/// Where the studio is.
pub const HOME: &str = "/portail/simulations";

/// Runs compared on one chart, at most.
const MAX_COMPARED: usize = 6;

/// A run in the studio's list.
#[derive(Debug, Clone)]
pub struct RunRow {
    id: i64,
    name: String,
    status: &'static str,
    progress: String,
    asked: String,
    done: bool,
}

/// One chamber's part of the scenario form.
#[derive(Debug, Clone)]
pub struct ChamberFields {
    code: &'static str,
    fields: Vec<Field>,
}

#[derive(Template)]
#[template(path = "simulations.html")]
struct StudioPage {
    member: Option<HeaderMember>,
    csrf: String,
    fields: Vec<Field>,
    chambers: Vec<ChamberFields>,
    problems: Problems,
    runs: Vec<RunRow>,
    /// The scenario the form was filled from (« Modifier et relancer »).
    from: Option<String>,
}

/// A chart with its legend and the table of its figures.
#[derive(Debug, Clone)]
pub struct ChartView {
    id: String,
    title: String,
    svg: String,
    keys: Vec<Key>,
    /// Column heads of the table: the x axis' name, then each series.
    heads: Vec<String>,
    rows: Vec<(String, Vec<String>)>,
}

impl ChartView {
    fn of(chart: &Chart, axis: &str) -> Self {
        Self {
            id: chart.id.clone(),
            title: chart.title.clone(),
            svg: chart.svg(),
            keys: chart.keys(),
            heads: std::iter::once(axis.to_owned()).chain(chart.series.iter().map(|s| s.label.clone())).collect(),
            rows: chart.rows(),
        }
    }
}

/// A magistrate's load, as the results list it.
#[derive(Debug, Clone)]
pub struct LoadRow {
    magistrate: String,
    chamber: String,
    role: String,
    hearings: usize,
    max_per_week: usize,
    designated: usize,
}

#[derive(Template)]
#[template(path = "simulation.html")]
struct RunPage {
    member: Option<HeaderMember>,
    csrf: String,
    id: i64,
    name: String,
    status: &'static str,
    running: bool,
    week: u32,
    weeks: u32,
    percent: u32,
    elapsed: String,
    asked: String,
    error: Option<String>,
    cancelled: bool,
    /// What the scenario changes, in French.
    settings: Vec<String>,
    /// Key figures of a finished run: (label, value).
    figures: Vec<(String, String)>,
    charts: Vec<ChartView>,
    loads: Vec<LoadRow>,
    magistrates: usize,
    /// The other finished runs, to compare with: (id, label).
    others: Vec<(i64, String)>,
}

#[derive(Template)]
#[template(path = "simulations_compare.html")]
struct ComparePage {
    member: Option<HeaderMember>,
    /// The runs compared: (id, name).
    runs: Vec<(i64, String)>,
    /// One row per figure, one value per run.
    figures: Vec<(String, Vec<String>)>,
    charts: Vec<ChartView>,
}

fn status_fr(status: JobStatus) -> &'static str {
    match status {
        JobStatus::Queued => "en attente",
        JobStatus::Running => "en cours",
        JobStatus::Done => "terminée",
        JobStatus::Failed => "en échec",
        JobStatus::Cancelled => "annulée",
    }
}

/// Refused unless the member simulates (analysts, administrators).
fn require_analyst(member: &Member) -> Result<(), Error> {
    member.caller().require(Operation::Simulate)
}

/// Run `raw` as the API reads it (analysts; another kind of job is not found).
async fn run_of(state: &AppState, member: &Member, raw: &str) -> Result<Job, Error> {
    crate::api::simulations::run_of(state, &member.caller(), raw).await
}

/// The scenario a run was asked with, as stored.
fn scenario_of_run(job: &Job) -> Result<Scenario, Error> {
    serde_json::from_value(job.request.clone())
        .map_err(|error| Error::internal(format!("jobs.request of simulation {}: {error}", job.id)))
}

/// A decimal number typed in a form (`1,5` or `1.5`).
fn decimal(raw: &str) -> Option<f64> {
    raw.trim().replace(',', ".").replace(['\u{202F}', '\u{A0}', ' '], "").parse::<f64>().ok().filter(|x| x.is_finite())
}

/// ISO week numbers typed as `31, 32, 33` or `31-33`.
fn week_list(raw: &str) -> Option<Vec<u32>> {
    let mut weeks = Vec::new();
    for piece in raw.split([',', ';', ' ']).map(str::trim).filter(|p| !p.is_empty()) {
        match piece.split_once(['-', '–']) {
            Some((from, to)) => {
                let (from, to) = (from.trim().parse::<u32>().ok()?, to.trim().parse::<u32>().ok()?);
                if from > to {
                    return None;
                }
                weeks.extend(from..=to);
            }
            None => weeks.push(piece.parse().ok()?),
        }
    }
    weeks.sort_unstable();
    weeks.dedup();
    Some(weeks)
}

/// The scenario a form describes, or every problem, each on its field.
fn scenario_from(fields: &Fields) -> Result<Scenario, Problems> {
    let mut problems = Problems::default();
    let name = fields.get("name").trim().to_owned();
    if name.is_empty() {
        problems.push("name", "nom du scénario absent", "donner un nom, par exemple « hausse des entrées de 10 % »");
    }
    let mut whole = |field: &str, default: u64, what: &str| -> u64 {
        match fields.opt(field) {
            None => default,
            Some(raw) => raw.parse::<u64>().unwrap_or_else(|_| {
                problems.push(field, format!("« {raw} » n'est pas un nombre entier"), what);
                default
            }),
        }
    };
    let weeks = whole("weeks", 12, "donner une durée de 1 à 52 semaines");
    let seed = whole("seed", 1, "donner un nombre entier positif");
    let planning_weeks = whole("planning_weeks", 2, "donner de 1 à 8 semaines");
    let lead_weeks = whole("lead_weeks", 3, "donner de 2 à 8 semaines");
    let inflow_factor = match fields.opt("inflow_factor") {
        None => 1.0,
        Some(raw) => decimal(&raw).unwrap_or_else(|| {
            problems.push("inflow_factor", format!("« {raw} » n'est pas un nombre"), "donner un facteur de 0 à 10");
            1.0
        }),
    };
    let mut chambers = BTreeMap::new();
    for code in CHAMBERS {
        let at = |field: &str| format!("chambers.{code}.{field}");
        let mut number = |field: &str, what: &str| -> Option<f64> {
            let raw = fields.opt(&at(field))?;
            let value = decimal(&raw);
            if value.is_none() {
                problems.push(at(field), format!("« {raw} » n'est pas un nombre"), what);
            }
            value
        };
        let inflow = number("inflow_per_week", "donner un nombre de pourvois par semaine, de 0 à 2000");
        let hearings = number("hearings_percent", "donner un pourcentage de 0 à 100");
        let absence = number("absence_percent", "donner un pourcentage de 0 à 90");
        for (field, value, max) in [("hearings_percent", hearings, 100.0), ("absence_percent", absence, 90.0)] {
            if value.is_some_and(|v| !(0.0..=max).contains(&v)) {
                problems.push(
                    at(field),
                    format!("{} % : hors de l'intervalle", number_fr(value.unwrap_or_default())),
                    format!("donner un pourcentage de 0 à {max}"),
                );
            }
        }
        let conseillers = match fields.opt(&at("conseillers")) {
            None => 0,
            Some(raw) => raw.trim_start_matches('+').replace('−', "-").parse::<i32>().unwrap_or_else(|_| {
                problems.push(
                    at("conseillers"),
                    format!("« {raw} » n'est pas un nombre entier"),
                    "donner une variation de −20 à +20",
                );
                0
            }),
        };
        let closed = match fields.opt(&at("closed_weeks")) {
            None => Vec::new(),
            Some(raw) => week_list(&raw).unwrap_or_else(|| {
                problems.push(
                    at("closed_weeks"),
                    format!("« {raw} » illisible"),
                    "donner des numéros de semaine ISO, par exemple « 31, 32, 33 » ou « 31-34 »",
                );
                Vec::new()
            }),
        };
        let chamber = ChamberScenario {
            inflow_per_week: inflow,
            hearings: hearings.map(|p| p / 100.0),
            closed_weeks: closed,
            conseillers,
            absence_rate: absence.map_or(0.0, |p| p / 100.0),
        };
        if chamber != ChamberScenario::default() {
            chambers.insert(code.to_owned(), chamber);
        }
    }
    let designation = match fields.opt("designation") {
        None => Designation::default(),
        Some(raw) => Designation::parse(&raw).unwrap_or_else(|| {
            problems.push("designation", format!("politique « {raw} » inconnue"), "choisir une politique de la liste");
            Designation::default()
        }),
    };
    let narrow = |value: u64| u32::try_from(value).unwrap_or(u32::MAX);
    let scenario = Scenario {
        name,
        seed,
        weeks: narrow(weeks),
        start: fields.opt("start"),
        planning_weeks: narrow(planning_weeks),
        lead_weeks: narrow(lead_weeks),
        node_limit: 0,
        shortlist: 2.0,
        inflow_factor,
        readiness: greffe_simulation::Readiness::default(),
        chambers,
        designation,
    };
    if problems.is_empty() {
        if let Err(error) = scenario.check() {
            // The check speaks of shares (0 to 1) where the form asks for
            // percentages: those are checked above.
            problems.push(error.field, error.message, "corriger la valeur");
        }
    }
    if problems.is_empty() { Ok(scenario) } else { Err(problems) }
}

/// The form's fields for `scenario` (« Modifier et relancer »).
fn fields_of(scenario: &Scenario) -> Fields {
    let mut fields = Fields::empty();
    let percent = |share: f64| number_fr(share * 100.0).replace('\u{202F}', "");
    fields.push("name", scenario.name.clone());
    fields.push("weeks", scenario.weeks.to_string());
    fields.push("start", scenario.start.clone().unwrap_or_default());
    fields.push("seed", scenario.seed.to_string());
    fields.push("inflow_factor", number_fr(scenario.inflow_factor).replace('\u{202F}', ""));
    fields.push("planning_weeks", scenario.planning_weeks.to_string());
    fields.push("lead_weeks", scenario.lead_weeks.to_string());
    fields.push("designation", scenario.designation.as_str().to_owned());
    for (code, chamber) in &scenario.chambers {
        let at = |field: &str| format!("chambers.{code}.{field}");
        if let Some(inflow) = chamber.inflow_per_week {
            fields.push(at("inflow_per_week"), number_fr(inflow).replace('\u{202F}', ""));
        }
        if let Some(share) = chamber.hearings {
            fields.push(at("hearings_percent"), percent(share));
        }
        if !chamber.closed_weeks.is_empty() {
            let weeks: Vec<String> = chamber.closed_weeks.iter().map(ToString::to_string).collect();
            fields.push(at("closed_weeks"), weeks.join(", "));
        }
        if chamber.conseillers != 0 {
            fields.push(at("conseillers"), format!("{:+}", chamber.conseillers));
        }
        if chamber.absence_rate > 0.0 {
            fields.push(at("absence_percent"), percent(chamber.absence_rate));
        }
    }
    fields
}

/// What a scenario changes, in French, line by line.
fn settings_of(scenario: &Scenario) -> Vec<String> {
    let mut lines = vec![
        format!("{} semaine(s) à partir du {}", scenario.weeks, date_fr(&scenario.start_date().to_string())),
        format!(
            "rôles préparés chaque semaine pour {} semaine(s), {} semaine(s) à l'avance ; graine {}",
            scenario.planning_weeks, scenario.lead_weeks, scenario.seed
        ),
    ];
    lines.push(format!("désignation des rapporteurs : {}", scenario.designation.label_fr()));
    if (scenario.inflow_factor - 1.0).abs() > f64::EPSILON {
        lines.push(format!("entrées de toutes les chambres × {}", number_fr(scenario.inflow_factor)));
    }
    for (code, chamber) in &scenario.chambers {
        let mut parts = Vec::new();
        if let Some(inflow) = chamber.inflow_per_week {
            parts.push(format!("{} pourvois par semaine", number_fr(inflow)));
        }
        if let Some(share) = chamber.hearings {
            parts.push(format!("{} % des audiences maintenues", number_fr(share * 100.0)));
        }
        if !chamber.closed_weeks.is_empty() {
            let weeks: Vec<String> = chamber.closed_weeks.iter().map(ToString::to_string).collect();
            parts.push(format!("semaines sans audience : {}", weeks.join(", ")));
        }
        if chamber.conseillers != 0 {
            parts.push(format!("conseillers {:+}", chamber.conseillers));
        }
        if chamber.absence_rate > 0.0 {
            parts.push(format!("{} % d'absences en plus", number_fr(chamber.absence_rate * 100.0)));
        }
        lines.push(format!("chambre {code} : {}", parts.join(" ; ")));
    }
    lines
}

async fn runs(state: &AppState) -> Result<Vec<RunRow>, Error> {
    Ok(state
        .store
        .jobs(JobKind::Simulation, None)
        .await?
        .iter()
        .take(50)
        .map(|job| {
            let view = SimulationView::of(job);
            RunRow {
                id: job.id,
                name: job.scope.clone(),
                status: status_fr(job.status),
                progress: format!("{} / {} semaine(s)", view.week, view.weeks),
                asked: format!("{}, le {}", job.created_by, instant_fr(&job.created_at)),
                done: job.status == JobStatus::Done,
            }
        })
        .collect())
}

async fn studio_page(
    state: &AppState,
    member: &Member,
    fields: &Fields,
    mut problems: Problems,
    from: Option<String>,
) -> Result<StudioPage, Error> {
    let value = |name: &str, default: &str| -> String {
        if fields.has(name) { fields.get(name).to_owned() } else { default.to_owned() }
    };
    let mut general = vec![
        Field::new(Kind::Text, "name", "Nom du scénario", &value("name", ""), &problems)
            .hint("par exemple « hausse des entrées de 10 % »")
            .required(),
        Field::new(Kind::Text, "weeks", "Durée (semaines)", &value("weeks", "12"), &problems).hint("de 1 à 52"),
        Field::new(Kind::Date, "start", "Premier lundi", &value("start", "2027-01-04"), &problems)
            .hint("la simulation part d'un lundi"),
        Field::new(Kind::Text, "inflow_factor", "Facteur des entrées", &value("inflow_factor", "1"), &problems)
            .hint("multiplie les entrées de toutes les chambres : 1,1 pour +10 %"),
        Field::new(
            Kind::Text,
            "planning_weeks",
            "Semaines préparées chaque semaine",
            &value("planning_weeks", "2"),
            &problems,
        )
        .hint("de 1 à 8"),
        Field::new(Kind::Text, "lead_weeks", "Semaines d'avance des rôles", &value("lead_weeks", "3"), &problems)
            .hint("de 2 à 8 : les avis partent 15 jours avant en matière civile"),
        Field::new(Kind::Text, "seed", "Graine des tirages", &value("seed", "1"), &problems)
            .hint("la même graine redonne les mêmes résultats"),
        Field::new(
            Kind::Select,
            "designation",
            "Désignation des rapporteurs",
            &value("designation", Designation::default().as_str()),
            &problems,
        )
        .hint("qui rapporte chaque nouveau pourvoi ; optimisée : section, spécialité, charge, séries")
        .choices(super::forms::choices(
            Designation::ALL.iter().map(|d| (d.as_str(), d.label_fr())),
            &value("designation", Designation::default().as_str()),
            None,
        )),
    ];
    let mut chambers: Vec<ChamberFields> = CHAMBERS
        .iter()
        .map(|code| {
            let at = |field: &str| format!("chambers.{code}.{field}");
            let field = |name: &str, label: &str, hint: &str| {
                Field::new(Kind::Text, &at(name), label, fields.get(&at(name)), &problems).hint(hint)
            };
            ChamberFields {
                code,
                fields: vec![
                    field("inflow_per_week", "Pourvois par semaine", "vide : la demande habituelle"),
                    field("hearings_percent", "Audiences maintenues (%)", "vide : toutes"),
                    field("closed_weeks", "Semaines sans audience", "n° ISO : « 31-34 »"),
                    field("conseillers", "Conseillers en plus ou en moins", "« -2 », « +1 »"),
                    field("absence_percent", "Absences en plus (%)", "part des semaines-magistrat"),
                ],
            }
        })
        .collect();
    let mut all: Vec<Field> = general.clone();
    all.extend(chambers.iter().flat_map(|c| c.fields.iter().cloned()));
    problems.label_from_fields(&all);
    // The chamber's code in the error summary, where the label repeats.
    for problem in &mut problems.0 {
        if let Some(code) = problem.field.strip_prefix("chambers.").and_then(|rest| rest.split('.').next()) {
            problem.label = format!("{} (chambre {code})", problem.label);
        }
    }
    for field in general.iter_mut().chain(chambers.iter_mut().flat_map(|c| c.fields.iter_mut())) {
        field.error = problems.of(&field.name).cloned();
    }
    Ok(StudioPage {
        member: Some(HeaderMember::of(member, HOME)),
        csrf: member.session.csrf.clone(),
        fields: general,
        chambers,
        problems,
        runs: runs(state).await?,
        from,
    })
}

/// `GET /portail/simulations` (`?depuis=ID`: the form filled with that
/// run's scenario).
pub async fn studio(State(state): State<AppState>, member: Member, RawQuery(raw): RawQuery) -> Response {
    let query = Fields::parse(raw.unwrap_or_default().as_bytes());
    let result = async {
        require_analyst(&member)?;
        let (fields, from) = match query.opt("depuis") {
            Some(raw) => {
                let job = run_of(&state, &member, &raw).await?;
                (fields_of(&scenario_of_run(&job)?), Some(job.scope))
            }
            None => (Fields::empty(), None),
        };
        studio_page(&state, &member, &fields, Problems::default(), from).await
    }
    .await;
    match result {
        Ok(page) => render(&page, StatusCode::OK),
        Err(error) => failure_as(&member, &error),
    }
}

/// `POST /portail/simulations`: the scenario queued, its run followed; a
/// refused form comes back with every problem beside its field.
pub async fn start(State(state): State<AppState>, member: Member, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    let result: Result<Result<i64, Problems>, Error> = async {
        member.require_csrf(fields.get("csrf"))?;
        require_analyst(&member)?;
        let scenario = match scenario_from(&fields) {
            Ok(scenario) => scenario,
            Err(problems) => return Ok(Err(problems)),
        };
        match queue_simulation(&state, member.actor(), &scenario).await {
            Ok(job) => Ok(Ok(job.id)),
            Err(error) => {
                let mut problems = Problems::default();
                problems.take(error)?;
                Ok(Err(problems))
            }
        }
    }
    .await;
    match result {
        Ok(Ok(id)) => Redirect::to(&format!("{HOME}/{id}")).into_response(),
        Ok(Err(problems)) => match studio_page(&state, &member, &fields, problems, None).await {
            Ok(page) => render(&page, StatusCode::UNPROCESSABLE_ENTITY),
            Err(error) => failure_as(&member, &error),
        },
        Err(error) => failure_as(&member, &error),
    }
}

/// `POST /portail/simulations/{id}/relancer`: the same scenario, run again.
pub async fn rerun(State(state): State<AppState>, member: Member, Path(raw_id): Path<String>, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    let result: Result<i64, Error> = async {
        member.require_csrf(fields.get("csrf"))?;
        let job = run_of(&state, &member, &raw_id).await?;
        let scenario = scenario_of_run(&job)?;
        Ok(queue_simulation(&state, member.actor(), &scenario).await?.id)
    }
    .await;
    match result {
        Ok(id) => Redirect::to(&format!("{HOME}/{id}")).into_response(),
        Err(error) => failure_as(&member, &error),
    }
}

/// `POST /portail/simulations/{id}/annuler`.
pub async fn cancel(
    State(state): State<AppState>,
    member: Member,
    Path(raw_id): Path<String>,
    body: Bytes,
) -> Response {
    let fields = Fields::parse(&body);
    let result: Result<i64, Error> = async {
        member.require_csrf(fields.get("csrf"))?;
        let job = run_of(&state, &member, &raw_id).await?;
        state.store.cancel_job(job.id).await?;
        Ok(job.id)
    }
    .await;
    match result {
        Ok(id) => Redirect::to(&format!("{HOME}/{id}")).into_response(),
        Err(error) => failure_as(&member, &error),
    }
}

/// `GET /portail/simulations/{id}/suivi`: the run's progress as server-sent
/// events (the API's stream, under the portal's session).
pub async fn follow(State(state): State<AppState>, member: Member, Path(raw_id): Path<String>) -> Response {
    match run_of(&state, &member, &raw_id).await {
        Ok(job) => follow_job(&state, job.id, SimulationView::of(&job), SimulationView::of, SimulationView::is_final),
        Err(error) => failure_as(&member, &error),
    }
}

/// The week axis of one run: each week's Monday.
fn mondays(outcome: &Outcome) -> Vec<String> {
    outcome.weeks.iter().map(|w| w.monday.format("%d/%m").to_string()).collect()
}

fn series(label: &str, values: impl Iterator<Item = Option<f64>>) -> Series {
    Series { label: label.to_owned(), values: values.collect() }
}

/// The charts of one run.
fn run_charts(outcome: &Outcome) -> Vec<ChartView> {
    let weeks = &outcome.weeks;
    let count = |f: fn(&greffe_simulation::WeekRow) -> usize| weeks.iter().map(move |w| Some(f(w) as f64));
    let chart = |id: &str, title: &str, unit: &str, series: Vec<Series>| {
        ChartView::of(
            &Chart { id: id.into(), title: title.into(), unit: unit.into(), x_labels: mondays(outcome), series },
            "Semaine du",
        )
    };
    vec![
        chart(
            "graphique-stock",
            "Stock en fin de semaine",
            "dossiers",
            vec![
                series("stock", count(|w| w.stock)),
                series("en état", count(|w| w.ready)),
                series("audiencés", count(|w| w.scheduled)),
            ],
        ),
        chart(
            "graphique-anciennete",
            "Ancienneté du stock",
            "dossiers",
            vec![
                series("moins de 6 mois", count(|w| w.age_under_6_months)),
                series("6 à 12 mois", count(|w| w.age_6_to_12_months)),
                series("12 à 24 mois", count(|w| w.age_12_to_24_months)),
                series("plus de 24 mois", count(|w| w.age_over_24_months)),
            ],
        ),
        chart(
            "graphique-delai",
            "Délai de l'enregistrement à l'audience, dossiers jugés dans la semaine",
            "jours",
            vec![
                series("moyenne", weeks.iter().map(|w| w.mean_days_to_decision)),
                series("médiane", weeks.iter().map(|w| w.median_days_to_decision)),
            ],
        ),
        chart(
            "graphique-flux",
            "Entrées et sorties par semaine",
            "dossiers",
            vec![series("enregistrés", count(|w| w.registered)), series("jugés", count(|w| w.heard))],
        ),
        chart(
            "graphique-delais-depasses",
            "Délais légaux dépassés sans audience",
            "délais",
            vec![series("dépassements", count(|w| w.deadline_breaches))],
        ),
        chart(
            "graphique-charge",
            "Charge des magistrats (audiences par semaine)",
            "audiences",
            vec![
                series("moyenne", weeks.iter().map(|w| Some(w.mean_load))),
                series("la plus forte", count(|w| w.max_load)),
            ],
        ),
        chart(
            "graphique-rapports",
            "Charge de rapports : le rapporteur le plus chargé et l'écart-type, rapportés à la moyenne de sa chambre",
            "× moyenne",
            vec![
                series("le plus chargé", weeks.iter().map(|w| Some(w.report_load_max_over_mean))),
                series("écart-type", weeks.iter().map(|w| Some(w.report_load_sd_over_mean))),
            ],
        ),
        chart(
            "graphique-designations",
            "Désignations de la semaine",
            "pourvois",
            vec![
                series("désignés", count(|w| w.designated)),
                series("hors section ou spécialité", count(|w| w.designated_outside_competence)),
                series("sans rapporteur possible", count(|w| w.not_designated)),
            ],
        ),
    ]
}

/// Key figures of a run, for its page and the comparison.
fn figures(outcome: &Outcome) -> Vec<(String, String)> {
    let last = outcome.weeks.last();
    let heard: usize = outcome.weeks.iter().map(|w| w.heard).sum();
    let registered: usize = outcome.weeks.iter().map(|w| w.registered).sum();
    let breaches: usize = outcome.weeks.iter().map(|w| w.deadline_breaches).sum();
    let median = outcome.weeks.iter().rev().find_map(|w| w.median_days_to_decision);
    let whole = |n: usize| number_fr(n as f64);
    vec![
        ("Stock au départ".to_owned(), whole(outcome.initial_stock)),
        ("Stock à la fin".to_owned(), last.map_or_else(|| "—".to_owned(), |w| whole(w.stock))),
        ("Pourvois enregistrés".to_owned(), whole(registered)),
        ("Dossiers jugés".to_owned(), whole(heard)),
        ("Délais légaux dépassés".to_owned(), whole(breaches)),
        ("Délai médian, dernière semaine (jours)".to_owned(), median.map_or_else(|| "—".to_owned(), number_fr)),
        (
            "Dossiers de plus de 24 mois à la fin".to_owned(),
            last.map_or_else(|| "—".to_owned(), |w| whole(w.age_over_24_months)),
        ),
        (
            "Charge la plus forte (audiences dans une semaine)".to_owned(),
            whole(outcome.weeks.iter().map(|w| w.max_load).max().unwrap_or_default()),
        ),
        (
            "Rapporteurs désignés hors section ou spécialité".to_owned(),
            format!(
                "{} sur {}",
                whole(outcome.weeks.iter().map(|w| w.designated_outside_competence).sum()),
                whole(outcome.weeks.iter().map(|w| w.designated).sum())
            ),
        ),
        (
            "Charge de rapports à la fin : le plus chargé / moyenne de sa chambre".to_owned(),
            last.map_or_else(|| "—".to_owned(), |w| number_fr(w.report_load_max_over_mean)),
        ),
        (
            "Charge de rapports à la fin : écart-type / moyenne".to_owned(),
            last.map_or_else(|| "—".to_owned(), |w| number_fr(w.report_load_sd_over_mean)),
        ),
    ]
}

/// `GET /portail/simulations/{id}`: a run, followed live while it runs
/// (without JavaScript the page reloads itself), its results when done.
pub async fn page(State(state): State<AppState>, member: Member, Path(raw_id): Path<String>) -> Response {
    let result: Result<RunPage, Error> = async {
        let job = run_of(&state, &member, &raw_id).await?;
        let view = SimulationView::of(&job);
        let scenario = scenario_of_run(&job)?;
        let percent = if job.status.is_final() { 100 } else { (view.week * 100).checked_div(view.weeks).unwrap_or(0) };
        let mut page = RunPage {
            member: Some(HeaderMember::of(&member, HOME)),
            csrf: member.session.csrf.clone(),
            id: job.id,
            name: job.scope.clone(),
            status: status_fr(job.status),
            running: !job.status.is_final(),
            week: view.week,
            weeks: view.weeks,
            percent,
            elapsed: format!("{} s", number_fr(view.elapsed_ms as f64 / 1000.0)),
            asked: format!("{}, le {}", job.created_by, instant_fr(&job.created_at)),
            error: job.error.clone(),
            cancelled: job.status == JobStatus::Cancelled,
            settings: settings_of(&scenario),
            figures: Vec::new(),
            charts: Vec::new(),
            loads: Vec::new(),
            magistrates: 0,
            others: Vec::new(),
        };
        if job.status == JobStatus::Done {
            let outcome = outcome_of(&job)?;
            page.figures = figures(&outcome);
            page.charts = run_charts(&outcome);
            let mut loads = outcome.magistrates.clone();
            loads.sort_by(|a, b| b.hearings.cmp(&a.hearings).then_with(|| a.magistrate.cmp(&b.magistrate)));
            page.magistrates = loads.len();
            page.loads = loads
                .into_iter()
                .take(15)
                .map(|m| LoadRow {
                    magistrate: m.magistrate,
                    chamber: m.chamber,
                    role: m.role,
                    hearings: m.hearings,
                    max_per_week: m.max_per_week,
                    designated: m.designated,
                })
                .collect();
            page.others = runs(&state)
                .await?
                .into_iter()
                .filter(|r| r.done && r.id != job.id)
                .map(|r| (r.id, format!("{} (n° {})", r.name, r.id)))
                .collect();
        }
        Ok(page)
    }
    .await;
    match result {
        Ok(page) => render(&page, StatusCode::OK),
        Err(error) => failure_as(&member, &error),
    }
}

/// `GET /portail/simulations/{id}/{file}`: `semaines.csv`, `magistrats.csv`
/// or `resultat.json`.
pub async fn download(
    State(state): State<AppState>,
    member: Member,
    Path((raw_id, file)): Path<(String, String)>,
) -> Response {
    let result: Result<Response, Error> = async {
        let job = run_of(&state, &member, &raw_id).await?;
        let outcome = outcome_of(&job)?;
        let (body, kind) = match file.as_str() {
            "semaines.csv" => (outcome.weekly_csv(), "text/csv; charset=utf-8"),
            "magistrats.csv" => (outcome.magistrates_csv(), "text/csv; charset=utf-8"),
            "resultat.json" => (serde_json::to_string_pretty(&outcome).map_err(Error::internal)?, "application/json"),
            _ => return Err(Error::not_found(format!("fichier « {file} » de la simulation {}", job.id))),
        };
        let disposition = format!("attachment; filename=\"simulation-{}-{file}\"", job.id);
        Ok(([(header::CONTENT_TYPE, kind.to_owned()), (header::CONTENT_DISPOSITION, disposition)], body)
            .into_response())
    }
    .await;
    result.unwrap_or_else(|error| failure_as(&member, &error))
}

/// `GET /portail/simulations/comparer?run=A&run=B…`: finished runs side by
/// side, each figure on one chart with a line per run.
pub async fn compare(State(state): State<AppState>, member: Member, RawQuery(raw): RawQuery) -> Response {
    let query = Fields::parse(raw.unwrap_or_default().as_bytes());
    let result: Result<ComparePage, Error> = async {
        require_analyst(&member)?;
        let mut ids: Vec<String> =
            query.all("run").into_iter().map(|r| r.trim().to_owned()).filter(|r| !r.is_empty()).collect();
        // Oldest first, each once: the same choice draws the same charts.
        ids.sort_by_key(|id| (id.parse::<i64>().unwrap_or(i64::MAX), id.clone()));
        ids.dedup();
        if !(2..=MAX_COMPARED).contains(&ids.len()) {
            return Err(Error::invalid(
                "run",
                format!("{} simulation(s) choisie(s)", ids.len()),
                format!("cocher de 2 à {MAX_COMPARED} simulations terminées dans la liste, puis « Comparer »"),
            ));
        }
        let mut runs = Vec::new();
        for id in &ids {
            let job = run_of(&state, &member, id).await?;
            let outcome = outcome_of(&job)?;
            runs.push((job.id, format!("{} (n° {})", job.scope, job.id), outcome));
        }
        let longest = runs.iter().map(|(_, _, o)| o.weeks.len()).max().unwrap_or_default();
        let axis: Vec<String> = (1..=longest).map(|n| format!("S{n}")).collect();
        let chart = |id: &str, title: &str, unit: &str, value: fn(&greffe_simulation::WeekRow) -> Option<f64>| {
            let series = runs
                .iter()
                .map(|(_, label, outcome)| Series {
                    label: label.clone(),
                    values: (0..longest).map(|i| outcome.weeks.get(i).and_then(value)).collect(),
                })
                .collect();
            ChartView::of(
                &Chart { id: id.into(), title: title.into(), unit: unit.into(), x_labels: axis.clone(), series },
                "Semaine",
            )
        };
        let charts = vec![
            chart("comparaison-stock", "Stock en fin de semaine", "dossiers", |w| Some(w.stock as f64)),
            chart("comparaison-juges", "Dossiers jugés par semaine", "dossiers", |w| Some(w.heard as f64)),
            chart("comparaison-delai", "Délai médian de l'enregistrement à l'audience", "jours", |w| {
                w.median_days_to_decision
            }),
            chart("comparaison-anciens", "Dossiers de plus de 24 mois", "dossiers", |w| {
                Some(w.age_over_24_months as f64)
            }),
            chart("comparaison-delais-depasses", "Délais légaux dépassés", "délais", |w| {
                Some(w.deadline_breaches as f64)
            }),
            chart("comparaison-charge", "Charge moyenne des magistrats", "audiences par semaine", |w| {
                Some(w.mean_load)
            }),
            chart(
                "comparaison-rapports",
                "Charge de rapports du rapporteur le plus chargé, rapportée à la moyenne de sa chambre",
                "× moyenne",
                |w| Some(w.report_load_max_over_mean),
            ),
            chart(
                "comparaison-hors-competence",
                "Rapporteurs désignés hors section ou spécialité",
                "pourvois par semaine",
                |w| Some(w.designated_outside_competence as f64),
            ),
        ];
        let per_run: Vec<Vec<(String, String)>> = runs.iter().map(|(_, _, o)| figures(o)).collect();
        let figures = per_run
            .first()
            .map(|first| {
                first
                    .iter()
                    .enumerate()
                    .map(|(i, (label, _))| (label.clone(), per_run.iter().map(|f| f[i].1.clone()).collect()))
                    .collect()
            })
            .unwrap_or_default();
        Ok(ComparePage {
            member: Some(HeaderMember::of(&member, HOME)),
            runs: runs.iter().map(|(id, label, _)| (*id, label.clone())).collect(),
            figures,
            charts,
        })
    }
    .await;
    match result {
        Ok(page) => render(&page, StatusCode::OK),
        Err(error) => failure_as(&member, &error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_becomes_a_scenario_and_a_scenario_fills_the_form_again() {
        let fields = Fields::parse(
            "name=vacances+longues&weeks=8&start=2027-01-04&inflow_factor=1%2C1&seed=3\
             &chambers.soc.closed_weeks=31-33%2C+35&chambers.soc.hearings_percent=80\
             &chambers.cr.conseillers=%2B2&chambers.cr.absence_percent=5&chambers.civ1.inflow_per_week="
                .as_bytes(),
        );
        let scenario = scenario_from(&fields).expect("a valid scenario");
        assert_eq!((scenario.weeks, scenario.seed), (8, 3));
        assert!((scenario.inflow_factor - 1.1).abs() < 1e-9);
        let soc = &scenario.chambers["soc"];
        assert_eq!(soc.closed_weeks, [31, 32, 33, 35]);
        assert_eq!(soc.hearings, Some(0.8));
        assert_eq!(scenario.chambers["cr"].conseillers, 2);
        assert!(!scenario.chambers.contains_key("civ1"), "a chamber left as it is is not in the scenario");
        let again = scenario_from(&fields_of(&scenario)).expect("the same scenario");
        assert_eq!(again, scenario);
    }

    #[test]
    fn every_bad_value_is_named_on_its_field_and_nothing_runs() {
        let fields = Fields::parse(
            "name=&weeks=douze&inflow_factor=x&chambers.civ2.hearings_percent=120&chambers.comm.closed_weeks=40-31"
                .as_bytes(),
        );
        let problems = scenario_from(&fields).expect_err("refused");
        let named: Vec<&str> = problems.0.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            named,
            ["name", "weeks", "inflow_factor", "chambers.civ2.hearings_percent", "chambers.comm.closed_weeks"]
        );
        // A value within the form's reach but outside the format's rules.
        let problems = scenario_from(&Fields::parse(b"name=a&weeks=60")).expect_err("refused");
        assert_eq!(problems.0[0].field, "weeks");
        assert!(problems.0[0].message.contains("de 1 à 52"), "{:?}", problems.0);
    }
}
