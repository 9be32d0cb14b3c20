"""Tests of course_utils.images."""

import numpy as np
import pytest

from course_utils import images


@pytest.mark.parametrize("name", ["chelsea", "astronaut", "coffee", "brick", "china", "grace_hopper"])
def test_embedded_samples(name):
    img = images.load(name)
    assert img.dtype == np.uint8 and img.ndim == 3 and img.shape[2] == 3 and img.std() > 10


def test_mirror_samples(mirror, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror))
    assert images.load("starry_night").shape == (448, 576, 3)
    assert images.load("tuebingen", 200).shape == (150, 200, 3)


def test_grey_and_resize():
    assert images.load("brick", rgb=False).ndim == 2
    assert images.load("chelsea", (64, 80)).shape == (64, 80, 3)
    assert images.load("chelsea", 100).shape == (67, 100, 3)
    f = images.to_float(images.load("coffee", 32))
    assert f.dtype == np.float32 and 0 <= f.min() and f.max() <= 1


@pytest.mark.parametrize(
    "call, exc",
    [
        (lambda: images.load("dog"), ValueError),
        (lambda: images.load(3), TypeError),
        (lambda: images.load(None), TypeError),
        (lambda: images.load("chelsea", 0), ValueError),
        (lambda: images.load("chelsea", 10**9), ValueError),
        (lambda: images.load("chelsea", True), TypeError),
        (lambda: images.load("chelsea", 1.5), TypeError),
        (lambda: images.load("chelsea", (1, 2, 3)), ValueError),
        (lambda: images.load("chelsea", (64, 0)), ValueError),
        (lambda: images.load("chelsea", rgb=1), TypeError),
        (lambda: images.to_float(np.zeros(3, dtype=np.float32)), TypeError),
        (lambda: images.to_float([1, 2]), TypeError),
        (lambda: images.resize(np.zeros((4, 4, 3), dtype=np.float64), 2), TypeError),
        (lambda: images.resize([[0, 1]], 2), TypeError),
        (lambda: images.resize(np.zeros(4, dtype=np.uint8), 2), ValueError),
        (lambda: images.resize(np.zeros((4, 4, 4), dtype=np.uint8), 2), ValueError),
        (lambda: images.resize(np.zeros((0, 4, 3), dtype=np.uint8), 2), ValueError),
        (lambda: images.resize(np.zeros((4, 4, 3), dtype=np.uint8), images.MAX_SIDE + 1), ValueError),
        (lambda: images.load_file("/nonexistent.jpg"), FileNotFoundError),
        (lambda: images.load_file(None), TypeError),
        (lambda: images.load_file(""), ValueError),
        (lambda: images.load_file("/nonexistent.jpg", size=-1), ValueError),  # checked before the file
    ],
)
def test_bad_inputs(call, exc):
    with pytest.raises(exc) as err:
        call()
    assert str(err.value)


def test_messages_name_argument_value_and_range():
    with pytest.raises(ValueError) as err:
        images.load("chelsea", 10**9)
    assert "size must be an int or a (height, width) pair of ints from 1 to 8,192, got 1,000,000,000" in str(err.value)
    with pytest.raises(ValueError, match="name must be one of 'chelsea', 'astronaut'.*got 'dog'"):
        images.load("dog")
    with pytest.raises(TypeError, match=r"image must be a uint8 \(H, W\) or \(H, W, 3\) image, got one of dtype float64"):
        images.resize(np.zeros((4, 4, 3)), 2)


def test_arguments_checked_before_loading(monkeypatch):
    """A bad size or rgb fails at once, without reading (or downloading) the image."""

    def fail(name):
        raise AssertionError(f"{name} was loaded although the arguments are wrong")

    monkeypatch.setattr(images, "_raw", fail)
    for kwargs in (dict(size=0), dict(size="big"), dict(rgb=None)):
        with pytest.raises((TypeError, ValueError)):
            images.load("starry_night", **kwargs)


def test_resize_keeps_aspect_and_accepts_numpy_sizes():
    img = np.zeros((30, 60, 3), dtype=np.uint8)
    assert images.resize(img, np.int64(20)).shape == (10, 20, 3)
    assert images.resize(img, [7, 9]).shape == (7, 9, 3)
    assert images.resize(img[..., 0], (5, 5)).shape == (5, 5)
    assert images.resize(img, None) is not None and images.resize(img, None).shape == img.shape
