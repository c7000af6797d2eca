"""Merging returned workbooks into unit and province reports, read back for real.

One quarter is played once per module: workbooks are generated from the conftest roster,
filled the way staff and assessors would (one with a mistake, one returned twice, one never
returned, one with text that looks like formulas), merged per unit, then per province.
Reports are read back with openpyxl and python-calamine.
"""

from __future__ import annotations

import csv
import json
import os
import random
import shutil
import zipfile
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
import python_calamine
from click.testing import CliRunner
from conftest import (
    _ROSTER,
    FUNGSIONAL_NIP,
    HEAD_NIP,
    JPT_NIP,
    KAB_STAFF_NIP,
    PELAKSANA_NIP,
    PENGAWAS_NIP,
    PPPK_NIP,
    ROSTER_HEADER,
    UNIT_KAB,
    UNIT_KOTA,
    write_csv,
)

from regulation import AK_EXAMPLES, MATRIX, ak_close
from regulation import DI_ATAS as R_ATAS
from regulation import DI_BAWAH as R_BAWAH
from regulation import PREDIKAT as R_PREDIKAT
from regulation import SESUAI as R_SESUAI
from skpxl.cli import cli, main
from skpxl.domain import PREDIKAT, SESUAI
from skpxl.errors import UsageError
from skpxl.extract import extract
from skpxl.generate import generate
from skpxl.merge import merge
from skpxl.report import REKAP, REPORT_SHEET, read_report
from skpxl.simulate import fill_workbook
from skpxl.writer import CompiledTemplate, write_atomic

PERIOD = "2025-Q3"
UNIT_SHEETS = ["Ringkasan", "Rekap Pegawai", "Hasil Kerja", "Perilaku", "Belum Mengumpulkan",
               "Tidak Valid", "Duplikat", "Berkas", REPORT_SHEET]
DATA_SHEETS = UNIT_SHEETS[1:-1]
PRINTED_TABLES = UNIT_SHEETS[1:-2]
INJECTED = {"iki": '=HYPERLINK("http://contoh.invalid","klik")', "perilaku": "+62 812 5555",
            "at": "@SUM(A1:A9)", "minus": "-1+1"}
OCT_1, OCT_5 = 1759302000, 1759647600  # file times: 2025-10-01 and 2025-10-05


#: the ratings the quarter's valid files carry (see ``quarter``), and what the regulation's
#: matrix makes of them
QUARTER_RATINGS = {"kota/kepala": (R_ATAS, R_ATAS), "kota/kasubbag": (R_SESUAI, R_SESUAI),
                   "kota/dewi-baru": (R_BAWAH, R_SESUAI), "kab/kepala": (R_SESUAI, R_ATAS),
                   "kab/analis": (R_ATAS, R_ATAS)}
QUARTER_PREDIKAT = {p: sum(MATRIX[r] == p for r in QUARTER_RATINGS.values())
                    for p in R_PREDIKAT}


# --- the quarter --------------------------------------------------------------------------

def fill(source: Path, target: Path, *, ratings=None, mistake=None, seed=0, edit=None,
         mtime=None) -> None:
    """A returned workbook; ``edit(doc)`` changes the filled document before it is saved."""
    doc = fill_workbook(source, target, rng=random.Random(seed), mistake=mistake,
                        ratings=ratings)
    if edit is not None:
        edit(doc)
        write_atomic(target, CompiledTemplate(extract(target).template).render(doc))
    if mtime is not None:
        os.utime(target, (mtime, mtime))


def inject(doc: dict) -> None:
    doc["hasil_kerja"]["utama"][0]["iki"][0]["umpan_balik"] = INJECTED["iki"]
    doc["perilaku"][0]["umpan_balik"] = INJECTED["perilaku"]
    doc["perilaku"][1]["umpan_balik"] = INJECTED["at"]
    doc["perilaku"][2]["umpan_balik"] = INJECTED["minus"]


def generated_at(moment: str):
    def edit(doc: dict) -> None:
        doc["meta"]["generated_at"] = moment
    return edit


@pytest.fixture(scope="module")
def quarter(tmp_path_factory):
    """Returned workbooks in ``kembali/kota`` and ``kembali/kab``, plus the roster."""
    base = tmp_path_factory.mktemp("merge")
    roster = write_csv(base / "pegawai.csv", ROSTER_HEADER, [list(r) for r in _ROSTER])
    made = generate(roster, PERIOD, base / "skp")
    source = {f.nip: Path(f.path) for f in made.files}
    kota, kab = base / "kembali" / "kota", base / "kembali" / "kab"
    rated = QUARTER_RATINGS
    fill(source[HEAD_NIP], kota / "kepala.xlsx", ratings=rated["kota/kepala"], edit=inject)
    fill(source[PENGAWAS_NIP], kota / "kasubbag.xlsx", ratings=rated["kota/kasubbag"], seed=1)
    fill(source[PELAKSANA_NIP], kota / "pelaksana.xlsx", mistake="nip_number", seed=2)
    # returned twice: the newer workbook (metadata) wins even though its file time is older
    fill(source[FUNGSIONAL_NIP], kota / "dewi-lama.xlsx", ratings=(SESUAI, SESUAI),
         edit=generated_at("2025-07-01T08:00:00+07:00"), mtime=OCT_5)
    fill(source[FUNGSIONAL_NIP], kota / "dewi-baru.xlsx", ratings=rated["kota/dewi-baru"],
         edit=generated_at("2025-07-02T08:00:00+07:00"), mtime=OCT_1)
    (kota / "~$kepala.xlsx").write_bytes(b"lock")  # PPPK_NIP never returns a workbook
    fill(source[JPT_NIP], kab / "kepala.xlsx", ratings=rated["kab/kepala"], seed=3)
    fill(source[KAB_STAFF_NIP], kab / "analis.xlsx", ratings=rated["kab/analis"], seed=4)
    return {"base": base, "roster": roster, "kota": kota, "kab": kab}


@pytest.fixture(scope="module")
def reports(quarter):
    """Unit reports of both units (Kota Batu with the organisation predikat Baik)."""
    base = quarter["base"]
    kota = merge([quarter["kota"]], period=PERIOD, roster=quarter["roster"],
                 org_predikat="Baik", output=base / "rekap-kota.xlsx")
    kab = merge([quarter["kab"]], period=PERIOD, roster=quarter["roster"],
                output=base / "rekap-kab.xlsx")
    return {"kota": kota, "kab": kab, "kota_path": base / "rekap-kota.xlsx",
            "kab_path": base / "rekap-kab.xlsx"}


def rows_of(path: Path, sheet: str) -> list[list]:
    """Values of a sheet as read by python-calamine (what another program would see)."""
    with python_calamine.CalamineWorkbook.from_path(str(path)) as book:
        return book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def records(path: Path, sheet: str) -> list[dict]:
    """A table sheet as dicts keyed by its headings (data rows only)."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    (table,) = ws.tables.values()
    rows = [[c.value for c in row] for row in ws[table.ref]]
    return [dict(zip(rows[0], row)) for row in rows[1:] if any(v is not None for v in row)]


def ringkasan(path: Path, sheet: str = "Ringkasan") -> dict:
    """The signing sheet's lines: column A's label -> column B's text."""
    ws = openpyxl.load_workbook(path)[sheet]
    return {row[0]: row[1] for row in ws.iter_rows(values_only=True) if row[0]}


def berkas(path: Path) -> dict[str, dict]:
    """The hidden sheet Berkas by file name."""
    return {r["File"]: r for r in records(path, "Berkas")}


# --- unit report --------------------------------------------------------------------------

def test_unit_report_has_every_sheet_as_a_printable_table(reports):
    path = reports["kota_path"]
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == UNIT_SHEETS
    assert wb[REPORT_SHEET].sheet_state == wb["Berkas"].sheet_state == "hidden"
    assert [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"] == \
        ["Ringkasan"] + PRINTED_TABLES
    for name in DATA_SHEETS:
        ws = wb[name]
        (table,) = ws.tables.values()
        assert table.ref.startswith("A1:") and table.autoFilter is not None
        assert [c.name for c in table.tableColumns] == [c.value for c in ws[1]]
        assert ws.freeze_panes == "A2"
        assert ws.column_dimensions["A"].width > 8
    for name in PRINTED_TABLES:
        ws = wb[name]
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        assert ws.print_title_rows == "$1:$1" and 88 <= ws.page_setup.scale <= 100
    assert wb["Ringkasan"].page_setup.orientation == "portrait"
    # no technical column is printed: hashes, file times and timestamps are in Berkas
    for name in PRINTED_TABLES:
        headings = [c.value for c in wb[name][1]]
        assert not [h for h in headings if "SHA" in h or "Dibuat" in h or "Waktu" in h], name
    assert "File" not in [c.value for c in wb["Rekap Pegawai"][1]]
    with zipfile.ZipFile(path) as zf:
        chart = zf.read("xl/charts/chart1.xml").decode()
    assert "Ringkasan" in chart and "barChart" in chart


def test_unit_counts_add_up(reports):
    summary = reports["kota"].to_dict()
    assert {k: summary[k] for k in ("unit", "period", "expected", "submitted", "valid",
                                    "invalid", "duplicates", "missing", "not_submitted")} == {
        "unit": UNIT_KOTA, "period": PERIOD, "expected": 5, "submitted": 5, "valid": 3,
        "invalid": 1, "duplicates": 1, "missing": 2, "not_submitted": 1}
    rekap = records(reports["kota_path"], "Rekap Pegawai")
    assert [r["NIP"] for r in rekap] == sorted(r[0] for r in _ROSTER if r[7] == UNIT_KOTA)
    valid = [r for r in rekap if r["Status"] == "valid"]
    assert summary["predikat"] == {p: sum(r["Predikat"] == p for r in valid) for p in PREDIKAT}
    assert summary["predikat"] == {p: sum(MATRIX[r] == p for k, r in QUARTER_RATINGS.items()
                                          if k.startswith("kota/")) for p in R_PREDIKAT}
    assert sum(summary["predikat"].values()) == summary["valid"] == len(valid)
    assert summary["missing"] == summary["expected"] - summary["valid"]
    status = {r["NIP"]: r["Status"] for r in rekap}
    assert status[PELAKSANA_NIP] == "tidak valid" and status[PPPK_NIP] == "belum mengumpulkan"
    assert [r["NIP"] for r in records(reports["kota_path"], "Belum Mengumpulkan")] == [PPPK_NIP]
    (invalid,) = records(reports["kota_path"], "Tidak Valid")
    assert invalid["File"] == "pelaksana.xlsx" and invalid["Jumlah Kesalahan"] >= 1
    assert "NIP" in invalid["Masalah"]
    shown = ringkasan(reports["kota_path"])
    assert shown["Pegawai dengan SKP sah"] == "3"
    assert shown["Pegawai menurut daftar pegawai"] == "5"
    assert shown["Tingkat SKP sah"] == "60%"     # 3 of 5
    assert shown["Hasil pemeriksaan"] in ("sesuai kurva distribusi",
                                          "TIDAK SESUAI kurva distribusi")
    made = [key for key in shown if key.startswith("Dibuat ")]
    assert made and " pukul " in made[0] and "skpxl" in made[0]


def test_rows_per_employee_iki_and_behaviour(reports):
    path = reports["kota_path"]
    rekap = {r["NIP"]: r for r in records(path, "Rekap Pegawai")}
    dewi = rekap[FUNGSIONAL_NIP]
    assert dewi["Predikat"] == "Butuh Perbaikan"  # from dewi-baru.xlsx
    assert dewi["Angka Kredit"] == "2,344"  # 75 % x 12.5 x 3/12 = 2.34375, shown Indonesian
    files = berkas(path)
    assert files["dewi-baru.xlsx"]["NIP"] == FUNGSIONAL_NIP
    assert files["dewi-baru.xlsx"]["Status"] == "valid"
    assert files["dewi-lama.xlsx"]["Status"] == "disisihkan"
    assert all(len(f["SHA-256"]) == 64 for f in files.values())
    assert rekap[HEAD_NIP]["Predikat"] == "Sangat Baik" and rekap[HEAD_NIP]["Angka Kredit"] is None
    assert rekap[PENGAWAS_NIP]["Nama Penilai"] == _ROSTER[0][1]
    wb = openpyxl.load_workbook(path)
    nip_cells = [row[0] for row in wb["Rekap Pegawai"].iter_rows(min_row=2)]
    assert all(c.data_type == "s" and len(c.value) == 18 for c in nip_cells)
    hasil = records(path, "Hasil Kerja")
    valid = {n for n, r in rekap.items() if r["Status"] == "valid"}
    assert {r["NIP"] for r in hasil} == valid
    assert [r["NIP"] for r in hasil] == sorted(r["NIP"] for r in hasil)
    assert all(r["Indikator Kinerja Individu"] and r["Realisasi"] is not None for r in hasil)
    perilaku = records(path, "Perilaku")
    assert Counter(r["NIP"] for r in perilaku) == {n: 7 for n in valid}
    assert [r["Perilaku Kerja"] for r in perilaku[:2]] == ["Berorientasi Pelayanan", "Akuntabel"]


def test_duplicate_uses_the_newest_workbook_and_lists_the_other(reports):
    (dup,) = records(reports["kota_path"], "Duplikat")
    assert dup["NIP"] == FUNGSIONAL_NIP
    assert (dup["File Dipakai"], dup["File Disisihkan"]) == ("dewi-baru.xlsx", "dewi-lama.xlsx")
    assert dup["Status File Disisihkan"] == "valid"
    files = berkas(reports["kota_path"])
    used, aside = files["dewi-baru.xlsx"], files["dewi-lama.xlsx"]
    assert used["Dibuat"] > aside["Dibuat"] and used["Waktu File"] < aside["Waktu File"]


def test_file_time_breaks_a_tie(quarter, tmp_path):
    folder = tmp_path / "kembali"
    folder.mkdir()
    for name, mtime in (("a.xlsx", OCT_5), ("b.xlsx", OCT_1)):  # same workbook metadata
        shutil.copy(quarter["kab"] / "analis.xlsx", folder / name)
        os.utime(folder / name, (mtime, mtime))
    merge([folder], period=PERIOD, roster=quarter["roster"], output=tmp_path / "r.xlsx")
    (dup,) = records(tmp_path / "r.xlsx", "Duplikat")
    assert (dup["File Dipakai"], dup["File Disisihkan"]) == ("a.xlsx", "b.xlsx")


def test_text_that_looks_like_a_formula_stays_text(reports, tmp_path):
    path = reports["kota_path"]
    hasil = records(path, "Hasil Kerja")
    assert INJECTED["iki"] in [r["Umpan Balik"] for r in hasil]
    feedback = [r["Umpan Balik"] for r in records(path, "Perilaku")]
    assert {INJECTED["perilaku"], INJECTED["at"], INJECTED["minus"]} <= set(feedback)
    wb = openpyxl.load_workbook(path)
    for name in DATA_SHEETS:
        for row in wb[name].iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{name}!{cell.coordinate} became a formula"
    with zipfile.ZipFile(path) as zf:
        sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any("<f>" in zf.read(n).decode() for n in sheets)
    assert INJECTED["iki"] in [row[12] for row in rows_of(path, "Hasil Kerja")]


def test_same_inputs_give_identical_tables(quarter, reports, tmp_path, start_method):
    """Two workers, started by fork (Linux) and by spawn (Windows, macOS), merge what one
    process merges."""
    again = merge([quarter["kota"]], period=PERIOD, roster=quarter["roster"],
                  org_predikat="Baik", output=tmp_path / "lagi.xlsx", jobs=2)
    assert again.to_dict() | {"output": ""} == reports["kota"].to_dict() | {"output": ""}
    for sheet in DATA_SHEETS:
        assert rows_of(tmp_path / "lagi.xlsx", sheet) == rows_of(reports["kota_path"], sheet)
    first, second = (read_report(p).metadata for p in (reports["kota_path"],
                                                      tmp_path / "lagi.xlsx"))
    assert first["checks"] == second["checks"] and first["sources"] == second["sources"]


def test_dask_cluster_gives_identical_tables(quarter, reports, tmp_path):
    """The map step (returned workbooks, unit reports) on a Dask cluster: the same result,
    byte-identical exported tables, the same sources as a serial run."""
    distributed = pytest.importorskip("dask.distributed")
    from skpxl.executor import make_executor

    inputs = {"raw": [quarter["kab"], quarter["kota"]],
              "reports": [reports["kab_path"], reports["kota_path"]]}
    serial = {name: merge(paths, period=PERIOD, roster=quarter["roster"], level="province",
                          output=tmp_path / f"serial-{name}.xlsx",
                          export=tmp_path / f"serial-{name}", jobs=1)
              for name, paths in inputs.items()}
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    try:
        with distributed.Client(cluster) as client:
            on_dask = {name: merge(paths, period=PERIOD, roster=quarter["roster"],
                                   level="province", output=tmp_path / f"dask-{name}.xlsx",
                                   export=tmp_path / f"dask-{name}",
                                   executor=make_executor("dask", scheduler=client))
                       for name, paths in inputs.items()}
            ran = set(cluster.scheduler.task_prefixes)
    finally:
        cluster.close()
    assert {"submission_task", "report_task"} <= ran  # the workers did the map
    for name in inputs:
        mine, theirs = on_dask[name].to_dict(), serial[name].to_dict()
        # what the quarter's story gives, by the regulation's table: not just "the same"
        assert mine["totals"]["valid"] == 5 and mine["totals"]["invalid"] == 1
        assert mine["totals"]["predikat"] == QUARTER_PREDIKAT
        with open(tmp_path / f"dask-{name}" / "rekap-pegawai.csv", encoding="utf-8-sig",
                  newline="") as handle:
            rekap = {row["NIP"]: row for row in csv.DictReader(handle)}
        assert ak_close(float(rekap[FUNGSIONAL_NIP]["Angka Kredit"]),
                        AK_EXAMPLES[("Butuh Perbaikan", "Ahli Pertama", 3)])
        assert mine | {"output": "", "exported": []} == theirs | {"output": "", "exported": []}
        exported = sorted(Path(p).name for p in theirs["exported"])
        assert exported == sorted(Path(p).name for p in mine["exported"]) and exported
        for table in exported:
            assert (tmp_path / f"dask-{name}" / table).read_bytes() == \
                (tmp_path / f"serial-{name}" / table).read_bytes()
        first, second = (read_report(tmp_path / f"{how}-{name}.xlsx").metadata
                         for how in ("serial", "dask"))
        assert first["sources"] == second["sources"]


def test_dask_without_scheduler_is_a_usage_error(quarter, tmp_path, capsys):
    out = tmp_path / "rekap.xlsx"
    with pytest.raises(SystemExit) as stop:
        main(["merge", str(quarter["kab"]), "--period", PERIOD, "-o", str(out),
              "--executor", "dask"])
    assert stop.value.code == 2 and "--scheduler" in capsys.readouterr().err
    assert not out.exists()


def test_existing_report_is_not_overwritten_without_force(quarter, tmp_path, capsys):
    out = tmp_path / "rekap.xlsx"
    out.write_bytes(b"punya orang lain")
    args = {"period": PERIOD, "roster": quarter["roster"], "output": out}
    with pytest.raises(UsageError) as caught:
        merge([quarter["kab"]], **args)
    assert "--force" in caught.value.hint
    assert out.read_bytes() == b"punya orang lain"
    with pytest.raises(SystemExit) as stop:
        main(["merge", str(quarter["kab"]), "--period", PERIOD, "-o", str(out)])
    assert stop.value.code == 2 and "--force" in capsys.readouterr().err
    assert out.read_bytes() == b"punya orang lain"
    merge([quarter["kab"]], force=True, **args)
    assert openpyxl.load_workbook(out).sheetnames == UNIT_SHEETS
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_files_of_several_units_need_a_unit(quarter, tmp_path):
    with pytest.raises(UsageError) as caught:
        merge([quarter["base"] / "kembali"], period=PERIOD, roster=quarter["roster"],
              output=tmp_path / "r.xlsx")
    assert UNIT_KOTA in caught.value.message and UNIT_KAB in caught.value.message
    assert "--unit" in caught.value.hint
    result = merge([quarter["base"] / "kembali"], period=PERIOD, roster=quarter["roster"],
                   unit=UNIT_KAB.upper(), output=tmp_path / "r.xlsx")
    summary = result.to_dict()
    assert summary["unit"] == UNIT_KAB and summary["valid"] == 2 and summary["invalid"] == 5
    foreign = records(tmp_path / "r.xlsx", "Tidak Valid")
    assert all(r["File"].startswith("kota/") for r in foreign)
    assert all(f"bukan {UNIT_KAB}" in r["Masalah"] for r in foreign if r["NIP"] != PELAKSANA_NIP)


def test_without_roster_expected_is_unknown(quarter, tmp_path):
    summary = merge([quarter["kab"]], period=PERIOD, output=tmp_path / "r.xlsx").to_dict()
    assert summary["unit"] == UNIT_KAB and summary["valid"] == 2
    assert summary["expected"] is None and summary["missing"] is None
    assert summary["kurva"]["ok"] is None
    assert ringkasan(tmp_path / "r.xlsx")["Pegawai menurut daftar pegawai"].startswith(
        "tidak diketahui")


def test_progress_is_reported_per_workbook(quarter, tmp_path):
    calls = []

    def progress(total):
        calls.append(total)
        return lambda n=1: calls.append(n)

    merge([quarter["kab"]], period=PERIOD, output=tmp_path / "r.xlsx", progress=progress)
    assert calls == [2, 1, 1]


def test_export_writes_escaped_csv(quarter, tmp_path):
    result = merge([quarter["kota"]], period=PERIOD, roster=quarter["roster"],
                   output=tmp_path / "r.xlsx", export=tmp_path / "csv")
    names = {Path(p).name for p in result.exported}
    assert {"rekap-pegawai.csv", "hasil-kerja.csv", "perilaku.csv", "belum-mengumpulkan.csv",
            "tidak-valid.csv", "duplikat.csv", "berkas.csv"} <= names
    raw = (tmp_path / "csv" / "rekap-pegawai.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(tmp_path / "csv" / "rekap-pegawai.csv", encoding="utf-8-sig", newline="") as f:
        table = list(csv.reader(f))
    assert table[0] == [c.heading for c in REKAP] and len(table) == 6
    assert HEAD_NIP in [row[0] for row in table]
    dewi = dict(zip(table[0], next(row for row in table if row[0] == FUNGSIONAL_NIP)))
    assert dewi["Angka Kredit"] == "2.344"   # a number for analysts; the sheet shows 2,344
    with open(tmp_path / "csv" / "hasil-kerja.csv", encoding="utf-8-sig", newline="") as f:
        cells = [cell for row in csv.reader(f) for cell in row]
    assert "'" + INJECTED["iki"] in cells and INJECTED["iki"] not in cells
    with pytest.raises(UsageError):
        merge([quarter["kota"]], period=PERIOD, output=tmp_path / "s.xlsx",
              export=tmp_path / "csv")


# --- province report ----------------------------------------------------------------------

NUMBERS = ("expected", "submitted", "valid", "invalid", "duplicates", "missing",
           "not_submitted")


def test_province_totals_are_the_sum_of_the_units(quarter, reports, tmp_path):
    out = tmp_path / "provinsi.xlsx"
    result = merge([reports["kota_path"], reports["kab_path"]], period=None,
                   roster=quarter["roster"], level="province", output=out)
    data = result.to_dict()
    assert data["period"] == PERIOD and data["rejected"] == []
    assert [u["unit"] for u in data["units"]] == [UNIT_KOTA, UNIT_KAB]
    assert [u["status"] for u in data["units"]] == ["ok", "ok"]
    for key in NUMBERS:
        assert data["totals"][key] == sum(u[key] for u in data["units"])
    for p in PREDIKAT:
        assert data["totals"]["predikat"][p] == sum(u["predikat"][p] for u in data["units"])
    for key in NUMBERS:
        assert data["units"][0][key] == reports["kota"].to_dict()[key]
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Ringkasan Provinsi", "Rekap Unit", "Grafik", "Rekap Pegawai",
                             "Hasil Kerja", "Sumber", "Berkas", REPORT_SHEET]
    ws = wb["Rekap Unit"]
    assert list(ws.tables) == ["RekapUnit"]
    rows = list(ws.iter_rows(values_only=True))
    heading = rows[0]
    totals_row = next(r for r in rows if r[0] == "Jumlah")
    assert totals_row[heading.index("SKP Sah")] == data["totals"]["valid"] == 5
    assert totals_row[heading.index("Diharapkan")] == 7
    assert totals_row[heading.index("Tingkat SKP Sah")] == "71,4%"    # 5 of 7
    assert ringkasan(out, "Ringkasan Provinsi")["Pegawai dengan SKP sah"] == "5"
    rekap = records(out, "Rekap Pegawai")
    assert len(rekap) == 7 and {r["Unit Kerja"] for r in rekap} == {UNIT_KOTA, UNIT_KAB}
    assert sum(r["Status"] == "valid" for r in rekap) == data["totals"]["valid"]
    sumber = records(out, "Sumber")
    assert {r["Sumber"] for r in sumber} == {"rekap-kota.xlsx", "rekap-kab.xlsx"}
    assert all(r["Status"] == "dipakai" for r in sumber)
    files = berkas(out)
    assert {files[name]["Jenis"] for name in ("rekap-kota.xlsx", "rekap-kab.xlsx")} == \
        {"laporan unit"}
    assert all(len(f["SHA-256"]) == 64 for f in files.values())
    assert "dewi-lama.xlsx" in files      # the units' own files come along
    with zipfile.ZipFile(out) as zf:      # the signing sheet's, and two on Grafik
        assert len([n for n in zf.namelist() if n.startswith("xl/charts/")]) == 3


def test_province_from_folders_matches_province_from_reports(quarter, reports, tmp_path):
    from_reports = merge([reports["kota_path"], reports["kab_path"]], period=PERIOD,
                         roster=quarter["roster"], level="province", output=tmp_path / "a.xlsx")
    from_folders = merge([quarter["kota"], quarter["kab"]], period=PERIOD,
                         roster=quarter["roster"], level="province", output=tmp_path / "b.xlsx")
    for a, b in zip(from_reports.units, from_folders.units):
        assert [getattr(a, k) for k in NUMBERS + ("predikat", "unit")] == \
            [getattr(b, k) for k in NUMBERS + ("predikat", "unit")]
    for sheet in ("Rekap Pegawai", "Hasil Kerja"):
        assert rows_of(tmp_path / "a.xlsx", sheet) == rows_of(tmp_path / "b.xlsx", sheet)


def test_units_without_a_report_are_listed_as_missing(quarter, reports, tmp_path):
    with_roster = merge([reports["kota_path"]], period=PERIOD, level="province",
                        roster=quarter["roster"], output=tmp_path / "r.xlsx")
    assert [(u.unit, u.status) for u in with_roster.units] == [(UNIT_KOTA, "ok"),
                                                               (UNIT_KAB, "missing")]
    assert not with_roster.ok


def test_without_roster_the_units_are_those_found(reports, tmp_path):
    """No unit list is built in: without a roster a province is the units whose reports
    or folders came in, plus those an agency profile lists (in its order)."""
    alone = merge([reports["kota_path"]], period=PERIOD, level="province",
                  output=tmp_path / "p.xlsx")
    assert [(u.unit, u.status) for u in alone.units] == [(UNIT_KOTA, "ok")]
    assert alone.totals.valid == 3 and alone.totals.expected == 5   # the unit report knew
    profile = tmp_path / "instansi.toml"
    profile.write_text('instansi = "Dinas Contoh"\nwilayah = "Provinsi Contoh"\n'
                       f'unit_order = ["Unit Pertama", "{UNIT_KOTA.upper()}"]\n', "utf-8")
    listed = merge([reports["kota_path"]], period=PERIOD, level="province", profile=profile,
                   output=tmp_path / "q.xlsx")
    assert [(u.unit, u.status) for u in listed.units] == [("Unit Pertama", "missing"),
                                                          (UNIT_KOTA, "ok")]
    assert listed.totals.expected is None and not listed.ok   # nobody knows Unit Pertama's
    title = [row[0] for row in openpyxl.load_workbook(tmp_path / "q.xlsx")[
        "Ringkasan Provinsi"].iter_rows(max_row=4, values_only=True)]
    assert title[1:3] == ["PROVINSI CONTOH", "DINAS CONTOH"]


def tamper_remove_metadata(path: Path) -> None:
    wb = openpyxl.load_workbook(path)
    del wb[REPORT_SHEET]
    wb.save(path)


def tamper_ringkasan_count(path: Path) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb["Ringkasan"]
    row = next(r for r in ws.iter_rows() if r[0].value == "Pegawai dengan SKP sah")
    row[1].value = "5"
    wb.save(path)


def tamper_predikat(path: Path) -> None:
    wb = openpyxl.load_workbook(path)
    for row in wb["Rekap Pegawai"].iter_rows():
        if row[12].value == "Baik":
            row[12].value = "Sangat Baik"
    wb.save(path)


def tamper_metadata_count(path: Path) -> None:
    def change(meta):
        meta["units"][0]["valid"] += 1
        meta["units"][0]["missing"] -= 1
    rewrite_metadata(path, change)


def rewrite_metadata(path: Path, change) -> None:
    """Change the JSON of the hidden metadata sheet with ``change(meta)``."""
    wb = openpyxl.load_workbook(path)
    ws = wb[REPORT_SHEET]
    meta = json.loads("".join(c.value for (c,) in ws.iter_rows(min_row=2, max_col=1) if c.value))
    change(meta)
    for (cell,) in ws.iter_rows(min_row=2, max_col=1):
        cell.value = None
    ws["A2"] = json.dumps(meta)
    wb.save(path)


def made_by_version_1(path: Path) -> None:
    rewrite_metadata(path, lambda meta: meta.update(schema_version="1.0"))


def foreign_workbook(path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Ringkasan"
    wb.create_sheet("Rekap Pegawai").append(["NIP", "Nama", "Predikat"])
    wb.save(path)


def not_a_workbook(path: Path) -> None:
    path.write_text("ini bukan workbook", "utf-8")


@pytest.mark.parametrize("tamper,reason", [
    (tamper_remove_metadata, "lembar metadata"),
    (tamper_ringkasan_count, "sheet 'Ringkasan'"),
    (tamper_predikat, "sheet 'Rekap Pegawai'"),
    (tamper_metadata_count, "tidak cocok"),
    (made_by_version_1, "membuat ulang laporannya dengan 'skpxl merge'"),
    (foreign_workbook, "bukan laporan skpxl"),
    (not_a_workbook, "tidak bisa dibaca"),
])
def test_edited_or_foreign_reports_are_rejected(quarter, reports, tmp_path, tamper, reason):
    edited = tmp_path / "rekap-kota-diedit.xlsx"
    shutil.copy(reports["kota_path"], edited)
    tamper(edited)
    result = merge([edited, reports["kab_path"]], period=PERIOD, roster=quarter["roster"],
                   level="province", output=tmp_path / "p.xlsx")
    (rejected,) = result.rejected
    assert rejected["path"] == str(edited) and reason in rejected["reason"]
    kota = next(u for u in result.units if u.unit == UNIT_KOTA)
    assert kota.status in ("rejected", "missing") and kota.valid == 0
    assert kota.not_submitted == kota.expected == 5
    assert not result.ok
    sumber = records(tmp_path / "p.xlsx", "Sumber")
    assert [r["Status"] for r in sumber if r["Sumber"] == edited.name] == ["ditolak"]


def test_a_report_resaved_unchanged_is_accepted(quarter, reports, tmp_path):
    resaved = tmp_path / "rekap-kota.xlsx"
    openpyxl.load_workbook(reports["kota_path"]).save(resaved)
    result = merge([resaved], period=PERIOD, roster=quarter["roster"], level="province",
                   output=tmp_path / "p.xlsx")
    assert result.rejected == [] and result.units[0].valid == 3


def test_of_two_reports_for_one_unit_the_newest_is_used(quarter, reports, tmp_path):
    older = tmp_path / "rekap-kota-lama.xlsx"
    shutil.copy(reports["kota_path"], older)
    rewrite_metadata(older, lambda meta: meta.update(generated_at="2025-10-01T08:00:00+07:00"))
    result = merge([older, reports["kota_path"], reports["kab_path"]], period=PERIOD,
                   roster=quarter["roster"], level="province", output=tmp_path / "p.xlsx")
    assert result.rejected == [] and result.totals.valid == 5
    assert result.units[0].source == "rekap-kota.xlsx"
    status = {r["Sumber"]: r["Status"] for r in records(tmp_path / "p.xlsx", "Sumber")}
    assert status == {"rekap-kota.xlsx": "dipakai", "rekap-kota-lama.xlsx": "disisihkan",
                      "rekap-kab.xlsx": "dipakai"}


def test_a_folder_of_unit_reports_gives_its_period(quarter, reports, tmp_path):
    folder = tmp_path / "laporan-unit"
    folder.mkdir()
    for key in ("kota_path", "kab_path"):
        shutil.copy(reports[key], folder)
    result = merge([folder], period=None, roster=quarter["roster"], level="province",
                   output=tmp_path / "p.xlsx")
    assert result.period == PERIOD and result.rejected == []
    assert [u.status for u in result.units] == ["ok", "ok"] and result.totals.valid == 5


def test_a_report_among_returned_workbooks_is_skipped(quarter, reports, tmp_path):
    folder = tmp_path / "kembali"
    shutil.copytree(quarter["kab"], folder)
    shutil.copy(reports["kab_path"], folder / "rekap-lama.xlsx")
    result = merge([folder], period=PERIOD, roster=quarter["roster"], output=tmp_path / "r.xlsx")
    assert result.to_dict()["submitted"] == 2 and result.ok
    assert [Path(s["path"]).name for s in result.skipped] == ["rekap-lama.xlsx"]


@pytest.mark.libreoffice
def test_libreoffice_opens_the_report_and_its_copy_is_accepted(convert, reports, tmp_path):
    (copy,) = convert(reports["kota_path"], "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo")
    result = merge([copy], period=PERIOD, level="province", output=tmp_path / "p.xlsx")
    assert result.rejected == []
    kota = next(u for u in result.units if u.unit == UNIT_KOTA)
    assert (kota.valid, kota.invalid, kota.predikat) == (3, 1, reports["kota"].units[0].predikat)


def test_a_unit_report_of_another_period_is_rejected(quarter, reports, tmp_path):
    other = tmp_path / "rekap-kab-q2.xlsx"
    q2 = merge([quarter["kab"]], period="2025-Q2", roster=quarter["roster"], output=other)
    assert q2.units[0].valid == 0 and q2.units[0].invalid == 2  # the files are for 2025-Q3
    result = merge([reports["kota_path"], other], period=PERIOD, roster=quarter["roster"],
                   level="province", output=tmp_path / "p.xlsx")
    (rejected,) = result.rejected
    assert "2025-Q2" in rejected["reason"] and rejected["unit"] == UNIT_KAB
    kab = next(u for u in result.units if u.unit == UNIT_KAB)
    assert kab.status == "rejected" and kab.valid == 0
    with pytest.raises(UsageError) as caught:
        merge([reports["kota_path"], other], period=None, level="province",
              output=tmp_path / "q.xlsx")
    assert "2025-Q2" in caught.value.message and "2025-Q3" in caught.value.message


# --- command line -------------------------------------------------------------------------

def test_cli_json_is_the_library_summary(quarter, tmp_path):
    args = ["merge", str(quarter["kota"]), "--period", PERIOD, "--roster",
            str(quarter["roster"]), "--org-predikat", "baik", "--jobs", "1"]
    run = CliRunner().invoke(cli, args + ["-o", str(tmp_path / "a.xlsx"), "--format", "json"])
    assert run.exit_code == 1, run.output  # one invalid file, two employees without SKP
    library = merge([quarter["kota"]], period=PERIOD, roster=quarter["roster"],
                    org_predikat="Baik", output=tmp_path / "b.xlsx")
    assert json.loads(run.stdout) == library.to_dict() | {"output": str(tmp_path / "a.xlsx")}
    table = CliRunner().invoke(cli, args + ["-o", str(tmp_path / "c.xlsx")])
    assert table.exit_code == 1
    assert f"Laporan unit: {UNIT_KOTA}, periode {PERIOD}" in table.output
    assert "File masuk" in table.output and "Laporan ditulis:" in table.output


def test_cli_exit_zero_when_everyone_is_valid(quarter, tmp_path):
    run = CliRunner().invoke(cli, ["merge", str(quarter["kab"]), "--period", PERIOD,
                                   "--roster", str(quarter["roster"]), "-o",
                                   str(tmp_path / "a.xlsx"), "--jobs", "1"])
    assert run.exit_code == 0, run.output


def test_cli_province_json_is_the_library_summary(quarter, reports, tmp_path):
    inputs = [str(reports["kota_path"]), str(reports["kab_path"])]
    run = CliRunner().invoke(cli, ["merge", "--level", "province", *inputs, "--roster",
                                   str(quarter["roster"]), "-o", str(tmp_path / "a.xlsx"),
                                   "--format", "json"])
    assert run.exit_code == 1, run.output  # Kota Batu has an invalid file
    library = merge(inputs, period=None, roster=quarter["roster"], level="province",
                    output=tmp_path / "b.xlsx")
    assert json.loads(run.stdout) == library.to_dict() | {"output": str(tmp_path / "a.xlsx")}
    table = CliRunner().invoke(cli, ["merge", "--level", "province", *inputs, "-o",
                                     str(tmp_path / "c.xlsx"), "--roster",
                                     str(quarter["roster"])])
    assert "Laporan provinsi periode 2025-Q3: 2 unit (2 ada laporan" in table.output


def test_cli_province_table_in_english(quarter, reports, tmp_path):
    inputs = [str(reports["kota_path"]), str(reports["kab_path"])]
    table = CliRunner().invoke(cli, ["merge", "--level", "province", *inputs, "-o",
                                     str(tmp_path / "en.xlsx"), "--roster",
                                     str(quarter["roster"]), "--lang", "en"])
    lines = table.output.splitlines()
    assert lines[0].startswith("Province report for 2025-Q3: 2 units (2 reported")
    assert "Expected" in lines[1] and lines[-1].startswith("Report written:")
    verdicts = {line.split("  ")[-1].strip() for line in lines[2:-1] if line.startswith("  ")}
    assert verdicts and verdicts <= {"fits", "DOES NOT FIT", "not checked"}, verdicts
    assert "sesuai" not in table.output.lower() and "diperiksa" not in table.output
    end = lines[1].index("Expected") + len("Expected")   # numbers right-aligned under it
    for line in lines[2:-1]:
        assert line[end - 1] in "0123456789-" and line[end] == " ", (lines[1], line)
