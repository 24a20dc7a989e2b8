//! The Yew components: declarative views of [`crate::state::AppState`] that
//! report gestures through `on<verb>` callbacks. One component per file.

pub mod adjudication_panel;
pub mod article_overlay;
pub mod article_view;
pub mod attribute_field;
pub mod chooser;
pub mod claim_form;
pub mod document_form;
pub mod find_box;
pub mod guidelines;
pub mod label_bar;
pub mod label_items;
pub mod notice_bar;
pub mod paragraph;
pub mod paste_dialog;
pub mod plain_paragraphs;
pub mod relation_list;
pub mod relations_view;
pub mod review_panel;
pub mod save_conflict;
pub mod side_panel;
pub mod suggestion_panel;
pub mod tab_conflict;
pub mod status_bar;
pub mod status_form;
pub mod toolbar;
