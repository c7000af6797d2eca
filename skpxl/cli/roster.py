"""``skpxl roster``: commands about the unit roster (daftar pegawai)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..problems import ERROR, WARNING
from ..roster import Roster, read_roster
from .common import format_option, lang_option

roster = click.Group("roster", help="The unit's roster (daftar pegawai): check it before "
                                    "generating SKP workbooks.")

_WORDS = {
    "id": {"row": "Baris", "file": "Berkas", ERROR: "KESALAHAN", WARNING: "PERINGATAN",
           "summary": "{n} pegawai, {e} kesalahan, {w} peringatan"},
    "en": {"row": "Row", "file": "File", ERROR: "ERROR", WARNING: "WARNING",
           "summary": "{n} employees, {e} errors, {w} warnings"},
}


def render_table(result: Roster, lang: str = "id") -> str:
    """Problems one per line, grouped by row, then the summary line."""
    words = _WORDS[lang]
    lines = []
    for problem in sorted(result.problems, key=lambda p: p.row or 0):
        where = f"{words['row']} {problem.row}" if problem.row else words["file"]
        lines.append(f"{where}: [{words.get(problem.severity, problem.severity)}] "
                     f"{problem.message(lang)}")
    errors = sum(p.severity == ERROR for p in result.problems)
    warnings = sum(p.severity == WARNING for p in result.problems)
    lines.append(words["summary"].format(n=len(result.employees), e=errors, w=warnings))
    return "\n".join(lines)


@roster.command("check")
@click.pass_context
@click.argument("path", metavar="ROSTER", type=click.Path(exists=True, dir_okay=False,
                                                         path_type=Path))
@format_option
@lang_option
def check(ctx: click.Context, path: Path, fmt: str, lang: str) -> None:
    """Check a roster (CSV, XLSX, XLS or ODS) before generating SKP workbooks.

    Reports, row by row and in Indonesian (--lang en for English): NIPs Excel corrupted
    (e.g. 1.98E+17), duplicate NIPs, missing columns, unknown jabatan kinds, assessors
    missing from the roster and assessment cycles. Exit code 0 without errors (warnings
    are fine), 1 with errors or when the file cannot be read, 2 usage error.

    Example:

    \b
        skpxl roster check pegawai.xlsx
        skpxl roster check pegawai.csv --format json --lang en
    """
    result = read_roster(path)   # an unreadable file: the group reports it, exit 1
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(lang), ensure_ascii=False, indent=2))
    else:
        click.echo(render_table(result, lang))
    ctx.exit(0 if result.ok else 1)
