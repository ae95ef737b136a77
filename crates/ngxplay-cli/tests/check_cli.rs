//! End-to-end tests of `ngxplay check`: exit statuses, JSON shape, `--fs` mapping and text snippets.

use std::fs;
use std::path::PathBuf;
use std::process::Command;

fn ngxplay() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ngxplay"))
}

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ngxplay-cli-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn accepted_config_exits_zero_with_json_verdict() {
    let dir = scratch("ok");
    fs::write(dir.join("nginx.conf"), "server {\n    listen 80;\n    location / { return 200 ok; }\n}\n").unwrap();
    let out = ngxplay().current_dir(&dir).args(["check", "nginx.conf", "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["config_test"]["ok"], true);
    assert_eq!(v["config_test"]["errors"].as_array().unwrap().len(), 0);
}

#[test]
fn rejected_config_names_the_file_as_given() {
    let dir = scratch("bad");
    fs::write(dir.join("nginx.conf"), "server {\n    listen 80;\n\n    location / {\n        proxy_passs http://x;\n    }\n}\n").unwrap();
    let out = ngxplay().current_dir(&dir).args(["check", "nginx.conf", "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = &v["config_test"]["errors"][0];
    assert_eq!(first["message"], "unknown directive \"proxy_passs\" in nginx.conf:5");
    assert_eq!(first["file"], "nginx.conf");
    assert_eq!(first["line"], 5);
    assert_eq!(first["level"], "emerg");
    assert!(first["code"].is_string());
    assert!(first["span"]["start"].is_number());
}

#[test]
fn text_output_shows_the_source_line() {
    let dir = scratch("text");
    fs::write(dir.join("site.conf"), "server {\n    listen 80;\n    proxy_pass http://x;\n}\n").unwrap();
    let out = ngxplay().current_dir(&dir).env("NO_COLOR", "1").args(["check", "site.conf"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stdout);
    assert!(err.contains("\"proxy_pass\" directive is not allowed here in site.conf:3"), "{err}");
    assert!(err.contains("proxy_pass http://x;"), "snippet missing: {err}");
    assert!(err.contains('^'), "caret missing: {err}");
}

#[test]
fn fs_dir_maps_absolute_include_paths() {
    let dir = scratch("fs");
    fs::create_dir_all(dir.join("root/etc/nginx/conf.d")).unwrap();
    fs::write(dir.join("root/etc/nginx/conf.d/a.conf"), "server {\n    listen 80;\n    bogus on;\n}\n").unwrap();
    fs::write(dir.join("nginx.conf"), "include conf.d/*.conf;\n").unwrap();
    let out = ngxplay().current_dir(&dir).args(["check", "nginx.conf", "--fs", "root", "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["config_test"]["errors"][0]["message"], "unknown directive \"bogus\" in /etc/nginx/conf.d/a.conf:3");
}

#[test]
fn backends_file_marks_names_unresolvable() {
    let dir = scratch("nx");
    fs::write(dir.join("nginx.conf"), "upstream app {\n    server app.internal:8080;\n}\nserver { location / { proxy_pass http://app; } }\n").unwrap();
    fs::write(dir.join("backends.txt"), "app.internal nxdomain\n").unwrap();
    let ok = ngxplay().current_dir(&dir).args(["check", "nginx.conf"]).output().unwrap();
    assert_eq!(ok.status.code(), Some(0));
    let out = ngxplay().current_dir(&dir).args(["check", "nginx.conf", "--backends", "backends.txt", "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["config_test"]["errors"][0]["message"], "host not found in upstream \"app.internal:8080\" in nginx.conf:2");
}

#[test]
fn usage_errors_exit_two() {
    assert_eq!(ngxplay().args(["check"]).output().unwrap().status.code(), Some(2));
    assert_eq!(ngxplay().args(["check", "x.conf", "--format", "yaml"]).output().unwrap().status.code(), Some(2));
    assert_eq!(ngxplay().args(["check", "/nonexistent/nginx.conf"]).output().unwrap().status.code(), Some(2));
}
