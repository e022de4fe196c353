//! Piece contents, addressed by their SHA-256. With SQLite they are files in
//! a directory beside the database (`greffe.db.pieces/ab/abcdef…`), written
//! before the transaction that records the piece (a rolled-back piece leaves
//! at most an unreferenced file, never a record without its bytes); with
//! PostgreSQL they are rows of `blobs`, written in the same transaction.

use std::path::{Path, PathBuf};

use sqlx::{AnyConnection, Row};

use crate::error::{Error, Result};

/// Where piece contents are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlobStore {
    /// Files under this directory.
    Directory(PathBuf),
    /// The `blobs` table.
    Database,
}

impl BlobStore {
    /// The directory beside a SQLite database file (`greffe.db.pieces`), or
    /// the database itself for an in-memory SQLite (`file`: `None`).
    pub fn beside_sqlite(file: Option<&Path>) -> Self {
        match file {
            Some(file) => Self::Directory(PathBuf::from(format!("{}.pieces", file.display()))),
            None => Self::Database,
        }
    }

    fn path_of(dir: &Path, sha256: &str) -> PathBuf {
        dir.join(&sha256[..2]).join(sha256)
    }

    /// Keeps `bytes` under `sha256` (already computed by the caller). Files
    /// are written before the transaction commits; rows within it.
    pub async fn put(&self, connection: &mut AnyConnection, sha256: &str, bytes: &[u8]) -> Result<()> {
        match self {
            Self::Directory(dir) => {
                let path = Self::path_of(dir, sha256);
                if tokio::fs::try_exists(&path).await.unwrap_or(false) {
                    return Ok(());
                }
                let parent = path.parent().ok_or_else(|| Error::internal("blob path without parent"))?.to_owned();
                let bytes = bytes.to_vec();
                // The row that names this file commits after it: the file
                // must be on disk first, so it is flushed (file, then the
                // directory's entry) before the rename is relied upon.
                tokio::task::spawn_blocking(move || -> std::io::Result<()> {
                    use std::io::Write as _;
                    std::fs::create_dir_all(&parent)?;
                    let mut temporary = tempfile::Builder::new().prefix(".blob-").tempfile_in(&parent)?;
                    temporary.write_all(&bytes)?;
                    temporary.as_file().sync_all()?;
                    temporary.persist(&path).map_err(|error| error.error)?;
                    std::fs::File::open(&parent)?.sync_all()
                })
                .await
                .map_err(Error::internal)?
                .map_err(Error::internal)?;
                Ok(())
            }
            Self::Database => {
                sqlx::query("INSERT INTO blobs (sha256, bytes) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING")
                    .bind(sha256)
                    .bind(bytes.to_vec())
                    .execute(connection)
                    .await?;
                Ok(())
            }
        }
    }

    /// The bytes kept under `sha256`, if any.
    pub async fn get(&self, pool: &sqlx::AnyPool, sha256: &str) -> Result<Option<Vec<u8>>> {
        match self {
            Self::Directory(dir) => match tokio::fs::read(Self::path_of(dir, sha256)).await {
                Ok(bytes) => Ok(Some(bytes)),
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(error) => Err(Error::internal(error)),
            },
            Self::Database => {
                let row =
                    sqlx::query("SELECT bytes FROM blobs WHERE sha256 = $1").bind(sha256).fetch_optional(pool).await?;
                Ok(match row {
                    Some(row) => Some(row.try_get::<Vec<u8>, _>("bytes")?),
                    None => None,
                })
            }
        }
    }
}
