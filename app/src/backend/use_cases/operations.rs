//! What the operator's probes ask: is this node ready for traffic (`/readyz`), and what do its
//! metrics read (`/metrics`).

use std::time::Duration;

use crate::backend::{
    runtime::{health::NotReady, metrics::Readings},
    state::AppState,
};

/// The longest a readiness check waits for the database: a probe must answer quickly.
const DATABASE_CHECK: Duration = Duration::from_secs(2);
/// The longest a scrape waits for a database connection.
const ACQUIRE_PROBE_LIMIT: Duration = Duration::from_secs(2);

/// Ready for traffic, or why not.
pub async fn readiness(state: &AppState) -> Result<(), NotReady> {
    if state.health.is_shutting_down() {
        return Err(NotReady::ShuttingDown);
    }
    if !state.health.is_mail_worker_running() {
        return Err(NotReady::MailWorkerStopped);
    }
    match tokio::time::timeout(DATABASE_CHECK, state.store.unapplied_migrations()).await {
        Ok(Ok(0)) => Ok(()),
        Ok(Ok(_)) => Err(NotReady::NotMigrated),
        Ok(Err(e)) => {
            tracing::warn!(error = ?e, "readiness: the database does not answer");
            Err(NotReady::DatabaseUnreachable)
        }
        Err(_) => Err(NotReady::DatabaseUnreachable),
    }
}

/// The metrics page: the counters, with the outbox, the pools and the hashes in flight read now.
pub async fn metrics_page(state: &AppState) -> String {
    let outbox = match state.store.outbox_backlog(state.clock.now()).await {
        Ok(backlog) => Some(backlog),
        Err(e) => {
            tracing::warn!(error = ?e, "metrics: cannot read the outbox");
            None
        }
    };
    let (pool_connections, pool_idle) = state.store.pool_stats();
    state.metrics.render(Readings {
        outbox,
        pool_connections,
        pool_idle,
        pool_acquire: state.store.time_to_acquire(ACQUIRE_PROBE_LIMIT).await,
        hashes_in_flight: state.hasher.in_flight(),
    })
}
