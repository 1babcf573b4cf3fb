//! Time in Unix seconds, from the system or, in tests, from a hand that moves it.

use std::sync::{
    atomic::{AtomicI64, Ordering},
    Arc,
};

/// "2026-11-27 09:31 UTC", as pages and mail show a moment.
pub fn utc_minutes(unix: i64) -> Option<String> {
    let t = time::OffsetDateTime::from_unix_timestamp(unix).ok()?;
    t.format(time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC")).ok()
}

#[derive(Clone, Debug, Default)]
pub struct Clock(Option<Arc<AtomicI64>>);

impl Clock {
    pub fn system() -> Self {
        Self(None)
    }

    /// A clock that stands still at `start` until [`Clock::advance`] moves it.
    pub fn manual(start: i64) -> Self {
        Self(Some(Arc::new(AtomicI64::new(start))))
    }

    pub fn now(&self) -> i64 {
        match &self.0 {
            Some(t) => t.load(Ordering::SeqCst),
            None => {
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
            }
        }
    }

    /// Moves a manual clock forward; the system clock cannot be moved.
    pub fn advance(&self, secs: i64) {
        let t = self.0.as_ref().expect("only a manual clock can be advanced");
        t.fetch_add(secs, Ordering::SeqCst);
    }
}
