//! What a person or an operator does, one module each: one public entry (or a few, for one
//! page's actions) taking `&AppState` and parsed input and returning the use case's own error,
//! whose variants say what the caller can do. Server functions call exactly one of these.

pub mod accounts;
pub mod login;
pub mod oidc_clients;
pub mod oidc_keys;
pub mod operations;
pub mod password_change;
pub mod password_reset;
pub mod second_factor;
pub mod session_list;
pub mod two_factor;
