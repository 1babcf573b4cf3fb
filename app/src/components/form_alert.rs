use leptos::prelude::*;

use super::focus::focus_when_shown;

/// The confirmation's id, to focus it.
const DONE_ID: &str = "form-alert-done";
/// The problem's id, to focus it.
const PROBLEM_ID: &str = "form-alert-problem";

/// The answer to what was just done on the page without leaving it (signing sessions out): what
/// was done (`Ok`), in a polite live region that is there from the start, or what went wrong
/// (`Err`), as an alert. Focus moves to it after every answer, so a screen reader reads it and
/// the next Tab starts there, never on a button that has gone or on the next one like it.
#[component]
pub fn FormAlert(#[prop(into)] answer: Signal<Option<Result<String, String>>>) -> impl IntoView {
    Effect::watch(
        move || answer.get(),
        |answer, _, _| match answer {
            Some(Ok(_)) => focus_when_shown(DONE_ID),
            Some(Err(_)) => focus_when_shown(PROBLEM_ID),
            None => {}
        },
        false,
    );
    let done = move || answer.get().and_then(Result::ok);
    let problem = move || answer.get().and_then(Result::err);
    view! {
        <div class="banner-region" role="status">
            {move || done().map(|text| view! { <p id=DONE_ID class="alert alert-success" tabindex="-1">{text}</p> })}
        </div>
        {move || problem().map(|text| view! {
            <div id=PROBLEM_ID class="alert alert-error" role="alert" tabindex="-1">{text}</div>
        })}
    }
}
