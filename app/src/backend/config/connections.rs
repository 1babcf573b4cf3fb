//! `PORTAL_MAX_CONNECTIONS`, `PORTAL_*_TIMEOUT_SECS` and `PORTAL_SHUTDOWN_*`: how many
//! connections, and how long each may take.

use std::time::Duration;

use super::{bad, raw::RawConfig, ConfigError};

/// How many connections, and how long a connection or a request may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Connections open at once; more wait in the kernel's backlog (`PORTAL_MAX_CONNECTIONS`).
    pub max_connections: usize,
    /// A connection that has not sent a request's headers by then is closed
    /// (`PORTAL_HEADER_READ_TIMEOUT_SECS`).
    pub header_read: Duration,
    /// A request not answered by then gets 408 (`PORTAL_REQUEST_TIMEOUT_SECS`): a body sent
    /// slowly cannot hold a handler longer.
    pub request: Duration,
    /// How long open connections may finish their requests at shutdown
    /// (`PORTAL_SHUTDOWN_GRACE_SECS`).
    pub shutdown_grace: Duration,
    /// At shutdown, how long the node keeps accepting new connections while `/readyz` says 503,
    /// so that balancers notice and stop sending it traffic first (`PORTAL_SHUTDOWN_DRAIN_SECS`).
    pub shutdown_drain: Duration,
}

impl ConnectionLimits {
    pub(super) fn parse(raw: &RawConfig) -> Result<Self, ConfigError> {
        let secs = |value: u64, name: &str| match value {
            1..=3600 => Ok(Duration::from_secs(value)),
            _ => Err(bad(name, "must be between 1 and 3600 seconds")),
        };
        if !(1..=1_000_000).contains(&raw.max_connections) {
            return Err(bad("PORTAL_MAX_CONNECTIONS", "must be between 1 and 1000000"));
        }
        Ok(Self {
            max_connections: raw.max_connections,
            header_read: secs(raw.header_read_timeout_secs, "PORTAL_HEADER_READ_TIMEOUT_SECS")?,
            request: secs(raw.request_timeout_secs, "PORTAL_REQUEST_TIMEOUT_SECS")?,
            shutdown_grace: secs(raw.shutdown_grace_secs, "PORTAL_SHUTDOWN_GRACE_SECS")?,
            shutdown_drain: match raw.shutdown_drain_secs {
                0..=600 => Duration::from_secs(raw.shutdown_drain_secs),
                _ => return Err(bad("PORTAL_SHUTDOWN_DRAIN_SECS", "must be between 0 and 600 seconds")),
            },
        })
    }
}
