"""Job functions the interop tests run under Python RQ and bench's Python runner."""
import os
import time


def add(a, b, c=0):
    return a + b + c


def echo(*args, **kwargs):
    return {"args": list(args), "kwargs": kwargs}


def boom(msg="boom"):
    raise ValueError(msg)


def slow(seconds=5):
    time.sleep(seconds)
    return "slept %s" % seconds


def noop():
    return None


def types(**kwargs):
    """Returns the Python type name of each keyword argument."""
    return {k: type(v).__name__ for k, v in kwargs.items()}


def pid():
    return os.getpid()


def flaky(marker):
    """Fails the first time (leaving `marker`), succeeds afterwards."""
    if os.path.exists(marker):
        return "second time lucky"
    open(marker, "w").close()
    raise RuntimeError("first run fails")
