//! A planning instance that has passed validation: every reference resolves,
//! every value obeys its rule. Built only by [`crate::format::validate`], so
//! holding an `Instance` is proof of referential integrity.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::court::{Chamber, Magistrate, Role};
use crate::dates::Horizon;
use crate::dossier::Dossier;
use crate::formation::{FormationCode, FormationRule};
use crate::hearing::Hearing;
use crate::ids::{ChamberId, DossierId, HearingId, MagistrateId};
use crate::multi::Designation;

/// A validated planning instance.
#[derive(Debug, Clone)]
pub struct Instance {
    pub(crate) meta: Option<serde_json::Value>,
    pub(crate) horizon: Horizon,
    pub(crate) formations: Vec<FormationRule>,
    pub(crate) chambers: Vec<Chamber>,
    pub(crate) magistrates: Vec<Magistrate>,
    pub(crate) hearings: Vec<Hearing>,
    pub(crate) dossiers: Vec<Dossier>,
    pub(crate) designations: Vec<Designation>,
    pub(crate) magistrate_index: HashMap<MagistrateId, usize>,
    pub(crate) hearing_index: HashMap<HearingId, usize>,
    pub(crate) dossier_index: HashMap<DossierId, usize>,
}

impl PartialEq for Instance {
    fn eq(&self, other: &Self) -> bool {
        // The indexes are derived from the lists.
        self.meta == other.meta
            && self.horizon == other.horizon
            && self.formations == other.formations
            && self.chambers == other.chambers
            && self.magistrates == other.magistrates
            && self.hearings == other.hearings
            && self.dossiers == other.dossiers
            && self.designations == other.designations
    }
}

impl Instance {
    /// Free-form metadata carried by the document.
    pub fn meta(&self) -> Option<&serde_json::Value> {
        self.meta.as_ref()
    }

    /// The planning horizon.
    pub fn horizon(&self) -> Horizon {
        self.horizon
    }

    /// Formation size rules in force for this instance.
    pub fn formations(&self) -> &[FormationRule] {
        &self.formations
    }

    /// The size rule of `code`, when configured.
    pub fn formation(&self, code: FormationCode) -> Option<&FormationRule> {
        self.formations.iter().find(|rule| rule.code == code)
    }

    /// Chambers, in document order.
    pub fn chambers(&self) -> &[Chamber] {
        &self.chambers
    }

    /// Magistrates, in document order.
    pub fn magistrates(&self) -> &[Magistrate] {
        &self.magistrates
    }

    /// Hearings, in document order.
    pub fn hearings(&self) -> &[Hearing] {
        &self.hearings
    }

    /// Dossiers, in document order.
    pub fn dossiers(&self) -> &[Dossier] {
        &self.dossiers
    }

    /// Designations of the chambre mixte's and the assemblée plénière's
    /// members, per chamber.
    pub fn designations(&self) -> &[Designation] {
        &self.designations
    }

    /// The designation of `chamber` for `formation` (CM or AP), if any.
    pub fn designation(&self, formation: FormationCode, chamber: &ChamberId) -> Option<&Designation> {
        self.designations.iter().find(|d| d.formation == formation && &d.chamber == chamber)
    }

    /// The premier président, when the instance has one.
    pub fn premier_president(&self) -> Option<usize> {
        self.magistrates.iter().position(|m| m.role == Role::PremierPresident)
    }

    /// Position of a magistrate in [`Self::magistrates`].
    pub fn magistrate_idx(&self, id: &MagistrateId) -> Option<usize> {
        self.magistrate_index.get(id).copied()
    }

    /// Position of a hearing in [`Self::hearings`].
    pub fn hearing_idx(&self, id: &HearingId) -> Option<usize> {
        self.hearing_index.get(id).copied()
    }

    /// Position of a dossier in [`Self::dossiers`].
    pub fn dossier_idx(&self, id: &DossierId) -> Option<usize> {
        self.dossier_index.get(id).copied()
    }

    /// A magistrate by id.
    pub fn magistrate(&self, id: &MagistrateId) -> Option<&Magistrate> {
        self.magistrate_idx(id).map(|idx| &self.magistrates[idx])
    }

    /// A hearing by id.
    pub fn hearing(&self, id: &HearingId) -> Option<&Hearing> {
        self.hearing_idx(id).map(|idx| &self.hearings[idx])
    }

    /// A dossier by id.
    pub fn dossier(&self, id: &DossierId) -> Option<&Dossier> {
        self.dossier_idx(id).map(|idx| &self.dossiers[idx])
    }

    /// Counts per chamber, for `instance validate` and dashboards.
    pub fn summary(&self) -> Summary {
        let mut chambers: BTreeMap<&ChamberId, ChamberSummary> = self
            .chambers
            .iter()
            .map(|chamber| (&chamber.id, ChamberSummary { chamber: chamber.id.to_string(), ..Default::default() }))
            .collect();
        for magistrate in &self.magistrates {
            let entry = chambers.get_mut(&magistrate.chamber).expect("validated chamber");
            if magistrate.role == Role::AvocatGeneral {
                entry.avocats_generaux += 1;
            } else {
                entry.sitting_magistrates += 1;
            }
        }
        for hearing in &self.hearings {
            let entry = chambers.get_mut(&hearing.chamber).expect("validated chamber");
            entry.hearings += 1;
            entry.capacity_weight += hearing.capacity_weight;
            entry.capacity_count += u64::from(hearing.capacity_count);
        }
        for dossier in &self.dossiers {
            let entry = chambers.get_mut(&dossier.chamber).expect("validated chamber");
            entry.dossiers += 1;
            entry.dossier_weight += dossier.weight;
            entry.with_deadline += usize::from(dossier.deadline.is_some());
            entry.with_recusal += usize::from(!dossier.recusals.is_empty());
            entry.joined += usize::from(dossier.joined_group.is_some());
        }
        let chambers: Vec<ChamberSummary> = chambers.into_values().collect();
        let total =
            chambers.iter().fold(ChamberSummary { chamber: "total".into(), ..Default::default() }, |mut total, c| {
                total.sitting_magistrates += c.sitting_magistrates;
                total.avocats_generaux += c.avocats_generaux;
                total.hearings += c.hearings;
                total.dossiers += c.dossiers;
                total.dossier_weight += c.dossier_weight;
                total.capacity_weight += c.capacity_weight;
                total.capacity_count += c.capacity_count;
                total.with_deadline += c.with_deadline;
                total.with_recusal += c.with_recusal;
                total.joined += c.joined;
                total
            });
        Summary {
            horizon_start: self.horizon.start().to_string(),
            horizon_end: self.horizon.end().to_string(),
            chambers,
            total,
        }
    }
}

/// Counts of one chamber (or of the whole instance, as `total`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ChamberSummary {
    /// Chamber id, or `total`.
    pub chamber: String,
    /// Presidents, doyens, conseillers and référendaires.
    pub sitting_magistrates: usize,
    /// Avocats généraux attached to the chamber.
    pub avocats_generaux: usize,
    /// Hearings in the horizon.
    pub hearings: usize,
    /// Dossiers to plan.
    pub dossiers: usize,
    /// Sum of dossier weights.
    pub dossier_weight: f64,
    /// Sum of hearing weight capacities.
    pub capacity_weight: f64,
    /// Sum of hearing count capacities.
    pub capacity_count: u64,
    /// Dossiers with a latest hearing date.
    pub with_deadline: usize,
    /// Dossiers with at least one recused magistrate.
    pub with_recusal: usize,
    /// Dossiers in a joined group.
    pub joined: usize,
}

impl ChamberSummary {
    /// Demand over supply: total dossier weight / total capacity weight.
    pub fn load_ratio(&self) -> Option<f64> {
        (self.capacity_weight > 0.0).then(|| self.dossier_weight / self.capacity_weight)
    }
}

/// Counts per chamber and in total.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// First day of the horizon.
    pub horizon_start: String,
    /// Last day of the horizon.
    pub horizon_end: String,
    /// One row per chamber, by chamber id.
    pub chambers: Vec<ChamberSummary>,
    /// Sums over the chambers.
    pub total: ChamberSummary,
}
