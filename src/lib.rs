//! The ngxplay web app library: state, engine adapter, sharing and Yew components.

pub mod components;
pub mod engine;
pub mod examples;
pub mod exercises;
pub mod gaps;
pub mod highlight;
pub mod protocol;
pub mod share;
pub mod state;
pub mod storage;
pub mod worker;
pub mod worker_client;
pub mod workspace;
