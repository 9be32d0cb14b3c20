"""Fixtures for the unit tests."""

import http.server
import os
import socket
import threading
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared" / "course-data"


@pytest.fixture
def mirror():
    """The course-data mirror (COURSE_DATA_DIR, or ../shared/course-data)."""
    path = Path(os.environ.get("COURSE_DATA_DIR") or SHARED)
    if not path.is_dir():
        pytest.skip(f"no course-data mirror at {path}; set COURSE_DATA_DIR")
    return path


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """An empty mirror and an empty cache; downloads allowed (they must fail fast)."""
    empty_mirror = tmp_path / "mirror"
    empty_mirror.mkdir()
    cache = tmp_path / "cache"
    monkeypatch.setenv("COURSE_DATA_DIR", str(empty_mirror))
    monkeypatch.setenv("COURSE_CACHE_DIR", str(cache))
    monkeypatch.delenv("COURSE_OFFLINE", raising=False)
    monkeypatch.setenv("COURSE_DOWNLOAD_TIMEOUT", "2")
    return empty_mirror, cache


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def http_dir(tmp_path):
    """Serve a temporary folder over HTTP on 127.0.0.1; yields (folder, base_url)."""
    root = tmp_path / "served"
    root.mkdir()

    def handler(*args, **kwargs):
        return _Quiet(*args, directory=str(root), **kwargs)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def closed_port_url():
    """A URL on 127.0.0.1 where nothing listens (connection refused at once)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}/missing.bin"


@pytest.fixture
def silent_server_url():
    """A URL on 127.0.0.1 whose server accepts connections and never answers."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    try:
        yield f"http://127.0.0.1:{s.getsockname()[1]}/slow.bin"
    finally:
        s.close()
