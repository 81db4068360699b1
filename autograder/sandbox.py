"""Run untrusted submission code in its own limited process.

A *zygote* process imports Keras and TensorFlow once and runs nothing else;
for each submission it forks a child (so no submission pays the import). The
child drops into a fresh temporary directory with limits on memory, CPU time,
file size and printed output, runs the submission's cells, then only answers
probes — "what does your function return for these inputs" — over a socket in
the `wire` format. The grader keeps the checks, the reference answers and the
output files in its own process; a child that hangs or dies is killed and, for
the next exercise, replaced. A root grader runs children as "nobody" (when that
user can read this Python); processes a child leaves behind are ended before the
next child starts and when the zygote closes, and the children's folders removed.
"""
from __future__ import annotations

import io
import os
import resource
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

from . import probes, wire
from .quiet import QUIET_TENSORFLOW, quiet_tensorflow

MEMORY_HEADROOM = 3 * 1024 ** 3        # bytes of address space beyond what the zygote had
CPU_SECONDS = 600
FILE_BYTES = 64 * 1024 * 1024
OUTPUT_BYTES = 64 * 1024               # printed output kept (the rest is dropped)
SANDBOX_UID = 65534                    # "nobody": who submissions run as when the grader is root
SANDBOX_NPROC = 512                    # processes and threads the sandbox user may have
_WORKROOT = None                       # the zygote's folder for its children's working folders
_AS_SANDBOX_USER = False               # set by the zygote: runs_as_sandbox_user()


# =========================================================================== child side

class _CappedOutput(io.TextIOBase):
    """stdout/stderr for the submission: keeps the first OUTPUT_BYTES characters."""

    def __init__(self):
        self.parts, self.size = [], 0

    def write(self, text):
        text = str(text)
        if self.size < OUTPUT_BYTES:
            self.parts.append(text[: OUTPUT_BYTES - self.size])
        self.size += len(text)
        return len(text)

    def getvalue(self):
        dropped = self.size - OUTPUT_BYTES
        tail = f"\n[… {dropped} more characters of output dropped]" if dropped > 0 else ""
        return "".join(self.parts) + tail


def _alarm(signum, frame):
    raise probes.Timeout()


def _limit_child():
    os.setsid()
    status = open("/proc/self/status").read() if os.path.exists("/proc/self/status") else ""
    vm = next((int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmSize")), 0)
    limits = [(resource.RLIMIT_CPU, CPU_SECONDS), (resource.RLIMIT_FSIZE, FILE_BYTES),
              (resource.RLIMIT_CORE, 0)]
    if vm:
        limits.append((resource.RLIMIT_AS, vm + MEMORY_HEADROOM))
    for which, value in limits:
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            pass
    workdir = tempfile.mkdtemp(prefix="child-", dir=_WORKROOT)
    _drop_root(workdir)
    os.chdir(workdir)
    os.environ["HOME"] = workdir
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    signal.signal(signal.SIGALRM, _alarm)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)


def runs_as_sandbox_user() -> bool:
    """Whether children run as SANDBOX_UID: only when the grader is root, and only if that user
    can read this Python (stdlib and site-packages), since submissions import modules lazily."""
    if os.geteuid() != 0:
        return False
    import stat
    import sysconfig
    for folder in {os.path.dirname(os.__file__), sysconfig.get_paths()["purelib"],
                   sysconfig.get_paths()["platlib"], os.path.dirname(os.path.dirname(__file__))}:
        path = os.path.realpath(folder)
        if not os.stat(path).st_mode & stat.S_IROTH:
            return False
        while path != os.path.dirname(path):
            if not os.stat(path).st_mode & stat.S_IXOTH:
                return False
            path = os.path.dirname(path)
    return True


def _drop_root(workdir):
    """Run as SANDBOX_UID (see runs_as_sandbox_user), so a submission cannot signal the grader or
    write its files; the process limit then also stops fork bombs."""
    if not _AS_SANDBOX_USER:
        return
    try:
        os.chown(workdir, SANDBOX_UID, SANDBOX_UID)
        resource.setrlimit(resource.RLIMIT_NPROC, (SANDBOX_NPROC, SANDBOX_NPROC))
        os.setgroups([])
        os.setgid(SANDBOX_UID)
        os.setuid(SANDBOX_UID)
    except (OSError, ValueError):
        pass


_HELPERS = {"display": lambda *a, **k: None, "get_ipython": lambda: None}   # notebook built-ins


def _child_main(sock: socket.socket):
    _limit_child()
    output = _CappedOutput()
    sys.stdout = sys.stderr = output
    sys.stdin = io.StringIO("")
    namespace = {"__name__": "__main__", "__builtins__": __builtins__, **_HELPERS}
    tripwires = probes.Tripwires()
    while True:
        try:
            request = wire.recv(sock)
        except (EOFError, OSError, wire.WireError):
            return
        op = request.get("op")
        if op == "load":
            tripwires.install(request.get("forbidden", {}), namespaces=[])
            errors = []
            for index, source in request["cells"]:
                wire.send(sock, {"event": "cell", "index": index})
                signal.alarm(int(request.get("cell_seconds", 30)))
                try:
                    exec(compile(source, f"<submission cell {index}>", "exec"), namespace)
                except probes.Timeout:
                    errors.append(f"cell {index}: stopped after {request.get('cell_seconds', 30)} s")
                except BaseException as exc:   # SystemExit, KeyboardInterrupt, anything
                    errors.append(f"cell {index}: {probes.describe_exception(exc)}")
                finally:
                    signal.alarm(0)
            names = [k for k, v in namespace.items()
                     if not k.startswith("_") and callable(v) and v is not _HELPERS.get(k)]
            wire.send(sock, {"event": "loaded", "errors": errors, "names": names,
                             "output": output.getvalue()[:4000]})
        elif op == "probe":
            tripwires.active = request["name"]
            signal.alarm(int(request.get("seconds", 30)))
            try:
                value = probes.run(request["probe"], namespace, request["name"], request["params"])
                reply = {"ok": True, "value": value}
            except probes.Timeout:
                reply = {"ok": False, "error": f"stopped after {request.get('seconds', 30)} s", "timeout": True}
            except probes.ProbeError as exc:
                reply = {"ok": False, "error": str(exc)}
            except BaseException as exc:
                reply = {"ok": False, "error": probes.describe_exception(exc)}
            finally:
                signal.alarm(0)
                tripwires.active = None
            try:
                wire.send(sock, reply)
            except wire.WireError as exc:
                wire.send(sock, {"ok": False, "error": f"the result could not be sent back: {exc}"})
        elif op == "hits":
            wire.send(sock, {"hits": sorted(tripwires.hits.get(request["name"], ()))})
        else:
            return


def _children() -> list[int]:
    """Process ids whose parent is this process (read from /proc)."""
    me, found = os.getpid(), []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == me:
                        found.append(int(entry))
            except (OSError, ValueError, IndexError):
                continue
    return found


def _end_strays(keep=()):
    """SIGKILL processes a submission left behind (daemons, which this subreaper adopts)."""
    for _ in range(100):
        strays = [pid for pid in _children() if pid not in keep]
        if not strays:
            return
        for pid in strays:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.02)


def zygote_main(fd: int):
    """Import the heavy libraries, then fork a child for every spawn request."""
    quiet_tensorflow()
    os.environ["MPLBACKEND"] = "Agg"
    os.environ["CUDA_VISIBLE_DEVICES"] = "-1"
    control = socket.socket(fileno=fd)
    global _WORKROOT, _AS_SANDBOX_USER
    _WORKROOT = tempfile.mkdtemp(prefix="autograder-sandbox-")   # removed, with all inside, on exit
    _AS_SANDBOX_USER = runs_as_sandbox_user()
    os.chmod(_WORKROOT, 0o711)                                   # children may enter, not list
    import numpy  # noqa: F401
    import keras  # noqa: F401
    import tensorflow  # noqa: F401
    import keras.src.saving.saving_lib  # noqa: F401
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)     # children are reaped automatically
    try:   # orphans of our children (a submission's daemons) become ours to end
        import ctypes
        ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)       # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass
    control.sendall(b"R")
    forked: set[int] = set()
    while True:
        try:
            msg, fds, _flags, _addr = socket.recv_fds(control, 16, 1)
        except OSError:
            msg, fds = b"", []
        if not msg or not fds:
            _end_strays()
            shutil.rmtree(_WORKROOT, ignore_errors=True)
            os._exit(0)          # nothing left to flush; skip TensorFlow's slow teardown
        forked &= set(_children())
        _end_strays(keep=forked)
        pid = os.fork()
        if pid == 0:
            control.close()
            try:
                _child_main(socket.socket(fileno=fds[0]))
            finally:
                os._exit(0)
        os.close(fds[0])
        forked.add(pid)
        control.sendall(struct.pack("!i", pid))


# =========================================================================== grader side

class SandboxError(Exception):
    """The child died, hung, or broke the protocol."""

    def __init__(self, message, timeout=False):
        super().__init__(message)
        self.timeout = timeout


class Zygote:
    """The pre-importing parent of every sandbox child; start once per grading run."""

    def __init__(self):
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        env = dict(os.environ, MPLBACKEND="Agg", **QUIET_TENSORFLOW)
        self.process = subprocess.Popen(
            [sys.executable, "-c", f"from autograder.sandbox import zygote_main; zygote_main({theirs.fileno()})"],
            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, env=env)
        theirs.close()
        self.control = mine
        self.lock = threading.Lock()
        self._ready = False

    def wait_ready(self, timeout=120):
        if self._ready:
            return
        self.control.settimeout(timeout)
        if self.control.recv(1) != b"R":
            raise SandboxError("the sandbox parent process failed to start")
        self._ready = True

    def spawn(self) -> "Child":
        with self.lock:
            self.wait_ready()
            mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
            socket.send_fds(self.control, [b"S"], [theirs.fileno()])
            theirs.close()
            self.control.settimeout(30)
            (pid,) = struct.unpack("!i", wire._recv_exact(self.control, 4))
        return Child(pid, mine)

    def close(self):
        try:
            self.control.close()
        finally:
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()


class Child:
    """One sandboxed process, seen from the grader."""

    def __init__(self, pid, sock):
        self.pid, self.sock = pid, sock

    def request(self, message, timeout):
        try:
            self.sock.settimeout(timeout)
            wire.send(self.sock, message)
            return wire.recv(self.sock)
        except socket.timeout:
            self.kill()
            raise SandboxError(f"no answer within {timeout:.0f} s", timeout=True) from None
        except (EOFError, ConnectionError, OSError):
            self.kill()
            raise SandboxError("the submission's process ended (a crash, os._exit, or the memory limit)") from None
        except wire.WireError as exc:
            self.kill()
            raise SandboxError(f"the submission's process sent an unreadable answer ({exc})") from None

    def load(self, cells, forbidden, cell_seconds, budget):
        """Run the cells; returns (loaded message, index of a hung cell or None)."""
        deadline = time.monotonic() + budget
        current = None
        try:
            wire.send(self.sock, {"op": "load", "cells": cells, "forbidden": forbidden,
                                  "cell_seconds": cell_seconds})
            while True:
                self.sock.settimeout(max(0.5, min(cell_seconds + 5, deadline - time.monotonic())))
                message = wire.recv(self.sock)
                if message.get("event") == "cell":
                    current = message.get("index")
                elif message.get("event") == "loaded":
                    return message, None
                else:
                    raise wire.WireError("unexpected message while loading")
        except socket.timeout:
            self.kill()
            return None, current
        except (EOFError, ConnectionError, OSError, wire.WireError):
            self.kill()
            return None, ("died", current)

    def kill(self):
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            try:
                os.kill(self.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        for _ in range(400):      # wait (up to 2 s) until it is gone, so that the zygote adopts
            try:                  # whatever it left running and ends that before the next spawn
                os.kill(self.pid, 0)
            except (ProcessLookupError, PermissionError):
                break
            time.sleep(0.005)
        try:
            self.sock.close()
        except OSError:
            pass
