//! Re-anchoring (work in progress).
mod approx;
mod position_map;
