"""The one exercise registry: every entry's checks resolve, and nothing about an exercise is declared
anywhere else (its references and forbidden objects, which need Keras: checks/test_answer_key.py)."""
import ast
from pathlib import Path

import pytest

from autograder import exercises
from autograder.checks import builder_of

CHECKS = Path(__file__).resolve().parents[2] / "autograder" / "checks"
NAMES = [ex.name for ex in exercises.EXERCISES]


def test_exercise_names_are_unique():
    assert len(NAMES) == len(set(NAMES))


def test_every_exercise_belongs_to_a_chapter():
    ids = {ch.id for ch in exercises.CHAPTERS}
    assert [ex.name for ex in exercises.EXERCISES if ex.chapter not in ids] == []


@pytest.mark.parametrize("name", NAMES)
def test_the_checks_entry_names_a_builder_of_public_and_hidden_checks(name):
    ex = exercises.exercise(name)
    import numpy as np
    public = builder_of(ex)(ex, np.random.default_rng(0), hidden=False)
    hidden = builder_of(ex)(ex, np.random.default_rng(1), hidden=True)
    assert public and hidden
    assert all(c.exercise == name and not c.hidden for c in public)
    assert all(c.exercise == name and c.hidden for c in hidden)
    keys = [(c.key, c.hidden) for c in public + hidden]
    assert len(keys) == len(set(keys)), "two checks of one exercise share a key"





def test_every_builder_in_a_checks_module_is_named_by_the_registry():
    """No orphan: a public top-level builder fn(ex, rng, hidden) that no exercise names."""
    named = {ex.checks for ex in exercises.EXERCISES}
    for path in CHECKS.glob("*.py"):
        if path.name == "__init__.py":
            continue
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and [a.arg for a in node.args.args] == ["ex", "rng", "hidden"] \
                    and not node.name.startswith("_"):
                assert f"{path.stem}.{node.name}" in named, f"{path.stem}.{node.name} is registered by no exercise"
