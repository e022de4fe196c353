//! The president's orders that end a pourvoi without a hearing
//! ([`greffe_models::order`]): a déchéance or a désistement, drafted in
//! versions (each hashed and journaled), checked against the registry
//! ([`greffe_checker::order`]) every time it is read, signed by the
//! president and the greffier with their own keys (a later version voids
//! the signatures of the one before, and says so), and in effect at its
//! last signature, in that same transaction: a déchéance is recorded as the
//! dossier's decision (solution `decheance`, which closes its deadlines), a
//! désistement as its `desistement` event (the dossier is withdrawn).

use greffe_checker::order::{DemandeurMemoire, OrderFacts, OrderingMagistrate, defects};
use greffe_models::Date;
use greffe_models::court::Role;
use greffe_models::deadlines::{DeadlineConfig, DeadlineState, EventType};
use greffe_models::decision::{Defect, NamedParty};
use greffe_models::diff::TaskKind;
use greffe_models::order::{self, OrderContent, OrderKind, OrderStatus, SignedOrder};
use greffe_models::registry::{PartyRole, RegistryKind};
use greffe_models::signature::{self, SignatoryRole};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use utoipa::ToSchema;

use super::decision_drafts::DecisionVersion;
use super::decision_signatures::{
    RequiredSignature, SignatureLine, Signed, has_signed, record_signature, required_among, signature_lines,
    signing_seed, signs_as, void_signatures,
};
use super::dossiers::{self, Dossier, EventInput};
use super::journal::{self, NewEntry};
use super::users::User;
use super::{Store, now, rows};
use crate::error::{Error, ErrorCode, Result};

/// The mémoire deadlines whose expiry a déchéance sanctions (art. 978, 989
/// CPC).
const DECHEANCE_RULES: [&str; 2] = ["civil.memoire_ampliatif", "civil.memoire_sans_representation"];

/// A dossier's order: its content (prefilled until first saved), where it
/// stands, its defects today, its versions and signatures.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct OrderWorkspace {
    /// Dossier id.
    pub dossier_id: i64,
    /// Chamber.
    pub chamber: String,
    /// Where it stands.
    #[schema(value_type = String, example = "drafted")]
    pub status: OrderStatus,
    /// French label of `status`.
    pub status_label: String,
    /// The content.
    #[schema(value_type = Object)]
    pub content: OrderContent,
    /// Version (the ETag); 0 while only prefilled.
    pub version: i64,
    /// The order's legal basis (articles) for its kind and procedure.
    pub basis: String,
    /// Whether that basis is still to confirm.
    pub basis_to_confirm: bool,
    /// The kinds of order the dossier's procedure knows (codes).
    #[schema(value_type = Vec<String>)]
    pub kinds: Vec<OrderKind>,
    /// The demandeur's mémoire deadlines (art. 978, 989 CPC), as a
    /// déchéance reads them: label, last day, filing.
    pub memoires: Vec<MemoireState>,
    /// The defects to clear before signature; empty: none.
    #[schema(value_type = Vec<Object>)]
    pub defects: Vec<Defect>,
    /// Saved versions, newest first.
    pub versions: Vec<DecisionVersion>,
    /// The signatures the current version requires, each given or not.
    pub required: Vec<RequiredSignature>,
    /// Every signature given, newest version first (those of earlier
    /// versions void, with the reason).
    pub signatures: Vec<SignatureLine>,
}

/// A mémoire deadline of the demandeur, as the order's page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct MemoireState {
    /// French label.
    pub label: String,
    /// Its article.
    pub article: String,
    /// Its last day (YYYY-MM-DD), if running or ended (none while
    /// interrupted).
    pub due: Option<String>,
    /// When the mémoire was filed (YYYY-MM-DD).
    pub filed: Option<String>,
    /// French label of its state today.
    pub state: String,
}

/// A save of an order's draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderSave {
    /// The content.
    pub content: OrderContent,
}

/// The chamber's president (the active one of best rank), to prefill.
async fn chamber_president(connection: &mut AnyConnection, chamber: &str) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM magistrates WHERE chamber = $1 AND role = 'president' AND active = 1 ORDER BY rank, id LIMIT 1",
    )
    .bind(chamber)
    .fetch_optional(&mut *connection)
    .await?)
}

/// An order of `kind` as the record gives it: its mentions, the chamber's
/// president, `greffier`, today's date, the reasons and operative part to
/// reread.
async fn prefilled(
    connection: &mut AnyConnection,
    dossier: &Dossier,
    kind: OrderKind,
    greffier: &str,
    today: Date,
) -> Result<OrderContent> {
    let record = &dossier.record;
    let demandeurs: Vec<String> =
        record.parties.iter().filter(|p| p.role == PartyRole::Demandeur).map(|p| p.name.clone()).collect();
    let (reasons, operative) =
        order::prefilled_text(kind, record.nature, &demandeurs, &record.registered_on, &record.attacked);
    Ok(OrderContent {
        kind,
        pourvoi: record.pourvoi.clone(),
        parties: record.parties.iter().map(NamedParty::from).collect(),
        attacked: record.attacked.clone(),
        president: chamber_president(connection, &record.chamber).await?.unwrap_or_default(),
        greffier: greffier.to_owned(),
        date: today.to_string(),
        act_date: None,
        reasons,
        operative,
    })
}

/// The signatures `content` (version `version`) requires, each with
/// whether it is given among `lines`.
fn required_of(content: &OrderContent, version: i64, lines: &[SignatureLine]) -> Vec<RequiredSignature> {
    required_among(content.signatories(), version, lines)
}

/// The roles in which `user` signs `content`: president by his magistrate,
/// greffier by his name.
pub fn roles_of(user: &User, content: &OrderContent) -> Vec<SignatoryRole> {
    content.signatories().into_iter().filter(|(role, who)| signs_as(user, *role, who)).map(|(role, _)| role).collect()
}

/// The demandeur's mémoire deadlines of dossier `id` on `today`: the
/// checker's facts and the page's lines.
async fn memoires_of(
    connection: &mut AnyConnection,
    id: i64,
    today: Date,
) -> Result<(Vec<DemandeurMemoire>, Vec<MemoireState>)> {
    let deadlines = super::deadlines::of_dossier(connection, id, today, DeadlineConfig::default()).await?;
    let mut facts = Vec::new();
    let mut lines = Vec::new();
    for d in deadlines.deadlines.iter().filter(|d| DECHEANCE_RULES.contains(&d.rule.as_str())) {
        facts.push(DemandeurMemoire {
            label: d.label.clone(),
            due: if d.state == DeadlineState::Interrupted { None } else { d.due },
            filed: d.met_on,
        });
        lines.push(MemoireState {
            label: d.label.clone(),
            article: d.article.clone(),
            due: d.due.map(|due| due.to_string()),
            filed: d.met_on.map(|on| on.to_string()),
            state: d.state.label_fr().to_owned(),
        });
    }
    Ok((facts, lines))
}

/// Dossier `id`'s order on `today`: the stored one, else one of `kind`
/// prefilled (a déchéance in a civil dossier, a désistement in a criminal
/// one, when no kind is asked).
pub(crate) async fn workspace_in(
    connection: &mut AnyConnection,
    today: Date,
    id: i64,
    kind: Option<OrderKind>,
    greffier: &str,
) -> Result<OrderWorkspace> {
    let dossier = dossiers::get_in(&mut *connection, id).await?;
    let record = &dossier.record;
    let stored = sqlx::query("SELECT status, content, version FROM orders WHERE dossier_id = $1")
        .bind(id)
        .fetch_optional(&mut *connection)
        .await?;
    let (status, content, version) = match stored {
        Some(row) => (
            rows::parsed(&row, "status", OrderStatus::parse)?,
            rows::json::<OrderContent>(&row, "content")?,
            rows::int(&row, "version")?,
        ),
        None => {
            let kind = kind.unwrap_or(if OrderKind::Decheance.allowed_for(record.nature) {
                OrderKind::Decheance
            } else {
                OrderKind::Desistement
            });
            (OrderStatus::ToDraft, prefilled(&mut *connection, &dossier, kind, greffier, today).await?, 0)
        }
    };
    let (memoire_facts, memoires) = memoires_of(&mut *connection, id, today).await?;
    let president = match sqlx::query("SELECT role, chamber FROM magistrates WHERE id = $1")
        .bind(content.president.trim())
        .fetch_optional(&mut *connection)
        .await?
    {
        Some(row) => Some(OrderingMagistrate {
            role: rows::parsed(&row, "role", Role::parse)?,
            chamber: rows::text(&row, "chamber")?,
        }),
        None => None,
    };
    let registered_on = greffe_models::dates::parse_date(&record.registered_on).map_err(Error::internal)?;
    let parties: Vec<NamedParty> = record.parties.iter().map(NamedParty::from).collect();
    // The order's own effect closes the dossier: a rendered order is not
    // a defect of itself.
    let closed =
        (status != OrderStatus::Rendered && !dossier.status.may_be_decided()).then_some(dossier.status_label.as_str());
    let facts = OrderFacts {
        nature: record.nature,
        chamber: &record.chamber,
        pourvoi: &record.pourvoi,
        parties: &parties,
        attacked: &record.attacked,
        registered_on,
        closed,
        memoires: &memoire_facts,
        president: president.as_ref(),
        today,
    };
    let found = if status == OrderStatus::Rendered { Vec::new() } else { defects(&content, &facts) };
    let mut versions = Vec::new();
    for row in sqlx::query(
        "SELECT version, sha256, saved_by, saved_at, journal_seq FROM order_versions WHERE dossier_id = $1
         ORDER BY version DESC",
    )
    .bind(id)
    .fetch_all(&mut *connection)
    .await?
    {
        versions.push(DecisionVersion {
            version: rows::int(&row, "version")?,
            sha256: rows::text(&row, "sha256")?,
            saved_by: rows::text(&row, "saved_by")?,
            saved_at: rows::text(&row, "saved_at")?,
            journal_seq: rows::int(&row, "journal_seq")?,
        });
    }
    let signatures = signature_lines(&mut *connection, Signed::Order, id).await?;
    let required = required_of(&content, version, &signatures);
    let basis = content.kind.basis(record.nature);
    Ok(OrderWorkspace {
        dossier_id: id,
        chamber: record.chamber.clone(),
        status,
        status_label: status.label_fr().to_owned(),
        basis: basis.article.to_owned(),
        basis_to_confirm: basis.to_confirm,
        kinds: OrderKind::ALL.iter().copied().filter(|k| k.allowed_for(record.nature)).collect(),
        content,
        version,
        memoires,
        defects: found,
        versions,
        required,
        signatures,
    })
}

/// Puts the order of dossier `current` in effect, within the caller's
/// transaction: a déchéance as the dossier's decision, a désistement as its
/// event. The caller bumps the dossier's version and refreshes its
/// deadlines.
async fn take_effect(
    connection: &mut AnyConnection,
    actor: &str,
    current: &Dossier,
    content: &OrderContent,
) -> Result<()> {
    match content.kind {
        OrderKind::Decheance => {
            let input = super::decisions::DecisionInput {
                decided_on: content.date.clone(),
                solution: greffe_models::registry::Solution::Decheance.as_str().to_owned(),
                formation: super::decisions::ORDER_FORMATION.to_owned(),
                publication: greffe_models::registry::PublicationLevel::N.as_str().to_owned(),
                ecli: None,
                number: None,
            };
            super::decisions::decide_in(connection, actor, current, input).await
        }
        OrderKind::Desistement => {
            let act = content.act_date.clone().unwrap_or_default();
            let event = EventInput {
                kind: EventType::Desistement.as_str().to_owned(),
                date: content.date.clone(),
                party: Some(PartyRole::Demandeur.as_str().to_owned()),
                rule: None,
                new_due: None,
                group: None,
                corrects: None,
                cancel: false,
                note: Some(format!("ordonnance de désistement du {} (acte du {act})", content.date)),
            };
            dossiers::event_in(connection, actor, current, event).await.map(|_| ())
        }
    }
}

impl Store {
    /// Dossier `id`'s order on `today`: the saved one, else one of `kind`
    /// prefilled from the record (with `greffier` as its greffier).
    pub async fn order_workspace(
        &self,
        today: Date,
        id: i64,
        kind: Option<OrderKind>,
        greffier: &str,
    ) -> Result<OrderWorkspace> {
        let mut connection = self.pool().acquire().await?;
        workspace_in(&mut connection, today, id, kind, greffier).await
    }

    /// Where dossier `id`'s order stands, if one is saved: its kind, status
    /// and version.
    pub async fn order_standing(&self, id: i64) -> Result<Option<(OrderKind, OrderStatus, i64)>> {
        let row = sqlx::query("SELECT kind, status, version FROM orders WHERE dossier_id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.map(|row| {
            Ok((
                rows::parsed(&row, "kind", OrderKind::parse)?,
                rows::parsed(&row, "status", OrderStatus::parse)?,
                rows::int(&row, "version")?,
            ))
        })
        .transpose()
    }

    /// Saves a version of dossier `id`'s order over version `expected` (0
    /// for the first): well formed, of a kind the procedure knows, on a
    /// dossier still open; hashed and journaled; the signatures of earlier
    /// versions voided (and said so). Refused once rendered.
    pub async fn save_order(
        &self,
        actor: &str,
        today: Date,
        id: i64,
        expected: i64,
        save: OrderSave,
    ) -> Result<OrderWorkspace> {
        let OrderSave { content } = save;
        if let Some(problem) = content.problems().into_iter().next() {
            return Err(Error::invalid(format!("content.{}", problem.field), problem.message, problem.action));
        }
        let mut write = self.write().await?;
        let dossier = dossiers::get_in(&mut write.tx, id).await?;
        // The dossier's procedure decides (a state of the dossier, not a
        // malformed body: 409).
        if !content.kind.allowed_for(dossier.record.nature) {
            return Err(Error::conflict(
                ErrorCode::ForbiddenTransition,
                format!(
                    "une ordonnance de {} n'existe pas dans la procédure {}",
                    content.kind.label_fr(),
                    dossier.record.nature.label_fr()
                ),
                "choisir le désistement, ou laisser le pourvoi aller à l'audience",
            ));
        }
        let current = sqlx::query("SELECT version, status FROM orders WHERE dossier_id = $1")
            .bind(id)
            .fetch_optional(&mut *write.tx)
            .await?;
        if let Some(row) = &current
            && rows::text(row, "status")? == OrderStatus::Rendered.as_str()
        {
            return Err(Error::conflict(
                ErrorCode::ForbiddenTransition,
                "l'ordonnance est signée par le président et le greffier : elle est rendue",
                "aucune nouvelle version ne peut être enregistrée",
            ));
        }
        if !dossier.status.may_be_decided() {
            return Err(Error::conflict(
                ErrorCode::ForbiddenTransition,
                format!("le dossier est « {} » : aucune ordonnance ne peut plus y être rendue", dossier.status_label),
                "vérifier le dossier",
            ));
        }
        let current_version = match &current {
            Some(row) => rows::int(row, "version")?,
            None => 0,
        };
        if current_version != expected {
            return Err(Error::VersionMismatch { current: current_version });
        }
        let version = expected + 1;
        let json = serde_json::to_string(&content).map_err(Error::internal)?;
        let sha256 = content.sha256();
        let at = now();
        let entry = journal::append(
            &mut write.tx,
            NewEntry::registry(
                actor,
                Some(id),
                RegistryKind::OrderSaved,
                serde_json::json!({"version": version, "sha256": sha256, "kind": content.kind.as_str()}),
            ),
        )
        .await?;
        let status = OrderStatus::Drafted.as_str();
        if current.is_none() {
            sqlx::query(
                "INSERT INTO orders (dossier_id, kind, status, content, version, updated_by, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(content.kind.as_str())
            .bind(status)
            .bind(&json)
            .bind(version)
            .bind(actor)
            .bind(&at)
            .execute(&mut *write.tx)
            .await?;
        } else {
            sqlx::query(
                "UPDATE orders SET kind = $1, status = $2, content = $3, version = $4, updated_by = $5, updated_at = $6
                 WHERE dossier_id = $7",
            )
            .bind(content.kind.as_str())
            .bind(status)
            .bind(&json)
            .bind(version)
            .bind(actor)
            .bind(&at)
            .bind(id)
            .execute(&mut *write.tx)
            .await?;
        }
        sqlx::query(
            "INSERT INTO order_versions (dossier_id, version, content, sha256, saved_by, saved_at, journal_seq)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(version)
        .bind(&json)
        .bind(&sha256)
        .bind(actor)
        .bind(&at)
        .bind(entry.seq)
        .execute(&mut *write.tx)
        .await?;
        void_signatures(&mut write.tx, Signed::Order, actor, id, version).await?;
        let saved = workspace_in(&mut write.tx, today, id, None, "").await?;
        write.commit().await?;
        Ok(saved)
    }

    /// `user` signs version `expected` of dossier `id`'s order in every
    /// capacity he holds on it (president, greffier). Refused while it has
    /// defects, when he is not a signatory or has signed this version, and
    /// once rendered. The last signature puts it in effect, in the same
    /// transaction; a refusal of the registry then (the dossier closed
    /// meanwhile) leaves the signature ungiven.
    pub async fn sign_order(&self, user: &User, today: Date, id: i64, expected: i64) -> Result<OrderWorkspace> {
        let mut write = self.write().await?;
        let current = workspace_in(&mut write.tx, today, id, None, "").await?;
        if current.version != expected {
            return Err(Error::VersionMismatch { current: current.version });
        }
        if current.version == 0 {
            return Err(Error::conflict(
                ErrorCode::DecisionDefects,
                "aucune version de l'ordonnance n'est enregistrée",
                "enregistrer le texte de l'ordonnance avant de le signer",
            ));
        }
        if current.status == OrderStatus::Rendered {
            return Err(Error::conflict(
                ErrorCode::ForbiddenTransition,
                "l'ordonnance est déjà signée par le président et le greffier",
                "aucune signature n'est plus attendue",
            ));
        }
        if !current.defects.is_empty() {
            return Err(Error::conflict(
                ErrorCode::DecisionDefects,
                format!(
                    "l'ordonnance a {} défaut(s) : {}",
                    current.defects.len(),
                    current.defects.iter().map(|d| d.message.as_str()).collect::<Vec<_>>().join(" ; ")
                ),
                "corriger chaque défaut, enregistrer une nouvelle version, puis signer",
            ));
        }
        let content = &current.content;
        let roles = roles_of(user, content);
        if roles.is_empty() {
            return Err(Error::conflict(
                ErrorCode::NotSignatory,
                format!("{} n'est ni le président ni le greffier nommés par cette ordonnance", user.name),
                "l'ordonnance est signée par le président qui la rend et par le greffier",
            ));
        }
        let sha256 = content.sha256();
        let seed = signing_seed(&mut write.tx, &user.id).await?;
        let mut signed_any = false;
        for role in roles {
            if has_signed(&current.signatures, current.version, role, &user.id) {
                continue;
            }
            let given = signature::sign(&seed, &order::message(id, current.version, &sha256, role));
            record_signature(&mut write.tx, Signed::Order, user, &seed, id, current.version, &sha256, role, &given)
                .await?;
            signed_any = true;
        }
        if !signed_any {
            return Err(Error::conflict(
                ErrorCode::AlreadyDone,
                format!("{} a déjà signé la version {} de l'ordonnance", user.name, current.version),
                "attendre l'autre signataire",
            ));
        }
        let lines = signature_lines(&mut write.tx, Signed::Order, id).await?;
        let complete = required_of(content, current.version, &lines).iter().all(|r| r.signed);
        let status = if complete { OrderStatus::Rendered } else { OrderStatus::AwaitingSignatures };
        sqlx::query("UPDATE orders SET status = $1 WHERE dossier_id = $2")
            .bind(status.as_str())
            .bind(id)
            .execute(&mut *write.tx)
            .await?;
        if complete {
            let dossier = dossiers::get_in(&mut write.tx, id).await?;
            take_effect(&mut write.tx, &user.id, &dossier, content).await?;
            dossiers::bump_version(&mut write.tx, id, dossier.version).await?;
            super::deadlines::refresh(&mut write.tx, id).await?;
            // Its notification to the parties, in this transaction: the
            // signed order, rendered for the outbox when it is sent.
            let label = format!(
                "Notifier aux parties l'{} rendue le {}",
                content.kind.title().to_lowercase(),
                content.order_date().map_or_else(|| content.date.clone(), |d| d.format("%d/%m/%Y").to_string())
            );
            let notice =
                crate::outbox::NewNotice::of_dossier(TaskKind::OrderNotice, id, &dossier.record.chamber, &label);
            crate::outbox::queue_notice(&mut write.tx, notice, &now()).await?;
        }
        let signed = workspace_in(&mut write.tx, today, id, None, "").await?;
        write.commit().await?;
        Ok(signed)
    }

    /// The signed order of dossier `id`, for offline verification: refused
    /// until the president and the greffier have signed.
    pub async fn signed_order(&self, today: Date, id: i64) -> Result<SignedOrder> {
        let mut connection = self.pool().acquire().await?;
        let current = workspace_in(&mut connection, today, id, None, "").await?;
        if current.status != OrderStatus::Rendered {
            return Err(Error::conflict(
                ErrorCode::ForbiddenTransition,
                "l'ordonnance n'est pas signée par le président et le greffier",
                "attendre les signatures manquantes",
            ));
        }
        Ok(SignedOrder {
            format: order::FORMAT.to_owned(),
            dossier_id: id,
            version: current.version,
            sha256: current.content.sha256(),
            signatures: current
                .signatures
                .iter()
                .filter(|l| l.version == current.version && l.void_reason.is_none())
                .map(|l| l.signature.clone())
                .collect(),
            content: current.content,
        })
    }
}
