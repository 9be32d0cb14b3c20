"""Tests of course_utils.config."""

import random

import matplotlib
import numpy as np
import pytest
import tensorflow as tf

import course_utils
from course_utils.config import get_profile


def test_default_profile_is_full(monkeypatch):
    monkeypatch.delenv("COURSE_PROFILE", raising=False)
    p = get_profile()
    assert p.name == "full" and not p.quick
    assert p.pick(quick=1, full=2) == 2


def test_quick_profile(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", " Quick ")
    p = get_profile()
    assert p.quick and p.pick(quick=1, full=2) == 1


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
    a = (random.random(), np.random.rand(), float(tf.random.uniform(())))
    course_utils.setup(seed=3, verbose=False)
    b = (random.random(), np.random.rand(), float(tf.random.uniform(())))
    assert a == b
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("seed, exc", [(-1, ValueError), (1.5, TypeError), (True, TypeError), ("0", TypeError)])
def test_setup_bad_seed(seed, exc):
    with pytest.raises(exc):
        course_utils.setup(seed=seed)


def test_setup_applies_the_course_plot_style(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "quick")
    matplotlib.rcParams["font.size"] = 7
    course_utils.setup(verbose=False)
    for key, value in course_utils.PLOT_STYLE.items():
        assert matplotlib.rcParams[key] == value, key


def test_check_prints_a_true_claim_and_raises_on_a_false_one(capsys):
    course_utils.check("two and two make four", 2 + 2 == 4)
    course_utils.check("a NumPy bool counts", np.float32(1.0) > 0)
    assert capsys.readouterr().out == "✓ two and two make four\n✓ a NumPy bool counts\n"
    with pytest.raises(AssertionError, match="claim does not hold: pigs fly"):
        course_utils.check("pigs fly", False)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    "claim, condition, exc",
    [(3, True, TypeError), ("", True, ValueError), ("x", "yes", TypeError), ("x", None, TypeError),
     ("x", np.array([True, False]), ValueError)],
)  # fmt: skip
def test_check_rejects_what_is_not_a_claim(claim, condition, exc):
    with pytest.raises(exc):
        course_utils.check(claim, condition)


def test_profile_error_names_the_argument():
    with pytest.raises(ValueError, match="name='x'"):
        get_profile("x")
    with pytest.raises(ValueError, match="name"):
        course_utils.Profile("fast")
