"""Read a returned workbook back into the SKP document, with where each value came from.

Value-only and fast: only the cells the template's fields occupy are read, through
:meth:`skpxl.reader.WorkbookValues.pick` (a plain .xlsx answers it without parsing whole
sheets). The template is found by the id/version in the hidden metadata sheet; without
that sheet (the sheets were copied into a new file) the template is recognised from the
form's titles and a warning says so. A field is located through the returned file's own
defined names when it has them (so a row inserted in Excel moves the field with it), else
the template's cells.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path

from . import domain
from .document import ancestors, get_path, set_path, tokens
from .errors import TemplateError, UnreadableFileError
from .manifest import METADATA_SHEET, Field, Template, a1, expand_path, list_templates, \
    load_manifest, load_template, parse_a1, template_from_manifest
from .memo import remember
from .problems import ERROR, WARNING, Problem, define, rule
from .reader import read_workbook

define("template.metadata_missing", ERROR,
       "Sheet data tersembunyi skpxl tidak ada (mungkin sheet disalin ke file baru), sehingga "
       "periode dan pemilik file ini tidak dapat diperiksa. Formulir dikenali sebagai "
       "{template} dari judulnya; salin isian ke file asli yang dikirim bagian SDM dan kirim "
       "file itu.",
       "skpxl's hidden data sheet is missing (sheets copied into a new file?), so the period "
       "and the owner of this file cannot be checked. The form was recognised as {template} "
       "from its titles; copy the entries into the original file HR sent and send that one.")
define("template.unknown", ERROR,
       "File ini bukan formulir SKP dari skpxl (template tidak dikenali). Gunakan file yang "
       "dikirim bagian SDM.",
       "This file is not an skpxl SKP form (unknown template). Use the file HR sent you.")
define("template.version", WARNING,
       "File dibuat dengan template {template} versi {found}; versi sekarang {current}.",
       "The file was made with template {template} version {found}; the current version is "
       "{current}.")
define("structure.sheet_missing", ERROR,
       "Sheet '{sheet}' tidak ada atau namanya diubah. Jangan mengganti nama atau menghapus "
       "sheet.", "Sheet '{sheet}' is missing or was renamed. Do not rename or delete sheets.")
define("structure.sheet_renamed", ERROR,
       "Sheet '{sheet}' diganti namanya menjadi '{found}', sehingga rumus formulir yang "
       "merujuk ke sheet itu rusak. Kembalikan namanya menjadi '{sheet}' (klik kanan tab "
       "sheet > Rename).", "Sheet '{sheet}' was renamed to '{found}', which breaks the form's "
       "formulas that refer to it. Rename it back to '{sheet}' (right-click the sheet tab > "
       "Rename).")
define("structure.moved", WARNING,
       "Isian {name} berpindah dari {expected} ke {found}: ada baris/kolom yang disisipkan atau "
       "dihapus.", "Field {name} moved from {expected} to {found}: rows or columns were inserted "
       "or deleted.")
define("structure.rows_changed", ERROR,
       "Baris pada tabel {name} disisipkan atau dihapus ({found} sel, seharusnya {expected}). "
       "Kembalikan baris tabel seperti semula; baris yang tidak terpakai biarkan kosong.",
       "Rows in table {name} were inserted or deleted ({found} cells instead of {expected}). "
       "Restore the table rows; leave unused rows empty.")


@dataclass
class Extraction:
    """The document read from one workbook, plus where each value sits."""

    path: str
    format: str = ""
    template: Template | None = None
    document: dict = field(default_factory=dict)
    locations: dict[str, tuple[str, str]] = field(default_factory=dict)
    raw: dict[str, object] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    has_dates: bool = False     # a date or datetime was read: the document is not JSON yet
    layout: "_Layout | None" = field(default=None, repr=False, compare=False)
    structure: "_Structure | None" = field(default=None, repr=False, compare=False)

    def locate(self, path: str) -> tuple[str | None, str | None]:
        """(sheet, cell) of a document path, or of its nearest located ancestor."""
        for probe in (path, *ancestors(path)):
            if probe in self.locations:
                return self.locations[probe]
        return None, None


# --- values --------------------------------------------------------------------------------

_BULAN = {name.lower(): i for i, name in enumerate(
    ("januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus", "september",
     "oktober", "november", "desember"), start=1)}
_BULAN.update({"agt": 8, "agu": 8, "okt": 10, "des": 12, "jan": 1, "feb": 2, "mar": 3,
               "apr": 4, "jun": 6, "jul": 7, "sep": 9, "nov": 11, "nop": 11, "nopember": 11,
               "pebruari": 2})


def parse_date_text(text: str) -> date | None:
    """``30 September 2025``, ``30-09-2025``, ``30/09/2025``, ``2025-09-30``."""
    text = text.strip()
    match = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", text)
    try:
        if match:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        match = re.match(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$", text)
        if match:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        match = re.match(r"^(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})$", text)
        if match and match.group(2).lower() in _BULAN:
            return date(int(match.group(3)), _BULAN[match.group(2).lower()], int(match.group(1)))
    except ValueError:
        return None
    return None


# --- number text ---------------------------------------------------------------------------
#
# The one rule for a number typed as text into a ``number`` field (docs/problems.md, "Angka"):
# Indonesian first. ``.`` groups thousands (``1.500``, ``1.500.000``), ``,`` is the decimal
# mark (``12,5``, ``1.250,5``). A ``.`` that cannot group thousands (not followed by exactly
# three digits: ``12.5``, ``0.75``) is a decimal point, as phones and English-language Excel
# write it. A number followed by the IKI's own unit (``12 laporan``, ``95%`` when the satuan
# is %) is that number (:func:`number_with_its_unit`, applied by validate, which knows the
# satuan). Everything else is an error at the cell that says what to type: another unit,
# ``1,500`` (1,5 or 1500?), English grouping (``1,500,000``), spaces inside the number, words.

rule(10, "Numbers typed as text", """
A cell of a `number` field (target and realisasi on the quantitative templates: see
`skpxl template fields`) may hold text: a phone, a paste, a locale that did not parse it. The
text is read by one rule, Indonesian first:

| Typed | Read as | Why |
|---|---|---|
| `12`, `-3` | 12, -3 | digits |
| `1.500`, `1.500.000`, `1.250,5` | 1500, 1500000, 1250.5 | `.` groups thousands, `,` marks decimals |
| `12,5`, `0,75` | 12.5, 0.75 | `,` marks decimals |
| `12.5`, `0.750` | 12.5, 0.75 | a `.` not followed by exactly three digits cannot group thousands: a decimal point (phones, English Excel) |
| `1,500` | error | 1,5 or 1500? (English thousands, or an odd Indonesian decimal) |
| `1,500,000`, `1,250.5` | error | English grouping: type 1500000, 1250,5 |
| `12 laporan`, `95%`, `12,5 persen` where the IKI's satuan is laporan, `%`/persen | 12, 95, 12.5 | the IKI's own unit after the number: unambiguous (`%`, persen and persentase are one unit) |
| `11 dokumen` where the satuan is laporan, `95%` where it is bulan | error | another unit: type the number only; the unit has its own column |
| `1 500`, `sebelas` | error | spaces inside the number; words |

An error (`skp.target_not_number`, `skp.realisasi_not_number`) is at the cell and says what
to type: the number without thousands separators, which any locale reads right. A number
followed by the IKI's own unit is read as the number (the printed form shows what was
typed, which reads right) and the reports carry the number. Text in a
qualitative template's target or realisasi is text, as it should be.
""")

_PLAIN = re.compile(r"-?\d+")
_GROUPED = re.compile(r"-?[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?")
_COMMA_THOUSANDS = re.compile(r"-?[1-9]\d{0,2},\d{3}")
_COMMA_DECIMAL = re.compile(r"-?\d+,\d+")
_DOT_DECIMAL = re.compile(r"-?\d+\.\d+")
_EN_GROUPED = re.compile(r"-?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?")
_WITH_UNIT = re.compile(r"(-?[\d.,]*\d)\s*(%|[^\W\d].*)", re.S)


def read_number_text(text: str) -> tuple[int | float | None, tuple[str, dict] | None]:
    """``(number, None)`` when ``text`` reads as a number by the rule above, else
    ``(None, (why, details))``: ``unit`` (details: number, unit), ``ambiguous``,
    ``english`` (details: number), ``spaces`` (details: number) or ``words``."""
    compact = text.strip().replace("\xa0", " ")
    if _PLAIN.fullmatch(compact):
        return int(compact), None
    if _GROUPED.fullmatch(compact):
        number = float(compact.replace(".", "").replace(",", "."))
        return (int(number) if number.is_integer() else number), None
    if _COMMA_THOUSANDS.fullmatch(compact):
        return None, ("ambiguous", {"text": compact})
    if _COMMA_DECIMAL.fullmatch(compact):
        return float(compact.replace(",", ".")), None
    if _DOT_DECIMAL.fullmatch(compact):
        return float(compact), None
    if _EN_GROUPED.fullmatch(compact):
        return None, ("english", {"number": float(compact.replace(",", ""))})
    unit = _WITH_UNIT.fullmatch(compact)
    if unit:
        number, _ = read_number_text(unit.group(1))
        if number is not None:
            return None, ("unit", {"number": number, "unit": unit.group(2).strip()})
    squeezed = compact.replace(" ", "")
    if squeezed != compact:
        number, _ = read_number_text(squeezed)
        if number is not None:
            return None, ("spaces", {"number": number})
    return None, ("words", {})


def parse_number_text(text: str):
    """A number typed as text, by the rule of :func:`read_number_text`; None if unreadable."""
    return read_number_text(text)[0]


def number_with_its_unit(text: str, satuan) -> int | float | None:
    """The number of ``text`` when it is a number followed by the IKI's own unit (``12
    laporan`` where the satuan is ``laporan``, ``95%`` where it is ``%`` or ``persen``):
    unambiguous, so read as the number; None otherwise."""
    number, reason = read_number_text(text)
    if number is not None or reason is None or reason[0] != "unit":
        return None
    return reason[1]["number"] if same_unit(reason[1]["unit"], satuan) else None


_PERCENT = {"%", "persen", "persentase", "prosen", "percent"}


def same_unit(typed, satuan) -> bool:
    """``Laporan`` and ``laporan``, ``%`` and ``persen`` name the same unit."""
    def fold(value) -> str:
        text = " ".join(str(value or "").lower().split()).rstrip(".")
        return "%" if text in _PERCENT else text
    return bool(fold(satuan)) and fold(typed) == fold(satuan)


def number_hint(text: str, satuan=None, key: str = "target") -> dict[str, str]:
    """What to type instead of ``text`` in a number cell, in Indonesian and English; the
    IKI's ``satuan`` and whether the cell is a ``target`` or a ``realisasi`` make the advice
    on a typed unit precise."""
    _, reason = read_number_text(str(text))
    why, details = reason or ("words", {})
    if "number" in details:   # without thousands separators: read right in any locale
        plain = _number_text(details["number"])
        shown = {"id": plain.replace(".", ","), "en": plain}
    if why == "unit":
        unit = details["unit"]
        if key == "realisasi" and satuan:
            return {"id": f"Ketik angkanya saja ({shown['id']}): satuan IKI ini '{satuan}' "
                          f"sudah tertulis pada targetnya ('{unit}' berbeda).",
                    "en": f"Type the number only ({shown['en']}): this IKI's unit '{satuan}' "
                          f"is already on its target ('{unit}' differs)."}
        return {"id": f"Ketik angkanya saja ({shown['id']}); satuan '{unit}' ditulis di "
                      f"kolom satuan.",
                "en": f"Type the number only ({shown['en']}); the unit '{unit}' goes in the "
                      f"unit column."}
    if why == "ambiguous":
        whole = details["text"].replace(",", "")
        part = details["text"].rstrip("0")
        return {"id": f"'{details['text']}' bisa berarti {part} atau {whole}: ketik "
                      f"{whole} untuk bilangan bulat, atau {part} untuk pecahan.",
                "en": f"'{details['text']}' may mean {part.replace(',', '.')} or {whole}: "
                      f"type {whole} for the whole number, or {part.replace(',', '.')} for "
                      f"the fraction."}
    if why in ("english", "spaces"):
        return {"id": f"Ketik {shown['id']} (tanpa pemisah ribuan; koma untuk desimal).",
                "en": f"Type {shown['en']} (no thousands separators)."}
    return {"id": "Ketik angka saja, misalnya 12 atau 12,5.",
            "en": "Type a number only, e.g. 12 or 12,5."}


def _number_text(value) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def normalize_value(fld: Field, raw, path: str):
    """The document value of one cell, normalised by the field's type."""
    if raw is None:
        return None
    if isinstance(raw, str):
        raw = raw.strip()
        if not raw:
            return None
    if fld.type == "string":
        if path.endswith(".nip") and not isinstance(raw, str):
            return raw  # keep NIPs stored as numbers visible: validation reports them
        if isinstance(raw, (datetime, date)):
            return raw.isoformat()
        return raw if isinstance(raw, str) else _number_text(raw)
    if fld.type == "number":
        if isinstance(raw, str):
            number = parse_number_text(raw)
            return raw if number is None else number
        if isinstance(raw, float) and raw.is_integer() and abs(raw) < 1e15:
            return int(raw)
        return raw
    if fld.type == "date":
        if isinstance(raw, datetime):
            return (raw.date() if raw.time() == datetime.min.time() else raw).isoformat()
        if isinstance(raw, date):
            return raw.isoformat()
        if isinstance(raw, str):
            parsed = parse_date_text(raw)
            return parsed.isoformat() if parsed else raw
        return raw
    if fld.type == "enum":
        text = str(raw)
        choices = fld.choices or []
        if set(choices) == set(domain.RATINGS):
            canonical = domain.normalize_rating(text)
        elif set(choices) == set(domain.PREDIKAT):
            canonical = domain.normalize_predikat(text)
        else:
            canonical = domain.normalize_choice(text, choices)
        return canonical or text
    return raw


# --- template identification ---------------------------------------------------------------

def metadata_of(wb) -> dict[str, object]:
    """Key/value pairs of the hidden metadata sheet (keys are in its first column)."""
    if METADATA_SHEET not in wb.sheet_names:
        return {}
    out = {}
    cells = wb.pick(METADATA_SHEET, _METADATA_CELLS)
    for (row, col), key in cells.items():              # row by row, as picked
        if col == 1 and isinstance(key, str) and key.strip():
            out[key.strip()] = cells.get((row, 2))
    return out


METADATA_ROWS = 100   # key/value rows read from the metadata sheet (templates use ~20)
_METADATA_CELLS = tuple((row, col) for row in range(1, METADATA_ROWS + 1) for col in (1, 2))


def _title_rows(wb, sheet: str, count: int = 3) -> list[str]:
    rows = wb.cells(sheet)[:count] if sheet in wb.sheet_names else []
    return [" ".join(str(v).split()) for row in rows for v in row if isinstance(v, str)]


_SIGNATURES: dict[str, list[str]] = {}


def recognise_template(wb) -> Template | None:
    """The shipped template whose form titles match the workbook's (no metadata needed)."""
    found = _title_rows(wb, "SKP")
    if not found:
        return None
    for tmpl in list_templates():
        if tmpl.id not in _SIGNATURES:
            _SIGNATURES[tmpl.id] = _title_rows(read_workbook(tmpl.path), "SKP")
        if _SIGNATURES[tmpl.id] == found:
            return tmpl
    return None


def identify(wb, problems: list[Problem]) -> tuple[Template | None, dict]:
    meta = metadata_of(wb)
    template_id = str(meta.get("meta_template_id") or "").strip()
    if template_id:
        version = str(meta.get("meta_template_version") or "").strip()
        try:
            tmpl = load_template(template_id, version=version)   # its own layout if archived
        except TemplateError:
            problems.append(Problem("template.unknown", value=template_id))
            return None, meta
        if version and version != tmpl.version:
            problems.append(Problem("template.version", {"template": tmpl.id, "found": version,
                                                         "current": tmpl.version}))
        return tmpl, meta
    tmpl = recognise_template(wb)
    if tmpl is None:
        problems.append(Problem("template.unknown"))
    else:
        problems.append(Problem("template.metadata_missing", {"template": tmpl.id}))
    return tmpl, meta


def template_for(ref) -> Template:
    """A template by shipped id or path (:func:`~skpxl.manifest.load_template`), or the
    template a generated or returned workbook was made from, with each field where that
    workbook's own defined names put it (``skpxl template fields kembali/x.xlsx``)."""
    try:
        return load_template(ref)
    except TemplateError:
        path = Path(str(ref))
        if not path.is_file() or \
                path.suffix.lower() not in (".xlsx", ".xlsm", ".xls", ".ods"):
            raise
        problems: list[Problem] = []
        tmpl, _ = identify(read_workbook(path), problems)
        if tmpl is None or tmpl.manifest_path is None:
            raise
    located = template_from_manifest(load_manifest(tmpl.manifest_path), path,
                                     tmpl.manifest_path, strict=False)
    for fld, shipped in zip(located.fields + located.mirrors, tmpl.fields + tmpl.mirrors):
        if fld.sheet is None:   # no such name in the workbook (an .xls has none)
            fld.sheet, fld.row, fld.col = shipped.sheet, shipped.row, shipped.col
    return located


# --- extraction ----------------------------------------------------------------------------

@dataclass(frozen=True)
class _Structure:
    """How a returned workbook is laid out against its template: where each template sheet
    is (``sheets``: template sheet name -> the workbook's), each field's and each mirror's
    (row, column) offset (fields that cannot be read left out), and the structure problems
    found on the way."""

    sheets: dict[str, str]
    offsets: dict[str, tuple[int, int]]
    mirrors: dict[str, tuple[int, int]]
    problems: list[Problem]


def _structure(wb, tmpl: Template) -> _Structure:
    """The :class:`_Structure` of ``wb``; cached by the workbook's structure."""
    key = wb.structure_key
    if key is not None:
        key = (key, tmpl.id, tmpl.version, str(tmpl.path), tuple(wb.sheet_names))
        cached = _OFFSETS.get(key)
        if cached is not None:
            return cached
    names, problems = wb.defined_names or {}, []
    sheets = _sheet_map(wb, tmpl, names, problems)
    moved: set[str] = set()
    offsets: dict[str, tuple[int, int]] = {}
    for fld in tmpl.fields:
        if fld.sheet in sheets:
            offset = _position(fld, tmpl, names, problems, moved, sheets[fld.sheet])
            if offset is not None:
                offsets[fld.name] = offset
    mirrors: dict[str, tuple[int, int]] = {}
    for fld in tmpl.mirrors:     # located like fields; their moves are the fields' news
        if fld.sheet in sheets:
            offset = _position(fld, tmpl, names, [], set(), sheets[fld.sheet])
            if offset is not None:
                mirrors[fld.name] = offset
    found = _Structure(sheets, offsets, mirrors, problems)
    if key is not None:
        remember(_OFFSETS, key, found, 64)
    return found


_OFFSETS: dict = {}


rule(40, "Renamed sheets", """
Excel and LibreOffice rename a sheet together with every defined name that points into it,
and the form's formulas use those names: the form prints as before. skpxl reads the fields
through the returned file's own names, so such a rename is **no problem at all** (the tab
name does not print; an HR officer at a deadline gains nothing from a warning about it).
A sheet renamed by a program that left the names behind (they point at no sheet, so the
form's formulas show errors) is one `structure.sheet_renamed` naming both names; the sheet
is found at its place among the sheets and the rest of the file is checked as usual.
""")


def _sheet_map(wb, tmpl: Template, names: dict, problems: list[Problem]) -> dict[str, str]:
    """Template sheet -> the workbook's sheet holding it. A sheet renamed in Excel or
    LibreOffice takes the workbook's defined names along: the fields are read where its
    names point, and that is no problem at all (the form prints the same). A sheet renamed
    by a program that left the names behind (they now point at no sheet, so the form's
    formulas break) is found at its place among the sheets: one ``structure.sheet_renamed``,
    and it is read as usual. Otherwise the sheet is missing."""
    present = set(wb.sheet_names)
    known = set(tmpl.sheets)
    every = tmpl.fields + tmpl.mirrors
    used = list(dict.fromkeys(f.sheet for f in every if f.sheet))
    sheets: dict[str, str] = {}
    for sheet in used:
        if sheet in present:
            sheets[sheet] = sheet
            continue
        if sheet == METADATA_SHEET:   # hidden from staff: template.metadata_missing says it
            continue
        targets = [names[f.name][0] for f in every if f.sheet == sheet and f.name in names]
        moved = [t for t in targets if t in present and t not in known]
        if moved:
            sheets[sheet] = max(set(moved), key=moved.count)
            continue
        index = tmpl.sheets.index(sheet) if sheet in tmpl.sheets else -1
        if 0 <= index < len(wb.sheet_names) and wb.sheet_names[index] not in known \
                and wb.sheet_names[index] not in sheets.values():
            sheets[sheet] = wb.sheet_names[index]
            problems.append(Problem("structure.sheet_renamed", {
                "sheet": sheet, "found": sheets[sheet]}, sheet=sheets[sheet]))
            continue
        problems.append(Problem("structure.sheet_missing", {"sheet": sheet}, sheet=sheet))
    return sheets


def _position(fld: Field, tmpl: Template, names: dict, problems: list[Problem],
              moved_sheets: set, sheet: str) -> tuple[int, int] | None:
    """Row/column offset of ``fld`` in the returned file (on ``sheet``, where the
    template's sheet is), from the file's own defined names."""
    ref = names.get(fld.name)
    if not ref or ref[0] != sheet:
        return 0, 0
    first, _, last = ref[1].partition(":")
    row, col = parse_a1(first)
    if fld.group:
        group = tmpl.groups[fld.group]
        expected = group.blocks * group.rows_per_block
        if last:
            last_row, _ = parse_a1(last)
            found = last_row - row + 1
            if found != expected:
                problems.append(Problem("structure.rows_changed", {
                    "name": fld.name, "found": found, "expected": expected},
                    sheet=sheet, cell=first))
                return None
    if (row, col) != (fld.row, fld.col):
        if sheet not in moved_sheets:
            moved_sheets.add(sheet)
            problems.append(Problem("structure.moved", {
                "name": fld.name, "expected": f"{sheet}!{fld.cell}",
                "found": f"{sheet}!{a1(row, col)}"}, sheet=sheet, cell=a1(row, col)))
    return row - fld.row, col - fld.col


@dataclass(frozen=True)
class _Plan:
    """Where every field instance is read from, for one template and one set of offsets."""

    positions: dict[str, tuple]   # sheet -> ((row, col), ...) to pick
    # per instance: (key, field, instance, sheet, (row, col), cell, group, list path,
    # item list head); key is (field name, block, item)
    entries: list[tuple]
    always_present: dict[str, set[int]]   # perilaku: every block counts, filled or not
    at: dict[tuple, list]                 # (sheet, (row, col)) -> entries read there
    # indexes into ``entries`` of those that matter whatever the content: scalar fields
    # and the first cell of each group (it locates the list even when the list is empty);
    # and by (group, block) those that matter when that block has content
    always: list[int]
    by_block: dict[tuple, list[int]]


def _plan(tmpl: Template, structure: _Structure) -> _Plan:
    """The :class:`_Plan` for a structure; cached (the usual case: nothing moved)."""
    offsets = structure.offsets
    key = (tmpl.id, tmpl.version, str(tmpl.path), tuple(sorted(offsets.items())),
           tuple(sorted(structure.sheets.items())))
    plan = _PLANS.get(key)
    if plan is None:
        found: dict[str, set] = {}
        entries, always = [], {}
        for fld in tmpl.fields:
            if fld.name not in offsets:
                continue
            rows, cols = offsets[fld.name]
            sheet = structure.sheets[fld.sheet]
            list_path = fld.path.split("[*]")[0]
            item_head = fld.path.rpartition("[*]")[0]
            for inst in tmpl.instances(fld):
                pos = (inst.row + rows, inst.col + cols)
                found.setdefault(sheet, set()).add(pos)
                cell = a1(*pos) if (rows, cols) != (0, 0) else inst.cell
                entries.append(((fld.name, inst.block, inst.item), fld, inst, sheet, pos,
                                cell, fld.group, list_path, item_head))
                if fld.group == "perilaku":
                    always.setdefault(fld.group, set()).add(inst.block)
        at: dict[tuple, list] = {}
        fixed, by_block = [], {}
        for index, entry in enumerate(entries):
            _, _, inst, sheet, pos, _, gid, _, _ = entry
            at.setdefault((sheet, pos), []).append(entry)
            if gid is None or (inst.block == 0 and inst.item in (None, 0)):
                fixed.append(index)
            if gid is not None:
                by_block.setdefault((gid, inst.block), []).append(index)
        plan = _Plan({sheet: tuple(sorted(cells)) for sheet, cells in found.items()}, entries,
                     always, at, fixed, by_block)
        remember(_PLANS, key, plan, 32)
    return plan


_PLANS: dict = {}


def extract(path, *, wb=None) -> Extraction:
    """Read ``path`` into an :class:`Extraction` (raises :class:`UnreadableFileError`)."""
    wb = wb or read_workbook(path)
    result = Extraction(path=str(path), format=wb.format)
    tmpl, _ = identify(wb, result.problems)
    if tmpl is None:
        return result
    result.template = tmpl
    structure = result.structure = _structure(wb, tmpl)
    result.problems += [copy.copy(p) for p in structure.problems]
    plan = _plan(tmpl, structure)
    picked = {sheet: wb.pick(sheet, positions) for sheet, positions in plan.positions.items()}
    # the cells with content, normalised; the rest of the plan is empty
    found: dict[tuple, tuple] = {}     # key -> (value, raw)
    present_blocks = {gid: set(blocks) for gid, blocks in plan.always_present.items()}
    present_items: dict[str, set[tuple[int, int]]] = {}
    for sheet, values in picked.items():
        for pos, raw in values.items():
            for key, fld, inst, _, _, _, gid, _, _ in plan.at.get((sheet, pos), ()):
                if type(raw) is str and fld.type == "string":   # most cells: text
                    value = raw.strip() or None
                else:
                    value = normalize_value(fld, raw, inst.path)
                if value is None:
                    continue
                if value.__class__ is not str and isinstance(value, date):
                    result.has_dates = True
                found[key] = (value, raw)
                if gid:
                    present_blocks.setdefault(gid, set()).add(inst.block)
                    if inst.item is not None:
                        present_items.setdefault(gid, set()).add((inst.block, inst.item))
    layout = _layout(plan, present_blocks, present_items)
    result.layout = layout
    result.locations = dict(layout.locations)
    doc, raw = result.document, result.raw
    nodes = {"$": doc}    # containers by path, once set_path has made them
    for new_path, key, parent, last in layout.assign:
        entry = found.get(key)
        if entry is None:
            continue
        node = nodes.get(parent)
        if node is None:
            set_path(doc, new_path, entry[0])
            nodes[parent] = get_path(doc, parent)
        elif type(last) is int:
            while len(node) <= last:
                node.append(None)
            node[last] = entry[0]
        else:
            node[last] = entry[0]
        raw[new_path] = entry[1]
    for section in ("utama", "tambahan"):
        for item in (doc.get("hasil_kerja", {}).get(section) or []):
            if isinstance(item, dict):
                item.setdefault("iki", [])
    doc.setdefault("hasil_kerja", {}).setdefault("utama", [])
    doc["hasil_kerja"].setdefault("tambahan", [])
    return result


@dataclass(frozen=True)
class _Layout:
    """Where the values of one plan go when a given set of blocks and items has content:
    the document path of each entry read (``assign``: (path, entry key, the path of its
    parent, its last step), in plan order) and the cell of every path and list
    (``locations``). Files with the same rows filled share it: staff of a unit mostly return
    the rows their plans were generated with."""

    assign: tuple[tuple[str, tuple, str, str | int], ...]
    locations: dict[str, tuple[str, str]]

    @cached_property
    def by_sheet(self) -> dict[str, dict[str, list[str]]]:
        """Sheet -> cell -> the paths located there."""
        return cells_by_sheet(self.locations)


def cells_by_sheet(locations: dict[str, tuple[str, str]]) -> dict[str, dict[str, list[str]]]:
    cells: dict[str, dict[str, list[str]]] = {}
    for path, (sheet, cell) in locations.items():
        cells.setdefault(sheet, {}).setdefault(cell, []).append(path)
    return cells


def _layout(plan: _Plan, present_blocks: dict[str, set[int]],
            present_items: dict[str, set[tuple[int, int]]]) -> _Layout:
    """The :class:`_Layout` of ``plan`` for these filled blocks and items (cached)."""
    key = (id(plan), tuple(sorted((g, tuple(sorted(b))) for g, b in present_blocks.items())),
           tuple(sorted((g, tuple(sorted(i))) for g, i in present_items.items())))
    hit = _LAYOUTS.get(key)
    if hit is not None and hit[0] is plan:
        return hit[1]
    # compact repeating groups: empty rows are left out, indexes renumbered
    block_map = {gid: {old: new for new, old in enumerate(sorted(blocks))}
                 for gid, blocks in present_blocks.items()}
    item_map: dict[str, dict[tuple[int, int], int]] = {}
    for gid, items in present_items.items():
        counters: dict[int, int] = {}
        mapping = {}
        for block, item in sorted(items):
            mapping[(block, item)] = counters.get(block, 0)
            counters[block] = mapping[(block, item)] + 1
        item_map[gid] = mapping
    locations: dict[str, tuple[str, str]] = {}
    assign, no_blocks = [], {}
    # only the entries that can matter, in plan order (locations keep the first cell found)
    chosen = set(plan.always)
    for gid, blocks in present_blocks.items():
        for block in blocks:
            chosen.update(plan.by_block.get((gid, block), ()))
    entries = plan.entries
    for index in sorted(chosen):
        entry_key, fld, inst, sheet, _, cell, gid, list_path, item_head = entries[index]
        if gid:
            new_block = block_map.get(gid, no_blocks).get(inst.block)
            if new_block is None:
                if inst.block == 0 and inst.item in (None, 0):
                    locations.setdefault(list_path, (sheet, cell))
                continue
            if inst.item is not None:
                if inst.item == 0:  # locate the item list even when it is empty
                    locations.setdefault(expand_path(item_head, new_block), (sheet, cell))
                new_item = item_map.get(gid, no_blocks).get((inst.block, inst.item))
                if new_item is None:
                    continue
                new_path = expand_path(fld.path, new_block, new_item)
            else:
                new_path = expand_path(fld.path, new_block)
            if new_block == 0:  # locate the list itself, even when it stays empty
                locations.setdefault(list_path, (sheet, cell))
        else:
            new_path = inst.path
        _register(locations, new_path, sheet, cell)
        parents = ancestors(new_path)
        assign.append((new_path, entry_key, parents[0] if parents else "$",
                       tokens(new_path)[-1]))
    layout = _Layout(tuple(assign), locations)
    remember(_LAYOUTS, key, (plan, layout), 256)
    return layout


_LAYOUTS: dict = {}


def _register(locations: dict, path: str, sheet: str, cell: str) -> None:
    locations[path] = (sheet, cell)
    for parent in ancestors(path):
        if parent in locations:
            break
        locations[parent] = (sheet, cell)


def plan_of(doc: dict) -> dict:
    """The plan of an extracted document (hasil kerja and lampiran), evaluation cleared: what
    a later period carries forward."""
    keep = ("aspek", "indikator", "target", "satuan", "perspektif")
    plan = {section: [{"rhk": item.get("rhk"), "rhk_pimpinan": item.get("rhk_pimpinan"),
                       "iki": [{k: v for k, v in iki.items() if k in keep}
                               for iki in item.get("iki", [])]}
                      for item in (doc.get("hasil_kerja") or {}).get(section) or []]
            for section in ("utama", "tambahan")}
    plan["lampiran"] = doc.get("lampiran", {})
    return plan


def plans_from_folder(folder: Path) -> dict[str, dict]:
    """NIP -> plan (hasil kerja and lampiran, evaluation cleared) from returned workbooks."""
    plans: dict[str, dict] = {}
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() not in (".xlsx", ".xlsm", ".xls", ".ods") or path.name.startswith("~$"):
            continue
        try:
            extraction = extract(path)
        except UnreadableFileError:
            continue
        doc = extraction.document
        nip = (doc.get("pegawai") or {}).get("nip")
        if not isinstance(nip, str) or not extraction.template:
            continue
        plans[nip] = plan_of(doc)
    return plans
