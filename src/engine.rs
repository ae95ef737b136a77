//! The adapter between the engine crate and the app: runs a workspace and translates results into view shapes.
//!
//! This is the only module that names engine types beyond the lexer and the dump splitter, so engine
//! changes stop here.

use ngxplay_core::api::{analyze, route, Analysis, RouteInputs, RouteOutput};
use ngxplay_core::check::CheckOptions;
use ngxplay_core::{compare, expect};
use ngxplay_core::diag::Diagnostic;
use ngxplay_core::load::Config;
use ngxplay_core::route::inputs::parse_backends;
use ngxplay_core::route::result::{BlockRef, RouteResult, UpstreamHit};
use ngxplay_core::span::Span;
use ngxplay_core::vfs::FileSet;

use crate::protocol::{
    BlockView, ChangeView, CheckView, CompareRow, CompareView, Diag, ExpectSummary, ExpectView, Job,
    Outcome, Place, ResultView, Severity, StepView, UpstreamView,
};
use crate::workspace::{absolute_path, ConfigFile, Workspace};

/// Shown instead of results when `nginx -t` would fail.
pub const CONFIG_REJECTED: &str = "nginx would refuse to start with this config (see the errors under the editor), so no request is simulated.";

/// Runs a job: check the config, then simulate every request and check the expectations written on them;
/// in compare mode, run the baseline files too and compare the two sets of results.
pub fn run(job: &Job) -> Outcome {
    let ws = &job.workspace;
    // Expectations are blanked out (lines and offsets stay), so the simulator sees plain request lines.
    let (requests, expectations, expect_diags) =
        expect::parse_expectations(&ws.requests, "requests.txt");
    let current = simulate(&ws.files, ws, &requests);
    let tr = Translator::new(&ws.files);
    let config = &current.analysis.config;
    let test = &current.analysis.config_test;
    let mut diagnostics: Vec<Diag> = test
        .errors
        .iter()
        .chain(test.warnings.iter())
        .map(|d| tr.diag(config, d, "config"))
        .collect();
    diagnostics.extend(
        expect_diags
            .iter()
            .chain(current.out.diagnostics.iter())
            .map(|d| tr.diag(config, d, input_of(d))),
    );
    let routed: &[RouteResult] = if test.ok { &current.out.results } else { &[] };
    let outcomes = expect::evaluate(&expectations, routed);
    let expect_summary = (!expectations.is_empty()).then(|| {
        let s = expect::Summary::of(&outcomes);
        ExpectSummary {
            text: s.text(),
            checks: s.checks,
            checks_failed: s.checks_failed,
            all_hold: s.all_hold(),
        }
    });
    let results = if test.ok {
        let mut views: Vec<ResultView> = routed.iter().map(|r| tr.result(config, r)).collect();
        // A line whose only item had a syntax error has nothing to check; its diagnostic says why.
        for o in outcomes.iter().filter(|o| !o.checks.is_empty() || o.error.is_some()) {
            if let Some(v) = views.iter_mut().find(|v| v.line == o.line) {
                v.expect = Some(expect_view(o));
            }
        }
        Ok(views)
    } else {
        Err(CONFIG_REJECTED.to_string())
    };
    let recorded = (!routed.is_empty()).then(|| expect::record(&ws.requests, routed));
    let compare = match (&ws.baseline, job.compare) {
        (Some(base), true) => Some(compare_with(base, ws, &requests, &current)),
        (None, true) => Some(CompareView {
            rows: Err("There is no baseline yet: save the current files as the baseline, or paste one.".into()),
        }),
        _ => None,
    };
    Outcome {
        id: job.id,
        config_ok: test.ok,
        diagnostics,
        results,
        millis: None,
        expect_summary,
        recorded,
        compare,
    }
}

/// One config's analysis and routing results.
struct Simulation {
    analysis: Analysis,
    out: RouteOutput,
}

fn simulate(files: &[ConfigFile], ws: &Workspace, requests: &str) -> Simulation {
    let opts = CheckOptions {
        unresolvable: parse_backends(&ws.backends, "backends.txt").0.nxdomain_names(),
        ..CheckOptions::default()
    };
    let (set, name, text) = file_set(files);
    let analysis = analyze(set, &name, &text, None, &opts);
    let out = route(
        &analysis,
        &RouteInputs {
            requests,
            files: &ws.static_files,
            backends: &ws.backends,
        },
    );
    Simulation { analysis, out }
}

/// Runs the baseline files with the same requests and lists every request with what changed.
fn compare_with(base: &[ConfigFile], ws: &Workspace, requests: &str, current: &Simulation) -> CompareView {
    let before = simulate(base, ws, requests);
    let rows = if !before.analysis.config_test.ok {
        Err("nginx -t would reject the baseline config, so there is nothing to compare against.".into())
    } else if !current.analysis.config_test.ok {
        Err("nginx -t would reject the current config (see the errors under the editor), so nothing is compared.".into())
    } else {
        Ok(compare::compare(&before.out.results, &current.out.results)
            .into_iter()
            .map(|d| CompareRow {
                line: d.line,
                status: current
                    .out
                    .results
                    .iter()
                    .find(|r| r.line == d.line)
                    .and_then(|r| r.status),
                request: d.request,
                changes: d
                    .changes
                    .into_iter()
                    .map(|c| ChangeView {
                        field: c.field.name().to_string(),
                        old: c.old,
                        new: c.new,
                    })
                    .collect(),
            })
            .collect())
    };
    CompareView { rows }
}

fn expect_view(o: &expect::Outcome) -> ExpectView {
    let mut checks: Vec<CheckView> = o
        .checks
        .iter()
        .map(|c| CheckView {
            field: c.field.name().to_string(),
            expected: c.expected.clone(),
            actual: expect::write_value(c.actual.as_deref()),
            pass: c.pass,
        })
        .collect();
    if let Some(e) = &o.error {
        checks.push(CheckView {
            field: "request".into(),
            expected: "a result".into(),
            actual: e.clone(),
            pass: false,
        });
    }
    ExpectView {
        pass: o.pass(),
        checks,
    }
}

/// Runs a JSON-encoded [`Job`] and answers with a JSON-encoded [`Outcome`]; the worker's whole job.
/// `now` is a millisecond clock used to report how long the engine took.
pub fn run_json_timed(text: &str, now: fn() -> f64) -> String {
    let outcome = match serde_json::from_str::<Job>(text) {
        Ok(job) => {
            let t0 = now();
            let mut out = run(&job);
            out.millis = Some((now() - t0).max(0.0).round() as u32);
            out
        }
        Err(e) => Outcome {
            id: 0,
            config_ok: false,
            diagnostics: vec![],
            results: Err(format!("the engine worker could not read its job: {e}")),
            millis: None,
            expect_summary: None,
            recorded: None,
            compare: None,
        },
    };
    serde_json::to_string(&outcome).unwrap_or_default()
}

/// The tabs as a file set (the first tab is the main file), plus the main file's name and text.
fn file_set(tabs: &[ConfigFile]) -> (FileSet, String, String) {
    let mut files = FileSet::default();
    for f in tabs.iter().skip(1) {
        let abs = absolute_path(&f.path);
        files.insert(&abs, &abs, f.text.clone());
    }
    match tabs.first() {
        Some(f) => (files, f.path.clone(), f.text.clone()),
        None => (files, "nginx.conf".into(), String::new()),
    }
}

/// Which input a route diagnostic is about, from the file name it carries.
fn input_of(d: &Diagnostic) -> &'static str {
    match d.file.as_deref() {
        Some("requests.txt") => "requests",
        Some("files.txt") => "files",
        Some("backends.txt") => "backends",
        _ => "config",
    }
}

/// Translates engine values; the loader always stores the main file as `/etc/nginx/nginx.conf`, which is
/// mapped back to the first tab's path.
struct Translator {
    root_path: Option<String>,
}

impl Translator {
    fn new(tabs: &[ConfigFile]) -> Self {
        Translator {
            root_path: tabs.first().map(|f| absolute_path(&f.path)),
        }
    }

    fn path(&self, config: &Config, file: ngxplay_core::FileId) -> String {
        if file == config.root {
            if let Some(p) = &self.root_path {
                return p.clone();
            }
        }
        config.files.get(file).path.clone()
    }

    /// Where a span sits: its file's path and its line range.
    fn place(&self, config: &Config, span: Span) -> Option<Place> {
        if span.file as usize >= config.files.len() {
            return None;
        }
        let f = config.files.get(span.file);
        let line = f.line_of(span.start as usize);
        let end_line = f
            .line_of(span.end.max(span.start + 1) as usize - 1)
            .max(line);
        Some(Place {
            path: Some(self.path(config, span.file)),
            file: Some(f.display.clone()),
            line,
            end_line,
        })
    }

    /// A place from an optional span, falling back to a bare file name and line.
    fn place_of(
        &self,
        config: &Config,
        span: Option<Span>,
        file: Option<&str>,
        line: Option<u32>,
    ) -> Option<Place> {
        span.and_then(|s| self.place(config, s)).or_else(|| {
            line.map(|line| Place {
                path: None,
                file: file.map(str::to_string),
                line,
                end_line: line,
            })
        })
    }

    fn diag(&self, config: &Config, d: &Diagnostic, input: &str) -> Diag {
        let severity = if d.level.is_fatal() {
            Severity::Error
        } else if matches!(
            d.level,
            ngxplay_core::Level::Error | ngxplay_core::Level::Warn
        ) {
            Severity::Warning
        } else {
            Severity::Info
        };
        let span = if input == "config" { d.span } else { None };
        let place = self.place_of(config, span, d.file.as_deref(), d.line);
        let level = serde_json::to_value(d.level)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        Diag {
            severity,
            level,
            code: d.code.clone(),
            message: d.message.clone(),
            place,
            input: input.to_string(),
        }
    }

    fn block(&self, config: &Config, b: &BlockRef) -> BlockView {
        BlockView {
            label: b.label.clone(),
            place: self.place_of(config, b.span, b.file.as_deref(), b.line),
        }
    }

    fn result(&self, config: &Config, r: &RouteResult) -> ResultView {
        let source = serde_json::to_value(r.source)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        ResultView {
            line: r.line,
            request: r.request.clone(),
            status: r.status,
            source,
            server: r.server.as_ref().map(|b| self.block(config, b)),
            location: r.location_block.as_ref().map(|b| self.block(config, b)),
            upstream: r.upstream.as_ref().map(upstream),
            upstream_hits: r.upstream_hits.iter().map(upstream).collect(),
            file: r.file.clone(),
            body: r.body.clone(),
            redirect: r.location.clone(),
            error: r.error.clone(),
            expect: None,
            trace: r
                .trace
                .iter()
                .map(|t| StepView {
                    message: t.message.clone(),
                    place: self.place_of(config, t.span, t.file.as_deref(), t.line),
                })
                .collect(),
        }
    }
}

fn upstream(u: &UpstreamHit) -> UpstreamView {
    UpstreamView {
        upstream: u.upstream.clone(),
        server: u.server.clone(),
        protocol: u.protocol.clone(),
        method: u.method.clone(),
        uri: u.uri.clone(),
        host: u.host.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::ConfigFile;

    fn job(files: &[(&str, &str)], requests: &str) -> Job {
        Job {
            id: 7,
            workspace: Workspace {
                files: files
                    .iter()
                    .map(|(p, t)| ConfigFile {
                        path: p.to_string(),
                        text: t.to_string(),
                    })
                    .collect(),
                requests: requests.into(),
                static_files: String::new(),
                backends: String::new(),
                baseline: None,
            },
            compare: false,
        }
    }

    #[test]
    fn syntax_error_points_at_its_tab_and_line() {
        let out = run(&job(
            &[
                ("nginx.conf", "include conf.d/*.conf;\n"),
                ("conf.d/a.conf", "server {\n  listen 80\n}\n"),
            ],
            "",
        ));
        assert_eq!(out.id, 7);
        assert!(!out.config_ok);
        let d = out.diagnostics.first().expect("a diagnostic");
        let p = d.place.as_ref().expect("a place");
        assert_eq!(p.path.as_deref(), Some("/etc/nginx/conf.d/a.conf"));
        assert!(out.results.is_err());
    }

    #[test]
    fn missing_include_is_reported_on_its_line() {
        let out = run(&job(
            &[("nginx.conf", "server {\n  include snippets/nope.conf;\n}\n")],
            "",
        ));
        let d = out.diagnostics.first().expect("a diagnostic");
        assert_eq!(d.place.as_ref().map(|p| p.line), Some(2));
    }

    #[test]
    fn requests_are_routed_and_places_map_to_tabs() {
        let conf = "upstream app {\n    server 10.0.0.1:8080;\n}\nserver {\n    listen 80;\n    server_name a.example;\n    location /api/ {\n        proxy_pass http://app/;\n    }\n}\n";
        let out = run(&job(&[("main.conf", conf)], "GET http://a.example/api/x\n"));
        assert!(out.config_ok, "{:?}", out.diagnostics);
        let results = out.results.expect("results");
        assert_eq!(results.len(), 1);
        let r = &results[0];
        assert_eq!(r.line, 1);
        let up = r.upstream.as_ref().expect("an upstream hit");
        assert_eq!(
            (up.upstream.as_str(), up.server.as_str(), up.uri.as_str()),
            ("app", "10.0.0.1:8080", "/x")
        );
        let loc = r
            .location
            .as_ref()
            .and_then(|b| b.place.as_ref())
            .expect("a location place");
        assert_eq!(loc.line, 7);
        assert_eq!(loc.path.as_deref(), Some("/etc/nginx/main.conf"));
    }

    #[test]
    fn expectations_are_checked_per_line_and_their_errors_reported() {
        let conf = "server {\n    listen 80;\n    location / { return 200 \"hi\"; }\n}\n";
        let requests = "# a comment\nGET http://a/ => status 200, body hi\nGET http://a/x => status 404\nGET http://a/y => colour red\n";
        let out = run(&job(&[("nginx.conf", conf)], requests));
        let results = out.results.expect("results");
        let verdicts: Vec<Option<bool>> = results.iter().map(|r| r.expect.as_ref().map(|e| e.pass)).collect();
        assert_eq!(verdicts, [Some(true), Some(false), None]);
        let failed = &results[1].expect.as_ref().expect("checks").checks[0];
        assert_eq!((failed.expected.as_str(), failed.actual.as_str()), ("404", "200"));
        assert_eq!(results[1].request, "GET http://a/x");
        let s = out.expect_summary.expect("a summary");
        assert_eq!(s.text, "2 of 3 expectations hold (1 request failing)");
        let d = out.diagnostics.iter().find(|d| d.input == "requests").expect("a requests diagnostic");
        assert_eq!(d.place.as_ref().map(|p| p.line), Some(4));
        assert!(d.message.contains("colour"), "{}", d.message);
        let recorded = out.recorded.expect("recorded");
        assert!(recorded.starts_with("# a comment\nGET http://a/ => "), "{recorded}");
    }
}
