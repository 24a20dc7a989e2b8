//! What the annotator has in hand: nothing, a caret, a text selection not
//! yet labelled, an annotation, the chooser over several, a link being
//! picked, or a suggestion. One value, so two of them cannot contradict
//! each other (a pending selection *and* a selected span, a link picked
//! from a span no longer selected).
//!
//! Units: ranges are code points into the open article, end exclusive;
//! the caret is token indices (`marginalia_core::caret`).
//!
//! Invariants: a span id held here named a span of the editor when it was
//! put here; `AppState::changed` drops it (`deselect`) when an edit removes
//! the span. Where two things legitimately coexist, one variant carries
//! both: the chooser open over the span selected before it.

use marginalia_core::article::Article;
use marginalia_core::caret::Caret;
use marginalia_core::span::SpanId;

/// Several spans under one click: the user picks one.
#[derive(Debug, Clone, PartialEq)]
pub struct Chooser {
    pub spans: Vec<SpanId>,
    pub x: i32,
    pub y: i32,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub enum Focus {
    #[default]
    Nothing,
    /// The keyboard caret alone: its selection was dropped by a mouse
    /// selection that covered no word; the arrows go on from it.
    Caret(Caret),
    /// Text selected, waiting for a label key; `caret` is the same tokens
    /// for the arrow keys (none where no word token starts it).
    Pending { range: (usize, usize), caret: Option<Caret> },
    /// An annotation selected: its form shows, its links are highlighted.
    Selected(SpanId),
    /// The chooser open over several spans; the span selected before the
    /// click stays selected until one is chosen.
    Choosing { chooser: Chooser, selected: Option<SpanId> },
    /// A `label` link from span `from` (selected meanwhile), waiting for a
    /// click on its target.
    Linking { from: SpanId, label: String },
    /// An open suggestion J / K moved to (its tag has the focus), by index.
    Suggestion(usize),
}

impl Focus {
    /// A pending selection of `[start, end)` with the caret over its tokens.
    pub fn pending_at(article: &Article, start: usize, end: usize) -> Focus {
        let caret = match (Caret::at(article, start), article.token_at(end.saturating_sub(1))) {
            (Some(a), Some(f)) => Some(Caret { anchor: a.anchor, focus: f }),
            _ => None,
        };
        Focus::Pending { range: (start, end), caret }
    }

    /// The text selected and not yet labelled.
    pub fn pending(&self) -> Option<(usize, usize)> {
        match self {
            Focus::Pending { range, .. } => Some(*range),
            _ => None,
        }
    }

    pub fn caret(&self) -> Option<Caret> {
        match self {
            Focus::Caret(c) | Focus::Pending { caret: Some(c), .. } => Some(*c),
            _ => None,
        }
    }

    /// The selected annotation (also while the chooser is open over it, or
    /// while a link from it is being picked).
    pub fn selected(&self) -> Option<SpanId> {
        match self {
            Focus::Selected(id) | Focus::Linking { from: id, .. } => Some(*id),
            Focus::Choosing { selected, .. } => *selected,
            _ => None,
        }
    }

    pub fn chooser(&self) -> Option<&Chooser> {
        match self {
            Focus::Choosing { chooser, .. } => Some(chooser),
            _ => None,
        }
    }

    /// The link being picked: from which span, with which relation label.
    pub fn linking(&self) -> Option<(SpanId, &str)> {
        match self {
            Focus::Linking { from, label } => Some((*from, label)),
            _ => None,
        }
    }

    /// The open suggestion J / K moved to.
    pub fn suggestion(&self) -> Option<usize> {
        match self {
            Focus::Suggestion(i) => Some(*i),
            _ => None,
        }
    }

    /// `id` selected, or nothing.
    pub fn selecting(id: Option<SpanId>) -> Focus {
        id.map_or(Focus::Nothing, Focus::Selected)
    }

    /// Forgets the selected annotation (deleted, hidden, replaced by a
    /// save): a link from it is given up; an open chooser stays open.
    pub fn deselect(&mut self) {
        match self {
            Focus::Selected(_) | Focus::Linking { .. } => *self = Focus::Nothing,
            Focus::Choosing { selected, .. } => *selected = None,
            _ => {}
        }
    }

    /// Closes the chooser, back to the span selected before it.
    pub fn close_chooser(&mut self) {
        if let Focus::Choosing { selected, .. } = self {
            *self = Focus::selecting(*selected);
        }
    }

    /// Escape: cancels a link being picked (its span stays selected), else
    /// closes the chooser, else lets go of everything. Returns whether a
    /// link was cancelled (the page says so).
    pub fn escape(&mut self) -> bool {
        match self {
            Focus::Linking { from, .. } => {
                *self = Focus::Selected(*from);
                true
            }
            Focus::Choosing { .. } => {
                self.close_chooser();
                false
            }
            _ => {
                *self = Focus::Nothing;
                false
            }
        }
    }

    /// Every action but J / K (and scrolling) takes the focus off a
    /// suggestion.
    pub fn leave_suggestion(&mut self) {
        if let Focus::Suggestion(_) = self {
            *self = Focus::Nothing;
        }
    }
}
