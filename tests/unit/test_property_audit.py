"""Every property an exercise's text states has a check, and every check tests a stated property.

The registry lists, per exercise, `states = {check key: phrase}`; the phrase must
appear word for word in the exercise's text in its chapter (solutions/NN_*.ipynb:
the markdown from the exercise's heading to its first code cell).
"""
import json
import re
from pathlib import Path

import pytest

from autograder import exercises
from autograder.checks import checks_for

ROOT = Path(__file__).resolve().parents[2]
NAMES = [ex.name for ex in exercises.EXERCISES]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def exercise_text(ex) -> str:
    """The markdown of the exercise in its chapter's solution notebook."""
    slug = exercises.chapter(ex.chapter).slug
    cells = json.loads((ROOT / "solutions" / f"{slug}.ipynb").read_text(encoding="utf-8"))["cells"]
    pattern = re.compile(rf"^#+ Exercise [0-9.]+: `?{re.escape(ex.name)}`?", re.M)
    for i, cell in enumerate(cells):
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown" and pattern.search(source):
            text = [source]
            for later in cells[i + 1:]:
                if later["cell_type"] != "markdown":
                    break
                text.append("".join(later["source"]))
            return _flat("\n".join(text))
    raise LookupError(f"no 'Exercise N.M: {ex.name}' heading in {slug}")


@pytest.mark.parametrize("name", NAMES)
def test_every_check_key_is_a_stated_property(name):
    ex = exercises.exercise(name)
    keys = {c.key for c in checks_for(name, 0)}
    assert keys - set(ex.states) == set(), "checked but not stated"


@pytest.mark.parametrize("name", NAMES)
def test_every_stated_property_has_a_check(name):
    ex = exercises.exercise(name)
    keys = {c.key for c in checks_for(name, 0)}
    assert set(ex.states) - keys == set(), "stated but not checked"


@pytest.mark.parametrize("name", NAMES)
def test_every_stated_phrase_is_in_the_exercise_text(name):
    ex = exercises.exercise(name)
    text = exercise_text(ex)
    missing = {key: phrase for key, phrase in ex.states.items() if _flat(phrase) not in text}
    assert not missing


@pytest.mark.parametrize("name", NAMES)
def test_every_public_check_has_a_key_of_its_own(name):
    public = [c.key for c in checks_for(name, None)]
    assert len(public) == len(set(public))


@pytest.mark.parametrize("name", NAMES)
def test_every_hidden_check_is_the_twin_of_a_public_one(name):
    checks = checks_for(name, 0)
    public = {c.key for c in checks if not c.hidden}
    hidden = [c.key for c in checks if c.hidden]
    assert set(hidden) <= public and len(hidden) == len(set(hidden))


@pytest.mark.parametrize("name", NAMES)
def test_the_core_values_weigh_more_than_any_other_check(name):
    checks = [c for c in checks_for(name, None)]
    (core,) = [c for c in checks if c.key == "values"]
    assert all(core.weight > c.weight for c in checks if c is not core)
