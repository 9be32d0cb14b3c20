"""Detection and segmentation data built from real MNIST digits: canvases.

No photo dataset with boxes or masks can be had offline here, so the course
makes its own: real MNIST digits, each scaled by a random factor and placed at a
random position on a black square canvas. Because the project draws every
digit itself, the labels are exact:

* **boxes** are the tight box of the digit's ink (its non-zero pixels) after
  scaling, in the course's box convention (:mod:`course_utils.detection`):
  corners ``(x0, y0, x1, y1)`` in pixels, ``x`` to the right and ``y`` down,
  measured on pixel *edges*, so a digit whose ink covers columns 3 to 7 has
  ``x0 = 3`` and ``x1 = 8`` (``x1 - x0`` is its width in pixels);
* **masks** label every pixel: ``0`` for background and ``1 + digit`` where the
  digit's stroke is, i.e. where its scaled pixel value is at least
  :data:`STROKE_LEVEL` (half of full white). That gives 11 classes, 0 to 10.
  The faint anti-aliased rim (values 1 to 127) lies inside the box but counts
  as background in the mask.

Digits never overlap: a placement whose box would intersect the box of a
digit already on the canvas is rejected and drawn again, so every ink pixel
belongs to exactly one digit, and boxes and masks are exact even with several
digits per canvas (boxes may touch, never overlap).

The digits come from :func:`course_utils.data.loaders.load_mnist`, so the quick
profile draws them from its slice (6,000 train / 1,000 test images) and the
full profile from all 60,000 / 10,000. Everything is seeded: the same
arguments in the same profile give the same canvases, bit for bit.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from course_utils._checks import check_bool, check_choice, check_int, check_range
from course_utils.config import get_profile
from course_utils.data.fetching import fetch
from course_utils.data.loaders import load_mnist

__all__ = ["MAX_CANVASES", "STROKE_LEVEL", "Canvases", "mnist_canvases"]

#: Pixel value (0..255) from which a scaled digit's pixel is stroke in the mask.
STROKE_LEVEL = 128

#: Most canvases one call makes (a mistyped 10**9 fails here, not in the allocator).
MAX_CANVASES = 200_000

_MAX_SIZE = 1024  # canvas side, pixels
_MAX_DIGITS = 16  # digits per canvas
_MNIST_SIDE = 28  # an MNIST image is 28 x 28; its ink fits in about 20 x 20
_TRIES_PER_DIGIT = 100  # random positions tried for one digit
_TRIES_PER_CANVAS = 50  # fresh starts of one canvas before giving up


class Canvases(NamedTuple):
    """What :func:`mnist_canvases` returns (a tuple: unpack it or use the names).

    ``N`` canvases of ``size x size`` pixels, at most ``D`` digits each
    (``D = digits[1]``); rows of a canvas beyond its ``counts[i]`` digits are
    padding.

    Attributes:
        images: uint8 ``(N, size, size)``, 0 (black) to 255 (white).
        masks: uint8 ``(N, size, size)``: 0 background, ``1 + digit`` (1..10)
            where a digit's scaled pixel is at least :data:`STROKE_LEVEL`.
        boxes: float32 ``(N, D, 4)``: ``(x0, y0, x1, y1)`` in pixels, whole
            numbers from 0 to ``size``, the tight box of each digit's ink;
            padding rows are 0.
        classes: int64 ``(N, D)``: the digit (0..9) of each box, -1 for padding.
        counts: int64 ``(N,)``: digits on each canvas.
        sources: int64 ``(N, D)``: index of each digit's image in the MNIST
            split it came from (as returned by ``load_mnist``), -1 for padding.
    """

    images: np.ndarray
    masks: np.ndarray
    boxes: np.ndarray
    classes: np.ndarray
    counts: np.ndarray
    sources: np.ndarray


_DIGITS: dict = {}  # (profile, split, MNIST file, its mtime) -> read-only (images, labels)


def _digits(split: str):
    """The MNIST ``split`` that ``load_mnist`` returns, read once per process and profile."""
    path = fetch("mnist")
    key = (get_profile().name, split, str(path), path.stat().st_mtime_ns)
    if key not in _DIGITS:
        train, test = load_mnist(verbose=False)
        for part_split, arrays in (("train", train), ("test", test)):
            for a in arrays:
                a.setflags(write=False)  # shared between calls: nobody may change it
            _DIGITS[key[:1] + (part_split,) + key[2:]] = arrays
    return _DIGITS[key]


def _scaled_ink(digit: np.ndarray, side: int) -> np.ndarray:
    """The 28 x 28 uint8 ``digit`` resized to ``side`` x ``side`` (bilinear), cropped to its ink."""
    if side != digit.shape[0]:
        from PIL import Image  # noqa: PLC0415 (Pillow is needed only here)

        digit = np.asarray(Image.fromarray(digit).resize((side, side), Image.Resampling.BILINEAR))
    rows = np.flatnonzero(digit.any(axis=1))
    cols = np.flatnonzero(digit.any(axis=0))
    if rows.size == 0:
        return digit[:0, :0]
    return digit[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def _place(rng, inks, size):
    """Top-left corners ``[(top, left), ...]`` for ``inks`` on a ``size`` canvas, boxes disjoint; None if stuck."""
    placed = []  # (y0, x0, y1, x1)
    for ink in inks:
        h, w = ink.shape
        for _ in range(_TRIES_PER_DIGIT):
            top, left = int(rng.integers(0, size - h + 1)), int(rng.integers(0, size - w + 1))
            box = (top, left, top + h, left + w)
            if all(box[0] >= b[2] or b[0] >= box[2] or box[1] >= b[3] or b[1] >= box[3] for b in placed):
                placed.append(box)
                break
        else:
            return None
    return [(b[0], b[1]) for b in placed]


def mnist_canvases(
    n: int,
    *,
    size: int = 64,
    digits=(1, 1),
    scale=(1.0, 1.0),
    split: str = "train",
    seed: int = 0,
    verbose: bool = True,
) -> Canvases:
    """``n`` seeded canvases of real MNIST digits, with exact boxes and per-pixel labels.

    For each canvas: the number of digits is drawn uniformly from ``digits``;
    each digit is a random image of the MNIST ``split``, resized from 28 x 28
    to ``round(28 * s)`` pixels square (bilinear; ``s`` drawn uniformly from
    ``scale``; MNIST's ink fills about 20 x 20 of the 28 x 28, so the ink is
    about ``20 * s`` pixels tall), cropped to its ink and put at a uniformly
    random position where its box overlaps no earlier box. Boxes, masks and
    the conventions are described in the module's docstring and in
    :class:`Canvases`.

    Args:
        n: canvases to make, an int from 1 to :data:`MAX_CANVASES`.
        size: canvas side in pixels, an int from 8 to 1,024.
        digits: digits per canvas, an int or a ``(low, high)`` pair of ints
            from 1 to 16.
        scale: size factor of the 28 x 28 MNIST image, a number or a
            ``(low, high)`` pair from 0.25 to 8; ``round(28 * high)`` must not
            exceed ``size``.
        split: ``"train"`` or ``"test"``: which MNIST images the digits come from
            (test canvases never reuse a training digit).
        seed: an int from 0 to 2**32 - 1; the same seed gives the same canvases.
        verbose: print one line saying what was made, and from how many digits.

    Returns:
        A :class:`Canvases` named tuple ``(images, masks, boxes, classes,
        counts, sources)``.

    Raises:
        TypeError, ValueError: for arguments of the wrong type or value
            (checked before anything is loaded); ValueError also when the
            digits cannot be placed without overlap (too many or too large
            for the canvas).
    """
    n = check_int("n", n, maximum=MAX_CANVASES)
    size = check_int("size", size, minimum=8, maximum=_MAX_SIZE)
    low_digits, high_digits = check_range("digits", digits, kind="int", minimum=1, maximum=_MAX_DIGITS)
    low_scale, high_scale = check_range("scale", scale, kind="number", minimum=0.25, maximum=8)
    check_choice("split", split, ("train", "test"))
    seed = check_int("seed", seed, minimum=0, maximum=2**32 - 1)
    verbose = check_bool("verbose", verbose)
    largest = round(_MNIST_SIDE * high_scale)
    if largest > size:
        raise ValueError(
            f"scale up to {high_scale:g} makes digits of {largest} x {largest} pixels, larger than the "
            f"{size} x {size} canvas; use a smaller scale or a larger size"
        )
    smallest_ink = round(20 * low_scale)
    if low_digits * smallest_ink**2 > size * size:
        raise ValueError(
            f"{low_digits} digits of at least about {smallest_ink} x {smallest_ink} pixels cannot fit on a "
            f"{size} x {size} canvas without overlap; use fewer digits, a smaller scale or a larger size"
        )

    pool_x, pool_y = _digits(split)

    rng = np.random.default_rng(seed)
    images = np.zeros((n, size, size), np.uint8)
    masks = np.zeros((n, size, size), np.uint8)
    boxes = np.zeros((n, high_digits, 4), np.float32)
    classes = np.full((n, high_digits), -1, np.int64)
    sources = np.full((n, high_digits), -1, np.int64)
    counts = np.zeros(n, np.int64)
    for i in range(n):
        count = int(rng.integers(low_digits, high_digits + 1))
        for _ in range(_TRIES_PER_CANVAS):
            picks = rng.integers(0, len(pool_x), size=count)
            sides = [max(1, round(_MNIST_SIDE * s)) for s in rng.uniform(low_scale, high_scale, size=count)]
            inks = [_scaled_ink(pool_x[p], side) for p, side in zip(picks, sides, strict=True)]
            if any(ink.size == 0 for ink in inks):
                continue
            corners = _place(rng, inks, size)
            if corners is not None:
                break
        else:
            raise ValueError(
                f"could not place {count} digits at scale up to {high_scale:g} without overlap on a "
                f"{size} x {size} canvas in {_TRIES_PER_CANVAS} attempts; use fewer digits, a smaller "
                f"scale or a larger size"
            )
        counts[i] = count
        for k, (pick, ink, (top, left)) in enumerate(zip(picks, inks, corners, strict=True)):
            h, w = ink.shape
            images[i, top : top + h, left : left + w] = ink
            label = 1 + int(pool_y[pick])
            masks[i, top : top + h, left : left + w][ink >= STROKE_LEVEL] = label
            boxes[i, k] = (left, top, left + w, top + h)
            classes[i, k] = int(pool_y[pick])
            sources[i, k] = int(pick)
    if verbose:
        digits_text = f"{low_digits}" if low_digits == high_digits else f"{low_digits} to {high_digits}"
        scale_text = f"{low_scale:g}" if low_scale == high_scale else f"{low_scale:g} to {high_scale:g}"
        if get_profile().quick:
            whole = 60_000 if split == "train" else 10_000
            source = f"the quick slice of {len(pool_x):,} of the {whole:,} MNIST {split} digits"
        else:
            source = f"all {len(pool_x):,} MNIST {split} digits (full profile)"
        print(
            f"MNIST canvases: {n:,} of {size} x {size} px, {digits_text} digit(s) each at scale {scale_text}, "
            f"drawn from {source}; seed {seed}"
        )
    return Canvases(images, masks, boxes, classes, counts, sources)
