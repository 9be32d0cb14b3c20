"""Tests of tools/nbtool.py: build, strip and refresh give what the repository tests enforce."""

import importlib.util
import json
from pathlib import Path

import nbformat
import pytest

from tests import test_repository

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("nbtool", ROOT / "tools" / "nbtool.py")
nbtool = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(nbtool)

SCRIPT = '''# %% [markdown]
# # A title
#
# Some *prose*.

# %%
import course_utils

profile = course_utils.setup(verbose=False)

# %%
# NBVAL_CHECK_OUTPUT
print(6 * 7)

# %%
print("not checked")
'''


def _dirty_notebook():
    """A notebook as a student's saved run leaves it: counts, outputs, metadata, stderr."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": "conda-env-x", "display_name": "x"}, "widgets": {"state": {}}}
    md = nbformat.v4.new_markdown_cell("# Title")
    md.metadata = {"collapsed": True}
    checked = nbformat.v4.new_code_cell("# NBVAL_CHECK_OUTPUT\nprint(1)", execution_count=7)
    checked.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="1\n"),
        nbformat.v4.new_output("stream", name="stderr", text="a TF warning\n"),
    ]
    plain = nbformat.v4.new_code_cell("x = 2\nx", execution_count=8)
    plain.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "2"}, execution_count=8)]
    plain.metadata = {"tags": ["solution"], "scrolled": True, "execution": {"iopub.status.busy": "2024-01-01"}}
    checked2 = nbformat.v4.new_code_cell("# NBVAL_CHECK_OUTPUT\nprint(3)", execution_count=9)
    checked2.outputs = [nbformat.v4.new_output("stream", name="stdout", text="3\n")]
    nb.cells = [md, checked, plain, checked2]
    return nb


def test_build_turns_a_percent_script_into_a_clean_notebook(tmp_path, capsys):
    script = tmp_path / "x.py"
    script.write_text(SCRIPT)
    out = tmp_path / "x.ipynb"
    nbtool.build(script, out)
    nb = nbformat.read(out, as_version=4)
    assert [c.cell_type for c in nb.cells] == ["markdown", "code", "code", "code"]
    assert nb.cells[0].source == "# A title\n\nSome *prose*."
    assert nb.cells[2].source == "# NBVAL_CHECK_OUTPUT\nprint(6 * 7)"
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert all(c.get("execution_count") is None for c in nb.cells if c.cell_type == "code")
    assert [c["id"] for c in nb.cells] == ["c00", "c01", "c02", "c03"]
    assert "wrote" in capsys.readouterr().out


def test_strip_keeps_only_checked_outputs_numbered(tmp_path):
    path = tmp_path / "dirty.ipynb"
    nbformat.write(_dirty_notebook(), path)
    nbtool.strip(path)
    nb = json.loads(path.read_text())
    md, checked, plain, checked2 = nb["cells"]
    assert nb["metadata"] == {"kernelspec": nbtool.KERNELSPEC, "language_info": {"name": "python"}}
    assert md["metadata"] == {}
    assert plain["metadata"] == {"tags": ["solution"]}  # tags kept (tools/exercises.py), all else dropped
    assert checked["metadata"] == {}  # no empty "tags" key added either
    assert checked["execution_count"] == 1 and checked2["execution_count"] == 2
    assert [o["name"] for o in checked["outputs"]] == ["stdout"]  # stderr dropped
    assert plain["execution_count"] is None and plain["outputs"] == []
    nbformat.validate(nbformat.reads(path.read_text(), as_version=4))


def test_stripped_notebook_passes_the_repository_format_rules(tmp_path):
    """What strip produces is what tests/test_repository.py demands of a notebook."""
    nb = _dirty_notebook()
    nb.cells.insert(1, nbformat.v4.new_code_cell("import course_utils\nprofile = course_utils.setup()"))
    path = tmp_path / "01_x.ipynb"
    nbformat.write(nb, path)
    nbtool.strip(path)
    test_repository.test_notebook_format(path)
    nbformat.write(_dirty_notebook(), path)  # unstripped: the same rules must fail
    with pytest.raises(AssertionError):
        test_repository.test_notebook_format(path)


def test_refresh_executes_and_stores_checked_outputs(tmp_path):
    pytest.importorskip("ipykernel")
    script = tmp_path / "x.py"
    script.write_text(SCRIPT.replace("import course_utils\n\nprofile = course_utils.setup(verbose=False)", "y = 1"))
    path = tmp_path / "x.ipynb"
    nbtool.build(script, path)
    nbtool.refresh(path)
    nb = nbformat.read(path, as_version=4)
    checked = [c for c in nb.cells if c.cell_type == "code" and nbtool.CHECK in c.source]
    assert [c.outputs[0]["text"] for c in checked] == ["42\n"]
    assert checked[0].execution_count == 1
    unchecked = [c for c in nb.cells if c.cell_type == "code" and nbtool.CHECK not in c.source]
    assert all(not c.outputs and c.execution_count is None for c in unchecked)


def test_main_usage_errors(capsys):
    assert nbtool.main([]) == 2
    assert nbtool.main(["build", "only-one-arg.py"]) == 2
    assert "usage" in capsys.readouterr().out

