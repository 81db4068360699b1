"""solutions/ can serve as nbgrader source notebooks: nbgrader's cell metadata, schema version 3.

nbgrader is too heavy to install for the test suite, so these tests apply the rules
of its documented format (nbgrader/nbgraderformat/v3: the JSON schema and the
validator's extra checks) to the metadata `release` writes.
"""
import jsonschema
import nbformat
import pytest

from autograder import release

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
