//! The shipped training exercises (`exercises/*.exercise`, embedded) and the learner's progress on them.

use std::collections::BTreeMap;

use ngxplay_core::exercise::{parse_exercise, Difficulty, Exercise};
use serde::{Deserialize, Serialize};

use crate::workspace::{tab_path, ConfigFile, Workspace};

/// Every exercise file, in gallery order; a test checks that this list matches the directory.
const SOURCES: &[&str] = &[
    include_str!("../exercises/01-location-priority.exercise"),
    include_str!("../exercises/02-proxy-pass-trailing-slash.exercise"),
    include_str!("../exercises/03-rewrite-last-vs-break.exercise"),
    include_str!("../exercises/04-try-files-spa.exercise"),
    include_str!("../exercises/05-server-name-default-server.exercise"),
    include_str!("../exercises/06-map-canary.exercise"),
    include_str!("../exercises/07-upstream-weights-backup.exercise"),
    include_str!("../exercises/08-alias-vs-root.exercise"),
    include_str!("../exercises/09-error-page-fallbacks.exercise"),
    include_str!("../exercises/10-if-pitfalls.exercise"),
    include_str!("../exercises/11-postmortem-api-502.exercise"),
    include_str!("../exercises/12-proxy-header-inheritance.exercise"),
    include_str!("../exercises/13-canonical-redirect.exercise"),
];

/// Every exercise that parses, in gallery order.
pub fn all() -> Vec<Exercise> {
    SOURCES
        .iter()
        .filter_map(|s| parse_exercise(s, "exercise").0)
        .collect()
}

pub fn find(id: &str) -> Option<Exercise> {
    all().into_iter().find(|e| e.id == id)
}

/// The levels in the order the gallery shows them.
pub const LEVELS: [Difficulty; 3] = [
    Difficulty::Beginner,
    Difficulty::Intermediate,
    Difficulty::Advanced,
];

fn tabs(files: &[ngxplay_core::exercise::ExerciseFile]) -> Vec<ConfigFile> {
    files
        .iter()
        .map(|f| ConfigFile {
            path: tab_path(&f.path),
            text: f.text.clone(),
        })
        .collect()
}

/// The workspace an exercise starts with; `files` replaces the starting config (a learner's shared work).
/// The requests and context always come from the exercise, since they are the goal.
pub fn workspace(ex: &Exercise, files: Option<Vec<ConfigFile>>) -> Workspace {
    Workspace {
        files: files
            .filter(|f| !f.is_empty())
            .unwrap_or_else(|| tabs(&ex.config)),
        requests: ex.requests.clone(),
        static_files: ex.files.clone(),
        backends: ex.backends.clone(),
        baseline: None,
    }
}

/// The solution's files as tabs.
pub fn solution(ex: &Exercise) -> Vec<ConfigFile> {
    tabs(&ex.solution)
}

/// What the learner has done with one exercise.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExerciseProgress {
    #[serde(default)]
    pub attempted: bool,
    #[serde(default)]
    pub solved: bool,
    #[serde(default)]
    pub hints_used: usize,
    #[serde(default)]
    pub solution_seen: bool,
}

/// Progress by exercise id.
pub type Progress = BTreeMap<String, ExerciseProgress>;

/// A one-line status for the gallery.
pub fn status_text(p: Option<&ExerciseProgress>, hints: usize) -> (&'static str, String) {
    let Some(p) = p else {
        return ("new", format!("{hints} hints available"));
    };
    let mut extra = Vec::new();
    if p.hints_used > 0 {
        extra.push(format!(
            "{} of {hints} hint{} used",
            p.hints_used,
            if hints == 1 { "" } else { "s" }
        ));
    }
    if p.solution_seen {
        extra.push("solution seen".to_string());
    }
    let (kind, word) = if p.solved {
        ("solved", "✓ Solved")
    } else if p.attempted {
        ("attempted", "Attempted")
    } else {
        ("opened", "Opened")
    };
    let mut text = word.to_string();
    for e in extra {
        text.push_str(" · ");
        text.push_str(&e);
    }
    (kind, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_exercise_is_embedded_and_parses() {
        let on_disk = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/exercises"))
            .expect("exercises dir")
            .filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_some_and(|x| x == "exercise"))
            .count();
        assert_eq!(SOURCES.len(), on_disk, "add new exercise files to SOURCES");
        assert_eq!(all().len(), on_disk, "every embedded exercise parses");
    }

    #[test]
    fn every_exercise_fails_at_start_and_its_solution_solves_it_in_the_app() {
        for ex in all() {
        let run = |ws: Workspace| {
            crate::engine::run(&crate::protocol::Job {
                id: 1,
                workspace: ws,
                compare: false,
            })
        };
        let start = run(workspace(&ex, None));
        let s = start.expect_summary.expect("a summary");
        assert!(!s.all_hold, "{}: {s:?}", ex.id);
        let solved = run(workspace(&ex, Some(solution(&ex))));
        assert!(solved.config_ok, "{}: {:?}", ex.id, solved.diagnostics);
        let s = solved.expect_summary.expect("a summary");
        assert!(s.all_hold, "{}: {s:?}", ex.id);
        }
    }

    #[test]
    fn status_text_reports_hints_and_solution() {
        assert_eq!(status_text(None, 3).0, "new");
        let p = ExerciseProgress {
            attempted: true,
            solved: true,
            hints_used: 2,
            solution_seen: false,
        };
        assert_eq!(status_text(Some(&p), 3), ("solved", "✓ Solved · 2 of 3 hints used".to_string()));
    }
}
