//! Bench heuristic: a lawful bench for every hearing of a chamber, chosen in
//! date order so as to block as little work as possible.
//!
//! A member is available when present that day, not already on a bench of
//! the same half-day, and below his weekly cap. He is taken first while
//! he keeps a reserve for his own dossiers as rapporteur: the half-days of
//! the week where the bound's LP hears them and he does not already sit
//! ([`Needs`]), at least one. Among the available, the heuristic prefers
//! members who block the least demand at that hearing (dossiers for which
//! they are recused, or rapporteurs in a formation where they cannot also
//! sit; each by its priority times its weight there, which the bound's LP
//! gives) and the least of their own dossiers elsewhere (at the half-day's
//! other hearings, which a seat keeps them from; at a half-day of the
//! week whose attendance the seat takes), then the least loaded; ties
//! break by a seeded hash, then by precedence. A section's hearing takes its
//! section's members (and the chamber's president) first, whatever they
//! block; members of other sections fill the seats left, by rank (R431-6
//! COJ).

use std::collections::{BTreeMap, HashMap, HashSet};

use greffe_models::{Date, HalfDay, Hearing, Instance, Role, sections};

/// Benches of a chamber's hearings, indexed like the chamber's hearing list.
pub(crate) type Benches = Vec<Option<Vec<usize>>>;

/// A candidate member's sort key: (blocks a pinned dossier, replaces a
/// member of the hearing's section, priority blocked, load, seeded
/// tie-break, precedence, magistrate index).
type Candidate = (bool, bool, f64, u32, u64, (u8, u32), usize);

/// Inputs of the bench heuristic for one chamber.
pub(crate) struct BenchInput<'a> {
    pub(crate) instance: &'a Instance,
    /// Global indexes of the chamber's hearings, in date order.
    pub(crate) hearings: &'a [usize],
    /// Global indexes of the chamber's sitting magistrates eligible for benches.
    pub(crate) eligible: &'a [usize],
    /// Per chamber hearing, the global indexes of dossiers that could be
    /// heard there (instance-level filters passed), each with its weight:
    /// how much blocking it there counts, times its priority.
    pub(crate) demand: &'a [Vec<(usize, f64)>],
    /// Per chamber hearing, dossiers pinned there (hard: never blocked).
    pub(crate) pinned: &'a [Vec<usize>],
    pub(crate) seed: u64,
    /// Who the chambre mixte and the assemblée plénière take.
    pub(crate) reserved: &'a crate::multi::Reserved,
    /// Per chamber hearing: the bench that is given (locked, or composed by
    /// law), taken as it is.
    pub(crate) fixed: &'a [Option<Vec<usize>>],
    /// What each member's own dossiers need of him ([`reporting_needs`]).
    pub(crate) needs: &'a Needs,
}

/// What the bound's LP needs of each rapporteur: the LP, free of benches,
/// hears a member's dossiers where they are worth most; a bench seat that
/// keeps him from them costs the plan what he no longer reports. Without
/// it (one attendance kept a week, blocking counted at the hearing only),
/// the fixed-bench LP of the commercial chamber, court at 8 weeks, seed 4,
/// ended 0.10 % below the bound (its formation plénière dossier lost: its
/// rapporteur sat at another hearing of that half-day), and of the civil
/// second chamber twice its size 0.14 % (an attendance a week too few);
/// with it, 0.00 % and 0.02 %, and the court at 10 s, seeds 1–5, 0.14–0.17 %
/// from the bound on average against 0.19–0.24 % (`docs/benchmarks.md`,
/// « nineteenth »).
#[derive(Debug, Clone, Default)]
pub(crate) struct Needs {
    /// The half-days a member's dossiers need him, by (magistrate index,
    /// ISO year, ISO week): attendances he keeps free in that week, where
    /// the chamber can spare him.
    weeks: HashMap<(usize, i32, u32), Vec<Needed>>,
    /// What the LP hears of a member's dossiers, by (magistrate index,
    /// date, half-day).
    slots: HashMap<(usize, Date, HalfDay), Vec<Heard>>,
}

/// A half-day where the LP hears at least [`NEED_MIN`] of a member's
/// dossiers.
#[derive(Debug, Clone, Copy)]
struct Needed {
    date: Date,
    half_day: HalfDay,
    /// What his dossiers weigh there: the LP's share of each times its
    /// priority.
    weight: f64,
}

/// A share of one of a member's dossiers that the LP hears at a hearing.
#[derive(Debug, Clone, Copy)]
struct Heard {
    /// Local hearing.
    hearing: usize,
    /// The LP's share of the dossier there.
    share: f64,
    /// That share times the dossier's priority.
    weight: f64,
}

impl Needs {
    /// The half-days of `hearing`'s ISO week, other than its own, where
    /// member `m`'s dossiers need him and `sits` does not already seat him
    /// (a member on the bench reports there too): what each weighs.
    fn uncovered<'n>(
        &'n self,
        m: usize,
        hearing: &'n Hearing,
        sits: impl Fn(Date, HalfDay) -> bool + 'n,
    ) -> impl Iterator<Item = f64> + 'n {
        let week = greffe_models::dates::iso_week(hearing.date);
        self.weeks
            .get(&(m, week.year(), week.week()))
            .into_iter()
            .flatten()
            .filter(move |needed| {
                (needed.date, needed.half_day) != (hearing.date, hearing.half_day)
                    && !sits(needed.date, needed.half_day)
            })
            .map(|needed| needed.weight)
    }

    /// What `m`'s dossiers weigh at the hearings of `hearing`'s half-day
    /// other than local hearing `local`: sitting there keeps him from them.
    fn elsewhere(&self, m: usize, local: usize, hearing: &Hearing) -> f64 {
        self.slots
            .get(&(m, hearing.date, hearing.half_day))
            .map_or(0.0, |list| list.iter().filter(|heard| heard.hearing != local).map(|heard| heard.weight).sum())
    }
}

/// The least share of his dossiers, summed over the hearings of one
/// half-day, for which the LP counts as needing a member there.
const NEED_MIN: f64 = 0.5;

/// What the bound's LP (`values`, laid out like `chamber.candidates`: per
/// local dossier, one value per candidate hearing) needs of each
/// rapporteur.
pub(crate) fn reporting_needs(chamber: &crate::chamber::Chamber<'_>, values: &[Vec<f64>]) -> Needs {
    let instance = chamber.instance;
    let mut needs = Needs::default();
    for (d, list) in chamber.candidates.iter().enumerate() {
        let dossier = chamber.dossier(d);
        let rapporteurs: Vec<usize> = dossier.rapporteurs.iter().filter_map(|id| instance.magistrate_idx(id)).collect();
        for (&h, &share) in list.iter().zip(values.get(d).map_or(&[][..], Vec::as_slice)) {
            if share <= 1e-6 {
                continue;
            }
            let hearing = chamber.hearing(h);
            let heard = Heard { hearing: h, share, weight: share * dossier.priority.max(0.01) };
            for &m in &rapporteurs {
                needs.slots.entry((m, hearing.date, hearing.half_day)).or_default().push(heard);
            }
        }
    }
    for (&(m, date, half_day), list) in &needs.slots {
        if list.iter().map(|heard| heard.share).sum::<f64>() >= NEED_MIN {
            let week = greffe_models::dates::iso_week(date);
            let weight = list.iter().map(|heard| heard.weight).sum();
            needs.weeks.entry((m, week.year(), week.week())).or_default().push(Needed { date, half_day, weight });
        }
    }
    needs
}

fn seeded(seed: u64, a: usize, b: usize) -> u64 {
    // SplitMix64 of the seed and the pair: a reproducible tie-break.
    let mut z = seed ^ (a as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (b as u64).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Weighted priority of the dossiers at hearing `h` that member `m` would block.
fn blocked_priority(input: &BenchInput<'_>, hearing: &Hearing, dossiers: &[(usize, f64)], m: usize) -> (bool, f64) {
    let instance = input.instance;
    let id = &instance.magistrates()[m].id;
    let mut total = 0.0;
    let mut hard = false;
    for &(d, weight) in dossiers {
        let dossier = &instance.dossiers()[d];
        let recused = dossier.is_recused(id);
        let reports = dossier.rapporteurs.contains(id);
        if !(recused || reports) {
            continue;
        }
        // Would the voices leave the bounds if m sat? Test with a bench of
        // the right size holding m and no other rapporteur.
        let blocks = recused || {
            let rule = instance.formation(hearing.formation);
            rule.is_some_and(|rule| {
                let joining = dossier.rapporteurs.iter().filter(|r| *r != id).count();
                let voices = rule.bench_size as usize + joining;
                voices < rule.min_voices as usize || voices > rule.max_voices as usize
            })
        };
        if blocks {
            total += weight * dossier.priority.max(0.01);
            hard |= input.pinned.iter().any(|pinned| pinned.contains(&d));
        }
    }
    (hard, total)
}

pub(crate) fn choose(input: &BenchInput<'_>) -> Benches {
    let instance = input.instance;
    let magistrates = instance.magistrates();
    // Members reporting at least one dossier keep one attendance a week free.
    let reporting: HashSet<usize> = instance
        .dossiers()
        .iter()
        .flat_map(|d| d.rapporteurs.iter())
        .filter_map(|id| instance.magistrate_idx(id))
        .collect();
    let mut on_slot: HashSet<(usize, greffe_models::Date, greffe_models::HalfDay)> = HashSet::new();
    let mut per_week: BTreeMap<(usize, i32, u32), u32> = BTreeMap::new();
    let mut load: Vec<u32> = vec![0; magistrates.len()];
    let mut benches: Benches = vec![None; input.hearings.len()];

    // Given benches first (locked, or composed by law): they are fixed.
    for (local, &h) in input.hearings.iter().enumerate() {
        let hearing = &instance.hearings()[h];
        if let Some(members) = input.fixed[local].clone() {
            for &m in &members {
                on_slot.insert((m, hearing.date, hearing.half_day));
                let week = greffe_models::dates::iso_week(hearing.date);
                *per_week.entry((m, week.year(), week.week())).or_default() += 1;
                load[m] += 1;
            }
            benches[local] = Some(members);
        }
    }
    for (local, &h) in input.hearings.iter().enumerate() {
        let hearing = &instance.hearings()[h];
        if input.fixed[local].is_some() {
            continue;
        }
        let Some(rule) = instance.formation(hearing.formation) else { continue };
        let week = greffe_models::dates::iso_week(hearing.date);
        let size = rule.bench_size as usize;
        let used = |m: usize| {
            per_week.get(&(m, week.year(), week.week())).copied().unwrap_or(0) + input.reserved.in_week(m, hearing.date)
        };
        let free = |m: usize| {
            let magistrate = &magistrates[m];
            !magistrate.is_absent_on(hearing.date)
                && !on_slot.contains(&(m, hearing.date, hearing.half_day))
                && !input.reserved.at(m, hearing)
                && used(m) < magistrate.max_hearings_per_week
        };
        // The attendances a member's own dossiers still need that week
        // (at half-days other than this one where he does not sit), at
        // least one for any rapporteur.
        let seated = &on_slot;
        let sits = |m: usize| move |date, half_day| seated.contains(&(m, date, half_day));
        let needed = |m: usize| input.needs.uncovered(m, hearing, sits(m)).count() as u32;
        let keeps_reserve = |m: usize| {
            used(m) + needed(m).max(u32::from(reporting.contains(&m))) < magistrates[m].max_hearings_per_week
        };
        // A section's hearing draws from its section (and the chamber's
        // president); other sections' members replace, by rank, only those
        // who cannot sit (R421-4-3, R431-6 COJ).
        let outsider = |m: usize| !sections::of_section(hearing, rule, &magistrates[m]);
        // Prefer members who keep their rapporteur reserve; use the reserve
        // only when the section, then the chamber, has too few.
        let tiers = [(false, true), (false, false), (true, true), (true, false)];
        let mut pool: Vec<usize> = Vec::new();
        for (from_outside, with_reserve) in tiers {
            pool.extend(
                input
                    .eligible
                    .iter()
                    .copied()
                    .filter(|&m| free(m) && outsider(m) == from_outside && (!with_reserve || keeps_reserve(m))),
            );
            pool.sort_unstable();
            pool.dedup();
            if pool.len() >= size {
                break;
            }
        }
        let mut scored: Vec<Candidate> = pool
            .into_iter()
            .map(|m| {
                let (hard, blocked) = blocked_priority(input, hearing, &input.demand[local], m);
                // Sitting keeps him from his dossiers at the half-day's
                // other hearings, and from one half-day of theirs in the
                // week when it takes an attendance they need.
                let mut blocked = blocked + input.needs.elsewhere(m, local, hearing);
                if used(m) + 1 + needed(m) > magistrates[m].max_hearings_per_week {
                    blocked += input.needs.uncovered(m, hearing, sits(m)).fold(f64::INFINITY, f64::min);
                }
                let magistrate = &magistrates[m];
                let precedence = (magistrate.role.precedence(), magistrate.rank);
                // Replacements by rank rather than by load.
                let (load, tie) = if outsider(m) { (0, 0) } else { (load[m], seeded(input.seed, m, h)) };
                (hard, outsider(m), blocked, load, tie, precedence, m)
            })
            .collect();
        scored.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then(a.1.cmp(&b.1))
                .then(a.2.total_cmp(&b.2))
                .then(a.3.cmp(&b.3))
                .then(a.4.cmp(&b.4))
                .then(a.5.cmp(&b.5))
        });
        let chosen: Vec<usize> = scored.iter().filter(|s| !s.0).take(size).map(|s| s.6).collect();
        if chosen.len() < size {
            continue; // No lawful bench: the hearing stays unusable.
        }
        for &m in &chosen {
            on_slot.insert((m, hearing.date, hearing.half_day));
            *per_week.entry((m, week.year(), week.week())).or_default() += 1;
            load[m] += 1;
        }
        benches[local] = Some(chosen);
    }
    benches
}

/// Sitting magistrates of `chamber` who may sit on its benches.
pub(crate) fn eligible(instance: &Instance, chamber: &greffe_models::ChamberId) -> Vec<usize> {
    instance
        .magistrates()
        .iter()
        .enumerate()
        .filter(|(_, m)| &m.chamber == chamber && m.role.is_bench_eligible() && m.role != Role::AvocatGeneral)
        .map(|(i, _)| i)
        .collect()
}

/// Every candidate of every hearing weighing alike (as without the bound's
/// LP), for tests.
#[cfg(test)]
pub(crate) fn uniform_demand(chamber: &crate::chamber::Chamber<'_>) -> Vec<Vec<(usize, f64)>> {
    (0..chamber.hearings.len())
        .map(|h| {
            (0..chamber.dossiers.len())
                .filter(|&d| chamber.candidates[d].contains(&h))
                .map(|d| (chamber.dossiers[d], 1.0))
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chamber::Chamber;
    use crate::multi::Reserved;

    /// The LP's values with `x` on each listed (local dossier, local
    /// hearing) pair, 0 elsewhere, laid out like the chamber's candidates.
    fn values(chamber: &Chamber<'_>, set: &[(usize, usize, f64)]) -> Vec<Vec<f64>> {
        chamber
            .candidates
            .iter()
            .enumerate()
            .map(|(d, list)| {
                list.iter()
                    .map(|&h| set.iter().find(|&&(sd, sh, _)| (sd, sh) == (d, h)).map_or(0.0, |entry| entry.2))
                    .collect()
            })
            .collect()
    }

    fn bench_of(chamber: &Chamber<'_>, demand: &[Vec<(usize, f64)>], needs: &Needs) -> Benches {
        choose(&BenchInput {
            instance: chamber.instance,
            hearings: &chamber.hearings,
            eligible: &chamber.eligible(),
            demand,
            pinned: &vec![Vec::new(); chamber.hearings.len()],
            seed: 1,
            reserved: &chamber.reserved,
            fixed: &chamber.fixed,
            needs,
        })
    }

    #[test]
    fn the_lp_needs_a_rapporteur_where_it_hears_half_a_dossier_of_his_or_more() {
        let instance = crate::chamber::generated(3);
        let id = instance.chambers()[0].id.clone();
        let chamber = Chamber::build(&instance, &id, false, &Reserved::default());
        let same_week = |a: usize, b: usize| {
            greffe_models::dates::iso_week(chamber.hearing(a).date)
                == greffe_models::dates::iso_week(chamber.hearing(b).date)
        };
        let slot = |h: usize| (chamber.hearing(h).date, chamber.hearing(h).half_day);
        // A dossier with a rapporteur and two candidates of one week at
        // different half-days, and a hearing of that week at a third.
        let (d, first, second, other) = (0..chamber.dossiers.len())
            .filter(|&d| !chamber.dossier(d).rapporteurs.is_empty())
            .find_map(|d| {
                let list = &chamber.candidates[d];
                list.iter().find_map(|&a| {
                    let b = list.iter().copied().find(|&b| same_week(a, b) && slot(a) != slot(b))?;
                    let c = (0..chamber.hearings.len())
                        .find(|&c| same_week(a, c) && slot(c) != slot(a) && slot(c) != slot(b))?;
                    Some((d, a, b, c))
                })
            })
            .expect("a dossier with two candidates in one week");
        let m = instance.magistrate_idx(&chamber.dossier(d).rapporteurs[0]).expect("rapporteur");
        let priority = chamber.dossier(d).priority.max(0.01);
        let needs = reporting_needs(&chamber, &values(&chamber, &[(d, first, 0.6), (d, second, 0.3)]));
        let hearing = |h: usize| chamber.hearing(h);
        // Needed at the first half-day (0.6), not at the second (0.3).
        let needed: Vec<f64> = needs.uncovered(m, hearing(other), |_, _| false).collect();
        assert_eq!(needed.len(), 1);
        assert!((needed[0] - 0.6 * priority).abs() < 1e-9);
        // Not where the seat is, nor where he already sits.
        assert_eq!(needs.uncovered(m, hearing(first), |_, _| false).count(), 0);
        let (date, half_day) = slot(first);
        assert_eq!(needs.uncovered(m, hearing(other), |d, h| (d, h) == (date, half_day)).count(), 0);
        // Another hearing of the first half-day keeps him from his dossier;
        // that hearing itself does not.
        assert!((needs.elsewhere(m, usize::MAX, hearing(first)) - 0.6 * priority).abs() < 1e-9);
        assert_eq!(needs.elsewhere(m, first, hearing(first)), 0.0);
        // Nothing of another member, nor without the LP.
        let other_member = chamber.eligible().into_iter().find(|&o| o != m).expect("another member");
        assert_eq!(needs.uncovered(other_member, hearing(other), |_, _| false).count(), 0);
        assert_eq!(Needs::default().uncovered(m, hearing(other), |_, _| false).count(), 0);
    }

    #[test]
    fn a_member_needed_to_report_at_one_hearing_is_not_seated_at_another_of_its_half_day() {
        for seed in 1..=3 {
            let instance = crate::chamber::generated(seed);
            for chamber in instance.chambers() {
                let chamber = Chamber::build(&instance, &chamber.id, false, &Reserved::default());
                let demand = uniform_demand(&chamber);
                let plain = bench_of(&chamber, &demand, &Needs::default());
                let slot = |h: usize| (chamber.hearing(h).date, chamber.hearing(h).half_day);
                // A member seated at hearing `seat` who reports a dossier
                // that could be heard at another hearing of its half-day.
                let found = (0..chamber.hearings.len()).find_map(|seat| {
                    plain[seat].as_ref()?.iter().find_map(|&m| {
                        let id = &instance.magistrates()[m].id;
                        (0..chamber.dossiers.len()).filter(|&d| chamber.dossier(d).rapporteurs.contains(id)).find_map(
                            |d| {
                                let at = chamber.candidates[d]
                                    .iter()
                                    .copied()
                                    .find(|&h| h != seat && slot(h) == slot(seat))?;
                                Some((seat, m, d, at))
                            },
                        )
                    })
                });
                let Some((seat, m, d, at)) = found else { continue };
                let needs = reporting_needs(&chamber, &values(&chamber, &[(d, at, 1.0)]));
                let benches = bench_of(&chamber, &demand, &needs);
                let bench = benches[seat].as_ref().expect("still a bench");
                assert!(!bench.contains(&m), "seed {seed}: the rapporteur is kept free for his dossier");
                return;
            }
        }
        panic!("no member seated at a half-day where he reports elsewhere");
    }
}
