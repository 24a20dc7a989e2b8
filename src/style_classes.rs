//! Styles computed at run time (a run's stacked underlines, a label's
//! swatch) as classes of one constructed stylesheet instead of `style`
//! attributes: a strict Content-Security-Policy (no `'unsafe-inline'`)
//! blocks style attributes, not the CSS object model. Each distinct
//! declaration block gets one class, `mg-st-<n>`, for the page's lifetime;
//! there are few of them (label colours × stacking depth).

use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::JsValue;
use web_sys::CssStyleSheet;

struct Sheet {
    sheet: CssStyleSheet,
    classes: HashMap<String, String>,
}

thread_local! {
    static SHEET: RefCell<Option<Sheet>> = const { RefCell::new(None) };
}

/// Adds `sheet` to the document's adopted stylesheets (kept with the ones
/// already there).
fn adopt(sheet: &CssStyleSheet) -> Option<()> {
    let document = web_sys::window()?.document()?;
    let key = JsValue::from_str("adoptedStyleSheets");
    let current: js_sys::Array = js_sys::Reflect::get(&document, &key).ok()?.into();
    let sheets = current.slice(0, current.length());
    sheets.push(sheet);
    js_sys::Reflect::set(&document, &key, &sheets).ok()?;
    Some(())
}

/// The class that applies `declarations` (e.g. `"background-color:#e11d48"`).
pub fn class_for(declarations: &str) -> String {
    SHEET.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.is_none() {
            let sheet = CssStyleSheet::new().expect("constructable stylesheets (every browser since 2023)");
            adopt(&sheet);
            *cell = Some(Sheet { sheet, classes: HashMap::new() });
        }
        let sheet = cell.as_mut().expect("created above");
        if let Some(class) = sheet.classes.get(declarations) {
            return class.clone();
        }
        let class = format!("mg-st-{}", sheet.classes.len());
        let rule = format!(".{class}{{{declarations}}}");
        let _ = sheet.sheet.insert_rule_with_index(&rule, sheet.sheet.css_rules().map(|r| r.length()).unwrap_or(0));
        sheet.classes.insert(declarations.to_string(), class.clone());
        class
    })
}
