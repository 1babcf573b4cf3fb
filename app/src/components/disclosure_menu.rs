//! A `<details>` that, once the page's code runs, closes the way a menu does: when the route
//! changes or one of its links is chosen, on Escape (focus back on its button), on a click or
//! tap outside it, and when focus moves to something outside it. Without JavaScript it stays a
//! plain disclosure: it opens and closes on its button, and its links are ordinary links.

use leptos::{html, prelude::*};
use leptos_router::hooks::use_location;

/// Makes `menu`, whose button is `button`, close like a menu; call it in the component that
/// renders both, so the page-wide listeners end with it.
pub fn close_like_a_menu(menu: NodeRef<html::Details>, button: NodeRef<html::Summary>) {
    let location = use_location();
    // The menu outlives the page below it: the next page must not open under it.
    Effect::watch(move || location.pathname.get(), move |_, _, _| close(menu), false);
    #[cfg(feature = "hydrate")]
    page_listeners(menu, button);
    #[cfg(not(feature = "hydrate"))]
    let _ = button;
}

/// For the menu's panel: choosing a link closes the menu, even one to the page already open.
pub fn close_on_link(menu: NodeRef<html::Details>) -> impl Fn(leptos::ev::MouseEvent) + 'static {
    move |ev| {
        #[cfg(feature = "hydrate")]
        if event_node(&ev).and_then(|node| closest_link(&node)).is_some() {
            close(menu);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, menu);
    }
}

fn close(menu: NodeRef<html::Details>) {
    if let Some(menu) = menu.get_untracked() {
        menu.set_open(false);
    }
}

#[cfg(feature = "hydrate")]
fn page_listeners(menu: NodeRef<html::Details>, button: NodeRef<html::Summary>) {
    use leptos::ev;

    let is_open = move || menu.get_untracked().is_some_and(|menu| menu.open());
    let inside = move |node: Option<web_sys::Node>| {
        menu.get_untracked().zip(node).is_some_and(|(menu, node)| menu.contains(Some(&node)))
    };
    let escape = window_event_listener(ev::keydown, move |ev| {
        if ev.key() == "Escape" && is_open() {
            close(menu);
            if let Some(button) = button.get_untracked() {
                let _ = button.focus();
            }
        }
    });
    let click = window_event_listener(ev::click, move |ev| {
        if is_open() && !inside(event_node(&ev)) {
            close(menu);
        }
    });
    // Tab past the last item, or a click on a control elsewhere (focus going nowhere, as when
    // Safari clicks a link, is left to the click above).
    let focus = window_event_listener(ev::focusin, move |ev| {
        if is_open() && !inside(event_node(&ev)) {
            close(menu);
        }
    });
    on_cleanup(move || {
        escape.remove();
        click.remove();
        focus.remove();
    });
}

#[cfg(feature = "hydrate")]
fn event_node(ev: &web_sys::Event) -> Option<web_sys::Node> {
    use leptos::wasm_bindgen::JsCast as _;
    ev.target()?.dyn_into::<web_sys::Node>().ok()
}

#[cfg(feature = "hydrate")]
fn closest_link(node: &web_sys::Node) -> Option<web_sys::Element> {
    use leptos::wasm_bindgen::JsCast as _;
    let element = match node.dyn_ref::<web_sys::Element>() {
        Some(element) => element.clone(),
        None => node.parent_element()?,
    };
    element.closest("a[href]").ok().flatten()
}
