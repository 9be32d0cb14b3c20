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

import math
from fractions import Fraction

from course_utils._checks import check_bool, check_choice, check_int, check_pair, check_sequence

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
# input checking: the formulas are pure arithmetic, so sizes have no upper bound
# --------------------------------------------------------------------------
def _check_int(name, value, minimum=1):
    """``value`` as an ``int >= minimum`` (TypeError for a non-int, ValueError if smaller)."""
    return check_int(name, value, minimum=minimum, maximum=None)


def _pair(name, value, minimum=1):
    """``((h, w), was_pair)`` for an int or a (height, width) pair of ints ``>= minimum``."""
    return check_pair(name, value, minimum=minimum, maximum=None)


def _result(values, as_pair):
    return tuple(values) if as_pair else values[0]


def _padding(padding):
    """``((ph, pw), was_pair)`` for an int, a pair, ``"valid"`` (0) or ``None`` for ``"same"``."""
    if isinstance(padding, str):
        try:
            mode = check_choice("padding", padding.lower(), ("same", "valid"))
        except ValueError as err:
            raise ValueError(f"{err}; or an int >= 0 or a (height, width) pair of them") from None
        return (None if mode == "same" else (0, 0)), False
    try:
        return _pair("padding", padding, minimum=0)
    except TypeError as err:
        raise TypeError(f'{err}; or the names "same" or "valid"') from None


# --------------------------------------------------------------------------
# exact numbers in messages
# --------------------------------------------------------------------------
def _exact(value: Fraction) -> str:
    """A fraction written so that a non-integer never looks whole.

    Terminating decimals with at most 6 places are written out (``4.5``,
    ``54.25``); other values as a mixed fraction (``333333 2/3``), with a
    3-place decimal for small denominators (``3 1/3 (about 3.333)``).
    """
    if value.denominator == 1:
        return str(value.numerator)
    sign = "-" if value < 0 else ""
    value = abs(value)
    den = value.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    whole, rest = divmod(value.numerator, value.denominator)
    places = max(twos, fives)
    if den == 1 and places <= 6:
        digits = rest * 10**places // value.denominator
        return f"{sign}{whole}.{digits:0{places}d}"
    text = f"{sign}{whole} {rest}/{value.denominator}" if whole else f"{sign}{rest}/{value.denominator}"
    if value.denominator < 1000 and whole < 10**6:
        # the fractional part lies in [1/999, 998/999]: 3 places never round it to a whole number
        text += f" (about {sign}{float(value):.3f})"
    return text


# --------------------------------------------------------------------------
# output sizes
# --------------------------------------------------------------------------
# Above this many trial divisions the stride hint is left out: sizes far beyond
# any image (the formulas accept them) must not make an error message slow.
_MAX_DIVISOR_SEARCH = 2_000_000


def _nearest_divisor(n, s):
    """The divisor of ``n >= 1`` nearest to ``s`` (the smaller one on a tie), or None if too costly.

    Either scans outward from ``s`` (at most ``2 s`` steps, since 1 divides
    everything) or lists all divisors by trial division up to ``sqrt(n)``,
    whichever is cheaper.
    """
    if s >= n:
        return n
    root = math.isqrt(n)
    if min(s, root) > _MAX_DIVISOR_SEARCH:
        return None
    if s <= root:
        below = next(t for t in range(s, 0, -1) if n % t == 0)
        # only a divisor strictly closer than `below` beats it
        above = next((t for t in range(s + 1, 2 * s - below) if n % t == 0), None)
        return below if above is None else above
    divisors = set()
    for t in range(1, root + 1):
        if n % t == 0:
            divisors.update((t, n // t))
    return min(divisors, key=lambda t: (abs(t - s), t))


def _fitting_suggestions(w, f, s, p, window="kernel"):
    """Input sizes, strides, paddings and windows near the given ones that fit.

    Called only when ``span = w - f + 2p > 0`` is not a multiple of ``s``;
    modular arithmetic instead of searches, so it is fast for any size.
    """
    hints = []
    span = w - f + 2 * p
    # the next larger input: v > w with v = f - 2p (mod s)
    up = w + 1 + (f - 2 * p - w - 1) % s
    hints.append(f"an input of {up} (gives {(up - f + 2 * p) // s + 1})")
    best = _nearest_divisor(span, s)
    if best is not None:
        hints.append(f"stride={best} (gives {span // best + 1})")
    # the smallest extra padding e >= 1 with span + 2e = 0 (mod s); none if s is even and span
    # odd, and none for a pooling layer (it has no padding argument)
    g = math.gcd(2, s)
    if window != "pool" and span % g == 0:
        m = s // g
        extra = (-(span // g) * pow(2 // g, -1, m)) % m if m > 1 else 0
        extra = extra or m
        q = p + extra
        hints.append(f"padding={q} (gives {(w - f + 2 * q) // s + 1})")
    # the window k in 1..w+2p nearest to f (the larger on a tie) with k = w + 2p (mod s)
    n = w + 2 * p
    below = f - (f - n) % s
    candidates = [k for k in (below, below + s) if 1 <= k <= n]
    k = min(candidates, key=lambda k: (abs(k - f), -k))
    hints.append(f"{window}={k} (gives {(n - k) // s + 1})")
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
                f"{_exact(exact)} is not an integer, so the {what} does not fit the "
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
    check_bool("strict", strict)
    (sh, sw), p1 = _pair("size", size)
    (kh, kw), p2 = _pair("kernel", kernel)
    (th, tw), p3 = _pair("stride", stride)
    pad, p4 = _padding(padding)
    as_pair = p1 or p2 or p3 or p4
    if pad is None:  # "same"
        return _result([-(-sh // th), -(-sw // tw)], as_pair)
    (ph, pw) = pad
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
    check_bool("strict", strict)
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
                f"P = (F - 1)/2 = ({k} - 1)/2 = {_exact(Fraction(k - 1, 2))} is not an integer: an "
                f"even kernel ({k}) has no symmetric 'same' padding. Use an odd kernel "
                f"(3, 5, 7, ...); Keras' padding='same' pads {k // 2 - 1} before and "
                f"{k // 2} after."
            )
    return _result([(kh - 1) // 2, (kw - 1) // 2], as_pair)


# --------------------------------------------------------------------------
# parameter and multiplication counts
# --------------------------------------------------------------------------
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
    check_bool("bias", bias)
    return n * (kh * kw * d + (1 if bias else 0))


def dense_params(inputs, units, bias=True):
    """Trainable parameters of a dense layer: ``inputs * units + units``.

    ``dense_params(32 * 32 * 3, 20) == 61460`` (the lecture's comparison).
    """
    i = _check_int("inputs", inputs)
    u = _check_int("units", units)
    check_bool("bias", bias)
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
    kernels = check_sequence("kernels", kernels, what="a list of kernel sizes (ints or pairs)")
    if strides is None:
        strides = [1] * len(kernels)
    strides = check_sequence("strides", strides, min_length=0, what="None or a list of strides (ints or pairs)")
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
