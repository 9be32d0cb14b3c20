"""The exact models the lecture prints, defined once for notebooks and tests.

Layer names are fixed (``conv1``, ``pool1``, ...), so tables printed from these
models read the same on every run, unlike Keras' automatic ``conv2d_7`` names.
"""

from __future__ import annotations

__all__ = ["CIFAR10_HEADS", "TRANSFER_POOLINGS", "cifar10_convnet", "imdb_convnet", "layer_table", "transfer_head"]

TRANSFER_POOLINGS = ("flatten", "global_max", "global_average")

CIFAR10_HEADS = ("flatten", "global_max", "global_average")


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
        num_classes: outputs of the last layer.
        softmax: end with a softmax (as the lecture) or return logits.

    Returns:
        A ``keras.Sequential`` taking ``(batch, 32, 32, 3)`` float inputs
        (scale pixels to 0..1 first) and giving ``(batch, num_classes)``.
    """
    if head not in CIFAR10_HEADS:
        raise ValueError(f"head must be one of {', '.join(repr(h) for h in CIFAR10_HEADS)}; got {head!r}")
    if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 1:
        raise ValueError(f"num_classes must be an int >= 1, got {num_classes!r}")
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


def imdb_convnet(num_words: int = 10000, maxlen: int = 500, embedding_dim: int = 128):
    """The lecture's 1D ConvNet for IMDB (``001``, "One Dimensional ConvNets").

    Embedding(num_words, embedding_dim) / Conv1D(32, 7, ReLU) / MaxPooling1D(5)
    / Conv1D(32, 7, ReLU) / GlobalMaxPooling1D / Dense(1). With the defaults:
    1,315,937 parameters and shapes 500 -> 494 -> 98 -> 92.

    The last layer has no activation, as printed in the lecture: it outputs a
    logit, so train with ``BinaryCrossentropy(from_logits=True)``.

    Returns:
        A ``keras.Sequential`` taking int token ids ``(batch, maxlen)`` in
        ``0..num_words-1`` and giving logits ``(batch, 1)``.
    """
    for label, value in (("num_words", num_words), ("maxlen", maxlen), ("embedding_dim", embedding_dim)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{label} must be an int >= 1, got {value!r}")
    if maxlen < 19:
        raise ValueError(f"maxlen must be at least 19 for two 7-wide convolutions and a pool of 5, got {maxlen}")
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

    Returns:
        A ``keras.Model`` from ``(batch, *feature_shape)`` floats to logits
        ``(batch, 1)`` (train with ``BinaryCrossentropy(from_logits=True)``).
    """
    if (
        not isinstance(feature_shape, (tuple, list))
        or len(feature_shape) != 3
        or any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in feature_shape)
    ):
        raise ValueError(f"feature_shape must be (height, width, channels) of ints >= 1, got {feature_shape!r}")
    if pooling not in TRANSFER_POOLINGS:
        raise ValueError(f"pooling must be one of {', '.join(repr(p) for p in TRANSFER_POOLINGS)}; got {pooling!r}")
    if isinstance(units, bool) or not isinstance(units, int) or units < 1:
        raise ValueError(f"units must be an int >= 1, got {units!r}")
    if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout < 1:
        raise ValueError(f"dropout must be a number in [0, 1), got {dropout!r}")
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
    if not hasattr(model, "layers") or not hasattr(model, "count_params"):
        raise TypeError(f"model must be a built keras.Model, got {type(model).__name__}")
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
