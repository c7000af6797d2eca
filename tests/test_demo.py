"""``skpxl demo``: a small quarter end to end, refusal to mix runs, and the CLI."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from skpxl import demo
from skpxl.cli import cli
from skpxl.demo import MARKER, fictional_roster, plan_returns, run_demo
from skpxl.errors import UsageError
from skpxl.roster import read_roster

HAS_ANNOTATE = importlib.util.find_spec("skpxl.annotate") is not None
HAS_MERGE = importlib.util.find_spec("skpxl.merge") is not None


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory):
    """The demo on the first three units of the samples (fictional roster without them)."""
    directory = tmp_path_factory.mktemp("demo") / "skpxl-demo"
    lines = []
    result = run_demo(directory, units=3, jobs=2, echo=lines.append)
    return directory, result, lines


@pytest.fixture
def no_samples(monkeypatch):
    """As in an installed wheel: no samples/ folder, the demo makes its own small roster."""
    monkeypatch.setattr(demo, "samples_dir", lambda: None)


def test_every_step_leaves_its_folder(small_demo):
    directory, result, lines = small_demo
    assert (directory / MARKER).is_file()
    assert Path(result.roster).parent == directory / "0-data" and Path(result.roster).is_file()
    units = sorted(p.name for p in (directory / "1-skp").iterdir())
    assert len(units) == len(result.units) == 3
    assert result.generated == result.employees == len(list((directory / "1-skp").rglob("*.xlsx")))
    returned = list((directory / "2-kembali").rglob("*.xlsx"))
    assert len(returned) == result.returned
    assert result.returned + len(result.not_returned) == result.generated
    assert result.not_returned, "some employees never send their file back"
    assert (directory / "RINGKASAN.txt").read_text("utf-8") == result.summary() + "\n"
    assert lines[0].startswith("Demo skpxl: satu triwulan di folder")
    assert [line[:3] for line in lines[1:]] == ["1/4", "2/4", "3/4", "4/4"]


def test_mistakes_are_exactly_the_invalid_files(small_demo):
    _, result, _ = small_demo
    assert result.mistakes, "about one file in ten comes back with a mistake"
    assert sorted(result.invalid_files) == sorted(result.mistakes)
    assert result.validation["invalid"] == len(result.mistakes)
    assert result.validation["valid"] == result.returned - len(result.mistakes)
    errors = {code for code, entry in result.problems.items() if entry["severity"] == "error"}
    assert errors and all(result.problems[c]["files"] >= 1 for c in errors)


@pytest.mark.skipif(not HAS_ANNOTATE, reason="skpxl.annotate not available yet")
def test_annotated_copies_for_every_invalid_file(small_demo):
    directory, result, _ = small_demo
    names = {p.name for p in (directory / "3-perbaikan").iterdir()
             if not p.name.startswith(".")}   # the hidden list of copies made
    for path in result.invalid_files:  # a problem without a cell gets the list only
        stem = Path(path).stem
        assert f"{stem}.xlsx" in names or f"{stem}.catatan.xlsx" in names
    assert sorted(str(directory / "3-perbaikan" / n) for n in names) == result.annotated


@pytest.mark.skipif(not HAS_MERGE, reason="skpxl.merge not available yet")
def test_unit_and_province_reports(small_demo):
    directory, result, _ = small_demo
    assert not result.unit_failures
    assert len(result.unit_reports) == 3
    assert all(Path(p).is_file() and Path(p).parent == directory / "4-rekap"
               for p in result.unit_reports)
    assert result.province_report, result.notes      # a missing report fails, never skips
    assert Path(result.province_report) == directory / "4-rekap" / "provinsi-jawa-timur.xlsx"
    assert Path(result.province_report).is_file()
    # the story the demo planned: who returned, who made a mistake, who never sent a file
    totals = result.province["totals"]
    assert totals["expected"] == result.employees
    assert totals["valid"] == result.returned - len(result.mistakes)
    assert totals["not_submitted"] == len(result.not_returned)
    assert [u["status"] for u in result.province["units"] if u["unit"] in result.units] == \
        ["ok"] * len(result.units)


def test_summary_guides_the_next_step(small_demo):
    directory, result, _ = small_demo
    text = result.summary()
    assert "skpxl validate" in text and "--period 2025-Q3" in text
    assert "skpxl roster check" in text
    for code in result.problems:
        assert code in text
    data = json.loads(json.dumps(result.to_dict()))
    assert data["generated"] == result.generated
    assert sum(data["mistakes"].values()) == len(result.mistakes)


def test_second_run_refuses_without_force(small_demo):
    directory, result, _ = small_demo
    before = sorted(p.relative_to(directory) for p in directory.rglob("*"))
    with pytest.raises(UsageError) as caught:
        run_demo(directory, units=1, jobs=1)
    assert "--force" in caught.value.hint
    assert sorted(p.relative_to(directory) for p in directory.rglob("*")) == before


def test_force_replaces_only_the_demo(tmp_path, no_samples):
    directory = tmp_path / "demo"
    first = run_demo(directory, units=1, jobs=1)
    assert first.source == "generated" and first.generated == 9
    (directory / "catatan-saya.txt").write_text("jangan dihapus", encoding="utf-8")
    (directory / "1-skp" / "lama.txt").write_text("from the first run", encoding="utf-8")
    second = run_demo(directory, units=1, jobs=1, force=True)
    assert (directory / "catatan-saya.txt").read_text("utf-8") == "jangan dihapus"
    assert not (directory / "1-skp" / "lama.txt").exists()
    assert second.generated == 9


def test_refuses_a_folder_that_is_not_a_demo(tmp_path):
    directory = tmp_path / "data"
    directory.mkdir()
    (directory / "pegawai.xlsx").write_bytes(b"not mine")
    with pytest.raises(UsageError) as caught:
        run_demo(directory, force=True, units=1)
    assert "bukan folder demo" in caught.value.message
    assert [p.name for p in directory.iterdir()] == ["pegawai.xlsx"]


def test_fictional_roster_is_valid_and_deterministic(tmp_path):
    rows = fictional_roster(seed=7)
    assert rows == fictional_roster(seed=7)
    assert len({row[7] for row in rows[1:]}) == 39
    path = tmp_path / "pegawai.csv"
    demo._write_csv(path, rows)
    roster = read_roster(path)
    assert roster.ok, [p.message() for p in roster.problems]
    assert {e.status_asn for e in roster.employees} >= {"PNS", "CPNS", "PPPK"}


def test_returns_are_planned_deterministically():
    paths = [f"f{i:03d}.xlsx" for i in range(200)]
    missing, mistakes = plan_returns(paths, 2025)
    assert (missing, mistakes) == plan_returns(list(reversed(paths)), 2025)
    assert len(missing) == 10 and len(mistakes) == 20 and not missing & set(mistakes)
    from skpxl.simulate import MISTAKES
    assert set(mistakes.values()) == set(MISTAKES)


def test_cli_json_and_refusal(tmp_path, no_samples):
    directory = tmp_path / "cli-demo"
    runner = CliRunner()
    result = runner.invoke(cli, ["demo", str(directory), "--units", "1", "--jobs", "1",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["directory"] == str(directory) and data["generated"] == 9
    assert data["source"] == "generated"
    library = run_demo(tmp_path / "library-demo", units=1, jobs=1).to_dict()
    same = ("period", "units", "employees", "generated", "returned", "not_returned", "mistakes",
            "validation", "problems", "annotated", "unit_reports")
    assert {k: data[k] for k in same} == {k: library[k] for k in same}
    again = runner.invoke(cli, ["demo", str(directory), "--units", "1"])
    assert again.exit_code == 2
    assert "--force" in again.output


def test_cli_table_prints_the_summary(tmp_path, no_samples):
    result = CliRunner().invoke(cli, ["demo", str(tmp_path / "d"), "--units", "1", "-j", "1"])
    assert result.exit_code == 0, result.output
    assert "Langkah berikutnya:" in result.output
    assert "1/4 SKP dibuat: 9 workbook untuk 1 unit" in result.output
