//! The ngxplay web app entry point.
fn main() {}
