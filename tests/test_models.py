"""Tests of course_utils.models, training and viz."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

keras = pytest.importorskip("keras")

from course_utils import models, sizing, training, viz  # noqa: E402


def test_cifar10_parameter_counts_match_lecture():
    flat = models.cifar10_convnet("flatten")
    assert flat.count_params() == 703_594
    assert flat.get_layer("dense").count_params() == 590_848  # 84% of the model
    assert round(100 * 590_848 / 703_594) == 84
    assert models.cifar10_convnet("global_max").count_params() == 179_306
    assert models.cifar10_convnet("global_average").count_params() == 179_306
    assert models.cifar10_convnet("global_max", num_classes=2, softmax=False).output_shape == (None, 2)


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


def test_transfer_head_counts_match_lecture():
    assert models.transfer_head((5, 5, 1024)).count_params() == 6_554_113  # the lecture's printed head
    assert models.transfer_head((5, 5, 768)).count_params() == 4_915_713  # course's alpha 0.75
    assert models.transfer_head((5, 5, 768), "global_max").count_params() == 768 * 256 + 256 + 257
    for bad in [
        dict(feature_shape=(5, 5)),
        dict(feature_shape=(5, 5, 768), pooling="max"),
        dict(feature_shape=(5, 5, 768), units=0),
        dict(feature_shape=(5, 5, 768), dropout=1.0),
    ]:
        with pytest.raises(ValueError):
            models.transfer_head(**bad)


def test_layer_table_is_deterministic():
    a = models.layer_table(models.cifar10_convnet("global_max"))
    b = models.layer_table(models.cifar10_convnet("global_max"))
    assert a == b and "global_max_pool" in a and "179,306" in a


@pytest.mark.parametrize(
    "call",
    [
        lambda: models.cifar10_convnet("avg"),
        lambda: models.cifar10_convnet(num_classes=0),
        lambda: models.imdb_convnet(num_words=0),
        lambda: models.imdb_convnet(maxlen=10),
        lambda: models.imdb_convnet(embedding_dim=True),
    ],
)
def test_bad_model_arguments(call):
    with pytest.raises(ValueError):
        call()


def test_layer_table_rejects_non_models():
    with pytest.raises(TypeError):
        models.layer_table("model")


def test_epoch_timer_records_each_epoch():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    timer = training.EpochTimer()
    with pytest.raises(ValueError, match="no epoch"):
        timer.per_epoch()
    model.fit(np.zeros((8, 4)), np.zeros((8, 1)), epochs=3, verbose=0, callbacks=[timer])
    assert len(timer.times) == 3 and all(t > 0 for t in timer.times)
    assert min(timer.times[1:]) <= timer.per_epoch() <= max(timer.times[1:])


def test_viz_helpers():
    hist = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "accuracy": [0.5, 0.7], "val_accuracy": [0.4, 0.6]}
    fig = viz.plot_histories({"a": hist, "b": hist})
    assert len(fig.axes) == 2 and len(fig.axes[0].lines) == 4
    with pytest.raises(ValueError, match="no metric"):
        viz.plot_histories({"a": {"loss": [1]}}, metrics=("accuracy",))
    with pytest.raises(ValueError):
        viz.plot_histories({})
    fig = viz.show_images(np.zeros((5, 8, 8, 3), dtype=np.uint8), titles=list("abcde"), ncols=3)
    assert sum(ax.get_title() != "" for ax in fig.axes) == 5
    with pytest.raises(ValueError):
        viz.show_images([np.zeros((4, 4))], titles=["a", "b"])
    fig = viz.show_images([np.zeros((4, 4))], titles=["a"], fontsize=20)
    assert fig.axes[0].title.get_fontsize() == 20
    fig = viz.plot_histories({"a": hist}, metrics="loss", title="t", fontsize=16)
    assert fig.axes[0].xaxis.label.get_fontsize() == 16 and fig._suptitle.get_fontsize() == 18
    for bad in (0, "14", True, 100):
        with pytest.raises(ValueError, match="fontsize"):
            viz.show_images([np.zeros((4, 4))], fontsize=bad)
        with pytest.raises(ValueError, match="fontsize"):
            viz.plot_histories({"a": hist}, fontsize=bad)
