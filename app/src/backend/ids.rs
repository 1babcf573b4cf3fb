//! The ids the store hands out, as types (a leaf: it imports nothing of ours), so that an account's id cannot be passed where a
//! session's or a time is expected.
//!
//! [`UserId`] is the account's private row id: it never leaves the server (pages, URLs and mail
//! do not show it). The public, opaque account id that apps and provisioning will see (OpenID
//! Connect's `sub`, SCIM's `id`) is a different value, a random UUID stored with the account, and
//! gets its own type here beside this one.

use std::fmt;

/// An account's row id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, sqlx::Type)]
#[sqlx(transparent)]
pub struct UserId(i64);

impl UserId {
    /// The id of a row the caller made or read itself (tests, the command line's listing).
    pub const fn from_row(id: i64) -> Self {
        Self(id)
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}
