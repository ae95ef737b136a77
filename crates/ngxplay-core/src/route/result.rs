//! What the simulator says about one request: the oracle's result fields, plus where it went and why.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::span::Span;

/// Where the response came from, as the oracle names it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Upstream,
    File,
    Body,
    Builtin,
    #[default]
    Empty,
}

/// What a backend received.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpstreamHit {
    /// The upstream block's name, or the literal `*_pass` target for an implicit one.
    pub upstream: String,
    /// The server as written in the config, e.g. `10.0.0.5:8080`.
    pub server: String,
    /// `http`, `fastcgi`, `uwsgi`, `scgi` or `grpc`.
    pub protocol: String,
    pub method: String,
    /// The request URI sent (for FastCGI and friends, the `REQUEST_URI` param; empty when none was sent).
    pub uri: String,
    /// The Host header sent, when the protocol has one.
    pub host: Option<String>,
    pub headers: Vec<(String, String)>,
    /// FastCGI/uwsgi/SCGI parameters.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<(String, String)>,
}

/// A config block a result points at.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockRef {
    /// A short label: `example.com` for a server, `^~ /static/` for a location.
    pub label: String,
    pub span: Option<Span>,
    pub line: Option<u32>,
    pub file: Option<Arc<str>>,
}

/// One step of the explanation, pointing at the config where it can.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceStep {
    pub message: String,
    pub span: Option<Span>,
    pub line: Option<u32>,
    pub file: Option<Arc<str>>,
}

/// The outcome of one request (one of `repeat=N`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteResult {
    /// The request's line in the requests text.
    pub line: u32,
    pub request: String,
    /// `None` when nginx sends no response (444, or a closed connection).
    pub status: Option<u16>,
    /// The `Location` response header.
    pub location: Option<String>,
    pub source: Source,
    /// The last backend contacted, if any.
    pub upstream: Option<UpstreamHit>,
    /// Every backend contact, in order (retries included).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub upstream_hits: Vec<UpstreamHit>,
    /// The static file served.
    pub file: Option<String>,
    /// The `return` text, or another body nginx made.
    pub body: Option<String>,
    /// The server block that handled the request.
    pub server: Option<BlockRef>,
    /// The location block the request ended in.
    pub location_block: Option<BlockRef>,
    /// Why there was no HTTP response, e.g. `empty reply (connection closed)`.
    pub error: Option<String>,
    pub trace: Vec<TraceStep>,
}
