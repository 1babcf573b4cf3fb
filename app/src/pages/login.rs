use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::{typed_email, Login},
    brand::SiteHeader,
    components::{
        field_error, last_error, refused_without_javascript, Captcha, CaptchaGate, ErrorSummary, Field, GatedSubmit,
    },
    page_title,
};

/// Email address + password. Works as a plain form post without JavaScript.
#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let error = last_error(login);
    let pending = login.pending();
    let form = NodeRef::new();
    let gate = CaptchaGate::new();
    let typed = kept_email();

    view! {
        <Title text=page_title("Log in")/>
        <SiteHeader/>
        <main id="main" tabindex="-1" class="card auth-card">
            <Show when=move || query.read().get("reset").is_some()>
                <div class="alert alert-success" role="status">"Your password has been reset. Please log in."</div>
            </Show>
            <h1>"Log in"</h1>
            <ErrorSummary error=error attempts=login.version()/>
            <ActionForm action=login node_ref=form attr:novalidate=true attr:class="stack">
                <input type="hidden" name="next" value=next/>
                // Filled in again after a refusal without JavaScript.
                <Suspense fallback=move || email_field(None, field_error(error, "email"))>
                    {move || Suspend::new(async move { email_field(typed.await, field_error(error, "email")) })}
                </Suspense>
                <Field
                    label="Password"
                    name="password"
                    kind="password"
                    autocomplete="current-password"
                    error=field_error(error, "password")
                />
                <Captcha gate form submitted=login.version() error=field_error(error, "captcha")/>
                <div class="form-actions">
                    <GatedSubmit gate pending>"Login"</GatedSubmit>
                    // Carries the address typed so far to Forgot? (`signin::carried_email`): the
                    // login page's own module looks for the attribute, the app clicks here.
                    <a href="/forgot" data-carries-email="" on:click=|_| {
                        #[cfg(feature = "hydrate")]
                        signin::carried_email::keep_from_field();
                    }>"Forgot?"</a>
                </div>
            </ActionForm>
        </main>
    }
}

/// After a form was refused without JavaScript (the server carried the refusal back to this
/// page), the email address that was typed, so the form shown again has it filled in.
pub(crate) fn kept_email() -> Resource<Option<String>> {
    let refused = refused_without_javascript();
    Resource::new(
        move || refused,
        |refused| async move {
            if refused {
                typed_email().await.ok().flatten()
            } else {
                None
            }
        },
    )
}

/// The form's email field, holding `value` when the page arrives.
pub(crate) fn email_field(value: Option<String>, error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Field
            label="Email address"
            name="email"
            kind="email"
            autocomplete="username"
            autofocus=true
            value=value
            error=error
        />
    }
}
