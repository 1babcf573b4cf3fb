//! Types that parse input once at the boundary; past it nothing re-checks.

mod email;
mod local_path;
mod password;

pub use email::{Email, EmailError};
pub use local_path::LocalPath;
pub use password::{Password, PasswordError, MAX_PASSWORD_CHARS};
