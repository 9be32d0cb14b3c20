"""pytest set-up shared by the unit tests and the nbval notebook runs."""

import os

# Quiet TensorFlow's C++ logs in every process pytest starts (kernels included).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# nbval starts each notebook's kernel in notebooks/, so a relative data path
# (e.g. COURSE_DATA_DIR=../shared/course-data) must be made absolute here.
for _var in ("COURSE_DATA_DIR", "COURSE_CACHE_DIR"):
    if os.environ.get(_var, "").strip():
        os.environ[_var] = os.path.abspath(os.path.expanduser(os.environ[_var].strip()))


def pytest_collectstart(collector):
    """nbval: never compare stderr (TensorFlow's warnings vary between machines)."""
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr",)
