"""Unit tests of course_utils.sizing: lecture numbers, errors, properties (pure Python; the
Keras cross-checks are in test_sizing_keras.py)."""

import re
import subprocess
import sys
import time
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from course_utils import sizing as sz


# ---------------------------------------------------------------- lecture numbers
def test_lecture_numbers():
    assert sz.conv_output_size(32, 5) == 28  # 002: 5x5 on 32x32
    assert sz.conv_output_size(10, 3, stride=1) == 8  # 001 says 5: a slip
    assert sz.conv_output_size(5, 2) == 4  # Figure 6a
    assert sz.conv_output_size(5, 2, stride=2, strict=False) == 2  # Figure 6b
    assert sz.conv_output_size((5, 6), 2, stride=2, strict=False) == (2, 3)  # one zero column added
    assert sz.same_padding(3) == 1 and sz.same_padding(5) == 2
    assert sz.conv_params(5, 3, 20) == 1520
    assert sz.dense_params(32 * 32 * 3, 20) == 61460
    assert sz.dense_params(7 * 7 * 512, 4096, bias=False) == 102_760_448
    assert sz.receptive_field([3, 3, 3]) == 7
    assert sz.receptive_field([3, 3]) == 5
    assert sz.conv_output_size(227, 11, stride=4) == 55
    assert sz.pool_output_size(28, 2) == 14
    # 1D IMDB model of 001: 500 -> 494 -> 98 -> 92
    assert sz.conv_output_size(500, 7) == 494
    assert sz.pool_output_size(494, 5, strict=False) == 98
    assert sz.conv_output_size(98, 7) == 92


def test_depthwise_ratio():
    assert sz.depthwise_separable_ratio(512, 3) == pytest.approx(1 / 512 + 1 / 9)
    for n, k, d, w in [(64, 3, 32, 14), (256, 5, 16, 7), (10, 3, 3, 1)]:
        ratio = sz.depthwise_separable_multiplications(k, d, w, n) / sz.conv_multiplications(k, d, w, n)
        assert ratio == pytest.approx(sz.depthwise_separable_ratio(n, k))


def test_multiplications():
    assert sz.conv_multiplications(3, 3, 30, 32) == 3 * 3 * 3 * 30 * 30 * 32
    assert sz.conv_multiplications((3, 5), 2, (4, 6), 7) == 3 * 5 * 2 * 4 * 6 * 7


# ---------------------------------------------------------------- errors
def test_non_integer_geometry_message():
    with pytest.raises(ValueError) as err:
        sz.conv_output_size(10, 3, stride=2)
    msg = str(err.value)
    assert "(10 - 3 + 2*0)/2 + 1 = 4.5" in msg
    assert "stride=1 (gives 8)" in msg
    assert "kernel=4 (gives 4)" in msg
    assert "padding=" not in msg  # no symmetric padding fixes an odd span at stride 2
    with pytest.raises(ValueError, match=r"padding=1 \(gives 4\)"):
        sz.conv_output_size(9, 2, stride=3)
    assert "strict=False" in msg and "floor (4)" in msg


def test_alexnet_224_raises():
    with pytest.raises(ValueError, match="54.25"):
        sz.conv_output_size(224, 11, stride=4)


def test_even_kernel_same_padding():
    with pytest.raises(ValueError, match="even kernel"):
        sz.same_padding(4)


@pytest.mark.parametrize(
    "call, exc",
    [
        (lambda: sz.conv_output_size(0, 3), ValueError),
        (lambda: sz.conv_output_size(-5, 3), ValueError),
        (lambda: sz.conv_output_size(32, 0), ValueError),
        (lambda: sz.conv_output_size(32, 3, stride=0), ValueError),
        (lambda: sz.conv_output_size(32, 3, padding=-1), ValueError),
        (lambda: sz.conv_output_size(32.0, 3), TypeError),
        (lambda: sz.conv_output_size("32", 3), TypeError),
        (lambda: sz.conv_output_size(True, 3), TypeError),
        (lambda: sz.conv_output_size(32, 3, padding="full"), ValueError),
        (lambda: sz.conv_output_size(32, 3, padding=None), TypeError),
        (lambda: sz.conv_output_size(32, 3, padding=1.5), TypeError),
        (lambda: sz.conv_output_size(32, 3, padding=(1, -1)), ValueError),
        (lambda: sz.conv_output_size(32, (3, True)), TypeError),
        (lambda: sz.conv_output_size(32, [3, 3.0]), TypeError),
        (lambda: sz.conv_output_size(32, 3, stride=np.zeros(2)), TypeError),
        (lambda: sz.pool_output_size(32, 2, stride=0), ValueError),
        (lambda: sz.pool_output_size(32, 2, strict=1), TypeError),
        (lambda: sz.same_padding(None), TypeError),
        (lambda: sz.dense_params(3, 3, bias=np.zeros(1)), TypeError),
        (lambda: sz.conv_multiplications(3, 3, 0, 8), ValueError),
        (lambda: sz.depthwise_separable_ratio(8, (3, 3)), TypeError),
        (lambda: sz.receptive_field(3), TypeError),
        (lambda: sz.receptive_field({3: 1}), TypeError),
        (lambda: sz.receptive_field([3, 3], "11"), TypeError),
        (lambda: sz.conv_output_size(32, (3, 3, 3)), ValueError),
        (lambda: sz.conv_output_size(2, 5), ValueError),
        (lambda: sz.conv_output_size(32, 3, strict="no"), TypeError),
        (lambda: sz.pool_output_size(32, 2.5), TypeError),
        (lambda: sz.conv_params(3, 0, 8), ValueError),
        (lambda: sz.conv_params(3, 3, 8, bias="yes"), TypeError),
        (lambda: sz.dense_params(-1, 3), ValueError),
        (lambda: sz.depthwise_separable_ratio(0, 3), ValueError),
        (lambda: sz.receptive_field([]), ValueError),
        (lambda: sz.receptive_field("333"), TypeError),
        (lambda: sz.receptive_field([3, 3], [1]), ValueError),
        (lambda: sz.receptive_field([3, 1.5]), TypeError),
    ],
)
def test_bad_inputs(call, exc):
    with pytest.raises(exc) as err:
        call()
    assert str(err.value)  # always a message, never a bare exception


@pytest.mark.parametrize(
    "call, text",
    [
        (lambda: sz.conv_output_size(True, 3), "size must be an int or a (height, width) pair of ints >= 1, got True"),
        (lambda: sz.conv_output_size(32, 0), "kernel must be an int or a (height, width) pair of ints >= 1, got 0"),
        (lambda: sz.conv_output_size(32, 3, padding=-1), "padding must be an int or a (height, width) pair of ints >= 0"),
        (lambda: sz.conv_output_size(32, 3, strict="no"), "strict must be True or False, got 'no'"),
        (lambda: sz.conv_params(3, 3, 8, bias=1), "bias must be True or False, got 1 (int)"),
        (lambda: sz.receptive_field([]), "kernels must be a list of kernel sizes (ints or pairs) of at least 1"),
    ],
)
def test_bad_input_messages(call, text):
    """Messages name the argument, what is allowed and the value given."""
    with pytest.raises((TypeError, ValueError)) as err:
        call()
    assert text in str(err.value)


def test_large_sizes_are_plain_arithmetic():
    """No upper bound: the formulas are arithmetic, not allocations."""
    assert sz.conv_output_size(10**12, 1) == 10**12
    assert sz.conv_output_size((10**15, 7), (10**15 - 1, 3)) == (2, 5)
    assert sz.dense_params(10**9, 10**9) == 10**18 + 10**9
    assert sz.conv_params(3, 10**8, 10**8, bias=False) == 9 * 10**16
    assert sz.receptive_field([10**9, 3], [10**6, 1]) == 10**9 + 2 * 10**6


def test_numpy_ints_accepted():
    assert sz.conv_output_size(np.int64(32), np.int32(5)) == 28


def test_pairs():
    assert sz.conv_output_size((32, 16), 3, padding="same", stride=2) == (16, 8)
    assert sz.conv_output_size(32, (3, 5), padding=(1, 2)) == (32, 32)
    assert sz.pool_output_size((6, 4), 2) == (3, 2)
    assert sz.same_padding((3, 5)) == (1, 2)
    assert sz.receptive_field([(3, 1), 3]) == (5, 3)


def test_sizing_does_not_import_tensorflow():
    code = "import sys, course_utils.sizing; sys.exit(1 if 'tensorflow' in sys.modules or 'keras' in sys.modules else 0)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


# ---------------------------------------------------------------- properties
@given(
    w=st.integers(1, 200),
    f=st.integers(1, 11),
    s=st.integers(1, 6),
    p=st.integers(0, 5),
)
def test_output_size_properties(w, f, s, p):
    span = w - f + 2 * p
    if span < 0:
        with pytest.raises(ValueError):
            sz.conv_output_size(w, f, s, p)
        return
    floor = sz.conv_output_size(w, f, s, p, strict=False)
    assert floor == span // s + 1
    # the output positions fit inside the padded input, and one more would not
    assert (floor - 1) * s + f <= w + 2 * p < floor * s + f
    if span % s == 0:
        assert sz.conv_output_size(w, f, s, p) == floor
    else:
        with pytest.raises(ValueError, match="not an integer"):
            sz.conv_output_size(w, f, s, p)


@given(w=st.integers(1, 200), f=st.integers(0, 5).map(lambda k: 2 * k + 1))
def test_same_padding_keeps_size(w, f):
    if f <= w + 2 * sz.same_padding(f):
        assert sz.conv_output_size(w, f, 1, sz.same_padding(f)) == w
        assert sz.conv_output_size(w, f, 1, "same") == w


@given(kernels=st.lists(st.integers(1, 7), min_size=1, max_size=6))
def test_receptive_field_stride_one_is_sum(kernels):
    assert sz.receptive_field(kernels) == 1 + sum(k - 1 for k in kernels)


# ---------------------------------------------------------------- fitting suggestions
def _reference_suggestions(w, f, s, p, window="kernel"):
    """The original linear searches (slow for large sizes), kept as an oracle for small ones."""
    hints = []
    up = next(v for v in range(w + 1, w + s + 1) if (v - f + 2 * p) % s == 0)
    hints.append(f"an input of {up} (gives {(up - f + 2 * p) // s + 1})")
    span = w - f + 2 * p
    strides = [t for t in range(1, max(span, 1) + 1) if span % t == 0]
    best = min(strides, key=lambda t: (abs(t - s), t))
    hints.append(f"stride={best} (gives {span // best + 1})")
    if window != "pool":  # pooling layers have no padding argument
        for extra in range(1, s + 1):
            q = p + extra
            if (w - f + 2 * q) % s == 0:
                hints.append(f"padding={q} (gives {(w - f + 2 * q) // s + 1})")
                break
    kernels = [k for k in range(1, w + 2 * p + 1) if (w - k + 2 * p) % s == 0]
    best = min(kernels, key=lambda k: (abs(k - f), -k))
    hints.append(f"{window}={best} (gives {(w - best + 2 * p) // s + 1})")
    return " or ".join(hints)


def _misfit_message(w, f, s, p):
    """The error of conv_output_size for a geometry that does not fit, or None if it fits."""
    span = w - f + 2 * p
    if span <= 0 or span % s == 0:
        return None
    with pytest.raises(ValueError) as err:
        sz.conv_output_size(w, f, s, p)
    return str(err.value)


@given(w=st.integers(1, 400), f=st.integers(1, 40), s=st.integers(2, 60), p=st.integers(0, 9))
def test_suggestions_match_linear_search(w, f, s, p):
    msg = _misfit_message(w, f, s, p)
    if msg is not None:
        assert f"Try {_reference_suggestions(w, f, s, p)}; or pass" in msg


@given(w=st.integers(2, 400), f=st.integers(1, 40), s=st.one_of(st.none(), st.integers(2, 60)))
def test_pool_suggestions_match_linear_search(w, f, s):
    stride = f if s is None else s
    span = w - f
    if span <= 0 or span % stride == 0:
        return
    with pytest.raises(ValueError) as err:
        sz.pool_output_size(w, f, s)
    msg = str(err.value)
    assert f"Try {_reference_suggestions(w, f, stride, 0, 'pool')}; or pass" in msg
    assert "padding=" not in msg


@given(w=st.integers(1, 10**4), f=st.integers(1, 50), s=st.integers(2, 200), p=st.integers(0, 20))
def test_every_suggestion_fits(w, f, s, p):
    """Each suggested input, stride, padding or kernel gives the whole output it announces."""
    msg = _misfit_message(w, f, s, p)
    if msg is None:
        return
    hints = msg.split("Try ")[1].split("; or pass")[0]
    found = dict(re.findall(r"(input of |stride=|padding=|kernel=)(\d+ \(gives \d+\))", hints))
    assert {"input of ", "stride=", "kernel="} <= set(found)
    for key, text in found.items():
        value, gives = (int(x) for x in re.findall(r"\d+", text))
        args = {"input of ": (value, f, s, p), "stride=": (w, f, value, p),
                "padding=": (w, f, s, value), "kernel=": (w, value, s, p)}[key]  # fmt: skip
        assert sz.conv_output_size(*args) == gives
    if "padding=" in found:
        assert int(re.findall(r"\d+", found["padding="])[0]) > p


@pytest.mark.parametrize(
    "call",
    [
        lambda: sz.pool_output_size(10**9 + 1, 3),
        lambda: sz.pool_output_size(10**12 + 1, 3),
        lambda: sz.pool_output_size(10**12, 7),
        lambda: sz.conv_output_size(10**12, 2, stride=999_983),  # a prime stride near sqrt(10**12)
        lambda: sz.conv_output_size(10**12 + 1, 1, stride=10**12 - 7),  # stride > sqrt: trial division
        lambda: sz.conv_output_size(999_999_999_989 + 1, 1, stride=10**6 + 3),  # prime span
        lambda: sz.conv_output_size((10**12, 10**12 - 1), 4, stride=(3, 7), padding=(10**6, 1)),
        lambda: sz.conv_output_size(10**40 + 2, 1, stride=10**20 + 7),  # beyond: stride hint left out
    ],
)
def test_suggestions_are_fast_for_huge_sizes(call):
    start = time.perf_counter()
    with pytest.raises(ValueError, match="not an integer"):
        call()
    assert time.perf_counter() - start < 0.5


# ---------------------------------------------------------------- exact values in messages
def _parse_printed(text):
    """Fraction from '4.5', '54.25', '333333 2/3', '2/3' or '3 1/3 (about 3.333)'."""
    text = text.split(" (about ")[0]
    if "/" in text:
        whole, _, frac = text.rpartition(" ")
        return int(whole or 0) + Fraction(frac)
    return Fraction(text)


def _printed_value(msg):
    return msg.split(" is not an integer")[0].split(" + 1 = ")[-1]


def test_huge_non_integer_is_printed_exactly():
    with pytest.raises(ValueError) as err:
        sz.pool_output_size(1_000_001, 3)
    msg = str(err.value)
    assert "(1000001 - 3 + 2*0)/3 + 1 = 333333 2/3" in msg
    assert "333334 is not" not in msg
    with pytest.raises(ValueError) as err:
        sz.conv_output_size(10, 3, stride=3)
    assert "= 3 1/3 (about 3.333) is not an integer" in str(err.value)
    with pytest.raises(ValueError, match=r"= 4999999\.5 is not an integer"):
        sz.same_padding(10**7)


@given(w=st.integers(1, 10**13), f=st.integers(1, 1000), s=st.integers(2, 10**7), p=st.integers(0, 100))
def test_printed_value_is_exact_and_never_looks_whole(w, f, s, p):
    msg = _misfit_message(w, f, s, p)
    if msg is None:
        return
    printed = _printed_value(msg)
    assert _parse_printed(printed) == Fraction(w - f + 2 * p, s) + 1
    assert not re.fullmatch(r"\d+", printed.split(" (about ")[0])
    if " (about " in printed:  # the rounded decimal is not a whole number either
        assert not printed.split(" (about ")[1].rstrip(")").endswith(".000")
