"""Repository-level checks: notebook format, README index, CI files."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
MAX_NOTEBOOK_BYTES = 100_000
PLANNED = [
    "01_convolution_basics",
    "02_sizing_and_parameters",
    "03_global_max_pooling",
    "04_imdb_1d_convnet",
    "05_transfer_learning_mobilenet",
    "06_building_blocks",
    "07_architectures",
    "08_training_deep_networks",
    "09_visualizing_convnets",
    "10_generating_images_and_adversarial",
    "11_deep_dream",
    "12_feature_inversion",
    "13_style_transfer",
    "14_gans",
    "15_beyond_classification",
]


def test_notebook_names_follow_the_plan():
    assert NOTEBOOKS, "no notebooks found"
    for nb in NOTEBOOKS:
        assert nb.stem in PLANNED, f"{nb.name} is not one of the planned notebook names"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_format(path):
    assert path.stat().st_size < MAX_NOTEBOOK_BYTES, f"{path.name} is over {MAX_NOTEBOOK_BYTES} bytes"
    nb = json.loads(path.read_text())
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    cells = nb["cells"]
    assert cells[0]["cell_type"] == "markdown" and "".join(cells[0]["source"]).startswith("# ")
    code = [c for c in cells if c["cell_type"] == "code"]
    assert "course_utils.setup(" in "".join(code[0]["source"]), "first code cell must call course_utils.setup()"
    checked = 0
    for c in code:
        src = "".join(c["source"])
        if "NBVAL_CHECK_OUTPUT" in src:
            checked += 1
            assert c.get("execution_count") == checked, "checked cells are numbered 1, 2, ... (tools/nbtool.py)"
            assert c["outputs"], f"checked cell without stored output: {src[:60]!r}"
            for o in c["outputs"]:
                assert o.get("name") != "stderr"
                assert not any(k.startswith("image/") for k in o.get("data", {})), "stored figure"
        else:
            assert c.get("execution_count") is None, f"stored execution count in: {src[:60]!r}"
            assert not c["outputs"], f"output stored in an unchecked cell: {src[:60]!r}"
        assert "clear_output" not in src
        assert "K.gradients" not in src and "tf.compat.v1" not in src and "tf.Session" not in src
    assert checked >= 1, "a notebook must check at least one deterministic fact"


def test_readme_indexes_every_notebook():
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make lab" in readme
    existing = {nb.stem for nb in NOTEBOOKS}
    for name in PLANNED:
        row = next((ln for ln in readme.splitlines() if ln.startswith("|") and name in ln), None)
        assert row, f"README's notebook index lacks {name}"
        if name in existing:
            assert f"notebooks/{name}.ipynb" in row and "available" in row, row
        else:
            assert "planned" in row, row


def test_ci_script_uses_readme_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "COURSE_PROFILE=quick" in ci and "COURSE_DATA_DIR" in ci and "make test" in ci
    assert re.search(r"mktemp -d", ci), "CI must install into a fresh virtual environment"


def test_github_workflow_is_valid():
    wf = ROOT / ".github" / "workflows" / "notebooks.yml"
    res = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(wf)],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stdout + res.stderr
    text = wf.read_text()
    assert "self-hosted" in text and "COURSE_PROFILE: full" in text and "COURSE_PROFILE: quick" in text


def test_workflow_schema_check_can_fail(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("name: x\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: 3\n")
    res = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(bad)],
        capture_output=True,
    )
    assert res.returncode != 0


MAX_MODULE_LINES = 600


def test_package_modules_stay_small():
    """One job per module: none of course_utils' modules grows past 600 lines."""
    modules = sorted((ROOT / "course_utils").rglob("*.py"))
    assert len(modules) >= 10
    for module in modules:
        n = len(module.read_text().splitlines())
        assert n <= MAX_MODULE_LINES, f"{module.relative_to(ROOT)} has {n} lines; split it by concern"


def test_notebooks_are_linted():
    """ruff reads the notebooks (pyproject) and `make lint` passes them to it."""
    pyproject = (ROOT / "pyproject.toml").read_text()
    exclude = next(line for line in pyproject.splitlines() if line.startswith("extend-exclude"))
    assert '"*.ipynb"' in pyproject and "notebooks" not in exclude
    lint_rule = (ROOT / "Makefile").read_text().split("\nlint:")[1].split("\n\n")[0]
    assert "ruff check" in lint_rule and "notebooks" in lint_rule and "install" not in lint_rule.split("\n")[0]


# ---- what a reader meets: headings, links, stale "planned" ------------------------------
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_NOT_YET = re.compile(r"\(planned\)|being written|not written yet")


def _markdown_cells(path):
    return ["".join(c["source"]) for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "markdown"]


def _headings_inside(text):
    """`##` headings that do not open their markdown cell."""
    return [line for line in text.splitlines()[1:] if line.startswith("## ")]


def _dead_links(text, base):
    """Relative link targets in `text` that name no file under `base` (web links and anchors skipped)."""
    targets = (m.group(1).split("#")[0] for m in _LINK.finditer(text))
    return [t for t in targets if t and not t.startswith(("http://", "https://", "mailto:")) and not (base / t).exists()]


def _stale_mentions(text, existing):
    """Existing notebooks named as planned / being written / not written yet (within 150 characters before)."""
    found = []
    for m in _NOT_YET.finditer(text):
        before = text[max(0, m.start() - 150) : m.start()]
        last_line = before.rsplit("\n", 1)[-1]
        found += [name for name in existing if name in last_line or f"{name[:2]} ·" in last_line]
    return found


def test_reader_checks_can_fail(tmp_path):
    (tmp_path / "a.ipynb").write_text("{}")
    assert _headings_inside("intro\n\n## 2. Next") == ["## 2. Next"] and not _headings_inside("## 1. Here\ntext")
    assert _dead_links("[a](a.ipynb) [b](b.ipynb#x) [w](https://x.org) [s](#top)", tmp_path) == ["b.ipynb"]
    assert _stale_mentions("Next: 14_gans (planned) and 16 later", ["14_gans"]) == ["14_gans"]
    assert _stale_mentions("Next: [14 · GANs](14_gans.ipynb).\nLater: 16 (planned)", ["14_gans"]) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_headings_links_and_mentions(path):
    existing = [nb.stem for nb in NOTEBOOKS]
    for text in _markdown_cells(path):
        assert not _headings_inside(text), f"{path.name}: a ## heading inside a cell: {_headings_inside(text)}"
        assert not _dead_links(text, path.parent), f"{path.name}: dead links {_dead_links(text, path.parent)}"
        assert not _stale_mentions(text, existing), f"{path.name}: existing notebooks called not written yet"


def test_readme_links_resolve():
    readme = (ROOT / "README.md").read_text()
    assert not _dead_links(readme, ROOT), _dead_links(readme, ROOT)


# ---- the classroom JupyterLab ----------------------------------------------------------
def _setting_problems(overrides: dict, schemas: Path) -> list[str]:
    """Keys of a JupyterLab overrides.json that the installed schemas do not know or allow."""
    problems = []
    for plugin, settings in overrides.items():
        package, _, name = plugin.partition(":")
        schema_file = schemas / package / f"{name}.json"
        if not schema_file.is_file():
            problems.append(f"{plugin}: no schema {schema_file}")
            continue
        properties = json.loads(schema_file.read_text())["properties"]
        for key, value in settings.items():
            spec = properties.get(key)
            if spec is None:
                problems.append(f"{plugin}: unknown setting {key!r}")
            elif "oneOf" in spec and value not in [option.get("const") for option in spec["oneOf"]]:
                problems.append(f"{plugin}: {key}={value!r} is not one of the allowed values")
            elif spec.get("type") == "boolean" and not isinstance(value, bool):
                problems.append(f"{plugin}: {key}={value!r} is not a boolean")
    return problems


def test_jupyterlab_overrides_silence_the_news():
    overrides = json.loads((ROOT / "tools" / "jupyterlab-overrides.json").read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    schemas = Path(sys.prefix) / "share" / "jupyter" / "lab" / "schemas"
    if not schemas.is_dir():
        pytest.skip(f"JupyterLab's schemas are not installed at {schemas}")
    assert _setting_problems(overrides, schemas) == []
    bad = {"@jupyterlab/apputils-extension:notification": {"fetchNews": "no", "nonsense": 1}}
    assert len(_setting_problems(bad, schemas)) == 2  # the check can fail
    makefile = (ROOT / "Makefile").read_text()
    lab_rule = makefile.split("\nlab:")[1].split("\n\n")[0]
    assert "$(LAB_OVERRIDES)" in lab_rule.split("\n")[0] and "get_profile" in lab_rule
    assert "LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json" in makefile


# ---- every pinned package is used ------------------------------------------------------
#: requirement -> how the project uses it: text looked for in the code, Makefile and
#: pyproject (an import or a command), or ("required by", package) for a pin that fixes
#: the version of another pinned package's dependency
_USES = {
    "tensorflow": "import tensorflow", "keras": "import keras", "numpy": "import numpy",
    "scipy": ("required by", "scikit-image"), "matplotlib": "matplotlib", "scikit-image": "skimage",
    "scikit-learn": "sklearn", "pillow": "PIL", "h5py": ("required by", "keras"),
    "tqdm": "tqdm", "jupyterlab": "jupyter lab", "ipykernel": "python3", "nbformat": "nbformat",
    "nbclient": "nbclient", "pytest": "pytest", "nbval": "nbval", "pytest-xdist": "--dist loadfile", "hypothesis": "hypothesis",
    "check-jsonschema": "check_jsonschema", "ruff": "ruff", "nbconvert": "from nbconvert",
    "jupyter-server-mathjax": "import jupyter_server_mathjax", "playwright": "playwright.sync_api",
}  # fmt: skip


def _required_by(package: str) -> set[str]:
    """The names of ``package``'s installed non-optional requirements."""
    from importlib.metadata import requires  # noqa: PLC0415

    return {re.split(r"[ <>=!~;\[]", r, maxsplit=1)[0].lower() for r in requires(package) or [] if "extra ==" not in r}


def test_every_pinned_package_is_used():
    pins = [line.split("==")[0] for line in (ROOT / "requirements.txt").read_text().splitlines()
            if line and not line.startswith("#")]
    assert set(pins) == set(_USES), f"add a use (or remove the pin): {set(pins) ^ set(_USES)}"
    sources = [ROOT / "Makefile", ROOT / "pyproject.toml"]
    for folder in ("course_utils", "tests", "tools", "notebooks"):
        sources += sorted((ROOT / folder).rglob("*.py")) + sorted((ROOT / folder).glob("*.ipynb"))
    text = "\n".join(p.read_text() for p in sources if p.name != "test_repository.py")
    text += (ROOT / "tests" / "test_repository.py").read_text().split("# ---- every pinned package")[0]
    unused = [pin for pin, use in _USES.items()
              if (use not in text if isinstance(use, str) else pin not in _required_by(use[1]))]
    assert not unused, f"pinned in requirements.txt but used nowhere: {unused}"


# ---- figures that read on a projector ----------------------------------------------------
_FIGSIZE = re.compile(r"(?:figsize=\(|set_size_inches\()\s*([^,]+),")


def _too_wide(code: str, limit: float = 13.0) -> list[str]:
    """figsize widths in ``code`` that are literals over ``limit`` or computed without min(13, ...)."""
    found = []
    for m in _FIGSIZE.finditer(code):
        width = m.group(1).strip()
        try:
            if float(width) > limit:
                found.append(width)
        except ValueError:
            if not width.startswith(("min(13", "min(viz.MAX_WIDTH", "min(MAX_WIDTH")):
                found.append(width)
    return found


def test_figure_width_check_can_fail():
    assert _too_wide("plt.subplots(1, 2, figsize=(27, 4))") == ["27"]
    assert _too_wide("plt.figure(figsize=(2 * n, 3))") == ["2 * n"]
    assert _too_wide("fig.set_size_inches(16, 6.5)") == ["16"]
    assert _too_wide("figsize=(13, 4.5)) figsize=(min(13, 2.6 * k), 3)") == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_figures_at_most_13_inches_wide(path):
    cells = json.loads(path.read_text())["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    assert not _too_wide(code), f"{path.name}: figure widths over 13 in or unclamped: {_too_wide(code)}"


_TRY_THIS = "**Try this.**"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_at_least_two_try_this_prompts(path):
    prompts = sum(text.count(_TRY_THIS) for text in _markdown_cells(path))
    assert prompts >= 2, f"{path.name}: {prompts} '{_TRY_THIS}' prompts, the course asks for at least two"
