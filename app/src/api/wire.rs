//! What the server functions send that pages show as it is, shared by several of them.

use serde::{Deserialize, Serialize};

/// A point in time, with what the server says of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moment {
    /// Seconds since the Unix epoch.
    pub unix: i64,
    /// "2026-11-30 07:12 UTC".
    pub utc: String,
    /// "2026-11-30T07:12:05Z", for `<time datetime>`.
    pub iso: String,
}

#[cfg(feature = "ssr")]
impl Moment {
    pub fn at(unix: i64) -> Self {
        use crate::backend::clock;
        Self {
            unix,
            utc: clock::utc_minutes(unix).unwrap_or_else(|| "an unknown time".into()),
            iso: clock::iso_8601(unix).unwrap_or_default(),
        }
    }
}
