# bench's Python side. One file, two roles (BENCH_PY_ROLE):
#
# "host": a long-lived process that imports the app once ([python] preload), freezes
#   the garbage collector's view of those objects so forked children share their pages,
#   then forks children on request. The wire protocol is described in host.rs.
# "once": run a single job in this fresh interpreter ([python] isolation =
#   "interpreter"): stdin carries the job's `data`, the original stdout receives
#   "ok\n<base64 of the serialized value>" or "err\n<traceback>".
#
# Jobs are decoded the way Python RQ decodes them (zlib optional, then pickle or JSON),
# so pickled arguments keep their types, and results are serialized the way RQ's
# serializers write them, so `job.return_value()` reads them back unchanged.
import base64
import gc
import importlib
import json
import os
import pickle
import resource
import selectors
import signal
import socket
import struct
import sys
import time
import traceback
import zlib

# A job's `data` may not inflate past this: a few bytes of zlib can expand to gigabytes.
MAX_DATA = int(os.environ.get("BENCH_MAX_DATA", str(256 << 20)))
# Frames this process reads from the worker; the worker enforces its own limit.
MAX_FRAME = MAX_DATA + (1 << 20)
HEADER = struct.Struct("!IB")
CONTROL_FD = 3


class DataTooLarge(Exception):
    pass


def inflate(raw):
    try:
        d = zlib.decompressobj()
        out = d.decompress(raw, MAX_DATA)
        if d.unconsumed_tail:
            raise DataTooLarge(
                "job data inflates past %d bytes; bench refuses to run it" % MAX_DATA
            )
        return out
    except zlib.error:
        return raw


def load(raw):
    raw = inflate(raw)
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


def dump(value, serializer):
    if value is None:
        return b""
    if serializer == "json":
        return json.dumps(value).encode("utf-8")
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


RESOLVED = {}


def call(data, serializer):
    """Runs the call in `data`; returns (ok, payload) where payload is the serialized
    value or the traceback."""
    try:
        func, instance, args, kwargs = load(data)
        if instance is not None:
            target = getattr(instance, func)
        else:
            target = RESOLVED.get(func)
            if target is None:
                target = RESOLVED[func] = resolve(func)
        return True, dump(target(*args, **kwargs), serializer)
    except BaseException as e:
        # The traceback starts at the job's own code, not at this runner.
        tb = e.__traceback__.tb_next or e.__traceback__
        text = "".join(traceback.format_exception(type(e), e, tb))
        return False, text.encode("utf-8", "replace")


# --- "once": a fresh interpreter per job -------------------------------------------


def run_once():
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    ok, payload = call(sys.stdin.buffer.read(), os.environ.get("BENCH_SERIALIZER"))
    out.write(b"ok\n" + base64.b64encode(payload) if ok else b"err\n" + payload)
    out.flush()


# --- "host": the warm process and its children ------------------------------------


class Stopped(Exception):
    """Raised inside a job when the worker stops it (`bench jobs stop`, kill-horse)."""


class JobTimeoutException(Exception):
    """Raised inside a job at its timeout, as Python RQ's work-horse raises its own."""


def timeout_exception():
    # Code that catches RQ's own exception keeps working when RQ is preloaded.
    mod = sys.modules.get("rq.timeouts")
    return getattr(mod, "JobTimeoutException", JobTimeoutException)


def parent_death_signal():
    """A function that makes the calling process die with its parent, so a worker
    killed with -9 leaves no job process running. Looked up once, in the host: loading
    ctypes in every child would cost each job milliseconds."""
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
        return lambda: prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        return lambda: None


def peak_rss_bytes():
    # Celery's max_memory_per_child reads the same figure: cheap, no file to open.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def recv_exact(sock, n):
    buf = bytearray(n)
    view = memoryview(buf)
    got = 0
    while got < n:
        k = sock.recv_into(view[got:])
        if k == 0:
            return None
        got += k
    return bytes(buf)


def read_frame(sock):
    head = recv_exact(sock, HEADER.size)
    if head is None:
        return None, None
    length, kind = HEADER.unpack(head)
    if length > MAX_FRAME:
        raise ValueError("frame of %d bytes from the worker is over the limit" % length)
    body = recv_exact(sock, length) if length else b""
    if body is None:
        return None, None
    return kind, body


def send_frame(sock, kind, body):
    sock.sendall(HEADER.pack(len(body), kind) + body)


class Child:
    """A forked process that runs jobs sent over its channel, one at a time."""

    def __init__(self, chan, max_jobs, timeout_exc):
        self.chan = chan
        self.max_jobs = max_jobs
        self.timeout_exc = timeout_exc
        self.running = False
        self.terminated = False
        self.started = 0.0
        self.timeout = 0

    def on_term(self, signum, frame):
        self.terminated = True
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if not self.running:
            os._exit(0)
        if self.timeout and time.monotonic() - self.started >= self.timeout - 0.5:
            raise self.timeout_exc(
                "Task exceeded maximum timeout value (%d seconds)" % self.timeout
            )
        raise Stopped("the job was stopped by the worker (SIGTERM)")

    def serve(self):
        signal.signal(signal.SIGTERM, self.on_term)
        done = 0
        while not self.terminated and (self.max_jobs == 0 or done < self.max_jobs):
            kind, body = read_frame(self.chan)
            if kind is None:
                return
            if kind != ord("R"):
                raise ValueError("unexpected frame %r from the worker" % kind)
            serializer = "json" if body[0] == 1 else "pickle"
            (self.timeout,) = struct.unpack_from("!I", body, 1)
            (id_len,) = struct.unpack_from("!I", body, 5)
            job_id = body[9 : 9 + id_len].decode("utf-8", "replace")
            os.environ["BENCH_JOB_ID"] = job_id
            self.started = time.monotonic()
            self.running = True
            try:
                ok, payload = call(memoryview(body)[9 + id_len :], serializer)
            finally:
                self.running = False
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except Exception:
                    pass
            send_frame(
                self.chan,
                ord("O") if ok else ord("E"),
                struct.pack("!Q", peak_rss_bytes()) + payload,
            )
            done += 1


class Host:
    def __init__(self):
        self.ctl = socket.socket(fileno=CONTROL_FD)
        self.children = set()
        self.sel = selectors.DefaultSelector()
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        os.set_blocking(self.wake_w, False)

    def send(self, msg, fds=()):
        data = json.dumps(msg).encode("utf-8")
        if fds:
            socket.send_fds(self.ctl, [data], list(fds))
        else:
            self.ctl.send(data)

    def preload(self, modules, warm):
        t0 = time.monotonic()
        for name in modules:
            try:
                importlib.import_module(name)
            except BaseException:
                tb = traceback.format_exc()
                sys.stderr.write(tb)
                sys.stderr.flush()
                self.send({"op": "preload_failed", "module": name, "traceback": tb})
                sys.exit(1)
        for name in warm:
            try:
                importlib.import_module(name)
            except Exception as e:
                sys.stderr.write("could not import %s ahead of jobs (%s); jobs import it themselves\n" % (name, e))
        # Objects that exist now are never collected again, so the collector never
        # writes to their pages and forked children keep sharing them (as Frappe does).
        gc.collect()
        gc.freeze()
        self.send(
            {
                "op": "ready",
                "pid": os.getpid(),
                "python": sys.version.split()[0],
                "seconds": round(time.monotonic() - t0, 3),
                "rss": peak_rss_bytes(),
            }
        )

    def spawn(self, seq, max_jobs, timeout_exc, die_with_parent):
        parent_end, child_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        host_pid = os.getpid()
        try:
            pid = os.fork()
        except OSError as e:
            for fd in (out_r, out_w, err_r, err_w):
                os.close(fd)
            parent_end.close()
            child_end.close()
            self.send({"op": "spawn_failed", "seq": seq, "error": str(e)})
            return
        if pid == 0:
            code = 0
            try:
                os.setpgid(0, 0)
                die_with_parent()
                if os.getppid() != host_pid:
                    os._exit(1)
                signal.set_wakeup_fd(-1)
                for sig in (signal.SIGCHLD, signal.SIGPIPE, signal.SIGHUP):
                    signal.signal(sig, signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.default_int_handler)
                self.sel.close()
                self.ctl.close()
                parent_end.close()
                for fd in (out_r, err_r, self.wake_r, self.wake_w):
                    os.close(fd)
                os.dup2(out_w, 1)
                os.dup2(err_w, 2)
                os.close(out_w)
                os.close(err_w)
                for stream in (sys.stdout, sys.stderr):
                    try:
                        stream.reconfigure(line_buffering=True)
                    except Exception:
                        pass
                Child(child_end, max_jobs, timeout_exc).serve()
            except BaseException:
                traceback.print_exc()
                code = 1
            finally:
                try:
                    sys.stdout.flush()
                    sys.stderr.flush()
                finally:
                    os._exit(code)
        try:
            # Also set from here, so the worker can signal the group at once.
            os.setpgid(pid, pid)
        except OSError:
            pass
        child_end.close()
        os.close(out_w)
        os.close(err_w)
        self.children.add(pid)
        try:
            self.send({"op": "child", "seq": seq, "pid": pid}, [parent_end.fileno(), out_r, err_r])
        finally:
            parent_end.close()
            os.close(out_r)
            os.close(err_r)

    def reap(self):
        try:
            while os.read(self.wake_r, 512):
                pass
        except BlockingIOError:
            pass
        while self.children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self.children.discard(pid)
            msg = {"op": "exited", "pid": pid}
            if os.WIFSIGNALED(status):
                msg["signal"] = os.WTERMSIG(status)
            else:
                msg["code"] = os.waitstatus_to_exitcode(status)
            self.send(msg)

    def shutdown(self):
        for pid in list(self.children):
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
        sys.exit(0)

    def serve(self, timeout_exc, die_with_parent):
        signal.signal(signal.SIGCHLD, lambda *_: None)
        signal.set_wakeup_fd(self.wake_w)
        self.sel.register(self.ctl, selectors.EVENT_READ, "ctl")
        self.sel.register(self.wake_r, selectors.EVENT_READ, "wake")
        while True:
            for key, _ in self.sel.select():
                if key.data == "wake":
                    self.reap()
                    continue
                try:
                    data = self.ctl.recv(65536)
                except ConnectionError:
                    data = b""
                if not data:
                    # The worker is gone or done with us.
                    self.shutdown()
                msg = json.loads(data)
                if msg.get("op") == "spawn":
                    self.spawn(msg["seq"], msg.get("max_jobs", 0), timeout_exc, die_with_parent)


def run_host():
    # Ctrl-C in the worker's terminal is the worker's business, not the host's.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    host = Host()
    host.preload(
        json.loads(os.environ.get("BENCH_PRELOAD", "[]")),
        json.loads(os.environ.get("BENCH_WARM", "[]")),
    )
    host.serve(timeout_exception(), parent_death_signal())


if os.environ.get("BENCH_PY_ROLE") == "host":
    run_host()
else:
    run_once()
