"""The signing sheet that opens every report: the paper a unit head or the province head signs.

It prints on one A4 page (portrait, 10 pt): a title naming the level, the agency and the unit
or region; the period with its year and dates; the summary; the predikat table and chart;
the curve verdict in words; and the signature block (place, date, position, name, NIP), filled
from the roster or the agency profile (:func:`skpxl.profile.signatory_for`), else dotted
lines to write on.

Everything on it is text formatted by :mod:`skpxl.textfmt` (``81,8%``, ``6 Desember 2026``),
so the paper reads the same on any computer whatever its locale; the numbers themselves are
in the tables, the exports and the report's metadata.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl.chart import Reference
from openpyxl.styles import Border, Font, PatternFill, Side
from openpyxl.worksheet.pagebreak import Break

from . import textfmt
from .domain import PREDIKAT
from .periods import Period
from .profile import Signatory
from .reportbook import (BOLD, FONT, SMALL_FONT, TEXT_FONT, TITLE_FONT, WARN_FONT, PageHeader,
                         ReportBook, bar_chart, fit_width, header_size, merge, put)

#: columns A-E of the sheet, in character widths (A4 portrait at 100 % even where a column
#: unit is widest, see skpxl.reportbook.PT_PER_UNIT); F (hidden) holds
#: the predikat counts as numbers for the chart
WIDTHS = (30, 11, 10, 10, 12)
LAST_COL = len(WIDTHS)
DOTS = "." * 36
SECTION_FILL = PatternFill("solid", fgColor="DDEBF7")
_LINE = Side(style="thin", color="808080")
BOX = Border(left=_LINE, right=_LINE, top=_LINE, bottom=_LINE)
NAME_FONT = Font(name=FONT, bold=True, underline="single", size=10)
WARN_TEXT = Font(name=FONT, size=10, color="9C0006")
SUBTITLE_FONT = Font(name=FONT, bold=True, size=11)
CHART_ROWS, ROW_HEIGHT, GAP = 9, 14.0, 7.0
#: printable height of A4 portrait with the report margins (0.7 in top and bottom)
PAGE_HEIGHT_PT = 842 - (0.7 + 0.7) * 72
MIN_SCALE = 80    # 10 pt text prints at 8 pt or more
SIGNATURE_COL = 3  # the signature block spans columns C-E

#: how the curve check reads on paper
VERDICT = {True: "sesuai kurva distribusi", False: "TIDAK SESUAI kurva distribusi",
           None: "tidak diperiksa"}
LEVEL_TITLE = {"unit": "REKAPITULASI SASARAN KINERJA PEGAWAI TINGKAT UNIT KERJA",
               "province": "REKAPITULASI SASARAN KINERJA PEGAWAI TINGKAT PROVINSI",
               "year-unit": "REKAPITULASI TAHUNAN KINERJA PEGAWAI TINGKAT UNIT KERJA",
               "year-province": "REKAPITULASI TAHUNAN KINERJA PEGAWAI TINGKAT PROVINSI"}
PREDIKAT_TITLE = "B. Predikat kinerja pegawai (SKP sah)"


@dataclass
class Paper:
    """Who and what a report's papers are about.

    ``scope`` is the unit's name (unit report) or the region (province report,
    ``Provinsi Jawa Timur``); empty when nothing tells. ``generated_at`` is ISO text."""

    level: str
    scope: str
    instansi: str
    period: Period
    signer: Signatory
    generated_at: str
    roster: str | None = None

    @property
    def header(self) -> PageHeader:
        return PageHeader(self.instansi, self.scope, self.period.heading(), self.period.dates())

    @property
    def day(self) -> date:
        try:
            return datetime.fromisoformat(self.generated_at).date()
        except ValueError:
            return date.today()

    def title(self) -> list[str]:
        """The title lines: level, unit or region, agency, period (unknown ones left out)."""
        lines = [LEVEL_TITLE[self.level], self.scope.upper(), self.instansi.upper(),
                 f"PERIODE {self.period.heading()} ({self.period.dates()})"]
        return [line for line in lines if line]


def _merged(ws, row: int, value, *, font=None, align: str = "left", wrap: bool = False,
            first: int = 1, last: int = LAST_COL):
    cell = put(ws, row, first, value, font=font, wrap=wrap, align=align)
    if last > first:
        merge(ws, row, first, row, last)
    return cell


def _height(text: str, width_units: float, size: float = 10) -> float:
    """Row height (points) for ``text`` wrapped in ``width_units`` of column width."""
    per_line = width_units * 11 / size * 0.95   # characters of this size on one line
    lines = sum(max(1, -(-len(part) // int(per_line))) for part in str(text).split("\n"))
    return max(ROW_HEIGHT, lines * (size + 3.5))


def _table_head(ws, row: int, headings) -> None:
    for col, text in enumerate(headings, start=1):
        put(ws, row, col, text, font=BOLD, fill=SECTION_FILL, border=BOX)


def _table_row(ws, row: int, values, *, font=None) -> None:
    for col, value in enumerate(values, start=1):
        put(ws, row, col, value, font=font, align="right" if col > 1 else None, border=BOX)


def summary_items(s, units=None) -> list[tuple[str, str]]:
    """The lines of section A as text: what came in, what is valid, who is missing."""
    unknown = "tidak diketahui (tanpa daftar pegawai)"
    num = textfmt.number
    items = []
    if units is not None:
        status = [u.status for u in units]
        items.append(("Unit kerja", f"{num(len(units))} ({num(status.count('ok'))} ada laporan, "
                                    f"{num(status.count('rejected'))} ditolak, "
                                    f"{num(status.count('missing'))} belum ada)"))
    items += [("Pegawai menurut daftar pegawai",
               unknown if s.expected is None else num(s.expected)),
              ("File SKP yang masuk", num(s.submitted)),
              ("Pegawai dengan SKP sah", num(s.valid)),
              ("File tidak sah", num(s.invalid)),
              ("File ganda yang disisihkan", num(s.duplicates)),
              ("Pegawai belum punya SKP sah", unknown if s.missing is None else num(s.missing)),
              ("   di antaranya belum mengumpulkan",
               unknown if s.not_submitted is None else num(s.not_submitted)),
              ("Tingkat SKP sah", "-" if s.rate is None else textfmt.percent(s.rate))]
    return items


class _Rows:
    """Writes a sheet row by row, every row with an explicit height, so the printed height
    of the sheet is known (and the sheet can be scaled to one page)."""

    def __init__(self, ws):
        self.ws, self.next, self.total = ws, 1, 0.0

    def take(self, height: float = ROW_HEIGHT) -> int:
        row = self.next
        self.ws.row_dimensions[row].height = height
        self.next += 1
        self.total += height
        return row

    def gap(self) -> None:
        self.take(GAP)


def write_signing_sheet(book: ReportBook, title: str, paper: Paper, s, *,
                        units=None, notes=(), items=None,
                        predikat_title: str = PREDIKAT_TITLE) -> None:
    """The signing sheet ``title`` for summary ``s`` (a unit's, or the province totals with
    the ``units``); ``notes`` are extra lines printed above the signature. ``items`` (label,
    value) replace the counts of section A (the year recap's); ``predikat_title`` names
    section B.

    It prints on one page: its scale is what fits the page (never under 80 %, so no text is
    under 8 pt); should it still not fit, the curve verdict and signature go to page 2."""
    ws = book.sheet(title, portrait=True)
    for col, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[chr(64 + col)].width = width
    ws.column_dimensions["F"].hidden = True
    rows = _Rows(ws)
    for number, line in enumerate(paper.title()):
        _merged(ws, rows.take(20 if number == 0 else 15), line,
                font=TITLE_FONT if number == 0 else SUBTITLE_FONT, align="center")
    rows.gap()
    first = rows.take()
    put(ws, first, 1, "A. Ringkasan", font=BOLD)
    head = rows.take()
    _table_head(ws, head, ("Uraian", "Jumlah", "", "", ""))
    merge(ws, head, 2, head, LAST_COL)
    for label, value in (summary_items(s, units) if items is None else items):
        row = rows.take()
        for col, text in enumerate((label, value, "", "", ""), start=1):
            put(ws, row, col, text, border=BOX)
        merge(ws, row, 2, row, LAST_COL)
    rows.gap()
    put(ws, rows.take(), 1, predikat_title, font=BOLD)
    head = rows.take()
    _table_head(ws, head, ("Predikat", "Jumlah", "Persentase"))
    ws.cell(row=head, column=6, value="Jumlah pegawai")   # the chart's series (hidden F)
    for name in PREDIKAT:
        count = s.predikat[name]
        row = rows.take()
        _table_row(ws, row, (name, textfmt.number(count),
                             textfmt.percent(count / s.valid) if s.valid else "-"))
        ws.cell(row=row, column=6, value=count)   # the chart's number (column F, hidden)
    _table_row(ws, rows.take(), ("Jumlah", textfmt.number(s.valid),
                                 "100%" if s.valid else "-"), font=BOLD)
    if s.valid:   # no valid SKP (a year without annual evaluations): no chart of zeros
        chart = bar_chart(None, Reference(ws, min_col=6, min_row=head, max_row=head + 5),
                          Reference(ws, min_col=1, min_row=head + 1, max_row=head + 5),
                          height=CHART_ROWS * ROW_HEIGHT / 28.35, width=16.5, values=True,
                          label_size=10)
        chart.visible_cells_only = False     # its numbers are in the hidden column F
        rows.gap()
        ws.add_chart(chart, f"A{rows.next}")
        for _ in range(CHART_ROWS):
            rows.take()
    rows.gap()
    verdict_row = rows.take()
    put(ws, verdict_row, 1, "C. Kurva distribusi predikat (SE MenPANRB No. 3 Tahun 2023)",
        font=BOLD)
    kurva = s.kurva
    row = rows.take()
    put(ws, row, 1, "Predikat organisasi")
    _merged(ws, row, kurva.org_predikat or "tidak diberikan", first=2)
    row = rows.take()
    put(ws, row, 1, "Hasil pemeriksaan")
    _merged(ws, row, VERDICT[kurva.ok], first=2, font=WARN_FONT if kurva.ok is False else BOLD)
    for message in kurva.messages:
        row = rows.take(_height(message, sum(WIDTHS[1:])))
        _merged(ws, row, message, wrap=True, first=2,
                font=WARN_TEXT if kurva.ok is False else None)
    book.check_range(ws, f"A{first}:{chr(64 + LAST_COL)}{row}")
    for note in notes:
        _merged(ws, rows.take(_height(note, sum(WIDTHS))), note, wrap=True)
    rows.gap()
    signature_block(rows, paper)
    from . import __version__
    made = (f"Dibuat {textfmt.moment(paper.generated_at)} dengan skpxl {__version__}"
            + (f" dari daftar pegawai {paper.roster}" if paper.roster else "") + ". Rincian "
            "per pegawai ada di sheet berikutnya.")
    rows.gap()
    _merged(ws, rows.take(_height(made, sum(WIDTHS))), made, font=SMALL_FONT, wrap=True)
    scale = fit_width(ws, WIDTHS)
    fits = int(100 * PAGE_HEIGHT_PT / rows.total)
    if fits >= MIN_SCALE:
        scale = min(scale, fits)
    else:   # too long for one page even at 80 %: the verdict and signature on page 2
        ws.row_breaks.append(Break(id=verdict_row - 1))
    ws.page_setup.scale = scale
    header_size(ws, math.ceil(800 / scale))   # the header too prints at 8 pt or more


def signature_block(rows: _Rows, paper: Paper) -> None:
    """Place and date, position, room to sign, name and NIP, in columns C-E. Unknown parts
    are dotted lines."""
    signer = paper.signer
    jabatan = signer.jabatan or DOTS
    nama = signer.nama or DOTS
    room = sum(WIDTHS[SIGNATURE_COL - 1:])
    lines = [(f"{signer.tempat or DOTS[:20]}, {textfmt.long_date(paper.day)}", TEXT_FONT,
              ROW_HEIGHT), (jabatan, TEXT_FONT, _height(jabatan, room)),
             ("", None, ROW_HEIGHT), ("", None, ROW_HEIGHT), ("", None, ROW_HEIGHT),
             (nama, NAME_FONT if signer.nama else TEXT_FONT, _height(nama, room)),
             (f"NIP. {signer.nip or DOTS[:24]}", TEXT_FONT, ROW_HEIGHT)]
    for text, font, height in lines:
        _merged(rows.ws, rows.take(height), text, font=font, first=SIGNATURE_COL,
                align="center", wrap=True)
