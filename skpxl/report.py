"""Report workbooks: writing them fast, reading them back, and checking they were not edited.

A report is laid out with openpyxl (headings, Excel Tables with filters, frozen header rows,
A4 landscape print setup, charts), but the rows of the big tables are not: openpyxl needs
tens of microseconds per cell, even in write-only mode, far too slow for 10,000 employees
(1.3 million cells). Each table is written with its
header and one *probe row* whose cells carry the column styles; after saving, the probe row
is replaced in the sheet XML by the real rows, rendered directly as XML (inline strings,
so no text is ever a formula). The styles are taken from the probe cells, so the layout
stays described once, in openpyxl terms.

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
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from .domain import PREDIKAT
from .errors import OutputError, UsageError
from .resources import schemas_dir
from .writer import sheet_parts, write_atomic

REPORT_SHEET = "_skpxl_report"
REPORT_SCHEMA = "skpxl/unit-report"
REPORT_SCHEMA_VERSION = "1.0"
MAX_CELL_CHARS = 32767
_CHUNK = 30000  # characters of metadata JSON per cell (a cell holds at most 32,767)
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CSV_DANGER = ("=", "+", "-", "@", "\t", "\r")

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)
WARN_FONT = Font(bold=True, color="9C0006")
NUMBER_FORMATS = {"int": "0", "number": "0.###", "percent": "0.0%"}


def cell_value(value):
    """A value as it is stored in a report cell: text cleaned and capped, numbers kept.

    Control characters are dropped, line ends become ``\\n`` and text is cut at Excel's
    32,767 characters. Non-finite numbers become text. What this returns is exactly what
    reading the cell back gives, so hashes taken here match hashes taken from the file.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, (date, datetime, time)):
        value = value.isoformat()
    text = _ILLEGAL_XML.sub("", str(value).replace("\r\n", "\n").replace("\r", "\n"))
    return text[:MAX_CELL_CHARS] if text else None


_SUSPECT = re.compile("[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ufffe\uffff]")


def clean_rows(rows) -> list[tuple]:
    """:func:`clean_row` of every row (``skpxl/_speedups.c`` does it where it was built)."""
    if _clean_rows is not None:
        return _clean_rows(rows, MAX_CELL_CHARS, cell_value)
    return [clean_row(r) for r in rows]


def clean_row(row) -> tuple:
    """:func:`cell_value` for a whole row, with a fast path for plain text and ints."""
    out = []
    for value in row:
        cls = value.__class__
        if cls is str:
            if not value:
                value = None
            elif len(value) > MAX_CELL_CHARS or _SUSPECT.search(value):
                value = cell_value(value)
        elif cls is not int and value is not None:
            value = cell_value(value)
        out.append(value)
    return tuple(out)


# --- tables -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    """One table column: heading, width in characters and kind (text, wrap, int, number,
    percent)."""

    heading: str
    width: float = 14
    kind: str = "text"


@dataclass
class TableSheet:
    """An Excel Table: ``rows`` (tuples in column order) under a header row at ``top``."""

    sheet: str
    name: str
    columns: tuple[Column, ...]
    rows: list[tuple] = field(default_factory=list)
    top: int = 1

    @property
    def headings(self) -> list[str]:
        return [c.heading for c in self.columns]

    @property
    def ref(self) -> str:
        """The table's range, header included (an empty table keeps one blank row)."""
        last = get_column_letter(len(self.columns))
        return f"A{self.top}:{last}{self.top + max(1, len(self.rows))}"

    @property
    def end_row(self) -> int:
        return self.top + max(1, len(self.rows))


def table_hash(headings, rows) -> str:
    """SHA-256 over the canonical text of ``headings`` and ``rows`` (as stored in cells).

    ``skpxl/_speedups.c`` writes the same text where it was built (:func:`_table_hash`
    here is what runs without it; the tests compare both)."""
    if _canonical_rows is None:
        return _table_hash(headings, rows)
    width = len(headings)
    digest = hashlib.sha256(_canonical_rows((headings,), width, _canonical))
    rows = rows if isinstance(rows, list) else list(rows)
    for start in range(0, len(rows), 4096):     # a few hundred KB at a time
        digest.update(_canonical_rows(rows[start:start + 4096], width, _canonical))
    return digest.hexdigest()


def _table_hash(headings, rows) -> str:
    digest = hashlib.sha256()
    width = len(headings)
    canonical = _canonical
    for row in (headings, *rows):
        parts = [("s:" + v if v else "") if v.__class__ is str else
                 "" if v is None else canonical(v) for v in row[:width]]
        if len(parts) < width:
            parts += [""] * (width - len(parts))
        digest.update("\x1f".join(parts).encode("utf-8"))
        digest.update(b"\x1e")
    return digest.hexdigest()


def _canonical(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f"b:{int(value)}"
    if isinstance(value, (int, float)):
        # 15 significant digits: what every spreadsheet program keeps when it re-saves
        return "n:" + format(float(value), ".15g")
    if isinstance(value, (date, datetime, time)):
        return "d:" + value.isoformat()
    return "s:" + str(value)


class ReportBook:
    """A report workbook being built: normal sheets by openpyxl, table rows spliced in."""

    def __init__(self):
        self.wb = Workbook()
        self.wb.remove(self.wb.active)
        self.tables: list[TableSheet] = []
        self.checks: list[dict] = []

    def sheet(self, title: str):
        ws = self.wb.create_sheet(title)
        print_setup(ws)
        return ws

    def table(self, spec: TableSheet, ws=None, *, checked: bool = True):
        """Lay out ``spec`` (on a new sheet unless ``ws``); its rows are written on save."""
        spec.rows = clean_rows(spec.rows)
        if ws is None:
            ws = self.sheet(spec.sheet)
            ws.freeze_panes = f"A{spec.top + 1}"
            ws.print_title_rows = f"{spec.top}:{spec.top}"
        for col, column in enumerate(spec.columns, start=1):
            head = ws.cell(row=spec.top, column=col, value=column.heading)
            head.data_type = "s"
            head.font, head.fill = HEADER_FONT, HEADER_FILL
            head.alignment = Alignment(wrap_text=True, vertical="center")
            probe = ws.cell(row=spec.top + 1, column=col)
            probe.alignment = Alignment(wrap_text=column.kind == "wrap", vertical="top")
            if column.kind in NUMBER_FORMATS:
                probe.number_format = NUMBER_FORMATS[column.kind]
            ws.column_dimensions[get_column_letter(col)].width = column.width
        # columns given explicitly: otherwise openpyxl reads (and so creates) every cell of
        # the range to find the headings, which costs seconds on a big table
        ws.row_dimensions[spec.top].height = 30
        table = Table(displayName=spec.name, ref=spec.ref, autoFilter=AutoFilter(ref=spec.ref),
                      tableColumns=[TableColumn(id=i, name=c.heading)
                                    for i, c in enumerate(spec.columns, start=1)])
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        ws.add_table(table)
        self.tables.append(spec)
        if checked:
            self.checks.append({"sheet": spec.sheet, "ref": spec.ref, "rows": len(spec.rows),
                                "sha256": table_hash(spec.headings, spec.rows)})
        return ws

    def check_range(self, ws, ref: str) -> None:
        """Record the hash of a range of cells written with :func:`put` on ``ws``."""
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        rows = [[ws.cell(row=r, column=c).value for c in range(min_col, max_col + 1)]
                for r in range(min_row + 1, max_row + 1)]
        heading = [ws.cell(row=min_row, column=c).value for c in range(min_col, max_col + 1)]
        self.checks.append({"sheet": ws.title, "ref": ref, "rows": max_row - min_row,
                            "sha256": table_hash(heading, rows)})

    def metadata(self, data: dict) -> None:
        """Write the hidden metadata sheet (the JSON is split over cells of column A)."""
        ws = self.wb.create_sheet(REPORT_SHEET)
        ws.sheet_state = "hidden"
        put(ws, 1, 1, "Metadata skpxl untuk 'skpxl merge --level province'. Jangan diubah.")
        text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        for i in range(0, max(1, len(text)), _CHUNK):
            put(ws, 2 + i // _CHUNK, 1, text[i:i + _CHUNK])

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.wb.save(buffer)
        return splice_rows(buffer.getvalue(), self.tables)


def print_setup(ws) -> None:
    """A4 landscape, fitted to the page width."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def put(ws, row: int, col: int, value, *, font=None, number_format: str | None = None,
        wrap: bool = False, left: bool = False):
    """Write one cell; text always stays text (a leading ``=`` is never a formula)."""
    cell = ws.cell(row=row, column=col)
    value = cell_value(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    if font is not None:
        cell.font = font
    if number_format:
        cell.number_format = number_format
    if wrap or left:
        cell.alignment = Alignment(wrap_text=wrap, vertical="top",
                                   horizontal="left" if left else None)
    return cell


def bar_chart(title: str, data: Reference, categories: Reference, *, stacked: bool = False,
              horizontal: bool = False, height: float = 7.5, width: float = 15) -> BarChart:
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.title = title
    chart.height, chart.width = height, width
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(categories)
    if stacked:
        chart.grouping, chart.overlap = "stacked", 100
    else:
        chart.legend = None
    return chart


# --- splicing the rows into the saved workbook ------------------------------------------

_CELL_STYLE = re.compile(r'<c r="([A-Z]+)\d+"(?: s="(\d+)")?')
_DIMENSION = re.compile(r'<dimension ref="([A-Z]+\d+)(?::([A-Z]+)(\d+))?"\s*/>')


def splice_rows(data: bytes, tables: list[TableSheet]) -> bytes:
    """Replace each table's probe row with its rows, rendered as sheet XML.

    A table sheet is rendered, encoded and compressed a few thousand rows at a time
    (:func:`_sheet_chunks`): the province report of 10,000 employees has a Hasil Kerja
    sheet of about 43 MB of XML, which is never held whole, as text or as bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = sheet_parts(source)
    by_member: dict[str, list[TableSheet]] = {}
    for spec in tables:
        by_member.setdefault(parts[spec.sheet], []).append(spec)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            if info.filename in by_member:
                xml = source.read(info.filename).decode("utf-8")
                _write_member(target, entry, _sheet_chunks(xml, by_member[info.filename]))
            else:
                target.writestr(entry, source.read(info.filename), compresslevel=6)
    return out.getvalue()


_BIG_MEMBER = 4 << 20   # bytes of XML above which a sheet is deflated for speed over size
_CHUNK_ROWS = 2048


def _write_member(target: zipfile.ZipFile, entry: zipfile.ZipInfo, chunks) -> None:
    """Write the member ``entry`` from an iterator of byte chunks.

    Up to :data:`_BIG_MEMBER` bytes are gathered first: a member that fits is deflated at
    level 6 in one piece, a bigger one at level 1 as the chunks come."""
    chunks, pending, size = iter(chunks), [], 0
    for chunk in chunks:
        pending.append(chunk)
        size += len(chunk)
        if size > _BIG_MEMBER:
            break
    else:
        target.writestr(entry, b"".join(pending), compresslevel=6)
        return
    if hasattr(entry, "compress_level"):   # Python 3.13 and newer
        entry.compress_level = 1
    else:                                   # what writestr(compresslevel=1) sets before
        entry._compresslevel = 1
    with target.open(entry, "w") as stream:
        for chunk in pending:
            stream.write(chunk)
        del pending
        for chunk in chunks:
            stream.write(chunk)


def _sheet_chunks(xml: str, specs: list[TableSheet]):
    """The sheet's XML as UTF-8 chunks: each table's probe row replaced by its rows
    (rendered :data:`_CHUNK_ROWS` at a time) and the dimension widened to cover them."""
    cuts = []
    for spec in specs:
        probe = spec.top + 1
        match = re.search(rf'<row r="{probe}"[^>]*?(?:/>|>.*?</row>)', xml, re.DOTALL)
        if match is None:  # pragma: no cover - openpyxl always writes the styled probe cells
            raise OutputError(f"Sheet '{spec.sheet}': baris contoh tidak ditemukan.")
        cuts.append((match, spec))
    cuts.sort(key=lambda cut: cut[0].start())
    head = xml[:cuts[0][0].start()]
    dim = _DIMENSION.search(head)
    if dim:
        last_col = max([len(spec.columns) for _, spec in cuts]
                       + [_col_number(dim.group(2) or "A")])
        last_row = max([spec.end_row for _, spec in cuts] + [int(dim.group(3) or 1)])
        head = (head[:dim.start()] + f'<dimension ref="A1:{get_column_letter(last_col)}'
                f'{last_row}"/>' + head[dim.end():])
    yield head.encode("utf-8")
    for n, (match, spec) in enumerate(cuts):
        styles = {letter: style for letter, style in _CELL_STYLE.findall(match.group(0))}
        letters = [get_column_letter(col) for col in range(1, len(spec.columns) + 1)]
        attrs = [f' s="{styles[L]}"' if styles.get(L) else "" for L in letters]
        wraps = [c.width if c.kind == "wrap" else None for c in spec.columns]
        for start in range(0, len(spec.rows), _CHUNK_ROWS):
            yield render_rows(spec.rows[start:start + _CHUNK_ROWS], spec.top + 1 + start,
                              letters, attrs, wraps).encode("utf-8")
        until = cuts[n + 1][0].start() if n + 1 < len(cuts) else len(xml)
        yield xml[match.end():until].encode("utf-8")


def _col_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def render_rows(rows, first_row: int, letters: list[str], attrs: list[str],
                wrap_widths: list[float | None] | None = None) -> str:
    """Rows as ``<row>`` XML; text as inline strings (never formulas).

    Spreadsheet programs do not fit row heights to wrapped text when they open a file, so a
    row whose text wraps (``wrap_widths``: the column width, or None) gets a height here.
    ``skpxl/_speedups.c`` writes the same XML where it was built (the tests compare both).
    """
    wraps = [(i, w) for i, w in enumerate(wrap_widths or []) if w]
    if _render_rows is not None:
        return _render_rows(rows, first_row, list(letters), list(attrs), wraps)
    out = []
    for offset, row in enumerate(rows):
        r = str(first_row + offset)
        cells = []
        for letter, attr, value in zip(letters, attrs, row):
            if value is None or value == "":
                continue
            if value.__class__ is str:
                if "&" in value or "<" in value or ">" in value:
                    value = escape(value)
                cells.append(f'<c r="{letter}{r}"{attr} t="inlineStr"><is><t xml:space="preserve">'
                             f'{value}</t></is></c>')
            elif value.__class__ is bool:
                cells.append(f'<c r="{letter}{r}"{attr} t="b"><v>{int(value)}</v></c>')
            else:
                cells.append(f'<c r="{letter}{r}"{attr}><v>{value!r}</v></c>')
        lines = 1
        for i, width in wraps:
            text = row[i]
            if text.__class__ is str and (len(text) > width or "\n" in text):
                lines = max(lines, sum(1 + int(len(part) * 1.1 // width)
                                       for part in text.split("\n")))
        height = f' ht="{min(409, 15 * lines)}" customHeight="1"' if lines > 1 else ""
        out.append(f'<row r="{r}"{height}>{"".join(cells)}</row>')
    return "".join(out)


try:
    from ._speedups import (canonical_rows as _canonical_rows, clean_rows as _clean_rows,
                            render_rows as _render_rows)
except ImportError:  # not built (no C compiler where it was installed): the Python versions
    _canonical_rows = _clean_rows = _render_rows = None


def save(data: bytes, path: Path, *, force: bool) -> None:
    """Write ``data`` atomically; an existing file is replaced only with ``force``."""
    if path.exists() and not force:
        raise UsageError(f"File {path} sudah ada.", hint="Gunakan --force untuk menimpanya.")
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise OutputError(f"Tidak bisa menulis {path}: {exc.strerror or exc}.",
                          hint="Periksa bahwa foldernya ada, bisa ditulisi, dan disknya tidak "
                               "penuh; tutup file itu bila sedang dibuka di Excel.") from exc


def check_output(path: Path, *, force: bool) -> None:
    """Refuse early (before any work) an output that exists without ``force``."""
    if path.is_dir():
        raise UsageError(f"{path} adalah folder; beri nama file .xlsx untuk laporan.")
    if path.exists() and not force:
        raise UsageError(f"File {path} sudah ada.", hint="Gunakan --force untuk menimpanya.")


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
                         hint="Gunakan --force untuk menimpa, atau pilih folder lain.")


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
    book.metadata(report_metadata("unit", period, [s], checks=book.checks,
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
    book.metadata(report_metadata("province", period, units, checks=book.checks,
                                  sources=[{"file": r[1], "sha256": r[6] or "", "unit": r[0],
                                            "status": r[4]} for r in sources],
                                  roster=roster, org_predikat=org_predikat,
                                  generated_at=generated_at, totals=totals))
    return book
