//! Loading: parses a root file, resolves `include` over the file set, and decides where the root's content sits.

use serde::{Deserialize, Serialize};

use crate::ast::{Include, Node, ParsedFile};
use crate::parser::parse_file;
use crate::span::FileId;
use crate::vfs::{absolute, has_glob, split_dump, FileSet};

/// Where the root file's content sits, as if nginx had wrapped it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Context {
    /// A whole `nginx.conf` with `events {}` and `http {}`.
    Main,
    /// The contents of an `http {}` block, as the oracle's http-context mode wraps it.
    Http,
    /// The contents of one `server {}` block.
    Server,
    /// The contents of one `location / {}` block.
    Location,
}

/// A loaded configuration: its files, each parsed file, the root and its context.
#[derive(Clone, Debug)]
pub struct Config {
    pub files: FileSet,
    /// Indexed by [`FileId`]; files that were never included stay empty.
    pub parsed: Vec<ParsedFile>,
    pub root: FileId,
    pub context: Context,
    /// Set when the input was `nginx -T` output: how many files it held.
    pub dump_files: Option<usize>,
}

impl Config {
    pub fn items(&self, file: FileId) -> &[Node] {
        self.parsed.get(file as usize).map(|p| p.items.as_slice()).unwrap_or(&[])
    }

    pub fn root_items(&self) -> &[Node] {
        self.items(self.root)
    }

    /// `server` or `location` when the root was read as http content but looks written for that level.
    pub fn context_hint(&self) -> Option<&'static str> {
        if self.context != Context::Http {
            return None;
        }
        match snippet_hint(self.root_items()) {
            Some(Context::Server) => Some("server"),
            Some(Context::Location) => Some("location"),
            _ => None,
        }
    }
}

/// Loads `text` as the main config named `name`. `nginx -T` output is split into its files first.
/// Other files (from `--fs`, editor tabs) come in `files`; Debian's stock files are added when missing.
pub fn load_text(mut files: FileSet, name: &str, text: &str, context: Option<Context>) -> Config {
    add_builtins(&mut files);
    if let Some(dump) = split_dump(text) {
        let n = dump.len();
        let mut root = None;
        for f in &dump {
            let id = files.add(&f.path, f.text.clone());
            root.get_or_insert(id);
        }
        let mut cfg = load(files, root.expect("a dump holds at least one file"), context);
        cfg.dump_files = Some(n);
        return cfg;
    }
    let root = files.insert(&absolute("nginx.conf"), name, text);
    load(files, root, context)
}

fn add_builtins(files: &mut FileSet) {
    for (path, text) in crate::vfs::BUILTIN_FILES {
        if files.find(path).is_none() {
            files.add(path, *text);
        }
    }
}

/// Parses `root` and every file its includes reach.
pub fn load(files: FileSet, root: FileId, context: Option<Context>) -> Config {
    let mut parsed: Vec<ParsedFile> = vec![ParsedFile::default(); files.len()];
    let mut done = vec![false; files.len()];
    let mut queue = vec![root];
    while let Some(id) = queue.pop() {
        if std::mem::replace(&mut done[id as usize], true) {
            continue;
        }
        let mut file = parse_file(id, files.get(id));
        if file.has_include {
            resolve_includes(&files, &mut file.items, &mut queue);
        }
        parsed[id as usize] = file;
    }
    let context = context.unwrap_or_else(|| detect_context(&parsed[root as usize].items));
    Config { files, parsed, root, context, dump_files: None }
}

fn resolve_includes(files: &FileSet, items: &mut [Node], queue: &mut Vec<FileId>) {
    for node in items {
        let Node::Directive(d) = node else { continue };
        if d.name.value == "include" && d.args.len() == 1 {
            let path = absolute(&d.args[0].value);
            let include = if has_glob(&path) {
                Include::Files(files.glob(&path))
            } else {
                match files.find(&path) {
                    Some(id) => Include::Files(vec![id]),
                    None => Include::Failed(format!("open() \"{path}\" failed (2: No such file or directory)")),
                }
            };
            if let Include::Files(ids) = &include {
                queue.extend(ids.iter().copied());
            }
            d.include = Some(Box::new(include));
        }
        if let Some(b) = d.block.as_mut() {
            resolve_includes(files, &mut b.items, queue);
        }
    }
}

/// Where the root's content sits when the caller does not say: a whole `nginx.conf` when it has `http` or
/// `events` at the top, otherwise the contents of an `http {}` block. This is how the oracle wraps inputs, so a
/// stray top-level `listen` is reported as nginx would report it inside `http {}`.
pub fn detect_context(items: &[Node]) -> Context {
    if items.iter().filter_map(Node::directive).any(|d| matches!(d.name(), "http" | "events")) {
        Context::Main
    } else {
        Context::Http
    }
}

/// A narrower context the root looks written for, to suggest to the user: `Server` when it has
/// server-level directives such as `listen` or `location` at the top and no `server` block,
/// `Location` when it has location-only ones such as `proxy_pass` and no `location`.
pub fn snippet_hint(items: &[Node]) -> Option<Context> {
    let names: Vec<&str> = items.iter().filter_map(Node::directive).map(|d| d.name()).collect();
    let has = |set: &[&str]| names.iter().any(|n| set.contains(n));
    if has(&["http", "events", "server", "upstream"]) {
        None
    } else if has(&["location", "listen", "server_name"]) {
        Some(Context::Server)
    } else if has(&["proxy_pass", "fastcgi_pass", "uwsgi_pass", "scgi_pass", "grpc_pass", "alias", "limit_except", "internal"]) {
        Some(Context::Location)
    } else {
        None
    }
}
