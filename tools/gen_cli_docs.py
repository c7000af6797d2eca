#!/usr/bin/env python3
"""Write docs/cli.md and docs/perintah.md (every command's ``--help``, in English and in
Indonesian) and docs/problems.md (every problem code).

    python tools/gen_cli_docs.py           # regenerate both files
    python tools/gen_cli_docs.py --check   # exit 1 when a committed file is stale

Both files are generated, never edited by hand: ``tests/test_docs.py`` regenerates them in
memory and fails when the committed copies differ. The help text comes from running
``skpxl ... --help`` through click's test runner, which renders at a fixed width of 80
columns, so the output does not depend on the terminal.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path

import click
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
CLI_MD = ROOT / "docs" / "cli.md"
PERINTAH_MD = ROOT / "docs" / "perintah.md"
PROBLEMS_MD = ROOT / "docs" / "problems.md"
REGENERATE = "python tools/gen_cli_docs.py"


def walk(command: click.Command, path: tuple[str, ...] = ("skpxl",)):
    """``(path, command)`` for the group and every sub-command, depth first, in CLI order."""
    yield path, command
    if isinstance(command, click.Group):
        ctx = click.Context(command, info_name=path[-1])
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not getattr(sub, "hidden", False):
                yield from walk(sub, path + (name,))


def help_text(path: tuple[str, ...], lang: str = "en") -> str:
    """The ``--help`` output of one command in ``lang``, exactly as a user sees it (width
    80)."""
    from skpxl.cli import cli
    result = CliRunner().invoke(cli, [*path[1:], "--help", "--lang", lang], prog_name="skpxl",
                                env={"SKPXL_LANG": None})
    if result.exit_code != 0:
        raise RuntimeError(f"{' '.join(path)} --help failed: {result.output}")
    return result.output.rstrip() + "\n"


def _anchor(path: tuple[str, ...]) -> str:
    return "-".join(path)


#: the opening of each reference: English (docs/cli.md), Indonesian (docs/perintah.md)
HEADS = {
    "en": ["# skpxl command reference", "",
           f"Generated from `skpxl … --help --lang en` by `{REGENERATE}`; do not edit by hand",
           "(`tests/test_docs.py` fails when this file is stale). The same in Indonesian, the",
           "default language of skpxl: [perintah.md](perintah.md). Problem codes are listed in",
           "[problems.md](problems.md); the workflow is explained in the",
           "[README](../README.md) and, for HR officers, in [panduan.md](panduan.md).", "",
           "Exit codes of every command: **0** all good, **1** problems found in the inputs,",
           "**2** usage error (wrong option or argument), **3** skpxl could not do its job.", ""],
    "id": ["# Rujukan perintah skpxl", "",
           f"Dibuat dari `skpxl … --help` oleh `{REGENERATE}`; jangan diubah dengan tangan.",
           "Versi bahasa Inggris: [cli.md](cli.md). Kode masalah ada di",
           "[problems.md](problems.md); langkah kerja dijelaskan di [panduan.md](panduan.md).", "",
           "Kode keluar setiap perintah: **0** semua baik, **1** ada masalah pada file masukan,",
           "**2** perintah salah ketik (pilihan atau argumen salah), **3** skpxl tidak dapat",
           "menyelesaikan tugasnya.", ""],
}


def render_cli(lang: str = "en") -> str:
    """The whole of docs/cli.md (``en``) or docs/perintah.md (``id``)."""
    from skpxl.cli import cli
    commands = list(walk(cli))
    lines = list(HEADS[lang])
    for path, command in commands:
        indent = "  " * (len(path) - 1)
        lines.append(f"{indent}- [`{' '.join(path)}`](#{_anchor(path)})")
    for path, command in commands:
        lines += ["", f"## {' '.join(path)}", "", "```text", help_text(path, lang).rstrip(),
                  "```"]
    return "\n".join(lines) + "\n"


def load_catalog() -> dict:
    """The problem catalogue after importing every skpxl module (each declares its own)."""
    import skpxl
    from skpxl.problems import CATALOG
    for module in pkgutil.walk_packages(skpxl.__path__, "skpxl."):
        if module.name.endswith("__main__"):
            continue
        try:
            importlib.import_module(module.name)
        except ImportError:  # an optional backend (an extra) that is not installed
            continue
    return CATALOG


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace("\n", " ")


SECTIONS = {
    "nip": "NIP and NI PPPK", "roster": "Roster (daftar pegawai)", "plans": "Plans (rencana kerja)",
    "generate": "generate", "template": "Templates", "file": "Reading files",
    "structure": "Workbook structure (sheets, rows, defined names)",
    "schema": "validate: JSON Schema", "skp": "validate: SKP rules", "merge": "merge",
    "report": "merge: reports", "kurva": "merge: distribution curve",
    "ak": "angka-kredit (angka kredit papers)",
}


def render_problems() -> str:
    """The whole of docs/problems.md."""
    catalog = load_catalog()
    groups: dict[str, list] = {}
    for code in sorted(catalog):
        groups.setdefault(code.split(".", 1)[0], []).append(catalog[code])
    lines = ["# Problem codes", "",
             f"Generated from `skpxl.problems.CATALOG` by `{REGENERATE}`; do not edit by hand.",
             "",
             "Every problem skpxl finds in an input has a stable **code** (use it in scripts:",
             "`skpxl validate --format json` prints it in `issues[].code`), a **severity** and a",
             "message in Indonesian (default) and English (`--lang en`). `error` makes a file",
             "invalid (exit code 1); `warning` is shown but the file stays valid. `{name}` marks",
             "a value filled in from the file.", "",
             f"{len(catalog)} codes, after the rules behind them.", ""]
    from skpxl.problems import RULES
    if RULES:
        lines += ["## Rules behind the verdicts", ""]
        for order in sorted(RULES):
            title, text = RULES[order]
            lines += [f"### {title}", "", text.strip(), ""]
    for prefix in sorted(groups, key=lambda p: (list(SECTIONS).index(p) if p in SECTIONS
                                                else len(SECTIONS), p)):
        lines += [f"## {SECTIONS.get(prefix, prefix)}", "",
                  "| Code | Severity | Pesan (id) | Message (en) |", "|---|---|---|---|"]
        for ptype in groups[prefix]:
            lines.append(f"| `{ptype.code}` | {ptype.severity} | {_cell(ptype.id)} | "
                         f"{_cell(ptype.en)} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def outputs() -> dict[Path, str]:
    return {CLI_MD: render_cli("en"), PERINTAH_MD: render_cli("id"),
            PROBLEMS_MD: render_problems()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 when a committed file is stale")
    args = parser.parse_args(argv)
    stale = []
    for path, text in outputs().items():
        current = path.read_text("utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(path)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    for path in stale:
        verb = "stale" if args.check else "written"
        print(f"{path.relative_to(ROOT)}: {verb}")
    if not stale:
        print("docs/cli.md, docs/perintah.md and docs/problems.md are up to date.")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
