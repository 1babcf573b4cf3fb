//! The browser entry point: take over the server-rendered page. (The password checks run in
//! the strength worker, a WASM module of its own: the `strength` crate.)

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazy: a page other than /login first fetches its own WASM chunk (`app::pages::lazy`).
    leptos::mount::hydrate_lazy(app::App);
}
