//! Where keyboard focus goes when the page changes under it: a skip link's target, a page's
//! heading after a route change, a field named by the error summary. A plain in-page link only
//! scrolls (and the router takes over its click), so these move focus themselves.

use leptos::{ev::MouseEvent, prelude::*};
use leptos_router::hooks::use_location;

/// Focuses the element with `id` in place of following the link `ev` came from.
pub fn focus_by_id(ev: MouseEvent, id: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(target) = element(&format!("#{id}")) {
        ev.prevent_default();
        target.scroll_into_view();
        let _ = target.focus();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, id);
}

/// After every route change (not the first page load), focus goes to the new page's `<h1>`,
/// so a screen reader reads where the person is and the next Tab starts at the top of it.
#[component]
pub fn FocusOnNavigation() -> impl IntoView {
    let location = use_location();
    Effect::watch(
        move || location.pathname.get(),
        |_, _, _| {
            // The new page is rendered in the frame after the URL changes.
            request_animation_frame(focus_heading);
        },
        false,
    );
}

fn focus_heading() {
    #[cfg(feature = "hydrate")]
    if let Some(heading) = element("main h1").or_else(|| element("main")) {
        if !heading.has_attribute("tabindex") {
            let _ = heading.set_attribute("tabindex", "-1");
        }
        let _ = heading.focus();
    }
}

#[cfg(feature = "hydrate")]
fn element(selector: &str) -> Option<web_sys::HtmlElement> {
    use wasm_bindgen::JsCast as _;
    document().query_selector(selector).ok().flatten()?.dyn_into::<web_sys::HtmlElement>().ok()
}
