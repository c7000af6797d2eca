#!/usr/bin/env python3
"""Run the commands that README.md and docs/panduan.md show, from a fresh install, and
bring their outputs (and the measured demo times) up to date.

    python tools/doc_outputs.py            # fresh venv, install, run, rewrite what changed
    python tools/doc_outputs.py --check    # the same, but only report; exit 1 when stale
    python tools/doc_outputs.py --python .venv/bin/python   # skip the fresh install

A fresh virtual environment gets skpxl installed from a copy of this working tree with
``pip install`` (dependencies from the package index, the C accelerator compiled when a
compiler is there), as a new user would. In a scratch folder holding a copy of
``samples/`` (the documents' commands name ``samples/...``), every ```` ```text ```` block
line that starts with ``$ `` is run in document order (README first: its walk-through
starts with ``skpxl demo``), stdout and stderr together as a terminal shows them. The lines
under it are compared with what was printed: a line ``…`` stands for lines left out, a line
ending in ``…`` for a line cut short; seconds in a ``detik``/``seconds`` line may differ.
A ``$ cat FILE`` block is an input: FILE is written with the lines shown. A command whose
inputs are not there (a template edited by hand, say) is reported as not run.

Measured figures live between ``<!-- measured:KEY -->`` and ``<!-- /measured -->`` and are
rewritten from this run: ``demo`` and ``demoyear`` (the time of ``skpxl demo`` and of
``skpxl demo --year`` on this machine as it is, and with every core kept busy by another
process) and ``doctor`` (the output of ``skpxl doctor``).
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", ROOT / "docs" / "panduan.md"]
BLOCK = re.compile(r"^```text\n(.*?)^```", re.S | re.M)
MEASURED = re.compile(r"(<!-- measured:(\w+) -->)(.*?)(<!-- /measured -->)", re.S)
SECONDS = re.compile(r"\b(detik|seconds?|s)\b")


def fresh_install(scratch: Path) -> Path:
    """A new venv in ``scratch`` with skpxl installed from a copy of this tree; its bin."""
    source = scratch / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "*.egg-info", "__pycache__", "*.so", "*.pyd",
        "skpxl-demo"))
    venv = scratch / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(source)], check=True)
    return python.parent


def run(command: str, cwd: Path, bindir: Path, *, code: bool = False):
    """The lines ``command`` printed (stdout and stderr as a terminal interleaves them), and
    its exit code with ``code``."""
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}",
           "COLUMNS": "100", "SKPXL_LANG": ""}
    done = subprocess.run(command, shell=True, cwd=cwd, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, encoding="utf-8", timeout=1800)
    lines = done.stdout.rstrip("\n").splitlines()
    return (lines, done.returncode) if code else lines


def _pattern(expected: list[str]) -> re.Pattern:
    parts = []
    for line in expected:
        if line.strip() == "…":
            parts.append(r"(?:[^\n]*\n)*?")
            continue
        cut = line.endswith("…")
        text = re.escape(line[:-1] if cut else line)
        if SECONDS.search(line):
            text = re.sub(r"\d+", r"\\d+", text)
        parts.append(text + (r"[^\n]*" if cut else "") + r"\n")
    return re.compile("".join(parts))


def matches(expected: list[str], actual: list[str]) -> bool:
    return _pattern(expected).fullmatch("\n".join(actual) + "\n") is not None


def _printed(line: str, actual: list[str]) -> bool:
    """Whether ``line`` of a document (maybe cut short with ``…``) is among ``actual``."""
    if line.endswith("…"):
        return any(a.startswith(line[:-1]) for a in actual)
    return line in actual


def refreshed(expected: list[str], actual: list[str]) -> tuple[list[str], list[str]]:
    """``expected`` with each line that is no longer printed replaced by the printed line
    most like it (cut the same way); and the lines no printed line resembles."""
    out, lost = [], []
    for line in expected:
        if line.strip() == "…" or _printed(line, actual):
            out.append(line)
            continue
        close = difflib.get_close_matches(line.rstrip("…"), actual, n=1, cutoff=0.6)
        if not close:
            out.append(line)
            lost.append(line)
        elif line.endswith("…"):
            out.append(close[0][:len(line) - 1].rstrip() + "…")
        else:
            out.append(close[0])
    return out, lost


def _timed(line: str, actual: list[str]) -> str:
    """A line that tells seconds, as this run printed it (the others as they are)."""
    if line.strip() == "…" or line.endswith("…") or not SECONDS.search(line):
        return line
    pattern = _pattern([line])
    return next((a for a in actual if pattern.fullmatch(a + "\n")), line)


def sessions(text: str):
    """(block start, block end, [(command, expected lines)]) of each ```text block."""
    generated = [m.span() for m in MEASURED.finditer(text)]
    for block in BLOCK.finditer(text):
        if any(a <= block.start() < b for a, b in generated):
            continue   # a measured block (see _figure), rewritten whole
        runs, current = [], None
        for line in block.group(1).splitlines():
            if line.startswith("$ "):
                current = (line[2:], [])
                runs.append(current)
            elif current is not None:
                current[1].append(line)
        if runs:
            yield block.start(1), block.end(1), runs


def measure_demo(cwd: Path, bindir: Path, extra: str = "") -> str:
    """The demo's time here as the machine is (with its load average then), and with every
    core kept busy by another process. ``extra``: more arguments (``--year``)."""
    def timed(folder: str) -> float:
        folder += "-tahun" if extra else ""
        start = time.perf_counter()
        run(f"skpxl demo {folder} {extra}".strip(), cwd, bindir)
        return time.perf_counter() - start
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    quiet = timed("demo-tenang")
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
            for _ in range(os.cpu_count() or 1)]
    try:
        busy = timed("demo-sibuk")
    finally:
        for hog in hogs:
            hog.kill()
    return f"{quiet:.0f}|{busy:.0f}|{os.cpu_count()}|{load:.1f}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="report only; exit 1 when stale")
    parser.add_argument("--python", help="use this interpreter's skpxl (no fresh install)")
    args = parser.parse_args(argv)
    stale = False
    with tempfile.TemporaryDirectory(prefix="skpxl-docs-") as name:
        scratch = Path(name)
        bindir = Path(args.python).resolve().parent if args.python else fresh_install(scratch)
        base = scratch / "ukur"
        base.mkdir()
        shutil.copytree(ROOT / "samples", base / "samples")
        figures = {"demo": measure_demo(base, bindir),
                   "demoyear": measure_demo(base, bindir, "--year"),
                   "doctor": "\n".join(["```text", "$ skpxl doctor",
                                        *run("skpxl doctor", base, bindir), "```"])}
        for doc in DOCS:
            work = scratch / doc.stem   # each document's commands in a folder of their own
            work.mkdir()
            shutil.copytree(ROOT / "samples", work / "samples")
            text = doc.read_text("utf-8")
            pieces, last = [], 0
            for start, end, runs in sessions(text):
                lines = []
                for command, expected in runs:
                    lines.append(f"$ {command}")
                    if command.startswith("cat "):
                        (work / command[4:].strip()).write_text(
                            "\n".join(expected) + "\n", encoding="utf-8")
                        lines += expected
                        continue
                    if "skpxl-demo/" in command and not (work / "skpxl-demo").exists():
                        run("skpxl demo", work, bindir)   # the walk-through starts there
                    actual, code = run(command, work, bindir, code=True)
                    if code == 2 and any("tidak ditemukan" in line for line in actual):
                        print(f"{doc.relative_to(ROOT)}: $ {command}: not run, its inputs "
                              "are not here (made by hand)")
                        lines += expected
                        continue
                    if matches(expected, actual):
                        lines += [_timed(line, actual) for line in expected]
                        continue
                    stale = True
                    new, lost = refreshed(expected, actual)
                    print(f"{doc.relative_to(ROOT)}: $ {command}: output changed"
                          + (f"; no longer printed: {lost}" if lost else ""))
                    lines += new
                pieces += [text[last:start], "\n".join(lines) + "\n"]
                last = end
            pieces.append(text[last:])
            new_text = MEASURED.sub(lambda m: m.group(1) + _figure(m.group(2), figures,
                                                                   m.group(3)) + m.group(4),
                                    "".join(pieces))
            if new_text != text:
                stale = True
                if not args.check:
                    doc.write_text(new_text, encoding="utf-8")
                    print(f"{doc.relative_to(ROOT)}: written")
    print("stale" if stale else "up to date")
    return 1 if args.check and stale else 0


def _figure(key: str, figures: dict, old: str) -> str:
    """The text between a ``measured:KEY`` marker pair, from this run's figures."""
    if key == "doctor":
        return "\n" + figures["doctor"] + "\n"
    quiet, busy, cores, load = figures["demo" if key == "demo" else "demoyear"].split("|")
    if key == "demoyear":
        if "detik" in old:
            return (f"sekitar {quiet} detik (komputer uji {cores} inti), sampai {busy} detik "
                    "bila semua inti prosesornya sedang sibuk")
        return (f"about {quiet} s on a {cores}-core machine (load average {load} when "
                f"measured) and about {busy} s with every core also kept busy by other work")
    if "detik" in old:
        return (f"sekitar {quiet} detik (diukur di komputer uji {cores} inti yang juga "
                f"menjalankan pekerjaan lain), sampai {busy} detik bila semua inti prosesornya "
                "sedang sibuk")
    return (f"about {quiet} s on a {cores}-core machine (load average {load} when measured) "
            f"and about {busy} s with every core also kept busy by other work")


if __name__ == "__main__":
    sys.exit(main())
