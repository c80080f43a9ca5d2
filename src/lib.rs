//! bench: background jobs on Redis for Frappe and Python RQ deployments.
//!
//! # Layout
//! - [`cli`]: clap definitions and dispatch; calls the features below.
//! - [`config`]: the hooks TOML, validated into [`config::Config`].
//! - [`enqueue`], [`admin`]: operator commands (`enqueue`, `jobs ...`).
//! - [`worker`]: `bench worker`, which runs jobs.
//! - [`scheduler`]: `bench schedule`, which enqueues scheduler_events on time.
//! - [`service`]: logging, signals and backoff shared by worker and scheduler.
//! - [`setup`]: supervisor and systemd configuration, and `bench start`.
//! - [`store`]: Redis in Python RQ's layout: keys, encodings, Lua scripts. Every
//!   feature reaches Redis through it; it knows nothing above itself.
//! - [`open`]: the Redis a command works on, in the RQ layout the deployment reads.
//! - [`cron`]: croniter-compatible cron expressions, pure.
//! - [`output`], [`error`], [`generate`]: presentation, exit codes, generated docs.

pub mod admin;
pub mod cli;
pub mod config;
pub mod cron;
pub mod dashboard;
pub mod enqueue;
pub mod error;
pub mod generate;
pub mod open;
pub mod output;
pub mod prometheus;
pub mod scheduler;
pub mod service;
pub mod setup;
pub mod store;
pub mod when;
pub mod worker;
