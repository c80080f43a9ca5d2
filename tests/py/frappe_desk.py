"""What Frappe's Desk shows, read through Frappe itself, for the Frappe lab tests.

usage (run with the lab's python, from the sites folder):
  frappe_desk.py SITE jobs        the RQ Job and RQ Worker lists (Setup > Background Jobs)
  frappe_desk.py SITE errors      the newest Error Log entries
  frappe_desk.py SITE scheduled METHOD   a Scheduled Job Type's last run and its logs
  frappe_desk.py SITE job ID      one job as RQ 1.15 reads it (status, result)
Prints one JSON object.
"""
import json
import sys

import frappe


def main():
    site, cmd, *rest = sys.argv[1:]
    frappe.init(site=site, sites_path=".")
    frappe.connect()
    frappe.set_user("Administrator")
    try:
        if cmd == "jobs":
            jobs = frappe.get_list(
                "RQ Job", fields=["job_id", "status", "job_name", "queue"], limit_page_length=500
            )
            workers = frappe.get_list(
                "RQ Worker", fields=["worker_name", "status", "current_job_id", "queue_type"], limit_page_length=100
            )
            out = {"jobs": jobs, "workers": workers}
        elif cmd == "errors":
            out = frappe.get_all("Error Log", fields=["method", "error"], order_by="creation desc", limit=10)
        elif cmd == "scheduled":
            name = frappe.db.get_value("Scheduled Job Type", {"method": rest[0]}, "name")
            doc = frappe.get_doc("Scheduled Job Type", name)
            logs = frappe.get_all(
                "Scheduled Job Log",
                filters={"scheduled_job_type": name},
                fields=["status"],
                order_by="creation desc",
            )
            out = {"last_execution": str(doc.last_execution or ""), "logs": logs}
        elif cmd == "job":
            from rq.job import Job

            from frappe.utils.background_jobs import get_redis_conn

            job = Job.fetch(rest[0], connection=get_redis_conn())
            out = {"status": job.get_status(), "result": job.return_value()}
        else:
            sys.exit("unknown command " + cmd)
    finally:
        frappe.destroy()
    print(json.dumps(out, default=str))


if __name__ == "__main__":
    main()
