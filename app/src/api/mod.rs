//! Server functions: typed calls shared by the SSR host and the WASM client. Their bodies run
//! only on the server, each in three steps: parse the arguments into domain types, call one
//! use case in `crate::backend`, map its error in [`errors`]. The client gets a stub that
//! posts to `/api/…`.

mod account;
mod auth;
mod captcha;
#[cfg(feature = "ssr")]
mod errors;
mod password;
#[cfg(feature = "ssr")]
pub mod request;
mod reset;
mod two_factor;
mod wire;

pub use account::*;
pub use auth::*;
pub use captcha::*;
pub use password::*;
pub use reset::*;
pub use two_factor::*;
pub use wire::*;
