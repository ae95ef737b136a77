//! The root component: owns the state, talks to the engine worker, autosaves and lays out the panels.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::diagnostics::Diagnostics;
use crate::components::editor::Editor;
use crate::components::file_tabs::FileTabs;
use crate::components::header::Header;
use crate::components::help::Help;
use crate::components::inputs::{ContextPanel, TextInput};
use crate::components::notice::NoticeBar;
use crate::components::results::Results;
use crate::components::trace::Trace;
use crate::protocol::{Diag, Job, Outcome, Severity};
use crate::state::{Action, AppState, Notice};
use crate::worker_client::EngineWorker;
use crate::workspace::{absolute_path, Workspace};
use crate::{examples, share, storage};

/// Engine runs wait this long after the last edit.
const RUN_DELAY_MS: u32 = 60;
/// Autosave waits this long after the last edit.
const SAVE_DELAY_MS: u32 = 150;

/// The workspace to start with: a share link, else the saved work, else the first example.
fn initial_state() -> AppState {
    let saved = || storage::load().unwrap_or_default();
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    match share::decode(&hash) {
        Ok(None) => AppState::new(saved(), None),
        Ok(Some(ws)) => {
            storage::backup();
            clear_hash();
            let mut n = Notice::info(
                "Opened the workspace from the link. Your previous work was kept as a backup.",
            );
            n.restore = storage::load().is_some();
            let mut s = AppState::new(ws, Some(n));
            // A workspace from a link is new work: save it on the first run.
            s.rev = 2;
            s
        }
        Err(e) => {
            clear_hash();
            AppState::new(
                saved(),
                Some(Notice::error(format!(
                    "This share link could not be opened: {e}. Your saved work was left untouched."
                ))),
            )
        }
    }
}

fn clear_hash() {
    if let Some(w) = web_sys::window() {
        let loc = w.location();
        let url = format!(
            "{}{}",
            loc.pathname().unwrap_or_default(),
            loc.search().unwrap_or_default()
        );
        if let Ok(h) = w.history() {
            let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
    }
}

/// The share URL for a workspace.
fn share_url(ws: &Workspace) -> String {
    let loc = web_sys::window().map(|w| w.location());
    let base = loc
        .map(|l| {
            format!(
                "{}{}{}",
                l.origin().unwrap_or_default(),
                l.pathname().unwrap_or_default(),
                l.search().unwrap_or_default()
            )
        })
        .unwrap_or_default();
    format!("{base}#{}", share::encode(ws))
}

/// Line classes for the active file: diagnostics, the selected result's blocks and trace, the focused lines.
fn line_marks(state: &AppState) -> BTreeMap<u32, String> {
    let mut marks: BTreeMap<u32, String> = BTreeMap::new();
    let Some(file) = state.ws.files.get(state.active) else {
        return marks;
    };
    let abs = absolute_path(&file.path);
    let mut add = |line: u32, end: u32, class: &str| {
        for l in line..=end.max(line).min(line + 2000) {
            let e = marks.entry(l).or_default();
            if !e.split(' ').any(|c| c == class) {
                if !e.is_empty() {
                    e.push(' ');
                }
                e.push_str(class);
            }
        }
    };
    if let Some(out) = &state.outcome {
        if let (Some(i), Ok(results)) = (state.selected, &out.results) {
            if let Some(r) = results.get(i) {
                let places = r
                    .server
                    .iter()
                    .chain(r.location.iter())
                    .filter_map(|b| b.place.as_ref());
                for p in places.chain(r.trace.iter().filter_map(|s| s.place.as_ref())) {
                    if p.path.as_deref() == Some(abs.as_str()) {
                        add(p.line, p.line, "mk-trace");
                    }
                }
            }
        }
        for d in out.diagnostics.iter().filter(|d| d.input == "config") {
            if let Some(p) = d
                .place
                .as_ref()
                .filter(|p| p.path.as_deref() == Some(abs.as_str()))
            {
                add(
                    p.line,
                    p.line,
                    if d.severity == Severity::Error {
                        "mk-err"
                    } else {
                        "mk-warn"
                    },
                );
            }
        }
    }
    if let Some(f) = state.focus {
        add(f.line, f.end_line, "mk-focus");
    }
    marks
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(initial_state);
    let help_open = use_state(|| false);
    // Whether the help was opened from the "Known gaps" link, so it starts at that list.
    let gaps_first = use_state(|| false);
    let all_examples = use_memo((), |_| examples::all());

    let worker = {
        let d1 = state.dispatcher();
        let d2 = state.dispatcher();
        use_memo((), move |_| {
            EngineWorker::new(
                Callback::from(move |o: Outcome| d1.dispatch(Action::EngineAnswer(o))),
                Callback::from(move |e: String| d2.dispatch(Action::EngineFailed(e))),
            )
        })
    };

    // Run the engine and autosave, each debounced, whenever the workspace changes.
    let run_timer: Rc<RefCell<Option<Timeout>>> = use_mut_ref(|| None);
    let save_timer: Rc<RefCell<Option<Timeout>>> = use_mut_ref(|| None);
    {
        let ws = state.ws.clone();
        let worker = worker.clone();
        let dispatcher = state.dispatcher();
        use_effect_with(state.rev, move |rev| {
            let rev = *rev;
            let job = Job {
                id: rev,
                workspace: ws.clone(),
            };
            *run_timer.borrow_mut() = Some(Timeout::new(RUN_DELAY_MS, move || worker.submit(&job)));
            // The first state is either saved already or a default that need not be stored.
            if rev > 1 {
                *save_timer.borrow_mut() = Some(Timeout::new(SAVE_DELAY_MS, move || {
                    if let Err(e) = storage::save(&ws) {
                        dispatcher.dispatch(Action::SetNotice(Some(Notice::error(format!(
                            "Autosave failed: {e}"
                        )))));
                    }
                }));
            }
        });
    }

    // A share link opened in this tab changes only the fragment, which does not reload the page.
    {
        let d = state.dispatcher();
        use_effect_with((), move |_| {
            let handler = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
                let hash = web_sys::window()
                    .and_then(|w| w.location().hash().ok())
                    .unwrap_or_default();
                match share::decode(&hash) {
                    Ok(None) => {}
                    Ok(Some(ws)) => {
                        // The autosaved copy is at most one save delay behind the screen.
                        storage::backup();
                        clear_hash();
                        let mut n = Notice::info("Opened the workspace from the link. Your previous work was kept as a backup.");
                        n.restore = true;
                        d.dispatch(Action::Load(ws, Some(n)));
                    }
                    Err(e) => {
                        clear_hash();
                        d.dispatch(Action::SetNotice(Some(Notice::error(format!(
                            "This share link could not be opened: {e}. Your saved work was left untouched."
                        )))));
                    }
                }
            });
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ = w.add_event_listener_with_callback(
                    "hashchange",
                    handler.as_ref().unchecked_ref(),
                );
            }
            move || {
                if let Some(w) = window {
                    let _ = w.remove_event_listener_with_callback(
                        "hashchange",
                        handler.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }

    let dispatch = |make: fn(String) -> Action| {
        let d = state.dispatcher();
        Callback::from(move |t: String| d.dispatch(make(t)))
    };

    let onpaste = {
        let d = state.dispatcher();
        Callback::from(move |e: Event| {
            let Some(e) = e.dyn_ref::<web_sys::ClipboardEvent>() else {
                return;
            };
            let Some(text) = e
                .clipboard_data()
                .and_then(|c| c.get_data("text/plain").ok())
            else {
                return;
            };
            if let Some(files) = ngxplay_core::vfs::split_dump(&text) {
                e.prevent_default();
                d.dispatch(Action::ImportDump(
                    files.into_iter().map(|f| (f.path, f.text)).collect(),
                ));
            }
        })
    };
    let oncopylink = {
        let state = state.clone();
        Callback::from(move |_| {
            let url = share_url(&state.ws);
            let copied = web_sys::window().map(|w| {
                let _ = w.navigator().clipboard().write_text(&url);
            });
            let kb = url.len() / 1024;
            let mut text = if copied.is_some() {
                "Link copied to the clipboard.".to_string()
            } else {
                "Copy this link:".to_string()
            };
            if kb >= 32 {
                text.push_str(&format!(
                    " It is {kb} KB long; some chat tools cut long links."
                ));
            }
            let mut n = Notice::info(text);
            n.link = Some(url);
            state.dispatch(Action::SetNotice(Some(n)));
        })
    };
    let onexample = {
        let state = state.clone();
        let all = all_examples.clone();
        Callback::from(move |i: usize| {
            if let Some(ex) = all.get(i) {
                storage::backup_workspace(&state.ws);
                let d = state.dispatcher();
                let mut n =
                    Notice::info(format!("Loaded example: {}. {}", ex.title, ex.description));
                n.restore = true;
                d.dispatch(Action::Load(ex.workspace.clone(), Some(n)));
            }
        })
    };
    let onrestore = {
        let d = state.dispatcher();
        Callback::from(move |_| match storage::load_backup() {
            Some(ws) => d.dispatch(Action::Load(
                ws,
                Some(Notice::info("Restored your previous work.")),
            )),
            None => d.dispatch(Action::SetNotice(Some(Notice::error(
                "There is no backup to restore.",
            )))),
        })
    };
    let onhelp = {
        let help_open = help_open.clone();
        let gaps_first = gaps_first.clone();
        Callback::from(move |_| {
            gaps_first.set(false);
            help_open.set(!*help_open)
        })
    };
    let onkeydown = {
        let help_open = help_open.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" && *help_open {
                help_open.set(false);
            }
        })
    };
    let onreveal = {
        let d = state.dispatcher();
        Callback::from(move |p| d.dispatch(Action::Reveal(p)))
    };

    let marks = {
        let s = state.clone();
        use_memo(
            (
                state.outcome.clone(),
                state.selected,
                state.active,
                state.focus,
                state.rev,
            ),
            move |_| line_marks(&s),
        )
    };

    let active = state
        .ws
        .files
        .get(state.active)
        .cloned()
        .unwrap_or_else(|| state.ws.files[0].clone());
    let outcome = state.outcome.clone();
    let (config_diags, input_diags): (Vec<Diag>, Vec<Diag>) = outcome
        .as_ref()
        .map(|o| o.diagnostics.clone())
        .unwrap_or_default()
        .into_iter()
        .partition(|d| d.input == "config");
    let problems: Vec<usize> = state
        .ws
        .files
        .iter()
        .map(|f| {
            let abs = absolute_path(&f.path);
            config_diags
                .iter()
                .filter(|d| d.place.as_ref().and_then(|p| p.path.as_deref()) == Some(abs.as_str()))
                .count()
        })
        .collect();
    let stale = outcome.as_ref().is_none_or(|o| o.id != state.rev);

    let results_view = match outcome.as_ref().map(|o| &o.results) {
        None => html! { <p class="muted" data-testid="results-message">{ "Running…" }</p> },
        Some(Err(msg)) => html! { <p class="message" data-testid="results-message">{ msg }</p> },
        Some(Ok(results)) if results.is_empty() => {
            html! { <p class="muted" data-testid="results-message">{ "Add request lines above to see where they go." }</p> }
        }
        Some(Ok(results)) => {
            let d = state.dispatcher();
            let main_path = AttrValue::from(absolute_path(&state.ws.files[0].path));
            html! { <Results results={results.clone()} selected={state.selected} {main_path}
            onselect={Callback::from(move |i| d.dispatch(Action::SelectResult(i)))} /> }
        }
    };
    let selected = outcome
        .as_ref()
        .and_then(|o| o.results.as_ref().ok())
        .and_then(|r| state.selected.and_then(|i| r.get(i)))
        .cloned();
    let timing = outcome
        .as_ref()
        .and_then(|o| o.millis)
        .map(|ms| format!("{ms} ms"));

    html! {
        <div class="app" {onpaste} {onkeydown}>
            <Header examples={all_examples.clone()} {onexample} {oncopylink} {onhelp} />
            if let Some(n) = state.notice.clone() {
                <NoticeBar notice={n} onrestore={onrestore}
                    ondismiss={{ let d = state.dispatcher(); Callback::from(move |_| d.dispatch(Action::SetNotice(None))) }} />
            }
            if let Some(e) = state.engine_error.clone() {
                <div class="notice error" role="alert" data-testid="engine-error">{ e }</div>
            }
            <main class="panes">
                <section class="pane left" aria-label="Config">
                    <FileTabs
                        paths={state.ws.files.iter().map(|f| AttrValue::from(f.path.clone())).collect::<Vec<_>>()}
                        active={state.active}
                        problems={problems}
                        onselect={{ let d = state.dispatcher(); Callback::from(move |i| d.dispatch(Action::SelectFile(i))) }}
                        onadd={dispatch(Action::AddFile)}
                        onrename={{ let d = state.dispatcher(); Callback::from(move |(i, n)| d.dispatch(Action::RenameFile(i, n))) }}
                        ondelete={{ let d = state.dispatcher(); Callback::from(move |i| d.dispatch(Action::DeleteFile(i))) }}
                    />
                    <Editor text={AttrValue::from(active.text.clone())} file_key={AttrValue::from(active.path.clone())}
                        marks={marks} focus={state.focus} oninput={dispatch(Action::EditActive)} />
                    <Diagnostics items={config_diags} config_ok={outcome.as_ref().map(|o| o.config_ok)} onreveal={onreveal.clone()} />
                </section>
                <section class="pane right" aria-label="Requests and results">
                    <div class="section-head">
                        <span class="section-title">{ "Requests" }</span>
                        <span class="muted">{ "one per line: METHOD URL [field …]" }</span>
                    </div>
                    <TextInput value={AttrValue::from(state.ws.requests.clone())} testid="requests-input" label="Requests"
                        placeholder="GET http://example.com/path header:Cookie=a=1" rows={6} oninput={dispatch(Action::SetRequests)} />
                    if !input_diags.is_empty() {
                        <Diagnostics items={input_diags} config_ok={None::<bool>} title="Problems in the request and context lines" onreveal={Callback::noop()} />
                    }
                    <ContextPanel static_files={AttrValue::from(state.ws.static_files.clone())} backends={AttrValue::from(state.ws.backends.clone())}
                        tab={state.input_tab}
                        ontab={{ let d = state.dispatcher(); Callback::from(move |t| d.dispatch(Action::SetInputTab(t))) }}
                        onstatic={dispatch(Action::SetStaticFiles)} onbackends={dispatch(Action::SetBackends)} />
                    <div class="section-head">
                        <span class="section-title">{ "Results" }</span>
                        if stale { <span class="muted" data-testid="running">{ "updating…" }</span> }
                        else if let Some(t) = timing { <span class="muted">{ t }</span> }
                    </div>
                    { results_view }
                    if let Some(r) = selected {
                        <Trace result={r} onreveal={onreveal.clone()} />
                    }
                </section>
            </main>
            <footer class="foot">
                <span>{ "Runs entirely in your browser. Results model nginx 1.22.1 (Debian bookworm). " }</span>
                <button class="link" data-testid="known-gaps-link"
                    onclick={{ let (h, g) = (help_open.clone(), gaps_first.clone()); Callback::from(move |_| { g.set(true); h.set(true) }) }}>
                    { format!("Known gaps ({})", crate::gaps::KNOWN_GAPS.len()) }
                </button>
            </footer>
            if *help_open {
                <Help gaps_first={*gaps_first} onclose={{ let h = help_open.clone(); Callback::from(move |_| h.set(false)) }} />
            }
        </div>
    }
}
