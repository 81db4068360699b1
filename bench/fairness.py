"""`make bench-fairness`: what each classic slip costs, and how much its grade moves with the seed.

For every corpus submission in tests/submissions/one_flaw/ and ch02/ (the classic
mistakes and one-flaw cases), graded in this process: the public checks once,
the hidden checks under SEEDS seeds. Prints, per exercise the file is about,
the points it keeps (of 10) and the spread of that score across the seeds
(max - min). A fair grader shows a spread of 0 everywhere.
"""
from __future__ import annotations

import argparse
import os
import runpy
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def graded_names(stem, namespace, exercises):
    head = stem.split("__")[0]
    names = sorted((ex.name for ex in exercises.EXERCISES), key=len, reverse=True)
    own = next((n for n in names if head == n or stem.startswith(n + "_")), None)
    if own is None:
        return []
    chapter = exercises.exercise(own).chapter
    return [own] + [ex.name for ex in exercises.exercises_for(chapter) if ex.name in namespace and ex.name != own]


def scores(path, seeds):
    from autograder import exercises
    from autograder.checks import Context, checks_for
    from autograder.runner import InProcess, reference_target, run_exercise
    namespace = runpy.run_path(str(path), run_name="submission")
    names = graded_names(path.stem, namespace, exercises)
    target, reference = InProcess(namespace), reference_target()
    rows = []
    for name in names[:1]:                      # the exercise the file is about
        ex = exercises.exercise(name)
        public = sum(r.score for r in run_exercise(name, target, seed=None))
        per_seed = []
        for seed in seeds:
            checks = checks_for(name, seed)
            total = sum(c.weight for c in checks)
            kept = 0.0
            for check in checks:
                if check.hidden and check.run(Context(target, reference, name, hidden=True)).passed:
                    kept += ex.points * check.weight / total
            per_seed.append(public_share(name, seed, public, ex) + kept)
        rows.append((name, per_seed))
    return rows


def public_share(name, seed, public_points, ex):
    """The public points of `name` when hidden checks exist (their share of the exercise shrinks)."""
    from autograder.checks import checks_for
    with_hidden = checks_for(name, seed)
    only_public = checks_for(name, None)
    return public_points * sum(c.weight for c in only_public) / sum(c.weight for c in with_hidden)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default=str(ROOT / "tests" / "submissions"))
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("files", nargs="*")
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    corpus = Path(args.corpus)
    files = [Path(f) for f in args.files] or sorted([*corpus.glob("one_flaw/*.py"), *corpus.glob("ch02/*.py")])
    print(f"{'submission':<62} {'exercise':<32} {'kept':>6} {'min':>6} {'max':>6} {'spread':>6}")
    spreads = []
    for path in files:
        try:
            rows = scores(path, range(args.seeds))
        except Exception as exc:               # a file this version of the grader cannot read
            print(f"{path.parent.name + '/' + path.name:<62} error: {type(exc).__name__}: {exc}"[:160])
            continue
        for name, per_seed in rows:
            spread = max(per_seed) - min(per_seed)
            spreads.append(spread)
            print(f"{path.parent.name + '/' + path.name:<62} {name:<32} {statistics.mean(per_seed):6.2f} "
                  f"{min(per_seed):6.2f} {max(per_seed):6.2f} {spread:6.2f}")
    if spreads:
        print(f"\n{len(spreads)} cases over {args.seeds} seeds: {sum(s > 1e-9 for s in spreads)} with a grade that "
              f"depends on the seed; largest spread {max(spreads):.2f} points of 10")
    return 0


if __name__ == "__main__":
    sys.exit(main())
