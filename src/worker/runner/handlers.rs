//! Methods run inside the worker process: bench's built-ins (`bench.noop`,
//! `bench.sleep`, `bench.echo`, `bench.fail`) and handlers a Rust program registers.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use futures_util::FutureExt as _;
use serde_json::{Map, Value as Json};

use super::{JobSpec, RunResult, Stopper, timeout_message};
use crate::store::Serializer;
use crate::store::payload;

/// What a handler receives.
#[derive(Debug, Clone)]
pub struct JobInput {
    pub id: String,
    pub method: String,
    pub queue: String,
    pub args: Vec<Json>,
    pub kwargs: Map<String, Json>,
}

type BoxFuture = Pin<Box<dyn Future<Output = Result<Json, String>> + Send>>;

/// An async function run for one method; `Err` fails the job with that text.
pub type Handler = Arc<dyn Fn(JobInput) -> BoxFuture + Send + Sync>;

/// Handlers by method name.
#[derive(Clone, Default)]
pub struct Handlers {
    map: HashMap<String, Handler>,
}

impl Handlers {
    /// bench's built-in methods only.
    pub fn builtin() -> Handlers {
        let mut h = Handlers::default();
        h.register("bench.noop", |_| async { Ok(Json::Null) });
        h.register("bench.sleep", |job| async move {
            let secs = job
                .kwargs
                .get("seconds")
                .or(job.args.first())
                .and_then(Json::as_f64)
                .unwrap_or(1.0);
            if !(0.0..=86_400.0).contains(&secs) {
                return Err(format!(
                    "ValueError: bench.sleep seconds must be between 0 and 86400, got {secs}"
                ));
            }
            tokio::time::sleep(std::time::Duration::from_secs_f64(secs)).await;
            Ok(Json::Null)
        });
        h.register("bench.echo", |job| async move {
            if job.args.is_empty() {
                Ok(Json::Object(job.kwargs))
            } else {
                Ok(serde_json::json!({"args": job.args, "kwargs": job.kwargs}))
            }
        });
        h.register("bench.fail", |job| async move {
            let msg = job
                .kwargs
                .get("message")
                .or(job.args.first())
                .and_then(Json::as_str)
                .unwrap_or("bench.fail was called");
            Err(format!("Exception: {msg}"))
        });
        h
    }

    /// Adds (or replaces) the handler for `method`.
    pub fn register<F, Fut>(&mut self, method: &str, f: F)
    where
        F: Fn(JobInput) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Json, String>> + Send + 'static,
    {
        self.map
            .insert(method.to_owned(), Arc::new(move |job| Box::pin(f(job))));
    }

    pub fn get(&self, method: &str) -> Option<&Handler> {
        self.map.get(method)
    }
}

thread_local! {
    /// Set while a handler's future is polled on this thread; the panic hook then
    /// leaves the message to the job's traceback instead of printing it.
    static IN_HANDLER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Where the last handler panic on this thread happened.
    static PANICKED_AT: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Installs (once) a panic hook that keeps handler panics out of the process's stderr:
/// they fail their job, whose traceback says where. Other panics print as before.
fn quiet_handler_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if IN_HANDLER.with(std::cell::Cell::get) {
                let at = info
                    .location()
                    .map(|l| format!("{}:{}", l.file(), l.line()));
                PANICKED_AT.with(|p| *p.borrow_mut() = at);
            } else {
                previous(info);
            }
        }));
    });
}

/// A handler's future, marked as such while it is polled.
struct Marked<F>(F);

impl<F: Future + Unpin> Future for Marked<F> {
    type Output = F::Output;
    fn poll(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<F::Output> {
        IN_HANDLER.with(|f| f.set(true));
        let out = Pin::new(&mut self.0).poll(cx);
        IN_HANDLER.with(|f| f.set(false));
        out
    }
}

/// Runs a handler under the job's timeout and stop signal. A panic inside the
/// handler fails the job and leaves the worker running.
pub(super) async fn run(h: &Handler, job: &JobSpec, ser: Serializer, stop: &Stopper) -> RunResult {
    quiet_handler_panics();
    let input = JobInput {
        id: job.id.clone(),
        method: job.method.clone(),
        queue: job.queue.clone(),
        args: job.args.clone(),
        kwargs: job.kwargs.clone(),
    };
    // The job already runs in a task of its own; catching a panic here spares a
    // second spawn per job, and dropping the future on timeout or stop cancels it.
    let task = std::panic::AssertUnwindSafe(Marked(h(input))).catch_unwind();
    let limit = async {
        match job.timeout {
            Some(t) => tokio::time::sleep(t).await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        joined = task => match joined {
            Ok(Ok(Json::Null)) => RunResult::Ok(None),
            Ok(Ok(v)) => match payload::encode_value(&v, ser) {
                Ok(bytes) => RunResult::Ok(Some(bytes)),
                Err(e) => RunResult::Failed(format!("the return value cannot be serialized: {e}")),
            },
            Ok(Err(msg)) => RunResult::Failed(msg),
            Err(panic) => {
                // The unwind leaves the poll without clearing the mark.
                IN_HANDLER.with(|f| f.set(false));
                let at = PANICKED_AT.with(|p| p.borrow_mut().take()).map(|a| format!(" at {a}")).unwrap_or_default();
                RunResult::Failed(format!("handler for {} panicked{at}: {}", job.method, crate::worker::panic_text(&*panic)))
            }
        },
        () = limit => RunResult::Failed(timeout_message(job.timeout.unwrap_or_default())),
        () = stop.stopped() => stop.result(),
    }
}
