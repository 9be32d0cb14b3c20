"""Fuzz the whole public API with wrong arguments.

For every public callable in the ``__all__`` of each module, and for each of
its arguments, the call is made once per value in :data:`BAD` (the other
arguments keep the valid values of :data:`SPECS`). Each call must

* succeed (some of the values are valid for some arguments), or
* raise ``TypeError`` / ``ValueError`` with a non-empty message, or
* for a value declared valid for a function that loads data or weights,
  raise ``DataUnavailableError`` (nothing real is readable here: the
  mirror is an empty folder and ``COURSE_OFFLINE=1``);

and it must take less than a second (a refusal always; a success only where
:data:`SPECS` says the function does heavy work when given a valid value).
Anything else (``AttributeError``, TensorFlow's ``InvalidArgumentError``, a
``DataUnavailableError`` for a bad value, which means the value was not
checked before loading, or a hang) fails, naming the function, the argument
and the value.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import math
import signal
import time
from contextlib import contextmanager

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

MODULES = (
    "config", "sizing", "data", "images", "viz", "models", "training", "saliency", "generate", "architectures",
    "detection", "exercises", "presenter",
)  # fmt: skip

# label -> a fresh bad value per call (lists and dicts could be mutated by a call)
BAD = {
    "None": lambda: None,
    "-1": lambda: -1,
    "0": lambda: 0,
    "1.5": lambda: 1.5,
    "True": lambda: True,
    "'x'": lambda: "x",
    "[]": lambda: [],
    "{}": lambda: {},
    "nan": lambda: float("nan"),
    "zeros(3)": lambda: np.zeros(3),
    "10**9": lambda: 10**9,
}

TIME_LIMIT = 1.0  # seconds per call
HANG_LIMIT = 10.0  # a call still running after this is interrupted and reported as a hang


@dataclasses.dataclass
class Spec:
    """One valid call of a public callable, and what the fuzz may expect of it.

    base: ctx -> keyword arguments of a cheap valid call.
    valid: argument -> labels of :data:`BAD` that are valid values for it:
        the call must then not be refused (it may raise DataUnavailableError
        when ``loads`` is set).
    loads: the function reads data or weights: a valid call may raise
        DataUnavailableError.
    heavy: arguments (or "*" for all) for which a *successful* call may take
        longer than TIME_LIMIT, because a valid value legitimately does heavy
        work (building a full network, tracing a graph). Refusals are always
        timed.
    other_errors: (argument, label) -> another exception that is the right
        answer (e.g. FileNotFoundError for a path that does not exist).
    """

    base: object
    valid: dict = dataclasses.field(default_factory=dict)
    loads: bool = False
    heavy: frozenset = frozenset()
    other_errors: dict = dataclasses.field(default_factory=dict)


class _Ctx:
    """Objects the valid calls need, built once (Keras models, a PNG file)."""

    def __init__(self, tmp):
        import keras  # noqa: PLC0415
        import tensorflow as tf  # noqa: PLC0415
        from PIL import Image  # noqa: PLC0415

        self.tf = tf
        self.keras = keras
        self.png = tmp / "tiny.png"
        Image.fromarray(np.zeros((4, 4, 3), np.uint8)).save(self.png)
        self.model = self.tiny_model()
        self.model(np.zeros((1, 8, 8, 3), np.float32))  # built and run once: later calls are warm

    def tiny_model(self):
        """Input (8, 8, 3) -> conv (2 maps, separate ReLU) -> global max -> 2 logits."""
        k = self.keras
        inputs = k.Input((8, 8, 3), name="pixels")
        x = k.layers.Conv2D(2, 3, name="conv")(inputs)
        x = k.layers.ReLU(name="relu")(x)
        x = k.layers.GlobalMaxPooling2D(name="pool")(x)
        return k.Model(inputs, k.layers.Dense(2, name="out")(x), name="tiny")

    def compiled_model(self):
        """A fresh tiny model, compiled, for calls that train."""
        model = self.tiny_model()
        model.compile(optimizer="sgd", loss="mse")
        return model

    def loss_fn(self):
        tf = self.tf
        return lambda image: tf.reduce_sum(tf.square(image))

    def result(self):
        gen = importlib.import_module("course_utils.generate")
        return gen.OptimizationResult(np.zeros((1, 2, 2, 3), np.float32), [1.0], 0.1, True, [0.1])


def _spec_fields(ctx):
    gen = importlib.import_module("course_utils.generate")
    spec = gen.BACKBONES["mobilenet"]
    return {f.name: getattr(spec, f.name) for f in dataclasses.fields(spec)}


def _f32(*shape):
    return np.zeros(shape, np.float32)


SPECS = {
    # ------------------------------------------------------------ config
    ("config", "Profile"): Spec(lambda c: {"name": "quick"}),
    ("config", "check"): Spec(lambda c: {"claim": "x", "condition": True}, valid={"claim": {"'x'"}}),
    ("config", "get_profile"): Spec(lambda c: {"name": "quick"}, valid={"name": {"None"}}),
    # setup imports TensorFlow, seeds it and switches on deterministic ops
    ("config", "setup"): Spec(
        lambda c: {"seed": 0, "verbose": False}, valid={"seed": {"0", "10**9"}, "verbose": {"True"}}, heavy={"*"}
    ),
    # ------------------------------------------------------------ sizing
    ("sizing", "conv_output_size"): Spec(
        lambda c: {"size": 32, "kernel": 3, "stride": 1, "padding": 0, "strict": True},
        valid={"size": {"10**9"}, "padding": {"0", "10**9"}, "strict": {"True"}},
    ),
    ("sizing", "pool_output_size"): Spec(
        lambda c: {"size": 32, "pool": 2, "stride": None, "strict": True},
        valid={"size": {"10**9"}, "stride": {"None"}, "strict": {"True"}},
    ),
    ("sizing", "same_padding"): Spec(lambda c: {"kernel": 3}),  # 10**9 is even: refused
    ("sizing", "conv_params"): Spec(
        lambda c: {"kernel": 3, "in_channels": 3, "filters": 8, "bias": True},
        valid={"kernel": {"10**9"}, "in_channels": {"10**9"}, "filters": {"10**9"}, "bias": {"True"}},
    ),
    ("sizing", "dense_params"): Spec(
        lambda c: {"inputs": 3, "units": 2, "bias": True},
        valid={"inputs": {"10**9"}, "units": {"10**9"}, "bias": {"True"}},
    ),
    ("sizing", "conv_multiplications"): Spec(
        lambda c: {"kernel": 3, "in_channels": 3, "out_size": 30, "filters": 8},
        valid={a: {"10**9"} for a in ("kernel", "in_channels", "out_size", "filters")},
    ),
    ("sizing", "depthwise_separable_multiplications"): Spec(
        lambda c: {"kernel": 3, "in_channels": 3, "out_size": 30, "filters": 8},
        valid={a: {"10**9"} for a in ("kernel", "in_channels", "out_size", "filters")},
    ),
    ("sizing", "depthwise_separable_ratio"): Spec(
        lambda c: {"filters": 64, "kernel": 3}, valid={"filters": {"10**9"}, "kernel": {"10**9"}}
    ),
    ("sizing", "receptive_field"): Spec(lambda c: {"kernels": [3, 3], "strides": None}, valid={"strides": {"None"}}),
    # ------------------------------------------------------------ data (nothing real is readable)
    ("data", "Asset"): Spec(lambda c: {"name": "x", "path": "a/b.npz", "description": "d", "url": None}),
    ("data", "cats_vs_dogs"): Spec(
        lambda c: {"image_size": 8, "batch_size": 2, "shuffle": False, "seed": 0, "verbose": False},
        valid={"shuffle": {"True"}, "seed": {"0", "10**9"}, "verbose": {"True"}},
        loads=True,
    ),
    ("data", "cats_vs_dogs_files"): Spec(lambda c: {"split": "train"}, loads=True),
    ("data", "fetch"): Spec(lambda c: {"name": "mnist", "download": False}, valid={"download": {"True"}}, loads=True),
    ("data", "imdb_decode"): Spec(
        lambda c: {"sequence": [1, 4, 5], "word_index": {"the": 1, "movie": 2}},
        valid={"sequence": {"[]"}, "word_index": {"None", "{}"}},
        loads=True,
    ),
    ("data", "imdb_tokenize"): Spec(lambda c: {"text": "a b"}, valid={"text": {"'x'"}}),
    ("data", "load_cifar10"): Spec(lambda c: {"verbose": False}, valid={"verbose": {"True"}}, loads=True),
    ("data", "load_imdb"): Spec(
        lambda c: {"num_words": None, "maxlen": None, "seed": 113, "verbose": False},
        valid={"num_words": {"None"}, "maxlen": {"None"}, "seed": {"0", "10**9"}, "verbose": {"True"}},
        loads=True,
    ),
    ("data", "load_mnist"): Spec(lambda c: {"verbose": False}, valid={"verbose": {"True"}}, loads=True),
    ("data", "mnist_canvases"): Spec(
        lambda c: {
            "n": 2,
            "size": 64,
            "digits": (1, 2),
            "scale": (0.8, 1.2),
            "split": "train",
            "seed": 0,
            "verbose": False,
        },
        valid={"digits": set(), "scale": {"1.5"}, "seed": {"0", "10**9"}, "verbose": {"True"}},
        loads=True,
    ),
    # weights=None builds the whole MobileNet (4 million random weights)
    ("data", "mobilenet"): Spec(
        lambda c: {"include_top": True, "image_size": 224, "weights": "imagenet"},
        valid={"include_top": {"True"}, "weights": {"None"}},
        loads=True,
        heavy={"weights"},
    ),
    ("data", "prepare_keras_cache"): Spec(lambda c: {"names": None}, valid={"names": {"None", "[]"}}, loads=True),
    # weights=None builds the whole VGG19 (20 million random weights)
    ("data", "vgg19"): Spec(lambda c: {"weights": "imagenet"}, valid={"weights": {"None"}}, loads=True, heavy={"weights"}),
    # ------------------------------------------------------------ images
    ("images", "load"): Spec(
        lambda c: {"name": "chelsea", "size": 8, "rgb": True}, valid={"size": {"None"}, "rgb": {"True"}}
    ),
    ("images", "load_file"): Spec(
        lambda c: {"path": c.png, "size": None},
        valid={"size": {"None"}},
        other_errors={("path", "'x'"): FileNotFoundError},  # a string path to a file that is not there
    ),
    ("images", "resize"): Spec(lambda c: {"image": np.zeros((4, 4, 3), np.uint8), "size": 2}, valid={"size": {"None"}}),
    ("images", "to_float"): Spec(lambda c: {"image": np.zeros((2, 2, 3), np.uint8)}),
    # ------------------------------------------------------------ viz
    ("viz", "plot_histories"): Spec(
        lambda c: {"histories": {"a": {"loss": [1.0, 0.5]}}, "metrics": "loss", "title": None, "fontsize": None},
        valid={"title": {"None", "'x'"}, "fontsize": {"None"}},
    ),
    ("viz", "plot_losses"): Spec(
        lambda c: {
            "runs": {"a": [1.0, 0.5]},
            "log": True,
            "relative": False,
            "title": None,
            "ylabel": None,
            "xlabel": "step",
            "in_a_row": False,
            "fontsize": None,
        },
        valid={
            "log": {"True"},
            "relative": {"True"},
            "title": {"None", "'x'"},
            "ylabel": {"None", "'x'"},
            "xlabel": {"'x'"},
            "in_a_row": {"True"},
            "fontsize": {"None"},
        },
    ),
    ("viz", "show_images"): Spec(
        lambda c: {
            "images": np.zeros((1, 4, 4, 3), np.uint8),
            "titles": None,
            "ncols": 8,
            "size": 2.0,
            "cmap": None,
            "fontsize": None,
        },
        valid={"titles": {"None"}, "size": {"1.5"}, "cmap": {"None"}, "fontsize": {"None"}},
    ),
    # ------------------------------------------------------------ models
    # a valid call builds the lecture's CIFAR-10 ConvNet (8 layers)
    ("models", "cifar10_convnet"): Spec(
        lambda c: {"head": "global_max", "num_classes": 10, "softmax": True}, valid={"softmax": {"True"}}, heavy={"*"}
    ),
    ("models", "imdb_convnet"): Spec(lambda c: {"num_words": 10, "maxlen": 41, "embedding_dim": 2}),
    ("models", "layer_table"): Spec(lambda c: {"model": c.model}),
    ("models", "transfer_head"): Spec(
        lambda c: {"feature_shape": (1, 1, 2), "pooling": "flatten", "units": 2, "dropout": 0.5},
        valid={"dropout": {"0"}},
    ),
    # ------------------------------------------------------------ architectures
    # a valid call builds a whole network (AlexNet: 61 million weights)
    ("architectures", "alexnet"): Spec(lambda c: {"groups": 2, "input_size": 227, "num_classes": 10}, heavy={"*"}),
    ("architectures", "googlenet"): Spec(lambda c: {"num_classes": 10, "input_size": 32}, heavy={"*"}),
    ("architectures", "lenet5"): Spec(
        lambda c: {"num_classes": 10, "input_size": 32, "pooling": "max"}, heavy={"*"}
    ),
    # a valid call traces the model into a graph before timing it
    ("architectures", "images_per_second"): Spec(
        lambda c: {"model": c.model, "batch_size": 1, "repeats": 1}, heavy={"*"}
    ),
    ("architectures", "matmul_gflops"): Spec(lambda c: {"n": 16, "repeats": 1}),
    ("architectures", "multiply_adds"): Spec(
        lambda c: {"model": c.model, "per_layer": False}, valid={"per_layer": {"True"}}
    ),
    ("architectures", "neurons"): Spec(lambda c: {"model": c.model}),
    ("architectures", "weighted_depth"): Spec(lambda c: {"model": c.model}),
    # ------------------------------------------------------------ training
    ("training", "compile_binary"): Spec(
        lambda c: {"model": c.tiny_model(), "learning_rate": 1e-3, "average_weights": False, "ema_momentum": 0.99},
        valid={"average_weights": {"True"}, "ema_momentum": {"0"}},
    ),
    # ------------------------------------------------------------ saliency
    ("saliency", "input_gradient"): Spec(
        lambda c: {"model": c.model, "image": _f32(1, 8, 8, 3), "target": lambda y: y[0, 0]},
    ),
    ("saliency", "relu_with_rule"): Spec(
        lambda c: {"x": _f32(3), "rule": "backprop", "max_value": None},
        valid={"x": {"zeros(3)"}, "max_value": {"None", "1.5"}},
    ),
    ("saliency", "with_backward_rule"): Spec(lambda c: {"model": c.model, "rule": "guided"}),
    # ------------------------------------------------------------ generate
    ("generate", "Backbone"): Spec(
        lambda c: {"spec": importlib.import_module("course_utils.generate").BACKBONES["mobilenet"], "model": c.model}
    ),
    ("generate", "BackboneSpec"): Spec(_spec_fields),
    ("generate", "OptimizationResult"): Spec(
        lambda c: {"image": _f32(1, 2, 2, 3), "losses": [1.0], "seconds": 0.1, "compiled": True, "step_seconds": [0.1]}
    ),
    ("generate", "Timing"): Spec(
        lambda c: {
            "steps": 3,
            "compiled_step": 0.1,
            "eager_step": 0.2,
            "tracing": 0.05,
            "reliable": True,
            "compiled": c.result(),
            "eager": c.result(),
        }
    ),
    ("generate", "alpha_norm"): Spec(
        lambda c: {"image": _f32(1, 2, 2, 3), "alpha": 6.0}, valid={"image": {"zeros(3)"}, "alpha": {"1.5"}}
    ),
    # weights=None builds the whole MobileNet
    ("generate", "backbone"): Spec(
        lambda c: {"name": "mobilenet", "weights": "imagenet"}, valid={"weights": {"None"}}, loads=True, heavy={"weights"}
    ),
    ("generate", "content_loss"): Spec(lambda c: {"features": _f32(1, 2, 2, 3), "target": _f32(1, 2, 2, 3)}),
    ("generate", "feature_extractor"): Spec(lambda c: {"model": c.model, "layer_names": ["conv"]}),
    ("generate", "gram_matrix"): Spec(lambda c: {"features": _f32(1, 2, 2, 3)}),
    ("generate", "octave_shapes"): Spec(lambda c: {"shape": (8, 8), "octaves": 2, "scale": 1.4}, valid={"scale": {"1.5"}}),
    # compiled=True traces the step into a graph (the point of the option)
    ("generate", "optimize_image"): Spec(
        lambda c: {
            "loss_fn": c.loss_fn(),
            "image": _f32(1, 4, 4, 3),
            "steps": 1,
            "learning_rate": 0.01,
            "optimizer": "sgd",
            "maximize": False,
            "normalize_gradient": False,
            "jitter": 0,
            "blur_sigma": 0.0,
            "blur_every": 0,
            "clip": (-1.0, 1.0),
            "compiled": False,
            "seed": 0,
        },
        valid={
            "learning_rate": {"1.5"},
            "maximize": {"True"},
            "normalize_gradient": {"True"},
            "jitter": {"0"},
            "blur_sigma": {"0"},
            "blur_every": {"0"},
            "clip": {"None"},
            "compiled": {"True"},
            "seed": {"0"},
        },
        heavy={"compiled"},
    ),
    ("generate", "total_variation"): Spec(
        lambda c: {"image": _f32(1, 3, 3, 3), "beta": 2.0}, valid={"beta": {"1.5"}}
    ),
    ("generate", "style_layer_loss"): Spec(lambda c: {"features": _f32(1, 2, 2, 3), "target_gram": _f32(1, 3, 3)}),
    # a valid call traces and runs the step twice (compiled and eager): its purpose is timing
    ("generate", "time_compiled"): Spec(
        lambda c: {"loss_fn": c.loss_fn(), "image": _f32(1, 4, 4, 3), "steps": 3, "optimizer": "sgd"}, heavy={"*"}
    ),
    # ------------------------------------------------------------ detection
    ("detection", "Detections"): Spec(
        lambda c: {"boxes": _f32(0, 4), "scores": _f32(0), "classes": np.zeros(0, np.int64)}
    ),
    ("detection", "PrecisionRecall"): Spec(
        lambda c: {"precision": 1.0, "recall": 1.0, "true_positives": 1, "false_positives": 0, "false_negatives": 0}
    ),
    ("detection", "box_area"): Spec(lambda c: {"boxes": _f32(2, 4)}),
    ("detection", "centers_to_corners"): Spec(lambda c: {"boxes": _f32(2, 4)}),
    ("detection", "corners_to_centers"): Spec(lambda c: {"boxes": _f32(2, 4)}),
    ("detection", "iou"): Spec(lambda c: {"boxes_a": _f32(2, 4), "boxes_b": _f32(2, 4)}),
    ("detection", "match_detections"): Spec(
        lambda c: {
            "boxes": _f32(1, 4),
            "scores": _f32(1),
            "classes": np.zeros(1, np.int64),
            "true_boxes": _f32(1, 4),
            "true_classes": np.zeros(1, np.int64),
            "iou_threshold": 0.5,
        },
        valid={"iou_threshold": {"0"}},
    ),
    # a valid call runs tf.image.non_max_suppression
    ("detection", "non_max_suppression"): Spec(
        lambda c: {
            "boxes": _f32(2, 4),
            "scores": _f32(2),
            "classes": None,
            "iou_threshold": 0.5,
            "min_score": 0.0,
            "max_boxes": 10,
        },
        valid={"classes": {"None"}, "iou_threshold": {"0"}, "min_score": {"-1", "0", "1.5", "10**9"}},
    ),
    ("detection", "precision_recall"): Spec(
        lambda c: {
            "detections": [(_f32(1, 4), _f32(1), np.zeros(1, np.int64))],
            "truths": [(_f32(1, 4), np.zeros(1, np.int64))],
            "iou_threshold": 0.5,
        },
        valid={"iou_threshold": {"0"}},
    ),
    ("detection", "to_yxyx"): Spec(lambda c: {"boxes": _f32(2, 4)}),
    ("detection", "yolo_decode"): Spec(
        lambda c: {"output": _f32(4, 4, 15), "image_size": 64, "boxes_per_cell": 1, "min_score": None},
        valid={"min_score": {"None", "0"}},
    ),
    ("detection", "yolo_encode"): Spec(
        lambda c: {
            "boxes": np.array([[0, 0, 4, 4]], np.float32),
            "classes": np.ones(1, np.int64),
            "image_size": 64,
            "grid": 4,
            "boxes_per_cell": 1,
            "num_classes": 10,
            "strict": True,
        },
        valid={"strict": {"True"}},
    ),
    ("detection", "yolo_output_shape"): Spec(lambda c: {"grid": 7, "boxes_per_cell": 2, "num_classes": 20}),
    # ------------------------------------------------------------ exercises
    # got is the student's answer: anything wrong there is a wrong answer (AssertionError),
    # never a TypeError; so is a valid model answer that differs from got=1
    ("exercises", "check_answer"): Spec(
        lambda c: {"exercise": "1.1", "got": 1, "expected": 1, "rtol": 1e-6, "atol": 0.0},
        valid={"rtol": {"0", "1.5", "10**9"}, "atol": {"0", "1.5", "10**9"}},
        other_errors={
            **{("got", label): AssertionError for label in BAD},
            **{("expected", label): AssertionError for label in ("-1", "0", "1.5", "[]", "zeros(3)", "10**9")},
        },
    ),
    # ------------------------------------------------------------ presenter (the fuzz's cache is empty, tmp)
    ("presenter", "trained"): Spec(
        lambda c: {"model": c.model, "name": "fuzz", "fit": lambda: {"ok": 1}, "notebook": "03", "settings": {}},
        valid={"name": {"'x'"}, "version": {"'x'"}, "settings": {"{}"}},
    ),
    ("presenter", "fit"): Spec(
        lambda c: {"model": c.compiled_model(), "name": "fuzz", "notebook": "03", "settings": {},
                   "x": _f32(2, 8, 8, 3), "y": _f32(2, 2), "epochs": 1, "verbose": 0},
        valid={"name": {"'x'"}, "version": {"'x'"}, "settings": {"{}"}}, heavy={"*"},
    ),
    ("presenter", "arrays"): Spec(
        lambda c: {"name": "fuzz", "make": lambda: {"a": np.zeros(2)}, "notebook": "03", "settings": {}},
        valid={"name": {"'x'"}, "version": {"'x'"}, "settings": {"{}"}},
    ),
}

# Public callables that take no arguments, or whose arguments are anything by
# design: nothing to fuzz.
NO_ARGUMENTS = {
    ("data", "DataUnavailableError"),  # an exception: takes any message
    ("data", "imagenet_class_index"),
    ("data", "imdb_word_index"),
    ("data", "registry_markdown"),
    ("training", "EpochTimer"),
    ("presenter", "enabled"),
}

# Findings in modules other than sizing, models, images and training (which
# are fixed): the lead fixes them and removes the entry. strict=True makes the
# case fail (XPASS) once fixed, as a reminder to remove it.
KNOWN_FAILURES: dict[tuple[str, str, str], str] = {}


def _public_callables():
    out = []
    for module in MODULES:
        mod = importlib.import_module(f"course_utils.{module}")
        for name in mod.__all__:
            obj = getattr(mod, name)
            if callable(obj):
                out.append((module, name, obj))
    return out


def _arguments(obj):
    params = inspect.signature(obj).parameters.values()
    return [p.name for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def _cases():
    cases = []
    for module, name, obj in _public_callables():
        if (module, name) in NO_ARGUMENTS:
            continue
        for arg in _arguments(obj):
            marks = []
            reason = KNOWN_FAILURES.get((module, name, arg))
            if reason:
                marks.append(pytest.mark.xfail(strict=True, reason=reason))
            cases.append(pytest.param(module, name, arg, id=f"{module}.{name}-{arg}", marks=marks))
    return cases


def test_table_covers_the_whole_api():
    """Every public callable with arguments has a valid call in SPECS (a new function needs one)."""
    missing = [
        f"{m}.{n}" for m, n, obj in _public_callables() if (m, n) not in SPECS and (m, n) not in NO_ARGUMENTS
    ]
    assert not missing, f"add a valid call to SPECS for: {', '.join(missing)}"
    stale = [f"{m}.{n}" for m, n in SPECS if not hasattr(importlib.import_module(f"course_utils.{m}"), n)]
    assert not stale, f"SPECS names functions that no longer exist: {stale}"
    for (module, name), spec in SPECS.items():
        args = set(_arguments(getattr(importlib.import_module(f"course_utils.{module}"), name)))
        assert set(spec.valid) <= args, f"{module}.{name}: valid names unknown arguments"
        assert all(labels <= set(BAD) for labels in spec.valid.values())


class _Hang(BaseException):
    """Raised by the alarm in a call that runs past HANG_LIMIT (BaseException: no `except Exception` eats it)."""


@contextmanager
def _hang_guard(seconds):
    def alarm(signum, frame):
        raise _Hang

    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    pytest.importorskip("keras")
    return _Ctx(tmp_path_factory.mktemp("fuzz"))


@pytest.fixture(scope="module", autouse=True)
def no_real_data(tmp_path_factory):
    """An empty mirror, an empty cache and no downloads, for the whole module."""
    root = tmp_path_factory.mktemp("no-data")
    mp = pytest.MonkeyPatch()
    for key, sub in (("COURSE_DATA_DIR", "mirror"), ("COURSE_CACHE_DIR", "cache"), ("KERAS_HOME", "keras")):
        (root / sub).mkdir()
        mp.setenv(key, str(root / sub))
    mp.setenv("COURSE_OFFLINE", "1")
    mp.setenv("COURSE_DOWNLOAD_TIMEOUT", "1")
    yield root
    mp.undo()


@pytest.fixture(scope="module", autouse=True)
def restore_global_state():
    """config.setup (fuzzed with valid seeds) sets rcParams, seeds and op determinism: undo that afterwards."""
    saved_rc = dict(matplotlib.rcParams)
    tf_config = None
    try:
        from tensorflow.python.framework import config as tf_config  # noqa: PLC0415 (private, test only)

        determinism = tf_config.is_op_determinism_enabled()
    except ImportError:
        determinism = None
    yield
    matplotlib.rcParams.update(saved_rc)
    if tf_config is not None and not determinism:
        tf_config.disable_op_determinism()


def _outcome(fn, kwargs):
    """(kind, exception, seconds): kind is 'ok', 'refused', 'unavailable', 'hang' or 'other'.

    seconds is the smaller of the wall-clock time and this process's CPU time: the
    first is not inflated by TensorFlow's threads, the second not by other jobs
    competing for the cores, so a busy machine does not make a fast call look slow.
    """
    from course_utils.data import DataUnavailableError  # noqa: PLC0415

    start, cpu_start = time.perf_counter(), time.process_time()
    try:
        with _hang_guard(HANG_LIMIT):
            fn(**kwargs)
        kind, exc = "ok", None
    except _Hang as err:
        kind, exc = "hang", err
    except (TypeError, ValueError) as err:
        kind, exc = "refused", err
    except DataUnavailableError as err:
        kind, exc = "unavailable", err
    except Exception as err:  # everything else is reported
        kind, exc = "other", err
    finally:
        plt.close("all")
    return kind, exc, min(time.perf_counter() - start, time.process_time() - cpu_start)


@pytest.mark.parametrize("module, name, arg", _cases())
def test_bad_argument_values(module, name, arg, ctx):
    fn = getattr(importlib.import_module(f"course_utils.{module}"), name)
    spec = SPECS[(module, name)]
    valid = spec.valid.get(arg, set())
    heavy = "*" in spec.heavy or arg in spec.heavy
    problems = []
    for label, make in BAD.items():
        kwargs = dict(spec.base(ctx))
        kwargs[arg] = make()
        kind, exc, seconds = _outcome(fn, kwargs)
        what = f"{module}.{name}({arg}={label})"
        detail = f"{type(exc).__name__}: {str(exc)[:200]}" if exc is not None else ""
        expected_other = spec.other_errors.get((arg, label))
        if kind == "hang":
            problems.append(f"{what} still running after {HANG_LIMIT:g} s (interrupted)")
            continue
        if kind == "refused" and not str(exc).strip():
            problems.append(f"{what} raised {type(exc).__name__} without a message")
        elif kind == "refused" and label in valid:
            problems.append(f"{what} refused a valid value: {detail}")
        elif kind == "unavailable" and not (spec.loads and label in valid):
            problems.append(f"{what} was not checked before loading: {detail}")
        elif kind == "other" and not (expected_other and isinstance(exc, expected_other)):
            problems.append(f"{what} raised {detail}")
        timed = kind == "refused" or not heavy
        if timed and seconds > TIME_LIMIT:
            problems.append(f"{what} took {seconds:.2f} s (> {TIME_LIMIT:g} s), outcome {kind} {detail}")
    assert not problems, "\n".join(problems)


def test_bad_values_are_what_they_say():
    """The fuzz values themselves: one of each kind of mistake."""
    values = {label: make() for label, make in BAD.items()}
    assert values["True"] is True and values["None"] is None and math.isnan(values["nan"])
    assert values["zeros(3)"].shape == (3,) and values["10**9"] == 1_000_000_000
    assert BAD["[]"]() is not BAD["[]"]()  # fresh each call


@pytest.mark.parametrize("module, name", sorted(SPECS), ids=[f"{m}.{n}" for m, n in sorted(SPECS)])
def test_base_calls_are_valid(module, name, ctx):
    """The valid call of the table works (else every bad value would be 'refused' for the wrong reason)."""
    fn = getattr(importlib.import_module(f"course_utils.{module}"), name)
    spec = SPECS[(module, name)]
    kind, exc, _ = _outcome(fn, dict(spec.base(ctx)))
    allowed = {"ok", "unavailable"} if spec.loads else {"ok"}
    assert kind in allowed, f"{module}.{name}(**base) gave {kind}: {type(exc).__name__}: {exc}"


def test_harness_reports_each_kind_of_outcome():
    """The classification the fuzz relies on: a refusal, a wrong exception, a hang."""

    def refuse(x):
        raise ValueError("x must be an int")

    def crash(x):
        return x.missing_attribute

    def spin(x):
        while True:
            pass

    assert _outcome(refuse, {"x": 1})[0] == "refused"
    assert _outcome(crash, {"x": 1})[0] == "other"
    assert _outcome(lambda x: x, {"x": 1})[0] == "ok"
    kind, _, seconds = _outcome_with_limit(spin, 0.2)
    assert kind == "hang" and seconds < 2


def _outcome_with_limit(fn, limit):
    global HANG_LIMIT
    saved, HANG_LIMIT = HANG_LIMIT, limit
    try:
        return _outcome(fn, {"x": 1})
    finally:
        HANG_LIMIT = saved
