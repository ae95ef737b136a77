//! Command-line arguments of every subcommand.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(name = "ngxplay", version, about = "Check nginx configs and simulate how nginx 1.22.1 routes requests")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Judge a config as `nginx -t` would.
    Check(CheckArgs),
    /// Simulate how nginx 1.22.1 routes request lines.
    Route(crate::route_cmd::RouteArgs),
    /// Check the expectations written after ` => ` on request lines (config tests for CI).
    Test(TestArgs),
    /// Run the same requests against two configs and list the requests that route differently.
    Diff(DiffArgs),
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ContextArg {
    Main,
    Http,
    Server,
    Location,
}

#[derive(Clone, Copy, ValueEnum, Default)]
pub enum ProfileArg {
    /// Debian's nginx 1.22.1 with no dynamic modules loaded.
    #[default]
    Debian,
    /// Also accept OpenResty's Lua directives.
    Openresty,
}

/// Options shared by every command that loads a config.
#[derive(Args, Clone)]
pub struct ConfigArgs {
    /// The main config file, or `nginx -T` output.
    pub config: PathBuf,
    /// A directory mapped to `/`: DIR/etc/nginx/conf.d/a.conf is /etc/nginx/conf.d/a.conf.
    #[arg(long, value_name = "DIR")]
    pub fs: Option<PathBuf>,
    /// Backend states in the oracle's backends.txt format; `nxdomain` marks a name unresolvable.
    #[arg(long, value_name = "FILE")]
    pub backends: Option<PathBuf>,
    /// Where the config's content sits; guessed from its directives when not given.
    #[arg(long, value_enum)]
    pub context: Option<ContextArg>,
    #[arg(long, value_enum, default_value_t)]
    pub profile: ProfileArg,
}

#[derive(Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

/// Where the requests and their context come from, for `test` and `diff`.
#[derive(Args, Clone)]
pub struct RequestArgs {
    /// Request lines in the oracle's requests.txt format, with expectations after ` => `.
    #[arg(long, value_name = "FILE")]
    pub requests: PathBuf,
    /// Static files that exist, one absolute path a line (the oracle's files.txt).
    #[arg(long, value_name = "FILE")]
    pub files: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum TestFormat {
    Text,
    Json,
    /// JUnit XML, which CI systems show as test results.
    Junit,
}

#[derive(Args)]
pub struct TestArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(flatten)]
    pub requests: RequestArgs,
    #[arg(long, value_enum, default_value = "text")]
    pub format: TestFormat,
    /// Rewrite the requests file with today's results as its expectations.
    #[arg(long)]
    pub record: bool,
}

#[derive(Args)]
pub struct DiffArgs {
    /// The config before the change (a file or `nginx -T` output).
    pub old: PathBuf,
    /// The config after the change.
    pub new: PathBuf,
    /// A directory mapped to `/` for both configs' includes.
    #[arg(long, value_name = "DIR")]
    pub fs: Option<PathBuf>,
    /// Backend states in the oracle's backends.txt format.
    #[arg(long, value_name = "FILE")]
    pub backends: Option<PathBuf>,
    #[arg(long, value_enum)]
    pub context: Option<ContextArg>,
    #[arg(long, value_enum, default_value_t)]
    pub profile: ProfileArg,
    #[command(flatten)]
    pub requests: RequestArgs,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

impl DiffArgs {
    /// The options for loading one side of the comparison.
    pub fn side(&self, config: &std::path::Path) -> ConfigArgs {
        ConfigArgs { config: config.to_path_buf(), fs: self.fs.clone(), backends: self.backends.clone(), context: self.context, profile: self.profile }
    }
}
