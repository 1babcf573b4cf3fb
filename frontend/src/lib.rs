//! The browser entry points: take over the server-rendered page, and score a password for the
//! strength worker (`/strength-worker.js`, which loads this same module off the main thread).

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}

/// One strength check, JSON in and out (see `app::components::strength_check`).
#[wasm_bindgen]
pub fn assess_request(request: &str) -> Result<String, String> {
    app::components::assess_request(request)
}
