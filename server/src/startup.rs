use std::{net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context as _;
use app::backend::{
    captcha::Captcha,
    clock::Clock,
    config::CaptchaKeySource,
    config::CaptchaMode,
    config::Config,
    config::KeySource,
    mail,
    mail::sealed::OutboxSeal,
    mail::MailQueue,
    mail::Mailer,
    secrets::deployment_key::DeploymentKey,
    secrets::oidc_keys::SigningKeySeal,
    secrets::password_hasher::PasswordHasher,
    secrets::two_factor_seal::TwoFactorSeal,
    steps::rate_limits::Limit,
    steps::{known_devices, sessions},
    store::Store,
    AppState, Services,
};
use tokio::net::TcpListener;
use tokio_util::task::TaskTracker;

/// Connects to the database, applies migrations and prepares the hasher.
pub async fn build_state(config: Config, clock: Clock) -> anyhow::Result<AppState> {
    let store = Store::connect(&config.database)
        .await
        .with_context(|| format!("cannot open the {} database", config.database.kind()))?;
    store.migrate().await.context("cannot migrate the database")?;
    build_state_with_store(config, store, clock)
}

/// The same, with a store the caller already opened and migrated.
pub fn build_state_with_store(config: Config, store: Store, clock: Clock) -> anyhow::Result<AppState> {
    let hasher = PasswordHasher::new(config.argon2, config.hash_concurrency, config.hash_queue_timeout)
        .context("cannot set up password hashing")?;
    let mailer = Mailer::from_config(&config).context("cannot set up mail")?;
    let captcha = Captcha::load(&config.captcha).context("cannot read or create the captcha key")?;
    let deployment_key = DeploymentKey::load(&config.secret_key).context("cannot read or create the deployment key")?;
    let seal = OutboxSeal::new(&deployment_key);
    if matches!(config.secret_key, KeySource::File(_)) && config.database.is_shared() {
        tracing::warn!("PORTAL_SECRET_KEY is not set: give every node the same key, or mail queued on one node cannot be sent by another");
    }
    if matches!(config.captcha.mode, CaptchaMode::Pow)
        && matches!(config.captcha.key, CaptchaKeySource::File(_))
        && config.database.is_shared()
    {
        // PostgreSQL means several nodes; each would otherwise sign with a key of its own.
        tracing::warn!("PORTAL_CAPTCHA_KEY is not set: give every node the same key, or captchas fail across nodes");
    }
    let mail = MailQueue::new(seal);
    let metrics = app::backend::runtime::metrics::Metrics::new(hasher.metrics(), &mail.counts, captcha.checks());
    Ok(AppState::new(Services {
        config: Arc::new(config),
        store,
        hasher,
        captcha,
        clock,
        mail,
        two_factor: TwoFactorSeal::new(&deployment_key),
        signing_keys: SigningKeySeal::new(&deployment_key),
        health: Default::default(),
        metrics,
        mailer,
        reset_queue: Default::default(),
        background: TaskTracker::new(),
    }))
}

/// A running portal: its address, and the task serving it.
pub struct Portal {
    pub addr: SocketAddr,
    /// Where `/metrics` is served, when `PORTAL_METRICS_LISTEN` asks for it.
    pub metrics_addr: Option<SocketAddr>,
    pub task: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// Serves the portal on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<Portal> {
    let addr = listener.local_addr()?;
    // Before the first request, so that the JWKS is never empty and an ID token can be signed.
    app::backend::use_cases::oidc_keys::ensure_signing_keys(&state).await.map_err(std::io::Error::other)?;
    spawn_session_purge(state.clone());
    let worker =
        mail::worker::spawn(state.store.clone(), state.mailer.clone(), state.mail.clone(), state.clock.clone());
    state.health.set_mail_worker_running(true);
    let worker = tokio::spawn({
        let state = state.clone();
        async move {
            let _ = worker.await;
            if state.mail.is_stopping() {
                tracing::info!("the mail worker stopped");
            } else {
                tracing::error!("the mail worker stopped");
            }
            state.health.set_mail_worker_running(false);
        }
    });
    // From the signal on, /readyz says 503; new connections are still taken for the drain, so
    // that balancers (which check every few seconds) move traffic away before the node stops
    // accepting; then open requests get the grace.
    let shutdown = {
        let state = state.clone();
        async move {
            shutdown.await;
            state.health.begin_shutdown();
            let drain = state.config.connections.shutdown_drain;
            tracing::info!(drain_secs = drain.as_secs(), "not ready: draining before closing the listener");
            tokio::time::sleep(drain).await;
        }
    };
    let metrics_addr = match state.config.metrics_listen {
        Some(at) => Some(serve_metrics(TcpListener::bind(at).await?, state.clone())?),
        None => None,
    };
    let background = state.background.clone();
    let mail = state.mail.clone();
    let connections = state.config.connections;
    let router = crate::web::router(state);
    let task = tokio::spawn(async move {
        let served = crate::http_server::serve(listener, router, connections, shutdown).await;
        // Let started work (a reset request's mail) reach the database before the process ends.
        background.close();
        background.wait().await;
        // The message being sent is finished, the rest of the worker's claim handed back.
        mail.stop();
        if tokio::time::timeout(connections.shutdown_grace, worker).await.is_err() {
            tracing::warn!("the mail worker was still sending at the end of the grace; its claim runs out by itself");
        }
        served
    });
    Ok(Portal { addr, metrics_addr, task })
}

/// `GET /metrics` on a listener of its own (never the public one), for Prometheus to scrape.
fn serve_metrics(listener: TcpListener, state: AppState) -> std::io::Result<SocketAddr> {
    let addr = listener.local_addr()?;
    let router = axum::Router::new().route("/metrics", axum::routing::get(crate::web::metrics)).with_state(state);
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            tracing::error!(error = %e, "the metrics listener stopped");
        }
    });
    tracing::info!(%addr, "metrics are served");
    Ok(addr)
}

/// Deletes dead sessions, reset links, old rate-limit counters and browsers unseen for a year
/// every ten minutes so the tables do not grow without bound.
fn spawn_session_purge(state: AppState) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(600));
        loop {
            every.tick().await;
            match sessions::purge_expired(&state).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(sessions = n, "purged expired sessions"),
                Err(e) => tracing::warn!(error = ?e, "could not purge expired sessions"),
            }
            let now = state.clock.now();
            if let Err(e) = state.store.purge_password_resets(now).await {
                tracing::warn!(error = ?e, "could not purge used and expired reset links");
            }
            for limit in Limit::ALL {
                let before = now - limit.window().as_secs() as i64;
                if let Err(e) = state.store.purge_rate_limits(limit.scope(), before).await {
                    tracing::warn!(error = ?e, scope = limit.scope(), "could not purge old rate-limit counters");
                }
            }
            if let Err(e) = state.store.purge_pending_sign_ins(now).await {
                tracing::warn!(error = ?e, "could not purge expired pending sign-ins");
            }
            if let Err(e) = state.store.purge_spent_captchas(now).await {
                tracing::warn!(error = ?e, "could not purge expired captcha records");
            }
            if let Err(e) = known_devices::purge_stale(&state).await {
                tracing::warn!(error = ?e, "could not purge browsers unseen for a year");
            }
        }
    });
}
