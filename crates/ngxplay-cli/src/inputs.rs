//! Reading the config, the `--fs` tree and side files from disk into the core's file set.

use std::fs;
use std::path::Path;

use ngxplay_core::api::{analyze, Analysis};
use ngxplay_core::check::{CheckOptions, Profile};
use ngxplay_core::route::inputs::parse_backends;
use ngxplay_core::{Context, FileSet};

use crate::args::{ConfigArgs, ContextArg, ProfileArg};

/// Reads a file as text, replacing invalid UTF-8 the way a lossy reader must.
pub fn read_text(path: &Path) -> Result<String, String> {
    fs::read(path).map(|b| String::from_utf8_lossy(&b).into_owned()).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Adds every file under `dir` at its path relative to `dir`, made absolute.
fn add_tree(files: &mut FileSet, dir: &Path, rel: &str) -> Result<(), String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot read directory {}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = format!("{rel}/{name}");
        if path.is_dir() {
            add_tree(files, &path, &rel)?;
        } else if let Ok(text) = read_text(&path) {
            files.add(&rel, text);
        }
    }
    Ok(())
}

/// Loads and checks the config named on the command line.
pub fn load(args: &ConfigArgs) -> Result<Analysis, String> {
    let text = read_text(&args.config)?;
    let mut files = FileSet::default();
    if let Some(dir) = &args.fs {
        add_tree(&mut files, dir, "")?;
    }
    let unresolvable = match &args.backends {
        Some(p) => parse_backends(&read_text(p)?, &p.to_string_lossy()).0.nxdomain_names(),
        None => Vec::new(),
    };
    let profile = match args.profile {
        ProfileArg::Debian => Profile::Debian,
        ProfileArg::Openresty => Profile::OpenResty,
    };
    let context = args.context.map(|c| match c {
        ContextArg::Main => Context::Main,
        ContextArg::Http => Context::Http,
        ContextArg::Server => Context::Server,
        ContextArg::Location => Context::Location,
    });
    let name = args.config.to_string_lossy().into_owned();
    let opts = CheckOptions { profile, unresolvable };
    Ok(analyze(files, &name, &text, context, &opts))
}
