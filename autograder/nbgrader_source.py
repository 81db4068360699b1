"""nbgrader source notebooks made from solutions/: the solution cells nbgrader already reads, plus
one grade cell per exercise, so `nbgrader autograde` gives each exercise its points.

`python -m autograder nbgrader --out course/source` writes `course/source/chNN/<slug>.ipynb` for
every chapter (or `--chapter`). Each grade cell sits right after the cell that defines its exercise,
is locked, is worth the exercise's points and runs that exercise's public checks in the kernel
(`self_check("name")`, which raises unless every check passes). nbgrader runs them in the learner's
own kernel, where a submission can reach the checks: its security model, not this course's
grader's (book/instructors.md).
"""
from __future__ import annotations

from pathlib import Path

import nbformat

from . import exercises, release

ASSIGNMENT = "ch{id}"          # the assignment folder nbgrader reads: source/ch05/05_imbalanced_data.ipynb


def grade_cell(exercise: exercises.Exercise) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(
        f"# Graded by nbgrader: {exercise.points} points when every public check of `{exercise.name}` passes.\n"
        "from autograder.selfcheck import self_check\n"
        f"self_check({exercise.name!r})")
    cell.id = f"nbgrader-{exercise.name}".replace("_", "-")
    cell.metadata["nbgrader"] = {
        "grade": True, "grade_id": f"test_{exercise.name}", "locked": True, "points": exercise.points,
        "schema_version": release.NBGRADER_SCHEMA_VERSION, "solution": False, "task": False,
    }
    return cell


def source_notebook(solution: nbformat.NotebookNode, chapter: exercises.Chapter) -> nbformat.NotebookNode:
    """The solution (with nbgrader's solution metadata) and a grade cell after each exercise's cell."""
    nb = release.with_nbgrader_metadata(solution)
    wanted = exercises.exercises_for(chapter.id)
    placed = {}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and release.BEGIN in cell.source:
            for name in release.defined_names(cell.source):
                placed.setdefault(name, index)
    missing = [ex.name for ex in wanted if ex.name not in placed]
    if missing:
        raise release.ReleaseError(f"{chapter.slug}: no solution cell defines {', '.join(missing)}")
    for ex in sorted(wanted, key=lambda ex: placed[ex.name], reverse=True):
        nb.cells.insert(placed[ex.name] + 1, grade_cell(ex))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def write_sources(out: Path, chapter_ids=None) -> list[Path]:
    written = []
    for path in release.solution_paths():
        chapter = exercises.chapter_for_slug(path.stem)
        if chapter is None or (chapter_ids and chapter.id not in chapter_ids):
            continue
        target = Path(out) / ASSIGNMENT.format(id=chapter.id) / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(source_notebook(nbformat.read(path, as_version=4), chapter), target)
        written.append(target)
    return written


def main(args) -> int:
    chapters = [exercises.chapter(c).id for c in args.chapter] if args.chapter else None
    written = write_sources(Path(args.out), chapters)
    for path in written:
        print(f"wrote {path}")
    print(f"then, in the folder that holds {args.out}/: nbgrader generate_assignment ch05 (say)")
    return 0
