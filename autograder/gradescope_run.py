"""What Gradescope's run_autograder runs: grade the submission in ROOT/submission and always write
ROOT/results/results.json.

ROOT is Gradescope's /autograder (run_autograder passes `$AUTOGRADER_ROOT`): ROOT/source is the zip
(`autograder.gradescope`), ROOT/submission the learner's upload, ROOT/submission_metadata.json
Gradescope's record of it. Which file is graded (`choose`): the notebooks (.ipynb) when there are any,
else the Python files (.py), leaving out hidden files and folders (`.ipynb_checkpoints/`) and links; one
such file is graded; among several, the one named like the chapter's learner notebook
(`05_imbalanced_data.ipynb`, any case) if exactly one is, else none, and the message lists what was
uploaded. A notebook whose kernel is not Python is not run. Grading is `grade.grade_many` on that one file
and the result is `report.gradescope`'s, with the learner's words on what was graded first, and, when the
submission could not be isolated or the container has less memory than a fair grade needs, a hidden test
(0 points, instructors only) saying so. Every case the
grader foresees gets a written result with score 0 and the reason; anything else (a bug, a missing seed)
is a traceback on stdout, which Gradescope shows instructors only, and exit status 1, on which
run_autograder writes its fallback result.

The seed is read from ROOT/source/seed.txt (root's only), never from the command line or the
environment. Names from the upload or the metadata reach results.json and the log only neutralised.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path

from . import exercises, isolation, memory_limit, seed as seeds, weights
from .gradescope import CONFIG, SEED, WEIGHTS, Config
from .submission import UnreadableSubmission, is_python, kernel_language, read_bytes
from .verdict import Problem, neutral

SUFFIXES = (".ipynb", ".py")
MAX_ENTRIES = 2000            # files and folders looked at in the upload
MAX_DEPTH = 6                 # folders below ROOT/submission
LISTED = 20                   # names listed in a message
ISOLATION_TEST = "Isolation (instructors only)"
MEMORY_TEST = "Memory (instructors only)"
# Below this, a correct submission can lose points: measured with bench/gradescope_limits.py, the capstone's
# full-marks submission scored 2/10 after 522 s at 768 MB and 0.5 CPU (the grader alone needs ~740 MB), and
# 10/10 in 19 s at 1 GB and 1 CPU, 35 s at 1.5 GB and 0.5 CPU.
ENOUGH_MEMORY = 1 << 30


@dataclass(frozen=True)
class Choice:
    """The file to grade, or None; and the learner's words on the choice ("" when there is nothing to say)."""
    path: Path | None
    note: str


def _uploaded(folder: Path) -> list[Path]:
    """The regular files of the upload, below `folder`, at most MAX_ENTRIES looked at and MAX_DEPTH deep,
    without hidden files or folders (.ipynb_checkpoints), macOS's __MACOSX, or links."""
    found, todo, seen = [], [(folder, 0)], 0
    while todo and seen < MAX_ENTRIES:
        current, depth = todo.pop()
        try:
            with os.scandir(current) as listing:
                entries = sorted(itertools.islice(listing, MAX_ENTRIES - seen), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            seen += 1
            if entry.name.startswith(".") or entry.name == "__MACOSX" or entry.is_symlink():
                continue
            if entry.is_dir(follow_symlinks=False):
                if depth < MAX_DEPTH:
                    todo.append((Path(entry.path), depth + 1))
            elif entry.is_file(follow_symlinks=False):
                found.append(Path(entry.path))
    return sorted(found)


def _names(paths, folder: Path) -> str:
    shown = [neutral(p.relative_to(folder).as_posix(), 80) for p in paths[:LISTED]]
    more = f" and {len(paths) - LISTED} more" if len(paths) > LISTED else ""
    return ", ".join(shown) + more


def choose(folder: Path, chapter: str) -> Choice:
    """The file of the upload in `folder` to grade against `chapter` (see the module's docstring)."""
    files = _uploaded(folder)
    notebooks = [p for p in files if p.suffix.lower() == ".ipynb"]
    scripts = [p for p in files if p.suffix.lower() == ".py"]
    pool = notebooks or scripts
    expected = exercises.chapter(chapter).slug
    if not pool:
        seen = f" Your upload holds: {_names(files, folder)}." if files else " Your upload is empty."
        return Choice(None, f"No notebook (.ipynb) or Python file (.py) was found in your submission.{seen} "
                            f"Upload your notebook, {expected}.ipynb.")
    if len(pool) == 1:
        chosen = pool[0]
    else:
        named = [p for p in pool if p.stem.lower() == expected.lower()]
        if len(named) != 1:
            kind = "notebooks" if notebooks else "Python files"
            return Choice(None, f"Your submission holds {len(pool)} {kind} ({_names(pool, folder)}), and "
                                f"{'several are' if named else 'none is'} named {expected}{pool[0].suffix}, so "
                                "none was graded. Upload only the notebook of this assignment.")
        chosen = named[0]
    others = [p for p in files if p != chosen and p.suffix.lower() in SUFFIXES]
    note = f"Graded: {neutral(chosen.relative_to(folder).as_posix(), 80)}."
    if others:
        note += f" Not graded: {_names(others, folder)}."
    return Choice(chosen, note if len(pool) > 1 or others else "")


def notebook_language(path: Path) -> str:
    """The language a notebook's metadata declares for its kernel (`submission.kernel_language`: neutralised,
    "Python" when it declares none or the file cannot be read, since grading then says what is wrong)."""
    try:
        data = json.loads(read_bytes(path))
    except (UnreadableSubmission, ValueError, RecursionError):
        return "Python"
    return kernel_language(data.get("metadata") if isinstance(data, dict) else None)


def notebook_chapter(path: Path) -> str | None:
    """The chapter a released notebook's metadata names, if it is one of the course's (a hint only:
    the learner can change it; it never decides what is graded)."""
    try:
        data = json.loads(read_bytes(path))
        value = data["metadata"]["course"]["chapter"]
        return exercises.chapter(str(value)).id if isinstance(value, str) else None
    except (UnreadableSubmission, ValueError, RecursionError, KeyError, TypeError):
        return None


def submitter(root: Path) -> str:
    """Who submitted, for the log: Gradescope's submission id and user ids (neutralised), or why not known."""
    try:
        data = json.loads(read_bytes(root / "submission_metadata.json"))
        users = data.get("users") if isinstance(data.get("users"), list) else []
        ids = [neutral(str(u.get("id", "?")), 24) for u in users[:10] if isinstance(u, dict)]
        return f"submission {neutral(str(data.get('id', '?')), 24)} by user(s) {', '.join(ids) or '?'}"
    except (UnreadableSubmission, ValueError, RecursionError, AttributeError) as exc:
        return f"no usable submission_metadata.json ({type(exc).__name__})"


def isolation_test(mode: isolation.Mode) -> dict:
    """The hidden test that tells instructors a submission was graded (or refused) without the full
    isolation, and whether its process could read the seed file."""
    if mode.user == isolation.GRADER:
        who = ("Submissions run as the grader's user (root, on Gradescope), since other users cannot read this "
               "Python: a submission CAN read the seed file and the grader's memory. Make Python and its packages "
               "readable by all users (setup.sh does), or grade where isolation works.")
    else:
        who = ("Submissions run as a user that cannot read the seed file (root's only) nor the grader's memory.")
    return {"name": ISOLATION_TEST, "score": 0, "max_score": 0, "status": "failed",
            "output": f"{isolation.warning(mode)}\n\n{who}", "output_format": "text", "visibility": "hidden",
            "extra_data": {"grader": "isolation", "isolated": False, "user": mode.user}}


def memory_test(limit: int | None) -> dict | None:
    """The hidden test that tells instructors the container's memory is below what a fair grade needs
    (None when it is enough, or unknown)."""
    if limit is None or limit >= ENOUGH_MEMORY:
        return None
    return {"name": MEMORY_TEST, "score": 0, "max_score": 0, "status": "failed", "visibility": "hidden",
            "output": f"This container may use {limit >> 20} MB of memory. The grader alone needs about 740 MB, and "
                      "below 1 GB a correct submission can lose points or run out of time (measured: the capstone's "
                      "full-marks submission scored 2/10 after 522 s at 768 MB). In the assignment's settings set "
                      "1.5 GB of memory and 1 CPU, then regrade.",
            "output_format": "text", "extra_data": {"grader": "memory", "limit_mb": limit >> 20}}


def not_graded(config: Config, message: str, seed: int, overrides) -> dict:
    """results.json of a submission that was not graded: every check at 0, the learner's message first."""
    from .grade import zero_results            # every check at its weight, scored 0 (as an unreadable file)
    from .report import Report, Status, Visibility, gradescope
    report = Report(Path("submission"), config.chapter, status=Status.NOT_RUN, detail="not graded")
    report.results = zero_results(config.chapter, message, seed, overrides)
    data = gradescope(report, Visibility(config.public_visibility, config.hidden_visibility))
    data["output"] = f"{message}\n\n{data['output']}"
    return data


def _nothing_matched(report) -> bool:
    return bool(report.results) and all(r.outcome.problem is Problem.MISSING for r in report.results)


def graded(config: Config, path: Path, seed: int, overrides, mode: isolation.Mode, note: str) -> dict:
    """results.json of grading `path`: the grader's, with the learner's words on what was graded first."""
    from .grade import grade_many
    from .report import Visibility, gradescope
    from .targets import Limits
    visibility = Visibility(config.public_visibility, config.hidden_visibility)
    limits = Limits(call=config.call_seconds, cell=config.cell_seconds, submission=config.submission_seconds)
    with tempfile.TemporaryDirectory(prefix="gradescope-") as out:        # 0700: the grader's only
        [report] = grade_many([path], out, chapter=config.chapter, seed=seed, mode=mode,
                              overrides=overrides, visibility=visibility, limits=limits)
    data = gradescope(report, visibility)
    notes = [note] if note else []
    if _nothing_matched(report):
        chapter = exercises.chapter(config.chapter)
        names = ", ".join(ex.name for ex in exercises.exercises_for(chapter.id))
        claimed = notebook_chapter(path) if path.suffix.lower() == ".ipynb" else None
        hint = f" Its metadata says it is chapter {claimed}'s notebook." if claimed and claimed != chapter.id else ""
        notes.append(f"Your file defines none of this assignment's exercises ({names}): it was graded against "
                     f"chapter {chapter.id} ({chapter.title}) and nothing matched.{hint} Is it the notebook "
                     f"of another chapter? Upload {chapter.slug}.ipynb.")
    if notes:
        data["output"] = "\n".join(notes) + "\n\n" + data["output"]
    return data


def run(root: Path) -> dict:
    """The results.json for the upload in ROOT/submission, graded as ROOT/source says."""
    source = root / "source"
    config = Config.from_json((source / CONFIG).read_text(encoding="utf-8"))
    seed = seeds.resolve(seed_file=str(source / SEED))        # (and $AUTOGRADER_SEED, if set, is dropped)
    overrides = weights.load(source / WEIGHTS) if config.weights else None
    print(f"gradescope_run: chapter {config.chapter}, {submitter(root)}")

    if config.isolation == "off":
        mode = isolation.Mode(False, "the zip was built with --isolation off")
    else:
        mode = isolation.detect()
    extra = [] if mode.isolated else [isolation_test(mode)]
    extra += [t for t in [memory_test(memory_limit.limit())] if t]
    for test in extra:
        print(test["output"])

    choice = choose(root / "submission", config.chapter)
    graded_name = neutral(choice.path.name, 80) if choice.path else "nothing graded"
    print(f"gradescope_run: {choice.note or 'one file'} -> {graded_name}")
    language = notebook_language(choice.path) if choice.path and choice.path.suffix.lower() == ".ipynb" else "Python"
    if choice.path is None:
        data = not_graded(config, choice.note, seed, overrides)
    elif not mode.isolated and config.isolation == "require":
        data = not_graded(config, "Your submission was not graded: this assignment is graded only in an isolated "
                                  "sandbox, which the grading machine does not allow. Your instructor has been told "
                                  "and can regrade it once that is fixed.", seed, overrides)
    elif not is_python(language):
        data = not_graded(config, f"{choice.note} Your notebook is not a Python notebook (its kernel's language "
                                  f"is {language}), so it was not run: the exercises are Python. Open the "
                                  "assignment's notebook with a Python kernel, write your answers there and upload "
                                  "it.".lstrip(), seed, overrides)
    else:
        data = graded(config, choice.path, seed, overrides, mode, choice.note)
    data["tests"] = data.get("tests", []) + extra
    data["stdout_visibility"] = "hidden"          # the log above is the instructors' (Gradescope's default too)
    return data


def write_results(root: Path, data: dict) -> Path:
    """ROOT/results/results.json, written whole or not at all (a new file renamed over the old)."""
    folder = root / "results"
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".results-", dir=folder)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2)
        f.write("\n")
    os.chmod(tmp, 0o644)
    target = folder / "results.json"
    os.replace(tmp, target)
    return target


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.gradescope_run", description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=os.environ.get("AUTOGRADER_ROOT", "/autograder"))
    args = parser.parse_args(argv)
    root = Path(args.root)
    print(f"gradescope_run: the grader's code is {Path(__file__).resolve().parent}")
    try:
        print(f"gradescope_run: wrote {write_results(root, run(root))}")
        return 0
    except BaseException:        # a bug, a missing seed or config: the instructor's log says which
        for line in traceback.format_exc().splitlines():
            print(neutral(line, 500))
        print("gradescope_run: the grader failed; run_autograder writes its fallback results.json")
        return 1


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)    # results.json is written and closed: skip TensorFlow's teardown at exit
