//! The node's health flags behind `/readyz` (the check itself is
//! [`readiness`](crate::backend::use_cases::operations::readiness)): whether it is shutting down
//! and whether its mail worker runs.

use std::sync::atomic::{AtomicBool, Ordering};

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

    pub fn is_mail_worker_running(&self) -> bool {
        self.mail_worker_running.load(Ordering::SeqCst)
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
