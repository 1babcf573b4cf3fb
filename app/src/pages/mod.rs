mod account;
mod change_password;
mod login;
mod not_found;

pub use account::{AccountLayout, AccountPage};
pub use change_password::ChangePasswordPage;
pub use login::LoginPage;
pub use not_found::NotFound;
