//! Keeps a password's [`StrengthReport`] up to date as the person types, without blocking the
//! page: short inputs are scored at once (well under a millisecond), longer ones once typing
//! pauses, in a Web Worker (`/strength-worker.js`) that runs this same WASM module's
//! [`assess_request`]. zxcvbn can take tens of milliseconds on a long input; there, it costs
//! the page nothing. Where no worker can start, the page scores after the pause itself.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::password_policy::{self, PasswordPolicy, StrengthReport};

/// Inputs up to this long are scored on every keystroke.
const IMMEDIATE_SCORE_CHARS: usize = 20;
/// Longer ones once typing pauses for this long.
const SCORE_DELAY: std::time::Duration = std::time::Duration::from_millis(250);

/// What the worker is asked: everything [`password_policy::assess`] takes.
#[derive(Serialize, Deserialize)]
pub struct AssessRequest {
    pub id: u64,
    pub password: String,
    pub policy: PasswordPolicy,
    pub context_words: Vec<String>,
}

#[derive(Serialize, Deserialize)]
pub struct AssessReply {
    pub id: u64,
    pub report: StrengthReport,
}

/// The worker's side: one request in JSON, its reply in JSON.
pub fn assess_request(request: &str) -> Result<String, String> {
    let request: AssessRequest = serde_json::from_str(request).map_err(|e| e.to_string())?;
    let report = password_policy::assess(&request.password, &request.policy, &request.context_words);
    serde_json::to_string(&AssessReply { id: request.id, report }).map_err(|e| e.to_string())
}

/// The page's side. Cheap to copy.
#[derive(Clone, Copy)]
pub struct StrengthCheck {
    report: RwSignal<StrengthReport>,
    inputs: StoredValue<(PasswordPolicy, Vec<String>)>,
    /// Numbers each check; a reply for an older one is dropped.
    latest: StoredValue<u64>,
    pending: StoredValue<Option<TimeoutHandle>>,
    /// Sent to the worker and not answered yet: scored here if the worker fails.
    #[cfg(feature = "hydrate")]
    unanswered: StoredValue<Option<String>>,
    #[cfg(feature = "hydrate")]
    worker: StoredValue<Option<web_sys::Worker>, LocalStorage>,
}

impl StrengthCheck {
    pub fn new(policy: PasswordPolicy, context_words: Vec<String>) -> Self {
        let report = RwSignal::new(password_policy::assess("", &policy, &context_words));
        let check = Self {
            report,
            inputs: StoredValue::new((policy, context_words)),
            latest: StoredValue::new(0),
            pending: StoredValue::new(None),
            #[cfg(feature = "hydrate")]
            unanswered: StoredValue::new(None),
            #[cfg(feature = "hydrate")]
            worker: StoredValue::new_local(None),
        };
        #[cfg(feature = "hydrate")]
        check.start_worker();
        check
    }

    pub fn report(&self) -> Signal<StrengthReport> {
        self.report.into()
    }

    /// Scores `password` (as typed; normalised here as the server does).
    pub fn check(&self, password: &str) {
        if let Some(handle) = self.pending.get_value() {
            handle.clear();
        }
        let id = self.latest.get_value() + 1;
        self.latest.set_value(id);
        let password: String = password.nfkc().collect();
        if password.chars().count() <= IMMEDIATE_SCORE_CHARS {
            self.report.set(self.assess_here(&password));
            return;
        }
        let this = *self;
        let handle = set_timeout_with_handle(move || this.check_later(id, password), SCORE_DELAY).ok();
        self.pending.set_value(handle);
    }

    fn assess_here(&self, password: &str) -> StrengthReport {
        self.inputs.with_value(|(policy, words)| password_policy::assess(password, policy, words))
    }

    #[cfg(feature = "hydrate")]
    fn check_later(&self, id: u64, password: String) {
        let (policy, context_words) = self.inputs.get_value();
        let request = AssessRequest { id, password, policy, context_words };
        let sent = self.worker.with_value(|worker| {
            let worker = worker.as_ref()?;
            let json = serde_json::to_string(&request).ok()?;
            worker.post_message(&json.into()).ok()
        });
        if sent.is_some() {
            self.unanswered.set_value(Some(request.password));
        } else {
            self.report.try_set(self.assess_here(&request.password));
        }
    }

    /// The worker could not answer: score the last request here, and stop using it.
    #[cfg(feature = "hydrate")]
    fn worker_failed(&self) {
        self.worker.try_update_value(|worker| worker.take().map(|w| w.terminate()));
        if let Some(Some(password)) = self.unanswered.try_update_value(Option::take) {
            self.report.try_set(self.assess_here(&password));
        }
    }

    #[cfg(not(feature = "hydrate"))]
    fn check_later(&self, _: u64, password: String) {
        self.report.try_set(self.assess_here(&password));
    }

    #[cfg(feature = "hydrate")]
    fn start_worker(&self) {
        use wasm_bindgen::{closure::Closure, JsCast as _};

        let options = web_sys::WorkerOptions::new();
        options.set_type(web_sys::WorkerType::Module);
        let Ok(worker) = web_sys::Worker::new_with_options("/strength-worker.js", &options) else { return };
        let this = *self;
        let on_reply = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let reply = event.data().as_string().and_then(|json| serde_json::from_str::<AssessReply>(&json).ok());
            match reply {
                Some(reply) if this.latest.try_get_value() == Some(reply.id) => {
                    this.unanswered.try_set_value(None);
                    this.report.try_set(reply.report);
                }
                Some(_) => {}
                None => this.worker_failed(),
            }
        });
        worker.set_onmessage(Some(on_reply.as_ref().unchecked_ref()));
        // A worker that cannot start (no module workers, a blocked script) leaves the work to the page.
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| this.worker_failed());
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        self.worker.set_value(Some(worker));
        let handlers = StoredValue::new_local((on_reply, on_error));
        on_cleanup(move || {
            this.worker.try_update_value(|worker| worker.take().map(|w| w.terminate()));
            handlers.dispose();
        });
    }
}
