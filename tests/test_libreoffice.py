"""Generated workbooks in a real spreadsheet engine: LibreOffice prints and calculates them.

Formulas are checked by what LibreOffice computes, not by what the writer cached: the
``convert`` fixture's profile makes LibreOffice recalculate every formula on load (its
default for xlsx is to trust cached results), and ``test_libreoffice_recalculates`` proves
that on planted stale results. Values are read back from LibreOffice's own xlsx output with
python-calamine, which reads cached results and never calculates.
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
import python_calamine

from regulation import DI_BAWAH, MATRIX, SESUAI
from skpxl.generate import build_document, generate
from skpxl.manifest import list_templates, load_template
from skpxl.periods import parse_period
from skpxl.roster import read_roster
from skpxl.writer import CompiledTemplate, excel_serial, sheet_parts

pytestmark = pytest.mark.libreoffice

PERIOD = "2025-Q3"
PAIRS = list(MATRIX)  # the nine (hasil kerja, perilaku) pairs of the regulation's matrix
XLSX = "xlsx:Calc MS Excel 2007 XML"


class Calculated:
    """Cell values of a workbook as LibreOffice saved them (cached results)."""

    def __init__(self, path: Path):
        self.book = python_calamine.CalamineWorkbook.from_path(str(path))
        self.sheets: dict[str, list[list]] = {}

    def at(self, sheet: str, row: int, col: int):
        if sheet not in self.sheets:
            self.sheets[sheet] = self.book.get_sheet_by_name(sheet).to_python(
                skip_empty_area=False)
        rows = self.sheets[sheet]
        if row > len(rows) or col > len(rows[row - 1]):
            return ""
        return rows[row - 1][col - 1]

    def field(self, template, name: str, index: int = 0):
        fields = {f.name: f for f in list(template.fields) + list(template.mirrors)}
        inst = list(template.instances(fields[name]))[index]
        return self.at(inst.sheet, inst.row, inst.col)


def comparable(value):
    """Dates as dates, integral floats as ints, None as "" (how calamine and docs differ)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def full_chain_document(roster_csv: Path, template) -> dict:
    """The document of an employee with assessor and atasan penilai, as generate builds it."""
    roster = read_roster(roster_csv)
    emp = next(e for e in roster.employees if roster.atasan_penilai_of(e))
    return build_document(template, parse_period(PERIOD), emp, roster.penilai_of(emp),
                          roster.atasan_penilai_of(emp), None, None,
                          generated_at="2025-10-01T08:00:00+00:00")


def rated(document: dict, hasil_kerja: str, perilaku: str) -> dict:
    document = copy.deepcopy(document)
    document.setdefault("evaluasi", {}).update(
        {"rating_hasil_kerja": hasil_kerja, "rating_perilaku": perilaku})
    return document


def test_generated_workbook_converts_to_pdf(convert, tmp_path, roster_csv, plans_csv):
    result = generate(roster_csv, PERIOD, tmp_path / "skp", plans=plans_csv, jobs=1)
    record = next(f for f in result.files if f.template == "ja-jf-kuantitatif")
    [pdf] = convert(record.path, "pdf", tmp_path / "pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 10_000
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed: PDF text not checked")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True, timeout=60).stdout
    assert record.nama in text
    assert "TRIWULAN III" in text or "30 SEPTEMBER 2025" in text
    assert "sha256:" not in text  # the hidden metadata sheet is never printed


@pytest.mark.parametrize("template_id", [t.id for t in list_templates()])
def test_predikat_and_mirrors_computed_by_libreoffice(template_id, convert, tmp_path,
                                                     roster_csv):
    template = load_template(template_id)
    compiled = CompiledTemplate(template)
    base = full_chain_document(roster_csv, template)
    sources = tmp_path / "in"
    sources.mkdir()
    cases = {sources / "blank.xlsx": None}
    for number, pair in enumerate(PAIRS):
        cases[sources / f"pair{number}.xlsx"] = pair
    for path, pair in cases.items():
        path.write_bytes(compiled.render(rated(base, *pair) if pair else base))

    outputs = convert(list(cases), XLSX, tmp_path / "out")

    got, expected = {}, {}
    for output, pair in zip(outputs, cases.values()):
        calculated = Calculated(output)
        got[pair] = calculated.field(template, "predikat")
        expected[pair] = MATRIX[pair] if pair else ""  # the regulation's, not the code's
        check_mirrors(calculated, template)
    assert got == expected


def check_mirrors(calculated: Calculated, template) -> None:
    """Every mirror cell shows its source cell (with its prefix), as LibreOffice computed."""
    sources = {f.name: f for f in template.fields}
    checked = 0
    for mirror in template.mirrors:
        source = sources[mirror.mirror]
        for index, inst in enumerate(template.instances(mirror)):
            want = comparable(calculated.field(template, source.name, index))
            got = comparable(calculated.at(inst.sheet, inst.row, inst.col))
            if want == "":
                assert got in ("", 0), (mirror.name, inst.cell, got)
                continue
            if isinstance(want, date) and not isinstance(got, date):
                want = excel_serial(want)  # a mirror cell without a date format
            if mirror.prefix:
                want = f"{mirror.prefix}{want}"
            assert got == want, (mirror.name, inst.cell)
            checked += 1
    assert checked > 10


def test_mirrors_show_the_employee(convert, tmp_path, roster_csv):
    """Sanity on the values themselves: LibreOffice's Evaluasi copy names the employee."""
    template = load_template("ja-jf-kuantitatif")
    document = full_chain_document(roster_csv, template)
    source = tmp_path / "skp.xlsx"
    source.write_bytes(CompiledTemplate(template).render(document))
    [output] = convert(source, XLSX, tmp_path / "out")
    calculated = Calculated(output)
    for mirror in template.mirrors:
        if mirror.mirror in ("pegawai_nama", "penilai_nama") and not mirror.prefix:
            person = "pegawai" if mirror.mirror == "pegawai_nama" else "penilai"
            assert calculated.field(template, mirror.name) == document[person]["nama"]


def test_libreoffice_recalculates(convert, tmp_path, roster_csv):
    """Stale cached results planted in the file are replaced by computed ones.

    Without the recalculation setting in the ``convert`` fixture LibreOffice keeps them,
    and every formula test here would only read back what skpxl's writer cached.
    """
    template = load_template("ja-jf-kuantitatif")
    document = rated(full_chain_document(roster_csv, template), DI_BAWAH, SESUAI)
    source = tmp_path / "stale.xlsx"
    source.write_bytes(CompiledTemplate(template).render(document))
    predikat = template.field("predikat")
    mirror = next(m for m in template.mirrors if m.mirror == "pegawai_nama")
    plant_cached(source, {(predikat.sheet, predikat.cell), (mirror.sheet, mirror.cell)},
                 "STALE")
    [output] = convert(source, XLSX, tmp_path / "out")
    calculated = Calculated(output)
    assert calculated.field(template, "predikat") == "Butuh Perbaikan"
    assert calculated.field(template, mirror.name) == document["pegawai"]["nama"]


def plant_cached(path: Path, cells: set[tuple[str, str]], text: str) -> None:
    """Rewrite the cached result (``<v>``) of formula cells in place."""
    with zipfile.ZipFile(path) as zf:
        members = {info.filename: zf.read(info.filename) for info in zf.infolist()}
        parts = sheet_parts(zf)
    for sheet, ref in cells:
        xml = members[parts[sheet]].decode("utf-8")

        def stale(match: re.Match) -> str:
            open_tag = re.sub(r'\s+t="[^"]*"', "", match.group(1))
            return f'{open_tag[:-1]} t="str">{match.group(2)}<v>{text}</v></c>'

        pattern = rf'(<c r="{ref}"[^>]*>)(<f>.*?</f>)\s*(?:<v>.*?</v>|<v\s*/>)?\s*</c>'
        xml, count = re.subn(pattern, stale, xml, flags=re.S)
        assert count == 1, f"{sheet}!{ref} is not a formula cell"
        members[parts[sheet]] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
