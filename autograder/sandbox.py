"""Run untrusted submission code in its own limited process, seen from the grader.

A *zygote* process imports Keras and TensorFlow once and runs nothing else; for
each submission it forks a child (so no submission pays the import). The zygote
runs the sandbox's own small server (`server`, `probes`, `wire`, copied to a
folder of their own), never `autograder`: the checks, the answer key and the
seed stay in the grader, and its environment is only TensorFlow's quiet
settings. The zygote runs under bubblewrap, and every child in namespaces of
its own, when `isolation.detect()` found bubblewrap usable; every child also
gets a cgroup (v1 or v2) and a user id of its own when the machine allows
those (see `isolation` and `server`). The grader warns about what is missing,
and children always get process limits.

The grader learns each child's process id from the kernel (the credentials of
its socket), kills it when it hangs or when the submission is done (with its
whole PID namespace and cgroup, when isolated), and replaces a zygote that died.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import sysconfig
import threading
import time

from . import isolation, wire
from .quiet import QUIET_TENSORFLOW

MEMORY_HEADROOM = 3 * 1024 ** 3        # bytes of address space per process beyond what the zygote had
CPU_SECONDS = 600                      # CPU seconds per process
FILE_BYTES = 64 * 1024 * 1024          # the largest file a submission may write
OUTPUT_BYTES = 64 * 1024               # printed output kept (the rest is dropped)
OPEN_FILES = 128                       # descriptors per process (isolated: times SUBMISSION_PIDS per submission)
SANDBOX_UID = 65534                    # "nobody": `--isolation off` as root, when nobody can read Python
START_SECONDS = 120
_PASSED_ON = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")   # the only variables the zygote gets


def runs_as_sandbox_user() -> bool:
    """Without namespaces: whether children can run as a user other than the grader's — only when the
    grader is root, and only if other users can read this Python, since submissions import lazily."""
    return os.geteuid() == 0 and isolation.python_readable_by_others()


class SandboxError(Exception):
    """The child died, hung, or broke the protocol."""

    def __init__(self, message, timeout=False):
        super().__init__(message)
        self.timeout = timeout


class Zygote:
    """The pre-importing parent of every sandbox child; start once per grading run."""

    def __init__(self, mode: isolation.Mode | None = None):
        self.mode = mode if mode is not None else isolation.detect()
        self.isolated = self.mode.namespaces          # the zygote under bubblewrap, children in namespaces
        self.library = isolation.server_library()
        self.cgroups = isolation.open_cgroups(self.mode)
        # v1 under bwrap: a child joins its groups itself (bound at /cg); otherwise the grader puts it in
        self.joins_itself = bool(self.isolated and self.cgroups is not None and self.cgroups.mounts)
        self.lock = threading.Lock()
        self.spawned = 0
        self.restarts = 0
        self._closed = False
        self._start()

    def _config(self) -> dict:
        return {"isolated": self.isolated, "cpu_seconds": CPU_SECONDS, "file_bytes": FILE_BYTES,
                "memory_headroom": MEMORY_HEADROOM, "output_bytes": OUTPUT_BYTES, "open_files": OPEN_FILES,
                "tmp_bytes": isolation.TMP_BYTES, "shm_bytes": isolation.SHM_BYTES,
                "tmp_inodes": isolation.TMP_INODES, "as_nobody": self.mode.user == isolation.NOBODY,
                "cgroup_mounts": sorted(self.cgroups.mounts) if self.joins_itself else []}

    def _start(self):
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        env = {"PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg", "CUDA_VISIBLE_DEVICES": "-1",
               "PYTHONDONTWRITEBYTECODE": "1", "HOME": "/tmp", **QUIET_TENSORFLOW,
               **{k: os.environ[k] for k in _PASSED_ON if k in os.environ}}
        library = "/opt/autograder-server" if self.isolated else str(self.library)
        # -S: site-packages by hand, without their .pth files (the editable install's finder for
        # `autograder` among them); -I: no PYTHON* variables, no user site-packages
        paths = [library] + sorted({os.path.realpath(sysconfig.get_paths()[k]) for k in ("purelib", "platlib")})
        code = (f"import sys; sys.path[:0] = {paths!r}; from agserve.server import zygote_main; "
                f"zygote_main({theirs.fileno()}, {json.dumps(self._config())!r})")
        # the interpreter (by its folder's) and site-packages by real paths: under bwrap only those exist
        # (a venv reached through a symlinked folder would not be found)
        python = os.path.join(os.path.realpath(os.path.dirname(sys.executable)), os.path.basename(sys.executable))
        argv = [python, "-I", "-S", "-c", code]
        if self.isolated:
            argv = isolation.bwrap_command(self.library, self.cgroups, argv, env)
        self.process = subprocess.Popen(argv, pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                                        start_new_session=True)
        theirs.close()
        self.control = mine
        self._ready = False

    def wait_ready(self, timeout=START_SECONDS):
        if self._ready:
            return
        self.control.settimeout(timeout)
        try:
            ready = self.control.recv(1) == b"R"
        except OSError:
            ready = False
        if not ready:
            raise SandboxError("the sandbox parent process failed to start")
        self._ready = True

    def _restart(self):
        """Replace a zygote that died or stopped answering (what a submission did cannot reach it
        when isolated; this is the fallback for everything else)."""
        self._stop()
        self.restarts += 1
        self._start()

    def spawn(self, trusted=False) -> "Child":
        """A new child for a submission (or, `trusted`, an unconfined one for the grader's answer key)."""
        with self.lock:
            for attempt in range(2):
                try:
                    return self._spawn(trusted)
                except (OSError, EOFError, SandboxError):
                    if attempt or self._closed:
                        raise SandboxError("the sandbox parent process failed; it was restarted, "
                                           "and failed again") from None
                    self._restart()

    def _spawn(self, trusted) -> "Child":
        self.wait_ready()
        self.spawned += 1
        name = f"c{self.spawned}"
        spec = {"trusted": True} if trusted else {}
        grouped = not trusted and self.cgroups is not None
        if grouped:
            self.cgroups.make(name)
            spec["cgroup"] = name
        if not trusted and self.mode.user == isolation.OWN:
            uids = isolation.uid_range(os.getpid())
            spec["uid"] = uids[self.spawned % len(uids)]
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        mine.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        try:
            socket.send_fds(self.control, [json.dumps(spec).encode()], [theirs.fileno()])
            theirs.close()
            self.control.settimeout(30)
            if wire._recv_exact(self.control, 1) != b"F":
                raise SandboxError("the sandbox parent process sent an unexpected answer")
            mine.settimeout(30)
            size = socket.CMSG_SPACE(struct.calcsize("3i"))
            data, ancillary, _flags, _addr = mine.recvmsg(1, size)
        except BaseException:
            mine.close()
            if grouped:
                self.cgroups.end(name)
            raise
        pid = next((struct.unpack("3i", d[:12])[0] for level, kind, d in ancillary
                    if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS), 0)
        joined = data == b"P" and pid > 0
        if joined and grouped and not self.joins_itself:
            try:                      # before it runs any submission code: it waits for its first request
                self.cgroups.add(name, pid)
            except OSError:
                joined = False
        if not joined:
            mine.close()
            if grouped:
                if pid > 0:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
                self.cgroups.end(name)
            raise SandboxError("the submission's process could not be set up")
        return Child(pid, mine, self, name if grouped else None)

    def python_pid(self) -> int:
        """The zygote's own process id (under bwrap it is a descendant of the process started)."""
        pending = [self.process.pid]
        while pending:
            pid = pending.pop()
            try:
                if b"zygote_main" in open(f"/proc/{pid}/cmdline", "rb").read():
                    return pid
                children = open(f"/proc/{pid}/task/{pid}/children").read().split()
            except OSError:
                continue
            pending += [int(c) for c in children]
        return 0

    def _stop(self):
        try:
            self.control.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except OSError:
                self.process.kill()
            self.process.wait()

    def close(self):
        self._closed = True
        try:
            self._stop()
        finally:
            if self.cgroups is not None:
                self.cgroups.close()
            shutil.rmtree(self.library, ignore_errors=True)


class Child:
    """One sandboxed process, seen from the grader."""

    def __init__(self, pid, sock, zygote=None, cgroup=None):
        self.pid, self.sock, self.zygote, self.cgroup = pid, sock, zygote, cgroup
        self.peak_memory = 0

    def request(self, message, timeout):
        try:
            self.sock.settimeout(timeout)
            wire.send(self.sock, message)
            return wire.recv(self.sock, timeout=timeout)
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
                left = deadline - time.monotonic()
                if left <= 0:
                    raise socket.timeout()       # the budget is a wall, however the child paces its messages
                message = wire.recv(self.sock, timeout=min(cell_seconds + 5, left))
                if not isinstance(message, dict):
                    raise wire.WireError("unexpected message while loading")
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
        """End the child and everything it started (its PID namespace and its cgroup, when it has them)."""
        if self.cgroup is not None:
            self.peak_memory = max(self.peak_memory, self.zygote.cgroups.peak_memory(self.cgroup))
            try:
                os.kill(self.pid, signal.SIGKILL)      # process 1 of its namespace: all of it goes
            except OSError:
                pass
            self.zygote.cgroups.end(self.cgroup)
            self.cgroup = None
        else:
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
