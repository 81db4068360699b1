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
    keys = [(c.key, c.hidden) for c in public + hidden]
    assert len(keys) == len(set(keys)), "two checks of one exercise share a key"


def test_every_reference_is_in_the_answer_key_source():
    scope = {}
    exec(compile(references.answer_key_source(), "<answer key>", "exec"), scope)
    exercises_ = {k for k in scope["NAMESPACE"] if not k.startswith("answer_key.")}
    assert sorted(exercises_) == sorted(NAMES)


@pytest.mark.parametrize("module", sorted(references.modules()))
def test_an_answer_key_module_stands_alone(module):
    """Its text runs in another process: it imports what it needs and defines every name it uses."""
    scope = {"__name__": f"answer_key.{module}"}
    exec(compile(references.modules()[module], f"answer_key/{module}.py", "exec"), scope)
    for helper in references.exposed(references.modules()[module]):
        assert callable(scope[helper]), helper


@pytest.mark.parametrize("name", [ex.name for ex in exercises.EXERCISES if ex.reference.startswith("answer_key.")])
def test_a_reference_in_the_answer_key_is_callable(name):
    assert callable(references.namespace()[name])


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
