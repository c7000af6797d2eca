"""Safe, value-only reading of untrusted workbooks (.xlsx, .xlsm, .xls, .ods).

The container is checked first (:mod:`skpxl.package`: real format, zip limits, inflate with
size and CRC checks, no DTD in any XML part). Then cell values are read:

* plain .xlsx sheets (what Excel, LibreOffice, WPS and skpxl write) by :mod:`skpxl.sheetxml`,
  which looks the wanted cells up in the sheet XML instead of parsing it whole;
* everything else by python-calamine, after :mod:`skpxl.extents` has measured the sheets
  and clipped oversized ones (calamine allocates a dense grid up to the farthest cell);
  .xls files in a child process with a memory cap.

Both paths give the same values (tests compare them cell by cell). Failures raise
:class:`~skpxl.errors.UnreadableFileError` with a ``file.*`` code. openpyxl is not used
here: it is slow and reads styles we do not need.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import pickle
import posixpath
import re
import subprocess
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import python_calamine as calamine

from . import sheetxml
from .errors import UnreadableFileError
from .extents import _formula_refs, _ods_pass, _rebuild, _sheet_fits, _truncate_sheet
from .memo import remember
from .package import WHOLE_PART, LIMITS, Limits, file_error, Package, detect_format
from .sheetxml import a1, col_index, col_letter, parse_a1

__all__ = ["Limits", "LIMITS", "WorkbookValues", "detect_format", "read_workbook",
           "formula_cells", "col_letter", "col_index", "parse_a1", "a1"]

# --- xlsx: workbook part, sheet extents, rewrite of oversized sheets ---------------------

_XLSX_NAME = re.compile(r"(?:'((?:[^']|'')+)'|([^'!:]+))!\$?([A-Z]{1,3})\$?(\d+)"
                        r"(?::\$?([A-Z]{1,3})\$?(\d+))?")


def _resolve(base: str, target: str) -> str:
    """Path of a relationship target, relative to the part ``base`` unless absolute."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target)).lstrip("/")


def _xlsx_workbook(pkg: Package) -> tuple[list[str], dict, dict, dict, dict]:
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
        remember(_WORKBOOK_CACHE, key, cached, 64)
    names, states, parts, defined, shared = cached
    return list(names), dict(states), dict(parts), dict(defined), {**shared, "digest": key[1]}


_WORKBOOK_CACHE: dict = {}


def _parse_workbook(pkg: Package, part: str, rels: bytes, xml: bytes):
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


# read plain .xlsx sheets with skpxl.sheetxml (False: python-calamine reads every sheet)
PLAIN_XLSX = True

# --- values -----------------------------------------------------------------------------

_VISIBILITY = {"Visible": "visible", "Hidden": "hidden", "VeryHidden": "veryHidden"}
_value, _CONVERTED = sheetxml.as_read, sheetxml.CONVERTED


def _grid(rows: list[list[Any]], lim: Limits) -> list[list[Any]]:
    """calamine rows (empty cells as "") as skpxl values, at most ``max_cols`` wide."""
    chars, width = lim.max_cell_chars, lim.max_cols
    return [[None if v == "" else _value(v, chars) if type(v) in _CONVERTED else v
             for v in row[:width]] for row in rows]


# a formula cell without a result: no <v>, or an empty one (formula text holds no "<")
_NO_RESULT = re.compile(rb'<c r="([A-Z]{1,3}[0-9]{1,7})"([^>]*)>(?:<f(?:\s[^>]*)?>[^<]*</f>|'
                        rb'<f\s[^>]*/>)(?:<v\s*/>|<v>\s*</v>)?</c>')
_TYPED_RESULT = re.compile(rb'\st="(?:str|s|e|b|inlineStr)"')
_PROTECTED = re.compile(rb'\ssheet\s*=\s*["\'](?:1|true)["\']')
_SURROGATE = re.compile("[\ud800-\udfff]")


def _visible(text: str) -> str:
    """Text as Excel shows it when ``_xHHHH_`` escapes held UTF-16 surrogates: a pair is the
    character it encodes (``_xD83D__xDE00_`` is an emoji), a lone one (``_xD800_``, which
    no program can encode) the visible replacement character U+FFFD."""
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


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
        return file_error("file.encrypted", path)
    what_en = "workbook" if what == "buku" else re.sub(r"^lembar ", "sheet ", what)
    return file_error("file.corrupt", path, f"{what}: {text[:200]}",
                      en=f"{what_en}: {text[:200]}")


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
        raise file_error("file.corrupt", path, "pembaca .xls berhenti di tengah jalan",
                         en="the .xls reader stopped halfway") from None
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
    _uncalculated: dict = field(default_factory=dict, repr=False)
    # sheet -> (refs picked, formula refs among them, their non-empty values by position)
    _picked: dict = field(default_factory=dict, repr=False)

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

    def content_sha256(self) -> str:
        """SHA-256 (hex) of the file as it was read (held in memory for zip formats; .xls
        and .ods are read again, within the size limit already checked)."""
        data = self._pkg.data if self._pkg is not None else b""
        return hashlib.sha256(data or self.path.read_bytes()).hexdigest()

    @property
    def structure_key(self) -> bytes | None:
        """Equal for two .xlsx files whose workbook part (sheets, defined names) is byte for
        byte the same, so what is derived from those alone can be reused; None otherwise."""
        return self._shared.get("digest")

    def pick(self, sheet: str, positions: Iterable[tuple[int, int]]) -> dict[tuple[int, int], Any]:
        """Values of the cells at ``positions`` (1-based row, column), empty ones left out.

        The same values as :meth:`cells` gives; a plain .xlsx sheet is not parsed whole for
        it: the cells are looked up by their reference (:func:`skpxl.sheetxml.pick_cells`).
        KeyError for a sheet the workbook does not have. The dict returned may be the
        reader's own memo of the sheet: read it, do not change it.
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
        """A1 refs of the cells of ``sheet`` holding a formula; xlsx/xlsm and ods (.xls:
        empty).
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

    def formulas_among(self, sheet: str, positions: tuple[tuple[int, int], ...]
                       ) -> set[tuple[int, int]] | None:
        """Which of the cells at ``positions`` (1-based row, column) hold a formula; None
        where the format does not tell (.xls: python-calamine reads no formulas there).
        A plain .xlsx sheet is not parsed for it: the cells are looked up by reference and
        a formula is the first child of its ``<c>``. KeyError for a sheet not there."""
        if sheet not in self.sheet_names:
            raise KeyError(f"no sheet named {sheet!r} in {self.path.name}")
        if self.format == "xls":
            return None
        wanted = _wanted_for(positions, self.limits)
        picked = self._picked.get(sheet)
        if picked is not None and wanted.refs <= picked[0]:   # known from a pick
            return {(row + 1, col + 1) for row, col in map(parse_a1, picked[1] & wanted.refs)}
        xml = self._plain_xml(sheet) if self.format in ("xlsx", "xlsm") else None
        if xml is not None:
            try:
                located = _locate(xml, wanted.rows)
            except sheetxml.Unusual:
                located = None
            if located is not None:
                return {(row, col) for row, col, _, stop, _ in located
                        if xml.startswith(b"<f", stop)}
        refs = self.formula_cells(sheet)
        return {(row, col) for row, col in wanted.positions if a1(row - 1, col - 1) in refs}

    def uncalculated(self, sheet: str, ref: str) -> bool:
        """True when the cell holds a formula but no stored result: the file was saved by
        a program that does not calculate (openpyxl writes ``<f>..</f><v/>``; Excel and
        LibreOffice store even an empty result, as ``t="str"`` with an empty ``<v>``).
        .ods (LibreOffice writes an empty result with no value type, the same as no result)
        and .xls (every formula record carries its result) never tell: False."""
        if self.format not in ("xlsx", "xlsm"):
            return False
        if sheet not in self._uncalculated:
            part, rel_type = self._parts.get(sheet, ("", ""))
            xml = self._pkg.read(part) if rel_type.endswith("/worksheet") else b""
            self._uncalculated[sheet] = {
                m.group(1).decode("ascii") for m in _NO_RESULT.finditer(xml)
                if not _TYPED_RESULT.search(m.group(2))}
        return ref in self._uncalculated[sheet]

    def sheet_protected(self, sheet: str) -> bool | None:
        """Whether an .xlsx sheet is protected (``<sheetProtection sheet="1">``, near the
        end of the sheet's XML); None for other formats."""
        if self.format not in ("xlsx", "xlsm"):
            return None
        part, rel_type = self._parts.get(sheet, ("", ""))
        if not rel_type.endswith("/worksheet") or part not in self._pkg.zip.NameToInfo:
            return False
        xml = self._pkg.read(part)
        at = xml.rfind(b"<sheetProtection")
        if at < 0:
            return False
        tag = xml[at:xml.find(b">", at) + 1]
        return b' sheet="1"' in tag or b' sheet="true"' in tag or bool(_PROTECTED.search(tag))

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
                or info.file_size >= WHOLE_PART or not rel_type.endswith("/worksheet")):
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
        known = self._picked.get(sheet)
        if known is not None and wanted.refs <= known[0]:     # asked before (metadata)
            values = known[2]
            return {pos: values[pos] for pos in wanted.positions if pos in values}
        xml, shared = self._plain_xml(sheet), self._shared
        try:
            picked = sheetxml.pick_cells(xml, wanted.rows, shared["strings_"],
                                         shared["styles_"], self.limits.max_cell_chars
                                         ) if xml else None
        except sheetxml.Unusual:
            picked = None
        if picked is None:
            return None
        values, formulas = picked
        for pos, v in values.items():   # (isascii is a flag: no scan for most text)
            if v.__class__ is str and not v.isascii():
                values[pos] = _visible(v)
        refs = {a1(row - 1, col - 1) for row, col in formulas}
        if known is None:     # the usual case: one pick per sheet, kept as it is
            self._picked[sheet] = (wanted.refs, refs, values)
        else:
            self._picked[sheet] = (known[0] | wanted.refs, known[1] | refs,
                                   {**known[2], **values})
        return values

    def _convert(self, value: Any) -> Any:
        value = _value(value, self.limits.max_cell_chars) if type(value) in _CONVERTED else value
        return _visible(value) if value.__class__ is str and not value.isascii() else value


@dataclass(frozen=True)
class _Wanted:
    """Cells asked for, prepared once for :func:`skpxl.sheetxml.pick_cells`."""

    positions: list[tuple[int, int]]         # (row, col) 1-based, sorted row-major
    rows: list[tuple[int, bytes, list]]      # inside the limits: (row, b"7",
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
        remember(_WANTED_BY_ID, id(positions), (positions, limits, wanted), 64)
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
    return _Wanted(cells, [(row, b"%d" % row, tags) for row, tags in rows.items()],
                   frozenset(refs))


def _locate(xml: bytes, rows: list) -> list[tuple] | None:
    """(row, column, tag start, tag end, ``</c>``) of the wanted cells with content of a
    plain sheet (:func:`skpxl.sheetxml.pick_cells` finds cells the same way), else None."""
    found = sheetxml._locate_c(xml, rows) if sheetxml._locate_c is not None else None
    return found if found is not None else sheetxml._locate(xml, rows)


def _cached(parse, data: bytes) -> Any:
    """``parse(data)`` for a shared-strings or styles part; files made from one template and
    saved by one program share them byte for byte. ``None`` when the part is unusual."""
    key = (parse.__name__, hashlib.sha256(data).digest())
    if key not in _PART_CACHE:
        try:
            result = parse(data)
        except sheetxml.Unusual:
            result = None
        remember(_PART_CACHE, key, result, 64)
    return _PART_CACHE[key]


_PART_CACHE: dict = {}


def read_workbook(path: str | os.PathLike, *, sheets: Iterable[str] | None = None,
                  limits: Limits = LIMITS) -> WorkbookValues:
    """Check and open a workbook returned by staff; cell values are read on demand.

    ``sheets`` lists sheets to read right away, so that their failures surface here; names
    the workbook lacks are ignored (compare with ``sheet_names``). Raises
    UnreadableFileError with a ``file.*`` code.
    """
    book = _open(Package(Path(path), limits))
    for name in sheets or ():
        if name in book.sheet_names:
            book.cells(name)
    return book


def formula_cells(path: str | os.PathLike, sheet: str, *, limits: Limits = LIMITS) -> set[str]:
    """A1 refs of the cells of ``sheet`` holding a formula (xlsx/xlsm; other formats: empty)."""
    with read_workbook(path, limits=limits) as book:
        return book.formula_cells(sheet)


def _open(pkg: Package) -> WorkbookValues:
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
    if any(truncated.values()) or scan.reshape:
        out = io.StringIO()
        _ods_pass(pkg, out)
        source = _rebuild(pkg, {"content.xml": out.getvalue().encode()},
                          lambda n: n in ("mimetype", "META-INF/manifest.xml", "styles.xml"))
    book = _calamine(lambda: calamine.CalamineWorkbook.from_object(source), path, "buku")
    meta = book.sheets_metadata
    formulas = {table: {a1(row - 1, col - 1) for row, col in cells}
                for table, cells in scan.formulas.items()}
    return WorkbookValues(path, "ods", [m.name for m in meta],
                          {m.name: _state(str(m.visible)) for m in meta},
                          {**scan.local_names, **scan.names}, lim, truncated, _book=book,
                          _formulas={m.name: formulas.get(m.name, set()) for m in meta})
