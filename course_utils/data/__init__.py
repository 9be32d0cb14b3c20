"""Datasets, images and pretrained weights: one registry, one way to get them.

``from course_utils import data`` is all a notebook needs; behind it, one
module per job:

* :mod:`~course_utils.data.registry`: every file the course uses, as a table
  of facts (:data:`REGISTRY` of :class:`Asset`: origin, hashes, licence,
  citation);
* :mod:`~course_utils.data.fetching`: :func:`fetch` (the mirror named by
  ``COURSE_DATA_DIR``, then the user's cache, then a verified download), the
  one clear :class:`DataUnavailableError`, and :func:`prepare_keras_cache`;
* :mod:`~course_utils.data.loaders`: :func:`load_mnist`, :func:`load_cifar10`,
  :func:`load_imdb`, :func:`cats_vs_dogs`, with the quick profile's slices in
  :data:`QUICK_SLICES`;
* :mod:`~course_utils.data.canvases`: :func:`mnist_canvases`, seeded canvases
  of real MNIST digits with exact boxes and per-pixel labels (detection and
  segmentation data, notebook 15);
* :mod:`~course_utils.data.pretrained`: :func:`mobilenet` (v1, alpha
  :data:`MOBILENET_ALPHA`), :func:`vgg19` and :func:`imagenet_class_index`.
"""

from course_utils.data.canvases import mnist_canvases
from course_utils.data.fetching import DataUnavailableError, fetch, prepare_keras_cache
from course_utils.data.loaders import (
    CATS_VS_DOGS_CLASSES,
    CIFAR10_CLASSES,
    QUICK_SLICES,
    cats_vs_dogs,
    cats_vs_dogs_files,
    imdb_decode,
    imdb_tokenize,
    imdb_word_index,
    load_cifar10,
    load_imdb,
    load_mnist,
)
from course_utils.data.pretrained import MOBILENET_ALPHA, imagenet_class_index, mobilenet, vgg19
from course_utils.data.registry import REGISTRY, Asset, registry_markdown

# Exactly what the notebooks, the tests and the other modules use; the rest
# (mirror_dir, cache_dir, tree_hash, ...) is in the submodules.
__all__ = [
    "CATS_VS_DOGS_CLASSES",
    "CIFAR10_CLASSES",
    "MOBILENET_ALPHA",
    "QUICK_SLICES",
    "REGISTRY",
    "Asset",
    "DataUnavailableError",
    "cats_vs_dogs",
    "cats_vs_dogs_files",
    "fetch",
    "imagenet_class_index",
    "imdb_decode",
    "imdb_tokenize",
    "imdb_word_index",
    "load_cifar10",
    "load_imdb",
    "load_mnist",
    "mnist_canvases",
    "mobilenet",
    "prepare_keras_cache",
    "registry_markdown",
    "vgg19",
]
