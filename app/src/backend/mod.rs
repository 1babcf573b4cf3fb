//! The server side of the portal: configuration, storage, hashing and sessions.
//! Compiled only with the `ssr` feature; none of it reaches the WASM client.

pub mod captcha;
pub mod client_address;
pub mod clock;
pub mod config;
pub mod cookies;
pub mod login;
pub mod login_throttle;
pub mod mail;
pub mod new_password;
pub mod password_change;
pub mod password_hasher;
pub mod password_reset;
pub mod request;
pub mod secret_token;
pub mod session_view;
pub mod sessions;
pub mod state;
pub mod store;

pub use state::AppState;
