//! JUnit XML for `ngxplay test --format junit`: one testsuite, one testcase per request line with expectations.

use ngxplay_core::api::ConfigTest;
use ngxplay_core::expect::{Outcome, Summary};

/// Escapes text for XML content and attribute values; characters XML 1.0 cannot carry become U+FFFD.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// One line per failed check: `upstream: expected api, got legacy`.
pub fn failure_lines(o: &Outcome) -> Vec<String> {
    let mut lines: Vec<String> = o.error.iter().cloned().collect();
    for c in o.checks.iter().filter(|c| !c.pass) {
        lines.push(format!("{}: expected {}, got {}", c.field.name(), c.expected, c.actual.as_deref().unwrap_or("none")));
    }
    lines
}

/// The whole report. `suite` names the testsuite (the requests file). A config nginx would refuse gives a failing
/// `nginx -t` testcase carrying nginx's errors, and every request testcase is skipped.
pub fn report(suite: &str, config_test: &ConfigTest, outcomes: &[Outcome], summary: &Summary) -> String {
    let config_failed = !config_test.ok;
    let tests = outcomes.len() + usize::from(config_failed);
    let (failures, skipped) = if config_failed { (1, outcomes.len()) } else { (summary.requests_failed, 0) };
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str(&format!("<testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">\n", escape(suite)));
    if config_failed {
        let errors: Vec<&str> = config_test.errors.iter().map(|d| d.message.as_str()).collect();
        let first = errors.first().copied().unwrap_or("the configuration would not load");
        x.push_str(&format!("  <testcase classname=\"{}\" name=\"nginx -t\">\n", escape(suite)));
        x.push_str(&format!("    <failure type=\"config\" message=\"{}\">{}</failure>\n", escape(first), escape(&errors.join("\n"))));
        x.push_str("  </testcase>\n");
    }
    for o in outcomes {
        let name = format!("line {}: {}", o.line, o.request);
        x.push_str(&format!("  <testcase classname=\"{}\" name=\"{}\"", escape(suite), escape(&name)));
        if config_failed {
            x.push_str(">\n    <skipped message=\"the configuration would not load\"/>\n  </testcase>\n");
            continue;
        }
        if o.pass() {
            x.push_str("/>\n");
            continue;
        }
        let lines = failure_lines(o);
        x.push_str(">\n");
        x.push_str(&format!("    <failure type=\"expectation\" message=\"{}\">{}</failure>\n", escape(&lines.join("; ")), escape(&lines.join("\n"))));
        x.push_str("  </testcase>\n");
    }
    x.push_str("</testsuite>\n");
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_quotes_and_control_characters() {
        assert_eq!(escape("a<b>&\"c\"'d'"), "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;");
        assert_eq!(escape("x\u{1}y\tz"), "x\u{FFFD}y\tz");
    }
}
