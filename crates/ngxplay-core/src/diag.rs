//! Diagnostics: plain serde data with a level, a stable code, nginx's own words and a location.

use serde::{Deserialize, Serialize};

use crate::span::Span;

/// Severity, named as nginx names its log levels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Emerg,
    Alert,
    Crit,
    Error,
    Warn,
    Notice,
    Info,
}

impl Level {
    /// Whether nginx would refuse to load a config reporting this.
    pub fn is_fatal(self) -> bool {
        matches!(self, Level::Emerg | Level::Alert | Level::Crit)
    }
}

/// One finding about a config, a request line or a data file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub level: Level,
    /// A stable kebab-case code such as `unknown-directive`.
    pub code: String,
    /// The message exactly as nginx prints it, including ` in FILE:LINE` when nginx adds it.
    pub message: String,
    /// The file name as the user named it, when the message points at a file.
    pub file: Option<String>,
    /// The 1-based line, when the message points at a file.
    pub line: Option<u32>,
    pub span: Option<Span>,
}

impl Diagnostic {
    /// A diagnostic that nginx prints with ` in FILE:LINE` appended.
    pub fn at(level: Level, code: &str, text: impl Into<String>, file: &str, line: u32, span: Span) -> Self {
        let text = text.into();
        Diagnostic {
            level,
            code: code.to_string(),
            message: format!("{text} in {file}:{line}"),
            file: Some(file.to_string()),
            line: Some(line),
            span: Some(span),
        }
    }

    /// A diagnostic whose message names no file, though it may still carry a span for the editor.
    pub fn bare(level: Level, code: &str, text: impl Into<String>, span: Option<Span>) -> Self {
        Diagnostic { level, code: code.to_string(), message: text.into(), file: None, line: None, span }
    }

    /// A diagnostic about a line of a non-config input, such as `requests.txt`.
    pub fn in_input(level: Level, code: &str, text: impl Into<String>, file: &str, line: u32) -> Self {
        let text = text.into();
        Diagnostic {
            level,
            code: code.to_string(),
            message: format!("{text} in {file}:{line}"),
            file: Some(file.to_string()),
            line: Some(line),
            span: None,
        }
    }

    pub fn is_fatal(&self) -> bool {
        self.level.is_fatal()
    }
}
