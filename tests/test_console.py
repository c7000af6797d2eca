"""Windows consoles: output redirected in cp1252 never crashes a command.

Windows writes redirected output (a file, a pipe, a scheduled task's log) in the locale's
code page, cp1252 in Indonesia. Every command runs here as a separate process with
``PYTHONIOENCODING=cp1252``, on inputs whose names and cells hold characters cp1252 lacks
(emoji, the roster's ``→`` between assessors); what it prints must degrade (``->``, ``?``),
never end in ``UnicodeEncodeError``, and JSON must stay exact.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import (HEAD_NIP, PENGAWAS_NIP, ROSTER_HEADER, UNIT_KOTA, write_csv)
from skpxl.cli.console import ERRORS  # registers the codec error handler

EMOJI = "\U0001F600"


def test_characters_cp1252_lacks_degrade_to_something_close():
    text = f"A → B – C … {EMOJI} é ✓ Ā"
    assert text.encode("cp1252", errors=ERRORS) == "A -> B – C … ? é v A".encode("cp1252")
    assert text.encode("ascii", errors=ERRORS) == b"A -> B - C ... ? e v A"
    assert text.encode("utf-8", errors=ERRORS) == text.encode("utf-8")


def run(args, cwd: Path, encoding: str = "cp1252") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": encoding, "SKPXL_LANG": ""}
    env.pop("PYTHONUTF8", None)
    return subprocess.run([sys.executable, "-m", "skpxl", *args], cwd=cwd, env=env,
                          capture_output=True, timeout=300)


def ok(result, codes=(0, 1, 2)) -> str:
    """stdout + stderr as cp1252 text, after checking nothing crashed."""
    err = result.stderr.decode("cp1252")
    assert "Traceback" not in err and "UnicodeEncodeError" not in err, err
    assert result.returncode in codes, (result.returncode, err)
    return result.stdout.decode("cp1252") + err


@pytest.fixture(scope="module")
def place(tmp_path_factory):
    """A working folder whose rosters, folders and files carry characters cp1252 lacks."""
    base = tmp_path_factory.mktemp("cp1252")
    staff = [
        [HEAD_NIP, f"Budi {EMOJI} Santoso", "PNS", "Pembina (IV/a)", "Kepala Sekretariat",
         "Administrator", "", UNIT_KOTA, "Bawaslu", ""],
        [PENGAWAS_NIP, "Siti Ābidah", "PNS", "Penata (III/c)", "Kepala Subbagian", "Pengawas",
         "", UNIT_KOTA, "Bawaslu", HEAD_NIP]]
    write_csv(base / "pegawai.csv", ROSTER_HEADER, staff)
    cycle = [list(staff[0]), list(staff[1])]
    cycle[0][-1] = PENGAWAS_NIP   # each the other's assessor: "Budi → Siti → Budi"
    write_csv(base / "siklus.csv", ROSTER_HEADER, cycle)
    back = base / f"kembali {EMOJI}"
    back.mkdir()
    (back / f"laporan {EMOJI}.xlsx").write_bytes(b"%PDF-1.4 not a workbook")
    (base / f"folder {EMOJI}").mkdir()
    return base


def test_every_command_with_output_in_cp1252(place):
    out = ok(run(["--help"], place))
    assert "Cara pakai:" in out
    out = ok(run(["roster", "check", "siklus.csv"], place))
    assert f"Budi ? Santoso" in out and " -> " in out and "→" not in out
    out = ok(run(["generate", "siklus.csv", "-p", "2025-Q3", "-o", "skp-siklus"], place))
    assert " -> " in out
    skp = f"skp {EMOJI}"
    out = ok(run(["generate", "pegawai.csv", "-p", "TW III 2025", "-o", skp], place))
    assert "2 dibuat" in out and "-> skp ?" in out and "1 Juli – 30 September 2025" in out
    kembali = f"kembali {EMOJI}"
    out = ok(run(["validate", skp, kembali], place))
    assert "Budi ? Santoso" in out and f"laporan ?.xlsx" in out
    out = ok(run(["validate", skp, kembali, "--format", "csv", "--lang", "en"], place))
    assert "skp ?/" in out and "laporan ?.xlsx" in out
    unit = next((place / skp).iterdir())
    workbook = next(unit.iterdir())
    ok(run(["extract", str(workbook)], place))
    out = ok(run(["merge", str(unit), "-p", "2025-Q3", "-o", f"rekap {EMOJI}.xlsx"], place))
    assert "rekap ?.xlsx" in out
    ok(run(["angka-kredit", f"rekap {EMOJI}.xlsx", "-o", f"ak {EMOJI}"], place))
    ok(run(["template", "list"], place))
    ok(run(["template", "fields", "ja-jf-kuantitatif"], place))
    out = ok(run(["template", "check", f"{kembali}/laporan {EMOJI}.xlsx"], place))
    assert "laporan ?.xlsx" in out
    out = ok(run(["recalc", skp, "-o", f"hitung {EMOJI}", "--engine", "none"], place))
    assert "hitung ?" in out
    ok(run(["export", "pdf", skp, "-o", f"pdf {EMOJI}", "--engine", "none"], place),
       codes=(2, 3))
    ok(run(["template", "preview", "-o", f"pratinjau {EMOJI}", "--engine", "none"], place),
       codes=(2, 3))
    out = ok(run(["doctor", f"folder {EMOJI}"], place))
    assert "folder ?" in out and "cp1252" in out
    out = ok(run(["validate", f"tidak ada {EMOJI}.xlsx"], place), codes=(2,))
    assert "'tidak ada ?.xlsx' tidak ditemukan" in out


def test_the_demo_in_cp1252(place):
    out = ok(run(["demo", f"demo {EMOJI}", "--units", "1", "-j", "1"], place))
    assert "demo ?" in out and "Langkah berikutnya:" in out


@pytest.mark.parametrize("args", [["roster", "check", "siklus.csv", "--format", "json"],
                                  ["validate", "kembali \U0001F600", "--format", "json"],
                                  ["template", "check", "kembali \U0001F600/laporan "
                                   "\U0001F600.xlsx", "--format", "json"]])
def test_json_stays_exact_in_cp1252(place, args):
    """Characters cp1252 lacks are written as \\u escapes: the data are not degraded."""
    exact = json.loads(run(args, place, "utf-8").stdout.decode("utf-8"))
    result = run(args, place)
    ok(result)
    assert json.loads(result.stdout.decode("cp1252")) == exact
    assert EMOJI in json.dumps(exact, ensure_ascii=False)


def test_paths_with_drive_letters_and_backslashes_show_as_given(tmp_path):
    """A folder typed as on Windows (here a name holding the backslashes) is printed back
    as typed, never as a Python literal with doubled backslashes."""
    folder = "D:\\SKP\\2025-TW3\\kembali"
    (tmp_path / folder).mkdir()
    (tmp_path / folder / "catatan.xlsx").write_bytes(b"bukan workbook")
    out = ok(run(["validate", folder], tmp_path))
    assert f"{folder}{os.sep}catatan.xlsx" in out and "\\\\" not in out
    out = ok(run(["generate", "D:\\SKP\\pegawai.xlsx", "-p", "2025-Q3", "-o", "D:\\SKP\\skp"],
                 tmp_path), codes=(2,))
    assert "'D:\\SKP\\pegawai.xlsx' tidak ditemukan" in out
