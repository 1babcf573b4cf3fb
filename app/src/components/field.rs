use leptos::prelude::*;

/// What ties a field's label, input and message together for screen readers: the input's id
/// is `field-NAME`, its message's `field-NAME-error`.
#[derive(Clone, Copy)]
pub struct FieldIds {
    name: &'static str,
}

impl FieldIds {
    pub fn new(name: &'static str) -> Self {
        Self { name }
    }

    pub fn input(self) -> String {
        format!("field-{}", self.name)
    }

    pub fn error(self) -> String {
        format!("field-{}-error", self.name)
    }

    /// The input's `aria-describedby`: `also` (hints, live status) and the message when shown.
    pub fn described_by(self, also: &'static str, error: Signal<Option<String>>) -> impl Fn() -> Option<String> {
        move || {
            let ids: Vec<String> =
                also.split_whitespace().map(str::to_owned).chain(error.get().map(|_| self.error())).collect();
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    }

    /// The input's `aria-invalid`.
    pub fn invalid(error: Signal<Option<String>>) -> impl Fn() -> Option<&'static str> {
        move || error.get().map(|_| "true")
    }
}

/// A field's frame: its label, whatever the caller puts in it (the input, buttons, live
/// feedback), and its message, marked invalid while there is one.
#[component]
pub fn FieldFrame(
    /// The visible label.
    label: &'static str,
    ids: FieldIds,
    /// The message to show under the input, if any.
    #[prop(into)]
    error: Signal<Option<String>>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=ids.input()>{label}</label>
            {children()}
            <Show when=move || error.get().is_some()>
                <p class="field-error" id=ids.error()>
                    {move || error.get()}
                </p>
            </Show>
        </div>
    }
}

/// A labelled input with its error message, tied together for screen readers.
#[component]
pub fn Field(
    /// The visible label.
    label: &'static str,
    /// The input's `name`, equal to the server function's argument.
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    /// The message to show under the input, if any.
    #[prop(into)]
    error: Signal<Option<String>>,
    #[prop(optional)] autofocus: bool,
    /// What the input holds when the page arrives (an email address typed before a refusal).
    #[prop(optional, into)]
    value: Signal<Option<String>>,
    /// The keyboard a phone shows ("numeric" for codes).
    #[prop(optional)]
    inputmode: Option<&'static str>,
) -> impl IntoView {
    let ids = FieldIds::new(name);
    view! {
        <FieldFrame label ids error>
            <input
                id=ids.input()
                name=name
                type=kind
                autocomplete=autocomplete
                autofocus=autofocus
                value=move || value.get()
                inputmode=inputmode
                aria-invalid=FieldIds::invalid(error)
                aria-describedby=ids.described_by("", error)
            />
        </FieldFrame>
    }
}

/// The account's current password, asked before a change (Change Password, two-factor sign-in).
#[component]
pub fn CurrentPasswordField(#[prop(into)] error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Field label="Current password" name="current_password" kind="password" autocomplete="current-password" error/>
    }
}
