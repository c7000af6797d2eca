"""Sheet extents, measured and clipped before python-calamine reads a sheet.

python-calamine turns a sheet into a *dense* grid spanning its outermost non-empty cells: a
2 KB xlsx with values in A1 and XFD1048576 makes it allocate ~500 GB and abort the whole
process. Extents are therefore measured first (:func:`_sheet_fits`, :class:`_OdsScan`) and
oversized sheets are rewritten to their first ``max_rows`` x ``max_cols`` cells
(:func:`_truncate_sheet`, :func:`_ods_pass` with ``out``) before calamine reads them.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Iterator
from xml.sax.handler import ContentHandler
from xml.sax.saxutils import escape, quoteattr

from defusedxml.expatreader import DefusedExpatParser

from .errors import UnreadableFileError
from .package import Limits, file_error, Package
from .sheetxml import a1, col_index, col_letter


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
            raise file_error("file.corrupt", path, "sheetData tidak ditemukan",
                             en="sheetData was not found")
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
            raise file_error("file.corrupt", path, "XML lembar tidak utuh",
                             en="the sheet's XML is incomplete")
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
                raise file_error("file.corrupt", path, f"baris {row0 + 1} tidak dapat diurai",
                                 en=f"row {row0 + 1} cannot be parsed")
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


_TEXT_ELEMENTS = frozenset(("text:p", "text:h"))   # where whitespace is content
_TEXT_CHARS = {"text:line-break": "\n", "text:tab": "\t"}   # elements standing for a character
_MAX_FORMULAS = 100_000   # formula cells noted per file (a form has a few hundred)


class _OdsScan(ContentHandler):
    """Measures each table's extent of cells with content, reads named ranges, and notes
    the cells holding a formula (``formulas``: table -> {(row, col)}, 1-based).

    With ``out`` it also writes content.xml again, clipped to the limits: repeated rows and
    cells beyond them are cut, which is where a tiny .ods hides millions of cells; and
    whitespace between elements outside paragraphs (the indentation Gnumeric writes, which
    python-calamine 0.9 cannot read inside a table row) is dropped, and line breaks and
    tabs written as elements (Gnumeric again; calamine drops them) become the characters
    LibreOffice shows. ``reshape`` says the first pass saw either.
    """

    def __init__(self, lim: Limits, out: io.StringIO | None = None):
        super().__init__()
        self.lim, self.out = lim, out
        self.extent: dict[str, list[int]] = {}     # table -> [rows, cols] with content
        self.names: dict[str, tuple[str, str]] = {}
        self.local_names: dict[str, tuple[str, str]] = {}
        self.formulas: dict[str, set[tuple[int, int]]] = {}
        self.table, self.row, self.col, self.skip = "", 0, 0, 0
        self.row_has = self.cell_has = False
        self.in_row, self.in_text, self.reshape = False, 0, False
        self.row_start = self.formula_count = 0

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
            self.in_row, self.row_start = True, start
            if self.out is not None:
                if start >= lim.max_rows:
                    self.skip = 1
                    return
                attrs["table:number-rows-repeated"] = str(min(self.row, lim.max_rows) - start)
        elif name in ("table:table-cell", "table:covered-table-cell"):
            start = self.col
            self.col += _repeat(attrs.get("table:number-columns-repeated"))
            self.cell_has = any(k.startswith("office:") for k in attrs.keys())
            if "table:formula" in attrs:
                self._formula(start)
            if self.out is not None:
                if start >= lim.max_cols:
                    self.skip = 1
                    return
                attrs["table:number-columns-repeated"] = str(min(self.col, lim.max_cols) - start)
        elif name in _TEXT_ELEMENTS:
            self.cell_has = True
            self.in_text += 1
        elif name in _TEXT_CHARS:
            self.reshape = True
            if self.out is not None:
                self.out.write(_TEXT_CHARS[name])
            return
        elif name in ("table:named-range", "table:named-expression"):
            target = _ods_range(attrs.get("table:cell-range-address")
                                or attrs.get("table:expression", ""))
            if target:
                (self.local_names if self.table else self.names)[attrs["table:name"]] = target
        if self.out is not None:
            self.out.write(f"<{name}" + "".join(f" {k}={quoteattr(v)}" for k, v in attrs.items())
                           + ">")

    def _formula(self, start: int) -> None:
        """Note the cells of a formula cell element (repeated ones too, up to a bound)."""
        rows = range(self.row_start + 1, min(self.row, self.lim.max_rows) + 1)
        cols = range(start + 1, min(self.col, self.lim.max_cols) + 1)
        if self.formula_count + len(rows) * len(cols) <= _MAX_FORMULAS:
            self.formula_count += len(rows) * len(cols)
            self.formulas.setdefault(self.table, set()).update(
                (row, col) for row in rows for col in cols)

    def endElement(self, name: str) -> None:
        if self.skip:
            self.skip -= 1
            return
        if name in _TEXT_CHARS:
            return
        ext = self.extent.get(self.table, [0, 0])
        if name in ("table:table-cell", "table:covered-table-cell") and self.cell_has:
            self.row_has, ext[1] = True, max(ext[1], self.col)
        elif name == "table:table-row":
            self.in_row = False
            if self.row_has:
                ext[0] = max(ext[0], self.row)
        elif name in _TEXT_ELEMENTS:
            self.in_text -= 1
        elif name == "table:table":
            self.table = ""
        if self.out is not None:
            self.out.write(f"</{name}>")

    def characters(self, content: str) -> None:
        if not self.in_text and content.isspace():
            self.reshape = self.reshape or self.in_row
            return
        if self.out is not None and not self.skip:
            self.out.write(escape(content))


def _ods_pass(pkg: Package, out: io.StringIO | None = None) -> _OdsScan:
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
        raise file_error("file.corrupt", pkg.path, f"content.xml: {e}") from None
    return handler


def _rebuild(pkg: Package, replace: dict[str, bytes], keep) -> io.BytesIO:
    """An in-memory copy of the package with parts replaced, for calamine to read."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for name in pkg.zip.namelist():
            if name in replace or keep(name):
                zf.writestr(name, replace.get(name) or pkg.read(name, xml=False))
    buf.seek(0)
    return buf
