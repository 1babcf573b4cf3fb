use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    api::{reset_form_context, reset_link_lifetime, ResetPassword},
    brand::SiteHeader,
    components::{field_error, focus_when_shown, last_error, ErrorSummary, NewPasswordFields, SubmitButton},
    error::AppError,
    page_title,
};

/// The heading of the page a link that no longer works leads to, to focus it.
const LINK_ENDED_ID: &str = "link-ended";

/// "Set a new password", reached from the emailed link (whose token the server moved into a
/// cookie, so it is no longer in the address bar).
#[component]
pub fn ResetPage() -> impl IntoView {
    let reset = ServerAction::<ResetPassword>::new();
    let form_context = Resource::new(|| (), |_| reset_form_context());
    let lifetime = Resource::new(|| (), |_| reset_link_lifetime());
    let error = last_error(reset);
    let expired = move || matches!(error.get(), Some(AppError::LinkExpired));
    // Arriving from the emailed link, focus starts on the heading (the next Tab reaches the
    // first field); after a refusal, the error summary takes it instead.
    let heading_first = move || error.with(Option::is_none);
    // The link ended while the form was open: the form (and the button pressed) gives way to
    // what to do instead, and focus goes to its heading.
    Effect::watch(
        expired,
        |ended, _, _| {
            if *ended {
                focus_when_shown(LINK_ENDED_ID)
            }
        },
        false,
    );

    view! {
        <Title text=page_title("Set a new password")/>
        <SiteHeader/>
        <main id="main" tabindex="-1" class="card auth-card">
            <Suspense fallback=|| view! { <p>"Checking your link…"</p> }>
                {move || Suspend::new(async move {
                    let lifetime = lifetime.await.unwrap_or_else(|_| "a limited time".into());
                    match form_context.await {
                        Ok(_) if expired() => link_expired(lifetime).into_any(),
                        Ok(context) => view! {
                            <h1 tabindex="-1" autofocus=heading_first>"Set a new password"</h1>
                            <p class="muted">"For the account " <strong>{context.account}</strong></p>
                            <ErrorSummary error=error attempts=reset.version()/>
                            <ActionForm action=reset attr:novalidate=true attr:class="stack">
                                <NewPasswordFields
                                    context=context.fields
                                    new_error=field_error(error, "new_password")
                                    confirm_error=field_error(error, "confirm_password")
                                    clear=Signal::derive(|| 0)
                                />
                                <div class="form-actions">
                                    <SubmitButton pending=reset.pending()>"Set password"</SubmitButton>
                                    <a href="/login">"Back to login"</a>
                                </div>
                            </ActionForm>
                        }.into_any(),
                        Err(AppError::LinkExpired) => link_expired(lifetime).into_any(),
                        Err(e) => view! {
                            <h1 tabindex="-1" autofocus=true>"Set a new password"</h1>
                            <p class="alert alert-error" role="alert">{e.to_string()}</p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

/// The page a link that does not work (any more) leads to, titled as it is headed.
fn link_expired(lifetime: String) -> impl IntoView {
    view! {
        <Title text=page_title("This link no longer works")/>
        <h1 id=LINK_ENDED_ID tabindex="-1" autofocus=true>"This link no longer works"</h1>
        <p class="alert alert-error" role="alert">"This link has expired, has already been used, or was replaced by a newer link or a password change."</p>
        <p>{format!("Reset links work once and for {lifetime}. Ask for a new one:")}</p>
        <p><a class="button button-primary" href="/forgot">"Request a new link"</a></p>
    }
}
