//! Holding a form until its captcha is solved.

use leptos::prelude::*;

pub(super) use signin::status::Progress;

/// Holds a form's submission until its captcha is solved, then sends it.
#[derive(Clone, Copy)]
pub struct CaptchaGate {
    /// The form has a captcha to solve: until the server says it has none, assume it does.
    pub(super) active: RwSignal<bool>,
    /// How far the page's own work is; solved when [`Progress::Verified`].
    pub(super) progress: RwSignal<Progress>,
    /// The person pressed submit before the page finished: send as soon as it does.
    pub(super) waiting: RwSignal<bool>,
}

impl CaptchaGate {
    pub fn new() -> Self {
        Self { active: RwSignal::new(true), progress: RwSignal::new(Progress::Working), waiting: RwSignal::new(false) }
    }

    pub(super) fn is_solved(&self) -> bool {
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
            aria-disabled=move || pending.get().then_some("true")
            aria-busy=move || gate.is_waiting().then_some("true")
            on:click=move |ev| {
                // Still focusable while busy (a disabled button drops focus to the page); a
                // repeat press is ignored instead.
                if pending.get_untracked() {
                    ev.prevent_default();
                } else {
                    gate.hold_until_solved(ev);
                }
            }
        >
            {children()}
        </button>
    }
}

/// A form's submit button that stays focusable while the form is being sent: `aria-disabled`
/// says it is busy, and a repeat press is ignored.
#[component]
pub fn SubmitButton(#[prop(into)] pending: Signal<bool>, children: Children) -> impl IntoView {
    view! {
        <button
            type="submit"
            class="button button-primary"
            aria-disabled=move || pending.get().then_some("true")
            on:click=move |ev| {
                if pending.get_untracked() {
                    ev.prevent_default();
                }
            }
        >
            {children()}
        </button>
    }
}
