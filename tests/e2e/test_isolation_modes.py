"""The sandbox in the partial modes `isolation.detect()` can now return (autograder/sandbox.py, server.py):

- no namespaces (bubblewrap missing or refused, as in a default Docker container) but root and
  writable cgroups: each submission still runs as a user id of its own, in a cgroup of its own that
  the grader puts it in, and whatever it started dies with it;
- namespaces and cgroup v2: a process in the zygote's cgroup namespace cannot move itself to its
  group, so the grader does, before it runs any submission code. This machine's v2 hierarchy has no
  memory or pids controller, so that test uses another one (see test_isolation_cgroup2.py).

Needs root, Linux and writable cgroups (the second also bubblewrap and a cgroup2 mount); skipped otherwise.
"""
import os
import subprocess
import time
from pathlib import Path

import pytest
from processes import gone

from autograder import cgroups, isolation
from autograder.sandbox import Zygote

HOST = isolation.detect()

DAEMON = ("import numpy as np\nimport os, time\n\ndef start(*args):\n    r, w = os.pipe()\n"
          "    if os.fork() == 0:\n        os.setsid()\n        if os.fork() == 0:\n"
          "            os.write(w, str(os.getpid()).encode().ljust(16))\n            time.sleep(600)\n"
          "        os._exit(0)\n    return int(os.read(r, 16))\n\ndef euid(*args):\n    return os.geteuid()\n")


def loaded_child(zygote, source=DAEMON):
    child = zygote.spawn()
    loaded, hung = child.load([(1, source)], {}, 30, 120)
    assert loaded is not None and hung is None, hung
    return child


def ask(child, name):
    reply = child.request({"op": "probe", "probe": "call", "name": name, "params": {"args": []},
                           "seconds": 30}, timeout=40)
    assert reply["ok"], reply
    return int(reply["value"])




# --------------------------------------------------------------------------- no namespaces: uid and cgroup

@pytest.fixture(scope="module")
def without_namespaces():
    if os.geteuid() != 0 or not HOST.cgroups:
        pytest.skip(f"needs root and writable cgroups: {HOST.reason}")
    mode = isolation.Mode(False, "no bubblewrap (simulated)", HOST.cgroups, isolation.OWN, HOST.cgroup_root)
    zygote = Zygote(mode)
    zygote.wait_ready()
    yield zygote
    zygote.close()


def test_without_namespaces_a_child_runs_as_a_user_id_of_its_own(without_namespaces):
    child = loaded_child(without_namespaces)
    try:
        first = ask(child, "euid")
    finally:
        child.kill()
    child = loaded_child(without_namespaces)
    try:
        second = ask(child, "euid")
    finally:
        child.kill()
    uids = isolation.uid_range(os.getpid())
    assert first in uids and second in uids and first != second


def test_without_namespaces_the_grader_puts_a_child_in_its_cgroup(without_namespaces):
    child = loaded_child(without_namespaces)
    try:
        assert child.pid in without_namespaces.cgroups.pids(child.cgroup)
    finally:
        child.kill()


def test_without_namespaces_a_detached_daemon_dies_with_its_child(without_namespaces):
    child = loaded_child(without_namespaces)
    daemon = ask(child, "start")
    group = child.cgroup
    assert daemon in without_namespaces.cgroups.pids(group)
    child.kill()
    assert gone(daemon, within=0.5)            # at once, not when the next child starts
    assert not without_namespaces.cgroups.pids(group)


# --------------------------------------------------------------------------- namespaces and cgroup v2

@pytest.fixture(scope="module")
def v2_parent(tmp_path_factory):
    """A delegated v2 group, and the controller standing for memory and pids."""
    if os.geteuid() != 0 or not HOST.namespaces:
        pytest.skip(f"needs root and bubblewrap: {HOST.reason}")
    mount = tmp_path_factory.mktemp("cg2")
    if subprocess.run(["mount", "-t", "cgroup2", "none", str(mount)], capture_output=True).returncode:
        pytest.skip("cgroup2 cannot be mounted here")
    available = (mount / "cgroup.controllers").read_text().split()
    controller = next((c for c in ("pids", "memory", "hugetlb", "misc") if c in available), None)
    if controller is None or cgroups.own_v2_group(Path("/proc/self/cgroup").read_text()) != "/":
        subprocess.run(["umount", str(mount)], capture_output=True)
        pytest.skip("no controller to enable, or this process is not in the v2 hierarchy's root")
    before = (mount / "cgroup.subtree_control").read_text().split()
    base = cgroups.delegate_v2(mount, "/", controllers=(controller,))   # the real root: nothing moves
    yield base, controller
    if controller not in before:
        try:
            (mount / "cgroup.subtree_control").write_text(f"-{controller}")
        except OSError:
            pass
    subprocess.run(["umount", str(mount)], capture_output=True)


@pytest.fixture(scope="module")
def with_v2(v2_parent, request):
    base, controller = v2_parent
    patch = pytest.MonkeyPatch()
    patch.setattr(isolation, "open_cgroups",
                  lambda mode: cgroups.CgroupsV2(base, isolation.SUBMISSION_MEMORY, isolation.SUBMISSION_PIDS,
                                                 controllers=(controller,)))
    mode = isolation.Mode(True, "", 2, isolation.OWN, str(base))
    zygote = Zygote(mode)
    patch.undo()
    zygote.wait_ready()
    yield zygote
    zygote.close()
    assert not zygote.cgroups.folder.exists()


def test_with_namespaces_on_v2_the_grader_puts_the_child_in_its_group(with_v2):
    child = loaded_child(with_v2)
    try:
        assert child.pid in with_v2.cgroups.pids(child.cgroup)
        assert ask(child, "euid") in isolation.uid_range(os.getpid())
    finally:
        child.kill()


def test_with_namespaces_on_v2_ending_a_child_empties_and_removes_its_group(with_v2):
    child = loaded_child(with_v2)
    ask(child, "start")
    group = child.cgroup
    inside = with_v2.cgroups.pids(group)
    assert len(inside) >= 2                    # the child and its daemon
    child.kill()
    assert all(gone(pid) for pid in inside)
    assert not (with_v2.cgroups.folder / group).exists()
