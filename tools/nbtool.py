"""Maintain the course notebooks.

    python tools/nbtool.py build SCRIPT.py NOTEBOOK.ipynb
        Turn a percent-format script ("# %%" code cells, "# %% [markdown]"
        cells whose lines start with "# ") into a clean notebook.
    python tools/nbtool.py refresh NOTEBOOK.ipynb [...]
        Execute the notebook (current environment's python3 kernel) and keep
        only the outputs of cells marked "# NBVAL_CHECK_OUTPUT" (without their
        stderr), so the stored outputs are exactly what nbval compares. Checked
        cells are numbered 1, 2, ... (nbval needs an execution count on a cell
        with a stored output); all other cells keep none.
    python tools/nbtool.py strip NOTEBOOK.ipynb [...]
        Without executing anything, clean a notebook the way refresh does:
        outputs and execution counts go from every unchecked cell (what a
        student's saved run leaves behind), checked cells keep their outputs
        (minus stderr) and are renumbered 1, 2, ...; metadata is reset, except
        each cell's "tags" (the exercise tags of tools/exercises.py).

The repository's notebooks are the source of truth; scripts are a writing aid.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat

CHECK = "NBVAL_CHECK_OUTPUT"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def _clean(nb, keep_outputs: bool) -> None:
    nb.metadata = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    count = 0
    for cell in nb.cells:
        # Only the cell tags survive (tools/exercises.py reads "solution" and
        # "self-check"); collapsed, scrolled, execution timings etc. go.
        tags = list(cell.metadata.get("tags", []))
        cell.metadata = {"tags": tags} if tags else {}
        cell.pop("id", None)
        if cell.cell_type != "code":
            continue
        cell.execution_count = None
        if keep_outputs and CHECK in cell.source:
            # nbval refuses a stored output whose cell has no execution count
            count += 1
            cell.execution_count = count
            cell.outputs = [
                o for o in cell.outputs if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
            for o in cell.outputs:
                if "execution_count" in o:
                    o["execution_count"] = None
                if o.get("output_type") == "stream":
                    o.pop("metadata", None)
        else:
            cell.outputs = []
    nb.nbformat, nb.nbformat_minor = 4, 5
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i:02d}"


def build(script: Path, out: Path) -> None:
    cells, kind, lines = [], None, []

    def flush():
        text = "\n".join(lines).strip("\n")
        if kind == "markdown":
            text = "\n".join(ln[2:] if ln.startswith("# ") else ln.lstrip("#") for ln in text.splitlines())
            cells.append(nbformat.v4.new_markdown_cell(text))
        elif kind == "code" and text:
            cells.append(nbformat.v4.new_code_cell(text))

    for line in script.read_text().splitlines():
        if line.startswith("# %%"):
            flush()
            kind, lines = ("markdown" if "[markdown]" in line else "code"), []
        elif kind is not None:
            lines.append(line)
    flush()
    nb = nbformat.v4.new_notebook(cells=cells)
    _clean(nb, keep_outputs=False)
    nbformat.write(nb, out)
    print(f"wrote {out} ({len(cells)} cells)")


def execute(nb, folder: Path, timeout: int = 1800):
    """Run the notebook node ``nb`` top to bottom (python3 kernel, cwd ``folder``); it gets its outputs."""
    from nbclient import NotebookClient  # noqa: PLC0415

    NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    return nb


def refresh(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    t0 = time.time()
    execute(nb, path.parent)
    _clean(nb, keep_outputs=True)
    nbformat.write(nb, path)
    print(f"refreshed {path} in {time.time() - t0:.1f} s")


def strip(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    _clean(nb, keep_outputs=True)
    nbformat.write(nb, path)


def main(argv) -> int:
    if len(argv) < 2 or argv[0] not in ("build", "refresh", "strip"):
        print(__doc__)
        return 2
    cmd, args = argv[0], [Path(a) for a in argv[1:]]
    if cmd == "build":
        if len(args) != 2:
            print("usage: python tools/nbtool.py build SCRIPT.py NOTEBOOK.ipynb")
            return 2
        build(*args)
    else:
        for p in args:
            (refresh if cmd == "refresh" else strip)(p)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
