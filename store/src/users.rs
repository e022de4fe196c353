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

/// SHA-256 of a token, as stored.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn new_token() -> Result<String> {
    let mut bytes = [0_u8; 24];
    OsRng.try_fill_bytes(&mut bytes).map_err(Error::internal)?;
    Ok(format!("grf_{}", hex(&bytes)))
}

fn check_new_user(user: &NewUser) -> Result<()> {
    let id_ok = !user.id.is_empty()
        && user.id.len() <= 64
        && user.id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if !id_ok {
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
                return Err(Error::invalid(
                    format!("chambers[{index}]"),
                    format!("chambre « {chamber} » inconnue"),
                    "créer la chambre d'abord, ou corriger son code",
                ));
            }
        }
        let exists =
            sqlx::query("SELECT id FROM users WHERE id = $1").bind(&user.id).fetch_optional(&mut *write.tx).await?;
        if exists.is_some() {
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
        journal::append(
            &mut write.tx,
            NewEntry::registry(
                actor,
                None,
                RegistryKind::ReferenceChanged,
                serde_json::json!({"user_created": user.id, "role": user.role.as_str(), "chambers": user.chambers}),
            ),
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

    /// The active user holding `token`, if any.
    pub async fn user_by_token(&self, token: &str) -> Result<Option<User>> {
        let row = sqlx::query(
            "SELECT u.id, u.name, u.role, u.chambers, u.magistrate FROM tokens t JOIN users u ON u.id = t.user_id
             WHERE t.hash = $1 AND t.revoked_at IS NULL AND u.active = 1",
        )
        .bind(token_hash(token))
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(User::of_row(&row)?))
    }

    /// Every user.
    pub async fn users(&self) -> Result<Vec<User>> {
        let rows = sqlx::query("SELECT id, name, role, chambers, magistrate FROM users ORDER BY id")
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(User::of_row).collect()
    }

    /// Whether any user exists (a new store has none).
    pub async fn has_users(&self) -> Result<bool> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM users").fetch_one(self.pool()).await?;
        Ok(row.try_get::<i64, _>("n")? > 0)
    }
}
