"""Small training helpers: timing epochs honestly."""

from __future__ import annotations

import time

__all__ = ["EpochTimer"]


def _callback_base():
    import keras  # noqa: PLC0415

    return keras.callbacks.Callback


class EpochTimer(_callback_base()):
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
        """Median seconds per epoch (float >= 0)."""
        if not self.times:
            raise ValueError("no epoch has been timed yet: pass the timer to model.fit(callbacks=[...])")
        times = self.times[1:] if skip_first and len(self.times) > 1 else self.times
        times = sorted(times)
        mid = len(times) // 2
        return times[mid] if len(times) % 2 else (times[mid - 1] + times[mid]) / 2
