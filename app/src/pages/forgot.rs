use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::{reset_link_lifetime, RequestPasswordReset},
    brand::SiteHeader,
    components::{field_error, last_error, Captcha, CaptchaGate, ErrorSummary, GatedSubmit},
    page_title,
    pages::login::{email_field, kept_email},
    routes,
};

/// The one answer every request gets, whether or not the address has an account; `lifetime`
/// is how long links work, in words ("2 hours").
pub fn sent_message(lifetime: &str) -> String {
    format!(
        "If the email address you entered matched an existing account, please check your email for instructions \
         on what to do next. The link is valid for {lifetime}."
    )
}

/// "Forgot?": an email address; the reply never says whether it has an account.
#[component]
pub fn ForgotPage() -> impl IntoView {
    let request = ServerAction::<RequestPasswordReset>::new();
    let query = use_query_map();
    let error = last_error(request);
    let form = NodeRef::new();
    let gate = CaptchaGate::new();
    let typed = kept_email(query);
    let lifetime = Resource::new(|| (), |_| reset_link_lifetime());
    let sent = Memo::new(move |_| {
        matches!(request.value().get(), Some(Ok(())))
            || (request.value().with(Option::is_none) && query.read().get("sent").is_some())
    });

    view! {
        <Title text=page_title("Forgot your password?")/>
        <SiteHeader/>
        <main id="main" tabindex="-1" class="card auth-card">
            <h1>"Forgot your password?"</h1>
            <Show
                when=move || sent.get()
                fallback=move || view! {
                    <p class="muted">"Enter the email address of your account and we will send you a link to choose a new password."</p>
                    <ErrorSummary error=error attempts=request.version()/>
                    <ActionForm action=request node_ref=form attr:novalidate=true attr:class="stack">
                        // Filled in again after a refusal without JavaScript.
                        <Suspense fallback=move || email_field(None, field_error(error, "email"))>
                            {move || Suspend::new(async move { email_field(typed.await, field_error(error, "email")) })}
                        </Suspense>
                        <Captcha gate form submitted=request.version() error=field_error(error, "captcha")/>
                        <div class="form-actions">
                            <GatedSubmit gate pending=request.pending()>"Send reset link"</GatedSubmit>
                            <a href=routes::LOGIN>"Back to login"</a>
                        </div>
                    </ActionForm>
                }
            >
                <div class="alert alert-success" role="status">
                    <Suspense fallback=|| sent_message("a limited time")>
                        {move || Suspend::new(async move {
                            sent_message(&lifetime.await.unwrap_or_else(|_| "a limited time".into()))
                        })}
                    </Suspense>
                </div>
                <p><a href=routes::LOGIN>"Back to login"</a></p>
            </Show>
        </main>
    }
}
