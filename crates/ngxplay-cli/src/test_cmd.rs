//! `ngxplay test`: checks the expectations on request lines against the simulator, or records new ones.

use std::fs;
use std::path::Path;

use ngxplay_core::api::{route, Analysis, RouteInputs, RouteOutput};
use ngxplay_core::expect::{evaluate, parse_expectations, record, ExpectLine, Summary};
use ngxplay_core::Diagnostic;
use serde_json::json;

use crate::args::{RequestArgs, TestArgs, TestFormat};
use crate::render::level_name;
use crate::{inputs, junit, render};

/// The request-side inputs of a run, read from disk.
pub struct RequestTexts {
    /// The requests file as written, expectations included.
    pub original: String,
    pub files: String,
    pub backends: String,
}

impl RequestTexts {
    pub fn read(args: &RequestArgs, backends: Option<&Path>) -> Result<Self, String> {
        let original = inputs::read_text(&args.requests)?;
        let files = match &args.files {
            Some(p) => inputs::read_text(p)?,
            None => String::new(),
        };
        let backends = match backends {
            Some(p) => inputs::read_text(p)?,
            None => String::new(),
        };
        Ok(RequestTexts { original, files, backends })
    }

    /// Splits off the expectations and runs the remaining request lines against `analysis`.
    pub fn run(&self, analysis: &Analysis, requests_name: &str) -> (Vec<ExpectLine>, Vec<Diagnostic>, RouteOutput) {
        let (requests, expectations, syntax) = parse_expectations(&self.original, requests_name);
        let output = route(analysis, &RouteInputs { requests: &requests, files: &self.files, backends: &self.backends });
        (expectations, syntax, output)
    }
}

/// Prints diagnostics about input files (requests, files, backends), which have no config snippet to show.
pub fn print_input_diagnostics(diags: &[Diagnostic]) {
    for d in diags {
        eprintln!("ngxplay: [{}] {}", level_name(d.level), d.message);
    }
}

/// Prints why nginx would refuse a config, to stdout as `ngxplay check` does (text output only).
pub fn print_config_errors(analysis: &Analysis, name: &Path) {
    render::diagnostics(&analysis.config.files, &analysis.config_test.errors);
    println!("ngxplay: configuration file {} test failed", name.display());
}

/// Runs the command: 0 when every expectation holds (or after recording), 1 when one fails or the config would
/// not load, 2 on usage errors (unreadable files, expectation syntax errors, no expectations at all).
pub fn run(args: &TestArgs) -> u8 {
    let analysis = match inputs::load(&args.config) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("ngxplay: {e}");
            return 2;
        }
    };
    let texts = match RequestTexts::read(&args.requests, args.config.backends.as_deref()) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("ngxplay: {e}");
            return 2;
        }
    };
    let requests_name = args.requests.requests.to_string_lossy().into_owned();
    let (expectations, syntax, output) = texts.run(&analysis, &requests_name);
    print_input_diagnostics(&output.diagnostics);

    if args.record {
        return record_expectations(args, &analysis, &texts, &output);
    }
    if !syntax.is_empty() {
        print_input_diagnostics(&syntax);
        return 2;
    }
    if expectations.iter().all(|l| l.items.is_empty()) {
        eprintln!("ngxplay: no expectations in {requests_name}: write them after \" => \" on request lines, or use --record");
        return 2;
    }

    let outcomes = evaluate(&expectations, &output.results);
    let summary = Summary::of(&outcomes);
    let config_test = &analysis.config_test;
    match args.format {
        TestFormat::Junit => print!("{}", junit::report(&requests_name, config_test, &outcomes, &summary)),
        TestFormat::Json => {
            let doc = json!({ "config_test": config_test, "outcomes": outcomes, "summary": summary, "text": summary.text() });
            println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        TestFormat::Text if !config_test.ok => {
            print_config_errors(&analysis, &args.config.config);
            println!("{} (the configuration would not load)", summary.text());
        }
        TestFormat::Text => {
            for o in &outcomes {
                let verdict = if o.pass() { "ok  " } else { "FAIL" };
                println!("{verdict} line {}: {}", o.line, o.request);
                for line in junit::failure_lines(o) {
                    println!("       {line}");
                }
            }
            println!("{}", summary.text());
        }
    }
    if config_test.ok && summary.all_hold() {
        0
    } else {
        1
    }
}

/// `--record`: writes today's results into the requests file as expectations and prints them.
fn record_expectations(args: &TestArgs, analysis: &Analysis, texts: &RequestTexts, output: &RouteOutput) -> u8 {
    if !analysis.config_test.ok {
        print_config_errors(analysis, &args.config.config);
        eprintln!("ngxplay: nothing recorded");
        return 1;
    }
    let recorded = record(&texts.original, &output.results);
    let path = &args.requests.requests;
    if let Err(e) = fs::write(path, &recorded) {
        eprintln!("ngxplay: cannot write {}: {e}", path.display());
        return 2;
    }
    let mut count = 0;
    for (old, new) in texts.original.lines().zip(recorded.lines()) {
        if old != new {
            println!("{new}");
            count += 1;
        }
    }
    let lines = output.results.iter().map(|r| r.line).collect::<std::collections::BTreeSet<_>>().len();
    println!("ngxplay: recorded expectations for {lines} request line{} in {} ({count} changed)", if lines == 1 { "" } else { "s" }, path.display());
    0
}
