"""Build the shipped SKP templates and their manifests (reproducibly).

Run ``python -m skpxl.templatebuild [OUTDIR]`` (default: ``templates/``). This script is the
one place that knows coordinates: it lays the forms out and declares every field as an Excel
defined name plus a manifest entry. Everything else reads the names.
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
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.cell.cell import MergedCell
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break
from openpyxl.workbook.protection import WorkbookProtection

from . import domain
from .manifest import METADATA_SHEET, Field, index_to_col

TEMPLATE_VERSION = "1.0.0"
FIXED_TIME = datetime(2025, 1, 1, 0, 0, 0)

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
NO_BORDER = Border()
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
HEAD_FILL = PatternFill("solid", fgColor="D9D9D9")
SECTION_FILL = PatternFill("solid", fgColor="EDEDED")
FONT = Font(name="Arial", size=9)
BOLD = Font(name="Arial", size=9, bold=True)
TITLE = Font(name="Arial", size=11, bold=True)
ITALIC = Font(name="Arial", size=8, italic=True)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
DATE_FORMAT = "[$-421]d mmmm yyyy;@"

CAPACITY = {"utama": 10, "tambahan": 5, "iki_per_rhk": 4, "lampiran": 5, "rhk_pimpinan": 20}

LISTS = {
    "list_rating": list(domain.RATINGS),
    "list_predikat": list(domain.PREDIKAT),
    "list_aspek": list(domain.ASPEK),
    "list_perspektif": list(domain.PERSPEKTIF),
    "list_predikat_organisasi": list(domain.PREDIKAT_ORGANISASI),
}
ENUM_SOURCES = {"rating": "list_rating", "aspek": "list_aspek", "perspektif": "list_perspektif",
                "predikat_organisasi": "list_predikat_organisasi"}

PETUNJUK = [
    ("PETUNJUK PENGISIAN SASARAN KINERJA PEGAWAI (SKP)", True),
    ("", False),
    ("1. Sel berwarna KUNING adalah sel yang boleh/harus Anda isi. Sel lain sudah diisi oleh "
     "bagian SDM dan dikunci.", False),
    ("2. Jangan mengubah nama, NIP, jabatan, unit kerja, maupun data pejabat penilai. Jika ada "
     "yang salah, hubungi bagian SDM; jangan memperbaikinya sendiri.", False),
    ("3. Jangan menyisipkan atau menghapus baris, kolom, atau sheet, dan jangan mengganti "
     "nama sheet. Baris yang tidak terpakai biarkan kosong.", False),
    ("4. Lembar SKP: isi Rencana Hasil Kerja (RHK), pilih RHK pimpinan yang diintervensi dan "
     "aspek dari daftar pilihan, lalu isi Indikator Kinerja Individu (IKI) dan target. Target "
     "pendekatan kuantitatif ditulis sebagai angka pada kolom angka dan satuannya pada kolom "
     "satuan (misalnya 12 dan laporan).", False),
    ("5. Lembar Evaluasi: isi realisasi berdasarkan bukti dukung untuk setiap IKI. Umpan balik, "
     "rating hasil kerja dan rating perilaku diisi oleh pejabat penilai dengan memilih dari "
     "daftar. Predikat kinerja dihitung otomatis dari kedua rating.", False),
    ("6. Simpan dengan format yang sama (.xlsx) dan nama file yang sama, lalu kirim kembali "
     "ke bagian SDM.", False),
    ("7. NIP selalu ditulis sebagai teks 18 digit. Jangan mengetik NIP sebagai angka, karena "
     "Excel akan merusak digit terakhirnya.", False),
]


class Layout:
    """Collects fields, names, validations while the sheets are laid out."""

    def __init__(self, wb: Workbook):
        self.wb = wb
        self.fields: list[Field] = []
        self.mirrors: list[dict] = []
        self.groups: list[dict] = []
        self.validations: dict[tuple[str, str], DataValidation] = {}

    def name(self, name: str, ws, ref: str) -> None:
        self.wb.defined_names[name] = DefinedName(name, attr_text=f"'{ws.title}'!{absolute(ref)}")

    def add_field(self, ws, ref: str, name: str, path: str, kind: str, type_: str, *,
                  choices=None, group=None, level=None, mirror=None, prefix="",
                  number_format=None, label="", source=None, strict_list=True):
        """Declare a field whose cells start at ``ref`` (a range for group fields)."""
        self.name(name, ws, ref)
        self.fields.append(Field(name=name, path=path, kind=kind, type=type_, choices=choices,
                                 group=group, level=level, mirror=mirror, prefix=prefix,
                                 label=label))
        cells = [c for c in cells_of(ws, ref) if not isinstance(c, MergedCell)]
        for cell in cells:
            cell.protection = Protection(locked=kind != "input")
            if kind == "input":
                cell.fill = INPUT_FILL
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


def title_block(ws, lines, last_col: str) -> int:
    for row, line in enumerate(lines, start=1):
        put(ws, f"A{row}", line, merge=f"A{row}:{last_col}{row}", font=TITLE, align=CENTER,
            border=False)
    return len(lines) + 2


def identity_blocks(layout: Layout, ws, top: int, cols: dict, source: bool) -> int:
    """The two numbered identity blocks (pegawai left, pejabat penilai right).

    ``cols``: no1, label1, value1 (range end), no2, label2, value2. With ``source`` the value
    cells are the prefilled fields themselves, otherwise formulas mirroring them.
    """
    c = cols
    put(ws, f"{c['no1']}{top}", "NO", font=BOLD, align=CENTER, fill=HEAD_FILL)
    put(ws, f"{c['label1']}{top}", "PEGAWAI YANG DINILAI",
        merge=f"{c['label1']}{top}:{c['value1'][1]}{top}", font=BOLD, align=CENTER, fill=HEAD_FILL)
    put(ws, f"{c['no2']}{top}", "NO", font=BOLD, align=CENTER, fill=HEAD_FILL)
    put(ws, f"{c['label2']}{top}", "PEJABAT PENILAI KINERJA",
        merge=f"{c['label2']}{top}:{c['value2'][1]}{top}", font=BOLD, align=CENTER, fill=HEAD_FILL)
    rows = [("NAMA", "nama"), ("NIP", "nip"), ("PANGKAT/GOL. RUANG", "pangkat"),
            ("JABATAN", "jabatan"), ("UNIT KERJA", "unit_kerja")]
    suffix = "" if source else f"_{ws.title.lower().replace(' ', '_')[:3]}"
    for i, (label, key) in enumerate(rows, start=1):
        r = top + i
        for side, who, no, lab, val in (("1", "pegawai", c["no1"], c["label1"], c["value1"]),
                                        ("2", "penilai", c["no2"], c["label2"], c["value2"])):
            put(ws, f"{no}{r}", i, align=CENTER)
            put(ws, f"{lab}{r}", label)
            ref = f"{val[0]}{r}"
            merge = f"{val[0]}{r}:{val[1]}{r}" if val[0] != val[1] else None
            put(ws, ref, None, merge=merge)
            name = f"{who}_{key}"
            if source:
                layout.add_field(ws, ref, name, f"$.{who}.{key}", "prefilled", "string",
                                 label=f"{label} ({who})")
            else:
                layout.add_mirror(ws, ref, name + suffix, name)
    return top + len(rows) + 2


def hasil_kerja_header(ws, top: int, columns: list[tuple[str, str, str]]) -> int:
    """Column headings and the numbered row ``(1) (2) ...``; returns the first data row."""
    for number, (col_from, col_to, text) in enumerate(columns, start=1):
        merge = f"{col_from}{top}:{col_to}{top}" if col_from != col_to else None
        put(ws, f"{col_from}{top}", text, merge=merge, font=BOLD, align=CENTER, fill=HEAD_FILL)
        merge = f"{col_from}{top + 1}:{col_to}{top + 1}" if col_from != col_to else None
        put(ws, f"{col_from}{top + 1}", f"({number})", merge=merge, font=ITALIC, align=CENTER)
    ws.row_dimensions[top].height = 36
    return top + 2


# --- template variants -------------------------------------------------------------------

JENIS_TITLE = {
    "JA/JF": "BAGI PEJABAT ADMINISTRASI DAN PEJABAT FUNGSIONAL",
    "JPT": "BAGI PEJABAT PIMPINAN TINGGI DAN PIMPINAN UNIT KERJA MANDIRI",
}


def hk_columns(jenis: str, pendekatan: str) -> list[dict]:
    """Hasil kerja columns of the SKP sheet, left to right."""
    kuant = pendekatan == "kuantitatif"
    cols = [{"key": "no", "header": "NO", "width": 5, "level": "block"}]
    if jenis == "JA/JF":
        cols.append({"key": "rhk_pimpinan", "header": "RENCANA HASIL KERJA PIMPINAN YANG "
                     "DIINTERVENSI", "width": 28, "level": "block", "type": "string"})
    cols.append({"key": "rhk", "header": "RENCANA HASIL KERJA", "width": 30, "level": "block",
                 "type": "string"})
    if jenis == "JA/JF":
        cols.append({"key": "aspek", "header": "ASPEK", "width": 12, "level": "row",
                     "type": "enum", "choices": list(domain.ASPEK), "source": "list_aspek"})
    cols.append({"key": "indikator", "header": "INDIKATOR KINERJA INDIVIDU" if kuant else
                 "UKURAN KEBERHASILAN / INDIKATOR KINERJA INDIVIDU", "width": 36, "level": "row",
                 "type": "string"})
    if kuant:
        cols.append({"key": "target", "header": "TARGET", "width": 9, "level": "row",
                     "type": "number", "span": 2})
        cols.append({"key": "satuan", "header": None, "width": 12, "level": "row",
                     "type": "string"})
    else:
        cols.append({"key": "target", "header": "TARGET", "width": 16, "level": "row",
                     "type": "string", "span": 2})
        cols.append({"key": "target_lanjutan", "header": None, "width": 12, "level": "row",
                     "filler": True})
    if jenis == "JPT":
        cols.append({"key": "perspektif", "header": "PERSPEKTIF", "width": 22, "level": "row",
                     "type": "enum", "choices": list(domain.PERSPEKTIF),
                     "source": "list_perspektif"})
    for index, col in enumerate(cols, start=1):
        col["col"] = index_to_col(index)
    return cols


def header_groups(cols: list[dict]) -> list[tuple[str, str, str]]:
    groups = []
    skip = 0
    for i, col in enumerate(cols):
        if skip:
            skip -= 1
            continue
        span = col.get("span", 1)
        groups.append((col["col"], cols[i + span - 1]["col"], col["header"]))
        skip = span - 1
    return groups


def build_template(template_id: str, jenis: str, pendekatan: str, outdir: Path) -> Path:
    wb = Workbook()
    layout = Layout(wb)
    wb.remove(wb.active)
    skp = wb.create_sheet("SKP")
    lampiran = wb.create_sheet("Lampiran SKP")
    evaluasi = wb.create_sheet("Evaluasi")
    dokumen = wb.create_sheet("Dokumen Evaluasi")
    petunjuk = wb.create_sheet("Petunjuk")
    meta = wb.create_sheet(METADATA_SHEET)
    title = f"SKP {jenis} {pendekatan.capitalize()}"

    build_metadata(layout, meta)
    cols = hk_columns(jenis, pendekatan)
    build_skp(layout, skp, cols, jenis, pendekatan)
    build_lampiran(layout, lampiran)
    build_evaluasi(layout, evaluasi, cols, jenis, pendekatan)
    build_dokumen(layout, dokumen)
    build_petunjuk(petunjuk)

    for ws in (skp, lampiran, evaluasi, dokumen, petunjuk):
        ws.protection.sheet = True
        ws.protection.formatColumns = False
        ws.protection.formatRows = False
        ws.sheet_view.showGridLines = False
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.5
        ws.print_options.horizontalCentered = True
    evaluasi.page_setup.orientation = "landscape"
    # one wrapped column: printed at 100 %, LibreOffice cuts it when asked to fit the page
    petunjuk.sheet_properties.pageSetUpPr.fitToPage = False
    petunjuk.print_options.horizontalCentered = False
    meta.protection.sheet = True
    meta.sheet_state = "veryHidden"
    wb.security = WorkbookProtection(lockStructure=True)
    wb.active = 0
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


def signature_block(layout: Layout, ws, top: int, left: tuple[str, str], right: tuple[str, str],
                    *, source: bool, left_title="Pegawai yang Dinilai",
                    right_title="Pejabat Penilai Kinerja", left_who="pegawai",
                    right_who="penilai") -> int:
    """``<tempat>, <tanggal>`` then two signature columns with name and NIP."""
    suffix = f"_{ws.title.lower().replace(' ', '_')[:3]}"
    tempat_ref, tanggal_ref = f"{right[0]}{top}", f"{index_to_col(col_index(right[0]) + 1)}{top}"
    if source:
        layout.add_field(ws, tempat_ref, "pengesahan_tempat", "$.pengesahan.tempat", "input",
                         "string")
        layout.add_field(ws, tanggal_ref, "pengesahan_tanggal", "$.pengesahan.tanggal", "input",
                         "date", number_format=DATE_FORMAT)
    else:
        layout.add_mirror(ws, tempat_ref, "pengesahan_tempat" + suffix, "pengesahan_tempat")
        layout.add_mirror(ws, tanggal_ref, "pengesahan_tanggal" + suffix, "pengesahan_tanggal",
                          number_format=DATE_FORMAT)
    ws[tempat_ref].alignment = Alignment(horizontal="right")
    ws[tempat_ref].number_format = '@","'
    ws[tanggal_ref].alignment = Alignment(horizontal="left")
    ws[tempat_ref].font = ws[tanggal_ref].font = FONT
    if col_index(right[1]) > col_index(tanggal_ref.rstrip("0123456789")):
        ws.merge_cells(f"{tanggal_ref}:{right[1]}{top}")  # a long date needs the room
    for (col_from, col_to), label, who in ((left, left_title, left_who),
                                           (right, right_title, right_who)):
        put(ws, f"{col_from}{top + 1}", label, merge=f"{col_from}{top + 1}:{col_to}{top + 1}",
            align=CENTER, border=False)
        name_ref, nip_ref = f"{col_from}{top + 5}", f"{col_from}{top + 6}"
        ws.merge_cells(f"{col_from}{top + 5}:{col_to}{top + 5}")
        ws.merge_cells(f"{col_from}{top + 6}:{col_to}{top + 6}")
        layout.add_mirror(ws, name_ref, f"ttd_{who}_nama{suffix}", f"{who}_nama")
        layout.add_mirror(ws, nip_ref, f"ttd_{who}_nip{suffix}", f"{who}_nip", prefix="NIP. ")
        ws[name_ref].font = Font(name="Arial", size=9, bold=True, underline="single")
        ws[name_ref].alignment = ws[nip_ref].alignment = Alignment(horizontal="center",
                                                                   shrink_to_fit=True)
        ws[nip_ref].font = FONT
    return top + 7


def page_break(ws, row: int) -> None:
    """Start a printed page at ``row`` (the perilaku table is never cut from its title)."""
    ws.row_breaks.append(Break(id=row - 1))


def col_index(col: str) -> int:
    from .manifest import col_to_index
    return col_to_index(col)


def hasil_kerja_rows(layout: Layout, ws, top: int, cols: list[dict], section: str, prefix: str,
                     *, extra: list[dict] = (), source: bool = True) -> int:
    """One section (A. UTAMA / B. TAMBAHAN) of hasil kerja rows; returns the next row."""
    label = "A. UTAMA" if section == "utama" else "B. TAMBAHAN"
    last = extra[-1]["col"] if extra else cols[-1]["col"]
    put(ws, f"A{top}", label, merge=f"A{top}:{last}{top}", font=BOLD, fill=SECTION_FILL)
    first = top + 1
    blocks, per = CAPACITY[section], CAPACITY["iki_per_rhk"]
    last_row = first + blocks * per - 1
    group_id = f"hk_{section}"
    if source:
        layout.groups.append({"id": group_id, "path": f"$.hasil_kerja.{section}",
                              "blocks": blocks, "rows_per_block": per})
    for col in list(cols) + list(extra):
        c = col["col"]
        style_range(ws, f"{c}{first}:{c}{last_row}")
        if col["level"] == "block":
            for b in range(blocks):
                ws.merge_cells(f"{c}{first + b * per}:{c}{first + b * per + per - 1}")
                if col["key"] == "no":
                    ws[f"{c}{first + b * per}"] = b + 1
                    ws[f"{c}{first + b * per}"].alignment = CENTER
        if col["key"] == "no":
            continue
        if col.get("filler"):
            prev = index_to_col(col_index(c) - 1)
            for r in range(first, last_row + 1):
                ws.merge_cells(f"{prev}{r}:{c}{r}")
            continue
        ref = f"{c}{first}:{c}{last_row}"
        name = f"{prefix}_{col['key']}"
        if col.get("mirror_of"):
            layout.add_mirror(ws, ref, name, f"{col['mirror_of']}", group=group_id,
                              level=col["level"])
            continue
        path = f"$.hasil_kerja.{section}[*]." + (
            col["key"] if col["level"] == "block" else f"iki[*].{col['key']}")
        layout.add_field(ws, ref, name, path, "input", col["type"], choices=col.get("choices"),
                         group=group_id, level=col["level"], source=col.get("source"),
                         label=col["header"] or col["key"],
                         number_format="General" if col["type"] == "number" else None)
        if col["key"] == "rhk_pimpinan":
            layout.validate_list(ws, ref, "list_rhk_pimpinan", strict=False)
    return last_row + 1


def build_skp(layout: Layout, ws, cols, jenis: str, pendekatan: str) -> None:
    last = cols[-1]["col"]
    set_widths(ws, {c["col"]: c["width"] for c in cols})
    row = title_block(ws, ["SASARAN KINERJA PEGAWAI", f"PENDEKATAN HASIL KERJA "
                           f"{pendekatan.upper()}", JENIS_TITLE[jenis]], last)
    third = cols[2]["col"]
    put(ws, f"A{row}", None, merge=f"A{row}:{third}{row}", font=BOLD, border=False)
    layout.add_field(ws, f"A{row}", "instansi", "$.instansi", "prefilled", "string")
    put(ws, f"{cols[3]['col']}{row}", None, merge=f"{cols[3]['col']}{row}:{last}{row}",
        font=BOLD, border=False, align=Alignment(horizontal="right"))
    layout.add_mirror(ws, f"{cols[3]['col']}{row}", "periode_rentang_skp", "periode_rentang",
                      prefix="PERIODE PENILAIAN: ")
    ident = identity_cols(cols)
    row = identity_blocks(layout, ws, row + 1, ident, source=True)
    put(ws, f"A{row}", "HASIL KERJA", merge=f"A{row}:{last}{row}", font=BOLD, fill=SECTION_FILL)
    header_row = row + 1
    row = hasil_kerja_header(ws, header_row, header_groups(cols))
    row = hasil_kerja_rows(layout, ws, row, cols, "utama", "hku")
    row = hasil_kerja_rows(layout, ws, row, cols, "tambahan", "hkt")
    ws.print_title_rows = f"{header_row}:{header_row + 1}"
    row += 1
    page_break(ws, row)
    put(ws, f"A{row}", "PERILAKU KERJA", merge=f"A{row}:{last}{row}", font=BOLD,
        fill=SECTION_FILL)
    row = perilaku_rows(layout, ws, row + 1, cols, source=True)
    row += 1
    signature_block(layout, ws, row, (cols[1]["col"], cols[2]["col"]),
                    (cols[-3]["col"], last), source=True)
    ws.freeze_panes = None
    ws.print_area = f"A1:{last}{row + 7}"


def identity_cols(cols: list[dict]) -> dict:
    n = len(cols)
    c = [col["col"] for col in cols]
    if n >= 7:
        return {"no1": c[0], "label1": c[1], "value1": (c[2], c[2]), "no2": c[3],
                "label2": c[4], "value2": (c[5], c[n - 1])}
    return {"no1": c[0], "label1": c[1], "value1": (c[2], c[2]), "no2": c[3],
            "label2": c[4] if n > 5 else c[3], "value2": (c[n - 1], c[n - 1])} if n > 5 else {
        "no1": c[0], "label1": c[1], "value1": (c[2], c[2]), "no2": c[2], "label2": c[3],
        "value2": (c[4], c[4])}


def perilaku_rows(layout: Layout, ws, top: int, cols, *, source: bool,
                  umpan_balik_col: str | None = None) -> int:
    """Header + seven BerAKHLAK rows; returns the next free row."""
    c = [col["col"] for col in cols]
    text_to = c[-3] if not umpan_balik_col else c[2]
    exp_from, exp_to = (c[-2], c[-1]) if not umpan_balik_col else (c[3], c[-1])
    ws.row_dimensions[top].height = 36
    put(ws, f"A{top}", "NO", font=BOLD, align=CENTER, fill=HEAD_FILL)
    put(ws, f"B{top}", "PERILAKU KERJA", merge=f"B{top}:{text_to}{top}", font=BOLD,
        align=CENTER, fill=HEAD_FILL)
    put(ws, f"{exp_from}{top}", "EKSPEKTASI KHUSUS PIMPINAN", merge=f"{exp_from}{top}:{exp_to}{top}",
        font=BOLD, align=CENTER, fill=HEAD_FILL)
    if umpan_balik_col:
        put(ws, f"{umpan_balik_col}{top}", "UMPAN BALIK BERKELANJUTAN BERDASARKAN BUKTI DUKUNG",
            font=BOLD, align=CENTER, fill=HEAD_FILL)
    first = top + 1
    if source:
        layout.groups.append({"id": "perilaku", "path": "$.perilaku", "blocks": 7,
                              "rows_per_block": 1})
    for i in range(7):
        r = first + i
        put(ws, f"A{r}", i + 1, align=Alignment(horizontal="center", vertical="top"))
        put(ws, f"B{r}", None, merge=f"B{r}:{text_to}{r}")
        put(ws, f"{exp_from}{r}", None, merge=f"{exp_from}{r}:{exp_to}{r}")
        if umpan_balik_col:
            put(ws, f"{umpan_balik_col}{r}", None)
        ws.row_dimensions[r].height = 48  # the writer grows it to fit the text it writes
    last = first + 6
    if source:
        layout.add_field(ws, f"B{first}:B{last}", "pk_nilai", "$.perilaku[*].nilai", "prefilled",
                         "string", group="perilaku", level="block")
        layout.add_field(ws, f"{exp_from}{first}:{exp_from}{last}", "pk_ekspektasi",
                         "$.perilaku[*].ekspektasi_khusus", "input", "string", group="perilaku",
                         level="block")
    else:
        layout.add_mirror(ws, f"B{first}:B{last}", "pk_nilai_eva", "pk_nilai", group="perilaku",
                          level="block")
        layout.add_mirror(ws, f"{exp_from}{first}:{exp_from}{last}", "pk_ekspektasi_eva",
                          "pk_ekspektasi", group="perilaku", level="block")
        layout.add_field(ws, f"{umpan_balik_col}{first}:{umpan_balik_col}{last}",
                         "pk_umpan_balik", "$.perilaku[*].umpan_balik", "input", "string",
                         group="perilaku", level="block")
    return last + 1


def build_lampiran(layout: Layout, ws) -> None:
    set_widths(ws, {"A": 5, "B": 40, "C": 30, "D": 30})
    row = title_block(ws, ["LAMPIRAN SASARAN KINERJA PEGAWAI"], "D")
    put(ws, f"A{row - 1}", None, merge=f"A{row - 1}:D{row - 1}", border=False, align=CENTER,
        font=BOLD)
    layout.add_mirror(ws, f"A{row - 1}", "periode_rentang_lam", "periode_rentang",
                      prefix="PERIODE PENILAIAN: ")
    sections = [("dukungan_sumber_daya", "DUKUNGAN SUMBER DAYA", "lp_dukungan"),
                ("skema_pertanggungjawaban", "SKEMA PERTANGGUNGJAWABAN", "lp_skema"),
                ("konsekuensi", "KONSEKUENSI", "lp_konsekuensi")]
    row += 1
    for key, heading, name in sections:
        put(ws, f"A{row}", heading, merge=f"A{row}:D{row}", font=BOLD, fill=SECTION_FILL)
        first = row + 1
        count = CAPACITY["lampiran"]
        for i in range(count):
            put(ws, f"A{first + i}", i + 1, align=Alignment(horizontal="center", vertical="top"))
            put(ws, f"B{first + i}", None, merge=f"B{first + i}:D{first + i}")
            ws.row_dimensions[first + i].height = 24
        layout.groups.append({"id": name, "path": f"$.lampiran.{key}", "blocks": count,
                              "rows_per_block": 1})
        layout.add_field(ws, f"B{first}:B{first + count - 1}", name, f"$.lampiran.{key}[*]",
                         "input", "string", group=name, level="block")
        row = first + count + 1
    signature_block(layout, ws, row, ("B", "B"), ("C", "D"), source=False)
    ws.print_area = f"A1:D{row + 7}"


def build_evaluasi(layout: Layout, ws, cols, jenis: str, pendekatan: str) -> None:
    base = [dict(col, mirror_of=f"hku_{col['key']}") for col in cols]
    n = len(cols)
    real_col, ub_col = index_to_col(n + 1), index_to_col(n + 2)
    extra = [{"key": "realisasi", "header": "REALISASI BERDASARKAN BUKTI DUKUNG", "width": 18,
              "level": "row", "col": real_col,
              "type": "number" if pendekatan == "kuantitatif" else "string"},
             {"key": "umpan_balik", "header": "UMPAN BALIK BERKELANJUTAN BERDASARKAN BUKTI "
              "DUKUNG", "width": 24, "level": "row", "col": ub_col, "type": "string"}]
    last = ub_col
    set_widths(ws, {c["col"]: c["width"] for c in cols + extra})
    row = title_block(ws, ["EVALUASI KINERJA PEGAWAI", f"PENDEKATAN HASIL KERJA "
                           f"{pendekatan.upper()}", JENIS_TITLE[jenis]], last)
    put(ws, f"A{row - 1}", None, merge=f"A{row - 1}:{last}{row - 1}", border=False,
        align=CENTER, font=TITLE)
    layout.add_mirror(ws, f"A{row - 1}", "periode_label_eva", "periode_label",
                      prefix="PERIODE: ")
    put(ws, f"A{row}", None, merge=f"A{row}:{cols[2]['col']}{row}", font=BOLD, border=False)
    layout.add_mirror(ws, f"A{row}", "instansi_eva", "instansi")
    ident = {"no1": "A", "label1": "B", "value1": (cols[2]["col"], cols[2]["col"]),
             "no2": cols[3]["col"], "label2": cols[4]["col"],
             "value2": (cols[5]["col"] if n > 5 else real_col, last)}
    row = identity_blocks(layout, ws, row + 1, ident, source=False)
    for label, name, path, type_, source in (
            ("CAPAIAN KINERJA ORGANISASI", "capaian_organisasi", "$.evaluasi.capaian_organisasi",
             "enum", "list_predikat_organisasi"),
            ("POLA DISTRIBUSI", "pola_distribusi", "$.evaluasi.pola_distribusi", "string", None)):
        put(ws, f"A{row}", label, merge=f"A{row}:{cols[2]['col']}{row}", font=BOLD)
        put(ws, f"{cols[3]['col']}{row}", None, merge=f"{cols[3]['col']}{row}:{last}{row}")
        layout.add_field(ws, f"{cols[3]['col']}{row}", name, path, "input", type_,
                         choices=list(domain.PREDIKAT_ORGANISASI) if source else None,
                         source=source)
        row += 1
    row += 1
    put(ws, f"A{row}", "HASIL KERJA", merge=f"A{row}:{last}{row}", font=BOLD, fill=SECTION_FILL)
    header_row = row + 1
    row = hasil_kerja_header(ws, header_row, header_groups(cols + extra))
    for section, prefix in (("utama", "eku"), ("tambahan", "ekt")):
        src = "hku" if section == "utama" else "hkt"
        mirrored = [dict(col, mirror_of=f"{src}_{col['key']}") for col in base]
        # realisasi and umpan balik belong to the same group as the SKP rows
        row = hasil_kerja_rows(layout, ws, row, mirrored, section, prefix, extra=extra,
                               source=False)
    ws.print_title_rows = f"{header_row}:{header_row + 1}"
    row = rating_row(layout, ws, row + 1, "RATING HASIL KERJA", "rating_hasil_kerja",
                     "$.evaluasi.rating_hasil_kerja", cols, last)
    row += 1
    page_break(ws, row)
    put(ws, f"A{row}", "PERILAKU KERJA", merge=f"A{row}:{last}{row}", font=BOLD,
        fill=SECTION_FILL)
    row = perilaku_rows(layout, ws, row + 1, cols + extra[:1], source=False,
                        umpan_balik_col=ub_col)
    row = rating_row(layout, ws, row + 1, "RATING PERILAKU KERJA", "rating_perilaku",
                     "$.evaluasi.rating_perilaku", cols, last)
    put(ws, f"A{row}", "PREDIKAT KINERJA PEGAWAI", merge=f"A{row}:{cols[2]['col']}{row}",
        font=BOLD, fill=HEAD_FILL)
    ref = f"{cols[3]['col']}{row}"
    put(ws, ref, None, merge=f"{ref}:{last}{row}", font=BOLD, align=CENTER)
    ws[ref] = ('=IF(OR(rating_hasil_kerja="",rating_perilaku=""),"",IFERROR(INDEX(matrix_values,'
               'MATCH(rating_hasil_kerja,matrix_rows,0),MATCH(rating_perilaku,matrix_cols,0)),'
               '"?"))')
    layout.add_field(ws, ref, "predikat", "$.evaluasi.predikat", "formula", "enum",
                     choices=list(domain.PREDIKAT))
    row += 2
    signature_block(layout, ws, row, (cols[1]["col"], cols[2]["col"]), (real_col, ub_col),
                    source=False)
    ws.print_area = f"A1:{last}{row + 7}"


def rating_row(layout, ws, row, label, name, path, cols, last) -> int:
    put(ws, f"A{row}", label, merge=f"A{row}:{cols[2]['col']}{row}", font=BOLD, fill=HEAD_FILL)
    ref = f"{cols[3]['col']}{row}"
    put(ws, ref, None, merge=f"{ref}:{last}{row}", align=CENTER)
    layout.add_field(ws, ref, name, path, "input", "enum", choices=list(domain.RATINGS),
                     source="list_rating")
    return row + 1


def build_dokumen(layout: Layout, ws) -> None:
    set_widths(ws, {"A": 5, "B": 34, "C": 28, "D": 28})
    row = title_block(ws, ["DOKUMEN EVALUASI KINERJA PEGAWAI"], "D")
    put(ws, f"A{row - 1}", None, merge=f"A{row - 1}:D{row - 1}", border=False, align=CENTER,
        font=BOLD)
    layout.add_mirror(ws, f"A{row - 1}", "periode_label_dok", "periode_label", prefix="PERIODE: ")
    row += 1
    labels = [("NAMA", "nama"), ("NIP", "nip"), ("PANGKAT/GOL RUANG", "pangkat"),
              ("JABATAN", "jabatan"), ("UNIT KERJA", "unit_kerja")]
    for number, (heading, who) in enumerate((("PEGAWAI YANG DINILAI", "pegawai"),
                                              ("PEJABAT PENILAI KINERJA", "penilai"),
                                              ("ATASAN PEJABAT PENILAI KINERJA", "atasan_penilai")),
                                             start=1):
        put(ws, f"A{row}", number, font=BOLD, align=CENTER, fill=HEAD_FILL)
        put(ws, f"B{row}", heading, merge=f"B{row}:D{row}", font=BOLD, fill=HEAD_FILL)
        for i, (label, key) in enumerate(labels, start=1):
            r = row + i
            put(ws, f"A{r}", None)
            put(ws, f"B{r}", label)
            put(ws, f"C{r}", None, merge=f"C{r}:D{r}")
            if who == "atasan_penilai":
                layout.add_field(ws, f"C{r}", f"{who}_{key}", f"$.{who}.{key}", "prefilled",
                                 "string")
            else:
                layout.add_mirror(ws, f"C{r}", f"{who}_{key}_dok", f"{who}_{key}")
        row += len(labels) + 1
    put(ws, f"A{row}", 4, font=BOLD, align=CENTER, fill=HEAD_FILL)
    put(ws, f"B{row}", "EVALUASI KINERJA", merge=f"B{row}:D{row}", font=BOLD, fill=HEAD_FILL)
    for i, (label, name, source) in enumerate((("CAPAIAN KINERJA ORGANISASI", "capaian_organisasi_dok",
                                                "capaian_organisasi"),
                                               ("PREDIKAT KINERJA PEGAWAI", "predikat_dok",
                                                "predikat")), start=1):
        put(ws, f"A{row + i}", None)
        put(ws, f"B{row + i}", label)
        put(ws, f"C{row + i}", None, merge=f"C{row + i}:D{row + i}", font=BOLD)
        layout.add_mirror(ws, f"C{row + i}", name, source)
    row += 3
    put(ws, f"A{row}", 5, font=BOLD, align=CENTER, fill=HEAD_FILL)
    put(ws, f"B{row}", "CATATAN/REKOMENDASI", merge=f"B{row}:D{row}", font=BOLD, fill=HEAD_FILL)
    put(ws, f"A{row + 1}", None, merge=f"A{row + 1}:D{row + 1}")
    layout.add_field(ws, f"A{row + 1}", "catatan_rekomendasi", "$.evaluasi.catatan_rekomendasi",
                     "input", "string")
    ws.row_dimensions[row + 1].height = 80
    row += 3
    signature_block(layout, ws, row, ("B", "B"), ("C", "D"), source=False,
                    left_title="Pegawai yang Dinilai", right_title="Pejabat Penilai Kinerja")
    ws.print_area = f"A1:D{row + 7}"


def build_petunjuk(ws) -> None:
    ws.column_dimensions["A"].width = 80
    for row, (text, bold) in enumerate(PETUNJUK, start=1):
        cell = ws.cell(row=row, column=1, value=text)
        cell.font = TITLE if bold else Font(name="Arial", size=10)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if text and not bold:
            ws.row_dimensions[row].height = 14 * (len(text) // 75 + 1) + 4


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
