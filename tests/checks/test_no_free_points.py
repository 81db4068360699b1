"""Nothing earns points for free: an unwritten stub and an answer that is wrong everywhere score 0.

Checks isolate one property each, some by judging a variant against the learner's own
answer on the plain case; that must never reward code that is simply wrong everywhere.
"""
import runpy
from pathlib import Path

import pytest

from autograder import exercises
from autograder.runner import InProcess, run_exercise

ZEROS = Path(__file__).resolve().parents[1] / "submissions" / "hostile" / "zeros_everywhere.py"
SEED = 5


def _stub(name):
    def stub(*args, **kwargs):
        raise NotImplementedError(f"{name}: write this exercise")
    return stub


@pytest.mark.parametrize("name", [ex.name for ex in exercises.EXERCISES])
def test_an_unwritten_stub_scores_nothing(name):
    results = run_exercise(name, InProcess({name: _stub(name)}), seed=SEED)
    assert [(r.key, r.hidden) for r in results if r.passed] == []


ZERO_ANSWERS = sorted(n for n in runpy.run_path(str(ZEROS)) if n in {ex.name for ex in exercises.EXERCISES})


@pytest.mark.parametrize("name", ZERO_ANSWERS)
def test_an_answer_of_zeros_everywhere_scores_nothing(name):
    results = run_exercise(name, InProcess(runpy.run_path(str(ZEROS))), seed=SEED)
    assert [(r.key, r.hidden) for r in results if r.passed] == []
