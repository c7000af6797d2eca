"""Write documents into template workbooks, fast and faithfully.

The template is compiled once: its zip is read, each sheet's XML is cut around the cells
that fields and mirrors occupy, and the untouched parts are kept compressed. Filling a
workbook is then string joins plus deflating the few changed sheets — no parse and
re-serialise per employee, so everything the template holds (styles, merged cells, data
validations, protection, print setup, images, defined names) is carried over byte for byte.

Values are written as inline strings, numbers or date serials; text is never written as a
formula, whatever it starts with (formula injection). Mirror cells keep their formula and
get the mirrored value as cached result, so previews that never calculate show it too.
"""

from __future__ import annotations

import math
import os
import re
import struct
import tempfile
import time
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from xml.sax.saxutils import escape

from defusedxml import ElementTree as SafeET

from .errors import TemplateError
from .manifest import Field, Template, col_to_index, parse_a1

_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EPOCH = date(1899, 12, 30)
MAX_CELL_CHARS = 32767
NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def excel_serial(value: date | datetime) -> float | int:
    if isinstance(value, datetime):
        delta = value - datetime(1899, 12, 30)
        return delta.days + delta.seconds / 86400
    return (value - _EPOCH).days


_X_ESCAPE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")   # an underscore that would start one


def clean_text(value) -> str:
    text = str(value)
    if not text.isprintable():   # printable text holds no character XML forbids
        text = _ILLEGAL_XML.sub("", text)
    return text[:MAX_CELL_CHARS]


def render_cell(ref: str, style: str, value, formula: str | None = None) -> str:
    """One ``<c>`` element for ``value`` (None keeps the cell empty but styled)."""
    s_attr = f' s="{style}"' if style else ""
    f_xml = f"<f>{formula}</f>" if formula else ""
    if value is None or value == "":
        if formula:
            return f'<c r="{ref}"{s_attr} t="str">{f_xml}<v></v></c>'
        return f'<c r="{ref}"{s_attr}/>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s_attr} t="b">{f_xml}<v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"{s_attr}>{f_xml}<v>{value!r}</v></c>'
    if isinstance(value, (date, datetime)):
        return f'<c r="{ref}"{s_attr}>{f_xml}<v>{excel_serial(value)}</v></c>'
    text = escape(clean_text(value))
    if "_x" in text:   # text that looks like an _xHHHH_ escape is escaped, as Excel does
        text = _X_ESCAPE.sub("_x005F_", text)
    if formula:
        return f'<c r="{ref}"{s_attr} t="str">{f_xml}<v>{text}</v></c>'
    return (f'<c r="{ref}"{s_attr} t="inlineStr"><is><t xml:space="preserve">{text}</t></is>'
            f"</c>")


# --- a minimal zip writer that reuses pre-compressed members ------------------------------

@dataclass
class _Member:
    name: bytes
    crc: int
    compressed: bytes
    size: int


def _deflate(data: bytes, level: int = 6) -> bytes:
    comp = zlib.compressobj(level, zlib.DEFLATED, -15)
    return comp.compress(data) + comp.flush()


def _member(name: str, data: bytes, level: int = 6) -> _Member:
    return _Member(name.encode("utf-8"), zlib.crc32(data), _deflate(data, level), len(data))


def _dos_time(moment: float) -> tuple[int, int]:
    t = time.localtime(moment)
    return ((t.tm_hour << 11) | (t.tm_min << 5) | (t.tm_sec // 2),
            ((t.tm_year - 1980) << 9) | (t.tm_mon << 5) | t.tm_mday)


def zip_bytes(members: list[_Member], moment: float | None = None) -> bytes:
    """Serialise members as a zip archive (deflate, no zip64: workbooks are small)."""
    dos_time, dos_date = _dos_time(moment if moment is not None else time.time())
    out, central = [], []
    offset = 0
    for m in members:
        header = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0x0800, 8, dos_time, dos_date,
                             m.crc, len(m.compressed), m.size, len(m.name), 0)
        out += [header, m.name, m.compressed]
        central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0x0800, 8, dos_time,
                                   dos_date, m.crc, len(m.compressed), m.size, len(m.name),
                                   0, 0, 0, 0, 0, offset) + m.name)
        offset += len(header) + len(m.name) + len(m.compressed)
    directory = b"".join(central)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members),
                      len(directory), offset, 0)
    return b"".join(out) + directory + end


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


_FILE_MODE = 0o666 & ~_umask()


def _write_temp(path: Path, data: bytes) -> str:
    """A complete, synced temporary file beside ``path`` with normal permissions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), _FILE_MODE)  # mkstemp makes 0600: others could not read
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        _unlink(tmp)
        raise
    return tmp


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


_PART = re.compile(r"\..+\.[A-Za-z0-9_]{8}\.part")   # the names _write_temp makes


def remove_stale_parts(folder: Path, *, older_than: float = 60.0) -> list[Path]:
    """Remove the temporary files (:func:`_write_temp`) a run that was killed left in
    ``folder`` and its sub-folders (one level: generate's unit folders); an interrupted run
    removes its own. Those younger than ``older_than`` seconds may belong to a run still
    going and are left alone. Returns the paths removed."""
    removed: list[Path] = []
    if not Path(folder).is_dir():
        return removed
    limit = time.time() - older_than
    for path in [*Path(folder).glob(".*.part"), *Path(folder).glob("*/.*.part")]:
        try:
            if _PART.fullmatch(path.name) and path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
                removed.append(path)
        except OSError:
            continue
    return removed


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and a rename: never half a file."""
    tmp = _write_temp(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        _unlink(tmp)
        raise


def write_atomic_exclusive(path: Path, data: bytes) -> bool:
    """Like :func:`write_atomic` but never replaces an existing file; False if one exists."""
    tmp = _write_temp(path, data)
    try:
        try:
            os.link(tmp, path)  # atomic, and fails when the target exists
        except FileExistsError:
            return False
        except OSError:  # file systems without hard links
            if path.exists():
                return False
            os.replace(tmp, path)
        return True
    finally:
        _unlink(tmp)


# --- template compilation -----------------------------------------------------------------

def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> zip member of its XML, from workbook.xml and its relationships."""
    workbook = SafeET.fromstring(zf.read("xl/workbook.xml"))
    rels = SafeET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target") for rel in rels.findall(f"{{{NS_PKG_REL}}}Relationship")}
    parts = {}
    for sheet in workbook.findall(f"{{{NS_MAIN}}}sheets/{{{NS_MAIN}}}sheet"):
        target = targets[sheet.get(f"{{{NS_REL}}}id")]
        if target.startswith("/"):
            member = target.lstrip("/")
        else:
            member = str(PurePosixPath("xl") / target)
        parts[sheet.get("name")] = os.path.normpath(member).replace(os.sep, "/")
    return parts


@dataclass
class _Slot:
    ref: str
    style: str
    formula: str | None
    empty: str = ""

    def __post_init__(self):
        self.empty = render_cell(self.ref, self.style, None, self.formula)


_COL = re.compile(r"<col\b([^>]*)>")
_ATTR = re.compile(r'\b(min|max|width)="([\d.]+)"')
_MERGE = re.compile(r'<mergeCell ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
_ROW_TAG = re.compile(r'<row r="(\d+)"([^>]*?)(/?)>')
_HT = re.compile(r'\sht="([\d.]+)"')
LINE_PT = 11.5  # one line of 9 pt text
CHARS_PER_WIDTH = 1.15  # 9 pt Arial characters per Excel column-width unit


class _Geometry:
    """Column widths, merged areas and row heights: how tall a row must be for its text."""

    def __init__(self, xml: str):
        self.widths: dict[int, float] = {}
        for attrs in _COL.findall(xml):
            found = dict(_ATTR.findall(attrs))
            if {"min", "max", "width"} <= set(found):
                for col in range(int(found["min"]), int(found["max"]) + 1):
                    self.widths[col] = float(found["width"])
        self.merged: dict[tuple[int, int], tuple[int, int]] = {}  # top-left -> (cols, rows)
        for c1, r1, c2, r2 in _MERGE.findall(xml):
            a, b = col_to_index(c1), col_to_index(c2)
            self.merged[(int(r1), a)] = (b - a + 1, int(r2) - int(r1) + 1)
        self.heights = {int(r): float(_HT.search(attrs).group(1))
                        for r, attrs, _ in _ROW_TAG.findall(xml) if _HT.search(attrs)}

    def fit(self, ref: str) -> tuple[int, float, int, float]:
        """(row, characters per line, rows spanned, current height) of a cell."""
        row, col = parse_a1(ref)
        cols, rows = self.merged.get((row, col), (1, 1))
        width = sum(self.widths.get(c, 8.43) for c in range(col, col + cols))
        return row, max(1.0, width * CHARS_PER_WIDTH), rows, self.heights.get(row, 15.0)


def _needed_height(fit: tuple[int, float, int, float], text: str) -> float | None:
    """Height (points) that shows ``text`` without overflow, when more than the row has."""
    _, per_line, rows, current = fit
    lines = sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))
    height = (lines * LINE_PT + 3) / rows
    return height if height > current else None


def _set_row_heights(xml: str, heights: dict[int, float]) -> str:
    """Give the rows in ``heights`` that height (only those rows are touched)."""
    rows = "|".join(str(r) for r in heights)
    pattern = re.compile(rf'<row r="({rows})"([^>]*?)(/?)>')

    def fix(match):
        row = int(match.group(1))
        attrs = re.sub(r'\s(?:ht|customHeight)="[^"]*"', "", match.group(2))
        return f'<row r="{row}"{attrs} ht="{heights[row]:.1f}" customHeight="1"{match.group(3)}>'
    return pattern.sub(fix, xml)


class _SheetPlan:
    """A sheet's XML cut into static pieces around the slots to fill."""

    def __init__(self, xml: str, refs: set[str]):
        self.geometry = _Geometry(xml)
        spans = []
        for match in re.finditer(r'<c r="([A-Z]{1,3}\d+)"([^>]*?)(/>|>(.*?)</c>)', xml, re.S):
            ref = match.group(1)
            if ref in refs:
                style = re.search(r'\ss="(\d+)"', match.group(2))
                formula = re.search(r"<f>(.*?)</f>", match.group(4) or "", re.S)
                spans.append((match.start(), match.end(), _Slot(
                    ref, style.group(1) if style else "", formula.group(1) if formula else None)))
        found = {slot.ref for _, _, slot in spans}
        self.missing = refs - found
        self.pieces: list[str] = []
        self.slots: list[_Slot] = []
        cursor = 0
        for start, end, slot in spans:
            self.pieces.append(xml[cursor:start])
            self.slots.append(slot)
            cursor = end
        self.pieces.append(xml[cursor:])
        self.fits = {slot.ref: self.geometry.fit(slot.ref) for slot in self.slots}
        # the sheet with every slot empty, and where each slot sits in it: a workbook
        # then costs work only for the cells that get a value
        parts, self.spans, offset = [self.pieces[0]], {}, len(self.pieces[0])
        for slot, piece in zip(self.slots, self.pieces[1:]):
            self.spans[slot.ref] = (offset, offset + len(slot.empty), slot)
            parts += [slot.empty, piece]
            offset += len(slot.empty) + len(piece)
        self.blank = "".join(parts)

    def render(self, values: dict[str, object]) -> str:
        spans = self.spans
        filled = sorted((spans[ref], value) for ref, value in values.items()
                        if ref in spans and value is not None)
        out, cursor = [], 0
        heights: dict[int, float] = {}
        for (start, end, slot), value in filled:
            out += [self.blank[cursor:start],
                    render_cell(slot.ref, slot.style, value, slot.formula)]
            cursor = end
            if isinstance(value, str) and len(value) > 8:
                fit = self.fits[slot.ref]
                need = _needed_height(fit, value)
                if need and need > heights.get(fit[0], 0):
                    heights[fit[0]] = min(409.0, need)
        out.append(self.blank[cursor:])
        xml = "".join(out)
        return _set_row_heights(xml, heights) if heights else xml


class CompiledTemplate:
    """A template ready to be filled many times over."""

    def __init__(self, template: Template, *, password: str | None = None):
        self.template = template
        with zipfile.ZipFile(template.path) as zf:
            parts = sheet_parts(zf)
            raw = {info.filename: zf.read(info.filename) for info in zf.infolist()}
        cells_by_sheet: dict[str, set[str]] = {}
        for fld in list(template.fields) + list(template.mirrors):
            if fld.sheet is None:
                continue
            for inst in template.instances(fld):
                cells_by_sheet.setdefault(fld.sheet, set()).add(inst.cell)
        self.plans: dict[str, _SheetPlan] = {}
        for sheet, refs in cells_by_sheet.items():
            member = parts.get(sheet)
            if member is None:
                raise TemplateError(f"Template {template.path.name}: sheet '{sheet}' tidak ada.",
                                    en=f"Template {template.path.name}: there is no sheet "
                                       f"'{sheet}'.")
            xml = raw[member].decode("utf-8")
            if password:
                xml = _protect(xml, password)
            plan = _SheetPlan(xml, refs)
            if plan.missing:
                # a restyled template may drop never-styled cells; the openpyxl path copes
                cells = ", ".join(sorted(plan.missing)[:5])
                raise TemplateError(
                    f"Template {template.path.name}: sel {cells} di sheet '{sheet}' tidak ada "
                    f"dalam XML.", code="template.cells_missing",
                    en=f"Template {template.path.name}: cells {cells} of sheet '{sheet}' are "
                       f"not in its XML.")
            self.plans[member] = plan
        self.sheet_members = {sheet: parts[sheet] for sheet in cells_by_sheet}
        self.layout = field_layout(template)
        self.order = list(raw)
        self.static = {name: _member(name, data) for name, data in raw.items()
                       if name not in self.plans}
        if password:
            for name in parts.values():
                if name not in self.plans:
                    self.static[name] = _member(name, _protect(raw[name].decode("utf-8"),
                                                               password).encode("utf-8"))

    def cell_values(self, document: dict) -> dict[str, dict[str, object]]:
        """Sheet name -> {A1: value} for every field and mirror cell of ``document``."""
        return cell_values(self.template, document, self.layout)

    def render(self, document: dict, *, moment: float | None = None) -> bytes:
        """The filled workbook as bytes."""
        values = self.cell_values(document)
        members = []
        member_to_sheet = {member: sheet for sheet, member in self.sheet_members.items()}
        for name in self.order:
            plan = self.plans.get(name)
            if plan is None:
                members.append(self.static[name])
            else:
                xml = plan.render(values.get(member_to_sheet[name], {}))
                members.append(_member(name, xml.encode("utf-8"), level=1))
        return zip_bytes(members, moment)


def field_layout(template: Template) -> list[tuple[Field, tuple, list[tuple[str, tuple, int]]]]:
    """Per field: the path of its group's list, and its cells with pre-tokenised paths and
    block numbers (computed once per template)."""
    from .document import tokens
    layout = []
    for fld in template.fields:
        head = tokens(fld.path.split("[*]")[0]) if fld.group else ()
        cells = [(inst.cell, tokens(inst.path), inst.block or 0)
                 for inst in template.instances(fld)]
        layout.append((fld, head, cells))
    return layout


def _lookup(document, steps: tuple):
    node = document
    for step in steps:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def cell_values(template: Template, document: dict, layout=None) -> dict[str, dict[str, object]]:
    """Sheet name -> {A1: value} for every field and mirror cell of ``document``."""
    out: dict[str, dict[str, object]] = {}
    by_source: dict[str, list] = {}
    for fld, head, cells in layout or field_layout(template):
        sheet_values = out.setdefault(fld.sheet, {})
        # a repeating group: look only into the blocks the document has
        items = _lookup(document, head) if head else None
        blocks = len(items) if isinstance(items, list) else (0 if head else 1)
        values = [_lookup(document, steps) if block < blocks else None
                  for _, steps, block in cells]
        for (cell, _, _), value in zip(cells, values):
            if value is not None:
                sheet_values[cell] = value
        by_source[fld.name] = values
    for mirror in template.mirrors:
        source = by_source.get(mirror.mirror, [])
        sheet_values = out.setdefault(mirror.sheet, {})
        # a mirror repeats its source cell by cell (same group, same level)
        for inst, value in zip(template.instances(mirror), source):
            if value not in (None, ""):
                sheet_values[inst.cell] = f"{mirror.prefix}{value}" if mirror.prefix else value
    return out


def _protect(xml: str, password: str) -> str:
    from openpyxl.utils.protection import hash_password
    hashed = hash_password(password)
    return re.sub(r"<sheetProtection\b(?![^>]*\bpassword=)", f'<sheetProtection password="{hashed}"',
                  xml)


def fill_with_openpyxl(template: Template, document: dict, *, password: str | None = None) -> bytes:
    """Reference path: the same filling through openpyxl (slow; used to check the fast path)."""
    import io
    from openpyxl import load_workbook

    compiled_values = cell_values(template, document)
    wb = load_workbook(template.path)
    for sheet, cells in compiled_values.items():
        ws = wb[sheet]
        for ref, value in cells.items():
            cell = ws[ref]
            if isinstance(cell.value, str) and cell.value.startswith("="):
                continue  # keep mirror formulas; openpyxl cannot store cached values
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"
    if password:
        for ws in wb.worksheets:
            if ws.protection.sheet:
                ws.protection.password = password
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
