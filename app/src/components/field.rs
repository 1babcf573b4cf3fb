use leptos::prelude::*;

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
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let described_by = {
        let error_id = error_id.clone();
        move || error.get().map(|_| error_id.clone())
    };
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                autofocus=autofocus
                aria-invalid=move || error.get().map(|_| "true")
                aria-describedby=described_by
            />
            <Show when=move || error.get().is_some()>
                <p class="field-error" id=error_id.clone()>
                    {move || error.get()}
                </p>
            </Show>
        </div>
    }
}
