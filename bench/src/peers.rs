//! The peer widgets, installed project-locally under `.tools/bench/` when
//! missing (and skipped when present):
//!
//! - `@recogito/text-annotator@4.1.1` from npm (`npm install --prefix`);
//! - the Label Studio frontend 1.8.0: the npm package
//!   `@heartexlabs/label-studio@1.8.0` holds no build, so it comes from the
//!   `label-studio==1.8.0` wheel on PyPI (`pip download --no-deps`), of
//!   which only `label_studio/frontend/dist/lsf/**` is unpacked.

use crate::{err, Result};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const RECOGITO_VERSION: &str = "4.1.1";
pub const LABEL_STUDIO_VERSION: &str = "1.8.0";

pub struct Peers {
    /// `…/@recogito/text-annotator/dist`
    pub recogito_dist: PathBuf,
    /// `…/lsf` (holds `js/main.js`, `css/main.css`)
    pub lsf: PathBuf,
}

pub fn tools_dir(root: &Path) -> PathBuf {
    root.join(".tools/bench")
}

pub fn ensure(root: &Path) -> Result<Peers> {
    let tools = tools_dir(root);
    fs::create_dir_all(&tools)?;
    let recogito_dist = tools.join("node_modules/@recogito/text-annotator/dist");
    let installed = fs::read_to_string(tools.join("node_modules/@recogito/text-annotator/package.json"))
        .map(|p| p.contains(&format!("\"version\": \"{RECOGITO_VERSION}\"")))
        .unwrap_or(false);
    if installed && recogito_dist.join("text-annotator.umd.js").is_file() {
        eprintln!("  peers: @recogito/text-annotator {RECOGITO_VERSION} present");
    } else {
        eprintln!(
            "  peers: npm install @recogito/text-annotator@{RECOGITO_VERSION} into {}",
            tools.display()
        );
        run(Command::new("npm")
            .arg("install")
            .arg("--prefix")
            .arg(&tools)
            .arg("--no-audit")
            .arg("--no-fund")
            .arg(format!("@recogito/text-annotator@{RECOGITO_VERSION}")))?;
        if !recogito_dist.join("text-annotator.umd.js").is_file() {
            return Err(err(format!(
                "npm did not install {}",
                recogito_dist.join("text-annotator.umd.js").display()
            )));
        }
    }

    let lsf = tools.join("lsf");
    let version_ok = fs::read_to_string(lsf.join("version.json")).is_ok();
    if version_ok && lsf.join("js/main.js").is_file() && lsf.join("css/main.css").is_file() {
        eprintln!("  peers: Label Studio frontend {LABEL_STUDIO_VERSION} present");
    } else {
        let wheels = tools.join("wheels");
        let wheel = wheels.join(format!("label_studio-{LABEL_STUDIO_VERSION}-py3-none-any.whl"));
        if !wheel.is_file() {
            eprintln!("  peers: pip download --no-deps label-studio=={LABEL_STUDIO_VERSION}");
            let pip = if which("pip3") { "pip3" } else { "pip" };
            run(Command::new(pip)
                .args(["download", "--no-deps", "--disable-pip-version-check"])
                .arg(format!("label-studio=={LABEL_STUDIO_VERSION}"))
                .arg("-d")
                .arg(&wheels))?;
        }
        if !wheel.is_file() {
            return Err(err(format!("pip did not download {}", wheel.display())));
        }
        let unpack = tools.join("lsf-unpack");
        let _ = fs::remove_dir_all(&unpack);
        fs::create_dir_all(&unpack)?;
        eprintln!("  peers: unpacking label_studio/frontend/dist/lsf/ from the wheel");
        let unzip_ok = which("unzip")
            && Command::new("unzip")
                .arg("-q")
                .arg("-o")
                .arg(&wheel)
                .arg("label_studio/frontend/dist/lsf/*")
                .arg("-d")
                .arg(&unpack)
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
        if !unzip_ok {
            // Python's zipfile, when there is no `unzip`.
            run(Command::new("python3").arg("-c").arg(
                "import sys, zipfile\n\
                 z = zipfile.ZipFile(sys.argv[1])\n\
                 z.extractall(sys.argv[2], [n for n in z.namelist() if n.startswith('label_studio/frontend/dist/lsf/')])",
            )
            .arg(&wheel)
            .arg(&unpack))?;
        }
        let _ = fs::remove_dir_all(&lsf);
        fs::rename(unpack.join("label_studio/frontend/dist/lsf"), &lsf)?;
        let _ = fs::remove_dir_all(&unpack);
        if !lsf.join("js/main.js").is_file() {
            return Err(err(format!("the wheel held no {}", lsf.join("js/main.js").display())));
        }
    }
    Ok(Peers { recogito_dist, lsf })
}

fn which(program: &str) -> bool {
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
        .unwrap_or(false)
}

fn run(cmd: &mut Command) -> Result {
    let status = cmd.status().map_err(|e| err(format!("cannot run {cmd:?}: {e}")))?;
    if status.success() {
        Ok(())
    } else {
        Err(err(format!("{cmd:?} failed ({status})")))
    }
}
