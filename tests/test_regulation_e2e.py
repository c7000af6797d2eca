"""End to end against the regulation: workbooks filled from the literal matrix, then
validate's and merge's predikat and angka kredit compared with the literal tables.

Ten employees of one unit: a head (Administrator: no angka kredit, though the roster still
gives a jenjang) and nine jabatan fungsional staff, one per cell of the 3x3 matrix, spread
over all eight jenjang. Each
workbook is the employee's generated SKP, filled through the template (realisasi, feedback
by the simulator), with both ratings and the predikat cell written from
``tests/regulation.py``, not from ``skpxl.domain``. A wrong matrix cell in the code then
shows as a rejected workbook, a wrong percentage or coefficient as a wrong angka kredit.
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from pathlib import Path

import pytest
import python_calamine

from conftest import ROSTER_HEADER, write_csv
from regulation import DI_ATAS, DI_BAWAH, MATRIX, PREDIKAT, SESUAI, ak_close
from skpxl.generate import build_document
from skpxl.manifest import choose_template, load_template
from skpxl.merge import merge
from skpxl.periods import parse_period
from skpxl.roster import read_roster
from skpxl.simulate import filled_document
from skpxl.validate import validate
from skpxl.writer import CompiledTemplate

UNIT = "Sekretariat Bawaslu Kota Batu"
INSTANSI = "Badan Pengawas Pemilihan Umum"
HEAD = "197805122003121002"

#: nip -> (jenjang, (rating hasil kerja, rating perilaku), AK for a quarter, AK for a year);
#: the AK worked out by hand: percentage x coefficient x months/12
STAFF = {
    "199001152015031001": ("Ahli Pertama", (DI_ATAS, DI_ATAS), 4.6875, 18.75),
    "199002152015032001": ("Ahli Muda", (DI_ATAS, SESUAI), 6.25, 25),
    "199003152015031001": ("Terampil", (DI_ATAS, DI_BAWAH), 0.625, 2.5),
    "199004152015032001": ("Mahir", (SESUAI, DI_ATAS), 3.125, 12.5),
    "199005152015031001": ("Penyelia", (SESUAI, SESUAI), 6.25, 25),
    "199006152015032001": ("Ahli Madya", (SESUAI, DI_BAWAH), 4.6875, 18.75),
    "199007152015031001": ("Ahli Utama", (DI_BAWAH, DI_ATAS), 9.375, 37.5),
    "199008152015032001": ("Pemula", (DI_BAWAH, SESUAI), 0.703125, 2.8125),
    "199009152015031001": ("Ahli Pertama", (DI_BAWAH, DI_BAWAH), 0.78125, 3.125),
}
HEAD_RATINGS = (SESUAI, DI_ATAS)
PERIODS = {"2025-Q3": 2, "2025": 3}  # period -> index of the expected AK in STAFF


def roster_rows() -> list[list[str]]:
    rows = [[HEAD, "Dr. Hendra Wijaya, S.H., M.H.", "PNS", "Pembina Tk. I (IV/b)",
             "Koordinator Sekretariat", "Administrator", "Ahli Madya", UNIT, INSTANSI, ""]]
    for number, (nip, (jenjang, _, _, _)) in enumerate(STAFF.items(), 1):
        rows.append([nip, f"Pegawai Fungsional {number}", "PNS", "Penata Muda (III/a)",
                     f"Analis Pengawasan {jenjang}", "Fungsional", jenjang, UNIT, INSTANSI,
                     HEAD])
    return rows


def ratings_of(nip: str) -> tuple[str, str]:
    return HEAD_RATINGS if nip == HEAD else STAFF[nip][1]


def fill_from_the_literal_table(roster_path: Path, period: str, folder: Path) -> dict:
    """One workbook per employee, ratings and predikat from :data:`MATRIX`; nip -> path."""
    roster = read_roster(roster_path)
    assert roster.ok, roster.problems
    rng = random.Random(21)
    paths = {}
    for emp in roster.employees:
        template = load_template(choose_template(emp.jenis_jabatan, emp.pendekatan))
        penilai = roster.penilai_of(emp)
        document = build_document(template, parse_period(period), emp, penilai,
                                  roster.atasan_penilai_of(emp) if penilai else None, None,
                                  None, generated_at="2025-10-01T08:00:00+00:00")
        pair = ratings_of(emp.nip)
        document = filled_document(document, template, rng, ratings=pair)
        document["evaluasi"]["predikat"] = MATRIX[pair]
        paths[emp.nip] = folder / f"{emp.nip}.xlsx"
        paths[emp.nip].write_bytes(CompiledTemplate(template).render(document))
        assert cell_value(paths[emp.nip], template, "predikat") == MATRIX[pair]
    return paths


def cell_value(path: Path, template, name: str):
    """What a value-only reader finds in the cell of field ``name``."""
    fld = template.field(name)
    rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(
        fld.sheet).to_python(skip_empty_area=False)
    return rows[fld.row - 1][fld.col - 1]


@pytest.fixture(scope="module", params=list(PERIODS))
def returned(request, tmp_path_factory):
    period = request.param
    base = tmp_path_factory.mktemp(f"regulation-{period}")
    roster_path = write_csv(base / "pegawai.csv", ROSTER_HEADER, roster_rows())
    folder = base / "kembali"
    folder.mkdir()
    return period, roster_path, fill_from_the_literal_table(roster_path, period, folder), base


def test_validate_accepts_the_regulation_s_predikat(returned):
    period, roster_path, paths, _ = returned
    report = validate([paths[HEAD].parent], roster=roster_path, period=period,
                      keep_documents=True)
    by_nip = {f.nip: f for f in report.files}
    assert set(by_nip) == set(paths)
    for nip, file in by_nip.items():
        errors = [(p.code, p.cell) for p in file.issues if p.severity == "error"]
        assert file.valid and not errors, (nip, ratings_of(nip), errors)
        evaluasi = file.document["evaluasi"]
        assert (evaluasi["rating_hasil_kerja"], evaluasi["rating_perilaku"]) == ratings_of(nip)
        assert evaluasi["predikat"] == MATRIX[ratings_of(nip)]


def test_merge_counts_predikat_and_angka_kredit_as_the_regulation_does(returned):
    period, roster_path, paths, base = returned
    export = base / f"export-{period}"
    result = merge([paths[HEAD].parent], period=period, roster=roster_path,
                   output=base / f"rekap-{period}.xlsx", export=export)
    summary = result.to_dict()
    if "-" not in period:    # a year: the year recap, its numbers those of the annual ones
        summary = summary["year"]
    assert (summary["expected"], summary["valid"], summary["invalid"]) == (10, 10, 0)
    expected_counts = Counter(MATRIX[ratings_of(nip)] for nip in paths)
    assert summary["predikat"] == {p: expected_counts[p] for p in PREDIKAT}

    with open(export / "rekap-pegawai.csv", encoding="utf-8-sig", newline="") as handle:
        rows = {row["NIP"]: row for row in csv.DictReader(handle)}
    assert set(rows) == set(paths)
    assert rows[HEAD]["Predikat"] == MATRIX[HEAD_RATINGS]
    # an Administrator earns no angka kredit, though the roster still names a jenjang (left
    # from an earlier jabatan fungsional)
    assert rows[HEAD]["Angka Kredit"] == ""
    column = PERIODS[period]
    for nip, entry in STAFF.items():
        assert rows[nip]["Predikat"] == MATRIX[entry[1]], nip
        got = float(rows[nip]["Angka Kredit"])
        assert ak_close(got, entry[column]), (nip, entry[0], MATRIX[entry[1]], got, entry[column])
