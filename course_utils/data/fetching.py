"""Finding, verifying and downloading registry assets; the one clear error.

:func:`fetch` finds an asset in this order:

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
file by hand. :func:`prepare_keras_cache` puts verified files where Keras'
own loaders look for them (pretrained weights, the ImageNet class index).
"""

from __future__ import annotations

import hashlib
import os
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
from pathlib import Path

from course_utils._checks import check_bool, show
from course_utils.data.registry import REGISTRY, Asset

__all__ = [
    "DataUnavailableError",
    "cache_dir",
    "fetch",
    "mirror_dir",
    "prepare_keras_cache",
    "tree_hash",
]

_CHUNK = 1 << 20


class DataUnavailableError(RuntimeError):
    """An asset could not be found, verified or downloaded.

    The message names the asset, every place that was looked at (and why it
    did not serve), the URL that was tried, and how to supply the file by hand.
    """


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
        raise TypeError(f"asset name must be a registry name (a string) or an Asset, got {show(name)}")
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
    if not isinstance(folder, (str, os.PathLike)):
        raise TypeError(f"folder must be a path (str or pathlib.Path), got {show(folder)}")
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"folder must be an existing folder, got {str(folder)!r}")
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
    """Download ``url`` to ``dest`` (via ``dest.<pid>.part``), verifying ``hashes``."""
    timeout = _timeout()
    _resolve_host(url, timeout)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(f"{dest.name}.{os.getpid()}.part")  # per process: parallel runs never share it
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
    check_bool("download", download)
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
    tmp = target.with_name(f"{target.name}.{os.getpid()}.part")
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
    elif isinstance(names, str) or not isinstance(names, (list, tuple)):
        raise TypeError(f"names must be None or a list of registry names, got {show(names)}")
    out = []
    for name in names:
        asset = _get_asset(name)
        if not asset.keras_cache:
            raise ValueError(f"{asset.name!r} is not a file Keras looks up itself")
        out.append(_seed_keras_file(asset, fetch(asset)))
    return out
