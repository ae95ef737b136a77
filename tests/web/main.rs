//! Component tests in a real browser (wasm-bindgen-test in headless Chromium): rendering, events and layout.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlTextAreaElement};
use yew::prelude::*;

use ngxplay::components::diagnostics::{Diagnostics, DiagnosticsProps};
use ngxplay::components::editor::{Editor, EditorProps};
use ngxplay::components::compare::{CompareList, CompareListProps, FilesDiff, FilesDiffProps};
use ngxplay::components::results::{ExpectBar, ExpectBarProps, Results, ResultsProps};
use ngxplay::components::trace::{Trace, TraceProps};
use ngxplay::protocol::{
    BlockView, ChangeView, CheckView, CompareRow, Diag, ExpectSummary, ExpectView, Job, Place,
    ResultView, Severity, StepView, UpstreamView,
};
use ngxplay::workspace::ConfigFile;

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh container in the document, styled like the app, `width` pixels wide.
fn mount_point(width: u32) -> Element {
    let doc = web_sys::window().unwrap().document().unwrap();
    if doc.get_element_by_id("app-css").is_none() {
        let style = doc.create_element("style").unwrap();
        style.set_id("app-css");
        style.set_text_content(Some(include_str!("../../static/style.css")));
        doc.head().unwrap().append_child(&style).unwrap();
    }
    let div = doc.create_element("div").unwrap();
    div.set_attribute(
        "style",
        &format!("width:{width}px;height:400px;display:flex;flex-direction:column"),
    )
    .unwrap();
    doc.body().unwrap().append_child(&div).unwrap();
    div
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .collect()
}

fn text(root: &Element, selector: &str) -> String {
    root.query_selector(selector)
        .unwrap()
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

fn place(line: u32) -> Option<Place> {
    Some(Place {
        path: Some("/etc/nginx/nginx.conf".into()),
        file: Some("nginx.conf".into()),
        line,
        end_line: line,
    })
}

fn editor_props(
    text: &str,
    marks: BTreeMap<u32, String>,
    oninput: Callback<String>,
) -> EditorProps {
    EditorProps {
        text: AttrValue::from(text.to_string()),
        file_key: "nginx.conf".into(),
        marks: Rc::new(marks),
        focus: None,
        oninput,
    }
}

#[wasm_bindgen_test]
async fn editor_shows_one_numbered_line_per_text_line_with_marks() {
    let root = mount_point(500);
    let src = "server {\n    listen 80;\n\n    location / { return 200 \"hi $host\"; }\n}\n";
    let mut marks = BTreeMap::new();
    marks.insert(2, "mk-err".to_string());
    yew::Renderer::<Editor>::with_root_and_props(
        root.clone(),
        editor_props(src, marks, Callback::noop()),
    )
    .render();
    yew::scheduler::flush().await;
    let lines = all(&root, ".hl .l");
    assert_eq!(lines.len(), src.split('\n').count());
    assert_eq!(lines[1].get_attribute("data-n").as_deref(), Some("2"));
    assert!(lines[1]
        .get_attribute("class")
        .unwrap_or_default()
        .split(' ')
        .any(|c| c == "mk-err"));
    assert!(!lines[0]
        .get_attribute("class")
        .unwrap_or_default()
        .contains("mk-err"));
    assert_eq!(text_of_layer(&root), src.replace('\n', ""));
    let ta: HtmlTextAreaElement = root
        .query_selector("[data-testid=config-editor]")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert_eq!(ta.value(), src);
    assert_eq!(text(&root, ".hl .d"), "server");
    assert_eq!(all(&root, ".hl .v").len(), 1);
}

fn text_of_layer(root: &Element) -> String {
    all(root, ".hl .l")
        .iter()
        .map(|l| l.text_content().unwrap_or_default())
        .collect()
}

#[wasm_bindgen_test]
async fn editor_layers_stay_aligned_when_lines_wrap() {
    let root = mount_point(360);
    let long = format!("    proxy_set_header X-Long {};\n", "abcdefgh".repeat(30));
    let text = format!("server {{\n{long}{long}\tlisten 80;\n}}");
    yew::Renderer::<Editor>::with_root_and_props(
        root.clone(),
        editor_props(&text, BTreeMap::new(), Callback::noop()),
    )
    .render();
    yew::scheduler::flush().await;
    let pre: HtmlElement = root
        .query_selector(".hl")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    let ta: HtmlTextAreaElement = root
        .query_selector("textarea")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    // The long lines wrap, so the layer is taller than one row per line...
    assert!(
        pre.offset_height() > 20 * 5 + 50,
        "pre height {}",
        pre.offset_height()
    );
    // ...and the textarea, laid over it, needs exactly the same height for the same text.
    assert_eq!(ta.scroll_height(), pre.offset_height());
    let lines = all(&root, ".hl .l");
    let last: HtmlElement = lines[lines.len() - 1].clone().dyn_into().unwrap();
    assert!(
        last.offset_top() > 20 * 6,
        "wrapped rows push later lines down"
    );
}

#[wasm_bindgen_test]
async fn editor_reports_typed_text() {
    let root = mount_point(500);
    let seen = Rc::new(RefCell::new(String::new()));
    let sink = seen.clone();
    let cb = Callback::from(move |t: String| *sink.borrow_mut() = t);
    yew::Renderer::<Editor>::with_root_and_props(
        root.clone(),
        editor_props("a;", BTreeMap::new(), cb),
    )
    .render();
    yew::scheduler::flush().await;
    let ta: HtmlTextAreaElement = root
        .query_selector("textarea")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    ta.set_value("a; b;");
    let ev = web_sys::InputEvent::new("input").unwrap();
    ta.dispatch_event(&ev).unwrap();
    yew::scheduler::flush().await;
    assert_eq!(*seen.borrow(), "a; b;");
}

fn sample_result() -> ResultView {
    ResultView {
        line: 3,
        request: "GET http://shop.example.com/api/v2/orders".into(),
        status: Some(502),
        source: "upstream".into(),
        server: Some(BlockView {
            label: "shop.example.com".into(),
            place: place(11),
        }),
        location: Some(BlockView {
            label: "~ \\.(json|csv)$".into(),
            place: place(27),
        }),
        upstream: Some(UpstreamView {
            upstream: "legacy_reports".into(),
            server: "10.0.9.5:8080".into(),
            protocol: "http".into(),
            method: "GET".into(),
            uri: "/api/v2/orders.json".into(),
            host: Some("legacy_reports".into()),
        }),
        upstream_hits: vec![],
        file: None,
        body: None,
        redirect: None,
        error: None,
        trace: vec![
            StepView {
                message: "server shop.example.com matches the Host".into(),
                place: place(11),
            },
            StepView {
                message: "regex location wins".into(),
                place: place(27),
            },
        ],
        expect: None,
    }
}

#[wasm_bindgen_test]
async fn result_rows_show_every_column_and_select_on_click() {
    let root = mount_point(700);
    let picked = Rc::new(RefCell::new(None));
    let sink = picked.clone();
    let mut other = sample_result();
    other.status = Some(200);
    other.upstream = None;
    other.file = Some("/var/www/shop/index.html".into());
    let props = ResultsProps {
        results: vec![sample_result(), other],
        main_path: "/etc/nginx/nginx.conf".into(),
        selected: None,
        onselect: Callback::from(move |i| *sink.borrow_mut() = Some(i)),
    };
    yew::Renderer::<Results>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    let rows = all(&root, "[data-testid=result-row]");
    assert_eq!(rows.len(), 2);
    assert_eq!(text(&rows[0], "[data-testid=result-status]"), "502");
    assert_eq!(
        text(&rows[0], "[data-testid=result-server]"),
        "shop.example.com :11"
    );
    assert_eq!(
        text(&rows[0], "[data-testid=result-location]"),
        "~ \\.(json|csv)$ :27"
    );
    assert_eq!(
        text(&rows[0], "[data-testid=result-upstream]"),
        "legacy_reports → 10.0.9.5:8080"
    );
    assert_eq!(
        text(&rows[0], "[data-testid=result-uri]"),
        "/api/v2/orders.json"
    );
    assert_eq!(text(&rows[1], "[data-testid=result-upstream]"), "");
    assert!(rows[1]
        .text_content()
        .unwrap_or_default()
        .contains("/var/www/shop/index.html"));
    rows[1].clone().dyn_into::<HtmlElement>().unwrap().click();
    assert_eq!(*picked.borrow(), Some(Some(1)));
}

#[wasm_bindgen_test]
async fn diagnostics_and_trace_steps_reveal_their_lines() {
    let root = mount_point(600);
    let revealed = Rc::new(RefCell::new(Vec::new()));
    let sink = revealed.clone();
    let onreveal = Callback::from(move |p: Place| sink.borrow_mut().push(p.line));
    let diag = Diag {
        severity: Severity::Error,
        level: "emerg".into(),
        code: "unknown-directive".into(),
        message: "unknown directive \"lisen\" in nginx.conf:12".into(),
        place: place(12),
        input: "config".into(),
    };
    let props = DiagnosticsProps {
        items: vec![diag],
        config_ok: Some(false),
        title: None,
        onreveal: onreveal.clone(),
    };
    yew::Renderer::<Diagnostics>::with_root_and_props(root.clone(), props).render();
    let trace_root = mount_point(600);
    yew::Renderer::<Trace>::with_root_and_props(
        trace_root.clone(),
        TraceProps {
            result: sample_result(),
            onreveal,
        },
    )
    .render();
    yew::scheduler::flush().await;
    let diags = all(&root, "[data-testid=diagnostic] button");
    assert_eq!(diags.len(), 1);
    diags[0].clone().dyn_into::<HtmlElement>().unwrap().click();
    let steps = all(&trace_root, "[data-testid=trace-step] button");
    assert_eq!(steps.len(), 2);
    steps[1].clone().dyn_into::<HtmlElement>().unwrap().click();
    assert_eq!(*revealed.borrow(), vec![12, 27]);
    assert!(text(&root, ".diag-head").contains("reject"));
}

#[wasm_bindgen_test]
fn engine_adapter_runs_in_wasm() {
    let ex = ngxplay::examples::all();
    assert!(ex.len() >= 8);
    let mut ws = ex[0].workspace.clone();
    ws.files[0].text.push_str("\nserver {\n    listen 81\n}\n");
    let out = ngxplay::engine::run(&Job {
        id: 5,
        workspace: ws,
        compare: false,
    });
    assert_eq!(out.id, 5);
    assert!(!out.config_ok);
    assert!(out
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error && d.place.is_some()));
}

#[wasm_bindgen_test]
fn share_links_round_trip_in_the_browser() {
    let ws = ngxplay::examples::all()[4].workspace.clone();
    let link = ngxplay::share::encode(&ws);
    assert_eq!(ngxplay::share::decode(&link).unwrap(), Some(ws));
    assert!(ngxplay::share::decode(&link[..link.len() - 10]).is_err());
}

fn check(field: &str, expected: &str, actual: &str) -> CheckView {
    CheckView {
        field: field.into(),
        expected: expected.into(),
        actual: actual.into(),
        pass: expected == actual,
    }
}

#[wasm_bindgen_test]
async fn expectations_render_pass_and_fail_with_expected_and_actual() {
    let root = mount_point(700);
    let mut passing = sample_result();
    passing.expect = Some(ExpectView {
        pass: true,
        checks: vec![check("status", "502", "502")],
    });
    let mut failing = sample_result();
    failing.expect = Some(ExpectView {
        pass: false,
        checks: vec![
            check("upstream", "legacy_reports", "legacy_reports"),
            check("uri", "/v2/orders", "/api/v2/orders.json"),
        ],
    });
    let plain = sample_result();
    let props = ResultsProps {
        results: vec![passing, failing, plain],
        main_path: "/etc/nginx/nginx.conf".into(),
        selected: None,
        onselect: Callback::noop(),
    };
    yew::Renderer::<Results>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    let rows = all(&root, "[data-testid=result-row]");
    let pass_of = |row: &Element| {
        row.query_selector("[data-testid=result-expect]")
            .unwrap()
            .and_then(|e| e.get_attribute("data-pass"))
    };
    assert_eq!(pass_of(&rows[0]).as_deref(), Some("true"));
    assert_eq!(pass_of(&rows[1]).as_deref(), Some("false"));
    assert_eq!(pass_of(&rows[2]), None, "a request without expectations has no mark");
    assert!(all(&rows[0], "[data-testid=expect-failure]").is_empty());
    let failures = all(&rows[1], "[data-testid=expect-failure]");
    assert_eq!(failures.len(), 1, "only the failing field is listed");
    assert_eq!(failures[0].get_attribute("data-field").as_deref(), Some("uri"));
    assert_eq!(text(&failures[0], ".exp-want"), "/v2/orders");
    assert_eq!(text(&failures[0], ".exp-got"), "/api/v2/orders.json");
}

#[wasm_bindgen_test]
async fn the_expectation_bar_shows_the_summary_and_records() {
    let root = mount_point(700);
    let clicks = Rc::new(RefCell::new(0));
    let sink = clicks.clone();
    let props = ExpectBarProps {
        summary: Some(ExpectSummary {
            text: "12 of 13 expectations hold (1 request failing)".into(),
            checks: 13,
            checks_failed: 1,
            all_hold: false,
        }),
        can_record: true,
        onrecord: Callback::from(move |_| *sink.borrow_mut() += 1),
    };
    yew::Renderer::<ExpectBar>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    assert_eq!(
        text(&root, "[data-testid=expect-summary]"),
        "✗ 12 of 13 expectations hold (1 request failing)"
    );
    let button: HtmlElement = root
        .query_selector("[data-testid=record-expectations]")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    button.click();
    assert_eq!(*clicks.borrow(), 1);
}

fn compare_row(line: u32, changes: &[(&str, &str, &str)]) -> CompareRow {
    CompareRow {
        line,
        request: format!("GET http://a.example/{line}"),
        status: Some(200),
        changes: changes
            .iter()
            .map(|(f, o, n)| ChangeView {
                field: f.to_string(),
                old: o.to_string(),
                new: n.to_string(),
            })
            .collect(),
    }
}

#[wasm_bindgen_test]
async fn the_compare_list_puts_changed_requests_first() {
    let root = mount_point(700);
    let props = CompareListProps {
        rows: vec![
            compare_row(1, &[]),
            compare_row(2, &[("location", "/api/", "/api"), ("uri", "/v2/x", "/v2//x")]),
            compare_row(3, &[]),
            compare_row(4, &[("status", "200", "404")]),
        ],
    };
    yew::Renderer::<CompareList>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    let order: Vec<(String, String)> = all(&root, ".crow")
        .iter()
        .map(|e| {
            (
                e.get_attribute("data-testid").unwrap_or_default(),
                e.get_attribute("data-line").unwrap_or_default(),
            )
        })
        .collect();
    let want = [("compare-changed", "2"), ("compare-changed", "4"), ("compare-same", "1"), ("compare-same", "3")];
    assert_eq!(
        order,
        want.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>()
    );
    let changed = all(&root, "[data-testid=compare-changed]");
    assert_eq!(text(&changed[0], "[data-field=uri] .old"), "/v2/x");
    assert_eq!(text(&changed[0], "[data-field=uri] .new"), "/v2//x");
    assert_eq!(text(&root, "[data-testid=compare-summary]"), "2 of 4 requests route differently.");
}

#[wasm_bindgen_test]
async fn the_files_diff_marks_removed_and_added_lines() {
    let root = mount_point(700);
    let file = |path: &str, text: &str| ConfigFile {
        path: path.into(),
        text: text.into(),
    };
    let props = FilesDiffProps {
        old: vec![
            file("nginx.conf", "server {\n    location /api/ {\n    }\n}\n"),
            file("conf.d/same.conf", "x;\n"),
        ],
        new: vec![
            file("nginx.conf", "server {\n    location /api {\n    }\n}\n"),
            file("conf.d/same.conf", "x;\n"),
            file("conf.d/new.conf", "y;\n"),
        ],
    };
    yew::Renderer::<FilesDiff>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    let names: Vec<String> = all(&root, ".file-diff-name")
        .iter()
        .map(|e| e.text_content().unwrap_or_default())
        .collect();
    assert_eq!(names, ["nginx.conf", "conf.d/new.conf (new file)"]);
    assert_eq!(text(&root, ".dl.del .dt"), "    location /api/ {");
    assert_eq!(text(&root, ".dl.add .dt"), "    location /api {");
}
