//! The page's own work: solving the proof of work in slices, between which the browser paints
//! and handles input. Runs only once the page is interactive (the `hydrate` build).

use leptos::prelude::*;

#[cfg(feature = "hydrate")]
use super::gate::Progress;
use super::CaptchaGate;
use crate::captcha::CaptchaChallenge;

/// Where a solver puts its result, and how it knows it has been replaced.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub(super) struct Solver {
    pub(super) run: u64,
    pub(super) runs: RwSignal<u64>,
    pub(super) answer: RwSignal<String>,
    pub(super) gate: CaptchaGate,
    pub(super) renewals: RwSignal<usize>,
}

impl Solver {
    /// Solves `challenge` in short slices between which the browser draws and handles input.
    #[cfg(feature = "hydrate")]
    pub(super) fn start(self, challenge: CaptchaChallenge) {
        leptos::task::spawn_local(async move {
            let started = js_sys::Date::now();
            for index in 0.. {
                // Replaced by a newer challenge, or the form is gone (the page changed).
                if self.runs.try_get_untracked() != Some(self.run) {
                    return;
                }
                match crate::captcha::solve_slice(&challenge.proof_of_work, index, SLICE_MS) {
                    Ok(Some(solution)) => {
                        self.answer.try_set(solution);
                        self.gate.progress.try_set(Progress::Verified);
                        record_solve_time(js_sys::Date::now() - started);
                        renew_before_expiry(challenge.expires_at, self.renewals, self.runs, self.run);
                        return;
                    }
                    Ok(None) => next_turn().await,
                    Err(_) => {
                        self.gate.progress.try_set(Progress::Failed);
                        return;
                    }
                }
            }
        });
    }

    /// On the server the page is only drawn; solving happens once it is interactive.
    #[cfg(not(feature = "hydrate"))]
    pub(super) fn start(self, _: CaptchaChallenge) {}
}

/// About one frame of work per slice.
#[cfg(feature = "hydrate")]
const SLICE_MS: u64 = 12;

/// Yields to the browser (a macrotask, so it can paint and handle input) before the next slice.
#[cfg(feature = "hydrate")]
async fn next_turn() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback(&resolve);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Fetches a new challenge shortly before this one expires, so a slow typist is not refused.
#[cfg(feature = "hydrate")]
fn renew_before_expiry(expires_at: i64, renewals: RwSignal<usize>, runs: RwSignal<u64>, run: u64) {
    let now = js_sys::Date::now() / 1000.0;
    let left = (expires_at as f64 - now - 20.0).max(5.0);
    set_timeout(
        move || {
            // Still the answer in the form: it has not been sent, so it would expire unused.
            if runs.try_get_untracked() == Some(run) {
                renewals.try_update(|n| *n += 1);
            }
        },
        std::time::Duration::from_secs_f64(left),
    );
}

/// Leaves the solve time on the page for the benchmark and tests (`data-captcha-ms`).
#[cfg(feature = "hydrate")]
fn record_solve_time(ms: f64) {
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("data-captcha-ms", &format!("{ms:.0}"));
    }
}
