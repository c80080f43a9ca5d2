//! Running the real `bench` binary against a test's own Redis and hooks file.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use super::redis::RedisServer;

/// A test's world: its redis-server and a folder holding its hooks file.
pub struct Env {
    pub redis: RedisServer,
    pub dir: tempfile::TempDir,
}

impl Env {
    /// A fresh Redis and an empty hooks file (bench's defaults).
    pub fn new() -> Env {
        Env::with_hooks("")
    }

    /// A fresh Redis and the given hooks file.
    pub fn with_hooks(toml: &str) -> Env {
        let env = Env {
            redis: RedisServer::start(),
            dir: tempfile::tempdir().unwrap(),
        };
        env.write_hooks(toml);
        env
    }

    /// Like [`Env::with_hooks`] with a Redis that survives restarts.
    pub fn persistent(toml: &str) -> Env {
        let env = Env {
            redis: RedisServer::start_persistent(),
            dir: tempfile::tempdir().unwrap(),
        };
        env.write_hooks(toml);
        env
    }

    pub fn write_hooks(&self, toml: &str) {
        std::fs::write(self.hooks(), toml).unwrap();
    }

    pub fn hooks(&self) -> PathBuf {
        self.dir.path().join("hooks.toml")
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// `bench` with this env's hooks file and Redis.
    pub fn bench(&self) -> Cmd {
        Cmd::new(self.dir.path())
            .env("BENCH_CONFIG", self.hooks().to_str().unwrap())
            .env("BENCH_REDIS_URL", &self.redis.url())
    }

    pub fn conn(&self) -> redis::Connection {
        self.redis.conn()
    }

    /// `bench enqueue ARGS`, asserting success; the job id it printed.
    pub fn enqueue(&self, args: &[&str]) -> String {
        self.bench()
            .arg_str("enqueue")
            .args(args)
            .ok()
            .stdout()
            .trim()
            .to_owned()
    }

    /// `bench enqueue --from-file -` with `lines` (JSON, one job per line), asserting
    /// success.
    pub fn enqueue_lines(&self, lines: impl Into<Vec<u8>>) {
        self.bench()
            .args(["enqueue", "--from-file", "-"])
            .stdin(lines)
            .ok();
    }

    /// A job's `status` field, `""` when the job is gone.
    pub fn status(&self, id: &str) -> String {
        redis::Commands::hget::<_, _, Option<String>>(
            &mut self.conn(),
            format!("rq:job:{id}"),
            "status",
        )
        .unwrap()
        .unwrap_or_default()
    }
}

/// A `bench` invocation under construction.
#[must_use]
pub struct Cmd {
    cmd: Command,
    stdin: Option<Vec<u8>>,
}

impl Cmd {
    pub fn new(cwd: &Path) -> Cmd {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_bench"));
        cmd.current_dir(cwd)
            .env_remove("BENCH_CONFIG")
            .env_remove("BENCH_REDIS_URL")
            .env("NO_COLOR", "1");
        Cmd { cmd, stdin: None }
    }

    pub fn args<I: IntoIterator<Item = S>, S: AsRef<std::ffi::OsStr>>(mut self, args: I) -> Cmd {
        self.cmd.args(args);
        self
    }

    pub fn arg_str(mut self, a: &str) -> Cmd {
        self.cmd.arg(a);
        self
    }

    pub fn arg_path(mut self, p: &Path) -> Cmd {
        self.cmd.arg(p);
        self
    }

    pub fn env(mut self, k: &str, v: &str) -> Cmd {
        self.cmd.env(k, v);
        self
    }

    /// Runs the process as the leader of a process group of its own, as process
    /// managers start workers.
    pub fn own_group(mut self) -> Cmd {
        std::os::unix::process::CommandExt::process_group(&mut self.cmd, 0);
        self
    }

    pub fn env_remove(mut self, k: &str) -> Cmd {
        self.cmd.env_remove(k);
        self
    }

    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Cmd {
        self.stdin = Some(bytes.into());
        self
    }

    /// Runs to completion.
    pub fn run(mut self) -> Out {
        self.cmd.stdin(if self.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        self.cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = self.cmd.spawn().expect("bench binary runs");
        if let Some(input) = self.stdin.take() {
            let mut pipe = child.stdin.take().unwrap();
            std::thread::spawn(move || {
                let _ = pipe.write_all(&input);
            });
        }
        Out(child.wait_with_output().unwrap())
    }

    /// Runs and asserts exit code 0.
    pub fn ok(self) -> Out {
        self.run().code(0)
    }

    /// Starts in the background with output captured into files under `log_dir`.
    /// The process is killed when the returned guard drops, so a failing test leaves
    /// nothing running.
    pub fn spawn(mut self, log_dir: &Path, name: &str) -> Proc {
        let out = std::fs::File::create(log_dir.join(format!("{name}.out"))).unwrap();
        let err = std::fs::File::create(log_dir.join(format!("{name}.err"))).unwrap();
        Proc(
            self.cmd
                .stdin(Stdio::null())
                .stdout(out)
                .stderr(err)
                .spawn()
                .expect("bench binary runs"),
        )
    }
}

/// A background `bench`, killed on drop.
pub struct Proc(pub Child);

impl std::ops::Deref for Proc {
    type Target = Child;
    fn deref(&self) -> &Child {
        &self.0
    }
}

impl std::ops::DerefMut for Proc {
    fn deref_mut(&mut self) -> &mut Child {
        &mut self.0
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// A finished run.
pub struct Out(pub Output);

impl Out {
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }

    /// Asserts the exit code, showing both streams when it differs.
    pub fn code(self, want: i32) -> Out {
        let got = self.0.status.code();
        assert_eq!(
            got,
            Some(want),
            "exit code {got:?}, want {want}\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout(),
            self.stderr()
        );
        self
    }
}
