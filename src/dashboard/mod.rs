//! `bench dashboard`: the jobs, workers and scheduler of this bench as web pages, and
//! Prometheus metrics, served by the same binary.
//!
//! Pages are rendered on the server (maud escapes every value, so job data is always
//! text) and work without JavaScript; a small embedded script only refreshes them.
//! Every action is a POST carrying a per-process CSRF token and goes through the same
//! admin code as the command of the same name. The server binds loopback unless a
//! token is set, and with a token every request must present it.
//!
//! # Layout
//! - `routes`: the handlers, which gather data through [`crate::admin`] and the store.
//! - `pages`: HTML.
//! - `metrics`: the Prometheus text exposition, O(queues + workers).

mod metrics;
mod pages;
mod routes;

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Result;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::store::Store;

/// Job states in the order pages and metrics list them.
const STATES: [&str; 7] = [
    "queued",
    "started",
    "deferred",
    "scheduled",
    "finished",
    "failed",
    "canceled",
];

/// The cookie a browser keeps the token in once it has presented it.
const COOKIE: &str = "bench_dashboard";

/// Options of `bench dashboard`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct DashboardArgs {
    /// Address to listen on [default: [dashboard] bind, else 127.0.0.1:9181]
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<SocketAddr>,

    /// Show everything but offer no action
    #[arg(long)]
    pub read_only: bool,

    /// Require this token of every request; needed to listen beyond loopback
    /// [default: BENCH_DASHBOARD_TOKEN, else [dashboard] token]
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<String>,
}

/// Resolved dashboard options.
#[derive(Debug, Clone)]
pub struct Options {
    pub bind: SocketAddr,
    pub read_only: bool,
    pub token: Option<String>,
}

impl Options {
    /// Settles bind address and token: flag, then `BENCH_DASHBOARD_TOKEN`, then the
    /// hooks file.
    ///
    /// # Errors
    /// A usage error for a short token, or a non-loopback address without a token.
    pub fn resolve(cfg: &Config, a: &DashboardArgs) -> Result<Options> {
        let bind = a.bind.unwrap_or(cfg.dashboard.bind);
        let token = a
            .token
            .clone()
            .or_else(|| std::env::var("BENCH_DASHBOARD_TOKEN").ok())
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .or_else(|| cfg.dashboard.token.clone());
        if token.as_ref().is_some_and(|t| {
            t.len() < 16
                || !t
                    .chars()
                    .all(|c| c.is_ascii_graphic() && c != ';' && c != ',')
        }) {
            return Err(crate::usage!(
                "the dashboard token must be at least 16 printable characters without `;` or `,` (for example from `openssl rand -hex 16`)"
            )
            .into());
        }
        if !bind.ip().is_loopback() && token.is_none() {
            return Err(crate::usage!(
                "refusing to serve jobs on {bind} without a token: anyone who reaches it could read job data and retry or delete jobs; set --token, BENCH_DASHBOARD_TOKEN or [dashboard] token in {}, or bind 127.0.0.1",
                cfg.source_shown()
            )
            .into());
        }
        Ok(Options {
            bind,
            read_only: a.read_only,
            token,
        })
    }
}

/// What every handler shares.
pub(crate) struct App {
    pub cfg: Arc<Config>,
    pub store: Store,
    pub read_only: bool,
    token: Option<String>,
    /// Echoed by every form and checked on every POST.
    pub csrf: String,
}

/// Serves until `stop` fires. `ready` hears the address actually bound (the port may
/// have been 0).
///
/// # Errors
/// When the address cannot be bound.
pub async fn serve(
    cfg: Arc<Config>,
    store: Store,
    opts: Options,
    stop: CancellationToken,
    ready: impl FnOnce(SocketAddr, &Options),
) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(opts.bind)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", opts.bind))?;
    let addr = listener.local_addr()?;
    ready(addr, &opts);
    let app = Arc::new(App {
        cfg,
        store,
        read_only: opts.read_only,
        token: opts.token,
        csrf: uuid::Uuid::new_v4().simple().to_string(),
    });
    let router = routes::router(app.clone())
        .layer(axum::middleware::from_fn_with_state(app.clone(), guard))
        .layer(axum::middleware::from_fn(headers));
    axum::serve(listener, router)
        .with_graceful_shutdown(async move { stop.cancelled().await })
        .await?;
    Ok(())
}

/// Compares without an early exit, so response times do not reveal the token.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Lets a request through when no token is set or it presents the token: as a bearer
/// header (Prometheus), as the cookie, or once as `?token=`, which sets the cookie
/// and redirects to the same page without it.
async fn guard(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let Some(token) = &app.token else {
        return next.run(req).await;
    };
    let headers = req.headers();
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|t| same(t.trim(), token));
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .any(|(k, v)| k == COOKIE && same(v, token));
    if bearer || cookie {
        return next.run(req).await;
    }
    let query = req.uri().query().unwrap_or("");
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
    if pairs.iter().any(|(k, v)| k == "token" && same(v, token)) {
        let rest: Vec<&(String, String)> = pairs.iter().filter(|(k, _)| k != "token").collect();
        let mut to = req.uri().path().to_owned();
        if !rest.is_empty() {
            to.push('?');
            to.push_str(&serde_urlencoded::to_string(rest).unwrap_or_default());
        }
        let mut resp = Redirect::to(&to).into_response();
        let set = format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict");
        if let Ok(v) = HeaderValue::from_str(&set) {
            resp.headers_mut().insert(header::SET_COOKIE, v);
        }
        return resp;
    }
    (StatusCode::UNAUTHORIZED, pages::unauthorized()).into_response()
}

/// Headers every response carries: no framing, no inline script or style, no caching
/// of job data, no sniffing.
async fn headers(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, k: header::HeaderName, v: &'static str| {
        h.insert(k, HeaderValue::from_static(v));
    };
    set(
        h,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::REFERRER_POLICY, "same-origin");
    if !h.contains_key(header::CACHE_CONTROL) {
        set(h, header::CACHE_CONTROL, "no-store");
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_whole() {
        assert!(same("0123456789abcdef", "0123456789abcdef"));
        assert!(!same("0123456789abcdef", "0123456789abcdeg"));
        assert!(!same("0123456789abcdef", "0123456789abcde"));
    }

    #[test]
    fn no_token_beyond_loopback() {
        let cfg = Config::parse("", std::path::Path::new("hooks.toml"), ".".into()).unwrap();
        let open = DashboardArgs {
            bind: Some("0.0.0.0:9181".parse().unwrap()),
            ..Default::default()
        };
        // Only meaningful when the environment does not supply a token.
        if std::env::var("BENCH_DASHBOARD_TOKEN").is_err() {
            assert!(Options::resolve(&cfg, &open).is_err());
        }
        let with = DashboardArgs {
            token: Some("x".repeat(16)),
            ..open.clone()
        };
        assert!(Options::resolve(&cfg, &with).is_ok());
        let short = DashboardArgs {
            token: Some("short".into()),
            ..open
        };
        assert!(Options::resolve(&cfg, &short).is_err());
        assert!(Options::resolve(&cfg, &DashboardArgs::default()).is_ok());
    }
}
