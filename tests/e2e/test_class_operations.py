"""Class operations by the real command line: six chapter 05 submissions in one folder per learner (a full-
marks one, three one-flaw ones, the unanswered notebook, an R-kernel notebook) graded in one run and in three
shards merged, which must give the same grades.csv byte for byte and the same results.json files; and
`--isolation require` where isolation is impossible, which still writes every row and results.json."""
import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SUBMISSIONS = ROOT / "tests" / "submissions"
NOTEBOOK = ROOT / "notebooks" / "05_imbalanced_data.ipynb"
CLASS = {"alice": SUBMISSIONS / "reference" / "ch05.py",
         "bob": SUBMISSIONS / "one_flaw" / "balanced_class_weight__inverted.py",
         "carol": SUBMISSIONS / "one_flaw" / "binary_focal_crossentropy__gamma_ignored.py",
         "dan": NOTEBOOK,
         "erin": "an R notebook",
         "frank": SUBMISSIONS / "one_flaw" / "balanced_class_weight__float_keys.py"}
R_KERNEL = "this notebook's kernel is R, not Python"


def _autograder(*args, env=None):
    environ = {**os.environ, "AUTOGRADER_SEED": "class operations seed", **(env or {})}
    return subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], cwd=ROOT, env=environ,
                          capture_output=True, text=True, timeout=900)


def _class(folder: Path) -> list[Path]:
    paths = []
    for learner, source in CLASS.items():
        if source == "an R notebook":
            notebook = json.loads(NOTEBOOK.read_text())
            notebook["metadata"]["kernelspec"] = {"name": "ir", "language": "R", "display_name": "R"}
            path, text = folder / learner / "05_imbalanced_data.ipynb", json.dumps(notebook)
        else:
            path, text = folder / learner / f"05_imbalanced_data{source.suffix}", source.read_text()
        path.parent.mkdir(parents=True)
        path.write_text(text)
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The class graded once, and in three shards merged."""
    tmp = tmp_path_factory.mktemp("class")
    paths = _class(tmp / "class")
    common = ["grade", "--chapter", "05", "--isolation", "off", "--jobs", "2"]
    once = _autograder(*common, "--out", tmp / "once", *paths)
    shards = [_autograder(*common, "--shard", f"{k}/3", "--out", tmp / f"shard{k}", *paths) for k in range(3)]
    merged = _autograder("merge", "--out", tmp / "merged", *[tmp / f"shard{k}" for k in range(3)])
    return tmp, once, shards, merged


def _results(folder: Path) -> dict:
    return {str(p.relative_to(folder)): json.loads(p.read_text()) for p in folder.rglob("results.json")}


def _rows(folder: Path) -> dict:
    with open(folder / "grades.csv", newline="", encoding="utf-8") as f:
        return {row["submission"]: row for row in csv.DictReader(f)}


def test_three_merged_shards_give_the_single_runs_grades_csv_byte_for_byte(graded):
    tmp, once, shards, merged = graded
    assert merged.returncode == 0, merged.stderr
    assert (tmp / "merged" / "grades.csv").read_bytes() == (tmp / "once" / "grades.csv").read_bytes()


def test_three_merged_shards_give_the_single_runs_results_json_files(graded):
    tmp = graded[0]
    assert len(_results(tmp / "once")) == len(CLASS)
    assert _results(tmp / "merged") == _results(tmp / "once")


def test_the_shards_split_the_class_between_them(graded):
    tmp = graded[0]
    assert sorted(name for k in range(3) for name in _rows(tmp / f"shard{k}")) == sorted(_rows(tmp / "once"))


def test_each_row_names_its_learner_and_same_named_files_stay_apart(graded):
    rows = _rows(graded[0] / "once")
    assert {name: row["learner"] for name, row in rows.items()} == {
        f"{learner}/05_imbalanced_data{'.ipynb' if learner in ('dan', 'erin') else '.py'}": learner
        for learner in CLASS}


def test_an_r_kernel_notebook_is_not_run_and_says_why(graded):
    tmp, once = graded[0], graded[1]
    row = _rows(tmp / "once")["erin/05_imbalanced_data.ipynb"]
    assert row["status"] == f"not run: {R_KERNEL}" and row["max_total"] == "20" and row["total"] == "0"
    result = _results(tmp / "once")["submissions/erin/05_imbalanced_data.ipynb/results.json"]
    assert result["output"].startswith("Chapter 05: 0 of") and R_KERNEL in result["output"]
    assert once.returncode == 1


def test_without_a_terminal_each_submission_prints_one_progress_line(graded):
    lines = [line for line in graded[1].stderr.splitlines() if line.startswith("[")]
    assert sorted(line.split()[0] for line in lines) == [f"[{i}/6]" for i in range(1, 7)]
    assert any(line.startswith("[") and " alice/05_imbalanced_data.py 20/20 graded " in line for line in lines)


def test_isolation_required_and_impossible_writes_every_row_and_results_json_then_exits_2(tmp_path):
    paths = _class(tmp_path / "class")
    proc = _autograder("grade", "--chapter", "05", "--isolation", "require", "--out", tmp_path / "out", *paths,
                       env={"AUTOGRADER_ISOLATION": "off"})
    assert proc.returncode == 2
    rows = _rows(tmp_path / "out")
    assert len(rows) == len(CLASS)
    assert {row["status"] for row in rows.values()} == {"not run: isolation required: AUTOGRADER_ISOLATION=off"}
    results = _results(tmp_path / "out")
    assert len(results) == len(CLASS) and all(r["score"] == 0 and r["tests"] for r in results.values())
