"""``skpxl doctor``: what works, what to install; LibreOffice found where its installer puts it."""

from __future__ import annotations

import io
import json
import sys

import pytest
from click.testing import CliRunner

from skpxl import sheetxml
from skpxl.cli import cli
from skpxl.doctor import (NEEDED, NOTE, OK, OPTIONAL, check_console, check_excel,
                          check_folder, check_libreoffice, check_python, check_setup,
                          check_speedups)
from skpxl.engines import find_soffice


def fake_program(path):
    path.parent.mkdir(parents=True)
    path.write_bytes(b"")
    return path


# --- LibreOffice where its installer puts it (a fake tree per platform) ----------------------

@pytest.mark.parametrize("variable,folder", [("ProgramFiles", "Program Files"),
                                             ("ProgramFiles(x86)", "Program Files (x86)")])
def test_libreoffice_in_windows_program_files(tmp_path, variable, folder):
    base = tmp_path / folder
    soffice = fake_program(base / "LibreOffice" / "program" / "soffice.exe")
    environ = {variable: str(base), "PATH": ""}
    assert find_soffice(platform="win32", environ=environ) == str(soffice)
    check = check_libreoffice(platform="win32", environ=environ)
    assert check.state == OK and str(soffice) in check.found[0] and str(soffice) in check.found[1]


def test_libreoffice_installed_for_one_windows_user(tmp_path):
    local = tmp_path / "AppData" / "Local"
    soffice = fake_program(local / "Programs" / "LibreOffice" / "program" / "soffice.exe")
    environ = {"ProgramFiles": str(tmp_path / "Program Files"), "LOCALAPPDATA": str(local),
               "PATH": ""}
    assert find_soffice(platform="win32", environ=environ) == str(soffice)


@pytest.mark.parametrize("where", ["machine", "user"])
def test_libreoffice_in_macos_applications(tmp_path, where):
    root, home = tmp_path / "root", tmp_path / "home" / "ani"
    app = (root if where == "machine" else home) / "Applications" / "LibreOffice.app"
    soffice = fake_program(app / "Contents" / "MacOS" / "soffice")
    assert find_soffice(platform="darwin", root=root, home=home,
                        environ={"PATH": ""}) == str(soffice)


def test_libreoffice_from_the_official_linux_packages_in_opt(tmp_path):
    soffice = fake_program(tmp_path / "opt" / "libreoffice7.6" / "program" / "soffice")
    assert find_soffice(platform="linux", root=tmp_path, environ={"PATH": ""}) == str(soffice)


def test_nothing_installed_is_none_and_says_what_to_install(tmp_path):
    environ = {"ProgramFiles": str(tmp_path), "PATH": ""}
    for platform in ("win32", "darwin", "linux"):
        assert find_soffice(platform=platform, environ=environ, root=tmp_path,
                            home=tmp_path) is None
    check = check_libreoffice(platform="win32", environ=environ)
    assert check.state == OPTIONAL and "libreoffice.org" in check.fix[0]
    assert "skpxl export pdf" in check.found[0] and "skpxl export pdf" in check.found[1]


def test_the_program_search_path_and_skpxl_soffice_come_first(tmp_path):
    on_path = fake_program(tmp_path / "bin" / "soffice")
    on_path.chmod(0o755)
    installed = fake_program(tmp_path / "Program Files" / "LibreOffice" / "program" /
                             "soffice.exe")
    environ = {"ProgramFiles": str(tmp_path / "Program Files"), "PATH": str(on_path.parent)}
    assert find_soffice(platform="win32", environ=environ) == str(on_path)
    chosen = {**environ, "SKPXL_SOFFICE": str(installed)}
    assert find_soffice(platform="win32", environ=chosen) == str(installed)


# --- the checks ------------------------------------------------------------------------------

def test_python_too_old_is_needed_with_the_installer_box():
    check = check_python((3, 9, 13), executable="C:\\Python39\\python.exe")
    assert check.state == NEEDED and "3.9.13" in check.found[0] and "3.9.13" in check.found[1]
    assert "Add python.exe to PATH" in check.fix[0] and "Add python.exe to PATH" in check.fix[1]
    assert check_python((3, 10, 0)).state == OK


def test_the_accelerator_is_reported_as_it_is():
    check = check_speedups()
    status = getattr(sheetxml, "speedups_status", None)
    in_use = status().in_use if status else sheetxml._locate_c is not None
    assert check.state == (OK if in_use else OPTIONAL)
    assert (check.fix is None) == in_use


def test_excel_is_looked_for_without_importing_xlwings():
    before = "xlwings" in sys.modules
    assert check_excel("linux").state == OPTIONAL
    assert ("xlwings" in sys.modules) == before


def test_a_cp1252_console_is_a_note_with_what_to_do():
    cp1252 = io.TextIOWrapper(io.BytesIO(), encoding="cp1252")
    check = check_console(cp1252)
    assert check.state == NOTE and "cp1252" in check.found[0] and "PYTHONUTF8=1" in check.fix[0]
    assert check_console(io.TextIOWrapper(io.BytesIO(), encoding="utf-8")).state == OK


def test_a_folder_that_cannot_be_written_is_needed(tmp_path):
    assert check_folder(tmp_path).state == OK
    assert not [p for p in tmp_path.iterdir()], "the probe file is removed"
    file = tmp_path / "bukan-folder"
    file.write_text("x")
    check = check_folder(file)
    assert check.state == NEEDED and str(file) in check.found[0]
    assert check_folder(tmp_path / "tidak-ada").state == NEEDED


# --- the command -----------------------------------------------------------------------------

def test_doctor_exit_codes_and_languages(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["doctor", str(tmp_path)], env={"SKPXL_LANG": None})
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Pemeriksaan skpxl di komputer ini:")
    assert "SIAP" in result.output and "Python" in result.output
    assert result.output.rstrip().endswith("Semua yang diperlukan skpxl sudah ada.")
    english = runner.invoke(cli, ["doctor", str(tmp_path), "--lang", "en"])
    assert english.exit_code == 0 and english.output.startswith("skpxl on this computer:")
    missing = runner.invoke(cli, ["doctor", str(tmp_path / "tidak-ada")])
    assert missing.exit_code == 1
    assert "PERLU" in missing.output and "tidak bisa ditulis" in missing.output


def test_doctor_json_is_the_library_s(tmp_path):
    result = CliRunner().invoke(cli, ["doctor", str(tmp_path), "--format", "json", "--lang",
                                      "en"])
    data = json.loads(result.output)
    assert data == check_setup(tmp_path).to_dict("en")
    assert [c["check"] for c in data["checks"]] == ["python", "packages", "speedups",
                                                    "libreoffice", "excel", "console", "folder"]
