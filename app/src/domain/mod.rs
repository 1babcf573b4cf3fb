//! Types that parse input once at the boundary; past it nothing re-checks.

mod email;
mod local_path;
// Checking a new password against the rules runs on the server (zxcvbn is not in the page).
#[cfg(feature = "ssr")]
mod new_password;
mod password;

pub use email::{Email, EmailError};
pub use local_path::LocalPath;
#[cfg(feature = "ssr")]
pub use new_password::{NewPassword, NewPasswordError};
pub use password::{Password, PasswordError, MAX_PASSWORD_CHARS};
