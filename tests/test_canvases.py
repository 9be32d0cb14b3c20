"""Tests of course_utils.data.mnist_canvases: seeded canvases of real MNIST digits."""

import numpy as np
import pytest
from PIL import Image

from course_utils import data
from course_utils.data import canvases as canvases_module
from course_utils.data.canvases import STROKE_LEVEL


@pytest.fixture(scope="module")
def mnist():
    """The real MNIST arrays (through the mirror), or a skip."""
    try:
        return data.load_mnist(verbose=False)
    except data.DataUnavailableError as err:
        pytest.skip(f"MNIST not available: {err}")


@pytest.fixture(scope="module")
def canvases(mnist):
    return data.mnist_canvases(150, size=64, digits=(1, 4), scale=(0.6, 1.6), seed=3, verbose=False)


def test_shapes_and_types(canvases):
    c = canvases
    assert c.images.shape == c.masks.shape == (150, 64, 64) and c.images.dtype == c.masks.dtype == np.uint8
    assert c.boxes.shape == (150, 4, 4) and c.boxes.dtype == np.float32
    assert c.classes.shape == c.sources.shape == (150, 4) and c.counts.shape == (150,)
    assert set(np.unique(c.counts)) == {1, 2, 3, 4}
    for i, n in enumerate(c.counts):
        assert (c.classes[i, :n] >= 0).all() and (c.classes[i, n:] == -1).all()
        assert (c.sources[i, n:] == -1).all() and (c.boxes[i, n:] == 0).all()
    assert c.masks.max() <= 10
    images, masks, boxes, classes, counts, sources = c  # a plain tuple too
    assert images is c.images and sources is c.sources


def test_same_seed_same_canvases_other_seed_others(mnist, canvases):
    again = data.mnist_canvases(150, size=64, digits=(1, 4), scale=(0.6, 1.6), seed=3, verbose=False)
    for a, b in zip(canvases, again, strict=True):
        np.testing.assert_array_equal(a, b)
    other = data.mnist_canvases(150, size=64, digits=(1, 4), scale=(0.6, 1.6), seed=4, verbose=False)
    assert not np.array_equal(other.images, canvases.images)


def test_boxes_hold_all_ink_tightly_and_never_overlap(canvases):
    c = canvases
    for i, n in enumerate(c.counts):
        covered = np.zeros((64, 64), int)
        for x0, y0, x1, y1 in c.boxes[i, :n].astype(int):
            assert 0 <= x0 < x1 <= 64 and 0 <= y0 < y1 <= 64
            covered[y0:y1, x0:x1] += 1
            inside = c.images[i, y0:y1, x0:x1]
            # tight: ink on every edge row and column of the box
            assert inside[0].any() and inside[-1].any() and inside[:, 0].any() and inside[:, -1].any()
        assert covered.max() == 1, "boxes overlap"
        assert not c.images[i][covered == 0].any(), "ink outside every box"


def test_masks_match_the_digits(canvases):
    c = canvases
    for i, n in enumerate(c.counts):
        expected = np.zeros((64, 64), np.uint8)
        for (x0, y0, x1, y1), digit in zip(c.boxes[i, :n].astype(int), c.classes[i, :n], strict=True):
            patch = c.images[i, y0:y1, x0:x1]
            expected[y0:y1, x0:x1][patch >= STROKE_LEVEL] = 1 + digit
        np.testing.assert_array_equal(c.masks[i], expected)
        assert ((c.masks[i] > 0) == (c.images[i] >= STROKE_LEVEL)).all()


def test_digits_are_the_real_scaled_mnist_images(mnist, canvases):
    (x_train, y_train), _ = mnist
    c = canvases
    for i in range(20):
        for k in range(c.counts[i]):
            source = c.sources[i, k]
            assert c.classes[i, k] == y_train[source]
            x0, y0, x1, y1 = c.boxes[i, k].astype(int)
            patch = c.images[i, y0:y1, x0:x1]
            # some square size of the 28 x 28 original, resized bilinearly and cropped to its ink, is the patch
            found = False
            for side in range(max(1, round(28 * 0.6)), round(28 * 1.6) + 1):
                resized = np.asarray(Image.fromarray(x_train[source]).resize((side, side), Image.Resampling.BILINEAR))
                if side == 28:
                    resized = x_train[source]
                rows, cols = np.flatnonzero(resized.any(1)), np.flatnonzero(resized.any(0))
                crop = resized[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
                if crop.shape == patch.shape and np.array_equal(crop, patch):
                    found = True
                    break
            assert found, (i, k)


def test_test_split_and_scale_one(mnist):
    (_, _), (x_test, y_test) = mnist
    c = data.mnist_canvases(20, size=40, split="test", seed=1, verbose=False)
    assert (c.counts == 1).all() and (c.sources[:, 0] < len(x_test)).all()
    for i in range(20):
        x0, y0, x1, y1 = c.boxes[i, 0].astype(int)
        digit = x_test[c.sources[i, 0]]
        rows, cols = np.flatnonzero(digit.any(1)), np.flatnonzero(digit.any(0))
        np.testing.assert_array_equal(c.images[i, y0:y1, x0:x1], digit[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1])
        assert c.classes[i, 0] == y_test[c.sources[i, 0]]


def test_prints_one_line(mnist, capsys, monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "quick")
    data.mnist_canvases(3, digits=2, seed=0)
    line = capsys.readouterr().out.strip()
    assert "\n" not in line and line.startswith("MNIST canvases: 3 of 64 x 64 px, 2 digit(s)")
    assert "quick slice" in line


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"n": 0}, ValueError, "n must be an int from 1"),
        ({"n": 2.0}, TypeError, "n must be an int"),
        ({"size": 4}, ValueError, "size must be an int from 8"),
        ({"digits": (3, 1)}, ValueError, "low > high"),
        ({"digits": (1, 2, 3)}, ValueError, "3 entries"),
        ({"digits": 1.5}, TypeError, "digits must be an int or a"),
        ({"digits": 17}, ValueError, "digits must be"),
        ({"scale": "big"}, TypeError, "scale must be a number"),
        ({"scale": (0.1, 1.0)}, ValueError, "scale must be"),
        ({"scale": float("nan")}, ValueError, "scale must be"),
        ({"size": 32, "scale": 1.5}, ValueError, "larger than the 32 x 32 canvas"),
        ({"size": 32, "digits": 6, "scale": 1.0}, ValueError, "cannot fit"),
        ({"split": "validation"}, ValueError, "split must be one of"),
        ({"seed": -1}, ValueError, "seed must be"),
        ({"verbose": 1}, TypeError, "verbose must be True or False"),
    ],
)
def test_bad_arguments_are_refused_before_loading(kwargs, exc, match, monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))  # nothing to load: a refusal must come first
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    args = {"n": 2, **kwargs}
    with pytest.raises(exc, match=match):
        data.mnist_canvases(**args)


def test_crowded_canvas_fails_clearly(mnist, monkeypatch):
    # whether random placement gets stuck depends on the digits drawn; force it to
    monkeypatch.setattr(canvases_module, "_place", lambda rng, inks, size: None)
    with pytest.raises(ValueError, match="could not place 2 digits at scale up to 1.2 without overlap"):
        data.mnist_canvases(5, size=40, digits=2, scale=1.2, seed=0, verbose=False)


def test_digits_are_read_once_per_profile(mnist, monkeypatch):
    canvases_module._DIGITS.clear()
    calls = []
    real = canvases_module.load_mnist
    monkeypatch.setattr(canvases_module, "load_mnist", lambda **kw: calls.append(kw) or real(**kw))
    first = data.mnist_canvases(3, seed=1, verbose=False)
    again = data.mnist_canvases(3, seed=1, verbose=False)
    data.mnist_canvases(3, split="test", seed=1, verbose=False)  # the same read serves the test split
    assert len(calls) == 1
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    images, _ = canvases_module._digits("train")
    assert not images.flags.writeable  # shared between calls, so read-only
