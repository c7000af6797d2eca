"""Build the shipped SKP templates and their manifests (reproducibly).

Run ``python -m skpxl.templatebuild [OUTDIR]`` (default: ``templates/``). This script is the
one place that knows coordinates: it lays the forms out and declares every field as an Excel
defined name plus a manifest entry. Everything else reads the names.

What the printed paper needs is declared here too, as data the writer reads:

- repeating groups staff extend (hasil kerja, lampiran) carry ``blank_blocks`` in the
  manifest: at generation the writer hides the rows a document leaves empty (showing that
  many blocks when the group is empty), so paper and screen show what is used;
- ``print.keep`` lists defined names over rows that print together: a title ``with`` the
  next rows, a signature block ``with`` the previous ones, a table kept whole when it can be
  (``soft``); the writer sets page breaks from them;
- page headers and footers hold ``{field}`` placeholders the writer fills per employee.
"""

from __future__ import annotations

import io
import json
import re
import sys
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.formatting.rule import FormulaRule
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from . import domain
from .manifest import METADATA_SHEET, Field, col_to_index, index_to_col
from .paper import LINE as LINE_SPACING, PADDING, column_points, wrapped_lines

TEMPLATE_VERSION = "2.0.0"
FIXED_TIME = datetime(2025, 1, 1, 0, 0, 0)

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
HEAD_FILL = PatternFill("solid", fgColor="D9D9D9")
SECTION_FILL = PatternFill("solid", fgColor="EDEDED")
FONT = Font(name="Arial", size=9)
BOLD = Font(name="Arial", size=9, bold=True)
TITLE = Font(name="Arial", size=11, bold=True)
ITALIC = Font(name="Arial", size=8, italic=True)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
TOP_CENTER = Alignment(horizontal="center", vertical="top", wrap_text=True)
DATE_FORMAT = "[$-421]d mmmm yyyy;@"

LINE = 13.0      # height of a one-line row (9 pt text)
SPACER = 4.0     # a thin empty row between parts of a form

CAPACITY = {"utama": 10, "tambahan": 5, "iki_per_rhk": 4, "lampiran": 5, "rhk_pimpinan": 20}
#: blocks a form shows where the plan has none (the other capacity rows stay hidden)
BLANK_BLOCKS = {"utama": 3, "tambahan": 0, "lampiran": 3}

LISTS = {
    "list_rating": list(domain.RATINGS),
    "list_predikat": list(domain.PREDIKAT),
    "list_aspek": list(domain.ASPEK),
    "list_perspektif": list(domain.PERSPEKTIF),
    "list_predikat_organisasi": list(domain.PREDIKAT_ORGANISASI),
}

#: page header and footers; ``{name}`` is filled by the writer with that field's value
HEADER_LEFT = "{instansi}\n{pegawai_unit_kerja}"
HEADER_RIGHT = "{periode_judul}"
FOOTER_LEFT = "{paper} · {pegawai_nama} · NIP {pegawai_nip}"
FOOTER_RIGHT = "Halaman &P dari &N"

PETUNJUK = [
    ("PETUNJUK PENGISIAN SASARAN KINERJA PEGAWAI (SKP)", "title"),
    ("", ""),
    ("1. Sel berwarna KUNING masih harus diisi oleh pegawai atau pejabat penilai; warnanya "
     "hilang setelah diisi, sehingga formulir yang lengkap tercetak tanpa warna. Isian yang "
     "sudah ada (misalnya rencana kerja) tetap boleh diubah. Sel lain diisi oleh bagian SDM "
     "dan dikunci.", ""),
    ("2. Jangan mengubah nama, NIP, jabatan, unit kerja, maupun data pejabat penilai. Jika ada "
     "yang salah, hubungi bagian SDM; jangan memperbaikinya sendiri.", ""),
    ("3. Jangan menyisipkan atau menghapus baris, kolom, atau sheet, dan jangan mengganti nama "
     "sheet.", ""),
    ("4. Lembar SKP dan Evaluasi hanya menampilkan baris yang terpakai. Baris cadangan (sampai "
     "10 RHK utama dan 5 RHK tambahan, masing-masing sampai 4 IKI, serta 5 baris setiap daftar "
     "Lampiran) disembunyikan agar tidak ikut tercetak. Nomor baris yang melompat (misalnya "
     "28 lalu 57) menandai baris yang tersembunyi. Untuk menambah RHK atau IKI:", ""),
    ("   a. Excel dan WPS: pilih baris di atas dan di bawah lompatan nomor baris, klik kanan, "
     "lalu pilih Unhide (Tampilkan). Isi baris yang diperlukan; baris yang tetap kosong boleh "
     "disembunyikan lagi (pilih barisnya, klik kanan, Hide).", ""),
    ("   b. LibreOffice: lembar yang dikunci tidak dapat menampilkan baris. Buka kuncinya "
     "dengan Tools > Protect Sheet (hilangkan centangnya), pilih baris di atas dan di bawah "
     "lompatan nomor baris, lalu Format > Rows > Show. Jika diminta kata sandi, hubungi "
     "bagian SDM.", ""),
    ("   c. Tampilkan juga baris yang sama di lembar Evaluasi, supaya realisasinya dapat "
     "diisi. Baris yang Anda tampilkan dan isi dibaca seperti baris lainnya.", ""),
    ("5. Lembar SKP: isi Rencana Hasil Kerja (RHK), pilih RHK pimpinan yang diintervensi dan "
     "aspek dari daftar pilihan, lalu isi Indikator Kinerja Individu (IKI) dan target. Target "
     "pendekatan kuantitatif ditulis sebagai angka pada kolom angka dan satuannya pada kolom "
     "satuan (misalnya 12 dan laporan).", ""),
    ("6. Lembar Evaluasi: isi realisasi berdasarkan bukti dukung untuk setiap IKI. Umpan balik, "
     "rating hasil kerja dan rating perilaku diisi oleh pejabat penilai dengan memilih dari "
     "daftar. Predikat kinerja dihitung otomatis dari kedua rating.", ""),
    ("7. Tempat dan tanggal di atas tanda tangan sudah diisi bagian SDM. Ubah bila formulir "
     "ditandatangani di tempat atau pada tanggal lain.", ""),
    ("8. Simpan dengan format yang sama (.xlsx) dan nama file yang sama, lalu kirim kembali "
     "ke bagian SDM.", ""),
    ("9. NIP selalu ditulis sebagai teks 18 digit. Jangan mengetik NIP sebagai angka, karena "
     "Excel akan merusak digit terakhirnya.", ""),
    ("10. Lembar Petunjuk ini tidak ikut tercetak. Setiap halaman yang dicetak memuat nama "
     "instansi, unit kerja, periode, nomor halaman, serta nama dan NIP pegawai.", ""),
]


class Layout:
    """Collects fields, names, validations and print hints while the sheets are laid out."""

    def __init__(self, wb: Workbook):
        self.wb = wb
        self.fields: list[Field] = []
        self.mirrors: list[dict] = []
        self.groups: list[dict] = []
        self.keeps: list[dict] = []
        self.validations: dict[tuple[str, str], DataValidation] = {}

    def name(self, name: str, ws, ref: str) -> None:
        self.wb.defined_names[name] = DefinedName(name, attr_text=f"'{ws.title}'!{absolute(ref)}")

    def keep(self, ws, first: int, last: int, name: str, *, with_: str | list[str] = "",
             soft: bool = False) -> None:
        """Rows ``first..last`` print on one page (``soft``: unless they cannot), glued
        to the ``next`` or ``previous`` row that prints, or to the first printed row of a
        group when one follows (a group id)."""
        self.name(name, ws, f"A{first}:A{last}")
        entry: dict = {"name": name}
        if with_:
            entry["with"] = with_
        if soft:
            entry["soft"] = True
        self.keeps.append(entry)

    def add_field(self, ws, ref: str, name: str, path: str, kind: str, type_: str, *,
                  choices=None, group=None, level=None, mirror=None, prefix="",
                  number_format=None, label="", source=None, strict_list=True,
                  fill: bool = True):
        """Declare a field whose cells start at ``ref`` (a range for group fields)."""
        self.name(name, ws, ref)
        self.fields.append(Field(name=name, path=path, kind=kind, type=type_, choices=choices,
                                 group=group, level=level, mirror=mirror, prefix=prefix,
                                 label=label))
        cells = [c for c in cells_of(ws, ref) if not isinstance(c, MergedCell)]
        if kind == "input" and fill:
            # yellow while empty (a conditional format): staff see what is left to fill,
            # and a finished form prints without input colour
            first = ref.split(":")[0]
            ws.conditional_formatting.add(ref, FormulaRule(
                formula=[f"LEN(TRIM({first}))=0"], fill=INPUT_FILL))
        for cell in cells:
            cell.protection = Protection(locked=kind != "input")
            if number_format:
                cell.number_format = number_format
            elif type_ == "string" and kind != "formula":
                cell.number_format = "@"
        if source and kind == "input":
            self.validate_list(ws, ref, source, strict=strict_list)

    def add_mirror(self, ws, ref: str, name: str, source: str, *, prefix: str = "",
                   group: str | None = None, level: str | None = None,
                   number_format: str | None = None) -> None:
        """A locked formula cell (or column range) that shows another field's value."""
        self.name(name, ws, ref)
        self.mirrors.append({k: v for k, v in {"name": name, "source": source, "prefix": prefix,
                                                "group": group, "level": level}.items() if v})
        for index, cell in enumerate(cells_of(ws, ref)):
            if isinstance(cell, MergedCell):
                continue
            if group:
                rows = self.group_rows(group)
                k = index // rows + 1 if level == "block" else index + 1
                target = f"INDEX({source},{(k - 1) * rows + 1 if level == 'block' else k})"
                cell.value = f'=IF({target}="","",{target})'
            else:
                quoted = prefix.replace('"', '""')
                cell.value = (f'=IF({source}="","","{quoted}"&{source})' if prefix
                              else f'=IF({source}="","",{source})')
            cell.protection = Protection(locked=True)
            if number_format:
                cell.number_format = number_format

    def group_rows(self, group_id: str) -> int:
        return next(g["rows_per_block"] for g in self.groups if g["id"] == group_id)

    def validate_list(self, ws, ref: str, source: str, *, strict: bool = True) -> None:
        key = (ws.title, source)
        dv = self.validations.get(key)
        if dv is None:
            dv = DataValidation(type="list", formula1=source, allow_blank=True,
                                showDropDown=False, showErrorMessage=strict,
                                errorTitle="Pilihan tidak tersedia",
                                error="Pilih salah satu nilai dari daftar.",
                                promptTitle="Pilih dari daftar", showInputMessage=True,
                                prompt="Klik panah di kanan sel untuk memilih.")
            ws.add_data_validation(dv)
            self.validations[key] = dv
        dv.add(ref)

    def manifest(self, template_id: str, title: str, jenis: str, pendekatan: str) -> dict:
        return {
            "id": template_id, "version": TEMPLATE_VERSION, "title": title, "jenis": jenis,
            "pendekatan": pendekatan, "file": f"{template_id}.xlsx",
            "description": "Generated by skpxl.templatebuild; fields are Excel defined names.",
            "metadata_sheet": METADATA_SHEET,
            "lists": {name: values for name, values in LISTS.items()},
            "groups": self.groups,
            "fields": [f.to_manifest() for f in self.fields],
            "mirrors": self.mirrors,
            "print": {"keep": self.keeps},
        }


def absolute(ref: str) -> str:
    return ":".join("$" + "".join(ch for ch in part if ch.isalpha()) + "$"
                    + "".join(ch for ch in part if ch.isdigit()) for part in ref.split(":"))


def cells_of(ws, ref: str):
    if ":" not in ref:
        return [ws[ref]]
    return [cell for row in ws[ref] for cell in row]


def style_range(ws, ref: str, *, border=True, font=FONT, align=WRAP, fill=None):
    for cell in cells_of(ws, ref):
        if border:
            cell.border = BORDER
        cell.font = font
        cell.alignment = align
        if fill:
            cell.fill = fill


def put(ws, ref: str, value, *, merge: str | None = None, font=FONT, align=WRAP, border=True,
        fill=None):
    """Write a static label, optionally merged over ``merge``."""
    ws[ref] = value
    area = merge or ref
    style_range(ws, area, border=border, font=font, align=align, fill=fill)
    if merge:
        ws.merge_cells(merge)


def span(first: str, last: str, row: int) -> str | None:
    """The merge ``first{row}:last{row}``, or None for one column."""
    return f"{first}{row}:{last}{row}" if first != last else None


def height(ws, row: int, points: float) -> None:
    ws.row_dimensions[row].height = points


def title_block(ws, lines, last_col: str, top: int = 1) -> int:
    """Title lines merged over the form's width; returns the next row."""
    for row, line in enumerate(lines, start=top):
        put(ws, f"A{row}", line, merge=f"A{row}:{last_col}{row}", font=TITLE, align=CENTER,
            border=False)
        height(ws, row, 14)
    return top + len(lines)


def spacer(ws, row: int) -> int:
    height(ws, row, SPACER)
    return row + 1


# --- the grid: hasil kerja columns and where the other parts of a form sit ---------------

JENIS_TITLE = {
    "JA/JF": "BAGI PEJABAT ADMINISTRASI DAN PEJABAT FUNGSIONAL",
    "JPT": "BAGI PEJABAT PIMPINAN TINGGI DAN PIMPINAN UNIT KERJA MANDIRI",
}


def hk_columns(jenis: str, pendekatan: str) -> list[dict]:
    """Hasil kerja columns of the SKP sheet, left to right.

    A column may span several sheet columns (``widths``): the narrow sheet columns that the
    identity blocks and signatures need line up with the table's, and the table's cells
    are merged over them. ``col``/``last`` are the first and last sheet column.
    """
    kuant = pendekatan == "kuantitatif"
    cols = [{"key": "no", "header": "NO", "widths": [4.5], "level": "block"}]
    if jenis == "JA/JF":
        cols.append({"key": "rhk_pimpinan", "header": "RENCANA HASIL KERJA PIMPINAN YANG "
                     "DIINTERVENSI", "widths": [22], "level": "block", "type": "string"})
        cols.append({"key": "rhk", "header": "RENCANA HASIL KERJA", "widths": [21],
                     "level": "block", "type": "string"})
        cols.append({"key": "aspek", "header": "ASPEK", "widths": [10], "level": "row",
                     "type": "enum", "choices": list(domain.ASPEK), "source": "list_aspek"})
        iki_widths = [4.5, 22, 8]
    else:
        cols.append({"key": "rhk", "header": "RENCANA HASIL KERJA", "widths": [21, 25],
                     "level": "block", "type": "string"})
        iki_widths = [4.5, 21, 5]
    cols.append({"key": "indikator", "header": "INDIKATOR KINERJA INDIVIDU" if kuant else
                 "UKURAN KEBERHASILAN / INDIKATOR KINERJA INDIVIDU", "widths": iki_widths,
                 "level": "row", "type": "string", "anchor": True})
    unit = 11 if jenis == "JA/JF" else 10
    if kuant:
        cols.append({"key": "target", "header": "TARGET", "widths": [7], "level": "row",
                     "type": "number", "header_span": 2})
        cols.append({"key": "satuan", "header": None, "widths": [unit], "level": "row",
                     "type": "string"})
    else:
        cols.append({"key": "target", "header": "TARGET", "widths": [7, unit], "level": "row",
                     "type": "string"})
    if jenis == "JPT":
        cols.append({"key": "perspektif", "header": "PERSPEKTIF", "widths": [15],
                     "level": "row", "type": "enum", "choices": list(domain.PERSPEKTIF),
                     "source": "list_perspektif"})
    index = 1
    for col in cols:
        col["col"], col["last"] = index_to_col(index), index_to_col(index + len(col["widths"]) - 1)
        index += len(col["widths"])
    return cols


#: the Evaluasi sheet's own widths for some columns of the grid (it is landscape)
EVALUASI_WIDTHS = {
    ("JA/JF", "kuantitatif"): {"B": 19, "C": 19, "D": 9, "F": 21, "G": 11, "J": 15, "K": 29},
    ("JA/JF", "kualitatif"): {"B": 19, "C": 19, "D": 9, "F": 21, "G": 11, "J": 15, "K": 29},
    ("JPT", "kuantitatif"): {"C": 20, "F": 10, "H": 9, "I": 19, "J": 15, "K": 29},
    # a narrative target needs the room a number and its unit do not
    ("JPT", "kualitatif"): {"C": 20, "F": 8, "H": 13, "I": 17, "J": 15, "K": 29},
}


def sheet_widths(cols: list[dict]) -> dict[str, float]:
    widths = {}
    for col in cols:
        for offset, width in enumerate(col["widths"]):
            widths[index_to_col(col_to_index(col["col"]) + offset)] = width
    return widths


def parts_of(cols: list[dict]) -> dict[str, str]:
    """Where the non-table parts sit: the right-hand identity block and signature start at
    the IKI column (``mid``); ``end`` is the last sheet column of the table."""
    mid = next(col["col"] for col in cols if col.get("anchor"))
    at = col_to_index(mid)
    return {"mid": mid, "before_mid": index_to_col(at - 1), "label2": index_to_col(at + 1),
            "value2": index_to_col(at + 2), "after_value2": index_to_col(at + 3),
            "end": cols[-1]["last"]}


def header_groups(cols: list[dict]) -> list[tuple[str, str, str]]:
    groups = []
    skip = 0
    for i, col in enumerate(cols):
        if skip:
            skip -= 1
            continue
        count = col.get("header_span", 1)
        groups.append((col["col"], cols[i + count - 1]["last"], col["header"]))
        skip = count - 1
    return groups


def identity_blocks(layout: Layout, ws, top: int, left: tuple[str, str, str, str],
                    right: tuple[str, str, str, str], source: bool) -> int:
    """The two numbered identity blocks (pegawai left, pejabat penilai right).

    ``left``/``right``: (number column, label column, first and last value column). With
    ``source`` the value cells are the prefilled fields themselves, else mirrors of them.
    """
    for no, label, first, last in (left, right):
        heading = "PEGAWAI YANG DINILAI" if (no, label) == left[:2] else \
            "PEJABAT PENILAI KINERJA"
        put(ws, f"{no}{top}", "NO", font=BOLD, align=CENTER, fill=HEAD_FILL)
        put(ws, f"{label}{top}", heading, merge=f"{label}{top}:{last}{top}", font=BOLD,
            align=CENTER, fill=HEAD_FILL)
    height(ws, top, LINE)
    rows = [("NAMA", "nama"), ("NIP", "nip"), ("PANGKAT/GOL. RUANG", "pangkat"),
            ("JABATAN", "jabatan"), ("UNIT KERJA", "unit_kerja")]
    suffix = "" if source else f"_{ws.title.lower().replace(' ', '_')[:3]}"
    for i, (label_text, key) in enumerate(rows, start=1):
        r = top + i
        height(ws, r, LINE)
        for who, (no, label, first, last) in (("pegawai", left), ("penilai", right)):
            put(ws, f"{no}{r}", i, align=TOP_CENTER)
            # a long label shrinks a little rather than wrap into the next row
            put(ws, f"{label}{r}", label_text, align=Alignment(vertical="top",
                                                               shrink_to_fit=True))
            ref = f"{first}{r}"
            put(ws, ref, None, merge=span(first, last, r))
            name = f"{who}_{key}"
            if source:
                layout.add_field(ws, ref, name, f"$.{who}.{key}", "prefilled", "string",
                                 label=f"{label_text} ({who})")
            else:
                layout.add_mirror(ws, ref, name + suffix, name)
    return top + len(rows) + 1


def hasil_kerja_header(ws, top: int, groups: list[tuple[str, str, str]]) -> int:
    """Column headings and the numbered row ``(1) (2) ...``; returns the first data row."""
    for number, (col_from, col_to, text) in enumerate(groups, start=1):
        put(ws, f"{col_from}{top}", text, merge=span(col_from, col_to, top), font=BOLD,
            align=CENTER, fill=HEAD_FILL)
        put(ws, f"{col_from}{top + 1}", f"({number})", merge=span(col_from, col_to, top + 1),
            font=ITALIC, align=CENTER)
    heading_height(ws, top, groups)
    height(ws, top + 1, 12)
    return top + 2


def heading_height(ws, row: int, groups: list[tuple[str, str, str]]) -> None:
    """Make a row of bold 9 pt column headings tall enough for the longest (Arial Bold's
    capitals are counted as Arial's, 5 % wider)."""
    lines = 1
    for first, last, text in groups:
        if text:
            width = sum(column_points(ws.column_dimensions[index_to_col(c)].width or 8.43)
                        for c in range(col_to_index(first), col_to_index(last) + 1))
            lines = max(lines, wrapped_lines(text, width - PADDING, 9 * 1.05))
    height(ws, row, lines * 9 * LINE_SPACING + 2)


def section_row(ws, row: int, text: str, last: str) -> int:
    put(ws, f"A{row}", text, merge=f"A{row}:{last}{row}", font=BOLD, fill=SECTION_FILL,
        align=Alignment(vertical="center"))
    height(ws, row, LINE)
    return row + 1


def hasil_kerja_rows(layout: Layout, ws, top: int, cols: list[dict], section: str, prefix: str,
                     *, extra: list[dict] = (), source: bool = True) -> int:
    """One section (A. UTAMA / B. TAMBAHAN): its label row, then its rows; returns the
    next row."""
    last = extra[-1]["last"] if extra else cols[-1]["last"]
    label = "A. UTAMA" if section == "utama" else "B. TAMBAHAN"
    section_row(ws, top, label, last)
    first = top + 1
    blocks, per = CAPACITY[section], CAPACITY["iki_per_rhk"]
    last_row = first + blocks * per - 1
    group_id = f"hk_{section}"
    if source:
        layout.groups.append({"id": group_id, "path": f"$.hasil_kerja.{section}",
                              "blocks": blocks, "rows_per_block": per,
                              "blank_blocks": BLANK_BLOCKS[section]})
    for r in range(first, last_row + 1):   # two lines: room to type in a row staff unhide
        height(ws, r, 2 * 9 * LINE_SPACING + 2)
    for col in list(cols) + list(extra):
        c, end = col["col"], col["last"]
        style_range(ws, f"{c}{first}:{end}{last_row}")
        if col["key"] == "target" and col["type"] == "number":
            for r in range(first, last_row + 1):  # "12 dokumen": one cell to the eye
                ws[f"{c}{r}"].border = Border(left=THIN, top=THIN, bottom=THIN)
                ws[f"{c}{r}"].alignment = Alignment(horizontal="right", vertical="top")
        elif col["key"] == "satuan":   # indented, not a format: .xls readers took
            for r in range(first, last_row + 1):   # 'General" "' for a date format
                ws[f"{c}{r}"].border = Border(right=THIN, top=THIN, bottom=THIN)
                ws[f"{c}{r}"].alignment = Alignment(horizontal="left", vertical="top",
                                                    indent=1, wrap_text=True)
        elif col["key"] == "realisasi":
            for r in range(first, last_row + 1):
                ws[f"{c}{r}"].alignment = TOP_CENTER
        if col["level"] == "block":
            for b in range(blocks):
                ws.merge_cells(f"{c}{first + b * per}:{end}{first + b * per + per - 1}")
                if col["key"] == "no":
                    ws[f"{c}{first + b * per}"] = b + 1
                    ws[f"{c}{first + b * per}"].alignment = TOP_CENTER
        elif c != end:
            for r in range(first, last_row + 1):
                ws.merge_cells(f"{c}{r}:{end}{r}")
        if col["key"] == "no":
            continue
        ref = f"{c}{first}:{c}{last_row}"
        name = f"{prefix}_{col['key']}"
        if col.get("mirror_of"):
            layout.add_mirror(ws, ref, name, f"{col['mirror_of']}", group=group_id,
                              level=col["level"])
            continue
        path = f"$.hasil_kerja.{section}[*]." + (
            col["key"] if col["level"] == "block" else f"iki[*].{col['key']}")
        number_format = None
        if col["type"] == "number":
            number_format = "General"
        layout.add_field(ws, ref, name, path, "input", col["type"], choices=col.get("choices"),
                         group=group_id, level=col["level"], source=col.get("source"),
                         label=col["header"] or col["key"], number_format=number_format)
        if col["key"] == "rhk_pimpinan":
            layout.validate_list(ws, ref, "list_rhk_pimpinan", strict=False)
    return last_row + 1


def perilaku_rows(layout: Layout, ws, top: int, text: tuple[str, str],
                  ekspektasi: tuple[str, str], *, source: bool,
                  umpan_balik: tuple[str, str] | None = None) -> int:
    """Header (its "PERILAKU KERJA" column names the table) + seven BerAKHLAK rows;
    returns the next free row."""
    put(ws, f"A{top}", "NO", font=BOLD, align=CENTER, fill=HEAD_FILL)
    put(ws, f"{text[0]}{top}", "PERILAKU KERJA", merge=span(*text, top), font=BOLD,
        align=CENTER, fill=HEAD_FILL)
    put(ws, f"{ekspektasi[0]}{top}", "EKSPEKTASI KHUSUS PIMPINAN",
        merge=span(*ekspektasi, top), font=BOLD, align=CENTER, fill=HEAD_FILL)
    if umpan_balik:
        put(ws, f"{umpan_balik[0]}{top}", "UMPAN BALIK BERKELANJUTAN BERDASARKAN BUKTI DUKUNG",
            merge=span(*umpan_balik, top), font=BOLD, align=CENTER, fill=HEAD_FILL)
    heading_height(ws, top, [(*area, ws[f"{area[0]}{top}"].value)
                             for area in (text, ekspektasi, umpan_balik) if area])
    first = top + 1
    if source:
        layout.groups.append({"id": "perilaku", "path": "$.perilaku", "blocks": 7,
                              "rows_per_block": 1})
    for i in range(7):
        r = first + i
        put(ws, f"A{r}", i + 1, align=TOP_CENTER)
        for area in (text, ekspektasi) + ((umpan_balik,) if umpan_balik else ()):
            put(ws, f"{area[0]}{r}", None, merge=span(*area, r))
        height(ws, r, 4 * 11.5 + 2)  # room to write; the writer grows it to fit its text
    last = first + 6
    exp_ref = f"{ekspektasi[0]}{first}:{ekspektasi[0]}{last}"
    if source:
        layout.add_field(ws, f"{text[0]}{first}:{text[0]}{last}", "pk_nilai",
                         "$.perilaku[*].nilai", "prefilled", "string", group="perilaku",
                         level="block")
        layout.add_field(ws, exp_ref, "pk_ekspektasi", "$.perilaku[*].ekspektasi_khusus",
                         "input", "string", group="perilaku", level="block")
    else:
        layout.add_mirror(ws, f"{text[0]}{first}:{text[0]}{last}", "pk_nilai_eva", "pk_nilai",
                          group="perilaku", level="block")
        layout.add_mirror(ws, exp_ref, "pk_ekspektasi_eva", "pk_ekspektasi", group="perilaku",
                          level="block")
        layout.add_field(ws, f"{umpan_balik[0]}{first}:{umpan_balik[0]}{last}",
                         "pk_umpan_balik", "$.perilaku[*].umpan_balik", "input", "string",
                         group="perilaku", level="block")
    return last + 1


def signature_block(layout: Layout, ws, top: int, left: tuple[str, str], right: tuple[str, str],
                    *, source: bool, left_title="Pegawai yang Dinilai",
                    right_title="Pejabat Penilai Kinerja", left_who="pegawai",
                    right_who="penilai") -> int:
    """``<tempat>, <tanggal>`` then two signature columns with name and NIP.

    Place and date are pre-filled text (editable where the SKP holds them, not coloured as
    an input): they print like the rest of the form."""
    suffix = f"_{ws.title.lower().replace(' ', '_')[:3]}"
    date_col = index_to_col(col_to_index(right[0]) + 1)
    tempat_ref, tanggal_ref = f"{right[0]}{top}", f"{date_col}{top}"
    if col_to_index(right[1]) > col_to_index(date_col):
        ws.merge_cells(f"{tanggal_ref}:{right[1]}{top}")  # a long date needs the room
    if source:
        layout.add_field(ws, tempat_ref, "pengesahan_tempat", "$.pengesahan.tempat", "input",
                         "string", fill=False)
        layout.add_field(ws, tanggal_ref, "pengesahan_tanggal", "$.pengesahan.tanggal", "input",
                         "date", number_format=DATE_FORMAT, fill=False)
    else:
        layout.add_mirror(ws, tempat_ref, "pengesahan_tempat" + suffix, "pengesahan_tempat")
        layout.add_mirror(ws, tanggal_ref, "pengesahan_tanggal" + suffix, "pengesahan_tanggal",
                          number_format=DATE_FORMAT)
    ws[tempat_ref].alignment = Alignment(horizontal="right")
    ws[tempat_ref].number_format = '@","'   # the cells' own padding is the space after it
    ws[tanggal_ref].alignment = Alignment(horizontal="left")
    ws[tempat_ref].font = ws[tanggal_ref].font = FONT
    height(ws, top, LINE)
    for (col_from, col_to), label, who in ((left, left_title, left_who),
                                           (right, right_title, right_who)):
        put(ws, f"{col_from}{top + 1}", label, merge=span(col_from, col_to, top + 1),
            align=CENTER, border=False)
        name_ref, nip_ref = f"{col_from}{top + 5}", f"{col_from}{top + 6}"
        if col_from != col_to:
            ws.merge_cells(f"{col_from}{top + 5}:{col_to}{top + 5}")
            ws.merge_cells(f"{col_from}{top + 6}:{col_to}{top + 6}")
        layout.add_mirror(ws, name_ref, f"ttd_{who}_nama{suffix}", f"{who}_nama")
        layout.add_mirror(ws, nip_ref, f"ttd_{who}_nip{suffix}", f"{who}_nip", prefix="NIP. ")
        ws[name_ref].font = Font(name="Arial", size=9, bold=True, underline="single")
        ws[name_ref].alignment = ws[nip_ref].alignment = Alignment(horizontal="center",
                                                                   shrink_to_fit=True)
        ws[nip_ref].font = FONT
    for r in range(top + 1, top + 7):
        height(ws, r, LINE)
    return top + 7


def heading_line(layout: Layout, ws, row: int, first: str, last: str, name: str, source: str,
                 *, prefix: str = "", font=BOLD, align=CENTER) -> int:
    """A line of the title area that mirrors a field (agency, period)."""
    put(ws, f"{first}{row}", None, merge=span(first, last, row), border=False, align=align,
        font=font)
    layout.add_mirror(ws, f"{first}{row}", name, source, prefix=prefix)
    height(ws, row, LINE)
    return row + 1


# --- the sheets ----------------------------------------------------------------------------

def arial_default(wb: Workbook) -> None:
    """Make Arial 10 the workbook's default font. Column widths are counted in digits of
    that font: Excel and LibreOffice then agree on them wherever Arial (or a font with its
    metrics) exists, where Calibri is often missing and replaced by a wider font."""
    default = Font(name="Arial", family=2, size=10)
    wb._fonts = IndexedList([default, *list(wb._fonts)[1:]])
    for style in wb._named_styles:
        if style.name == "Normal":
            style.font = default


def build_template(template_id: str, jenis: str, pendekatan: str, outdir: Path) -> Path:
    wb = Workbook()
    arial_default(wb)
    layout = Layout(wb)
    wb.remove(wb.active)
    petunjuk = wb.create_sheet("Petunjuk")
    skp = wb.create_sheet("SKP")
    lampiran = wb.create_sheet("Lampiran SKP")
    evaluasi = wb.create_sheet("Evaluasi")
    dokumen = wb.create_sheet("Dokumen Evaluasi")
    meta = wb.create_sheet(METADATA_SHEET)
    title = f"SKP {jenis} {pendekatan.capitalize()}"

    build_metadata(layout, meta)
    cols = hk_columns(jenis, pendekatan)
    papers = {
        "SKP": build_skp(layout, skp, cols, jenis, pendekatan),
        "Lampiran SKP": build_lampiran(layout, lampiran),
        "Evaluasi": build_evaluasi(layout, evaluasi, cols, jenis, pendekatan),
        "Dokumen Evaluasi": build_dokumen(layout, dokumen),
    }
    build_petunjuk(petunjuk)

    for ws in (skp, lampiran, evaluasi, dokumen, petunjuk):
        ws.protection.sheet = True
        ws.protection.formatColumns = False
        ws.protection.formatRows = False  # lets staff unhide spare rows (Excel, WPS)
        ws.sheet_view.showGridLines = False
        ws.sheet_view.tabSelected = ws is skp
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.5
        ws.page_margins.header = ws.page_margins.footer = 0.2
        ws.print_options.horizontalCentered = True
    for ws in (skp, lampiran, evaluasi, dokumen):
        page_texts(ws, papers[ws.title])
    evaluasi.page_setup.orientation = "landscape"
    # the instructions are for the screen: an empty print range keeps them off the paper
    petunjuk.print_area = "Z1"
    meta.protection.sheet = True
    meta.sheet_state = "veryHidden"
    wb.security = WorkbookProtection(lockStructure=True)
    wb.active = 1  # opens on the SKP; the Petunjuk tab comes first
    wb.properties.creator = "skpxl"
    wb.properties.title = title
    wb.properties.created = wb.properties.modified = FIXED_TIME

    outdir.mkdir(parents=True, exist_ok=True)
    target = outdir / f"{template_id}.xlsx"
    buffer = io.BytesIO()
    wb.save(buffer)
    target.write_bytes(normalize_zip(buffer.getvalue()))
    manifest = layout.manifest(template_id, title, jenis, pendekatan)
    (outdir / f"{template_id}.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return target


def page_texts(ws, paper: str) -> None:
    """Header (agency, unit, period) on every page; footer with the page number, and on
    pages after the first the paper's name and the employee's name and NIP."""
    hf = ws.HeaderFooter
    hf.differentFirst = True
    hf.scaleWithDoc = False   # 8 pt on paper whatever the sheet's scale
    for header in (ws.oddHeader, ws.firstHeader):
        for part, text in ((header.left, HEADER_LEFT), (header.right, HEADER_RIGHT)):
            part.text, part.size, part.font = text, 8, "Arial,Regular"
    for footer, left in ((ws.oddFooter, FOOTER_LEFT.replace("{paper}", paper)),
                         (ws.firstFooter, "")):
        if left:
            footer.left.text, footer.left.size, footer.left.font = left, 8, "Arial,Regular"
        footer.right.text, footer.right.size, footer.right.font = FOOTER_RIGHT, 8, \
            "Arial,Regular"


def normalize_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps so the committed template is reproducible."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(
            out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps "modified" on save
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2025-01-01T00:00:00Z",
                                 content)
            elif info.filename.startswith("xl/worksheets/"):
                # a line break in a page header: LibreOffice reads the character, not the
                # _x000a_ escape openpyxl writes (Excel reads both)
                content = re.sub(rb"<headerFooter\b.*?</headerFooter>",
                                 lambda m: m.group(0).replace(b"_x000a_", b"&#10;"), content,
                                 flags=re.S)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2025, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, content)
    return out.getvalue()


def build_metadata(layout: Layout, ws) -> None:
    """Hidden sheet: template identity, generation facts, dropdown lists, predikat matrix."""
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 40
    ws["A1"] = "skpxl"
    ws["B1"] = "Jangan diubah: data teknis untuk pemeriksaan otomatis."
    meta_fields = [
        ("meta_template_id", "$.meta.template_id", "string", None),
        ("meta_template_version", "$.meta.template_version", "string", None),
        ("meta_tool_version", "$.meta.tool_version", "string", None),
        ("meta_generated_at", "$.meta.generated_at", "string", None),
        ("meta_fingerprint", "$.meta.fingerprint", "string", None),
        ("meta_checks", "$.meta.checks", "string", None),
        ("meta_lang", "$.meta.lang", "string", None),
        ("meta_nip", "$.meta.nip", "string", None),
        ("periode_kode", "$.periode.kode", "string", None),
        ("periode_label", "$.periode.label", "string", None),
        ("periode_rentang", "$.periode.rentang", "string", None),
        ("periode_mulai", "$.periode.mulai", "date", DATE_FORMAT),
        ("periode_selesai", "$.periode.selesai", "date", DATE_FORMAT),
        ("pegawai_status_asn", "$.pegawai.status_asn", "string", None),
        ("pegawai_jenis_jabatan", "$.pegawai.jenis_jabatan", "string", None),
        ("pegawai_jenjang", "$.pegawai.jenjang", "string", None),
        ("periode_judul", "$.periode.judul", "string", None),
    ]
    for row, (name, path, type_, fmt) in enumerate(meta_fields, start=2):
        ws.cell(row=row, column=1, value=name)
        layout.add_field(ws, f"B{row}", name, path, "prefilled", type_, number_format=fmt)
    for offset, (name, values) in enumerate(LISTS.items()):
        col = index_to_col(4 + offset)
        ws[f"{col}1"] = name
        for i, value in enumerate(values, start=2):
            ws[f"{col}{i}"] = value
        layout.name(name, ws, f"{col}2:{col}{len(values) + 1}")
    col = index_to_col(4 + len(LISTS))
    ws[f"{col}1"] = "list_rhk_pimpinan"
    rhk_range = f"{col}2:{col}{CAPACITY['rhk_pimpinan'] + 1}"
    layout.groups.append({"id": "rhk_pimpinan", "path": "$.penilai.rhk",
                          "blocks": CAPACITY["rhk_pimpinan"], "rows_per_block": 1})
    layout.add_field(ws, rhk_range, "list_rhk_pimpinan", "$.penilai.rhk[*]", "prefilled",
                     "string", group="rhk_pimpinan", level="block")
    # the 3x3 predikat matrix used by the live formula on the Evaluasi sheet
    start = 6 + len(LISTS)
    rows_col, first_col = index_to_col(start), index_to_col(start + 1)
    last_col = index_to_col(start + 3)
    for i, rating in enumerate(domain.RATINGS):
        ws[f"{index_to_col(start + 1 + i)}1"] = rating
        ws[f"{rows_col}{i + 2}"] = rating
        for j, perilaku in enumerate(domain.RATINGS):
            ws[f"{index_to_col(start + 1 + j)}{i + 2}"] = domain.predikat_for(rating, perilaku)
    layout.name("matrix_rows", ws, f"{rows_col}2:{rows_col}4")
    layout.name("matrix_cols", ws, f"{first_col}1:{last_col}1")
    layout.name("matrix_values", ws, f"{first_col}2:{last_col}4")


def set_widths(ws, widths: dict[str, float]) -> None:
    for col, width in widths.items():
        ws.column_dimensions[col].width = width


def build_skp(layout: Layout, ws, cols, jenis: str, pendekatan: str) -> str:
    p = parts_of(cols)
    end = p["end"]
    set_widths(ws, sheet_widths(cols))
    row = title_block(ws, ["SASARAN KINERJA PEGAWAI", f"PENDEKATAN HASIL KERJA "
                           f"{pendekatan.upper()}", JENIS_TITLE[jenis]], end)
    row = spacer(ws, row)
    put(ws, f"A{row}", None, merge=f"A{row}:{p['before_mid']}{row}", font=BOLD, border=False,
        align=Alignment(vertical="bottom", wrap_text=True))
    layout.add_field(ws, f"A{row}", "instansi", "$.instansi", "prefilled", "string")
    put(ws, f"{p['mid']}{row}", None, merge=f"{p['mid']}{row}:{end}{row}", font=BOLD,
        border=False, align=Alignment(horizontal="right", vertical="bottom"))
    layout.add_mirror(ws, f"{p['mid']}{row}", "periode_rentang_skp", "periode_rentang",
                      prefix="PERIODE PENILAIAN: ")
    height(ws, row, LINE)
    row = identity_blocks(layout, ws, row + 1, ("A", "B", "C", p["before_mid"]),
                          (p["mid"], p["label2"], p["value2"], end), source=True)
    row = spacer(ws, row)
    row = section_row(ws, row, "HASIL KERJA", end)
    row = hasil_kerja_header(ws, row, header_groups(cols))
    layout.keep(ws, 1, row, "cetak_skp_kepala", with_="next")
    row = hasil_kerja_rows(layout, ws, row, cols, "utama", "hku")
    layout.keep(ws, row, row, "cetak_skp_tambahan", with_=["previous", "hk_tambahan"])
    row = hasil_kerja_rows(layout, ws, row, cols, "tambahan", "hkt")
    top = row
    row = spacer(ws, row)
    layout.keep(ws, top, row, "cetak_skp_perilaku_judul", with_="next")
    row = perilaku_rows(layout, ws, row, ("B", p["before_mid"]), (p["mid"], end), source=True)
    layout.keep(ws, top, row - 1, "cetak_skp_perilaku", soft=True)
    top = row
    row = spacer(ws, row)
    row = signature_block(layout, ws, row, ("B", "C"), (p["label2"], end), source=True)
    layout.keep(ws, top, row - 1, "cetak_skp_pengesahan", with_="previous")
    ws.print_area = f"A1:{end}{row - 1}"
    return "Sasaran Kinerja Pegawai"


def build_lampiran(layout: Layout, ws) -> str:
    set_widths(ws, {"A": 5, "B": 40, "C": 30, "D": 30})
    row = title_block(ws, ["LAMPIRAN SASARAN KINERJA PEGAWAI"], "D")
    row = heading_line(layout, ws, row, "A", "D", "periode_rentang_lam", "periode_rentang",
                       prefix="PERIODE PENILAIAN: ")
    row = spacer(ws, row)
    sections = [("dukungan_sumber_daya", "DUKUNGAN SUMBER DAYA", "lp_dukungan"),
                ("skema_pertanggungjawaban", "SKEMA PERTANGGUNGJAWABAN", "lp_skema"),
                ("konsekuensi", "KONSEKUENSI", "lp_konsekuensi")]
    for key, heading, name in sections:
        layout.keep(ws, row, row, f"cetak_{name}", with_="next")
        row = section_row(ws, row, heading, "D")
        first = row
        count = CAPACITY["lampiran"]
        for i in range(count):
            put(ws, f"A{first + i}", i + 1, align=TOP_CENTER)
            put(ws, f"B{first + i}", None, merge=f"B{first + i}:D{first + i}")
            height(ws, first + i, 24)
        layout.groups.append({"id": name, "path": f"$.lampiran.{key}", "blocks": count,
                              "rows_per_block": 1, "blank_blocks": BLANK_BLOCKS["lampiran"]})
        layout.add_field(ws, f"B{first}:B{first + count - 1}", name, f"$.lampiran.{key}[*]",
                         "input", "string", group=name, level="block")
        row = spacer(ws, first + count)
    top = row - 1
    row = signature_block(layout, ws, row, ("B", "B"), ("C", "D"), source=False)
    layout.keep(ws, top, row - 1, "cetak_lam_pengesahan", with_="previous")
    ws.print_area = f"A1:D{row - 1}"
    return "Lampiran SKP"


def build_evaluasi(layout: Layout, ws, cols, jenis: str, pendekatan: str) -> str:
    p = parts_of(cols)
    n = col_to_index(p["end"])
    real_col, ub_col = index_to_col(n + 1), index_to_col(n + 2)
    extra = [{"key": "realisasi", "header": "REALISASI BERDASARKAN BUKTI DUKUNG", "widths": [14],
              "level": "row", "col": real_col, "last": real_col,
              "type": "number" if pendekatan == "kuantitatif" else "string"},
             {"key": "umpan_balik", "header": "UMPAN BALIK BERKELANJUTAN BERDASARKAN BUKTI "
              "DUKUNG", "widths": [28], "level": "row", "col": ub_col, "last": ub_col,
              "type": "string"}]
    end = ub_col
    set_widths(ws, sheet_widths(cols + extra))
    # landscape gives the IKI (the text that wraps most) room the RHK columns can spare
    set_widths(ws, EVALUASI_WIDTHS[jenis, pendekatan])
    row = title_block(ws, ["EVALUASI KINERJA PEGAWAI", f"PENDEKATAN HASIL KERJA "
                           f"{pendekatan.upper()}", JENIS_TITLE[jenis]], end)
    row = spacer(ws, row)
    heading_line(layout, ws, row, "A", p["before_mid"], "instansi_eva", "instansi",
                 align=Alignment(vertical="bottom"))
    row = heading_line(layout, ws, row, p["mid"], end, "periode_judul_eva", "periode_judul",
                       prefix="PERIODE: ", align=Alignment(horizontal="right",
                                                            vertical="bottom"))
    row = identity_blocks(layout, ws, row, ("A", "B", "C", p["before_mid"]),
                          (p["mid"], p["label2"], p["value2"], end), source=False)
    for label, name, path, type_, source in (
            ("CAPAIAN KINERJA ORGANISASI", "capaian_organisasi", "$.evaluasi.capaian_organisasi",
             "enum", "list_predikat_organisasi"),
            ("POLA DISTRIBUSI", "pola_distribusi", "$.evaluasi.pola_distribusi", "string", None)):
        put(ws, f"A{row}", label, merge=f"A{row}:{p['before_mid']}{row}", font=BOLD)
        put(ws, f"{p['mid']}{row}", None, merge=f"{p['mid']}{row}:{end}{row}")
        layout.add_field(ws, f"{p['mid']}{row}", name, path, "input", type_,
                         choices=list(domain.PREDIKAT_ORGANISASI) if source else None,
                         source=source)
        height(ws, row, LINE)
        row += 1
    row = spacer(ws, row)
    row = section_row(ws, row, "HASIL KERJA", end)
    row = hasil_kerja_header(ws, row, header_groups(cols + extra))
    layout.keep(ws, 1, row, "cetak_eva_kepala", with_="next")
    base = [dict(col) for col in cols]
    for section, prefix in (("utama", "eku"), ("tambahan", "ekt")):
        src = "hku" if section == "utama" else "hkt"
        mirrored = [dict(col, mirror_of=f"{src}_{col['key']}") for col in base]
        if section == "tambahan":
            layout.keep(ws, row, row, "cetak_eva_tambahan",
                        with_=["previous", "hk_tambahan"])
        # realisasi and umpan balik belong to the same group as the SKP rows
        row = hasil_kerja_rows(layout, ws, row, mirrored, section, prefix, extra=extra,
                               source=False)
    top = row
    row = spacer(ws, row)
    row = rating_row(layout, ws, row, "RATING HASIL KERJA", "rating_hasil_kerja",
                     "$.evaluasi.rating_hasil_kerja", p, end)
    layout.keep(ws, top, row - 1, "cetak_eva_rating", with_="previous")
    top = row
    row = spacer(ws, row)
    layout.keep(ws, top, row, "cetak_eva_perilaku_judul", with_="next")
    # landscape: the BerAKHLAK text takes most of the IKI column's width, in fewer lines
    row = perilaku_rows(layout, ws, row, ("B", p["value2"]), (p["after_value2"], p["end"]),
                        source=False, umpan_balik=(real_col, ub_col))
    layout.keep(ws, top, row - 1, "cetak_eva_perilaku", soft=True)
    top = row
    row = rating_row(layout, ws, row, "RATING PERILAKU KERJA", "rating_perilaku",
                     "$.evaluasi.rating_perilaku", p, end)
    put(ws, f"A{row}", "PREDIKAT KINERJA PEGAWAI", merge=f"A{row}:{p['before_mid']}{row}",
        font=BOLD, fill=HEAD_FILL)
    ref = f"{p['mid']}{row}"
    put(ws, ref, None, merge=f"{ref}:{end}{row}", font=BOLD, align=CENTER)
    ws[ref] = ('=IF(OR(rating_hasil_kerja="",rating_perilaku=""),"",IFERROR(INDEX(matrix_values,'
               'MATCH(rating_hasil_kerja,matrix_rows,0),MATCH(rating_perilaku,matrix_cols,0)),'
               '"?"))')
    layout.add_field(ws, ref, "predikat", "$.evaluasi.predikat", "formula", "enum",
                     choices=list(domain.PREDIKAT))
    height(ws, row, LINE)
    row = spacer(ws, row + 1)
    row = signature_block(layout, ws, row, ("B", "C"), (real_col, ub_col), source=False)
    layout.keep(ws, top, row - 1, "cetak_eva_pengesahan", with_="previous")
    ws.print_area = f"A1:{end}{row - 1}"
    return "Evaluasi Kinerja Pegawai"


def rating_row(layout, ws, row, label, name, path, p: dict, end: str) -> int:
    put(ws, f"A{row}", label, merge=f"A{row}:{p['before_mid']}{row}", font=BOLD, fill=HEAD_FILL)
    ref = f"{p['mid']}{row}"
    put(ws, ref, None, merge=f"{ref}:{end}{row}", align=CENTER)
    layout.add_field(ws, ref, name, path, "input", "enum", choices=list(domain.RATINGS),
                     source="list_rating")
    height(ws, row, LINE)
    return row + 1


def build_dokumen(layout: Layout, ws) -> str:
    set_widths(ws, {"A": 5, "B": 34, "C": 33, "D": 33})
    row = title_block(ws, ["DOKUMEN EVALUASI KINERJA PEGAWAI"], "D")
    row = heading_line(layout, ws, row, "A", "D", "periode_judul_dok", "periode_judul",
                       prefix="PERIODE: ")
    row = heading_line(layout, ws, row, "A", "D", "instansi_dok", "instansi")
    row = spacer(ws, row)
    labels = [("NAMA", "nama"), ("NIP", "nip"), ("PANGKAT/GOL. RUANG", "pangkat"),
              ("JABATAN", "jabatan"), ("UNIT KERJA", "unit_kerja")]
    for number, (heading, who) in enumerate((("PEGAWAI YANG DINILAI", "pegawai"),
                                              ("PEJABAT PENILAI KINERJA", "penilai"),
                                              ("ATASAN PEJABAT PENILAI KINERJA", "atasan_penilai")),
                                             start=1):
        put(ws, f"A{row}", number, font=BOLD, align=CENTER, fill=HEAD_FILL)
        put(ws, f"B{row}", heading, merge=f"B{row}:D{row}", font=BOLD, fill=HEAD_FILL)
        height(ws, row, LINE)
        for i, (label, key) in enumerate(labels, start=1):
            r = row + i
            put(ws, f"A{r}", None)
            put(ws, f"B{r}", label)
            put(ws, f"C{r}", None, merge=f"C{r}:D{r}")
            height(ws, r, LINE)
            if who == "atasan_penilai":
                layout.add_field(ws, f"C{r}", f"{who}_{key}", f"$.{who}.{key}", "prefilled",
                                 "string")
            else:
                layout.add_mirror(ws, f"C{r}", f"{who}_{key}_dok", f"{who}_{key}")
        row += len(labels) + 1
    put(ws, f"A{row}", 4, font=BOLD, align=CENTER, fill=HEAD_FILL)
    put(ws, f"B{row}", "EVALUASI KINERJA", merge=f"B{row}:D{row}", font=BOLD, fill=HEAD_FILL)
    height(ws, row, LINE)
    for i, (label, name, source) in enumerate((("CAPAIAN KINERJA ORGANISASI",
                                                "capaian_organisasi_dok", "capaian_organisasi"),
                                               ("PREDIKAT KINERJA PEGAWAI", "predikat_dok",
                                                "predikat")), start=1):
        put(ws, f"A{row + i}", None)
        put(ws, f"B{row + i}", label)
        put(ws, f"C{row + i}", None, merge=f"C{row + i}:D{row + i}", font=BOLD)
        layout.add_mirror(ws, f"C{row + i}", name, source)
        height(ws, row + i, LINE)
    row += 3
    put(ws, f"A{row}", 5, font=BOLD, align=CENTER, fill=HEAD_FILL)
    put(ws, f"B{row}", "CATATAN/REKOMENDASI", merge=f"B{row}:D{row}", font=BOLD, fill=HEAD_FILL)
    height(ws, row, LINE)
    put(ws, f"A{row + 1}", None, merge=f"A{row + 1}:D{row + 1}")
    layout.add_field(ws, f"A{row + 1}", "catatan_rekomendasi", "$.evaluasi.catatan_rekomendasi",
                     "input", "string")
    height(ws, row + 1, 80)
    top = row + 2
    row = spacer(ws, top)
    row = signature_block(layout, ws, row, ("B", "B"), ("C", "D"), source=False,
                          left_title="Pegawai yang Dinilai", right_title="Pejabat Penilai Kinerja")
    layout.keep(ws, top, row - 1, "cetak_dok_pengesahan", with_="previous")
    ws.print_area = f"A1:D{row - 1}"
    return "Dokumen Evaluasi Kinerja Pegawai"


def build_petunjuk(ws) -> None:
    ws.column_dimensions["A"].width = 100
    for row, (text, kind) in enumerate(PETUNJUK, start=1):
        cell = ws.cell(row=row, column=1, value=text)
        cell.font = TITLE if kind == "title" else Font(name="Arial", size=10)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if text and kind != "title":
            ws.row_dimensions[row].height = 14 * (len(text) // 95 + 1) + 4


VARIANTS = [
    ("ja-jf-kuantitatif", "JA/JF", "kuantitatif"),
    ("ja-jf-kualitatif", "JA/JF", "kualitatif"),
    ("jpt-kuantitatif", "JPT", "kuantitatif"),
    ("jpt-kualitatif", "JPT", "kualitatif"),
]


def build_all(outdir: Path) -> list[Path]:
    return [build_template(tid, jenis, approach, outdir) for tid, jenis, approach in VARIANTS]


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "templates"
    for path in build_all(target):
        print(path)
