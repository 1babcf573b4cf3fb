//! Who is asking: the client's address (the socket's peer, or behind a trusted proxy the client
//! it names), its browser in words, and the portal's cookies.

pub mod address;
pub mod browser;
pub mod cookies;

/// Where a request came from, as recorded in the session list and told in security mail.
#[derive(Clone, Debug, Default)]
pub struct ClientInfo {
    pub ip: String,
    /// What the per-address budgets count this client under ([`address`]).
    pub budget_key: String,
    pub user_agent: String,
    /// The SHA-256 of the device cookie's token, when the browser brought one (whether the
    /// account knows it is for the throttle to find out).
    pub device: Option<[u8; 32]>,
}
