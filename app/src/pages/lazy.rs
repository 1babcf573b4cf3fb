//! The pages that /login does not need, each in a WASM chunk of its own that the browser
//! fetches when it first shows the page (Leptos's lazy routes; `cargo leptos build --split`).
//! The server renders them as any other page; a browser that opens one of them directly
//! fetches its chunk before it hydrates (`hydrate_lazy`).
//!
//! What stays in the main module: the login page, the account layout (the top bar) and
//! what they share (the captcha, the form fields). That keeps a first visit to /login small.

use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

use super::{
    AccountPage, ChangePasswordPage, ForgotPage, NewRecoveryCodesPage, RecoveryCodesPage, ResetPage, SecurityPage,
    TurnOffTwoFactorPage, TwoFactorSetupPage, VerifyPage,
};

/// A route whose page comes from its own chunk: `lazy!(Route => Page)` makes a `Route` to
/// give to `Lazy::<Route>::new()`.
macro_rules! lazy {
    ($($route:ident => $page:ident),* $(,)?) => {$(
        #[doc = concat!("`", stringify!($page), "`, loaded on first use.")]
        #[derive(Clone, Copy)]
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page/> }.into_any()
            }
        }
    )*};
}

lazy! {
    VerifyRoute => VerifyPage,
    ForgotRoute => ForgotPage,
    ResetRoute => ResetPage,
    AccountRoute => AccountPage,
    ChangePasswordRoute => ChangePasswordPage,
    SecurityRoute => SecurityPage,
    TwoFactorSetupRoute => TwoFactorSetupPage,
    RecoveryCodesRoute => RecoveryCodesPage,
    NewRecoveryCodesRoute => NewRecoveryCodesPage,
    TurnOffTwoFactorRoute => TurnOffTwoFactorPage,
}
