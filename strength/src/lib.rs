//! Password strength for Account Portal: the rules a new password must meet and the report on
//! one ([`policy`]), the passwords of the "Generate" button ([`generator`]), and what the page
//! and the strength worker say to each other ([`worker`]).
//!
//! One implementation for both sides. The server links it with the `assess` feature. In the
//! browser it runs in a Web Worker, as a WASM module of its own (the `worker` feature): zxcvbn
//! and its dictionaries are most of its size, so the pages without a password form never load
//! them, and the pages with one never run them on the main thread. (The page's own module has
//! the rules without the dictionaries, for its first answer to a keystroke.) zxcvbn is the
//! published 3.1.1 without its regex engine, vendored in `zxcvbn/` (see its README).

pub mod generator;
pub mod policy;
pub mod worker;
