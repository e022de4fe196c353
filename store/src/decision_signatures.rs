//! Signatures of a decision: each signatory — the president, the
//! rapporteur(s), the greffier — signs a version free of defects with his
//! own key (Ed25519, held by the service, created at his first signature),
//! binding the version's SHA-256; journaled. A later version voids the
//! signatures of the one before (and says so); once every signatory has
//! signed, the decision is sealed: no version may follow, and its signed
//! file can be exported for offline verification.

use std::collections::BTreeMap;

use greffe_models::access::UserRole;
use greffe_models::decision::{DecisionContent, DecisionStatus};
use greffe_models::registry::RegistryKind;
use greffe_models::signature::{self, DecisionSignature, SignatoryRole, SignedDecision};
use rand::TryRngCore;
use rand::rngs::OsRng;
use serde::Serialize;
use sqlx::AnyConnection;
use utoipa::ToSchema;

use super::decision_drafts::{DecisionWorkspace, workspace_in};
use super::journal::{self, NewEntry};
use super::users::User;
use super::{Store, now, rows};
use crate::error::{Error, ErrorCode, Result};

/// A signature of the decision, as the workspace lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SignatureLine {
    /// The version signed.
    pub version: i64,
    /// The signature.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub signature: DecisionSignature,
    /// Why it no longer counts (a later version), if it does not.
    pub void_reason: Option<String>,
}

/// A signature the decision requires, and whether it is given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RequiredSignature {
    /// In what capacity.
    #[schema(value_type = String, example = "president")]
    pub role: SignatoryRole,
    /// Who: the magistrate's id, or the greffier's name.
    pub who: String,
    /// Given on the current version.
    pub signed: bool,
}

/// The signatures of dossier `id`'s decision, newest first.
pub(crate) async fn signatures_of(connection: &mut AnyConnection, id: i64) -> Result<Vec<SignatureLine>> {
    let mut lines = Vec::new();
    for row in sqlx::query(
        "SELECT version, role, signer, name, magistrate, public_key, signature, signed_at, void_reason
         FROM decision_signatures WHERE dossier_id = $1 ORDER BY version DESC, signed_at",
    )
    .bind(id)
    .fetch_all(&mut *connection)
    .await?
    {
        let code = rows::text(&row, "role")?;
        let role =
            SignatoryRole::parse(&code).ok_or_else(|| Error::internal(format!("signature of {id}: role {code}")))?;
        lines.push(SignatureLine {
            version: rows::int(&row, "version")?,
            signature: DecisionSignature {
                role,
                signer: rows::text(&row, "signer")?,
                name: rows::text(&row, "name")?,
                magistrate: rows::opt_text(&row, "magistrate")?,
                public_key: rows::text(&row, "public_key")?,
                signature: rows::text(&row, "signature")?,
                signed_at: rows::text(&row, "signed_at")?,
            },
            void_reason: rows::opt_text(&row, "void_reason")?,
        });
    }
    Ok(lines)
}

/// Whether `signer` has signed version `version` in `role`, and the
/// signature still counts.
pub fn has_signed(lines: &[SignatureLine], version: i64, role: SignatoryRole, signer: &str) -> bool {
    lines.iter().any(|l| {
        l.version == version && l.void_reason.is_none() && l.signature.role == role && l.signature.signer == signer
    })
}

/// The signatures `content` (version `version`) requires, each with
/// whether it is given among `lines`.
pub(crate) fn required_of(content: &DecisionContent, version: i64, lines: &[SignatureLine]) -> Vec<RequiredSignature> {
    signature::required(content)
        .into_iter()
        .map(|(role, who)| {
            let signed = lines.iter().any(|l| {
                l.version == version && l.void_reason.is_none() && signature::fulfils(&l.signature, role, &who)
            });
            RequiredSignature { role, who, signed }
        })
        .collect()
}

/// The roles in which `user` signs `content`: president or rapporteur by
/// his magistrate, greffier by his name.
pub fn roles_of(user: &User, content: &DecisionContent) -> Vec<SignatoryRole> {
    let mut roles = Vec::new();
    let magistrate = user.magistrate.as_deref();
    if magistrate.is_some_and(|m| m == content.president) {
        roles.push(SignatoryRole::President);
    }
    if magistrate.is_some_and(|m| content.rapporteurs.iter().any(|r| r == m)) {
        roles.push(SignatoryRole::Rapporteur);
    }
    if user.role == UserRole::Greffier && user.name.trim() == content.greffier.trim() {
        roles.push(SignatoryRole::Greffier);
    }
    roles
}

/// Voids the signatures of dossier `id`'s versions before `version`, saying
/// why; journaled when there were any.
pub(crate) async fn void_before(connection: &mut AnyConnection, actor: &str, id: i64, version: i64) -> Result<()> {
    let reason = format!("version {version} enregistrée par {actor} : le texte signé a changé");
    let voided = sqlx::query(
        "UPDATE decision_signatures SET void_reason = $1 WHERE dossier_id = $2 AND version < $3 AND void_reason IS NULL",
    )
    .bind(&reason)
    .bind(id)
    .bind(version)
    .execute(&mut *connection)
    .await?
    .rows_affected();
    if voided > 0 {
        journal::append(
            connection,
            NewEntry::registry(
                actor,
                Some(id),
                RegistryKind::SignaturesVoided,
                serde_json::json!({"version": version, "voided": voided, "reason": reason}),
            ),
        )
        .await?;
    }
    Ok(())
}

/// The user's signing key (its 32-byte seed), created at first use.
async fn signing_seed(connection: &mut AnyConnection, user_id: &str) -> Result<[u8; 32]> {
    let row = sqlx::query("SELECT secret_key FROM signing_keys WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(&mut *connection)
        .await?;
    if let Some(row) = row {
        return signature::unhex::<32>(&rows::text(&row, "secret_key")?)
            .ok_or_else(|| Error::internal(format!("signing key of {user_id}: malformed")));
    }
    let mut seed = [0u8; 32];
    OsRng.try_fill_bytes(&mut seed).map_err(Error::internal)?;
    sqlx::query("INSERT INTO signing_keys (user_id, public_key, secret_key, created_at) VALUES ($1, $2, $3, $4)")
        .bind(user_id)
        .bind(signature::public_key(&seed))
        .bind(signature::hex(&seed))
        .bind(now())
        .execute(&mut *connection)
        .await?;
    Ok(seed)
}

impl Store {
    /// `user` signs version `expected` of dossier `id`'s decision, in every
    /// capacity he holds on it. Refused while the decision has defects,
    /// when he is not a signatory or has signed this version already, and
    /// once sealed. The last signature seals it.
    pub async fn sign_decision(
        &self,
        user: &User,
        today: greffe_models::Date,
        id: i64,
        expected: i64,
    ) -> Result<DecisionWorkspace> {
        let mut write = self.write().await?;
        let current = workspace_in(&mut write.tx, today, id).await?;
        if current.version != expected {
            return Err(Error::VersionMismatch { current: current.version });
        }
        if current.version == 0 {
            return Err(Error::conflict(
                ErrorCode::DecisionDefects,
                "aucune version de la décision n'est enregistrée",
                "enregistrer le texte de la décision avant de le signer",
            ));
        }
        if matches!(current.status, DecisionStatus::Signed | DecisionStatus::Rendered) {
            return Err(Error::conflict(
                ErrorCode::ForbiddenTransition,
                "la décision est déjà signée par tous ses signataires",
                "aucune signature n'est plus attendue",
            ));
        }
        if !current.defects.is_empty() {
            return Err(Error::conflict(
                ErrorCode::DecisionDefects,
                format!(
                    "la décision a {} défaut(s) : {}",
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
                format!("{} n'est ni le président, ni un rapporteur, ni le greffier de cette décision", user.name),
                "la décision est signée par le président, le ou les rapporteurs et le greffier qui ont siégé",
            ));
        }
        let sha256 = content.sha256();
        let seed = signing_seed(&mut write.tx, &user.id).await?;
        let mut signed_any = false;
        for role in roles {
            if has_signed(&current.signatures, current.version, role, &user.id) {
                continue;
            }
            let given = signature::sign(&seed, &signature::message(id, current.version, &sha256, role));
            let at = now();
            let entry = journal::append(
                &mut write.tx,
                NewEntry::registry(
                    &user.id,
                    Some(id),
                    RegistryKind::DecisionSigned,
                    serde_json::json!({"version": current.version, "sha256": sha256, "role": role.as_str(),
                                       "public_key": signature::public_key(&seed), "signature": given}),
                ),
            )
            .await?;
            sqlx::query(
                "INSERT INTO decision_signatures (dossier_id, version, role, signer, name, magistrate, public_key,
                 signature, signed_at, journal_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(id)
            .bind(current.version)
            .bind(role.as_str())
            .bind(&user.id)
            .bind(&user.name)
            .bind(user.magistrate.as_deref())
            .bind(signature::public_key(&seed))
            .bind(&given)
            .bind(&at)
            .bind(entry.seq)
            .execute(&mut *write.tx)
            .await?;
            signed_any = true;
        }
        if !signed_any {
            return Err(Error::conflict(
                ErrorCode::AlreadyDone,
                format!("{} a déjà signé la version {}", user.name, current.version),
                "attendre les autres signataires",
            ));
        }
        let lines = signatures_of(&mut write.tx, id).await?;
        let complete = required_of(content, current.version, &lines).iter().all(|r| r.signed);
        let status = if complete { DecisionStatus::Signed } else { DecisionStatus::AwaitingSignatures };
        sqlx::query("UPDATE decision_drafts SET status = $1 WHERE dossier_id = $2")
            .bind(status.as_str())
            .bind(id)
            .execute(&mut *write.tx)
            .await?;
        let signed = workspace_in(&mut write.tx, today, id).await?;
        write.commit().await?;
        Ok(signed)
    }

    /// The signed decision of dossier `id`, for offline verification:
    /// refused until every signatory has signed.
    pub async fn signed_decision(&self, today: greffe_models::Date, id: i64) -> Result<SignedDecision> {
        let mut connection = self.pool().acquire().await?;
        let current = workspace_in(&mut connection, today, id).await?;
        if current.status != DecisionStatus::Signed && current.status != DecisionStatus::Rendered {
            return Err(Error::conflict(
                ErrorCode::ForbiddenTransition,
                "la décision n'est pas signée par tous ses signataires",
                "attendre les signatures manquantes",
            ));
        }
        Ok(SignedDecision {
            format: signature::FORMAT.to_owned(),
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

    /// Every signer's public key (user id → Ed25519 key, hexadecimal): what
    /// `greffe decision verify` checks signed decisions against.
    pub async fn public_keys(&self) -> Result<BTreeMap<String, String>> {
        let mut keys = BTreeMap::new();
        for row in
            sqlx::query("SELECT user_id, public_key FROM signing_keys ORDER BY user_id").fetch_all(self.pool()).await?
        {
            keys.insert(rows::text(&row, "user_id")?, rows::text(&row, "public_key")?);
        }
        Ok(keys)
    }
}

/// The court's formation code of a decision (`fs`, `f`…) from its hearing's
/// formation (`decisions::FORMATIONS`).
fn formation_code(formation: greffe_models::formation::FormationCode) -> &'static str {
    use greffe_models::formation::FormationCode;
    match formation {
        FormationCode::Restreinte => "f",
        FormationCode::Section => "fs",
        FormationCode::Pleniere => "fp",
        FormationCode::Mixte => "fm",
        FormationCode::AssembleePleniere => "ap",
    }
}

impl Store {
    /// Renders every sealed decision whose pronouncement date has come (on
    /// or before `today`, never before): the decision recorded on the
    /// dossier (an `arret` entry in the journal, which closes its
    /// deadlines), the dossier decided, the decision `rendered`. Returns
    /// the dossiers rendered, and those the registry refused (a dossier
    /// withdrawn meanwhile, say) with why; one that changed meanwhile is
    /// left to the next pass.
    pub async fn render_due_decisions(&self, today: greffe_models::Date) -> Result<Rendering> {
        let mut due = Vec::new();
        for row in
            sqlx::query("SELECT dossier_id, content FROM decision_drafts WHERE status = 'signed' ORDER BY dossier_id")
                .fetch_all(self.pool())
                .await?
        {
            let content: DecisionContent = rows::json(&row, "content")?;
            if content.pronouncement_date().is_some_and(|day| day <= today) {
                due.push(rows::int(&row, "dossier_id")?);
            }
        }
        let mut rendering = Rendering::default();
        for id in due {
            let version = self.dossier(id).await?.version;
            let outcome = self
                .write_dossier(id, version, async |connection, current| {
                    let row = sqlx::query("SELECT status, content FROM decision_drafts WHERE dossier_id = $1")
                        .bind(id)
                        .fetch_one(&mut *connection)
                        .await?;
                    if rows::text(&row, "status")? != DecisionStatus::Signed.as_str() {
                        return Ok(false);
                    }
                    let content: DecisionContent = rows::json(&row, "content")?;
                    let (Some(day), Some(outcome)) = (content.pronouncement_date(), content.outcome) else {
                        return Ok(false);
                    };
                    // The publication marks, as the registry keeps one: the
                    // first (B before R, L, C), N when none.
                    let publication = content.publication.iter().min().map_or("N", |p| p.as_str());
                    let input = super::decisions::DecisionInput {
                        decided_on: day.to_string(),
                        solution: outcome.solution().as_str().to_owned(),
                        formation: formation_code(content.formation).to_owned(),
                        publication: publication.to_owned(),
                        ecli: None,
                        number: None,
                    };
                    super::decisions::decide_in(connection, RENDERER, current, input).await?;
                    sqlx::query("UPDATE decision_drafts SET status = $1 WHERE dossier_id = $2")
                        .bind(DecisionStatus::Rendered.as_str())
                        .bind(id)
                        .execute(&mut *connection)
                        .await?;
                    Ok(true)
                })
                .await;
            match outcome {
                Ok((_, true)) => rendering.rendered.push(id),
                Ok((_, false)) | Err(Error::VersionMismatch { .. }) => {}
                Err(Error::Conflict(problem) | Error::Invalid(problem)) => {
                    rendering.refused.push((id, problem.message))
                }
                Err(error) => return Err(error),
            }
        }
        Ok(rendering)
    }
}

/// What a rendering pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendering {
    /// The dossiers whose decision was rendered.
    pub rendered: Vec<i64>,
    /// The dossiers whose decision the registry refused, and why.
    pub refused: Vec<(i64, String)>,
}

/// The journal's actor of a decision rendered on its pronouncement date.
pub const RENDERER: &str = "greffe (prononcé)";
