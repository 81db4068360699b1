"""A submission's cgroup on cgroup v2 (autograder/cgroups.py, `CgroupsV2`), against a fake tree of plain
folders and files in the shape of the unified hierarchy (this machine's v2 hierarchy has no memory or
pids controller; tests/e2e/test_isolation_cgroup2.py runs the same class on the real kernel)."""
import subprocess
import sys

import pytest

from autograder import cgroups

MEMORY, PIDS = 2 * 1024 ** 3, 128


@pytest.fixture
def run(tmp_path):
    parent = tmp_path / "grader-group"
    parent.mkdir()
    (parent / "cgroup.subtree_control").write_text("memory pids")
    return cgroups.CgroupsV2(parent, MEMORY, PIDS)


def test_the_run_has_a_group_of_its_own_that_passes_memory_and_pids_to_its_children(run, tmp_path):
    assert run.folder.parent == tmp_path / "grader-group" and run.folder.name.startswith("autograder-")
    assert (run.folder / "cgroup.subtree_control").read_text() == "+memory +pids"


def test_a_submissions_group_gets_the_memory_and_process_limits(run):
    run.make("c1")
    assert (run.folder / "c1" / "memory.max").read_text() == str(MEMORY)
    assert (run.folder / "c1" / "pids.max").read_text() == str(PIDS)


def test_swap_is_not_touched_where_the_kernel_has_no_swap_accounting(run):
    run.make("c1")
    assert not (run.folder / "c1" / "memory.swap.max").exists()


def test_the_grader_puts_the_process_in_the_group(run):
    run.make("c1")
    run.add("c1", 4321)
    assert (run.folder / "c1" / "cgroup.procs").read_text() == "4321"
    assert run.mounts == {}                  # on v2 a child never joins by itself


def test_peak_memory_is_memory_peak_where_the_kernel_has_it(run):
    run.make("c1")
    (run.folder / "c1" / "memory.peak").write_text("500\n")
    (run.folder / "c1" / "memory.current").write_text("200\n")
    assert run.peak_memory("c1") == 500


def test_peak_memory_is_the_current_use_on_kernels_before_memory_peak(run):
    run.make("c1")
    (run.folder / "c1" / "memory.current").write_text("200\n")
    assert run.peak_memory("c1") == 200


def test_ending_a_group_asks_the_kernel_to_kill_all_of_it(run):
    run.make("c1")
    (run.folder / "c1" / "cgroup.kill").write_text("0")
    run.end("c1", within=0.1)
    assert (run.folder / "c1" / "cgroup.kill").read_text() == "1"


def test_ending_a_group_without_cgroup_kill_kills_every_process_it_lists(run):
    run.make("c1")
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (run.folder / "c1" / "cgroup.procs").write_text(f"{sleeper.pid}\n")
        run.end("c1", within=0.5)
        assert sleeper.wait(timeout=10) == -9
    finally:
        sleeper.kill()


def test_an_empty_group_is_removed_when_it_ends(tmp_path):
    parent = tmp_path / "grader-group"
    parent.mkdir()
    (parent / "cgroup.subtree_control").write_text("memory pids")
    run = cgroups.CgroupsV2(parent, MEMORY, PIDS, controllers=())   # nothing written in the group
    run.make("c1")
    run.end("c1", within=0.1)
    assert not (run.folder / "c1").exists()


def test_the_grader_reads_its_own_v2_group_from_proc_self_cgroup():
    assert cgroups.own_v2_group("0::/system.slice/runner.service\n") == "/system.slice/runner.service"
    assert cgroups.own_v2_group("4:memory:/x\n0::/\n") == "/"
    assert cgroups.own_v2_group("4:memory:/x\n") == ""

