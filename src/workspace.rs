//! The user's work as one serialisable value: config files, requests and the simulation context.

use serde::{Deserialize, Serialize};

/// One config file tab; `path` is relative to `/etc/nginx` unless it starts with `/`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigFile {
    pub path: String,
    pub text: String,
}

/// Everything that is saved, shared and simulated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workspace {
    /// The first file is the main config (`nginx.conf`).
    pub files: Vec<ConfigFile>,
    /// `requests.txt` text.
    pub requests: String,
    /// `files.txt` text: static files that exist.
    #[serde(default)]
    pub static_files: String,
    /// `backends.txt` text: how backends behave.
    #[serde(default)]
    pub backends: String,
    /// The "before" config files compare mode runs next to `files` (links made before compare mode lack it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Vec<ConfigFile>>,
}

impl Default for Workspace {
    fn default() -> Self {
        crate::examples::default_example().workspace
    }
}

/// The absolute path of a tab's file, as nginx's `include` resolves it.
pub fn absolute_path(path: &str) -> String {
    ngxplay_core::vfs::absolute(path)
}

/// A tab label for an absolute path: relative to `/etc/nginx` when inside it.
pub fn tab_path(abs: &str) -> String {
    abs.strip_prefix(ngxplay_core::vfs::CONF_PREFIX)
        .unwrap_or(abs)
        .to_string()
}

impl Workspace {
    /// One empty `nginx.conf` and no inputs.
    pub fn blank() -> Self {
        Workspace {
            files: vec![ConfigFile {
                path: "nginx.conf".into(),
                text: String::new(),
            }],
            requests: String::new(),
            static_files: String::new(),
            backends: String::new(),
            baseline: None,
        }
    }

    /// Checks the invariants a loaded or decoded workspace must meet.
    pub fn validate(&self) -> Result<(), String> {
        validate_files(&self.files)?;
        match &self.baseline {
            Some(b) => validate_files(b).map_err(|e| format!("its baseline: {e}")),
            None => Ok(()),
        }
    }

    /// The index of the tab holding absolute path `abs`.
    pub fn find(&self, abs: &str) -> Option<usize> {
        self.files
            .iter()
            .position(|f| absolute_path(&f.path) == abs)
    }
}

/// A file list is usable when it has a main file and no two files share a path.
fn validate_files(files: &[ConfigFile]) -> Result<(), String> {
        if files.is_empty() {
            return Err("it holds no config file".into());
        }
        let mut seen = std::collections::HashSet::new();
        for f in files {
            if f.path.trim().is_empty() {
                return Err("a file has an empty name".into());
            }
            if !seen.insert(absolute_path(&f.path)) {
                return Err(format!("the file {} appears twice", f.path));
            }
        }
        Ok(())
}

/// Checks a new file name against the others; returns the cleaned name.
pub fn check_file_name(
    ws: &Workspace,
    name: &str,
    except: Option<usize>,
) -> Result<String, String> {
    let name = name.trim().trim_start_matches("./").to_string();
    if name.is_empty() {
        return Err("A file name cannot be empty.".into());
    }
    if name.ends_with('/') || name.contains("//") || name.split('/').any(|s| s == "..") {
        return Err(format!("\"{name}\" is not a usable file name."));
    }
    if name
        .chars()
        .any(|c| c.is_whitespace() || c == '*' || c == '?' || c == '[')
    {
        return Err(format!("\"{name}\" has spaces or glob characters."));
    }
    let abs = absolute_path(&name);
    if ws
        .files
        .iter()
        .enumerate()
        .any(|(i, f)| Some(i) != except && absolute_path(&f.path) == abs)
    {
        return Err(format!("A file named {name} already exists."));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ws() -> Workspace {
        Workspace::blank()
    }

    #[test]
    fn names() {
        let w = ws();
        assert!(check_file_name(&w, "nginx.conf", None).is_err());
        assert!(check_file_name(&w, "/etc/nginx/nginx.conf", None).is_err());
        assert_eq!(
            check_file_name(&w, " conf.d/a.conf ", None).unwrap(),
            "conf.d/a.conf"
        );
        assert!(check_file_name(&w, "conf.d/*.conf", None).is_err());
        assert!(check_file_name(&w, "nginx.conf", Some(0)).is_ok());
        assert_eq!(tab_path("/etc/nginx/conf.d/a.conf"), "conf.d/a.conf");
        assert_eq!(tab_path("/srv/x.conf"), "/srv/x.conf");
    }
}
