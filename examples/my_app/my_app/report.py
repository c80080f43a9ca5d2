"""A report run as a command job (`python3 -m my_app.report`): the job's kwargs arrive as
JSON on stdin, and what it prints is the job's result."""
import json
import os
import sys

kwargs = json.loads(sys.stdin.read() or "{}")
print(json.dumps({"report": kwargs.get("name", "weekly"), "format": os.environ.get("REPORT_FORMAT", "text")}))
