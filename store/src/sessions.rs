//! Portal sign-in: passwords hashed with argon2id, sessions whose cookie
//! value is never stored (only its SHA-256), an absolute lifetime and an
//! idle timeout, and repeated failures slowed (a refusal without even
//! checking the password once an account has failed too often lately) and
//! journaled. API tokens are apart (`users`): a session never opens the API.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use greffe_models::registry::RegistryKind;
use rand::TryRngCore;
use rand::rngs::OsRng;
use sqlx::Row;

use super::journal::{self, NewEntry, hex};
use super::users::{User, token_hash};
use super::{Store, rows};
use crate::error::{Error, Result};

/// A session ends this long after sign-in, whatever its use.
pub const LIFETIME_HOURS: i64 = 12;
/// A session unused this long ends.
pub const IDLE_MINUTES: i64 = 30;
/// Failed sign-ins of one account within [`FAILURE_WINDOW_MINUTES`] after
/// which further attempts are refused until the window slides.
pub const MAX_FAILURES: i64 = 5;
/// The window over which failures are counted.
pub const FAILURE_WINDOW_MINUTES: i64 = 15;
/// The shortest password accepted (ANSSI's recommendation for a password
/// guarded by throttling: 12 characters or more).
pub const MIN_PASSWORD_CHARS: usize = 12;

/// A signed-in user's session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Who.
    pub user: User,
    /// The token every form of this session carries (CSRF).
    pub csrf: String,
    /// When it ends at the latest (stored instant).
    pub expires_at: String,
}

/// The outcome of a sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignIn {
    /// Signed in: the cookie's value (shown once) and the session.
    Granted {
        /// The session cookie's value.
        token: String,
        /// The session.
        session: Session,
    },
    /// Unknown user, no password set, inactive account or wrong password:
    /// the visitor is not told which.
    Refused,
    /// Too many failures lately: refused without checking.
    Throttled {
        /// Minutes before the next attempt can succeed.
        retry_after_minutes: i64,
    },
}

/// A random secret of `bytes` bytes, as hex (session tokens, CSRF tokens).
pub fn random_hex(bytes: usize) -> Result<String> {
    let mut buffer = vec![0_u8; bytes];
    OsRng.try_fill_bytes(&mut buffer).map_err(Error::internal)?;
    Ok(hex(&buffer))
}

fn minutes_ago(minutes: i64) -> String {
    super::instant(chrono::Utc::now() - chrono::Duration::minutes(minutes))
}

/// Hashes `password` with argon2id and a random salt (PHC string).
fn hash_password(password: &str) -> Result<String> {
    Argon2::default().hash_password(password.as_bytes()).map(|hash| hash.to_string()).map_err(Error::internal)
}

/// Whether `password` matches the PHC string `stored`.
fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok())
}

/// A hash to check against when the account has none, so that an unknown
/// user takes as long to refuse as a wrong password.
const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$0Zr2JbFXrFuyB2hFJ0aKBkk6mE0nyXyq7vW7bVq3gyQ";

impl Store {
    /// Sets the portal password of `user_id` (argon2id). Journaled, without
    /// the password.
    pub async fn set_password(&self, actor: &str, user_id: &str, password: &str) -> Result<()> {
        if password.chars().count() < MIN_PASSWORD_CHARS {
            return Err(Error::invalid(
                "password",
                format!("mot de passe trop court (au moins {MIN_PASSWORD_CHARS} caractères)"),
                "choisir une phrase de passe plus longue",
            ));
        }
        let owned = password.to_owned();
        let hash = tokio::task::spawn_blocking(move || hash_password(&owned)).await.map_err(Error::internal)??;
        let mut write = self.write().await?;
        let updated = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(&hash)
            .bind(user_id)
            .execute(&mut *write.tx)
            .await?;
        if updated.rows_affected() == 0 {
            return Err(Error::not_found(format!("utilisateur « {user_id} »")).field("id"));
        }
        // A new password ends the sessions opened with the old one.
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *write.tx).await?;
        journal::append(
            &mut write.tx,
            NewEntry::registry(
                actor.to_owned(),
                None,
                RegistryKind::Access,
                serde_json::json!({"password_set": user_id}),
            ),
        )
        .await?;
        write.commit().await
    }

    /// Checks `password` for `user_id` and opens a session when it matches.
    /// A refusal is recorded (and journaled) before it is answered.
    pub async fn sign_in(&self, user_id: &str, password: &str) -> Result<SignIn> {
        let failures: i64 = sqlx::query(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM sign_in_failures WHERE user_id = $1 AND failed_at > $2",
        )
        .bind(user_id)
        .bind(minutes_ago(FAILURE_WINDOW_MINUTES))
        .fetch_one(self.pool())
        .await?
        .try_get("n")?;
        if failures >= MAX_FAILURES {
            self.record_failure(user_id, "throttled").await?;
            return Ok(SignIn::Throttled { retry_after_minutes: FAILURE_WINDOW_MINUTES });
        }
        let row = sqlx::query(
            "SELECT id, name, role, chambers, magistrate, password_hash FROM users WHERE id = $1 AND active = 1",
        )
        .bind(user_id)
        .fetch_optional(self.pool())
        .await?;
        let stored = match &row {
            Some(row) => rows::opt_text(row, "password_hash")?,
            None => None,
        };
        let matches = {
            let password = password.to_owned();
            let known = stored.is_some();
            let hash = stored.unwrap_or_else(|| DECOY_HASH.to_owned());
            tokio::task::spawn_blocking(move || verify_password(&password, &hash) && known)
                .await
                .map_err(Error::internal)?
        };
        let Some(row) = row.filter(|_| matches) else {
            self.record_failure(user_id, "refused").await?;
            return Ok(SignIn::Refused);
        };
        let user = User::of_row(&row)?;
        let token = random_hex(32)?;
        let csrf = random_hex(32)?;
        let now = super::now();
        let expires_at = super::instant(chrono::Utc::now() + chrono::Duration::hours(LIFETIME_HOURS));
        // Through the store's write path, serialised with the other writes
        // (on SQLite, a write beside it would break its snapshot).
        let mut write = self.write().await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen, expires_at)
             VALUES ($1, $2, $3, $4, $4, $5)",
        )
        .bind(token_hash(&token))
        .bind(&user.id)
        .bind(&csrf)
        .bind(&now)
        .bind(&expires_at)
        .execute(&mut *write.tx)
        .await?;
        sqlx::query("DELETE FROM sign_in_failures WHERE user_id = $1").bind(&user.id).execute(&mut *write.tx).await?;
        write.commit().await?;
        Ok(SignIn::Granted { token, session: Session { user, csrf, expires_at } })
    }

    async fn record_failure(&self, user_id: &str, outcome: &str) -> Result<()> {
        let mut write = self.write().await?;
        sqlx::query("INSERT INTO sign_in_failures (user_id, failed_at) VALUES ($1, $2)")
            .bind(user_id)
            .bind(super::now())
            .execute(&mut *write.tx)
            .await?;
        journal::append(
            &mut write.tx,
            NewEntry::registry(
                "portail".to_owned(),
                None,
                RegistryKind::Access,
                serde_json::json!({"sign_in": outcome, "user": user_id}),
            ),
        )
        .await?;
        write.commit().await
    }

    /// The live session of the cookie value `token`: not past its lifetime,
    /// used within the idle timeout, of an active user. Marks it used.
    pub async fn session(&self, token: &str) -> Result<Option<Session>> {
        let hash = token_hash(token);
        let row = sqlx::query(
            "SELECT u.id, u.name, u.role, u.chambers, u.magistrate, s.csrf, s.expires_at, s.last_seen
             FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen > $3 AND u.active = 1",
        )
        .bind(&hash)
        .bind(super::now())
        .bind(minutes_ago(IDLE_MINUTES))
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        // The last use, at most once a minute (the idle timeout counts in
        // tens of minutes): a page view rarely costs a write.
        if rows::text(&row, "last_seen")? < minutes_ago(1) {
            self.write_alone(
                sqlx::query("UPDATE sessions SET last_seen = $1 WHERE token_hash = $2").bind(super::now()).bind(&hash),
            )
            .await?;
        }
        Ok(Some(Session {
            user: User::of_row(&row)?,
            csrf: rows::text(&row, "csrf")?,
            expires_at: rows::text(&row, "expires_at")?,
        }))
    }

    /// Ends the session of `token` (nothing when there is none).
    pub async fn sign_out(&self, token: &str) -> Result<()> {
        self.write_alone(sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash(token))).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2id_hashes_verify_and_the_decoy_is_a_valid_hash() {
        let hash = hash_password("une phrase de passe").expect("hashes");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("une phrase de passe", &hash));
        assert!(!verify_password("une autre phrase", &hash));
        assert!(PasswordHash::new(DECOY_HASH).is_ok(), "the decoy must parse, or unknown users answer faster");
    }
}
