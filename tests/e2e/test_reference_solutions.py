"""The reference solutions score full marks, public and hidden checks, through the real CLI.

The chapter solution notebooks in solutions/ are graded as they are (the grader
picks the cells the exercises need), together with a second correct answer to each
chapter's exercises, written another way (tests/submissions/reference/: plain
keras.ops and NumPy, no code shared with the notebooks), so that a correct answer
that does not copy the notebook's is known to score full marks too.
"""
import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import exercises

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
REFERENCES = sorted((ROOT / "tests" / "submissions" / "reference").glob("ch*.py"))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    out = tmp_path_factory.mktemp("grades")
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", "--seed", "424242", "--jobs", "2",
                           "--out", str(out), *map(str, SOLUTIONS + REFERENCES)],
                          cwd=ROOT, capture_output=True, text=True)
    rows = {row["submission"]: row for row in csv.DictReader((out / "grades.csv").open())}
    return proc, rows, out


def test_grading_the_references_exits_zero(graded):
    proc, _, _ = graded
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_exercise_of_every_chapter_has_a_reference(graded):
    _, rows, _ = graded
    chapters = set()
    for path in SOLUTIONS:
        chapters.add(exercises.chapter_for_slug(path.stem).id)
    for path in REFERENCES:
        chapters.add(path.stem[2:4])
    wanted = {ex.chapter for ex in exercises.EXERCISES}
    assert wanted <= chapters, f"no reference for chapters {sorted(wanted - chapters)}"


@pytest.mark.parametrize("path", SOLUTIONS + REFERENCES, ids=lambda p: p.name)
def test_reference_scores_full_marks(graded, path):
    _, rows, out = graded
    name = str(path.relative_to(ROOT))          # its name in the batch: the path below the common folder
    row = rows[name]
    assert row["status"] == "graded"
    failed = []
    results = json.loads((out / "submissions" / name / "results.json").read_text())
    failed = [f"{t['name']}: {t['output']}" for t in results["tests"] if t["status"] != "passed"]
    assert failed == []
    assert float(row["total"]) == float(row["max_total"]) > 0
