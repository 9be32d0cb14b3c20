"""The presenter cache: a notebook's expensive results kept for its next run.

An instructor who re-runs a notebook in front of a class should not wait for the
same training twice. :func:`trained` trains a model once and stores its weights
with what the training reported (the history, seconds per epoch); on the next run
with the same notebook, profile, settings and code version it loads the weights
and returns the stored report instead, and says so in one line. :func:`arrays`
does the same for computed arrays (extracted features).

The cache lives in the course cache (``COURSE_CACHE_DIR``, see
:mod:`course_utils.data`), under ``presenter/<notebook>/``. ``COURSE_REUSE=0``
switches it off: nothing is read and nothing is written, every result is computed
(CI and ``make test`` run that way, so every test run trains for real). The key
is a hash of the notebook, the result's name, the profile, the settings, the
``version`` the notebook passes, the source of the training function (and of
the functions it names in ``code``), the models' architecture (their layers'
classes and weight shapes) and compile arguments, and the versions of
course_utils, Keras and TensorFlow: editing the training code, the learning
rate or the loss trains again. Files of other keys are left in place;
nothing is ever deleted.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from course_utils import _checks

__all__ = ["arrays", "enabled", "fit", "trained"]

_NAME = re.compile(r"^[0-9]{2}$")


def enabled() -> bool:
    """True unless ``COURSE_REUSE`` is ``0`` (unset or ``1``: reuse on).

    Raises:
        ValueError: for any other value of ``COURSE_REUSE``.
    """
    value = os.environ.get("COURSE_REUSE", "").strip()
    if value in ("", "1"):
        return True
    if value == "0":
        return False
    raise ValueError(f"COURSE_REUSE must be 0 (compute everything) or 1 (reuse, the default), got {value!r}")


def _check_common(notebook, name, settings, version) -> tuple[str, str, dict, str]:
    notebook = _checks.check_str("notebook", notebook)
    if not _NAME.match(notebook):
        raise ValueError(f"notebook must be the notebook's two-digit number such as '05', got {notebook!r}")
    name = _checks.check_str("name", name)
    if not name.strip() or len(name) > 80:
        raise ValueError(f"name must be a short description (1 to 80 characters), got {name!r}")
    if not isinstance(settings, dict):
        raise TypeError(f"settings must be a dict of the values that shape the result, got {_checks.show(settings)}")
    try:
        json.dumps(settings, sort_keys=True)
    except (TypeError, ValueError) as e:
        raise ValueError(f"settings must hold only numbers, strings, bools, None, lists and dicts: {e}") from None
    version = _checks.check_str("version", version)
    return notebook, name, settings, version


def _key(notebook: str, name: str, settings: dict, version: str, extra: str = "") -> str:
    import course_utils  # noqa: PLC0415
    from course_utils.config import get_profile  # noqa: PLC0415

    versions = {"course_utils": course_utils.__version__}
    for module in ("keras", "tensorflow"):
        versions[module] = __import__(module).__version__
    blob = json.dumps({"notebook": notebook, "name": name, "profile": get_profile().name, "settings": settings,
                       "version": version, "versions": versions, "extra": extra}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _folder(notebook: str) -> Path:
    from course_utils.data.fetching import cache_dir  # noqa: PLC0415

    return cache_dir() / "presenter" / notebook


def _stem(name: str, key: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "result"
    return f"{slug}-{key}"


_MISS = object()  # nothing stored (or nothing usable) for this key


def _stored(notebook: str, name: str, key: str, suffix: str, load):
    """(data path, meta path, the stored result or _MISS); ``load(path, meta)`` reads a stored result."""
    folder, stem = _folder(notebook), _stem(name, key)
    data_path, meta_path = folder / f"{stem}{suffix}", folder / f"{stem}.json"
    meta = _read_meta(meta_path) if enabled() and data_path.is_file() else None
    if meta is not None:
        try:
            result = load(data_path, meta)
        except (OSError, ValueError, KeyError, EOFError):
            return data_path, meta_path, _MISS  # a broken or foreign file: computed again
        _say_reused(name, meta)
        return data_path, meta_path, result
    return data_path, meta_path, _MISS


def _say_reused(name: str, meta: dict) -> None:
    print(f"presenter cache: reused {name!r}, made {meta['made']} in the {meta['profile']!r} profile "
          f"({meta['seconds']:.0f} s then); COURSE_REUSE=0 computes it again")


def _write_meta(path: Path, meta: dict) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.part")
    tmp.write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)


def _meta(name: str, seconds: float, report) -> dict:
    from course_utils.config import get_profile  # noqa: PLC0415

    return {"name": name, "made": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "profile": get_profile().name,
            "seconds": seconds, "report": report}


def _read_meta(path: Path) -> dict | None:
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # missing or half-written: compute again
    return meta if isinstance(meta, dict) and {"made", "profile", "seconds", "report"} <= set(meta) else None


def _models(model) -> tuple:
    """``model`` as a non-empty tuple of built Keras models; TypeError/ValueError otherwise."""
    models = tuple(model) if isinstance(model, (tuple, list)) else (model,)
    allowed = "a Keras model or a tuple of Keras models (such as (generator, discriminator))"
    if not models:
        raise ValueError(f"model must be {allowed}, got an empty {type(model).__name__}")
    for m in models:
        if not hasattr(m, "get_weights") or not hasattr(m, "set_weights") or getattr(m, "weights", None) is None:
            raise TypeError(f"model must be {allowed}, got {_checks.show(m)}")
        if not m.weights:
            raise ValueError(f"model {getattr(m, 'name', '')!r} has no weights yet: build it before trained()")
    return models


def _architecture(models: tuple) -> list:
    """What shapes a training besides the settings: layers, weight shapes, what is frozen, compile arguments.

    Layer names stay out (Keras numbers them per session: dense, dense_1, ...).
    """
    described = []
    for m in models:
        compiled = m.get_compile_config() if callable(getattr(m, "get_compile_config", None)) else {}
        described.append([[type(layer).__name__ for layer in getattr(m, "layers", [])],
                          [[list(w.shape), str(w.dtype)] for w in m.weights],
                          [list(w.shape) for w in m.trainable_weights],  # what is frozen
                          _unnamed(json.loads(json.dumps(compiled or {}, sort_keys=True, default=str)))])
    return described


def _unnamed(config):
    """``config`` without its "name" entries (Keras numbers optimizers per session: sgd, sgd_1, ...)."""
    if isinstance(config, dict):
        return {k: _unnamed(v) for k, v in config.items() if k != "name"}
    if isinstance(config, list):
        return [_unnamed(v) for v in config]
    return config


def _code_text(fn) -> str:
    """The source of ``fn`` (a function or a ``tf.function``), or its compiled code where no source is found."""
    import inspect  # noqa: PLC0415

    fn = getattr(fn, "python_function", fn)  # a tf.function's Python function
    fn = inspect.unwrap(getattr(fn, "__func__", fn))
    try:
        return inspect.getsource(fn)
    except (OSError, TypeError):
        code = getattr(fn, "__code__", None) or getattr(type(fn).__call__, "__code__", None)
        return _code_repr(code) if code is not None else type(fn).__qualname__


def _code_repr(code) -> str:
    consts = [_code_repr(c) if hasattr(c, "co_code") else repr(c) for c in code.co_consts]
    return "|".join([code.co_code.hex(), repr(code.co_names), *consts])


def trained(model, name: str, fit, *, notebook: str, settings: dict, version: str = "1", code=()):
    """Train ``model`` by calling ``fit()``, or load what an earlier run of the same cell trained.

    Args:
        model: a built Keras model (its weights exist), or a tuple of them
            trained together (``(generator, discriminator)``); ``fit`` trains
            them in place. All their weights are stored (trainable or not);
            optimizer states are not.
        name: what is trained, as the notebook would say it (``"method 2"``);
            1 to 80 characters.
        fit: a function of no arguments that trains ``model`` and returns what
            the notebook needs afterwards as JSON-able values (numbers,
            strings, lists, dicts; NumPy arrays become lists), e.g.
            ``{"history": h.history}``.
        notebook: the notebook's two-digit number (``"05"``).
        settings: every value that shapes the result (epochs, learning rate,
            data sizes, seeds), JSON-able.
        version: raise it when the code that makes the result changes in a
            way the key cannot see.
        code: functions that ``fit`` calls (a ``tf.function`` training step);
            their source, like ``fit``'s own, joins the key, so that editing
            them (a try-this) trains again.

    The key also holds each model's layer classes, weight shapes and compile
    arguments (optimizer and its learning rate, loss, metrics).

    Returns:
        What ``fit()`` returned, from this run or (reused) from the stored run,
        through JSON (tuples come back as lists, NumPy numbers as floats).

    Raises:
        TypeError, ValueError: for a bad argument; ValueError also for a
        report of ``fit`` that JSON cannot hold.
    """
    notebook, name, settings, version = _check_common(notebook, name, settings, version)
    _checks.check_callable("fit", fit, "a function of no arguments that trains the model")
    models = _models(model)
    functions = tuple(code) if isinstance(code, (tuple, list)) else (code,)
    for fn in functions:
        _checks.check_callable("code", fn, "a function (or a tuple of functions) that fit calls")
    extra = json.dumps([_architecture(models), [_code_text(fn) for fn in (fit, *functions)]])
    reuse = enabled()
    key = _key(notebook, name, settings, version, extra)

    def load(path, meta):
        with np.load(path, allow_pickle=False) as f:
            values = [f[f"w{i}"] for i in range(len(f.files))]
        expected = [len(m.weights) for m in models]
        if sum(expected) != len(values):
            raise ValueError("the stored weights do not fit these models")
        for m, n in zip(models, expected, strict=True):
            m.set_weights(values[:n])
            values = values[n:]
        return meta["report"]

    weights_path, meta_path, stored = _stored(notebook, name, key, ".weights.npz", load)
    if stored is not _MISS:
        return stored
    start = time.perf_counter()
    report = fit()
    seconds = time.perf_counter() - start
    report = _jsonable("fit's report", report)
    if reuse:
        weights_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = weights_path.with_name(f"{_stem(name, key)}.{os.getpid()}.part.npz")
        values = [w for m in models for w in m.get_weights()]
        np.savez(tmp, **{f"w{i}": v for i, v in enumerate(values)})
        tmp.replace(weights_path)
        _write_meta(meta_path, _meta(name, seconds, report))
        print(f"presenter cache: stored {name!r} ({seconds:.0f} s) for the next run of this notebook")
    return report


def fit(model, name: str, *args, notebook: str, settings: dict, version: str = "1", code=(), **kwargs):
    """``model.fit(*args, **kwargs)`` through the presenter cache: see :func:`trained`.

    The number-valued arguments of the call (``epochs``, ``batch_size``,
    ``initial_epoch``, ...; not ``verbose``) join ``settings`` in the key. Callbacks
    with a ``times`` list (:class:`course_utils.training.EpochTimer`) get the
    stored run's epoch times back when the result is reused. ``code``: as for
    :func:`trained` (a custom loss function, say).

    Returns:
        A ``keras.callbacks.History`` with ``.history`` (metric -> list per
        epoch) and ``.epoch``, from this run or the stored one.
    """
    import keras  # noqa: PLC0415

    timers = [c for c in kwargs.get("callbacks") or [] if isinstance(getattr(c, "times", None), list)]
    if isinstance(settings, dict):
        settings = settings | {f"fit.{k}": v for k, v in kwargs.items()
                               if isinstance(v, (bool, int, float, str)) and k != "verbose"}

    def run():
        history = model.fit(*args, **kwargs)
        return {"history": history.history, "epoch": list(history.epoch), "timers": [list(t.times) for t in timers]}

    report = trained(model, name, run, notebook=notebook, settings=settings, version=version, code=code)
    for timer, times in zip(timers, report["timers"], strict=True):
        timer.times[:] = times
    history = keras.callbacks.History()
    history.history, history.epoch = report["history"], report["epoch"]
    history.set_model(model)
    return history


def arrays(name: str, make, *, notebook: str, settings: dict, version: str = "1") -> dict[str, np.ndarray]:
    """Compute named arrays with ``make()``, or load those an earlier run of the same cell computed.

    Args:
        name: what is computed (``"MobileNet features"``), 1 to 80 characters.
        make: a function of no arguments returning a dict of string names to
            NumPy arrays (any shapes and numeric dtypes).
        notebook, settings, version: as for :func:`trained`.

    Returns:
        The dict of arrays (loaded arrays have the stored dtypes and shapes).
    """
    notebook, name, settings, version = _check_common(notebook, name, settings, version)
    _checks.check_callable("make", make, "a function of no arguments returning a dict of arrays")
    reuse = enabled()
    key = _key(notebook, name, settings, version)

    def load(path, meta):
        with np.load(path, allow_pickle=False) as f:
            return {k: f[k] for k in meta["report"]}

    data_path, meta_path, stored = _stored(notebook, name, key, ".npz", load)
    if stored is not _MISS:
        return stored
    start = time.perf_counter()
    result = make()
    seconds = time.perf_counter() - start
    if not isinstance(result, dict) or not result or not all(isinstance(k, str) for k in result):
        raise TypeError(f"make must return a non-empty dict of str -> array, got {_checks.show(result)}")
    result = {k: np.asarray(v) for k, v in result.items()}
    if any(v.dtype.kind not in "biuf" for v in result.values()):
        raise TypeError("make must return numeric arrays (bool, int or float)")
    if reuse:
        data_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = data_path.with_name(f"{data_path.stem}.{os.getpid()}.part.npz")
        np.savez(tmp, **result)
        tmp.replace(data_path)
        _write_meta(meta_path, _meta(name, seconds, sorted(result)))
        print(f"presenter cache: stored {name!r} ({seconds:.0f} s) for the next run of this notebook")
    return result


def _jsonable(what: str, value):
    """``value`` through JSON (NumPy numbers and arrays become floats and lists)."""

    def default(o):
        if isinstance(o, np.ndarray):
            return o.tolist()
        if isinstance(o, np.generic):
            return o.item()
        raise TypeError(f"{type(o).__name__} is not JSON-able")

    try:
        return json.loads(json.dumps(value, default=default))
    except (TypeError, ValueError) as e:
        raise ValueError(f"{what} must be JSON-able (numbers, strings, lists, dicts): {e}") from None
