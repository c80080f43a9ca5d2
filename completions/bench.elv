
use builtin;
use str;

set edit:completion:arg-completer[bench] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'bench'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'bench'= {
            cand --config 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]'
            cand --redis-url 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]'
            cand --site 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand worker 'Run jobs from one or more queues'
            cand schedule 'Run the scheduler that enqueues scheduler_events on time, or manage it'
            cand enqueue 'Put a job on a queue'
            cand jobs 'Inspect and manage jobs'
            cand doctor 'Check workers, scheduler and queues; exit 1 when something needs attention'
            cand dashboard 'Serve the jobs, workers and scheduler as web pages, and Prometheus metrics'
            cand start 'Run Redis (if needed), the scheduler and workers in the foreground, for development'
            cand setup 'Generate process-manager configuration'
            cand show-pending-jobs 'Frappe: list queued jobs per queue as `method kwargs`'
            cand purge-jobs 'Frappe: delete queued jobs, of one queue or event; prints `Purged N jobs`'
            cand trigger-scheduler-event 'Frappe: enqueue a scheduled method now (same as `schedule trigger`)'
            cand enable-scheduler 'Frappe: let schedulers enqueue events again (same as `schedule resume`)'
            cand disable-scheduler 'Frappe: stop schedulers from enqueuing events (same as `schedule pause`)'
            cand scheduler 'Frappe: enable, disable, pause, resume or show the scheduler'
            cand ready-for-migration 'Frappe: exit 1 while jobs are queued or running, 0 when migrating is safe'
            cand worker-pool 'Frappe: run N jobs at once in one process (same as `worker --num-workers N`)'
            cand generate 'Print shell completions or man pages (for packagers)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bench;worker'= {
            cand -q 'Queues to take jobs from, comma-separated, highest priority first [default: short,default,long, then custom queues]'
            cand --queue 'Queues to take jobs from, comma-separated, highest priority first [default: short,default,long, then custom queues]'
            cand -u 'Redis ACL user to connect as, in place of the configured one (Frappe''s `-u`)'
            cand --rq-username 'Redis ACL user to connect as, in place of the configured one (Frappe''s `-u`)'
            cand -p 'Password of that user (Frappe''s `-p`)'
            cand --rq-password 'Password of that user (Frappe''s `-p`)'
            cand --strategy 'Order in which queues are tried'
            cand -n 'Jobs run at once by this process'
            cand --num-workers 'Jobs run at once by this process'
            cand --name 'Worker name shown by `rq info` [default: a random hex id]'
            cand --log-file 'Write progress to this file and warnings to its .error sibling (Frappe: logs/worker.log); SIGHUP reopens them'
            cand --metrics-bind 'Serve this worker''s counters and job-duration histogram for Prometheus at http://ADDR/metrics (beyond loopback, [dashboard] token is required)'
            cand --config 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]'
            cand --redis-url 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]'
            cand --site 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]'
            cand --burst 'Exit once the queues are empty and running jobs are done'
            cand --quiet 'Log warnings and errors only'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bench;schedule'= {
            cand --log-file 'Write progress to this file and warnings to its .error sibling (Frappe: logs/schedule.log); SIGHUP reopens them'
            cand --config 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]'
            cand --redis-url 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]'
            cand --site 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]'
            cand --quiet 'Log warnings only (not each enqueued event)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List scheduled methods with their event, queue, last run and next run'
            cand status 'Say whether scheduling is active or paused, and which scheduler leads'
            cand pause 'Pause every scheduler sharing this Redis (delayed jobs wait too)'
            cand resume 'Resume scheduling after `pause`'
            cand trigger 'Enqueue a scheduled method now, as its event would'
            cand history 'Recent runs of scheduled methods: slot, outcome, job and scheduler'
            cand next 'Print the next fire times of a cron expression, one ISO time per line'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bench;schedule;list'= {
            cand --config 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]'
            cand --redis-url 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]'
            cand --site 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]'
            cand --json 'One JSON object per method'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bench;schedule;status'= {
            cand --config 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]'
            cand --redis-url 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]'
            cand --site 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]'
            cand --json 'Print JSON'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bench;schedule;pause'= {
            cand --config 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]'
            cand --redis-url 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]'
            cand --site 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bench;schedule;resume'= {
            cand --config 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]'
            cand --redis-url 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]'
            cand --site 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bench;schedule;trigger'= {
            cand --config 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]'
            cand --redis-url 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]'
            cand --site 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bench;schedule;history'= {
            cand --limit 'Entries to show'
            cand --config 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]'
            cand --redis-url 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]'
            cand --site 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]'
            cand --json 'One JSON object per entry'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bench;schedule;next'= {
            cand --from 'Start from this time (ISO 8601; without an offset, in the time zone) [default: now]'
            cand --count 'How many times to print'
            cand --timezone 'IANA time zone [default: [scheduler] timezone]'
            cand --config 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]'
            cand --redis-url 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]'
            cand --site 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bench;schedule;help'= {
            cand list 'List scheduled methods with their event, queue, last run and next run'
            cand status 'Say whether scheduling is active or paused, and which scheduler leads'
            cand pause 'Pause every scheduler sharing this Redis (delayed jobs wait too)'
            cand resume 'Resume scheduling after `pause`'
            cand trigger 'Enqueue a scheduled method now, as its event would'
            cand history 'Recent runs of scheduled methods: slot, outcome, job and scheduler'
            cand next 'Print the next fire times of a cron expression, one ISO time per line'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bench;schedule;help;list'= {
        }
        &'bench;schedule;help;status'= {
        }
        &'bench;schedule;help;pause'= {
        }
        &'bench;schedule;help;resume'= {
        }
        &'bench;schedule;help;trigger'= {
        }
        &'bench;schedule;help;history'= {
        }
        &'bench;schedule;help;next'= {
        }
        &'bench;schedule;help;help'= {
        }
        &'bench;enqueue'= {
            cand -q 'Queue to put the job on'
            cand --queue 'Queue to put the job on'
            cand --kwargs 'Keyword arguments as a JSON object, e.g. ''{"user": "a@b.c"}'''
            cand --args 'Positional arguments as a JSON array, for functions that take them'
            cand --job-id 'Job id to use instead of a random UUID (letters, digits, `_` and `-`)'
            cand --timeout 'Seconds the job may run before it is killed (default: the queue''s timeout)'
            cand --result-ttl 'Seconds to keep a finished job and its result (0: none, -1: forever)'
            cand --failure-ttl 'Seconds to keep a failed job and its traceback (-1: forever)'
            cand --description 'Text shown by `jobs list` and rq-dashboard (default: the call, as RQ writes it)'
            cand --at 'Run the job at this time instead of now (ISO 8601; without an offset, in [scheduler] timezone); `bench schedule` moves it to its queue when due'
            cand --in 'Run the job after this delay, e.g. `90s`, `10m`, `2h`, `1d`'
            cand --event 'Event name stored with the job (Frappe''s `event`; `purge-jobs --event` matches it)'
            cand --job-name 'Name the job (Frappe''s `job_name`): while a job of this name is queued or running, the new one is not enqueued and the existing job''s id is printed'
            cand --user 'Frappe user the job runs as (Frappe mode) [default: Administrator, as Frappe''s scheduler and command line]'
            cand --from-file 'Enqueue many jobs from JSON lines (`-` for stdin), one object per line with `method` and optionally `kwargs`, `args`, `queue`, `job_id`, `timeout`, `at_front`, `result_ttl`, `failure_ttl`, `description`, `site`, `user`, `event`, `job_name`; flags give the defaults'
            cand --config 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]'
            cand --redis-url 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]'
            cand --site 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]'
            cand --deduplicate 'Skip quietly when a job with --job-id is already queued or started; replace it in any other state (Frappe''s rule)'
            cand --at-front 'Put the job at the head of the queue instead of the tail'
            cand --now 'Run the job here and now, through the runner a worker would use, without Redis; print its result (exit 0) or its traceback (exit 1)'
            cand --json 'Print one JSON object per job: its id and whether it was enqueued'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bench;jobs'= {
            cand --config 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]'
            cand --redis-url 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]'
            cand --site 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List jobs by queue and state'
            cand show 'Show everything about jobs: call, times, result, traceback'
            cand retry 'Requeue failed jobs, by id or all that match filters'
            cand purge 'Delete jobs (queued ones by default, like Frappe''s purge-jobs)'
            cand cancel 'Cancel jobs that have not started'
            cand stop 'Ask the workers running these jobs to stop them'
            cand delete 'Delete jobs by id, with their results (not running ones: stop those first)'
            cand stats 'Count jobs per queue and state'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bench;jobs;list'= {
            cand -q 'Only jobs of this queue (repeatable) [default: every queue of this bench]'
            cand --queue 'Only jobs of this queue (repeatable) [default: every queue of this bench]'
            cand -s 'Only jobs in this state (repeatable)'
            cand --status 'Only jobs in this state (repeatable)'
            cand --method 'Only jobs whose method matches this glob, e.g. ''my_app.tasks.*'''
            cand --event 'Only jobs of this event (a scheduler_events key or cron expression, or Frappe''s `event`)'
            cand --older-than 'Only jobs older than this, e.g. 2h or 7d (by end time, else enqueue time)'
            cand --newer-than 'Only jobs newer than this, e.g. 30m'
            cand --sort 'Order of the jobs shown'
            cand --limit 'Show at most this many jobs'
            cand --config 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]'
            cand --redis-url 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]'
            cand --site 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]'
            cand --json 'One JSON object per job, one per line'
            cand --ids 'Job ids only, one per line (for pipes)'
            cand --summary 'Counts per queue and state instead of jobs'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bench;jobs;show'= {
            cand --config 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]'
            cand --redis-url 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]'
            cand --site 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]'
            cand --json 'Print JSON instead of text'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bench;jobs;retry'= {
            cand -q 'Only jobs of this queue (repeatable) [default: every queue of this bench]'
            cand --queue 'Only jobs of this queue (repeatable) [default: every queue of this bench]'
            cand -s 'Only jobs in this state (repeatable)'
            cand --status 'Only jobs in this state (repeatable)'
            cand --method 'Only jobs whose method matches this glob, e.g. ''my_app.tasks.*'''
            cand --event 'Only jobs of this event (a scheduler_events key or cron expression, or Frappe''s `event`)'
            cand --older-than 'Only jobs older than this, e.g. 2h or 7d (by end time, else enqueue time)'
            cand --newer-than 'Only jobs newer than this, e.g. 30m'
            cand --config 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]'
            cand --redis-url 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]'
            cand --site 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]'
            cand --all 'Requeue every failed job the filters select'
            cand --at-front 'Put the jobs at the head of their queues'
            cand -y 'Do not ask for confirmation'
            cand --yes 'Do not ask for confirmation'
            cand --dry-run 'Say what would be requeued, change nothing'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bench;jobs;purge'= {
            cand -q 'Only jobs of this queue (repeatable) [default: every queue of this bench]'
            cand --queue 'Only jobs of this queue (repeatable) [default: every queue of this bench]'
            cand -s 'Only jobs in this state (repeatable)'
            cand --status 'Only jobs in this state (repeatable)'
            cand --method 'Only jobs whose method matches this glob, e.g. ''my_app.tasks.*'''
            cand --event 'Only jobs of this event (a scheduler_events key or cron expression, or Frappe''s `event`)'
            cand --older-than 'Only jobs older than this, e.g. 2h or 7d (by end time, else enqueue time)'
            cand --newer-than 'Only jobs newer than this, e.g. 30m'
            cand --config 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]'
            cand --redis-url 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]'
            cand --site 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]'
            cand -y 'Do not ask for confirmation'
            cand --yes 'Do not ask for confirmation'
            cand --dry-run 'Count what would be deleted, delete nothing'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bench;jobs;cancel'= {
            cand --config 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]'
            cand --redis-url 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]'
            cand --site 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bench;jobs;stop'= {
            cand --config 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]'
            cand --redis-url 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]'
            cand --site 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bench;jobs;delete'= {
            cand --config 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]'
            cand --redis-url 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]'
            cand --site 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bench;jobs;stats'= {
            cand -q 'Only jobs of this queue (repeatable) [default: every queue of this bench]'
            cand --queue 'Only jobs of this queue (repeatable) [default: every queue of this bench]'
            cand -s 'Only jobs in this state (repeatable)'
            cand --status 'Only jobs in this state (repeatable)'
            cand --method 'Only jobs whose method matches this glob, e.g. ''my_app.tasks.*'''
            cand --event 'Only jobs of this event (a scheduler_events key or cron expression, or Frappe''s `event`)'
            cand --older-than 'Only jobs older than this, e.g. 2h or 7d (by end time, else enqueue time)'
            cand --newer-than 'Only jobs newer than this, e.g. 30m'
            cand --config 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]'
            cand --redis-url 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]'
            cand --site 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]'
            cand --json 'One JSON object per queue'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bench;jobs;help'= {
            cand list 'List jobs by queue and state'
            cand show 'Show everything about jobs: call, times, result, traceback'
            cand retry 'Requeue failed jobs, by id or all that match filters'
            cand purge 'Delete jobs (queued ones by default, like Frappe''s purge-jobs)'
            cand cancel 'Cancel jobs that have not started'
            cand stop 'Ask the workers running these jobs to stop them'
            cand delete 'Delete jobs by id, with their results (not running ones: stop those first)'
            cand stats 'Count jobs per queue and state'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bench;jobs;help;list'= {
        }
        &'bench;jobs;help;show'= {
        }
        &'bench;jobs;help;retry'= {
        }
        &'bench;jobs;help;purge'= {
        }
        &'bench;jobs;help;cancel'= {
        }
        &'bench;jobs;help;stop'= {
        }
        &'bench;jobs;help;delete'= {
        }
        &'bench;jobs;help;stats'= {
        }
        &'bench;jobs;help;help'= {
        }
        &'bench;doctor'= {
            cand --config 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]'
            cand --redis-url 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]'
            cand --site 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]'
            cand --json 'Print JSON'
            cand --acl 'Print the Redis ACL rule a bench user needs, and nothing else'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bench;dashboard'= {
            cand --bind 'Address to listen on [default: [dashboard] bind, else 127.0.0.1:9181]'
            cand --token 'Require this token of every request; needed to listen beyond loopback [default: BENCH_DASHBOARD_TOKEN, else [dashboard] token]'
            cand --config 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]'
            cand --redis-url 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]'
            cand --site 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]'
            cand --read-only 'Show everything but offer no action'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bench;start'= {
            cand --config 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]'
            cand --redis-url 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]'
            cand --site 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]'
            cand --demo 'Also enqueue a few example jobs, to see jobs flow'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bench;setup'= {
            cand --config 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]'
            cand --redis-url 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]'
            cand --site 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand supervisor 'Write a supervisord configuration for the scheduler, workers and Redis'
            cand systemd 'Write systemd units for the scheduler, workers and Redis'
            cand hooks 'Write [scheduler_events] from the Frappe bench''s apps (their hooks.py)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bench;setup;supervisor'= {
            cand --user 'Run the programs as this user'
            cand --output 'Where to write the configuration [default: config/supervisor.conf next to the hooks file]'
            cand --config 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]'
            cand --redis-url 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]'
            cand --site 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]'
            cand -y 'Overwrite an existing file'
            cand --yes 'Overwrite an existing file'
            cand --skip-redis 'Leave out the redis-server program (Redis is managed elsewhere)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bench;setup;systemd'= {
            cand --user 'Run the services as this user'
            cand --output 'Folder to write the units to [default: config/systemd next to the hooks file]'
            cand --config 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]'
            cand --redis-url 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]'
            cand --site 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]'
            cand -y 'Overwrite existing unit files'
            cand --yes 'Overwrite existing unit files'
            cand --skip-redis 'Leave out the redis-server service (Redis is managed elsewhere)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bench;setup;hooks'= {
            cand --config 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]'
            cand --redis-url 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]'
            cand --site 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]'
            cand --from-frappe 'Read scheduler_events from the Frappe bench''s apps (through [python])'
            cand --yes 'Write without asking (needed when not run from a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bench;setup;help'= {
            cand supervisor 'Write a supervisord configuration for the scheduler, workers and Redis'
            cand systemd 'Write systemd units for the scheduler, workers and Redis'
            cand hooks 'Write [scheduler_events] from the Frappe bench''s apps (their hooks.py)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bench;setup;help;supervisor'= {
        }
        &'bench;setup;help;systemd'= {
        }
        &'bench;setup;help;hooks'= {
        }
        &'bench;setup;help;help'= {
        }
        &'bench;show-pending-jobs'= {
            cand --config 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]'
            cand --redis-url 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]'
            cand --site 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bench;purge-jobs'= {
            cand --queue 'Only this queue'
            cand --event 'Only jobs of this event'
            cand --config 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]'
            cand --redis-url 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]'
            cand --site 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bench;trigger-scheduler-event'= {
            cand --config 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]'
            cand --redis-url 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]'
            cand --site 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bench;enable-scheduler'= {
            cand --config 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]'
            cand --redis-url 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]'
            cand --site 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bench;disable-scheduler'= {
            cand --config 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]'
            cand --redis-url 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]'
            cand --site 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bench;scheduler'= {
            cand -f 'Output format of `status`'
            cand --format 'Output format of `status`'
            cand --config 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]'
            cand --redis-url 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]'
            cand --site 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bench;ready-for-migration'= {
            cand --config 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]'
            cand --redis-url 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]'
            cand --site 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bench;worker-pool'= {
            cand --queue 'Queues, comma-separated, highest priority first'
            cand --num-workers 'Jobs run at once'
            cand --config 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]'
            cand --redis-url 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]'
            cand --site 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]'
            cand --quiet 'Log warnings only'
            cand --burst 'Exit when the queues are empty'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bench;generate'= {
            cand --config 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]'
            cand --redis-url 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]'
            cand --site 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'bench;help'= {
            cand worker 'Run jobs from one or more queues'
            cand schedule 'Run the scheduler that enqueues scheduler_events on time, or manage it'
            cand enqueue 'Put a job on a queue'
            cand jobs 'Inspect and manage jobs'
            cand doctor 'Check workers, scheduler and queues; exit 1 when something needs attention'
            cand dashboard 'Serve the jobs, workers and scheduler as web pages, and Prometheus metrics'
            cand start 'Run Redis (if needed), the scheduler and workers in the foreground, for development'
            cand setup 'Generate process-manager configuration'
            cand show-pending-jobs 'Frappe: list queued jobs per queue as `method kwargs`'
            cand purge-jobs 'Frappe: delete queued jobs, of one queue or event; prints `Purged N jobs`'
            cand trigger-scheduler-event 'Frappe: enqueue a scheduled method now (same as `schedule trigger`)'
            cand enable-scheduler 'Frappe: let schedulers enqueue events again (same as `schedule resume`)'
            cand disable-scheduler 'Frappe: stop schedulers from enqueuing events (same as `schedule pause`)'
            cand scheduler 'Frappe: enable, disable, pause, resume or show the scheduler'
            cand ready-for-migration 'Frappe: exit 1 while jobs are queued or running, 0 when migrating is safe'
            cand worker-pool 'Frappe: run N jobs at once in one process (same as `worker --num-workers N`)'
            cand generate 'Print shell completions or man pages (for packagers)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'bench;help;worker'= {
        }
        &'bench;help;schedule'= {
            cand list 'List scheduled methods with their event, queue, last run and next run'
            cand status 'Say whether scheduling is active or paused, and which scheduler leads'
            cand pause 'Pause every scheduler sharing this Redis (delayed jobs wait too)'
            cand resume 'Resume scheduling after `pause`'
            cand trigger 'Enqueue a scheduled method now, as its event would'
            cand history 'Recent runs of scheduled methods: slot, outcome, job and scheduler'
            cand next 'Print the next fire times of a cron expression, one ISO time per line'
        }
        &'bench;help;schedule;list'= {
        }
        &'bench;help;schedule;status'= {
        }
        &'bench;help;schedule;pause'= {
        }
        &'bench;help;schedule;resume'= {
        }
        &'bench;help;schedule;trigger'= {
        }
        &'bench;help;schedule;history'= {
        }
        &'bench;help;schedule;next'= {
        }
        &'bench;help;enqueue'= {
        }
        &'bench;help;jobs'= {
            cand list 'List jobs by queue and state'
            cand show 'Show everything about jobs: call, times, result, traceback'
            cand retry 'Requeue failed jobs, by id or all that match filters'
            cand purge 'Delete jobs (queued ones by default, like Frappe''s purge-jobs)'
            cand cancel 'Cancel jobs that have not started'
            cand stop 'Ask the workers running these jobs to stop them'
            cand delete 'Delete jobs by id, with their results (not running ones: stop those first)'
            cand stats 'Count jobs per queue and state'
        }
        &'bench;help;jobs;list'= {
        }
        &'bench;help;jobs;show'= {
        }
        &'bench;help;jobs;retry'= {
        }
        &'bench;help;jobs;purge'= {
        }
        &'bench;help;jobs;cancel'= {
        }
        &'bench;help;jobs;stop'= {
        }
        &'bench;help;jobs;delete'= {
        }
        &'bench;help;jobs;stats'= {
        }
        &'bench;help;doctor'= {
        }
        &'bench;help;dashboard'= {
        }
        &'bench;help;start'= {
        }
        &'bench;help;setup'= {
            cand supervisor 'Write a supervisord configuration for the scheduler, workers and Redis'
            cand systemd 'Write systemd units for the scheduler, workers and Redis'
            cand hooks 'Write [scheduler_events] from the Frappe bench''s apps (their hooks.py)'
        }
        &'bench;help;setup;supervisor'= {
        }
        &'bench;help;setup;systemd'= {
        }
        &'bench;help;setup;hooks'= {
        }
        &'bench;help;show-pending-jobs'= {
        }
        &'bench;help;purge-jobs'= {
        }
        &'bench;help;trigger-scheduler-event'= {
        }
        &'bench;help;enable-scheduler'= {
        }
        &'bench;help;disable-scheduler'= {
        }
        &'bench;help;scheduler'= {
        }
        &'bench;help;ready-for-migration'= {
        }
        &'bench;help;worker-pool'= {
        }
        &'bench;help;generate'= {
        }
        &'bench;help;help'= {
        }
    ]
    $completions[$command]
}
