"""The presenter cache: train once, reuse on the next run, COURSE_REUSE=0 computes everything."""

from __future__ import annotations

import json

import numpy as np
import pytest

from course_utils import presenter


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("COURSE_PROFILE", "quick")
    monkeypatch.delenv("COURSE_REUSE", raising=False)
    return tmp_path / "cache" / "presenter"


def _model(seed):
    import keras  # noqa: PLC0415

    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)], name="tiny")
    model.compile(optimizer="sgd", loss="mse")
    return model


def _weights(model):
    return [np.array(w) for w in model.get_weights()]


class _Fit:
    """A fit function that counts its calls and "trains" ``model``: new weights, a fake history.

    (Cheap: the cache does not care how the weights came about; one test trains for real.)
    """

    def __init__(self, model):
        self.model, self.calls = model, 0

    def __call__(self):
        self.calls += 1
        rng = np.random.default_rng(self.calls)
        self.model.set_weights([rng.normal(size=w.shape).astype("float32") for w in self.model.get_weights()])
        return {"history": {"loss": [0.5, 0.25]}, "per_epoch": np.float32(0.5)}


SETTINGS = {"epochs": 2, "lr": 0.01}


def test_fit_reuses_history_and_epoch_times(cache, capsys):
    from course_utils.training import EpochTimer  # noqa: PLC0415

    model = _model(0)
    x = np.linspace(0, 1, 24, dtype="float32").reshape(8, 3)
    timer = EpochTimer()
    h = presenter.fit(model, "fit", x, x[:, :2], epochs=2, verbose=0, callbacks=[timer], notebook="04",
                      settings={"data": 8})
    assert len(h.history["loss"]) == 2 and h.epoch == [0, 1] and len(timer.times) == 2
    again, timer2 = _model(1), EpochTimer()
    h2 = presenter.fit(again, "fit", x, x[:, :2], epochs=2, verbose=0, callbacks=[timer2], notebook="04",
                       settings={"data": 8})
    assert h2.history == h.history and timer2.times == timer.times and "reused 'fit'" in capsys.readouterr().out
    np.testing.assert_allclose(np.asarray(again(x)), np.asarray(model(x)))
    fresh = _model(1)
    presenter.fit(fresh, "fit", x, x[:, :2], epochs=3, verbose=0, notebook="04", settings={"data": 8})
    assert "reused" not in capsys.readouterr().out  # epochs=3 is another key


@pytest.mark.parametrize("change", ["settings", "version", "profile", "notebook", "name", "architecture",
                                    "learning rate", "loss", "frozen"])
def test_a_different_key_trains_again(cache, monkeypatch, change):
    fit = _Fit(_model(0))
    presenter.trained(fit.model, "fit", fit, notebook="03", settings=SETTINGS)
    kwargs = {"notebook": "03", "settings": dict(SETTINGS), "version": "1"}
    name, model = "fit", _model(0)
    if change == "settings":
        kwargs["settings"]["epochs"] = 3
    elif change == "version":
        kwargs["version"] = "2"
    elif change == "profile":
        monkeypatch.setenv("COURSE_PROFILE", "full")
    elif change == "notebook":
        kwargs["notebook"] = "04"
    elif change == "name":
        name = "another fit"
    elif change == "architecture":
        import keras  # noqa: PLC0415

        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, use_bias=False)], name="tiny")
        model.compile(optimizer="sgd", loss="mse")
    elif change == "learning rate":
        import keras  # noqa: PLC0415

        model.compile(optimizer=keras.optimizers.SGD(0.02), loss="mse")
    elif change == "loss":
        model.compile(optimizer="sgd", loss="mae")
    else:
        model.layers[0].trainable = False
        model.compile(optimizer="sgd", loss="mse")
    fit = _Fit(model)
    presenter.trained(model, name, fit, **kwargs)
    assert fit.calls == 1


def test_same_key_in_a_new_session_reuses(cache):
    """Keras numbers layers and optimizers per session (dense_1, sgd_1): the key must not see that."""
    fit = _Fit(_model(0))
    presenter.trained(fit.model, "fit", fit, notebook="03", settings=SETTINGS)
    again = _Fit(_model(5))
    presenter.trained(again.model, "fit", again, notebook="03", settings=SETTINGS)
    assert again.calls == 0
    for a, b in zip(_weights(fit.model), _weights(again.model), strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_tuple_of_models_is_stored_and_restored_together(cache, capsys):
    import keras  # noqa: PLC0415

    def pair(seed):
        keras.utils.set_random_seed(seed)
        return (keras.Sequential([keras.Input((2,)), keras.layers.Dense(4)]),
                keras.Sequential([keras.Input((4,)), keras.layers.Dense(1), keras.layers.BatchNormalization()]))

    calls = []

    def train():  # the same source both times (a different one would be another key)
        calls.append(1)
        return {"log": [1.5, np.float32(2)]}

    first = pair(0)
    report = presenter.trained(first, "the GAN", train, notebook="14", settings=SETTINGS)
    second = pair(1)
    assert presenter.trained(second, "the GAN", train, notebook="14", settings=SETTINGS) == report
    assert report == {"log": [1.5, 2.0]} and calls == [1] and "reused 'the GAN'" in capsys.readouterr().out
    for a, b in zip(first, second, strict=True):  # every weight, the batch-norm statistics too
        for wa, wb in zip(_weights(a), _weights(b), strict=True):
            np.testing.assert_array_equal(wa, wb)


def _step_a(x):
    return x + 1


def _step_b(x):
    return x + 2


def test_editing_the_training_code_trains_again(cache):
    for step, calls in [(_step_a, 1), (_step_a, 0), (_step_b, 1)]:
        fit = _Fit(_model(0))
        presenter.trained(fit.model, "fit", fit, notebook="14", settings=SETTINGS, code=(step,))
        assert fit.calls == calls, step.__name__
    import tensorflow as tf  # noqa: PLC0415

    fit = _Fit(_model(0))  # a tf.function's source is its Python function's
    presenter.trained(fit.model, "fit", fit, notebook="14", settings=SETTINGS, code=tf.function(_step_b))
    assert fit.calls == 0


def test_reuse_off_computes_everything_and_writes_nothing(cache, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_REUSE", "0")
    for _ in range(2):
        fit = _Fit(_model(0))
        presenter.trained(fit.model, "fit", fit, notebook="05", settings=SETTINGS)
        assert fit.calls == 1
        made = presenter.arrays("features", lambda: {"x": np.ones(3)}, notebook="05", settings={})
        np.testing.assert_array_equal(made["x"], np.ones(3))
    assert not cache.exists() and "presenter cache" not in capsys.readouterr().out


def test_a_broken_cache_file_is_computed_again_and_kept_no_other(cache):
    fit = _Fit(_model(0))
    presenter.trained(fit.model, "fit", fit, notebook="03", settings=SETTINGS)
    (meta,) = (cache / "03").glob("*.json")
    meta.write_text("{half")
    fit = _Fit(_model(0))
    presenter.trained(fit.model, "fit", fit, notebook="03", settings=SETTINGS)
    assert fit.calls == 1 and json.loads(meta.read_text())["profile"] == "quick"


def test_arrays_are_computed_once(cache, capsys):
    calls = []

    def make():
        calls.append(1)
        return {"features": np.arange(12, dtype="float32").reshape(3, 4), "labels": np.array([0, 1, 1])}

    a = presenter.arrays("features", make, notebook="09", settings={"n": 3})
    b = presenter.arrays("features", make, notebook="09", settings={"n": 3})
    assert calls == [1] and "reused 'features'" in capsys.readouterr().out
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])
        assert a[k].dtype == b[k].dtype
    presenter.arrays("features", make, notebook="09", settings={"n": 4})
    assert calls == [1, 1]


@pytest.mark.parametrize(("value", "error"), [("2", ValueError), ("yes", ValueError), ("1", None), ("", None)])
def test_course_reuse_values(monkeypatch, value, error):
    monkeypatch.setenv("COURSE_REUSE", value)
    if error:
        with pytest.raises(error, match="COURSE_REUSE must be 0"):
            presenter.enabled()
    else:
        assert presenter.enabled() is True


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"notebook": "5"}, ValueError, "two-digit"),
        ({"notebook": 5}, TypeError, "notebook"),
        ({"settings": [1]}, TypeError, "settings must be a dict"),
        ({"settings": {"f": print}}, ValueError, "settings must hold"),
        ({"name": ""}, ValueError, "name must be"),
        ({"version": 2}, TypeError, "version"),
        ({"fit": 3}, TypeError, "fit"),
        ({"model": "x"}, TypeError, "model must be a Keras model"),
        ({"model": ()}, ValueError, "model must be a Keras model or a tuple"),
        ({"code": (print, 3)}, TypeError, "code"),
    ],
)
def test_bad_arguments_are_refused_by_name(cache, kwargs, error, words):
    model = _model(0)
    args = {"model": model, "name": "fit", "fit": _Fit(model), "notebook": "03", "settings": {}} | kwargs
    with pytest.raises(error, match=words):
        presenter.trained(**args)


def test_fit_must_report_json(cache):
    model = _model(0)
    with pytest.raises(ValueError, match="JSON-able"):
        presenter.trained(model, "fit", lambda: {"model": model}, notebook="03", settings={})
    with pytest.raises(TypeError, match="dict of str -> array"):
        presenter.arrays("x", lambda: [1, 2], notebook="03", settings={})
