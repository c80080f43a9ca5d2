//! What starting a command job's process costs the worker: `posix_spawn` (how bench
//! starts command jobs) against fork + exec (what a `pre_exec` hook forces), each
//! spawning and reaping `/bin/true` with piped stdio, as the worker does.
//!
//!   cargo run --release --example spawn_cost [N]
//!
//! The process first fills 12 MiB, about a busy worker's resident size: a fork copies
//! the page tables of everything resident, a `posix_spawn` copies nothing.

use std::process::Stdio;
use std::time::Instant;

use tokio::process::Command;

fn command(forked: bool) -> Command {
    let mut cmd = Command::new("/bin/true");
    cmd.process_group(0)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if forked {
        // SAFETY: prctl is async-signal-safe.
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
    }
    cmd
}

async fn measure(n: usize, forked: bool) -> (f64, f64) {
    let usage = || {
        let mut u: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: `u` is a valid out pointer.
        unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
        let t = |v: libc::timeval| v.tv_sec as f64 + v.tv_usec as f64 / 1e6;
        t(u.ru_utime) + t(u.ru_stime)
    };
    let (t0, c0) = (Instant::now(), usage());
    for _ in 0..n {
        let out = command(forked).output().await.expect("/bin/true runs");
        assert!(out.status.success());
    }
    let per = |x: f64| x * 1e6 / n as f64;
    (per(t0.elapsed().as_secs_f64()), per(usage() - c0))
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(2000);
    let ballast = vec![1u8; 12 << 20];
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        measure(50, false).await;
        let (spawn_wall, spawn_cpu) = measure(n, false).await;
        let (fork_wall, fork_cpu) = measure(n, true).await;
        println!("| start | µs per job, wall | µs of parent CPU per job |");
        println!("|---|---:|---:|");
        println!("| posix_spawn | {spawn_wall:.0} | {spawn_cpu:.0} |");
        println!("| fork + exec | {fork_wall:.0} | {fork_cpu:.0} |");
    });
    std::hint::black_box(&ballast);
}
