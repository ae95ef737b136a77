//! Training exercises: parsing the plain-text `.exercise` format shared by the CLI, the web app and the tests.
//!
//! ```text
//! id: location-priority
//! title: Which location wins?
//! level: beginner
//!
//! === story
//! Free text.
//! === config nginx.conf
//! server { ... }
//! === requests
//! GET http://example.com/ => status 200
//! === files
//! /var/www/html/index.html
//! === backends
//! legacy down
//! === hint
//! First hint.
//! === hint
//! Second hint.
//! === solution nginx.conf
//! server { ... }
//! ```
//!
//! `exercises/README.md` documents the format for instructors.

use serde::{Deserialize, Serialize};

use crate::api::{analyze, route, ConfigTest, RouteInputs};
use crate::check::CheckOptions;
use crate::diag::{Diagnostic, Level};
use crate::expect::{evaluate, parse_expectations, Outcome, Summary};
use crate::vfs::FileSet;

/// How hard an exercise is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Difficulty {
    Beginner,
    Intermediate,
    Advanced,
}

impl Difficulty {
    pub fn name(self) -> &'static str {
        match self {
            Difficulty::Beginner => "beginner",
            Difficulty::Intermediate => "intermediate",
            Difficulty::Advanced => "advanced",
        }
    }
}

/// One config file of an exercise. The first file of a set is the main config; others are included by it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExerciseFile {
    /// `nginx.conf` for the main file, an absolute path such as `/etc/nginx/snippets/proxy.conf` for others.
    pub path: String,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exercise {
    pub id: String,
    pub title: String,
    pub level: Difficulty,
    pub story: String,
    /// The starting config, which fails at least one expectation.
    pub config: Vec<ExerciseFile>,
    /// Request lines with expectations: the goal.
    pub requests: String,
    /// `files.txt` content: static files that exist.
    pub files: String,
    /// `backends.txt` content: how backends behave.
    pub backends: String,
    /// Hints, from gentle to nearly the answer.
    pub hints: Vec<String>,
    /// A config that meets every expectation.
    pub solution: Vec<ExerciseFile>,
}

/// Parses one exercise. `name` is used in diagnostics. Returns `None` when a required part is missing.
pub fn parse_exercise(text: &str, name: &str) -> (Option<Exercise>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut err = |line: u32, code: &str, msg: String| diags.push(Diagnostic::in_input(Level::Error, code, msg, name, line));

    let mut meta: Vec<(String, String, u32)> = Vec::new();
    let mut sections: Vec<Section> = Vec::new();
    for (idx, raw) in text.lines().enumerate() {
        let line_no = (idx + 1) as u32;
        if let Some(head) = raw.strip_prefix("===") {
            let mut words = head.split_whitespace();
            let kind = words.next().unwrap_or("").to_string();
            let arg = words.next().map(str::to_string);
            if words.next().is_some() {
                err(line_no, "exercise-bad-section", format!("too many words in section header \"{}\"", raw.trim()));
            }
            sections.push(Section { kind, arg, line: line_no, body: Vec::new() });
            continue;
        }
        match sections.last_mut() {
            Some(s) => s.body.push(raw),
            None => {
                let t = raw.trim();
                if t.is_empty() || t.starts_with('#') {
                    continue;
                }
                match t.split_once(':') {
                    Some((k, v)) => meta.push((k.trim().to_ascii_lowercase(), v.trim().to_string(), line_no)),
                    None => err(line_no, "exercise-bad-header", format!("expected \"key: value\", found \"{t}\"")),
                }
            }
        }
    }

    let mut id = None;
    let mut title = None;
    let mut level = None;
    for (k, v, line) in meta {
        let slot = match k.as_str() {
            "id" => &mut id,
            "title" => &mut title,
            "level" => &mut level,
            _ => {
                err(line, "exercise-bad-header", format!("unknown key \"{k}\" (known: id, title, level)"));
                continue;
            }
        };
        if slot.is_some() {
            err(line, "exercise-duplicate", format!("duplicate \"{k}\""));
        }
        *slot = Some((v, line));
    }
    let level = level.and_then(|(v, line)| match v.to_ascii_lowercase().as_str() {
        "beginner" => Some(Difficulty::Beginner),
        "intermediate" => Some(Difficulty::Intermediate),
        "advanced" => Some(Difficulty::Advanced),
        _ => {
            err(line, "exercise-bad-level", format!("bad level \"{v}\": expected beginner, intermediate or advanced"));
            None
        }
    });

    let mut ex = Exercise {
        id: id.map(|v| v.0).unwrap_or_default(),
        title: title.map(|v| v.0).unwrap_or_default(),
        level: level.unwrap_or(Difficulty::Beginner),
        story: String::new(),
        config: Vec::new(),
        requests: String::new(),
        files: String::new(),
        backends: String::new(),
        hints: Vec::new(),
        solution: Vec::new(),
    };
    let mut requests_line = 0;
    for s in &sections {
        let body = s.text();
        let single = |slot: &mut String, err: &mut dyn FnMut(u32, &str, String)| {
            if !slot.is_empty() {
                err(s.line, "exercise-duplicate", format!("duplicate \"=== {}\" section", s.kind));
            }
            *slot = body.clone();
        };
        match s.kind.as_str() {
            "story" => single(&mut ex.story, &mut err),
            "requests" => {
                requests_line = s.line;
                single(&mut ex.requests, &mut err)
            }
            "files" => single(&mut ex.files, &mut err),
            "backends" => single(&mut ex.backends, &mut err),
            "hint" => ex.hints.push(body.trim_end().to_string()),
            "config" | "solution" => {
                let list = if s.kind == "config" { &mut ex.config } else { &mut ex.solution };
                let path = s.arg.clone().unwrap_or_else(|| "nginx.conf".to_string());
                if list.iter().any(|f| f.path == path) {
                    err(s.line, "exercise-duplicate", format!("duplicate file \"{path}\" in \"=== {}\"", s.kind));
                }
                list.push(ExerciseFile { path, text: body });
            }
            other => err(s.line, "exercise-bad-section", format!("unknown section \"{other}\" (known: story, config, requests, files, backends, hint, solution)")),
        }
    }

    let required = [
        ("id", ex.id.is_empty()),
        ("title", ex.title.is_empty()),
        ("level", level.is_none()),
        ("=== config", ex.config.is_empty()),
        ("=== requests", ex.requests.trim().is_empty()),
        ("=== solution", ex.solution.is_empty()),
    ];
    let mut complete = true;
    for (what, missing) in required {
        if missing {
            complete = false;
            err(1, "exercise-missing", format!("missing \"{what}\""));
        }
    }
    if !ex.requests.is_empty() {
        let (_, lines, expect_diags) = parse_expectations(&ex.requests, name);
        // Lines inside the section are reported at their line in the exercise file.
        diags.extend(expect_diags.into_iter().map(|d| {
            let line = d.line.unwrap_or(0) + requests_line;
            let text = d.message.rsplit_once(" in ").map_or(d.message.as_str(), |(t, _)| t);
            Diagnostic::in_input(d.level, &d.code, text, name, line)
        }));
        if lines.iter().all(|l| l.items.is_empty()) {
            complete = false;
            diags.push(Diagnostic::in_input(Level::Error, "exercise-no-goal", "no request has an expectation", name, requests_line));
        }
    }
    (complete.then_some(ex), diags)
}

/// How a config fares against an exercise's goal.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Attempt {
    pub config_test: ConfigTest,
    /// One per request line with expectations; every check fails when the config does not load.
    pub outcomes: Vec<Outcome>,
    pub summary: Summary,
    /// Problems in the exercise's requests, files or backends texts.
    pub diagnostics: Vec<Diagnostic>,
}

impl Attempt {
    /// Whether the config loads and meets every expectation.
    pub fn solved(&self) -> bool {
        self.config_test.ok && self.summary.all_hold()
    }
}

/// Runs an exercise's requests against `config` (its start, its solution or a learner's edit) and checks the goal.
/// The first file is the main config; the others are placed at their paths for `include`.
pub fn attempt(ex: &Exercise, config: &[ExerciseFile]) -> Attempt {
    let mut files = FileSet::default();
    for f in config.iter().skip(1) {
        files.add(&f.path, f.text.clone());
    }
    let (name, text) = config.first().map_or(("nginx.conf", ""), |f| (f.path.as_str(), f.text.as_str()));
    let opts = CheckOptions { unresolvable: nxdomain_names(&ex.backends), ..CheckOptions::default() };
    let analysis = analyze(files, name, text, None, &opts);
    let (requests, expectations, mut diagnostics) = parse_expectations(&ex.requests, "requests.txt");
    let output = route(&analysis, &RouteInputs { requests: &requests, files: &ex.files, backends: &ex.backends });
    diagnostics.extend(output.diagnostics);
    let outcomes = evaluate(&expectations, &output.results);
    let summary = Summary::of(&outcomes);
    Attempt { config_test: analysis.config_test, outcomes, summary, diagnostics }
}

/// The keys of a backends text marked `nxdomain`.
fn nxdomain_names(backends: &str) -> Vec<String> {
    backends
        .lines()
        .filter_map(|l| {
            let mut words = l.split('#').next().unwrap_or("").split_whitespace();
            let key = words.next()?;
            words.any(|w| w == "nxdomain").then(|| key.to_string())
        })
        .collect()
}

/// A `=== kind [arg]` section and its lines.
struct Section<'a> {
    kind: String,
    arg: Option<String>,
    line: u32,
    body: Vec<&'a str>,
}

impl Section<'_> {
    /// The section's lines without trailing blank lines, ending with a newline when not empty.
    fn text(&self) -> String {
        let mut end = self.body.len();
        while end > 0 && self.body[end - 1].trim().is_empty() {
            end -= 1;
        }
        let mut out = String::new();
        for l in &self.body[..end] {
            out.push_str(l);
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
# A comment before the header.
id: sample
title: A sample
level: Intermediate

=== story
Users see 502s.

=== config nginx.conf
server {
    listen 80;
}
=== config /etc/nginx/snippets/x.conf
proxy_set_header Host $host;
=== requests
# the goal
GET http://example.com/ => status 200
=== files
/var/www/html/index.html
=== backends
legacy down
=== hint
Look at the upstream.
=== hint
Use the api upstream.

=== solution
server { listen 80; }
";

    #[test]
    fn parses_every_part() {
        let (ex, diags) = parse_exercise(SAMPLE, "sample.exercise");
        assert!(diags.is_empty(), "{diags:?}");
        let ex = ex.expect("complete");
        assert_eq!(ex.id, "sample");
        assert_eq!(ex.level, Difficulty::Intermediate);
        assert_eq!(ex.story, "Users see 502s.\n");
        assert_eq!(ex.config.len(), 2);
        assert_eq!(ex.config[0].path, "nginx.conf");
        assert_eq!(ex.config[0].text, "server {\n    listen 80;\n}\n");
        assert_eq!(ex.config[1].path, "/etc/nginx/snippets/x.conf");
        assert_eq!(ex.requests, "# the goal\nGET http://example.com/ => status 200\n");
        assert_eq!(ex.files, "/var/www/html/index.html\n");
        assert_eq!(ex.backends, "legacy down\n");
        assert_eq!(ex.hints, ["Look at the upstream.", "Use the api upstream."]);
        assert_eq!(ex.solution[0].path, "nginx.conf");
    }

    #[test]
    fn reports_missing_parts_and_bad_values() {
        let (ex, diags) = parse_exercise("id: x\nlevel: expert\nnonsense\n=== novel\n", "x.exercise");
        assert!(ex.is_none());
        let codes: Vec<&str> = diags.iter().map(|d| d.code.as_str()).collect();
        assert!(codes.contains(&"exercise-bad-level"), "{codes:?}");
        assert!(codes.contains(&"exercise-bad-header"), "{codes:?}");
        assert!(codes.contains(&"exercise-bad-section"), "{codes:?}");
        assert!(diags.iter().any(|d| d.message.starts_with("missing \"title\"")));
        assert!(diags.iter().any(|d| d.message.starts_with("missing \"=== solution\"")));
    }

    #[test]
    fn requests_need_a_goal_and_valid_expectations() {
        let text = SAMPLE.replace("GET http://example.com/ => status 200", "GET http://example.com/ => statuz 200");
        let (ex, diags) = parse_exercise(&text, "s.exercise");
        assert!(ex.is_none());
        let bad = diags.iter().find(|d| d.code == "expect-unknown-field").expect("reported");
        // The requests section starts at line 15; the request is its second line.
        assert_eq!(bad.line, Some(17));
        assert!(bad.message.ends_with(" in s.exercise:17"), "{}", bad.message);
        assert!(diags.iter().any(|d| d.code == "exercise-no-goal"));
    }
}
