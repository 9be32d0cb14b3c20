"""Plotting helpers for the notebooks (matplotlib only)."""

from __future__ import annotations

import numpy as np

__all__ = ["plot_histories", "show_images"]


def plot_histories(histories: dict, metrics=("loss", "accuracy"), *, title: str | None = None, fontsize: float = 14):
    """Learning curves of several runs side by side, one panel per metric.

    Args:
        histories: label -> ``History`` object or its ``.history`` dict.
        metrics: metric names; each panel draws ``metric`` (solid, training)
            and ``val_metric`` (dashed, validation) for every run.
        title: optional figure title.
        fontsize: size in points of the axis labels; legends are 2 points
            smaller, the title 2 larger (the default reads well on a projector).

    Returns:
        The matplotlib ``Figure``.
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415

    if not isinstance(histories, dict) or not histories:
        raise ValueError("histories must be a non-empty dict of label -> History")
    if isinstance(metrics, str):
        metrics = (metrics,)
    _check_fontsize(fontsize)
    fig, axes = plt.subplots(1, len(metrics), figsize=(6.5 * len(metrics), 4.5), squeeze=False)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, metric in zip(axes[0], metrics, strict=True):
        for i, (label, h) in enumerate(histories.items()):
            h = getattr(h, "history", h)
            if metric not in h:
                raise ValueError(f"run {label!r} has no metric {metric!r}; it has {sorted(h)}")
            epochs = np.arange(1, len(h[metric]) + 1)
            c = colours[i % len(colours)]
            ax.plot(epochs, h[metric], "-", color=c, lw=2, label=f"{label} (train)")
            if f"val_{metric}" in h:
                ax.plot(epochs, h[f"val_{metric}"], "--", color=c, lw=2, label=f"{label} (validation)")
        ax.set_xlabel("epoch", fontsize=fontsize)
        ax.set_ylabel(metric, fontsize=fontsize)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=fontsize - 2)
    if title:
        fig.suptitle(title, fontsize=fontsize + 2)
    fig.tight_layout()
    return fig


def show_images(images, titles=None, *, ncols: int = 8, size: float = 2.0, cmap=None, fontsize: float = 14):
    """A grid of images with optional titles.

    Args:
        images: sequence or array of ``(H, W)`` or ``(H, W, 3)`` images, uint8
            0..255 or float 0..1.
        titles: optional strings, one per image.
        ncols: images per row.
        size: width of one image in inches.
        fontsize: size of the titles in points.

    Returns:
        The matplotlib ``Figure``.
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415

    images = list(images)
    if not images:
        raise ValueError("images is empty")
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"got {len(titles)} titles for {len(images)} images")
    if isinstance(ncols, bool) or not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols must be an int >= 1, got {ncols!r}")
    _check_fontsize(fontsize)
    ncols = min(ncols, len(images))
    nrows = -(-len(images) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows * 1.1), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for i, img in enumerate(images):
        ax = axes.flat[i]
        img = np.asarray(img)
        ax.imshow(img, cmap=cmap or ("gray" if img.ndim == 2 else None))
        if titles is not None:
            ax.set_title(titles[i], fontsize=fontsize)
    fig.tight_layout()
    return fig


def _check_fontsize(fontsize) -> None:
    if isinstance(fontsize, bool) or not isinstance(fontsize, (int, float)) or not 4 <= fontsize <= 72:
        raise ValueError(f"fontsize must be a number of points between 4 and 72, got {fontsize!r}")
