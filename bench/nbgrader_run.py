"""Time `nbgrader autograde` on the same kind of submission, for `make bench-grade` to compare with.

nbgrader lives in its own virtual environment (bench/results/nbgrader-venv, made
on first use with pip; a .pth file lets its kernels import this project's
TensorFlow and Keras), so it never enters the course's dependencies. The
assignment is chapter 02's four exercises with one assert per exercise, built
from solutions/02 (whose solution cells carry nbgrader's metadata); every
student submits the completed notebook.
"""
from __future__ import annotations

import os
import site
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / "bench" / "results" / "nbgrader-venv"
SOLUTION = ROOT / "solutions" / "02_regression_losses.ipynb"
KERAS_COUNTERPARTS = {"mse": "keras.losses.mean_squared_error", "mae": "keras.losses.mean_absolute_error",
                      "huber": "keras.losses.huber", "log_cosh": "keras.losses.log_cosh"}


def ensure_venv() -> Path:
    """nbgrader's own interpreter (created with pip on first use)."""
    python = VENV / "bin" / "python"
    if not (VENV / "bin" / "nbgrader").exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "nbgrader"], check=True,
                       capture_output=True)
    theirs = subprocess.run([str(python), "-c", "import site; print(site.getsitepackages()[0])"],
                            check=True, capture_output=True, text=True).stdout.strip()
    (Path(theirs) / "course_venv.pth").write_text(site.getsitepackages()[0] + "\n")
    return VENV / "bin" / "nbgrader"


def assignment() -> nbformat.NotebookNode:
    """Setup cell, the four solution cells, one graded assert per exercise."""
    solution = nbformat.read(SOLUTION, as_version=4)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(next(c for c in solution.cells if c.cell_type == "code").source)]
    for cell in solution.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("solution"):
            continue
        name = meta["grade_id"]
        answer = nbformat.v4.new_code_cell(cell.source)
        answer.metadata["nbgrader"] = dict(meta)
        test = nbformat.v4.new_code_cell("a, b = np.random.default_rng(0).normal(size=(2, 8, 3))\n"
                                         f"assert np.allclose({name}(a, b), {KERAS_COUNTERPARTS[name]}(a, b))")
        test.metadata["nbgrader"] = {"grade": True, "grade_id": f"test_{name}", "locked": True, "points": 10,
                                     "schema_version": 3, "solution": False, "task": False}
        nb.cells += [answer, test]
    return nb


def autograde_seconds(students: int) -> tuple[float, float]:
    """(seconds for one student, seconds for `students` students), each in a fresh course."""
    nbgrader = ensure_venv()
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", TF_ENABLE_ONEDNN_OPTS="0",
               PATH=f"{VENV / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")   # nbgrader runs `alembic`
    results = []
    for count in (1, students):
        with tempfile.TemporaryDirectory() as course:
            course = Path(course)
            (course / "nbgrader_config.py").write_text(
                "c = get_config()\nc.CourseDirectory.course_id = 'bench'\n"
                "c.CourseDirectory.db_assignments = [dict(name='ch02')]\n"
                f"c.CourseDirectory.db_students = [dict(id=f's{{i:02d}}') for i in range({count})]\n")
            nb = assignment()
            (course / "source" / "ch02").mkdir(parents=True)
            nbformat.write(nb, course / "source" / "ch02" / "ch02.ipynb")
            subprocess.run([str(nbgrader), "generate_assignment", "ch02", "--force"], cwd=course, env=env,
                           check=True, capture_output=True)
            for i in range(count):
                (course / "submitted" / f"s{i:02d}" / "ch02").mkdir(parents=True)
                nbformat.write(nb, course / "submitted" / f"s{i:02d}" / "ch02" / "ch02.ipynb")
            start = time.perf_counter()
            proc = subprocess.run([str(nbgrader), "autograde", "ch02", "--force"], cwd=course, env=env,
                                  capture_output=True, text=True)
            results.append(time.perf_counter() - start)
            if proc.returncode != 0:
                raise RuntimeError(f"nbgrader autograde failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return results[0], results[1]
