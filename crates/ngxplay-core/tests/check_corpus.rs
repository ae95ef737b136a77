//! Runs the checker over every recorded oracle case and compares with what real nginx 1.22.1 said.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use ngxplay_core::check::{check, CheckOptions, Profile};
use ngxplay_core::{load_text, Context, FileSet};

fn cases_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/cases")
}

fn case_dirs() -> Vec<PathBuf> {
    let root = cases_root();
    let mut dirs = Vec::new();
    for sub in ["check/accept", "check/reject", "route"] {
        let Ok(rd) = fs::read_dir(root.join(sub)) else { continue };
        for e in rd.flatten() {
            let p = e.path();
            if p.join("nginx.conf").is_file() && p.join("expected.json").is_file() {
                dirs.push(p);
            }
        }
    }
    dirs.sort();
    dirs
}

fn add_fs(files: &mut FileSet, base: &Path, dir: &Path) {
    let Ok(rd) = fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            add_fs(files, base, &p);
        } else if let Ok(text) = fs::read_to_string(&p) {
            let rel = p.strip_prefix(base).unwrap_or(&p);
            files.add(&format!("/{}", rel.display()), text);
        }
    }
}

/// Our verdict on one case: None when it agrees, else the reason.
fn judge(dir: &Path) -> Option<String> {
    let text = fs::read_to_string(dir.join("nginx.conf")).ok()?;
    let expected: serde_json::Value = serde_json::from_str(&fs::read_to_string(dir.join("expected.json")).ok()?).ok()?;
    let ct = &expected["config_test"];
    let mut files = FileSet::default();
    add_fs(&mut files, &dir.join("fs"), &dir.join("fs"));
    let mut opts = CheckOptions { profile: Profile::Debian, unresolvable: Vec::new() };
    if let Ok(b) = fs::read_to_string(dir.join("backends.txt")) {
        for line in b.lines() {
            let mut w = line.split_whitespace();
            if let (Some(name), rest) = (w.next(), w.collect::<Vec<_>>()) {
                if rest.contains(&"nxdomain") {
                    opts.unresolvable.push(name.to_string());
                }
            }
        }
    }
    // The context is detected, as `ngxplay check` does, and must agree with how the oracle read the file.
    let cfg = load_text(files, "nginx.conf", &text, None);
    let want_context = if expected["config_mode"] == "full-file" { Context::Main } else { Context::Http };
    if cfg.context != want_context {
        return Some(format!("read as {:?}, the oracle read it as {want_context:?}", cfg.context));
    }
    let diags = check(&cfg, &opts);
    let first_fatal = diags.iter().position(|d| d.is_fatal());
    let ok = first_fatal.is_none();
    let want_ok = ct["ok"].as_bool().unwrap_or(true);
    let ours_first = first_fatal.map(|i| diags[i].message.clone());
    let theirs_first = ct["errors"].get(0).and_then(|e| e["message"].as_str()).map(str::to_string);
    if ok != want_ok {
        return Some(format!("ok={ok}, nginx ok={want_ok}; ours: {ours_first:?}; nginx: {theirs_first:?}"));
    }
    if !ok && ours_first != theirs_first {
        return Some(format!("first error differs; ours: {ours_first:?}; nginx: {theirs_first:?}"));
    }
    let before = first_fatal.unwrap_or(diags.len());
    let mut ours: Vec<String> = diags[..before].iter().filter(|d| !d.is_fatal()).map(|d| d.message.clone()).collect();
    let mut theirs: Vec<String> = ct["warnings"].as_array().map(|a| a.iter().filter_map(|w| w["message"].as_str().map(str::to_string)).collect()).unwrap_or_default();
    ours.sort();
    theirs.sort();
    if ours != theirs {
        return Some(format!("warnings differ; ours: {ours:?}; nginx: {theirs:?}"));
    }
    None
}

fn known_gaps() -> BTreeMap<String, String> {
    let text = fs::read_to_string(cases_root().join("check/KNOWN_GAPS.txt")).unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(':').map(|(a, b)| (a.trim().to_string(), b.trim().to_string())))
        .collect()
}

#[test]
fn check_corpus_agrees_with_nginx() {
    let dirs = case_dirs();
    let gaps = known_gaps();
    let mut agree = 0;
    let mut unexpected = Vec::new();
    for dir in &dirs {
        let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string();
        match judge(dir) {
            None => agree += 1,
            Some(why) => {
                println!("DISAGREE {name}: {why}");
                if !gaps.contains_key(&name) {
                    unexpected.push(name);
                }
            }
        }
    }
    println!("check corpus: {agree}/{} agree", dirs.len());
    assert!(unexpected.is_empty(), "disagreements not in KNOWN_GAPS.txt: {unexpected:?}");
}
