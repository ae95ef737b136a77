//! `ngxplay route`: runs request lines through the simulator and prints one line per result (or JSON).

use std::path::PathBuf;

use clap::Args;
use ngxplay_core::api::{route_named, InputNames, RouteInputs};
use ngxplay_core::route::result::{RouteResult, Source};
use serde_json::json;

use crate::args::{ConfigArgs, Format};
use crate::inputs;

#[derive(Args)]
pub struct RouteArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Requests in the oracle's requests.txt format.
    #[arg(long, value_name = "FILE")]
    pub requests: PathBuf,
    /// Static files that exist, one absolute path a line (files.txt).
    #[arg(long, value_name = "FILE")]
    pub files: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Print every step of each request's explanation.
    #[arg(long)]
    pub trace: bool,
}

fn read_opt(p: &Option<PathBuf>) -> Result<String, String> {
    match p {
        Some(p) => inputs::read_text(p),
        None => Ok(String::new()),
    }
}

/// Runs the command; 0 when the config is valid and every request ran, 1 when the config is refused, 2 on errors.
pub fn run(args: &RouteArgs) -> u8 {
    let loaded = (|| -> Result<_, String> {
        let analysis = inputs::load(&args.config)?;
        let requests = inputs::read_text(&args.requests)?;
        let files = read_opt(&args.files)?;
        let backends = read_opt(&args.config.backends)?;
        Ok((analysis, requests, files, backends))
    })();
    let (analysis, requests, files, backends) = match loaded {
        Ok(x) => x,
        Err(e) => {
            eprintln!("ngxplay: {e}");
            return 2;
        }
    };
    // Expectations (` => …`) are for `ngxplay test`; blanking them keeps every request on its line.
    let (requests, _, _) = ngxplay_core::expect::parse_expectations(&requests, &args.requests.to_string_lossy());
    let names = input_names(args);
    let out = route_named(&analysis, &RouteInputs { requests: &requests, files: &files, backends: &backends }, &names);
    match args.format {
        Format::Json => {
            let v = json!({ "config_test": analysis.config_test, "results": out.results, "diagnostics": out.diagnostics });
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        Format::Text => {
            for d in analysis.config_test.errors.iter().chain(out.diagnostics.iter()) {
                eprintln!("ngxplay: [{}] {}", crate::render::level_name(d.level), d.message);
            }
            for r in &out.results {
                println!("{}", line(r));
                if args.trace {
                    for s in &r.trace {
                        match (&s.file, s.line) {
                            (Some(f), Some(l)) => println!("    {f}:{l}: {}", s.message),
                            _ => println!("    {}", s.message),
                        }
                    }
                }
            }
        }
    }
    if analysis.config_test.ok {
        0
    } else {
        1
    }
}

/// The input files' names as the user gave them, for diagnostics.
fn input_names(args: &RouteArgs) -> InputNames {
    let name = |p: &Option<PathBuf>, default: &str| p.as_ref().map(|p| p.to_string_lossy().into_owned()).unwrap_or_else(|| default.to_string());
    InputNames {
        requests: args.requests.to_string_lossy().into_owned(),
        files: name(&args.files, "files.txt"),
        backends: name(&args.config.backends, "backends.txt"),
    }
}

/// One summary line: line number, status, server, location, then where the response came from.
fn line(r: &RouteResult) -> String {
    let status = r.status.map(|s| s.to_string()).unwrap_or_else(|| "---".into());
    let server = r.server.as_ref().map(|b| b.label.clone()).unwrap_or_else(|| "-".into());
    let loc = r.location_block.as_ref().map(|b| b.label.clone()).unwrap_or_else(|| "-".into());
    let what = match (r.source, &r.upstream) {
        (Source::Upstream, Some(u)) => {
            let up = if u.upstream.is_empty() { u.server.clone() } else { format!("{}/{}", u.upstream, u.server) };
            format!("→ {} {up} {} {}", u.protocol, u.method, u.uri)
        }
        (Source::File, _) => format!("→ file {}", r.file.clone().unwrap_or_default()),
        (Source::Body, _) => format!("→ body {:?}", r.body.clone().unwrap_or_default()),
        _ => match (&r.location, &r.error) {
            (Some(l), _) => format!("→ Location: {l}"),
            (None, Some(e)) => format!("→ {e}"),
            _ => format!("→ {:?}", r.source).to_lowercase(),
        },
    };
    format!("{:>4} {status} {server} {loc} {what}  ({})", r.line, r.request)
}
