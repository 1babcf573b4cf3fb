//! Server functions: typed calls shared by the SSR host and the WASM client.
//! Their bodies run only on the server; the client gets a stub that posts to `/api/…`.

mod auth;
mod captcha;
mod password;
mod reset;
mod sessions;

pub use auth::*;
pub use captcha::*;
pub use password::*;
pub use reset::*;
pub use sessions::*;
