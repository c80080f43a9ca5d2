//! Shared test scaffolding: real servers, the real binary, real Python RQ.

pub mod bench;
pub mod python;
pub mod redis;

pub use bench::{Cmd, Env};
