//! Bench heuristic: a lawful bench for every hearing of a chamber, chosen in
//! date order so as to block as little work as possible.
//!
//! A member is available when present that day, not already on a bench of
//! the same half-day, and below his weekly cap minus a reserve of one
//! attendance for his own dossiers as rapporteur. Among the available, the
//! heuristic prefers members who block the least demand at that hearing
//! (dossiers for which they are recused, or rapporteurs in a formation
//! where they cannot also sit; each by its priority times its weight there,
//! which the bound's LP gives), then the least loaded; ties break by a
//! seeded hash, then by precedence. A section's hearing takes its
//! section's members (and the chamber's president) first, whatever they
//! block; members of other sections fill the seats left, by rank (R431-6
//! COJ).

use std::collections::{BTreeMap, HashSet};

use greffe_models::{Hearing, Instance, Role, sections};

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
        let keeps_reserve =
            |m: usize| used(m) + u32::from(reporting.contains(&m)) < magistrates[m].max_hearings_per_week;
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
