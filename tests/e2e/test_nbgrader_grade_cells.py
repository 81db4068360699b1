"""The grade cells of `python -m autograder nbgrader`, executed as nbgrader's autograde executes a
submission (in order, in one kernel, errors allowed): each passes on the solution and fails on the
stub nbgrader's generate_assignment leaves in its place."""
import nbformat
import pytest
from nbclient import NotebookClient

from autograder import exercises, nbgrader_source, release

CHAPTER = exercises.chapter("02")
SETUP = "import numpy as np\nimport keras\nfrom keras import ops"


def _graded(stub: bool) -> dict[str, bool]:
    """{grade_id: passed} after running the chapter's solution cells (or their stubs) and grade cells."""
    source = nbgrader_source.source_notebook(nbformat.read(release.SOLUTIONS / f"{CHAPTER.slug}.ipynb", 4), CHAPTER)
    nb = nbformat.v4.new_notebook(metadata=source.metadata)
    nb.cells = [nbformat.v4.new_code_cell(SETUP)]
    for cell in source.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") or meta.get("grade"):
            if stub and meta.get("solution"):
                cell = nbformat.v4.new_code_cell(release.stub_source(cell.source, "test"), metadata=cell.metadata)
            nb.cells.append(cell)
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True).execute()
    return {c.metadata["nbgrader"]["grade_id"]: not any(o.get("output_type") == "error" for o in c.outputs)
            for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")}


@pytest.mark.parametrize("stub,passed", [(False, True), (True, False)], ids=["solution", "stub"])
def test_each_grade_cell_passes_on_the_solution_and_fails_on_the_stub(stub, passed):
    assert _graded(stub) == {f"test_{ex.name}": passed for ex in exercises.exercises_for(CHAPTER.id)}
