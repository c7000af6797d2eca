"""Report workbooks written fast: openpyxl lays them out, the big tables' rows are spliced in.

A report is laid out with openpyxl (headings, Excel Tables with filters, frozen header rows,
A4 landscape print setup, charts), but the rows of the big tables are not: openpyxl needs
tens of microseconds per cell, even in write-only mode, far too slow for 10,000 employees
(1.3 million cells). Each table is written with its header and one *probe row* whose cells
carry the column styles; after saving, the probe row is replaced in the sheet XML by the
real rows, rendered directly as XML (inline strings, so no text is ever a formula), a few
thousand rows at a time. The styles are taken from the probe cells, so the layout stays
described once, in openpyxl terms.

What goes into a cell is cleaned once (:func:`cell_value`), and every table is hashed as it
is stored (:func:`table_hash`), so :mod:`skpxl.report` can tell later whether a report was
edited.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from .errors import OutputError, UsageError
from .writer import sheet_parts, write_atomic

MAX_CELL_CHARS = 32767
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

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
    """:func:`clean_row` of every row."""
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
    """SHA-256 over the canonical text of ``headings`` and ``rows`` (as stored in cells)."""
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
            raise OutputError(f"Sheet '{spec.sheet}': baris contoh tidak ditemukan.",
                              en=f"Sheet '{spec.sheet}': the probe row was not found.")
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
    """
    wraps = [(i, w) for i, w in enumerate(wrap_widths or []) if w]
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


def save(data: bytes, path: Path, *, force: bool) -> None:
    """Write ``data`` atomically; an existing file is replaced only with ``force``."""
    if path.exists() and not force:
        raise _exists(path)
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise OutputError(f"Tidak bisa menulis {path}: {exc.strerror or exc}.",
                          hint="Periksa bahwa foldernya ada, bisa ditulisi, dan disknya tidak "
                               "penuh; tutup file itu bila sedang dibuka di Excel.",
                          en=f"Cannot write {path}: {exc.strerror or exc}.",
                          hint_en="Check that the folder exists and is writable and that the "
                                  "disk is not full; close the file if it is open in Excel."
                          ) from exc


def check_output(path: Path, *, force: bool) -> None:
    """Refuse early (before any work) an output that exists without ``force``."""
    if path.is_dir():
        raise UsageError(f"{path} adalah folder; beri nama file .xlsx untuk laporan.",
                         en=f"{path} is a folder; give the report a .xlsx file name.")
    if path.exists() and not force:
        raise _exists(path)


def _exists(path: Path) -> UsageError:
    return UsageError(f"File {path} sudah ada.", hint="Gunakan --force untuk menimpanya.",
                      en=f"File {path} already exists.", hint_en="Use --force to overwrite it.")
