"""Course-wide set-up: seeds, determinism, GPU memory, log level, profile.

Every notebook starts with::

    import course_utils
    profile = course_utils.setup()

The profile comes from the environment variable ``COURSE_PROFILE``:

* ``full`` (the default): the lecture's settings (whole datasets, enough
  epochs to reproduce the lecture's numbers, full-size images);
* ``quick``: the same code on small slices, few epochs and small images, so a
  notebook runs in about a minute on two CPU cores. CI uses it.

TensorFlow is imported lazily inside :func:`setup`, so importing this module
(or ``course_utils.sizing``) stays cheap.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, field

__all__ = ["PROFILES", "Profile", "get_profile", "setup"]

PROFILES = ("full", "quick")

# How many examples each data loader keeps: (n_train, n_test); None = all.
# One table, so that a notebook never hard-codes a slice of its own.
_SUBSETS = {
    "full": {},
    "quick": {
        "mnist": (6000, 1000),
        "cifar10": (2000, 500),
        "imdb": (2000, 1000),
        "cats_vs_dogs": (200, 100),
    },
}


@dataclass(frozen=True)
class Profile:
    """The run profile a notebook reads its sizes from.

    Attributes:
        name: ``"full"`` or ``"quick"``.
        subsets: dataset name -> ``(n_train, n_test)`` kept by the loaders in
            :mod:`course_utils.data`; a dataset absent from it is used whole.
    """

    name: str
    subsets: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def quick(self) -> bool:
        """True in the quick (CI) profile."""
        return self.name == "quick"

    def pick(self, *, quick, full):
        """Return ``quick`` in the quick profile and ``full`` otherwise.

        Notebooks keep their knobs in one cell, e.g.
        ``EPOCHS = profile.pick(quick=2, full=20)``.
        """
        return quick if self.quick else full

    def subset(self, dataset: str):
        """``(n_train, n_test)`` to keep for ``dataset``, or ``None`` for all."""
        if not isinstance(dataset, str):
            raise TypeError(f"dataset must be a string, got {dataset!r}")
        return self.subsets.get(dataset)


def get_profile(name: str | None = None) -> Profile:
    """Return the profile named ``name`` or, if None, by ``COURSE_PROFILE``.

    Raises:
        ValueError: for any name other than ``"full"`` or ``"quick"``.
    """
    source = "argument"
    if name is None:
        name = os.environ.get("COURSE_PROFILE", "full")
        source = "COURSE_PROFILE"
    if not isinstance(name, str):
        raise TypeError(f"profile name must be a string, got {name!r}")
    key = name.strip().lower()
    if key not in PROFILES:
        raise ValueError(
            f"{source}={name!r} is not a known profile; allowed values are "
            f"{' and '.join(repr(p) for p in PROFILES)} (unset means 'full')"
        )
    return Profile(key, dict(_SUBSETS[key]))


def _device_line(tf) -> str:
    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        names = []
        for gpu in gpus:
            try:
                names.append(tf.config.experimental.get_device_details(gpu).get("device_name", gpu.name))
            except (RuntimeError, ValueError):
                names.append(gpu.name)
        return f"GPU x{len(gpus)} ({', '.join(names)})"
    return f"CPU ({os.cpu_count()} cores)"


def setup(seed: int = 0, *, verbose: bool = True) -> Profile:
    """Prepare TensorFlow/Keras for a reproducible course run.

    * seeds Python's ``random``, NumPy and TensorFlow with ``seed``
      (``keras.utils.set_random_seed``);
    * turns on deterministic TensorFlow ops, so a rerun gives the same numbers;
    * lets GPU memory grow as needed instead of grabbing the whole card;
    * hides TensorFlow's C++ info/warning logs;
    * prints one line naming the device and the profile.

    Args:
        seed: int >= 0.
        verbose: print the one-line summary.

    Returns:
        The :class:`Profile` chosen by ``COURSE_PROFILE``.
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int >= 0, got {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be an int >= 0, got {seed}")
    profile = get_profile()  # fail on a bad COURSE_PROFILE before the slow import

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras  # noqa: PLC0415
    import tensorflow as tf  # noqa: PLC0415 - lazy on purpose

    tf.get_logger().setLevel("ERROR")
    for gpu in tf.config.list_physical_devices("GPU"):
        try:
            tf.config.experimental.set_memory_growth(gpu, True)
        except RuntimeError:
            pass  # the GPU was already initialised (setup() called twice)
    random.seed(seed)
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()

    if verbose:
        print(
            f"course_utils: TensorFlow {tf.__version__}, Keras {keras.__version__} on "
            f"{_device_line(tf)} | profile {profile.name!r} | seed {seed}"
        )
    return profile
