//! One chamber's solve, in three steps the scheduler interleaves:
//! [`Part::prepare`] (benches, greedy start, bound, LP, a first MILP plan),
//! [`Part::improve`] (large-neighbourhood search, in slices of time the
//! scheduler gives to the chamber that still gains most) and
//! [`Part::finish`] (the chamber's plan, reasons and figures).

use std::time::{Duration, Instant};

use greffe_models::{BrokenRequirement, Unscheduled};

use crate::benches::{self, Benches};
use crate::chamber::Chamber;
use crate::lns;
use crate::model::{self, BenchMode, Extras, MilpResult, Pairs};
use crate::polish;
use crate::sections;
use crate::{Objective, PartStats, SolveConfig, bound, candidates, greedy, reasons};

/// A chamber's plan, in global indexes, with its figures.
pub(crate) struct ChamberPlan {
    pub(crate) stats: PartStats,
    pub(crate) assignments: Vec<(usize, usize)>,
    pub(crate) benches: Vec<(usize, Vec<usize>)>,
    pub(crate) unscheduled: Vec<Unscheduled>,
    pub(crate) broken: Vec<BrokenRequirement>,
}

/// The previous plan's (dossier, hearing) pairs, for stability bonuses.
type PreviousPairs<'p> = std::collections::HashSet<(&'p greffe_models::DossierId, &'p greffe_models::HearingId)>;

/// The previous plan's pairs.
fn previous_pairs<'p>(config: &SolveConfig<'p>) -> PreviousPairs<'p> {
    config.previous.iter().flat_map(|plan| plan.assignments.iter().map(|a| (&a.dossier, &a.hearing))).collect()
}

/// Value of hearing local dossier `d` at local hearing `h` in the objective.
fn pair_value(
    chamber: &Chamber<'_>,
    config: &SolveConfig<'_>,
    previous: &PreviousPairs<'_>,
    d: usize,
    h: usize,
) -> f64 {
    let dossier = chamber.dossier(d);
    let hearing = chamber.hearing(h);
    let mut value = candidates::benchmark_value(chamber.instance, dossier, hearing);
    if let Objective::Default(weights) = config.objective {
        if previous.contains(&(&dossier.id, &hearing.id)) {
            value += weights.stability;
        }
        if config.allow_moving_pinned && dossier.pinned_hearing.as_ref() == Some(&hearing.id) {
            value += weights.published_stability;
        }
    }
    value
}

/// Every instance-lawful pair of the chamber with its value in the objective.
pub(crate) fn instance_pairs(chamber: &Chamber<'_>, config: &SolveConfig<'_>) -> Pairs {
    let previous = previous_pairs(config);
    (0..chamber.dossiers.len())
        .map(|d| chamber.candidates[d].iter().map(|&h| (h, pair_value(chamber, config, &previous, d, h))).collect())
        .collect()
}

/// Distinct (hearing, matter) pairs heard: what grouping by matter costs.
pub(crate) fn matter_groups(chamber: &Chamber<'_>, assigned: &[Option<usize>]) -> usize {
    let groups: std::collections::HashSet<(usize, &str)> = assigned
        .iter()
        .enumerate()
        .filter_map(|(d, a)| Some(((*a)?, chamber.dossier(d).matter.as_ref()?.as_str())))
        .collect();
    groups.len()
}

/// The benchmark value of a chamber's assignments (the default objective's
/// benchmark part).
pub(crate) fn benchmark_part(chamber: &Chamber<'_>, assigned: &[Option<usize>]) -> f64 {
    assigned
        .iter()
        .enumerate()
        .filter_map(|(d, a)| {
            a.map(|h| candidates::benchmark_value(chamber.instance, chamber.dossier(d), chamber.hearing(h)))
        })
        .sum()
}

/// The pairs that `keep(local dossier, local hearing)` accepts.
pub(crate) fn filtered(pairs: &Pairs, keep: impl Fn(usize, usize) -> bool) -> Pairs {
    pairs.iter().enumerate().map(|(d, list)| list.iter().copied().filter(|&(h, _)| keep(d, h)).collect()).collect()
}

/// Whether local hearing `h`'s bench in `benches` lets it hear local
/// dossier `d` (no recused member, voices within bounds).
pub(crate) fn bench_allows(chamber: &Chamber<'_>, benches: &Benches, d: usize, h: usize) -> bool {
    candidates::bench_filter(chamber.instance, chamber.dossier(d), chamber.hearing(h), benches[h].as_deref()).is_none()
}

/// The time the restricted MILP must have for its support to keep the
/// greedy plan's pairs as well as the LP's: measured on the court at 10 s
/// (the criminal chamber's restricted MILP gets about 4 s; the larger model
/// does not end) and at 60 s (it gains); between them, untested. From 2 s
/// instead, the 10-s gap under the default objective rose from 2.55 to
/// 2.70 % (`docs/benchmarks.md`, « seventh »).
const WIDE_SUPPORT_FROM: Duration = Duration::from_secs(8);

/// The relative gap a search window's MILP is solved to. Its objective is
/// the whole chamber's, so the planner's gap target (0.1 %: 9 points on
/// the criminal chamber) exceeded what most windows can gain, and HiGHS
/// stopped at once at the MIP start: at 60 s, 86 windows of the criminal
/// chamber gained 3 points in all. At 1e-5 the court at 8 weeks, 60 s,
/// seeds 1–3, went from 0.32/0.33/0.25 % to 0.17/0.20/0.19 % from the
/// bound (`docs/benchmarks.md`, « seventh »).
const WINDOW_GAP: f64 = 1e-5;

/// The most pairs for which the whole fixed-bench model's LP is tried,
/// counted over the chamber's lawful pairs (before the benches, which come
/// after the bound: the bound's share of time depends on it): on the court
/// at 8 weeks the largest (the criminal chamber, 44,000 pairs) ends in
/// 1.3 s; at 26 weeks none of the chambers' (94,000 to 460,000 pairs)
/// ended within its share of a 30-s run. Above, or when its share of time
/// is too short for its size ([`whole_lp_fits`]) or it does
/// not end in time, and once its bound LP is whole (candidates from a
/// bound cut short were poor), the chamber is *large*: its LP is solved
/// over the bound's candidates ([`LP_CANDIDATES`]), its restricted MILP in
/// blocks ([`RESTRICTED_BLOCK_PAIRS`]), its windows over candidates
/// ([`WINDOW_CANDIDATES`]). Not below: at 8 weeks, 60 s, seeds 1–3, the
/// three made the gap 0.20–0.23 % where it was 0.15–0.19 %
/// (`docs/benchmarks.md`, « ninth »). Where the whole LP would end but take
/// most of its share, only its LP is solved over the candidates
/// ([`WHOLE_LP_MAX_SHARE`]).
const FIXED_LP_MAX_PAIRS: usize = 60_000;

/// The most lawful pairs the whole fixed-bench LP is tried for per second
/// of its share, on any machine: a cap above the fastest LP measured, so
/// that the bound search's measure ([`WHOLE_LP_PER_BOUND`]) decides. The
/// LP ended at 34,000 pairs a second on one machine (the criminal
/// chamber's 44,000 at 8 weeks in 1.3 s) and at 36,000 on another (a
/// commercial chamber twice its size, 43,000 pairs in 1.2 s); on the
/// first, it did not end in 1 s for a chamber twice its size with 33,000
/// (more magistrates, more rows). At 25,000, the first machine's rate
/// with a margin, it refused on the second every chamber twice its size
/// that the bound's measure accepted and that then ended its LP in time
/// (court with chambers twice their size, 20 s, seeds 1–5: 0.29 % from
/// the bound on average over two runs, 0.26 % over four with this cap)
/// (`docs/benchmarks.md`, « eighteenth »). A failed try wastes its share
/// (court with chambers twice their size, 20 s, seeds 1–3: 0.66–0.98 %
/// from the bound when tried by pairs alone, 0.62–0.74 % never tried,
/// « ninth »).
const WHOLE_LP_PAIRS_PER_SECOND: f64 = 50_000.0;

/// How many times its own bound search the whole fixed-bench LP of a
/// chamber of [`WHOLE_LP_REFERENCE_PAIRS`] lawful pairs takes, on any
/// machine: the bound search, which ran just before on the same chamber,
/// is the machine's measure. A rate alone (as first used: 25,000 pairs a
/// second) was fitted on one machine; on one about twice as slow, the
/// criminal chamber's whole LP (46,000 pairs) was tried with 2.3 s and
/// needed 2.6–2.8 s, so at 10 s
/// it wasted a third of the chamber's share, and a court with chambers
/// twice their size planned *worse* at 25 s than at 20 s (1.17–1.21 %
/// against 0.90–1.01 % from the bound, seed 2: four chambers tried it and
/// none ended). Measured there, whole LP over bound search: 1.6–1.9 at
/// 8,700 pairs, 2.1–2.4 at 10,000–17,000, 2.5–3.5 at 22,000, 3.0 at
/// 34,000, 3.8–5.0 at 44,000–53,000: this ratio times the square root of
/// the pairs' share of the reference is at or above all of them but one
/// (3.54 at 21,500 pairs, where it gives 3.42) (`docs/benchmarks.md`,
/// « fourteenth »).
const WHOLE_LP_PER_BOUND: f64 = 5.0;
/// The chamber size at which the ratio [`WHOLE_LP_PER_BOUND`] holds.
const WHOLE_LP_REFERENCE_PAIRS: f64 = 46_000.0;

/// The most of its share the whole fixed-bench LP may be expected to take
/// ([`WHOLE_LP_PER_BOUND`]) for it to be solved: above, it would end, but
/// leave the restricted MILP and the search too little, and the chamber's
/// LP is solved over the bound's candidates ([`LP_CANDIDATES`]) instead,
/// the chamber otherwise as it is (not *large*). In-process, mean gap
/// from the bound: today's court at 5 s 0.178 → 0.127 % (seeds 1–5), at
/// 10 s 0.080 → 0.082 % (seeds 0–9, which split), its chambers twice their
/// size at 20 s 0.124 → 0.116 % (seeds 1–5). The whole LP took 20–45 % of
/// its share at today's size at 10 s, 49–72 % twice their size at 20 s
/// (`docs/benchmarks.md`, « twenty-fourth »).
const WHOLE_LP_MAX_SHARE: f64 = 0.5;

/// How the fixed-bench LP of a chamber small enough to try it whole
/// ([`FIXED_LP_MAX_PAIRS`]) is solved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WholeLp {
    /// Whole, in its share of time.
    Tried,
    /// Over the bound's candidates: whole, it would take more than
    /// [`WHOLE_LP_MAX_SHARE`] of its share.
    Candidates,
    /// Not at all in that share: the chamber is *large*.
    Refused,
}

/// How the whole fixed-bench LP of `n_pairs` lawful pairs is solved in
/// `lp_time`, its bound search having taken `bound_took` and ended
/// (`bound_final`): [`whole_lp_fits`], then [`WHOLE_LP_MAX_SHARE`] — which
/// reads the clock's measure, so not in a deterministic solve, and needs
/// the candidates of a bound LP that ended (cut short, it has none worth
/// the name: the whole LP is tried as it fits).
fn whole_lp(
    n_pairs: usize,
    lp_time: Duration,
    bound_took: Duration,
    bound_final: bool,
    deterministic: bool,
) -> WholeLp {
    if !whole_lp_fits(n_pairs, lp_time, bound_took, deterministic) {
        WholeLp::Refused
    } else if bound_final
        && !deterministic
        && expected_whole_lp(n_pairs, bound_took) > WHOLE_LP_MAX_SHARE * lp_time.as_secs_f64()
    {
        WholeLp::Candidates
    } else {
        WholeLp::Tried
    }
}

/// The time the whole fixed-bench LP of `n_pairs` lawful pairs is expected
/// to take, in seconds, its bound search having taken `bound_took`
/// ([`WHOLE_LP_PER_BOUND`]).
fn expected_whole_lp(n_pairs: usize, bound_took: Duration) -> f64 {
    bound_took.as_secs_f64() * WHOLE_LP_PER_BOUND * (n_pairs as f64 / WHOLE_LP_REFERENCE_PAIRS).sqrt()
}

/// Whether the whole fixed-bench LP of `n_pairs` lawful pairs may end
/// within `lp_time`, its bound search having taken `bound_took`: by the
/// rate of [`WHOLE_LP_PAIRS_PER_SECOND`] and, but in a deterministic
/// solve (whose choices do not depend on the clock's measures), by the
/// bound search's time ([`WHOLE_LP_PER_BOUND`]). A bound search cut short
/// at its deadline (a quarter of the preparation) makes the expected time
/// exceed the LP's share (about 0.3 of it) for any chamber above about
/// 2,650 pairs: the LP is not tried, as a chamber whose bound did not end
/// in that time would not end its whole LP in less.
fn whole_lp_fits(n_pairs: usize, lp_time: Duration, bound_took: Duration, deterministic: bool) -> bool {
    let by_rate = lp_time.as_secs_f64() * WHOLE_LP_PAIRS_PER_SECOND >= n_pairs as f64;
    by_rate && (deterministic || lp_time.as_secs_f64() >= expected_whole_lp(n_pairs, bound_took))
}

/// Pairs each dossier of a large chamber brings into its fixed-bench LP
/// beyond its pairs in the bound LP's support and its start: its best
/// others by the bound's prices ([`bound::BoundSearch::pair_prices`]),
/// among those the benches allow. Before, the restricted MILP of a large
/// chamber lived on the bound LP's support alone, which the benches cut:
/// court with chambers twice their size, seed 1, 20 s, 1.63 → 1.19 % from
/// the bound. With 4, that LP ends within 0.4 % of the bound in 0.4–1.3 s
/// there (with 16, within 0.04 % but in 6.5 s, and no better plan)
/// (`docs/benchmarks.md`, « ninth »).
const LP_CANDIDATES: usize = 4;

/// The most pairs of a large chamber's restricted MILP solved at once; a
/// larger one is solved in blocks of consecutive hearings, each with the
/// time left shared among the blocks left (the others' dossiers keep
/// their hearing or move into the block). The criminal chamber twice its
/// size (3,900 restricted pairs) ended its 8-s MILP 0.9 % below its LP;
/// in two blocks, 0.7 % (`docs/benchmarks.md`, « ninth »).
const RESTRICTED_BLOCK_PAIRS: usize = 2_000;

/// Pairs a large chamber's fixed-bench search window opens beyond the
/// bound LP's support: each dossier's best others by the bound's prices.
/// Opening every lawful pair of a window's hearings, its MILP grew with
/// the chamber (a criminal chamber twice its size: 6,000–7,700 pairs for
/// six hearings, 0.2–1 s each, 11 windows in a 20-s run); so, 1,600–1,800
/// pairs and 20 ms, 60 windows (`docs/benchmarks.md`, « ninth »).
const WINDOW_CANDIDATES: usize = 4;

/// The share of a fixed-bench chamber's time left that the polish of its
/// start ([`polish`], before the restricted MILP) may take: it ends on its
/// own well before (0.1–0.6 s on a court with chambers twice their size,
/// 180–470 moves). Cut at 0.05, as first tried, it stopped halfway, and
/// that court at 20 s, seeds 1–3, ended 0.50–0.67 / 0.44–0.67 / 0.51–0.73 %
/// from the bound over three runs; let end, 0.51 / 0.43–0.44 / 0.48 %
/// (`docs/benchmarks.md`, « sixteenth »).
const FIRST_POLISH_SHARE: f64 = 0.5;

/// The weight, in what a bench member would block, of a dossier the
/// bound's LP does not hear at that hearing (the LP's value plus this
/// when it does). With every candidate alike, as before, the heuristic's
/// benches cost the fixed-bench LP up to 0.4 % of the bound (commercial
/// chamber, court at 8 weeks, seed 4: 4,591.8 against 4,610.7; 4,605.9
/// so weighted); the 10-s gap, seeds 1–5: mean 0.46 → 0.40 %
/// (`docs/benchmarks.md`, « eighth »).
const DEMAND_FLOOR: f64 = 0.05;

/// Pairs outside the fixed-bench LP's support that each dossier brings
/// into the restricted MILP: its best by reduced value. The LP's support
/// alone is nearly integral — a dossier displaced in rounding has nowhere
/// else to go — and its MILP ended 1 % below the LP (criminal chamber,
/// seed 3: 9,539.0 against 9,637.8); with one alternative each, 9,593.0
/// in the same 4 s; with two, HiGHS found no better plan in time. Not
/// under the default objective: with the grouping's rows the larger
/// model's 10-s gap rose from 2.46 to 3.0 % (`docs/benchmarks.md`,
/// « eighth »).
const SUPPORT_ALTERNATIVES: usize = 1;

/// Pairs from which the restricted MILP (not given the time of
/// [`WIDE_SUPPORT_FROM`]) gives a dossier its LP keeps where the start
/// hears it that pair alone — no alternative — as the attendance MILP
/// does. Below it HiGHS often ends the model in its time and the
/// alternatives gain (today's civil first and third and commercial
/// chambers, 810–1,070 pairs; no alternative anywhere: 0.171 % from the
/// bound against 0.139 %); above it — every chamber twice its size,
/// 1,450–2,600 pairs — it ends by the clock, and the leaner model gains:
/// twice their size at 20 s, 0.192 / 0.193 % against 0.207–0.231 % in
/// five runs without; today's size at 10 s unchanged, 0.135 % against
/// 0.136–0.139 % (`docs/benchmarks.md`, « twenty-first »).
const LEAN_SUPPORT_FROM: usize = 1_400;

/// Pairs outside the attendance LP's support that each dossier it moves
/// brings into the attendance MILP ([`Part::attendance_moves`]): its best
/// by reduced value, as [`SUPPORT_ALTERNATIVES`] for the restricted MILP.
/// With none, the MILP over the LP's support alone gained 0.4 on the civil
/// first chamber twice its size (seed 5) where with one it gained 4.3 and
/// with two 3.1 (`docs/benchmarks.md`, « twentieth »).
const ATTENDANCE_ALTERNATIVES: usize = 1;

/// The longest an attendance neighbourhood ([`Part::attendance_moves`]:
/// its LP, MILP and polish) may run in the search, past the scheduler's
/// slice if need be: its LP alone takes 0.1–0.3 s in a chamber twice its
/// size, its MILP 0.1–2 s; cut by a slice of what is left of one second,
/// it gained nothing.
const ATTENDANCE_TIME: Duration = Duration::from_millis(2_000);

/// The most attendance rounds a deterministic preparation runs (the
/// others run while they gain, within the preparation's budget).
const DETERMINISTIC_ATTENDANCE_ROUNDS: usize = 3;

/// The least time left in a preparation for an attendance round.
const MIN_ATTENDANCE_TIME: Duration = Duration::from_millis(50);

/// Per dossier, its `k` pairs of best reduced value among those the LP
/// (`values`, `reduced`: laid out like `pairs`) leaves at zero, as
/// (local dossier, local hearing).
fn best_reduced(
    pairs: &Pairs,
    values: &[Vec<f64>],
    reduced: &[Vec<f64>],
    k: usize,
) -> std::collections::HashSet<(usize, usize)> {
    let mut chosen = std::collections::HashSet::new();
    for (d, list) in pairs.iter().enumerate() {
        let mut outside: Vec<(f64, usize)> = list
            .iter()
            .enumerate()
            .filter(|(i, _)| values[d].get(*i).is_some_and(|&x| x <= 1e-6))
            .filter_map(|(i, &(h, _))| Some((*reduced[d].get(i)?, h)))
            .collect();
        outside.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        chosen.extend(outside.into_iter().take(k).map(|(_, h)| (d, h)));
    }
    chosen
}

/// Whether an LP (`values`, laid out like `pairs`) keeps local dossier `d`
/// where `assigned` hears it: a MILP that starts from `assigned` then
/// gives it no other pair.
fn kept_by_lp(pairs: &Pairs, values: &[Vec<f64>], assigned: &[Option<usize>], d: usize) -> bool {
    assigned[d].is_some_and(|h| model::pair_value_of(pairs, values, d, h) >= 1.0 - 1e-3)
}

/// What [`Part::run`] solves.
#[derive(Debug, Clone, Copy)]
enum Solve {
    /// The LP relaxation: its values guide the restricted MILP.
    Lp,
    /// The MILP, to this relative gap.
    Milp { gap: f64 },
    /// A search window's MILP: to [`WINDOW_GAP`], without the grouping
    /// cost. Its `z ≥ x` rows made a window under the default objective
    /// about ten times slower than under the benchmark one: a 10-s run
    /// solved one window per chamber, none to the end. The window's plan
    /// is still kept only when its score, grouping included, is better
    /// (court at 8 weeks, default objective, seeds 1–5: 10-s gap 2.54 →
    /// 2.35 %; seeds 1–3 at 60 s: 2.23 → 2.07 %).
    Window,
}

impl Solve {
    /// The MILP to the planner's gap target.
    fn milp(config: &SolveConfig<'_>) -> Self {
        Self::Milp { gap: config.gap_target }
    }
}

/// A chamber being solved.
pub(crate) struct Part<'c, 'a> {
    chamber: &'c Chamber<'a>,
    instance_pairs: Pairs,
    /// The pairs of the model solved: every lawful pair with free benches,
    /// those the heuristic's benches allow with fixed ones.
    model_pairs: Pairs,
    heuristic_benches: Benches,
    eligible: Vec<usize>,
    mode: BenchMode,
    extras: Extras,
    penalty: f64,
    /// The bound valid for every lawful plan of the chamber, by column
    /// generation: begun in the preparation, resumed by the search while
    /// not final.
    bound: bound::BoundSearch,
    best: MilpResult,
    /// The model's objective of `best`.
    score: f64,
    search: lns::State,
    spent: Duration,
    /// Of which in the search.
    searched: Duration,
    /// Whether the whole fixed-bench LP was not tried or did not end, with
    /// the bound's LP whole ([`FIXED_LP_MAX_PAIRS`]).
    large: bool,
    /// In a large chamber, the pairs a fixed-bench window may open
    /// ([`WINDOW_CANDIDATES`]).
    window_candidates: Option<PairSet>,
}

/// A set of (local dossier, local hearing) pairs.
type PairSet = std::collections::HashSet<(usize, usize)>;

/// The pairs of `pairs` in the bound LP's support (`values`, laid out like
/// `pairs`), and each dossier's `k` best others by `prices`.
fn bound_candidates(pairs: &Pairs, values: &[Vec<f64>], prices: &[Vec<f64>], k: usize) -> PairSet {
    let mut set = best_reduced(pairs, values, prices, k);
    for (d, list) in pairs.iter().enumerate() {
        let support = list.iter().zip(&values[d]).filter(|(_, x)| **x > 1e-6);
        set.extend(support.map(|(&(h, _), _)| (d, h)));
    }
    set
}

impl ChamberPlan {
    /// The plans of a split chamber's two halves as the chamber's, with
    /// `bound`, computed on the whole chamber (`None`: none in time; the
    /// halves' do not add up to one).
    pub(crate) fn joined(mut first: ChamberPlan, second: ChamberPlan, bound: Option<f64>) -> ChamberPlan {
        let (a, b) = (&first.stats, &second.stats);
        let objective = a.objective + b.objective;
        first.stats = PartStats {
            chamber: a.chamber.clone(),
            dossiers: a.dossiers + b.dossiers,
            hearings: a.hearings + b.hearings,
            pairs: a.pairs + b.pairs,
            assigned: a.assigned + b.assigned,
            objective,
            benchmark: a.benchmark + b.benchmark,
            bound: bound.map(|bound| bound.max(objective)),
            model: if a.model == b.model { a.model } else { "fixed_benches" },
            milp_status: format!("{} / {}", a.milp_status, b.milp_status),
            milp_solution: a.milp_solution || b.milp_solution,
            time_limit_hit: a.time_limit_hit || b.time_limit_hit,
            neighbourhoods: a.neighbourhoods + b.neighbourhoods,
            solve_ms: a.solve_ms + b.solve_ms,
        };
        first.assignments.extend(second.assignments);
        first.benches.extend(second.benches);
        first.unscheduled.extend(second.unscheduled);
        first.broken.extend(second.broken);
        first
    }
}

impl<'c, 'a> Part<'c, 'a> {
    /// Benches, greedy start, bound, LP and a first MILP plan, within `budget`.
    pub(crate) fn prepare(chamber: &'c Chamber<'a>, config: &SolveConfig<'_>, budget: Duration) -> Self {
        let started = Instant::now();
        let instance = chamber.instance;
        let n_hearings = chamber.hearings.len();
        let instance_pairs = instance_pairs(chamber, config);
        let n_pairs: usize = instance_pairs.iter().map(Vec::len).sum();
        let mode = if n_pairs <= config.full_model_max_pairs { BenchMode::Free } else { BenchMode::Fixed };
        let extras = Extras::of(config.objective);
        let remaining = || budget.saturating_sub(started.elapsed());
        // Each stage gets a deadline, a share of the time left; building its
        // model counts against it. The bound first, within a quarter (half
        // when the whole fixed-bench LP is too large to try: the bound's
        // LP then chooses that LP's candidates).
        let deadline = |share: f64| Instant::now() + remaining().mul_f64(share);
        let stop = config.cancel.unwrap_or(&model::NEVER);
        let full_lp = mode == BenchMode::Fixed && n_pairs <= FIXED_LP_MAX_PAIRS;
        let mut bound = bound::BoundSearch::new(chamber, &instance_pairs, extras.matter_group_cost);
        let bound_started = Instant::now();
        bound.advance(chamber, &instance_pairs, deadline(if full_lp { 0.25 } else { 0.5 }), stop);
        let bound_took = bound_started.elapsed();
        // The bound lowered by hearings filled with whole dossiers; after
        // `bound_took`, which measures the LP alone.
        let deterministic = config.node_limit.is_some();
        let knapsack_deadline = (!deterministic).then(|| deadline(bound::KNAPSACK_SHARE));
        bound.tighten(chamber, None, bound::KNAPSACK_ITERATIONS, knapsack_deadline, stop);
        // The benches after the bound: what a member would block at a
        // hearing weighs the dossiers its LP hears there most
        // ([`DEMAND_FLOOR`]; all alike without it).
        let weight = |d: usize, i: usize| match bound.pair_values() {
            Some(values) => values[d].get(i).copied().unwrap_or(0.0) + DEMAND_FLOOR,
            None => 1.0,
        };
        let mut demand: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n_hearings];
        let mut pinned: Vec<Vec<usize>> = vec![Vec::new(); n_hearings];
        for (d, list) in chamber.candidates.iter().enumerate() {
            for (i, &h) in list.iter().enumerate() {
                demand[h].push((chamber.dossiers[d], weight(d, i)));
            }
            if let Some(p) = chamber.dossier(d).pinned_hearing.as_ref().and_then(|p| instance.hearing_idx(p)) {
                if let Some(local) = chamber.hearings.iter().position(|&g| g == p) {
                    pinned[local].push(chamber.dossiers[d]);
                }
            }
        }
        let eligible = chamber.eligible();
        // What the bound's LP needs of each rapporteur: the benches keep
        // him free for it where they can.
        let needs = bound.pair_values().map(|values| benches::reporting_needs(chamber, values)).unwrap_or_default();
        let heuristic_benches = benches::choose(&benches::BenchInput {
            instance,
            hearings: &chamber.hearings,
            eligible: &eligible,
            demand: &demand,
            pinned: &pinned,
            seed: config.seed,
            reserved: &chamber.reserved,
            fixed: &chamber.fixed,
            needs: &needs,
        });
        let fixed_pairs = filtered(&instance_pairs, |d, h| bench_allows(chamber, &heuristic_benches, d, h));
        let start = greedy::greedy(chamber, &heuristic_benches, &fixed_pairs);
        let max_value = instance_pairs.iter().flatten().map(|p| p.1).fold(1.0, f64::max);
        let mut part = Part {
            chamber,
            model_pairs: if mode == BenchMode::Free { instance_pairs.clone() } else { fixed_pairs },
            instance_pairs,
            heuristic_benches,
            eligible,
            mode,
            extras,
            penalty: 1_000.0 * max_value * (1.0 + chamber.dossiers.len() as f64),
            bound,
            best: MilpResult {
                assigned: start.clone(),
                benches: Vec::new(),
                dual_bound: None,
                status: "NotSet".into(),
                time_limit_hit: false,
                improved: false,
                lp: None,
            },
            score: 0.0,
            search: lns::State::default(),
            spent: Duration::ZERO,
            searched: Duration::ZERO,
            large: false,
            window_candidates: None,
        };
        part.best.benches = part.heuristic_benches.clone();
        part.score = part.score_of(&start, &part.heuristic_benches);
        let free = vec![mode == BenchMode::Free; n_hearings];
        if mode == BenchMode::Free {
            let result = part.run(config, &part.model_pairs, &start, &free, Solve::milp(config), deadline(0.95));
            part.keep(result);
        } else {
            // The fixed-bench model's LP (the whole, else over the bound's
            // candidates), that LP and the bound's rounded, then the MILP
            // restricted to the LP's support from the better start; the
            // search improves it afterwards.
            // The bound LP's values, laid out like the model's pairs.
            let bound_values: Option<Vec<Vec<f64>>> = part
                .bound
                .pair_values()
                .map(|values| model::relayout(&part.instance_pairs, values, &part.model_pairs, 0.0));
            let lp_deadline = deadline(0.4);
            let lp_time = lp_deadline.saturating_duration_since(Instant::now());
            let how = if full_lp {
                whole_lp(n_pairs, lp_time, bound_took, part.bound.is_final(), deterministic)
            } else {
                WholeLp::Refused
            };
            let whole = if how == WholeLp::Tried {
                part.run(config, &part.model_pairs, &start, &free, Solve::Lp, lp_deadline).lp
            } else {
                None
            };
            // Candidates drawn from a bound LP cut short are poor (court at
            // 26 weeks, 10 s, seed 1, no bound whole in time: objective
            // 108,900–109,800 from them, 109,400–109,800 without): the
            // support is then that LP's, as before.
            let by_candidates = whole.is_none() && part.bound.is_final();
            part.large = by_candidates && how != WholeLp::Candidates;
            if part.large {
                // The bound is whole: its candidates stay those of the
                // search's windows.
                let prices = part.bound.pair_prices(chamber, &part.instance_pairs);
                part.window_candidates =
                    part.bound.pair_values().zip(prices).map(|(values, prices)| {
                        bound_candidates(&part.instance_pairs, values, &prices, WINDOW_CANDIDATES)
                    });
            }
            let lp = whole.or_else(|| {
                if !by_candidates {
                    return None;
                }
                let prices = part.bound.pair_prices(chamber, &part.model_pairs)?;
                let values = bound_values.as_ref()?;
                let candidates = bound_candidates(&part.model_pairs, values, &prices, LP_CANDIDATES);
                let pairs = filtered(&part.model_pairs, |d, h| start[d] == Some(h) || candidates.contains(&(d, h)));
                let lp = part.run(config, &pairs, &start, &free, Solve::Lp, deadline(0.4)).lp?;
                Some(model::LpSolution {
                    values: model::relayout(&pairs, &lp.values, &part.model_pairs, 0.0),
                    reduced: model::relayout(&pairs, &lp.reduced, &part.model_pairs, f64::NEG_INFINITY),
                })
            });
            // Without the grouping's rows, each dossier's best pair outside
            // the LP's support joins it ([`SUPPORT_ALTERNATIVES`]).
            let alternatives = match &lp {
                Some(lp) if part.extras.matter_group_cost == 0.0 => {
                    best_reduced(&part.model_pairs, &lp.values, &lp.reduced, SUPPORT_ALTERNATIVES)
                }
                _ => PairSet::new(),
            };
            let lp_values = lp.map(|lp| lp.values);
            for values in [&lp_values, &bound_values].into_iter().flatten() {
                let rounded = part.rounded(values);
                part.keep(rounded);
            }
            let greedy_start = start;
            // The better start polished: the restricted MILP, ended by the
            // clock in a large chamber, starts from it, and the polish
            // after it takes the moves its support lacks.
            part.polish(config, deadline(FIRST_POLISH_SHARE));
            let start = part.best.assigned.clone();
            // The support: the fixed-bench LP's, else (not ended in time)
            // the bound LP's pairs that the benches allow.
            let support_values = lp_values.as_ref().or(bound_values.as_ref());
            let support = |d: usize, h: usize| {
                alternatives.contains(&(d, h))
                    || support_values.is_none_or(|values| model::pair_value_of(&part.model_pairs, values, d, h) > 1e-6)
            };
            // With time to solve it, the support also keeps the greedy
            // plan's pairs the LP's lacks: a larger model, which the later
            // search lives on (docs/benchmarks.md, « fifth »).
            let restricted_deadline = deadline(0.95);
            let wide =
                !part.large && restricted_deadline.saturating_duration_since(Instant::now()) >= WIDE_SUPPORT_FROM;
            let restricted = filtered(&part.model_pairs, |d, h| {
                start[d] == Some(h) || (wide && greedy_start[d] == Some(h)) || support(d, h)
            });
            // A model too large for HiGHS to end in that time: the
            // dossiers the LP keeps where the start hears them bring that
            // pair alone ([`LEAN_SUPPORT_FROM`]).
            let n_restricted: usize = restricted.iter().map(Vec::len).sum();
            let restricted = match support_values {
                Some(values) if !wide && n_restricted > LEAN_SUPPORT_FROM => filtered(&restricted, |d, h| {
                    start[d] == Some(h) || !kept_by_lp(&part.model_pairs, values, &start, d)
                }),
                _ => restricted,
            };
            part.solve_restricted(config, &restricted, &free, restricted_deadline);
            part.polish(config, deadline(1.0));
            // What is left of the budget (most of it when the restricted
            // MILP ended early): the attendance neighbourhood, while it
            // gains. A restricted MILP ended by the clock often returns its
            // start, and the polish after it then finds nothing
            // (`docs/benchmarks.md`, « twentieth »).
            let end = started + budget;
            for _ in 0..if deterministic { DETERMINISTIC_ATTENDANCE_ROUNDS } else { usize::MAX } {
                if !deterministic && Instant::now() + MIN_ATTENDANCE_TIME >= end {
                    break;
                }
                let gain = part.attendance_moves(config, end);
                if !lns::gains(gain, part.score) {
                    break;
                }
            }
        }
        part.spent = started.elapsed();
        part
    }

    /// Solves the MILP restricted to `restricted` from the best plan by
    /// `deadline`: at once, or, in a large chamber, in blocks of
    /// consecutive hearings when it holds more than
    /// [`RESTRICTED_BLOCK_PAIRS`] pairs.
    fn solve_restricted(&mut self, config: &SolveConfig<'_>, restricted: &Pairs, free: &[bool], deadline: Instant) {
        let n_pairs: usize = restricted.iter().map(Vec::len).sum();
        let blocks = if self.large { n_pairs.div_ceil(RESTRICTED_BLOCK_PAIRS).max(1) } else { 1 };
        if blocks == 1 {
            let start = self.best.assigned.clone();
            let result = self.run(config, restricted, &start, free, Solve::milp(config), deadline);
            self.keep(result);
            return;
        }
        let n_hearings = self.chamber.hearings.len();
        for b in 0..blocks {
            let block = b * n_hearings / blocks..(b + 1) * n_hearings / blocks;
            let assigned = self.best.assigned.clone();
            let pairs = filtered(restricted, |d, h| assigned[d] == Some(h) || block.contains(&h));
            let left = deadline.saturating_duration_since(Instant::now());
            let block_deadline = Instant::now() + left / (blocks - b) as u32;
            // A block's gain is small beside the chamber's objective, which
            // the planner's gap target is relative to: as a window's.
            let gap = config.gap_target.min(WINDOW_GAP);
            let result = self.run(config, &pairs, &assigned, free, Solve::Milp { gap }, block_deadline);
            self.keep(result);
        }
    }

    /// Improves the best plan by single moves and ejections on its benches
    /// ([`polish`]) until none gains or `deadline`.
    fn polish(&mut self, config: &SolveConfig<'_>, deadline: Instant) {
        let benches = &self.best.benches;
        // The model's pairs are those the heuristic's benches allow; a
        // search window may have re-decided some.
        let allowed;
        let pairs = if *benches == self.heuristic_benches {
            &self.model_pairs
        } else {
            allowed = filtered(&self.instance_pairs, |d, h| bench_allows(self.chamber, benches, d, h));
            &allowed
        };
        let deadline = config.node_limit.is_none().then_some(deadline);
        let stop = config.cancel.unwrap_or(&model::NEVER);
        let Some(polished) = polish::polish(
            self.chamber,
            pairs,
            benches,
            &self.best.assigned,
            self.extras,
            self.penalty,
            deadline,
            stop,
        ) else {
            return;
        };
        let status = format!("{} + {} moves", self.best.status, polished.moves);
        self.keep(MilpResult {
            assigned: polished.assigned,
            benches: benches.clone(),
            dual_bound: None,
            status,
            time_limit_hit: false,
            improved: true,
            lp: None,
        });
    }

    /// An LP rounded: the greedy again on the fixed benches, each dossier
    /// at the hearing the LP gives most of it (`lp`: the LP's values, laid
    /// out like the model's pairs). Often close to the MILP's first
    /// incumbent, in milliseconds: the start when the MILP ends before
    /// finding better.
    fn rounded(&self, lp: &[Vec<f64>]) -> MilpResult {
        let guided: Pairs = self
            .model_pairs
            .iter()
            .enumerate()
            .map(|(d, list)| {
                let lp = |i: usize| lp.get(d).and_then(|row| row.get(i)).copied().unwrap_or(0.0);
                list.iter().enumerate().map(|(i, &(h, value))| (h, (lp(i) + 1e-3) * value)).collect()
            })
            .collect();
        MilpResult {
            assigned: greedy::greedy(self.chamber, &self.heuristic_benches, &guided),
            benches: self.heuristic_benches.clone(),
            dual_bound: None,
            status: "LP rounded".into(),
            time_limit_hit: false,
            improved: true,
            lp: None,
        }
    }

    /// Solves the chamber's model over `pairs` from `start` by `deadline`
    /// (its LP, or the MILP to a relative gap: `solve`). `free` tells, per
    /// hearing, whether its bench is decided with the dossiers; the others
    /// are those of the best plan so far.
    fn run(
        &self,
        config: &SolveConfig<'_>,
        pairs: &Pairs,
        start: &[Option<usize>],
        free: &[bool],
        solve: Solve,
        deadline: Instant,
    ) -> MilpResult {
        // The LP only chooses the support of the restricted MILP: the pair
        // values suffice, and the soft terms' rows would slow it.
        let (relax, gap, extras) = match solve {
            Solve::Lp => (true, config.gap_target, Extras::default()),
            Solve::Milp { gap } => (false, gap, self.extras),
            Solve::Window => {
                (false, config.gap_target.min(WINDOW_GAP), Extras { matter_group_cost: 0.0, ..self.extras })
            }
        };
        let input = model::MilpInput {
            chamber: self.chamber,
            pairs,
            free,
            benches: &self.best.benches,
            start,
            penalty: self.penalty,
            extras,
            eligible: &self.eligible,
            relax,
        };
        model::solve(
            &input,
            model::MilpSettings {
                deadline,
                stop: config.cancel.unwrap_or(&model::NEVER),
                gap,
                seed: config.seed,
                node_limit: config.node_limit,
                threads: 1,
            },
        )
    }

    /// Keeps `result` if it scores better than the best plan so far, and
    /// says what it gained (0 when not kept).
    fn keep(&mut self, result: MilpResult) -> f64 {
        let score = self.score_of(&result.assigned, &result.benches);
        let time_limit_hit = self.best.time_limit_hit || result.time_limit_hit;
        let gain = score - self.score;
        let better = result.improved && gain > 1e-6;
        if better {
            self.best = result;
            self.score = score;
        } else {
            self.best.status = result.status;
        }
        self.best.time_limit_hit = time_limit_hit;
        if better { gain } else { 0.0 }
    }

    /// The model's objective of an assignment and its benches: pair values,
    /// less the penalty of each unmet requirement and the soft terms (fixed
    /// benches count at every hearing, as in the model; free ones where
    /// the hearing is used).
    fn score_of(&self, assigned: &[Option<usize>], benches: &Benches) -> f64 {
        let chamber = self.chamber;
        let mut score = lns::value(&self.instance_pairs, assigned);
        score -= self.penalty
            * assigned.iter().zip(&chamber.required).filter(|(a, r)| a.is_none() && r.is_some()).count() as f64;
        score -= self.extras.matter_group_cost * matter_groups(chamber, assigned) as f64;
        score -= self.load_cost(assigned, benches, self.mode == BenchMode::Fixed);
        score
    }

    /// The load term: its cost per attendance of the most loaded magistrate
    /// (0 under the benchmark objective). `all_benches`: every listed bench
    /// counts (as fixed benches do in the model), else only used hearings'.
    fn load_cost(&self, assigned: &[Option<usize>], benches: &Benches, all_benches: bool) -> f64 {
        if self.extras.load_cost > 0.0 {
            let attends = self.attendances(assigned, benches, |h| all_benches || assigned.contains(&Some(h)));
            let mut load: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
            for (m, _) in attends {
                *load.entry(m).or_default() += 1;
            }
            return self.extras.load_cost * load.values().copied().max().unwrap_or(0) as f64;
        }
        0.0
    }

    /// Who attends which hearing, as (local magistrate, local hearing): the
    /// members of `benches` at the hearings `counted` keeps, and the
    /// rapporteurs of every dossier `assigned` hears.
    fn attendances(
        &self,
        assigned: &[Option<usize>],
        benches: &Benches,
        counted: impl Fn(usize) -> bool,
    ) -> std::collections::HashSet<(usize, usize)> {
        let chamber = self.chamber;
        let mut attends = std::collections::HashSet::new();
        for (h, bench) in benches.iter().enumerate().filter(|(h, _)| counted(*h)) {
            attends.extend(bench.iter().flatten().map(|&m| (m, h)));
        }
        for (d, h) in assigned.iter().enumerate().filter_map(|(d, a)| Some((d, (*a)?))) {
            let rapporteurs = chamber.dossier(d).rapporteurs.iter();
            attends.extend(rapporteurs.filter_map(|id| chamber.instance.magistrate_idx(id)).map(|m| (m, h)));
        }
        attends
    }

    /// The objective of the best plan so far, as its plan lists it: pair
    /// values, less the soft terms of the default objective (benches of
    /// used hearings only).
    pub(crate) fn objective(&self) -> f64 {
        let assigned = &self.best.assigned;
        lns::value(&self.instance_pairs, assigned)
            - self.extras.matter_group_cost * matter_groups(self.chamber, assigned) as f64
            - self.load_cost(assigned, &self.best.benches, false)
    }

    /// The bound valid for every lawful plan of the chamber, once known.
    pub(crate) fn bound(&self) -> Option<f64> {
        self.bound.value()
    }

    /// The bound search's last multipliers (see [`bound::Prices`]).
    pub(crate) fn prices(&self) -> Option<bound::Prices> {
        self.bound.prices(self.chamber)
    }

    /// What the chamber may still gain: its bound less its score (0 once
    /// the search has nothing left to try). Without a bound (its LP did not
    /// end in time), an assumed 1 % of the score, so that it is searched.
    pub(crate) fn gain(&self, config: &SolveConfig<'_>) -> f64 {
        if self.mode == BenchMode::Free || self.search.exhausted {
            return 0.0;
        }
        let Some(bound) = self.bound.value() else { return 0.01 * self.score.abs() };
        let gap = bound - self.score;
        if gap <= config.gap_target * bound.abs() { 0.0 } else { gap }
    }

    /// How much the scheduler wants to search the chamber next: what it may
    /// still gain, per second already searched (half a second counted
    /// before the first slice), so that one large chamber does not take
    /// every slice while the others still gain.
    pub(crate) fn priority(&self, config: &SolveConfig<'_>) -> f64 {
        self.gain(config) / (self.searched.as_secs_f64() + 0.5)
    }

    /// Searches for a better plan until `until`, solving at most `most`
    /// neighbourhoods; an attendance neighbourhood may run on until `end`
    /// ([`ATTENDANCE_TIME`]).
    pub(crate) fn improve(&mut self, config: &SolveConfig<'_>, until: Instant, end: Instant, most: usize) {
        if self.gain(config) <= 0.0 {
            return;
        }
        let started = Instant::now();
        let chamber = self.chamber;
        // The bound first, while the preparation left it short: the gap
        // and the scheduler's choices read it. (Not in a deterministic
        // solve, whose search must not depend on the clock.)
        if !self.bound.is_final() && config.node_limit.is_none() {
            let stop = config.cancel.unwrap_or(&model::NEVER);
            let rounds = self.bound.rounds;
            self.bound.advance(chamber, &self.instance_pairs, until, stop);
            if self.bound.rounds > rounds {
                let iterations = bound::KNAPSACK_ITERATIONS;
                self.bound.tighten(chamber, Some(self.score), iterations, Some(until), stop);
            }
        }
        let mut state = std::mem::take(&mut self.search);
        let last = state.solved.saturating_add(most);
        while Instant::now() + Duration::from_millis(30) < until
            && self.gain(config) > 0.0
            && !state.exhausted
            && state.solved < last
        {
            let targets = || match self.bound.pair_values() {
                Some(lp) => lns::targeted(&self.instance_pairs, lp, &self.best.assigned, chamber.hearings.len()),
                None => Vec::new(),
            };
            let Some(neighbourhood) = state.next(chamber.hearings.len(), targets) else { break };
            let now = Instant::now();
            let gain = match neighbourhood {
                lns::Neighbourhood::Window { open, free_benches } => {
                    let window = self.window_pairs(&open, free_benches);
                    let free: Vec<bool> = open.iter().map(|&o| o && free_benches).collect();
                    // One window gets at most a few seconds, so that one
                    // hard window does not take the slice.
                    let deadline = until.min(now + Duration::from_secs(3));
                    let result = self.run(config, &window, &self.best.assigned, &free, Solve::Window, deadline);
                    self.keep(result)
                }
                lns::Neighbourhood::Attendance => {
                    let deadline = end.min(now + ATTENDANCE_TIME.max(until.saturating_duration_since(now)));
                    self.attendance_moves(config, deadline)
                }
            };
            state.record(gain, self.score);
            if config.cancel.is_some_and(|flag| flag.load(std::sync::atomic::Ordering::Relaxed)) {
                break;
            }
        }
        self.search = state;
        self.spent += started.elapsed();
        self.searched += started.elapsed();
    }

    /// The attendance neighbourhood ([`lns::Neighbourhood::Attendance`]),
    /// by `deadline`: the LP over every pair whose hearing the dossier's
    /// rapporteurs already attend in the best plan (and whose bench allows
    /// it); the MILP over the dossiers that LP does not leave where they
    /// are, each with its pairs in the LP's support and its best
    /// alternative ([`ATTENDANCE_ALTERNATIVES`]), every other dossier kept;
    /// then the polish. Says what it gained.
    ///
    /// Why: the windows move dossiers among a few consecutive hearings,
    /// where the plan is soon locally optimal; what is left is chains of
    /// moves across the horizon — a dossier heard a week earlier, the one
    /// it displaces later, a third into the room left (hearings fill by
    /// weight, 0.5 to 4 against 12: a packing) — within the attendances
    /// the plan already has. Court with chambers twice their size, seed
    /// 5, after the preparation: that LP lies 0.15–0.55 % above the plan
    /// and within 0.1 % of the bound; HiGHS on all its pairs (6,000–9,500)
    /// gained nothing in 3 s, on the dossiers the LP moves (800–1,300
    /// pairs) 0.1–0.2 % in 0.1–2 s, and the polish after it a few points
    /// more (`docs/benchmarks.md`, « twentieth »).
    fn attendance_moves(&mut self, config: &SolveConfig<'_>, deadline: Instant) -> f64 {
        let before = self.score;
        let start = self.best.assigned.clone();
        let pairs = self.attendance_pairs(&start);
        let free = vec![false; self.chamber.hearings.len()];
        let Some(lp) = self.run(config, &pairs, &start, &free, Solve::Lp, deadline).lp else { return 0.0 };
        let value = |d: usize, h: usize| model::pair_value_of(&pairs, &lp.values, d, h);
        let kept = |d: usize| kept_by_lp(&pairs, &lp.values, &start, d);
        let alternatives = best_reduced(&pairs, &lp.values, &lp.reduced, ATTENDANCE_ALTERNATIVES);
        let moved = filtered(&pairs, |d, h| {
            start[d] == Some(h) || (!kept(d) && (value(d, h) > 1e-6 || alternatives.contains(&(d, h))))
        });
        let result = self.run(config, &moved, &start, &free, Solve::Window, deadline);
        self.keep(result);
        self.polish(config, deadline);
        self.score - before
    }

    /// The pairs of the attendance neighbourhood: each dossier's current
    /// pair, and those at hearings where each of its rapporteurs already
    /// attends in `assigned` (on the bench, or as rapporteur of another
    /// dossier there) and whose bench allows it.
    fn attendance_pairs(&self, assigned: &[Option<usize>]) -> Pairs {
        let chamber = self.chamber;
        let rapporteurs =
            |d: usize| chamber.dossier(d).rapporteurs.iter().map(|id| chamber.instance.magistrate_idx(id));
        let attends = self.attendances(assigned, &self.best.benches, |_| true);
        filtered(&self.instance_pairs, |d, h| {
            assigned[d] == Some(h)
                || (rapporteurs(d).all(|m| m.is_some_and(|m| attends.contains(&(m, h))))
                    && bench_allows(chamber, &self.best.benches, d, h))
        })
    }

    /// A neighbourhood's pairs: each dossier's current pair, and its pairs
    /// at the open hearings — every lawful one when their benches are
    /// free; otherwise those their current benches allow (in a large
    /// chamber, among the bound's candidates, [`WINDOW_CANDIDATES`]).
    fn window_pairs(&self, open: &[bool], free_benches: bool) -> Pairs {
        let candidate = |d: usize, h: usize| {
            self.window_candidates.as_ref().is_none_or(|set| set.contains(&(d, h)))
                && bench_allows(self.chamber, &self.best.benches, d, h)
        };
        filtered(&self.instance_pairs, |d, h| {
            self.best.assigned[d] == Some(h) || (open[h] && (free_benches || candidate(d, h)))
        })
    }

    /// The chamber's plan, its reasons and figures.
    pub(crate) fn finish(mut self, config: &SolveConfig<'_>) -> ChamberPlan {
        let chamber = self.chamber;
        let n_hearings = chamber.hearings.len();
        // Seats of other sections' members go back to the section where
        // one of its members is free after all (an unused hearing convenes
        // no one).
        let mut used_benches: Benches = (0..n_hearings)
            .map(|h| self.best.assigned.contains(&Some(h)).then(|| self.best.benches[h].clone()).flatten())
            .collect();
        sections::settle(chamber, &self.best.assigned, &mut used_benches, &self.eligible);
        for (h, bench) in used_benches.into_iter().enumerate().filter(|(_, bench)| bench.is_some()) {
            self.best.benches[h] = bench;
        }
        let milp = &self.best;
        let objective = self.objective();
        // Reasons judge unused hearings by the heuristic's bench: with free
        // benches the MILP gives an unused hearing none, though one exists.
        let reason_benches: Benches = (0..n_hearings)
            .map(|h| {
                if milp.assigned.contains(&Some(h)) {
                    milp.benches[h].clone()
                } else {
                    self.heuristic_benches[h].clone()
                }
            })
            .collect();
        let outcome = reasons::Outcome { benches: &reason_benches, assigned: &milp.assigned };
        let mut unscheduled = Vec::new();
        let mut broken = Vec::new();
        for d in 0..chamber.dossiers.len() {
            if milp.assigned[d].is_some() {
                continue;
            }
            let dossier = chamber.dossier(d);
            let (reason, detail) = reasons::unscheduled(chamber, d, &outcome);
            unscheduled.push(Unscheduled { dossier: dossier.id.clone(), reason, detail });
            if let Some(requirement) = chamber.required[d] {
                broken.push(reasons::broken(chamber, d, requirement, &outcome));
            }
        }
        // The MILP's dual bound holds for every plan when benches were free,
        // the objective is the benchmark's and no requirement is broken.
        // Members taken by a chambre mixte or the assemblée plénière make the
        // MILP's bound one of this multi-chamber plan only: not used then.
        let dual_ok = self.mode == BenchMode::Free
            && config.objective == Objective::Benchmark
            && broken.is_empty()
            && chamber.reserved.is_empty();
        let bound = match (self.bound.value(), milp.dual_bound.filter(|_| dual_ok)) {
            (Some(lp), Some(dual)) => Some(lp.min(dual).max(objective)),
            (Some(lp), None) => Some(lp.max(objective)),
            (None, Some(dual)) => Some(dual.max(objective)),
            (None, None) => None,
        };
        let used: Vec<bool> = (0..n_hearings).map(|h| milp.assigned.contains(&Some(h))).collect();
        ChamberPlan {
            stats: PartStats {
                chamber: chamber.id.to_string(),
                dossiers: chamber.dossiers.len(),
                hearings: n_hearings,
                pairs: self.model_pairs.iter().map(Vec::len).sum(),
                assigned: milp.assigned.iter().flatten().count(),
                objective,
                benchmark: benchmark_part(chamber, &milp.assigned),
                bound,
                model: if self.mode == BenchMode::Free { "full" } else { "fixed_benches" },
                milp_status: milp.status.clone(),
                milp_solution: milp.improved,
                time_limit_hit: milp.time_limit_hit,
                neighbourhoods: self.search.solved,
                solve_ms: self.spent.as_millis() as u64,
            },
            assignments: milp
                .assigned
                .iter()
                .enumerate()
                .filter_map(|(d, a)| a.map(|h| (chamber.dossiers[d], chamber.hearings[h])))
                .collect(),
            benches: milp
                .benches
                .iter()
                .enumerate()
                .filter(|(h, _)| used[*h])
                .filter_map(|(h, bench)| bench.clone().map(|members| (chamber.hearings[h], members)))
                .collect(),
            unscheduled,
            broken,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_dossier_brings_its_best_pairs_outside_the_lps_support() {
        // Dossier 0: heard at hearing 2 by the LP; of the others, hearing 5
        // costs least. Dossier 1: split by the LP between 0 and 1, nothing
        // else. Dossier 2: unheard by the LP; 4 then 3 cost least.
        let pairs: Pairs =
            vec![vec![(2, 10.0), (5, 9.0), (7, 8.0)], vec![(0, 5.0), (1, 5.0)], vec![(3, 4.0), (4, 4.0), (6, 1.0)]];
        let values = vec![vec![1.0, 0.0, 0.0], vec![0.5, 0.5], vec![0.0, 0.0, 0.0]];
        let reduced = vec![vec![0.0, -0.5, -2.0], vec![0.0, 0.0], vec![-0.3, -0.1, -3.0]];
        let one = best_reduced(&pairs, &values, &reduced, 1);
        assert_eq!(one, [(0, 5), (2, 4)].into_iter().collect());
        let two = best_reduced(&pairs, &values, &reduced, 2);
        assert_eq!(two, [(0, 5), (0, 7), (2, 4), (2, 3)].into_iter().collect());
        assert!(best_reduced(&pairs, &values, &reduced, 0).is_empty());
    }

    #[test]
    fn the_bounds_candidates_are_its_support_and_each_dossiers_best_prices() {
        // Dossier 0: heard at 2 by the bound's LP, 7 priced above 5.
        // Dossier 1: unheard; 0 priced best. Dossier 2: half at 3, half at 4.
        let pairs: Pairs =
            vec![vec![(2, 10.0), (5, 9.0), (7, 8.0)], vec![(0, 5.0), (1, 5.0)], vec![(3, 4.0), (4, 4.0)]];
        let values = vec![vec![1.0, 0.0, 0.0], vec![0.0, 0.0], vec![0.5, 0.5]];
        let prices = vec![vec![3.0, -1.0, 0.5], vec![2.0, 1.0], vec![0.0, 0.0]];
        let one = bound_candidates(&pairs, &values, &prices, 1);
        assert_eq!(one, [(0, 2), (0, 7), (1, 0), (2, 3), (2, 4)].into_iter().collect());
        let none = bound_candidates(&pairs, &values, &prices, 0);
        assert_eq!(none, [(0, 2), (2, 3), (2, 4)].into_iter().collect(), "the support alone");
    }

    #[test]
    fn values_follow_their_pairs_into_another_layout() {
        let from: Pairs = vec![vec![(4, 1.0)], vec![(0, 1.0), (2, 1.0)]];
        let to: Pairs = vec![vec![(1, 1.0), (4, 1.0)], vec![(2, 1.0), (0, 1.0), (3, 1.0)]];
        let values = vec![vec![0.7], vec![0.25, 0.75]];
        let moved = model::relayout(&from, &values, &to, -1.0);
        assert_eq!(moved, vec![vec![-1.0, 0.7], vec![0.75, 0.25, -1.0]]);
    }

    #[test]
    fn the_attendance_neighbourhood_moves_dossiers_where_their_rapporteurs_already_sit() {
        let instance = crate::chamber::generated(1);
        let id = instance.chambers()[0].id.clone();
        let chamber = Chamber::build(&instance, &id, false, &crate::multi::Reserved::default());
        let config = SolveConfig { node_limit: Some(2_000), full_model_max_pairs: 0, ..SolveConfig::default() };
        let mut part = Part::prepare(&chamber, &config, Duration::from_secs(5));
        // From the greedy plan on the heuristic's benches, far from the
        // prepared one.
        let start = greedy::greedy(&chamber, &part.heuristic_benches, &part.model_pairs);
        part.best.assigned = start.clone();
        part.best.benches = part.heuristic_benches.clone();
        part.score = part.score_of(&start, &part.heuristic_benches);
        // Where each magistrate sits in that plan: bench, or rapporteur.
        let magistrates = |d: usize| -> Vec<usize> {
            chamber.dossier(d).rapporteurs.iter().map(|id| instance.magistrate_idx(id).expect("known")).collect()
        };
        let sits = |m: usize, h: usize| {
            part.best.benches[h].as_ref().is_some_and(|bench| bench.contains(&m))
                || (0..start.len()).any(|d| start[d] == Some(h) && magistrates(d).contains(&m))
        };
        let pairs = part.attendance_pairs(&start);
        let mut elsewhere = 0;
        for (d, list) in pairs.iter().enumerate() {
            for &(h, _) in list.iter().filter(|(h, _)| start[d] != Some(*h)) {
                assert!(magistrates(d).iter().all(|&m| sits(m, h)), "dossier {d} offered hearing {h}");
                assert!(bench_allows(&chamber, &part.best.benches, d, h));
                elsewhere += 1;
            }
            if let Some(h) = start[d] {
                assert!(list.iter().any(|p| p.0 == h), "dossier {d} keeps its pair");
            }
        }
        let lawful: usize = part.instance_pairs.iter().map(Vec::len).sum();
        assert!(elsewhere > 0 && elsewhere + start.len() < lawful, "{elsewhere} of {lawful} lawful pairs");
        // It gains, and says what: the plan's score counted afresh.
        let before = part.score;
        let gain = part.attendance_moves(&config, Instant::now() + Duration::from_secs(30));
        assert!(gain > 1e-6, "no gain from the greedy plan ({before})");
        let counted = part.score_of(&part.best.assigned, &part.best.benches);
        assert!((counted - (before + gain)).abs() < 1e-6, "{counted} against {before} + {gain}");
    }

    #[test]
    fn the_whole_lp_is_tried_when_the_bound_search_says_this_machine_can_end_it() {
        let secs = Duration::from_secs_f64;
        // The criminal chamber at 10 s (46,000 pairs, 2.3 s for its LP):
        // where its bound search took 0.56 s its LP needed 2.6–2.8 s, so
        // not tried; on a machine twice as fast (bound search 0.28 s), tried
        // (the earlier machine's LP ended in 1.3 s).
        assert!(whole_lp_fits(46_000, secs(2.3), secs(0.28), false));
        assert!(!whole_lp_fits(46_000, secs(2.3), secs(0.56), false));
        // Given the time, tried on the slower machine too (30 s: 7.5 s).
        assert!(whole_lp_fits(46_000, secs(7.5), secs(0.56), false));
        // A small chamber needs less of its bound search's time per pair.
        assert!(whole_lp_fits(8_700, secs(0.44), secs(0.09), false));
        // A chamber twice its size on the faster machine: its LP ended in
        // 1.2 s of its 1.6 s (43,000 pairs, bound search 0.29 s), which
        // the earlier rate (25,000 pairs a second) refused.
        assert!(whole_lp_fits(43_000, secs(1.6), secs(0.29), false));
        // The rate alone still refuses what no bound search can excuse, and
        // a deterministic solve does not read the clock's measures.
        assert!(!whole_lp_fits(46_000, secs(0.5), secs(0.01), false));
        assert!(whole_lp_fits(46_000, secs(2.3), secs(0.56), true));
        assert!(!whole_lp_fits(46_000, secs(0.5), secs(0.01), true));
    }

    #[test]
    fn the_whole_lp_leaves_room_or_gives_way_to_the_bounds_candidates() {
        let secs = Duration::from_secs_f64;
        // Today's criminal chamber at 10 s (44,332 pairs, a share of 2.37
        // s, its bound search 0.24 s): expected at 1.17 s, under half its
        // share: solved whole.
        assert_eq!(whole_lp(44_332, secs(2.37), secs(0.24), true, false), WholeLp::Tried);
        // The commercial chamber twice its size at 20 s (43,965 pairs, a
        // share of 1.58 s, its bound search 0.27 s): expected at 1.32 s, it
        // would end, but take most of its share: over the candidates.
        assert_eq!(whole_lp(43_965, secs(1.58), secs(0.27), true, false), WholeLp::Candidates);
        // Given twice the share, whole again.
        assert_eq!(whole_lp(43_965, secs(3.16), secs(0.27), true, false), WholeLp::Tried);
        // What `whole_lp_fits` refuses stays refused: the chamber is large.
        assert_eq!(whole_lp(46_000, secs(2.3), secs(0.56), true, false), WholeLp::Refused);
        // A deterministic solve does not read the clock's measure.
        assert_eq!(whole_lp(43_965, secs(1.58), secs(0.27), true, true), WholeLp::Tried);
        // A bound LP cut short has no candidates to give: whole, as it fits.
        assert_eq!(whole_lp(43_965, secs(1.58), secs(0.27), false, false), WholeLp::Tried);
    }
}
