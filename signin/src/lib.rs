//! The captcha as the browser sees it, shared by the app's pages and the login page's own
//! module: solving the proof of work in slices ([`solve`]) and what the captcha says while it
//! does ([`status`]).
//!
//! With the `page` feature this crate is also the login page's WASM module ([`page`]): the
//! login page is the server's HTML form, sent as a plain form post, and this module (~67 KB brotli) only
//! solves its captcha and holds the form until the answer is in. A first visit to /login so
//! loads no Leptos app at all (the app's module is four times its size); every other page
//! hydrates the app as before.

pub mod carried_email;
pub mod solve;
pub mod status;

#[cfg(feature = "page")]
mod page;
