"""``skpxl recalc``, ``skpxl export pdf`` and ``skpxl template preview``: a real spreadsheet
program (LibreOffice or Excel) computes and prints the workbooks."""

from __future__ import annotations

from pathlib import Path

import click

from ..engines import ENGINES, FORM_SHEETS, FORMS, PREVIEW_SHEETS, get_engine, preview_templates
from ..validate import collect_files
from .common import echo_json, format_choice, jobs_option

engine_option = click.option(
    "--engine", "engine_name", type=click.Choice(["auto", *ENGINES]), default="auto",
    show_default=True, help="Spreadsheet program: auto = LibreOffice if installed, else Excel.")
force_option = click.option("--force", is_flag=True, help="Overwrite existing output files.")
outdir_option = click.option("-o", "--outdir", required=True,
                             type=click.Path(file_okay=False, path_type=Path),
                             help="Folder for the output files (created if needed).")
format_option = format_choice(help="Output: a readable list, or JSON for scripts.")


def _engine(name: str):
    engine = get_engine(name)
    click.echo(f"Engine: {engine.name} ({engine.describe()})", err=True)
    return engine


def _workbooks(paths) -> list[Path]:
    files, _ = collect_files(paths)
    if not files:
        raise click.UsageError("Tidak ada workbook (.xlsx, .xlsm, .xls, .ods) di PATHS.")
    return files


def _report(engine, outputs: list[Path], fmt: str) -> None:
    if fmt == "json":
        echo_json({"engine": engine.name, "outputs": [str(p) for p in outputs]})
        return
    for path in outputs:
        click.echo(str(path))
    click.echo(f"{len(outputs)} file ditulis ({engine.name}).", err=True)


@click.command("recalc")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@outdir_option
@engine_option
@jobs_option
@force_option
@format_option
def recalc_cmd(paths, outdir, engine_name, jobs, force, fmt):
    """Write copies of workbooks whose formulas carry computed values.

    Mail and chat previews never calculate: after recalc they show the predikat and the
    copied identity cells. Protection, defined names, dropdowns, comments and the hidden
    metadata sheet are kept; the inputs are never changed. PATHS are files or folders.

    \b
    Example:
      skpxl recalc kembali/ -o dihitung/ --jobs 2
    """
    engine = _engine(engine_name)
    _report(engine, engine.recalc(_workbooks(paths), outdir, jobs=jobs, force=force), fmt)


@click.group("export")
def export_group() -> None:
    """Export workbooks to other formats (PDF for printing and signing)."""


@export_group.command("pdf")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@outdir_option
@click.option("--sheets", help="Comma-separated sheets to print, in workbook order. Default: "
                             f"the form sheets of SKP workbooks ({', '.join(FORM_SHEETS)}), "
                             "every visible sheet of other workbooks (angka kredit papers).")
@engine_option
@jobs_option
@force_option
@format_option
def pdf_cmd(paths, outdir, sheets, engine_name, jobs, force, fmt):
    """Print each workbook to one A4 PDF (one PDF per employee).

    Formulas are computed before printing. Selecting sheets needs .xlsx/.xlsm files
    (run 'skpxl recalc' on .xls/.ods first).

    \b
    Example:
      skpxl export pdf kembali/ -o pdf/ --sheets "SKP,Evaluasi,Dokumen Evaluasi"
      skpxl export pdf angka-kredit/ -o angka-kredit-pdf/
    """
    selected = FORMS if sheets is None else [s.strip() for s in sheets.split(",")
                                             if s.strip()] or None
    engine = _engine(engine_name)
    _report(engine, engine.to_pdf(_workbooks(paths), outdir, sheets=selected, jobs=jobs,
                                  force=force), fmt)


@click.command("preview")
@click.argument("templates", nargs=-1, metavar="[TEMPLATE]...")
@outdir_option
@click.option("--sheets", default=",".join(PREVIEW_SHEETS), show_default=True,
              help="Comma-separated sheets to render.")
@click.option("--dpi", type=click.IntRange(30, 300), default=70, show_default=True,
              help="Resolution of the PNG pages.")
@engine_option
def preview_cmd(templates, outdir, sheets, dpi, engine_name):
    """Render template pages to PNG, filled with a realistic example employee.

    TEMPLATE is a shipped id or a path (default: every shipped template). Writes
    <template>-<sheet>-<page>.png into OUTDIR, to check the printed layout by eye:
    A4, legible, nothing cut. Needs LibreOffice (or Excel) and pdftoppm (poppler-utils).

    \b
    Example:
      skpxl template preview ja-jf-kuantitatif -o pratinjau/
    """
    from ..manifest import list_templates
    refs = list(templates) or [t.id for t in list_templates()]
    selected = tuple(s.strip() for s in sheets.split(",") if s.strip())
    engine = _engine(engine_name)
    for path in preview_templates(refs, outdir, engine=engine, sheets=selected, dpi=dpi):
        click.echo(str(path))
