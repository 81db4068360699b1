"""Every chapter runs top to bottom, quietly, and prints what its notebook says it prints.

One execution per chapter (chapter_runs.py) serves these tests, the figure and quiz tests and
the book build. What nbval did with `--nbval-lax` is done here on that execution: every code
cell runs without an error, and a cell tagged `nbval-check-output` prints exactly its stored
outputs (compared as nbval compares them: images, metadata and counts aside), or, when it is also
tagged `output-from-training`, the same words with numbers close to the stored ones (their digits
depend on the CPU: tests/trained_outputs.py).
"""
import copy
from collections import defaultdict

import pytest
from nbval.plugin import coalesce_streams, transform_streams_for_comparison

import chapter_runs
from trained_outputs import FROM_TRAINING, same_but_for_training

CHECKED = "nbval-check-output"
# What nbval leaves out of a comparison (nbval.plugin.IPyNbFile.skip_compare without --nbdime).
NOT_COMPARED = {"metadata", "traceback", "prompt_number", "output_type", "name", "execution_count",
                "application/vnd.jupyter.widget-view+json", "image/png", "image/jpeg"}


def flattened(outputs) -> dict[str, list]:
    """{key: values in order}: nbval's view of a cell's outputs (stream text keyed by stream name)."""
    found = defaultdict(list)
    for output in transform_streams_for_comparison(coalesce_streams(copy.deepcopy(outputs))):
        for key, value in output.items():
            if key == "data":
                for mime, data in value.items():
                    if mime not in NOT_COMPARED:
                        found[mime].append(data)
            elif key not in NOT_COMPARED:
                found[key].append(value)
    return dict(found)


def _code_cells():
    for stem in chapter_runs.chapters():
        nb = chapter_runs.read(stem)
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                yield pytest.param(stem, index, id=f"{stem}-cell{index}")


CHAPTERS = chapter_runs.chapters()


@pytest.mark.parametrize("stem, index", list(_code_cells()))
def test_cell_runs_without_error_and_prints_its_stored_outputs(stem, index):
    chapter = chapter_runs.run(stem)
    ran = chapter.executed.cells[index]
    errors = [f"{o.ename}: {o.evalue}" for o in ran.get("outputs", []) if o.output_type == "error"]
    assert not errors, f"{stem} cell {index} raised {errors}"
    tags = ran.metadata.get("tags", [])
    if CHECKED in tags:
        got, stored = flattened(ran.outputs), flattened(chapter.stored.cells[index].outputs)
        if FROM_TRAINING in tags:
            assert got.keys() == stored.keys() and all(
                same_but_for_training(str(got[k]), str(stored[k])) for k in got), \
                f"{stem} cell {index} printed other words, or numbers far from those its notebook stores: {got} != {stored}"
        else:
            assert got == stored, f"{stem} cell {index} printed something else than its notebook stores"


@pytest.mark.parametrize("stem", CHAPTERS)
def test_the_chapter_ran_to_its_end(stem):
    chapter = chapter_runs.run(stem)
    last = max(i for i, c in enumerate(chapter.stored.cells) if c.cell_type == "code")
    assert "execution_count" in chapter.executed.cells[last] and chapter.executed.cells[last].execution_count, \
        f"{stem}: the kernel stopped before the last cell (a timeout of {chapter_runs.TIMEOUT} s?)"


@pytest.mark.parametrize("stem", CHAPTERS)
def test_the_chapter_writes_nothing_to_stderr_where_onednn_is_on(stem):
    # The kernel ran with TF_ENABLE_ONEDNN_OPTS=1 and TF_CPP_MIN_LOG_LEVEL=0 (an Intel CPU's defaults);
    # the setup cell must quieten TensorFlow before anything imports it, in every chapter.
    chapter = chapter_runs.run(stem)
    stderr = [(i, o.text[:300]) for i, c in enumerate(chapter.executed.cells) for o in c.get("outputs", [])
              if o.output_type == "stream" and o.name == "stderr"]
    assert stderr == []


@pytest.mark.parametrize("stem", CHAPTERS)
def test_a_second_run_reuses_the_stored_execution(stem):
    chapter_runs.run(stem)
    again = chapter_runs.run.__wrapped__(stem)         # past this process's memo: the on-disk cache
    assert again.reused and not again.errors()


def test_the_fingerprint_follows_the_course_code_and_the_pins(tmp_path):
    (tmp_path / "autograder").mkdir()
    code, pins = tmp_path / "autograder" / "x.py", tmp_path / "constraints.txt"
    code.write_text("x = 1\n")
    pins.write_text("keras==3.0\n")
    first = chapter_runs.fingerprint.__wrapped__(tmp_path)
    assert chapter_runs.fingerprint.__wrapped__(tmp_path) == first
    code.write_text("x = 2\n")
    second = chapter_runs.fingerprint.__wrapped__(tmp_path)
    pins.write_text("keras==3.1\n")
    assert len({first, second, chapter_runs.fingerprint.__wrapped__(tmp_path)}) == 3
