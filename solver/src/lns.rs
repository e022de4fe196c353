//! Large-neighbourhood search over a chamber's fixed-bench model: from the
//! best plan so far, re-solve exactly (HiGHS, to optimality or a short time
//! limit) the MILP in which only a window of consecutive weeks is open —
//! every dossier may move into the window's hearings, those already there
//! may move within it or leave the roll, every other dossier keeps its
//! hearing — and keep the result when it scores better. Windows slide over
//! the horizon, earliest first; a pass without gain widens them by a week;
//! the search is exhausted when the widest window (the whole horizon) gains
//! nothing.
//!
//! Why (measured, `docs/benchmarks.md` « Planner v2 »): the whole chamber's
//! MILP is large enough that HiGHS, in the seconds a president waits, stays
//! far from its optimum, while a window of a few weeks is a MILP it closes
//! in a fraction of a second; the benchmark objective (priority, earliness)
//! couples the weeks only through the dossiers, which the window moves.

use crate::chamber::Chamber;
use crate::model::{Pairs, pair_value};

/// Sum of an assignment's pair values.
pub(crate) fn value(pairs: &Pairs, assigned: &[Option<usize>]) -> f64 {
    assigned.iter().enumerate().filter_map(|(d, a)| a.and_then(|h| pair_value(pairs, d, h))).sum()
}

/// Where the search is: the window's width and first week, and whether the
/// current pass gained.
#[derive(Debug, Clone, Default)]
pub(crate) struct State {
    weeks: Option<Vec<usize>>,
    width: usize,
    first: usize,
    gained: bool,
    /// Neighbourhoods solved.
    pub(crate) solved: usize,
    /// Whether every window up to the whole horizon gained nothing.
    pub(crate) exhausted: bool,
}

/// Week number (0 = the chamber's first week) of each local hearing.
fn weeks_of(chamber: &Chamber<'_>) -> Vec<usize> {
    let key = |h: usize| {
        let week = greffe_models::dates::iso_week(chamber.hearing(h).date);
        (week.year(), week.week())
    };
    let mut keys: Vec<(i32, u32)> = (0..chamber.hearings.len()).map(key).collect();
    keys.sort_unstable();
    keys.dedup();
    (0..chamber.hearings.len()).map(|h| keys.binary_search(&key(h)).unwrap_or(0)).collect()
}

impl State {
    /// The next neighbourhood's pairs: each dossier's current pair and its
    /// pairs at the open window's hearings. `None` once exhausted.
    pub(crate) fn next(&mut self, chamber: &Chamber<'_>, pairs: &Pairs, assigned: &[Option<usize>]) -> Option<Pairs> {
        let weeks = self.weeks.get_or_insert_with(|| weeks_of(chamber));
        let n_weeks = weeks.iter().max().map_or(0, |w| w + 1);
        if self.width == 0 {
            self.width = 2.min(n_weeks);
        }
        if self.exhausted || n_weeks == 0 {
            self.exhausted = true;
            return None;
        }
        if self.first + self.width > n_weeks {
            // A pass is over: widen when it gained nothing.
            if !self.gained {
                if self.width >= n_weeks {
                    self.exhausted = true;
                    return None;
                }
                self.width += 1;
            }
            self.first = 0;
            self.gained = false;
        }
        let open = self.first..self.first + self.width;
        self.first += 1;
        Some(
            pairs
                .iter()
                .enumerate()
                .map(|(d, list)| {
                    list.iter().copied().filter(|&(h, _)| assigned[d] == Some(h) || open.contains(&weeks[h])).collect()
                })
                .collect(),
        )
    }

    /// Records the outcome of the last neighbourhood.
    pub(crate) fn record(&mut self, gained: bool) {
        self.solved += 1;
        self.gained |= gained;
    }
}
