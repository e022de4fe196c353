//! Who reports each new pourvoi, week after week: the rapporteurs'
//! designation by a [`Designation`] policy, and the work it gives them.
//!
//! Each week a chamber's new dossiers form its batch
//! (`greffe_models::distribution::Batch`); the policy designates their
//! rapporteurs — the optimised proposal (`greffe_solver::distribution`),
//! the same with the section alone required, or the round-robin by
//! seniority a chamber does by hand; [`Designation::AsGenerated`] keeps
//! the generator's rapporteur (the court as it is staffed today). Each
//! rapporteur then files his reports oldest first, up to his share of a
//! full service times his chamber's weekly rate ([`Desks::work`]); a filed
//! report keeps its residual weight until the dossier is judged,
//! `judged_after` weeks later. What is measured: the spread of the
//! weighted load per share ([`Desks::spread`]), the designations outside
//! the rapporteur's competence (section or speciality), the series split
//! across rapporteurs, the dossiers no one could take.
//!
//! Used by the what-if simulation (a scenario's `designation`) and by the
//! distribution benchmark (`greffe-bench-distribution`). No I/O.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use greffe_models::Role;
use greffe_models::dates::{DateRange, parse_date};
use greffe_models::distribution::{Batch, Candidate, Designating, DistributionRules};
use greffe_models::format::MagistrateDoc;
use greffe_solver::distribution::{RoundRobin, Settings, propose_court};
use serde::{Deserialize, Serialize};

/// How the rapporteurs of new pourvois are designated.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Designation {
    /// The rapporteur the generator gave the dossier drawn as a model (the
    /// court as staffed; no balancing).
    #[default]
    AsGenerated,
    /// The optimised proposal: competence (section and speciality),
    /// recusals, absences, load by circuit, series kept together.
    Optimised,
    /// The same with the section alone required (the specialities not
    /// read): what the balance alone gives.
    SectionOnly,
    /// The round-robin by seniority in each section, as done by hand.
    RoundRobin,
}

impl Designation {
    /// Every policy, in the order a comparison shows them.
    pub const ALL: [Designation; 4] = [Self::AsGenerated, Self::Optimised, Self::SectionOnly, Self::RoundRobin];

    /// Its name in scenarios (`as_generated`, `optimised`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AsGenerated => "as_generated",
            Self::Optimised => "optimised",
            Self::SectionOnly => "section_only",
            Self::RoundRobin => "round_robin",
        }
    }

    /// Its name for users.
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::AsGenerated => "telle que générée",
            Self::Optimised => "proposition optimisée",
            Self::SectionOnly => "optimisée, section seule",
            Self::RoundRobin => "tour de rôle par ancienneté",
        }
    }

    /// The policy named `raw` ([`Self::as_str`]).
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == raw)
    }
}

/// The magistrates of `chamber` who may report (`designating`: or
/// conclude), as the distribution reads them (no load yet:
/// [`Desks::read_loads`]).
pub fn candidates(magistrates: &[MagistrateDoc], chamber: &str, designating: Designating) -> Vec<Candidate> {
    magistrates
        .iter()
        .filter(|m| m.chamber == chamber)
        .filter_map(|m| {
            let role = Role::parse(&m.role)?;
            designating.designates(role).then(|| Candidate {
                id: m.id.clone(),
                name: m.name.clone().unwrap_or_else(|| m.id.clone()),
                role,
                section: m.section.clone(),
                rank: u32::try_from(m.rank).unwrap_or(u32::MAX),
                specialties: m.specialties.clone(),
                interests: Vec::new(),
                absences: m
                    .absences
                    .iter()
                    .filter_map(|a| DateRange::new(parse_date(&a.from).ok()?, parse_date(&a.to).ok()?).ok())
                    .collect(),
                load: 0.0,
                due: 0,
            })
        })
        .collect()
}

/// A designated dossier's report still to write.
#[derive(Debug, Clone)]
struct Work {
    weight: f64,
    remaining: f64,
}

/// A rapporteur's desk: reports due (oldest first), reports filed and not
/// yet judged (week filed, residual weight).
#[derive(Debug, Default, Clone)]
struct Desk {
    due: VecDeque<Work>,
    filed: VecDeque<(u32, f64)>,
}

/// The spread of a load over magistrates, each against his chamber's mean.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Spread {
    /// The most loaded magistrate's load per share over his chamber's mean.
    pub max_over_mean: f64,
    /// The standard deviation of that ratio.
    pub sd_over_mean: f64,
}

/// What one week's designations were.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Designated {
    /// Per batch, per dossier: the candidate designated, if any.
    pub chosen: Vec<Vec<Option<usize>>>,
    /// Dossiers designated.
    pub designated: usize,
    /// Of them, outside the rapporteur's section or speciality.
    pub outside_competence: usize,
    /// Dossiers no one could be designated for.
    pub not_designated: usize,
    /// The whole court's proposal time, in milliseconds (optimised
    /// policies).
    pub solve_ms: Option<f64>,
    /// The worst relative gap of a chamber's proposal (optimised policies).
    pub worst_gap: Option<f64>,
    /// The series the proposals could not keep together, and why, in
    /// French (optimised policies).
    pub split_series: Vec<String>,
}

/// The rapporteurs' desks of a court and the policy that fills them.
#[derive(Debug)]
pub struct Desks<'r> {
    policy: Designation,
    rules: &'r DistributionRules,
    robin: RoundRobin,
    desks: BTreeMap<String, Desk>,
    /// Weighted reports a full service files per week, by chamber.
    rate: BTreeMap<String, f64>,
    judged_after: u32,
    /// Weight designated to each magistrate over the run.
    given: BTreeMap<String, f64>,
    /// The rapporteurs of each series.
    series: BTreeMap<String, BTreeSet<String>>,
    /// The solve's settings (optimised policies).
    settings: Settings,
}

impl<'r> Desks<'r> {
    /// Empty desks; `rate` by chamber (weighted reports a full service
    /// files per week); a filed report judged `judged_after` weeks later.
    pub fn new(
        policy: Designation,
        rules: &'r DistributionRules,
        rate: BTreeMap<String, f64>,
        judged_after: u32,
    ) -> Self {
        Self {
            policy,
            rules,
            robin: RoundRobin::default(),
            desks: BTreeMap::new(),
            rate,
            judged_after,
            given: BTreeMap::new(),
            series: BTreeMap::new(),
            // A simulation is reproducible: each batch's optimum is proven
            // well within this limit (a week of the whole court: ≤ 0.2 s),
            // so the wall clock never decides a designation.
            settings: Settings { time_limit: std::time::Duration::from_secs(120), ..Settings::default() },
        }
    }

    /// The policy.
    pub fn policy(&self) -> Designation {
        self.policy
    }

    /// The weekly rate that keeps a chamber's stock of reports steady: its
    /// weekly inflow's weight over its magistrates' shares.
    pub fn steady_rate(rules: &DistributionRules, weekly_inflow_weight: f64, candidates: &[Candidate]) -> f64 {
        let shares: f64 = candidates.iter().filter_map(|c| rules.share(c.role)).sum();
        if shares > 0.0 { weekly_inflow_weight / shares } else { 0.0 }
    }

    /// Writes each candidate's load (reports due at their weight, filed
    /// ones at their residual) and reports due, as the registry reads them.
    pub fn read_loads(&self, candidates: &mut [Candidate]) {
        for candidate in candidates {
            let (load, due) = self.desks.get(&candidate.id).map_or((0.0, 0), |desk| {
                (
                    desk.due.iter().map(|w| w.weight).sum::<f64>() + desk.filed.iter().map(|(_, r)| r).sum::<f64>(),
                    desk.due.len(),
                )
            });
            candidate.load = load;
            candidate.due = due;
        }
    }

    /// Designates the batches' dossiers by the policy. `as_generated`
    /// gives, per batch and dossier, the generator's rapporteur (an index
    /// into the batch's candidates) for [`Designation::AsGenerated`].
    /// Records the work given and what is measured.
    pub fn designate(&mut self, batches: &[Batch], as_generated: &[Vec<Option<usize>>]) -> Designated {
        let mut out = Designated::default();
        out.chosen = match self.policy {
            Designation::AsGenerated => as_generated.to_vec(),
            Designation::RoundRobin => batches.iter().map(|b| self.robin.assign(b, self.rules)).collect(),
            Designation::Optimised | Designation::SectionOnly => {
                let hidden: Vec<Batch>;
                let solved = if self.policy == Designation::SectionOnly {
                    hidden = batches
                        .iter()
                        .map(|b| {
                            let mut b = b.clone();
                            b.dossiers.iter_mut().for_each(|d| d.matter = None);
                            b
                        })
                        .collect();
                    &hidden
                } else {
                    batches
                };
                let started = std::time::Instant::now();
                let proposals = propose_court(solved, self.rules, self.settings);
                out.solve_ms = Some(started.elapsed().as_secs_f64() * 1000.0);
                let mut worst: f64 = 0.0;
                let mut split = Vec::new();
                let chosen = proposals
                    .into_iter()
                    .zip(batches)
                    .map(|(proposal, batch)| {
                        let mut chosen = vec![None; batch.dossiers.len()];
                        // A batch that cannot be distributed whole is left
                        // to the chamber (none of it designated here).
                        if let Ok(proposal) = proposal {
                            worst = worst.max(proposal.solution.gap().unwrap_or(f64::INFINITY));
                            split.extend(proposal.split_series);
                            for d in proposal.designations {
                                chosen[d.dossier] = Some(d.candidate);
                            }
                        }
                        chosen
                    })
                    .collect();
                out.worst_gap = Some(worst);
                out.split_series = split;
                chosen
            }
        };
        for (batch, chosen) in batches.iter().zip(&out.chosen) {
            for (dossier, chosen) in batch.dossiers.iter().zip(chosen) {
                let Some(c) = *chosen else {
                    out.not_designated += 1;
                    continue;
                };
                let candidate = &batch.candidates[c];
                out.designated += 1;
                let outside_section = matches!((&dossier.section, &candidate.section), (Some(a), Some(b)) if a != b);
                let outside_matter = dossier.matter.as_ref().is_some_and(|m| !candidate.specialties.contains(m));
                if outside_section || outside_matter {
                    out.outside_competence += 1;
                }
                if let Some(series) = &dossier.series {
                    self.series.entry(series.clone()).or_default().insert(candidate.id.clone());
                }
                let weight = self.rules.weight(dossier.circuit, false);
                *self.given.entry(candidate.id.clone()).or_default() += weight;
                self.desks.entry(candidate.id.clone()).or_default().due.push_back(Work { weight, remaining: weight });
            }
        }
        out
    }

    /// A week of work for `candidates` of `chamber`: judged dossiers leave
    /// the desks, reports are filed oldest first up to each one's share of
    /// the chamber's rate.
    pub fn work<'c>(&mut self, week: u32, chamber: &str, candidates: impl IntoIterator<Item = &'c Candidate>) {
        let rate = self.rate.get(chamber).copied().unwrap_or(0.0);
        let residual = self.rules.weights.report_filed.value;
        for candidate in candidates {
            let Some(share) = self.rules.share(candidate.role) else { continue };
            let desk = self.desks.entry(candidate.id.clone()).or_default();
            while desk.filed.front().is_some_and(|(filed, _)| week >= filed + self.judged_after) {
                desk.filed.pop_front();
            }
            let mut capacity = rate * share;
            while capacity > 0.0 {
                let Some(work) = desk.due.front_mut() else { break };
                let done = work.remaining.min(capacity);
                work.remaining -= done;
                capacity -= done;
                if work.remaining <= 1e-9 {
                    let weight = work.weight;
                    desk.due.pop_front();
                    desk.filed.push_back((week, residual * weight));
                }
            }
        }
    }

    /// The spread of the load each reporting magistrate has now (reports
    /// due at what remains of them, filed ones at their residual) per
    /// share, each against his chamber's mean. `by_chamber`: the chambers'
    /// magistrates.
    pub fn spread<'c, C>(&self, by_chamber: C) -> Spread
    where
        C: IntoIterator<Item = &'c [Candidate]>,
    {
        self.spread_of(by_chamber, |id| {
            self.desks.get(id).map_or(0.0, |desk| {
                desk.due.iter().map(|w| w.remaining).sum::<f64>() + desk.filed.iter().map(|(_, r)| r).sum::<f64>()
            })
        })
    }

    /// The spread of the weight designated over the run, per share, each
    /// magistrate against his chamber's mean.
    pub fn given_spread<'c, C>(&self, by_chamber: C) -> Spread
    where
        C: IntoIterator<Item = &'c [Candidate]>,
    {
        self.spread_of(by_chamber, |id| self.given.get(id).copied().unwrap_or(0.0))
    }

    /// Weight designated to `magistrate` over the run.
    pub fn given(&self, magistrate: &str) -> f64 {
        self.given.get(magistrate).copied().unwrap_or(0.0)
    }

    /// Series designated so far, and of them those split across
    /// rapporteurs.
    pub fn series(&self) -> (usize, usize) {
        (self.series.len(), self.series.values().filter(|who| who.len() > 1).count())
    }

    /// Who already reports a pourvoi of `series`, if anyone does.
    pub fn series_rapporteur(&self, series: &str) -> Option<&String> {
        self.series.get(series).and_then(|who| who.iter().next())
    }

    fn spread_of<'c, C>(&self, by_chamber: C, load: impl Fn(&str) -> f64) -> Spread
    where
        C: IntoIterator<Item = &'c [Candidate]>,
    {
        spread_by_chamber(self.rules, by_chamber, load)
    }
}

/// The spread of `load` per share over the chambers' magistrates (those
/// with a share), each against his chamber's mean: the max of the ratio
/// and its standard deviation.
pub fn spread_by_chamber<'c, C>(rules: &DistributionRules, by_chamber: C, load: impl Fn(&str) -> f64) -> Spread
where
    C: IntoIterator<Item = &'c [Candidate]>,
{
    let mut ratios = Vec::new();
    for candidates in by_chamber {
        let per_share: Vec<f64> = candidates
            .iter()
            .filter_map(|c| rules.share(c.role).filter(|s| *s > 0.0).map(|s| load(&c.id) / s))
            .collect();
        if per_share.is_empty() {
            continue;
        }
        let mean = per_share.iter().sum::<f64>() / per_share.len() as f64;
        if mean > 0.0 {
            ratios.extend(per_share.iter().map(|x| x / mean));
        }
    }
    if ratios.is_empty() {
        return Spread::default();
    }
    let n = ratios.len() as f64;
    let max = ratios.iter().copied().fold(0.0, f64::max);
    let variance = ratios.iter().map(|x| (x - 1.0).powi(2)).sum::<f64>() / n;
    Spread { max_over_mean: max, sd_over_mean: variance.sqrt() }
}

#[cfg(test)]
mod tests {
    use greffe_models::distribution::BatchDossier;
    use greffe_models::dossier::Circuit;

    use super::*;

    fn candidate(id: &str, section: &str, rank: u32, specialties: &[&str]) -> Candidate {
        Candidate {
            id: id.into(),
            name: id.into(),
            role: Role::Conseiller,
            section: Some(section.into()),
            rank,
            specialties: specialties.iter().map(|s| (*s).to_owned()).collect(),
            interests: Vec::new(),
            absences: Vec::new(),
            load: 0.0,
            due: 0,
        }
    }

    fn dossier(n: i64, matter: &str) -> BatchDossier {
        BatchDossier {
            id: n,
            pourvoi: format!("A 27-10.{n:03}"),
            section: Some("s1".into()),
            matter: Some(matter.into()),
            circuit: Circuit::Intermediaire,
            parties: Vec::new(),
            recused: Vec::new(),
            ruling_due: None,
            series: None,
            series_designee: None,
        }
    }

    /// Two weeks of a section with one specialist of « bail » and one of
    /// « vente »: the optimised policy never designates outside the
    /// speciality and balances the two; the round-robin alternates by
    /// seniority whatever the matter; the desks file reports at the rate.
    #[test]
    fn policies_designate_measure_and_file() {
        let rules = DistributionRules::embedded();
        let candidates = vec![candidate("m1", "s1", 1, &["bail"]), candidate("m2", "s1", 2, &["vente"])];
        let batch = |week: i64, candidates: &[Candidate]| Batch {
            chamber: "civ3".into(),
            designating: Designating::Rapporteur,
            today: parse_date("2027-01-04").expect("day") + chrono::Duration::days(7 * week),
            dossiers: vec![dossier(1, "bail"), dossier(2, "bail"), dossier(3, "vente"), dossier(4, "vente")],
            candidates: candidates.to_vec(),
        };
        let weight = rules.weight(Circuit::Intermediaire, false);
        let rate = BTreeMap::from([("civ3".to_owned(), weight)]);
        let mut outcomes = BTreeMap::new();
        for policy in [Designation::Optimised, Designation::RoundRobin] {
            let mut desks = Desks::new(policy, rules, rate.clone(), 2);
            let mut pool = candidates.clone();
            let mut outside = 0;
            for week in 0..2 {
                desks.read_loads(&mut pool);
                let designated = desks.designate(&[batch(week, &pool)], &[]);
                assert_eq!((designated.designated, designated.not_designated), (4, 0), "{policy:?}");
                outside += designated.outside_competence;
                desks.work(u32::try_from(week).expect("week"), "civ3", &pool);
            }
            desks.read_loads(&mut pool);
            // Eight reports of `weight` given, four filed by week.
            assert!((desks.given("m1") + desks.given("m2") - 8.0 * weight).abs() < 1e-9);
            assert_eq!(pool.iter().map(|c| c.due).sum::<usize>(), 4, "{policy:?}: half the reports filed");
            outcomes.insert(policy.as_str(), (outside, desks.given_spread([pool.as_slice()])));
        }
        let (outside, spread) = outcomes["optimised"];
        assert_eq!(outside, 0, "the optimised policy reads the specialities");
        assert!((spread.max_over_mean - 1.0).abs() < 1e-9, "balanced: {spread:?}");
        let (outside, _) = outcomes["round_robin"];
        assert_eq!(outside, 4, "the round-robin gives half the dossiers to the other specialist");
    }

    #[test]
    fn policy_names_round_trip() {
        for policy in Designation::ALL {
            assert_eq!(Designation::parse(policy.as_str()), Some(policy));
            let json = serde_json::to_string(&policy).expect("JSON");
            assert_eq!(json, format!("\"{}\"", policy.as_str()));
        }
        assert_eq!(Designation::parse("hasard"), None);
    }
}
