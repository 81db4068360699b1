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
import re
import sys
from pathlib import Path

import nbformat

from . import exercises

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
NOTEBOOKS = ROOT / "notebooks"

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
STUB_TAG = "raises-exception"
_BLOCK = re.compile(
    r"^(?P<indent>[ \t]*)" + re.escape(BEGIN) + r"[^\n]*\n.*?^[ \t]*" + re.escape(END) + r"[^\n]*(\n|$)",
    re.MULTILINE | re.DOTALL,
)


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


def stub_source(source: str, path: str = "<cell>") -> str:
    """The cell with every solution block replaced by a NotImplementedError stub."""
    if source.count(BEGIN) != source.count(END):
        raise ReleaseError(f"{path}: unbalanced {BEGIN!r} / {END!r} markers")
    hint = hint_for(source)

    def replace(match: re.Match) -> str:
        indent = match.group("indent")
        return f"{indent}# YOUR CODE HERE\n{indent}raise NotImplementedError({hint!r})\n"

    return _BLOCK.sub(replace, source)


SELF_CHECK_IMPORT = "from autograder import self_check"


def repository_url() -> str:
    """The course repository's address, from _config.yml (the one place it is written)."""
    import yaml
    path = ROOT / "_config.yml"
    if not path.exists():
        return ""
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    return str(config.get("repository", {}).get("url", "")).rstrip("/")


def installing_import(url: str) -> str:
    """The self-check import, installing the course package first where it is missing (Colab)."""
    return ("try:\n"
            f"    {SELF_CHECK_IMPORT}\n"
            "except ImportError:  # e.g. on Colab: install the course's checks first\n"
            f"    %pip install --quiet \"git+{url}\"\n"
            f"    {SELF_CHECK_IMPORT}")


def learner_notebook(solution: nbformat.NotebookNode, chapter: exercises.Chapter) -> nbformat.NotebookNode:
    nb = copy.deepcopy(solution)
    url = repository_url()
    for cell in nb.cells:
        tags = list(cell.metadata.get("tags", []))
        if cell.cell_type == "code" and url and SELF_CHECK_IMPORT in cell.source and "self_check(" in cell.source:
            cell.source = cell.source.replace(SELF_CHECK_IMPORT, installing_import(url), 1)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            if BEGIN in cell.source:
                cell.source = stub_source(cell.source, f"{chapter.slug} cell {cell.get('id', '?')}")
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
    nb.metadata["course"] = {
        "chapter": chapter.id,
        "exercises": [ex.name for ex in exercises.exercises_for(chapter.id)],
        "generated_from": f"solutions/{chapter.slug}.ipynb",
    }
    nb.metadata.pop("widgets", None)
    return nb


def solution_paths() -> list[Path]:
    return sorted(SOLUTIONS.glob("[0-9][0-9]_*.ipynb"))


def render(path: Path) -> tuple[Path, str]:
    """(target path, notebook text) for one solution notebook."""
    chapter = exercises.chapter_for_slug(path.stem)
    if chapter is None or chapter.slug != path.stem:
        raise ReleaseError(f"{path.name}: not a chapter named in autograder/exercises.py")
    solution = nbformat.read(path, as_version=4)
    learner = learner_notebook(solution, chapter)
    return NOTEBOOKS / path.name, nbformat.writes(learner) + "\n"


def release(check: bool = False, out=sys.stdout) -> int:
    """Write notebooks/ (or, with check=True, report what is stale). Exit code."""
    expected = dict(render(p) for p in solution_paths())
    stale = []
    for target, text in expected.items():
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current != text:
            stale.append(target)
            if not check:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
    extra = [p for p in sorted(NOTEBOOKS.glob("*.ipynb")) if p not in expected]
    rel = lambda p: p.relative_to(ROOT)  # noqa: E731
    if check:
        for p in stale:
            print(f"stale: {rel(p)} differs from what `python -m autograder release` makes", file=out)
        for p in extra:
            print(f"extra: {rel(p)} has no solution notebook", file=out)
        if stale or extra:
            print("run `python -m autograder release` and commit notebooks/", file=out)
            return 1
        print(f"notebooks/ is up to date ({len(expected)} notebooks)", file=out)
        return 0
    for p in extra:
        p.unlink()
        print(f"removed {rel(p)}", file=out)
    print(f"wrote {len(stale)} of {len(expected)} notebooks", file=out)
    return 0
