"""Running a network backwards: three ways through a ReLU.

To see which input pixels matter for a unit, we send a gradient from that unit
back to the image. Convolutions and pooling are passed backwards as usual; the
three methods of the lecture (``001``, "Visualizing ConvNets") differ only in
what a ReLU ``y = max(0, x)`` does with the signal ``g`` arriving from above:

* ``"backprop"`` (the true gradient, a saliency map): ``g * [x > 0]``;
* ``"deconvnet"`` (Zeiler and Fergus): ``max(g, 0)``, i.e. a ReLU applied to
  the backward signal, ignoring the forward input;
* ``"guided"`` (guided backpropagation, Springenberg et al.):
  ``g * [x > 0] * [g > 0]``, both masks at once.

For ReLU6 (MobileNet's activation) the forward mask is ``[0 < x < 6]``.

:func:`with_backward_rule` rebuilds a model with every ReLU layer replaced by
one that uses the chosen rule, sharing the original weights;
:func:`input_gradient` sends a unit's gradient back to the input.
"""

from __future__ import annotations

from course_utils import _checks

__all__ = ["RULES", "input_gradient", "relu_with_rule", "with_backward_rule"]

RULES = ("backprop", "deconvnet", "guided")


def _check_rule(rule):
    _checks.check_choice("rule", rule, RULES)


def _check_max_value(max_value):
    if max_value is None:
        return None
    return _checks.check_number("max_value", max_value, minimum=0, low_open=True)


def _check_model(model):
    import keras  # noqa: PLC0415

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {_checks.show(model)}")
    return model


def relu_with_rule(x, rule: str = "backprop", max_value: float | None = None):
    """``min(max(x, 0), max_value)`` forwards, the chosen rule backwards.

    Args:
        x: a float tensor or array of any shape (inside ``tf.function`` and
            Keras model building a symbolic tensor; Python numbers and lists
            are refused).
        rule: one of :data:`RULES`.
        max_value: None for a plain ReLU, a number > 0 (6.0 for ReLU6).

    Returns:
        A tensor like ``x``.
    """
    import tensorflow as tf  # noqa: PLC0415


    _checks.check_tensor("x", x)
    _check_rule(rule)
    max_value = _check_max_value(max_value)

    @tf.custom_gradient
    def _relu(v):
        y = tf.nn.relu(v) if max_value is None else tf.clip_by_value(v, 0.0, float(max_value))

        def grad(g):
            forward = tf.cast(v > 0, g.dtype)
            if max_value is not None:
                forward *= tf.cast(v < float(max_value), g.dtype)
            if rule == "backprop":
                return g * forward
            if rule == "deconvnet":
                return tf.nn.relu(g)
            return g * forward * tf.cast(g > 0, g.dtype)

        return y, grad

    return _relu(x)


def _rule_layer_class():
    import keras  # noqa: PLC0415

    class RuleReLU(keras.layers.Layer):
        """A ReLU (or ReLU6) layer whose backward pass follows ``rule``."""

        def __init__(self, rule="backprop", max_value=None, **kwargs):
            super().__init__(**kwargs)
            _check_rule(rule)
            self.rule = rule
            self.max_value = _check_max_value(max_value)

        def call(self, x):
            return relu_with_rule(x, self.rule, self.max_value)

        def get_config(self):
            return {**super().get_config(), "rule": self.rule, "max_value": self.max_value}

    return RuleReLU


def _relu_max_value(layer):
    """None/6.0 for a plain ReLU layer, False if ``layer`` is not a ReLU layer."""
    import keras  # noqa: PLC0415

    if isinstance(layer, keras.layers.ReLU):
        if layer.negative_slope or layer.threshold:
            raise ValueError(f"layer {layer.name!r} is a leaky/thresholded ReLU, which the rules do not cover")
        return None if layer.max_value is None else float(layer.max_value)
    if isinstance(layer, keras.layers.Activation) and getattr(layer.activation, "__name__", "") in ("relu", "relu6"):
        return 6.0 if layer.activation.__name__ == "relu6" else None
    act = getattr(layer, "activation", None)
    if act is not None and getattr(act, "__name__", "") in ("relu", "relu6"):
        raise ValueError(
            f"layer {layer.name!r} has a built-in ReLU activation; build the model with separate "
            "ReLU layers (as keras.applications.MobileNet does) so the backward rule can be applied"
        )
    return False


def with_backward_rule(model, rule: str):
    """A copy of ``model`` whose ReLU layers use ``rule`` on the way back.

    The forward pass (and so every prediction) is unchanged; the copy shares
    no state with ``model`` but gets the same weights.

    Args:
        model: a functional or sequential ``keras.Model`` whose ReLUs are
            separate ``ReLU``/``Activation("relu")`` layers.
        rule: one of :data:`RULES`.

    Returns:
        A new ``keras.Model``.
    """
    import keras  # noqa: PLC0415

    _check_model(model)
    _check_rule(rule)
    RuleReLU = _rule_layer_class()

    def clone(layer):
        max_value = _relu_max_value(layer)
        if max_value is False:
            return layer.__class__.from_config(layer.get_config())
        return RuleReLU(rule=rule, max_value=max_value, name=layer.name)

    copy = keras.models.clone_model(model, clone_function=clone)
    copy.set_weights(model.get_weights())
    return copy


def input_gradient(model, image, target):
    """Gradient of ``target(model(image))`` with respect to the image.

    Args:
        model: a ``keras.Model`` (e.g. from :func:`with_backward_rule`).
        image: ``(1, H, W, C)`` float array or tensor on the model's input
            scale (one image; for a batch, see notebook 10's FGSM).
        target: function ``outputs -> scalar tensor``, e.g.
            ``lambda y: y[0, 281]`` for one class score, or for a feature
            extractor ``lambda f: tf.reduce_max(f[..., 7])``.

    Returns:
        NumPy array shaped like ``image``.
    """
    import tensorflow as tf  # noqa: PLC0415


    _check_model(model)
    _checks.check_callable("target", target, "a function model outputs -> scalar")
    _checks.check_tensor("image", image, what="(1, H, W, C)")
    x = tf.convert_to_tensor(image, dtype=tf.float32)
    if x.shape.rank != 4 or x.shape[0] != 1:
        raise ValueError(f"image must have shape (1, H, W, C), got {tuple(x.shape)}")
    if not bool(tf.reduce_all(tf.math.is_finite(x))):
        raise ValueError("image must have finite values; it contains NaN or infinity")
    with tf.GradientTape() as tape:
        tape.watch(x)
        value = target(model(x, training=False))
    if not tf.is_tensor(value):
        raise TypeError(f"target must return a scalar tensor computed from the outputs, got {_checks.show(value)}")
    if value.shape.rank != 0:
        raise ValueError(f"target must return a scalar, got shape {tuple(value.shape)}")
    return tape.gradient(value, x).numpy()
