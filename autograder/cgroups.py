"""A memory and a pids cgroup per submission process, on cgroup v1 or v2.

`SubmissionCgroups` is what the sandbox needs: make a group per child, put a
process in it, read its peak memory, kill everything in it and remove it.
`CgroupsV1` uses the v1 `memory` and `pids` hierarchies (two folders per group;
the child joins them itself from inside the sandbox, through `mounts`).
`CgroupsV2` uses the unified hierarchy (one folder per group; the grader puts the
child in it, since a process in a cgroup namespace may not move itself to a group
outside it).

On v2 a group may only limit its children's memory if its parent enabled the
controller in `cgroup.subtree_control`, and a group with enabled controllers may
hold no process ("no internal processes", except in the root group).
`delegate_v2` prepares the grader's own group the way container runtimes do
(moby's `hack/dind`, kind's entrypoint): it moves every process of that group
into a leaf `init` below it, then enables `memory` and `pids` for its children.
Every class and function takes its folders as parameters, so that tests can
give them a fake tree.
"""
from __future__ import annotations

import errno
import os
import signal
import time
from pathlib import Path
from typing import Callable, Protocol

CONTROLLERS = ("memory", "pids")
LEAF = "init"                       # where delegate_v2 moves the processes of the grader's own group


class CgroupError(Exception):
    """Cgroups cannot be used here (the message says why, in an instructor's words)."""


class SubmissionCgroups(Protocol):
    """One grading run's cgroups: a group per submission process, limited, emptied and removed after."""

    version: int                     # 1 or 2
    mounts: dict[str, Path]          # folders a child joins by itself from inside the sandbox ({}: see `add`)

    def make(self, child: str) -> None:
        """A new group `child` with the memory and process-count limits."""

    def add(self, child: str, pid: int) -> None:
        """Put process `pid` (and all its threads) in the group."""

    def pids(self, child: str) -> set[int]:
        """The processes in the group now."""

    def peak_memory(self, child: str) -> int:
        """Bytes: the most the group used (v2 without memory.peak: what it uses now), 0 if unknown."""

    def end(self, child: str, within: float = 5.0) -> None:
        """Kill every process in the group until none is left, then remove it."""

    def close(self) -> None:
        """End every group left and remove the run's own folders."""


def run_name() -> str:
    """A name for this run's folder, unlike any other run's on the machine."""
    return f"autograder-{os.getpid()}-{time.monotonic_ns() % 10 ** 9}"


def _write(path: Path, value, quiet=False):
    try:
        path.write_text(str(value))
    except OSError:
        if not quiet:
            raise


def _read_pids(path: Path) -> set[int]:
    try:
        return {int(p) for p in path.read_text().split()}
    except (OSError, ValueError):
        return set()


def _kill_all(pids_now, within: float):
    """SIGKILL what `pids_now()` lists until it lists nothing (or `within` seconds passed)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        pids = pids_now()
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.01)


def _remove(folder: Path, attempts: int = 200):
    """rmdir, retried while the kernel still counts dying processes in the group (EBUSY)."""
    for _ in range(attempts):
        try:
            folder.rmdir()
            return
        except OSError as exc:
            if exc.errno != errno.EBUSY:
                return
            time.sleep(0.01)


def writable(folder: Path) -> bool:
    """Whether this process may write in `folder` (a read-only mount says no, even to root)."""
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return False
    except OSError:
        return False
    return os.access(folder, os.W_OK)


# =========================================================================== v1

def probe_v1(root: Path, may_write: Callable[[Path], bool] = writable) -> str:
    """"" when the v1 memory and pids hierarchies are mounted writable under `root`, else why not."""
    for controller in CONTROLLERS:
        folder = Path(root) / controller
        if not (folder / "cgroup.procs").exists() or not may_write(folder):
            return f"the cgroup v1 '{controller}' controller is not mounted writable at {folder}"
    return ""


class CgroupsV1:
    """This run's v1 memory and pids groups (`root`/memory/<run>, `root`/pids/<run>)."""

    version = 1

    def __init__(self, root: Path, memory: int, pids: int):
        self.memory_bytes, self.max_pids = memory, pids
        self.name = run_name()
        self.folders = {c: Path(root) / c / self.name for c in CONTROLLERS}
        for folder in self.folders.values():
            folder.mkdir()
        self.mounts = dict(self.folders)

    def make(self, child: str):
        memory, pids = self.folders["memory"] / child, self.folders["pids"] / child
        memory.mkdir()
        pids.mkdir()
        _write(memory / "memory.limit_in_bytes", self.memory_bytes)
        if (memory / "memory.memsw.limit_in_bytes").exists():
            _write(memory / "memory.memsw.limit_in_bytes", self.memory_bytes, quiet=True)
        _write(memory / "memory.swappiness", 0, quiet=True)
        _write(pids / "pids.max", self.max_pids)

    def add(self, child: str, pid: int):
        for folder in self.folders.values():
            _write(folder / child / "cgroup.procs", pid)

    def pids(self, child: str) -> set[int]:
        found = set()
        for folder in self.folders.values():
            found |= _read_pids(folder / child / "cgroup.procs")
        return found

    def peak_memory(self, child: str) -> int:
        try:
            return int((self.folders["memory"] / child / "memory.max_usage_in_bytes").read_text())
        except (OSError, ValueError):
            return 0

    def end(self, child: str, within: float = 5.0):
        _kill_all(lambda: self.pids(child), within)
        for folder in self.folders.values():
            _remove(folder / child)

    def close(self):
        for folder in self.folders.values():
            for sub in folder.iterdir() if folder.exists() else ():
                if sub.is_dir():
                    self.end(sub.name, within=2.0)
            try:
                folder.rmdir()
            except OSError:
                pass


# =========================================================================== v2

def own_v2_group(proc_self_cgroup: str) -> str:
    """The grader's v2 group (a path like "/" or "/system.slice/x.service") from /proc/self/cgroup's text."""
    for line in proc_self_cgroup.splitlines():
        if line.startswith("0::"):
            return line[3:].strip() or "/"
    return ""


def _controllers(path: Path) -> set[str]:
    try:
        return set(path.read_text().split())
    except OSError:
        return set()


def delegate_v2(root: Path, own: str, controllers: tuple[str, ...] = CONTROLLERS,
                may_write: Callable[[Path], bool] = writable) -> Path:
    """The folder under which this run may make its groups: the grader's own v2 group, with `memory` and
    `pids` enabled for its children. `root` is where cgroup2 is mounted, `own` the grader's group below it.

    The root group may hold processes and enable controllers at once; any other group may not, so its
    processes (the grader's, and those of the container or scope it runs in) first move into the leaf
    `init` below it, as container runtimes do (a later run started from that leaf uses its parent
    again). `may_write` says whether a group's folder is writable (`writable`, unless a test describes
    another machine). Raises CgroupError saying why, when it cannot.
    """
    root = Path(root)
    if not (root / "cgroup.controllers").exists():
        raise CgroupError(f"no cgroup v2 hierarchy is mounted at {root}")
    relative = own.strip("/")
    if not own or ".." in relative.split("/"):
        raise CgroupError("this process's cgroup v2 group is unknown (/proc/self/cgroup has no '0::' line)")
    base = root / relative if relative else root
    if not base.is_dir():
        raise CgroupError(f"this process's cgroup v2 group {own} is not visible under {root}")
    missing = [c for c in controllers if c not in _controllers(base / "cgroup.controllers")]
    if missing:
        raise CgroupError(f"the cgroup v2 controllers {' and '.join(missing)} are not delegated to this "
                          f"process's group {own} (its parent does not enable them)")
    if not may_write(base):
        raise CgroupError(f"the cgroup v2 group {own} at {base} is read-only here (a container's "
                          "/sys/fs/cgroup is mounted read-only unless it is privileged)")
    if set(controllers) <= _controllers(base / "cgroup.subtree_control"):
        return base                                    # enabled already: it holds no process (or is the root)
    parent_enabled = _controllers(base.parent / "cgroup.subtree_control")
    if base.name == LEAF and base != root and set(controllers) <= parent_enabled:
        return base.parent                             # a run started from the leaf an earlier run made
    is_root = not (base / "cgroup.type").exists()     # only the root group has no cgroup.type
    try:
        if not is_root:
            _empty_into_leaf(base)
        _write(base / "cgroup.subtree_control", " ".join(f"+{c}" for c in controllers))
    except OSError as exc:
        raise CgroupError(f"cannot enable the {' and '.join(controllers)} controllers in the cgroup v2 group "
                          f"{own} ({exc.strerror or exc}): some process there could not be moved out") from None
    return base


def _empty_into_leaf(base: Path, passes: int = 3):
    """Move every process of `base` into `base`/init (a process that ends meanwhile is no error)."""
    leaf = base / LEAF
    leaf.mkdir(exist_ok=True)
    for _ in range(passes):                            # processes forked while moving are caught next pass
        pids = _read_pids(base / "cgroup.procs")
        if not pids:
            return
        for pid in sorted(pids):
            try:
                _write(leaf / "cgroup.procs", pid)
            except ProcessLookupError:                 # it ended meanwhile
                pass


class CgroupsV2:
    """This run's v2 group (`parent`/<run>), with one child group per submission process.

    `parent` must have the `controllers` (`memory` and `pids`; tests on a machine whose v2 hierarchy has
    neither may name others) enabled in its cgroup.subtree_control (see `delegate_v2`).
    """

    version = 2

    def __init__(self, parent: Path, memory: int, pids: int, controllers: tuple[str, ...] = CONTROLLERS):
        self.memory_bytes, self.max_pids, self.controllers = memory, pids, controllers
        self.name = run_name()
        self.folder = Path(parent) / self.name
        self.folder.mkdir()
        try:
            _write(self.folder / "cgroup.subtree_control", " ".join(f"+{c}" for c in controllers))
        except OSError:
            _remove(self.folder)
            raise
        self.mounts = {}

    def make(self, child: str):
        group = self.folder / child
        group.mkdir()
        if "memory" in self.controllers:
            _write(group / "memory.max", self.memory_bytes)
            if (group / "memory.swap.max").exists():
                _write(group / "memory.swap.max", 0, quiet=True)
            if (group / "memory.oom.group").exists():  # out of memory: the whole submission goes, together
                _write(group / "memory.oom.group", 1, quiet=True)
        if "pids" in self.controllers:
            _write(group / "pids.max", self.max_pids)

    def add(self, child: str, pid: int):
        _write(self.folder / child / "cgroup.procs", pid)

    def pids(self, child: str) -> set[int]:
        return _read_pids(self.folder / child / "cgroup.procs")

    def peak_memory(self, child: str) -> int:
        for name in ("memory.peak", "memory.current"):
            try:
                return int((self.folder / child / name).read_text())
            except (OSError, ValueError):
                continue
        return 0

    def end(self, child: str, within: float = 5.0):
        group = self.folder / child
        if (group / "cgroup.kill").exists():           # Linux 5.14+: the kernel kills all, forks included
            _write(group / "cgroup.kill", 1, quiet=True)
        _kill_all(lambda: self.pids(child), within)
        _remove(group)

    def close(self):
        for sub in self.folder.iterdir() if self.folder.exists() else ():
            if sub.is_dir():
                self.end(sub.name, within=2.0)
        _remove(self.folder, attempts=50)
