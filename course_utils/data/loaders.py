"""The dataset loaders: arrays or ``tf.data`` pipelines, profile-aware.

Each loader fetches its files through the registry, and in the ``quick``
profile keeps the slice listed in :data:`QUICK_SLICES` (the table right
below), printing one line that says what it returned.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import re
import tarfile
import warnings
from pathlib import Path

import numpy as np

from course_utils._checks import (
    check_bool,
    check_choice,
    check_int,
    check_optional_int,
    check_pair,
    check_str,
    is_int,
    show,
)
from course_utils.config import get_profile
from course_utils.data.fetching import DataUnavailableError, _file_digest, cache_dir, fetch

__all__ = [
    "CATS_VS_DOGS_CLASSES", "CIFAR10_CLASSES", "QUICK_SLICES", "cats_vs_dogs", "cats_vs_dogs_files",
    "imdb_decode", "imdb_tokenize", "imdb_word_index", "load_cifar10", "load_imdb", "load_mnist",
]  # fmt: skip

CATS_VS_DOGS_CLASSES = ("cat", "dog")

# --------------------------------------------------------------------------
# the quick profile's slices, in one visible table
# --------------------------------------------------------------------------
#: dataset -> (n_train, n_test) that each loader keeps in the ``quick``
#: profile (``COURSE_PROFILE=quick``, what CI runs); the ``full`` profile keeps
#: every example. The first examples are kept (for IMDB: after its seeded
#: shuffle; for cats vs dogs: as many cats as dogs).
QUICK_SLICES = {
    "mnist": (6000, 1000),
    "cifar10": (2000, 500),
    "imdb": (2000, 1000),
    "cats_vs_dogs": (200, 100),
}


def _quick_slice(dataset: str):
    """``(n_train, n_test)`` to keep, or ``(None, None)`` in the full profile."""
    return QUICK_SLICES[dataset] if get_profile().quick else (None, None)


def _take(arrays, n):
    return tuple(a[:n] for a in arrays) if n is not None else tuple(arrays)


def _report(label: str, kept: tuple, whole: tuple, source: str = "") -> None:
    """The loaders' one line: what they returned, and from what."""
    if get_profile().quick:
        what = f"quick slice of {whole[0]:,} / {whole[1]:,}"
    else:
        what = "all of them (full profile)"
    print(f"{label}: {kept[0]:,} train / {kept[1]:,} test, {what}{source}")


def load_mnist(*, verbose: bool = True):
    """MNIST as ``(x_train, y_train), (x_test, y_test)``, like ``keras.datasets.mnist``.

    ``x`` is uint8 ``(N, 28, 28)`` in 0..255, ``y`` uint8 ``(N,)`` in 0..9.
    The file is read directly with NumPy (never handed to Keras' loader,
    which would reject, and delete, a mirror copy whose bytes differ).
    The quick profile keeps the first ``QUICK_SLICES["mnist"]`` images.

    Args:
        verbose: print one line saying how many images were returned.
    """
    check_bool("verbose", verbose)
    path = fetch("mnist")
    with np.load(path, allow_pickle=False) as f:
        train = (f["x_train"], f["y_train"])
        test = (f["x_test"], f["y_test"])
    n_train, n_test = _quick_slice("mnist")
    out = _take(train, n_train), _take(test, n_test)
    if verbose:
        _report("MNIST", (len(out[0][0]), len(out[1][0])), (len(train[0]), len(test[0])))
    return out


def _unpickle(path: Path) -> dict:
    with open(path, "rb") as f:
        return pickle.load(f, encoding="bytes")


CIFAR10_FULL = (50_000, 10_000)
#: seeds of the fixed shuffles that put the JPEG copy (stored class by class)
#: into a mixed order, so that a quick slice holds every class
_CIFAR10_JPEG_SEEDS = {"train": 2009, "test": 2010}
_CIFAR10_JPEG_NAME = re.compile(r"(?:^|/)(train|test)/([a-z]+)/(\d+)\.jpg$")


def _cifar10_pickles():
    """The pickle-layout copy: ``(train, test, folder)`` with arrays like Keras'."""
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

    return arrays(np.concatenate(xs), ys), arrays(d[b"data"], d[b"labels"]), folder


def _tar_files(archive: Path, pattern: re.Pattern):
    """``(name, match, bytes)`` for every file in the tar ``archive`` whose name matches ``pattern``."""
    with tarfile.open(archive) as tar:
        for member in tar:
            m = pattern.search(member.name)
            if m and member.isfile():
                yield member.name, m, tar.extractfile(member).read()


def _decode_cifar10_jpeg(archive: Path) -> dict:
    """Decode every image of the JPEG copy (about 17 s on 2 CPU cores).

    Returns ``{split: (x, y, k)}``: ``x`` uint8 ``(N, 32, 32, 3)``, ``y`` uint8
    ``(N, 1)``, ``k`` int32 ``(N,)``, the file's number within its class (its
    rank among that class's images in the official order), all in the fixed
    shuffled order of :data:`_CIFAR10_JPEG_SEEDS`.
    """
    from PIL import Image  # noqa: PLC0415

    found = {"train": [], "test": []}
    for name, m, data in _tar_files(archive, _CIFAR10_JPEG_NAME):
        split, label, k = m.group(1), m.group(2), int(m.group(3))
        if label not in CIFAR10_CLASSES:
            raise ValueError(f"{archive}: {name} is in an unknown class folder {label!r}")
        with Image.open(io.BytesIO(data)) as im:
            pixels = np.asarray(im.convert("RGB"), dtype=np.uint8)
        if pixels.shape != (32, 32, 3):
            raise ValueError(f"{archive}: {name} is {pixels.shape}, not 32x32 RGB")
        found[split].append((CIFAR10_CLASSES.index(label), k, pixels))
    out = {}
    for split, want in zip(("train", "test"), CIFAR10_FULL, strict=True):
        items = sorted(found[split], key=lambda t: t[:2])  # class by class, official order
        if len(items) != want:
            raise ValueError(f"{archive}: {len(items):,} {split} images, expected {want:,}")
        order = np.random.default_rng(_CIFAR10_JPEG_SEEDS[split]).permutation(len(items))
        out[split] = (
            np.stack([items[i][2] for i in order]),
            np.array([items[i][0] for i in order], dtype=np.uint8).reshape(-1, 1),
            np.array([items[i][1] for i in order], dtype=np.int32),
        )
    return out


def _cifar10_jpeg() -> dict:
    """The complete JPEG copy, decoded once and cached as arrays (see :func:`_decode_cifar10_jpeg`)."""
    archive = fetch("cifar10_jpeg")
    digest = _file_digest(archive, "sha256")[:12]
    path = cache_dir() / "datasets" / f"cifar10_jpeg_{digest}_v1.npz"
    names = [f"{a}_{s}" for s in ("train", "test") for a in "xyk"]
    if path.exists():
        try:
            with np.load(path, allow_pickle=False) as f:
                arrays = {n: f[n] for n in names}
            return {s: tuple(arrays[f"{a}_{s}"] for a in "xyk") for s in ("train", "test")}
        except (OSError, ValueError, KeyError, EOFError):
            pass  # a broken cache file (e.g. an interrupted write): decode again below
    decoded = _decode_cifar10_jpeg(archive)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.partial.npz")  # per process
    np.savez(tmp, **{f"{a}_{s}": v for s, arrays in decoded.items() for a, v in zip("xyk", arrays, strict=True)})
    tmp.replace(path)
    return decoded


def load_cifar10(verbose: bool = True):
    """CIFAR-10 as ``(x_train, y_train), (x_test, y_test)``, like ``keras.datasets.cifar10``.

    ``x`` is uint8 ``(N, 32, 32, 3)`` in 0..255 (channels last), ``y`` uint8
    ``(N, 1)`` in 0..9 (see :data:`CIFAR10_CLASSES`). The copy, in order of
    preference:

    1. the official pickles, complete (cache or download, or a mirror that
       has them), in the official order;
    2. the complete JPEG copy of the course mirror (``cifar10_jpeg``): all
       50,000 + 10,000 images, pixels within about 6 of 255 of the official
       ones, decoded once and cached as arrays, in a fixed shuffled order;
    3. the exact but partial pickles (the course mirror has 5,085 + 1,017
       images); the full profile then warns.

    The quick profile keeps the first ``QUICK_SLICES["cifar10"]`` images.

    Args:
        verbose: print one line saying which copy was used, how many images
            were returned and how many the copy holds.
    """
    check_bool("verbose", verbose)
    pickles, problem = None, None
    try:
        pickles = _cifar10_pickles()
    except DataUnavailableError as e:
        problem = e
    if pickles is not None and (len(pickles[0][0]), len(pickles[1][0])) == CIFAR10_FULL:
        train, test, source = pickles[0], pickles[1], "official pickles"
    else:
        try:
            jpeg = _cifar10_jpeg()
        except DataUnavailableError:
            if pickles is None:
                raise DataUnavailableError(
                    f"{problem}\n(The course mirror's complete JPEG copy, datasets/cifar-10-jpeg.tar.gz, "
                    "is not there either; either one is enough.)"
                ) from None
            train, test, source = pickles[0], pickles[1], "official pickles, partial copy"
        else:
            train, test = jpeg["train"][:2], jpeg["test"][:2]
            source = "complete JPEG copy, pixels within about 6/255 of the official ones"
    n_train, n_test = len(train[0]), len(test[0])
    if not get_profile().quick and n_train < CIFAR10_FULL[0]:
        warnings.warn(
            f"CIFAR-10 has only {n_train:,} of the official 50,000 training images here "
            f"({pickles[2]}); accuracies will be lower than with the full set. For all of "
            "them, download the official pickles (https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz) "
            "or use a course mirror with datasets/cifar-10-jpeg.tar.gz.",
            stacklevel=2,
        )
    k_train, k_test = _quick_slice("cifar10")
    out = _take(train, k_train), _take(test, k_test)
    if verbose:
        _report("CIFAR-10", (len(out[0][0]), len(out[1][0])), (n_train, n_test), f" ({source})")
    return out


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
    check_str("text", text)
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
    for _, m, data in _tar_files(archive, _IMDB_NAME):
        split, label, rid = m.group(1), m.group(2), int(m.group(3))
        text = data.decode("utf-8")
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
    tmp = out.with_name(f"{out.name}.{os.getpid()}.part.npz")  # per process
    np.savez_compressed(tmp, **arrays)
    tmp.replace(out)
    return out


def _imdb_raw():
    """Rank sequences (list of int arrays, -1 = unknown word) and labels, per split, and the source's name."""
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
        return out, "encoded from the original review texts"
    with np.load(path, allow_pickle=True) as f:
        return [(list(f["x_train"]), f["y_train"]), (list(f["x_test"]), f["y_test"])], "Keras' imdb.npz"


def load_imdb(num_words: int | None = None, maxlen: int | None = None, *, seed: int = 113, verbose: bool = True):
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

    The quick profile keeps the first ``QUICK_SLICES["imdb"]`` reviews after
    shuffling (and after ``maxlen`` dropped the long ones).

    Args:
        num_words: keep the ``num_words - 1`` most frequent word ids (as
            Keras: ids ``>= num_words`` become 2), or None for all.
        maxlen: drop reviews with ``maxlen`` or more tokens, or None.
        seed: shuffling seed (Keras' default 113).
        verbose: print one line saying how many reviews were returned.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: each ``x`` is a NumPy object
        array of ``N`` Python lists of ints (one list per review, lengths
        vary, values ``1..num_words-1``; pad them with
        ``keras.utils.pad_sequences``), each ``y`` an int64 array ``(N,)`` of
        0/1 labels. The full profile gives 25,000 + 25,000 reviews (fewer
        with ``maxlen``).
    """
    check_optional_int("num_words", num_words, minimum=1)
    check_optional_int("maxlen", maxlen, minimum=1)
    check_int("seed", seed, minimum=0, maximum=2**32 - 1)
    check_bool("verbose", verbose)
    start, oov, index_from = 1, 2, 3
    ((xtr, ytr), (xte, yte)), source = _imdb_raw()
    rng = np.random.RandomState(seed)
    out = []
    for xs, ys in ((xtr, ytr), (xte, yte)):
        order = np.arange(len(xs))
        rng.shuffle(order)
        out.append(([xs[i] for i in order], np.asarray(ys)[order]))
    limit = num_words
    result, whole = [], []
    for (xs, ys), n in zip(out, _quick_slice("imdb"), strict=True):
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
        whole.append(len(seqs))
        seqs, labels = seqs[:n] if n else seqs, labels[:n] if n else labels
        arr = np.empty(len(seqs), dtype=object)
        arr[:] = seqs
        result.append((arr, np.asarray(labels, dtype=np.int64)))
    if verbose:
        _report("IMDB", (len(result[0][0]), len(result[1][0])), tuple(whole), f" ({source})")
    return result[0], result[1]


def imdb_decode(sequence, word_index: dict | None = None) -> str:
    """Turn a Keras-encoded review back into words (``?`` for 0/1/2 codes).

    Args:
        sequence: a list or 1-D array of ints in Keras' encoding (rank + 3).
        word_index: the word -> rank dict, or None for :func:`imdb_word_index`.

    Returns:
        The words joined by spaces.
    """
    if isinstance(sequence, (str, bytes, dict)) or not hasattr(sequence, "__iter__"):
        raise TypeError(f"sequence must be a list or 1-D array of ints, got {show(sequence)}")
    codes = list(sequence)
    if not all(is_int(i) for i in codes):
        raise TypeError(f"sequence must hold ints (Keras' IMDB codes), got {show(sequence)}")
    if word_index is None:
        word_index = imdb_word_index()
    elif not isinstance(word_index, dict):
        raise TypeError(f"word_index must be None or a dict word -> rank, got {show(word_index)}")
    reverse = {rank + 3: word for word, rank in word_index.items()}
    return " ".join(reverse.get(int(i), "?") for i in codes)


# ---- cats vs dogs --------------------------------------------------------
def cats_vs_dogs_files(split: str = "train"):
    """File paths and labels of the cats-vs-dogs images.

    Args:
        split: ``"train"`` or ``"validation"``.

    Returns:
        ``(paths, labels)``: a list of str paths, sorted, and an int array
        (0 = cat, 1 = dog). The quick profile keeps an equal number of cats and
        dogs (``QUICK_SLICES["cats_vs_dogs"]``: 100 + 100 train, 50 + 50
        validation).
    """
    check_choice("split", split, ("train", "validation"))
    root = fetch("cats_vs_dogs")
    n = _quick_slice("cats_vs_dogs")[0 if split == "train" else 1]
    keep = None if n is None else n // 2
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


def cats_vs_dogs(
    image_size=(160, 160), batch_size: int = 32, *, shuffle: bool = True, seed: int = 0, verbose: bool = True
):
    """Cats-vs-dogs as ``(train, validation)`` ``tf.data`` pipelines.

    Each element is ``(images, labels)``: float32 ``(batch, height, width, 3)``
    with pixel values 0..255 (resized bilinearly, like
    ``keras.utils.image_dataset_from_directory``), and float32 labels
    ``(batch, 1)``, 0 = cat, 1 = dog. The training set is reshuffled every
    epoch (deterministically from ``seed``); the validation set keeps file order.

    Args:
        image_size: int or ``(height, width)``, 1 to 4,096 pixels.
        batch_size: int from 1 to 100,000.
        shuffle: reshuffle the training set every epoch.
        seed: the shuffling seed (int >= 0).
        verbose: print one line saying how many images each split holds.

    Returns:
        ``(train, validation)``: two batched, prefetched ``tf.data.Dataset``.
    """
    image_size, _ = check_pair("image_size", image_size, maximum=4096)
    check_int("batch_size", batch_size, maximum=100_000)
    check_bool("shuffle", shuffle)
    check_int("seed", seed, minimum=0, maximum=2**32 - 1)
    check_bool("verbose", verbose)
    import tensorflow as tf  # noqa: PLC0415

    def load(path, label):
        img = tf.io.decode_jpeg(tf.io.read_file(path), channels=3)
        img = tf.image.resize(img, image_size, method="bilinear")
        return img, tf.reshape(tf.cast(label, tf.float32), (1,))

    out, counts = [], []
    for split in ("train", "validation"):
        paths, labels = cats_vs_dogs_files(split)
        counts.append(len(paths))
        ds = tf.data.Dataset.from_tensor_slices((paths, labels))
        if shuffle and split == "train":
            ds = ds.shuffle(len(paths), seed=seed, reshuffle_each_iteration=True)
        ds = ds.map(load, num_parallel_calls=tf.data.AUTOTUNE)
        out.append(ds.batch(batch_size).prefetch(tf.data.AUTOTUNE))
    if verbose:
        root = fetch("cats_vs_dogs")
        whole = tuple(
            sum(p.suffix.lower() in (".jpg", ".jpeg") for cls in ("cats", "dogs") for p in (root / split / cls).iterdir())
            for split in ("train", "validation")
        )
        _report("Cats vs dogs", tuple(counts), whole, f" ({image_size[0]}x{image_size[1]} px)")
    return tuple(out)


