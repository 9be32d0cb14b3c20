"""Helpers for the ConvNets course notebooks.

Importing the package is cheap: TensorFlow and Keras are imported only by the
functions that need them (model builders, loaders of ``tf.data`` pipelines,
the image-optimisation engine) and by :func:`setup`. Modules, one per lecture
idea: ``config`` (setup, profiles, :func:`check`), ``sizing`` (the formulas),
``data`` (registry, fetching, loaders, pretrained networks), ``images``,
``viz``, ``models``, ``training``, ``saliency``, ``generate`` and ``detection``
(boxes, IoU, YOLO's grid encoding, non-maximum suppression).
"""

from course_utils.config import PLOT_STYLE, PROFILES, Profile, check, get_profile, setup

__all__ = ["PLOT_STYLE", "PROFILES", "Profile", "check", "get_profile", "setup"]
__version__ = "0.1.0"
