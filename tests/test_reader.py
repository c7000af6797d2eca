"""Tests of skpxl.reader: every sample workbook, good or hostile, is built here in tmp_path."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io
import os
import shutil
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.workbook.defined_name import DefinedName

from skpxl import package, problems
from skpxl.errors import UnreadableFileError
from skpxl.reader import (LIMITS, a1, col_index, col_letter, detect_format, formula_cells,
                          parse_a1, read_workbook)

NIP_BROKEN = 1.98703152010121e17
LONG_TEXT = ("Rencana hasil kerja yang diintervensi. " * 1000)[:32_767]

# --- builders ----------------------------------------------------------------------------


def build_skp(path):
    """A small SKP-like workbook with every value type, defined names and hidden sheets."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "SKP"
    ws["A1"], ws["B1"], ws["C1"], ws["D1"] = "Nama", 12, 1.5, True
    ws["E1"] = dt.date(2024, 1, 31)
    ws["F1"] = dt.datetime(2024, 1, 31, 13, 45)
    ws["G1"] = "=B1*2"
    ws["H1"] = 198703152010121001            # a NIP typed as a number: Excel keeps 15 digits
    ws["I1"] = "  spasi tetap  "
    ws["J1"] = "baris 1\nbaris 2\tkolom"
    ws["A2"] = "198703152010121001"
    ws["C7"] = "Ketua Tim"
    ws["C8"], ws["C9"] = 90, 110.25
    ws["A3"] = LONG_TEXT
    evaluasi = wb.create_sheet("Dokumen Evaluasi")
    evaluasi["C7"] = "Baik"
    wb.create_sheet("Data").sheet_state = "hidden"
    wb["Data"]["B3"] = "tersembunyi"
    wb.create_sheet("Kunci").sheet_state = "veryHidden"
    wb.defined_names["NAMA"] = DefinedName("NAMA", attr_text="SKP!$A$1")
    wb.defined_names["NILAI"] = DefinedName("NILAI", attr_text="'SKP'!$C$8:$C$9")
    wb.defined_names["PREDIKAT"] = DefinedName("PREDIKAT", attr_text="'Dokumen Evaluasi'!$C$7")
    wb.save(path)
    return path


def rewrite_zip(src: Path, dst: Path, replace: dict[str, bytes] | None = None,
                drop: tuple[str, ...] = ()) -> Path:
    """Copy a zip, replacing or dropping some parts."""
    replace = replace or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename not in drop:
                zout.writestr(info.filename, replace.get(info.filename, zin.read(info.filename)))
    return dst


CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
      'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
      'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
      '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="{main}"/></Types>')
MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def write_xlsx(path: Path, rows, *, head: str = "") -> Path:
    """A minimal hand-written xlsx whose one sheet "S" streams ``rows`` (XML text pieces)."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", CT.format(main=MAIN))
        z.writestr("_rels/.rels", f'<Relationships xmlns="http://schemas.openxmlformats.org/'
                   f'package/2006/relationships"><Relationship Id="rId1" Type="{rel}/'
                   'officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<workbook {ns} xmlns:r="{rel}"><sheets><sheet name="S" '
                   'sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.'
                   f'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
                   f'Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        with z.open("xl/worksheets/sheet1.xml", "w") as f:
            f.write(f'<?xml version="1.0" encoding="UTF-8"?>{head}<worksheet {ns}>'.encode())
            f.write(b'<dimension ref="A1"/><sheetData>')
            for piece in rows:
                f.write(piece.encode())
            f.write(b"</sheetData></worksheet>")
    return path


def write_ods(path: Path, tables: str, *, manifest_extra: str = "", names: str = "") -> Path:
    """A minimal hand-written .ods; ``tables`` is the table:table XML."""
    office = "urn:oasis:names:tc:opendocument:xmlns"
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               f'xmlns:office="{office}:office:1.0" xmlns:table="{office}:table:1.0" '
               f'xmlns:text="{office}:text:1.0" xmlns:style="{office}:style:1.0" '
               f'office:version="1.2"><office:automatic-styles><style:style style:name="ta2" '
               f'style:family="table"><style:table-properties table:display="false"/>'
               f'</style:style></office:automatic-styles><office:body><office:spreadsheet>'
               f'{tables}{names}</office:spreadsheet></office:body></office:document-content>')
    mime = "application/vnd.oasis.opendocument.spreadsheet"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", mime)
        z.writestr("META-INF/manifest.xml", f'<?xml version="1.0" encoding="UTF-8"?>'
                   f'<manifest:manifest xmlns:manifest="{office}:manifest:1.0"><manifest:file-'
                   f'entry manifest:full-path="/" manifest:media-type="{mime}"/><manifest:file-'
                   f'entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
                   f'{manifest_extra}</manifest:file-entry></manifest:manifest>')
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


def make_cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal valid OLE2/CFB container (version 3, 512-byte sectors) holding ``streams``.

    Each stream is padded to (and declared as) 4096 bytes so that it lives in regular sectors,
    not in the mini stream;
    sector 0 holds the FAT, sector 1 the directory (root + up to 3 streams).
    """
    end, free, nostream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFF
    fat, data, entries = [0xFFFFFFFD, end], b"", []
    names = list(streams)
    for i, name in enumerate(names):
        body = streams[name].ljust(4096, b"\x00")
        first, count = len(fat), -(-len(body) // 512)
        fat += [first + k + 1 for k in range(count - 1)] + [end]
        data += body.ljust(count * 512, b"\x00")
        right = i + 2 if i + 1 < len(names) else nostream
        entries.append((name, 2, nostream, right, nostream, first, len(body)))
    entries.insert(0, ("Root Entry", 5, nostream, nostream, 1 if names else nostream, end, 0))

    def entry(name, kind, left, right, child, start, size):
        raw = name.encode("utf-16-le")
        return (raw.ljust(64, b"\x00") + struct.pack("<HBB3I", len(raw) + 2, kind, 1, left,
                right, child) + bytes(16) + struct.pack("<IQQIQ", 0, 0, 0, start, size))

    directory = b"".join(entry(*e) for e in entries).ljust(512, b"\x00")
    header = (bytes.fromhex("d0cf11e0a1b11ae1") + bytes(16) + struct.pack(
        "<HHHHH6sIIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, bytes(6), 0, 1, 1, 0, 4096, end, 0, end, 0,
        0) + struct.pack("<108I", *[free] * 108))
    fat_sector = struct.pack(f"<{len(fat)}I", *fat).ljust(512, b"\xff")
    return header + fat_sector + directory + data


def biff_record(kind: int, payload: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(payload)) + payload


def deflate_zeros_zip(path: Path, name: str, megabytes: int) -> Path:
    """A zip whose one entry inflates to ``megabytes`` MB of zeros, built in milliseconds.

    One MB of zeros is deflated once and, thanks to a full flush, the same compressed bytes
    can be repeated; the local header, central directory and end record are written by hand.
    """
    zeros = bytes(1 << 20)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    raw = block * megabytes + b"\x03\x00"      # an empty final block ends the stream
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(zeros, crc)
    size, fname = megabytes << 20, name.encode()
    local = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(raw), size,
                        len(fname), 0) + fname
    central = struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc,
                          len(raw), size, len(fname), 0, 0, 0, 0, 0, 0) + fname
    eocd = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 1, 1, len(central),
                       len(local) + len(raw), 0)
    path.write_bytes(local + raw + central + eocd)
    return path


def refused(path: Path, **kwargs) -> UnreadableFileError:
    with pytest.raises(UnreadableFileError) as info:
        book = read_workbook(path, **kwargs)
        for sheet in book.sheet_names:
            book.cells(sheet)
    return info.value


@pytest.fixture
def skp(tmp_path) -> Path:
    return build_skp(tmp_path / "skp.xlsx")


@pytest.fixture(params=["libdeflate", "zlib"])
def inflater(request, monkeypatch) -> str:
    """Run a test with each way whole parts are inflated: libdeflate (the ``deflate``
    package, a dependency) and zlib (what is used where its wheel is missing)."""
    if request.param == "zlib":
        monkeypatch.setattr(package, "_libdeflate", None)
        monkeypatch.setattr(package, "_crc32", zlib.crc32)
    else:
        assert package._libdeflate is not None, "the deflate package is a dependency"
    return request.param


def test_both_inflaters_give_every_part_byte_for_byte(skp, tmp_path, monkeypatch):
    rezipped = rewrite_zip(skp, tmp_path / "dikemas-ulang.xlsx")   # zlib, not openpyxl
    for path in (skp, rezipped):
        data = path.read_bytes()
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                fast = package._inflate_whole(data, info, path)
                with monkeypatch.context() as m:
                    m.setattr(package, "_libdeflate", None)
                    slow = package._inflate_whole(data, info, path)
                assert fast == slow == z.read(info) and type(fast) is bytes


# --- reading normal workbooks ------------------------------------------------------------


def test_reads_values_and_types(skp):
    book = read_workbook(skp)
    assert book.format == "xlsx" == detect_format(skp)
    assert book.sheet_names == ["SKP", "Dokumen Evaluasi", "Data", "Kunci"]
    assert book.value("SKP", "A1") == "Nama"
    assert book.value("SKP", "B1") == 12 and type(book.value("SKP", "B1")) is int
    assert book.value("SKP", "C1") == 1.5
    assert book.value("SKP", "D1") is True
    assert book.value("SKP", "E1") == dt.date(2024, 1, 31)
    assert type(book.value("SKP", "E1")) is dt.date
    assert book.value("SKP", "F1") == dt.datetime(2024, 1, 31, 13, 45)
    nip = book.value("SKP", "H1")
    assert type(nip) is float and nip == NIP_BROKEN     # stays visibly broken
    assert book.value("SKP", "A2") == "198703152010121001"
    assert book.value("SKP", "I1") == "  spasi tetap  "   # no trimming here
    assert book.value("SKP", "J1") == "baris 1\nbaris 2\tkolom"
    assert book.value("SKP", "C9") == 110.25 and book.value("SKP", "C8") == 90
    assert book.value("SKP", "B2") is None              # empty
    assert book.value("SKP", "ZZ9999") is None          # outside the grid
    assert book.value("Dokumen Evaluasi", "C7") == "Baik"
    assert book.cells("SKP")[6][2] == "Ketua Tim"
    assert book.sheet_dimensions("SKP") == (9, 10)
    assert book.sheet_truncated == {"SKP": False, "Dokumen Evaluasi": False}
    with pytest.raises(KeyError):
        book.cells("Tidak Ada")


def test_long_cell_is_read_intact(skp):
    value = read_workbook(skp).value("SKP", "A3")
    assert value == LONG_TEXT and len(value) == 32_767


def test_sheet_states_and_defined_names(skp):
    book = read_workbook(skp)
    assert book.sheet_states == {"SKP": "visible", "Dokumen Evaluasi": "visible",
                                 "Data": "hidden", "Kunci": "veryHidden"}
    assert book.defined_names == {"NAMA": ("SKP", "A1"), "NILAI": ("SKP", "C8:C9"),
                                  "PREDIKAT": ("Dokumen Evaluasi", "C7")}


def test_formula_cells(skp):
    assert formula_cells(skp, "SKP") == {"G1"}
    assert read_workbook(skp).formula_cells("Dokumen Evaluasi") == set()


def test_sheets_argument_reads_eagerly(skp):
    book = read_workbook(skp, sheets=["SKP", "Tidak Ada"])
    assert "SKP" in book.sheet_truncated and "Data" not in book.sheet_truncated


def test_control_characters_removed(tmp_path):
    path = write_xlsx(tmp_path / "ctrl.xlsx", ['<row r="1"><c r="A1" t="inlineStr"><is><t>'
                                               'a_x0001_b_x001F_c&#10;d</t></is></c></row>'])
    assert read_workbook(path).value("S", "A1") == "abc\nd"


def test_xlsm_detected_by_content_type(skp, tmp_path):
    with zipfile.ZipFile(skp) as z:
        types = z.read("[Content_Types].xml").replace(
            b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    path = rewrite_zip(skp, tmp_path / "renamed.xlsx", {"[Content_Types].xml": types})
    assert detect_format(path) == "xlsm"
    assert read_workbook(path).value("SKP", "A1") == "Nama"


def test_format_is_not_taken_from_the_extension(skp, tmp_path):
    path = tmp_path / "kiriman.xls"
    shutil.copy(skp, path)
    assert detect_format(path) == "xlsx"


# --- oversized sheets are cut before calamine sees them ----------------------------------


def test_million_rows_are_truncated(tmp_path):
    def rows():
        for start in range(1, 1_000_001, 10_000):
            yield "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>'
                          for i in range(start, start + 10_000))
    path = write_xlsx(tmp_path / "million.xlsx", rows())
    book = read_workbook(path)
    assert book.sheet_dimensions("S") == (10_000, 1)
    assert book.value("S", "A10000") == 10_000
    assert book.sheet_truncated["S"] is True


def test_far_away_cell_does_not_blow_up_memory(tmp_path):
    # calamine alone would allocate a dense 1048576 x 16384 grid and abort the process
    path = write_xlsx(tmp_path / "far.xlsx", ['<row r="1"><c r="A1"><v>7</v></c></row>'
                                              '<row r="1048576"><c r="XFD1048576"><v>1</v></c>'
                                              '</row>'])
    book = read_workbook(path)
    assert book.cells("S") == [[7]] and book.sheet_truncated["S"] is True


def test_cells_without_plain_references_are_placed_like_excel(tmp_path):
    path = write_xlsx(tmp_path / "odd.xlsx", [
        "<row><c><v>1</v></c><c t='inlineStr'><is><t>dua</t></is></c></row>",
        "<row r='3'><c r = 'C3'><v>3</v></c><c><v>4</v></c></row>"])
    book = read_workbook(path)
    assert book.cells("S") == [[1, "dua", None, None], [None] * 4, [None, None, 3, 4]]
    assert book.sheet_truncated["S"] is False


@pytest.mark.parametrize("cell", [
    '<c r="A2" r ="XFD1048576"><v>2</v></c>',            # duplicate r: calamine takes the last
    '<c r =\n"XFD1048576"><v>2</v></c>',                 # spaces around "="
    '<c r="xfd1048576"><v>2</v></c>',                     # lowercase letters
    '<c r="&#88;FD1048576"><v>2</v></c>',                 # character reference
    '<x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'r="XFD1048576"><x:v>2</x:v></x:c>',                 # namespace prefix
])
def test_odd_cell_references_cannot_place_cells_far_away(tmp_path, cell):
    # each of these makes calamine alone allocate ~500 GB and abort the process
    path = write_xlsx(tmp_path / "odd.xlsx", ['<row r="1"><c r="A1"><v>1</v></c></row>'
                                              f'<row r="2">{cell}</row>'])
    grid = read_workbook(path).cells("S")
    assert grid[0] == [1] and len(grid) <= 2 and all(len(row) == 1 for row in grid)


def test_small_limits_cut_rows_and_columns(skp):
    limits = dataclasses.replace(LIMITS, max_rows=5, max_cols=3)
    book = read_workbook(skp, limits=limits)
    assert book.sheet_dimensions("SKP") == (3, 3)
    assert book.value("SKP", "C1") == 1.5 and book.value("SKP", "D1") is None
    assert book.sheet_truncated["SKP"] is True
    assert book.sheet_truncated.get("Dokumen Evaluasi") is None   # not read yet
    assert book.value("Dokumen Evaluasi", "C7") is None
    assert book.sheet_truncated["Dokumen Evaluasi"] is True


def test_styled_empty_cells_beyond_limits_are_not_truncation(tmp_path):
    path = write_xlsx(tmp_path / "styled.xlsx", ['<row r="1"><c r="A1"><v>1</v></c>'
                                                 '<c r="XFD1" s="1"/></row>'])
    book = read_workbook(path)
    assert book.cells("S") == [[1]] and book.sheet_truncated["S"] is False


# --- refused files: each with its exact code --------------------------------------------


def test_not_found(tmp_path):
    assert refused(tmp_path / "tidak-ada.xlsx").code == "file.not_found"


def test_empty_file(tmp_path):
    path = tmp_path / "kosong.xlsx"
    path.write_bytes(b"")
    err = refused(path)
    assert err.code == "file.empty" and "kosong" in err.message and err.hint
    assert err.path == str(path)


def test_directory_is_not_a_workbook(tmp_path):
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    err = refused(folder)
    assert err.code == "file.not_workbook" and "folder" in err.message


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_permission_denied(skp):
    skp.chmod(0)
    try:
        assert refused(skp).code == "file.permission"
    finally:
        skp.chmod(0o644)


#: Indonesian words the English detail of a refused file must not carry
INDONESIAN = ("berkas", "tidak", "dokumen", "arsip", "gambar", "bagian", "batas", "lembar",
              "buku", "halaman", "terpotong", "rusak", "entri", "ini sebuah")


def _english(err: UnreadableFileError) -> str:
    message, hint = err.text("en")
    problem = problems.Problem(err.code, err.params)
    assert problem.message("en") == message
    return f"{message} {hint or ''}".lower()


@pytest.mark.parametrize("content, kind, kind_en", [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF", "a pdf file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG", "a png image"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG", "a jpeg image"),
    (b"NIP;Nama\n198703152010121001;Budi\n", "CSV", "a text/csv file"),
    (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "HTML", "an html page"),
    (b"\x00\x01\x02binary", "format tidak dikenal", "an unknown format"),
])
def test_renamed_files_are_not_workbooks(tmp_path, content, kind, kind_en):
    """What a renamed file seems to be, said in both languages (the English with no
    Indonesian word in it)."""
    path = tmp_path / "skp.xlsx"
    path.write_bytes(content)
    err = refused(path)
    assert err.code == "file.not_workbook" and kind in err.message
    text = _english(err)
    assert kind_en in text
    assert not [w for w in INDONESIAN if w in text], text


def test_docx_and_plain_zip_are_not_workbooks(tmp_path):
    docx = tmp_path / "surat.xlsx"
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("[Content_Types].xml", CT.format(main="application/vnd.openxmlformats-"
                   "officedocument.wordprocessingml.document.main+xml").replace(
                       "/xl/workbook.xml", "/word/document.xml"))
        z.writestr("word/document.xml", "<w:document/>")
    assert refused(docx).code == "file.not_workbook"
    plain = tmp_path / "arsip.xlsx"
    with zipfile.ZipFile(plain, "w") as z:
        z.writestr("foto.txt", "bukan excel")
    assert refused(plain).code == "file.not_workbook"


def test_every_detail_of_a_damaged_zip_reads_in_english(skp, tmp_path):
    folder = tmp_path / "f1.xlsx"
    folder.mkdir()
    plain = tmp_path / "f2.xlsx"
    with zipfile.ZipFile(plain, "w") as z:
        z.writestr("foto.txt", "bukan excel")
    data = skp.read_bytes()
    half = tmp_path / "f3.xlsx"
    half.write_bytes(data[: len(data) // 2])
    cases = [folder, plain, half,
             rewrite_zip(skp, tmp_path / "f4.xlsx", drop=("xl/workbook.xml",)),
             rewrite_zip(skp, tmp_path / "f5.xlsx",
                         {"xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row r='1'>"})]
    for path in cases:
        err = refused(path)
        text = _english(err)
        assert err.params["detail_en"], path
        assert not [w for w in INDONESIAN if w in text], (path.name, text)


def test_truncated_zip_is_corrupt(skp, inflater, tmp_path):
    data = skp.read_bytes()
    half = tmp_path / "setengah.xlsx"
    half.write_bytes(data[: len(data) // 2])
    assert refused(half).code == "file.corrupt"


def test_missing_workbook_part_is_corrupt(skp, tmp_path):
    path = rewrite_zip(skp, tmp_path / "tanpa.xlsx", drop=("xl/workbook.xml",))
    assert refused(path).code == "file.corrupt"


def test_damaged_part_is_corrupt(skp, inflater, tmp_path):
    path = rewrite_zip(skp, tmp_path / "rusak.xlsx",
                       {"xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row r='1'>"})
    assert refused(path).code == "file.corrupt"


def test_zip_bomb_refused_from_central_directory(tmp_path):
    path = deflate_zeros_zip(tmp_path / "bom.xlsx", "xl/worksheets/sheet1.xml", 300)
    assert path.stat().st_size < 1_000_000
    err = refused(path)
    assert err.code == "file.zip_bomb" and "300 MB" in err.message


def test_high_ratio_entry_is_a_zip_bomb(tmp_path):
    path = deflate_zeros_zip(tmp_path / "rasio.xlsx", "xl/sharedStrings.xml", 5)
    err = refused(path)
    assert err.code == "file.zip_bomb" and "rasio" in err.message


def test_too_many_entries(tmp_path):
    path = tmp_path / "banyak.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        for i in range(LIMITS.max_entries + 1):
            z.writestr(f"xl/media/{i}.txt", "")
    assert refused(path).code == "file.zip_bomb"


def test_lying_sizes_are_caught_while_inflating(skp, inflater, tmp_path):
    name = b"xl/styles.xml"
    data = bytearray(skp.read_bytes())
    with zipfile.ZipFile(skp) as z:
        info = z.getinfo(name.decode())
    small = info.file_size // 4
    struct.pack_into("<I", data, info.header_offset + 22, small)
    central = data.find(b"PK\x01\x02" + data[info.header_offset + 4:info.header_offset + 6])
    while data[central + 46:central + 46 + len(name)] != name:
        central = data.find(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", data, central + 24, small)
    path = tmp_path / "bohong.xlsx"
    path.write_bytes(bytes(data))
    assert refused(path).code == "file.zip_bomb"


def test_file_too_large(skp):
    limits = dataclasses.replace(LIMITS, max_file_bytes=1000)
    assert refused(skp, limits=limits).code == "file.too_large"


LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;">'
          '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;">]>')


def test_billion_laughs_in_sheet_is_refused(tmp_path):
    path = write_xlsx(tmp_path / "lol.xlsx", ['<row r="1"><c r="A1" t="inlineStr"><is><t>'
                                              '&lol2;</t></is></c></row>'], head=LAUGHS)
    err = refused(path)
    assert err.code == "file.xml_entities" and "sheet1.xml" in err.message


def test_external_entity_is_refused(skp, tmp_path):
    with zipfile.ZipFile(skp) as z:
        xml = z.read("xl/workbook.xml")
    evil = (b'<?xml version="1.0"?><!-- a comment first --><!DOCTYPE r [<!ENTITY x SYSTEM '
            b'"file:///etc/passwd">]>' + xml.split(b"?>", 1)[-1])
    path = rewrite_zip(skp, tmp_path / "xxe.xlsx", {"xl/workbook.xml": evil})
    assert refused(path).code == "file.xml_entities"
    utf16 = rewrite_zip(skp, tmp_path / "xxe16.xlsx", {"xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r SYSTEM "http://x/">'
        '<styleSheet/>').encode("utf-16")})
    assert refused(utf16).code == "file.xml_entities"


def test_encrypted_ooxml_container(tmp_path):
    # What Excel writes for a password-protected .xlsx: a CFB with these two streams.
    path = tmp_path / "sandi.xlsx"
    path.write_bytes(make_cfb({"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": b"x"}))
    assert refused(path).code == "file.encrypted"


def test_encrypted_xls_with_filepass(tmp_path):
    bof = biff_record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 6))
    filepass = biff_record(0x002F, struct.pack("<HHH", 1, 1, 1) + bytes(48))
    stream = bof + filepass + biff_record(0x000A)
    path = tmp_path / "sandi.xls"
    path.write_bytes(make_cfb({"Workbook": stream}))
    assert detect_format(path) == "xls"
    assert refused(path).code == "file.encrypted"


def build_xls(path: Path, *, last_row: int = 1) -> Path:
    """A minimal BIFF8 .xls: sheet "Lembar" with 42 in B1; DIMENSIONS claims ``last_row``."""
    def bof(kind: int) -> bytes:
        return biff_record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 6))

    def globals_(offset: int) -> bytes:
        sheet = struct.pack("<IBBBB", offset, 0, 0, 6, 0) + b"Lembar"
        return bof(0x0005) + biff_record(0x0085, sheet) + biff_record(0x000A)
    sheet = (bof(0x0010) + biff_record(0x0200, struct.pack("<IIHHH", 0, last_row, 0, 2, 0))
             + biff_record(0x0203, struct.pack("<HHHd", 0, 1, 0, 42.0)) + biff_record(0x000A))
    path.write_bytes(make_cfb({"Workbook": globals_(len(globals_(0))) + sheet}))
    return path


def test_hand_built_xls(tmp_path):
    book = read_workbook(build_xls(tmp_path / "lama.xls"))
    assert book.format == "xls" and book.sheet_names == ["Lembar"]
    assert book.cells("Lembar") == [[None, 42]] and book.sheet_states == {"Lembar": "visible"}


def test_xls_that_makes_calamine_abort_is_only_corrupt(tmp_path):
    # a DIMENSIONS record claiming 3 billion rows makes calamine allocate ~120 GB and abort
    path = build_xls(tmp_path / "rusak.xls", last_row=0xB7000003)
    assert refused(path).code == "file.corrupt"


def test_word_97_document_and_broken_cfb(tmp_path):
    doc = tmp_path / "surat.xls"
    doc.write_bytes(make_cfb({"WordDocument": b"\xec\xa5"}))
    err = refused(doc)
    assert err.code == "file.not_workbook" and "Word" in err.message
    broken = tmp_path / "rusak.xls"
    broken.write_bytes(make_cfb({"Workbook": b"\x09\x08"})[:1024])
    assert refused(broken).code == "file.corrupt"


def test_encrypted_ods(tmp_path):
    path = write_ods(tmp_path / "sandi.ods", "<table:table table:name='S'/>",
                     manifest_extra="<manifest:encryption-data/>")
    assert refused(path).code == "file.encrypted"


def test_codes_are_in_the_problem_catalogue():
    for code in ("file.empty", "file.not_found", "file.permission", "file.not_workbook",
                 "file.corrupt", "file.encrypted", "file.zip_bomb", "file.xml_entities",
                 "file.too_large"):
        ptype = problems.CATALOG[code]
        assert ptype.severity == "error" and ptype.id and ptype.en


def test_error_params_render_the_catalogue_message(tmp_path):
    path = tmp_path / "kosong.xlsx"
    path.write_bytes(b"")
    err = refused(path)
    problem = problems.Problem(err.code, err.params)
    assert problem.message() == err.message
    assert "empty" in problem.message("en")


# --- ods ------------------------------------------------------------------------------------


def cell(value) -> str:
    if isinstance(value, str):
        return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p>' \
               "</table:table-cell>"
    return f'<table:table-cell office:value-type="float" office:value="{value}"/>'


def test_hand_built_ods(tmp_path):
    tables = ("<table:table table:name='SKP'><table:table-row>" + cell("Nama") + cell(3)
              + '</table:table-row><table:table-row table:number-rows-repeated="5">'
              '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
              "<table:table-row><table:table-cell table:number-columns-repeated='2'/>"
              + cell("Ketua") + "</table:table-row></table:table>"
              "<table:table table:name='Dokumen Evaluasi' table:style-name='ta2'>"
              "<table:table-row>" + cell(1) + "</table:table-row></table:table>")
    names = ("<table:named-expressions><table:named-range table:name='NAMA' table:base-cell-"
             "address='$SKP.$A$1' table:cell-range-address='$SKP.$A$1'/><table:named-range "
             "table:name='RENTANG' table:base-cell-address='$SKP.$A$1' table:cell-range-address="
             "\"$'Dokumen Evaluasi'.$C$7:.$C$9\"/><table:named-expression table:name='EKSPR' "
             "table:expression='of:[$SKP.$C$7]'/></table:named-expressions>")
    path = write_ods(tmp_path / "skp.ods", tables, names=names)
    book = read_workbook(path)
    assert book.format == "ods" and book.sheet_names == ["SKP", "Dokumen Evaluasi"]
    assert book.sheet_states == {"SKP": "visible", "Dokumen Evaluasi": "hidden"}
    assert book.value("SKP", "A1") == "Nama" and book.value("SKP", "B1") == 3
    assert book.value("SKP", "C7") == "Ketua"
    assert book.defined_names == {"NAMA": ("SKP", "A1"),
                                  "RENTANG": ("Dokumen Evaluasi", "C7:C9"),
                                  "EKSPR": ("SKP", "C7")}
    assert book.sheet_truncated == {"SKP": False, "Dokumen Evaluasi": False}


def test_ods_repeated_cells_are_truncated(tmp_path):
    tables = ("<table:table table:name='S'><table:table-row table:number-rows-repeated="
              "'1000000'><table:table-cell office:value-type='float' office:value='1' "
              "table:formula='of:=1' table:number-columns-repeated='1000'/></table:table-row>"
              "</table:table>")
    limits = dataclasses.replace(LIMITS, max_rows=50, max_cols=4)
    book = read_workbook(write_ods(tmp_path / "ulang.ods", tables), limits=limits)
    assert book.sheet_dimensions("S") == (50, 4) and book.value("S", "D50") == 1
    assert book.sheet_truncated == {"S": True}


# --- real files from LibreOffice ----------------------------------------------------------


@pytest.mark.libreoffice
@pytest.mark.parametrize("target", ["ods", "xls"])
def test_libreoffice_files_read_the_same(skp, tmp_path, target, soffice):
    profile = (tmp_path / "profile").as_uri()     # (soffice: fails in CI when missing)
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless",
                    "--convert-to", target, "--outdir", str(tmp_path / "out"), str(skp)],
                   check=True, capture_output=True, timeout=180)
    converted = tmp_path / "out" / f"skp.{target}"
    original, book = read_workbook(skp), read_workbook(converted)
    assert book.format == target == detect_format(converted)
    assert book.sheet_names == original.sheet_names
    assert book.sheet_states["Data"] == "hidden"
    assert book.value("SKP", "G1") == 24            # LibreOffice computed the formula
    # formulas: known for .ods from the pre-scan (LibreOffice also stores the TRUE in D1
    # as the formula =TRUE()), not for .xls (calamine does not tell)
    assert book.formula_cells("SKP") == ({"D1", *original.formula_cells("SKP")}
                                         if target == "ods" else set())
    expected, got = original.cells("SKP"), book.cells("SKP")
    expected[0][6] = got[0][6] = None
    if target == "ods":        # LibreOffice itself drops the tab when it writes the .ods
        assert got[0][9] == "baris 1\nbaris 2kolom"
        expected[0][9] = got[0][9] = None
    assert got == expected
    assert book.cells("Dokumen Evaluasi") == original.cells("Dokumen Evaluasi")
    if target == "ods":
        assert book.defined_names == original.defined_names


# --- A1 helpers and robustness ----------------------------------------------------------------


def test_a1_helpers():
    assert col_letter(0) == "A" and col_letter(25) == "Z" and col_letter(27) == "AB"
    assert col_letter(16383) == "XFD" and col_index("xfd") == 16383
    assert parse_a1("C7") == (6, 2) == parse_a1("$C$7")
    assert a1(6, 2) == "C7"
    with pytest.raises(ValueError):
        parse_a1("7C")


@given(st.integers(0, 16383), st.integers(0, 1_048_575))
def test_a1_round_trip(col0, row0):
    assert col_index(col_letter(col0)) == col0
    assert parse_a1(a1(row0, col0)) == (row0, col0)


@functools.cache
def skp_parts() -> dict[str, bytes]:
    """The parts of the SKP-like workbook, built once in memory for the mutation test."""
    buffer = io.BytesIO()
    build_skp(buffer)
    with zipfile.ZipFile(buffer) as z:
        return {name: z.read(name) for name in z.namelist()}


TOKENS = [b'r="XFD1048576"', b"r='B2'", b"<c>", b"<row>", b"</row>", b"<v>1</v>", b"<f>A1</f>",
          b"<![CDATA[", b"&#0;", b"<x:c r='C3'>", b"<!DOCTYPE a>", b"_x0001_", b"\x00"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_workbooks_never_crash(tmp_path_factory, data):
    """Damaged XML inside a valid zip is read or refused with a file.* code, never a crash."""
    parts = skp_parts()
    name = data.draw(st.sampled_from(sorted(n for n in parts if n.endswith(".xml"))))
    xml = bytearray(parts[name])
    for _ in range(data.draw(st.integers(1, 6))):
        pos = data.draw(st.integers(0, len(xml)))
        edit = data.draw(st.one_of(st.sampled_from(TOKENS), st.integers(1, 20), st.binary(min_size=1, max_size=1)))
        if isinstance(edit, int):
            del xml[pos:pos + edit]
        else:
            xml[pos:pos] = edit
    path = tmp_path_factory.mktemp("m") / "m.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for part, content in parts.items():
            z.writestr(part, bytes(xml) if part == name else content)
    try:
        book = read_workbook(path)
        for sheet in book.sheet_names:
            assert len(book.cells(sheet)) <= LIMITS.max_rows
            book.formula_cells(sheet)
    except UnreadableFileError as err:
        assert err.code.startswith("file.")


# --- the central directory read in one pass (package._Directory) ---------------------------

def _entries(directory) -> list[tuple]:
    return [(i.filename, i.flag_bits, i.compress_type, i.CRC, i.compress_size, i.file_size,
             i.header_offset) for i in directory.infolist()]


def test_plain_archives_are_listed_as_zipfile_lists_them(skp, tmp_path, convert):
    """Archives as skpxl, openpyxl and LibreOffice write them: the one-pass reader takes
    them and lists what zipfile lists (names, flags, method, CRC, sizes, offsets)."""
    from skpxl.package import _Directory
    saved = tmp_path / "openpyxl.xlsx"
    openpyxl.load_workbook(skp).save(saved)
    resaved = convert([skp], "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo")
    for path in [skp, saved, *resaved]:
        data = path.read_bytes()
        directory = _Directory.read(data)
        assert directory is not None, path.name
        with zipfile.ZipFile(path) as zf:
            assert _entries(directory) == _entries(zf)
            assert directory.namelist() == zf.namelist()
            assert set(directory.NameToInfo) == set(zf.NameToInfo)


@pytest.mark.parametrize("shape", ["comment", "zip64", "prefix", "extra", "truncated", "dup"])
def test_other_archives_are_left_to_zipfile(skp, tmp_path, shape):
    """Any other shape goes to zipfile (its checks, its messages); reading still works or
    fails exactly as it did."""
    from skpxl.package import _Directory
    target = tmp_path / f"{shape}.xlsx"
    with zipfile.ZipFile(skp) as src:
        items = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    if shape in ("comment", "zip64", "extra", "dup"):
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            for name, data in items:
                info = zipfile.ZipInfo(name)
                info.compress_type = zipfile.ZIP_DEFLATED
                if shape == "extra":
                    info.extra = b"\xfe\xca\x00\x00"
                if shape == "zip64":
                    with out.open(info, "w", force_zip64=True) as handle:
                        handle.write(data)
                else:
                    out.writestr(info, data)
            if shape == "comment":
                out.comment = b"dibuat oleh alat lain"
            if shape == "dup":
                out.writestr("docProps/app.xml", b"<x/>")
    else:
        data = skp.read_bytes()
        target.write_bytes(b"MZ" + b"\0" * 30 + data if shape == "prefix" else data[:-10])
    data = target.read_bytes()
    if shape in ("dup", "zip64"):   # plain central directories: duplicates (the last one
        # of a name wins, as in zipfile), zip64 sizes in the local headers only
        with zipfile.ZipFile(target) as zf:
            assert _entries(_Directory.read(data)) == _entries(zf)
        return
    assert _Directory.read(data) is None
    if shape in ("comment", "extra"):       # zipfile reads them; so does skpxl
        assert read_workbook(target).cells("SKP")
