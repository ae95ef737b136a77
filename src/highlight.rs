//! Syntax highlighting: turns config text into one HTML `div` per line with classed spans.
//!
//! The output is laid out behind the editor's textarea, so it must hold exactly the same characters.

use std::collections::BTreeMap;

use ngxplay_core::lexer::{tokenize, TokenKind};

/// Blocks whose statements are keys and values rather than directives.
const KEY_BLOCKS: &[&str] = &[
    "map",
    "types",
    "geo",
    "split_clients",
    "charset_map",
    "match",
];

/// A highlighted piece of text; the class names are the CSS classes of the editor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    pub start: usize,
    pub end: usize,
    pub class: &'static str,
}

/// Classifies every byte range of `text` (gaps are returned with class `""`).
pub fn segments(text: &str) -> Vec<Segment> {
    let bytes = text.as_bytes();
    let mut out: Vec<Segment> = Vec::new();
    let mut pos = 0usize;
    let mut words = 0usize;
    let mut name = String::new();
    let mut prev_arg = String::new();
    let mut blocks: Vec<String> = Vec::new();
    for t in tokenize(text) {
        let (start, end) = (t.start as usize, (t.end as usize).min(text.len()));
        if start > pos {
            out.push(Segment {
                start: pos,
                end: start,
                class: "",
            });
        }
        if start < pos || end <= start {
            pos = pos.max(end);
            continue;
        }
        let raw = text.get(start..end).unwrap_or("");
        match t.kind {
            TokenKind::Space => out.push(Segment {
                start,
                end,
                class: "",
            }),
            TokenKind::Comment => out.push(Segment {
                start,
                end,
                class: "c",
            }),
            TokenKind::Lua => out.push(Segment {
                start,
                end,
                class: "lua",
            }),
            TokenKind::Semi => {
                out.push(Segment {
                    start,
                    end,
                    class: "p",
                });
                words = 0;
            }
            TokenKind::LBrace => {
                out.push(Segment {
                    start,
                    end,
                    class: "p",
                });
                blocks.push(if words > 0 {
                    std::mem::take(&mut name)
                } else {
                    String::new()
                });
                words = 0;
            }
            TokenKind::RBrace => {
                out.push(Segment {
                    start,
                    end,
                    class: "p",
                });
                blocks.pop();
                words = 0;
            }
            TokenKind::Word | TokenKind::Quoted => {
                let quoted = t.kind == TokenKind::Quoted;
                let class = if words == 0 {
                    name = raw.to_string();
                    prev_arg.clear();
                    let in_keys = blocks
                        .last()
                        .is_some_and(|b| KEY_BLOCKS.contains(&b.as_str()));
                    if in_keys && raw.starts_with('~') {
                        "r"
                    } else if in_keys {
                        "k"
                    } else {
                        "d"
                    }
                } else {
                    let c = arg_class(&name, words, &prev_arg, raw, quoted);
                    prev_arg = raw.to_string();
                    c
                };
                words += 1;
                push_with_vars(bytes, start, end, class, &mut out);
            }
        }
        pos = end;
    }
    if pos < text.len() {
        out.push(Segment {
            start: pos,
            end: text.len(),
            class: "",
        });
    }
    out
}

/// The class of the `index`-th word (1-based) of a statement named `name`.
fn arg_class(name: &str, index: usize, prev: &str, raw: &str, quoted: bool) -> &'static str {
    let op = |w: &str| matches!(w, "=" | "~" | "~*" | "^~" | "!~" | "!~*" | "!=");
    let bare = raw.trim_start_matches('(').trim_end_matches(')');
    match name {
        "location" if op(raw) => "m",
        "location" if matches!(prev, "~" | "~*") => "r",
        "location" if raw.starts_with('@') => "n",
        "rewrite" if index == 1 => "r",
        "if" if op(bare) => "m",
        "if" if matches!(prev, "~" | "~*" | "!~" | "!~*") => "r",
        "server_name" if raw.starts_with('~') => "r",
        _ if quoted => "s",
        _ if is_number(raw) => "num",
        _ => "a",
    }
}

/// Whether a word is a plain number such as `80`, `1.5` or `0.25`.
fn is_number(raw: &str) -> bool {
    let mut parts = raw.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let frac = parts.next();
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// Pushes a word, splitting out `$name` and `${name}` variables.
fn push_with_vars(
    bytes: &[u8],
    start: usize,
    end: usize,
    class: &'static str,
    out: &mut Vec<Segment>,
) {
    let mut i = start;
    let mut run = start;
    while i < end {
        if bytes[i] == b'$' && i + 1 < end {
            let mut j = i + 1;
            if bytes[j] == b'{' {
                while j < end && bytes[j] != b'}' {
                    j += 1;
                }
                j = (j + 1).min(end);
            } else {
                while j < end && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
                    j += 1;
                }
            }
            if j > i + 1 {
                if run < i {
                    out.push(Segment {
                        start: run,
                        end: i,
                        class,
                    });
                }
                out.push(Segment {
                    start: i,
                    end: j,
                    class: "v",
                });
                run = j;
                i = j;
                continue;
            }
        }
        i += 1;
    }
    if run < end {
        out.push(Segment {
            start: run,
            end,
            class,
        });
    }
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

/// Renders `text` as HTML: one `<div class="l …" data-n="N">` per line, `marks` adding classes to lines.
pub fn to_html(text: &str, marks: &BTreeMap<u32, String>) -> String {
    to_html_lines(text, &segments(text), 1, u32::MAX, marks)
}

/// Renders only lines `first..=last` (1-based) of `text`, whose segments are `segs`.
pub fn to_html_lines(
    text: &str,
    segs: &[Segment],
    first: u32,
    last: u32,
    marks: &BTreeMap<u32, String>,
) -> String {
    let mut html = String::with_capacity(text.len().min(1 << 20) + 64);
    let mut line = 1u32;
    let open = |html: &mut String, line: u32| {
        html.push_str("<div class=\"l");
        if let Some(m) = marks.get(&line) {
            html.push(' ');
            html.push_str(m);
        }
        html.push_str("\" data-n=\"");
        html.push_str(&line.to_string());
        html.push_str("\">");
    };
    let shown = |line: u32| line >= first && line <= last;
    if shown(line) {
        open(&mut html, line);
    }
    'segs: for seg in segs {
        let Some(piece) = text.get(seg.start..seg.end) else {
            continue;
        };
        let mut first_part = true;
        for part in piece.split('\n') {
            if !first_part {
                if shown(line) {
                    html.push_str("</div>");
                }
                line += 1;
                if line > last {
                    break 'segs;
                }
                if shown(line) {
                    open(&mut html, line);
                }
            }
            first_part = false;
            if part.is_empty() || !shown(line) {
                continue;
            }
            if seg.class.is_empty() {
                escape_into(&mut html, part);
            } else {
                html.push_str("<span class=\"");
                html.push_str(seg.class);
                html.push_str("\">");
                escape_into(&mut html, part);
                html.push_str("</span>");
            }
        }
    }
    if shown(line) {
        html.push_str("</div>");
    }
    html
}

/// The longest line of `text` in columns, counting a tab as four.
pub fn longest_line(text: &str) -> usize {
    text.split('\n')
        .map(|l| {
            l.chars()
                .map(|c| if c == '\t' { 4 } else { 1 })
                .sum::<usize>()
        })
        .max()
        .unwrap_or(0)
}

/// The number of lines the editor shows for `text`.
pub fn line_count(text: &str) -> usize {
    text.bytes().filter(|b| *b == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes(text: &str) -> Vec<(String, &'static str)> {
        segments(text)
            .into_iter()
            .filter(|s| !s.class.is_empty())
            .map(|s| (text[s.start..s.end].to_string(), s.class))
            .collect()
    }

    #[test]
    fn numbers_are_plain_decimal_words() {
        let c = classes("listen 80; keepalive_timeout 1.5; x 1e5 .5 2.;");
        assert!(c.contains(&("80".into(), "num")));
        assert!(c.contains(&("1.5".into(), "num")));
        assert!(c.contains(&("1e5".into(), "a")));
        assert!(c.contains(&(".5".into(), "a")));
        assert!(c.contains(&("2.".into(), "a")));
    }

    #[test]
    fn segments_cover_the_text_exactly() {
        let text = "server { # c\n  location ~* \\.php$ { fastcgi_pass \"unix:$x\"; }\n}\nbroken \"unterminated";
        let segs = segments(text);
        let mut pos = 0;
        for s in &segs {
            assert_eq!(s.start, pos);
            pos = s.end;
        }
        assert_eq!(pos, text.len());
    }

    #[test]
    fn classifies_directives_args_regexes_and_vars() {
        let c = classes("location ~* ^/api/(.*)$ { proxy_pass http://u/$1; rewrite ^/a$ /b last; }\nmap $host $x { ~^www 1; default 0; }");
        assert!(c.contains(&("location".into(), "d")));
        assert!(c.contains(&("~*".into(), "m")));
        assert!(c.contains(&("^/api/(.*)$".into(), "r")));
        assert!(c.contains(&("proxy_pass".into(), "d")));
        assert!(c.contains(&("$1".into(), "v")));
        assert!(c.contains(&("^/a$".into(), "r")));
        assert!(c.contains(&("~^www".into(), "r")));
        assert!(c.contains(&("default".into(), "k")));
        assert!(c.contains(&("$host".into(), "v")));
    }

    #[test]
    fn a_window_of_lines_renders_only_those_lines() {
        let text = "a;\nb \"x\ny\";\nc;\nd;\n";
        let segs = segments(text);
        let html = to_html_lines(text, &segs, 3, 4, &BTreeMap::new());
        assert_eq!(html.matches("<div").count(), 2);
        assert!(html.starts_with("<div class=\"l\" data-n=\"3\">"));
        assert!(html.contains("<span class=\"s\">y&quot;</span>"), "{html}");
        assert!(html.contains("data-n=\"4\""));
        assert!(!html.contains("data-n=\"5\""));
        assert_eq!(
            to_html_lines(text, &segs, 1, u32::MAX, &BTreeMap::new()),
            to_html(text, &BTreeMap::new())
        );
        assert_eq!(longest_line("ab\n\tabc\n"), 7);
    }

    #[test]
    fn html_has_one_div_per_line_and_escapes() {
        let text = "a <b>;\n\n\"x\ny\";\n";
        let mut marks = BTreeMap::new();
        marks.insert(2, "err".to_string());
        let html = to_html(text, &marks);
        assert_eq!(html.matches("<div").count(), line_count(text));
        assert!(html.contains("&lt;b&gt;"));
        assert!(html.contains("class=\"l err\" data-n=\"2\""));
    }
}

