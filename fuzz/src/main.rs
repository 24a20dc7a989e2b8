//! `marginalia-fuzz`, the stable side of fuzzing (any toolchain):
//!
//! ```text
//! marginalia-fuzz seeds DIR                       write every target's seeds to DIR/<target>/
//! marginalia-fuzz mutate [--iterations N] [T…]    the deterministic mutation loop (default 3000 per target)
//! marginalia-fuzz replay TARGET FILE…             run files through a target, reporting each panic
//! ```
//!
//! `cargo xtask fuzz` calls `seeds` before libFuzzer runs, and `mutate`
//! when there is no nightly toolchain. A crash of `mutate` is written to
//! `fuzz/target/stable-crashes/<target>/` and the exit code is 1.

use marginalia_fuzz::{corpus, mutate, seeds, targets};
use std::fs;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: marginalia-fuzz seeds DIR | mutate [--iterations N] [TARGET…] | replay TARGET FILE…";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("seeds") if args.len() == 2 => write_seeds(&PathBuf::from(&args[1])),
        Some("mutate") => mutate_all(&args[1..]),
        Some("replay") if args.len() >= 3 => replay(&args[1], &args[2..]),
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("marginalia-fuzz: {e}");
            ExitCode::FAILURE
        }
    }
}

fn write_seeds(dir: &std::path::Path) -> Result<(), String> {
    for (name, _) in targets::TARGETS {
        let to = dir.join(name);
        fs::create_dir_all(&to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
        for seed in seeds::seeds(name) {
            let file = to.join(format!("seed-{}", corpus::name_of(&seed)));
            fs::write(&file, &seed).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
        }
    }
    Ok(())
}

fn target(name: &str) -> Result<fn(&[u8]), String> {
    targets::by_name(name).ok_or_else(|| {
        let names: Vec<&str> = targets::TARGETS.iter().map(|(n, _)| *n).collect();
        format!("no target `{name}` (targets: {})", names.join(", "))
    })
}

fn mutate_all(args: &[String]) -> Result<(), String> {
    let mut iterations = 3000;
    let mut names = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--iterations" {
            let v = it.next().ok_or("--iterations needs a number")?;
            iterations = v.parse().map_err(|_| format!("bad --iterations `{v}`"))?;
        } else {
            names.push(a.clone());
        }
    }
    if names.is_empty() {
        names = targets::TARGETS.iter().map(|(n, _)| n.to_string()).collect();
    }
    // Panics are reported with their input below; the default hook would
    // print each one's message and backtrace as well.
    std::panic::set_hook(Box::new(|_| {}));
    let out = corpus::root().join("target/stable-crashes");
    let mut failed = 0;
    for name in &names {
        let f = target(name)?;
        let started = std::time::Instant::now();
        let crashes = mutate::run(f, &seeds::seeds(name), iterations, 0x5eed);
        println!("    {name}: {iterations} mutated inputs in {:.1}s, {} crash(es)", started.elapsed().as_secs_f64(), crashes.len());
        for c in crashes {
            let dir = out.join(name);
            fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            let file = dir.join(format!("crash-{}", corpus::name_of(&c.input)));
            fs::write(&file, &c.input).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
            println!("      iteration {}: {}\n      input: {}", c.iteration, c.message.lines().next().unwrap_or_default(), file.display());
            failed += 1;
        }
    }
    match failed {
        0 => Ok(()),
        n => Err(format!("{n} crash(es); replay one with `marginalia-fuzz replay TARGET FILE`")),
    }
}

fn replay(name: &str, files: &[String]) -> Result<(), String> {
    let f = target(name)?;
    let mut failed = 0;
    for file in files {
        let data = fs::read(file).map_err(|e| format!("cannot read {file}: {e}"))?;
        match corpus::run(f, &data) {
            Ok(()) => println!("{file}: ok"),
            Err(m) => {
                println!("{file}: PANIC: {m}");
                failed += 1;
            }
        }
    }
    if failed == 0 { Ok(()) } else { Err(format!("{failed} of {} input(s) panicked", files.len())) }
}
