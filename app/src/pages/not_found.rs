use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::api::request::set_status(http::StatusCode::NOT_FOUND);
    view! {
        <Title text="Page not found"/>
        <main id="main" tabindex="-1" class="card">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address."</p>
            <p><a href="/account">"Go to your account"</a></p>
        </main>
    }
}
