"""Report workbooks: their layouts, reading them back, and checking they were not edited.

The unit and province reports (:func:`unit_book`, :func:`province_book`) are built with
:class:`~skpxl.reportbook.ReportBook`, which writes their big tables fast.

A hidden sheet ``_skpxl_report`` holds the report's metadata as JSON (schema
``schemas/unit-report.schema.json``), including a SHA-256 of every checked range. Reading a
report back (:func:`read_report`) validates that JSON and recomputes the hashes from the
cells, so a hand-edited or foreign workbook is refused with the reason.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from openpyxl.chart import Reference
from openpyxl.utils import get_column_letter, range_boundaries

from .domain import PREDIKAT
from .errors import UsageError
from .reportbook import (BOLD, NUMBER_FORMATS, TITLE_FONT, WARN_FONT, Column, ReportBook,
                         TableSheet, bar_chart, put, save, table_hash)
from .resources import schemas_dir
from .writer import sheet_parts

REPORT_SHEET = "_skpxl_report"
REPORT_SCHEMA = "skpxl/unit-report"
REPORT_SCHEMA_VERSION = "1.0"
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


def table_rows(content: ReportContent, sheet: str, headings: list[str]) -> list[tuple]:
    """The data rows of a verified table, after checking its headings are ``headings``.

    Values come back as they were written: empty cells as None, integral numbers as int.
    """
    rows = content.tables.get(sheet)
    if rows is None:
        raise ReportRejected(f"tabel '{sheet}' tidak tercatat di metadata")
    if [str(v or "") for v in rows[0]] != headings:
        raise ReportRejected(f"kolom sheet '{sheet}' berbeda dari versi laporan "
                             f"{REPORT_SCHEMA_VERSION}")
    return [tuple(None if v == "" else int(v) if v.__class__ is float and v.is_integer()
                  and abs(v) < 1e15 else v for v in row) for row in rows[1:]]


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
               "Tidak Valid", "Duplikat")
PROVINCE_TABLES = ("Ringkasan Provinsi", "Rekap Pegawai", "Hasil Kerja", "Sumber")


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
        if numeric and column.kind in ("int", "number", "percent"):
            columns[column.heading] = pd.array(values, dtype="Float64")
        else:  # mixed cells (a target may be a number or text) are kept as text
            columns[column.heading] = pd.array(
                [None if v is None else csv_safe(v) if not isinstance(v, str) else v
                 for v in values], dtype="string")
    buffer = io.BytesIO()
    pd.DataFrame(columns).to_parquet(buffer, index=False)
    return buffer.getvalue()


# --- the report layouts ---------------------------------------------------------------------
# Row tuples are built in skpxl.merge in exactly these column orders.

REKAP = (Column("NIP", 21), Column("Nama", 30, "wrap"), Column("Status ASN", 9),
         Column("Pangkat/Gol. Ruang", 20, "wrap"), Column("Jabatan", 28, "wrap"),
         Column("Jenis Jabatan", 13), Column("Jenjang", 13), Column("Unit Kerja", 28, "wrap"),
         Column("NIP Penilai", 21), Column("Nama Penilai", 28, "wrap"),
         Column("Rating Hasil Kerja", 18), Column("Rating Perilaku", 18),
         Column("Predikat", 16), Column("Angka Kredit", 10, "number"), Column("Status", 18),
         Column("File", 40, "wrap"), Column("SHA-256", 20))
HASIL = (Column("NIP", 21), Column("Nama", 26, "wrap"), Column("Unit Kerja", 26, "wrap"),
         Column("Bagian", 10), Column("No RHK", 7, "int"),
         Column("RHK Pimpinan yang Diintervensi", 34, "wrap"),
         Column("Rencana Hasil Kerja", 40, "wrap"), Column("Aspek/Perspektif", 16, "wrap"),
         Column("Indikator Kinerja Individu", 40, "wrap"), Column("Target", 10),
         Column("Satuan", 10), Column("Realisasi", 14, "wrap"),
         Column("Umpan Balik", 30, "wrap"))
PERILAKU = (Column("NIP", 21), Column("Nama", 26, "wrap"), Column("Unit Kerja", 26, "wrap"),
            Column("No", 5, "int"), Column("Perilaku Kerja", 24),
            Column("Ekspektasi Khusus Pimpinan", 40, "wrap"), Column("Umpan Balik", 40, "wrap"))
BELUM = (Column("NIP", 21), Column("Nama", 30, "wrap"), Column("Status ASN", 9),
         Column("Jabatan", 30, "wrap"), Column("Unit Kerja", 30, "wrap"),
         Column("NIP Penilai", 21), Column("Nama Penilai", 30, "wrap"))
TIDAK_VALID = (Column("File", 40, "wrap"), Column("NIP", 21), Column("Nama", 26, "wrap"),
               Column("Unit Kerja", 26, "wrap"), Column("SHA-256", 20),
               Column("Jumlah Kesalahan", 10, "int"), Column("Masalah", 70, "wrap"))
DUPLIKAT = (Column("NIP", 21), Column("Nama", 26, "wrap"), Column("File Dipakai", 36, "wrap"),
            Column("File Disisihkan", 36, "wrap"), Column("Status File Disisihkan", 14),
            Column("Alasan", 40, "wrap"), Column("Dibuat (Dipakai)", 24),
            Column("Dibuat (Disisihkan)", 24), Column("Waktu File (Dipakai)", 22),
            Column("Waktu File (Disisihkan)", 22), Column("SHA-256 Disisihkan", 20))
PREDIKAT_COLUMNS = tuple(Column(p, 11, "int") for p in PREDIKAT)
PROVINSI = (Column("Unit Kerja", 40, "wrap"), Column("Status Laporan", 14),
            Column("Diharapkan", 11, "int"), Column("File Masuk", 10, "int"),
            Column("SKP Sah", 9, "int"), Column("Tidak Valid", 9, "int"),
            Column("Duplikat", 9, "int"), Column("Belum Ada SKP Sah", 11, "int"),
            Column("Belum Mengumpulkan", 13, "int"), Column("Tingkat SKP Sah", 10, "percent"),
            *PREDIKAT_COLUMNS, Column("Predikat Organisasi", 13), Column("Kurva", 14),
            Column("Catatan Kurva", 60, "wrap"))
SUMBER = (Column("Unit Kerja", 36, "wrap"), Column("Sumber", 40, "wrap"), Column("Jenis", 14),
          Column("Periode", 9), Column("Status", 12), Column("Alasan", 50, "wrap"),
          Column("SHA-256", 20), Column("Sidik Data", 20), Column("Dibuat", 24))

STATUS_TEXT = {"ok": "ada", "missing": "belum ada laporan", "rejected": "ditolak"}


def verdict(ok: bool | None) -> str:
    return {True: "sesuai", False: "TIDAK SESUAI"}.get(ok, "tidak diperiksa")


def source_fingerprint(sources: list[dict], *, listed: bool) -> dict:
    """How many sources, and one SHA-256 over all of them (name, file hash, status).

    A unit report does not list its files here: each one is already a row (with its SHA-256)
    in Rekap Pegawai, Tidak Valid or Duplikat, whose contents are hashed in ``checks``.
    """
    text = json.dumps(sources, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    data = {"count": len(sources), "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}
    if listed:
        data["items"] = sources
    return data


def report_metadata(level: str, period, units: list, *, checks: list, sources: list,
                    roster=None, org_predikat=None, generated_at: str, totals=None) -> dict:
    """The machine-readable description stored in the report's hidden sheet."""
    from . import __version__
    data = {"schema": REPORT_SCHEMA, "schema_version": REPORT_SCHEMA_VERSION, "level": level,
            "period": period.kode, "generated_at": generated_at,
            "tool": {"name": "skpxl", "version": __version__}, "roster": None,
            "org_predikat": org_predikat, "units": [u.to_dict() for u in units],
            "checks": checks, "sources": source_fingerprint(sources, listed=level != "unit")}
    if roster is not None:
        path = Path(roster.path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
        data["roster"] = {"file": path.name, "sha256": digest}
    if totals is not None:
        data["totals"] = totals.to_dict()
    return data


def write_metadata(book: ReportBook, data: dict) -> None:
    """Write the hidden metadata sheet (the JSON is split over cells of column A)."""
    ws = book.wb.create_sheet(REPORT_SHEET)
    ws.sheet_state = "hidden"
    put(ws, 1, 1, "Metadata skpxl untuk 'skpxl merge --level province'. Jangan diubah.")
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for i in range(0, max(1, len(text)), _CHUNK):
        put(ws, 2 + i // _CHUNK, 1, text[i:i + _CHUNK])


def _footer(ws, row: int, generated_at: str, roster) -> None:
    from . import __version__
    put(ws, row, 1, "Dibuat", font=BOLD)
    put(ws, row, 2, f"{generated_at} oleh skpxl {__version__}")
    if roster is not None:
        put(ws, row + 1, 1, "Roster", font=BOLD)
        put(ws, row + 1, 2, Path(roster.path).name)


def _kurva_block(ws, row: int, kurva, title: str, *, span: int = 1) -> int:
    """The curve verdict and its messages from ``row``; returns the last row written.

    A message spans ``span`` columns from B (merged) and gets a row height that fits it.
    """
    put(ws, row, 1, title, font=BOLD)
    put(ws, row + 1, 1, "Predikat organisasi")
    put(ws, row + 1, 2, kurva.org_predikat or "tidak diberikan")
    put(ws, row + 2, 1, "Hasil pemeriksaan")
    put(ws, row + 2, 2, verdict(kurva.ok), font=WARN_FONT if kurva.ok is False else BOLD)
    row += 2
    for message in kurva.messages:
        row += 1
        put(ws, row, 1, "Peringatan" if kurva.ok is False else "Catatan")
        put(ws, row, 2, message, wrap=True, font=WARN_FONT if kurva.ok is False else None)
        if span > 1:
            ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=1 + span)
        ws.row_dimensions[row].height = 15 * math.ceil(len(message) / 75)
    return row


def unit_book(data, period, *, roster=None, org_predikat=None, generated_at: str) -> ReportBook:
    """The unit report: Ringkasan, the tables, and the hidden metadata sheet."""
    s = data.summary
    book = ReportBook()
    ws = book.sheet("Ringkasan")
    put(ws, 1, 1, f"REKAPITULASI SKP {s.unit or '(UNIT TIDAK DIKETAHUI)'}".upper(),
        font=TITLE_FONT)
    put(ws, 2, 1, f"Periode {period.kode}: {period.label}, {period.range_text}")
    no_roster = "tidak diketahui (tanpa roster)"
    items = [("Unit kerja", s.unit), ("Periode", period.kode),
             ("Pegawai menurut roster", no_roster if s.expected is None else s.expected),
             ("File masuk", s.submitted), ("SKP sah (pegawai)", s.valid),
             ("File tidak valid", s.invalid), ("File duplikat disisihkan", s.duplicates),
             ("Pegawai belum punya SKP sah", no_roster if s.missing is None else s.missing),
             ("   di antaranya belum mengumpulkan",
              no_roster if s.not_submitted is None else s.not_submitted),
             ("Tingkat SKP sah", s.rate)]
    put(ws, 4, 1, "Uraian", font=BOLD)
    put(ws, 4, 2, "Jumlah", font=BOLD)
    for offset, (label, value) in enumerate(items, start=5):
        put(ws, offset, 1, label)
        put(ws, offset, 2, value, number_format="0.0%" if label.startswith("Tingkat") else None,
            left=True)
    head = 5 + len(items) + 1
    for col, text in enumerate(("Predikat", "Jumlah", "Persentase"), start=1):
        put(ws, head, col, text, font=BOLD)
    for offset, name in enumerate(PREDIKAT, start=1):
        put(ws, head + offset, 1, name)
        put(ws, head + offset, 2, s.predikat[name])
        put(ws, head + offset, 3, s.predikat[name] / s.valid if s.valid else None,
            number_format="0.0%")
    total = head + len(PREDIKAT) + 1
    put(ws, total, 1, "Jumlah", font=BOLD)
    put(ws, total, 2, s.valid, font=BOLD)
    chart = bar_chart("Distribusi predikat", Reference(ws, min_col=2, min_row=head,
                                                       max_row=total - 1),
                      Reference(ws, min_col=1, min_row=head + 1, max_row=total - 1))
    ws.add_chart(chart, "E4")
    last = _kurva_block(ws, total + 2, s.kurva, "Kurva distribusi (SE MenPANRB No. 3 Tahun 2023)")
    book.check_range(ws, f"A4:C{last}")
    _footer(ws, last + 2, generated_at, roster)
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 36, 70
    ws.column_dimensions["C"].width = 12
    tables = ((REKAP, data.rekap), (HASIL, data.hasil), (PERILAKU, data.perilaku),
              (BELUM, data.belum), (TIDAK_VALID, data.tidak_valid), (DUPLIKAT, data.duplikat))
    for sheet, (columns, rows) in zip(UNIT_TABLES, tables):
        book.table(TableSheet(sheet, sheet.replace(" ", ""), columns, rows))
    write_metadata(book, report_metadata("unit", period, [s], checks=book.checks,
                                  sources=data.sources, roster=roster,
                                  org_predikat=org_predikat, generated_at=generated_at))
    return book


def summary_row(s, status: str | None) -> tuple:
    """One row of Ringkasan Provinsi (also the totals row, with ``status`` None)."""
    return (s.unit or ("Jumlah" if status is None else "(unit tidak diketahui)"),
            STATUS_TEXT.get(status, status), s.expected, s.submitted, s.valid, s.invalid,
            s.duplicates, s.missing, s.not_submitted, s.rate,
            *(s.predikat[p] for p in PREDIKAT), s.kurva.org_predikat, verdict(s.kurva.ok),
            "\n".join(s.kurva.messages) if s.kurva.ok is False else None)


def province_book(units: list, totals, period, *, rekap, hasil, sources, roster=None,
                  org_predikat=None, generated_at: str) -> ReportBook:
    """The province report: Ringkasan Provinsi with charts, Rekap Pegawai, Hasil Kerja,
    Sumber, and the metadata sheet."""
    book = ReportBook()
    ws = book.sheet("Ringkasan Provinsi")
    put(ws, 1, 1, "REKAPITULASI SKP PROVINSI", font=TITLE_FONT)
    put(ws, 2, 1, f"Periode {period.kode}: {period.label}, {period.range_text}")
    spec = TableSheet("Ringkasan Provinsi", "RingkasanProvinsi", PROVINSI,
                      [summary_row(u, u.status) for u in units], top=4)
    book.table(spec, ws)
    ws.freeze_panes = "B5"
    ws.print_title_rows = "4:4"
    row = spec.end_row + 1
    for col, value in enumerate(summary_row(totals, None), start=1):
        put(ws, row, col, value, font=BOLD, wrap=col == len(PROVINSI),
            number_format=NUMBER_FORMATS.get(PROVINSI[col - 1].kind))
    book.check_range(ws, f"A{row}:{get_column_letter(len(PROVINSI))}{row}")
    last = _kurva_block(ws, row + 2, totals.kurva, "Kurva distribusi provinsi", span=8)
    _footer(ws, last + 2, generated_at, roster)
    first_predikat = 1 + PROVINSI.index(PREDIKAT_COLUMNS[0])
    chart = bar_chart("Distribusi predikat per unit",
                      Reference(ws, min_col=first_predikat, max_col=first_predikat + 4,
                                min_row=spec.top, max_row=spec.top + len(units)),
                      Reference(ws, min_col=1, min_row=spec.top + 1,
                                max_row=spec.top + len(units)),
                      stacked=True, horizontal=True, height=max(8, 0.5 * len(units)), width=24)
    ws.add_chart(chart, f"A{last + 5}")
    rate_chart = bar_chart("Tingkat SKP sah per unit",
                           Reference(ws, min_col=10, min_row=spec.top,
                                     max_row=spec.top + len(units)),
                           Reference(ws, min_col=1, min_row=spec.top + 1,
                                     max_row=spec.top + len(units)),
                           horizontal=True, height=max(8, 0.5 * len(units)), width=16)
    ws.add_chart(rate_chart, f"K{last + 5}")
    for sheet, columns, rows in zip(PROVINCE_TABLES[1:], (REKAP, HASIL, SUMBER),
                                    (rekap, hasil, sources)):
        book.table(TableSheet(sheet, sheet.replace(" ", ""), columns, rows))
    write_metadata(book, report_metadata("province", period, units, checks=book.checks,
                                  sources=[{"file": r[1], "sha256": r[6] or "", "unit": r[0],
                                            "status": r[4]} for r in sources],
                                  roster=roster, org_predikat=org_predikat,
                                  generated_at=generated_at, totals=totals))
    return book
