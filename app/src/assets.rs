//! Where the page's own files are. Their URLs carry a hash of their content
//! (`/pkg/portal.3f9a…c2.wasm`), so a browser keeps each one until it changes and never asks
//! again. The server finds the files and their hashes when it starts and provides the URLs as
//! context; the shell puts the bundles in the page's head, and the strength worker's URL in a
//! `<meta>` tag, where the page's code finds it once it runs in the browser.

use leptos::{nonce::use_nonce, prelude::*};

/// The `<meta name>` that holds the strength worker's URL.
const STRENGTH_WORKER_META: &str = "portal-strength-worker";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssetUrls {
    pub app_js: String,
    pub app_wasm: String,
    pub stylesheet: String,
    /// The strength worker's script: it loads the strength module (zxcvbn) itself.
    pub strength_worker: String,
    /// The glue between a third-party captcha widget and our form.
    pub captcha_provider: String,
}

/// The files' plain names, for a server that has not found (or hashed) the built site.
impl Default for AssetUrls {
    fn default() -> Self {
        Self::locate(|path| format!("/{path}"))
    }
}

impl AssetUrls {
    /// The strength worker's script, relative to the site's root.
    pub const STRENGTH_WORKER: &str = "js/strength-worker.js";

    /// Each file's URL, by `url` of its path relative to the site's root ("pkg/portal.wasm").
    pub fn locate(url: impl Fn(&str) -> String) -> Self {
        Self {
            app_js: url("pkg/portal.js"),
            app_wasm: url("pkg/portal.wasm"),
            stylesheet: url("pkg/portal.css"),
            strength_worker: url(Self::STRENGTH_WORKER),
            captcha_provider: url("js/captcha-provider.js"),
        }
    }

    /// The URLs the server provided, or the plain names.
    pub fn current() -> Self {
        use_context::<Self>().unwrap_or_default()
    }
}

/// The strength worker's URL, as the server wrote it into the page.
#[cfg(feature = "hydrate")]
pub fn strength_worker_url() -> String {
    document()
        .query_selector(&format!("meta[name={STRENGTH_WORKER_META}]"))
        .ok()
        .flatten()
        .and_then(|meta| meta.get_attribute("content"))
        .unwrap_or_else(|| AssetUrls::default().strength_worker)
}

/// The stylesheet, the app's JS and WASM (fetched at once, in parallel), and the module script
/// that starts them, allowed by this response's CSP nonce.
#[component]
pub fn Bundles() -> impl IntoView {
    let urls = AssetUrls::current();
    let start = format!(
        "import init, {{ hydrate }} from {js}; init({{ module_or_path: {wasm} }}).then(hydrate);",
        js = js_string(&urls.app_js),
        wasm = js_string(&urls.app_wasm),
    );
    view! {
        <link rel="stylesheet" href=urls.stylesheet/>
        <link rel="modulepreload" href=urls.app_js/>
        // `crossorigin` makes the preload's request the same as the one `init` makes.
        <link rel="preload" href=urls.app_wasm r#as="fetch" r#type="application/wasm" crossorigin=""/>
        <meta name=STRENGTH_WORKER_META content=urls.strength_worker/>
        <script type="module" nonce=use_nonce()>{start}</script>
    }
}

/// `text` as a JavaScript string literal.
fn js_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_become_javascript_string_literals() {
        assert_eq!(js_string("/pkg/portal.abc.js"), r#""/pkg/portal.abc.js""#);
        assert_eq!(js_string(r#"/a"b"#), r#""/a\"b""#);
    }
}
