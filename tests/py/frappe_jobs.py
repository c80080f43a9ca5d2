"""Jobs written the way Frappe writes them: RQ's enqueue_call of
frappe.utils.background_jobs.execute_job with the real call in its kwargs, queue
`<bench_id>:<queue>`, id `<site>||<id>`, pickled.

usage: frappe_jobs.py URL BENCH_ID
"""
import sys

import redis
from rq import Queue
from rq.job import Job

url, bench_id = sys.argv[1], sys.argv[2]
r = redis.Redis.from_url(url)


def enqueue(site, method, queue="default", event=None, job_name=None, kwargs=None, name=None):
    q = Queue(f"{bench_id}:{queue}", connection=r)
    payload = {"site": site, "user": "Administrator", "method": method, "event": event,
               "job_name": job_name or method, "is_async": True, "kwargs": kwargs or {}}
    job = Job.create("frappe.utils.background_jobs.execute_job", kwargs=payload, timeout=300,
                     connection=r, origin=q.name, failure_ttl=604800, result_ttl=600)
    # RQ 2.x refuses `|` in ids that Frappe (on its own RQ pin) writes; set it directly.
    job._id = f"{site}||{name or method}"
    q.enqueue_job(job)


enqueue("site1.local", "erp.tasks.sync_stock", event="daily", kwargs={"warehouse": "Main"})
enqueue("site1.local", "erp.tasks.send_mail", kwargs={"to": "a@b.c"})
enqueue("site2.local", "erp.tasks.sync_stock", event="daily", name="other")
enqueue("site1.local", "frappe.core.doctype.scheduled_job_type.scheduled_job_type.run_scheduled_job",
        queue="long", kwargs={"job_type": "erp.tasks.nightly"}, name="scheduled_job||erp.tasks.nightly")
print("ok")
