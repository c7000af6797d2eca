"""What a unit merge counts, by the rules: which file of an employee is used, what is
invalid, set aside, missing or not submitted.

One quarter of Sekretariat Bawaslu Kota Batu (five employees in the conftest roster),
returned as real workbooks written by the fast writer: the Pengawas twice (an older valid
file and a newer invalid one), the Fungsional once, the head with a mistake, a workbook that
is no SKP at all, and an empty file; the Pelaksana and the PPPK never return theirs. The
expected numbers are counted by hand from that story, the predikat from the regulation's
table (``tests/regulation.py``). The reduce is checked through the library functions
``skpxl.merge`` runs (``submissions`` then ``reduce_unit``) as well as through ``merge``.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from conftest import (FUNGSIONAL_NIP, HEAD_NIP, PENGAWAS_NIP, ROSTER_HEADER, UNIT_KOTA, _ROSTER,
                      write_csv)
from test_problem_codes import RHK1, edits, set_, world, write  # noqa: F401 - world: fixture

from regulation import DI_BAWAH, MATRIX, PREDIKAT, SESUAI
from skpxl.consolidate import SET_ASIDE, input_files, reduce_unit, submissions
from skpxl.merge import merge
from skpxl.periods import parse_period
from skpxl.roster import read_roster

PERIOD = "2025-Q3"
NEWER = "2025-10-02T08:00:00+00:00"


@pytest.fixture(scope="module")
def inbox(world, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("merge-rules") / "kembali"
    folder.mkdir()
    files = {
        "pengawas-lama.xlsx": write(world, PENGAWAS_NIP)[0],
        "pengawas-baru.xlsx": write(world, PENGAWAS_NIP, edits(
            set_("$.meta.generated_at", NEWER), set_(f"{RHK1}.iki[0].realisasi", None)))[0],
        "dewi.xlsx": write(world, FUNGSIONAL_NIP)[0],
        "kepala.xlsx": write(world, HEAD_NIP, edits(
            set_("$.evaluasi.rating_perilaku", None), set_("$.evaluasi.predikat", None)))[0],
    }
    for name, path in files.items():
        os.replace(path, folder / name)
    os.utime(folder / "pengawas-baru.xlsx", (1_760_000_000, 1_760_000_000))  # also saved later
    os.utime(folder / "pengawas-lama.xlsx", (1_750_000_000, 1_750_000_000))
    foreign = openpyxl.Workbook()
    foreign.active["A1"] = "Daftar hadir rapat"
    foreign.save(folder / "daftar-hadir.xlsx")
    (folder / "kosong.xlsx").write_bytes(b"")
    return folder


@pytest.fixture(scope="module")
def unit(world, inbox):
    """The reduce of the unit, as merge runs it."""
    roster = world["roster"]
    files, _ = input_files([inbox])
    period = parse_period(PERIOD)
    subs = submissions(files, period=period.kode, months=period.months, roster_ref=roster.by_nip(),
                       lang="id", work=1, progress=None)
    return reduce_unit(UNIT_KOTA, subs, period=period, roster=roster)


def status_of(data) -> dict[str, str]:
    return {source["file"]: source["status"] for source in data.sources}


def invalid_files(data) -> set[str]:
    """The files named in the Tidak Valid table (whatever its column order)."""
    names = {source["file"] for source in data.sources}
    return {value for row in data.tidak_valid for value in row if value in names}


def test_the_valid_file_is_used_though_the_invalid_one_is_newer(unit):
    status = status_of(unit)
    assert status["pengawas-lama.xlsx"] == "valid"
    assert status["pengawas-baru.xlsx"] == SET_ASIDE
    assert "pengawas-baru.xlsx" not in invalid_files(unit)     # set aside, not invalid
    assert unit.summary.duplicates == 1


def test_files_without_a_nip_are_listed_as_invalid(unit):
    """A workbook that is no SKP and an empty file have no NIP: still submitted, invalid."""
    assert invalid_files(unit) == {"kepala.xlsx", "daftar-hadir.xlsx", "kosong.xlsx"}
    status = status_of(unit)
    assert (status["daftar-hadir.xlsx"], status["kosong.xlsx"]) == ("tidak valid",
                                                                     "tidak valid")


def test_the_unit_s_numbers(unit, world, inbox, tmp_path):
    """Counted by hand: five expected; the Pengawas and the Fungsional valid; the head, the
    foreign workbook and the empty file invalid; one file set aside; the Pelaksana and the
    PPPK never returned theirs. The same through ``merge``."""
    numbers = {"expected": 5, "submitted": 6, "valid": 2, "invalid": 3, "duplicates": 1,
               "missing": 3, "not_submitted": 2}
    predikat = Counter({MATRIX[(SESUAI, SESUAI)]: 1, MATRIX[(SESUAI, DI_BAWAH)]: 1})
    summary = unit.summary.to_dict()
    assert {k: summary[k] for k in numbers} == numbers
    assert summary["predikat"] == {p: predikat[p] for p in PREDIKAT}
    result = merge([inbox], period=PERIOD, roster=world["roster"], output=tmp_path / "r.xlsx")
    merged = result.to_dict()
    assert {k: merged[k] for k in numbers} == numbers
    assert merged["predikat"] == summary["predikat"]
    assert not result.ok


def test_a_file_of_someone_not_in_the_roster_is_counted_invalid(world, tmp_path):
    """Merged without the Fungsional in the roster: the file stays in the report, invalid
    (skp.not_in_roster), not dropped."""
    path, _ = write(world, FUNGSIONAL_NIP)
    inbox = tmp_path / "kembali"
    inbox.mkdir()
    os.replace(path, inbox / "dewi.xlsx")
    roster = read_roster(write_csv(tmp_path / "pegawai.csv", ROSTER_HEADER,
                                   [r for r in _ROSTER if r[0] != FUNGSIONAL_NIP]))
    files, _ = input_files([inbox])
    period = parse_period(PERIOD)
    subs = submissions(files, period=period.kode, months=period.months,
                       roster_ref=roster.by_nip(), lang="id", work=1, progress=None)
    assert [p.code for p in subs[0].report.issues] == ["skp.not_in_roster"]
    data = reduce_unit(UNIT_KOTA, subs, period=period, roster=roster)
    assert invalid_files(data) == {"dewi.xlsx"} and data.summary.invalid == 1
    assert (data.summary.expected, data.summary.valid, data.summary.missing) == (4, 0, 4)
