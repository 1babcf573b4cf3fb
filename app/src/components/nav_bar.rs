use leptos::{html, prelude::*};

use super::disclosure_menu::{close_like_a_menu, close_on_link};
use crate::{api::Logout, brand::BrandMark, routes};

/// The top bar of every signed-in page, across the whole width: the site's name at the left,
/// the account menu at the top right. On a narrow screen the menu folds into a disclosure whose
/// button is the email address (a `<details>`, so it opens without JavaScript too; with it, it
/// closes like a menu); CSS shows one of the two. The address's tooltip is the address, for
/// when a long one has to be shortened.
#[component]
pub fn NavBar(email: String) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    let menu = NodeRef::<html::Details>::new();
    let button = NodeRef::<html::Summary>::new();
    close_like_a_menu(menu, button);
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
                    <span class="account-email" title=email.clone()>{email.clone()}</span>
                    {items()}
                </div>
                <details class="account-menu-narrow" node_ref=menu>
                    <summary class="button button-quiet" node_ref=button>
                        <span class="visually-hidden">"Account menu for "</span>
                        <span class="account-email" title=email.clone()>{email.clone()}</span>
                    </summary>
                    <div class="account-menu-panel" on:click=close_on_link(menu)>
                        // On a phone the button may shorten the address, and there is no tooltip.
                        <p class="account-menu-who">"Signed in as " {email}</p>
                        {items()}
                    </div>
                </details>
            </nav>
        </header>
    }
}
