"""Who submitted each file (autograder/learners.py): a roster, a Gradescope export, GitHub Classroom clones,
one folder per learner, or nobody; and two learners' files of the same name stay two rows."""
import csv
import io
from pathlib import Path

import pytest

from autograder.grade import Batch
from autograder.learners import RosterError, read_roster
from autograder.report import Report, Row, grades_csv

METADATA = """\
submission_101:
  :submitters:
  - :name: Alice Doe
    :sid: '1001'
    :email: alice@example.edu
  :created_at: 2025-01-01 10:00:00.000000000 -08:00
submission_102:
  :submitters:
  - :name: Bob
    :email: bob@example.edu
  - :name: Carol
    :sid: '1003'
submission_103:
  :submitters:
  - :name: "\\e[31mEve\\u202e"
"""


def _files(root: Path, *names) -> list[Path]:
    paths = []
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n")
        paths.append(path)
    return paths


def _learners(paths, roster=None):
    batch = Batch.of(paths, roster)
    return dict(zip(batch.names, batch.learners))


def test_a_gradescope_export_names_each_submission_by_its_submitters_ids(tmp_path):
    export = tmp_path / "assignment_77_export"
    paths = _files(export, "submission_101/05_x.ipynb", "submission_102/05_x.ipynb")
    (export / "submission_metadata.yml").write_text(METADATA)
    assert _learners(paths) == {"submission_101/05_x.ipynb": "1001", "submission_102/05_x.ipynb": "bob@example.edu+1003"}


def test_a_gradescope_export_without_its_metadata_names_each_submission_by_its_folder(tmp_path):
    paths = _files(tmp_path / "assignment_77_export", "submission_101/05_x.ipynb", "submission_102/05_x.ipynb")
    assert set(_learners(paths).values()) == {"submission_101", "submission_102"}


def test_a_learner_typed_name_in_gradescope_metadata_reaches_no_output_raw(tmp_path):
    export = tmp_path / "assignment_77_export"
    paths = _files(export, "submission_103/05_x.ipynb", "submission_101/05_x.ipynb")
    (export / "submission_metadata.yml").write_text(METADATA)
    learner = _learners(paths)["submission_103/05_x.ipynb"]
    assert "Eve" in learner and all(ch.isprintable() for ch in learner)


def test_unreadable_gradescope_metadata_falls_back_to_the_folder_names(tmp_path):
    export = tmp_path / "assignment_77_export"
    paths = _files(export, "submission_101/05_x.ipynb", "submission_102/05_x.ipynb")
    (export / "submission_metadata.yml").write_text("submission_101: [unclosed\n")
    assert set(_learners(paths).values()) == {"submission_101", "submission_102"}


def test_github_classroom_clones_are_named_by_the_github_username(tmp_path):
    clones = tmp_path / "losses-05-submissions"
    paths = _files(clones, "losses-05-alice/05_x.ipynb", "losses-05-bob-smith/work/05_x.ipynb")
    assert list(_learners(paths).values()) == ["alice", "bob-smith"]


def test_one_folder_per_learner_names_each_file_by_its_first_folder(tmp_path):
    paths = _files(tmp_path / "class", "alice/05_x.ipynb", "bob/ch05/05_x.ipynb")
    assert _learners(paths) == {"alice/05_x.ipynb": "alice", "bob/ch05/05_x.ipynb": "bob"}


def test_files_side_by_side_have_no_learner(tmp_path):
    paths = _files(tmp_path, "a.py", "b.py")
    assert list(_learners(paths).values()) == ["", ""]


def _roster(tmp_path, text) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(text)
    return path


def test_a_roster_names_files_and_folders_the_most_specific_entry_winning(tmp_path):
    paths = _files(tmp_path / "in", "s1/05_x.py", "s1/late/05_x.py", "s2/05_x.py")
    roster = read_roster(_roster(tmp_path, "learner,path,email\nann,in/s1,a@x\nben,in/s1/late/05_x.py,b@x\n"))
    assert _learners(paths, roster) == {"s1/05_x.py": "ann", "s1/late/05_x.py": "ben", "s2/05_x.py": "s2"}


@pytest.mark.parametrize("text", ["name,file\nann,a.py\n", "learner,path\nann,\n", ""])
def test_a_roster_without_learner_and_path_columns_or_values_is_refused(tmp_path, text):
    with pytest.raises(RosterError):
        read_roster(_roster(tmp_path, text))


def test_two_learners_files_of_the_same_name_are_two_rows_with_their_learners(tmp_path):
    paths = _files(tmp_path, "alice/05_imbalanced_data.ipynb", "bob/05_imbalanced_data.ipynb")
    batch = Batch.of(paths)
    rows = []
    for path, name, learner in zip(batch.paths, batch.names, batch.learners):
        report = Report(path, "05", name=name, learner=learner)
        rows.append(Row.of(report))
    table = list(csv.reader(io.StringIO(grades_csv(rows))))
    assert [r[:2] for r in table] == [["submission", "learner"], ["alice/05_imbalanced_data.ipynb", "alice"],
                                      ["bob/05_imbalanced_data.ipynb", "bob"]]


def test_a_learner_id_like_a_formula_is_text_in_grades_csv(tmp_path):
    row = Row("a.py", "=HYPERLINK(1)", "05", {}, 0.0, 20.0, "graded")
    assert list(csv.reader(io.StringIO(grades_csv([row]))))[1][1] == "'=HYPERLINK(1)"
