//! The *Portail greffe*: server-rendered pages (askama templates under
//! `templates/`) in the French state's design system (DSFR, vendored under
//! `assets/dsfr/` by `scripts/vendor-dsfr` and embedded in the binary),
//! served by `greffe serve` beside the API under `/portail/`. Pages work
//! without JavaScript; sign-in opens a session (cookie) that the API never
//! accepts.

pub mod amendment;
pub mod calendar;
pub mod charts;
pub mod cnp;
pub mod compare;
pub mod decision;
pub mod distribution;
pub mod dossiers;
pub mod forms;
pub mod hearings;
pub mod magistrates;
pub mod order;
pub mod orientation;
pub mod outbox;
pub mod pages;
pub mod planning;
pub mod publication;
pub mod record;
pub mod search;
pub mod session;
pub mod simulations;
pub mod stock;
pub mod work;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Path};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use greffe_store::pieces::MAX_PIECE_BYTES;
use tower_http::compression::CompressionLayer;

use crate::api::AppState;

/// Where the DSFR's files are served: the version is in the path, so they
/// can be cached for a year.
pub const DSFR: &str = "/portail/dsfr/1.15.3";

/// Where htmx is served (its version in the path, cached for a year).
pub const HTMX: &str = "/portail/htmx/2.0.11";

/// Where the portal's own style sheet and scripts are served (revalidated
/// at each use: they change with the portal).
pub const OWN: &str = "/portail/ressources";

/// The portal's own style sheet and scripts, embedded at build time.
#[derive(rust_embed::Embed)]
#[folder = "assets/portail/"]
struct OwnAssets;

/// The vendored DSFR, embedded at build time.
#[derive(rust_embed::Embed)]
#[folder = "assets/dsfr/"]
struct DsfrAssets;

/// The vendored htmx, embedded at build time.
#[derive(rust_embed::Embed)]
#[folder = "assets/htmx/"]
struct HtmxAssets;

/// An embedded file, cached for a year (its URL changes with its version).
fn asset<E: rust_embed::Embed>(path: &str) -> Response {
    match E::get(path) {
        Some(file) => {
            let mime = file.metadata.mimetype();
            let content_type =
                HeaderValue::from_str(mime).unwrap_or(HeaderValue::from_static("application/octet-stream"));
            (
                [
                    (header::CONTENT_TYPE, content_type),
                    (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable")),
                ],
                file.data.into_owned(),
            )
                .into_response()
        }
        None => (StatusCode::NOT_FOUND, "fichier introuvable").into_response(),
    }
}

/// `GET /portail/ressources/{path}`: revalidated at each use.
async fn own_asset(Path(path): Path<String>) -> Response {
    let mut response = asset::<OwnAssets>(&path);
    if response.status().is_success() {
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    response
}

/// `GET /portail/dsfr/1.15.3/{path}`.
async fn dsfr_asset(Path(path): Path<String>) -> Response {
    asset::<DsfrAssets>(&path)
}

/// `GET /portail/htmx/2.0.11/{path}`.
async fn htmx_asset(Path(path): Path<String>) -> Response {
    asset::<HtmxAssets>(&path)
}

/// The portal's routes (merged into the service's router).
pub fn router() -> Router<AppState> {
    let pages = Router::new()
        .route("/portail/", get(pages::home))
        .route("/portail/connexion", get(pages::sign_in_page).post(pages::sign_in))
        .route("/portail/deconnexion", post(pages::sign_out))
        .route("/portail/accessibilite", get(pages::accessibility))
        .route("/portail/dossiers", get(dossiers::search))
        .route("/portail/dossiers/nouveau", get(dossiers::new_form).post(dossiers::create))
        .route("/portail/dossiers/{id}", get(dossiers::page))
        .route("/portail/dossiers/{id}/semblables", get(search::similar))
        .route(search::HOME, get(search::page))
        .route("/portail/dossiers/{id}/modifier", get(dossiers::edit_form).post(dossiers::update))
        .route("/portail/dossiers/{id}/evenements", post(dossiers::record_event))
        .route("/portail/dossiers/{id}/orientation", post(orientation::decide))
        .route("/portail/dossiers/{id}/renvoi", post(orientation::refer))
        .route("/portail/dossiers/{id}/renvoi/ecarter", post(orientation::decline))
        .route(distribution::HOME, get(distribution::rapporteurs).post(distribution::confirm_board))
        .route(distribution::AVOCATS_GENERAUX, get(distribution::avocats_generaux).post(distribution::confirm_board))
        .route(
            "/portail/dossiers/{id}/pieces",
            post(dossiers::add_piece).layer(DefaultBodyLimit::max(MAX_PIECE_BYTES + 1024 * 1024)),
        )
        .route("/portail/pieces/{id}", get(dossiers::download))
        .route("/portail/taches/{id}/fait", post(dossiers::complete_task))
        .route("/portail/avis/{file}", get(dossiers::notice_pdf))
        .route("/portail/envois/{id}", get(outbox::show))
        .route("/portail/envois/{id}/avis.pdf", get(outbox::document))
        .route("/portail/envois/{id}/postee", post(outbox::posted))
        .route("/portail/envois/{id}/renvoyer", post(outbox::resend))
        .route(calendar::HOME, get(calendar::page))
        .route("/portail/audiences/{id}", get(hearings::page))
        .route("/portail/audiences/{id}/composition", post(decision::record_sitting))
        .route("/portail/dossiers/{id}/decision", get(decision::page).post(decision::save))
        .route("/portail/dossiers/{id}/decision/signer", post(decision::sign))
        .route("/portail/dossiers/{id}/ordonnance", get(order::page).post(order::save))
        .route("/portail/dossiers/{id}/ordonnance/signer", post(order::sign))
        .route("/portail/dossiers/{id}/decision/empechement", post(decision::prevent))
        .route("/portail/dossiers/{id}/arret.pdf", get(decision::arret_pdf))
        .route(decision::DUE_HOME, get(decision::due))
        .route("/portail/dossiers/{id}/travaux/{kind}/nouveau", get(work::new_form))
        .route("/portail/dossiers/{id}/travaux/{kind}/{number}", get(work::page).post(work::file))
        .route("/portail/dossiers/{id}/travaux/{kind}/{number}/pdf/{version}", get(work::pdf))
        .route("/portail/audiences/{id}/calendrier.ics", get(hearings::ics))
        .route("/portail/audiences/{id}/role.pdf", get(hearings::roll_pdf))
        .route("/portail/audiences/{id}/composition.pdf", get(hearings::composition_pdf))
        .route("/portail/dossiers/{id}/journal.pdf", get(dossiers::journal_pdf))
        .route("/portail/agenda.ics", get(hearings::agenda_ics))
        .route("/portail/tableau-de-bord", get(stock::page))
        .route("/portail/tableau-de-bord.csv", get(stock::download))
        .route("/portail/cnp", get(cnp::form).post(cnp::answer))
        .route("/portail/magistrats", get(magistrates::page))
        .route("/portail/magistrats/absences", post(magistrates::add_absence))
        .route("/portail/cnp/{id}", get(cnp::show))
        .route("/portail/cnp/{id}/certificat.pdf", get(cnp::certificate_pdf))
        .route(planning::HOME, get(planning::home))
        .route("/portail/audiencement/propositions", post(planning::ask))
        .route("/portail/propositions/{id}", get(planning::proposal))
        .route("/portail/propositions/{id}/suivi", get(planning::follow))
        .route("/portail/propositions/{id}/annuler", post(planning::cancel))
        .route("/portail/plans/{id}", get(planning::page))
        .route("/portail/plans/{id}/deplacer", post(planning::move_dossier))
        .route("/portail/plans/{id}/valider", post(planning::validate))
        .route("/portail/plans/{id}/annuler", post(planning::undo))
        .route("/portail/plans/{id}/modifier", post(planning::edit))
        .route("/portail/plans/{id}/comparer", get(compare::page))
        .route("/portail/plans/{id}/avenant", post(amendment::propose))
        .route("/portail/plans/{id}/publier", get(publication::form).post(publication::publish))
        .route(simulations::HOME, get(simulations::studio).post(simulations::start))
        .route("/portail/simulations/comparer", get(simulations::compare))
        .route("/portail/simulations/{id}", get(simulations::page))
        .route("/portail/simulations/{id}/suivi", get(simulations::follow))
        .route("/portail/simulations/{id}/annuler", post(simulations::cancel))
        .route("/portail/simulations/{id}/relancer", post(simulations::rerun))
        .route("/portail/simulations/{id}/{file}", get(simulations::download))
        .route("/portail/{*rest}", get(pages::not_found))
        .layer(axum::middleware::map_response(|mut response: Response| async move {
            for (name, value) in pages::page_headers() {
                response.headers_mut().entry(name).or_insert(value);
            }
            response
        }));
    Router::new()
        .route("/", get(pages::root))
        .route("/portail", get(pages::root))
        .route(&format!("{DSFR}/{{*path}}"), get(dsfr_asset))
        .route(&format!("{HTMX}/{{*path}}"), get(htmx_asset))
        .route(&format!("{OWN}/{{*path}}"), get(own_asset))
        .merge(pages)
        .layer(CompressionLayer::new())
}
