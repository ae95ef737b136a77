//! One row per request result: status, server, location and where the request went.

use yew::prelude::*;

use crate::protocol::{BlockView, ExpectSummary, ExpectView, ResultView};
use crate::workspace::tab_path;

#[derive(Properties, PartialEq)]
pub struct ResultsProps {
    pub results: Vec<ResultView>,
    /// The main file's absolute path; blocks in other files name their file.
    pub main_path: AttrValue,
    pub selected: Option<usize>,
    pub onselect: Callback<Option<usize>>,
}

#[function_component(Results)]
pub fn results(props: &ResultsProps) -> Html {
    let rows = props.results.iter().enumerate().map(|(i, r)| {
        let selected = props.selected == Some(i);
        let onselect = props.onselect.clone();
        let onclick = Callback::from(move |_| onselect.emit(if selected { None } else { Some(i) }));
        html! { <ResultRow result={r.clone()} {selected} {onclick} main_path={props.main_path.clone()} /> }
    });
    // Arrow keys move the selection between rows and keep the focus on the selected row.
    let list = use_node_ref();
    let onkeydown = {
        let onselect = props.onselect.clone();
        let (selected, count, list) = (props.selected, props.results.len(), list.clone());
        Callback::from(move |e: KeyboardEvent| {
            let next = match (e.key().as_str(), selected) {
                ("ArrowDown", None) => 0,
                ("ArrowDown", Some(i)) => (i + 1).min(count.saturating_sub(1)),
                ("ArrowUp", Some(i)) => i.saturating_sub(1),
                _ => return,
            };
            e.prevent_default();
            onselect.emit(Some(next));
            let row = list
                .cast::<web_sys::Element>()
                .and_then(|l| l.query_selector_all("[data-testid=result-row]").ok())
                .and_then(|rows| rows.item(next as u32))
                .and_then(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(n).ok());
            if let Some(row) = row {
                let _ = row.focus();
            }
        })
    };
    html! {
        <div class="results" role="list" aria-label="Results (arrow keys move the selection)" ref={list} {onkeydown}>
            { for rows }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ResultRowProps {
    pub result: ResultView,
    pub main_path: AttrValue,
    pub selected: bool,
    pub onclick: Callback<()>,
}

fn status_class(status: Option<u16>) -> &'static str {
    match status {
        Some(s) if s < 300 => "st-ok",
        Some(s) if s < 400 => "st-redirect",
        Some(s) if s < 500 => "st-client",
        Some(_) => "st-server",
        None => "st-none",
    }
}

/// `label :line` for a block in the main file, `label  file:line` for one in another file.
fn block_text(b: &Option<BlockView>, main_path: &str) -> String {
    match b {
        Some(b) => match b.place.as_ref() {
            Some(p) if p.path.as_deref().is_none_or(|path| path == main_path) => {
                format!("{} :{}", b.label, p.line)
            }
            Some(p) => {
                let file = p.path.as_deref().map(tab_path).unwrap_or_default();
                format!("{}  {file}:{}", b.label, p.line)
            }
            None => b.label.clone(),
        },
        None => "—".into(),
    }
}

#[function_component(ResultRow)]
pub fn result_row(props: &ResultRowProps) -> Html {
    let r = &props.result;
    let status = r
        .status
        .map(|s| s.to_string())
        .unwrap_or_else(|| "—".into());
    let onclick = {
        let cb = props.onclick.clone();
        Callback::from(move |_| cb.emit(()))
    };
    let onkeydown = {
        let cb = props.onclick.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                cb.emit(());
            }
        })
    };
    let (upstream, uri, host) = match &r.upstream {
        Some(u) => (
            format!("{} → {}", u.upstream, u.server),
            u.uri.clone(),
            u.host.clone(),
        ),
        None => (String::new(), String::new(), None),
    };
    let detail = if r.upstream.is_some() {
        html! {}
    } else if let Some(loc) = &r.redirect {
        html! { <span class="detail">{ "redirect → " }<code>{ loc }</code></span> }
    } else if let Some(file) = &r.file {
        html! { <span class="detail">{ "static file " }<code>{ file }</code></span> }
    } else if let Some(body) = &r.body {
        html! { <span class="detail">{ "returns " }<code>{ body.trim_end() }</code></span> }
    } else if let Some(err) = &r.error {
        html! { <span class="detail bad">{ err }</span> }
    } else if r.source == "builtin" {
        html! { <span class="detail muted">{ "nginx's built-in error page" }</span> }
    } else {
        html! { <span class="detail muted">{ r.source.clone() }</span> }
    };
    let retries = (r.upstream_hits.len() > 1).then(|| {
        let tried: Vec<String> = r.upstream_hits.iter().map(|h| h.server.clone()).collect();
        html! { <span class="detail muted" title="every backend contacted">{ format!("tried {}", tried.join(", ")) }</span> }
    });
    html! {
        <div class={classes!("row", props.selected.then_some("selected"), r.expect.as_ref().map(|e| if e.pass { "exp-pass" } else { "exp-fail" }))}
             role="listitem" tabindex="0"
             data-testid="result-row" aria-selected={props.selected.to_string()} {onclick} {onkeydown}>
            <span class={classes!("status", status_class(r.status))} data-testid="result-status">{ status }</span>
            <span class="request" title={format!("requests line {}", r.line)}>
                if let Some(e) = &r.expect { { expect_badge(e) } }
                { &r.request }
            </span>
            <span class="cells">
                <span class="cell" title="server block">
                    <span class="k">{ "server" }</span>
                    <span data-testid="result-server">{ block_text(&r.server, &props.main_path) }</span>
                </span>
                <span class="cell" title="location block">
                    <span class="k">{ "location" }</span>
                    <span data-testid="result-location">{ block_text(&r.location, &props.main_path) }</span>
                </span>
            </span>
            <span class="cell wide" title="what answered">
                if r.upstream.is_some() {
                    <span class="k">{ "upstream" }</span>
                }
                <span data-testid="result-upstream">{ upstream }</span>
                if r.upstream.is_some() {
                    <span class="k">{ "uri" }</span>
                }
                <code data-testid="result-uri">{ uri }</code>
                if let Some(h) = host {
                    <span class="k">{ "host" }</span>
                    <code data-testid="result-host">{ h }</code>
                }
                { detail }
                { for retries }
            </span>
            if let Some(e) = r.expect.as_ref().filter(|e| !e.pass) { { failed_checks(e) } }
        </div>
    }
}

/// The pass/fail mark in front of a request with expectations; its tooltip lists every check.
fn expect_badge(e: &ExpectView) -> Html {
    let title = e
        .checks
        .iter()
        .map(|c| {
            let mark = if c.pass { "✓" } else { "✗" };
            format!("{mark} {} {}", c.field, c.expected)
        })
        .collect::<Vec<_>>()
        .join("\n");
    let (class, text, label) = if e.pass {
        ("exp-badge pass", "✓", "expectations hold")
    } else {
        ("exp-badge fail", "✗", "expectations fail")
    };
    html! {
        <span class={class} data-testid="result-expect" data-pass={e.pass.to_string()} {title} aria-label={label}>{ text }</span>
    }
}

/// Expected against actual, one line per failing field.
fn failed_checks(e: &ExpectView) -> Html {
    html! {
        <ul class="exp-fails" data-testid="expect-failures">
            { for e.checks.iter().filter(|c| !c.pass).map(|c| html! {
                <li data-testid="expect-failure" data-field={c.field.clone()}>
                    <span class="k">{ &c.field }</span>
                    <span class="exp-label">{ "expected" }</span><code class="exp-want">{ &c.expected }</code>
                    <span class="exp-label">{ "got" }</span><code class="exp-got">{ &c.actual }</code>
                </li>
            }) }
        </ul>
    }
}

#[derive(Properties, PartialEq)]
pub struct ExpectBarProps {
    pub summary: Option<ExpectSummary>,
    /// Whether a recorded text is ready (results are current).
    pub can_record: bool,
    pub onrecord: Callback<()>,
}

/// "12 of 13 expectations hold" and the button that records today's results as expectations.
#[function_component(ExpectBar)]
pub fn expect_bar(props: &ExpectBarProps) -> Html {
    let onclick = {
        let cb = props.onrecord.clone();
        Callback::from(move |_| cb.emit(()))
    };
    html! {
        <div class="expect-bar">
            if let Some(s) = &props.summary {
                <span class={classes!("expect-summary", if s.all_hold { "ok" } else { "bad" })} data-testid="expect-summary"
                    data-pass={s.all_hold.to_string()}>
                    { if s.all_hold { "✓ " } else { "✗ " } }{ &s.text }
                </span>
            }
            <button class="small" data-testid="record-expectations" disabled={!props.can_record} {onclick}
                title="Write each request's current result after it as `=> field value, …`, so later changes that alter it show up as failures">
                { "Record current results as expectations" }
            </button>
        </div>
    }
}
