use leptos::prelude::*;
use leptos_meta::Title;

use super::confirm::ConfirmForm;
use crate::{api::NewRecoveryCodes, page_title};

/// "New recovery codes": the current password and a code, then the new codes, shown once.
#[component]
pub fn NewRecoveryCodesPage() -> impl IntoView {
    let renew = ServerAction::<NewRecoveryCodes>::new();
    view! {
        <Title text=page_title("New recovery codes")/>
        <main id="main" tabindex="-1" class="page">
            <h1>"New recovery codes"</h1>
            <p class="muted">"Your current recovery codes stop working, and the new ones are shown once."</p>
            <ConfirmForm action=renew submit="New recovery codes"/>
        </main>
    }
}
