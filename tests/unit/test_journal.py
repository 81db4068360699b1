"""Results as each submission finishes, resume and regrades (autograder/journal.py, grade.run_batch): a run
whose checks are faked (tests/class_runs.py), so the orchestration runs for real without TensorFlow."""
import csv
import json
import os

import pytest

import class_runs
from autograder import grade, journal
from autograder.targets import Limits

CLASS = {"alice/05_x.py": 10, "bob/05_x.py": 4, "carol/05_x.py": 7, "dan/05_x.py": 0}


@pytest.fixture
def fake(monkeypatch):
    class_runs.install(monkeypatch)
    return monkeypatch


def _rows(out):
    with open(out / "grades.csv", newline="", encoding="utf-8") as f:
        return [(r["submission"], r["learner"], r["total"]) for r in csv.DictReader(f)]


def test_each_finished_submission_is_in_grades_csv_before_the_next_one_is_graded(fake, tmp_path):
    out, seen = tmp_path / "out", []

    def spy(path, *args, **kw):
        seen.append(_rows(out) if (out / "grades.csv").exists() else [])
        return class_runs.fake_grade_one(path, *args, **kw)

    fake.setattr(grade, "grade_one", spy)
    class_runs.run(class_runs.corpus(tmp_path / "in", CLASS), out)
    assert [len(rows) for rows in seen] == [0, 1, 2, 3]
    assert (out / "submissions" / "alice" / "05_x.py" / "results.json").is_file()


def test_an_interrupted_run_leaves_every_finished_submission_and_a_valid_grades_csv(fake, tmp_path):
    out, paths = tmp_path / "out", class_runs.corpus(tmp_path / "in", CLASS)
    ctrl_c = class_runs.CtrlC(paths[2])           # while the third is graded
    fake.setattr(grade, "grade_one", ctrl_c)
    result = class_runs.run(paths, out)
    ctrl_c.release()
    assert result.interrupted
    assert _rows(out) == [("alice/05_x.py", "alice", "10"), ("bob/05_x.py", "bob", "4")]
    assert sorted(p.parent.parent.name for p in (out / "submissions").rglob("results.json")) == ["alice", "bob"]


def test_resume_grades_only_what_is_not_already_graded(fake, tmp_path):
    paths, out = class_runs.corpus(tmp_path / "in", CLASS), tmp_path / "out"
    class_runs.run(paths[:2], out)
    graded = []
    fake.setattr(grade, "grade_one", lambda p, *a, **k: graded.append(p.name) or class_runs.fake_grade_one(p, *a, **k))
    result = class_runs.run(paths, out, resume=True)
    assert result.skipped == 2 and [r.name for r in result.reports] == ["carol/05_x.py", "dan/05_x.py"]


def test_an_interrupted_run_resumed_gives_the_single_runs_grades_csv(fake, tmp_path):
    paths = class_runs.corpus(tmp_path / "in", CLASS)

    ctrl_c = class_runs.CtrlC(paths[2])
    fake.setattr(grade, "grade_one", ctrl_c)
    assert class_runs.run(paths, tmp_path / "resumed").interrupted
    ctrl_c.release()
    fake.setattr(grade, "grade_one", class_runs.fake_grade_one)
    class_runs.run(paths, tmp_path / "resumed", resume=True)
    class_runs.run(paths, tmp_path / "once")
    assert (tmp_path / "resumed" / "grades.csv").read_bytes() == (tmp_path / "once" / "grades.csv").read_bytes()


@pytest.mark.parametrize("change", ["content", "seed", "limits", "results.json removed"])
def test_resume_grades_again_what_changed(fake, tmp_path, change):
    paths, out = class_runs.corpus(tmp_path / "in", CLASS), tmp_path / "out"
    class_runs.run(paths, out)
    options = {"resume": True}
    if change == "content":
        paths[1].write_text("5\n")
    elif change == "seed":
        options["seed"] = 99
    elif change == "limits":
        options["limits"] = Limits(call=5)
    else:
        (out / "submissions" / "bob" / "05_x.py" / "results.json").unlink()
    result = class_runs.run(paths, out, **options)
    assert "bob/05_x.py" in [r.name for r in result.reports]


def test_resume_grades_again_what_a_grader_bug_stopped(fake, tmp_path):
    paths, out = class_runs.corpus(tmp_path / "in", {"a/05_x.py": "boom", "b/05_x.py": 3}), tmp_path / "out"
    class_runs.run(paths, out)
    paths[0].write_text("boom\n")
    assert class_runs.run(paths, out, resume=True).skipped == 1


def test_regrading_one_learner_replaces_that_row_and_keeps_the_others_in_place(fake, tmp_path):
    paths, out = class_runs.corpus(tmp_path / "in", CLASS), tmp_path / "out"
    class_runs.run(paths, out)
    paths[1].write_text("9\n")
    class_runs.run([paths[1]], out)
    assert _rows(out) == [("alice/05_x.py", "alice", "10"), ("bob/05_x.py", "bob", "9"),
                          ("carol/05_x.py", "carol", "7"), ("dan/05_x.py", "dan", "0")]


def test_a_new_learner_graded_into_an_existing_folder_is_added_after_the_others(fake, tmp_path):
    paths, out = class_runs.corpus(tmp_path / "in", CLASS), tmp_path / "out"
    class_runs.run(paths[1:], out)
    class_runs.run(paths[:1], out)
    assert [r[0] for r in _rows(out)] == ["bob/05_x.py", "carol/05_x.py", "dan/05_x.py", "alice/05_x.py"]


def test_a_second_run_into_the_same_folder_while_one_runs_is_refused(fake, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    try:
        with journal.Journal(fd):
            with pytest.raises(journal.JournalError, match="another grading run"):
                class_runs.run(class_runs.corpus(tmp_path / "in", CLASS), out)
    finally:
        os.close(fd)


def test_a_journal_planted_as_a_link_is_never_written_through(fake, tmp_path):
    out, target = tmp_path / "out", tmp_path / "elsewhere.txt"
    out.mkdir()
    target.write_text("keep\n")
    (out / journal.JOURNAL).symlink_to(target)
    with pytest.raises(journal.JournalError, match="link"):
        class_runs.run(class_runs.corpus(tmp_path / "in", CLASS), out)
    assert target.read_text() == "keep\n"


def test_a_torn_last_line_of_the_journal_is_ignored(fake, tmp_path):
    paths, out = class_runs.corpus(tmp_path / "in", CLASS), tmp_path / "out"
    class_runs.run(paths, out)
    with open(out / journal.JOURNAL, "ab") as f:
        f.write(b'{"row": {"name": "mallory/05_x.py"')
    result = class_runs.run(paths, out, resume=True)
    assert result.skipped == 4 and len(_rows(out)) == 4


def test_the_journal_holds_a_fingerprint_never_the_seed(fake, tmp_path):
    out = tmp_path / "out"
    class_runs.run(class_runs.corpus(tmp_path / "in", CLASS), out, seed=987654321987)
    text = (out / journal.JOURNAL).read_text()
    assert "987654321987" not in text and "987654321987".encode().hex() not in text
    assert len({json.loads(line).get("settings") for line in text.splitlines() if "row" in line}) == 1


def test_results_json_is_gradescopes_format_without_run_bookkeeping(fake, tmp_path):
    out = tmp_path / "out"
    class_runs.run(class_runs.corpus(tmp_path / "in", CLASS), out)
    result = json.loads((out / "submissions" / "bob" / "05_x.py" / "results.json").read_text())
    assert set(result) == {"score", "output", "output_format", "tests"}


def test_without_a_terminal_each_finished_submission_prints_one_progress_line(fake, tmp_path, capsys):
    grade.run_batch(class_runs.corpus(tmp_path / "in", CLASS), tmp_path / "out", seed=1)
    lines = capsys.readouterr().err.splitlines()
    assert [line.rsplit(" ", 2)[0] for line in lines] == [f"[{i}/4] {name} {score:g}/20 graded"
                                                          for i, (name, score) in enumerate(CLASS.items(), 1)]
    assert all(line.endswith(" s") for line in lines)


def test_a_progress_line_shows_a_hostile_file_name_neutralised(fake, tmp_path, capsys):
    grade.run_batch(class_runs.corpus(tmp_path / "in", {"a/x\x1b[2J\u202e.py": 1}), tmp_path / "out", seed=1)
    line = capsys.readouterr().err
    assert "\x1b" not in line and "\u202e" not in line and line.startswith("[1/1] x")
