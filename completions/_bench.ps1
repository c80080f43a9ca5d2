
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'bench' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'bench'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'bench' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('worker', 'worker', [CompletionResultType]::ParameterValue, 'Run jobs from one or more queues')
            [CompletionResult]::new('schedule', 'schedule', [CompletionResultType]::ParameterValue, 'Run the scheduler that enqueues scheduler_events on time, or manage it')
            [CompletionResult]::new('enqueue', 'enqueue', [CompletionResultType]::ParameterValue, 'Put a job on a queue')
            [CompletionResult]::new('jobs', 'jobs', [CompletionResultType]::ParameterValue, 'Inspect and manage jobs')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check workers, scheduler and queues; exit 1 when something needs attention')
            [CompletionResult]::new('dashboard', 'dashboard', [CompletionResultType]::ParameterValue, 'Serve the jobs, workers and scheduler as web pages, and Prometheus metrics')
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Run Redis (if needed), the scheduler and workers in the foreground, for development')
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Generate process-manager configuration')
            [CompletionResult]::new('show-pending-jobs', 'show-pending-jobs', [CompletionResultType]::ParameterValue, 'Frappe: list queued jobs per queue as `method kwargs`')
            [CompletionResult]::new('purge-jobs', 'purge-jobs', [CompletionResultType]::ParameterValue, 'Frappe: delete queued jobs, of one queue or event; prints `Purged N jobs`')
            [CompletionResult]::new('trigger-scheduler-event', 'trigger-scheduler-event', [CompletionResultType]::ParameterValue, 'Frappe: enqueue a scheduled method now (same as `schedule trigger`)')
            [CompletionResult]::new('enable-scheduler', 'enable-scheduler', [CompletionResultType]::ParameterValue, 'Frappe: let schedulers enqueue events again (same as `schedule resume`)')
            [CompletionResult]::new('disable-scheduler', 'disable-scheduler', [CompletionResultType]::ParameterValue, 'Frappe: stop schedulers from enqueuing events (same as `schedule pause`)')
            [CompletionResult]::new('scheduler', 'scheduler', [CompletionResultType]::ParameterValue, 'Frappe: enable, disable, pause, resume or show the scheduler')
            [CompletionResult]::new('ready-for-migration', 'ready-for-migration', [CompletionResultType]::ParameterValue, 'Frappe: exit 1 while jobs are queued or running, 0 when migrating is safe')
            [CompletionResult]::new('worker-pool', 'worker-pool', [CompletionResultType]::ParameterValue, 'Frappe: run N jobs at once in one process (same as `worker --num-workers N`)')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Print shell completions or man pages (for packagers)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bench;worker' {
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Queues to take jobs from, comma-separated, highest priority first [default: short,default,long, then custom queues]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Queues to take jobs from, comma-separated, highest priority first [default: short,default,long, then custom queues]')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Redis ACL user to connect as, in place of the configured one (Frappe''s `-u`)')
            [CompletionResult]::new('--rq-username', '--rq-username', [CompletionResultType]::ParameterName, 'Redis ACL user to connect as, in place of the configured one (Frappe''s `-u`)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Password of that user (Frappe''s `-p`)')
            [CompletionResult]::new('--rq-password', '--rq-password', [CompletionResultType]::ParameterName, 'Password of that user (Frappe''s `-p`)')
            [CompletionResult]::new('--strategy', '--strategy', [CompletionResultType]::ParameterName, 'Order in which queues are tried')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Jobs run at once by this process')
            [CompletionResult]::new('--num-workers', '--num-workers', [CompletionResultType]::ParameterName, 'Jobs run at once by this process')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Worker name shown by `rq info` [default: a random hex id]')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Write progress to this file and warnings to its .error sibling (Frappe: logs/worker.log); SIGHUP reopens them')
            [CompletionResult]::new('--metrics-bind', '--metrics-bind', [CompletionResultType]::ParameterName, 'Serve this worker''s counters and job-duration histogram for Prometheus at http://ADDR/metrics (beyond loopback, [dashboard] token is required)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]')
            [CompletionResult]::new('--burst', '--burst', [CompletionResultType]::ParameterName, 'Exit once the queues are empty and running jobs are done')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log warnings and errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bench;schedule' {
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Write progress to this file and warnings to its .error sibling (Frappe: logs/schedule.log); SIGHUP reopens them')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log warnings only (not each enqueued event)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List scheduled methods with their event, queue, last run and next run')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Say whether scheduling is active or paused, and which scheduler leads')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Pause every scheduler sharing this Redis (delayed jobs wait too)')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Resume scheduling after `pause`')
            [CompletionResult]::new('trigger', 'trigger', [CompletionResultType]::ParameterValue, 'Enqueue a scheduled method now, as its event would')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'Recent runs of scheduled methods: slot, outcome, job and scheduler')
            [CompletionResult]::new('next', 'next', [CompletionResultType]::ParameterValue, 'Print the next fire times of a cron expression, one ISO time per line')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bench;schedule;list' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per method')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bench;schedule;status' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bench;schedule;pause' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bench;schedule;resume' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bench;schedule;trigger' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bench;schedule;history' {
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Entries to show')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per entry')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bench;schedule;next' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Start from this time (ISO 8601; without an offset, in the time zone) [default: now]')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'How many times to print')
            [CompletionResult]::new('--timezone', '--timezone', [CompletionResultType]::ParameterName, 'IANA time zone [default: [scheduler] timezone]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bench;schedule;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List scheduled methods with their event, queue, last run and next run')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Say whether scheduling is active or paused, and which scheduler leads')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Pause every scheduler sharing this Redis (delayed jobs wait too)')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Resume scheduling after `pause`')
            [CompletionResult]::new('trigger', 'trigger', [CompletionResultType]::ParameterValue, 'Enqueue a scheduled method now, as its event would')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'Recent runs of scheduled methods: slot, outcome, job and scheduler')
            [CompletionResult]::new('next', 'next', [CompletionResultType]::ParameterValue, 'Print the next fire times of a cron expression, one ISO time per line')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bench;schedule;help;list' {
            break
        }
        'bench;schedule;help;status' {
            break
        }
        'bench;schedule;help;pause' {
            break
        }
        'bench;schedule;help;resume' {
            break
        }
        'bench;schedule;help;trigger' {
            break
        }
        'bench;schedule;help;history' {
            break
        }
        'bench;schedule;help;next' {
            break
        }
        'bench;schedule;help;help' {
            break
        }
        'bench;enqueue' {
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Queue to put the job on')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Queue to put the job on')
            [CompletionResult]::new('--kwargs', '--kwargs', [CompletionResultType]::ParameterName, 'Keyword arguments as a JSON object, e.g. ''{"user": "a@b.c"}''')
            [CompletionResult]::new('--args', '--args', [CompletionResultType]::ParameterName, 'Positional arguments as a JSON array, for functions that take them')
            [CompletionResult]::new('--job-id', '--job-id', [CompletionResultType]::ParameterName, 'Job id to use instead of a random UUID (letters, digits, `_` and `-`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds the job may run before it is killed (default: the queue''s timeout)')
            [CompletionResult]::new('--result-ttl', '--result-ttl', [CompletionResultType]::ParameterName, 'Seconds to keep a finished job and its result (0: none, -1: forever)')
            [CompletionResult]::new('--failure-ttl', '--failure-ttl', [CompletionResultType]::ParameterName, 'Seconds to keep a failed job and its traceback (-1: forever)')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'Text shown by `jobs list` and rq-dashboard (default: the call, as RQ writes it)')
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'Run the job at this time instead of now (ISO 8601; without an offset, in [scheduler] timezone); `bench schedule` moves it to its queue when due')
            [CompletionResult]::new('--in', '--in', [CompletionResultType]::ParameterName, 'Run the job after this delay, e.g. `90s`, `10m`, `2h`, `1d`')
            [CompletionResult]::new('--event', '--event', [CompletionResultType]::ParameterName, 'Event name stored with the job (Frappe''s `event`; `purge-jobs --event` matches it)')
            [CompletionResult]::new('--job-name', '--job-name', [CompletionResultType]::ParameterName, 'Name the job (Frappe''s `job_name`): while a job of this name is queued or running, the new one is not enqueued and the existing job''s id is printed')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Frappe user the job runs as (Frappe mode) [default: Administrator, as Frappe''s scheduler and command line]')
            [CompletionResult]::new('--from-file', '--from-file', [CompletionResultType]::ParameterName, 'Enqueue many jobs from JSON lines (`-` for stdin), one object per line with `method` and optionally `kwargs`, `args`, `queue`, `job_id`, `timeout`, `at_front`, `result_ttl`, `failure_ttl`, `description`, `site`, `user`, `event`, `job_name`; flags give the defaults')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]')
            [CompletionResult]::new('--deduplicate', '--deduplicate', [CompletionResultType]::ParameterName, 'Skip quietly when a job with --job-id is already queued or started; replace it in any other state (Frappe''s rule)')
            [CompletionResult]::new('--at-front', '--at-front', [CompletionResultType]::ParameterName, 'Put the job at the head of the queue instead of the tail')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Run the job here and now, through the runner a worker would use, without Redis; print its result (exit 0) or its traceback (exit 1)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per job: its id and whether it was enqueued')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bench;jobs' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List jobs by queue and state')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show everything about jobs: call, times, result, traceback')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Requeue failed jobs, by id or all that match filters')
            [CompletionResult]::new('purge', 'purge', [CompletionResultType]::ParameterValue, 'Delete jobs (queued ones by default, like Frappe''s purge-jobs)')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Cancel jobs that have not started')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Ask the workers running these jobs to stop them')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete jobs by id, with their results (not running ones: stop those first)')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Count jobs per queue and state')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bench;jobs;list' {
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only jobs of this queue (repeatable) [default: every queue of this bench]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Only jobs of this queue (repeatable) [default: every queue of this bench]')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Only jobs in this state (repeatable)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only jobs in this state (repeatable)')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'Only jobs whose method matches this glob, e.g. ''my_app.tasks.*''')
            [CompletionResult]::new('--event', '--event', [CompletionResultType]::ParameterName, 'Only jobs of this event (a scheduler_events key or cron expression, or Frappe''s `event`)')
            [CompletionResult]::new('--older-than', '--older-than', [CompletionResultType]::ParameterName, 'Only jobs older than this, e.g. 2h or 7d (by end time, else enqueue time)')
            [CompletionResult]::new('--newer-than', '--newer-than', [CompletionResultType]::ParameterName, 'Only jobs newer than this, e.g. 30m')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'Order of the jobs shown')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Show at most this many jobs')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per job, one per line')
            [CompletionResult]::new('--ids', '--ids', [CompletionResultType]::ParameterName, 'Job ids only, one per line (for pipes)')
            [CompletionResult]::new('--summary', '--summary', [CompletionResultType]::ParameterName, 'Counts per queue and state instead of jobs')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bench;jobs;show' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of text')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bench;jobs;retry' {
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only jobs of this queue (repeatable) [default: every queue of this bench]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Only jobs of this queue (repeatable) [default: every queue of this bench]')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Only jobs in this state (repeatable)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only jobs in this state (repeatable)')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'Only jobs whose method matches this glob, e.g. ''my_app.tasks.*''')
            [CompletionResult]::new('--event', '--event', [CompletionResultType]::ParameterName, 'Only jobs of this event (a scheduler_events key or cron expression, or Frappe''s `event`)')
            [CompletionResult]::new('--older-than', '--older-than', [CompletionResultType]::ParameterName, 'Only jobs older than this, e.g. 2h or 7d (by end time, else enqueue time)')
            [CompletionResult]::new('--newer-than', '--newer-than', [CompletionResultType]::ParameterName, 'Only jobs newer than this, e.g. 30m')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Requeue every failed job the filters select')
            [CompletionResult]::new('--at-front', '--at-front', [CompletionResultType]::ParameterName, 'Put the jobs at the head of their queues')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Say what would be requeued, change nothing')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bench;jobs;purge' {
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only jobs of this queue (repeatable) [default: every queue of this bench]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Only jobs of this queue (repeatable) [default: every queue of this bench]')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Only jobs in this state (repeatable)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only jobs in this state (repeatable)')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'Only jobs whose method matches this glob, e.g. ''my_app.tasks.*''')
            [CompletionResult]::new('--event', '--event', [CompletionResultType]::ParameterName, 'Only jobs of this event (a scheduler_events key or cron expression, or Frappe''s `event`)')
            [CompletionResult]::new('--older-than', '--older-than', [CompletionResultType]::ParameterName, 'Only jobs older than this, e.g. 2h or 7d (by end time, else enqueue time)')
            [CompletionResult]::new('--newer-than', '--newer-than', [CompletionResultType]::ParameterName, 'Only jobs newer than this, e.g. 30m')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Count what would be deleted, delete nothing')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bench;jobs;cancel' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bench;jobs;stop' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bench;jobs;delete' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bench;jobs;stats' {
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only jobs of this queue (repeatable) [default: every queue of this bench]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Only jobs of this queue (repeatable) [default: every queue of this bench]')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Only jobs in this state (repeatable)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only jobs in this state (repeatable)')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'Only jobs whose method matches this glob, e.g. ''my_app.tasks.*''')
            [CompletionResult]::new('--event', '--event', [CompletionResultType]::ParameterName, 'Only jobs of this event (a scheduler_events key or cron expression, or Frappe''s `event`)')
            [CompletionResult]::new('--older-than', '--older-than', [CompletionResultType]::ParameterName, 'Only jobs older than this, e.g. 2h or 7d (by end time, else enqueue time)')
            [CompletionResult]::new('--newer-than', '--newer-than', [CompletionResultType]::ParameterName, 'Only jobs newer than this, e.g. 30m')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per queue')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bench;jobs;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List jobs by queue and state')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show everything about jobs: call, times, result, traceback')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Requeue failed jobs, by id or all that match filters')
            [CompletionResult]::new('purge', 'purge', [CompletionResultType]::ParameterValue, 'Delete jobs (queued ones by default, like Frappe''s purge-jobs)')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Cancel jobs that have not started')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Ask the workers running these jobs to stop them')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete jobs by id, with their results (not running ones: stop those first)')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Count jobs per queue and state')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bench;jobs;help;list' {
            break
        }
        'bench;jobs;help;show' {
            break
        }
        'bench;jobs;help;retry' {
            break
        }
        'bench;jobs;help;purge' {
            break
        }
        'bench;jobs;help;cancel' {
            break
        }
        'bench;jobs;help;stop' {
            break
        }
        'bench;jobs;help;delete' {
            break
        }
        'bench;jobs;help;stats' {
            break
        }
        'bench;jobs;help;help' {
            break
        }
        'bench;doctor' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('--acl', '--acl', [CompletionResultType]::ParameterName, 'Print the Redis ACL rule a bench user needs, and nothing else')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bench;dashboard' {
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Address to listen on [default: [dashboard] bind, else 127.0.0.1:9181]')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Require this token of every request; needed to listen beyond loopback [default: BENCH_DASHBOARD_TOKEN, else [dashboard] token]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Show everything but offer no action')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bench;start' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Also enqueue a few example jobs, to see jobs flow')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bench;setup' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('supervisor', 'supervisor', [CompletionResultType]::ParameterValue, 'Write a supervisord configuration for the scheduler, workers and Redis')
            [CompletionResult]::new('systemd', 'systemd', [CompletionResultType]::ParameterValue, 'Write systemd units for the scheduler, workers and Redis')
            [CompletionResult]::new('hooks', 'hooks', [CompletionResultType]::ParameterValue, 'Write [scheduler_events] from the Frappe bench''s apps (their hooks.py)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bench;setup;supervisor' {
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Run the programs as this user')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Where to write the configuration [default: config/supervisor.conf next to the hooks file]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Overwrite an existing file')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Overwrite an existing file')
            [CompletionResult]::new('--skip-redis', '--skip-redis', [CompletionResultType]::ParameterName, 'Leave out the redis-server program (Redis is managed elsewhere)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bench;setup;systemd' {
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Run the services as this user')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Folder to write the units to [default: config/systemd next to the hooks file]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Overwrite existing unit files')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Overwrite existing unit files')
            [CompletionResult]::new('--skip-redis', '--skip-redis', [CompletionResultType]::ParameterName, 'Leave out the redis-server service (Redis is managed elsewhere)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bench;setup;hooks' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]')
            [CompletionResult]::new('--from-frappe', '--from-frappe', [CompletionResultType]::ParameterName, 'Read scheduler_events from the Frappe bench''s apps (through [python])')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Write without asking (needed when not run from a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bench;setup;help' {
            [CompletionResult]::new('supervisor', 'supervisor', [CompletionResultType]::ParameterValue, 'Write a supervisord configuration for the scheduler, workers and Redis')
            [CompletionResult]::new('systemd', 'systemd', [CompletionResultType]::ParameterValue, 'Write systemd units for the scheduler, workers and Redis')
            [CompletionResult]::new('hooks', 'hooks', [CompletionResultType]::ParameterValue, 'Write [scheduler_events] from the Frappe bench''s apps (their hooks.py)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bench;setup;help;supervisor' {
            break
        }
        'bench;setup;help;systemd' {
            break
        }
        'bench;setup;help;hooks' {
            break
        }
        'bench;setup;help;help' {
            break
        }
        'bench;show-pending-jobs' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bench;purge-jobs' {
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Only this queue')
            [CompletionResult]::new('--event', '--event', [CompletionResultType]::ParameterName, 'Only jobs of this event')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bench;trigger-scheduler-event' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bench;enable-scheduler' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bench;disable-scheduler' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bench;scheduler' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format of `status`')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format of `status`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bench;ready-for-migration' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bench;worker-pool' {
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Queues, comma-separated, highest priority first')
            [CompletionResult]::new('--num-workers', '--num-workers', [CompletionResultType]::ParameterName, 'Jobs run at once')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Log warnings only')
            [CompletionResult]::new('--burst', '--burst', [CompletionResultType]::ParameterName, 'Exit when the queues are empty')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bench;generate' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]')
            [CompletionResult]::new('--site', '--site', [CompletionResultType]::ParameterName, 'Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe''s commands) [env: BENCH_SITE]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bench;help' {
            [CompletionResult]::new('worker', 'worker', [CompletionResultType]::ParameterValue, 'Run jobs from one or more queues')
            [CompletionResult]::new('schedule', 'schedule', [CompletionResultType]::ParameterValue, 'Run the scheduler that enqueues scheduler_events on time, or manage it')
            [CompletionResult]::new('enqueue', 'enqueue', [CompletionResultType]::ParameterValue, 'Put a job on a queue')
            [CompletionResult]::new('jobs', 'jobs', [CompletionResultType]::ParameterValue, 'Inspect and manage jobs')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check workers, scheduler and queues; exit 1 when something needs attention')
            [CompletionResult]::new('dashboard', 'dashboard', [CompletionResultType]::ParameterValue, 'Serve the jobs, workers and scheduler as web pages, and Prometheus metrics')
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Run Redis (if needed), the scheduler and workers in the foreground, for development')
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Generate process-manager configuration')
            [CompletionResult]::new('show-pending-jobs', 'show-pending-jobs', [CompletionResultType]::ParameterValue, 'Frappe: list queued jobs per queue as `method kwargs`')
            [CompletionResult]::new('purge-jobs', 'purge-jobs', [CompletionResultType]::ParameterValue, 'Frappe: delete queued jobs, of one queue or event; prints `Purged N jobs`')
            [CompletionResult]::new('trigger-scheduler-event', 'trigger-scheduler-event', [CompletionResultType]::ParameterValue, 'Frappe: enqueue a scheduled method now (same as `schedule trigger`)')
            [CompletionResult]::new('enable-scheduler', 'enable-scheduler', [CompletionResultType]::ParameterValue, 'Frappe: let schedulers enqueue events again (same as `schedule resume`)')
            [CompletionResult]::new('disable-scheduler', 'disable-scheduler', [CompletionResultType]::ParameterValue, 'Frappe: stop schedulers from enqueuing events (same as `schedule pause`)')
            [CompletionResult]::new('scheduler', 'scheduler', [CompletionResultType]::ParameterValue, 'Frappe: enable, disable, pause, resume or show the scheduler')
            [CompletionResult]::new('ready-for-migration', 'ready-for-migration', [CompletionResultType]::ParameterValue, 'Frappe: exit 1 while jobs are queued or running, 0 when migrating is safe')
            [CompletionResult]::new('worker-pool', 'worker-pool', [CompletionResultType]::ParameterValue, 'Frappe: run N jobs at once in one process (same as `worker --num-workers N`)')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Print shell completions or man pages (for packagers)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bench;help;worker' {
            break
        }
        'bench;help;schedule' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List scheduled methods with their event, queue, last run and next run')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Say whether scheduling is active or paused, and which scheduler leads')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Pause every scheduler sharing this Redis (delayed jobs wait too)')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Resume scheduling after `pause`')
            [CompletionResult]::new('trigger', 'trigger', [CompletionResultType]::ParameterValue, 'Enqueue a scheduled method now, as its event would')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'Recent runs of scheduled methods: slot, outcome, job and scheduler')
            [CompletionResult]::new('next', 'next', [CompletionResultType]::ParameterValue, 'Print the next fire times of a cron expression, one ISO time per line')
            break
        }
        'bench;help;schedule;list' {
            break
        }
        'bench;help;schedule;status' {
            break
        }
        'bench;help;schedule;pause' {
            break
        }
        'bench;help;schedule;resume' {
            break
        }
        'bench;help;schedule;trigger' {
            break
        }
        'bench;help;schedule;history' {
            break
        }
        'bench;help;schedule;next' {
            break
        }
        'bench;help;enqueue' {
            break
        }
        'bench;help;jobs' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List jobs by queue and state')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show everything about jobs: call, times, result, traceback')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Requeue failed jobs, by id or all that match filters')
            [CompletionResult]::new('purge', 'purge', [CompletionResultType]::ParameterValue, 'Delete jobs (queued ones by default, like Frappe''s purge-jobs)')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Cancel jobs that have not started')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Ask the workers running these jobs to stop them')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete jobs by id, with their results (not running ones: stop those first)')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Count jobs per queue and state')
            break
        }
        'bench;help;jobs;list' {
            break
        }
        'bench;help;jobs;show' {
            break
        }
        'bench;help;jobs;retry' {
            break
        }
        'bench;help;jobs;purge' {
            break
        }
        'bench;help;jobs;cancel' {
            break
        }
        'bench;help;jobs;stop' {
            break
        }
        'bench;help;jobs;delete' {
            break
        }
        'bench;help;jobs;stats' {
            break
        }
        'bench;help;doctor' {
            break
        }
        'bench;help;dashboard' {
            break
        }
        'bench;help;start' {
            break
        }
        'bench;help;setup' {
            [CompletionResult]::new('supervisor', 'supervisor', [CompletionResultType]::ParameterValue, 'Write a supervisord configuration for the scheduler, workers and Redis')
            [CompletionResult]::new('systemd', 'systemd', [CompletionResultType]::ParameterValue, 'Write systemd units for the scheduler, workers and Redis')
            [CompletionResult]::new('hooks', 'hooks', [CompletionResultType]::ParameterValue, 'Write [scheduler_events] from the Frappe bench''s apps (their hooks.py)')
            break
        }
        'bench;help;setup;supervisor' {
            break
        }
        'bench;help;setup;systemd' {
            break
        }
        'bench;help;setup;hooks' {
            break
        }
        'bench;help;show-pending-jobs' {
            break
        }
        'bench;help;purge-jobs' {
            break
        }
        'bench;help;trigger-scheduler-event' {
            break
        }
        'bench;help;enable-scheduler' {
            break
        }
        'bench;help;disable-scheduler' {
            break
        }
        'bench;help;scheduler' {
            break
        }
        'bench;help;ready-for-migration' {
            break
        }
        'bench;help;worker-pool' {
            break
        }
        'bench;help;generate' {
            break
        }
        'bench;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
