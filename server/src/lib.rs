//! The portal's HTTP host: builds the state and the router, and serves them.

pub mod http_server;
pub mod startup;
pub mod web;

pub use startup::{build_state, serve, Portal};
