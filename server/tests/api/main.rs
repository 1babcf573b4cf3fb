//! The portal's HTTP behaviour, told as users' stories, on SQLite and on PostgreSQL.
#![allow(clippy::expect_used, clippy::unwrap_used, reason = "a test stops at a broken step")]

mod helpers;

mod account_ids;
mod bad_input;
mod branding;
mod brute_force;
mod bundles;
mod captcha;
mod captcha_provider;
mod change_password;
mod credentials;
mod fuzz;
mod login;
mod mail;
mod metrics_labels;
mod oidc_clients;
mod oidc_keys;
mod operations;
mod page_renders;
mod password_reset;
mod sessions;
mod transport;
mod two_factor;
