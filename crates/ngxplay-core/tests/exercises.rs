//! Every shipped exercise parses, its starting config misses the goal, and its solution meets it.

use std::fs;
use std::path::PathBuf;

use ngxplay_core::exercise::{attempt, parse_exercise, Attempt, Exercise};

fn exercises() -> Vec<(String, Exercise)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../exercises");
    let mut paths: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("exercises/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "exercise"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let text = fs::read_to_string(&p).expect("readable");
            let (ex, diags) = parse_exercise(&text, &name);
            assert!(diags.is_empty(), "{name}: {diags:#?}");
            let ex = ex.unwrap_or_else(|| panic!("{name} is incomplete"));
            (name, ex)
        })
        .collect()
}

/// Lists every failed check, for the assertion messages.
fn failures(a: &Attempt) -> String {
    let mut out = String::new();
    if !a.config_test.ok {
        out.push_str(&format!("  config rejected: {:?}\n", a.config_test.errors.iter().map(|d| &d.message).collect::<Vec<_>>()));
    }
    for o in &a.outcomes {
        if let Some(e) = &o.error {
            out.push_str(&format!("  line {} {}: {e}\n", o.line, o.request));
        }
        for c in o.checks.iter().filter(|c| !c.pass) {
            out.push_str(&format!("  line {} {}: {} expected {} got {}\n", o.line, o.request, c.field.name(), c.expected, c.actual.as_deref().unwrap_or("none")));
        }
    }
    out
}

#[test]
fn there_are_at_least_twelve_with_unique_ids_and_hints() {
    let all = exercises();
    assert!(all.len() >= 12, "only {} exercises", all.len());
    let mut ids: Vec<&str> = all.iter().map(|(_, e)| e.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all.len(), "duplicate ids");
    for (name, e) in &all {
        assert!((2..=3).contains(&e.hints.len()), "{name}: {} hints", e.hints.len());
        assert!(!e.story.trim().is_empty(), "{name}: no story");
    }
}

#[test]
fn starting_configs_miss_the_goal() {
    let mut problems = String::new();
    for (name, ex) in exercises() {
        let a = attempt(&ex, &ex.config);
        assert!(a.diagnostics.is_empty(), "{name}: {:?}", a.diagnostics);
        if a.solved() {
            problems.push_str(&format!("{name}: the starting config already meets every expectation\n"));
        }
    }
    assert!(problems.is_empty(), "\n{problems}");
}

#[test]
fn solutions_meet_the_goal() {
    let mut problems = String::new();
    for (name, ex) in exercises() {
        let a = attempt(&ex, &ex.solution);
        if !a.solved() {
            problems.push_str(&format!("{name}: {}\n{}", a.summary.text(), failures(&a)));
        }
    }
    assert!(problems.is_empty(), "\n{problems}");
}

const WITH_SNIPPET: &str = "\
id: snippet
title: Extra files
level: beginner
=== config nginx.conf
upstream app { server 10.0.0.1:8080; }
server {
    listen 80;
    server_name a.test;
    location / { proxy_pass http://app; }
}
=== requests
GET http://a.test/ => upstream app, host a.test
=== hint
One.
=== hint
Two.
=== solution nginx.conf
upstream app { server 10.0.0.1:8080; }
server {
    listen 80;
    server_name a.test;
    location / {
        include /etc/nginx/snippets/host.conf;
        proxy_pass http://app;
    }
}
=== solution /etc/nginx/snippets/host.conf
proxy_set_header Host $host;
";

#[test]
fn extra_files_are_included_from_their_paths() {
    let (ex, diags) = parse_exercise(WITH_SNIPPET, "snippet.exercise");
    assert!(diags.is_empty(), "{diags:?}");
    let ex = ex.expect("complete");
    let start = attempt(&ex, &ex.config);
    assert!(start.config_test.ok);
    assert_eq!(start.outcomes[0].checks[1].actual.as_deref(), Some("app"));
    let solved = attempt(&ex, &ex.solution);
    assert!(solved.solved(), "{}", failures(&solved));
}

#[test]
fn a_config_that_would_not_load_fails_every_check() {
    let (ex, _) = parse_exercise(WITH_SNIPPET, "snippet.exercise");
    let ex = ex.expect("complete");
    let broken = [ngxplay_core::exercise::ExerciseFile { path: "nginx.conf".into(), text: "server { proxy_passs x; }\n".into() }];
    let a = attempt(&ex, &broken);
    assert!(!a.config_test.ok);
    assert!(!a.solved());
    assert_eq!(a.summary.checks_failed, 2);
}
