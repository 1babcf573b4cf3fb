//! The node's own moving parts, outside the database: what `/metrics` reports, the health flags
//! behind `/readyz`, and the bound on Forgot? requests waiting for background work.

pub mod health;
pub mod metrics;
pub mod reset_queue;
