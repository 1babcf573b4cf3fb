//! The portal's page addresses, named once for every link, redirect and mail that points at a
//! page. The router (`lib.rs`) declares the same paths with `path!`, which takes literals only.

pub const ACCOUNT: &str = "/account";
pub const CHANGE_PASSWORD: &str = "/account/password";
pub const SECURITY: &str = "/account/security";
pub const TWO_FACTOR_SETUP: &str = "/account/security/setup";
pub const RECOVERY_CODES: &str = "/account/security/recovery-codes";
pub const NEW_RECOVERY_CODES: &str = "/account/security/new-recovery-codes";
pub const TURN_OFF_TWO_FACTOR: &str = "/account/security/turn-off";
pub const LOGIN: &str = "/login";
pub const LOGIN_VERIFY: &str = "/login/verify";
pub const FORGOT: &str = "/forgot";
pub const RESET: &str = "/reset";
