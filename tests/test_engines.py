"""Spreadsheet engines: selection and errors, recalculated copies, PDFs and template previews.

What LibreOffice computed is read back with python-calamine, which never calculates: the
predikat must be the matrix's and every Evaluasi mirror must show its source. Everything a
HR officer relies on in the copy (protection, defined names, dropdowns, comments, the
very-hidden metadata sheet) is compared with the input, part by part. Tests that need
LibreOffice ask for the ``soffice`` fixture (skipped locally without it, a failure in CI);
the Excel tests run only where xlwings and Excel are.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import python_calamine
from openpyxl.comments import Comment

from regulation import MATRIX
from skpxl.engines import (ExcelEngine, LibreOfficeEngine, Task, get_engine, preview_document,
                           restore_workbook_xml, select_sheets, sheet_states)
from skpxl.errors import EngineError, OutputError, UsageError
from skpxl.extract import extract
from skpxl.generate import generate
from skpxl.manifest import list_templates
from skpxl.simulate import filled_document
from skpxl.writer import CompiledTemplate

PERIOD = "2025-Q3"
HEAD = "197805122003121002"
PENGAWAS = "198203072006042001"
JPT = "197011232000031001"
PAIRS = list(MATRIX)  # the nine (hasil kerja, perilaku) pairs of the regulation's matrix
A4 = (595, 842)  # points, portrait


# --- helpers ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def generated(samples_dir, tmp_path_factory) -> dict[str, Path]:
    """NIP -> generated workbook, for the seven employees of the sample roster."""
    out = tmp_path_factory.mktemp("engines") / "skp"
    result = generate(samples_dir / "pegawai.csv", PERIOD, out,
                      plans=samples_dir / "rencana.csv", jobs=1)
    return {f.nip: Path(f.path) for f in result.files}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Values:
    """Cached cell values of a workbook, as a value-only reader sees them."""

    def __init__(self, path: Path):
        self.book = python_calamine.CalamineWorkbook.from_path(str(path))
        self.rows: dict[str, list[list]] = {}

    def at(self, sheet: str, row: int, col: int):
        if sheet not in self.rows:
            self.rows[sheet] = self.book.get_sheet_by_name(sheet).to_python(
                skip_empty_area=False)
        rows = self.rows[sheet]
        return rows[row - 1][col - 1] if row <= len(rows) and col <= len(rows[row - 1]) else ""


def check_mirrors(values: Values, template) -> int:
    """Every text/number mirror shows its source cell (with its prefix); returns how many."""
    sources = {f.name: f for f in template.fields}
    checked = 0
    for mirror in template.mirrors:
        source = sources[mirror.mirror]
        for inst, src in zip(template.instances(mirror), template.instances(source)):
            want = values.at(src.sheet, src.row, src.col)
            if want in ("", None) or not isinstance(want, (str, int, float)):
                continue
            got = values.at(inst.sheet, inst.row, inst.col)
            if isinstance(want, str) or mirror.prefix:
                want = f"{mirror.prefix}{want}"
            assert got == want, (mirror.name, inst.sheet, inst.cell)
            checked += 1
    return checked


def features(path: Path) -> dict:
    """What a HR officer relies on in a workbook, comparable across spreadsheet programs."""
    wb = openpyxl.load_workbook(path)
    out = {"states": {ws.title: ws.sheet_state for ws in wb.worksheets},
           "lock_structure": bool(wb.security and wb.security.lockStructure),
           "names": {n: str(d.attr_text).replace("$", "").replace("'", "")
                     for n, d in wb.defined_names.items()}}
    for ws in wb.worksheets:
        out[ws.title] = {
            "protected": bool(ws.protection.sheet),
            "password": (ws.protection.password or "").upper(),
            "print_area": str(ws.print_area or "").replace("$", "").replace("'", ""),
            "validations": sorted((str(dv.sqref), dv.type, dv.formula1)
                                  for dv in ws.data_validations.dataValidation),
            "comments": sorted((c.coordinate, c.comment.text) for row in ws.iter_rows()
                               for c in row if c.comment),
            "unlocked": sorted(c.coordinate for row in ws.iter_rows() for c in row
                               if c.protection and not c.protection.locked)}
    return out


def pdf_pages(path: Path) -> tuple[int, tuple[int, int]]:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True,
                          timeout=60).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    width, height = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+)", info, re.M).groups()
    return pages, (round(float(width)), round(float(height)))


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True, timeout=60).stdout


@pytest.fixture
def run_cli(capsys):
    """``run_cli(args) -> (exit code, stdout, stderr)`` through skpxl's console entry point."""
    from skpxl.cli import main

    def run(args: list[str]) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as exit_info:
            main([str(a) for a in args])
        captured = capsys.readouterr()
        return exit_info.value.code, captured.out, captured.err

    return run


# --- without a spreadsheet program --------------------------------------------------------

def test_importing_skpxl_never_imports_xlwings():
    code = ("import sys, skpxl.engines, skpxl.cli, skpxl.cli.engines; "
            "print('xlwings' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.strip() == "False"


def test_unknown_engine_is_a_usage_error():
    with pytest.raises(UsageError) as info:
        get_engine("calc")
    assert info.value.exit_code == 2 and "libreoffice" in str(info.value)


def test_missing_libreoffice_says_how_to_install(monkeypatch):
    monkeypatch.setenv("SKPXL_SOFFICE", "/nonexistent/soffice")
    with pytest.raises(EngineError) as info:
        get_engine("libreoffice")
    assert info.value.exit_code == 3
    assert "apt-get install libreoffice-calc-nogui" in str(info.value)
    assert "libreoffice.org/download" in str(info.value)
    if not ExcelEngine.available():
        with pytest.raises(EngineError) as auto:
            get_engine("auto")
        assert "apt-get install libreoffice-calc-nogui" in str(auto.value)


def test_missing_engine_exits_3_on_the_command_line(run_cli, monkeypatch, generated, tmp_path):
    if ExcelEngine.available():
        pytest.skip("Excel is available here, so auto never runs out of engines")
    monkeypatch.setenv("SKPXL_SOFFICE", "/nonexistent/soffice")
    code, out, err = run_cli(["recalc", generated[PENGAWAS], "-o", tmp_path / "out"])
    assert code == 3 and out == ""
    assert "LibreOffice" in err and "apt-get install libreoffice-calc-nogui" in err
    assert not (tmp_path / "out").exists()



def test_excel_engine_without_xlwings_says_pip_install():
    if ExcelEngine.available():
        pytest.skip("xlwings is installed here")
    with pytest.raises(EngineError) as info:
        get_engine("excel")
    assert info.value.exit_code == 3 and "pip install 'skpxl[excel]'" in str(info.value)


def test_none_engine_copies_unchanged_and_cannot_print(generated, tmp_path):
    source = generated[PENGAWAS]
    before = digest(source)
    engine = get_engine("none")
    [copy] = engine.recalc([source], tmp_path / "out")
    assert copy == tmp_path / "out" / source.name and digest(copy) == before
    with pytest.raises(EngineError) as info:
        engine.to_pdf([source], tmp_path / "pdf")
    assert info.value.exit_code == 3
    assert digest(source) == before


def test_outputs_never_clobber_inputs_or_existing_files(generated, tmp_path):
    engine = get_engine("none")
    source = generated[PENGAWAS]
    with pytest.raises(UsageError, match="menimpa file masukan"):
        engine.recalc([source], source.parent)
    engine.recalc([source], tmp_path)
    with pytest.raises(OutputError) as info:
        engine.recalc([source], tmp_path)
    assert "--force" in str(info.value)
    assert engine.recalc([source], tmp_path, force=True) == [tmp_path / source.name]
    twin = tmp_path / "elsewhere" / source.name
    twin.parent.mkdir()
    shutil.copyfile(source, twin)
    with pytest.raises(UsageError, match="file keluaran yang sama"):
        engine.recalc([source, twin], tmp_path / "both")


def test_cli_json_is_the_library_result(run_cli, generated, tmp_path):
    code, out, err = run_cli(["recalc", generated[PENGAWAS], generated[HEAD], "--engine", "none",
                              "-o", tmp_path / "cli", "--format", "json"])
    assert code == 0, err
    library = get_engine("none").recalc([generated[PENGAWAS], generated[HEAD]], tmp_path / "lib")
    assert json.loads(out) == {"engine": "none", "outputs": [
        str(tmp_path / "cli" / p.name) for p in library]}
    assert "Program: none" in err


def test_restore_puts_back_very_hidden_sheets_and_structure_lock():
    source = ('<workbook><workbookPr/><workbookProtection lockStructure="1"/><bookViews>'
              '<workbookView activeTab="0"/></bookViews><sheets><sheet name="SKP" sheetId="1" '
              'state="visible"/><sheet name="_skpxl" sheetId="2" state="veryHidden"/></sheets>'
              '</workbook>')
    by_libreoffice = ('<workbook><workbookPr/><workbookProtection/><bookViews><workbookView '
                      'activeTab="0"/></bookViews><sheets><sheet name="SKP" sheetId="1" '
                      'state="visible"/><sheet name="_skpxl" sheetId="2" state="hidden"/>'
                      '</sheets></workbook>')
    restored = restore_workbook_xml(source, by_libreoffice)
    assert sheet_states(restored) == {"SKP": "visible", "_skpxl": "veryHidden"}
    assert '<workbookProtection lockStructure="1"/>' in restored
    no_element = by_libreoffice.replace("<workbookProtection/>", "")
    assert '<workbookProtection lockStructure="1"/><bookViews' in restore_workbook_xml(
        source, no_element)


def test_select_sheets_hides_the_others_and_their_print_ranges(generated, tmp_path):
    copy = tmp_path / "selected.xlsx"
    select_sheets(generated[PENGAWAS], copy, ("Evaluasi", "Dokumen Evaluasi"))
    wb = openpyxl.load_workbook(copy)
    assert {ws.title: ws.sheet_state for ws in wb.worksheets} == {
        "SKP": "hidden", "Lampiran SKP": "hidden", "Evaluasi": "visible",
        "Dokumen Evaluasi": "visible", "Petunjuk": "hidden", "_skpxl": "veryHidden"}
    # LibreOffice prints a hidden sheet that has a print range: those ranges must go
    assert not wb["SKP"].print_area and wb["Evaluasi"].print_area
    assert wb.active.title == "Evaluasi"
    with pytest.raises(UsageError, match="Evaluasii"):
        select_sheets(generated[PENGAWAS], tmp_path / "x.xlsx", ("Evaluasii",))


# --- LibreOffice --------------------------------------------------------------------------

def rated_workbooks(folder: Path, generated) -> dict[Path, tuple]:
    """Workbooks without cached formula results: every rating pair on JA/JF, one per template."""
    folder.mkdir(parents=True, exist_ok=True)
    base = extract(generated[PENGAWAS]).document
    cases = {}
    for template in list_templates():
        pairs = PAIRS + [None] if template.id == "ja-jf-kuantitatif" else [PAIRS[5]]
        for number, pair in enumerate(pairs):
            doc = filled_document(base, template, random.Random(number), ratings=pair)
            if pair is None:
                doc["evaluasi"] = {}
            doc["evaluasi"].pop("predikat", None)
            for key in ("mulai", "selesai"):
                doc["periode"][key] = date.fromisoformat(doc["periode"][key])
            doc["pengesahan"]["tanggal"] = doc["periode"]["selesai"]
            path = folder / f"{template.id}-{number}.xlsx"
            path.write_bytes(CompiledTemplate(template).render(doc))
            cases[path] = (template, pair)
    return cases


@pytest.mark.libreoffice
def test_recalc_computes_predikat_and_mirrors(soffice, generated, tmp_path):
    cases = rated_workbooks(tmp_path / "in", generated)
    before = {path: digest(path) for path in cases}
    outputs = get_engine("libreoffice").recalc(list(cases), tmp_path / "out", jobs=2)
    assert [p.name for p in outputs] == [p.name for p in cases]
    for output, (template, pair) in zip(outputs, cases.values()):
        values = Values(output)
        predikat = template.field("predikat")
        got = values.at(predikat.sheet, predikat.row, predikat.col)
        assert got == (MATRIX[pair] if pair else ""), (output.name, pair)
        assert check_mirrors(values, template) > 10
    assert {path: digest(path) for path in cases} == before  # inputs untouched
    assert sorted(p.name for p in (tmp_path / "in").iterdir()) == sorted(p.name for p in cases)


@pytest.mark.libreoffice
def test_recalc_keeps_what_hr_relies_on(soffice, samples_dir, tmp_path):
    result = generate(samples_dir / "pegawai.csv", PERIOD, tmp_path / "skp",
                      plans=samples_dir / "rencana.csv", password="rahasia", jobs=1)
    source = Path(next(f.path for f in result.files if f.nip == PENGAWAS))
    commented = tmp_path / "dikomentari.xlsx"
    wb = openpyxl.load_workbook(source)
    wb["Evaluasi"]["D82"].comment = Comment("Pilih rating dari daftar.", "SDM")
    wb.save(commented)
    outputs = get_engine("libreoffice").recalc([source, commented], tmp_path / "out")
    for original, output in zip((source, commented), outputs):
        want, got = features(original), features(output)
        assert got == want
        assert want["states"]["_skpxl"] == "veryHidden" and want["lock_structure"]
        assert want["SKP"]["password"] and want["SKP"]["validations"]
    assert features(outputs[1])["Evaluasi"]["comments"] == [("D82", "Pilih rating dari daftar.")]


@pytest.mark.libreoffice
def test_recalc_of_a_broken_file_fails_only_that_file(soffice, generated, tmp_path):
    broken = tmp_path / "rusak.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(EngineError) as info:
        get_engine("libreoffice").recalc([broken, generated[PENGAWAS]], tmp_path / "out")
    assert info.value.exit_code == 3 and "rusak.xlsx" in str(info.value)
    assert list(info.value.failed) == [tmp_path / "out" / "rusak.xlsx"]
    assert info.value.outputs == [tmp_path / "out" / generated[PENGAWAS].name]
    assert not (tmp_path / "out" / "rusak.xlsx").exists()


@pytest.mark.libreoffice
def test_timeout_ends_every_soffice_process(soffice, generated, tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # profiles live here
    engine = LibreOfficeEngine(startup_timeout=0.5, timeout_per_file=0)
    with pytest.raises(EngineError, match="timeout"):
        engine.recalc([generated[PENGAWAS]], tmp_path / "out")
    time.sleep(1)
    leftovers = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if str(scratch).encode() in cmdline.read_bytes():
                leftovers.append(cmdline.parent.name)
        except OSError:
            continue
    assert leftovers == []


@pytest.mark.libreoffice
def test_pdf_one_a4_file_per_employee_with_the_chosen_sheets(soffice, run_cli, generated,
                                                             tmp_path):
    if shutil.which("pdfinfo") is None or shutil.which("pdftotext") is None:
        pytest.fail("pdfinfo/pdftotext (poppler-utils) are needed to read PDFs back")
    people = [generated[PENGAWAS], generated[JPT]]
    code, out, err = run_cli(["export", "pdf", *people, "-o", tmp_path / "pdf", "--sheets",
                              "SKP,Evaluasi,Dokumen Evaluasi", "--jobs", "2"])
    assert code == 0, err
    pdfs = [Path(line) for line in out.splitlines()]
    assert [p.name for p in pdfs] == [p.with_suffix(".pdf").name for p in people]
    for pdf, workbook in zip(pdfs, people):
        pages, size = pdf_pages(pdf)
        assert size == A4 and 3 <= pages <= 8, (pdf.name, pages)
        text = pdf_text(pdf)
        assert "SASARAN KINERJA PEGAWAI" in text and "DOKUMEN EVALUASI KINERJA PEGAWAI" in text
        assert "EVALUASI KINERJA PEGAWAI" in text.replace("DOKUMEN EVALUASI KINERJA PEGAWAI", "")
        assert "LAMPIRAN SASARAN KINERJA PEGAWAI" not in text, workbook.name
        assert "sha256:" not in text  # the metadata sheet is never printed
    assert "Sri Rahayu, S.E." in pdf_text(pdfs[0])
    assert "Ir. Bambang Susilo, M.Si." in pdf_text(pdfs[1])
    everything = get_engine("libreoffice").to_pdf([people[0]], tmp_path / "all")
    assert "LAMPIRAN SASARAN KINERJA PEGAWAI" in pdf_text(everything[0])
    assert pdf_pages(everything[0])[0] > pdf_pages(pdfs[0])[0]



def page_texts(pdf: Path) -> list[str]:
    return pdf_text(pdf).split("\f")[:pdf_pages(pdf)[0]]


@pytest.mark.libreoffice
@pytest.mark.parametrize("sheet", ["SKP", "Evaluasi"])
def test_table_headings_print_once_and_signatures_stay_together(soffice, sheet, tmp_path):
    """The hasil kerja headings (with their first and last column number) print once, on
    the first page, never over another table (issue 16), and the signature block (place,
    roles, names, NIPs) is never split over two pages."""
    tasks = []
    for template in list_templates():
        source = tmp_path / f"{template.id}.xlsx"
        source.write_bytes(CompiledTemplate(template).render(preview_document(template)))
        tasks.append(Task(source, tmp_path / f"{template.id}.pdf", (sheet,)))
    get_engine("libreoffice").run(tasks, "pdf", jobs=2)
    for task in tasks:
        pages = page_texts(task.target)
        last = max(int(n) for n in re.findall(r"\((\d)\)", "".join(pages)))
        headed = [n for n, text in enumerate(pages) if "(1)" in text and f"({last})" in text]
        assert headed == [0], task.target.name
        signature = [n for n, text in enumerate(pages) if "Pegawai yang Dinilai" in text]
        nips = [n for n, text in enumerate(pages) if "NIP. 197602032000031001" in text]
        assert len(signature) == 1 and nips == signature, task.target.name


@pytest.mark.libreoffice
def test_a_batch_prints_forms_and_reports_past_a_file_it_cannot_print(soffice, run_cli,
                                                                      generated, tmp_path):
    """Forms print their form sheets, a report its visible sheets; a broken file is named
    and skipped (exit 1), never stopping the others."""
    from skpxl.merge import merge
    batch = tmp_path / "cetak"
    batch.mkdir()
    shutil.copy(generated[PENGAWAS], batch)
    merge([generated[PENGAWAS].parent], period=PERIOD, output=batch / "rekap.xlsx")
    (batch / "rusak.xlsx").write_bytes(b"PK\x03\x04 bukan workbook")
    code, out, err = run_cli(["export", "pdf", batch, "-o", tmp_path / "pdf", "--format",
                              "json"])
    assert code == 1, err
    result = json.loads(out)
    assert sorted(Path(p).name for p in result["outputs"]) == [
        generated[PENGAWAS].with_suffix(".pdf").name, "rekap.pdf"]
    (failure,) = result["failed"]
    assert Path(failure["path"]).name == "rusak.xlsx" and failure["reason"]
    assert not (tmp_path / "pdf" / "rusak.pdf").exists()
    report = pdf_text(tmp_path / "pdf" / "rekap.pdf")
    assert "REKAPITULASI SASARAN KINERJA PEGAWAI" in report and "Rekap Pegawai" in report
    assert "Berkas" not in report.split()          # the hidden technical sheet
    form = pdf_text(tmp_path / "pdf" / generated[PENGAWAS].with_suffix(".pdf").name)
    assert "SASARAN KINERJA PEGAWAI" in form and "REKAPITULASI" not in form
    code, _, err = run_cli(["export", "pdf", batch, "-o", tmp_path / "pdf2"])
    assert code == 1 and "GAGAL" in err and "rusak.xlsx" in err
    # a sheet that some workbooks lack: those are failures, the others print
    code, out, err = run_cli(["export", "pdf", batch, "-o", tmp_path / "pdf3", "--sheets",
                              "Ringkasan"])
    assert code == 1 and [Path(p).name for p in out.split()] == ["rekap.pdf"]
    assert "tidak memiliki sheet Ringkasan" in err


@pytest.mark.libreoffice
def test_impossible_sheet_selection_is_a_usage_error(soffice, run_cli, generated, tmp_path):
    code, _, err = run_cli(["export", "pdf", generated[PENGAWAS], "-o", tmp_path,
                            "--sheets", "SKP,Evaluasii"])
    assert code == 2 and "Evaluasii" in err
    as_xls = tmp_path / "lama.xls"
    shutil.copyfile(generated[PENGAWAS], as_xls)  # the suffix is what is refused
    code, _, err = run_cli(["export", "pdf", as_xls, "-o", tmp_path / "pdf", "--sheets", "SKP"])
    assert code == 2 and "skpxl recalc" in err
    assert list(tmp_path.glob("*.pdf")) == []


@pytest.mark.libreoffice
def test_template_preview_renders_a4_pages(soffice, run_cli, tmp_path):
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm (poppler-utils) is needed for previews")
    code, out, err = run_cli(["template", "preview", "ja-jf-kuantitatif", "-o", tmp_path,
                              "--dpi", "30"])
    assert code == 0, err
    pngs = [Path(line) for line in out.splitlines()]
    assert {re.sub(r"-\d+$", "", p.stem) for p in pngs} == {
        "ja-jf-kuantitatif-skp", "ja-jf-kuantitatif-evaluasi",
        "ja-jf-kuantitatif-dokumen-evaluasi"}
    from PIL import Image
    for png in pngs:
        long, short = sorted(Image.open(png).size, reverse=True)  # portrait or landscape
        assert abs(long / short - A4[1] / A4[0]) < 0.02, png.name


# --- Excel --------------------------------------------------------------------------------

def excel_engine():
    if not ExcelEngine.available():
        pytest.skip("Excel engine not available: needs Windows or macOS with Microsoft Excel "
                    "and xlwings (pip install 'skpxl[excel]')")
    try:
        return get_engine("excel")
    except EngineError as exc:
        pytest.skip(f"Excel engine not usable here: {exc}")


def test_excel_recalc_computes_predikat(generated, tmp_path):
    engine = excel_engine()
    cases = rated_workbooks(tmp_path / "in", generated)
    first = {p: c for p, c in cases.items() if c[1] is not None}
    outputs = engine.recalc(list(first)[:3], tmp_path / "out")
    for output, (template, pair) in zip(outputs, first.values()):
        predikat = template.field("predikat")
        assert Values(output).at(predikat.sheet, predikat.row, predikat.col) == MATRIX[pair]
        assert features(output)["states"]["_skpxl"] == "veryHidden"


def test_excel_pdf(generated, tmp_path):
    engine = excel_engine()
    [pdf] = engine.to_pdf([generated[PENGAWAS]], tmp_path, sheets=["SKP", "Evaluasi"])
    assert pdf.read_bytes().startswith(b"%PDF")
