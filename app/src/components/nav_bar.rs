use leptos::prelude::*;

use crate::{api::Logout, brand::BrandMark, routes};

/// The top bar of every signed-in page; the account menu sits at the top right. On a narrow
/// screen the menu folds into a disclosure whose button is the email address (a `<details>`,
/// so it opens without JavaScript too); CSS shows one of the two.
#[component]
pub fn NavBar(email: String) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    let items = move || {
        view! {
            <a class="button button-quiet" href=routes::CHANGE_PASSWORD>"Change Password"</a>
            <a class="button button-quiet" href=routes::SECURITY>"Security Settings"</a>
            <ActionForm action=logout attr:class="inline-form">
                <button type="submit" class="button button-quiet">"Log out"</button>
            </ActionForm>
        }
    };
    view! {
        <header class="topbar">
            <nav aria-label="Main" class="topbar-inner">
                <BrandMark/>
                <div class="account-menu account-menu-wide">
                    <span class="account-email" title="Signed in as">{email.clone()}</span>
                    {items()}
                </div>
                <details class="account-menu-narrow">
                    <summary class="button button-quiet">
                        <span class="visually-hidden">"Account menu for "</span>
                        <span class="account-email">{email}</span>
                    </summary>
                    <div class="account-menu-panel">{items()}</div>
                </details>
            </nav>
        </header>
    }
}
