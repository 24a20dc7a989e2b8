//! Marginalia's fuzz targets (docs/FUZZING.md): one function per reader of
//! untrusted input in `marginalia-core`, driven by libFuzzer on nightly
//! (`fuzz_targets/`, `cargo xtask fuzz`) and, on any toolchain, by the
//! replay of the seed and regression corpora and a bounded deterministic
//! mutation loop (`tests/replay.rs`, `src/main.rs`).

pub mod corpus;
pub mod mutate;
pub mod seeds;
pub mod targets;
