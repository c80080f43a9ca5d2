//! A private redis-server per test: free port, temp dir, killed by pid on drop.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running redis-server owned by one test.
pub struct RedisServer {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
    persistent: bool,
}

/// A TCP port nothing listens on now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl RedisServer {
    /// Starts a server that keeps nothing on disk.
    pub fn start() -> RedisServer {
        Self::launch(false)
    }

    /// Starts a server with an fsync-always append-only file, so it can be restarted
    /// with its data (for tests that take Redis away under a worker).
    pub fn start_persistent() -> RedisServer {
        Self::launch(true)
    }

    fn launch(persistent: bool) -> RedisServer {
        for _ in 0..5 {
            let mut s = RedisServer {
                port: free_port(),
                dir: tempfile::tempdir().unwrap(),
                child: None,
                persistent,
            };
            if s.spawn() {
                return s;
            }
        }
        panic!("could not start redis-server on a free port after 5 attempts");
    }

    fn spawn(&mut self) -> bool {
        let mut cmd = Command::new("redis-server");
        cmd.args([
            "--port",
            &self.port.to_string(),
            "--bind",
            "127.0.0.1",
            "--dir",
        ])
        .arg(self.dir.path())
        .args(["--save", ""])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        if self.persistent {
            cmd.args(["--appendonly", "yes", "--appendfsync", "always"]);
        } else {
            cmd.args(["--appendonly", "no"]);
        }
        let child = match cmd.spawn() {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                panic!(
                    "redis-server is not installed; install it (Debian: apt-get install redis-server) or run `bash .ci/run`"
                )
            }
            Err(e) => panic!("cannot start redis-server: {e}"),
        };
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Some(status) = self.child.as_mut().unwrap().try_wait().unwrap() {
                let _ = status;
                self.child = None;
                return false;
            }
            if self.ping() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.kill();
        false
    }

    fn ping(&self) -> bool {
        redis::Client::open(self.url())
            .and_then(|c| c.get_connection_with_timeout(Duration::from_millis(200)))
            .and_then(|mut c| redis::cmd("PING").query::<String>(&mut c))
            .is_ok()
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("server is running").id()
    }

    /// A plain blocking connection for assertions.
    pub fn conn(&self) -> redis::Connection {
        redis::Client::open(self.url())
            .unwrap()
            .get_connection()
            .unwrap()
    }

    /// Kills the server (SIGKILL) and waits for it.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Starts the server again on the same port with the same data folder.
    pub fn restart(&mut self) {
        self.kill();
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.spawn() {
            assert!(
                Instant::now() < deadline,
                "redis-server did not come back on port {}",
                self.port
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Where redis keeps its files (for tests that need a scratch folder next to it).
    pub fn scratch(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Every command clients send to a Redis, as MONITOR reports them, from `start` until
/// [`Monitor::stop`].
pub struct Monitor {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    reader: std::thread::JoinHandle<Vec<String>>,
}

impl Monitor {
    pub fn start(url: &str) -> Monitor {
        let mut con = redis::Client::open(url).unwrap().get_connection().unwrap();
        con.set_read_timeout(Some(std::time::Duration::from_millis(100)))
            .unwrap();
        con.send_packed_command(&redis::cmd("MONITOR").get_packed_command())
            .unwrap();
        assert!(matches!(
            con.recv_response().unwrap(),
            redis::Value::Okay | redis::Value::SimpleString(_)
        ));
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let reader = std::thread::spawn(move || {
            let mut lines = Vec::new();
            loop {
                match con.recv_response() {
                    Ok(redis::Value::SimpleString(s)) => lines.push(s),
                    Ok(_) => {}
                    Err(e) if e.is_timeout() => {
                        if flag.load(std::sync::atomic::Ordering::SeqCst) {
                            return lines;
                        }
                    }
                    Err(e) => panic!("monitor: {e}"),
                }
            }
        });
        Monitor { stop, reader }
    }

    /// The lines seen, once every command sent before the call has been reported.
    pub fn stop(self, url: &str) -> Vec<String> {
        let mut c = redis::Client::open(url).unwrap().get_connection().unwrap();
        let _: String = redis::cmd("ECHO").arg("monitor-end").query(&mut c).unwrap();
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        let lines = self.reader.join().unwrap();
        let end = lines
            .iter()
            .position(|l| l.contains("\"monitor-end\""))
            .expect("the end marker was seen");
        lines[..end].to_vec()
    }
}
