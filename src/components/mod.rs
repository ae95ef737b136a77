//! The Yew components: small function components with `XxxProps` and `on<verb>` callbacks.

pub mod app;
pub mod compare;
pub mod diagnostics;
pub mod editor;
pub mod exercise;
pub mod file_tabs;
pub mod header;
pub mod help;
pub mod inputs;
pub mod notice;
pub mod results;
pub mod trace;
