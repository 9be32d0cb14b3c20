"""The engine: a compiled gradient step on the pixels, its timing, and octaves.

:func:`optimize_image` is the step notebook 10 writes out by hand (a
``tf.function`` around a ``tf.GradientTape``), run for many steps with the
options the generative notebooks need; :func:`time_compiled` measures what
compiling buys; :func:`octave_shapes` gives the image sizes of multi-scale
processing.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field

import numpy as np

from course_utils import _checks

__all__ = ["MAX_OCTAVES", "MAX_STEPS", "OptimizationResult", "Timing", "octave_shapes", "optimize_image", "time_compiled"]

# Bounds for the engine's loops: generous for any real run, small enough that a
# mistyped 10**9 fails at once with a clear message.
MAX_STEPS = 100_000
MAX_JITTER = 10_000
MAX_OCTAVES = 50

def _tf():
    import tensorflow as tf  # noqa: PLC0415

    return tf


@dataclass
class OptimizationResult:
    """What :func:`optimize_image` returns.

    Attributes:
        image: the final image, NumPy ``(1, H, W, C)`` float32.
        losses: the loss before each step (length ``steps``).
        seconds: wall time of the loop (tracing included when compiled).
        compiled: whether the step ran as a ``tf.function``.
        step_seconds: wall time of each step (the first compiled one includes
            tracing the graph).
    """

    image: np.ndarray
    losses: list = field(default_factory=list)
    seconds: float = 0.0
    compiled: bool = True
    step_seconds: list = field(default_factory=list)


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


def _check_clip(clip):
    if clip is None:
        return None
    allowed = "None or a (low, high) pair of finite numbers with low < high"
    if not isinstance(clip, (tuple, list)) or not all(_checks.is_number(v) for v in clip):
        raise TypeError(f"clip must be {allowed}, got {_checks.show(clip)}")
    if len(clip) != 2 or not all(np.isfinite(clip)) or not clip[0] < clip[1]:
        raise ValueError(f"clip must be {allowed}, got {clip!r}")
    return float(clip[0]), float(clip[1])


def _start_image(image) -> np.ndarray:
    _checks.check_tensor("image", image, what="(1, H, W, C) or (H, W, C)")
    arr = np.asarray(image, dtype=np.float32)
    if arr.ndim == 3:
        arr = arr[None]
    if arr.ndim != 4 or arr.shape[0] != 1:
        raise ValueError(f"image must have shape (1, H, W, C) or (H, W, C), got {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError("image must have finite values; it contains NaN or infinity")
    return arr


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
    ``tf.function`` when ``compiled`` (the default). With ``optimizer="sgd"``
    and no jitter or blur, a step is exactly::

        with tf.GradientTape() as tape:
            loss = loss_fn(image)
        image.assign_add(+/- learning_rate * tape.gradient(loss, image))
        image.assign(tf.clip_by_value(image, *clip))

    Args:
        loss_fn: ``image (1, H, W, C) float32 tensor -> scalar tensor``, built
            from TensorFlow ops (it is traced into a graph).
        image: the starting image, ``(1, H, W, C)`` (or ``(H, W, C)``), on the
            model's input scale (a NumPy array or tensor).
        steps: number of updates (int from 1 to 100,000).
        learning_rate: step size, a number > 0 (for ``"sgd"`` the plain
            gradient step).
        optimizer: ``"adam"`` (Keras' Adam) or ``"sgd"`` (plain gradient steps).
        maximize: ascend instead of descend (class scores, Deep Dream).
        normalize_gradient: divide the gradient by its mean absolute value
            before the step (the usual Deep Dream trick; makes
            ``learning_rate`` a step in pixel units).
        jitter: roll the image by a random offset of up to ``jitter`` pixels
            before each step and back after (a regulariser for "more natural"
            images); int >= 0.
        blur_sigma, blur_every: every ``blur_every`` steps (int >= 0; 0 = never),
            blur the image with a Gaussian of ``blur_sigma`` pixels (> 0 when
            ``blur_every`` is set; another regulariser).
        clip: ``(low, high)`` to keep pixels in the valid input range, or None.
        compiled: run the step as a ``tf.function`` (False: plain eager
            TensorFlow, same maths, for timing comparisons).
        seed: seed of the jitter offsets (int >= 0).

    Returns:
        :class:`OptimizationResult` (final image, loss per step, seconds).
    """
    _checks.check_callable("loss_fn", loss_fn, "a function image -> scalar loss")
    steps = _checks.check_int("steps", steps, minimum=1, maximum=MAX_STEPS)
    learning_rate = _checks.check_number("learning_rate", learning_rate, minimum=0, low_open=True)
    _checks.check_choice("optimizer", optimizer, ("adam", "sgd"))
    maximize = _checks.check_bool("maximize", maximize)
    normalize_gradient = _checks.check_bool("normalize_gradient", normalize_gradient)
    jitter = _checks.check_int("jitter", jitter, minimum=0, maximum=MAX_JITTER)
    blur_sigma = _checks.check_number("blur_sigma", blur_sigma, minimum=0, maximum=100)
    blur_every = _checks.check_int("blur_every", blur_every, minimum=0, maximum=MAX_STEPS)
    if blur_every and blur_sigma <= 0:
        raise ValueError(f"blur_every={blur_every} needs blur_sigma > 0, got blur_sigma={blur_sigma!r}")
    clip = _check_clip(clip)
    compiled = _checks.check_bool("compiled", compiled)
    seed = _checks.check_int("seed", seed, minimum=0, maximum=2**32 - 1)
    arr = _start_image(image)

    tf = _tf()
    import keras  # noqa: PLC0415

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
        if getattr(getattr(loss, "shape", None), "rank", 0) not in (0, None):
            raise ValueError(f"loss_fn must return a scalar, got shape {tuple(loss.shape)}")
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
    losses, step_seconds = [], []
    start = time.perf_counter()
    for i in range(steps):
        t0 = time.perf_counter()
        shift = rng.integers(-jitter, jitter + 1, size=2).astype("int32") if jitter else np.zeros(2, "int32")
        losses.append(float(run(tf.constant(shift))))  # float() waits for the step to finish
        if blur_every and (i + 1) % blur_every == 0:
            var.assign(_gaussian_blur(var, blur_sigma))
        step_seconds.append(time.perf_counter() - t0)
    seconds = time.perf_counter() - start
    return OptimizationResult(var.numpy(), losses, seconds, compiled, step_seconds)


@dataclass(frozen=True)
class Timing:
    """What :func:`time_compiled` measured.

    Attributes:
        steps: steps of each run.
        compiled_step: seconds per compiled step once the graph exists (the
            median of steps 2, 3, ...).
        eager_step: seconds per eager step (the median of steps 2, 3, ...).
        tracing: the one-off cost of tracing the graph: the first compiled
            step minus a steady compiled step (0 if the machine was too busy
            to see it; then ``reliable`` is False).
        reliable: False when the measurement contradicts itself (a first
            compiled step no slower than a steady one): a busy machine.
        compiled: the compiled run (:class:`OptimizationResult`).
        eager: the eager run, same start and settings.
    """

    steps: int
    compiled_step: float
    eager_step: float
    tracing: float
    reliable: bool
    compiled: OptimizationResult
    eager: OptimizationResult

    @property
    def speedup(self) -> float:
        """Eager step time / compiled step time (> 1: compiling pays per step)."""
        return self.eager_step / self.compiled_step

    @property
    def break_even_steps(self) -> float:
        """Steps after which the compiled run has paid back its tracing."""
        saved = self.eager_step - self.compiled_step
        return self.tracing / saved if saved > 0 else float("inf")

    def summary(self) -> str:
        """A few lines for a notebook (timings: never print them in a checked cell)."""
        if not self.reliable:
            return (
                f"{self.steps} steps: the machine was too busy to separate tracing from the steps "
                "(the first compiled step was not slower than the others); run the cell again"
            )
        return "\n".join(
            [
                f"{self.steps} steps, median time per step once running:",
                f"  compiled {1000 * self.compiled_step:8.1f} ms",
                f"  eager    {1000 * self.eager_step:8.1f} ms   ({self.speedup:.1f} x the compiled step)",
                f"  tracing the graph, paid once per run: {self.tracing:.2f} s "
                f"(earned back after about {self.break_even_steps:.0f} steps)",
            ]
        )


def time_compiled(loss_fn, image, steps: int = 10, **optimize_kwargs) -> Timing:
    """Time :func:`optimize_image` compiled and eager, from the same start.

    Both runs take ``steps`` steps with the same settings. A step's time is
    the median over steps 2 to ``steps`` (the median shrugs off a step slowed
    down by another program); the tracing cost is the first compiled step
    minus that median. If the first compiled step was not slower than the
    median, the machine was too busy to tell, and ``Timing.reliable`` is False.

    Args:
        loss_fn, image: as for :func:`optimize_image`.
        steps: steps per run, an int from 3 to 10,000.
        **optimize_kwargs: other arguments of :func:`optimize_image` (not
            ``steps`` or ``compiled``).

    Returns:
        A :class:`Timing`.
    """
    steps = _checks.check_int("steps", steps, minimum=3, maximum=10_000)
    for key in ("steps", "compiled"):
        if key in optimize_kwargs:
            raise ValueError(f"time_compiled sets {key} itself; do not pass it in optimize_kwargs")
    compiled = optimize_image(loss_fn, image, steps=steps, compiled=True, **optimize_kwargs)
    eager = optimize_image(loss_fn, image, steps=steps, compiled=False, **optimize_kwargs)
    compiled_step = statistics.median(compiled.step_seconds[1:])
    eager_step = statistics.median(eager.step_seconds[1:])
    tracing = compiled.step_seconds[0] - compiled_step
    reliable = tracing > 0 and compiled_step > 0
    return Timing(steps, compiled_step, eager_step, max(tracing, 0.0), reliable, compiled, eager)


def octave_shapes(shape, octaves: int = 3, scale: float = 1.4):
    """Image sizes for multi-scale processing, smallest first.

    Args:
        shape: the full ``(height, width)``, ints from 1 to 1,000,000.
        octaves: number of scales (int from 1 to 50); the last is ``shape`` itself.
        scale: ratio between successive scales (a number > 1, at most 10).

    Returns:
        A list of ``(height, width)`` int pairs, e.g.
        ``octave_shapes((224, 224), 3, 1.4) == [(114, 114), (160, 160), (224, 224)]``.
    """
    (h, w), _ = _checks.check_pair("shape", shape, allow_int=False)
    octaves = _checks.check_int("octaves", octaves, minimum=1, maximum=MAX_OCTAVES)
    scale = _checks.check_number("scale", scale, minimum=1, low_open=True, maximum=10)
    return [(max(1, int(round(h / scale**k))), max(1, int(round(w / scale**k)))) for k in range(octaves - 1, -1, -1)]
