//! `portal oidc …`: the OpenID provider's keys.

use app::backend::{clock::Clock, config::Config, use_cases::oidc_keys};
use clap::Subcommand;

#[derive(Subcommand)]
pub enum OidcCommand {
    /// Add a new ID-token signing key per algorithm: published at once, signing two hours
    /// later (twice the JWKS cache time); the key it replaces stays published until every
    /// token it signed has expired.
    RotateKeys,
}

pub async fn run(config: Config, command: OidcCommand) -> anyhow::Result<()> {
    let store = super::open_store(&config).await?;
    let state = portal::startup::build_state_with_store(config, store.clone(), Clock::system())?;
    let result = match command {
        OidcCommand::RotateKeys => oidc_keys::rotate(&state).await.map(|added| {
            for key in added {
                println!("{}: added the key {}, signing from {} (Unix time)", key.alg, key.kid, key.signs_from);
            }
        }),
    };
    store.close().await;
    Ok(result?)
}
