"""Make the learner notebooks in notebooks/ from the master notebooks in solutions/.

Each block between `### BEGIN SOLUTION` and `### END SOLUTION` becomes
`raise NotImplementedError(<hint>)`, the hint coming from the exercise registry
when the cell defines an exercise. Outputs are cleared, the cell is tagged
`raises-exception` (nbval and the book then accept the stub's error), and the
notebook's metadata records which chapter it is, for the grader.
"""
from __future__ import annotations

import ast
import copy
import sys
from pathlib import Path

import nbformat

from . import citations, exercises

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
NOTEBOOKS = ROOT / "notebooks"

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
STUB_TAG = "raises-exception"
CHECKED_OUTPUT_TAG = "nbval-check-output"
TRAINED_OUTPUT_TAG = "output-from-training"    # a checked cell whose numbers depend on the CPU (tests/trained_outputs.py)


class ReleaseError(Exception):
    pass


def defined_names(source: str) -> list[str]:
    """Top-level functions and classes a cell defines."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    return [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]


def hint_for(source: str) -> str:
    known = {ex.name: ex for ex in exercises.EXERCISES}
    for name in defined_names(source):
        if name in known:
            return f"{name}: {known[name].hint}"
    return "Write your solution here."


def _marker(line: str) -> str | None:
    """BEGIN or END when the line is a solution marker (alone on its line but for a comment)."""
    stripped = line.strip()
    for marker in (BEGIN, END):
        if stripped.startswith(marker):
            return marker
    if "BEGIN SOLUTION" in line or "END SOLUTION" in line:
        return "malformed"
    return None


def stub_source(source: str, path: str = "<cell>") -> str:
    """The cell with every solution block replaced by a NotImplementedError stub.

    Markers are read line by line: each BEGIN must be closed by an END before the
    next BEGIN, every END needs its BEGIN, and a marker must stand on a line of its
    own. Anything else is a ReleaseError naming the cell and the line, because a
    half-understood block could leak a solution into notebooks/.
    """
    hint = hint_for(source)
    out, begin_line = [], None
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        marker = _marker(line)
        if marker == "malformed":
            raise ReleaseError(f"{path}, line {number}: a solution marker must stand alone on its line "
                               f"as {BEGIN!r} or {END!r}: {line.strip()!r}")
        if marker == BEGIN:
            if begin_line is not None:
                raise ReleaseError(f"{path}, line {number}: {BEGIN!r} inside the solution block opened "
                                   f"on line {begin_line} (nested markers)")
            begin_line = number
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}# YOUR CODE HERE\n{indent}raise NotImplementedError({hint!r})\n")
        elif marker == END:
            if begin_line is None:
                raise ReleaseError(f"{path}, line {number}: {END!r} without a {BEGIN!r} before it")
            begin_line = None
        elif begin_line is None:
            out.append(line)
    if begin_line is not None:
        raise ReleaseError(f"{path}, line {begin_line}: {BEGIN!r} is never closed by {END!r}")
    return "".join(out)


def repository_url() -> str:
    """The course repository's address, from _config.yml (the one place it is written)."""
    import yaml
    path = ROOT / "_config.yml"
    if not path.exists():
        return ""
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    return str(config.get("repository", {}).get("url", "")).rstrip("/")


def install_cell(url: str) -> nbformat.NotebookNode:
    """The learner notebook's first cell: install the course's checks and quizzes where missing.

    `url` is `repository.url` from _config.yml (`repository_url()`). `--no-deps` keeps pip away
    from what the machine already has (Colab's own TensorFlow and Keras); only the course package
    is added (its quiz renderer is package data, so nothing else is needed).
    """
    source = ("# Only where the course is not installed (Colab, say): add its checks and quizzes,\n"
              "# and nothing else (your TensorFlow and Keras stay as they are).\n"
              "try:\n"
              "    import autograder\n"
              "except ImportError:\n"
              f"    %pip install --quiet --no-deps \"git+{url}\"")
    cell = nbformat.v4.new_code_cell(source)
    cell.id = "install-course"
    return cell


def learner_notebook(solution: nbformat.NotebookNode, chapter: exercises.Chapter) -> nbformat.NotebookNode:
    nb = copy.deepcopy(solution)
    url = repository_url()
    addresses = citations.bibliography()
    for index, cell in enumerate(nb.cells):
        tags = list(cell.metadata.get("tags", []))
        has_marker = "BEGIN SOLUTION" in cell.source or "END SOLUTION" in cell.source
        if has_marker and cell.cell_type != "code":
            raise ReleaseError(f"{chapter.slug} cell {index} ({cell.cell_type}): solution markers "
                               "belong in code cells only")
        if cell.cell_type == "markdown":
            cell.source = citations.as_links(cell.source, addresses)   # Jupyter shows no {cite} role
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            tags = [t for t in tags if t not in (CHECKED_OUTPUT_TAG, TRAINED_OUTPUT_TAG)]   # nothing stored to compare with
            if has_marker:
                cell.source = stub_source(cell.source, f"{chapter.slug} cell {index} (id {cell.get('id', '?')})")
                tags = [t for t in tags if t != "hide-input"]
                if STUB_TAG not in tags:
                    tags.append(STUB_TAG)
            if "remove-input" in tags or "remove-cell" in tags:
                # Quiz code and answer cells: collapsed in Jupyter, so answers are not on show.
                cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
            if "remove-cell" in tags:
                cell.metadata["jupyter"]["outputs_hidden"] = True
        cell.metadata.pop("execution", None)
        if tags:
            cell.metadata["tags"] = tags
        else:
            cell.metadata.pop("tags", None)
    if url:
        nb.cells.insert(1, install_cell(url))      # after the title
    nb.metadata["course"] = {
        "chapter": chapter.id,
        "exercises": [ex.name for ex in exercises.exercises_for(chapter.id)],
        "generated_from": f"solutions/{chapter.slug}.ipynb",
    }
    nb.metadata.pop("widgets", None)
    return nb


NBGRADER_SCHEMA_VERSION = 3


def with_nbgrader_metadata(solution: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The solution notebook with nbgrader's metadata on each cell that holds solution markers.

    nbgrader (`nbgrader generate_assignment`) reads solution regions only in cells
    marked `solution: true`; with this metadata an instructor can use solutions/
    as nbgrader source notebooks. The grade_id is the exercise the cell defines.
    """
    nb = copy.deepcopy(solution)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or BEGIN not in cell.source:
            cell.metadata.pop("nbgrader", None)
            continue
        names = defined_names(cell.source)
        cell.metadata["nbgrader"] = {
            "grade": False, "grade_id": names[0] if names else f"solution-{index}", "locked": False,
            "schema_version": NBGRADER_SCHEMA_VERSION, "solution": True, "task": False,
        }
    return nb


def solution_paths() -> list[Path]:
    return sorted(SOLUTIONS.glob("[0-9][0-9]_*.ipynb"))


def render(path: Path) -> list[tuple[Path, str]]:
    """[(path, text)] that one solution notebook makes: itself with nbgrader metadata and its
    chapter id, and its learner notebook."""
    chapter = exercises.chapter_for_slug(path.stem)
    if chapter is None or chapter.slug != path.stem:
        raise ReleaseError(f"{path.name}: not a chapter named in autograder/exercises.py")
    solution = with_nbgrader_metadata(nbformat.read(path, as_version=4))
    solution.metadata["course"] = {"chapter": chapter.id}    # so `grade` never has to guess it
    learner = learner_notebook(solution, chapter)
    return [(path, nbformat.writes(solution) + "\n"), (NOTEBOOKS / path.name, nbformat.writes(learner) + "\n")]


def release(check: bool = False, out=sys.stdout) -> int:
    """Write notebooks/ and the solutions' nbgrader metadata (or, with check=True, report what is stale)."""
    expected = dict(pair for p in solution_paths() for pair in render(p))
    stale = []
    for target, text in expected.items():
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current != text:
            stale.append(target)
            if not check:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
    extra = [p for p in sorted(NOTEBOOKS.glob("*.ipynb")) if p not in expected]
    learner_count = sum(p.parent == NOTEBOOKS for p in expected)
    rel = lambda p: p.relative_to(ROOT)  # noqa: E731
    if check:
        for p in stale:
            print(f"stale: {rel(p)} differs from what `python -m autograder release` makes", file=out)
        for p in extra:
            print(f"extra: {rel(p)} has no solution notebook", file=out)
        if stale or extra:
            print("run `python -m autograder release` and commit notebooks/ and solutions/", file=out)
            return 1
        print(f"notebooks/ is up to date ({learner_count} notebooks)", file=out)
        return 0
    for p in extra:
        p.unlink()
        print(f"removed {rel(p)}", file=out)
    print(f"wrote {len(stale)} of {len(expected)} notebooks ({learner_count} learner notebooks "
          "and their solutions' nbgrader metadata)", file=out)
    return 0
