//! The error summary (the GOV.UK Design System's pattern): on a refused submit, a box at the top
//! of the form that says "There is a problem", takes focus (so a screen reader reads it out and
//! the next Tab reaches its first link) and links every problem to its field. While it shows,
//! the page's title starts with "Error: ", which is the first thing a screen reader announces
//! of a page that came back refused.

use leptos::{html, prelude::*};
use leptos_meta::Title;

use crate::error::AppError;

/// The summary of `error`, focused whenever a submit (`attempts` moving on) ends with one.
#[component]
pub fn ErrorSummary(
    #[prop(into)] error: Signal<Option<AppError>>,
    #[prop(into)] attempts: Signal<usize>,
) -> impl IntoView {
    let summary: NodeRef<html::Div> = NodeRef::new();
    Effect::new(move |_| {
        attempts.track();
        if error.with(Option::is_some) {
            if let Some(summary) = summary.get() {
                let _ = summary.focus();
            }
        }
    });
    view! {
        <Show when=move || error.with(Option::is_some)>
            <Title formatter=|title: String| format!("Error: {title}")/>
            <div
                node_ref=summary
                class="alert alert-error error-summary"
                role="alert"
                tabindex="-1"
                aria-labelledby="error-summary-title"
                // Without JavaScript the page arrives with the summary: focus it on load.
                autofocus=true
            >
                <h2 id="error-summary-title" class="error-summary-title">"There is a problem"</h2>
                <ul class="error-summary-list">
                    {move || error.get().map(|error| error.summary().into_iter().map(line).collect_view())}
                </ul>
            </div>
        </Show>
    }
}

/// One problem: a link to its field (which takes focus), or the sentence alone.
fn line((field, message): (Option<String>, String)) -> AnyView {
    match field.map(|field| target_of(&field)) {
        Some(target) => {
            let href = format!("#{target}");
            view! { <li><a href=href on:click=move |ev| super::focus::focus_by_id(ev, &target)>{message}</a></li> }
                .into_any()
        }
        None => view! { <li>{message}</li> }.into_any(),
    }
}

/// The element a field's problem leads to: its input (`field-NAME`), or the captcha's group.
fn target_of(field: &str) -> String {
    match field {
        crate::captcha::PROOF_FIELD => "captcha".to_owned(),
        name => format!("field-{name}"),
    }
}
