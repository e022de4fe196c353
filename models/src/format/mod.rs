//! The JSON interchange format (`docs/formats.md`): documents as written,
//! their validation into domain types, and the way back.

mod doc;
mod json;
mod problem;
mod validate;

pub use doc::{
    ChamberDoc, DesignationDoc, DossierDoc, FormationDoc, HearingDoc, HorizonDoc, InstanceDoc, MagistrateDoc, RangeDoc,
    ReferralDoc,
};
pub use json::{JsonError, from_json_text};
pub use problem::Problem;
pub use validate::{MAX_SMALL_INTEGER, validate};

use crate::dates::DateRange;
use crate::instance::Instance;

/// Why an instance text was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReadError {
    /// Not JSON, truncated, or a value of the wrong JSON type.
    #[error("{0}")]
    Json(#[from] JsonError),
    /// Well-formed JSON with problems of content (all of them listed).
    #[error("{} problème(s) dans l'instance", .0.len())]
    Invalid(Vec<Problem>),
}

/// Parses and validates an instance from JSON text.
pub fn read_instance(text: &str) -> Result<Instance, ReadError> {
    let doc: InstanceDoc = from_json_text(text)?;
    validate(&doc).map_err(ReadError::Invalid)
}

fn range_doc(range: DateRange) -> RangeDoc {
    RangeDoc { from: range.from().to_string(), to: range.to().to_string() }
}

impl Instance {
    /// The instance as a document, every optional field written out, so that
    /// `validate(&instance.to_doc())` gives back an equal instance.
    pub fn to_doc(&self) -> InstanceDoc {
        InstanceDoc {
            meta: self.meta.clone(),
            horizon: HorizonDoc {
                start: self.horizon.start().to_string(),
                end: self.horizon.end().to_string(),
                publication_date: self.horizon.publication_date().map(|d| d.to_string()),
            },
            formations: Some(
                self.formations
                    .iter()
                    .map(|rule| FormationDoc {
                        code: rule.code.to_string(),
                        bench_size: i64::from(rule.bench_size),
                        min_voices: i64::from(rule.min_voices),
                        max_voices: i64::from(rule.max_voices),
                        from_section: Some(rule.from_section),
                    })
                    .collect(),
            ),
            chambers: self
                .chambers
                .iter()
                .map(|c| ChamberDoc {
                    id: c.id.to_string(),
                    sections: c.sections.iter().map(ToString::to_string).collect(),
                })
                .collect(),
            magistrates: self
                .magistrates
                .iter()
                .map(|m| MagistrateDoc {
                    id: m.id.to_string(),
                    name: m.name.clone(),
                    chamber: m.chamber.to_string(),
                    section: m.section.as_ref().map(ToString::to_string),
                    role: m.role.to_string(),
                    rank: i64::from(m.rank),
                    specialties: m.specialties.iter().map(ToString::to_string).collect(),
                    absences: m.absences.iter().copied().map(range_doc).collect(),
                    max_hearings_per_week: i64::from(m.max_hearings_per_week),
                    seniority: m.seniority.map(|date| date.to_string()),
                })
                .collect(),
            hearings: self
                .hearings
                .iter()
                .map(|h| HearingDoc {
                    id: h.id.to_string(),
                    chamber: h.chamber.to_string(),
                    date: h.date.to_string(),
                    half_day: h.half_day.to_string(),
                    formation: h.formation.to_string(),
                    capacity_weight: h.capacity_weight,
                    capacity_count: i64::from(h.capacity_count),
                    locked_bench: h.locked_bench.as_ref().map(|bench| bench.iter().map(ToString::to_string).collect()),
                    chambers: if h.formation == crate::FormationCode::AssembleePleniere {
                        Vec::new()
                    } else {
                        h.chambers.iter().map(ToString::to_string).collect()
                    },
                    section: h.section.as_ref().map(ToString::to_string),
                    composition: h.composition.map(|c| c.as_str().to_owned()),
                })
                .collect(),
            dossiers: self
                .dossiers
                .iter()
                .map(|d| DossierDoc {
                    id: d.id.to_string(),
                    pourvoi: d.pourvoi.to_string(),
                    chamber: d.chamber.to_string(),
                    section: d.section.as_ref().map(ToString::to_string),
                    matter: d.matter.as_ref().map(ToString::to_string),
                    circuit: Some(d.circuit.to_string()),
                    formations: d.formations.iter().map(ToString::to_string).collect(),
                    rapporteurs: d.rapporteurs.iter().map(ToString::to_string).collect(),
                    avocat_general: d.avocat_general.as_ref().map(ToString::to_string),
                    weight: d.weight,
                    priority: d.priority,
                    ready_date: d.ready_date.to_string(),
                    notice_days: i64::from(d.notice_days),
                    deadline: d.deadline.map(|date| date.to_string()),
                    deadline_rule: d.deadline_rule.clone(),
                    registration_date: d.registration_date.map(|date| date.to_string()),
                    recused: d.recusals.iter().map(|r| r.magistrate.to_string()).collect(),
                    recusal_grounds: d
                        .recusals
                        .iter()
                        .filter_map(|r| r.ground.clone().map(|ground| (r.magistrate.to_string(), ground)))
                        .collect(),
                    joined_group: d.joined_group.as_ref().map(ToString::to_string),
                    pinned_hearing: d.pinned_hearing.as_ref().map(ToString::to_string),
                    referral: d.referral.as_ref().map(|r| ReferralDoc {
                        from: r.from.to_string(),
                        chambers: r.chambers.iter().map(ToString::to_string).collect(),
                        article: r.article.clone(),
                        mandatory: r.mandatory,
                    }),
                })
                .collect(),
            designations: self
                .designations
                .iter()
                .map(|d| DesignationDoc {
                    formation: d.formation.to_string(),
                    chamber: d.chamber.to_string(),
                    members: d.members.iter().map(ToString::to_string).collect(),
                    substitutes: d.substitutes.iter().map(ToString::to_string).collect(),
                })
                .collect(),
        }
    }

    /// The instance as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        doc_to_json(&self.to_doc())
    }
}

/// A document as pretty-printed JSON.
pub fn doc_to_json(doc: &InstanceDoc) -> String {
    // Every field is a string, a finite number, a list or a map with string
    // keys: serialisation cannot fail.
    serde_json::to_string_pretty(doc)
        .unwrap_or_else(|error| unreachable!("instance documents always serialise: {error}"))
}
