"""Every exercise's hint, followed literally, gives a solution that passes every check.

tests/submissions/hints/chNN.py holds, per chapter, the exercises written straight from the hint
the learner's stub shows (autograder/exercises.py); each is graded here, public and hidden checks.
"""
import runpy
from pathlib import Path

import pytest

from autograder import exercises
from autograder.runner import InProcess, run_exercise

HINTS = Path(__file__).resolve().parents[1] / "submissions" / "hints"
SEED = 31415


def hint_file(ex):
    return HINTS / f"ch{ex.chapter}.py"


def test_every_exercise_has_a_hint_following_solution():
    missing = [ex.name for ex in exercises.EXERCISES
               if not hint_file(ex).exists() or f" {ex.name}(" not in hint_file(ex).read_text()]
    assert missing == []


@pytest.mark.parametrize("name", [ex.name for ex in exercises.EXERCISES])
def test_the_hint_leads_to_a_solution_that_passes_every_check(name):
    ex = exercises.exercise(name)
    namespace = runpy.run_path(str(hint_file(ex)))
    failed = [(r.key, r.hidden, r.message) for r in run_exercise(name, InProcess(namespace), seed=SEED) if not r.passed]
    assert failed == [], f"hint: {ex.hint}"
