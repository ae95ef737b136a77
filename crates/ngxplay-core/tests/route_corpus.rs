//! Runs every recorded routing case under `tests/cases/route` through the simulator and compares with real nginx.
//!
//! Prints agreement per field and overall; fails on any disagreement not listed in `KNOWN_GAPS.txt`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use ngxplay_core::load::load_text;
use ngxplay_core::model;
use ngxplay_core::route::inputs::{parse_backends, parse_files, parse_requests};
use ngxplay_core::expect::source_name;
use ngxplay_core::route::result::RouteResult;
use ngxplay_core::route::Simulator;
use ngxplay_core::vfs::FileSet;
use serde_json::Value;

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/cases/route")
}

/// Files under `fs/`, keyed by their absolute path in the fake filesystem.
fn fs_files(dir: &Path, base: &Path, out: &mut Vec<(String, String)>) {
    let Ok(rd) = fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = rd.flatten().collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            fs_files(&p, base, out);
        } else if let Ok(text) = fs::read_to_string(&p) {
            let rel = p.strip_prefix(base).map(|r| r.to_string_lossy().to_string()).unwrap_or_default();
            out.push((format!("/{rel}"), text));
        }
    }
}


fn s(v: Option<&Value>) -> Option<String> {
    match v {
        Some(Value::String(x)) => Some(x.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

/// The compared fields of one result, as strings (`None` = null).
fn ours(r: &RouteResult) -> BTreeMap<&'static str, Option<String>> {
    let mut m = BTreeMap::new();
    m.insert("status", r.status.map(|x| x.to_string()));
    m.insert("location", r.location.clone());
    m.insert("source", if r.status.is_none() { None } else { Some(source_name(r.source).to_string()) });
    let up = r.upstream.as_ref();
    m.insert("upstream.upstream", up.and_then(|u| (!u.upstream.is_empty()).then(|| u.upstream.clone())));
    m.insert("upstream.server", up.map(|u| u.server.clone()));
    m.insert("upstream.uri", up.and_then(|u| (!u.uri.is_empty()).then(|| u.uri.clone())));
    m.insert("upstream.host", up.and_then(|u| u.host.clone()));
    m.insert("file", r.file.clone());
    m.insert("body", r.body.clone());
    m
}

fn theirs(r: &Value) -> BTreeMap<&'static str, Option<String>> {
    let mut m = BTreeMap::new();
    m.insert("status", s(r.get("status")));
    m.insert("location", s(r.get("location")));
    m.insert("source", if r.get("status").is_some_and(Value::is_null) { None } else { s(r.get("source")) });
    let up = r.get("upstream").filter(|u| !u.is_null());
    m.insert("upstream.upstream", up.and_then(|u| s(u.get("upstream"))));
    m.insert("upstream.server", up.and_then(|u| s(u.get("server"))));
    m.insert("upstream.uri", up.and_then(|u| s(u.get("uri"))));
    m.insert("upstream.host", up.and_then(|u| s(u.get("host"))));
    m.insert("file", s(r.get("file")));
    m.insert("body", s(r.get("body")));
    m
}

fn headers_of(v: &Value) -> Option<Vec<(String, String)>> {
    let arr = v.get("upstream")?.get("headers")?.as_array()?;
    Some(arr.iter().filter_map(|p| Some((p.get(0)?.as_str()?.to_string(), p.get(1)?.as_str()?.to_string()))).collect())
}

#[test]
fn route_corpus_agrees_with_nginx() {
    let root = cases_dir();
    let Ok(rd) = fs::read_dir(&root) else {
        eprintln!("no route corpus at {}", root.display());
        return;
    };
    let mut dirs: Vec<PathBuf> = rd.flatten().map(|e| e.path()).filter(|p| p.join("expected.json").exists()).collect();
    dirs.sort();
    let gaps_text = fs::read_to_string(root.join("KNOWN_GAPS.txt")).unwrap_or_default();
    let mut gaps: BTreeSet<(String, u32)> = BTreeSet::new();
    for l in gaps_text.lines() {
        let l = l.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let (head, reason) = l.split_once(':').expect("gap lines are `case line N: reason`");
        assert!(!reason.trim().is_empty(), "gap without a reason: {l}");
        let (case, n) = head.rsplit_once(" line ").expect("gap lines are `case line N: reason`");
        gaps.insert((case.trim().to_string(), n.trim().parse().expect("line number")));
    }
    let mut field_ok: BTreeMap<&'static str, (u32, u32)> = BTreeMap::new();
    let (mut total, mut agree) = (0u32, 0u32);
    let mut unexpected = Vec::new();
    let mut seen_gaps = BTreeSet::new();
    for dir in &dirs {
        let case = dir.file_name().unwrap().to_string_lossy().to_string();
        let expected: Value = serde_json::from_str(&fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
        let exp_results = expected["results"].as_array().cloned().unwrap_or_default();
        let config_ok = expected["config_test"]["ok"].as_bool().unwrap_or(true);
        let conf = fs::read_to_string(dir.join("nginx.conf")).unwrap_or_default();
        let read = |n: &str| fs::read_to_string(dir.join(n)).unwrap_or_default();
        let (requests, _) = parse_requests(&read("requests.txt"), "requests.txt");
        let (files, _) = parse_files(&read("files.txt"), "files.txt");
        let (backends, _) = parse_backends(&read("backends.txt"), "backends.txt");
        let mut set = FileSet::default();
        let mut extra = Vec::new();
        fs_files(&dir.join("fs"), &dir.join("fs"), &mut extra);
        for (p, t) in extra {
            set.add(&p, t);
        }
        let cfg = load_text(set, "nginx.conf", &conf, None);
        let m = model::build(&cfg);
        let mut sim = Simulator::new(&cfg, &m, files, backends);
        // The oracle's nginx hashed its rewritten upstream addresses onto the consistent-hash ring: use the same names.
        for up in &m.upstreams {
            let names: Option<Vec<String>> = up
                .servers
                .iter()
                .map(|sv| {
                    let key = format!("{}/{}", up.name, sv.addr);
                    let addr = expected["backends"][&key]["test_addrs"][0].as_str()?;
                    Some(addr.to_string())
                })
                .collect();
            if let Some(n) = names {
                sim.balancer.set_ring_names(&up.name, n);
            }
        }
        let ours_all: Vec<RouteResult> = if config_ok { requests.iter().flat_map(|r| sim.route(r)).collect() } else { Vec::new() };
        for (i, exp) in exp_results.iter().enumerate() {
            total += 1;
            let line = exp["line"].as_u64().unwrap_or(0) as u32;
            let mut diffs = Vec::new();
            match ours_all.get(i) {
                Some(our) => {
                    let (a, b) = (ours(our), theirs(exp));
                    for (k, v) in &b {
                        let e = field_ok.entry(k).or_default();
                        e.1 += 1;
                        if a.get(k) == Some(v) {
                            e.0 += 1;
                        } else {
                            diffs.push(format!("{k}: ours {:?} nginx {:?}", a.get(k).cloned().flatten(), v));
                        }
                    }
                    if let Some(h) = headers_of(exp) {
                        let e = field_ok.entry("upstream.headers").or_default();
                        e.1 += 1;
                        let mine = our.upstream.as_ref().map(|u| u.headers.clone()).unwrap_or_default();
                        if mine == h {
                            e.0 += 1;
                        } else {
                            diffs.push(format!("upstream.headers: ours {mine:?} nginx {h:?}"));
                        }
                    }
                }
                None => diffs.push("no result".into()),
            }
            if diffs.is_empty() {
                agree += 1;
            } else if gaps.contains(&(case.clone(), line)) {
                println!("known gap {case} line {line}: {}", diffs.join("; "));
                seen_gaps.insert((case.clone(), line));
            } else {
                unexpected.push(format!("{case} line {line}: {} | {}", exp["request"].as_str().unwrap_or(""), diffs.join("; ")));
            }
        }
    }
    for (k, (ok, n)) in &field_ok {
        println!("  {k:<18} {ok}/{n}");
    }
    println!("route corpus: {agree}/{total} requests agree ({} known gaps)", seen_gaps.len());
    for u in &unexpected {
        println!("DISAGREE {u}");
    }
    assert!(unexpected.is_empty(), "{} disagreements not in KNOWN_GAPS.txt", unexpected.len());
    let stale: Vec<_> = gaps.difference(&seen_gaps).collect();
    assert!(stale.is_empty(), "these KNOWN_GAPS.txt entries agree with nginx now; remove them: {stale:?}");
}
