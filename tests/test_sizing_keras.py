"""The sizing formulas cross-checked against the shapes and parameter counts Keras computes."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course_utils import sizing as sz

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


@pytest.mark.parametrize("w, f, s", [(10, 3, 2), (9, 2, 3), (224, 11, 4)])
def test_fitting_suggestions_fit_in_keras(w, f, s):
    """Every stride / kernel the error message suggests gives a whole output that Keras agrees with."""
    with pytest.raises(ValueError) as err:
        sz.conv_output_size(w, f, stride=s)
    msg = str(err.value)
    suggested_stride = int(msg.split("stride=")[1].split(" ")[0])
    suggested_kernel = int(msg.split("kernel=")[1].split(" ")[0])
    for kernel, stride in ((f, suggested_stride), (suggested_kernel, s)):
        out = sz.conv_output_size(w, kernel, stride)  # strict: no error any more
        model = keras.Sequential([keras.Input((w, w, 1)), keras.layers.Conv2D(1, kernel, strides=stride)])
        assert model.output_shape == (None, out, out, 1)
