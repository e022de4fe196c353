//! `Idempotency-Key` for POSTs: the first request with a key is executed
//! and its response kept; a retry with the same key and the same request
//! gets the kept response without executing again; the same key with a
//! different request is refused. Keys are per user.

use sqlx::Row;

use super::{Store, rows};
use crate::error::{Error, ErrorCode, Result};

/// What the key's record says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyState {
    /// New key, now reserved: execute, then [`Store::finish_idempotent`].
    Reserved,
    /// Already answered: replay this status and body.
    Replay(u16, String),
}

/// Status of a reserved key whose request is still running.
const IN_PROGRESS: i64 = 0;

/// A reservation still in progress after this long is abandoned.
const ABANDONED_AFTER_SECONDS: i64 = 120;

impl Store {
    /// Reserves `key` for this request, or says what to replay.
    pub async fn reserve_idempotent(
        &self,
        user: &str,
        key: &str,
        method: &str,
        path: &str,
        request_hash: &str,
    ) -> Result<KeyState> {
        if key.is_empty() || key.len() > 200 {
            return Err(Error::invalid(
                "Idempotency-Key",
                "clé d'idempotence vide ou trop longue",
                "donner 1 à 200 caractères (un UUID, par exemple)",
            ));
        }
        let mut write = self.write().await?;
        let row = sqlx::query(
            "SELECT method, path, request_hash, status, body, created_at FROM idempotency WHERE user_id = $1 AND key = $2",
        )
        .bind(user)
        .bind(key)
        .fetch_optional(&mut *write.tx)
        .await?;
        if let Some(row) = row {
            let same = rows::text(&row, "method")? == method
                && rows::text(&row, "path")? == path
                && rows::text(&row, "request_hash")? == request_hash;
            if !same {
                return Err(Error::invalid(
                    "Idempotency-Key",
                    "cette clé d'idempotence a déjà servi pour une autre requête",
                    "utiliser une nouvelle clé pour une nouvelle requête",
                ));
            }
            let status = rows::int(&row, "status")?;
            // A reservation older than this was left by a request that never
            // finished (the service stopped mid-way): the retry takes it over.
            let abandoned = super::instant(chrono::Utc::now() - chrono::Duration::seconds(ABANDONED_AFTER_SECONDS));
            if status == IN_PROGRESS && rows::text(&row, "created_at")? < abandoned {
                sqlx::query("UPDATE idempotency SET created_at = $1 WHERE user_id = $2 AND key = $3")
                    .bind(super::now())
                    .bind(user)
                    .bind(key)
                    .execute(&mut *write.tx)
                    .await?;
                write.commit().await?;
                return Ok(KeyState::Reserved);
            }
            if status == IN_PROGRESS {
                return Err(Error::conflict(
                    ErrorCode::InProgress,
                    "la même requête est en cours de traitement",
                    "attendre un instant puis renvoyer la requête avec la même clé",
                ));
            }
            let status = u16::try_from(status).map_err(Error::internal)?;
            return Ok(KeyState::Replay(status, row.try_get::<String, _>("body")?));
        }
        sqlx::query(
            "INSERT INTO idempotency (user_id, key, method, path, request_hash, status, body, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, '', $7)",
        )
        .bind(user)
        .bind(key)
        .bind(method)
        .bind(path)
        .bind(request_hash)
        .bind(IN_PROGRESS)
        .bind(super::now())
        .execute(&mut *write.tx)
        .await?;
        write.commit().await?;
        Ok(KeyState::Reserved)
    }

    /// Keeps the response to a reserved key; a server error frees the key
    /// instead (the request may be retried).
    pub async fn finish_idempotent(&self, user: &str, key: &str, status: u16, body: &str) -> Result<()> {
        let mut write = self.write().await?;
        if status >= 500 {
            sqlx::query("DELETE FROM idempotency WHERE user_id = $1 AND key = $2")
                .bind(user)
                .bind(key)
                .execute(&mut *write.tx)
                .await?;
        } else {
            sqlx::query("UPDATE idempotency SET status = $1, body = $2 WHERE user_id = $3 AND key = $4")
                .bind(i64::from(status))
                .bind(body)
                .bind(user)
                .bind(key)
                .execute(&mut *write.tx)
                .await?;
        }
        write.commit().await
    }
}
