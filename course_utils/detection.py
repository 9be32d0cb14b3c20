"""Boxes, IoU, YOLO's grid encoding, non-maximum suppression, detection scores.

Notebook 15 writes each of these out once and checks it against this module;
afterwards it calls the module.

**The box convention** (one, everywhere in the course): a box is four numbers
``(x0, y0, x1, y1)``, its corners in **pixels**, ``x`` to the right and ``y``
down from the image's top-left corner, measured on pixel *edges*: a box
covering pixel columns 3 to 7 has ``x0 = 3`` and ``x1 = 8``, so ``x1 - x0`` is
its width. Arrays of boxes have shape ``(..., 4)``. A box with ``x1 < x0`` or
``y1 < y0`` (a regression head can predict one) has area 0. Conversions:

* :func:`corners_to_centers` / :func:`centers_to_corners`: to and from
  ``(cx, cy, w, h)``;
* :func:`to_yxyx`: the order ``(y0, x0, y1, x1)`` that
  ``tf.image.non_max_suppression`` wants (swapping twice gives the box back).

**YOLO's output** for a grid of ``S x S`` cells, ``B`` boxes per cell and ``C``
classes is an ``(S, S, 5B + C)`` array (:func:`yolo_output_shape`). Cell
``(row, col)`` holds, for each of its ``B`` boxes, ``(x, y, w, h, confidence)``
followed by ``C`` class probabilities shared by the cell: ``(x, y)`` is the
box centre relative to the cell (0..1 across it), ``(w, h)`` the box size
relative to the whole image (0..1), as in Redmon et al. (2016).
:func:`yolo_encode` builds the training target of one image,
:func:`yolo_decode` turns an output back into boxes with class-specific
confidences ``Pr(class | object) * confidence``.

TensorFlow is imported only inside :func:`non_max_suppression`, so importing
this module stays cheap.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from course_utils._checks import (
    check_array,
    check_bool,
    check_int,
    check_number,
    check_pair,
    check_sequence,
    show,
)

__all__ = [
    "Detections",
    "PrecisionRecall",
    "box_area",
    "centers_to_corners",
    "corners_to_centers",
    "iou",
    "match_detections",
    "non_max_suppression",
    "precision_recall",
    "to_yxyx",
    "yolo_decode",
    "yolo_encode",
    "yolo_output_shape",
]

_MAX_GRID = 1024  # cells per side
_MAX_CLASSES = 100_000


def _boxes(name: str, value, *, listed: bool = False) -> np.ndarray:
    """``value`` as a float64 array of boxes with finite values: ``(..., 4)``, or ``(N, 4)`` if ``listed``."""
    what = f"a numeric array of boxes of shape {'(N, 4)' if listed else '(..., 4)'}"
    array = check_array(name, value, what=what)
    if array.ndim == 0 or array.shape[-1] != 4 or (listed and array.ndim != 2):
        raise ValueError(f"{name} must be {what}, got shape {array.shape}")
    array = array.astype(np.float64)
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must hold finite numbers; it contains NaN or infinity")
    return array


def _vector(name: str, value, length: int, *, integer: bool = False) -> np.ndarray:
    """``value`` as a 1-D array of ``length`` finite numbers (ints if ``integer``)."""
    kind = "ints" if integer else "numbers"
    array = check_array(name, value, what=f"a 1-D array of {length} {kind}")
    if array.ndim != 1 or len(array) != length:
        raise ValueError(f"{name} must be a 1-D array of {length} {kind} (one per box), got shape {array.shape}")
    if integer and array.dtype.kind not in "iu":
        raise TypeError(f"{name} must be a 1-D array of {length} ints, got one of dtype {array.dtype}")
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        raise ValueError(f"{name} must hold finite numbers; it contains NaN or infinity")
    return array.astype(np.int64 if integer else np.float64)


def box_area(boxes) -> np.ndarray:
    """Areas ``(x1 - x0) * (y1 - y0)`` of ``boxes (..., 4)``, shape ``(...)``; inverted sides count as 0."""
    b = _boxes("boxes", boxes)
    return np.clip(b[..., 2] - b[..., 0], 0, None) * np.clip(b[..., 3] - b[..., 1], 0, None)


def iou(boxes_a, boxes_b) -> np.ndarray:
    """Intersection over union of boxes, element by element with broadcasting.

    ``IoU = area(A and B) / area(A or B)``, from 0 (disjoint) to 1 (the same
    box). Two boxes of area 0 have IoU 0. For all pairs of ``a (N, 4)`` and
    ``b (M, 4)`` call ``iou(a[:, None], b[None])``, shape ``(N, M)``.

    Args:
        boxes_a, boxes_b: arrays ``(..., 4)`` of ``(x0, y0, x1, y1)`` whose
            leading shapes broadcast.

    Returns:
        float64 array of the broadcast leading shape, values in 0..1.
    """
    a = _boxes("boxes_a", boxes_a)
    b = _boxes("boxes_b", boxes_b)
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError(f"boxes_a {a.shape} and boxes_b {b.shape} do not broadcast") from None
    width = np.clip(np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]), 0, None)
    height = np.clip(np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]), 0, None)
    inter = width * height
    union = box_area(a) + box_area(b) - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def corners_to_centers(boxes) -> np.ndarray:
    """``(x0, y0, x1, y1)`` -> ``(cx, cy, w, h)``, float64 of the same shape ``(..., 4)``."""
    b = _boxes("boxes", boxes)
    return np.stack(
        [(b[..., 0] + b[..., 2]) / 2, (b[..., 1] + b[..., 3]) / 2, b[..., 2] - b[..., 0], b[..., 3] - b[..., 1]],
        axis=-1,
    )


def centers_to_corners(boxes) -> np.ndarray:
    """``(cx, cy, w, h)`` -> ``(x0, y0, x1, y1)``, float64 of the same shape ``(..., 4)``."""
    b = _boxes("boxes", boxes)
    half_w, half_h = b[..., 2] / 2, b[..., 3] / 2
    return np.stack([b[..., 0] - half_w, b[..., 1] - half_h, b[..., 0] + half_w, b[..., 1] + half_h], axis=-1)


def to_yxyx(boxes) -> np.ndarray:
    """``(x0, y0, x1, y1)`` -> ``(y0, x0, y1, x1)`` (and back): TensorFlow's box order, float64 ``(..., 4)``."""
    b = _boxes("boxes", boxes)
    return b[..., [1, 0, 3, 2]]


def yolo_output_shape(grid: int = 7, boxes_per_cell: int = 2, num_classes: int = 20) -> tuple[int, int, int]:
    """``(S, S, 5B + C)``: the shape of YOLO's output; the defaults are the paper's (7, 7, 30).

    Args:
        grid: ``S``, cells per side, an int from 1 to 1,024.
        boxes_per_cell: ``B``, an int from 1 to 1,024.
        num_classes: ``C``, an int from 1 to 100,000.
    """
    s = check_int("grid", grid, maximum=_MAX_GRID)
    b = check_int("boxes_per_cell", boxes_per_cell, maximum=_MAX_GRID)
    c = check_int("num_classes", num_classes, maximum=_MAX_CLASSES)
    return s, s, 5 * b + c


def yolo_encode(
    boxes,
    classes,
    *,
    image_size,
    grid: int,
    boxes_per_cell: int = 1,
    num_classes: int = 10,
    strict: bool = True,
) -> np.ndarray:
    """The YOLO training target of one image: an ``(S, S, 5B + C)`` float64 array.

    Each box goes to the cell that holds its centre (a centre on a cell's
    right or bottom edge belongs to the next cell; the image's last row and
    column keep theirs), into that cell's first free slot: ``(x, y)`` relative
    to the cell, ``(w, h)`` relative to the image, confidence 1, and the cell's
    class probabilities one-hot on the box's class. Empty slots and cells are
    all zeros.

    Args:
        boxes: ``(N, 4)`` corners in pixels (N may be 0), centres inside the image.
        classes: ``(N,)`` ints from 0 to ``num_classes - 1``.
        image_size: ``(height, width)`` in pixels, or one int for a square image.
        grid: ``S``, an int from 1 to 1,024.
        boxes_per_cell: ``B``, an int from 1 to 1,024.
        num_classes: ``C``, an int from 1 to 100,000.
        strict: ``True``: a box that finds no free slot in its cell (more than
            ``B`` centres in one cell) or another class already there raises
            ``ValueError``; ``False``: such a box is left out (the caller can
            count what was kept with :func:`yolo_decode`).

    Returns:
        The target; decoding it with :func:`yolo_decode` gives the boxes back.
    """
    (height, width), _ = check_pair("image_size", image_size)
    s, _, depth = yolo_output_shape(grid, boxes_per_cell, num_classes)
    b_count = boxes_per_cell
    strict = check_bool("strict", strict)
    b = _boxes("boxes", boxes, listed=True)
    labels = _vector("classes", classes, len(b), integer=True)
    if ((labels < 0) | (labels >= num_classes)).any():
        raise ValueError(f"classes must be ints from 0 to {num_classes - 1}, got {show(labels.tolist())}")
    centers = corners_to_centers(b)
    if (centers[:, 2:] < 0).any():
        raise ValueError("boxes must have x1 >= x0 and y1 >= y0 to be encoded")
    inside = (centers[:, 0] >= 0) & (centers[:, 0] <= width) & (centers[:, 1] >= 0) & (centers[:, 1] <= height)
    if not inside.all():
        raise ValueError(f"box centres must lie inside the {height} x {width} image, got {centers[~inside, :2]}")
    target = np.zeros((s, s, depth), np.float64)
    used = np.zeros((s, s), np.int64)
    cell_w, cell_h = width / s, height / s
    for (cx, cy, w, h), label in zip(centers, labels, strict=True):
        col, row = min(int(cx // cell_w), s - 1), min(int(cy // cell_h), s - 1)
        slot = used[row, col]
        has_class = target[row, col, 5 * b_count :].any()
        clash = has_class and target[row, col, 5 * b_count + label] != 1
        if slot >= b_count or clash:
            if strict:
                reason = f"already holds {slot} box(es), B = {b_count}" if slot >= b_count else "holds another class"
                raise ValueError(f"cell (row {row}, col {col}) {reason}; use strict=False to leave such boxes out")
            continue
        target[row, col, 5 * slot : 5 * slot + 5] = (cx / cell_w - col, cy / cell_h - row, w / width, h / height, 1)
        target[row, col, 5 * b_count + label] = 1
        used[row, col] += 1
    return target


class Detections(NamedTuple):
    """Boxes found in one image: ``boxes (K, 4)`` corners in pixels, ``scores (K,)`` in 0..1, ``classes (K,)``."""

    boxes: np.ndarray
    scores: np.ndarray
    classes: np.ndarray


def yolo_decode(output, *, image_size, boxes_per_cell: int = 1, min_score: float | None = None) -> Detections:
    """Boxes from one YOLO output (or target) ``(S, S, 5B + C)``.

    Every cell's ``B`` boxes become corners in pixels; each box's score is the
    class-specific confidence ``Pr(class | object) * confidence`` for the
    cell's most probable class (the paper's ``Pr(class_i | object) * Pr(object)
    * IoU``, with the network's confidence standing for ``Pr(object) * IoU``).

    Args:
        output: a float array ``(S, S, 5B + C)`` with ``C >= 1``; values as
            described in the module docstring (network outputs after their
            activations: sigmoid for x, y, w, h, confidence; softmax for classes).
        image_size: ``(height, width)`` in pixels, or one int for a square image.
        boxes_per_cell: ``B``, an int from 1 to 1,024.
        min_score: None to return all ``S * S * B`` boxes, or a number from
            0 to 1: keep only boxes whose score is at least that.

    Returns:
        :class:`Detections` with float64 ``boxes``, ``scores`` and int64
        ``classes``, in the order of the cells (row by row), then slots.
    """
    (height, width), _ = check_pair("image_size", image_size)
    b_count = check_int("boxes_per_cell", boxes_per_cell, maximum=_MAX_GRID)
    if min_score is not None:
        min_score = check_number("min_score", min_score, minimum=0, maximum=1)
    out = check_array("output", output, what="a float array of shape (S, S, 5B + C)")
    if out.ndim != 3 or out.shape[0] != out.shape[1] or out.shape[2] <= 5 * b_count:
        raise ValueError(
            f"output must be a float array of shape (S, S, 5B + C) with B = {b_count} and C >= 1, got shape {out.shape}"
        )
    out = out.astype(np.float64)
    if not np.isfinite(out).all():
        raise ValueError("output must hold finite numbers; it contains NaN or infinity")
    s = out.shape[0]
    rows, cols = np.meshgrid(np.arange(s), np.arange(s), indexing="ij")
    per_box = out[..., : 5 * b_count].reshape(s, s, b_count, 5)
    class_probs = out[..., 5 * b_count :]
    cx = (cols[..., None] + per_box[..., 0]) * (width / s)
    cy = (rows[..., None] + per_box[..., 1]) * (height / s)
    w, h = per_box[..., 2] * width, per_box[..., 3] * height
    boxes = centers_to_corners(np.stack([cx, cy, w, h], axis=-1)).reshape(-1, 4)
    labels = np.broadcast_to(class_probs.argmax(axis=-1)[..., None], (s, s, b_count)).reshape(-1)
    scores = (per_box[..., 4] * class_probs.max(axis=-1)[..., None]).reshape(-1)
    keep = np.ones(len(scores), bool) if min_score is None else scores >= min_score
    return Detections(boxes[keep], scores[keep], labels[keep].astype(np.int64))


def non_max_suppression(
    boxes,
    scores,
    classes=None,
    *,
    iou_threshold: float = 0.5,
    min_score: float = 0.0,
    max_boxes: int = 100,
) -> np.ndarray:
    """Indices of the boxes kept by non-maximum suppression (``tf.image.non_max_suppression``).

    Boxes are visited from the highest score down; a box is dropped when its
    IoU with a box already kept is above ``iou_threshold``. With ``classes``
    the suppression runs within each class only (a 3 never removes a 7).

    Args:
        boxes: ``(N, 4)`` corners ``(x0, y0, x1, y1)`` (converted here with
            :func:`to_yxyx` for TensorFlow).
        scores: ``(N,)`` numbers, higher is better.
        classes: None, or ``(N,)`` ints: suppress per class.
        iou_threshold: a number from 0 to 1.
        min_score: boxes scoring below this are dropped first (a number).
        max_boxes: most boxes kept, an int from 1 to 1,000,000.

    Returns:
        int64 indices into ``boxes``, highest score first.
    """
    b = _boxes("boxes", boxes, listed=True)
    s = _vector("scores", scores, len(b))
    labels = None if classes is None else _vector("classes", classes, len(b), integer=True)
    iou_threshold = check_number("iou_threshold", iou_threshold, minimum=0, maximum=1)
    min_score = check_number("min_score", min_score)
    max_boxes = check_int("max_boxes", max_boxes)
    candidates = np.flatnonzero(s >= min_score)
    if candidates.size == 0:
        return np.zeros(0, np.int64)
    import tensorflow as tf  # noqa: PLC0415 (lazy: importing the module stays cheap)

    groups = [candidates] if labels is None else [candidates[labels[candidates] == c] for c in np.unique(labels)]
    kept = []
    for group in groups:
        if group.size == 0:
            continue
        chosen = tf.image.non_max_suppression(
            to_yxyx(b[group]).astype(np.float32), s[group].astype(np.float32), max_boxes, iou_threshold
        )
        kept.extend(group[chosen.numpy()].tolist())
    kept = np.array(kept, np.int64)
    order = np.argsort(-s[kept], kind="stable")
    return kept[order][:max_boxes]


def match_detections(boxes, scores, classes, true_boxes, true_classes, *, iou_threshold: float = 0.5) -> np.ndarray:
    """Which detections of one image are true positives (a boolean array ``(K,)``).

    Detections are taken from the highest score down; each one is matched to
    the not yet matched true box of the same class with the highest IoU, if
    that IoU is at least ``iou_threshold``. A true box is matched at most
    once, so a second detection of the same digit is a false positive.

    Args:
        boxes, scores, classes: the detections, ``(K, 4)``, ``(K,)``, ``(K,)`` ints.
        true_boxes, true_classes: the truth, ``(M, 4)`` and ``(M,)`` ints.
        iou_threshold: a number from 0 to 1 (0.5 in PASCAL VOC).
    """
    b = _boxes("boxes", boxes, listed=True)
    s = _vector("scores", scores, len(b))
    c = _vector("classes", classes, len(b), integer=True)
    t = _boxes("true_boxes", true_boxes, listed=True)
    tc = _vector("true_classes", true_classes, len(t), integer=True)
    iou_threshold = check_number("iou_threshold", iou_threshold, minimum=0, maximum=1)
    hit = np.zeros(len(b), bool)
    free = np.ones(len(t), bool)
    overlaps = iou(b[:, None], t[None]) if len(b) and len(t) else np.zeros((len(b), len(t)))
    for k in np.argsort(-s, kind="stable"):
        candidates = np.flatnonzero(free & (tc == c[k]))
        if candidates.size == 0:
            continue
        best = candidates[np.argmax(overlaps[k, candidates])]
        if overlaps[k, best] >= iou_threshold:
            hit[k], free[best] = True, False
    return hit


class PrecisionRecall(NamedTuple):
    """Detection scores over many images (precision and recall are 0 when undefined)."""

    precision: float
    recall: float
    true_positives: int
    false_positives: int
    false_negatives: int


def precision_recall(detections, truths, *, iou_threshold: float = 0.5) -> PrecisionRecall:
    """Precision and recall of detections over many images, matched by :func:`match_detections`.

    ``precision = TP / (TP + FP)`` (what fraction of the detections are right),
    ``recall = TP / (TP + FN)`` (what fraction of the true objects were found).

    Args:
        detections: a list with one ``(boxes, scores, classes)`` per image
            (a :class:`Detections` works).
        truths: a list with one ``(true_boxes, true_classes)`` per image, as long
            as ``detections``.
        iou_threshold: a number from 0 to 1.
    """
    detections = check_sequence("detections", detections, min_length=1, what="a list of (boxes, scores, classes)")
    truths = check_sequence("truths", truths, min_length=1, what="a list of (true_boxes, true_classes)")
    if len(detections) != len(truths):
        raise ValueError(f"detections and truths must have one entry per image, got {len(detections)} and {len(truths)}")
    iou_threshold = check_number("iou_threshold", iou_threshold, minimum=0, maximum=1)
    tp = fp = fn = 0
    for i, (found, truth) in enumerate(zip(detections, truths, strict=True)):
        if not isinstance(found, (tuple, list)) or len(found) != 3:
            raise TypeError(f"detections[{i}] must be a (boxes, scores, classes) tuple, got {show(found)}")
        if not isinstance(truth, (tuple, list)) or len(truth) != 2:
            raise TypeError(f"truths[{i}] must be a (true_boxes, true_classes) tuple, got {show(truth)}")
        hit = match_detections(*found, *truth, iou_threshold=iou_threshold)
        tp += int(hit.sum())
        fp += int((~hit).sum())
        fn += len(truth[0]) - int(hit.sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return PrecisionRecall(precision, recall, tp, fp, fn)
