"""Grade submissions: the orchestration.

`grade_one` takes a submission's chapter from the instructor (`submission.chapter_for`:
--chapter, else the folder or file name, never the submission's content), reads and
analyses it in a bounded process of its own (`intake`), and runs every check of that
chapter against its sandboxed code (all public checks, then all hidden ones);
`grade_many` does a batch (optionally two at a time) with one zygote and one
answer key (`targets`), and writes `DIR/grades.csv` and `DIR/submissions/<name>/results.json`
(`report`), last and atomically, from this process only.
"""
from __future__ import annotations

import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import exercises, intake
from .report import Report, Status, Visibility, batch_names, write_outputs
from .runner import plan, run_exercises, scored
from .sandbox import Zygote
from .submission import UnreadableSubmission, chapter_for
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
        report.results = _zero_results(ch, str(exc), None if public_only else seed, overrides)
        return report
    sub = taken.submission
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


def _zero_results(chapter, message, seed, overrides=None):
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


def grade_many(paths, out_dir, chapter=None, seed=None, jobs=1, progress=None, mode=None,
               overrides=None, visibility: Visibility = Visibility(), limits: Limits = Limits()) -> list[Report]:
    """Grade a batch (`jobs` at a time) and write DIR/grades.csv and DIR/submissions/<name>/results.json,
    `<name>` being each file's path below the folder that holds them all (`report.batch_names`); a file
    given twice is graded once."""
    named = dict(zip(batch_names(paths), paths))          # one entry per file, in argument order
    paths, names = list(named.values()), list(named)
    zygote = Zygote(mode)                  # imports TensorFlow in its own process
    reference = answer_key(zygote)
    done, lock = [0], threading.Lock()
    show = progress if progress is not None else sys.stderr.isatty()

    def one(path, name):
        try:
            report = grade_one(path, zygote, reference, chapter, seed, overrides=overrides, limits=limits)
        except Exception as exc:          # a grader bug must not stop the batch
            # its text may quote what a submission sent: the instructor's terminal gets it, neutralised; the
            # learner's files only the exception's type
            print(f"grade: internal error on {neutral(Path(path).name, 80)}: {neutral(repr(exc), 500)}",
                  file=sys.stderr, flush=True)
            report = Report(Path(path), chapter, status=Status.NOT_RUN,
                            detail=f"internal error ({type(exc).__name__}); the grader's output says more")
        report.name = name
        with lock:
            done[0] += 1
            if show:
                width = 30
                filled = width * done[0] // len(paths)
                print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done[0]}/{len(paths)} "
                      f"{neutral(Path(path).name, 40):<40}", end="" if done[0] < len(paths) else "\n",
                      file=sys.stderr, flush=True)
        return report

    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            reports = list(pool.map(one, paths, names))
    finally:
        reference.close()
        zygote.close()
    write_outputs(reports, Path(out_dir), visibility)
    return reports
