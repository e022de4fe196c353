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
//! gains nothing, the windows' benches are decided with their dossiers
//! (`y` variables for the open hearings only): slower, but it reaches the
//! plans that the heuristic's benches exclude. Each pass of the second
//! stage without gain widens the window by one block, up to the whole
//! horizon; then the search is exhausted.
//!
//! Why (measured, `docs/benchmarks.md` « Planner v2 »): the whole chamber's
//! MILP is large enough that HiGHS, in the seconds a president waits, stays
//! far from its optimum, while a window of a few hearings is a MILP it
//! closes quickly; the benchmark objective (priority, earliness) couples
//! the hearings only through the dossiers, which the window moves, and the
//! magistrates' attendance, which the model keeps for every hearing.

use crate::chamber::Chamber;
use crate::model::{Pairs, pair_value};

/// Hearings per block: a window is `width` consecutive blocks (a civil
/// chamber holds about six hearings a week).
const BLOCK: usize = 6;

/// Sum of an assignment's pair values.
pub(crate) fn value(pairs: &Pairs, assigned: &[Option<usize>]) -> f64 {
    assigned.iter().enumerate().filter_map(|(d, a)| a.and_then(|h| pair_value(pairs, d, h))).sum()
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
    /// Neighbourhoods solved.
    pub(crate) solved: usize,
    /// Whether every window up to the whole horizon gained nothing.
    pub(crate) exhausted: bool,
}

impl State {
    /// The next neighbourhood of a chamber's hearings (in date order);
    /// `None` once exhausted.
    pub(crate) fn next(&mut self, chamber: &Chamber<'_>) -> Option<Window> {
        let n_hearings = chamber.hearings.len();
        let n_blocks = n_hearings.div_ceil(BLOCK);
        if self.width == 0 {
            self.width = 1;
        }
        if self.exhausted || n_blocks == 0 {
            self.exhausted = true;
            return None;
        }
        if self.first + self.width > n_blocks {
            // A pass is over: when it gained nothing, the next stage, or a
            // wider window.
            if !self.gained {
                if !self.free_benches {
                    self.free_benches = true;
                } else if self.width >= n_blocks {
                    self.exhausted = true;
                    return None;
                } else {
                    self.width += 1;
                }
            }
            self.first = 0;
            self.gained = false;
        }
        let open = self.first * BLOCK..(self.first + self.width) * BLOCK;
        self.first += 1;
        Some(Window { open: (0..n_hearings).map(|h| open.contains(&h)).collect(), free_benches: self.free_benches })
    }

    /// Records the outcome of the last neighbourhood.
    pub(crate) fn record(&mut self, gained: bool) {
        self.solved += 1;
        self.gained |= gained;
    }
}
