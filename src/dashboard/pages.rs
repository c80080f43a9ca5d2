//! The dashboard's HTML. maud escapes every interpolated value, so whatever a job
//! holds (`<script>` in its kwargs or traceback) is shown as text.

use std::collections::HashMap;

use chrono::Utc;
use maud::{DOCTYPE, Markup, html};

use super::routes::{EventRow, Flash, JobsQuery, PER_PAGE, SchedulerStatus, job_href};
use super::{App, STATES};
use crate::admin::doctor::Report;
use crate::admin::list::Listing;
use crate::admin::select::Selection;
use crate::admin::show::Shown;
use crate::admin::view::JobView;
use crate::store::query::Throughput;
use crate::store::timestamp;

fn layout(title: &str, here: &str, body: Markup) -> Markup {
    let nav = [
        ("/", "Overview"),
        ("/jobs", "Jobs"),
        ("/workers", "Workers"),
        ("/scheduler", "Scheduler"),
        ("/metrics", "Metrics"),
    ];
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · bench" }
                link rel="stylesheet" href="/assets/style.css";
                script src="/assets/live.js" defer {}
            }
            body {
                header {
                    a.brand href="/" { "bench" }
                    nav {
                        @for (href, name) in nav {
                            a href=(href) class=[(href == here).then_some("here")] { (name) }
                        }
                    }
                    button #live type="button" hidden { "Live" }
                }
                main { (body) }
            }
        }
    }
}

pub(super) fn problem(title: &str, text: &str) -> Markup {
    layout(
        title,
        "",
        html! {
            h1 { (title) }
            p.problem { (text) }
            p { a href="/" { "Back to the overview" } }
        },
    )
}

pub(super) fn refused(title: &str, why: &str, back: &str) -> Markup {
    layout(
        title,
        "",
        html! {
            h1 { (title) }
            p.problem { (why) }
            p { a href=(back) { "Back" } }
        },
    )
}

pub(super) fn unauthorized() -> Markup {
    layout(
        "Token needed",
        "",
        html! {
            h1 { "Token needed" }
            p { "This dashboard asks for its token. Open it once with " code { "?token=<token>" } " (a cookie keeps it), or send " code { "Authorization: Bearer <token>" } "." }
        },
    )
}

fn flash(f: &Flash) -> Markup {
    let n = f.n.unwrap_or(1);
    let jobs = crate::output::count(usize::try_from(n).unwrap_or(usize::MAX), "job");
    let text = match f.done.as_str() {
        "requeued" => format!("Requeued {jobs}."),
        "canceled" => "Canceled the job.".to_owned(),
        "stop-asked" => "Asked the job's worker to stop it.".to_owned(),
        "deleted" => format!("Deleted {jobs}."),
        "paused" => "Scheduler paused.".to_owned(),
        "resumed" => "Scheduler resumed.".to_owned(),
        _ => return html! {},
    };
    html! { p.flash role="status" { (text) } }
}

/// A CSRF-carrying button that POSTs to `action`.
fn button(app: &App, action: &str, label: &str, class: &str) -> Markup {
    html! {
        form.inline method="post" action=(action) {
            input type="hidden" name="csrf" value=(app.csrf);
            button type="submit" class=(class) { (label) }
        }
    }
}

/// `2026-11-28T11:28:00.654108Z` as `2026-11-28 11:28:00`, with the whole time on hover.
fn time(t: Option<&str>) -> Markup {
    match t {
        Some(t) => {
            let short: String = t.replacen('T', " ", 1).chars().take(19).collect();
            html! { time datetime=(t) title=(t) { (short) } }
        }
        None => html! { span.dim { "–" } },
    }
}

/// Seconds as `42s`, `3m 20s`, `2h 5m`, `3d 4h`.
fn age(secs: i64) -> String {
    let s = secs.max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m {}s", s / 60, s % 60),
        3600..86_400 => format!("{}h {}m", s / 3600, s % 3600 / 60),
        _ => format!("{}d {}h", s / 86_400, s % 86_400 / 3600),
    }
}

fn since(t: Option<&str>) -> Option<i64> {
    t.and_then(timestamp::parse_iso)
        .map(|t| (Utc::now() - t).num_seconds())
}

fn jobs_href(queue: &str, state: &str) -> String {
    let q = JobsQuery {
        queue: queue.to_owned(),
        state: state.to_owned(),
        ..Default::default()
    };
    format!("/jobs?{}", q.encoded())
}

fn status_badge(s: &str) -> Markup {
    html! { span class={ "status " (s) } { (s) } }
}

pub(super) fn overview(
    app: &App,
    report: &Report,
    throughput: &[Throughput],
    status: &SchedulerStatus,
    events: &[EventRow],
    f: &Flash,
) -> Markup {
    let by_queue: HashMap<&str, &Throughput> =
        throughput.iter().map(|t| (t.queue.as_str(), t)).collect();
    layout(
        "Overview",
        "/",
        html! {
            h1 { "Overview" }
            (flash(f))
            @if !report.warnings.is_empty() {
                section.attention {
                    h2 { "Needs attention" }
                    ul { @for w in &report.warnings { li { (w) } } }
                }
            }
            section {
                h2 { "Queues" }
                table {
                    thead { tr {
                        th { "Queue" } th.n { "Workers" }
                        @for s in STATES { th.n { (s) } }
                        th.n { "Oldest queued" } th.n title="finished / failed in the last minute, as recorded by bench workers" { "Last minute" }
                    } }
                    tbody {
                        @for q in &report.queues {
                            tr {
                                td { a href=(jobs_href(&q.queue, "")) { (q.queue) } }
                                td.n { (q.workers) }
                                @for s in STATES {
                                    @let n = q.counts.get(s).copied().unwrap_or(0);
                                    td.n { @if n > 0 { a href=(jobs_href(&q.queue, s)) { (n) } } @else { span.dim { "0" } } }
                                }
                                td.n { (q.oldest_queued_age_s.map(age).unwrap_or_else(|| "–".into())) }
                                td.n {
                                    @let t = by_queue.get(q.qname.as_str());
                                    (t.map_or(0, |t| t.finished_last_minute)) " / " (t.map_or(0, |t| t.failed_last_minute))
                                }
                            }
                        }
                    }
                }
                p.dim { "RQ layout " (report.rq_layout.rq) ": " (report.rq_layout.why) }
            }
            section {
                h2 { a href="/workers" { "Workers" } " (" (report.workers.len()) ")" }
                (workers_table(&report.workers, &HashMap::new(), false))
            }
            section {
                h2 { a href="/scheduler" { "Scheduler" } }
                (scheduler_state(app, status, false))
                (events_table(events))
            }
        },
    )
}

fn workers_table(
    workers: &[crate::admin::doctor::Worker],
    since: &HashMap<String, String>,
    full: bool,
) -> Markup {
    html! {
        @if workers.is_empty() {
            p.dim { "No worker is registered. Start one with " code { "bench worker" } "." }
        } @else {
            table {
                thead { tr {
                    th { "Name" } th { "Host" } th.n { "PID" } th { "Queues" } th { "State" } th { "Current job" }
                    th.n { "Done" } th.n { "Failed" } th.n { "Heartbeat" }
                    @if full { th.n { "Working time" } th { "Born" } th { "Version" } }
                } }
                tbody {
                    @for w in workers {
                        tr {
                            td { (w.name) }
                            td { (w.hostname.as_deref().unwrap_or("–")) }
                            td.n { (w.pid.as_deref().unwrap_or("–")) }
                            td { (w.queues) }
                            td { (status_badge(if w.state.is_empty() { "unknown" } else { &w.state })) }
                            td {
                                @if let Some(j) = &w.current_job {
                                    a href=(job_href(j)) { (j) }
                                    @if let Some(s) = since.get(j) { " " span.dim { "for " (age(since_secs(s))) } }
                                } @else { span.dim { "–" } }
                            }
                            td.n { (w.successful.unwrap_or(0)) }
                            td.n { (w.failed.unwrap_or(0)) }
                            td.n class=[w.heartbeat_age_s.is_none_or(|a| a > 60).then_some("warn")] {
                                (w.heartbeat_age_s.map(|a| format!("{} ago", age(a))).unwrap_or_else(|| "?".into()))
                            }
                            @if full {
                                td.n { (w.working_seconds.map(|s| format!("{s:.1}s")).unwrap_or_else(|| "–".into())) }
                                td { (time(w.birth.as_deref())) }
                                td { (w.version.as_deref().unwrap_or("–")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn since_secs(t: &str) -> i64 {
    since(Some(t)).unwrap_or(0)
}

fn scheduler_state(app: &App, status: &SchedulerStatus, actions: bool) -> Markup {
    html! {
        div.state {
            @match &status.paused_since {
                Some(t) => { (status_badge("paused")) " since " (time(Some(t))) }
                None if status.leader.is_some() => { (status_badge("active")) }
                None => { (status_badge("stopped")) " no " code { "bench schedule" } " is running" }
            }
            @if let Some(l) = &status.leader {
                " · leader " strong { (l.name) } " on " (l.host.as_deref().unwrap_or("?")) " (pid " (l.pid.as_deref().unwrap_or("?")) ")"
                ", lease " (format!("{:.1}", l.ms_left as f64 / 1000.0)) "s left"
            }
            @if actions && !app.read_only {
                " "
                @if status.paused_since.is_some() {
                    (button(app, "/scheduler/resume", "Resume", ""))
                } @else {
                    (button(app, "/scheduler/pause", "Pause", ""))
                }
            }
        }
    }
}

fn events_table(events: &[EventRow]) -> Markup {
    let sites = events.iter().any(|e| e.listed.site.is_some());
    html! {
        @if events.is_empty() {
            p.dim { "No scheduler_events are configured." }
        } @else {
            table {
                thead { tr {
                    th { "Method" } @if sites { th { "Site" } } th { "Event" } th { "Queue" } th { "Schedule" }
                    th { "Last run" } th { "Last outcome" } th { "Next run" }
                } }
                tbody {
                    @for e in events {
                        tr {
                            td { (e.listed.method) }
                            @if sites { td { (e.listed.site.as_deref().unwrap_or("(bench)")) } }
                            td { (e.listed.event) }
                            td { (e.listed.queue) }
                            td { (e.listed.schedule) }
                            td { (local(e.listed.last_run.as_deref())) }
                            td {
                                @match (&e.last_job, &e.last_outcome) {
                                    (Some(id), Some(o)) => { a href=(job_href(id)) { (status_badge(o.split(':').next().unwrap_or(o))) } @if o.contains(':') { " " span.dim { (o) } } }
                                    (None, _) | (_, None) => { span.dim { "never" } }
                                }
                            }
                            td { (local(e.listed.next_run.as_deref())) }
                        }
                    }
                }
            }
        }
    }
}

/// An RFC 3339 time with offset, shown without its fraction.
fn local(t: Option<&str>) -> Markup {
    match t {
        Some(t) if t.starts_with('(') => html! { span.dim { (t) } },
        Some(t) => {
            let short: String = t.replacen('T', " ", 1).chars().take(19).collect();
            html! { time datetime=(t) title=(t) { (short) } }
        }
        None => html! { span.dim { "never" } },
    }
}

pub(super) fn jobs(
    app: &App,
    q: &JobsQuery,
    sel: &Selection,
    listing: &Listing,
    page: usize,
    queues: &[String],
    f: &Flash,
) -> Markup {
    let pages = listing.total.div_ceil(PER_PAGE as u64).max(1);
    let first = (page - 1) * PER_PAGE;
    let frappe = app.cfg.frappe_mode();
    let base = q.encoded();
    let page_href = |p: u64| {
        if base.is_empty() {
            format!("/jobs?page={p}")
        } else {
            format!("/jobs?{base}&page={p}")
        }
    };
    let mut short_queues: Vec<String> = queues
        .iter()
        .map(|qn| crate::admin::short_queue(&app.cfg, qn).to_owned())
        .collect();
    short_queues.sort();
    short_queues.dedup();
    let one_state = sel.statuses.len() == 1;
    let state = sel.statuses.first().map(|s| s.as_str()).unwrap_or("");
    layout(
        "Jobs",
        "/jobs",
        html! {
            h1 { "Jobs" }
            (flash(f))
            form.filters method="get" action="/jobs" {
                label { "Queue " select name="queue" {
                    option value="" { "any" }
                    @for name in &short_queues { option value=(name) selected[q.queue == *name] { (name) } }
                } }
                label { "State " select name="state" {
                    option value="" { "any" }
                    @for s in STATES { option value=(s) selected[q.state == s] { (s) } }
                } }
                label { "Method " input type="text" name="method" value=(q.method) placeholder="my_app.tasks.*"; }
                @if frappe { label { "Site " input type="text" name="site" value=(q.site); } }
                label { "Event " input type="text" name="event" value=(q.event); }
                label { "Older than " input type="text" name="older_than" value=(q.older_than) placeholder="2h" size="5"; }
                label { "Newer than " input type="text" name="newer_than" value=(q.newer_than) placeholder="30m" size="5"; }
                label { "Sort " select name="sort" {
                    option value="" { "queue order" }
                    option value="newest" selected[q.sort == "newest"] { "newest" }
                    option value="oldest" selected[q.sort == "oldest"] { "oldest" }
                } }
                button type="submit" { "Show" }
            }
            p {
                (crate::output::count(usize::try_from(listing.total).unwrap_or(usize::MAX), "job"))
                (if listing.total == 1 { " matches" } else { " match" })
                @if listing.total > 0 { ", showing " (first + 1) "–" (first + listing.jobs.len()) }
                @if !app.read_only && one_state && listing.total > 0 {
                    @if state == "failed" {
                        " · " a.action href={ "/selection/confirm?action=retry&" (base) } { "Retry these…" }
                    }
                    @if state != "started" {
                        " · " a.action.danger href={ "/selection/confirm?action=purge&" (base) } { "Delete these…" }
                    }
                }
            }
            @if listing.jobs.is_empty() {
                p.dim { "No jobs match." }
            } @else {
                table.jobs {
                    thead { tr {
                        th { "ID" } th { "Queue" } th { "State" } th { "Method" }
                        @if frappe { th { "Site" } }
                        th { "Enqueued" } th { "Ended" }
                    } }
                    tbody {
                        @for v in &listing.jobs { (job_row(app, v, frappe)) }
                    }
                }
            }
            @if pages > 1 {
                nav.pages {
                    @if page > 1 { a href=(page_href(page as u64 - 1)) rel="prev" { "← Newer page" } }
                    " page " (page) " of " (pages) " "
                    @if (page as u64) < pages { a href=(page_href(page as u64 + 1)) rel="next" { "Next page →" } }
                }
            }
        },
    )
}

fn job_row(app: &App, v: &JobView, frappe: bool) -> Markup {
    html! {
        tr {
            td.id { a href=(job_href(&v.id)) { (v.id) } }
            td { (v.queue.as_deref().map(|q| crate::admin::short_queue(&app.cfg, q)).unwrap_or("–")) }
            td { (status_badge(&v.status)) }
            td {
                @if v.error.is_some() && v.method.is_none() { span.dim { "(undecodable)" } } @else { (v.method_shown()) }
                @if let Some(e) = &v.event { " " span.dim { "[" (e) "]" } }
            }
            @if frappe { td { (v.site.as_deref().unwrap_or("–")) } }
            td { (time(v.enqueued_at.as_deref().or(v.created_at.as_deref()))) }
            td { (time(v.ended_at.as_deref())) }
        }
    }
}

fn json_block(v: &impl serde::Serialize) -> Markup {
    let text = serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("({e})"));
    html! { pre { (text) } }
}

pub(super) fn job(app: &App, s: &Shown, f: &Flash) -> Markup {
    let v = &s.job;
    let status = v.status.as_str();
    layout(
        &format!("Job {}", v.id),
        "/jobs",
        html! {
            h1 { "Job " code { (v.id) } " " (status_badge(status)) }
            (flash(f))
            @if !app.read_only {
                div.actions {
                    @let href = job_href(&v.id);
                    @if status == "failed" || status == "stopped" { (button(app, &format!("{href}/retry"), "Retry", "")) }
                    @if matches!(status, "queued" | "deferred" | "scheduled") { (button(app, &format!("{href}/cancel"), "Cancel", "")) }
                    @if status == "started" { (button(app, &format!("{href}/stop"), "Stop", "danger")) }
                    @if status != "started" { (button(app, &format!("{href}/delete"), "Delete", "danger")) }
                }
            }
            @if let Some(e) = &v.error { p.problem { "Part of this job could not be read: " (e) } }
            dl {
                dt { "Method" } dd { code { (v.method.as_deref().unwrap_or("(undecodable)")) } }
                @if let Some(n) = &v.job_name { dt { "Job name" } dd { (n) } }
                @if let Some(site) = &v.site { dt { "Site" } dd { (site) } }
                @if let Some(e) = &v.event { dt { "Event" } dd { (e) } }
                dt { "Queue" } dd { (v.queue.as_deref().map(|q| crate::admin::short_queue(&app.cfg, q)).unwrap_or("–")) }
                @if let Some(d) = &v.description { dt { "Description" } dd { (d) } }
                dt { "Created" } dd { (time(v.created_at.as_deref())) }
                dt { "Enqueued" } dd { (time(v.enqueued_at.as_deref())) }
                dt { "Started" } dd { (time(v.started_at.as_deref())) }
                dt { "Ended" } dd { (time(v.ended_at.as_deref())) }
                @if let Some(d) = s.duration_s { dt { "Ran for" } dd { (format!("{d:.3}s")) } }
                @if let Some(w) = &v.worker { dt { "Worker" } dd { (w) } }
                @if let Some(t) = &v.timeout { dt { "Timeout" } dd { (t) "s" } }
                @if let Some(r) = s.retries_left { dt { "Retries left" } dd { (r) } }
                @if !s.depends_on.is_empty() {
                    dt { "Depends on" }
                    dd { @for d in &s.depends_on { a href=(job_href(d)) { (d) } " " } }
                }
            }
            h2 { "Arguments" }
            @if !v.args.is_empty() { h3 { "args" } (json_block(&v.args)) }
            h3 { "kwargs" } (json_block(&v.kwargs))
            h2 { "Results" }
            @if s.results.is_empty() {
                p.dim { "No result recorded." }
            }
            @for r in &s.results {
                article.result {
                    h3 {
                        (status_badge(&r.kind)) " "
                        (chrono::DateTime::from_timestamp_millis(r.created_at_ms as i64).map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string()).unwrap_or_default())
                        " by " (r.worker)
                        @if let Some(d) = r.duration_s { " in " (format!("{d:.3}s")) }
                    }
                    @if let Some(v) = &r.return_value { (json_block(v)) }
                    @if let Some(tb) = &r.traceback { pre.traceback { (tb) } }
                }
            }
            details {
                summary { "Every field of " code { "rq:job:" (v.id) } }
                table {
                    @for (k, val) in &s.fields { tr { th { (k) } td { pre { (val) } } } }
                }
            }
        },
    )
}

pub(super) fn confirm(app: &App, action: &str, q: &JobsQuery, sel: &Selection, n: u64) -> Markup {
    let states: Vec<&str> = sel.statuses.iter().map(|s| s.as_str()).collect();
    let jobs = crate::output::count(usize::try_from(n).unwrap_or(usize::MAX), "job");
    let (verb, class) = if action == "retry" {
        ("Requeue", "")
    } else {
        ("Delete", "danger")
    };
    let fields: Vec<(String, String)> =
        serde_urlencoded::from_str(&q.encoded()).unwrap_or_default();
    layout(
        "Confirm",
        "/jobs",
        html! {
            h1 { (verb) " " (jobs) "?" }
            p { (verb) " " strong { (jobs) } " (" (states.join(", ")) ") matching these filters:" }
            ul { @for (k, v) in &fields { li { (k) " = " code { (v) } } } @if fields.is_empty() { li { "every queue" } } }
            @if n == 0 {
                p.dim { "Nothing to do." }
            } @else {
                form method="post" action={ "/selection/" (action) } {
                    input type="hidden" name="csrf" value=(app.csrf);
                    @for (k, v) in &fields { input type="hidden" name=(k) value=(v); }
                    button type="submit" class=(class) { (verb) " " (jobs) }
                }
            }
            p { a href={ "/jobs?" (q.encoded()) } { "Back to the jobs" } }
        },
    )
}

pub(super) fn workers(app: &App, report: &Report, since: &HashMap<String, String>) -> Markup {
    let _ = app;
    let stale: Vec<&String> = report
        .warnings
        .iter()
        .filter(|w| w.starts_with("worker "))
        .collect();
    layout(
        "Workers",
        "/workers",
        html! {
            h1 { "Workers" }
            @if !stale.is_empty() {
                section.attention { ul { @for w in stale { li { (w) } } } }
            }
            (workers_table(&report.workers, since, true))
        },
    )
}

pub(super) fn scheduler(
    app: &App,
    status: &SchedulerStatus,
    events: &[EventRow],
    f: &Flash,
) -> Markup {
    layout(
        "Scheduler",
        "/scheduler",
        html! {
            h1 { "Scheduler" }
            (flash(f))
            (scheduler_state(app, status, true))
            (events_table(events))
        },
    )
}
