//! `cargo xtask setup`: installs every tool the project needs, each step
//! skipped when the tool is already there at the right version, so that it is
//! cheap to run before every build and on a fresh machine it brings everything.
//!
//! | part | what | check that skips it |
//! |---|---|---|
//! | toolchain | `rustup target add wasm32-unknown-unknown` | `rustup target list --installed` |
//! | toolchain | `cargo install --locked trunk --version 0.21.14` | `trunk --version` |
//! | toolchain | `cargo install wasm-bindgen-cli --version X` (X from `Cargo.lock`, no `--locked`) | `wasm-bindgen --version` |
//! | toolchain | `cargo install --locked wasm_split_cli_support --version 0.2.4 --features build-binary` (the wasm splitter, `wasm-split-cli`) | `cargo install --list` |
//! | toolchain | npm `binaryen@132.0.0` (wasm-opt, and wasm-dis for the check of the parts), `axe-core@4.14.1`, `typescript@5.9.3` (checks the host package's types), `terser@5.51.4` (minifies the code's scripts) into `.tools/` | their `package.json` versions |
//! | browser | Debian `chromium`, `chromium-driver` (apt, as root) | `/usr/bin/chromium`, `/usr/bin/chromedriver` |
//! | database | Debian `postgresql` (apt, as root), for the team server's tests | `/usr/lib/postgresql/*/bin/initdb` |
//! | python | `.venv` with `tests/interop/requirements.txt` | a stamp file holding the installed requirements |

use crate::{cargo_bin_dir, output, root, run, step, tool_cmd, Result};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
pub const TRUNK_VERSION: &str = "0.21.14";
/// The splitter that cuts the release wasm at `src/on_demand/`'s split points;
/// its runtime half is the `wasm_split_helpers` crate in Cargo.lock.
pub const WASM_SPLIT_VERSION: &str = "0.2.4";
pub const NPM_TOOLS: &[(&str, &str)] = &[("binaryen", "132.0.0"), ("axe-core", "4.14.1"), ("typescript", "5.9.3"), ("terser", "5.51.4")];
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const REQUIREMENTS: &str = "tests/interop/requirements.txt";
const STAMP: &str = ".venv/.marginalia-requirements";

#[derive(Clone, Copy, Debug)]
pub struct Parts {
    /// Rust target, Trunk, wasm-bindgen CLI, npm tools: what `build` needs.
    pub toolchain: bool,
    /// Chromium and ChromeDriver: what the browser tests need.
    pub browser: bool,
    /// The Python venv for the interop tests.
    pub python: bool,
    /// PostgreSQL's server, for the team server's tests.
    pub postgres: bool,
}

impl Parts {
    pub const ALL: Parts = Parts {
        toolchain: true,
        browser: true,
        python: true,
        postgres: true,
    };
    pub const TOOLCHAIN: Parts = Parts {
        toolchain: true,
        browser: false,
        python: false,
        postgres: false,
    };
}

pub fn setup(parts: Parts) -> Result {
    if parts.toolchain {
        wasm_target()?;
        trunk()?;
        wasm_bindgen()?;
        wasm_split()?;
        npm_tools()?;
    }
    if parts.browser {
        browser()?;
    }
    if parts.postgres {
        postgres()?;
    }
    if parts.python {
        python()?;
    }
    Ok(())
}

fn wasm_target() -> Result {
    step(&format!("rust target {WASM_TARGET}"));
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"]))
        .map_err(|e| format!("cannot run rustup (is it installed?): {e}"))?;
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        println!("    already installed");
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

fn trunk() -> Result {
    step(&format!("trunk {TRUNK_VERSION}"));
    let have = output(tool_cmd("trunk").arg("--version")).unwrap_or_default();
    if have.split_whitespace().nth(1) == Some(TRUNK_VERSION) {
        println!("    already installed ({})", have.trim());
        return Ok(());
    }
    if !have.is_empty() {
        println!("    found {}, want {TRUNK_VERSION}", have.trim());
    }
    println!("    building from crates.io (about 12 minutes on 2 cores)");
    run(Command::new("cargo").args(["install", "--locked", "trunk", "--version", TRUNK_VERSION]))
}

/// The `wasm-bindgen` crate version in `Cargo.lock`, which the CLI must equal.
pub fn locked_wasm_bindgen_version() -> Result<String> {
    let lock_path = root().join("Cargo.lock");
    if !lock_path.exists() {
        // `cargo metadata` resolves the workspace and writes Cargo.lock.
        run(Command::new("cargo")
            .args(["metadata", "--format-version", "1", "--quiet"])
            .current_dir(root())
            .stdout(std::process::Stdio::null()))?;
    }
    let lock = fs::read_to_string(&lock_path)
        .map_err(|e| format!("cannot read {}: {e}", lock_path.display()))?;
    lock_package_version(&lock, "wasm-bindgen")
        .ok_or_else(|| "Cargo.lock has no `wasm-bindgen` package".to_string())
}

/// Finds `version` of the `[[package]]` named `name` in a Cargo.lock text.
pub fn lock_package_version(lock: &str, name: &str) -> Option<String> {
    let want = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == want {
            let v = lines.next()?.trim();
            return v
                .strip_prefix("version = \"")
                .and_then(|v| v.strip_suffix('"'))
                .map(str::to_string);
        }
    }
    None
}

fn wasm_bindgen() -> Result {
    let want = locked_wasm_bindgen_version()?;
    step(&format!(
        "wasm-bindgen CLI {want} (= the wasm-bindgen crate in Cargo.lock)"
    ));
    let have = output(tool_cmd("wasm-bindgen").arg("--version")).unwrap_or_default();
    if have.split_whitespace().nth(1) == Some(want.as_str()) {
        println!("    already installed ({})", have.trim());
        return Ok(());
    }
    if !have.is_empty() {
        println!("    found {}, want {want}", have.trim());
    }
    println!("    building from crates.io (about 5 minutes on 2 cores)");
    // No --locked: the CLI's own lock file names a crate version crates.io
    // no longer serves.
    run(Command::new("cargo").args(["install", "--force", "wasm-bindgen-cli", "--version", &want]))
}

fn wasm_split() -> Result {
    step(&format!("wasm-split-cli {WASM_SPLIT_VERSION}"));
    let installed = output(Command::new("cargo").args(["install", "--list"])).unwrap_or_default();
    let want = format!("wasm_split_cli_support v{WASM_SPLIT_VERSION}:");
    if installed.lines().any(|l| l.trim() == want) && cargo_bin_dir().join("wasm-split-cli").is_file() {
        println!("    already installed");
        return Ok(());
    }
    println!("    building from crates.io (about 1 minute on 2 cores)");
    run(Command::new("cargo").args(["install", "--locked", "--force", "wasm_split_cli_support"])
        .args(["--version", WASM_SPLIT_VERSION, "--features", "build-binary"]))
}

pub fn tools_dir() -> PathBuf {
    root().join(".tools")
}

/// `version` from `.tools/node_modules/<pkg>/package.json`, if installed.
fn npm_installed_version(pkg: &str) -> Option<String> {
    let text = fs::read_to_string(
        tools_dir()
            .join("node_modules")
            .join(pkg)
            .join("package.json"),
    )
    .ok()?;
    // Top-level `"version": "x.y.z"` — the first one in the file.
    let at = text.find("\"version\"")?;
    let rest = &text[at + "\"version\"".len()..];
    let rest = rest
        .trim_start()
        .strip_prefix(':')?
        .trim_start()
        .strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_string())
}

fn npm_tools() -> Result {
    let names: Vec<String> = NPM_TOOLS.iter().map(|(p, v)| format!("{p}@{v}")).collect();
    step(&format!("npm tools into .tools/: {}", names.join(" ")));
    let missing: Vec<&(&str, &str)> = NPM_TOOLS
        .iter()
        .filter(|(p, v)| npm_installed_version(p).as_deref() != Some(*v))
        .collect();
    if missing.is_empty() {
        println!("    already installed");
        return Ok(());
    }
    // `.tools/` is gitignored as a whole, so its package.json is written here.
    let deps: Vec<String> = NPM_TOOLS
        .iter()
        .map(|(p, v)| format!("    \"{p}\": \"{v}\""))
        .collect();
    let package_json = format!(
        "{{\n  \"name\": \"marginalia-tools\",\n  \"private\": true,\n  \"description\": \
         \"Written by cargo xtask setup\",\n  \"dependencies\": {{\n{}\n  }}\n}}\n",
        deps.join(",\n")
    );
    fs::create_dir_all(tools_dir()).map_err(|e| format!("cannot create .tools: {e}"))?;
    fs::write(tools_dir().join("package.json"), package_json)
        .map_err(|e| format!("cannot write .tools/package.json: {e}"))?;
    run(Command::new("npm")
        .args(["install", "--prefix"])
        .arg(tools_dir())
        .args(["--no-audit", "--no-fund", "--loglevel=error"]))?;
    for (p, v) in NPM_TOOLS {
        let got = npm_installed_version(p);
        if got.as_deref() != Some(*v) {
            return Err(format!("npm installed {p} {got:?}, want {v}"));
        }
    }
    Ok(())
}

fn is_root() -> bool {
    output(Command::new("id").arg("-u"))
        .map(|s| s.trim() == "0")
        .unwrap_or(false)
}

fn browser() -> Result {
    step("chromium + chromedriver (Debian packages)");
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|p| !Path::new(p).exists())
        .collect();
    if missing.is_empty() {
        println!("    already installed");
        return Ok(());
    }
    if !is_root() {
        return Err(format!(
            "{} missing and not running as root: run `sudo apt-get install -y chromium \
             chromium-driver fonts-liberation` and try again",
            missing.join(" and ")
        ));
    }
    run(Command::new("apt-get").arg("update"))?;
    run(Command::new("apt-get")
        .args([
            "install",
            "-y",
            "chromium",
            "chromium-driver",
            "fonts-liberation",
        ])
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

fn postgres() -> Result {
    step("postgresql (Debian package; the team server's tests start their own cluster)");
    if crate::postgres::server_bin_dir().is_some() {
        println!("    already installed");
        return Ok(());
    }
    if !is_root() {
        return Err("PostgreSQL's server is missing and not running as root: run `sudo apt-get install -y postgresql` \
             (or set DATABASE_URL to a PostgreSQL database the tests may create databases from) and try again"
            .into());
    }
    run(Command::new("apt-get").arg("update"))?;
    run(Command::new("apt-get").args(["install", "-y", "postgresql"]).env("DEBIAN_FRONTEND", "noninteractive"))
}

fn python() -> Result {
    step(&format!("python venv .venv with {REQUIREMENTS}"));
    let venv_python = root().join(".venv/bin/python");
    if !venv_python.exists() {
        run(Command::new("python3")
            .args(["-m", "venv"])
            .arg(root().join(".venv")))?;
    }
    let requirements = fs::read_to_string(root().join(REQUIREMENTS))
        .map_err(|e| format!("cannot read {REQUIREMENTS}: {e}"))?;
    let stamp = root().join(STAMP);
    if fs::read_to_string(&stamp).ok().as_deref() == Some(requirements.as_str()) {
        println!("    requirements unchanged since the last install (stamp {STAMP})");
        return Ok(());
    }
    run(Command::new(&venv_python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
        ])
        .arg(root().join(REQUIREMENTS)))?;
    fs::write(&stamp, requirements).map_err(|e| format!("cannot write {STAMP}: {e}"))
}

/// Paths that child processes find first: the npm tools' `.bin` (wasm-opt)
/// and cargo's bin directory (trunk, wasm-bindgen).
pub fn extra_path() -> Vec<PathBuf> {
    vec![tools_dir().join("node_modules/.bin"), cargo_bin_dir()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_versions_from_a_lock_file() {
        let lock = "[[package]]\nname = \"wasm-bindgen-futures\"\nversion = \"0.4.80\"\n\n\
                    [[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\nsource = \"x\"\n";
        assert_eq!(
            lock_package_version(lock, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(
            lock_package_version(lock, "wasm-bindgen-futures").as_deref(),
            Some("0.4.80")
        );
        assert_eq!(lock_package_version(lock, "yew"), None);
    }
}
