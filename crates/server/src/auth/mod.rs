//! Who a request comes from, and how people get in: passwords, sessions
//! with their cookies, API tokens.

pub mod caller;
pub mod cookies;
pub mod passwords;

pub use caller::{Caller, MaybeCaller};
