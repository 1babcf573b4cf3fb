mod account;
mod change_password;
mod forgot;
pub mod lazy;
pub(crate) mod login;
mod not_found;
mod reset;
mod two_factor;

pub use account::{AccountLayout, AccountPage};
pub use change_password::ChangePasswordPage;
pub use forgot::ForgotPage;
pub use login::LoginPage;
pub use not_found::NotFound;
pub use reset::ResetPage;
pub use two_factor::{
    NewRecoveryCodesPage, RecoveryCodesPage, SecurityPage, TurnOffTwoFactorPage, TwoFactorSetupPage, VerifyPage,
};
