"""Grade submissions: the orchestration.

`grade_one` takes a submission's chapter from the instructor (`submission.chapter_for`:
--chapter, else the folder or file name, never the submission's content), reads and
analyses it in a bounded process of its own (`intake`), and runs every check of that
chapter against its sandboxed code (all public checks, then all hidden ones);
`run_batch` (and `grade_many`, which returns its reports) does a batch
(optionally two at a time) with one zygote and one answer key (`targets`): each
submission's `DIR/submissions/<name>/results.json` (`report`) and journal record
(`journal`, which rewrites `DIR/grades.csv` atomically) are written as soon as it
finishes, from this process only; names and learner ids come from the batch's
layout (`learners`), `--shard` and `--resume` choose what to grade (`shards`,
`journal`). `refuse_many` writes the rows of a batch that may not be graded here.
"""
from __future__ import annotations

import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import exercises, intake
from .journal import GRADES, Journal, Record, RunLine, batch_id, content_hash, fingerprint
from .learners import Roster, learners_for
from .report import (SUBMISSIONS, Report, Row, Status, Visibility, batch_names, batch_root, has_folder, open_out,
                     write_results)
from .runner import plan, run_exercises, scored
from .sandbox import Zygote
from .shards import Shard
from .submission import UnreadableSubmission, chapter_for, is_python, read_bytes
from .targets import Limits, SandboxTarget, answer_key
from .verdict import Outcome, Problem, neutral


def grade_one(path, zygote, reference, chapter=None, seed=None, public_only=False, overrides=None,
              limits: Limits = Limits()) -> Report:
    """Every check of one submission's chapter against its sandboxed code (public, then hidden)."""
    start = time.perf_counter()
    path = Path(path)
    ch = chapter_for(path, chapter)
    names = [ex.name for ex in exercises.exercises_for(ch)] if ch else []
    try:
        taken = intake.take(path, names)       # in a process of its own: no lock, no wait for another submission
    except UnreadableSubmission as exc:
        report = Report(path, ch, status=Status.UNREADABLE, detail=str(exc))
        report.results = zero_results(ch, str(exc), None if public_only else seed, overrides)
        return report
    sub = taken.submission
    if not is_python(sub.language):
        detail = f"this notebook's kernel is {neutral(sub.language, 40)}, not Python"
        return Report(path, ch, status=Status.NOT_RUN, detail=detail,
                      results=zero_results(ch, detail, None if public_only else seed, overrides))
    if ch is None:
        return Report(path, None, status=Status.NOT_RUN, detail="no chapter: pass --chapter (or put the "
                      "submissions in a folder named for their chapter, such as ch05)")
    report = Report(path, ch)
    report.notes += sub.syntax_errors()
    target = SandboxTarget(zygote, sub, names, limits)
    try:
        report.results += run_exercises(names, target, seed=None if public_only else seed,
                                        static_shortcuts=taken.shortcuts, before_hidden=target.enter_hidden,
                                        reference=reference, overrides=overrides)
    finally:
        target.close()
    report.notes += [e for e in target.cell_errors if e not in report.notes]
    report.notes = [neutral(n, 500) for n in report.notes]
    report.output = neutral_output(target.output)
    if target.broken and not target.names_seen:
        report.status, report.detail = Status.NOT_RUN, target.broken
    elif report.notes:
        report.detail = "; ".join(report.notes)
    report.seconds = time.perf_counter() - start
    report.load_seconds = target.load_seconds
    report.peak_memory = target.peak_memory
    return report


def neutral_output(text: str) -> str:
    """What a submission printed, line by line without control characters, bounded."""
    return "\n".join(neutral(line, 300) for line in str(text).splitlines()[:60])


def zero_results(chapter, message, seed, overrides=None):
    """Every check of the chapter at its real weight, scored 0 with the same message."""
    if chapter is None:
        return []
    results = []
    outcome = Outcome(False, Problem.FATAL, detail=neutral(message, 300))
    for ex in exercises.exercises_for(chapter):
        checks = plan(ex.name, seed, overrides)
        total = sum(c.weight for c in checks)
        results += [scored(ex, c, total, outcome) for c in checks]
    return results


@dataclass
class Batch:
    """A run's submissions: each file once, in argument order, with its batch name and learner."""
    paths: list
    names: list
    learners: list
    id: str                            # `journal.batch_id` of the names
    root: str                          # the folder the names are relative to

    @classmethod
    def of(cls, paths, roster: Roster | None = None, root: str | None = None) -> "Batch":
        """The batch of `paths`, named below `root` when it holds them all (`report.batch_root`)."""
        root = batch_root(paths, root)
        named = dict(zip(batch_names(paths, root), paths))    # one entry per file, in argument order
        names = list(named)
        return cls([Path(p) for p in named.values()], names, learners_for(named.values(), names, root, roster),
                   batch_id(names), root)

    def positions(self, shard: Shard | None = None) -> list[int]:
        """The positions this run grades: all, or those of `shard` (by each name alone, `shards`)."""
        return [i for i, name in enumerate(self.names) if shard is None or shard.holds(name)]


@dataclass
class Run:
    """What a grading run did: the reports of the submissions it graded (in argument order), how many it
    skipped as already graded (`resume`), and whether it was interrupted."""
    reports: list = field(default_factory=list)
    skipped: int = 0
    planned: int = 0
    interrupted: bool = False


def settings_of(seed, overrides, visibility: Visibility, limits: Limits) -> str:
    """The run's settings fingerprint (`journal.fingerprint`): what --resume and merge compare."""
    return fingerprint(seed, {"weights": overrides or {}, "visibility": asdict(visibility),
                              "limits": asdict(limits)})


def grade_many(paths, out_dir, chapter=None, seed=None, jobs=1, progress=None, mode=None,
               overrides=None, visibility: Visibility = Visibility(), limits: Limits = Limits(),
               **options) -> list[Report]:
    """Grade a batch (`jobs` at a time) into DIR (see `run_batch`, which takes `options`) and return the
    reports of the submissions graded; KeyboardInterrupt when interrupted (what finished is written)."""
    run = run_batch(paths, out_dir, chapter, seed, jobs, progress, mode, overrides, visibility, limits, **options)
    if run.interrupted:
        raise KeyboardInterrupt
    return run.reports


def run_batch(paths, out_dir, chapter=None, seed=None, jobs=1, progress=None, mode=None, overrides=None,
              visibility: Visibility = Visibility(), limits: Limits = Limits(), roster: Roster | None = None,
              shard: Shard | None = None, resume: bool = False) -> Run:
    """Grade a batch (`jobs` at a time), writing each submission's DIR/submissions/<name>/results.json and
    its journal record (so DIR/grades.csv) as soon as it finishes (`journal`); `<name>` being each file's
    path below the folder that holds them all (`report.batch_names`); a file given twice is graded once.
    With `shard`, only that shard's submissions; with `resume`, not those DIR already holds graded with the
    same settings, chapter and file content. Progress: a bar on a terminal, else one line per submission
    (`progress` True or False forces the bar or nothing). JournalError when DIR's journal cannot be used."""
    settings = settings_of(seed, overrides, visibility, limits)
    run = Run()
    out_fd = open_out(out_dir)
    try:
        with Journal(out_fd) as book:
            batch = Batch.of(paths, roster, book.root())
            book.start(RunLine(batch.id, settings, str(shard or "")))
            _warn_mixed(book, settings)
            todo = []
            for i in batch.positions(shard):
                content = _content(batch.paths[i])
                if resume and _done(book.latest.get(batch.names[i]), settings, content,
                                    chapter_for(batch.paths[i], chapter), out_fd):
                    run.skipped += 1
                else:
                    todo.append((i, content))
            run.planned = len(todo)
            if resume and run.skipped:
                print(f"grade: {run.skipped} submission(s) already graded with the same settings: skipped "
                      f"(--resume); grading {len(todo)}", file=sys.stderr, flush=True)
            if todo:
                _grade(batch, todo, book, out_fd, run, chapter, seed, jobs, progress, mode, overrides,
                       visibility, limits, settings, shard)
            elif not book.records or not _exists(out_fd, GRADES):
                book.write_csv()
    finally:
        os.close(out_fd)
    return run


def _grade(batch, todo, book, out_fd, run, chapter, seed, jobs, progress, mode, overrides, visibility, limits,
           settings, shard):
    zygote = Zygote(mode)                  # imports TensorFlow in its own process
    reference = answer_key(zygote)
    done, lock, stop = [0], threading.Lock(), threading.Event()
    show = _Progress(len(todo), progress)
    graded: dict[int, Report] = {}

    def one(i, content):
        path, name = batch.paths[i], batch.names[i]
        final = True
        start = time.perf_counter()
        try:
            report = grade_one(path, zygote, reference, chapter, seed, overrides=overrides, limits=limits)
        except Exception as exc:          # a grader bug must not stop the batch
            # its text may quote what a submission sent: the instructor's terminal gets it, neutralised; the
            # learner's files only the exception's type
            if stop.is_set():
                return
            print(f"grade: internal error on {neutral(Path(path).name, 80)}: {neutral(repr(exc), 500)}",
                  file=sys.stderr, flush=True)
            report = Report(Path(path), chapter, status=Status.NOT_RUN,
                            detail=f"internal error ({type(exc).__name__}); the grader's output says more")
            final = False
        report.name, report.learner = name, batch.learners[i]
        with lock:
            if stop.is_set():             # interrupted: the grader stopped it, not the submission
                return
            write_results(out_fd, report, visibility)
            book.add(Record(Row.of(report), batch.id, i, settings, content, final, str(shard or ""),
                            batch.root))
            graded[i] = report
            done[0] += 1
            show(done[0], name, report, time.perf_counter() - start)

    pool = ThreadPoolExecutor(max_workers=max(1, jobs))
    try:
        futures = [pool.submit(one, i, content) for i, content in todo]
        for future in futures:
            future.result()
    except KeyboardInterrupt:
        with lock:                         # no record is half written; none is written after this
            stop.set()
        pool.shutdown(wait=False, cancel_futures=True)
        run.interrupted = True
    finally:
        reference.close()
        zygote.close()
        if not run.interrupted:
            pool.shutdown()
    run.reports = [graded[i] for i, _ in todo if i in graded]


class _Progress:
    """A bar on a terminal; otherwise one line per finished submission (a CI log, a pipe)."""

    def __init__(self, total: int, forced: bool | None):
        self.total = total
        self.bar = sys.stderr.isatty() if forced is None else forced
        self.lines = forced is None and not self.bar

    def __call__(self, done: int, name: str, report: Report, seconds: float):
        if self.bar:
            width = 30
            filled = width * done // self.total
            print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{self.total} "
                  f"{neutral(Path(name).name, 40):<40}", end="" if done < self.total else "\n",
                  file=sys.stderr, flush=True)
        elif self.lines:
            print(f"[{done}/{self.total}] {neutral(name, 100)} {report.total():g}/{report.max_total():g} "
                  f"{report.status.value} {seconds:.1f} s", file=sys.stderr, flush=True)


def refuse_many(paths, out_dir, reason: str, chapter=None, seed=None, overrides=None,
                visibility: Visibility = Visibility(), limits: Limits = Limits(), roster: Roster | None = None,
                shard: Shard | None = None) -> list[Report]:
    """Grade nothing, but give every submission (of `shard`) its row and results.json with the status
    `not run: isolation required: <reason>` and every check at 0, so a platform that waits for results
    gets them. Their records are not final: --resume grades them once isolation is possible."""
    settings = settings_of(seed, overrides, visibility, limits)
    reports = []
    out_fd = open_out(out_dir)
    try:
        with Journal(out_fd) as book:
            batch = Batch.of(paths, roster, book.root())
            book.start(RunLine(batch.id, settings, str(shard or "")))
            for i in batch.positions(shard):
                path, ch = batch.paths[i], chapter_for(batch.paths[i], chapter)
                detail = f"isolation required: {neutral(reason, 200)}"
                report = Report(path, ch, status=Status.NOT_RUN, detail=detail,
                                results=zero_results(ch, detail, seed, overrides),
                                name=batch.names[i], learner=batch.learners[i])
                write_results(out_fd, report, visibility)
                book.add(Record(Row.of(report), batch.id, i, settings, _content(path), False,
                                       str(shard or ""), batch.root), csv=False)
                reports.append(report)
            book.write_csv()
    finally:
        os.close(out_fd)
    return reports


def _content(path) -> str:
    """The hash of a submission's file ("" when it cannot be read: it is then always graded again)."""
    try:
        return content_hash(read_bytes(Path(path)))
    except UnreadableSubmission:
        return ""


def _done(record: Record | None, settings: str, content: str, chapter, out_fd: int) -> bool:
    """Whether `record` is this submission graded already: same settings, chapter and content, final, and
    its results.json (when it has one) still there."""
    if record is None or not record.final or not content:
        return False
    if (record.settings, record.content, record.row.chapter) != (settings, content, chapter):
        return False
    return not has_folder(record.row.name) or _exists(out_fd, f"{SUBMISSIONS}/{record.row.name}/results.json")


def _exists(out_fd: int, relative: str) -> bool:
    try:
        os.stat(relative, dir_fd=out_fd, follow_symlinks=False)
        return True
    except OSError:
        return False


def _warn_mixed(book: Journal, settings: str):
    others = sum(1 for r in book.latest.values() if r.settings != settings)
    if others:
        print(f"grade: warning: {others} row(s) already in this output folder were graded with other settings "
              "(seed, weights, limits, visibility or grader version); grade them again, or use another --out",
              file=sys.stderr, flush=True)
