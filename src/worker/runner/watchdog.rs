//! The guarantee that a worker killed outright (`kill -9`, the OOM killer, a group
//! kill by its process manager) leaves no job process running while the job's id is
//! recovered and run again elsewhere.
//!
//! Command jobs start with `posix_spawn` (a `vfork`-style clone that shares the
//! worker's memory until `exec`), several times cheaper than a fork of the worker, but
//! it cannot ask the kernel to kill the job with its parent (`PR_SET_PDEATHSIG` needs
//! code run between fork and exec). So each worker keeps one watchdog process instead:
//! forked once, in a process group of its own (so a signal to the worker's group does
//! not reach it), it blocks reading a pipe whose only writer is the worker. When the
//! worker dies for any reason the kernel closes that pipe; the watchdog then kills
//! every process whose environment carries the worker's token (each job gets it, and
//! its children inherit it) together with its process group (which catches children
//! that cleared their environment), and exits. A job that has just been spawned is
//! found the same way, so there is no window between spawn and registration.
//!
//! The watchdog is forked from a running (threaded) process, so until it exits it makes
//! raw system calls only: no allocation, no locks, nothing a thread of the worker could
//! have held at the fork.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

/// The variable each job's environment carries.
pub const ENV: &str = "BENCH_WATCHDOG";

/// Passes over `/proc` at most: a job forking while one pass runs is caught by the next.
const PASSES: usize = 5;

/// A worker's watchdog; dropping it (the worker stopping) lets the watchdog sweep and exit.
pub struct Watchdog {
    token: String,
    _pipe: OwnedFd,
}

impl Watchdog {
    /// Forks the watchdog.
    ///
    /// # Errors
    /// When the pipe or the fork fails (process or file limits).
    pub fn start() -> std::io::Result<Watchdog> {
        let token = uuid::Uuid::new_v4().simple().to_string();
        // Everything the child needs is built before the fork.
        let needle = format!("{ENV}={token}\0").into_bytes();
        let mut fds = [0; 2];
        // SAFETY: `fds` has room for the two descriptors pipe2 writes.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: pipe2 succeeded, so both descriptors are open and owned here alone.
        let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
        // SAFETY: the child runs `watch`, which makes raw system calls only and never
        // returns, as a child of a threaded process must.
        match unsafe { libc::fork() } {
            -1 => Err(std::io::Error::last_os_error()),
            0 => unsafe { watch(read.as_raw_fd(), &needle) },
            pid => {
                drop(read);
                // Reap it once it exits, so it leaves no zombie behind a library user's
                // process that lives on after its worker.
                std::thread::Builder::new()
                    .name("bench-watchdog-reaper".into())
                    .spawn(move || {
                        let mut status = 0;
                        // SAFETY: waits on our own child; `status` is a valid out pointer.
                        unsafe { libc::waitpid(pid, &mut status, 0) };
                    })?;
                Ok(Watchdog {
                    token,
                    _pipe: write,
                })
            }
        }
    }

    /// The token jobs carry in [`ENV`].
    pub fn token(&self) -> &str {
        &self.token
    }
}

/// The watchdog's life: wait for the worker to go, sweep its jobs, exit.
///
/// # Safety
/// Only in the child of a fork: it closes descriptors it does not own and never returns.
unsafe fn watch(read: libc::c_int, needle: &[u8]) -> ! {
    unsafe {
        // Handlers the worker installed would write to its own (now closed) pipes.
        for sig in [
            libc::SIGINT,
            libc::SIGTERM,
            libc::SIGHUP,
            libc::SIGQUIT,
            libc::SIGPIPE,
            libc::SIGUSR1,
            libc::SIGUSR2,
        ] {
            libc::signal(sig, libc::SIG_IGN);
        }
        libc::signal(libc::SIGCHLD, libc::SIG_DFL);
        libc::setpgid(0, 0);
        retitle();
        // Hold nothing of the worker's open: its stdout (a log reader waits for EOF),
        // its Redis connections, the write end of this very pipe.
        // The pipe first moves above 0..3, which a worker started without stdio may
        // have given it.
        let high = libc::fcntl(read, libc::F_DUPFD, 10);
        let null = libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
        for fd in 0..3 {
            if null >= 0 && null != fd {
                libc::dup2(null, fd);
            }
        }
        if high < 0 || libc::dup2(high, 3) < 0 {
            libc::_exit(1);
        }
        libc::syscall(libc::SYS_close_range, 4u32, u32::MAX, 0u32);

        let mut buf = [0u8; 64];
        loop {
            let n = libc::read(3, buf.as_mut_ptr().cast(), buf.len());
            if n == 0 || (n < 0 && *libc::__errno_location() != libc::EINTR) {
                break;
            }
        }
        // A job spawned an instant before the worker died may not show its environment
        // yet (exec sets it up after the spawner resumes): at least two passes, apart.
        for pass in 0..PASSES {
            if sweep(needle) == 0 && pass > 0 {
                break;
            }
            let pause = libc::timespec {
                tv_sec: 0,
                tv_nsec: 50_000_000,
            };
            libc::nanosleep(&pause, std::ptr::null_mut());
        }
        libc::_exit(0)
    }
}

/// Names the process `jobs-watchdog` (its `comm` and its command line), so that a
/// `pkill -f 'bench worker'` aimed at the worker does not take its watchdog along.
///
/// # Safety
/// Only in the forked child: it overwrites the command-line strings in its own copy of
/// the stack, which nothing in the child reads again.
unsafe fn retitle() {
    const TITLE: &[u8] = b"jobs-watchdog";
    unsafe {
        libc::prctl(libc::PR_SET_NAME, c"jobs-watchdog".as_ptr());
        let fd = libc::open(
            c"/proc/self/stat".as_ptr(),
            libc::O_RDONLY | libc::O_CLOEXEC,
        );
        if fd < 0 {
            return;
        }
        let mut buf = [0u8; 1024];
        let n = libc::read(fd, buf.as_mut_ptr().cast(), buf.len());
        libc::close(fd);
        if n <= 0 {
            return;
        }
        let stat = &buf[..n as usize];
        // Fields after the command name in parentheses start at field 3; the command
        // line's bounds are fields 48 and 49 (proc(5)).
        let Some(close) = stat.iter().rposition(|&b| b == b')') else {
            return;
        };
        let mut fields = stat[close + 1..]
            .split(|&b| b == b' ')
            .filter(|f| !f.is_empty());
        let mut number = |skip: usize| {
            fields.nth(skip).and_then(|f| {
                f.iter().try_fold(0usize, |n, &d| {
                    d.is_ascii_digit()
                        .then(|| n.checked_mul(10)?.checked_add(usize::from(d - b'0')))
                        .flatten()
                })
            })
        };
        let (Some(start), Some(end)) = (number(48 - 3), number(0)) else {
            return;
        };
        if end <= start || end - start > 1 << 20 {
            return;
        }
        let area = std::slice::from_raw_parts_mut(start as *mut u8, end - start);
        area.fill(0);
        let keep = TITLE.len().min(area.len().saturating_sub(1));
        area[..keep].copy_from_slice(&TITLE[..keep]);
    }
}

/// Kills every process whose environment holds `needle`, and its group. Returns how
/// many were found.
///
/// # Safety
/// Raw system calls on buffers of its own.
unsafe fn sweep(needle: &[u8]) -> usize {
    unsafe {
        let dir = libc::open(
            c"/proc".as_ptr(),
            libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC,
        );
        if dir < 0 {
            return 0;
        }
        let me = libc::getpid();
        let mut found = 0;
        let mut dents = [0u8; 8192];
        loop {
            let n = libc::syscall(libc::SYS_getdents64, dir, dents.as_mut_ptr(), dents.len());
            if n <= 0 {
                break;
            }
            let mut at = 0usize;
            while at + 19 < n as usize {
                // struct linux_dirent64: ino (8), off (8), reclen (2), type (1), name.
                let reclen = u16::from_ne_bytes([dents[at + 16], dents[at + 17]]) as usize;
                if reclen == 0 {
                    break;
                }
                let name = &dents[at + 19..(at + reclen).min(n as usize)];
                let name = &name[..name.iter().position(|&b| b == 0).unwrap_or(name.len())];
                at += reclen;
                let Some(pid) = parse_pid(name) else { continue };
                if pid == me || !holds(name, needle) {
                    continue;
                }
                libc::kill(-pid, libc::SIGKILL);
                libc::kill(pid, libc::SIGKILL);
                found += 1;
            }
        }
        libc::close(dir);
        found
    }
}

fn parse_pid(name: &[u8]) -> Option<libc::pid_t> {
    if name.is_empty() || name.len() > 9 || !name.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        name.iter()
            .fold(0, |n: libc::pid_t, &d| n * 10 + libc::pid_t::from(d - b'0')),
    )
}

/// Whether `/proc/<pid>/environ` contains `needle` (read in chunks, a needle's length
/// kept across them).
///
/// # Safety
/// Raw system calls on buffers of its own.
unsafe fn holds(pid: &[u8], needle: &[u8]) -> bool {
    let mut path = [0u8; 32];
    let parts: [&[u8]; 3] = [b"/proc/", pid, b"/environ\0"];
    let mut len = 0;
    for p in parts {
        path[len..len + p.len()].copy_from_slice(p);
        len += p.len();
    }
    unsafe {
        let fd = libc::open(path.as_ptr().cast(), libc::O_RDONLY | libc::O_CLOEXEC);
        if fd < 0 {
            return false;
        }
        let mut buf = [0u8; 4096];
        let keep = needle.len().saturating_sub(1).min(256);
        let mut have = 0usize;
        let mut hit = false;
        loop {
            let n = libc::read(fd, buf[have..].as_mut_ptr().cast(), buf.len() - have);
            if n <= 0 {
                break;
            }
            have += n as usize;
            if buf[..have].windows(needle.len()).any(|w| w == needle) {
                hit = true;
                break;
            }
            if have > keep {
                buf.copy_within(have - keep..have, 0);
                have = keep;
            }
        }
        libc::close(fd);
        hit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pids_from_proc_names() {
        assert_eq!(parse_pid(b"4242"), Some(4242));
        assert_eq!(parse_pid(b"self"), None);
        assert_eq!(parse_pid(b""), None);
        assert_eq!(parse_pid(b"99999999999"), None);
    }

    #[test]
    fn finds_a_token_in_a_processes_environment() {
        let token = "BENCH_WATCHDOG=feedc0de\0";
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .env("PADDING", "x".repeat(9000))
            .env(ENV, "feedc0de")
            .spawn()
            .unwrap();
        let pid = child.id().to_string();
        // A process just spawned shows its environment only once exec has set it up.
        let start = std::time::Instant::now();
        while std::fs::read(format!("/proc/{pid}/environ")).is_ok_and(|e| e.is_empty())
            && start.elapsed().as_secs() < 5
        {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        // SAFETY: reads a file of our own child.
        let (hit, miss) = unsafe {
            (
                holds(pid.as_bytes(), token.as_bytes()),
                holds(pid.as_bytes(), b"BENCH_WATCHDOG=other\0"),
            )
        };
        child.kill().unwrap();
        let _ = child.wait();
        assert!(hit && !miss);
    }
}
