//! The OpenID provider's signing keys, as the operator and the nodes handle them: the first
//! key of each algorithm at first start, `portal oidc rotate-keys`, and the JWKS every node
//! publishes. How long each key signs and stays published: `steps::id_token`.

use jsonwebtoken::jwk::{Jwk, JwkSet};

use crate::backend::{
    secrets::oidc_keys::{new_kid, KeyError, PrivateKey, SigningAlg},
    state::AppState,
    steps::id_token::{PUBLICATION_LEAD, RETIREMENT_DELAY},
    store::{NewSigningKey, StoreError},
};

#[derive(Debug, thiserror::Error)]
pub enum OidcKeyError {
    #[error(transparent)]
    Key(#[from] KeyError),
    /// Another node or operator rotated the same keys at the same moment; theirs stands.
    #[error("another rotation of the {0} keys happened at the same moment: run `portal oidc rotate-keys` again if one is not enough")]
    RotatedElsewhere(SigningAlg),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A key a rotation added.
#[derive(Debug, Clone)]
pub struct AddedKey {
    pub alg: SigningAlg,
    pub kid: String,
    /// When it starts signing (Unix seconds).
    pub signs_from: i64,
}

/// A key made, sealed and described, not yet stored.
struct Prepared {
    alg: SigningAlg,
    kid: String,
    sealed: String,
    public_jwk: String,
}

impl Prepared {
    fn row(&self, generation: i64, now: i64, signs_from: i64) -> NewSigningKey<'_> {
        NewSigningKey {
            kid: &self.kid,
            alg: self.alg.as_str(),
            generation,
            private_key_sealed: &self.sealed,
            public_jwk: &self.public_jwk,
            now,
            signs_from,
        }
    }
}

/// A new key of `alg`, made off the async runtime (an RSA key takes a moment).
async fn prepare(state: &AppState, alg: SigningAlg) -> Result<Prepared, OidcKeyError> {
    let key =
        tokio::task::spawn_blocking(move || PrivateKey::generate(alg)).await.map_err(|_| KeyError::Generate(alg))??;
    let kid = new_kid();
    let public_jwk = serde_json::to_string(&key.public_jwk(&kid)?).map_err(|_| KeyError::Generate(alg))?;
    let sealed = state.signing_keys.seal(&kid, &key);
    Ok(Prepared { alg, kid, sealed, public_jwk })
}

/// At start: an algorithm with no key gets one that signs at once (no token can have been
/// signed before it, so there is nothing to publish ahead of). Nodes starting together each
/// make one, and the database keeps the first stored (the unique algorithm and generation);
/// the others' are dropped, so every algorithm ends with one active key.
pub async fn ensure_signing_keys(state: &AppState) -> Result<(), OidcKeyError> {
    for alg in SigningAlg::ALL {
        if !state.store.signing_keys(alg.as_str()).await?.is_empty() {
            continue;
        }
        let key = prepare(state, alg).await?;
        let now = state.clock.now();
        if state.store.insert_signing_key(&key.row(1, now, now)).await? {
            tracing::info!(alg = alg.as_str(), kid = %key.kid, "made the first ID-token signing key");
        }
    }
    Ok(())
}

/// `portal oidc rotate-keys`: a new key per algorithm, published now and signing from
/// [`PUBLICATION_LEAD`] on; the key before it stops signing then and leaves the JWKS
/// [`RETIREMENT_DELAY`] later.
pub async fn rotate(state: &AppState) -> Result<Vec<AddedKey>, OidcKeyError> {
    ensure_signing_keys(state).await?;
    let mut added = Vec::new();
    for alg in SigningAlg::ALL {
        let keys = state.store.signing_keys(alg.as_str()).await?;
        let Some(latest) = keys.last() else { continue };
        let key = prepare(state, alg).await?;
        let now = state.clock.now();
        let signs_from = now + PUBLICATION_LEAD.as_secs() as i64;
        let retired_at = signs_from + RETIREMENT_DELAY.as_secs() as i64;
        let row = key.row(latest.generation + 1, now, signs_from);
        if !state.store.rotate_signing_key(&row, &latest.kid, retired_at).await? {
            return Err(OidcKeyError::RotatedElsewhere(alg));
        }
        tracing::info!(alg = alg.as_str(), kid = %key.kid, signs_from, "added an ID-token signing key");
        added.push(AddedKey { alg, kid: key.kid, signs_from });
    }
    Ok(added)
}

/// The JWKS: every key published now, of every algorithm. A stored public key that does not
/// parse is left out with an error in the log, so one damaged row does not take the others'
/// tokens down with it.
pub async fn jwks(state: &AppState) -> Result<JwkSet, OidcKeyError> {
    let rows = state.store.published_signing_keys(state.clock.now()).await?;
    let keys = rows
        .into_iter()
        .filter_map(|row| match serde_json::from_str::<Jwk>(&row.public_jwk) {
            Ok(jwk) if jwk.common.key_id.as_deref() == Some(row.kid.as_str()) => Some(jwk),
            _ => {
                tracing::error!(kid = %row.kid, "a stored public signing key is damaged; it is not published");
                None
            }
        })
        .collect();
    Ok(JwkSet { keys })
}
