use std::sync::Arc;

use tokio_util::task::TaskTracker;

use crate::backend::{
    captcha::Captcha, clock::Clock, config::Config, mail::MailQueue, mail::Mailer,
    secrets::password_hasher::PasswordHasher, store::Store,
};

/// Everything a use case needs, built once at start-up and handed to handlers and server
/// functions (through Leptos context). There is no global state.
///
/// Cloned by every middleware and every render of every request, so a clone is one reference
/// count: with a count per service, the clones and drops took 3.5 % of the server's CPU under
/// GET /login load (perf), the counters' cache lines bouncing between the cores.
#[derive(Clone)]
pub struct AppState(Arc<Services>);

impl AppState {
    pub fn new(services: Services) -> Self {
        Self(Arc::new(services))
    }
}

impl std::ops::Deref for AppState {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.0
    }
}

/// What [`AppState`] holds.
pub struct Services {
    pub config: Arc<Config>,
    pub store: Store,
    pub hasher: PasswordHasher,
    pub captcha: Captcha,
    pub clock: Clock,
    /// Where requests queue mail; the worker started by the server sends it.
    pub mail: MailQueue,
    /// What the worker sends with.
    pub mailer: Mailer,
    /// What `/metrics` reports.
    pub metrics: crate::backend::runtime::metrics::Metrics,
    /// Whether this node is shutting down and its mail worker runs (`/readyz`).
    pub health: crate::backend::runtime::health::Health,
    /// Seals the accounts' authenticator secrets and fresh recovery codes at rest.
    pub two_factor: crate::backend::secrets::two_factor_seal::TwoFactorSeal,
    /// Seals the OpenID provider's signing keys at rest.
    pub signing_keys: crate::backend::secrets::oidc_keys::SigningKeySeal,
    /// The bound on Forgot? requests waiting for background work.
    pub reset_queue: crate::backend::runtime::reset_queue::Queue,
    /// Work a request starts and does not wait for (a reset request's lookups and mail), so
    /// that its answer takes the same time whatever the account. Shutdown waits for it.
    pub background: TaskTracker,
}
