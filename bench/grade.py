"""`make bench-grade`: time the grader and, in the same run, `nbgrader autograde`.

nbgrader grades a chapter-02 notebook with one assert per exercise, every
student's notebook in a fresh kernel (bench/nbgrader_run.py; it installs nbgrader
into a venv of its own on first use). If nbgrader cannot be installed, the table
falls back to an earlier measurement on this kind of machine (6.1 s a submission)
and says so. The course's submissions are the chapter 02 solution notebook
itself: a full notebook with its training cells, graded with every public and
hidden check.
The grader runs with isolation when this machine allows it (Linux, root,
bubblewrap, cgroups); the last line measures what isolation adds per
submission: starting each submission's process in namespaces of its own, in a
cgroup, and ending it with everything it started.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUBMISSION = ROOT / "solutions" / "02_regression_losses.ipynb"
CHAPTER_09 = ROOT / "solutions" / "09_diagnosing_training.ipynb"     # its chapter trains six models
NBGRADER_SECONDS, NBGRADER_IMPORT = 6.1, 4.2
BATCH = 40


def single(submission=SUBMISSION) -> dict:
    """One submission, in-process, split into its parts."""
    start = time.perf_counter()
    from autograder.sandbox import Zygote
    zygote = Zygote()
    from autograder import grade
    reference = grade.answer_key(zygote)
    zygote.wait_ready()
    ready = time.perf_counter() - start
    try:
        report = grade.grade_one(submission, zygote, reference, seed=12345)
    finally:
        reference.close()
        zygote.close()
    assert report.total() == report.max_total(), report.status_text
    return {"start": ready, "cells": report.load_seconds, "checks": report.seconds - report.load_seconds,
            "total": time.perf_counter() - start, "checks_run": len(report.results), "graded": report.seconds}


def spawn_seconds(isolated: bool, rounds=20) -> float:
    """Mean time to start a submission's process, run one tiny cell in it, and end it."""
    from autograder import isolation
    from autograder.sandbox import Zygote
    mode = isolation.detect() if isolated else isolation.Mode(False, "measured without")
    zygote = Zygote(mode)
    try:
        zygote.wait_ready()
        zygote.spawn().kill()                       # warm up
        start = time.perf_counter()
        for _ in range(rounds):
            child = zygote.spawn()
            child.load([(1, "x = 1")], {}, 10, 30)
            child.kill()
        return (time.perf_counter() - start) / rounds
    finally:
        zygote.close()


def cli(paths, jobs) -> float:
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "autograder", "grade", "--seed", "12345", "--chapter", "02",
                               "--jobs", str(jobs), "--out", out, *map(str, paths)],
                              capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"grading failed:\n{proc.stdout}\n{proc.stderr}")
    return seconds


def main() -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from autograder import isolation
    mode = isolation.detect()
    print("Isolation: " + ("on (namespaces, cgroups, bubblewrap)" if mode.isolated else f"OFF — {mode.reason}"))
    try:
        from nbgrader_run import autograde_seconds
        nbgrader_one, nbgrader_batch = autograde_seconds(BATCH)
        anchor = "measured now"
    except Exception as exc:                # no nbgrader (offline): the earlier measurement
        nbgrader_one, nbgrader_batch = NBGRADER_SECONDS, BATCH * NBGRADER_SECONDS
        anchor = f"earlier measurement; nbgrader not run now: {type(exc).__name__}"
    print(f"nbgrader autograde ({anchor}): one submission {nbgrader_one:.2f} s, "
          f"{BATCH} submissions {nbgrader_batch:.0f} s")
    one = single()
    print(f"One chapter-02 submission ({one['checks_run']} checks, public + hidden), in seconds:")
    print(f"  {'process start + TensorFlow import (sandbox parent; the grader too when not isolated)':<74} {one['start']:6.2f}")
    print(f"  {'running the submission cells the exercises need':<74} {one['cells']:6.2f}")
    print(f"  {'the checks':<74} {one['checks']:6.2f}")
    print(f"  {'total':<74} {one['total']:6.2f}   (nbgrader: {nbgrader_one:.2f}, with one assert per exercise)")
    nine = single(CHAPTER_09)
    print(f"\nGrading the chapter-09 notebook (seven training runs in the chapter; only the exercise should run): "
          f"{nine['graded']:.2f} s, {nine['graded'] / one['graded']:.2f}x the chapter-02 one ({one['graded']:.2f} s; "
          f"cells {nine['cells']:.2f} s vs {one['cells']:.2f} s)")
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i in range(BATCH):
            path = Path(tmp) / f"student{i:02d}.ipynb"
            shutil.copy(SUBMISSION, path)
            paths.append(path)
        single_cli = cli(paths[:1], 1)
        print(f"\n`python -m autograder grade` on one submission, wall: {single_cli:.2f} s "
              f"(`nbgrader autograde`: {nbgrader_one:.2f} s)")
        print(f"\nBatch of {BATCH} submissions (nbgrader, one at a time: {nbgrader_batch:.0f} s):")
        print(f"  {'jobs':>4} {'wall s':>8} {'s/submission':>13} {'speed-up vs nbgrader':>21}")
        for jobs in (1, 2):
            seconds = cli(paths, jobs)
            print(f"  {jobs:>4} {seconds:>8.1f} {seconds / BATCH:>13.2f} {nbgrader_batch / seconds:>20.1f}x")
    if mode.isolated:
        with_isolation, without = spawn_seconds(True), spawn_seconds(False)
        print(f"\nIsolation overhead per submission process: {1000 * (with_isolation - without):.0f} ms "
              f"(start, one cell, end: {1000 * with_isolation:.0f} ms isolated, {1000 * without:.0f} ms not)")
    else:
        print("\nIsolation overhead per submission process: not measured (isolation is off here)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
