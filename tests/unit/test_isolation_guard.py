"""The isolation guard (autograder/isolation.py) says what it can put around submissions on each kind of
host, and why a part is missing, instead of failing inside the sandbox.

Hosts are described by a fake `Host` and fake cgroup trees (plain folders and files): this machine is
one host kind only.
"""
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from autograder import isolation

NO_BWRAP = "bubblewrap is not installed (apt-get install bubblewrap)"
NO_USERNS = "bubblewrap cannot create namespaces here (bwrap: No permissions to create new namespace)"


@dataclass
class FakeHost:
    """A machine as `detect` sees it."""

    cgroup_root: Path
    platform: str = "linux"
    root: bool = True
    folders: list = field(default_factory=lambda: ["/usr/lib/python3.11", "/opt/venv"])
    readable: bool = True
    bwrap: str = ""                       # "" : bubblewrap works
    group: str = "/"                      # its cgroup v2 group
    read_only: bool = False               # its cgroup file system

    def is_root(self):
        return self.root

    def python_folders(self):
        return self.folders

    def python_readable_by_others(self):
        return self.readable

    def bubblewrap(self):
        return self.bwrap

    def own_cgroup(self):
        return self.group

    def cgroup_writable(self, folder):
        return not self.read_only


def v1_tree(tmp_path) -> Path:
    root = tmp_path / "cgroup"
    for controller in ("memory", "pids"):
        (root / controller).mkdir(parents=True)
        (root / controller / "cgroup.procs").write_text("1\n")
    return root


def v2_tree(tmp_path, delegated="cpu io memory pids", procs="1\n42\n", kind="container") -> Path:
    """A unified hierarchy as a container with a cgroup namespace sees it (`kind` "host": the real root)."""
    root = tmp_path / "cgroup"
    root.mkdir()
    (root / "cgroup.controllers").write_text(delegated + "\n")
    (root / "cgroup.subtree_control").write_text("")
    (root / "cgroup.procs").write_text(procs)
    if kind == "container":
        (root / "cgroup.type").write_text("domain\n")
    return root


@pytest.fixture(autouse=True)
def isolation_not_turned_off(monkeypatch):
    monkeypatch.delenv("AUTOGRADER_ISOLATION", raising=False)


# --------------------------------------------------------------------------- each host kind

def test_cgroup_v1_with_root_and_bubblewrap_is_fully_isolated(tmp_path):
    root = v1_tree(tmp_path)
    mode = isolation._detect(FakeHost(root))
    assert mode.isolated and mode.reason == ""
    assert (mode.namespaces, mode.cgroups, mode.user, mode.cgroup_root) == (True, 1, "own", str(root))


def test_cgroup_v2_with_delegation_root_and_bubblewrap_is_fully_isolated(tmp_path):
    root = v2_tree(tmp_path)
    mode = isolation._detect(FakeHost(root))
    assert mode.isolated and (mode.cgroups, mode.cgroup_root) == (2, str(root))


def test_cgroup_v2_read_only_keeps_namespaces_and_user_ids_and_says_cgroups_are_lost(tmp_path):
    mode = isolation._detect(FakeHost(v2_tree(tmp_path), read_only=True))
    assert not mode.isolated and (mode.namespaces, mode.cgroups, mode.user) == (True, 0, "own")
    assert "read-only" in mode.reason
    assert isolation.lost(mode) == [isolation._LOST_CGROUPS]


def test_cgroup_v2_without_memory_and_pids_delegated_says_which_are_missing(tmp_path):
    mode = isolation._detect(FakeHost(v2_tree(tmp_path, delegated="cpu io")))
    assert mode.cgroups == 0 and "memory and pids are not delegated" in mode.reason


def test_docker_default_without_bubblewrap_or_writable_cgroups_gets_a_user_id_per_submission(tmp_path):
    mode = isolation._detect(FakeHost(v2_tree(tmp_path), bwrap=NO_USERNS, read_only=True))
    assert (mode.namespaces, mode.cgroups, mode.user) == (False, 0, "own")
    assert "No permissions to create new namespace" in mode.reason and "read-only" in mode.reason
    assert isolation.lost(mode) == [isolation._LOST_NAMESPACES, isolation._LOST_CGROUPS]


def test_without_bubblewrap_but_with_cgroups_each_submission_still_gets_its_cgroup_and_user_id(tmp_path):
    mode = isolation._detect(FakeHost(v1_tree(tmp_path), bwrap=NO_BWRAP))
    assert not mode.isolated and (mode.namespaces, mode.cgroups, mode.user) == (False, 1, "own")
    assert mode.reason == NO_BWRAP and isolation.lost(mode) == [isolation._LOST_NAMESPACES]


def test_without_namespaces_a_python_others_cannot_read_leaves_submissions_as_the_graders_user(tmp_path):
    mode = isolation._detect(FakeHost(v1_tree(tmp_path), bwrap=NO_BWRAP, readable=False))
    assert mode.user == "grader" and "other users cannot read this Python" in mode.reason


def test_an_unprivileged_user_gets_process_limits_only(tmp_path):
    mode = isolation._detect(FakeHost(v2_tree(tmp_path), root=False))
    assert (mode.namespaces, mode.cgroups, mode.user) == (False, 0, "grader")
    assert "not root" in mode.reason and len(isolation.lost(mode)) == 3


def test_a_python_under_tmp_is_not_put_under_bubblewrap_and_says_why(tmp_path):
    host = FakeHost(v1_tree(tmp_path), folders=["/tmp/checkout/.venv", "/usr/lib/python3.11"])
    mode = isolation._detect(host)
    assert not mode.namespaces and "/tmp/checkout/.venv" in mode.reason and mode.cgroups == 1


def test_isolation_off_by_environment_says_so(monkeypatch):
    monkeypatch.setenv("AUTOGRADER_ISOLATION", "off")
    assert isolation._detect() == isolation.Mode(False, "AUTOGRADER_ISOLATION=off")


def test_a_mode_made_as_off_has_no_namespaces_or_cgroups():
    mode = isolation.Mode(False, "--isolation off")
    assert not mode.isolated and (mode.namespaces, mode.cgroups) == (False, 0)
    assert mode.user in ("nobody", "grader")


# --------------------------------------------------------------------------- the warning

def test_the_warning_lists_exactly_what_is_lost_on_this_host(tmp_path):
    mode = isolation._detect(FakeHost(v2_tree(tmp_path), bwrap=NO_BWRAP))
    text = isolation.warning(mode)
    assert text.startswith("WARNING: submissions are NOT isolated") and NO_BWRAP in text
    assert "no namespaces, cgroup v2, a user id per submission" in text
    assert isolation._LOST_NAMESPACES in text
    assert isolation._LOST_CGROUPS not in text and "grader's own user" not in text


def test_the_summary_names_each_part():
    mode = isolation.Mode(True, "", 2, "own", "/sys/fs/cgroup")
    assert mode.summary() == "namespaces, cgroup v2, a user id per submission" and isolation.lost(mode) == []


# --------------------------------------------------------------------------- v2 delegation

def test_in_a_container_its_processes_move_into_a_leaf_before_memory_and_pids_are_enabled(tmp_path):
    root = v2_tree(tmp_path, procs="1\n42\n")
    isolation._detect(FakeHost(root))
    assert (root / "init").is_dir() and (root / "init" / "cgroup.procs").read_text() in ("1", "42")
    assert (root / "cgroup.subtree_control").read_text() == "+memory +pids"


def test_at_the_real_root_nothing_moves_since_the_root_may_hold_processes(tmp_path):
    root = v2_tree(tmp_path, kind="host")
    mode = isolation._detect(FakeHost(root))
    assert mode.cgroups == 2 and not (root / "init").exists()
    assert (root / "cgroup.subtree_control").read_text() == "+memory +pids"


def test_a_group_with_memory_and_pids_already_enabled_is_used_as_it_is(tmp_path):
    root = v2_tree(tmp_path, procs="")
    (root / "cgroup.subtree_control").write_text("memory pids\n")
    assert isolation._detect(FakeHost(root)).cgroups == 2 and not (root / "init").exists()


def test_the_groups_go_below_the_graders_own_group_not_the_hierarchys_root(tmp_path):
    root = v2_tree(tmp_path, kind="host")
    pod = root / "kubepods.slice" / "pod1.scope"
    pod.mkdir(parents=True)
    (pod / "cgroup.controllers").write_text("memory pids\n")
    (pod / "cgroup.subtree_control").write_text("")
    (pod / "cgroup.procs").write_text("7\n")
    (pod / "cgroup.type").write_text("domain\n")
    mode = isolation._detect(FakeHost(root, group="/kubepods.slice/pod1.scope"))
    assert mode.cgroup_root == str(pod) and (pod / "init").is_dir()
    assert (root / "cgroup.subtree_control").read_text() == ""


def test_a_second_run_started_from_the_leaf_makes_its_groups_beside_it_not_below(tmp_path):
    root = v2_tree(tmp_path)
    isolation._detect(FakeHost(root))                     # the first run moved everything into init
    (root / "cgroup.subtree_control").write_text("memory pids\n")   # as the kernel shows it
    for name, text in (("cgroup.controllers", "memory pids\n"), ("cgroup.subtree_control", ""),
                       ("cgroup.type", "domain\n")):
        (root / "init" / name).write_text(text)
    mode = isolation._detect(FakeHost(root, group="/init"))
    assert mode.cgroup_root == str(root) and not (root / "init" / "init").exists()


def test_an_unknown_own_group_is_no_cgroups_and_says_why(tmp_path):
    mode = isolation._detect(FakeHost(v2_tree(tmp_path), group=""))
    assert mode.cgroups == 0 and "/proc/self/cgroup" in mode.reason
