"""Read a submission (.ipynb or .py) into the code cells the sandbox should run.

Nothing here executes the submission. Notebook JSON is read with nbformat;
IPython magics and shell lines are commented out; and cells that define
nothing the exercises need (training runs, plots, quizzes) are left out, so
grading does not pay for them. A cell is kept when it binds a name that an
exercise definition needs (directly or through other kept cells), or when it
only imports and defines.
"""
from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from pathlib import Path

from . import exercises

MAX_BYTES = 20 * 1024 * 1024


class UnreadableSubmission(Exception):
    """Not a notebook or Python file we can read (message is for the report)."""


@dataclass
class Cell:
    index: int              # position among the submission's code cells (1-based)
    source: str
    binds: set = field(default_factory=set)
    uses: set = field(default_factory=set)
    uses_now: set = field(default_factory=set)   # read while the cell runs (not only inside its functions)
    syntax_error: str | None = None
    cheap: bool = False     # only imports and definitions


@dataclass
class Submission:
    path: Path
    cells: list
    chapter: str | None       # from the notebook's metadata, if any

    @property
    def sources(self) -> list[str]:
        return [c.source for c in self.cells if c.syntax_error is None]

    def defined_names(self) -> set[str]:
        return set().union(*(c.binds for c in self.cells)) if self.cells else set()

    def syntax_errors(self) -> list[str]:
        return [f"cell {c.index}: {c.syntax_error}" for c in self.cells if c.syntax_error]

    def cells_for(self, names) -> list[Cell]:
        """The cells to run so that `names` get defined, in notebook order."""
        needed, keep = set(names), set()
        for cell in reversed(self.cells):
            if cell.syntax_error:
                continue
            if cell.binds & needed:
                keep.add(cell.index)
                needed |= cell.uses
            elif cell.cheap:               # defining is free; what its functions read is needed only if called
                keep.add(cell.index)
                needed |= cell.uses_now
        # a second pass picks up names used by cheap cells kept above
        for cell in reversed(self.cells):
            if cell.syntax_error is None and cell.index not in keep and cell.binds & needed:
                keep.add(cell.index)
                needed |= cell.uses
        return [c for c in self.cells if c.index in keep]


_PYTHON_CELL_MAGICS = ("%%time", "%%timeit", "%%capture")    # these still run the cell as Python


def _strip_magics(source: str) -> str:
    lines = source.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        if lines[0].split()[0] in _PYTHON_CELL_MAGICS:
            lines[0] = "# " + lines[0]
        else:
            return "\n".join("# " + line for line in lines)   # %%bash, %%html...: skip the whole cell
    out = []
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            indent = line[: len(line) - len(stripped)]
            out.append(f"{indent}pass  # {stripped}")
        else:
            out.append(line)
    return "\n".join(out)


def _analyse(index: int, source: str) -> Cell:
    source = _strip_magics(source)
    cell = Cell(index, source)
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        cell.syntax_error = f"SyntaxError: {exc.msg} (line {exc.lineno})"
        return cell
    except (ValueError, RecursionError, MemoryError) as exc:
        cell.syntax_error = f"cannot parse: {type(exc).__name__}"
        return cell
    cheap = True
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                cell.binds.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            cell.binds.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            cheap = False
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for sub in ast.walk(target):
                    if isinstance(sub, ast.Name):
                        cell.binds.add(sub.id)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            pass                                           # a docstring or bare constant
        else:
            cheap = False
            for sub in ast.walk(node):
                if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                    cell.binds.add(sub.id)
    cell.uses_now, later = _global_reads(tree)
    cell.uses = cell.uses_now | later
    cell.cheap = cheap
    return cell


def _global_reads(tree: ast.AST) -> tuple[set, set]:
    """Names the cell reads from the notebook's globals, (as it runs, inside its functions): not a
    function's own parameters and locals (an exercise's `y_true` must not pull in every demo cell
    that assigns a `y_true`)."""
    now, later, stack = set(), set(), [(tree, frozenset(), False)]
    while stack:
        node, local, deferred = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            args = node.args
            outside = [*getattr(node, "decorator_list", []), *args.defaults, *filter(None, args.kw_defaults)]
            stack += [(n, local, deferred) for n in outside]
            body = node.body if isinstance(node.body, list) else [node.body]
            declared = {name for b in body for n in ast.walk(b)
                        if isinstance(n, (ast.Global, ast.Nonlocal)) for name in n.names}
            own = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg] if a}
            own |= {n.id for b in body for n in ast.walk(b) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
            stack += [(b, local | (own - declared), True) for b in body]
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in local:
            (later if deferred else now).add(node.id)
        stack += [(child, local, deferred) for child in ast.iter_child_nodes(node)]
    return now, later


def _py_cells(text: str) -> list[str]:
    """A .py file: one cell, or jupytext-style `# %%` cells."""
    if "\n# %%" not in "\n" + text:
        return [text]
    cells, current = [], []
    for line in text.splitlines():
        if line.startswith("# %%"):
            if current:
                cells.append("\n".join(current))
            current = []
        else:
            current.append(line)
    if current:
        cells.append("\n".join(current))
    return cells


def read(path: Path) -> Submission:
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UnreadableSubmission(f"cannot read {path.name}: {exc.strerror}") from None
    if size > MAX_BYTES:
        raise UnreadableSubmission(f"{path.name} is {size // 1_000_000} MB; the limit is {MAX_BYTES // 1_000_000} MB")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UnreadableSubmission(f"{path.name} is not UTF-8 text") from None
    chapter = None
    if path.suffix == ".ipynb":
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise UnreadableSubmission(f"{path.name} is not valid JSON ({exc}); is it a notebook?") from None
        if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
            raise UnreadableSubmission(f"{path.name} is JSON but not a Jupyter notebook (no 'cells' list)")
        sources = []
        for cell in data["cells"]:
            if isinstance(cell, dict) and cell.get("cell_type") == "code":
                src = cell.get("source", "")
                sources.append("".join(src) if isinstance(src, list) else str(src))
        meta = data.get("metadata", {})
        course = meta.get("course") if isinstance(meta, dict) else None
        if isinstance(course, dict) and isinstance(course.get("chapter"), str):
            chapter = course["chapter"]
    elif path.suffix == ".py":
        sources = _py_cells(text)
    else:
        raise UnreadableSubmission(f"{path.name}: submissions are .ipynb or .py files")
    cells = [_analyse(i, s) for i, s in enumerate(sources, 1)]
    return Submission(path, cells, chapter)


def infer_chapter(sub: Submission, override: str | None = None) -> str | None:
    """--chapter, else the notebook's metadata, else the chapter whose exercises it defines most."""
    if override:
        return exercises.chapter(override).id
    if sub.chapter:
        try:
            return exercises.chapter(sub.chapter).id
        except KeyError:
            pass
    defined = sub.defined_names()
    best, best_count = None, 0
    for ch in exercises.CHAPTERS:
        count = sum(ex.name in defined for ex in exercises.exercises_for(ch.id))
        if count > best_count:
            best, best_count = ch.id, count
    return best
