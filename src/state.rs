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
}

impl Notice {
    pub fn info(text: impl Into<String>) -> Self {
        Notice {
            kind: NoticeKind::Info,
            text: text.into(),
            link: None,
            restore: false,
        }
    }

    pub fn error(text: impl Into<String>) -> Self {
        Notice {
            kind: NoticeKind::Error,
            text: text.into(),
            link: None,
            restore: false,
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
        }
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
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        let mut changed = true;
        match action {
            Action::EditActive(text) => match s.ws.files.get_mut(s.active) {
                Some(f) if f.text != text => f.text = text,
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
                s.ws = ws;
                s.active = 0;
                s.focus = None;
                s.selected = None;
                s.outcome = None;
                s.notice = notice;
            }
            Action::EngineAnswer(out) => {
                changed = false;
                let count = out.results.as_ref().map(|r| r.len()).unwrap_or(0);
                if s.selected.is_some_and(|i| i >= count) {
                    s.selected = None;
                }
                s.outcome = Some(Rc::new(out));
                s.engine_error = None;
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
        };
        let out = Outcome {
            id: s.rev,
            config_ok: true,
            diagnostics: vec![],
            results: Ok(vec![result]),
            millis: None,
        };
        let s = s.reduce(Action::EngineAnswer(out));
        assert_eq!(s.active, 0);
        let s = s.reduce(Action::SelectResult(Some(0)));
        assert_eq!((s.selected, s.active), (Some(0), 1));
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
