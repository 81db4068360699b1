"""The one exercise registry: every entry's checks, reference and forbidden objects resolve, and
nothing about an exercise is declared anywhere else."""
import ast
from pathlib import Path

import pytest

from autograder import exercises, references
from autograder.checks import builder_of

CHECKS = Path(__file__).resolve().parent.parent / "autograder" / "checks"
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
    titles = [c.title for c in public + hidden]
    assert len(titles) == len(set(titles)), "two checks of one exercise share a title"


def test_every_reference_is_in_the_answer_key_source():
    scope = {}
    exec(compile(references.answer_key_source(), "<answer key>", "exec"), scope)
    assert sorted(scope["NAMESPACE"]) == sorted(NAMES)


@pytest.mark.parametrize("name", [ex.name for ex in exercises.EXERCISES if ex.reference.startswith("autograder.")])
def test_a_reference_defined_in_a_checks_module_stands_alone(name):
    """Its source is sent to another process: it may use only keras, ops, np and what it defines."""
    ex = exercises.exercise(name)
    scope = {}
    source = references.PRELUDE + references._defined_source(ex.reference)[0]
    exec(compile(source, "<reference>", "exec"), scope)
    assert callable(scope[ex.reference.rsplit(".", 1)[1]])


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


@pytest.mark.parametrize("name", NAMES)
def test_forbidden_objects_exist(name):
    from autograder.probes import _resolve
    import keras  # noqa: F401
    for dotted in exercises.exercise(name).forbidden:
        assert _resolve(dotted) is not None, dotted
