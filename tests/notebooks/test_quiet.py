"""TensorFlow starts quietly, and rounds the same, on every CPU and in every way the course runs it.

(Each chapter itself runs with oneDNN on: test_chapters.py checks that it writes nothing to stderr.)

On Intel CPUs TensorFlow 2.21 prints a oneDNN notice to stderr at import whatever
TF_CPP_MIN_LOG_LEVEL says; TF_ENABLE_ONEDNN_OPTS=1 reproduces that on any CPU, so
these tests set it in the environment and check that the course overrides it.
"""
import ast
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.quiet import QUIET_TENSORFLOW

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
NOISY = {"TF_ENABLE_ONEDNN_OPTS": "1", "TF_CPP_MIN_LOG_LEVEL": "0"}   # what an Intel CPU does by default


def setup_cell(path):
    nb = nbformat.read(path, as_version=4)
    return next(c for c in nb.cells if c.cell_type == "code")


def _environ_assignments(source):
    """{variable: value} for each os.environ["X"] = "v" before the first keras/tensorflow import."""
    found = {}
    for node in ast.parse(source).body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            if any(n.split(".")[0] in ("keras", "tensorflow") for n in names):
                break
        if (isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript)
                and ast.unparse(node.targets[0].value) == "os.environ"):
            found[ast.literal_eval(node.targets[0].slice)] = ast.literal_eval(node.value)
    return found


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_chapter_setup_cell_sets_the_quiet_environment_before_importing_keras(path):
    found = _environ_assignments(setup_cell(path).source)
    for name, value in QUIET_TENSORFLOW.items():
        assert found.get(name) == value, f"{path.name}: first code cell must set {name}={value} before keras"


def test_importing_autograder_overrides_a_noisy_environment():
    code = "import os, autograder; print(os.environ['TF_ENABLE_ONEDNN_OPTS'], os.environ['TF_CPP_MIN_LOG_LEVEL'])"
    proc = subprocess.run([sys.executable, "-c", code], env={**os.environ, **NOISY},
                          capture_output=True, text=True, check=True)
    assert proc.stdout.split() == [QUIET_TENSORFLOW["TF_ENABLE_ONEDNN_OPTS"], QUIET_TENSORFLOW["TF_CPP_MIN_LOG_LEVEL"]]


def test_the_noisy_environment_really_makes_tensorflow_print(tmp_path):
    # Guards the tests below: if TensorFlow stopped printing, they would prove nothing.
    proc = subprocess.run([sys.executable, "-c", "import tensorflow"], env={**os.environ, **NOISY},
                          capture_output=True, text=True, cwd=tmp_path)
    assert "oneDNN" in proc.stderr


def test_autograder_cli_writes_nothing_to_stderr_where_onednn_is_on(tmp_path):
    notebook = ROOT / "notebooks" / "02_regression_losses.ipynb"
    proc = subprocess.run([sys.executable, "-m", "autograder", "check", str(notebook)],
                          env={**os.environ, **NOISY}, capture_output=True, text=True, cwd=ROOT)
    assert "not written yet" in proc.stdout
    assert "oneDNN" not in proc.stderr and "absl" not in proc.stderr, proc.stderr[-2000:]


def test_every_chapter_starts_with_the_same_setup_cell():
    setups = {path.name: setup_cell(path).source for path in SOLUTIONS}
    assert len(set(setups.values())) == 1, setups
