//! Where a stretch of the article is drawn: the boxes (CSS pixels, relative
//! to an origin element's top-left corner) that code points `[start, end)`
//! occupy, one per line fragment, measured from the runs' text nodes
//! (`span.mg-run[data-s][data-e]`, see `selection_map`) with DOM ranges.
//!
//! Invariants: only text is measured (label tags between runs are not part
//! of any stretch); boxes are in reading order of the DOM, and fragments of
//! one line that touch are merged into one box.

use marginalia_core::text_index::TextIndex;
use wasm_bindgen::JsCast;
use web_sys::{DomRect, Element};

/// A box on screen, relative to the origin.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

impl Rect {
    pub fn right(&self) -> f64 {
        self.x + self.width
    }
    pub fn bottom(&self) -> f64 {
        self.y + self.height
    }
    pub fn centre_x(&self) -> f64 {
        self.x + self.width / 2.0
    }
}

/// Measures stretches of one drawn article: its paragraphs are listed once
/// (by their first code point, `p.mg-par[data-start]`) and each stretch is
/// looked up among them by binary search.
pub struct TextGeometry<'a> {
    paragraphs: Vec<(usize, Element)>,
    index: &'a TextIndex,
    origin: (f64, f64),
}

impl<'a> TextGeometry<'a> {
    /// `article` is the element holding the paragraphs; boxes are relative
    /// to `origin`.
    pub fn new(article: &Element, origin: &Element, index: &'a TextIndex) -> TextGeometry<'a> {
        let mut paragraphs = Vec::new();
        if let Ok(list) = article.query_selector_all(".mg-par") {
            for i in 0..list.length() {
                let Some(p) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else { continue };
                if let Some(start) = p.get_attribute("data-start").and_then(|s| s.parse().ok()) {
                    paragraphs.push((start, p));
                }
            }
        }
        let o = origin.get_bounding_client_rect();
        TextGeometry { paragraphs, index, origin: (o.left(), o.top()) }
    }

    /// The boxes of `[start, end)`; empty when no part of it is drawn.
    pub fn boxes(&self, start: usize, end: usize) -> Vec<Rect> {
        let mut out: Vec<Rect> = Vec::new();
        if start >= end {
            return out;
        }
        // The last paragraph starting at or before `start`, and those after it until `end`.
        let first = self.paragraphs.partition_point(|(s, _)| *s <= start).saturating_sub(1);
        for (p_start, p) in &self.paragraphs[first..] {
            if *p_start >= end {
                break;
            }
            let children = p.children();
            for i in 0..children.length() {
                let Some(run) = children.item(i) else { continue };
                if !run.matches(".mg-run").unwrap_or(false) {
                    continue;
                }
                let (Some(s), Some(e)) = (attr(&run, "data-s"), attr(&run, "data-e")) else { continue };
                if e <= start || s >= end {
                    continue;
                }
                self.measure_run(&run, s, start.max(s), end.min(e), &mut out);
            }
        }
        out
    }

    /// Appends the boxes of `[from, to)` inside a run starting at `run_start`.
    fn measure_run(&self, run: &Element, run_start: usize, from: usize, to: usize, out: &mut Vec<Rect>) {
        let Some(text) = run.first_child() else { return };
        let Some(range) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.create_range().ok()) else { return };
        let base = self.index.utf16_of(run_start);
        let offset = |cp: usize| (self.index.utf16_of(cp) - base) as u32;
        if range.set_start(&text, offset(from)).is_err() || range.set_end(&text, offset(to)).is_err() {
            return;
        }
        let Some(rects) = range.get_client_rects() else { return };
        for i in 0..rects.length() {
            if let Some(r) = rects.item(i) {
                self.push(out, &r);
            }
        }
    }

    /// Adds a fragment, merged with the previous one when they share a line
    /// and touch.
    fn push(&self, out: &mut Vec<Rect>, r: &DomRect) {
        if r.width() <= 0.0 && r.height() <= 0.0 {
            return;
        }
        let rect = Rect { x: r.left() - self.origin.0, y: r.top() - self.origin.1, width: r.width(), height: r.height() };
        if let Some(last) = out.last_mut() {
            let same_line = (last.y - rect.y).abs() < 1.0 && (last.height - rect.height).abs() < 1.0;
            if same_line && (rect.x - last.right()).abs() < 1.0 {
                last.width = rect.right() - last.x;
                return;
            }
        }
        out.push(rect);
    }
}

fn attr(el: &Element, name: &str) -> Option<usize> {
    el.get_attribute(name)?.parse().ok()
}
