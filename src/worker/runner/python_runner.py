# Runs one RQ job in a fresh interpreter for bench's worker. stdin carries the job's
# `data` exactly as stored; the call is decoded the way Python RQ decodes it, so
# pickled arguments keep their types. The result goes to the original stdout as
# "ok\n<base64 of serializer.dumps(value)>" (empty for None) or "err\n<traceback>";
# anything the job prints goes to stderr.
import base64
import importlib
import json
import os
import pickle
import sys
import traceback
import zlib


def load(raw):
    try:
        raw = zlib.decompress(raw)
    except zlib.error:
        pass
    if raw.lstrip()[:1] == b"[":
        try:
            return json.loads(raw.decode("utf-8"))
        except ValueError:
            pass
    return pickle.loads(raw)


def resolve(path):
    parts = path.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            obj = getattr(obj, name)
        return obj
    raise ValueError("Invalid attribute name: %s" % path)


def main():
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    try:
        func, instance, args, kwargs = load(sys.stdin.buffer.read())
        target = getattr(instance, func) if instance is not None else resolve(func)
        value = target(*args, **kwargs)
        if value is None:
            payload = b""
        elif os.environ.get("BENCH_SERIALIZER") == "json":
            payload = json.dumps(value).encode("utf-8")
        else:
            payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        out.write(b"ok\n" + base64.b64encode(payload))
    except BaseException:
        out.write(b"err\n" + traceback.format_exc().encode("utf-8", "replace"))
    out.flush()


main()
