//! Autosave: the workspace in `localStorage`, plus a backup slot kept before a share link replaces it.

use crate::workspace::Workspace;

const KEY: &str = "ngxplay.workspace.v1";
const BACKUP_KEY: &str = "ngxplay.workspace.backup.v1";

fn store() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The saved workspace, if there is a usable one.
pub fn load() -> Option<Workspace> {
    let text = store()?.get_item(KEY).ok().flatten()?;
    let ws: Workspace = serde_json::from_str(&text).ok()?;
    ws.validate().ok()?;
    Some(ws)
}

/// Saves the workspace; returns an error text when the browser refuses (quota, privacy mode).
pub fn save(ws: &Workspace) -> Result<(), String> {
    let store = store().ok_or("local storage is not available")?;
    let text = serde_json::to_string(ws).map_err(|e| e.to_string())?;
    store
        .set_item(KEY, &text)
        .map_err(|_| "the browser refused to store the workspace (storage full?)".to_string())
}

/// Copies the current saved workspace to the backup slot.
pub fn backup() {
    if let Some(store) = store() {
        if let Ok(Some(text)) = store.get_item(KEY) {
            let _ = store.set_item(BACKUP_KEY, &text);
        }
    }
}

/// Stores `ws` (the work on screen) in the backup slot, before something replaces it.
pub fn backup_workspace(ws: &Workspace) {
    if let (Some(store), Ok(text)) = (store(), serde_json::to_string(ws)) {
        let _ = store.set_item(BACKUP_KEY, &text);
    }
}

/// The workspace saved before the last share link was opened.
pub fn load_backup() -> Option<Workspace> {
    let text = store()?.get_item(BACKUP_KEY).ok().flatten()?;
    serde_json::from_str(&text).ok()
}

const PROGRESS_KEY: &str = "ngxplay.exercises.progress.v1";
const CURRENT_EXERCISE_KEY: &str = "ngxplay.exercises.current.v1";

/// The learner's progress on the exercises.
pub fn load_progress() -> crate::exercises::Progress {
    store()
        .and_then(|s| s.get_item(PROGRESS_KEY).ok().flatten())
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

pub fn save_progress(p: &crate::exercises::Progress) {
    if let (Some(store), Ok(text)) = (store(), serde_json::to_string(p)) {
        let _ = store.set_item(PROGRESS_KEY, &text);
    }
}

/// The exercise the saved workspace belongs to, if any.
pub fn load_current_exercise() -> Option<String> {
    store()?.get_item(CURRENT_EXERCISE_KEY).ok().flatten()
}

pub fn save_current_exercise(id: Option<&str>) {
    if let Some(store) = store() {
        let _ = match id {
            Some(id) => store.set_item(CURRENT_EXERCISE_KEY, id),
            None => store.remove_item(CURRENT_EXERCISE_KEY),
        };
    }
}
