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

use std::ffi::{c_char, c_int, c_void};
use std::sync::atomic::{AtomicBool, Ordering};

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
