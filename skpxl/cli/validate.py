"""``skpxl validate`` and ``skpxl extract``."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import click

from ..document import to_jsonable
from ..textfmt import count
from ..validate import validate
from .common import (PERIOD, build_executor, echo_json, executor_options, format_choice,
                     jobs_option, lang_option, progress_bar)
from .i18n import argument, command, option

_CSV_DANGER = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """Text that Excel opens as text, never as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_CSV_DANGER) else text


#: why a file was skipped (the JSON keeps the Indonesian text), for --lang en
_SKIP_EN = {"file kunci/sementara": "lock/temporary file", "bukan workbook": "not a workbook"}


#: the verdict of a file: valid, must be fixed, superseded by another file of its NIP;
#: then the tag of a file skipped (not a workbook, a lock file)
_HEADS = {"id": ("SAH  ", "SALAH", "GANTI", "LEWAT"), "en": ("OK   ", "FAIL ", "OLD  ", "SKIP ")}
#: the stage a file was checked as (the --stage values, as the reader says them)
_STAGES = {"id": {"plan": "perencanaan", "evaluation": "evaluasi"},
           "en": {"plan": "plan", "evaluation": "evaluation"}}


def _problems(errors: int, warnings: int, lang: str) -> str:
    """``2 kesalahan, 1 peringatan`` / ``2 errors, 1 warning``."""
    if lang == "en":
        return f"{count(errors, 'error', lang='en')}, {count(warnings, 'warning', lang='en')}"
    return f"{errors} kesalahan, {warnings} peringatan"


def render_table(report, lang: str) -> str:
    lines = []
    lang = "en" if lang == "en" else "id"
    heads, stages = _HEADS[lang], _STAGES[lang]
    for f in report.files:
        errors = sum(p.severity == "error" for p in f.issues)
        warnings = len(f.issues) - errors
        head = heads[2] if f.superseded_by else heads[0] if f.valid else heads[1]
        who = f" {f.nip or '?'}" + (f" {f.nama}" if f.nama else "")
        stage = f" [{stages.get(f.stage, f.stage)}]" if f.stage else ""
        shown = [p for p in f.issues if p.code == "skp.superseded"] if f.superseded_by \
            else f.issues
        lines.append(f"{head} {f.path}{who}{stage}" + (
            f"  ({_problems(errors, warnings, lang)})" if shown is f.issues and f.issues
            else ""))
        for p in shown:
            mark = "x" if p.severity == "error" else "!"
            where = f"{p.sheet}!{p.cell}" if p.sheet and p.cell else "-"
            lines.append(f"   {mark} {where:<22} {p.message(lang)}")
    for item in report.skipped:
        reason = _SKIP_EN.get(item["reason"], item["reason"]) if lang == "en" else item["reason"]
        lines.append(f"{heads[3]} {item['path']} ({reason})")
    s = report.stats()
    problems = _problems(s["errors"], s["warnings"], lang)
    if lang == "en":
        older = f", {s['superseded']} superseded by a newer file" if s["superseded"] else ""
        lines.append(f"{count(s['files'], 'file', lang='en')}: {s['valid']} valid, "
                     f"{s['invalid']} with errors{older} ({problems}); {s['skipped']} skipped.")
    else:
        older = f", {s['superseded']} digantikan file lain" if s["superseded"] else ""
        lines.append(f"{s['files']} file: {s['valid']} sah, {s['invalid']} perlu diperbaiki"
                     f"{older} ({problems}); {s['skipped']} dilewati.")
    return "\n".join(lines)


def render_copies(report, folder, lang: str) -> str:
    """The closing line of ``--annotate``: how many marked copies to send, where."""
    n, removed = len(report.annotated or []), len(report.removed)
    if lang == "en":
        line = (f"Marked copies to send back: {n} in {folder}" if n else
                f"No file needs sending back; {folder} holds no marked copy")
        return line + (f" ({count(removed, 'copy', 'copies', lang='en')} of an earlier run "
                       "removed)." if removed else ".")
    line = (f"Salinan bertanda untuk dikirim kembali: {n} file di {folder}" if n else
            f"Tidak ada file yang perlu dikirim kembali; {folder} tidak berisi salinan bertanda")
    return line + (f" ({removed} salinan dari pemeriksaan sebelumnya dihapus)." if removed
                   else ".")


def render_csv(report, lang: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["file", "nip", "period", "code", "severity", "sheet", "cell", "path",
                     "message", "value"])
    for f in report.files:
        for p in f.issues:
            d = p.to_dict(lang)
            writer.writerow([csv_safe(v) for v in (f.path, f.nip, f.period, d["code"],
                                                   d["severity"], d["sheet"], d["cell"],
                                                   d["path"], d["message"], d.get("value"))])
    return buffer.getvalue()


@command("validate", short_help="Periksa file SKP yang dikirim kembali.",
         short_help_en="Check returned SKP workbooks.", help_en="""Check returned SKP workbooks and say exactly which cells to fix.

    PATHS are files or folders (searched to the bottom; lock files and files that are not
    workbooks are skipped). Accepts .xlsx, .xlsm, .xls and .ods. Exit code 0 when every file
    is valid, 1 when some file has errors. The files checked are never changed.

    \b
    Example:
      skpxl validate kembali/ --period 2025-Q3 --roster pegawai.xlsx --annotate perbaikan/
    """)
@argument("paths", nargs=-1, required=True, type=click.Path(exists=True),
          metavar="FILE_ATAU_FOLDER...", metavar_en="PATHS...")
@option("--roster", type=click.Path(exists=True, dir_okay=False), metavar="FILE",
        help="Daftar pegawai: setiap NIP harus pegawai di daftar itu.",
        help_en="Roster: each NIP must be an employee of the roster.")
@option("--period", "-p", type=PERIOD,
        help="Periode yang diharapkan, misalnya 2025-Q3 atau 'TW III 2025'.",
        help_en="Expected period, e.g. 2025-Q3 or 'TW III 2025'.")
@option("--stage", type=click.Choice(["plan", "evaluation"]),
        help="Periksa sebagai tahap perencanaan (plan) atau evaluasi (evaluation); bawaan: "
             "ditentukan dari isi setiap file.",
        help_en="Check as the planning (plan) or evaluation stage; default: decided from each "
                "file's contents.")
@format_choice(("table", "json", "csv"),
               help="Keluaran: tabel untuk dibaca, JSON untuk program lain, atau CSV untuk "
                    "Excel.",
               help_en="Output: a readable table, JSON for scripts, or CSV for Excel.")
@option("--annotate", type=click.Path(file_okay=False, path_type=Path), metavar="FOLDER",
        help="Tulis salinan bertanda setiap file yang harus diperbaiki ke folder ini (salinan "
             "dari pemeriksaan sebelumnya yang tidak diperlukan lagi dihapus).",
        help_en="Write a marked-up copy of every file that must be fixed into this folder "
                "(copies of an earlier run that are no longer needed are removed).")
@lang_option
@jobs_option
@executor_options
def validate_cmd(paths, roster, period, stage, fmt, annotate, lang, jobs, executor, scheduler):
    """Periksa file SKP yang dikirim kembali dan sebutkan sel mana yang harus diperbaiki.

    FILE_ATAU_FOLDER: file atau folder (isi folder diperiksa sampai ke sub-foldernya; file
    kunci Excel dan file yang bukan workbook dilewati). Menerima .xlsx, .xlsm, .xls dan
    .ods. Kode keluar 0 bila semua file sah, 1 bila ada file yang salah. File yang diperiksa
    tidak pernah diubah.

    \b
    Contoh:
      skpxl validate kembali/ --period 2025-Q3 --roster pegawai.xlsx --annotate perbaikan/
    """
    with progress_bar("Checking" if lang == "en" else "Memeriksa", fmt == "table") as advance:
        report = validate(paths, roster=roster, period=period, stage=stage, lang=lang,
                          jobs=jobs, annotate=annotate, progress=advance,
                          executor=build_executor(executor, jobs, scheduler))
    if fmt == "json":
        echo_json(report.to_dict(lang))
    elif fmt == "csv":
        click.echo(render_csv(report, lang), nl=False)
    else:
        click.echo(render_table(report, lang))
        if annotate:
            click.echo(render_copies(report, annotate, lang))
    raise SystemExit(0 if report.valid else 1)


@command("extract", help_en="""Print the document read from one SKP workbook as JSON.

    The paths are those of 'skpxl template fields'. Values are normalised: text trimmed,
    rating and predikat spellings mapped to the canonical values, numbers as numbers, dates
    as YYYY-MM-DD.

    \b
    Example:
      skpxl extract kembali/199007072019031003_andi_2025-Q3.xlsx
    """)
@argument("file", type=click.Path(exists=True, dir_okay=False), metavar="FILE")
@format_choice(("json",), help="Keluaran: isi file sebagai JSON.",
               help_en="Output: the document as JSON.", default="json")
@lang_option
def extract_cmd(file, fmt, lang):
    """Tampilkan isi satu file SKP sebagai JSON.

    Path-nya sama dengan 'skpxl template fields'. Nilai dirapikan: spasi di tepi teks
    dibuang, ejaan rating dan predikat diubah ke nilai bakunya, angka sebagai angka, tanggal
    sebagai YYYY-MM-DD.

    \b
    Contoh:
      skpxl extract kembali/199007072019031003_andi_2025-Q3.xlsx
    """
    from ..extract import extract
    result = extract(file)
    echo_json({"path": str(file), "template": result.template.id if result.template else None,
               "document": to_jsonable(result.document),
               "warnings": [p.to_dict(lang) for p in result.problems]})
    raise SystemExit(0 if result.template else 1)
