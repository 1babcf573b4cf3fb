//! The background sender: claims due mail from the outbox, sends it, and marks each row sent,
//! rescheduled with exponential backoff, or failed.
//!
//! Every node runs one worker against the shared database. A claim leases rows to one node
//! ([`Store::claim_due_mail`]), so nodes never send the same message at the same time, and the
//! rows of a node that died mid-send become due again when the lease runs out.
//!
//! A node that shuts down ([`MailQueue::stop`]) finishes the message it is sending and hands
//! the rest of its claim back at once, rather than leaving it under a lease for 15 minutes.
//!
//! Delivery is at least once, not exactly once: a node that dies after the server accepted a
//! message (its `250`) and before the row is marked sent leaves the row to be sent again once
//! its lease has run out. Nothing on this side can close that gap; what it can do is name the
//! message: every attempt at a row carries the same `Message-ID` ([`MessageId::of`]), so the
//! receiving side can recognise the second copy.

use std::time::Duration;

use tokio::task::JoinHandle;

use super::{
    transport::{MessageId, SEND_TIMEOUT},
    MailQueue, Mailer,
};
use crate::backend::{clock::Clock, store::ClaimedMail, store::Store, store::StoreResult};

/// Rows claimed at a time.
const BATCH: i64 = 10;
/// How long a claim keeps other nodes off a row: longer than a whole batch can take.
const LEASE_SECS: i64 = 15 * 60;
const _: () = assert!(BATCH * (SEND_TIMEOUT.as_secs() as i64) < LEASE_SECS);
/// The first retry waits this long, each later one twice as long as the one before…
const FIRST_RETRY_SECS: i64 = 30;
/// …up to this.
const MAX_RETRY_SECS: i64 = 60 * 60;
/// After this many attempts (about six hours) a message is given up on.
pub const MAX_ATTEMPTS: i64 = 12;
/// A pass runs at least this often (real time), even when nobody wakes the worker.
const POLL_INTERVAL: Duration = Duration::from_secs(5);
/// `last_error` keeps at most this much of the error.
const MAX_ERROR_CHARS: usize = 500;

/// Runs delivery passes until `queue` is stopped: whenever it is woken, and every few seconds
/// for mail that came due (retries, and other nodes' abandoned claims).
pub fn spawn(store: Store, mailer: Mailer, queue: MailQueue, clock: Clock) -> JoinHandle<()> {
    tokio::spawn(async move {
        while !queue.is_stopping() {
            if let Err(e) = deliver_due(&store, &mailer, &queue, &clock).await {
                tracing::warn!(error = ?e, "mail delivery pass failed; retrying at the next poll");
            }
            tokio::select! {
                () = queue.woken() => {}
                () = queue.stopped() => {}
                () = tokio::time::sleep(POLL_INTERVAL) => {}
            }
        }
    })
}

/// One delivery pass: claims and sends until no mail is due. Returns how many were sent.
/// Sends every due message; messages whose link has expired are blanked first, not sent.
pub async fn deliver_due(store: &Store, mailer: &Mailer, queue: &MailQueue, clock: &Clock) -> StoreResult<usize> {
    let expired = store.drop_expired_links(clock.now()).await?;
    if expired > 0 {
        tracing::warn!(expired, "reset mail not sent before its link expired: dropped");
    }
    let mut sent = 0;
    while !queue.is_stopping() {
        let now = clock.now();
        let lease_until = now + LEASE_SECS;
        let claimed = store.claim_due_mail(now, lease_until, BATCH).await?;
        if claimed.is_empty() {
            break;
        }
        for (i, mail) in claimed.iter().enumerate() {
            if queue.is_stopping() {
                let ids: Vec<i64> = claimed[i..].iter().map(|m| m.id).collect();
                let handed_back = store.release_mail(&ids, lease_until).await?;
                tracing::info!(handed_back, "stopping: unsent mail handed back to the outbox");
                break;
            }
            if deliver(store, mailer, queue, clock, mail).await? {
                sent += 1;
            }
        }
    }
    Ok(sent)
}

/// Sends one claimed message and records the outcome; true when it was sent.
async fn deliver(
    store: &Store,
    mailer: &Mailer,
    queue: &MailQueue,
    clock: &Clock,
    mail: &ClaimedMail,
) -> StoreResult<bool> {
    let (id, attempts) = (mail.id, mail.attempts);
    let message = match queue.open(mail) {
        Ok(message) => message,
        Err(unreadable) => {
            tracing::error!(mail_id = id, subject = %mail.subject, error = %unreadable, "mail given up on");
            store.mark_mail_failed(id, clock.now(), &unreadable.to_string()).await?;
            failed(queue, "unreadable");
            return Ok(false);
        }
    };
    let error = match mailer.send(&message, &MessageId::of(mail)).await {
        Ok(()) => {
            // A crash right here sends the message again later: see the module's comment.
            store.mark_mail_sent(id, clock.now()).await?;
            queue.counts.sent.inc();
            tracing::info!(mail_id = id, attempts, "mail sent");
            return Ok(true);
        }
        Err(e) => e,
    };
    let reason: String = error.to_string().chars().take(MAX_ERROR_CHARS).collect();
    if error.is_permanent() || attempts >= MAX_ATTEMPTS {
        // The log names the message, never its body.
        tracing::error!(mail_id = id, attempts, subject = %mail.subject, error = %reason, "mail given up on");
        store.mark_mail_failed(id, clock.now(), &reason).await?;
        failed(queue, "gave_up");
    } else {
        let delay = retry_delay(attempts);
        tracing::warn!(mail_id = id, attempts, retry_in_secs = delay, error = %reason, "mail not sent yet");
        store.reschedule_mail(id, clock.now() + delay, &reason).await?;
        failed(queue, "retry");
    }
    Ok(false)
}

/// The wait after the `attempts`-th failed attempt: 30 s, 1 min, 2 min, … capped at an hour.
fn retry_delay(attempts: i64) -> i64 {
    let doublings = attempts.saturating_sub(1).clamp(0, 20) as u32;
    (FIRST_RETRY_SECS << doublings).min(MAX_RETRY_SECS)
}

fn failed(queue: &MailQueue, outcome: &'static str) {
    crate::backend::runtime::metrics::count(&queue.counts.failures, outcome);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_an_hour() {
        let delays: Vec<i64> = (1..=9).map(retry_delay).collect();
        assert_eq!(delays, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600], "after attempts 1..=9");
        assert_eq!(retry_delay(i64::MAX), MAX_RETRY_SECS);
    }

    #[test]
    fn a_message_is_tried_for_hours_before_it_is_given_up_on() {
        let waited: i64 = (1..MAX_ATTEMPTS).map(retry_delay).sum();
        assert!((5 * 3600..8 * 3600).contains(&waited), "{waited}");
    }
}
