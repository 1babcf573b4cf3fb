mod captcha;
mod error_summary;
mod field;
mod focus;
mod form_alert;
mod form_errors;
mod nav_bar;
mod new_password_fields;
mod strength_check;

pub use captcha::{Captcha, CaptchaGate, GatedSubmit, SubmitButton};
pub use error_summary::ErrorSummary;
pub use field::Field;
pub use focus::{focus_by_id, FocusOnNavigation};
pub use form_alert::FormAlert;
pub use form_errors::{field_error, last_error};
pub use nav_bar::NavBar;
pub use new_password_fields::NewPasswordFields;
pub use strength_check::StrengthCheck;
