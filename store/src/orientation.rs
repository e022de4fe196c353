//! Orientation decisions and referrals: what the orientation reads of the
//! registry (the earlier pourvoi of a referral after cassation, the pending
//! pourvois between the same parties on the same question), the president's
//! orientation (chamber, section, circuit) journaled with the suggestion it
//! followed or the reason it departed from it, and the referral to a
//! chambre mixte or the assemblée plénière — ordered, or declined with its
//! reason (required when the referral is mandatory).
//!
//! The rules themselves are `greffe_models::orientation`'s; the store keeps
//! what was decided. A referred dossier leaves its chamber's planning
//! instance ([`Store::planning_instance`] excludes it with the referral's
//! words) and is the formation's to hear.

use std::collections::BTreeSet;

use greffe_models::Circuit;
use greffe_models::orientation::{
    self, EarlierDossier, OrderedBy, Peer, ReferralFormation, check_chambers, check_reason, normalise_article,
};
use greffe_models::registry::{DossierStatus, RegistryKind};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::dossiers::{Dossier, search_key};
use crate::journal::{self, JournalEntry, NewEntry};
use crate::{Error, ErrorCode, Result, Store, rows};

/// The most peers an orientation reads (a series is said from three).
const MAX_PEERS: i64 = 50;

/// A referral ordered, as the registry keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReferralRecord {
    /// `CM` or `AP`.
    pub formation: ReferralFormation,
    /// The article.
    pub article: String,
    /// Who ordered it.
    pub ordered_by: OrderedBy,
    /// The chamber the dossier was in.
    pub from: String,
    /// For CM: the chambers composing it.
    pub chambers: Vec<String>,
    /// Whether it was mandatory.
    pub mandatory: bool,
    /// When (YYYY-MM-DD).
    #[schema(format = Date)]
    pub ordered_on: String,
    /// Why, when given.
    pub reason: Option<String>,
    /// The journal entry that recorded it.
    pub journal_seq: i64,
}

/// An orientation decided by the chamber's president.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrientationDecision {
    /// The chamber.
    pub chamber: String,
    /// The section (of that chamber), if any.
    pub section: Option<String>,
    /// The circuit.
    pub circuit: Circuit,
    /// What the orientation suggested when the decision was taken:
    /// `(chamber, section, circuit, rules fired)`.
    pub suggested: Option<(String, Option<String>, Circuit, Vec<String>)>,
    /// Why, when the decision departs from the suggestion (then required).
    pub reason: Option<String>,
}

/// A referral declined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralDecline {
    /// The formation the rules pointed to.
    pub formation: ReferralFormation,
    /// The rule that pointed to it.
    pub rule: String,
    /// Whether that referral was mandatory (then a reason is required).
    pub mandatory: bool,
    /// Why.
    pub reason: Option<String>,
}

/// The statuses from which a dossier may be referred: not yet on a roll,
/// not yet heard.
const REFERABLE: [DossierStatus; 4] =
    [DossierStatus::Registered, DossierStatus::Routed, DossierStatus::InInstruction, DossierStatus::Ready];

impl Store {
    /// The dossier of pourvoi `pourvoi` (canonical or as typed), with the
    /// articles its grounds invoke and its solution: what the orientation
    /// compares a referral after cassation with. `None` when the registry
    /// does not hold it, or holds it without grounds (a dossier taken over
    /// from the former system).
    pub async fn earlier_dossier(&self, pourvoi: &str) -> Result<Option<EarlierDossier>> {
        let Ok(number) = greffe_models::PourvoiNumber::parse_lenient(pourvoi) else { return Ok(None) };
        let pool = self.pool();
        let Some(row) = sqlx::query("SELECT id FROM dossiers WHERE pourvoi = $1")
            .bind(number.to_string())
            .fetch_optional(pool)
            .await?
        else {
            return Ok(None);
        };
        let id = rows::int(&row, "id")?;
        let mut articles = BTreeSet::new();
        for row in
            sqlx::query("SELECT articles FROM dossier_grounds WHERE dossier_id = $1").bind(id).fetch_all(pool).await?
        {
            let listed: Vec<String> = rows::json(&row, "articles")?;
            articles.extend(listed.iter().map(|a| normalise_article(a)));
        }
        if articles.is_empty() {
            return Ok(None);
        }
        let solution = sqlx::query("SELECT solution FROM decisions WHERE dossier_id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await?
            .map(|row| rows::text(&row, "solution"))
            .transpose()?;
        Ok(Some(EarlierDossier { id, articles, solution }))
    }

    /// The open pourvois other than `dossier` that carry its first keyword
    /// and name one of its parties (the ministère public apart): a serial
    /// litigation's other pourvois. At most 50, oldest first.
    pub async fn serial_peers(&self, dossier: &Dossier) -> Result<Vec<Peer>> {
        let Some(keyword) = dossier.record.keywords.first() else { return Ok(Vec::new()) };
        let mut names: Vec<String> = dossier
            .record
            .parties
            .iter()
            .filter(|p| !p.is_ministere_public())
            .map(|p| search_key(&p.name))
            .filter(|n| !n.is_empty())
            .collect();
        names.sort();
        names.dedup();
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let list: Vec<String> = (0..names.len()).map(|i| format!("${}", i + 3)).collect();
        let sql = format!(
            "SELECT d.id, d.pourvoi, d.chamber, MIN(p.name) AS party FROM dossiers d
             JOIN dossier_keywords k ON k.dossier_id = d.id AND k.position = 0 AND k.keyword = $1
             JOIN dossier_parties p ON p.dossier_id = d.id AND p.name_key IN ({})
             WHERE d.id <> $2 AND d.status IN ({})
             GROUP BY d.id, d.pourvoi, d.chamber ORDER BY d.id LIMIT {MAX_PEERS}",
            list.join(", "),
            crate::tasks::statuses_sql(true)
        );
        let mut query = sqlx::query(&sql).bind(keyword).bind(dossier.id);
        for name in &names {
            query = query.bind(name);
        }
        query
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|row| {
                Ok(Peer {
                    id: rows::int(row, "id")?,
                    pourvoi: rows::text(row, "pourvoi")?,
                    chamber: rows::text(row, "chamber")?,
                    party: rows::text(row, "party")?,
                })
            })
            .collect()
    }

    /// The referral of dossier `id`, if one was ordered.
    pub async fn referral(&self, id: i64) -> Result<Option<ReferralRecord>> {
        let row = sqlx::query(
            "SELECT formation, article, ordered_by, from_chamber, chambers, mandatory, ordered_on, reason, journal_seq
             FROM dossier_referrals WHERE dossier_id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| referral_of_row(&row)).transpose()
    }

    /// The orientation decisions and referral decisions of dossier `id`,
    /// oldest first.
    pub async fn orientation_journal(&self, id: i64) -> Result<Vec<JournalEntry>> {
        let kinds = [
            RegistryKind::OrientationDecided.as_str(),
            RegistryKind::ReferralOrdered.as_str(),
            RegistryKind::ReferralDeclined.as_str(),
        ];
        Ok(self.dossier_journal(id).await?.into_iter().filter(|entry| kinds.contains(&entry.kind.as_str())).collect())
    }

    /// Records the president's orientation of dossier `id` at version
    /// `expected`: its chamber, section and circuit, journaled with the
    /// suggestion it follows or — when it departs from it — the reason,
    /// which is then required. A dossier still only registered becomes
    /// routed. One write, or nothing.
    pub async fn decide_orientation(
        &self,
        actor: &str,
        id: i64,
        expected: i64,
        decision: OrientationDecision,
    ) -> Result<Dossier> {
        let follows = decision.suggested.as_ref().is_none_or(|(chamber, section, circuit, _)| {
            *chamber == decision.chamber
                && (section.is_none() || *section == decision.section)
                && *circuit == decision.circuit
        });
        let reason = check_reason(
            decision.reason.as_deref(),
            !follows,
            "l'orientation diffère de la suggestion (chambre, section ou circuit)",
        )
        .map_err(problem)?;
        let today = self.today();
        let (dossier, ()) = self
            .write_dossier(id, expected, async |connection, current| {
                if !current.status.is_open() {
                    return Err(Error::conflict(
                        ErrorCode::ForbiddenTransition,
                        format!("dossier {} : on n'oriente pas un dossier {}", current.record.pourvoi, current.status_label),
                        "orienter un dossier en cours",
                    ));
                }
                let mut record = current.record.clone();
                record.chamber = decision.chamber.clone();
                record.circuit = Some(decision.circuit);
                record.section = decision.section.clone();
                let record = crate::dossiers::checked(&mut *connection, record, today).await?;
                sqlx::query("UPDATE dossiers SET chamber = $1, section = $2, circuit = $3 WHERE id = $4")
                    .bind(&record.chamber)
                    .bind(&record.section)
                    .bind(record.circuit.map(Circuit::as_str))
                    .bind(id)
                    .execute(&mut *connection)
                    .await?;
                crate::dossiers::check_joined_group(&mut *connection, id, &record, "chamber").await?;
                let route = |chamber: &str, section: &Option<String>, circuit: Option<Circuit>| {
                    serde_json::json!({"chamber": chamber, "section": section, "circuit": circuit.map(Circuit::as_str)})
                };
                let note = match (&decision.suggested, &reason) {
                    (Some(_), None) => format!(
                        "orientation conforme à la suggestion : {}, {}",
                        record.chamber,
                        decision.circuit.label_fr()
                    ),
                    (Some((chamber, _, circuit, _)), Some(reason)) => format!(
                        "orientation différente de la suggestion ({chamber}, {}) : {reason}",
                        circuit.label_fr()
                    ),
                    (None, _) => format!("orienté vers {}, {}", record.chamber, decision.circuit.label_fr()),
                };
                journal::append(
                    &mut *connection,
                    NewEntry::registry(
                        actor.to_owned(),
                        Some(id),
                        RegistryKind::OrientationDecided,
                        serde_json::json!({
                            "route": route(&record.chamber, &record.section, record.circuit),
                            "from": route(&current.record.chamber, &current.record.section, current.record.circuit),
                            "suggested": decision.suggested.as_ref().map(|(chamber, section, circuit, rules)| serde_json::json!({
                                "chamber": chamber, "section": section, "circuit": circuit.as_str(), "rules": rules,
                            })),
                            "follows": follows,
                            "reason": reason,
                            "note": note,
                            "version": expected + 1,
                        }),
                    ),
                )
                .await?;
                if current.status == DossierStatus::Registered {
                    crate::dossiers::routed(&mut *connection, actor, id).await?;
                }
                Ok(())
            })
            .await?;
        Ok(dossier)
    }

    /// Orders the referral of dossier `id` (at version `expected`) to a
    /// chambre mixte or the assemblée plénière: the chambers of a CM
    /// checked (three at least, the dossier's among them), the dossier
    /// neither referred already nor on a roll nor heard. Journaled, and
    /// kept for the planning.
    pub async fn order_referral(
        &self,
        actor: &str,
        id: i64,
        expected: i64,
        order: orientation::ReferralOrder,
        suggested: Option<&orientation::SuggestedReferral>,
    ) -> Result<(Dossier, ReferralRecord)> {
        let departs = suggested.is_none_or(|s| s.formation != order.formation);
        let reason = check_reason(
            order.reason.as_deref(),
            departs,
            "aucune règle ne suggère ce renvoi : dire pourquoi il est ordonné",
        )
        .map_err(problem)?;
        let article = match order.article.as_deref().map(str::trim) {
            Some(article) if article.is_empty() || article.chars().count() > 200 => {
                return Err(Error::invalid("article", "article vide ou trop long", "citer l'article (L431-5 COJ…)"));
            }
            Some(article) => article.to_owned(),
            None => suggested
                .filter(|s| s.formation == order.formation)
                .map_or_else(|| orientation::default_article(order.formation).to_owned(), |s| s.article.clone()),
        };
        let mandatory =
            order.mandatory.unwrap_or_else(|| suggested.is_some_and(|s| s.formation == order.formation && s.mandatory));
        let today = self.today();
        let (dossier, record) = self
            .write_dossier(id, expected, async |connection, current| {
                let chambers =
                    check_chambers(order.formation, &current.record.chamber, &order.chambers).map_err(problem)?;
                if !REFERABLE.contains(&current.status) {
                    let fix = if current.status == DossierStatus::Scheduled {
                        "retirer d'abord le dossier du rôle publié (amendement), puis ordonner le renvoi"
                    } else {
                        "un renvoi s'ordonne avant l'audience"
                    };
                    return Err(Error::conflict(
                        ErrorCode::ForbiddenTransition,
                        format!(
                            "dossier {} : renvoi impossible, le dossier est {}",
                            current.record.pourvoi, current.status_label
                        ),
                        fix,
                    ));
                }
                let taken = sqlx::query("SELECT formation FROM dossier_referrals WHERE dossier_id = $1")
                    .bind(id)
                    .fetch_optional(&mut *connection)
                    .await?;
                if let Some(row) = taken {
                    let formation = rows::text(&row, "formation")?;
                    return Err(Error::conflict(
                        ErrorCode::AlreadyExists,
                        format!("dossier {} déjà renvoyé ({formation})", current.record.pourvoi),
                        "consulter le renvoi au journal du dossier",
                    ));
                }
                let words = match order.formation {
                    ReferralFormation::Mixte => format!("renvoi devant la chambre mixte ({})", chambers.join(", ")),
                    ReferralFormation::Pleniere => "renvoi devant l'assemblée plénière".to_owned(),
                };
                let note = format!(
                    "{words}, {article}{} — {}{}",
                    if mandatory { ", obligatoire" } else { "" },
                    order.ordered_by.label_fr(),
                    reason.as_deref().map_or(String::new(), |r| format!(" ; motif : {r}"))
                );
                let entry = journal::append(
                    &mut *connection,
                    NewEntry::registry(
                        actor.to_owned(),
                        Some(id),
                        RegistryKind::ReferralOrdered,
                        serde_json::json!({
                            "formation": order.formation, "article": article, "ordered_by": order.ordered_by,
                            "from": current.record.chamber, "chambers": chambers, "mandatory": mandatory,
                            "rule": suggested.map(|s| s.rule.clone()), "reason": reason, "note": note,
                            "version": expected + 1,
                        }),
                    ),
                )
                .await?;
                let record = ReferralRecord {
                    formation: order.formation,
                    article: article.clone(),
                    ordered_by: order.ordered_by,
                    from: current.record.chamber.clone(),
                    chambers,
                    mandatory,
                    ordered_on: today.to_string(),
                    reason: reason.clone(),
                    journal_seq: entry.seq,
                };
                sqlx::query(
                    "INSERT INTO dossier_referrals (dossier_id, formation, article, ordered_by, from_chamber, chambers,
                                                    mandatory, ordered_on, reason, journal_seq)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(id)
                .bind(record.formation.as_str())
                .bind(&record.article)
                .bind(record.ordered_by.as_str())
                .bind(&record.from)
                .bind(serde_json::to_string(&record.chambers).map_err(Error::internal)?)
                .bind(i64::from(record.mandatory))
                .bind(&record.ordered_on)
                .bind(&record.reason)
                .bind(record.journal_seq)
                .execute(&mut *connection)
                .await?;
                Ok(record)
            })
            .await?;
        Ok((dossier, record))
    }

    /// Records that the referral the rules pointed to is not ordered, with
    /// its reason — required when the referral is mandatory: it is never
    /// declined silently. Journaled; the dossier stays in its chamber.
    pub async fn decline_referral(
        &self,
        actor: &str,
        id: i64,
        expected: i64,
        decline: ReferralDecline,
    ) -> Result<Dossier> {
        let reason = check_reason(
            decline.reason.as_deref(),
            decline.mandatory,
            "le renvoi est obligatoire : le décliner exige d'en dire la raison",
        )
        .map_err(problem)?;
        let (dossier, ()) = self
            .write_dossier(id, expected, async |connection, current| {
                let note = format!(
                    "renvoi {} ({}) écarté{}{}",
                    match decline.formation {
                        ReferralFormation::Mixte => "en chambre mixte",
                        ReferralFormation::Pleniere => "en assemblée plénière",
                    },
                    decline.rule,
                    if decline.mandatory { ", bien qu'obligatoire" } else { "" },
                    reason.as_deref().map_or(String::new(), |r| format!(" : {r}"))
                );
                let _ = current;
                journal::append(
                    &mut *connection,
                    NewEntry::registry(
                        actor.to_owned(),
                        Some(id),
                        RegistryKind::ReferralDeclined,
                        serde_json::json!({
                            "formation": decline.formation, "rule": decline.rule, "mandatory": decline.mandatory,
                            "reason": reason, "note": note, "version": expected + 1,
                        }),
                    ),
                )
                .await?;
                Ok(())
            })
            .await?;
        Ok(dossier)
    }
}

/// A model's refusal as the store's.
fn problem(p: orientation::DecisionProblem) -> Error {
    Error::invalid(p.field, p.message, p.action)
}

pub(crate) fn referral_of_row(row: &sqlx::any::AnyRow) -> Result<ReferralRecord> {
    Ok(ReferralRecord {
        formation: rows::parsed(row, "formation", ReferralFormation::parse)?,
        article: rows::text(row, "article")?,
        ordered_by: rows::parsed(row, "ordered_by", OrderedBy::parse)?,
        from: rows::text(row, "from_chamber")?,
        chambers: rows::json(row, "chambers")?,
        mandatory: rows::int(row, "mandatory")? != 0,
        ordered_on: rows::text(row, "ordered_on")?,
        reason: rows::opt_text(row, "reason")?,
        journal_seq: rows::int(row, "journal_seq")?,
    })
}

impl Store {
    /// For each of dossiers `ids`: its section and the articles its grounds
    /// invoke ([`normalise_article`]) — what the orientation reads of a
    /// similar dossier besides what the search found.
    pub async fn sections_and_articles(
        &self,
        ids: &[i64],
    ) -> Result<std::collections::HashMap<i64, (Option<String>, BTreeSet<String>)>> {
        let mut out = std::collections::HashMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
        let pool = self.pool();
        for row in
            sqlx::query(&format!("SELECT id, section FROM dossiers WHERE id IN ({list})")).fetch_all(pool).await?
        {
            out.insert(rows::int(&row, "id")?, (rows::opt_text(&row, "section")?, BTreeSet::new()));
        }
        let sql = format!("SELECT dossier_id, articles FROM dossier_grounds WHERE dossier_id IN ({list})");
        for row in sqlx::query(&sql).fetch_all(pool).await? {
            let listed: Vec<String> = rows::json(&row, "articles")?;
            if let Some((_, articles)) = out.get_mut(&rows::int(&row, "dossier_id")?) {
                articles.extend(listed.iter().map(|a| normalise_article(a)));
            }
        }
        Ok(out)
    }
}
