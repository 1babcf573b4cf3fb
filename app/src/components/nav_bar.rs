use leptos::prelude::*;

use crate::api::Logout;

/// The top bar of every signed-in page; the account menu sits at the top right.
#[component]
pub fn NavBar(email: String) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    view! {
        <header class="topbar">
            <nav aria-label="Main" class="topbar-inner">
                <a class="brand" href="/account">{crate::SITE_NAME}</a>
                <div class="account-menu">
                    <span class="account-email" title="Signed in as">{email}</span>
                    <a class="button button-quiet" href="/account/password">"Change Password"</a>
                    <ActionForm action=logout attr:class="inline-form">
                        <button type="submit" class="button button-quiet">"Log out"</button>
                    </ActionForm>
                </div>
            </nav>
        </header>
    }
}
