//! "New password" and "Confirm new password", with live strength feedback computed in the
//! browser by the same policy code the server applies, and a generator (see [`StrengthCheck`]).
//!
//! Without JavaScript the checklist is plain hint text (the rules, no marks and no meter) and
//! the buttons that need scripts are not shown (`.needs-script`, hidden by
//! `@media (scripting: none)`). With it, they are in the server's page from the start, kept
//! invisible (not removed) until the page is interactive, so that nothing moves when it becomes so.

use leptos::{ev, prelude::*, tachys::html::attribute::custom::custom_attribute};

use super::{
    field::{FieldFrame, FieldIds},
    StrengthCheck,
};
use crate::{
    api::NewPasswordContext,
    password_generator::{self, GeneratorOptions},
    password_policy::{self, RuleCheck, StrengthReport},
};

#[component]
pub fn NewPasswordFields(
    context: NewPasswordContext,
    /// The server's message for the new password, if any.
    #[prop(into)]
    new_error: Signal<Option<String>>,
    #[prop(into)] confirm_error: Signal<Option<String>>,
    /// Clears both fields when it changes (after a successful save).
    #[prop(into)]
    clear: Signal<usize>,
) -> impl IntoView {
    let NewPasswordContext { policy, context_words } = context;
    let (new_ids, confirm_ids) = (FieldIds::new("new_password"), FieldIds::new("confirm_password"));
    // On a slow line a person may type before the page's code has arrived: keep it, and check it.
    let new_password = RwSignal::new(typed_before_hydration(&new_ids.input()));
    // The simple rules in the page at once, the rest in the strength worker.
    let strength = StrengthCheck::new(policy.clone(), context_words);
    let confirm = RwSignal::new(typed_before_hydration(&confirm_ids.input()));
    let revealed = RwSignal::new(false);
    // "Show", "Generate" and the generator's options need JavaScript: until the page is
    // interactive they hold their place but cannot be seen or pressed. From then on, what was
    // typed is checked (after hydration, which takes over the server's page as it was sent).
    let interactive = RwSignal::new(false);
    Effect::new(move |_| {
        interactive.set(true);
        if new_password.with_untracked(|typed| !typed.is_empty()) {
            strength.check(&new_password.get_untracked());
        }
    });
    let awaiting_script = move || !interactive.get();
    let generated = RwSignal::new(None::<String>);
    let options = RwSignal::new(GeneratorOptions::for_policy(&policy));
    // Changing an option makes a new suggestion with it (unless the person is typing their own).
    Effect::watch(
        move || options.get(),
        move |options, _, _| {
            if generated.with_untracked(Option::is_some) || new_password.with_untracked(String::is_empty) {
                strength.generate(*options);
            }
        },
        false,
    );
    let length_note = RwSignal::new(None::<String>);
    Effect::watch(
        move || clear.get(),
        move |_, _, _| {
            new_password.set(String::new());
            strength.check("");
            confirm.set(String::new());
            generated.set(None);
            revealed.set(false);
        },
        false,
    );

    // A suggestion arrives from the worker: it fills both fields and is shown once.
    Effect::watch(
        move || strength.suggestion().get(),
        move |suggestion, _, _| {
            if let Some(password) = suggestion {
                new_password.set(password.clone());
                strength.check(password);
                confirm.set(password.clone());
                generated.set(Some(password.clone()));
                revealed.set(true);
            }
        },
        false,
    );

    let report = strength.report();
    // Not before the page is interactive: what was typed before then is checked from then on,
    // and the server's page (where nothing is typed) is what hydration takes over.
    let typed = move || interactive.get() && new_password.with(|p| !p.is_empty());
    let generate = move |_: ev::MouseEvent| strength.generate(options.get());
    let input_type = move || if revealed.get() { "text" } else { "password" };
    let rules = password_policy::passwordrules(&policy);
    let lengths = password_generator::length_range(&policy);
    let (shortest, longest) = (*lengths.start(), *lengths.end());
    // Which classes the policy requires: their checkboxes stay on.
    let required = (policy.require_upper, policy.require_lower, policy.require_digit, policy.require_symbol);
    let set_length = move |typed: String| match typed.trim().parse::<usize>() {
        Ok(asked) => {
            let length = asked.clamp(shortest, longest);
            length_note.set((length != asked).then(|| length_note_text(shortest, longest, length)));
            // Always noticed, so the field shows the length used even when it is unchanged.
            options.update(|o| o.length = length);
        }
        Err(_) => length_note.set(Some(format!("Enter a number from {shortest} to {longest}."))),
    };

    view! {
        <FieldFrame label="New password" ids=new_ids error=new_error>
            <div class="password-row">
                <input
                    id=new_ids.input()
                    name="new_password"
                    type=input_type
                    autocomplete="new-password"
                    {..custom_attribute("passwordrules", rules)}
                    aria-describedby=new_ids.described_by("new_password-feedback", new_error)
                    aria-invalid=FieldIds::invalid(new_error)
                    prop:value=move || new_password.get()
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        strength.check(&value);
                        new_password.set(value);
                        generated.set(None);
                    }
                />
                <button
                    type="button"
                    class="button button-quiet needs-script"
                    class:awaiting-script=awaiting_script
                    aria-pressed=move || revealed.get().to_string()
                    aria-controls="field-new_password field-confirm_password"
                    on:click=move |_| revealed.update(|r| *r = !*r)
                >
                    {move || if revealed.get() { "Hide" } else { "Show" }}
                </button>
                <button
                    type="button"
                    class="button button-quiet needs-script"
                    class:awaiting-script=awaiting_script
                    on:click=generate
                >
                    "Generate"
                </button>
            </div>
            <GeneratedPassword generated=generated/>
            <details class="generator-options needs-script" class:awaiting-script=awaiting_script>
                <summary>"Generator options"</summary>
                <label class="inline-label">
                    "Length "
                    <input
                        type="number"
                        form="generator-options"
                        min=shortest
                        max=longest
                        aria-describedby="generator-length-note"
                        prop:value=move || options.get().length.to_string()
                        on:change=move |ev| set_length(event_target_value(&ev))
                    />
                </label>
                <p class="generator-note" id="generator-length-note" role="status">{move || length_note.get()}</p>
                <fieldset class="generator-classes">
                <legend>"Characters to use"</legend>
                <ClassToggle label="Upper-case letters" required=required.0 options=options class=|o| &mut o.upper/>
                <ClassToggle label="Lower-case letters" required=required.1 options=options class=|o| &mut o.lower/>
                <ClassToggle label="Digits" required=required.2 options=options class=|o| &mut o.digits/>
                <ClassToggle label="Symbols" required=required.3 options=options class=|o| &mut o.symbols/>
                <ClassToggle
                    label="Avoid look-alike characters (I l 1 | O 0 o)"
                    required=false
                    options=options
                    class=|o| &mut o.avoid_look_alikes
                />
                <ClassToggle
                    label="Fewer symbols (easier to type on a phone)"
                    required=false
                    options=options
                    class=|o| &mut o.few_symbols
                />
                </fieldset>
            </details>
            <StrengthFeedback report=report typed=Signal::derive(typed) available=strength.available()/>
        </FieldFrame>
        <FieldFrame label="Confirm new password" ids=confirm_ids error=confirm_error>
            <input
                id=confirm_ids.input()
                name="confirm_password"
                type=input_type
                autocomplete="new-password"
                aria-describedby=confirm_ids.described_by("confirm_password-status", confirm_error)
                aria-invalid=FieldIds::invalid(confirm_error)
                prop:value=move || confirm.get()
                on:input=move |ev| confirm.set(event_target_value(&ev))
            />
            <p class="match-status muted" id="confirm_password-status" aria-live="polite">
                {move || match (confirm.with(String::is_empty), confirm.get() == new_password.get()) {
                    (true, _) => "",
                    (false, true) => "\u{2713} The passwords match.",
                    (false, false) => "The passwords do not match yet.",
                }}
            </p>
        </FieldFrame>
    }
}

/// What the generator's length field says when it used another length than the one typed.
fn length_note_text(shortest: usize, longest: usize, used: usize) -> String {
    format!("The generator makes passwords of {shortest} to {longest} characters, so it used {used}.")
}

/// The meter, the checklist and zxcvbn's advice, announced politely to screen readers.
///
/// Before anything is typed (and always without JavaScript) the checklist is the rules as
/// plain hints, with no marks and no meter. Once typed, each rule is met (✓), not met yet (○)
/// or being checked (◌): the page ticks length, case and symbols itself at once, and the
/// strength worker answers the dictionary rules when its module has arrived.
#[component]
fn StrengthFeedback(report: Signal<StrengthReport>, typed: Signal<bool>, available: Signal<bool>) -> impl IntoView {
    // The summary is read out as the checks answer; what takes room on the page (and so moves
    // the form's buttons) waits while a press is under way. That includes the meter and the
    // advice that come with the first typed character: typed before the page was interactive,
    // they appear at hydration, perhaps under a press on Save Changes that began before it.
    let (live, report, available, shown) = (report, steady(report), steady(available), steady(typed));
    let met = move || live.with(|r| r.checks.iter().filter(|c| c.passed).count());
    let total = move || live.with(|r| r.checks.len());
    let summary = move || {
        if typed.get() {
            format!("Strength: {}. {} of {} requirements met.", live.with(|r| r.score_label()), met(), total())
        } else {
            String::new()
        }
    };
    let state = move |check: &RuleCheck| match (shown.get(), check.passed, check.pending) {
        (false, ..) => ("\u{2022}", ""),
        (true, true, _) => ("\u{2713}", " (met)"),
        (true, false, true) if available.get() => ("\u{25CC}", " (checking)"),
        (true, false, true) => ("\u{25CB}", " (checked when you save)"),
        (true, false, false) => ("\u{25CB}", " (not met yet)"),
    };
    view! {
        <div id="new_password-feedback" class="strength">
            <Show when=move || shown.get()>
                <div class="strength-meter" aria-hidden="true">
                    <meter min="0" max="4" low="2" high="3" optimum="4" value=move || report.with(|r| r.meter_level())></meter>
                    <span class="strength-label">{move || report.with(|r| r.score_label())}</span>
                </div>
            </Show>
            <p class="visually-hidden" aria-live="polite" aria-atomic="true">{summary}</p>
            <ul class="checklist" aria-label="Password requirements">
                {move || report.with(|r| r.checks.iter().map(|check| {
                    let (mark, said) = state(check);
                    view! {
                        <li class:met=shown.get() && check.passed class:checking=shown.get() && check.pending>
                            <span class="check-mark" aria-hidden="true">{mark}</span>
                            {check.label.clone()}
                            <span class="visually-hidden">{said}</span>
                        </li>
                    }
                }).collect_view())}
            </ul>
            <Show when=move || !available.get()>
                <p class="muted">"This page cannot check your password as you type. It is checked when you save."</p>
            </Show>
            // Room for zxcvbn's advice from the first keystroke, so that its arrival seconds later
            // on a slow line does not push the form down.
            <Show when=move || shown.get()>
                <div class="strength-advice muted">
                    {move || report.with(|r| r.warning.clone())}
                    " "
                    {move || report.with(|r| r.suggestions.join(" "))}
                </div>
            </Show>
        </div>
    }
}

/// `value` as the page shows it: a change that arrives while a press is under way waits for
/// its end (see [`when_no_press`]).
fn steady<T: Clone + Send + Sync + 'static>(value: Signal<T>) -> Signal<T> {
    let shown = RwSignal::new(value.get_untracked());
    // An effect that also runs at once (not a watch): a change made before its first run, as a
    // keystroke right after hydration can be, is shown too.
    Effect::new(move |_| {
        let now = value.get();
        when_no_press(move || {
            shown.try_set(now);
        });
    });
    shown.into()
}

/// Runs `change` now or, while a button or link is held down, once it has been let go and its
/// click handled. `change` grows or shrinks the form above "Save Changes": under a press it
/// would move the button from under the pointer, the release would land beside it, and the
/// press would be lost (no click, nothing sent). A press that began before the page was
/// interactive counts too: the browser marks the held element `:active` from the start.
fn when_no_press(change: impl FnOnce() + 'static) {
    #[cfg(feature = "hydrate")]
    {
        use std::{cell::RefCell, rc::Rc};

        let held = document().query_selector("button:active, a:active").ok().flatten().is_some();
        if held {
            let change = RefCell::new(Some(change));
            let listeners: Rc<RefCell<Vec<WindowListenerHandle>>> = Rc::default();
            let released = {
                let listeners = Rc::clone(&listeners);
                move |_: web_sys::Event| {
                    listeners.take().into_iter().for_each(WindowListenerHandle::remove);
                    if let Some(change) = change.take() {
                        // A task later, after the release's click; a new press waits again.
                        set_timeout(move || when_no_press(change), std::time::Duration::ZERO);
                    }
                }
            };
            let released = Rc::new(released);
            for event in ["pointerup", "pointercancel", "keyup"] {
                let released = Rc::clone(&released);
                let handle = window_event_listener_untyped(event, move |ev| released(ev));
                listeners.borrow_mut().push(handle);
            }
            return;
        }
    }
    change();
}

/// What is in the server-rendered input `id` when the page's code takes it over: what a person
/// typed before it arrived. Empty on the server, and for a page the browser renders itself.
fn typed_before_hydration(id: &str) -> String {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast as _;
        let input = document().get_element_by_id(id).and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok());
        if let Some(input) = input {
            return input.value();
        }
    }
    let _ = id;
    String::new()
}

/// The password the generator just made, shown once, with a button to copy it.
#[component]
fn GeneratedPassword(generated: RwSignal<Option<String>>) -> impl IntoView {
    let copied = RwSignal::new(false);
    let copy = move |_| {
        if let Some(password) = generated.get_untracked() {
            let clipboard = window().navigator().clipboard();
            let _ = clipboard.write_text(&password);
            copied.set(true);
        }
    };
    Effect::watch(move || generated.get(), move |_, _, _| copied.set(false), false);
    view! {
        <Show when=move || generated.get().is_some()>
            <div class="generated" role="status">
                <span>"Generated: "</span>
                <code class="generated-password">{move || generated.get().unwrap_or_default()}</code>
                <button type="button" class="button button-quiet" on:click=copy>
                    {move || if copied.get() { "Copied" } else { "Copy" }}
                </button>
                <span class="muted">"Save it in your password manager before you continue."</span>
            </div>
        </Show>
    }
}

/// A checkbox for one character class; a class the policy requires is always on.
#[component]
fn ClassToggle(
    label: &'static str,
    required: bool,
    options: RwSignal<GeneratorOptions>,
    /// Which flag of the options this checkbox controls.
    class: fn(&mut GeneratorOptions) -> &mut bool,
) -> impl IntoView {
    let checked = move || {
        let mut current = options.get();
        *class(&mut current)
    };
    view! {
        <label class="inline-label">
            <input
                type="checkbox"
                form="generator-options"
                disabled=required
                prop:checked=checked
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    options.update(|o| *class(o) = on || required);
                }
            />
            " " {label}
            {required.then_some(" (required)")}
        </label>
    }
}
