"""The one way every public function of ``course_utils`` checks its arguments.

Rules (the same in every module):

* a value of the wrong *type* raises ``TypeError``; bools are not numbers, so
  ``True`` where an int is expected is a wrong type;
* a value of the right type but outside what is allowed (too small, NaN, not
  one of the names, a shape of the wrong rank) raises ``ValueError``;
* the message names the argument, shows the value given (shortened if long)
  and says what is allowed, e.g.
  ``steps must be an int >= 1, got 0`` or
  ``size must be an int or a (height, width) pair of ints, got 1.5 (float)``.

Everything here is plain Python and NumPy, so the pure modules (``sizing``)
stay free of TensorFlow.
"""

from __future__ import annotations

import math
import numbers
import os
import reprlib
from pathlib import Path

import numpy as np

_REPR = reprlib.Repr()
_REPR.maxstring = 40
_REPR.maxother = 40
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 6

# Upper bound for sizes, counts and steps unless a call site says otherwise:
# large enough for any real use in the course, small enough that a mistyped
# 10**9 fails here with a clear message instead of deep inside TensorFlow's
# memory allocator.
MAX_COUNT = 10**6


def _int_text(value: int) -> str:
    """``1,234,567``; a huge int (which ``str`` may refuse to convert) as its size in digits."""
    if abs(value) < 10**30:
        return f"{value:,}"
    digits = int(abs(value).bit_length() * math.log10(2)) + 1
    return f"{'-' if value < 0 else ''}an int of about {digits:,} digits"


def _number_text(value) -> str:
    """A number for a message: ints with thousands separators, floats exactly as ``repr``."""
    if is_int(value):
        return _int_text(int(value))
    if isinstance(value, float):
        short = f"{value:g}"
        return short if float(short) == value else repr(value)
    return repr(value)


def show(value) -> str:
    """A short ``repr`` of ``value`` for an error message, with its type when that helps."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if is_int(value) and abs(int(value)) >= 10**30:
        return f"{_int_text(int(value))} ({type(value).__name__})"
    try:
        text = _REPR.repr(value)
    except ValueError:  # e.g. a container holding an int too long for str()
        text = f"<{type(value).__name__} object>"
    if isinstance(value, (bool, str, type(None))):
        return text
    return f"{text} ({type(value).__name__})"


def _range_text(minimum, maximum, *, low_open=False, high_open=False) -> str:
    fmt = _number_text

    if minimum is not None and maximum is not None and not (low_open or high_open):
        return f"from {fmt(minimum)} to {fmt(maximum)}"
    parts = []
    if minimum is not None:
        parts.append(f"{'>' if low_open else '>='} {fmt(minimum)}")
    if maximum is not None:
        parts.append(f"{'<' if high_open else '<='} {fmt(maximum)}")
    return " and ".join(parts)


def is_int(value) -> bool:
    """True for Python and NumPy integers, False for bools and everything else."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_number(value) -> bool:
    """True for ints and floats (Python or NumPy scalars), False for bools."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_int(name: str, value, *, minimum: int | None = 1, maximum: int | None = MAX_COUNT) -> int:
    """``value`` as an ``int`` if it is an integer within ``[minimum, maximum]``.

    ``None`` for a bound means no bound on that side.
    """
    allowed = f"an int {_range_text(minimum, maximum)}".rstrip()
    if not is_int(value):
        raise TypeError(f"{name} must be {allowed}, got {show(value)}")
    value = int(value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be {allowed}, got {_int_text(value)}")
    return value


def check_optional_int(name: str, value, *, minimum: int | None = 1, maximum: int | None = MAX_COUNT):
    """None, or an int as in :func:`check_int`."""
    if value is None:
        return None
    allowed = f"None or an int {_range_text(minimum, maximum)}".rstrip()
    if not is_int(value):
        raise TypeError(f"{name} must be {allowed}, got {show(value)}")
    try:
        return check_int(name, value, minimum=minimum, maximum=maximum)
    except ValueError:
        raise ValueError(f"{name} must be {allowed}, got {_int_text(int(value))}") from None


def check_number(
    name: str,
    value,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """``value`` as a finite ``float`` within the bounds (``low_open``: ``> minimum``)."""
    bounds = _range_text(minimum, maximum, low_open=low_open, high_open=high_open)
    allowed = f"a finite number {bounds}".rstrip()
    if not is_number(value):
        raise TypeError(f"{name} must be {allowed}, got {show(value)}")
    try:
        number = float(value)
    except OverflowError:  # an int beyond the float range: not finite either
        raise ValueError(f"{name} must be {allowed}, got {show(value)}") from None
    value = number
    bad = not math.isfinite(value)
    if minimum is not None and not bad:
        bad = value <= minimum if low_open else value < minimum
    if maximum is not None and not bad:
        bad = value >= maximum if high_open else value > maximum
    if bad:
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    return value


def check_bool(name: str, value) -> bool:
    """``value`` itself if it is ``True`` or ``False`` (NumPy bools accepted)."""
    if isinstance(value, np.bool_):
        return bool(value)
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {show(value)}")
    return value


def check_str(name: str, value) -> str:
    """``value`` if it is a string."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {show(value)}")
    return value


def check_choice(name: str, value, choices):
    """``value`` if it is one of ``choices`` (strings, or None among them)."""
    allowed = ", ".join(repr(c) for c in choices)
    if not isinstance(value, (str, type(None))) or (value is None and None not in choices):
        raise TypeError(f"{name} must be one of {allowed}; got {show(value)}")
    if value not in choices:
        raise ValueError(f"{name} must be one of {allowed}; got {value!r}")
    return value


def check_callable(name: str, value, what: str = "a function"):
    """``value`` if it can be called."""
    if not callable(value):
        raise TypeError(f"{name} must be {what}, got {show(value)}")
    return value


def check_pair(
    name: str,
    value,
    *,
    minimum: int = 1,
    maximum: int | None = MAX_COUNT,
    allow_int: bool = True,
    what: str = "(height, width)",
) -> tuple[tuple[int, int], bool]:
    """``((h, w), was_pair)`` for an int (if ``allow_int``) or a pair of ints.

    The same value for both sides when an int is given; ``was_pair`` says
    whether the caller gave a pair (then results are pairs too).
    """
    bounds = _range_text(minimum, maximum)
    allowed = (f"an int or a {what} pair of ints {bounds}" if allow_int else f"a {what} pair of ints {bounds}").rstrip()
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be {allowed}, got {show(value)} with {len(value)} entries")
        for v in value:
            if not is_int(v):
                raise TypeError(f"{name} must be {allowed}, got {show(value)}")
        try:
            h = check_int(f"{name}[0]", value[0], minimum=minimum, maximum=maximum)
            w = check_int(f"{name}[1]", value[1], minimum=minimum, maximum=maximum)
        except ValueError:
            raise ValueError(f"{name} must be {allowed}, got {show(value)}") from None
        return (h, w), True
    if allow_int and is_int(value):
        try:
            v = check_int(name, value, minimum=minimum, maximum=maximum)
        except ValueError:
            raise ValueError(f"{name} must be {allowed}, got {_int_text(int(value))}") from None
        return (v, v), False
    raise TypeError(f"{name} must be {allowed}, got {show(value)}")


def check_range(name, value, *, kind, minimum, maximum):
    """``(low, high)`` from a single value (both ends) or a pair: ints (``kind="int"``) or numbers within the bounds, low <= high."""
    test = is_int if kind == "int" else is_number
    what = "an int" if kind == "int" else "a number"
    allowed = f"{what} or a (low, high) pair from {minimum:g} to {maximum:g} with low <= high"
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be {allowed}, got {show(value)} with {len(value)} entries")
        if not all(test(v) for v in value):
            raise TypeError(f"{name} must be {allowed}, got {show(value)}")
        pair = tuple(value)
    elif test(value):
        pair = (value, value)
    else:
        raise TypeError(f"{name} must be {allowed}, got {show(value)}")
    try:
        if kind == "int":
            low, high = (check_int(name, v, minimum=minimum, maximum=maximum) for v in pair)
        else:
            low, high = (check_number(name, v, minimum=minimum, maximum=maximum) for v in pair)
    except ValueError:
        raise ValueError(f"{name} must be {allowed}, got {show(value)}") from None
    if low > high:
        raise ValueError(f"{name} must be {allowed}, got {show(value)} (low > high)")
    return low, high


def check_int_tuple(name: str, value, length: int, *, minimum: int = 1, maximum: int | None = MAX_COUNT, what=""):
    """``value`` as a tuple of ``length`` ints within the bounds."""
    allowed = f"a {what + ' ' if what else ''}tuple of {length} ints {_range_text(minimum, maximum)}".rstrip()
    if not isinstance(value, (tuple, list)) or not all(is_int(v) for v in value):
        raise TypeError(f"{name} must be {allowed}, got {show(value)}")
    if len(value) != length or any(v < minimum or (maximum is not None and v > maximum) for v in value):
        raise ValueError(f"{name} must be {allowed}, got {show(value)}")
    return tuple(int(v) for v in value)


def check_tensor(name: str, value, *, rank: int | None = None, what: str = ""):
    """A NumPy array or TensorFlow tensor of floats (or ints), finite, of the given rank.

    Returns it unchanged (so that a ``tf.Variable`` keeps its gradient).
    While ``tf.function`` traces, a tensor has no values and may not know its
    rank: then only what is known (type, dtype, a known rank) is checked.
    Python scalars and lists are refused: the losses and rules of the course
    work on images and activations, and a list is usually a mistake.
    """
    shape_text = what or (f"rank {rank}" if rank is not None else "any shape")
    allowed = f"a float array or tensor ({shape_text})"
    dtype = getattr(value, "dtype", None)
    shape = getattr(value, "shape", None)
    if isinstance(value, (bool, numbers.Number, str, list, tuple, dict, type(None))) or dtype is None or shape is None:
        raise TypeError(f"{name} must be {allowed}, got {show(value)}")
    kind = np.dtype(getattr(dtype, "as_numpy_dtype", dtype)).kind if _is_numpy_dtype(dtype) else "?"
    if kind not in "fiu":
        raise TypeError(f"{name} must be {allowed}, got one of dtype {dtype}")
    # A TensorFlow shape of unknown rank (a symbolic tensor while tf.function
    # traces) has rank None, and len() raises: then only type and dtype are checked.
    ndim = shape.rank if hasattr(shape, "rank") else len(shape)
    if rank is not None and ndim is not None and ndim != rank:
        raise ValueError(f"{name} must be {allowed}, got shape {tuple(shape)}")
    if isinstance(value, np.ndarray) and kind == "f" and not np.isfinite(value).all():
        raise ValueError(f"{name} must be {allowed} with finite values; it contains NaN or infinity")
    return value


def _is_numpy_dtype(dtype) -> bool:
    try:
        np.dtype(getattr(dtype, "as_numpy_dtype", dtype))
        return True
    except TypeError:
        return False


def check_sequence(name: str, value, *, min_length: int = 1, what: str = "a list") -> list:
    """``value`` as a list if it is a list or tuple of at least ``min_length`` entries.

    Strings, dicts, sets, arrays and single values are refused (``TypeError``);
    the entries themselves are checked by the caller.
    """
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"{name} must be {what}, got {show(value)}")
    if len(value) < min_length:
        raise ValueError(f"{name} must be {what} of at least {min_length} entries, got {len(value)}")
    return list(value)


def check_array(name: str, value, *, dtype=None, ndim=None, channels=None, what: str = "") -> np.ndarray:
    """``value`` as a NumPy array of the given dtype and number of dimensions.

    Args:
        name: the argument's name, for the message.
        value: a NumPy array or an object NumPy converts without copying
            guesses (an eager tensor, a PIL image); lists, scalars and other
            objects are refused with ``TypeError``.
        dtype: ``None`` (any numeric dtype) or the one allowed dtype, e.g.
            ``"uint8"``; a different dtype is a ``TypeError``.
        ndim: ``None`` (any), an int or a tuple of allowed numbers of
            dimensions; a different one is a ``ValueError``, as is a
            dimension of length 0 when ``ndim`` is given.
        channels: ``None`` or a tuple of allowed lengths of the last axis of
            an array of 3 or more dimensions (e.g. ``(3,)`` for RGB images).
        what: how the message describes the expected array, e.g.
            ``"a uint8 (H, W) or (H, W, 3) image"``.
    """
    dims = (ndim,) if isinstance(ndim, int) else ndim
    allowed = what or f"a {dtype or 'numeric'} array" + (
        f" with {' or '.join(str(d) for d in dims)} dimensions" if dims else ""
    )
    if not (isinstance(value, np.ndarray) or hasattr(value, "__array__") or hasattr(value, "__array_interface__")):
        raise TypeError(f"{name} must be {allowed}, got {show(value)}")
    array = np.asarray(value)
    if dtype is not None and array.dtype != np.dtype(dtype):
        raise TypeError(f"{name} must be {allowed}, got one of dtype {array.dtype}")
    if dtype is None and array.dtype.kind not in "fiu":
        raise TypeError(f"{name} must be {allowed}, got one of dtype {array.dtype}")
    if dims is not None and (array.ndim not in dims or 0 in array.shape):
        raise ValueError(f"{name} must be {allowed}, got shape {array.shape}")
    if channels is not None and array.ndim >= 3 and array.shape[-1] not in channels:
        raise ValueError(f"{name} must be {allowed}, got shape {array.shape}")
    return array


def check_path(name: str, value):
    """``value`` as a ``pathlib.Path`` if it is a non-empty string or a path object."""
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a file path (a string or a pathlib.Path), got {show(value)}")
    if isinstance(value, str) and not value:
        raise ValueError(f"{name} must be a file path (a string or a pathlib.Path), got an empty string")
    return Path(value)


def check_attrs(name: str, value, attrs, what: str):
    """``value`` if it has all the attributes ``attrs`` (duck typing, no import needed)."""
    missing = [a for a in attrs if not hasattr(value, a)]
    if missing:
        raise TypeError(f"{name} must be {what}, got {show(value)} (it has no {missing[0]!r})")
    return value
