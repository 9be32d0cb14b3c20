"""The generative notebooks' networks: one spec per backbone, and feature extractors.

A :class:`BackboneSpec` says everything the engine needs to know about a
network: how to build it (through :mod:`course_utils.data.pretrained`, the one
place that builds the course's pretrained networks), its valid input range,
its pixel conversions and its layers per role. Adding a network is one more
entry in :data:`BACKBONES`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from course_utils import _checks
from course_utils.data import pretrained

__all__ = ["BACKBONES", "Backbone", "BackboneSpec", "backbone", "feature_extractor"]


_VGG_MEAN_BGR = np.asarray((103.939, 116.779, 123.68), np.float32)


def _mobilenet_to_input(rgb):
    return rgb / 127.5 - 1.0


def _mobilenet_from_input(x):
    return (x + 1.0) * 127.5


def _vgg_to_input(rgb):
    return rgb[..., ::-1] - _VGG_MEAN_BGR


def _vgg_from_input(x):
    return (x + _VGG_MEAN_BGR)[..., ::-1]


def _build_mobilenet(weights):
    # MobileNet v1 at the course's alpha (data.MOBILENET_ALPHA), fully convolutional
    return pretrained.mobilenet(include_top=False, image_size=None, weights=weights)


def _build_vgg19(weights):
    return pretrained.vgg19(weights=weights)


@dataclass(frozen=True)
class BackboneSpec:
    """Everything the generative notebooks need to know about one network.

    Attributes:
        name: the key in :data:`BACKBONES`.
        builder: ``weights ("imagenet" or None) -> keras.Model`` without the
            classifier, taking images of any size.
        clip: ``(low, high)``, the valid range of the model's input (for VGG
            the loosest per-channel bounds).
        to_input: float RGB 0..255 ``(..., 3)`` -> the model's input scale.
        from_input: the inverse of ``to_input`` (float, not rounded).
        layers: role -> layer names, for the roles ``"dream"``,
            ``"inversion"``, ``"style"`` and ``"content"``.
    """

    name: str
    builder: Callable
    clip: tuple
    to_input: Callable
    from_input: Callable
    layers: dict

    @property
    def half_range(self) -> float:
        """Half the width of :attr:`clip`: 1.0 for MobileNet's -1..1, about 137 for VGG."""
        return (self.clip[1] - self.clip[0]) / 2

    def preprocess(self, image) -> np.ndarray:
        """uint8/float 0..255 ``(H, W, 3)`` or ``(1, H, W, 3)`` RGB -> float32 ``(1, H, W, 3)`` model input."""
        _checks.check_tensor("image", image, what="(H, W, 3) or (1, H, W, 3) RGB pixels 0..255")
        x = np.asarray(image, dtype=np.float32)
        if x.ndim == 3:
            x = x[None]
        if x.ndim != 4 or x.shape[0] != 1 or x.shape[-1] != 3:
            raise ValueError(f"image must have shape (H, W, 3) or (1, H, W, 3), got {x.shape}")
        return np.asarray(self.to_input(x), dtype=np.float32)

    def deprocess(self, x) -> np.ndarray:
        """Model input ``(1, H, W, 3)`` or ``(H, W, 3)`` -> uint8 ``(H, W, 3)`` RGB for display."""
        _checks.check_tensor("x", x, what="(1, H, W, 3) or (H, W, 3) on the model's input scale")
        x = np.asarray(x, dtype=np.float32)
        if x.ndim == 4 and x.shape[0] == 1:
            x = x[0]
        if x.ndim != 3 or x.shape[-1] != 3:
            raise ValueError(f"x must have shape (1, H, W, 3) or (H, W, 3), got {x.shape}")
        return np.clip(np.round(self.from_input(x)), 0, 255).astype(np.uint8)


# MobileNet v1 alpha 0.75 is the course's network (the only ImageNet model in
# the offline mirror); VGG19 is what Gatys et al. and Mahendran and Vedaldi
# used, one line away online. A new network is one more entry here.
_MOBILENET_DEEP = ("conv_pw_1_relu", "conv_pw_3_relu", "conv_pw_5_relu", "conv_pw_7_relu", "conv_pw_11_relu")
_VGG_CLIP = (-float(_VGG_MEAN_BGR.max()), 255.0 - float(_VGG_MEAN_BGR.min()))  # loosest per-channel bounds
BACKBONES = {  # name: BackboneSpec(name, builder, clip, to_input, from_input, layers per role)
    "mobilenet": BackboneSpec(
        "mobilenet", _build_mobilenet, (-1.0, 1.0), _mobilenet_to_input, _mobilenet_from_input,
        {"dream": ("conv_pw_5_relu", "conv_pw_8_relu"), "inversion": _MOBILENET_DEEP, "style": _MOBILENET_DEEP,
         "content": ("conv_pw_9_relu",)},
    ),
    "vgg19": BackboneSpec(
        "vgg19", _build_vgg19, _VGG_CLIP, _vgg_to_input, _vgg_from_input,
        {"dream": ("block4_conv1", "block5_conv1"),
         "inversion": ("block1_conv2", "block2_conv2", "block3_conv4", "block4_conv4", "block5_conv4"),
         "style": ("block1_conv1", "block2_conv1", "block3_conv1", "block4_conv1", "block5_conv1"),
         "content": ("block4_conv2",)},
    ),
}  # fmt: skip


@dataclass
class Backbone:
    """A pretrained network, fully convolutional, with its pixel conventions.

    Attributes:
        spec: its :class:`BackboneSpec` (from :data:`BACKBONES`).
        model: ``keras.Model`` without the classifier, any input size.

    ``name``, ``layers`` (role -> layer names), ``clip`` (the valid input
    range, for :func:`optimize_image`'s ``clip``), ``half_range``,
    ``preprocess`` and ``deprocess`` come from the spec.
    """

    spec: BackboneSpec
    model: object

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def layers(self) -> dict:
        return dict(self.spec.layers)

    @property
    def clip(self) -> tuple:
        return self.spec.clip

    @property
    def half_range(self) -> float:
        """``(clip[1] - clip[0]) / 2``: the unit of pixel quantities that works for every backbone."""
        return self.spec.half_range

    def preprocess(self, image) -> np.ndarray:
        """uint8/float 0..255 ``(H, W, 3)`` or ``(1, H, W, 3)`` RGB -> float32 ``(1, H, W, 3)`` model input."""
        return self.spec.preprocess(image)

    def deprocess(self, x) -> np.ndarray:
        """Model input ``(1, H, W, 3)`` or ``(H, W, 3)`` -> uint8 ``(H, W, 3)`` RGB for display."""
        return self.spec.deprocess(x)


def backbone(name: str = "mobilenet", weights: str | None = "imagenet") -> Backbone:
    """The generative notebooks' network: ``"mobilenet"`` (default) or ``"vgg19"``.

    Args:
        name: a key of :data:`BACKBONES`.
        weights: ``"imagenet"`` (through the data registry: MobileNet alpha
            0.75 from the course mirror or its download; VGG19's 80 MB file
            from Keras' server) or None (random weights: for tests and for
            seeing what an untrained network gives).

    Returns:
        A :class:`Backbone` whose model is frozen (not trainable).
    """
    _checks.check_choice("name", name, tuple(BACKBONES))
    _checks.check_choice("weights", weights, ("imagenet", None))
    spec = BACKBONES[name]
    model = spec.builder(weights)
    model.trainable = False
    return Backbone(spec, model)


def feature_extractor(model, layer_names):
    """A model mapping the input of ``model`` to the outputs of named layers.

    Args:
        model: a built ``keras.Model`` (e.g. ``data.mobilenet()``).
        layer_names: a layer name or a non-empty list of names, e.g.
            ``["conv_pw_5_relu", "conv_pw_8_relu"]``.

    Returns:
        A ``keras.Model`` whose output is a dict ``name -> (batch, h, w, c)``
        activations; it is not trainable.

    Raises:
        TypeError: ``model`` is not a Keras model, or a name is not a string.
        ValueError: naming the unknown layer and a few valid names.
    """
    import keras  # noqa: PLC0415

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {_checks.show(model)}")
    if isinstance(layer_names, str):
        layer_names = [layer_names]
    if not isinstance(layer_names, (list, tuple)):
        raise TypeError(f"layer_names must be a layer name or a list of names, got {_checks.show(layer_names)}")
    if not layer_names:
        raise ValueError("layer_names must name at least one layer, got an empty list")
    for i, name in enumerate(layer_names):
        _checks.check_str(f"layer_names[{i}]", name)
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
