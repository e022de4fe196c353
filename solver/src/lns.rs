//! Large-neighbourhood search over a chamber's model: from the best plan so
//! far, re-solve exactly (HiGHS, to optimality or a short time limit) the
//! MILP in which only a window of consecutive hearings is open — every
//! dossier may move into the window's hearings, those already there may
//! move within it or leave the roll, every other dossier keeps its hearing
//! — and keep the result when it scores better.
//!
//! The search goes in stages. First the *attendance* neighbourhood: every
//! dossier may move to any hearing its rapporteurs already attend, across
//! the whole horizon (solved in [`crate::part`]); it runs again after every
//! pass that gains. Then the benches stay those of the plan
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

/// Whether `gain`, on a plan now scoring `score`, counts as gaining (above
/// [`PASS_GAIN`] of the score).
pub(crate) fn gains(gain: f64, score: f64) -> bool {
    gain > PASS_GAIN * score.abs().max(1.0)
}

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

/// One neighbourhood.
#[derive(Debug, Clone)]
pub(crate) enum Neighbourhood {
    /// A window: the open hearings, and whether their benches are decided
    /// with the dossiers.
    Window { open: Vec<bool>, free_benches: bool },
    /// Every dossier may move to any hearing its rapporteurs already attend
    /// (on its bench or for another dossier), or join the roll there: the
    /// LP of those moves chooses which dossiers move, the MILP where
    /// ([`crate::part`]).
    Attendance,
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
    /// Whether the attendance neighbourhood last gained nothing since the
    /// plan last changed by a pass; it is solved first, and again after
    /// every pass that gains.
    attendance_settled: bool,
    /// Whether the last neighbourhood given was the attendance one.
    last_attendance: bool,
    /// Neighbourhoods solved.
    pub(crate) solved: usize,
    /// Whether every window up to the whole horizon gained nothing.
    pub(crate) exhausted: bool,
}

impl State {
    /// The next neighbourhood of a chamber's `n_hearings` hearings (in
    /// date order); `targets` gives the targeted pass's windows (block
    /// lists, best first) when that pass begins. `None` once exhausted.
    pub(crate) fn next(
        &mut self,
        n_hearings: usize,
        targets: impl FnOnce() -> Vec<Vec<usize>>,
    ) -> Option<Neighbourhood> {
        let n_blocks = n_hearings.div_ceil(BLOCK);
        if self.width == 0 {
            self.width = 1;
        }
        if self.exhausted || n_blocks == 0 {
            self.exhausted = true;
            return None;
        }
        self.last_attendance = !self.attendance_settled;
        if self.last_attendance {
            return Some(Neighbourhood::Attendance);
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
                return Some(Neighbourhood::Window { open: open_blocks(blocks), free_benches: false });
            }
            // The targeted pass is over (or had no window): when it
            // gained, the plan is searched again from the first stage;
            // else the benches open.
            self.targets = None;
            self.first = 0;
            self.free_benches = !self.gained;
            if self.gained {
                self.gained = false;
                return self.attendance_again();
            }
        }
        if self.first + self.width > n_blocks {
            self.first = 0;
            // A pass is over: when it gained, the attendance neighbourhood,
            // then the pass again; a pass with free benches that gained
            // nothing widens the window, or ends.
            if std::mem::take(&mut self.gained) {
                return self.attendance_again();
            }
            if self.width >= n_blocks {
                self.exhausted = true;
                return None;
            }
            self.width += 1;
        }
        let open = self.first * BLOCK..(self.first + self.width) * BLOCK;
        self.first += 1;
        Some(Neighbourhood::Window {
            open: (0..n_hearings).map(|h| open.contains(&h)).collect(),
            free_benches: self.free_benches,
        })
    }

    /// The attendance neighbourhood, due again: a pass changed the plan.
    fn attendance_again(&mut self) -> Option<Neighbourhood> {
        self.attendance_settled = false;
        self.last_attendance = true;
        Some(Neighbourhood::Attendance)
    }

    /// Records the outcome of the last neighbourhood: what it gained, and
    /// the score after it. A gain below [`PASS_GAIN`] of the score keeps
    /// the plan but does not make the pass count as gaining (nor the
    /// attendance neighbourhood due again).
    pub(crate) fn record(&mut self, gain: f64, score: f64) {
        self.solved += 1;
        let gained = gains(gain, score);
        if std::mem::take(&mut self.last_attendance) {
            self.attendance_settled = !gained;
        } else {
            self.gained |= gained;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A window: its open hearings, as a list, and whether its benches
    /// are free.
    struct Window {
        open: Vec<usize>,
        free_benches: bool,
    }

    /// The next neighbourhood, which must be a window.
    fn window(state: &mut State, n_hearings: usize, targets: impl FnOnce() -> Vec<Vec<usize>>) -> Window {
        match state.next(n_hearings, targets).expect("a neighbourhood") {
            Neighbourhood::Window { open, free_benches } => {
                Window { open: open.iter().enumerate().filter(|(_, o)| **o).map(|(h, _)| h).collect(), free_benches }
            }
            Neighbourhood::Attendance => panic!("a window was due, not the attendance neighbourhood"),
        }
    }

    /// The next neighbourhood, which must be the attendance one; records
    /// `gain` for it.
    fn attendance(state: &mut State, n_hearings: usize, gain: f64) {
        let next = state.next(n_hearings, || panic!("no targets before a pass"));
        assert!(matches!(next, Some(Neighbourhood::Attendance)), "the attendance neighbourhood was due: {next:?}");
        state.record(gain, 1000.0);
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
    fn stages_run_attendance_consecutive_then_targeted_then_free_benches() {
        let n_hearings = 3 * BLOCK;
        let mut state = State::default();
        let fixed_pass = |state: &mut State, gain: f64| {
            for first in 0..3 {
                let window = window(state, n_hearings, || panic!("no targets inside a pass"));
                assert!(!window.free_benches);
                assert_eq!(window.open, (first * BLOCK..(first + 1) * BLOCK).collect::<Vec<_>>());
                state.record(gain, 1000.0);
            }
        };
        // The attendance neighbourhood first, again while it gains.
        attendance(&mut state, n_hearings, 5.0);
        attendance(&mut state, n_hearings, 0.0);
        // A gain below PASS_GAIN does not repeat the pass.
        fixed_pass(&mut state, 0.05);
        let targeted = window(&mut state, n_hearings, || vec![vec![0, 2]]);
        assert!(!targeted.free_benches);
        assert_eq!(targeted.open, (0..BLOCK).chain(2 * BLOCK..3 * BLOCK).collect::<Vec<_>>());
        // It gained: the attendance neighbourhood, the consecutive pass
        // again, then the targets again.
        state.record(5.0, 1005.0);
        attendance(&mut state, n_hearings, 0.0);
        fixed_pass(&mut state, 0.0);
        assert_eq!(window(&mut state, n_hearings, || vec![vec![0, 2]]).open.len(), 2 * BLOCK);
        state.record(0.0, 1005.0);
        // Nothing gained: the benches open, one block at a time.
        let free = window(&mut state, n_hearings, || panic!("targets are asked once per pass"));
        assert!(free.free_benches);
        assert_eq!(free.open, (0..BLOCK).collect::<Vec<_>>());
        state.record(0.0, 1005.0);
        // A pass with free benches that gains: the attendance
        // neighbourhood, then the same pass again.
        for _ in 1..3 {
            let _ = window(&mut state, n_hearings, || panic!("no targets with free benches"));
            state.record(5.0, 1010.0);
        }
        attendance(&mut state, n_hearings, 0.0);
        let again = window(&mut state, n_hearings, || panic!("no targets with free benches"));
        assert!(again.free_benches);
        assert_eq!(again.open, (0..BLOCK).collect::<Vec<_>>());
        assert_eq!(state.solved, 15);
    }

    #[test]
    fn without_targets_the_benches_open_after_the_consecutive_pass() {
        let mut state = State::default();
        attendance(&mut state, 2 * BLOCK, 0.0);
        for _ in 0..2 {
            assert!(!window(&mut state, 2 * BLOCK, Vec::new).free_benches);
            state.record(0.0, 10.0);
        }
        assert!(window(&mut state, 2 * BLOCK, Vec::new).free_benches);
    }
}
