//! What a load balancer asks before it sends a node traffic (`/readyz`): the database answers
//! and is migrated, the mail worker runs, and the node is not shutting down.

use std::{
    sync::atomic::{AtomicBool, Ordering},
    time::Duration,
};

use super::state::AppState;

/// The longest a readiness check waits for the database: a probe must answer quickly.
const DATABASE_CHECK: Duration = Duration::from_secs(2);

/// The node's own view of itself, kept by the parts that know.
#[derive(Debug, Default)]
pub struct Health {
    shutting_down: AtomicBool,
    mail_worker_running: AtomicBool,
}

impl Health {
    /// From the moment a shutdown begins, the node is not ready: balancers stop sending to it
    /// while it finishes what it has.
    pub fn begin_shutdown(&self) {
        self.shutting_down.store(true, Ordering::SeqCst);
    }

    pub fn is_shutting_down(&self) -> bool {
        self.shutting_down.load(Ordering::SeqCst)
    }

    pub fn set_mail_worker_running(&self, running: bool) {
        self.mail_worker_running.store(running, Ordering::SeqCst);
    }
}

/// Why a node is not ready, in one line an operator reads in a probe's log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotReady {
    #[error("shutting down")]
    ShuttingDown,
    #[error("the mail worker has stopped")]
    MailWorkerStopped,
    #[error("the database is unreachable")]
    DatabaseUnreachable,
    #[error("the database is not migrated to this version")]
    NotMigrated,
}

/// Ready for traffic, or why not.
pub async fn readiness(state: &AppState) -> Result<(), NotReady> {
    if state.health.is_shutting_down() {
        return Err(NotReady::ShuttingDown);
    }
    if !state.health.mail_worker_running.load(Ordering::SeqCst) {
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
