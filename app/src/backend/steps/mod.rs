//! Steps that several use cases take alike: counting failed guesses, known browsers, budgets per client,
//! sessions, a new password's check, proving the second factor, holding a pending sign-in and
//! telling the owner, and signing the OpenID provider's ID tokens. They take `&AppState` and never import a use case.

pub mod id_token;
pub mod known_devices;
pub mod login_throttle;
pub mod new_password_check;
pub mod notice;
pub mod pending_sign_in;
pub mod proof;
pub mod rate_limits;
pub mod sessions;
