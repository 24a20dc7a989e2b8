//! Drawn over the article, never part of its text: marks under stretches
//! (each annotator's version of a disputed item during a review) and arcs
//! between spans (relations: a claim to who made it and what it is about).
//!
//! One SVG, sized to the article's box, that lets every pointer event
//! through and is hidden from assistive technology (the side panel says in
//! words what it shows). Positions are measured from the text after each
//! render that may move it (`layout` changes with the paragraphs drawn) and
//! when the window is resized (told by the viewport: no browser listener
//! may be made in a part — wasm-bindgen binds only the first load's), so arcs stay on their words however lines
//! wrap. An arc leaves from the top of its span's first line and lands on
//! the top of its target's first line, lifted in proportion to the distance
//! so that arcs over long lines stay apart.

use crate::host::use_host;
use crate::text_geometry::{Rect, TextGeometry};
use crate::view_model::ParagraphView;
use marginalia_core::article::Article;
use std::rc::Rc;
use std::sync::Arc;
use yew::prelude::*;

/// A stretch marked as annotator number `by`'s (0-based; its style).
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    pub start: usize,
    pub end: usize,
    pub by: usize,
    pub title: String,
}

/// A relation from one stretch to another.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub from: (usize, usize),
    pub to: (usize, usize),
    pub label: String,
}

#[derive(Properties)]
pub struct ArticleOverlayProps {
    pub marks: Rc<Vec<Mark>>,
    pub links: Rc<Vec<Link>>,
    pub article: Arc<Article>,
    /// The paragraphs drawn now: a new list whenever the layout may differ.
    pub layout: Rc<Vec<Rc<ParagraphView>>>,
}

impl PartialEq for ArticleOverlayProps {
    fn eq(&self, other: &Self) -> bool {
        self.marks == other.marks
            && self.links == other.links
            && Arc::ptr_eq(&self.article, &other.article)
            && Rc::ptr_eq(&self.layout, &other.layout)
    }
}

/// What was measured: the box's size, each mark's boxes, each arc's ends.
#[derive(Default, PartialEq)]
struct Drawn {
    width: f64,
    height: f64,
    marks: Vec<Vec<Rect>>,
    arcs: Vec<Option<(Rect, Rect)>>,
}

#[component]
pub fn ArticleOverlay(props: &ArticleOverlayProps) -> Html {
    let host = use_host();
    let drawn = use_state(Drawn::default);
    // Resizes, counted: the window is watched by the viewport (`Host::on_resize`).
    let resizes = use_mut_ref(|| 0u32);
    let redraw = use_force_update();
    {
        let (host, resizes) = (host.clone(), resizes.clone());
        use_effect_with((), move |_| {
            *host.on_resize.borrow_mut() = Some(Callback::from(move |()| {
                *resizes.borrow_mut() += 1;
                redraw.force_update();
            }));
            move || *host.on_resize.borrow_mut() = None
        });
    }
    {
        let (drawn, host) = (drawn.clone(), host.clone());
        let deps = (props.marks.clone(), props.links.clone(), props.article.clone(), props.layout.clone(), *resizes.borrow());
        use_effect_with(deps, move |(marks, links, article, _, _)| {
            // Nothing to draw, nothing to measure (measuring forces a layout
            // of the whole article).
            if marks.is_empty() && links.is_empty() {
                return;
            }
            if let Some(next) = measure(&host, marks, links, article) {
                if *drawn != next {
                    drawn.set(next);
                }
            }
        });
    }
    if props.marks.is_empty() && props.links.is_empty() {
        return html! {};
    }
    let head = host.id("arrowhead");
    html! {
        <svg class="mg-overlay-svg" width={drawn.width.to_string()} height={drawn.height.to_string()} aria-hidden="true" focusable="false">
            <defs>
                <marker id={head.clone()} viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path d="M0,0 L8,4 L0,8 z" class="mg-arc-head" />
                </marker>
            </defs>
            { for props.marks.iter().zip(&drawn.marks).map(|(m, boxes)| mark(m, boxes)) }
            { for props.links.iter().zip(&drawn.arcs).filter_map(|(a, ends)| ends.map(|(f, t)| arc(a, f, t, &head))) }
        </svg>
    }
}

/// Measures every mark and arc against the article drawn now.
fn measure(host: &crate::host::HostRef, marks: &[Mark], links: &[Link], article: &Article) -> Option<Drawn> {
    let text = host.find("article")?;
    let origin = text.parent_element()?;
    let geometry = TextGeometry::new(&text, &origin, article.index());
    let first = |(s, e): (usize, usize)| geometry.boxes(s, e).first().copied();
    Some(Drawn {
        width: origin.scroll_width() as f64,
        height: origin.scroll_height() as f64,
        marks: marks.iter().map(|m| geometry.boxes(m.start, m.end)).collect(),
        arcs: links.iter().map(|a| Some((first(a.from)?, first(a.to)?))).collect(),
    })
}

/// Annotator `by`'s underline, each annotator a little lower than the last.
fn mark(m: &Mark, boxes: &[Rect]) -> Html {
    let class = format!("mg-mark mg-by-{}", m.by % 4);
    html! {
        <g class={class} data-start={m.start.to_string()} data-end={m.end.to_string()}>
            <title>{ m.title.clone() }</title>
            { for boxes.iter().map(|b| {
                let y = b.bottom() + 2.0 + 3.0 * m.by as f64;
                html! { <line x1={b.x.to_string()} x2={b.right().to_string()} y1={y.to_string()} y2={y.to_string()} /> }
            }) }
        </g>
    }
}

/// An arc from the top of `from` to the top of `to`, its label at its peak.
fn arc(a: &Link, from: Rect, to: Rect, head: &str) -> Html {
    let (x1, y1, x2, y2) = (from.centre_x(), from.y, to.centre_x(), to.y);
    let lift = 14.0 + ((x2 - x1).abs().min(600.0)) / 12.0;
    let top = (y1.min(y2) - lift).max(2.0);
    let d = format!("M{x1:.1},{y1:.1} C{x1:.1},{top:.1} {x2:.1},{top:.1} {x2:.1},{y2:.1}");
    // A cubic's peak is three quarters of the way to its control points.
    let peak = y1.min(y2) - (y1.min(y2) - top) * 0.75;
    html! {
        <g class="mg-arc" data-from={a.from.0.to_string()} data-to={a.to.0.to_string()} data-label={a.label.clone()}>
            <path {d} marker-end={format!("url(#{head})")} />
            <text x={((x1 + x2) / 2.0).to_string()} y={(peak - 2.0).to_string()} text-anchor="middle">{ a.label.clone() }</text>
        </g>
    }
}
