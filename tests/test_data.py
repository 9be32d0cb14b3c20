"""Tests of course_utils.data: mirror, cache, download, errors, loaders."""

import dataclasses
import hashlib
import io
import tarfile
import time
import warnings
from pathlib import Path

import keras
import numpy as np
import pytest

from course_utils import data, images
from course_utils.data import fetching

DIGEST_LENGTHS = {"sha256": 64, "md5": 32}


def sha256(path) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def _fake(monkeypatch, **fields):
    """Register a small test asset named 'fake' and return it."""
    asset = data.Asset(name="fake", path="datasets/fake.bin", description="a test file", url=None)
    asset = dataclasses.replace(asset, **fields)
    monkeypatch.setitem(data.REGISTRY, "fake", asset)
    return asset


# ---------------------------------------------------------------- registry
def test_registry_entries_are_complete():
    for asset in data.REGISTRY.values():
        # an official https download, or a description saying it is only in the course mirror
        assert (asset.url or "").startswith("https://") or (
            asset.url is None and "Only in the course mirror" in asset.description
        ), asset.name
        assert asset.licence and asset.citation and asset.description, asset.name
        for h in asset.hashes + asset.tree_hashes:
            algo, _, digest = h.partition(":")
            assert algo in DIGEST_LENGTHS, (asset.name, h)
            assert len(digest) == DIGEST_LENGTHS[algo] and set(digest) <= set("0123456789abcdef"), (asset.name, h)


def test_data_readme_matches_registry():
    readme = (Path(__file__).parents[1] / "data" / "README.md").read_text()
    assert data.registry_markdown() in readme, "regenerate: python -m course_utils.data > table"


def test_data_package_exports_what_is_used():
    for name in data.__all__:
        assert hasattr(data, name), name
    assert data.fetch is fetching.fetch and data.REGISTRY is data.registry.REGISTRY
    assert data.MOBILENET_ALPHA == 0.75


def test_unknown_asset():
    with pytest.raises(ValueError, match="unknown asset 'nope'.*mnist"):
        data.fetch("nope")
    with pytest.raises(TypeError):
        data.fetch(3)


# ---------------------------------------------------------------- mirror hits
def test_mirror_hit(mirror, monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror))
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path / "cache"))
    assert data.fetch("mnist") == mirror / "datasets" / "mnist.npz"
    assert data.fetch("cats_vs_dogs") == mirror / "cats_and_dogs_filtered"  # tree hash verified
    assert data.fetch("imdb_reviews") == mirror / "datasets" / "aclImdb_reviews.tar.gz"  # alt path
    assert not (tmp_path / "cache").exists()  # nothing copied or downloaded


def test_load_mnist_is_the_real_mnist(mirror, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror))
    monkeypatch.setenv("COURSE_PROFILE", "full")
    (x, y), (xt, yt) = data.load_mnist()
    assert x.shape == (60000, 28, 28) and x.dtype == np.uint8 and xt.shape == (10000, 28, 28)
    assert y[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]  # the well-known first labels
    assert yt[:5].tolist() == [7, 2, 1, 0, 4]
    monkeypatch.setenv("COURSE_PROFILE", "quick")
    (x, _), (xt, _) = data.load_mnist()
    assert len(x) == 6000 and len(xt) == 1000


def test_load_cifar10_prefers_the_complete_copy(mirror, monkeypatch, capsys):
    # the mirror's pickles are partial (5,085 + 1,017), so the complete JPEG copy serves
    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror))
    monkeypatch.setenv("COURSE_PROFILE", "full")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # complete: no warning
        (x, y), (xt, yt) = data.load_cifar10()
    assert capsys.readouterr().out == (
        "CIFAR-10: 50,000 train / 10,000 test, all of them (full profile) "
        "(complete JPEG copy, pixels within about 6/255 of the official ones)\n"
    )
    assert x.shape == (50_000, 32, 32, 3) and x.dtype == np.uint8 and y.shape == (50_000, 1)
    assert xt.shape == (10_000, 32, 32, 3) and yt.dtype == np.uint8
    assert np.bincount(y[:, 0]).tolist() == [5000] * 10 and np.bincount(yt[:, 0]).tolist() == [1000] * 10
    monkeypatch.setenv("COURSE_PROFILE", "quick")
    (xq, yq), (xtq, ytq) = data.load_cifar10(verbose=False)
    assert xq.shape == (2000, 32, 32, 3) and xtq.shape == (500, 32, 32, 3)
    assert (xq == x[:2000]).all() and (ytq == yt[:500]).all()  # the first images of the same order
    assert np.bincount(yq[:, 0], minlength=10).min() > 150  # shuffled: every class in the quick slice
    assert capsys.readouterr().out == ""


def test_cifar10_jpeg_copy_matches_the_exact_pickles(mirror, monkeypatch):
    """Where both copies exist (the first 1,017 images of data_batch_1 and test_batch), each
    JPEG image found by class and rank is close to its original and nearer to it than to any other."""
    from course_utils.data import loaders  # noqa: PLC0415

    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror))
    train, test, _ = loaders._cifar10_pickles()
    jpeg = loaders._cifar10_jpeg()
    n = 1017  # images per batch in the mirror's partial pickles
    for split, (x_exact, y_exact) in (("train", train), ("test", test)):
        x_exact, labels = x_exact[:n].reshape(n, -1).astype(np.float32), y_exact[:n, 0]
        rank = np.zeros(n, dtype=int)  # the image's rank within its class, in the official order
        seen = np.zeros(10, dtype=int)
        for i, c in enumerate(labels):
            rank[i], seen[c] = seen[c], seen[c] + 1
        x, y, k = jpeg[split]
        where = {(int(c), int(r)): j for j, (c, r) in enumerate(zip(y[:, 0], k, strict=True))}
        x_jpeg = x[[where[(int(c), int(r))] for c, r in zip(labels, rank, strict=True)]]
        x_jpeg = x_jpeg.reshape(n, -1).astype(np.float32)
        assert 2 < np.abs(x_jpeg - x_exact).mean() < 8, split  # lossy, but by a few of 255
        distances = (x_jpeg**2).sum(1)[:, None] + (x_exact**2).sum(1)[None] - 2 * x_jpeg @ x_exact.T
        assert (distances.argmin(axis=1) == np.arange(n)).all(), split  # each matched to its own


def test_load_cifar10_falls_back_to_the_partial_pickles(mirror, monkeypatch, tmp_path, capsys):
    partial = tmp_path / "mirror" / "datasets"
    partial.mkdir(parents=True)
    (partial / "cifar-10-batches-py").symlink_to(mirror / "datasets" / "cifar-10-batches-py")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "mirror"))
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("COURSE_PROFILE", "full")
    with pytest.warns(UserWarning, match="only 5,085 of the official 50,000.*cifar-10-jpeg.tar.gz"):
        (x, y), (xt, yt) = data.load_cifar10()
    assert capsys.readouterr().out == (
        "CIFAR-10: 5,085 train / 1,017 test, all of them (full profile) (official pickles, partial copy)\n"
    )
    assert x.shape == (5085, 32, 32, 3) and yt.shape == (1017, 1)
    monkeypatch.setenv("COURSE_PROFILE", "quick")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the quick profile does not warn
        (x, _), (xt, _) = data.load_cifar10(verbose=False)
    assert x.shape == (2000, 32, 32, 3) and xt.shape == (500, 32, 32, 3)


def test_load_cifar10_with_neither_copy_names_both(isolated, monkeypatch):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    with pytest.raises(data.DataUnavailableError) as info:
        data.load_cifar10()
    msg = str(info.value)
    assert "cifar-10-python.tar.gz" in msg and "datasets/cifar-10-jpeg.tar.gz" in msg
    assert str(isolated[0] / "datasets" / "cifar-10-batches-py") in msg


def _jpeg_tar(path: Path, per_class: dict, junk: str | None = None) -> Path:
    """A small CIFAR-10-like JPEG archive: per_class = {split: images per class}; pixel value = rank."""
    from PIL import Image  # noqa: PLC0415

    with tarfile.open(path, "w:gz") as tar:
        for split, n in per_class.items():
            for c, name in enumerate(data.CIFAR10_CLASSES):
                for k in range(n):
                    buf = io.BytesIO()
                    Image.fromarray(np.full((32, 32, 3), 20 * k + c, np.uint8)).save(buf, "JPEG", quality=95)
                    info = tarfile.TarInfo(f"cifar-10-jpeg/{split}/{junk or name}/{k:04d}.jpg")
                    info.size = len(buf.getvalue())
                    tar.addfile(info, io.BytesIO(buf.getvalue()))
    return path


def test_cifar10_jpeg_decoded_once_in_a_fixed_order(isolated, monkeypatch, capsys):
    from course_utils.data import loaders  # noqa: PLC0415

    mirror, cache = isolated
    (mirror / "datasets").mkdir()
    _jpeg_tar(mirror / "datasets" / "cifar-10-jpeg.tar.gz", {"train": 3, "test": 2})
    monkeypatch.setitem(data.REGISTRY, "cifar10_jpeg", dataclasses.replace(data.REGISTRY["cifar10_jpeg"], hashes=()))
    monkeypatch.setattr(loaders, "CIFAR10_FULL", (30, 20))
    monkeypatch.setenv("COURSE_OFFLINE", "1")  # the pickles are nowhere: the JPEG copy serves
    monkeypatch.setenv("COURSE_PROFILE", "full")
    (x, y), (xt, yt) = data.load_cifar10()
    assert "30 train / 20 test" in capsys.readouterr().out
    assert sorted(y[:, 0].tolist()) == sorted(list(range(10)) * 3)
    assert y[:, 0].tolist() != sorted(y[:, 0].tolist())  # shuffled, not class by class
    assert np.abs(x.reshape(30, -1).mean(1) - (20 * (x.reshape(30, -1).mean(1) // 20) + y[:, 0])).max() < 3
    cached = list((cache / "datasets").glob("cifar10_jpeg_*.npz"))
    assert len(cached) == 1
    monkeypatch.setattr(loaders, "_decode_cifar10_jpeg", lambda archive: pytest.fail("decoded twice"))
    (x2, y2), _ = data.load_cifar10(verbose=False)
    assert (x2 == x).all() and (y2 == y).all()


def test_cifar10_jpeg_with_a_stray_folder_is_refused(isolated, monkeypatch):
    from course_utils.data import loaders  # noqa: PLC0415

    mirror, _ = isolated
    (mirror / "datasets").mkdir()
    _jpeg_tar(mirror / "datasets" / "cifar-10-jpeg.tar.gz", {"train": 1}, junk="zebra")
    monkeypatch.setitem(data.REGISTRY, "cifar10_jpeg", dataclasses.replace(data.REGISTRY["cifar10_jpeg"], hashes=()))
    with pytest.raises(ValueError, match="unknown class folder 'zebra'"):
        loaders._cifar10_jpeg()


def test_quick_slices_are_what_the_loaders_keep(mirror, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror))
    monkeypatch.setenv("COURSE_PROFILE", "quick")
    monkeypatch.setitem(data.QUICK_SLICES, "mnist", (300, 70))
    (x, _), (xt, _) = data.load_mnist()
    assert len(x) == 300 and len(xt) == 70
    assert capsys.readouterr().out == "MNIST: 300 train / 70 test, quick slice of 60,000 / 10,000\n"
    paths, labels = data.cats_vs_dogs_files("train")
    assert len(paths) == data.QUICK_SLICES["cats_vs_dogs"][0] and labels.sum() == len(paths) // 2


def test_load_imdb_keras_encoding(mirror, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror))
    monkeypatch.setenv("COURSE_PROFILE", "quick")
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    (x, y), (xt, yt) = data.load_imdb(num_words=10000)
    assert len(x) == 2000 and len(xt) == 1000
    assert set(np.unique(y)) == {0, 1} and 0.4 < y.mean() < 0.6
    assert all(s[0] == 1 for s in x)  # start mark
    assert max(max(s) for s in x) <= 9999 and min(min(s) for s in x) >= 1
    assert any(2 in s for s in x)  # out-of-vocabulary words exist
    words = data.imdb_decode(x[0]).split()
    assert words[0] == "?" and sum(w != "?" for w in words) > 0.8 * len(words)
    (xs, _), _ = data.load_imdb(num_words=10000, maxlen=100)
    assert all(len(s) < 100 for s in xs)  # Keras semantics: longer reviews are dropped


def test_imdb_tokenize():
    assert data.imdb_tokenize("Great movie!<br /><br />Don't miss it.") == ["great", "movie", "don't", "miss", "it"]
    with pytest.raises(TypeError):
        data.imdb_tokenize(None)


@pytest.mark.parametrize(
    "kw, exc",
    [({"num_words": 0}, ValueError), ({"maxlen": -3}, ValueError), ({"num_words": 2.5}, TypeError),
     ({"maxlen": True}, TypeError), ({"seed": -1}, ValueError), ({"verbose": "yes"}, TypeError)],
)  # fmt: skip
def test_load_imdb_bad_arguments(kw, exc):
    with pytest.raises(exc, match=next(iter(kw))):
        data.load_imdb(**kw)


def test_cats_vs_dogs_pipeline(mirror, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror))
    monkeypatch.setenv("COURSE_PROFILE", "quick")
    paths, labels = data.cats_vs_dogs_files("validation")
    assert len(paths) == 100 and labels.sum() == 50
    train, val = data.cats_vs_dogs(image_size=64, batch_size=16)
    images, labels = next(iter(val))
    assert images.shape == (16, 64, 64, 3) and labels.shape == (16, 1)
    assert images.dtype.name == "float32" and 0 <= float(images.numpy().min()) and float(images.numpy().max()) <= 255
    assert sum(int(b[0].shape[0]) for b in train) == 200
    with pytest.raises(ValueError):
        data.cats_vs_dogs(image_size=(64,), batch_size=4)
    with pytest.raises(ValueError):
        data.cats_vs_dogs(batch_size=0)
    with pytest.raises(ValueError):
        data.cats_vs_dogs_files("test")


# ---------------------------------------------------------------- failures
def test_missing_asset_fails_fast_and_clearly(isolated, monkeypatch, closed_port_url):
    _fake(monkeypatch, url=closed_port_url, hashes=("sha256:" + "0" * 64,))
    start = time.monotonic()
    with pytest.raises(data.DataUnavailableError) as err:
        data.fetch("fake")
    assert time.monotonic() - start < 10
    msg = str(err.value)
    assert "'fake'" in msg and closed_port_url in msg
    assert str(isolated[0] / "datasets" / "fake.bin") in msg  # the mirror looked at
    assert str(isolated[1] / "datasets" / "fake.bin") in msg  # the cache looked at
    assert "by hand" in msg and "Traceback" not in msg
    assert err.value.__cause__ is None and err.value.__context__ is None  # no urllib traceback chained


def test_silent_server_times_out(isolated, monkeypatch, silent_server_url):
    monkeypatch.setenv("COURSE_DOWNLOAD_TIMEOUT", "1")
    _fake(monkeypatch, url=silent_server_url)
    start = time.monotonic()
    with pytest.raises(data.DataUnavailableError, match="failed"):
        data.fetch("fake")
    assert time.monotonic() - start < 10


def test_real_asset_unreachable_fails_within_seconds(isolated, monkeypatch, closed_port_url):
    """The real MNIST entry, its server unreachable: one clear error, fast, online or not."""
    real = data.REGISTRY["mnist"]
    monkeypatch.setitem(data.REGISTRY, "mnist", dataclasses.replace(real, url=closed_port_url))
    start = time.monotonic()
    with pytest.raises(data.DataUnavailableError, match="mnist") as err:
        data.fetch("mnist")  # no mirror copy, no cache, and the URL refuses connections
    assert time.monotonic() - start < 10
    assert closed_port_url in str(err.value) and "mnist.npz" in str(err.value)


def test_offline_switch(isolated, monkeypatch):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    with pytest.raises(data.DataUnavailableError, match="COURSE_OFFLINE"):
        data.fetch("mnist")


def test_corrupt_mirror_file_reported_and_left_in_place(isolated, monkeypatch, closed_port_url):
    empty_mirror, cache = isolated
    target = empty_mirror / "datasets" / "fake.bin"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"not the right bytes")
    _fake(monkeypatch, url=closed_port_url, hashes=("sha256:" + "ab" * 32,))
    with pytest.raises(data.DataUnavailableError) as err:
        data.fetch("fake")
    assert "NOT used" in str(err.value) and str(target) in str(err.value)
    assert target.read_bytes() == b"not the right bytes"  # never deleted or changed


def test_corrupt_cache_file_blocks_download_but_survives(isolated, monkeypatch, http_dir):
    root, base = http_dir
    (root / "fake.bin").write_bytes(b"good")
    _, cache = isolated
    bad = cache / "datasets" / "fake.bin"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"bad")
    _fake(monkeypatch, url=base + "fake.bin", hashes=("sha256:" + sha256(root / "fake.bin"),))
    with pytest.raises(data.DataUnavailableError, match="move or delete it yourself"):
        data.fetch("fake")
    assert bad.read_bytes() == b"bad"


# ---------------------------------------------------------------- downloads
def test_download_from_local_server_verifies_hash(isolated, monkeypatch, http_dir):
    root, base = http_dir
    payload = np.random.default_rng(0).bytes(300_000)
    (root / "fake.bin").write_bytes(payload)
    _fake(monkeypatch, url=base + "fake.bin", hashes=("sha256:" + sha256(root / "fake.bin"),))
    path = data.fetch("fake")
    assert path == isolated[1] / "datasets" / "fake.bin" and path.read_bytes() == payload
    assert data.fetch("fake") == path  # second time: a cache hit


def test_download_with_wrong_hash_is_refused(isolated, monkeypatch, http_dir):
    root, base = http_dir
    (root / "fake.bin").write_bytes(b"tampered")
    _fake(monkeypatch, url=base + "fake.bin", hashes=("md5:" + "0" * 32,))
    with pytest.raises(data.DataUnavailableError, match="matches none of the known"):
        data.fetch("fake")
    assert not (isolated[1] / "datasets" / "fake.bin").exists()


def test_download_of_folder_archive_is_unpacked(isolated, monkeypatch, http_dir):
    root, base = http_dir
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name in ("box/a.txt", "box/sub/b.txt"):
            info = tarfile.TarInfo(name)
            info.size = 3
            tar.addfile(info, io.BytesIO(b"abc"))
    (root / "box.tar.gz").write_bytes(buf.getvalue())
    _fake(
        monkeypatch,
        path="datasets/box",
        url=base + "box.tar.gz",
        archive="box.tar.gz",
        hashes=("sha256:" + sha256(root / "box.tar.gz"),),
        required=("a.txt", "sub/b.txt"),
    )
    folder = data.fetch("fake")
    assert (folder / "sub" / "b.txt").read_bytes() == b"abc"


# ---------------------------------------------------------------- Keras cache and weights
def test_prepare_keras_cache_never_overwrites(mirror, monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror))
    monkeypatch.setattr(fetching, "_keras_home", lambda: tmp_path / "keras")
    (path,) = data.prepare_keras_cache(["imagenet_class_index"])
    assert path == tmp_path / "keras" / "models" / "imagenet_class_index.json"
    assert sha256(path) == sha256(mirror / "models" / "imagenet_class_index.json")
    other = tmp_path / "keras" / "models" / "mobilenet_7_5_224_tf.h5"
    other.write_bytes(b"a user's own file")
    with pytest.warns(UserWarning, match="differs"):
        data.prepare_keras_cache(["mobilenet_7_5_224_tf"])
    assert other.read_bytes() == b"a user's own file"
    with pytest.raises(ValueError):
        data.prepare_keras_cache(["mnist"])


def test_mobilenet_has_the_imagenet_weights(mirror, monkeypatch):
    """MobileNet alpha 0.75 with its top recognises the sample cat and coffee."""
    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror))
    model = data.mobilenet(include_top=True)
    assert model.count_params() == 2_601_976
    batch = np.stack([images.load(n, (224, 224)) for n in ("chelsea", "coffee")]).astype("float32")
    probs = model.predict(keras.applications.mobilenet.preprocess_input(batch), verbose=0)
    classes = data.imagenet_class_index()
    top = [classes[i][1] for i in probs.argmax(axis=1)]
    assert top[0] in ("Egyptian_cat", "tabby", "tiger_cat"), top
    assert top[1] == "espresso", top
    decoded = keras.applications.mobilenet.decode_predictions(probs, top=1)  # Keras' own class index lookup
    assert decoded[1][0][1] == "espresso"


def test_mobilenet_no_top_160_and_bad_sizes(mirror, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror))
    base = data.mobilenet(include_top=False, image_size=160)
    assert base.output_shape == (None, 5, 5, 768)
    with pytest.raises(ValueError, match="160"):
        data.mobilenet(include_top=True, image_size=160)
    with pytest.raises(ValueError, match="alpha"):
        data.mobilenet(alpha=1.0)
    with pytest.raises(TypeError):
        data.mobilenet(include_top="yes")
    with pytest.raises(ValueError, match="weights"):
        data.mobilenet(weights="random")


def test_pretrained_builders_with_random_weights(isolated, monkeypatch):
    """weights=None builds the same architectures without fetching anything."""
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    assert data.mobilenet(include_top=False, image_size=None, weights=None).count_params() == 1_832_976
    assert data.vgg19(weights=None).count_params() == 20_024_384
    assert not any(isolated[1].rglob("*"))  # nothing downloaded or cached


def test_mobilenet_missing_weights_is_a_clear_error(isolated, monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    monkeypatch.setattr(fetching, "_keras_home", lambda: tmp_path / "keras")
    with pytest.raises(data.DataUnavailableError, match="mobilenet_7_5_224_tf"):
        data.mobilenet()
