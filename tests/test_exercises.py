"""The exercises: course_utils.exercises.check_answer and tools/exercises.py (``make exercises``)."""

import importlib.util
import os
from pathlib import Path

import nbformat
import numpy as np
import pytest

from course_utils.exercises import check_answer

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("exercises_tool", ROOT / "tools" / "exercises.py")
tool = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tool)

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
#: copies executed by the test: by default the two quickest notebooks' (CI); COURSE_EXERCISE_COPIES=all
#: (``make exercises-check``) executes every copy, COURSE_EXERCISE_COPIES=09,10 those notebooks' copies
_WANT = os.environ.get("COURSE_EXERCISE_COPIES", "").strip()
COPIES = ([p.stem for p in NOTEBOOKS if _WANT == "all" or p.name[:2] in _WANT.split(",")] if _WANT
          else ["01_convolution_basics", "02_sizing_and_parameters"])


# ---- check_answer ------------------------------------------------------------------------
def test_correct_answers_print_one_line_and_return_true(capsys):
    assert check_answer("1.1", 26, 26) is True
    assert check_answer("Exercise 2.1", (15, 15, 32), (15, 15, 32)) is True
    assert check_answer("2.2", [None, 4], (None, 4)) is True  # a list for a tuple, None entries
    assert check_answer("1.2", np.int64(37), 37.0) is True
    assert check_answer("1.3", np.ones((2, 3)) * (1 + 1e-9), np.ones((2, 3), np.float32)) is True
    assert check_answer("1.4", [[1, 2], [3, 4]], np.array([[1, 2], [3, 4]])) is True
    assert check_answer("1.5", 0.1 + 0.2, 0.3, rtol=0, atol=1e-12) is True
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Exercise 1.1: correct (max relative error 0)"
    assert lines[1] == "Exercise 2.1: correct ((15, 15, 32))"
    assert len(lines) == 7 and all("correct" in line for line in lines)
    assert "max relative error 1e-09" in lines[4]


class _Tensor:
    """Stands in for a TensorFlow tensor (``__array__``) without importing TensorFlow."""

    def __init__(self, values):
        self.values = np.asarray(values)

    def __array__(self, dtype=None, copy=None):
        return self.values if dtype is None else self.values.astype(dtype)


class _TensorShape:
    """Stands in for a ``tf.TensorShape`` (``as_list``)."""

    def __init__(self, dims):
        self.dims = list(dims)

    def as_list(self):
        return self.dims


def test_tensors_and_tensor_shapes_are_answers_too():
    assert check_answer("1.1", _Tensor(np.ones((2, 2), np.float32)), np.ones((2, 2)))
    assert check_answer("1.2", np.ones((2, 2)), _Tensor(np.ones((2, 2))))  # the model answer may be one too
    assert check_answer("1.3", _TensorShape([None, 3, 4]), (None, 3, 4))
    assert check_answer("1.4", np.array([3, 4]), (3, 4))  # an int array for a shape
    with pytest.raises(AssertionError, match="got shape"):
        check_answer("1.5", _Tensor(np.ones(3)), np.ones((3, 1)))


@pytest.mark.parametrize("missing", [None, ...])
def test_not_answered_yet(missing):
    with pytest.raises(AssertionError, match=r"^Exercise 1\.1: not answered yet"):
        check_answer("1.1", missing, 26)


@pytest.mark.parametrize(
    "got, expected, words",
    [
        (24, 26, ["expected 26", "got 24", "max relative error 0.077", "rtol 1e-06"]),
        ((15, 15, 16), (15, 15, 32), ["expected (15, 15, 32)", "got (15, 15, 16)", "entry 2 differs"]),
        ((15, 15), (15, 15, 32), ["2 entries instead of 3"]),
        (np.zeros((4, 4)), np.zeros((3, 3)), ["shape (3, 3)", "got shape (4, 4)"]),
        (np.eye(2), np.ones((2, 2)), ["2 of 4 entries off", "first at (0, 1)", "expected 1, got 0"]),
        (np.ones(3) * 1.01, np.ones(3), ["max relative error 0.01", "rtol 1e-06"]),
        ("26", 26, ["expected a number", "'26'"]),
        (True, 1, ["expected a number", "True"]),
        (float("nan"), 1.0, ["NaN"]),
        ([1.0, 2.0], (1, 2), ["tuple of ints"]),
        ({"a": 1}, np.ones(2), ["expected an array of shape (2,)"]),
    ],
)
def test_wrong_answers_raise_with_what_was_expected_and_got(got, expected, words):
    with pytest.raises(AssertionError) as info:
        check_answer("2.1", got, expected)
    message = str(info.value)
    assert message.startswith("Exercise 2.1: ")
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"


def test_tolerances_decide():
    check_answer("1.1", 1.01, 1.0, rtol=0.02)
    check_answer("1.1", 1e-9, 0.0, atol=1e-8)
    with pytest.raises(AssertionError, match="atol 1e-10"):
        check_answer("1.1", 1e-9, 0.0, atol=1e-10)


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"exercise": 1.1}, TypeError, "exercise must be a string, got 1.1 (float)"),
        ({"exercise": "one"}, ValueError, "exercise must be an exercise number such as '1.1'"),
        ({"expected": None}, TypeError, "expected must be a number, a tuple of ints"),
        ({"expected": "26"}, TypeError, "got '26'"),
        ({"expected": True}, TypeError, "got True"),
        ({"expected": float("inf")}, ValueError, "finite values"),
        ({"expected": np.array(["a"])}, TypeError, "expected must be"),
        ({"rtol": -1}, ValueError, "rtol must be a finite number >= 0, got -1"),
        ({"atol": "0"}, TypeError, "atol must be a finite number >= 0"),
    ],
)
def test_bad_arguments_are_refused_by_name(kwargs, error, words):
    """A mistake in the notebook (not in the answer) is a TypeError or ValueError naming the argument."""
    call = {"exercise": "1.1", "got": 26, "expected": 26, **kwargs}
    with pytest.raises(error) as info:
        check_answer(**call)
    assert words in str(info.value)


# ---- tools/exercises.py on a pure-Python fixture -------------------------------------------
def _fixture_notebook():
    """Two exercises (a number and a shape), no TensorFlow."""
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell

    def tagged(source, tag):
        cell = code(source)
        cell.metadata = {"tags": [tag]}
        return cell

    cells = [
        md("# 99 · A fixture\n\nTwo exercises."),
        code("from course_utils.exercises import check_answer"),
        md("**Exercise 99.1.** Multiply 6 by 7; assign the product to `answer`."),
        tagged("# Exercise 99.1: assign 6 * 7 to answer\n# (one line is enough)\nanswer = 6 * 7", "solution"),
        tagged('check_answer("99.1", globals().get("answer"), 42)', "self-check"),
        md("**Exercise 99.2.** The shape of a 2 x 3 table, as a tuple: `shape`."),
        tagged("shape = (2, 3)", "solution"),
        md("Now check it."),  # markdown between a solution and its self-check is allowed
        tagged('check_answer("99.2", globals().get("shape"), (2, 3))', "self-check"),
    ]
    cells[4].outputs = [nbformat.v4.new_output("stream", name="stdout", text="old output\n")]
    cells[4].execution_count = 5
    return nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "P"}})


def _execute(nb, cwd, until=None):
    """Run ``nb`` (cells after index ``until`` dropped) in a python3 kernel, errors kept as outputs."""
    from nbclient import NotebookClient  # noqa: PLC0415

    if until is not None:
        nb.cells = nb.cells[: until + 1]
    NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(cwd)}}).execute()  # fmt: skip
    return nb


def _errors(cell):
    return [o for o in cell.outputs if o.output_type == "error"]


@pytest.fixture
def fixture_path(tmp_path):
    path = tmp_path / "src" / "99_fixture.ipynb"
    path.parent.mkdir()
    nbformat.write(_fixture_notebook(), path)
    return path


def test_tool_writes_stubs_and_keeps_self_checks(fixture_path, tmp_path, capsys):
    out = tmp_path / "out"
    assert tool.main(["--out", str(out), str(fixture_path)]) == 0
    assert f"wrote {out / '99_fixture.ipynb'} (2 exercises: 99.1, 99.2)" in capsys.readouterr().out
    original = nbformat.read(fixture_path, as_version=4)
    copy = nbformat.read(out / "99_fixture.ipynb", as_version=4)
    nbformat.validate(copy)
    assert copy.cells[3].source == (
        "# Exercise 99.1: assign 6 * 7 to answer\n# (one line is enough)\n# your code here\n"
        "raise NotImplementedError('Exercise 99.1: write your answer in this cell, then run the self-check below')"
    )
    assert copy.cells[6].source.startswith("# your code here\nraise NotImplementedError('Exercise 99.2:")
    for i in (1, 2, 4, 5, 7, 8):
        assert copy.cells[i].source == original.cells[i].source  # self-checks and the rest unchanged
    assert all(not c.outputs and c.execution_count is None for c in copy.cells if c.cell_type == "code")
    title, blank, note = copy.cells[0].source.splitlines()[:3]
    assert title == "# 99 · A fixture" and not blank
    assert "exercise copy" in note and "[99_fixture.ipynb](../src/99_fixture.ipynb)" in note


def test_copy_fails_its_self_checks_and_the_original_passes(fixture_path, tmp_path):
    pytest.importorskip("ipykernel")
    (copy_path,) = tool.write_copies([fixture_path], tmp_path / "out")
    copy = _execute(nbformat.read(copy_path, as_version=4), tmp_path)
    for stub_index, check_index, number in ((3, 4, "99.1"), (6, 8, "99.2")):
        assert [e.ename for e in _errors(copy.cells[stub_index])] == ["NotImplementedError"]
        (error,) = _errors(copy.cells[check_index])
        assert error.ename == "AssertionError" and error.evalue.startswith(f"Exercise {number}: not answered yet")
    original = _execute(nbformat.read(fixture_path, as_version=4), tmp_path)
    assert not any(_errors(c) for c in original.cells if c.cell_type == "code")
    assert original.cells[4].outputs[0].text == "Exercise 99.1: correct (max relative error 0)\n"
    assert original.cells[8].outputs[0].text == "Exercise 99.2: correct ((2, 3))\n"


def _retag(nb, index, tags):
    nb.cells[index].metadata = {"tags": tags} if tags else {}
    return nb


@pytest.mark.parametrize(
    "break_it, message",
    [
        (lambda nb: _retag(nb, 4, []), r"solution cell 3 \(Exercise 99.1\) is not followed by a code cell tagged"),
        (lambda nb: _retag(nb, 3, []), "self-check cell 4 has no solution cell right before it"),
        (lambda nb: _retag(nb, 1, ["self-check"]), "self-check cell 1 has no solution cell"),
        (lambda nb: _retag(nb, 8, ["solution"]), r"solution cell 6 \(Exercise 99.2\) is not followed"),
        (lambda nb: _retag(nb, 3, ["solution", "self-check"]), "tagged both"),
        (lambda nb: nb.cells.pop(2) and nb, r"no '\*\*Exercise N.k.\*\*' statement"),
        (lambda nb: nb.cells.pop(8) and nb.cells.pop(7) and nb, "is the last code cell"),
    ],
)
def test_tool_refuses_badly_paired_cells(fixture_path, tmp_path, capsys, break_it, message):
    nbformat.write(break_it(nbformat.read(fixture_path, as_version=4)), fixture_path)
    with pytest.raises(tool.ExerciseError, match=message):
        tool.write_copies([fixture_path], tmp_path / "out")
    assert not (tmp_path / "out").exists()  # nothing written
    assert tool.main(["--out", str(tmp_path / "out"), str(fixture_path)]) == 1
    assert "tools/exercises.py: 99_fixture.ipynb: " in capsys.readouterr().err


# ---- the course notebooks ------------------------------------------------------------------
def test_every_solution_is_followed_by_a_self_check_calling_check_answer():
    """In every notebook: solution -> self-check pairs, each check naming its own exercise."""
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        found = tool.exercises(nb, path.name)  # raises for a badly paired cell
        numbers = [number for number, _, _ in found]
        assert len(set(numbers)) == len(numbers), f"{path.name}: an exercise number twice: {numbers}"
        for number, solution, check in found:
            assert number.split(".")[0] == str(int(path.name[:2])), f"{path.name}: Exercise {number}"
            assert f'check_answer("{number}"' in nb.cells[check].source, f"{path.name}: cell {check}"
            assert len(nb.cells[solution].source.splitlines()) <= 25
    assert tool.default_notebooks() == NOTEBOOKS  # every notebook has exercises (issue 15: two or more each)
    for path in NOTEBOOKS:
        assert len(tool.exercises(nbformat.read(path, 4), path.name)) >= 2, path.name


@pytest.mark.parametrize("name", COPIES)
def test_course_copies_fail_every_self_check(name, tmp_path, mirror, monkeypatch):
    """Each copy's stubs make every self-check fail with an error naming its exercise.

    The other half, that the original notebooks pass their self-checks with the
    model answers, is checked by nbval (``make test-notebooks`` and CI), which
    runs the original notebooks and fails on any error. Here each copy runs
    (cwd notebooks/, COURSE_PROFILE=quick) only up to its last self-check cell,
    to keep the test short.
    """
    pytest.importorskip("ipykernel")
    monkeypatch.setenv("COURSE_PROFILE", "quick")
    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror))
    (copy_path,) = tool.write_copies([ROOT / "notebooks" / f"{name}.ipynb"], tmp_path)
    copy = nbformat.read(copy_path, as_version=4)
    found = tool.exercises(copy, name)
    assert len(found) >= 2
    assert all("raise NotImplementedError" in copy.cells[s].source for _, s, _ in found)
    copy = _execute(copy, ROOT / "notebooks", until=found[-1][2])
    for number, solution, check in found:
        assert [e.ename for e in _errors(copy.cells[solution])] == ["NotImplementedError"], number
        errors = _errors(copy.cells[check])
        assert len(errors) == 1 and errors[0].ename == "AssertionError", (number, errors)
        assert errors[0].evalue.startswith(f"Exercise {number}: not answered yet"), errors[0].evalue
    others = [i for i, c in enumerate(copy.cells) if c.cell_type == "code" and _errors(c)]
    assert others == [i for _, s, c in found for i in (s, c)], "only the exercise cells may fail"
