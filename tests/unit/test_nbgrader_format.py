"""nbgrader source notebooks: the solutions' nbgrader cell metadata (schema version 3) and the grade
cells `python -m autograder nbgrader` adds, one per exercise, worth its points.

nbgrader is too heavy to install for the test suite, so these tests apply the rules
of its documented format (nbgrader/nbgraderformat/v3: the JSON schema and the
validator's extra checks) to the metadata `release` writes.
"""
import jsonschema
import nbformat
import pytest

from autograder import exercises, nbgrader_source, release

NBGRADER_V3_CELL_SCHEMA = {
    "type": "object",
    "properties": {
        "schema_version": {"type": "integer", "minimum": 3, "maximum": 3},
        "grade": {"type": "boolean"},
        "locked": {"type": "boolean"},
        "solution": {"type": "boolean"},
        "task": {"type": "boolean"},
        "grade_id": {"type": "string", "pattern": r"^[a-zA-Z0-9_\-]*$"},
        "points": {"type": "number", "minimum": 0},
        "checksum": {"type": "string", "minLength": 32, "maxLength": 32},
        "cell_type": {"type": "string", "enum": ["raw", "code", "markdown"]},
    },
    "required": ["schema_version", "grade", "locked", "solution"],
    "additionalProperties": False,
}

SOLUTIONS = release.solution_paths()


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_every_cell_with_solution_markers_is_an_nbgrader_solution_cell(path):
    # nbgrader stops with "Solution region detected in a non-solution cell" otherwise.
    for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
        if release.BEGIN in cell.source:
            meta = cell.metadata.get("nbgrader")
            assert meta and meta["solution"] is True, f"{path.name} cell {index} has no nbgrader solution metadata"


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_nbgrader_metadata_follows_schema_version_3(path):
    ids = []
    for cell in nbformat.read(path, as_version=4).cells:
        meta = cell.metadata.get("nbgrader")
        if meta is None:
            continue
        jsonschema.validate(meta, NBGRADER_V3_CELL_SCHEMA)
        assert cell.cell_type == "code"                      # markdown solution cells would need grade: true
        assert not meta["grade"] or "points" in meta
        if meta["grade"] or meta["solution"] or meta["locked"]:
            assert meta.get("grade_id"), "nbgrader needs a grade_id"
            ids.append(meta["grade_id"])
    assert len(ids) == len(set(ids)), f"{path.name}: duplicate grade ids {ids}"


def test_grade_id_is_the_exercise_the_cell_defines():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("def huber(y_true, y_pred):\n    ### BEGIN SOLUTION\n    return 0\n"
                                          "    ### END SOLUTION\n"),
                nbformat.v4.new_code_cell("print('no solution here')")]
    marked = release.with_nbgrader_metadata(nb)
    assert marked.cells[0].metadata["nbgrader"]["grade_id"] == "huber"
    assert "nbgrader" not in marked.cells[1].metadata


def _source(path):
    return nbgrader_source.source_notebook(nbformat.read(path, as_version=4),
                                           exercises.chapter_for_slug(path.stem))


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_each_exercise_has_one_locked_grade_cell_worth_its_points(path):
    grades = [c.metadata["nbgrader"] for c in _source(path).cells
              if c.metadata.get("nbgrader", {}).get("grade")]
    chapter = exercises.chapter_for_slug(path.stem)
    assert [(m["grade_id"], m["points"], m["locked"]) for m in grades] == [
        (f"test_{ex.name}", ex.points, True) for ex in exercises.exercises_for(chapter.id)]


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_a_grade_cell_follows_the_cell_that_defines_its_exercise_and_follows_schema_3(path):
    cells = _source(path).cells
    for index, cell in enumerate(cells):
        meta = cell.metadata.get("nbgrader", {})
        if meta:
            jsonschema.validate(meta, NBGRADER_V3_CELL_SCHEMA)
        if meta.get("grade"):
            name = meta["grade_id"].removeprefix("test_")
            assert name in release.defined_names(cells[index - 1].source) or cells[index - 1].metadata.get(
                "nbgrader", {}).get("grade"), f"{path.name}: the grade cell of {name} is not after its solution"
            assert f"self_check({name!r})" in cell.source


def test_a_chapter_whose_solutions_lack_an_exercise_is_refused():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("def mse(y_true, y_pred):\n    ### BEGIN SOLUTION\n    return 0\n"
                                          "    ### END SOLUTION\n")]
    with pytest.raises(release.ReleaseError, match="huber"):
        nbgrader_source.source_notebook(nb, exercises.chapter("02"))
