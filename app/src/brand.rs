//! Whose portal this is: the site's name (`PORTAL_SITE_NAME`) and, when the operator gave one,
//! its logo (`PORTAL_LOGO`, served by the portal under a content-hashed URL).
//!
//! The server provides the [`Brand`] as context and writes it into the page's head (the
//! standard `<meta name="application-name">`, and a `<meta>` for the logo's URL); the page's
//! code reads it back from there once it runs in the browser, as it does the bundles' URLs.

use crate::routes;
use leptos::prelude::*;

/// The product's own name: what a portal is called when the operator names it nothing else.
pub const DEFAULT_SITE_NAME: &str = "Account Portal";

/// The `<meta name>` that holds the logo's URL.
const LOGO_META: &str = "portal-logo";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Brand {
    /// Shown above the sign-in card, in the top bar, in every title and in mail.
    pub name: String,
    /// The logo's URL on this site, if there is one.
    pub logo: Option<String>,
}

impl Default for Brand {
    fn default() -> Self {
        Self { name: DEFAULT_SITE_NAME.to_owned(), logo: None }
    }
}

impl Brand {
    /// The brand the server provided; in the browser, the one it wrote into the page.
    pub fn current() -> Self {
        if let Some(brand) = use_context::<Self>() {
            return brand;
        }
        #[cfg(feature = "hydrate")]
        {
            let meta = |name: &str| {
                document()
                    .query_selector(&format!("meta[name={name}]"))
                    .ok()
                    .flatten()
                    .and_then(|meta| meta.get_attribute("content"))
            };
            if let Some(name) = meta("application-name") {
                return Self { name, logo: meta(LOGO_META) };
            }
        }
        Self::default()
    }
}

/// A page's `<title>`: what the page is, then the site.
pub fn page_title(page: &str) -> String {
    format!("{page} · {}", Brand::current().name)
}

/// The brand in the page's head, where the browser-side code finds it.
#[component]
pub fn BrandMeta() -> impl IntoView {
    let Brand { name, logo } = Brand::current();
    view! {
        <meta name="application-name" content=name/>
        {logo.map(|url| view! { <meta name=LOGO_META content=url/> })}
    }
}

/// The site's logo and name above a sign-in card: one link home (the login page, the home of
/// someone not signed in), named by the site's name.
#[component]
pub fn SiteHeader() -> impl IntoView {
    let Brand { name, logo } = Brand::current();
    view! {
        <header class="site-header">
            <a class="site-name" href=routes::LOGIN>
                // The name beside it says what the picture would: the image is decoration.
                {logo.map(|url| view! { <img class="site-logo" src=url alt="" width="40" height="40"/> })}
                <span>{name}</span>
            </a>
        </header>
    }
}

/// The logo beside the name in the top bar, when there is one: a link to the account, or to
/// `href` for someone not signed in.
#[component]
pub fn BrandMark(#[prop(default = routes::ACCOUNT)] href: &'static str) -> impl IntoView {
    let Brand { name, logo } = Brand::current();
    view! {
        <a class="brand" href=href>
            {logo.map(|url| view! { <img class="brand-logo" src=url alt="" width="28" height="28"/> })}
            <span>{name}</span>
        </a>
    }
}
