//! The stable half of fuzzing, in `cargo test`: every target runs on its
//! seeds and on every input of `regressions/<target>/` (each once crashed
//! it) without a panic, so a fixed crash stays fixed on any toolchain.

use marginalia_fuzz::{corpus, seeds, targets::TARGETS};

fn failures(target: fn(&[u8]), inputs: impl IntoIterator<Item = (String, Vec<u8>)>) -> Vec<String> {
    inputs.into_iter().filter_map(|(name, data)| corpus::run(target, &data).err().map(|m| format!("{name}: {m}"))).collect()
}

#[test]
fn every_target_passes_its_seeds() {
    assert!(seeds::every_target_has_seeds());
    let mut failed = Vec::new();
    for (name, target) in TARGETS {
        let inputs = seeds::seeds(name).into_iter().enumerate().map(|(i, s)| (format!("{name} seed {i}"), s));
        failed.extend(failures(*target, inputs));
    }
    assert!(failed.is_empty(), "seeds that fail:\n{}", failed.join("\n"));
}

#[test]
fn every_regression_input_passes() {
    let dir = corpus::root().join("regressions");
    let mut failed = Vec::new();
    for (name, target) in TARGETS {
        let inputs = corpus::inputs(&dir, name).into_iter().map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()));
        failed.extend(failures(*target, inputs));
    }
    assert!(failed.is_empty(), "regression inputs that crash again:\n{}", failed.join("\n"));
}

#[test]
fn corpus_directories_are_named_for_targets() {
    for dir in ["regressions", "pending"] {
        let Ok(entries) = std::fs::read_dir(corpus::root().join(dir)) else { continue };
        for entry in entries.filter_map(Result::ok).filter(|e| e.path().is_dir()) {
            let name = entry.file_name().to_string_lossy().into_owned();
            assert!(TARGETS.iter().any(|(n, _)| *n == name), "{dir}/{name} is not a target's directory");
        }
    }
}
