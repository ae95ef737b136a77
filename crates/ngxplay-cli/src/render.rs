//! Terminal rendering of diagnostics with source lines and carets, via codespan-reporting.

use codespan_reporting::diagnostic::{Diagnostic as Report, Label, Severity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};
use codespan_reporting::term::{self, Config as TermConfig};
use ngxplay_core::{Diagnostic, FileSet, Level};

/// Prints each diagnostic to stdout, with a snippet when it has a span.
pub fn diagnostics(files: &FileSet, diags: &[Diagnostic]) {
    let mut sources = SimpleFiles::new();
    let ids: Vec<usize> = files.iter().map(|(_, f)| sources.add(f.display.clone(), f.text.clone())).collect();
    let writer = StandardStream::stdout(if std::env::var_os("NO_COLOR").is_some() { ColorChoice::Never } else { ColorChoice::Auto });
    let config = TermConfig::default();
    for d in diags {
        let severity = match d.level {
            Level::Emerg | Level::Alert | Level::Crit | Level::Error => Severity::Error,
            Level::Warn => Severity::Warning,
            Level::Notice | Level::Info => Severity::Note,
        };
        let mut report = Report::new(severity).with_message(format!("[{}] {}", level_name(d.level), d.message)).with_code(d.code.clone());
        if let Some(span) = d.span {
            if let Some(id) = ids.get(span.file as usize) {
                report = report.with_labels(vec![Label::primary(*id, span.range())]);
            }
        }
        let _ = term::emit(&mut writer.lock(), &config, &sources, &report);
    }
}

pub fn level_name(l: Level) -> &'static str {
    match l {
        Level::Emerg => "emerg",
        Level::Alert => "alert",
        Level::Crit => "crit",
        Level::Error => "error",
        Level::Warn => "warn",
        Level::Notice => "notice",
        Level::Info => "info",
    }
}
