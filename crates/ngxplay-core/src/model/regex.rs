//! PCRE-style regexes for locations, server names, maps and rewrites: our bounded engine in `crate::regex`.

pub use crate::regex::{Match, Regex, BACKTRACK_LIMIT};
