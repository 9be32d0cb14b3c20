"""Build the course as a static site that works offline: ``make site``.

    python tools/site.py [--out DIR] [--no-execute] [--jobs N] [--timeout S] [NOTEBOOK ...]

Executes every notebook (default: all of ``notebooks/``) in the current profile
(``COURSE_PROFILE``, read by the notebooks themselves), renders one HTML page per
notebook with its outputs and figures, and writes an index page with the course
table (what each notebook teaches and its times, from the README), the profile the
site was built with and when. Every page has previous / index / next links.

Nothing is loaded from a network: figures are embedded in the pages (as nbconvert
does for outputs; images referenced from markdown too), MathJax is copied from the
``jupyter-server-mathjax`` package into ``DIR/_static/mathjax`` and loaded from
there, and nbconvert's require.js, widget and mermaid scripts (all from CDNs, none
used by the course) are left out. Links between notebooks become links between
pages; the link to the README becomes the index. ``--no-execute`` renders the
notebooks as stored (for tests of the builder). Writes ``DIR/site.json`` with the
build's facts (profile, time, seconds per notebook).
"""

from __future__ import annotations

import argparse
import html
import importlib.util
import json
import os
import re
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("nbtool", Path(__file__).with_name("nbtool.py"))
nbtool = importlib.util.module_from_spec(_spec)  # the notebook runner that `make refresh` uses
_spec.loader.exec_module(nbtool)
TEMPLATES = Path(__file__).resolve().parent / "site_template"
MATHJAX_URL = "_static/mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"
_HREF = re.compile(r'href="([^"#?:]+?)(\.ipynb|\.md)(#[^"]*)?"')


def mathjax_dir() -> Path:
    """The MathJax 2 files that ``jupyter-server-mathjax`` ships (MathJax.js, fonts, extensions)."""
    import jupyter_server_mathjax  # noqa: PLC0415

    folder = Path(jupyter_server_mathjax.__file__).parent / "static"
    if not (folder / "MathJax.js").is_file():
        raise FileNotFoundError(f"MathJax.js is missing from {folder}; reinstall jupyter-server-mathjax")
    return folder


def course_table(readme: Path) -> dict[str, dict[str, str]]:
    """The README's notebook table: notebook stem -> {number, quick, full, gpu, teaches}."""
    rows = {}
    for line in readme.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 7 or not re.fullmatch(r"\d\d", cells[0]):
            continue
        m = re.search(r"notebooks/(\w+)\.ipynb", cells[1])
        if m:
            rows[m.group(1)] = {"number": cells[0], "quick": cells[3], "full": cells[4], "gpu": cells[5],
                                "teaches": cells[6]}
    return rows


def title_of(nb) -> str:
    """The notebook's first markdown heading, without the leading #s."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return "untitled"


def execute(path: Path, timeout: int) -> tuple:
    """Run the notebook at ``path`` top to bottom in its folder (nbtool's runner); return (notebook, seconds)."""
    start = time.perf_counter()
    nb = nbtool.execute(nbformat.read(path, as_version=4), path.parent, timeout=timeout)
    return nb, time.perf_counter() - start


def course_stems() -> set[str]:
    """The names (without .ipynb) of the course's notebooks: each is a page of the full site."""
    return {p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}


def rewrite_links(page: str, pages: set[str]) -> str:
    """``X.ipynb`` -> ``X.html`` for notebooks on the site; ``../README.md`` (or README.md) -> index.html."""

    def swap(m: re.Match) -> str:
        stem, ext, anchor = Path(m.group(1)).name, m.group(2), m.group(3) or ""
        if ext == ".ipynb" and stem in pages:
            return f'href="{stem}.html{anchor}"'
        if ext == ".md" and stem == "README":
            return f'href="index.html{anchor}"'
        return m.group(0)

    return _HREF.sub(swap, page)


def _nav(stems: list[str], i: int, titles: dict[str, str], built: str, bottom: bool = False) -> str:
    prev = f'<a rel="prev" href="{stems[i - 1]}.html">&larr; {html.escape(titles[stems[i - 1]])}</a>' if i else "<span></span>"
    nxt = (f'<a rel="next" href="{stems[i + 1]}.html">{html.escape(titles[stems[i + 1]])} &rarr;</a>'
           if i + 1 < len(stems) else "<span></span>")
    middle = '<a href="index.html">Course index</a>' + ("" if bottom else f' <span class="built">{html.escape(built)}</span>')
    return f'<nav class="course-nav{" bottom" * bottom}">{prev}<span>{middle}</span>{nxt}</nav>'


def render_page(nb, stems: list[str], i: int, titles: dict[str, str], built: str) -> str:
    """One notebook as an HTML page (nbconvert's lab template, offline; see the module docstring)."""
    from nbconvert import HTMLExporter  # noqa: PLC0415

    exporter = HTMLExporter(template_name="course", extra_template_basedirs=[str(TEMPLATES)],
                            mathjax_url=MATHJAX_URL, embed_images=True)
    resources = {"course_nav": _nav(stems, i, titles, built), "course_nav_bottom": _nav(stems, i, titles, built, True),
                 "metadata": {"name": titles[stems[i]], "path": str(ROOT / "notebooks")}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return rewrite_links(body, set(stems) | course_stems())


def render_index(stems: list[str], titles: dict[str, str], table: dict, facts: dict) -> str:
    """The index page: the course table with each notebook's times, and how the site was built."""
    rows = []
    for stem in stems:
        row = table.get(stem, {})
        cells = [row.get("number", stem[:2]), f'<a href="{stem}.html">{html.escape(titles[stem])}</a>',
                 row.get("quick", ""), row.get("full", ""), row.get("gpu", ""),
                 f"{facts['seconds'][stem]:.0f} s" if stem in facts["seconds"] else "not executed",
                 row.get("teaches", "")]
        rows.append("<tr>" + "".join(f"<td>{c if k == 1 else html.escape(c).replace('`', '')}</td>"
                                     for k, c in enumerate(cells)) + "</tr>")
    head = ["#", "notebook", "quick, 2 CPU cores", "full, 2 CPU cores", "full, GPU",
            f"this build ({facts['profile']})", "what it teaches"]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>ConvNets for image processing: the course</title>
<style>
body {{ font: 16px/1.5 sans-serif; max-width: 1200px; margin: 2em auto; padding: 0 1em; color: #222; }}
table {{ border-collapse: collapse; width: 100%; }} th, td {{ border: 1px solid #ccc; padding: 0.4em 0.6em;
vertical-align: top; text-align: left; }} th {{ background: #f3f3f3; }} td:nth-child(n+3):nth-child(-n+6) {{ white-space: nowrap; }}
.built {{ color: #555; }}
</style></head>
<body>
<h1>ConvNets for image processing</h1>
<p>Executable Keras notebooks on convolutional networks, rendered with the outputs of one run.
Every number on these pages was printed by code that ran.</p>
<p class="built">Built {html.escape(facts['built'])} in the <b>{html.escape(facts['profile'])}</b> profile
({'outputs as stored, not executed' if not facts['executed'] else 'every notebook executed for this build'}).
Times in the first columns are the README's reference runs; the column "this build" is how long each notebook
took to execute for these pages; a * marks a reference run while other jobs shared the cores.</p>
<table><thead><tr>{''.join(f'<th>{h}</th>' for h in head)}</tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
</body></html>
"""


def build(notebooks: list[Path], out: Path, execute_them: bool = True, jobs: int = 2, timeout: int = 3600) -> dict:
    """Write the site into ``out``; return its facts (also written to ``out/site.json``)."""
    notebooks = sorted(Path(p).resolve() for p in notebooks)
    if not notebooks:
        raise ValueError("no notebooks to build")
    for p in notebooks:
        if p.suffix != ".ipynb" or not p.is_file():
            raise FileNotFoundError(f"not a notebook file: {p}")
    profile = os.environ.get("COURSE_PROFILE", "full") or "full"
    stems = [p.stem for p in notebooks]
    seconds, nbs = {}, {}
    if execute_them:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:  # each notebook runs in its own kernel process
            futures = {p.stem: pool.submit(execute, p, timeout) for p in notebooks}
            for stem, fut in futures.items():
                nbs[stem], seconds[stem] = fut.result()
                print(f"site: executed {stem} in {seconds[stem]:.0f} s", flush=True)
    else:
        nbs = {p.stem: nbformat.read(p, as_version=4) for p in notebooks}
    built = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    label = f"built {built}, profile {profile}"
    titles = {s: title_of(nbs[s]) for s in stems}
    out.mkdir(parents=True, exist_ok=True)
    shutil.copytree(mathjax_dir(), out / "_static" / "mathjax", dirs_exist_ok=True)
    for i, stem in enumerate(stems):
        (out / f"{stem}.html").write_text(render_page(nbs[stem], stems, i, titles, label), encoding="utf-8")
    figures = {s: sum("image/png" in o.get("data", {}) for c in nbs[s].cells for o in c.get("outputs", []))
               for s in stems}
    facts = {"built": built, "profile": profile, "executed": execute_them, "pages": [f"{s}.html" for s in stems],
             "seconds": seconds, "titles": titles, "figures": figures}
    (out / "index.html").write_text(render_index(stems, titles, course_table(ROOT / "README.md"), facts),
                                    encoding="utf-8")
    (out / "site.json").write_text(json.dumps(facts, indent=1) + "\n", encoding="utf-8")
    print(f"site: {len(stems)} pages and index.html in {out} (profile {profile})")
    return facts


_PAGE_FACTS = """() => {
  const imgs = [...document.images];
  return {
    images: imgs.length,
    broken_images: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src.slice(0, 80)),
    formulas: document.querySelectorAll('script[type^="math/tex"]').length,
    rendered_formulas: document.querySelectorAll('[id^="MathJax-Element-"][id$="-Frame"]').length,
    math_errors: [...document.querySelectorAll('.MathJax_Error, [class*="merror"]')].map(e => e.textContent.slice(0, 80)),
    raw_dollars: (document.querySelector('main') || document.body).innerText.split('$$').length - 1,
    links: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href')),
    title: document.title,
  };
}"""


def browser_check(site: Path, pages: list[str], screenshot: Path | None = None, timeout_s: float = 60) -> dict:
    """Open ``pages`` of ``site`` in headless Chromium with the network blocked; return what each showed.

    For each page: the number of images and those that did not load, the TeX formulas
    found and rendered by MathJax, MathJax errors, the links, and every request that
    tried to leave the site (all blocked). Raises FileNotFoundError when Chromium is
    missing (Debian: ``apt-get install chromium``).
    """
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if exe is None:
        raise FileNotFoundError("no Chromium on PATH: install Debian's chromium package (apt-get install chromium)")
    site = site.resolve()
    report = {"browser": None, "outside_requests": [], "pages": {}}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=["--no-sandbox", "--host-resolver-rules=MAP * ~NOTFOUND"])
        report["browser"] = f"Chromium {browser.version}"
        context = browser.new_context(viewport={"width": 1280, "height": 900}, offline=True)

        def route(r):
            if r.request.url.startswith("file://") or r.request.url.startswith("data:"):
                r.continue_()
            else:
                report["outside_requests"].append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page = context.new_page()
        for name in pages:
            page.goto((site / name).as_uri(), wait_until="load")
            if page.evaluate("!!window.MathJax"):
                page.wait_for_selector("body[data-math=done]", state="attached", timeout=timeout_s * 1000)
            facts = page.evaluate(_PAGE_FACTS)
            facts["mathjax"] = page.evaluate("!!window.MathJax")
            facts["dead_links"] = sorted({h for h in facts["links"] if _dead(site, name, h)})
            report["pages"][name] = facts
            if screenshot is not None and name == pages[0]:
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                if facts["images"]:  # show a figure with the text around it, not only the title
                    page.evaluate("document.images[0].scrollIntoView({block: 'center'})")
                page.screenshot(path=str(screenshot))
        browser.close()
    return report


def _dead(site: Path, page: str, href: str) -> bool:
    """True when a relative link of ``page`` points at no file of the site (or at a missing anchor's page)."""
    if re.match(r"[a-z][a-z0-9+.-]*:", href) or href.startswith("#"):
        return False  # http(s), mailto: not fetched; in-page anchors are checked by the browser's scroll
    target = (site / page).parent / href.split("#")[0]
    return not target.is_file()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("notebooks", nargs="*", type=Path, help="default: every notebooks/*.ipynb")
    ap.add_argument("--out", type=Path, default=Path(os.environ.get("SITE_DIR") or ROOT / "site"))
    ap.add_argument("--no-execute", action="store_true", help="render the notebooks as stored")
    ap.add_argument("--jobs", type=int, default=2, help="notebooks executed at once (default 2)")
    ap.add_argument("--timeout", type=int, default=3600, help="seconds allowed per cell (default 3600)")
    args = ap.parse_args(argv)
    if args.jobs < 1:
        ap.error(f"--jobs must be at least 1, got {args.jobs}")
    notebooks = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    start = time.perf_counter()
    build(notebooks, args.out, execute_them=not args.no_execute, jobs=args.jobs, timeout=args.timeout)
    print(f"site: done in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
