"""The learner notebooks run top to bottom; only the exercise stubs and the self-check raise.

Each is executed once (tests/chapter_runs.py, where TensorFlow is at its noisiest) and the run is
stored until the notebook, the autograder or the pins change.

They are also a self-grading route: `pytest --nbval-lax` on a learner notebook
fails until every public check passes, and passes on a completed one.
"""
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import chapter_runs
from autograder import exercises, release

ROOT = Path(__file__).resolve().parents[2]
LEARNER_NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(params=LEARNER_NOTEBOOKS, ids=lambda p: p.stem)
def executed(request):
    return request.param, chapter_runs.learner_run(request.param.stem).executed


def _errors(cell):
    return [o for o in cell.get("outputs", []) if o.output_type == "error"]


def test_only_stub_cells_and_the_self_check_raise(executed):
    path, nb = executed
    for index, cell in enumerate(nb.cells[:-1]):
        if cell.cell_type != "code":
            continue
        is_stub = "raise NotImplementedError" in cell.source
        errors = _errors(cell)
        if is_stub:
            assert [e.ename for e in errors] == ["NotImplementedError"], \
                f"{path.name} cell {index}: the stub should raise NotImplementedError when tried"
        else:
            assert errors == [], f"{path.name} cell {index} raised {[e.ename for e in errors]}"
    assert [e.ename for e in _errors(nb.cells[-1])] == ["SelfCheckFailed"]


def test_self_check_reports_every_exercise_as_not_written(executed):
    path, nb = executed
    chapter = exercises.chapter_for_slug(path.stem)
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    for ex in exercises.exercises_for(chapter.id):
        assert f"{ex.name}\n  ✗ not written yet" in text
    assert "checks pass." in text and "Well done" not in text


def test_outputs_have_no_tensorflow_noise_or_warnings(executed):
    path, nb = executed
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                assert out.name == "stdout", f"{path.name} cell {index} wrote to stderr: {out.text[:200]}"
                for noise in ("I0000", "E0000", "WARNING", "Warning:", "oneDNN"):
                    assert noise not in out.text, f"{path.name} cell {index}: {out.text[:200]}"


def test_learner_notebooks_store_no_outputs_for_nbval_to_compare():
    for path in LEARNER_NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        assert not any({"nbval-check-output", "output-from-training"} & set(c.metadata.get("tags", []))
                       for c in nb.cells), path.name


# --------------------------------------------------------------------------- nbval as a self-grading route

def answered(learner_path: Path, tmp_path: Path) -> Path:
    """The learner notebook with every stub replaced by the reference solution (the markers dropped)."""
    learner = nbformat.read(learner_path, as_version=4)
    solution = nbformat.read(ROOT / "solutions" / learner_path.name, as_version=4)
    by_id = {c.id: c for c in solution.cells}
    for cell in learner.cells:
        if "raise NotImplementedError" in cell.source:
            source = by_id[cell.id].source
            cell.source = "\n".join(line for line in source.splitlines()
                                    if release.BEGIN not in line and release.END not in line)
    target = tmp_path / learner_path.name
    nbformat.write(learner, target)
    return target


def nbval(path: Path):
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--nbval-lax",
                           "--rootdir", str(path.parent), "-c", "/dev/null", str(path)],
                          cwd=path.parent, capture_output=True, text=True, timeout=600)


# One chapter (the quickest to run) stands for all: the route is the same for every notebook.
FIRST = LEARNER_NOTEBOOKS[0]


def test_nbval_fails_on_an_unanswered_learner_notebook(tmp_path):
    target = tmp_path / FIRST.name
    target.write_bytes(FIRST.read_bytes())
    proc = nbval(target)
    assert proc.returncode == 1, proc.stdout[-2000:]
    assert "SelfCheckFailed" in proc.stdout and "1 failed" in proc.stdout


def test_nbval_passes_on_a_completed_learner_notebook(tmp_path):
    proc = nbval(answered(FIRST, tmp_path))
    assert proc.returncode == 0, proc.stdout[-3000:]


def test_a_second_run_reuses_the_stored_execution(executed):
    path, _ = executed
    again = chapter_runs.learner_run.__wrapped__(path.stem)     # past this process's memo: the on-disk cache
    assert again.reused
