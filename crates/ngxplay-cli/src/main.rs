//! The `ngxplay` command: file IO and terminal/JSON output over ngxplay-core.
fn main() {}
