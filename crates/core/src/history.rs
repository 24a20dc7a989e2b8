//! Undo history: a stack of transactions, each the list of inverse commands
//! of one user action. Undoing applies the inverses in reverse order and
//! pushes *their* inverses onto the redo stack, so redo is the same code.

use crate::command::Command;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    undo: Vec<Vec<Command>>,
    redo: Vec<Vec<Command>>,
}

impl History {
    /// Records the inverses of a new action; a new action ends any redo.
    pub fn record(&mut self, inverses: Vec<Command>) {
        if !inverses.is_empty() {
            self.undo.push(inverses);
            self.redo.clear();
        }
    }
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }
    pub fn undo_depth(&self) -> usize {
        self.undo.len()
    }
    pub(crate) fn pop_undo(&mut self) -> Option<Vec<Command>> {
        self.undo.pop()
    }
    pub(crate) fn pop_redo(&mut self) -> Option<Vec<Command>> {
        self.redo.pop()
    }
    pub(crate) fn push_redo(&mut self, t: Vec<Command>) {
        self.redo.push(t);
    }
    pub(crate) fn push_undo(&mut self, t: Vec<Command>) {
        self.undo.push(t);
    }
    /// Every command, undo and redo alike (for renaming ids).
    pub(crate) fn commands_mut(&mut self) -> impl Iterator<Item = &mut Command> {
        self.undo.iter_mut().chain(self.redo.iter_mut()).flatten()
    }
}
