"""Every problem code of the SKP rules, the schema and the form's structure: a case that
triggers it and a near miss that must not.

Each case is a real workbook: an employee's SKP document as ``skpxl generate`` builds it,
filled the way staff and assessors fill it (``skpxl.simulate``), with the ratings' predikat
taken from the regulation's table (``tests/regulation.py``, never ``skpxl.domain``), then
changed the way a person or a program would change it (the document before it is written,
the written file's XML, or openpyxl), and validated. Every problem the file gets is stated
exactly, warnings included: code, sheet and cell, the cells looked up through the template
(never literal coordinates: the form layout is being redesigned).

The roster codes have their table in ``tests/test_roster.py``; ``test_every_code_has_a_case``
holds both tables to the catalogue, so a new code without its trigger and near miss fails.
"""

from __future__ import annotations

import copy
import dataclasses
import os
import random
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import openpyxl
import pytest
from conftest import (FUNGSIONAL_NIP, HEAD_NIP, JPT_NIP, PENGAWAS_NIP, ROSTER_HEADER, _ROSTER,
                      write_csv)

from regulation import DI_ATAS, DI_BAWAH, MATRIX, PERSPEKTIF, SESUAI
from skpxl.generate import build_document
from skpxl.manifest import a1, choose_template, load_template, parse_a1
from skpxl.periods import parse_period
from skpxl.problems import CATALOG
from skpxl.roster import read_roster
from skpxl.simulate import filled_document
from skpxl.validate import validate, validate_file
from skpxl.writer import CompiledTemplate

PERIOD = "2025-Q3"
GENERATED_AT = "2025-10-01T08:00:00+00:00"
OTHER_NIP = "199001152015031003"     # the Pelaksana of the conftest roster
OTHER_UNIT = "Bawaslu Kabupaten Blitar"
PREFIXES = ("skp.", "schema.", "structure.")


# --- the employees' filled documents --------------------------------------------------------

@pytest.fixture(scope="module")
def world(tmp_path_factory) -> dict:
    """The conftest roster, and per employee the template and the filled document."""
    base = tmp_path_factory.mktemp("codes")
    roster = read_roster(write_csv(base / "pegawai.csv", ROSTER_HEADER, _ROSTER))
    assert roster.ok, roster.problems
    docs = {}
    for nip, ratings in ((PENGAWAS_NIP, (SESUAI, SESUAI)), (HEAD_NIP, (DI_ATAS, SESUAI)),
                         (JPT_NIP, (DI_BAWAH, DI_ATAS)), (FUNGSIONAL_NIP, (SESUAI, DI_BAWAH))):
        emp = roster.employee(nip)
        template = load_template(choose_template(emp.jenis_jabatan, emp.pendekatan))
        penilai = roster.penilai_of(emp)
        doc = build_document(template, parse_period(PERIOD), emp, penilai,
                             roster.atasan_penilai_of(emp) if penilai else None, None, None,
                             generated_at=GENERATED_AT)
        doc = filled_document(doc, template, random.Random(21), ratings=ratings)
        doc["evaluasi"]["predikat"] = MATRIX[ratings]
        docs[nip] = (template, doc)
    return {"base": base, "roster": roster, "docs": docs, "count": [0]}


def write(world, nip: str, edit=None, template_id: str | None = None) -> tuple[Path, object]:
    """The filled workbook of ``nip`` (on ``template_id`` if given), ``edit(doc)`` applied
    to the document first; (path, template)."""
    template, doc = world["docs"][nip]
    doc = copy.deepcopy(doc)
    if template_id is not None and template_id != template.id:
        template = load_template(template_id)
        doc["meta"]["template_id"] = template.id
        for item in doc["hasil_kerja"]["utama"]:
            for iki in item["iki"]:
                iki["target"] = f"{iki['indikator']} tercapai"
                iki["realisasi"] = "Tercapai, bukti dukung terlampir"
                iki.pop("satuan", None)
        _refingerprint(template, doc)
    if edit is not None:
        edit(doc)
    world["count"][0] += 1
    path = world["base"] / f"{world['count'][0]:03d}-{nip}.xlsx"
    path.write_bytes(CompiledTemplate(template).render(doc))
    return path, template


def _refingerprint(template, doc: dict) -> None:
    from skpxl.document import field_checks, fingerprint
    prefilled = template.prefilled_values(doc)
    doc["meta"]["fingerprint"] = fingerprint(prefilled)
    doc["meta"]["checks"] = field_checks(prefilled)


def iki(doc: dict, rhk: int, row: int) -> dict:
    return doc["hasil_kerja"]["utama"][rhk]["iki"][row]


def iki_path(rhk: int, row: int, key: str, section: str = "utama") -> str:
    return f"$.hasil_kerja.{section}[{rhk}].iki[{row}].{key}"


# --- changing a written workbook ---------------------------------------------------------------

def _sheet_parts(names: list[str], data: dict[str, bytes]) -> dict[str, str]:
    """Sheet name -> its part in the zip, through workbook.xml and its relationships."""
    book = data["xl/workbook.xml"].decode()
    rels = data["xl/_rels/workbook.xml.rels"].decode()
    targets = dict(re.findall(r'<Relationship[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', rels))
    targets.update({k: v for v, k in re.findall(
        r'<Relationship[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)})
    out = {}
    for name, rid in re.findall(r'<sheet name="([^"]+)"[^>]*?r:id="([^"]+)"', book):
        if name in names:
            out[name] = "xl/" + targets[rid].lstrip("/").removeprefix("xl/")
    return out


def rewrite(path: Path, *, book=None, sheets: dict[str, Callable[[str], str]] | None = None
            ) -> None:
    """Rewrite parts of an .xlsx in place: ``book(workbook.xml text)``, and per sheet name
    ``fn(sheet xml text)`` — the way another program writes the file, nothing else touched."""
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        data = {i.filename: zf.read(i.filename) for i in infos}
    parts = _sheet_parts(list(sheets or {}), data)
    for name, fn in (sheets or {}).items():
        data[parts[name]] = fn(data[parts[name]].decode()).encode()
    if book is not None:
        data["xl/workbook.xml"] = book(data["xl/workbook.xml"].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in infos:
            zf.writestr(info, data[info.filename])


def cell_xml(cell: str, change: Callable[[str, str], str]) -> Callable[[str], str]:
    """A sheet rewrite applying ``change(attributes, content)`` to one cell element."""
    pattern = re.compile(rf'<c r="{cell}"([^>]*?)(?:/>|>(.*?)</c>)', re.S)

    def fn(xml: str) -> str:
        match = pattern.search(xml)
        assert match, f"cell {cell} not in the sheet"
        return xml[:match.start()] + change(match.group(1), match.group(2) or "") + \
            xml[match.end():]
    return fn


def unprotected(fn: Callable[[str], str] | None = None) -> Callable[[str], str]:
    """A sheet rewrite removing the sheet's protection (then ``fn``)."""
    def run(xml: str) -> str:
        xml = re.sub(r"<sheetProtection[^>]*/>", "", xml)
        return fn(xml) if fn else xml
    return run


def by_openpyxl(path: Path, change: Callable) -> None:
    """Open and save with openpyxl (a script: formula results are not kept)."""
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)


def shift_names(wb, sheet: str, at_row: int, by: int = 1) -> None:
    """Move the defined names pointing into ``sheet`` at or below ``at_row`` down by
    ``by`` rows: what Excel does to them when rows are inserted."""
    for name in list(wb.defined_names):
        definition = wb.defined_names[name]
        target, _, ref = definition.attr_text.partition("!")
        if target.strip("'") != sheet:
            continue
        cells = []
        for part in ref.split(":"):
            row, col = parse_a1(part.replace("$", ""))
            row += by if row >= at_row else 0
            letters = a1(row, col).rstrip("0123456789")
            cells.append(f"${letters}${row}")
        definition.attr_text = f"{target}!{':'.join(cells)}"


def grow_table(wb, template, group: str, sheet: str, by: int = 1) -> list:
    """Lengthen the defined-name ranges of ``group``'s fields on ``sheet`` by ``by`` rows
    (what Excel does when rows are inserted inside the table); the fields changed."""
    grown = []
    for fld in template.fields:
        if fld.group == group and fld.sheet == sheet:
            definition = wb.defined_names[fld.name]
            target, _, ref = definition.attr_text.partition("!")
            first, last = ref.split(":")
            row, col = parse_a1(last.replace("$", ""))
            letters = a1(row + by, col).rstrip("0123456789")
            definition.attr_text = f"{target}!{first}:${letters}${row + by}"
            grown.append(fld)
    return grown


def first_field_from(template, sheet: str, row: int):
    """The first field (in template order) on ``sheet`` at or below ``row``: the one whose
    move ``structure.moved`` names."""
    return next(f for f in template.fields if f.sheet == sheet and f.row >= row)


# --- what a case expects -----------------------------------------------------------------------

@dataclass(frozen=True)
class At:
    """A problem expected at a field's cell (its instance at ``path``), at a sheet only
    (``sheet``), or nowhere (neither: metadata the form does not show)."""

    code: str
    name: str | None = None
    path: str | None = None
    sheet: str | None = None
    cell: Callable | None = None     # (template) -> (sheet, cell), for computed places

    def where(self, template) -> tuple[str | None, str | None]:
        if self.cell is not None:
            return self.cell(template)
        if self.name is None:
            return self.sheet, None
        return place(template, self.name, self.path)


def place(template, name: str, path: str | None = None) -> tuple[str, str]:
    """(sheet, cell) of field or mirror ``name`` (its instance at document ``path``)."""
    fld = next(f for f in template.fields + template.mirrors if f.name == name)
    inst = next(i for i in template.instances(fld) if path is None or i.path == path)
    return fld.sheet, inst.cell


def located(report) -> set[tuple]:
    return {(p.code, p.sheet, p.cell) for p in report.issues}


@dataclass
class Case:
    """One workbook: ``code`` is what it is about; a trigger must get exactly ``expected``
    (the code among them), a near miss exactly ``expected`` (the code not among them)."""

    code: str
    trigger: bool
    name: str
    expected: tuple[At, ...] = ()
    edit: Callable[[dict], None] | None = None          # the document before it is written
    book: Callable | None = None                        # (path, template): the written file
    nip: str = PENGAWAS_NIP
    template_id: str | None = None
    roster: str | None = None      # "full", "without" (the employee), "moved" (other unit)
    period: str | None = PERIOD
    stage: str | None = None

    @property
    def id(self) -> str:
        return f"{self.code}-{'trigger' if self.trigger else 'near-miss'}-{self.name}"


def set_(path: str, value):
    """An edit setting one document path (``$.a.b[0].c``) to ``value``."""
    from skpxl.document import set_path

    def edit(doc):
        set_path(doc, path, value)
    return edit


def edits(*fns):
    def edit(doc):
        for fn in fns:
            fn(doc)
    return edit


def drop_realisasi(doc):
    for item in doc["hasil_kerja"]["utama"]:
        for row in item["iki"]:
            row.pop("realisasi", None)
            row.pop("umpan_balik", None)
    doc.pop("evaluasi", None)


def add_tambahan(doc):
    doc["hasil_kerja"]["tambahan"] = [{"rhk": "Tersusunnya laporan tambahan", "iki": [
        {"aspek": "Kuantitas", "indikator": "Jumlah laporan tambahan", "target": 2,
         "satuan": "laporan", "realisasi": 2, "umpan_balik": "Baik"}]}]


#: openpyxl saves formulas without results: the form's predikat then has none to show
SCRIPT = At("skp.predikat_not_computed", "predikat")
RHK1 = "$.hasil_kerja.utama[0]"


def formula_into_realisasi(path, template):
    sheet, cell = place(template, "eku_realisasi", iki_path(0, 0, "realisasi"))
    rewrite(path, sheets={sheet: cell_xml(cell, lambda attrs, content:
                                         f'<c r="{cell}"{attrs}><f>1+2</f>{content}</c>')})


def value_into_realisasi(path, template):
    """The near miss: the number typed over (a cell rewritten with a plain value)."""
    sheet, cell = place(template, "eku_realisasi", iki_path(0, 0, "realisasi"))
    rewrite(path, sheets={sheet: cell_xml(cell, lambda attrs, content:
                                         f'<c r="{cell}"{attrs}><v>3</v></c>')})


_TYPE = re.compile(r' t="[^"]*"')


def cleared(name: str):
    """The sheet of field or mirror ``name`` unprotected and the cell's formula cleared."""
    def book(path, template):
        sheet, cell = place(template, name)
        rewrite(path, sheets={sheet: unprotected(cell_xml(
            cell, lambda attrs, content: '<c r="%s"%s/>' % (cell, _TYPE.sub("", attrs))))})
    return book


def only_unprotected(name: str):
    def book(path, template):
        sheet, _ = place(template, name)
        rewrite(path, sheets={sheet: unprotected()})
    return book


def renamed_like_excel(sheet: str, new: str):
    """Excel and LibreOffice rename a sheet together with the names pointing into it."""
    def book(path, template):
        def fn(xml: str) -> str:
            xml = xml.replace(f'name="{sheet}"', f'name="{new}"')
            return xml.replace(f"'{sheet}'!", f"'{new}'!").replace(f">{sheet}!", f">'{new}'!")
        rewrite(path, book=fn)
    return book


def renamed_behind_names(sheet: str, new: str):
    """A program renaming the sheet and leaving its names pointing at the old name."""
    def book(path, template):
        rewrite(path, book=lambda xml: xml.replace(f'<sheet name="{sheet}"',
                                                   f'<sheet name="{new}"'))
    return book


def sheet_deleted(sheet: str):
    def book(path, template):
        def change(wb):
            del wb[sheet]
        by_openpyxl(path, change)
    return book


def sheet_added(path, template):
    by_openpyxl(path, lambda wb: wb.create_sheet("Catatan Saya"))


def rows_inserted(sheet: str, at: Callable):
    """Rows inserted on ``sheet`` at the row ``at(template)``: cells and names below move."""
    def book(path, template):
        row = at(template)

        def change(wb):
            wb[sheet].protection.sheet = False
            wb[sheet].insert_rows(row)
            shift_names(wb, sheet, row)
        by_openpyxl(path, change)
    return book


def table_grown(group: str, sheet: str):
    def book(path, template):
        by_openpyxl(path, lambda wb: grow_table(wb, template, group, sheet))
    return book


def moved_cell(sheet: str, at: Callable):
    """Where ``structure.moved`` points after rows were inserted at ``at(template)``."""
    def cell(template):
        fld = first_field_from(template, sheet, at(template))
        return sheet, a1(fld.row + 1, fld.col)
    return cell


def grown_cells(group: str, sheet: str):
    def expected(template) -> tuple[At, ...]:
        return tuple(At("structure.rows_changed", fld.name) for fld in template.fields
                     if fld.group == group and fld.sheet == sheet)
    return expected


def table_top(template) -> int:
    return template.field("hku_rhk").row


def below_everything(template) -> int:
    return max(f.row for f in template.fields + template.mirrors
               if f.sheet == "Dokumen Evaluasi") + 5


def first_row(template) -> int:
    return 1


CASES = [
    # --- identity and roster ---
    Case("skp.nip_mismatch", True, "another employee's nip",
         (At("skp.nip_mismatch", "pegawai_nip"),), set_("$.pegawai.nip", OTHER_NIP)),
    Case("skp.nip_mismatch", False, "own nip typed with spaces",
         (At("nip.spaces", "pegawai_nip"),),
         set_("$.pegawai.nip", f"{PENGAWAS_NIP[:8]} {PENGAWAS_NIP[8:14]} {PENGAWAS_NIP[14:]}"),
         roster="full"),
    Case("skp.not_in_roster", True, "roster without the employee",
         (At("skp.not_in_roster", "pegawai_nip"),), roster="without"),
    Case("skp.not_in_roster", False, "roster with the employee", (), roster="full"),
    Case("skp.unit_mismatch", True, "employee moved to another unit in the roster",
         (At("skp.unit_mismatch", "pegawai_unit_kerja"),), roster="moved"),
    Case("skp.unit_mismatch", False, "locked unit cell changed: an error, not this warning",
         (At("skp.prefilled_changed", "pegawai_unit_kerja"),),
         set_("$.pegawai.unit_kerja", OTHER_UNIT), roster="full"),
    Case("skp.period_mismatch", True, "checked for another quarter",
         (At("skp.period_mismatch"),), period="2025-Q2"),
    Case("skp.period_mismatch", False, "checked for its own quarter", (), period=PERIOD),
    Case("skp.penilai_empty", True, "no record of what was generated, no assessor",
         (At("skp.penilai_empty", "penilai_nama"),),
         edits(set_("$.meta.fingerprint", None), set_("$.meta.checks", None)), nip=HEAD_NIP),
    Case("skp.penilai_empty", False, "the unit head as generated, another cell changed",
         (At("skp.prefilled_changed", "pegawai_nama"),),
         set_("$.pegawai.nama", "HENDRA WIJAYA"), nip=HEAD_NIP),
    Case("skp.prefilled_changed", True, "name changed",
         (At("skp.prefilled_changed", "pegawai_nama"),),
         set_("$.pegawai.nama", "Sri Rahayu Ningsih")),
    Case("skp.prefilled_changed", True, "locked assessor name cleared",
         (At("skp.prefilled_changed", "penilai_nama"),), set_("$.penilai.nama", None)),
    Case("skp.prefilled_changed", True, "the assessor's NIP replaced, typed with spaces",
         (At("skp.prefilled_changed", "penilai_nip"), At("nip.spaces", "penilai_nip")),
         set_("$.penilai.nip", f"{OTHER_NIP[:8]} {OTHER_NIP[8:14]} {OTHER_NIP[14:]}")),
    Case("skp.prefilled_changed", False, "the assessor's NIP retyped with spaces: the same",
         (At("nip.spaces", "penilai_nip"),),
         set_("$.penilai.nip", f"{HEAD_NIP[:8]} {HEAD_NIP[8:14]} {HEAD_NIP[14]} {HEAD_NIP[15:]}")),
    Case("skp.prefilled_changed", False, "agency heading changed (a heading, not identity)",
         (At("skp.heading_changed", "instansi"),), set_("$.instansi", "BAWASLU")),
    Case("skp.heading_changed", True, "agency heading changed",
         (At("skp.heading_changed", "instansi"),), set_("$.instansi", "BAWASLU")),
    Case("skp.heading_changed", True, "a behaviour row's indicators retyped",
         (At("skp.heading_changed", "pk_nilai", "$.perilaku[3].nilai"),),
         set_("$.perilaku[3].nilai", "Harmonis")),
    Case("skp.heading_changed", False, "the locked identity changed: an error instead",
         (At("skp.prefilled_changed", "pegawai_jabatan"),),
         set_("$.pegawai.jabatan", "Kepala Seksi")),
    Case("skp.fingerprint", True, "no per-cell checks, locked data changed",
         (At("skp.fingerprint"),),
         edits(set_("$.meta.checks", None), set_("$.pegawai.nama", "X"))),
    Case("skp.fingerprint", False, "no per-cell checks, nothing changed", (),
         set_("$.meta.checks", None)),
    # --- hasil kerja ---
    Case("skp.no_rhk", True, "no main RHK",     # at the table's first cell
         (At("skp.no_rhk", "hku_rhk_pimpinan", f"{RHK1}.rhk_pimpinan"),),
         set_("$.hasil_kerja.utama", [])),
    Case("skp.no_rhk", False, "main RHK only, no additional", ()),
    Case("skp.rhk_without_iki", True, "an RHK with no IKI row",
         (At("skp.rhk_without_iki", "hku_aspek", f"{RHK1}.iki[0].aspek"),),
         set_(f"{RHK1}.iki", [])),
    Case("skp.rhk_without_iki", False, "an RHK with one IKI row", (),
         lambda doc: doc["hasil_kerja"]["utama"][0].__setitem__(
             "iki", doc["hasil_kerja"]["utama"][0]["iki"][:1])),
    Case("skp.target_not_number", True, "target with another unit than its satuan",
         (At("skp.target_not_number", "hku_target", iki_path(0, 0, "target")),),
         edits(set_(f"{RHK1}.iki[0].satuan", "laporan"),
               set_(f"{RHK1}.iki[0].target", "3 berkas"))),
    Case("skp.target_not_number", False, "target followed by its own satuan", (),
         edits(set_(f"{RHK1}.iki[0].satuan", "laporan"),
               set_(f"{RHK1}.iki[0].target", "3 Laporan"))),
    Case("skp.target_not_number", True, "target 1,500 (1,5 or 1500?)",
         (At("skp.target_not_number", "hku_target", iki_path(0, 0, "target")),),
         set_(f"{RHK1}.iki[0].target", "1,500")),
    Case("skp.target_not_number", False, "target 1.500 (Indonesian thousands)", (),
         set_(f"{RHK1}.iki[0].target", "1.500")),
    Case("skp.target_not_number", False, "target text on the qualitative form", (),
         template_id="ja-jf-kualitatif"),
    Case("skp.realisasi_not_number", True, "realisasi 95% where the satuan is hari",
         (At("skp.realisasi_not_number", "eku_realisasi", iki_path(0, 1, "realisasi")),),
         edits(set_(f"{RHK1}.iki[1].satuan", "hari"),
               set_(f"{RHK1}.iki[1].realisasi", "95%"))),
    Case("skp.realisasi_not_number", False, "realisasi 95% where the satuan is persen", (),
         edits(set_(f"{RHK1}.iki[1].satuan", "persen"),
               set_(f"{RHK1}.iki[1].realisasi", "95%"))),
    Case("skp.realisasi_not_number", True, "realisasi in English grouping",
         (At("skp.realisasi_not_number", "eku_realisasi", iki_path(0, 1, "realisasi")),),
         set_(f"{RHK1}.iki[1].realisasi", "1,500,000")),
    Case("skp.realisasi_not_number", False, "realisasi 12,5 and 0.75", (),
         edits(set_(f"{RHK1}.iki[1].realisasi", "12,5"),
               set_(f"{RHK1}.iki[2].realisasi", "0.75"))),
    Case("skp.satuan_missing", True, "a number target without its unit",
         (At("skp.satuan_missing", "hku_satuan", iki_path(0, 2, "satuan")),),
         set_(f"{RHK1}.iki[2].satuan", None)),
    Case("skp.satuan_missing", False, "a unit of one sign (%)", (),
         set_(f"{RHK1}.iki[2].satuan", "%")),
    Case("skp.satuan_missing", False, "no unit on the qualitative form", (),
         template_id="ja-jf-kualitatif"),
    Case("skp.realisasi_missing", True, "one IKI without realisasi",
         (At("skp.realisasi_missing", "eku_realisasi", iki_path(1, 0, "realisasi")),),
         set_("$.hasil_kerja.utama[1].iki[0].realisasi", None)),
    Case("skp.realisasi_missing", False, "a plan: no realisasi, no ratings yet", (),
         drop_realisasi),
    # --- perilaku ---
    Case("skp.perilaku_missing", True, "the seventh value removed",
         (At("skp.perilaku_missing", "pk_nilai", "$.perilaku[6].nilai"),),
         set_("$.perilaku[6].nilai", None)),
    Case("skp.perilaku_missing", True, "a value's name cut short",
         (At("skp.perilaku_missing", "pk_nilai", "$.perilaku[0].nilai"),),
         set_("$.perilaku[0].nilai", "Berorientasi")),
    Case("skp.perilaku_missing", True, "two values swapped",
         (At("skp.perilaku_missing", "pk_nilai", "$.perilaku[3].nilai"),
          At("skp.perilaku_missing", "pk_nilai", "$.perilaku[4].nilai")),
         lambda doc: doc["perilaku"].__setitem__(slice(3, 5), [
             {**doc["perilaku"][3], "nilai": doc["perilaku"][4]["nilai"]},
             {**doc["perilaku"][4], "nilai": doc["perilaku"][3]["nilai"]}])),
    Case("skp.perilaku_missing", False, "the value's name in capitals",
         (At("skp.heading_changed", "pk_nilai", "$.perilaku[6].nilai"),),
         lambda doc: doc["perilaku"][6].__setitem__("nilai", doc["perilaku"][6]["nilai"]
                                                    .replace("Kolaboratif", "KOLABORATIF"))),
    # --- ratings and predikat ---
    Case("skp.rating_missing", True, "behaviour rating not chosen",
         (At("skp.rating_missing", "rating_perilaku"),),
         edits(set_("$.evaluasi.rating_perilaku", None), set_("$.evaluasi.predikat", None))),
    Case("skp.rating_missing", False, "both chosen", ()),
    Case("skp.predikat_mismatch", True, "the predikat of another matrix cell",
         (At("skp.predikat_mismatch", "predikat"),),
         set_("$.evaluasi.predikat", MATRIX[(DI_ATAS, DI_ATAS)])),
    Case("skp.predikat_mismatch", False, "every matrix cell as the regulation gives it", (),
         nip=JPT_NIP),
    Case("skp.predikat_not_computed", True, "saved by a script",
         (At("skp.predikat_not_computed", "predikat"),), set_("$.evaluasi.predikat", None)),
    Case("skp.predikat_not_computed", False, "a rating missing: the form shows nothing",
         (At("skp.rating_missing", "rating_hasil_kerja"),),
         edits(set_("$.evaluasi.rating_hasil_kerja", None), set_("$.evaluasi.predikat", None))),
    Case("skp.rating_not_choice", True, "'diatas' typed: the form shows '?'",
         (At("skp.rating_not_choice", "rating_hasil_kerja"),),
         edits(set_("$.evaluasi.rating_hasil_kerja", "diatas"),
               set_("$.evaluasi.predikat", "?"))),
    Case("skp.rating_not_choice", True, "a trailing line break: the form shows '?'",
         (At("skp.rating_not_choice", "rating_perilaku"),),
         edits(set_("$.evaluasi.rating_perilaku", SESUAI + "\n"),
               set_("$.evaluasi.predikat", "?"))),
    Case("skp.rating_not_choice", False, "in capitals: the form's lookup ignores case", (),
         edits(set_("$.evaluasi.rating_hasil_kerja", SESUAI.upper()))),
    Case("skp.rating_not_choice", False, "in capitals, saved by a script: once calculated "
         "the form finds it", (At("skp.predikat_not_computed", "predikat"),),
         edits(set_("$.evaluasi.rating_hasil_kerja", SESUAI.upper()),
               set_("$.evaluasi.predikat", None))),
    # --- formula cells ---
    Case("skp.formula_in_input", True, "a formula typed into a realisasi cell",
         (At("skp.formula_in_input", "eku_realisasi", iki_path(0, 0, "realisasi")),),
         book=formula_into_realisasi),
    Case("skp.formula_in_input", False, "the number typed over it", (),
         book=value_into_realisasi),
    Case("skp.formula_missing", True, "the predikat formula cleared",
         (At("skp.formula_missing", "predikat"),), book=cleared("predikat")),
    Case("skp.formula_missing", True, "a name shown again on the evaluation cleared",
         (At("skp.formula_missing", "pegawai_nama_eva"),), book=cleared("pegawai_nama_eva")),
    Case("skp.formula_missing", False, "sheet unprotected, formulas kept", (),
         book=only_unprotected("predikat")),
    # --- schema ---
    Case("schema.required", True, "an IKI row without indikator and target",
         (At("schema.required", "hku_indikator", iki_path(1, 1, "indikator")),
          At("schema.required", "hku_target", iki_path(1, 1, "target"))),
         lambda doc: [iki(doc, 1, 1).pop(k) for k in ("indikator", "target")]),
    Case("schema.required", True, "an additional RHK's IKI without target",
         (At("schema.required", "hkt_target", iki_path(0, 0, "target", "tambahan")),),
         edits(add_tambahan, set_(iki_path(0, 0, "target", "tambahan"), None))),
    Case("schema.required", False, "an evaluation with nothing filled: the ratings say it",
         (At("skp.rating_missing", "rating_hasil_kerja"),
          At("skp.rating_missing", "rating_perilaku"),
          *(At("skp.realisasi_missing", "eku_realisasi", iki_path(b, i, "realisasi"))
            for b, i in ((0, 0), (0, 1), (0, 2), (1, 0), (1, 1)))),
         drop_realisasi, stage="evaluation"),
    Case("schema.enum", True, "an aspek not on the list",
         (At("schema.enum", "hku_aspek", iki_path(0, 1, "aspek")),),
         set_(f"{RHK1}.iki[1].aspek", "Mutu")),
    Case("schema.enum", True, "an organisation result not on the list",
         (At("schema.enum", "capaian_organisasi"),),
         set_("$.evaluasi.capaian_organisasi", "Luar Biasa")),
    Case("schema.enum", False, "a perspektif of the JPT form", (),
         set_(f"{RHK1}.iki[0].perspektif", PERSPEKTIF[3]), nip=JPT_NIP),
    Case("schema.format", True, "30 February",
         (At("schema.format", "pengesahan_tanggal"),), set_("$.pengesahan.tanggal", "30/02/2025")),
    Case("schema.format", False, "30 September written day first", (),
         set_("$.pengesahan.tanggal", "30/09/2025")),
    Case("schema.type", True, "the fingerprint is not a fingerprint (metadata: no cell)",
         (At("schema.type"),), set_("$.meta.fingerprint", "rusak")),
    Case("schema.type", False, "the fingerprint of other data: the cells say which",
         (At("skp.prefilled_changed", "pegawai_nama"),),
         set_("$.pegawai.nama", "Sri R.")),
    # --- structure ---
    Case("structure.sheet_missing", True, "Lampiran SKP deleted",
         (At("structure.sheet_missing", sheet="Lampiran SKP"), SCRIPT),
         book=sheet_deleted("Lampiran SKP")),
    Case("structure.sheet_missing", False, "a sheet of one's own added", (SCRIPT,),
         book=sheet_added),
    Case("structure.sheet_renamed", True, "renamed by a program, names left behind",
         (At("structure.sheet_renamed", sheet="Lampiran"),),
         book=renamed_behind_names("Lampiran SKP", "Lampiran")),
    Case("structure.sheet_renamed", False, "renamed in Excel: names follow", (),
         book=renamed_like_excel("Lampiran SKP", "Lampiran")),
    Case("structure.moved", True, "rows inserted at the top of the document sheet",
         (At("structure.moved", cell=moved_cell("Dokumen Evaluasi", first_row)), SCRIPT),
         book=rows_inserted("Dokumen Evaluasi", first_row)),
    Case("structure.moved", False, "rows inserted below the form", (SCRIPT,),
         book=rows_inserted("Dokumen Evaluasi", below_everything)),
    Case("structure.rows_changed", True, "a row inserted inside the main results", (),
         book=table_grown("hk_utama", "SKP")),
    Case("structure.rows_changed", False, "rows inserted above the table: it moves whole",
         (At("structure.moved", cell=moved_cell("SKP", table_top)), SCRIPT),
         book=rows_inserted("SKP", table_top)),
]
#: cases whose expected problems depend on the template
COMPUTED = {"structure.rows_changed-trigger-a row inserted inside the main results":
            lambda t: (*grown_cells("hk_utama", "SKP")(t), SCRIPT)}


def roster_index(world, kind: str | None, nip: str):
    if kind is None:
        return None
    index = world["roster"].by_nip()
    if kind == "without":
        del index[nip]
    elif kind == "moved":
        index[nip] = dataclasses.replace(index[nip], unit_kerja=OTHER_UNIT)
    return index


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(world, case):
    path, template = write(world, case.nip, case.edit, case.template_id)
    if case.book is not None:
        case.book(path, template)
    report = validate_file(path, period=case.period, stage=case.stage,
                           roster_index=roster_index(world, case.roster, case.nip))
    expected = COMPUTED[case.id](template) if case.id in COMPUTED else case.expected
    want = {(at.code, *at.where(template)) for at in expected}
    assert located(report) == want, [(p.code, p.sheet, p.cell, p.message()) for p in report.issues]
    assert (case.code in {at.code for at in expected}) == case.trigger
    assert report.valid == (not any(CATALOG[at.code].severity == "error" for at in expected))
    if case.trigger:
        problem = next(p for p in report.issues if p.code == case.code)
        assert problem.message("id") != problem.message("en")
        assert "{" not in problem.message("id") + problem.message("en")


def test_every_matrix_cell_is_accepted_as_the_regulation_gives_it(world):
    """A near miss for skp.predikat_mismatch on all nine cells of the matrix."""
    for pair, predikat in MATRIX.items():
        path, template = write(world, PENGAWAS_NIP, edits(
            set_("$.evaluasi.rating_hasil_kerja", pair[0]),
            set_("$.evaluasi.rating_perilaku", pair[1]), set_("$.evaluasi.predikat", predikat)))
        report = validate_file(path, period=PERIOD, keep_document=True)
        assert report.valid and not report.issues, (pair, located(report))
        assert report.document["evaluasi"]["predikat"] == predikat


def test_each_wrong_predikat_is_named_with_the_regulation_s(world):
    """skp.predikat_mismatch on every cell: any other predikat stored is refused and the
    message names the one the regulation gives."""
    for pair, predikat in MATRIX.items():
        wrong = next(p for p in MATRIX.values() if p != predikat)
        path, template = write(world, PENGAWAS_NIP, edits(
            set_("$.evaluasi.rating_hasil_kerja", pair[0]),
            set_("$.evaluasi.rating_perilaku", pair[1]), set_("$.evaluasi.predikat", wrong)))
        report = validate_file(path, period=PERIOD)
        assert located(report) == {("skp.predikat_mismatch", *place(template, "predikat"))}, pair
        assert f"menghasilkan '{predikat}'" in report.issues[0].message()


def test_labels_count_rhk_and_iki_from_one(world):
    """Messages name rows as the form numbers them: the second IKI of the second RHK."""
    path, _ = write(world, PENGAWAS_NIP, lambda doc: iki(doc, 1, 1).pop("target"))
    (problem,) = validate_file(path, period=PERIOD).issues
    assert problem.message() == "Target (utama RHK 2, IKI 2) belum diisi."
    assert problem.message("en") == "Target (utama RHK 2, IKI 2) is empty."
    path, _ = write(world, PENGAWAS_NIP, edits(add_tambahan, set_(
        iki_path(0, 0, "target", "tambahan"), None)))
    (problem,) = validate_file(path, period=PERIOD).issues
    assert problem.message() == "Target (tambahan RHK 1, IKI 1) belum diisi."


def test_a_date_cell_holding_a_plain_number_asks_for_a_date(world):
    """schema.type at a cell: the date lost its format and shows as a number."""
    path, template = write(world, PENGAWAS_NIP)
    fld = template.field("pengesahan_tanggal")

    def change(wb):
        wb[fld.sheet][fld.cell].value = 45930
        wb[fld.sheet][fld.cell].number_format = "General"
    by_openpyxl(path, change)
    report = validate_file(path, period=PERIOD)
    assert located(report) == {("schema.type", fld.sheet, fld.cell),
                               (SCRIPT.code, *SCRIPT.where(template))}
    problem = next(p for p in report.issues if p.code == "schema.type")
    assert problem.message() == "Tanggal berisi '45930', seharusnya tanggal."


def test_schema_invalid_names_the_rule_of_the_schema(world):
    """schema.invalid: a schema rule without a code of its own (a name of no characters,
    which no cell can hold: the library checks any document it is given)."""
    from skpxl.extract import extract
    from skpxl.schemacheck import schema_problems
    path, template = write(world, PENGAWAS_NIP)
    extraction = extract(path)
    assert schema_problems(extraction, "evaluation", "id", set()) == []     # near miss
    extraction.document["pegawai"]["nama"] = ""
    (problem,) = schema_problems(extraction, "evaluation", "id", set())
    assert (problem.code, problem.sheet, problem.cell) == (
        "schema.invalid", *place(template, "pegawai_nama"))
    assert problem.message().startswith("Nama pegawai: ")


def test_sheets_copied_into_a_new_file_are_one_clear_error(world):
    """Without skpxl's hidden sheet the form is recognised by its titles, but its period
    and owner cannot be checked: one error saying so and what to do (not a missing sheet
    staff never saw, nor an empty period they cannot fill), the rest checked as usual."""
    path, template = write(world, HEAD_NIP)
    sheet_deleted("_skpxl")(path, template)
    report = validate_file(path, period=PERIOD)
    assert located(report) == {("template.metadata_missing", None, None),
                               ("skp.penilai_empty", *place(template, "penilai_nama")),
                               (SCRIPT.code, *SCRIPT.where(template))}
    assert not report.valid and report.template == template.id
    assert "file asli yang dikirim bagian SDM" in report.issues[0].message()


# --- several files of one employee ------------------------------------------------------------

def test_the_same_nip_and_period_twice(world, tmp_path):
    """skp.duplicate on the file used, skp.superseded on the other: the valid one is used
    even when the invalid one is newer."""
    inbox = tmp_path / "kembali"
    inbox.mkdir()
    old, _ = write(world, PENGAWAS_NIP)
    new, _ = write(world, PENGAWAS_NIP, edits(set_("$.meta.generated_at", "2025-10-02T08:00:00"
                                                                          "+00:00"),
                                                set_(f"{RHK1}.iki[0].realisasi", None)))
    os.replace(old, inbox / "lama-sah.xlsx")
    os.replace(new, inbox / "baru-salah.xlsx")
    report = validate([inbox], period=PERIOD)
    by_name = {Path(f.path).name: f for f in report.files}
    assert [p.code for p in by_name["lama-sah.xlsx"].issues] == ["skp.duplicate"]
    assert {p.code for p in by_name["baru-salah.xlsx"].issues} == {"skp.superseded",
                                                                   "skp.realisasi_missing"}
    assert by_name["baru-salah.xlsx"].superseded_by == str(inbox / "lama-sah.xlsx")
    assert report.valid and report.stats()["invalid"] == 0


def test_newer_generated_file_wins_over_a_later_saved_one(world, tmp_path):
    """Both valid: the one generated later is used, whatever the file times say."""
    inbox = tmp_path / "kembali"
    inbox.mkdir()
    first, _ = write(world, PENGAWAS_NIP)
    second, _ = write(world, PENGAWAS_NIP, set_("$.meta.generated_at", "2025-10-02T08:00:00"
                                                                       "+00:00"))
    os.replace(first, inbox / "a.xlsx")
    os.replace(second, inbox / "b.xlsx")
    os.utime(inbox / "a.xlsx", (1_760_000_000, 1_760_000_000))    # saved later
    os.utime(inbox / "b.xlsx", (1_750_000_000, 1_750_000_000))
    report = validate([inbox], period=PERIOD)
    a, b = sorted(report.files, key=lambda f: f.path)
    assert a.superseded_by == b.path and b.superseded_by is None


def test_same_nip_in_two_periods_is_no_duplicate(world, tmp_path):
    """The near miss of skp.duplicate and skp.superseded."""
    inbox = tmp_path / "kembali"
    inbox.mkdir()
    q3, _ = write(world, PENGAWAS_NIP)
    q2, _ = write(world, PENGAWAS_NIP, set_("$.periode.kode", "2025-Q2"))
    os.replace(q3, inbox / "q3.xlsx")
    os.replace(q2, inbox / "q2.xlsx")
    report = validate([inbox])
    codes = {p.code for f in report.files for p in f.issues}
    assert not codes & {"skp.duplicate", "skp.superseded"}
    assert all(f.superseded_by is None for f in report.files)


#: codes tested outside the CASES table, by the test that does it
ELSEWHERE = {"skp.duplicate": test_the_same_nip_and_period_twice,
             "skp.superseded": test_the_same_nip_and_period_twice,
             "schema.invalid": test_schema_invalid_names_the_rule_of_the_schema}


def test_every_code_has_a_case():
    """Each skp.*, schema.* and structure.* code has a trigger and a near miss here, each
    roster.* code in tests/test_roster.py's table, each annual.* code in
    tests/test_annual.py's (docs/problems.md lists them all)."""
    from test_roster import ROSTER_CASES
    codes = {c for c in CATALOG if c.startswith(PREFIXES)}
    triggered = {c.code for c in CASES if c.trigger} | set(ELSEWHERE)
    near = {c.code for c in CASES if not c.trigger} | set(ELSEWHERE)
    assert codes == triggered, codes ^ triggered
    assert codes == near, codes ^ near
    roster_codes = {c for c in CATALOG if c.startswith("roster.")}
    assert roster_codes == {c for c, *_ in ROSTER_CASES}
    import test_annual   # the annual evaluation's codes: generate's sources, the quarters' sheet
    annual_codes = {c for c in CATALOG if c.startswith("annual.")}
    assert annual_codes == set(test_annual.ANNUAL_CASES)
    for trigger, near_miss in test_annual.ANNUAL_CASES.values():
        assert callable(getattr(test_annual, trigger)) and callable(getattr(test_annual, near_miss))


def test_every_year_recap_code_has_a_case():
    """Each year.* code, and the codes the year recap added to the angka kredit reader and
    the merge, has a trigger and a near miss in tests/test_year_recap.py's table."""
    import skpxl.yearrecap  # noqa: F401 - defines the year.* codes
    from test_year_recap import YEAR_CASES
    added = {"ak.report_year", "ak.workbook_other_period", "merge.year_report"}
    codes = {c for c in CATALOG if c.startswith("year.")} | added
    assert codes <= set(YEAR_CASES), codes - set(YEAR_CASES)
    assert set(YEAR_CASES) <= set(CATALOG)
    for trigger, near in YEAR_CASES.values():
        assert trigger.__name__.startswith("test_") and near.__name__.startswith("test_")
