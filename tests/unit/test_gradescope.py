"""The Gradescope zip's parts without TensorFlow: what the zip holds and with which modes, the options it
carries, which uploaded file is graded, a notebook's declared kernel, and reading Gradescope's metadata."""
from __future__ import annotations

import json
import os
import stat
import zipfile
from pathlib import Path

import pytest

from autograder import gradescope, gradescope_run
from autograder.gradescope import Config
from autograder.gradescope_run import choose, notebook_chapter, notebook_language, submitter


# --------------------------------------------------------------------------- the zip

@pytest.fixture
def built(tmp_path) -> Path:
    return gradescope.build(tmp_path / "autograder.zip", Config("05"), "a secret seed")


def test_the_zip_has_setup_and_run_autograder_at_its_top_executable(built):
    with zipfile.ZipFile(built) as archive:
        modes = {i.filename: stat.S_IMODE(i.external_attr >> 16) for i in archive.infolist()}
    assert modes["setup.sh"] == modes["run_autograder"] == 0o755


def test_the_zip_carries_the_seed_readable_by_its_owner_only(built):
    with zipfile.ZipFile(built) as archive:
        assert archive.read("seed.txt") == b"a secret seed"
        assert stat.S_IMODE(archive.getinfo("seed.txt").external_attr >> 16) == 0o600


def test_the_zip_file_itself_is_readable_by_its_owner_only(built):
    assert stat.S_IMODE(os.stat(built).st_mode) == 0o600


def test_the_zip_carries_the_course_package_as_source_without_compiled_files(built):
    with zipfile.ZipFile(built) as archive:
        names = archive.namelist()
    assert "course/autograder/gradescope_run.py" in names and "course/autograder/answer_key/imbalance.py" in names
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)


def test_the_zip_pins_the_dependencies_with_this_trees_constraints(built):
    with zipfile.ZipFile(built) as archive:
        requirements = archive.read("requirements.txt").decode().split("\n")
        constraints = archive.read("constraints.txt")
    assert any(r.startswith("keras>=") for r in requirements)
    assert constraints == (Path(gradescope.PACKAGE).parent / "constraints.txt").read_bytes()


def test_the_same_inputs_build_the_same_zip(tmp_path, built):
    again = gradescope.build(tmp_path / "again.zip", Config("05"), "a secret seed")
    assert again.read_bytes() == built.read_bytes()


def test_the_seed_is_in_no_file_of_the_zip_but_seed_txt(built):
    with zipfile.ZipFile(built) as archive:
        assert [n for n in archive.namelist() if b"a secret seed" in archive.read(n)] == ["seed.txt"]


def test_an_empty_seed_builds_no_zip(tmp_path):
    with pytest.raises(gradescope.BuildError):
        gradescope.build(tmp_path / "a.zip", Config("05"), "  \n")
    assert not (tmp_path / "a.zip").exists()


def test_run_autograder_takes_no_seed_on_its_command_line_or_in_its_environment():
    script = (gradescope.TEMPLATES / "run_autograder").read_text()
    assert "seed" not in "".join(line for line in script.splitlines() if "gradescope_run" in line)
    assert "AUTOGRADER_SEED" not in script


# --------------------------------------------------------------------------- the options

def test_the_config_round_trips_through_json():
    config = Config("09", isolation="require", hidden_visibility="hidden", call_seconds=5)
    assert Config.from_json(config.to_json()) == config


@pytest.mark.parametrize("bad", [{"chapter": "99"}, {"chapter": "05", "isolation": "sometimes"},
                                 {"chapter": "05", "public_visibility": "everyone"},
                                 {"chapter": "05", "submission_seconds": 0}])
def test_a_config_the_grader_would_refuse_is_refused_when_built(bad):
    with pytest.raises((KeyError, ValueError)):
        Config(**bad)


# --------------------------------------------------------------------------- which file is graded

def _upload(folder: Path, *names):
    for name in names:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}")
    return folder


def test_a_single_notebook_is_graded_without_a_note(tmp_path):
    choice = choose(_upload(tmp_path, "anything.ipynb"), "05")
    assert choice.path == tmp_path / "anything.ipynb" and choice.note == ""


def test_a_single_py_is_graded(tmp_path):
    assert choose(_upload(tmp_path, "answers.py"), "05").path == tmp_path / "answers.py"


def test_notebooks_are_graded_before_py_files_and_the_note_says_which(tmp_path):
    choice = choose(_upload(tmp_path, "helper.py", "work.ipynb"), "05")
    assert choice.path == tmp_path / "work.ipynb"
    assert choice.note == "Graded: work.ipynb. Not graded: helper.py."


def test_of_several_notebooks_the_one_named_like_the_chapters_is_chosen_in_any_case(tmp_path):
    choice = choose(_upload(tmp_path, "draft.ipynb", "sub/05_Imbalanced_Data.ipynb"), "05")
    assert choice.path == tmp_path / "sub" / "05_Imbalanced_Data.ipynb"


def test_several_notebooks_none_named_like_the_chapters_grade_none(tmp_path):
    choice = choose(_upload(tmp_path, "a.ipynb", "b.ipynb"), "05")
    assert choice.path is None
    assert "holds 2 notebooks (a.ipynb, b.ipynb)" in choice.note and "none is named 05_imbalanced_data.ipynb" \
        in choice.note


def test_two_notebooks_named_like_the_chapters_grade_none(tmp_path):
    choice = choose(_upload(tmp_path, "x/05_imbalanced_data.ipynb", "y/05_imbalanced_data.ipynb"), "05")
    assert choice.path is None and "several are named" in choice.note


def test_hidden_folders_and_macos_leftovers_are_not_candidates(tmp_path):
    _upload(tmp_path, ".ipynb_checkpoints/05_imbalanced_data-checkpoint.ipynb", "__MACOSX/._work.ipynb",
            ".hidden.ipynb", "work.ipynb")
    assert choose(tmp_path, "05") == gradescope_run.Choice(tmp_path / "work.ipynb", "")


def test_a_link_is_not_a_candidate(tmp_path):
    (tmp_path / "elsewhere.ipynb").write_text("{}")
    upload = tmp_path / "upload"
    upload.mkdir()
    (upload / "work.ipynb").symlink_to(tmp_path / "elsewhere.ipynb")
    assert choose(upload, "05").path is None


def test_names_in_the_note_are_neutralised_and_the_list_is_capped(tmp_path):
    names = [f"n{i:03}.ipynb" for i in range(40)] + ["\x1b[2Jevil\u202e.ipynb"]
    note = choose(_upload(tmp_path, *names), "05").note
    assert "\x1b" not in note and "\u202e" not in note
    assert "and 21 more" in note and len(note) < 1000


def test_an_upload_is_looked_at_only_so_far(tmp_path, monkeypatch):
    monkeypatch.setattr(gradescope_run, "MAX_ENTRIES", 5)
    _upload(tmp_path, *[f"f{i}.txt" for i in range(20)], "zz.ipynb")
    assert choose(tmp_path, "05").path is None


def test_no_candidate_says_what_was_uploaded(tmp_path):
    choice = choose(_upload(tmp_path, "report.pdf"), "05")
    assert choice.path is None and "report.pdf" in choice.note and "05_imbalanced_data.ipynb" in choice.note


# --------------------------------------------------------------------------- a notebook's metadata

def _notebook(tmp_path, metadata) -> Path:
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps({"cells": [], "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}))
    return path


def test_a_notebooks_kernel_language_is_read_from_its_kernelspec(tmp_path):
    assert notebook_language(_notebook(tmp_path, {"kernelspec": {"language": "R", "name": "ir"}})) == "R"


def test_a_notebook_without_a_kernelspec_falls_back_to_language_info(tmp_path):
    assert notebook_language(_notebook(tmp_path, {"language_info": {"name": "julia"}})) == "julia"


@pytest.mark.parametrize("metadata", [{}, {"kernelspec": "python"}, {"kernelspec": {"language": 3}}, []])
def test_odd_or_missing_kernel_metadata_counts_as_python(tmp_path, metadata):
    assert notebook_language(_notebook(tmp_path, metadata)) == "Python"


def test_a_file_that_is_not_json_counts_as_python_and_grading_says_what_is_wrong(tmp_path):
    path = tmp_path / "n.ipynb"
    path.write_text("not json")
    assert notebook_language(path) == "Python"


def test_a_kernel_language_is_neutralised(tmp_path):
    assert "\x1b" not in notebook_language(_notebook(tmp_path, {"kernelspec": {"language": "R\x1b[2J"}}))


def test_a_chapter_claimed_in_metadata_is_named_only_when_it_is_a_real_chapter(tmp_path):
    assert notebook_chapter(_notebook(tmp_path, {"course": {"chapter": "02"}})) == "02"
    assert notebook_chapter(_notebook(tmp_path, {"course": {"chapter": "\x1b[2J99"}})) is None


# --------------------------------------------------------------------------- Gradescope's metadata

def test_the_submitter_is_logged_by_ids_neutralised(tmp_path):
    (tmp_path / "submission_metadata.json").write_text(json.dumps(
        {"id": "12\x1b[2J", "users": [{"id": 7, "email": "x@y"}, {"id": "8\u202e"}]}))
    line = submitter(tmp_path)
    assert line.startswith("submission 12") and "7" in line
    assert "\x1b" not in line and "\u202e" not in line and "x@y" not in line


@pytest.mark.parametrize("content", ["", "[1, 2]", '{"users": "nobody"}', '{"users": [1, null]}', "{" * 100_000])
def test_odd_metadata_never_stops_grading(tmp_path, content):
    (tmp_path / "submission_metadata.json").write_text(content)
    assert isinstance(submitter(tmp_path), str)


def test_missing_metadata_never_stops_grading(tmp_path):
    assert "no usable submission_metadata.json" in submitter(tmp_path)


# --------------------------------------------------------------------------- the command

def test_the_command_builds_the_zip_from_a_seed_file(tmp_path, capsys):
    from autograder.__main__ import main
    (tmp_path / "seed.txt").write_text("s3cret")
    assert main(["gradescope", "--chapter", "5", "--seed-file", str(tmp_path / "seed.txt"),
                 "-o", str(tmp_path / "a.zip")]) == 0
    with zipfile.ZipFile(tmp_path / "a.zip") as archive:
        assert Config.from_json(archive.read("autograder.json").decode()) == Config("05")
    assert "holds the seed" in capsys.readouterr().out


def test_the_command_without_a_readable_seed_file_builds_nothing(tmp_path, capsys):
    from autograder.__main__ import main
    assert main(["gradescope", "--chapter", "05", "--seed-file", str(tmp_path / "missing"),
                 "-o", str(tmp_path / "a.zip")]) == 2
    assert "gradescope:" in capsys.readouterr().err and not (tmp_path / "a.zip").exists()


def test_a_course_file_of_weights_travels_in_the_zip(tmp_path):
    weights = tmp_path / "course.toml"
    weights.write_text("[balanced_class_weight]\nvalues = 6\n")
    built = gradescope.build(tmp_path / "a.zip", Config("05", weights=True), "seed", weights)
    with zipfile.ZipFile(built) as archive:
        assert archive.read("weights.toml") == weights.read_bytes()


def test_a_config_naming_weights_without_a_file_builds_nothing(tmp_path):
    with pytest.raises(gradescope.BuildError):
        gradescope.build(tmp_path / "a.zip", Config("05", weights=True), "seed")
    assert not (tmp_path / "a.zip").exists()


def test_a_container_with_less_than_a_gigabyte_gets_a_hidden_memory_test():
    test = gradescope_run.memory_test(768 << 20)
    assert test["visibility"] == "hidden" and test["max_score"] == 0 and "768 MB" in test["output"]
    assert "1.5 GB" in test["output"]


@pytest.mark.parametrize("limit", [None, 1 << 30, 1536 << 20])
def test_enough_or_unknown_memory_adds_no_test(limit):
    assert gradescope_run.memory_test(limit) is None
