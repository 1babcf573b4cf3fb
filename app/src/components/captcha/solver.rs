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
            // Replaced by a newer challenge, or the form is gone (the page changed).
            let wanted = || self.runs.try_get_untracked() == Some(self.run);
            match signin::solve::solve_in_browser(&challenge.proof_of_work, wanted).await {
                Ok(Some(answer)) => {
                    self.answer.try_set(answer);
                    self.gate.progress.try_set(Progress::Verified);
                    renew_before_expiry(challenge.expires_at, self.renewals, self.runs, self.run);
                }
                Ok(None) => {}
                Err(_) => {
                    self.gate.progress.try_set(Progress::Failed);
                }
            }
        });
    }

    /// On the server the page is only drawn; solving happens once it is interactive.
    #[cfg(not(feature = "hydrate"))]
    pub(super) fn start(self, _: CaptchaChallenge) {}
}

/// Fetches a new challenge shortly before this one expires, so a slow typist is not refused.
#[cfg(feature = "hydrate")]
fn renew_before_expiry(expires_at: i64, renewals: RwSignal<usize>, runs: RwSignal<u64>, run: u64) {
    let now = js_sys::Date::now() / 1000.0;
    let left = (expires_at as f64 - now - signin::status::RENEW_BEFORE_EXPIRY_S).max(5.0);
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
