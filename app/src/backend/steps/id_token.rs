//! Signing an ID token: what the token endpoint will call once it has a code to exchange. The
//! key is the active one of the client's algorithm, read from the database, so every node signs
//! with the same key; its `kid` goes in the header.
//!
//! The times that govern a key's life are here, as they all follow from two numbers:
//! how long an ID token may be valid, and how long a relying party may keep the JWKS.

use std::time::Duration;

use crate::backend::{
    ids::AccountId,
    secrets::oidc_keys::{KeyError, SigningAlg},
    state::AppState,
    store::StoreError,
};

/// How long relying parties (and caches between) may keep the JWKS: its `Cache-Control:
/// max-age`. An hour: a relying party asks at most hourly, and a new key, published well before
/// it signs (below), reaches every cache in time.
pub const JWKS_MAX_AGE: Duration = Duration::from_secs(3600);

/// The longest an ID token is valid (`exp - iat`). The token endpoint may choose shorter; never
/// longer, since the keys' retirement below counts on it.
pub const ID_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// How long a new key is published before it signs: twice the JWKS's cache time, so a relying
/// party that fetched the set just before the new key appeared, through a cache that fetched
/// it just before too, has it in hand before the first token it signs arrives.
pub const PUBLICATION_LEAD: Duration = Duration::from_secs(2 * JWKS_MAX_AGE.as_secs());

/// How long a key stays in the JWKS after a newer one takes over: the last token it signed is
/// valid for [`ID_TOKEN_LIFETIME`], and a relying party that fetched the set (with the key)
/// may check against that copy for [`JWKS_MAX_AGE`] more; once both have run out, no valid
/// token can name it.
pub const RETIREMENT_DELAY: Duration = Duration::from_secs(ID_TOKEN_LIFETIME.as_secs() + JWKS_MAX_AGE.as_secs());

/// An ID token's claims (OpenID Connect Core 1.0, section 2). `sub` is the account's public id,
/// never its email or row id.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IdTokenClaims {
    /// The issuer: the portal's public URL.
    pub iss: String,
    pub sub: AccountId,
    /// The client's id.
    pub aud: String,
    pub exp: i64,
    pub iat: i64,
    /// When the person last proved who they are (the session's sign-in).
    pub auth_time: i64,
    /// The client's `nonce`, when its request carried one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// How they proved it: `pwd`, then `otp` with the second step.
    pub amr: Vec<String>,
    pub email: String,
    pub email_verified: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum IdTokenError {
    /// The portal made none at start (`ensure_signing_keys`), or the clock stands before it.
    #[error("no {0} signing key is active")]
    NoActiveKey(SigningAlg),
    #[error("the {alg} signing key {kid} cannot be opened with this deployment key (was PORTAL_SECRET_KEY changed?)")]
    Unreadable { alg: SigningAlg, kid: String },
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// `claims` signed with the active key of `alg`.
pub async fn sign(state: &AppState, claims: &IdTokenClaims, alg: SigningAlg) -> Result<String, IdTokenError> {
    let row =
        state.store.active_signing_key(alg.as_str(), state.clock.now()).await?.ok_or(IdTokenError::NoActiveKey(alg))?;
    let key = state
        .signing_keys
        .open(alg, &row.kid, &row.private_key_sealed)
        .map_err(|_| IdTokenError::Unreadable { alg, kid: row.kid.clone() })?;
    Ok(key.sign(&row.kid, claims)?)
}
