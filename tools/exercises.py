"""Write the students' exercise copies of the course notebooks.

    python tools/exercises.py [--out DIR] [NOTEBOOK.ipynb ...]

Without NOTEBOOK arguments: every notebooks/*.ipynb that has a solution cell.
DIR defaults to exercises/. Each copy DIR/<same file name> is the notebook with

* every code cell tagged ``solution`` (the model answer) replaced by a stub:
  its leading comment lines, ``# your code here`` and a ``raise
  NotImplementedError(...)`` naming the exercise;
* every cell tagged ``self-check`` (the next code cell after a solution,
  calling ``course_utils.exercises.check_answer``) unchanged;
* all outputs and execution counts cleared;
* a one-line note under the title of the first markdown cell saying that this
  is the exercise copy and where the model answers are.

The exercise's number comes from the markdown cell(s) before the solution cell,
which state the task starting with ``**Exercise N.k.**``. A solution cell that
is not followed by a self-check cell, a self-check cell without a solution
cell before it, or a solution without an ``**Exercise N.k.**`` statement is
refused with an error (exit status 1) and nothing is written for that notebook.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOLUTION, SELF_CHECK = "solution", "self-check"
_EXERCISE = re.compile(r"\*\*Exercise (\d+\.\d+)\.\*\*")


class ExerciseError(ValueError):
    """A notebook whose exercise cells do not follow the rules above."""


def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def exercises(nb, name: str = "notebook") -> list[tuple[str, int, int]]:
    """``[(number, solution_index, self_check_index), ...]`` for the notebook's exercises, in order.

    Raises ExerciseError for a solution cell not followed by a self-check
    cell, a self-check cell without a solution cell right before it (code
    cells counted; markdown in between is allowed), a cell tagged both, or a
    solution with no ``**Exercise N.k.**`` in the markdown since the previous
    exercise.
    """
    found, pending, label = [], None, None
    for i, cell in enumerate(nb.cells):
        tags = _tags(cell)
        if cell.cell_type == "markdown":
            labels = _EXERCISE.findall(cell.source)
            label = labels[-1] if labels else label
            continue
        if cell.cell_type != "code":
            continue
        if SOLUTION in tags and SELF_CHECK in tags:
            raise ExerciseError(f"{name}: cell {i} is tagged both {SOLUTION!r} and {SELF_CHECK!r}")
        if pending is not None:
            if SELF_CHECK not in tags:
                raise ExerciseError(
                    f"{name}: the solution cell {pending[1]} (Exercise {pending[0]}) is not followed by a "
                    f"code cell tagged {SELF_CHECK!r} (the next code cell, {i}, is not one)"
                )
            found.append((pending[0], pending[1], i))
            pending = None
            continue
        if SELF_CHECK in tags:
            raise ExerciseError(f"{name}: the self-check cell {i} has no solution cell right before it")
        if SOLUTION in tags:
            if label is None:
                raise ExerciseError(
                    f"{name}: the solution cell {i} has no '**Exercise N.k.**' statement in the markdown before it"
                )
            pending, label = (label, i), None
    if pending is not None:
        raise ExerciseError(f"{name}: the solution cell {pending[1]} (Exercise {pending[0]}) is the last code cell: "
                            f"it needs a {SELF_CHECK!r} cell after it")
    return found


def stub(source: str, number: str) -> str:
    """The exercise copy of a solution cell: its leading comment lines, then a line that fails when run."""
    lines = source.splitlines()
    comments = []
    for line in lines:
        if not line.startswith("#"):
            break
        comments.append(line)
    message = f"Exercise {number}: write your answer in this cell, then run the self-check below"
    return "\n".join([*comments, "# your code here", f"raise NotImplementedError({message!r})"])


def exercise_copy(nb, original: Path, out_dir: Path):
    """A new notebook: ``nb`` with stubs for its solutions, no outputs, and a note under the title."""
    found = exercises(nb, original.name)
    copy = nbformat.from_dict(nb)  # a deep copy
    for number, solution, _ in found:
        copy.cells[solution].source = stub(copy.cells[solution].source, number)
    for cell in copy.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    link = Path(os.path.relpath(original.resolve(), out_dir.resolve())).as_posix()
    note = (f"*This is the exercise copy (written by `make exercises`): the model answers are in "
            f"[{original.name}]({link}).*")
    first = next((c for c in copy.cells if c.cell_type == "markdown"), None)
    if first is not None:
        title, _, rest = first.source.partition("\n")
        first.source = f"{title}\n\n{note}\n{rest}" if rest else f"{title}\n\n{note}"
    return copy, [number for number, _, _ in found]


def write_copies(notebooks, out_dir: Path) -> list[Path]:
    """Write the copies of ``notebooks`` into ``out_dir``; print and return what was written."""
    checked = []
    for path in notebooks:  # check every notebook before writing any
        nb = nbformat.read(path, as_version=4)
        checked.append((path, exercise_copy(nb, path, out_dir)))
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path, (copy, numbers) in checked:
        target = out_dir / path.name
        nbformat.validate(copy)
        nbformat.write(copy, target)
        print(f"wrote {target} ({len(numbers)} exercise{'s' if len(numbers) != 1 else ''}: {', '.join(numbers)})")
        written.append(target)
    return written


def default_notebooks(folder: Path = ROOT / "notebooks") -> list[Path]:
    """The notebooks in ``folder`` that have at least one solution cell."""
    found = []
    for path in sorted(folder.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        if any(c.cell_type == "code" and SOLUTION in _tags(c) for c in nb.cells):
            found.append(path)
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[1], prog="tools/exercises.py")
    parser.add_argument("--out", type=Path, default=ROOT / "exercises", help="folder for the copies (exercises/)")
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks (default: all with solution cells)")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or default_notebooks()
    if not notebooks:
        print("no notebook has a cell tagged 'solution': nothing to write", file=sys.stderr)
        return 1
    try:
        write_copies(notebooks, args.out)
    except (ExerciseError, FileNotFoundError) as err:
        print(f"tools/exercises.py: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
