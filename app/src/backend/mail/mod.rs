//! The portal's mail: written by [`templates`], queued in the outbox table by [`MailQueue`],
//! sent by the background [`worker`] through a [`Mailer`] (SMTP or `.eml` files).
//!
//! A request never talks to the mail server: it only inserts a row, so an SMTP outage delays
//! mail but loses none and never changes what the user sees.

pub mod sealed;
pub mod templates;
pub mod transport;
pub mod worker;

use std::sync::Arc;

use tokio::sync::Notify;

#[cfg(feature = "test-support")]
use crate::backend::store::{Store, StoreResult};
use crate::{
    backend::{runtime::metrics::DeliveryCounts, store::ClaimedMail},
    domain::Email,
};
use sealed::{OutboxSeal, SealedMail};

pub use transport::{MailError, Mailer};

/// One message to send: both bodies of a multipart/alternative mail.
///
/// The recipient is parsed as a mailbox when the message is built, and subjects are fixed
/// strings chosen by [`templates`], so nothing a user typed can add a header.
#[derive(Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub to: Email,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The bodies may carry secrets (reset links), so `Debug` shows only the envelope.
impl std::fmt::Debug for OutgoingMail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutgoingMail").field("subject", &self.subject).finish_non_exhaustive()
    }
}

/// Queues mail in the outbox and wakes this node's worker.
#[derive(Clone)]
pub struct MailQueue {
    wake: Arc<Notify>,
    /// Set when the node shuts down: the worker hands back what it has not sent and ends.
    stopping: tokio_util::sync::CancellationToken,
    /// What bodies are sealed with before they reach the outbox, and opened with to send.
    sealer: OutboxSeal,
    /// What the worker counts (for `/metrics`).
    pub counts: DeliveryCounts,
}

impl MailQueue {
    pub fn new(sealer: OutboxSeal) -> Self {
        Self { wake: Arc::default(), stopping: Default::default(), sealer, counts: DeliveryCounts::default() }
    }

    /// `mail` as the outbox stores it, with nothing secret in it.
    pub fn seal(&self, mail: OutgoingMail) -> SealedMail {
        self.sealer.seal(mail, None)
    }

    /// `mail` carrying a link that works until `until`: not sent after that.
    pub fn seal_with_link(&self, mail: OutgoingMail, until: i64) -> SealedMail {
        self.sealer.seal(mail, Some(until))
    }

    /// A claimed message as it was queued, ready to send.
    pub fn open(&self, mail: &ClaimedMail) -> Result<OutgoingMail, sealed::Unreadable> {
        self.sealer.open(&mail.recipient, &mail.subject, &mail.text_body, &mail.html_body)
    }

    /// Stores the message for delivery and wakes the worker; returns its outbox id. Requests
    /// queue their mail inside their own transaction ([`Tx::queue_mail`](crate::backend::store::Tx::queue_mail)).
    #[cfg(feature = "test-support")]
    pub async fn enqueue(&self, store: &Store, mail: &OutgoingMail, now: i64) -> StoreResult<i64> {
        let id = store.enqueue_mail(&self.seal(mail.clone()), now).await?;
        self.wake();
        Ok(id)
    }

    /// Asks the worker for a delivery pass now instead of at its next poll.
    pub fn wake(&self) {
        // `notify_one` keeps a permit when the worker is busy, so no wake-up is lost.
        self.wake.notify_one();
    }

    pub(crate) async fn woken(&self) {
        self.wake.notified().await;
    }

    /// Asks this node's worker to stop: it finishes the message it is sending, hands the rest
    /// of its claim back to the outbox (due at once, for the other nodes or the next start)
    /// and ends.
    pub fn stop(&self) {
        self.stopping.cancel();
    }

    pub fn is_stopping(&self) -> bool {
        self.stopping.is_cancelled()
    }

    pub(crate) async fn stopped(&self) {
        self.stopping.cancelled().await;
    }
}
