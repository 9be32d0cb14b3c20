"""Tests of course_utils.generate, the shared image-optimisation engine."""

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

from course_utils import data  # noqa: E402
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
    for bad, exc in (
        (0, ValueError),
        (-1, ValueError),
        (float("nan"), ValueError),
        (True, TypeError),
        ("2", TypeError),
    ):
        with pytest.raises(exc, match="beta"):
            gen.total_variation(x, beta=bad)
        with pytest.raises(exc, match="alpha"):
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
    with pytest.raises(TypeError):
        gen.feature_extractor(model, [1])
    with pytest.raises(TypeError):
        gen.feature_extractor("model", ["c1"])


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
        (dict(steps=10**9), ValueError),
        (dict(steps=2.0), TypeError),
        (dict(steps=True), TypeError),
        (dict(steps=2, learning_rate=0), ValueError),
        (dict(steps=2, learning_rate=float("nan")), ValueError),
        (dict(steps=2, learning_rate="0.1"), TypeError),
        (dict(steps=2, optimizer="rmsprop"), ValueError),
        (dict(steps=2, optimizer=None), TypeError),
        (dict(steps=2, maximize=1), TypeError),
        (dict(steps=2, normalize_gradient="yes"), TypeError),
        (dict(steps=2, compiled=0), TypeError),
        (dict(steps=2, jitter=-1), ValueError),
        (dict(steps=2, jitter=10**9), ValueError),
        (dict(steps=2, blur_every=2), ValueError),
        (dict(steps=2, blur_sigma=float("inf"), blur_every=2), ValueError),
        (dict(steps=2, clip=(1, -1)), ValueError),
        (dict(steps=2, clip=(-1, float("nan"))), ValueError),
        (dict(steps=2, clip=(-1, 0, 1)), ValueError),
        (dict(steps=2, clip="(-1, 1)"), TypeError),
        (dict(steps=2, seed=-1), ValueError),
    ],
)
def test_optimize_image_bad_arguments(kw, exc):
    with pytest.raises(exc):
        gen.optimize_image(lambda x: tf.reduce_sum(x), np.zeros((1, 4, 4, 3), "float32"), **kw)


def test_optimize_image_rejects_bad_image_and_constant_loss():
    with pytest.raises(ValueError, match="shape"):
        gen.optimize_image(lambda x: tf.reduce_sum(x), np.zeros((2, 4, 4, 3)), steps=1)
    with pytest.raises(TypeError, match="loss_fn"):
        gen.optimize_image("loss", np.zeros((4, 4, 3)), steps=1)
    with pytest.raises(TypeError, match="image"):
        gen.optimize_image(lambda x: tf.reduce_sum(x), [[[0.0, 0.0, 0.0]]], steps=1)
    with pytest.raises(ValueError, match="finite"):
        gen.optimize_image(lambda x: tf.reduce_sum(x), np.full((4, 4, 3), np.nan, "float32"), steps=1)
    with pytest.raises(ValueError, match="scalar"):
        gen.optimize_image(lambda x: x * 2.0, np.zeros((4, 4, 3), "float32"), steps=1, compiled=False)
    with pytest.raises(ValueError, match="does not depend"):
        gen.optimize_image(lambda x: tf.constant(1.0), np.zeros((4, 4, 3), "float32"), steps=1, compiled=False)


def test_octave_shapes():
    assert gen.octave_shapes((224, 224), 3, 1.4) == [(114, 114), (160, 160), (224, 224)]
    assert gen.octave_shapes((300, 451), 1) == [(300, 451)]
    for bad in [
        dict(shape=(0, 3)),
        dict(shape=(3, 3), octaves=0),
        dict(shape=(3, 3), octaves=10**9),
        dict(shape=(3, 3), scale=1.0),
        dict(shape=(3, 3), scale=float("nan")),
        dict(shape=(10**9, 3)),
    ]:
        with pytest.raises(ValueError):
            gen.octave_shapes(**bad)
    for bad in [dict(shape=224), dict(shape=(3.0, 3)), dict(shape=(3, 3), octaves=2.0), dict(shape=(3, 3), scale="2")]:
        with pytest.raises(TypeError):
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
    with pytest.raises(TypeError):
        gen.backbone(None)
    with pytest.raises(ValueError):
        gen.backbone("mobilenet", weights="random")
    bb = gen.backbone("mobilenet", weights=None)
    with pytest.raises(ValueError):
        bb.preprocess(np.zeros((4, 4)))
    with pytest.raises(TypeError):
        bb.preprocess([[[0, 0, 0]]])
    with pytest.raises(ValueError):
        bb.deprocess(np.zeros((2, 4, 4, 3)))


def test_backbone_specs():
    """Each network is one table entry; the Backbone only reads its spec."""
    for name, spec in gen.BACKBONES.items():
        assert spec.name == name and isinstance(spec, gen.BackboneSpec)
        assert set(spec.layers) == {"dream", "inversion", "style", "content"}
        assert spec.half_range == pytest.approx((spec.clip[1] - spec.clip[0]) / 2)
        rgb = np.random.default_rng(0).uniform(0, 255, size=(1, 5, 6, 3)).astype("float32")
        np.testing.assert_allclose(spec.from_input(spec.to_input(rgb)), rgb, atol=1e-3)
        with pytest.raises(Exception, match="frozen|cannot assign"):
            spec.clip = (0.0, 1.0)
    assert gen.BACKBONES["mobilenet"].half_range == 1.0
    assert gen.BACKBONES["vgg19"].half_range == pytest.approx((255 - 103.939 + 123.68) / 2)
    bb = gen.backbone("mobilenet", weights=None)
    assert bb.half_range == 1.0 and bb.spec is gen.BACKBONES["mobilenet"]
    # the random-weights MobileNet is the course's alpha: the widths of conv_pw_1 are 0.75 * 64
    assert bb.model.get_layer("conv_pw_1").filters == int(data.MOBILENET_ALPHA * 64)


def _x():
    return np.arange(12, dtype="float32").reshape(1, 2, 3, 2)


@pytest.mark.parametrize(
    "call",
    [
        lambda: gen.total_variation(3.0),
        lambda: gen.total_variation([[1.0, 2.0]]),
        lambda: gen.total_variation(None),
        lambda: gen.total_variation("image"),
        lambda: gen.alpha_norm(2.0),
        lambda: gen.alpha_norm([1.0, -2.0]),
        lambda: gen.content_loss(1.0, 1.0),
        lambda: gen.content_loss(_x(), [1.0]),
        lambda: gen.style_layer_loss([[1.0]], np.zeros((1, 2, 2))),
        lambda: gen.style_layer_loss(_x(), None),
        lambda: gen.gram_matrix(None),
        lambda: gen.total_variation(np.array(["a"] * 4).reshape(1, 2, 2, 1)),
    ],
)
def test_losses_refuse_scalars_lists_none_and_strings(call):
    with pytest.raises(TypeError):
        call()


@pytest.mark.parametrize(
    "call",
    [
        lambda: gen.total_variation(np.zeros((2, 3, 2), "float32")),  # rank 3
        lambda: gen.total_variation(np.full((1, 2, 2, 1), np.nan, "float32")),
        lambda: gen.alpha_norm(np.array(np.float32(2.0))),  # rank 0
        lambda: gen.alpha_norm(_x(), alpha=float("nan")),
        lambda: gen.alpha_norm(np.array([np.inf], "float32")),
        lambda: gen.content_loss(_x(), _x()[0]),  # ranks differ
        lambda: gen.content_loss(_x(), np.zeros((1, 2, 3, 5), "float32")),
        lambda: gen.style_layer_loss(_x(), np.zeros((1, 3, 3), "float32")),  # N = 2 vs 3
        lambda: gen.style_layer_loss(_x(), np.zeros((2, 2), "float32")),
        lambda: gen.gram_matrix(np.zeros((3, 4, 5))),
    ],
)
def test_losses_refuse_wrong_ranks_and_nan(call):
    with pytest.raises(ValueError):
        call()


def test_losses_accept_tensors_variables_and_tracing():
    x = _x()
    expected = {
        "tv": float(gen.total_variation(x)),
        "alpha": float(gen.alpha_norm(x, 3.0)),
        "content": float(gen.content_loss(x, x + 1)),
        "style": float(gen.style_layer_loss(x, gen.gram_matrix(x + 1))),
    }
    for value in (tf.constant(x), tf.Variable(x), x.astype("float64")):
        assert float(gen.total_variation(value)) == pytest.approx(expected["tv"])
        assert float(gen.alpha_norm(value, 3.0)) == pytest.approx(expected["alpha"])
        assert float(gen.content_loss(value, x + 1)) == pytest.approx(expected["content"])
        assert float(gen.style_layer_loss(value, gen.gram_matrix(x + 1))) == pytest.approx(expected["style"])

    @tf.function(input_signature=[tf.TensorSpec(None, tf.float32)])  # unknown rank while tracing
    def unknown_rank(v):
        return gen.total_variation(v) + gen.alpha_norm(v, 3.0) + gen.content_loss(v, v + 1)

    @tf.function(input_signature=[tf.TensorSpec((1, None, None, 2), tf.float32)])  # unknown sizes
    def unknown_size(v):
        return gen.style_layer_loss(v, gen.gram_matrix(v + 1)) + gen.total_variation(v)

    total = expected["tv"] + expected["alpha"] + expected["content"]
    assert float(unknown_rank(tf.constant(x))) == pytest.approx(total)
    assert float(unknown_size(tf.constant(x))) == pytest.approx(expected["style"] + expected["tv"])
    with pytest.raises(ValueError, match="rank"):

        @tf.function(input_signature=[tf.TensorSpec((None, None, None), tf.float32)])
        def wrong_rank(v):
            return gen.total_variation(v)

        wrong_rank(tf.zeros((2, 2, 2)))


def test_time_compiled():
    ext = gen.feature_extractor(_tiny_model(), "c1")
    start = np.random.default_rng(4).uniform(-1, 1, size=(1, 16, 16, 3)).astype("float32")

    def loss(img):
        return tf.reduce_sum(tf.square(ext(img)["c1"]))

    t = gen.time_compiled(loss, start, steps=4, optimizer="sgd", learning_rate=1e-3)
    assert t.steps == 4 and t.compiled.compiled and not t.eager.compiled
    assert len(t.compiled.step_seconds) == len(t.eager.step_seconds) == 4
    assert t.compiled_step > 0 and t.eager_step > 0 and t.tracing >= 0
    assert t.compiled_step == pytest.approx(sorted(t.compiled.step_seconds[1:])[1])  # the median of 3
    if t.reliable:
        assert t.tracing == pytest.approx(t.compiled.step_seconds[0] - t.compiled_step)
        assert "tracing" in t.summary() and t.speedup == pytest.approx(t.eager_step / t.compiled_step)
    else:
        assert "too busy" in t.summary()
    np.testing.assert_allclose(t.compiled.image, t.eager.image, rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match="steps"):
        gen.time_compiled(loss, start, steps=2)
    with pytest.raises(ValueError, match="compiled"):
        gen.time_compiled(loss, start, steps=3, compiled=False)
    with pytest.raises(TypeError):
        gen.time_compiled(loss, start, steps=3.0)
