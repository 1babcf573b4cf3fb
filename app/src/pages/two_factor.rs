//! Two-factor sign-in's pages: Security Settings, setting up an authenticator app, the
//! recovery codes shown once, and the second step of logging in. Each is a plain form that
//! works without JavaScript; with it, nothing reloads.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::{
        fresh_recovery_codes, security_status, two_factor_setup, EnableTwoFactor, NewRecoveryCodes, TurnOffTwoFactor,
        VerifySignIn, SECURITY_PAGE,
    },
    brand::SiteHeader,
    components::{field_error, last_error, CurrentPasswordField, ErrorSummary, Field, SubmitButton},
    page_title,
};

/// "Security Settings": whether two-factor authentication is on, and what can be done about it.
#[component]
pub fn SecurityPage() -> impl IntoView {
    let status = Resource::new(|| (), |_| security_status());
    view! {
        <Title text=page_title("Security Settings")/>
        <main id="main" tabindex="-1" class="page">
            <h1>"Security Settings"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match status.await {
                        Ok(status) if status.enabled => view! {
                            <section class="card stack" aria-labelledby="two-factor-heading">
                                <h2 id="two-factor-heading">"Two-factor authentication"</h2>
                                <p><strong>"Two-factor authentication is on."</strong>
                                    " Logging in asks for a code from your authenticator app after your password."</p>
                                <p>{recovery_count(status.recovery_codes_left)}</p>
                                <div class="button-row">
                                    <a class="button button-quiet" href=RENEW_PAGE>"New recovery codes"</a>
                                    <a class="button button-quiet" href=TURN_OFF_PAGE>"Turn off two-factor authentication"</a>
                                </div>
                            </section>
                        }.into_any(),
                        Ok(_) => view! {
                            <section class="card stack" aria-labelledby="two-factor-heading">
                                <h2 id="two-factor-heading">"Two-factor authentication"</h2>
                                <p><strong>"Two-factor authentication is off."</strong>
                                    " Turn it on and logging in will also ask for a code from an authenticator app on \
                                     your phone, so that a stolen password alone does not open your account."</p>
                                <p><a class="button button-primary" href="/account/security/setup">
                                    "Set up two-factor authentication"
                                </a></p>
                            </section>
                        }.into_any(),
                        Err(e) => view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

/// Where new recovery codes are asked for.
pub const RENEW_PAGE: &str = "/account/security/new-recovery-codes";
/// Where two-factor authentication is turned off.
pub const TURN_OFF_PAGE: &str = "/account/security/turn-off";

fn recovery_count(left: i64) -> String {
    match left {
        0 => "You have no unused recovery codes. Make new ones now.".to_owned(),
        1 => "You have 1 unused recovery code.".to_owned(),
        n => format!("You have {n} unused recovery codes."),
    }
}

/// "New recovery codes": the current password and a code, then the new codes, shown once.
#[component]
pub fn NewRecoveryCodesPage() -> impl IntoView {
    let renew = ServerAction::<NewRecoveryCodes>::new();
    let error = last_error(renew);
    view! {
        <Title text=page_title("New recovery codes")/>
        <main id="main" tabindex="-1" class="page">
            <h1>"New recovery codes"</h1>
            <p class="muted">"Your current recovery codes stop working, and the new ones are shown once."</p>
            <ErrorSummary error=error attempts=renew.version()/>
            <ActionForm action=renew attr:novalidate=true attr:class="stack card">
                <ConfirmFields error/>
                <div class="form-actions">
                    <SubmitButton pending=renew.pending()>"New recovery codes"</SubmitButton>
                    <a href=SECURITY_PAGE>"Cancel"</a>
                </div>
            </ActionForm>
        </main>
    }
}

/// "Turn off two-factor authentication": the current password and a code.
#[component]
pub fn TurnOffTwoFactorPage() -> impl IntoView {
    let turn_off = ServerAction::<TurnOffTwoFactor>::new();
    let error = last_error(turn_off);
    let done = move || matches!(turn_off.value().get(), Some(Ok(())));
    view! {
        <Title text=page_title("Turn off two-factor authentication")/>
        <main id="main" tabindex="-1" class="page">
            <h1>"Turn off two-factor authentication"</h1>
            <div class="banner-region" role="status">
                <Show when=done>
                    <div class="alert alert-success">"Two-factor authentication is off."</div>
                </Show>
            </div>
            <Show when=move || !done()>
                <p class="muted">"Logging in will ask for your password only."</p>
                <ErrorSummary error=error attempts=turn_off.version()/>
                <ActionForm action=turn_off attr:novalidate=true attr:class="stack card">
                    <ConfirmFields error/>
                    <div class="form-actions">
                        <SubmitButton pending=turn_off.pending()>"Turn off two-factor authentication"</SubmitButton>
                        <a href=SECURITY_PAGE>"Cancel"</a>
                    </div>
                </ActionForm>
            </Show>
            <p><a href=SECURITY_PAGE>"Back to Security Settings"</a></p>
        </main>
    }
}

/// The current password and a code from the app (or a recovery code), asked before a change.
#[component]
fn ConfirmFields(error: Memo<Option<crate::error::AppError>>) -> impl IntoView {
    view! {
        <CurrentPasswordField error=field_error(error, "current_password")/>
        <Field
            label="Authentication code or recovery code"
            name="second_factor"
            autocomplete="one-time-code"
            error=field_error(error, "second_factor")
        />
    }
}

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
                                        <SubmitButton pending=enable.pending()>"Enable"</SubmitButton>
                                        <a href=SECURITY_PAGE>"Cancel"</a>
                                    </div>
                                </ActionForm>
                            </section>
                        }.into_any(),
                        Ok(None) => view! {
                            <p class="alert alert-success" role="status">"Two-factor authentication is on."</p>
                            <p><a href=SECURITY_PAGE>"Back to Security Settings"</a></p>
                        }.into_any(),
                        Err(e) => view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

/// The recovery codes just made, shown once, to copy, download or write down.
#[component]
pub fn RecoveryCodesPage() -> impl IntoView {
    let codes = Resource::new(|| (), |_| fresh_recovery_codes());
    view! {
        <Title text=page_title("Your recovery codes")/>
        <main id="main" tabindex="-1" class="page">
            <h1>"Your recovery codes"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match codes.await {
                        Ok(Some(codes)) => view! {
                            <div class="alert alert-success" role="status">"Two-factor authentication is on."</div>
                            <section class="card stack" aria-labelledby="codes-heading">
                                <h2 id="codes-heading">"Keep these codes somewhere safe"</h2>
                                <p>"If you lose your phone, each of these codes lets you log in once instead of a \
                                    code from your app. They are shown only now."</p>
                                <RecoveryCodeList codes/>
                                <p><a href=SECURITY_PAGE class="button button-primary">"Done"</a></p>
                            </section>
                        }.into_any(),
                        Ok(None) => view! {
                            <p>"Recovery codes are shown only once, right after they are made. To get new ones, \
                                use \u{201c}New recovery codes\u{201d} in Security Settings."</p>
                            <p><a href=SECURITY_PAGE>"Back to Security Settings"</a></p>
                        }.into_any(),
                        Err(e) => view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn RecoveryCodeList(codes: Vec<String>) -> impl IntoView {
    let text = format!("{}\n", codes.join("\n"));
    let download = format!("data:text/plain;charset=utf-8,{}", percent_encode(&text));
    let copied = RwSignal::new(false);
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let copy = {
        let text = text.clone();
        move |_| {
            let _ = window().navigator().clipboard().write_text(&text);
            copied.set(true);
        }
    };
    view! {
        <ol class="recovery-codes">
            {codes.into_iter().map(|code| view! { <li><code>{code}</code></li> }).collect_view()}
        </ol>
        <div class="button-row">
            <Show when=move || hydrated.get()>
                <button type="button" class="button button-quiet" on:click=copy.clone()>"Copy"</button>
            </Show>
            <a class="button button-quiet" href=download.clone() download="recovery-codes.txt">"Download"</a>
            <span role="status" class="muted">{move || copied.get().then_some("Copied")}</span>
        </div>
    }
}

/// `text` for a URL (a `data:` URL's body, a query value).
fn percent_encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// The second step of logging in: the app's code, or a recovery code instead.
#[component]
pub fn VerifyPage() -> impl IntoView {
    let verify = ServerAction::<VerifySignIn>::new();
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
    let error = last_error(verify);

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
            <p class="card-foot"><a href="/login">"Back to login"</a></p>
        </main>
    }
}
