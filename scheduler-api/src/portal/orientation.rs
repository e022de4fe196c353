//! The orientation panel of the dossier page: what the orientation
//! suggests (chamber, section, circuit, formations, a referral to CM or
//! AP) with its evidence — the rules that fired and their sources, the
//! similar decided dossiers with the formation and solution each had, the
//! pending pourvois between the same parties — and the decisions: the
//! president's orientation, the referral ordered or declined, each with
//! its reason, in the order they were taken.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use greffe_models::Circuit;
use greffe_models::access::Operation;
use greffe_models::orientation::{OrderedBy, ReferralFormation, ReferralOrder};
use greffe_models::vocabulary;
use greffe_store::dossiers::Dossier;

use super::dossiers::{Posted, done, refused, writable_as};
use super::forms::{Field, Fields, Kind, Problems, choices};
use super::pages::{failure_as, instant_fr};
use super::session::Member;
use crate::api::AppState;
use crate::api::orientation::{DeclineInput, OrientationInput, OrientationView, orientation_view};
use crate::error::Error;

/// A rule that fired, as the panel lists it.
#[derive(Debug, Clone)]
pub struct FiredRow {
    pub(crate) label: String,
    pub(crate) detail: String,
    pub(crate) source: String,
    pub(crate) confirmed: bool,
    pub(crate) dossiers: String,
}

/// A similar decided dossier, as the panel lists it.
#[derive(Debug, Clone)]
pub struct PrecedentRow {
    pub(crate) id: i64,
    pub(crate) pourvoi: String,
    pub(crate) readable: bool,
    pub(crate) chamber: String,
    pub(crate) section: String,
    pub(crate) formation: String,
    pub(crate) solution: String,
    pub(crate) closeness: String,
    pub(crate) precedent: bool,
}

/// A decision taken, as the panel lists it.
#[derive(Debug, Clone)]
pub struct DecisionRow {
    pub(crate) when: String,
    pub(crate) actor: String,
    pub(crate) label: String,
    pub(crate) note: String,
}

/// The orientation panel.
#[derive(Debug, Clone)]
pub struct OrientationPanel {
    pub(crate) suggested_chamber: String,
    pub(crate) suggested_section: String,
    pub(crate) suggested_circuit: String,
    pub(crate) formations: String,
    /// The dossier stands as suggested.
    pub(crate) follows: bool,
    /// Where the dossier stands: chamber, section, circuit.
    pub(crate) current: String,
    pub(crate) chamber_votes: Vec<String>,
    pub(crate) fired: Vec<FiredRow>,
    pub(crate) precedents: Vec<PrecedentRow>,
    pub(crate) peers: Vec<(i64, String, String, String)>,
    pub(crate) unread: Vec<String>,
    /// The referral awaiting a decision: (title, article, mandatory,
    /// formation code).
    pub(crate) awaiting: Option<(String, String, bool, &'static str)>,
    /// The referral ordered, in words.
    pub(crate) referral: Option<String>,
    pub(crate) decisions: Vec<DecisionRow>,
    pub(crate) decide_fields: Vec<Field>,
    /// The referral's formation and author.
    pub(crate) refer_fields: Vec<Field>,
    /// The chambre mixte's chambers, one box each (hidden while the
    /// assemblée plénière is chosen: it takes every chamber).
    pub(crate) refer_chambers: Vec<Field>,
    /// The referral's reason.
    pub(crate) refer_reason: Vec<Field>,
    pub(crate) decline_fields: Vec<Field>,
    pub(crate) may_decide: bool,
    pub(crate) may_refer: bool,
    pub(crate) may_decline: bool,
}

/// Builds the panel of `dossier` for `member`, with the forms as `posted`.
pub(super) async fn panel(
    state: &AppState,
    member: &Member,
    dossier: &Dossier,
    posted: &Posted,
) -> Result<OrientationPanel, Error> {
    let view: OrientationView = orientation_view(state, &member.caller(), &dossier.id.to_string()).await?;
    let s = &view.suggestion;
    let empty = (Fields::default(), Problems::default());
    let form = |name: &str| if posted.form == name { (&posted.fields, &posted.problems) } else { (&empty.0, &empty.1) };
    let open = dossier.status.is_open();

    // The president's orientation: the suggestion preselected.
    let (fields, problems) = form("orientation");
    let pick = |name: &str, default: &str| -> String {
        if fields.has(name) { fields.get(name).to_owned() } else { default.to_owned() }
    };
    let chamber = pick("chamber", &s.chamber);
    let section = pick("section", s.section.as_deref().unwrap_or(""));
    let circuit = pick("circuit", s.circuit.as_str());
    let chambers = state.store.chambers().await?;
    let caller = member.caller();
    let mine: Vec<_> = chambers
        .iter()
        .filter(|c| c.chamber.nature == dossier.record.nature && caller.0.covers(&c.chamber.code))
        .collect();
    let section_pairs: Vec<(String, String)> = mine
        .iter()
        .flat_map(|c| {
            c.chamber.sections.iter().map(move |s| (s.code.clone(), format!("{} — {}", c.chamber.code, s.name)))
        })
        .collect();
    let decide_fields = vec![
        Field::new(Kind::Select, "chamber", "Chambre", &chamber, problems).choices(choices(
            mine.iter().map(|c| (c.chamber.code.as_str(), c.chamber.name.as_str())),
            &chamber,
            None,
        )),
        Field::new(Kind::Select, "section", "Section", &section, problems).choices(choices(
            section_pairs.iter().map(|(code, label)| (code.as_str(), label.as_str())),
            &section,
            Some("Aucune"),
        )),
        Field::new(Kind::Select, "circuit", "Circuit", &circuit, problems).choices(choices(
            Circuit::ALL.iter().map(|c| (c.as_str(), c.label_fr())),
            &circuit,
            None,
        )),
        Field::new(Kind::Textarea, "reason", "Motif", fields.get("reason"), problems)
            .hint("Obligatoire si la décision s'écarte de la suggestion ; versé au journal")
            .rows(3),
    ];

    // A referral: the suggestion's formation and chambers preselected.
    let (fields, problems) = form("renvoi");
    let suggested = view.awaiting.as_ref().or(s.referral.as_ref());
    let formation = if fields.has("formation") {
        fields.get("formation").to_owned()
    } else {
        suggested.map_or("", |r| r.formation.as_str()).to_owned()
    };
    let authors = crate::api::orientation::referral_authors(member.caller().0.role);
    let ordered_by = fields.get("ordered_by").to_owned();
    let refer_fields = vec![
        Field::new(Kind::Select, "formation", "Formation", &formation, problems).choices(choices(
            [("CM", "Chambre mixte (L431-5 COJ)"), ("AP", "Assemblée plénière (L431-6 COJ)")],
            &formation,
            Some("Choisir"),
        )),
        Field::new(Kind::Select, "ordered_by", "Ordonné par", &ordered_by, problems).choices(choices(
            authors.iter().map(|a| (a.as_str(), a.label_fr())),
            &ordered_by,
            None,
        )),
    ];
    let cm_chambers: Vec<String> = suggested.map(|r| r.chambers.clone()).unwrap_or_default();
    let refer_chambers = vocabulary::CHAMBERS
        .iter()
        .map(|&code| {
            let name = format!("chamber_{code}");
            let ticked =
                if fields.has("formation") { fields.has(&name) } else { cm_chambers.iter().any(|c| c == code) };
            let label = chambers
                .iter()
                .find(|c| c.chamber.code == code)
                .map_or_else(|| code.to_owned(), |c| format!("{} ({code})", c.chamber.name));
            Field::new(Kind::Checkbox, &name, &label, if ticked { "1" } else { "" }, problems)
                .hint(if code == dossier.record.chamber { "chambre du dossier" } else { "" })
        })
        .collect();
    let refer_reason = vec![
        Field::new(Kind::Textarea, "referral_reason", "Motif", fields.get("referral_reason"), problems)
            .hint("Obligatoire si aucune règle ne suggère ce renvoi")
            .rows(2),
    ];
    let (fields, problems) = form("ecarter");
    let decline_fields = vec![
        Field::new(Kind::Textarea, "decline_reason", "Motif", fields.get("decline_reason"), problems)
            .hint(if view.awaiting.as_ref().is_some_and(|a| a.mandatory) {
                "Obligatoire : le renvoi est de droit (par exemple : les moyens ne sont pas les mêmes)"
            } else {
                "Versé au journal"
            })
            .rows(2),
    ];

    Ok(OrientationPanel {
        suggested_chamber: s.chamber.clone(),
        suggested_section: s.section.clone().unwrap_or_else(|| "aucune".to_owned()),
        suggested_circuit: s.circuit.label_fr().to_owned(),
        formations: s.formations.join(", "),
        follows: view.current.chamber == s.chamber
            && view.current.circuit.as_deref() == Some(s.circuit.as_str())
            && (s.section.is_none() || view.current.section == s.section),
        current: format!(
            "{}, {}, {}",
            view.current.chamber,
            view.current.section.as_deref().unwrap_or("sans section"),
            view.current.circuit.as_deref().and_then(Circuit::parse).map_or("circuit non décidé", Circuit::label_fr)
        ),
        chamber_votes: s
            .chamber_votes
            .iter()
            .map(|v| format!("{} ({:.1}) : {}", v.code, v.weight, v.reasons.join(", ")))
            .collect(),
        fired: s
            .fired
            .iter()
            .map(|f| FiredRow {
                label: f.label.clone(),
                detail: f.detail.clone(),
                source: f.source.clone(),
                confirmed: f.confirmed,
                dossiers: f.dossiers.join(", "),
            })
            .collect(),
        // The evidence is what shares something with the dossier: a
        // keyword, or a text at least a third as close as the closest.
        precedents: view
            .similar
            .iter()
            .filter(|p| p.precedent || !p.similar.shared_keywords.is_empty() || p.similar.text_score >= 0.33)
            .map(|p| PrecedentRow {
                id: p.similar.id,
                pourvoi: p.similar.pourvoi.clone(),
                readable: p.readable,
                chamber: p.similar.chamber.clone(),
                section: p.similar.section.clone().unwrap_or_default(),
                formation: p.similar.formation.clone().unwrap_or_default().to_uppercase(),
                solution: p.solution_label.clone().unwrap_or_default(),
                closeness: format!("{:.0} %", p.similar.text_score * 100.0),
                precedent: p.precedent,
            })
            .collect(),
        peers: view.peers.iter().map(|p| (p.id, p.pourvoi.clone(), p.chamber.clone(), p.party.clone())).collect(),
        unread: s.unread.clone(),
        awaiting: view.awaiting.as_ref().map(|a| {
            let title = match a.formation {
                ReferralFormation::Mixte => format!("Renvoi en chambre mixte suggéré ({})", a.chambers.join(", ")),
                ReferralFormation::Pleniere => "Renvoi en assemblée plénière suggéré".to_owned(),
            };
            (title, a.article.clone(), a.mandatory, a.formation.as_str())
        }),
        referral: view.referral.as_ref().map(|r| {
            let chambers = if r.chambers.is_empty() { String::new() } else { format!(" ({})", r.chambers.join(", ")) };
            format!(
                "Renvoyé devant la {}{chambers} le {} — {}, {}{}",
                r.formation.label_fr(),
                super::pages::date_fr(&r.ordered_on),
                r.article,
                r.ordered_by.label_fr(),
                if r.mandatory { ", renvoi obligatoire" } else { "" }
            )
        }),
        decisions: view
            .decisions
            .iter()
            .rev()
            .map(|entry| DecisionRow {
                when: instant_fr(&entry.recorded_at),
                actor: entry.actor.clone(),
                label: entry.label.clone(),
                note: entry.payload.get("note").and_then(|n| n.as_str()).unwrap_or_default().to_owned(),
            })
            .collect(),
        decide_fields,
        refer_fields,
        refer_chambers,
        refer_reason,
        decline_fields,
        may_decide: open && member.may(Operation::Orient),
        may_refer: open && view.referral.is_none() && !authors.is_empty() && member.may(Operation::Refer),
        may_decline: open && view.awaiting.is_some() && member.may(Operation::Orient),
    })
}

/// `POST /portail/dossiers/{id}/orientation`: the president's orientation.
pub async fn decide(
    State(state): State<AppState>,
    member: Member,
    Path(raw_id): Path<String>,
    body: Bytes,
) -> Response {
    let fields = Fields::parse(&body);
    let (dossier, version) = match writable_as(&state, &member, Operation::Orient, &raw_id, &fields).await {
        Ok(found) => found,
        Err(error) => return failure_as(&member, &error),
    };
    let Some(circuit) = Circuit::parse(fields.get("circuit")) else {
        let error = Error::invalid("circuit", "circuit non choisi", "choisir court, intermédiaire ou approfondi");
        return refused(&state, &member, dossier.id, "orientation", fields, error).await;
    };
    let input = OrientationInput {
        chamber: fields.get("chamber").trim().to_owned(),
        section: fields.opt("section"),
        circuit,
        reason: fields.opt("reason"),
    };
    match crate::api::orientation::decide(&state, &member.caller(), dossier.id, version, input).await {
        Ok(_) => done(dossier.id, "orientation"),
        Err(error) => refused(&state, &member, dossier.id, "orientation", fields, error).await,
    }
}

/// `POST /portail/dossiers/{id}/renvoi`: a referral ordered.
pub async fn refer(State(state): State<AppState>, member: Member, Path(raw_id): Path<String>, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    let (dossier, version) = match writable_as(&state, &member, Operation::Refer, &raw_id, &fields).await {
        Ok(found) => found,
        Err(error) => return failure_as(&member, &error),
    };
    let Some(formation) = ReferralFormation::parse(fields.get("formation")) else {
        let error =
            Error::invalid("formation", "formation non choisie", "choisir la chambre mixte ou l'assemblée plénière");
        return refused(&state, &member, dossier.id, "renvoi", fields, error).await;
    };
    let Some(ordered_by) = OrderedBy::parse(fields.get("ordered_by")) else {
        let error = Error::invalid("ordered_by", "auteur du renvoi non choisi", "dire qui ordonne le renvoi");
        return refused(&state, &member, dossier.id, "renvoi", fields, error).await;
    };
    let chambers = match formation {
        ReferralFormation::Mixte => vocabulary::CHAMBERS
            .iter()
            .filter(|code| fields.has(&format!("chamber_{code}")))
            .map(|code| (*code).to_owned())
            .collect(),
        ReferralFormation::Pleniere => Vec::new(),
    };
    let order = ReferralOrder {
        formation,
        article: None,
        ordered_by,
        chambers,
        mandatory: None,
        reason: fields.opt("referral_reason"),
    };
    match crate::api::orientation::refer(&state, &member.caller(), dossier.id, version, order).await {
        Ok(_) => done(dossier.id, "renvoi"),
        Err(error) => {
            let error = error
                .rename_field("reason", "referral_reason")
                .rename_field("chambers", &format!("chamber_{}", dossier.record.chamber));
            refused(&state, &member, dossier.id, "renvoi", fields, error).await
        }
    }
}

/// `POST /portail/dossiers/{id}/renvoi/ecarter`: the suggested referral
/// declined, with its reason.
pub async fn decline(
    State(state): State<AppState>,
    member: Member,
    Path(raw_id): Path<String>,
    body: Bytes,
) -> Response {
    let fields = Fields::parse(&body);
    let (dossier, version) = match writable_as(&state, &member, Operation::Orient, &raw_id, &fields).await {
        Ok(found) => found,
        Err(error) => return failure_as(&member, &error),
    };
    let Some(formation) = ReferralFormation::parse(fields.get("formation")) else {
        let error = Error::bad_request("formulaire sans formation du renvoi").action("recharger la page du dossier");
        return failure_as(&member, &error);
    };
    let input = DeclineInput { formation, reason: fields.opt("decline_reason") };
    match crate::api::orientation::decline(&state, &member.caller(), dossier.id, version, input).await {
        Ok(_) => done(dossier.id, "renvoi-ecarte"),
        Err(error) => {
            refused(&state, &member, dossier.id, "ecarter", fields, error.rename_field("reason", "decline_reason"))
                .await
        }
    }
}
