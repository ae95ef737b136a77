//! The examples gallery: realistic scenarios stored as JSON files under `static/examples/`.

use serde::Deserialize;

use crate::workspace::{ConfigFile, Workspace};

/// The raw example files, embedded so the app needs no network.
const SOURCES: &[&str] = &[
    include_str!("../static/examples/01-api-outage.json"),
    include_str!("../static/examples/02-spa-fallback.json"),
    include_str!("../static/examples/03-php-fpm.json"),
    include_str!("../static/examples/04-api-gateway-canary.json"),
    include_str!("../static/examples/05-multi-site-includes.json"),
    include_str!("../static/examples/06-trailing-slash.json"),
    include_str!("../static/examples/07-rewrite-last-break.json"),
    include_str!("../static/examples/08-upstream-weights-backup.json"),
    include_str!("../static/examples/09-server-name-matching.json"),
];

#[derive(Deserialize)]
struct Raw {
    slug: String,
    title: String,
    description: String,
    files: Vec<ConfigFile>,
    requests: String,
    #[serde(default)]
    static_files: String,
    #[serde(default)]
    backends: String,
}

/// One gallery entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Example {
    pub slug: String,
    pub title: String,
    pub description: String,
    pub workspace: Workspace,
}

fn parse(src: &str) -> Option<Example> {
    let raw: Raw = serde_json::from_str(src).ok()?;
    let workspace = Workspace {
        files: raw.files,
        requests: raw.requests,
        static_files: raw.static_files,
        backends: raw.backends,
        baseline: None,
    };
    Some(Example {
        slug: raw.slug,
        title: raw.title,
        description: raw.description,
        workspace,
    })
}

/// Every example, in gallery order.
pub fn all() -> Vec<Example> {
    SOURCES.iter().filter_map(|s| parse(s)).collect()
}

/// The example a first visit starts with.
pub fn default_example() -> Example {
    SOURCES
        .first()
        .and_then(|s| parse(s))
        .unwrap_or_else(|| Example {
            slug: "empty".into(),
            title: "Empty".into(),
            description: String::new(),
            workspace: Workspace::blank(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_parses_and_is_valid() {
        let all = all();
        assert_eq!(all.len(), SOURCES.len());
        for ex in &all {
            ex.workspace
                .validate()
                .unwrap_or_else(|e| panic!("{}: {e}", ex.slug));
            assert!(
                !ex.workspace.requests.trim().is_empty(),
                "{} has no requests",
                ex.slug
            );
        }
    }

    #[test]
    fn every_example_config_passes_the_engine_check() {
        for ex in all() {
            let out = crate::engine::run(&crate::protocol::Job {
                id: 1,
                workspace: ex.workspace.clone(),
                compare: false,
            });
            let errors: Vec<_> = out
                .diagnostics
                .iter()
                .filter(|d| d.severity == crate::protocol::Severity::Error)
                .collect();
            assert!(errors.is_empty(), "{}: {errors:?}", ex.slug);
        }
    }
}

#[cfg(test)]
mod story_tests {
    use super::*;
    use crate::protocol::{Job, ResultView};

    fn results(slug: &str) -> Vec<ResultView> {
        let ex = all()
            .into_iter()
            .find(|e| e.slug == slug)
            .expect("example exists");
        crate::engine::run(&Job {
            id: 1,
            workspace: ex.workspace,
            compare: false,
        })
        .results
        .expect("results")
    }


    #[test]
    fn the_outage_example_shows_the_outage() {
        let r = results("01-api-outage");
        let status = |needle: &str| {
            r.iter()
                .find(|x| x.request.ends_with(needle))
                .and_then(|x| x.status)
        };
        assert_eq!(status("/api/v2/orders"), Some(200));
        assert_eq!(status("/api/v2/orders.json"), Some(502));
        let json = r
            .iter()
            .find(|x| x.request.ends_with("orders.json"))
            .expect("row");
        assert_eq!(
            json.location.as_ref().map(|b| b.label.as_str()),
            Some("~ \\.(json|csv)$")
        );
    }
}
