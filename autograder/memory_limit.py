"""The memory this process's container lets it use: the smallest limit of its cgroup and the groups above.

Read from /proc/self/cgroup and the cgroup files (v1 `memory.limit_in_bytes`, v2 `memory.max`), walking
from the process's own group up to the top of what is mounted (in a container, its own group). None when
no limit is set or none can be read. `run_autograder` uses it to tell instructors when Gradescope's
memory setting is too small for a fair grade.
"""
from __future__ import annotations

from pathlib import Path

CGROUPS = Path("/sys/fs/cgroup")
UNLIMITED = 1 << 60          # cgroup v1 writes "no limit" as a number near 2**63


def _groups(proc_self_cgroup: str) -> list[tuple[str, list[str], str]]:
    """(mount under the cgroup root, this process's group as path parts, limit file), per hierarchy."""
    found = []
    for line in proc_self_cgroup.splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        number, controllers, path = parts
        steps = [p for p in path.strip().split("/") if p not in ("", ".", "..")]
        if number == "0" and controllers == "":
            found.append(("", steps, "memory.max"))
        elif "memory" in controllers.split(","):
            found.append(("memory", steps, "memory.limit_in_bytes"))
    return found


def _read(file: Path) -> int | None:
    try:
        text = file.read_text().strip()
    except OSError:
        return None
    if not text.isdigit():            # "max" (v2, no limit), or anything unreadable
        return None
    value = int(text)
    return value if value < UNLIMITED else None


def limit(proc_self_cgroup: str | None = None, root: Path = CGROUPS) -> int | None:
    """The smallest memory limit, in bytes, over this process's groups and their parents (None: none)."""
    if proc_self_cgroup is None:
        try:
            proc_self_cgroup = Path("/proc/self/cgroup").read_text()
        except OSError:
            return None
    limits = []
    for mount, steps, name in _groups(proc_self_cgroup):
        for depth in range(len(steps), -1, -1):         # the group itself, then each parent up to the mount
            value = _read(root.joinpath(mount, *steps[:depth], name))
            if value is not None:
                limits.append(value)
    return min(limits) if limits else None
