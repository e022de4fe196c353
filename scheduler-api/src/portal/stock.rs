//! The stock dashboard: per chamber and for the court, the stock by status,
//! age and circuit, the flows of the period (registrations, decisions,
//! clearance rate, time to decision) and the Cour's deadlines at risk — as
//! tables and as charts drawn on the server (SVG, readable without
//! JavaScript, each with its table), and as a CSV file.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use greffe_models::Circuit;
use greffe_models::access::Operation;
use greffe_models::registry::DossierStatus;
use greffe_store::dashboard::{AGE_BUCKETS, ChamberFigures, Dashboard};

use super::forms::{Field, Fields, Kind, Problems, choices};
use super::pages::{HeaderMember, date_fr, failure_as, render};
use super::session::Member;
use crate::api::{AppState, today};
use crate::error::Error;

/// Width of a chart's drawing, in SVG units.
const CHART_WIDTH: f64 = 640.0;
/// Room for the labels left of the bars.
const LABEL_WIDTH: f64 = 210.0;
/// Height of one bar and its gap.
const ROW_HEIGHT: f64 = 26.0;

/// One bar of a chart, its geometry computed here.
#[derive(Debug, Clone)]
pub struct Bar {
    label: String,
    value: i64,
    y: f64,
    text_y: f64,
    width: f64,
    value_x: f64,
}

/// A horizontal bar chart and the table that says the same.
#[derive(Debug, Clone)]
pub struct Chart {
    id: String,
    title: String,
    height: f64,
    label_width: f64,
    bars: Vec<Bar>,
}

impl Chart {
    fn new(id: &str, title: &str, values: Vec<(String, i64)>) -> Self {
        let max = values.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1) as f64;
        let room = CHART_WIDTH - LABEL_WIDTH - 60.0;
        let bars = values
            .into_iter()
            .enumerate()
            .map(|(index, (label, value))| {
                let y = index as f64 * ROW_HEIGHT + 4.0;
                let width = (value as f64 / max * room).max(if value > 0 { 1.0 } else { 0.0 });
                Bar { label, value, y, text_y: y + 15.0, width, value_x: LABEL_WIDTH + width + 6.0 }
            })
            .collect::<Vec<_>>();
        Self {
            id: id.to_owned(),
            title: title.to_owned(),
            height: bars.len() as f64 * ROW_HEIGHT + 8.0,
            label_width: LABEL_WIDTH,
            bars,
        }
    }
}

/// A headline figure.
#[derive(Debug, Clone)]
pub struct Tile {
    label: &'static str,
    value: String,
    id: &'static str,
}

/// A chamber's line of the court table.
#[derive(Debug, Clone)]
pub struct ChamberRow {
    chamber: String,
    open: i64,
    ready: i64,
    due_soon: i64,
    missed: i64,
    registered: i64,
    decided: i64,
    clearance: String,
    median: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    member: Option<HeaderMember>,
    fields: Vec<Field>,
    problems: Problems,
    scope_label: String,
    period: String,
    tiles: Vec<Tile>,
    charts: Vec<Chart>,
    chambers: Vec<ChamberRow>,
    csv: String,
}

fn percent(rate: Option<f64>) -> String {
    rate.map_or("—".to_owned(), |r| format!("{:.0} %", r * 100.0))
}

/// The request: which chambers, which period.
struct Asked {
    chamber: Option<String>,
    from: greffe_models::Date,
    to: greffe_models::Date,
}

fn asked(fields: &Fields, problems: &mut Problems) -> Asked {
    let to = today();
    let default_from = to - chrono::Duration::days(365);
    let mut date = |name: &str, default| match fields.opt(name) {
        None => default,
        Some(raw) => greffe_models::dates::parse_date(&raw).unwrap_or_else(|error| {
            problems.push(name, error.to_string(), error.fix());
            default
        }),
    };
    let from = date("du", default_from);
    let to = date("au", to);
    let (from, to) = if from > to {
        problems.push("au", "la fin de la période précède son début", "donner une fin postérieure au début");
        (default_from, today())
    } else {
        (from, to)
    };
    Asked { chamber: fields.opt("chambre"), from, to }
}

async fn figures(state: &AppState, member: &Member, asked: &Asked) -> Result<Dashboard, Error> {
    let caller = member.caller();
    caller.require(Operation::ReadDashboard)?;
    let scope: Option<Vec<String>> = match &asked.chamber {
        Some(chamber) => {
            caller.require_chamber(chamber)?;
            Some(vec![chamber.clone()])
        }
        None => caller.scope().map(<[String]>::to_vec),
    };
    Ok(state.store.dashboard(today(), asked.from, asked.to, 15, scope.as_deref()).await?)
}

/// `GET /portail/tableau-de-bord`.
pub async fn page(State(state): State<AppState>, member: Member, RawQuery(raw): RawQuery) -> Response {
    let fields = Fields::parse(raw.unwrap_or_default().as_bytes());
    let mut problems = Problems::default();
    let asked = asked(&fields, &mut problems);
    let dashboard = match figures(&state, &member, &asked).await {
        Ok(dashboard) => dashboard,
        Err(error) => return failure_as(&member, &error),
    };
    let chambers = match state.store.chambers().await {
        Ok(list) => list,
        Err(error) => return failure_as(&member, &error.into()),
    };
    let user = &member.session.user;
    let total = dashboard.chambers.get("total").cloned().unwrap_or_default();
    let scope_label = match &asked.chamber {
        Some(code) => {
            chambers.iter().find(|c| &c.chamber.code == code).map_or_else(|| code.clone(), |c| c.chamber.name.clone())
        }
        None if user.covers_all() => "la Cour (toutes les chambres)".to_owned(),
        None => format!("mes chambres ({})", user.chambers.join(", ")),
    };
    let by_status: Vec<(String, i64)> = DossierStatus::ALL
        .iter()
        .filter(|s| s.is_open())
        .map(|s| (s.label_fr().to_owned(), total.by_status.get(s.as_str()).copied().unwrap_or(0)))
        .collect();
    let age_labels = ["moins de 6 mois", "6 à 12 mois", "12 à 24 mois", "plus de 24 mois"];
    let by_age: Vec<(String, i64)> = AGE_BUCKETS
        .iter()
        .zip(age_labels)
        .map(|((key, _), label)| (label.to_owned(), total.open_by_age.get(*key).copied().unwrap_or(0)))
        .collect();
    let mut by_circuit: Vec<(String, i64)> = Circuit::ALL
        .iter()
        .map(|c| (c.label_fr().to_owned(), total.open_by_circuit.get(c.as_str()).copied().unwrap_or(0)))
        .collect();
    by_circuit.push(("pas encore orienté".to_owned(), total.open_by_circuit.get("none").copied().unwrap_or(0)));
    let tiles = vec![
        Tile { label: "Stock (dossiers en cours)", value: total.open.to_string(), id: "chiffre-stock" },
        Tile { label: "En état d'être jugés", value: total.ready.to_string(), id: "chiffre-en-etat" },
        Tile {
            label: "Délais de la Cour dépassés",
            value: total.court_deadlines_missed.to_string(),
            id: "chiffre-depasses",
        },
        Tile {
            label: "Délais de la Cour à échéance sous 15 jours",
            value: total.court_deadlines_due_soon.to_string(),
            id: "chiffre-echeance",
        },
        Tile { label: "Taux de couverture", value: percent(total.clearance_rate), id: "chiffre-couverture" },
        Tile {
            label: "Délai médian de jugement",
            value: total.median_days_to_decision.map_or("—".to_owned(), |d| format!("{d} jours")),
            id: "chiffre-delai",
        },
    ];
    let rows = dashboard
        .chambers
        .iter()
        .map(|(code, f)| ChamberRow {
            chamber: if code == "total" { "Total".to_owned() } else { code.clone() },
            open: f.open,
            ready: f.ready,
            due_soon: f.court_deadlines_due_soon,
            missed: f.court_deadlines_missed,
            registered: f.registered_in_period,
            decided: f.decided_in_period,
            clearance: percent(f.clearance_rate),
            median: f.median_days_to_decision.map_or("—".to_owned(), |d| d.to_string()),
        })
        .collect();
    let chamber_choices = choices(
        chambers
            .iter()
            .filter(|c| user.covers(&c.chamber.code))
            .map(|c| (c.chamber.code.as_str(), c.chamber.name.as_str())),
        fields.get("chambre"),
        Some(if user.covers_all() { "Toute la Cour" } else { "Toutes mes chambres" }),
    );
    let form = vec![
        Field::new(Kind::Select, "chambre", "Chambre", fields.get("chambre"), &problems).choices(chamber_choices),
        Field::new(Kind::Date, "du", "Période : du", &asked.from.to_string(), &problems),
        Field::new(Kind::Date, "au", "au", &asked.to.to_string(), &problems),
    ];
    problems.label_from_fields(&form);
    let csv_query: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(asked.chamber.iter().map(|c| ("chambre", c.as_str())))
        .append_pair("du", &asked.from.to_string())
        .append_pair("au", &asked.to.to_string())
        .finish();
    let page = DashboardPage {
        member: Some(HeaderMember::of(&member, "/portail/tableau-de-bord")),
        fields: form,
        scope_label,
        period: format!("du {} au {}", date_fr(&dashboard.period_from), date_fr(&dashboard.period_to)),
        tiles,
        charts: vec![
            Chart::new("stock-statut", "Stock par statut", by_status),
            Chart::new("stock-anciennete", "Stock par ancienneté (depuis l'enregistrement)", by_age),
            Chart::new("stock-circuit", "Stock par circuit", by_circuit),
        ],
        chambers: rows,
        csv: format!("/portail/tableau-de-bord.csv?{csv_query}"),
        problems,
    };
    let status = if page.problems.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render(&page, status)
}

/// The dashboard as CSV (`;`-separated, UTF-8 with a byte-order mark so
/// that a spreadsheet opens it with its accents): one line per chamber,
/// figure and category.
pub fn csv(dashboard: &Dashboard) -> String {
    let mut out = String::from("\u{feff}chambre;indicateur;categorie;valeur\r\n");
    let mut line = |chamber: &str, figure: &str, category: &str, value: String| {
        out.push_str(&format!("{chamber};{figure};{category};{value}\r\n"));
    };
    for (chamber, f) in &dashboard.chambers {
        let ChamberFigures { by_status, open_by_circuit, open_by_age, .. } = f;
        for (status, n) in by_status {
            line(chamber, "dossiers_par_statut", status, n.to_string());
        }
        for (circuit, n) in open_by_circuit {
            line(chamber, "stock_par_circuit", circuit, n.to_string());
        }
        for (age, n) in open_by_age {
            line(chamber, "stock_par_anciennete", age, n.to_string());
        }
        line(chamber, "stock", "", f.open.to_string());
        line(chamber, "en_etat", "", f.ready.to_string());
        line(chamber, "delais_cour_a_echeance", "", f.court_deadlines_due_soon.to_string());
        line(chamber, "delais_cour_depasses", "", f.court_deadlines_missed.to_string());
        line(chamber, "enregistres_periode", "", f.registered_in_period.to_string());
        line(chamber, "juges_periode", "", f.decided_in_period.to_string());
        line(chamber, "taux_couverture", "", f.clearance_rate.map_or(String::new(), |r| format!("{r:.4}")));
        line(chamber, "delai_median_jours", "", f.median_days_to_decision.map_or(String::new(), |d| d.to_string()));
    }
    out
}

/// `GET /portail/tableau-de-bord.csv`.
pub async fn download(State(state): State<AppState>, member: Member, RawQuery(raw): RawQuery) -> Response {
    let fields = Fields::parse(raw.unwrap_or_default().as_bytes());
    let mut problems = Problems::default();
    let asked = asked(&fields, &mut problems);
    if let Some(problem) = problems.0.first() {
        return failure_as(
            &member,
            &Error::invalid(problem.field.clone(), problem.message.clone(), problem.action.clone()),
        );
    }
    match figures(&state, &member, &asked).await {
        Ok(dashboard) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"stock-{}-{}.csv\"",
                        asked.chamber.as_deref().unwrap_or("cour"),
                        today()
                    ),
                ),
            ],
            csv(&dashboard),
        )
            .into_response(),
        Err(error) => failure_as(&member, &error),
    }
}
