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
        (lambda: images.load("chelsea", 0), ValueError),
        (lambda: images.load("chelsea", True), TypeError),
        (lambda: images.load("chelsea", (1, 2, 3)), ValueError),
        (lambda: images.to_float(np.zeros(3, dtype=np.float32)), ValueError),
        (lambda: images.resize(np.zeros((4, 4, 3), dtype=np.float64), 2), ValueError),
        (lambda: images.load_file("/nonexistent.jpg"), FileNotFoundError),
    ],
)
def test_bad_inputs(call, exc):
    with pytest.raises(exc):
        call()
