"""Report workbooks: their layouts, reading them back, and checking they were not edited.

The unit and province reports (:func:`unit_book`, :func:`province_book`) are built with
:class:`~skpxl.reportbook.ReportBook`, which writes their big tables fast. Each opens on a
signing sheet (:mod:`skpxl.signing`); its tables print on A4 landscape, with the columns a
level does not need hidden; what identifies files exactly (names, SHA-256, times) is in the
hidden sheet Berkas, which never prints.

A hidden sheet ``_skpxl_report`` holds the report's metadata as JSON (schema
``schemas/unit-report.schema.json``), including a SHA-256 of every checked range. Reading a
report back (:func:`read_report`) validates that JSON and recomputes the hashes from the
cells, so a hand-edited or foreign workbook is refused with the reason. A unit report of an
earlier layout (:data:`PREVIOUS_VERSIONS`) is refused too, asking the unit to make it again
with ``skpxl merge``: its tables have other columns.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from openpyxl.chart import Reference
from openpyxl.drawing.spreadsheet_drawing import AbsoluteAnchor
from openpyxl.drawing.xdr import XDRPoint2D, XDRPositiveSize2D
from openpyxl.utils.units import cm_to_EMU
from openpyxl.utils import get_column_letter, range_boundaries

from . import textfmt
from .domain import PREDIKAT
from .errors import UsageError
from .reportbook import (ALIGN, BOLD, GRID, NUMBER_FORMATS, TABLE_BOLD, Column, ReportBook,
                         TableSheet, bar_chart, parse_decimal, put, save, style, table_hash)
from .resources import schemas_dir
from .signing import Paper, write_signing_sheet
from .writer import sheet_parts

REPORT_SHEET = "_skpxl_report"
REPORT_SCHEMA = "skpxl/unit-report"
REPORT_SCHEMA_VERSION = "2.0"
#: earlier layouts, refused with a request to make the unit report again
PREVIOUS_VERSIONS = ("1.0",)
_CHUNK = 30000  # characters of metadata JSON per cell (a cell holds at most 32,767)
_CSV_DANGER = ("=", "+", "-", "@", "\t", "\r")


# --- reading a report back ----------------------------------------------------------------

class ReportRejected(Exception):
    """A workbook that cannot be used as a unit report; ``reason`` says why."""

    def __init__(self, reason: str, *, metadata: dict | None = None):
        super().__init__(reason)
        self.reason = reason
        self.metadata = metadata


@dataclass
class ReportContent:
    """A verified report: its metadata and the rows of its tables by sheet name."""

    path: str
    metadata: dict
    tables: dict[str, list[list]]
    sha256: str


@cache
def report_validator():
    from jsonschema import Draft202012Validator
    schema = json.loads((schemas_dir() / "unit-report.schema.json").read_text("utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def sheet_names(path: Path) -> list[str] | None:
    """Sheet names of an xlsx file from its workbook part (cheap), or None if not one."""
    try:
        with zipfile.ZipFile(path) as zf:
            return list(sheet_parts(zf))
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError):
        return None  # not a readable xlsx: the caller decides what that means


def read_report(path: Path, sheets=None) -> ReportContent:
    """Read and verify a report workbook; raise :class:`ReportRejected` with the reason.

    ``sheets`` limits the content checks (and the reading) to those sheets; by default every
    checked range is verified.
    """
    import python_calamine
    path = Path(path)
    try:
        data = path.read_bytes()
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:
        raise ReportRejected(f"file tidak bisa dibaca sebagai workbook ({exc})") from exc
    with book:
        if REPORT_SHEET not in book.sheet_names:
            raise ReportRejected(f"bukan laporan skpxl: lembar metadata '{REPORT_SHEET}' tidak "
                                 f"ada (dihapus, atau file dibuat dengan program lain)")
        meta_rows = book.get_sheet_by_name(REPORT_SHEET).to_python(skip_empty_area=False)
        text = "".join(str(row[0]) for row in meta_rows[1:] if row and row[0] not in (None, ""))
        try:
            metadata = json.loads(text)
        except ValueError as exc:
            raise ReportRejected("metadata laporan rusak (bukan JSON yang sah)") from exc
        version = metadata.get("schema_version") if isinstance(metadata, dict) else None
        if version in PREVIOUS_VERSIONS:
            raise ReportRejected(f"laporan dibuat dengan skpxl versi lama (tata letak "
                                 f"{version}, sekarang {REPORT_SCHEMA_VERSION}); unit perlu "
                                 f"membuat ulang laporannya dengan 'skpxl merge' lalu "
                                 f"mengirimnya lagi", metadata=metadata)
        errors = sorted(report_validator().iter_errors(metadata), key=lambda e: list(e.path))
        if errors:
            where = "/".join(str(p) for p in errors[0].absolute_path) or "(akar)"
            raise ReportRejected(f"metadata laporan tidak sesuai skema {REPORT_SCHEMA} "
                                 f"{REPORT_SCHEMA_VERSION} di '{where}': {errors[0].message}",
                                 metadata=metadata if isinstance(metadata, dict) else None)
        cells: dict[str, list[list]] = {}
        tables: dict[str, list[list]] = {}
        for check in metadata["checks"]:
            sheet = check["sheet"]
            if sheets is not None and sheet not in sheets:
                continue
            if sheet not in book.sheet_names:
                raise ReportRejected(f"sheet '{sheet}' tidak ada lagi", metadata=metadata)
            if sheet not in cells:
                cells[sheet] = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            rows = _range(cells[sheet], check["ref"])
            count = check["rows"]
            extra = any(v not in (None, "") for row in rows[1 + count:] for v in row)
            if extra or table_hash(rows[0], rows[1:1 + count]) != check["sha256"]:
                raise ReportRejected(f"isi sheet '{sheet}' ({check['ref']}) diubah setelah "
                                     f"laporan dibuat skpxl; buat ulang laporannya dengan "
                                     f"'skpxl merge'", metadata=metadata)
            tables.setdefault(sheet, rows[:1 + count])
    return ReportContent(str(path), metadata, tables, hashlib.sha256(data).hexdigest())


def _range(rows: list[list], ref: str) -> list[list]:
    """The cells of ``ref`` (A1 range), padded with None where the sheet has none."""
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    width = max_col - min_col + 1
    out = []
    for row in rows[min_row - 1:max_row]:
        if min_col != 1 or len(row) != width:
            row = list(row[min_col - 1:max_col])
            row += [None] * (width - len(row))
        out.append(row)
    out += [[None] * width for _ in range(max_row - min_row + 1 - len(out))]
    return out


def table_rows(content: ReportContent, sheet: str, columns) -> list[tuple]:
    """The data rows of a verified table, after checking its headings are ``columns``'
    (:class:`~skpxl.reportbook.Column` objects, or just the headings).

    Values come back as they were before the sheet showed them: empty cells as None,
    integral numbers as int, a ``decimal`` column's text (``2,344``) as its number.
    """
    rows = content.tables.get(sheet)
    if rows is None:
        raise ReportRejected(f"tabel '{sheet}' tidak tercatat di metadata")
    if [str(v or "") for v in rows[0]] != [getattr(c, "heading", c) for c in columns]:
        raise ReportRejected(f"kolom sheet '{sheet}' berbeda dari versi laporan "
                             f"{REPORT_SCHEMA_VERSION}")
    out = [tuple(None if v == "" else int(v) if v.__class__ is float and v.is_integer()
                 and abs(v) < 1e15 else v for v in row) for row in rows[1:]]
    decimals = [i for i, c in enumerate(columns)
                if getattr(c, "kind", "text") in ("decimal", "value", "ak")]
    if decimals:    # the text a sheet showed for a number that is not whole: the number
        for n, row in enumerate(out):
            if any(row[i].__class__ is str for i in decimals):
                row = list(row)
                for i in decimals:
                    row[i] = parse_decimal(row[i])
                out[n] = tuple(row)
    return out


# --- export for analysts --------------------------------------------------------------------

def csv_safe(value) -> str:
    """Text that a spreadsheet opens as text, never as a formula."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    if isinstance(value, str) and text.startswith(_CSV_DANGER):
        return "'" + text
    return text


UNIT_TABLES = ("Rekap Pegawai", "Hasil Kerja", "Perilaku", "Belum Mengumpulkan",
               "Tidak Valid", "Duplikat", "Berkas")
PROVINCE_TABLES = ("Rekap Unit", "Rekap Pegawai", "Hasil Kerja", "Sumber", "Berkas")


def export_paths(sheets, outdir: Path) -> list[Path]:
    """The CSV and Parquet files an export of ``sheets`` writes into ``outdir``."""
    from .naming import slug
    return [Path(outdir) / f"{slug(sheet)}.{ext}" for sheet in sheets for ext in ("csv", "parquet")]


def check_export(sheets, outdir: Path, *, force: bool) -> None:
    """Refuse early an export that would replace files, unless ``force``."""
    existing = [p for p in export_paths(sheets, outdir) if p.exists()]
    if existing and not force:
        raise UsageError(f"File ekspor {existing[0]} sudah ada.",
                         hint="Gunakan --force untuk menimpa, atau pilih folder lain.",
                         en=f"Export file {existing[0]} already exists.",
                         hint_en="Use --force to overwrite it, or choose another folder.")


def export_tables(tables: list[TableSheet], outdir: Path, *, force: bool) -> list[str]:
    """Each table as CSV (UTF-8 with BOM, formula-escaped), and Parquet when pyarrow exists."""
    try:
        import pyarrow  # noqa: F401
        parquet = True
    except ImportError:
        parquet = False
    check_export([spec.sheet for spec in tables], outdir, force=force)
    paths = export_paths([spec.sheet for spec in tables], outdir)
    planned = [(spec, paths[2 * i], paths[2 * i + 1]) for i, spec in enumerate(tables)]
    written = []
    for spec, csv_path, parquet_path in planned:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(spec.headings)
        writer.writerows([csv_safe(v) for v in row] for row in spec.rows)
        save(buffer.getvalue().encode("utf-8-sig"), csv_path, force=True)
        written.append(str(csv_path))
        if parquet:
            save(_parquet_bytes(spec), parquet_path, force=True)
            written.append(str(parquet_path))
    return written


def _parquet_bytes(spec: TableSheet) -> bytes:
    import pandas as pd
    columns = {}
    for i, column in enumerate(spec.columns):
        values = [row[i] for row in spec.rows]
        numeric = all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool))
                      for v in values)
        if numeric and column.kind in ("int", "number", "decimal", "value", "percent"):
            columns[column.heading] = pd.array(values, dtype="Float64")
        else:  # mixed cells (a target may be a number or text) are kept as text
            columns[column.heading] = pd.array(
                [None if v is None else csv_safe(v) if not isinstance(v, str) else v
                 for v in values], dtype="string")
    buffer = io.BytesIO()
    pd.DataFrame(columns).to_parquet(buffer, index=False)
    return buffer.getvalue()


# --- the report layouts ---------------------------------------------------------------------
# Row tuples are built in skpxl.consolidate and skpxl.merge in exactly these column orders.
# Widths are for 7.5 pt text: each printed table fits A4 landscape at 100 % (at most 112
# units, skpxl.reportbook.PT_PER_UNIT), with the columns a level does not print hidden (see
# UNIT_HIDDEN and PROVINCE_HIDDEN).

REKAP = (Column("NIP", 13), Column("Nama", 14.5, "wrap"), Column("Status ASN", 5),
         Column("Pangkat/Gol. Ruang", 11, "wrap"), Column("Jabatan", 14.5, "wrap"),
         Column("Jenis Jabatan", 11), Column("Jenjang", 11), Column("Unit Kerja", 12.5, "wrap"),
         Column("NIP Penilai", 13), Column("Nama Penilai", 12.5, "wrap"),
         Column("Rating Hasil Kerja", 8, "wrap"), Column("Rating Perilaku", 8, "wrap"),
         Column("Predikat", 10, "wrap"), Column("Angka Kredit", 6, "decimal"),
         Column("Status", 10, "wrap"))
HASIL = (Column("NIP", 13), Column("Nama", 11, "wrap"), Column("Unit Kerja", 12, "wrap"),
         Column("Bagian", 6), Column("No RHK", 3.5, "int"),
         Column("RHK Pimpinan yang Diintervensi", 14, "wrap"),
         Column("Rencana Hasil Kerja", 14.5, "wrap"), Column("Aspek/Perspektif", 8, "wrap"),
         Column("Indikator Kinerja Individu", 15.5, "wrap"), Column("Target", 9, "value"),
         Column("Satuan", 7.5, "wrap"), Column("Realisasi", 9, "value"),
         Column("Umpan Balik", 8.5, "wrap"))
PERILAKU = (Column("NIP", 13), Column("Nama", 16, "wrap"), Column("Unit Kerja", 12.5, "wrap"),
            Column("No", 3, "int"), Column("Perilaku Kerja", 12.5, "wrap"),
            Column("Ekspektasi Khusus Pimpinan", 33.5, "wrap"), Column("Umpan Balik", 34, "wrap"))
BELUM = (Column("NIP", 13), Column("Nama", 20, "wrap"), Column("Status ASN", 5),
         Column("Jabatan", 21.5, "wrap"), Column("Unit Kerja", 18, "wrap"),
         Column("NIP Penilai", 13), Column("Nama Penilai", 20, "wrap"))
TIDAK_VALID = (Column("File", 21, "wrap"), Column("NIP", 13), Column("Nama", 14.5, "wrap"),
               Column("Unit Kerja", 13.5, "wrap"), Column("Jumlah Kesalahan", 6.5, "int"),
               Column("Masalah", 43.5, "wrap"))
DUPLIKAT = (Column("NIP", 13), Column("Nama", 16, "wrap"), Column("File Dipakai", 25, "wrap"),
            Column("File Disisihkan", 25, "wrap"), Column("Status File Disisihkan", 8, "wrap"),
            Column("Alasan", 25, "wrap"))
#: every file and report read, with what identifies it exactly: a sheet that is not printed
BERKAS = (Column("Unit Kerja", 30), Column("Jenis", 12), Column("File", 44), Column("NIP", 20),
          Column("Nama", 28), Column("Status", 12), Column("Dibuat", 26),
          Column("Waktu File", 22), Column("SHA-256", 66), Column("Sidik Data", 66))
PREDIKAT_COLUMNS = (Column("Sangat Baik", 5.5, "int"), Column("Baik", 4.5, "int"),
                    Column("Butuh Perbaikan", 7.5, "int"), Column("Kurang/Misconduct", 8, "int"),
                    Column("Sangat Kurang", 6, "int"))
#: a unit's name does not wrap: one line each, 39 units on one page
PROVINSI = (Column("Unit Kerja", 29.5), Column("Status Laporan", 7.5, "wrap"),
            Column("Diharapkan", 7.5, "int"), Column("File Masuk", 5.5, "int"),
            Column("SKP Sah", 4.5, "int"), Column("Tidak Valid", 5.5, "int"),
            Column("Duplikat", 6.5, "int"), Column("Belum Ada SKP Sah", 5.5, "int"),
            Column("Belum Mengumpulkan", 10.5, "int"), Column("Tingkat SKP Sah", 6, "percent"),
            *PREDIKAT_COLUMNS, Column("Predikat Organisasi", 8, "wrap"),
            Column("Kurva", 10, "wrap"), Column("Catatan Kurva", 60, "wrap"))
SUMBER = (Column("Unit Kerja", 25, "wrap"), Column("Sumber", 29, "wrap"), Column("Jenis", 11),
          Column("Periode", 7), Column("Status", 9), Column("Alasan", 31, "wrap"))

#: columns not printed (hidden) in a unit report: the report is one unit's, who assesses whom
#: is in Nama Penilai, the employee's NIP is in Rekap Pegawai; the data and the exports keep
#: them
UNIT_HIDDEN = {"Rekap Pegawai": ("Jenis Jabatan", "Jenjang", "Unit Kerja", "NIP Penilai"),
               "Hasil Kerja": ("NIP", "Unit Kerja"), "Perilaku": ("Unit Kerja",),
               "Belum Mengumpulkan": ("Unit Kerja",)}
PROVINCE_HIDDEN = {"Rekap Pegawai": ("Status ASN", "Pangkat/Gol. Ruang", "Jenis Jabatan",
                                     "Jenjang", "NIP Penilai"),
                   "Hasil Kerja": ("NIP", "Bagian"),
                   "Rekap Unit": ("File Masuk", "Tidak Valid", "Duplikat", "Predikat Organisasi",
                                  "Catatan Kurva")}

STATUS_TEXT = {"ok": "ada", "missing": "belum ada laporan", "rejected": "ditolak"}
#: the same, in Rekap Unit (one line in its column)
REPORT_STATUS = {"ok": "ada", "missing": "belum ada", "rejected": "ditolak"}


def verdict(ok: bool | None) -> str:
    return {True: "sesuai", False: "TIDAK SESUAI"}.get(ok, "tidak diperiksa")


def source_fingerprint(sources: list[dict], *, listed: bool) -> dict:
    """How many sources, and one SHA-256 over all of them (name, file hash, status).

    A unit report does not list its files here: each one is already a row (with its SHA-256)
    in Berkas, whose contents are hashed in ``checks``.
    """
    text = json.dumps(sources, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    data = {"count": len(sources), "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}
    if listed:
        data["items"] = sources
    return data


def report_metadata(level: str, period, units: list, *, checks: list, sources: list,
                    roster=None, org_predikat=None, generated_at: str, totals=None,
                    instansi: str = "", year: dict | None = None) -> dict:
    """The machine-readable description stored in the report's hidden sheet."""
    from . import __version__
    data = {"schema": REPORT_SCHEMA, "schema_version": REPORT_SCHEMA_VERSION, "level": level,
            "period": period.kode, "generated_at": generated_at,
            "tool": {"name": "skpxl", "version": __version__}, "roster": None,
            "org_predikat": org_predikat, "units": [u.to_dict() for u in units],
            "checks": checks, "sources": source_fingerprint(sources, listed=level != "unit"),
            "instansi": instansi or None}
    if roster is not None:
        path = Path(roster.path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
        data["roster"] = {"file": path.name, "sha256": digest}
    if totals is not None:
        data["totals"] = totals.to_dict()
    if year is not None:
        data["year"] = year
    return data


def write_metadata(book: ReportBook, data: dict) -> None:
    """Write the hidden metadata sheet (the JSON is split over cells of column A)."""
    ws = book.wb.create_sheet(REPORT_SHEET)
    ws.sheet_state = "hidden"
    put(ws, 1, 1, "Metadata skpxl untuk 'skpxl merge --level province'. Jangan diubah.")
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for i in range(0, max(1, len(text)), _CHUNK):
        put(ws, 2 + i // _CHUNK, 1, text[i:i + _CHUNK])


#: tables that are often empty: then their sheet is hidden (the signing sheet says 0), so
#: no page of headings alone is printed
OPTIONAL_TABLES = ("Belum Mengumpulkan", "Tidak Valid", "Duplikat")


def _tables(book: ReportBook, layouts, hidden: dict) -> None:
    """One printed table sheet per (sheet, columns, rows); Berkas, and an optional table
    without rows, hidden (never printed)."""
    for sheet, columns, rows in layouts:
        spec = TableSheet(sheet, sheet.replace(" ", ""), columns, rows,
                          hidden=hidden.get(sheet, ()))
        book.table(spec, hidden=sheet == "Berkas" or (sheet in OPTIONAL_TABLES and not rows))


def unit_book(data, period, *, paper: Paper, roster=None, org_predikat=None) -> ReportBook:
    """The unit report: the signing sheet Ringkasan, the tables, Berkas (hidden) and the
    metadata sheet."""
    book = ReportBook(paper.header)
    write_signing_sheet(book, "Ringkasan", paper, data.summary)
    _tables(book, zip(UNIT_TABLES, (REKAP, HASIL, PERILAKU, BELUM, TIDAK_VALID, DUPLIKAT,
                                    BERKAS),
                      (data.rekap, data.hasil, data.perilaku, data.belum, data.tidak_valid,
                       data.duplikat, data.berkas)), UNIT_HIDDEN)
    write_metadata(book, report_metadata("unit", period, [data.summary], checks=book.checks,
                                         sources=data.sources, roster=roster,
                                         org_predikat=org_predikat,
                                         generated_at=paper.generated_at,
                                         instansi=paper.instansi))
    return book


def summary_row(s, status: str | None) -> tuple:
    """One row of Rekap Unit (also the totals row, with ``status`` None)."""
    return (s.unit or ("Jumlah" if status is None else "(unit tidak diketahui)"),
            REPORT_STATUS.get(status, status), s.expected, s.submitted, s.valid, s.invalid,
            s.duplicates, s.missing, s.not_submitted, s.rate,
            *(s.predikat[p] for p in PREDIKAT), s.kurva.org_predikat, verdict(s.kurva.ok),
            "\n".join(s.kurva.messages) if s.kurva.ok is False else None)


def province_book(units: list, totals, period, *, paper: Paper, rekap, hasil, sumber, berkas,
                  sources, roster=None, org_predikat=None, notes=()) -> ReportBook:
    """The province report: the signing sheet Ringkasan Provinsi, Rekap Unit, Grafik, the
    employee tables, Sumber, Berkas (hidden) and the metadata sheet."""
    book = ReportBook(paper.header)
    write_signing_sheet(book, "Ringkasan Provinsi", paper, totals, units=units, notes=notes)
    spec = TableSheet("Rekap Unit", "RekapUnit", PROVINSI,
                      [summary_row(u, u.status) for u in units],
                      hidden=PROVINCE_HIDDEN["Rekap Unit"])
    ws = book.table(spec)
    ws.freeze_panes = "B2"
    # narrower top and bottom margins: the 39 units of a province fit on one page
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.2
    row = spec.end_row + 1
    total = summary_row(totals, None)
    for col, value in enumerate(total, start=1):
        column = PROVINSI[col - 1]
        cell = put(ws, row, col, textfmt.percent(value) if column.kind == "percent" and value
                   is not None else value)
        style(cell, font=TABLE_BOLD, border=GRID, alignment=ALIGN[column.kind],
              number_format=NUMBER_FORMATS.get(column.kind))
    book.check_range(ws, f"A{row}:{get_column_letter(len(PROVINSI))}{row}")
    unit_charts(book, spec)
    _tables(book, zip(PROVINCE_TABLES[1:], (REKAP, HASIL, SUMBER, BERKAS),
                      (rekap, hasil, sumber, berkas)), PROVINCE_HIDDEN)
    write_metadata(book, report_metadata("province", period, units, checks=book.checks,
                                         sources=sources, roster=roster,
                                         org_predikat=org_predikat,
                                         generated_at=paper.generated_at, totals=totals,
                                         instansi=paper.instansi))
    return book


def short_names(units: list[str]) -> list[str]:
    """Unit names without the words they all start with (``Sekretariat Bawaslu Kota Batu``
    among its peers -> ``Kota Batu``), for chart labels."""
    words = [str(u or "").split() for u in units]
    common = 0
    while words and all(len(w) > common + 1 and w[common] == words[0][common] for w in words):
        common += 1
    return [" ".join(w[common:]) or str(u or "") for w, u in zip(words, units)]


def unit_charts(book: ReportBook, spec: TableSheet) -> None:
    """Sheet Grafik: predikat per unit and SKP sah per unit, side by side on one portrait
    page, every unit named (the numbers come from Rekap Unit, the short names from the
    hidden column Z of this sheet)."""
    ws = book.sheet("Grafik", portrait=True)
    # one page, whatever the program makes of column widths: its page breaks fall between
    # columns, which would cut a chart placed in centimetres
    ws.page_setup.fitToWidth = ws.page_setup.fitToHeight = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.column_dimensions["A"].width = 72
    put(ws, 1, 1, "Grafik per unit kerja", font=BOLD)
    names = short_names([row[0] for row in spec.rows])
    put(ws, 1, 26, "Unit Kerja (singkat)")
    for offset, name in enumerate(names, start=2):
        put(ws, offset, 26, name)
    ws.column_dimensions["Z"].hidden = True
    source = book.wb[spec.sheet]
    last = spec.top + max(1, len(spec.rows))
    units = Reference(ws, min_col=26, min_row=2, max_row=1 + max(1, len(names)))
    headings = [c.heading for c in PROVINSI]
    start = 1 + headings.index(PREDIKAT_COLUMNS[0].heading)
    predikat = bar_chart("Predikat pegawai per unit kerja",
                         Reference(source, min_col=start, max_col=start + len(PREDIKAT) - 1,
                                   min_row=spec.top, max_row=last), units, stacked=True,
                         horizontal=True, label_size=8)
    status = bar_chart("SKP sah dan belum ada SKP sah",
                       Reference(source, min_col=1 + headings.index("SKP Sah"),
                                 min_row=spec.top, max_row=last), units,
                       stacked=True, horizontal=True, label_size=8)
    status.add_data(Reference(source, min_col=1 + headings.index("Belum Ada SKP Sah"),
                              min_row=spec.top, max_row=last), titles_from_data=True)
    # placed in centimetres, not cells (column widths differ between programs): two charts
    # side by side fill the printable width and height of A4 portrait under the title
    for left, chart in ((0.0, predikat), (9.2, status)):
        chart.visible_cells_only = False     # the labels are in the hidden column Z
        chart.anchor = AbsoluteAnchor(pos=XDRPoint2D(cm_to_EMU(left), cm_to_EMU(0.8)),
                                      ext=XDRPositiveSize2D(cm_to_EMU(9.0), cm_to_EMU(24.6)))
        ws.add_chart(chart)
