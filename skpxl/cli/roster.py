"""``skpxl roster``: commands about the unit roster (daftar pegawai)."""

from __future__ import annotations

from pathlib import Path

import click

from ..problems import ERROR, WARNING
from ..roster import Roster, read_roster
from ..textfmt import count
from .common import echo_json, format_option, group_lang_option, lang_option
from .i18n import Group, argument

roster = Group("roster", help="Daftar pegawai unit (roster): periksa sebelum membuat file SKP.",
               help_en="The unit's roster (daftar pegawai): check it before generating SKP "
                       "workbooks.", params=[], short_help="Periksa daftar pegawai (roster).",
               short_help_en="Check the roster (daftar pegawai).")
group_lang_option(roster)

_WORDS = {
    "id": {"row": "Baris", "file": "Berkas", ERROR: "KESALAHAN", WARNING: "PERINGATAN"},
    "en": {"row": "Row", "file": "File", ERROR: "ERROR", WARNING: "WARNING"},
}


def summary(employees: int, errors: int, warnings: int, lang: str = "id") -> str:
    """``520 pegawai, 0 kesalahan, 1 peringatan`` / ``520 employees, 0 errors, 1 warning``."""
    if lang == "en":
        return ", ".join([count(employees, "employee", lang="en"),
                          count(errors, "error", lang="en"), count(warnings, "warning", lang="en")])
    return f"{employees} pegawai, {errors} kesalahan, {warnings} peringatan"


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
    lines.append(summary(len(result.employees), errors, warnings, lang))
    return "\n".join(lines)


@roster.command("check", help_en="""Check a roster (CSV, XLSX, XLS or ODS) before generating SKP workbooks.

    Reports, row by row: NIPs Excel has corrupted (e.g. 1.98E+17), duplicate NIPs, missing
    columns, unknown kinds of jabatan, assessors missing from the roster, and assessment
    cycles. Exit code 0 without errors (warnings are fine), 1 with errors or when the file
    cannot be read, 2 on a usage error.

    \b
    Example:
      skpxl roster check pegawai.xlsx
      skpxl roster check pegawai.csv --format json --lang en
    """)
@click.pass_context
@argument("path", metavar="DAFTAR_PEGAWAI", metavar_en="ROSTER",
          type=click.Path(exists=True, dir_okay=False, path_type=Path))
@format_option
@lang_option
def check(ctx: click.Context, path: Path, fmt: str, lang: str) -> None:
    """Periksa daftar pegawai (CSV, XLSX, XLS atau ODS) sebelum membuat file SKP.

    Melaporkan, baris demi baris: NIP yang dirusak Excel (misalnya 1.98E+17), NIP ganda,
    kolom yang tidak ada, jenis jabatan yang tidak dikenal, pejabat penilai yang tidak ada
    di daftar, dan penilai yang saling menilai. Kode keluar 0 bila tidak ada kesalahan
    (peringatan boleh), 1 bila ada kesalahan atau file tidak bisa dibaca, 2 bila perintah
    salah ketik.

    \b
    Contoh:
      skpxl roster check pegawai.xlsx
      skpxl roster check pegawai.csv --format json --lang en
    """
    result = read_roster(path)   # an unreadable file: the group reports it, exit 1
    if fmt == "json":
        echo_json(result.to_dict(lang))
    else:
        click.echo(render_table(result, lang))
    ctx.exit(0 if result.ok else 1)
