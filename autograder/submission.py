"""Read a submission (.ipynb or .py) into the code cells the sandbox should run.

Nothing here executes the submission, and nothing in it decides what it is
graded against: the chapter is the instructor's (`chapter_for`). Only a regular
file within MAX_BYTES is read, without following a link or waiting on a FIFO
(`read_bytes`); `parse` turns its bytes into cells (`autograder.intake` runs it
in a bounded process of its own). Notebook JSON is read with the json module;
IPython magics and shell lines are commented out; and cells that define
nothing the exercises need (training runs, plots, quizzes) are left out, so
grading does not pay for them. Which names a cell binds and reads is Python's
own name resolution (`symtable`): a parameter, a local, a nested helper, an
import inside a function or a comprehension variable is not a notebook global.
A cell is kept when it binds a name that an exercise definition needs (directly
or through other kept cells), or when it only imports and defines; a kept cell
runs without the statements that need what was left out (see cells_for).
"""
from __future__ import annotations

import ast
import bisect
import builtins
import errno
import json
import os
import re
import stat
import symtable
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import exercises

MAX_BYTES = 20 * 1024 * 1024


class UnreadableSubmission(Exception):
    """Not a notebook or Python file we can read (message is for the report)."""


@dataclass
class Unit:
    """One top-level statement of a cell (statements sharing a line are one unit)."""
    first: int              # its lines in the cell (1-based, decorators included)
    last: int
    binds: set = field(default_factory=set)
    uses: set = field(default_factory=set)
    uses_now: set = field(default_factory=set)
    cheap: bool = False


@dataclass
class Cell:
    index: int              # position among the submission's code cells (1-based)
    source: str
    binds: set = field(default_factory=set)
    uses: set = field(default_factory=set)
    uses_now: set = field(default_factory=set)   # read while the cell runs (not only inside its functions)
    syntax_error: str | None = None
    cheap: bool = False     # only imports and definitions
    units: list = field(default_factory=list)    # its top-level statements, in order


# names a cell can read without any cell defining them (the sandbox adds display and get_ipython)
_ALWAYS_THERE = frozenset(dir(builtins)) | {"display", "get_ipython", "__name__", "__builtins__"}


@dataclass
class Submission:
    path: Path
    cells: list
    language: str = "Python"    # its notebook's kernel language (neutralised), when the notebook says

    @property
    def sources(self) -> list[str]:
        return [c.source for c in self.cells if c.syntax_error is None]

    def defined_names(self) -> set[str]:
        return set().union(*(c.binds for c in self.cells)) if self.cells else set()

    def syntax_errors(self) -> list[str]:
        return [f"cell {c.index}: {c.syntax_error}" for c in self.cells if c.syntax_error]

    def cells_for(self, names) -> list[Cell]:
        """The cells to run so that `names` get defined, in notebook order, each cut down to the
        statements that matter.

        A top-level statement is needed when it binds a needed name (wherever it is in the
        notebook), and so are the imports and definitions of its cell; then what they read is needed
        too. A cell of only imports and definitions is kept whole (defining is free), and then what
        it reads while it runs is needed. The other statements of a kept cell run too (a seed,
        `model.compile(...)` after `model = ...`) unless one reads a name that nothing run before it
        binds: the demo line `found = [diagnose(h) for h in runs.values()]` after an exercise must
        neither pull in the chapter's training nor fail with a NameError. Dropped statements become
        blank lines, so line numbers in error messages still match the learner's cell."""
        cells = [c for c in self.cells if c.syntax_error is None]
        binders: dict[str, list] = {}                  # name -> the cells and units that bind it
        for cell in cells:
            for unit in cell.units:
                for name in unit.binds:
                    binders.setdefault(name, []).append((cell, unit))
        kept, needed, opened = set(), set(), set()     # id() of kept units, of needed units, of their cells
        todo = list(names)
        for cell in cells:
            if cell.cheap:                             # what its functions read is needed only if called
                for unit in cell.units:
                    kept.add(id(unit))
                    todo.extend(unit.uses_now)
        seen = set()
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            for cell, unit in binders.get(name) or ([] if name in _ALWAYS_THERE else binders.get("*", [])):
                # the definitions next to a needed statement are needed with it (an exercise may call
                # its neighbours in ways no reading of the code sees: getattr, globals()...)
                if id(cell) not in opened:
                    opened.add(id(cell))
                    side = [u for u in cell.units if u.cheap]
                else:
                    side = []
                for u in [unit, *side]:
                    if id(u) not in needed:
                        kept.add(id(u))
                        needed.add(id(u))
                        todo.extend(u.uses)
        out, there, star = [], set(_ALWAYS_THERE), False
        for cell in cells:
            if not any(id(u) in kept for u in cell.units):
                continue
            run = []
            for unit in cell.units:
                if id(unit) in kept or star or (unit.uses_now if unit.cheap else unit.uses) - unit.binds <= there:
                    run.append(unit)
                    there |= unit.binds
                    star = star or "*" in unit.binds
            out.append(cell if len(run) == len(cell.units) else _cut(cell, run))
        return out


def _cut(cell: Cell, units: list) -> Cell:
    """`cell` running only `units`: the other statements' lines left blank."""
    lines, running = cell.source.split("\n"), {id(u) for u in units}
    for unit in cell.units:
        if id(unit) not in running:
            lines[unit.first - 1:unit.last] = [""] * (unit.last - unit.first + 1)
    return replace(cell, source="\n".join(lines), units=units, cheap=all(u.cheap for u in units),
                   binds=set().union(*(u.binds for u in units)), uses=set().union(*(u.uses for u in units)),
                   uses_now=set().union(*(u.uses_now for u in units)))


_PYTHON_CELL_MAGICS = ("%%time", "%%timeit", "%%capture")    # these still run the cell as Python


def _strip_magics(source: str) -> str:
    lines = re.split(r"\r\n|\r|\n", source)    # Python's line ends only (not str.splitlines's \x0c, \u2028...)
    if lines[-1] == "":
        lines.pop()
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
        table = symtable.symtable(source, f"<cell {index}>", "exec")   # Python's own name resolution
    except SyntaxError as exc:
        cell.syntax_error = f"SyntaxError: {exc.msg} (line {exc.lineno})"
        return cell
    except (ValueError, RecursionError, MemoryError) as exc:          # very deep nesting, in either
        cell.syntax_error = f"cannot parse: {type(exc).__name__}"
        return cell
    for stmt in tree.body:
        first = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", ()))])
        binds, reads = _module_level(stmt)
        if cell.units and first <= cell.units[-1].last:                # `a = 1; print(b)`: one unit
            unit = cell.units[-1]
            unit.last = max(unit.last, stmt.end_lineno)
            unit.cheap = unit.cheap and _is_cheap(stmt)
        else:
            unit = Unit(first, stmt.end_lineno, cheap=_is_cheap(stmt))
            cell.units.append(unit)
        unit.binds |= binds
        unit.uses_now |= reads
    starts = [u.first for u in cell.units]
    for unit_index, name, now in _nested_reads(table, starts):
        unit = cell.units[unit_index]
        (unit.uses_now if now else unit.uses).add(name)
    for unit in cell.units:
        unit.uses |= unit.uses_now
        cell.binds |= unit.binds
        cell.uses_now |= unit.uses_now
        cell.uses |= unit.uses
    cell.cheap = all(u.cheap for u in cell.units)
    return cell


_CHEAP = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _is_cheap(stmt: ast.stmt) -> bool:
    """Only imports, definitions, or a docstring / bare constant."""
    return isinstance(stmt, _CHEAP) or isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)


def _module_level(stmt: ast.stmt) -> tuple[set, set]:
    """The names one top-level statement binds and reads in the notebook's globals itself, leaving out
    what runs in its own scopes (function, lambda and class bodies, comprehensions: see _nested_reads)
    but keeping what is evaluated outside them (decorators, defaults, annotations, base classes, a
    comprehension's first iterable). Assigning to `x.attr` or `x[key]` counts as binding `x` (it
    changes what `x` holds)."""
    binds, reads, stack = set(), set(), [stmt]
    while stack:
        node = stack.pop()
        if isinstance(node, _FUNCTIONS):
            args = node.args
            stack += [*args.defaults, *filter(None, args.kw_defaults)]
            if not isinstance(node, ast.Lambda):
                binds.add(node.name)
                every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
                stack += [*node.decorator_list, *filter(None, [node.returns, *(a.annotation for a in every if a)])]
        elif isinstance(node, ast.ClassDef):
            binds.add(node.name)
            stack += [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]
        elif isinstance(node, _COMPREHENSIONS):
            stack.append(node.generators[0].iter)
            inner = [node]                 # `(y := ...)` in a comprehension binds y out here
            while inner:
                sub = inner.pop()
                if isinstance(sub, ast.NamedExpr) and isinstance(sub.target, ast.Name):
                    binds.add(sub.target.id)
                if not isinstance(sub, (*_FUNCTIONS, ast.ClassDef)):
                    inner += ast.iter_child_nodes(sub)
        elif isinstance(node, ast.Name):
            (binds if isinstance(node.ctx, ast.Store) else reads).add(node.id)
        else:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                binds |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
            elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
                binds.add(node.name)
            elif isinstance(node, ast.MatchMapping) and node.rest:
                binds.add(node.rest)
            elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
                reads.add(node.target.id)                          # `x += 1` reads x as well
            elif isinstance(node, (ast.Attribute, ast.Subscript)) and not isinstance(node.ctx, ast.Load):
                base = node.value
                while isinstance(base, (ast.Attribute, ast.Subscript)):
                    base = base.value
                if isinstance(base, ast.Name):
                    binds.add(base.id)
            stack += ast.iter_child_nodes(node)
    return binds, reads


def _nested_reads(table: symtable.SymbolTable, starts: list[int]):
    """(unit, name, now) for every notebook global that a scope nested in a cell reads, as Python
    resolves it: not a parameter, a local, a nested function, an import inside the function, a
    comprehension variable or a nonlocal. `now`: read when the unit runs (class bodies, comprehensions
    outside functions), not only when a function it defines is called. A `global x` declaration
    counts as reading x. `unit` is the top-level statement the scope belongs to (by line)."""
    stack = [(child, bisect.bisect_right(starts, child.get_lineno()) - 1, True) for child in table.get_children()]
    while stack:
        scope, unit, outer_now = stack.pop()
        comprehension = scope.get_type() == "function" and ".0" in scope.get_identifiers()
        now = outer_now and (scope.get_type() == "class" or comprehension)
        for sym in scope.get_symbols():
            if sym.is_global() and (sym.is_referenced() or sym.is_declared_global()) \
                    and not sym.get_name().startswith("."):
                yield max(unit, 0), sym.get_name(), now
        stack += [(child, unit, now) for child in scope.get_children()]


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


_KINDS = ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISDIR, "a folder"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"))


def _not_regular(name: str, mode: int) -> UnreadableSubmission:
    kind = next((k for test, k in _KINDS if test(mode)), "not a regular file")
    return UnreadableSubmission(f"{name} is {kind}; a submission is a regular file")


def read_bytes(path: Path) -> bytes:
    """The file's bytes, if it is a regular file of at most MAX_BYTES. A link, FIFO, device, socket or
    folder is refused before it is opened (so nothing waits for a FIFO's writer), and the file is opened
    without following a link or blocking, then checked again on what was opened."""
    path = Path(path)
    try:
        mode = os.lstat(path).st_mode
        if not stat.S_ISREG(mode):
            raise _not_regular(path.name, mode)
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as exc:           # ELOOP: it became a link after lstat
        if exc.errno == errno.ELOOP:
            raise _not_regular(path.name, stat.S_IFLNK) from None
        raise UnreadableSubmission(f"cannot read {path.name}: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _not_regular(path.name, info.st_mode)
        chunks, size = [], 0
        while size <= MAX_BYTES:          # a file that grows after fstat is still read only this far
            chunk = os.read(fd, min(1 << 20, MAX_BYTES + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise UnreadableSubmission(f"cannot read {path.name}: {exc.strerror}") from None
    finally:
        os.close(fd)
    if max(size, info.st_size) > MAX_BYTES:
        raise UnreadableSubmission(f"{path.name} is over the size limit ({MAX_BYTES:,} bytes)")
    return b"".join(chunks)


def parse(path: Path, raw: bytes) -> Submission:
    """The submission whose file is named `path` and holds `raw`. Of a notebook's metadata only its kernel's
    language is read (`kernel_language`): it decides nothing but whether the code is Python at all."""
    path = Path(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UnreadableSubmission(f"{path.name} is not UTF-8 text") from None
    if path.suffix == ".ipynb":
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise UnreadableSubmission(f"{path.name} is not valid JSON ({exc}); is it a notebook?") from None
        if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
            raise UnreadableSubmission(f"{path.name} is JSON but not a Jupyter notebook (no 'cells' list)")
        language = kernel_language(data.get("metadata"))
        sources = []
        for cell in data["cells"]:
            if isinstance(cell, dict) and cell.get("cell_type") == "code":
                src = cell.get("source", "")
                sources.append("".join(map(str, src)) if isinstance(src, list) else str(src))
        if not is_python(language):
            return Submission(path, [], language)     # its cells are not Python: not analysed
    elif path.suffix == ".py":
        sources, language = _py_cells(text), "Python"
    else:
        raise UnreadableSubmission(f"{path.name}: submissions are .ipynb or .py files")
    cells = [_analyse(i, s) for i, s in enumerate(sources, 1)]
    return Submission(path, cells, language)


MAX_LANGUAGE = 40                # characters of a kernel's language name, as shown


def kernel_language(metadata) -> str:
    """The language a notebook's metadata names (`kernelspec.language`, else `language_info.name`),
    neutralised and bounded ("Python" when it names none: a notebook without metadata is graded)."""
    if not isinstance(metadata, dict):
        return "Python"
    for section, key in (("kernelspec", "language"), ("language_info", "name")):
        value = metadata.get(section)
        value = value.get(key) if isinstance(value, dict) else None
        if isinstance(value, str) and value.strip():
            return printable(value.strip(), MAX_LANGUAGE)
    return "Python"


def printable(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, each unprintable one (controls, bidi overrides, line breaks)
    replaced (no numpy here, unlike `verdict.neutral`: the analysis process starts without it)."""
    text = str(text)
    out = "".join(ch if ch.isprintable() else "\N{REPLACEMENT CHARACTER}" for ch in text[:limit])
    return out + ("…" if len(text) > limit else "")


_PYTHON = re.compile(r"i?python[0-9.]*", re.IGNORECASE)


def is_python(language: str) -> bool:
    return bool(_PYTHON.fullmatch(language))


def read(path: Path) -> Submission:
    """read_bytes, then parse, in this process (the grader uses autograder.intake.take)."""
    return parse(Path(path), read_bytes(Path(path)))


_CHAPTER_NAME = re.compile(r"(?:ch(?:apter)?[ _-]?)?(\d{2})(?=$|[ _.-])", re.IGNORECASE)


def chapter_for(path: Path, override: str | None = None) -> str | None:
    """The chapter a submission is graded against: the instructor's `--chapter`, else the one its folder's
    name, then its file's name, starts with (`ch05`, `chapter-05`, `05_imbalance`...), else None. Never
    the notebook's metadata or the names its code defines: a submission cannot pick its own chapter (but
    its file name can, when the learner chose it: then pass --chapter)."""
    if override:
        return exercises.chapter(override).id
    path = Path(path)
    for name in (path.parent.name, path.stem):
        match = _CHAPTER_NAME.match(name)
        if match:
            try:
                return exercises.chapter(match.group(1)).id
            except KeyError:
                pass
    return None
