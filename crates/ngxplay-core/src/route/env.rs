//! The simulated disk as the content handlers ask about it, on top of the parsed `files.txt`.

use super::inputs::{clean_path, is_clean, StaticFiles};

/// What a path is on the simulated disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    Missing,
    /// A component of the path is a file (`ENOTDIR`).
    NotDir,
}

/// The simulated disk.
#[derive(Clone, Debug, Default)]
pub struct Fs {
    pub files: StaticFiles,
}

impl Fs {
    /// What `path` is; a trailing `/` asks for a directory.
    pub fn kind(&self, path: &str) -> Kind {
        let trimmed = if path.len() > 1 { path.trim_end_matches('/') } else { path };
        // A clean path (the usual case) needs no cleaning before each lookup, and neither do its parents.
        let clean = is_clean(trimmed);
        let is_file = |p: &str| if clean { self.files.is_clean_file(p) } else { self.files.is_file(p) };
        if is_file(trimmed) {
            return if path.ends_with('/') { Kind::NotDir } else { Kind::File };
        }
        if if clean { self.files.is_clean_dir(trimmed) } else { self.files.is_dir(trimmed) } {
            return Kind::Dir;
        }
        let mut cur = trimmed;
        while let Some(i) = cur.rfind('/') {
            cur = &cur[..i];
            if !cur.is_empty() && is_file(cur) {
                return Kind::NotDir;
            }
        }
        Kind::Missing
    }

    /// The path of a file as the disk names it: repeated slashes merged.
    pub fn canonical(&self, path: &str) -> String {
        clean_path(path).into_owned()
    }

    /// Entries directly inside `dir`, directories with a trailing `/`, with file sizes.
    pub fn list(&self, dir: &str) -> Vec<(String, Option<u64>)> {
        let base = dir.trim_end_matches('/');
        self.files
            .list_dir(dir)
            .into_iter()
            .map(|(n, is_dir)| if is_dir { (format!("{n}/"), None) } else { (n.clone(), self.files.file_size(&format!("{base}/{n}"))) })
            .collect()
    }
}
