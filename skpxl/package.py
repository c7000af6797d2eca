"""Checked containers: what a returned file really is, and its parts, safely inflated.

Staff send back workbooks from Excel, WPS, LibreOffice and phone apps; some are broken, some
are not workbooks at all, a few may be hostile. Before any parser sees a byte:

* the format comes from magic bytes and package content, never from the file name;
* zip packages are checked from the central directory (entry count, declared sizes, ratio)
  before anything is inflated; every part is then inflated (libdeflate, or :func:`_inflate`)
  so that it never yields more than it declared, and its CRC is checked;
* the prolog of every XML part is scanned for ``<!DOCTYPE``/``<!ENTITY`` before any parser.

Failures raise :class:`~skpxl.errors.UnreadableFileError` whose ``code`` is one of the
``file.*`` problem types defined here, with an Indonesian message and hint; ``exc.params``
renders the catalogue message (``Problem(exc.code, exc.params)``).
"""

from __future__ import annotations

import io
import mmap
import os
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import defusedxml.ElementTree as SafeET

from .errors import UnreadableFileError
from .memo import remember
from .problems import ERROR, define

try:  # libdeflate inflates a whole part ~2.5x faster than zlib (the optional fallback)
    from deflate import DeflateError, crc32 as _crc32, deflate_decompress as _libdeflate
except ImportError:  # pragma: no cover - a platform without its wheel
    _libdeflate, DeflateError, _crc32 = None, Exception, zlib.crc32

__all__ = ["Limits", "LIMITS", "detect_format"]

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

_FILE_PROBLEMS = {  # code: (Indonesian message, English message, Indonesian hint, English hint)
    "file.not_found": ("Berkas {file} tidak ditemukan.", "File {file} was not found.",
                       "Periksa nama dan lokasi berkas.",
                       "Check the file's name and location."),
    "file.permission": (
        "Berkas {file} tidak dapat dibaca karena izin akses (permission).",
        "File {file} cannot be read because of its permissions.",
        "Minta izin baca untuk berkas itu, atau salin berkas ke folder Anda sendiri.",
        "Ask for read access to the file, or copy it into a folder of your own."),
    "file.empty": (
        "Berkas {file} kosong (0 byte).", "File {file} is empty (0 bytes).",
        "Unggahan atau unduhan kemungkinan gagal; minta pegawai mengirim ulang berkasnya.",
        "The upload or download probably failed; ask the employee to send the file again."),
    "file.not_workbook": (
        "Berkas {file} bukan buku kerja spreadsheet ({detail}).",
        "File {file} is not a spreadsheet workbook ({detail_en}).",
        "Buka berkas SKP di Excel/WPS/LibreOffice, simpan sebagai .xlsx, lalu kirim ulang.",
        "Open the SKP file in Excel/WPS/LibreOffice, save it as .xlsx and send it again."),
    "file.corrupt": (
        "Berkas {file} rusak atau tidak lengkap ({detail}).",
        "File {file} is corrupt or incomplete ({detail_en}).",
        "Coba buka di Excel/LibreOffice lalu simpan ulang sebagai .xlsx; jika tidak bisa "
        "dibuka, minta pegawai mengirim ulang berkasnya.",
        "Try opening it in Excel/LibreOffice and saving it again as .xlsx; if it does not "
        "open, ask the employee to send the file again."),
    "file.encrypted": (
        "Berkas {file} dilindungi kata sandi (terenkripsi) sehingga tidak dapat dibaca.",
        "File {file} is password-protected (encrypted) and cannot be read.",
        "Minta pegawai menghapus kata sandi (Excel: File > Info > Protect Workbook > Encrypt "
        "with Password, kosongkan), menyimpan, lalu mengirim ulang.",
        "Ask the employee to remove the password (Excel: File > Info > Protect Workbook > "
        "Encrypt with Password, empty it), save and send the file again."),
    "file.zip_bomb": (
        "Berkas {file} ditolak: isinya jauh melebihi batas aman bila dibuka ({detail}).",
        "File {file} was refused: its content expands beyond the safety limits ({detail_en}).",
        "Berkas SKP normal berukuran kecil; periksa asal berkas dan minta dikirim ulang.",
        "A normal SKP file is small; check where the file came from and ask for it again."),
    "file.xml_entities": (
        "Berkas {file} ditolak: bagian {detail} berisi deklarasi XML DOCTYPE/ENTITY yang "
        "tidak pernah dibuat Excel/LibreOffice dan dapat berbahaya.",
        "File {file} was refused: part {detail} holds an XML DOCTYPE/ENTITY declaration, "
        "which Excel/LibreOffice never write and which can be dangerous.",
        "Periksa asal berkas; simpan ulang dari Excel/LibreOffice lalu kirim ulang.",
        "Check where the file came from; save it again from Excel/LibreOffice and resend it."),
    "file.too_large": (
        "Berkas {file} terlalu besar ({detail}).", "File {file} is too large ({detail_en}).",
        "Hapus gambar atau lembar yang tidak perlu, simpan ulang, lalu kirim ulang.",
        "Remove pictures or sheets that are not needed, save and send the file again."),
}
for _code, (_id, _en, _hint, _hint_en) in _FILE_PROBLEMS.items():
    define(_code, ERROR, _id, _en)


def file_error(code: str, path: str | os.PathLike, detail: str = "",
               en: str | None = None) -> UnreadableFileError:
    """The exception for ``code``; ``exc.params`` renders the catalogue message too.
    ``detail`` is in Indonesian, ``en`` the same in English (names, sizes and the text of
    a library's error need none: they are the same in both)."""
    params = {"file": Path(path).name, "detail": detail,
              "detail_en": detail if en is None else en}
    id_msg, en_msg, hint, hint_en = _FILE_PROBLEMS[code]
    exc = UnreadableFileError(id_msg.format(**params), code=code, hint=hint, path=str(path),
                              en=en_msg.format(**params), hint_en=hint_en)
    exc.params = params
    return exc


# --- containers: format detection, zip checks, CFB directory ----------------------------

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CFB_NAMES = ("Workbook", "Book", "WORKBOOK", "EncryptionInfo", "EncryptedPackage",
              "WordDocument")
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_MAGIC = [(b"%PDF", ("berkas PDF", "a PDF file")), (b"\x89PNG", ("gambar PNG", "a PNG image")),
          (b"\xff\xd8\xff", ("gambar JPEG", "a JPEG image")),
          (b"GIF8", ("gambar GIF", "a GIF image")), (b"Rar!", ("arsip RAR", "a RAR archive")),
          (b"7z\xbc\xaf", ("arsip 7-Zip", "a 7-Zip archive")),
          (b"{\\rtf", ("dokumen RTF", "an RTF document")),
          (b"\x1f\x8b", ("arsip gzip", "a gzip archive"))]


def _describe(head: bytes) -> tuple[str, str]:
    """What a file that is not a workbook seems to be (PDF, HTML saved as .xls, CSV...), in
    Indonesian and in English."""
    kind = next((k for magic, k in _MAGIC if head.startswith(magic)), None)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if kind or b"\x00" in head:
        return kind or ("format tidak dikenal", "an unknown format")
    if text.startswith((b"<html", b"<!doctype html", b"<table", b"<meta")):
        return ("halaman HTML yang diberi nama seperti berkas Excel",
                "an HTML page named like an Excel file")
    if b"urn:schemas-microsoft-com:office:spreadsheet" in text:
        return "XML Spreadsheet 2003", "XML Spreadsheet 2003"
    return ("berkas XML", "an XML file") if text.startswith(b"<") else (
        "berkas teks/CSV", "a text/CSV file")


class Package:
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
            raise file_error("file.not_workbook", path, "ini sebuah folder, bukan berkas",
                             en="this is a folder, not a file")
        try:
            size = path.stat().st_size
            self.fp = open(path, "rb")
        except FileNotFoundError:
            raise file_error("file.not_found", path) from None
        except PermissionError:
            raise file_error("file.permission", path) from None
        except OSError as e:
            raise file_error("file.corrupt", path, f"tidak dapat dibuka: {e.strerror}",
                             en=f"cannot be opened: {e.strerror}") from None
        try:
            if size == 0:
                raise file_error("file.empty", path)
            if size > limits.max_file_bytes:
                raise file_error("file.too_large", path, f"{size / MB:.1f} MB; batas "
                                 f"{limits.max_file_bytes / MB:.0f} MB",
                                 en=f"{size / MB:.1f} MB; limit "
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
                raise file_error("file.encrypted", self.path)
            if not {"workbook", "book"} & names:
                word = "worddocument" in names
                raise file_error("file.not_workbook", self.path,
                                 "dokumen Word 97-2003" if word else "berkas OLE yang bukan Excel",
                                 en="a Word 97-2003 document" if word
                                 else "an OLE file that is not Excel")
            self.format = "xls"
        else:
            raise file_error("file.not_workbook", self.path, *_describe(head))

    def _open_zip(self) -> None:
        path, lim = self.path, self.limits
        count = _zip_entry_count(self.fp)
        if count > lim.max_entries:
            raise file_error("file.zip_bomb", path, f"{count} entri; batas {lim.max_entries}",
                             en=f"{count} entries; limit {lim.max_entries}")
        try:
            self.zip = _Directory.read(self.data) or zipfile.ZipFile(self.fp)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError,
                EOFError, OSError) as e:
            raise file_error("file.corrupt", path, f"arsip zip tidak utuh: {e}",
                             en=f"incomplete zip archive: {e}") from None
        infos = self.zip.infolist()
        total = sum(i.file_size for i in infos)
        if total > lim.max_uncompressed_bytes:
            raise file_error("file.zip_bomb", path, f"total {total // MB} MB setelah diekstrak; "
                             f"batas {lim.max_uncompressed_bytes // MB} MB",
                             en=f"{total // MB} MB in all once extracted; limit "
                                f"{lim.max_uncompressed_bytes // MB} MB")
        for i in infos:
            if i.file_size > MB and i.file_size > lim.max_ratio * max(i.compress_size, 1):
                ratio = i.file_size // max(i.compress_size, 1)
                raise file_error("file.zip_bomb", path, f"{i.filename}: rasio kompresi {ratio}:1",
                                 en=f"{i.filename}: compression ratio {ratio}:1")
        names = set(self.zip.namelist())
        self._names_lower = {i.filename.lower(): i for i in infos}   # OPC names ignore case
        if "mimetype" in names or "META-INF/manifest.xml" in names:
            self._detect_ods(names)
        elif "[Content_Types].xml" in names:
            self._detect_ooxml(names)
        elif any(n.startswith("xl/") for n in names):
            raise file_error("file.corrupt", path, "[Content_Types].xml tidak ada",
                             en="[Content_Types].xml is missing")
        else:
            raise file_error("file.not_workbook", path, "arsip zip biasa", en="a plain zip archive")

    def _detect_ooxml(self, names: set[str]) -> None:
        data = self.read("[Content_Types].xml")
        found = _CONTENT_TYPES.get(data)
        if found is None:
            found = ("", "", False)
            for el in self.parse_bytes(data, "[Content_Types].xml"):
                ctype = el.get("ContentType", "")
                if ctype.endswith(("spreadsheetml.sheet.main+xml",
                                   "spreadsheetml.template.main+xml",
                                   "ms-excel.sheet.macroEnabled.main+xml",
                                   "ms-excel.template.macroEnabled.main+xml")):
                    found = ("xlsm" if "macroEnabled" in ctype else "xlsx",
                             el.get("PartName", "").lstrip("/"), found[2])
                elif "binary.macroEnabled.main" in ctype:
                    found = (found[0], found[1], True)
            # files saved by one program share this part
            remember(_CONTENT_TYPES, data, found, 64)
        self.format, self.workbook_part, xlsb = found
        if xlsb:
            raise file_error("file.not_workbook", self.path, "Excel Binary .xlsb tidak didukung",
                             en="Excel Binary .xlsb is not supported")
        if not self.format:
            if any(n.startswith(("word/", "ppt/")) for n in names):
                raise file_error("file.not_workbook", self.path, "dokumen Word/PowerPoint",
                                 en="a Word/PowerPoint document")
            raise file_error("file.corrupt", self.path, "bagian workbook tidak ditemukan",
                             en="the workbook part was not found")
        if self.workbook_part.lower() not in self._names_lower:
            raise file_error("file.corrupt", self.path, f"bagian {self.workbook_part} tidak ada",
                             en=f"part {self.workbook_part} is missing")

    def _detect_ods(self, names: set[str]) -> None:
        mime = self.read("mimetype", xml=False).strip() if "mimetype" in names else b""
        manifest = self.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
        if not mime.startswith(_ODS_MIME) and (mime or _ODS_MIME not in manifest):
            kind = mime.decode("ascii", "replace").rpartition(".")[2] or "ODF"
            raise file_error("file.not_workbook", self.path, f"dokumen OpenDocument {kind}",
                             en=f"an OpenDocument {kind} document")
        if b"encryption-data" in manifest:
            raise file_error("file.encrypted", self.path)
        if "content.xml" not in names:
            raise file_error("file.corrupt", self.path, "content.xml tidak ada",
                             en="content.xml is missing")
        self.format = "ods"

    def part(self, name: str, *, xml: bool = True) -> Iterator[bytes]:
        """Inflate one part, size-checked; XML parts only flow once their prolog is clean."""
        info = self.zip.NameToInfo.get(name) or self._names_lower.get(name.lower())
        if info is None:
            raise file_error("file.corrupt", self.path, f"bagian {name or '?'} tidak ada",
                             en=f"part {name or '?'} is missing")
        chunks = self._inflate(info)
        return _checked_prolog(chunks, name, self.path) if xml else chunks

    def _inflate(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        chunk = info.file_size + 1 if info.file_size < WHOLE_PART else 1 << 16
        yield from _inflate(self.data, info, self.path, chunk)

    def read(self, name: str, *, xml: bool = True) -> bytes:
        """A whole part, checked like :meth:`part`; small XML parts are kept once read."""
        data = self._parts.get(name) if xml else None
        if data is None:
            info = self.zip.NameToInfo.get(name) or self._names_lower.get(name.lower())
            if info is None or info.file_size >= WHOLE_PART:
                return b"".join(self.part(name, xml=xml))
            data = _inflate_whole(self.data, info, self.path)
            if xml:
                _check_prolog(data, name, self.path)
                self._parts[name] = data
        return data

    def parse(self, name: str) -> Any:
        """A small XML part as an ElementTree element, parsed by defusedxml."""
        return self.parse_bytes(self.read(name), name)

    def parse_bytes(self, data: bytes, name: str) -> Any:
        try:
            return SafeET.fromstring(data, forbid_dtd=True)
        except (SafeET.ParseError, ValueError) as e:  # defusedxml errors are ValueErrors
            raise file_error("file.corrupt", self.path, f"{name}: {e}") from None

    def check_xml_parts(self, prolog_only: set[str]) -> None:
        """Stream every XML part through the checks (only the prolog of ``prolog_only``,
        unless the part is small: then it is inflated whole and kept for its reader)."""
        for info in self.zip.infolist():
            name = info.filename
            if name.lower().endswith((".xml", ".rels")) and name not in self._parts:
                if info.file_size < WHOLE_PART:
                    self.read(name)
                    continue
                chunks = self.part(name)
                for _ in chunks:
                    if name in prolog_only:
                        chunks.close()


_CONTENT_TYPES: dict[bytes, tuple[str, str, bool]] = {}


class _Entry:
    """One central-directory entry: the ZipInfo attributes the package reads."""

    __slots__ = ("filename", "flag_bits", "compress_type", "CRC", "compress_size",
                 "file_size", "header_offset")


class _Directory:
    """The central directory of a plain zip, read in one pass: what ``zipfile.ZipFile``
    gives the package (``infolist``, ``namelist``, ``NameToInfo``), about 0.06 ms sooner per
    returned workbook.

    :meth:`read` takes only the shape Excel, LibreOffice, WPS and skpxl write: no archive
    comment, no zip64, nothing before the archive, no extra fields, names without NUL or a
    backslash. For anything else it returns None and ``zipfile`` reads the archive, with
    its own checks and messages."""

    __slots__ = ("entries", "NameToInfo")

    _EOCD = struct.Struct("<4s4H2LH")
    _CENTRAL = struct.Struct("<4s4B4HL2L5H2L")

    def __init__(self, entries: list[_Entry]):
        self.entries = entries
        self.NameToInfo = {e.filename: e for e in entries}

    def infolist(self) -> list[_Entry]:
        return self.entries

    def namelist(self) -> list[str]:
        return [e.filename for e in self.entries]

    @classmethod
    def read(cls, data: bytes) -> "_Directory | None":
        end = len(data) - 22
        if end < 0 or data[end:end + 4] != b"PK\x05\x06":
            return None
        (_, disk, cd_disk, here, count, size, offset,
         comment) = cls._EOCD.unpack_from(data, end)
        if (disk or cd_disk or comment or here != count or count == 0xFFFF
                or offset == 0xFFFFFFFF or offset + size != end):
            return None
        entries, pos, unpack = [], offset, cls._CENTRAL.unpack_from
        for _ in range(count):
            if pos + 46 > end:
                return None
            (sig, _, _, version, _, flags, method, _, _, crc, packed, size_, name_len,
             extra_len, comment_len, _, _, _, local) = unpack(data, pos)
            if sig != b"PK\x01\x02" or extra_len or version > 63:
                return None
            raw = data[pos + 46:pos + 46 + name_len]
            try:
                name = raw.decode("utf-8" if flags & 0x800 else "cp437")
            except UnicodeDecodeError:
                return None
            if "\x00" in name or (os.sep != "/" and os.sep in name):
                return None
            entry = _Entry()
            (entry.filename, entry.flag_bits, entry.compress_type, entry.CRC,
             entry.compress_size, entry.file_size, entry.header_offset) = (
                name, flags, method, crc, packed, size_, local)
            entries.append(entry)
            pos += 46 + name_len + comment_len
        if pos != end:
            return None
        return cls(entries)

WHOLE_PART = 8 * MB   # parts below this size are inflated in one call and kept in memory


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


def _entry_start(data: bytes, info: zipfile.ZipInfo, path) -> int:
    """Where the packed bytes of a zip entry start in ``data`` (the whole file), after the
    checks every inflate makes first: not encrypted, a supported method, a local header."""
    if info.flag_bits & 1:
        raise file_error("file.encrypted", path)
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise file_error("file.corrupt", path,
                         f"metode kompresi {info.compress_type} tidak didukung",
                         en=f"compression method {info.compress_type} is not supported")
    offset = info.header_offset
    local = data[offset:offset + 30] if offset >= 0 else b""
    if len(local) < 30 or local[:4] != b"PK\x03\x04":
        raise file_error("file.corrupt", path, f"header {info.filename} rusak",
                         en=f"the header of {info.filename} is damaged")
    return offset + 30 + sum(struct.unpack_from("<HH", local, 26))


def _inflate(data: bytes, info: zipfile.ZipInfo, path, chunk: int = 1 << 16
             ) -> Iterator[bytes]:
    """Inflate a zip entry of ``data`` (the whole file) chunk by chunk, ourselves, so that a
    lying size header is caught at once (for parts too big to inflate in one call)."""
    pos = _entry_start(data, info, path)
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    left, produced, crc = info.compress_size, 0, 0
    try:
        while left > 0 or (inflater and inflater.unconsumed_tail):
            piece = inflater.unconsumed_tail if inflater else b""
            if not piece:
                piece = data[pos:pos + min(chunk, left)]
                if not piece:
                    raise file_error("file.corrupt", path, f"{info.filename} terpotong",
                         en=f"{info.filename} is cut short")
                pos, left = pos + len(piece), left - len(piece)
            out = inflater.decompress(piece, chunk) if inflater else piece
            produced += len(out)
            if produced > info.file_size:
                raise file_error("file.zip_bomb", path, f"{info.filename} melebihi ukuran yang "
                                 f"dinyatakan ({info.file_size} byte)",
                                 en=f"{info.filename} exceeds its stated size "
                                    f"({info.file_size} bytes)")
            crc = _crc32(out, crc)
            yield out
            if inflater and inflater.eof:
                break
    except zlib.error as e:
        raise file_error("file.corrupt", path, f"{info.filename}: {e}") from None
    if produced != info.file_size or crc != info.CRC:
        raise file_error("file.corrupt", path, f"{info.filename} tidak utuh (CRC/ukuran)",
                         en=f"{info.filename} is incomplete (CRC/size)")


def _inflate_whole(data: bytes, info: zipfile.ZipInfo, path) -> bytes:
    """A small zip entry inflated in one call, with the same checks as :func:`_inflate`
    (declared size never exceeded, size and CRC verified)."""
    start = _entry_start(data, info, path)
    packed = data[start:start + info.compress_size]
    if len(packed) < info.compress_size:
        raise file_error("file.corrupt", path, f"{info.filename} terpotong",
                         en=f"{info.filename} is cut short")
    if info.compress_type != zipfile.ZIP_DEFLATED:
        out = packed
    elif (out := _fast_inflate(packed, info.file_size)) is None:
        inflater = zlib.decompressobj(-15)
        try:
            out = inflater.decompress(packed, info.file_size + 1)
        except zlib.error as e:
            raise file_error("file.corrupt", path, f"{info.filename}: {e}") from None
        if len(out) > info.file_size:
            raise file_error("file.zip_bomb", path, f"{info.filename} melebihi ukuran yang "
                             f"dinyatakan ({info.file_size} byte)",
                             en=f"{info.filename} exceeds its stated size "
                                f"({info.file_size} bytes)")
        if not inflater.eof:
            raise file_error("file.corrupt", path, f"{info.filename} terpotong",
                         en=f"{info.filename} is cut short")
    if len(out) != info.file_size or _crc32(out) != info.CRC:
        raise file_error("file.corrupt", path, f"{info.filename} tidak utuh (CRC/ukuran)",
                         en=f"{info.filename} is incomplete (CRC/size)")
    return out


def _fast_inflate(packed: bytes, size: int) -> bytes | None:
    """``packed`` inflated by libdeflate into at most ``size`` bytes; None when libdeflate is
    absent or fails (more data than declared, a broken stream): zlib then says what is wrong."""
    if _libdeflate is None:
        return None
    try:
        return bytes(_libdeflate(packed, size))
    except DeflateError:
        return None


_PROLOG_ITEM = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->)", re.S)


def _prolog_done(head: bytes, name: str, path) -> bool:
    """True once ``head`` (the start of an XML part) shows the root tag with no DTD before
    it; raises file.xml_entities for a DOCTYPE/ENTITY, or a prolog open after 64 KB. NULs
    are dropped before looking, so UTF-16 parts are checked too."""
    text, pos = head[:65_600].replace(b"\x00", b"").lstrip(b"\xef\xbb\xbf\xff\xfe"), 0
    while (m := _PROLOG_ITEM.match(text, pos)) and m.end() > pos:
        pos = m.end()
    rest = text[pos:].lstrip()[:9].upper()
    if rest.startswith((b"<!DOCTYPE", b"<!ENTITY")):
        raise file_error("file.xml_entities", path, name)
    if rest and not rest.startswith((b"<?", b"<!--")) and not any(
            tag.startswith(rest) for tag in (b"<!DOCTYPE", b"<!ENTITY")):
        return True
    if len(head) > 65_536:
        raise file_error("file.xml_entities", path, name)
    return False


# the usual start: an XML declaration (or none), then the root tag: no room for a DTD
_PLAIN_START = re.compile(rb'(?:\xef\xbb\xbf)?(?:<\?xml [^<>]*\?>)?\s*<[A-Za-z]')


def _check_prolog(data: bytes, name: str, path) -> None:
    """:func:`_prolog_done` for a whole part (an empty or prolog-only part passes: the
    parser that reads it then fails on it)."""
    if _PLAIN_START.match(data) is None:
        _prolog_done(data, name, path)


def _checked_prolog(chunks: Iterator[bytes], name: str, path) -> Iterator[bytes]:
    """Let ``chunks`` through once the XML prolog (before the root tag) is known to hold no
    DTD (:func:`_prolog_done`)."""
    head = b""
    for chunk in chunks:
        head += chunk
        if _prolog_done(head, name, path):
            break
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
            raise file_error("file.corrupt", path,
                             "header OLE/CFB rusak atau berkas terpotong",
                             en="damaged OLE/CFB header or the file is cut short")
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
    return Package(Path(path), limits).format
