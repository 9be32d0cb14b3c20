"""Tests of course_utils.models and training (viz: tests/test_viz.py)."""

import subprocess
import sys
import time

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from course_utils import models, sizing, training  # noqa: E402


def test_cifar10_parameter_counts_match_lecture():
    flat = models.cifar10_convnet("flatten")
    assert flat.count_params() == 703_594
    dense = flat.get_layer("dense")
    # the lecture: Flatten gives 3 x 3 x 64 = 576 values, so the Dense(1024) holds 84% of the model
    assert dense.count_params() == sizing.dense_params(3 * 3 * 64, 1024) == 590_848
    assert round(100 * dense.count_params() / flat.count_params()) == 84
    assert models.cifar10_convnet("global_max").count_params() == 179_306
    assert models.cifar10_convnet("global_average").count_params() == 179_306
    assert models.cifar10_convnet("global_max", num_classes=2, softmax=False).output_shape == (None, 2)


def test_cifar10_softmax_switch():
    assert models.cifar10_convnet("global_max").get_layer("classes").activation.__name__ == "softmax"
    logits = models.cifar10_convnet("global_max", softmax=False).get_layer("classes")
    assert logits.activation.__name__ == "linear"
    assert models.cifar10_convnet("global_max", softmax=np.bool_(False)).get_layer("classes").activation.__name__ == (
        "linear"
    )


def test_cifar10_shapes_follow_sizing():
    m = models.cifar10_convnet()
    w = 32
    for layer in m.layers:
        if isinstance(layer, keras.layers.Conv2D):
            w = sizing.conv_output_size(w, 3)
            assert layer.output.shape[1] == w
        elif isinstance(layer, keras.layers.MaxPooling2D):
            w = sizing.pool_output_size(w, 2)
            assert layer.output.shape[1] == w
    assert w == 3


def test_imdb_convnet_matches_lecture():
    m = models.imdb_convnet()
    assert m.count_params() == 1_315_937
    shapes = [tuple(layer.output.shape[1:]) for layer in m.layers]
    assert shapes == [(500, 128), (494, 32), (98, 32), (92, 32), (32,), (1,)]
    assert m.get_layer("logit").activation.__name__ == "linear"


def test_imdb_convnet_shortest_review():
    """41 tokens is the least the model takes: 41 -> 35 -> 7 -> 1, as the sizing formulas say."""
    w = sizing.conv_output_size(41, 7)
    w = sizing.pool_output_size(w, 5, strict=False)
    assert sizing.conv_output_size(w, 7) == 1
    with pytest.raises(ValueError):
        sizing.conv_output_size(sizing.pool_output_size(sizing.conv_output_size(40, 7), 5, strict=False), 7)
    m = models.imdb_convnet(num_words=10, maxlen=41, embedding_dim=2)
    assert tuple(m.get_layer("conv2").output.shape[1:]) == (1, 32)
    assert m.predict(np.zeros((1, 41), np.int32), verbose=0).shape == (1, 1)


def test_transfer_head_counts_match_lecture():
    assert models.transfer_head((5, 5, 1024)).count_params() == 6_554_113  # the lecture's printed head
    assert models.transfer_head((5, 5, 768)).count_params() == 4_915_713  # course's alpha 0.75
    assert models.transfer_head((5, 5, 768), "global_max").count_params() == 768 * 256 + 256 + 257
    assert models.transfer_head([5, 5, 768], "global_average", units=8, dropout=0).count_params() == 768 * 8 + 8 + 9


def test_one_tuple_of_pooling_heads():
    assert models.POOLING_HEADS == ("flatten", "global_max", "global_average")
    assert not hasattr(models, "CIFAR10_HEADS") and not hasattr(models, "TRANSFER_POOLINGS")
    for head in models.POOLING_HEADS:  # every name builds both models
        assert models.cifar10_convnet(head).name == f"cifar10_{head}"
        assert models.transfer_head((2, 2, 4), head, units=2).name == f"transfer_head_{head}"


def test_layer_table_is_deterministic():
    a = models.layer_table(models.cifar10_convnet("global_max"))
    b = models.layer_table(models.cifar10_convnet("global_max"))
    assert a == b and "global_max_pool" in a and "179,306" in a


@pytest.mark.parametrize(
    "call, exc, text",
    [
        (lambda: models.cifar10_convnet("avg"), ValueError, "head must be one of 'flatten'"),
        (lambda: models.cifar10_convnet(None), TypeError, "head must be one of"),
        (lambda: models.cifar10_convnet(num_classes=0), ValueError, "num_classes must be an int from 1 to 100,000"),
        (lambda: models.cifar10_convnet(num_classes=10**9), ValueError, "got 1,000,000,000"),
        (lambda: models.cifar10_convnet(num_classes=2.0), TypeError, "num_classes must be an int"),
        (lambda: models.cifar10_convnet(num_classes=True), TypeError, "got True"),
        (lambda: models.cifar10_convnet(softmax=1), TypeError, "softmax must be True or False, got 1 (int)"),
        (lambda: models.cifar10_convnet(softmax="no"), TypeError, "softmax must be True or False"),
        (lambda: models.cifar10_convnet(softmax=None), TypeError, "softmax must be True or False"),
        (lambda: models.imdb_convnet(num_words=0), ValueError, "num_words must be an int from 1"),
        (lambda: models.imdb_convnet(num_words=10**9), ValueError, "num_words must be an int from 1 to 1,000,000"),
        (lambda: models.imdb_convnet(num_words=10**6, embedding_dim=1000), ValueError, "MAX_PARAMS"),
        (lambda: models.imdb_convnet(maxlen=10), ValueError, "at least 41 tokens"),
        (lambda: models.imdb_convnet(maxlen=40), ValueError, "maxlen must be an int from 41 to 1,000,000, got 40"),
        (lambda: models.imdb_convnet(maxlen=None), TypeError, "maxlen must be an int"),
        (lambda: models.imdb_convnet(embedding_dim=True), TypeError, "embedding_dim must be an int"),
        (lambda: models.imdb_convnet(embedding_dim=10**9), ValueError, "embedding_dim must be an int from 1"),
        (lambda: models.transfer_head((5, 5)), ValueError, "feature_shape must be a (height, width, channels)"),
        (lambda: models.transfer_head((5, 5, 0)), ValueError, "feature_shape"),
        (lambda: models.transfer_head((5, 5.0, 7)), TypeError, "feature_shape"),
        (lambda: models.transfer_head(np.zeros(3)), TypeError, "feature_shape"),
        (lambda: models.transfer_head((5, 5, 768), pooling="max"), ValueError, "pooling must be one of"),
        (lambda: models.transfer_head((5, 5, 768), units=0), ValueError, "units must be an int from 1"),
        (lambda: models.transfer_head((5, 5, 768), units=10**9), ValueError, "units must be an int from 1 to 100,000"),
        (lambda: models.transfer_head((5, 5, 768), units=1.5), TypeError, "units must be an int"),
        (lambda: models.transfer_head((500, 500, 768)), ValueError, "would have 49,152,"),
        (lambda: models.transfer_head((5, 5, 768), dropout=1.0), ValueError, "dropout must be a finite number"),
        (lambda: models.transfer_head((5, 5, 768), dropout=float("nan")), ValueError, "got nan"),
        (lambda: models.transfer_head((5, 5, 768), dropout="0.5"), TypeError, "dropout"),
        (lambda: models.transfer_head((5, 5, 768), dropout=False), TypeError, "dropout"),
        (lambda: models.layer_table("model"), TypeError, "model must be a built keras.Model, got 'model'"),
    ],
)
def test_bad_model_arguments(call, exc, text):
    """Refused before Keras builds anything, with the type of the mistake and a message naming it."""
    with pytest.raises(exc) as err:
        call()
    assert text in str(err.value)


def test_absurd_sizes_fail_fast_without_allocating():
    """A mistyped size is refused by the check, not by TensorFlow's memory allocator."""
    start = time.perf_counter()
    for call in (
        lambda: models.cifar10_convnet(num_classes=10**9),
        lambda: models.transfer_head((5, 5, 768), units=10**9),
        lambda: models.transfer_head((10**6, 10**6, 3)),
        lambda: models.imdb_convnet(num_words=10**9),
    ):
        with pytest.raises(ValueError):
            call()
    assert time.perf_counter() - start < 1.0


# ---------------------------------------------------------------- training
def test_importing_training_does_not_import_keras():
    # (that EpochTimer then is a keras Callback is checked in test_epoch_timer_records_each_epoch)
    code = (
        "import sys, course_utils.training as t; "
        "assert 'keras' not in sys.modules and 'tensorflow' not in sys.modules; "
        "assert 'EpochTimer' in dir(t) and 'EpochTimer' in t.__all__"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]


def test_training_unknown_attribute():
    with pytest.raises(AttributeError, match="no attribute 'EpochTimers'"):
        training.EpochTimers  # noqa: B018


def test_epoch_timer_records_each_epoch():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    from course_utils.training import EpochTimer  # noqa: PLC0415 (the import the notebooks use)

    assert EpochTimer is training.EpochTimer
    timer = EpochTimer()
    assert isinstance(timer, keras.callbacks.Callback)
    with pytest.raises(ValueError, match="no epoch"):
        timer.per_epoch()
    model.fit(np.zeros((8, 4)), np.zeros((8, 1)), epochs=3, verbose=0, callbacks=[timer])
    assert len(timer.times) == 3 and all(t > 0 for t in timer.times)


def test_epoch_timer_median_skips_the_first_epoch():
    timer = training.EpochTimer()
    timer.times = [10, 1, 2, 3]  # the first epoch includes tracing
    assert timer.per_epoch() == 2  # median of 1, 2, 3
    assert timer.per_epoch(skip_first=False) == 2.5  # median of 1, 2, 3, 10
    timer.times = [10, 4, 1]
    assert timer.per_epoch() == 2.5  # median of 4, 1
    assert timer.per_epoch(skip_first=False) == 4
    timer.times = [7]  # one epoch: nothing left to skip
    assert timer.per_epoch() == timer.per_epoch(skip_first=False) == 7
    for bad in (1, "yes", None):
        with pytest.raises(TypeError, match="skip_first must be True or False"):
            timer.per_epoch(skip_first=bad)


def test_compile_binary_matches_the_notebooks():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    assert training.compile_binary(model, 0.01) is model
    opt = model.optimizer
    assert isinstance(opt, keras.optimizers.Adam) and float(opt.learning_rate) == pytest.approx(0.01)
    assert not opt.use_ema
    assert isinstance(model.loss, keras.losses.BinaryCrossentropy) and model.loss.get_config()["from_logits"]
    x = np.array([[1.0, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]], np.float32)
    y = np.array([[1.0], [0], [1], [0]], np.float32)
    history = model.fit(x, y, validation_data=(x, y), epochs=1, verbose=0).history
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    # accuracy thresholds the logit at 0 (= probability 0.5)
    logits = model.predict(x, verbose=0)
    accuracy = model.evaluate(x, y, verbose=0, return_dict=True)["accuracy"]
    assert accuracy == pytest.approx(np.mean((logits > 0) == (y == 1)))
    averaged = training.compile_binary(
        keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)]), average_weights=True, ema_momentum=0.995
    )
    assert averaged.optimizer.use_ema and averaged.optimizer.ema_momentum == pytest.approx(0.995)
    assert float(averaged.optimizer.learning_rate) == pytest.approx(1e-3)


@pytest.mark.parametrize(
    "kwargs, exc",
    [
        (dict(model="model"), TypeError),
        (dict(model=None), TypeError),
        (dict(learning_rate=0), ValueError),
        (dict(learning_rate=-1e-3), ValueError),
        (dict(learning_rate=10.0), ValueError),
        (dict(learning_rate=float("nan")), ValueError),
        (dict(learning_rate="1e-3"), TypeError),
        (dict(learning_rate=True), TypeError),
        (dict(average_weights=1), TypeError),
        (dict(ema_momentum=1.0), ValueError),
        (dict(ema_momentum=None), TypeError),
    ],
)
def test_compile_binary_bad_arguments(kwargs, exc):
    model = kwargs.pop("model", None) if "model" in kwargs else keras.Sequential([keras.Input((3,))])
    with pytest.raises(exc) as err:
        training.compile_binary(model, **kwargs)
    assert next(iter(kwargs), "model") in str(err.value)
