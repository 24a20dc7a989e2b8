//! Keyboard shortcuts: a key press (and where it happened) to an action.
//!
//! | keys | action |
//! |---|---|
//! | a label's hotkey (`1`…`8`) | label the selection, or relabel the selected span |
//! | Ctrl/Cmd+Z | undo (also on a select or checkbox, which have no undo of their own) |
//! | Ctrl/Cmd+Shift+Z, Ctrl+Y | redo |
//! | Delete, Backspace | delete the selected span |
//! | ←/→ (in the article) | move the caret a token, as the text is drawn (→ goes back in Arabic or Hebrew); with Shift, extend |
//! | ↑/↓, Home/End (in the article) | previous/next paragraph, line start/end |
//! | Escape | close the chooser, then clear the selection |
//! | J / K | select the next / previous annotation shown (unless a label has that key) |
//! | A (Shift+A: ignoring case) | suggest the selected span's label on every other occurrence of its text |
//! | Enter / X (on a suggestion's tag) | accept / reject it |
//! | ? | open / close the guidelines (labels, links, keys) |

use crate::state::Action;
use marginalia_core::caret::Motion;
use marginalia_core::label_schema::LabelSchema;

/// What a key event carries that the mapping needs.
pub struct KeyPress<'a> {
    pub key: &'a str,
    pub ctrl: bool,
    pub meta: bool,
    pub shift: bool,
    pub alt: bool,
    /// Focus is in a text field, where keys type rather than command.
    pub in_text_field: bool,
    /// Focus is on a choice control (a select, a checkbox): its keys
    /// (letters, arrows, Space) choose, but it has no undo of its own, so
    /// Ctrl+Z there undoes the change just chosen.
    pub in_choice_field: bool,
    /// Focus is in the article (arrow keys move the caret only there, so
    /// they still scroll the page elsewhere).
    pub in_article: bool,
}

pub fn action_for(k: &KeyPress, schema: &LabelSchema) -> Option<Action> {
    if k.key == "Escape" {
        return Some(Action::Escape);
    }
    if k.in_text_field {
        return None;
    }
    let command = k.ctrl || k.meta;
    if command && !k.alt {
        return match (k.key.to_ascii_lowercase().as_str(), k.shift) {
            ("z", false) => Some(Action::Undo),
            ("z", true) | ("y", false) => Some(Action::Redo),
            _ => None,
        };
    }
    if k.alt || command || k.in_choice_field {
        return None;
    }
    match k.key {
        "Delete" | "Backspace" => return Some(Action::DeleteSelected),
        _ => {}
    }
    if k.in_article {
        let motion = match k.key {
            // Visual: in a right-to-left paragraph → goes back (caret.rs).
            "ArrowRight" => Some(Motion::Right),
            "ArrowLeft" => Some(Motion::Left),
            "ArrowDown" => Some(Motion::NextParagraph),
            "ArrowUp" => Some(Motion::PrevParagraph),
            "Home" => Some(Motion::LineStart),
            "End" => Some(Motion::LineEnd),
            _ => None,
        };
        if let Some(motion) = motion {
            return Some(Action::MoveCaret { motion, extend: k.shift });
        }
    }
    if k.key.chars().count() == 1 {
        if let Some(l) = schema.label_for_hotkey(k.key) {
            return Some(Action::ApplyLabel(l.name.clone()));
        }
        // J / K walk the annotations, A suggests the selected span's label
        // everywhere, ? opens the guidelines — unless the schema gave those
        // keys to labels.
        return match k.key {
            "j" | "J" => Some(Action::SelectAdjacent { forward: true }),
            "k" | "K" => Some(Action::SelectAdjacent { forward: false }),
            "a" => Some(Action::LabelAllOccurrences { ignore_case: false }),
            "A" => Some(Action::LabelAllOccurrences { ignore_case: true }),
            "?" => Some(Action::ToggleGuidelines),
            _ => None,
        };
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(key: &str) -> KeyPress<'_> {
        KeyPress {
            key,
            ctrl: false,
            meta: false,
            shift: false,
            alt: false,
            in_text_field: false,
            in_choice_field: false,
            in_article: false,
        }
    }

    fn name(a: Option<Action>) -> String {
        match a {
            None => "none".into(),
            Some(Action::Undo) => "undo".into(),
            Some(Action::Redo) => "redo".into(),
            Some(Action::Escape) => "escape".into(),
            Some(Action::DeleteSelected) => "delete".into(),
            Some(Action::ApplyLabel(l)) => format!("label {l}"),
            Some(Action::MoveCaret { motion, extend }) => format!("caret {motion:?} {extend}"),
            Some(Action::SelectAdjacent { forward }) => format!("adjacent {forward}"),
            Some(Action::LabelAllOccurrences { ignore_case }) => format!("all {ignore_case}"),
            Some(_) => "other".into(),
        }
    }

    #[test]
    fn maps_the_documented_keys() {
        let schema = LabelSchema::news_default();
        let map = |k: KeyPress| name(action_for(&k, &schema));
        assert_eq!(map(press("1")), "label PERSON");
        assert_eq!(map(KeyPress { ctrl: true, ..press("z") }), "undo");
        assert_eq!(map(KeyPress { meta: true, ..press("Z") }), "undo");
        assert_eq!(map(KeyPress { ctrl: true, shift: true, ..press("Z") }), "redo");
        assert_eq!(map(KeyPress { ctrl: true, ..press("y") }), "redo");
        assert_eq!(map(press("Delete")), "delete");
        assert_eq!(map(press("Backspace")), "delete");
        assert_eq!(map(press("Escape")), "escape");
        assert_eq!(map(press("j")), "adjacent true");
        assert_eq!(map(press("K")), "adjacent false");
        assert_eq!(map(press("a")), "all false");
        assert_eq!(map(press("A")), "all true");
        assert_eq!(map(KeyPress { in_article: true, shift: true, ..press("ArrowRight") }), "caret Right true");
        assert_eq!(map(press("ArrowRight")), "none", "arrows scroll the page outside the article");
    }

    #[test]
    fn text_and_choice_fields_keep_their_keys() {
        let schema = LabelSchema::news_default();
        let map = |k: KeyPress| name(action_for(&k, &schema));
        assert_eq!(map(KeyPress { in_text_field: true, ..press("1") }), "none");
        assert_eq!(map(KeyPress { in_text_field: true, ctrl: true, ..press("z") }), "none");
        assert_eq!(map(KeyPress { in_text_field: true, ..press("Escape") }), "escape");
        assert_eq!(map(KeyPress { in_choice_field: true, ..press("1") }), "none");
        assert_eq!(map(KeyPress { in_choice_field: true, ..press("Delete") }), "none");
        assert_eq!(map(KeyPress { in_choice_field: true, ctrl: true, ..press("z") }), "undo");
        assert_eq!(map(KeyPress { alt: true, ..press("1") }), "none");
    }
}
