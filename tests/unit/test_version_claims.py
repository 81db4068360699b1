"""The Keras versions the chapters name for version-sensitive facts agree with the dependency bound.

A markdown cell that states a fact holding only from some Keras release on carries a marker,
`<!-- holds-since: keras X.Y.Z -->` (invisible on the page). For every marker, one of two must hold:

* pyproject.toml's lower bound on keras (`keras>=3.8`) is at least X.Y.Z, so every version a
  learner may install has the fact; or
* the cell's own text says "since Keras X.Y.Z" (or "since Keras X.Y"), so a learner on an older
  allowed version is told.

A chapter with a marker also prints, in a code cell, the Keras version and the backend it ran on
(`keras.__version__`, `keras.backend.backend()`), so the page shows where its numbers come from.
The notebooks are read as JSON: no Keras or TensorFlow import.
"""
import json
import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
MARKER = re.compile(r"<!--\s*holds-since:\s*keras\s+(\S+)\s*-->", re.IGNORECASE)
ANY_MARKER = re.compile(r"<!--\s*holds-since\b", re.IGNORECASE)
SINCE = re.compile(r"since Keras\s+(\d+\.\d+(?:\.\d+)?)", re.IGNORECASE)


def keras_lower_bound(pyproject_text: str) -> Version:
    deps = tomllib.loads(pyproject_text)["project"]["dependencies"]
    keras = [Requirement(d) for d in deps if Requirement(d).name.lower() == "keras"]
    assert len(keras) == 1, f"one keras requirement expected in pyproject.toml, found {len(keras)}"
    bounds = [Version(s.version) for s in keras[0].specifier if s.operator in (">=", "==", "~=")]
    assert bounds, f"keras has no lower bound in pyproject.toml: {keras[0]}"
    return max(bounds)


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def claim_problems(cell_text: str, bound: Version) -> list[str]:
    """What is wrong with the version claims of one markdown cell (empty: nothing)."""
    problems = []
    if len(ANY_MARKER.findall(cell_text)) != len(MARKER.findall(cell_text)):
        problems.append("a holds-since marker does not read `<!-- holds-since: keras X.Y.Z -->`")
    said = [Version(v) for v in SINCE.findall(cell_text)]
    for raw in MARKER.findall(cell_text):
        since = Version(raw)
        if bound >= since:
            continue
        if since not in said:        # Version("3.14") == Version("3.14.0")
            problems.append(f"the fact holds since Keras {since}, but pyproject allows keras>={bound} and the "
                            f"cell does not say \"since Keras {since}\" (raise the bound or say it)")
    return problems


def chapters():
    return sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))


def markdown_cells(path):
    nb = json.loads(path.read_text())
    return [(c.get("id", "?"), _source(c)) for c in nb["cells"] if c["cell_type"] == "markdown"]


def claims():
    return [(path.name, cid, text) for path in chapters() for cid, text in markdown_cells(path)
            if ANY_MARKER.search(text)]


BOUND = keras_lower_bound((ROOT / "pyproject.toml").read_text())


def test_the_book_has_version_claims():
    """Chapter 07's activity-regularizer fact (Keras 3.14.0) is marked: the rule has something to test."""
    marked = {(name, v) for name, _, text in claims() for v in MARKER.findall(text)}
    assert ("07_loss_mechanics.ipynb", "3.14.0") in marked, sorted(marked)


@pytest.mark.parametrize("name,cell_id,text", claims(), ids=lambda v: v if isinstance(v, str) and len(v) < 40 else "")
def test_claim_agrees_with_the_dependency_bound(name, cell_id, text):
    assert claim_problems(text, BOUND) == [], f"{name}, cell {cell_id}"


@pytest.mark.parametrize("path", sorted({ROOT / "solutions" / name for name, _, _ in claims()}),
                         ids=lambda p: p.name)
def test_a_chapter_with_claims_prints_its_keras_version_and_backend(path):
    nb = json.loads(path.read_text())
    code = [_source(c) for c in nb["cells"] if c["cell_type"] == "code"]
    assert any("keras.__version__" in s and "keras.backend.backend()" in s for s in code), \
        f"{path.name} marks version-sensitive facts but no code cell prints keras.__version__ and the backend"


def test_the_rule_fails_when_it_should():
    """The checker itself: a claim newer than the bound fails unless the text says since when."""
    bound = Version("3.8")
    marked = "<!-- holds-since: keras 3.14.0 -->\nThe activity penalty is divided by the batch size."
    assert claim_problems(marked, bound)                                   # silent about the version
    assert claim_problems(marked + " That holds since Keras 3.13.", bound)  # the wrong version
    assert claim_problems(marked.replace("keras 3.14.0", "3.14.0"), bound)  # malformed marker
    assert claim_problems(marked + " (since Keras 3.14)", bound) == []
    assert claim_problems(marked + " (since Keras 3.14.0)", bound) == []
    assert claim_problems(marked, Version("3.14.0")) == []                  # the bound covers it
    assert claim_problems("<!-- holds-since: keras 3.8.0 -->\nA fact.", bound) == []


def test_the_bound_is_read_from_pyproject():
    text = '[project]\nname = "x"\ndependencies = ["numpy", "keras>=3.8,<4"]\n'
    assert keras_lower_bound(text) == Version("3.8")
    with pytest.raises(AssertionError):
        keras_lower_bound('[project]\nname = "x"\ndependencies = ["keras"]\n')
