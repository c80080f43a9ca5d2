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


COUNT = 0


def counter():
    """Module state: 1 in a fresh process, more in a reused one."""
    global COUNT
    COUNT += 1
    return {"count": COUNT, "pid": os.getpid()}


HOARD = []


def hog(mb):
    """Keeps `mb` MiB alive in the process that ran it."""
    HOARD.append(bytearray(mb << 20))
    return os.getpid()


def segfault():
    import ctypes

    ctypes.string_at(0)


def chatty(tag):
    import sys

    print("out line %s" % tag)
    print("err line %s" % tag, file=sys.stderr)
    return tag


def spawn_and_wait(seconds):
    """Starts a grandchild process and waits for it: a timeout must end both."""
    import subprocess

    subprocess.run(["sleep", str(seconds)])
    return "done"


def record_pids(path, seconds=0):
    """Writes this process's pid and its parent's, then sleeps."""
    with open(path, "w") as f:
        f.write("%d %d" % (os.getpid(), os.getppid()))
    time.sleep(seconds)
    return "recorded"
