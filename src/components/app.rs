//! The root component: owns the state, talks to the engine worker, autosaves and lays out the panels.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::compare::ComparePanel;
use crate::components::diagnostics::Diagnostics;
use crate::components::exercise::{ExercisePanel, Gallery};
use crate::components::editor::Editor;
use crate::components::file_tabs::FileTabs;
use crate::components::header::Header;
use crate::components::help::Help;
use crate::components::inputs::{ContextPanel, TextInput};
use crate::components::notice::NoticeBar;
use crate::components::results::{ExpectBar, Results};
use crate::components::trace::Trace;
use crate::protocol::{Diag, Job, Outcome, Place, Severity};
use crate::share::Link;
use crate::state::{Action, AppState, ExerciseMode, InputTab, Notice, View};
use crate::worker_client::EngineWorker;
use crate::workspace::{absolute_path, tab_path, ConfigFile, Workspace};
use crate::{examples, exercises, share, storage};

/// Engine runs wait this long after the last edit.
const RUN_DELAY_MS: u32 = 60;
/// Autosave waits this long after the last edit.
const SAVE_DELAY_MS: u32 = 150;

/// The workspace to start with: a share or exercise link, else the saved work (and the exercise it belongs to),
/// else the first example.
fn initial_state() -> AppState {
    let progress = storage::load_progress();
    let saved = || storage::load().unwrap_or_default();
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    let mut state = match share::decode_link(&hash) {
        Ok(None) => {
            let mut s = AppState::new(saved(), None);
            let current = storage::load_current_exercise().filter(|id| exercises::find(id).is_some());
            if let (Some(id), Some(_)) = (current, storage::load()) {
                let p = progress.get(&id).cloned().unwrap_or_default();
                s.exercise = Some(ExerciseMode {
                    id,
                    hints_shown: p.hints_used,
                    solution_shown: p.solution_seen,
                });
            }
            s
        }
        Ok(Some(link)) => {
            storage::backup();
            clear_hash();
            let had_work = storage::load().is_some();
            match opened(link) {
                Ok(action) => {
                    let mut s = (*Rc::new(AppState::new(saved(), None)).reduce(action)).clone();
                    if let Some(n) = s.notice.as_mut() {
                        n.restore = had_work;
                    }
                    // Work from a link is new work: save it on the first run.
                    s.rev = 2;
                    s
                }
                Err(e) => AppState::new(saved(), Some(Notice::error(e))),
            }
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
    };
    state.progress = progress;
    state
}

/// The action that opens a link's content, or why it cannot be opened.
fn opened(link: Link) -> Result<Action, String> {
    const KEPT: &str = "Your previous work was kept as a backup.";
    match link {
        Link::Workspace(ws) => {
            let what = if ws.baseline.is_some() {
                "Opened the comparison from the link."
            } else {
                "Opened the workspace from the link."
            };
            Ok(Action::Load(ws, Some(Notice::info(format!("{what} {KEPT}")))))
        }
        Link::Exercise(id, ws) => {
            let ex = exercises::find(&id).ok_or_else(|| {
                format!("The link names the exercise \"{id}\", which this version of ngxplay does not have.")
            })?;
            let notice = Notice::info(format!("Opened the exercise \"{}\" from the link. {KEPT}", ex.title));
            let ws = exercises::workspace(&ex, ws.map(|w| w.files));
            Ok(Action::OpenExercise(id, ws, Some(notice)))
        }
    }
}

/// Focuses a data textarea and selects one of its lines.
fn select_input_line(testid: &str, line: u32) {
    let Some(ta) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(&format!("[data-testid={testid}]")).ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
    else {
        return;
    };
    let value = ta.value();
    let mut offset = 0u32;
    let mut range = None;
    for (i, l) in value.split('\n').enumerate() {
        let len = l.encode_utf16().count() as u32;
        if i + 1 == line as usize {
            range = Some((offset, offset + len));
            break;
        }
        offset += len + 1;
    }
    if let Some((a, b)) = range {
        let _ = ta.focus();
        let _ = ta.set_selection_range(a, b);
        let line_px = 18;
        ta.set_scroll_top(((line as i32 - 2) * line_px).max(0));
    }
}

/// The baseline files from pasted text: `nginx -T` output is split, anything else is the main file.
fn pasted_baseline(text: &str, main_path: &str) -> Vec<ConfigFile> {
    match ngxplay_core::vfs::split_dump(text) {
        Some(files) => files
            .into_iter()
            .map(|f| ConfigFile {
                path: tab_path(&f.path),
                text: f.text,
            })
            .collect(),
        None => vec![ConfigFile {
            path: main_path.to_string(),
            text: text.to_string(),
        }],
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

/// The share URL for a workspace, or for an exercise with the learner's work.
fn share_url(ws: &Workspace, exercise: Option<&str>) -> String {
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
    match exercise {
        Some(id) => format!("{base}#{}", share::encode_exercise(id, ws)),
        None => format!("{base}#{}", share::encode(ws)),
    }
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
        let compare = state.view == View::Compare;
        use_effect_with(state.rev, move |rev| {
            let rev = *rev;
            let job = Job {
                id: rev,
                workspace: ws.clone(),
                compare,
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

    // Exercise progress and the open exercise are saved as they change.
    use_effect_with(state.progress.clone(), |p| storage::save_progress(p));
    use_effect_with(state.exercise.as_ref().map(|e| e.id.clone()), |id| {
        storage::save_current_exercise(id.as_deref())
    });

    // A share link opened in this tab changes only the fragment, which does not reload the page.
    {
        let d = state.dispatcher();
        use_effect_with((), move |_| {
            let handler = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
                let hash = web_sys::window()
                    .and_then(|w| w.location().hash().ok())
                    .unwrap_or_default();
                match share::decode_link(&hash) {
                    Ok(None) => {}
                    Ok(Some(link)) => {
                        // The autosaved copy is at most one save delay behind the screen.
                        storage::backup();
                        clear_hash();
                        match opened(link) {
                            Ok(mut action) => {
                                if let Action::Load(_, Some(n)) | Action::OpenExercise(_, _, Some(n)) = &mut action {
                                    n.restore = true;
                                }
                                d.dispatch(action);
                            }
                            Err(e) => d.dispatch(Action::SetNotice(Some(Notice::error(e)))),
                        }
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
            let url = share_url(&state.ws, state.exercise.as_ref().map(|e| e.id.as_str()));
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
    let all_exercises = use_memo((), |_| exercises::all());
    let current_exercise = state
        .exercise
        .as_ref()
        .and_then(|m| all_exercises.iter().find(|e| e.id == m.id).cloned());
    let onopenexercise = {
        let state = state.clone();
        let all = all_exercises.clone();
        Callback::from(move |id: String| {
            let Some(ex) = all.iter().find(|e| e.id == id) else { return };
            if state.exercise.as_ref().is_some_and(|m| m.id == id) {
                state.dispatch(Action::SetGallery(false));
                return;
            }
            storage::backup_workspace(&state.ws);
            let mut n = Notice::info(format!(
                "Exercise \u{201c}{}\u{201d}: edit the config until every expectation holds. Your previous work was kept as a backup.",
                ex.title
            ));
            n.restore = true;
            state.dispatch(Action::OpenExercise(id, exercises::workspace(ex, None), Some(n)));
        })
    };
    let onresetexercise = {
        let state = state.clone();
        let ex = current_exercise.clone();
        Callback::from(move |_| {
            if let Some(ex) = &ex {
                state.dispatch(Action::OpenExercise(
                    ex.id.clone(),
                    exercises::workspace(ex, None),
                    Some(Notice::info("Started over with the original config.")),
                ));
            }
        })
    };
    let onrecord = {
        let state = state.clone();
        Callback::from(move |_| {
            let text = state
                .outcome
                .as_ref()
                .filter(|o| o.id == state.rev)
                .and_then(|o| o.recorded.clone());
            if let Some(text) = text {
                storage::backup_workspace(&state.ws);
                state.dispatch(Action::RecordExpectations(text));
            }
        })
    };
    let onsetbaseline = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::SetBaseline(state.ws.files.clone())))
    };
    let onpastebaseline = {
        let state = state.clone();
        Callback::from(move |text: String| {
            let main = state.ws.files[0].path.clone();
            state.dispatch(Action::SetBaseline(pasted_baseline(&text, &main)))
        })
    };
    let onrevealinput = {
        let d = state.dispatcher();
        Callback::from(move |p: Place| {
            let (tab, testid) = match p.file.as_deref() {
                Some("files.txt") => (Some(InputTab::StaticFiles), "static-files-input"),
                Some("backends.txt") => (Some(InputTab::Backends), "backends-input"),
                _ => (None, "requests-input"),
            };
            if let Some(tab) = tab {
                d.dispatch(Action::SetInputTab(tab));
            }
            // After the tab has rendered.
            Timeout::new(0, move || select_input_line(testid, p.line)).forget();
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
    let in_exercise = current_exercise.is_some();
    let compare_on = state.view == View::Compare;
    let expect_summary = outcome.as_ref().filter(|_| !stale).and_then(|o| o.expect_summary.clone());
    let can_record = !stale && outcome.as_ref().is_some_and(|o| o.recorded.is_some());

    html! {
        <div class="app" {onpaste} {onkeydown}>
            <Header examples={all_examples.clone()} {onexample} {oncopylink} {onhelp}
                compare_on={compare_on && !state.gallery_open}
                oncompare={{ let d = state.dispatcher(); let v = if compare_on && !state.gallery_open { View::Results } else { View::Compare };
                    Callback::from(move |_| d.dispatch(Action::SetView(v))) }}
                gallery_open={state.gallery_open}
                onexercises={{ let d = state.dispatcher(); let open = !state.gallery_open; Callback::from(move |_| d.dispatch(Action::SetGallery(open))) }} />
            if let Some(n) = state.notice.clone() {
                <NoticeBar notice={n} onrestore={onrestore}
                    onundo={{ let d = state.dispatcher(); Callback::from(move |_| d.dispatch(Action::UndoRecord)) }}
                    ondismiss={{ let d = state.dispatcher(); Callback::from(move |_| d.dispatch(Action::SetNotice(None))) }} />
            }
            if let Some(e) = state.engine_error.clone() {
                <div class="notice error" role="alert" data-testid="engine-error">{ e }</div>
            }
            if state.gallery_open {
                <main class="gallery-wrap">
                    <Gallery exercises={all_exercises.clone()} progress={state.progress.clone()}
                        current={state.exercise.as_ref().map(|e| e.id.clone())} onopen={onopenexercise.clone()}
                        onclose={{ let d = state.dispatcher(); Callback::from(move |_| d.dispatch(Action::SetGallery(false))) }} />
                </main>
            } else {
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
                    if let (Some(ex), Some(mode)) = (current_exercise.clone(), state.exercise.clone()) {
                        <ExercisePanel solution={exercises::solution(&ex)} exercise={ex} {mode}
                            summary={outcome.as_ref().filter(|_| !stale).and_then(|o| o.expect_summary.clone())}
                            config_ok={outcome.as_ref().filter(|_| !stale).map(|o| o.config_ok)}
                            solved={state.solved()}
                            onhint={{ let d = state.dispatcher(); Callback::from(move |_| d.dispatch(Action::RevealHint)) }}
                            onsolution={{ let d = state.dispatcher(); Callback::from(move |_| d.dispatch(Action::ShowSolution)) }}
                            onreset={onresetexercise}
                            onleave={{ let d = state.dispatcher(); Callback::from(move |_| d.dispatch(Action::LeaveExercise)) }}
                            ongallery={{ let d = state.dispatcher(); Callback::from(move |_| d.dispatch(Action::SetGallery(true))) }} />
                    }
                    <div class="section-head">
                        if in_exercise {
                            <span class="section-title">{ "Goal" }</span>
                            <span class="muted">{ "these requests must get these results (read-only)" }</span>
                        } else {
                            <span class="section-title">{ "Requests" }</span>
                            <span class="muted">{ "one per line: METHOD URL [field …] [=> expectations]" }</span>
                        }
                    </div>
                    <TextInput value={AttrValue::from(state.ws.requests.clone())} testid="requests-input" label="Requests"
                        placeholder="GET http://example.com/path header:Cookie=a=1 => status 200" rows={if in_exercise || compare_on { 4 } else { 6 }}
                        oninput={dispatch(Action::SetRequests)} readonly={in_exercise} />
                    if !input_diags.is_empty() {
                        <Diagnostics items={input_diags} config_ok={None::<bool>} title="Problems in the request and context lines" onreveal={onrevealinput} />
                    }
                    if compare_on {
                        <ComparePanel baseline={state.ws.baseline.clone()} files={state.ws.files.clone()}
                            compare={outcome.as_ref().and_then(|o| o.compare.clone())} {stale}
                            {onsetbaseline} {onpastebaseline}
                            onclear={{ let d = state.dispatcher(); Callback::from(move |_| d.dispatch(Action::ClearBaseline)) }} />
                    } else {
                    <ContextPanel static_files={AttrValue::from(state.ws.static_files.clone())} backends={AttrValue::from(state.ws.backends.clone())}
                        tab={state.input_tab}
                        ontab={{ let d = state.dispatcher(); Callback::from(move |t| d.dispatch(Action::SetInputTab(t))) }}
                        onstatic={dispatch(Action::SetStaticFiles)} onbackends={dispatch(Action::SetBackends)} />
                    <div class="section-head">
                        <span class="section-title">{ "Results" }</span>
                        if stale { <span class="muted" data-testid="running">{ "updating…" }</span> }
                        else if let Some(t) = timing { <span class="muted">{ t }</span> }
                    </div>
                    if !in_exercise || expect_summary.is_some() {
                        if in_exercise {
                            if let Some(s) = expect_summary.clone() {
                                <div class="expect-bar">
                                    <span class={classes!("expect-summary", if s.all_hold { "ok" } else { "bad" })} data-testid="expect-summary"
                                        data-pass={s.all_hold.to_string()}>{ if s.all_hold { "✓ " } else { "✗ " } }{ s.text }</span>
                                </div>
                            }
                        } else {
                            <ExpectBar summary={expect_summary.clone()} can_record={can_record} onrecord={onrecord} />
                        }
                    }
                    { results_view }
                    if let Some(r) = selected {
                        <Trace result={r} onreveal={onreveal.clone()} />
                    }
                    }
                </section>
            </main>
            }
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
