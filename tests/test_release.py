"""`python -m autograder release` turns solutions into learner notebooks."""
import subprocess
import sys
from pathlib import Path

import nbformat

from autograder import exercises, release

ROOT = Path(__file__).resolve().parent.parent


def test_notebooks_dir_is_up_to_date_with_solutions():
    proc = subprocess.run([sys.executable, "-m", "autograder", "release", "--check"],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_release_check_names_a_stale_notebook(tmp_path, monkeypatch):
    solutions, notebooks = tmp_path / "solutions", tmp_path / "notebooks"
    solutions.mkdir()
    notebooks.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("def mse(y_true, y_pred):\n    ### BEGIN SOLUTION\n    return 0\n    ### END SOLUTION\n")]
    nbformat.write(nb, solutions / "02_regression_losses.ipynb")
    (notebooks / "02_regression_losses.ipynb").write_text("{}")
    monkeypatch.setattr(release, "SOLUTIONS", solutions)
    monkeypatch.setattr(release, "NOTEBOOKS", notebooks)
    monkeypatch.setattr(release, "ROOT", tmp_path)
    import io
    out = io.StringIO()
    assert release.release(check=True, out=out) == 1
    assert "stale: notebooks/02_regression_losses.ipynb" in out.getvalue()


def test_solution_block_becomes_a_stub_with_the_registry_hint():
    source = ("def huber(y_true, y_pred, delta=1.0):\n"
              "    \"\"\"Huber.\"\"\"\n"
              "    ### BEGIN SOLUTION\n"
              "    e = y_pred - y_true\n"
              "    return e\n"
              "    ### END SOLUTION\n"
              "\n"
              "huber(1.0, 2.0)\n")
    stub = release.stub_source(source)
    assert "e = y_pred - y_true" not in stub
    assert "    raise NotImplementedError('huber: " in stub
    assert exercises.exercise("huber").hint in stub
    assert stub.endswith("huber(1.0, 2.0)\n")
    compile(stub, "<stub>", "exec")


def test_unbalanced_markers_are_an_error():
    try:
        release.stub_source("### BEGIN SOLUTION\nx = 1\n")
    except release.ReleaseError as exc:
        assert "unbalanced" in str(exc)
    else:
        raise AssertionError("expected ReleaseError")


def test_learner_notebooks_carry_no_solutions_no_outputs_and_their_chapter():
    for path in release.solution_paths():
        learner = nbformat.read(ROOT / "notebooks" / path.name, as_version=4)
        chapter = exercises.chapter_for_slug(path.stem)
        assert learner.metadata["course"]["chapter"] == chapter.id
        for cell in learner.cells:
            if cell.cell_type == "code":
                assert "### BEGIN SOLUTION" not in cell.source
                assert cell.outputs == []
        stubs = [c for c in learner.cells if "raise NotImplementedError" in c.source]
        assert all("raises-exception" in c.metadata.get("tags", []) for c in stubs)


def test_every_registered_exercise_of_a_written_chapter_has_a_solution_cell():
    for path in release.solution_paths():
        chapter = exercises.chapter_for_slug(path.stem)
        nb = nbformat.read(path, as_version=4)
        solved = set()
        for cell in nb.cells:
            if cell.cell_type == "code" and "### BEGIN SOLUTION" in cell.source:
                solved |= set(release.defined_names(cell.source))
        wanted = {ex.name for ex in exercises.exercises_for(chapter.id)}
        assert wanted <= solved, f"{path.name}: no solution for {sorted(wanted - solved)}"
        assert f'self_check("{chapter.id}")' in nb.cells[-1].source, f"{path.name}: last cell is not the self-check"
