//! The package a host installs (`dist/`): `package.json` exports the module,
//! its types and the stylesheet, and the TypeScript declarations check the
//! "Embed in ten lines" page's host code (`tsc --strict`), and refuse a host
//! that uses an answer that is now a Promise as if it came at once, names
//! a format there is not, or gives `mount` the standalone page's
//! `allowedOrigins`.

mod support;

use marginalia_e2e::{dist_dir, workspace_root, Result};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// The host code of docs/EMBED.md's ten lines.
const HOST: &str = r##"
import { mount, type MarginaliaHandle } from "marginalia-widget";

const element = document.querySelector("#annotator")!;
const handle: MarginaliaHandle = await mount(element, {
  article: { id: "article-42", title: "Mali and Wagner", text: "Abdallah Diop said Mali…" },
  annotator: "jdoe",
});
handle.on("change", (record) => console.log(record.spans.length));
const { text, losses } = await handle.export("spacy");
console.log(text.length, losses.join("; "));
"##;

/// Type-checks `host` against the built package; tsc's output when it fails.
fn tsc(dir: &Path, host: &str) -> Result<std::result::Result<(), String>> {
    std::fs::create_dir_all(dir.join("node_modules"))?;
    let link = dir.join("node_modules/marginalia-widget");
    if !link.exists() {
        std::os::unix::fs::symlink(dist_dir(), &link)?;
    }
    std::fs::write(dir.join("host.ts"), host)?;
    std::fs::write(
        dir.join("tsconfig.json"),
        r#"{ "compilerOptions": { "strict": true, "noEmit": true, "target": "es2022", "module": "es2022",
             "moduleResolution": "bundler", "lib": ["es2022", "dom"] }, "files": ["host.ts"] }"#,
    )?;
    let tsc = workspace_root().join(".tools/node_modules/.bin/tsc");
    let out = Command::new(&tsc).arg("-p").arg(dir).output().map_err(|e| format!("cannot run {}: {e} (run `cargo xtask setup`)", tsc.display()))?;
    Ok(match out.status.success() {
        true => Ok(()),
        false => Err(String::from_utf8_lossy(&out.stdout).into_owned()),
    })
}

#[test]
fn the_package_exports_the_module_its_types_and_its_styles() -> Result {
    let package: Value = serde_json::from_str(&std::fs::read_to_string(dist_dir().join("package.json"))?)?;
    assert_eq!(package["type"], "module");
    for file in [&package["exports"]["."]["import"], &package["exports"]["."]["types"], &package["exports"]["./styles.css"]] {
        let file = file.as_str().ok_or("an export names no file")?;
        assert!(dist_dir().join(file).is_file(), "package.json exports {file}, which dist/ does not have");
    }
    Ok(())
}

#[test]
fn the_declarations_check_a_host_and_refuse_a_promise_used_as_a_value() -> Result {
    let dir = support::temp_dir("host-package");
    tsc(&dir, HOST)?.map_err(|e| format!("the ten-line host does not type-check:\n{e}"))?;
    let wrong = HOST.replace("const { text, losses } = await handle.export(\"spacy\");", "const { text, losses } = handle.export(\"spacy\");");
    let refused = tsc(&dir, &wrong)?.expect_err("export used without await type-checks");
    assert!(refused.contains("host.ts"), "{refused}");
    let unknown = HOST.replace("handle.export(\"spacy\")", "handle.export(\"excel\")");
    assert!(tsc(&dir, &unknown)?.is_err(), "an unknown format type-checks");
    let origins = HOST.replace("annotator: \"jdoe\",", "annotator: \"jdoe\", allowedOrigins: [\"https://cms.example\"],");
    assert_ne!(origins, HOST);
    assert!(tsc(&dir, &origins)?.is_err(), "allowedOrigins, which mount refuses, type-checks");
    Ok(())
}
