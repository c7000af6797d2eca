"""How a filled form prints: which rows show, where pages break, what headers and footers say.

The writer asks this module, per workbook, three things it cannot copy from the template:

- **rows to hide**: a collapsible group (manifest ``blank_blocks``) shows the blocks and
  rows the document fills, or ``blank_blocks`` whole blocks when it fills none;
- **page breaks**: rows are laid on pages of the sheet's paper, at the scale "fit to one
  page wide" gives, and a page never ends inside a merged block of a group or a ``keep``
  range, nor between a ``keep`` and the rows it goes ``with``; a ``soft`` keep (a table
  kept whole if it fits) gives way only where nothing better is on the page;
- **page texts**: ``{field}`` placeholders in headers and footers become that field's value.

Everything comes from data: the manifest's groups and keeps, the sheet's page setup and
column widths, the row heights the writer sets. Nothing here knows a coordinate.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from .manifest import Template, col_to_index

#: paper sizes (points, portrait) by SpreadsheetML ``paperSize``; 1 (Letter) is the default
PAPER = {1: (612.0, 792.0), 5: (612.0, 1008.0), 8: (841.89, 1190.55), 9: (595.28, 841.89),
         11: (419.53, 595.28)}
#: a page is filled to this share of its height: row heights and column widths are
#: converted a little differently by Excel and LibreOffice, and an automatic break those
#: programs add before ours would leave a page with one block on it
SAFETY = 0.985
HARD, GLUE, SOFT, FREE = 3, 2, 1, 0   # what a page break between two rows costs
MAX_TEXT = 255               # Excel's limit for one header or footer string

_ATTRS = re.compile(r'(\w+)="([^"]*)"')

#: advance widths (1/1000 em) of Arial's printable ASCII characters, from space to ``~``
#: (the metrics Liberation Sans and Nimbus Sans share); other characters count as a digit
ARIAL = (278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556,
         556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667,
         667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722,
         667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500,
         556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278,
         556, 500, 722, 500, 500, 500, 334, 260, 334, 584)
LINE = 1.28      # line height / font size of wrapped text (Excel: 11.5 pt for 9 pt Arial)
PADDING = 4.0    # points of a cell's width that text does not use (both sides)


def _attrs(xml: str, tag: str) -> dict[str, str]:
    match = re.search(rf"<{tag}\b([^>]*)/?>", xml)
    return dict(_ATTRS.findall(match.group(1))) if match else {}


_UNITS = tuple(ARIAL[code - 32] if 32 <= code < 127 else 556 for code in range(256))


def _units(text: str) -> int:
    """Width of ``text`` in 1/1000 em (characters beyond Latin-1 count as a digit)."""
    return sum(map(_UNITS.__getitem__, text.encode("latin-1", "replace")))


def text_width(text: str, size: float) -> float:
    """Printed width (points) of ``text`` in Arial of ``size`` points."""
    return _units(text) * size / 1000


def wrapped_lines(text: str, width: float, size: float) -> int:
    """Lines ``text`` takes when wrapped at word boundaries in a cell ``width`` points
    wide (text area), in Arial of ``size`` points (a word longer than a line is broken)."""
    limit = width * 1000 / size
    space = _UNITS[32]
    lines = 0
    for part in text.split("\n"):
        lines += 1
        if _units(part) <= limit:     # most cells: one line, no need to look at words
            continue
        used = 0
        for word in part.split(" "):
            size_of = _units(word)
            if used and used + space + size_of > limit:
                lines += 1
                used = 0
            used += size_of + (space if used else 0)
            while used > limit:
                lines += 1
                used -= limit
    return lines


def column_points(width: float) -> float:
    """Printed width of a column of Excel width ``width`` (characters of the default
    11-point font, 7 pixels each), in points."""
    return math.floor((256 * width + math.floor(128 / 7)) / 256 * 7) * 0.75


def style_font_sizes(styles_xml: str) -> list[float]:
    """Font size of each cell style (``s`` attribute) of a workbook's ``styles.xml``."""
    fonts = [float(m.group(1)) if m else 11.0 for m in
             (re.search(r'<sz val="([\d.]+)"', f) for f in
              re.findall(r"<font\b.*?</font>|<font\b[^>]*/>", _section(styles_xml, "fonts"),
                         re.S))]
    sizes = []
    for xf in re.findall(r"<xf\b[^>]*>", _section(styles_xml, "cellXfs")):
        font = int(dict(_ATTRS.findall(xf)).get("fontId", "0"))
        sizes.append(fonts[font] if font < len(fonts) else 11.0)
    return sizes


def _section(xml: str, tag: str) -> str:
    match = re.search(rf"<{tag}\b.*?</{tag}>", xml, re.S)
    return match.group(0) if match else ""


def page_capacity(xml: str, widths: dict[int, float], first_col: int, last_col: int
                  ) -> float | None:
    """The height of sheet rows (points) one printed page holds, or None when the sheet is
    not fitted to the paper width (its pages then are whatever the program makes)."""
    setup, margins = _attrs(xml, "pageSetup"), _attrs(xml, "pageMargins")
    fit = _attrs(xml, "pageSetUpPr").get("fitToPage") in ("1", "true")
    if not fit or setup.get("fitToWidth", "1") == "0":
        return None
    width, height = PAPER.get(int(setup.get("paperSize", "1")), PAPER[1])
    if setup.get("orientation") == "landscape":
        width, height = height, width
    inch = {k: float(margins.get(k, v)) * 72 for k, v in
            (("left", 0.7), ("right", 0.7), ("top", 0.75), ("bottom", 0.75))}
    body_width = width - inch["left"] - inch["right"]
    body_height = height - inch["top"] - inch["bottom"]
    content = sum(column_points(widths.get(c, 8.43)) for c in range(first_col, last_col + 1))
    pages_wide = int(setup.get("fitToWidth", "1"))
    scale = min(1.0, math.floor(100 * pages_wide * body_width / content) / 100) if content \
        else 1.0
    return body_height / scale * SAFETY


@dataclass
class SheetPaper:
    """What one sheet's printing depends on, known when the template is compiled."""

    first_row: int
    last_row: int
    capacity: float | None
    heights: dict[int, float]
    default_height: float
    #: row -> (group id, block) for the rows of repeating groups (a block never splits)
    block_of: dict[int, tuple[str, int]] = field(default_factory=dict)
    #: collapsible groups here: (group id, first row, rows per block, blocks, blank blocks)
    collapsible: list[tuple[str, int, int, int, int]] = field(default_factory=list)
    keeps: list[tuple[int, int, tuple[str, ...], bool]] = field(default_factory=list)

    def hidden_rows(self, shown: dict[str, dict[int, int]]) -> set[int]:
        """Rows of collapsible groups to hide, given per group ``block -> rows shown``."""
        every = set()
        for _, top, per, blocks, _ in self.collapsible:
            every.update(range(top, top + per * blocks))
        return every - self.shown_rows(shown)

    def shown_rows(self, shown: dict[str, dict[int, int]]) -> set[int]:
        """Rows of collapsible groups that show (filled, or the blank blocks)."""
        rows: set[int] = set()
        for gid, top, per, blocks, blank in self.collapsible:
            visible = shown.get(gid) or {b: per for b in range(min(blank, blocks))}
            for block, count in visible.items():
                start = top + block * per
                rows.update(range(start, start + count))
        return rows

    def breaks(self, hidden: set[int], heights: dict[int, float]) -> list[int]:
        """Rows after which a new page starts (``<brk id>``), empty when all fits on one."""
        if self.capacity is None:
            return []
        own, default = self.heights, self.default_height
        rows = [r for r in range(self.first_row, self.last_row + 1) if r not in hidden]
        size = [heights.get(r) or own.get(r, default) for r in rows]
        if sum(size) <= self.capacity:
            return []
        out, start, used = [], 0, 0.0
        for i, h in enumerate(size):
            if used + h <= self.capacity or i == start:
                used += h
                continue
            cut = self._cut(rows, size, start, i)
            out.append(rows[cut] - 1)
            start, used = cut, sum(size[cut:i + 1])
        return out

    def _cut(self, rows: list[int], size: list[float], start: int, stop: int) -> int:
        """Where to start the next page when row ``stop`` overflows the page begun at
        ``start``: the last free boundary on it, unless what follows it up to the next free
        boundary (a soft keep and what is glued to it) would not fit a page either; then
        the last soft boundary; then the last glued one (what is glued together cannot fit
        one page); failing all, ``stop``."""
        last: dict[int, int] = {}
        for j in range(stop, start, -1):
            cost = self.cost(rows[j - 1], rows[j])
            last.setdefault(cost, j)
            if cost == FREE:
                break
        free, soft = last.get(FREE), last.get(SOFT)
        if free is not None and soft is not None:
            end = stop
            while end + 1 < len(rows) and self.cost(rows[end], rows[end + 1]) != FREE:
                end += 1
            if sum(size[free:end + 1]) > self.capacity:
                return soft
        for cost in (FREE, SOFT, GLUE):
            if cost in last:
                return last[cost]
        return stop

    def cost(self, above: int, below: int) -> int:
        """What a page break between the printed rows ``above`` and ``below`` costs."""
        block = self.block_of.get(above)
        below_block = self.block_of.get(below)
        if block is not None and block == below_block:
            return HARD
        cost = FREE
        for first, last, glue, soft in self.keeps:
            if first <= above and below <= last:
                if not soft:
                    return HARD
                cost = max(cost, SOFT)
            elif first <= above <= last < below:     # the keep's last printed row
                if "next" in glue or (below_block is not None and below_block[0] in glue):
                    cost = GLUE
            elif above < first <= below <= last and "previous" in glue:
                cost = GLUE
        return cost


def sheet_paper(template: Template, sheet: str, xml: str, print_area: str | None,
                geometry) -> SheetPaper | None:
    """The :class:`SheetPaper` of ``sheet`` (its XML and the writer's geometry of it), or
    None when it has no print area."""
    if not print_area:
        return None
    first, _, last = print_area.replace("$", "").partition(":")
    row1, col1 = _split(first)
    row2, col2 = _split(last or first)
    default = float(_attrs(xml, "sheetFormatPr").get("defaultRowHeight", "15"))
    paper = SheetPaper(row1, row2, page_capacity(xml, geometry.widths, col1, col2),
                       dict(geometry.heights), default)
    seen: set[str] = set()
    for fld in list(template.fields) + list(template.mirrors):
        if fld.sheet != sheet or not fld.group or fld.group in seen:
            continue
        seen.add(fld.group)
        group = template.groups[fld.group]
        for block in range(group.blocks):
            start = fld.row + block * group.rows_per_block
            for row in range(start, start + group.rows_per_block):
                paper.block_of[row] = (group.id, block)
        if group.blank_blocks is not None:
            paper.collapsible.append((group.id, fld.row, group.rows_per_block, group.blocks,
                                      group.blank_blocks))
    paper.keeps = [(k.first, k.last, k.with_, k.soft) for k in template.keeps
                   if k.sheet == sheet and k.first]
    return paper


def _split(ref: str) -> tuple[int, int]:
    letters = "".join(ch for ch in ref if ch.isalpha())
    return int(ref[len(letters):]), col_to_index(letters.upper())


def shown_blocks(template: Template, filled: dict[str, set[tuple[int, int | None]]]
                 ) -> dict[str, dict[int, int]]:
    """Per collapsible group, ``block -> rows to show`` from the (block, item) cells the
    document fills (item None: a block-level cell); empty when it fills none."""
    out = {}
    for gid, cells in filled.items():
        group = template.groups[gid]
        shown: dict[int, int] = {}
        for block, item in cells:
            shown[block] = max(shown.get(block, 1), (item or 0) + 1)
        out[gid] = {b: min(n, group.rows_per_block) for b, n in shown.items()}
    return out


# --- headers and footers ----------------------------------------------------------------

PLACEHOLDER = re.compile(r"\{(\w+)\}")
_HF_PART = re.compile(r"<(oddHeader|oddFooter|evenHeader|evenFooter|firstHeader|firstFooter)>"
                      r"(.*?)</\1>", re.S)
_OOXML_CHAR = re.compile("_x([0-9A-Fa-f]{4})_")
#: a font size code, the space after it, then a placeholder, or other text (not a digit)
_SIZE_SPACE = re.compile(r"(?<!&)(&\d+) \{(\w+)\}")
_SIZE_SPACE_TEXT = re.compile(r"(?<!&)(&\d+) (?=[^\d\s{&])")


def fill_text(text: str, values: dict[str, str]) -> str:
    """A header/footer string with ``{name}`` replaced by ``values[name]`` (``&`` doubled,
    as the header codes want), shortened to Excel's 255 characters by trimming the
    longest value."""
    found = {name: values.get(name, "") for name in PLACEHOLDER.findall(text)}
    if not found:
        return text
    # a font size code (``&8``) ends at the first non-digit: the space openpyxl writes after
    # it would print before the text, so it stays only where a value starts with a digit
    text = _SIZE_SPACE.sub(lambda m: m.group(1) + (" " if found[m.group(2)][:1].isdigit()
                                                   else "") + "{" + m.group(2) + "}", text)
    text = _SIZE_SPACE_TEXT.sub(r"\1", text)
    while True:
        out = PLACEHOLDER.sub(lambda m: found[m.group(1)].replace("&", "&&"), text)
        excess = len(_OOXML_CHAR.sub("x", out)) - MAX_TEXT
        longest = max(found, key=lambda n: len(found[n]))
        if excess <= 0 or len(found[longest]) <= 1:
            return out
        found[longest] = found[longest][:max(1, len(found[longest]) - excess - 1)] + "…"


def split_header_footer(fragment: str) -> list[tuple[str, str | None]]:
    """The ``<headerFooter>`` XML ``fragment`` as pieces to join: fixed XML (text None),
    and the unescaped text of each header/footer string holding a placeholder, to be
    filled (:func:`fill_text`) and escaped."""
    pieces: list[tuple[str, str | None]] = []
    cursor = 0
    for match in _HF_PART.finditer(fragment):
        text = html.unescape(match.group(2))
        if PLACEHOLDER.search(text):
            pieces.append((fragment[cursor:match.start(2)], None))
            pieces.append(("", text))
            cursor = match.end(2)
    pieces.append((fragment[cursor:], None))
    return pieces


def header_value(value) -> str:
    """A field value as a page header shows it: one line of text."""
    if value is None:
        return ""
    return " ".join(str(value).split())
