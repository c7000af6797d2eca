"""Roster reading and checking, on real CSV/XLSX files written into tmp_path."""

from __future__ import annotations

import csv
import json

import openpyxl
import pytest
from click.testing import CliRunner

from skpxl.cli.roster import render_table, roster as roster_group
from skpxl.errors import UnreadableFileError
from skpxl.problems import CATALOG
from skpxl.roster import (COLUMNS, Employee, normalize_jenis_jabatan, read_roster)
from conftest import write_rows_xlsx

UNIT = "Sekretariat Bawaslu Kota Batu"
HEAD_NIP = "198001012005011001"
STAFF_NIP = "198502152010122003"
PPPK_NIP = "199003032024211002"
HEADER = ["NIP", "Nama", "Status ASN", "Pangkat/Gol", "Jabatan", "Jenis Jabatan", "Jenjang",
          "Unit Kerja", "NIP Penilai"]


def head(**changes) -> list:
    return _row(HEAD_NIP, "Budi Santoso", "PNS", "Pembina IV/a", "Koordinator Sekretariat",
                "Administrator", "", UNIT, "", **changes)


def staff(**changes) -> list:
    return _row(STAFF_NIP, "Ani Lestari", "PNS", "Penata III/c", "Analis SDM Aparatur",
                "Fungsional", "Ahli Muda", UNIT, HEAD_NIP, **changes)


def pppk(**changes) -> list:
    return _row(PPPK_NIP, "Cahyo Wibowo", "PPPK", "IX", "Penata Layanan Operasional",
                "Pelaksana", "", UNIT, STAFF_NIP, **changes)


def _row(*values, **changes) -> list:
    row = dict(zip(["nip", "nama", "status", "pangkat", "jabatan", "jenis", "jenjang", "unit",
                    "penilai"], values))
    row.update(changes)
    return list(row.values())


def write_xlsx(path, rows, header=HEADER):
    return write_rows_xlsx(path, rows, header)


def write_csv(path, rows, header=HEADER, delimiter=",", encoding="utf-8"):
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerows(([header] if header else []) + rows)
    return path


def found(roster) -> list[tuple[str, int | None]]:
    return [(p.code, p.row) for p in roster.problems]


TOP = ("roster.penilai_empty", 2)  # the head of the unit has no assessor: always a warning


# --- a clean roster ---------------------------------------------------------------------

def test_clean_roster_reads_every_field(tmp_path):
    roster = read_roster(write_xlsx(tmp_path / "r.xlsx", [head(), staff(), pppk()]))
    assert found(roster) == [TOP]
    assert roster.ok
    assert [e.row for e in roster.employees] == [2, 3, 4]
    assert roster.employees[1] == Employee(
        row=3, nip=STAFF_NIP, nama="Ani Lestari", status_asn="PNS", pangkat="Penata III/c",
        jabatan="Analis SDM Aparatur", jenis_jabatan="Fungsional", jenjang="Ahli Muda",
        unit_kerja=UNIT, instansi="", nip_penilai=HEAD_NIP, pendekatan="kuantitatif", tempat="")


def test_hierarchy_helpers(tmp_path):
    roster = read_roster(write_xlsx(tmp_path / "r.xlsx", [head(), staff(), pppk(
        unit="Sekretariat Bawaslu Kota Malang")]))
    boss, ani, cahyo = roster.employees
    assert roster.penilai_of(cahyo) is ani
    assert roster.atasan_penilai_of(cahyo) is boss
    assert roster.penilai_of(boss) is None and roster.atasan_penilai_of(ani) is None
    assert roster.units() == ["Sekretariat Bawaslu Kota Batu", "Sekretariat Bawaslu Kota Malang"]
    assert roster.employees_of(UNIT) == [boss, ani]
    assert set(roster.by_nip()) == {HEAD_NIP, STAFF_NIP, PPPK_NIP}


def test_to_dict(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [head(), staff()])
    data = read_roster(path).to_dict("en")
    assert data["path"] == str(path) and data["ok"] is True and data["employees"] == 2
    assert data["units"] == [UNIT]
    assert data["problems"][0]["code"] == "roster.penilai_empty"
    assert data["problems"][0]["message"].startswith("Budi Santoso has no assessor NIP")
    assert read_roster(path).employees[0].to_dict()["nip"] == HEAD_NIP


def test_empty_status_is_taken_from_the_nip(tmp_path):
    roster = read_roster(write_xlsx(tmp_path / "r.xlsx", [head(status=""), pppk(status="",
                                                                               penilai=HEAD_NIP)]))
    assert found(roster) == [TOP]
    assert [e.status_asn for e in roster.employees] == ["PNS", "PPPK"]


# --- headers and file formats ------------------------------------------------------------

@pytest.mark.parametrize("header", [
    ["nip/ni pppk", "NAMA PEGAWAI", "Jenis Pegawai", "Pangkat/Gol. Ruang", "Nama Jabatan",
     "Jenis  Jabatan", "Jenjang JF", "Satuan Kerja", "NIP Atasan Langsung"],
    ["NI PPPK", "Nama Lengkap", "Status Kepegawaian", "Golongan", "Jabatan", "jenis_jabatan",
     "Jenjang Jabatan", "Unit", "Atasan Langsung"],
    ["NIP Pegawai", "Nama", "Status", "Pangkat", "JABATAN", "Jenis Jabatan", "Jenjang",
     "Unit Kerja", "NIP Pejabat Penilai"],
])
def test_header_aliases(tmp_path, header):
    roster = read_roster(write_xlsx(tmp_path / "r.xlsx", [head(), staff()], header=header))
    assert found(roster) == [TOP]
    assert roster.employees[1].nip_penilai == HEAD_NIP
    assert roster.employees[1].jenjang == "Ahli Muda"
    assert roster.employees[1].pangkat == "Penata III/c"


def test_earlier_alias_wins_over_column_order(tmp_path):
    header = ["NIP", "Nama", "Atasan Langsung", "Jabatan", "Jenis Jabatan", "Unit Kerja",
              "NIP Atasan Langsung"]
    rows = [[HEAD_NIP, "Budi", "", "Kepala", "JPT", UNIT, ""],
            [STAFF_NIP, "Ani", "Budi Santoso", "Analis", "JF", UNIT, HEAD_NIP]]
    roster = read_roster(write_xlsx(tmp_path / "r.xlsx", rows, header=header))
    assert found(roster) == [TOP]
    assert roster.employees[1].nip_penilai == HEAD_NIP


def test_optional_columns(tmp_path):
    header = HEADER + ["Instansi", "Pendekatan", "Kota"]
    rows = [head() + ["Bawaslu", "", "Batu"], staff() + ["Bawaslu", "Kualitatif", "Batu"]]
    roster = read_roster(write_xlsx(tmp_path / "r.xlsx", rows, header=header))
    assert found(roster) == [TOP]
    assert [e.pendekatan for e in roster.employees] == ["kuantitatif", "kualitatif"]
    assert roster.employees[1].instansi == "Bawaslu" and roster.employees[1].tempat == "Batu"


def test_title_rows_above_the_header_keep_sheet_row_numbers(tmp_path):
    path = tmp_path / "r.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "DAFTAR PEGAWAI SEKRETARIAT BAWASLU KOTA BATU"
    for row in [HEADER, head(), staff(penilai="197001011990031001")]:
        sheet.append(row)
    book.save(path)
    roster = read_roster(path)
    assert found(roster) == [("roster.penilai_empty", 3), ("roster.penilai_missing", 4)]


def test_csv_semicolon_with_bom(tmp_path):
    path = write_csv(tmp_path / "r.csv", [head(), staff(nama="Ani; Lestari")], delimiter=";",
                     encoding="utf-8-sig")
    roster = read_roster(path)
    assert found(roster) == [TOP]
    assert roster.employees[1].nama == "Ani; Lestari"
    assert roster.employees[0].nip == HEAD_NIP


def test_csv_tab_and_cp1252(tmp_path):
    path = write_csv(tmp_path / "r.csv", [head(nama="José Sitompul"), staff()], delimiter="\t",
                     encoding="cp1252")
    roster = read_roster(path)
    assert found(roster) == [TOP]
    assert roster.employees[0].nama == "José Sitompul"


def test_csv_comma_with_commas_in_names(tmp_path):
    path = write_csv(tmp_path / "r.csv", [head(nama="Dr. Budi, S.H., M.H."), staff()])
    roster = read_roster(path)
    assert found(roster) == [TOP]
    assert roster.employees[0].nama == "Dr. Budi, S.H., M.H."


def test_text_is_cleaned_and_never_evaluated(tmp_path):
    path = write_csv(tmp_path / "r.csv", [
        head(nama="  Budi\x00 \t Santoso\u200b ", jabatan="=HYPERLINK(\"http://x\")"),
        staff(nama="+62 Ani", jabatan="-Analis", pangkat="@Penata")])
    roster = read_roster(path)
    boss, ani = roster.employees
    assert boss.nama == "Budi Santoso"
    assert boss.jabatan == '=HYPERLINK("http://x")'
    assert (ani.nama, ani.jabatan, ani.pangkat) == ("+62 Ani", "-Analis", "@Penata")


def test_formula_text_in_xlsx_stays_text(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [head(), staff()])
    book = openpyxl.load_workbook(path)
    cell = book.active["B3"]
    cell.value = "=1+1"
    cell.data_type = "s"
    book.save(path)
    assert read_roster(path).employees[1].nama == "=1+1"


def test_blank_rows_are_skipped(tmp_path):
    roster = read_roster(write_xlsx(tmp_path / "r.xlsx", [head(), [None] * 9, staff()]))
    assert found(roster) == [TOP]
    assert [e.row for e in roster.employees] == [2, 4]


def test_thousand_rows(tmp_path):
    rows = [head()]
    for i in range(999):
        rows.append(_row(f"19850101201001{1 + i % 2}{i:03d}", f"Pegawai {i}", "PNS", "III/a",
                         "Analis", "Fungsional", "Ahli Pertama", UNIT, HEAD_NIP))
    roster = read_roster(write_xlsx(tmp_path / "big.xlsx", rows))
    assert found(roster) == [TOP]
    assert len(roster.employees) == 1000
    assert roster.employees[-1].row == 1001


# --- NIP problems -----------------------------------------------------------------------

def test_nip_stored_as_float_in_xlsx(tmp_path):
    roster = read_roster(write_xlsx(tmp_path / "r.xlsx", [head(), staff(nip=1.98502152010122e17)]))
    assert found(roster) == [TOP, ("nip.scientific", 3)]
    problem = roster.problems[1]
    assert roster.employees[1].nip == "1.98502152010122E+17"
    assert "1.98502152010122E+17" in problem.message()
    assert problem.value == 1.98502152010122e17


def test_nip_in_scientific_text_in_csv(tmp_path):
    roster = read_roster(write_csv(tmp_path / "r.csv", [head(), staff(nip="1.98E+17")]))
    assert found(roster) == [TOP, ("nip.scientific", 3)]
    assert roster.problems[1].message().startswith("NIP 1.98E+17 sudah rusak")


def test_nip_as_small_integer(tmp_path):
    roster = read_roster(write_xlsx(tmp_path / "r.xlsx", [head(), staff(nip=12345)]))
    assert found(roster) == [TOP, ("nip.number", 3)]


@pytest.mark.parametrize("nip,code", [
    ("19850215201012200", "nip.length"),
    ("19850215201012200A", "nip.chars"),
    ("", "nip.missing"),
])
def test_nip_text_problems(tmp_path, nip, code):
    roster = read_roster(write_xlsx(tmp_path / "r.xlsx", [head(), staff(nip=nip)]))
    assert found(roster) == [TOP, (code, 3)]


def test_nip_kind_contradicts_status(tmp_path):
    roster = read_roster(write_xlsx(tmp_path / "r.xlsx", [head(), staff(), pppk(status="PNS")]))
    assert found(roster) == [TOP, ("nip.kind", 4)]


def test_leading_apostrophe_and_spaces(tmp_path):
    rows = [head(nip="'" + HEAD_NIP), staff(nip="19850215 201012 2 003")]
    roster = read_roster(write_csv(tmp_path / "r.csv", rows))
    assert found(roster) == [TOP, ("nip.spaces", 3)]
    assert [e.nip for e in roster.employees] == [HEAD_NIP, STAFF_NIP]


# --- roster problems --------------------------------------------------------------------

def test_duplicate_nip_names_both_rows(tmp_path):
    roster = read_roster(write_xlsx(tmp_path / "r.xlsx", [head(), staff(),
                                                          staff(nama="Ani Lagi")]))
    assert found(roster) == [TOP, ("roster.duplicate_nip", 4)]
    message = roster.problems[1].message()
    assert "baris 3 (Ani Lestari)" in message and "baris 4 (Ani Lagi)" in message


def test_penilai_missing(tmp_path):
    roster = read_roster(write_xlsx(tmp_path / "r.xlsx", [head(), staff(
        penilai="197001011990031001")]))
    assert found(roster) == [TOP, ("roster.penilai_missing", 3)]
    assert "197001011990031001" in roster.problems[1].message()


def test_second_empty_penilai_in_a_unit_is_an_error(tmp_path):
    rows = [head(), staff(penilai=""), pppk(unit="Sekretariat Bawaslu Kota Malang", penilai="")]
    roster = read_roster(write_xlsx(tmp_path / "r.xlsx", rows))
    assert found(roster) == [TOP, ("roster.penilai_empty_again", 3),
                             ("roster.penilai_empty", 4)]
    assert "Budi Santoso (baris 2)" in roster.problems[1].message()


def test_penilai_self(tmp_path):
    roster = read_roster(write_xlsx(tmp_path / "r.xlsx", [head(), staff(penilai=STAFF_NIP)]))
    assert found(roster) == [TOP, ("roster.penilai_self", 3)]


def test_penilai_nip_corrupted(tmp_path):
    roster = read_roster(write_xlsx(tmp_path / "r.xlsx", [head(), staff(penilai=1.98e17),
                                                          pppk(penilai="Ani Lestari")]))
    assert found(roster) == [TOP, ("roster.penilai_number", 3), ("roster.penilai_invalid", 4)]
    assert roster.employees[1].nip_penilai == "1.98E+17"
    number = next(p for p in roster.problems if p.code == "roster.penilai_number")
    assert "1.98E+17" in number.message() and "rusak oleh Excel" in number.message()


def test_penilai_non_asn(tmp_path):
    honorer = _row("", "Dodi", "Honorer", "", "Sopir", "", "", UNIT, HEAD_NIP)
    honorer_nip = "199505052020011001"
    honorer[0] = honorer_nip
    roster = read_roster(write_xlsx(tmp_path / "r.xlsx", [head(), honorer,
                                                          staff(penilai=honorer_nip)]))
    assert found(roster) == [TOP, ("roster.non_asn", 3), ("roster.penilai_non_asn", 4)]


@pytest.mark.parametrize("status", ["Non ASN", "PPNPN", "Honorer", "Kontrak"])
def test_non_asn_rows_are_skipped(tmp_path, status):
    honorer = _row("", "Dodi", status, "", "Sopir", "", "", UNIT, "")
    roster = read_roster(write_xlsx(tmp_path / "r.xlsx", [head(), staff(), honorer]))
    assert found(roster) == [TOP, ("roster.non_asn", 4)]
    assert [e.nama for e in roster.employees] == ["Budi Santoso", "Ani Lestari"]
    assert [e.nama for e in roster.skipped] == ["Dodi"]
    assert roster.ok


def test_cycle_reported_once_with_every_nip(tmp_path):
    rows = [head(), staff(penilai=PPPK_NIP), pppk(penilai="198801012012011001"),
            _row("198801012012011001", "Dewi", "PNS", "III/d", "Kasubbag", "Pengawas", "", UNIT,
                 STAFF_NIP)]
    roster = read_roster(write_xlsx(tmp_path / "r.xlsx", rows))
    assert found(roster) == [TOP, ("roster.cycle", 3)]
    problem = roster.problems[1]
    assert problem.params["nips"] == [STAFF_NIP, PPPK_NIP, "198801012012011001"]
    assert problem.params["rows"] == [3, 4, 5]


def test_two_person_cycle(tmp_path):
    rows = [head(), staff(penilai=PPPK_NIP), pppk()]
    roster = read_roster(write_xlsx(tmp_path / "r.xlsx", rows))
    assert found(roster) == [TOP, ("roster.cycle", 3)]


@pytest.mark.parametrize("value,code", [
    ("Eselon V", "roster.jenis_jabatan_unknown"),
    ("JA", "roster.jenis_jabatan_ambiguous"),
    ("", "roster.jenis_jabatan_missing"),
])
def test_jenis_jabatan_problems(tmp_path, value, code):
    roster = read_roster(write_xlsx(tmp_path / "r.xlsx", [head(), staff(jenis=value)]))
    assert found(roster) == [TOP, (code, 3)]
    assert roster.employees[1].jenis_jabatan == ""


def test_jenis_jabatan_unknown_lists_accepted_values(tmp_path):
    roster = read_roster(write_xlsx(tmp_path / "r.xlsx", [head(), staff(jenis="Staf")]))
    assert roster.problems[1].message() == (
        "Jenis jabatan 'Staf' (Ani Lestari) tidak dikenal. Isi salah satu: JPT, Administrator, "
        "Pengawas, Pelaksana, Fungsional.")


@pytest.mark.parametrize("value,expected", [
    ("JPT Pratama", "JPT"), ("Pimpinan Tinggi", "JPT"), ("Jabatan Pimpinan Tinggi Madya", "JPT"),
    ("JF", "Fungsional"), ("Jabatan Fungsional", "Fungsional"), ("JFT", "Fungsional"),
    ("JF Ahli Pertama", "Fungsional"), ("JFU", "Pelaksana"), ("Fungsional Umum", "Pelaksana"),
    ("pelaksana", "Pelaksana"), ("Jabatan Administrator", "Administrator"),
    ("PENGAWAS", "Pengawas"), ("Eselon II.a", "JPT"), ("Eselon IV/b", "Pengawas"),
    ("Eselon III", "Administrator"), ("Eselon III.b", "Administrator"), ("Eselon I.a", "JPT"),
])
def test_jenis_jabatan_aliases(value, expected):
    assert normalize_jenis_jabatan(value) == (expected, "")


@pytest.mark.parametrize("field,code", [
    ("nama", "roster.nama_missing"),
    ("jabatan", "roster.jabatan_missing"),
    ("unit", "roster.unit_missing"),
])
def test_missing_values(tmp_path, field, code):
    roster = read_roster(write_xlsx(tmp_path / "r.xlsx", [head(), staff(**{field: ""})]))
    assert found(roster) == [TOP, (code, 3)]


def test_status_unknown(tmp_path):
    roster = read_roster(write_xlsx(tmp_path / "r.xlsx", [head(), staff(status="Pegawai Tetap")]))
    assert found(roster) == [TOP, ("roster.status_unknown", 3)]


def test_jenjang_unknown_only_matters_for_fungsional(tmp_path):
    rows = [head(jenjang="Eselon III"), staff(jenjang="Ahli Sekali")]
    roster = read_roster(write_xlsx(tmp_path / "r.xlsx", rows))
    assert found(roster) == [TOP, ("roster.jenjang_unknown", 3)]
    assert [e.jenjang for e in roster.employees] == ["", ""]


def test_pendekatan_unknown(tmp_path):
    header = HEADER + ["Pendekatan"]
    rows = [head() + [""], staff() + ["campuran"]]
    roster = read_roster(write_xlsx(tmp_path / "r.xlsx", rows, header=header))
    assert found(roster) == [TOP, ("roster.pendekatan_unknown", 3)]


def test_column_missing_names_the_aliases(tmp_path):
    header = [h for h in HEADER if h != "NIP Penilai"]
    rows = [row[:-1] for row in (head(), staff())]
    roster = read_roster(write_xlsx(tmp_path / "r.xlsx", rows, header=header))
    assert found(roster) == [("roster.column_missing", 1)]
    assert roster.problems[0].message() == (
        "Kolom 'NIP Penilai' tidak ditemukan di baris judul. Beri judul kolom salah satu dari: "
        + ", ".join(COLUMNS["nip_penilai"]) + ".")
    assert not roster.ok


def test_empty_roster(tmp_path):
    assert found(read_roster(write_xlsx(tmp_path / "r.xlsx", []))) == [("roster.empty", None)]
    assert found(read_roster(write_csv(tmp_path / "r.csv", [], header=None))) == [
        ("roster.empty", None)]


def test_every_roster_code_has_both_messages():
    codes = [code for code in CATALOG if code.startswith("roster.")]
    assert len(codes) >= 18
    for code in codes:
        assert CATALOG[code].id and CATALOG[code].en


# --- every roster code: a trigger and a near miss -----------------------------------------

OTHER_UNIT = "Sekretariat Bawaslu Kabupaten Malang"
OUTSIDER = "197001011990031001"          # a well-formed NIP nobody in the roster has
SIGNATURE = [[None] * 7 + [text] for text in ("Mengetahui,", "Kepala Sekretariat", "",
                                              "Drs. Sutrisno", "NIP 197203151998031008")]


def honorer(nip: str = "199505052020011001", status: str = "Honorer") -> list:
    return _row(nip, "Dodi", status, "", "Sopir", "", "", UNIT, HEAD_NIP)


#: code, header (None: HEADER), trigger rows and what they give, near-miss rows and what
#: they give; found() pairs: (code, sheet row), the header being row 1
ROSTER_CASES = [
    ("roster.column_missing", [h for h in HEADER if h != "NIP Penilai"],
     [head()[:-1], staff()[:-1]], [("roster.column_missing", 1)],
     None, None),
    ("roster.cycle", None,
     [head(), staff(penilai=PPPK_NIP), pppk()], [TOP, ("roster.cycle", 3)],
     [head(), staff(), pppk()], [TOP]),
    ("roster.duplicate_nip", None,
     [head(), staff(), staff(nama="Ani Lagi")], [TOP, ("roster.duplicate_nip", 4)],
     [head(), staff(), pppk()], [TOP]),
    ("roster.empty", None, [], [("roster.empty", None)], [head()], [TOP]),
    ("roster.jabatan_missing", None, [head(), staff(jabatan="")],
     [TOP, ("roster.jabatan_missing", 3)], [head(), staff(jabatan=" Analis ")], [TOP]),
    ("roster.jenis_jabatan_ambiguous", None, [head(), staff(jenis="JA")],
     [TOP, ("roster.jenis_jabatan_ambiguous", 3)], [head(), staff(jenis="JF")], [TOP]),
    ("roster.jenis_jabatan_missing", None, [head(), staff(jenis="")],
     [TOP, ("roster.jenis_jabatan_missing", 3)], [head(), staff(jenis="fungsional")], [TOP]),
    ("roster.jenis_jabatan_unknown", None, [head(), staff(jenis="Eselon V")],
     [TOP, ("roster.jenis_jabatan_unknown", 3)], [head(jenis="Eselon III"), staff()], [TOP]),
    ("roster.jenjang_unknown", None, [head(), staff(jenjang="Ahli Sekali")],
     [TOP, ("roster.jenjang_unknown", 3)],
     [head(jenjang="Eselon III"), staff(jenjang="Muda")], [TOP]),
    ("roster.nama_missing", None, [head(), staff(nama="")], [TOP, ("roster.nama_missing", 3)],
     [head(), staff(nama="  Ani  ")], [TOP]),
    ("roster.non_asn", None, [head(), staff(), honorer()], [TOP, ("roster.non_asn", 4)],
     [head(), staff(status="PNS DPK")], [TOP]),
    ("roster.pendekatan_unknown", HEADER + ["Pendekatan"],
     [head() + [""], staff() + ["campuran"]], [TOP, ("roster.pendekatan_unknown", 3)],
     [head() + [""], staff() + ["Kualitatif"]], [TOP]),
    ("roster.penilai_empty", None,
     [head(), staff(unit=OTHER_UNIT, penilai="")], [TOP, ("roster.penilai_empty", 3)],
     [head(), staff(unit=OTHER_UNIT, penilai=HEAD_NIP)], [TOP]),
    ("roster.penilai_empty_again", None,
     [head(), staff(penilai="")], [TOP, ("roster.penilai_empty_again", 3)],
     [head(), staff(unit=OTHER_UNIT, penilai="")], [TOP, ("roster.penilai_empty", 3)]),
    ("roster.penilai_invalid", None,
     [head(), staff(penilai=HEAD_NIP[:-1]), pppk(penilai="Ani Lestari")],
     [TOP, ("roster.penilai_invalid", 3), ("roster.penilai_invalid", 4)],
     [head(), staff(penilai=f"{HEAD_NIP[:8]} {HEAD_NIP[8:14]} {HEAD_NIP[14:]}")], [TOP]),
    ("roster.penilai_missing", None, [head(), staff(penilai=OUTSIDER)],
     [TOP, ("roster.penilai_missing", 3)], [head(), staff(penilai=HEAD_NIP)], [TOP]),
    ("roster.penilai_non_asn", None,
     [head(), honorer(), staff(penilai="199505052020011001")],
     [TOP, ("roster.non_asn", 3), ("roster.penilai_non_asn", 4)],
     [head(), pppk(penilai=HEAD_NIP), staff(penilai=PPPK_NIP)], [TOP]),
    ("roster.penilai_number", None, [head(), staff(penilai=float(HEAD_NIP))],
     [TOP, ("roster.penilai_number", 3)], [head(), staff(penilai="'" + HEAD_NIP)], [TOP]),
    ("roster.penilai_self", None, [head(), staff(penilai=STAFF_NIP)],
     [TOP, ("roster.penilai_self", 3)], [head(), staff(penilai=HEAD_NIP)], [TOP]),
    ("roster.status_unknown", None, [head(), staff(status="Pegawai Tetap")],
     [TOP, ("roster.status_unknown", 3)], [head(), staff(status="pns")], [TOP]),
    ("roster.tail", None, [head(), staff(), *SIGNATURE], [TOP, ("roster.tail", 4)],
     [head(), [None] * 9, staff()], [TOP]),
    ("roster.unit_missing", None, [head(), staff(unit="")], [TOP, ("roster.unit_missing", 3)],
     [head(), staff(unit=f"  {UNIT} ")], [TOP]),
]


@pytest.mark.parametrize("code,header,rows,expected,near_rows,near_expected", ROSTER_CASES,
                         ids=[case[0] for case in ROSTER_CASES])
def test_every_roster_code_has_a_trigger_and_a_near_miss(tmp_path, code, header, rows,
                                                          expected, near_rows, near_expected):
    header = header or HEADER
    roster = read_roster(write_xlsx(tmp_path / "kena.xlsx", rows, header=header))
    assert found(roster) == expected
    assert code in {c for c, _ in expected}
    assert roster.ok == all(CATALOG[c].severity == "warning" for c, _ in expected)
    for problem in roster.problems:
        assert "{" not in problem.message() + problem.message("en")
    if near_rows is None:       # a header that has the column is every other case
        near_rows, near_expected = [head(), staff()], [TOP]
    near = read_roster(write_xlsx(tmp_path / "nyaris.xlsx", near_rows, header=header
                                  if code != "roster.column_missing" else HEADER))
    assert found(near) == near_expected
    # (every roster has its head without an assessor: the near miss has one warning less)
    assert [c for c, _ in near_expected].count(code) < [c for c, _ in expected].count(code)


# --- unreadable files -------------------------------------------------------------------

def test_unreadable_files(tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"this is not a workbook")
    html = tmp_path / "export.xls"
    html.write_bytes(b"<html><body><table><tr><td>NIP</td></tr></table></body></html>")
    binary = tmp_path / "data.csv"
    binary.write_bytes(b"\x00\x01\x02binary")
    encrypted = tmp_path / "locked.xlsx"
    encrypted.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 512
                          + "EncryptedPackage".encode("utf-16-le") + b"\0" * 512)
    for path, code in [(broken, "file.unreadable"), (html, "file.unreadable"),
                       (binary, "file.unreadable"), (encrypted, "file.encrypted"),
                       (tmp_path / "missing.xlsx", "file.missing")]:
        with pytest.raises(UnreadableFileError) as info:
            read_roster(path)
        assert info.value.code == code
        assert path.name in info.value.message


# --- CLI --------------------------------------------------------------------------------

def run(*args):
    return CliRunner().invoke(roster_group, list(args))


def test_cli_clean_roster_exits_0(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [head(), staff()])
    result = run("check", str(path))
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "Baris 2: [PERINGATAN] Budi Santoso tidak punya NIP penilai. Ini wajar hanya untuk "
        "pimpinan tertinggi Sekretariat Bawaslu Kota Batu yang penilainya di luar daftar ini.",
        "2 pegawai, 0 kesalahan, 1 peringatan",
    ]


def test_cli_errors_exit_1(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [head(), staff(nip=1.98502152010122e17)])
    result = run("check", str(path), "--lang", "en")
    assert result.exit_code == 1
    assert result.output.splitlines()[1].startswith(
        "Row 3: [ERROR] NIP 1.98502152010122E+17 was corrupted by Excel")
    assert result.output.splitlines()[-1] == "2 employees, 1 error, 1 warning"


def test_cli_json_equals_library(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [head(), staff(penilai="197001011990031001")])
    result = run("check", str(path), "--format", "json", "--lang", "en")
    assert result.exit_code == 1
    assert json.loads(result.output) == read_roster(path).to_dict("en")


def test_cli_table_equals_library_rendering(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [head(), staff(jenis="JA")])
    assert run("check", str(path)).output == render_table(read_roster(path)) + "\n"


def test_cli_unreadable_file_is_a_problem_in_the_input(tmp_path):
    """An unreadable roster is a problem in the input (exit 1), reported like every other
    command reports one: ``Kesalahan:`` (``Error:`` in English) with the message and what
    to do."""
    from skpxl.cli import cli
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a workbook")
    result = CliRunner().invoke(cli, ["roster", "check", str(path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Kesalahan: File broken.xlsx rusak")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [[], ["missing.xlsx"], ["r.xlsx", "--format", "xml"]])
def test_cli_usage_errors_exit_2(tmp_path, args):
    write_xlsx(tmp_path / "r.xlsx", [head()])
    paths = [str(tmp_path / arg) if arg.endswith(".xlsx") else arg for arg in args]
    assert run("check", *paths).exit_code == 2


def test_cli_help_has_example():
    result = run("check", "--help")
    assert result.exit_code == 0
    assert "Contoh:" in result.output and "skpxl roster check pegawai.xlsx" in result.output
    english = run("check", "--help", "--lang", "en")
    assert "Example:" in english.output and "skpxl roster check pegawai.xlsx" in english.output


def test_csv_utf16_from_excel_unicode_text(tmp_path):
    path = tmp_path / "r.txt"
    lines = ["\t".join(HEADER)] + ["\t".join(row) for row in (head(), staff())]
    path.write_bytes("\r\n".join(lines).encode("utf-16"))
    assert found(read_roster(path)) == [TOP]


def test_cycle_message_in_both_languages(tmp_path):
    roster = read_roster(write_xlsx(tmp_path / "r.xlsx", [head(), staff(penilai=PPPK_NIP),
                                                          pppk()]))
    problem = roster.problems[1]
    assert problem.message("id").startswith(
        f"Rantai penilai berputar tanpa ujung: Ani Lestari (baris 3, NIP {STAFF_NIP}) → "
        f"Cahyo Wibowo (baris 4, NIP {PPPK_NIP}) → Ani Lestari.")
    assert "Ani Lestari (row 3" in problem.message("en")
