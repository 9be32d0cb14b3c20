"""Sample images for the notebooks, and small load/resize helpers.

Two kinds of images, all real photos or paintings:

* embedded defaults that ship inside installed packages and need no download:
  scikit-image's ``chelsea`` (the lecture's cat), ``astronaut``, ``coffee``,
  ``camera`` and the textures ``brick``, ``grass``, ``gravel``;
  scikit-learn's ``china`` and ``flower``; matplotlib's ``grace_hopper``;
* the course's paintings and photo from the data registry
  (``starry_night``, ``skrik``, ``tuebingen``), found through
  :func:`course_utils.data.fetch` (mirror, cache, or download).

Arrays are ``uint8`` with values 0..255, shape ``(height, width, 3)``
(greyscale textures are repeated over three channels unless ``rgb=False``).
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from course_utils._checks import check_array, check_bool, check_choice, check_pair, check_path, check_str

__all__ = ["MAX_SIDE", "SAMPLES", "load", "load_file", "resize", "to_float"]

# The largest height or width ``resize`` makes (a 8192 x 8192 RGB image is
# 200 MB): a mistyped size fails at once instead of exhausting memory.
MAX_SIDE = 8192

SAMPLES = {
    "chelsea": "scikit-image: Chelsea the cat (the lecture's cat), 300 x 451, colour",
    "astronaut": "scikit-image: astronaut Eileen Collins (NASA, public domain), 512 x 512, colour",
    "coffee": "scikit-image: a cup of coffee (Rachel Michetti, CC0), 400 x 600, colour",
    "camera": "scikit-image: the cameraman, 512 x 512, grey",
    "brick": "scikit-image: brick wall texture, 512 x 512, grey",
    "grass": "scikit-image: grass texture, 512 x 512, grey",
    "gravel": "scikit-image: gravel texture, 512 x 512, grey",
    "china": "scikit-learn: a Chinese temple, 427 x 640, colour",
    "flower": "scikit-learn: a flower, 427 x 640, colour",
    "grace_hopper": "matplotlib: Rear Admiral Grace Hopper (US Navy, public domain), 600 x 512, colour",
    "starry_night": "course data: Vincent van Gogh, The Starry Night (1889), public domain",
    "skrik": "course data: Edvard Munch, The Scream (1893), public domain",
    "tuebingen": "course data: Neckarfront in Tübingen, photo Andreas Praefcke, CC BY 3.0",
}


def _raw(name: str) -> np.ndarray:
    if name in ("chelsea", "astronaut", "coffee", "camera", "brick", "grass", "gravel"):
        import skimage.data  # noqa: PLC0415

        return getattr(skimage.data, name)()
    if name in ("china", "flower"):
        from sklearn.datasets import load_sample_image  # noqa: PLC0415

        return load_sample_image(f"{name}.jpg")
    if name == "grace_hopper":
        import matplotlib.cbook  # noqa: PLC0415

        return np.asarray(Image.open(matplotlib.cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)))
    from course_utils.data import fetch  # noqa: PLC0415

    return np.asarray(Image.open(fetch(name)).convert("RGB"))


def _check_size(size):
    """None, an int (the longer side) or a ``(height, width)`` tuple, each side 1..MAX_SIDE."""
    if size is None:
        return None
    (h, w), was_pair = check_pair("size", size, maximum=MAX_SIDE)
    return (h, w) if was_pair else h


def _check_image(image) -> np.ndarray:
    return check_array(
        "image", image, dtype="uint8", ndim=(2, 3), channels=(3,), what="a uint8 (H, W) or (H, W, 3) image"
    )


def resize(image: np.ndarray, size) -> np.ndarray:
    """Resize a uint8 image with PIL's bicubic filter.

    Args:
        image: ``(H, W)`` or ``(H, W, 3)`` uint8 array (``TypeError`` for
            another dtype, ``ValueError`` for another shape or an empty one).
        size: ``(height, width)``, or an int: the longer side, aspect kept;
            sides from 1 to :data:`MAX_SIDE`. ``None`` returns the image as is.

    Returns:
        A uint8 array of the new size.
    """
    size = _check_size(size)
    image = _check_image(image)
    if size is None:
        return image
    h, w = image.shape[:2]
    if isinstance(size, int):
        scale = size / max(h, w)
        size = (max(1, round(h * scale)), max(1, round(w * scale)))
    return np.asarray(Image.fromarray(image).resize((size[1], size[0]), Image.Resampling.BICUBIC))


def load(name: str, size=None, *, rgb: bool = True) -> np.ndarray:
    """Load a sample image by name (see :data:`SAMPLES`).

    Args:
        name: a key of :data:`SAMPLES`.
        size: None (original), an int (longer side, aspect kept) or
            ``(height, width)``.
        rgb: repeat a greyscale image over three channels.

    Returns:
        uint8 array, ``(H, W, 3)`` (or ``(H, W)`` for a grey image with
        ``rgb=False``), values 0..255.
    """
    check_choice("name", check_str("name", name), tuple(SAMPLES))
    size = _check_size(size)  # before loading: a bad size must not wait for a download
    rgb = check_bool("rgb", rgb)
    img = _raw(name)
    if img.ndim == 3 and img.shape[2] == 4:
        img = img[..., :3]
    if rgb and img.ndim == 2:
        img = np.stack([img] * 3, axis=-1)
    return resize(np.ascontiguousarray(img), size)


def load_file(path, size=None) -> np.ndarray:
    """Load any image file as a uint8 ``(H, W, 3)`` RGB array (see :func:`load`).

    Args:
        path: a string or ``pathlib.Path``; ``FileNotFoundError`` if no file is there.
        size: as in :func:`load`.
    """
    path = check_path("path", path)
    size = _check_size(size)
    if not path.is_file():
        raise FileNotFoundError(f"no image file at {path}")
    return resize(np.asarray(Image.open(path).convert("RGB")), size)


def to_float(image: np.ndarray) -> np.ndarray:
    """uint8 0..255 -> float32 0..1, same shape (any shape; ``TypeError`` for another dtype)."""
    image = check_array("image", image, dtype="uint8", what="a uint8 image array")
    return image.astype(np.float32) / 255.0
