//! The captcha on a form: the page proves some work by itself while the person types; without
//! JavaScript, a picture (and its sound) to type from.

use leptos::{html, prelude::*};

use crate::{
    api::new_captcha,
    captcha::{CaptchaChallenge, FormCaptcha, Provider, PICTURE_ANSWER_FIELD, PICTURE_FIELD, PROOF_FIELD},
};

/// Holds a form's submission until its captcha is solved, then sends it.
#[derive(Clone, Copy)]
pub struct CaptchaGate {
    /// The form has a captcha to solve: until the server says it has none, assume it does.
    active: RwSignal<bool>,
    /// How far the page's own work is; solved when [`Progress::Verified`].
    progress: RwSignal<Progress>,
    /// The person pressed submit before the page finished: send as soon as it does.
    waiting: RwSignal<bool>,
}

impl CaptchaGate {
    pub fn new() -> Self {
        Self { active: RwSignal::new(true), progress: RwSignal::new(Progress::Working), waiting: RwSignal::new(false) }
    }

    fn is_solved(&self) -> bool {
        self.progress.get() == Progress::Verified
    }

    /// For the submit button's `on:click` (Enter in a field clicks it too).
    fn hold_until_solved(&self, event: leptos::ev::MouseEvent) {
        if self.active.get_untracked() && self.progress.get_untracked() != Progress::Verified {
            event.prevent_default();
            self.waiting.set(true);
        }
    }

    fn is_waiting(&self) -> bool {
        self.waiting.get()
    }
}

impl Default for CaptchaGate {
    fn default() -> Self {
        Self::new()
    }
}

/// A form's submit button that waits for the captcha: pressed early, it is held (and says so
/// to screen readers with `aria-busy`) and the form is sent once the work is done.
#[component]
pub fn GatedSubmit(gate: CaptchaGate, #[prop(into)] pending: Signal<bool>, children: Children) -> impl IntoView {
    view! {
        <button
            type="submit"
            class="button button-primary"
            disabled=move || pending.get()
            aria-busy=move || gate.is_waiting().then_some("true")
            on:click=move |ev| gate.hold_until_solved(ev)
        >
            {children()}
        </button>
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Progress {
    Working,
    Verified,
    Failed,
}

/// The captcha of one form. `submitted` changes after each submission: the challenge it
/// answered is spent, so a new one is fetched and solved.
#[component]
pub fn Captcha(
    gate: CaptchaGate,
    form: NodeRef<html::Form>,
    #[prop(into)] submitted: Signal<usize>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    // Renewed when a challenge is about to expire before it was used.
    let renewals = RwSignal::new(0usize);
    let challenge = Resource::new(move || (submitted.get(), renewals.get()), |_| new_captcha());
    let answer = RwSignal::new(String::new());
    let progress = gate.progress;
    // Hidden until the page is interactive: without JavaScript only the picture shows.
    let interactive = RwSignal::new(false);
    Effect::new(move |_| interactive.set(true));
    // Each challenge gets its own solver; an older one stops when it sees a newer run.
    let runs = RwSignal::new(0u64);

    // A sent answer is spent: forget it at once, not when the next challenge arrives.
    let forget_answer = move || {
        answer.set(String::new());
        progress.set(Progress::Working);
        runs.update(|n| *n += 1);
    };
    Effect::new(move |previous: Option<usize>| {
        let now = submitted.get();
        if previous.is_some_and(|p| p != now) {
            forget_answer();
            reset_provider_widget();
        }
        now
    });

    Effect::new(move |_| {
        let Some(result) = challenge.get() else { return };
        // A third party's widget is the person's to complete; only our own work holds the submit.
        let current = match result {
            Ok(Some(FormCaptcha::ProofOfWork(current))) => Some(current),
            _ => None,
        };
        gate.active.set(current.is_some());
        forget_answer();
        if let Some(current) = current {
            let solver = Solver { run: runs.get_untracked(), runs, answer, gate, renewals };
            solver.start(current);
        }
    });

    // Sends a submission that waited for the work. The answer goes into its field here: the
    // field's own update may not have run yet.
    let answer_field = NodeRef::<html::Input>::new();
    Effect::new(move |_| {
        if gate.is_solved() && gate.waiting.get_untracked() {
            gate.waiting.set(false);
            if let (Some(form), Some(field)) = (form.get_untracked(), answer_field.get_untracked()) {
                field.set_value(&answer.get_untracked());
                let _ = form.request_submit();
            }
        }
    });

    let status = move || match (progress.get(), gate.waiting.get()) {
        (Progress::Working, true) => "Verifying you are human… your request will be sent when this is done.",
        (Progress::Working, false) => "Verifying you are human…",
        (Progress::Verified, _) => "Verified",
        (Progress::Failed, _) => "The check could not run. Reload the page to try again.",
    };
    let described_by = move || error.get().map(|_| "captcha-error");

    let error_view = move || {
        view! {
            <Show when=move || error.get().is_some()>
                <p class="field-error" id="captcha-error">{move || error.get()}</p>
            </Show>
        }
    };

    view! {
        <Transition fallback=|| ()>
            {move || challenge.get().and_then(Result::ok).flatten().map(|form_captcha| match form_captcha {
                FormCaptcha::Provider { provider, site_key } => view! {
                    <ProviderWidget provider site_key described_by/>
                    {error_view()}
                }.into_any(),
                FormCaptcha::ProofOfWork(current) => view! {
                <div class="captcha" role="group" aria-label="Human check" aria-describedby=described_by>
                    <input type="hidden" name=PROOF_FIELD node_ref=answer_field prop:value=move || answer.get()/>
                    <p
                        class="captcha-status"
                        data-state=move || match progress.get() {
                            Progress::Working => "working",
                            Progress::Verified => "verified",
                            Progress::Failed => "failed",
                        }
                        role="status"
                        hidden=move || !interactive.get()
                    >
                        <span class="captcha-mark" aria-hidden="true"></span>
                        {status}
                    </p>
                    <noscript inner_html=picture_fallback(&current)></noscript>
                    {error_view()}
                </div>
                }.into_any(),
            })}
        </Transition>
    }
}

/// A third party's widget. Its script calls `portalCaptchaSolved(token)` (from
/// `/captcha-provider.js`, on our own origin), which puts the token into the `captcha` field.
#[component]
fn ProviderWidget(
    provider: Provider,
    site_key: String,
    described_by: impl Fn() -> Option<&'static str> + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <div class="captcha" role="group" aria-label="Human check" aria-describedby=described_by>
            <input type="hidden" name=PROOF_FIELD/>
            <div
                class=provider.widget_class()
                data-sitekey=site_key
                data-callback="portalCaptchaSolved"
                data-expired-callback="portalCaptchaExpired"
            ></div>
            <script src="/captcha-provider.js"></script>
            <script src=provider.script_url() async defer></script>
        </div>
    }
}

/// A sent token is spent: the widget must be completed again.
fn reset_provider_widget() {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast as _;
        let reset = web_sys::window()
            .and_then(|window| js_sys::Reflect::get(&window, &"portalCaptchaReset".into()).ok())
            .and_then(|reset| reset.dyn_into::<js_sys::Function>().ok());
        if let Some(reset) = reset {
            let _ = reset.call0(&wasm_bindgen::JsValue::NULL);
        }
    }
}

/// The picture, its sound and the answer field, for browsers without JavaScript.
fn picture_fallback(challenge: &CaptchaChallenge) -> String {
    // The token is digits, hex and dots; escaped all the same.
    let token: String = challenge.picture.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '.').collect();
    format!(
        r#"<div class="captcha-picture">
<img src="/captcha/picture?c={token}" width="220" height="100" alt="Five distorted letters and digits. Use the link to hear them.">
<a href="/captcha/audio?c={token}">Listen to the characters</a>
<input type="hidden" name="{PICTURE_FIELD}" value="{token}">
<div class="field"><label for="captcha-answer">Type the characters in the picture</label>
<input id="captcha-answer" name="{PICTURE_ANSWER_FIELD}" autocomplete="off" autocapitalize="none" spellcheck="false" aria-describedby="captcha-error"></div>
</div>"#
    )
}

/// Where a solver puts its result, and how it knows it has been replaced.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
struct Solver {
    run: u64,
    runs: RwSignal<u64>,
    answer: RwSignal<String>,
    gate: CaptchaGate,
    renewals: RwSignal<usize>,
}

impl Solver {
    /// Solves `challenge` in short slices between which the browser draws and handles input.
    #[cfg(feature = "hydrate")]
    fn start(self, challenge: CaptchaChallenge) {
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
    fn start(self, _: CaptchaChallenge) {}
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
