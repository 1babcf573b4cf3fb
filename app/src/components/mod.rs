mod field;
mod form_alert;
mod nav_bar;

pub use field::Field;
pub use form_alert::FormAlert;
pub use nav_bar::NavBar;
