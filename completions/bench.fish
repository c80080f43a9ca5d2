# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_bench_global_optspecs
    string join \n config= redis-url= site= h/help V/version
end

function __fish_bench_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_bench_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_bench_using_subcommand
    set -l cmd (__fish_bench_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c bench -n "__fish_bench_needs_command" -l config -d 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]' -r -F
complete -c bench -n "__fish_bench_needs_command" -l redis-url -d 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]' -r
complete -c bench -n "__fish_bench_needs_command" -l site -d 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe\'s commands) [env: BENCH_SITE]' -r
complete -c bench -n "__fish_bench_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c bench -n "__fish_bench_needs_command" -s V -l version -d 'Print version'
complete -c bench -n "__fish_bench_needs_command" -f -a "worker" -d 'Run jobs from one or more queues'
complete -c bench -n "__fish_bench_needs_command" -f -a "schedule" -d 'Run the scheduler that enqueues scheduler_events on time, or manage it'
complete -c bench -n "__fish_bench_needs_command" -f -a "enqueue" -d 'Put a job on a queue'
complete -c bench -n "__fish_bench_needs_command" -f -a "jobs" -d 'Inspect and manage jobs'
complete -c bench -n "__fish_bench_needs_command" -f -a "doctor" -d 'Check workers, scheduler and queues; exit 1 when something needs attention'
complete -c bench -n "__fish_bench_needs_command" -f -a "dashboard" -d 'Serve the jobs, workers and scheduler as web pages, and Prometheus metrics'
complete -c bench -n "__fish_bench_needs_command" -f -a "start" -d 'Run Redis (if needed), the scheduler and workers in the foreground, for development'
complete -c bench -n "__fish_bench_needs_command" -f -a "setup" -d 'Generate process-manager configuration'
complete -c bench -n "__fish_bench_needs_command" -f -a "show-pending-jobs" -d 'Frappe: list queued jobs per queue as `method kwargs`'
complete -c bench -n "__fish_bench_needs_command" -f -a "purge-jobs" -d 'Frappe: delete queued jobs, of one queue or event; prints `Purged N jobs`'
complete -c bench -n "__fish_bench_needs_command" -f -a "trigger-scheduler-event" -d 'Frappe: enqueue a scheduled method now (same as `schedule trigger`)'
complete -c bench -n "__fish_bench_needs_command" -f -a "enable-scheduler" -d 'Frappe: let schedulers enqueue events again (same as `schedule resume`)'
complete -c bench -n "__fish_bench_needs_command" -f -a "disable-scheduler" -d 'Frappe: stop schedulers from enqueuing events (same as `schedule pause`)'
complete -c bench -n "__fish_bench_needs_command" -f -a "scheduler" -d 'Frappe: enable, disable, pause, resume or show the scheduler'
complete -c bench -n "__fish_bench_needs_command" -f -a "ready-for-migration" -d 'Frappe: exit 1 while jobs are queued or running, 0 when migrating is safe'
complete -c bench -n "__fish_bench_needs_command" -f -a "worker-pool" -d 'Frappe: run N jobs at once in one process (same as `worker --num-workers N`)'
complete -c bench -n "__fish_bench_needs_command" -f -a "generate" -d 'Print shell completions or man pages (for packagers)'
complete -c bench -n "__fish_bench_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bench -n "__fish_bench_using_subcommand worker" -s q -l queue -d 'Queues to take jobs from, comma-separated, highest priority first [default: short,default,long, then custom queues]' -r
complete -c bench -n "__fish_bench_using_subcommand worker" -s u -l rq-username -d 'Redis ACL user to connect as, in place of the configured one (Frappe\'s `-u`)' -r
complete -c bench -n "__fish_bench_using_subcommand worker" -s p -l rq-password -d 'Password of that user (Frappe\'s `-p`)' -r
complete -c bench -n "__fish_bench_using_subcommand worker" -l strategy -d 'Order in which queues are tried' -r -f -a "default\t'Strict priority in the order given'
round_robin\t'Each job from the queue after the one the last job came from'
random\t'Each job from a queue picked at random among those with jobs'"
complete -c bench -n "__fish_bench_using_subcommand worker" -s n -l num-workers -d 'Jobs run at once by this process' -r
complete -c bench -n "__fish_bench_using_subcommand worker" -l name -d 'Worker name shown by `rq info` [default: a random hex id]' -r
complete -c bench -n "__fish_bench_using_subcommand worker" -l log-file -d 'Write progress to this file and warnings to its .error sibling (Frappe: logs/worker.log); SIGHUP reopens them' -r -F
complete -c bench -n "__fish_bench_using_subcommand worker" -l metrics-bind -d 'Serve this worker\'s counters and job-duration histogram for Prometheus at http://ADDR/metrics (beyond loopback, [dashboard] token is required)' -r
complete -c bench -n "__fish_bench_using_subcommand worker" -l config -d 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]' -r -F
complete -c bench -n "__fish_bench_using_subcommand worker" -l redis-url -d 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]' -r
complete -c bench -n "__fish_bench_using_subcommand worker" -l site -d 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe\'s commands) [env: BENCH_SITE]' -r
complete -c bench -n "__fish_bench_using_subcommand worker" -l burst -d 'Exit once the queues are empty and running jobs are done'
complete -c bench -n "__fish_bench_using_subcommand worker" -l quiet -d 'Log warnings and errors only'
complete -c bench -n "__fish_bench_using_subcommand worker" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c bench -n "__fish_bench_using_subcommand worker" -s V -l version -d 'Print version'
complete -c bench -n "__fish_bench_using_subcommand schedule; and not __fish_seen_subcommand_from list status pause resume trigger history next help" -l log-file -d 'Write progress to this file and warnings to its .error sibling (Frappe: logs/schedule.log); SIGHUP reopens them' -r -F
complete -c bench -n "__fish_bench_using_subcommand schedule; and not __fish_seen_subcommand_from list status pause resume trigger history next help" -l config -d 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]' -r -F
complete -c bench -n "__fish_bench_using_subcommand schedule; and not __fish_seen_subcommand_from list status pause resume trigger history next help" -l redis-url -d 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]' -r
complete -c bench -n "__fish_bench_using_subcommand schedule; and not __fish_seen_subcommand_from list status pause resume trigger history next help" -l site -d 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe\'s commands) [env: BENCH_SITE]' -r
complete -c bench -n "__fish_bench_using_subcommand schedule; and not __fish_seen_subcommand_from list status pause resume trigger history next help" -l quiet -d 'Log warnings only (not each enqueued event)'
complete -c bench -n "__fish_bench_using_subcommand schedule; and not __fish_seen_subcommand_from list status pause resume trigger history next help" -s h -l help -d 'Print help'
complete -c bench -n "__fish_bench_using_subcommand schedule; and not __fish_seen_subcommand_from list status pause resume trigger history next help" -s V -l version -d 'Print version'
complete -c bench -n "__fish_bench_using_subcommand schedule; and not __fish_seen_subcommand_from list status pause resume trigger history next help" -f -a "list" -d 'List scheduled methods with their event, queue, last run and next run'
complete -c bench -n "__fish_bench_using_subcommand schedule; and not __fish_seen_subcommand_from list status pause resume trigger history next help" -f -a "status" -d 'Say whether scheduling is active or paused, and which scheduler leads'
complete -c bench -n "__fish_bench_using_subcommand schedule; and not __fish_seen_subcommand_from list status pause resume trigger history next help" -f -a "pause" -d 'Pause every scheduler sharing this Redis (delayed jobs wait too)'
complete -c bench -n "__fish_bench_using_subcommand schedule; and not __fish_seen_subcommand_from list status pause resume trigger history next help" -f -a "resume" -d 'Resume scheduling after `pause`'
complete -c bench -n "__fish_bench_using_subcommand schedule; and not __fish_seen_subcommand_from list status pause resume trigger history next help" -f -a "trigger" -d 'Enqueue a scheduled method now, as its event would'
complete -c bench -n "__fish_bench_using_subcommand schedule; and not __fish_seen_subcommand_from list status pause resume trigger history next help" -f -a "history" -d 'Recent runs of scheduled methods: slot, outcome, job and scheduler'
complete -c bench -n "__fish_bench_using_subcommand schedule; and not __fish_seen_subcommand_from list status pause resume trigger history next help" -f -a "next" -d 'Print the next fire times of a cron expression, one ISO time per line'
complete -c bench -n "__fish_bench_using_subcommand schedule; and not __fish_seen_subcommand_from list status pause resume trigger history next help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from list" -l config -d 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]' -r -F
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from list" -l redis-url -d 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]' -r
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from list" -l site -d 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe\'s commands) [env: BENCH_SITE]' -r
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from list" -l json -d 'One JSON object per method'
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from status" -l config -d 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]' -r -F
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from status" -l redis-url -d 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]' -r
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from status" -l site -d 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe\'s commands) [env: BENCH_SITE]' -r
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from status" -l json -d 'Print JSON'
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from pause" -l config -d 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]' -r -F
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from pause" -l redis-url -d 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]' -r
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from pause" -l site -d 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe\'s commands) [env: BENCH_SITE]' -r
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from pause" -s h -l help -d 'Print help'
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from pause" -s V -l version -d 'Print version'
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from resume" -l config -d 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]' -r -F
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from resume" -l redis-url -d 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]' -r
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from resume" -l site -d 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe\'s commands) [env: BENCH_SITE]' -r
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from resume" -s h -l help -d 'Print help'
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from resume" -s V -l version -d 'Print version'
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from trigger" -l config -d 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]' -r -F
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from trigger" -l redis-url -d 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]' -r
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from trigger" -l site -d 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe\'s commands) [env: BENCH_SITE]' -r
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from trigger" -s h -l help -d 'Print help'
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from trigger" -s V -l version -d 'Print version'
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from history" -l limit -d 'Entries to show' -r
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from history" -l config -d 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]' -r -F
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from history" -l redis-url -d 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]' -r
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from history" -l site -d 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe\'s commands) [env: BENCH_SITE]' -r
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from history" -l json -d 'One JSON object per entry'
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from history" -s h -l help -d 'Print help'
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from history" -s V -l version -d 'Print version'
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from next" -l from -d 'Start from this time (ISO 8601; without an offset, in the time zone) [default: now]' -r
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from next" -l count -d 'How many times to print' -r
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from next" -l timezone -d 'IANA time zone [default: [scheduler] timezone]' -r
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from next" -l config -d 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]' -r -F
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from next" -l redis-url -d 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]' -r
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from next" -l site -d 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe\'s commands) [env: BENCH_SITE]' -r
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from next" -s h -l help -d 'Print help'
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from next" -s V -l version -d 'Print version'
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from help" -f -a "list" -d 'List scheduled methods with their event, queue, last run and next run'
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from help" -f -a "status" -d 'Say whether scheduling is active or paused, and which scheduler leads'
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from help" -f -a "pause" -d 'Pause every scheduler sharing this Redis (delayed jobs wait too)'
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from help" -f -a "resume" -d 'Resume scheduling after `pause`'
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from help" -f -a "trigger" -d 'Enqueue a scheduled method now, as its event would'
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from help" -f -a "history" -d 'Recent runs of scheduled methods: slot, outcome, job and scheduler'
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from help" -f -a "next" -d 'Print the next fire times of a cron expression, one ISO time per line'
complete -c bench -n "__fish_bench_using_subcommand schedule; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bench -n "__fish_bench_using_subcommand enqueue" -s q -l queue -d 'Queue to put the job on' -r
complete -c bench -n "__fish_bench_using_subcommand enqueue" -l kwargs -d 'Keyword arguments as a JSON object, e.g. \'{"user": "a@b.c"}\'' -r
complete -c bench -n "__fish_bench_using_subcommand enqueue" -l args -d 'Positional arguments as a JSON array, for functions that take them' -r
complete -c bench -n "__fish_bench_using_subcommand enqueue" -l job-id -d 'Job id to use instead of a random UUID (letters, digits, `_` and `-`)' -r
complete -c bench -n "__fish_bench_using_subcommand enqueue" -l timeout -d 'Seconds the job may run before it is killed (default: the queue\'s timeout)' -r
complete -c bench -n "__fish_bench_using_subcommand enqueue" -l result-ttl -d 'Seconds to keep a finished job and its result (0: none, -1: forever)' -r
complete -c bench -n "__fish_bench_using_subcommand enqueue" -l failure-ttl -d 'Seconds to keep a failed job and its traceback (-1: forever)' -r
complete -c bench -n "__fish_bench_using_subcommand enqueue" -l description -d 'Text shown by `jobs list` and rq-dashboard (default: the call, as RQ writes it)' -r
complete -c bench -n "__fish_bench_using_subcommand enqueue" -l at -d 'Run the job at this time instead of now (ISO 8601; without an offset, in [scheduler] timezone); `bench schedule` moves it to its queue when due' -r
complete -c bench -n "__fish_bench_using_subcommand enqueue" -l in -d 'Run the job after this delay, e.g. `90s`, `10m`, `2h`, `1d`' -r
complete -c bench -n "__fish_bench_using_subcommand enqueue" -l event -d 'Event name stored with the job (Frappe\'s `event`; `purge-jobs --event` matches it)' -r
complete -c bench -n "__fish_bench_using_subcommand enqueue" -l job-name -d 'Name the job (Frappe\'s `job_name`): while a job of this name is queued or running, the new one is not enqueued and the existing job\'s id is printed' -r
complete -c bench -n "__fish_bench_using_subcommand enqueue" -l user -d 'Frappe user the job runs as (Frappe mode) [default: Administrator, as Frappe\'s scheduler and command line]' -r
complete -c bench -n "__fish_bench_using_subcommand enqueue" -l from-file -d 'Enqueue many jobs from JSON lines (`-` for stdin), one object per line with `method` and optionally `kwargs`, `args`, `queue`, `job_id`, `timeout`, `at_front`, `result_ttl`, `failure_ttl`, `description`, `site`, `user`, `event`, `job_name`; flags give the defaults' -r -F
complete -c bench -n "__fish_bench_using_subcommand enqueue" -l config -d 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]' -r -F
complete -c bench -n "__fish_bench_using_subcommand enqueue" -l redis-url -d 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]' -r
complete -c bench -n "__fish_bench_using_subcommand enqueue" -l site -d 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe\'s commands) [env: BENCH_SITE]' -r
complete -c bench -n "__fish_bench_using_subcommand enqueue" -l deduplicate -d 'Skip quietly when a job with --job-id is already queued or started; replace it in any other state (Frappe\'s rule)'
complete -c bench -n "__fish_bench_using_subcommand enqueue" -l at-front -d 'Put the job at the head of the queue instead of the tail'
complete -c bench -n "__fish_bench_using_subcommand enqueue" -l now -d 'Run the job here and now, through the runner a worker would use, without Redis; print its result (exit 0) or its traceback (exit 1)'
complete -c bench -n "__fish_bench_using_subcommand enqueue" -l json -d 'Print one JSON object per job: its id and whether it was enqueued'
complete -c bench -n "__fish_bench_using_subcommand enqueue" -s h -l help -d 'Print help'
complete -c bench -n "__fish_bench_using_subcommand enqueue" -s V -l version -d 'Print version'
complete -c bench -n "__fish_bench_using_subcommand jobs; and not __fish_seen_subcommand_from list show retry purge cancel stop delete stats help" -l config -d 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]' -r -F
complete -c bench -n "__fish_bench_using_subcommand jobs; and not __fish_seen_subcommand_from list show retry purge cancel stop delete stats help" -l redis-url -d 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and not __fish_seen_subcommand_from list show retry purge cancel stop delete stats help" -l site -d 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe\'s commands) [env: BENCH_SITE]' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and not __fish_seen_subcommand_from list show retry purge cancel stop delete stats help" -s h -l help -d 'Print help'
complete -c bench -n "__fish_bench_using_subcommand jobs; and not __fish_seen_subcommand_from list show retry purge cancel stop delete stats help" -s V -l version -d 'Print version'
complete -c bench -n "__fish_bench_using_subcommand jobs; and not __fish_seen_subcommand_from list show retry purge cancel stop delete stats help" -f -a "list" -d 'List jobs by queue and state'
complete -c bench -n "__fish_bench_using_subcommand jobs; and not __fish_seen_subcommand_from list show retry purge cancel stop delete stats help" -f -a "show" -d 'Show everything about jobs: call, times, result, traceback'
complete -c bench -n "__fish_bench_using_subcommand jobs; and not __fish_seen_subcommand_from list show retry purge cancel stop delete stats help" -f -a "retry" -d 'Requeue failed jobs, by id or all that match filters'
complete -c bench -n "__fish_bench_using_subcommand jobs; and not __fish_seen_subcommand_from list show retry purge cancel stop delete stats help" -f -a "purge" -d 'Delete jobs (queued ones by default, like Frappe\'s purge-jobs)'
complete -c bench -n "__fish_bench_using_subcommand jobs; and not __fish_seen_subcommand_from list show retry purge cancel stop delete stats help" -f -a "cancel" -d 'Cancel jobs that have not started'
complete -c bench -n "__fish_bench_using_subcommand jobs; and not __fish_seen_subcommand_from list show retry purge cancel stop delete stats help" -f -a "stop" -d 'Ask the workers running these jobs to stop them'
complete -c bench -n "__fish_bench_using_subcommand jobs; and not __fish_seen_subcommand_from list show retry purge cancel stop delete stats help" -f -a "delete" -d 'Delete jobs by id, with their results (not running ones: stop those first)'
complete -c bench -n "__fish_bench_using_subcommand jobs; and not __fish_seen_subcommand_from list show retry purge cancel stop delete stats help" -f -a "stats" -d 'Count jobs per queue and state'
complete -c bench -n "__fish_bench_using_subcommand jobs; and not __fish_seen_subcommand_from list show retry purge cancel stop delete stats help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from list" -s q -l queue -d 'Only jobs of this queue (repeatable) [default: every queue of this bench]' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from list" -s s -l status -d 'Only jobs in this state (repeatable)' -r -f -a "queued\t''
started\t''
finished\t''
failed\t''
deferred\t''
scheduled\t''
canceled\t''"
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from list" -l method -d 'Only jobs whose method matches this glob, e.g. \'my_app.tasks.*\'' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from list" -l event -d 'Only jobs of this event (a scheduler_events key or cron expression, or Frappe\'s `event`)' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from list" -l older-than -d 'Only jobs older than this, e.g. 2h or 7d (by end time, else enqueue time)' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from list" -l newer-than -d 'Only jobs newer than this, e.g. 30m' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from list" -l sort -d 'Order of the jobs shown' -r -f -a "queue\t'State by state, each in its queue\'s or registry\'s order'
newest\t'Most recent first (end time, else enqueue time)'
oldest\t'Oldest first'"
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from list" -l limit -d 'Show at most this many jobs' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from list" -l config -d 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]' -r -F
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from list" -l redis-url -d 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from list" -l site -d 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe\'s commands) [env: BENCH_SITE]' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from list" -l json -d 'One JSON object per job, one per line'
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from list" -l ids -d 'Job ids only, one per line (for pipes)'
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from list" -l summary -d 'Counts per queue and state instead of jobs'
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from show" -l config -d 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]' -r -F
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from show" -l redis-url -d 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from show" -l site -d 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe\'s commands) [env: BENCH_SITE]' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from show" -l json -d 'Print JSON instead of text'
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from retry" -s q -l queue -d 'Only jobs of this queue (repeatable) [default: every queue of this bench]' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from retry" -s s -l status -d 'Only jobs in this state (repeatable)' -r -f -a "queued\t''
started\t''
finished\t''
failed\t''
deferred\t''
scheduled\t''
canceled\t''"
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from retry" -l method -d 'Only jobs whose method matches this glob, e.g. \'my_app.tasks.*\'' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from retry" -l event -d 'Only jobs of this event (a scheduler_events key or cron expression, or Frappe\'s `event`)' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from retry" -l older-than -d 'Only jobs older than this, e.g. 2h or 7d (by end time, else enqueue time)' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from retry" -l newer-than -d 'Only jobs newer than this, e.g. 30m' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from retry" -l config -d 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]' -r -F
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from retry" -l redis-url -d 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from retry" -l site -d 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe\'s commands) [env: BENCH_SITE]' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from retry" -l all -d 'Requeue every failed job the filters select'
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from retry" -l at-front -d 'Put the jobs at the head of their queues'
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from retry" -s y -l yes -d 'Do not ask for confirmation'
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from retry" -l dry-run -d 'Say what would be requeued, change nothing'
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from retry" -s h -l help -d 'Print help'
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from retry" -s V -l version -d 'Print version'
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from purge" -s q -l queue -d 'Only jobs of this queue (repeatable) [default: every queue of this bench]' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from purge" -s s -l status -d 'Only jobs in this state (repeatable)' -r -f -a "queued\t''
started\t''
finished\t''
failed\t''
deferred\t''
scheduled\t''
canceled\t''"
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from purge" -l method -d 'Only jobs whose method matches this glob, e.g. \'my_app.tasks.*\'' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from purge" -l event -d 'Only jobs of this event (a scheduler_events key or cron expression, or Frappe\'s `event`)' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from purge" -l older-than -d 'Only jobs older than this, e.g. 2h or 7d (by end time, else enqueue time)' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from purge" -l newer-than -d 'Only jobs newer than this, e.g. 30m' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from purge" -l config -d 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]' -r -F
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from purge" -l redis-url -d 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from purge" -l site -d 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe\'s commands) [env: BENCH_SITE]' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from purge" -s y -l yes -d 'Do not ask for confirmation'
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from purge" -l dry-run -d 'Count what would be deleted, delete nothing'
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from purge" -s h -l help -d 'Print help'
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from purge" -s V -l version -d 'Print version'
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from cancel" -l config -d 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]' -r -F
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from cancel" -l redis-url -d 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from cancel" -l site -d 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe\'s commands) [env: BENCH_SITE]' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from cancel" -s h -l help -d 'Print help'
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from cancel" -s V -l version -d 'Print version'
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from stop" -l config -d 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]' -r -F
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from stop" -l redis-url -d 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from stop" -l site -d 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe\'s commands) [env: BENCH_SITE]' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from stop" -s h -l help -d 'Print help'
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from stop" -s V -l version -d 'Print version'
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from delete" -l config -d 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]' -r -F
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from delete" -l redis-url -d 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from delete" -l site -d 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe\'s commands) [env: BENCH_SITE]' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from stats" -s q -l queue -d 'Only jobs of this queue (repeatable) [default: every queue of this bench]' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from stats" -s s -l status -d 'Only jobs in this state (repeatable)' -r -f -a "queued\t''
started\t''
finished\t''
failed\t''
deferred\t''
scheduled\t''
canceled\t''"
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from stats" -l method -d 'Only jobs whose method matches this glob, e.g. \'my_app.tasks.*\'' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from stats" -l event -d 'Only jobs of this event (a scheduler_events key or cron expression, or Frappe\'s `event`)' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from stats" -l older-than -d 'Only jobs older than this, e.g. 2h or 7d (by end time, else enqueue time)' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from stats" -l newer-than -d 'Only jobs newer than this, e.g. 30m' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from stats" -l config -d 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]' -r -F
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from stats" -l redis-url -d 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from stats" -l site -d 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe\'s commands) [env: BENCH_SITE]' -r
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from stats" -l json -d 'One JSON object per queue'
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from stats" -s h -l help -d 'Print help'
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from stats" -s V -l version -d 'Print version'
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from help" -f -a "list" -d 'List jobs by queue and state'
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show everything about jobs: call, times, result, traceback'
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from help" -f -a "retry" -d 'Requeue failed jobs, by id or all that match filters'
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from help" -f -a "purge" -d 'Delete jobs (queued ones by default, like Frappe\'s purge-jobs)'
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from help" -f -a "cancel" -d 'Cancel jobs that have not started'
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from help" -f -a "stop" -d 'Ask the workers running these jobs to stop them'
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete jobs by id, with their results (not running ones: stop those first)'
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from help" -f -a "stats" -d 'Count jobs per queue and state'
complete -c bench -n "__fish_bench_using_subcommand jobs; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bench -n "__fish_bench_using_subcommand doctor" -l config -d 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]' -r -F
complete -c bench -n "__fish_bench_using_subcommand doctor" -l redis-url -d 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]' -r
complete -c bench -n "__fish_bench_using_subcommand doctor" -l site -d 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe\'s commands) [env: BENCH_SITE]' -r
complete -c bench -n "__fish_bench_using_subcommand doctor" -l json -d 'Print JSON'
complete -c bench -n "__fish_bench_using_subcommand doctor" -l acl -d 'Print the Redis ACL rule a bench user needs, and nothing else'
complete -c bench -n "__fish_bench_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c bench -n "__fish_bench_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c bench -n "__fish_bench_using_subcommand dashboard" -l bind -d 'Address to listen on [default: [dashboard] bind, else 127.0.0.1:9181]' -r
complete -c bench -n "__fish_bench_using_subcommand dashboard" -l token -d 'Require this token of every request; needed to listen beyond loopback [default: BENCH_DASHBOARD_TOKEN, else [dashboard] token]' -r
complete -c bench -n "__fish_bench_using_subcommand dashboard" -l config -d 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]' -r -F
complete -c bench -n "__fish_bench_using_subcommand dashboard" -l redis-url -d 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]' -r
complete -c bench -n "__fish_bench_using_subcommand dashboard" -l site -d 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe\'s commands) [env: BENCH_SITE]' -r
complete -c bench -n "__fish_bench_using_subcommand dashboard" -l read-only -d 'Show everything but offer no action'
complete -c bench -n "__fish_bench_using_subcommand dashboard" -s h -l help -d 'Print help'
complete -c bench -n "__fish_bench_using_subcommand dashboard" -s V -l version -d 'Print version'
complete -c bench -n "__fish_bench_using_subcommand start" -l config -d 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]' -r -F
complete -c bench -n "__fish_bench_using_subcommand start" -l redis-url -d 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]' -r
complete -c bench -n "__fish_bench_using_subcommand start" -l site -d 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe\'s commands) [env: BENCH_SITE]' -r
complete -c bench -n "__fish_bench_using_subcommand start" -l demo -d 'Also enqueue a few example jobs, to see jobs flow'
complete -c bench -n "__fish_bench_using_subcommand start" -s h -l help -d 'Print help'
complete -c bench -n "__fish_bench_using_subcommand start" -s V -l version -d 'Print version'
complete -c bench -n "__fish_bench_using_subcommand setup; and not __fish_seen_subcommand_from supervisor systemd hooks help" -l config -d 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]' -r -F
complete -c bench -n "__fish_bench_using_subcommand setup; and not __fish_seen_subcommand_from supervisor systemd hooks help" -l redis-url -d 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]' -r
complete -c bench -n "__fish_bench_using_subcommand setup; and not __fish_seen_subcommand_from supervisor systemd hooks help" -l site -d 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe\'s commands) [env: BENCH_SITE]' -r
complete -c bench -n "__fish_bench_using_subcommand setup; and not __fish_seen_subcommand_from supervisor systemd hooks help" -s h -l help -d 'Print help'
complete -c bench -n "__fish_bench_using_subcommand setup; and not __fish_seen_subcommand_from supervisor systemd hooks help" -s V -l version -d 'Print version'
complete -c bench -n "__fish_bench_using_subcommand setup; and not __fish_seen_subcommand_from supervisor systemd hooks help" -f -a "supervisor" -d 'Write a supervisord configuration for the scheduler, workers and Redis'
complete -c bench -n "__fish_bench_using_subcommand setup; and not __fish_seen_subcommand_from supervisor systemd hooks help" -f -a "systemd" -d 'Write systemd units for the scheduler, workers and Redis'
complete -c bench -n "__fish_bench_using_subcommand setup; and not __fish_seen_subcommand_from supervisor systemd hooks help" -f -a "hooks" -d 'Write [scheduler_events] from the Frappe bench\'s apps (their hooks.py)'
complete -c bench -n "__fish_bench_using_subcommand setup; and not __fish_seen_subcommand_from supervisor systemd hooks help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bench -n "__fish_bench_using_subcommand setup; and __fish_seen_subcommand_from supervisor" -l user -d 'Run the programs as this user' -r
complete -c bench -n "__fish_bench_using_subcommand setup; and __fish_seen_subcommand_from supervisor" -l output -d 'Where to write the configuration [default: config/supervisor.conf next to the hooks file]' -r -F
complete -c bench -n "__fish_bench_using_subcommand setup; and __fish_seen_subcommand_from supervisor" -l config -d 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]' -r -F
complete -c bench -n "__fish_bench_using_subcommand setup; and __fish_seen_subcommand_from supervisor" -l redis-url -d 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]' -r
complete -c bench -n "__fish_bench_using_subcommand setup; and __fish_seen_subcommand_from supervisor" -l site -d 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe\'s commands) [env: BENCH_SITE]' -r
complete -c bench -n "__fish_bench_using_subcommand setup; and __fish_seen_subcommand_from supervisor" -s y -l yes -d 'Overwrite an existing file'
complete -c bench -n "__fish_bench_using_subcommand setup; and __fish_seen_subcommand_from supervisor" -l skip-redis -d 'Leave out the redis-server program (Redis is managed elsewhere)'
complete -c bench -n "__fish_bench_using_subcommand setup; and __fish_seen_subcommand_from supervisor" -s h -l help -d 'Print help'
complete -c bench -n "__fish_bench_using_subcommand setup; and __fish_seen_subcommand_from supervisor" -s V -l version -d 'Print version'
complete -c bench -n "__fish_bench_using_subcommand setup; and __fish_seen_subcommand_from systemd" -l user -d 'Run the services as this user' -r
complete -c bench -n "__fish_bench_using_subcommand setup; and __fish_seen_subcommand_from systemd" -l output -d 'Folder to write the units to [default: config/systemd next to the hooks file]' -r -F
complete -c bench -n "__fish_bench_using_subcommand setup; and __fish_seen_subcommand_from systemd" -l config -d 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]' -r -F
complete -c bench -n "__fish_bench_using_subcommand setup; and __fish_seen_subcommand_from systemd" -l redis-url -d 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]' -r
complete -c bench -n "__fish_bench_using_subcommand setup; and __fish_seen_subcommand_from systemd" -l site -d 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe\'s commands) [env: BENCH_SITE]' -r
complete -c bench -n "__fish_bench_using_subcommand setup; and __fish_seen_subcommand_from systemd" -s y -l yes -d 'Overwrite existing unit files'
complete -c bench -n "__fish_bench_using_subcommand setup; and __fish_seen_subcommand_from systemd" -l skip-redis -d 'Leave out the redis-server service (Redis is managed elsewhere)'
complete -c bench -n "__fish_bench_using_subcommand setup; and __fish_seen_subcommand_from systemd" -s h -l help -d 'Print help'
complete -c bench -n "__fish_bench_using_subcommand setup; and __fish_seen_subcommand_from systemd" -s V -l version -d 'Print version'
complete -c bench -n "__fish_bench_using_subcommand setup; and __fish_seen_subcommand_from hooks" -l config -d 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]' -r -F
complete -c bench -n "__fish_bench_using_subcommand setup; and __fish_seen_subcommand_from hooks" -l redis-url -d 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]' -r
complete -c bench -n "__fish_bench_using_subcommand setup; and __fish_seen_subcommand_from hooks" -l site -d 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe\'s commands) [env: BENCH_SITE]' -r
complete -c bench -n "__fish_bench_using_subcommand setup; and __fish_seen_subcommand_from hooks" -l from-frappe -d 'Read scheduler_events from the Frappe bench\'s apps (through [python])'
complete -c bench -n "__fish_bench_using_subcommand setup; and __fish_seen_subcommand_from hooks" -l yes -d 'Write without asking (needed when not run from a terminal)'
complete -c bench -n "__fish_bench_using_subcommand setup; and __fish_seen_subcommand_from hooks" -s h -l help -d 'Print help'
complete -c bench -n "__fish_bench_using_subcommand setup; and __fish_seen_subcommand_from hooks" -s V -l version -d 'Print version'
complete -c bench -n "__fish_bench_using_subcommand setup; and __fish_seen_subcommand_from help" -f -a "supervisor" -d 'Write a supervisord configuration for the scheduler, workers and Redis'
complete -c bench -n "__fish_bench_using_subcommand setup; and __fish_seen_subcommand_from help" -f -a "systemd" -d 'Write systemd units for the scheduler, workers and Redis'
complete -c bench -n "__fish_bench_using_subcommand setup; and __fish_seen_subcommand_from help" -f -a "hooks" -d 'Write [scheduler_events] from the Frappe bench\'s apps (their hooks.py)'
complete -c bench -n "__fish_bench_using_subcommand setup; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bench -n "__fish_bench_using_subcommand show-pending-jobs" -l config -d 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]' -r -F
complete -c bench -n "__fish_bench_using_subcommand show-pending-jobs" -l redis-url -d 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]' -r
complete -c bench -n "__fish_bench_using_subcommand show-pending-jobs" -l site -d 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe\'s commands) [env: BENCH_SITE]' -r
complete -c bench -n "__fish_bench_using_subcommand show-pending-jobs" -s h -l help -d 'Print help'
complete -c bench -n "__fish_bench_using_subcommand show-pending-jobs" -s V -l version -d 'Print version'
complete -c bench -n "__fish_bench_using_subcommand purge-jobs" -l queue -d 'Only this queue' -r
complete -c bench -n "__fish_bench_using_subcommand purge-jobs" -l event -d 'Only jobs of this event' -r
complete -c bench -n "__fish_bench_using_subcommand purge-jobs" -l config -d 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]' -r -F
complete -c bench -n "__fish_bench_using_subcommand purge-jobs" -l redis-url -d 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]' -r
complete -c bench -n "__fish_bench_using_subcommand purge-jobs" -l site -d 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe\'s commands) [env: BENCH_SITE]' -r
complete -c bench -n "__fish_bench_using_subcommand purge-jobs" -s h -l help -d 'Print help'
complete -c bench -n "__fish_bench_using_subcommand purge-jobs" -s V -l version -d 'Print version'
complete -c bench -n "__fish_bench_using_subcommand trigger-scheduler-event" -l config -d 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]' -r -F
complete -c bench -n "__fish_bench_using_subcommand trigger-scheduler-event" -l redis-url -d 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]' -r
complete -c bench -n "__fish_bench_using_subcommand trigger-scheduler-event" -l site -d 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe\'s commands) [env: BENCH_SITE]' -r
complete -c bench -n "__fish_bench_using_subcommand trigger-scheduler-event" -s h -l help -d 'Print help'
complete -c bench -n "__fish_bench_using_subcommand trigger-scheduler-event" -s V -l version -d 'Print version'
complete -c bench -n "__fish_bench_using_subcommand enable-scheduler" -l config -d 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]' -r -F
complete -c bench -n "__fish_bench_using_subcommand enable-scheduler" -l redis-url -d 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]' -r
complete -c bench -n "__fish_bench_using_subcommand enable-scheduler" -l site -d 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe\'s commands) [env: BENCH_SITE]' -r
complete -c bench -n "__fish_bench_using_subcommand enable-scheduler" -s h -l help -d 'Print help'
complete -c bench -n "__fish_bench_using_subcommand enable-scheduler" -s V -l version -d 'Print version'
complete -c bench -n "__fish_bench_using_subcommand disable-scheduler" -l config -d 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]' -r -F
complete -c bench -n "__fish_bench_using_subcommand disable-scheduler" -l redis-url -d 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]' -r
complete -c bench -n "__fish_bench_using_subcommand disable-scheduler" -l site -d 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe\'s commands) [env: BENCH_SITE]' -r
complete -c bench -n "__fish_bench_using_subcommand disable-scheduler" -s h -l help -d 'Print help'
complete -c bench -n "__fish_bench_using_subcommand disable-scheduler" -s V -l version -d 'Print version'
complete -c bench -n "__fish_bench_using_subcommand scheduler" -s f -l format -d 'Output format of `status`' -r -f -a "text\t''
json\t''"
complete -c bench -n "__fish_bench_using_subcommand scheduler" -l config -d 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]' -r -F
complete -c bench -n "__fish_bench_using_subcommand scheduler" -l redis-url -d 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]' -r
complete -c bench -n "__fish_bench_using_subcommand scheduler" -l site -d 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe\'s commands) [env: BENCH_SITE]' -r
complete -c bench -n "__fish_bench_using_subcommand scheduler" -s h -l help -d 'Print help'
complete -c bench -n "__fish_bench_using_subcommand scheduler" -s V -l version -d 'Print version'
complete -c bench -n "__fish_bench_using_subcommand ready-for-migration" -l config -d 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]' -r -F
complete -c bench -n "__fish_bench_using_subcommand ready-for-migration" -l redis-url -d 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]' -r
complete -c bench -n "__fish_bench_using_subcommand ready-for-migration" -l site -d 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe\'s commands) [env: BENCH_SITE]' -r
complete -c bench -n "__fish_bench_using_subcommand ready-for-migration" -s h -l help -d 'Print help'
complete -c bench -n "__fish_bench_using_subcommand ready-for-migration" -s V -l version -d 'Print version'
complete -c bench -n "__fish_bench_using_subcommand worker-pool" -l queue -d 'Queues, comma-separated, highest priority first' -r
complete -c bench -n "__fish_bench_using_subcommand worker-pool" -l num-workers -d 'Jobs run at once' -r
complete -c bench -n "__fish_bench_using_subcommand worker-pool" -l config -d 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]' -r -F
complete -c bench -n "__fish_bench_using_subcommand worker-pool" -l redis-url -d 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]' -r
complete -c bench -n "__fish_bench_using_subcommand worker-pool" -l site -d 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe\'s commands) [env: BENCH_SITE]' -r
complete -c bench -n "__fish_bench_using_subcommand worker-pool" -l quiet -d 'Log warnings only'
complete -c bench -n "__fish_bench_using_subcommand worker-pool" -l burst -d 'Exit when the queues are empty'
complete -c bench -n "__fish_bench_using_subcommand worker-pool" -s h -l help -d 'Print help'
complete -c bench -n "__fish_bench_using_subcommand worker-pool" -s V -l version -d 'Print version'
complete -c bench -n "__fish_bench_using_subcommand generate" -l config -d 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]' -r -F
complete -c bench -n "__fish_bench_using_subcommand generate" -l redis-url -d 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]' -r
complete -c bench -n "__fish_bench_using_subcommand generate" -l site -d 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe\'s commands) [env: BENCH_SITE]' -r
complete -c bench -n "__fish_bench_using_subcommand generate" -s h -l help -d 'Print help'
complete -c bench -n "__fish_bench_using_subcommand generate" -s V -l version -d 'Print version'
complete -c bench -n "__fish_bench_using_subcommand help; and not __fish_seen_subcommand_from worker schedule enqueue jobs doctor dashboard start setup show-pending-jobs purge-jobs trigger-scheduler-event enable-scheduler disable-scheduler scheduler ready-for-migration worker-pool generate help" -f -a "worker" -d 'Run jobs from one or more queues'
complete -c bench -n "__fish_bench_using_subcommand help; and not __fish_seen_subcommand_from worker schedule enqueue jobs doctor dashboard start setup show-pending-jobs purge-jobs trigger-scheduler-event enable-scheduler disable-scheduler scheduler ready-for-migration worker-pool generate help" -f -a "schedule" -d 'Run the scheduler that enqueues scheduler_events on time, or manage it'
complete -c bench -n "__fish_bench_using_subcommand help; and not __fish_seen_subcommand_from worker schedule enqueue jobs doctor dashboard start setup show-pending-jobs purge-jobs trigger-scheduler-event enable-scheduler disable-scheduler scheduler ready-for-migration worker-pool generate help" -f -a "enqueue" -d 'Put a job on a queue'
complete -c bench -n "__fish_bench_using_subcommand help; and not __fish_seen_subcommand_from worker schedule enqueue jobs doctor dashboard start setup show-pending-jobs purge-jobs trigger-scheduler-event enable-scheduler disable-scheduler scheduler ready-for-migration worker-pool generate help" -f -a "jobs" -d 'Inspect and manage jobs'
complete -c bench -n "__fish_bench_using_subcommand help; and not __fish_seen_subcommand_from worker schedule enqueue jobs doctor dashboard start setup show-pending-jobs purge-jobs trigger-scheduler-event enable-scheduler disable-scheduler scheduler ready-for-migration worker-pool generate help" -f -a "doctor" -d 'Check workers, scheduler and queues; exit 1 when something needs attention'
complete -c bench -n "__fish_bench_using_subcommand help; and not __fish_seen_subcommand_from worker schedule enqueue jobs doctor dashboard start setup show-pending-jobs purge-jobs trigger-scheduler-event enable-scheduler disable-scheduler scheduler ready-for-migration worker-pool generate help" -f -a "dashboard" -d 'Serve the jobs, workers and scheduler as web pages, and Prometheus metrics'
complete -c bench -n "__fish_bench_using_subcommand help; and not __fish_seen_subcommand_from worker schedule enqueue jobs doctor dashboard start setup show-pending-jobs purge-jobs trigger-scheduler-event enable-scheduler disable-scheduler scheduler ready-for-migration worker-pool generate help" -f -a "start" -d 'Run Redis (if needed), the scheduler and workers in the foreground, for development'
complete -c bench -n "__fish_bench_using_subcommand help; and not __fish_seen_subcommand_from worker schedule enqueue jobs doctor dashboard start setup show-pending-jobs purge-jobs trigger-scheduler-event enable-scheduler disable-scheduler scheduler ready-for-migration worker-pool generate help" -f -a "setup" -d 'Generate process-manager configuration'
complete -c bench -n "__fish_bench_using_subcommand help; and not __fish_seen_subcommand_from worker schedule enqueue jobs doctor dashboard start setup show-pending-jobs purge-jobs trigger-scheduler-event enable-scheduler disable-scheduler scheduler ready-for-migration worker-pool generate help" -f -a "show-pending-jobs" -d 'Frappe: list queued jobs per queue as `method kwargs`'
complete -c bench -n "__fish_bench_using_subcommand help; and not __fish_seen_subcommand_from worker schedule enqueue jobs doctor dashboard start setup show-pending-jobs purge-jobs trigger-scheduler-event enable-scheduler disable-scheduler scheduler ready-for-migration worker-pool generate help" -f -a "purge-jobs" -d 'Frappe: delete queued jobs, of one queue or event; prints `Purged N jobs`'
complete -c bench -n "__fish_bench_using_subcommand help; and not __fish_seen_subcommand_from worker schedule enqueue jobs doctor dashboard start setup show-pending-jobs purge-jobs trigger-scheduler-event enable-scheduler disable-scheduler scheduler ready-for-migration worker-pool generate help" -f -a "trigger-scheduler-event" -d 'Frappe: enqueue a scheduled method now (same as `schedule trigger`)'
complete -c bench -n "__fish_bench_using_subcommand help; and not __fish_seen_subcommand_from worker schedule enqueue jobs doctor dashboard start setup show-pending-jobs purge-jobs trigger-scheduler-event enable-scheduler disable-scheduler scheduler ready-for-migration worker-pool generate help" -f -a "enable-scheduler" -d 'Frappe: let schedulers enqueue events again (same as `schedule resume`)'
complete -c bench -n "__fish_bench_using_subcommand help; and not __fish_seen_subcommand_from worker schedule enqueue jobs doctor dashboard start setup show-pending-jobs purge-jobs trigger-scheduler-event enable-scheduler disable-scheduler scheduler ready-for-migration worker-pool generate help" -f -a "disable-scheduler" -d 'Frappe: stop schedulers from enqueuing events (same as `schedule pause`)'
complete -c bench -n "__fish_bench_using_subcommand help; and not __fish_seen_subcommand_from worker schedule enqueue jobs doctor dashboard start setup show-pending-jobs purge-jobs trigger-scheduler-event enable-scheduler disable-scheduler scheduler ready-for-migration worker-pool generate help" -f -a "scheduler" -d 'Frappe: enable, disable, pause, resume or show the scheduler'
complete -c bench -n "__fish_bench_using_subcommand help; and not __fish_seen_subcommand_from worker schedule enqueue jobs doctor dashboard start setup show-pending-jobs purge-jobs trigger-scheduler-event enable-scheduler disable-scheduler scheduler ready-for-migration worker-pool generate help" -f -a "ready-for-migration" -d 'Frappe: exit 1 while jobs are queued or running, 0 when migrating is safe'
complete -c bench -n "__fish_bench_using_subcommand help; and not __fish_seen_subcommand_from worker schedule enqueue jobs doctor dashboard start setup show-pending-jobs purge-jobs trigger-scheduler-event enable-scheduler disable-scheduler scheduler ready-for-migration worker-pool generate help" -f -a "worker-pool" -d 'Frappe: run N jobs at once in one process (same as `worker --num-workers N`)'
complete -c bench -n "__fish_bench_using_subcommand help; and not __fish_seen_subcommand_from worker schedule enqueue jobs doctor dashboard start setup show-pending-jobs purge-jobs trigger-scheduler-event enable-scheduler disable-scheduler scheduler ready-for-migration worker-pool generate help" -f -a "generate" -d 'Print shell completions or man pages (for packagers)'
complete -c bench -n "__fish_bench_using_subcommand help; and not __fish_seen_subcommand_from worker schedule enqueue jobs doctor dashboard start setup show-pending-jobs purge-jobs trigger-scheduler-event enable-scheduler disable-scheduler scheduler ready-for-migration worker-pool generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bench -n "__fish_bench_using_subcommand help; and __fish_seen_subcommand_from schedule" -f -a "list" -d 'List scheduled methods with their event, queue, last run and next run'
complete -c bench -n "__fish_bench_using_subcommand help; and __fish_seen_subcommand_from schedule" -f -a "status" -d 'Say whether scheduling is active or paused, and which scheduler leads'
complete -c bench -n "__fish_bench_using_subcommand help; and __fish_seen_subcommand_from schedule" -f -a "pause" -d 'Pause every scheduler sharing this Redis (delayed jobs wait too)'
complete -c bench -n "__fish_bench_using_subcommand help; and __fish_seen_subcommand_from schedule" -f -a "resume" -d 'Resume scheduling after `pause`'
complete -c bench -n "__fish_bench_using_subcommand help; and __fish_seen_subcommand_from schedule" -f -a "trigger" -d 'Enqueue a scheduled method now, as its event would'
complete -c bench -n "__fish_bench_using_subcommand help; and __fish_seen_subcommand_from schedule" -f -a "history" -d 'Recent runs of scheduled methods: slot, outcome, job and scheduler'
complete -c bench -n "__fish_bench_using_subcommand help; and __fish_seen_subcommand_from schedule" -f -a "next" -d 'Print the next fire times of a cron expression, one ISO time per line'
complete -c bench -n "__fish_bench_using_subcommand help; and __fish_seen_subcommand_from jobs" -f -a "list" -d 'List jobs by queue and state'
complete -c bench -n "__fish_bench_using_subcommand help; and __fish_seen_subcommand_from jobs" -f -a "show" -d 'Show everything about jobs: call, times, result, traceback'
complete -c bench -n "__fish_bench_using_subcommand help; and __fish_seen_subcommand_from jobs" -f -a "retry" -d 'Requeue failed jobs, by id or all that match filters'
complete -c bench -n "__fish_bench_using_subcommand help; and __fish_seen_subcommand_from jobs" -f -a "purge" -d 'Delete jobs (queued ones by default, like Frappe\'s purge-jobs)'
complete -c bench -n "__fish_bench_using_subcommand help; and __fish_seen_subcommand_from jobs" -f -a "cancel" -d 'Cancel jobs that have not started'
complete -c bench -n "__fish_bench_using_subcommand help; and __fish_seen_subcommand_from jobs" -f -a "stop" -d 'Ask the workers running these jobs to stop them'
complete -c bench -n "__fish_bench_using_subcommand help; and __fish_seen_subcommand_from jobs" -f -a "delete" -d 'Delete jobs by id, with their results (not running ones: stop those first)'
complete -c bench -n "__fish_bench_using_subcommand help; and __fish_seen_subcommand_from jobs" -f -a "stats" -d 'Count jobs per queue and state'
complete -c bench -n "__fish_bench_using_subcommand help; and __fish_seen_subcommand_from setup" -f -a "supervisor" -d 'Write a supervisord configuration for the scheduler, workers and Redis'
complete -c bench -n "__fish_bench_using_subcommand help; and __fish_seen_subcommand_from setup" -f -a "systemd" -d 'Write systemd units for the scheduler, workers and Redis'
complete -c bench -n "__fish_bench_using_subcommand help; and __fish_seen_subcommand_from setup" -f -a "hooks" -d 'Write [scheduler_events] from the Frappe bench\'s apps (their hooks.py)'
