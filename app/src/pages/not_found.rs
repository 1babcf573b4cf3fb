//! The page at an address where there is nothing. It answers 404, under the top bar every page
//! has: the account menu for someone signed in, as on /account; for anyone else the site's name
//! and a way to log in. Then what happened, and the way home.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::{api::account_overview, brand::BrandMark, components::NavBar, page_title, routes};

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::api::request::set_status(http::StatusCode::NOT_FOUND);
    // Who is asking. The server renders a missing page whole before sending it, so the bar and
    // the way home are in the HTML, with or without JavaScript.
    let account = Resource::new(|| (), |_| account_overview());
    let email = move || async move { account.await.ok().map(|overview| overview.email) };
    view! {
        <Title text=page_title("Page not found")/>
        <Suspense fallback=|| view! { <header class="topbar"></header> }>
            {move || Suspend::new(async move { top_bar(email().await) })}
        </Suspense>
        <main id="main" tabindex="-1" class="card">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address."</p>
            <Suspense>{move || Suspend::new(async move { way_home(email().await.is_some()) })}</Suspense>
        </main>
    }
}

fn top_bar(email: Option<String>) -> AnyView {
    match email {
        Some(email) => view! { <NavBar email/> }.into_any(),
        None => view! {
            <header class="topbar">
                <nav aria-label="Main" class="topbar-inner">
                    <BrandMark href=routes::LOGIN/>
                    <a class="button button-quiet" href=routes::LOGIN>"Log in"</a>
                </nav>
            </header>
        }
        .into_any(),
    }
}

fn way_home(signed_in: bool) -> impl IntoView {
    let (href, words) =
        if signed_in { (routes::ACCOUNT, "Go to your account") } else { (routes::LOGIN, "Go to the login page") };
    view! { <p><a href=href>{words}</a></p> }
}
