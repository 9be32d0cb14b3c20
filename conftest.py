"""pytest set-up shared by the unit tests and the nbval notebook runs."""

import os

# Quiet TensorFlow's C++ logs in every process pytest starts (kernels included).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def pytest_collectstart(collector):
    """nbval: never compare stderr (TensorFlow's warnings vary between machines)."""
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr",)
