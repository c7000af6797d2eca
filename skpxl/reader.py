"""Safe, value-only reading of untrusted workbooks (.xlsx, .xlsm, .xls, .ods).

Staff send back workbooks from Excel, WPS, LibreOffice and phone apps; some are broken, some
are not workbooks at all, a few may be hostile. Everything is checked before a parser sees it:

* the format comes from magic bytes and package content, never from the file name;
* zip packages are checked from the central directory (entry count, declared sizes, ratio)
  before anything is inflated; every part is then inflated by :func:`_inflate`, which stops
  as soon as a part yields more than it declared;
* the prolog of every XML part is scanned for ``<!DOCTYPE``/``<!ENTITY`` before any parser;
* python-calamine turns a sheet into a *dense* grid spanning its outermost non-empty cells:
  a 2 KB xlsx with values in A1 and XFD1048576 makes it allocate ~500 GB and abort the whole
  process. Sheet extents are therefore measured first (:func:`_sheet_fits`, :class:`_OdsScan`)
  and oversized sheets are rewritten to their first ``max_rows`` x ``max_cols`` cells before
  calamine reads them (``sheet_truncated[sheet] = True``).

Failures raise :class:`~skpxl.errors.UnreadableFileError` whose ``code`` is one of the
``file.*`` problem types defined below, with an Indonesian message and hint; ``exc.params``
renders the catalogue message (``Problem(exc.code, exc.params)``). openpyxl is not used here:
it is slow and reads styles we do not need.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import mmap
import os
import pickle
import posixpath
import re
import struct
import subprocess
import sys
import zipfile
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator
from xml.sax.handler import ContentHandler
from xml.sax.saxutils import escape, quoteattr

import defusedxml.ElementTree as SafeET
import python_calamine as calamine
from defusedxml.expatreader import DefusedExpatParser

from . import sheetxml
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
    max_ratio: int = 200                     # per zip entry, for entries above 1 MB only
    max_entries: int = 2000
    max_rows: int = 10_000                   # per sheet read
    max_cols: int = 200
    max_cell_chars: int = 32_767


LIMITS = Limits()

# --- problem types: one source for the exceptions and the report catalogue -------------

_FILE_PROBLEMS = {  # code: (Indonesian message, English message, Indonesian hint)
    "file.not_found": ("Berkas {file} tidak ditemukan.", "File {file} was not found.",
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
        "Coba buka di Excel/LibreOffice lalu simpan ulang sebagai .xlsx; jika tidak bisa "
        "dibuka, minta pegawai mengirim ulang berkasnya."),
    "file.encrypted": (
        "Berkas {file} dilindungi kata sandi (terenkripsi) sehingga tidak dapat dibaca.",
        "File {file} is password-protected (encrypted) and cannot be read.",
        "Minta pegawai menghapus kata sandi (Excel: File > Info > Protect Workbook > Encrypt "
        "with Password, kosongkan), menyimpan, lalu mengirim ulang."),
    "file.zip_bomb": (
        "Berkas {file} ditolak: isinya jauh melebihi batas aman bila dibuka ({detail}).",
        "File {file} was refused: its content expands beyond the safety limits ({detail}).",
        "Berkas SKP normal berukuran kecil; periksa asal berkas dan minta dikirim ulang."),
    "file.xml_entities": (
        "Berkas {file} ditolak: bagian {detail} berisi deklarasi XML DOCTYPE/ENTITY yang "
        "tidak pernah dibuat Excel/LibreOffice dan dapat berbahaya.",
        "File {file} was refused: part {detail} holds an XML DOCTYPE/ENTITY declaration, "
        "which Excel/LibreOffice never write and which can be dangerous.",
        "Periksa asal berkas; simpan ulang dari Excel/LibreOffice lalu kirim ulang."),
    "file.too_large": (
        "Berkas {file} terlalu besar ({detail}).", "File {file} is too large ({detail}).",
        "Hapus gambar atau lembar yang tidak perlu, simpan ulang, lalu kirim ulang."),
}
for _code, (_id, _en, _hint) in _FILE_PROBLEMS.items():
    define(_code, ERROR, _id, _en)


def _fail(code: str, path: str | os.PathLike, detail: str = "") -> UnreadableFileError:
    """The exception for ``code``; ``exc.params`` renders the catalogue message too."""
    params = {"file": Path(path).name, "detail": detail}
    id_msg, _, hint = _FILE_PROBLEMS[code]
    exc = UnreadableFileError(id_msg.format(**params), code=code, hint=hint, path=str(path))
    exc.params = params
    return exc


# --- A1 references ----------------------------------------------------------------------

_A1 = re.compile(r"\$?([A-Za-z]{1,3})\$?([1-9][0-9]{0,6})")


def col_letter(col0: int) -> str:
    """Column letters of a 0-based column index: 0 -> "A", 27 -> "AB"."""
    if col0 < 0:
        raise ValueError(f"negative column index {col0}")
    letters, n = "", col0 + 1
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


# --- containers: format detection, zip checks, CFB directory ----------------------------

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CFB_NAMES = ("Workbook", "Book", "WORKBOOK", "EncryptionInfo", "EncryptedPackage",
              "WordDocument")
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_MAGIC = [(b"%PDF", "berkas PDF"), (b"\x89PNG", "gambar PNG"), (b"\xff\xd8\xff", "gambar JPEG"),
          (b"GIF8", "gambar GIF"), (b"Rar!", "arsip RAR"), (b"7z\xbc\xaf", "arsip 7-Zip"),
          (b"{\\rtf", "dokumen RTF"), (b"\x1f\x8b", "arsip gzip")]


def _describe(head: bytes) -> str:
    """What a file that is not a workbook seems to be (PDF, HTML saved as .xls, CSV...)."""
    kind = next((k for magic, k in _MAGIC if head.startswith(magic)), None)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if kind or b"\x00" in head:
        return kind or "format tidak dikenal"
    if text.startswith((b"<html", b"<!doctype html", b"<table", b"<meta")):
        return "halaman HTML yang diberi nama seperti berkas Excel"
    if b"urn:schemas-microsoft-com:office:spreadsheet" in text:
        return "XML Spreadsheet 2003"
    return "berkas XML" if text.startswith(b"<") else "berkas teks/CSV"


class _Package:
    """A checked container: zip (xlsx/xlsm/ods) or OLE2/CFB (xls).

    No file stays open: each part is inflated from a fresh handle, so a WorkbookValues read
    lazily needs no closing.
    """

    def __init__(self, path: Path, limits: Limits):
        self.path, self.limits = path, limits
        self.zip: zipfile.ZipFile | None = None
        self.format = self.workbook_part = ""
        self.data = b""
        self._parts: dict[str, bytes] = {}    # small parts already inflated and checked
        if path.is_dir():
            raise _fail("file.not_workbook", path, "ini sebuah folder, bukan berkas")
        try:
            size = path.stat().st_size
            self.fp = open(path, "rb")
        except FileNotFoundError:
            raise _fail("file.not_found", path) from None
        except PermissionError:
            raise _fail("file.permission", path) from None
        except OSError as e:
            raise _fail("file.corrupt", path, f"tidak dapat dibuka: {e.strerror}") from None
        try:
            if size == 0:
                raise _fail("file.empty", path)
            if size > limits.max_file_bytes:
                raise _fail("file.too_large", path, f"{size / MB:.1f} MB; batas "
                            f"{limits.max_file_bytes / MB:.0f} MB")
            self._detect()
        finally:
            self.fp.close()

    def _detect(self) -> None:
        head = self.fp.read(512)
        if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
            # at most max_file_bytes: parts are then inflated from memory, not re-opened
            self.data = head + self.fp.read()
            self.fp = io.BytesIO(self.data)
            self._open_zip()
        elif head.startswith(_CFB_MAGIC):
            names = _cfb_names(self.fp, self.path)
            if {"encryptioninfo", "encryptedpackage"} & names:
                raise _fail("file.encrypted", self.path)
            if not {"workbook", "book"} & names:
                raise _fail("file.not_workbook", self.path, "dokumen Word 97-2003"
                            if "worddocument" in names else "berkas OLE yang bukan Excel")
            self.format = "xls"
        else:
            raise _fail("file.not_workbook", self.path, _describe(head))

    def _open_zip(self) -> None:
        path, lim = self.path, self.limits
        count = _zip_entry_count(self.fp)
        if count > lim.max_entries:
            raise _fail("file.zip_bomb", path, f"{count} entri; batas {lim.max_entries}")
        try:
            self.zip = zipfile.ZipFile(self.fp)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError,
                EOFError, OSError) as e:
            raise _fail("file.corrupt", path, f"arsip zip tidak utuh: {e}") from None
        infos = self.zip.infolist()
        total = sum(i.file_size for i in infos)
        if total > lim.max_uncompressed_bytes:
            raise _fail("file.zip_bomb", path, f"total {total // MB} MB setelah diekstrak; "
                        f"batas {lim.max_uncompressed_bytes // MB} MB")
        for i in infos:
            if i.file_size > MB and i.file_size > lim.max_ratio * max(i.compress_size, 1):
                raise _fail("file.zip_bomb", path, f"{i.filename}: rasio kompresi "
                            f"{i.file_size // max(i.compress_size, 1)}:1")
        names = set(self.zip.namelist())
        self._names_lower = {i.filename.lower(): i for i in infos}   # OPC names ignore case
        if "mimetype" in names or "META-INF/manifest.xml" in names:
            self._detect_ods(names)
        elif "[Content_Types].xml" in names:
            self._detect_ooxml(names)
        elif any(n.startswith("xl/") for n in names):
            raise _fail("file.corrupt", path, "[Content_Types].xml tidak ada")
        else:
            raise _fail("file.not_workbook", path, "arsip zip biasa")

    def _detect_ooxml(self, names: set[str]) -> None:
        for el in self.parse("[Content_Types].xml"):
            ctype = el.get("ContentType", "")
            if ctype.endswith(("spreadsheetml.sheet.main+xml", "spreadsheetml.template.main+xml",
                               "ms-excel.sheet.macroEnabled.main+xml",
                               "ms-excel.template.macroEnabled.main+xml")):
                self.format = "xlsm" if "macroEnabled" in ctype else "xlsx"
                self.workbook_part = el.get("PartName", "").lstrip("/")
            elif "binary.macroEnabled.main" in ctype:
                raise _fail("file.not_workbook", self.path, "Excel Binary .xlsb tidak didukung")
        if not self.format:
            if any(n.startswith(("word/", "ppt/")) for n in names):
                raise _fail("file.not_workbook", self.path, "dokumen Word/PowerPoint")
            raise _fail("file.corrupt", self.path, "bagian workbook tidak ditemukan")
        if self.workbook_part.lower() not in self._names_lower:
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

    def part(self, name: str, *, xml: bool = True) -> Iterator[bytes]:
        """Inflate one part, size-checked; XML parts only flow once their prolog is clean."""
        info = self.zip.NameToInfo.get(name) or self._names_lower.get(name.lower())
        if info is None:
            raise _fail("file.corrupt", self.path, f"bagian {name or '?'} tidak ada")
        chunks = self._inflate(info)
        return _checked_prolog(chunks, name, self.path) if xml else chunks

    def _inflate(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        chunk = info.file_size + 1 if info.file_size < _WHOLE else 1 << 16
        yield from _inflate(io.BytesIO(self.data), info, self.path, chunk)

    def read(self, name: str, *, xml: bool = True) -> bytes:
        data = self._parts.get(name)
        if data is None:
            data = b"".join(self.part(name, xml=xml))
            if len(data) < _WHOLE:
                self._parts[name] = data
        return data

    def parse(self, name: str) -> Any:
        """A small XML part as an ElementTree element, parsed by defusedxml."""
        return self.parse_bytes(self.read(name), name)

    def parse_bytes(self, data: bytes, name: str) -> Any:
        try:
            return SafeET.fromstring(data, forbid_dtd=True)
        except (SafeET.ParseError, ValueError) as e:  # defusedxml errors are ValueErrors
            raise _fail("file.corrupt", self.path, f"{name}: {e}") from None

    def check_xml_parts(self, prolog_only: set[str]) -> None:
        """Stream every XML part through the checks (only the prolog of ``prolog_only``,
        unless the part is small: then it is inflated whole and kept for its reader)."""
        for info in self.zip.infolist():
            name = info.filename
            if name.lower().endswith((".xml", ".rels")) and name not in self._parts:
                if info.file_size < _WHOLE:
                    self.read(name)
                    continue
                chunks = self.part(name)
                for _ in chunks:
                    if name in prolog_only:
                        chunks.close()


# read plain .xlsx sheets with skpxl.sheetxml (False: python-calamine reads every sheet)
PLAIN_XLSX = True

_WHOLE = 8 * MB   # parts below this size are inflated in one call and kept in memory


def _zip_entry_count(fp) -> int:
    """Entry count from the end-of-central-directory record, before zipfile lists them all."""
    size = fp.seek(0, 2)
    fp.seek(max(0, size - 65_557))
    tail = fp.read()
    i = tail.rfind(b"PK\x05\x06")
    count = struct.unpack_from("<H", tail, i + 10)[0] if 0 <= i <= len(tail) - 22 else 0
    if count == 0xFFFF and i >= 20 and tail[i - 20:i - 16] == b"PK\x06\x07":  # zip64
        fp.seek(struct.unpack_from("<Q", tail, i - 12)[0])
        record = fp.read(56)
        count = struct.unpack_from("<Q", record, 32)[0] if len(record) == 56 else count
    return count


def _inflate(fp, info: zipfile.ZipInfo, path, chunk: int = 1 << 16) -> Iterator[bytes]:
    """Inflate a zip entry ourselves, so that a lying size header is caught at once."""
    if info.flag_bits & 1:
        raise _fail("file.encrypted", path)
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _fail("file.corrupt", path, f"metode kompresi {info.compress_type} tidak didukung")
    fp.seek(max(info.header_offset, 0))
    local = fp.read(30)
    if info.header_offset < 0 or len(local) < 30 or local[:4] != b"PK\x03\x04":
        raise _fail("file.corrupt", path, f"header {info.filename} rusak")
    fp.seek(info.header_offset + 30 + sum(struct.unpack_from("<HH", local, 26)))
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    left, produced, crc = info.compress_size, 0, 0
    try:
        while left > 0 or (inflater and inflater.unconsumed_tail):
            data = inflater.unconsumed_tail if inflater else b""
            if not data:
                data = fp.read(min(chunk, left))
                if not data:
                    raise _fail("file.corrupt", path, f"{info.filename} terpotong")
                left -= len(data)
            out = inflater.decompress(data, chunk) if inflater else data
            produced += len(out)
            if produced > info.file_size:
                raise _fail("file.zip_bomb", path, f"{info.filename} melebihi ukuran yang "
                            f"dinyatakan ({info.file_size} byte)")
            crc = zlib.crc32(out, crc)
            yield out
            if inflater and inflater.eof:
                break
    except zlib.error as e:
        raise _fail("file.corrupt", path, f"{info.filename}: {e}") from None
    if produced != info.file_size or crc != info.CRC:
        raise _fail("file.corrupt", path, f"{info.filename} tidak utuh (CRC/ukuran)")


_PROLOG_ITEM = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->)", re.S)


def _checked_prolog(chunks: Iterator[bytes], name: str, path) -> Iterator[bytes]:
    """Let ``chunks`` through once the XML prolog (before the root tag) is known to hold no
    DTD. NULs are dropped before looking, so UTF-16 parts are checked too; a prolog still
    open after 64 KB is refused."""
    head = b""
    for chunk in chunks:
        head += chunk
        text, pos = head.replace(b"\x00", b"").lstrip(b"\xef\xbb\xbf\xff\xfe"), 0
        while (m := _PROLOG_ITEM.match(text, pos)) and m.end() > pos:
            pos = m.end()
        rest = text[pos:].lstrip()[:9].upper()
        if rest.startswith((b"<!DOCTYPE", b"<!ENTITY")):
            raise _fail("file.xml_entities", path, name)
        if rest and not rest.startswith((b"<?", b"<!--")) and not any(
                tag.startswith(rest) for tag in (b"<!DOCTYPE", b"<!ENTITY")):
            break
        if len(head) > 65_536:
            raise _fail("file.xml_entities", path, name)
    yield head
    yield from chunks


def _cfb_names(fp, path) -> set[str]:
    """Which of the entry names we care about the OLE2/CFB directory holds.

    A directory entry is 128 bytes at a 128-byte aligned offset: the UTF-16LE name, then at
    offset 64 its length in bytes (with the terminating NUL). Looking for those names is
    enough to tell xls, encrypted OOXML and Word 97 apart; calamine parses the rest.
    """
    with mmap.mmap(fp.fileno(), 0, access=mmap.ACCESS_READ) as data:
        shift = struct.unpack_from("<H", data, 30)[0] if len(data) >= 1024 else 0
        if shift not in (9, 12) or (struct.unpack_from("<I", data, 48)[0] + 1 << shift) >= len(data):
            raise _fail("file.corrupt", path, "header OLE/CFB rusak atau berkas terpotong")
        found = set()
        for name in _CFB_NAMES:
            raw, pos = name.encode("utf-16-le"), 0
            while (pos := data.find(raw, pos + 1)) > 0:
                if pos % 128 == 0 and struct.unpack_from("<H", data, pos + 64)[0] == len(raw) + 2:
                    found.add(name.lower())
                    break
    return found


def detect_format(path: str | os.PathLike, *, limits: Limits = LIMITS) -> str:
    """Return "xlsx", "xlsm", "xls" or "ods" from the content of ``path``, or raise.

    Zip packages are checked against ``limits`` from their central directory first.
    """
    return _Package(Path(path), limits).format


# --- xlsx: workbook part, sheet extents, rewrite of oversized sheets ---------------------

_XLSX_NAME = re.compile(r"(?:'((?:[^']|'')+)'|([^'!:]+))!\$?([A-Z]{1,3})\$?(\d+)"
                        r"(?::\$?([A-Z]{1,3})\$?(\d+))?")


def _resolve(base: str, target: str) -> str:
    """Path of a relationship target, relative to the part ``base`` unless absolute."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target)).lstrip("/")


def _xlsx_workbook(pkg: _Package) -> tuple[list[str], dict, dict, dict, dict]:
    """Sheet names, states, (part, relationship type), defined names, and the parts the fast
    reader needs (``strings``, ``styles``, ``date1904``), parsed once.

    Files made from one template and saved by one program share their workbook part byte
    for byte, so the parse is cached by the content's digest (never by name or CRC).
    """
    part = pkg.workbook_part
    rels_name = _resolve(part, "_rels/" + part.rsplit("/", 1)[-1] + ".rels")
    rels = pkg.read(rels_name) if rels_name in pkg.zip.NameToInfo else b""
    xml = pkg.read(part)
    key = (part, hashlib.sha256(rels + b"\0" + xml).digest())
    cached = _WORKBOOK_CACHE.get(key)
    if cached is None:
        cached = _parse_workbook(pkg, part, rels, xml)
        if len(_WORKBOOK_CACHE) >= 64:
            _WORKBOOK_CACHE.pop(next(iter(_WORKBOOK_CACHE)))
        _WORKBOOK_CACHE[key] = cached
    names, states, parts, defined, shared = cached
    return list(names), dict(states), dict(parts), dict(defined), dict(shared)


_WORKBOOK_CACHE: dict = {}


def _parse_workbook(pkg: _Package, part: str, rels: bytes, xml: bytes):
    targets = {}
    if rels:
        for rel in pkg.parse_bytes(rels, part):
            targets[rel.get("Id")] = (_resolve(part, rel.get("Target", "")), rel.get("Type", ""))
    names, states, parts, local, defined = [], {}, {}, {}, {}
    shared = {kind: next((t for t, rel in targets.values() if rel.endswith("/" + kind)), "")
              for kind in ("sharedStrings", "styles")}
    for el in pkg.parse_bytes(xml, part).iter():
        tag = el.tag.rpartition("}")[2]
        if tag == "workbookPr":
            shared["date1904"] = el.get("date1904", "").lower() in ("1", "true")
        elif tag == "sheet":
            name = el.get("name", "")
            names.append(name)
            states[name] = el.get("state") or "visible"
            rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
            parts[name] = targets.get(rid, ("", ""))
        elif tag == "definedName" and not el.get("name", "").startswith("_xlnm."):
            m = _XLSX_NAME.fullmatch((el.text or "").strip().lstrip("="))
            if m:
                sheet = m.group(1).replace("''", "'") if m.group(1) else m.group(2)
                ref = m.group(3) + m.group(4) + (f":{m.group(5)}{m.group(6)}" if m.group(5) else "")
                (local if el.get("localSheetId") else defined)[el.get("name")] = (sheet, ref)
    return names, states, parts, {**local, **defined}, shared


_P = rb"<((?:[\w.-]+:)?)"                        # start of a tag, capturing its prefix
_ATTRS = rb"((?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*"
_ROW_START = re.compile(_P + rb"row" + _ATTRS + rb"(/?)>")
_ROW_END = re.compile(rb"</(?:[\w.-]+:)?row\s*>")
_CELL = re.compile(rb"\s*" + _P + rb"c" + _ATTRS + rb"(?:/>|>(.*?)</\1c\s*>)", re.S)
_R_ATTR = re.compile(rb"""\sr\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_NESTED = re.compile(rb"<(?:[\w.-]+:)?(?:c|row)[\s/>]")
_CONTENT = re.compile(rb"<(?:[\w.-]+:)?(?:v|is)[\s/>]")
_FORMULA = re.compile(rb"<f[\s/>]")
_CELL_START = re.compile(_P + rb"c" + _ATTRS + rb"/?>")
_REF = re.compile(r"([A-Z]{0,3})([1-9][0-9]{0,6})")
_GAP = re.compile(rb"(?:\s+|<!--.*?-->)+", re.S)
_SHEETDATA = re.compile(_P + rb"sheetData\b[^>]*?(/?)>")
_SPACES = bytes.maketrans(b"\t\n\r", b"   ")
_PLAIN_CELL = re.compile(rb'([A-Z]{1,3})([1-9][0-9]{0,6})"[ />]')
_PLAIN_ROW = re.compile(rb'([1-9][0-9]{0,6})"[ />]')
_PREFIXED = re.compile(rb":(?:c|row)[ />]")


def _sheet_fits(chunks: Iterator[bytes], lim: Limits) -> bool:
    """True when every cell and row tag starts with one plain ``r`` inside the limits.

    Streams the whole part (so its size is verified) with cheap byte counts. False means
    "rewrite it first"; that also covers anything unusual (prefixed tags, no ``r``, odd
    spacing, lowercase or duplicate ``r``), which calamine would happily place at XFD1048576.
    """
    k_col, k_row = len(col_letter(lim.max_cols - 1)) - 1, len(str(lim.max_rows)) - 1
    # tags whose r is not short enough to be obviously inside the limits
    wide = re.compile(b'<c r="' + (rb'(?![A-Z]{1,%d}[1-9][0-9]{0,6}")' % k_col if k_col else b""))
    tall = re.compile(b'<row r="' + (rb'(?![1-9][0-9]{0,%d}")' % (k_row - 1) if k_row else b""))
    carry = b""
    for chunk in chunks:
        seg = carry + chunk
        cut = seg.rfind(b">") + 1
        seg, carry = seg[:cut].translate(_SPACES), seg[cut:]
        n_c, n_row = seg.count(b'<c r="'), seg.count(b'<row r="')
        if (n_c != seg.count(b"<c ") or n_row != seg.count(b"<row ")
                or seg.count(b" r=") + seg.count(b" r ") != n_c + n_row
                or any(odd in seg for odd in (b"<c>", b"<c/", b"<row>", b"<row/"))
                or _PREFIXED.search(seg)):
            return False
        for m in wide.finditer(seg):
            ref = _PLAIN_CELL.match(seg, m.end())
            if not ref or col_index(ref.group(1).decode()) >= lim.max_cols:
                return False
        for m in tall.finditer(seg):
            ref = _PLAIN_ROW.match(seg, m.end())
            if not ref or int(ref.group(1)) > lim.max_rows:
                return False
    return True


def _ref_of(attrs: bytes) -> tuple[int, int] | None:
    """0-based (row, col) from a tag's ``r`` (col -1 for a row), None when absent or odd."""
    m = _R_ATTR.search(attrs)
    ref = (m.group(1) if m.group(1) is not None else m.group(2)).decode("latin-1") if m else ""
    m = _REF.fullmatch(ref)
    return (int(m.group(2)) - 1, col_index(m.group(1)) if m.group(1) else -1) if m else None


def _truncate_sheet(chunks: Iterator[bytes], lim: Limits, path) -> tuple[bytes, bool]:
    """Sheet XML cut to rows < max_rows and columns < max_cols, each cell with a plain ``r``.

    Returns the new XML and whether any dropped cell held a value.
    """
    buf, pos, out, truncated, row0 = b"", 0, [], False, -1

    def more() -> bool:
        nonlocal buf, pos
        chunk = next(chunks, None)
        buf, pos = (buf[pos:] + chunk, 0) if chunk is not None else (buf, pos)
        return chunk is not None

    while not (data := _SHEETDATA.search(buf)):
        if not more():
            raise _fail("file.corrupt", path, "sheetData tidak ditemukan")
    root = re.search(rb"<([A-Za-z_][\w.:-]*)[\s/>]", buf[:data.start()])
    out.append(buf[:data.end()])
    pos = data.end()
    if data.group(2):                            # <sheetData/>: nothing to cut
        return b"".join([*out, buf[pos:], *chunks]), False
    while True:
        pos = m.end() if (m := _GAP.match(buf, pos)) else pos
        if buf.startswith(b"</", pos) and buf.find(b">", pos) > 0:
            break                                # end of sheetData
        m = _ROW_START.match(buf, pos)
        end = None if not m or m.group(3) else _ROW_END.search(buf, m.end())
        if not m or not (m.group(3) or end):
            if more():
                continue
            raise _fail("file.corrupt", path, "XML lembar tidak utuh")
        ref = _ref_of(m.group(2))
        row0 = ref[0] if ref else row0 + 1
        if row0 >= lim.max_rows:                 # rows come in order: the rest is beyond too
            truncated = bool(_CONTENT.search(buf, pos)) or any(map(_CONTENT.search, chunks))
            break
        body, pos = (b"", m.end()) if m.group(3) else (buf[m.end():end.start()], end.end())
        cells, cpos, col0 = [], 0, -1
        while (cpos := m2.end() if (m2 := _GAP.match(body, cpos)) else cpos) < len(body):
            cm = _CELL.match(body, cpos)
            if not cm or _NESTED.search(cm.group(3) or b""):
                raise _fail("file.corrupt", path, f"baris {row0 + 1} tidak dapat diurai")
            cpos, ref = cm.end(), _ref_of(cm.group(2))
            col0 = ref[1] if ref and ref[1] >= 0 else col0 + 1
            if col0 >= lim.max_cols:             # cells come in order: the rest is beyond too
                truncated = truncated or bool(_CONTENT.search(body, cm.start()))
                break
            p, attrs = cm.group(1), _R_ATTR.sub(b"", cm.group(2))
            tail = b"/>" if cm.group(3) is None else b">%s</%sc>" % (cm.group(3), p)
            cells.append(b'<%sc r="%s"%s%s' % (p, a1(row0, col0).encode(), attrs, tail))
        p = m.group(1)
        out.append(b'<%srow r="%d"%s>%s</%srow>' % (p, row0 + 1, _R_ATTR.sub(b"", m.group(2)),
                                                   b"".join(cells), p))
    out.append(b"</%ssheetData></%s>" % (data.group(1), root.group(1) if root else b"worksheet"))
    return b"".join(out), truncated


_FORMULA_CELL = re.compile(
    rb'<(?:[\w.-]+:)?c\s+r\s*=\s*"([A-Z]{1,3}[1-9][0-9]{0,6})"[^>]*>\s*<(?:[\w.-]+:)?f[\s/>]')


def _formula_refs(chunks: Iterator[bytes]) -> set[str]:
    """A1 refs of the cells holding an ``<f>``.

    ``<f>`` is the first child of ``<c>`` in SpreadsheetML (CT_Cell: f, v, is), so one
    regular-expression pass over the sheet finds them; the sheet's size is already bounded
    by the limits checked when the package was opened.
    """
    return {m.decode("ascii") for m in _FORMULA_CELL.findall(b"".join(chunks))}


# --- ods: one streaming pass for extents and names (and the rewrite when needed) --------

_ODS_REF = (r"(?:\$?(?:'((?:[^']|'')*)'|([^'.:\s\[\]][^.:\s\[\]]*)))?\.\$?([A-Za-z]{1,3})"
            r"\$?([0-9]{1,7})")
_ODS_RANGE = re.compile(rf"(?:of:)?\[?{_ODS_REF}(?::{_ODS_REF})?\]?")


def _ods_range(address: str) -> tuple[str, str] | None:
    """``"$'Dokumen Evaluasi'.$C$7:.$C$9"`` -> ``("Dokumen Evaluasi", "C7:C9")``."""
    m = _ODS_RANGE.fullmatch(address.strip())
    if not m:
        return None
    g = m.groups()
    sheet = g[0].replace("''", "'") if g[0] is not None else g[1]
    end_sheet = g[4].replace("''", "'") if g[4] is not None else g[5]
    if sheet is None or (end_sheet and end_sheet != sheet):
        return None
    return sheet, f"{g[2].upper()}{g[3]}" + (f":{g[6].upper()}{g[7]}" if g[6] else "")


def _repeat(text: str | None) -> int:
    return int(text) if text and text.isdigit() and int(text) > 0 else 1


class _OdsScan(ContentHandler):
    """Measures each table's extent of cells with content, and reads named ranges.

    With ``out`` it also writes content.xml again, clipped to the limits: repeated rows and
    cells beyond them are cut, which is where a tiny .ods hides millions of cells.
    """

    def __init__(self, lim: Limits, out: io.StringIO | None = None):
        super().__init__()
        self.lim, self.out = lim, out
        self.extent: dict[str, list[int]] = {}     # table -> [rows, cols] with content
        self.names: dict[str, tuple[str, str]] = {}
        self.local_names: dict[str, tuple[str, str]] = {}
        self.table, self.row, self.col, self.skip = "", 0, 0, 0
        self.row_has = self.cell_has = False

    def startElement(self, name: str, attrs) -> None:
        if self.skip:
            self.skip += 1
            return
        lim, attrs = self.lim, dict(attrs) if self.out is not None else attrs
        if name == "table:table":
            self.table, self.row = attrs.get("table:name", ""), 0
            self.extent[self.table] = [0, 0]
        elif name == "table:table-row":
            start, self.row_has, self.col = self.row, False, 0
            self.row += _repeat(attrs.get("table:number-rows-repeated"))
            if self.out is not None:
                if start >= lim.max_rows:
                    self.skip = 1
                    return
                attrs["table:number-rows-repeated"] = str(min(self.row, lim.max_rows) - start)
        elif name in ("table:table-cell", "table:covered-table-cell"):
            start = self.col
            self.col += _repeat(attrs.get("table:number-columns-repeated"))
            self.cell_has = any(k.startswith("office:") for k in attrs.keys())
            if self.out is not None:
                if start >= lim.max_cols:
                    self.skip = 1
                    return
                attrs["table:number-columns-repeated"] = str(min(self.col, lim.max_cols) - start)
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
        ext = self.extent.get(self.table, [0, 0])
        if name in ("table:table-cell", "table:covered-table-cell") and self.cell_has:
            self.row_has, ext[1] = True, max(ext[1], self.col)
        elif name == "table:table-row" and self.row_has:
            ext[0] = max(ext[0], self.row)
        elif name == "table:table":
            self.table = ""
        if self.out is not None:
            self.out.write(f"</{name}>")

    def characters(self, content: str) -> None:
        if self.out is not None and not self.skip:
            self.out.write(escape(content))


def _ods_pass(pkg: _Package, out: io.StringIO | None = None) -> _OdsScan:
    """Run :class:`_OdsScan` over content.xml with defusedxml (no DTD allowed)."""
    handler, parser = _OdsScan(pkg.limits, out), DefusedExpatParser(forbid_dtd=True)
    parser.setContentHandler(handler)
    if out is not None:
        out.write('<?xml version="1.0" encoding="UTF-8"?>')
    try:
        for chunk in pkg.part("content.xml"):
            parser.feed(chunk)
        parser.close()
    except UnreadableFileError:
        raise
    except Exception as e:  # SAXParseException, DTDForbidden and friends
        raise _fail("file.corrupt", pkg.path, f"content.xml: {e}") from None
    return handler


def _rebuild(pkg: _Package, replace: dict[str, bytes], keep) -> io.BytesIO:
    """An in-memory copy of the package with parts replaced, for calamine to read."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for name in pkg.zip.namelist():
            if name in replace or keep(name):
                zf.writestr(name, replace.get(name) or pkg.read(name, xml=False))
    buf.seek(0)
    return buf


# --- values -----------------------------------------------------------------------------

_CTRL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_VISIBILITY = {"Visible": "visible", "Hidden": "hidden", "VeryHidden": "veryHidden"}


def _value(v: Any, max_chars: int) -> Any:
    """A calamine str, float or datetime as skpxl reads it (see :class:`WorkbookValues`)."""
    if type(v) is str:
        if not v.isprintable() and _CTRL.search(v):
            v = _CTRL.sub("", v)
        return v[:max_chars] or None
    if type(v) is float:
        return int(v) if v.is_integer() and abs(v) < 1e15 else v
    return v.date() if not (v.hour or v.minute or v.second or v.microsecond) else v


_CONVERTED = {str, float, dt.datetime}


def _grid(rows: list[list[Any]], lim: Limits) -> list[list[Any]]:
    """calamine rows (empty cells as "") as skpxl values, at most ``max_cols`` wide."""
    chars, width = lim.max_cell_chars, lim.max_cols
    return [[None if v == "" else _value(v, chars) if type(v) in _CONVERTED else v
             for v in row[:width]] for row in rows]


def _state(visible: str) -> str:
    """``"SheetVisibleEnum.VeryHidden"`` -> ``"veryHidden"``."""
    return _VISIBILITY.get(visible.rpartition(".")[2], "visible")


def _calamine(call, path, what: str) -> Any:
    """Run a python-calamine call, mapping whatever it raises (Rust panics too) to file.*."""
    try:
        return call()
    except BaseException as e:  # pyo3 panics derive from BaseException
        if isinstance(e, (KeyboardInterrupt, SystemExit, MemoryError)):
            raise
        raise _calamine_failure(f"{type(e).__name__}: {e}", path, what) from None


def _calamine_failure(text: str, path, what: str) -> UnreadableFileError:
    if re.search("password|encrypt", text, re.I):
        return _fail("file.encrypted", path)
    return _fail("file.corrupt", path, f"{what}: {text[:200]}")


# calamine's .xls reader trusts sizes in the file (a DIMENSIONS record claiming 3e9 rows makes
# it allocate 120 GB and abort the process; ~1% of randomly damaged .xls files do something
# like it), so .xls files are read in a child process with a memory cap.
_XLS_CHILD = """
import pickle, sys
try:
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
except Exception:
    pass
import python_calamine
path, nrows, ncols = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
try:
    book, sheets = python_calamine.CalamineWorkbook.from_path(path), []
    for meta in book.sheets_metadata:
        data = book.get_sheet_by_name(meta.name)
        rows = data.to_python(skip_empty_area=False, nrows=nrows)
        cut = bool(data.end and (data.end[0] >= nrows or data.end[1] >= ncols))
        sheets.append((meta.name, str(meta.visible), [r[:ncols] for r in rows], cut))
    result = (True, sheets)
except BaseException as e:
    result = (False, f"{type(e).__name__}: {e}")
sys.stdout.buffer.write(pickle.dumps(result))
"""


class _ValuesOnly(pickle.Unpickler):
    """Unpickles the child's answer, refusing anything but plain values and datetime types."""

    def find_class(self, module: str, name: str) -> Any:
        if module == "datetime" and name in ("date", "datetime", "time", "timedelta"):
            return getattr(dt, name)
        raise pickle.UnpicklingError(f"{module}.{name} not allowed")


def _read_xls(path: Path, lim: Limits) -> list[tuple[str, str, list, bool]]:
    """(name, visibility, rows, truncated) of every sheet, parsed in a child process."""
    try:
        proc = subprocess.run([sys.executable, "-c", _XLS_CHILD, str(path), str(lim.max_rows),
                               str(lim.max_cols)], capture_output=True, timeout=300)
        ok, result = _ValuesOnly(io.BytesIO(proc.stdout)).load()
    except (subprocess.TimeoutExpired, pickle.UnpicklingError, EOFError, ValueError):
        raise _fail("file.corrupt", path, "pembaca .xls berhenti di tengah jalan") from None
    if not ok:
        raise _calamine_failure(result, path, "buku")
    return result


@dataclass
class WorkbookValues:
    """Cell values of a workbook, read lazily one sheet at a time and cached.

    ``cells(sheet)`` is a list of rows anchored at A1 (``cells(s)[6][2]`` is C7) holding str,
    int (integral numbers below 1e15; larger ones stay float, so a NIP mangled to
    1.98703152010121e+17 stays visibly broken), float, bool, date (datetime when there is a
    time), time, timedelta, or None for empty. Strings lose control characters other than tab
    and newline and are otherwise untouched. Error cells (#N/A) read as None: calamine does
    not expose them. A sheet beyond the limits keeps its first ``max_rows`` x ``max_cols``
    cells and gets ``sheet_truncated[sheet] = True``.
    """

    path: Path
    format: str
    sheet_names: list[str]
    sheet_states: dict[str, str]               # "visible" | "hidden" | "veryHidden"
    defined_names: dict[str, tuple[str, str]]  # name -> (sheet, "C7" or "C7:C9")
    limits: Limits = LIMITS
    sheet_truncated: dict[str, bool] = field(default_factory=dict)
    _pkg: Any = field(default=None, repr=False)
    _book: Any = field(default=None, repr=False)
    _parts: dict = field(default_factory=dict, repr=False)
    _grids: dict = field(default_factory=dict, repr=False)
    _shared: dict = field(default_factory=dict, repr=False)   # xlsx: strings/styles parts
    _formulas: dict = field(default_factory=dict, repr=False)
    _picked: dict = field(default_factory=dict, repr=False)    # sheet -> (refs, formula refs)

    def cells(self, sheet: str) -> list[list[Any]]:
        """The grid of ``sheet``; KeyError for a sheet the workbook does not have."""
        if sheet not in self._grids:
            if sheet not in self.sheet_names:
                raise KeyError(f"no sheet named {sheet!r} in {self.path.name}")
            self._grids[sheet] = self._read(sheet)
        return self._grids[sheet]

    def value(self, sheet: str, ref: str) -> Any:
        """Value of one cell (``"C7"``); None when empty or outside the grid."""
        row, col = parse_a1(ref)
        grid = self.cells(sheet)
        return grid[row][col] if row < len(grid) and col < len(grid[row]) else None

    def sheet_dimensions(self, sheet: str) -> tuple[int, int]:
        """(rows, columns) of the grid, from A1 to the last cell with content read."""
        grid = self.cells(sheet)
        return len(grid), max((len(r) for r in grid), default=0)

    def pick(self, sheet: str, positions: Iterable[tuple[int, int]]) -> dict[tuple[int, int], Any]:
        """Values of the cells at ``positions`` (1-based row, column), empty ones left out.

        The same values as :meth:`cells` gives; a plain .xlsx sheet is not parsed whole for
        it: the cells are looked up by their reference (:func:`skpxl.sheetxml.pick_cells`).
        KeyError for a sheet the workbook does not have.
        """
        if sheet not in self.sheet_names:
            raise KeyError(f"no sheet named {sheet!r} in {self.path.name}")
        wanted = _wanted_for(positions, self.limits)
        if sheet not in self._grids and self.format in ("xlsx", "xlsm"):
            picked = self._plain_pick(sheet, wanted)
            if picked is not None:
                return picked
        grid, out = self.cells(sheet), {}
        for row, col in wanted.positions:
            line = grid[row - 1] if row <= len(grid) else ()
            value = line[col - 1] if col <= len(line) else None
            if value is not None:
                out[(row, col)] = value
        return out

    def formula_cells(self, sheet: str, among: set[str] | None = None) -> set[str]:
        """A1 refs of the cells of ``sheet`` holding a formula; xlsx/xlsm only (else empty).
        With ``among``, only those cells are asked about (known at once when :meth:`pick`
        read them)."""
        picked = self._picked.get(sheet)
        if among is not None and picked is not None and among <= picked[0]:
            return picked[1] & among
        if sheet in self._formulas:
            found = set(self._formulas[sheet])
            return found & among if among is not None else found
        part, rel_type = self._parts.get(sheet, ("", ""))
        found = _formula_refs(self._pkg.part(part)) if rel_type.endswith("/worksheet") else set()
        return found & among if among is not None else found

    def close(self) -> None:
        """Let calamine release the file now rather than when garbage-collected."""
        if self._book is not None:
            self._book.close()
            self._book = None

    def __enter__(self) -> "WorkbookValues":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _read(self, sheet: str) -> list[list[Any]]:
        lim, book = self.limits, self._book
        if self.format in ("xlsx", "xlsm"):
            part, rel_type = self._parts[sheet]
            if rel_type and not rel_type.endswith("/worksheet"):
                return []                      # a chart sheet has no cells
            grid = self._plain_grid(sheet, part)
            if grid is not None:
                return grid
            if _sheet_fits(self._pkg.part(part), lim):
                if book is None:
                    self._book = book = _calamine(
                        lambda: calamine.CalamineWorkbook.from_path(self.path), self.path, "buku")
            else:
                xml, self.sheet_truncated[sheet] = _truncate_sheet(self._pkg.part(part), lim,
                                                                   self.path)
                others = {p for p, t in self._parts.values() if t.endswith("/worksheet")}
                copy = _rebuild(self._pkg, {part: xml}, lambda n: n not in others
                                and n.lower().endswith((".xml", ".rels")))
                book = _calamine(lambda: calamine.CalamineWorkbook.from_filelike(copy),
                                 self.path, "buku")
        data = _calamine(lambda: book.get_sheet_by_name(sheet), self.path, f"lembar {sheet}")
        rows = _calamine(lambda: data.to_python(skip_empty_area=False, nrows=lim.max_rows),
                         self.path, f"lembar {sheet}")
        end = data.end
        if end and (end[0] >= lim.max_rows or end[1] >= lim.max_cols):
            self.sheet_truncated[sheet] = True
        self.sheet_truncated.setdefault(sheet, False)
        return _grid(rows, lim)


    def _plain_xml(self, sheet: str) -> bytes | None:
        """The XML of a sheet :mod:`skpxl.sheetxml` can read (strings and styles loaded)."""
        shared, pkg = self._shared, self._pkg
        part, rel_type = self._parts.get(sheet, ("", ""))
        info = pkg.zip.NameToInfo.get(part)
        if (not PLAIN_XLSX or shared.get("date1904") or info is None
                or info.file_size >= _WHOLE or not rel_type.endswith("/worksheet")):
            return None
        if "strings_" not in shared:
            strings, styles = shared.get("sharedStrings"), shared.get("styles")
            shared["strings_"] = _cached(sheetxml.shared_strings, pkg.read(strings)) \
                if strings in pkg.zip.NameToInfo else []
            shared["styles_"] = _cached(sheetxml.date_styles, pkg.read(styles)) \
                if styles in pkg.zip.NameToInfo else {}
        if shared["strings_"] is None or shared["styles_"] is None:
            return None
        return pkg.read(part)

    def _plain_grid(self, sheet: str, part: str) -> list[list[Any]] | None:
        """The grid read by :mod:`skpxl.sheetxml` when the sheet is plain, else None."""
        xml, lim, shared = self._plain_xml(sheet), self.limits, self._shared
        if xml is None:
            return None
        try:
            grid, self._formulas[sheet] = sheetxml.sheet_cells(
                xml, shared["strings_"], shared["styles_"], max_rows=lim.max_rows,
                max_cols=lim.max_cols, convert=self._convert)
        except sheetxml.Unusual:
            return None
        self.sheet_truncated[sheet] = False
        return grid

    def _plain_pick(self, sheet: str, wanted: "_Wanted") -> dict[tuple[int, int], Any] | None:
        xml, shared = self._plain_xml(sheet), self._shared
        if xml is None or not sheetxml.is_plain(xml):
            return None
        try:
            values, formulas = sheetxml.pick_cells(xml, wanted.rows, shared["strings_"],
                                                   shared["styles_"], self._convert)
        except sheetxml.Unusual:
            return None
        self._picked[sheet] = (wanted.refs, {a1(row - 1, col - 1) for row, col in formulas})
        return values

    def _convert(self, value: Any) -> Any:
        return _value(value, self.limits.max_cell_chars) if type(value) in _CONVERTED else value


@dataclass(frozen=True)
class _Wanted:
    """Cells asked for, prepared once for :func:`skpxl.sheetxml.pick_cells`."""

    positions: list[tuple[int, int]]         # (row, col) 1-based, sorted row-major
    rows: list[tuple[int, bytes, list]]      # inside the limits: (row, b'<row r="7"',
                                             #   [(col, b'<c r="C7"'), ...])
    refs: frozenset[str]                     # A1 refs of the cells in ``rows``


def _wanted_for(positions, limits: Limits) -> "_Wanted":
    """:func:`_wanted`, looked up by identity first: callers ask with the same tuple
    object file after file (hashing a tuple of a few hundred cells costs more than that)."""
    hit = _WANTED_BY_ID.get(id(positions))
    if hit is not None and hit[0] is positions and hit[1] is limits:
        return hit[2]
    wanted = _wanted(tuple(positions), limits.max_rows, limits.max_cols)
    if isinstance(positions, tuple):
        if len(_WANTED_BY_ID) >= 64:
            _WANTED_BY_ID.pop(next(iter(_WANTED_BY_ID)))
        _WANTED_BY_ID[id(positions)] = (positions, limits, wanted)
    return wanted


_WANTED_BY_ID: dict = {}


@lru_cache(maxsize=64)
def _wanted(positions: tuple[tuple[int, int], ...], max_rows: int, max_cols: int) -> _Wanted:
    cells = sorted({(row, col) for row, col in positions if row > 0 and col > 0})
    rows: dict[int, list] = {}
    refs = set()
    for row, col in cells:
        if row <= max_rows and col <= max_cols:
            ref = a1(row - 1, col - 1)
            refs.add(ref)
            rows.setdefault(row, []).append((col, b'<c r="%s"' % ref.encode("ascii")))
    return _Wanted(cells, [(row, b'<row r="%d"' % row, tags) for row, tags in rows.items()],
                   frozenset(refs))


def _cached(parse, data: bytes) -> Any:
    """``parse(data)`` for a shared-strings or styles part; files made from one template and
    saved by one program share them byte for byte. ``None`` when the part is unusual."""
    key = (parse.__name__, hashlib.sha256(data).digest())
    if key not in _PART_CACHE:
        try:
            result = parse(data)
        except sheetxml.Unusual:
            result = None
        if len(_PART_CACHE) >= 64:
            _PART_CACHE.pop(next(iter(_PART_CACHE)))
        _PART_CACHE[key] = result
    return _PART_CACHE[key]


_PART_CACHE: dict = {}


def read_workbook(path: str | os.PathLike, *, sheets: Iterable[str] | None = None,
                  limits: Limits = LIMITS) -> WorkbookValues:
    """Check and open a workbook returned by staff; cell values are read on demand.

    ``sheets`` lists sheets to read right away, so that their failures surface here; names
    the workbook lacks are ignored (compare with ``sheet_names``). Raises
    UnreadableFileError with a ``file.*`` code.
    """
    book = _open(_Package(Path(path), limits))
    for name in sheets or ():
        if name in book.sheet_names:
            book.cells(name)
    return book


def formula_cells(path: str | os.PathLike, sheet: str, *, limits: Limits = LIMITS) -> set[str]:
    """A1 refs of the cells of ``sheet`` holding a formula (xlsx/xlsm; other formats: empty)."""
    with read_workbook(path, limits=limits) as book:
        return book.formula_cells(sheet)


def _open(pkg: _Package) -> WorkbookValues:
    """The WorkbookValues of a checked package: xlsx/xlsm lazily, ods and xls at once."""
    path, lim = pkg.path, pkg.limits
    if pkg.format in ("xlsx", "xlsm"):
        names, states, parts, defined, shared = _xlsx_workbook(pkg)
        pkg.check_xml_parts(prolog_only={p for p, _ in parts.values()})
        return WorkbookValues(path, pkg.format, names, states, defined, lim, _pkg=pkg,
                              _parts=parts, _shared=shared)
    if pkg.format == "xls":
        sheets = _read_xls(path, lim)
        return WorkbookValues(path, "xls", [s[0] for s in sheets],
                              {s[0]: _state(s[1]) for s in sheets}, {}, lim,
                              {s[0]: s[3] for s in sheets},
                              _grids={s[0]: _grid(s[2], lim) for s in sheets})
    pkg.check_xml_parts(prolog_only={"content.xml"})   # ods: calamine parses it all at once
    scan, source = _ods_pass(pkg), path
    truncated = {t: e[0] > lim.max_rows or e[1] > lim.max_cols for t, e in scan.extent.items()}
    if any(truncated.values()):
        out = io.StringIO()
        _ods_pass(pkg, out)
        source = _rebuild(pkg, {"content.xml": out.getvalue().encode()},
                          lambda n: n in ("mimetype", "META-INF/manifest.xml", "styles.xml"))
    book = _calamine(lambda: calamine.CalamineWorkbook.from_object(source), path, "buku")
    meta = book.sheets_metadata
    return WorkbookValues(path, "ods", [m.name for m in meta],
                          {m.name: _state(str(m.visible)) for m in meta},
                          {**scan.local_names, **scan.names}, lim, truncated, _book=book)
