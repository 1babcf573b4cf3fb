//! Where keyboard focus goes when the page changes under it: a skip link's target, a page's
//! heading after a route change, a field named by the error summary, the message after a
//! success. A plain in-page link only scrolls (and the router takes over its click), and a
//! button that did its work may be gone, so these move focus themselves.

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

/// After a success: focus goes to the element with `id` (the message that says so, with
/// `tabindex="-1"`, or the next field to fill in) once it is on the page, so that a screen
/// reader reads it and the next Tab starts there, not at the top of the page or on a button
/// that has gone. Focusing scrolls it into view.
pub fn focus_when_shown(id: &'static str) {
    when_shown(id, |target| {
        let _ = target.focus();
    });
}

/// Runs `then` with the element with `id` once it is on the page: from the next frame on
/// (when what changed has been drawn), waited for frame by frame for at most
/// [`SHOWN_WAIT_FRAMES`] (a page chunk over a slow line). Never without JavaScript.
pub fn when_shown(id: &'static str, then: impl FnOnce(web_sys::HtmlElement) + 'static) {
    #[cfg(feature = "hydrate")]
    wait_for(id, Box::new(then), SHOWN_WAIT_FRAMES);
    #[cfg(not(feature = "hydrate"))]
    let _ = (id, then);
}

#[cfg(feature = "hydrate")]
fn wait_for(id: &'static str, then: Box<dyn FnOnce(web_sys::HtmlElement)>, frames_left: u32) {
    request_animation_frame(move || match element(&format!("#{id}")) {
        Some(target) => then(target),
        None if frames_left > 0 => wait_for(id, then, frames_left - 1),
        None => {}
    });
}

/// As long as for a page's heading.
#[cfg(feature = "hydrate")]
const SHOWN_WAIT_FRAMES: u32 = HEADING_WAIT_FRAMES;

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
