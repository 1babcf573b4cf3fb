use leptos::prelude::*;

/// The message about a form as a whole, announced by screen readers when it appears.
#[component]
pub fn FormAlert(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Show when=move || message.get().is_some()>
            <div class="alert alert-error" role="alert">
                {move || message.get()}
            </div>
        </Show>
    }
}
