"""The angka kredit papers of one employee, as one workbook ready to print on A4.

Sheets, in the order they are filed: one **lembar konversi predikat kinerja ke angka kredit**
per converted period (``Konversi TW III 2025``, ``Konversi 2025``), then, when a starting
angka kredit is known, the **lembar akumulasi angka kredit** (``Akumulasi``) and a **draft
Penetapan Angka Kredit** (``PAK``). The layouts follow the formats of PerBKN 3/2023 (Lampiran:
contoh konversi, akumulasi and penetapan angka kredit) as far as public copies show them;
what skpxl cannot know (Nomor Seri Karpeg, TMT, pendidikan, place of birth) prints as dotted
lines to fill in by hand.

Everything printed is text formatted by :mod:`skpxl.textfmt` (``3,125``, ``150%``,
``6 Januari 2026``), so the paper reads the same whatever the computer's locale. Papers are
Indonesian: they are official forms. Every sheet prints on A4 portrait with the agency, unit
and period in the page header and ``Halaman N dari M`` in the footer.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from . import textfmt
from .akdata import ak_data
from .akinputs import Awal, Person
from .akrules import Conversion, EmployeeAk, Progress, ak_text
from .nip import check_nip
from .periods import Period
from .profile import Signatory
from .reportbook import cell_value

#: column widths (characters) of every paper: A4 portrait at 100 % with 1.5 cm margins
GRID = (5, 22, 13, 11, 12, 9, 16)
LAST = len(GRID)
DOTS = "." * 30
SIZE, TABLE_SIZE, NOTE_SIZE = 10, 9, 8
FONT = "Calibri"   # Excel's own; LibreOffice without it uses a wider font (rows allow for it)
TITLE = Font(name=FONT, bold=True, size=12)
BOLD = Font(name=FONT, bold=True, size=SIZE)
TEXT = Font(name=FONT, size=SIZE)
CELL = Font(name=FONT, size=TABLE_SIZE)
CELL_BOLD = Font(name=FONT, bold=True, size=TABLE_SIZE)
NOTE = Font(name=FONT, italic=True, size=NOTE_SIZE)
SMALL = Font(name=FONT, size=NOTE_SIZE)
NAME = Font(name=FONT, bold=True, underline="single", size=SIZE)
_LINE = Side(style="thin", color="000000")
BOX = Border(left=_LINE, right=_LINE, top=_LINE, bottom=_LINE)
HEAD_FILL = PatternFill("solid", fgColor="E7E6E6")
_SHORT = {"triwulan": "TW", "bulanan": "", "tahunan": ""}
_ROMAN = ("I", "II", "III", "IV")

FORMULA_NOTE = ("Angka kredit = prosentase predikat × koefisien per tahun × jumlah bulan ÷ 12 "
                "(PermenPANRB 1/2023 Pasal 37; PerBKN 3/2023), dibulatkan {decimals} angka di "
                "belakang koma.")
DRAFT_NOTE = ("DRAF disiapkan dengan skpxl dari hasil evaluasi kinerja; diperiksa dan "
              "ditetapkan oleh pejabat yang berwenang menetapkan angka kredit.")


@dataclass(frozen=True)
class Context:
    """What every paper of one employee shares: who issues it, where and when it is signed."""

    instansi: str
    place: str
    day: date
    penilai: Signatory            # Pejabat Penilai Kinerja (the direct assessor)
    penetap: Signatory            # who establishes the PAK (often unknown: dotted lines)


def sheet_name(period: Period) -> str:
    """``Konversi TW III 2025``, ``Konversi 2025``, ``Konversi Juli 2025`` (<= 31 chars)."""
    if period.kind == "triwulan":
        return f"Konversi TW {_ROMAN[period.number - 1]} {period.year}"
    if period.kind == "bulanan":
        return f"Konversi {textfmt.BULAN[period.number - 1]} {period.year}"
    return f"Konversi {period.year}"


def span_heading(periods: list[Period]) -> str:
    """What a page header says a paper covers: one period's heading and dates
    (``TRIWULAN III 2025 (1 Juli – 30 September 2025)``), or the dates of several."""
    if len({p.kode for p in periods}) == 1:
        return f"{periods[0].heading()} ({periods[0].dates()})"
    return span_dates(periods)


def span_code(periods: list[Period]) -> str:
    """For file names: ``2025-Q3`` for one period, ``2025`` for several in one year,
    ``2024-2025`` across years."""
    if len({p.kode for p in periods}) == 1:
        return periods[0].kode
    years = sorted({p.year for p in periods})
    return str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"


def span_dates(periods: list[Period]) -> str:
    """``1 Januari – 30 September 2025``: from the first period's start to the last's end."""
    return textfmt.date_range(min(p.start for p in periods), max(p.end for p in periods))


# --- cells ------------------------------------------------------------------------------------

def _put(ws, row: int, col: int, value, *, font=TEXT, last: int | None = None,
         align: str = "left", wrap: bool = True, box: bool = False, fill=None,
         valign: str = "top"):
    """Write text (never a formula) into ``col`` (merged up to ``last``)."""
    cell = ws.cell(row=row, column=col)
    value = cell_value(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    cell.font = font
    cell.alignment = Alignment(horizontal=align, vertical=valign, wrap_text=wrap)
    if last is not None and last > col:
        ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=last)
    if box or fill is not None:
        for c in range(col, (last or col) + 1):
            other = ws.cell(row=row, column=c)
            if box:
                other.border = BOX
            if fill is not None:
                other.fill = fill
    return cell


def _width(first: int, last: int) -> float:
    return sum(GRID[first - 1:last])


def _lines(text: str, width: float, size: float) -> int:
    """Lines ``text`` takes when wrapped in ``width`` characters of 11 pt (words kept whole)."""
    room = max(4.0, width * 11 / size)
    count = 0
    for part in str(text or "").split("\n"):
        used, lines = 0, 1
        for word in part.split():
            if used and used + 1 + len(word) > room:
                lines, used = lines + 1, len(word)
            else:
                used += (1 if used else 0) + len(word)
        count += lines
    return max(1, count)


def _fit(ws, row: int, cells: list[tuple[str, int, int, float]]) -> None:
    """Give ``row`` the height its tallest wrapped text needs: ``(text, first, last, size)``."""
    height = max(_lines(text, _width(a, b), size) * (size + 3.2) + 3 for text, a, b, size in
                 cells)
    ws.row_dimensions[row].height = max(14.0, math.ceil(height * 2) / 2)


def plain(value) -> str:
    """A coefficient or requirement as printed: ``12,5``, ``100``."""
    return textfmt.number(float(value))


def gap_text(gap: Decimal | None) -> str:
    if gap is None:
        return "-"
    return f"Kelebihan {ak_text(gap)}" if gap >= 0 else f"Kekurangan {ak_text(-gap)}"


# --- blocks -----------------------------------------------------------------------------------

def _setup(ws, person: Person, ctx: Context, heading: str) -> None:
    for col, width in enumerate(GRID, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    setup = ws.page_setup
    setup.orientation, setup.paperSize = "portrait", ws.PAPERSIZE_A4
    setup.fitToWidth, setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    margins = ws.page_margins
    margins.left = margins.right = 0.6
    margins.top, margins.bottom, margins.header, margins.footer = 0.8, 0.7, 0.3, 0.3
    parts = ((ws.oddHeader.left, ctx.instansi), (ws.oddHeader.center, person.unit),
             (ws.oddHeader.right, heading),
             (ws.oddFooter.left, f"{person.nama} — NIP {person.nip}"),
             (ws.oddFooter.right, "Halaman &P dari &N"))
    for part, text in parts:
        if text:
            part.text = text if "&P" in text else text.replace("&", "&&")
            part.size = NOTE_SIZE
    ws.sheet_view.showGridLines = False


def _title(ws, row: int, title: str, *, draft: bool = False) -> int:
    if draft:
        _put(ws, row, 1, DRAFT_NOTE, font=NOTE, last=LAST, align="center")
        _fit(ws, row, [(DRAFT_NOTE, 1, LAST, NOTE_SIZE)])
        row += 1
    _put(ws, row, 1, title, font=TITLE, last=LAST, align="center")
    ws.row_dimensions[row].height = 18
    _put(ws, row + 1, 1, f"NOMOR : {DOTS}", font=TEXT, last=LAST, align="center")
    return row + 3


def _instansi_line(ws, row: int, ctx: Context, label: str, dates: str) -> int:
    instansi = f"Instansi : {ctx.instansi or DOTS}"
    masa = f"{label} : {dates}"
    _put(ws, row, 1, instansi, last=4)
    _put(ws, row, 5, masa, last=LAST)
    _fit(ws, row, [(instansi, 1, 4, SIZE), (masa, 5, LAST, SIZE)])
    return row + 2


def _born(person: Person) -> tuple[str, str]:
    """(``..., 20 Juni 1995``, ``Perempuan``) from the NIP, dotted where it does not tell."""
    checked = check_nip(person.nip)
    born = f"{DOTS[:16]}, {textfmt.long_date(checked.birth_date)}" if checked.birth_date \
        and not any(code == "nip.birth_date" for code, _ in checked.problems) else DOTS
    sex = {"L": "Laki-laki", "P": "Perempuan"}.get(checked.sex, DOTS)
    return born, sex


def _identity(ws, row: int, person: Person, *, short: bool = False) -> int:
    """Section I, KETERANGAN PERORANGAN (10 items; the PAK's 8 with ``short``)."""
    born, sex = _born(person)
    pangkat = f"{person.pangkat or DOTS} / TMT {DOTS[:14]}"
    jabatan = f"{person.jabatan or DOTS} / TMT {DOTS[:14]}"
    if short:
        items = [("Nama", person.nama), ("NIP", person.nip), ("Nomor Seri KARPEG", DOTS),
                 ("Tempat/Tgl. Lahir", born), ("Jenis Kelamin", sex),
                 ("Pangkat/Golongan Ruang/TMT", pangkat), ("Jabatan/TMT", jabatan),
                 ("Unit Kerja", person.unit)]
    else:
        items = [("Nama", person.nama), ("NIP", person.nip), ("Nomor Seri KARPEG", DOTS),
                 ("Pangkat/Golongan Ruang/TMT", pangkat), ("Tempat/Tanggal Lahir", born),
                 ("Jenis Kelamin", sex), ("Pendidikan", DOTS), ("Jabatan/TMT", jabatan),
                 ("Masa Kerja Golongan", DOTS), ("Unit Kerja", person.unit)]
    _put(ws, row, 1, "I", font=CELL_BOLD, box=True, fill=HEAD_FILL, align="center")
    _put(ws, row, 2, "KETERANGAN PERORANGAN", font=CELL_BOLD, last=LAST, box=True,
         fill=HEAD_FILL)
    for number, (label, value) in enumerate(items, start=1):
        r = row + number
        _put(ws, r, 1, str(number), font=CELL, box=True, align="center")
        _put(ws, r, 2, label, font=CELL, last=3, box=True)
        _put(ws, r, 4, value or DOTS, font=CELL, last=LAST, box=True)
        _fit(ws, r, [(label, 2, 3, TABLE_SIZE), (value or DOTS, 4, LAST, TABLE_SIZE)])
    return row + len(items) + 2


def _table(ws, row: int, spans: list[tuple[int, int]], heads: list[str],
           rows: list[list[str]], aligns: str, *, numbers: bool = True,
           bold_last: bool = False) -> int:
    """A bordered table whose columns span ``spans`` of the grid; ``aligns`` has one letter
    per column for the body (``l``eft, ``c``entre, ``r``ight). Returns the next free row."""
    where = {"l": "left", "c": "center", "r": "right"}

    def line(r: int, values: list[str], font, fill=None):
        cells = []
        for (a, b), value, align in zip(spans, values, aligns):
            _put(ws, r, a, value, font=font, last=b, box=True, fill=fill,
                 align="center" if fill is not None else where[align],
                 valign="center" if fill is not None else "top")
            cells.append((value, a, b, TABLE_SIZE))
        _fit(ws, r, cells)

    line(row, heads, CELL_BOLD, HEAD_FILL)
    row += 1
    if numbers:
        line(row, [f"({i})" for i in range(1, len(spans) + 1)], CELL, HEAD_FILL)
        row += 1
    for i, values in enumerate(rows):
        last = bold_last and i == len(rows) - 1
        line(row, values, CELL_BOLD if last else CELL)
        row += 1
    return row + 1


def _notes(ws, row: int, notes: list[str]) -> int:
    for text in notes:
        _put(ws, row, 1, text, font=NOTE, last=LAST)
        _fit(ws, row, [(text, 1, LAST, NOTE_SIZE)])
        row += 1
    return row + 1


def _signature(ws, row: int, ctx: Context, role: str, signer: Signatory, *,
               first: int = 5) -> int:
    """``Ditetapkan di``, ``Pada tanggal``, the role, room to sign, name and NIP."""
    place = ctx.place or DOTS[:20]
    lines = [(f"Ditetapkan di : {place}", TEXT), (f"Pada tanggal : {textfmt.long_date(ctx.day)}",
                                                  TEXT),
             (f"{role},", TEXT)]
    if signer.jabatan and signer.jabatan not in role:
        lines.append((signer.jabatan, TEXT))
    for text, font in lines:
        _put(ws, row, first, text, font=font, last=LAST)
        _fit(ws, row, [(text, first, LAST, SIZE)])
        row += 1
    for _ in range(3):
        ws.row_dimensions[row].height = 16
        row += 1
    _put(ws, row, first, signer.nama or DOTS, font=NAME if signer.nama else TEXT, last=LAST)
    _put(ws, row + 1, first, f"NIP. {signer.nip or DOTS[:22]}", last=LAST)
    return row + 3


def _confidence_notes(ak: EmployeeAk, progress: Progress | None = None) -> list[str]:
    """Notes for the figures of low confidence a paper uses (requirements with ``progress``)."""
    data = ak_data()
    notes = []
    for jenjang in sorted({line.jenjang for line in ak.lines}):
        koef = data.jenjang[jenjang].koefisien
        if koef.confidence == "low":
            notes.append(f"Catatan: koefisien {jenjang} ({plain(koef.value)}) belum dapat "
                         f"dipastikan dari teks peraturan; periksa sebelum ditandatangani.")
    if progress is not None:
        rule = data.jenjang[progress.needs.jenjang_name]
        if rule.ak_pangkat.confidence == "low":
            notes.append(f"Catatan: kebutuhan angka kredit jenjang {rule.name} bersumber dari "
                         f"bahan teknis BKN yang belum dapat dipastikan; periksa dengan "
                         f"peraturan jabatan fungsionalnya sebelum ditandatangani.")
    return notes


# --- the papers -------------------------------------------------------------------------------

def konversi_sheet(wb, person: Person, line: Conversion, ctx: Context, notes: list[str]) -> None:
    """The lembar konversi of one period (the annual layout of PerBKN 3/2023 for a year)."""
    ws = wb.create_sheet(sheet_name(line.period))
    _setup(ws, person, ctx, span_heading([line.period]))
    row = _title(ws, 1, "KONVERSI PREDIKAT KINERJA KE ANGKA KREDIT")
    row = _instansi_line(ws, row, ctx, "Periode", line.period.dates())
    row = _identity(ws, row, person)
    _put(ws, row, 1, "II", font=BOLD, align="center")
    _put(ws, row, 2, "KONVERSI PREDIKAT KINERJA KE ANGKA KREDIT", font=BOLD, last=LAST)
    row += 1
    percent = textfmt.percent(float(line.percent))
    koef = plain(line.koefisien)
    if line.annual and line.months == 12:
        row = _table(ws, row, [(2, 3), (4, 4), (5, 6), (7, 7)],
                     ["HASIL PENILAIAN KINERJA: PREDIKAT", "PROSENTASE",
                      "KOEFISIEN PER TAHUN", "ANGKA KREDIT YANG DIDAPAT (kolom 2 × kolom 3)"],
                     [[line.predikat, percent, koef, ak_text(line.value)]], "cccr")
    else:
        row = _table(ws, row, [(2, 2), (3, 3), (4, 4), (5, 5), (6, 6), (7, 7)],
                     ["PERIODE", "PREDIKAT", "PROSENTASE", "KOEFISIEN PER TAHUN",
                      "JUMLAH BULAN", "ANGKA KREDIT YANG DIDAPAT (kolom 3 × kolom 4 × "
                                      "kolom 5 ÷ 12)"],
                     [[line.period.dates(), line.predikat, percent, koef, str(line.months),
                       ak_text(line.value)]], "lccccr")
    row = _notes(ws, row, [f"Jenjang jabatan: {line.jenjang}.",
                           FORMULA_NOTE.format(decimals=ak_data().decimals), *notes])
    _signature(ws, row, ctx, "Pejabat Penilai Kinerja", ctx.penilai)


def akumulasi_sheet(wb, person: Person, ak: EmployeeAk, awal: Awal, progress: Progress,
                    ctx: Context, notes: list[str]) -> None:
    """The lembar akumulasi: AK awal, each counted conversion, the sum, what is still needed."""
    ws = wb.create_sheet("Akumulasi")
    periods = [line.period for line in ak.counted]
    _setup(ws, person, ctx, span_heading(periods))
    row = _title(ws, 1, "AKUMULASI ANGKA KREDIT")
    row = _instansi_line(ws, row, ctx, "Masa Penilaian", span_dates(periods))
    row = _identity(ws, row, person)
    _put(ws, row, 1, "II", font=BOLD, align="center")
    _put(ws, row, 2, "AKUMULASI ANGKA KREDIT", font=BOLD, last=LAST)
    row += 1
    spans = [(1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (6, 6), (7, 7)]
    body = [["1", f"Angka kredit awal: {_pak_text(awal)}", "", "", "", "", ak_text(awal.ak)]]
    for number, line in enumerate(ak.counted, start=2):
        body.append([str(number), line.period.dates(), line.predikat,
                     textfmt.percent(float(line.percent)), plain(line.koefisien),
                     str(line.months), ak_text(line.value)])
    body.append(["", "JUMLAH ANGKA KREDIT KUMULATIF", "", "", "", "", ak_text(progress.total)])
    row = _table(ws, row, spans, ["NO", "PERIODE", "PREDIKAT", "PROSENTASE",
                                  "KOEFISIEN PER TAHUN", "JUMLAH BULAN", "ANGKA KREDIT"],
                 body, "clccccr", bold_last=True)
    for r in (row - 1 - len(body), row - 2):   # the AK awal and total rows span B-F
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=6)
        ws.cell(row=r, column=2).alignment = Alignment(horizontal="left", vertical="top",
                                                       wrap_text=True)
        _fit(ws, r, [(ws.cell(row=r, column=2).value, 2, 6, TABLE_SIZE)])
    _put(ws, row, 1, "III", font=BOLD, align="center")
    _put(ws, row, 2, "KEBUTUHAN ANGKA KREDIT", font=BOLD, last=LAST)
    row += 1
    row = _table(ws, row, [(1, 4), (5, 6), (7, 7)], ["URAIAN", "PANGKAT", "JENJANG JABATAN"],
                 _needs_rows(progress), "lcc", numbers=False)
    row = _notes(ws, row, [FORMULA_NOTE.format(decimals=ak_data().decimals), *notes])
    _signature(ws, row, ctx, "Pejabat Penilai Kinerja", ctx.penilai)


def _pak_text(awal: Awal) -> str:
    nomor = awal.nomor or DOTS[:16]
    return f"PAK nomor {nomor} tanggal {textfmt.long_date(awal.tanggal)}"


def _next_pangkat(progress: Progress) -> str:
    needs = progress.needs
    if needs.pangkat_reason == "top":
        return "pangkat tertinggi jenjang ini"
    if needs.pangkat_reason == "pppk":
        return "tidak berlaku (PPPK)"
    if needs.next_golongan is None:
        return "tidak diketahui (golongan ruang)"
    name = ak_data().pangkat.get(needs.next_golongan, "")
    text = f"{name} ({needs.next_golongan})"
    return text + (", bersama kenaikan jenjang" if needs.pangkat_with_jenjang else "")


def _needs_rows(progress: Progress) -> list[list[str]]:
    needs = progress.needs
    need_p = "-" if needs.pangkat is None else plain(needs.pangkat)
    need_j = "-" if needs.jenjang is None else plain(needs.jenjang)
    return [["Jenjang dan golongan ruang saat ini", needs.golongan or "-", needs.jenjang_name],
            ["Kenaikan berikutnya", _next_pangkat(progress),
             needs.next_jenjang or "jenjang tertinggi"],
            ["Angka kredit kumulatif", ak_text(progress.total), ak_text(progress.total)],
            ["Angka kredit minimal yang harus dipenuhi", need_p, need_j],
            ["Kelebihan/kekurangan angka kredit", gap_text(progress.pangkat_gap),
             gap_text(progress.jenjang_gap)]]


def verdict_text(progress: Progress) -> str:
    """The PAK's closing line: DAPAT/TIDAK DAPAT DIPERTIMBANGKAN ... MENJADI ..."""
    needs = progress.needs
    pangkat = ak_data().pangkat.get(needs.next_golongan or "", "")
    golongan = f"{pangkat.upper()} ({needs.next_golongan})" if needs.next_golongan else ""
    if progress.eligible == "jenjang":
        text = (f"DAPAT DIPERTIMBANGKAN UNTUK KENAIKAN JENJANG JABATAN SETINGKAT LEBIH TINGGI "
                f"MENJADI {needs.next_jenjang.upper()}")
        return text + (f", PANGKAT/GOLONGAN RUANG {golongan}" if needs.pangkat_with_jenjang
                       and golongan else "")
    if progress.eligible == "pangkat":
        return (f"DAPAT DIPERTIMBANGKAN UNTUK KENAIKAN PANGKAT SETINGKAT LEBIH TINGGI MENJADI "
                f"{golongan}")
    return "TIDAK DAPAT DIPERTIMBANGKAN UNTUK KENAIKAN PANGKAT/JENJANG JABATAN SETINGKAT LEBIH " \
           "TINGGI"


def pak_sheet(wb, person: Person, ak: EmployeeAk, awal: Awal, progress: Progress,
              ctx: Context, notes: list[str]) -> None:
    """The draft PAK, rows and columns as PerBKN 3/2023 Lampiran (contoh penetapan)."""
    ws = wb.create_sheet("PAK")
    periods = [line.period for line in ak.counted]
    _setup(ws, person, ctx, span_heading(periods))
    row = _title(ws, 1, "PENETAPAN ANGKA KREDIT", draft=True)
    row = _instansi_line(ws, row, ctx, "Masa Penilaian", span_dates(periods))
    row = _identity(ws, row, person, short=True)
    _put(ws, row, 1, "HASIL PENILAIAN ANGKA KREDIT", font=BOLD, last=LAST)
    row += 1
    konversi = ak_text(progress.konversi)
    body = [["1", "AK Dasar yang diberikan", "", "", "", ""],
            ["2", "AK JF lama", "", "", "", ""],
            ["3", "AK Penyesuaian/ Penyetaraan", "", "", "", ""],
            ["4", "AK Konversi", "", konversi, konversi, span_dates(periods)],
            ["5", "AK yang diperoleh dari peningkatan pendidikan", "", "", "", ""],
            ["6", DOTS[:12], "", "", "", ""],
            ["", "JUMLAH ANGKA KREDIT KUMULATIF", ak_text(progress.awal), konversi,
             ak_text(progress.total), ""]]
    row = _table(ws, row, [(1, 1), (2, 3), (4, 4), (5, 5), (6, 6), (7, 7)],
                 ["II", "PENETAPAN ANGKA KREDIT", "LAMA", "BARU", "JUMLAH", "KETERANGAN"],
                 body, "clrrrc", bold_last=True)
    row = _notes(ws, row - 1, [f"Angka kredit lama: {_pak_text(awal)}; rinciannya menurut PAK "
                               f"tersebut."])
    needs = progress.needs
    rows = [["Angka Kredit Minimal yang harus dipenuhi untuk kenaikan pangkat/ jenjang",
             "-" if needs.pangkat is None else plain(needs.pangkat),
             "-" if needs.jenjang is None else plain(needs.jenjang)],
            ["Kelebihan/Kekurangan Angka Kredit yang harus dicapai untuk kenaikan pangkat",
             gap_text(progress.pangkat_gap), ""],
            ["Kelebihan/Kekurangan Angka Kredit yang harus dicapai untuk kenaikan jenjang", "",
             gap_text(progress.jenjang_gap)]]
    row = _table(ws, row, [(1, 4), (5, 6), (7, 7)], ["Keterangan", "Pangkat", "Jenjang Jabatan"],
                 rows, "lcc", numbers=False)
    verdict = verdict_text(progress)
    _put(ws, row, 1, verdict, font=BOLD, last=LAST)
    _fit(ws, row, [(verdict, 1, LAST, SIZE)])
    row = _notes(ws, row + 2, notes) if notes else row + 2
    end = _signature(ws, row, ctx, "Pejabat yang Berwenang Menetapkan Angka Kredit",
                     ctx.penetap)
    lines = ["ASLI Penetapan Angka Kredit untuk:", "Jabatan Fungsional yang bersangkutan.",
             "Tembusan disampaikan kepada:", "1. Pimpinan Instansi Pengusul;",
             "2. Pejabat Penilai Kinerja;", f"3. {DOTS}"]
    for offset, text in enumerate(lines):
        _put(ws, end + offset, 1, text, font=SMALL, last=4)


def employee_workbook(person: Person, ak: EmployeeAk, ctx: Context, *, awal: Awal | None = None,
                      progress: Progress | None = None) -> bytes:
    """The workbook of one employee: a Konversi sheet per line, then Akumulasi and PAK."""
    wb = Workbook()
    wb.remove(wb.active)
    for line in ak.lines:
        konversi_sheet(wb, person, line, ctx, _confidence_notes(ak))
    if awal is not None and progress is not None and ak.counted:
        notes = _confidence_notes(ak, progress)
        akumulasi_sheet(wb, person, ak, awal, progress, ctx, notes)
        pak_sheet(wb, person, ak, awal, progress, ctx, notes)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
