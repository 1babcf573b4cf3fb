//! Every wait in a test is bounded: a stuck story fails with a message that says what it was
//! waiting for, instead of holding up the whole test command.
//!
//! Helpers wrap each wait in [`within`], which names it. The story itself runs under
//! [`story`], whose limit is longer than any one wait; if that limit is reached anyway (the
//! story was stuck somewhere no helper bounds), the message names the last wait that started.

use std::{cell::RefCell, fmt::Display, future::Future, time::Duration};

/// The longest a test waits for any one thing: an HTTP answer, a message, background work.
pub const WAIT: Duration = Duration::from_secs(20);
/// The longest a whole story may take (the slowest passes in a few seconds on a loaded machine).
pub const STORY: Duration = Duration::from_secs(100);

thread_local! {
    /// What the story on this thread waited for last, and whether that wait ended.
    /// `#[tokio::test]` runs a story and everything it spawns on one thread.
    static LAST_WAIT: RefCell<Option<(String, bool)>> = const { RefCell::new(None) };
}

/// Awaits `work`, failing the test after `limit` with a message naming `what`.
pub async fn within<T>(limit: Duration, what: impl Display, work: impl Future<Output = T>) -> T {
    let what = what.to_string();
    LAST_WAIT.with(|last| *last.borrow_mut() = Some((what.clone(), false)));
    match tokio::time::timeout(limit, work).await {
        Ok(value) => {
            LAST_WAIT.with(|last| *last.borrow_mut() = Some((what, true)));
            value
        }
        Err(_) => panic!("gave up after {limit:?} waiting for {what}"),
    }
}

/// Runs a whole story under [`STORY`].
pub async fn story(name: &str, body: impl Future<Output = ()>) {
    story_within(STORY, name, body).await
}

async fn story_within(limit: Duration, name: &str, body: impl Future<Output = ()>) {
    LAST_WAIT.with(|last| *last.borrow_mut() = None);
    if tokio::time::timeout(limit, body).await.is_err() {
        let last = LAST_WAIT.with(|last| last.borrow().clone());
        let clue = match last {
            Some((what, false)) => format!("it was waiting for {what}"),
            Some((what, true)) => format!("the last bounded wait ({what}) had ended; it was stuck after it"),
            None => "no bounded wait had started".to_owned(),
        };
        panic!("{name} did not finish within {limit:?}: {clue}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    #[should_panic(expected = "gave up after 0ns waiting for the answer that never comes")]
    async fn a_wait_that_never_ends_fails_with_its_name() {
        within(Duration::ZERO, "the answer that never comes", std::future::pending::<()>()).await;
    }

    #[tokio::test]
    #[should_panic(expected = "a stuck story did not finish within 50ms: it was waiting for the mail")]
    async fn a_stuck_story_names_the_wait_it_was_in() {
        story_within(Duration::from_millis(50), "a stuck story", async {
            within(Duration::from_secs(1), "the login", async {}).await;
            within(Duration::from_secs(3600), "the mail", std::future::pending::<()>()).await;
        })
        .await;
    }

    #[tokio::test]
    #[should_panic(expected = "the last bounded wait (the login) had ended; it was stuck after it")]
    async fn a_story_stuck_outside_any_wait_names_the_last_one() {
        story_within(Duration::from_millis(50), "a stuck story", async {
            within(Duration::from_secs(1), "the login", async {}).await;
            std::future::pending::<()>().await;
        })
        .await;
    }
}
