"""Each backward rule passes exactly the gradients its definition says."""

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

from course_utils import saliency  # noqa: E402

X = np.array([[-2.0, -0.5, 0.5, 2.0, 7.0, 3.0]], dtype="float32")  # forward inputs of the ReLU
G = np.array([[1.0, -1.0, 1.0, -1.0, 1.0, 2.0]], dtype="float32")  # gradient arriving from above


def _through_relu(rule, max_value=None):
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = saliency.relu_with_rule(x, rule, max_value)
        loss = tf.reduce_sum(y * G)  # so d loss / d y = G
    return y.numpy(), tape.gradient(loss, x).numpy()


def test_forward_pass_is_a_relu_for_every_rule():
    for rule in saliency.RULES:
        y, _ = _through_relu(rule)
        np.testing.assert_array_equal(y, np.maximum(X, 0))
        y6, _ = _through_relu(rule, 6.0)
        np.testing.assert_array_equal(y6, np.clip(X, 0, 6))


def test_backprop_rule_masks_by_forward_input():
    _, g = _through_relu("backprop")
    np.testing.assert_array_equal(g, G * (X > 0))
    # and it is the true gradient of a ReLU
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(tf.nn.relu(x) * G)
    np.testing.assert_array_equal(g, tape.gradient(loss, x).numpy())


def test_deconvnet_rule_masks_by_backward_signal():
    _, g = _through_relu("deconvnet")
    np.testing.assert_array_equal(g, np.maximum(G, 0))


def test_guided_rule_uses_both_masks():
    _, g = _through_relu("guided")
    np.testing.assert_array_equal(g, G * (X > 0) * (G > 0))


def test_relu6_forward_mask():
    _, g = _through_relu("backprop", 6.0)
    np.testing.assert_array_equal(g, G * ((X > 0) & (X < 6)))


def _tiny_net():
    inp = keras.Input((6,))
    h = keras.layers.Dense(4, use_bias=False, name="d1")(inp)
    h = keras.layers.ReLU(name="r1")(h)
    out = keras.layers.Dense(1, use_bias=False, name="d2")(h)
    model = keras.Model(inp, out)
    rng = np.random.default_rng(0)
    model.get_layer("d1").set_weights([rng.normal(size=(6, 4)).astype("float32")])
    model.get_layer("d2").set_weights([np.array([[1.0], [-2.0], [0.5], [-1.0]], "float32")])
    return model


@pytest.mark.parametrize("rule", saliency.RULES)
def test_rules_on_a_tiny_network(rule):
    model = _tiny_net()
    w1 = model.get_layer("d1").get_weights()[0]
    w2 = model.get_layer("d2").get_weights()[0][:, 0]
    x = np.random.default_rng(1).normal(size=(1, 6)).astype("float32")
    pre = x @ w1  # the ReLU's input
    g = w2  # gradient arriving at the ReLU's output
    mask = {
        "backprop": (pre[0] > 0) * 1.0,
        "deconvnet": (g > 0) * 1.0,
        "guided": (pre[0] > 0) * (g > 0) * 1.0,
    }[rule]
    expected = w1 @ (g * mask if rule != "deconvnet" else np.maximum(g, 0))
    ruled = saliency.with_backward_rule(model, rule)
    np.testing.assert_allclose(ruled.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        out = ruled(xt)[0, 0]
    np.testing.assert_allclose(tape.gradient(out, xt).numpy()[0], expected, rtol=1e-5, atol=1e-6)


def test_input_gradient_and_errors():
    inp = keras.Input((5, 5, 1))
    x = keras.layers.Conv2D(2, 3, use_bias=False, kernel_initializer="ones", name="c")(inp)
    x = keras.layers.ReLU(6.0, name="r")(x)
    model = keras.Model(inp, x)
    img = np.ones((1, 5, 5, 1), "float32") * 0.1
    grad = saliency.input_gradient(saliency.with_backward_rule(model, "guided"), img, lambda y: y[0, 1, 1, 0])
    assert grad.shape == img.shape and grad[0, 1:4, 1:4, 0].sum() == 9 and grad.sum() == 9
    with pytest.raises(ValueError, match="scalar"):
        saliency.input_gradient(model, img, lambda y: y)
    with pytest.raises(ValueError, match="shape"):
        saliency.input_gradient(model, img[0], lambda y: y[0, 0, 0, 0])
    with pytest.raises(ValueError, match="rule"):
        saliency.with_backward_rule(model, "smooth")
    built_in = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="relu")])
    with pytest.raises(ValueError, match="built-in ReLU"):
        saliency.with_backward_rule(built_in, "guided")


@pytest.mark.parametrize(
    "args, exc",
    [
        ((1.0,), TypeError),
        (([1.0, -1.0],), TypeError),
        ((None,), TypeError),
        (("x",), TypeError),
        ((X, "smooth"), ValueError),
        ((X, None), TypeError),
        ((X, "backprop", float("nan")), ValueError),
        ((X, "backprop", 0.0), ValueError),
        ((X, "backprop", "6"), TypeError),
        ((X, "backprop", True), TypeError),
    ],
)
def test_relu_with_rule_bad_arguments(args, exc):
    with pytest.raises(exc):
        saliency.relu_with_rule(*args)


def test_relu_with_rule_accepts_arrays_variables_and_tracing():
    expected = np.clip(X, 0, 6)
    for value in (X, tf.constant(X), tf.Variable(X)):
        np.testing.assert_array_equal(saliency.relu_with_rule(value, "guided", 6.0).numpy(), expected)

    @tf.function(input_signature=[tf.TensorSpec(None, tf.float32)])
    def traced(v):
        return saliency.relu_with_rule(v, "deconvnet", 6)

    np.testing.assert_array_equal(traced(tf.constant(X)).numpy(), expected)


def test_model_functions_bad_arguments():
    model = _tiny_net()
    conv = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Conv2D(1, 3)])
    with pytest.raises(TypeError, match="model"):
        saliency.with_backward_rule("model", "guided")
    with pytest.raises(TypeError, match="rule"):
        saliency.with_backward_rule(model, 1)
    with pytest.raises(TypeError, match="target"):
        saliency.input_gradient(model, np.zeros((1, 6)), "y[0]")
    with pytest.raises(TypeError, match="image"):
        saliency.input_gradient(model, [[0.0] * 6], lambda y: y[0, 0])
    with pytest.raises(TypeError, match="scalar tensor"):
        saliency.input_gradient(conv, np.zeros((1, 4, 4, 1), "float32"), lambda y: 1.0)
    with pytest.raises(ValueError, match="finite"):
        saliency.input_gradient(conv, np.full((1, 4, 4, 1), np.nan, "float32"), lambda y: y[0, 0, 0, 0])
