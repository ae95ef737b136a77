//! The routing simulator: what nginx does with a request, step by step.

mod access;
pub mod balance;
mod content;
mod errpage;
pub mod env;
pub mod index;
pub mod inputs;
mod location;
mod md5crypt;
pub mod phpfpm;
mod proxy;
pub mod result;
mod rewrite;
pub mod server;
pub mod sim;
pub mod uri;
pub mod vars;

pub use sim::Simulator;
