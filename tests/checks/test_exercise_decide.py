"""decide (chapter 11), graded by outcome: what the corpus files do not show.

The corpus (tests/submissions/one_flaw/decide__*.py, tests/submissions/reference/ch11.py) shows that
each classic flaw costs its own keys under 20 seeds; here: constant rules earn nothing, hidden
messages show no number drawn from the seed, and a wrong form is named.
"""
import re
import runpy
from pathlib import Path

import numpy as np
import pytest

from autograder.runner import InProcess, run_exercise

NAME = "decide"
SEED = 3
ONE_FLAW = Path(__file__).resolve().parents[1] / "submissions" / "one_flaw"


@pytest.mark.parametrize("value", [0, 1])
def test_a_constant_rule_earns_nothing(value):
    def decide(x_train, y_train, x_val, y_val, x_test, cost_fp, cost_fn):
        return np.full(len(x_test), value)
    results = run_exercise(NAME, InProcess({NAME: decide}), seed=SEED)
    assert [(r.key, r.hidden) for r in results if r.passed] == []


def test_hidden_messages_show_no_number_of_the_hidden_data():
    namespace = runpy.run_path(str(ONE_FLAW / "decide__threshold_half.py"))
    results = run_exercise(NAME, InProcess(namespace), seed=SEED)
    hidden = [r for r in results if r.hidden and not r.passed]
    assert {r.key for r in hidden} == {"values", "cost-sensitive"}
    for r in hidden:
        assert not re.search(r"\d\.\d", r.message) and "your decisions" in r.message, r.message
    public = next(r for r in results if not r.hidden and r.key == "values")
    assert "the reference's 0." in public.message and "decide 1 for" in public.message
