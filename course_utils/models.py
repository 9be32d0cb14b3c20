"""The exact models the lecture prints, defined once for notebooks and tests.

Layer names are fixed (``conv1``, ``pool1``, ...), so tables printed from these
models read the same on every run, unlike Keras' automatic ``conv2d_7`` names.
"""

from __future__ import annotations

from course_utils import sizing
from course_utils._checks import (
    MAX_COUNT,
    check_attrs,
    check_bool,
    check_choice,
    check_int,
    check_int_tuple,
    check_number,
)

__all__ = ["MAX_PARAMS", "POOLING_HEADS", "cifar10_convnet", "imdb_convnet", "layer_table", "transfer_head"]

# How the (h, w, c) maps become a vector, in the CIFAR-10 ConvNet and the
# transfer-learning head alike.
POOLING_HEADS = ("flatten", "global_max", "global_average")

# The largest model these builders make (200 million weights, 800 MB of
# float32): a mistyped size fails here with a clear message instead of inside
# TensorFlow's memory allocator. The lecture's largest model has 6.6 million.
MAX_PARAMS = 200_000_000

# Widest layer (classes, hidden units, embedding length): ImageNet-21k has
# 21,843 classes.
_MAX_UNITS = 100_000


def _check_params(what: str, count: int, detail: str) -> None:
    if count > MAX_PARAMS:
        raise ValueError(
            f"{what} would have {count:,} parameters ({detail}), more than MAX_PARAMS = {MAX_PARAMS:,}; "
            f"use smaller sizes"
        )


def _spatial_to_vector(kind: str):
    """The layer that turns (h, w, c) maps into a vector: Flatten or a global pooling."""
    from keras import layers  # noqa: PLC0415

    if kind == "flatten":
        return layers.Flatten(name="flatten")
    if kind == "global_max":
        return layers.GlobalMaxPooling2D(name="global_max_pool")
    return layers.GlobalAveragePooling2D(name="global_average_pool")


def cifar10_convnet(head: str = "flatten", *, num_classes: int = 10, softmax: bool = True):
    """The lecture's CIFAR-10 ConvNet (``001``, "A Complete ConvNet").

    Conv2D 32, 32 / MaxPool 2 / Conv2D 64, 64 / MaxPool 2 / Conv2D 64 (all 3x3,
    ReLU, no padding), then a head, Dense 1024 (ReLU) and Dense ``num_classes``.

    Args:
        head: ``"flatten"`` (the lecture's first model, 703,594 parameters),
            ``"global_max"`` (``GlobalMaxPooling2D``, 179,306) or
            ``"global_average"`` (``GlobalAveragePooling2D``, also 179,306).
        num_classes: outputs of the last layer, an int from 1 to 100,000.
        softmax: ``True`` to end with a softmax (as the lecture), ``False``
            to return logits.

    Returns:
        A ``keras.Sequential`` taking ``(batch, 32, 32, 3)`` float inputs
        (scale pixels to 0..1 first) and giving ``(batch, num_classes)``.
    """
    check_choice("head", head, POOLING_HEADS)
    num_classes = check_int("num_classes", num_classes, maximum=_MAX_UNITS)
    softmax = check_bool("softmax", softmax)
    import keras  # noqa: PLC0415
    from keras import layers  # noqa: PLC0415

    pooling = _spatial_to_vector(head)
    return keras.Sequential(
        [
            keras.Input((32, 32, 3), name="image"),
            layers.Conv2D(32, 3, activation="relu", name="conv1"),
            layers.Conv2D(32, 3, activation="relu", name="conv2"),
            layers.MaxPooling2D(2, name="pool1"),
            layers.Conv2D(64, 3, activation="relu", name="conv3"),
            layers.Conv2D(64, 3, activation="relu", name="conv4"),
            layers.MaxPooling2D(2, name="pool2"),
            layers.Conv2D(64, 3, activation="relu", name="conv5"),
            pooling,
            layers.Dense(1024, activation="relu", name="dense"),
            layers.Dense(num_classes, activation="softmax" if softmax else None, name="classes"),
        ],
        name=f"cifar10_{head}",
    )


# The shortest review the 1D ConvNet takes: Conv1D(7) leaves L - 6, MaxPooling1D(5)
# (L - 6) // 5, and the second Conv1D(7) needs at least 7 of those: L >= 6 + 5 * 7 = 41.
_IMDB_MIN_MAXLEN = 41


def imdb_convnet(num_words: int = 10000, maxlen: int = 500, embedding_dim: int = 128):
    """The lecture's 1D ConvNet for IMDB (``001``, "One Dimensional ConvNets").

    Embedding(num_words, embedding_dim) / Conv1D(32, 7, ReLU) / MaxPooling1D(5)
    / Conv1D(32, 7, ReLU) / GlobalMaxPooling1D / Dense(1). With the defaults:
    1,315,937 parameters and shapes 500 -> 494 -> 98 -> 92.

    The last layer has no activation, as printed in the lecture: it outputs a
    logit, so train with ``BinaryCrossentropy(from_logits=True)``.

    Args:
        num_words: vocabulary size, an int from 1 to 1,000,000.
        maxlen: tokens per review, an int from 41 (what Conv1D 7,
            MaxPooling1D 5 and Conv1D 7 need: ``41 -> 35 -> 7 -> 1``) to 1,000,000.
        embedding_dim: length of a word vector, an int from 1 to 100,000;
            ``num_words * embedding_dim`` must stay within :data:`MAX_PARAMS`.

    Returns:
        A ``keras.Sequential`` taking int token ids ``(batch, maxlen)`` in
        ``0..num_words-1`` and giving logits ``(batch, 1)``.
    """
    num_words = check_int("num_words", num_words)
    try:
        maxlen = check_int("maxlen", maxlen, minimum=_IMDB_MIN_MAXLEN)
    except ValueError as err:
        raise ValueError(
            f"{err} (Conv1D 7, MaxPooling1D 5 and Conv1D 7 need at least {_IMDB_MIN_MAXLEN} tokens)"
        ) from None
    embedding_dim = check_int("embedding_dim", embedding_dim, maximum=_MAX_UNITS)
    _check_params(
        "imdb_convnet",
        sizing.dense_params(num_words, embedding_dim, bias=False),
        f"an embedding of {num_words:,} words x {embedding_dim:,}",
    )
    import keras  # noqa: PLC0415
    from keras import layers  # noqa: PLC0415

    return keras.Sequential(
        [
            keras.Input((maxlen,), dtype="int32", name="tokens"),
            layers.Embedding(num_words, embedding_dim, name="embedding"),
            layers.Conv1D(32, 7, activation="relu", name="conv1"),
            layers.MaxPooling1D(5, name="pool"),
            layers.Conv1D(32, 7, activation="relu", name="conv2"),
            layers.GlobalMaxPooling1D(name="global_max_pool"),
            layers.Dense(1, name="logit"),
        ],
        name="imdb_convnet",
    )


def transfer_head(feature_shape, pooling: str = "flatten", *, units: int = 256, dropout: float = 0.5):
    """The lecture's transfer-learning classifier on top of frozen features.

    ``001``, "Transfer Learning with ConvNets": features of shape
    ``feature_shape`` (MobileNet at 160 px: ``(5, 5, 1024)`` for alpha 1.0,
    ``(5, 5, 768)`` for the course's alpha 0.75) -> Flatten (the printed
    model) or a global pooling (what the lecture's prose describes) ->
    Dense(units, ReLU) -> Dropout -> Dense(1) logit.

    Parameter counts: ``(5, 5, 1024)`` + flatten = 6,554,113 (the lecture's);
    ``(5, 5, 768)`` + flatten = 4,915,713; ``(5, 5, 768)`` + global max =
    197,121.

    Args:
        feature_shape: ``(height, width, channels)``, ints from 1 to 1,000,000.
        pooling: one of :data:`POOLING_HEADS`.
        units: hidden units, an int from 1 to 100,000 (the whole head must
            stay within :data:`MAX_PARAMS`).
        dropout: dropout rate, a number in ``[0, 1)``.

    Returns:
        A ``keras.Model`` from ``(batch, *feature_shape)`` floats to logits
        ``(batch, 1)`` (train with ``BinaryCrossentropy(from_logits=True)``).
    """
    feature_shape = check_int_tuple(
        "feature_shape", feature_shape, 3, maximum=MAX_COUNT, what="(height, width, channels)"
    )
    check_choice("pooling", pooling, POOLING_HEADS)
    units = check_int("units", units, maximum=_MAX_UNITS)
    dropout = check_number("dropout", dropout, minimum=0, maximum=1, high_open=True)
    h, w, c = feature_shape
    inputs = h * w * c if pooling == "flatten" else c
    _check_params(
        "transfer_head",
        sizing.dense_params(inputs, units) + sizing.dense_params(units, 1),
        f"{inputs:,} features x {units:,} units",
    )
    import keras  # noqa: PLC0415
    from keras import layers  # noqa: PLC0415

    pool = _spatial_to_vector(pooling)
    return keras.Sequential(
        [
            keras.Input(tuple(feature_shape), name="features"),
            pool,
            layers.Dense(units, activation="relu", name="hidden"),
            layers.Dropout(dropout, name="dropout"),
            layers.Dense(1, name="logit"),
        ],
        name=f"transfer_head_{pooling}",
    )


def layer_table(model) -> str:
    """A small per-layer table: name, class, output shape, parameters.

    Deterministic for the models above (fixed names), so notebooks print it in
    checked cells instead of the full ``model.summary()`` text.
    """
    check_attrs("model", model, ("layers", "count_params"), "a built keras.Model")
    rows = [("layer", "type", "output shape", "params")]
    for layer in model.layers:
        shape = tuple(layer.output.shape) if hasattr(layer, "output") else "?"
        rows.append((layer.name, type(layer).__name__, str(shape), f"{layer.count_params():,}"))
    rows.append(("total", "", "", f"{model.count_params():,}"))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = []
    for i, r in enumerate(rows):
        lines.append(f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]:>{widths[3]}}")
        if i == 0 or i == len(rows) - 2:
            lines.append("-" * len(lines[0]))
    return "\n".join(lines)
