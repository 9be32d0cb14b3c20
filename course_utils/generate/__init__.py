"""Gradient-based image optimisation: the engine behind notebooks 10 to 13.

Class-score maximisation, adversarial images, Deep Dream, feature inversion and
style transfer all do the same thing: keep a network fixed, define a loss on its
activations, and change the *pixels* by gradient steps. This module holds the
shared pieces so the notebooks can show the formula, not the plumbing:

* :data:`BACKBONES`: one :class:`BackboneSpec` per network (how to build it,
  its input range, its pixel conversions, its layers per role), and
  :func:`backbone`, which builds one;
* :func:`feature_extractor`: a model returning the activations of named layers;
* losses from the lectures: :func:`gram_matrix`, :func:`style_layer_loss`,
  :func:`content_loss`, :func:`total_variation`, :func:`alpha_norm`;
* :func:`optimize_image`: one compiled (``tf.function``) update step run for
  many steps, with optional gradient normalisation, random jitter, blur,
  clipping to the valid input range, and an eager mode to measure what
  compiling buys;
* :func:`time_compiled`: that measurement (per-step compiled and eager time,
  and the one-off cost of tracing);
* :func:`octave_shapes`: image sizes for multi-scale (octave) processing.

Images are float32 tensors ``(1, H, W, 3)`` on the model's input scale (for
MobileNet ``[-1, 1]``): :meth:`Backbone.preprocess` converts 0..255 RGB
pixels to it and :meth:`Backbone.deprocess` converts back for display.

The package has one module per job: :mod:`~course_utils.generate.backbones`
(the networks), :mod:`~course_utils.generate.losses` and
:mod:`~course_utils.generate.engine` (the step, its timing, octaves);
``from course_utils import generate`` gives all of them.

Every public function checks its arguments (``course_utils._checks``): a wrong
type raises ``TypeError``, a wrong value (a rank, NaN, a size out of bounds)
``ValueError``. Inside ``tf.function`` tracing, tensors have no values yet, so
only their type, dtype and rank are checked there.
"""

from course_utils.generate.backbones import BACKBONES, Backbone, BackboneSpec, backbone, feature_extractor
from course_utils.generate.engine import OptimizationResult, Timing, octave_shapes, optimize_image, time_compiled
from course_utils.generate.losses import alpha_norm, content_loss, gram_matrix, style_layer_loss, total_variation

__all__ = [
    "BACKBONES",
    "Backbone",
    "BackboneSpec",
    "OptimizationResult",
    "Timing",
    "alpha_norm",
    "backbone",
    "content_loss",
    "feature_extractor",
    "gram_matrix",
    "octave_shapes",
    "optimize_image",
    "style_layer_loss",
    "time_compiled",
    "total_variation",
]
