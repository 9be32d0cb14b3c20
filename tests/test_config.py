"""Tests of course_utils.config."""

import random

import numpy as np
import pytest

import course_utils
from course_utils.config import get_profile


def test_default_profile_is_full(monkeypatch):
    monkeypatch.delenv("COURSE_PROFILE", raising=False)
    p = get_profile()
    assert p.name == "full" and not p.quick and p.subset("cifar10") is None
    assert p.pick(quick=1, full=2) == 2


def test_quick_profile(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", " Quick ")
    p = get_profile()
    assert p.quick and p.pick(quick=1, full=2) == 1 and p.subset("mnist") == (6000, 1000)
    with pytest.raises(TypeError):
        p.subset(3)


def test_bad_profile_names_allowed_values(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "fast")
    with pytest.raises(ValueError) as err:
        course_utils.setup()
    assert "'fast'" in str(err.value) and "'full'" in str(err.value) and "'quick'" in str(err.value)
    with pytest.raises(TypeError):
        get_profile(5)


def test_setup_seeds_and_prints(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_PROFILE", "quick")
    p = course_utils.setup(seed=3)
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "profile 'quick'" in out[0] and ("CPU" in out[0] or "GPU" in out[0])
    assert p.quick
    import tensorflow as tf

    a = (random.random(), np.random.rand(), float(tf.random.uniform(())))
    course_utils.setup(seed=3, verbose=False)
    b = (random.random(), np.random.rand(), float(tf.random.uniform(())))
    assert a == b
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("seed, exc", [(-1, ValueError), (1.5, TypeError), (True, TypeError), ("0", TypeError)])
def test_setup_bad_seed(seed, exc):
    with pytest.raises(exc):
        course_utils.setup(seed=seed)
