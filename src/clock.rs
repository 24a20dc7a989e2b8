//! Wall-clock time, from JavaScript (`std::time` panics on wasm32).

/// Now, as an ISO 8601 UTC timestamp.
pub fn now_iso() -> String {
    js_sys::Date::new_0().to_iso_string().into()
}
