//! What a FastCGI backend answers on its own, as the oracle's backend emulates php-fpm's defaults.
//!
//! The oracle's FastCGI servers behave like php-fpm with `cgi.fix_pathinfo=1` and `security.limit_extensions=.php`:
//! a `SCRIPT_FILENAME` that is not a file is walked back to the longest leading part that is one (the rest becomes
//! the path info); no such file (or no `SCRIPT_FILENAME` at all) answers 404 "File not found.", and a script whose
//! name does not end in `.php` answers 403 "Access denied.". Anything else runs the script.

use super::env::{Fs, Kind};

/// The body php-fpm sends when it finds no script.
pub const NOT_FOUND_BODY: &str = "File not found.\n";
/// The body php-fpm sends for a script outside `security.limit_extensions`.
pub const DENIED_BODY: &str = "Access denied.\n";

/// php-fpm's verdict on one request's parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The script runs; the backend answers as it is configured to.
    Runs {
        script: String,
        /// The part `cgi.fix_pathinfo` cut off, when the script was found by walking back.
        walked_off: Option<String>,
    },
    /// No `SCRIPT_FILENAME` was sent.
    NoScriptFilename,
    /// Neither the script nor any leading part of its path is a file.
    NotFound { script: String },
    /// The script exists but does not end in `.php`.
    Denied {
        script: String,
        walked_off: Option<String>,
    },
}

impl Verdict {
    /// The status and body php-fpm answers with instead of running the script, if it does.
    pub fn answer(&self) -> Option<(u16, &'static str)> {
        match self {
            Verdict::Runs { .. } => None,
            Verdict::NoScriptFilename | Verdict::NotFound { .. } => Some((404, NOT_FOUND_BODY)),
            Verdict::Denied { .. } => Some((403, DENIED_BODY)),
        }
    }

    /// One sentence for the trace.
    pub fn explain(&self) -> String {
        let walked = |script: &str, off: &Option<String>| match off {
            Some(rest) => format!("cgi.fix_pathinfo walks back to \"{script}\" (PATH_INFO \"{rest}\"); "),
            None => String::new(),
        };
        match self {
            Verdict::Runs { script, walked_off } => format!("php-fpm: {}runs \"{script}\"", walked(script, walked_off)),
            Verdict::NoScriptFilename => "php-fpm: no SCRIPT_FILENAME param → 404 \"File not found.\"".into(),
            Verdict::NotFound { script } => {
                format!("php-fpm: script \"{script}\" not found (nor any leading part of it) → 404 \"File not found.\"")
            }
            Verdict::Denied { script, walked_off } => format!(
                "php-fpm: {}\"{script}\" does not end in .php (security.limit_extensions) → 403 \"Access denied.\"",
                walked(script, walked_off)
            ),
        }
    }
}

/// What php-fpm does with these parameters on this disk. The last `SCRIPT_FILENAME` sent counts.
pub fn verdict(fs: &Fs, params: &[(String, String)]) -> Verdict {
    let Some(sf) = params.iter().rev().find(|(k, _)| k == "SCRIPT_FILENAME").map(|(_, v)| v.as_str()) else {
        return Verdict::NoScriptFilename;
    };
    if sf.is_empty() {
        return Verdict::NoScriptFilename;
    }
    let (script, walked_off) = if fs.kind(sf) == Kind::File {
        (sf, None)
    } else {
        // Each shorter leading part, cut at a slash, until one is a file.
        let found = sf.match_indices('/').rev().map(|(i, _)| i).find(|&i| i > 0 && fs.kind(&sf[..i]) == Kind::File);
        match found {
            Some(i) => (&sf[..i], Some(sf[i..].to_string())),
            None => return Verdict::NotFound { script: sf.to_string() },
        }
    };
    if script.ends_with(".php") {
        Verdict::Runs { script: script.to_string(), walked_off }
    } else {
        Verdict::Denied { script: script.to_string(), walked_off }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::route::inputs::parse_files;

    fn fs(files: &str) -> Fs {
        Fs { files: parse_files(files, "files.txt").0 }
    }

    fn sf(v: &str) -> Vec<(String, String)> {
        vec![("SCRIPT_FILENAME".to_string(), v.to_string())]
    }

    #[test]
    fn an_existing_php_script_runs() {
        let v = verdict(&fs("/srv/x.php\n"), &sf("/srv/x.php"));
        assert_eq!(v, Verdict::Runs { script: "/srv/x.php".into(), walked_off: None });
        assert_eq!(v.answer(), None);
    }

    #[test]
    fn a_missing_script_is_walked_back_to_a_file() {
        let v = verdict(&fs("/srv/a.php\n"), &sf("/srv/a.php/b.php/c"));
        assert_eq!(v, Verdict::Runs { script: "/srv/a.php".into(), walked_off: Some("/b.php/c".into()) });
    }

    #[test]
    fn directories_do_not_stop_the_walk() {
        let v = verdict(&fs("/srv/dir/index.php\n"), &sf("/srv/dir/sub/index.php"));
        assert_eq!(v, Verdict::NotFound { script: "/srv/dir/sub/index.php".into() });
        assert_eq!(v.answer(), Some((404, NOT_FOUND_BODY)));
    }

    #[test]
    fn a_script_not_ending_in_php_is_denied() {
        let v = verdict(&fs("/srv/cgi/run\n"), &sf("/srv/cgi/run"));
        assert_eq!(v.answer(), Some((403, DENIED_BODY)));
        // Also when found by walking back.
        let v = verdict(&fs("/srv/run\n"), &sf("/srv/run/x.php"));
        assert_eq!(v, Verdict::Denied { script: "/srv/run".into(), walked_off: Some("/x.php".into()) });
    }

    #[test]
    fn no_or_empty_script_filename_is_not_found() {
        assert_eq!(verdict(&fs("/srv/x.php\n"), &[]).answer(), Some((404, NOT_FOUND_BODY)));
        assert_eq!(verdict(&fs("/srv/x.php\n"), &sf("")), Verdict::NoScriptFilename);
    }

    #[test]
    fn the_last_script_filename_counts() {
        let mut p = sf("/srv/missing.php");
        p.extend(sf("/srv/x.php"));
        assert_eq!(verdict(&fs("/srv/x.php\n"), &p).answer(), None);
    }

    #[test]
    fn a_trailing_slash_after_a_file_walks_back() {
        let v = verdict(&fs("/srv/x.php\n"), &sf("/srv/x.php/"));
        assert_eq!(v, Verdict::Runs { script: "/srv/x.php".into(), walked_off: Some("/".into()) });
    }
}
