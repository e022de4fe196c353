//! The JSON documents exactly as written on disk. Identifiers, dates and
//! enumerations stay strings here and numbers stay wide, so that reading an
//! instance can report **every** value problem at once with its JSON path
//! (see `validate`); only a wrong JSON type stops the reading early.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// An instance document (`docs/formats.md`, "Instance").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceDoc {
    /// Free-form description of where the instance comes from (generator,
    /// seed, export date). Ignored by the planner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<serde_json::Value>,
    /// Days covered by the plan.
    pub horizon: HorizonDoc,
    /// Formation sizes; defaults to the planning model's table when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formations: Option<Vec<FormationDoc>>,
    /// Chambers and their sections.
    pub chambers: Vec<ChamberDoc>,
    /// Sitting magistrates and avocats généraux.
    pub magistrates: Vec<MagistrateDoc>,
    /// Hearings of the calendar.
    pub hearings: Vec<HearingDoc>,
    /// Dossiers to plan.
    pub dossiers: Vec<DossierDoc>,
    /// Standing members and substitutes of the chambre mixte and the
    /// assemblée plénière, per chamber (planning model v2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub designations: Vec<DesignationDoc>,
}

/// `designations[]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DesignationDoc {
    /// `CM` or `AP`.
    pub formation: String,
    /// The chamber the members come from.
    pub chamber: String,
    /// The designated conseillers (two for CM, one for AP).
    pub members: Vec<String>,
    /// Substitutes, in the order they are called.
    #[serde(default)]
    pub substitutes: Vec<String>,
}

/// `dossiers[].referral`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferralDoc {
    /// The chamber that referred the dossier.
    pub from: String,
    /// CM: the chambers composing it (at least three); AP: absent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub chambers: Vec<String>,
    /// The article of the referral (`L431-5 COJ`…).
    pub article: String,
    /// Whether the referral was mandatory.
    #[serde(default)]
    pub mandatory: bool,
}

/// `horizon`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HorizonDoc {
    /// First day, `YYYY-MM-DD`.
    pub start: String,
    /// Last day, `YYYY-MM-DD`.
    pub end: String,
    /// Day the notices can go out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publication_date: Option<String>,
}

/// `formations[]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormationDoc {
    /// `FR FS FP CM AP`.
    pub code: String,
    /// Exact bench size.
    pub bench_size: i64,
    /// Fewest voices on a dossier.
    pub min_voices: i64,
    /// Most voices on a dossier.
    pub max_voices: i64,
    /// Whether a hearing that names its section draws its bench from it;
    /// default true for FR and FS, false otherwise (`docs/formats.md`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_section: Option<bool>,
}

/// `chambers[]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChamberDoc {
    /// Chamber id.
    pub id: String,
    /// Section ids.
    #[serde(default)]
    pub sections: Vec<String>,
}

/// `{"from", "to"}` with strings kept raw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RangeDoc {
    /// First day, included.
    pub from: String,
    /// Last day, included.
    pub to: String,
}

/// `magistrates[]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MagistrateDoc {
    /// Magistrate id.
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Chamber id.
    pub chamber: String,
    /// Section id, or null.
    #[serde(default)]
    pub section: Option<String>,
    /// `president doyen conseiller referendaire avocat_general`.
    pub role: String,
    /// Seniority in the chamber, 1 = most senior.
    pub rank: i64,
    /// Matter codes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub specialties: Vec<String>,
    /// Absence periods.
    #[serde(default)]
    pub absences: Vec<RangeDoc>,
    /// Most hearings attended in one ISO week.
    pub max_hearings_per_week: i64,
    /// Date from which seniority at the court counts, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seniority: Option<String>,
}

/// `hearings[]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HearingDoc {
    /// Hearing id.
    pub id: String,
    /// Chamber id.
    pub chamber: String,
    /// Day, inside the horizon.
    pub date: String,
    /// `am` or `pm`.
    pub half_day: String,
    /// Formation code.
    pub formation: String,
    /// Capacity in weight units.
    pub capacity_weight: f64,
    /// Capacity in dossiers.
    pub capacity_count: i64,
    /// Fixed bench, when locked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locked_bench: Option<Vec<String>>,
    /// CM: the chambers composing it; AP: absent (every chamber).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub chambers: Vec<String>,
    /// FR and FS: the section sitting, when the hearing is a section's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// FP: `full` or `reduced`, the composition of R421-4-1 COJ, when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub composition: Option<String>,
}

/// `dossiers[]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DossierDoc {
    /// Dossier id.
    pub id: String,
    /// Pourvoi number, `Y 15-26.094`.
    pub pourvoi: String,
    /// Chamber id.
    pub chamber: String,
    /// Section of the chamber the dossier is distributed to, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// Matter code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matter: Option<String>,
    /// `court intermediaire approfondi`; default `intermediaire`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub circuit: Option<String>,
    /// Acceptable formations, preferred first.
    pub formations: Vec<String>,
    /// One or two rapporteurs.
    pub rapporteurs: Vec<String>,
    /// Avocat général, or null.
    #[serde(default)]
    pub avocat_general: Option<String>,
    /// Weight (hearing time units).
    pub weight: f64,
    /// Priority.
    pub priority: f64,
    /// Ready date.
    pub ready_date: String,
    /// Notice period in days.
    pub notice_days: i64,
    /// Latest hearing date, or null.
    #[serde(default)]
    pub deadline: Option<String>,
    /// Rule id behind the deadline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline_rule: Option<String>,
    /// Registration date at the court.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_date: Option<String>,
    /// Recused magistrate ids.
    #[serde(default)]
    pub recused: Vec<String>,
    /// Ground of each recusal, by magistrate id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub recusal_grounds: BTreeMap<String, String>,
    /// Joined group id, or null.
    #[serde(default)]
    pub joined_group: Option<String>,
    /// Pinned hearing id, or null.
    #[serde(default)]
    pub pinned_hearing: Option<String>,
    /// For a dossier of `mi` or `pl`: the referral.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referral: Option<ReferralDoc>,
}
