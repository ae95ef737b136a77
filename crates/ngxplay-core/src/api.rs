//! The one entry surface the CLI and the web app share: check a config, then run request lines against it.

use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use crate::check::{check, CheckOptions};
use crate::diag::Diagnostic;
use crate::load::{load_text, Config, Context};
use crate::model::Model;
use crate::route::index::Index;
use crate::route::result::RouteResult;
use crate::vfs::FileSet;

/// `nginx -t`'s verdict in the oracle's shape.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigTest {
    pub ok: bool,
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

impl ConfigTest {
    pub fn from_diagnostics(diags: Vec<Diagnostic>) -> Self {
        let (errors, warnings): (Vec<_>, Vec<_>) = diags.into_iter().partition(Diagnostic::is_fatal);
        ConfigTest { ok: errors.is_empty(), errors, warnings }
    }
}

/// A loaded and checked config.
pub struct Analysis {
    pub config: Config,
    pub config_test: ConfigTest,
    /// The simulator's model of `config`: built by the first [`route`] and reused by the next ones.
    model: OnceLock<Model>,
    /// The model's lookup tables (sockets, server names, maps, upstreams), kept like the model.
    index: OnceLock<Arc<Index>>,
}

impl Analysis {
    /// The model of `config` the simulator runs on.
    pub fn model(&self) -> &Model {
        self.model.get_or_init(|| crate::model::build(&self.config))
    }

    /// The lookup tables of [`Analysis::model`].
    pub fn index(&self) -> Arc<Index> {
        self.index.get_or_init(|| Arc::new(Index::new(self.model()))).clone()
    }
}

/// Loads `text` (a config or `nginx -T` output) named `name`, with `files` for includes, and checks it.
pub fn analyze(files: FileSet, name: &str, text: &str, context: Option<Context>, opts: &CheckOptions) -> Analysis {
    let config = load_text(files, name, text, context);
    let config_test = ConfigTest::from_diagnostics(check(&config, opts));
    Analysis { config, config_test, model: OnceLock::new(), index: OnceLock::new() }
}

/// The context a simulation runs in: which files exist and how backends behave.
#[derive(Clone, Debug, Default)]
pub struct RouteInputs<'a> {
    /// `requests.txt` text.
    pub requests: &'a str,
    /// `files.txt` text.
    pub files: &'a str,
    /// `backends.txt` text.
    pub backends: &'a str,
}

/// Results for every request line, plus diagnostics about the inputs themselves.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct RouteOutput {
    pub results: Vec<RouteResult>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Runs every request of `inputs` against an analysed config. A config nginx would refuse gives no results,
/// as with the oracle; problems in the input texts come back as diagnostics.
pub fn route(analysis: &Analysis, inputs: &RouteInputs) -> RouteOutput {
    route_named(analysis, inputs, &InputNames::default())
}

/// The names input diagnostics give the three texts, e.g. the paths the user passed on the command line.
#[derive(Clone, Debug)]
pub struct InputNames {
    pub requests: String,
    pub files: String,
    pub backends: String,
}

impl Default for InputNames {
    fn default() -> Self {
        InputNames { requests: "requests.txt".into(), files: "files.txt".into(), backends: "backends.txt".into() }
    }
}

/// [`route`], with diagnostics naming the inputs as given.
pub fn route_named(analysis: &Analysis, inputs: &RouteInputs, names: &InputNames) -> RouteOutput {
    use crate::route::inputs::{parse_backends, parse_files, parse_requests};
    let (requests, mut diagnostics) = parse_requests(inputs.requests, &names.requests);
    let (files, d) = parse_files(inputs.files, &names.files);
    diagnostics.extend(d);
    let (backends, d) = parse_backends(inputs.backends, &names.backends);
    diagnostics.extend(d);
    if !analysis.config_test.ok {
        return RouteOutput { results: Vec::new(), diagnostics };
    }
    let mut sim = crate::route::Simulator::with_index(&analysis.config, analysis.model(), analysis.index(), files, backends);
    let count = requests.iter().map(|r| r.repeat.max(1) as usize).sum::<usize>();
    let mut results = Vec::with_capacity(count);
    for r in &requests {
        sim.route_into(r, &mut results);
    }
    RouteOutput { results, diagnostics }
}
