//! ngxplay-core: the pure engine. Parsing, the directive table, checks, the semantic model and the routing simulator.
//!
//! Nothing here does IO, reads a clock or prints. Every entry point returns a result plus diagnostics.

pub mod api;
pub mod ast;
pub mod check;
pub mod compare;
pub mod diag;
pub mod directives;
pub mod exercise;
pub mod expect;
pub mod fxhash;
pub mod lexer;
pub mod linediff;
pub mod load;
pub mod model;
pub mod parser;
pub mod regex;
pub mod route;
pub mod span;
pub mod vfs;

pub use diag::{Diagnostic, Level};
pub use load::{load, load_text, Config, Context};
pub use span::{FileId, Span};
pub use vfs::FileSet;
