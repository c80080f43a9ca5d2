//! Integration tests: the real `bench` binary against real redis-servers and real
//! Python RQ. Each test starts its own redis-server, so tests run in parallel.

#![allow(unreachable_pub)]

#[allow(dead_code)]
mod harness;

/// Command line, exit codes and hooks-file errors.
mod cli;
/// `bench dashboard`: pages, actions, token, escaping, metrics.
mod dashboard;
/// `bench enqueue`: single, bulk, deduplication, atomicity.
mod enqueue;
/// Redis Sentinel failover and replica acknowledgements, with real processes.
mod failover;
/// Frappe's command names, flags, output and job shape.
mod frappe;
/// A real Frappe 15 bench and site, end to end.
mod frappe_lab;
/// Frappe mode: site-aware enqueue, job_name, the bench's own configuration.
mod frappe_mode;
/// Generated completions and man pages are up to date.
mod generated;
/// Hostile data in Redis: no panic, no hang, every job accounted for.
mod hostile;
/// Interoperability with Python RQ 2.12 in both directions.
mod interop;
/// `bench jobs list` and `bench jobs show`.
mod jobs;
/// What a new operator trips over: ghosts, doctor, tables and ids, --yes, messages.
mod operator;
/// Python jobs: the warm host's fork and reuse modes, and a fresh interpreter.
mod python;
/// Python RQ 1.15 and 2.12 layouts, both ways, and their auto-detection.
mod rq_layout;
/// `bench schedule`: timing, catch-up, leadership, pause, delayed jobs.
mod schedule;
/// Managed Redis: TLS with client certificates, ACL users.
mod secure;
/// `bench setup supervisor|systemd` and `bench start`.
mod setup;
/// `bench worker`: running, recording, shutdown, recovery, interop.
mod worker;
