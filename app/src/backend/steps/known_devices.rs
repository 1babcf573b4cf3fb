//! Remembering the browsers an account signs in from (OWASP's device cookies, the Authentication
//! Cheat Sheet's "slow down online guessing with device cookies"): after every complete sign-in
//! the browser carries a device cookie holding a random 256-bit token, and the account stores its
//! SHA-256. The throttle ([`super::login_throttle`]) counts that browser's failures apart from
//! unknown clients'.
//!
//! A stored random token stands where the cheat sheet has a signed value: nobody can make one
//! without the database, it is bound to the accounts it signed in to, and unlike a signature it
//! can be forgotten. One browser keeps one token for every account it signs in to; an account
//! keeps its newest [`crate::backend::store::DEVICES_PER_ACCOUNT`] browsers, for a year after
//! each one's last sign-in.

use crate::backend::{
    client::{cookies::DEVICE_COOKIE_SECS, ClientInfo},
    secrets::secret_token::SecretToken,
    state::AppState,
    store::{StoreError, UserId},
};

/// The browser `client` has just signed in to `user_id`: remembered. Returns the token of a new
/// device cookie for the browser, when it brought none.
pub async fn remember(
    state: &AppState,
    user_id: UserId,
    client: &ClientInfo,
) -> Result<Option<SecretToken>, StoreError> {
    let now = state.clock.now();
    let (hash, new) = match client.device {
        Some(hash) => (hash, None),
        None => {
            let token = SecretToken::generate();
            (token.hash(), Some(token))
        }
    };
    state.store.remember_device(user_id, &hash, now).await?;
    Ok(new)
}

/// Forgets the browsers that have not signed in for the device cookie's lifetime.
pub async fn purge_stale(state: &AppState) -> Result<u64, StoreError> {
    state.store.purge_known_devices(state.clock.now() - DEVICE_COOKIE_SECS).await
}
