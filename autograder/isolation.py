"""Whether submissions can be isolated on this machine, and the means to do it.

The platform guard (`detect`) says, once per run, whether the grader may put
every submission inside its own boundary: Linux, root, Debian's `bubblewrap`
(`bwrap`) and the cgroup v1 `memory` and `pids` controllers. When it may, the
zygote runs under bwrap (no network, a fresh PID namespace, a read-only view of
Python and its packages and nothing else of the machine, and no environment but
TensorFlow's quiet settings), and each submission's process then enters
namespaces of its own inside that (see `server`) and a cgroup made here, which
the grader empties and removes when the submission is done. When it may not,
`warning` says so loudly and what is lost, and grading goes on with process
limits only; `--isolation require` refuses instead.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
SUBMISSION_MEMORY = 2 * 1024 ** 3      # bytes of memory (tmpfs files included) for all of a submission's processes
SUBMISSION_PIDS = 128                  # processes and threads of one submission
TMP_BYTES = 256 * 1024 ** 2            # its private /tmp (its working folder is in there)
SHM_BYTES = 64 * 1024 ** 2             # its private /dev/shm
TMP_INODES = 4096                      # files and folders in /tmp (a quarter of that in /dev/shm)
FIRST_UID = 200_000                    # submissions run as user ids from here up, which own nothing
UIDS_PER_RUN = 1000                    # each grading run has its own range (see uid_range)
_SERVER_MODULES = ("server.py", "probes.py", "wire.py")
_PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Mode:
    isolated: bool
    reason: str = ""            # why not, when not


_detected: Mode | None = None


def detect() -> Mode:
    """Whether this run can isolate submissions (cached; `AUTOGRADER_ISOLATION=off` turns it off)."""
    global _detected
    if _detected is None:
        _detected = _detect()
    return _detected


def _detect() -> Mode:
    if os.environ.get("AUTOGRADER_ISOLATION", "").lower() == "off":
        return Mode(False, "AUTOGRADER_ISOLATION=off")
    if not sys.platform.startswith("linux"):
        return Mode(False, f"namespaces and cgroups need Linux, not {sys.platform}")
    if os.geteuid() != 0:
        return Mode(False, "the grader is not root (run it as root in a throw-away grading container)")
    hidden = [f for f in _python_folders() if f in ("/tmp", "/dev/shm") or f.startswith(("/tmp/", "/dev/shm/"))]
    if hidden:
        return Mode(False, f"Python lives under {hidden[0]}, which each submission's private /tmp or "
                           "/dev/shm would hide (install the grader's Python, and its venv, elsewhere)")
    if shutil.which("bwrap") is None:
        return Mode(False, "bubblewrap is not installed (apt-get install bubblewrap)")
    for controller in ("memory", "pids"):
        folder = CGROUP_ROOT / controller
        if not (folder / "cgroup.procs").exists() or not os.access(folder, os.W_OK):
            return Mode(False, f"the cgroup v1 '{controller}' controller is not mounted writable at {folder}")
    try:
        proc = subprocess.run(["bwrap", "--unshare-all", "--ro-bind", "/", "/", "--proc", "/proc",
                               "--dev", "/dev", "true"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Mode(False, f"bubblewrap could not start ({exc})")
    if proc.returncode != 0:
        return Mode(False, f"bubblewrap cannot create namespaces here ({proc.stderr.strip()[:200]})")
    return Mode(True)


def warning(mode: Mode) -> str:
    """The loud line printed when grading without isolation."""
    return ("WARNING: submissions are NOT isolated from each other or from the grader: "
            f"{mode.reason}. Each runs in its own process with limits, but a hostile one can "
            "end other submissions' processes, read files this user can read (other submissions, "
            "the seed in this process's environment) and leave processes or files behind. "
            "Grade as root on Linux with bubblewrap installed for the full security model "
            "(see 'The security model' in the instructors' guide).")


def uid_range(grader_pid: int) -> range:
    """The user ids the submissions of the grader with this process id run as (a range of their own,
    so that two runs on one machine do not share ids)."""
    start = FIRST_UID + (grader_pid % 800) * UIDS_PER_RUN
    return range(start, start + UIDS_PER_RUN)


# --------------------------------------------------------------------------- the server library

def server_library() -> Path:
    """A fresh folder holding package `agserve`: copies of server.py, probes.py and wire.py only."""
    root = Path(tempfile.mkdtemp(prefix="autograder-server-"))
    package = root / "agserve"
    package.mkdir()
    (package / "__init__.py").write_text('"""The sandbox\'s probe server (copied from autograder)."""\n')
    for name in _SERVER_MODULES:
        shutil.copyfile(_PACKAGE / name, package / name)
    for path in [root, package, *package.iterdir()]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return root


# --------------------------------------------------------------------------- cgroups

class Cgroups:
    """This run's memory and pids cgroups: one sub-group per submission process, emptied and removed after."""

    def __init__(self):
        self.name = f"autograder-{os.getpid()}-{time.monotonic_ns() % 10 ** 9}"
        self.folders = {c: CGROUP_ROOT / c / self.name for c in ("memory", "pids")}
        for folder in self.folders.values():
            folder.mkdir()

    def make(self, child: str):
        memory, pids = self.folders["memory"] / child, self.folders["pids"] / child
        memory.mkdir()
        pids.mkdir()
        _write(memory / "memory.limit_in_bytes", SUBMISSION_MEMORY)
        if (memory / "memory.memsw.limit_in_bytes").exists():
            _write(memory / "memory.memsw.limit_in_bytes", SUBMISSION_MEMORY, quiet=True)
        _write(memory / "memory.swappiness", 0, quiet=True)
        _write(pids / "pids.max", SUBMISSION_PIDS)

    def pids(self, child: str) -> set[int]:
        found = set()
        for folder in self.folders.values():
            try:
                found |= {int(p) for p in (folder / child / "cgroup.procs").read_text().split()}
            except (OSError, ValueError):
                pass
        return found

    def peak_memory(self, child: str) -> int:
        try:
            return int((self.folders["memory"] / child / "memory.max_usage_in_bytes").read_text())
        except (OSError, ValueError):
            return 0

    def end(self, child: str, within: float = 5.0):
        """SIGKILL every process in the child's groups until none is left, then remove them."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            pids = self.pids(child)
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.01)
        for folder in self.folders.values():
            for _ in range(200):
                try:
                    (folder / child).rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.01)

    def close(self):
        for folder in self.folders.values():
            for sub in folder.iterdir() if folder.exists() else ():
                if sub.is_dir():
                    self.end(sub.name, within=2.0)
            try:
                folder.rmdir()
            except OSError:
                pass


def _write(path: Path, value, quiet=False):
    try:
        path.write_text(str(value))
    except OSError:
        if not quiet:
            raise


# --------------------------------------------------------------------------- bubblewrap

def _python_folders() -> list[str]:
    """What the zygote must read: the interpreter's prefix, the virtualenv, their site-packages."""
    folders = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.realpath(sys.executable))}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        folders.add(sysconfig.get_paths()[key])
    folders = sorted({os.path.realpath(f) for f in folders if os.path.isdir(f)})
    kept = []
    for folder in folders:                    # drop folders inside others already kept
        if not any(folder == k or folder.startswith(k + os.sep) for k in kept):
            kept.append(folder)
    return kept


def bwrap_command(library: Path, cgroups: Cgroups, argv: list[str], env: dict[str, str]) -> list[str]:
    """bwrap around `argv`: nothing of the machine but the system, Python and the server library."""
    cmd = ["bwrap", "--die-with-parent", "--new-session", "--unshare-pid", "--unshare-net", "--unshare-ipc",
           "--unshare-uts", "--unshare-cgroup-try", "--hostname", "sandbox", "--clearenv",
           "--cap-add", "CAP_SYS_ADMIN", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID",
           "--cap-add", "CAP_CHOWN"]
    for name, value in env.items():
        cmd += ["--setenv", name, value]
    binds = []
    for system in ("/usr", "/lib", "/lib64", "/lib32", "/libx32", "/bin", "/sbin"):
        if os.path.islink(system):
            cmd += ["--symlink", os.readlink(system), system]
        elif os.path.isdir(system):
            binds.append((system, system))
    for etc in ("/etc/ld.so.cache", "/etc/localtime", "/etc/passwd", "/etc/group", "/etc/nsswitch.conf",
                "/etc/hosts", "/etc/ssl/certs/ca-certificates.crt"):
        if os.path.exists(etc):
            binds.append((os.path.realpath(etc), etc))
    for folder in _python_folders():
        if not any(folder == s or folder.startswith(s + os.sep) for s, _ in binds):
            binds.append((folder, folder))
    binds.append((str(library), "/opt/autograder-server"))
    made = set()
    for _, dest in binds:                     # parents readable by anyone (bwrap makes them 0700 otherwise)
        parts = Path(dest).parents
        for parent in reversed(list(parts)[:-1]):
            if str(parent) not in made:
                made.add(str(parent))
                cmd += ["--perms", "0755", "--dir", str(parent)]
    for source, dest in binds:
        cmd += ["--ro-bind", source, dest]
    cmd += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/tmp",
            "--perms", "0700", "--dir", "/cg"]
    for controller, folder in cgroups.folders.items():
        cmd += ["--bind", str(folder), f"/cg/{controller}"]
    cmd += ["--chdir", "/tmp", "--"]
    return cmd + argv
