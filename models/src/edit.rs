//! Edits of a draft plan by hand: move a dossier to another hearing or out
//! of the plan, swap a bench member, change a hearing's formation or
//! capacity, pin or unpin a dossier. An edit that names something unknown
//! is refused; an edit that breaks a planning rule is applied — the checker
//! says what it breaks, and validation is refused until it is fixed.

use serde::{Deserialize, Serialize};

use crate::court::Role;
use crate::format::{InstanceDoc, Problem};
use crate::formation::{FormationCode, FormationRule};
use crate::ids::{DossierId, HearingId, MagistrateId};
use crate::plan::{Assignment, Plan, Unscheduled, UnscheduledReason};
use crate::plenary::PlenaryComposition;

/// One edit, tagged by `op`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Edit {
    /// The dossier goes to `hearing`, or out of the plan when `hearing` is
    /// null.
    Move {
        /// Dossier id.
        dossier: String,
        /// Hearing id, or null.
        hearing: Option<String>,
    },
    /// `replacement` takes `member`'s seat at `hearing`.
    SwapBench {
        /// Hearing id.
        hearing: String,
        /// The member who leaves.
        member: String,
        /// The magistrate who sits instead.
        replacement: String,
    },
    /// The hearing sits in another formation.
    SetFormation {
        /// Hearing id.
        hearing: String,
        /// `FR`, `FS` or `FP`.
        formation: String,
    },
    /// The hearing takes at most `capacity` dossiers, of at most `weight`
    /// in all (`capacity` when not given).
    SetCapacity {
        /// Hearing id.
        hearing: String,
        /// New capacity in dossiers.
        #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1000))]
        capacity: i64,
        /// New capacity in weight; default: `capacity`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "openapi", schema(minimum = 0.0, maximum = 1000.0))]
        weight: Option<f64>,
    },
    /// The dossier is pinned to its hearing in the plan.
    Pin {
        /// Dossier id.
        dossier: String,
    },
    /// The dossier is no longer pinned.
    Unpin {
        /// Dossier id.
        dossier: String,
    },
}

/// The codes of the problems that name a dossier, hearing or magistrate the
/// draft lacks: a reference the draft refuses, where every other problem is
/// a bad value.
pub const MISSING_REFERENCE: [&str; 3] = ["unknown_dossier", "unknown_hearing", "unknown_magistrate"];

fn problem(path: &str, code: &'static str, message: String, fix: &str) -> Problem {
    Problem { path: path.to_owned(), code, message, fix: fix.to_owned() }
}

fn dossier_index(doc: &InstanceDoc, id: &str) -> Result<usize, Problem> {
    doc.dossiers.iter().position(|d| d.id == id).ok_or_else(|| {
        problem(
            "dossier",
            "unknown_dossier",
            format!("dossier « {id} » absent du projet"),
            "donner un dossier du projet",
        )
    })
}

fn hearing_index(doc: &InstanceDoc, id: &str) -> Result<usize, Problem> {
    doc.hearings.iter().position(|h| h.id == id).ok_or_else(|| {
        problem(
            "hearing",
            "unknown_hearing",
            format!("audience « {id} » absente du projet"),
            "donner une audience du projet",
        )
    })
}

fn parse_id<T>(raw: &str, path: &str, parse: fn(&str) -> Result<T, crate::ids::IdError>) -> Result<T, Problem> {
    parse(raw).map_err(|error| problem(path, "invalid_id", error.to_string(), "donner un identifiant valide"))
}

/// Applies `edit` to a draft (its instance document and plan); returns what
/// was done, in French. Refused, with the field named, when the edit names
/// something the draft does not have; nothing is changed then.
pub fn apply_edit(doc: &mut InstanceDoc, plan: &mut Plan, edit: &Edit) -> Result<String, Problem> {
    match edit {
        Edit::Move { dossier, hearing } => {
            dossier_index(doc, dossier)?;
            let target = hearing.as_deref().map(|h| hearing_index(doc, h).map(|_| h)).transpose()?;
            let id = parse_id(dossier, "dossier", DossierId::parse)?;
            plan.assignments.retain(|a| a.dossier != id);
            plan.unscheduled.retain(|u| u.dossier != id);
            plan.broken_requirements.retain(|b| b.dossier != id);
            match target {
                Some(h) => {
                    let hearing = parse_id(h, "hearing", HearingId::parse)?;
                    plan.assignments.push(Assignment { dossier: id, hearing });
                    Ok(format!("dossier {dossier} placé à l'audience {h}"))
                }
                None => {
                    plan.unscheduled.push(Unscheduled {
                        dossier: id,
                        reason: UnscheduledReason::Manual,
                        detail: "retiré du projet à la main".to_owned(),
                    });
                    Ok(format!("dossier {dossier} retiré du projet"))
                }
            }
        }
        Edit::SwapBench { hearing, member, replacement } => {
            let h = hearing_index(doc, hearing)?;
            if let Some(composition) = doc.hearings[h].composition.as_deref().and_then(PlenaryComposition::parse) {
                return Err(problem(
                    "hearing",
                    "plenary_composition",
                    format!(
                        "l'audience {hearing} siège en {} : sa composition est fixée par la loi ({})",
                        composition.label_fr(),
                        crate::plenary::SOURCE
                    ),
                    "un membre empêché est retiré en reprenant le projet ; pour choisir le siège, passer \
                     l'audience dans une autre formation",
                ));
            }
            if !doc.magistrates.iter().any(|m| m.id == *replacement) {
                return Err(problem(
                    "replacement",
                    "unknown_magistrate",
                    format!("magistrat « {replacement} » absent du projet"),
                    "donner un magistrat de la chambre",
                ));
            }
            let Some(bench) = plan.benches.iter_mut().find(|b| b.hearing.as_str() == hearing) else {
                return Err(problem(
                    "hearing",
                    "no_bench",
                    format!("l'audience {hearing} n'a pas de composition dans le projet"),
                    "placer d'abord un dossier à cette audience avec sa composition",
                ));
            };
            let Some(seat) = bench.members.iter().position(|m| m.as_str() == member) else {
                return Err(problem(
                    "member",
                    "not_a_member",
                    format!("{member} ne siège pas à l'audience {hearing}"),
                    "donner un membre de la composition",
                ));
            };
            bench.members[seat] = parse_id(replacement, "replacement", MagistrateId::parse)?;
            // The president is the member of highest precedence; at a
            // section's hearing, of its section (`sections::presiding_key`).
            let sitting = &doc.hearings[h];
            let code = FormationCode::parse(&sitting.formation);
            let from_section = code.is_some_and(|code| {
                let configured = doc.formations.iter().flatten().find(|rule| rule.code == code.as_str());
                configured.and_then(|rule| rule.from_section).unwrap_or(FormationRule::default_from_section(code))
            });
            let by_section = sitting.section.is_some() && sitting.locked_bench.is_none() && from_section;
            let precedence = |id: &MagistrateId| {
                doc.magistrates
                    .iter()
                    .find(|m| m.id == id.as_str())
                    .map(|m| {
                        let replacement =
                            by_section && m.role != Role::President.as_str() && m.section != sitting.section;
                        (replacement, Role::parse(&m.role).map_or(u8::MAX, Role::precedence), m.rank)
                    })
                    .unwrap_or((true, u8::MAX, i64::MAX))
            };
            bench.members.sort_by_key(|m| precedence(m));
            bench.president = bench.members[0].clone();
            Ok(format!("{replacement} remplace {member} à l'audience {hearing}"))
        }
        Edit::SetFormation { hearing, formation } => {
            let h = hearing_index(doc, hearing)?;
            let Some(code) = FormationCode::parse(formation) else {
                return Err(problem(
                    "formation",
                    "unknown_formation",
                    format!("formation « {formation} » inconnue"),
                    "utiliser FR, FS ou FP",
                ));
            };
            // CM and AP are held by `mi` and `pl`, with the benches the law
            // gives them: a chamber's hearing never becomes one, nor the
            // reverse.
            let current = FormationCode::parse(&doc.hearings[h].formation);
            if code.is_multi_chamber() || current.is_some_and(FormationCode::is_multi_chamber) {
                return Err(problem(
                    "formation",
                    "formation_chamber_mismatch",
                    format!("l'audience {hearing} ne peut pas passer en formation {formation}"),
                    "une audience de chambre siège en FR, FS ou FP ; chambre mixte et assemblée plénière ont leurs \
                     propres audiences",
                ));
            }
            doc.hearings[h].formation = formation.clone();
            let mut dropped = Vec::new();
            // FP sits without a section (R421-4-1 COJ): the hearing hears
            // every section's dossiers from then on.
            if !FormationRule::default_from_section(code) {
                if let Some(section) = doc.hearings[h].section.take() {
                    dropped.push(format!("ne siège plus pour la section {section}"));
                }
            }
            // Only FP has a composition by law; another formation's bench is
            // the planner's.
            if code != FormationCode::Pleniere {
                if let Some(label) = doc.hearings[h].composition.take().as_deref().and_then(PlenaryComposition::parse) {
                    dropped.push(format!("ne siège plus en {}", label.label_fr()));
                }
            }
            if dropped.is_empty() {
                Ok(format!("audience {hearing} en formation {formation}"))
            } else {
                Ok(format!("audience {hearing} en formation {formation} ({})", dropped.join(", ")))
            }
        }
        Edit::SetCapacity { hearing, capacity, weight } => {
            let h = hearing_index(doc, hearing)?;
            if !(0..=1000).contains(capacity) {
                return Err(problem(
                    "capacity",
                    "out_of_range",
                    format!("capacité {capacity} hors limites"),
                    "donner une capacité de 0 à 1000",
                ));
            }
            let weight = weight.unwrap_or(*capacity as f64);
            if !(weight.is_finite() && (0.0..=1000.0).contains(&weight)) {
                return Err(problem(
                    "weight",
                    "out_of_range",
                    format!("poids {weight} hors limites"),
                    "donner un poids de 0 à 1000",
                ));
            }
            doc.hearings[h].capacity_weight = weight;
            doc.hearings[h].capacity_count = *capacity;
            Ok(format!("capacité de l'audience {hearing} portée à {capacity} dossier(s), poids {weight}"))
        }
        Edit::Pin { dossier } => {
            let d = dossier_index(doc, dossier)?;
            let Some(at) = plan.assignments.iter().find(|a| a.dossier.as_str() == dossier) else {
                return Err(problem(
                    "dossier",
                    "not_assigned",
                    format!("le dossier {dossier} n'est à aucune audience du projet"),
                    "le placer d'abord à une audience",
                ));
            };
            doc.dossiers[d].pinned_hearing = Some(at.hearing.to_string());
            Ok(format!("dossier {dossier} fixé à l'audience {}", at.hearing))
        }
        Edit::Unpin { dossier } => {
            let d = dossier_index(doc, dossier)?;
            doc.dossiers[d].pinned_hearing = None;
            Ok(format!("dossier {dossier} n'est plus fixé"))
        }
    }
}

/// The edit that undoes `edit` on this draft, computed before `edit` is
/// applied; `None` when no single edit restores what `edit` changes (a pin
/// moved from another hearing) or when `edit` would be refused.
pub fn inverse(doc: &InstanceDoc, plan: &Plan, edit: &Edit) -> Option<Edit> {
    match edit {
        Edit::Move { dossier, .. } => {
            dossier_index(doc, dossier).ok()?;
            let at = plan.assignments.iter().find(|a| a.dossier.as_str() == dossier).map(|a| a.hearing.to_string());
            Some(Edit::Move { dossier: dossier.clone(), hearing: at })
        }
        Edit::SwapBench { hearing, member, replacement } => {
            Some(Edit::SwapBench { hearing: hearing.clone(), member: replacement.clone(), replacement: member.clone() })
        }
        Edit::SetFormation { hearing, formation } => {
            let h = hearing_index(doc, hearing).ok()?;
            // Going to FP drops the hearing's section, leaving FP its
            // composition: no single edit brings them back.
            let code = FormationCode::parse(formation);
            let drops_section = doc.hearings[h].section.is_some()
                && code.is_some_and(|code| !FormationRule::default_from_section(code));
            // Leaving FP drops its composition: no single edit restores it.
            let drops_composition =
                doc.hearings[h].composition.is_some() && code.is_some_and(|code| code != FormationCode::Pleniere);
            (!drops_section && !drops_composition)
                .then(|| Edit::SetFormation { hearing: hearing.clone(), formation: doc.hearings[h].formation.clone() })
        }
        Edit::SetCapacity { hearing, .. } => {
            let before = &doc.hearings[hearing_index(doc, hearing).ok()?];
            Some(Edit::SetCapacity {
                hearing: hearing.clone(),
                capacity: before.capacity_count,
                weight: Some(before.capacity_weight),
            })
        }
        Edit::Pin { dossier } => {
            let before = &doc.dossiers[dossier_index(doc, dossier).ok()?];
            before.pinned_hearing.is_none().then(|| Edit::Unpin { dossier: dossier.clone() })
        }
        Edit::Unpin { dossier } => {
            let before = &doc.dossiers[dossier_index(doc, dossier).ok()?];
            let pinned = before.pinned_hearing.as_deref()?;
            let at = plan.assignments.iter().find(|a| a.dossier.as_str() == dossier)?;
            (at.hearing.as_str() == pinned).then(|| Edit::Pin { dossier: dossier.clone() })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::from_json_text;

    fn draft() -> (InstanceDoc, Plan) {
        let doc = from_json_text(include_str!("../../fixtures/data/check.json")).expect("instance");
        let plan = Plan::from_json(include_str!("../../fixtures/data/check-plan.json")).expect("plan");
        (doc, plan)
    }

    fn apply(edit: serde_json::Value) -> (InstanceDoc, Plan, Result<String, Problem>) {
        let (mut doc, mut plan) = draft();
        let edit: Edit = serde_json::from_value(edit).expect("edit parses");
        let result = apply_edit(&mut doc, &mut plan, &edit);
        (doc, plan, result)
    }

    #[test]
    fn going_to_fp_drops_the_section_and_cannot_be_undone_by_one_edit() {
        let (mut doc, mut plan) = draft();
        doc.hearings[0].section = Some("civ1-s1".to_owned());
        let to_fp = Edit::SetFormation { hearing: "h1".to_owned(), formation: "FP".to_owned() };
        let to_fs = Edit::SetFormation { hearing: "h1".to_owned(), formation: "FS".to_owned() };
        assert!(inverse(&doc, &plan, &to_fs).is_some(), "FS keeps the section: undone by going back");
        assert_eq!(inverse(&doc, &plan, &to_fp), None);
        let said = apply_edit(&mut doc, &mut plan, &to_fp).expect("applies");
        assert!(said.contains("civ1-s1"), "{said}");
        assert_eq!(doc.hearings[0].section, None, "FP sits without a section");
    }

    #[test]
    fn a_move_places_or_removes_the_dossier_once() {
        let (_, plan, done) = apply(serde_json::json!({"op": "move", "dossier": "d1", "hearing": "h3"}));
        assert!(done.is_ok());
        let at: Vec<&str> =
            plan.assignments.iter().filter(|a| a.dossier.as_str() == "d1").map(|a| a.hearing.as_str()).collect();
        assert_eq!(at, ["h3"]);
        let (_, plan, _) = apply(serde_json::json!({"op": "move", "dossier": "d1", "hearing": null}));
        assert!(plan.assignments.iter().all(|a| a.dossier.as_str() != "d1"));
        let out = plan.unscheduled.iter().find(|u| u.dossier.as_str() == "d1").expect("unscheduled");
        assert_eq!(out.reason, UnscheduledReason::Manual);
    }

    #[test]
    fn unknown_names_are_refused_and_change_nothing() {
        let (original_doc, original_plan) = draft();
        for (edit, path) in [
            (serde_json::json!({"op": "move", "dossier": "d1", "hearing": "h99"}), "hearing"),
            (serde_json::json!({"op": "move", "dossier": "d99", "hearing": "h1"}), "dossier"),
            (serde_json::json!({"op": "swap_bench", "hearing": "h1", "member": "m05", "replacement": "m03"}), "member"),
            (
                serde_json::json!({"op": "swap_bench", "hearing": "h1", "member": "m02", "replacement": "m99"}),
                "replacement",
            ),
            (serde_json::json!({"op": "set_formation", "hearing": "h1", "formation": "XX"}), "formation"),
            (serde_json::json!({"op": "set_capacity", "hearing": "h1", "capacity": -1}), "capacity"),
            (serde_json::json!({"op": "pin", "dossier": "d6"}), "dossier"),
        ] {
            let (doc, plan, result) = apply(edit.clone());
            assert_eq!(result.expect_err("refused").path, path, "{edit}");
            assert_eq!((doc, plan), (original_doc.clone(), original_plan.clone()), "{edit} changed nothing");
        }
    }

    #[test]
    fn a_bench_swap_keeps_the_member_of_highest_precedence_presiding() {
        let (_, plan, done) =
            apply(serde_json::json!({"op": "swap_bench", "hearing": "h1", "member": "m01", "replacement": "m05"}));
        assert!(done.expect("swapped").contains("m05"));
        let bench = plan.benches.iter().find(|b| b.hearing.as_str() == "h1").expect("bench");
        let members: Vec<&str> = bench.members.iter().map(MagistrateId::as_str).collect();
        assert_eq!(members, ["m02", "m05"], "the doyen now presides");
        assert_eq!(bench.president.as_str(), "m02");
    }

    /// The plan with its lists in a canonical order (an undone move puts the
    /// dossier back at the end of the list).
    fn canonical(mut plan: Plan) -> Plan {
        plan.assignments
            .sort_by(|a, b| (a.dossier.as_str(), a.hearing.as_str()).cmp(&(b.dossier.as_str(), b.hearing.as_str())));
        plan.unscheduled.sort_by(|a, b| a.dossier.as_str().cmp(b.dossier.as_str()));
        plan.benches.sort_by(|a, b| a.hearing.as_str().cmp(b.hearing.as_str()));
        for bench in &mut plan.benches {
            bench.members.sort();
        }
        plan
    }

    #[test]
    fn an_edit_and_its_inverse_leave_the_draft_as_it_was() {
        let (original_doc, original_plan) = draft();
        for edit in [
            serde_json::json!({"op": "move", "dossier": "d1", "hearing": "h3"}),
            serde_json::json!({"op": "move", "dossier": "d1", "hearing": null}),
            serde_json::json!({"op": "swap_bench", "hearing": "h1", "member": "m01", "replacement": "m05"}),
            serde_json::json!({"op": "set_formation", "hearing": "h1", "formation": "FS"}),
            serde_json::json!({"op": "set_capacity", "hearing": "h1", "capacity": 3}),
            serde_json::json!({"op": "pin", "dossier": "d1"}),
        ] {
            let (mut doc, mut plan) = draft();
            let edit: Edit = serde_json::from_value(edit.clone()).expect("edit parses");
            let undo = inverse(&doc, &plan, &edit).unwrap_or_else(|| panic!("{edit:?} can be undone"));
            apply_edit(&mut doc, &mut plan, &edit).expect("applied");
            assert_ne!((&doc, canonical(plan.clone())), (&original_doc, canonical(original_plan.clone())), "{edit:?}");
            apply_edit(&mut doc, &mut plan, &undo).expect("undone");
            let mut expected = original_plan.clone();
            if let Edit::Move { dossier, .. } = &edit {
                // Back at its hearing; a manual removal's reason goes with it.
                expected.unscheduled.retain(|u| u.dossier.as_str() != dossier);
            }
            assert_eq!((&doc, canonical(plan)), (&original_doc, canonical(expected)), "{edit:?} then {undo:?}");
        }
        // Unpinning a pin made elsewhere is undone by pinning again there.
        let (mut doc, mut plan) = draft();
        apply_edit(&mut doc, &mut plan, &Edit::Pin { dossier: "d1".into() }).expect("pinned");
        let undo = inverse(&doc, &plan, &Edit::Unpin { dossier: "d1".into() });
        assert_eq!(undo, Some(Edit::Pin { dossier: "d1".into() }));
    }

    #[test]
    fn hearing_changes_and_pins_land_in_the_instance() {
        let (doc, _, _) = apply(serde_json::json!({"op": "set_capacity", "hearing": "h1", "capacity": 3}));
        let h1 = doc.hearings.iter().find(|h| h.id == "h1").expect("h1");
        assert_eq!((h1.capacity_weight, h1.capacity_count), (3.0, 3));
        let (doc, _, _) = apply(serde_json::json!({"op": "set_formation", "hearing": "h1", "formation": "FS"}));
        assert_eq!(doc.hearings.iter().find(|h| h.id == "h1").expect("h1").formation, "FS");
        let (doc, _, _) = apply(serde_json::json!({"op": "pin", "dossier": "d1"}));
        assert_eq!(doc.dossiers.iter().find(|d| d.id == "d1").expect("d1").pinned_hearing.as_deref(), Some("h1"));
    }
}
