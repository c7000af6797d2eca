"""``skpxl angka-kredit`` on a real year: quarterly reports in, one workbook per JF out.

Three quarters of 2025 are played once per module for the conftest roster plus two more
jabatan fungsional (an Ahli Muda in Blitar, and one whose roster row has no jenjang):
workbooks generated, filled with chosen ratings, merged into unit reports by ``skpxl merge``.
Expected figures come from the ratings through the regulation's matrix and tables written
out here, never from skpxl. Papers are read back with openpyxl, and printed through
LibreOffice where a test says so.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import shutil
import subprocess
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import (
    _ROSTER,
    FUNGSIONAL_NIP,
    INSTANSI,
    JPT_NIP,
    PENGAWAS_NIP,
    ROSTER_HEADER,
    UNIT_KAB,
    UNIT_KOTA,
    write_csv,
)

from skpxl.angkakredit import angka_kredit
from skpxl.cli import cli
from skpxl.domain import DI_ATAS, DI_BAWAH, SESUAI
from skpxl.errors import UsageError
from skpxl.generate import generate
from skpxl.merge import merge
from skpxl.simulate import fill_workbook

MUDA_NIP = "198705142010012003"      # Ahli Muda in Blitar, assessed by the JPT head
BLANK_NIP = "199102282015041001"     # Fungsional without a jenjang in the roster
EXTRA = [
    [MUDA_NIP, "Ratna Dewanti, S.H.", "PNS", "Penata (III/c)", "Analis Hukum Ahli Muda",
     "Fungsional", "Ahli Muda", UNIT_KAB, INSTANSI, JPT_NIP],
    [BLANK_NIP, "Bayu Pratama, S.T.", "PNS", "Penata Muda Tk. I (III/b)",
     "Pranata Komputer", "Fungsional", "", UNIT_KOTA, INSTANSI, PENGAWAS_NIP],
]
#: (rating hasil kerja, rating perilaku) per quarter; the matrix gives the predikat
RATINGS = {
    FUNGSIONAL_NIP: {1: (DI_ATAS, DI_ATAS), 2: (SESUAI, SESUAI), 3: (DI_BAWAH, SESUAI)},
    MUDA_NIP: {1: (SESUAI, DI_ATAS), 2: (DI_ATAS, DI_BAWAH), 3: (DI_BAWAH, DI_BAWAH)},
}
#: the 3x3 matrix (PermenPANRB 6/2022), the percentages and coefficients (PermenPANRB 1/2023)
MATRIX = {(DI_ATAS, DI_ATAS): "Sangat Baik", (SESUAI, SESUAI): "Baik",
          (DI_BAWAH, SESUAI): "Butuh Perbaikan", (SESUAI, DI_ATAS): "Baik",
          (DI_ATAS, DI_BAWAH): "Kurang/Misconduct", (DI_BAWAH, DI_BAWAH): "Sangat Kurang"}
PERCENT = {"Sangat Baik": 150, "Baik": 100, "Butuh Perbaikan": 75, "Kurang/Misconduct": 50,
           "Sangat Kurang": 25}
KOEF = {"Ahli Pertama": Decimal("12.5"), "Ahli Muda": Decimal(25)}
QUARTER_DATES = {1: "1 Januari – 31 Maret 2025", 2: "1 April – 30 Juni 2025",
                 3: "1 Juli – 30 September 2025"}


def ak(predikat: str, jenjang: str, months: int = 3) -> Decimal:
    exact = Decimal(PERCENT[predikat]) / 100 * KOEF[jenjang] * months / 12
    return exact.quantize(Decimal("0.001"), ROUND_HALF_UP)


def shown(value: Decimal) -> str:
    """3 decimals, decimal comma, dot for thousands."""
    whole, frac = f"{value:.3f}".split(".")
    return f"{int(whole):,}".replace(",", ".") + "," + frac


def expected_lines(nip: str, jenjang: str) -> list[Decimal]:
    return [ak(MATRIX[RATINGS[nip][q]], jenjang) for q in (1, 2, 3)]


def play_quarter(base: Path, roster: Path, period: str, *, ratings: dict[str, tuple],
                 skip=()) -> dict[str, Path]:
    """Generate, fill (``skip``: NIPs that return nothing) and merge per unit; the unit
    reports by unit name."""
    made = generate(roster, period, base / "skp" / period)
    back = base / "kembali" / period
    for f in made.files:
        if f.nip in skip:
            continue
        unit = "kab" if f.unit == UNIT_KAB else "kota"
        fill_workbook(Path(f.path), back / unit / Path(f.path).name, rng=random.Random(7),
                      ratings=ratings.get(f.nip, (SESUAI, SESUAI)))
    reports = {}
    for unit, name in (("kota", UNIT_KOTA), ("kab", UNIT_KAB)):
        target = base / "rekap" / f"rekap-{unit}-{period}.xlsx"
        target.parent.mkdir(parents=True, exist_ok=True)
        merge([back / unit], period=period, roster=roster, output=target, jobs=1)
        reports[name] = target
    return reports


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    """Reports of 2025 Q1-Q3 (Bayu returns nothing in Q2), 2024-Q4 and the year 2025."""
    base = tmp_path_factory.mktemp("angka-kredit")
    roster = write_csv(base / "pegawai.csv", ROSTER_HEADER, [list(r) for r in _ROSTER + EXTRA])
    reports = {}
    for q in (1, 2, 3):
        ratings = {nip: by_quarter[q] for nip, by_quarter in RATINGS.items()}
        reports[q] = play_quarter(base, roster, f"2025-Q{q}", ratings=ratings,
                                  skip=(BLANK_NIP,) if q == 2 else ())
    reports["2024-Q4"] = play_quarter(base, roster, "2024-Q4", ratings={})
    reports["2025"] = play_quarter(base, roster, "2025", ratings={})
    return {"base": base, "roster": roster, "reports": reports}


def quarterly(year) -> list[Path]:
    return [year["reports"][q][unit] for q in (1, 2, 3) for unit in (UNIT_KOTA, UNIT_KAB)]


def awal_table(path: Path, rows: list[list]) -> Path:
    return write_csv(path, ["NIP", "AK Awal", "Tanggal", "Nomor PAK"], rows)


def texts(path: Path) -> dict[str, list[str]]:
    """Every non-empty cell of every sheet, as text, by sheet."""
    book = openpyxl.load_workbook(path)
    return {ws.title: [str(c.value) for row in ws.iter_rows() for c in row
                       if c.value not in (None, "")] for ws in book.worksheets}


def by_nip(result) -> dict:
    return {e.person.nip: e for e in result.employees}


# --- the papers -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def papers(year, tmp_path_factory):
    out = tmp_path_factory.mktemp("papers") / "angka-kredit"
    table = awal_table(out.parent / "ak-awal.csv", [
        [FUNGSIONAL_NIP, "40,5", "31-12-2024", "800/123/BKN/2024"],
        [MUDA_NIP, "180", "15 Januari 2025", ""]])
    result = angka_kredit(quarterly(year), output=out, period="2025", roster=year["roster"],
                          akumulasi=table, tanggal=date(2026, 1, 6))
    return result, out


def test_every_jf_employee_gets_the_regulation_s_figures(papers):
    result, _ = papers
    people = by_nip(result)
    assert set(people) == {FUNGSIONAL_NIP, MUDA_NIP, BLANK_NIP}
    assert result.non_jf == 6       # nine employees, three of them jabatan fungsional
    dewi, ratna = people[FUNGSIONAL_NIP], people[MUDA_NIP]
    assert [line.value for line in dewi.ak.lines] == expected_lines(FUNGSIONAL_NIP,
                                                                     "Ahli Pertama")
    assert [line.value for line in ratna.ak.lines] == expected_lines(MUDA_NIP, "Ahli Muda")
    assert dewi.progress.total == Decimal("40.5") + sum(expected_lines(FUNGSIONAL_NIP,
                                                                       "Ahli Pertama"))
    assert not dewi.problems and not ratna.problems


def test_the_workbook_is_the_employee_s_papers(papers):
    result, out = papers
    dewi = by_nip(result)[FUNGSIONAL_NIP]
    path = Path(dewi.output)
    assert path.parent.parent == out and path.name.startswith(FUNGSIONAL_NIP)
    sheets = texts(path)
    assert list(sheets) == ["Konversi TW I 2025", "Konversi TW II 2025", "Konversi TW III 2025",
                            "Akumulasi", "PAK"]
    lines = expected_lines(FUNGSIONAL_NIP, "Ahli Pertama")
    for q, name in enumerate(list(sheets)[:3], start=1):
        cells = sheets[name]
        predikat = MATRIX[RATINGS[FUNGSIONAL_NIP][q]]
        for text in ("KONVERSI PREDIKAT KINERJA KE ANGKA KREDIT", FUNGSIONAL_NIP, predikat,
                     f"{PERCENT[predikat]}%", "12,5", shown(lines[q - 1]), QUARTER_DATES[q],
                     "Pejabat Penilai Kinerja,", "Sri Rahayu, S.E.", f"NIP. {PENGAWAS_NIP}",
                     "Kepala Subbagian Administrasi", "Perempuan", "Ditetapkan di : Batu",
                     "Pada tanggal : 6 Januari 2026", "Instansi : " + INSTANSI):
            assert text in cells, (name, text)
    total = Decimal("40.5") + sum(lines)
    akumulasi = sheets["Akumulasi"]
    assert shown(total) in akumulasi and "40,500" in akumulasi
    assert "Angka kredit awal: PAK nomor 800/123/BKN/2024 tanggal 31 Desember 2024" in akumulasi
    # Ahli Pertama at III/a: the next pangkat (III/b) needs 50, the next jenjang 100
    assert {"50", "100", f"Kekurangan {shown(Decimal(100) - total)}",
            f"Kekurangan {shown(Decimal(50) - total)}" if total < 50 else
            f"Kelebihan {shown(total - 50)}"} <= set(akumulasi)
    pak = sheets["PAK"]
    assert "PENETAPAN ANGKA KREDIT" in pak and any(t.startswith("DRAF") for t in pak)
    assert shown(sum(lines)) in pak and shown(total) in pak
    verdict = [t for t in pak if "DIPERTIMBANGKAN" in t]
    assert verdict == (["DAPAT DIPERTIMBANGKAN UNTUK KENAIKAN PANGKAT SETINGKAT LEBIH TINGGI "
                        "MENJADI PENATA MUDA TINGKAT I (III/b)"] if total >= 50 else
                       ["TIDAK DAPAT DIPERTIMBANGKAN UNTUK KENAIKAN PANGKAT/JENJANG JABATAN "
                        "SETINGKAT LEBIH TINGGI"])


def test_an_employee_without_a_quarter_or_a_jenjang_is_named_and_the_rest_carry_on(papers):
    result, _ = papers
    bayu = by_nip(result)[BLANK_NIP]
    codes = sorted(p.code for p in bayu.problems)
    assert codes == ["ak.jenjang_missing", "ak.jenjang_missing", "ak.predikat_missing"]
    missing = [p for p in bayu.problems if p.code == "ak.predikat_missing"][0]
    assert "TRIWULAN II 2025" in missing.message() and "belum mengumpulkan" in missing.message()
    assert bayu.output is None
    assert not result.ok


def test_cli_json_is_the_library_result_and_exit_code_1_for_problems(papers, year, tmp_path):
    result, out = papers
    table = Path(out.parent / "ak-awal.csv")
    args = ["angka-kredit", *map(str, quarterly(year)), "-o", str(tmp_path / "cli"),
            "--period", "2025", "--roster", str(year["roster"]), "--akumulasi", str(table),
            "--tanggal", "2026-01-06", "--format", "json", "--jobs", "1"]
    run = CliRunner().invoke(cli, args)
    assert run.exit_code == 1, run.output
    data = json.loads(run.output)
    expected = json.loads(json.dumps(result.to_dict(), default=str).replace(
        str(out), str(tmp_path / "cli")))
    assert data == expected
    assert {e["nip"] for e in data["employees"] if e["file"]} == {FUNGSIONAL_NIP, MUDA_NIP}


# --- bad input ------------------------------------------------------------------------------

def test_reports_of_another_period_or_twice_for_one_unit_are_refused(year, tmp_path):
    kota_q1 = year["reports"][1][UNIT_KOTA]
    again = tmp_path / "rekap-kota-lagi.xlsx"
    shutil.copy(kota_q1, again)
    inputs = [kota_q1, again, year["reports"][2][UNIT_KOTA], year["reports"]["2024-Q4"][UNIT_KOTA]]
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in inputs}
    result = angka_kredit(inputs, output=tmp_path / "out", period="2025")
    assert sorted(p.code for p in result.problems) == ["ak.report_other_period",
                                                       "ak.report_twice"]
    other = [p for p in result.problems if p.code == "ak.report_other_period"][0]
    assert "2024-Q4" in other.message() and "2025" in other.message()
    dewi = by_nip(result)[FUNGSIONAL_NIP]
    assert [line.period.kode for line in dewi.ak.lines] == ["2025-Q2"]   # what is left
    assert Path(dewi.output).exists()
    assert before == {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in inputs}


def test_the_year_and_its_quarters_never_both_count(year, tmp_path):
    inputs = [year["reports"]["2025"][UNIT_KOTA], year["reports"][1][UNIT_KOTA]]
    result = angka_kredit(inputs, output=tmp_path / "out")
    dewi = by_nip(result)[FUNGSIONAL_NIP]
    assert [p.code for p in dewi.problems] == ["ak.double_count"]
    assert not dewi.ak.lines and dewi.output is None
    text = dewi.problems[0].message()
    assert "TAHUN 2025" in text and "TRIWULAN I 2025" in text


def test_the_year_alone_gives_the_annual_paper(year, tmp_path):
    result = angka_kredit([year["reports"]["2025"][UNIT_KOTA]], output=tmp_path / "out")
    dewi = by_nip(result)[FUNGSIONAL_NIP]
    [line] = dewi.ak.lines
    assert line.value == ak("Baik", "Ahli Pertama", 12) == Decimal("12.5")
    cells = texts(Path(dewi.output))["Konversi 2025"]
    assert "ANGKA KREDIT YANG DIDAPAT (kolom 2 × kolom 3)" in cells and "12,500" in cells


def test_each_bad_row_of_the_akumulasi_table_is_named(year, tmp_path):
    table = awal_table(tmp_path / "awal.csv", [
        [FUNGSIONAL_NIP, "12,5", "2025-05-01", "1/PAK/2025"],   # after the end of Q1
        [PENGAWAS_NIP, "10", "2024-12-31", ""],                 # not a JF
        ["1.98E+17", "10", "2024-12-31", ""],                   # NIP ruined by Excel
        [MUDA_NIP, "50.125", "2024-12-31", ""],                 # ambiguous number
        [BLANK_NIP, "10", "31/02/2024", ""],                    # no such date
        ["199001012015011001", "10", "2024-12-31", ""],         # nobody in the reports
        [FUNGSIONAL_NIP, "1", "2024-12-31", ""],                # the same NIP again
    ])
    result = angka_kredit(quarterly(year), output=tmp_path / "out", akumulasi=table)
    rows = {(p.row, p.code) for p in result.problems}
    assert rows == {(3, "ak.not_jf"), (4, "nip.scientific"), (5, "ak.awal_number"),
                    (6, "ak.awal_date"), (7, "ak.awal_unknown_nip"), (8, "ak.awal_duplicate")}
    dewi = by_nip(result)[FUNGSIONAL_NIP]
    assert dewi.progress.awal == Decimal("12.5")
    assert [p.code for p in dewi.problems] == ["ak.awal_after"]
    assert "TRIWULAN I 2025" in dewi.problems[0].message()
    assert "Akumulasi" in dewi.sheets
    assert by_nip(result)[MUDA_NIP].progress is None     # its row was refused


def test_a_table_without_the_needed_columns_says_which(year, tmp_path):
    table = write_csv(tmp_path / "awal.csv", ["NIP", "Nilai"], [[FUNGSIONAL_NIP, "10"]])
    result = angka_kredit([year["reports"][1][UNIT_KOTA]], output=tmp_path / "out",
                          akumulasi=table)
    assert sorted(p.message() for p in result.problems) == sorted([
        "Tabel AK awal awal.csv: kolom 'AK Awal' tidak ditemukan. Judul kolom yang dikenal: "
        "AK Awal, Angka Kredit Awal, AK, Angka Kredit, Jumlah Angka Kredit, AK Kumulatif.",
        "Tabel AK awal awal.csv: kolom 'Tanggal' tidak ditemukan. Judul kolom yang dikenal: "
        "Tanggal, Tanggal PAK, Tgl PAK, Tanggal Penetapan."])


def test_existing_papers_are_replaced_only_with_force(year, tmp_path):
    out = tmp_path / "out"
    inputs = [str(year["reports"][3][UNIT_KOTA])]
    first = CliRunner().invoke(cli, ["angka-kredit", *inputs, "-o", str(out)])
    assert first.exit_code == 1, first.output          # Bayu has no jenjang
    [written] = list(out.rglob("*.xlsx"))
    stamp = written.stat().st_mtime_ns
    again = CliRunner().invoke(cli, ["angka-kredit", *inputs, "-o", str(out)])
    assert again.exit_code == 2 and "--force" in again.output
    assert written.stat().st_mtime_ns == stamp
    forced = CliRunner().invoke(cli, ["angka-kredit", *inputs, "-o", str(out), "--force"])
    assert forced.exit_code == 1 and written.stat().st_mtime_ns != stamp


def test_returned_workbooks_give_the_report_s_figures(year, tmp_path):
    folder = year["base"] / "kembali" / "2025-Q3" / "kota"
    with pytest.raises(UsageError):
        angka_kredit([folder], output=tmp_path / "x")            # a folder needs the period
    result = angka_kredit([folder], output=tmp_path / "out", period="2025-Q3",
                          roster=year["roster"], jobs=1)
    [line] = by_nip(result)[FUNGSIONAL_NIP].ak.lines
    assert line.value == expected_lines(FUNGSIONAL_NIP, "Ahli Pertama")[2]
    assert line.source.startswith("kota")


def test_messages_in_english_papers_in_indonesian(year, tmp_path):
    run = CliRunner().invoke(cli, ["angka-kredit", str(year["reports"][2][UNIT_KOTA]),
                                   "-o", str(tmp_path / "out"), "--lang", "en"])
    assert run.exit_code == 1
    assert "2 employees in a jabatan fungsional, 1 workbook written" in run.output
    assert "has no valid predikat for QUARTER II 2025 (not submitted)" in run.output
    [path] = list((tmp_path / "out").rglob("*.xlsx"))
    assert "KONVERSI PREDIKAT KINERJA KE ANGKA KREDIT" in texts(path)["Konversi TW II 2025"]


# --- on paper -------------------------------------------------------------------------------

def words(pdf: Path, page: int) -> list[tuple[str, float]]:
    """(word, height in points) of one PDF page, from ``pdftotext -bbox``."""
    box = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    return [(w, float(y2) - float(y1)) for y1, y2, w in re.findall(
        r'yMin="([\d.]+)"[^>]*yMax="([\d.]+)">([^<]*)</word>', box)]


def test_papers_print_on_a4_one_page_per_sheet_legible_and_complete(papers, soffice, tmp_path):
    result, out = papers
    run = CliRunner().invoke(cli, ["export", "pdf", str(out), "-o", str(tmp_path / "pdf")])
    assert run.exit_code == 0, run.output
    pdfs = {p.stem: p for p in (tmp_path / "pdf").glob("*.pdf")}
    assert len(pdfs) == 2                                 # Dewi and Ratna; Bayu has none
    dewi = by_nip(result)[FUNGSIONAL_NIP]
    pdf = pdfs[Path(dewi.output).stem]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages == len(dewi.sheets) == 5
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)   # A4 portrait
    titles = ["KONVERSI PREDIKAT KINERJA KE ANGKA KREDIT"] * 3 + ["AKUMULASI ANGKA KREDIT",
                                                                 "PENETAPAN ANGKA KREDIT"]
    for page, title in enumerate(titles, start=1):
        text = subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page),
                               str(pdf), "-"], capture_output=True, text=True).stdout
        flat = " ".join(text.split())
        for needed in (title, f"Halaman {page} dari {pages}", FUNGSIONAL_NIP, INSTANSI,
                       UNIT_KOTA, "Ditetapkan di : Batu", "NIP."):
            assert needed in flat, (page, needed)
        assert ("Sri Rahayu, S.E." in flat) == (page < 5)   # the assessor signs 1-4
        assert "2025" in flat
        measured = words(pdf, page)
        # word boxes are about 1.07 x the font size; "Ditetapkan" is set in 10 pt
        scale = next(h for w, h in measured if w == "Ditetapkan") / 10
        smallest = min(h for w, h in measured if w.strip()) / scale
        assert smallest >= 7.95, (page, smallest)


def test_export_pdf_prints_the_forms_of_skp_workbooks_and_every_sheet_of_the_papers(
        year, papers, tmp_path):
    from skpxl.engines import FORM_SHEETS, default_sheets
    skp = next((year["base"] / "skp" / "2025-Q1").rglob("*.xlsx"))
    assert default_sheets(skp) == FORM_SHEETS
    result, _ = papers
    assert default_sheets(Path(by_nip(result)[FUNGSIONAL_NIP].output)) is None
    old = tmp_path / "lama.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0 not really a workbook")
    assert default_sheets(old) == FORM_SHEETS   # so .xls still asks for 'skpxl recalc'
