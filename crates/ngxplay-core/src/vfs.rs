//! The virtual file set: config files by absolute path, Debian's stock files, globbing and `nginx -T` splitting.

use crate::span::{FileId, Span};

/// Where relative paths resolve, as on Debian (`--conf-path=/etc/nginx/nginx.conf`).
pub const CONF_PREFIX: &str = "/etc/nginx/";

/// The stock files Debian's nginx package installs under `/etc/nginx`.
pub const BUILTIN_FILES: &[(&str, &str)] = &[
    ("/etc/nginx/mime.types", include_str!("../builtin/mime.types")),
    ("/etc/nginx/fastcgi_params", include_str!("../builtin/fastcgi_params")),
    ("/etc/nginx/fastcgi.conf", include_str!("../builtin/fastcgi.conf")),
    ("/etc/nginx/proxy_params", include_str!("../builtin/proxy_params")),
    ("/etc/nginx/uwsgi_params", include_str!("../builtin/uwsgi_params")),
    ("/etc/nginx/scgi_params", include_str!("../builtin/scgi_params")),
    ("/etc/nginx/snippets/fastcgi-php.conf", include_str!("../builtin/snippets/fastcgi-php.conf")),
    ("/etc/nginx/snippets/snakeoil.conf", include_str!("../builtin/snippets/snakeoil.conf")),
];

/// One file: its absolute path, the name messages use for it, and its text.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: String,
    pub display: String,
    pub text: String,
    pub builtin: bool,
    line_starts: Vec<u32>,
    /// For each 4 KiB block of the text, the index of the first line start in it (one extra entry at the
    /// end), so that finding a line searches one block's starts instead of the whole file's.
    block_first: Vec<u32>,
}

/// Bytes per block of [`SourceFile`]'s line index, as a shift.
const BLOCK_SHIFT: usize = 12;

impl SourceFile {
    fn new(path: String, display: String, text: String, builtin: bool) -> Self {
        let mut line_starts = vec![0u32];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i as u32 + 1));
        let blocks = (text.len() >> BLOCK_SHIFT) + 1;
        let block_first = (0..=blocks).map(|k| line_starts.partition_point(|&s| (s as usize) < k << BLOCK_SHIFT) as u32).collect();
        SourceFile { path, display, text, builtin, line_starts, block_first }
    }

    /// The 1-based line holding byte `offset`: the number of line starts at or before it.
    pub fn line_of(&self, offset: usize) -> u32 {
        let k = (offset >> BLOCK_SHIFT).min(self.block_first.len() - 2);
        let (lo, hi) = (self.block_first[k] as usize, self.block_first[k + 1] as usize);
        let within = self.line_starts[lo..hi].partition_point(|&s| s as usize <= offset);
        (lo + within) as u32
    }

    /// The byte range of 1-based line `line`, without its newline.
    pub fn line_range(&self, line: u32) -> std::ops::Range<usize> {
        let i = (line.max(1) - 1) as usize;
        let start = self.line_starts.get(i).copied().unwrap_or(self.text.len() as u32) as usize;
        let end = self.line_starts.get(i + 1).map(|e| *e as usize - 1).unwrap_or(self.text.len());
        start..end.max(start)
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

/// A set of files addressed by absolute path. The core never touches a disk: callers fill this.
#[derive(Clone, Debug, Default)]
pub struct FileSet {
    files: Vec<SourceFile>,
}

impl FileSet {
    /// An empty set holding only Debian's stock files.
    pub fn with_builtins() -> Self {
        let mut set = FileSet::default();
        for (path, text) in BUILTIN_FILES {
            set.push(path.to_string(), path.to_string(), text.to_string(), true);
        }
        set
    }

    fn push(&mut self, path: String, display: String, text: String, builtin: bool) -> FileId {
        self.files.push(SourceFile::new(path, display, text, builtin));
        (self.files.len() - 1) as FileId
    }

    /// Adds or replaces the file at `path` (made absolute against `/etc/nginx`), shown as `display`.
    pub fn insert(&mut self, path: &str, display: &str, text: impl Into<String>) -> FileId {
        let abs = absolute(path);
        let text = text.into();
        if let Some(id) = self.find(&abs) {
            self.files[id as usize] = SourceFile::new(abs, display.to_string(), text, false);
            return id;
        }
        self.push(abs, display.to_string(), text, false)
    }

    /// Adds a file shown under its absolute path.
    pub fn add(&mut self, path: &str, text: impl Into<String>) -> FileId {
        let abs = absolute(path);
        self.insert(&abs.clone(), &abs, text)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id as usize]
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (i as FileId, f))
    }

    pub fn find(&self, abs_path: &str) -> Option<FileId> {
        self.files.iter().position(|f| f.path == abs_path).map(|i| i as FileId)
    }

    /// Whether any file lives under directory `dir` (absolute, with or without a trailing `/`).
    pub fn has_dir(&self, dir: &str) -> bool {
        let dir = dir.trim_end_matches('/');
        self.files.iter().any(|f| f.path.len() > dir.len() && f.path.starts_with(dir) && f.path.as_bytes()[dir.len()] == b'/')
    }

    /// Files matching a glob pattern (`*`, `?`, `[...]` within one path segment), sorted by path as glob(3) does.
    pub fn glob(&self, pattern: &str) -> Vec<FileId> {
        let pattern = absolute(pattern);
        let mut hits: Vec<FileId> = self
            .iter()
            .filter(|(_, f)| glob_match(pattern.as_bytes(), f.path.as_bytes()))
            .map(|(id, _)| id)
            .collect();
        hits.sort_by(|a, b| self.get(*a).path.cmp(&self.get(*b).path));
        hits
    }

    /// The 1-based line of a span's start.
    pub fn line(&self, span: Span) -> u32 {
        self.get(span.file).line_of(span.start as usize)
    }

    pub fn text(&self, span: Span) -> &str {
        self.get(span.file).text.get(span.range()).unwrap_or("")
    }
}

/// Makes `path` absolute against `/etc/nginx`, as nginx does for relative `include` paths.
pub fn absolute(path: &str) -> String {
    if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{CONF_PREFIX}{}", path.trim_start_matches("./"))
    }
}

/// Whether a path has glob characters, which makes nginx's `include` accept zero matches.
pub fn has_glob(path: &str) -> bool {
    path.bytes().any(|b| matches!(b, b'*' | b'?' | b'['))
}

fn glob_match(pat: &[u8], s: &[u8]) -> bool {
    // Iterative matcher with one backtrack point for `*`, which never crosses a `/`.
    let (mut p, mut i) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while i < s.len() {
        if p < pat.len() {
            match pat[p] {
                b'*' => {
                    star = Some((p, i));
                    p += 1;
                    continue;
                }
                b'?' if s[i] != b'/' => {
                    p += 1;
                    i += 1;
                    continue;
                }
                b'[' => {
                    if let Some((matched, next)) = class_match(&pat[p..], s[i]) {
                        if matched && s[i] != b'/' {
                            p += next;
                            i += 1;
                            continue;
                        }
                    } else if s[i] == b'[' {
                        p += 1;
                        i += 1;
                        continue;
                    }
                }
                c if c == s[i] && c != b'?' => {
                    p += 1;
                    i += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((sp, si)) if s[si] != b'/' => {
                star = Some((sp, si + 1));
                p = sp + 1;
                i = si + 1;
            }
            _ => return false,
        }
    }
    pat[p..].iter().all(|c| *c == b'*')
}

/// Matches `c` against a bracket expression at the start of `pat`; returns (matched, length of the expression).
fn class_match(pat: &[u8], c: u8) -> Option<(bool, usize)> {
    let mut i = 1;
    let negate = matches!(pat.get(i), Some(b'!') | Some(b'^'));
    if negate {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    while i < pat.len() {
        if pat[i] == b']' && !first {
            return Some((matched != negate, i + 1));
        }
        first = false;
        if i + 2 < pat.len() && pat[i + 1] == b'-' && pat[i + 2] != b']' {
            if pat[i] <= c && c <= pat[i + 2] {
                matched = true;
            }
            i += 3;
        } else {
            if pat[i] == c {
                matched = true;
            }
            i += 1;
        }
    }
    None
}

/// A file found in `nginx -T` output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DumpFile {
    pub path: String,
    pub text: String,
}

const DUMP_MARKER: &str = "# configuration file ";

/// Splits `nginx -T` output on its `# configuration file PATH:` lines; `None` when the text has no marker.
pub fn split_dump(text: &str) -> Option<Vec<DumpFile>> {
    if memchr::memmem::find(text.as_bytes(), DUMP_MARKER.as_bytes()).is_none() {
        return None;
    }
    let mut files: Vec<DumpFile> = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        if let Some(rest) = bare.strip_prefix(DUMP_MARKER) {
            if let Some(path) = rest.strip_suffix(':') {
                if let Some((p, t)) = current.take() {
                    files.push(finish_dump_file(p, t));
                }
                current = Some((path.to_string(), String::new()));
                continue;
            }
        }
        if let Some((_, t)) = current.as_mut() {
            t.push_str(line);
        }
    }
    if let Some((p, t)) = current.take() {
        files.push(finish_dump_file(p, t));
    }
    if files.is_empty() {
        None
    } else {
        Some(files)
    }
}

fn finish_dump_file(path: String, mut text: String) -> DumpFile {
    // nginx -T prints one blank line after each file's text.
    if text.ends_with("\n\n") {
        text.pop();
    }
    DumpFile { path, text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_of_counts_line_starts_at_or_before_the_offset() {
        // Lines of varied lengths, some spanning several index blocks, and a file without a final newline.
        let mut text = String::new();
        for i in 0..600usize {
            text.push_str(&"x".repeat((i * 37) % 9000));
            text.push('\n');
        }
        text.push_str("tail");
        let f = SourceFile::new("/a".into(), "a".into(), text.clone(), false);
        // The expected line of every offset, counted byte by byte.
        let mut line = 1;
        for (o, b) in text.bytes().enumerate() {
            if o % 101 == 0 || b == b'\n' {
                assert_eq!(f.line_of(o), line, "offset {o}");
            }
            if b == b'\n' {
                line += 1;
                assert_eq!(f.line_of(o + 1), line, "offset {}", o + 1);
            }
        }
        for o in [text.len(), text.len() + 1, text.len() + 100_000] {
            assert_eq!(f.line_of(o), line, "offset {o}");
        }
        let empty = SourceFile::new("/b".into(), "b".into(), String::new(), false);
        assert_eq!((empty.line_of(0), empty.line_of(5)), (1, 1));
    }

    #[test]
    fn glob_rules() {
        assert!(glob_match(b"/etc/nginx/conf.d/*.conf", b"/etc/nginx/conf.d/a.conf"));
        assert!(!glob_match(b"/etc/nginx/conf.d/*.conf", b"/etc/nginx/conf.d/sub/a.conf"));
        assert!(!glob_match(b"/etc/nginx/conf.d/*.conf", b"/etc/nginx/conf.d/a.conf.bak"));
        assert!(glob_match(b"/etc/nginx/sites-enabled/*", b"/etc/nginx/sites-enabled/default"));
        assert!(glob_match(b"/x/[ab]?.c", b"/x/b1.c"));
        assert!(!glob_match(b"/x/[!ab]?.c", b"/x/b1.c"));
    }

    #[test]
    fn dump_split() {
        let d = "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n# configuration file /etc/nginx/nginx.conf:\nhttp {\n}\n\n# configuration file /etc/nginx/conf.d/a.conf:\nserver {}\n\n";
        let files = split_dump(d).unwrap();
        assert_eq!(files.len(), 2);
        assert_eq!(files[0].path, "/etc/nginx/nginx.conf");
        assert_eq!(files[0].text, "http {\n}\n");
        assert_eq!(files[1].text, "server {}\n");
        assert!(split_dump("http {}").is_none());
    }

    #[test]
    fn lines() {
        let f = SourceFile::new("/a".into(), "a".into(), "ab\ncd\n".into(), false);
        assert_eq!(f.line_of(0), 1);
        assert_eq!(f.line_of(2), 1);
        assert_eq!(f.line_of(3), 2);
        assert_eq!(f.line_range(2), 3..5);
    }
}
