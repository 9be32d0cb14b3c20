"""The survey's networks built by hand, and counts read off any Keras model.

Builders (fixed layer names, so tables read the same on every computer):

* :func:`lenet5`: LeNet-5 in its Keras form, ``32 -> 28 -> 14 -> 10 -> 5``;
* :func:`alexnet`: AlexNet at 227 px, the two-GPU split as ``groups=2``;
* :func:`googlenet`: GoogLeNet (Inception v1) from Table 1 of Szegedy et al.
  (2015), nine Inception modules, without the auxiliary classifiers.

Counts (any Keras model whose layers run in ``channels_last`` order):

* :func:`multiply_adds`: multiply-adds per image of ``Conv2D`` (groups
  included), ``DepthwiseConv2D``, ``SeparableConv2D`` and ``Dense`` layers,
  from the formulas of :mod:`course_utils.sizing`;
* :func:`weighted_depth`: the number of weighted layers on the longest path
  from input to output (how papers count "50 layers");
* :func:`neurons`: the number of values the weighted layers output per image.

Timing: :func:`matmul_gflops` (the machine's dense matrix-product rate) and
:func:`images_per_second` (a model's forward-pass rate at a fixed batch).

TensorFlow and Keras are imported inside the functions, so importing this
module is cheap.
"""

from __future__ import annotations

import math
import time

from course_utils._checks import check_attrs, check_bool, check_choice, check_int, show
from course_utils.sizing import conv_multiplications, dense_params

__all__ = [
    "alexnet",
    "googlenet",
    "images_per_second",
    "lenet5",
    "matmul_gflops",
    "multiply_adds",
    "neurons",
    "weighted_depth",
]

# Layer classes that hold weights the counts care about.
_WEIGHTED = ("Conv1D", "Conv2D", "Conv3D", "DepthwiseConv2D", "SeparableConv2D", "Dense")

# GoogLeNet's Inception modules, Table 1 of the paper:
# name -> (#1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj)
GOOGLENET_MODULES = {
    "3a": (64, 96, 128, 16, 32, 32),
    "3b": (128, 128, 192, 32, 96, 64),
    "4a": (192, 96, 208, 16, 48, 64),
    "4b": (160, 112, 224, 24, 64, 64),
    "4c": (128, 128, 256, 24, 64, 64),
    "4d": (112, 144, 288, 32, 64, 64),
    "4e": (256, 160, 320, 32, 128, 128),
    "5a": (256, 160, 320, 32, 128, 128),
    "5b": (384, 192, 384, 48, 128, 128),
}


def _check_model(model):
    return check_attrs("model", model, ("layers", "count_params"), "a Keras model")


# --------------------------------------------------------------------------
# builders
# --------------------------------------------------------------------------
def lenet5(num_classes: int = 10, input_size: int = 32, pooling: str = "average"):
    """LeNet-5 in its usual Keras form (LeCun et al., 1998, simplified).

    ``conv1`` (6 filters 5x5) -> ``pool1`` (2x2) -> ``conv2`` (16
    filters 5x5) -> ``pool2`` -> ``flatten`` -> ``dense1`` (120) ->
    ``dense2`` (84) -> ``output`` (``num_classes``, softmax); ReLU after each
    convolution and hidden dense layer. Every convolution sees all channels
    of its input (the 1998 paper connected C3 only partially), pooling has
    no weights (the paper's subsampling had two per map), and the output is
    a dense softmax layer (the paper used fixed RBF units).

    Args:
        num_classes: output units, an int from 2 to 1,000.
        input_size: side of the square grey input, an int from 20 to 256
            (32: MNIST's 28x28 digits padded by 2 pixels on each side, which
            gives the lecture's 32 -> 28 -> 14 -> 10 -> 5).
        pooling: ``"average"`` (closest to the paper's subsampling) or
            ``"max"`` (the modern choice; trains to a lower error).

    Returns:
        An uncompiled ``keras.Model`` named ``"lenet5"`` taking
        ``(batch, input_size, input_size, 1)`` floats and giving
        ``(batch, num_classes)`` probabilities; 61,706 parameters at 32 px
        and 10 classes.
    """
    num_classes = check_int("num_classes", num_classes, minimum=2, maximum=1000)
    input_size = check_int("input_size", input_size, minimum=20, maximum=256)
    pooling = check_choice("pooling", pooling, ("average", "max"))
    import keras  # noqa: PLC0415

    layers = keras.layers
    pool = layers.AveragePooling2D if pooling == "average" else layers.MaxPooling2D
    inputs = keras.Input((input_size, input_size, 1), name="image")
    x = layers.Conv2D(6, 5, activation="relu", name="conv1")(inputs)
    x = pool(2, name="pool1")(x)
    x = layers.Conv2D(16, 5, activation="relu", name="conv2")(x)
    x = pool(2, name="pool2")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(120, activation="relu", name="dense1")(x)
    x = layers.Dense(84, activation="relu", name="dense2")(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="output")(x)
    return keras.Model(inputs, outputs, name="lenet5")


def alexnet(groups: int = 2, input_size: int = 227, num_classes: int = 1000):
    """AlexNet (Krizhevsky, Sutskever and Hinton, 2012), built by hand.

    Five convolutions and three dense layers: ``conv1`` 96 filters 11x11
    stride 4 (valid) -> ``pool1`` 3x3 stride 2 -> ``conv2`` 256 5x5 'same'
    -> ``pool2`` -> ``conv3`` 384 3x3 -> ``conv4`` 384 3x3 -> ``conv5`` 256
    3x3 -> ``pool3`` -> ``flatten`` -> ``fc6`` 4096 -> ``drop6`` -> ``fc7``
    4096 -> ``drop7`` -> ``fc8`` ``num_classes`` (softmax). The pooling
    windows overlap (3x3 every 2 pixels); dropout 0.5 before ``fc7`` and
    ``fc8``. The paper's two GPUs appear as ``groups`` in ``conv2``,
    ``conv4`` and ``conv5`` (each half of the filters sees half of the
    channels); ``conv3`` and the dense layers see everything. Local
    response normalisation is left out (it has no weights).

    Args:
        groups: 1 (one GPU) or 2 (the paper's split).
        input_size: side of the square RGB input, an int from 67 to 1,024
            for which ``(input_size - 11) / 4`` is whole (227 gives
            55 -> 27 -> 13 -> 6; 224 does not fit).
        num_classes: output units, an int from 2 to 1,000.

    Returns:
        An uncompiled ``keras.Model`` named ``"alexnet"``: input
        ``(batch, input_size, input_size, 3)``, output
        ``(batch, num_classes)``; 60,965,224 parameters with ``groups=2``
        at 227 px and 1,000 classes.
    """
    groups = check_int("groups", groups, minimum=1, maximum=2)
    input_size = check_int("input_size", input_size, minimum=67, maximum=1024)
    num_classes = check_int("num_classes", num_classes, minimum=2, maximum=1000)
    if (input_size - 11) % 4:
        below = input_size - (input_size - 11) % 4
        raise ValueError(
            f"input_size must leave (input_size - 11) / 4 whole for conv1 (11x11, stride 4, no padding), "
            f"got {input_size}; try {below} or {below + 4}"
        )
    import keras  # noqa: PLC0415

    layers = keras.layers
    inputs = keras.Input((input_size, input_size, 3), name="image")
    x = layers.Conv2D(96, 11, strides=4, activation="relu", name="conv1")(inputs)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    x = layers.Conv2D(256, 5, padding="same", groups=groups, activation="relu", name="conv2")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool2")(x)
    x = layers.Conv2D(384, 3, padding="same", activation="relu", name="conv3")(x)
    x = layers.Conv2D(384, 3, padding="same", groups=groups, activation="relu", name="conv4")(x)
    x = layers.Conv2D(256, 3, padding="same", groups=groups, activation="relu", name="conv5")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool3")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(4096, activation="relu", name="fc6")(x)
    x = layers.Dropout(0.5, name="drop6")(x)
    x = layers.Dense(4096, activation="relu", name="fc7")(x)
    x = layers.Dropout(0.5, name="drop7")(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="fc8")(x)
    return keras.Model(inputs, outputs, name="alexnet")


def googlenet(num_classes: int = 1000, input_size: int = 224):
    """GoogLeNet (Inception v1, Szegedy et al., 2015) from the paper's Table 1.

    ``conv1`` 7x7/2 (64) -> ``pool1`` 3x3/2 -> ``conv2_reduce`` 1x1 (64) ->
    ``conv2`` 3x3 (192) -> ``pool2`` -> Inception ``3a``, ``3b`` ->
    ``pool3`` -> ``4a`` ... ``4e`` -> ``pool4`` -> ``5a``, ``5b`` ->
    ``avgpool`` (global average) -> ``dropout`` (0.4) -> ``output`` (dense
    softmax). Each module ``inception_XX`` has four branches joined by
    ``Concatenate``: ``XX_1x1``; ``XX_3x3_reduce`` then ``XX_3x3``;
    ``XX_5x5_reduce`` then ``XX_5x5``; ``XX_pool`` (3x3 max, stride 1) then
    ``XX_pool_proj``; filter numbers in :data:`GOOGLENET_MODULES`. All
    convolutions are 'same' with ReLU; pools 'same'. Local response
    normalisation and the two auxiliary classifiers (used in training only)
    are left out.

    Args:
        num_classes: output units, an int from 2 to 1,000.
        input_size: side of the square RGB input, an int from 32 to 1,024
            (224: 112 -> 56 -> 28 -> 14 -> 7).

    Returns:
        An uncompiled ``keras.Model`` named ``"googlenet"``: input
        ``(batch, input_size, input_size, 3)``, output ``(batch, num_classes)``.
    """
    num_classes = check_int("num_classes", num_classes, minimum=2, maximum=1000)
    input_size = check_int("input_size", input_size, minimum=32, maximum=1024)
    import keras  # noqa: PLC0415

    layers = keras.layers

    def conv(x, filters, kernel, name, strides=1):
        return layers.Conv2D(filters, kernel, strides=strides, padding="same", activation="relu", name=name)(x)

    def inception(x, name):
        n1, r3, n3, r5, n5, pp = GOOGLENET_MODULES[name]
        b1 = conv(x, n1, 1, f"{name}_1x1")
        b3 = conv(conv(x, r3, 1, f"{name}_3x3_reduce"), n3, 3, f"{name}_3x3")
        b5 = conv(conv(x, r5, 1, f"{name}_5x5_reduce"), n5, 5, f"{name}_5x5")
        bp = layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}_pool")(x)
        bp = conv(bp, pp, 1, f"{name}_pool_proj")
        return layers.Concatenate(name=f"inception_{name}")([b1, b3, b5, bp])

    def pool(x, name):
        return layers.MaxPooling2D(3, strides=2, padding="same", name=name)(x)

    inputs = keras.Input((input_size, input_size, 3), name="image")
    x = conv(inputs, 64, 7, "conv1", strides=2)
    x = pool(x, "pool1")
    x = conv(x, 64, 1, "conv2_reduce")
    x = conv(x, 192, 3, "conv2")
    x = pool(x, "pool2")
    for stage, names in (("3", ("3a", "3b")), ("4", ("4a", "4b", "4c", "4d", "4e")), ("5", ("5a", "5b"))):
        for name in names:
            x = inception(x, name)
        if stage != "5":
            x = pool(x, f"pool{int(stage)}")
    x = layers.GlobalAveragePooling2D(name="avgpool")(x)
    x = layers.Dropout(0.4, name="dropout")(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="output")(x)
    return keras.Model(inputs, outputs, name="googlenet")


# --------------------------------------------------------------------------
# counts
# --------------------------------------------------------------------------
def _flat_layers(model):
    """The layers of ``model``, nested models opened up (in their order)."""
    out = []
    for layer in model.layers:
        if hasattr(layer, "layers") and type(layer).__name__ in ("Functional", "Sequential", "Model"):
            out.extend(_flat_layers(layer))
        else:
            out.append(layer)
    return out


def _shape(tensor_or_list):
    t = tensor_or_list[0] if isinstance(tensor_or_list, (list, tuple)) else tensor_or_list
    return tuple(t.shape)


def _layer_multiply_adds(layer) -> int:
    kind = type(layer).__name__
    if kind not in _WEIGHTED:
        return 0
    if getattr(layer, "data_format", "channels_last") != "channels_last":
        raise ValueError(f"model: layer {layer.name!r} uses {layer.data_format!r}; only channels_last is counted")
    in_shape, out_shape = _shape(layer.input), _shape(layer.output)
    if kind == "Dense":
        positions = math.prod(int(d) for d in in_shape[1:-1])  # a Dense on a map acts at every position
        return positions * dense_params(int(in_shape[-1]), int(layer.units), bias=False)
    cin, spatial = int(in_shape[-1]), tuple(int(d) for d in out_shape[1:-1])
    kernel = tuple(int(k) for k in layer.kernel_size)
    if kind in ("Conv1D", "Conv3D"):  # same formula with the kernel and output as flat areas
        kernel, spatial = (math.prod(kernel), 1), (math.prod(spatial), 1)
    if kind == "DepthwiseConv2D":
        return conv_multiplications(kernel, 1, spatial, cin * int(layer.depth_multiplier))
    if kind == "SeparableConv2D":
        mid = cin * int(layer.depth_multiplier)
        return conv_multiplications(kernel, 1, spatial, mid) + conv_multiplications(1, mid, spatial, int(layer.filters))
    groups = int(getattr(layer, "groups", 1))
    return conv_multiplications(kernel, cin // groups, spatial, int(layer.filters))


def multiply_adds(model, per_layer: bool = False):
    """Multiply-adds a model needs per image, from its layers' shapes.

    Counted: ``Conv2D`` (``F*F*(D/groups) * H'*W' * D'``), ``Conv1D`` and
    ``Conv3D`` (the same with the kernel and output as flat areas),
    ``DepthwiseConv2D`` (``F*F * H'*W' * D*multiplier``), ``SeparableConv2D``
    (depthwise plus the 1x1 pointwise step) and ``Dense`` (inputs x units,
    at every position when applied to a map). Biases, batch norm,
    activations, pooling and additions are not counted (they are a few per
    output value, small beside the products). Nested models are opened up.

    Args:
        model: a built Keras model with known input size (e.g. 224x224),
            layers in ``channels_last`` order.
        per_layer: False for the total; True for a dict ``{layer name: count}``
            of the counted layers, in the model's order.

    Returns:
        An int >= 0 (per image), or the dict.

    Raises:
        TypeError: ``model`` is not a Keras model.
        ValueError: a counted layer has an unknown size or is channels_first.
    """
    _check_model(model)
    per_layer = check_bool("per_layer", per_layer)
    counts = {}
    for layer in _flat_layers(model):
        try:
            count = _layer_multiply_adds(layer)
        except (TypeError, ValueError, AttributeError) as err:
            if isinstance(err, ValueError) and str(err).startswith("model:"):
                raise
            raise ValueError(f"model: layer {layer.name!r} has no fixed input and output size ({err})") from None
        if type(layer).__name__ in _WEIGHTED:
            counts[layer.name] = count
    return counts if per_layer else sum(counts.values())


def neurons(model) -> int:
    """Values output per image by the weighted layers (conv, dense): the "neurons".

    Args:
        model: a built Keras model with a known input size.

    Returns:
        An int >= 0: the sum over ``Conv*``, ``DepthwiseConv2D``,
        ``SeparableConv2D`` and ``Dense`` layers of their output size without
        the batch axis (659,272 for AlexNet at 227 px).
    """
    _check_model(model)
    total = 0
    for layer in _flat_layers(model):
        if type(layer).__name__ in _WEIGHTED:
            total += math.prod(int(d) for d in _shape(layer.output)[1:])
    return total


def weighted_depth(model) -> int:
    """Weighted layers on the longest path from the input to the output.

    Conv, depthwise, separable and dense layers count 1 each; everything
    else (pooling, batch norm, additions, concatenations) counts 0. This is
    how papers count depth: ResNet50 gives 50 (its four projection shortcuts
    run beside the main path and do not add), VGG16 16, AlexNet 8.

    Args:
        model: a Keras functional or sequential model.

    Returns:
        An int >= 0.
    """
    _check_model(model)
    depth = {}
    for layer in _flat_layers(model):
        inputs = layer.input if isinstance(layer.input, (list, tuple)) else [layer.input]
        before = []
        for t in inputs:
            history = getattr(t, "_keras_history", None)
            if history is not None:
                before.append(depth.get(id(history[0]), 0))
        depth[id(layer)] = max(before, default=0) + (type(layer).__name__ in _WEIGHTED)
    return max(depth.values(), default=0)


# --------------------------------------------------------------------------
# timing
# --------------------------------------------------------------------------
def matmul_gflops(n: int = 1024, repeats: int = 5) -> float:
    """The machine's rate on one dense float32 matrix product, in GFLOP/s.

    Multiplies two random ``n x n`` matrices with TensorFlow ``repeats`` times
    (after one warm-up) and keeps the fastest run; a product costs
    ``2 n^3`` floating-point operations (one multiply and one add per term).
    A rough ceiling for what a ConvNet can reach on the same device.

    Args:
        n: matrix side, an int from 16 to 8,192.
        repeats: timed runs, an int from 1 to 100.

    Returns:
        A float > 0, in billions of floating-point operations per second.
    """
    n = check_int("n", n, minimum=16, maximum=8192)
    repeats = check_int("repeats", repeats, minimum=1, maximum=100)
    import tensorflow as tf  # noqa: PLC0415

    a = tf.random.stateless_normal((n, n), seed=(0, 1))
    b = tf.random.stateless_normal((n, n), seed=(0, 2))
    tf.linalg.matmul(a, b).numpy()  # warm-up
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        tf.linalg.matmul(a, b).numpy()
        best = min(best, time.perf_counter() - start)
    return 2 * n**3 / max(best, 1e-9) / 1e9


def images_per_second(model, batch_size: int = 8, repeats: int = 2) -> float:
    """Forward-pass rate of ``model`` on a batch of zeros, in images per second.

    One untimed call first (it traces the graph), then ``repeats`` timed
    calls of ``model(batch, training=False)``; the fastest counts.

    Args:
        model: a Keras model with a fixed input shape ``(None, H, W, C)``.
        batch_size: images per call, an int from 1 to 1,024.
        repeats: timed calls, an int from 1 to 100.

    Returns:
        A float > 0.
    """
    _check_model(model)
    batch_size = check_int("batch_size", batch_size, minimum=1, maximum=1024)
    repeats = check_int("repeats", repeats, minimum=1, maximum=100)
    shape = tuple(model.inputs[0].shape[1:]) if getattr(model, "inputs", None) else ()
    if not shape or any(d is None for d in shape):
        raise ValueError(f"model must have a fixed input shape, got {show(shape)}")
    import numpy as np  # noqa: PLC0415
    import tensorflow as tf  # noqa: PLC0415

    batch = tf.constant(np.zeros((batch_size, *shape), np.float32))
    forward = tf.function(lambda x: model(x, training=False))
    forward(batch).numpy()
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        forward(batch).numpy()
        best = min(best, time.perf_counter() - start)
    return batch_size / max(best, 1e-9)
