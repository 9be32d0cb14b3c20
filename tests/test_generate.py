"""Tests of course_utils.generate, the shared image-optimisation engine."""

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

from course_utils import generate as gen  # noqa: E402


def _tiny_model():
    inp = keras.Input((16, 16, 3))
    x = keras.layers.Conv2D(
        4, 3, activation="relu", name="c1", kernel_initializer=keras.initializers.RandomNormal(seed=1)
    )(inp)
    x = keras.layers.Conv2D(
        5, 3, activation="relu", name="c2", kernel_initializer=keras.initializers.RandomNormal(seed=2)
    )(x)
    return keras.Model(inp, x, name="tiny")


def test_gram_matrix_matches_numpy():
    f = np.random.default_rng(0).normal(size=(2, 3, 4, 5)).astype("float32")
    g = gen.gram_matrix(f).numpy()
    for b in range(2):
        flat = f[b].reshape(-1, 5)  # (M, N)
        np.testing.assert_allclose(g[b], flat.T @ flat, rtol=1e-5, atol=1e-5)
    assert g.shape == (2, 5, 5)
    with pytest.raises(ValueError):
        gen.gram_matrix(np.zeros((3, 4, 5)))


def test_style_layer_loss_normalisation():
    rng = np.random.default_rng(1)
    f = rng.normal(size=(1, 3, 4, 5)).astype("float32")
    a = rng.normal(size=(1, 5, 5)).astype("float32")
    flat = f[0].reshape(-1, 5)
    n, m = 5, 12
    expected = np.sum((flat.T @ flat - a[0]) ** 2) / (4 * n**2 * m**2)
    assert float(gen.style_layer_loss(f, a)) == pytest.approx(expected, rel=1e-5)
    assert float(gen.style_layer_loss(f, gen.gram_matrix(f))) == 0


def test_content_loss_total_variation_alpha_norm():
    x = np.arange(12, dtype="float32").reshape(1, 2, 3, 2)
    assert float(gen.content_loss(x, x + 1)) == pytest.approx(0.5 * 12)
    # horizontal steps of 2, vertical steps of 6, over the (1 x 2) top-left grid and 2 channels
    assert float(gen.total_variation(x)) == pytest.approx(2 * 2 * (2**2 + 6**2))
    assert float(gen.total_variation(x, beta=1.0)) == pytest.approx(2 * 2 * np.sqrt(40), rel=1e-4)
    assert float(gen.alpha_norm(np.array([[-2.0, 1.0]]), 3)) == pytest.approx(9.0)
    flat = np.ones((1, 4, 4, 3), "float32")
    assert float(gen.total_variation(flat)) == 0
    for bad in (0, -1, True):
        with pytest.raises(ValueError):
            gen.total_variation(x, beta=bad)
        with pytest.raises(ValueError):
            gen.alpha_norm(x, alpha=bad)


def test_feature_extractor_outputs_named_layers():
    model = _tiny_model()
    ext = gen.feature_extractor(model, ["c1", "c2"])
    out = ext(np.zeros((1, 16, 16, 3), "float32"))
    assert set(out) == {"c1", "c2"} and out["c1"].shape == (1, 14, 14, 4) and out["c2"].shape == (1, 12, 12, 5)
    assert gen.feature_extractor(model, "c2")(np.zeros((1, 16, 16, 3)))["c2"].shape == (1, 12, 12, 5)
    with pytest.raises(ValueError, match="no layer 'nope'"):
        gen.feature_extractor(model, ["nope"])
    with pytest.raises(ValueError):
        gen.feature_extractor(model, [])


@pytest.mark.parametrize("compiled", [True, False])
def test_optimize_image_descends_and_ascends(compiled):
    ext = gen.feature_extractor(_tiny_model(), "c2")
    start = np.random.default_rng(0).uniform(-0.5, 0.5, size=(1, 16, 16, 3)).astype("float32")
    target = ext(np.zeros((1, 16, 16, 3), "float32"))["c2"]

    def inversion(img):
        return gen.content_loss(ext(img)["c2"], target) + 0.01 * gen.total_variation(img)

    res = gen.optimize_image(inversion, start, steps=30, learning_rate=0.05, compiled=compiled)
    assert res.losses[-1] < 0.5 * res.losses[0] and res.compiled is compiled
    assert res.image.shape == (1, 16, 16, 3) and np.all(np.abs(res.image) <= 1)

    def activation(img):
        return tf.reduce_mean(ext(img)["c2"])

    up = gen.optimize_image(
        activation,
        start,
        steps=20,
        learning_rate=0.05,
        maximize=True,
        normalize_gradient=True,
        jitter=2,
        blur_sigma=0.5,
        blur_every=5,
        optimizer="sgd",
    )
    assert up.losses[-1] > up.losses[0]


def test_compiled_and_eager_agree():
    ext = gen.feature_extractor(_tiny_model(), "c1")
    start = np.random.default_rng(3).uniform(-1, 1, size=(16, 16, 3)).astype("float32")

    def loss(img):
        return tf.reduce_sum(tf.square(ext(img)["c1"]))

    a = gen.optimize_image(loss, start, steps=5, optimizer="sgd", learning_rate=1e-3, compiled=True)
    b = gen.optimize_image(loss, start, steps=5, optimizer="sgd", learning_rate=1e-3, compiled=False)
    np.testing.assert_allclose(a.image, b.image, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(a.losses, b.losses, rtol=1e-4)


@pytest.mark.parametrize(
    "kw, exc",
    [
        (dict(steps=0), ValueError),
        (dict(steps=2, learning_rate=0), ValueError),
        (dict(steps=2, optimizer="rmsprop"), ValueError),
        (dict(steps=2, jitter=-1), ValueError),
        (dict(steps=2, blur_every=2), ValueError),
        (dict(steps=2, clip=(1, -1)), ValueError),
    ],
)
def test_optimize_image_bad_arguments(kw, exc):
    with pytest.raises(exc):
        gen.optimize_image(lambda x: tf.reduce_sum(x), np.zeros((1, 4, 4, 3), "float32"), **kw)


def test_optimize_image_rejects_bad_image_and_constant_loss():
    with pytest.raises(ValueError, match="shape"):
        gen.optimize_image(lambda x: tf.reduce_sum(x), np.zeros((2, 4, 4, 3)), steps=1)
    with pytest.raises(TypeError):
        gen.optimize_image("loss", np.zeros((4, 4, 3)), steps=1)
    with pytest.raises(ValueError, match="does not depend"):
        gen.optimize_image(lambda x: tf.constant(1.0), np.zeros((4, 4, 3), "float32"), steps=1, compiled=False)


def test_octave_shapes():
    assert gen.octave_shapes((224, 224), 3, 1.4) == [(114, 114), (160, 160), (224, 224)]
    assert gen.octave_shapes((300, 451), 1) == [(300, 451)]
    for bad in [dict(shape=(0, 3)), dict(shape=(3, 3), octaves=0), dict(shape=(3, 3), scale=1.0)]:
        with pytest.raises(ValueError):
            gen.octave_shapes(**bad)


@pytest.mark.parametrize("name", ["mobilenet", "vgg19"])
def test_backbone_swap_with_random_weights(name):
    """The generative notebooks can swap MobileNet for VGG19 with one name."""
    bb = gen.backbone(name, weights=None)
    img = np.random.default_rng(0).integers(0, 256, size=(48, 64, 3)).astype("uint8")
    x = bb.preprocess(img)
    assert x.shape == (1, 48, 64, 3) and bb.clip[0] <= x.min() and x.max() <= bb.clip[1]
    np.testing.assert_array_equal(bb.deprocess(x), img)
    ext = gen.feature_extractor(bb.model, list(bb.layers["style"]) + list(bb.layers["content"]))
    feats = ext(x)
    assert set(feats) == set(bb.layers["style"]) | set(bb.layers["content"])
    targets = {k: gen.gram_matrix(v) for k, v in feats.items()}

    def style(img_var):
        f = ext(img_var)
        return tf.add_n([gen.style_layer_loss(f[k], targets[k]) for k in bb.layers["style"]])

    res = gen.optimize_image(style, x + 5.0 * (bb.clip[1] - bb.clip[0]) / 255, steps=2, clip=bb.clip)
    assert len(res.losses) == 2 and np.isfinite(res.losses).all()
    for role in ("dream", "inversion"):
        gen.feature_extractor(bb.model, bb.layers[role])  # every listed layer exists


def test_mobilenet_backbone_has_imagenet_weights(mirror, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror))
    bb = gen.backbone("mobilenet")
    assert bb.model.input_shape == (None, None, None, 3)
    assert bb.model(np.zeros((1, 96, 128, 3), "float32")).shape == (1, 3, 4, 768)


def test_backbone_bad_arguments():
    with pytest.raises(ValueError, match="vgg19"):
        gen.backbone("resnet")
    with pytest.raises(ValueError):
        gen.backbone("mobilenet", weights="random")
    bb = gen.backbone("mobilenet", weights=None)
    with pytest.raises(ValueError):
        bb.preprocess(np.zeros((4, 4)))
