//! Where the page's own files are. Their URLs carry a hash of their content
//! (`/pkg/portal.3f9a…c2.wasm`), so a browser keeps each one until it changes and never asks
//! again. The server finds the files and their hashes when it starts and provides the URLs as
//! context; the shell puts the bundles in the page's head, and the strength worker's URL in a
//! `<meta>` tag, where the page's code finds it once it runs in the browser.

use std::sync::LazyLock;

use leptos::{nonce::use_nonce, prelude::*};

use crate::routes;

/// The `<meta name>` that holds the strength worker's URL.
const STRENGTH_WORKER_META: &str = "portal-strength-worker";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssetUrls {
    pub app_js: String,
    pub app_wasm: String,
    pub stylesheet: String,
    /// The strength worker's script: it loads the strength module (zxcvbn) itself.
    pub strength_worker: String,
    /// The strength module's JS glue and WASM, which the pages with a password form fetch from
    /// their head already, so that they are on their way before the worker starts.
    pub strength_js: String,
    pub strength_wasm: String,
    /// The glue between a third-party captcha widget and our form.
    pub captcha_provider: String,
    /// The login page's own module (the `signin` crate): its JS glue and its WASM.
    pub signin_js: String,
    pub signin_wasm: String,
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
            strength_js: url("strength/pkg/strength.js"),
            strength_wasm: url("strength/pkg/strength.wasm"),
            captcha_provider: url("js/captcha-provider.js"),
            signin_js: url("signin/pkg/signin.js"),
            signin_wasm: url("signin/pkg/signin.wasm"),
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

/// The pages with a new-password form, whose strength worker's files the head fetches early.
pub const PASSWORD_FORM_PAGES: &[&str] = &[routes::CHANGE_PASSWORD, routes::RESET];

/// The pages that start the login page's own module instead of the app: a plain form whose
/// only work in the browser is its captcha (`signin`, ~67 KB brotli against the app's ~280 KB).
/// Reached by a link from the app (after logging out), the same page is the app's own.
pub const FORM_ONLY_PAGES: &[&str] = &["/login"];

/// The stylesheet, and the scripts this page starts: the app's JS and WASM (fetched at once, in
/// parallel) and the module script that hydrates it, or on [`FORM_ONLY_PAGES`] the login
/// page's own module. Inline scripts carry this response's CSP nonce.
#[component]
pub fn Bundles() -> impl IntoView {
    let urls = AssetUrls::current();
    let stylesheet = view! { <link rel="stylesheet" href=urls.stylesheet.clone()/> };
    if is_form_only_page() {
        (stylesheet, form_only_scripts(&urls)).into_any()
    } else {
        (stylesheet, app_scripts(&urls)).into_any()
    }
}

fn app_scripts(urls: &AssetUrls) -> impl IntoView {
    let then = if is_password_form_page() { strength_preloads(urls) } else { String::new() };
    let start = format!(
        "import init, {{ hydrate }} from {js}; init({{ module_or_path: {wasm} }}).then(function () {{ hydrate();{then} }});",
        js = js_string(&urls.app_js),
        wasm = js_string(&urls.app_wasm),
    );
    view! {
        <link rel="modulepreload" href=urls.app_js.clone()/>
        // `crossorigin` makes the preload's request the same as the one `init` makes.
        <link rel="preload" href=urls.app_wasm.clone() r#as="fetch" r#type="application/wasm" crossorigin=""/>
        <meta name=STRENGTH_WORKER_META content=urls.strength_worker.clone()/>
        <script type="module" nonce=use_nonce()>{start}</script>
    }
}

/// On a page with a password form, the start script's last step: preloads of the strength
/// worker's script, glue and module, so that they are on their way while the page's own chunk
/// loads and the worker starts, not three round trips after (the worker asks for the script,
/// which imports the glue, which fetches the module). Added once the app's own module has
/// arrived rather than written into the head: on a slow line the two would share it, and the
/// checks the page makes itself (length, case, symbols) would come seconds later.
///
/// A worker does not share the page's preloads, but it does share its HTTP cache, where these
/// immutable files (their URLs carry their hash) wait for it, or are still arriving; the
/// requests are made as the worker makes them (`cors`, same-origin credentials).
fn strength_preloads(urls: &AssetUrls) -> String {
    let files = [&urls.strength_wasm, &urls.strength_worker, &urls.strength_js].map(|url| js_string(url)).join(", ");
    format!(
        " [{files}].forEach(function (href) {{\
           var link = document.createElement('link');\
           link.rel = 'preload'; link.as = 'fetch'; link.crossOrigin = ''; link.href = href;\
           document.head.appendChild(link);\
         }});"
    )
}

/// The login page's module, and a gate that runs at once: a form sent before the module has
/// solved the captcha is held (and says so) until it has, rather than refused by the server.
fn form_only_scripts(urls: &AssetUrls) -> impl IntoView {
    use signin::status::{Progress, STATUS_CLASS, TEXT_CLASS};
    // If the module cannot run, the status says so instead of "Verifying…" for ever.
    let start = format!(
        "import init, {{ enhance }} from {js};\
         init({{ module_or_path: {wasm} }}).then(enhance).catch(function () {{\
           document.querySelectorAll('.{STATUS_CLASS}').forEach(function (status) {{\
             status.setAttribute('data-state', '{failed_state}');\
             status.querySelector('.{TEXT_CLASS}').textContent = {failed};\
           }});\
         }});",
        js = js_string(&urls.signin_js),
        wasm = js_string(&urls.signin_wasm),
        failed_state = Progress::Failed.state(),
        failed = js_string(Progress::Failed.text(false)),
    );
    view! {
        <link rel="modulepreload" href=urls.signin_js.clone()/>
        <link rel="preload" href=urls.signin_wasm.clone() r#as="fetch" r#type="application/wasm" crossorigin=""/>
        <script nonce=use_nonce()>{FORM_GATE.as_str()}</script>
        <script type="module" nonce=use_nonce()>{start}</script>
    }
}

/// The login page's inline gate: holds a submission made before its module has run, marks the
/// form (the module sends it once solved), and says so. The same for every page: made once.
static FORM_GATE: LazyLock<String> = LazyLock::new(|| {
    use signin::status::{Progress, CHALLENGE_ATTRIBUTE, HELD_ATTRIBUTE, INTERACTIVE_ATTRIBUTE, TEXT_CLASS};
    format!(
        "document.addEventListener('submit', function (event) {{\
           var form = event.target;\
           if (document.documentElement.hasAttribute('{INTERACTIVE_ATTRIBUTE}') || !form.querySelector('[{CHALLENGE_ATTRIBUTE}]')) return;\
           event.preventDefault();\
           form.setAttribute('{HELD_ATTRIBUTE}', '');\
           var button = form.querySelector('[type=submit]'); if (button) button.setAttribute('aria-busy', 'true');\
           var text = form.querySelector('.{TEXT_CLASS}'); if (text) text.textContent = {waiting};\
         }}, true);",
        waiting = js_string(Progress::Working.text(true)),
    )
});

/// Whether the page being rendered is one of [`FORM_ONLY_PAGES`] (decided on the server; the
/// shell is never rendered in the browser).
fn is_form_only_page() -> bool {
    #[cfg(feature = "ssr")]
    return crate::api::request::path_is_one_of(FORM_ONLY_PAGES);
    #[cfg(not(feature = "ssr"))]
    false
}

/// Whether the page being rendered is one of [`PASSWORD_FORM_PAGES`].
fn is_password_form_page() -> bool {
    #[cfg(feature = "ssr")]
    return crate::api::request::path_is_one_of(PASSWORD_FORM_PAGES);
    #[cfg(not(feature = "ssr"))]
    false
}

/// `text` as a JavaScript string literal.
fn js_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_page_preloads_the_strength_worker_files_once_the_app_has_arrived() {
        let script = strength_preloads(&AssetUrls::default());
        for file in ["\"/strength/pkg/strength.wasm\"", "\"/js/strength-worker.js\"", "\"/strength/pkg/strength.js\""] {
            assert!(script.contains(file), "{file} in {script}");
        }
        assert!(script.contains("link.crossOrigin = ''"), "requested as the worker requests them: {script}");
    }

    #[test]
    fn urls_become_javascript_string_literals() {
        assert_eq!(js_string("/pkg/portal.abc.js"), r#""/pkg/portal.abc.js""#);
        assert_eq!(js_string(r#"/a"b"#), r#""/a\"b""#);
    }
}
