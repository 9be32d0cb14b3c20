"""Plotting helpers for the notebooks (matplotlib only).

Every figure is at most :data:`MAX_WIDTH` (13) inches wide, so that it fits a
notebook column and its fonts stay readable on a projector: a grid that would
be wider gets smaller images, a row of panels that would be wider wraps into
more rows. Font sizes come from the course style (``course_utils.setup()``
sets ``rcParams`` from ``config.PLOT_STYLE``) unless a ``fontsize`` is given.
"""

from __future__ import annotations

import math

import numpy as np

from course_utils import _checks

__all__ = ["MAX_WIDTH", "plot_histories", "plot_losses", "show_images"]

MAX_WIDTH = 13.0  # inches
PANEL_WIDTH, PANEL_HEIGHT = 6.5, 4.5  # one panel of plot_histories
MAX_PANEL_COLUMNS = int(MAX_WIDTH // PANEL_WIDTH)  # 2


def _check_fontsize(fontsize):
    """None (the course style) or a number of points from 4 to 72."""
    if fontsize is None:
        return None
    return _checks.check_number("fontsize", fontsize, minimum=4, maximum=72)


def _check_title(title):
    if title is not None:
        _checks.check_str("title", title)
    return title


def _sizes(fontsize):
    """Font sizes (labels, legend, figure title): the course style, or derived from ``fontsize``."""
    if fontsize is None:
        return {}, {}, {}
    return {"fontsize": fontsize}, {"fontsize": fontsize - 2}, {"fontsize": fontsize + 2}


def plot_histories(histories: dict, metrics=("loss", "accuracy"), *, title: str | None = None, fontsize=None):
    """Learning curves of several runs, one panel per metric.

    Panels sit two to a row (at most 13 inches wide); more metrics add rows.

    Args:
        histories: label -> ``History`` object or its ``.history`` dict.
        metrics: a metric name or a list of names; each panel draws ``metric``
            (solid, training) and ``val_metric`` (dashed, validation) for
            every run.
        title: optional figure title.
        fontsize: None for the course style, or the size in points of the axis
            labels (legends are then 2 points smaller, the title 2 larger).

    Returns:
        The matplotlib ``Figure``.
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415

    if not isinstance(histories, dict):
        raise TypeError(f"histories must be a dict of label -> History, got {_checks.show(histories)}")
    if not histories:
        raise ValueError("histories must be a non-empty dict of label -> History, got an empty dict")
    if isinstance(metrics, str):
        metrics = (metrics,)
    if not isinstance(metrics, (tuple, list)) or not all(isinstance(m, str) for m in metrics):
        raise TypeError(f"metrics must be a metric name or a list of names, got {_checks.show(metrics)}")
    if not metrics:
        raise ValueError("metrics must name at least one metric, got an empty list")
    _check_title(title)
    label_kw, legend_kw, title_kw = _sizes(_check_fontsize(fontsize))
    ncols = min(len(metrics), MAX_PANEL_COLUMNS)
    nrows = math.ceil(len(metrics) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(PANEL_WIDTH * ncols, PANEL_HEIGHT * nrows), squeeze=False)
    for ax in axes.flat[len(metrics) :]:
        ax.axis("off")
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, metric in zip(axes.flat, metrics, strict=False):  # the grid may have a spare panel
        for i, (label, h) in enumerate(histories.items()):
            h = getattr(h, "history", h)
            if not isinstance(h, dict):
                raise TypeError(f"run {label!r} must be a History or a dict of metric -> values, got {_checks.show(h)}")
            if metric not in h:
                raise ValueError(f"run {label!r} has no metric {metric!r}; it has {sorted(h)}")
            epochs = np.arange(1, len(h[metric]) + 1)
            c = colours[i % len(colours)]
            ax.plot(epochs, h[metric], "-", color=c, label=f"{label} (train)")
            if f"val_{metric}" in h:
                ax.plot(epochs, h[f"val_{metric}"], "--", color=c, label=f"{label} (validation)")
        ax.set_xlabel("epoch", **label_kw)
        ax.set_ylabel(metric, **label_kw)
        ax.grid(alpha=0.3)
        ax.legend(**legend_kw)
    if title:
        fig.suptitle(title, **title_kw)
    fig.tight_layout()
    return fig


def _check_losses(label, values, *, log: bool, relative: bool) -> np.ndarray:
    if isinstance(values, (str, bytes, dict)) or not hasattr(values, "__len__"):
        raise TypeError(f"runs[{label!r}] must be a list of losses per step, got {_checks.show(values)}")
    if not all(_checks.is_number(v) or (isinstance(v, np.ndarray) and v.ndim == 0) for v in values):
        raise TypeError(f"runs[{label!r}] must hold numbers (one loss per step), got {_checks.show(values)}")
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"runs[{label!r}] must be a non-empty list of losses per step, got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"runs[{label!r}] contains NaN or infinity (did the optimisation diverge?)")
    if relative:
        if arr[0] == 0:
            raise ValueError(f"runs[{label!r}] starts at 0, so relative=True cannot divide by its first value")
        arr = arr / arr[0]
    if log and (arr <= 0).any():
        raise ValueError(
            f"runs[{label!r}] has values <= 0{' after dividing by its first value' if relative else ''}, "
            "which a log axis cannot show; use log=False"
        )
    return arr


def plot_losses(
    runs: dict,
    *,
    log: bool = True,
    relative: bool = False,
    title: str | None = None,
    ylabel: str | None = None,
    xlabel: str = "step",
    in_a_row: bool = False,
    fontsize=None,
):
    """Loss curves of several optimisation runs in one panel.

    Args:
        runs: label -> losses per step (a list or 1-D array of numbers, e.g.
            ``OptimizationResult.losses``).
        log: logarithmic y axis (losses must then be > 0).
        relative: divide each curve by its first value (curves that start at
            very different levels become comparable; all start at 1).
        title: optional panel title.
        ylabel: the y-axis label (default ``"loss"``, or
            ``"loss / first value"`` with ``relative``).
        xlabel: the x-axis label.
        in_a_row: draw the runs one after the other on a shared step axis
            (e.g. the octaves of Deep Dream), with a dashed line between runs,
            instead of all starting at step 0.
        fontsize: None for the course style, or the size in points of the
            axis labels (the legend 2 points smaller, the title 2 larger).

    Returns:
        The matplotlib ``Figure`` (10 x 4.5 inches).
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415

    if not isinstance(runs, dict):
        raise TypeError(f"runs must be a dict of label -> losses per step, got {_checks.show(runs)}")
    if not runs:
        raise ValueError("runs must be a non-empty dict of label -> losses per step, got an empty dict")
    log = _checks.check_bool("log", log)
    relative = _checks.check_bool("relative", relative)
    in_a_row = _checks.check_bool("in_a_row", in_a_row)
    _check_title(title)
    if ylabel is not None:
        _checks.check_str("ylabel", ylabel)
    _checks.check_str("xlabel", xlabel)
    label_kw, legend_kw, title_kw = _sizes(_check_fontsize(fontsize))
    curves = {}
    for label, values in runs.items():
        _checks.check_str("a label of runs", label)
        curves[label] = _check_losses(label, values, log=log, relative=relative)

    fig, ax = plt.subplots(figsize=(10, 4.5))
    start = 0
    for label, arr in curves.items():
        steps = np.arange(start, start + len(arr))
        ax.plot(steps, arr, "o-" if len(arr) <= 40 else "-", ms=3, label=label)
        if in_a_row:
            start += len(arr)
            if start < sum(len(a) for a in curves.values()):
                ax.axvline(start - 0.5, color="grey", ls="--", lw=1)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel, **label_kw)
    ax.set_ylabel(ylabel if ylabel is not None else ("loss / first value" if relative else "loss"), **label_kw)
    if title:
        ax.set_title(title, **title_kw)
    ax.grid(alpha=0.3)
    ax.legend(**legend_kw)
    fig.tight_layout()
    return fig


def show_images(images, titles=None, *, ncols: int = 8, size: float = 2.0, cmap=None, fontsize=None):
    """A grid of images with optional titles, at most 13 inches wide.

    Args:
        images: sequence or array of ``(H, W)`` or ``(H, W, 3)`` images, uint8
            0..255 or float 0..1.
        titles: optional strings, one per image.
        ncols: images per row (int from 1 to 100).
        size: width of one image in inches (> 0); shrunk so that the row
            fits in 13 inches when ``ncols * size`` would be wider.
        cmap: a matplotlib colour map for 2-D images (default grey).
        fontsize: None for the course style's title size, or the size of the
            titles in points.

    Returns:
        The matplotlib ``Figure``.
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415

    if isinstance(images, (str, bytes, dict)) or not hasattr(images, "__iter__"):
        raise TypeError(f"images must be a list or array of images, got {_checks.show(images)}")
    images = list(images)
    if not images:
        raise ValueError("images must hold at least one image, got none")
    if titles is not None:
        if isinstance(titles, str) or not hasattr(titles, "__len__"):
            raise TypeError(f"titles must be None or a list of strings, one per image, got {_checks.show(titles)}")
        if len(titles) != len(images):
            raise ValueError(f"got {len(titles)} titles for {len(images)} images")
    ncols = _checks.check_int("ncols", ncols, minimum=1, maximum=100)
    size = _checks.check_number("size", size, minimum=0, low_open=True, maximum=100)
    fontsize = _check_fontsize(fontsize)
    if cmap is not None:
        from matplotlib.colors import Colormap  # noqa: PLC0415

        if not isinstance(cmap, (str, Colormap)):
            raise TypeError(f"cmap must be None, a colour-map name or a matplotlib Colormap, got {_checks.show(cmap)}")
        if isinstance(cmap, str) and cmap not in plt.colormaps():
            raise ValueError(f"cmap must name a matplotlib colour map (e.g. 'gray', 'viridis'), got {cmap!r}")
    title_kw = {} if fontsize is None else {"fontsize": fontsize}
    ncols = min(ncols, len(images))
    nrows = -(-len(images) // ncols)
    size = min(size, MAX_WIDTH / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows * 1.1), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for i, img in enumerate(images):
        ax = axes.flat[i]
        img = np.asarray(img)
        if img.ndim not in (2, 3):
            plt.close(fig)
            raise ValueError(f"images[{i}] must have shape (H, W) or (H, W, 3), got {img.shape}")
        ax.imshow(img, cmap=cmap or ("gray" if img.ndim == 2 else None))
        if titles is not None:
            ax.set_title(titles[i], **title_kw)
    fig.tight_layout()
    return fig
