//! Shared test scaffolding: real servers, the real binary, real Python RQ.

pub mod bench;
pub mod lab;
pub mod python;
pub mod redis;

pub use bench::{Cmd, Env};

use std::time::{Duration, Instant};

/// Polls `cond` every 20 ms until it holds, panicking with `what` after `secs`.
pub fn wait_for(secs: f64, what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs_f64(secs);
    while !cond() {
        assert!(
            Instant::now() < deadline,
            "timed out after {secs}s waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Sends `sig` to a child process.
pub fn signal(child: &std::process::Child, sig: nix::sys::signal::Signal) {
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), sig).unwrap();
}

/// Waits for a child to exit, killing it after `secs`; returns its exit code.
pub fn wait_exit(child: &mut std::process::Child, secs: f64) -> Option<i32> {
    let deadline = Instant::now() + Duration::from_secs_f64(secs);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("process {} did not exit within {secs}s", child.id());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Whether any process has `pattern` in its command line.
pub fn process_running(pattern: &str) -> bool {
    std::process::Command::new("pgrep")
        .args(["-f", pattern])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}
