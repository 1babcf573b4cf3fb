//! The captcha on a form: the page proves some work by itself while the person types; without
//! JavaScript, a picture (and its sound) to type from.

mod gate;
mod picture;
mod solver;
mod widget;

use leptos::{html, prelude::*};

pub use self::gate::{CaptchaGate, GatedSubmit, SubmitButton};
use self::{
    gate::Progress,
    picture::picture_fallback,
    solver::Solver,
    widget::{reset_provider_widget, ProviderWidget},
};
use signin::status::{STATUS_CLASS, TEXT_CLASS};

use crate::{
    api::new_captcha,
    captcha::{FormCaptcha, PROOF_FIELD},
};

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

    let status = move || progress.get().text(gate.waiting.get());
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
                // The challenge is in the HTML too, for the login page's own module (`signin`).
                FormCaptcha::ProofOfWork(current) => view! {
                <div
                    id="captcha"
                    tabindex="-1"
                    class="captcha"
                    role="group"
                    aria-label="Human check"
                    aria-describedby=described_by
                    data-challenge=current.proof_of_work.clone()
                    data-expires=current.expires_at
                >
                    <input type="hidden" name=PROOF_FIELD node_ref=answer_field prop:value=move || answer.get()/>
                    <p
                        class=STATUS_CLASS
                        data-state=move || progress.get().state()
                        role="status"
                    >
                        <span class="captcha-mark" aria-hidden="true"></span>
                        <span class=TEXT_CLASS>{status}</span>
                    </p>
                    <noscript inner_html=picture_fallback(&current)></noscript>
                    {error_view()}
                </div>
                }.into_any(),
            })}
        </Transition>
    }
}
