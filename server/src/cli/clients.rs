//! `portal client …`: the apps that sign people in through the portal.

use anyhow::bail;
use app::backend::{
    clock::Clock,
    config::Config,
    secrets::oidc_keys::SigningAlg,
    use_cases::oidc_clients::{self, Registration},
};
use clap::Subcommand;

#[derive(Subcommand)]
pub enum ClientCommand {
    /// Register an app; prints its client_id and, unless --public, its client_secret (shown
    /// this once: only its hash is kept).
    Add {
        /// What the consent page and the account page call the app.
        name: String,
        /// Where the app may be sent back with a code (exactly this URI; repeat for several):
        /// https, or http to 127.0.0.1, [::1] or localhost.
        #[arg(long = "redirect-uri", value_name = "URI", required = true)]
        redirect_uris: Vec<String>,
        /// Where the app may send a person after signing out (repeat for several).
        #[arg(long = "post-logout-redirect-uri", value_name = "URI")]
        post_logout_redirect_uris: Vec<String>,
        /// The app's address, listed on the person's account page.
        #[arg(long, value_name = "URL")]
        home_url: Option<String>,
        /// A browser or mobile app that can keep no secret: no client_secret, PKCE instead.
        #[arg(long)]
        public: bool,
        /// A first-party app: people are not asked to consent.
        #[arg(long)]
        trusted: bool,
        /// What its ID tokens are signed with: ES256 (the default) or RS256.
        #[arg(long, value_name = "ALG", default_value = "ES256")]
        id_token_alg: String,
    },
    /// List the registered apps.
    List,
    /// Remove an app: it can no longer sign anyone in.
    Remove { client_id: String },
    /// Give a confidential app a new client_secret; the old one stops working at once.
    NewSecret { client_id: String },
}

pub async fn run(config: Config, command: ClientCommand) -> anyhow::Result<()> {
    let now = Clock::system().now();
    match command {
        ClientCommand::Add {
            name,
            redirect_uris,
            post_logout_redirect_uris,
            home_url,
            public,
            trusted,
            id_token_alg,
        } => {
            // Checked before the database is opened, so a typo costs nothing.
            let Some(id_token_alg) = SigningAlg::parse(&id_token_alg) else {
                bail!("--id-token-alg '{id_token_alg}' is not one of: ES256, RS256");
            };
            let registration = Registration {
                name,
                redirect_uris,
                post_logout_redirect_uris,
                home_url,
                public,
                trusted,
                id_token_alg,
            };
            let store = super::open_store(&config).await?;
            let registered = oidc_clients::register(&store, registration, now).await;
            store.close().await;
            let registered = registered?;
            println!("client_id: {}", registered.client_id);
            if let Some(secret) = registered.secret {
                println!("client_secret: {}", secret.expose());
                println!("(shown this once: keep it in the app's settings)");
            }
        }
        ClientCommand::List => {
            let store = super::open_store(&config).await?;
            let clients = oidc_clients::list(&store).await;
            store.close().await;
            let clients = clients?;
            if clients.is_empty() {
                println!("No clients.");
            }
            for client in clients {
                let kind = if client.confidential { "confidential" } else { "public" };
                let trust = if client.trusted { "trusted" } else { "asks consent" };
                let uris = client.redirect_uris.join(" ");
                println!("{}\t{}\t{kind}\t{trust}\t{}\t{uris}", client.client_id, client.name, client.id_token_alg);
            }
        }
        ClientCommand::Remove { client_id } => {
            let store = super::open_store(&config).await?;
            let removed = oidc_clients::remove(&store, &client_id).await;
            store.close().await;
            removed?;
            println!("Removed the client {client_id}.");
        }
        ClientCommand::NewSecret { client_id } => {
            let store = super::open_store(&config).await?;
            let secret = oidc_clients::new_secret(&store, &client_id).await;
            store.close().await;
            println!("client_secret: {}", secret?.expose());
            println!("(shown this once; the old secret no longer works)");
        }
    }
    Ok(())
}
