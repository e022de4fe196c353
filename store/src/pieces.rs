//! The inventory of filed pieces: metadata in `pieces`, contents by SHA-256
//! (see [`super::blobs`]). Filing a piece appends a journal entry — the
//! procedural event it is, for mémoires, reports and opinions, so that the
//! deadlines it satisfies are re-evaluated at once.

use greffe_models::deadlines::EventType;
use greffe_models::registry::{JournalKind, RegistryKind};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::FromRow;
use sqlx::any::AnyRow;
use utoipa::{IntoParams, ToSchema};

use super::Store;
use super::journal::{self, NewEntry, hex};
use crate::error::{Error, Result};

/// Kinds of piece, and the procedural event filing one is (if any).
pub const KINDS: [(&str, Option<EventType>); 10] = [
    ("declaration_pourvoi", Some(EventType::DeclarationPourvoi)),
    ("memoire_ampliatif", Some(EventType::DepotMemoireAmpliatif)),
    ("memoire_defense", Some(EventType::DepotMemoireDefense)),
    ("memoire_personnel", Some(EventType::DepotMemoirePersonnel)),
    ("rapport", Some(EventType::DepotRapport)),
    ("avis_avocat_general", Some(EventType::AvisAvocatGeneral)),
    ("decision_attaquee", None),
    ("signification", None),
    ("demande_aide_juridictionnelle", Some(EventType::DemandeAideJuridictionnelle)),
    ("autre", None),
];

/// Largest piece accepted, in bytes.
pub const MAX_PIECE_BYTES: usize = 64 * 1024 * 1024;

/// A piece's metadata, as given with its upload (query parameters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PieceInput {
    /// Kind: `declaration_pourvoi`, `memoire_ampliatif`, `memoire_defense`,
    /// `memoire_personnel`, `rapport`, `avis_avocat_general`,
    /// `decision_attaquee`, `signification`, `demande_aide_juridictionnelle`, `autre`.
    pub kind: String,
    /// Who filed it (lawyer, party, magistrate).
    pub filed_by: String,
    /// Date of filing (YYYY-MM-DD), in years 1900 to 2190: the filing is
    /// an act of the journal, whose deadlines stay within the calendar
    /// (`models::dates::parse_act_date`).
    #[param(format = Date, pattern = r"^(19[0-9]{2}|20[0-9]{2}|21[0-8][0-9]|2190)-[0-9]{2}-[0-9]{2}$")]
    pub filed_on: String,
    /// File name.
    pub filename: String,
    /// The party on whose behalf (`demandeur`, `defendeur`), for mémoires and legal aid.
    pub party: Option<String>,
}

/// A filed piece.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema, sqlx::FromRow)]
pub struct Piece {
    /// Id.
    pub id: i64,
    /// Dossier.
    pub dossier_id: i64,
    /// Kind.
    pub kind: String,
    /// Who filed it.
    pub filed_by: String,
    /// Date of filing.
    #[schema(format = Date)]
    pub filed_on: String,
    /// File name.
    pub filename: String,
    /// Media type.
    pub media_type: String,
    /// Size in bytes.
    pub size: i64,
    /// SHA-256 of the contents.
    pub sha256: String,
    /// The journal entry of the filing.
    pub journal_seq: i64,
}

fn piece_of(row: &AnyRow) -> Result<Piece> {
    Ok(Piece::from_row(row)?)
}

const COLUMNS: &str = "id, dossier_id, kind, filed_by, filed_on, filename, media_type, size, sha256, journal_seq";

impl Store {
    /// Files a piece on a dossier at version `expected`.
    pub async fn add_piece(
        &self,
        actor: &str,
        id: i64,
        expected: i64,
        input: PieceInput,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<Piece> {
        let Some((_, event)) = KINDS.iter().find(|(kind, _)| *kind == input.kind) else {
            let kinds: Vec<&str> = KINDS.iter().map(|(kind, _)| *kind).collect();
            return Err(Error::invalid(
                "kind",
                format!("type de pièce « {} » inconnu", input.kind),
                format!("valeurs admises : {}", kinds.join(", ")),
            ));
        };
        let filed_on = greffe_models::dates::parse_act_date(&input.filed_on)
            .map_err(|e| Error::invalid("filed_on", e.to_string(), e.fix()))?;
        if !greffe_models::forms::is_file_name(&input.filename) {
            return Err(Error::invalid(
                "filename",
                format!("nom de fichier « {} » invalide", input.filename),
                "donner un nom sans « / », « \\ » ni caractère de contrôle",
            ));
        }
        if greffe_models::forms::is_blank(&input.filed_by) {
            return Err(Error::invalid("filed_by", "déposant non indiqué", "indiquer qui dépose la pièce"));
        }
        if let Some(party) = &input.party
            && !greffe_models::registry::PartyRole::SIDES.iter().any(|side| side.as_str() == party)
        {
            return Err(Error::invalid("party", format!("partie « {party} » inconnue"), "demandeur ou defendeur"));
        }
        if bytes.is_empty() {
            return Err(Error::invalid(
                "body",
                "pièce vide",
                "envoyer le contenu du fichier dans le corps de la requête",
            ));
        }
        let sha256 = hex(&Sha256::digest(bytes));
        let blobs = self.blobs();
        let (_, piece) = self
            .write_dossier(id, expected, async |connection, _| {
        blobs.put(&mut *connection, &sha256, bytes).await?;
        let size = i64::try_from(bytes.len()).map_err(Error::internal)?;
        let kind = event.map_or(JournalKind::Registry(RegistryKind::PieceFiled), JournalKind::Procedural);
        let mut payload = serde_json::json!({
            "piece": {"kind": input.kind, "filed_by": input.filed_by, "filename": input.filename,
                      "media_type": media_type, "size": size, "sha256": sha256},
        });
        if let (Some(party), Some(object)) = (&input.party, payload.as_object_mut()) {
            object.insert("party".into(), party.clone().into());
        }
        let entry = journal::append(
            &mut *connection,
            NewEntry {
                actor: actor.to_owned(),
                dossier_id: Some(id),
                kind,
                event_date: Some(filed_on),
                payload,
                corrects: None,
            },
        )
        .await?;
        let row = sqlx::query(&format!(
            "INSERT INTO pieces (dossier_id, kind, filed_by, filed_on, filename, media_type, size, sha256, journal_seq, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING {COLUMNS}"
        ))
        .bind(id)
        .bind(&input.kind)
        .bind(&input.filed_by)
        .bind(filed_on.to_string())
        .bind(&input.filename)
        .bind(media_type)
        .bind(size)
        .bind(&sha256)
        .bind(entry.seq)
        .bind(super::now())
        .fetch_one(&mut *connection)
        .await?;
        piece_of(&row)
            })
            .await?;
        Ok(piece)
    }

    /// A dossier's pieces.
    pub async fn pieces(&self, dossier_id: i64) -> Result<Vec<Piece>> {
        self.dossier_chamber(dossier_id).await?;
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM pieces WHERE dossier_id = $1 ORDER BY id"))
            .bind(dossier_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(piece_of).collect()
    }

    /// One piece's metadata.
    pub async fn piece(&self, id: i64) -> Result<Piece> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM pieces WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| Error::not_found(format!("pièce n° {id}")))?;
        piece_of(&row)
    }

    /// A piece's contents, checked against its SHA-256.
    pub async fn piece_content(&self, piece: &Piece) -> Result<Vec<u8>> {
        let bytes = self
            .blobs()
            .get(self.pool(), &piece.sha256)
            .await?
            .ok_or_else(|| Error::internal(format!("contents of piece {} ({}) missing", piece.id, piece.sha256)))?;
        if hex(&Sha256::digest(&bytes)) != piece.sha256 {
            return Err(Error::internal(format!("contents of piece {} do not match their SHA-256", piece.id)));
        }
        Ok(bytes)
    }
}
