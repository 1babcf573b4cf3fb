//! The email address typed on the login page, carried to "Forgot?" when its link is followed,
//! so that it need not be typed again. It goes through the tab's `sessionStorage`, never the
//! link's address (which history, logs and the `Referer` keep), and is read once. Both sides
//! use it: the login page's module (or the app, when it shows the login page) keeps it, the
//! app's Forgot? page takes it. Without JavaScript nothing is carried.

/// The `sessionStorage` key the address waits under.
pub const STORAGE_KEY: &str = "portal.carried-email";

/// On the login page's "Forgot?" link: following it carries the email field's value.
pub const LINK_ATTRIBUTE: &str = "data-carries-email";

/// The field whose value is carried (the login form's, and Forgot?'s).
pub const FIELD_ID: &str = "field-email";

/// The longest address carried (RFC 5321 allows 254 characters; the server keeps 320 bytes).
pub const MAX_CHARS: usize = 320;

/// What is carried of `typed`: trimmed, bounded; nothing for an empty field.
pub fn carried(typed: &str) -> Option<String> {
    let typed = typed.trim();
    (!typed.is_empty()).then(|| typed.chars().take(MAX_CHARS).collect())
}

/// Keeps the email field's value for Forgot? (or forgets an earlier one when it is empty).
#[cfg(feature = "browser")]
pub fn keep_from_field() {
    use web_sys::wasm_bindgen::JsCast;
    let Some(window) = web_sys::window() else { return };
    let Some(storage) = window.session_storage().ok().flatten() else { return };
    let typed = window
        .document()
        .and_then(|document| document.get_element_by_id(FIELD_ID))
        .and_then(|field| field.dyn_into::<web_sys::HtmlInputElement>().ok())
        .and_then(|field| carried(&field.value()));
    let _ = match typed {
        Some(email) => storage.set_item(STORAGE_KEY, &email),
        None => storage.remove_item(STORAGE_KEY),
    };
}

/// The address carried here, taken: a second call finds none.
#[cfg(feature = "browser")]
pub fn take() -> Option<String> {
    let storage = web_sys::window()?.session_storage().ok()??;
    let email = storage.get_item(STORAGE_KEY).ok()?;
    let _ = storage.remove_item(STORAGE_KEY);
    carried(&email?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_carried_trimmed_and_bounded_and_an_empty_field_carries_nothing() {
        assert_eq!(carried("  ann@example.com \n").as_deref(), Some("ann@example.com"));
        assert_eq!(carried("   "), None);
        assert_eq!(carried(&"a".repeat(1000)).map(|e| e.chars().count()), Some(MAX_CHARS));
    }
}
