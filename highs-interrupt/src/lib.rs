//! Stops a running HiGHS solve when a flag is raised.
//!
//! The safe bindings (`highs` 2.4) set options and solve, but expose none of
//! HiGHS's callbacks: a solve given ten seconds runs ten seconds, whatever
//! the caller learns meanwhile. HiGHS asks a user callback, at its own
//! checks, whether to stop — in the simplex iterations
//! (`kHighsCallbackSimplexInterrupt`), the interior-point iterations
//! (`kHighsCallbackIpmInterrupt`) and the branch-and-bound
//! (`kHighsCallbackMipInterrupt`) — and ends with the model status
//! `ReachedInterrupt`, keeping the best solution found.
//!
//! [`solve`] registers such a callback, reading an [`AtomicBool`], for the
//! length of one solve, and removes it before returning, so HiGHS never
//! keeps a pointer to the flag beyond the borrow. This is the only crate of
//! the workspace that allows `unsafe`; each block says why it is sound.
//!
//! Some phases poll no callback (presolve, notably that of a heuristic's
//! sub-MIP): one was seen running minutes past its time limit. [`solve_until`]
//! therefore solves on a thread of its own and returns at a deadline plus a
//! grace whatever HiGHS does, abandoning a solve still running then.

use std::ffi::{c_char, c_int, c_void};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use highs_sys::{
    Highs_setCallback, Highs_startCallback, HighsCallbackDataIn, HighsCallbackDataOut, HighsInt,
    kHighsCallbackIpmInterrupt, kHighsCallbackMipInterrupt, kHighsCallbackSimplexInterrupt,
};

/// The callbacks through which HiGHS asks whether to stop.
const INTERRUPTS: [HighsInt; 3] =
    [kHighsCallbackSimplexInterrupt, kHighsCallbackIpmInterrupt, kHighsCallbackMipInterrupt];

/// HiGHS's status for a call that succeeded.
const OK: HighsInt = 0;

/// Solves `model`, stopping at HiGHS's next check once `stop` is set.
///
/// The solve then ends with the model status
/// [`highs::HighsModelStatus::ReachedInterrupt`] and whatever solution it
/// had; a flag already set stops it at its first check. Should HiGHS refuse
/// the callback (it never does for these types), the solve runs to its own
/// limits, as it would without this function.
pub fn solve(mut model: highs::Model, stop: &AtomicBool) -> highs::SolvedModel {
    let data = std::ptr::from_ref(stop).cast_mut().cast::<c_void>();
    // SAFETY: `as_mut_ptr` is a live `Highs` object owned by `model`;
    // `on_check` matches `HighsCCallbackType`; `data` points to `stop`,
    // which outlives the solve below, after which the callback is replaced
    // (see `detach`) before this function returns.
    let attached = unsafe { Highs_setCallback(model.as_mut_ptr(), Some(on_check), data) } == OK;
    if attached {
        for kind in INTERRUPTS {
            // SAFETY: as above; `kind` is one of HiGHS's callback types.
            let started = unsafe { Highs_startCallback(model.as_mut_ptr(), kind) };
            debug_assert_eq!(started, OK, "HiGHS refused interrupt callback {kind}");
        }
    }
    let mut solved = model.solve();
    if attached {
        detach(&mut solved);
    }
    solved
}

/// How a guarded solve ended.
pub enum Guarded {
    /// HiGHS returned: done, at one of its limits, or stopped by the flag.
    Solved(highs::SolvedModel),
    /// HiGHS was still running at the deadline plus the grace, in a phase
    /// that polls no interrupt. The solve is left to its thread, told to
    /// stop at its next check; its result will be dropped there.
    Abandoned,
}

/// How often a guarded solve's caller looks at its flag while waiting.
const POLL: Duration = Duration::from_millis(10);

/// A HiGHS model or solved model moved to the solving thread and back.
struct Moved<T>(T);

// SAFETY: a `Highs` object has no thread affinity: HiGHS's scheduler is
// `thread_local`, created by the first `run()` on a thread and shared by
// whatever instances run there (HiGHS `docs/src/parallel.md`, « Scheduler
// scope and lifetime »), so an instance may run on any thread, one at a
// time. `Moved` values are only ever
// owned by one thread at once: the model goes to the solving thread, which
// alone uses it; the solved model comes back over a channel after the
// solving thread let go of it. Only `highs::Model` and `highs::SolvedModel`
// are wrapped.
unsafe impl Send for Moved<highs::Model> {}
// SAFETY: as above.
unsafe impl Send for Moved<highs::SolvedModel> {}

/// A HiGHS model set aside between solves — a column generation's master
/// problem, resumed later from its basis — which the caller may keep in a
/// structure shared between threads and resume on any of them.
pub struct Parked(highs::Model);

// SAFETY: as for `Moved`: a `Highs` object has no thread affinity, and a
// `Parked` model is owned, hence used, by one thread at a time.
unsafe impl Send for Parked {}

impl Parked {
    /// Sets `model` aside.
    pub fn new(model: highs::Model) -> Self {
        Self(model)
    }

    /// The model, to solve or change.
    pub fn into_inner(self) -> highs::Model {
        self.0
    }
}

impl<T> Moved<T> {
    fn into_inner(self) -> T {
        self.0
    }
}

/// Solves `model` on a thread of its own and returns by `deadline` plus
/// `grace` at the latest: HiGHS is told to stop (its next check) once
/// `stop` is raised or `deadline` passes, and a solve still running `grace`
/// after that (the deadline, or the moment `stop` was seen) is abandoned ([`Guarded::Abandoned`]): it keeps a
/// thread, and a core, until HiGHS returns on its own. Set HiGHS's own
/// `time_limit` to end by `deadline`; this is the guard for the phases that
/// ignore it.
pub fn solve_until(model: highs::Model, stop: &AtomicBool, deadline: Instant, grace: Duration) -> Guarded {
    let flag = Arc::new(AtomicBool::new(stop.load(Ordering::Relaxed)));
    let (sender, receiver) = mpsc::sync_channel::<Moved<highs::SolvedModel>>(1);
    let model = Moved(model);
    let worker_flag = Arc::clone(&flag);
    let spawned = std::thread::Builder::new().name("highs".to_owned()).spawn(move || {
        let solved = solve(model.into_inner(), &worker_flag);
        // The caller may have given up: then the result is dropped here.
        let _ = sender.send(Moved(solved));
    });
    if spawned.is_err() {
        // No thread to be had: nothing was solved.
        return Guarded::Abandoned;
    }
    // The grace runs from the deadline, or from the caller's flag when it
    // is raised first: a cancelled solve returns within the grace too.
    let mut give_up = deadline + grace;
    loop {
        let now = Instant::now();
        if !flag.load(Ordering::Relaxed) && (now >= deadline || stop.load(Ordering::Relaxed)) {
            flag.store(true, Ordering::Relaxed);
            give_up = give_up.min(now + grace);
        }
        if now >= give_up {
            return Guarded::Abandoned;
        }
        match receiver.recv_timeout(POLL.min(give_up - now)) {
            Ok(solved) => return Guarded::Solved(solved.into_inner()),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            // The solving thread ended without a result: it panicked.
            Err(mpsc::RecvTimeoutError::Disconnected) => return Guarded::Abandoned,
        }
    }
}

/// Replaces the callback with one that holds no data, and deactivates every
/// callback type (`setCallback` clears them), so the solved model — which can
/// be turned back into a model and solved again — never reads the flag once
/// its borrow has ended.
fn detach(solved: &mut highs::SolvedModel) {
    // SAFETY: `as_mut_ptr` is the live `Highs` object owned by `solved`; a
    // null data pointer is what `on_check` checks for.
    let status = unsafe { Highs_setCallback(solved.as_mut_ptr(), Some(on_check), std::ptr::null_mut()) };
    debug_assert_eq!(status, OK, "HiGHS refused to replace its callback");
}

/// HiGHS's callback: asks HiGHS to stop when the flag `user_data` points to
/// is set. Called by HiGHS only, on the solving thread; never unwinds.
unsafe extern "C" fn on_check(
    kind: c_int,
    _message: *const c_char,
    _out: *const HighsCallbackDataOut,
    data_in: *mut HighsCallbackDataIn,
    user_data: *mut c_void,
) {
    if user_data.is_null() || data_in.is_null() || !INTERRUPTS.contains(&kind) {
        return;
    }
    // SAFETY: a non-null `user_data` is the `&AtomicBool` given to `solve`,
    // alive while the callback is attached (it is detached before `solve`
    // returns); atomics are safe to read from any thread.
    let stop = unsafe { &*user_data.cast::<AtomicBool>() };
    if stop.load(Ordering::Relaxed) {
        // SAFETY: for the interrupt callbacks HiGHS passes a valid,
        // exclusive `HighsCallbackDataIn` for the length of the call.
        unsafe { (*data_in).user_interrupt = 1 };
    }
}
