mod account;
mod login;
mod not_found;

pub use account::{AccountLayout, AccountPage};
pub use login::LoginPage;
pub use not_found::NotFound;
