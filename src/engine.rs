//! The adapter between the engine crate and the app: runs a workspace and translates results into view shapes.
//!
//! This is the only module that names engine types beyond the lexer and the dump splitter. Until the
//! engine's checker and simulator are wired into `ngxplay_core::api`, it reports syntax and include
//! errors from the loader and says plainly that the simulator is not available.

use ngxplay_core::ast::{Include, Node};
use ngxplay_core::diag::Diagnostic;
use ngxplay_core::load::{load_text, Config};
use ngxplay_core::span::Span;
use ngxplay_core::vfs::FileSet;

use crate::protocol::{Diag, Job, Outcome, Place, Severity};
use crate::workspace::{absolute_path, Workspace};

/// Shown instead of results while the engine has no routing simulator.
pub const SIMULATOR_MISSING: &str = "The routing simulator is not available in this build of the engine yet.";

/// Runs a job: check the config, then simulate every request.
pub fn run(job: &Job) -> Outcome {
    let config = load(&job.workspace);
    let mut diagnostics: Vec<Diag> = Vec::new();
    collect_load_errors(&config, &mut diagnostics);
    let config_ok = !diagnostics.iter().any(|d| d.severity == Severity::Error);
    let results = if config_ok {
        Err(SIMULATOR_MISSING.to_string())
    } else {
        Err("nginx would refuse this config, so no request is simulated.".to_string())
    };
    Outcome { id: job.id, config_ok, diagnostics, results, millis: None }
}

/// Runs a JSON-encoded [`Job`] and answers with a JSON-encoded [`Outcome`]; the worker's whole job.
/// `now` is a millisecond clock used to report how long the engine took.
pub fn run_json_timed(text: &str, now: fn() -> f64) -> String {
    let outcome = match serde_json::from_str::<Job>(text) {
        Ok(job) => {
            let t0 = now();
            let mut out = run(&job);
            out.millis = Some(now() - t0);
            out
        }
        Err(e) => Outcome {
            id: 0,
            config_ok: false,
            diagnostics: vec![],
            results: Err(format!("the engine worker could not read its job: {e}")),
            millis: None,
        },
    };
    serde_json::to_string(&outcome).unwrap_or_default()
}

/// Builds the file set from the tabs (the first tab is the main file) and loads it.
fn load(ws: &Workspace) -> Config {
    let mut files = FileSet::default();
    for f in ws.files.iter().skip(1) {
        let abs = absolute_path(&f.path);
        files.insert(&abs, &abs, f.text.clone());
    }
    let (name, text) = match ws.files.first() {
        Some(f) => (f.path.as_str(), f.text.as_str()),
        None => ("nginx.conf", ""),
    };
    load_text(files, name, text, None)
}

fn collect_load_errors(config: &Config, out: &mut Vec<Diag>) {
    let mut stack: Vec<&[Node]> = config.parsed.iter().map(|p| p.items.as_slice()).collect();
    while let Some(items) = stack.pop() {
        for node in items {
            match node {
                Node::Error(d) => out.push(diag(config, d, "config")),
                Node::Directive(dir) => {
                    if let Some(Include::Failed(text)) = &dir.include {
                        let file = config.files.get(dir.term.file);
                        let line = file.line_of(dir.term.start as usize);
                        let d = Diagnostic::at(ngxplay_core::Level::Emerg, "include-failed", text.clone(), &file.display, line, dir.span());
                        out.push(diag(config, &d, "config"));
                    }
                    if let Some(b) = &dir.block {
                        stack.push(b.items.as_slice());
                    }
                }
            }
        }
    }
    out.sort_by_key(|d| d.place.as_ref().map(|p| (p.path.clone(), p.line)));
}

/// Where a span sits: its file's path and its line range.
pub fn place(config: &Config, span: Span) -> Option<Place> {
    if span.file as usize >= config.files.len() {
        return None;
    }
    let f = config.files.get(span.file);
    let line = f.line_of(span.start as usize);
    let end_line = f.line_of((span.end.max(span.start + 1) - 1) as usize).max(line);
    Some(Place { path: Some(f.path.clone()), file: Some(f.display.clone()), line, end_line })
}

/// Translates an engine diagnostic.
pub fn diag(config: &Config, d: &Diagnostic, input: &str) -> Diag {
    let severity = if d.level.is_fatal() {
        Severity::Error
    } else if matches!(d.level, ngxplay_core::Level::Error | ngxplay_core::Level::Warn) {
        Severity::Warning
    } else {
        Severity::Info
    };
    let place = match d.span {
        Some(span) if input == "config" => place(config, span),
        _ => d.line.map(|line| Place { path: None, file: d.file.clone(), line, end_line: line }),
    };
    let level = serde_json::to_value(d.level).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    Diag { severity, level, code: d.code.clone(), message: d.message.clone(), place, input: input.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::ConfigFile;

    fn job(files: &[(&str, &str)]) -> Job {
        Job {
            id: 7,
            workspace: Workspace {
                files: files.iter().map(|(p, t)| ConfigFile { path: p.to_string(), text: t.to_string() }).collect(),
                requests: "GET http://a/\n".into(),
                static_files: String::new(),
                backends: String::new(),
            },
        }
    }

    #[test]
    fn syntax_error_points_at_its_tab_and_line() {
        let out = run(&job(&[("nginx.conf", "server {\n  listen 80;\n}\n"), ("conf.d/a.conf", "server {\n  listen 80\n}\n")]));
        assert_eq!(out.id, 7);
        assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
        let out = run(&job(&[("nginx.conf", "include conf.d/*.conf;\n"), ("conf.d/a.conf", "server {\n  listen 80\n}\n")]));
        let d = out.diagnostics.first().expect("a diagnostic");
        let p = d.place.as_ref().expect("a place");
        assert_eq!(p.path.as_deref(), Some("/etc/nginx/conf.d/a.conf"));
        assert!(!out.config_ok);
    }

    #[test]
    fn missing_include_is_reported() {
        let out = run(&job(&[("nginx.conf", "server {\n  include snippets/nope.conf;\n}\n")]));
        let d = out.diagnostics.first().expect("a diagnostic");
        assert_eq!(d.place.as_ref().map(|p| p.line), Some(2));
    }
}
