"""Grading across machines (autograder/shards.py): a stable split, and merging shard outputs into exactly
what one run writes (with faked checks: tests/class_runs.py)."""
import os

import pytest

import class_runs
from autograder.shards import MergeError, Shard, merge, shard_of

CLASS = {f"learner{i:02d}/05_x.py": i % 11 for i in range(12)}


@pytest.fixture
def fake(monkeypatch):
    class_runs.install(monkeypatch)


def _shards(tmp_path, paths, n=3, **options):
    outs = []
    for k in range(n):
        out = tmp_path / f"shard{k}"
        class_runs.run(paths, out, shard=Shard(k, n), **options)
        outs.append(out)
    return outs


def _files(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("results.json")}


@pytest.mark.parametrize("text", ["3/3", "-1/3", "1", "a/b", "1/0"])
def test_a_shard_outside_0_to_n_minus_1_is_refused(text):
    with pytest.raises(ValueError):
        Shard.parse(text)


def test_every_name_is_in_exactly_one_shard():
    names = [f"s{i}/05_x.py" for i in range(50)]
    assert sorted(n for k in range(4) for n in names if Shard(k, 4).holds(n)) == sorted(names)


def test_adding_a_file_moves_no_other_file_to_another_shard():
    names = [f"s{i}/05_x.py" for i in range(50)]
    before = {n: shard_of(n, 5) for n in names}
    after = {n: shard_of(n, 5) for n in [*names[:20], "newcomer/05_x.py", *names[20:]]}
    assert all(after[n] == k for n, k in before.items())


def test_three_merged_shards_equal_the_single_run_byte_for_byte(fake, tmp_path):
    paths = class_runs.corpus(tmp_path / "in", CLASS)
    class_runs.run(paths, tmp_path / "once")
    merge(tmp_path / "merged", _shards(tmp_path, paths))
    assert (tmp_path / "merged" / "grades.csv").read_bytes() == (tmp_path / "once" / "grades.csv").read_bytes()
    assert _files(tmp_path / "merged") == _files(tmp_path / "once")


def test_a_shard_that_graded_nothing_merges_without_a_missing_shard_warning(fake, tmp_path):
    paths = class_runs.corpus(tmp_path / "in", {"a/05_x.py": 1})
    merged = merge(tmp_path / "merged", _shards(tmp_path, paths, n=4))
    assert merged.records == 1 and merged.warnings == []


def test_a_missing_shard_is_named_in_a_warning(fake, tmp_path):
    outs = _shards(tmp_path, class_runs.corpus(tmp_path / "in", CLASS))
    assert merge(tmp_path / "merged", outs[:2]).warnings == ["shard 2/3 is missing (or graded nothing)"]


def test_shards_graded_with_different_seeds_are_refused_and_nothing_is_written(fake, tmp_path):
    paths = class_runs.corpus(tmp_path / "in", CLASS)
    outs = _shards(tmp_path, paths)
    class_runs.run(paths, outs[1], shard=Shard(1, 3), seed=5)
    with pytest.raises(MergeError, match="different settings"):
        merge(tmp_path / "merged", outs)
    assert not (tmp_path / "merged").exists()


def test_a_submission_graded_differently_in_two_shards_is_refused(fake, tmp_path):
    paths = class_runs.corpus(tmp_path / "in", CLASS)
    class_runs.run(paths[:1], tmp_path / "a")
    paths[0].write_text("3\n")
    class_runs.run(paths[:1], tmp_path / "b")
    with pytest.raises(MergeError, match="05_x.py was graded in .* and in .* with different results"):
        merge(tmp_path / "merged", [tmp_path / "a", tmp_path / "b"])


def test_the_same_submission_graded_alike_in_two_shards_is_merged_once(fake, tmp_path):
    paths = class_runs.corpus(tmp_path / "in", CLASS)
    class_runs.run(paths, tmp_path / "a")
    class_runs.run(paths, tmp_path / "b")
    assert merge(tmp_path / "merged", [tmp_path / "a", tmp_path / "b"]).records == len(CLASS)


def test_a_results_json_planted_as_a_link_in_a_shard_is_refused(fake, tmp_path):
    paths = class_runs.corpus(tmp_path / "in", CLASS)
    class_runs.run(paths, tmp_path / "a")
    secret = tmp_path / "secret.json"
    secret.write_text('{"seed": "x"}')
    planted = tmp_path / "a" / "submissions" / "learner03" / "05_x.py" / "results.json"
    planted.unlink()
    planted.symlink_to(secret)
    with pytest.raises(MergeError, match="link"):
        merge(tmp_path / "merged", [tmp_path / "a"])


def test_a_folder_that_is_not_a_grade_output_is_refused(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(MergeError, match="no grades.jsonl"):
        merge(tmp_path / "merged", [tmp_path / "empty"])
