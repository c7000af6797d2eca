"""Safe, value-only reading of untrusted workbooks (.xlsx, .xlsm, .xls, .ods).

Staff send back workbooks from Excel, WPS, LibreOffice and phone apps; some are broken, some
are not workbooks at all, a few may be hostile. Everything is checked before a parser sees it:

* the format comes from magic bytes and package content, never from the file name;
* zip packages are checked from the central directory (entry count, declared sizes, ratio)
  before anything is inflated, and every part is inflated by :func:`_iter_part`, which stops
  as soon as a part yields more than it declared;
* the prolog of every XML part is scanned for ``<!DOCTYPE``/``<!ENTITY`` before any parser;
* python-calamine turns a sheet into a *dense* grid spanning its outermost non-empty cells,
  so a 2 KB file with values in A1 and XFD1048576 makes it allocate ~500 GB and abort the
  process. Sheet extents are therefore measured first (xlsx: :func:`_sheet_fits`, ods:
  :class:`_OdsScan`) and oversized sheets are rewritten to their first ``max_rows`` x
  ``max_cols`` cells before calamine reads them (``sheet_truncated[sheet] = True``).

Failures raise :class:`~skpxl.errors.UnreadableFileError` with a ``code`` from the ``file.*``
problem types below and an Indonesian message and hint; ``exc.params`` renders the catalogue
message. Cell values are plain Python: str, int, float, bool, date/datetime/time/timedelta,
None for empty. openpyxl is not used here: it is slow and keeps styles we do not need.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator
from xml.sax.handler import ContentHandler
from xml.sax.saxutils import escape, quoteattr

import defusedxml.ElementTree as SafeET
import python_calamine as calamine
from defusedxml.expatreader import DefusedExpatParser

from .errors import UnreadableFileError
from .problems import ERROR, define

__all__ = ["Limits", "LIMITS", "WorkbookValues", "detect_format", "read_workbook",
           "formula_cells", "col_letter", "col_index", "parse_a1", "a1"]

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Safety limits; change one with ``dataclasses.replace(LIMITS, max_rows=...)``."""

    max_file_bytes: int = 50 * MB
    max_uncompressed_bytes: int = 200 * MB   # sum of all zip entries
    max_ratio: int = 200                     # per entry, only for entries above 1 MB
    max_entries: int = 2000
    max_rows: int = 10_000                   # per sheet read
    max_cols: int = 200
    max_cell_chars: int = 32_767


LIMITS = Limits()

# --- problem types: one source for exception messages and the report catalogue ----------

_FILE_PROBLEMS: dict[str, tuple[str, str, str]] = {  # code: (id message, en message, id hint)
    "file.not_found": (
        "Berkas {file} tidak ditemukan.", "File {file} was not found.",
        "Periksa nama dan lokasi berkas."),
    "file.permission": (
        "Berkas {file} tidak dapat dibaca karena izin akses (permission).",
        "File {file} cannot be read because of its permissions.",
        "Minta izin baca untuk berkas itu, atau salin berkas ke folder Anda sendiri."),
    "file.empty": (
        "Berkas {file} kosong (0 byte).", "File {file} is empty (0 bytes).",
        "Unggahan atau unduhan kemungkinan gagal; minta pegawai mengirim ulang berkasnya."),
    "file.not_workbook": (
        "Berkas {file} bukan buku kerja spreadsheet ({detail}).",
        "File {file} is not a spreadsheet workbook ({detail}).",
        "Buka berkas SKP di Excel/WPS/LibreOffice, simpan sebagai .xlsx, lalu kirim ulang."),
    "file.corrupt": (
        "Berkas {file} rusak atau tidak lengkap ({detail}).",
        "File {file} is corrupt or incomplete ({detail}).",
        "Coba buka di Excel/LibreOffice dan simpan ulang sebagai .xlsx; jika tidak bisa dibuka, "
        "minta pegawai mengirim ulang berkasnya."),
    "file.encrypted": (
        "Berkas {file} dilindungi kata sandi (terenkripsi) sehingga tidak dapat dibaca.",
        "File {file} is password-protected (encrypted) and cannot be read.",
        "Minta pegawai menghapus kata sandi berkas (Excel: File > Info > Protect Workbook > "
        "Encrypt with Password, kosongkan), menyimpan, lalu mengirim ulang."),
    "file.zip_bomb": (
        "Berkas {file} ditolak: isinya jauh melebihi batas aman bila dibuka ({detail}).",
        "File {file} was refused: its content expands beyond the safety limits ({detail}).",
        "Berkas SKP normal berukuran kecil; periksa asal berkas dan minta dikirim ulang."),
    "file.xml_entities": (
        "Berkas {file} ditolak: bagian {detail} berisi deklarasi XML DOCTYPE/ENTITY yang tidak "
        "pernah dibuat Excel/LibreOffice dan dapat berbahaya.",
        "File {file} was refused: part {detail} contains an XML DOCTYPE/ENTITY declaration, "
        "which Excel/LibreOffice never write and which can be dangerous.",
        "Periksa asal berkas; simpan ulang dari Excel/LibreOffice lalu kirim ulang."),
    "file.too_large": (
        "Berkas {file} terlalu besar ({detail}).", "File {file} is too large ({detail}).",
        "Hapus gambar atau lembar yang tidak perlu, simpan ulang, lalu kirim ulang."),
}
for _code, (_id, _en, _hint) in _FILE_PROBLEMS.items():
    define(_code, ERROR, _id, _en)


def _fail(code: str, path: str | os.PathLike, detail: str = "") -> UnreadableFileError:
    """Build the exception for ``code``; ``exc.params`` can render the catalogue message."""
    params = {"file": Path(path).name, "detail": detail}
    id_msg, _, hint = _FILE_PROBLEMS[code]
    exc = UnreadableFileError(id_msg.format(**params), code=code, hint=hint, path=str(path))
    exc.params = params
    return exc


# --- A1 references -------------------------------------------------------------------

_A1 = re.compile(r"\$?([A-Za-z]{1,3})\$?([1-9][0-9]{0,6})")


def col_letter(col0: int) -> str:
    """Column letters of a 0-based column index: 0 -> "A", 27 -> "AB"."""
    if col0 < 0:
        raise ValueError(f"negative column index {col0}")
    letters = ""
    n = col0 + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def col_index(letters: str) -> int:
    """0-based column index of column letters: "A" -> 0, "AB" -> 27."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def parse_a1(ref: str) -> tuple[int, int]:
    """``"C7"`` (or ``"$C$7"``) -> ``(6, 2)``: 0-based (row, column)."""
    m = _A1.fullmatch(ref.strip())
    if not m:
        raise ValueError(f"not an A1 cell reference: {ref!r}")
    return int(m.group(2)) - 1, col_index(m.group(1))


def a1(row0: int, col0: int) -> str:
    """``(6, 2)`` -> ``"C7"``."""
    return f"{col_letter(col0)}{row0 + 1}"


# --- format detection -----------------------------------------------------------------

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_NOT_WORKBOOK_MAGIC = [  # (prefix, what it is)
    (b"%PDF", "berkas PDF"), (b"\x89PNG", "gambar PNG"), (b"\xff\xd8\xff", "gambar JPEG"),
    (b"GIF8", "gambar GIF"), (b"Rar!", "arsip RAR"), (b"7z\xbc\xaf", "arsip 7-Zip"),
    (b"{\\rtf", "dokumen RTF"), (b"\x1f\x8b", "arsip gzip"),
]
_OOXML_TYPES = {  # workbook main part content type -> format
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": "xlsx",
}


def _sniff_text(head: bytes) -> str:
    """Describe a non-binary file that is not a workbook (HTML/XML saved as .xls, CSV...)."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<html", b"<!doctype html", b"<table", b"<meta")):
        return "halaman HTML yang diberi nama seperti berkas Excel"
    if b"urn:schemas-microsoft-com:office:spreadsheet" in text:
        return "XML Spreadsheet 2003"
    if text.startswith(b"<?xml") or text.startswith(b"<"):
        return "berkas XML"
    return "berkas teks/CSV" if b"\x00" not in head else "format tidak dikenal"


def _open_checked(path: str | os.PathLike, limits: Limits):
    """Open ``path`` for reading, turning OS failures into precise file.* errors."""
    try:
        size = os.stat(path).st_size
        if os.path.isdir(path):
            raise _fail("file.not_workbook", path, "ini sebuah folder, bukan berkas")
        fp = open(path, "rb")
    except FileNotFoundError:
        raise _fail("file.not_found", path) from None
    except PermissionError:
        raise _fail("file.permission", path) from None
    except IsADirectoryError:
        raise _fail("file.not_workbook", path, "ini sebuah folder, bukan berkas") from None
    if size == 0:
        fp.close()
        raise _fail("file.empty", path)
    if size > limits.max_file_bytes:
        fp.close()
        raise _fail("file.too_large", path,
                    f"{size / MB:.1f} MB; batas {limits.max_file_bytes / MB:.0f} MB")
    return fp


def detect_format(path: str | os.PathLike, *, limits: Limits = LIMITS) -> str:
    """Return "xlsx", "xlsm", "xls" or "ods" from the content of ``path``, or raise.

    Zip packages are checked against ``limits`` from their central directory first.
    """
    with _open_checked(path, limits) as fp:
        return _Package.open(fp, path, limits).format


@dataclass
class _Package:
    """An opened, checked container: a zip package (xlsx/xlsm/ods) or a CFB file (xls)."""

    fp: Any
    path: str | os.PathLike
    limits: Limits
    format: str = ""
    zip: zipfile.ZipFile | None = None
    workbook_part: str = ""

    @classmethod
    def open(cls, fp, path, limits: Limits) -> "_Package":
        pkg = cls(fp, path, limits)
        head = fp.read(8)
        if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
            pkg._open_zip()
        elif head == _CFB_MAGIC:
            names = {n.lower() for n in _cfb_names(fp, path)}
            if {"encryptioninfo", "encryptedpackage"} & names:
                raise _fail("file.encrypted", path)
            if not {"workbook", "book"} & names:
                kind = ("dokumen Word 97-2003" if "worddocument" in names else
                        "presentasi PowerPoint" if "powerpoint document" in names else
                        "berkas OLE yang bukan Excel")
                raise _fail("file.not_workbook", path, kind)
            pkg.format = "xls"
        else:
            fp.seek(0)
            head = fp.read(512)
            kind = next((k for magic, k in _NOT_WORKBOOK_MAGIC if head.startswith(magic)), None)
            raise _fail("file.not_workbook", path, kind or _sniff_text(head))
        return pkg

    def _open_zip(self) -> None:
        path, limits = self.path, self.limits
        count = _zip_entry_count(self.fp)
        if count is not None and count > limits.max_entries:
            raise _fail("file.zip_bomb", path, f"{count} entri; batas {limits.max_entries}")
        try:
            self.fp.seek(0)
            self.zip = zf = zipfile.ZipFile(self.fp)
            infos = zf.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as e:
            raise _fail("file.corrupt", path, f"arsip zip tidak utuh: {e}") from None
        if len(infos) > limits.max_entries:
            raise _fail("file.zip_bomb", path, f"{len(infos)} entri; batas {limits.max_entries}")
        total = sum(i.file_size for i in infos)
        if total > limits.max_uncompressed_bytes:
            raise _fail("file.zip_bomb", path, f"total {total / MB:.0f} MB setelah diekstrak; "
                        f"batas {limits.max_uncompressed_bytes / MB:.0f} MB")
        for i in infos:
            if i.file_size > MB and i.file_size > limits.max_ratio * max(i.compress_size, 1):
                raise _fail("file.zip_bomb", path, f"{i.filename}: rasio kompresi "
                            f"{i.file_size // max(i.compress_size, 1)}:1")
        names = set(zf.namelist())
        if "mimetype" in names or "META-INF/manifest.xml" in names:
            self._detect_ods(names)
        elif "[Content_Types].xml" in names:
            self._detect_ooxml(names)
        elif any(n.startswith(("xl/", "word/", "ppt/")) for n in names):
            raise _fail("file.corrupt", path, "[Content_Types].xml tidak ada")
        else:
            raise _fail("file.not_workbook", path, "arsip zip biasa")

    def _detect_ooxml(self, names: set[str]) -> None:
        root = SafeET.fromstring(self.read("[Content_Types].xml"), forbid_dtd=True)
        for el in root:
            ctype, part = el.get("ContentType", ""), el.get("PartName", "").lstrip("/")
            if not ctype.endswith(".main+xml") and ".main" not in ctype:
                continue
            if ctype in _OOXML_TYPES or ("ms-excel" in ctype and "macroEnabled" in ctype
                                         and "binary" not in ctype):
                self.format = _OOXML_TYPES.get(ctype, "xlsm")
                self.workbook_part = part
            elif "binary" in ctype:
                raise _fail("file.not_workbook", self.path, "Excel Binary .xlsb tidak didukung")
            elif "wordprocessingml" in ctype or "presentationml" in ctype:
                kind = "dokumen Word" if "word" in ctype else "presentasi PowerPoint"
                raise _fail("file.not_workbook", self.path, kind)
        if not self.format:
            if any(n.startswith(("word/", "ppt/")) for n in names):
                raise _fail("file.not_workbook", self.path, "dokumen Office yang bukan Excel")
            raise _fail("file.corrupt", self.path, "bagian workbook tidak ditemukan")
        if self.workbook_part not in names:
            raise _fail("file.corrupt", self.path, f"bagian {self.workbook_part} tidak ada")

    def _detect_ods(self, names: set[str]) -> None:
        mime = self.read("mimetype", xml=False).strip() if "mimetype" in names else b""
        manifest = self.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
        if not mime.startswith(_ODS_MIME) and (mime or _ODS_MIME not in manifest):
            kind = mime.decode("ascii", "replace").rpartition(".")[2] or "ODF"
            raise _fail("file.not_workbook", self.path, f"dokumen OpenDocument {kind}")
        if b"encryption-data" in manifest:
            raise _fail("file.encrypted", self.path)
        if "content.xml" not in names:
            raise _fail("file.corrupt", self.path, "content.xml tidak ada")
        self.format = "ods"

    def iter_part(self, name: str, *, xml: bool = True) -> Iterator[bytes]:
        """Inflate one part, size-checked; for XML parts, refuse a DOCTYPE in the prolog."""
        try:
            info = self.zip.getinfo(name)
        except KeyError:
            raise _fail("file.corrupt", self.path, f"bagian {name} tidak ada") from None
        chunks = _iter_part(self.fp, info, self.path)
        return _checked_prolog(chunks, name, self.path) if xml else chunks

    def read(self, name: str, *, xml: bool = True) -> bytes:
        return b"".join(self.iter_part(name, xml=xml))

    def check_xml_parts(self, skip: Iterable[str] = ()) -> None:
        """Fully stream every XML part except ``skip`` (whose prolog alone is checked)."""
        skip = set(skip)
        for info in self.zip.infolist():
            if info.filename.lower().endswith((".xml", ".rels")):
                chunks = self.iter_part(info.filename)
                for _ in chunks:
                    if info.filename in skip:
                        chunks.close()
                        break


def _zip_entry_count(fp) -> int | None:
    """Entry count from the end-of-central-directory record, before zipfile lists them."""
    fp.seek(0, 2)
    size = fp.tell()
    fp.seek(max(0, size - 65_557))
    tail = fp.read()
    i = tail.rfind(b"PK\x05\x06")
    if i < 0 or len(tail) - i < 22:
        return None
    count = struct.unpack_from("<H", tail, i + 10)[0]
    if count == 0xFFFF and i >= 20 and tail[i - 20:i - 16] == b"PK\x06\x07":
        fp.seek(struct.unpack_from("<Q", tail, i - 12)[0])
        rec = fp.read(56)
        if rec[:4] == b"PK\x06\x06" and len(rec) == 56:
            count = struct.unpack_from("<Q", rec, 32)[0]
    return count


def _iter_part(fp, info: zipfile.ZipInfo, path, chunk: int = 1 << 16) -> Iterator[bytes]:
    """Inflate a zip entry ourselves so that a lying size header is caught at once."""
    if info.flag_bits & 1:
        raise _fail("file.encrypted", path)
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _fail("file.corrupt", path, f"metode kompresi {info.compress_type} tidak didukung")
    fp.seek(info.header_offset)
    local = fp.read(30)
    if len(local) < 30 or local[:4] != b"PK\x03\x04":
        raise _fail("file.corrupt", path, f"header {info.filename} rusak")
    fp.seek(info.header_offset + 30 + sum(struct.unpack_from("<HH", local, 26)))
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    left, produced, crc = info.compress_size, 0, 0
    try:
        while left > 0 or (inflater and inflater.unconsumed_tail):
            data = inflater.unconsumed_tail if inflater and inflater.unconsumed_tail else b""
            if not data:
                data = fp.read(min(chunk, left))
                if not data:
                    raise _fail("file.corrupt", path, f"{info.filename} terpotong")
                left -= len(data)
            out = inflater.decompress(data, chunk) if inflater else data
            produced += len(out)
            if produced > info.file_size:
                raise _fail("file.zip_bomb", path, f"{info.filename} lebih besar dari "
                            f"ukuran yang dinyatakan ({info.file_size} byte)")
            crc = zlib.crc32(out, crc)
            if out:
                yield out
            if inflater and inflater.eof:
                break
    except zlib.error as e:
        raise _fail("file.corrupt", path, f"{info.filename}: {e}") from None
    if produced != info.file_size or crc != info.CRC:
        raise _fail("file.corrupt", path, f"{info.filename} tidak utuh (CRC/ukuran)")


_PROLOG_ITEM = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->)", re.S)


def _prolog_verdict(head: bytes, name: str, path) -> bool:
    """True once the prolog is over (root element reached) without a DTD; False: need more."""
    text = head.replace(b"\x00", b"").lstrip(b"\xef\xbb\xbf\xff\xfe")
    pos = 0
    while (m := _PROLOG_ITEM.match(text, pos)) and m.end() > pos:
        pos = m.end()
    rest = text[pos:].lstrip()[:9].upper()
    if rest.startswith((b"<!DOCTYPE", b"<!ENTITY")):
        raise _fail("file.xml_entities", path, name)
    return not (not rest or rest.startswith((b"<?", b"<!--"))
                or any(tag.startswith(rest) for tag in (b"<!DOCTYPE", b"<!ENTITY")))


def _checked_prolog(chunks: Iterator[bytes], name: str, path) -> Iterator[bytes]:
    """Pass ``chunks`` through once the XML prolog is known to hold no DTD.

    NULs are dropped before looking so that UTF-16 parts are checked too; a prolog that
    does not end within 64 KB is refused as well.
    """
    head = b""
    for chunk in chunks:
        head += chunk
        if _prolog_verdict(head, name, path):
            break
        if len(head) > 65_536:
            raise _fail("file.xml_entities", path, name)
    yield head
    yield from chunks


def _cfb_names(fp, path) -> list[str]:
    """Names of all entries in an OLE2/CFB container (xls, encrypted OOXML, doc...)."""
    fp.seek(0, 2)
    size = fp.tell()
    fp.seek(0)
    hdr = fp.read(512)
    shift = struct.unpack_from("<H", hdr, 30)[0] if len(hdr) == 512 else 0
    if shift not in (9, 12):
        raise _fail("file.corrupt", path, "header OLE/CFB rusak")
    ssize = 1 << shift
    n_fat, dir_start = struct.unpack_from("<I", hdr, 44)[0], struct.unpack_from("<I", hdr, 48)[0]
    difat_next = struct.unpack_from("<I", hdr, 68)[0]
    if n_fat > size // ssize + 1:
        raise _fail("file.corrupt", path, "tabel FAT CFB tidak masuk akal")

    def sector(sid: int) -> bytes:
        if (sid + 1) * ssize >= size:
            raise _fail("file.corrupt", path, "sektor CFB di luar berkas (terpotong?)")
        fp.seek((sid + 1) * ssize)
        return fp.read(ssize).ljust(ssize, b"\x00")

    ids = ssize // 4
    fat_sids = [s for s in struct.unpack_from("<109I", hdr, 76) if s < 0xFFFFFFFA]
    while len(fat_sids) < n_fat and difat_next < 0xFFFFFFFA:
        block = struct.unpack(f"<{ids}I", sector(difat_next))
        fat_sids += [s for s in block[:-1] if s < 0xFFFFFFFA]
        difat_next = block[-1]
    fat: list[int] = []
    for sid in fat_sids[:n_fat]:
        fat.extend(struct.unpack(f"<{ids}I", sector(sid)))
    names, sid, seen = [], dir_start, set()
    while sid < 0xFFFFFFFA:
        if sid in seen or sid >= len(fat):
            raise _fail("file.corrupt", path, "direktori CFB rusak")
        seen.add(sid)
        data = sector(sid)
        for off in range(0, ssize, 128):
            length, kind = struct.unpack_from("<HB", data, off + 64)
            if kind in (1, 2, 5) and 2 <= length <= 64:
                names.append(data[off:off + length - 2].decode("utf-16-le", "replace"))
        sid = fat[sid]
    if not names:
        raise _fail("file.corrupt", path, "direktori CFB kosong")
    return names


# --- xlsx: workbook part, sheet extents and the rewrite of oversized sheets -------------

_XLSX_NAME = re.compile(r"(?:'((?:[^']|'')+)'|([^'!:]+))!\$?([A-Z]{1,3})\$?(\d+)"
                        r"(?::\$?([A-Z]{1,3})\$?(\d+))?")


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _resolve(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    parts = base.rsplit("/", 1)[0].split("/") if "/" in base else []
    for piece in target.split("/"):
        if piece == "..":
            parts = parts[:-1]
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)


def _xlsx_workbook(pkg: _Package) -> tuple[list[str], dict, dict, dict]:
    """Sheet names, states, part paths and defined names from the workbook part and rels."""
    part = pkg.workbook_part
    rels_name = _resolve(part, "_rels/" + part.rsplit("/", 1)[-1] + ".rels")
    targets = {}
    if rels_name in pkg.zip.namelist():
        for rel in SafeET.fromstring(pkg.read(rels_name), forbid_dtd=True):
            targets[rel.get("Id")] = (_resolve(part, rel.get("Target", "")), rel.get("Type", ""))
    names, states, parts, local_names, defined = [], {}, {}, {}, {}
    for el in SafeET.fromstring(pkg.read(part), forbid_dtd=True).iter():
        tag = _local(el.tag)
        if tag == "sheet":
            name = el.get("name", "")
            names.append(name)
            states[name] = el.get("state") or "visible"
            rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
            parts[name] = targets.get(rid, ("", ""))
        elif tag == "definedName" and not el.get("name", "").startswith("_xlnm."):
            m = _XLSX_NAME.fullmatch((el.text or "").strip().lstrip("="))
            if m:
                sheet = m.group(1).replace("''", "'") if m.group(1) else m.group(2)
                ref = m.group(3) + m.group(4) + (f":{m.group(5)}{m.group(6)}" if m.group(5) else "")
                scope = local_names if el.get("localSheetId") else defined
                scope[el.get("name")] = (sheet, ref)
    return names, states, parts, {**local_names, **defined}


_TAG = rb"<((?:[\w.-]+:)?)%s((?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*"
_ROW_START = re.compile(_TAG % b"row" + rb"(/?)>")
_ROW_END = re.compile(rb"</(?:[\w.-]+:)?row\s*>")
_CELL = re.compile(rb"\s*" + _TAG % b"c" + rb"(?:/>|>(.*?)</\1c\s*>)", re.S)
_R_ATTR = re.compile(rb"""\sr\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_NESTED = re.compile(rb"<(?:[\w.-]+:)?(?:c|row)[\s/>]")
_CONTENT = re.compile(rb"<(?:[\w.-]+:)?(?:v|is)[\s/>]")
_GAP = re.compile(rb"\s*(?:<!--.*?-->)?\s*", re.S)
_SHEETDATA = re.compile(rb"<((?:[\w.-]+:)?)sheetData\b[^>]*?(/?)>")
_C_ANY, _ROW_ANY = re.compile(rb"<(?:[\w.-]+:)?c[\s/>]"), re.compile(rb"<(?:[\w.-]+:)?row[\s/>]")
_C_OK = re.compile(rb'<(?:[\w.-]+:)?c r="[A-Z]{1,3}[1-9][0-9]{0,6}"[\s/>]')
_ROW_OK = re.compile(rb'<(?:[\w.-]+:)?row r="[1-9][0-9]{0,6}"[\s/>]')
_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f[\s/>]")
_ANY_R = re.compile(rb"""(?<![\w:.-])r\s*=\s*["']""")


def _sheet_fits(chunks: Iterator[bytes], limits: Limits) -> bool:
    """True when every cell/row carries one plain ``r`` within the limits.

    Streams the whole part (verifying its size); False means "rewrite it", which also
    covers anything unusual (no ``r``, odd quoting) that calamine might place elsewhere.
    """
    wide = re.compile(rb'<(?:[\w.-]+:)?c r="([A-Z]{%d,})' % len(col_letter(limits.max_cols - 1)))
    tall = re.compile(rb'<(?:[\w.-]+:)?row r="([0-9]{%d,})"' % len(str(limits.max_rows)))
    carry = b""
    for chunk in chunks:
        seg = carry + chunk
        cut = seg.rfind(b">") + 1
        seg, carry = seg[:cut], seg[cut:]
        n_c, n_row = len(_C_ANY.findall(seg)), len(_ROW_ANY.findall(seg))
        if (n_c != len(_C_OK.findall(seg)) or n_row != len(_ROW_OK.findall(seg))
                or len(_ANY_R.findall(seg)) != n_c + n_row
                or any(int(r) > limits.max_rows for r in tall.findall(seg))
                or any(col_index(c.decode()) >= limits.max_cols for c in wide.findall(seg))):
            return False
    return True


def _ref_of(attrs: bytes) -> tuple[int, int] | None:
    """0-based (row, col) from a tag's ``r`` attribute, or None when absent or odd."""
    m = _R_ATTR.search(attrs)
    ref = (m.group(1) if m.group(1) is not None else m.group(2)).decode("latin-1") if m else ""
    m = re.fullmatch(r"([A-Z]{0,3})([1-9][0-9]{0,6})", ref)
    return (int(m.group(2)) - 1, col_index(m.group(1)) if m.group(1) else -1) if m else None


def _truncate_sheet(chunks: Iterator[bytes], limits: Limits, path) -> tuple[bytes, bool]:
    """Rewrite sheet XML keeping rows < max_rows and columns < max_cols, each with a plain r.

    Returns the new XML and whether any dropped cell held a value.
    """
    buf, pos, out, truncated = b"", 0, [], False
    row0 = -1
    prefix = root = None

    def more() -> bool:
        nonlocal buf, pos
        chunk = next(chunks, None)
        if chunk is None:
            return False
        buf, pos = buf[pos:] + chunk, 0
        return True

    while prefix is None:
        m = _SHEETDATA.search(buf)
        if m:
            root = re.search(rb"<([A-Za-z_][\w.:-]*)[\s/>]", buf[:m.start()])
            out.append(buf[:m.end()])
            prefix, pos = m.group(1), m.end()
            if m.group(2):                       # <sheetData/>: nothing to cut
                out.append(buf[pos:] + b"".join(chunks))
                return b"".join(out), False
        elif not more():
            raise _fail("file.corrupt", path, "sheetData tidak ditemukan")
    while True:
        while (m := _GAP.match(buf, pos)) and m.end() > pos:
            pos = m.end()
        if buf.startswith(b"</", pos) and b">" in buf[pos:]:
            break                                # end of sheetData
        m = _ROW_START.match(buf, pos)
        end = None if not m or m.group(3) else _ROW_END.search(buf, m.end())
        if not m or (not m.group(3) and not end):
            if more():
                continue
            raise _fail("file.corrupt", path, "XML lembar tidak utuh")
        body = b"" if m.group(3) else buf[m.end():end.start()]
        pos = m.end() if m.group(3) else end.end()
        ref = _ref_of(m.group(2))
        row0 = ref[0] if ref else row0 + 1
        if row0 >= limits.max_rows:
            truncated = bool(_CONTENT.search(body))
            if truncated:                        # rows come in order: the rest is beyond too
                break
            continue
        cells, cpos, col0 = [], 0, -1
        while (cpos := _GAP.match(body, cpos).end()) < len(body):
            cm = _CELL.match(body, cpos)
            if not cm or _NESTED.search(cm.group(3) or b""):
                raise _fail("file.corrupt", path, f"baris {row0 + 1} tidak dapat diurai")
            cpos = cm.end()
            ref = _ref_of(cm.group(2))
            col0 = ref[1] if ref and ref[1] >= 0 else col0 + 1
            if col0 >= limits.max_cols:
                truncated = truncated or bool(_CONTENT.search(cm.group(3) or b""))
                continue
            p, attrs = cm.group(1), _R_ATTR.sub(b"", cm.group(2))
            tail = b"/>" if cm.group(3) is None else b">%s</%sc>" % (cm.group(3), p)
            cells.append(b'<%sc r="%s"%s%s' % (p, a1(row0, col0).encode(), attrs, tail))
        rp, rattrs = m.group(1), _R_ATTR.sub(b"", m.group(2))
        out.append(b'<%srow r="%d"%s>%s</%srow>' % (rp, row0 + 1, rattrs, b"".join(cells), rp))
    name = root.group(1) if root else b"worksheet"
    out.append(b"</%ssheetData></%s>" % (prefix, name))
    return b"".join(out), truncated


# --- ods: one streaming pass for extents, names, formulas (and the rewrite) -------------

_ODS_REF = (r"(?:\$?(?:'((?:[^']|'')*)'|([^'.:\s\[\]][^.:\s\[\]]*)))?\.\$?([A-Za-z]{1,3})"
            r"\$?([0-9]{1,7})")
_ODS_RANGE = re.compile(rf"{_ODS_REF}(?::{_ODS_REF})?")


def _ods_range(address: str) -> tuple[str, str] | None:
    """``"$'Dokumen Evaluasi'.$C$7:.$C$9"`` -> ``("Dokumen Evaluasi", "C7:C9")``."""
    address = address.strip()
    if address.startswith("of:"):
        address = address[3:]
    if address.startswith("[") and address.endswith("]") and address.count("[") == 1:
        address = address[1:-1]
    m = _ODS_RANGE.fullmatch(address)
    if not m:
        return None
    g = m.groups()
    sheet = g[0].replace("''", "'") if g[0] is not None else g[1]
    end_sheet = g[4].replace("''", "'") if g[4] is not None else g[5]
    if sheet is None or (end_sheet and end_sheet != sheet):
        return None
    ref = f"{g[2].upper()}{g[3]}" + (f":{g[6].upper()}{g[7]}" if g[6] else "")
    return sheet, ref


class _OdsScan(ContentHandler):
    """SAX handler measuring each table's non-empty extent; optionally writes a clipped copy."""

    def __init__(self, limits: Limits, out: io.StringIO | None = None):
        super().__init__()
        self.limits, self.out = limits, out
        self.extent: dict[str, list[int]] = {}   # table -> [rows, cols] holding values
        self.formulas: dict[str, set[str]] = {}
        self.names: dict[str, tuple[str, str]] = {}
        self.local_names: dict[str, tuple[str, str]] = {}
        self.table = ""
        self.row = self.col = self.skip = 0
        self.row_start = self.row_rep = self.cell_start = self.cell_rep = 0
        self.row_has = self.cell_has = False

    def startElement(self, name: str, attrs) -> None:
        lim = self.limits
        if self.out is not None:
            attrs = dict(attrs)
        if self.skip:
            self.skip += 1
            return
        if name == "table:table":
            self.table, self.row = attrs.get("table:name", ""), 0
            self.extent[self.table], self.formulas[self.table] = [0, 0], set()
        elif name == "table:table-row":
            self.row_rep = _int(attrs.get("table:number-rows-repeated"))
            self.row_start, self.row_has, self.col = self.row, False, 0
            self.row += self.row_rep
            if self.out is not None:
                if self.row_start >= lim.max_rows:
                    self.skip = 1
                    return
                attrs["table:number-rows-repeated"] = str(min(self.row, lim.max_rows)
                                                          - self.row_start)
        elif name in ("table:table-cell", "table:covered-table-cell"):
            self.cell_rep = _int(attrs.get("table:number-columns-repeated"))
            self.cell_start, self.col = self.col, self.col + self.cell_rep
            self.cell_has = any(k.startswith("office:") for k in attrs.keys())
            if "table:formula" in attrs:
                self.formulas[self.table].update(
                    a1(r, c) for r in range(self.row_start, min(self.row, lim.max_rows))
                    for c in range(self.cell_start, min(self.col, lim.max_cols)))
            if self.out is not None:
                if self.cell_start >= lim.max_cols:
                    self.skip = 1
                    return
                attrs["table:number-columns-repeated"] = str(min(self.col, lim.max_cols)
                                                             - self.cell_start)
        elif name == "text:p":
            self.cell_has = True
        elif name in ("table:named-range", "table:named-expression"):
            target = _ods_range(attrs.get("table:cell-range-address")
                                or attrs.get("table:expression", ""))
            if target:
                (self.local_names if self.table else self.names)[attrs["table:name"]] = target
        if self.out is not None:
            self.out.write(f"<{name}" + "".join(f" {k}={quoteattr(v)}" for k, v in attrs.items())
                           + ">")

    def endElement(self, name: str) -> None:
        if self.skip:
            self.skip -= 1
            return
        if name in ("table:table-cell", "table:covered-table-cell") and self.cell_has:
            self.row_has = True
            ext = self.extent[self.table]
            ext[1] = max(ext[1], self.col)
        elif name == "table:table-row" and self.row_has:
            self.extent[self.table][0] = max(self.extent[self.table][0], self.row)
        elif name == "table:table":
            self.table = ""
        if self.out is not None:
            self.out.write(f"</{name}>")

    def characters(self, content: str) -> None:
        if self.out is not None and not self.skip:
            self.out.write(escape(content))


def _int(text: str | None) -> int:
    try:
        return max(1, int(text)) if text else 1
    except ValueError:
        return 1


def _ods_pass(pkg: _Package, out: io.StringIO | None = None) -> _OdsScan:
    handler = _OdsScan(pkg.limits, out)
    parser = DefusedExpatParser(forbid_dtd=True)
    parser.setContentHandler(handler)
    if out is not None:
        out.write('<?xml version="1.0" encoding="UTF-8"?>')
    try:
        for chunk in pkg.iter_part("content.xml"):
            parser.feed(chunk)
        parser.close()
    except UnreadableFileError:
        raise
    except Exception as e:  # SAXParseException, DTDForbidden and friends
        raise _fail("file.corrupt", pkg.path, f"content.xml: {e}") from None
    return handler


def _rebuild(pkg: _Package, replace: dict[str, bytes], keep) -> io.BytesIO:
    """An in-memory copy of the package with ``replace``d parts, for calamine to read."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for info in pkg.zip.infolist():
            if info.filename in replace:
                zf.writestr(info.filename, replace[info.filename])
            elif keep(info.filename):
                zf.writestr(info.filename, pkg.read(info.filename, xml=False))
    buf.seek(0)
    return buf


# --- values ---------------------------------------------------------------------------

_CTRL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_VISIBILITY = {"Visible": "visible", "Hidden": "hidden", "VeryHidden": "veryHidden"}


def _value(v: Any, max_chars: int) -> Any:
    """calamine value -> skpxl value (see :class:`WorkbookValues`)."""
    kind = type(v)
    if kind is str:
        if not v:
            return None
        if _CTRL.search(v):
            v = _CTRL.sub("", v)
        return v[:max_chars]
    if kind is float:
        return int(v) if v.is_integer() and abs(v) < 1e15 else v
    if kind is dt.datetime and not (v.hour or v.minute or v.second or v.microsecond):
        return v.date()
    return v


def _calamine_failure(exc: BaseException, path, what: str) -> UnreadableFileError:
    """Map anything python-calamine raises (even Rust panics) to a file.* error."""
    if isinstance(exc, (KeyboardInterrupt, SystemExit, MemoryError)):
        raise exc
    text = str(exc)
    if isinstance(exc, calamine.PasswordError) or re.search("password|encrypt", text, re.I):
        return _fail("file.encrypted", path)
    return _fail("file.corrupt", path, f"{what}: {text[:200]}")


@dataclass
class WorkbookValues:
    """Cell values of a workbook, read lazily one sheet at a time.

    ``cells(sheet)`` is a list of rows anchored at A1 (``cells(s)[6][2]`` is C7): str,
    int (integral numbers below 1e15), float, bool, date (datetime when there is a time),
    time, timedelta, or None for empty. Control characters other than tab and newline are
    removed from strings; strings are not trimmed. Sheets larger than the limits keep their
    first ``max_rows`` x ``max_cols`` cells and get ``sheet_truncated[sheet] = True``.
    Error cells (#N/A, #DIV/0!) read as None: calamine does not expose them.
    """

    path: Path
    format: str
    sheet_names: list[str]
    sheet_states: dict[str, str]
    defined_names: dict[str, tuple[str, str]]
    limits: Limits = LIMITS
    sheet_truncated: dict[str, bool] = field(default_factory=dict)
    _pkg: Any = field(default=None, repr=False)
    _book: Any = field(default=None, repr=False)
    _parts: dict = field(default_factory=dict, repr=False)
    _grids: dict = field(default_factory=dict, repr=False)
    _formulas: dict = field(default_factory=dict, repr=False)

    def cells(self, sheet: str) -> list[list[Any]]:
        """The grid of ``sheet`` (read on first use, then cached)."""
        if sheet not in self._grids:
            if sheet not in self.sheet_names:
                raise KeyError(f"no sheet named {sheet!r} in {self.path.name}")
            self._grids[sheet] = self._read(sheet)
        return self._grids[sheet]

    def value(self, sheet: str, ref: str) -> Any:
        """Value of one cell (``"C7"``), None when empty or outside the grid."""
        row, col = parse_a1(ref)
        grid = self.cells(sheet)
        return grid[row][col] if row < len(grid) and col < len(grid[row]) else None

    def sheet_dimensions(self, sheet: str) -> tuple[int, int]:
        """(rows, columns) of the grid from A1 to the last non-empty cell read."""
        grid = self.cells(sheet)
        return len(grid), max((len(r) for r in grid), default=0)

    def formula_cells(self, sheet: str) -> set[str]:
        """A1 refs of the cells of ``sheet`` that hold a formula (xls: always empty)."""
        if sheet not in self._formulas:
            part, rel_type = self._parts.get(sheet, ("", ""))
            self._formulas[sheet] = (_formula_refs(self._pkg.iter_part(part))
                                     if rel_type.endswith("/worksheet") else set())
        return self._formulas[sheet]

    def close(self) -> None:
        """Release the file handle kept for lazy reading (also done on garbage collection)."""
        if self._pkg is not None:
            self._pkg.fp.close()

    __del__ = close

    def __enter__(self) -> "WorkbookValues":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _read(self, sheet: str) -> list[list[Any]]:
        lim, book = self.limits, self._book
        if self.format in ("xlsx", "xlsm"):
            part, rel_type = self._parts.get(sheet, ("", ""))
            if not rel_type.endswith("/worksheet"):
                return []                          # chart or dialog sheet: no cells
            if _sheet_fits(self._pkg.iter_part(part), lim):
                if book is None:
                    self._book = book = _open_calamine(str(self.path), self.path)
            else:
                xml, self.sheet_truncated[sheet] = _truncate_sheet(
                    self._pkg.iter_part(part), lim, self.path)
                others = {p for p, t in self._parts.values() if t.endswith("/worksheet")}
                book = _open_calamine(_rebuild(self._pkg, {part: xml}, lambda n: n not in others
                                               and n.lower().endswith((".xml", ".rels"))), self.path)
        try:
            data = book.get_sheet_by_name(sheet)
            rows = data.to_python(skip_empty_area=False, nrows=lim.max_rows)
        except BaseException as e:  # calamine's Rust panics are BaseException
            raise _calamine_failure(e, self.path, f"lembar {sheet}") from None
        end = data.end
        if end and (end[0] >= lim.max_rows or end[1] >= lim.max_cols):
            self.sheet_truncated[sheet] = True
        self.sheet_truncated.setdefault(sheet, False)
        chars = lim.max_cell_chars
        return [[_value(v, chars) for v in row[:lim.max_cols]] for row in rows]


def _open_calamine(source, path) -> Any:
    try:
        return calamine.CalamineWorkbook.from_object(source)
    except BaseException as e:
        raise _calamine_failure(e, path, "buku kerja") from None


def _formula_refs(chunks: Iterator[bytes]) -> set[str]:
    """A1 refs of the ``<c>`` elements holding an ``<f>``, streaming over the sheet XML."""
    refs, carry = set(), b""
    for chunk in chunks:
        seg, end = carry + chunk, 0
        for m in _CELL.finditer(seg):
            end = m.end()
            if m.group(3) and _FORMULA.search(m.group(3)) and (ref := _ref_of(m.group(2))):
                refs.add(a1(*ref))
        start = _C_ANY.search(seg, end)
        carry = seg[start.start():] if start else seg[-32:]
    return refs


def formula_cells(path: str | os.PathLike, sheet: str, *, limits: Limits = LIMITS) -> set[str]:
    """A1 refs of the cells of ``sheet`` holding a formula (xlsx/xlsm/ods; xls: empty set)."""
    with read_workbook(path, limits=limits) as book:
        return book.formula_cells(sheet)


def read_workbook(path: str | os.PathLike, *, sheets: Iterable[str] | None = None,
                  limits: Limits = LIMITS) -> WorkbookValues:
    """Check and open a workbook returned by staff; values are read on demand.

    ``sheets`` names sheets to read right away, so that their failures surface here; unknown
    names are ignored (check ``sheet_names``). Raises UnreadableFileError (``file.*`` codes).
    """
    path = Path(path)
    fp = _open_checked(path, limits)
    try:
        book = _open(_Package.open(fp, path, limits))
        for name in sheets or ():
            if name in book.sheet_names:
                book.cells(name)
        return book
    except BaseException:
        fp.close()
        raise


def _open(pkg: _Package) -> WorkbookValues:
    path, lim = Path(pkg.path), pkg.limits
    if pkg.format in ("xlsx", "xlsm"):
        names, states, parts, defined = _xlsx_workbook(pkg)
        pkg.check_xml_parts(skip={p for p, t in parts.values()})
        return WorkbookValues(path, pkg.format, names, states, defined, lim,
                              _pkg=pkg, _parts=parts)
    truncated, formulas, defined, source = {}, {}, {}, str(path)
    if pkg.format == "ods":
        pkg.check_xml_parts(skip={"content.xml"})
        scan = _ods_pass(pkg)
        truncated = {t: e[0] > lim.max_rows or e[1] > lim.max_cols for t, e in scan.extent.items()}
        formulas, defined = scan.formulas, {**scan.local_names, **scan.names}
        if any(truncated.values()):
            out = io.StringIO()
            _ods_pass(pkg, out)
            source = _rebuild(pkg, {"content.xml": out.getvalue().encode()},
                              lambda n: n in ("mimetype", "META-INF/manifest.xml", "styles.xml"))
    book = _open_calamine(source, path)
    pkg.fp.close()                                 # calamine holds what it needs
    meta = book.sheets_metadata
    return WorkbookValues(path, pkg.format, [m.name for m in meta],
                          {m.name: _VISIBILITY.get(str(m.visible).rpartition(".")[2], "visible") for m in meta},
                          defined, lim, truncated, _book=book, _formulas=formulas)
