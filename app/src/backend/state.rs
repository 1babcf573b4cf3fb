use std::sync::Arc;

use tokio_util::task::TaskTracker;

use super::{
    captcha::Captcha,
    clock::Clock,
    config::Config,
    mail::{MailQueue, Mailer},
    password_hasher::PasswordHasher,
    store::Store,
};

/// Everything a use case needs, built once at start-up and handed to handlers and server
/// functions (through Leptos context). There is no global state.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub store: Store,
    pub hasher: PasswordHasher,
    pub captcha: Captcha,
    pub clock: Clock,
    /// Where requests queue mail; the worker started by the server sends it.
    pub mail: MailQueue,
    /// What the worker sends with.
    pub mailer: Mailer,
    /// Work a request starts and does not wait for (a reset request's lookups and mail), so
    /// that its answer takes the same time whatever the account. Shutdown waits for it.
    pub background: TaskTracker,
}
