//! Keeps a password's [`StrengthReport`] up to date as the person types, and makes the
//! generator's suggestions, without loading zxcvbn into the page or running it on the main
//! thread.
//!
//! Each keystroke is answered twice. At once, by the page itself: the length and
//! character-class rules ([`StrengthReport::composition`], the policy code the server runs,
//! without the dictionaries), with the dictionary rules marked as being checked. Then by a Web
//! Worker that runs the `strength` crate's own WASM module, zxcvbn and all, the code the server
//! checks with. The worker starts with the password form; its module is fetched from the
//! page's head already (see [`crate::assets`]), so on a slow line it is on its way before the
//! page's own code has arrived.
//!
//! Short inputs are sent at once, longer ones once typing pauses: zxcvbn's cost grows with
//! length, and a queue of stale checks would hold up the current one. Where no worker can
//! start (scripts blocked, an old browser), the checklist says so and the server checks on save.

use leptos::prelude::*;
#[cfg(feature = "hydrate")]
use strength::worker::Answer;
use strength::worker::Question;

use crate::{
    password_generator::GeneratorOptions,
    password_policy::{PasswordPolicy, StrengthReport},
};

/// Inputs up to this long are sent on every keystroke.
const IMMEDIATE_SCORE_CHARS: usize = 20;
/// Longer ones once typing pauses for this long.
const SCORE_DELAY: std::time::Duration = std::time::Duration::from_millis(250);

/// The page's side. Cheap to copy.
#[derive(Clone, Copy)]
pub struct StrengthCheck {
    report: RwSignal<StrengthReport>,
    suggestion: RwSignal<Option<String>>,
    available: RwSignal<bool>,
    inputs: StoredValue<(PasswordPolicy, Vec<String>)>,
    /// Numbers each question; an answer to an older one than the awaited one is dropped.
    asked: StoredValue<u64>,
    awaited_report: StoredValue<u64>,
    awaited_suggestion: StoredValue<u64>,
    pending: StoredValue<Option<TimeoutHandle>>,
    #[cfg(feature = "hydrate")]
    worker: StoredValue<Option<web_sys::Worker>, LocalStorage>,
}

impl StrengthCheck {
    pub fn new(policy: PasswordPolicy, context_words: Vec<String>) -> Self {
        let check = Self {
            report: RwSignal::new(StrengthReport::unchecked(&policy)),
            suggestion: RwSignal::new(None),
            available: RwSignal::new(true),
            inputs: StoredValue::new((policy, context_words)),
            asked: StoredValue::new(0),
            awaited_report: StoredValue::new(0),
            awaited_suggestion: StoredValue::new(0),
            pending: StoredValue::new(None),
            #[cfg(feature = "hydrate")]
            worker: StoredValue::new_local(None),
        };
        #[cfg(feature = "hydrate")]
        check.start_worker();
        check
    }

    /// The latest report, for the password last given to [`StrengthCheck::check`].
    pub fn report(&self) -> Signal<StrengthReport> {
        self.report.into()
    }

    /// The latest password the generator suggested.
    pub fn suggestion(&self) -> Signal<Option<String>> {
        self.suggestion.into()
    }

    /// False once the worker could not start or answer: the page cannot check as you type.
    pub fn available(&self) -> Signal<bool> {
        self.available.into()
    }

    /// Checks `password` (as typed; normalised here as the server does): the rules the page
    /// knows at once, then the worker's whole report.
    pub fn check(&self, password: &str) {
        if let Some(handle) = self.pending.get_value() {
            handle.clear();
        }
        let id = self.next_id();
        self.awaited_report.set_value(id);
        let password = nfkc(password);
        let (policy, context_words) = self.inputs.get_value();
        let known = StrengthReport::composition(&password, &policy);
        self.report.set(if self.available.get_untracked() { known } else { known.checked_on_save() });
        if password.is_empty() {
            return;
        }
        let long = password.chars().count() > IMMEDIATE_SCORE_CHARS;
        let question = Question::Assess { id, password, policy, context_words };
        if long {
            let this = *self;
            self.pending.set_value(set_timeout_with_handle(move || this.ask(question), SCORE_DELAY).ok());
        } else {
            self.ask(question);
        }
    }

    /// Asks for a password that the policy accepts; it arrives in [`StrengthCheck::suggestion`].
    pub fn generate(&self, options: GeneratorOptions) {
        let id = self.next_id();
        self.awaited_suggestion.set_value(id);
        let policy = self.inputs.with_value(|(policy, _)| policy.clone());
        self.ask(Question::Generate { id, options, policy });
    }

    fn next_id(&self) -> u64 {
        let id = self.asked.get_value() + 1;
        self.asked.set_value(id);
        id
    }

    #[cfg(feature = "hydrate")]
    fn answered(&self, answer: Answer) {
        match answer {
            Answer::Assessed { id, report } if self.awaited_report.try_get_value() == Some(id) => {
                self.report.try_set(report);
            }
            Answer::Generated { id, password } if self.awaited_suggestion.try_get_value() == Some(id) => {
                self.suggestion.try_set(Some(password));
            }
            _ => {}
        }
    }

    #[cfg(not(feature = "hydrate"))]
    fn ask(&self, _: Question) {}

    #[cfg(feature = "hydrate")]
    fn ask(&self, question: Question) {
        let sent = self.worker.try_with_value(|worker| {
            let worker = worker.as_ref()?;
            let json = serde_json::to_string(&question).ok()?;
            worker.post_message(&json.into()).ok()
        });
        if sent.flatten().is_none() {
            self.worker_failed();
        }
    }

    /// The worker could not start or answer: stop using it, and say so.
    #[cfg(feature = "hydrate")]
    fn worker_failed(&self) {
        self.worker.try_update_value(|worker| worker.take().map(|w| w.terminate()));
        self.available.try_set(false);
        self.report.try_update(|report| *report = report.clone().checked_on_save());
    }

    #[cfg(feature = "hydrate")]
    fn start_worker(&self) {
        use wasm_bindgen::{closure::Closure, JsCast as _};

        let options = web_sys::WorkerOptions::new();
        options.set_type(web_sys::WorkerType::Module);
        let url = crate::assets::strength_worker_url();
        let Ok(worker) = web_sys::Worker::new_with_options(&url, &options) else {
            self.available.set(false);
            return;
        };
        let this = *self;
        let on_reply =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
                match event.data().as_string().and_then(|json| serde_json::from_str::<Answer>(&json).ok()) {
                    Some(answer) => this.answered(answer),
                    None => this.worker_failed(),
                }
            });
        worker.set_onmessage(Some(on_reply.as_ref().unchecked_ref()));
        // A worker that cannot start (no module workers, a blocked script) leaves the check to the server.
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

/// NFKC, as the server's `Password` type has it before checking. In the browser, its own
/// `String.prototype.normalize` (the same Unicode algorithm), so that the page's module carries
/// no normalisation tables.
fn nfkc(text: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    return js_sys::JsString::from(text).normalize("NFKC").into();
    #[cfg(not(target_arch = "wasm32"))]
    return unicode_normalization::UnicodeNormalization::nfkc(text).collect();
}
