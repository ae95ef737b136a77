//! The messages between the page and the engine worker, in the app's own view shapes.
//!
//! The engine's types are translated in `engine.rs`, so only that module follows engine changes.

use serde::{Deserialize, Serialize};

use crate::workspace::Workspace;

/// A request to analyse a workspace; `id` orders answers.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Job {
    pub id: u64,
    pub workspace: Workspace,
    /// Also run the workspace's baseline files and compare the two (compare mode).
    #[serde(default)]
    pub compare: bool,
}

/// A place in the config: the tab's absolute path and a 1-based line range.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    /// Absolute path of the file (matches a tab via `Workspace::find`).
    pub path: Option<String>,
    /// The file name as messages show it.
    pub file: Option<String>,
    pub line: u32,
    pub end_line: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// A diagnostic about the config or an input text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diag {
    pub severity: Severity,
    /// nginx's level word (`emerg`, `warn`, …).
    pub level: String,
    pub code: String,
    pub message: String,
    pub place: Option<Place>,
    /// Which input the diagnostic is about: `config`, `requests`, `files` or `backends`.
    pub input: String,
}

/// A server or location block a result points at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockView {
    pub label: String,
    pub place: Option<Place>,
}

/// What an upstream received.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpstreamView {
    pub upstream: String,
    pub server: String,
    pub protocol: String,
    pub method: String,
    pub uri: String,
    pub host: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepView {
    pub message: String,
    pub place: Option<Place>,
}

/// One request's outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultView {
    /// The request's line in the requests text.
    pub line: u32,
    pub request: String,
    pub status: Option<u16>,
    /// `upstream`, `file`, `body`, `builtin`, `cache` or `empty`.
    pub source: String,
    pub server: Option<BlockView>,
    pub location: Option<BlockView>,
    pub upstream: Option<UpstreamView>,
    /// Every backend contact (retries included), when there was more than one.
    pub upstream_hits: Vec<UpstreamView>,
    pub file: Option<String>,
    pub body: Option<String>,
    pub redirect: Option<String>,
    pub error: Option<String>,
    pub trace: Vec<StepView>,
    /// The expectations written on the request's line, on the first result of that line.
    #[serde(default)]
    pub expect: Option<ExpectView>,
}

/// One expectation checked against a result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckView {
    pub field: String,
    pub expected: String,
    /// What the result showed (`none` when it showed nothing there).
    pub actual: String,
    pub pass: bool,
}

/// The expectations of one request line and whether they hold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpectView {
    pub pass: bool,
    pub checks: Vec<CheckView>,
}

/// Totals over every expectation in the requests text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpectSummary {
    /// E.g. `12 of 13 expectations hold (1 request failing)`.
    pub text: String,
    pub checks: usize,
    pub checks_failed: usize,
    pub all_hold: bool,
}

/// One field that differs between the baseline and the current config, e.g. `upstream legacy → api`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeView {
    pub field: String,
    pub old: String,
    pub new: String,
}

/// One request in compare mode; `changes` is empty when both configs route it alike.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompareRow {
    pub line: u32,
    pub request: String,
    /// The current config's status, for the row's badge.
    pub status: Option<u16>,
    pub changes: Vec<ChangeView>,
}

/// The answer to a compare job.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompareView {
    /// `Err` says why nothing was compared (a config that nginx would reject, no baseline).
    pub rows: Result<Vec<CompareRow>, String>,
}

/// The answer to a [`Job`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub id: u64,
    /// Whether `nginx -t` would accept the config.
    pub config_ok: bool,
    pub diagnostics: Vec<Diag>,
    /// `Err` says why there are no results (the simulator is missing, or the config is rejected).
    pub results: Result<Vec<ResultView>, String>,
    /// How long the engine took, in milliseconds, when the worker could measure it.
    pub millis: Option<u32>,
    /// Present when some request line carries expectations.
    #[serde(default)]
    pub expect_summary: Option<ExpectSummary>,
    /// The requests text with today's results written as expectations (the "record" button's text).
    #[serde(default)]
    pub recorded: Option<String>,
    #[serde(default)]
    pub compare: Option<CompareView>,
}
