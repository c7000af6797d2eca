"""The "Evaluasi Triwulan" sheet of an annual evaluation workbook: a generated sheet.

An annual evaluation workbook is the same template as a quarter's (period ``2025``), so
``validate`` and ``merge`` read it like one. For the assessor it has one sheet more, added
after rendering: the year's four quarters, read-only (the sheet is protected and every cell
locked). It is not part of the template (quarterly workbooks stay as they are); what it
holds is declared as data, by the defined names it brings (:data:`NAMES`):

- ``tw_triwulan``, ``tw_rating_hasil_kerja``, ``tw_rating_perilaku``, ``tw_predikat``: one
  cell per quarter (4 rows) — the quarter, its two ratings and its predikat, or
  "tidak ada" (no evaluation of that quarter) / "tidak sah" (its workbook does not validate);
- ``tw_indikator``, ``tw_realisasi``: one row per IKI of the year's plan, the realisasi of
  quarters I..IV in four columns (``tw_realisasi`` spans them); where the plan has
  tambahan results, a heading row (empty in these columns) starts each section;
- ``tw_sidik``: SHA-256 of the values above as written, so ``validate`` can tell when
  someone changed the sheet (``annual.quarters_changed``).

It prints with the form (``export pdf`` prints it after the Dokumen Evaluasi): A4
landscape, fitted to the page width, 9-point text, the same headers and footers as the
Evaluasi sheet (agency, unit, period with its dates, "Halaman N dari M", the employee's
name and NIP). Only this module knows where its cells are.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from xml.sax.saxutils import escape

from .annual import INVALID, MISSING
from .paper import LINE, PADDING, column_points, wrapped_lines
from .writer import row_breaks_xml
from .problems import WARNING, Problem, define
from .sheetxml import a1, parse_a1
from .textfmt import number

define("annual.quarters_changed", WARNING,
       "Isi sheet {sheet} diubah: lembar itu diisi skpxl dari evaluasi triwulan dan tidak "
       "untuk diubah. Evaluasi tahunan tetap diperiksa seperti biasa; minta file asli bila "
       "angka triwulan diperlukan.",
       "The {sheet} sheet was changed: skpxl filled it from the quarterly evaluations and it "
       "is not to be edited. The annual evaluation is checked as usual; ask for the original "
       "file when the quarters' figures matter.")

SHEET = "Evaluasi Triwulan"
#: the names the sheet brings (see the module docstring)
NAMES = ("tw_triwulan", "tw_rating_hasil_kerja", "tw_rating_perilaku", "tw_predikat",
         "tw_indikator", "tw_realisasi", "tw_sidik")
#: column widths (characters) of A..I; the hidden column K holds ``tw_sidik``
WIDTHS = (4.5, 30, 34, 9, 10, 11, 11, 11, 11)
#: the same where targets or realisasi are sentences (kualitatif): wider quarter columns
TEXT_WIDTHS = (4.5, 21, 23, 13.5, 8, 16.5, 16.5, 16.5, 16.5)
LAST = "I"
FONT = 9.0
#: the page: A4 landscape (points), margins (inches) as the form's other sheets have them
PAGE_WIDTH, PAGE_HEIGHT = 841.89, 595.28
MARGIN_SIDE, MARGIN_TOP = 0.4, 0.5
SAFETY = 0.985   # as skpxl.paper: Excel and LibreOffice convert heights a little differently
NS = ('xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
WORKSHEET_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"

TEXT = {
    "id": {"title": "EVALUASI KINERJA TRIWULAN SEBAGAI BAHAN EVALUASI KINERJA TAHUNAN",
           "identity": ("NAMA", "NIP", "JABATAN", "UNIT KERJA", "PEJABAT PENILAI KINERJA"),
           "a": "A. HASIL EVALUASI TRIWULAN",
           "a_head": ("TRIWULAN", "PERIODE", "RATING HASIL KERJA", "RATING PERILAKU KERJA",
                      "PREDIKAT KINERJA PEGAWAI"),
           "b": "B. REALISASI INDIKATOR KINERJA INDIVIDU PER TRIWULAN",
           "b_head": ("NO", "RENCANA HASIL KERJA", "INDIKATOR KINERJA INDIVIDU", "TARGET",
                      "SATUAN", "TW I", "TW II", "TW III", "TW IV"),
           "utama": "HASIL KERJA UTAMA", "tambahan": "HASIL KERJA TAMBAHAN",
           "no_plan": "Tidak ada rencana hasil kerja dari evaluasi triwulan.",
           "note": ("Lembar ini diisi skpxl dari evaluasi triwulan yang dikembalikan dan "
                    "dikunci; tidak perlu diisi. 'tidak ada': evaluasi triwulan itu tidak "
                    "ada; 'tidak sah': file evaluasi triwulan itu tidak lolos pemeriksaan; "
                    "'–': IKI ini tidak ada pada triwulan itu. Rating dan predikat tahunan "
                    "ditentukan pejabat penilai di sheet Evaluasi, dengan mempertimbangkan "
                    "evaluasi triwulan ini.")},
    "en": {"title": "QUARTERLY PERFORMANCE EVALUATIONS FOR THE ANNUAL EVALUATION",
           "identity": ("NAME", "NIP", "POSITION", "WORK UNIT", "ASSESSOR"),
           "a": "A. QUARTERLY EVALUATIONS",
           "a_head": ("QUARTER", "PERIOD", "RATING OF WORK RESULTS", "RATING OF BEHAVIOUR",
                      "PERFORMANCE PREDIKAT"),
           "b": "B. REALISASI OF EACH INDIVIDUAL PERFORMANCE INDICATOR PER QUARTER",
           "b_head": ("NO", "PLANNED WORK RESULT", "INDICATOR", "TARGET", "UNIT", "Q I",
                      "Q II", "Q III", "Q IV"),
           "utama": "MAIN WORK RESULTS", "tambahan": "ADDITIONAL WORK RESULTS",
           "no_plan": "No planned work results in the quarterly evaluations.",
           "note": ("skpxl filled this sheet from the returned quarterly evaluations and "
                    "locked it; nothing to fill in. 'none': no evaluation of that quarter; "
                    "'not valid': that quarter's workbook did not pass the checks; '–': the "
                    "indicator is not in that quarter. The annual ratings and predikat are "
                    "the assessor's, on the Evaluasi sheet, with these quarters in view.")},
}

# the styles the sheet adds to the workbook's own (fonts, fills, borders, then cell formats)
_FONTS = ('<font><name val="Arial"/><b val="1"/><sz val="11"/></font>',
          '<font><name val="Arial"/><sz val="9"/></font>',
          '<font><name val="Arial"/><b val="1"/><sz val="9"/></font>',
          '<font><name val="Arial"/><i val="1"/><sz val="9"/></font>')
_FILLS = ('<fill><patternFill patternType="solid"><fgColor rgb="00D9D9D9"/></patternFill></fill>',)
_THIN = '<{0} style="thin"><color rgb="00000000"/></{0}>'
_BORDERS = ("<border>" + "".join(_THIN.format(s) for s in ("left", "right", "top", "bottom"))
            + "<diagonal/></border>",)
#: style name -> (font, fill or None, border or None, horizontal alignment)
_STYLES = {"title": (0, None, None, "center"), "sub": (1, None, None, "center"),
           "label": (2, None, None, "left"), "text": (1, None, None, "left"),
           "head": (2, 0, 0, "center"), "cell": (1, None, 0, "left"),
           "mid": (1, None, 0, "center"), "status": (3, None, 0, "center"),
           "section": (2, None, 0, "left"), "note": (3, None, None, "left")}


def _extend(xml: str, tag: str, items: tuple[str, ...], item: str) -> tuple[str, int]:
    """``xml`` with ``items`` appended to its ``<tag>`` list of ``<item>`` elements; the
    index of the first."""
    match = re.search(rf"<{tag}\b([^>]*)>(.*?)</{tag}>", xml, re.S)
    if match is None:
        raise ValueError(f"styles.xml has no <{tag}>")
    first = len(re.findall(rf"<{item}\b", match.group(2)))
    attrs = re.sub(r'\s*count="\d+"', "", match.group(1))
    block = f'<{tag}{attrs} count="{first + len(items)}">{match.group(2)}{"".join(items)}</{tag}>'
    return xml[:match.start()] + block + xml[match.end():], first


def extend_styles(styles_xml: str) -> tuple[str, dict[str, int]]:
    """The workbook's ``styles.xml`` with the sheet's styles added; style name -> ``s``."""
    xml, font = _extend(styles_xml, "fonts", _FONTS, "font")
    xml, fill = _extend(xml, "fills", _FILLS, "fill")
    xml, border = _extend(xml, "borders", _BORDERS, "border")
    xfs = []
    for f, fi, b, horizontal in _STYLES.values():
        xfs.append(f'<xf numFmtId="0" fontId="{font + f}" fillId="{0 if fi is None else fill + fi}"'
                   f' borderId="{0 if b is None else border + b}" xfId="0" applyFont="1"'
                   f' applyAlignment="1"><alignment horizontal="{horizontal}" vertical="top"'
                   f' wrapText="1"/></xf>')
    xml, first = _extend(xml, "cellXfs", tuple(xfs), "xf")
    return xml, {name: first + i for i, name in enumerate(_STYLES)}


def shown(value, lang: str) -> str:
    """A realisasi or target as the sheet prints it (numbers in the language's format)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return number(value, lang)
    return str(value)


class _Sheet:
    """Rows of cells (text only), merges, row heights and named ranges being laid out."""

    def __init__(self, styles: dict[str, int], widths: tuple[float, ...] = WIDTHS):
        self.styles = styles
        self.widths = widths
        self.rows: list[list[tuple[str, str, str]]] = []   # (col, text, style)
        self.merges: list[str] = []
        self.heights: list[float] = []
        self.names: dict[str, str] = {}
        self.glued: set[int] = set()    # rows a page must not end with (titles, headings)
        self.titles: int | None = None  # the row repeated atop continuation pages

    @property
    def row(self) -> int:
        return len(self.rows)

    def add(self, cells: list[tuple[str, str | None, str, str | None]], *,
            glued: bool = False) -> int:
        """One row: (first col, text, style, last col of a merge or None); a ``glued`` row
        stays on the page of the row after it."""
        self.rows.append([])
        lines = 1
        for col, text, style, last in cells:
            text = "" if text is None else str(text)
            self.rows[-1].append((col, text, style))
            if last:
                self.merges.append(f"{col}{self.row}:{last}{self.row}")
            width = sum(column_points(self.widths[i]) for i in range(
                ord(col) - 65, ord(last or col) - 64)) - PADDING
            size = 11.0 if style == "title" else 8.0 if style == "note" else FONT
            lines = max(lines, (wrapped_lines(text, width, size) if text else 1) * size / FONT)
        self.heights.append(max(14.0, lines * LINE * FONT + 4))
        if glued:
            self.glued.add(self.row)
        return self.row

    def breaks(self) -> list[int]:
        """Rows after which a page ends: pages as full as the paper allows at the scale
        "fit to one page wide" gives, never ending with a glued row; continuation pages
        lose the height of the repeated heading row."""
        width = sum(column_points(w) for w in self.widths)
        scale = min(1.0, (PAGE_WIDTH - 2 * 72 * MARGIN_SIDE) / width)
        capacity = (PAGE_HEIGHT - 2 * 72 * MARGIN_TOP) * SAFETY / scale
        out, used, start = [], 0.0, 1
        row = 1
        while row <= self.row:
            height = self.heights[row - 1]
            if used + height > capacity and row > start:
                end = row - 1
                while end > start and end in self.glued:
                    end -= 1
                out.append(end)
                start = end + 1
                repeat = self.titles is not None and self.titles <= end
                used = self.heights[self.titles - 1] if repeat else 0.0
                row = start
                continue
            used += height
            row += 1
        return out

    def blank(self) -> None:
        self.rows.append([])
        self.heights.append(8.0)

    def sidik(self) -> str:
        cells = {f"{col}{number_}": text for number_, row in enumerate(self.rows, start=1)
                 for col, text, _ in row}
        return sidik(named_texts(self.names, cells.get))

    def xml(self, header_footer: str) -> str:
        out = []
        for number_, (cells, height) in enumerate(zip(self.rows, self.heights), start=1):
            xml = "".join(_cell(f"{c}{number_}", self.styles[s], t) for c, t, s in cells)
            if number_ == 1:
                xml += _cell("K1", self.styles["text"], self.sidik())
            out.append(f'<row r="{number_}" ht="{height:.2f}" customHeight="1">{xml}</row>')
        cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                       for i, w in enumerate(self.widths, start=1))
        cols += '<col min="11" max="11" width="9" hidden="1" customWidth="1"/>'
        merges = "".join(f'<mergeCell ref="{m}"/>' for m in self.merges)
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {NS}>'
                f'<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
                f'<dimension ref="A1:K{self.row}"/>'
                f'<sheetViews><sheetView showGridLines="0" workbookViewId="0"/></sheetViews>'
                f'<sheetFormatPr defaultRowHeight="12.75"/><cols>{cols}</cols>'
                f'<sheetData>{"".join(out)}</sheetData>'
                f'<sheetProtection sheet="1" objects="1" scenarios="1" formatColumns="0"'
                f' formatRows="0"/>'
                f'<mergeCells count="{len(self.merges)}">{merges}</mergeCells>'
                f'<printOptions horizontalCentered="1"/>'
                f'<pageMargins left="0.4" right="0.4" top="0.5" bottom="0.5" header="0.2"'
                f' footer="0.2"/>'
                f'<pageSetup paperSize="9" orientation="landscape" fitToWidth="1"'
                f' fitToHeight="0"/>{header_footer}{row_breaks_xml(self.breaks())}</worksheet>')


def _cell(ref: str, style: int, text: str) -> str:
    if not text:
        return f'<c r="{ref}" s="{style}"/>'
    return (f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">'
            f'{escape(text)}</t></is></c>')


def named_texts(names: dict[str, str], value) -> list[list[str]]:
    """The texts of the cells of each of :data:`NAMES` (but ``tw_sidik``) found in
    ``names`` (name -> A1 range), row by row; ``value(ref)`` reads one cell."""
    out = []
    for name in NAMES[:-1]:
        ref = names.get(name)
        if not ref:
            continue
        first, _, last = ref.replace("$", "").partition(":")
        (row1, col1), (row2, col2) = parse_a1(first), parse_a1(last or first)
        for row in range(row1, row2 + 1):
            out.append([_text(value(a1(row, col))) for col in range(col1, col2 + 1)])
    return out


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def sidik(texts: list[list[str]]) -> str:
    """SHA-256 of the named cells' texts (:func:`named_texts`)."""
    data = json.dumps(texts, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def check(wb) -> list[Problem]:
    """``annual.quarters_changed`` when the quarters' sheet of workbook ``wb`` (a
    :class:`skpxl.reader.WorkbookValues`) no longer shows what skpxl wrote; nothing for a
    workbook without the sheet."""
    names = {name: ref for name, (sheet, ref) in wb.defined_names.items()
             if name in NAMES and sheet == SHEET}
    if SHEET not in wb.sheet_names or "tw_sidik" not in names:
        return []
    written = _text(wb.value(SHEET, names["tw_sidik"].replace("$", "")))
    if written == sidik(named_texts(names, lambda ref: wb.value(SHEET, ref))):
        return []
    return [Problem("annual.quarters_changed", {"sheet": SHEET}, sheet=SHEET)]


def layout(view: dict, document: dict, styles: dict[str, int], lang: str = "id") -> _Sheet:
    """The sheet for ``view`` (:meth:`skpxl.annual.YearSources.view_for`) of the employee
    of ``document``."""
    t = TEXT["en" if lang == "en" else "id"]
    sentences = any(len(shown(v, lang)) > 12 for r in view["rows"]
                    for v in (r["target"], *r["realisasi"]))
    sheet = _Sheet(styles, TEXT_WIDTHS if sentences else WIDTHS)
    periode = document.get("periode") or {}
    sheet.add([("A", t["title"], "title", LAST)])
    sheet.add([("A", periode.get("judul") or "", "sub", LAST)])
    sheet.blank()
    pegawai, penilai = document.get("pegawai") or {}, document.get("penilai") or {}
    values = (pegawai.get("nama"), pegawai.get("nip"), pegawai.get("jabatan"),
              pegawai.get("unit_kerja"),
              " · ".join(v for v in (penilai.get("nama"), penilai.get("nip") and
                                     f"NIP {penilai['nip']}") if v))
    for label, value in zip(t["identity"], values):
        sheet.add([("A", label, "label", "B"), ("C", f": {value or ''}", "text", LAST)])
    sheet.blank()
    sheet.add([("A", t["a"], "label", LAST)], glued=True)
    head = t["a_head"]
    sheet.add([("A", head[0], "head", "B"), ("C", head[1], "head", None),
               ("D", head[2], "head", "E"), ("F", head[3], "head", "G"),
               ("H", head[4], "head", "I")], glued=True)
    first = sheet.row + 1
    for q in view["quarters"]:
        style = "mid" if q["status"] == "sah" else "status"
        sheet.add([("A", q["heading"], "cell", "B"), ("C", q["dates"], "cell", None),
                   ("D", q["rating_hasil_kerja"], style, "E"),
                   ("F", q["rating_perilaku"], style, "G"), ("H", q["predikat"], style, "I")])
    last = sheet.row
    for name, col in (("tw_triwulan", "A"), ("tw_rating_hasil_kerja", "D"),
                      ("tw_rating_perilaku", "F"), ("tw_predikat", "H")):
        sheet.names[name] = f"${col}${first}:${col}${last}"
    sheet.blank()
    sheet.add([("A", t["b"], "label", LAST)], glued=True)
    sheet.titles = sheet.add([(chr(65 + i), text, "head", None)
                              for i, text in enumerate(t["b_head"])], glued=True)
    first = sheet.row + 1
    rows = view["rows"]
    if not rows:
        sheet.add([("A", t["no_plan"], "cell", LAST)])
    counter = 0
    for section in ("utama", "tambahan"):
        part = [r for r in rows if r["section"] == section]
        if part and any(r["section"] == "tambahan" for r in rows):
            sheet.add([("A", t[section], "section", LAST)], glued=True)
        previous = None
        for row in part:
            new_rhk = row["rhk"] != previous
            counter += new_rhk
            previous = row["rhk"]
            cells = [("A", str(counter) if new_rhk else "", "mid", None),
                     ("B", row["rhk"] if new_rhk else "", "cell", None),
                     ("C", row["indikator"], "cell", None),
                     ("D", shown(row["target"], lang), "mid", None),
                     ("E", row["satuan"], "cell", None)]
            for i, value in enumerate(row["realisasi"]):
                status = value in _STATUS_WORDS
                cells.append((chr(70 + i), shown(value, lang), "status" if status else "mid",
                              None))
            sheet.add(cells)
    if rows:
        sheet.names["tw_indikator"] = f"$C${first}:$C${sheet.row}"
        sheet.names["tw_realisasi"] = f"$F${first}:$I${sheet.row}"
    sheet.blank()
    sheet.add([("A", t["note"], "note", LAST)])
    sheet.names["tw_sidik"] = "$K$1"
    return sheet


#: what a quarter without numbers shows (:data:`skpxl.annual.MISSING`, ``INVALID``)
_STATUS_WORDS = (*MISSING.values(), *INVALID.values(), "–")


def quarter_ratings(path) -> list[tuple[str, str]]:
    """(rating hasil kerja, rating perilaku) of each valid quarter the workbook at ``path``
    shows on its quarters' sheet, in quarter order; [] without the sheet."""
    from .domain import RATINGS
    from .reader import read_workbook
    wb = read_workbook(path)
    names = {name: ref for name, (sheet, ref) in wb.defined_names.items()
             if name in NAMES and sheet == SHEET}
    if SHEET not in wb.sheet_names or not {"tw_rating_hasil_kerja", "tw_rating_perilaku"} <= \
            set(names):
        return []
    value = lambda ref: wb.value(SHEET, ref)   # noqa: E731
    pairs = zip(named_texts({"tw_rating_hasil_kerja": names["tw_rating_hasil_kerja"]}, value),
                named_texts({"tw_rating_perilaku": names["tw_rating_perilaku"]}, value))
    return [(hk[0], pk[0]) for hk, pk in pairs if hk[0] in RATINGS and pk[0] in RATINGS]


# --- putting the sheet into a rendered workbook ---------------------------------------------

def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {info.filename: zf.read(info.filename) for info in zf.infolist()}


def _sheet_parts(members: dict[str, bytes]) -> tuple[str, list[str]]:
    """(workbook.xml text, each sheet's part name in sheet order)."""
    workbook = members["xl/workbook.xml"].decode("utf-8")
    rels = members["xl/_rels/workbook.xml.rels"].decode("utf-8")
    targets = {}
    for tag in re.findall(r"<Relationship\b[^>]*>", rels):   # attributes in any order
        rid, target = re.search(r'\bId="([^"]+)"', tag), re.search(r'\bTarget="([^"]+)"', tag)
        if rid and target:
            path = target.group(1)
            targets[rid.group(1)] = path.lstrip("/") if path.startswith("/") else f"xl/{path}"
    ids = re.findall(r'<sheet\b[^>]*?r:id="([^"]+)"', workbook)
    return workbook, [targets.get(i, "") for i in ids]


def header_footer(members: dict[str, bytes], evaluasi_sheet: str, paper: str) -> str:
    """The page texts of the rendered ``evaluasi_sheet``, naming ``paper`` in the footer."""
    workbook, parts = _sheet_parts(members)
    names = re.findall(r'<sheet\b[^>]*?name="([^"]+)"', workbook)
    part = parts[names.index(escape(evaluasi_sheet))] if escape(evaluasi_sheet) in names else None
    xml = members.get(part, b"").decode("utf-8") if part else ""
    match = re.search(r"<headerFooter\b.*?</headerFooter>", xml, re.S)
    if not match:
        return ""
    # the footer's left part names the paper: "<paper> · <nama> · NIP <nip>"
    return re.sub(r'(<oddFooter>&amp;L&amp;"[^"]*"&amp;\d+ )[^·<]*?( · )',
                  lambda m: m.group(1) + escape(paper) + m.group(2), match.group(0), count=1)


def insert_sheet(data: bytes, sheet_xml: str, names: dict[str, str], *, before: str,
                 styles_xml: str | None = None) -> bytes:
    """The workbook ``data`` with ``sheet_xml`` added as sheet :data:`SHEET` just before
    sheet ``before`` (the hidden metadata sheet), its defined names and print area, and
    ``styles_xml`` (when given) as the workbook's styles."""
    from .writer import _member, zip_bytes
    members = _members(data)
    workbook, parts = _sheet_parts(members)
    names_in_order = re.findall(r'<sheet\b[^>]*?name="([^"]+)"', workbook)
    index = names_in_order.index(before) if before in names_in_order else len(names_in_order)
    taken = {int(n) for n in re.findall(r"xl/worksheets/sheet(\d+)\.xml", " ".join(members))}
    part = f"xl/worksheets/sheet{max(taken, default=0) + 1}.xml"
    rels = members["xl/_rels/workbook.xml.rels"].decode("utf-8")
    rid = "rId" + str(max((int(n) for n in re.findall(r'Id="rId(\d+)"', rels)), default=0) + 1)
    sheet_id = max((int(n) for n in re.findall(r'<sheet\b[^>]*?sheetId="(\d+)"', workbook)),
                   default=0) + 1

    def shift(match: re.Match) -> str:
        local = int(match.group(1))
        return f'localSheetId="{local + 1 if local >= index else local}"'
    workbook = re.sub(r'localSheetId="(\d+)"', shift, workbook)
    tags = re.findall(r"<sheet\b[^>]*/>", workbook)
    entry = f'<sheet name="{escape(SHEET)}" sheetId="{sheet_id}" state="visible" r:id="{rid}"/>'
    if index < len(tags):
        workbook = workbook.replace(tags[index], entry + tags[index], 1)
    else:
        workbook = workbook.replace("</sheets>", entry + "</sheets>", 1)
    quoted = "'" + SHEET.replace("'", "''") + "'"
    defined = "".join(f'<definedName name="{name}">{quoted}!{ref}</definedName>'
                      for name, ref in names.items() if not name.startswith("_"))
    for key, name in (("_print", "_xlnm.Print_Area"), ("_titles", "_xlnm.Print_Titles")):
        if key in names:
            defined += (f'<definedName name="{name}" localSheetId="{index}">{quoted}!'
                        f'{names[key]}</definedName>')
    if "</definedNames>" in workbook:
        workbook = workbook.replace("</definedNames>", defined + "</definedNames>", 1)
    else:
        workbook = workbook.replace("</sheets>", f"</sheets><definedNames>{defined}"
                                    "</definedNames>", 1)
    members["xl/workbook.xml"] = workbook.encode("utf-8")
    members["xl/_rels/workbook.xml.rels"] = rels.replace(
        "</Relationships>", f'<Relationship Type="{WORKSHEET_REL}" Target="/{part}" '
                            f'Id="{rid}"/></Relationships>').encode("utf-8")
    types = members["[Content_Types].xml"].decode("utf-8")
    members["[Content_Types].xml"] = types.replace(
        "</Types>", f'<Override PartName="/{part}" ContentType="{WORKSHEET_TYPE}"/></Types>'
    ).encode("utf-8")
    if styles_xml is not None:
        members["xl/styles.xml"] = styles_xml.encode("utf-8")
    members[part] = sheet_xml.encode("utf-8")
    return zip_bytes([_member(name, content, level=1) for name, content in members.items()])


def add_to_workbook(data: bytes, view: dict, document: dict, *, evaluasi_sheet: str,
                    metadata_sheet: str, lang: str = "id", password: str | None = None) -> bytes:
    """The rendered annual workbook ``data`` with the quarters' sheet for ``view``."""
    members = _members(data)
    styles_xml, styles = extend_styles(members["xl/styles.xml"].decode("utf-8"))
    sheet = layout(view, document, styles, lang)
    paper = "Evaluation per Quarter" if lang == "en" else SHEET
    xml = sheet.xml(header_footer(members, evaluasi_sheet, paper))
    if password:
        from .writer import _protect
        xml = _protect(xml, password)
    names = dict(sheet.names, _print=f"$A$1:${LAST}${sheet.row}")
    if sheet.breaks():   # the table goes on over pages: its headings atop each
        names["_titles"] = f"${sheet.titles}:${sheet.titles}"
    return insert_sheet(data, xml, names, before=metadata_sheet, styles_xml=styles_xml)


def copy_from(source: bytes, target: bytes, *, metadata_sheet: str) -> bytes:
    """``target`` (a workbook rendered from the same template as ``source``) with the
    quarters' sheet of ``source`` carried over as it is: its XML, styles and names. Only a
    sheet as skpxl wrote it (texts inline) is carried; one re-saved by a spreadsheet program
    keeps its texts in the workbook's shared strings, and ``target`` is returned as it is."""
    members = _members(source)
    workbook, parts = _sheet_parts(members)
    names = re.findall(r'<sheet\b[^>]*?name="([^"]+)"', workbook)
    if escape(SHEET) not in names:
        return target
    xml = members[parts[names.index(escape(SHEET))]].decode("utf-8")
    if 't="s"' in xml:   # saved by a spreadsheet program: its texts live in another part
        return target
    defined = dict(re.findall(r'<definedName name="(tw_[a-z_]+)">[^!]*!([^<]+)</definedName>',
                              workbook))
    for key, name in (("_print", "_xlnm.Print_Area"), ("_titles", "_xlnm.Print_Titles")):
        found = re.search(rf'<definedName name="{name}" localSheetId="'
                          rf'{names.index(escape(SHEET))}">[^!]*!([^<]+)</definedName>', workbook)
        if found:
            defined[key] = found.group(1)
    styles_xml, _ = extend_styles(_members(target)["xl/styles.xml"].decode("utf-8"))
    return insert_sheet(target, xml, defined, before=metadata_sheet, styles_xml=styles_xml)
