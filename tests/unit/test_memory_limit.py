"""The container's memory limit, read from cgroup files (fake trees here)."""
from autograder.memory_limit import limit

MB = 1 << 20


def _write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_a_v2_container_reads_its_own_memory_max(tmp_path):
    _write(tmp_path / "memory.max", f"{768 * MB}\n")
    assert limit("0::/\n", tmp_path) == 768 * MB


def test_v2_max_means_no_limit(tmp_path):
    _write(tmp_path / "memory.max", "max\n")
    assert limit("0::/\n", tmp_path) is None


def test_a_v1_group_below_the_root_reads_its_limit(tmp_path):
    _write(tmp_path / "memory" / "memory.limit_in_bytes", "9223372036854771712\n")
    _write(tmp_path / "memory" / "bench" / "memory.limit_in_bytes", f"{1536 * MB}\n")
    assert limit("12:pids:/bench\n9:memory:/bench\n0::/\n", tmp_path) == 1536 * MB


def test_a_parents_smaller_limit_binds(tmp_path):
    _write(tmp_path / "a" / "memory.max", f"{768 * MB}\n")
    _write(tmp_path / "a" / "b" / "memory.max", "max\n")
    assert limit("0::/a/b\n", tmp_path) == 768 * MB


def test_nothing_readable_means_unknown(tmp_path):
    assert limit("0::/\n", tmp_path) is None
    assert limit("garbage", tmp_path) is None


def test_a_path_cannot_climb_out_of_the_cgroup_tree(tmp_path):
    _write(tmp_path / "memory.max", f"{512 * MB}\n")
    _write(tmp_path.parent / "memory.max", f"{1 * MB}\n")
    assert limit("0::/../..\n", tmp_path) == 512 * MB
