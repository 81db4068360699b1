"""The code that runs inside the sandbox: the zygote and the probe server for one submission.

This module, `probes` and `wire` are the only grader code a submission can
reach: the grader copies the three files into a folder of their own and starts
the zygote from there (see `isolation.server_library`), so `autograder`, its
checks, its answer key and the seed are not importable, readable or in memory
here. Nothing in this process is trusted by the grader: it only answers
"what does your function return for these inputs", and every verdict is made
outside.

The zygote imports Keras and TensorFlow once and runs nothing else; for each
submission the grader hands it a socket and it forks a child. When isolated, the
grader also asks it for one *trusted* child, forked before any submission runs
and never confined, to which it sends its answer key (so the grader itself need
not import TensorFlow); submissions' children cannot see or reach it. When the machine
allows it (`isolated`), that child enters its own PID, mount, network, IPC and
UTS namespaces and becomes process 1 there, so whatever it starts dies with it;
it joins the submission's memory and process-count cgroups, gets a fresh /proc,
a private size-capped /tmp and /dev/shm, and runs as a user id of its own with
no capabilities. Otherwise (`isolated` false) it gets resource limits, a new
session and, when the zygote is root, a user id of its own (or "nobody" with
`--isolation off`); the grader may still put it in a cgroup of its own.
"""
from __future__ import annotations

import ctypes
import io
import json
import os
import resource
import shutil
import signal
import socket
import sys
import tempfile
import time

from . import probes, wire

_CLONE_NEWNS, _CLONE_NEWUTS, _CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
_CLONE_NEWPID, _CLONE_NEWNET = 0x20000000, 0x40000000
_MS_NOSUID, _MS_NODEV, _MS_NOEXEC, _MS_RDONLY = 2, 4, 8, 1
_MS_REC, _MS_PRIVATE = 16384, 1 << 18
_PR_SET_DUMPABLE, _PR_SET_NO_NEW_PRIVS, _PR_SET_CHILD_SUBREAPER = 4, 38, 36
_NOBODY = 65534

_CONFIG: dict = {}          # set by zygote_main from the grader's JSON (limits, mode)
_WORKROOT = None            # not isolated: the folder holding the children's working folders
_libc = ctypes.CDLL(None, use_errno=True)


class SetupError(Exception):
    """A child could not be confined as asked (it then never runs submission code)."""


# =========================================================================== the submission's process

class _CappedOutput(io.TextIOBase):
    """stdout/stderr for the submission: keeps the first `limit` characters."""

    def __init__(self, limit):
        self.parts, self.size, self.limit = [], 0, limit

    def write(self, text):
        text = str(text)
        if self.size < self.limit:
            self.parts.append(text[: self.limit - self.size])
        self.size += len(text)
        return len(text)

    def getvalue(self):
        dropped = self.size - self.limit
        tail = f"\n[… {dropped} more characters of output dropped]" if dropped > 0 else ""
        return "".join(self.parts) + tail


def _alarm(signum, frame):
    raise probes.Timeout()


_HELPERS = {"display": lambda *a, **k: None, "get_ipython": lambda: None}   # notebook built-ins


def serve(sock: socket.socket):
    """Run the submission's cells, then answer probes until the grader hangs up."""
    output = _CappedOutput(_CONFIG.get("output_bytes", 64 * 1024))
    sys.stdout = sys.stderr = output
    sys.stdin = io.StringIO("")
    # not "__main__": a .py submission's `if __name__ == "__main__":` demo must not run while graded
    namespace = {"__name__": "submission", "__builtins__": __builtins__, **_HELPERS}
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


# =========================================================================== confinement

def _check(result, what):
    if result != 0:
        raise SetupError(f"{what}: {os.strerror(ctypes.get_errno())}")


def _mount(source, target, fstype, flags, data=None):
    _check(_libc.mount(source and source.encode(), target.encode(), fstype and fstype.encode(), flags,
                       data and data.encode()), f"mount {target}")


def _first_to_go_when_memory_runs_out():
    """When the machine (or container) runs out of memory, the kernel ends this submission's
    processes before the grader's: a process may always raise its own oom_score_adj."""
    try:
        with open("/proc/self/oom_score_adj", "w") as f:
            f.write("1000")
    except OSError:
        pass


def _set_limits():
    _first_to_go_when_memory_runs_out()
    status = open("/proc/self/status").read() if os.path.exists("/proc/self/status") else ""
    vm = next((int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmSize")), 0)
    limits = [(resource.RLIMIT_CPU, _CONFIG["cpu_seconds"]), (resource.RLIMIT_FSIZE, _CONFIG["file_bytes"]),
              (resource.RLIMIT_CORE, 0), (resource.RLIMIT_NOFILE, _CONFIG.get("open_files", 128))]
    if vm:
        limits.append((resource.RLIMIT_AS, vm + _CONFIG["memory_headroom"]))
    for which, value in limits:
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            pass


def _close_other_fds(keep: int):
    os.closerange(3, keep)
    os.closerange(keep + 1, 1 << 16)


# A seccomp filter refusing new user and cgroup namespaces (x86_64): with a user namespace of its own a
# process holds every capability inside it, which opens much of the kernel to it. clone and unshare are
# refused (EPERM) when asked for either; clone3, whose flags a filter cannot read, is answered ENOSYS, so
# the C library falls back to clone; x32 system calls are refused.
_CLONE_NEWUSER, _CLONE_NEWCGROUP = 0x10000000, 0x02000000
_AUDIT_ARCH_X86_64, _X32_BIT = 0xC000003E, 0x40000000
_NR_CLONE, _NR_UNSHARE, _NR_CLONE3 = 56, 272, 435
_LD_ABS, _JEQ, _JGE, _JSET, _RET = 0x20, 0x15, 0x35, 0x45, 0x06
_ALLOW, _ERRNO = 0x7FFF0000, 0x00050000
_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 22, 2


class _Filter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint)]


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Filter))]


def _no_new_namespaces():
    """Install the filter (after no_new_privs); elsewhere than x86_64 nothing is installed."""
    if os.uname().machine != "x86_64":
        return
    import errno
    program = [
        (_LD_ABS, 0, 0, 4),                                  # the architecture
        (_JEQ, 1, 0, _AUDIT_ARCH_X86_64),
        (_RET, 0, 0, _ERRNO | errno.EPERM),
        (_LD_ABS, 0, 0, 0),                                  # the system call's number
        (_JGE, 0, 1, _X32_BIT),
        (_RET, 0, 0, _ERRNO | errno.ENOSYS),
        (_JEQ, 0, 1, _NR_CLONE3),
        (_RET, 0, 0, _ERRNO | errno.ENOSYS),
        (_JEQ, 1, 0, _NR_CLONE),
        (_JEQ, 0, 3, _NR_UNSHARE),
        (_LD_ABS, 0, 0, 16),                                 # the flags (low half of the first argument)
        (_JSET, 0, 1, _CLONE_NEWUSER | _CLONE_NEWCGROUP),
        (_RET, 0, 0, _ERRNO | errno.EPERM),
        (_RET, 0, 0, _ALLOW),
    ]
    filters = (_Filter * len(program))(*[_Filter(*f) for f in program])
    prog = _Program(len(program), filters)
    _check(_libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0), "seccomp")


def _confine_isolated(sock, spec):
    """In a fresh PID namespace as its process 1: cgroups, private mounts, limits, own user."""
    for controller in _CONFIG.get("cgroup_mounts", ()):    # v1; on v2 the grader puts it in its group
        with open(f"/cg/{controller}/{spec['cgroup']}/cgroup.procs", "w") as f:
            f.write(str(os.getpid()))
    _mount(None, "/", None, _MS_REC | _MS_PRIVATE)
    _mount("proc", "/proc", "proc", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC)
    inodes = _CONFIG["tmp_inodes"]
    _mount("tmpfs", "/tmp", "tmpfs", _MS_NOSUID | _MS_NODEV,
           f"size={_CONFIG['tmp_bytes']},nr_inodes={inodes},mode=1777")
    _mount("tmpfs", "/dev/shm", "tmpfs", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC,
           f"size={_CONFIG['shm_bytes']},nr_inodes={inodes // 4},mode=1777")
    _mount("tmpfs", "/cg", "tmpfs", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC | _MS_RDONLY, "size=4k,mode=000")
    uid = int(spec["uid"])
    workdir = tempfile.mkdtemp(prefix="child-", dir="/tmp")
    os.chown(workdir, uid, uid)
    _set_limits()
    _check(_libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    _no_new_namespaces()
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    _libc.prctl(_PR_SET_DUMPABLE, 1, 0, 0, 0)
    return workdir


def _confine_plain(spec):
    """Without namespaces: a session of its own, limits, a fresh folder, and a user id of its own (the
    grader's choice, in `spec`) or "nobody" when allowed. The grader puts it in its cgroup, if any."""
    os.setsid()
    _set_limits()
    _check(_libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    _no_new_namespaces()
    workdir = tempfile.mkdtemp(prefix="child-", dir=_WORKROOT)
    if "uid" in spec:                 # must succeed: otherwise it never runs submission code
        uid = int(spec["uid"])
        os.chown(workdir, uid, uid)
        resource.setrlimit(resource.RLIMIT_NPROC, (512, 512))
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
        _libc.prctl(_PR_SET_DUMPABLE, 1, 0, 0, 0)
    elif _CONFIG.get("as_nobody"):
        try:
            os.chown(workdir, _NOBODY, _NOBODY)
            resource.setrlimit(resource.RLIMIT_NPROC, (512, 512))
            os.setgroups([])
            os.setgid(_NOBODY)
            os.setuid(_NOBODY)
        except (OSError, ValueError):
            pass
    return workdir


def _child(sock, spec):
    """The forked child: confine, tell the grader who it is, then serve."""
    try:
        _close_other_fds(sock.fileno())
        if spec.get("trusted"):           # the grader's answer key: forked before any submission ran
            workdir = tempfile.mkdtemp(prefix="answer-key-")
        elif _CONFIG["isolated"]:
            workdir = _confine_isolated(sock, spec)
        else:
            workdir = _confine_plain(spec)
        os.chdir(workdir)
        os.environ["HOME"] = os.environ["TMPDIR"] = workdir
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        signal.signal(signal.SIGALRM, _alarm)
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD, signal.SIGPIPE):
            signal.signal(sig, signal.SIG_DFL if sig != signal.SIGPIPE else signal.SIG_IGN)
        sock.sendall(b"P")          # the grader reads this process's id from the socket's credentials
    except BaseException:
        os._exit(3)
    serve(sock)


# =========================================================================== the zygote

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
    """SIGKILL processes a submission left behind (not isolated: daemons this subreaper adopted)."""
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


def _fork_child(sock, spec):
    """Fork the submission's process; isolated, it is process 1 of new namespaces."""
    pid = os.fork()
    if pid:
        return pid
    try:
        if _CONFIG["isolated"] and not spec.get("trusted"):
            _check(_libc.unshare(_CLONE_NEWPID | _CLONE_NEWNS | _CLONE_NEWNET | _CLONE_NEWIPC | _CLONE_NEWUTS),
                   "unshare")
            if os.fork():
                os._exit(0)             # the grandchild, process 1 of the new PID namespace, is reparented here
        _child(sock, spec)
    finally:
        os._exit(0)


def zygote_main(fd: int, config: str):
    """Import the heavy libraries, then fork a child for every spawn request."""
    global _WORKROOT
    _CONFIG.update(json.loads(config))
    control = socket.socket(fileno=fd)
    if not _CONFIG["isolated"]:
        _WORKROOT = tempfile.mkdtemp(prefix="autograder-sandbox-")   # removed, with all inside, on exit
        os.chmod(_WORKROOT, 0o711)                                   # children may enter, not list
    import site                                       # started with -S: only the builtins site would add
    site.setquit()                                    # exit() and quit(), as in a notebook
    site.setcopyright()
    site.sethelper()
    import numpy  # noqa: F401
    import keras  # noqa: F401
    import tensorflow  # noqa: F401
    import keras.src.saving.saving_lib  # noqa: F401
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)     # children are reaped automatically
    _libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)   # orphans of our children become ours
    control.sendall(b"R")
    forked: set[int] = set()
    while True:
        try:
            msg, fds, _flags, _addr = socket.recv_fds(control, 4096, 1)
        except OSError:
            msg, fds = b"", []
        if not msg or not fds:
            if not _CONFIG["isolated"]:
                _end_strays()
                shutil.rmtree(_WORKROOT, ignore_errors=True)
            os._exit(0)          # nothing left to flush; skip TensorFlow's slow teardown
        try:
            spec = json.loads(msg.decode())
        except ValueError:
            spec = {}
        if not _CONFIG["isolated"]:
            forked &= set(_children())
            _end_strays(keep=forked)
        sock = socket.socket(fileno=fds[0])
        try:
            forked.add(_fork_child(sock, spec))
        except OSError:
            pass
        sock.close()
        control.sendall(b"F")
