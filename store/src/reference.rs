//! Reference data: chambers (with their sections), magistrates (role,
//! absences) and the hearing calendar. Administrators write them; everyone
//! reads them. Every write is journaled.

use greffe_models::dates::parse_date;
use greffe_models::format::MAX_SMALL_INTEGER;
use greffe_models::registry::{Nature, RegistryKind};
use greffe_models::{FormationCode, HalfDay, Role};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use utoipa::ToSchema;

use super::journal::{self, NewEntry};
use super::{Store, rows};
use crate::error::{Error, ErrorCode, Result};

/// A section of a chamber.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// Code (`s1`).
    pub code: String,
    /// Name.
    pub name: String,
}

/// A chamber, as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChamberInput {
    /// Code of the court's open data (`civ1`, `civ2`, `civ3`, `comm`, `soc`, `cr`).
    pub code: String,
    /// Name (`Première chambre civile`).
    pub name: String,
    /// `civil` or `penal`.
    #[schema(value_type = String, example = "civil")]
    pub nature: Nature,
    /// Sections.
    #[serde(default)]
    pub sections: Vec<Section>,
}

/// A chamber, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Chamber {
    /// The chamber.
    #[serde(flatten)]
    pub chamber: ChamberInput,
    /// Version (the ETag).
    pub version: i64,
}

/// An absence of a magistrate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Absence {
    /// First day (YYYY-MM-DD).
    #[schema(format = Date)]
    pub from: String,
    /// Last day, included: not before `from`.
    #[schema(format = Date)]
    pub to: String,
    /// Reason (congé, formation…), free text.
    #[serde(default)]
    pub reason: Option<String>,
}

/// A magistrate, as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MagistrateInput {
    /// Identifier.
    pub id: String,
    /// Full name.
    pub name: String,
    /// `president`, `doyen`, `conseiller`, `referendaire`, `avocat_general`.
    #[schema(value_type = String, example = "conseiller")]
    pub role: Role,
    /// Chamber code.
    pub chamber: String,
    /// Section code.
    #[serde(default)]
    pub section: Option<String>,
    /// Rank in the chamber's order of precedence (1 first).
    pub rank: i64,
    /// Most hearings a week (none: no cap).
    #[serde(default)]
    pub weekly_cap: Option<i64>,
    /// Absences.
    #[serde(default)]
    pub absences: Vec<Absence>,
    /// False once the magistrate has left the chamber.
    #[serde(default = "yes")]
    pub active: bool,
    /// Matters he is competent in (codes of the dossiers' `matter`): the
    /// distribution proposes him as rapporteur of those only.
    #[serde(default)]
    pub specialties: Vec<String>,
    /// Parties (names) he declared an interest with: he is never designated
    /// on their dossiers (L111-6 COJ).
    #[serde(default)]
    pub interests: Vec<String>,
}

fn yes() -> bool {
    true
}

/// A magistrate, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct MagistrateRecord {
    /// The magistrate.
    #[serde(flatten)]
    pub magistrate: MagistrateInput,
    /// Version (the ETag).
    pub version: i64,
}

/// A hearing of the calendar, as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HearingInput {
    /// Identifier.
    pub id: String,
    /// Chamber code.
    pub chamber: String,
    /// Date (YYYY-MM-DD), a working day in Paris.
    #[schema(format = Date)]
    pub date: String,
    /// `am` or `pm`.
    pub half_day: String,
    /// Formation: `FR`, `FS`, `FP`.
    pub formation: String,
    /// Most dossiers (weight) the hearing takes.
    pub capacity: i64,
    /// Room.
    #[serde(default)]
    pub room: Option<String>,
}

/// A hearing, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct HearingRecord {
    /// The hearing.
    #[serde(flatten)]
    pub hearing: HearingInput,
    /// Version (the ETag).
    pub version: i64,
}

/// Whether a chamber exists.
pub async fn chamber_exists(connection: &mut AnyConnection, code: &str) -> Result<bool> {
    Ok(sqlx::query("SELECT code FROM chambers WHERE code = $1").bind(code).fetch_optional(connection).await?.is_some())
}

fn check_code(field: &str, value: &str) -> Result<()> {
    if greffe_models::forms::is_code(value) {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            format!("code « {value} » invalide"),
            "1 à 32 caractères parmi lettres, chiffres, « - », « _ », « . »",
        ))
    }
}

fn check_chamber(input: &ChamberInput) -> Result<()> {
    check_code("code", &input.code)?;
    if input.name.trim().is_empty() {
        return Err(Error::invalid("name", "le nom de la chambre est vide", "donner le nom de la chambre"));
    }
    for (index, section) in input.sections.iter().enumerate() {
        check_code(&format!("sections[{index}].code"), &section.code)?;
        if input.sections[..index].iter().any(|s| s.code == section.code) {
            return Err(Error::invalid(
                format!("sections[{index}].code"),
                format!("section « {} » en double", section.code),
                "donner chaque section une seule fois",
            ));
        }
    }
    Ok(())
}

/// Longest party name a declared interest gives, in characters.
pub const INTEREST_MAX: usize = 200;

/// Most specialities (declared interests) a magistrate lists.
pub const MAX_DECLARED: usize = 50;

fn check_magistrate(input: &MagistrateInput, sections: &[Section]) -> Result<()> {
    check_code("id", &input.id)?;
    if input.role == Role::PremierPresident {
        // The registry's chambers and hearings are the six chambers' (FR, FS,
        // FP); chambre mixte and assemblée plénière are planned from
        // instance files for now (docs/formats.md, « designations »).
        return Err(Error::invalid(
            "role",
            "le premier président ne se déclare pas dans une chambre du registre",
            "choisir president, doyen, conseiller, referendaire ou avocat_general",
        ));
    }
    if input.name.trim().is_empty() {
        return Err(Error::invalid("name", "le nom est vide", "donner le nom du magistrat"));
    }
    if !(1..=MAX_SMALL_INTEGER).contains(&input.rank) {
        return Err(Error::invalid(
            "rank",
            format!("rang {} hors limites", input.rank),
            format!("donner le rang dans l'ordre du tableau, de 1 à {MAX_SMALL_INTEGER}"),
        ));
    }
    if input.weekly_cap.is_some_and(|cap| !(0..=MAX_SMALL_INTEGER).contains(&cap)) {
        return Err(Error::invalid(
            "weekly_cap",
            "plafond hebdomadaire hors limites",
            format!("donner un nombre de 0 à {MAX_SMALL_INTEGER}, ou rien"),
        ));
    }
    if let Some(section) = &input.section
        && !sections.iter().any(|s| &s.code == section)
    {
        return Err(Error::bad_reference(
            "section",
            format!("section « {section} » inconnue dans la chambre {}", input.chamber),
            "choisir une section de la chambre",
        ));
    }
    if input.specialties.len() > MAX_DECLARED || input.interests.len() > MAX_DECLARED {
        return Err(Error::invalid(
            if input.specialties.len() > MAX_DECLARED { "specialties" } else { "interests" },
            "liste trop longue",
            format!("au plus {MAX_DECLARED} éléments"),
        ));
    }
    for (index, matter) in input.specialties.iter().enumerate() {
        check_code(&format!("specialties[{index}]"), matter)?;
        if input.specialties[..index].contains(matter) {
            return Err(Error::invalid(
                format!("specialties[{index}]"),
                format!("spécialité « {matter} » en double"),
                "donner chaque spécialité une seule fois",
            ));
        }
    }
    for (index, party) in input.interests.iter().enumerate() {
        if party.trim().is_empty() || party.chars().count() > INTEREST_MAX {
            return Err(Error::invalid(
                format!("interests[{index}]"),
                "nom de partie vide ou trop long",
                "donner le nom de la partie, 1 à 200 caractères",
            ));
        }
    }
    for (index, absence) in input.absences.iter().enumerate() {
        let from = parse_date(&absence.from)
            .map_err(|e| Error::invalid(format!("absences[{index}].from"), e.to_string(), e.fix()))?;
        let to = parse_date(&absence.to)
            .map_err(|e| Error::invalid(format!("absences[{index}].to"), e.to_string(), e.fix()))?;
        if to < from {
            return Err(Error::invalid(
                format!("absences[{index}].to"),
                format!("fin d'absence {to} avant son début {from}"),
                "donner une fin postérieure ou égale au début",
            ));
        }
    }
    Ok(())
}

fn check_hearing(input: &HearingInput) -> Result<()> {
    check_code("id", &input.id)?;
    let date = parse_date(&input.date).map_err(|e| Error::invalid("date", e.to_string(), e.fix()))?;
    if greffe_models::calendar::is_non_working_day(date, greffe_models::calendar::Place::PARIS) {
        return Err(Error::invalid(
            "date",
            format!("le {date} n'est pas un jour ouvrable à Paris (samedi, dimanche ou jour férié)"),
            "choisir un jour ouvrable",
        ));
    }
    if HalfDay::parse(&input.half_day).is_none() {
        return Err(Error::invalid("half_day", format!("demi-journée « {} » inconnue", input.half_day), "am ou pm"));
    }
    // A chamber's hearings are FR, FS or FP; CM and AP hearings belong to
    // `mi` and `pl`, planned from instance files for now.
    if FormationCode::parse(&input.formation).is_none_or(FormationCode::is_multi_chamber) {
        return Err(Error::invalid(
            "formation",
            format!("formation « {} » inconnue pour une audience de chambre", input.formation),
            "FR, FS ou FP",
        ));
    }
    if !(1..=MAX_SMALL_INTEGER).contains(&input.capacity) {
        return Err(Error::invalid(
            "capacity",
            format!("capacité {} hors limites", input.capacity),
            format!("donner le nombre de dossiers, de 1 à {MAX_SMALL_INTEGER}"),
        ));
    }
    Ok(())
}

fn chamber_of(row: &AnyRow) -> Result<Chamber> {
    Ok(Chamber {
        chamber: ChamberInput {
            code: rows::text(row, "code")?,
            name: rows::text(row, "name")?,
            nature: rows::parsed(row, "nature", Nature::parse)?,
            sections: rows::json(row, "sections")?,
        },
        version: rows::int(row, "version")?,
    })
}

/// Magistrates, of one chamber or all, read on `connection` (inside the
/// caller's transaction, when it has one).
pub(crate) async fn magistrates_in(
    connection: &mut AnyConnection,
    chamber: Option<&str>,
) -> Result<Vec<MagistrateRecord>> {
    let rows = sqlx::query(
        "SELECT id, name, role, chamber, section, rank, weekly_cap, absences, active, specialties, interests, version FROM magistrates
         WHERE ($1 IS NULL OR chamber = $1) ORDER BY chamber, rank, id",
    )
    .bind(chamber)
    .fetch_all(connection)
    .await?;
    rows.iter().map(magistrate_of).collect()
}

fn magistrate_of(row: &AnyRow) -> Result<MagistrateRecord> {
    Ok(MagistrateRecord {
        magistrate: MagistrateInput {
            id: rows::text(row, "id")?,
            name: rows::text(row, "name")?,
            role: rows::parsed(row, "role", Role::parse)?,
            chamber: rows::text(row, "chamber")?,
            section: rows::opt_text(row, "section")?,
            rank: rows::int(row, "rank")?,
            weekly_cap: rows::opt_int(row, "weekly_cap")?,
            absences: rows::json(row, "absences")?,
            active: rows::int(row, "active")? != 0,
            specialties: rows::json(row, "specialties")?,
            interests: rows::json(row, "interests")?,
        },
        version: rows::int(row, "version")?,
    })
}

fn hearing_of(row: &AnyRow) -> Result<HearingRecord> {
    Ok(HearingRecord {
        hearing: HearingInput {
            id: rows::text(row, "id")?,
            chamber: rows::text(row, "chamber")?,
            date: rows::text(row, "date")?,
            half_day: rows::text(row, "half_day")?,
            formation: rows::text(row, "formation")?,
            capacity: rows::int(row, "capacity")?,
            room: rows::opt_text(row, "room")?,
        },
        version: rows::int(row, "version")?,
    })
}

async fn journal_reference(connection: &mut AnyConnection, actor: &str, payload: serde_json::Value) -> Result<()> {
    journal::append(connection, NewEntry::registry(actor, None, RegistryKind::ReferenceChanged, payload)).await?;
    Ok(())
}

/// Compares the stored version with the expected one; `None` when the row
/// is missing.
async fn current_version(connection: &mut AnyConnection, table: &str, key: &str, id: &str) -> Result<Option<i64>> {
    let row = sqlx::query(&format!("SELECT version FROM {table} WHERE {key} = $1"))
        .bind(id)
        .fetch_optional(connection)
        .await?;
    row.as_ref().map(|row| rows::int(row, "version")).transpose()
}

/// The version a creation (`expected` none) or a replacement at `expected`
/// gives the row, or why it is refused: it exists already (`exists`), is
/// missing (404) or has moved on (412).
fn next_version(current: Option<i64>, expected: Option<i64>, exists: Error, what: &str) -> Result<i64> {
    match expected {
        None if current.is_some() => Err(exists),
        None => Ok(1),
        Some(expected) => expect_version(current, expected, what).map(|()| expected + 1),
    }
}

fn expect_version(found: Option<i64>, expected: i64, what: &str) -> Result<()> {
    match found {
        None => Err(Error::not_found(what)),
        Some(current) if current != expected => Err(Error::version_mismatch(current)),
        Some(_) => Ok(()),
    }
}

impl Store {
    /// Every chamber.
    pub async fn chambers(&self) -> Result<Vec<Chamber>> {
        let rows = sqlx::query("SELECT code, name, nature, sections, version FROM chambers ORDER BY code")
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(chamber_of).collect()
    }

    /// One chamber.
    pub async fn chamber(&self, code: &str) -> Result<Chamber> {
        let row = sqlx::query("SELECT code, name, nature, sections, version FROM chambers WHERE code = $1")
            .bind(code)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(chamber_of).transpose()?.ok_or_else(|| Error::not_found(format!("chambre « {code} »")))
    }

    /// Creates a chamber.
    pub async fn create_chamber(&self, actor: &str, input: ChamberInput) -> Result<Chamber> {
        check_chamber(&input)?;
        let mut write = self.write().await?;
        if chamber_exists(&mut write.tx, &input.code).await? {
            return Err(Error::conflict(
                ErrorCode::AlreadyExists,
                format!("la chambre « {} » existe déjà", input.code),
                "modifier la chambre existante (PUT) au lieu de la créer",
            )
            .field("code"));
        }
        let sections = serde_json::to_string(&input.sections).map_err(Error::internal)?;
        sqlx::query("INSERT INTO chambers (code, name, nature, sections, version) VALUES ($1, $2, $3, $4, 1)")
            .bind(&input.code)
            .bind(&input.name)
            .bind(input.nature.as_str())
            .bind(&sections)
            .execute(&mut *write.tx)
            .await?;
        journal_reference(&mut write.tx, actor, serde_json::json!({"chamber_created": input})).await?;
        write.commit().await?;
        Ok(Chamber { chamber: input, version: 1 })
    }

    /// Replaces a chamber at version `expected`.
    pub async fn update_chamber(&self, actor: &str, code: &str, expected: i64, input: ChamberInput) -> Result<Chamber> {
        check_chamber(&input)?;
        if input.code != code {
            return Err(Error::invalid("code", "le code d'une chambre ne change pas", format!("garder « {code} »")));
        }
        let mut write = self.write().await?;
        expect_version(current_version(&mut write.tx, "chambers", "code", code).await?, expected, "chambre")?;
        // A section goes only once no magistrate or dossier belongs to it:
        // the registry would otherwise name a section that does not exist.
        for (table, what) in [("magistrates", "magistrat"), ("dossiers", "dossier")] {
            let rows = sqlx::query(&format!(
                "SELECT DISTINCT section FROM {table} WHERE chamber = $1 AND section IS NOT NULL ORDER BY section"
            ))
            .bind(code)
            .fetch_all(&mut *write.tx)
            .await?;
            for row in &rows {
                let section = rows::text(row, "section")?;
                if !input.sections.iter().any(|s| s.code == section) {
                    return Err(Error::bad_reference(
                        "sections",
                        format!("la section « {section} » a encore au moins un {what} : elle ne peut pas disparaître"),
                        format!(
                            "garder la section « {section} », ou rattacher d'abord ses {what}s à une autre section"
                        ),
                    ));
                }
            }
        }
        let sections = serde_json::to_string(&input.sections).map_err(Error::internal)?;
        sqlx::query("UPDATE chambers SET name = $1, nature = $2, sections = $3, version = version + 1 WHERE code = $4")
            .bind(&input.name)
            .bind(input.nature.as_str())
            .bind(&sections)
            .bind(code)
            .execute(&mut *write.tx)
            .await?;
        journal_reference(&mut write.tx, actor, serde_json::json!({"chamber_updated": input})).await?;
        write.commit().await?;
        Ok(Chamber { chamber: input, version: expected + 1 })
    }

    /// Magistrates, of one chamber or all.
    pub async fn magistrates(&self, chamber: Option<&str>) -> Result<Vec<MagistrateRecord>> {
        let mut connection = self.pool().acquire().await?;
        magistrates_in(&mut connection, chamber).await
    }

    /// One magistrate.
    pub async fn magistrate(&self, id: &str) -> Result<MagistrateRecord> {
        let row = sqlx::query(
            "SELECT id, name, role, chamber, section, rank, weekly_cap, absences, active, specialties, interests, version FROM magistrates WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(magistrate_of).transpose()?.ok_or_else(|| Error::not_found(format!("magistrat « {id} »")))
    }

    async fn sections_of(connection: &mut AnyConnection, chamber: &str) -> Result<Vec<Section>> {
        let row = sqlx::query("SELECT sections FROM chambers WHERE code = $1")
            .bind(chamber)
            .fetch_optional(connection)
            .await?;
        match row {
            Some(row) => rows::json(&row, "sections"),
            None => Err(Error::bad_reference(
                "chamber",
                format!("chambre « {chamber} » inconnue"),
                "créer la chambre d'abord, ou corriger son code",
            )),
        }
    }

    /// Creates (or, with `expected`, replaces) a magistrate.
    pub async fn put_magistrate(
        &self,
        actor: &str,
        expected: Option<i64>,
        input: MagistrateInput,
    ) -> Result<MagistrateRecord> {
        let mut write = self.write().await?;
        let sections = Self::sections_of(&mut write.tx, &input.chamber).await?;
        check_magistrate(&input, &sections)?;
        let absences = serde_json::to_string(&input.absences).map_err(Error::internal)?;
        let specialties = serde_json::to_string(&input.specialties).map_err(Error::internal)?;
        let interests = serde_json::to_string(&input.interests).map_err(Error::internal)?;
        let current = current_version(&mut write.tx, "magistrates", "id", &input.id).await?;
        let exists = Error::conflict(
            ErrorCode::AlreadyExists,
            format!("le magistrat « {} » existe déjà", input.id),
            "le modifier (PUT avec If-Match) au lieu de le créer",
        )
        .field("id");
        let version = next_version(current, expected, exists, "magistrat")?;
        // One parameter order for both statements: the id first.
        let statement = if expected.is_none() {
            "INSERT INTO magistrates (id, name, role, chamber, section, rank, weekly_cap, absences, active,
                                      specialties, interests, version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1)"
        } else {
            "UPDATE magistrates SET name = $2, role = $3, chamber = $4, section = $5, rank = $6, weekly_cap = $7,
                 absences = $8, active = $9, specialties = $10, interests = $11, version = version + 1
             WHERE id = $1"
        };
        sqlx::query(statement)
            .bind(&input.id)
            .bind(&input.name)
            .bind(input.role.as_str())
            .bind(&input.chamber)
            .bind(&input.section)
            .bind(input.rank)
            .bind(input.weekly_cap)
            .bind(&absences)
            .bind(i64::from(input.active))
            .bind(&specialties)
            .bind(&interests)
            .execute(&mut *write.tx)
            .await?;
        journal_reference(&mut write.tx, actor, serde_json::json!({"magistrate": input, "version": version})).await?;
        write.commit().await?;
        Ok(MagistrateRecord { magistrate: input, version })
    }

    /// Adds an absence to a magistrate's record. Additive: it is appended
    /// to the absences as they stand when written (a concurrent change is
    /// retried once on the new version, never overwritten). The checks of
    /// the record apply; a refused date names `from` or `to`.
    pub async fn add_absence(&self, actor: &str, id: &str, absence: Absence) -> Result<MagistrateRecord> {
        let mut attempts = 0;
        loop {
            let mut record = self.magistrate(id).await?;
            let index = record.magistrate.absences.len();
            record.magistrate.absences.push(absence.clone());
            match self.put_magistrate(actor, Some(record.version), record.magistrate).await {
                Err(Error::VersionMismatch { .. }) if attempts == 0 => attempts += 1,
                Err(mut error) => {
                    let prefix = format!("absences[{index}].");
                    if let Some(problem) = error.problem_mut()
                        && let Some(field) = problem.field.as_deref().and_then(|f| f.strip_prefix(&prefix))
                    {
                        problem.field = Some(field.to_owned());
                    }
                    return Err(error);
                }
                Ok(written) => return Ok(written),
            }
        }
    }

    /// Hearings of the calendar, optionally of one chamber and within dates.
    pub async fn hearings(
        &self,
        chamber: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<Vec<HearingRecord>> {
        let rows = sqlx::query(
            "SELECT id, chamber, date, half_day, formation, capacity, room, version FROM hearings
             WHERE ($1 IS NULL OR chamber = $1) AND ($2 IS NULL OR date >= $2) AND ($3 IS NULL OR date <= $3)
             ORDER BY date, half_day, chamber, id",
        )
        .bind(chamber)
        .bind(from)
        .bind(to)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(hearing_of).collect()
    }

    /// One hearing.
    pub async fn hearing(&self, id: &str) -> Result<HearingRecord> {
        let row = sqlx::query(
            "SELECT id, chamber, date, half_day, formation, capacity, room, version FROM hearings WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(hearing_of).transpose()?.ok_or_else(|| Error::not_found(format!("audience « {id} »")))
    }

    /// Creates (or, with `expected`, replaces) a hearing of the calendar.
    pub async fn put_hearing(&self, actor: &str, expected: Option<i64>, input: HearingInput) -> Result<HearingRecord> {
        check_hearing(&input)?;
        let mut write = self.write().await?;
        if !chamber_exists(&mut write.tx, &input.chamber).await? {
            return Err(Error::bad_reference(
                "chamber",
                format!("chambre « {} » inconnue", input.chamber),
                "créer la chambre d'abord, ou corriger son code",
            ));
        }
        let current = current_version(&mut write.tx, "hearings", "id", &input.id).await?;
        let exists = Error::conflict(
            ErrorCode::AlreadyExists,
            format!("l'audience « {} » existe déjà", input.id),
            "la modifier (PUT avec If-Match) au lieu de la créer",
        )
        .field("id");
        let version = next_version(current, expected, exists, "audience")?;
        if expected.is_none() {
            sqlx::query(
                "INSERT INTO hearings (id, chamber, date, half_day, formation, capacity, room, version)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, 1)",
            )
            .bind(&input.id)
            .bind(&input.chamber)
            .bind(&input.date)
            .bind(&input.half_day)
            .bind(&input.formation)
            .bind(input.capacity)
            .bind(&input.room)
            .execute(&mut *write.tx)
            .await?;
        } else {
            sqlx::query(
                "UPDATE hearings SET chamber = $1, date = $2, half_day = $3, formation = $4, capacity = $5, room = $6,
                     version = version + 1 WHERE id = $7",
            )
            .bind(&input.chamber)
            .bind(&input.date)
            .bind(&input.half_day)
            .bind(&input.formation)
            .bind(input.capacity)
            .bind(&input.room)
            .bind(&input.id)
            .execute(&mut *write.tx)
            .await?;
        }
        journal_reference(&mut write.tx, actor, serde_json::json!({"hearing": input, "version": version})).await?;
        write.commit().await?;
        Ok(HearingRecord { hearing: input, version })
    }

    /// Removes a hearing from the calendar at version `expected` (a
    /// cancelled sitting). Chambers are fixed by the code (R421-3 COJ) and
    /// magistrates who leave are made inactive: neither is deleted.
    pub async fn delete_hearing(&self, actor: &str, id: &str, expected: i64) -> Result<()> {
        let mut write = self.write().await?;
        expect_version(current_version(&mut write.tx, "hearings", "id", id).await?, expected, "audience")?;
        sqlx::query("DELETE FROM hearings WHERE id = $1").bind(id).execute(&mut *write.tx).await?;
        journal_reference(&mut write.tx, actor, serde_json::json!({"hearing_deleted": id, "version": expected}))
            .await?;
        write.commit().await
    }
}
