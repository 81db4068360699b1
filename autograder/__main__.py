"""`python -m autograder release | check | grade | list | refresh`."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path


def _cmd_release(args) -> int:
    from .release import ReleaseError, release
    try:
        return release(check=args.check)
    except ReleaseError as exc:
        print(f"release: {exc}", file=sys.stderr)
        return 1


def _cmd_refresh(args) -> int:
    from .refresh import main
    return main(args.notebooks)


def _cmd_list(args) -> int:
    from . import exercises
    rows = [{"chapter": ch.id, "slug": ch.slug, "title": ch.title,
             "exercises": [{"name": ex.name, "points": ex.points, "must_equal": ex.equals}
                           for ex in exercises.exercises_for(ch.id)]}
            for ch in exercises.CHAPTERS]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for row in rows:
        print(f"{row['chapter']}  {row['title']}")
        for ex in row["exercises"]:
            print(f"      {ex['name']:<34} {ex['points']:>3} pts   = {ex['must_equal']}")
    return 0


def _cmd_check(args) -> int:
    from . import exercises
    from .sandbox import Zygote
    zygote = Zygote()                      # starts importing TensorFlow in its own process ...
    from .grade import grade_one           # ... while this one imports it for the answer key
    from .references import namespace
    namespace()
    from .selfcheck import format_report
    try:
        report = grade_one(args.notebook, zygote, chapter=args.chapter, public_only=True)
    finally:
        zygote.close()
    if not report.ok:
        print(f"{Path(args.notebook).name}: {report.status}")
        return 1
    stubs = tuple(f"NotImplementedError: {r.exercise}:" for r in report.results)
    for note in report.notes:
        if not any(stub in note for stub in stubs):      # unwritten stubs are reported below
            print(f"note: {note}")
    title = exercises.chapter(report.chapter).title if report.chapter else "?"
    print(format_report(report.results, f"Chapter {report.chapter} ({title})"))
    return 0 if report.results and all(r.passed for r in report.results) else 1


def _cmd_grade(args) -> int:
    from . import isolation
    from .seed import SeedError, resolve
    try:
        seed = resolve(args.seed, args.seed_file)
    except SeedError as exc:
        print(f"grade: {exc}", file=sys.stderr)
        return 2
    mode = isolation.detect() if args.isolation != "off" else isolation.Mode(False, "--isolation off")
    if not mode.isolated:
        if args.isolation == "require":
            print(f"grade: submissions cannot be isolated here: {mode.reason}", file=sys.stderr)
            return 2
        print(isolation.warning(mode), file=sys.stderr, flush=True)
    from .grade import grade_many
    paths = [Path(p) for p in args.submissions]
    reports = grade_many(paths, args.out, chapter=args.chapter, seed=seed, jobs=args.jobs, mode=mode)
    failed = [r for r in reports if not r.ok]
    print(f"graded {len(reports) - len(failed)} of {len(reports)} submissions; "
          f"results in {Path(args.out) / 'grades.csv'}")
    for r in failed:
        print(f"  {r.submission.name}: {r.status}")
    return 1 if failed else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("release", help="make notebooks/ from solutions/")
    p.add_argument("--check", action="store_true", help="only report (exit 1) when notebooks/ is stale")
    p.set_defaults(func=_cmd_release)

    p = sub.add_parser("refresh", help="execute solution notebooks and store their checked outputs")
    p.add_argument("notebooks", nargs="*")
    p.set_defaults(func=_cmd_refresh)

    p = sub.add_parser("list", help="chapters, exercises and points")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_list)

    p = sub.add_parser("check", help="self-check a notebook: public checks, exit 0 only if all pass")
    p.add_argument("notebook")
    p.add_argument("--chapter")
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser("grade", help="grade submissions (public + hidden checks)")
    p.add_argument("submissions", nargs="+")
    p.add_argument("--chapter")
    p.add_argument("--out", default="grades")
    p.add_argument("--jobs", type=int, default=1)
    p.add_argument("--seed", default=None,
                   help="seed of the hidden checks' inputs (any text; keep it secret). Prefer --seed-file or "
                        "$AUTOGRADER_SEED: a command line is visible to every user of the machine")
    p.add_argument("--seed-file", default=None, help="read the seed from this file")
    p.add_argument("--isolation", choices=("auto", "require", "off"), default="auto",
                   help="isolate each submission (namespaces, cgroups; needs Linux, root and bubblewrap): "
                        "auto warns loudly when it cannot, require refuses to grade without it")
    p.set_defaults(func=_cmd_grade)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)    # every file is written and closed: skip TensorFlow's ~0.7 s teardown at exit
