"""Truthful verdicts on files real programs saved: LibreOffice through UNO (typing into
cells, picking from dropdowns, unprotecting, clearing, renaming; saved as .xlsx, .ods and
.xls) and Gnumeric (``ssconvert``), and the annotated copy as it prints.

The files are made by the tests (one LibreOffice run for the whole module); each case
asserts the exact problem codes and the cells, found through the template.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import HEAD_NIP, at, cell_of, iki_paths, run_lo_fill, staff_ops

from skpxl import domain
from skpxl.extract import extract
from skpxl.generate import generate
from skpxl.reader import read_workbook
from skpxl.templatecheck import check_template
from skpxl.validate import validate, validate_file

pytestmark = pytest.mark.libreoffice

PERIOD = "2025-Q3"
SAVE_AS = {"xlsx": "Calc MS Excel 2007 XML", "ods": "calc8", "xls": "MS Excel 97"}
RATINGS = (domain.DI_ATAS, domain.SESUAI)
NUMBER_TEXTS = ["sebelas dokumen", "11 dokumen", "95%", "12,5 %", "1,500"]   # errors
READ_TEXTS = {"1.500": 1500, "12,5": 12.5}                                   # accepted


@pytest.fixture(scope="module")
def corpus(uno_python, soffice, samples_dir, tmp_path_factory) -> dict:
    """One LibreOffice run: the head's form filled correctly, and with each mistake."""
    root = tmp_path_factory.mktemp("lo-verdicts")
    result = generate(samples_dir / "pegawai.csv", PERIOD, root / "skp",
                      plans=samples_dir / "rencana.csv", jobs=1)
    source = next(Path(f.path) for f in result.files if f.nip == HEAD_NIP)
    got = extract(source)
    template, document = got.template, got.document
    base = staff_ops(source, RATINGS)
    rows = iki_paths(document)
    mirrors = {m.name: m for m in template.mirrors}
    numbers = [at(template, "eku_realisasi", f"{row}.realisasi", op="type", value=text)
               for row, text in zip(rows, [*NUMBER_TEXTS, *READ_TEXTS])]
    cases = {
        "valid": (base, ("xlsx", "ods", "xls")),
        "numbers": (base + numbers, ("xlsx",)),
        "diatas": (base + [{"op": "type", "name": "rating_hasil_kerja", "value": "Diatas"}],
                   ("xlsx", "ods")),
        "newline": (base + [{"op": "type", "name": "rating_perilaku",
                             "value": "Sesuai Ekspektasi\n"}], ("xlsx",)),
        "capitals": (base + [{"op": "type", "name": "rating_hasil_kerja",
                              "value": "DI ATAS EKSPEKTASI"}], ("xlsx",)),
        "cleared": (base + [{"op": "unprotect", "sheet": template.field("predikat").sheet},
                            {"op": "clear", "name": "pegawai_nama_eva"},
                            {"op": "clear", "name": "eku_indikator", "index": 0},
                            {"op": "clear", "name": "predikat"}], ("xlsx", "ods", "xls")),
        "renamed": (base + [{"op": "rename_sheet", "sheet": "SKP", "to": "SKP Saya"},
                            {"op": "rename_sheet", "sheet": "Dokumen Evaluasi",
                             "to": "Dok Evaluasi"}], ("xlsx", "ods")),
        "paper": (base + numbers + [
            {"op": "type", "name": "rating_hasil_kerja", "value": "Diatas"},
            at(template, "hku_target", f"{rows[0]}.target", op="type", value="3 laporan"),
            {"op": "unprotect", "sheet": "SKP"},
            {"op": "type", "name": "pegawai_nama", "value": "HENDRA W."}], ("xlsx",)),
    }
    jobs, files = [], {}
    for name, (ops, formats) in cases.items():
        files[name] = {fmt: root / fmt / f"{name}.{fmt}" for fmt in formats}
        jobs.append({"source": str(source), "ops": ops, "read": ["predikat"],
                     "save": [{"path": str(p), "filter": SAVE_AS[fmt]}
                              for fmt, p in files[name].items()]})
    results = run_lo_fill(uno_python, soffice, jobs, root)
    shown = {name: r["read"]["predikat"] for name, r in zip(cases, results)}
    return {"root": root, "files": files, "template": template, "document": document,
            "rows": rows, "mirrors": mirrors, "shown": shown}


def errors(report) -> set[tuple]:
    return {(p.code, p.sheet, p.cell) for p in report.issues if p.severity == "error"}


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "xls"])
def test_filled_in_libreoffice_is_valid_without_a_word(corpus, fmt):
    report = validate_file(corpus["files"]["valid"][fmt], period=PERIOD)
    assert report.valid and [p.code for p in report.issues] == []
    assert corpus["shown"]["valid"] == domain.predikat_for(*RATINGS)


def test_number_text_typed_in_libreoffice(corpus):
    report = validate_file(corpus["files"]["numbers"]["xlsx"], period=PERIOD,
                           keep_document=True)
    template, rows = corpus["template"], corpus["rows"]
    assert errors(report) == {("skp.realisasi_not_number",
                               *cell_of(template, "eku_realisasi", f"{row}.realisasi"))
                              for row in rows[:len(NUMBER_TEXTS)]}
    iki = [i for item in report.document["hasil_kerja"]["utama"] for i in item["iki"]]
    assert [i["realisasi"] for i in iki[len(NUMBER_TEXTS):]] == list(READ_TEXTS.values())


@pytest.mark.parametrize("case,key", [("diatas", "rating_hasil_kerja"),
                                      ("newline", "rating_perilaku")])
def test_the_form_shows_a_question_mark_so_the_file_is_not_valid(corpus, case, key):
    assert corpus["shown"][case] == "?"                      # what LibreOffice displayed
    for path in corpus["files"][case].values():
        report = validate_file(path, period=PERIOD)
        assert errors(report) == {("skp.rating_not_choice", *cell_of(corpus["template"], key))}
        assert [p.code for p in report.issues if p.severity == "warning"] == []


def test_a_rating_in_capitals_is_found_by_the_form_and_valid(corpus):
    expected = domain.predikat_for(domain.DI_ATAS, domain.SESUAI)
    assert corpus["shown"]["capitals"] == expected
    report = validate_file(corpus["files"]["capitals"]["xlsx"], period=PERIOD)
    assert report.valid and report.issues == []


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "xls"])
def test_cleared_formula_cells(corpus, fmt):
    template, mirrors = corpus["template"], corpus["mirrors"]
    path = corpus["files"]["cleared"][fmt]
    shown = {(m.sheet, m.cell) for m in (mirrors["pegawai_nama_eva"],
                                         mirrors["eku_indikator"])}
    predikat = cell_of(template, "predikat")
    report = validate_file(path, period=PERIOD)
    if fmt == "xls":   # formulas unseen: a mirror left empty while its field is filled
        assert errors(report) == {("skp.formula_missing", *c) for c in shown}
        return
    assert errors(report) == {("skp.formula_missing", *c) for c in shown | {predikat}}
    assert "skp.predikat_not_computed" not in [p.code for p in report.issues]
    if fmt == "xlsx":      # the same cells template check sees
        checked = check_template(path)
        assert {(p.sheet, p.cell) for p in checked.problems
                if p.code == "template.formula_missing"} == shown | {predikat}


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_sheets_renamed_in_libreoffice_change_nothing(corpus, fmt):
    report = validate_file(corpus["files"]["renamed"][fmt], period=PERIOD, keep_document=True)
    assert report.valid and report.issues == []
    assert report.document["evaluasi"]["predikat"] == domain.predikat_for(*RATINGS)


# --- Gnumeric --------------------------------------------------------------------------------

def conditional_fills(ws, cell: str) -> list[tuple[str, str]]:
    """(formula, fill pattern) of the conditional formats covering ``cell``, by priority."""
    from openpyxl.worksheet.cell_range import CellRange
    found = sorted((rule.priority, rule.formula[0], rule.dxf.fill.patternType or "solid")
                   for cf in ws.conditional_formatting for rule in cf.rules
                   if any(cell in CellRange(str(r)) for r in cf.sqref.ranges))
    return [(formula, pattern) for _, formula, pattern in found]


@pytest.mark.parametrize("fmt", ["ods", "xlsx", "xls"])
def test_files_saved_by_gnumeric_read_like_libreoffices(corpus, ssconvert, tmp_path, fmt):
    source = corpus["files"]["valid"]["xlsx"]
    target = tmp_path / f"gnumeric.{fmt}"
    subprocess.run([ssconvert, str(source), str(target)], check=True, capture_output=True,
                   timeout=180)
    original = validate_file(source, period=PERIOD, keep_document=True)
    report = validate_file(target, period=PERIOD, keep_document=True)
    assert report.valid and [p.code for p in report.issues] == [], \
        [(p.code, p.sheet, p.cell) for p in report.issues]
    for key in ("pegawai", "penilai", "hasil_kerja", "perilaku", "evaluasi"):
        assert report.document.get(key) == original.document.get(key), key


def test_gnumeric_ods_of_a_file_to_fix_names_the_same_cells(corpus, ssconvert, tmp_path):
    source = corpus["files"]["numbers"]["xlsx"]
    target = tmp_path / "gnumeric.ods"
    subprocess.run([ssconvert, str(source), str(target)], check=True, capture_output=True,
                   timeout=180)
    assert errors(validate_file(target, period=PERIOD)) == \
        errors(validate_file(source, period=PERIOD))


# --- the annotated copy, as it prints --------------------------------------------------------

def page_words(pdf: Path, page: int) -> tuple[str, list[float]]:
    """The text of one page and the height of every word on it (points)."""
    text = subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf),
                           "-"], capture_output=True, text=True, check=True).stdout
    box = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf),
                          "-"], capture_output=True, text=True, check=True).stdout
    heights = [float(b) - float(a) for a, b in
               re.findall(r'yMin="([\d.]+)"[^>]*yMax="([\d.]+)"', box)]
    return text, heights


def test_the_notes_sheet_prints_on_one_a4_page_and_agrees_with_the_cells(corpus, convert,
                                                                          tmp_path):
    source = corpus["files"]["paper"]["xlsx"]
    report = validate([source], period=PERIOD, annotate=tmp_path / "perbaikan")
    (copy,) = [Path(p) for p in report.annotated]
    problems = report.files[0].issues
    assert 8 <= len(problems) <= 10
    (pdf,) = convert(copy, "pdf", tmp_path / "pdf")
    text, heights = page_words(pdf, 1)
    assert "Catatan Validasi, halaman 1" in text and "Hasil pemeriksaan SKP" in text
    for problem in problems:          # every problem listed on the one page, not cut
        assert f"{problem.sheet}!{problem.cell}" in text
        assert " ".join(problem.message().split()[-3:]) in " ".join(text.split())
    assert min(heights) >= 9.0         # about 8 pt text at the smallest
    assert "Catatan Validasi, halaman 2" not in subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "1", str(pdf)], capture_output=True,
                          text=True).stdout
    width, height = map(float, re.search(r"Page\s+1 size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert (round(width), round(height)) == (595, 842)          # A4 portrait

    # page headers keep their line break (openpyxl writes it as _x000a_, which LibreOffice
    # would print as it stands)
    with zipfile.ZipFile(copy) as zf:
        headers = [re.search(r"<oddHeader>(.*?)</oddHeader>", zf.read(n).decode(), re.S)
                   for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
    assert [h for h in headers if h] and not any("_x000a_" in h.group(1) for h in headers if h)
    assert any("\n" in h.group(1) for h in headers if h)
    # the copy shows what the returned file showed: '?' as predikat, the rating as typed
    template = corpus["template"]
    book = read_workbook(copy)
    assert book.value(*cell_of(template, "predikat")) == "?"
    assert book.value(*cell_of(template, "rating_hasil_kerja")) == "Diatas"
    wb = openpyxl.load_workbook(copy)
    sheet, cell = cell_of(template, "rating_hasil_kerja")
    note = wb[sheet][cell].comment.text
    assert "'Diatas'" in note and "'?'" in note
    # a marked cell: a thick frame and a hatch, unlike a yellow input cell
    marked = wb[sheet][cell]
    assert marked.border.left.style == marked.border.bottom.style == "thick"
    assert marked.fill.patternType == "lightUp"
    sheet, cell = cell_of(template, "catatan_rekomendasi")
    plain = wb[sheet][cell]
    assert plain.fill.patternType != "lightUp" and plain.border.left.style != "thick"
    # empty input cells are yellow through a conditional format; the mark's fill is a rule
    # ranked above it, so an empty cell to fix shows the mark, not the input colour
    assert [f for f, _ in conditional_fills(wb[sheet], cell)] == [f"LEN(TRIM({cell}))=0"]
    marked_sheet, marked_cell = cell_of(template, "rating_hasil_kerja")
    first, *rest = conditional_fills(wb[marked_sheet], marked_cell)
    assert first == ("TRUE", "lightUp") and rest and rest[0][0].startswith("LEN(TRIM(")
