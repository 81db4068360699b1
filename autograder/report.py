"""What grading found, and its serialisations: a check's `Result`, a submission's `Report` with its
`Status`, grades.csv and Gradescope's results.json.

Every text a learner or instructor reads comes from `verdict.render` (a check's
message) or from the grader's own words; what the submission printed or raised
reaches a file only neutralised and bounded (`verdict.neutral`).
"""
from __future__ import annotations

import csv
import io
import json
import os
import secrets
import sys
import unicodedata
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path

from . import exercises
from .verdict import Outcome, neutral, render


class Status(str, Enum):
    GRADED = "graded"              # every check ran (some may have failed)
    UNREADABLE = "unreadable"      # not a notebook or Python file we can read
    NOT_RUN = "not run"            # readable, but nothing could be graded (no exercises, could not start)


@dataclass
class Result:
    exercise: str
    key: str
    title: str
    score: float
    max_score: float
    hidden: bool
    outcome: Outcome
    message: str = field(init=False)

    def __post_init__(self):
        # rendered once; then what the submission returned is dropped (a batch keeps every report until
        # its files are written, and a reply may be megabytes)
        self.message = render(self.outcome, self.hidden)
        self.outcome = replace(self.outcome, got=None, expected=None)

    @property
    def passed(self) -> bool:
        return self.outcome.passed

    @property
    def label(self) -> str:
        return f"{self.exercise}: {self.title}" + (" (hidden)" if self.hidden else "")

    def to_dict(self) -> dict:
        return {"exercise": self.exercise, "key": self.key, "title": self.title, "hidden": self.hidden,
                "score": round(self.score, 4), "max_score": round(self.max_score, 4),
                "passed": self.passed, "message": self.message}


@dataclass
class Report:
    submission: Path
    chapter: str | None
    results: list = field(default_factory=list)
    status: Status = Status.GRADED
    detail: str = ""               # the grader's words on the status (why not run, cell errors...)
    notes: list = field(default_factory=list)      # the submission's cell errors (neutralised)
    output: str = ""               # what it printed (first lines, neutralised)
    seconds: float = 0.0
    load_seconds: float = 0.0
    peak_memory: int = 0
    name: str = ""                 # its name in the batch (`batch_names`): its row and its folder
    learner: str = ""              # who submitted it (`learners`), "" when nothing says

    @property
    def label(self) -> str:
        return self.name or self.submission.name

    @property
    def ok(self) -> bool:
        return self.status is Status.GRADED

    @property
    def status_text(self) -> str:
        text = self.status.value
        if self.detail:
            text += ("; " if self.status is Status.GRADED else ": ") + self.detail
        return neutral(text, 300)

    def points(self) -> dict[str, float]:
        per: dict[str, float] = {}
        for r in self.results:
            per[r.exercise] = per.get(r.exercise, 0.0) + r.score
        return per

    def total(self, visible_only: bool = False) -> float:
        return round(sum(r.score for r in self.results if not (visible_only and r.hidden)), 4)

    def max_total(self, visible_only: bool = False) -> float:
        if visible_only:
            return round(sum(r.max_score for r in self.results if not r.hidden), 4)
        if self.chapter is None:
            return 0
        return sum(ex.points for ex in exercises.exercises_for(self.chapter))

    @property
    def has_hidden(self) -> bool:
        return any(r.hidden for r in self.results)


# --------------------------------------------------------------------------- Gradescope

VISIBILITIES = ("visible", "after_due_date", "after_published", "hidden")


@dataclass(frozen=True)
class Visibility:
    """Gradescope's visibility of public and hidden checks (a grading option)."""
    public: str = "visible"
    hidden: str = "after_published"

    def __post_init__(self):
        for v in (self.public, self.hidden):
            if v not in VISIBILITIES:
                raise ValueError(f"visibility {v!r}: one of {', '.join(VISIBILITIES)}")


def gradescope(report: Report, visibility: Visibility = Visibility()) -> dict:
    """Gradescope's results.json. When hidden checks exist and are not shown at once, the top-level
    output states only the points of the checks a learner can see now."""
    tests = [{"name": r.label, "score": round(r.score, 4), "max_score": round(r.max_score, 4),
              "status": "passed" if r.passed else "failed", "output": r.message,
              "output_format": "text",
              "visibility": visibility.hidden if r.hidden else visibility.public,
              "extra_data": {"exercise": r.exercise, "key": r.key, "hidden": r.hidden,
                             # the grader's words only (a class report counts them): never the submission's
                             "problem": r.outcome.problem.value, "slip": r.outcome.slip}} for r in report.results]
    if report.has_hidden and visibility.hidden != "visible":
        output = (f"Chapter {report.chapter}: {report.total(True):g} of {report.max_total(True):g} points on the "
                  f"checks shown now. The hidden checks ({report.max_total() - report.max_total(True):g} points) "
                  "are shown when they are published.")
    else:
        output = f"Chapter {report.chapter}: {report.total():g} of {report.max_total():g} points."
    output += f" Status: {report.status_text}"
    if report.output:
        output += "\n\nWhat your code printed (first lines):\n" + report.output[:2000]
    # no execution_time: how long grading took is the submission's to choose, and could carry hidden inputs
    return {"score": report.total(), "output": output,
            "output_format": "text", "tests": tests}


# --------------------------------------------------------------------------- files

def _folder(parent_fd: int, name: str) -> int:
    """An open descriptor of folder `name` in `parent_fd`, made if missing; a link or file planted
    under that name is removed first, never followed."""
    for _ in range(3):
        try:
            os.mkdir(name, 0o755, dir_fd=parent_fd)
        except FileExistsError:
            pass
        try:
            return os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=parent_fd)
        except (NotADirectoryError, OSError) as exc:
            if isinstance(exc, FileNotFoundError):
                continue
            os.unlink(name, dir_fd=parent_fd)
    raise OSError(f"cannot make the folder {name}")


def _atomic_write(folder_fd: int, name: str, text: str):
    """Write `name` in the open folder: a new file of our own, then renamed over the old name (which
    replaces a planted link instead of writing through it)."""
    tmp = f".tmp-{os.getpid()}-{secrets.token_hex(8)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644, dir_fd=folder_fd)
    with os.fdopen(fd, "w", encoding="utf-8", errors="replace", newline="") as f:
        f.write(text)
    os.replace(tmp, name, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)


def escaped(text: str) -> str:
    """`text` with every control, format or unpaired character (and the backslash) written as an escape:
    one line, always encodable, and two different texts never look the same."""
    out = []
    for ch in str(text):
        if ch == "\\" or unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}" if ord(ch) < 0x10000
                       else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    return "".join(out)


def _cell(text: str, limit: int | None = 300) -> str:
    """A CSV cell a spreadsheet shows as text, never runs as a formula (OWASP: a leading = + - @, and
    the quote this adds, get a quote in front)."""
    text = neutral(text, limit) if limit else escaped(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "'") else text


@dataclass(frozen=True)
class Row:
    """A submission's line in grades.csv, as data: what the journal stores and the CSV shows."""
    name: str                      # its name in the batch (`batch_names`)
    learner: str                   # who submitted it (`learners`), "" when the layout does not say
    chapter: str | None
    points: dict                   # exercise -> points
    total: float
    max_total: float
    status: str                    # `Report.status_text`

    @classmethod
    def of(cls, report: Report) -> "Row":
        return cls(report.label, report.learner, report.chapter, {k: round(v, 4) for k, v in report.points().items()},
                   report.total(), float(report.max_total()), report.status_text)


def grades_csv(rows: list) -> str:
    """grades.csv of `rows` (Rows, or Reports), in that order: submission, learner, one column per exercise
    of the chapters present, total, max_total, status."""
    rows = [r if isinstance(r, Row) else Row.of(r) for r in rows]
    columns = [ex.name for ex in exercises.EXERCISES if any(r.chapter == ex.chapter for r in rows)]
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["submission", "learner", *columns, "total", "max_total", "status"])
    for row in rows:
        points = row.points
        writer.writerow([_cell(row.name, None), _cell(row.learner, None),
                         *[f"{points[c]:g}" if c in points else "" for c in columns],
                         f"{row.total:g}", f"{row.max_total:g}", _cell(row.status)])
    return buf.getvalue()


def batch_names(paths, root: str | None = None) -> list[str]:
    """Each submission's name in a batch: its path below the folder that holds them all
    (`alice/05_imbalanced_data.ipynb` beside `bob/...`; just the file's name when they share a folder), or
    below `root` when every file is inside it (a regrade of one learner keeps the name of the class's run).
    Different files get different names; the same file given twice, the same name."""
    return [os.path.relpath(a, batch_root(paths, root)) for a in map(os.path.abspath, paths)]


def batch_root(paths, root: str | None = None) -> str:
    """The folder the batch names are relative to: `root` when it holds every file, else their common folder."""
    absolute = [os.path.abspath(p) for p in paths]
    if not absolute:
        return os.path.abspath(root or ".")
    if root and all(a.startswith(os.path.join(os.path.abspath(root), "")) for a in absolute):
        return os.path.abspath(root)
    return os.path.commonpath([os.path.dirname(a) for a in absolute])


SUBMISSIONS = "submissions"        # DIR/submissions/<name>/results.json, beside DIR/grades.csv
# Only these get a folder: no such name can be another's folder plus "/results.json", so no results.json
# is ever where another submission's folder must go.
SUBMISSION_SUFFIXES = (".py", ".ipynb")


def write_outputs(reports: list[Report], out_dir: Path, visibility: Visibility = Visibility()):
    """DIR/grades.csv and DIR/submissions/<name>/results.json (`<name>` as in `batch_names`, so every
    .py or .ipynb submission has its own folder and none can be a batch-level file; anything else gets its
    row only), each written atomically, never through a link. A results.json that cannot be written is
    reported and skipped: grades.csv is always written, with every row. (A grading run writes each
    submission's files as it finishes instead: `journal`.)"""
    out_fd = open_out(out_dir)
    try:
        written = set()
        for report in reports:
            if report.label not in written:
                written.add(report.label)
                write_results(out_fd, report, visibility)
        _atomic_write(out_fd, "grades.csv", grades_csv(reports))
    finally:
        os.close(out_fd)


def open_out(out_dir) -> int:
    """An open descriptor of the output folder, made if missing."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return os.open(out_dir, os.O_RDONLY | os.O_DIRECTORY)


def has_folder(name: str) -> bool:
    """Whether the submission `name` gets a folder (and a results.json) under DIR/submissions."""
    return name.endswith(SUBMISSION_SUFFIXES)


def write_results(out_fd: int, report: Report, visibility: Visibility = Visibility()) -> bool:
    """DIR/submissions/<name>/results.json of one report (atomically, never through a link); False when it
    has no folder or could not be written (which is reported on stderr)."""
    return write_results_text(out_fd, report.label, json.dumps(gradescope(report, visibility), indent=2) + "\n")


def write_results_text(out_fd: int, name: str, text: str) -> bool:
    if not has_folder(name):
        return False                          # (a folder or other file: its row says why it was not graded)
    try:
        _write_results(out_fd, name, text)
        return True
    except OSError as exc:
        print(f"grade: could not write the results of {escaped(name)}: {escaped(str(exc))}", file=sys.stderr)
        return False


def _write_results(out_fd: int, name: str, text: str):
    parts = [SUBMISSIONS, *Path(name).parts]
    if any(p in ("", ".", "..") or "/" in p for p in parts):
        raise OSError(0, "not a plain relative name")
    fds = [out_fd]
    try:
        for part in parts:
            fds.append(_folder(fds[-1], part))
        _atomic_write(fds[-1], "results.json", text)
    finally:
        for fd in fds[1:]:
            os.close(fd)
