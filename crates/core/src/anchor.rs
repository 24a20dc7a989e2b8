//! Re-anchoring (work in progress).
mod approx;
