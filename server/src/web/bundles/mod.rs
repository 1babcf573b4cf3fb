//! The built site's files (`PORTAL_SITE_ROOT`, by default `target/site`): the app's JS, WASM
//! and CSS, the strength worker's module, small scripts and the icon.
//!
//! Each file is served under a name that carries a hash of its content
//! (`/pkg/portal.3f9a0c…e1.wasm`) with `Cache-Control: public, max-age=31536000, immutable`,
//! so a browser or a cache keeps it until a build changes it, and a repeat visit asks for
//! nothing. The hashes are taken once, when the server starts; every node of a deployment
//! computes the same ones from the same files. A name with a hash that is no longer current
//! (a page from before a deployment) gets 404 rather than other content under that name.
//! Under its plain name a file is served with `no-cache` (the wasm-bindgen glue imports its
//! snippets by plain name).
//!
//! Nothing is compressed per request. A release build made with `--precompress` has `.br`
//! (brotli, quality 11) and `.gz` files beside each file; tower-http's `ServeDir` sends the
//! one the browser accepts.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::Arc,
};

use app::assets::AssetUrls;
use axum::{
    body::Body,
    extract::{Request, State},
    response::{IntoResponse, Response},
};
use http::{header, HeaderValue, StatusCode, Uri};
use sha2::{Digest, Sha256};
use tower::ServiceExt as _;
use tower_http::services::ServeDir;

/// Hex digits of the content hash in a file name: 64 bits, plenty to tell builds apart.
const HASH_CHARS: usize = 16;
const FOREVER: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");
const REVALIDATE: HeaderValue = HeaderValue::from_static("no-cache");

const READ_CHUNK_BYTES: usize = 512 * 1024;
const WORKER_TEMPLATE: &str = include_str!("strength-worker.js");
const WORKER_PATH: &str = "js/strength-worker.js";

/// What was found in the site folder at start-up. Cheap to clone.
#[derive(Clone)]
pub struct Bundles {
    inner: Arc<Inner>,
}

struct Inner {
    root: PathBuf,
    /// Path relative to the root ("pkg/portal.wasm") → the hash of its content.
    hashes: HashMap<String, String>,
    /// The strength worker's script, with the strength module's URLs written in.
    worker: Worker,
    urls: AssetUrls,
}

struct Worker {
    hash: String,
    script: String,
}

impl Bundles {
    /// Finds and hashes every file under `root` (none if it does not exist).
    pub fn scan(root: &Path) -> Self {
        let mut hashes = HashMap::new();
        hash_files(root, root, &mut hashes);
        let url = |path: &str| hashed_url(path, hashes.get(path));
        let script = WORKER_TEMPLATE
            .replace("__STRENGTH_JS__", &url("strength/pkg/strength.js"))
            .replace("__STRENGTH_WASM__", &url("strength/pkg/strength.wasm"));
        let worker = Worker { hash: hash_of(script.as_bytes()), script };
        let urls = AssetUrls {
            app_js: url("pkg/portal.js"),
            app_wasm: url("pkg/portal.wasm"),
            stylesheet: url("pkg/portal.css"),
            strength_worker: hashed_url(WORKER_PATH, Some(&worker.hash)),
            captcha_provider: url("js/captcha-provider.js"),
        };
        let precompressed = ["br", "gz"].iter().any(|e| root.join(format!("pkg/portal.wasm.{e}")).exists());
        if !cfg!(debug_assertions) && hashes.contains_key("pkg/portal.wasm") && !precompressed {
            tracing::warn!(
                "the bundles in {} are not precompressed, so they are sent uncompressed: build them with \
                 `cargo leptos build --release --precompress` (scripts/build.sh --release does)",
                root.display()
            );
        }
        Self { inner: Arc::new(Inner { root: root.to_owned(), hashes, worker, urls }) }
    }

    /// The URLs the pages link to.
    pub fn urls(&self) -> &AssetUrls {
        &self.inner.urls
    }
}

/// Serves one of the site's files, by its hashed or its plain name.
pub async fn serve(State(bundles): State<Bundles>, request: Request) -> Response {
    let inner = &bundles.inner;
    let path = request.uri().path().trim_start_matches('/').to_owned();
    let (plain, cache) = match split_hash(&path) {
        Some((plain, hash)) if inner.worker_is(&plain, hash) => {
            let mut response =
                ([(header::CONTENT_TYPE, "text/javascript")], inner.worker.script.clone()).into_response();
            response.headers_mut().insert(header::CACHE_CONTROL, FOREVER);
            return response;
        }
        Some((plain, hash)) if inner.hashes.get(&plain).is_some_and(|current| current == hash) => (plain, FOREVER),
        _ if inner.hashes.contains_key(&path) => (path, REVALIDATE),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let (mut parts, body) = request.into_parts();
    parts.uri = match Uri::builder().path_and_query(format!("/{plain}")).build() {
        Ok(uri) => uri,
        Err(_) => return StatusCode::NOT_FOUND.into_response(),
    };
    // Read in one piece what a release bundle weighs compressed, instead of 64 KiB at a time.
    let files =
        ServeDir::new(&inner.root).precompressed_br().precompressed_gzip().with_buf_chunk_size(READ_CHUNK_BYTES);
    let Ok(response) = files.oneshot(Request::from_parts(parts, body)).await;
    let mut response = response.map(Body::new);
    if response.status().is_success() {
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, cache);
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

impl Inner {
    fn worker_is(&self, plain: &str, hash: &str) -> bool {
        plain == WORKER_PATH && hash == self.worker.hash
    }
}

fn hash_files(root: &Path, dir: &Path, hashes: &mut HashMap<String, String>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            hash_files(root, &path, hashes);
        } else if !path.extension().is_some_and(|e| e == "br" || e == "gz") {
            let (Ok(relative), Ok(content)) = (path.strip_prefix(root), std::fs::read(&path)) else { continue };
            if let Some(relative) = relative.to_str() {
                hashes.insert(relative.replace('\\', "/"), hash_of(&content));
            }
        }
    }
}

fn hash_of(content: &[u8]) -> String {
    let mut hex = hex::encode(Sha256::digest(content));
    hex.truncate(HASH_CHARS);
    hex
}

/// "/pkg/portal.HASH.wasm" for "pkg/portal.wasm"; the plain name when there is no hash.
fn hashed_url(path: &str, hash: Option<&String>) -> String {
    match (hash, path.rsplit_once('.')) {
        (Some(hash), Some((stem, extension))) if !stem.ends_with('/') => format!("/{stem}.{hash}.{extension}"),
        _ => format!("/{path}"),
    }
}

/// ("pkg/portal.wasm", HASH) for "pkg/portal.HASH.wasm".
fn split_hash(path: &str) -> Option<(String, &str)> {
    let (rest, extension) = path.rsplit_once('.')?;
    let (stem, hash) = rest.rsplit_once('.')?;
    let is_hash = hash.len() == HASH_CHARS && hash.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
    (is_hash && !stem.is_empty() && !stem.ends_with('/')).then(|| (format!("{stem}.{extension}"), hash))
}
