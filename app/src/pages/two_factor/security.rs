use leptos::prelude::*;
use leptos_meta::Title;

use crate::{api::security_status, page_title, routes};

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
                                    <a class="button button-quiet" href=routes::NEW_RECOVERY_CODES>"New recovery codes"</a>
                                    <a class="button button-quiet" href=routes::TURN_OFF_TWO_FACTOR>"Turn off two-factor authentication"</a>
                                </div>
                            </section>
                        }.into_any(),
                        Ok(_) => view! {
                            <section class="card stack" aria-labelledby="two-factor-heading">
                                <h2 id="two-factor-heading">"Two-factor authentication"</h2>
                                <p><strong>"Two-factor authentication is off."</strong>
                                    " Turn it on and logging in will also ask for a code from an authenticator app on \
                                     your phone, so that a stolen password alone does not open your account."</p>
                                <p><a class="button button-primary" href=routes::TWO_FACTOR_SETUP>
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

fn recovery_count(left: i64) -> String {
    match left {
        0 => "You have no unused recovery codes. Make new ones now.".to_owned(),
        1 => "You have 1 unused recovery code.".to_owned(),
        n => format!("You have {n} unused recovery codes."),
    }
}
