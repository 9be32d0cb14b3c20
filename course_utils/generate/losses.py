"""The lectures' losses on activations and pixels, as TensorFlow functions.

Each takes NumPy arrays or TensorFlow tensors (also symbolic ones while
``tf.function`` traces) and returns a scalar float32 tensor, except
:func:`gram_matrix`, which returns the matrices.
"""

from __future__ import annotations

from course_utils import _checks

__all__ = ["alpha_norm", "content_loss", "gram_matrix", "style_layer_loss", "total_variation"]

def _tf():
    import tensorflow as tf  # noqa: PLC0415

    return tf


def _rank(value):
    """The rank of an array or tensor, None while tracing a tensor of unknown rank."""
    shape = getattr(value, "shape", None)
    if shape is None:
        return None
    rank = getattr(shape, "rank", None) if hasattr(shape, "rank") else len(shape)
    return rank


def _static_dim(value, axis: int):
    """The size of ``axis`` if known now (None while tracing an unknown size)."""
    shape = getattr(value, "shape", None)
    try:
        dim = shape[axis]
    except (TypeError, IndexError, ValueError):
        return None
    return None if dim is None else int(dim)


def gram_matrix(features):
    """Gram matrices ``G_ij = sum_k F_ik F_jk`` of a batch of feature maps.

    Args:
        features: ``(batch, height, width, N)`` activations (array or tensor);
            ``k`` runs over the ``M = height * width`` positions, ``i, j``
            over the ``N`` maps.

    Returns:
        ``(batch, N, N)`` float32, un-normalised (see
        :func:`style_layer_loss` for the lecture's ``1/(4 N^2 M^2)``).
    """
    tf = _tf()
    _checks.check_tensor("features", features, rank=4, what="(batch, height, width, channels)")
    f = tf.cast(features, tf.float32)
    return tf.einsum("bhwi,bhwj->bij", f, f)


def style_layer_loss(features, target_gram):
    """One layer's style loss ``E_l = sum_ij (G_ij - A_ij)^2 / (4 N^2 M^2)``.

    Args:
        features: ``(1, H, W, N)`` activations of the image being optimised.
        target_gram: ``(1, N, N)`` Gram matrix of the style image's features.

    Returns:
        A scalar float32 (Gatys et al.'s normalisation, as in lecture ``003``).
    """
    tf = _tf()
    _checks.check_tensor("features", features, rank=4, what="(1, H, W, N)")
    _checks.check_tensor("target_gram", target_gram, rank=3, what="(1, N, N)")
    n_f, n_a = _static_dim(features, -1), _static_dim(target_gram, -1)
    if n_f is not None and n_a is not None and n_f != n_a:
        raise ValueError(f"target_gram is {n_a} x {n_a} but features have N = {n_f} channels; they must match")
    f = tf.cast(features, tf.float32)
    n = tf.cast(tf.shape(f)[-1], tf.float32)
    m = tf.cast(tf.shape(f)[1] * tf.shape(f)[2], tf.float32)
    g = gram_matrix(f)
    return tf.reduce_sum(tf.square(g - tf.cast(target_gram, tf.float32))) / (4.0 * n**2 * m**2)


def content_loss(features, target):
    """``E_content = 1/2 * sum (F - P)^2`` between activations and their target.

    Args:
        features: ``(batch, h, w, c)`` activations of the image being
            optimised (any rank >= 1 works; the sum runs over every entry).
        target: the target activations ``P``, of the same shape.

    Returns:
        A scalar float32.
    """
    tf = _tf()
    _checks.check_tensor("features", features, what="(batch, h, w, c) activations")
    _checks.check_tensor("target", target, what="activations shaped like features")
    shape_f, shape_t = features.shape, target.shape
    rank_f, rank_t = _rank(features), _rank(target)
    if rank_f is not None and rank_t is not None:
        known = rank_f == rank_t and all(
            a is None or b is None or a == b for a, b in zip(tuple(shape_f), tuple(shape_t), strict=True)
        )
        if not known:
            raise ValueError(f"target must have the shape of features {tuple(shape_f)}, got {tuple(shape_t)}")
    return 0.5 * tf.reduce_sum(tf.square(tf.cast(features, tf.float32) - tf.cast(target, tf.float32)))


def total_variation(image, beta: float = 2.0):
    """``sum_{i<H-1, j<W-1} ((x[i, j+1] - x[i, j])^2 + (x[i+1, j] - x[i, j])^2)^(beta/2)``.

    The regulariser of feature inversion (Mahendran and Vedaldi): ``beta = 2``
    penalises all edges quadratically, ``beta < 2`` lets sharp edges through.
    The sum runs over ``i < H - 1`` and ``j < W - 1`` only, where both the
    right and the lower neighbour exist (and over the batch and channels).
    This differs from ``tf.image.total_variation``, which sums absolute
    differences and includes the last row and column.

    Args:
        image: ``(batch, H, W, C)`` array or tensor.
        beta: float > 0.

    Returns:
        A scalar float32. A small constant keeps the gradient finite where the
        image is flat and ``beta < 2``.
    """
    tf = _tf()
    _checks.check_tensor("image", image, rank=4, what="(batch, H, W, C)")
    beta = _checks.check_number("beta", beta, minimum=0, low_open=True, maximum=100)
    x = tf.cast(image, tf.float32)
    dx = x[:, :-1, 1:, :] - x[:, :-1, :-1, :]
    dy = x[:, 1:, :-1, :] - x[:, :-1, :-1, :]
    sq = tf.square(dx) + tf.square(dy)
    if beta == 2:
        return tf.reduce_sum(sq)
    return tf.reduce_sum(tf.pow(sq + 1e-8, beta / 2.0))


def alpha_norm(image, alpha: float = 6.0):
    """``||x||_alpha^alpha = sum |x|^alpha``: keeps pixel values in range.

    Args:
        image: ``(batch, H, W, C)`` array or tensor (any rank >= 1; the sum
            runs over every entry).
        alpha: the exponent, a float > 0 (6 in the lecture: almost nothing
            for moderate values, steep for large ones).

    Returns:
        A scalar float32.
    """
    tf = _tf()
    _checks.check_tensor("image", image, what="(batch, H, W, C)")
    if _rank(image) == 0:
        raise ValueError("image must be an array or tensor of rank >= 1, got a scalar (rank 0)")
    alpha = _checks.check_number("alpha", alpha, minimum=0, low_open=True, maximum=100)
    return tf.reduce_sum(tf.pow(tf.abs(tf.cast(image, tf.float32)), alpha))
