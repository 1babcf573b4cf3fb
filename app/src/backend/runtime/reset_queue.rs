//! The bound on Forgot? requests waiting for or in background work: a flood once queued 100,000
//! tasks, held 1.8 GB and starved the database pool. Beyond [`Queue::SLOTS`] a request is dropped
//! with a warning (at most one a second) and answered the same.

use std::sync::{
    atomic::{AtomicI64, AtomicU64, Ordering},
    Arc,
};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The places for Forgot? requests waiting for or in background work. Cheap to clone.
#[derive(Clone)]
pub struct Queue {
    places: Arc<Semaphore>,
    drops: Arc<Drops>,
}

/// Requests dropped since the last warning, and when that was (a flood must not flood the log).
#[derive(Default)]
struct Drops {
    since_warning: AtomicU64,
    warned_at: AtomicI64,
}

impl Queue {
    /// About a quarter of a second of work at the rate one node handles them (~1,000/s).
    pub const SLOTS: usize = 256;

    /// A place, if one is free.
    pub fn enter(&self) -> Option<OwnedSemaphorePermit> {
        Arc::clone(&self.places).try_acquire_owned().ok()
    }

    /// Counts a request dropped at `now`; warns with the count at most once a second.
    pub fn dropped(&self, now: i64) {
        self.drops.since_warning.fetch_add(1, Ordering::Relaxed);
        let warned_at = self.drops.warned_at.load(Ordering::Relaxed);
        let due = now > warned_at
            && self.drops.warned_at.compare_exchange(warned_at, now, Ordering::Relaxed, Ordering::Relaxed).is_ok();
        if due {
            let dropped = self.drops.since_warning.swap(0, Ordering::Relaxed);
            tracing::warn!(dropped, "password reset request dropped: {} requests are already queued", Self::SLOTS);
        }
    }

    /// Takes every place, as a flood would, until the result is dropped: waits for the
    /// requests already in background work to give theirs back first.
    #[cfg(feature = "test-support")]
    #[allow(clippy::expect_used, reason = "test support; SLOTS is 256 and the semaphore is never closed")]
    pub async fn fill(&self) -> OwnedSemaphorePermit {
        let all = u32::try_from(Self::SLOTS).expect("SLOTS fits in u32");
        Arc::clone(&self.places).acquire_many_owned(all).await.expect("the queue's semaphore is never closed")
    }
}

impl Default for Queue {
    fn default() -> Self {
        Self { places: Arc::new(Semaphore::new(Self::SLOTS)), drops: Arc::default() }
    }
}
