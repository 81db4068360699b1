"""The corpus's expectations are read from each file's own header (tests/corpus.py)."""
import pytest

import corpus


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_batch_names_every_check_of_an_exercise_or_single_keys(tmp_path):
    path = write(tmp_path, "x.py", '"""doc"""\n# batch: mae, mse:graph, mse:fit\n')
    assert corpus.batch(path) == {"mae": corpus.EVERY_CHECK, "mse": {"graph", "fit"}}


def test_batch_nothing_means_every_check_passes(tmp_path):
    assert corpus.batch(write(tmp_path, "x.py", "# batch: nothing\n")) == {}


def test_batch_unreadable_means_no_check_runs(tmp_path):
    assert corpus.batch(write(tmp_path, "x.py", "# batch: unreadable\n")) is None


def test_a_notebooks_header_is_its_sidecar(tmp_path):
    write(tmp_path, "x.ipynb", "{}")
    write(tmp_path, "x.ipynb.expect", "# batch: huber\n")
    assert corpus.batch(tmp_path / "x.ipynb") == {"huber": corpus.EVERY_CHECK}


def test_without_a_batch_line_the_expect_keys_are_the_batchs(tmp_path):
    path = write(tmp_path, "mse_wrong.py", "# expect: values, edges\n")
    assert corpus.batch(path) == {"mse": {"values", "edges"}}


def test_a_file_that_says_nothing_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="no `# batch:`"):
        corpus.batch(write(tmp_path, "x.py", '"""doc"""\n'))


def test_a_key_of_an_unknown_exercise_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="names no exercise"):
        corpus.batch(write(tmp_path, "x.py", "# batch: nonsense:values\n"))


def test_every_expect_header_in_the_corpus_names_real_exercises():
    cases = corpus.all_expectations()
    assert len(cases) >= 30
    assert all(exercise for case in cases for exercise, _ in case.fails)
