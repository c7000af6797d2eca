"""Fast value-only reading of plain SpreadsheetML, the way Excel, LibreOffice, WPS and skpxl
write it.

python-calamine is the reference reader (:mod:`skpxl.reader`); for an .xlsx it costs a second
inflate of every part, a parse of the styles and a dense grid per sheet: about 7 ms for a
returned SKP workbook, more than everything else validation does. The sheets staff send back
are small and written by a handful of programs in one plain shape (``<c r="C7" s="3" t="s">
<v>12</v></c>``), so this module reads that shape with bytes operations and regular
expressions that run in C, two ways:

* :func:`pick_cells` (what validation uses): the sheet is cut at its row tags and only the
  wanted cells are looked up by their reference and decoded; :func:`_locate` first makes
  sure every cell and row tag in ``sheetData`` starts with a plain ``r`` and there are no
  comments, CDATA or namespace prefixes there (``skpxl/_speedups.c``, an optional C twin
  of :func:`_locate`, does this part where it was compiled, unless ``SKPXL_SPEEDUPS=0``; it
  leaves every case it does not settle to the Python version, so both give the same result;
  :func:`speedups_status` says whether it is in use);
* :func:`sheet_cells` (a whole grid): every byte of ``sheetData`` must belong to a
  recognised row or cell token (a coverage check by substitution, not a lenient scan).

Anything else raises :class:`Unusual` and goes to calamine: CDATA, phonetic runs, ``t="d"``
cells, the 1904 date system, numbers a date style turns into a date out of range, a
shared-string index out of range, repeated rows. The values are those python-calamine
returns, converted by :func:`as_read`; ``tests/test_sheetxml.py`` compares both readers cell
by cell on every kind of file skpxl meets.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import re
from typing import Any, Callable, NamedTuple, Sequence

__all__ = ["shared_strings", "date_styles", "sheet_cells", "pick_cells", "col_letter",
           "col_index", "parse_a1", "a1", "DATE", "DURATION", "speedups_status",
           "SpeedupsStatus"]

DATE, DURATION = 1, 2


# --- values as skpxl reads them ---------------------------------------------------------

_CTRL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
CONVERTED = {str, float, dt.datetime}


def as_read(v: Any, max_chars: int) -> Any:
    """A str, float or datetime as calamine (or this module) gives it, as skpxl reads it:
    text without ASCII control characters (tab and line feed kept), at most ``max_chars``
    long, None when empty; a whole float as an int; a datetime at midnight as a date."""
    if type(v) is str:
        if not v.isprintable() and _CTRL.search(v):
            v = _CTRL.sub("", v)
        return v[:max_chars] or None
    if type(v) is float:
        return int(v) if v.is_integer() and abs(v) < 1e15 else v
    return v.date() if not (v.hour or v.minute or v.second or v.microsecond) else v


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


_ATTR = rb'(?:\s+[A-Za-z][\w:.-]*="[^"<>]*")'
_EMPTY_CELL = re.compile(rb'<c r="[A-Z]{1,3}[1-9][0-9]{0,6}"' + _ATTR + rb"*\s*/>")
_ROW_TAG = re.compile(rb"<row" + _ATTR + rb"*\s*/?>|</row\s*>")
_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"(' + _ATTR + rb'*)\s*>'
    rb"(<f" + _ATTR + rb"*\s*(?:/>|>[^<]*</f\s*>))?"
    rb"(?:(<v\s*/>|<v\s*>([^<]*)</v\s*>)|<is\s*>([^<]*(?:<(?!/is\s*>)[^<]*)*)</is\s*>)?"
    rb"</c\s*>")
_NUMBER = re.compile(rb"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_T_ATTR = re.compile(rb'\st="([^"]*)"')
_S_ATTR = re.compile(rb'\ss="([0-9]+)"')
_TEXT = re.compile(rb"<t(\s[^>]*)?(?:/>|>([^<]*)</t\s*>)")
_ENTITY = re.compile(r"&(?:(lt|gt|amp|quot|apos)|#([0-9]{1,7})|#x([0-9A-Fa-f]{1,6}));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_UNUSUAL = (b"<![CDATA[", b"<rPh", b"<!--")


class Unusual(Exception):
    """The XML is not in the plain shape this module reads; let calamine read it."""


def _entity(m: re.Match) -> str:
    if m.group(1):
        return _NAMED[m.group(1)]
    code = int(m.group(2)) if m.group(2) else int(m.group(3), 16)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF or code == 0:
        raise Unusual("character reference out of range")
    return chr(code)


def text_of(raw: bytes, trim: bool = False) -> str:
    """XML character data as a str: UTF-8, entities and ``_xHHHH_`` escapes resolved.

    ``trim``: the text of a ``<t>`` without ``xml:space="preserve"``, which python-calamine
    trims of XML whitespace (space, tab, CR, LF) once entities are resolved, before the
    ``_xHHHH_`` escapes."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Unusual("not UTF-8") from None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")   # XML end-of-line handling
    if "&" in text:
        if "&" in _ENTITY.sub("", text):
            raise Unusual("unknown entity")
        text = _ENTITY.sub(_entity, text)
    if trim:
        text = text.strip(" \t\r\n")
    if "_x" in text:
        text = _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)
    return text


def _rich_text(body: bytes) -> str:
    """The text of an ``<si>`` or ``<is>`` body: its ``<t>`` runs joined."""
    if b"<" not in body:
        return text_of(body)
    runs = _TEXT.findall(body)
    if len(runs) != body.count(b"<t") - body.count(b"<tx"):  # nothing hidden from the scan
        raise Unusual("odd text runs")
    return "".join(text_of(run, trim=_PRESERVE_ATTR not in attrs) for attrs, run in runs)


_PRESERVE_ATTR = b'xml:space="preserve"'


class SharedStrings:
    """The shared-string table (``xl/sharedStrings.xml``), decoded item by item when asked:
    a returned SKP has a few hundred strings and its wanted cells use a few dozen."""

    def __init__(self, xml: bytes):
        if any(token in xml for token in _UNUSUAL):
            raise Unusual("CDATA, phonetic runs or comments in shared strings")
        self._pieces = xml.split(b"<si")[1:]
        self._decoded: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self._pieces)

    def __getitem__(self, index: int) -> str:
        text = self._decoded.get(index)
        if text is None:
            if index < 0:
                raise IndexError(index)
            piece = self._pieces[index]
            if piece[:2] == b"/>":
                text = ""
            elif piece[:1] == b">" and (end := piece.find(b"</si>")) > 0:
                text = _rich_text(piece[1:end])
            else:
                raise Unusual("shared string item")
            self._decoded[index] = text
        return text


def shared_strings(xml: bytes) -> SharedStrings:
    """The shared-string table of a workbook (see :class:`SharedStrings`)."""
    return SharedStrings(xml)


# number formats that make a number a date/time (ECMA-376 18.8.30), or a duration
_BUILTIN = {**dict.fromkeys((*range(14, 23), 45, 47), DATE), 46: DURATION}
_NUMFMT = re.compile(rb'<numFmt\s+numFmtId="([0-9]+)"\s+formatCode="([^"]*)"')
_NUMFMT_ANY = re.compile(rb"<numFmt\s")
_CELL_XFS = re.compile(rb"<cellXfs\b[^>]*?(?:/>|>(.*?)</cellXfs\s*>)", re.S)
_XF = re.compile(rb"<xf\b([^>]*?)(?:/>|>)")
_NUMFMT_ID = re.compile(rb'\snumFmtId="([0-9]+)"')


def format_kind(code: str) -> int:
    """DATE, DURATION or 0 for a custom number format code such as ``dd/mm/yyyy``.

    The first section decides; quoted text, escaped characters (after backslash, underscore
    or asterisk) and bracketed parts other than elapsed time (``[h]``, ``[mm]``, ``[ss]``)
    are not format tokens.
    """
    section, literal, after_am = [], False, False
    i = 0
    while i < len(code):
        ch = code[i]
        if literal:
            literal = ch != '"'
        elif ch == '"':
            literal = True
        elif ch in "\\_*":
            i += 1
        elif ch == ";":
            break
        elif ch == "[":
            end = code.find("]", i)
            inner = code[i + 1:end if end > 0 else len(code)].lower()
            if inner and inner[0] in "hms" and inner == inner[0] * len(inner):
                return DURATION
            i = end if end > 0 else len(code)
        else:
            section.append(ch)
            low = ch.lower()
            if low == "a":
                after_am = True
            elif low in "dmhys" or (after_am and low in "pm/"):
                return DATE
        i += 1
    return 0


def date_styles(xml: bytes) -> dict[int, int]:
    """Cell style index -> DATE or DURATION, for the styles whose numbers read as dates."""
    custom = {int(i): format_kind(text_of(code)) for i, code in _NUMFMT.findall(xml)}
    if len(custom) != len(_NUMFMT_ANY.findall(xml)):
        raise Unusual("number formats")
    block = _CELL_XFS.search(xml)
    out = {}
    for index, attrs in enumerate(_XF.findall(block.group(1) or b"") if block else ()):
        m = _NUMFMT_ID.search(attrs)
        number = int(m.group(1)) if m else 0
        kind = custom.get(number) if number in custom else _BUILTIN.get(number, 0)
        if kind:
            out[index] = kind
    return out


_EPOCH = dt.datetime(1899, 12, 30)
_MAX_SERIAL = 2_958_466  # 9999-12-31


def _date_value(number: float, kind: int) -> Any:
    """An Excel serial number as python-calamine returns it (1900 date system)."""
    if not 0 <= number < _MAX_SERIAL:
        raise Unusual("date out of range")
    if kind == DURATION:
        return dt.timedelta(milliseconds=round(number * 86_400_000))
    if number < 1:
        return (_EPOCH + dt.timedelta(milliseconds=round(number * 86_400_000))).time()
    when = _EPOCH + dt.timedelta(days=1 if number < 60 else 0,
                                 milliseconds=round(number * 86_400_000))
    return when.date() if number.is_integer() else when


def sheet_cells(xml: bytes, strings: Sequence[str], styles: dict[int, int], *, max_rows: int,
                max_cols: int, convert: Callable[[Any], Any]) -> tuple[list[list[Any]], set[str]]:
    """The dense grid from A1 (as :class:`~skpxl.reader.WorkbookValues` holds it) and the A1
    refs of the formula cells; raises :class:`Unusual` for anything but the plain shape."""
    if any(token in xml for token in _UNUSUAL):
        raise Unusual("CDATA, comments or phonetic runs")
    start, end = xml.find(b"<sheetData>"), xml.rfind(b"</sheetData>")
    if start < 0 or end < start or xml.count(b"<sheetData") != 1:
        if xml.count(b"<sheetData") == 1 and re.search(rb"<sheetData\s*/>", xml):
            return [], set()
        raise Unusual("no single plain sheetData")
    body = _EMPTY_CELL.sub(b"", xml[start + 11:end])
    if _ROW_TAG.sub(b"", _CELL.sub(b"", body)).strip():
        raise Unusual("unrecognised content in sheetData")
    cells: list[tuple[int, int, Any]] = []
    formulas: set[str] = set()
    height = width = 0
    for letters, digits, attrs, formula, vtag, v, inline in _CELL.findall(body):
        col = 0
        for ch in letters:
            col = col * 26 + ch - 64
        row = int(digits)
        if row > max_rows or col > max_cols:
            raise Unusual("cell beyond the limits")
        value, has_formula, stretches = _typed(attrs, formula, vtag, v, inline, strings,
                                               styles)
        if has_formula:
            formulas.add((letters + digits).decode("ascii"))
        if not stretches:
            continue
        if value is not None:
            value = convert(value)
        cells.append((row - 1, col - 1, value))
        height, width = max(height, row), max(width, col)
    grid = [[None] * width for _ in range(height)]
    for row0, col0, value in cells:
        grid[row0][col0] = value
    return grid, formulas


# a cell or row tag not starting with a plain r (none, other attributes first, lowercase,
# leading zeros...), a comment, CDATA or DOCTYPE; prefixed (x:c) tags
_ODD = re.compile(rb'<(?:c(?! r="[A-Z]{1,3}[1-9])[^a-zA-Z]|row(?! r="[1-9])[^a-zA-Z]|!)')
_PREFIXED = re.compile(rb":c[\s/>]")


_PRESERVE = b'<is><t xml:space="preserve">'
_PRESERVE_LEN = len(_PRESERVE)


def _cell_value(xml: bytes, start: int, stop: int, end: int, strings: Sequence[str],
                styles: dict[int, int]) -> tuple[Any, bool, bool]:
    """(value, has formula, stretches the grid) of the cell whose tag is ``xml[start:stop]``
    (``<c r="C7" ...>``, not empty) and whose ``</c>`` is at ``end``.

    The two shapes nearly every cell has (``<v>..</v>`` and a one-run inline string) are
    cut out with bytes operations; anything else goes through the full pattern."""
    inner = xml[stop:end]
    head = inner[:4]
    if head == b"<is>":
        if (inner[-9:] == b"</t></is>" and inner.count(b"<") == 4
                and b' t="inlineStr"' in xml[start:stop]):
            if inner[4:7] == b"<t>":
                return text_of(inner[7:-9], trim=True), False, True
            if inner[:_PRESERVE_LEN] == _PRESERVE:
                return text_of(inner[_PRESERVE_LEN:-9]), False, True
    elif head[:3] == b"<v>" and inner[-4:] == b"</v>" and inner.count(b"<") == 2:
        attrs = xml[start:stop]
        if b" t=" not in attrs or b' t="n"' in attrs:
            v = inner[3:-4]
            if not _NUMBER.fullmatch(v):
                raise Unusual("number")
            number = float(v)
            style = _S_ATTR.search(attrs) if styles else None
            kind = styles.get(int(style.group(1))) if style else None
            return (_date_value(number, kind) if kind else number), False, True
        if b' t="s"' in attrs:
            try:
                return strings[int(inner[3:-4])], False, True
            except (ValueError, IndexError):
                raise Unusual("shared string index") from None
    m = _CELL.fullmatch(xml, start, end + 4)
    if m is None:
        raise Unusual("cell content")
    return _typed(m.group(3), m.group(4), m.group(5), m.group(6), m.group(7), strings, styles)


def _typed(attrs: bytes, formula: bytes | None, vtag: bytes | None, v: bytes | None,
           inline: bytes | None, strings: Sequence[str], styles: dict[int, int]):
    """(value as calamine gives it, has formula, stretches the grid) of one cell."""
    kind = _T_ATTR.search(attrs)
    kind = kind.group(1) if kind else b"n"
    has_formula = bool(formula)
    if kind == b"inlineStr":
        return _rich_text(inline or b""), has_formula, True
    if inline:
        raise Unusual("inline string in a cell that is not inlineStr")
    if kind == b"n":
        if not v:
            return None, has_formula, False  # no value (a formula never calculated): empty
        if not _NUMBER.fullmatch(v):
            raise Unusual("number")
        style = _S_ATTR.search(attrs)
        date_kind = styles.get(int(style.group(1))) if style else None
        number = float(v)
        return (_date_value(number, date_kind) if date_kind else number), has_formula, True
    if not vtag:
        raise Unusual("typed cell without a value")
    if kind == b"s":
        try:
            return strings[int(v)], has_formula, True
        except (ValueError, IndexError):
            raise Unusual("shared string index") from None
    if kind == b"str":
        return text_of(v or b""), has_formula, True
    if kind == b"b" and v in (b"0", b"1"):
        return v == b"1", has_formula, True
    if kind == b"e":
        return None, has_formula, True      # calamine gives errors (#N/A) no value
    raise Unusual(f"cell type {kind!r}")


def _locate(xml: bytes, rows: list[tuple[int, bytes, list]]) -> list[tuple] | None:
    """Where the wanted cells with content of a plain sheet are: (row, column, start of the
    tag, end of the tag, start of ``</c>``) offsets into ``xml``; None when the sheet is not
    plain: a cell or row tag in ``sheetData`` that does not start with a plain ``r``, a
    comment, CDATA or a namespace prefix there, or not exactly one ``<sheetData>``.

    The sheet is cut at its row tags and each wanted cell looked up in its row by its tag
    start (``rows``: see :func:`pick_cells`); a wanted row without any ``</c>`` (no cell
    with content) costs one lookup. Raises :class:`Unusual` for a row number written twice
    or a cell not closed in its row (the caller then reads the whole sheet).
    ``skpxl/_speedups.c`` does the same in C where it was built."""
    start, end = xml.find(b"<sheetData>"), xml.rfind(b"</sheetData>")
    if (end < start or xml.count(b"<sheetData>") != 1 or _ODD.search(xml, start, end)
            or _PREFIXED.search(xml, start, end)):
        return None
    pieces = xml[start:end].split(b'<row r="')
    by_number, offset = {}, start + len(pieces[0])
    for piece in pieces[1:]:
        by_number[piece[:piece.find(b'"')]] = (piece, offset + 8)
        offset += 8 + len(piece)
    if len(by_number) != len(pieces) - 1:
        raise Unusual("a row number written twice")
    located = []
    for row, number, cells in rows:
        piece, offset = by_number.get(number, (b"", 0))
        if b"</c>" not in piece:
            continue                             # no such row, or no cell with content
        for col, cell_tag in cells:
            at = piece.find(cell_tag)
            if at < 0:
                continue
            stop = piece.find(b">", at) + 1
            if stop == 0:
                raise Unusual("cell tag not closed")
            if piece[stop - 2] == 47:            # "/>": an empty cell
                continue
            close = piece.find(b"</c>", stop)
            if close < 0:
                raise Unusual("cell not closed")
            located.append((row, col, offset + at, offset + stop, offset + close))
    return located


# --- the optional C accelerator ----------------------------------------------------------

class SpeedupsStatus(NamedTuple):
    """Whether skpxl uses its C accelerator (``skpxl/_speedups.c``), and why not.

    ``reason``: ``"in-use"``, ``"turned-off"`` (``SKPXL_SPEEDUPS=0``), ``"not-built"`` (no
    compiled module: installed without a C compiler) or ``"import-error"`` (compiled but
    unloadable, e.g. for another Python); ``detail``: the module's file, the setting or the
    error. Either way skpxl gives the same results; only speed differs."""

    in_use: bool
    reason: str
    detail: str

    def message(self, lang: str = "id") -> str:
        """One line for people: what ``skpxl doctor`` and the README's check print."""
        text = _STATUS_TEXT[self.reason][lang == "en"]
        return f"{text} ({self.detail})" if self.detail else text

    def __str__(self) -> str:
        return self.message("en")


_STATUS_TEXT = {
    "in-use": ("Akselerator C dipakai", "C accelerator in use"),
    "turned-off": ("Akselerator C dimatikan; skpxl memakai versi Python (hasil sama, lebih "
                   "lambat)", "C accelerator turned off; skpxl uses the Python version (same "
                   "results, slower)"),
    "not-built": ("Akselerator C tidak terpasang (tidak ada compiler C saat instalasi); skpxl "
                  "memakai versi Python (hasil sama, lebih lambat)",
                  "C accelerator not built (no C compiler at installation); skpxl uses the "
                  "Python version (same results, slower)"),
    "import-error": ("Akselerator C tidak bisa dimuat; skpxl memakai versi Python (hasil "
                     "sama, lebih lambat)", "C accelerator could not be loaded; skpxl uses "
                     "the Python version (same results, slower)"),
}
_OFF = ("0", "off", "no", "false")


def _load_speedups() -> tuple[dict[str, Callable], SpeedupsStatus]:
    """The C functions in use by name, and what :func:`speedups_status` says about them.

    ``SKPXL_SPEEDUPS=0`` turns the module off; a comma-separated list of its function names
    keeps only those (``benchmarks/run`` measures what each function buys that way)."""
    setting = os.environ.get("SKPXL_SPEEDUPS", "").strip()
    if setting.lower() in _OFF:
        return {}, SpeedupsStatus(False, "turned-off", f"SKPXL_SPEEDUPS={setting}")
    try:
        _speedups = importlib.import_module(f"{__package__}._speedups")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__package__}._speedups":
            raise
        return {}, SpeedupsStatus(False, "not-built", "")
    except ImportError as exc:
        return {}, SpeedupsStatus(False, "import-error", str(exc))
    functions = {name: f for name, f in vars(_speedups).items()
                 if callable(f) and not name.startswith("_")}
    if setting and setting != "1":
        wanted = {name.strip() for name in setting.split(",")}
        functions = {name: f for name, f in functions.items() if name in wanted}
        return functions, SpeedupsStatus(bool(functions), "in-use" if functions else
                                         "turned-off", f"SKPXL_SPEEDUPS={setting}")
    return functions, SpeedupsStatus(True, "in-use", _speedups.__file__)


_C, _status = _load_speedups()


def speedups_status() -> SpeedupsStatus:
    """Whether the C accelerator is in use here, and why not (see :class:`SpeedupsStatus`);
    ``SKPXL_SPEEDUPS`` is read once, when skpxl is imported."""
    return _status


_locate_c = _C.get("locate")    # the C twin of _locate, or None


def pick_cells(xml: bytes, rows: list[tuple[int, bytes, list]], strings: Sequence[str],
               styles: dict[int, int], max_chars: int
               ) -> tuple[dict[tuple[int, int], Any], set[tuple[int, int]]] | None:
    """Values of some cells of a sheet (as :func:`as_read` gives them), or None when the
    sheet is not plain (read it with calamine). Only the wanted cells with content are
    parsed: :func:`_locate` (or its C twin in ``skpxl/_speedups.c``) finds them and
    :func:`_cell_value` decodes them.

    ``rows`` lists each row wanted, ascending, as (row number, the number as bytes,
    [(column, the cell's tag start ``<c r="C7"``), ...]). Returns the non-empty values by
    (row, column) and the positions holding formulas.
    """
    located = _locate_c(xml, rows) if _locate_c is not None else None
    if located is None:       # C leaves every case it does not settle to the Python version
        located = _locate(xml, rows)
        if located is None:
            return None
    values: dict[tuple[int, int], Any] = {}
    formulas: set[tuple[int, int]] = set()
    for row, col, at, stop, end in located:
        value, has_formula, _ = _cell_value(xml, at, stop, end, strings, styles)
        if has_formula:
            formulas.add((row, col))
        if value is not None:
            if type(value) in CONVERTED:
                value = as_read(value, max_chars)
            if value is not None:
                values[(row, col)] = value
    return values, formulas
