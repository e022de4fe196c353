//! Large-neighbourhood search over a chamber's model: from the best plan so
//! far, re-solve exactly (HiGHS, to optimality or a short time limit) the
//! MILP in which only a window of consecutive hearings is open — every
//! dossier may move into the window's hearings, those already there may
//! move within it or leave the roll, every other dossier keeps its hearing
//! — and keep the result when it scores better.
//!
//! The search goes in stages. First the benches stay those of the plan
//! (the bench heuristic's at the start): such a window is a MILP HiGHS
//! closes in a fraction of a second. When a whole pass over the horizon
//! gains nothing, a *targeted* pass opens pairs of distant blocks where the
//! LP and the plan disagree ([`targeted`]): the chains of moves across
//! weeks no consecutive window holds; when it gains, the first stage runs
//! again. Then the windows' benches are decided with their dossiers (`y`
//! variables for the open hearings only): slower, but it reaches the plans
//! that the heuristic's benches exclude. Each pass of that stage without
//! gain widens the window by one block, up to the whole horizon; then the
//! search is exhausted. A pass counts as gaining only above [`PASS_GAIN`].
//!
//! Why (measured, `docs/benchmarks.md` « Planner v2 »): the whole chamber's
//! MILP is large enough that HiGHS, in the seconds a president waits, stays
//! far from its optimum, while a window of a few hearings is a MILP it
//! closes quickly; the benchmark objective (priority, earliness) couples
//! the hearings only through the dossiers, which the window moves, and the
//! magistrates' attendance, which the model keeps for every hearing.

use std::collections::HashMap;

use crate::model::{Pairs, pair_value};

/// Hearings per block: a window is `width` consecutive blocks (a civil
/// chamber holds about six hearings a week).
const BLOCK: usize = 6;

/// The least gain, relative to the score, for which a pass counts as
/// gaining and is run again: on the court at 8 weeks the first window
/// often gains a few hundredths by reshuffling equal values, and the
/// criminal chamber's whole pass repeated for it (1.3 s of its 10-s run).
const PASS_GAIN: f64 = 1e-4;

/// Sum of an assignment's pair values.
pub(crate) fn value(pairs: &Pairs, assigned: &[Option<usize>]) -> f64 {
    assigned.iter().enumerate().filter_map(|(d, a)| a.and_then(|h| pair_value(pairs, d, h))).sum()
}

/// The most targeted windows per pass, as a multiple of the blocks.
const TARGETS_PER_BLOCK: usize = 1;

/// The least LP value of a pair for the LP to count as hearing it there.
const TARGET_LP_MIN: f64 = 0.05;

/// Pairs of distant blocks worth opening together: where the LP (`lp`,
/// laid out like `pairs`) hears a dossier in one block and the plan in
/// another, by the LP's weight on it times the pair's value — the chains
/// of moves across weeks (a dossier heard earlier, the one it displaces
/// later) that no window of consecutive hearings holds. Best first;
/// adjacent blocks left out (the consecutive windows hold them).
pub(crate) fn targeted(
    pairs: &Pairs,
    lp: &[Vec<f64>],
    assigned: &[Option<usize>],
    n_hearings: usize,
) -> Vec<Vec<usize>> {
    let mut weight: HashMap<(usize, usize), f64> = HashMap::new();
    for (d, list) in pairs.iter().enumerate() {
        let Some(p) = assigned[d] else { continue };
        let (Some(values), bp) = (lp.get(d), p / BLOCK) else { continue };
        for (&(h, value), &x) in list.iter().zip(values) {
            let bh = h / BLOCK;
            if x > TARGET_LP_MIN && bh.abs_diff(bp) > 1 {
                *weight.entry((bh.min(bp), bh.max(bp))).or_default() += x * value;
            }
        }
    }
    let mut ranked: Vec<((usize, usize), f64)> = weight.into_iter().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.truncate(TARGETS_PER_BLOCK * n_hearings.div_ceil(BLOCK));
    ranked.into_iter().map(|((a, b), _)| vec![a, b]).collect()
}

/// One neighbourhood: the open hearings, and whether their benches are
/// decided with the dossiers.
#[derive(Debug, Clone)]
pub(crate) struct Window {
    pub(crate) open: Vec<bool>,
    pub(crate) free_benches: bool,
}

/// Where the search is: the stage, the window's width and first block, and
/// whether the current pass gained.
#[derive(Debug, Clone, Default)]
pub(crate) struct State {
    width: usize,
    first: usize,
    gained: bool,
    free_benches: bool,
    /// The targeted windows of the current pass (block lists), and the
    /// next one to solve; `None` outside that stage.
    targets: Option<Vec<Vec<usize>>>,
    target_next: usize,
    /// Neighbourhoods solved.
    pub(crate) solved: usize,
    /// Whether every window up to the whole horizon gained nothing.
    pub(crate) exhausted: bool,
}

impl State {
    /// The next neighbourhood of a chamber's `n_hearings` hearings (in
    /// date order); `targets` gives the targeted pass's windows (block
    /// lists, best first) when that pass begins. `None` once exhausted.
    pub(crate) fn next(&mut self, n_hearings: usize, targets: impl FnOnce() -> Vec<Vec<usize>>) -> Option<Window> {
        let n_blocks = n_hearings.div_ceil(BLOCK);
        if self.width == 0 {
            self.width = 1;
        }
        if self.exhausted || n_blocks == 0 {
            self.exhausted = true;
            return None;
        }
        let open_blocks =
            |blocks: &[usize]| -> Vec<bool> { (0..n_hearings).map(|h| blocks.contains(&(h / BLOCK))).collect() };
        let pass_over = self.first + self.width > n_blocks;
        if pass_over && !self.gained && !self.free_benches && self.targets.is_none() {
            // The consecutive pass gained nothing: the targeted pass.
            self.targets = Some(targets());
            self.target_next = 0;
        }
        if let Some(list) = &self.targets {
            if let Some(blocks) = list.get(self.target_next) {
                self.target_next += 1;
                return Some(Window { open: open_blocks(blocks), free_benches: false });
            }
            // The targeted pass is over (or had no window): when it
            // gained, the plan is searched again from the first stage;
            // else the benches open.
            self.targets = None;
            self.first = 0;
            self.free_benches = !self.gained;
            self.gained = false;
        }
        if self.first + self.width > n_blocks {
            // A pass is over: when it gained, run again; a pass with free
            // benches that gained nothing widens the window, or ends.
            if !self.gained {
                if self.width >= n_blocks {
                    self.exhausted = true;
                    return None;
                }
                self.width += 1;
            }
            self.first = 0;
            self.gained = false;
        }
        let open = self.first * BLOCK..(self.first + self.width) * BLOCK;
        self.first += 1;
        Some(Window { open: (0..n_hearings).map(|h| open.contains(&h)).collect(), free_benches: self.free_benches })
    }

    /// Records the outcome of the last neighbourhood: what it gained, and
    /// the score after it. A gain below [`PASS_GAIN`] of the score keeps
    /// the plan but does not make the pass count as gaining.
    pub(crate) fn record(&mut self, gain: f64, score: f64) {
        self.solved += 1;
        self.gained |= gain > PASS_GAIN * score.abs().max(1.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The open hearings of a window, as a list.
    fn open(window: &Window) -> Vec<usize> {
        window.open.iter().enumerate().filter(|(_, o)| **o).map(|(h, _)| h).collect()
    }

    #[test]
    fn targets_pair_the_blocks_where_the_lp_and_the_plan_disagree() {
        // Hearings 0..24: blocks 0..4. Dossier 0 heard at hearing 1 (block
        // 0), the LP hears it at 19 (block 3); dossier 1 heard at 7 (block
        // 1), the LP at 13 (block 2: adjacent, left out); dossier 2 not
        // heard; dossier 3 heard at 20 (block 3), the LP half at 2 (block 0)
        // and half at 8 (block 1), of lesser value.
        let pairs: Pairs = vec![
            vec![(1, 10.0), (19, 9.0)],
            vec![(7, 10.0), (13, 9.0)],
            vec![(4, 10.0), (22, 9.0)],
            vec![(2, 4.0), (8, 4.0), (20, 3.0)],
        ];
        let lp = vec![vec![0.0, 1.0], vec![0.0, 1.0], vec![0.0, 1.0], vec![0.5, 0.5, 0.0]];
        let assigned = [Some(1), Some(7), None, Some(20)];
        let targets = targeted(&pairs, &lp, &assigned, 24);
        assert_eq!(targets, vec![vec![0, 3], vec![1, 3]], "best first, adjacent and unheard left out");
        // The LP agreeing with the plan: nothing to target.
        let agreeing = vec![vec![1.0, 0.0], vec![1.0, 0.0], vec![0.0, 0.0], vec![0.0, 0.0, 1.0]];
        assert!(targeted(&pairs, &agreeing, &assigned, 24).is_empty());
    }

    #[test]
    fn stages_run_consecutive_then_targeted_then_free_benches() {
        let n_hearings = 3 * BLOCK;
        let mut state = State::default();
        let fixed_pass = |state: &mut State, gain: f64| {
            for first in 0..3 {
                let window = state.next(n_hearings, || panic!("no targets inside a pass")).expect("a window");
                assert!(!window.free_benches);
                assert_eq!(open(&window), (first * BLOCK..(first + 1) * BLOCK).collect::<Vec<_>>());
                state.record(gain, 1000.0);
            }
        };
        // A gain below PASS_GAIN does not repeat the pass.
        fixed_pass(&mut state, 0.05);
        let window = state.next(n_hearings, || vec![vec![0, 2]]).expect("the targeted window");
        assert!(!window.free_benches);
        assert_eq!(open(&window), (0..BLOCK).chain(2 * BLOCK..3 * BLOCK).collect::<Vec<_>>());
        // It gained: the consecutive pass again, then the targets again.
        state.record(5.0, 1005.0);
        fixed_pass(&mut state, 0.0);
        assert_eq!(open(&state.next(n_hearings, || vec![vec![0, 2]]).expect("targeted")).len(), 2 * BLOCK);
        state.record(0.0, 1005.0);
        // Nothing gained: the benches open, one block at a time.
        let window = state.next(n_hearings, || panic!("targets are asked once per pass")).expect("a window");
        assert!(window.free_benches);
        assert_eq!(open(&window), (0..BLOCK).collect::<Vec<_>>());
        assert_eq!(state.solved, 8);
    }

    #[test]
    fn without_targets_the_benches_open_after_the_consecutive_pass() {
        let mut state = State::default();
        for _ in 0..2 {
            assert!(!state.next(2 * BLOCK, Vec::new).expect("a window").free_benches);
            state.record(0.0, 10.0);
        }
        assert!(state.next(2 * BLOCK, Vec::new).expect("a window").free_benches);
    }
}
