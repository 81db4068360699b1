"""cgroup v2 on the real kernel (autograder/cgroups.py): delegation under the "no internal processes"
rule, the grader moving a process into a submission's group, killing all of it, removing it.

This machine binds memory and pids to cgroup v1, so its v2 hierarchy (mounted here in a temporary
folder) offers other controllers only; these tests use one of those (hugetlb here) in place of memory
and pids. The kernel's rules for moving processes and enabling controllers are the same for all.
Needs root and a kernel that lets it mount cgroup2; skipped otherwise.
"""
import errno
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from processes import gone

from autograder import cgroups

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="mounting cgroup2 needs root")


def _mount(target: Path, options="") -> bool:
    target.mkdir(parents=True, exist_ok=True)
    extra = ["-o", options] if options else []
    return subprocess.run(["mount", "-t", "cgroup2", *extra, "none", str(target)],
                          capture_output=True).returncode == 0


def _umount(target: Path):
    subprocess.run(["umount", str(target)], capture_output=True)


@pytest.fixture(scope="module")
def v2(tmp_path_factory):
    """(where cgroup2 is mounted, a controller the test may enable there)."""
    mount = tmp_path_factory.mktemp("cg2")
    if not _mount(mount):
        pytest.skip("cgroup2 cannot be mounted here")
    available = (mount / "cgroup.controllers").read_text().split()
    chosen = next((c for c in ("pids", "memory", "hugetlb", "misc", "rdma") if c in available), None)
    if chosen is None:
        _umount(mount)
        pytest.skip("the cgroup v2 hierarchy here has no controller to enable")
    before = (mount / "cgroup.subtree_control").read_text().split()
    (mount / "cgroup.subtree_control").write_text(f"+{chosen}")   # the real root: allowed with processes
    yield mount, chosen
    if chosen not in before:
        try:
            (mount / "cgroup.subtree_control").write_text(f"-{chosen}")
        except OSError:
            pass
    _umount(mount)


def sleeper() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])


def group_of(pid: int) -> str:
    return cgroups.own_v2_group(Path(f"/proc/{pid}/cgroup").read_text())




@pytest.fixture
def container(v2):
    """A group standing for a container's: two processes in it, no controller enabled for its children."""
    mount, _ = v2
    folder = mount / f"container-{os.getpid()}-{time.monotonic_ns()}"
    folder.mkdir()
    procs = [sleeper(), sleeper()]
    for p in procs:
        (folder / "cgroup.procs").write_text(str(p.pid))
    yield folder, procs
    for p in procs:
        p.kill()
        p.wait()
    for sub in sorted(folder.rglob("*"), key=lambda p: -len(p.parts)):
        if sub.is_dir():
            for _ in range(100):
                try:
                    sub.rmdir()
                    break
                except OSError:
                    time.sleep(0.02)
    try:
        (folder / "cgroup.subtree_control").write_text("")
    except OSError:
        pass
    folder.rmdir()


def test_the_kernel_refuses_controllers_for_children_of_a_group_that_holds_processes(v2, container):
    (_, controller), (folder, _) = v2, container
    with pytest.raises(OSError) as refused:
        (folder / "cgroup.subtree_control").write_text(f"+{controller}")
    assert refused.value.errno == errno.EBUSY          # what delegate_v2 exists to avoid


def test_delegation_moves_every_process_of_the_group_into_a_leaf_and_enables_the_controller(v2, container):
    (mount, controller), (folder, procs) = v2, container
    base = cgroups.delegate_v2(mount, "/" + folder.name, controllers=(controller,))
    assert base == folder
    assert controller in (folder / "cgroup.subtree_control").read_text().split()
    assert (folder / "cgroup.procs").read_text() == ""
    assert all(group_of(p.pid) == f"/{folder.name}/init" for p in procs)


def test_the_grader_puts_a_process_in_a_submissions_group_and_ending_it_kills_what_it_started(v2, container):
    (mount, controller), (folder, _) = v2, container
    base = cgroups.delegate_v2(mount, "/" + folder.name, controllers=(controller,))
    run = cgroups.CgroupsV2(base, 2 * 1024 ** 3, 128, controllers=(controller,))
    run.make("c1")
    # a process that starts a detached daemon (its own session) and reports the daemon's pid
    proc = subprocess.Popen([sys.executable, "-c",
                             "import os, sys, time\nsys.stdin.readline()\nr, w = os.pipe()\n"
                             "if os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
                             "        os.write(w, str(os.getpid()).encode().ljust(16)); time.sleep(120)\n"
                             "    os._exit(0)\nprint(int(os.read(r, 16)), flush=True)\ntime.sleep(120)\n"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        run.add("c1", proc.pid)                          # before it starts anything, as the sandbox does
        proc.stdin.write("go\n")
        proc.stdin.flush()
        daemon = int(proc.stdout.readline())
        assert run.pids("c1") >= {proc.pid, daemon}
        run.end("c1")
        assert gone(proc.pid) and gone(daemon)
        assert not (run.folder / "c1").exists()
    finally:
        proc.kill()
        proc.wait()
        run.close()
    assert not run.folder.exists()


def test_a_read_only_cgroup_mount_is_refused_with_the_reason(tmp_path):
    mount = tmp_path / "ro"
    if not _mount(mount, "ro"):
        pytest.skip("cgroup2 cannot be mounted read-only here")
    try:
        assert not cgroups.writable(mount)
        with pytest.raises(cgroups.CgroupError, match="read-only"):
            cgroups.delegate_v2(mount, "/", controllers=())
    finally:
        _umount(mount)
