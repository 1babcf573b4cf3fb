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

/// "2026-11-30T07:12:05Z": a moment for machines (`<time datetime>`).
pub fn iso_8601(unix: i64) -> Option<String> {
    let t = time::OffsetDateTime::from_unix_timestamp(unix).ok()?;
    t.format(time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z")).ok()
}

/// "2 hours", "90 minutes", "1 hour", "45 seconds": how pages and mail say a length of time.
pub fn duration_words(duration: std::time::Duration) -> String {
    let plural = |n: u64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    match duration.as_secs() {
        s if s >= 3600 && s % 3600 == 0 => plural(s / 3600, "hour"),
        s if s >= 60 && s % 60 == 0 => plural(s / 60, "minute"),
        s => plural(s, "second"),
    }
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

    /// Waits a little on the way to `until` (Unix seconds): at most `poll`, never past it, so
    /// that the caller can look again at whatever it is waiting for. A manual clock does not
    /// wait: it moves on by at most a second, toward `until` (the hand of a test that sleeps),
    /// and lets other tasks run.
    pub async fn pause_until(&self, until: i64, poll: std::time::Duration) {
        match &self.0 {
            Some(t) => {
                let now = t.load(Ordering::SeqCst);
                t.fetch_max(until.min(now + 1), Ordering::SeqCst);
                tokio::task::yield_now().await;
            }
            None => {
                let left = std::time::Duration::from_secs((until - self.now()).max(0) as u64);
                tokio::time::sleep(poll.min(left)).await;
            }
        }
    }

    /// Moves a manual clock forward; the system clock cannot be moved.
    #[allow(clippy::expect_used, reason = "moving the system clock is a mistake in a test")]
    pub fn advance(&self, secs: i64) {
        let t = self.0.as_ref().expect("only a manual clock can be advanced");
        t.fetch_add(secs, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::duration_words;

    #[test]
    fn durations_read_as_words() {
        assert_eq!(duration_words(Duration::from_secs(7200)), "2 hours");
        assert_eq!(duration_words(Duration::from_secs(3600)), "1 hour");
        assert_eq!(duration_words(Duration::from_secs(5400)), "90 minutes");
        assert_eq!(duration_words(Duration::from_secs(60)), "1 minute");
        assert_eq!(duration_words(Duration::from_secs(61)), "61 seconds");
    }
}
