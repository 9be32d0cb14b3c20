"""The lecture's sizing formulas as pure functions.

Everything here is plain Python arithmetic: this module never imports
TensorFlow, so ``import course_utils.sizing`` is instant and the formulas can
be used (and tested) anywhere.

Notation follows the lecture (``001``, "Sizing ConvNets"):

* ``W``: the input width (or height) of a layer,
* ``F``: the filter (kernel) size,
* ``S``: the stride,
* ``P``: the zero padding added on *each* side,
* ``D``: the number of input channels (activation maps),
* ``D'``: the number of filters, i.e. the output channels.

Sizes, kernels, strides and paddings accept either one ``int`` (the same value
along height and width) or a ``(height, width)`` pair.  When any size-like
argument is a pair, the result is a ``(height, width)`` pair too.
"""

from __future__ import annotations

import numbers
from fractions import Fraction

__all__ = [
    "conv_output_size",
    "pool_output_size",
    "same_padding",
    "conv_params",
    "dense_params",
    "conv_multiplications",
    "depthwise_separable_multiplications",
    "depthwise_separable_ratio",
    "receptive_field",
]


# --------------------------------------------------------------------------
# input checking
# --------------------------------------------------------------------------
def _check_int(name, value, minimum=1):
    """Return ``value`` as an ``int`` or raise a clear TypeError/ValueError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be an int (or a (height, width) pair of ints), "
            f"got {value!r} of type {type(value).__name__}"
        )
    value = int(value)
    if value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value}")
    return value


def _pair(name, value, minimum=1):
    """Return ``((h, w), was_pair)`` for an int or a (height, width) pair."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(
                f"{name} must be an int or a (height, width) pair, got {value!r} "
                f"with {len(value)} entries"
            )
        return (
            (_check_int(f"{name}[0]", value[0], minimum), _check_int(f"{name}[1]", value[1], minimum)),
            True,
        )
    v = _check_int(name, value, minimum)
    return (v, v), False


def _result(values, as_pair):
    return tuple(values) if as_pair else values[0]


def _check_strict(strict):
    if not isinstance(strict, bool):
        raise TypeError(f"strict must be True or False, got {strict!r}")


# --------------------------------------------------------------------------
# output sizes
# --------------------------------------------------------------------------
def _fitting_suggestions(w, f, s, p, window="kernel"):
    """Input sizes, strides, paddings and windows near the given ones that fit."""
    hints = []
    up = next(v for v in range(w + 1, w + s + 1) if (v - f + 2 * p) % s == 0)
    hints.append(f"an input of {up} (gives {(up - f + 2 * p) // s + 1})")
    span = w - f + 2 * p
    strides = [t for t in range(1, max(span, 1) + 1) if span % t == 0]
    if strides:
        best = min(strides, key=lambda t: (abs(t - s), t))
        hints.append(f"stride={best} (gives {span // best + 1})")
    for extra in range(1, s + 1):
        q = p + extra
        if (w - f + 2 * q) % s == 0:
            hints.append(f"padding={q} (gives {(w - f + 2 * q) // s + 1})")
            break
    kernels = [k for k in range(1, w + 2 * p + 1) if (w - k + 2 * p) % s == 0]
    if kernels:
        best = min(kernels, key=lambda k: (abs(k - f), -k))
        hints.append(f"{window}={best} (gives {(w - best + 2 * p) // s + 1})")
    return " or ".join(hints)


def _one_conv_size(w, f, s, p, strict, what, window="kernel"):
    span = w - f + 2 * p
    if span < 0:
        raise ValueError(
            f"the {what} window ({f}) is larger than the padded input "
            f"({w} + 2*{p} = {w + 2 * p}): W - F + 2P = {span} < 0"
        )
    if span % s:
        if strict:
            exact = Fraction(span, s) + 1
            raise ValueError(
                f"W' = (W - F + 2P)/S + 1 = ({w} - {f} + 2*{p})/{s} + 1 = "
                f"{float(exact):g} is not an integer, so the {what} does not fit the "
                f"input evenly. Try {_fitting_suggestions(w, f, s, p, window)}; or pass "
                f"strict=False to get the floor ({span // s + 1}), which is what "
                f"Keras computes (it leaves the last input columns unused)."
            )
    return span // s + 1


def conv_output_size(size, kernel, stride=1, padding=0, *, strict=True):
    """Output width/height of a convolution: ``W' = (W - F + 2P) / S + 1``.

    Args:
        size: input size ``W`` (int >= 1) or a ``(height, width)`` pair.
        kernel: filter size ``F`` (int >= 1) or a pair.
        stride: ``S`` (int >= 1) or a pair. Default 1.
        padding: ``P``, zeros added on each side (int >= 0 or a pair), or the
            Keras names ``"valid"`` (``P = 0``) and ``"same"`` (output
            ``ceil(W / S)``, Keras pads as needed, possibly unevenly).
        strict: if True (default) a geometry where ``(W - F + 2P)`` is not a
            multiple of ``S`` raises ``ValueError`` with the formula, the
            numbers and a stride or padding that fits. If False the floor is
            returned, which is exactly what Keras' ``Conv2D`` computes: the
            last input rows/columns that a full stride cannot reach are
            silently ignored (the red column of the lecture's Figure 6b).

    Returns:
        An int, or a ``(height, width)`` pair if any argument was a pair.

    Example:
        >>> conv_output_size(32, 5)
        28
        >>> conv_output_size(10, 3, stride=2, strict=False)
        4
    """
    _check_strict(strict)
    (sh, sw), p1 = _pair("size", size)
    (kh, kw), p2 = _pair("kernel", kernel)
    (th, tw), p3 = _pair("stride", stride)
    as_pair = p1 or p2 or p3
    if isinstance(padding, str):
        mode = padding.lower()
        if mode == "same":
            return _result([-(-sh // th), -(-sw // tw)], as_pair)
        if mode != "valid":
            raise ValueError(f'padding must be an int >= 0, a pair, "same" or "valid"; got {padding!r}')
        (ph, pw) = (0, 0)
    else:
        (ph, pw), p4 = _pair("padding", padding, minimum=0)
        as_pair = as_pair or p4
    out = [
        _one_conv_size(sh, kh, th, ph, strict, "filter"),
        _one_conv_size(sw, kw, tw, pw, strict, "filter"),
    ]
    return _result(out, as_pair)


def pool_output_size(size, pool, stride=None, *, strict=True):
    """Output width/height of a pooling layer: ``W' = (W - F) / S + 1``.

    Args:
        size: input size (int >= 1 or a pair).
        pool: pooling window ``F`` (int >= 1 or a pair).
        stride: ``S``; ``None`` (default) means ``S = F``, as in Keras'
            ``MaxPooling2D``, i.e. non-overlapping windows.
        strict: as in :func:`conv_output_size`; ``strict=False`` returns the
            floor, which is what Keras' pooling layers (``padding="valid"``)
            compute, e.g. 5 -> 2 for a 2x2 pool.

    Returns:
        An int, or a pair if any argument was a pair. The depth is unchanged
        by pooling (``D' = D``).
    """
    _check_strict(strict)
    (sh, sw), p1 = _pair("size", size)
    (fh, fw), p2 = _pair("pool", pool)
    if stride is None:
        (th, tw), p3 = (fh, fw), False
    else:
        (th, tw), p3 = _pair("stride", stride)
    out = [
        _one_conv_size(sh, fh, th, 0, strict, "pooling window", "pool"),
        _one_conv_size(sw, fw, tw, 0, strict, "pooling window", "pool"),
    ]
    return _result(out, p1 or p2 or p3)


def same_padding(kernel):
    """Zero padding that keeps the size at stride 1: ``P = (F - 1) / 2``.

    Args:
        kernel: odd filter size (int >= 1) or a pair of odd sizes.

    Returns:
        An int (or pair). ``same_padding(3) == 1``, ``same_padding(5) == 2``.

    Raises:
        ValueError: for an even kernel, where no symmetric padding exists
            (Keras' ``padding="same"`` then pads one more zero on the
            bottom/right than on the top/left).
    """
    (kh, kw), as_pair = _pair("kernel", kernel)
    for k in (kh, kw):
        if k % 2 == 0:
            raise ValueError(
                f"P = (F - 1)/2 = ({k} - 1)/2 = {(k - 1) / 2:g} is not an integer: an "
                f"even kernel ({k}) has no symmetric 'same' padding. Use an odd kernel "
                f"(3, 5, 7, ...); Keras' padding='same' pads {k // 2 - 1} before and "
                f"{k // 2} after."
            )
    return _result([(kh - 1) // 2, (kw - 1) // 2], as_pair)


# --------------------------------------------------------------------------
# parameter and multiplication counts
# --------------------------------------------------------------------------
def _check_bias(bias):
    if not isinstance(bias, bool):
        raise TypeError(f"bias must be True or False, got {bias!r}")


def conv_params(kernel, in_channels, filters, bias=True):
    """Trainable parameters of a convolution layer: ``D' * (F*F*D + 1)``.

    Args:
        kernel: filter size (int or a (height, width) pair).
        in_channels: ``D``, depth of the input (int >= 1).
        filters: ``D'``, number of filters (int >= 1).
        bias: count one bias per filter (Keras' ``use_bias=True``).

    Returns:
        An int, e.g. ``conv_params(5, 3, 20) == 1520`` (lecture: 76 x 20).
    """
    (kh, kw), _ = _pair("kernel", kernel)
    d = _check_int("in_channels", in_channels)
    n = _check_int("filters", filters)
    _check_bias(bias)
    return n * (kh * kw * d + (1 if bias else 0))


def dense_params(inputs, units, bias=True):
    """Trainable parameters of a dense layer: ``inputs * units + units``.

    ``dense_params(32 * 32 * 3, 20) == 61460`` (the lecture's comparison).
    """
    i = _check_int("inputs", inputs)
    u = _check_int("units", units)
    _check_bias(bias)
    return i * u + (u if bias else 0)


def conv_multiplications(kernel, in_channels, out_size, filters):
    """Multiplications to compute a conv layer: ``F*F*D * W'*H' * D'``.

    Args:
        kernel: ``F`` (int or pair).
        in_channels: ``D``.
        out_size: ``W'`` (int, a square map) or ``(H', W')``.
        filters: ``D'``.

    Returns:
        An int (biases and additions are not counted).
    """
    (kh, kw), _ = _pair("kernel", kernel)
    d = _check_int("in_channels", in_channels)
    (oh, ow), _ = _pair("out_size", out_size)
    n = _check_int("filters", filters)
    return kh * kw * d * oh * ow * n


def depthwise_separable_multiplications(kernel, in_channels, out_size, filters):
    """Multiplications of a depthwise separable convolution.

    A depthwise ``F x F`` filter per input channel (``F*F*D*W'*H'``) followed
    by a pointwise ``1 x 1`` convolution to ``D'`` channels (``D*D'*W'*H'``).
    Same arguments as :func:`conv_multiplications`.
    """
    (kh, kw), _ = _pair("kernel", kernel)
    d = _check_int("in_channels", in_channels)
    (oh, ow), _ = _pair("out_size", out_size)
    n = _check_int("filters", filters)
    return kh * kw * d * oh * ow + d * n * oh * ow


def depthwise_separable_ratio(filters, kernel):
    """Cost of a depthwise separable conv relative to a standard one.

    ``R = 1/N + 1/D_K**2`` with ``N`` the number of output filters and
    ``D_K`` the (square) kernel size. It equals
    ``depthwise_separable_multiplications / conv_multiplications`` for any
    input size and depth.

    Returns:
        A float in ``(0, 2]``; e.g. ``depthwise_separable_ratio(512, 3)`` is
        about 0.113, a saving of almost 9x.
    """
    n = _check_int("filters", filters)
    k = _check_int("kernel", kernel)
    return 1.0 / n + 1.0 / (k * k)


def receptive_field(kernels, strides=None):
    """Receptive field of a stack of convolution/pooling layers.

    ``r = 1 + sum_l (F_l - 1) * prod_{i < l} S_i``: how many input pixels
    (along one axis) one unit of the last layer sees.

    Args:
        kernels: sequence of kernel sizes, first layer first (ints or pairs).
        strides: sequence of the same length, or ``None`` for all ones.

    Returns:
        An int (or a pair if any entry is a pair). Three stacked 3x3 convs
        give 7, as in the lecture's "small filters" section.
    """
    if isinstance(kernels, (str, bytes)) or not hasattr(kernels, "__len__"):
        raise TypeError(f"kernels must be a list of kernel sizes, got {kernels!r}")
    if len(kernels) == 0:
        raise ValueError("kernels must contain at least one layer")
    if strides is None:
        strides = [1] * len(kernels)
    if isinstance(strides, (str, bytes)) or not hasattr(strides, "__len__"):
        raise TypeError(f"strides must be a list of strides or None, got {strides!r}")
    if len(strides) != len(kernels):
        raise ValueError(
            f"strides must have one entry per kernel: got {len(kernels)} kernels "
            f"and {len(strides)} strides"
        )
    as_pair = False
    rf = [1, 1]
    jump = [1, 1]
    for i, (k, s) in enumerate(zip(kernels, strides, strict=True)):
        (kh, kw), pk = _pair(f"kernels[{i}]", k)
        (sh, sw), ps = _pair(f"strides[{i}]", s)
        as_pair = as_pair or pk or ps
        for axis, (kk, ss) in enumerate(((kh, sh), (kw, sw))):
            rf[axis] += (kk - 1) * jump[axis]
            jump[axis] *= ss
    return _result(rf, as_pair)
