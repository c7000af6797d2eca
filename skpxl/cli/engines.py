"""``skpxl recalc``, ``skpxl export pdf`` and ``skpxl template preview``: a real spreadsheet
program (LibreOffice or Excel) computes and prints the workbooks."""

from __future__ import annotations

from pathlib import Path

import click

from ..engines import ENGINES, FORM_SHEETS, FORMS, PREVIEW_SHEETS, get_engine, preview_templates
from ..errors import UsageError
from ..textfmt import count
from ..validate import collect_files
from .common import echo_json, format_choice, group_lang_option, jobs_option, lang_option
from .i18n import Group, argument, command, current_lang, option

engine_option = option(
    "--engine", "engine_name", type=click.Choice(["auto", *ENGINES]), default="auto",
    show_default=True,
    help="Program spreadsheet: auto = LibreOffice bila terpasang, selain itu Excel.",
    help_en="Spreadsheet program: auto = LibreOffice if installed, else Excel.")
force_option = option("--force", is_flag=True, help="Timpa file hasil yang sudah ada.",
                      help_en="Overwrite existing output files.")
outdir_option = option("-o", "--outdir", required=True, metavar="FOLDER",
                       type=click.Path(file_okay=False, path_type=Path),
                       help="Folder untuk file hasil (dibuat bila belum ada).",
                       help_en="Folder for the output files (created if needed).")
format_option = format_choice(help="Keluaran: daftar untuk dibaca, atau JSON untuk program lain.",
                              help_en="Output: a readable list, or JSON for scripts.")
paths_argument = argument("paths", nargs=-1, required=True, type=click.Path(exists=True),
                          metavar="FILE_ATAU_FOLDER...", metavar_en="PATHS...")


def _engine(name: str):
    engine = get_engine(name)
    word = "Engine" if current_lang() == "en" else "Program"
    click.echo(f"{word}: {engine.name} ({engine.describe()})", err=True)
    return engine


def _workbooks(paths) -> list[Path]:
    files, _ = collect_files(paths)
    if not files:
        raise UsageError("Tidak ada workbook (.xlsx, .xlsm, .xls, .ods) di file atau folder "
                         "yang diberikan.",
                         en="There is no workbook (.xlsx, .xlsm, .xls, .ods) in the files or "
                            "folders given.")
    return files


def _report(engine, outputs: list[Path], fmt: str) -> None:
    if fmt == "json":
        echo_json({"engine": engine.name, "outputs": [str(p) for p in outputs]})
        return
    for path in outputs:
        click.echo(str(path))
    written = (f"{count(len(outputs), 'file', lang='en')} written" if current_lang() == "en"
               else f"{len(outputs)} file ditulis")
    click.echo(f"{written} ({engine.name}).", err=True)


@command("recalc", short_help="Tulis salinan yang rumusnya sudah dihitung.",
         short_help_en="Write copies whose formulas are computed.", help_en="""Write copies of workbooks whose formulas carry computed values.

    Mail and chat previews never calculate: after recalc they show the predikat and the
    copied identity cells. Protection, defined names, dropdowns, comments and the hidden
    metadata sheet are kept; the inputs are never changed. PATHS are files or folders.

    \b
    Example:
      skpxl recalc kembali/ -o dihitung/ --jobs 2
    """)
@paths_argument
@outdir_option
@engine_option
@jobs_option
@force_option
@format_option
@lang_option
def recalc_cmd(paths, outdir, engine_name, jobs, force, fmt, lang):
    """Tulis salinan file yang rumusnya sudah dihitung.

    Pratinjau di surel dan aplikasi pesan tidak pernah menghitung rumus: setelah recalc,
    pratinjau menampilkan predikat dan identitas yang disalin. Proteksi, nama sel (defined
    name), daftar pilihan, komentar dan sheet data tersembunyi tetap ada; file asal tidak
    pernah diubah. FILE_ATAU_FOLDER: file atau folder.

    \b
    Contoh:
      skpxl recalc kembali/ -o dihitung/ --jobs 2
    """
    engine = _engine(engine_name)
    _report(engine, engine.recalc(_workbooks(paths), outdir, jobs=jobs, force=force), fmt)


@click.group("export", cls=Group, short_help="Ekspor file ke PDF untuk dicetak.",
             short_help_en="Export workbooks to PDF for printing.",
             help_en="Export workbooks to other formats (PDF for printing and signing).")
@group_lang_option
def export_group() -> None:
    """Ekspor file ke format lain (PDF untuk dicetak dan ditandatangani)."""


@export_group.command("pdf", help_en="""Print each workbook to one A4 PDF: SKP forms, unit and
    province reports, angka kredit papers.

    Formulas are computed before printing. A file that cannot be printed (unreadable, or
    without the sheets asked for) does not stop the others: they are written and the
    failure is named. Selecting sheets needs .xlsx/.xlsm files (run 'skpxl recalc' on
    .xls/.ods first).

    Exit code 0 when every file was printed, 1 when some file could not be, 2 on a usage
    error (a sheet no file has), 3 when the spreadsheet program failed or is missing.

    \b
    Example:
      skpxl export pdf kembali/ rekap/ -o pdf/
      skpxl export pdf kembali/ -o pdf/ --sheets "SKP,Evaluasi,Dokumen Evaluasi"
      skpxl export pdf angka-kredit/ -o angka-kredit-pdf/
    """)
@paths_argument
@outdir_option
@option("--sheets", metavar="SHEET,...",
        help="Sheet yang dicetak, dipisah koma, menurut urutan di file. Bawaan: sheet formulir "
             f"file SKP ({', '.join(FORM_SHEETS)}), semua sheet yang tampak pada file lain "
             "(rekap unit dan provinsi, berkas angka kredit).",
        help_en="Comma-separated sheets to print, in workbook order. Default: the form sheets "
                f"of SKP workbooks ({', '.join(FORM_SHEETS)}), every visible sheet of other "
                "workbooks (unit and province reports, angka kredit papers).")
@engine_option
@jobs_option
@force_option
@format_option
@lang_option
def pdf_cmd(paths, outdir, sheets, engine_name, jobs, force, fmt, lang):
    """Cetak setiap file ke satu PDF A4: file SKP, rekap unit dan provinsi, berkas angka
    kredit.

    Rumus dihitung dulu sebelum dicetak. File yang tidak bisa dicetak (rusak, atau tidak
    punya sheet yang diminta) tidak menghentikan yang lain: yang lain tetap ditulis dan
    kegagalannya disebut. Memilih sheet memerlukan file .xlsx/.xlsm (jalankan 'skpxl
    recalc' dulu untuk .xls/.ods).

    Kode keluar 0 bila semua file tercetak, 1 bila ada file yang tidak bisa dicetak, 2 bila
    perintah salah (sheet yang tidak dimiliki file mana pun), 3 bila program spreadsheet
    gagal atau tidak ada.

    \b
    Contoh:
      skpxl export pdf kembali/ rekap/ -o pdf/
      skpxl export pdf kembali/ -o pdf/ --sheets "SKP,Evaluasi,Dokumen Evaluasi"
      skpxl export pdf angka-kredit/ -o angka-kredit-pdf/
    """
    selected = FORMS if sheets is None else [s.strip() for s in sheets.split(",")
                                             if s.strip()] or None
    engine = _engine(engine_name)
    result = engine.export_pdf(_workbooks(paths), outdir, sheets=selected, jobs=jobs,
                               force=force)
    if fmt == "json":
        echo_json(result.to_dict())
    else:
        english = current_lang() == "en"
        for path in result.outputs:
            click.echo(str(path))
        for path, reason in result.failed.items():
            click.echo(f"{'FAILED' if english else 'GAGAL'} {path}: {reason}", err=True)
        click.echo((f"{count(len(result.outputs), 'file', lang='en')} written, "
                    f"{len(result.failed)} failed" if english else
                    f"{len(result.outputs)} file ditulis, {len(result.failed)} gagal")
                   + f" ({engine.name}).", err=True)
    raise SystemExit(result.exit_code)


@command("preview", help_en="""Render template pages to PNG, filled with a realistic example employee.

    TEMPLATE is a shipped id or a file (default: every shipped template). Writes
    <template>-<sheet>-<page>.png into FOLDER, to check the printed layout by eye:
    A4, legible, nothing cut. Needs LibreOffice (or Excel) and pdftoppm (poppler-utils).

    \b
    Example:
      skpxl template preview ja-jf-kuantitatif -o pratinjau/
    """)
@argument("templates", nargs=-1, metavar="[TEMPLATE]...")
@outdir_option
@option("--sheets", default=",".join(PREVIEW_SHEETS), show_default=True, metavar="SHEET,...",
        help="Sheet yang digambar, dipisah koma.", help_en="Comma-separated sheets to render.")
@option("--dpi", type=click.IntRange(30, 300), default=70, show_default=True, metavar="DPI",
        help="Resolusi halaman PNG.", help_en="Resolution of the PNG pages.")
@engine_option
@lang_option
def preview_cmd(templates, outdir, sheets, dpi, engine_name, lang):
    """Gambar halaman template ke PNG, diisi dengan contoh pegawai yang wajar.

    TEMPLATE: id template bawaan atau file (bawaan: semua template bawaan). Menulis
    <template>-<sheet>-<halaman>.png ke FOLDER, untuk memeriksa tata letak cetak dengan
    mata: A4, terbaca, tidak ada yang terpotong. Memerlukan LibreOffice (atau Excel) dan
    pdftoppm (poppler-utils).

    \b
    Contoh:
      skpxl template preview ja-jf-kuantitatif -o pratinjau/
    """
    from ..manifest import list_templates
    refs = list(templates) or [t.id for t in list_templates()]
    selected = tuple(s.strip() for s in sheets.split(",") if s.strip())
    engine = _engine(engine_name)
    for path in preview_templates(refs, outdir, engine=engine, sheets=selected, dpi=dpi):
        click.echo(str(path))
