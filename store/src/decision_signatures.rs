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
use greffe_models::diff::TaskKind;
use greffe_models::registry::RegistryKind;
use greffe_models::signature::SealMark;
use greffe_models::signature::{self, DecisionSignature, SignatoryRole, SignedDecision};
use rand::TryRngCore;
use rand::rngs::OsRng;
use serde::Serialize;
use sha2::{Digest, Sha256};
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

/// What is signed: a dossier's decision, or its president's order — each
/// with its table of signatures and its journal entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Signed {
    /// The decision (`decision_signatures`).
    Decision,
    /// The president's order (`order_signatures`).
    Order,
}

impl Signed {
    /// The table of its signatures (a constant, never a value).
    fn table(self) -> &'static str {
        match self {
            Self::Decision => "decision_signatures",
            Self::Order => "order_signatures",
        }
    }

    /// The journal entry of a signature.
    fn signed_entry(self) -> RegistryKind {
        match self {
            Self::Decision => RegistryKind::DecisionSigned,
            Self::Order => RegistryKind::OrderSigned,
        }
    }
}

/// The signatures of dossier `id`'s decision, newest first.
pub(crate) async fn signatures_of(connection: &mut AnyConnection, id: i64) -> Result<Vec<SignatureLine>> {
    signature_lines(connection, Signed::Decision, id).await
}

/// The signatures of dossier `id`'s `signed` document, newest version
/// first.
pub(crate) async fn signature_lines(
    connection: &mut AnyConnection,
    signed: Signed,
    id: i64,
) -> Result<Vec<SignatureLine>> {
    let sql = format!(
        "SELECT version, role, signer, name, magistrate, public_key, signature, signed_at, void_reason
         FROM {} WHERE dossier_id = $1 ORDER BY version DESC, signed_at",
        signed.table()
    );
    let mut lines = Vec::new();
    for row in sqlx::query(&sql).bind(id).fetch_all(&mut *connection).await? {
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

/// Records `user`'s signature `given` (with his key's `seed`) of version
/// `version` of dossier `id`'s `signed` document, whose content hashes to
/// `sha256`, in `role`: journaled, then kept.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record_signature(
    connection: &mut AnyConnection,
    signed: Signed,
    user: &User,
    seed: &[u8; 32],
    id: i64,
    version: i64,
    sha256: &str,
    role: SignatoryRole,
    given: &str,
) -> Result<()> {
    let public_key = signature::public_key(seed);
    let entry = journal::append(
        &mut *connection,
        NewEntry::registry(
            &user.id,
            Some(id),
            signed.signed_entry(),
            serde_json::json!({"version": version, "sha256": sha256, "role": role.as_str(),
                               "public_key": public_key, "signature": given}),
        ),
    )
    .await?;
    let sql = format!(
        "INSERT INTO {} (dossier_id, version, role, signer, name, magistrate, public_key, signature, signed_at,
         journal_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        signed.table()
    );
    sqlx::query(&sql)
        .bind(id)
        .bind(version)
        .bind(role.as_str())
        .bind(&user.id)
        .bind(&user.name)
        .bind(user.magistrate.as_deref())
        .bind(&public_key)
        .bind(given)
        .bind(now())
        .bind(entry.seq)
        .execute(&mut *connection)
        .await?;
    Ok(())
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
    required_among(signature::required(content), version, lines)
}

/// The signatures `required` (role, who) of version `version`, each with
/// whether it is given among `lines`: a decision's, an order's.
pub(crate) fn required_among(
    required: impl IntoIterator<Item = (SignatoryRole, String)>,
    version: i64,
    lines: &[SignatureLine],
) -> Vec<RequiredSignature> {
    required
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
    for (role, who) in signature::required(content) {
        if signs_as(user, role, &who) && !roles.contains(&role) {
            roles.push(role);
        }
    }
    roles
}

/// Whether `user` is `who`, the signatory in `role`: a magistrate by his
/// id, the greffier by his name.
pub(crate) fn signs_as(user: &User, role: SignatoryRole, who: &str) -> bool {
    match role {
        SignatoryRole::Greffier => user.role == UserRole::Greffier && user.name.trim() == who.trim(),
        _ => user.magistrate.as_deref() == Some(who),
    }
}

/// Voids the signatures of dossier `id`'s decision before `version`,
/// saying why; journaled when there were any.
pub(crate) async fn void_before(connection: &mut AnyConnection, actor: &str, id: i64, version: i64) -> Result<()> {
    void_signatures(connection, Signed::Decision, actor, id, version).await
}

/// Voids the signatures of dossier `id`'s `signed` document before
/// `version`, saying why; journaled when there were any.
pub(crate) async fn void_signatures(
    connection: &mut AnyConnection,
    signed: Signed,
    actor: &str,
    id: i64,
    version: i64,
) -> Result<()> {
    let what = match signed {
        Signed::Decision => "",
        Signed::Order => " de l'ordonnance",
    };
    let reason = format!("version {version}{what} enregistrée par {actor} : le texte signé a changé");
    let sql = format!(
        "UPDATE {} SET void_reason = $1 WHERE dossier_id = $2 AND version < $3 AND void_reason IS NULL",
        signed.table()
    );
    let voided =
        sqlx::query(&sql).bind(&reason).bind(id).bind(version).execute(&mut *connection).await?.rows_affected();
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
pub(crate) async fn signing_seed(connection: &mut AnyConnection, user_id: &str) -> Result<[u8; 32]> {
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
        let current = workspace_in(&mut write.tx, &self.decision_rules, today, id).await?;
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
            record_signature(&mut write.tx, Signed::Decision, user, &seed, id, current.version, &sha256, role, &given)
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
        let signed = workspace_in(&mut write.tx, &self.decision_rules, today, id).await?;
        write.commit().await?;
        Ok(signed)
    }

    /// The signed decision of dossier `id`, for offline verification:
    /// refused until every signatory has signed.
    pub async fn signed_decision(&self, today: greffe_models::Date, id: i64) -> Result<SignedDecision> {
        let mut connection = self.pool().acquire().await?;
        let current = workspace_in(&mut connection, &self.decision_rules, today, id).await?;
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

/// The seal of a signed decision: its PDF kept by its hash, journaled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DecisionSeal {
    /// The version sealed.
    pub version: i64,
    /// The SHA-256 of the content signed.
    pub content_sha256: String,
    /// The SHA-256 of the sealed PDF (the file served and notified).
    pub pdf_sha256: String,
    /// When (UTC).
    pub sealed_at: String,
}

/// The seal of version `version` of dossier `id`'s decision, if sealed.
pub(crate) async fn seal_of(connection: &mut AnyConnection, id: i64, version: i64) -> Result<Option<DecisionSeal>> {
    let row = sqlx::query(
        "SELECT version, content_sha256, pdf_sha256, sealed_at FROM decision_seals WHERE dossier_id = $1 AND version = $2",
    )
    .bind(id)
    .bind(version)
    .fetch_optional(&mut *connection)
    .await?;
    row.map(|row| {
        Ok(DecisionSeal {
            version: rows::int(&row, "version")?,
            content_sha256: rows::text(&row, "content_sha256")?,
            pdf_sha256: rows::text(&row, "pdf_sha256")?,
            sealed_at: rows::text(&row, "sealed_at")?,
        })
    })
    .transpose()
}

impl Store {
    /// The dossiers whose decision is signed by all and not yet sealed (the
    /// service stopped, or the PDF could not be made, between the last
    /// signature and the seal): the worker seals them.
    pub async fn unsealed_decisions(&self) -> Result<Vec<i64>> {
        sqlx::query(
            "SELECT d.dossier_id FROM decision_drafts d WHERE d.status = 'signed' AND NOT EXISTS
             (SELECT 1 FROM decision_seals s WHERE s.dossier_id = d.dossier_id AND s.version = d.version)
             ORDER BY d.dossier_id",
        )
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|row| rows::int(row, "dossier_id"))
        .collect()
    }

    /// Seals version `version` of dossier `id`'s decision, signed by all:
    /// `made` is its PDF, made with [`SealMark::placeholder`] in its
    /// keywords; the greffe's key ([`signature::SEAL_SIGNER`], created at
    /// first use) writes the seal in it; the file is kept by its SHA-256
    /// and the hash journaled (`decision_sealed`). A version already sealed
    /// keeps its seal (returned as it is); a decision not signed by all, or
    /// since changed, is refused.
    pub async fn seal_decision(&self, id: i64, version: i64, made: &[u8]) -> Result<DecisionSeal> {
        let mut write = self.write().await?;
        if let Some(seal) = seal_of(&mut write.tx, id, version).await? {
            return Ok(seal);
        }
        let row = sqlx::query(
            "SELECT d.status, d.version, v.sha256 FROM decision_drafts d
             JOIN decision_versions v ON v.dossier_id = d.dossier_id AND v.version = d.version WHERE d.dossier_id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *write.tx)
        .await?
        .ok_or_else(|| Error::not_found(format!("décision du dossier {id}")))?;
        if rows::text(&row, "status")? != DecisionStatus::Signed.as_str() || rows::int(&row, "version")? != version {
            return Err(Error::conflict(
                ErrorCode::ForbiddenTransition,
                format!("la version {version} de la décision n'est pas signée par tous ses signataires"),
                "sceller la version que tous ont signée",
            ));
        }
        let mark = SealMark { dossier_id: id, version, sha256: rows::text(&row, "sha256")? };
        let seed = signing_seed(&mut write.tx, signature::SEAL_SIGNER).await?;
        let sealed = signature::seal_pdf(&seed, &mark, made).map_err(Error::internal)?;
        let pdf_sha256 = signature::hex(&Sha256::digest(&sealed));
        self.blobs.put(&mut write.tx, &pdf_sha256, &sealed).await?;
        let entry = journal::append(
            &mut write.tx,
            NewEntry::registry(
                signature::SEAL_SIGNER,
                Some(id),
                RegistryKind::DecisionSealed,
                serde_json::json!({"version": version, "sha256": mark.sha256, "pdf_sha256": pdf_sha256,
                                   "public_key": signature::public_key(&seed)}),
            ),
        )
        .await?;
        let seal = DecisionSeal { version, content_sha256: mark.sha256, pdf_sha256, sealed_at: now() };
        sqlx::query(
            "INSERT INTO decision_seals (dossier_id, version, content_sha256, pdf_sha256, sealed_at, journal_seq)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(version)
        .bind(&seal.content_sha256)
        .bind(&seal.pdf_sha256)
        .bind(&seal.sealed_at)
        .bind(entry.seq)
        .execute(&mut *write.tx)
        .await?;
        write.commit().await?;
        Ok(seal)
    }

    /// The sealed PDF of dossier `id`'s decision and its seal; refused
    /// until sealed.
    pub async fn sealed_decision_pdf(&self, id: i64) -> Result<(DecisionSeal, Vec<u8>)> {
        let mut connection = self.pool().acquire().await?;
        let version: Option<i64> = sqlx::query_scalar("SELECT version FROM decision_drafts WHERE dossier_id = $1")
            .bind(id)
            .fetch_optional(&mut *connection)
            .await?;
        let seal = match version {
            Some(version) => seal_of(&mut connection, id, version).await?,
            None => None,
        };
        let Some(seal) = seal else {
            return Err(Error::conflict(
                ErrorCode::ForbiddenTransition,
                "l'arrêt n'est pas encore scellé : toutes les signatures ne sont pas données",
                "attendre la dernière signature ; l'arrêt est scellé aussitôt",
            ));
        };
        let bytes = self
            .blobs
            .get(self.pool(), &seal.pdf_sha256)
            .await?
            .ok_or_else(|| Error::internal(format!("arrêt scellé {} absent du magasin", seal.pdf_sha256)))?;
        Ok((seal, bytes))
    }
}

/// A decision in which a user has a part, and where it stands for him: the
/// magistrate's « mes dossiers ».
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DecisionDue {
    /// Dossier id.
    pub dossier_id: i64,
    /// Pourvoi number.
    pub pourvoi: String,
    /// The hearing.
    pub hearing_id: String,
    /// Its date.
    pub hearing_date: String,
    /// Its chamber.
    pub chamber: String,
    /// Where the decision stands.
    #[schema(value_type = String, example = "awaiting_signatures")]
    pub status: DecisionStatus,
    /// French label of `status`.
    pub status_label: String,
    /// The capacities in which the user signs it; empty for a member of
    /// the formation who does not sign.
    #[schema(value_type = Vec<String>)]
    pub roles: Vec<SignatoryRole>,
    /// The current version (0: nothing saved yet).
    pub version: i64,
    /// The user has given every signature he owes on the current version.
    pub signed: bool,
    /// The pronouncement date, once set.
    pub pronouncement: Option<String>,
}

/// A decision due, from a row that names its dossier, pourvoi and hearing.
fn due_of(
    row: &sqlx::any::AnyRow,
    status: DecisionStatus,
    roles: Vec<SignatoryRole>,
    version: i64,
    signed: bool,
    pronouncement: Option<String>,
) -> Result<DecisionDue> {
    Ok(DecisionDue {
        dossier_id: rows::int(row, "dossier_id")?,
        pourvoi: rows::text(row, "pourvoi")?,
        hearing_id: rows::text(row, "hearing_id")?,
        hearing_date: rows::text(row, "date")?,
        chamber: rows::text(row, "chamber")?,
        status,
        status_label: status.label_fr().to_owned(),
        roles,
        version,
        signed,
        pronouncement,
    })
}

impl Store {
    /// The decisions not yet rendered in which `user` has a part, oldest
    /// hearing first: for a magistrate, the dossiers of every held hearing
    /// whose published bench he sat on, and every decision whose text
    /// names him (a same-day replacement, a prevented signatory's
    /// substitute); for a greffier, the decisions that name him. Each with
    /// the capacities he signs in and whether he has signed.
    pub async fn decisions_due(&self, today: greffe_models::Date, user: &User) -> Result<Vec<DecisionDue>> {
        let mut connection = self.pool().acquire().await?;
        let mut found: BTreeMap<i64, DecisionDue> = BTreeMap::new();
        let day = today.to_string();
        if let Some(magistrate) = user.magistrate.as_deref() {
            for row in sqlx::query(
                "SELECT r.dossier_id, d.pourvoi, h.id AS hearing_id, h.date, h.chamber, b.presides,
                        (SELECT COUNT(*) FROM dossier_rapporteurs x
                         WHERE x.dossier_id = r.dossier_id AND x.magistrate = $1) AS rapporteur
                 FROM hearing_roll r
                 JOIN hearings h ON h.id = r.hearing_id
                 JOIN hearing_bench b ON b.hearing_id = r.hearing_id AND b.magistrate = $1
                 JOIN dossiers d ON d.id = r.dossier_id
                 WHERE h.date <= $2
                   AND NOT EXISTS (SELECT 1 FROM decision_drafts dd WHERE dd.dossier_id = r.dossier_id)
                 ORDER BY h.date, r.position",
            )
            .bind(magistrate)
            .bind(&day)
            .fetch_all(&mut *connection)
            .await?
            {
                let mut roles = Vec::new();
                if rows::int(&row, "presides")? != 0 {
                    roles.push(SignatoryRole::President);
                }
                if rows::int(&row, "rapporteur")? > 0 {
                    roles.push(SignatoryRole::Rapporteur);
                }
                let due = due_of(&row, DecisionStatus::ToDraft, roles, 0, false, None)?;
                found.insert(due.dossier_id, due);
            }
        }
        // Saved decisions: read through their text (who sits, who signs).
        let needle = match user.magistrate.as_deref() {
            Some(magistrate) => format!("%\"{magistrate}\"%"),
            None => format!("%\"{}\"%", user.name.trim()),
        };
        for row in sqlx::query(
            "SELECT dd.dossier_id, dd.status, dd.content, dd.version, d.pourvoi, h.id AS hearing_id, h.date, h.chamber
             FROM decision_drafts dd JOIN dossiers d ON d.id = dd.dossier_id JOIN hearings h ON h.id = dd.hearing_id
             WHERE dd.status <> 'rendered' AND dd.content LIKE $1 ORDER BY h.date, dd.dossier_id",
        )
        .bind(&needle)
        .fetch_all(&mut *connection)
        .await?
        {
            let content: DecisionContent = rows::json(&row, "content")?;
            let sits = user.magistrate.as_ref().is_some_and(|m| content.members.contains(m));
            let roles = roles_of(user, &content);
            if !sits && roles.is_empty() {
                continue;
            }
            let dossier_id = rows::int(&row, "dossier_id")?;
            let version = rows::int(&row, "version")?;
            let code = rows::text(&row, "status")?;
            let status =
                DecisionStatus::parse(&code).ok_or_else(|| Error::internal(format!("decision status {code}")))?;
            let lines = signatures_of(&mut connection, dossier_id).await?;
            let signed = !roles.is_empty() && roles.iter().all(|role| has_signed(&lines, version, *role, &user.id));
            let due = due_of(&row, status, roles, version, signed, content.pronouncement.clone())?;
            found.insert(dossier_id, due);
        }
        let mut due: Vec<DecisionDue> = found.into_values().collect();
        due.sort_by(|a, b| (&a.hearing_date, a.dossier_id).cmp(&(&b.hearing_date, b.dossier_id)));
        Ok(due)
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
    /// deadlines), the dossier decided, the decision `rendered`, and its
    /// notification to the parties queued in the outbox — the sealed PDF,
    /// to each lawyer's office or as a letter — in that same transaction.
    /// A decision signed but not yet sealed waits for its seal. Returns
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
                    let row = sqlx::query("SELECT status, version, content FROM decision_drafts WHERE dossier_id = $1")
                        .bind(id)
                        .fetch_one(&mut *connection)
                        .await?;
                    if rows::text(&row, "status")? != DecisionStatus::Signed.as_str() {
                        return Ok(false);
                    }
                    let Some(seal) = seal_of(connection, id, rows::int(&row, "version")?).await? else {
                        return Ok(false);
                    };
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
                    queue_notification(connection, id, &content, day, &seal).await?;
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

/// Queues, within the rendering's transaction, the notification of the
/// decision rendered on `day` to the parties: a notice task
/// (`decision_notice`, due that day, under the plan that published the
/// hearing) and its outbox rows, each carrying the sealed PDF (its hash
/// fixed at once: every attempt sends those very bytes).
async fn queue_notification(
    connection: &mut AnyConnection,
    id: i64,
    content: &DecisionContent,
    day: greffe_models::Date,
    seal: &DecisionSeal,
) -> Result<()> {
    let plan = sqlx::query(
        "SELECT p.id, p.chamber FROM hearing_bench b JOIN plans p ON p.id = b.plan_id WHERE b.hearing_id = $1 LIMIT 1",
    )
    .bind(&content.hearing)
    .fetch_optional(&mut *connection)
    .await?
    .ok_or_else(|| {
        Error::internal(format!("dossier {id}: hearing {} has no published bench to notify under", content.hearing))
    })?;
    let (plan_id, chamber) = (rows::int(&plan, "id")?, rows::text(&plan, "chamber")?);
    let label = format!("Notifier aux parties l'arrêt rendu le {}", day.format("%d/%m/%Y"));
    let due = day.to_string();
    let notice = crate::outbox::NewNotice {
        kind: TaskKind::DecisionNotice,
        dossier_id: id,
        chamber: &chamber,
        plan_id: Some(plan_id),
        hearing_id: Some(&content.hearing),
        due: Some(&due),
        label: &label,
        late_reason: None,
        document_sha256: Some(&seal.pdf_sha256),
    };
    crate::outbox::queue_notice(connection, notice, &now()).await?;
    Ok(())
}
