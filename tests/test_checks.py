"""Unit and property tests of course_utils._checks, the one way arguments are checked."""

import math
import os
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from course_utils import _checks as c

NOT_INTS = [None, 1.5, 2.0, "3", [3], (3,), {}, np.zeros(3), np.float64(2.0), True, False, np.bool_(True)]
NUMPY_INTS = [np.int8(5), np.int32(5), np.int64(5), np.uint8(5), np.uint64(5)]


# ---------------------------------------------------------------- show
def test_show():
    assert c.show(None) == "None" and c.show(True) == "True" and c.show("ab") == "'ab'"
    assert c.show(1.5) == "1.5 (float)" and c.show([]) == "[] (list)"
    assert c.show(np.zeros((2, 3), np.float32)) == "an array of shape (2, 3) and dtype float32"
    assert len(c.show("x" * 1000)) < 60 and len(c.show(list(range(1000)))) < 60


def test_show_huge_int_does_not_hit_the_str_limit():
    text = c.show(10**5000)
    assert "5,001 digits" in text and "(int)" in text
    assert c.show([10**5000]) == "<list object> (list)"


@given(st.one_of(st.integers(), st.floats(), st.text(), st.lists(st.integers()), st.none(), st.booleans()))
def test_show_never_fails_and_is_short(value):
    assert 0 < len(c.show(value)) < 300  # 6 entries of at most 40 characters each, at worst


# ---------------------------------------------------------------- is_int / is_number
def test_is_int_and_is_number():
    for v in [0, -3, 10**30, *NUMPY_INTS]:
        assert c.is_int(v) and c.is_number(v)
    for v in [True, False, np.bool_(True), 1.0, "1", None, np.zeros(1)]:
        assert not c.is_int(v)
    for v in [1.5, np.float32(1.5), float("nan"), Fraction(1, 3)]:
        assert c.is_number(v) and not c.is_int(v)
    for v in [True, np.bool_(False), "1.5", None, 1j, np.zeros(1)]:
        assert not c.is_number(v)


# ---------------------------------------------------------------- check_int
@pytest.mark.parametrize("value", NOT_INTS)
def test_check_int_refuses_non_ints_with_type_error(value):
    with pytest.raises(TypeError) as err:
        c.check_int("steps", value)
    msg = str(err.value)
    assert msg.startswith("steps must be an int from 1 to 1,000,000, got ")
    assert c.show(value) in msg


@pytest.mark.parametrize("value", NUMPY_INTS)
def test_check_int_accepts_numpy_ints(value):
    out = c.check_int("steps", value)
    assert out == 5 and type(out) is int


def test_check_int_bounds_are_inclusive():
    assert c.check_int("n", 1) == 1 and c.check_int("n", c.MAX_COUNT) == c.MAX_COUNT
    assert c.check_int("n", -5, minimum=-5, maximum=-5) == -5
    for bad in (0, c.MAX_COUNT + 1):
        with pytest.raises(ValueError, match=rf"n must be an int from 1 to 1,000,000, got {bad:,}$"):
            c.check_int("n", bad)


def test_check_int_open_bounds():
    assert c.check_int("n", 10**40, maximum=None) == 10**40
    assert c.check_int("n", -(10**40), minimum=None, maximum=None) == -(10**40)
    with pytest.raises(ValueError, match=r"^n must be an int >= 0, got -1$"):
        c.check_int("n", -1, minimum=0, maximum=None)
    with pytest.raises(ValueError, match=r"^n must be an int <= 3, got 4$"):
        c.check_int("n", 4, minimum=None, maximum=3)
    with pytest.raises(TypeError, match=r"^n must be an int, got 'x'$"):
        c.check_int("n", "x", minimum=None, maximum=None)


def test_check_int_huge_value_message():
    with pytest.raises(ValueError, match="about 5,001 digits"):
        c.check_int("n", 10**5000)
    with pytest.raises(ValueError, match="about 5,001 digits"):
        c.check_optional_int("n", 10**5000)
    with pytest.raises(ValueError, match="about 5,001 digits"):
        c.check_pair("n", 10**5000)


@given(value=st.integers(-(10**20), 10**20), lo=st.integers(-100, 100), span=st.integers(0, 200))
def test_check_int_property(value, lo, span):
    hi = lo + span
    if lo <= value <= hi:
        assert c.check_int("k", value, minimum=lo, maximum=hi) == value
    else:
        with pytest.raises(ValueError) as err:
            c.check_int("k", value, minimum=lo, maximum=hi)
        assert str(err.value).startswith("k must be an int from ") and str(err.value).endswith(f"got {value:,}")


# ---------------------------------------------------------------- check_optional_int
def test_check_optional_int():
    assert c.check_optional_int("limit", None) is None
    assert c.check_optional_int("limit", np.int16(7)) == 7
    with pytest.raises(TypeError, match=r"^limit must be None or an int from 1 to 1,000,000, got 1.5 \(float\)$"):
        c.check_optional_int("limit", 1.5)
    with pytest.raises(TypeError, match="got True"):
        c.check_optional_int("limit", True)
    with pytest.raises(ValueError, match=r"^limit must be None or an int >= 2, got 1$"):
        c.check_optional_int("limit", 1, minimum=2, maximum=None)


# ---------------------------------------------------------------- check_number
def test_check_number_accepts_ints_floats_numpy():
    for v in (1, 1.5, np.float32(0.25), np.int64(3), Fraction(1, 4)):
        out = c.check_number("rate", v)
        assert out == float(v) and type(out) is float


@pytest.mark.parametrize("value", [None, "1.0", True, False, np.bool_(True), [1.0], np.zeros(3), 1j])
def test_check_number_refuses_non_numbers(value):
    with pytest.raises(TypeError, match="^rate must be a finite number"):
        c.check_number("rate", value)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf"), np.float64("nan"), 10**400])
def test_check_number_refuses_non_finite(value):
    with pytest.raises(ValueError, match="^rate must be a finite number"):
        c.check_number("rate", value)


def test_check_number_bounds_closed_and_open():
    assert c.check_number("p", 0, minimum=0, maximum=1) == 0.0
    assert c.check_number("p", 1, minimum=0, maximum=1) == 1.0
    with pytest.raises(ValueError, match=r"^p must be a finite number > 0 and <= 1, got 0.0$"):
        c.check_number("p", 0, minimum=0, maximum=1, low_open=True)
    with pytest.raises(ValueError, match=r"^p must be a finite number >= 0 and < 1, got 1.0$"):
        c.check_number("p", 1.0, minimum=0, maximum=1, high_open=True)
    with pytest.raises(ValueError, match=r"^p must be a finite number from 0 to 1, got -0.5$"):
        c.check_number("p", -0.5, minimum=0, maximum=1)
    with pytest.raises(ValueError, match=r"^p must be a finite number >= 4, got 3.9$"):
        c.check_number("p", 3.9, minimum=4)


def test_check_number_bounds_are_printed_exactly():
    # a bound that `:g` would round (0.9999999 -> "1") is printed in full
    with pytest.raises(ValueError, match=r"< 0\.9999999, got 0\.99999995$"):
        c.check_number("p", 0.99999995, minimum=0, maximum=0.9999999, high_open=True)
    with pytest.raises(ValueError, match=r"> 0\.001"):
        c.check_number("p", 0.0, minimum=1e-3, low_open=True)


@given(
    value=st.floats(allow_nan=True, allow_infinity=True),
    lo=st.floats(-10, 10),
    width=st.floats(0, 10),
    low_open=st.booleans(),
    high_open=st.booleans(),
)
def test_check_number_property(value, lo, width, low_open, high_open):
    hi = lo + width
    ok = math.isfinite(value) and (value > lo if low_open else value >= lo) and (value < hi if high_open else value <= hi)
    kwargs = dict(minimum=lo, maximum=hi, low_open=low_open, high_open=high_open)
    if ok:
        assert c.check_number("x", value, **kwargs) == value
    else:
        with pytest.raises(ValueError) as err:
            c.check_number("x", value, **kwargs)
        assert str(err.value).startswith("x must be a finite number") and repr(value) in str(err.value)


# ---------------------------------------------------------------- check_bool / check_str / check_callable
def test_check_bool():
    assert c.check_bool("verbose", True) is True and c.check_bool("verbose", False) is False
    out = c.check_bool("verbose", np.bool_(True))
    assert out is True
    for bad in (0, 1, "True", None, [], np.zeros(1), 1.0):
        with pytest.raises(TypeError) as err:
            c.check_bool("verbose", bad)
        assert str(err.value) == f"verbose must be True or False, got {c.show(bad)}"


def test_check_str():
    assert c.check_str("title", "") == "" and c.check_str("title", "t") == "t"
    for bad in (None, 1, b"t", ["t"]):
        with pytest.raises(TypeError, match=r"^title must be a string, got "):
            c.check_str("title", bad)


def test_check_callable():
    assert c.check_callable("fn", len) is len
    with pytest.raises(TypeError, match=r"^fn must be a loss function, got 3 \(int\)$"):
        c.check_callable("fn", 3, "a loss function")
    with pytest.raises(TypeError, match=r"^fn must be a function, got None$"):
        c.check_callable("fn", None)


# ---------------------------------------------------------------- check_choice
def test_check_choice():
    choices = ("flatten", "global_max")
    assert c.check_choice("head", "global_max", choices) == "global_max"
    assert c.check_choice("weights", None, ("imagenet", None)) is None
    with pytest.raises(ValueError, match=r"^head must be one of 'flatten', 'global_max'; got 'max'$"):
        c.check_choice("head", "max", choices)
    with pytest.raises(ValueError, match="got 'Flatten'"):  # case matters
        c.check_choice("head", "Flatten", choices)
    for bad in (None, 1, ["flatten"], True, np.zeros(3), {}):
        with pytest.raises(TypeError, match=r"^head must be one of 'flatten', 'global_max'; got "):
            c.check_choice("head", bad, choices)


# ---------------------------------------------------------------- check_pair
def test_check_pair():
    assert c.check_pair("size", 3) == ((3, 3), False)
    assert c.check_pair("size", (3, 4)) == ((3, 4), True)
    assert c.check_pair("size", [np.int64(3), np.uint8(4)]) == ((3, 4), True)
    assert c.check_pair("pad", 0, minimum=0) == ((0, 0), False)
    assert c.check_pair("size", 10**12, maximum=None) == ((10**12, 10**12), False)


@pytest.mark.parametrize("value", [None, 1.5, "3", True, np.zeros(2), (3, 1.5), (3, True), [3, None], {}])
def test_check_pair_type_errors(value):
    with pytest.raises(TypeError) as err:
        c.check_pair("size", value)
    msg = str(err.value)
    assert msg.startswith("size must be an int or a (height, width) pair of ints from 1 to 1,000,000, got ")


@pytest.mark.parametrize("value", [0, -1, (0, 3), (3, 10**7), (3,), (1, 2, 3), []])
def test_check_pair_value_errors(value):
    with pytest.raises(ValueError, match=r"^size must be an int or a \(height, width\) pair of ints from 1 to"):
        c.check_pair("size", value)


def test_check_pair_without_int():
    with pytest.raises(TypeError, match=r"^kernel must be a \(rows, cols\) pair of ints >= 1, got 3 \(int\)$"):
        c.check_pair("kernel", 3, allow_int=False, maximum=None, what="(rows, cols)")
    assert c.check_pair("kernel", (2, 5), allow_int=False) == ((2, 5), True)


@given(h=st.integers(-5, 50), w=st.integers(-5, 50))
def test_check_pair_property(h, w):
    if min(h, w) >= 1:
        assert c.check_pair("size", (h, w), maximum=40 if max(h, w) <= 40 else None) == ((h, w), True)
    else:
        with pytest.raises(ValueError):
            c.check_pair("size", (h, w))


# ---------------------------------------------------------------- check_int_tuple
def test_check_int_tuple():
    assert c.check_int_tuple("shape", [5, np.int64(5), 768], 3) == (5, 5, 768)
    with pytest.raises(ValueError, match=r"^shape must be a \(h, w, c\) tuple of 3 ints from 1 to 1,000,000, got "):
        c.check_int_tuple("shape", (5, 5), 3, what="(h, w, c)")
    with pytest.raises(ValueError):
        c.check_int_tuple("shape", (5, 0, 5), 3)
    with pytest.raises(ValueError):
        c.check_int_tuple("shape", (5, 10**7, 5), 3)
    assert c.check_int_tuple("shape", (5, 10**7, 0), 3, minimum=0, maximum=None) == (5, 10**7, 0)
    for bad in (None, 5, "555", (5, 5.0, 5), (5, True, 5), np.zeros(3, int)):
        with pytest.raises(TypeError, match="^shape must be a tuple of 3 ints"):
            c.check_int_tuple("shape", bad, 3)


# ---------------------------------------------------------------- check_tensor
def test_check_tensor_numpy():
    x = np.zeros((2, 3), np.float32)
    assert c.check_tensor("image", x) is x
    assert c.check_tensor("image", x, rank=2) is x
    assert c.check_tensor("ids", np.zeros(3, np.int32), rank=1) is not None
    with pytest.raises(ValueError, match=r"^image must be a float array or tensor \(rank 4\), got shape \(2, 3\)$"):
        c.check_tensor("image", x, rank=4)
    with pytest.raises(ValueError, match="NaN or infinity"):
        c.check_tensor("image", np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match="NaN or infinity"):
        c.check_tensor("image", np.array([1.0, np.inf]))
    for bad in (None, 1.5, np.float32(1.5), True, [1.0], (1.0,), {}, "x"):
        with pytest.raises(TypeError, match=r"^image must be a float array or tensor \(an image\), got "):
            c.check_tensor("image", bad, what="an image")
    for bad in (np.zeros(3, bool), np.array(["a"]), np.zeros(2, complex), np.array([None])):
        with pytest.raises(TypeError, match="got one of dtype"):
            c.check_tensor("image", bad)


def test_check_tensor_tensorflow():
    tf = pytest.importorskip("tensorflow")
    v = tf.Variable(tf.zeros((1, 4, 4, 3)))
    assert c.check_tensor("image", v, rank=4) is v  # unchanged, keeps its gradient
    assert c.check_tensor("image", tf.zeros((2, 2)), rank=2) is not None
    with pytest.raises(ValueError, match=r"got shape \(2, 2\)"):
        c.check_tensor("image", tf.zeros((2, 2)), rank=4)
    with pytest.raises(TypeError, match="dtype"):
        c.check_tensor("image", tf.constant(["a"]))

    @tf.function(input_signature=[tf.TensorSpec(None, tf.float32)])
    def unknown_rank(x):
        # while tracing with an unknown rank, only type and dtype can be checked
        assert c.check_tensor("image", x, rank=4) is x
        assert c.check_tensor("image", x) is x
        with pytest.raises(TypeError, match="dtype"):
            c.check_tensor("image", tf.strings.as_string(x))
        return x

    unknown_rank(tf.zeros((2,)))


# ---------------------------------------------------------------- check_sequence
def test_check_sequence():
    assert c.check_sequence("kernels", (3, 3)) == [3, 3]
    assert c.check_sequence("kernels", [], min_length=0) == []
    with pytest.raises(ValueError, match=r"^kernels must be a list of at least 1 entries, got 0$"):
        c.check_sequence("kernels", [])
    for bad in (None, 3, "333", {3: 1}, {3}, np.zeros(3), range(3)):
        with pytest.raises(TypeError, match=r"^kernels must be a list of sizes, got "):
            c.check_sequence("kernels", bad, what="a list of sizes")


# ---------------------------------------------------------------- check_array
def test_check_array():
    img = np.zeros((4, 5, 3), np.uint8)
    assert c.check_array("image", img, dtype="uint8", ndim=(2, 3)) is img
    assert c.check_array("image", img[..., 0], dtype="uint8", ndim=(2, 3), channels=(3,)).shape == (4, 5)
    assert c.check_array("x", np.zeros(3, np.float32)).dtype == np.float32
    for bad in (None, [[1, 2]], 1, "img", {}, True):
        with pytest.raises(TypeError, match=r"^image must be a uint8 array with 2 or 3 dimensions, got "):
            c.check_array("image", bad, dtype="uint8", ndim=(2, 3))
    with pytest.raises(TypeError, match="got one of dtype float64"):
        c.check_array("image", img.astype(float), dtype="uint8")
    with pytest.raises(TypeError, match="got one of dtype bool"):
        c.check_array("x", np.zeros(2, bool))
    for shape in ((4,), (1, 2, 3, 3), (0, 5, 3), (4, 0)):
        with pytest.raises(ValueError, match=r"^image must be an RGB image, got shape "):
            c.check_array("image", np.zeros(shape, np.uint8), dtype="uint8", ndim=(2, 3), what="an RGB image")
    with pytest.raises(ValueError, match=r"got shape \(4, 5, 4\)"):
        c.check_array("image", np.zeros((4, 5, 4), np.uint8), ndim=3, channels=(3,))


def test_check_array_accepts_array_likes():
    from PIL import Image  # noqa: PLC0415

    pil = Image.fromarray(np.zeros((4, 5, 3), np.uint8))
    assert c.check_array("image", pil, dtype="uint8", ndim=3).shape == (4, 5, 3)


# ---------------------------------------------------------------- check_path / check_attrs
def test_check_path(tmp_path):
    assert c.check_path("path", str(tmp_path)) == tmp_path
    assert c.check_path("path", tmp_path) == tmp_path
    assert isinstance(c.check_path("path", "a.jpg"), Path)

    class Custom(os.PathLike):
        def __fspath__(self):
            return "b.jpg"

    assert c.check_path("path", Custom()) == Path("b.jpg")
    with pytest.raises(ValueError, match="empty string"):
        c.check_path("path", "")
    for bad in (None, 3, ["a"], b"a.jpg", np.zeros(3)):
        with pytest.raises(TypeError, match=r"^path must be a file path \(a string or a pathlib.Path\), got "):
            c.check_path("path", bad)


def test_check_attrs():
    class Model:
        layers = ()

        def count_params(self):
            return 0

    m = Model()
    assert c.check_attrs("model", m, ("layers", "count_params"), "a model") is m
    with pytest.raises(TypeError, match=r"^model must be a keras.Model, got 'm' \(it has no 'layers'\)$"):
        c.check_attrs("model", "m", ("layers",), "a keras.Model")
    with pytest.raises(TypeError, match="it has no 'compile'"):
        c.check_attrs("model", m, ("layers", "compile"), "a keras.Model")


# ---------------------------------------------------------------- one rule everywhere
@pytest.mark.parametrize(
    "check",
    [
        lambda v: c.check_int("arg", v),
        lambda v: c.check_optional_int("arg", v),
        lambda v: c.check_number("arg", v),
        lambda v: c.check_pair("arg", v),
        lambda v: c.check_int_tuple("arg", v, 2),
    ],
)
@pytest.mark.parametrize("flag", [True, False, np.bool_(True)])
def test_bools_are_not_numbers(check, flag):
    with pytest.raises(TypeError, match="^arg must be"):
        check(flag)


@pytest.mark.parametrize(
    "check",
    [
        lambda v: c.check_int("arg", v),
        lambda v: c.check_optional_int("arg", v),
        lambda v: c.check_number("arg", v),
        lambda v: c.check_bool("arg", v),
        lambda v: c.check_str("arg", v),
        lambda v: c.check_choice("arg", v, ("a", "b")),
        lambda v: c.check_callable("arg", v),
        lambda v: c.check_pair("arg", v),
        lambda v: c.check_int_tuple("arg", v, 2),
        lambda v: c.check_tensor("arg", v),
        lambda v: c.check_sequence("arg", v),
        lambda v: c.check_array("arg", v),
        lambda v: c.check_path("arg", v),
        lambda v: c.check_attrs("arg", v, ("layers",), "a model"),
    ],
)
@pytest.mark.parametrize("value", [None, -1, 0, 1.5, True, "x", [], {}, float("nan"), np.zeros(3), 10**9])
def test_every_helper_raises_type_or_value_error_naming_the_argument(check, value):
    try:
        check(value)
    except (TypeError, ValueError) as err:
        assert str(err).startswith("arg ") or str(err).startswith("arg[")
    except Exception as err:
        pytest.fail(f"{type(err).__name__}: {err}")
