"""Tests of course_utils.architectures: counts against hand formulas."""

from __future__ import annotations

import pytest

from course_utils import architectures as arch
from course_utils.sizing import conv_multiplications, conv_output_size, conv_params, dense_params, pool_output_size

keras = pytest.importorskip("keras")


@pytest.fixture(scope="module")
def alexnet2():
    return arch.alexnet(groups=2)


def test_import_is_cheap():
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    code = "import sys, course_utils.architectures; print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_lenet5_shapes_and_params():
    model = arch.lenet5()
    sizes = [model.get_layer(n).output.shape[1] for n in ("conv1", "pool1", "conv2", "pool2")]
    assert sizes == [28, 14, 10, 5]
    assert conv_output_size(32, 5) == 28 and pool_output_size(28, 2) == 14
    expected = conv_params(5, 1, 6) + conv_params(5, 6, 16) + dense_params(400, 120) + dense_params(120, 84)
    assert model.count_params() == expected + dense_params(84, 10) == 61_706
    assert arch.weighted_depth(model) == 5
    assert arch.lenet5(pooling="max").count_params() == 61_706  # pooling has no weights


def test_alexnet_counts(alexnet2):
    assert alexnet2.count_params() == 60_965_224
    assert arch.neurons(alexnet2) == 659_272
    assert arch.multiply_adds(alexnet2) == 724_406_816
    assert arch.weighted_depth(alexnet2) == 8
    sizes = [alexnet2.get_layer(n).output.shape[1] for n in ("conv1", "pool1", "pool2", "pool3")]
    assert sizes == [55, 27, 13, 6]
    # conv2 by hand: each of the two groups has 128 filters of 5x5x48
    assert alexnet2.get_layer("conv2").count_params() == 2 * conv_params(5, 48, 128) == 307_456
    one = arch.alexnet(groups=1)
    assert one.count_params() == 62_378_344 and arch.multiply_adds(one) == 1_135_256_096


def test_alexnet_hand_count_of_multiply_adds(alexnet2):
    """The whole AlexNet, layer by layer, from the sizing formulas."""
    hand = {
        "conv1": conv_multiplications(11, 3, 55, 96),
        "conv2": 2 * conv_multiplications(5, 48, 27, 128),
        "conv3": conv_multiplications(3, 256, 13, 384),
        "conv4": 2 * conv_multiplications(3, 192, 13, 192),
        "conv5": 2 * conv_multiplications(3, 192, 13, 128),
        "fc6": 6 * 6 * 256 * 4096,
        "fc7": 4096 * 4096,
        "fc8": 4096 * 1000,
    }
    assert arch.multiply_adds(alexnet2, per_layer=True) == hand


def test_multiply_adds_on_a_tiny_model():
    layers = keras.layers
    inputs = keras.Input((10, 10, 4))
    x = layers.Conv2D(8, 3, groups=2, name="grouped")(inputs)  # 8x8x8
    x = layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same", name="depthwise")(x)  # 8x8x16
    x = layers.SeparableConv2D(6, 3, strides=2, padding="same", name="separable")(x)  # 4x4x6
    x = layers.Dense(5, name="per_position")(x)  # 4x4x5
    x = layers.Flatten()(x)
    outputs = layers.Dense(3, name="out")(x)
    model = keras.Model(inputs, outputs)
    expected = {
        "grouped": conv_multiplications(3, 2, 8, 8),
        "depthwise": conv_multiplications(3, 1, 8, 16),
        "separable": conv_multiplications(3, 1, 4, 16) + conv_multiplications(1, 16, 4, 6),
        "per_position": 16 * 6 * 5,
        "out": 80 * 3,
    }
    assert arch.multiply_adds(model, per_layer=True) == expected
    assert arch.multiply_adds(model) == sum(expected.values())
    assert arch.weighted_depth(model) == 5


def test_googlenet_structure():
    model = arch.googlenet()
    assert arch.weighted_depth(model) == 22
    assert sum(type(la).__name__ == "Concatenate" for la in model.layers) == 9
    assert model.get_layer("inception_5b").output.shape[1:] == (7, 7, 1024)
    assert model.get_layer("inception_3a").output.shape[-1] == 256
    # module 3a by hand: 1x1, 3x3 reduce + 3x3, 5x5 reduce + 5x5, pool projection
    hand = conv_params(1, 192, 64) + conv_params(1, 192, 96) + conv_params(3, 96, 128)
    hand += conv_params(1, 192, 16) + conv_params(5, 16, 32) + conv_params(1, 192, 32)
    got = sum(model.get_layer(f"3a_{n}").count_params() for n in ("1x1", "3x3_reduce", "3x3", "5x5_reduce", "5x5"))
    assert got + model.get_layer("3a_pool_proj").count_params() == hand == 163_696


def test_timing_functions():
    assert arch.matmul_gflops(n=64, repeats=1) > 0
    assert arch.images_per_second(arch.lenet5(), batch_size=2, repeats=1) > 0


@pytest.mark.parametrize(
    ("call", "error", "text"),
    [
        (lambda: arch.alexnet(groups=3), ValueError, "groups"),
        (lambda: arch.alexnet(groups=2.0), TypeError, "groups"),
        (lambda: arch.alexnet(input_size=224), ValueError, "227"),
        (lambda: arch.lenet5(num_classes=1), ValueError, "num_classes"),
        (lambda: arch.lenet5(input_size=True), TypeError, "input_size"),
        (lambda: arch.lenet5(pooling="min"), ValueError, "pooling"),
        (lambda: arch.googlenet(input_size=10**9), ValueError, "input_size"),
        (lambda: arch.multiply_adds("model"), TypeError, "model"),
        (lambda: arch.multiply_adds(arch.lenet5(), per_layer=1), TypeError, "per_layer"),
        (lambda: arch.weighted_depth(None), TypeError, "model"),
        (lambda: arch.neurons(3), TypeError, "model"),
        (lambda: arch.matmul_gflops(n=10**9), ValueError, "n"),
        (lambda: arch.matmul_gflops(repeats=0), ValueError, "repeats"),
        (lambda: arch.images_per_second(arch.lenet5(), batch_size=0), ValueError, "batch_size"),
    ],
)
def test_bad_arguments(call, error, text):
    with pytest.raises(error, match=text):
        call()
