"""``skpxl merge``: unit and province reports."""

from __future__ import annotations

from pathlib import Path

import click

from ..domain import PREDIKAT, PREDIKAT_ORGANISASI
from ..kurva import percent
from ..merge import MergeResult, merge
from ..report import STATUS_TEXT, verdict
from .common import (
    PERIOD,
    build_executor,
    echo_json,
    executor_options,
    format_option,
    jobs_option,
    lang_option,
    progress_bar,
)

_WORDS = {
    "id": {"unit": "Laporan unit: {unit}, periode {period}", "expected": "Pegawai menurut roster",
           "files": "File masuk", "files_detail": "{valid} sah, {invalid} tidak valid, "
           "{duplicates} digantikan file lain", "missing": "Belum punya SKP sah",
           "missing_detail": "{n} belum mengumpulkan", "predikat": "Predikat",
           "kurva": "Kurva", "unknown": "tidak diketahui (tanpa roster)",
           "province": "Laporan provinsi periode {period}: {units} unit ({ok} ada laporan, "
           "{rejected} ditolak, {missing} belum ada)",
           "head": ("Unit", "Harap", "Sah", "Tdk sah", "Belum", "Tingkat", "Kurva"),
           "total": "Jumlah", "rejected": "Ditolak", "written": "Laporan ditulis: {path}",
           "exported": "Tabel diekspor: {n} file di {dir}",
           "see": "Rincian file tidak valid: sheet 'Tidak Valid' di {path}.",
           "verdict": {ok: verdict(ok) for ok in (True, False, None)}, "status": STATUS_TEXT},
    "en": {"unit": "Unit report: {unit}, period {period}", "expected": "Employees in roster",
           "files": "Files received", "files_detail": "{valid} valid, {invalid} invalid, "
           "{duplicates} superseded by another file", "missing": "Without a valid SKP",
           "missing_detail": "{n} not submitted", "predikat": "Predikat", "kurva": "Curve",
           "unknown": "unknown (no roster)",
           "province": "Province report for {period}: {units} units ({ok} reported, "
           "{rejected} rejected, {missing} missing)",
           "head": ("Unit", "Expected", "Valid", "Invalid", "Missing", "Rate", "Curve"),
           "total": "Total", "rejected": "Rejected", "written": "Report written: {path}",
           "exported": "Tables exported: {n} files in {dir}",
           "see": "Invalid files in detail: sheet 'Tidak Valid' of {path}.",
           "verdict": {True: "fits", False: "DOES NOT FIT", None: "not checked"},
           "status": {"ok": "present", "missing": "no report yet", "rejected": "rejected"}},
}


def _num(value, words) -> str:
    return words["unknown"] if value is None else str(value)


def render_unit(result: MergeResult, lang: str) -> str:
    w = _WORDS[lang]
    s = result.units[0]
    lines = [w["unit"].format(unit=s.unit or "?", period=s.period),
             f"  {w['expected']:<24}: {_num(s.expected, w)}",
             f"  {w['files']:<24}: {s.submitted} (" + w["files_detail"].format(
                 valid=s.valid, invalid=s.invalid, duplicates=s.duplicates) + ")"]
    if s.missing is not None:
        lines.append(f"  {w['missing']:<24}: {s.missing} (" +
                     w["missing_detail"].format(n=s.not_submitted) + ")")
    lines.append(f"  {w['predikat']:<24}: " + ", ".join(f"{p} {s.predikat[p]}" for p in PREDIKAT))
    org = f" ({s.kurva.org_predikat})" if s.kurva.org_predikat else ""
    lines.append(f"  {w['kurva'] + org:<24}: {w['verdict'][s.kurva.ok]}")
    lines += [f"    ! {m}" if s.kurva.ok is False else f"    - {m}" for m in s.kurva.messages]
    if s.invalid:
        lines.append(w["see"].format(path=result.output))
    return "\n".join(lines)


def render_province(result: MergeResult, lang: str) -> str:
    w = _WORDS[lang]
    status = [u.status for u in result.units]
    lines = [w["province"].format(period=result.period, units=len(result.units),
                                  ok=status.count("ok"), rejected=status.count("rejected"),
                                  missing=status.count("missing"))]
    head = w["head"]
    # column widths: the numbers', or the heading's where it is longer (English)
    e, v, i, m, r = (max(width, len(text)) for width, text in zip((6, 6, 7, 6, 8), head[1:6]))
    lines.append(f"  {head[0]:<42} {head[1]:>{e}} {head[2]:>{v}} {head[3]:>{i}} {head[4]:>{m}} "
                 f"{head[5]:>{r}}  {head[6]}")
    for s in [*result.units, result.totals]:
        name = w["total"] if s is result.totals else s.unit or "?"
        name = name if len(name) <= 42 else name[:41] + "…"
        rate = percent(s.rate, lang) if s.rate is not None else "-"
        expected = "-" if s.expected is None else s.expected
        missing = "-" if s.missing is None else s.missing
        state = f"  [{w['status'][s.status]}]" if s.status not in (None, "ok") else ""
        lines.append(f"  {name:<42} {expected:>{e}} {s.valid:>{v}} {s.invalid:>{i}} "
                     f"{missing:>{m}} {rate:>{r}}  {w['verdict'][s.kurva.ok]}{state}")
    for item in result.rejected:
        lines.append(f"  x {w['rejected']}: {item['path']}: {item['reason']}")
    return "\n".join(lines)


@click.command("merge")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--period", "-p", type=PERIOD,
              help="Period, e.g. 2025-Q3 (required for returned workbooks; for --level "
                   "province it is read from the unit reports when omitted).")
@click.option("--roster", type=click.Path(exists=True, dir_okay=False),
              help="Roster: who is expected (missing employees and units are listed).")
@click.option("--org-predikat", type=click.Choice(PREDIKAT_ORGANISASI, case_sensitive=False),
              help="The organisation's predikat: check the distribution curve (SE MenPANRB "
                   "3/2023).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Report workbook to write (.xlsx).")
@click.option("--level", type=click.Choice(["unit", "province"]), default="unit",
              show_default=True, help="unit: returned workbooks of one unit; province: unit "
                                      "reports and/or one folder of returned workbooks per unit.")
@click.option("--unit", help="Unit level: the unit to report on when the files span several "
                             "(unit name as in the roster, any case; other units' files are "
                             "listed, not merged).")
@format_option
@click.option("--export", type=click.Path(file_okay=False, path_type=Path),
              help="Also write every table as CSV (and Parquet when pyarrow is installed).")
@jobs_option
@executor_options
@click.option("--force", is_flag=True, help="Overwrite an existing report or export files.")
@lang_option
def merge_cmd(paths, period, roster, org_predikat, output, level, unit, fmt, export, jobs,
              executor, scheduler, force, lang):
    """Merge returned SKP workbooks into one report workbook.

    Every workbook is validated first (same rules as 'skpxl validate', evaluation stage);
    only valid ones are merged, the others are listed with their reasons. The report has
    sheets Ringkasan (counts, predikat chart, curve check), Rekap Pegawai, Hasil Kerja,
    Perilaku, Belum Mengumpulkan, Tidak Valid and Duplikat. With --level province, PATHS
    are unit reports (verified: an edited or foreign file is rejected) and/or folders.

    Exit code 0 when every input was valid and nobody is missing, 1 when some input was
    invalid or someone is missing (the report is still written), 2 on a usage error (an
    existing output without --force), 3 when the report cannot be written.

    \b
    Example:
      skpxl merge kembali/ --period 2025-Q3 --roster pegawai.xlsx -o rekap-batu.xlsx
      skpxl merge --level province rekap/*.xlsx --roster pegawai.xlsx -o provinsi.xlsx
      skpxl merge --level province /shared/kembali/* --roster /shared/pegawai.xlsx \\
          -o provinsi.xlsx --executor dask --scheduler tcp://10.0.0.5:8786
    """
    with progress_bar("Merging" if lang == "en" else "Menggabung", fmt == "table") as advance:
        result = merge(paths, period=period, roster=roster, org_predikat=org_predikat,
                       output=output, level=level, unit=unit, export=export, jobs=jobs,
                       force=force, lang=lang, progress=advance,
                       executor=build_executor(executor, jobs, scheduler))
    if fmt == "json":
        echo_json(result.to_dict())
    else:
        w = _WORDS[lang]
        click.echo(render_unit(result, lang) if level == "unit" else render_province(result,
                                                                                     lang))
        click.echo(w["written"].format(path=result.output))
        if result.exported:
            click.echo(w["exported"].format(n=len(result.exported), dir=export))
    raise SystemExit(0 if result.ok else 1)
