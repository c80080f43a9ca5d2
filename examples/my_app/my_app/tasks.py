"""Jobs of the example app. Each returns what it did, which `bench jobs show` prints."""
import datetime
import os


def hourly_sync():
    return {"synced_at": datetime.datetime.now(datetime.timezone.utc).isoformat()}


def nightly():
    return {"settings": os.environ.get("MY_APP_SETTINGS", "unset")}


def poll(source="example"):
    return {"polled": source}


def send_mail(to="someone@example.com", subject="hello"):
    print("would send %r to %s" % (subject, to))
    return {"to": to, "subject": subject}
