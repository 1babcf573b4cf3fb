use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::{reset_link_lifetime, typed_email, RequestPasswordReset},
    brand::SiteHeader,
    components::{field_error, focus_when_shown, last_error, Captcha, CaptchaGate, ErrorSummary, GatedSubmit},
    page_title,
    pages::login::{email_field, kept_email},
    routes,
};

/// The one answer every request gets, whether or not the address has an account: it repeats
/// `address`, the one typed (when the page knows it), and says how long links work
/// (`lifetime`, in words: "2 hours").
pub fn sent_message(address: Option<&str>, lifetime: &str) -> String {
    let address = address.unwrap_or("the address you entered");
    format!(
        "If an account exists for {address}, we have emailed it a link to choose a new password. \
         The link is valid for {lifetime}."
    )
}

/// The reply's id, to focus it.
const SENT_ID: &str = "reset-sent";

/// "Forgot?": an email address; the reply never says whether it has an account.
#[component]
pub fn ForgotPage() -> impl IntoView {
    let request = ServerAction::<RequestPasswordReset>::new();
    let query = use_query_map();
    let error = last_error(request);
    let form = NodeRef::new();
    let gate = CaptchaGate::new();
    let typed = kept_email();
    let lifetime = Resource::new(|| (), |_| reset_link_lifetime());
    let sent = Memo::new(move |_| {
        matches!(request.value().get(), Some(Ok(())))
            || (request.value().with(Option::is_none) && query.read().get("sent").is_some())
    });
    // The address the reply repeats: the one this page just sent, or (without JavaScript, after
    // the redirect) the one the server kept for the reply, never in the page's address.
    let sent_to = RwSignal::new(None::<String>);
    Effect::watch(
        move || request.input().get(),
        move |input, _, _| {
            if let Some(input) = input {
                sent_to.set(Some(input.email.trim().to_owned()));
            }
        },
        false,
    );
    let kept_for_reply = Resource::new(
        move || query.read().get("sent").is_some(),
        |sent| async move {
            if sent {
                typed_email().await.ok().flatten()
            } else {
                None
            }
        },
    );
    // Sent: the form (and the button pressed) gives way to the reply, which takes focus.
    Effect::watch(
        move || sent.get(),
        |sent, _, _| {
            if *sent {
                focus_when_shown(SENT_ID)
            }
        },
        false,
    );
    // The address typed on the login page, if its "Forgot?" link carried it here.
    Effect::new(move |_| {
        if typed.get().is_some() {
            fill_in_carried_email();
        }
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
                // Without JavaScript the page arrives with it: focused on load.
                <div id=SENT_ID class="alert alert-success" role="status" tabindex="-1" autofocus=true>
                    <Suspense fallback=move || sent_message(sent_to.get().as_deref(), "a limited time")>
                        {move || Suspend::new(async move {
                            let lifetime = lifetime.await.unwrap_or_else(|_| "a limited time".into());
                            let kept = kept_for_reply.await;
                            view! { {move || sent_message(sent_to.get().or(kept.clone()).as_deref(), &lifetime)} }
                        })}
                    </Suspense>
                </div>
                <p><a href=routes::LOGIN>"Back to login"</a></p>
            </Show>
        </main>
    }
}

/// Puts the address carried from the login page (`signin::carried_email`) into the email field,
/// once the field that stays is there, unless something is in it already (an address kept
/// after a refusal, or one typed meanwhile).
fn fill_in_carried_email() {
    #[cfg(feature = "hydrate")]
    if let Some(email) = signin::carried_email::take() {
        use wasm_bindgen::JsCast as _;
        crate::components::when_shown(signin::carried_email::FIELD_ID, move |field| {
            if let Ok(field) = field.dyn_into::<web_sys::HtmlInputElement>() {
                if field.value().is_empty() {
                    field.set_value(&email);
                }
            }
        });
    }
}
