"""`python -m autograder release` turns solutions into learner notebooks."""
import io
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder import exercises, release

ROOT = Path(__file__).resolve().parents[2]


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


def _release_error(source):
    with pytest.raises(release.ReleaseError) as info:
        release.stub_source(source, "03_x cell 7")
    assert "03_x cell 7" in str(info.value)
    return str(info.value)


def test_an_unclosed_begin_marker_is_an_error_naming_its_line():
    message = _release_error("def f():\n    ### BEGIN SOLUTION\n    return 1\n")
    assert "line 2" in message and "never closed" in message


def test_an_end_marker_without_begin_is_an_error():
    message = _release_error("def f():\n    return 1\n    ### END SOLUTION\n")
    assert "line 3" in message and "without" in message


def test_markers_out_of_order_are_an_error():
    # END before BEGIN: the counts balance, the order does not.
    message = _release_error("    ### END SOLUTION\nsecret = 1\n    ### BEGIN SOLUTION\n")
    assert "line 1" in message


def test_nested_markers_are_an_error():
    source = ("def f():\n    ### BEGIN SOLUTION\n    a = 1\n    ### BEGIN SOLUTION\n"
              "    b = 2\n    ### END SOLUTION\n    ### END SOLUTION\n")
    message = _release_error(source)
    assert "nested" in message and "line 4" in message


def test_a_marker_sharing_its_line_with_code_is_an_error():
    message = _release_error("def f():\n    return 1  ### BEGIN SOLUTION\n    ### END SOLUTION\n")
    assert "alone on its line" in message


def test_two_blocks_in_one_cell_both_become_stubs():
    source = ("def f():\n    ### BEGIN SOLUTION\n    return 'first secret'\n    ### END SOLUTION\n\n"
              "def g():\n    ### BEGIN SOLUTION\n    return 'second secret'\n    ### END SOLUTION\n")
    stub = release.stub_source(source)
    assert "secret" not in stub
    assert stub.count("raise NotImplementedError") == 2
    compile(stub, "<stub>", "exec")


def test_markers_in_a_markdown_cell_are_an_error():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("Answer:\n### BEGIN SOLUTION\n42\n### END SOLUTION")]
    with pytest.raises(release.ReleaseError, match="code cells only"):
        release.learner_notebook(nb, exercises.chapter("02"))


def test_release_check_fails_and_names_the_cell_on_malformed_markers(tmp_path, monkeypatch):
    solutions, notebooks = tmp_path / "solutions", tmp_path / "notebooks"
    solutions.mkdir()
    notebooks.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1"),
                nbformat.v4.new_code_cell("def mse(y_true, y_pred):\n    ### BEGIN SOLUTION\n    return 0\n")]
    nbformat.write(nb, solutions / "02_regression_losses.ipynb")
    monkeypatch.setattr(release, "SOLUTIONS", solutions)
    monkeypatch.setattr(release, "NOTEBOOKS", notebooks)
    with pytest.raises(release.ReleaseError, match=r"02_regression_losses cell 1 .*line 2"):
        release.release(check=True, out=io.StringIO())


def _split_solution_lines(nb):
    """(lines inside solution blocks, lines outside them) of a notebook's code cells."""
    inside_lines, outside_lines = set(), set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        inside = False
        for line in cell.source.splitlines():
            if "### BEGIN SOLUTION" in line or "### END SOLUTION" in line:
                inside = "BEGIN" in line
                continue
            (inside_lines if inside else outside_lines).add(line.strip())
    return inside_lines, outside_lines


def test_no_solution_line_reaches_the_learner_notebooks():
    for path in release.solution_paths():
        inside, outside = _split_solution_lines(nbformat.read(path, as_version=4))
        secret = {line for line in inside - outside if len(line) > 12}   # lines only a solution has
        learner = nbformat.read(ROOT / "notebooks" / path.name, as_version=4)
        learner_lines = {line.strip() for c in learner.cells if c.cell_type == "code"
                         for line in c.source.splitlines()}
        assert secret & learner_lines == set(), f"{path.name}: solution lines in notebooks/"


def test_learner_notebook_installs_only_the_course_where_it_is_missing():
    for path in release.solution_paths():
        learner = nbformat.read(ROOT / "notebooks" / path.name, as_version=4)
        install = learner.cells[1]
        assert install.cell_type == "code" and "%pip install" in install.source
        pip_line = next(line for line in install.source.splitlines() if "%pip install" in line)
        assert "--no-deps" in pip_line
        assert "tensorflow" not in pip_line and "[dev]" not in pip_line and "==" not in pip_line
        assert pip_line.split("--no-deps", 1)[1].split() == [f'"git+{release.repository_url()}"']
        assert install.source.index("except ImportError") < install.source.index("%pip")


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
