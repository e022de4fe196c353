//! Users and their API tokens. A token is shown once, at creation; only its
//! SHA-256 is stored.

use greffe_models::registry::RegistryKind;
use rand::TryRngCore;
use rand::rngs::OsRng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Row;
use utoipa::ToSchema;

use super::journal::{self, NewEntry, hex};
use super::{Store, rows};
use crate::error::{Error, ErrorCode, Result};

pub use greffe_models::access::UserRole;

/// A user of the service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct User {
    /// Login.
    pub id: String,
    /// Full name.
    pub name: String,
    /// Role.
    pub role: UserRole,
    /// Chambers the user works in; `["*"]` for all.
    pub chambers: Vec<String>,
    /// The magistrate this user is (for `magistrat` and `president_chambre`).
    pub magistrate: Option<String>,
}

impl User {
    /// A user from a row with the columns `id, name, role, chambers,
    /// magistrate`.
    pub(crate) fn of_row(row: &sqlx::any::AnyRow) -> Result<Self> {
        Ok(Self {
            id: rows::text(row, "id")?,
            name: rows::text(row, "name")?,
            role: rows::parsed(row, "role", UserRole::parse)?,
            chambers: rows::json(row, "chambers")?,
            magistrate: rows::opt_text(row, "magistrate")?,
        })
    }

    /// Whether the user's scope includes `chamber`.
    pub fn covers(&self, chamber: &str) -> bool {
        self.chambers.iter().any(|c| c == "*" || c == chamber)
    }

    /// Whether the user's scope is every chamber.
    pub fn covers_all(&self) -> bool {
        self.chambers.iter().any(|c| c == "*")
    }
}

/// A new user, as asked.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// Login (letters, digits, `.`, `-`, `_`).
    pub id: String,
    /// Full name.
    pub name: String,
    /// Role.
    pub role: UserRole,
    /// Chambers (`["*"]` for all).
    pub chambers: Vec<String>,
    /// The magistrate this user is.
    #[serde(default)]
    pub magistrate: Option<String>,
}

/// A user and the token just created for him (shown once).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Credentials {
    /// The user.
    pub user: User,
    /// The API token: keep it, it is not stored and cannot be shown again.
    pub token: String,
}

/// A token as listed (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TokenInfo {
    /// The token's id: the first 16 hexadecimal digits of its SHA-256.
    pub id: String,
    /// What the token is for.
    pub label: Option<String>,
    /// When it was issued (UTC).
    pub created_at: String,
    /// Its last day of validity (Paris time), if any.
    #[schema(format = Date)]
    pub expires_on: Option<String>,
    /// Its last use, to the hour (UTC).
    pub last_used_at: Option<String>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
}

const TOKEN_COLUMNS: &str = "hash, label, created_at, expires_on, last_used_at, revoked_at";

impl TokenInfo {
    fn of_row(row: &sqlx::any::AnyRow) -> Result<Self> {
        let hash = rows::text(row, "hash")?;
        Ok(Self {
            id: hash.get(..16).unwrap_or(&hash).to_owned(),
            label: rows::opt_text(row, "label")?,
            created_at: rows::text(row, "created_at")?,
            expires_on: rows::opt_text(row, "expires_on")?,
            last_used_at: rows::opt_text(row, "last_used_at")?,
            revoked_at: rows::opt_text(row, "revoked_at")?,
        })
    }
}

async fn token_info(tx: &mut sqlx::Transaction<'static, sqlx::Any>, hash: &str) -> Result<TokenInfo> {
    let row = sqlx::query(&format!("SELECT {TOKEN_COLUMNS} FROM tokens WHERE hash = $1"))
        .bind(hash)
        .fetch_one(&mut **tx)
        .await?;
    TokenInfo::of_row(&row)
}

/// A token asked for.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// What the token is for (one line, at most 100 characters).
    pub label: String,
    /// Its last day of validity (YYYY-MM-DD, Paris time); none: until revoked.
    #[serde(default)]
    #[schema(format = Date)]
    pub expires_on: Option<String>,
}

/// A token just issued: shown once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IssuedToken {
    /// The token: keep it, it is not stored and cannot be shown again.
    pub token: String,
    /// The token as it will be listed.
    pub info: TokenInfo,
}

/// Whether the user `id` exists.
async fn user_exists(connection: &mut sqlx::AnyConnection, id: &str) -> Result<bool> {
    Ok(sqlx::query("SELECT id FROM users WHERE id = $1").bind(id).fetch_optional(connection).await?.is_some())
}

/// Journals a change of accounts (a user created, enabled or disabled, a
/// token issued or revoked) as a change of reference data.
async fn journal_account(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    actor: &str,
    payload: serde_json::Value,
) -> Result<()> {
    journal::append(tx, NewEntry::registry(actor, None, RegistryKind::ReferenceChanged, payload)).await?;
    Ok(())
}

/// SHA-256 of a token, as stored.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn new_token() -> Result<String> {
    let mut bytes = [0_u8; 24];
    OsRng.try_fill_bytes(&mut bytes).map_err(Error::internal)?;
    Ok(format!("grf_{}", hex(&bytes)))
}

/// The longest label of a token, in characters.
pub const TOKEN_LABEL_MAX: usize = 100;

fn check_new_user(user: &NewUser) -> Result<()> {
    if !greffe_models::forms::is_user_id(&user.id) {
        return Err(Error::invalid(
            "id",
            format!("identifiant « {} » invalide", user.id),
            "1 à 64 caractères parmi lettres, chiffres, « . », « - », « _ »",
        ));
    }
    if user.name.trim().is_empty() {
        return Err(Error::invalid("name", "le nom est vide", "donner le nom complet de l'utilisateur"));
    }
    if user.chambers.is_empty() {
        return Err(Error::invalid(
            "chambers",
            "aucune chambre indiquée",
            "donner les chambres de l'utilisateur, ou [\"*\"] pour toutes",
        ));
    }
    Ok(())
}

impl Store {
    /// Creates a user and a first token. `actor` is journaled.
    pub async fn create_user(&self, actor: &str, user: NewUser) -> Result<Credentials> {
        check_new_user(&user)?;
        let mut write = self.write().await?;
        for (index, chamber) in user.chambers.iter().enumerate() {
            if chamber != "*" && !super::reference::chamber_exists(&mut write.tx, chamber).await? {
                return Err(Error::bad_reference(
                    format!("chambers[{index}]"),
                    format!("chambre « {chamber} » inconnue"),
                    "créer la chambre d'abord, ou corriger son code",
                ));
            }
        }
        if user_exists(&mut write.tx, &user.id).await? {
            return Err(Error::conflict(
                ErrorCode::AlreadyExists,
                format!("l'utilisateur « {} » existe déjà", user.id),
                "choisir un autre identifiant",
            )
            .field("id"));
        }
        let chambers = serde_json::to_string(&user.chambers).map_err(Error::internal)?;
        sqlx::query(
            "INSERT INTO users (id, name, role, chambers, magistrate, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&user.id)
        .bind(&user.name)
        .bind(user.role.as_str())
        .bind(&chambers)
        .bind(&user.magistrate)
        .bind(super::now())
        .execute(&mut *write.tx)
        .await?;
        let token = new_token()?;
        sqlx::query("INSERT INTO tokens (hash, user_id, label, created_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash(&token))
            .bind(&user.id)
            .bind("initial")
            .bind(super::now())
            .execute(&mut *write.tx)
            .await?;
        journal_account(
            &mut write.tx,
            actor,
            serde_json::json!({"user_created": user.id, "role": user.role.as_str(), "chambers": user.chambers}),
        )
        .await?;
        write.commit().await?;
        let created = User {
            id: user.id,
            name: user.name,
            role: user.role,
            chambers: user.chambers,
            magistrate: user.magistrate,
        };
        Ok(Credentials { user: created, token })
    }

    /// The active user holding `token`, if any: a token revoked, past its
    /// last day (Paris time) or of a disabled user holds none. Records the
    /// token's use, at most once an hour.
    pub async fn user_by_token(&self, token: &str) -> Result<Option<User>> {
        let hash = token_hash(token);
        let now = chrono::Utc::now();
        let today = greffe_models::dates::paris_date(now).to_string();
        let row = sqlx::query(
            "SELECT u.id, u.name, u.role, u.chambers, u.magistrate, t.last_used_at
             FROM tokens t JOIN users u ON u.id = t.user_id
             WHERE t.hash = $1 AND t.revoked_at IS NULL AND (t.expires_on IS NULL OR t.expires_on >= $2)
               AND u.active = 1",
        )
        .bind(&hash)
        .bind(&today)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let now = super::instant(now);
        // "YYYY-MM-DDTHH": the hour of the instant.
        let hour = |instant: &str| instant.get(..13).map(str::to_owned);
        if rows::opt_text(&row, "last_used_at")?.as_deref().and_then(hour) != hour(&now) {
            self.write_alone(sqlx::query("UPDATE tokens SET last_used_at = $1 WHERE hash = $2").bind(&now).bind(&hash))
                .await?;
        }
        Ok(Some(User::of_row(&row)?))
    }

    /// The tokens of `user_id`, newest first (404 for an unknown user).
    pub async fn user_tokens(&self, user_id: &str) -> Result<Vec<TokenInfo>> {
        let exists =
            sqlx::query("SELECT id FROM users WHERE id = $1").bind(user_id).fetch_optional(self.pool()).await?;
        if exists.is_none() {
            return Err(Error::not_found(format!("utilisateur « {user_id} »")));
        }
        let rows =
            sqlx::query(&format!("SELECT {TOKEN_COLUMNS} FROM tokens WHERE user_id = $1 ORDER BY created_at DESC"))
                .bind(user_id)
                .fetch_all(self.pool())
                .await?;
        rows.iter().map(TokenInfo::of_row).collect()
    }

    /// Issues a new token to `user_id` (shown once), valid through
    /// `expires_on` when given.
    pub async fn issue_token(&self, actor: &str, user_id: &str, request: TokenRequest) -> Result<IssuedToken> {
        let label = request.label.trim();
        if label.is_empty()
            || request.label.chars().count() > TOKEN_LABEL_MAX
            || greffe_models::text::refused_char(label, false).is_some()
        {
            return Err(Error::invalid(
                "label",
                "libellé vide, trop long ou illisible",
                format!("donner un libellé d'une ligne ({TOKEN_LABEL_MAX} caractères au plus)"),
            ));
        }
        let expires_on = match &request.expires_on {
            None => None,
            Some(raw) => {
                let day = greffe_models::dates::parse_date(raw)
                    .map_err(|error| Error::invalid("expires_on", error.to_string(), error.fix()))?;
                if day < greffe_models::dates::paris_date(chrono::Utc::now()) {
                    return Err(Error::invalid(
                        "expires_on",
                        format!("le {day} est passé"),
                        "donner aujourd'hui ou un jour à venir",
                    ));
                }
                Some(day.to_string())
            }
        };
        let mut write = self.write().await?;
        let exists =
            sqlx::query("SELECT id FROM users WHERE id = $1").bind(user_id).fetch_optional(&mut *write.tx).await?;
        if exists.is_none() {
            return Err(Error::not_found(format!("utilisateur « {user_id} »")));
        }
        let token = new_token()?;
        let hash = token_hash(&token);
        sqlx::query("INSERT INTO tokens (hash, user_id, label, created_at, expires_on) VALUES ($1, $2, $3, $4, $5)")
            .bind(&hash)
            .bind(user_id)
            .bind(label)
            .bind(super::now())
            .bind(&expires_on)
            .execute(&mut *write.tx)
            .await?;
        let info = token_info(&mut write.tx, &hash).await?;
        journal_account(
            &mut write.tx,
            actor,
            serde_json::json!({"token_issued": info.id, "user": user_id, "label": label, "expires_on": expires_on}),
        )
        .await?;
        write.commit().await?;
        Ok(IssuedToken { token, info })
    }

    /// Revokes the token `token_id` of `user_id`: refused at once from then
    /// on. Revoking a revoked token changes nothing.
    pub async fn revoke_token(&self, actor: &str, user_id: &str, token_id: &str) -> Result<TokenInfo> {
        let mut write = self.write().await?;
        let row = sqlx::query("SELECT hash FROM tokens WHERE user_id = $1 AND substr(hash, 1, 16) = $2")
            .bind(user_id)
            .bind(token_id)
            .fetch_optional(&mut *write.tx)
            .await?;
        let Some(row) = row else {
            return Err(Error::not_found(format!("jeton « {token_id} » de l'utilisateur « {user_id} »")));
        };
        let hash = rows::text(&row, "hash")?;
        let revoked = sqlx::query("UPDATE tokens SET revoked_at = $1 WHERE hash = $2 AND revoked_at IS NULL")
            .bind(super::now())
            .bind(&hash)
            .execute(&mut *write.tx)
            .await?
            .rows_affected();
        if revoked > 0 {
            journal_account(&mut write.tx, actor, serde_json::json!({"token_revoked": token_id, "user": user_id}))
                .await?;
        }
        let info = token_info(&mut write.tx, &hash).await?;
        write.commit().await?;
        Ok(info)
    }

    /// Disables (or enables again) `user_id`: a disabled user's tokens and
    /// password are refused and his sessions end at once.
    pub async fn set_user_active(&self, actor: &str, user_id: &str, active: bool) -> Result<()> {
        let mut write = self.write().await?;
        let changed = sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
            .bind(i64::from(active))
            .bind(user_id)
            .execute(&mut *write.tx)
            .await?
            .rows_affected();
        if changed == 0 {
            return Err(Error::not_found(format!("utilisateur « {user_id} »")));
        }
        if !active {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *write.tx).await?;
        }
        journal_account(&mut write.tx, actor, serde_json::json!({"user": user_id, "active": active})).await?;
        write.commit().await
    }

    /// Every user.
    pub async fn users(&self) -> Result<Vec<User>> {
        let rows = sqlx::query("SELECT id, name, role, chambers, magistrate FROM users ORDER BY id")
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(User::of_row).collect()
    }

    /// The active user `id`, if there is one (what a command of the
    /// command line acting on someone's behalf checks).
    pub async fn active_user(&self, id: &str) -> Result<Option<User>> {
        let row = sqlx::query("SELECT id, name, role, chambers, magistrate FROM users WHERE id = $1 AND active = 1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(User::of_row).transpose()
    }

    /// Whether any user exists (a new store has none).
    pub async fn has_users(&self) -> Result<bool> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM users").fetch_one(self.pool()).await?;
        Ok(row.try_get::<i64, _>("n")? > 0)
    }
}
