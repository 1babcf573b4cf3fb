//! The operator registers the apps that sign people in through the portal (`portal client …`;
//! there is no dynamic registration). Every URI is checked here, once, when it is registered:
//! later the authorization endpoint compares what an app sends with these exactly.

use crate::backend::{
    secrets::{fill_random, oidc_keys::SigningAlg, secret_token::SecretToken},
    store::{ClientRecord, NewClient, Store, StoreError},
};

/// What `portal client add` was given.
#[derive(Debug, Clone)]
pub struct Registration {
    pub name: String,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub home_url: Option<String>,
    /// A browser or mobile app: it can keep no secret, so it gets none (PKCE instead).
    pub public: bool,
    /// A first-party app: no consent page.
    pub trusted: bool,
    pub id_token_alg: SigningAlg,
}

/// A registered client: its id and, for a confidential client, its secret, which exists
/// nowhere else (only its hash is stored).
#[derive(Debug)]
pub struct Registered {
    pub client_id: String,
    pub secret: Option<SecretToken>,
}

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("a client needs a name of 1 to {MAX_NAME_CHARS} characters, without control characters")]
    BadName,
    #[error("a client needs at least one --redirect-uri")]
    NoRedirectUri,
    #[error("{option} '{uri}' is refused: {why}")]
    BadUri { option: &'static str, uri: String, why: &'static str },
    #[error("no client has the id '{0}'")]
    Unknown(String),
    #[error("the client '{0}' is public: it has no secret to replace")]
    Public(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

const MAX_NAME_CHARS: usize = 100;
const MAX_URI_BYTES: usize = 2000;

/// Registers a client; its id is random (128 bits, in hex), so ids say nothing about how
/// many clients there are.
pub async fn register(store: &Store, registration: Registration, now: i64) -> Result<Registered, ClientError> {
    let name = registration.name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(ClientError::BadName);
    }
    if registration.redirect_uris.is_empty() {
        return Err(ClientError::NoRedirectUri);
    }
    let check = |option: &'static str, uri: &String| {
        check_uri(uri).map_err(|why| ClientError::BadUri { option, uri: uri.clone(), why })
    };
    for uri in &registration.redirect_uris {
        check("--redirect-uri", uri)?;
    }
    for uri in &registration.post_logout_redirect_uris {
        check("--post-logout-redirect-uri", uri)?;
    }
    if let Some(url) = &registration.home_url {
        check("--home-url", url)?;
    }
    let client_id = new_client_id();
    let secret = (!registration.public).then(SecretToken::generate);
    store
        .insert_client(&NewClient {
            client_id: &client_id,
            name,
            secret_hash: secret.as_ref().map(SecretToken::hash),
            redirect_uris: &registration.redirect_uris,
            post_logout_redirect_uris: &registration.post_logout_redirect_uris,
            home_url: registration.home_url.as_deref(),
            trusted: registration.trusted,
            id_token_alg: registration.id_token_alg.as_str(),
            now,
        })
        .await?;
    Ok(Registered { client_id, secret })
}

pub async fn list(store: &Store) -> Result<Vec<ClientRecord>, ClientError> {
    Ok(store.list_clients().await?)
}

pub async fn remove(store: &Store, client_id: &str) -> Result<(), ClientError> {
    if store.remove_client(client_id).await? {
        Ok(())
    } else {
        Err(ClientError::Unknown(client_id.to_owned()))
    }
}

/// A new secret for a confidential client; the old one stops working at once.
pub async fn new_secret(store: &Store, client_id: &str) -> Result<SecretToken, ClientError> {
    let secret = SecretToken::generate();
    if store.replace_client_secret(client_id, secret.hash()).await? {
        return Ok(secret);
    }
    match store.find_client(client_id).await? {
        Some(_) => Err(ClientError::Public(client_id.to_owned())),
        None => Err(ClientError::Unknown(client_id.to_owned())),
    }
}

/// Hex, not base64url: one base64url id in 64 began with `-`, which `portal client remove`
/// and `new-secret` then took for an option.
fn new_client_id() -> String {
    let mut bytes = [0u8; 16];
    fill_random(&mut bytes);
    hex::encode(bytes)
}

/// Why `uri` cannot be registered (RFC 9700, section 2.1 and 4.1): it must be absolute and
/// without a fragment, and https, or http to this machine only (loopback: a native app's
/// listener, or a developer's), so a code is never sent in clear over a network. User names
/// and passwords in it are refused too: they would be sent to whoever reads the address.
fn check_uri(uri: &str) -> Result<(), &'static str> {
    if uri.len() > MAX_URI_BYTES {
        return Err("longer than 2000 bytes");
    }
    // The URL parser drops tabs and line breaks silently; what is registered must be what is
    // matched, so such a URI is refused rather than changed.
    if uri.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("it contains spaces or control characters");
    }
    if uri.contains('#') {
        return Err("it has a fragment (#…), which a redirect cannot carry");
    }
    let url = url::Url::parse(uri).map_err(|_| "not an absolute URI (such as https://app.example.com/callback)")?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err("it carries a user name or password");
    }
    match url.scheme() {
        "https" if url.host().is_some() => Ok(()),
        "http" if is_loopback(&url) => Ok(()),
        "http" => Err("http is allowed only to a loopback address (127.0.0.1, [::1], localhost): use https"),
        _ => Err("only https (or http to a loopback address) is allowed"),
    }
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain == "localhost",
        Some(url::Host::Ipv4(ip)) => ip == std::net::Ipv4Addr::LOCALHOST,
        Some(url::Host::Ipv6(ip)) => ip == std::net::Ipv6Addr::LOCALHOST,
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{check_uri, new_client_id};

    #[test]
    fn client_ids_are_letters_and_digits_only_so_the_command_line_never_takes_one_for_an_option() {
        for _ in 0..2000 {
            let id = new_client_id();
            assert_eq!(id.len(), 32);
            assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()), "{id}");
        }
    }

    #[test]
    fn https_anywhere_and_http_to_loopback_only_are_registered() {
        for good in [
            "https://app.example.com/callback",
            "https://app.example.com:8443/cb?tenant=1",
            "http://127.0.0.1:8080/callback",
            "http://[::1]/callback",
            "http://localhost:3000/auth",
        ] {
            assert_eq!(check_uri(good), Ok(()), "{good}");
        }
    }

    #[test]
    fn everything_else_is_refused_with_its_reason() {
        for (bad, why) in [
            ("http://app.example.com/callback", "loopback"),
            ("http://127.0.0.2/callback", "loopback"),
            ("http://localhost.example.com/cb", "loopback"),
            ("https://app.example.com/cb#done", "fragment"),
            ("https://app.example.com/cb#", "fragment"),
            ("/callback", "absolute"),
            ("app.example.com/callback", "absolute"),
            ("", "absolute"),
            ("javascript:alert(1)", "only https"),
            ("ftp://files.example.com/", "only https"),
            ("com.example.app:/callback", "only https"),
            ("https://user:pw@app.example.com/cb", "user name"),
            ("https://app.example.com/c b", "spaces"),
            ("https://app.example.com/\ncb", "control"),
        ] {
            let refused = check_uri(bad).expect_err(bad);
            assert!(refused.contains(why), "{bad}: {refused}");
        }
        assert!(check_uri(&format!("https://a.example.com/{}", "x".repeat(2000))).is_err());
    }
}
