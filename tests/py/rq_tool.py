"""Python RQ's view of a Redis, for interop tests: enqueue with RQ, read jobs with RQ.

usage:
  rq_tool.py enqueue URL QUEUE FUNC [--args JSON] [--kwargs JSON] [--id ID] [--json]
  rq_tool.py job URL ID [--json]          print RQ's view of one job as JSON
  rq_tool.py calls URL ID... [--json]     print each job's (func, args, kwargs) as JSON lines
  rq_tool.py started URL QUEUE            print RQ's started registry, its jobs and the workers
"""
import argparse
import json
import sys

import redis
from rq import Queue
from rq.job import Job
from rq.serializers import JSONSerializer


def plain(v):
    """JSON-friendly copy: tuples become lists, other objects their repr."""
    return json.loads(json.dumps(v, default=repr))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd")
    ap.add_argument("url")
    ap.add_argument("rest", nargs="*")
    ap.add_argument("--args", default="[]")
    ap.add_argument("--kwargs", default="{}")
    ap.add_argument("--id")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--exotic", action="store_true", help="add a datetime, a set, bytes and a tuple to kwargs")
    a = ap.parse_args()
    conn = redis.Redis.from_url(a.url)
    ser = JSONSerializer if a.json else None
    if a.cmd == "enqueue":
        queue, func = a.rest
        q = Queue(queue, connection=conn, serializer=ser)
        kwargs = json.loads(a.kwargs)
        if a.exotic:
            import datetime
            kwargs.update(when=datetime.datetime(2026, 1, 2, 3, 4, 5), tags={"x"}, raw=b"\x00\x01", pair=(1, 2))
        job = q.enqueue(func, *json.loads(a.args), job_id=a.id, **kwargs)
        print(job.id)
    elif a.cmd == "job":
        job = Job.fetch(a.rest[0], connection=conn, serializer=ser)
        latest = job.latest_result()
        out = {
            "status": getattr(job.get_status(refresh=True), "value", job.get_status(refresh=True)),
            "origin": job.origin,
            "func_name": job.func_name,
            "args": plain(job.args),
            "kwargs": plain(job.kwargs),
            "description": job.description,
            "timeout": job.timeout,
            "meta": plain(job.meta),
            "result_type": latest.type.name if latest else None,
            "return_value": plain(latest.return_value) if latest else None,
            "exc_string": latest.exc_string if latest else None,
            "worker_name": job.worker_name,
        }
        print(json.dumps(out))
    elif a.cmd == "calls":
        for jid in a.rest:
            job = Job.fetch(jid, connection=conn, serializer=ser)
            print(json.dumps({"id": jid, "func": job.func_name, "args": plain(job.args), "kwargs": plain(job.kwargs)}))
    elif a.cmd == "started":
        from rq import Worker
        from rq.registry import StartedJobRegistry

        ids = StartedJobRegistry(name=a.rest[0], connection=conn).get_job_ids()
        jobs = {}
        for jid in ids:
            job = Job.fetch(jid, connection=conn)
            jobs[jid] = {"status": job.get_status(refresh=True), "func_name": job.func_name}
        workers = [
            {"name": w.name, "state": w.get_state(), "current_job": w.get_current_job_id()}
            for w in Worker.all(connection=conn)
        ]
        print(json.dumps({"ids": ids, "jobs": plain(jobs), "workers": workers}))
    else:
        sys.exit("unknown command " + a.cmd)


if __name__ == "__main__":
    main()
