use leptos::prelude::*;
use leptos_meta::Title;

use super::confirm::ConfirmForm;
use crate::{api::TurnOffTwoFactor, page_title, routes};

/// "Turn off two-factor authentication": the current password and a code.
#[component]
pub fn TurnOffTwoFactorPage() -> impl IntoView {
    let turn_off = ServerAction::<TurnOffTwoFactor>::new();
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
                <ConfirmForm action=turn_off submit="Turn off two-factor authentication"/>
            </Show>
            <p><a href=routes::SECURITY>"Back to Security Settings"</a></p>
        </main>
    }
}
