"""Datasets, images and pretrained weights: one registry, one way to get them.

Every file the course uses is an :class:`Asset` in :data:`REGISTRY`, with its
official origin, accepted hashes, licence and citation. :func:`fetch` finds an
asset in this order:

1. the local mirror named by the environment variable ``COURSE_DATA_DIR``
   (laid out like a Keras cache: ``datasets/``, ``models/``, ``images/``,
   ``cats_and_dogs_filtered/``);
2. the user's course cache (``COURSE_CACHE_DIR``, default
   ``~/.cache/convnets-course``), same layout;
3. a download from the official URL into the cache, with a progress bar and a
   hash check (set ``COURSE_OFFLINE=1`` to never try the network).

A file whose hash is wrong is never used and never deleted: it is reported,
and the search goes on. When nothing works, :class:`DataUnavailableError`
says which asset, every place looked, the URL tried, and how to supply the
file by hand.

The loaders (:func:`load_mnist`, :func:`load_cifar10`, :func:`load_imdb`,
:func:`cats_vs_dogs`, :func:`mobilenet`) read the profile from
``COURSE_PROFILE`` and keep only a small slice in the ``quick`` profile.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import shutil
import socket
import tarfile
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from course_utils.config import get_profile

__all__ = [
    "Asset",
    "CATS_VS_DOGS_CLASSES",
    "DataUnavailableError",
    "REGISTRY",
    "cache_dir",
    "cats_vs_dogs",
    "cats_vs_dogs_files",
    "fetch",
    "imagenet_class_index",
    "load_cifar10",
    "load_imdb",
    "load_mnist",
    "mirror_dir",
    "mobilenet",
    "prepare_keras_cache",
    "registry_markdown",
]

CATS_VS_DOGS_CLASSES = ("cat", "dog")
MOBILENET_ALPHA = 0.75
_CHUNK = 1 << 20


class DataUnavailableError(RuntimeError):
    """An asset could not be found, verified or downloaded.

    The message names the asset, every place that was looked at (and why it
    did not serve), the URL that was tried, and how to supply the file by hand.
    """


@dataclass(frozen=True)
class Asset:
    """One registry entry.

    Attributes:
        name: registry key, e.g. ``"mnist"``.
        path: where the asset lives inside a data root (mirror or cache),
            e.g. ``"datasets/mnist.npz"`` (a file) or
            ``"datasets/cifar-10-batches-py"`` (a folder).
        description: what it is, in a few words.
        url: the official download (``None`` if there is none).
        hashes: accepted digests of the file as ``"sha256:<hex>"`` or
            ``"md5:<hex>"``. The official download's hash comes first when it
            is known; other entries are verified copies that differ only in
            packaging (e.g. the course mirror's re-zipped ``mnist.npz``).
        licence: licence or terms of use.
        citation: what to cite.
        alt_paths: ``(path, hashes)`` pairs: other files that hold the same
            content in a mirror (e.g. the IMDB reviews re-packed).
        archive: for a folder asset, the downloaded archive's file name
            (inside the same parent folder as ``path``); ``url`` and
            ``hashes`` then describe that archive.
        required: for a folder asset, files (relative to it) that must exist.
        tree_hashes: for a folder asset, accepted tree hashes (sha256 over the
            ``sha256sum`` lines of its files, sorted by path), where known.
        keras_cache: if True, Keras looks for this file itself under
            ``$KERAS_HOME/<path>`` (:func:`prepare_keras_cache` puts it there).
    """

    name: str
    path: str
    description: str
    url: str | None
    hashes: tuple = ()
    licence: str = ""
    citation: str = ""
    alt_paths: tuple = ()
    archive: str | None = None
    required: tuple = ()
    tree_hashes: tuple = ()
    keras_cache: bool = False

    @property
    def is_folder(self) -> bool:
        return self.archive is not None or bool(self.required)


_KERAS_DATASETS = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
_MOBILENET_URL = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet/"
_ANDERSBLL = "https://raw.githubusercontent.com/andersbll/neural_artistic_style/master/images/"
_MOBILENET_LICENCE = "Apache-2.0 (Google's MobileNet v1 ImageNet checkpoint)"
_MOBILENET_CITATION = (
    "A. G. Howard et al., MobileNets: Efficient Convolutional Neural Networks for "
    "Mobile Vision Applications, arXiv:1704.04861 (2017)"
)
_MOBILENET_NOTE = (
    "Keras publishes no hash for MobileNet weights; the hash listed is the course "
    "mirror's copy (converted from Google's TF.js export)."
)

REGISTRY: dict[str, Asset] = {
    a.name: a
    for a in [
        Asset(
            "mnist",
            "datasets/mnist.npz",
            "MNIST handwritten digits, 60,000 + 10,000 28x28 grey images",
            _KERAS_DATASETS + "mnist.npz",
            hashes=(
                "sha256:731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
                # course mirror: the same arrays, 85 bytes of zip metadata differ
                "sha256:06af5dfe73b70e3bc1c36439982b18a8d76803db9b544f6fdf838a37fbb01b64",
            ),
            licence="CC BY-SA 3.0 (Y. LeCun and C. Cortes)",
            citation="Y. LeCun, C. Cortes, C. J. C. Burges, The MNIST database of handwritten digits",
        ),
        Asset(
            "cifar10",
            "datasets/cifar-10-batches-py",
            "CIFAR-10, 50,000 + 10,000 32x32 colour images in 10 classes (official pickle layout)",
            "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
            hashes=("sha256:6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce",),
            licence="no formal licence; cite the technical report",
            citation="A. Krizhevsky, Learning Multiple Layers of Features from Tiny Images (2009)",
            archive="cifar-10-python.tar.gz",
            required=tuple(f"data_batch_{i}" for i in range(1, 6)) + ("test_batch", "batches.meta"),
        ),
        Asset(
            "imdb_npz",
            "datasets/imdb.npz",
            "IMDB reviews as Keras' pre-tokenised word-rank sequences",
            _KERAS_DATASETS + "imdb.npz",
            hashes=("sha256:69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f",),
            licence="research use; cite Maas et al. (2011)",
            citation=(
                "A. L. Maas et al., Learning Word Vectors for Sentiment Analysis, ACL 2011"
            ),
        ),
        Asset(
            "imdb_reviews",
            "datasets/aclImdb_v1.tar.gz",
            "Large Movie Review Dataset v1: 50,000 review texts (train/test, pos/neg)",
            "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz",
            hashes=("md5:7c2ac02c03563afcf9b574c7e56c153a",),
            licence="research use; cite Maas et al. (2011)",
            citation="A. L. Maas et al., Learning Word Vectors for Sentiment Analysis, ACL 2011",
            alt_paths=(
                (
                    "datasets/aclImdb_reviews.tar.gz",
                    ("sha256:70ac64fe615cd445e4c7c555c8589f4b76d137941fd1c8edb8c8b4f70794d08f",),
                ),
            ),
        ),
        Asset(
            "imdb_word_index",
            "datasets/imdb_word_index.json",
            "Keras' IMDB word index: 88,584 words ranked by frequency",
            _KERAS_DATASETS + "imdb_word_index.json",
            hashes=(
                "md5:bfafd718b763782e994055a2d397834f",
                "sha256:027313fe9a320280f3bf0fac5baf58c4a683cf39a7ed9c3d3d3912bde4284cf6",
            ),
            licence="research use; cite Maas et al. (2011)",
            citation="A. L. Maas et al., Learning Word Vectors for Sentiment Analysis, ACL 2011",
            keras_cache=True,
        ),
        Asset(
            "cats_vs_dogs",
            "cats_and_dogs_filtered",
            "Cats vs dogs: 2,000 training and 1,000 validation JPEG photos",
            "https://storage.googleapis.com/mledu-datasets/cats_and_dogs_filtered.zip",
            licence="Kaggle Dogs vs. Cats (Asirra, Microsoft Research): research and non-commercial use",
            citation="J. Elson et al., Asirra: A CAPTCHA that Exploits Interest-Aligned Manual Image Categorization, CCS 2007",
            archive="cats_and_dogs_filtered.zip",
            required=("train/cats", "train/dogs", "validation/cats", "validation/dogs"),
            tree_hashes=(
                # course mirror (official training files, other real validation photos)
                "sha256:cb8e2a7591d96a2672871188818a5e8528aca08a64fbbf23ca51952a6e7e4ee9",
            ),
        ),
        Asset(
            "imagenet_class_index",
            "models/imagenet_class_index.json",
            "the 1,000 ImageNet class ids and names, in model output order",
            "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json",
            hashes=(
                "md5:c2c37ea517e94d9795004a39431a14cb",
                "sha256:a1e7a966a1f601d39e4b43e119b3e7dd4a2ad3ea08cf69847cbaf021013767bc",
            ),
            licence="ImageNet terms of access (class names)",
            citation="O. Russakovsky et al., ImageNet Large Scale Visual Recognition Challenge, IJCV 2015",
            keras_cache=True,
        ),
        Asset(
            "mobilenet_7_5_224_tf",
            "models/mobilenet_7_5_224_tf.h5",
            "MobileNet v1 alpha 0.75, ImageNet weights with the 1000-class top, 224 px. " + _MOBILENET_NOTE,
            _MOBILENET_URL + "mobilenet_7_5_224_tf.h5",
            hashes=("sha256:5062b1d2a4d0d8279cf82519f839cbed3002969dedcba043a81c6e3455ed4019",),
            licence=_MOBILENET_LICENCE,
            citation=_MOBILENET_CITATION,
            keras_cache=True,
        ),
        Asset(
            "mobilenet_7_5_224_tf_no_top",
            "models/mobilenet_7_5_224_tf_no_top.h5",
            "MobileNet v1 alpha 0.75, ImageNet weights without the top, 224 px. " + _MOBILENET_NOTE,
            _MOBILENET_URL + "mobilenet_7_5_224_tf_no_top.h5",
            hashes=("sha256:f53ac494f094e96e751a7b95bd9389c70cf4a635b46d68673589f03fedc28e95",),
            licence=_MOBILENET_LICENCE,
            citation=_MOBILENET_CITATION,
            keras_cache=True,
        ),
        Asset(
            "mobilenet_7_5_160_tf_no_top",
            "models/mobilenet_7_5_160_tf_no_top.h5",
            "MobileNet v1 alpha 0.75, ImageNet weights without the top, file name for 160 px. "
            "The course mirror holds the 224-trained weights under this name; Google's "
            "download is a separately trained 160-px checkpoint. " + _MOBILENET_NOTE,
            _MOBILENET_URL + "mobilenet_7_5_160_tf_no_top.h5",
            hashes=("sha256:a3361fb0de397db2622f9aef70a9ffcda7f1e330d3b8bbacbb686ef26bc57a8d",),
            licence=_MOBILENET_LICENCE,
            citation=_MOBILENET_CITATION,
            keras_cache=True,
        ),
        Asset(
            "vgg19_notop",
            "models/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5",
            "VGG19 ImageNet weights without the top (80 MB), for instructors who swap the "
            "generative notebooks' backbone; not in the course mirror",
            "https://storage.googleapis.com/tensorflow/keras-applications/vgg19/"
            "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5",
            hashes=("md5:253f8cb515780f3b799900260a226db6",),
            licence="CC BY 4.0 (Visual Geometry Group, University of Oxford)",
            citation=(
                "K. Simonyan and A. Zisserman, Very Deep Convolutional Networks for Large-Scale "
                "Image Recognition, ICLR 2015"
            ),
            keras_cache=True,
        ),
        Asset(
            "starry_night",
            "images/starry_night.jpg",
            "Vincent van Gogh, The Starry Night (1889), 576 x 448",
            _ANDERSBLL + "starry_night.jpg",
            hashes=("sha256:40c4a2dcce7ba517f9a07f2aa3db8fc06410a3d12080043e0dbd2cdab5ea7dd7",),
            licence="public domain",
            citation="Vincent van Gogh, The Starry Night, 1889, Museum of Modern Art, New York",
        ),
        Asset(
            "skrik",
            "images/skrik.jpg",
            "Edvard Munch, The Scream (1893), 576 x 800",
            _ANDERSBLL + "skrik.jpg",
            hashes=("sha256:b4605a0fc05f1bc302f79ef9e6e9803030bb5a33147c875f583bffa7faa6f1fa",),
            licence="public domain",
            citation="Edvard Munch, The Scream, 1893, National Gallery of Norway",
        ),
        Asset(
            "tuebingen",
            "images/tuebingen.jpg",
            "the Neckarfront in Tübingen, 800 x 600 (the content photo of Gatys et al.)",
            _ANDERSBLL + "tuebingen.jpg",
            hashes=("sha256:19ef82caae3b822cf2bae22585bace70e4567e5c3878d169351586142a0f5c48",),
            licence="CC BY 3.0, photograph by Andreas Praefcke",
            citation="Andreas Praefcke, Tübingen Neckarfront, Wikimedia Commons, CC BY 3.0",
        ),
    ]
}


# --------------------------------------------------------------------------
# where to look
# --------------------------------------------------------------------------
def mirror_dir() -> Path | None:
    """The local mirror named by ``COURSE_DATA_DIR``, or None if unset."""
    value = os.environ.get("COURSE_DATA_DIR", "").strip()
    return Path(value).expanduser().absolute() if value else None


def cache_dir() -> Path:
    """The user's course cache: ``COURSE_CACHE_DIR`` or ``~/.cache/convnets-course``."""
    value = os.environ.get("COURSE_CACHE_DIR", "").strip()
    if value:
        return Path(value).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or os.path.join("~", ".cache")
    return Path(base).expanduser() / "convnets-course"


def _keras_home() -> Path:
    """Keras' own cache folder (``KERAS_HOME`` or ``~/.keras``), as Keras picks it."""
    try:
        from keras.src.backend.config import keras_home  # noqa: PLC0415

        return Path(keras_home()).expanduser()
    except ImportError:  # pragma: no cover - older/newer Keras layouts
        if "KERAS_HOME" in os.environ:
            return Path(os.environ["KERAS_HOME"]).expanduser()
        home = Path("~").expanduser()
        return (home if os.access(home, os.W_OK) else Path("/tmp")) / ".keras"


def _get_asset(name) -> Asset:
    if isinstance(name, Asset):
        return name
    if not isinstance(name, str):
        raise TypeError(f"asset name must be a string, got {name!r}")
    try:
        return REGISTRY[name]
    except KeyError:
        raise ValueError(
            f"unknown asset {name!r}; the registry has: {', '.join(sorted(REGISTRY))}"
        ) from None


# --------------------------------------------------------------------------
# hashes
# --------------------------------------------------------------------------
def _file_digest(path: Path, algo: str) -> str:
    h = hashlib.new(algo)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(_CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def _check_file(path: Path, hashes) -> str | None:
    """None if ``path`` matches one of ``hashes`` (or none are known), else why not."""
    if not hashes:
        return None
    seen = {}
    for spec in hashes:
        algo, _, want = spec.partition(":")
        if algo not in seen:
            seen[algo] = _file_digest(path, algo)
        if seen[algo] == want.lower():
            return None
    got = ", ".join(f"{a} {d}" for a, d in seen.items())
    return f"its hash ({got}) matches none of the known ones ({', '.join(hashes)})"


def tree_hash(folder) -> str:
    """sha256 over the ``sha256sum`` lines of every file below ``folder``.

    The same as ``cd folder; find . -type f | LC_ALL=C sort | xargs sha256sum
    | sha256sum``: paths written ``./relative/path`` and sorted bytewise, as
    in the mirror's MANIFEST.
    """
    folder = Path(folder)
    rels = sorted(
        ("./" + p.relative_to(folder).as_posix()).encode()
        for p in folder.rglob("*")
        if p.is_file()
    )
    lines = [f"{_file_digest(folder / r.decode()[2:], 'sha256')}  {r.decode()}\n" for r in rels]
    return hashlib.sha256("".join(lines).encode()).hexdigest()


_TREE_OK: dict = {}


def _check_folder(path: Path, asset: Asset, trust_tree: bool) -> str | None:
    missing = [r for r in asset.required if not (path / r).exists()]
    if missing:
        return f"it lacks {', '.join(missing)}"
    if asset.tree_hashes and not trust_tree:
        key = (str(path), path.stat().st_mtime_ns)
        if key not in _TREE_OK:
            _TREE_OK[key] = tree_hash(path)
        got = _TREE_OK[key]
        if f"sha256:{got}" not in asset.tree_hashes:
            return f"its tree hash sha256:{got} matches none of the known ones ({', '.join(asset.tree_hashes)})"
    return None


# --------------------------------------------------------------------------
# download
# --------------------------------------------------------------------------
def _timeout() -> float:
    try:
        return float(os.environ.get("COURSE_DOWNLOAD_TIMEOUT", "5"))
    except ValueError:
        return 5.0


def _resolve_host(url: str, timeout: float) -> None:
    """Resolve the URL's host within ``timeout`` (DNS lookups ignore socket timeouts)."""
    host = urllib.parse.urlsplit(url).hostname
    if not host:
        raise OSError(f"no host in URL {url!r}")
    box = {}

    def lookup():
        try:
            socket.getaddrinfo(host, None)
            box["ok"] = True
        except OSError as e:
            box["err"] = e

    t = threading.Thread(target=lookup, daemon=True)
    t.start()
    t.join(timeout)
    if "err" in box:
        raise OSError(f"cannot resolve {host}: {box['err']}")
    if "ok" not in box:
        raise OSError(f"looking up {host} took longer than {timeout:g} s")


def _download(url: str, dest: Path, hashes) -> None:
    """Download ``url`` to ``dest`` (via ``dest.part``), verifying ``hashes``."""
    timeout = _timeout()
    _resolve_host(url, timeout)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    req = urllib.request.Request(url, headers={"User-Agent": "convnets-course/0.1"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        total = int(resp.headers.get("Content-Length") or 0) or None
        from tqdm.auto import tqdm  # noqa: PLC0415

        with open(part, "wb") as out, tqdm(
            total=total, unit="B", unit_scale=True, desc=dest.name, leave=False
        ) as bar:
            for block in iter(lambda: resp.read(_CHUNK), b""):
                out.write(block)
                bar.update(len(block))
    problem = _check_file(part, hashes)
    if problem:
        raise OSError(f"the download from {url} arrived but {problem}; it was kept as {part}")
    if not hashes:
        warnings.warn(
            f"{url} has no published hash; downloaded file sha256 is "
            f"{_file_digest(part, 'sha256')}",
            stacklevel=3,
        )
    part.replace(dest)


def _extract(archive: Path, dest_parent: Path, member: str) -> Path:
    """Unpack ``archive`` and move its top-level folder ``member`` into ``dest_parent``."""
    with tempfile.TemporaryDirectory(dir=dest_parent) as tmp:
        if archive.name.endswith(".zip"):
            with zipfile.ZipFile(archive) as z:
                z.extractall(tmp)
        else:
            with tarfile.open(archive) as t:
                t.extractall(tmp, filter="data")
        src = Path(tmp) / member
        if not src.is_dir():
            raise OSError(f"{archive.name} has no folder {member}/")
        target = dest_parent / member
        src.rename(target)
    return target


# --------------------------------------------------------------------------
# fetch
# --------------------------------------------------------------------------
def _candidates(asset: Asset):
    yield asset.path, asset.hashes
    yield from asset.alt_paths


def fetch(name, *, download: bool = True) -> Path:
    """Return the local path of a registry asset, getting it if needed.

    Args:
        name: a key of :data:`REGISTRY` (e.g. ``"mnist"``, ``"cats_vs_dogs"``).
        download: try the official URL when neither the mirror nor the cache
            has a good copy (also disabled by ``COURSE_OFFLINE=1``).

    Returns:
        Path of the verified file or folder.

    Raises:
        DataUnavailableError: no verified copy could be found or downloaded.
    """
    asset = _get_asset(name)
    looked = []
    roots = []
    mirror = mirror_dir()
    if mirror is None:
        looked.append("COURSE_DATA_DIR: not set")
    elif not mirror.is_dir():
        looked.append(f"COURSE_DATA_DIR mirror {mirror}: folder does not exist")
    else:
        roots.append(("COURSE_DATA_DIR mirror", mirror, False))
    cache = cache_dir()
    roots.append(("user cache", cache, True))

    for label, root, is_cache in roots:
        for rel, hashes in _candidates(asset):
            path = root / rel
            if not path.exists():
                looked.append(f"{label}: {path} (not there)")
                continue
            if asset.is_folder:
                problem = _check_folder(path, asset, trust_tree=is_cache)
            else:
                problem = _check_file(path, hashes)
            if problem is None:
                return path
            looked.append(f"{label}: {path} found but {problem}; left in place and NOT used")

    target = cache / asset.path
    url = asset.url
    if not url:
        looked.append("download: this asset has no public URL")
    elif not download:
        looked.append(f"download: not attempted ({url})")
    elif os.environ.get("COURSE_OFFLINE", "").strip() not in ("", "0"):
        looked.append(f"download: skipped because COURSE_OFFLINE is set ({url})")
    elif target.exists():
        looked.append(
            f"download: not attempted, because {target} is occupied by the copy reported "
            f"above; move or delete it yourself, then run again"
        )
    else:
        dest = target.parent / asset.archive if asset.archive else target
        try:
            if not dest.exists():
                _download(url, dest, asset.hashes)
            if asset.archive:
                _extract(dest, target.parent, Path(asset.path).name)
            return target
        except (OSError, urllib.error.URLError, tarfile.TarError, zipfile.BadZipFile) as e:
            reason = getattr(e, "reason", None) or e
            looked.append(f"download: {url} failed: {type(e).__name__}: {reason}")

    where = f"{mirror}/{asset.path}" if mirror else f"{cache / asset.path}"
    how = (
        f"download {url} yourself and save it as {cache / (Path(asset.path).parent / asset.archive) if asset.archive else cache / asset.path}"
        + (f" (it is unpacked into {cache / asset.path})" if asset.archive else "")
        if url
        else "copy the file from a course mirror"
    )
    raise DataUnavailableError(
        f"Could not get the course asset {asset.name!r} ({asset.description}).\n"
        "Looked in:\n  - " + "\n  - ".join(looked) + "\n"
        f"To supply it by hand: {how}; or point COURSE_DATA_DIR at a mirror that has "
        f"{asset.path} (e.g. {where}). Then run the cell again."
    )


# --------------------------------------------------------------------------
# Keras' own cache (pretrained weights, class index)
# --------------------------------------------------------------------------
def _seed_keras_file(asset: Asset, source: Path) -> Path:
    target = _keras_home() / asset.path
    if target.exists():
        if target.resolve() != source.resolve() and _check_file(target, asset.hashes):
            warnings.warn(
                f"Keras' cache already holds {target}, which differs from the course's "
                f"copy ({source}); Keras will use its own file. Move it away to use the "
                "course's copy.",
                stacklevel=3,
            )
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    shutil.copyfile(source, tmp)
    tmp.replace(target)
    return target


def prepare_keras_cache(names=None) -> list[Path]:
    """Put registry files where Keras' own loaders look for them.

    ``keras.applications.MobileNet(alpha=0.75, weights="imagenet")`` and
    ``keras.applications.mobilenet.decode_predictions`` read
    ``$KERAS_HOME/models/<file>``; this copies the verified course files
    there (only if absent: an existing file is never overwritten).

    Args:
        names: registry names to seed; default all assets Keras looks up itself.

    Returns:
        The paths in Keras' cache.
    """
    if names is None:
        names = [a.name for a in REGISTRY.values() if a.keras_cache]
    out = []
    for name in names:
        asset = _get_asset(name)
        if not asset.keras_cache:
            raise ValueError(f"{asset.name!r} is not a file Keras looks up itself")
        out.append(_seed_keras_file(asset, fetch(asset)))
    return out


def mobilenet(*, include_top: bool = True, image_size: int = 224, **kwargs):
    """MobileNet v1 (alpha 0.75) with the course's ImageNet weights.

    The weights are fetched through the registry (mirror, cache, download) and
    put in Keras' cache, then the model is built with Keras' own
    ``keras.applications.MobileNet(alpha=0.75, weights="imagenet")``. A missing
    weight file raises :class:`DataUnavailableError`; there is never a silent
    fallback to random weights.

    Args:
        include_top: keep the 1000-class ImageNet classifier (224 px only).
        image_size: 224, or 160 without the top, or None without the top for
            a fully convolutional model that takes images of any size (with
            the 224-px weights; what Deep Dream and style transfer need).
        **kwargs: passed to ``keras.applications.MobileNet`` (e.g. ``pooling``).

    Returns:
        A ``keras.Model`` taking ``(batch, image_size, image_size, 3)`` float
        inputs in ``[-1, 1]`` (use
        ``keras.applications.mobilenet.preprocess_input`` on 0..255 pixels).
    """
    if not isinstance(include_top, bool):
        raise TypeError(f"include_top must be True or False, got {include_top!r}")
    allowed = (224,) if include_top else (160, 224, None)
    if isinstance(image_size, bool) or image_size not in allowed:
        raise ValueError(
            f"image_size={image_size!r} is not available with include_top={include_top}; "
            f"allowed: {', '.join(map(str, allowed))} (the course ships weights for 160 and 224 px)"
        )
    for key in ("alpha", "weights", "input_shape"):
        if key in kwargs:
            raise ValueError(f"{key} is fixed by the course (alpha 0.75, ImageNet weights)")
    name = f"mobilenet_7_5_{image_size or 224}_tf" + ("" if include_top else "_no_top")
    prepare_keras_cache([name])
    import keras  # noqa: PLC0415

    if image_size is None:
        import logging  # noqa: PLC0415

        # Keras warns that it picks the 224-px weights for an unknown size: intended here.
        logging.getLogger("absl").setLevel(logging.ERROR)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return keras.applications.MobileNet(
                input_shape=(None, None, 3), alpha=MOBILENET_ALPHA, include_top=False, weights="imagenet", **kwargs
            )
    return keras.applications.MobileNet(
        input_shape=(image_size, image_size, 3),
        alpha=MOBILENET_ALPHA,
        include_top=include_top,
        weights="imagenet",
        **kwargs,
    )


def imagenet_class_index() -> list[tuple[str, str]]:
    """The 1,000 ImageNet classes as ``(wordnet_id, name)``, in output order."""
    prepare_keras_cache(["imagenet_class_index"])
    with open(fetch("imagenet_class_index")) as f:
        raw = json.load(f)
    return [tuple(raw[str(i)]) for i in range(len(raw))]


# --------------------------------------------------------------------------
# loaders
# --------------------------------------------------------------------------
def _take(arrays, n):
    return tuple(a[:n] for a in arrays) if n is not None else tuple(arrays)


def load_mnist():
    """MNIST as ``(x_train, y_train), (x_test, y_test)``, like ``keras.datasets.mnist``.

    ``x`` is uint8 ``(N, 28, 28)`` in 0..255, ``y`` uint8 ``(N,)`` in 0..9.
    The file is read directly with NumPy (never handed to Keras' loader,
    which would reject, and delete, a mirror copy whose bytes differ).
    The quick profile keeps the first 6,000 / 1,000 images.
    """
    path = fetch("mnist")
    with np.load(path, allow_pickle=False) as f:
        train = (f["x_train"], f["y_train"])
        test = (f["x_test"], f["y_test"])
    sub = get_profile().subset("mnist") or (None, None)
    return _take(train, sub[0]), _take(test, sub[1])


def _unpickle(path: Path) -> dict:
    with open(path, "rb") as f:
        return pickle.load(f, encoding="bytes")


def load_cifar10(verbose: bool = True):
    """CIFAR-10 as ``(x_train, y_train), (x_test, y_test)``, like ``keras.datasets.cifar10``.

    ``x`` is uint8 ``(N, 32, 32, 3)`` in 0..255 (channels last), ``y`` uint8
    ``(N, 1)`` in 0..9 (see :data:`CIFAR10_CLASSES`). Prints how many images
    it found; in the full profile it warns when the copy has fewer than the
    official 50,000 training images (the course mirror is partial). The quick
    profile keeps the first 2,000 / 500.
    """
    folder = fetch("cifar10")
    xs, ys = [], []
    for i in range(1, 6):
        d = _unpickle(folder / f"data_batch_{i}")
        xs.append(d[b"data"])
        ys.extend(d[b"labels"])
    d = _unpickle(folder / "test_batch")

    def arrays(data, labels):
        x = np.asarray(data, dtype=np.uint8).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
        return x, np.asarray(labels, dtype=np.uint8).reshape(-1, 1)

    train = arrays(np.concatenate(xs), ys)
    test = arrays(d[b"data"], d[b"labels"])
    profile = get_profile()
    n_train, n_test = len(train[0]), len(test[0])
    if verbose:
        print(f"CIFAR-10: found {n_train:,} training and {n_test:,} test images in {folder}")
    if not profile.quick and n_train < 50_000:
        warnings.warn(
            f"CIFAR-10 has only {n_train:,} of the official 50,000 training images here "
            f"({folder}); accuracies will be lower than with the full set.",
            stacklevel=2,
        )
    sub = profile.subset("cifar10") or (None, None)
    return _take(train, sub[0]), _take(test, sub[1])


CIFAR10_CLASSES = (
    "airplane", "automobile", "bird", "cat", "deer",
    "dog", "frog", "horse", "ship", "truck",
)  # fmt: skip

# ---- IMDB ---------------------------------------------------------------
# Keras' text filter (keras.preprocessing.text.text_to_word_sequence): these
# characters become spaces; apostrophes and non-ASCII letters are kept, which
# matches the words in the official index ("don't", "it's", ...).
_IMDB_FILTER = str.maketrans({c: " " for c in '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'})
_IMDB_NAME = re.compile(r"aclImdb/(train|test)/(pos|neg)/(\d+)_(\d+)\.txt$")


def imdb_tokenize(text: str) -> list[str]:
    """Split a review into words the way the course builds IMDB from texts.

    Lower-case; the HTML line breaks ``<br />`` become spaces; the punctuation
    ``!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~`` becomes spaces (Keras' default
    text filter); apostrophes stay inside words (``don't``).

    >>> imdb_tokenize("Great movie!<br /><br />Don't miss it.")
    ['great', 'movie', "don't", 'miss', 'it']
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    return text.lower().replace("<br />", " ").translate(_IMDB_FILTER).split()


def imdb_word_index() -> dict[str, int]:
    """The official IMDB word index: word -> frequency rank (1 = most frequent)."""
    with open(fetch("imdb_word_index"), encoding="utf-8") as f:
        return json.load(f)


def _imdb_from_texts() -> Path:
    """Build (once) and cache the rank-encoded reviews from the original texts."""
    archive = fetch("imdb_reviews")
    index_path = fetch("imdb_word_index")
    key = hashlib.sha256(
        f"{archive.name}:{archive.stat().st_size}:{_file_digest(index_path, 'md5')}:v1".encode()
    ).hexdigest()[:12]
    out = cache_dir() / "datasets" / f"imdb_from_texts_{key}.npz"
    if out.exists():
        return out
    with open(index_path, encoding="utf-8") as f:
        index = json.load(f)
    reviews = {"train": [], "test": []}
    with tarfile.open(archive) as tar:
        for member in tar:
            m = _IMDB_NAME.search(member.name)
            if not m or not member.isfile():
                continue
            split, label, rid = m.group(1), m.group(2), int(m.group(3))
            text = tar.extractfile(member).read().decode("utf-8")
            ids = [index.get(w, -1) for w in imdb_tokenize(text)]  # -1: not in the index
            reviews[split].append((label == "pos", rid, ids))
    arrays = {}
    for split, items in reviews.items():
        if len(items) != 25_000:
            raise DataUnavailableError(
                f"{archive} holds {len(items)} {split} reviews, expected 25,000"
            )
        items.sort(key=lambda t: (t[0], t[1]))  # neg then pos, by review id
        lengths = np.array([len(t[2]) for t in items], dtype=np.int64)
        arrays[f"{split}_words"] = np.fromiter(
            (w for t in items for w in t[2]), dtype=np.int32, count=int(lengths.sum())
        )
        arrays[f"{split}_offsets"] = np.concatenate([[0], np.cumsum(lengths)])
        arrays[f"{split}_labels"] = np.array([t[0] for t in items], dtype=np.int64)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part.npz")
    np.savez_compressed(tmp, **arrays)
    tmp.replace(out)
    return out


def _imdb_raw():
    """Rank sequences (list of int arrays, -1 = unknown word) and labels, per split."""
    try:
        path = fetch("imdb_npz")
    except DataUnavailableError as npz_error:
        try:
            path = _imdb_from_texts()
        except DataUnavailableError as text_error:
            raise DataUnavailableError(
                "IMDB is available neither as Keras' imdb.npz nor as the original texts.\n\n"
                f"{npz_error}\n\n{text_error}"
            ) from None
        with np.load(path) as f:
            out = []
            for split in ("train", "test"):
                words, offs = f[f"{split}_words"], f[f"{split}_offsets"]
                seqs = [words[offs[i] : offs[i + 1]] for i in range(len(offs) - 1)]
                out.append((seqs, f[f"{split}_labels"]))
        return out
    with np.load(path, allow_pickle=True) as f:
        return [(list(f["x_train"]), f["y_train"]), (list(f["x_test"]), f["y_test"])]


def load_imdb(num_words: int | None = None, maxlen: int | None = None, *, seed: int = 113):
    """IMDB reviews as ``(x_train, y_train), (x_test, y_test)``, like ``keras.datasets.imdb``.

    Each review is a list of ints in Keras' encoding: a word's frequency rank
    + 3, with 0 for padding, 1 marking the start and 2 for out-of-vocabulary
    words (rarer than ``num_words`` or not in the index). ``y`` is 0
    (negative) or 1 (positive). As in Keras, ``maxlen`` *drops* reviews of
    ``maxlen`` words or more (use ``keras.utils.pad_sequences`` to cut and
    pad instead), and both splits are shuffled with ``seed``.

    Source: Keras' ``imdb.npz`` when the cache has it or it can be
    downloaded; otherwise the original review texts with the official word
    index, tokenised by :func:`imdb_tokenize` (built once and cached, about a
    minute). Both give the same kind of encoding; token counts differ
    slightly, because Keras' file was tokenised with its own (unpublished)
    rules (e.g. Keras kept ``br`` from ``<br />``).

    The quick profile keeps the first 2,000 / 1,000 reviews after shuffling.

    Args:
        num_words: keep the ``num_words - 1`` most frequent word ids (as
            Keras: ids ``>= num_words`` become 2), or None for all.
        maxlen: drop reviews with ``maxlen`` or more tokens, or None.
        seed: shuffling seed (Keras' default 113).
    """
    for label, value in (("num_words", num_words), ("maxlen", maxlen)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise ValueError(f"{label} must be None or an int >= 1, got {value!r}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {seed!r}")
    start, oov, index_from = 1, 2, 3
    (xtr, ytr), (xte, yte) = _imdb_raw()
    rng = np.random.RandomState(seed)
    out = []
    for xs, ys in ((xtr, ytr), (xte, yte)):
        order = np.arange(len(xs))
        rng.shuffle(order)
        out.append(([xs[i] for i in order], np.asarray(ys)[order]))
    limit = num_words
    result = []
    sub = get_profile().subset("imdb") or (None, None)
    for (xs, ys), n in zip(out, sub, strict=True):
        seqs, labels = [], []
        for x, y in zip(xs, ys, strict=True):
            x = np.asarray(x, dtype=np.int64)
            enc = np.where(x < 0, oov, x + index_from)
            if limit is not None:
                enc = np.where(enc >= limit, oov, enc)
            seq = [start, *enc.tolist()]
            if maxlen is not None and len(seq) >= maxlen:
                continue
            seqs.append(seq)
            labels.append(int(y))
        seqs, labels = seqs[:n] if n else seqs, labels[:n] if n else labels
        arr = np.empty(len(seqs), dtype=object)
        arr[:] = seqs
        result.append((arr, np.asarray(labels, dtype=np.int64)))
    return result[0], result[1]


def imdb_decode(sequence, word_index: dict | None = None) -> str:
    """Turn a Keras-encoded review back into words (``?`` for 0/1/2 codes)."""
    if word_index is None:
        word_index = imdb_word_index()
    reverse = {rank + 3: word for word, rank in word_index.items()}
    return " ".join(reverse.get(int(i), "?") for i in sequence)


# ---- cats vs dogs --------------------------------------------------------
def cats_vs_dogs_files(split: str = "train"):
    """File paths and labels of the cats-vs-dogs images.

    Args:
        split: ``"train"`` or ``"validation"``.

    Returns:
        ``(paths, labels)``: a list of str paths, sorted, and an int array
        (0 = cat, 1 = dog). The quick profile keeps an equal number of cats and
        dogs (100 + 100 train, 50 + 50 validation).
    """
    if split not in ("train", "validation"):
        raise ValueError(f"split must be 'train' or 'validation', got {split!r}")
    root = fetch("cats_vs_dogs")
    sub = get_profile().subset("cats_vs_dogs")
    keep = None if sub is None else sub[0 if split == "train" else 1] // 2
    paths, labels = [], []
    for label, cls in enumerate(("cats", "dogs")):
        files = sorted(
            (p for p in (root / split / cls).iterdir() if p.suffix.lower() in (".jpg", ".jpeg")),
            key=lambda p: (len(p.name), p.name),
        )
        files = files[:keep] if keep else files
        paths += [str(p) for p in files]
        labels += [label] * len(files)
    return paths, np.asarray(labels, dtype=np.int64)


def cats_vs_dogs(image_size=(160, 160), batch_size: int = 32, *, shuffle: bool = True, seed: int = 0):
    """Cats-vs-dogs as ``(train, validation)`` ``tf.data`` pipelines.

    Each element is ``(images, labels)``: float32 ``(batch, height, width, 3)``
    with pixel values 0..255 (resized bilinearly, like
    ``keras.utils.image_dataset_from_directory``), and float32 labels
    ``(batch, 1)``, 0 = cat, 1 = dog. The training set is reshuffled every
    epoch (deterministically from ``seed``); the validation set keeps file order.

    Args:
        image_size: int or ``(height, width)``.
        batch_size: int >= 1.
    """
    if isinstance(image_size, int) and not isinstance(image_size, bool):
        image_size = (image_size, image_size)
    if (
        not isinstance(image_size, (tuple, list))
        or len(image_size) != 2
        or any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in image_size)
    ):
        raise ValueError(f"image_size must be an int or a (height, width) pair of ints >= 1, got {image_size!r}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be an int >= 1, got {batch_size!r}")
    import tensorflow as tf  # noqa: PLC0415

    def load(path, label):
        img = tf.io.decode_jpeg(tf.io.read_file(path), channels=3)
        img = tf.image.resize(img, image_size, method="bilinear")
        return img, tf.reshape(tf.cast(label, tf.float32), (1,))

    out = []
    for split in ("train", "validation"):
        paths, labels = cats_vs_dogs_files(split)
        ds = tf.data.Dataset.from_tensor_slices((paths, labels))
        if shuffle and split == "train":
            ds = ds.shuffle(len(paths), seed=seed, reshuffle_each_iteration=True)
        ds = ds.map(load, num_parallel_calls=tf.data.AUTOTUNE)
        out.append(ds.batch(batch_size).prefetch(tf.data.AUTOTUNE))
    return tuple(out)


# --------------------------------------------------------------------------
# documentation
# --------------------------------------------------------------------------
def registry_markdown() -> str:
    """The registry as the Markdown table in ``data/README.md``."""
    lines = [
        "| name | path in mirror/cache | what | origin | hashes | licence | cite |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for a in REGISTRY.values():
        hashes = "<br>".join(f"`{h[:22]}…`" for h in a.hashes + a.tree_hashes) or "none published"
        alt = "".join(f"<br>or `{p}`" for p, _ in a.alt_paths)
        src = a.url + (f" (archive `{a.archive}`)" if a.archive else "") if a.url else "-"
        lines.append(
            f"| `{a.name}` | `{a.path}`{alt} | {a.description} | {src} | {hashes} | {a.licence} | {a.citation} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # python -m course_utils.data: the registry table for data/README.md
    print(registry_markdown(), end="")
