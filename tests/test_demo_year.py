"""``skpxl demo --year``: four quarters, the year's papers, angka kredit checked by hand."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from regulation import AK_PERCENT, AK_COEFFICIENT, ak_close
from skpxl.cli import cli
from skpxl.demo import MARKER, run_demo
from skpxl.demoyear import AK_DIR, QUARTERS, run_year


@pytest.fixture(scope="module")
def year_demo(tmp_path_factory):
    directory = tmp_path_factory.mktemp("year") / "demo-tahun"
    lines = []
    result = run_year(directory, units=2, jobs=2, echo=lines.append)
    return directory, result, lines


def _rekap_rows(report: Path) -> list[dict]:
    """Rekap Pegawai of a unit report as dicts by heading, read with openpyxl."""
    ws = openpyxl.load_workbook(report, read_only=True)["Rekap Pegawai"]
    rows = ws.iter_rows(values_only=True)
    head = [str(h) for h in next(rows)]
    return [dict(zip(head, row)) for row in rows if row and row[0]]


def test_four_quarters_each_with_its_unit_reports(year_demo):
    directory, result, lines = year_demo
    assert [q.period for q in result.quarters] == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    for q in result.quarters:
        assert q.generated == result.employees > 0
        assert q.returned + q.not_returned == q.generated
        reports = sorted((directory / q.period / "4-rekap").glob("*.xlsx"))
        assert len(reports) == len(result.units) == 2
        assert sorted(map(str, reports)) == sorted(q.unit_reports)
    assert len([line for line in lines if line.startswith("2025-Q")]) == 4
    assert (directory / "RINGKASAN.txt").read_text("utf-8") == result.summary() + "\n"


def test_angka_kredit_is_the_quarters_predikat_converted_by_the_regulation(year_demo):
    """Every JF employee's papers: one conversion per quarter with a valid predikat in that
    quarter's unit report, each percentage x coefficient x 3/12 from the literal tables."""
    directory, result, _ = year_demo
    expected: dict[str, dict[str, float]] = {}
    for q in result.quarters:
        for report in q.unit_reports:
            for row in _rekap_rows(Path(report)):
                if row.get("Jenis Jabatan") != "Fungsional":
                    continue
                expected.setdefault(row["NIP"], {})
                if row.get("Predikat"):
                    value = AK_PERCENT[row["Predikat"]] / 100 * AK_COEFFICIENT[row["Jenjang"]]
                    expected[row["NIP"]][q.period] = value * 3 / 12
    assert expected, "the sample units have jabatan fungsional staff"
    found = {e["nip"]: e for e in result.ak["employees"]}
    assert set(found) == set(expected)
    for nip, quarters in expected.items():
        lines = {line["period"]: line["angka_kredit"] for line in found[nip]["konversi"]}
        assert set(lines) == set(quarters), nip
        for period, value in quarters.items():
            assert ak_close(lines[period], value), (nip, period, lines[period], value)
        assert Path(found[nip]["file"]).is_file()
        assert Path(found[nip]["file"]).is_relative_to(directory / AK_DIR)
    assert result.ak_papers == len(expected)


def test_accumulation_starts_from_the_ak_awal_table(year_demo):
    directory, result, _ = year_demo
    table = (directory / "0-data" / "ak-awal.csv").read_text("utf-8").splitlines()
    assert table[0] == "NIP,AK Awal,Tanggal,Nomor PAK"
    awal = {line.split(",")[0]: line for line in table[1:]}
    for employee in result.ak["employees"]:
        assert employee["nip"] in awal
        progress = employee["akumulasi"]
        assert progress and ak_close(progress["ak_kumulatif"],
                                     employee["awal"]["ak_awal"] + employee["ak_konversi"])
        assert "PAK" in employee["sheets"]


def test_a_year_demo_replaces_a_quarter_demo_with_force(tmp_path):
    directory = tmp_path / "demo"
    run_demo(directory, units=1, jobs=1)
    (directory / "catatan-saya.txt").write_text("jangan dihapus", encoding="utf-8")
    assert (directory / "1-skp").is_dir()
    run_year(directory, units=1, jobs=1, force=True)
    assert not (directory / "1-skp").exists() and not (directory / "4-rekap").exists()
    assert all((directory / q / "4-rekap").is_dir() for q in QUARTERS)
    assert (directory / "catatan-saya.txt").read_text("utf-8") == "jangan dihapus"
    marker = json.loads((directory / MARKER).read_text("utf-8"))
    assert marker["period"] == "2025" and "2025-Q4" in marker["parts"]


def test_an_edited_marker_never_removes_outside_the_folder(tmp_path):
    directory = tmp_path / "demo"
    run_demo(directory, units=1, jobs=1)
    outside = tmp_path / "penting"
    outside.mkdir()
    (outside / "data.txt").write_text("x", encoding="utf-8")
    marker = directory / MARKER
    data = json.loads(marker.read_text("utf-8"))
    data["parts"] += ["../penting", str(outside), ".."]
    marker.write_text(json.dumps(data), encoding="utf-8")
    run_demo(directory, units=1, jobs=1, force=True)
    assert (outside / "data.txt").is_file()


def test_cli_year_json_and_english_summary(tmp_path):
    runner = CliRunner()
    out = runner.invoke(cli, ["demo", str(tmp_path / "j"), "--year", "--units", "1", "-j", "1",
                              "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["year"] == "2025" and len(data["quarters"]) == 4
    assert data["ak_papers"] > 0
    table = runner.invoke(cli, ["demo", str(tmp_path / "t"), "--year", "--units", "1", "-j",
                                "1", "--lang", "en"])
    assert table.exit_code == 0, table.output
    assert "What was made in folder" in table.stdout and "2025-Q4/" in table.stdout
    assert "Yang dibuat" not in table.stdout


def test_the_year_recap_names_each_quarter_the_demo_left_out(year_demo):
    """Whoever the simulation kept from sending a quarter is 'belum mengumpulkan' for that
    quarter in the province year recap; whoever sent a file with a mistake, 'tidak valid'
    (a mistake of the kind that still validates is allowed to pass)."""
    directory, result, _ = year_demo
    assert len(result.year_reports) == len(result.units)
    assert Path(result.province_year_report).is_file()
    missing = {(m["nip"], m["period"]): m["reason"] for m in result.province_year["missing"]}
    for q in result.quarters:
        assert q.absent, "the simulation leaves someone out every quarter"
        for nip in q.absent:
            assert missing.get((nip, q.period)) == "belum mengumpulkan", (nip, q.period)
        for nip in q.wrong:
            assert missing.get((nip, q.period)) in ("tidak valid", None), (nip, q.period)
        assert sum(1 for nip in q.wrong if (nip, q.period) in missing) >= len(q.wrong) // 2
    gaps = {key for key, reason in missing.items() if key[1] != "2025"}
    expected = {(nip, q.period) for q in result.quarters for nip in q.absent + q.wrong}
    assert gaps <= expected


def test_annual_evaluations_show_the_quarters_and_feed_the_year_recap(year_demo):
    directory, result, _ = year_demo
    assert result.annual_generated == result.annual_filled == result.employees
    made = sorted((directory / "5-tahunan" / "2-kembali").rglob("*_2025.xlsx"))
    assert len(made) == result.employees
    assert "Evaluasi Triwulan" in openpyxl.load_workbook(made[0], read_only=True).sheetnames
    annual = [e for e in result.province_year["employees"]
              if (e["periods"].get("2025") or {}).get("predikat")]
    assert len(annual) == result.employees   # every assessor filled the year in
    assert result.province_year["year"]["valid"] == result.employees


def test_the_next_steps_printed_are_commands_that_run(year_demo, tmp_path, monkeypatch):
    """The summary's suggested commands for the year (annual workbooks, year recap, angka
    kredit) run as printed, from the folder the demo ran in, and succeed."""
    import shlex
    directory, result, _ = year_demo
    monkeypatch.chdir(tmp_path)
    commands = [line.strip() for line in result.summary().splitlines()
                if line.startswith("      skpxl ") and "export pdf" not in line]
    assert [c.split()[1] for c in commands] == ["generate", "merge", "angka-kredit"]
    runner = CliRunner()
    for command in commands:
        out = runner.invoke(cli, shlex.split(command)[1:])
        assert out.exit_code in (0, 1), (command, out.output)   # 1: gaps the demo planted
        assert "Traceback" not in out.output
    assert (tmp_path / "rekap-2025.xlsx").is_file()
    assert len(list((tmp_path / "tahunan").rglob("*_2025.xlsx"))) == result.employees
    assert list((tmp_path / "angka-kredit").rglob("*.xlsx"))


def test_the_year_demo_has_its_own_default_folder(tmp_path, monkeypatch):
    """`skpxl demo` then `skpxl demo --year` need no --force: the year goes to its own folder."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    first = runner.invoke(cli, ["demo", "--units", "1", "-j", "1", "--format", "json"])
    year = runner.invoke(cli, ["demo", "--year", "--units", "1", "-j", "1", "--format", "json"])
    assert first.exit_code == 0 and year.exit_code == 0, year.output
    assert json.loads(year.stdout)["directory"] == "skpxl-demo-2025"
    assert (tmp_path / "skpxl-demo" / "1-skp").is_dir()
    assert (tmp_path / "skpxl-demo-2025" / "2025-Q4" / "4-rekap").is_dir()
