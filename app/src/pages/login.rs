use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::Login,
    components::{field_error, last_error, Captcha, CaptchaGate, ErrorSummary, Field, GatedSubmit},
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

    view! {
        <Title text=page_title("Log in")/>
        <main id="main" tabindex="-1" class="card auth-card">
            <Show when=move || query.read().get("reset").is_some()>
                <div class="alert alert-success" role="status">"Your password has been reset. Please log in."</div>
            </Show>
            <h1>"Log in"</h1>
            <ErrorSummary error=error attempts=login.version()/>
            <ActionForm action=login node_ref=form attr:novalidate=true attr:class="stack">
                <input type="hidden" name="next" value=next/>
                <Field
                    label="Email address"
                    name="email"
                    kind="email"
                    autocomplete="username"
                    autofocus=true
                    error=field_error(error, "email")
                />
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
                    <a href="/forgot">"Forgot?"</a>
                </div>
            </ActionForm>
        </main>
    }
}
