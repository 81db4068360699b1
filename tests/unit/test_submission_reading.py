"""Reading a submission (autograder/submission.py): nothing here runs learner code.

Notebooks and .py files become code cells; magics are neutralised; syntax
errors are reported per cell; the chapter comes from --chapter, else the
folder or file name, never from the notebook's metadata or the names its code
defines; only regular files are read; and only the cells the exercises need
are sent to the sandbox.
"""
import ast
import json
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_raw_cell

from autograder import submission
from autograder.submission import UnreadableSubmission, chapter_for, read

CH02 = ["mse", "mae", "huber", "log_cosh"]


def write_notebook(path, cells, chapter=None):
    nb = new_notebook()
    if chapter is not None:
        nb.metadata["course"] = {"chapter": chapter}
    nb.cells = [new_code_cell(c) if isinstance(c, str) else c for c in cells]
    path.write_text(nbformat.writes(nb))
    return path


def selected(sub, names=CH02):
    return [c.index for c in sub.cells_for(names)]


# --------------------------------------------------------------------------- magics

def test_line_magics_and_shell_lines_become_pass_statements(tmp_path):
    nb = write_notebook(tmp_path / "a.ipynb", ["%matplotlib inline\n!pip install foo\nimport numpy as np\n"
                                               "if True:\n    %time x = 1\n    !ls"])
    cell = read(nb).cells[0]
    assert cell.syntax_error is None
    assert cell.source.splitlines() == ["pass  # %matplotlib inline", "pass  # !pip install foo",
                                        "import numpy as np", "if True:", "    pass  # %time x = 1",
                                        "    pass  # !ls"]


def test_a_non_python_cell_magic_comments_out_the_whole_cell(tmp_path):
    nb = write_notebook(tmp_path / "a.ipynb", ["%%bash\necho hello\nrm -rf /", "%%html\n<b>x</b>"])
    sub = read(nb)
    assert all(line.startswith("# ") for c in sub.cells for line in c.source.splitlines())
    assert sub.syntax_errors() == []


@pytest.mark.parametrize("magic", ["%%time", "%%timeit -n 3", "%%capture out"])
def test_a_cell_magic_that_runs_python_keeps_the_cell_body(tmp_path, magic):
    nb = write_notebook(tmp_path / "a.ipynb", [f"{magic}\ndef mse(y_true, y_pred):\n    return 0\n"])
    cell = read(nb).cells[0]
    assert cell.source.splitlines()[0] == f"# {magic}"
    assert "mse" in cell.binds


def test_magics_are_neutralised_in_py_files_too(tmp_path):
    py = tmp_path / "a.py"
    py.write_text("# %%\n%matplotlib inline\ndef mse(a, b):\n    return a\n")
    sub = read(py)
    assert sub.syntax_errors() == [] and "mse" in sub.defined_names()


# --------------------------------------------------------------------------- syntax errors

def test_a_syntax_error_is_reported_with_its_cell_and_line(tmp_path):
    nb = write_notebook(tmp_path / "a.ipynb", ["import numpy as np",
                                               "def mse(y_true, y_pred)\n    return 0",
                                               "def mae(y_true, y_pred):\n    return 0"])
    sub = read(nb)
    assert sub.syntax_errors() == ["cell 2: SyntaxError: expected ':' (line 1)"]
    assert sub.defined_names() == {"np", "mae"}


def test_a_cell_with_a_syntax_error_is_never_sent_to_the_sandbox(tmp_path):
    nb = write_notebook(tmp_path / "a.ipynb", ["def mse(y_true, y_pred)\n    return 0",
                                               "def mae(y_true, y_pred):\n    return 0"])
    sub = read(nb)
    assert selected(sub) == [2]
    assert len(sub.sources) == 1


def test_cell_numbers_count_code_cells_only(tmp_path):
    nb = write_notebook(tmp_path / "a.ipynb", [new_markdown_cell("# title"), "x = 1",
                                               new_raw_cell("raw"), "def f(:\n  pass"])
    assert read(nb).syntax_errors() == ["cell 2: SyntaxError: invalid syntax (line 1)"]


def test_unparsable_nesting_is_a_reported_error_not_a_crash(tmp_path):
    py = tmp_path / "a.py"
    py.write_text("x = " + "(" * 5000 + ")" * 5000 + "\n")
    errors = read(py).syntax_errors()
    assert len(errors) == 1 and errors[0].startswith("cell 1: ")


# --------------------------------------------------------------------------- unreadable files

def test_not_json_is_unreadable_with_a_clear_message(tmp_path):
    bad = tmp_path / "a.ipynb"
    bad.write_text('{"cells": [ truncated')
    with pytest.raises(UnreadableSubmission, match=r"a.ipynb is not valid JSON .*; is it a notebook\?"):
        read(bad)


@pytest.mark.parametrize("data", [{"name": "x"}, [1, 2], "a string", {"cells": "not a list"}])
def test_json_that_is_not_a_notebook_is_unreadable(tmp_path, data):
    bad = tmp_path / "a.ipynb"
    bad.write_text(json.dumps(data))
    with pytest.raises(UnreadableSubmission, match="is JSON but not a Jupyter notebook"):
        read(bad)


def test_a_file_that_is_not_utf8_is_unreadable(tmp_path):
    bad = tmp_path / "a.py"
    bad.write_bytes(b"def mse():\n    return '\xff\xfe'\n")
    with pytest.raises(UnreadableSubmission, match="not UTF-8"):
        read(bad)


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(submission, "MAX_BYTES", 100)
    big = tmp_path / "a.py"
    big.write_text("x = 1\n" * 50)
    with pytest.raises(UnreadableSubmission, match=r"a.py is over the size limit \(100 bytes\)"):
        read(big)


def test_other_extensions_and_missing_files_are_unreadable(tmp_path):
    other = tmp_path / "a.txt"
    other.write_text("def mse(): pass")
    with pytest.raises(UnreadableSubmission, match="submissions are .ipynb or .py files"):
        read(other)
    with pytest.raises(UnreadableSubmission, match="cannot read"):
        read(tmp_path / "missing.ipynb")


def test_notebook_sources_may_be_lists_of_lines_and_non_code_cells_are_ignored(tmp_path):
    nb = {"cells": [{"cell_type": "markdown", "source": ["def mse(): pass"]},
                    {"cell_type": "code", "source": ["def mae(y_true, y_pred):\n", "    return 0\n"]},
                    "not even a dict"],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "a.ipynb"
    path.write_text(json.dumps(nb))
    sub = read(path)
    assert len(sub.cells) == 1 and sub.defined_names() == {"mae"}


# --------------------------------------------------------------------------- .py files

def test_a_py_file_without_markers_is_one_cell(tmp_path):
    py = tmp_path / "a.py"
    py.write_text("import numpy as np\ndef mse(a, b):\n    return a\nprint('hi')\n")
    assert len(read(py).cells) == 1


def test_jupytext_markers_split_a_py_file_into_cells(tmp_path):
    py = tmp_path / "a.py"
    py.write_text('"""doc"""\n# %%\nimport numpy as np\n# %% [markdown]\n# prose\n# %%\ndef mse(a, b):\n    return a\n')
    sub = read(py)
    assert [sorted(c.binds) for c in sub.cells] == [[], ["np"], [], ["mse"]]


# --------------------------------------------------------------------------- the chapter

def test_the_chapter_option_decides_whatever_the_metadata_names_and_path_say(tmp_path):
    (tmp_path / "ch03").mkdir()
    nb = write_notebook(tmp_path / "ch03" / "04_a.ipynb", ["def binary_crossentropy(a, b): pass"], chapter="04")
    assert chapter_for(nb, "2") == "02"


def test_without_the_option_the_folder_name_decides_not_the_metadata_or_names(tmp_path):
    (tmp_path / "ch05").mkdir()
    nb = write_notebook(tmp_path / "ch05" / "alice.ipynb", ["def mse(a, b): pass"], chapter="06")
    assert chapter_for(nb) == "05"


def test_the_folder_name_wins_over_the_file_name(tmp_path):
    assert chapter_for(tmp_path / "chapter-05" / "06_metrics.ipynb") == "05"


@pytest.mark.parametrize("name", ["02_regression_losses.ipynb", "ch02.py", "CH02_alice.py", "chapter_02.ipynb",
                                  "02.py", "ch02-bob.ipynb"])
def test_a_file_name_starting_with_its_chapter_names_it(tmp_path, name):
    assert chapter_for(tmp_path / "submissions" / name) == "02"


@pytest.mark.parametrize("name", ["submission.ipynb", "alice_02.py", "2024_alice.py", "02x.py", "ch99_a.py",
                                  "mse.py"])
def test_other_names_name_no_chapter(tmp_path, name):
    assert chapter_for(tmp_path / "submissions" / name) is None


def test_a_notebook_naming_a_chapter_in_its_metadata_gets_none_from_it(tmp_path):
    nb = write_notebook(tmp_path / "submission.ipynb", ["def mse(a, b): pass"], chapter="02")
    assert chapter_for(nb) is None and not hasattr(read(nb), "chapter")


def test_an_unknown_chapter_option_is_an_error(tmp_path):
    with pytest.raises(KeyError, match="no chapter"):
        chapter_for(tmp_path / "a.py", "42")


# --------------------------------------------------------------------------- which cells run

def test_cell_selection_skips_training_plots_quizzes_and_the_self_check(tmp_path):
    nb = write_notebook(tmp_path / "a.ipynb", [
        "import keras\nimport numpy as np",                                          # 1 setup: kept (cheap)
        "X = np.ones((10, 3))\ny = np.zeros((10, 1))",                               # 2 data: skipped
        "def mse(y_true, y_pred):\n    return keras.ops.mean((y_true - y_pred) ** 2, axis=-1)",  # 3 kept
        "model = keras.Sequential([keras.layers.Dense(1)])\nmodel.compile(loss=mse)\nmodel.fit(X, y)",  # 4
        "import matplotlib.pyplot as plt\nplt.plot(X)\nplt.show()",                  # 5 plot: skipped
        "from jupyterquiz import display_quiz\ndisplay_quiz([{'q': 1}])",            # 6 quiz: skipped
        "from autograder import self_check\nself_check('02')",                       # 7 self-check: skipped
    ])
    assert selected(read(nb)) == [1, 3]


def test_cells_defining_names_an_exercise_uses_are_kept_even_with_other_statements(tmp_path):
    nb = write_notebook(tmp_path / "a.ipynb", [
        "import numpy as np",
        "LOG2 = np.log(2.0)\nprint('a plot would go here')",                        # 2: binds LOG2
        "SCALE = LOG2 * 2\nunused = 3",                                             # 3: binds SCALE (uses LOG2)
        "def log_cosh(y_true, y_pred):\n    return SCALE",                          # 4
        "history = [1, 2, 3]\nprint(history)",                                      # 5: skipped
    ])
    assert selected(read(nb)) == [1, 2, 3, 4]


def test_a_helper_function_used_by_an_exercise_is_kept(tmp_path):
    nb = write_notebook(tmp_path / "a.ipynb", [
        "import numpy as np\nSEED = 0\nrng = np.random.default_rng(SEED)",          # 1: binds np (needed)
        "def _error(y_true, y_pred):\n    return y_pred - y_true",                 # 2: cheap, kept anyway
        "def mae(y_true, y_pred):\n    return np.mean(np.abs(_error(y_true, y_pred)), axis=-1)",
    ])
    assert selected(read(nb)) == [1, 2, 3]


def test_an_exercise_redefined_in_a_later_cell_keeps_both_cells_in_order(tmp_path):
    nb = write_notebook(tmp_path / "a.ipynb", ["def mse(a, b):\n    return 1", "x = 1",
                                               "def mse(a, b):\n    return 2"])
    assert selected(read(nb)) == [1, 3]


def test_an_exercise_parameter_named_like_a_notebook_variable_pulls_in_nothing(tmp_path):
    nb = write_notebook(tmp_path / "a.ipynb", [
        "import numpy as np",
        "y_true, y_pred = np.ones((4, 1)), np.zeros((4, 1))\nerror = y_pred - y_true\nprint(error)",  # 2: demo
        "def mse(y_true, y_pred):\n    error = y_pred - y_true\n    return np.mean(error ** 2, axis=-1)",
    ])
    assert selected(read(nb)) == [1, 3]


def test_a_cell_that_only_defines_does_not_pull_in_what_its_functions_read(tmp_path):
    nb = write_notebook(tmp_path / "a.ipynb", [
        "import numpy as np\nfrom sklearn.datasets import load_diabetes",
        "X_train, y_train = load_diabetes(return_X_y=True)",                     # 2: data, skipped
        "def fit_linear(loss):\n    return model.fit(X_train, y_train, epochs=300)",   # 3: defines only
        "def mae(y_true, y_pred):\n    return np.mean(np.abs(y_pred - y_true), axis=-1)",
    ])
    assert selected(read(nb)) == [1, 3, 4]


def test_what_a_definition_reads_when_it_runs_is_kept(tmp_path):
    nb = write_notebook(tmp_path / "a.ipynb", [
        "import tensorflow as tf",
        "SCALE = 2.0\nprint('scale set')",
        "@tf.function\ndef helper(x, scale=SCALE):\n    return x * scale",
        "def mae(y_true, y_pred):\n    return 0",
    ])
    assert selected(read(nb)) == [1, 2, 3, 4]


def test_the_released_chapter_notebook_sends_no_demo_training_or_plot_cell(submissions_dir):
    sub = read(submissions_dir / "ch02" / "released_notebook_answered.ipynb")
    kept = sub.cells_for(CH02)
    assert len(kept) < len(sub.cells) // 4
    for cell in kept:      # the setup cell, cells that only import and define, and the exercises
        assert cell.index == 1 or cell.cheap or cell.binds & set(CH02), cell.source


def test_the_ch02_learner_notebook_sends_only_setup_helper_and_exercise_cells(submissions_dir):
    sub = read(submissions_dir / "ch02" / "learner_notebook.ipynb")
    kept = {c.index: c for c in sub.cells_for(CH02)}
    texts = "\n".join(c.source for c in kept.values())
    assert "LOG2 = np.log(2.0)" in texts and "def log_cosh" in texts
    for skipped in ("DATA CELL RAN", "TRAINING CELL RAN", "TRAINING CELL 2 RAN", "QUIZ CELL RAN", "self_check"):
        assert skipped not in texts


# --------------------------------------------------------------------------- which names a cell reads

ROOT = Path(__file__).resolve().parents[2]


def test_a_nested_helper_named_like_a_chapter_global_pulls_in_no_chapter_cell(tmp_path):
    nb = write_notebook(tmp_path / "a.ipynb", [
        "import numpy as np",
        "history = train_for_an_hour()",                                            # 2: chapter training
        "def draw_confusion(counts):\n    print(counts)\n\ndraw_confusion(history)",     # 3: chapter plot
        "def precision_recall_f1(y_true, y_pred):\n"
        "    def draw_confusion(c):\n        return c\n"
        "    return draw_confusion(np.mean(y_true == y_pred))",
    ])
    assert selected(read(nb), ["precision_recall_f1"]) == [1, 4]


def test_a_comprehension_variable_named_like_a_notebook_variable_pulls_in_nothing(tmp_path):
    nb = write_notebook(tmp_path / "a.ipynb", [
        "import numpy as np",
        "e = np.ones(3)\nprint('DEMO CELL RAN')",
        "def mse(y_true, y_pred):\n    return np.mean([e ** 2 for e in (y_pred - y_true)])",
    ])
    assert selected(read(nb), ["mse"]) == [1, 3]


def test_keyword_only_and_star_parameters_named_like_notebook_variables_pull_in_nothing(tmp_path):
    nb = write_notebook(tmp_path / "a.ipynb", [
        "args, kwargs, delta = [1], {}, 2.0",
        "def huber(*args, delta=1.0, **kwargs):\n    return (args, delta, kwargs)",
    ])
    assert selected(read(nb), ["huber"]) == [2]


def test_an_import_inside_a_function_is_not_a_notebook_global(tmp_path):
    nb = write_notebook(tmp_path / "a.ipynb", [
        "ops = load_everything()",
        "def mse(y_true, y_pred):\n    from keras import ops\n    return ops.mean((y_true - y_pred) ** 2)",
    ])
    assert selected(read(nb), ["mse"]) == [2]


def test_a_nonlocal_name_is_not_a_notebook_global(tmp_path):
    nb = write_notebook(tmp_path / "a.ipynb", [
        "total = train_for_an_hour()",
        "def mae(y_true, y_pred):\n    total = 0\n    def add(v):\n        nonlocal total\n"
        "        total += v\n    add(1)\n    return total",
    ])
    assert selected(read(nb), ["mae"]) == [2]


def test_a_global_declaration_in_a_function_reads_the_notebook_variable(tmp_path):
    nb = write_notebook(tmp_path / "a.ipynb", [
        "SCALE = 2.0\nprint('scale set')",
        "def mse(y_true, y_pred):\n    global SCALE\n    return SCALE * (y_true - y_pred)",
    ])
    assert selected(read(nb), ["mse"]) == [1, 2]


def test_a_class_attribute_read_in_the_class_body_is_not_a_notebook_global(tmp_path):
    nb = write_notebook(tmp_path / "a.ipynb", [
        "scale = train_for_an_hour()",
        "class WeightedMSE:\n    scale = 2.0\n    double = scale * 2",
    ])
    assert selected(read(nb), ["WeightedMSE"]) == [2]


def test_a_method_reading_a_class_attribute_name_reads_the_notebook_global(tmp_path):
    # Python skips the class body when a method looks a name up: this `scale` is the notebook's
    nb = write_notebook(tmp_path / "a.ipynb", [
        "scale = 3.0\nprint('scale set')",
        "class WeightedMSE:\n    scale = 2.0\n    def call(self, y_true, y_pred):\n        return scale * y_pred",
    ])
    assert selected(read(nb), ["WeightedMSE"]) == [1, 2]


def test_what_a_class_body_reads_is_needed_when_the_class_is_defined(tmp_path):
    nb = write_notebook(tmp_path / "a.ipynb", [
        "import keras",
        "DEFAULT = 0.5\nprint('default set')",                                   # read by the class body
        "class F1Score(keras.metrics.Metric):\n    threshold = DEFAULT",
        "def mse(a, b):\n    return 0",
    ])
    assert selected(read(nb), ["mse"]) == [1, 2, 3, 4]


# --------------------------------------------------------------------------- statements in a kept cell

def test_a_demo_line_reading_an_unrelated_global_is_dropped_from_the_exercise_cell(tmp_path):
    nb = write_notebook(tmp_path / "a.ipynb", [
        "import numpy as np",
        "runs = {'x': train_for_a_minute()}",
        "def diagnose(history):\n    return 'healthy'\n\nprint(diagnose(runs['x']))",
    ])
    sub = read(nb)
    kept = sub.cells_for(["diagnose"])
    assert [c.index for c in kept] == [1, 3]
    assert kept[1].source.split("\n") == ["def diagnose(history):", "    return 'healthy'", "", ""]
    assert "runs" not in kept[1].uses and sub.cells[2].source.endswith("print(diagnose(runs['x']))")


def test_other_statements_of_a_kept_cell_run_when_what_they_read_is_defined(tmp_path):
    nb = write_notebook(tmp_path / "a.ipynb", [
        "import keras\nkeras.utils.set_random_seed(0)",
        "model = keras.Sequential([keras.layers.Dense(1)])\nmodel.compile(loss='mse')\nprint(len(model.layers))",
        "def mse(y_true, y_pred):\n    return model(y_true)\n\nmse([[1.0]], [[2.0]])",
    ])
    sub = read(nb)
    assert [c.source for c in sub.cells_for(["mse"])] == [c.source for c in sub.cells]


def test_what_the_definitions_beside_an_exercise_read_is_kept(tmp_path):
    # the exercise may reach its neighbours in ways no reading of the code sees (getattr, globals())
    nb = write_notebook(tmp_path / "a.ipynb", [
        "ATTACK = 'ran'\nprint('ATTACK CELL RAN')",
        "def mse(a, b):\n    return 0\n\ndef helper():\n    return ATTACK",
    ])
    assert selected(read(nb), ["mse"]) == [1, 2]


def test_a_statement_reading_a_dropped_statements_name_is_dropped_too(tmp_path):
    nb = write_notebook(tmp_path / "a.ipynb", [
        "runs = train()",
        "def mse(a, b):\n    return 0\nfound = [mse(h, h) for h in runs]\nassert found\nx = 1",
    ])
    [cell] = read(nb).cells_for(["mse"])
    assert cell.source.split("\n") == ["def mse(a, b):", "    return 0", "", "", "x = 1"]


def test_a_py_file_whose_statements_all_have_what_they_read_runs_whole(tmp_path):
    py = tmp_path / "a.py"
    py.write_text("import numpy as np\nSEED = 0\ndef mse(a, b):\n    return np.mean(a - b)\n"
                  "print(mse(np.ones(2), np.zeros(2)))\nif __name__ == '__main__':\n    print(SEED)\n")
    sub = read(py)
    assert [c.source for c in sub.cells_for(["mse"])] == [sub.cells[0].source]


def test_chapter_09_grades_diagnose_without_running_the_chapters_training(tmp_path):
    released = nbformat.read(ROOT / "notebooks" / "09_diagnosing_training.ipynb", as_version=4)
    solution = {c.id: c for c in nbformat.read(ROOT / "solutions" / "09_diagnosing_training.ipynb",
                                                as_version=4).cells}
    for cell in released.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "diagnose":
            cell.source = solution[cell.id].source           # the learner's answer filled in
    path = tmp_path / "09.ipynb"
    path.write_text(nbformat.writes(released))
    sub = read(path)
    kept = sub.cells_for(["diagnose"])
    assert "diagnose" in set().union(*(c.binds for c in kept))
    assert "def diagnose(history, noise_floor):" in kept[-1].source and "runs" not in kept[-1].source
    for cell in kept:       # no statement that runs as the cell runs calls fit or fit_history
        for stmt in ast.parse(cell.source).body:
            if not isinstance(stmt, (ast.FunctionDef, ast.ClassDef)):
                calls = {getattr(n.func, "attr", getattr(n.func, "id", None))
                         for n in ast.walk(stmt) if isinstance(n, ast.Call)}
                assert not calls & {"fit", "fit_history", "adam_005", "screening_model"}, cell.source
    assert len(kept) < 10


# --------------------------------------------------------------------------- scopes and syntax errors

@pytest.mark.parametrize("source", ["nonlocal x", "def f():\n    print(x)\n    global x"])
def test_scope_errors_python_rejects_are_reported_as_syntax_errors(tmp_path, source):
    py = tmp_path / "a.py"
    py.write_text(source + "\n")
    [error] = read(py).syntax_errors()
    assert error.startswith("cell 1: SyntaxError: ") and "declaration" in error


@pytest.mark.parametrize("exc", [RecursionError, MemoryError])
def test_name_resolution_failing_on_deep_nesting_is_a_reported_error(tmp_path, monkeypatch, exc):
    def fail(*args):
        raise exc()
    monkeypatch.setattr(submission.symtable, "symtable", fail)
    py = tmp_path / "a.py"
    py.write_text("def mse(a, b):\n    return 0\n")
    assert read(py).syntax_errors() == [f"cell 1: cannot parse: {exc.__name__}"]
