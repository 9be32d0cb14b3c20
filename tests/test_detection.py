"""Tests of course_utils.detection: boxes, IoU, YOLO encoding, NMS, precision and recall."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils import detection as det

FAST = settings(max_examples=60, deadline=None)


def box(x0, y0, x1, y1):
    return np.array([x0, y0, x1, y1], float)


# ---------------------------------------------------------------- strategies
@st.composite
def boxes(draw, size=64, min_side=1):
    """A box with whole-pixel corners inside a size x size image, sides >= min_side."""
    x0 = draw(st.integers(0, size - min_side))
    y0 = draw(st.integers(0, size - min_side))
    x1 = draw(st.integers(x0 + min_side, size))
    y1 = draw(st.integers(y0 + min_side, size))
    return box(x0, y0, x1, y1)


@st.composite
def real_boxes(draw):
    """A box with float corners and positive sides."""
    coord = st.floats(-100, 100, allow_nan=False)
    side = st.floats(0.01, 100, allow_nan=False)
    x0, y0, w, h = draw(coord), draw(coord), draw(side), draw(side)
    return box(x0, y0, x0 + w, y0 + h)


@st.composite
def one_box_per_cell(draw, size, grid, num_classes):
    """Boxes of an image whose centres fall in distinct cells, and their classes."""
    cells = draw(st.lists(st.integers(0, grid * grid - 1), unique=True, max_size=min(6, grid * grid)))
    cell = size / grid
    margin = 1e-6 * cell  # a centre exactly on a cell edge can round into the neighbour cell (edges: own test)
    out = []
    for c in cells:
        row, col = divmod(c, grid)
        cx = draw(st.floats(col * cell + margin, (col + 1) * cell - margin, allow_nan=False))
        cy = draw(st.floats(row * cell + margin, (row + 1) * cell - margin, allow_nan=False))
        w = draw(st.floats(0.5, size, allow_nan=False))
        h = draw(st.floats(0.5, size, allow_nan=False))
        out.append((cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2))
    classes = draw(st.lists(st.integers(0, num_classes - 1), min_size=len(out), max_size=len(out)))
    return np.array(out, float).reshape(-1, 4), np.array(classes, np.int64)


# ---------------------------------------------------------------- IoU
def test_iou_known_values():
    assert det.iou(box(0, 0, 2, 2), box(0, 0, 2, 2)) == 1.0
    assert det.iou(box(0, 0, 2, 2), box(5, 5, 6, 6)) == 0.0
    assert det.iou(box(0, 0, 2, 2), box(2, 0, 4, 2)) == 0.0  # touching edges share no area
    assert det.iou(box(0, 0, 2, 2), box(1, 1, 3, 3)) == pytest.approx(1 / 7)
    assert det.iou(box(0, 0, 4, 4), box(1, 1, 3, 3)) == pytest.approx(4 / 16)
    assert det.iou(box(0, 0, 0, 0), box(0, 0, 0, 0)) == 0.0  # no area: 0, not NaN
    assert det.iou(box(2, 2, 0, 0), box(0, 0, 2, 2)) == 0.0  # inverted box has area 0


def test_iou_broadcasts_to_all_pairs():
    a = np.array([[0, 0, 2, 2], [1, 1, 3, 3]], float)
    b = np.array([[0, 0, 2, 2], [5, 5, 6, 6], [1, 1, 3, 3]], float)
    pairs = det.iou(a[:, None], b[None])
    assert pairs.shape == (2, 3)
    np.testing.assert_allclose(pairs, [[1, 0, 1 / 7], [1 / 7, 0, 1]])
    with pytest.raises(ValueError, match="do not broadcast"):
        det.iou(a, b)


@FAST
@given(real_boxes(), real_boxes())
def test_iou_properties(a, b):
    value = det.iou(a, b)
    assert 0 <= value <= 1
    assert value == pytest.approx(det.iou(b, a))
    assert det.iou(a, a) == pytest.approx(1.0)
    shift = np.array([3.5, -2.0, 3.5, -2.0])
    assert det.iou(a + shift, b + shift) == pytest.approx(value, abs=1e-9)
    assert det.iou(a * 2.0, b * 2.0) == pytest.approx(value, abs=1e-9)


@FAST
@given(boxes(), boxes())
def test_iou_is_pixel_overlap(a, b):
    """On whole-pixel boxes IoU is the count of shared pixels over the count of covered pixels."""
    grid_a = np.zeros((64, 64), bool)
    grid_b = np.zeros((64, 64), bool)
    grid_a[int(a[1]) : int(a[3]), int(a[0]) : int(a[2])] = True
    grid_b[int(b[1]) : int(b[3]), int(b[0]) : int(b[2])] = True
    expected = (grid_a & grid_b).sum() / (grid_a | grid_b).sum()
    assert det.iou(a, b) == pytest.approx(expected)


# ---------------------------------------------------------------- conversions
@FAST
@given(real_boxes())
def test_center_and_corner_conversions_round_trip(b):
    centers = det.corners_to_centers(b)
    assert centers[2] == pytest.approx(b[2] - b[0]) and centers[3] == pytest.approx(b[3] - b[1])
    np.testing.assert_allclose(det.centers_to_corners(centers), b, atol=1e-9)
    np.testing.assert_array_equal(det.to_yxyx(det.to_yxyx(b)), b)
    np.testing.assert_array_equal(det.to_yxyx(b), b[[1, 0, 3, 2]])


def test_box_area():
    np.testing.assert_array_equal(det.box_area(np.array([[0, 0, 2, 3], [1, 1, 0, 5]], float)), [6, 0])


# ---------------------------------------------------------------- YOLO
def test_yolo_output_shape_is_the_papers():
    shape = det.yolo_output_shape(7, 2, 20)
    assert shape == (7, 7, 30) and np.prod(shape) == 1470
    assert det.yolo_output_shape(4, 1, 10) == (4, 4, 15)


def test_yolo_encode_layout():
    # a 10 x 20 box centred at (40, 24) on a 64 px image with a 4 x 4 grid (16 px cells)
    target = det.yolo_encode(np.array([[35.0, 14.0, 45.0, 34.0]]), np.array([7]), image_size=64, grid=4)
    assert target.shape == (4, 4, 15)
    row, col = 1, 2
    np.testing.assert_allclose(target[row, col, :5], [40 / 16 - 2, 24 / 16 - 1, 10 / 64, 20 / 64, 1])
    assert target[row, col, 5 + 7] == 1 and target[row, col, 5:].sum() == 1
    assert np.count_nonzero(target) == 6  # 5 numbers + one class, nothing elsewhere


@FAST
@given(st.data())
def test_yolo_round_trip_exact_on_power_of_two_grid(data):
    """Whole-pixel boxes on a 64 px image with 16 px cells come back bit for bit."""
    chosen, classes = data.draw(one_box_per_cell(64, 4, 10))
    chosen = np.round(chosen * 2) / 2  # half-pixel corners: every step is exact in binary
    chosen[:, 2:] = np.maximum(chosen[:, 2:], chosen[:, :2])
    centres = det.corners_to_centers(chosen)[:, :2] if len(chosen) else np.zeros((0, 2))
    cells = {(min(int(cy // 16), 3), min(int(cx // 16), 3)) for cx, cy in centres}  # the last cell keeps its edge
    if len(cells) < len(chosen) or (centres < 0).any() or (centres > 64).any():
        return  # rounding moved two centres into one cell or out of the image
    target = det.yolo_encode(chosen, classes, image_size=64, grid=4, num_classes=10)
    found = det.yolo_decode(target, image_size=64, min_score=0.5)
    order = np.lexsort(chosen.T[::-1])
    order_found = np.lexsort(found.boxes.T[::-1])
    np.testing.assert_array_equal(found.boxes[order_found], chosen[order])
    np.testing.assert_array_equal(found.classes[order_found], classes[order])
    assert (found.scores == 1).all()


@FAST
@given(st.data(), st.sampled_from([(7, 2, 20, 448), (4, 1, 10, 64), (5, 3, 4, 100)]))
def test_yolo_round_trip_any_grid(data, config):
    grid, b, c, size = config
    chosen, classes = data.draw(one_box_per_cell(size, grid, c))
    target = det.yolo_encode(chosen, classes, image_size=size, grid=grid, boxes_per_cell=b, num_classes=c)
    assert target.shape == det.yolo_output_shape(grid, b, c)
    found = det.yolo_decode(target, image_size=size, boxes_per_cell=b, min_score=0.5)
    assert len(found.boxes) == len(chosen)
    order, order_found = np.lexsort(chosen.T[::-1]), np.lexsort(np.round(found.boxes, 6).T[::-1])
    np.testing.assert_allclose(found.boxes[order_found], chosen[order], atol=1e-9 * size)
    np.testing.assert_array_equal(found.classes[order_found], classes[order])


def test_yolo_centres_on_cell_edges():
    """A centre on an inner edge belongs to the next cell; on the image's far edge, to the last cell."""
    boxes = np.array([[15.0, -1.0, 17.0, 1.0], [63.0, 63.0, 65.0, 65.0]])  # centres (16, 0) and (64, 64)
    target = det.yolo_encode(boxes, np.array([1, 2]), image_size=64, grid=4)
    assert target[0, 1, 4] == 1 and target[0, 1, 5 + 1] == 1 and target[0, 1, 0] == 0  # x = 0 within cell 1
    assert target[3, 3, 4] == 1 and target[3, 3, 5 + 2] == 1 and target[3, 3, 0] == 1  # x = 1: its far edge
    assert target[..., 4].sum() == 2


def test_yolo_two_boxes_in_one_cell():
    two = np.array([[0, 0, 4, 4], [2, 2, 10, 10]], float)  # both centres in cell (0, 0) of 16 px
    target = det.yolo_encode(two, np.array([3, 3]), image_size=64, grid=4, boxes_per_cell=2)
    found = det.yolo_decode(target, image_size=64, boxes_per_cell=2, min_score=0.5)
    np.testing.assert_array_equal(found.boxes, two)
    with pytest.raises(ValueError, match="already holds 1 box"):
        det.yolo_encode(two, np.array([3, 3]), image_size=64, grid=4, boxes_per_cell=1)
    with pytest.raises(ValueError, match="another class"):
        det.yolo_encode(two, np.array([3, 4]), image_size=64, grid=4, boxes_per_cell=2)
    kept = det.yolo_encode(two, np.array([3, 4]), image_size=64, grid=4, boxes_per_cell=2, strict=False)
    assert len(det.yolo_decode(kept, image_size=64, boxes_per_cell=2, min_score=0.5).boxes) == 1


def test_yolo_decode_scores_are_class_specific_confidences():
    out = np.zeros((2, 2, 5 + 3))
    out[0, 1, :5] = (0.5, 0.5, 0.25, 0.5, 0.8)  # confidence 0.8
    out[0, 1, 5:] = (0.1, 0.6, 0.3)  # Pr(class | object)
    found = det.yolo_decode(out, image_size=(40, 80))
    assert len(found.boxes) == 4
    assert found.scores[1] == pytest.approx(0.8 * 0.6) and found.classes[1] == 1
    # cell (row 0, col 1) of a 40 x 80 image: cells of 20 x 40 px; centre (60, 10), size 20 x 20
    np.testing.assert_allclose(found.boxes[1], [50, 0, 70, 20])
    assert len(det.yolo_decode(out, image_size=(40, 80), min_score=0.4).boxes) == 1


def test_yolo_bad_arguments():
    with pytest.raises(ValueError, match="classes must be ints from 0 to 9"):
        det.yolo_encode(np.array([[0, 0, 4, 4.0]]), np.array([10]), image_size=64, grid=4)
    with pytest.raises(ValueError, match="one per box"):
        det.yolo_encode(np.array([[0, 0, 4, 4.0]]), np.array([1, 2]), image_size=64, grid=4)
    with pytest.raises(ValueError, match="inside"):
        det.yolo_encode(np.array([[70, 0, 80, 4.0]]), np.array([1]), image_size=64, grid=4)
    with pytest.raises(ValueError, match=r"\(S, S, 5B \+ C\)"):
        det.yolo_decode(np.zeros((4, 4, 10)), image_size=64, boxes_per_cell=2)
    with pytest.raises(TypeError, match="grid"):
        det.yolo_output_shape(7.0, 2, 20)


# ---------------------------------------------------------------- NMS
def test_non_max_suppression():
    b = np.array([[0, 0, 10, 10], [1, 0, 11, 10], [30, 30, 40, 40], [0, 0, 10, 9]], float)
    scores = np.array([0.6, 0.9, 0.5, 0.1])
    np.testing.assert_array_equal(det.non_max_suppression(b, scores), [1, 2])
    np.testing.assert_array_equal(det.non_max_suppression(b, scores, min_score=0.55), [1])
    np.testing.assert_array_equal(det.non_max_suppression(b, scores, max_boxes=1), [1])
    # per class, the overlapping box of another class survives
    np.testing.assert_array_equal(det.non_max_suppression(b, scores, np.array([0, 1, 0, 0])), [1, 0, 2])
    # suppression needs an IoU *above* the threshold: exactly 0.5 keeps both
    half = np.array([[0, 0, 3, 1], [1, 0, 4, 1]], float)
    assert det.iou(half[0], half[1]) == 0.5
    assert len(det.non_max_suppression(half, np.array([0.9, 0.8]), iou_threshold=0.5)) == 2
    assert len(det.non_max_suppression(np.zeros((0, 4)), np.zeros(0))) == 0


# ---------------------------------------------------------------- precision and recall
def test_match_detections_counts_each_truth_once():
    truth = np.array([[0, 0, 10, 10], [20, 20, 30, 30]], float)
    found = np.array([[0, 0, 10, 10], [1, 1, 10, 10], [20, 20, 30, 30], [50, 50, 60, 60]], float)
    hit = det.match_detections(
        found, np.array([0.9, 0.8, 0.7, 0.6]), np.array([1, 1, 2, 1]), truth, np.array([1, 3])
    )
    # the second box repeats a matched truth; the third has the wrong class; the fourth hits nothing
    np.testing.assert_array_equal(hit, [True, False, False, False])
    score = det.precision_recall(
        [(found, np.array([0.9, 0.8, 0.7, 0.6]), np.array([1, 1, 3, 1]))], [(truth, np.array([1, 3]))]
    )
    assert score == (0.5, 1.0, 2, 2, 0)


def test_precision_recall_at_threshold():
    truth = (np.array([[0, 0, 10, 10.0]]), np.array([4]))
    shifted = det.Detections(np.array([[0, 0, 10, 20.0]]), np.array([0.9]), np.array([4]))  # IoU 0.5
    assert det.precision_recall([shifted], [truth], iou_threshold=0.5).recall == 1.0
    assert det.precision_recall([shifted], [truth], iou_threshold=0.51).recall == 0.0
    empty = det.Detections(np.zeros((0, 4)), np.zeros(0), np.zeros(0, np.int64))
    assert det.precision_recall([empty], [truth]) == (0.0, 0.0, 0, 0, 1)
    with pytest.raises(ValueError, match="one entry per image"):
        det.precision_recall([empty, empty], [truth])
    with pytest.raises(TypeError, match=r"detections\[0\]"):
        det.precision_recall([np.zeros((1, 4))], [truth])


@pytest.mark.parametrize(
    "call, exc",
    [
        (lambda: det.iou([0, 0, 1, 1], np.zeros(4)), TypeError),
        (lambda: det.iou(np.zeros(3), np.zeros(4)), ValueError),
        (lambda: det.iou(np.array([0, 0, np.nan, 1]), np.zeros(4)), ValueError),
        (lambda: det.box_area(np.array(["a", "b", "c", "d"])), TypeError),
        (lambda: det.non_max_suppression(np.zeros((2, 4)), np.zeros(3)), ValueError),
        (lambda: det.non_max_suppression(np.zeros((2, 4)), np.zeros(2), iou_threshold=1.5), ValueError),
        (lambda: det.non_max_suppression(np.zeros((2, 4)), np.zeros(2), np.zeros(2)), TypeError),
        (lambda: det.match_detections(np.zeros(4), np.zeros(1), np.zeros(1, int), np.zeros((0, 4)), np.zeros(0, int)),
         ValueError),
    ],
)
def test_bad_arguments_are_clear(call, exc):
    with pytest.raises(exc, match=r"must"):
        call()
