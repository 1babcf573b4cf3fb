//! The site's files: each under a name that carries a hash of its content (the app's folder
//! under one hash of all its files), kept by browsers for a year, sent in the compressed form
//! the build made; a login page that loads its own small module and no app, password-strength
//! code or page chunk; and the other pages, which hydrate the app.

use reqwest::header;

use crate::helpers::{send, story, Db, TestApp};

/// A built site as cargo-leptos leaves it, with small stand-ins for the bundles.
fn built_site() -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    let files: &[(&str, &[u8])] = &[
        ("pkg/portal.js", b"export default async function init() {} export function hydrate() {}"),
        ("pkg/portal.wasm", b"\0asm the app"),
        ("pkg/portal.wasm.br", b"the app, brotli"),
        ("pkg/portal.wasm.gz", b"the app, gzip"),
        ("pkg/portal.css", b"body { margin: 0 }"),
        ("pkg/snippets/glue.js", b"export const x = 1;"),
        ("pkg/__wasm_split.______________________.js", b"import { initSync } from './portal.js';"),
        ("pkg/split___lazy_change_password_route_view_1.wasm", b"\0asm Change Password"),
        ("js/captcha-provider.js", b"window.portalCaptchaSolved = () => {};"),
        ("strength/pkg/strength.js", b"export default async function init() {} export function answer() {}"),
        ("strength/pkg/strength.wasm", b"\0asm zxcvbn"),
        ("signin/pkg/signin.js", b"export default async function init() {} export function enhance() {}"),
        ("signin/pkg/signin.wasm", b"\0asm the captcha's solver"),
        ("favicon.svg", b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
    ];
    for (path, content) in files {
        let path = site.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    site
}

/// A portal serving [`built_site`]; the folder lives as long as the portal is used.
async fn portal_serving_a_built_site() -> (tempfile::TempDir, TestApp) {
    let site = built_site();
    let root = site.path().to_owned();
    (site, TestApp::spawn_with(Db::Sqlite, move |config| config.site_root = root).await)
}

const KEPT_FOR_A_YEAR: &str = "public, max-age=31536000, immutable";

/// The URL in `text` that starts with `stem.` and ends with `.extension` (up to a quote).
fn linked(text: &str, stem: &str, extension: &str) -> String {
    text.match_indices(&format!("{stem}."))
        .map(|(start, _)| &text[start..start + text[start..].find(['"', '\'']).unwrap_or(text.len() - start)])
        .find(|url| url.ends_with(&format!(".{extension}")))
        .unwrap_or_else(|| panic!("no {stem}….{extension} in {text}"))
        .to_owned()
}

/// The URL in `text` of the app's `file` ("portal.wasm"): `/pkg/…/file`, up to a quote.
fn linked_app_file(text: &str, file: &str) -> String {
    text.match_indices("/pkg/")
        .map(|(start, _)| &text[start..start + text[start..].find(['"', '\'']).unwrap_or(text.len() - start)])
        .find(|url| url.ends_with(&format!("/{file}")))
        .unwrap_or_else(|| panic!("no /pkg/…/{file} in {text}"))
        .to_owned()
}

fn is_hashed(url: &str, stem: &str, extension: &str) -> bool {
    let Some(hash) = url.strip_prefix(stem).and_then(|rest| rest.strip_suffix(extension)) else { return false };
    hash.len() == 18
        && hash.starts_with('.')
        && hash[1..17].bytes().all(|b| b.is_ascii_hexdigit())
        && hash.ends_with('.')
}

/// The build in `/pkg/BUILD/file`, if `url` is one of the app's files under a build's hash.
fn app_build<'a>(url: &'a str, file: &str) -> Option<&'a str> {
    let build = url.strip_prefix("/pkg/")?.strip_suffix(file)?.strip_suffix('/')?;
    (build.len() == 16 && build.bytes().all(|b| b.is_ascii_hexdigit())).then_some(build)
}

#[tokio::test]
async fn the_login_page_loads_its_own_small_module_and_nothing_of_the_app() {
    story("the login page loads the signin module", async {
        let (_site, app) = portal_serving_a_built_site().await;
        let browser = app.browser();
        let page = browser.get("/login").await;
        assert_eq!(page.headers()[header::CACHE_CONTROL], "no-store", "pages are never kept");
        let html = page.text().await.unwrap();

        for (extension, content_type) in [("js", "text/javascript"), ("wasm", "application/wasm")] {
            let url = linked(&html, "/signin/pkg/signin", extension);
            assert!(is_hashed(&url, "/signin/pkg/signin", extension), "{url}");
            let response = browser.get(&url).await;
            assert_eq!(response.status(), 200, "{url}");
            assert_eq!(response.headers()[header::CACHE_CONTROL], KEPT_FOR_A_YEAR, "{url}");
            assert!(response.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with(content_type), "{url}");
        }
        let stylesheet = linked_app_file(&html, "portal.css");
        assert!(app_build(&stylesheet, "portal.css").is_some(), "{stylesheet}");
        // No app: not its module, not a page's chunk, not the strength worker or its module.
        for absent in ["portal.wasm", "portal.js", "split___", "strength"] {
            assert!(!html.contains(absent), "{absent} in {html}");
        }
        // The form is the server's, posted as it is (its captcha: `captcha.rs`).
        assert!(html.contains(r#"<form action="/api/login" method="post""#), "{html}");
    })
    .await
}

#[tokio::test]
async fn the_other_pages_link_the_app_s_hashed_bundles_and_no_strength_code() {
    story("the other pages link hashed bundles", async {
        let (_site, app) = portal_serving_a_built_site().await;
        let page = app.browser().get("/forgot").await;
        assert_eq!(page.headers()[header::CACHE_CONTROL], "no-store", "pages are never kept");
        let html = page.text().await.unwrap();

        let builds: Vec<_> = ["wasm", "js", "css"]
            .map(|extension| {
                let url = linked_app_file(&html, &format!("portal.{extension}"));
                app_build(&url, &format!("portal.{extension}")).unwrap_or_else(|| panic!("{url} in {html}")).to_owned()
            })
            .into();
        assert!(builds.iter().all(|b| *b == builds[0]), "one build for the app's files: {builds:?}");
        assert!(!html.contains("signin/pkg"), "{html}");
        assert!(is_hashed(&linked(&html, "/js/strength-worker", "js"), "/js/strength-worker", "js"), "{html}");
        // The worker is named, not started: the strength module (zxcvbn) is not on this page.
        assert!(!html.contains("strength/pkg") && !html.contains("strength.wasm"), "{html}");
        assert!(!html.contains("/pkg/portal.wasm\""), "no plain name: {html}");
    })
    .await
}

#[tokio::test]
async fn a_bundle_is_kept_for_a_year_and_sent_as_the_build_compressed_it() {
    story("a bundle is sent precompressed", async {
        let (_site, app) = portal_serving_a_built_site().await;
        let html = app.browser().get("/forgot").await.text().await.unwrap();
        let wasm = linked_app_file(&html, "portal.wasm");
        let browser = app.browser();

        for (accepted, encoding, body) in [
            ("br, gzip", Some("br"), "the app, brotli"),
            ("gzip", Some("gzip"), "the app, gzip"),
            ("br;q=0, gzip", Some("gzip"), "the app, gzip"),
            ("identity", None, "\0asm the app"),
        ] {
            let request =
                browser.client.get(format!("{}{wasm}", browser.base)).header(header::ACCEPT_ENCODING, accepted);
            let response = send(format!("GET {wasm}"), request).await;
            assert_eq!(response.status(), 200);
            let headers = response.headers().clone();
            assert_eq!(headers[header::CACHE_CONTROL], KEPT_FOR_A_YEAR);
            assert_eq!(headers[header::CONTENT_TYPE], "application/wasm");
            assert_eq!(headers.get(header::CONTENT_ENCODING).map(|v| v.to_str().unwrap()), encoding, "for {accepted}");
            assert!(headers[header::VARY].to_str().unwrap().contains("accept-encoding"));
            assert_eq!(response.bytes().await.unwrap(), body.as_bytes(), "for {accepted}");
        }
    })
    .await
}

#[tokio::test]
async fn an_outdated_hash_is_not_found_and_a_plain_name_is_checked_each_time() {
    story("outdated and plain names", async {
        let (_site, app) = portal_serving_a_built_site().await;
        let browser = app.browser();

        for outdated in ["/pkg/0123456789abcdef/portal.wasm", "/js/captcha-provider.0123456789abcdef.js"] {
            let response = browser.get(outdated).await;
            assert_eq!(response.status(), 404, "other content under a hashed name would poison caches: {outdated}");
        }
        for plain in ["/pkg/portal.wasm", "/pkg/snippets/glue.js", "/favicon.svg"] {
            let response = browser.get(plain).await;
            assert_eq!(response.status(), 200, "{plain}");
            assert_eq!(response.headers()[header::CACHE_CONTROL], "no-cache", "{plain}");
        }
        // A plain name is checked, not fetched again: 304 for the same content.
        let first = browser.get("/pkg/portal.css").await;
        let etag = first.headers()[header::ETAG].clone();
        let again = browser.client.get(format!("{}/pkg/portal.css", browser.base)).header(header::IF_NONE_MATCH, etag);
        assert_eq!(send("GET /pkg/portal.css again".to_owned(), again).await.status(), 304);

        let html = browser.get("/forgot").await.text().await.unwrap();
        let build = app_build(&linked_app_file(&html, "portal.js"), "portal.js").unwrap().to_owned();
        for outside in [
            "/pkg/missing.js".to_owned(),
            "/pkg/..%2ffavicon.svg".to_owned(),
            "/pkg/portal.wasm.br".to_owned(),
            format!("/pkg/{build}/missing.js"),
            format!("/pkg/{build}/../favicon.svg"),
            format!("/pkg/{build}/"),
        ] {
            assert_eq!(browser.get(&outside).await.status(), 404, "{outside}");
        }
    })
    .await
}

#[tokio::test]
async fn the_strength_worker_loads_the_strength_module_by_its_hashed_names() {
    story("the strength worker names its module", async {
        let (_site, app) = portal_serving_a_built_site().await;
        let browser = app.browser();
        let html = browser.get("/forgot").await.text().await.unwrap();

        let worker_url = linked(&html, "/js/strength-worker", "js");
        let worker = browser.get(&worker_url).await;
        assert_eq!(worker.headers()[header::CACHE_CONTROL], KEPT_FOR_A_YEAR);
        assert!(worker.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/javascript"));
        let script = worker.text().await.unwrap();
        let module = linked(&script, "/strength/pkg/strength", "js");
        assert!(is_hashed(&module, "/strength/pkg/strength", "js"), "{script}");
        let wasm = linked(&script, "/strength/pkg/strength", "wasm");
        assert!(is_hashed(&wasm, "/strength/pkg/strength", "wasm"), "{script}");
        let response = browser.get(&module).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()[header::CACHE_CONTROL], KEPT_FOR_A_YEAR);
    })
    .await
}

#[tokio::test]
async fn the_app_s_chunks_share_its_build_and_a_new_build_moves_them_all() {
    story("the app's folder under one build", async {
        let (site, app) = portal_serving_a_built_site().await;
        let browser = app.browser();
        let html = browser.get("/forgot").await.text().await.unwrap();
        let build = app_build(&linked_app_file(&html, "portal.js"), "portal.js").unwrap().to_owned();

        // What the glue and the split loader load by names relative to themselves.
        for (file, content_type) in [
            ("__wasm_split.______________________.js", "text/javascript"),
            ("snippets/glue.js", "text/javascript"),
            ("split___lazy_change_password_route_view_1.wasm", "application/wasm"),
        ] {
            let response = browser.get(&format!("/pkg/{build}/{file}")).await;
            assert_eq!(response.status(), 200, "{file}");
            assert_eq!(response.headers()[header::CACHE_CONTROL], KEPT_FOR_A_YEAR, "{file}");
            assert_eq!(response.headers()[header::CONTENT_TYPE], content_type, "{file}");
        }

        // A new build (here one chunk changed) moves every file of the app to a new address,
        // so a browser never mixes a new chunk with an old module.
        let chunk = site.path().join("pkg/split___lazy_change_password_route_view_1.wasm");
        std::fs::write(chunk, b"\0asm Change Password, again").unwrap();
        let root = site.path().to_owned();
        let rebuilt = TestApp::spawn_with(Db::Sqlite, move |config| config.site_root = root).await;
        let html = rebuilt.browser().get("/forgot").await.text().await.unwrap();
        let new_build = app_build(&linked_app_file(&html, "portal.js"), "portal.js").unwrap().to_owned();
        assert_ne!(new_build, build);
        assert_eq!(rebuilt.browser().get(&format!("/pkg/{build}/portal.js")).await.status(), 404);
        assert_eq!(rebuilt.browser().get(&format!("/pkg/{new_build}/portal.js")).await.status(), 200);
    })
    .await
}
