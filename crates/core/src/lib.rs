//! netid-core: the domain of netid.
//!
//! Validated types, localized messages, password hashing, tokens and the flows (use cases)
//! written against storage traits. No I/O, no clock and no randomness of its own: `now` and
//! an [`tokens::Entropy`] come in as arguments, so every rule is a plain unit test. Compiles
//! natively and to `wasm32-unknown-unknown` (the Worker and the npm package).

pub mod config;
pub mod error;
pub mod flows;
pub mod hashing;
pub mod lang;
pub mod mail;
mod messages;
pub mod model;
pub mod social;
pub mod sql;
pub mod store;
pub mod time;
pub mod tokens;
pub mod totp;
pub mod useragent;
pub mod validate;
pub mod webauthn;

pub use error::{Code, Error, Result};
pub use lang::Lang;
