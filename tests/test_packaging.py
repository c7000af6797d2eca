"""The wheel ships what skpxl needs: installed alone in a fresh venv, it lists and fills
its templates from any folder. And the README's quick start is what CI runs.

The wheel tests are slow (a wheel build and a full dependency install from the package
index); CI runs them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PERIOD = "2025-Q3"

#: never copied into the build folder: VCS data, caches and earlier build output
_IGNORE = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__",
                                 ".pytest_cache", ".hypothesis", ".benchmarks", "out", "*.pyc")


def run(command: list, *, cwd: Path, timeout: float = 900) -> subprocess.CompletedProcess:
    """Run outside the checkout, with nothing that could import skpxl from the source tree."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV")}
    done = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, (f"{' '.join(map(str, command))} exited {done.returncode}\n"
                                  f"{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
    return done


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    """A copy of the source tree to build from (the checkout itself stays untouched)."""
    copy = tmp_path_factory.mktemp("build") / "src"
    shutil.copytree(ROOT, copy, ignore=_IGNORE)
    return copy


@pytest.fixture(scope="module")
def wheel(source) -> Path:
    """The wheel built from :func:`source` the standard way (isolated PEP 517 build)."""
    dist = source.parent / "dist"
    run([sys.executable, "-m", "build", "--wheel", "--outdir", dist, source], cwd=source.parent)
    [built] = dist.glob("skpxl-*.whl")
    return built


@pytest.mark.slow
def test_wheel_contains_templates_and_schemas(wheel, source):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"skpxl/templates/{p.relative_to(source / 'templates').as_posix()}"
                for p in (source / "templates").rglob("*") if p.suffix in (".xlsx", ".json")}
    # earlier layouts, to read the workbooks generated with them
    assert any(name.startswith("skpxl/templates/archive/") for name in expected)
    expected |= {f"skpxl/schemas/{p.name}" for p in (source / "schemas").glob("*.json")}
    # the bundled samples, so that `pip install . && skpxl demo` runs on them
    expected |= {f"skpxl/samples/{p.name}" for p in (source / "samples").iterdir()
                 if p.suffix in (".csv", ".xlsx")}
    # the angka kredit data (percentages, coefficients, requirements with their sources)
    expected.add("skpxl/data/angka_kredit.toml")
    assert any(name.endswith(".xlsx") for name in expected)
    assert expected <= names, sorted(expected - names)
    assert "skpxl/cli/__init__.py" in names
    assert not [n for n in names if n.startswith(("tests/", "templates/", "schemas/",
                                                  "samples/"))]


@pytest.mark.slow
def test_installed_wheel_lists_templates_and_generates(wheel, source, tmp_path, roster_csv,
                                                       plans_csv):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / "python"
    # a normal install, dependencies from the index; only skipping .pyc compilation (a
    # minute of pandas byte-code nobody runs here)
    run([python, "-m", "pip", "install", "--quiet", "--no-compile", wheel], cwd=tmp_path)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = run([python, "-c", "import skpxl.resources as r; print(r.templates_dir())"],
                cwd=elsewhere).stdout.strip()
    assert Path(where).resolve().is_relative_to(env_dir.resolve()), where

    skpxl = bindir / "skpxl"
    listed = run([skpxl, "template", "list"], cwd=elsewhere).stdout
    for manifest in (source / "templates").glob("*.json"):
        assert manifest.stem in listed, listed

    outdir = tmp_path / "skp"
    run([skpxl, "generate", roster_csv, "--period", PERIOD, "-o", outdir, "--plans", plans_csv],
        cwd=elsewhere)
    books = sorted(outdir.rglob("*.xlsx"))
    with open(roster_csv, encoding="utf-8-sig") as handle:
        employees = sum(1 for line in handle if line.strip()) - 1
    assert len(books) == employees
    for book in books:
        assert book.name.endswith(f"_{PERIOD}.xlsx")
        assert zipfile.ZipFile(book).testzip() is None


def quick_start_commands() -> list[str]:
    """The shell commands of the README's "Quick start" section."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^## Quick start\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert section, "README.md has no '## Quick start' section"
    blocks = re.findall(r"^```(?:sh|bash|console)?\n(.*?)^```", section.group(1), re.S | re.M)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def test_readme_quick_start_installs_checks_demos_and_ci_runs_the_test_command():
    *first, tests = quick_start_commands()
    assert first == ["python -m pip install .", "skpxl doctor", "skpxl demo"]
    assert "pytest" in tests
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert tests in [line.strip() for line in ci], ".ci/run must run the README's test command"
