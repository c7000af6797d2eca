"""Hostile and damaged returned workbooks, and a full disk: precise problems, nothing lost."""

from __future__ import annotations

import csv
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from skpxl.extract import extract
from skpxl.generate import generate
from skpxl.manifest import load_template
from skpxl.simulate import fill_workbook
from skpxl.validate import validate_file

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from workload import HEADER, roster_rows  # noqa: E402


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    roster = root / "roster.csv"
    with open(roster, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(roster_rows(2))
    generate(roster, "2025-Q3", root / "skp")
    source = sorted((root / "skp").rglob("*.xlsx"))[1]
    target = root / "kembali.xlsx"
    fill_workbook(source, target, rng=random.Random(5))
    return target


def _rewrite(source: Path, target: Path, member: str, change) -> Path:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            dst.writestr(info.filename, change(data) if info.filename == member else data)
    return target


def test_renamed_sheet_is_named(filled, tmp_path):
    """Renamed behind the defined names' back (they still say 'Evaluasi', so the form's
    formulas break): one problem naming both names, the rest of the file read as usual."""
    target = _rewrite(filled, tmp_path / "ganti-nama.xlsx", "xl/workbook.xml",
                      lambda d: d.replace(b'name="Evaluasi"', b'name="Penilaian"'))
    report = validate_file(target)
    errors = [(p.code, p.params.get("sheet"), p.params.get("found"), p.sheet)
              for p in report.issues if p.severity == "error"]
    assert errors == [("structure.sheet_renamed", "Evaluasi", "Penilaian", "Penilaian")]
    assert not report.valid


def test_reordered_sheets_still_validate(filled, tmp_path):
    def reorder(data: bytes) -> bytes:
        start, end = data.index(b"<sheets>") + 8, data.index(b"</sheets>")
        sheets = data[start:end].split(b"/>")[:-1]
        return data[:start] + b"/>".join(reversed(sheets)) + b"/>" + data[end:]
    target = _rewrite(filled, tmp_path / "urutan.xlsx", "xl/workbook.xml", reorder)
    assert validate_file(target).valid


@pytest.mark.parametrize("text", ["30 September 2025", "30/09/2025", "30-09-2025",
                                  "2025-09-30", "30 Sep 2025"])
def test_dates_typed_as_indonesian_text_are_read_as_dates(filled, tmp_path, text):
    fld = load_template("ja-jf-kuantitatif").field("pengesahan_tanggal")
    import openpyxl
    wb = openpyxl.load_workbook(filled)
    wb[fld.sheet][fld.cell].value = text
    wb[fld.sheet][fld.cell].data_type = "s"
    target = tmp_path / "tanggal.xlsx"
    wb.save(target)
    assert extract(target).document["pengesahan"]["tanggal"] == "2025-09-30"
    assert validate_file(target).valid


def test_control_rtl_and_emoji_text_survive(filled, tmp_path):
    fld = load_template("ja-jf-kuantitatif").field("catatan_rekomendasi")
    import openpyxl
    wb = openpyxl.load_workbook(filled)
    text = "Catatan \u202eRTL\u202c 😀 ٣٤٥ \x07 akhir"
    wb[fld.sheet][fld.cell].value = text.replace("\x07", "")
    target = tmp_path / "teks.xlsx"
    wb.save(target)
    value = extract(target).document["evaluasi"]["catatan_rekomendasi"]
    assert "😀" in value and "\u202e" in value
    assert validate_file(target).valid


def _mount_tiny(path: Path) -> bool:
    path.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", str(path)],
                            capture_output=True)
    return result.returncode == 0


def test_full_disk_is_a_clear_error_and_leaves_only_complete_files(tmp_path):
    disk = tmp_path / "penuh"
    if not _mount_tiny(disk):
        pytest.skip("cannot mount a small tmpfs here (needs root); the not-a-folder case "
                    "covers exit code 3")
    try:
        roster = tmp_path / "roster.csv"
        with open(roster, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            writer.writerows(roster_rows(30))
        process = subprocess.run([sys.executable, "-m", "skpxl", "generate", str(roster), "-p",
                                  "2025-Q3", "-o", str(disk / "skp"), "-j", "1"],
                                 capture_output=True, text=True, timeout=300)
        assert process.returncode == 3, process.stderr
        assert "Tidak dapat menulis" in process.stderr and "Traceback" not in process.stderr
        files = list(disk.rglob("*"))
        for path in files:
            if path.is_file():
                assert path.suffix == ".xlsx", f"left behind: {path.name}"
                with zipfile.ZipFile(path) as zf:
                    assert zf.testzip() is None
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True)
