//! The server side of the portal: the use cases and what they stand on (configuration,
//! storage, hashing, mail). Compiled only with the `ssr` feature; none of it reaches the WASM
//! client, and none of it knows about the web framework, the pages or the wire types of the
//! server functions.
//!
//! A use case is a module with one public entry (`login::log_in`, `password_change::change`,
//! `password_reset::{request, complete}`, …) that takes `&AppState` and parsed input and
//! returns its own error type; the server functions map those errors to what a person reads.

pub mod accounts;
pub mod captcha;
pub mod client_address;
pub mod clock;
pub mod config;
pub mod cookies;
pub mod health;
pub mod key_file;
pub mod login;
pub mod login_throttle;
pub mod mail;
pub mod metrics;
pub mod new_password;
pub mod password_change;
pub mod password_hasher;
pub mod password_reset;
pub mod rate_limits;
pub mod sealed_box;
pub mod secret_key;
pub mod secret_token;
pub mod session_list;
pub mod session_view;
pub mod sessions;
pub mod state;
pub mod store;
pub mod two_factor;

pub use state::{AppState, Services};
