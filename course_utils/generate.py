"""Gradient-based image optimisation: the engine behind notebooks 10 to 13.

Class-score maximisation, adversarial images, Deep Dream, feature inversion and
style transfer all do the same thing: keep a network fixed, define a loss on its
activations, and change the *pixels* by gradient steps. This module holds the
shared pieces so the notebooks can show the formula, not the plumbing:

* :func:`feature_extractor`: a model returning the activations of named layers;
* losses from the lectures: :func:`gram_matrix`, :func:`style_layer_loss`,
  :func:`content_loss`, :func:`total_variation`, :func:`alpha_norm`;
* :func:`optimize_image`: one compiled (``tf.function``) update step run for
  many steps, with optional gradient normalisation, random jitter, blur,
  clipping to the valid input range, and an eager mode to measure what
  compiling buys;
* :func:`octave_shapes`: image sizes for multi-scale (octave) processing.

Images are float32 tensors ``(1, H, W, 3)`` on the model's input scale (for
MobileNet ``[-1, 1]``: use :func:`course_utils.images` helpers to convert).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "BACKBONES",
    "Backbone",
    "OptimizationResult",
    "backbone",
    "alpha_norm",
    "content_loss",
    "feature_extractor",
    "gram_matrix",
    "octave_shapes",
    "optimize_image",
    "style_layer_loss",
    "total_variation",
]


def _tf():
    import tensorflow as tf  # noqa: PLC0415

    return tf


# Layers the generative notebooks use, per backbone. MobileNet v1 alpha 0.75 is
# the course's network (the only ImageNet model in the offline mirror); VGG19
# is what Gatys et al. and Mahendran and Vedaldi used, one line away online.
BACKBONES = {
    "mobilenet": {
        "dream": ("conv_pw_5_relu", "conv_pw_8_relu"),
        "inversion": ("conv_pw_1_relu", "conv_pw_3_relu", "conv_pw_5_relu", "conv_pw_7_relu", "conv_pw_11_relu"),
        "style": ("conv_pw_1_relu", "conv_pw_3_relu", "conv_pw_5_relu", "conv_pw_7_relu", "conv_pw_11_relu"),
        "content": ("conv_pw_9_relu",),
    },
    "vgg19": {
        "dream": ("block4_conv1", "block5_conv1"),
        "inversion": ("block1_conv2", "block2_conv2", "block3_conv4", "block4_conv4", "block5_conv4"),
        "style": ("block1_conv1", "block2_conv1", "block3_conv1", "block4_conv1", "block5_conv1"),
        "content": ("block4_conv2",),
    },
}
_VGG_MEAN_BGR = (103.939, 116.779, 123.68)


@dataclass
class Backbone:
    """A pretrained network, fully convolutional, with its pixel conventions.

    Attributes:
        name: ``"mobilenet"`` or ``"vgg19"``.
        model: ``keras.Model`` without the classifier, any input size.
        layers: role -> layer names (``"dream"``, ``"inversion"``,
            ``"style"``, ``"content"``), from :data:`BACKBONES`.
        clip: ``(low, high)`` valid range of the model's input, for
            :func:`optimize_image`'s ``clip``.
    """

    name: str
    model: object
    layers: dict
    clip: tuple

    def preprocess(self, image):
        """uint8/float 0..255 ``(H, W, 3)`` or ``(1, H, W, 3)`` RGB -> float32 ``(1, H, W, 3)`` model input."""
        x = np.asarray(image, dtype=np.float32)
        if x.ndim == 3:
            x = x[None]
        if x.ndim != 4 or x.shape[-1] != 3:
            raise ValueError(f"image must have shape (H, W, 3) or (1, H, W, 3), got {x.shape}")
        if self.name == "mobilenet":
            return x / 127.5 - 1.0
        return x[..., ::-1] - np.asarray(_VGG_MEAN_BGR, np.float32)

    def deprocess(self, x):
        """Model input ``(1, H, W, 3)`` or ``(H, W, 3)`` -> uint8 ``(H, W, 3)`` RGB for display."""
        x = np.asarray(x, dtype=np.float32)
        if x.ndim == 4:
            x = x[0]
        if self.name == "mobilenet":
            rgb = (x + 1.0) * 127.5
        else:
            rgb = (x + np.asarray(_VGG_MEAN_BGR, np.float32))[..., ::-1]
        return np.clip(np.round(rgb), 0, 255).astype(np.uint8)


def backbone(name: str = "mobilenet", weights: str | None = "imagenet") -> Backbone:
    """The generative notebooks' network: ``"mobilenet"`` (default) or ``"vgg19"``.

    Args:
        name: a key of :data:`BACKBONES`.
        weights: ``"imagenet"`` (through the data registry: MobileNet alpha
            0.75 from the course mirror or its download; VGG19's 80 MB file
            from Keras' server) or None (random weights: for tests and for
            seeing what an untrained network gives).

    Returns:
        A :class:`Backbone`.
    """
    if name not in BACKBONES:
        raise ValueError(f"backbone must be one of {', '.join(repr(n) for n in BACKBONES)}; got {name!r}")
    if weights not in ("imagenet", None):
        raise ValueError(f"weights must be 'imagenet' or None, got {weights!r}")
    import keras  # noqa: PLC0415

    if name == "mobilenet":
        if weights == "imagenet":
            from course_utils.data import mobilenet  # noqa: PLC0415

            model = mobilenet(include_top=False, image_size=None)
        else:
            model = keras.applications.MobileNet(
                input_shape=(None, None, 3), alpha=0.75, include_top=False, weights=None
            )
        clip = (-1.0, 1.0)
    else:
        if weights == "imagenet":
            from course_utils.data import prepare_keras_cache  # noqa: PLC0415

            prepare_keras_cache(["vgg19_notop"])
        model = keras.applications.VGG19(include_top=False, weights=weights, input_shape=(None, None, 3))
        clip = (-max(_VGG_MEAN_BGR), 255.0 - min(_VGG_MEAN_BGR))  # loosest per-channel bounds
    model.trainable = False
    return Backbone(name, model, dict(BACKBONES[name]), clip)


def feature_extractor(model, layer_names):
    """A model mapping the input of ``model`` to the outputs of named layers.

    Args:
        model: a built ``keras.Model`` (e.g. ``data.mobilenet()``).
        layer_names: a layer name or a list of names, e.g.
            ``["conv_pw_5_relu", "conv_pw_8_relu"]``.

    Returns:
        A ``keras.Model`` whose output is a dict ``name -> (batch, h, w, c)``
        activations; it is not trainable.

    Raises:
        ValueError: naming the unknown layer and a few valid names.
    """
    import keras  # noqa: PLC0415

    if isinstance(layer_names, str):
        layer_names = [layer_names]
    if not isinstance(layer_names, (list, tuple)) or not layer_names:
        raise ValueError(f"layer_names must be a layer name or a non-empty list of names, got {layer_names!r}")
    known = [layer.name for layer in model.layers]
    outputs = {}
    for name in layer_names:
        if name not in known:
            sample = ", ".join(known[-8:])
            raise ValueError(f"model {model.name!r} has no layer {name!r}; its last layers are: {sample}")
        outputs[name] = model.get_layer(name).output
    inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs
    extractor = keras.Model(inputs, outputs, name=f"{model.name}_features")
    extractor.trainable = False
    return extractor


def gram_matrix(features):
    """Gram matrices ``G_ij = sum_k F_ik F_jk`` of a batch of feature maps.

    Args:
        features: ``(batch, height, width, N)`` activations; ``k`` runs over
            the ``M = height * width`` positions, ``i, j`` over the ``N`` maps.

    Returns:
        ``(batch, N, N)`` float32, un-normalised (see
        :func:`style_layer_loss` for the lecture's ``1/(4 N^2 M^2)``).
    """
    tf = _tf()
    f = tf.convert_to_tensor(features, dtype=tf.float32)
    if f.shape.rank != 4:
        raise ValueError(f"features must have shape (batch, height, width, channels), got {f.shape}")
    return tf.einsum("bhwi,bhwj->bij", f, f)


def style_layer_loss(features, target_gram):
    """One layer's style loss ``E_l = sum_ij (G_ij - A_ij)^2 / (4 N^2 M^2)``.

    Args:
        features: ``(1, H, W, N)`` activations of the image being optimised.
        target_gram: ``(1, N, N)`` Gram matrix of the style image's features.

    Returns:
        A scalar float32 (Gatys et al.'s normalisation, as in lecture ``003``).
    """
    tf = _tf()
    f = tf.convert_to_tensor(features, dtype=tf.float32)
    n = tf.cast(tf.shape(f)[-1], tf.float32)
    m = tf.cast(tf.shape(f)[1] * tf.shape(f)[2], tf.float32)
    g = gram_matrix(f)
    return tf.reduce_sum(tf.square(g - target_gram)) / (4.0 * n**2 * m**2)


def content_loss(features, target):
    """``E_content = 1/2 * sum (F - P)^2`` between activations and their target."""
    tf = _tf()
    return 0.5 * tf.reduce_sum(tf.square(tf.convert_to_tensor(features) - target))


def total_variation(image, beta: float = 2.0):
    """``sum_{i,j} ((x[i, j+1] - x[i, j])^2 + (x[i+1, j] - x[i, j])^2)^(beta/2)``.

    The regulariser of feature inversion (Mahendran and Vedaldi): ``beta = 2``
    penalises all edges quadratically, ``beta < 2`` lets sharp edges through.

    Args:
        image: ``(batch, H, W, C)``.
        beta: float > 0.

    Returns:
        A scalar float32. A small constant keeps the gradient finite where the
        image is flat and ``beta < 2``.
    """
    tf = _tf()
    if not isinstance(beta, (int, float)) or isinstance(beta, bool) or beta <= 0:
        raise ValueError(f"beta must be a number > 0, got {beta!r}")
    x = tf.convert_to_tensor(image, dtype=tf.float32)
    dx = x[:, :-1, 1:, :] - x[:, :-1, :-1, :]
    dy = x[:, 1:, :-1, :] - x[:, :-1, :-1, :]
    sq = tf.square(dx) + tf.square(dy)
    if beta == 2:
        return tf.reduce_sum(sq)
    return tf.reduce_sum(tf.pow(sq + 1e-8, beta / 2.0))


def alpha_norm(image, alpha: float = 6.0):
    """``||x||_alpha^alpha = sum |x|^alpha``: keeps pixel values in range."""
    tf = _tf()
    if not isinstance(alpha, (int, float)) or isinstance(alpha, bool) or alpha <= 0:
        raise ValueError(f"alpha must be a number > 0, got {alpha!r}")
    return tf.reduce_sum(tf.pow(tf.abs(tf.convert_to_tensor(image, dtype=tf.float32)), alpha))


@dataclass
class OptimizationResult:
    """What :func:`optimize_image` returns.

    Attributes:
        image: the final image, NumPy ``(1, H, W, C)`` float32.
        losses: the loss before each step (length ``steps``).
        seconds: wall time of the loop (tracing included when compiled).
        compiled: whether the step ran as a ``tf.function``.
    """

    image: np.ndarray
    losses: list = field(default_factory=list)
    seconds: float = 0.0
    compiled: bool = True


def _gaussian_blur(image, sigma):
    tf = _tf()
    radius = max(1, int(round(2 * sigma)))
    x = tf.range(-radius, radius + 1, dtype=tf.float32)
    k = tf.exp(-(x**2) / (2.0 * sigma**2))
    k = k / tf.reduce_sum(k)
    c = image.shape[-1]
    kh = tf.tile(tf.reshape(k, (-1, 1, 1, 1)), (1, 1, c, 1))
    kw = tf.tile(tf.reshape(k, (1, -1, 1, 1)), (1, 1, c, 1))
    out = tf.nn.depthwise_conv2d(image, kh, (1, 1, 1, 1), "SAME")
    return tf.nn.depthwise_conv2d(out, kw, (1, 1, 1, 1), "SAME")


def optimize_image(
    loss_fn,
    image,
    *,
    steps: int,
    learning_rate: float = 0.01,
    optimizer: str = "adam",
    maximize: bool = False,
    normalize_gradient: bool = False,
    jitter: int = 0,
    blur_sigma: float = 0.0,
    blur_every: int = 0,
    clip: tuple | None = (-1.0, 1.0),
    compiled: bool = True,
    seed: int = 0,
) -> OptimizationResult:
    """Change the pixels of ``image`` to lower (or raise) ``loss_fn(image)``.

    Each step computes the gradient of the loss with respect to the pixels
    (``tf.GradientTape``) and moves the image along it. The step is one
    ``tf.function`` when ``compiled`` (the default).

    Args:
        loss_fn: ``image (1, H, W, C) float32 tensor -> scalar tensor``, built
            from TensorFlow ops (it is traced into a graph).
        image: the starting image, ``(1, H, W, C)`` (or ``(H, W, C)``), on the
            model's input scale.
        steps: number of updates (int >= 1).
        learning_rate: step size (for ``"sgd"`` the plain gradient step).
        optimizer: ``"adam"`` (Keras' Adam) or ``"sgd"`` (plain gradient steps).
        maximize: ascend instead of descend (class scores, Deep Dream).
        normalize_gradient: divide the gradient by its mean absolute value
            before the step (the usual Deep Dream trick; makes
            ``learning_rate`` a step in pixel units).
        jitter: roll the image by a random offset of up to ``jitter`` pixels
            before each step and back after (a regulariser for "more natural"
            images).
        blur_sigma, blur_every: every ``blur_every`` steps, blur the image with
            a Gaussian of ``blur_sigma`` pixels (another regulariser).
        clip: ``(low, high)`` to keep pixels in the valid input range, or None.
        compiled: run the step as a ``tf.function`` (False: plain eager
            TensorFlow, same maths, for timing comparisons).
        seed: seed of the jitter offsets.

    Returns:
        :class:`OptimizationResult` (final image, loss per step, seconds).
    """
    tf = _tf()
    import keras  # noqa: PLC0415

    if not callable(loss_fn):
        raise TypeError("loss_fn must be a function image -> scalar loss")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be an int >= 1, got {steps!r}")
    if not isinstance(learning_rate, (int, float)) or isinstance(learning_rate, bool) or learning_rate <= 0:
        raise ValueError(f"learning_rate must be a number > 0, got {learning_rate!r}")
    if optimizer not in ("adam", "sgd"):
        raise ValueError(f"optimizer must be 'adam' or 'sgd', got {optimizer!r}")
    for label, value in (("jitter", jitter), ("blur_every", blur_every)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{label} must be an int >= 0, got {value!r}")
    if blur_every and blur_sigma <= 0:
        raise ValueError("blur_every needs blur_sigma > 0")
    if clip is not None and (len(clip) != 2 or clip[0] >= clip[1]):
        raise ValueError(f"clip must be None or (low, high) with low < high, got {clip!r}")

    arr = np.asarray(image, dtype=np.float32)
    if arr.ndim == 3:
        arr = arr[None]
    if arr.ndim != 4 or arr.shape[0] != 1:
        raise ValueError(f"image must have shape (1, H, W, C) or (H, W, C), got {arr.shape}")
    var = tf.Variable(arr, name="image")
    opt = keras.optimizers.Adam(learning_rate) if optimizer == "adam" else None
    rng = np.random.default_rng(seed)
    sign = -1.0 if maximize else 1.0

    def step(shift):
        if jitter:
            var.assign(tf.roll(var, shift, axis=(1, 2)))
        with tf.GradientTape() as tape:
            loss = loss_fn(var)
        grad = tape.gradient(loss, var)
        if grad is None:
            raise ValueError("loss_fn does not depend on the image (its gradient is None)")
        if normalize_gradient:
            grad = grad / (tf.reduce_mean(tf.abs(grad)) + 1e-8)
        if opt is None:
            var.assign_sub(sign * learning_rate * grad)
        else:
            opt.apply_gradients([(sign * grad, var)])
        if jitter:
            var.assign(tf.roll(var, -shift, axis=(1, 2)))
        if clip is not None:
            var.assign(tf.clip_by_value(var, clip[0], clip[1]))
        return loss

    run = tf.function(step) if compiled else step
    losses = []
    start = time.perf_counter()
    for i in range(steps):
        shift = rng.integers(-jitter, jitter + 1, size=2).astype("int32") if jitter else np.zeros(2, "int32")
        losses.append(float(run(tf.constant(shift))))
        if blur_every and (i + 1) % blur_every == 0:
            var.assign(_gaussian_blur(var, float(blur_sigma)))
    seconds = time.perf_counter() - start
    return OptimizationResult(var.numpy(), losses, seconds, compiled)


def octave_shapes(shape, octaves: int = 3, scale: float = 1.4):
    """Image sizes for multi-scale processing, smallest first.

    Args:
        shape: the full ``(height, width)``.
        octaves: number of scales (int >= 1); the last is ``shape`` itself.
        scale: ratio between successive scales (> 1).

    Returns:
        A list of ``(height, width)`` int pairs, e.g.
        ``octave_shapes((224, 224), 3, 1.4) == [(114, 114), (160, 160), (224, 224)]``.
    """
    if (
        not isinstance(shape, (tuple, list))
        or len(shape) != 2
        or any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in shape)
    ):
        raise ValueError(f"shape must be a (height, width) pair of ints >= 1, got {shape!r}")
    if isinstance(octaves, bool) or not isinstance(octaves, int) or octaves < 1:
        raise ValueError(f"octaves must be an int >= 1, got {octaves!r}")
    if not isinstance(scale, (int, float)) or isinstance(scale, bool) or scale <= 1:
        raise ValueError(f"scale must be a number > 1, got {scale!r}")
    h, w = shape
    return [(max(1, int(round(h / scale**k))), max(1, int(round(w / scale**k)))) for k in range(octaves - 1, -1, -1)]
