"""Reading the tables HR keeps (the roster, the work plans): CSV or a workbook's first sheet.

CSV is read as ``utf-8-sig``, UTF-16 (Excel's "Unicode Text") or ``cp1252``, split on ``,``
``;`` or tab, whichever fits; XLSX/XLS/ODS through python-calamine, values only. Headers are
matched by their common spellings (:func:`find_header`). Cells become plain text with
:func:`clean_text`; nothing is ever evaluated. A file that cannot be read at all raises
:class:`~skpxl.errors.UnreadableFileError` with one precise message.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import date, datetime, time
from pathlib import Path

import python_calamine

from .errors import UnreadableFileError

CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200d\u2060\ufeff]")
_SPACES = re.compile(r"[\s\xa0]+")


def clean_text(value) -> str:
    """A cell as plain, trimmed text: control characters dropped, whitespace collapsed.

    Text starting with ``=``, ``+``, ``-`` or ``@`` stays text; nothing is ever evaluated.
    """
    if value.__class__ is str and value.isprintable() and "  " not in value:
        return value.strip()                     # the usual cell: nothing to drop or collapse
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    text = str(value)
    if text.isprintable() and "  " not in text:   # the usual cell: nothing to drop or collapse
        return text.strip()
    return _SPACES.sub(" ", _CONTROL.sub("", text)).strip()


def _fail(path: Path, message: str, code: str = "file.unreadable", hint: str | None = None,
          *, en: str, hint_en: str | None = None):
    return UnreadableFileError(message, code=code, hint=hint, path=str(path), en=en,
                               hint_en=hint_en)


_ENCRYPTED = ("dikunci dengan kata sandi, jadi tidak bisa dibaca.",
              "Buka di Excel, hapus kata sandinya, simpan, lalu coba lagi.",
              "is locked with a password, so it cannot be read.",
              "Open it in Excel, remove the password, save, and try again.")


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode Text" export
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _sniff_delimiter(lines: list[str]) -> str:
    """The delimiter among ``,`` ``;`` tab that splits most lines into the same many fields."""
    best, best_score = ",", 0
    for delimiter in (",", ";", "\t"):
        counts = [len(r) for r in csv.reader(lines, delimiter=delimiter) if len(r) > 1]
        if counts:
            width, freq = Counter(counts).most_common(1)[0]
            if width * freq > best_score:
                best, best_score = delimiter, width * freq
    return best


def _csv_rows(path: Path, data: bytes) -> list[list]:
    sample = data[:4096]
    if not sample.startswith((b"\xff\xfe", b"\xfe\xff")) and sample.count(0) * 100 > len(sample):
        raise _fail(path, f"File {path.name} bukan file CSV (isinya biner).",
                    hint="Simpan ulang file itu sebagai .xlsx atau CSV.",
                    en=f"File {path.name} is not a CSV file (its content is binary).",
                    hint_en="Save the file again as .xlsx or CSV.")
    text = _decode(data).replace("\x00", "")
    delimiter = _sniff_delimiter(text.splitlines()[:20])
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _sheet_rows(path: Path, data: bytes) -> list[list]:
    if data.startswith(_OLE_MAGIC) and _ENCRYPTED_MARK in data:
        raise _fail(path, f"File {path.name} {_ENCRYPTED[0]}", code="file.encrypted",
                    hint=_ENCRYPTED[1], en=f"File {path.name} {_ENCRYPTED[2]}",
                    hint_en=_ENCRYPTED[3])
    head = data[:1024].lower()
    if b"<html" in head or b"<table" in head:
        raise _fail(path, f"File {path.name} sebenarnya halaman web (HTML), bukan file Excel.",
                    hint="Buka di Excel, lalu Simpan Sebagai 'Excel Workbook (.xlsx)'.",
                    en=f"File {path.name} is really a web page (HTML), not an Excel file.",
                    hint_en="Open it in Excel, then Save As 'Excel Workbook (.xlsx)'.")
    try:
        with python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)) as book:
            if not book.sheet_names:
                return []
            return book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except python_calamine.PasswordError as exc:
        raise _fail(path, f"File {path.name} {_ENCRYPTED[0]}", code="file.encrypted",
                    hint=_ENCRYPTED[1], en=f"File {path.name} {_ENCRYPTED[2]}",
                    hint_en=_ENCRYPTED[3]) from exc
    except Exception as exc:  # calamine raises several unrelated types for broken files
        raise _fail(path, f"File {path.name} rusak atau bukan file lembar kerja "
                          f"(XLSX/XLS/ODS/CSV).",
                    hint="Buka file itu di Excel atau LibreOffice dan simpan ulang sebagai "
                         ".xlsx.",
                    en=f"File {path.name} is broken or not a spreadsheet (XLSX/XLS/ODS/CSV).",
                    hint_en="Open the file in Excel or LibreOffice and save it again as "
                            ".xlsx.") from exc


def read_table(path: str | Path) -> list[tuple[int, list]]:
    """Rows of a CSV file or of a workbook's first sheet as ``(row_number, cells)``.

    Row numbers are 1-based, as the spreadsheet shows them. Raises
    :class:`UnreadableFileError` when the file is missing, binary junk, encrypted or broken.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise _fail(path, f"File {path} tidak ditemukan.", code="file.missing",
                    en=f"File {path} was not found.") from exc
    except OSError as exc:
        raise _fail(path, f"File {path} tidak bisa dibuka: {exc.strerror or exc}.",
                    en=f"File {path} cannot be opened: {exc.strerror or exc}.") from exc
    is_book = data.startswith((b"PK\x03\x04", _OLE_MAGIC))
    if path.suffix.lower() in CSV_SUFFIXES and not is_book:
        rows = _csv_rows(path, data)
    elif is_book or path.suffix.lower() in {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}:
        rows = _sheet_rows(path, data)
    else:
        rows = _csv_rows(path, data)
    return list(enumerate(rows, start=1))


#: text in parentheses, and runs of anything but lower-case letters and digits (folding)
BRACKETED = re.compile(r"\(.*?\)")
NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def header_key(text) -> str:
    """Header text folded for matching: lower case, no parentheses, spaces or punctuation."""
    text = BRACKETED.sub("", clean_text(text).lower())
    return NOT_ALNUM.sub("", text)


def find_header(rows: list[tuple[int, list]], columns: dict[str, tuple[str, ...]],
                *, scan: int = 10) -> tuple[int, dict[str, int]]:
    """Find the header row among the first non-empty rows and map fields to column indexes.

    The header is the row naming most known columns (title rows above it are skipped). For
    each field, the column matching its earliest alias wins. Returns ``(row_number, mapping)``;
    ``(0, {})`` when the table is empty.
    """
    keys = {field_: [header_key(a) for a in aliases] for field_, aliases in columns.items()}
    known = {k for ks in keys.values() for k in ks}
    candidates = [(n, cells) for n, cells in rows if any(clean_text(c) for c in cells)][:scan]
    if not candidates:
        return 0, {}
    number, cells = max(candidates, key=lambda nc: (sum(header_key(c) in known for c in nc[1]),
                                                     -nc[0]))
    folded = [header_key(c) for c in cells]
    mapping = {}
    for field_, aliases in keys.items():
        for alias in aliases:
            if alias in folded:
                mapping[field_] = folded.index(alias)
                break
    return number, mapping


def excel_text(value) -> str:
    """A cell as Excel shows it: numbers like ``1.98703152010121E+17``, text cleaned.

    Used for NIPs stored as numbers, so that a corrupted NIP never looks like a valid one.
    """
    if isinstance(value, float):
        return f"{value:.15g}".upper()
    return clean_text(value)


def split_tail(rows: list[tuple[int, list]], header_row: int, is_data
               ) -> tuple[list[tuple[int, list]], list[tuple[int, list]]]:
    """The rows under the header up to the last one ``is_data`` accepts (the table), and
    the rows after it that hold anything (a signature block, notes, a total: the tail)."""
    below = [(n, cells) for n, cells in rows if n > header_row]
    last = max((n for n, cells in below if is_data(cells)), default=header_row)
    body = [(n, cells) for n, cells in below if n <= last]
    tail = [(n, cells) for n, cells in below
            if n > last and any(clean_text(c) for c in cells)]
    return body, tail


_NIP_LIKE = re.compile(r"\d{15,}")


def looks_like_nip(value) -> bool:
    """A number, or text that is digits once spaces, dots and a leading apostrophe are
    dropped (15 or more of them): a NIP, even a damaged one; not a label like "NIP. ..."."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return True
    return bool(_NIP_LIKE.fullmatch(re.sub(r"[\s.']", "", clean_text(value))))

