"""A real-client round trip: workbooks filled *inside LibreOffice* come back valid.

tools/lo_fill.py drives LibreOffice through its UNO API the way a staff member works: it
finds input cells through the workbook's defined names, types realisasi and umpan balik,
picks ratings from the cells' dropdown lists (the value must be one of the list's entries)
and saves as .xlsx, .ods and .xls. skpxl then has to accept those files, and the predikat
LibreOffice computed must be the matrix's. A second set of files makes the usual mistakes
and each must produce exactly its own problem, at its cell.

The UNO script runs with the Python that has LibreOffice's ``uno`` module (Debian's
``python3-uno`` for ``/usr/bin/python3``; ``SKPXL_UNO_PYTHON`` overrides), never with the
Python running the tests.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import python_calamine

from regulation import DI_ATAS, DI_BAWAH, MATRIX, SESUAI
from skpxl import domain
from skpxl.extract import extract
from skpxl.generate import generate
from skpxl.manifest import a1, load_template
from skpxl.validate import validate_file
from conftest import JPT_PLAN, run_lo_fill, staff_ops

pytestmark = pytest.mark.libreoffice

PERIOD = "2025-Q3"
SAVE_AS = {".xlsx": "Calc MS Excel 2007 XML", ".ods": "calc8", ".xls": "MS Excel 97"}

HEAD_NIP = "197805122003121002"       # JA/JF template, plan with 2 RHK and 7 IKI
PENGAWAS_NIP = "198203072006042001"   # JA/JF template, plan with 1 RHK and 3 IKI
JPT_NIP = "197011232000031001"        # JPT template, no plan: the employee types one
RATINGS = {HEAD_NIP: (DI_ATAS, DI_ATAS),
           PENGAWAS_NIP: (SESUAI, DI_BAWAH),
           JPT_NIP: (DI_BAWAH, SESUAI)}
#: mistake -> ops done after the staff's own ops
MISTAKES = {
    "nip_number": [{"op": "unprotect", "sheet": "SKP"},
                   {"op": "type", "name": "pegawai_nip", "value": float(HEAD_NIP)}],
    "rating_diatas": [{"op": "type", "name": "rating_hasil_kerja", "value": "diatas"}],
    "name_changed": [{"op": "unprotect", "sheet": "SKP"},
                     {"op": "type", "name": "pegawai_nama", "value": "HENDRA WIJAYA"}],
    "row_inserted": [{"op": "unprotect", "sheet": "SKP"},
                     {"op": "insert_rows", "name": "hku_indikator", "index": 1, "count": 1}],
}


@pytest.fixture(scope="module")
def returned(uno_python, soffice, samples_dir, tmp_path_factory) -> dict:
    """Generated workbooks filled in LibreOffice: good ones in three formats, and mistakes."""
    base = tmp_path_factory.mktemp("roundtrip")
    result = generate(samples_dir / "pegawai.csv", PERIOD, base / "skp",
                      plans=samples_dir / "rencana.csv", jobs=1)
    sources = {f.nip: Path(f.path) for f in result.files}
    jobs, good, mistakes, computed = [], {}, {}, {}
    for nip, ratings in RATINGS.items():
        targets = {suffix: base / "kembali" / suffix[1:] / f"{nip}{suffix}" for suffix in SAVE_AS}
        jobs.append({"source": str(sources[nip]), "ops": staff_ops(sources[nip], ratings),
                     "read": ["predikat"],
                     "save": [{"path": str(p), "filter": SAVE_AS[s]} for s, p in targets.items()]})
        good[nip] = targets
    head_ops = staff_ops(sources[HEAD_NIP], RATINGS[HEAD_NIP])
    for mistake, ops in MISTAKES.items():
        target = base / "salah" / f"{mistake}.xlsx"
        jobs.append({"source": str(sources[HEAD_NIP]), "ops": head_ops + ops,
                     "save": [{"path": str(target), "filter": SAVE_AS[".xlsx"]}]})
        mistakes[mistake] = target
    results = run_lo_fill(uno_python, soffice, jobs, base)
    for nip, res in zip(RATINGS, results):
        computed[nip] = res["read"]["predikat"]
    return {"base": base, "good": good, "mistakes": mistakes, "computed": computed,
            "sources": sources}


def predikat_in(path: Path) -> str:
    """The predikat cell's cached value, as a value-only reader sees it."""
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_name("Evaluasi").to_python(skip_empty_area=False)
    template = extract(path).template
    fld = template.field("predikat")
    return rows[fld.row - 1][fld.col - 1]


@pytest.mark.parametrize("suffix", list(SAVE_AS))
@pytest.mark.parametrize("nip", list(RATINGS))
def test_filled_in_libreoffice_is_valid(returned, nip, suffix):
    path = returned["good"][nip][suffix]
    report = validate_file(path, period=PERIOD, keep_document=True)
    errors = [(p.code, p.sheet, p.cell) for p in report.issues if p.severity == "error"]
    assert report.valid, errors
    assert report.nip == nip and report.stage == "evaluation"
    expected = MATRIX[RATINGS[nip]]  # the regulation's table, not the code's
    assert returned["computed"][nip] == expected  # what LibreOffice showed in the cell
    assert predikat_in(path) == expected          # what it saved
    evaluasi = report.document["evaluasi"]
    assert (evaluasi["rating_hasil_kerja"], evaluasi["rating_perilaku"]) == RATINGS[nip]
    assert evaluasi["predikat"] == expected
    first = report.document["hasil_kerja"]["utama"][0]["iki"][0]
    assert first["realisasi"] == first["target"]
    assert first["umpan_balik"] == "Sesuai target, bukti dukung terlampir"


def test_typed_plan_of_jpt_is_read_back(returned):
    report = validate_file(returned["good"][JPT_NIP][".xlsx"], keep_document=True)
    item = report.document["hasil_kerja"]["utama"][0]
    assert item["rhk"] == JPT_PLAN["rhk"]
    assert [(i["indikator"], i["target"], i["satuan"], i["perspektif"]) for i in item["iki"]] == [
        (ind, target, satuan, domain.PERSPEKTIF[n])
        for n, (ind, target, satuan) in enumerate(JPT_PLAN["iki"])]


def test_merge_reports_the_predikat_libreoffice_computed(returned, samples_dir, tmp_path):
    if importlib.util.find_spec("skpxl.merge") is None:
        pytest.skip("skpxl.merge is not there yet")
    from skpxl.merge import merge
    kota = [returned["good"][nip][".xlsx"] for nip in (HEAD_NIP, PENGAWAS_NIP)]
    output = tmp_path / "rekap.xlsx"
    merge(kota, period=PERIOD, roster=samples_dir / "pegawai.csv", output=output)
    book = python_calamine.CalamineWorkbook.from_path(str(output))
    header, *rows = book.get_sheet_by_name("Rekap Pegawai").to_python()
    column = {name: index for index, name in enumerate(header)}
    got = {row[column["NIP"]]: row[column["Predikat"]] for row in rows
           if row[column["NIP"]] in (HEAD_NIP, PENGAWAS_NIP)}
    assert got == {nip: returned["computed"][nip] for nip in (HEAD_NIP, PENGAWAS_NIP)}


def problems_of(path: Path) -> tuple[set, object]:
    report = validate_file(path, period=PERIOD, keep_document=True)
    return {(p.code, p.sheet, p.cell) for p in report.issues if p.severity == "error"}, report


def test_nip_typed_as_number(returned):
    """Typed as a number, the 18-digit NIP is kept by the spreadsheet as 1.97805122003121E+17."""
    errors, report = problems_of(returned["mistakes"]["nip_number"])
    assert errors == {("nip.scientific", *where("pegawai_nip"))}
    assert not report.valid


def test_rating_typed_freehand_is_an_error_because_the_form_shows_a_question_mark(returned):
    """``diatas`` typed over the dropdown (as a paste would): LibreOffice's predikat formula
    does not find it in the list and shows '?', so the file cannot be SAH; the error is at
    the rating cell and names the list entry to pick."""
    path = returned["mistakes"]["rating_diatas"]
    assert predikat_in(path) == "?"
    errors, report = problems_of(path)
    fld = extract(path).template.field("rating_hasil_kerja")
    assert errors == {("skp.rating_not_choice", fld.sheet, fld.cell)}
    (problem,) = [p for p in report.issues if p.severity == "error"]
    assert "'?'" in problem.message() and DI_ATAS in problem.message()


def test_locked_name_changed_after_unprotecting(returned):
    errors, _ = problems_of(returned["mistakes"]["name_changed"])
    assert errors == {("skp.prefilled_changed", *where("pegawai_nama"))}


def where(name: str, rows_down: int = 0) -> tuple[str, str]:
    """(sheet, cell) of a field of the JA/JF template (``rows_down`` rows lower)."""
    fld = load_template("ja-jf-kuantitatif").field(name)
    return fld.sheet, a1(fld.row + rows_down, fld.col)


def test_row_inserted_in_hasil_kerja(returned):
    errors, report = problems_of(returned["mistakes"]["row_inserted"])
    structure = {e for e in errors if e[0].startswith("structure.")}
    template = load_template("ja-jf-kuantitatif")
    utama = [f.name for f in template.fields if f.group == "hk_utama" and f.kind == "input"
             and f.sheet == "SKP"]   # RHK pimpinan, RHK, aspek, IKI, target, satuan
    assert len(utama) == 6
    assert structure == {("structure.rows_changed", *where(name)) for name in utama}
    warnings = {(p.code, p.sheet, p.cell) for p in report.issues if p.severity == "warning"}
    tambahan = next(f.name for f in template.fields if f.group == "hk_tambahan")
    assert ("structure.moved", *where(tambahan, 1)) in warnings  # the table moved down


def test_row_inserted_reports_only_the_structure(returned):
    errors, _ = problems_of(returned["mistakes"]["row_inserted"])
    assert {code for code, _, _ in errors} == {"structure.rows_changed"}
