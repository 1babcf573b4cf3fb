use anyhow::Context as _;
use app::backend::{clock::Clock, config::Config};
use portal::startup::build_state_with_store;
use tokio::net::TcpListener;

pub async fn run(config: Config) -> anyhow::Result<()> {
    let store = super::open_store(&config).await?;
    if store.count_users().await? == 0 {
        println!("No account exists yet. Create one with:\n    portal user add you@example.com");
    }
    let listen = config.listen;
    let public_url = config.public_url.clone();
    let state = build_state_with_store(config, store, Clock::system())?;
    let listener = TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
    let portal = portal::serve(listener, state, shutdown_signal()).await?;
    tracing::info!(addr = %portal.addr, %public_url, "Account Portal is serving");
    portal.task.await??;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut sig) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            sig.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down");
}
