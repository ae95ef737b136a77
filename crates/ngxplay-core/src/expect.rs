//! Expectations written after ` => ` on request lines: parsing them, checking routing results against them, and recording results as new ones.
//!
//! ```text
//! GET http://shop.example.com/api/v1/cart => upstream api_backend, uri /v1/cart, status 200
//! GET http://shop.example.com/old         => status 301, redirect http://shop.example.com/new
//! GET http://lb.example.com/ repeat=3     => server 10.0.0.1:80 | 10.0.0.1:80 | 10.0.0.2:80
//! ```
//!
//! The grammar is documented in `docs/expectations.md`.

use serde::{Deserialize, Serialize};

use crate::diag::{Diagnostic, Level};
use crate::route::result::{RouteResult, Source};

/// A property of a routing result that an expectation can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    /// The response status, or `none` when nginx sends no response.
    Status,
    /// The label of the server block that handled the request.
    Vhost,
    /// The label of the location the request ended in, e.g. `^~ /static/`.
    Location,
    /// The upstream block's name (or the literal `*_pass` target) of the last backend contacted.
    Upstream,
    /// That backend's server as written in the config.
    Server,
    /// The URI sent to the backend.
    Uri,
    /// The Host header sent to the backend.
    Host,
    /// The static file served.
    File,
    /// The `Location` response header.
    Redirect,
    /// The response body nginx made (a `return` text, for example).
    Body,
    /// Where the response came from: upstream, file, body, builtin or empty.
    Source,
}

impl Field {
    /// Every field, in the order results are recorded and compared.
    pub const ALL: [Field; 11] = [
        Field::Vhost,
        Field::Location,
        Field::Upstream,
        Field::Server,
        Field::Uri,
        Field::Host,
        Field::File,
        Field::Body,
        Field::Redirect,
        Field::Source,
        Field::Status,
    ];

    /// The name used in expectation text.
    pub fn name(self) -> &'static str {
        match self {
            Field::Status => "status",
            Field::Vhost => "vhost",
            Field::Location => "location",
            Field::Upstream => "upstream",
            Field::Server => "server",
            Field::Uri => "uri",
            Field::Host => "host",
            Field::File => "file",
            Field::Redirect => "redirect",
            Field::Body => "body",
            Field::Source => "source",
        }
    }

    /// Looks a field up by name; names are case-insensitive.
    pub fn from_name(name: &str) -> Option<Field> {
        let lower = name.to_ascii_lowercase();
        Field::ALL.iter().copied().find(|f| f.name() == lower)
    }

    /// What a result shows for this field; `None` when it has nothing there.
    pub fn actual(self, r: &RouteResult) -> Option<String> {
        match self {
            Field::Status => r.status.map(|s| s.to_string()),
            Field::Vhost => r.server.as_ref().map(|b| b.label.clone()),
            Field::Location => r.location_block.as_ref().map(|b| b.label.clone()),
            Field::Upstream => r.upstream.as_ref().map(|u| u.upstream.clone()),
            Field::Server => r.upstream.as_ref().map(|u| u.server.clone()),
            Field::Uri => r.upstream.as_ref().filter(|u| !u.uri.is_empty()).map(|u| u.uri.clone()),
            Field::Host => r.upstream.as_ref().and_then(|u| u.host.clone()),
            Field::File => r.file.clone(),
            Field::Redirect => r.location.clone(),
            Field::Body => r.body.clone(),
            Field::Source => Some(source_name(r.source).to_string()),
        }
    }
}

/// The oracle's name for a response source.
pub fn source_name(s: Source) -> &'static str {
    match s {
        Source::Upstream => "upstream",
        Source::File => "file",
        Source::Body => "body",
        Source::Builtin => "builtin",
        Source::Empty => "empty",
    }
}

/// One `field value` item after ` => `.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expectation {
    pub field: Field,
    /// What the responses must show: one value for every response, or one per response of a `repeat=N` line.
    /// `None` stands for `none`: the result has nothing in this field.
    pub values: Vec<Option<String>>,
    /// The item's byte range within its line.
    pub start: usize,
    pub end: usize,
}

impl Expectation {
    /// The expected value(s) as they would be written back.
    pub fn expected_text(&self) -> String {
        join_values(&self.values)
    }
}

/// The expectations of one request line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpectLine {
    /// The 1-based line in the requests text.
    pub line: u32,
    /// The request itself, without the expectations.
    pub request: String,
    pub items: Vec<Expectation>,
}

/// Splits expectations off a requests text.
///
/// Returns the text with every ` => …` part replaced by spaces (so lines and byte offsets stay where they were),
/// the expectations by line, and syntax errors. An item with an error is left out; the others on its line stay.
pub fn parse_expectations(text: &str, file: &str) -> (String, Vec<ExpectLine>, Vec<Diagnostic>) {
    let mut blanked = String::with_capacity(text.len());
    let mut lines = Vec::new();
    let mut diags = Vec::new();
    for (idx, raw) in text.split_inclusive('\n').enumerate() {
        let line_no = (idx + 1) as u32;
        let (body, ending) = split_ending(raw);
        let arrow = if is_request_line(body) { find_arrow(body) } else { None };
        let Some(arrow) = arrow else {
            blanked.push_str(raw);
            continue;
        };
        let cut = body[..arrow].trim_end().len();
        blanked.push_str(&body[..cut]);
        blanked.extend(std::iter::repeat_n(' ', body.len() - cut));
        blanked.push_str(ending);

        let rest_start = arrow + 2;
        let mut items = Vec::new();
        let mut errors = Vec::new();
        parse_items(body, rest_start, &mut items, &mut errors);
        diags.extend(errors.into_iter().map(|(code, msg)| Diagnostic::in_input(Level::Error, code, msg, file, line_no)));
        lines.push(ExpectLine { line: line_no, request: body[..cut].trim().to_string(), items });
    }
    (blanked, lines, diags)
}

/// Splits a line into its content and its line ending.
fn split_ending(raw: &str) -> (&str, &str) {
    let body = raw.strip_suffix('\n').unwrap_or(raw);
    let body = body.strip_suffix('\r').unwrap_or(body);
    (body, &raw[body.len()..])
}

/// Whether a line holds a request, as opposed to a blank line or a `#` comment.
fn is_request_line(line: &str) -> bool {
    let t = line.trim_start();
    !t.is_empty() && !t.starts_with('#')
}

/// The byte offset of the first `=>` that stands alone (whitespace before, whitespace or the end after)
/// outside shell-style quotes.
fn find_arrow(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                } else if c == b'\\' && q == b'"' {
                    i += 1;
                }
            }
            None => {
                if c == b'\\' {
                    i += 1;
                } else if c == b'"' || c == b'\'' {
                    quote = Some(c);
                } else if c == b'=' && bytes.get(i + 1) == Some(&b'>') {
                    let before = i > 0 && bytes[i - 1].is_ascii_whitespace();
                    let after = bytes.get(i + 2).is_none_or(|b| b.is_ascii_whitespace());
                    if before && after {
                        return Some(i);
                    }
                }
            }
        }
        i += 1;
    }
    None
}

type SyntaxError = (&'static str, String);

/// A parsed item: its field and values.
pub type Item = (Field, Vec<Option<String>>);

/// Parses the comma-separated items of `line[start..]`.
fn parse_items(line: &str, start: usize, items: &mut Vec<Expectation>, errors: &mut Vec<SyntaxError>) {
    let mut pos = skip_spaces(line, start);
    if pos >= line.len() {
        errors.push(("expect-empty", "no expectations after \"=>\"".to_string()));
        return;
    }
    while pos <= line.len() {
        let item_start = pos;
        let (result, next) = parse_item(line, pos);
        match result {
            Ok((field, values)) => items.push(Expectation { field, values, start: item_start, end: line[..next].trim_end().len() }),
            Err(e) => errors.push(e),
        }
        // `next` is at a comma or the end of the line.
        if next >= line.len() {
            break;
        }
        pos = skip_spaces(line, next + 1);
        if pos >= line.len() {
            errors.push(("expect-empty", "empty expectation after \",\"".to_string()));
            break;
        }
    }
}

fn skip_spaces(line: &str, mut pos: usize) -> usize {
    let bytes = line.as_bytes();
    while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
        pos += 1;
    }
    pos
}

/// Parses one `field value [| value ...]` item starting at `pos`.
/// Returns the item (or its error) and the offset of the comma that ends it, or the line's length.
fn parse_item(line: &str, pos: usize) -> (Result<Item, SyntaxError>, usize) {
    let bytes = line.as_bytes();
    let mut end = pos;
    while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_' || bytes[end] == b'-') {
        end += 1;
    }
    let name = &line[pos..end];
    if name.is_empty() {
        let stop = next_comma(line, pos);
        let found = line[pos..stop].trim();
        let msg = if found.is_empty() { "empty expectation".to_string() } else { format!("expected a field name, found \"{found}\"") };
        return (Err(("expect-empty", msg)), stop);
    }
    let Some(field) = Field::from_name(name) else {
        let stop = next_comma(line, pos);
        let known: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
        return (Err(("expect-unknown-field", format!("unknown expectation field \"{name}\" (known: {})", known.join(", ")))), stop);
    };
    let mut values = Vec::new();
    let mut p = skip_spaces(line, end);
    if p >= bytes.len() || bytes[p] == b',' {
        return (Err(("expect-missing-value", format!("missing value for \"{}\"", field.name()))), p);
    }
    if p == end {
        let stop = next_comma(line, p);
        return (Err(("expect-bad-value", format!("expected a space between \"{}\" and its value", field.name()))), stop);
    }
    loop {
        let (value, after) = match parse_value(line, p) {
            Ok(v) => v,
            Err(e) => return (Err(e), next_comma(line, p)),
        };
        if let Err(e) = validate(field, value.as_deref()) {
            return (Err(e), next_comma(line, after));
        }
        values.push(value);
        p = skip_spaces(line, after);
        if p >= bytes.len() || bytes[p] == b',' {
            return (Ok((field, values)), p);
        }
        if bytes[p] == b'|' {
            p = skip_spaces(line, p + 1);
            if p >= bytes.len() || bytes[p] == b',' {
                return (Err(("expect-missing-value", format!("missing value after \"|\" for \"{}\"", field.name()))), p);
            }
            continue;
        }
        // Only a quoted value can be followed by something other than `,` or `|`.
        let stop = next_comma(line, p);
        return (Err(("expect-bad-value", format!("unexpected \"{}\" after a quoted value for \"{}\"", line[p..stop].trim(), field.name()))), stop);
    }
}

/// Parses one value: a `"quoted string"`, the word `none`, or bare text up to `,` or ` | `.
fn parse_value(line: &str, pos: usize) -> Result<(Option<String>, usize), SyntaxError> {
    let bytes = line.as_bytes();
    if bytes.get(pos) == Some(&b'"') {
        let mut out = String::new();
        let mut chars = line[pos + 1..].char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => return Ok((Some(out), pos + 1 + i + 1)),
                '\\' => match chars.next() {
                    Some((_, 'n')) => out.push('\n'),
                    Some((_, 't')) => out.push('\t'),
                    Some((_, 'r')) => out.push('\r'),
                    Some((_, other)) => out.push(other),
                    None => break,
                },
                c => out.push(c),
            }
        }
        return Err(("expect-bad-quote", "unterminated quoted value".to_string()));
    }
    let mut end = pos;
    while end < bytes.len() && bytes[end] != b',' && !(bytes[end] == b'|' && end > pos && bytes[end - 1] == b' ') {
        end += 1;
    }
    let text = line[pos..end].trim_end();
    let after = pos + text.len();
    if text == "none" {
        Ok((None, after))
    } else {
        Ok((Some(text.to_string()), after))
    }
}

/// The offset of the next comma outside double quotes at or after `pos`, or the line's length.
fn next_comma(line: &str, pos: usize) -> usize {
    let bytes = line.as_bytes();
    let mut quoted = false;
    let mut i = pos;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quoted => i += 1,
            b'"' => quoted = !quoted,
            b',' if !quoted => return i,
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

/// Field-specific value checks.
fn validate(field: Field, value: Option<&str>) -> Result<(), SyntaxError> {
    let Some(v) = value else { return Ok(()) };
    match field {
        Field::Status => {
            let ok = v.len() == 3 && v.bytes().all(|b| b.is_ascii_digit()) && v.as_bytes()[0] != b'0';
            if !ok {
                return Err(("expect-bad-status", format!("bad status \"{v}\": expected a three-digit code or none")));
            }
        }
        Field::Source if !["upstream", "file", "body", "builtin", "empty"].contains(&v) => {
            return Err(("expect-bad-source", format!("bad source \"{v}\": expected upstream, file, body, builtin or empty")));
        }
        _ => {}
    }
    Ok(())
}

/// The result of checking one expectation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    pub field: Field,
    pub expected: String,
    /// What the result showed, written like an expected value; `None` when the result has nothing there.
    pub actual: Option<String>,
    pub pass: bool,
}

/// The checks of one request line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub line: u32,
    pub request: String,
    pub checks: Vec<Check>,
    /// Set when the request produced no result at all (for example, the request line itself is invalid).
    pub error: Option<String>,
}

impl Outcome {
    pub fn pass(&self) -> bool {
        self.error.is_none() && self.checks.iter().all(|c| c.pass)
    }
}

/// Checks every expectation against the results of its line.
pub fn evaluate(expectations: &[ExpectLine], results: &[RouteResult]) -> Vec<Outcome> {
    expectations
        .iter()
        .map(|exp| {
            let mine: Vec<&RouteResult> = results.iter().filter(|r| r.line == exp.line).collect();
            let request = mine.first().map(|r| r.request.clone()).unwrap_or_else(|| exp.request.clone());
            let error = mine.is_empty().then(|| "the request produced no result".to_string());
            let checks = exp.items.iter().map(|item| check_item(item, &mine)).collect();
            Outcome { line: exp.line, request, checks, error }
        })
        .collect()
}

fn check_item(item: &Expectation, results: &[&RouteResult]) -> Check {
    let actual: Vec<Option<String>> = results.iter().map(|r| item.field.actual(r)).collect();
    let pass = !results.is_empty()
        && if item.values.len() == 1 {
            actual.iter().all(|a| *a == item.values[0])
        } else {
            actual == item.values
        };
    Check { field: item.field, expected: item.expected_text(), actual: summarize_values(&actual), pass }
}

/// One value when all responses agree, else the sequence; `None` when there is nothing to show.
fn summarize_values(values: &[Option<String>]) -> Option<String> {
    let first = values.first()?;
    if values.iter().all(|v| v == first) {
        first.clone()
    } else {
        Some(join_values(values))
    }
}

/// Writes values as they appear in expectation text, quoting where needed.
pub fn join_values(values: &[Option<String>]) -> String {
    values.iter().map(|v| write_value(v.as_deref())).collect::<Vec<_>>().join(" | ")
}

/// Writes one value so that parsing it gives it back.
pub fn write_value(value: Option<&str>) -> String {
    let Some(v) = value else { return "none".to_string() };
    let plain = !v.is_empty()
        && v != "none"
        && v.trim() == v
        && !v.starts_with('"')
        && !v.contains(',')
        && !v.contains(" |")
        && !v.chars().any(|c| c.is_control());
    if plain {
        return v.to_string();
    }
    let mut out = String::from("\"");
    for c in v.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Totals over a set of outcomes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub requests: usize,
    pub requests_failed: usize,
    pub checks: usize,
    pub checks_failed: usize,
}

impl Summary {
    pub fn of(outcomes: &[Outcome]) -> Summary {
        let mut s = Summary { requests: outcomes.len(), ..Summary::default() };
        for o in outcomes {
            if !o.pass() {
                s.requests_failed += 1;
            }
            s.checks += o.checks.len();
            s.checks_failed += o.checks.iter().filter(|c| !c.pass).count();
        }
        s
    }

    pub fn all_hold(&self) -> bool {
        self.requests_failed == 0
    }

    /// E.g. `12 of 13 expectations hold (1 request failing)`.
    pub fn text(&self) -> String {
        let held = self.checks - self.checks_failed;
        let noun = if self.checks == 1 { "expectation" } else { "expectations" };
        let verb = if held == 1 { "holds" } else { "hold" };
        let mut s = format!("{held} of {} {noun} {verb}", self.checks);
        if self.requests_failed > 0 {
            let r = if self.requests_failed == 1 { "request" } else { "requests" };
            s.push_str(&format!(" ({} {r} failing)", self.requests_failed));
        }
        s
    }
}

/// The fields `record` writes: what a reader needs to see where a request went and what came back.
const RECORDED: [Field; 8] =
    [Field::Location, Field::Upstream, Field::Server, Field::Uri, Field::File, Field::Body, Field::Redirect, Field::Status];

/// Today's results as expectation items for one line.
pub fn describe(results: &[&RouteResult]) -> Vec<Item> {
    let mut out = Vec::new();
    for field in RECORDED {
        let values: Vec<Option<String>> = results.iter().map(|r| field.actual(r)).collect();
        let always = field == Field::Status;
        if !always && values.iter().all(Option::is_none) {
            continue;
        }
        let values = if values.iter().all(|v| *v == values[0]) { vec![values[0].clone()] } else { values };
        out.push((field, values));
    }
    out
}

/// Writes `field value, …` for a set of items.
pub fn write_items(items: &[Item]) -> String {
    items.iter().map(|(f, v)| format!("{} {}", f.name(), join_values(v))).collect::<Vec<_>>().join(", ")
}

/// Rewrites a requests text with each request's current results as its expectations, replacing any it had.
/// Lines without results (comments, blank lines, invalid requests) stay as they are.
pub fn record(text: &str, results: &[RouteResult]) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for (idx, raw) in text.split_inclusive('\n').enumerate() {
        let line_no = (idx + 1) as u32;
        let (body, ending) = split_ending(raw);
        let mine: Vec<&RouteResult> = results.iter().filter(|r| r.line == line_no).collect();
        if mine.is_empty() || !is_request_line(body) {
            out.push_str(raw);
            continue;
        }
        let request = match find_arrow(body) {
            Some(a) => body[..a].trim_end(),
            None => body.trim_end(),
        };
        out.push_str(request);
        out.push_str(" => ");
        out.push_str(&write_items(&describe(&mine)));
        out.push_str(ending);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::route::result::{BlockRef, UpstreamHit};

    fn parse(text: &str) -> (String, Vec<ExpectLine>, Vec<Diagnostic>) {
        parse_expectations(text, "requests.txt")
    }

    fn one(text: &str) -> Vec<Expectation> {
        let (_, lines, diags) = parse(text);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(lines.len(), 1);
        lines.into_iter().next().map(|l| l.items).unwrap_or_default()
    }

    fn error_of(text: &str) -> Diagnostic {
        let (_, _, diags) = parse(text);
        assert_eq!(diags.len(), 1, "{diags:?}");
        diags.into_iter().next().expect("one diagnostic")
    }

    fn block(label: &str) -> Option<BlockRef> {
        Some(BlockRef { label: label.to_string(), ..BlockRef::default() })
    }

    /// A result for line 1 that went to an upstream.
    fn proxied() -> RouteResult {
        RouteResult {
            line: 1,
            request: "GET http://shop.example.com/api/v1/cart".into(),
            status: Some(200),
            source: Source::Upstream,
            upstream: Some(UpstreamHit {
                upstream: "api_backend".into(),
                server: "10.0.0.5:8080".into(),
                protocol: "http".into(),
                method: "GET".into(),
                uri: "/v1/cart".into(),
                host: Some("api_backend".into()),
                ..UpstreamHit::default()
            }),
            server: block("shop.example.com"),
            location_block: block("^~ /api/"),
            ..RouteResult::default()
        }
    }

    /// A result for line 1 that nginx answered itself.
    fn answered() -> RouteResult {
        RouteResult {
            line: 1,
            request: "GET http://shop.example.com/old".into(),
            status: Some(301),
            location: Some("http://shop.example.com/new".into()),
            source: Source::Body,
            body: Some("moved, see /new".into()),
            file: None,
            server: block("shop.example.com"),
            location_block: block("= /old"),
            ..RouteResult::default()
        }
    }

    fn served() -> RouteResult {
        RouteResult {
            line: 1,
            request: "GET http://shop.example.com/static/a.css".into(),
            status: Some(200),
            source: Source::File,
            file: Some("/var/www/static/a.css".into()),
            server: block("shop.example.com"),
            location_block: block("^~ /static/"),
            ..RouteResult::default()
        }
    }

    /// Evaluates one line of text against one result and returns each check's pass flag.
    fn verdicts(text: &str, result: RouteResult) -> Vec<bool> {
        let (_, lines, diags) = parse(text);
        assert!(diags.is_empty(), "{diags:?}");
        let outcomes = evaluate(&lines, &[result]);
        outcomes[0].checks.iter().map(|c| c.pass).collect()
    }

    const REQ: &str = "GET http://shop.example.com/x";

    #[test]
    fn blanks_expectations_but_keeps_lines_and_offsets() {
        let text = "# comment => not parsed\nGET http://a/ => status 200\r\n\nGET http://b/ header:X=1\n";
        let (blanked, lines, diags) = parse(text);
        assert!(diags.is_empty());
        assert_eq!(blanked.len(), text.len());
        assert_eq!(blanked.lines().count(), text.lines().count());
        assert!(blanked.contains("GET http://a/              \r\n"));
        assert!(blanked.contains("# comment => not parsed"));
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].line, 2);
        assert_eq!(lines[0].request, "GET http://a/");
    }

    #[test]
    fn arrow_inside_quotes_is_part_of_the_request() {
        let text = "GET http://a/ \"header:X-A=a => b\" => status 200\n";
        let (blanked, lines, _) = parse(text);
        assert!(blanked.contains("\"header:X-A=a => b\""));
        assert_eq!(lines[0].items[0].field, Field::Status);
        // `=>` glued to other text is not the separator.
        let (_, lines, _) = parse("GET http://a/?x=>y\n");
        assert!(lines.is_empty());
    }

    #[test]
    fn item_spans_point_at_the_items() {
        let line = "GET http://a/ => upstream api, status 200";
        let items = one(line);
        assert_eq!(&line[items[0].start..items[0].end], "upstream api");
        assert_eq!(&line[items[1].start..items[1].end], "status 200");
    }

    #[test]
    fn status_pass_fail_and_syntax() {
        assert_eq!(verdicts(&format!("{REQ} => status 200"), proxied()), [true]);
        assert_eq!(verdicts(&format!("{REQ} => status 502"), proxied()), [false]);
        let mut silent = proxied();
        silent.status = None;
        assert_eq!(verdicts(&format!("{REQ} => status none"), silent.clone()), [true]);
        assert_eq!(verdicts(&format!("{REQ} => status 444"), silent), [false]);
        for bad in ["20", "2000", "abc", "099"] {
            assert_eq!(error_of(&format!("{REQ} => status {bad}")).code, "expect-bad-status", "{bad}");
        }
        let d = error_of(&format!("{REQ} => status"));
        assert_eq!(d.code, "expect-missing-value");
        assert_eq!(d.message, "missing value for \"status\" in requests.txt:1");
    }

    #[test]
    fn vhost_pass_fail_and_syntax() {
        assert_eq!(verdicts(&format!("{REQ} => vhost shop.example.com"), proxied()), [true]);
        assert_eq!(verdicts(&format!("{REQ} => vhost example.com"), proxied()), [false]);
        assert_eq!(error_of(&format!("{REQ} => vhost ,status 200")).code, "expect-missing-value");
    }

    #[test]
    fn location_pass_fail_and_syntax() {
        assert_eq!(verdicts(&format!("{REQ} => location ^~ /api/"), proxied()), [true]);
        assert_eq!(verdicts(&format!("{REQ} => location /api/"), proxied()), [false]);
        assert_eq!(verdicts(&format!("{REQ} => location = /old"), answered()), [true]);
        let mut regex = proxied();
        regex.location_block = block("~ ^/a{1,3}$");
        assert_eq!(verdicts(&format!("{REQ} => location \"~ ^/a{{1,3}}$\""), regex), [true]);
        assert_eq!(error_of(&format!("{REQ} => location")).code, "expect-missing-value");
    }

    #[test]
    fn upstream_pass_fail_and_syntax() {
        assert_eq!(verdicts(&format!("{REQ} => upstream api_backend"), proxied()), [true]);
        assert_eq!(verdicts(&format!("{REQ} => upstream legacy_backend"), proxied()), [false]);
        assert_eq!(verdicts(&format!("{REQ} => upstream none"), answered()), [true]);
        assert_eq!(verdicts(&format!("{REQ} => upstream none"), proxied()), [false]);
        assert_eq!(error_of(&format!("{REQ} => upstream \"api")).code, "expect-bad-quote");
    }

    #[test]
    fn server_pass_fail_and_syntax() {
        assert_eq!(verdicts(&format!("{REQ} => server 10.0.0.5:8080"), proxied()), [true]);
        assert_eq!(verdicts(&format!("{REQ} => server 10.0.0.6:8080"), proxied()), [false]);
        assert_eq!(verdicts(&format!("{REQ} => server 10.0.0.5:8080"), answered()), [false]);
        assert_eq!(error_of(&format!("{REQ} => server \"a\" b")).code, "expect-bad-value");
    }

    #[test]
    fn uri_pass_fail_and_syntax() {
        assert_eq!(verdicts(&format!("{REQ} => uri /v1/cart"), proxied()), [true]);
        assert_eq!(verdicts(&format!("{REQ} => uri /api/v1/cart"), proxied()), [false]);
        assert_eq!(error_of(&format!("{REQ} => uri   ")).code, "expect-missing-value");
    }

    #[test]
    fn host_pass_fail_and_syntax() {
        assert_eq!(verdicts(&format!("{REQ} => host api_backend"), proxied()), [true]);
        assert_eq!(verdicts(&format!("{REQ} => host shop.example.com"), proxied()), [false]);
        assert_eq!(error_of(&format!("{REQ} => host api |")).code, "expect-missing-value");
        assert_eq!(error_of(&format!("{REQ} => host/x")).code, "expect-bad-value");
    }

    #[test]
    fn file_pass_fail_and_syntax() {
        assert_eq!(verdicts(&format!("{REQ} => file /var/www/static/a.css"), served()), [true]);
        assert_eq!(verdicts(&format!("{REQ} => file /var/www/a.css"), served()), [false]);
        assert_eq!(verdicts(&format!("{REQ} => file none"), proxied()), [true]);
        assert_eq!(error_of(&format!("{REQ} => file, status 200")).code, "expect-missing-value");
    }

    #[test]
    fn redirect_pass_fail_and_syntax() {
        assert_eq!(verdicts(&format!("{REQ} => redirect http://shop.example.com/new"), answered()), [true]);
        assert_eq!(verdicts(&format!("{REQ} => redirect /new"), answered()), [false]);
        assert_eq!(verdicts(&format!("{REQ} => redirect none"), proxied()), [true]);
        assert_eq!(error_of(&format!("{REQ} => redirect")).code, "expect-missing-value");
    }

    #[test]
    fn body_pass_fail_and_syntax() {
        assert_eq!(verdicts(&format!("{REQ} => body \"moved, see /new\""), answered()), [true]);
        assert_eq!(verdicts(&format!("{REQ} => body moved"), answered()), [false]);
        let mut multi = answered();
        multi.body = Some("a \"quoted\"\nline".into());
        assert_eq!(verdicts(&format!("{REQ} => body \"a \\\"quoted\\\"\\nline\""), multi), [true]);
        assert_eq!(error_of(&format!("{REQ} => body \"unterminated, status 200")).code, "expect-bad-quote");
    }

    #[test]
    fn source_pass_fail_and_syntax() {
        assert_eq!(verdicts(&format!("{REQ} => source upstream"), proxied()), [true]);
        assert_eq!(verdicts(&format!("{REQ} => source file"), proxied()), [false]);
        assert_eq!(error_of(&format!("{REQ} => source disk")).code, "expect-bad-source");
    }

    #[test]
    fn unknown_field_and_empty_items_are_reported_with_their_line() {
        let d = error_of(&format!("# header\n{REQ} => x 1, status 200"));
        assert_eq!(d.code, "expect-unknown-field");
        assert_eq!(d.line, Some(2));
        assert!(d.message.starts_with("unknown expectation field \"x\""), "{}", d.message);
        assert_eq!(error_of(&format!("{REQ} =>")).code, "expect-empty");
        assert_eq!(error_of(&format!("{REQ} => status 200,")).code, "expect-empty");
        assert_eq!(error_of(&format!("{REQ} => status 200,, uri /")).message, "empty expectation in requests.txt:1");
        assert_eq!(error_of(&format!("{REQ} => !x")).message, "expected a field name, found \"!x\" in requests.txt:1");
        // The valid item on a line with a bad one is kept.
        let (_, lines, _) = parse(&format!("{REQ} => bogus 1, status 200"));
        assert_eq!(lines[0].items.len(), 1);
        assert_eq!(lines[0].items[0].field, Field::Status);
    }

    #[test]
    fn field_names_are_case_insensitive() {
        assert_eq!(one(&format!("{REQ} => Status 200"))[0].field, Field::Status);
    }

    #[test]
    fn repeated_requests_take_one_value_or_a_sequence() {
        let a = proxied();
        let mut b = proxied();
        if let Some(u) = b.upstream.as_mut() {
            u.server = "10.0.0.6:8080".into();
        }
        let text = format!("{REQ} repeat=3 => upstream api_backend, server 10.0.0.5:8080 | 10.0.0.6:8080 | 10.0.0.5:8080, server 10.0.0.5:8080");
        let (_, lines, diags) = parse(&text);
        assert!(diags.is_empty(), "{diags:?}");
        let outcome = &evaluate(&lines, &[a.clone(), b.clone(), a.clone()])[0];
        let passes: Vec<bool> = outcome.checks.iter().map(|c| c.pass).collect();
        assert_eq!(passes, [true, true, false]);
        assert_eq!(outcome.checks[2].actual.as_deref(), Some("10.0.0.5:8080 | 10.0.0.6:8080 | 10.0.0.5:8080"));
        // A sequence of the wrong length fails.
        let outcome = &evaluate(&lines, &[a.clone(), b])[0];
        assert!(!outcome.checks[1].pass);
    }

    #[test]
    fn a_line_without_results_fails() {
        let (_, lines, _) = parse(&format!("{REQ} => status 200"));
        let outcomes = evaluate(&lines, &[]);
        assert!(!outcomes[0].pass());
        assert!(outcomes[0].error.is_some());
    }

    #[test]
    fn summary_counts_checks_and_requests() {
        let text = format!("{REQ} => status 200, upstream api_backend\n{REQ} => status 404\n");
        let (_, lines, _) = parse(&text);
        let mut second = proxied();
        second.line = 2;
        let s = Summary::of(&evaluate(&lines, &[proxied(), second]));
        assert_eq!((s.requests, s.requests_failed, s.checks, s.checks_failed), (2, 1, 3, 1));
        assert_eq!(s.text(), "2 of 3 expectations hold (1 request failing)");
        assert!(!s.all_hold());
    }

    #[test]
    fn record_replaces_expectations_and_round_trips() {
        let text = format!("# keep me\n{REQ} => status 404\n\nGET http://shop.example.com/old\n");
        let mut first = proxied();
        first.line = 2;
        let mut second = answered();
        second.line = 4;
        let results = [first, second];
        let recorded = record(&text, &results);
        let lines: Vec<&str> = recorded.lines().collect();
        assert_eq!(lines[0], "# keep me");
        assert_eq!(lines[1], format!("{REQ} => location ^~ /api/, upstream api_backend, server 10.0.0.5:8080, uri /v1/cart, status 200"));
        assert_eq!(lines[3], "GET http://shop.example.com/old => location = /old, body \"moved, see /new\", redirect http://shop.example.com/new, status 301");
        let (_, parsed, diags) = parse(&recorded);
        assert!(diags.is_empty(), "{diags:?}");
        assert!(Summary::of(&evaluate(&parsed, &results)).all_hold());
    }

    proptest::proptest! {
        #[test]
        fn any_text_parses_without_panicking_and_keeps_its_shape(text in "([ -~]|é|\\n|=>|\\||,|\"){0,80}") {
            let (blanked, lines, _) = parse(&text);
            proptest::prop_assert_eq!(blanked.len(), text.len());
            proptest::prop_assert_eq!(blanked.matches('\n').count(), text.matches('\n').count());
            for l in &lines {
                for item in &l.items {
                    proptest::prop_assert!(item.start <= item.end && !item.values.is_empty());
                }
            }
            let results: Vec<RouteResult> = lines.iter().map(|l| RouteResult { line: l.line, ..answered() }).collect();
            let _ = evaluate(&lines, &results);
            let _ = record(&text, &results);
        }

        #[test]
        fn recorded_values_parse_back(body in "([ -~]|é|\\n|\\t){0,40}") {
            let mut r = answered();
            r.body = Some(body.clone());
            let text = record(&format!("{REQ}\n"), &[r.clone()]);
            let (_, lines, diags) = parse(&text);
            proptest::prop_assert!(diags.is_empty(), "{:?} for {:?}", diags, text);
            proptest::prop_assert!(Summary::of(&evaluate(&lines, &[r])).all_hold(), "{}", text);
        }
    }

    #[test]
    fn written_values_parse_back() {
        for v in ["plain", "", "none", "a, b", " padded ", "\"q\"", "x | y", "tab\there", "back\\slash"] {
            let line = format!("{REQ} => body {}", write_value(Some(v)));
            let items = one(&line);
            assert_eq!(items[0].values, vec![Some(v.to_string())], "{line}");
        }
    }
}
