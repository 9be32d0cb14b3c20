"""Small training helpers: timing epochs honestly, and the course's binary classifier setup.

Importing this module is cheap: Keras is imported only when
:class:`EpochTimer` is first used (``from course_utils.training import
EpochTimer`` or ``training.EpochTimer``) or :func:`compile_binary` is called.
"""

from __future__ import annotations

import time

from course_utils._checks import check_attrs, check_bool, check_number

__all__ = ["EpochTimer", "compile_binary"]  # noqa: F822 (EpochTimer is made by __getattr__)


def _make_epoch_timer():
    """Define ``EpochTimer`` on top of ``keras.callbacks.Callback`` (imports Keras)."""
    import keras  # noqa: PLC0415

    class EpochTimer(keras.callbacks.Callback):
        """Keras callback that records the wall time of every epoch.

        ``timer.times`` lists seconds per epoch; ``timer.per_epoch(skip_first=True)``
        gives the median, leaving out the first epoch (which includes tracing and
        graph compilation) when there is more than one.
        """

        def __init__(self):
            super().__init__()
            self.times: list[float] = []
            self._start = None

        def on_epoch_begin(self, epoch, logs=None):
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.times.append(time.perf_counter() - self._start)

        def per_epoch(self, skip_first: bool = True) -> float:
            """Median seconds per epoch (float >= 0).

            Args:
                skip_first: ``True`` (default) leaves out the first epoch when
                    more than one was timed; ``False`` uses all of them.
            """
            skip_first = check_bool("skip_first", skip_first)
            if not self.times:
                raise ValueError("no epoch has been timed yet: pass the timer to model.fit(callbacks=[...])")
            times = self.times[1:] if skip_first and len(self.times) > 1 else self.times
            times = sorted(times)
            mid = len(times) // 2
            return times[mid] if len(times) % 2 else (times[mid - 1] + times[mid]) / 2

    EpochTimer.__module__ = __name__
    EpochTimer.__qualname__ = "EpochTimer"
    return EpochTimer


def __getattr__(name):
    # PEP 562: build EpochTimer (and import Keras) on first access only.
    if name == "EpochTimer":
        cls = _make_epoch_timer()
        globals()["EpochTimer"] = cls  # later lookups find it directly
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted({*globals(), *__all__})


def compile_binary(model, learning_rate: float = 1e-3, *, average_weights: bool = False, ema_momentum: float = 0.99):
    """Compile a binary classifier that outputs one logit, as notebooks 04 and 05 do.

    Adam, ``BinaryCrossentropy(from_logits=True)`` (the sigmoid is applied
    inside the loss) and ``BinaryAccuracy(threshold=0.0, name="accuracy")``
    (logit > 0 means probability > 0.5), so the history has the keys
    ``loss``, ``accuracy``, ``val_loss`` and ``val_accuracy``.

    Args:
        model: a ``keras.Model`` ending in one logit, ``(batch, 1)``.
        learning_rate: Adam's learning rate, a number in ``(0, 1]``.
        average_weights: if True, Adam also keeps an exponential moving
            average of the weights (``use_ema``); swap them in with
            ``keras.callbacks.SwapEMAWeights``.
        ema_momentum: the average's momentum, a number in ``[0, 1)``; it
            follows roughly the last ``1 / (1 - ema_momentum)`` steps.

    Returns:
        ``model``, compiled.
    """
    check_attrs("model", model, ("compile", "fit"), "a keras.Model")
    learning_rate = check_number("learning_rate", learning_rate, minimum=0, maximum=1, low_open=True)
    average_weights = check_bool("average_weights", average_weights)
    ema_momentum = check_number("ema_momentum", ema_momentum, minimum=0, maximum=1, high_open=True)
    import keras  # noqa: PLC0415

    model.compile(
        optimizer=keras.optimizers.Adam(
            learning_rate=learning_rate, use_ema=average_weights, ema_momentum=ema_momentum
        ),
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
        metrics=[keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy")],
    )
    return model
