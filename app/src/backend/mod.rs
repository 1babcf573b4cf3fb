//! The server side of the portal, compiled only with the `ssr` feature: none of it reaches the
//! WASM client, and none of it knows about the web framework, the pages or the wire types of the
//! server functions. Its folders are rooms, and a file's room says what it may import
//! (ARCHITECTURE.md; `scripts/check-layers.py` checks it):
//!
//! - [`use_cases`]: one public entry per thing a person or operator does; take `&AppState`.
//! - [`steps`]: what several use cases do alike (throttle, sessions, proofs, notices); take
//!   `&AppState`, never import a use case.
//! - [`state`]: the composition root, [`AppState`].
//! - [`client`], [`secrets`], [`runtime`], [`captcha`], [`mail`], [`store`], [`config`],
//!   [`clock`], [`ids`]: the parts the steps stand on; they import no use case, no step and no `AppState`.

pub mod captcha;
pub mod client;
pub mod clock;
pub mod config;
pub mod ids;
pub mod mail;
pub mod runtime;
pub mod secrets;
pub mod state;
pub mod steps;
pub mod store;
pub mod use_cases;

pub use state::{AppState, Services};
