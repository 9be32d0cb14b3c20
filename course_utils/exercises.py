"""Self-checks for the notebooks' exercises.

A course notebook states an exercise in markdown (``**Exercise N.k.**``), gives
the model answer in a code cell tagged ``solution`` and checks it in the next
cell, tagged ``self-check``, with :func:`check_answer`. ``make exercises``
(``tools/exercises.py``) writes the students' copies, where each solution cell
is replaced by a stub and the self-checks stay as they are.

Plain Python and NumPy: no TensorFlow is imported here.
"""

from __future__ import annotations

import re

import numpy as np

from course_utils._checks import check_number, check_str, is_int, is_number, show

__all__ = ["check_answer"]

_LABEL = re.compile(r"^(?:Exercise )?(\d+\.\d+)$")
_TINY = 1e-8  # floor of |expected| in the relative error (as CS231n's rel_error floors its denominator)


def _label(exercise) -> str:
    check_str("exercise", exercise)
    match = _LABEL.match(exercise.strip())
    if not match:
        raise ValueError(f"exercise must be an exercise number such as '1.1' or 'Exercise 1.1', got {exercise!r}")
    return f"Exercise {match.group(1)}"


def _is_shape(value) -> bool:
    """A tuple or list of ints and Nones: a shape, a pair of sizes (compared exactly)."""
    return isinstance(value, (tuple, list)) and all(v is None or is_int(v) for v in value)


def _expected(value):
    """('shape', tuple) or ('array', float64 array) for the model answer; TypeError/ValueError otherwise."""
    allowed = "a number, a tuple of ints (a shape) or a numeric array (the model answer)"
    if isinstance(value, (bool, np.bool_, str, bytes, dict, set, type(None))) or value is Ellipsis:
        raise TypeError(f"expected must be {allowed}, got {show(value)}")
    if _is_shape(value):
        return "shape", tuple(None if v is None else int(v) for v in value)
    if is_number(value) or isinstance(value, (tuple, list, np.ndarray)) or hasattr(value, "__array__"):
        try:
            array = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError, OverflowError):
            raise TypeError(f"expected must be {allowed}, got {show(value)}") from None
        if not np.isfinite(array).all():
            raise ValueError(f"expected must be {allowed} with finite values, got {show(value)}")
        return "array", array
    raise TypeError(f"expected must be {allowed}, got {show(value)}")


def _text(value, limit: int = 80) -> str:
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return f"{float(value):.10g}"
    text = np.array2string(value, threshold=8, precision=6) if isinstance(value, np.ndarray) else repr(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_answer(exercise: str, got, expected, *, rtol: float = 1e-6, atol: float = 0.0) -> bool:
    """Say whether a student's answer ``got`` matches the model answer ``expected``.

    Args:
        exercise: the exercise's number, ``"1.1"`` or ``"Exercise 1.1"``
            (notebook number, dot, exercise number).
        got: the student's answer: a number, a tuple/list (a shape such as
            ``(15, 15, 32)``) or an array of any shape (NumPy, a TensorFlow
            tensor, a nested list). ``None`` or ``...`` means "not answered
            yet" (the self-check cells pass ``globals().get("name")``, which
            is ``None`` when the variable does not exist).
        expected: the model answer, computed independently of ``got``: a
            finite number, a tuple of ints (compared exactly, entry by
            entry; ``None`` entries too) or a finite numeric array.
        rtol: relative tolerance, a finite number >= 0.
        atol: absolute tolerance, a finite number >= 0.

    Numbers and arrays pass when the shapes agree and, element by element,
    ``|got - expected| <= atol + rtol * |expected|`` (NumPy's ``allclose``
    rule, without broadcasting). The relative error printed is
    ``max |got - expected| / max(|expected|, 1e-8)``, as CS231n's
    ``rel_error``. Integers are compared as float64, so whole numbers below
    2**53 must be equal exactly (with ``atol = 0`` and ``|expected| * rtol < 1``).

    Returns:
        True, after printing one line such as
        ``Exercise 1.1: correct (max relative error 2.1e-09)``.

    Raises:
        AssertionError: the answer is missing or wrong; the message names the
            exercise and shows what was expected, what was got, the error and
            the tolerance.
        TypeError, ValueError: a bad ``exercise``, ``expected``, ``rtol`` or
            ``atol`` (a mistake in the notebook, not in the answer).
    """
    name = _label(exercise)
    kind, want = _expected(expected)
    rtol = check_number("rtol", rtol, minimum=0.0)
    atol = check_number("atol", atol, minimum=0.0)

    if got is None or got is Ellipsis:
        raise AssertionError(
            f"{name}: not answered yet (got {got!r}): write your answer in the exercise cell, "
            "run it, then run this self-check again"
        )
    if kind == "shape":
        return _check_shape(name, got, want)
    return _check_numbers(name, got, want, rtol, atol)


def _check_shape(name: str, got, want: tuple) -> bool:
    if hasattr(got, "as_list") and not isinstance(got, (tuple, list)):  # a tf.TensorShape
        got = got.as_list()
    if isinstance(got, np.ndarray) and got.ndim == 1 and got.dtype.kind in "iu":
        got = got.tolist()
    if not _is_shape(got):
        raise AssertionError(f"{name}: expected a tuple of ints like {want!r}, got {show(got)}")
    got = tuple(None if v is None else int(v) for v in got)
    if got != want:
        if len(got) != len(want):
            detail = f"{len(got)} entries instead of {len(want)}"
        else:
            wrong = [i for i, (g, w) in enumerate(zip(got, want, strict=True)) if g != w]
            detail = f"{'entry' if len(wrong) == 1 else 'entries'} {', '.join(map(str, wrong))} "
            detail += "differs" if len(wrong) == 1 else "differ"
        raise AssertionError(f"{name}: wrong answer: expected {want!r}, got {got!r} ({detail}; compared exactly)")
    print(f"{name}: correct ({got!r})")
    return True


def _check_numbers(name: str, got, want: np.ndarray, rtol: float, atol: float) -> bool:
    what = "a number" if want.ndim == 0 else f"an array of shape {want.shape}"
    if isinstance(got, (bool, np.bool_, str, bytes, dict, set)) or (
        isinstance(got, np.ndarray) and got.dtype.kind not in "fiu"
    ):
        raise AssertionError(f"{name}: expected {what} like {_text(want)}, got {show(got)}")
    try:
        values = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise AssertionError(f"{name}: expected {what} like {_text(want)}, got {show(got)}") from None
    if values.shape != want.shape:
        got_what = "a number" if values.ndim == 0 else f"shape {values.shape}"
        raise AssertionError(f"{name}: wrong answer: expected {what}, got {got_what} ({show(got)})")
    if not np.isfinite(values).all():
        raise AssertionError(f"{name}: wrong answer: it contains NaN or infinity; expected {_text(want)}")
    diff = np.abs(values - want)
    rel = float((diff / np.maximum(np.abs(want), _TINY)).max()) if diff.size else 0.0
    bad = diff > atol + rtol * np.abs(want)
    tolerance = f"rtol {rtol:g}" + (f", atol {atol:g}" if atol else "")
    if bad.any():
        where = ""
        if want.ndim:
            first = tuple(int(i) for i in np.argwhere(bad)[0])
            where = f"; {int(bad.sum())} of {bad.size} entries off, first at {first}: "
            where += f"expected {want[first]:g}, got {values[first]:g}"
        raise AssertionError(
            f"{name}: wrong answer: expected {_text(want)}, got {_text(values if want.ndim else got)} "
            f"(max relative error {rel:.2g}, allowed: {tolerance}{where})"
        )
    print(f"{name}: correct (max relative error {rel:.2g})")
    return True
