//! The DOM selection ↔ code-point mapping, in one place.
//!
//! The article renders as runs `span.mg-run[data-s][data-e]` (code points)
//! that each hold one text node; label tags and other chrome sit between
//! runs and are not text. A DOM position is (node, offset) where the offset
//! counts UTF-16 units in a text node or children in an element; this module
//! turns either into a code point of the article.

use marginalia_core::text_index::TextIndex;
use wasm_bindgen::JsCast;
use web_sys::{Element, Node};

const RUN: &str = ".mg-run";

/// The (anchor, focus) code points of the window's selection when both ends
/// lie inside `root`; `None` for a collapsed selection or one elsewhere.
pub fn selection_in(root: &Element, index: &TextIndex) -> Option<(usize, usize)> {
    let selection = web_sys::window()?.get_selection().ok()??;
    if selection.is_collapsed() || selection.range_count() == 0 {
        return None;
    }
    let anchor = selection.anchor_node()?;
    let focus = selection.focus_node()?;
    if !root.contains(Some(&anchor)) || !root.contains(Some(&focus)) {
        return None;
    }
    let a = point_to_cp(&anchor, selection.anchor_offset(), index)?;
    let f = point_to_cp(&focus, selection.focus_offset(), index)?;
    (a != f).then_some((a, f))
}

/// The code point under the viewport point (`x`, `y`) when it is in the
/// article's text.
pub fn cp_at_point(root: &Element, x: i32, y: i32, index: &TextIndex) -> Option<usize> {
    let position = web_sys::window()?.document()?.caret_position_from_point(x as f32, y as f32)?;
    let node = position.offset_node()?;
    if !root.contains(Some(&node)) {
        return None;
    }
    point_to_cp(&node, position.offset(), index)
}

/// Clears the native selection (the app draws its own).
pub fn clear_selection() {
    if let Some(Ok(Some(sel))) = web_sys::window().map(|w| w.get_selection()) {
        let _ = sel.remove_all_ranges();
    }
}

/// The code point at a DOM position.
pub fn point_to_cp(node: &Node, offset: u32, index: &TextIndex) -> Option<usize> {
    if node.node_type() == Node::TEXT_NODE {
        let parent = node.parent_element()?;
        if let Some(run) = parent.closest(RUN).ok().flatten() {
            let start = attr(&run, "data-s")?;
            return Some(index.cp_of_utf16(index.utf16_of(start) + offset as usize));
        }
        // Text outside a run (a label tag): resolve like its element.
        return boundary_near(&parent, true);
    }
    let el: &Element = node.dyn_ref()?;
    if el.matches(RUN).unwrap_or(false) {
        return if offset == 0 { attr(el, "data-s") } else { attr(el, "data-e") };
    }
    if let Some(run) = el.closest(RUN).ok().flatten() {
        return attr(&run, "data-e");
    }
    // An element between runs (a paragraph or a tag): the child at `offset`
    // says where the position is.
    let children = el.child_nodes();
    match children.item(offset) {
        Some(child) => match child.dyn_ref::<Element>() {
            Some(c) => boundary_near(c, false),
            None => first_run_from(&child).and_then(|r| attr(&r, "data-s")),
        },
        None => last_run_in(el).and_then(|r| attr(&r, "data-e")),
    }
}

/// The start of the first run at or after `el`, or else the end of the
/// last run before it. `after_self` skips `el`'s own contents.
fn boundary_near(el: &Element, after_self: bool) -> Option<usize> {
    if !after_self {
        if el.matches(RUN).unwrap_or(false) {
            return attr(el, "data-s");
        }
        if let Some(run) = el.query_selector(RUN).ok().flatten() {
            return attr(&run, "data-s");
        }
    }
    let mut prev = el.previous_element_sibling();
    let mut next = el.next_element_sibling();
    // Prefer the end of the run just before (a tag follows its span).
    while let Some(p) = prev {
        if p.matches(RUN).unwrap_or(false) {
            return attr(&p, "data-e");
        }
        prev = p.previous_element_sibling();
    }
    while let Some(n) = next {
        if n.matches(RUN).unwrap_or(false) {
            return attr(&n, "data-s");
        }
        next = n.next_element_sibling();
    }
    let parent = el.parent_element()?;
    if parent.matches(".mg-article").unwrap_or(false) {
        return None;
    }
    boundary_near(&parent, true)
}

fn first_run_from(node: &Node) -> Option<Element> {
    let mut n = Some(node.clone());
    while let Some(cur) = n {
        if let Some(el) = cur.dyn_ref::<Element>() {
            if el.matches(RUN).unwrap_or(false) {
                return Some(el.clone());
            }
            if let Some(r) = el.query_selector(RUN).ok().flatten() {
                return Some(r);
            }
        }
        n = cur.next_sibling();
    }
    None
}

fn last_run_in(el: &Element) -> Option<Element> {
    let runs = el.query_selector_all(RUN).ok()?;
    runs.item(runs.length().checked_sub(1)?)?.dyn_into::<Element>().ok()
}

fn attr(el: &Element, name: &str) -> Option<usize> {
    el.get_attribute(name)?.parse().ok()
}
