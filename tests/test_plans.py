"""Plans files (RHK/IKI/targets per NIP), on real CSV/XLSX files written into tmp_path."""

from __future__ import annotations

import csv

import pytest

from skpxl.errors import UnreadableFileError
from skpxl.plans import parse_target, read_plans
from conftest import write_rows_xlsx

NIP_A = "198502152010122003"
NIP_B = "199003032024211002"
HEADER = ["NIP", "Jenis", "RHK", "RHK Pimpinan", "Aspek", "IKI", "Target", "Satuan"]


def write_xlsx(path, rows, header=HEADER):
    return write_rows_xlsx(path, rows, header)


def write_csv(path, rows, header=HEADER, delimiter=";"):
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle, delimiter=delimiter).writerows([header] + rows)
    return path


def found(plans) -> list[tuple[str, int | None]]:
    return [(p.code, p.row) for p in plans.problems]


def iki(aspek, indikator, target, satuan="", perspektif=""):
    return {"aspek": aspek, "indikator": indikator, "target": target, "satuan": satuan,
            "perspektif": perspektif}


ROWS = [
    [NIP_A, "Utama", "Laporan kepegawaian", "Layanan SDM prima", "Kuantitas",
     "Jumlah laporan", 12, "laporan"],
    [NIP_A, "Utama", "Laporan kepegawaian", "Layanan SDM prima", "kualitas",
     "Laporan diterima tanpa revisi", 100, "%"],
    [NIP_A, "", "Data pegawai mutakhir", "Layanan SDM prima", "WAKTU", "Tepat waktu", 12,
     "bulan"],
    [NIP_A, "Tambahan", "Panitia kegiatan", "", "Kuantitas", "Jumlah kegiatan", 2.5, "kegiatan"],
    [NIP_A, "Dukungan Sumber Daya", "Laptop dan internet", "", "", "", None, ""],
    [NIP_A, "Skema Pertanggungjawaban", "Dilaporkan setiap triwulan", "", "", "", None, ""],
    [NIP_A, "Konsekuensi", "Tunjangan kinerja", "", "", "", None, ""],
    [NIP_B, "Utama", "Surat terkirim", "Data pegawai mutakhir", "Kuantitas", "Jumlah surat",
     "100 %", ""],
]


def test_grouping_by_nip_jenis_rhk(tmp_path):
    plans = read_plans(write_xlsx(tmp_path / "p.xlsx", ROWS))
    assert found(plans) == []
    assert plans.ok
    assert plans.get(NIP_A) == {
        "utama": [
            {"rhk": "Laporan kepegawaian", "rhk_pimpinan": "Layanan SDM prima", "iki": [
                iki("Kuantitas", "Jumlah laporan", 12, "laporan"),
                iki("Kualitas", "Laporan diterima tanpa revisi", 100, "%")]},
            {"rhk": "Data pegawai mutakhir", "rhk_pimpinan": "Layanan SDM prima", "iki": [
                iki("Waktu", "Tepat waktu", 12, "bulan")]},
        ],
        "tambahan": [{"rhk": "Panitia kegiatan", "rhk_pimpinan": "", "iki": [
            iki("Kuantitas", "Jumlah kegiatan", 2.5, "kegiatan")]}],
        "lampiran": {"dukungan_sumber_daya": ["Laptop dan internet"],
                     "skema_pertanggungjawaban": ["Dilaporkan setiap triwulan"],
                     "konsekuensi": ["Tunjangan kinerja"]},
    }
    assert plans.get(NIP_B)["utama"][0]["iki"][0]["target"] == "100 %"
    assert plans.get("197001011990031001") is None


def test_integral_targets_are_int(tmp_path):
    plans = read_plans(write_xlsx(tmp_path / "p.xlsx", ROWS[:1]))
    target = plans.get(NIP_A)["utama"][0]["iki"][0]["target"]
    assert target == 12 and isinstance(target, int)


def test_merged_cell_layout_continues_the_row_above(tmp_path):
    rows = [
        [NIP_A, "Tambahan", "Panitia kegiatan", "Layanan", "Kuantitas", "Jumlah kegiatan", 2, ""],
        [None, None, None, None, "Kualitas", "Kegiatan berjalan lancar", 100, "%"],
        [None, "Tambahan", None, None, "Waktu", "Selesai tepat waktu", 3, "bulan"],
        [NIP_B, None, "Surat terkirim", None, "Kuantitas", "Jumlah surat", 10, "surat"],
    ]
    plans = read_plans(write_xlsx(tmp_path / "p.xlsx", rows))
    assert found(plans) == []
    tambahan = plans.get(NIP_A)["tambahan"]
    assert len(tambahan) == 1 and plans.get(NIP_A)["utama"] == []
    assert [i["aspek"] for i in tambahan[0]["iki"]] == ["Kuantitas", "Kualitas", "Waktu"]
    assert plans.get(NIP_B)["utama"][0]["rhk"] == "Surat terkirim"


def test_same_rhk_not_consecutive_stays_two_rhk(tmp_path):
    rows = [ROWS[0], ROWS[2], ROWS[1]]
    plans = read_plans(write_xlsx(tmp_path / "p.xlsx", rows))
    assert [r["rhk"] for r in plans.get(NIP_A)["utama"]] == [
        "Laporan kepegawaian", "Data pegawai mutakhir", "Laporan kepegawaian"]


def test_header_aliases_and_perspektif(tmp_path):
    header = ["NIP Pegawai", "Jenis", "Rencana Hasil Kerja",
              "RHK Pimpinan yang Diintervensi", "Indikator Kinerja Individu", "Target",
              "Perspektif"]
    rows = [[NIP_A, "Utama", "Opini WTP", "", "Opini BPK", "WTP", "Proses Bisnis"],
            [NIP_A, "Utama", "Opini WTP", "", "Nilai SAKIP", 80, "perspektif anggaran"]]
    plans = read_plans(write_xlsx(tmp_path / "p.xlsx", rows, header=header))
    assert found(plans) == []
    ikis = plans.get(NIP_A)["utama"][0]["iki"]
    assert ikis == [iki("", "Opini BPK", "WTP", perspektif="Perspektif Proses Bisnis"),
                    iki("", "Nilai SAKIP", 80, perspektif="Perspektif Anggaran")]


def test_csv_targets(tmp_path):
    rows = [[NIP_A, "", "R", "", "Kuantitas", "A", "12", ""],
            [NIP_A, "", "R", "", "Kuantitas", "B", "12,5", ""],
            [NIP_A, "", "R", "", "Kuantitas", "C", "1.000", ""],
            [NIP_A, "", "R", "", "Kuantitas", "D", "12 laporan", ""]]
    plans = read_plans(write_csv(tmp_path / "p.csv", rows))
    assert [i["target"] for i in plans.get(NIP_A)["utama"][0]["iki"]] == [12, 12.5, "1.000",
                                                                          "12 laporan"]


@pytest.mark.parametrize("value,expected", [
    (12.0, 12), (12.5, 12.5), (7, 7), ("", ""), (None, ""), ("0,75", 0.75), ("-3", -3),
    ("12.0", 12), ("1,000", "1,000"), ("WTP", "WTP"),
])
def test_parse_target(value, expected):
    result = parse_target(value)
    assert result == expected and type(result) is type(expected)


def test_unknown_aspek(tmp_path):
    rows = [ROWS[0], [NIP_A, "Utama", "Laporan kepegawaian", "", "Kecepatan", "Cepat", 1, ""]]
    plans = read_plans(write_xlsx(tmp_path / "p.xlsx", rows))
    assert found(plans) == [("plans.aspek_unknown", 3)]
    assert plans.problems[0].message() == (
        "Aspek 'Kecepatan' tidak dikenal. Isi salah satu: Kuantitas, Kualitas, Waktu, Biaya.")


def test_unknown_perspektif(tmp_path):
    header = HEADER + ["Perspektif"]
    rows = [ROWS[0] + ["Pelanggan Setia"]]
    plans = read_plans(write_xlsx(tmp_path / "p.xlsx", rows, header=header))
    assert found(plans) == [("plans.perspektif_unknown", 2)]


@pytest.mark.parametrize("nip", [1.98502152010122e17, "1.98E+17", "19850215201012200",
                                 "NIP Ani"])
def test_nip_not_18_digit_text(tmp_path, nip):
    rows = [[nip] + ROWS[0][1:], ROWS[7]]
    plans = read_plans(write_xlsx(tmp_path / "p.xlsx", rows))
    assert found(plans) == [("plans.nip_invalid", 2)]
    assert list(plans.by_nip) == [NIP_B]


def test_nip_missing_on_first_row(tmp_path):
    plans = read_plans(write_xlsx(tmp_path / "p.xlsx", [[None] + ROWS[0][1:]]))
    assert found(plans) == [("plans.nip_missing", 2)]


def test_jenis_unknown(tmp_path):
    plans = read_plans(write_xlsx(tmp_path / "p.xlsx", [[NIP_A, "Lainnya"] + ROWS[0][2:]]))
    assert found(plans) == [("plans.jenis_unknown", 2)]


def test_rhk_missing(tmp_path):
    rows = [ROWS[0], [NIP_B, "Utama", None, None, "Kuantitas", "Jumlah", 1, ""]]
    plans = read_plans(write_xlsx(tmp_path / "p.xlsx", rows))
    assert found(plans) == [("plans.rhk_missing", 3)]


def test_column_missing(tmp_path):
    header = [h for h in HEADER if h != "IKI"]
    plans = read_plans(write_xlsx(tmp_path / "p.xlsx", [], header=header))
    assert found(plans) == [("plans.column_missing", 1)]
    assert "Indikator Kinerja Individu" in plans.problems[0].message()


def test_empty_plans_file(tmp_path):
    plans = read_plans(write_xlsx(tmp_path / "p.xlsx", []))
    assert found(plans) == [("plans.empty", 1)]
    assert plans.ok


def test_unreadable_plans_file_is_named_as_what_it_is(tmp_path):
    binary = tmp_path / "rencana.csv"
    binary.write_bytes(b"\x00\x01\x02binary")
    with pytest.raises(UnreadableFileError) as info:
        read_plans(binary)
    assert info.value.code == "file.unreadable" and "rencana.csv" in info.value.message
    assert "pegawai" not in info.value.message + info.value.hint  # not "the roster"
