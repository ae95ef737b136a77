//! Runs the built `ngxplay` binary: `test` (exit statuses, JUnit output, --record) and `diff`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const CONFIG: &str = "\
upstream legacy_api { server 10.0.1.10:8080; }
upstream api_backend { server 10.0.2.10:8080; }
upstream web { server 10.0.3.10:8080; }
server {
    listen 80;
    server_name shop.example.com;
    location / { proxy_pass http://web; }
    location /api { proxy_pass http://legacy_api; }
    location = /health { return 200 \"ok <&> \\\"fine\\\"\"; }
}
";

/// The same config with /api/ sent to the right upstream.
const FIXED: &str = "\
upstream legacy_api { server 10.0.1.10:8080; }
upstream api_backend { server 10.0.2.10:8080; }
upstream web { server 10.0.3.10:8080; }
server {
    listen 80;
    server_name shop.example.com;
    location / { proxy_pass http://web; }
    location /api/ { proxy_pass http://api_backend; }
    location = /health { return 200 \"ok <&> \\\"fine\\\"\"; }
}
";

const BACKENDS: &str = "legacy_api down\n";

/// Expectations that hold for FIXED; lines 2 and 4 fail for CONFIG.
const REQUESTS: &str = "\
# the shop
GET http://shop.example.com/api/v1/cart => upstream api_backend, uri /api/v1/cart, status 200
GET http://shop.example.com/ => upstream web, status 200
GET http://shop.example.com/apidocs => upstream web, uri /apidocs
GET http://shop.example.com/health => body \"ok <&> \\\"fine\\\"\", status 200
";

/// A scratch directory for one test, emptied first.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ngxplay-cli-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    fs::write(&p, text).expect("write fixture");
    p.to_string_lossy().into_owned()
}

fn ngxplay(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ngxplay")).args(args).env("NO_COLOR", "1").output().expect("run ngxplay")
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn test_exits_0_when_every_expectation_holds() {
    let d = scratch("pass");
    let (c, r, b) = (write(&d, "fixed.conf", FIXED), write(&d, "requests.txt", REQUESTS), write(&d, "backends.txt", BACKENDS));
    let o = ngxplay(&["test", &c, "--requests", &r, "--backends", &b]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains("9 of 9 expectations hold"), "{}", stdout(&o));
}

#[test]
fn test_exits_1_and_names_the_failures() {
    let d = scratch("fail");
    let (c, r, b) = (write(&d, "old.conf", CONFIG), write(&d, "requests.txt", REQUESTS), write(&d, "backends.txt", BACKENDS));
    let o = ngxplay(&["test", &c, "--requests", &r, "--backends", &b]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(out.contains("FAIL line 2: GET http://shop.example.com/api/v1/cart"), "{out}");
    assert!(out.contains("FAIL line 4: GET http://shop.example.com/apidocs"), "{out}");
    assert!(out.contains("upstream: expected api_backend, got none"), "{out}");
    assert!(out.contains("ok   line 3"), "{out}");
    assert!(out.contains("(2 requests failing)"), "{out}");
}

#[test]
fn test_exits_1_when_the_config_would_not_load() {
    let d = scratch("broken");
    let c = write(&d, "broken.conf", "server { listen 80; proxy_passs http://x; }\n");
    let r = write(&d, "requests.txt", REQUESTS);
    let o = ngxplay(&["test", &c, "--requests", &r]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(out.contains("unknown directive \"proxy_passs\""), "{out}");
    assert!(out.contains("(the configuration would not load)"), "{out}");
}

#[test]
fn test_exits_2_on_usage_errors() {
    let d = scratch("usage");
    let c = write(&d, "fixed.conf", FIXED);
    let bad = write(&d, "bad.txt", "GET http://shop.example.com/ => statuz 200\n");
    let o = ngxplay(&["test", &c, "--requests", &bad]);
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown expectation field \"statuz\""));
    let none = write(&d, "none.txt", "GET http://shop.example.com/\n");
    assert_eq!(code(&ngxplay(&["test", &c, "--requests", &none])), 2);
    let missing = d.join("missing.txt").to_string_lossy().into_owned();
    assert_eq!(code(&ngxplay(&["test", &c, "--requests", &missing])), 2);
    assert_eq!(code(&ngxplay(&["test", &c])), 2);
    assert_eq!(code(&ngxplay(&["test", &c, "--requests", &none, "--format", "yaml"])), 2);
}

#[test]
fn junit_is_well_formed_and_counts_failures() {
    let d = scratch("junit");
    let (c, r, b) = (write(&d, "old.conf", CONFIG), write(&d, "requests.txt", REQUESTS), write(&d, "backends.txt", BACKENDS));
    let o = ngxplay(&["test", &c, "--requests", &r, "--backends", &b, "--format", "junit"]);
    assert_eq!(code(&o), 1);
    let xml = stdout(&o);
    let root = xml::parse(&xml).unwrap_or_else(|e| panic!("not well-formed: {e}\n{xml}"));
    assert_eq!(root.name, "testsuite");
    assert_eq!(root.attr("tests"), Some("4"));
    assert_eq!(root.attr("failures"), Some("2"));
    let cases: Vec<&xml::Element> = root.children.iter().filter(|e| e.name == "testcase").collect();
    assert_eq!(cases.len(), 4);
    let failed: Vec<&str> = cases.iter().filter(|c| c.children.iter().any(|f| f.name == "failure")).filter_map(|c| c.attr("name")).collect();
    assert_eq!(failed, ["line 2: GET http://shop.example.com/api/v1/cart", "line 4: GET http://shop.example.com/apidocs"]);
    let message = cases[0].children[0].attr("message").unwrap_or_default();
    assert!(message.contains("upstream: expected api_backend, got none"), "{message}");
    // The body with markup and quotes survives escaping.
    let fixed = write(&d, "fixed.conf", FIXED);
    let o = ngxplay(&["test", &fixed, "--requests", &r, "--backends", &b, "--format", "junit"]);
    assert_eq!(code(&o), 0);
    let root = xml::parse(&stdout(&o)).expect("well-formed");
    assert_eq!(root.attr("failures"), Some("0"));
    assert!(root.children.iter().all(|c| c.children.is_empty()));

    // A body expectation that fails carries `<&>` in its message.
    let wrong = write(&d, "wrong.txt", "GET http://shop.example.com/health => body \"<nope & \\\"no\\\">\"\n");
    let o = ngxplay(&["test", &fixed, "--requests", &wrong, "--format", "junit"]);
    assert_eq!(code(&o), 1);
    let root = xml::parse(&stdout(&o)).expect("well-formed");
    let msg = root.children[0].children[0].attr("message").unwrap_or_default().to_string();
    assert_eq!(msg, "body: expected <nope & \"no\">, got ok <&> \"fine\"");
}

#[test]
fn junit_reports_a_config_that_would_not_load() {
    let d = scratch("junit-broken");
    let c = write(&d, "broken.conf", "server { listen 80; proxy_passs http://x; }\n");
    let r = write(&d, "requests.txt", REQUESTS);
    let o = ngxplay(&["test", &c, "--requests", &r, "--format", "junit"]);
    assert_eq!(code(&o), 1);
    let root = xml::parse(&stdout(&o)).expect("well-formed");
    assert_eq!((root.attr("tests"), root.attr("failures"), root.attr("skipped")), (Some("5"), Some("1"), Some("4")));
    assert_eq!(root.children[0].attr("name"), Some("nginx -t"));
}

#[test]
fn record_locks_in_current_behaviour() {
    let d = scratch("record");
    let (c, b) = (write(&d, "old.conf", CONFIG), write(&d, "backends.txt", BACKENDS));
    let r = write(&d, "requests.txt", "# keep\nGET http://shop.example.com/apidocs => status 200\nGET http://shop.example.com/health\n");
    let o = ngxplay(&["test", &c, "--requests", &r, "--backends", &b, "--record"]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let recorded = fs::read_to_string(&r).expect("rewritten");
    let lines: Vec<&str> = recorded.lines().collect();
    assert_eq!(lines[0], "# keep");
    assert!(lines[1].starts_with("GET http://shop.example.com/apidocs => "), "{recorded}");
    assert!(lines[1].contains("status 502"), "{recorded}");
    // Quotes inside a value need no quoting; only a leading quote, a comma or ` |` would.
    assert!(lines[2].contains(", body ok <&> \"fine\", status 200"), "{recorded}");
    assert!(stdout(&o).contains(lines[1]));
    // What was recorded now holds, and fails against the fixed config.
    assert_eq!(code(&ngxplay(&["test", &c, "--requests", &r, "--backends", &b])), 0);
    let fixed = write(&d, "fixed.conf", FIXED);
    assert_eq!(code(&ngxplay(&["test", &fixed, "--requests", &r, "--backends", &b])), 1);
}

#[test]
fn diff_lists_changed_requests_and_exits_1() {
    let d = scratch("diff");
    let (old, new) = (write(&d, "old.conf", CONFIG), write(&d, "new.conf", FIXED));
    let (r, b) = (write(&d, "requests.txt", REQUESTS), write(&d, "backends.txt", BACKENDS));
    let o = ngxplay(&["diff", &old, &new, "--requests", &r, "--backends", &b]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(out.starts_with("2 of 4 request lines route differently:"), "{out}");
    assert!(out.contains("  line 2: GET http://shop.example.com/api/v1/cart\n"), "{out}");
    assert!(out.contains("      upstream: none -> api_backend\n"), "{out}");
    assert!(out.contains("  line 4: GET http://shop.example.com/apidocs\n"), "{out}");
    assert!(!out.contains("line 3:"), "{out}");
    assert!(out.trim_end().ends_with("2 unchanged"), "{out}");

    let o = ngxplay(&["diff", &old, &new, "--requests", &r, "--backends", &b, "--format", "json"]);
    assert_eq!(code(&o), 1);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let lines: Vec<u64> = doc["changed"].as_array().expect("changed").iter().filter_map(|c| c["line"].as_u64()).collect();
    assert_eq!(lines, [2, 4]);
    assert_eq!(doc["unchanged"], 2);
}

#[test]
fn diff_of_identical_configs_exits_0() {
    let d = scratch("diff-same");
    let (a, b2) = (write(&d, "a.conf", FIXED), write(&d, "b.conf", FIXED));
    let (r, b) = (write(&d, "requests.txt", REQUESTS), write(&d, "backends.txt", BACKENDS));
    let o = ngxplay(&["diff", &a, &b2, "--requests", &r, "--backends", &b]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(stdout(&o).contains("4 unchanged"));
}

#[test]
fn diff_exits_1_when_a_config_would_not_load_and_2_on_usage_errors() {
    let d = scratch("diff-bad");
    let (a, r) = (write(&d, "a.conf", FIXED), write(&d, "requests.txt", REQUESTS));
    let broken = write(&d, "broken.conf", "server { listen 80; proxy_passs http://x; }\n");
    assert_eq!(code(&ngxplay(&["diff", &a, &broken, "--requests", &r])), 1);
    assert_eq!(code(&ngxplay(&["diff", &a, "--requests", &r])), 2);
    let missing = d.join("nope.conf").to_string_lossy().into_owned();
    assert_eq!(code(&ngxplay(&["diff", &a, &missing, "--requests", &r])), 2);
}

/// Just enough XML to check well-formedness: elements, attributes, text, entity references, the XML declaration.
mod xml {
    #[derive(Debug)]
    pub struct Element {
        pub name: String,
        pub attrs: Vec<(String, String)>,
        pub children: Vec<Element>,
    }

    impl Element {
        pub fn attr(&self, name: &str) -> Option<&str> {
            self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
        }
    }

    pub fn parse(text: &str) -> Result<Element, String> {
        let mut p = Parser { s: text.as_bytes(), i: 0 };
        if p.s.starts_with(b"<?xml") {
            let end = text.find("?>").ok_or("unterminated declaration")?;
            p.i = end + 2;
        }
        p.space();
        let root = p.element()?;
        p.space();
        if p.i != p.s.len() {
            return Err(format!("content after the root element at {}", p.i));
        }
        Ok(root)
    }

    struct Parser<'a> {
        s: &'a [u8],
        i: usize,
    }

    impl Parser<'_> {
        fn space(&mut self) {
            while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
                self.i += 1;
            }
        }

        fn name(&mut self) -> Result<String, String> {
            let start = self.i;
            while self.i < self.s.len() && (self.s[self.i].is_ascii_alphanumeric() || b"_-:.".contains(&self.s[self.i])) {
                self.i += 1;
            }
            if start == self.i {
                return Err(format!("expected a name at {start}"));
            }
            Ok(String::from_utf8_lossy(&self.s[start..self.i]).into_owned())
        }

        fn expect(&mut self, b: u8) -> Result<(), String> {
            if self.s.get(self.i) == Some(&b) {
                self.i += 1;
                Ok(())
            } else {
                Err(format!("expected '{}' at {}", b as char, self.i))
            }
        }

        /// Decodes character data up to `stop`, rejecting raw `<` and bad entity references.
        fn chars(&mut self, stop: u8) -> Result<String, String> {
            let mut out = String::new();
            let start = self.i;
            while self.i < self.s.len() && self.s[self.i] != stop {
                match self.s[self.i] {
                    b'<' => return Err(format!("raw '<' at {}", self.i)),
                    b'&' => {
                        let end = self.s[self.i..].iter().position(|&c| c == b';').ok_or("unterminated entity")? + self.i;
                        let ent = std::str::from_utf8(&self.s[self.i + 1..end]).map_err(|e| e.to_string())?;
                        out.push(match ent {
                            "amp" => '&',
                            "lt" => '<',
                            "gt" => '>',
                            "quot" => '"',
                            "apos" => '\'',
                            _ => return Err(format!("unknown entity &{ent}; at {}", self.i)),
                        });
                        self.i = end + 1;
                    }
                    _ => {
                        let len = std::str::from_utf8(&self.s[self.i..]).map_err(|e| e.to_string())?.chars().next().map_or(1, char::len_utf8);
                        out.push_str(std::str::from_utf8(&self.s[self.i..self.i + len]).map_err(|e| e.to_string())?);
                        self.i += len;
                    }
                }
            }
            if self.i >= self.s.len() && stop != b'<' {
                return Err(format!("unterminated text from {start}"));
            }
            Ok(out)
        }

        fn element(&mut self) -> Result<Element, String> {
            self.expect(b'<')?;
            let name = self.name()?;
            let mut attrs: Vec<(String, String)> = Vec::new();
            loop {
                self.space();
                match self.s.get(self.i) {
                    Some(b'/') => {
                        self.i += 1;
                        self.expect(b'>')?;
                        return Ok(Element { name, attrs, children: Vec::new() });
                    }
                    Some(b'>') => {
                        self.i += 1;
                        break;
                    }
                    Some(_) => {
                        let key = self.name()?;
                        self.space();
                        self.expect(b'=')?;
                        self.space();
                        self.expect(b'"')?;
                        let value = self.chars(b'"')?;
                        self.expect(b'"')?;
                        if attrs.iter().any(|(k, _)| *k == key) {
                            return Err(format!("duplicate attribute {key}"));
                        }
                        attrs.push((key, value));
                    }
                    None => return Err("unterminated tag".into()),
                }
            }
            let mut children = Vec::new();
            loop {
                self.chars(b'<')?;
                if self.i >= self.s.len() {
                    return Err(format!("element {name} is not closed"));
                }
                if self.s[self.i..].starts_with(b"</") {
                    self.i += 2;
                    let close = self.name()?;
                    if close != name {
                        return Err(format!("</{close}> closes <{name}>"));
                    }
                    self.space();
                    self.expect(b'>')?;
                    return Ok(Element { name, attrs, children });
                }
                children.push(self.element()?);
            }
        }
    }
}
