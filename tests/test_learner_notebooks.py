"""The learner notebooks run top to bottom, and only the exercise stubs raise."""
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from autograder import exercises

ROOT = Path(__file__).resolve().parent.parent
LEARNER_NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module", params=LEARNER_NOTEBOOKS, ids=lambda p: p.stem)
def executed(request):
    nb = nbformat.read(request.param, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(request.param.parent)}}).execute()
    return request.param, nb


def _errors(cell):
    return [o for o in cell.get("outputs", []) if o.output_type == "error"]


def test_only_stub_cells_raise(executed):
    path, nb = executed
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        is_stub = "raise NotImplementedError" in cell.source
        errors = _errors(cell)
        if is_stub:
            assert [e.ename for e in errors] == ["NotImplementedError"], \
                f"{path.name} cell {index}: the stub should raise NotImplementedError when tried"
        else:
            assert errors == [], f"{path.name} cell {index} raised {[e.ename for e in errors]}"


def test_self_check_reports_every_exercise_as_not_written(executed):
    path, nb = executed
    chapter = exercises.chapter_for_slug(path.stem)
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    for ex in exercises.exercises_for(chapter.id):
        assert f"{ex.name}\n  ✗ not written yet" in text
    assert "checks pass." in text


def test_outputs_have_no_tensorflow_noise_or_warnings(executed):
    path, nb = executed
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                assert out.name == "stdout", f"{path.name} cell {index} wrote to stderr: {out.text[:200]}"
                for noise in ("I0000", "E0000", "WARNING", "Warning:", "oneDNN"):
                    assert noise not in out.text, f"{path.name} cell {index}: {out.text[:200]}"
