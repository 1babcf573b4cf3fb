use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::percent_encode;
use crate::{
    api::{Logout, VerifySignIn},
    brand::SiteHeader,
    components::{field_error, focus_when_shown, last_error, ErrorSummary, Field, SubmitButton},
    page_title,
};

fn with_recovery_untracked(query: &Memo<leptos_router::params::ParamsMap>) -> bool {
    query.with_untracked(|q| q.get("recovery").is_some())
}

/// The second step of logging in: the app's code, or a recovery code instead.
#[component]
pub fn VerifyPage() -> impl IntoView {
    let verify = ServerAction::<VerifySignIn>::new();
    let back = ServerAction::<Logout>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let with_recovery = move || query.read().get("recovery").is_some();
    let switch_href = move |recovery: bool| {
        let next = next();
        let mut params = Vec::new();
        if recovery {
            params.push("recovery=1".to_owned());
        }
        if !next.is_empty() {
            params.push(format!("next={}", percent_encode(&next)));
        }
        if params.is_empty() {
            "/login/verify".to_owned()
        } else {
            format!("/login/verify?{}", params.join("&"))
        }
    };
    // An answer belongs to the view it was given in: switching between the app's code and a
    // recovery code starts clean (the old "That code didn't work" is not about the new field).
    let answered_in = Memo::new(move |_| {
        verify.version().track();
        with_recovery_untracked(&query)
    });
    let answer = last_error(verify);
    let error = Memo::new(move |_| answer.get().filter(|_| answered_in.get() == with_recovery()));
    // Switching between the two (the link that did it is gone): focus goes to the field to fill
    // in. A page load (without JavaScript) has the field's `autofocus` do it.
    Effect::watch(
        with_recovery,
        |recovery, _, _| focus_when_shown(if *recovery { "field-recovery_code" } else { "field-code" }),
        false,
    );

    view! {
        <Title text=page_title("Two-factor authentication")/>
        <SiteHeader/>
        <main id="main" tabindex="-1" class="card auth-card">
            <h1>"Two-factor authentication"</h1>
            <ErrorSummary error=error attempts=verify.version()/>
            <ActionForm action=verify attr:novalidate=true attr:class="stack">
                <input type="hidden" name="next" value=next/>
                <Show
                    when=with_recovery
                    fallback=move || view! {
                        <p class="muted">"Enter the 6-digit code your authenticator app shows now."</p>
                        <Field
                            label="Authentication code"
                            name="code"
                            autocomplete="one-time-code"
                            inputmode="numeric"
                            autofocus=true
                            error=field_error(error, "code")
                        />
                    }
                >
                    <p class="muted">"Enter one of the recovery codes you saved. Each works once."</p>
                    <Field
                        label="Recovery code"
                        name="recovery_code"
                        autocomplete="off"
                        autofocus=true
                        error=field_error(error, "recovery_code")
                    />
                </Show>
                <div class="form-actions">
                    <SubmitButton pending=verify.pending()>"Verify"</SubmitButton>
                    <Show
                        when=with_recovery
                        fallback=move || view! { <a href=move || switch_href(true)>"Use a recovery code"</a> }
                    >
                        <a href=move || switch_href(false)>"Use your authenticator app"</a>
                    </Show>
                </div>
            </ActionForm>
            // A form, so that going back ends the waiting sign-in (with or without JavaScript).
            <ActionForm action=back attr:class="card-foot">
                <button type="submit" class="button-link">"Back to login"</button>
            </ActionForm>
        </main>
    }
}
