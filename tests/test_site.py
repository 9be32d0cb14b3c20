"""``make site``: the builder on a fixture notebook and on two real quick notebooks, and the pages
opened in headless Chromium with the network blocked.

CI runs nbval on every notebook already, so the site is built here only from a small fixture
and from notebooks 01 and 02 (the two quickest, about 10 s each); ``make site`` builds all
fifteen. Without Chromium the browser tests skip, except when ``COURSE_REQUIRE_BROWSER=1``
(set by ``.ci/run``, which installs Debian's chromium), where a missing browser fails.
A screenshot of notebook 01's page is kept in ``test-artifacts/`` (or ``COURSE_TEST_ARTIFACTS``).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("course_site", ROOT / "tools" / "site.py")
site = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(site)

ARTIFACTS = Path(os.environ.get("COURSE_TEST_ARTIFACTS") or ROOT / "test-artifacts")


def _link(page: str, rel: str, href: str | None = None) -> bool:
    """True when ``page`` has an <a> with this rel (and href), in either attribute order."""
    tags = re.findall(r"<a\b[^>]*>", page)
    return any(f'rel="{rel}"' in t and (href is None or f'href="{href}"' in t) for t in tags)


def _need_browser():
    if shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome"):
        return
    if os.environ.get("COURSE_REQUIRE_BROWSER", "") not in ("", "0"):
        pytest.fail("COURSE_REQUIRE_BROWSER is set but no Chromium is on PATH (apt-get install chromium)")
    pytest.skip("no Chromium on PATH (Debian: apt-get install chromium); .ci/run installs it")


def _fixture(folder: Path) -> list[Path]:
    """Two tiny notebooks: a formula, a figure, links to each other, to the README and outside."""
    v4 = nbformat.v4
    a = v4.new_notebook(cells=[
        v4.new_markdown_cell("# 01 · Fixture A\n\nThe size formula $W' = \\frac{W - F + 2P}{S} + 1$ and\n\n"
                             "$$\\sum_m \\sum_n I(i+m, j+n)\\,K(m, n).$$\n\n"
                             "Next: [B](02_fixture_b.ipynb); back to [the index](../README.md); "
                             "[Keras](https://keras.io) is a link, never fetched."),
        v4.new_code_cell("import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
                         "%matplotlib inline\nfig, ax = plt.subplots(figsize=(4, 3))\nax.plot([0, 1, 4, 9])\nplt.show()"),
        v4.new_code_cell("print(6 * 7)"),
    ])
    b = v4.new_notebook(cells=[
        v4.new_markdown_cell("# 02 · Fixture B\n\nBack to [A](01_fixture_a.ipynb#01-·-Fixture-A); "
                             "$\\sigma^2 = \\tfrac{1}{n}\\sum_i x_i^2$."),
        v4.new_code_cell("x = sum(range(10))\nx"),
    ])
    paths = [folder / "01_fixture_a.ipynb", folder / "02_fixture_b.ipynb"]
    for nb, p in zip((a, b), paths, strict=True):
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, p)
    return paths


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory):
    src = tmp_path_factory.mktemp("fixture_nbs")
    out = tmp_path_factory.mktemp("fixture_site")
    facts = site.build(_fixture(src), out, execute_them=True, jobs=1, timeout=120)
    return out, facts


def test_builder_writes_pages_index_and_facts(fixture_site):
    out, facts = fixture_site
    assert facts["pages"] == ["01_fixture_a.html", "02_fixture_b.html"]
    assert set(facts["seconds"]) == {"01_fixture_a", "02_fixture_b"} and facts["executed"] is True
    assert json.loads((out / "site.json").read_text())["profile"] == facts["profile"]
    assert (out / "_static" / "mathjax" / "MathJax.js").is_file()
    a, b = ((out / p).read_text() for p in facts["pages"])
    index = (out / "index.html").read_text()
    assert "01_fixture_a.html" in index and "02_fixture_b.html" in index and facts["profile"] in index
    # executed: the figure and the printed number are on the page
    assert "data:image/png;base64," in a and ">42" in a
    # previous / next navigation, and links rewritten from notebooks to pages
    assert _link(a, "next", "02_fixture_b.html") and not _link(a, "prev")
    assert _link(b, "prev", "01_fixture_a.html") and not _link(b, "next")
    assert 'href="02_fixture_b.html"' in a and 'href="index.html"' in a and ".ipynb" not in a.split("<main>")[1]
    assert 'href="01_fixture_a.html#01-' in b


def test_pages_load_nothing_from_a_network(fixture_site):
    out, facts = fixture_site
    for name in facts["pages"]:
        page = (out / name).read_text()
        loaded = re.findall(r'<(?:script|img|link|iframe)[^>]+(?:src|href)="(https?:)?//[^"]*"', page)
        assert not loaded, f"{name} loads {loaded} from a network"
        assert "cdn" not in " ".join(re.findall(r'<script[^>]*src="[^"]*"', page)).lower()


def test_rewrite_links_keeps_what_is_not_a_course_page():
    html = '<a href="notes.md">n</a> <a href="03_x.ipynb#s">x</a> <a href="https://a.b/c.ipynb">e</a>'
    out = site.rewrite_links(html, {"03_x"})
    assert out == '<a href="notes.md">n</a> <a href="03_x.html#s">x</a> <a href="https://a.b/c.ipynb">e</a>'


def test_builder_refuses_what_is_not_a_notebook(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a notebook"):
        site.build([tmp_path / "missing.ipynb"], tmp_path / "out", execute_them=False)
    with pytest.raises(ValueError, match="no notebooks"):
        site.build([], tmp_path / "out", execute_them=False)


def test_course_table_reads_every_notebook_row_of_the_readme():
    table = site.course_table(ROOT / "README.md")
    assert set(table) == {p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    assert all(row["quick"] and row["teaches"] for row in table.values())


def test_fixture_site_in_a_browser_offline(fixture_site):
    _need_browser()
    out, facts = fixture_site
    report = site.browser_check(out, facts["pages"] + ["index.html"])
    assert report["outside_requests"] == []
    a, b, index = (report["pages"][p] for p in facts["pages"] + ["index.html"])
    assert a["images"] == 1 and a["broken_images"] == []
    for page in (a, b):
        assert page["mathjax"] and page["formulas"] >= 1
        assert page["rendered_formulas"] == page["formulas"] and page["math_errors"] == []
        assert page["dead_links"] == []
    assert a["formulas"] == 2 and "https://keras.io" in a["links"]
    assert index["dead_links"] == [] and {"01_fixture_a.html", "02_fixture_b.html"} <= set(index["links"])


def test_real_quick_notebooks_in_a_browser_offline(tmp_path, monkeypatch):
    """Notebook 01, executed in the quick profile: figures, formulas, links, no network."""
    _need_browser()
    monkeypatch.setenv("COURSE_PROFILE", "quick")
    names = ["01_convolution_basics"]  # the one with figures; 02 adds 164 formulas but no new kind of check
    facts = site.build([ROOT / "notebooks" / f"{n}.ipynb" for n in names], tmp_path, jobs=2, timeout=600)
    assert facts["profile"] == "quick"
    shot = ARTIFACTS / "site-01_convolution_basics.png"
    report = site.browser_check(tmp_path, facts["pages"] + ["index.html"], screenshot=shot)
    assert report["outside_requests"] == []
    others = {f"{s}.html" for s in site.course_stems()} - set(facts["pages"])
    for name in facts["pages"]:
        page = report["pages"][name]
        stem = name.removesuffix(".html")
        assert page["images"] >= facts["figures"][stem], name  # every PNG output is on the page and loaded
        assert facts["figures"]["01_convolution_basics"] >= 5
        assert page["broken_images"] == [], name
        assert page["formulas"] > 10 and page["rendered_formulas"] == page["formulas"], name
        assert page["math_errors"] == [], (name, page["math_errors"][:3])
        assert set(page["dead_links"]) <= others, (name, page["dead_links"])
    assert shot.is_file() and shot.stat().st_size > 10_000
