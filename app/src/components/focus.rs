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
/// Most pages come in a chunk of their own, fetched on first use: the heading is waited for
/// (frame by frame, for at most [`HEADING_WAIT_FRAMES`]) until the one of the page left has
/// gone.
#[component]
pub fn FocusOnNavigation() -> impl IntoView {
    let location = use_location();
    Effect::watch(
        move || location.pathname.get(),
        |_, _, _| {
            #[cfg(feature = "hydrate")]
            focus_new_heading(element("main h1"), HEADING_WAIT_FRAMES);
        },
        false,
    );
}

/// About ten seconds at 60 frames a second: a page chunk over a slow line.
#[cfg(feature = "hydrate")]
const HEADING_WAIT_FRAMES: u32 = 600;

/// Focuses the page's `<h1>` once it is there and `previous`, the heading of the page left,
/// is not; `<main>` if no heading comes.
#[cfg(feature = "hydrate")]
fn focus_new_heading(previous: Option<web_sys::HtmlElement>, frames_left: u32) {
    request_animation_frame(move || {
        let heading = element("main h1").filter(|_| previous.as_ref().is_none_or(|old| !old.is_connected()));
        if heading.is_none() && frames_left > 0 {
            return focus_new_heading(previous, frames_left - 1);
        }
        if let Some(heading) = heading.or_else(|| element("main")) {
            if !heading.has_attribute("tabindex") {
                let _ = heading.set_attribute("tabindex", "-1");
            }
            let _ = heading.focus();
        }
    });
}

#[cfg(feature = "hydrate")]
fn element(selector: &str) -> Option<web_sys::HtmlElement> {
    use wasm_bindgen::JsCast as _;
    document().query_selector(selector).ok().flatten()?.dyn_into::<web_sys::HtmlElement>().ok()
}
