//! A raised flag stops HiGHS at its next check; an unraised one changes
//! nothing.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use highs::{HighsModelStatus, RowProblem, Sense};

/// A market split instance (Cornuéjols and Dawande, 1998): `rows` equations
/// over `columns` binaries with coefficients in 0..100 and right-hand sides
/// half their row's sum, slacks minimised. Small, and notoriously hard for
/// branch-and-bound: this one runs for minutes, so only an interrupt ends it
/// within the test's second.
fn market_split(rows: usize, columns: usize) -> highs::Model {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % 100
    };
    let mut problem = RowProblem::default();
    let x: Vec<_> = (0..columns).map(|_| problem.add_integer_column(0.0, 0.0..=1.0)).collect();
    for _ in 0..rows {
        let coefficients: Vec<f64> = (0..columns).map(|_| next() as f64).collect();
        let rhs = (coefficients.iter().sum::<f64>() / 2.0).floor();
        let over = problem.add_column(1.0, 0.0..);
        let under = problem.add_column(1.0, 0.0..);
        let mut row: Vec<_> = x.iter().copied().zip(coefficients).collect();
        row.push((over, -1.0));
        row.push((under, 1.0));
        problem.add_row(rhs..=rhs, row);
    }
    let mut model = problem.optimise(Sense::Minimise);
    model.make_quiet();
    model.set_option("time_limit", 120.0);
    model.set_option("threads", 1);
    model.set_option("parallel", "off");
    model
}

#[test]
fn a_raised_flag_stops_a_running_branch_and_bound() {
    let stop = AtomicBool::new(false);
    let started = Instant::now();
    let solved = std::thread::scope(|scope| {
        scope.spawn(|| {
            std::thread::sleep(Duration::from_millis(300));
            stop.store(true, Ordering::Relaxed);
        });
        greffe_highs_interrupt::solve(market_split(6, 50), &stop)
    });
    let elapsed = started.elapsed();
    assert_eq!(solved.status(), HighsModelStatus::ReachedInterrupt);
    assert!(elapsed < Duration::from_secs(2), "stopped {elapsed:?} after the start, 300 ms after the flag");
}

#[test]
fn a_flag_raised_before_the_solve_stops_it_at_the_first_check() {
    let stop = AtomicBool::new(true);
    let started = Instant::now();
    let solved = greffe_highs_interrupt::solve(market_split(6, 50), &stop);
    assert_eq!(solved.status(), HighsModelStatus::ReachedInterrupt);
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[test]
fn an_unraised_flag_changes_nothing_and_is_let_go_after_the_solve() {
    let small = || {
        let mut problem = RowProblem::default();
        let a = problem.add_integer_column(3.0, 0..=4);
        let b = problem.add_integer_column(2.0, 0..=4);
        problem.add_row(..=7.5, [(a, 2.0), (b, 1.0)]);
        let mut model = problem.optimise(Sense::Maximise);
        model.make_quiet();
        model
    };
    let solved = {
        let stop = AtomicBool::new(false);
        greffe_highs_interrupt::solve(small(), &stop)
    };
    assert_eq!(solved.status(), HighsModelStatus::Optimal);
    assert_eq!(solved.objective_value(), 12.0);
    // The flag is gone: solving the same model again must not read it.
    let again = highs::Model::from(solved).solve();
    assert_eq!(again.status(), HighsModelStatus::Optimal);
    assert_eq!(again.objective_value(), 12.0);
}

/// The control of the first test: without a raised flag the same instance
/// runs until its time limit, so the early end above is the interrupt's.
#[test]
fn the_market_split_instance_outlasts_a_second_uninterrupted() {
    let stop = AtomicBool::new(false);
    let mut model = market_split(6, 50);
    model.set_option("time_limit", 1.0);
    let solved = greffe_highs_interrupt::solve(model, &stop);
    assert_eq!(solved.status(), HighsModelStatus::ReachedTimeLimit);
}

#[test]
fn a_guarded_solve_returns_its_result_when_highs_ends_in_time() {
    let stop = AtomicBool::new(false);
    let mut model = market_split(6, 50);
    model.set_option("time_limit", 0.3);
    let deadline = Instant::now() + Duration::from_secs(5);
    match greffe_highs_interrupt::solve_until(model, &stop, deadline, Duration::from_secs(1)) {
        greffe_highs_interrupt::Guarded::Solved(solved) => {
            assert_eq!(solved.status(), HighsModelStatus::ReachedTimeLimit);
        }
        greffe_highs_interrupt::Guarded::Abandoned => panic!("HiGHS ended at 0.3 s, long before the deadline"),
    }
}

#[test]
fn a_guarded_solve_returns_by_its_deadline_and_grace_whatever_highs_does() {
    // HiGHS's own limit is two minutes: only the guard ends the call. With
    // no grace it gives up at the deadline, without waiting for HiGHS to
    // reach its next check.
    let stop = AtomicBool::new(false);
    let started = Instant::now();
    let deadline = started + Duration::from_millis(200);
    let guarded = greffe_highs_interrupt::solve_until(market_split(6, 50), &stop, deadline, Duration::ZERO);
    let elapsed = started.elapsed();
    assert!(matches!(guarded, greffe_highs_interrupt::Guarded::Abandoned));
    assert!(elapsed < Duration::from_millis(300), "returned {elapsed:?} after the start, 200 ms deadline");
}

#[test]
fn a_guarded_solve_passes_the_callers_flag_on() {
    let stop = AtomicBool::new(false);
    let started = Instant::now();
    let deadline = started + Duration::from_secs(60);
    let guarded = std::thread::scope(|scope| {
        scope.spawn(|| {
            std::thread::sleep(Duration::from_millis(200));
            stop.store(true, Ordering::Relaxed);
        });
        greffe_highs_interrupt::solve_until(market_split(6, 50), &stop, deadline, Duration::from_secs(1))
    });
    match guarded {
        greffe_highs_interrupt::Guarded::Solved(solved) => {
            assert_eq!(solved.status(), HighsModelStatus::ReachedInterrupt);
        }
        greffe_highs_interrupt::Guarded::Abandoned => panic!("the flag stops HiGHS long before the deadline"),
    }
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
}

#[test]
fn a_raised_flag_ends_a_guarded_solve_within_the_grace_long_before_its_deadline() {
    // A phase that polls no interrupt (presolve) would keep HiGHS past the
    // flag: the guard then returns `grace` after it, not after the deadline.
    // With no grace it returns as soon as it sees the flag.
    let stop = AtomicBool::new(false);
    let started = Instant::now();
    let deadline = started + Duration::from_secs(60);
    let guarded = std::thread::scope(|scope| {
        scope.spawn(|| {
            std::thread::sleep(Duration::from_millis(200));
            stop.store(true, Ordering::Relaxed);
        });
        greffe_highs_interrupt::solve_until(market_split(6, 50), &stop, deadline, Duration::ZERO)
    });
    let elapsed = started.elapsed();
    assert!(matches!(guarded, greffe_highs_interrupt::Guarded::Abandoned));
    assert!(elapsed < Duration::from_millis(300), "returned {elapsed:?} after the start, flag at 200 ms");
}
