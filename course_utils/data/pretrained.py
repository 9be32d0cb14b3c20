"""The pretrained networks of the course, built in one place.

MobileNet v1 alpha 0.75 (the course's ImageNet network: the one the offline
mirror holds), VGG19 (what Gatys et al. used; an 80 MB download, not in the
mirror) and the ImageNet class index. The weights come through the registry
(:func:`course_utils.data.fetch`) and are put in Keras' cache, then Keras' own
``keras.applications`` builders load them. :mod:`course_utils.generate`'s
backbones are built here too.
"""

from __future__ import annotations

import json
import logging
import warnings

from course_utils._checks import check_bool, check_choice, is_int, show
from course_utils.data.fetching import prepare_keras_cache

__all__ = ["MOBILENET_ALPHA", "imagenet_class_index", "mobilenet", "vgg19"]

MOBILENET_ALPHA = 0.75


def mobilenet(*, include_top: bool = True, image_size: int | None = 224, weights: str | None = "imagenet", **kwargs):
    """MobileNet v1 (alpha 0.75) with the course's ImageNet weights.

    The weights are fetched through the registry (mirror, cache, download) and
    put in Keras' cache, then the model is built with Keras' own
    ``keras.applications.MobileNet(alpha=0.75, weights="imagenet")``. A missing
    weight file raises :class:`~course_utils.data.DataUnavailableError`; there
    is never a silent fallback to random weights.

    Args:
        include_top: keep the 1000-class ImageNet classifier (224 px only).
        image_size: 224, or 160 without the top, or None without the top for
            a fully convolutional model that takes images of any size (with
            the 224-px weights; what Deep Dream and style transfer need).
        weights: ``"imagenet"`` (the course's weights) or None (random
            weights, nothing fetched: for tests and for seeing what an
            untrained network gives).
        **kwargs: passed to ``keras.applications.MobileNet`` (e.g. ``pooling``,
            ``classifier_activation``).

    Returns:
        A ``keras.Model`` taking ``(batch, image_size, image_size, 3)`` float
        inputs in ``[-1, 1]`` (use
        ``keras.applications.mobilenet.preprocess_input`` on 0..255 pixels).
    """
    check_bool("include_top", include_top)
    allowed = (224,) if include_top else (160, 224, None)
    if image_size is not None and not is_int(image_size):
        raise TypeError(f"image_size must be one of {', '.join(map(str, allowed))}, got {show(image_size)}")
    if image_size not in allowed:
        raise ValueError(
            f"image_size={image_size!r} is not available with include_top={include_top}; "
            f"allowed: {', '.join(map(str, allowed))} (the course ships weights for 160 and 224 px)"
        )
    check_choice("weights", weights, ("imagenet", None))
    for key in ("alpha", "input_shape"):
        if key in kwargs:
            raise ValueError(f"{key} is fixed by the course (alpha {MOBILENET_ALPHA}, input size from image_size)")
    if weights == "imagenet":
        prepare_keras_cache([f"mobilenet_7_5_{image_size or 224}_tf" + ("" if include_top else "_no_top")])
    import keras  # noqa: PLC0415

    shape = (None, None, 3) if image_size is None else (image_size, image_size, 3)
    with warnings.catch_warnings():
        if image_size is None:
            # Keras warns that it picks the 224-px weights for an unknown size: intended here.
            logging.getLogger("absl").setLevel(logging.ERROR)
            warnings.simplefilter("ignore", UserWarning)
        return keras.applications.MobileNet(
            input_shape=shape, alpha=MOBILENET_ALPHA, include_top=include_top, weights=weights, **kwargs
        )


def vgg19(*, weights: str | None = "imagenet"):
    """VGG19 without its classifier, fully convolutional (any input size).

    The network of Gatys et al. and of Mahendran and Vedaldi, for instructors
    who swap the generative notebooks' backbone. Its ImageNet weights (80 MB)
    come through the registry (``vgg19_notop``: not in the course mirror, so
    they are downloaded once, or a clear error says how to supply them).

    Args:
        weights: ``"imagenet"`` or None (random weights, nothing fetched).

    Returns:
        A ``keras.Model`` taking ``(batch, H, W, 3)`` float BGR inputs with the
        ImageNet channel means subtracted (``keras.applications.vgg19.preprocess_input``).
    """
    check_choice("weights", weights, ("imagenet", None))
    if weights == "imagenet":
        prepare_keras_cache(["vgg19_notop"])
    import keras  # noqa: PLC0415

    return keras.applications.VGG19(include_top=False, weights=weights, input_shape=(None, None, 3))


def imagenet_class_index() -> list[tuple[str, str]]:
    """The 1,000 ImageNet classes as ``(wordnet_id, name)``, in model output order.

    Also puts the file in Keras' cache, so that
    ``keras.applications.mobilenet.decode_predictions`` works offline.
    """
    (path,) = prepare_keras_cache(["imagenet_class_index"])
    with open(path) as f:
        raw = json.load(f)
    return [tuple(raw[str(i)]) for i in range(len(raw))]
