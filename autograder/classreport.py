"""A class's results as numbers: read a `grade --out` folder, never regrade.

`load(OUT)` reads OUT/grades.csv (the class: one row per submission, its points and status) and
OUT/submissions/**/results.json (each graded submission's checks); `summarise` turns them into a
`Summary`: the score distribution, per-exercise and per-check statistics, the most frequent
diagnoses and each check's discrimination. `classreport_page` renders a Summary as HTML and CSV.

Every file here could have been forged. A learner's process never writes them, but the reader assumes
nothing: a file is opened only below OUT, never through a link, only when it is a regular file of at
most `MAX_RESULTS_BYTES`; JSON of the wrong shape is skipped and counted. A check is counted only when
this grader knows it (`runner.plan`): its title is the grader's, never the file's. The texts a file
can carry into the report (submission names, statuses, slips) are kept neutralised and bounded here
(`verdict.neutral`); the page escapes them again for HTML.
"""
from __future__ import annotations

import csv
import errno
import functools
import io
import json
import math
import os
import stat
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import exercises
from .report import SUBMISSIONS, _cell
from .verdict import Problem, neutral

MAX_RESULTS_BYTES = 1_000_000      # a real results.json is ~20 kB (40 checks with their messages)
MAX_GRADES_BYTES = 64_000_000      # grades.csv of 100,000 submissions
MAX_DEPTH = 12                     # folders below OUT/submissions (a name is a path below the batch's root)
MAX_FILES = 200_000                # results.json files read, at most
NAME_CHARS = 160                   # of a submission's name, as shown
STATUS_CHARS = 300
SLIP_CHARS = 300


class ClassReportError(Exception):
    """OUT is not a folder `grade --out` wrote (no readable grades.csv)."""


@dataclass(frozen=True)
class CheckId:
    exercise: str
    key: str
    hidden: bool


@dataclass(frozen=True)
class CheckInfo:
    """A check as this grader defines it (the grader's words)."""
    id: CheckId
    title: str


@dataclass
class Row:
    """One row of grades.csv."""
    cell: str                      # the submission's cell as written (`report._cell` of its name)
    name: str                      # that cell neutralised and bounded, to show
    points: dict                   # exercise -> points
    total: float | None
    max_total: float | None
    status: str                    # neutralised and bounded

    @property
    def graded(self) -> bool:
        return self.status.startswith("graded")


@dataclass
class CheckOutcome:
    passed: bool
    score: float
    problem: str                   # a `verdict.Problem` value
    slip: str                      # neutralised and bounded


@dataclass
class Learner:
    """The checks of one submission's results.json."""
    name: str
    checks: dict = field(default_factory=dict)      # CheckId -> CheckOutcome

    @property
    def total(self) -> float:
        return sum(o.score for o in self.checks.values())


@dataclass
class ClassResults:
    rows: list                                       # every grades.csv row (Row), in order
    learners: list                                   # graded rows' results (Learner)
    skipped: Counter = field(default_factory=Counter)   # reason -> files (or rows, or checks) left out
    known: dict = field(default_factory=dict)        # CheckId -> CheckInfo


# --------------------------------------------------------------------------- reading

def known_checks(names) -> dict:
    """Every check of these exercises (in the registry's order), as `python -m autograder list` shows them."""
    found = {}
    for ex in exercises.EXERCISES:
        if ex.name in names:
            found.update(_checks_of(ex.name))
    return found


@functools.lru_cache(maxsize=None)
def _checks_of(name: str) -> dict:
    from .runner import plan                      # (building an exercise's checks takes ~0.1 s)
    return {CheckId(name, c.key, bool(c.hidden)): CheckInfo(CheckId(name, c.key, bool(c.hidden)), c.title)
            for c in plan(name, 0)}


def load(out: Path, known: dict | None = None) -> ClassResults:
    """OUT's grades.csv and results.json files; what cannot be trusted is left out and counted. A check
    counts when `known` holds it (by default: the checks of grades.csv's exercise columns)."""
    try:
        out_fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise ClassReportError(f"{out} is not a folder one can read ({exc.strerror})") from None
    try:
        text, why = _read_file(out_fd, "grades.csv", MAX_GRADES_BYTES)
        if text is None:
            raise ClassReportError(f"{out} has no grades.csv one can read ({why}): is it a `grade --out` folder?")
        skipped: Counter = Counter()
        rows, columns = _rows(text.decode("utf-8", "replace"), skipped)
        known = known_checks(columns) if known is None else known
        by_name = {}
        for row in rows:
            by_name.setdefault(row.cell, row)
        learners = []
        for name, data in _results_files(out_fd, skipped):
            row = by_name.get(_cell(name, None))
            if row is None:
                skipped["results.json with no row in grades.csv"] += 1
            elif row.graded:
                learner = _learner(row.name, data, known, skipped)
                if learner is not None:
                    learners.append(learner)
        return ClassResults(rows, learners, skipped, known)
    finally:
        os.close(out_fd)


def _read_file(dir_fd: int, name: str, limit: int) -> tuple[bytes | None, str]:
    """The bytes of regular file `name` in the folder, or None and why not (a link, too large...)."""
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=dir_fd)
    except OSError as exc:
        return None, "a link (not followed)" if exc.errno == errno.ELOOP else f"unreadable ({exc.strerror})"
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None, "not a regular file"
        if info.st_size > limit:
            return None, f"larger than {limit:,} bytes"
        with os.fdopen(os.dup(fd), "rb") as f:
            data = f.read(limit + 1)
        return (data, "") if len(data) <= limit else (None, f"larger than {limit:,} bytes")
    finally:
        os.close(fd)


def _results_files(out_fd: int, skipped: Counter):
    """(name, bytes) of each results.json below OUT/submissions (name: its folder's path below
    submissions/), walked through descriptors: no link is followed, no folder deeper than MAX_DEPTH."""
    try:
        top = os.open(SUBMISSIONS, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=out_fd)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            skipped[f"{SUBMISSIONS}/ itself: a link or a file (not followed)"] += 1
        return
    count = 0
    stack = [(top, ())]
    try:
        while stack:
            fd, parts = stack.pop()
            try:
                with os.scandir(fd) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError:
                skipped["folders that could not be read"] += 1
                os.close(fd)
                continue
            subfolders = []
            for entry in entries:
                if entry.is_symlink():
                    skipped["links (not followed)"] += 1
                elif entry.is_dir(follow_symlinks=False):
                    if len(parts) >= MAX_DEPTH:
                        skipped[f"folders deeper than {MAX_DEPTH} levels"] += 1
                        continue
                    try:
                        sub = os.open(entry.name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
                    except OSError:
                        skipped["folders that could not be read"] += 1
                        continue
                    subfolders.append((sub, parts + (entry.name,)))
                elif entry.name == "results.json":
                    if count >= MAX_FILES:
                        skipped[f"results.json beyond the first {MAX_FILES:,}"] += 1
                        continue
                    count += 1
                    data, why = _read_file(fd, entry.name, MAX_RESULTS_BYTES)
                    if data is None:
                        skipped[f"results.json {why}"] += 1
                    elif not parts:
                        skipped["results.json with no row in grades.csv"] += 1
                    else:
                        yield "/".join(parts), data
            os.close(fd)
            stack.extend(reversed(subfolders))
    finally:
        for fd, _ in stack:
            os.close(fd)


def _rows(text: str, skipped: Counter) -> tuple[list[Row], list[str]]:
    """grades.csv's rows and its exercise columns. Columns are found by their header (others may be added); an exercise column is
    one this grader knows."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        return [], []
    index = {name: i for i, name in reversed(list(enumerate(header)))}
    if not {"submission", "total", "max_total", "status"} <= set(index):
        raise ClassReportError("grades.csv has no submission, total, max_total and status columns")
    names = {ex.name for ex in exercises.EXERCISES}
    columns = [(name, i) for name, i in index.items() if name in names]
    rows = []
    try:
        for cells in reader:
            if len(cells) != len(header):
                skipped["grades.csv rows of the wrong length"] += 1
                continue
            points = {name: v for name, i in columns if (v := _number(cells[i])) is not None}
            cell = cells[index["submission"]]
            rows.append(Row(cell, neutral(cell, NAME_CHARS), points,
                            _number(cells[index["total"]]), _number(cells[index["max_total"]]),
                            neutral(cells[index["status"]], STATUS_CHARS)))
    except csv.Error:
        skipped["grades.csv rows that could not be read"] += 1
    return rows, [name for name, _ in columns]


def _number(text) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _real(value) -> float | None:
    """A JSON number (not a bool), finite."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


PROBLEMS = {p.value for p in Problem}


def _learner(name: str, data: bytes, known: dict, skipped: Counter) -> Learner | None:
    """A submission's checks from its results.json, or None (counted) when the file is not of its shape."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        skipped["results.json that is not JSON"] += 1
        return None
    tests = doc.get("tests") if isinstance(doc, dict) else None
    if not isinstance(tests, list):
        skipped["results.json of the wrong shape"] += 1
        return None
    learner = Learner(name)
    for test in tests:
        extra = test.get("extra_data") if isinstance(test, dict) else None
        if not isinstance(extra, dict):
            skipped["results.json of the wrong shape"] += 1
            return None
        exercise, key, hidden = extra.get("exercise"), extra.get("key"), extra.get("hidden")
        score, max_score = _real(test.get("score")), _real(test.get("max_score"))
        status, problem, slip = test.get("status"), extra.get("problem", ""), extra.get("slip", "")
        if not (isinstance(exercise, str) and isinstance(key, str) and isinstance(hidden, bool)
                and score is not None and max_score is not None and status in ("passed", "failed")
                and isinstance(problem, str) and isinstance(slip, str)):
            skipped["results.json of the wrong shape"] += 1
            return None
        cid = CheckId(exercise, key, hidden)
        if cid not in known:
            skipped["checks this grader does not know (left out of their files)"] += 1
            continue
        if cid in learner.checks:
            continue
        passed = status == "passed"
        learner.checks[cid] = CheckOutcome(passed, min(max(score, 0.0), max(max_score, 0.0)),
                                      problem if problem in PROBLEMS else Problem.OTHER.value,
                                      "" if passed else neutral(slip, SLIP_CHARS))
    return learner


# --------------------------------------------------------------------------- statistics

@dataclass(frozen=True)
class Bin:
    label: str                     # "0–9 %", ..., "100 %"
    count: int


@dataclass(frozen=True)
class ExerciseStats:
    name: str
    chapter: str
    points: float
    n: int
    mean: float
    median: float
    full_marks: float              # share of the learners with every point of it


@dataclass(frozen=True)
class CheckStats:
    info: CheckInfo
    n: int                         # learners whose results hold this check
    passed: int
    discrimination: float | None   # point-biserial r of passing it with the rest of the total
    why_none: str = ""             # why there is no discrimination (everyone passed...)

    @property
    def pass_rate(self) -> float:
        return self.passed / self.n if self.n else 0.0


@dataclass(frozen=True)
class Diagnosis:
    exercise: str
    slip: str
    learners: int


@dataclass(frozen=True)
class ProblemCount:
    problem: str
    learners: int                  # learners with at least one failed check of this kind
    checks: int                    # failed checks of this kind


@dataclass(frozen=True)
class NotGraded:
    name: str
    status: str


@dataclass
class Summary:
    rows: int                      # submissions in grades.csv
    graded: int
    chapters: list
    bins: list
    exercises: list
    checks: list                   # hardest first
    diagnoses: list                # most frequent first
    problems: list
    not_graded: list
    skipped: Counter
    with_results: int              # graded learners whose results.json was read


def histogram(fractions: list[float]) -> list[Bin]:
    """Scores as a share of the maximum in eleven bins: 0–9 %, 10–19 %, ..., 90–99 % and 100 %."""
    counts = [0] * 11
    for f in fractions:
        counts[min(10, int(math.floor(min(max(f, 0.0), 1.0) * 100 + 1e-9)) // 10)] += 1
    labels = [f"{10 * i}–{10 * i + 9} %" for i in range(10)] + ["100 %"]
    return [Bin(label, c) for label, c in zip(labels, counts)]


def point_biserial(passed: list[bool], rest: list[float]) -> tuple[float | None, str]:
    """The correlation of passing (1) or not (0) with the rest of the score, or None and why."""
    n = len(passed)
    if n < 3:
        return None, "too few learners"
    k = sum(passed)
    if k == 0:
        return None, "no one passed"
    if k == n:
        return None, "everyone passed"
    mean = sum(rest) / n
    sd = math.sqrt(sum((r - mean) ** 2 for r in rest) / n)
    if sd < 1e-12:
        return None, "the other scores are all equal"
    mean_pass = sum(r for r, p in zip(rest, passed) if p) / k
    mean_fail = sum(r for r, p in zip(rest, passed) if not p) / (n - k)
    p = k / n
    return max(-1.0, min(1.0, (mean_pass - mean_fail) / sd * math.sqrt(p * (1 - p)))), ""


def summarise(results: ClassResults) -> Summary:
    graded = [r for r in results.rows if r.graded]
    fractions = [r.total / r.max_total for r in graded
                 if r.total is not None and r.max_total is not None and r.max_total > 0]
    used = {ex for r in graded for ex in r.points}
    ex_stats = []
    for ex in exercises.EXERCISES:
        if ex.name not in used:
            continue
        values = [min(max(r.points[ex.name], 0.0), ex.points) for r in graded if ex.name in r.points]
        ex_stats.append(ExerciseStats(ex.name, ex.chapter, ex.points, len(values), statistics.fmean(values),
                                      statistics.median(values),
                                      sum(v >= ex.points - 1e-6 for v in values) / len(values)))

    checks = []
    order = {cid: i for i, cid in enumerate(results.known)}
    seen = sorted({cid for learner in results.learners for cid in learner.checks}, key=order.get)
    totals = [learner.total for learner in results.learners]
    for cid in seen:
        passed, rest = [], []
        for learner, total in zip(results.learners, totals):
            outcome = learner.checks.get(cid)
            if outcome is not None:
                passed.append(outcome.passed)
                rest.append(total - outcome.score)
        r, why = point_biserial(passed, rest)
        checks.append(CheckStats(results.known[cid], len(passed), sum(passed), r, why))
    checks.sort(key=lambda c: (c.pass_rate, order[c.info.id]))

    slips: Counter = Counter()
    problem_learners: Counter = Counter()
    problem_checks: Counter = Counter()
    for learner in results.learners:
        failed = [(cid, o) for cid, o in learner.checks.items() if not o.passed]
        slips.update({(cid.exercise, o.slip) for cid, o in failed if o.slip})
        problem_learners.update({o.problem for _, o in failed})
        problem_checks.update(o.problem for _, o in failed)
    diagnoses = [Diagnosis(ex, slip, n) for (ex, slip), n in
                 sorted(slips.items(), key=lambda item: (-item[1], item[0]))]
    problems = [ProblemCount(p, problem_learners[p], problem_checks[p])
                for p in sorted(problem_checks, key=lambda p: (-problem_learners[p], p))]

    chapters = sorted({ex.chapter for ex in exercises.EXERCISES if ex.name in used})
    return Summary(len(results.rows), len(graded), chapters, histogram(fractions), ex_stats, checks, diagnoses,
                   problems, [NotGraded(r.name, r.status) for r in results.rows if not r.graded],
                   results.skipped, len(results.learners))
