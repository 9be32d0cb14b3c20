"""Unit tests of course_utils.sizing: lecture numbers, Keras cross-checks, properties."""

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
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


# ---------------------------------------------------------------- Keras cross-checks
keras = pytest.importorskip("keras")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    w=st.integers(4, 40),
    f=st.integers(1, 5),
    s=st.integers(1, 4),
    p=st.integers(0, 2),
    d=st.integers(1, 4),
    n=st.integers(1, 6),
)
def test_conv_matches_keras(w, f, s, p, d, n):
    if w + 2 * p < f:
        return
    layers = [keras.Input((w, w, d))]
    if p:
        layers.append(keras.layers.ZeroPadding2D(p))
    conv = keras.layers.Conv2D(n, f, strides=s)
    model = keras.Sequential([*layers, conv])
    out = sz.conv_output_size(w, f, s, p, strict=False)
    assert model.output_shape == (None, out, out, n)
    assert conv.count_params() == sz.conv_params(f, d, n)


@pytest.mark.parametrize("w, s", [(32, 1), (31, 2), (10, 3), (7, 2)])
def test_same_matches_keras(w, s):
    model = keras.Sequential([keras.Input((w, w, 1)), keras.layers.Conv2D(2, 3, strides=s, padding="same")])
    o = sz.conv_output_size(w, 3, s, "same")
    assert model.output_shape == (None, o, o, 2)


@pytest.mark.parametrize("w, f, s", [(28, 2, None), (30, 2, None), (13, 3, 2), (494, 5, None), (7, 2, None)])
def test_pool_matches_keras(w, f, s):
    model = keras.Sequential([keras.Input((w, w, 3)), keras.layers.MaxPooling2D(f, strides=s)])
    o = sz.pool_output_size(w, f, s, strict=False)
    assert model.output_shape == (None, o, o, 3)


def test_dense_and_separable_match_keras():
    dense = keras.layers.Dense(20)
    keras.Sequential([keras.Input((3072,)), dense])
    assert dense.count_params() == sz.dense_params(3072, 20) == 61460
    sep = keras.layers.SeparableConv2D(64, 3, use_bias=False)
    std = keras.layers.Conv2D(64, 3, use_bias=False)
    keras.Sequential([keras.Input((8, 8, 32)), sep])
    keras.Sequential([keras.Input((8, 8, 32)), std])
    # parameters follow the same ratio as multiplications (per output position)
    assert sep.count_params() / std.count_params() == pytest.approx(sz.depthwise_separable_ratio(64, 3))
