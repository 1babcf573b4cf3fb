//! The built site's files (`PORTAL_SITE_ROOT`, by default `target/site`): the app's JS, WASM
//! and CSS, the strength worker's module, small scripts and the icon.
//!
//! Each file is served under a name that carries a hash of its content
//! (`/js/strength-worker.3f9a0c…e1.js`) with `Cache-Control: public, max-age=31536000,
//! immutable`, so a browser or a cache keeps it until a build changes it, and a repeat visit
//! asks for nothing. The app's own folder, `pkg/`, is served whole under one such hash, of all
//! its files (`/pkg/3f9a0c…e1/portal.wasm`): its JS glue imports its snippets and the split
//! loader, which loads the pages' WASM chunks, by names relative to itself, and the loader
//! imports the glue back, so all of them must share one URL space for the browser to see one
//! module. The hashes are taken once, when the server starts; every node of a deployment
//! computes the same ones from the same files. A name with a hash that is no longer current
//! (a page from before a deployment) gets 404 rather than other content under that name.
//! Under its plain name a file is served with `no-cache`.
//!
//! Nothing is compressed or even read per request. A release build made with `--precompress`
//! has `.br` (brotli, quality 11) and `.gz` files beside each file; the compressed forms are
//! read into memory at start (~2.5 MB for a release site) and each answer is the form the
//! browser accepts, sent without a copy. A file that has both is not kept as it is: a client
//! that accepts neither (almost none) gets it read from disk, which saves the portal 3.5 MB of
//! resident memory (the strength module alone is 1.06 MB raw). (Through tower-http's `ServeDir`, each
//! request read its file again into a fresh buffer: 3.5k requests/s, and 311 MiB resident.)

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::Arc,
};

use app::assets::AssetUrls;
use axum::{
    body::Bytes,
    extract::{Request, State},
    response::{IntoResponse, Response},
};
use http::{header, HeaderMap, HeaderValue, StatusCode};
use sha2::{Digest, Sha256};

/// Hex digits of the content hash in a file name: 64 bits, plenty to tell builds apart.
const HASH_CHARS: usize = 16;
const FOREVER: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");
const REVALIDATE: HeaderValue = HeaderValue::from_static("no-cache");
/// The app's folder, served whole under the hash of its files.
const APP_FOLDER: &str = "pkg/";

/// The strength worker's script, served as one of the site's files once the strength module's
/// URLs are written in.
const WORKER_TEMPLATE: &str = include_str!("strength-worker.js");

/// What was found in the site folder at start-up. Cheap to clone.
#[derive(Clone)]
pub struct Bundles {
    inner: Arc<Inner>,
}

struct Inner {
    /// Path relative to the root ("pkg/portal.wasm") → the file.
    files: HashMap<String, File>,
    /// The hash of every file in [`APP_FOLDER`] (none if it is empty).
    app_build: Option<String>,
    urls: AssetUrls,
}

/// One file of the site, as built, with its precompressed forms if the build made them.
struct File {
    hash: String,
    /// The hash, quoted, for plain names.
    etag: HeaderValue,
    content_type: HeaderValue,
    plain: Plain,
    brotli: Option<Bytes>,
    gzip: Option<Bytes>,
}

impl Bundles {
    /// Reads and hashes every file under `root` (none if it does not exist), and makes the
    /// strength worker's script.
    pub fn scan(root: &Path) -> Self {
        let mut files = HashMap::new();
        read_files(root, root, &mut files);
        let app_build = folder_hash(&files, APP_FOLDER);
        let url = |files: &HashMap<String, File>, path: &str| match (&app_build, path.strip_prefix(APP_FOLDER)) {
            (Some(build), Some(rest)) => format!("/{APP_FOLDER}{build}/{rest}"),
            _ => hashed_url(path, files.get(path).map(|f| &f.hash)),
        };
        let script = WORKER_TEMPLATE
            .replace("__STRENGTH_JS__", &url(&files, "strength/pkg/strength.js"))
            .replace("__STRENGTH_WASM__", &url(&files, "strength/pkg/strength.wasm"));
        let worker = File::new(Bytes::from(script), HeaderValue::from_static("text/javascript"), None, None);
        files.insert(AssetUrls::STRENGTH_WORKER.to_owned(), worker);
        let urls = AssetUrls::locate(|path| url(&files, path));
        let precompressed = files.get("pkg/portal.wasm").map(|f| f.brotli.is_some() || f.gzip.is_some());
        if !cfg!(debug_assertions) && precompressed == Some(false) {
            tracing::warn!(
                "the bundles in {} are not precompressed, so they are sent uncompressed: build them with \
                 `cargo leptos build --release --precompress` (scripts/build.sh --release does)",
                root.display()
            );
        }
        Self { inner: Arc::new(Inner { files, app_build, urls }) }
    }

    /// The URLs the pages link to.
    pub fn urls(&self) -> &AssetUrls {
        &self.inner.urls
    }
}

/// A file as built, uncompressed.
enum Plain {
    Memory(Bytes),
    /// Compressed both ways in memory: the rare client that accepts neither reads the disk.
    Disk(PathBuf),
}

impl Plain {
    async fn read(&self) -> Option<Bytes> {
        match self {
            Self::Memory(bytes) => Some(bytes.clone()),
            Self::Disk(path) => tokio::fs::read(path).await.ok().map(Bytes::from),
        }
    }
}

/// Serves one of the site's files, by its hashed or its plain name.
pub async fn serve(State(bundles): State<Bundles>, request: Request) -> Response {
    let inner = &bundles.inner;
    let path = request.uri().path().trim_start_matches('/');
    let found = if let Some((build, plain)) = in_app_build(path) {
        inner.files.get(&plain).filter(|_| inner.app_build.as_deref() == Some(build)).map(|file| (file, FOREVER))
    } else if let Some((plain, hash)) = split_hash(path) {
        inner.files.get(&plain).filter(|file| file.hash == hash).map(|file| (file, FOREVER))
    } else {
        inner.files.get(path).map(|file| (file, REVALIDATE))
    };
    let Some((file, cache)) = found else { return StatusCode::NOT_FOUND.into_response() };
    if request.headers().get(header::IF_NONE_MATCH) == Some(&file.etag) {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    let accepts = Accepted::from(request.headers());
    let (body, encoding) = match (&file.brotli, &file.gzip) {
        (Some(brotli), _) if accepts.brotli => (brotli.clone(), Some("br")),
        (_, Some(gzip)) if accepts.gzip => (gzip.clone(), Some("gzip")),
        _ => match file.plain.read().await {
            Some(plain) => (plain, None),
            // Removed since the server started: as if it had never been built.
            None => return StatusCode::NOT_FOUND.into_response(),
        },
    };
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, file.content_type.clone());
    if let Some(encoding) = encoding {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    headers.insert(header::ETAG, file.etag.clone());
    headers.insert(header::CACHE_CONTROL, cache);
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
}

/// The encodings an `Accept-Encoding` header allows (a `q=0` refuses one).
#[derive(Default)]
struct Accepted {
    brotli: bool,
    gzip: bool,
}

impl From<&HeaderMap> for Accepted {
    fn from(headers: &HeaderMap) -> Self {
        let mut accepted = Self::default();
        for value in headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()) {
            for item in value.split(',') {
                let mut parts = item.split(';').map(str::trim);
                let name = parts.next().unwrap_or_default().to_ascii_lowercase();
                let refused = parts.any(|p| p.strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()) == Some(0.0));
                match name.as_str() {
                    "br" => accepted.brotli = !refused,
                    "gzip" => accepted.gzip = !refused,
                    _ => {}
                }
            }
        }
        accepted
    }
}

impl File {
    fn new(plain: Bytes, content_type: HeaderValue, brotli: Option<Bytes>, gzip: Option<Bytes>) -> Self {
        let hash = hash_of(&plain);
        // Hex digits in quotes are always a valid header value.
        let etag = HeaderValue::from_str(&format!("\"{hash}\"")).unwrap_or(HeaderValue::from_static("\"\""));
        Self { hash, etag, content_type, plain: Plain::Memory(plain), brotli, gzip }
    }
}

fn read_files(root: &Path, dir: &Path, files: &mut HashMap<String, File>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            read_files(root, &path, files);
        } else if !path.extension().is_some_and(|e| e == "br" || e == "gz") {
            let (Ok(relative), Ok(content)) = (path.strip_prefix(root), std::fs::read(&path)) else { continue };
            let Some(relative) = relative.to_str() else { continue };
            let beside = |extension: &str| {
                let mut compressed = path.clone().into_os_string();
                compressed.push(format!(".{extension}"));
                std::fs::read(compressed).ok().map(Bytes::from)
            };
            let content_type = mime_guess::from_path(&path).first_or_octet_stream();
            let content_type = HeaderValue::from_str(content_type.as_ref())
                .unwrap_or(HeaderValue::from_static("application/octet-stream"));
            let mut file = File::new(Bytes::from(content), content_type, beside("br"), beside("gz"));
            if file.brotli.is_some() && file.gzip.is_some() {
                file.plain = Plain::Disk(path.clone());
            }
            files.insert(relative.replace('\\', "/"), file);
        }
    }
}

fn hash_of(content: &[u8]) -> String {
    let mut hex = hex::encode(Sha256::digest(content));
    hex.truncate(HASH_CHARS);
    hex
}

/// One hash of every file under `folder` (their paths and contents), if it has any.
fn folder_hash(files: &HashMap<String, File>, folder: &str) -> Option<String> {
    let mut inside: Vec<_> = files.iter().filter(|(path, _)| path.starts_with(folder)).collect();
    inside.sort_unstable_by_key(|(path, _)| *path);
    let listing: String = inside.iter().map(|(path, file)| format!("{path}\0{}\n", file.hash)).collect();
    (!inside.is_empty()).then(|| hash_of(listing.as_bytes()))
}

/// (BUILD, "pkg/portal.wasm") for "pkg/BUILD/portal.wasm".
fn in_app_build(path: &str) -> Option<(&str, String)> {
    let (build, rest) = path.strip_prefix(APP_FOLDER)?.split_once('/')?;
    (is_hash(build) && !rest.is_empty()).then(|| (build, format!("{APP_FOLDER}{rest}")))
}

fn is_hash(text: &str) -> bool {
    text.len() == HASH_CHARS && text.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
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
    (is_hash(hash) && !stem.is_empty() && !stem.ends_with('/')).then(|| (format!("{stem}.{extension}"), hash))
}
