mod field;
mod form_alert;
mod nav_bar;
mod new_password_fields;

pub use field::Field;
pub use form_alert::FormAlert;
pub use nav_bar::NavBar;
pub use new_password_fields::NewPasswordFields;
