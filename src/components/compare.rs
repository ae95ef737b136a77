//! Compare mode: the baseline controls, the requests whose outcome changed (first) and a line diff of the files.

use ngxplay_core::linediff::{diff, hunks, Op};
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::protocol::{CompareRow, CompareView};
use crate::workspace::{absolute_path, ConfigFile};

/// Unchanged lines shown around each change in the diff.
const CONTEXT: usize = 3;

#[derive(Properties, PartialEq)]
pub struct ComparePanelProps {
    pub baseline: Option<Vec<ConfigFile>>,
    pub files: Vec<ConfigFile>,
    pub compare: Option<CompareView>,
    /// Whether the answer on screen belongs to older inputs.
    pub stale: bool,
    pub onsetbaseline: Callback<()>,
    /// Pasted config text (a single file or `nginx -T` output).
    pub onpastebaseline: Callback<String>,
    pub onclear: Callback<()>,
}

#[function_component(ComparePanel)]
pub fn compare_panel(props: &ComparePanelProps) -> Html {
    let pasting = use_state(|| false);
    let pasted = use_state(String::new);
    let set = {
        let cb = props.onsetbaseline.clone();
        Callback::from(move |_| cb.emit(()))
    };
    let clear = {
        let cb = props.onclear.clone();
        Callback::from(move |_| cb.emit(()))
    };
    let toggle_paste = {
        let pasting = pasting.clone();
        Callback::from(move |_| pasting.set(!*pasting))
    };
    let oninput = {
        let pasted = pasted.clone();
        Callback::from(move |e: InputEvent| {
            let ta: HtmlTextAreaElement = e.target_unchecked_into();
            pasted.set(ta.value());
        })
    };
    let use_pasted = {
        let (cb, pasted, pasting) = (props.onpastebaseline.clone(), pasted.clone(), pasting.clone());
        Callback::from(move |_| {
            cb.emit((*pasted).clone());
            pasting.set(false);
        })
    };
    let about = match &props.baseline {
        Some(b) => format!(
            "Before: the baseline ({} file{}). After: the files in the editor.",
            b.len(),
            if b.len() == 1 { "" } else { "s" }
        ),
        None => "No baseline yet. Save the current files as the \"before\" version, then edit.".to_string(),
    };
    let body = match props.compare.as_ref().map(|c| &c.rows) {
        None => html! { <p class="muted">{ "Comparing…" }</p> },
        Some(Err(msg)) => html! { <p class="message" data-testid="compare-message">{ msg }</p> },
        Some(Ok(rows)) => html! { <CompareList rows={rows.clone()} /> },
    };
    html! {
        <section class="compare" aria-label="Compare with the baseline">
            <div class="baseline-bar">
                <span class="baseline-about" data-testid="baseline-about">{ about }</span>
                <button class="primary small" data-testid="set-baseline" onclick={set}
                    title="Use the files as they are now as the 'before' version">{ "Save as baseline" }</button>
                <button class="small" data-testid="paste-baseline" onclick={toggle_paste} aria-pressed={(*pasting).to_string()}>{ "Paste baseline…" }</button>
                if props.baseline.is_some() {
                    <button class="small" data-testid="clear-baseline" onclick={clear}>{ "Clear" }</button>
                }
            </div>
            if *pasting {
                <div class="baseline-paste">
                    <textarea class="data" data-testid="baseline-input" rows="6" spellcheck="false" value={(*pasted).clone()} {oninput}
                        placeholder="Paste the old config here: one file, or the output of nginx -T (split into files)" aria-label="Baseline config" />
                    <button class="primary small" data-testid="use-baseline" onclick={use_pasted} disabled={pasted.trim().is_empty()}>{ "Use as baseline" }</button>
                </div>
            }
            <div class="section-head">
                <span class="section-title">{ "Requests, before → after" }</span>
                if props.stale { <span class="muted" data-testid="compare-running">{ "updating…" }</span> }
            </div>
            { body }
            if let Some(base) = &props.baseline {
                <div class="section-head"><span class="section-title">{ "Config changes" }</span></div>
                <FilesDiff old={base.clone()} new={props.files.clone()} />
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct CompareListProps {
    pub rows: Vec<CompareRow>,
}

/// Changed requests first (each change as `field old → new`), then the unchanged ones.
#[function_component(CompareList)]
pub fn compare_list(props: &CompareListProps) -> Html {
    let (changed, same): (Vec<&CompareRow>, Vec<&CompareRow>) =
        props.rows.iter().partition(|r| !r.changes.is_empty());
    let summary = match changed.len() {
        0 => "Every request routes as before.".to_string(),
        n => format!(
            "{n} of {} request{} route{} differently.",
            props.rows.len(),
            if props.rows.len() == 1 { "" } else { "s" },
            if props.rows.len() == 1 { "s" } else { "" }
        ),
    };
    html! {
        <div class="compare-list" data-testid="compare-list">
            <p class={classes!("compare-summary", if changed.is_empty() { "ok" } else { "bad" })} data-testid="compare-summary">{ summary }</p>
            if props.rows.is_empty() {
                <p class="muted">{ "Add request lines to compare how the two versions route them." }</p>
            }
            { for changed.iter().map(|r| html! {
                <div class="crow changed" data-testid="compare-changed" data-line={r.line.to_string()}>
                    <span class="request">{ &r.request }</span>
                    <ul class="changes">
                        { for r.changes.iter().map(|c| html! {
                            <li data-field={c.field.clone()}>
                                <span class="k">{ &c.field }</span>
                                <code class="old">{ &c.old }</code>
                                <span class="arrow">{ "→" }</span>
                                <code class="new">{ &c.new }</code>
                            </li>
                        }) }
                    </ul>
                </div>
            }) }
            { for same.iter().map(|r| html! {
                <div class="crow same" data-testid="compare-same" data-line={r.line.to_string()}>
                    <span class="request">{ &r.request }</span>
                    <span class="muted">{ r.status.map(|s| format!("unchanged · {s}")).unwrap_or_else(|| "unchanged".into()) }</span>
                </div>
            }) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct FilesDiffProps {
    pub old: Vec<ConfigFile>,
    pub new: Vec<ConfigFile>,
}

/// One diff per file that differs; files are paired by their absolute path.
#[function_component(FilesDiff)]
pub fn files_diff(props: &FilesDiffProps) -> Html {
    let views = use_memo((props.old.clone(), props.new.clone()), |(old, new)| {
        let mut paths: Vec<(String, String)> = Vec::new();
        for f in new.iter().chain(old.iter()) {
            let abs = absolute_path(&f.path);
            if !paths.iter().any(|(a, _)| *a == abs) {
                paths.push((abs, f.path.clone()));
            }
        }
        let text = |files: &[ConfigFile], abs: &str| {
            files
                .iter()
                .find(|f| absolute_path(&f.path) == abs)
                .map(|f| f.text.clone())
        };
        paths
            .into_iter()
            .filter_map(|(abs, label)| {
                let (a, b) = (text(old, &abs), text(new, &abs));
                if a == b {
                    return None;
                }
                let note = match (&a, &b) {
                    (None, _) => " (new file)",
                    (_, None) => " (deleted)",
                    _ => "",
                };
                let (a, b) = (a.unwrap_or_default(), b.unwrap_or_default());
                Some(file_diff(&format!("{label}{note}"), &a, &b))
            })
            .collect::<Vec<Html>>()
    });
    html! {
        <div class="compare-diff" data-testid="compare-diff">
            if views.is_empty() {
                <p class="muted">{ "The files are the same as the baseline." }</p>
            } else {
                { for views.iter().cloned() }
            }
        </div>
    }
}

fn file_diff(label: &str, old: &str, new: &str) -> Html {
    let a: Vec<&str> = old.split('\n').collect();
    let b: Vec<&str> = new.split('\n').collect();
    let ops = diff(old, new);
    let rows = hunks(&ops, CONTEXT).into_iter().map(|h| {
        let head = format!("@@ line {} → {} @@", h.old_start, h.new_start);
        let lines = h.ops.iter().map(|op| {
            let (class, sign, old_n, new_n, text) = match *op {
                Op::Same(i, j) => ("same", " ", Some(i + 1), Some(j + 1), a.get(i).copied()),
                Op::Removed(i) => ("del", "−", Some(i + 1), None, a.get(i).copied()),
                Op::Added(j) => ("add", "+", None, Some(j + 1), b.get(j).copied()),
            };
            let num = |n: Option<usize>| n.map(|n| n.to_string()).unwrap_or_default();
            html! {
                <div class={classes!("dl", class)}>
                    <span class="dn">{ num(old_n) }</span><span class="dn">{ num(new_n) }</span>
                    <span class="ds">{ sign }</span><span class="dt">{ text.unwrap_or("") }</span>
                </div>
            }
        });
        html! {
            <>
                <div class="dh">{ head }</div>
                { for lines }
            </>
        }
    });
    html! {
        <div class="file-diff">
            <div class="file-diff-name">{ label.to_string() }</div>
            <div class="file-diff-body">{ for rows }</div>
        </div>
    }
}
