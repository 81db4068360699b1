"""A GitHub Classroom template for one chapter, and the per-exercise verdict its workflow asks for.

`python -m autograder classroom --chapter 05 --out DIR` writes the starter repository of an
assignment: the chapter's learner notebook, a README for the learner, and
`.github/workflows/classroom.yml`, which on every push

1. installs this course's grader from the course repository at a fixed revision (never from the
   learner's checkout), at the versions pinned in its constraints.txt;
2. grades the notebook once, public checks only, through the safe pytest route
   (`python -I -m autograder pytest`: the learner's conftest.py, pytest.ini and plugins never
   load), writing a JUnit report;
3. gives each exercise its points in one `autograding-command-grader` step, whose command
   (`python -I -m autograder classroom-verdict`) reads that report and exits 0 only when every
   check of the exercise passed;
4. reports the total with `autograding-grading-reporter`.

The learner owns that repository and its runner, so this is formative feedback, never a grade
(book/instructors.md says what it can and cannot guarantee). No seed belongs in it.
"""
from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from . import exercises

WORKFLOW = Path(".github/workflows/classroom.yml")
REPORT = ".autograder/grades.xml"             # in the runner's workspace; read by each exercise's step
COMMAND_GRADER = "classroom-resources/autograding-command-grader@v1"
REPORTER = "classroom-resources/autograding-grading-reporter@v1"
PYTHON_VERSION = "3.11"
MAX_REPORT_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Source:
    """Where the workflow installs the grader from: the course repository at one revision."""
    url: str          # the course repository's address (repository.url in _config.yml)
    revision: str     # a commit (best: it never moves), a tag or a branch

    @property
    def requirement(self) -> str:
        return f"keras-losses-metrics-course @ git+{self.url}@{self.revision}"

    @property
    def constraints(self) -> str | None:
        """The raw address of constraints.txt at that revision, when the repository is on GitHub."""
        prefix = "https://github.com/"
        if not self.url.startswith(prefix):
            return None
        return f"https://raw.githubusercontent.com/{self.url[len(prefix):]}/{self.revision}/constraints.txt"


def step_id(exercise: str) -> str:
    """A workflow step id for an exercise: letters, digits and hyphens."""
    return "ex-" + "".join(c if c.isalnum() else "-" for c in exercise.lower())


def _q(text: str) -> str:
    """A YAML scalar: JSON's quoting (a JSON string is a YAML string), so nothing is interpreted."""
    return json.dumps(str(text))


def workflow(chapter: exercises.Chapter, source: Source, timeout_minutes: int = 15) -> str:
    """The text of .github/workflows/classroom.yml for `chapter`."""
    notebook = f"{chapter.slug}.ipynb"
    constraints = f" -c {_q(source.constraints)}" if source.constraints else ""
    install = f"python -m pip install --quiet{constraints} {_q(source.requirement)}"
    grade = (f"mkdir -p .autograder && python -I -m autograder pytest {_q(notebook)} --chapter {chapter.id} "
             f"--junitxml {REPORT} || true")
    lines = [
        f"# Written by `python -m autograder classroom --chapter {chapter.id}`: formative feedback only.",
        "# The learner owns this repository and its runner; record grades from a run you control.",
        f"name: {_q('Autograding (chapter ' + chapter.id + ', public checks)')}",
        '"on": [push, repository_dispatch]',
        "permissions:",
        "  checks: write",
        "  actions: read",
        "  contents: read",
        "jobs:",
        "  run-autograding-tests:",
        "    runs-on: ubuntu-latest",
        "    if: github.actor != 'github-classroom[bot]'",
        f"    timeout-minutes: {timeout_minutes + 10}",
        "    steps:",
        "      - name: Check out the notebook",
        "        uses: actions/checkout@v4",
        "      - name: Set up Python",
        "        uses: actions/setup-python@v5",
        "        with:",
        f"          python-version: {_q(PYTHON_VERSION)}",
        "      - name: Install the course's grader (from the course repository, not this one)",
        f"        run: {_q(install)}",
        "      - name: Grade the notebook once (public checks)",
        f"        timeout-minutes: {timeout_minutes}",
        f"        run: {_q(grade)}",
    ]
    ids = []
    for ex in exercises.exercises_for(chapter.id):
        sid = step_id(ex.name)
        ids.append(sid)
        lines += [
            f"      - name: {_q(ex.name)}",
            f"        id: {sid}",
            f"        uses: {COMMAND_GRADER}",
            "        with:",
            f"          test-name: {_q(ex.name)}",
            "          setup-command: \"\"",
            f"          command: {_q(f'python -I -m autograder classroom-verdict {REPORT} --exercise {ex.name}')}",
            "          timeout: 1",
            f"          max-score: {ex.points}",
        ]
    lines += [
        "      - name: Autograding Reporter",
        f"        uses: {REPORTER}",
        "        env:",
        *[f"          {sid.upper()}_RESULTS: \"${{{{steps.{sid}.outputs.result}}}}\"" for sid in ids],
        "        with:",
        f"          runners: {','.join(ids)}",
    ]
    return "\n".join(lines) + "\n"


def readme(chapter: exercises.Chapter) -> str:
    names = ", ".join(f"`{ex.name}`" for ex in exercises.exercises_for(chapter.id))
    return (f"# Chapter {chapter.id}: {chapter.title}\n\n"
            f"Answer the exercises ({names}) in `{chapter.slug}.ipynb` and push. On every push, GitHub\n"
            "runs the course's public checks on your notebook: the *Actions* tab shows each check's\n"
            "message, and each exercise earns its points when all of its checks pass.\n\n"
            "Run the same checks yourself first, in the notebook's last cell or with\n"
            f"`python -m autograder check {chapter.slug}.ipynb`.\n\n"
            "These checks are feedback. Your instructor grades with checks of their own.\n")


def write_template(chapter: exercises.Chapter, source: Source, out: Path, notebook: Path) -> list[Path]:
    """The starter repository in `out`: the learner notebook, a README and the workflow."""
    out = Path(out)
    files = {out / f"{chapter.slug}.ipynb": notebook.read_bytes(),
             out / "README.md": readme(chapter).encode(),
             out / WORKFLOW: workflow(chapter, source).encode()}
    for path, data in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return list(files)


# --------------------------------------------------------------------------- the verdict step

@dataclass(frozen=True)
class CheckLine:
    check: str        # "exercise:key"
    passed: bool
    message: str


def exercise_checks(report_xml: bytes, exercise: str) -> list[CheckLine]:
    """The checks of `exercise` in a JUnit report of `autograder pytest` (by each item's `check`
    property); a submission that was not graded appears as its one failing `::submission` item."""
    root = ET.fromstring(report_xml)
    lines = []
    for case in root.iter("testcase"):
        props = {p.get("name"): p.get("value", "") for p in case.iter("property")}
        failure = case.find("failure")
        if failure is None:
            failure = case.find("error")
        message = (failure.get("message") or failure.text or "failed") if failure is not None else ""
        check = props.get("check", "")
        if check.split(":", 1)[0] == exercise:
            lines.append(CheckLine(check, failure is None, message))
        elif not check and str(case.get("name", "")).endswith("::submission"):
            lines.append(CheckLine("submission", False, message))
    return lines


def verdict(report_path: Path, exercise: str) -> tuple[bool, str]:
    """(all checks of `exercise` passed, the text for the step's log)."""
    from .verdict import neutral
    try:
        with open(report_path, "rb") as f:
            data = f.read(MAX_REPORT_BYTES + 1)
    except OSError:
        return False, "No grading report: the step 'Grade the notebook once' did not finish; its log says why."
    if len(data) > MAX_REPORT_BYTES:
        return False, "The grading report is too large to read."
    try:
        lines = exercise_checks(data, exercise)
    except ET.ParseError:
        return False, "The grading report is not valid XML."
    if not lines:
        return False, f"No check of {exercise} was run (is it defined in the notebook?)."
    text = [f"{'passed' if line.passed else 'FAILED'}  {neutral(line.check, 80)}"
            + ("" if line.passed else "\n    " + neutral(line.message, 600)) for line in lines]
    return all(line.passed for line in lines), "\n".join(text)


def template_main(args) -> int:
    """`python -m autograder classroom --chapter N --out DIR`."""
    import subprocess
    from .release import ROOT, repository_url
    chapter = exercises.chapter(args.chapter)
    url = args.repository or repository_url()
    revision = args.revision
    if revision is None:
        found = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True)
        revision = found.stdout.strip() if found.returncode == 0 else "main"
    if not url:
        print("classroom: no course repository address (--repository, or repository.url in _config.yml)",
              file=sys.stderr)
        return 2
    notebook = ROOT / "notebooks" / f"{chapter.slug}.ipynb"
    out = Path(args.out or f"classroom-{chapter.id}")
    written = write_template(chapter, Source(url, revision), out, notebook)
    print(f"wrote {len(written)} files in {out} (grader from {url} at {revision}): push them as the "
          "assignment's template repository")
    return 0


def verdict_main(args) -> int:
    try:
        exercises.exercise(args.exercise)
    except KeyError as exc:
        print(f"classroom-verdict: {exc.args[0]}", file=sys.stderr)
        return 2
    passed, text = verdict(Path(args.report), args.exercise)
    print(text)
    return 0 if passed else 1
