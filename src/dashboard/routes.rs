//! The dashboard's handlers: each reads through [`crate::admin`] (the code behind
//! `bench doctor`, `bench jobs` and `bench schedule`) and hands plain data to `pages`.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use clap::ValueEnum;
use serde::{Deserialize, Serialize};

use super::{App, pages};
use crate::admin::change::{self, Changed};
use crate::admin::list::{Listing, Sort, collect};
use crate::admin::select::{Filters, Selection, count};
use crate::admin::{StatusArg, doctor, show};
use crate::error::UsageError;
use crate::scheduler::control;
use crate::store::schedule::ScheduledRun;
use crate::store::{JobStatus, Store};

/// Jobs per page of `/jobs`.
pub(super) const PER_PAGE: usize = 50;
/// The deepest a listing that must read every job (filters, sorting) may page.
pub(super) const MAX_SCAN_OFFSET: usize = 10_000;

pub(super) fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(overview))
        .route("/jobs", get(jobs))
        .route("/jobs/{id}", get(job))
        .route("/jobs/{id}/{action}", post(job_action))
        .route("/selection/confirm", get(confirm))
        .route("/selection/{action}", post(selection_action))
        .route("/workers", get(workers))
        .route("/scheduler", get(scheduler))
        .route("/scheduler/{action}", post(scheduler_action))
        .route("/metrics", get(super::metrics::handler))
        .route("/assets/style.css", get(css))
        .route("/assets/live.js", get(js))
        .fallback(not_found)
        .with_state(app)
}

/// A failed request, rendered as a page: bad input is the caller's (400), anything
/// else is Redis being away or refusing (503).
pub(super) struct Failure(anyhow::Error);

impl<E: Into<anyhow::Error>> From<E> for Failure {
    fn from(e: E) -> Failure {
        Failure(e.into())
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let usage = self.0.downcast_ref::<UsageError>().is_some();
        let (code, title) = if usage {
            (StatusCode::BAD_REQUEST, "Not understood")
        } else {
            (StatusCode::SERVICE_UNAVAILABLE, "Redis could not answer")
        };
        (code, pages::problem(title, &format!("{:#}", self.0))).into_response()
    }
}

type Page = Result<Response, Failure>;

async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        pages::problem("Not found", "There is no such page."),
    )
        .into_response()
}

async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("assets/style.css"),
    )
        .into_response()
}

async fn js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("assets/live.js"),
    )
        .into_response()
}

/// The filters of `/jobs`, as query parameters (and hidden fields of bulk actions).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub(super) struct JobsQuery {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub queue: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub state: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub method: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub site: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub event: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub older_than: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub newer_than: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub sort: String,
    /// Text, so that any value reads (a bad one is page 1).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub page: String,
}

impl JobsQuery {
    fn filters(&self) -> Result<Filters, Failure> {
        let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        let status = match some(&self.state) {
            Some(s) => vec![StatusArg::from_str(&s, true).map_err(|_| {
                crate::usage!(
                    "`{s}` is not a job state; one of queued, started, finished, failed, deferred, scheduled, canceled"
                )
            })?],
            None => Vec::new(),
        };
        Ok(Filters {
            queue: some(&self.queue).into_iter().collect(),
            status,
            method: some(&self.method),
            event: some(&self.event),
            site: some(&self.site),
            older_than: some(&self.older_than),
            newer_than: some(&self.newer_than),
        })
    }

    fn sort(&self) -> Result<Sort, Failure> {
        if self.sort.is_empty() {
            return Ok(Sort::Queue);
        }
        Sort::from_str(&self.sort, true)
            .map_err(|_| crate::usage!("`{}` is not a sort order", self.sort).into())
    }

    /// The query string of these filters, without the page.
    pub(super) fn encoded(&self) -> String {
        serde_urlencoded::to_string(JobsQuery {
            page: String::new(),
            ..self.clone()
        })
        .unwrap_or_default()
    }
}

/// What a finished action says on the page it leads to.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Flash {
    pub done: String,
    pub n: Option<u64>,
}

async fn overview(State(app): State<Arc<App>>, Query(flash): Query<Flash>) -> Page {
    let report = doctor::report(&app.cfg, &app.store, false).await?;
    let qnames: Vec<String> = report.queues.iter().map(|q| q.qname.clone()).collect();
    let throughput = app.store.throughput(&qnames).await?;
    let events = event_rows(&app).await?;
    let status = scheduler_status(&app.store).await?;
    Ok(pages::overview(&app, &report, &throughput, &status, &events, &flash).into_response())
}

async fn jobs(
    State(app): State<Arc<App>>,
    Query(q): Query<JobsQuery>,
    Query(flash): Query<Flash>,
) -> Page {
    let filters = q.filters()?;
    let sort = q.sort()?;
    let sel = Selection::new(&app.cfg, &app.store, &filters, &JobStatus::LISTED).await?;
    let page = q
        .page
        .trim()
        .parse::<usize>()
        .unwrap_or(1)
        .clamp(1, 1_000_000);
    let offset = (page - 1).saturating_mul(PER_PAGE);
    if (sel.narrows() || sort != Sort::Queue) && offset > MAX_SCAN_OFFSET {
        return Err(crate::usage!(
            "with filters or sorting, pages past {} jobs are not shown; narrow the filters instead",
            MAX_SCAN_OFFSET
        )
        .into());
    }
    let listing: Listing = collect(&app.store, &sel, sort, offset, PER_PAGE).await?;
    let queues = app.store.queue_names().await.unwrap_or_default();
    Ok(pages::jobs(&app, &q, &sel, &listing, page, &queues, &flash).into_response())
}

async fn job(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> Page {
    match show::detail(&app.store, &id).await? {
        Some(shown) => Ok(pages::job(&app, &shown, &flash).into_response()),
        None => Ok((
            StatusCode::NOT_FOUND,
            pages::problem(
                "No such job",
                &format!("There is no job `{id}`: it may have expired or been deleted."),
            ),
        )
            .into_response()),
    }
}

/// The hidden field every form carries.
#[derive(Debug, Deserialize)]
pub(super) struct Csrf {
    csrf: String,
}

/// Why a POST is refused: read-only mode, a form from another site, or a form
/// without this process's token.
fn refusal(app: &App, headers: &HeaderMap, csrf: &str) -> Option<&'static str> {
    if app.read_only {
        return Some("This dashboard is read-only (--read-only).");
    }
    // Browsers say where a request comes from; a form posted from another site is refused.
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && site != "same-origin"
        && site != "none"
    {
        return Some("The request came from another site.");
    }
    if !super::same(csrf, &app.csrf) {
        return Some("The form is stale or forged; reload the page and try again.");
    }
    None
}

fn forbidden(why: &str) -> Response {
    (StatusCode::FORBIDDEN, pages::problem("Refused", why)).into_response()
}

async fn job_action(
    State(app): State<Arc<App>>,
    Path((id, action)): Path<(String, String)>,
    headers: HeaderMap,
    Form(form): Form<Csrf>,
) -> Page {
    if let Some(why) = refusal(&app, &headers, &form.csrf) {
        return Ok(forbidden(why));
    }
    let ids = [id.clone()];
    let (changed, verb): (Changed, &str) = match action.as_str() {
        "retry" => (
            change::retry_ids(&app.store, &ids, false).await?,
            "requeued",
        ),
        "cancel" => (change::cancel_ids(&app.store, &ids).await?, "canceled"),
        "stop" => (change::stop_ids(&app.store, &ids).await?, "stop-asked"),
        "delete" => (change::delete_ids(&app.store, &ids).await?, "deleted"),
        _ => return Ok(not_found().await),
    };
    if let Some((_, why)) = changed.refused.first() {
        return Ok((
            StatusCode::CONFLICT,
            pages::refused(&format!("Job {id} was not changed"), why, &job_href(&id)),
        )
            .into_response());
    }
    let to = if verb == "deleted" {
        format!("/jobs?done={verb}&n=1")
    } else {
        format!("{}?done={verb}", job_href(&id))
    };
    Ok(Redirect::to(&to).into_response())
}

/// `/jobs/<id>`, the id escaped as one path segment.
pub(super) fn job_href(id: &str) -> String {
    let mut out = String::from("/jobs/");
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~:".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A bulk action and the filters it applies to.
#[derive(Debug, Deserialize)]
pub(super) struct Bulk {
    #[serde(default)]
    pub action: String,
    #[serde(flatten)]
    pub query: JobsQuery,
}

/// The filters a bulk action applies to, checked against what that action allows.
async fn bulk_selection(app: &App, action: &str, q: &JobsQuery) -> Result<Selection, Failure> {
    let mut filters = q.filters()?;
    match action {
        "retry" => {
            if filters
                .status
                .iter()
                .any(|s| JobStatus::from(*s) != JobStatus::Failed)
            {
                return Err(crate::usage!("only failed jobs can be retried").into());
            }
            filters.status = vec![StatusArg::Failed];
        }
        "purge" => {
            if filters.status.is_empty() {
                return Err(crate::usage!("choose a state to purge").into());
            }
            if filters
                .status
                .iter()
                .any(|s| JobStatus::from(*s) == JobStatus::Started)
            {
                return Err(crate::usage!(
                    "started jobs are running and cannot be purged; stop them first"
                )
                .into());
            }
        }
        _ => return Err(crate::usage!("`{action}` is not a bulk action").into()),
    }
    Ok(Selection::new(&app.cfg, &app.store, &filters, &[JobStatus::Failed]).await?)
}

async fn confirm(State(app): State<Arc<App>>, Query(b): Query<Bulk>) -> Page {
    let sel = bulk_selection(&app, &b.action, &b.query).await?;
    let n = count(&app.store, &sel).await?;
    Ok(pages::confirm(&app, &b.action, &b.query, &sel, n).into_response())
}

async fn selection_action(
    State(app): State<Arc<App>>,
    Path(action): Path<String>,
    headers: HeaderMap,
    Form(form): Form<BulkForm>,
) -> Page {
    if let Some(why) = refusal(&app, &headers, &form.csrf) {
        return Ok(forbidden(why));
    }
    let sel = bulk_selection(&app, &action, &form.query).await?;
    let (n, verb) = match action.as_str() {
        "retry" => (
            change::retry_selection(&app.store, &sel, false, |_| {})
                .await?
                .done,
            "requeued",
        ),
        _ => (
            change::purge_selection(&app.store, &sel, |_| {}).await?,
            "deleted",
        ),
    };
    let filters = form.query.encoded();
    let sep = if filters.is_empty() { "" } else { "&" };
    Ok(Redirect::to(&format!("/jobs?{filters}{sep}done={verb}&n={n}")).into_response())
}

/// A bulk action's form: its token and the filters.
#[derive(Debug, Deserialize)]
pub(super) struct BulkForm {
    csrf: String,
    #[serde(flatten)]
    query: JobsQuery,
}

async fn workers(State(app): State<Arc<App>>) -> Page {
    let report = doctor::report(&app.cfg, &app.store, false).await?;
    // When each worker's current job started.
    let current: Vec<String> = report
        .workers
        .iter()
        .filter_map(|w| w.current_job.clone())
        .collect();
    let hashes = app.store.fetch(&current).await?;
    let since: std::collections::HashMap<String, String> = current
        .into_iter()
        .zip(hashes)
        .filter_map(|(id, h)| Some((id, h?.nonempty("started_at")?)))
        .collect();
    Ok(pages::workers(&app, &report, &since).into_response())
}

/// The scheduler's state, as `bench schedule status` reads it.
pub(super) struct SchedulerStatus {
    pub paused_since: Option<String>,
    pub leader: Option<crate::store::schedule::LeaderInfo>,
}

async fn scheduler_status(store: &Store) -> Result<SchedulerStatus, Failure> {
    Ok(SchedulerStatus {
        paused_since: store.scheduler_paused().await?,
        leader: store.leader().await?,
    })
}

/// A scheduled method with what became of its last run.
pub(super) struct EventRow {
    pub listed: control::Listed,
    /// The last run's job id and its state now (or why the slot was skipped).
    pub last_job: Option<String>,
    pub last_outcome: Option<String>,
}

async fn event_rows(app: &App) -> Result<Vec<EventRow>, Failure> {
    let listed = control::listing(&app.cfg, &app.store, None).await?;
    let mut rows = Vec::with_capacity(listed.len());
    for l in listed {
        let run = ScheduledRun {
            method: &l.method,
            site: l.site.as_deref(),
            event: &l.event,
        };
        let last = app.store.ledger(&run, 1).await?.pop();
        let (last_job, mut last_outcome) = match last {
            Some(e) if e.outcome == "enqueued" => (Some(e.job_id), None),
            Some(e) => (Some(e.job_id), Some(e.outcome)),
            None => (None, None),
        };
        if last_outcome.is_none()
            && let Some(id) = &last_job
        {
            last_outcome = Some(
                match app
                    .store
                    .fetch(std::slice::from_ref(id))
                    .await?
                    .pop()
                    .flatten()
                {
                    Some(h) => h
                        .status()
                        .map(|s| s.to_string())
                        .unwrap_or_else(|e| e.to_string()),
                    None => "gone (expired)".into(),
                },
            );
        }
        rows.push(EventRow {
            listed: l,
            last_job,
            last_outcome,
        });
    }
    Ok(rows)
}

async fn scheduler(State(app): State<Arc<App>>, Query(flash): Query<Flash>) -> Page {
    let status = scheduler_status(&app.store).await?;
    let events = event_rows(&app).await?;
    Ok(pages::scheduler(&app, &status, &events, &flash).into_response())
}

async fn scheduler_action(
    State(app): State<Arc<App>>,
    Path(action): Path<String>,
    headers: HeaderMap,
    Form(form): Form<Csrf>,
) -> Page {
    if let Some(why) = refusal(&app, &headers, &form.csrf) {
        return Ok(forbidden(why));
    }
    let paused = match action.as_str() {
        "pause" => true,
        "resume" => false,
        _ => return Ok(not_found().await),
    };
    app.store.set_scheduler_paused(paused).await?;
    let verb = if paused { "paused" } else { "resumed" };
    Ok(Redirect::to(&format!("/scheduler?done={verb}")).into_response())
}
