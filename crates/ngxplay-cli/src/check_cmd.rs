//! `ngxplay check`: nginx -t's verdict, as text with snippets or as the oracle's JSON.

use serde_json::json;

use crate::args::{CheckArgs, Format};
use crate::{inputs, render};

/// Runs the command; the exit status is 0 when nginx would accept the config, 1 when not, 2 on usage errors.
pub fn run(args: &CheckArgs) -> u8 {
    let analysis = match inputs::load(&args.config) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("ngxplay: {e}");
            return 2;
        }
    };
    let t = &analysis.config_test;
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&json!({ "config_test": t })).unwrap_or_default()),
        Format::Text => {
            let all: Vec<_> = t.errors.iter().chain(t.warnings.iter()).cloned().collect();
            render::diagnostics(&analysis.config.files, &all);
            let name = args.config.config.display();
            if t.ok {
                println!("ngxplay: the configuration file {name} syntax is ok");
                println!("ngxplay: configuration file {name} test is successful");
            } else {
                if let Some(hint) = analysis.config.context_hint() {
                    println!("ngxplay: note: {name} was read as the contents of an http {{}} block; it looks like a {hint} snippet, try --context {hint}");
                }
                println!("ngxplay: configuration file {name} test failed ({} error{})", t.errors.len(), if t.errors.len() == 1 { "" } else { "s" });
            }
        }
    }
    if t.ok {
        0
    } else {
        1
    }
}
