//! The app state and its reducer: every change the user or the engine makes goes through [`Action`].

use std::rc::Rc;

use yew::Reducible;

use crate::protocol::{Outcome, Place};
use crate::workspace::{absolute_path, check_file_name, tab_path, ConfigFile, Workspace};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeKind {
    Info,
    Error,
}

/// A message bar above the panels; `link` carries a share URL to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub text: String,
    pub link: Option<String>,
    /// Offer to bring back the workspace saved before this change.
    pub restore: bool,
    /// Offer to undo the last "record expectations".
    pub undo: bool,
}

impl Notice {
    pub fn info(text: impl Into<String>) -> Self {
        Notice {
            kind: NoticeKind::Info,
            text: text.into(),
            link: None,
            restore: false,
            undo: false,
        }
    }

    pub fn error(text: impl Into<String>) -> Self {
        Notice {
            kind: NoticeKind::Error,
            text: text.into(),
            link: None,
            restore: false,
            undo: false,
        }
    }
}

/// Lines of the active file the editor should reveal and select; `seq` makes repeated jumps distinct.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Focus {
    pub line: u32,
    pub end_line: u32,
    pub seq: u64,
}

/// Which right-hand input is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputTab {
    Requests,
    StaticFiles,
    Backends,
}

/// What the right-hand pane is for: results of one config, or a comparison with the baseline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    Results,
    Compare,
}

/// The exercise being worked on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExerciseMode {
    pub id: String,
    /// How many hints are on screen.
    pub hints_shown: usize,
    pub solution_shown: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AppState {
    pub ws: Workspace,
    /// Bumped on every workspace change; effects depend on it instead of comparing texts.
    pub rev: u64,
    /// The index of the file tab being edited.
    pub active: usize,
    pub outcome: Option<Rc<Outcome>>,
    /// The selected result row.
    pub selected: Option<usize>,
    pub focus: Option<Focus>,
    pub notice: Option<Notice>,
    pub input_tab: InputTab,
    pub engine_error: Option<String>,
    pub view: View,
    /// Whether the exercises gallery covers the panes.
    pub gallery_open: bool,
    pub exercise: Option<ExerciseMode>,
    pub progress: crate::exercises::Progress,
    /// The requests text before the last "record expectations", for undo.
    pub undo_requests: Option<String>,
}

impl AppState {
    pub fn new(ws: Workspace, notice: Option<Notice>) -> Self {
        AppState {
            ws,
            rev: 1,
            active: 0,
            outcome: None,
            selected: None,
            focus: None,
            notice,
            input_tab: InputTab::Requests,
            engine_error: None,
            view: View::Results,
            gallery_open: false,
            exercise: None,
            progress: Default::default(),
            undo_requests: None,
        }
    }

    /// Whether the current outcome belongs to the current inputs.
    pub fn fresh(&self) -> bool {
        self.outcome.as_ref().is_some_and(|o| o.id == self.rev)
    }

    /// Whether the current exercise's goal is met by the current config.
    pub fn solved(&self) -> bool {
        self.exercise.is_some()
            && self.fresh()
            && self.outcome.as_ref().is_some_and(|o| {
                o.config_ok && o.expect_summary.as_ref().is_some_and(|s| s.all_hold && s.checks > 0)
            })
    }

    /// The tab a place points into, by absolute path.
    pub fn tab_of(&self, place: &Place) -> Option<usize> {
        place
            .path
            .as_deref()
            .and_then(|p| self.ws.find(p))
            .or_else(|| {
                let file = place.file.as_deref()?;
                self.ws.find(&absolute_path(file))
            })
    }
}

pub enum Action {
    /// New text for the active file.
    EditActive(String),
    SelectFile(usize),
    AddFile(String),
    RenameFile(usize, String),
    DeleteFile(usize),
    /// Replace the config files with the files of an `nginx -T` dump (paths absolute).
    ImportDump(Vec<(String, String)>),
    SetRequests(String),
    SetStaticFiles(String),
    SetBackends(String),
    SetInputTab(InputTab),
    /// Replace the whole workspace (example, share link, restore).
    Load(Workspace, Option<Notice>),
    EngineAnswer(Outcome),
    EngineFailed(String),
    SelectResult(Option<usize>),
    /// Show a place of the config: switch to its tab and select its lines.
    Reveal(Place),
    SetNotice(Option<Notice>),
    SetView(View),
    /// Make these files the "before" side of compare mode.
    SetBaseline(Vec<ConfigFile>),
    ClearBaseline,
    /// Replace the requests text with the recorded one; the old text is kept for undo.
    RecordExpectations(String),
    UndoRecord,
    SetGallery(bool),
    /// Start an exercise with its workspace (the starting config or the learner's shared work).
    OpenExercise(String, Workspace, Option<Notice>),
    LeaveExercise,
    RevealHint,
    ShowSolution,
}

impl AppState {
    /// Replaces the workspace (an example, a link, an exercise) and forgets what belonged to the old one.
    fn switch_to(&mut self, ws: Workspace, notice: Option<Notice>, view: View) {
        self.ws = ws;
        self.active = 0;
        self.focus = None;
        self.selected = None;
        self.outcome = None;
        self.notice = notice;
        self.view = view;
        self.gallery_open = false;
        self.undo_requests = None;
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        let mut changed = true;
        match action {
            Action::EditActive(text) => match s.ws.files.get_mut(s.active) {
                Some(f) if f.text != text => {
                    f.text = text;
                    if let Some(ex) = &s.exercise {
                        s.progress.entry(ex.id.clone()).or_default().attempted = true;
                    }
                }
                _ => changed = false,
            },
            Action::SelectFile(i) => {
                changed = false;
                if i < s.ws.files.len() {
                    s.active = i;
                    s.focus = None;
                }
            }
            Action::AddFile(name) => match check_file_name(&s.ws, &name, None) {
                Ok(name) => {
                    s.ws.files.push(ConfigFile {
                        path: name,
                        text: String::new(),
                    });
                    s.active = s.ws.files.len() - 1;
                    s.focus = None;
                }
                Err(e) => {
                    s.notice = Some(Notice::error(e));
                    changed = false;
                }
            },
            Action::RenameFile(i, name) => match check_file_name(&s.ws, &name, Some(i)) {
                Ok(name) if i < s.ws.files.len() => s.ws.files[i].path = name,
                Ok(_) => changed = false,
                Err(e) => {
                    s.notice = Some(Notice::error(e));
                    changed = false;
                }
            },
            Action::DeleteFile(i) => {
                if i == 0 || i >= s.ws.files.len() {
                    s.notice = Some(Notice::error(
                        "The main file cannot be deleted; rename or empty it instead.",
                    ));
                    changed = false;
                } else {
                    s.ws.files.remove(i);
                    if s.active >= i {
                        s.active = s.active.saturating_sub(1);
                    }
                    s.focus = None;
                }
            }
            Action::ImportDump(files) => {
                let n = files.len();
                s.ws.files = files
                    .into_iter()
                    .map(|(p, text)| ConfigFile {
                        path: tab_path(&p),
                        text,
                    })
                    .collect();
                dedupe(&mut s.ws.files);
                s.active = 0;
                s.focus = None;
                s.selected = None;
                s.notice = Some(Notice::info(format!(
                    "Split nginx -T output into {n} files"
                )));
            }
            Action::SetRequests(t) => s.ws.requests = t,
            Action::SetStaticFiles(t) => s.ws.static_files = t,
            Action::SetBackends(t) => s.ws.backends = t,
            Action::SetInputTab(t) => {
                s.input_tab = t;
                changed = false;
            }
            Action::Load(ws, notice) => {
                let view = if ws.baseline.is_some() {
                    View::Compare
                } else {
                    View::Results
                };
                s.switch_to(ws, notice, view);
                s.exercise = None;
            }
            Action::EngineAnswer(out) => {
                changed = false;
                let count = out.results.as_ref().map(|r| r.len()).unwrap_or(0);
                if s.selected.is_some_and(|i| i >= count) {
                    s.selected = None;
                }
                s.outcome = Some(Rc::new(out));
                s.engine_error = None;
                if s.solved() {
                    if let Some(ex) = &s.exercise {
                        let p = s.progress.entry(ex.id.clone()).or_default();
                        p.solved = true;
                        p.attempted = true;
                    }
                }
            }
            Action::EngineFailed(e) => {
                changed = false;
                s.engine_error = Some(e);
            }
            Action::SelectResult(i) => {
                changed = false;
                s.selected = i;
                // Show the file holding the chosen location (or server) if it is not on screen.
                let chosen =
                    i.and_then(|i| s.outcome.as_ref()?.results.as_ref().ok()?.get(i).cloned());
                if let Some(r) = chosen {
                    let place = r
                        .location
                        .iter()
                        .chain(r.server.iter())
                        .find_map(|b| b.place.clone());
                    if let Some(tab) = place.and_then(|p| s.tab_of(&p)) {
                        if tab != s.active {
                            s.active = tab;
                            s.focus = None;
                        }
                    }
                }
            }
            Action::Reveal(place) => {
                changed = false;
                if let Some(tab) = s.tab_of(&place) {
                    s.active = tab;
                    let seq = s.focus.map(|f| f.seq + 1).unwrap_or(1);
                    s.focus = Some(Focus {
                        line: place.line,
                        end_line: place.end_line.max(place.line),
                        seq,
                    });
                }
            }
            Action::SetNotice(n) => {
                changed = false;
                s.notice = n;
            }
            // The engine runs again when the view changes, because only compare mode runs the baseline.
            Action::SetView(v) => {
                changed = s.view != v;
                s.view = v;
                s.gallery_open = false;
            }
            Action::SetBaseline(files) => {
                let n = files.len();
                s.ws.baseline = Some(files);
                s.view = View::Compare;
                s.notice = Some(Notice::info(format!(
                    "Baseline set ({n} file{}). Edit the config: requests that route differently are listed first.",
                    if n == 1 { "" } else { "s" }
                )));
            }
            Action::ClearBaseline => {
                changed = s.ws.baseline.is_some();
                s.ws.baseline = None;
            }
            Action::RecordExpectations(text) => {
                if text == s.ws.requests {
                    changed = false;
                    s.notice = Some(Notice::info("The expectations already describe the current results."));
                } else {
                    s.undo_requests = Some(std::mem::replace(&mut s.ws.requests, text));
                    let mut n = Notice::info("Recorded the current results as expectations on every request line.");
                    n.undo = true;
                    s.notice = Some(n);
                }
            }
            Action::UndoRecord => match s.undo_requests.take() {
                Some(old) => {
                    s.ws.requests = old;
                    s.notice = Some(Notice::info("Restored the requests as they were before recording."));
                }
                None => changed = false,
            },
            Action::SetGallery(open) => {
                changed = false;
                s.gallery_open = open;
            }
            Action::OpenExercise(id, ws, notice) => {
                let hints = s.progress.get(&id).map(|p| p.hints_used).unwrap_or(0);
                let solution = s.progress.get(&id).is_some_and(|p| p.solution_seen);
                s.switch_to(ws, notice, View::Results);
                s.exercise = Some(ExerciseMode {
                    id,
                    hints_shown: hints,
                    solution_shown: solution,
                });
            }
            Action::LeaveExercise => {
                changed = false;
                s.exercise = None;
            }
            Action::RevealHint => {
                changed = false;
                if let Some(ex) = s.exercise.as_mut() {
                    ex.hints_shown += 1;
                    let p = s.progress.entry(ex.id.clone()).or_default();
                    p.hints_used = p.hints_used.max(ex.hints_shown);
                }
            }
            Action::ShowSolution => {
                changed = false;
                if let Some(ex) = s.exercise.as_mut() {
                    ex.solution_shown = true;
                    s.progress.entry(ex.id.clone()).or_default().solution_seen = true;
                }
            }
        }
        if changed {
            s.rev += 1;
        }
        if s.active >= s.ws.files.len() {
            s.active = 0;
        }
        Rc::new(s)
    }
}

/// Keeps the first of files with the same absolute path, so the workspace stays valid.
fn dedupe(files: &mut Vec<ConfigFile>) {
    let mut seen = std::collections::HashSet::new();
    files.retain(|f| seen.insert(absolute_path(&f.path)));
    if files.is_empty() {
        files.push(ConfigFile {
            path: "nginx.conf".into(),
            text: String::new(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> Rc<AppState> {
        Rc::new(AppState::new(
            crate::examples::default_example().workspace,
            None,
        ))
    }

    #[test]
    fn files_can_be_added_renamed_and_deleted() {
        let s = state().reduce(Action::AddFile("conf.d/x.conf".into()));
        assert_eq!(s.ws.files.len(), 2);
        assert_eq!(s.active, 1);
        let rev = s.rev;
        let s = s.reduce(Action::AddFile("conf.d/x.conf".into()));
        assert_eq!(s.ws.files.len(), 2);
        assert!(s
            .notice
            .as_ref()
            .is_some_and(|n| n.kind == NoticeKind::Error));
        assert_eq!(s.rev, rev);
        let s = s.reduce(Action::RenameFile(1, "snippets/y.conf".into()));
        assert_eq!(s.ws.files[1].path, "snippets/y.conf");
        let s = s.reduce(Action::DeleteFile(0));
        assert_eq!(s.ws.files.len(), 2);
        let s = s.reduce(Action::DeleteFile(1));
        assert_eq!(s.ws.files.len(), 1);
        assert_eq!(s.active, 0);
    }

    #[test]
    fn dump_import_replaces_files_and_says_so() {
        let s = state().reduce(Action::ImportDump(vec![
            ("/etc/nginx/nginx.conf".into(), "http {}\n".into()),
            ("/etc/nginx/conf.d/a.conf".into(), "server {}\n".into()),
        ]));
        assert_eq!(
            s.ws.files
                .iter()
                .map(|f| f.path.as_str())
                .collect::<Vec<_>>(),
            ["nginx.conf", "conf.d/a.conf"]
        );
        assert_eq!(
            s.notice.as_ref().map(|n| n.text.as_str()),
            Some("Split nginx -T output into 2 files")
        );
    }

    #[test]
    fn selecting_a_result_shows_the_file_of_its_location() {
        use crate::protocol::{BlockView, ResultView};
        let s = state()
            .reduce(Action::AddFile("conf.d/x.conf".into()))
            .reduce(Action::SelectFile(0));
        let place = Place {
            path: Some("/etc/nginx/conf.d/x.conf".into()),
            file: None,
            line: 2,
            end_line: 2,
        };
        let result = ResultView {
            line: 1,
            request: "GET http://a/".into(),
            status: Some(200),
            source: "body".into(),
            server: None,
            location: Some(BlockView {
                label: "/".into(),
                place: Some(place),
            }),
            upstream: None,
            upstream_hits: vec![],
            file: None,
            body: Some("ok".into()),
            redirect: None,
            error: None,
            trace: vec![],
            expect: None,
        };
        let out = Outcome {
            id: s.rev,
            config_ok: true,
            diagnostics: vec![],
            results: Ok(vec![result]),
            millis: None,
            expect_summary: None,
            recorded: None,
            compare: None,
        };
        let s = s.reduce(Action::EngineAnswer(out));
        assert_eq!(s.active, 0);
        let s = s.reduce(Action::SelectResult(Some(0)));
        assert_eq!((s.selected, s.active), (Some(0), 1));
    }

    fn run(s: &Rc<AppState>) -> Rc<AppState> {
        let out = crate::engine::run(&crate::protocol::Job {
            id: s.rev,
            workspace: s.ws.clone(),
            compare: s.view == View::Compare,
        });
        s.clone().reduce(Action::EngineAnswer(out))
    }

    #[test]
    fn recording_expectations_can_be_undone() {
        let s = run(&state());
        let recorded = s.outcome.as_ref().and_then(|o| o.recorded.clone()).expect("recorded text");
        assert!(recorded.contains(" => "), "{recorded}");
        let before = s.ws.requests.clone();
        let s = s.reduce(Action::RecordExpectations(recorded.clone()));
        assert_eq!(s.ws.requests, recorded);
        assert!(s.notice.as_ref().is_some_and(|n| n.undo));
        let s = run(&s);
        let summary = s.outcome.as_ref().and_then(|o| o.expect_summary.clone()).expect("a summary");
        assert!(summary.all_hold && summary.checks > 0, "{summary:?}");
        let s = s.reduce(Action::UndoRecord);
        assert_eq!(s.ws.requests, before);
    }

    #[test]
    fn solving_an_exercise_records_progress() {
        let ex = crate::exercises::find("location-priority").expect("exercise");
        let s = state().reduce(Action::OpenExercise(ex.id.clone(), crate::exercises::workspace(&ex, None), None));
        let s = run(&s);
        assert!(!s.solved());
        let s = s.reduce(Action::RevealHint).reduce(Action::RevealHint);
        let solution = crate::exercises::solution(&ex);
        let s = s.reduce(Action::EditActive(solution[0].text.clone()));
        assert!(!s.solved(), "the answer for the old text is stale");
        let s = run(&s);
        assert!(s.solved());
        let p = &s.progress[&ex.id];
        assert!(p.solved && p.attempted && !p.solution_seen);
        assert_eq!(p.hints_used, 2);
    }

    #[test]
    fn compare_mode_lists_what_a_change_does() {
        let s = state();
        let files = s.ws.files.clone();
        let s = s.reduce(Action::SetBaseline(files));
        assert_eq!(s.view, View::Compare);
        let edited = s.ws.files[0].text.replace("location /api/", "location /api-v0/");
        assert_ne!(edited, s.ws.files[0].text, "the example has a /api/ location");
        let s = run(&s.reduce(Action::EditActive(edited)));
        let rows = s
            .outcome
            .as_ref()
            .and_then(|o| o.compare.clone())
            .expect("a comparison")
            .rows
            .expect("rows");
        assert!(rows.iter().any(|r| !r.changes.is_empty()), "{rows:?}");
        assert!(rows.iter().any(|r| r.changes.is_empty()), "{rows:?}");
        let s = s.reduce(Action::SetView(View::Results));
        assert!(run(&s).outcome.as_ref().is_some_and(|o| o.compare.is_none()));
    }

    #[test]
    fn reveal_switches_to_the_file_of_the_place() {
        let s = state()
            .reduce(Action::AddFile("conf.d/x.conf".into()))
            .reduce(Action::SelectFile(0));
        let s = s.reduce(Action::Reveal(Place {
            path: Some("/etc/nginx/conf.d/x.conf".into()),
            file: None,
            line: 3,
            end_line: 4,
        }));
        assert_eq!(s.active, 1);
        assert_eq!(s.focus.map(|f| (f.line, f.end_line)), Some((3, 4)));
    }
}
