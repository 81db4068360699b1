"""The registry's references and forbidden objects resolve: the answer key's source runs, each of its
modules stands alone, and every forbidden name exists in the installed libraries (these import Keras)."""
import pytest

from autograder import exercises, references

NAMES = [ex.name for ex in exercises.EXERCISES]


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


@pytest.mark.parametrize("name", NAMES)
def test_forbidden_objects_exist(name):
    from autograder.probes import _resolve
    import keras  # noqa: F401
    for dotted in exercises.exercise(name).forbidden:
        assert _resolve(dotted) is not None, dotted
