//! Telling the owner: every security mail about something done to an account goes through a
//! [`Notice`], which says when and from where ([`Occasion`]: the address and the browser in
//! words), seals the message for the outbox, and wakes the mail worker once it is stored.
//!
//! A notice that makes a change true is queued in that change's transaction (`seal`, then
//! `committed` after the commit); one that stands alone is sent with `send`.

use crate::backend::{
    client::{browser, ClientInfo},
    config::Config,
    mail::{
        sealed::SealedMail,
        templates::{Occasion, Source},
        OutgoingMail,
    },
    state::AppState,
    store::StoreResult,
};

/// A notice to the owner about something happening now.
pub struct Notice<'a> {
    state: &'a AppState,
    occasion: Occasion,
}

impl<'a> Notice<'a> {
    /// Something `client` does now.
    pub fn from_client(state: &'a AppState, client: &ClientInfo) -> Self {
        let source = Source::Client { address: client.ip.clone(), browser: browser::browser(&client.user_agent) };
        Self { state, occasion: Occasion { when: state.clock.now(), source } }
    }

    /// Something the operator does now (`portal user …`).
    pub fn from_support(state: &'a AppState) -> Self {
        Self { state, occasion: Occasion { when: state.clock.now(), source: Source::Support } }
    }

    /// When it happens (Unix seconds): the time the change is stored under.
    pub fn when(&self) -> i64 {
        self.occasion.when
    }

    /// The message `write` makes of the occasion, sealed for the outbox, to be queued in the
    /// transaction that makes it true.
    pub fn seal(&self, write: impl FnOnce(&Config, &Occasion) -> OutgoingMail) -> SealedMail {
        self.state.mail.seal(write(&self.state.config, &self.occasion))
    }

    /// Once the transaction that queued the message has committed: the worker sends it now.
    pub fn committed(&self) {
        self.state.mail.wake();
    }

    /// Queues the message on its own and wakes the worker.
    pub async fn send(&self, write: impl FnOnce(&Config, &Occasion) -> OutgoingMail) -> StoreResult<()> {
        self.state.store.enqueue_mail(&self.seal(write), self.occasion.when).await?;
        self.committed();
        Ok(())
    }
}
