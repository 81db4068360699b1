"""What isolation this machine allows each submission, and the means to set it up.

The platform guard (`detect`) says, once per run, which parts of the boundary
the grader can put around every submission, as a `Mode`:

- *namespaces*: Linux, root and Debian's `bubblewrap` (`bwrap`) able to create
  namespaces. The zygote then runs under bwrap (no network, a fresh PID
  namespace, a read-only view of Python and its packages and nothing else of the
  machine, and no environment but TensorFlow's quiet settings), and each
  submission's process enters namespaces of its own inside that (see `server`);
- *cgroups*: root and a writable cgroup v1 (`memory` and `pids` hierarchies) or
  v2 (the unified hierarchy, with those controllers delegated to the grader's
  group): each submission's processes share one memory and process budget, and
  all of them are killed when it is done (see `cgroups`);
- *user*: each submission runs as a user id of its own (root, and with
  namespaces or a Python that other users can read), else as "nobody" or as the
  grader's own user.

The grader uses every part it has. `Mode.isolated` (what `--isolation require`
asks for) is all three; when a part is missing, `warning` says exactly what is
lost on this machine. `detect` reads the machine through a `Host`, so that tests
can describe hosts this machine is not.
"""
from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from . import cgroups as cg

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

OWN, NOBODY, GRADER = "own", "nobody", "grader"     # Mode.user: whose user id a submission runs as


def _default_user() -> str:
    """Without isolation (a Mode made without `user`): "nobody" when the grader is root and that user can
    read this Python, else the grader's own user."""
    return NOBODY if os.geteuid() == 0 and python_readable_by_others() else GRADER


@dataclass(frozen=True)
class Mode:
    """What is in place around each submission. `Mode(False, why)` is "none of it" (`--isolation off`)."""

    namespaces: bool = False        # bubblewrap: the zygote and each submission in namespaces of their own
    reason: str = ""                # why a part is missing ("" when nothing is)
    cgroups: int = 0                # 1 or 2: a memory and pids cgroup per submission (v1 or v2); 0: none
    user: str = field(default_factory=_default_user)   # OWN: a user id per submission; NOBODY; GRADER
    cgroup_root: str = ""           # v1: where the hierarchies are mounted; v2: the delegated group

    @property
    def isolated(self) -> bool:
        """The full boundary (what `--isolation require` asks for): namespaces, cgroups and own user ids."""
        return self.namespaces and self.cgroups > 0 and self.user == OWN

    def summary(self) -> str:
        """One line: which parts are in place ("namespaces, cgroup v2, a user id per submission")."""
        parts = ["namespaces" if self.namespaces else "no namespaces",
                 f"cgroup v{self.cgroups}" if self.cgroups else "no cgroups",
                 {OWN: "a user id per submission", NOBODY: "all submissions as nobody",
                  GRADER: "submissions as the grader's user"}.get(self.user, self.user)]
        return ", ".join(parts)


class Host(Protocol):
    """What `detect` needs to know about the machine (`LocalHost` reads this one)."""

    platform: str                   # sys.platform
    cgroup_root: Path               # where cgroups are mounted (/sys/fs/cgroup)

    def is_root(self) -> bool: ...

    def python_folders(self) -> list[str]:
        """What the zygote must read (see `_python_folders`)."""

    def python_readable_by_others(self) -> bool:
        """Whether a user id that owns nothing can read and import this Python."""

    def bubblewrap(self) -> str:
        """"" when bubblewrap is installed and can create namespaces here, else why not."""

    def own_cgroup(self) -> str:
        """The grader's cgroup v2 group ("/..." from /proc/self/cgroup), "" if none."""

    def cgroup_writable(self, folder: Path) -> bool:
        """Whether the grader may write in this cgroup folder."""


@dataclass
class LocalHost:
    """This machine."""

    platform: str = sys.platform
    cgroup_root: Path = CGROUP_ROOT

    def is_root(self) -> bool:
        return os.geteuid() == 0

    def python_folders(self) -> list[str]:
        return _python_folders()

    def python_readable_by_others(self) -> bool:
        return python_readable_by_others()

    def bubblewrap(self) -> str:
        if shutil.which("bwrap") is None:
            return "bubblewrap is not installed (apt-get install bubblewrap)"
        try:
            proc = subprocess.run(["bwrap", "--unshare-all", "--ro-bind", "/", "/", "--proc", "/proc",
                                   "--dev", "/dev", "true"], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"bubblewrap could not start ({exc})"
        if proc.returncode != 0:
            return f"bubblewrap cannot create namespaces here ({proc.stderr.strip()[:200]})"
        return ""

    def own_cgroup(self) -> str:
        try:
            return cg.own_v2_group(Path("/proc/self/cgroup").read_text())
        except OSError:
            return ""

    def cgroup_writable(self, folder: Path) -> bool:
        return cg.writable(folder)


_detected: Mode | None = None


def detect() -> Mode:
    """What this run can put around submissions (cached; `AUTOGRADER_ISOLATION=off` turns it all off)."""
    global _detected
    if _detected is None:
        _detected = _detect()
    return _detected


def _detect(host: Host | None = None) -> Mode:
    if os.environ.get("AUTOGRADER_ISOLATION", "").lower() == "off":
        return Mode(False, "AUTOGRADER_ISOLATION=off")
    host = host if host is not None else LocalHost()
    if not host.platform.startswith("linux"):
        return Mode(False, f"namespaces and cgroups need Linux, not {host.platform}", user=GRADER)
    if not host.is_root():
        return Mode(False, "the grader is not root (run it as root in a throw-away grading container)",
                    user=GRADER)
    why = []
    no_namespaces = _namespaces(host)
    if no_namespaces:
        why.append(no_namespaces)
    version, root, no_cgroups = _cgroups(host)
    if no_cgroups:
        why.append(no_cgroups)
    if not no_namespaces or host.python_readable_by_others():   # (under bwrap, as before: not checked)
        user = OWN
    else:
        user = GRADER
        why.append("other users cannot read this Python, so submissions run as the grader's user (root)")
    return Mode(not no_namespaces, "; ".join(why), version, user, root)


def _namespaces(host: Host) -> str:
    """"" when the zygote can run under bubblewrap, else why not."""
    hidden = [f for f in host.python_folders()
              if f in ("/tmp", "/dev/shm") or f.startswith(("/tmp/", "/dev/shm/"))]
    if hidden:
        return (f"Python lives under {hidden[0]}, which each submission's private /tmp or /dev/shm would "
                "hide (install the grader's Python, and its venv, elsewhere)")
    return host.bubblewrap()


def _cgroups(host: Host) -> tuple[int, str, str]:
    """(version, root, "") for the cgroups this run can use, or (0, "", why not)."""
    root = Path(host.cgroup_root)
    v1 = cg.probe_v1(root, host.cgroup_writable)
    if not v1:
        return 1, str(root), ""
    if not (root / "cgroup.controllers").exists():
        return 0, "", v1
    try:
        return 2, str(cg.delegate_v2(root, host.own_cgroup(), may_write=host.cgroup_writable)), ""
    except cg.CgroupError as exc:
        return 0, "", str(exc)


def open_cgroups(mode: Mode) -> cg.SubmissionCgroups | None:
    """This run's cgroups, as `mode` says (None when it has none)."""
    if mode.cgroups == 1:
        return cg.CgroupsV1(Path(mode.cgroup_root), SUBMISSION_MEMORY, SUBMISSION_PIDS)
    if mode.cgroups == 2:
        return cg.CgroupsV2(Path(mode.cgroup_root), SUBMISSION_MEMORY, SUBMISSION_PIDS)
    return None


_LOST_NAMESPACES = ("it sees every process of the machine and can read their command lines; it can use the "
                    "network; it can read every file its user may read (other submissions and the seed file "
                    "too, unless only the grader's user can read them); and it can leave files in /tmp")
_LOST_CGROUPS = ("its processes share no memory or process budget (each process has its own limits only), "
                 "and a process it starts and detaches can outlive its grading")
_LOST_USER = {
    NOBODY: "all submissions run as the same user 'nobody', so one can end or trace another one's processes",
    GRADER: "it runs as the grader's own user, so it can end or trace the grader, read "
            "/proc/<grader>/environ (the seed, if given in $AUTOGRADER_SEED) and write wherever the grader can",
}


def lost(mode: Mode) -> list[str]:
    """What a hostile submission can do here that the full boundary would stop (empty when isolated)."""
    found = []
    if not mode.namespaces:
        found.append(_LOST_NAMESPACES)
    if not mode.cgroups:
        found.append(_LOST_CGROUPS)
    if mode.user in _LOST_USER:
        found.append(_LOST_USER[mode.user])
    return found


def warning(mode: Mode) -> str:
    """The loud line printed when grading without the full boundary: what is in place and what is lost."""
    return ("WARNING: submissions are NOT isolated from each other or from the grader: "
            f"{mode.reason}. In place: {mode.summary()}, and process limits. Lost: "
            + "; ".join(lost(mode)) + ". Grade as root on Linux with bubblewrap installed and writable "
            "cgroups for the full security model (see 'The security model' in the instructors' guide).")


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


def python_readable_by_others() -> bool:
    """Whether a user id that owns nothing can read this Python (stdlib and site-packages) and the
    grader's package: submissions import lazily, as whatever user they run as."""
    for folder in {os.path.dirname(os.__file__), sysconfig.get_paths()["purelib"],
                   sysconfig.get_paths()["platlib"], str(_PACKAGE.parent)}:
        path = os.path.realpath(folder)
        if not os.stat(path).st_mode & stat.S_IROTH:
            return False
        while path != os.path.dirname(path):
            if not os.stat(path).st_mode & stat.S_IXOTH:
                return False
            path = os.path.dirname(path)
    return True


def bwrap_command(library: Path, cgroups: cg.SubmissionCgroups | None, argv: list[str],
                  env: dict[str, str]) -> list[str]:
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
    for controller, folder in (cgroups.mounts if cgroups is not None else {}).items():
        cmd += ["--bind", str(folder), f"/cg/{controller}"]
    cmd += ["--chdir", "/tmp", "--"]
    return cmd + argv
