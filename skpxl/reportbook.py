"""Report workbooks written fast: openpyxl lays them out, the big tables' rows are spliced in.

A report is laid out with openpyxl (headings, Excel Tables with filters, frozen header rows,
A4 print setup with page headers and footers, charts), but the rows of the big tables are
not: openpyxl needs
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
from copy import copy
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.text import RichText, Text
from openpyxl.chart.title import Title
from openpyxl.drawing.text import (CharacterProperties, Paragraph, ParagraphProperties,
                                   RegularTextRun)
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from . import textfmt
from .errors import OutputError, UsageError
from .writer import sheet_parts, write_atomic

MAX_CELL_CHARS = 32767
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

#: table text size: every table is laid out so that it prints on A4 landscape at 100 %, so
#: this is also the printed size (tests hold it to 7 pt or more on paper). At 100 %, not
#: scaled down: LibreOffice now and then adds a blank page after a scaled sheet whose
#: heading row repeats on every page
TABLE_SIZE = 7.5
FONT = "Calibri"   # LibreOffice prints it with the metric-compatible Carlito
HEADER_FONT = Font(name=FONT, bold=True, color="FFFFFF", size=TABLE_SIZE)
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
TABLE_FONT = Font(name=FONT, size=TABLE_SIZE)
TABLE_BOLD = Font(name=FONT, bold=True, size=TABLE_SIZE)
ROW_PT = 11.0    # a table row of one line
LINE_PT = 10.5   # each line of a wrapped table row
_LINE = Side(style="thin", color="A6A6A6")
GRID = Border(left=_LINE, right=_LINE, top=_LINE, bottom=_LINE)
TITLE_FONT = Font(name=FONT, bold=True, size=13)
BOLD = Font(name=FONT, bold=True, size=10)
TEXT_FONT = Font(name=FONT, size=10)
SMALL_FONT = Font(name=FONT, size=10, color="595959")   # still 8 pt at 80 %
WARN_FONT = Font(name=FONT, bold=True, size=10, color="9C0006")
#: decimals of an angka kredit on paper (the rounding of skpxl/data/angka_kredit.toml)
AK_DECIMALS = 3
#: number formats of table columns; "decimal" and "percent" columns show text instead
NUMBER_FORMATS = {"int": "0"}
#: characters of 7.5 pt text that fit in one unit of column width (units are sized for the
#: workbook's 11 pt default font): whole words (headings), and on average for the row
#: heights of wrapped text (:func:`render_rows` adds its own margin for word breaks)
_CHARS_PER_UNIT = 1.39
_WRAP_CHARS_PER_UNIT = 1.3


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
    """One table column: heading, width in characters and kind.

    Kinds: ``text``, ``wrap`` (text that wraps), ``int``, ``ak`` (an angka kredit, always
    with :data:`AK_DECIMALS` decimals as the papers print it: ``3,125``, ``12,500``),
    ``number`` (any number, as the
    reader's spreadsheet shows it: for sheets that are not printed), ``decimal`` (a number;
    one that is not whole shows as Indonesian text, ``2,344``), ``value`` (a number as for
    ``decimal``, or text, as a target can be) and ``percent`` (a share, shown as ``81,8%``). Printed sheets must not depend on the reader's locale, which decides how
    Excel shows a decimal number; the rows themselves (and the exports) keep the numbers.
    """

    heading: str
    width: float = 14
    kind: str = "text"


@dataclass
class TableSheet:
    """An Excel Table: ``rows`` (tuples in column order) under a header row at ``top``.

    ``hidden`` names columns hidden on the sheet (they do not print; the data and the
    exports keep them). ``cells`` is set when the table is laid out: the rows as the sheet
    shows them (see :class:`Column`)."""

    sheet: str
    name: str
    columns: tuple[Column, ...]
    rows: list[tuple] = field(default_factory=list)
    top: int = 1
    hidden: tuple[str, ...] = ()
    cells: list[tuple] | None = None

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


def decimal_text(value: float) -> str:
    """A number that is not whole as Indonesian text, every digit kept: ``1.234,5``."""
    text = repr(float(value))
    if "e" in text or "n" in text:   # 1e-07, inf, nan: rare enough to show as Python does
        return text
    sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _, fraction = text.partition(".")
    return f"{sign}{int(whole):,}".replace(",", ".") + f",{fraction}"


_DECIMAL_TEXT = re.compile(r"-?\d{1,3}(?:\.\d{3})*,\d+")


def parse_decimal(value):
    """The number :func:`decimal_text` wrote (``2,344`` -> 2.344); any other value as it is."""
    if value.__class__ is str and _DECIMAL_TEXT.fullmatch(value):
        return float(value.replace(".", "").replace(",", "."))
    return value


def shown_rows(columns, rows: list[tuple]) -> list[tuple]:
    """``rows`` as the sheet shows them: ``decimal`` and ``percent`` columns as text.

    Rows without such values are the same tuples (no copy for the big tables)."""
    picks = [(i, c.kind) for i, c in enumerate(columns)
             if c.kind in ("decimal", "value", "percent", "ak")]
    if not picks:
        return rows
    out = []
    for row in rows:
        changed = None
        for i, kind in picks:
            value = row[i]
            if kind == "ak" and value.__class__ in (int, float) and math.isfinite(value):
                text = textfmt.number(value, decimals=AK_DECIMALS)
            elif value.__class__ is float and math.isfinite(value) and (
                    kind == "percent" or not value.is_integer()):
                text = textfmt.percent(value) if kind == "percent" else decimal_text(value)
            elif kind == "percent" and value.__class__ is int:
                text = textfmt.percent(value)
            else:
                continue
            changed = changed or list(row)
            changed[i] = text
        out.append(tuple(changed) if changed else row)
    return out


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


@dataclass(frozen=True)
class PageHeader:
    """What every printed page of a report says it is: agency, unit or province, period."""

    instansi: str
    scope: str
    period: str
    dates: str


class ReportBook:
    """A report workbook being built: normal sheets by openpyxl, table rows spliced in.

    ``header`` goes into the page header of every printed sheet; the footer names the
    sheet and counts pages (``Halaman 2 dari 5``)."""

    def __init__(self, header: PageHeader | None = None):
        self.wb = Workbook()
        self.wb.remove(self.wb.active)
        self.header = header
        self.tables: list[TableSheet] = []
        self.checks: list[dict] = []

    def sheet(self, title: str, *, portrait: bool = False, hidden: bool = False):
        """A new sheet: printed on A4 (landscape unless ``portrait``), or ``hidden`` (a
        hidden sheet never prints; it gets no print setup, since LibreOffice prints a
        hidden sheet that has print titles)."""
        ws = self.wb.create_sheet(title)
        if hidden:
            ws.sheet_state = "hidden"
        else:
            print_setup(ws, portrait=portrait, header=self.header)
        return ws

    def table(self, spec: TableSheet, ws=None, *, checked: bool = True, hidden: bool = False):
        """Lay out ``spec`` (on a new sheet unless ``ws``); its rows are written on save."""
        spec.rows = clean_rows(spec.rows)
        spec.cells = shown_rows(spec.columns, spec.rows)
        if ws is None:
            ws = self.sheet(spec.sheet, hidden=hidden)
            ws.freeze_panes = f"A{spec.top + 1}"
            if not hidden:
                ws.print_title_rows = f"{spec.top}:{spec.top}"
        lines = 1
        for col, column in enumerate(spec.columns, start=1):
            head = ws.cell(row=spec.top, column=col, value=column.heading)
            head.data_type = "s"
            style(head, font=HEADER_FONT, fill=HEADER_FILL, border=GRID, alignment=HEAD_ALIGN)
            style(ws.cell(row=spec.top + 1, column=col), font=TABLE_FONT, border=GRID,
                  alignment=ALIGN[column.kind], number_format=NUMBER_FORMATS.get(column.kind))
            letter = get_column_letter(col)
            # the column's style draws the lines of empty cells too (a row has no cell where
            # a value is empty); it adds nothing to what prints below the table
            style(ws.column_dimensions[letter], font=TABLE_FONT, border=GRID)
            ws.column_dimensions[letter].width = column.width
            if column.heading in spec.hidden:
                ws.column_dimensions[letter].hidden = True
            else:
                lines = max(lines, _lines(column.heading, column.width))
        if ws.sheet_state == "visible":
            fit_width(ws, [c.width for c in spec.columns if c.heading not in spec.hidden])
        # one line of table text: rows that do not wrap take no more (LibreOffice would give
        # them the 15 pt of the workbook's 11 pt default font)
        ws.sheet_format.defaultRowHeight = ROW_PT
        ws.sheet_format.customHeight = True
        # columns given explicitly: otherwise openpyxl reads (and so creates) every cell of
        # the range to find the headings, which costs seconds on a big table
        ws.row_dimensions[spec.top].height = 4 + 10.5 * lines
        table = Table(displayName=spec.name, ref=spec.ref, autoFilter=AutoFilter(ref=spec.ref),
                      tableColumns=[TableColumn(id=i, name=c.heading)
                                    for i, c in enumerate(spec.columns, start=1)])
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=True)
        ws.add_table(table)
        self.tables.append(spec)
        if checked:
            self.checks.append({"sheet": spec.sheet, "ref": spec.ref, "rows": len(spec.rows),
                                "sha256": table_hash(spec.headings, spec.cells)})
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


HEAD_ALIGN = Alignment(wrap_text=True, vertical="center")
#: numbers centred, text from the left edge: a number never touches the next column's text
#: ("0Baik"), and no room is lost to indents
ALIGN = {"text": Alignment(vertical="top", horizontal="left"),
         "wrap": Alignment(vertical="top", horizontal="left", wrap_text=True),
         "int": Alignment(vertical="top", horizontal="center"),
         "percent": Alignment(vertical="top", horizontal="center"),
         "number": Alignment(vertical="top", horizontal="center"),
         "decimal": Alignment(vertical="top", horizontal="center", wrap_text=True),
         "value": Alignment(vertical="top", horizontal="center", wrap_text=True),
         "ak": Alignment(vertical="top", horizontal="center")}


def _lines(text: str, width: float) -> int:
    """Lines that ``text`` takes in a table column ``width`` wide (words kept whole)."""
    room, lines, used = width * _CHARS_PER_UNIT, 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > room:
            lines, used = lines + 1, len(word)
        else:
            used += (1 if used else 0) + len(word)
    return lines


def _header_text(text: str) -> str:
    """Text for a page header or footer: ``&`` starts a code there, so it is doubled."""
    return text.replace("&", "&&")


#: points one unit of column width takes on paper at 100 % in the widest common rendering
#: (LibreOffice where Calibri and its metric twin Carlito are missing, as on a bare Linux
#: server: 7.0 pt measured; Excel with Calibri: 5.5 pt), and the printable width of A4 with
#: the margins below
PT_PER_UNIT = 7.1
PRINTABLE_PT = {"landscape": 842 - 2 * 0.3 * 72, "portrait": 595 - 2 * 0.5 * 72}


def print_setup(ws, *, portrait: bool = False, header: PageHeader | None = None) -> None:
    """A4, scaled by :func:`fit_width` once the columns are known; header (agency, unit or
    province, period) and footer (the sheet's name, ``Halaman N dari M``) in 8 pt."""
    ws.page_setup.orientation = "portrait" if portrait else "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    margins = ws.page_margins
    margins.left = margins.right = 0.5 if portrait else 0.3
    # 0.45 in between the page edge margins and the body: LibreOffice needs that much for
    # an 8 pt header or footer; with less it grows them after laying out the pages and
    # prints the rows pushed out on blank pages at the end of the sheet
    margins.top = margins.bottom = 0.7
    margins.header = margins.footer = 0.25
    left = " \u2014 ".join(p for p in (header.instansi, header.scope) if p) if header else ""
    right = (header.period if portrait else f"{header.period} ({header.dates})") if header \
        else ""
    parts = ((ws.oddHeader.left, left), (ws.oddHeader.right, right),
             (ws.oddFooter.left, ws.title), (ws.oddFooter.right, "Halaman &P dari &N"))
    for part, text in parts:
        text = text.strip()
        if text:
            part.text = text if "&P" in text else _header_text(text)
            part.size = 8


def header_size(ws, size: int) -> None:
    """Set the text size of the page header and footer of ``ws``."""
    for part in (ws.oddHeader.left, ws.oddHeader.right, ws.oddFooter.left,
                 ws.oddFooter.right):
        if part.text:
            part.size = size


def fit_width(ws, widths) -> int:
    """Print ``ws`` at the scale (percent, at most 100) that fits columns of ``widths`` in
    the page width; returns it.

    A fixed scale rather than "fit to page width": LibreOffice counts the pages of a
    fitted sheet before scaling it and prints the difference as blank pages."""
    room = PRINTABLE_PT[ws.page_setup.orientation or "landscape"]
    scale = min(100, int(100 * room / (PT_PER_UNIT * sum(widths))))
    ws.page_setup.scale = scale
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    return scale


def style(target, *, font=None, fill=None, border=None, alignment=None,
          number_format: str | None = None):
    """Give a cell or a column these style parts (shared objects, such as the constants
    above); the others are the workbook's defaults.

    Each distinct style is built once per workbook and copied after that: openpyxl hashes
    every style object it is handed, which for the few hundred styled cells of a report
    cost more than writing its rows."""
    cache = target.parent.parent.__dict__.setdefault("_skpxl_styles", {})
    key = (id(font), id(fill), id(border), id(alignment), number_format)
    found = cache.get(key)
    if found is None:
        target._style = StyleArray()
        for name, part in (("font", font), ("fill", fill), ("border", border),
                           ("alignment", alignment), ("number_format", number_format)):
            if part is not None:
                setattr(target, name, part)
        # the parts are kept with the style, so their ids stay theirs
        found = cache[key] = (copy(target._style), (font, fill, border, alignment))
    else:
        target._style = copy(found[0])
    return target


@lru_cache(maxsize=None)
def alignment(horizontal: str | None = None, wrap: bool = False) -> Alignment:
    """A shared top-aligned :class:`Alignment` (see :func:`style`)."""
    return Alignment(horizontal=horizontal, vertical="top", wrap_text=wrap)


def put(ws, row: int, col: int, value, *, font=None, number_format: str | None = None,
        wrap: bool = False, left: bool = False, align: str | None = None, fill=None,
        border=None):
    """Write one cell; text always stays text (a leading ``=`` is never a formula).

    Without ``font`` the cell gets :data:`TEXT_FONT`."""
    cell = ws.cell(row=row, column=col)
    value = cell_value(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    place = alignment(align or ("left" if left else None), wrap) if wrap or left or align \
        else None
    return style(cell, font=font or TEXT_FONT, fill=fill, border=border, alignment=place,
                 number_format=number_format)


def merge(ws, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
    """Merge a range whose other cells are empty (openpyxl's ``merge_cells`` also makes a
    cell object for each of them and draws their borders: slow, and not needed here)."""
    ws.merged_cells.add(CellRange(min_col=first_col, min_row=first_row, max_col=last_col,
                                  max_row=last_row))


def _text_properties(size: float) -> RichText:
    props = CharacterProperties(sz=int(size * 100))
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=props), endParaRPr=props)])


def bar_chart(title: str, data: Reference, categories: Reference, *, stacked: bool = False,
              horizontal: bool = False, height: float = 7.5, width: float = 15,
              label_size: float = 9, values: bool = False) -> BarChart:
    """A bar chart whose every category label is shown, at ``label_size`` points.

    A horizontal chart lists its categories top to bottom in table order. ``values`` writes
    each bar's number on it. ``height`` and ``width`` are in centimetres."""
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    if title:
        bold = CharacterProperties(sz=1100, b=True)
        chart.title = Title(tx=Text(rich=RichText(p=[Paragraph(
            pPr=ParagraphProperties(defRPr=bold), r=[RegularTextRun(rPr=bold, t=title)])])),
            overlay=False)
    chart.height, chart.width = height, width
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(categories)
    for axis in (chart.x_axis, chart.y_axis):
        axis.delete = False
        axis.txPr = _text_properties(label_size)
    chart.x_axis.tickLblSkip = 1     # every label, even when they are many
    if horizontal:
        chart.x_axis.scaling.orientation = "maxMin"
    if stacked:
        chart.grouping, chart.overlap = "stacked", 100
        chart.legend.position = "b"
    else:
        chart.legend = None
    if values:
        chart.dataLabels = DataLabelList(showVal=True, showSerName=False, showCatName=False,
                                         showLegendKey=False, showPercent=False)
        chart.dataLabels.txPr = _text_properties(label_size)
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
        # a hidden column does not print, so its text does not make a row taller
        wraps = [c.width * _WRAP_CHARS_PER_UNIT if c.kind in ("wrap", "decimal", "value") and
                 c.heading not in spec.hidden else None for c in spec.columns]
        rows = spec.cells if spec.cells is not None else spec.rows
        for start in range(0, len(rows), _CHUNK_ROWS):
            yield render_rows(rows[start:start + _CHUNK_ROWS], spec.top + 1 + start,
                              letters, attrs, wraps, LINE_PT).encode("utf-8")
        until = cuts[n + 1][0].start() if n + 1 < len(cuts) else len(xml)
        yield xml[match.end():until].encode("utf-8")


def _col_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def render_rows(rows, first_row: int, letters: list[str], attrs: list[str],
                wrap_widths: list[float | None] | None = None,
                line_height: float = 15) -> str:
    """Rows as ``<row>`` XML; text as inline strings (never formulas).

    Spreadsheet programs do not fit row heights to wrapped text when they open a file, so a
    row whose text wraps (``wrap_widths``: the column width, or None) gets a height here:
    ``line_height`` points a line (15 suits 11 pt text).
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
        height = (f' ht="{min(409, round(line_height * lines, 1)):g}" customHeight="1"'
                  if lines > 1 else "")
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
