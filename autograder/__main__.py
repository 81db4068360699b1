"""`python -m autograder release | check | grade | merge | list | refresh`."""
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
    from . import exercises, weights
    from .runner import plan
    try:
        overrides = weights.load(args.weights) if args.weights else None
    except weights.WeightsError as exc:
        print(f"list: {exc}", file=sys.stderr)
        return 2

    def checks(ex):
        planned = plan(ex.name, 0, overrides)
        total = sum(c.weight for c in planned) or 1.0
        return [{"key": c.key, "title": c.title, "hidden": c.hidden,
                 "points": round(ex.points * c.weight / total, 4)} for c in planned]

    rows = [{"chapter": ch.id, "slug": ch.slug, "title": ch.title,
             "exercises": [{"name": ex.name, "points": ex.points, "must_equal": ex.equals, "checks": checks(ex)}
                           for ex in exercises.exercises_for(ch.id)]}
            for ch in exercises.CHAPTERS]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for row in rows:
        print(f"{row['chapter']}  {row['title']}")
        for ex in row["exercises"]:
            print(f"      {ex['name']:<34} {ex['points']:>3} pts   = {ex['must_equal']}")
            for c in ex["checks"]:
                print(f"          {c['key'] + (' (hidden)' if c['hidden'] else ''):<30} {c['points']:>5.2f}  {c['title']}")
    return 0


def _cmd_check(args) -> int:
    from . import exercises
    from .sandbox import Zygote
    zygote = Zygote()                      # starts importing TensorFlow in its own process ...
    from .grade import grade_one
    from .targets import CachedReference             # ... while this one imports it for the answer key
    from .references import namespace
    reference = CachedReference(namespace())
    from .selfcheck import format_report
    try:
        report = grade_one(args.notebook, zygote, reference, chapter=args.chapter, public_only=True)
    finally:
        zygote.close()
    if not report.ok:
        print(f"{Path(args.notebook).name}: {report.status_text}")
        return 1
    stubs = tuple(f"NotImplementedError: {r.exercise}:" for r in report.results)
    for note in report.notes:
        if not any(stub in note for stub in stubs):      # unwritten stubs are reported below
            print(f"note: {note}")
    title = exercises.chapter(report.chapter).title if report.chapter else "?"
    print(format_report(report.results, f"Chapter {report.chapter} ({title})"))
    return 0 if report.results and all(r.passed for r in report.results) else 1


def _cmd_grade(args) -> int:
    """Exit 0: every submission graded; 1: some could not be read or run (their rows say why); 2: nothing was
    graded (no seed, bad options, the output folder in use, or isolation required and impossible: then every
    submission still gets its row and results.json saying so); 130: interrupted (what finished is written)."""
    import signal
    from . import isolation, weights
    from .seed import SeedError, resolve
    try:
        seed = resolve(args.seed, args.seed_file)
    except SeedError as exc:
        print(f"grade: {exc}", file=sys.stderr)
        return 2
    from .grade import refuse_many, run_batch
    from .journal import JournalError
    from .learners import RosterError, read_roster
    from .report import Visibility
    from .shards import Shard
    from .targets import Limits
    from .verdict import neutral
    try:
        overrides = weights.load(args.weights) if args.weights else None
        visibility = Visibility(args.public_visibility, args.hidden_visibility)
        shard = Shard.parse(args.shard) if args.shard else None
        roster = read_roster(args.roster) if args.roster else None
    except (weights.WeightsError, ValueError, RosterError) as exc:
        print(f"grade: {exc}", file=sys.stderr)
        return 2
    paths = [Path(p) for p in args.submissions]
    limits = Limits(call=args.call_seconds, cell=args.cell_seconds, submission=args.submission_seconds)
    options = dict(chapter=args.chapter, seed=seed, overrides=overrides, visibility=visibility, limits=limits,
                   roster=roster, shard=shard)
    mode = isolation.detect() if args.isolation != "off" else isolation.Mode(False, "--isolation off")
    if not mode.isolated:
        if args.isolation == "require":
            print(f"grade: submissions cannot be isolated here: {mode.reason}", file=sys.stderr)
            try:
                refused = refuse_many(paths, args.out, mode.reason, **options)
            except JournalError as exc:
                print(f"grade: {exc}", file=sys.stderr)
                return 2
            print(f"graded 0 of {len(refused)} submissions (isolation required); their rows in "
                  f"{Path(args.out) / 'grades.csv'} say why")
            return 2
        print(isolation.warning(mode), file=sys.stderr, flush=True)

    def stop(signum, frame):               # a scheduler's SIGTERM: stop as Ctrl-C does
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, stop)
    try:
        run = run_batch(paths, args.out, jobs=args.jobs, mode=mode, resume=args.resume, **options)
    except JournalError as exc:
        print(f"grade: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:              # before any submission started
        print("grade: interrupted", file=sys.stderr)
        return 130
    reports = run.reports
    failed = [r for r in reports if not r.ok]
    if run.interrupted:
        print(f"grade: interrupted: {len(reports)} of {run.planned} submissions finished; their results are "
              f"in {Path(args.out) / 'grades.csv'} (--resume goes on)", file=sys.stderr)
        return 130
    skipped = f" ({run.skipped} already graded: skipped)" if run.skipped else ""
    print(f"graded {len(reports) - len(failed)} of {len(reports)} submissions{skipped}; "
          f"results in {Path(args.out) / 'grades.csv'}")
    for r in failed:
        print(f"  {neutral(r.label, 120)}: {r.status_text}")
    return 1 if failed else 0


def _cmd_gradescope(args) -> int:
    from . import weights
    from .gradescope import BuildError, Config, build
    try:
        seed_text = Path(args.seed_file).read_text(encoding="utf-8")
        config = Config(args.chapter, args.isolation, args.public_visibility, args.hidden_visibility,
                        args.call_seconds, args.cell_seconds, args.submission_seconds, weights=bool(args.weights))
        if args.weights:
            weights.load(args.weights)           # refuse a course file the grader would refuse
        out = build(Path(args.output), config, seed_text, Path(args.weights) if args.weights else None)
    except (OSError, UnicodeDecodeError, ValueError, BuildError, weights.WeightsError) as exc:
        print(f"gradescope: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {out}: upload it as the assignment's autograder (Configure Autograder, zip file upload). "
          "It holds the seed: keep it private (it is readable by you only).")
    return 0


def _cmd_nbgrader(args) -> int:
    from .nbgrader_source import main
    return main(args)


def _cmd_report(args) -> int:
    from .classreport import ClassReportError
    from .classreport_page import write
    from .report import escaped
    out = Path(args.out)
    try:
        summary = write(out)
    except (ClassReportError, OSError) as exc:
        print(f"report: {escaped(str(exc))}", file=sys.stderr)
        return 2
    print(f"wrote {escaped(str(out / 'report.html'))} and report.csv: {summary.graded} graded of {summary.rows} "
          f"submissions, {len(summary.checks)} checks")
    if summary.skipped:
        print("left out: " + "; ".join(f"{escaped(k)}: {v}" for k, v in sorted(summary.skipped.items())))
    return 0


def _cmd_merge(args) -> int:
    """Exit 0: merged; 2: refused (the message says why; nothing was written)."""
    from .journal import JournalError
    from .report import escaped
    from .shards import MergeError, merge
    try:
        merged = merge(args.out, args.shards)
    except (MergeError, JournalError) as exc:
        print(f"merge: {exc}", file=sys.stderr)
        return 2
    for warning in merged.warnings:
        print(f"merge: warning: {warning}", file=sys.stderr)
    print(f"merged {merged.records} submissions ({merged.results} results.json) from {len(args.shards)} "
          f"shard outputs into {escaped(str(Path(args.out) / 'grades.csv'))}")
    return 0


def _chapter(value: str) -> str:
    """`grade --chapter`: a chapter's id ("5" and "05" both work), checked before anything is graded."""
    from . import exercises
    try:
        return exercises.chapter(value).id
    except KeyError as exc:
        raise argparse.ArgumentTypeError(exc.args[0]) from None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("release", help="make notebooks/ from solutions/")
    p.add_argument("--check", action="store_true", help="only report (exit 1) when notebooks/ is stale")
    p.set_defaults(func=_cmd_release)

    p = sub.add_parser("refresh", help="execute solution notebooks and store their checked outputs")
    p.add_argument("notebooks", nargs="*")
    p.set_defaults(func=_cmd_refresh)

    p = sub.add_parser("list", help="chapters, exercises, their checks and points")
    p.add_argument("--json", action="store_true")
    p.add_argument("--weights", default=None, metavar="FILE", help="a course file overriding check weights")
    p.set_defaults(func=_cmd_list)

    p = sub.add_parser("check", help="self-check a notebook: public checks, exit 0 only if all pass")
    p.add_argument("notebook")
    p.add_argument("--chapter")
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser("grade", help="grade submissions (public + hidden checks)")
    p.add_argument("submissions", nargs="+")
    p.add_argument("--chapter", type=_chapter,
                   help="the chapter every submission is graded against (02, 05...). Without it, each file's "
                        "folder name, then its file name, must start with its chapter (ch05/, 05_x.ipynb): "
                        "use that only with names you gave. A submission's content never decides it")
    p.add_argument("--out", default="grades")
    p.add_argument("--jobs", type=int, default=1)
    p.add_argument("--seed", default=None,
                   help="seed of the hidden checks' inputs (any text; keep it secret). Prefer --seed-file or "
                        "$AUTOGRADER_SEED: a command line is visible to every user of the machine")
    p.add_argument("--seed-file", default=None, help="read the seed from this file")
    p.add_argument("--isolation", choices=("auto", "require", "off"), default="auto",
                   help="isolate each submission (namespaces, cgroups; needs Linux, root and bubblewrap): "
                        "auto warns loudly when it cannot, require refuses to grade without it")
    p.add_argument("--weights", default=None, metavar="FILE",
                   help="a course file (TOML) overriding check weights: [exercise] key = weight")
    p.add_argument("--public-visibility", default="visible",
                   help="Gradescope visibility of public checks (visible, after_due_date, after_published, hidden)")
    p.add_argument("--hidden-visibility", default="after_published",
                   help="Gradescope visibility of hidden checks (default after_published)")
    p.add_argument("--call-seconds", type=int, default=20, help="time limit of one call of a learner's function")
    p.add_argument("--cell-seconds", type=int, default=30, help="time limit of one top-level cell")
    p.add_argument("--submission-seconds", type=int, default=240, help="time limit of one submission, in all")
    p.add_argument("--roster", default=None, metavar="FILE",
                   help="a CSV with the columns learner and path (a file or a folder of one learner's files): "
                        "grades.csv's learner column. Without it, the folder layout names the learners "
                        "(a Gradescope export, GitHub Classroom clones, one folder per learner)")
    p.add_argument("--resume", action="store_true",
                   help="skip the submissions --out already holds, graded with the same seed, weights, limits "
                        "and grader from the same file content")
    p.add_argument("--shard", default=None, metavar="K/N",
                   help="grade only shard K (from 0) of N: a stable split by each submission's name (see merge)")
    p.set_defaults(func=_cmd_grade)

    p = sub.add_parser("gradescope", help="build Gradescope's autograder zip (setup.sh, run_autograder, the course, "
                                          "the seed)")
    p.add_argument("--chapter", type=_chapter, required=True, help="the chapter this assignment grades")
    p.add_argument("--seed-file", required=True, help="the secret seed of the hidden checks (it goes into the zip)")
    p.add_argument("-o", "--output", default="autograder.zip")
    p.add_argument("--isolation", choices=("auto", "require", "off"), default="auto",
                   help="auto: isolate when Gradescope's container allows it, else grade with process limits and "
                        "say so in a hidden test; require: grade nothing without isolation (a written result says so)")
    p.add_argument("--weights", default=None, metavar="FILE", help="a course file (TOML) overriding check weights")
    p.add_argument("--public-visibility", default="visible")
    p.add_argument("--hidden-visibility", default="after_published")
    p.add_argument("--call-seconds", type=int, default=20)
    p.add_argument("--cell-seconds", type=int, default=30)
    p.add_argument("--submission-seconds", type=int, default=240)
    p.set_defaults(func=_cmd_gradescope)

    p = sub.add_parser("nbgrader", help="write nbgrader source notebooks (solutions + one grade cell per exercise)")
    p.add_argument("--out", default="source", help="nbgrader's source folder (default ./source)")
    p.add_argument("--chapter", action="append", type=_chapter, help="only this chapter (repeatable)")
    p.set_defaults(func=_cmd_nbgrader)

    from . import classroom
    p = sub.add_parser("classroom", help="write a GitHub Classroom template (notebook, README, workflow) for a "
                                         "chapter: formative feedback on public checks")
    p.add_argument("--chapter", type=_chapter, required=True)
    p.add_argument("--out", default=None, help="the template's folder (default classroom-NN)")
    p.add_argument("--repository", default=None, help="the course repository the workflow installs the grader "
                                                      "from (default: repository.url in _config.yml)")
    p.add_argument("--revision", default=None, help="its commit, tag or branch (default: this checkout's commit)")
    p.set_defaults(func=classroom.template_main)

    p = sub.add_parser("classroom-verdict", help="(the Classroom workflow's step) exit 0 when every check of "
                                                 "an exercise passed in a JUnit report of `autograder pytest`")
    p.add_argument("report")
    p.add_argument("--exercise", required=True)
    p.set_defaults(func=classroom.verdict_main)

    p = sub.add_parser("report", help="a class report (report.html, report.csv) from a grade --out folder; "
                                      "never regrades")
    p.add_argument("out", metavar="OUT", help="the folder grade --out wrote (grades.csv, submissions/)")
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser("merge", help="merge the --out folders of `grade --shard` runs into one")
    p.add_argument("--out", required=True, help="the folder to merge into (best empty)")
    p.add_argument("shards", nargs="+", metavar="SHARD_OUT")
    p.set_defaults(func=_cmd_merge)

    from . import ci
    p = sub.add_parser("pytest", help="grade with pytest, one item per check, away from the learner's "
                                      "workspace (start with python -I)")
    ci.add_arguments(p)
    p.set_defaults(func=ci.run)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)    # every file is written and closed: skip TensorFlow's ~0.7 s teardown at exit
