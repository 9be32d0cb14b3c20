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
from dataclasses import dataclass

from course_utils._checks import check_bool, check_choice, check_int, check_str

__all__ = ["PLOT_STYLE", "PROFILES", "Profile", "check", "get_profile", "setup"]

PROFILES = ("full", "quick")

# The course's plot style, applied by setup(): sizes that read from the back of
# a lecture room. Notebooks never set rcParams themselves.
PLOT_STYLE = {
    "font.size": 13,
    "axes.titlesize": 15,
    "axes.labelsize": 14,
    "legend.fontsize": 12,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "figure.titlesize": 16,
    "lines.linewidth": 2.0,
    "figure.dpi": 80,
}


@dataclass(frozen=True)
class Profile:
    """The run profile a notebook reads its sizes from.

    Attributes:
        name: ``"full"`` or ``"quick"``. The loaders in :mod:`course_utils.data`
            keep the slices listed in ``data.QUICK_SLICES`` in the quick profile.
    """

    name: str

    def __post_init__(self):
        check_choice("name", self.name, PROFILES)

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


def get_profile(name: str | None = None) -> Profile:
    """Return the profile named ``name`` or, if None, by ``COURSE_PROFILE``.

    Raises:
        ValueError: for any name other than ``"full"`` or ``"quick"``.
    """
    source = "name"
    if name is None:
        name = os.environ.get("COURSE_PROFILE", "full")
        source = "COURSE_PROFILE"
    check_str("profile name", name)
    key = name.strip().lower()
    if key not in PROFILES:
        raise ValueError(
            f"{source}={name!r} is not a known profile; allowed values are "
            f"{' and '.join(repr(p) for p in PROFILES)} (unset means 'full')"
        )
    return Profile(key)


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
    * applies the course's plot style (:data:`PLOT_STYLE`: font sizes that
      read on a projector), so notebooks set no ``rcParams`` of their own;
    * prints one line naming the device and the profile.

    Args:
        seed: int >= 0.
        verbose: print the one-line summary.

    Returns:
        The :class:`Profile` chosen by ``COURSE_PROFILE``.
    """
    seed = check_int("seed", seed, minimum=0, maximum=2**32 - 1)
    check_bool("verbose", verbose)
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
    import matplotlib  # noqa: PLC0415

    matplotlib.rcParams.update(PLOT_STYLE)

    if verbose:
        print(
            f"course_utils: TensorFlow {tf.__version__}, Keras {keras.__version__} on "
            f"{_device_line(tf)} | profile {profile.name!r} | seed {seed}"
        )
    return profile


def check(claim: str, condition) -> None:
    """Assert ``condition`` with ``claim`` as the message, and print the claim.

    The notebooks' way of stating a fact and checking it in one line::

        check("the deep plain network trains worse than the shallow one", deep_loss > shallow_loss)

    prints ``✓ the deep plain network trains worse than the shallow one``, or
    raises ``AssertionError`` naming the claim, so the printed claim can never
    drift from what was asserted.

    Args:
        claim: what is being claimed, in words (a non-empty string).
        condition: a bool (a NumPy bool, or a one-element array, is accepted).
    """
    check_str("claim", claim)
    if not claim.strip():
        raise ValueError("claim must say what is claimed, got an empty string")
    size = getattr(condition, "size", 1)
    if size != 1:
        raise ValueError(f"condition must be one True/False value, got an array of {size} values (use .all() or .any())")
    ok = check_bool("condition", bool(condition) if hasattr(condition, "dtype") else condition)
    if not ok:
        raise AssertionError(f"claim does not hold: {claim}")
    print(f"✓ {claim}")
