"""Faults: interrupted runs, concurrent runs and unwritable outputs lose nothing."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from click.testing import CliRunner

from skpxl.cli import cli

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from workload import HEADER, roster_rows  # noqa: E402


def _roster(path: Path, n: int) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(roster_rows(n))
    return path


def _complete(folder: Path) -> list[Path]:
    files = sorted(folder.rglob("*.xlsx"))
    for path in files:
        with zipfile.ZipFile(path) as zf:
            assert zf.testzip() is None, path
    return files


def _run(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "skpxl", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def test_killed_generate_leaves_no_half_written_workbook_and_rerun_finishes(tmp_path):
    roster = _roster(tmp_path / "roster.csv", 400)
    out = tmp_path / "out"
    process = _run("generate", str(roster), "-p", "2025-Q3", "-o", str(out), "-j", "1")
    deadline = time.time() + 60
    while time.time() < deadline and len(list(out.rglob("*.xlsx"))) < 20:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    first = _complete(out)
    assert 0 < len(first) < 400
    rerun = _run("generate", str(roster), "-p", "2025-Q3", "-o", str(out), "-j", "1")
    stdout, _ = rerun.communicate(timeout=300)
    assert rerun.returncode == 0
    assert len(_complete(out)) == 400
    assert f"{len(first)} sudah ada (tidak ditimpa)" in stdout.decode()


def test_two_runs_writing_the_same_output_do_not_corrupt_it(tmp_path):
    roster = _roster(tmp_path / "roster.csv", 120)
    out = tmp_path / "out"
    runs = [_run("generate", str(roster), "-p", "2025-Q3", "-o", str(out), "-j", "1")
            for _ in range(2)]
    for run in runs:
        run.communicate(timeout=300)
        assert run.returncode == 0
    assert len(_complete(out)) == 120


def test_unwritable_output_is_a_clear_error_with_exit_3(tmp_path):
    roster = _roster(tmp_path / "roster.csv", 3)
    blocker = tmp_path / "berkas"
    blocker.write_text("bukan folder")
    result = CliRunner().invoke(cli, ["generate", str(roster), "-p", "2025-Q3", "-o",
                                      str(blocker / "skp")])
    assert result.exit_code == 3
    process = _run("generate", str(roster), "-p", "2025-Q3", "-o", str(blocker / "skp"))
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 3
    text = stderr.decode()
    assert "Tidak dapat menulis" in text and "Traceback" not in text


def test_read_only_folder_as_non_root(tmp_path):
    if os.geteuid() == 0:
        import pytest
        pytest.skip("root writes into read-only folders; covered by the not-a-folder case")
    roster = _roster(tmp_path / "roster.csv", 3)
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o500)
    result = CliRunner().invoke(cli, ["generate", str(roster), "-p", "2025-Q3", "-o", str(out)])
    assert result.exit_code == 3
