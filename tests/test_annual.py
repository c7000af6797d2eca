"""The annual evaluation (issue 19 point 2): four quarters in, one annual workbook out.

A year is played for the conftest roster: each quarter's SKPs are generated with the plans,
then returned filled from the literal table :data:`QUARTERS` (ratings per quarter, a
quarter not returned, a quarter whose file is not valid, one IKI's realisasi per quarter,
a target revised in the fourth quarter), and merged into a quarterly unit report. The
annual workbooks are generated from the returned workbooks and from the reports, and read
back with openpyxl through the sheet's defined names: the expected values are the table's,
the predikat the regulation's matrix (tests/regulation.py), never skpxl's own.
"""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import (FUNGSIONAL_NIP, HEAD_NIP, PELAKSANA_NIP, PENGAWAS_NIP, PENGAWAS_RHK,
                      PLANS_HEADER, ROSTER_HEADER, UNIT_KOTA, _PLANS, _ROSTER, write_csv)

from regulation import DI_ATAS, DI_BAWAH, MATRIX, SESUAI
from skpxl.cli import cli
from skpxl.errors import UsageError
from skpxl.extract import extract
from skpxl.generate import generate
from skpxl.naming import slug
from skpxl.simulate import assessor_ratings, fill_workbook
from skpxl.validate import validate_file

YEAR = "2025"
SHEET = "Evaluasi Triwulan"
FIRST_IKI = "Jumlah laporan administrasi umum"
NOT_RETURNED, INVALID = "not returned", "invalid"

#: per NIP and quarter: the assessor's ratings, or not returned, or returned not valid
QUARTERS = {
    PENGAWAS_NIP: {1: (SESUAI, SESUAI), 2: (DI_ATAS, SESUAI), 3: (DI_ATAS, DI_ATAS),
                   4: (DI_BAWAH, SESUAI)},
    PELAKSANA_NIP: {1: (SESUAI, DI_BAWAH), 2: NOT_RETURNED, 3: INVALID, 4: (DI_ATAS, SESUAI)},
    FUNGSIONAL_NIP: {1: NOT_RETURNED, 2: NOT_RETURNED, 3: NOT_RETURNED, 4: NOT_RETURNED},
}
#: everyone else: Sesuai/Sesuai every quarter
USUAL = (SESUAI, SESUAI)
#: the Pengawas's realisasi per IKI and quarter, and the first IKI's target revised in IV
SECOND_IKI = "Persentase laporan diterima tanpa revisi"
REALISASI = {FIRST_IKI: {1: 2, 2: 3, 3: 4, 4: 3.5}, SECOND_IKI: {1: 85, 2: 90, 3: 95, 4: 100}}
TARGET_Q4 = 4

#: what the Evaluasi Triwulan sheet must show (the predikat from the regulation's matrix)
SHOWN = {
    PENGAWAS_NIP: {
        "tw_rating_hasil_kerja": [SESUAI, DI_ATAS, DI_ATAS, DI_BAWAH],
        "tw_rating_perilaku": [SESUAI, SESUAI, DI_ATAS, SESUAI],
        "tw_predikat": ["Baik", "Baik", "Sangat Baik", "Butuh Perbaikan"],
        FIRST_IKI: ["2", "3", "4", "3,5"], SECOND_IKI: ["85", "90", "95", "100"]},
    PELAKSANA_NIP: {
        "tw_rating_hasil_kerja": [SESUAI, "tidak ada", "tidak sah", DI_ATAS],
        "tw_rating_perilaku": [DI_BAWAH, "tidak ada", "tidak sah", SESUAI],
        "tw_predikat": ["Kurang/Misconduct", "tidak ada", "tidak sah", "Baik"]},
    FUNGSIONAL_NIP: {
        "tw_rating_hasil_kerja": ["tidak ada"] * 4, "tw_rating_perilaku": ["tidak ada"] * 4,
        "tw_predikat": ["tidak ada"] * 4},
}
QUARTER_HEADINGS = ["TRIWULAN I 2025", "TRIWULAN II 2025", "TRIWULAN III 2025",
                    "TRIWULAN IV 2025"]


def _edit(nip: str, quarter: int, ratings):
    def edit(doc):
        doc["evaluasi"]["predikat"] = MATRIX[ratings]   # the form's value, from the matrix
        if nip != PENGAWAS_NIP:
            return
        first, second = doc["hasil_kerja"]["utama"][0]["iki"][:2]
        assert (first["indikator"], second["indikator"]) == (FIRST_IKI, SECOND_IKI)
        first["realisasi"] = REALISASI[FIRST_IKI][quarter]
        second["realisasi"] = REALISASI[SECOND_IKI][quarter]
        if quarter == 4:
            first["target"] = TARGET_Q4
    return edit


@pytest.fixture(scope="module")
def year(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("year")
    roster = write_csv(base / "pegawai.csv", ROSTER_HEADER, _ROSTER)
    plans = write_csv(base / "rencana.csv", PLANS_HEADER, _PLANS)
    rng = random.Random(19)
    returned, reports = [], []
    for quarter in range(1, 5):
        period = f"{YEAR}-Q{quarter}"
        sent = generate(roster, period, base / f"skp{quarter}", plans=plans)
        folder = base / f"tw{quarter}"
        for record in sent.files:
            plan = QUARTERS.get(record.nip, {}).get(quarter, USUAL)
            if plan == NOT_RETURNED:
                continue
            target = folder / Path(record.path).parent.name / Path(record.path).name
            if plan == INVALID:
                fill_workbook(Path(record.path), target, rng=rng, mistake="rating_missing")
            else:
                fill_workbook(Path(record.path), target, rng=rng, ratings=plan,
                              edit=_edit(record.nip, quarter, plan))
        returned.append(folder)
        from skpxl.merge import merge
        report = base / f"laporan-tw{quarter}.xlsx"
        merge([folder / slug(UNIT_KOTA)], period=period, roster=roster, output=report)
        reports.append(report)
    from_workbooks = generate(roster, YEAR, base / "tahunan", previous=returned)
    from_reports = generate(roster, YEAR, base / "tahunan-laporan", previous=reports,
                            unit=UNIT_KOTA)
    return {"base": base, "roster": roster, "returned": returned, "reports": reports,
            "workbooks": from_workbooks, "from_reports": from_reports}


def annual_file(result, nip: str) -> Path:
    return Path(next(f.path for f in result.files if f.nip == nip))


def named(path: Path, name: str) -> list[list]:
    """The values of defined name ``name`` (rows of cells), read with openpyxl."""
    wb = openpyxl.load_workbook(path)
    ((sheet, ref),) = list(wb.defined_names[name].destinations)
    cells = wb[sheet][ref.replace("$", "")]
    cells = cells if isinstance(cells, tuple) else ((cells,),)
    return [[c.value for c in (row if isinstance(row, tuple) else (row,))] for row in cells]


def column(path: Path, name: str) -> list:
    return [row[0] for row in named(path, name)]


def realisasi_of(path: Path, indikator: str) -> list:
    rows = named(path, "tw_realisasi")
    return rows[column(path, "tw_indikator").index(indikator)]


@pytest.mark.parametrize("source", ["workbooks", "from_reports"])
@pytest.mark.parametrize("nip", [PENGAWAS_NIP, PELAKSANA_NIP, FUNGSIONAL_NIP])
def test_the_quarters_are_shown_as_they_were(year, source, nip):
    path = annual_file(year[source], nip)
    assert column(path, "tw_triwulan") == QUARTER_HEADINGS
    for name in ("tw_rating_hasil_kerja", "tw_rating_perilaku", "tw_predikat"):
        assert column(path, name) == SHOWN[nip][name], name
    if nip == PENGAWAS_NIP:
        for indikator in REALISASI:
            assert realisasi_of(path, indikator) == SHOWN[nip][indikator], indikator
    if nip == PELAKSANA_NIP:   # a quarter missing or not valid shows no numbers
        for row in named(path, "tw_realisasi"):
            assert row[1:3] == ["tidak ada", "tidak sah"]
            assert all(isinstance(v, str) and v[0].isdigit() for v in (row[0], row[3]))


@pytest.mark.parametrize("source", ["workbooks", "from_reports"])
def test_the_latest_quarters_plan_is_carried_forward_and_the_year_left_to_fill(year, source):
    path = annual_file(year[source], PENGAWAS_NIP)
    doc = extract(path).document
    assert doc["periode"]["kode"] == YEAR and doc["periode"]["label"] == "TAHUNAN"
    (item,) = doc["hasil_kerja"]["utama"]
    assert item["rhk"] == PENGAWAS_RHK
    expected = [row[5] for row in _PLANS if row[0] == PENGAWAS_NIP]
    assert [iki["indikator"] for iki in item["iki"]] == expected
    assert item["iki"][0]["target"] == TARGET_Q4      # quarter IV's revised target
    for iki in item["iki"]:
        assert "realisasi" not in iki and "umpan_balik" not in iki
    evaluasi = doc.get("evaluasi") or {}
    assert not evaluasi.get("rating_hasil_kerja") and not evaluasi.get("rating_perilaku")
    assert not evaluasi.get("predikat")


def test_the_quarters_sheet_is_locked_and_printed(year):
    from skpxl.engines import default_sheets
    path = annual_file(year["workbooks"], PENGAWAS_NIP)
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    assert ws.protection.sheet
    assert all(cell.protection.locked for row in ws.iter_rows() for cell in row)
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 and ws.print_area
    assert default_sheets(path)[-1] == SHEET
    assert wb.sheetnames.index(SHEET) == wb.sheetnames.index("Dokumen Evaluasi") + 1
    from skpxl.templatecheck import check_template
    assert check_template(path).ok      # skpxl template check accepts the extra sheet
    quarterly = next(Path(p) for p in (year["returned"][0]).rglob("*.xlsx"))
    assert SHEET not in openpyxl.load_workbook(quarterly, read_only=True).sheetnames
    assert SHEET not in default_sheets(quarterly)


def test_an_employee_without_any_quarter_still_gets_a_workbook(year):
    record = next(f for f in year["workbooks"].files if f.nip == FUNGSIONAL_NIP)
    assert record.status == "written"
    assert [(p.code, p.params["nip"]) for p in record.problems] == \
        [("annual.no_quarters", FUNGSIONAL_NIP)]
    others = [p.code for f in year["workbooks"].files if f.nip != FUNGSIONAL_NIP
              for p in f.problems]
    assert others == []            # near miss: everyone with a quarter gets no such note
    assert year["workbooks"].problems == [] and year["workbooks"].ok
    doc = extract(Path(record.path)).document
    assert doc["hasil_kerja"]["utama"] == [] or not doc["hasil_kerja"]["utama"]


def test_filled_annual_workbook_validates_like_a_quarter(year, tmp_path):
    """The assessor's ratings typed into the annual workbook (openpyxl): SAH for the year,
    and the quarters' sheet is no problem at all."""
    from skpxl.manifest import load_template
    source = annual_file(year["workbooks"], PENGAWAS_NIP)
    template = load_template(extract(source).template.id)
    wb = openpyxl.load_workbook(source)
    doc = extract(source).document

    def put(name, value, path=None):
        fld = template.field(name)
        inst = next(i for i in template.instances(fld) if path is None or i.path == path)
        wb[fld.sheet][inst.cell] = value
    for b, item in enumerate(doc["hasil_kerja"]["utama"]):
        for i, iki in enumerate(item["iki"]):
            base = f"$.hasil_kerja.utama[{b}].iki[{i}]"
            put("eku_realisasi", iki["target"], f"{base}.realisasi")
            put("eku_umpan_balik", "Sesuai target", f"{base}.umpan_balik")
    for n in range(len(doc["perilaku"])):
        put("pk_umpan_balik", "Baik", f"$.perilaku[{n}].umpan_balik")
    put("capaian_organisasi", "Baik")
    put("rating_hasil_kerja", DI_ATAS)
    put("rating_perilaku", SESUAI)
    target = tmp_path / source.name
    wb.save(target)
    report = validate_file(target, period=YEAR)
    assert report.valid, [p.code for p in report.issues]
    # openpyxl keeps no formula results: the form's predikat is just "not computed"
    assert [p.code for p in report.issues] == ["skp.predikat_not_computed"]
    assert validate_file(target, period="2025-Q4").valid is False   # near miss: the period


def test_simulated_assessor_follows_the_quarters_and_is_valid(year, tmp_path):
    source = annual_file(year["workbooks"], PENGAWAS_NIP)
    target = tmp_path / source.name
    doc = fill_workbook(source, target, rng=random.Random(5))
    # quarters: hasil kerja S, A, A, B -> A (most often); perilaku S, S, A, S -> S
    assert (doc["evaluasi"]["rating_hasil_kerja"], doc["evaluasi"]["rating_perilaku"]) == \
        (DI_ATAS, SESUAI)
    report = validate_file(target, period=YEAR)
    assert report.valid and report.issues == []
    assert extract(target).document["evaluasi"]["predikat"] == MATRIX[(DI_ATAS, SESUAI)]
    assert column(target, "tw_predikat") == SHOWN[PENGAWAS_NIP]["tw_predikat"]


@pytest.mark.parametrize("quarters,expected", [
    ([(SESUAI, SESUAI), (DI_ATAS, SESUAI), (DI_ATAS, DI_ATAS), (DI_BAWAH, SESUAI)],
     (DI_ATAS, SESUAI)),
    ([(SESUAI, SESUAI), (DI_ATAS, DI_ATAS)], (DI_ATAS, DI_ATAS)),     # a tie: the later
    ([(DI_BAWAH, DI_ATAS)], (DI_BAWAH, DI_ATAS)),
    ([], None),
])
def test_assessor_ratings_in_the_light_of_the_quarters(quarters, expected):
    assert assessor_ratings(quarters) == expected


def test_merge_reads_annual_workbooks_into_the_same_records(year, tmp_path):
    """skpxl.consolidate (merge's reading) takes filled annual workbooks like a quarter's."""
    from skpxl.consolidate import VALID, reduce_unit, submissions
    from skpxl.periods import parse_period
    from skpxl.roster import read_roster
    folder = tmp_path / "kembali"
    ratings = {PENGAWAS_NIP: (DI_ATAS, SESUAI), HEAD_NIP: (DI_BAWAH, DI_BAWAH)}
    for nip, pair in ratings.items():
        source = annual_file(year["workbooks"], nip)
        fill_workbook(source, folder / source.name, rng=random.Random(1), ratings=pair,
                      edit=lambda doc, pair=pair: doc["evaluasi"].update(predikat=MATRIX[pair]))
    files = [(p, p.name, str(folder)) for p in sorted(folder.glob("*.xlsx"))]
    subs = submissions(files, period=YEAR, months=12, roster_ref=str(year["roster"]),
                       lang="id", work=1, progress=None)
    roster = read_roster(year["roster"])
    data = reduce_unit(UNIT_KOTA, subs, period=parse_period(YEAR), roster=roster)
    rows = {row[0]: row for row in data.rekap if row[-1] == VALID}
    assert set(rows) == set(ratings)
    for nip, pair in ratings.items():
        assert rows[nip][10:13] == (*pair, MATRIX[pair])
    assert data.summary.valid == 2 and data.summary.period == YEAR
    assert {row[0] for row in data.hasil} == set(ratings)


# --- bad input: each a precise problem, nothing lost -----------------------------------------

#: each annual.* code: the test that triggers it and the one with its near miss (held to
#: the catalogue by tests/test_problem_codes.py::test_every_code_has_a_case)
ANNUAL_CASES = {
    "annual.other_period": ("test_a_file_of_another_year_is_not_used",) * 2,
    "annual.duplicate": ("test_two_files_for_one_quarter_the_newest_is_used_and_named",) * 2,
    "annual.source_rejected": ("test_a_tampered_report_is_refused",
                               "test_a_tampered_report_is_refused"),
    "annual.no_quarters": ("test_an_employee_without_any_quarter_still_gets_a_workbook",) * 2,
    "annual.quarters_changed": ("test_the_quarters_sheet_edited_is_one_warning",) * 2,
}


def codes(result) -> list[tuple[str, dict]]:
    return [(p.code, p.params) for p in result.problems]


def one_file(year, quarter: int, nip: str) -> Path:
    return next(p for p in year["returned"][quarter - 1].rglob(f"{nip}_*.xlsx"))


def test_a_file_of_another_year_is_not_used(year, tmp_path):
    other = tmp_path / "2024"
    sent = generate(year["roster"], "2024-Q4", tmp_path / "skp2024", unit=UNIT_KOTA)
    source = Path(next(f.path for f in sent.files if f.nip == PENGAWAS_NIP))
    fill_workbook(source, other / source.name, rng=random.Random(2), ratings=USUAL)
    result = generate(year["roster"], YEAR, tmp_path / "out", unit=UNIT_KOTA,
                      previous=[*year["returned"], other])
    assert codes(result) == [("annual.other_period", {
        "file": source.name, "found": "2024-Q4", "year": 2025})]
    assert not result.ok and result.count("written") == 5     # nothing lost
    path = annual_file(result, PENGAWAS_NIP)
    assert column(path, "tw_predikat") == SHOWN[PENGAWAS_NIP]["tw_predikat"]
    # near miss: the same employee's own 2025-Q4 file given on its own is used
    near = generate(year["roster"], YEAR, tmp_path / "near", unit=UNIT_KOTA,
                    previous=[one_file(year, 4, PENGAWAS_NIP)])
    assert near.problems == [] and near.ok


def test_two_files_for_one_quarter_the_newest_is_used_and_named(year, tmp_path):
    first = one_file(year, 1, PENGAWAS_NIP)
    folder = tmp_path / "tw1"
    shutil.copytree(year["returned"][0], folder)
    copy = folder / "kiriman-ulang.xlsx"
    fill_workbook(first, copy, rng=random.Random(3), ratings=(DI_BAWAH, DI_BAWAH),
                  edit=lambda doc: doc["evaluasi"].update(predikat=MATRIX[(DI_BAWAH, DI_BAWAH)]))
    later = first.stat().st_mtime + 60
    os.utime(copy, (later, later))
    result = generate(year["roster"], YEAR, tmp_path / "out", unit=UNIT_KOTA,
                      previous=[folder, *year["returned"][1:]])
    ((code, params),) = codes(result)
    assert code == "annual.duplicate" and params["used"] == "kiriman-ulang.xlsx"
    assert (params["nip"], params["quarter"], params["count"]) == (PENGAWAS_NIP, 1, 2)
    assert result.ok      # a warning: the newer file is used, and said so
    path = annual_file(result, PENGAWAS_NIP)
    assert column(path, "tw_predikat")[0] == "Sangat Kurang"
    # near miss: one file per employee and quarter, however many employees
    assert year["workbooks"].problems == []


def test_a_tampered_report_is_refused(year, tmp_path):
    tampered = tmp_path / "laporan-tw1.xlsx"
    shutil.copyfile(year["reports"][0], tampered)
    wb = openpyxl.load_workbook(tampered)
    ws = wb["Rekap Pegawai"]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "Kurang/Misconduct")
    cell.value = "Sangat Baik"
    wb.save(tampered)
    result = generate(year["roster"], YEAR, tmp_path / "out", unit=UNIT_KOTA,
                      previous=[tampered, *year["reports"][1:]])
    ((code, params),) = codes(result)
    assert code == "annual.source_rejected" and params["file"] == "laporan-tw1.xlsx"
    assert "diubah" in params["reason"]
    path = annual_file(result, PELAKSANA_NIP)
    assert column(path, "tw_predikat")[0] == "tidak ada"   # its numbers are not used
    assert year["from_reports"].problems == []              # near miss: the untouched report


def test_a_file_that_is_no_skp_is_refused(year, tmp_path):
    stray = tmp_path / "catatan.xlsx"
    openpyxl.Workbook().save(stray)
    result = generate(year["roster"], YEAR, tmp_path / "out", unit=UNIT_KOTA,
                      previous=[stray, one_file(year, 4, PENGAWAS_NIP)])
    assert [(c, p["file"]) for c, p in codes(result)] == [("annual.source_rejected",
                                                           "catatan.xlsx")]


def test_the_quarters_sheet_edited_is_one_warning(year, tmp_path):
    source = annual_file(year["workbooks"], PELAKSANA_NIP)
    edited, resaved = tmp_path / "diubah.xlsx", tmp_path / "disimpan.xlsx"
    wb = openpyxl.load_workbook(source)
    wb.save(resaved)                                  # near miss: saved, nothing changed
    ((sheet, ref),) = list(wb.defined_names["tw_predikat"].destinations)
    wb[sheet][ref.replace("$", "").split(":")[0]].value = "Sangat Baik"
    wb.save(edited)
    report = validate_file(edited, period=YEAR)
    assert [(p.code, p.sheet) for p in report.issues] == [("annual.quarters_changed", SHEET)]
    assert report.valid       # a warning: the annual evaluation is checked as usual
    assert validate_file(resaved, period=YEAR).issues == []
    wb = openpyxl.load_workbook(source)     # a realisasi typed over
    ((sheet, ref),) = list(wb.defined_names["tw_realisasi"].destinations)
    wb[sheet][ref.replace("$", "").split(":")[0]].value = "99"
    wb.save(edited)
    assert [p.code for p in validate_file(edited, period=YEAR).issues] == \
        ["annual.quarters_changed"]


def test_cli_names_the_problems_and_exits_1_for_an_unusable_source(year, tmp_path):
    stray = tmp_path / "catatan.xlsx"
    openpyxl.Workbook().save(stray)
    runner = CliRunner()
    args = ["generate", str(year["roster"]), "--period", YEAR, "--unit", UNIT_KOTA,
            "-o", str(tmp_path / "out"), "--previous", str(stray)]
    for folder in year["returned"]:
        args += ["--previous", str(folder)]
    done = runner.invoke(cli, args)
    assert done.exit_code == 1, done.output
    assert "catatan.xlsx tidak dipakai untuk evaluasi tahunan" in done.output
    assert "5 dibuat" in done.output
    english = runner.invoke(cli, [*args[:-1], str(year["returned"][-1]), "--lang", "en",
                                  "--force"])
    assert "catatan.xlsx is not used for the annual evaluation" in english.output


def test_quarterly_previous_stays_one_folder(year, tmp_path):
    with pytest.raises(UsageError):
        generate(year["roster"], "2026-Q1", tmp_path / "out", previous=year["returned"][:2])
    done = CliRunner().invoke(cli, ["generate", str(year["roster"]), "--period", "2026-Q1",
                                    "-o", str(tmp_path / "o"), "--previous",
                                    str(year["reports"][0])])
    assert done.exit_code == 2
    result = generate(year["roster"], "2026-Q1", tmp_path / "ok", previous=year["returned"][3])
    assert result.ok and SHEET not in openpyxl.load_workbook(
        annual_file(result, PENGAWAS_NIP), read_only=True).sheetnames


def test_english_quarters_sheet(year, tmp_path):
    result = generate(year["roster"], YEAR, tmp_path / "en", unit=UNIT_KOTA, lang="en",
                      previous=year["returned"])
    path = annual_file(result, PELAKSANA_NIP)
    assert column(path, "tw_predikat") == ["Kurang/Misconduct", "none", "not valid", "Baik"]
    assert column(path, "tw_triwulan")[0] == "QUARTER I 2025"


# --- through LibreOffice: typed by an assessor, and printed ----------------------------------

@pytest.mark.libreoffice
def test_assessor_fills_the_year_in_libreoffice_and_it_is_valid(year, uno_python, soffice,
                                                                 tmp_path):
    """Typed and picked in LibreOffice (the form's predikat formula computes): SAH for the
    year, predikat the regulation's, the quarters' sheet still as skpxl wrote it."""
    from conftest import run_lo_fill, staff_ops
    source = annual_file(year["workbooks"], PENGAWAS_NIP)
    ratings = (DI_ATAS, DI_BAWAH)
    saved = tmp_path / "tahunan.xlsx"
    (result,) = run_lo_fill(uno_python, soffice, [{
        "source": str(source), "ops": staff_ops(source, ratings), "read": ["predikat"],
        "save": [{"path": str(saved), "filter": "Calc MS Excel 2007 XML"}]}], tmp_path)
    assert result["read"]["predikat"] == MATRIX[ratings]
    report = validate_file(saved, period=YEAR)
    assert report.valid and report.issues == [], [p.code for p in report.issues]
    assert extract(saved).document["evaluasi"]["predikat"] == MATRIX[ratings]
    assert column(saved, "tw_predikat") == SHOWN[PENGAWAS_NIP]["tw_predikat"]
    # simulate on a file LibreOffice saved: its sheet's texts are shared strings now, so
    # the sheet is not carried over (nothing broken, the copy still validates)
    again = tmp_path / "lagi.xlsx"
    fill_workbook(saved, again, rng=random.Random(4), ratings=ratings,
                  edit=lambda doc: doc["evaluasi"].update(predikat=MATRIX[ratings]))
    assert validate_file(again, period=YEAR).valid


@pytest.mark.libreoffice
def test_the_annual_workbook_prints_with_its_quarters(year, convert, tmp_path):
    """Printed by LibreOffice: the form's pages as in quarter IV, then one landscape page of
    the quarters, at 7 pt or more, each page with agency, unit, the year and its dates and
    "Halaman N dari M"."""
    from pdfpages import page_texts, smallest_fonts
    annual = tmp_path / "tahunan.xlsx"
    quarter = tmp_path / "triwulan-iv.xlsx"
    shutil.copyfile(annual_file(year["workbooks"], PELAKSANA_NIP), annual)
    shutil.copyfile(one_file(year, 4, PELAKSANA_NIP), quarter)
    pdf, pdf_q4 = convert([annual, quarter], "pdf", tmp_path / "pdf")
    pages = [" ".join(text.split()) for text in page_texts(pdf)]
    assert len(pages) == len(page_texts(pdf_q4)) + 1
    assert min(smallest_fonts(pdf)) >= 7.0, smallest_fonts(pdf)
    for number, text in enumerate(pages, start=1):
        assert "BADAN PENGAWAS PEMILIHAN UMUM" in text and UNIT_KOTA in text, number
        assert "TAHUN 2025 · 1 Januari – 31 Desember 2025" in text, number
        assert f"Halaman {number} dari {len(pages)}" in text, number
    last = pages[-1]
    assert "EVALUASI KINERJA TRIWULAN SEBAGAI BAHAN EVALUASI KINERJA TAHUNAN" in last
    for heading in QUARTER_HEADINGS:
        assert heading in last
    assert "1 April – 30 Juni 2025" in last and "tidak ada" in last and "tidak sah" in last
    assert "Agus Setiawan" in last
    # the Evaluasi and Dokumen Evaluasi name the period as Period.heading() gives a year
    assert sum("PERIODE: TAHUN 2025 · 1 Januari – 31 Desember 2025" in p for p in pages) == 2


def test_workbooks_and_the_reports_made_from_them_together_are_no_duplicates(year, tmp_path):
    result = generate(year["roster"], YEAR, tmp_path / "both", unit=UNIT_KOTA,
                      previous=[*year["returned"], *year["reports"]])
    assert result.problems == []
    for nip in (PENGAWAS_NIP, PELAKSANA_NIP):
        assert column(annual_file(result, nip), "tw_predikat") == SHOWN[nip]["tw_predikat"]


@pytest.mark.libreoffice
def test_a_long_year_of_sentences_breaks_between_rows_with_the_headings_atop(year, convert,
                                                                            tmp_path):
    """Forty IKI with sentences for realisasi (a kualitatif plan): the sheet's own page
    breaks are the only ones LibreOffice makes, the table's headings repeat on every page,
    and a section heading never ends a page."""
    from pdfpages import page_texts, smallest_fonts
    from skpxl.engines import select_sheets
    from skpxl.quartersheet import add_to_workbook
    source = one_file(year, 4, PENGAWAS_NIP)            # any rendered form will do
    extraction = extract(source)
    sentence = "Tercapai sesuai target dengan bukti dukung lengkap terlampir pada sistem"
    view = {"quarters": [{"quarter": q, "heading": h, "dates": "", "status": "sah",
                          "rating_hasil_kerja": SESUAI, "rating_perilaku": SESUAI,
                          "predikat": "Baik"} for q, h in enumerate(QUARTER_HEADINGS, 1)],
            "rows": [{"section": "utama" if n < 8 else "tambahan",
                      "rhk": f"Rencana hasil kerja nomor {n // 4 + 1} yang cukup panjang",
                      "indikator": f"Indikator {n + 1} yang cukup panjang untuk dua baris",
                      "target": f"Target kualitatif {n + 1} tercapai", "satuan": None,
                      "realisasi": [sentence, sentence, "tidak sah", "tidak ada"]}
                     for n in range(40)]}
    whole = tmp_path / "panjang.xlsx"
    whole.write_bytes(add_to_workbook(
        source.read_bytes(), view, extraction.document, metadata_sheet="_skpxl",
        evaluasi_sheet=extraction.template.field("rating_hasil_kerja").sheet))
    breaks = len(openpyxl.load_workbook(whole)[SHEET].row_breaks.brk)
    only = tmp_path / "lembar.xlsx"
    select_sheets(whole, only, (SHEET,))
    (pdf,) = convert([only], "pdf", tmp_path / "pdf")
    pages = [" ".join(text.split()) for text in page_texts(pdf)]
    assert breaks >= 3 and len(pages) == breaks + 1
    assert min(smallest_fonts(pdf)) >= 7.0
    for number, text in enumerate(pages, start=1):
        assert "TARGET" in text and "TW IV" in text and f"Halaman {number} dari" in text
    tambahan = next(text for text in pages if "HASIL KERJA TAMBAHAN" in text)
    assert "Indikator 9 yang" in tambahan.split("HASIL KERJA TAMBAHAN", 1)[1]
    assert "Indikator 40 yang" in pages[-1]
