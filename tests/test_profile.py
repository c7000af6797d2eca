"""The agency profile and what the roster tells about units, heads and signing places."""

import pytest

from skpxl.errors import UsageError
from skpxl.profile import (Profile, Signatory, instansi_of, load_profile, place_of_unit,
                           signatory_for, tempat_for, unit_head, unit_order, wilayah_of)
from skpxl.roster import Employee, Roster


def roster(*rows) -> Roster:
    r = Roster("mem.csv")
    for i, (nip, unit, penilai, *rest) in enumerate(rows, start=2):
        r.employees.append(Employee(i, nip, f"Nama {nip[-3:]}", jabatan=f"Jabatan {nip[-3:]}",
                                    unit_kerja=unit, nip_penilai=penilai,
                                    tempat=rest[0] if rest else "",
                                    instansi=rest[1] if len(rest) > 1 else ""))
    return r


TOP = "Sekretariat Dinas Provinsi Maluku"
KAB = "Kantor Dinas Kabupaten Buru"
AGENCY = roster(("197001011990011001", TOP, "", "Ambon", "Dinas Contoh"),
                ("197001011990011002", TOP, "197001011990011001", "Ambon", "Dinas Contoh"),
                ("197001011990011003", KAB, "197001011990011001", "Namlea", "Dinas Contoh"),
                ("197001011990011004", KAB, "197001011990011003", "", "Dinas Lain"))


def test_heads_places_and_region_come_from_the_roster():
    assert unit_head(AGENCY, TOP).nip == "197001011990011001"
    assert unit_head(AGENCY, KAB).nip == "197001011990011003"
    assert signatory_for(None, AGENCY) == Signatory("Jabatan 001", "Nama 001",
                                                    "197001011990011001", "Ambon")
    assert signatory_for(KAB, AGENCY).tempat == "Namlea"
    assert wilayah_of(AGENCY) == "Provinsi Maluku"
    assert instansi_of(AGENCY) == "Dinas Contoh"
    assert unit_order([KAB, TOP, "Zeta", None], AGENCY) == [TOP, KAB, "Zeta", None]


def test_without_roster_or_head_nothing_is_guessed():
    cut = roster(("197001011990011001", KAB, ""), ("197001011990011002", KAB, ""))
    assert unit_head(cut, KAB) is None
    assert signatory_for(KAB, cut) == Signatory(tempat="Buru")
    assert signatory_for(None, None) == Signatory()
    assert place_of_unit("Sekretariat Bawaslu Kota Batu") == "Batu"
    assert place_of_unit("Biro Umum") == ""
    assert wilayah_of(None, None, ["Biro Umum"]) == ""


def test_profile_file_overrides(tmp_path):
    path = tmp_path / "instansi.toml"
    path.write_text('instansi = "Badan Contoh"\nwilayah = "Provinsi Contoh"\n'
                    'tempat = "Kota Contoh"\nunit_order = ["B", "A"]\n'
                    '[[penandatangan]]\nunit = "provinsi"\njabatan = "Kepala"\nnama = "X"\n'
                    'nip = "1"\n[tempat_unit]\n"Kantor Dinas Kabupaten Buru" = "Namrole"\n',
                    encoding="utf-8")
    profile = load_profile(path)
    assert instansi_of(AGENCY, profile) == "Badan Contoh"
    assert wilayah_of(AGENCY, profile) == "Provinsi Contoh"
    assert signatory_for(None, AGENCY, profile) == Signatory("Kepala", "X", "1")
    assert tempat_for(None, AGENCY, profile) == "Kota Contoh"
    assert tempat_for(KAB, AGENCY, profile) == "Namrole"
    assert unit_order(["A", "B", TOP], AGENCY, profile) == ["B", "A", TOP]
    assert load_profile(None) == Profile()


@pytest.mark.parametrize("text, fragment", [
    ("instansi = ", "TOML"), ("kota = 'x'", "kota"), ("instansi = 3", "instansi"),
    ("[[penandatangan]]\njabatan = 'x'", "penandatangan ke-1"),
])
def test_bad_profiles_are_usage_errors(tmp_path, text, fragment):
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError) as info:
        load_profile(path)
    assert fragment in info.value.message and info.value.text("en")[0]
    with pytest.raises(UsageError):
        load_profile(tmp_path / "missing.toml")
