"""Tests of course_utils.viz: the loss plot, the 13-inch width cap, fonts, argument checks."""

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from course_utils import viz  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _width(fig):
    return fig.get_size_inches()[0]


def test_plot_losses_draws_one_curve_per_run():
    fig = viz.plot_losses({"a": [4.0, 2.0, 1.0], "b": np.array([8.0, 2.0])}, title="t")
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.lines] == ["a", "b"]
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), [4.0, 2.0, 1.0])
    np.testing.assert_array_equal(ax.lines[1].get_xdata(), [0, 1])
    assert ax.get_yscale() == "log" and ax.get_title() == "t" and ax.get_ylabel() == "loss"
    assert _width(fig) <= viz.MAX_WIDTH


def test_plot_losses_relative_linear_and_in_a_row():
    fig = viz.plot_losses({"a": [4.0, 2.0, 1.0]}, relative=True)
    np.testing.assert_allclose(fig.axes[0].lines[0].get_ydata(), [1.0, 0.5, 0.25])
    assert fig.axes[0].get_ylabel() == "loss / first value"
    fig = viz.plot_losses({"up": [-1.0, 0.5, 3.0]}, log=False, ylabel="objective")
    assert fig.axes[0].get_yscale() == "linear" and fig.axes[0].get_ylabel() == "objective"
    fig = viz.plot_losses({"octave 1": [1.0, 2.0], "octave 2": [5.0, 6.0, 7.0]}, in_a_row=True)
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [0, 1])
    curves = [line for line in ax.lines if line.get_label() in ("octave 1", "octave 2")]
    np.testing.assert_array_equal(curves[1].get_xdata(), [2, 3, 4])
    assert len(ax.lines) == 3  # two curves and one separator between them


def test_plot_losses_fonts_follow_the_style_or_fontsize():
    with plt.rc_context({"axes.labelsize": 17}):
        fig = viz.plot_losses({"a": [1.0, 0.5]})
        assert fig.axes[0].xaxis.label.get_fontsize() == 17
    fig = viz.plot_losses({"a": [1.0, 0.5]}, title="t", fontsize=20)
    assert fig.axes[0].xaxis.label.get_fontsize() == 20 and fig.axes[0].title.get_fontsize() == 22


@pytest.mark.parametrize(
    "kwargs, exc",
    [
        (dict(runs=[1.0, 2.0]), TypeError),
        (dict(runs={}), ValueError),
        (dict(runs={"a": 1.0}), TypeError),
        (dict(runs={"a": "1, 2"}), TypeError),
        (dict(runs={"a": [1.0, "x"]}), TypeError),
        (dict(runs={"a": [1.0, None]}), TypeError),
        (dict(runs={"a": []}), ValueError),
        (dict(runs={"a": [1.0, float("nan")]}), ValueError),
        (dict(runs={"a": [1.0, -1.0]}), ValueError),  # log axis
        (dict(runs={"a": [0.0, 1.0]}, log=False, relative=True), ValueError),
        (dict(runs={"a": [1.0]}, log=1), TypeError),
        (dict(runs={"a": [1.0]}, relative="yes"), TypeError),
        (dict(runs={"a": [1.0]}, in_a_row=None), TypeError),
        (dict(runs={1: [1.0]}), TypeError),
        (dict(runs={"a": [1.0]}, title=3), TypeError),
        (dict(runs={"a": [1.0]}, fontsize=0), ValueError),
        (dict(runs={"a": [1.0]}, fontsize="14"), TypeError),
    ],
)
def test_plot_losses_bad_arguments(kwargs, exc):
    runs = kwargs.pop("runs")
    with pytest.raises(exc):
        viz.plot_losses(runs, **kwargs)


@pytest.mark.parametrize("ncols, size", [(8, 2.0), (4, 8.0), (3, 5.5), (2, 8.5), (10, 1.0), (1, 20.0)])
def test_show_images_at_most_13_inches_wide(ncols, size):
    fig = viz.show_images(np.zeros((ncols, 8, 8, 3), np.uint8), ncols=ncols, size=size)
    assert _width(fig) <= viz.MAX_WIDTH + 1e-9
    assert _width(fig) == pytest.approx(min(ncols * size, viz.MAX_WIDTH))


def test_show_images_keeps_rows_and_shrinks_only_when_needed():
    fig = viz.show_images(np.zeros((6, 8, 8)), ncols=3, size=2.0)  # 6 inches: unchanged
    assert tuple(fig.get_size_inches()) == pytest.approx((6.0, 2 * 2.0 * 1.1))
    fig = viz.show_images(np.zeros((2, 8, 8)), ncols=8, size=8.0)  # 2 images: 2 columns, 16 -> 13 in
    assert tuple(fig.get_size_inches()) == pytest.approx((13.0, 6.5 * 1.1))


@pytest.mark.parametrize("n_metrics", [1, 2, 3, 5])
def test_plot_histories_more_rows_not_more_columns(n_metrics):
    metrics = [f"m{i}" for i in range(n_metrics)]
    hist = {m: [1.0, 0.5] for m in metrics}
    fig = viz.plot_histories({"a": hist}, metrics=metrics)
    assert _width(fig) <= viz.MAX_WIDTH
    visible = [ax for ax in fig.axes if ax.axison]
    assert len(visible) == n_metrics
    assert fig.get_size_inches()[1] == pytest.approx(viz.PANEL_HEIGHT * -(-n_metrics // 2))


def test_fonts_default_to_the_course_style():
    hist = {"loss": [1.0, 0.5]}
    with plt.rc_context({"axes.labelsize": 15, "axes.titlesize": 16}):
        fig = viz.plot_histories({"a": hist}, metrics="loss")
        assert fig.axes[0].xaxis.label.get_fontsize() == 15
        fig = viz.show_images([np.zeros((4, 4))], titles=["a"])
        assert fig.axes[0].title.get_fontsize() == 16
    fig = viz.show_images([np.zeros((4, 4))], titles=["a"], fontsize=20)
    assert fig.axes[0].title.get_fontsize() == 20


@pytest.mark.parametrize(
    "call, exc",
    [
        (lambda: viz.show_images([]), ValueError),
        (lambda: viz.show_images(3), TypeError),
        (lambda: viz.show_images([np.zeros((4, 4))], ncols=0), ValueError),
        (lambda: viz.show_images([np.zeros((4, 4))], ncols=2.0), TypeError),
        (lambda: viz.show_images([np.zeros((4, 4))], ncols=True), TypeError),
        (lambda: viz.show_images([np.zeros((4, 4))], size=0), ValueError),
        (lambda: viz.show_images([np.zeros((4, 4))], size=float("nan")), ValueError),
        (lambda: viz.show_images([np.zeros((4, 4))], titles="a"), TypeError),
        (lambda: viz.show_images([np.zeros((4, 4))], fontsize=True), TypeError),
        (lambda: viz.show_images([np.zeros(4)]), ValueError),
        (lambda: viz.plot_histories([1]), TypeError),
        (lambda: viz.plot_histories({"a": {"loss": [1.0]}}, metrics=3), TypeError),
        (lambda: viz.plot_histories({"a": {"loss": [1.0]}}, metrics=[]), ValueError),
        (lambda: viz.plot_histories({"a": {"loss": [1.0]}}, metrics="loss", fontsize=100), ValueError),
    ],
)
def test_bad_arguments(call, exc):
    with pytest.raises(exc):
        call()


@pytest.mark.parametrize("cmap, exc", [(0, TypeError), ([], TypeError), (np.zeros(3), TypeError), ("nope", ValueError)])
def test_show_images_checks_cmap(cmap, exc):
    with pytest.raises(exc, match="cmap"):
        viz.show_images(np.zeros((1, 8, 8)), cmap=cmap)


def test_show_images_takes_a_named_cmap():
    fig = viz.show_images(np.zeros((1, 8, 8)), cmap="viridis")
    assert fig.axes[0].images[0].get_cmap().name == "viridis"


def test_plot_histories_and_show_images():
    hist = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "accuracy": [0.5, 0.7], "val_accuracy": [0.4, 0.6]}
    fig = viz.plot_histories({"a": hist, "b": hist})
    assert len(fig.axes) == 2 and len(fig.axes[0].lines) == 4
    with pytest.raises(ValueError, match="no metric"):
        viz.plot_histories({"a": {"loss": [1]}}, metrics=("accuracy",))
    with pytest.raises(ValueError):
        viz.plot_histories({})
    fig = viz.show_images(np.zeros((5, 8, 8, 3), dtype=np.uint8), titles=list("abcde"), ncols=3)
    assert sum(ax.get_title() != "" for ax in fig.axes) == 5
    with pytest.raises(ValueError):
        viz.show_images([np.zeros((4, 4))], titles=["a", "b"])
    fig = viz.show_images([np.zeros((4, 4))], titles=["a"], fontsize=20)
    assert fig.axes[0].title.get_fontsize() == 20
    fig = viz.plot_histories({"a": hist}, metrics="loss", title="t", fontsize=16)
    assert fig.get_suptitle() == "t"
    (suptitle,) = [text for text in fig.texts if text.get_text() == "t"]
    assert fig.axes[0].xaxis.label.get_fontsize() == 16 and suptitle.get_fontsize() == 18
    for bad, exc in ((0, ValueError), (100, ValueError), ("14", TypeError), (True, TypeError)):
        with pytest.raises(exc, match="fontsize"):
            viz.show_images([np.zeros((4, 4))], fontsize=bad)
        with pytest.raises(exc, match="fontsize"):
            viz.plot_histories({"a": hist}, fontsize=bad)
