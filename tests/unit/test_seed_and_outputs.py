"""The seed (autograder/seed.py), the platform guard (autograder/isolation.py) and how the grader
writes its files (autograder/report.py): fast, nothing here runs a submission."""
import json
import re
from pathlib import Path

import pytest

from autograder import isolation, seed
from autograder.report import Report, write_outputs


# --------------------------------------------------------------------------- the seed

def test_any_text_is_a_seed_and_the_same_text_gives_the_same_seed():
    for text in ("s3cret", "918273", "a passphrase with spaces", "ünïcode"):
        assert seed.from_text(text) == seed.from_text(text) and seed.from_text(text) >= 0


def test_different_texts_give_different_seeds_and_a_number_is_hashed_too():
    values = {seed.from_text(t) for t in ("a", "b", "3", "4")}
    assert len(values) == 4 and 3 not in values


def test_no_seed_is_an_error_that_says_how_to_give_one():
    with pytest.raises(seed.SeedError) as info:
        seed.resolve(environ={})
    assert all(way in str(info.value) for way in ("--seed-file", "$AUTOGRADER_SEED", "--seed"))


def test_an_empty_seed_is_an_error():
    with pytest.raises(seed.SeedError, match="empty"):
        seed.resolve(environ={"AUTOGRADER_SEED": "  "})


def test_the_seed_is_removed_from_the_environment_once_read():
    environ = {"AUTOGRADER_SEED": "s3cret", "OTHER": "1"}
    assert seed.resolve(environ=environ) == seed.from_text("s3cret")
    assert environ == {"OTHER": "1"}


def test_seed_option_then_seed_file_then_environment(tmp_path):
    path = tmp_path / "seed.txt"
    path.write_text("from the file\n")
    assert seed.resolve("from argv", str(path), {"AUTOGRADER_SEED": "env"}) == seed.from_text("from argv")
    assert seed.resolve(None, str(path), {"AUTOGRADER_SEED": "env"}) == seed.from_text("from the file")
    assert seed.resolve(None, None, {"AUTOGRADER_SEED": "env"}) == seed.from_text("env")


def test_an_unreadable_seed_file_is_an_error_without_its_content(tmp_path):
    with pytest.raises(seed.SeedError, match="cannot read the seed file"):
        seed.resolve(None, str(tmp_path / "missing"), {})


# --------------------------------------------------------------------------- the platform guard

def test_isolation_can_be_turned_off_and_the_warning_says_why(monkeypatch):
    monkeypatch.setenv("AUTOGRADER_ISOLATION", "off")
    mode = isolation._detect()
    assert not mode.isolated and mode.reason == "AUTOGRADER_ISOLATION=off"
    text = isolation.warning(mode)
    assert text.startswith("WARNING: submissions are NOT isolated") and "AUTOGRADER_ISOLATION=off" in text


def test_each_grading_run_has_user_ids_of_its_own():
    a, b = isolation.uid_range(1000), isolation.uid_range(1001)
    assert not set(a) & set(b) and min(a) >= isolation.FIRST_UID


def test_the_server_library_holds_only_the_probe_server(tmp_path):
    library = isolation.server_library()
    try:
        files = sorted(str(p.relative_to(library)) for p in library.rglob("*.py"))
        assert files == ["agserve/__init__.py", "agserve/probes.py", "agserve/server.py", "agserve/wire.py"]
        text = "".join(p.read_text() for p in library.rglob("*.py"))
        imports = re.findall(r"^\s*(?:from|import)\s+(\S+)", text, flags=re.MULTILINE)
        assert imports and not [m for m in imports if re.search(r"autograder|references|checks|seed", m)]
    finally:
        import shutil
        shutil.rmtree(library)


# --------------------------------------------------------------------------- the grader's files

def report(name):
    return Report(Path(name), "02")


def test_links_planted_in_the_out_folder_are_replaced_not_followed(tmp_path):
    out, victim = tmp_path / "out", tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("untouched")
    (out / "submissions").mkdir(parents=True)
    (out / "submissions" / "student.py").symlink_to(victim)    # a folder link where results.json goes
    (out / "grades.csv").symlink_to(victim / "keep.txt")        # a file link where grades.csv goes
    write_outputs([report("student.py")], out)
    assert (victim / "keep.txt").read_text() == "untouched" and sorted(p.name for p in victim.iterdir()) == ["keep.txt"]
    folder = out / "submissions" / "student.py"
    assert not folder.is_symlink() and folder.is_dir()
    assert not (out / "grades.csv").is_symlink() and (out / "grades.csv").read_text().startswith("submission,")
    assert json.loads((folder / "results.json").read_text())["score"] == 0


def test_a_submission_named_dot_dot_writes_inside_the_out_folder(tmp_path):
    out = tmp_path / "out"
    write_outputs([report("...py")], out)
    assert (out / "submissions" / "...py" / "results.json").is_file() and not (tmp_path / "results.json").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".tmp-")]
