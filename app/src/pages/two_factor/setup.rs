use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    api::{two_factor_setup, EnableTwoFactor},
    components::{field_error, last_error, CurrentPasswordField, ErrorSummary, Field, SubmitButton},
    page_title, routes,
};

/// Setting up: the QR code, the setup key, and the app's current code to confirm.
#[component]
pub fn TwoFactorSetupPage() -> impl IntoView {
    let enable = ServerAction::<EnableTwoFactor>::new();
    let details = Resource::new(|| (), |_| two_factor_setup());
    let error = last_error(enable);

    view! {
        <Title text=page_title("Set up two-factor authentication")/>
        <main id="main" tabindex="-1" class="page">
            <h1>"Set up two-factor authentication"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match details.await {
                        Ok(Some(details)) => view! {
                            <section class="card stack" aria-labelledby="scan-heading">
                                <h2 id="scan-heading">"1. Add your account to an authenticator app"</h2>
                                <p>"Scan this QR code with an authenticator app on your phone (for example \
                                    Google Authenticator, Microsoft Authenticator, Aegis or 1Password)."</p>
                                <div class="qr-code" role="img" aria-label="QR code for your authenticator app"
                                    inner_html=details.qr_svg></div>
                                <p>"Can\u{2019}t scan it? Type this key into the app instead:"</p>
                                <dl class="setup-key">
                                    <dt>"Setup key"</dt>
                                    <dd><code>{details.setup_key}</code></dd>
                                </dl>
                                <p><a href=details.otpauth_url>"Open in an authenticator app on this device"</a></p>
                            </section>
                            <section class="card stack" aria-labelledby="confirm-heading">
                                <h2 id="confirm-heading">"2. Confirm with the code the app shows"</h2>
                                <ErrorSummary error=error attempts=enable.version()/>
                                <ActionForm action=enable attr:novalidate=true attr:class="stack">
                                    <CurrentPasswordField error=field_error(error, "current_password")/>
                                    <Field
                                        label="Authentication code"
                                        name="code"
                                        autocomplete="one-time-code"
                                        inputmode="numeric"
                                        error=field_error(error, "code")
                                    />
                                    <div class="form-actions">
                                        <SubmitButton pending=enable.pending()>"Turn on two-factor authentication"</SubmitButton>
                                        <a href=routes::SECURITY>"Cancel"</a>
                                    </div>
                                </ActionForm>
                            </section>
                        }.into_any(),
                        Ok(None) => view! {
                            <p class="alert alert-success" role="status">"Two-factor authentication is on."</p>
                            <p><a href=routes::SECURITY>"Back to Security Settings"</a></p>
                        }.into_any(),
                        Err(e) => view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}
