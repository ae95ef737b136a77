//! `ngxplay diff`: runs the same requests against two configs and lists the requests whose outcome changed.

use ngxplay_core::compare::{compare, RequestDiff};
use serde_json::json;

use crate::args::{DiffArgs, Format};
use crate::inputs;
use crate::test_cmd::{print_config_errors, print_input_diagnostics, RequestTexts};

/// Runs the command: 0 when no request routes differently, 1 when one does or either config would not load,
/// 2 on usage errors.
pub fn run(args: &DiffArgs) -> u8 {
    let sides = [args.side(&args.old), args.side(&args.new)];
    let mut analyses = Vec::new();
    for side in &sides {
        match inputs::load(side) {
            Ok(a) => analyses.push(a),
            Err(e) => {
                eprintln!("ngxplay: {e}");
                return 2;
            }
        }
    }
    let texts = match RequestTexts::read(&args.requests, args.backends.as_deref()) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("ngxplay: {e}");
            return 2;
        }
    };
    let requests_name = args.requests.requests.to_string_lossy().into_owned();
    let (_, _, old) = texts.run(&analyses[0], &requests_name);
    let (_, _, new) = texts.run(&analyses[1], &requests_name);
    // Both runs read the same inputs, so their input diagnostics are the same.
    print_input_diagnostics(&old.diagnostics);

    let loaded = analyses.iter().all(|a| a.config_test.ok);
    let diffs = if loaded { compare(&old.results, &new.results) } else { Vec::new() };
    let (changed, unchanged): (Vec<&RequestDiff>, Vec<&RequestDiff>) = diffs.iter().partition(|d| !d.changes.is_empty());

    match args.format {
        Format::Json => {
            let doc = json!({
                "old": { "config": args.old, "config_test": analyses[0].config_test },
                "new": { "config": args.new, "config_test": analyses[1].config_test },
                "changed": changed,
                "unchanged": unchanged.len(),
            });
            println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        Format::Text => {
            for (side, a) in sides.iter().zip(&analyses) {
                if !a.config_test.ok {
                    print_config_errors(a, &side.config);
                }
            }
            if loaded {
                let total = diffs.len();
                if changed.is_empty() {
                    println!("no request routes differently");
                } else {
                    println!("{} of {total} request line{} route differently:", changed.len(), if total == 1 { "" } else { "s" });
                }
                for d in &changed {
                    println!("  line {}: {}", d.line, d.request);
                    for c in &d.changes {
                        println!("      {}: {} -> {}", c.field.name(), c.old, c.new);
                    }
                }
                println!("{} unchanged", unchanged.len());
            }
        }
    }
    if loaded && changed.is_empty() {
        0
    } else {
        1
    }
}
