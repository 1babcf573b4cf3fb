//! Account Portal: the pages, the server functions both sides call, and (with the `ssr`
//! feature) the server-side domain behind them.

pub mod api;
pub mod assets;
#[cfg(feature = "ssr")]
pub mod backend;
pub mod brand;
pub mod captcha;
pub mod components;
pub mod domain;
pub mod error;
pub mod pages;
pub mod routes;
pub use strength::{generator as password_generator, policy as password_policy};

pub use brand::page_title;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{ParentRoute, Redirect, Route, Router, Routes},
    path, Lazy, SsrMode,
};

use pages::{
    lazy::{
        AccountRoute, ChangePasswordRoute, ForgotRoute, NewRecoveryCodesRoute, RecoveryCodesRoute, ResetRoute,
        SecurityRoute, TurnOffTwoFactorRoute, TwoFactorSetupRoute, VerifyRoute,
    },
    AccountLayout, LoginPage, NotFound,
};

/// The HTML document the server renders around the app, in the form leptos_axum's error
/// handler takes; the bundles' URLs come from [`assets::AssetUrls`], not from `_options`.
pub fn shell(_options: LeptosOptions) -> impl IntoView {
    html_document()
}

/// The HTML document the server renders around the app.
pub fn html_document() -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                <brand::BrandMeta/>
                <assets::Bundles/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // In the browser the brand is read from the page once, here, for every component below.
    if use_context::<brand::Brand>().is_none() {
        provide_context(brand::Brand::current());
    }
    #[cfg(feature = "ssr")]
    content_security_policy();
    refused_form_for_this_page();
    let app = Owner::current();
    // Lets tests and scripts know the page is interactive.
    Effect::new(|_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Title text=brand::Brand::current().name/>
        <a class="skip-link" href="#main" on:click=|ev| crate::components::focus_by_id(ev, "main")>"Skip to content"</a>
        <Router>
            <crate::components::FocusOnNavigation/>
            <RefusalEndsOnNavigation app/>
            // Every page but the login page comes in its own chunk (`pages::lazy`).
            <Routes fallback=NotFound>
                    <Route path=path!("/") view=|| view! { <Redirect path="/account"/> }/>
                    // Async: the captcha (its picture, for browsers without JavaScript) is in the HTML.
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/login/verify") view={Lazy::<VerifyRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/forgot") view={Lazy::<ForgotRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/reset") view={Lazy::<ResetRoute>::new()} ssr=SsrMode::Async/>
                    // Rendered whole before sending, so the page is complete without JavaScript.
                    <ParentRoute path=path!("/account") view=AccountLayout ssr=SsrMode::Async>
                        <Route path=path!("") view={Lazy::<AccountRoute>::new()}/>
                        <Route path=path!("password") view={Lazy::<ChangePasswordRoute>::new()}/>
                        <Route path=path!("security") view={Lazy::<SecurityRoute>::new()}/>
                        <Route path=path!("security/setup") view={Lazy::<TwoFactorSetupRoute>::new()}/>
                        <Route path=path!("security/recovery-codes") view={Lazy::<RecoveryCodesRoute>::new()}/>
                        <Route path=path!("security/new-recovery-codes") view={Lazy::<NewRecoveryCodesRoute>::new()}/>
                        <Route path=path!("security/turn-off") view={Lazy::<TurnOffTwoFactorRoute>::new()}/>
                    </ParentRoute>
            </Routes>
        </Router>
    }
}

/// A form refused without JavaScript sent the browser back to its page with the refusal in a
/// one-time cookie (`server/src/web/refused_forms.rs`), read into the request. Handed to the
/// page's `ServerAction` here, as Leptos would hand over an error found in the address; shared
/// with the browser, so that hydration keeps the message the server rendered. First in the
/// app: both sides must take the shared value's place in the same order.
fn refused_form_for_this_page() {
    let refused = SharedValue::<Option<(String, String)>>::new(|| {
        #[cfg(feature = "ssr")]
        let refused = api::request::refused_form().map(|form| (form.server_fn, form.error));
        #[cfg(not(feature = "ssr"))]
        let refused = None;
        refused
    });
    if let Some((server_fn, error)) = refused.into_inner() {
        provide_context(ServerActionError::new(&server_fn, &error));
    }
}

/// The refusal belongs to the page it came back to: once the person moves on in the browser,
/// a form opened later (even the same one) starts clean.
#[component]
fn RefusalEndsOnNavigation(app: Option<Owner>) -> impl IntoView {
    let Some(app) = app else { return };
    let location = leptos_router::hooks::use_location();
    Effect::new(move |arrived_at: Option<String>| {
        let path = location.pathname.get();
        if arrived_at.as_ref().is_some_and(|first| *first != path) {
            app.with(|| provide_context(ServerActionError::new("", "")));
        }
        arrived_at.unwrap_or(path)
    });
}

/// Every page may run only our own scripts and the inline hydration script that carries this
/// response's nonce, load nothing from elsewhere, be framed by nobody and post forms only here.
#[cfg(feature = "ssr")]
fn content_security_policy() {
    use api::request;
    if let Some(nonce) = use_nonce() {
        // A third-party captcha loads its script, styles and frames from its own origins.
        let third = request::captcha_origins().map(|origins| format!(" {origins}")).unwrap_or_default();
        let policy = format!(
            "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'{third}; style-src 'self'{third}; \
             img-src 'self' data:; media-src 'self'; connect-src 'self'{third}; frame-src{frames}; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
            frames = if third.is_empty() { " 'none'".to_owned() } else { third.clone() },
        );
        if let Ok(value) = http::HeaderValue::from_str(&policy) {
            request::insert_header(http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
}
