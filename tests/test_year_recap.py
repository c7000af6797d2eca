"""The year recap (``skpxl merge --period 2025``) on a real year of a made-up agency.

Four quarters of 2025 and the annual evaluation are played once per module for two units of
a research agency that has nothing to do with Bawaslu: workbooks generated from each
quarter's roster, filled with chosen ratings, merged into quarterly unit reports by the
quarterly merge; then the year recap is made from the reports, from the returned workbook
folders, and from both mixed. Expected predikat come from the ratings through the
regulation's matrix (written out here), angka kredit from PermenPANRB 1/2023 by hand
(skp.md section 5), never from skpxl.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import write_csv

from skpxl.cli import cli
from skpxl.domain import DI_ATAS, DI_BAWAH, SESUAI
from skpxl.errors import UsageError
from skpxl.generate import generate
from skpxl.merge import merge
from skpxl.report import read_report
from skpxl.simulate import fill_workbook

INSTANSI = "Badan Riset Kelautan dan Perikanan Nusantara"
UNIT_A = "Balai Riset Perikanan Pesisir Kabupaten Sukamaju"
UNIT_B = "Balai Riset Perikanan Darat Kota Tirtajaya"
HEADER = ["NIP", "Nama", "Status ASN", "Pangkat/Gol", "Jabatan", "Jenis Jabatan", "Jenjang",
          "Unit Kerja", "Instansi", "NIP Penilai"]

HEAD_A = "197501012000031001"
PERTAMA = "199003152015032001"    # Ahli Pertama in Q1-Q2, Ahli Muda from Q3
MUDA = "198506202010011002"
STAFF = "199208082019031003"      # returns nothing in Q2
NEW = "199805052025031001"        # employed from Q3
MOVER = "198812122012121001"      # unit B in Q1-Q2, unit A from Q3
HEAD_B = "197609092001121001"

NAMES = {HEAD_A: "Dr. Ir. Bambang Sutrisno Wicaksono, M.Si.", PERTAMA: "Rina Kartikasari, S.Pi.",
         MUDA: "Agus Salim Nugroho, S.Kel., M.Si.", STAFF: "Dedi Kurniawan",
         NEW: "Putri Ayu Lestari, A.Md.", MOVER: "Fajar Ramadhan, S.Pi.",
         HEAD_B: "Ir. Siti Nurhaliza Pratiwi, M.P."}


def roster_rows(quarter: int) -> list[list[str]]:
    late = quarter >= 3
    rows = [
        [HEAD_A, NAMES[HEAD_A], "PNS", "Pembina (IV/a)", "Kepala Balai", "Administrator", "",
         UNIT_A, INSTANSI, ""],
        [PERTAMA, NAMES[PERTAMA], "PNS", "Penata Muda (III/a)",
         "Peneliti Ahli Muda" if late else "Peneliti Ahli Pertama", "Fungsional",
         "Ahli Muda" if late else "Ahli Pertama", UNIT_A, INSTANSI, HEAD_A],
        [MUDA, NAMES[MUDA], "PNS", "Penata (III/c)", "Peneliti Ahli Muda", "Fungsional",
         "Ahli Muda", UNIT_A, INSTANSI, HEAD_A],
        [STAFF, NAMES[STAFF], "PNS", "Pengatur (II/c)", "Pengadministrasi Umum", "Pelaksana",
         "", UNIT_A, INSTANSI, HEAD_A],
        [HEAD_B, NAMES[HEAD_B], "PNS", "Pembina (IV/a)", "Kepala Balai", "Administrator", "",
         UNIT_B, INSTANSI, ""],
        [MOVER, NAMES[MOVER], "PNS", "Penata Muda (III/a)", "Peneliti Ahli Pertama",
         "Fungsional", "Ahli Pertama", UNIT_A if late else UNIT_B, INSTANSI,
         HEAD_A if late else HEAD_B],
    ]
    if late:
        rows.insert(4, [NEW, NAMES[NEW], "PNS", "Pengatur Muda (II/a)", "Pengadministrasi Umum",
                        "Pelaksana", "", UNIT_A, INSTANSI, HEAD_A])
    return rows


B, SB, BP = "Baik", "Sangat Baik", "Butuh Perbaikan"
#: the 3x3 matrix of PermenPANRB 6/2022 for the ratings used here
MATRIX = {(SESUAI, SESUAI): B, (DI_ATAS, DI_ATAS): SB, (DI_BAWAH, SESUAI): BP}
RATE = {v: k for k, v in MATRIX.items()}
#: the predikat each employee gets per quarter (None: returns nothing; "x": an invalid file)
PLAYED = {HEAD_A: (B, B, B, B), PERTAMA: (B, SB, B, BP), MUDA: (B, B, SB, "x"),
          STAFF: (B, None, B, B), NEW: (None, None, B, SB), MOVER: (B, B, B, B),
          HEAD_B: (B, B, B, B)}
ANNUAL = {HEAD_A: B, PERTAMA: B, MUDA: B, STAFF: B, NEW: B, MOVER: SB, HEAD_B: B}

#: unit A's year as the recap must show it (quarters, then Tahunan)
UNIT_A_YEAR = {
    HEAD_A: (B, B, B, B, B),
    PERTAMA: (B, SB, B, BP, B),
    MUDA: (B, B, SB, "(tidak valid)", B),
    STAFF: (B, "(belum mengumpulkan)", B, B, B),
    NEW: ("(belum menjadi pegawai)", "(belum menjadi pegawai)", B, SB, B),
    MOVER: ("(pindah unit)", "(pindah unit)", B, B, SB),
}
#: angka kredit by hand: percentage x annual coefficient x months / 12 (PermenPANRB 1/2023),
#: 3 decimals half-up: Baik Ahli Pertama 3 months = 1 x 12,5 x 3/12 = 3,125; Sangat Baik Ahli
#: Pertama = 1,5 x 12,5 / 4 = 4,6875 -> 4,688; Baik Ahli Muda = 25 / 4 = 6,25; Butuh
#: Perbaikan Ahli Muda = 0,75 x 25 / 4 = 4,6875 -> 4,688; Sangat Baik Ahli Muda = 9,375
UNIT_A_AK = {
    PERTAMA: ("3,125", "4,688", "6,250", "4,688", "18,751", "25,000"),
    MUDA: ("6,250", "6,250", "9,375", None, "21,875", "25,000"),
    # a year Sangat Baik as Ahli Pertama = 1,5 x 12,5 = 18,75
    MOVER: (None, None, "3,125", "3,125", "6,250", "18,750"),
}


def play(base: Path, period: str, roster: Path, predikat_of, *, units=(UNIT_A, UNIT_B)):
    """Generate from ``roster``, fill with the predikat ``predikat_of(nip)`` gives (None: no
    file; "x": a rating left out), one folder per unit."""
    made = generate(roster, period, base / "skp" / period)
    for f in made.files:
        if f.unit not in units:
            continue
        predikat = predikat_of(f.nip)
        if predikat is None:
            continue
        target = base / "kembali" / period / slug(f.unit) / Path(f.path).name
        if predikat == "x":
            fill_workbook(Path(f.path), target, rng=random.Random(3), mistake="rating_missing")
        else:
            fill_workbook(Path(f.path), target, rng=random.Random(3), ratings=RATE[predikat])
    return base / "kembali" / period


def slug(unit: str) -> str:
    return "a" if unit == UNIT_A else "b"


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    base = tmp_path_factory.mktemp("year")
    rosters = {q: write_csv(base / f"pegawai-tw{q}.csv", HEADER, roster_rows(q))
               for q in (1, 2, 3, 4)}
    reports = {}
    for q in (1, 2, 3, 4):
        period = f"2025-Q{q}"
        back = play(base, period, rosters[q], lambda nip, q=q: PLAYED[nip][q - 1])
        for unit in (UNIT_A, UNIT_B):
            target = base / "rekap" / f"rekap-{slug(unit)}-{period}.xlsx"
            target.parent.mkdir(parents=True, exist_ok=True)
            merge([back / slug(unit)], period=period, roster=rosters[q], output=target)
            reports[(unit, q)] = target
    annual = play(base, "2025", rosters[4], ANNUAL.get)
    return {"base": base, "rosters": rosters, "reports": reports, "annual": annual}


def roster_args(year) -> list[str]:
    return [f"2025-Q{q}={year['rosters'][q]}" for q in (1, 2, 3, 4)]


def predikat_table(path: Path) -> dict[str, tuple]:
    ws = openpyxl.load_workbook(path)["Predikat Tahunan"]
    rows = list(ws.iter_rows(values_only=True))
    head = list(rows[0])
    assert head[4:9] == ["Triwulan I", "Triwulan II", "Triwulan III", "Triwulan IV", "Tahunan"]
    return {r[0]: tuple(r[4:9]) for r in rows[1:] if r[0]}


def ak_table(path: Path) -> dict[str, tuple]:
    ws = openpyxl.load_workbook(path)["Angka Kredit"]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0][5:11]) == ["AK Triwulan I", "AK Triwulan II", "AK Triwulan III",
                                   "AK Triwulan IV", "Jumlah AK Triwulan",
                                   "AK dari Predikat Tahunan"]
    return {r[0]: tuple(r[5:11]) for r in rows[1:] if r[0]}


def missing_table(path: Path) -> set[tuple]:
    ws = openpyxl.load_workbook(path)["Belum Lengkap"]
    return {(r[0], r[3], r[4], r[5]) for r in list(ws.iter_rows(values_only=True))[1:] if r[0]}


EXPECTED_MISSING = {
    (MUDA, "Triwulan IV", "tidak valid"), (STAFF, "Triwulan II", "belum mengumpulkan"),
    (NEW, "Triwulan I", "belum menjadi pegawai"), (NEW, "Triwulan II", "belum menjadi pegawai"),
    (MOVER, "Triwulan I", "pindah unit"), (MOVER, "Triwulan II", "pindah unit"),
}


def check_unit_a(path: Path, result) -> None:
    assert predikat_table(path) == UNIT_A_YEAR
    assert ak_table(path) == UNIT_A_AK
    missing = missing_table(path)
    assert {m[:3] for m in missing} == EXPECTED_MISSING
    details = {m[:2]: m[3] for m in missing}
    assert details[(MOVER, "Triwulan I")] == UNIT_B
    assert "rating" in details[(MUDA, "Triwulan IV")].lower() or \
        "predikat" in details[(MUDA, "Triwulan IV")].lower()
    assert not result.ok
    # the year's curve on the annual predikat: 5 Baik and 1 Sangat Baik of 6 (org Baik):
    # more than 70 % Baik (at most 4 of 6) and no Butuh Perbaikan or Kurang
    s = result.year_summary
    assert s.predikat == {"Sangat Baik": 1, "Baik": 5, "Butuh Perbaikan": 0,
                          "Kurang/Misconduct": 0, "Sangat Kurang": 0}
    assert s.kurva.ok is False
    assert any("maksimal 4 pegawai" in m for m in s.kurva.messages)


def test_the_year_from_the_quarterly_reports(year, tmp_path):
    reports = [year["reports"][(UNIT_A, q)] for q in (1, 2, 3, 4)]
    out = tmp_path / "tahun-2025.xlsx"
    result = merge([*reports, year["annual"] / "a"], period="2025", roster=roster_args(year),
                   org_predikat="Baik", output=out)
    check_unit_a(out, result)
    assert result.units == [UNIT_A]
    assert not result.problems
    content = read_report(out)      # a year recap is itself verifiable
    assert content.metadata["level"] == "year-unit" and content.metadata["period"] == "2025"


def test_the_year_from_the_returned_workbooks(year, tmp_path):
    back = year["base"] / "kembali"
    folders = [back / f"2025-Q{q}" / "a" for q in (1, 2, 3, 4)]
    out = tmp_path / "tahun-2025.xlsx"
    result = merge([*folders, year["annual"] / "a"], period="2025", roster=roster_args(year),
                   org_predikat="Baik", output=out)
    check_unit_a(out, result)


def test_the_year_from_reports_and_folders_mixed(year, tmp_path):
    back = year["base"] / "kembali"
    paths = [year["reports"][(UNIT_A, 1)], year["reports"][(UNIT_A, 2)],
             back / "2025-Q3" / "a", back / "2025-Q4" / "a", year["annual"] / "a"]
    out = tmp_path / "tahun-2025.xlsx"
    result = merge(paths, period="2025", roster=roster_args(year), org_predikat="Baik",
                   output=out)
    check_unit_a(out, result)


def test_the_province_year_follows_the_mover_across_units(year, tmp_path):
    reports = [year["reports"][(u, q)] for u in (UNIT_A, UNIT_B) for q in (1, 2, 3, 4)]
    out = tmp_path / "provinsi-2025.xlsx"
    result = merge([*reports, year["annual"]], period="2025", level="province",
                   roster=roster_args(year), output=out)
    table = predikat_table(out)
    assert table[MOVER] == (B, B, B, B, SB)          # four quarters, two units
    assert table[HEAD_B] == (B, B, B, B, B)
    # Baik as Ahli Pertama, four quarters: 4 x 3,125 = 12,5
    assert ak_table(out)[MOVER] == ("3,125", "3,125", "3,125", "3,125", "12,500", "18,750")
    assert result.units == [UNIT_A, UNIT_B]          # the roster's order, not by name
    kurva = {(r[0], r[1]): r for r in list(openpyxl.load_workbook(out)["Kurva"].iter_rows(
        values_only=True))[1:]}
    # unit B in Q1: its head and the mover, both Baik
    assert kurva[(UNIT_B, "Triwulan I")][2:8] == (2, 0, 2, 0, 0, 0)
    assert read_report(out).metadata["level"] == "year-province"


def test_without_annual_evaluations_the_year_curve_is_not_checked(year, tmp_path):
    reports = [year["reports"][(UNIT_A, q)] for q in (1, 2, 3, 4)]
    out = tmp_path / "tahun.xlsx"
    result = merge(reports, period="2025", roster=roster_args(year), org_predikat="Baik",
                   output=out)
    assert result.year_summary.kurva.ok is None
    assert "Belum ada evaluasi tahunan" in result.year_summary.kurva.messages[0]
    assert predikat_table(out)[HEAD_A] == (B, B, B, B, None)
    sheet = openpyxl.load_workbook(out)["Ringkasan Tahunan"]
    text = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c)
    assert "belum ada evaluasi tahunan" in text and "TAHUN 2025" in text
    assert not sheet._charts, "no chart of five zeros on the signing sheet"


def test_a_signing_sheet_with_predikat_has_its_chart(year):
    """The chart stays where there are predikat to show (openpyxl reads charts back, so
    the test above can see one)."""
    quarter = openpyxl.load_workbook(year["reports"][(UNIT_A, 1)])
    assert len(quarter.worksheets[0]._charts) == 1


# --- bad input -----------------------------------------------------------------------------

def codes(result) -> list[str]:
    return [p.code for p in result.problems]


@pytest.fixture(scope="module")
def other_year(year):
    """A unit B report of 2026-Q1 (played with the Q4 roster, the 2026 one)."""
    base = year["base"] / "2026"
    back = play(base, "2026-Q1", year["rosters"][4], lambda nip: B, units=(UNIT_B,))
    target = base / "rekap-b-2026-Q1.xlsx"
    merge([back / "b"], period="2026-Q1", roster=year["rosters"][4], output=target)
    return target


def test_a_report_of_another_year_is_refused_and_the_rest_used(year, other_year, tmp_path):
    reports = [year["reports"][(UNIT_B, q)] for q in (1, 2, 3, 4)]
    result = merge([*reports, other_year], period="2025", roster=roster_args(year),
                   output=tmp_path / "b.xlsx")
    assert codes(result) == ["ak.report_other_period"]
    assert predikat_table(tmp_path / "b.xlsx")[HEAD_B] == (B, B, B, B, None)


def test_two_reports_for_one_quarter_of_a_unit(year, tmp_path):
    reports = [year["reports"][(UNIT_A, q)] for q in (1, 2, 3, 4)]
    copy = tmp_path / "salinan-tw2.xlsx"
    shutil.copy(reports[1], copy)
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in [*reports, copy]}
    result = merge([*reports, copy], period="2025", roster=roster_args(year),
                   output=tmp_path / "a.xlsx")
    assert codes(result) == ["ak.report_twice"]
    assert before == {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in before}
    # neither is used: Q2 has no report for the unit
    assert predikat_table(tmp_path / "a.xlsx")[HEAD_A][1] == "(tidak ada laporan)"


def test_a_report_of_another_unit_in_a_unit_recap(year, tmp_path):
    reports = [year["reports"][(UNIT_A, q)] for q in (1, 2, 3, 4)]
    result = merge([*reports, year["reports"][(UNIT_B, 3)]], period="2025",
                   unit=UNIT_A.lower(), roster=roster_args(year), output=tmp_path / "a.xlsx")
    assert result.units == [UNIT_A]           # any case, as the reports spell it
    assert codes(result) == ["year.other_unit"]
    assert UNIT_B in result.problems[0].message("id")
    assert HEAD_B not in predikat_table(tmp_path / "a.xlsx")


def test_a_roster_of_another_year_is_not_used(year, tmp_path):
    stranger = write_csv(tmp_path / "pegawai-2019.csv", HEADER, [
        ["196501011990031001", "Pegawai Lama", "PNS", "Pembina (IV/a)", "Kepala Balai",
         "Administrator", "", UNIT_A, INSTANSI, ""]])
    reports = [year["reports"][(UNIT_A, q)] for q in (1, 2, 3, 4)]
    result = merge(reports, period="2025", roster=[f"2025-Q1={stranger}"],
                   output=tmp_path / "a.xlsx")
    assert codes(result) == ["year.roster_other_year"]
    assert "196501011990031001" not in predikat_table(tmp_path / "a.xlsx")


def test_a_roster_named_for_another_year_is_a_usage_error(year, tmp_path):
    with pytest.raises(UsageError, match="di luar tahun 2025"):
        merge([year["reports"][(UNIT_A, 1)]], period="2025",
              roster=[f"2024-Q1={year['rosters'][1]}"], output=tmp_path / "a.xlsx")


def test_a_year_recap_given_to_a_quarterly_merge_is_refused(year, tmp_path):
    reports = [year["reports"][(UNIT_A, q)] for q in (1, 2, 3, 4)]
    recap = tmp_path / "tahun.xlsx"
    merge(reports, period="2025", roster=roster_args(year), output=recap)
    folder = tmp_path / "masuk"
    shutil.copytree(year["base"] / "kembali" / "2025-Q3" / "a", folder)
    shutil.copy(recap, folder / "tahun.xlsx")
    result = merge([folder], period="2025-Q3", roster=year["rosters"][3],
                   output=tmp_path / "q3.xlsx")
    assert [r["code"] for r in result.rejected] == ["merge.year_report"]
    assert not result.ok
    province = merge([year["reports"][(UNIT_B, 3)], recap], period="2025-Q3",
                     level="province", output=tmp_path / "p.xlsx")
    assert "rekap tahunan" in province.rejected[0]["reason"]
    again = merge([recap, *reports], period="2025", output=tmp_path / "again.xlsx")
    assert codes(again) == ["ak.report_year"]


# --- the command ------------------------------------------------------------------------

def test_the_command_writes_the_recap_and_json_matches_the_library(year, tmp_path):
    reports = [str(year["reports"][(UNIT_A, q)]) for q in (1, 2, 3, 4)]
    args = ["merge", *reports, str(year["annual"] / "a"), "--period", "2025",
            "--org-predikat", "Baik"]
    for item in roster_args(year):
        args += ["--roster", item]
    run = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / "cli.xlsx"), "--format",
                                   "json"])
    assert run.exit_code == 1, run.output          # someone misses a quarter
    data = json.loads(run.output)
    library = merge([*reports, year["annual"] / "a"], period="2025",
                    roster=roster_args(year), org_predikat="Baik",
                    output=tmp_path / "lib.xlsx").to_dict()
    for key in ("employees", "missing", "curves", "year", "units"):
        assert data[key] == library[key]
    text = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / "t.xlsx"), "--lang", "en"])
    assert "Year recap" in text.output and "Belum Lengkap" in text.output
    usage = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / "t.xlsx")])
    assert usage.exit_code == 2                     # exists, no --force


def test_a_complete_year_exits_0_and_a_gap_exits_1(year, tmp_path):
    """Unit B: its head every quarter, the mover in Q1-Q2 only. With the quarters' rosters
    the mover's Q3-Q4 are 'moved unit': listed, not a fault, so the year is complete."""
    reports = [str(year["reports"][(UNIT_B, q)]) for q in (1, 2, 3, 4)]
    rosters = [arg for item in roster_args(year) for arg in ("--roster", item)]
    run = CliRunner().invoke(cli, ["merge", *reports, "--period", "2025", *rosters, "-o",
                                   str(tmp_path / "b.xlsx"), "--format", "json"])
    assert run.exit_code == 0, run.output
    data = json.loads(run.output)
    assert [(m["nip"], m["period"], m["reason"]) for m in data["missing"]] == [
        (MOVER, "2025-Q3", "pindah unit"), (MOVER, "2025-Q4", "pindah unit")]
    # without rosters nothing tells where the mover went: not listed in Q3-Q4 -> exit 1
    bare = CliRunner().invoke(cli, ["merge", *reports, "--period", "2025", "-o",
                                    str(tmp_path / "b2.xlsx"), "--format", "json"])
    assert bare.exit_code == 1
    assert {m["reason"] for m in json.loads(bare.output)["missing"]} == {"tidak tercantum"}
    # a quarter without its report is a gap
    gap = CliRunner().invoke(cli, ["merge", *reports[:3], "--period", "2025", *rosters, "-o",
                                   str(tmp_path / "b3.xlsx"), "--format", "json"])
    assert gap.exit_code == 1
    assert (HEAD_B, "2025-Q4", "tidak ada laporan") in {
        (m["nip"], m["period"], m["reason"]) for m in json.loads(gap.output)["missing"]}


def test_an_edited_report_is_refused_and_the_rest_used(year, tmp_path):
    edited = tmp_path / "rekap-a-2025-Q3-diubah.xlsx"
    book = openpyxl.load_workbook(year["reports"][(UNIT_A, 3)])
    ws = book["Rekap Pegawai"]
    column = [c.value for c in ws[1]].index("Predikat") + 1
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == STAFF)
    ws.cell(row, column).value = "Sangat Baik"
    book.save(edited)
    reports = [year["reports"][(UNIT_A, q)] for q in (1, 2, 4)]
    result = merge([*reports, edited], period="2025", roster=roster_args(year),
                   output=tmp_path / "a.xlsx")
    assert codes(result) == ["ak.report_rejected"]
    assert "diubah" in result.problems[0].message("id")
    assert predikat_table(tmp_path / "a.xlsx")[STAFF] == (
        B, "(belum mengumpulkan)", "(tidak ada laporan)", B, None)


# --- each new problem code: a trigger (above or here) and a near miss ----------------------

def test_near_miss_a_q4_report_is_of_the_year(year, tmp_path):
    """2025-Q4 ends on the year's last day: inside 2025, not another year."""
    result = merge([year["reports"][(UNIT_B, 4)]], period="2025", output=tmp_path / "b.xlsx")
    assert "ak.report_other_period" not in codes(result)


def test_near_miss_reports_of_one_quarter_for_two_units(year, tmp_path):
    result = merge([year["reports"][(UNIT_A, 2)], year["reports"][(UNIT_B, 2)]],
                   period="2025", level="province", output=tmp_path / "p.xlsx")
    assert codes(result) == []


def test_near_miss_a_province_report_holding_the_unit(year, tmp_path):
    """A quarterly province report holds unit A too: a unit recap of A uses its A rows."""
    province = tmp_path / "provinsi-q1.xlsx"
    merge([year["reports"][(UNIT_A, 1)], year["reports"][(UNIT_B, 1)]], period="2025-Q1",
          level="province", output=province)
    result = merge([province, year["reports"][(UNIT_A, 3)]], period="2025", unit=UNIT_A,
                   output=tmp_path / "a.xlsx")
    assert codes(result) == []
    table = predikat_table(tmp_path / "a.xlsx")
    assert table[HEAD_A][:3] == (B, "(tidak ada laporan)", B) and HEAD_B not in table
    # no roster: the province report itself shows the mover in unit B in Q1
    assert table[MOVER][:3] == ("(pindah unit)", "(tidak ada laporan)", B)


def test_near_miss_a_roster_missing_only_the_new_employee(year, tmp_path):
    """The Q1 roster for the whole year lacks only the employee who came in Q3 (5 of the 6
    NIPs that sent an SKP are in it): it is this year's roster."""
    reports = [year["reports"][(UNIT_A, q)] for q in (1, 2, 3, 4)]
    result = merge(reports, period="2025", roster=[str(year["rosters"][1])],
                   output=tmp_path / "a.xlsx")
    assert "year.roster_other_year" not in codes(result)


def test_a_workbook_of_another_year_among_the_folders(year, tmp_path):
    folder = tmp_path / "masuk"
    shutil.copytree(year["base"] / "kembali" / "2025-Q4" / "b", folder)
    stray = next((year["base"] / "2026" / "kembali" / "2026-Q1" / "b").glob("*.xlsx"), None) \
        if (year["base"] / "2026").exists() else None
    if stray is None:
        play(year["base"] / "2026", "2026-Q1", year["rosters"][4], lambda nip: B,
             units=(UNIT_B,))
        stray = next((year["base"] / "2026" / "kembali" / "2026-Q1" / "b").glob("*.xlsx"))
    shutil.copy(stray, folder / ("lama-" + stray.name))
    result = merge([folder], period="2025", output=tmp_path / "b.xlsx")
    assert codes(result) == ["ak.workbook_other_period"]
    assert "2026-Q1" in result.problems[0].message("id")
    # near miss: the same folder without the stray file
    (folder / ("lama-" + stray.name)).unlink()
    clean = merge([folder], period="2025", output=tmp_path / "b2.xlsx")
    assert codes(clean) == []


def test_near_miss_a_quarterly_report_in_a_quarterly_merge_is_only_skipped(year, tmp_path):
    folder = tmp_path / "masuk"
    shutil.copytree(year["base"] / "kembali" / "2025-Q3" / "a", folder)
    shutil.copy(year["reports"][(UNIT_A, 2)], folder / "rekap-tw2.xlsx")
    result = merge([folder], period="2025-Q3", output=tmp_path / "q3.xlsx")
    assert result.rejected == []
    assert [Path(s["path"]).name for s in result.skipped] == ["rekap-tw2.xlsx"]


#: the year recap's problem codes and the tests that trigger them and miss them narrowly
#: (tests/test_problem_codes.py holds this table to the catalogue)
YEAR_CASES = {
    "ak.report_other_period": (test_a_report_of_another_year_is_refused_and_the_rest_used,
                               test_near_miss_a_q4_report_is_of_the_year),
    "ak.report_twice": (test_two_reports_for_one_quarter_of_a_unit,
                        test_near_miss_reports_of_one_quarter_for_two_units),
    "ak.report_year": (test_a_year_recap_given_to_a_quarterly_merge_is_refused,
                       test_the_year_from_the_quarterly_reports),
    "ak.workbook_other_period": (test_a_workbook_of_another_year_among_the_folders,
                                 test_a_workbook_of_another_year_among_the_folders),
    "merge.year_report": (test_a_year_recap_given_to_a_quarterly_merge_is_refused,
                          test_near_miss_a_quarterly_report_in_a_quarterly_merge_is_only_skipped),
    "year.other_unit": (test_a_report_of_another_unit_in_a_unit_recap,
                        test_near_miss_a_province_report_holding_the_unit),
    "year.roster_other_year": (test_a_roster_of_another_year_is_not_used,
                               test_near_miss_a_roster_missing_only_the_new_employee),
}


# --- the paper ----------------------------------------------------------------------------

@pytest.mark.libreoffice
def test_the_year_recap_prints_as_papers(soffice, year, tmp_path):
    """Signing sheet on one or two A4 portrait pages at 8 pt or more, with the year, the
    counts and the signature; every table on A4 landscape at 7 pt or more, Berkas never."""
    from test_papers import (A4_LANDSCAPE, A4_PORTRAIT, check_every_page, nothing_technical,
                             page_sizes, pdf_of, today)
    reports = [year["reports"][(UNIT_A, q)] for q in (1, 2, 3, 4)]
    out = tmp_path / "tahun-2025.xlsx"
    merge([*reports, year["annual"] / "a"], period="2025", roster=roster_args(year),
          org_predikat="Baik", output=out)
    signing = pdf_of(out, tmp_path / "signing", sheets=["Ringkasan Tahunan"])
    assert 1 <= len(page_sizes(signing)) <= 2 and set(page_sizes(signing)) == {A4_PORTRAIT}
    texts = check_every_page(signing, scope=UNIT_A, minimum=8.0)
    flat = " ".join(" ".join(texts).split())
    for words in ("REKAPITULASI TAHUNAN KINERJA PEGAWAI TINGKAT UNIT KERJA", UNIT_A.upper(),
                  INSTANSI.upper(), "TAHUN 2025 (1 Januari – 31 Desember 2025)",
                  "Triwulan I", "Triwulan IV", "Tahunan", "TIDAK SESUAI kurva distribusi",
                  "jumlah konversi triwulanan", f"Sukamaju, {today()}", "Kepala Balai",
                  NAMES[HEAD_A], f"NIP. {HEAD_A}", "Halaman 1 dari"):
        assert words in flat, words
    nothing_technical(texts)
    whole = pdf_of(out, tmp_path / "whole")
    sizes = page_sizes(whole)
    assert sizes[0] == A4_PORTRAIT and set(sizes[1:]) == {A4_LANDSCAPE}
    texts = check_every_page(whole, scope=UNIT_A, minimum=7.0)
    footers = [text.strip().splitlines()[-1] for text in texts]
    for sheet in ("Predikat Tahunan", "Angka Kredit", "Belum Lengkap", "Kurva", "Sumber"):
        assert any(line.startswith(sheet) for line in footers), sheet
    assert not any(line.startswith("Berkas") for line in footers)
    printed = " ".join(" ".join(texts).split())
    for words in ("18,751", "21,875", "18,750", "belum menjadi pegawai", "pindah unit",
                  "Ahli Pertama →", "Rating perilaku kerja belum dipilih"):
        assert words in printed, words
    nothing_technical(texts)
