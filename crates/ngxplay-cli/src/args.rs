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
