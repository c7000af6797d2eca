"""``skpxl validate`` and ``skpxl extract``."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import click

from ..document import to_jsonable
from ..validate import validate
from .common import (PERIOD, build_executor, echo_json, executor_options, format_choice,
                     jobs_option, lang_option, progress_bar)

_CSV_DANGER = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """Text that Excel opens as text, never as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_CSV_DANGER) else text


#: why a file was skipped (the JSON keeps the Indonesian text), for --lang en
_SKIP_EN = {"file kunci/sementara": "lock/temporary file", "bukan workbook": "not a workbook"}


#: the verdict of a file: valid, must be fixed, superseded by another file of its NIP
_HEADS = {"id": ("SAH  ", "SALAH", "GANTI"), "en": ("OK   ", "FAIL ", "OLD  ")}


def render_table(report, lang: str) -> str:
    lines = []
    heads = _HEADS["en" if lang == "en" else "id"]
    for f in report.files:
        errors = sum(p.severity == "error" for p in f.issues)
        warnings = len(f.issues) - errors
        head = heads[2] if f.superseded_by else heads[0] if f.valid else heads[1]
        who = f" {f.nip or '?'}" + (f" {f.nama}" if f.nama else "")
        stage = f" [{f.stage}]" if f.stage else ""
        counts = (f"  ({errors} errors, {warnings} warnings)" if lang == "en" else
                  f"  ({errors} kesalahan, {warnings} peringatan)")
        shown = [p for p in f.issues if p.code == "skp.superseded"] if f.superseded_by \
            else f.issues
        lines.append(f"{head} {f.path}{who}{stage}" + (counts if shown is f.issues and
                                                         f.issues else ""))
        for p in shown:
            mark = "x" if p.severity == "error" else "!"
            where = f"{p.sheet}!{p.cell}" if p.sheet and p.cell else "-"
            lines.append(f"   {mark} {where:<22} {p.message(lang)}")
    for item in report.skipped:
        reason = _SKIP_EN.get(item["reason"], item["reason"]) if lang == "en" else item["reason"]
        lines.append(f"skip  {item['path']} ({reason})")
    s = report.stats()
    if lang == "en":
        older = f", {s['superseded']} superseded by a newer file" if s["superseded"] else ""
        lines.append(f"{s['files']} files: {s['valid']} valid, {s['invalid']} with errors"
                     f"{older} ({s['errors']} errors, {s['warnings']} warnings); "
                     f"{s['skipped']} skipped.")
    else:
        older = f", {s['superseded']} digantikan file lain" if s["superseded"] else ""
        lines.append(f"{s['files']} file: {s['valid']} sah, {s['invalid']} perlu diperbaiki"
                     f"{older} ({s['errors']} kesalahan, {s['warnings']} peringatan); "
                     f"{s['skipped']} dilewati.")
    return "\n".join(lines)


def render_copies(report, folder, lang: str) -> str:
    """The closing line of ``--annotate``: how many marked copies to send, where."""
    n, removed = len(report.annotated or []), len(report.removed)
    if lang == "en":
        line = (f"Marked copies to send back: {n} in {folder}" if n else
                f"No file needs sending back; {folder} holds no marked copy")
        return line + (f" ({removed} copies of an earlier run removed)." if removed else ".")
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


@click.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--roster", type=click.Path(exists=True, dir_okay=False),
              help="Roster: each NIP must be an employee of the roster.")
@click.option("--period", "-p", type=PERIOD, help="Expected period, e.g. 2025-Q3.")
@click.option("--stage", type=click.Choice(["plan", "evaluation"]),
              help="Check as planning or evaluation stage (default: inferred per file).")
@format_choice(("table", "json", "csv"), help="Output format.")
@click.option("--annotate", type=click.Path(file_okay=False, path_type=Path),
              help="Write a marked-up copy of every file that must be fixed into this folder "
                   "(copies of an earlier run that are no longer needed are removed).")
@lang_option
@jobs_option
@executor_options
def validate_cmd(paths, roster, period, stage, fmt, annotate, lang, jobs, executor, scheduler):
    """Check returned SKP workbooks and say exactly which cells to fix.

    PATHS are files or folders (searched recursively; lock files and non-workbooks are
    skipped). Accepts .xlsx, .xlsm, .xls and .ods. Exit code 0 when every file is valid,
    1 when some file has errors. Input files are never modified.

    \b
    Example:
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


@click.command("extract")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@format_choice(("json",), help="Output format (the document as JSON).", default="json")
def extract_cmd(file, fmt):
    """Print the document read from one SKP workbook as JSON.

    The paths are those of 'skpxl template fields'. Values are normalised: text trimmed,
    rating/predikat spellings mapped to canonical values, numbers as numbers, dates ISO.

    \b
    Example:
      skpxl extract kembali/199007072019031003_andi_2025-Q3.xlsx
    """
    from ..extract import extract
    result = extract(file)
    echo_json({"path": str(file), "template": result.template.id if result.template else None,
               "document": to_jsonable(result.document),
               "warnings": [p.to_dict() for p in result.problems]})
    raise SystemExit(0 if result.template else 1)
