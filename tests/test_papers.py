"""Unit and province reports as papers: printed by LibreOffice to PDF and read back page by
page (page counts, the smallest font on each page, the texts that must be there).

Two quarters: the demo's first three units of the Bawaslu Jawa Timur samples (a unit of 25
staff with plans, the sample agency profile), and a made-up agency of 39 units that has
nothing to do with Bawaslu (no profile), for the province summary of a full province.
"""

from __future__ import annotations

import random
import re
import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from conftest import write_csv
from pdfpages import page_texts, smallest_fonts

from skpxl.demo import run_demo
from skpxl.domain import DI_ATAS, DI_BAWAH, SESUAI
from skpxl.engines import get_engine
from skpxl.generate import generate
from skpxl.merge import merge
from skpxl.simulate import fill_workbook

pytestmark = pytest.mark.libreoffice

PERIOD = "2025-Q3"
BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
         "September", "Oktober", "November", "Desember")
PROVINCE_HEAD = ("Adi Tri Setiawan, S.H., M.H.", "197409282001011001")  # samples/ roster
SUMMARY_SHEETS = ("Ringkasan Provinsi", "Rekap Unit", "Grafik")
A4_PORTRAIT, A4_LANDSCAPE = (595, 842), (842, 595)


def today() -> str:
    day = date.today()
    return f"{day.day} {BULAN[day.month - 1]} {day.year}"


def pdf_of(workbook: Path, outdir: Path, sheets=None) -> Path:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is needed to read PDFs back")
    (pdf,) = get_engine("libreoffice").to_pdf([workbook], outdir, sheets=sheets, force=True)
    return pdf


def page_sizes(pdf: Path) -> list[tuple[int, int]]:
    import subprocess
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "9999", str(pdf)], capture_output=True,
                          text=True, check=True, timeout=60).stdout
    return [(round(float(w)), round(float(h)))
            for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]


def check_every_page(pdf: Path, *, scope: str, minimum: float = 7.0) -> list[str]:
    """Every page says what it is (agency, unit or province, period with year), counts
    ``Halaman N dari M``, is not blank, and prints no text under ``minimum`` points."""
    texts, fonts = page_texts(pdf), smallest_fonts(pdf)
    total = len(texts)
    for number, (text, font) in enumerate(zip(texts, fonts), start=1):
        flat = " ".join(text.split())
        assert f"Halaman {number} dari {total}" in flat, (pdf.name, number)
        assert scope in flat and "2025" in flat, (pdf.name, number)
        assert len(flat) > 120, (pdf.name, number, "an empty page")
        assert font >= minimum, (pdf.name, number, font)
    return texts


def nothing_technical(texts: list[str]) -> None:
    """No hash, no ISO timestamp, no number in the English format on paper."""
    text = "\n".join(texts)
    assert not re.search(r"\b[0-9a-f]{64}\b", text)
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d", text)
    assert not re.search(r"\d\.\d+\s?%", text)       # 81,8% and never 81.8%


# --- the demo quarter: Bawaslu Jawa Timur samples, the sample profile ---------------------

@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    directory = tmp_path_factory.mktemp("papers") / "demo"
    result = run_demo(directory, units=3, jobs=2)
    assert not result.unit_failures and result.province_report
    return directory / "4-rekap"


def test_the_unit_report_opens_on_a_signing_page(soffice, demo, tmp_path):
    report = demo / "sekretariat-bawaslu-provinsi-jawa-timur.xlsx"
    pdf = pdf_of(report, tmp_path, sheets=["Ringkasan"])
    assert page_sizes(pdf) == [A4_PORTRAIT]          # one page, at most two allowed
    (text,) = check_every_page(pdf, scope="Sekretariat Bawaslu Provinsi Jawa Timur",
                               minimum=8.0)
    flat = " ".join(text.split())
    for words in ("REKAPITULASI SASARAN KINERJA PEGAWAI TINGKAT UNIT KERJA",
                  "SEKRETARIAT BAWASLU PROVINSI JAWA TIMUR", "BADAN PENGAWAS PEMILIHAN UMUM",
                  "PERIODE TRIWULAN III 2025 (1 Juli – 30 September 2025)",
                  "A. Ringkasan", "B. Predikat kinerja pegawai", "C. Kurva distribusi",
                  f"Surabaya, {today()}", "Kepala Sekretariat Bawaslu Provinsi Jawa Timur",
                  PROVINCE_HEAD[0], f"NIP. {PROVINCE_HEAD[1]}", " pukul "):
        assert words in flat, words
    assert re.search(r"(sesuai|TIDAK SESUAI) kurva distribusi", flat)
    nothing_technical([text])


def test_the_unit_tables_print_landscape_at_7_pt(soffice, demo, tmp_path):
    report = demo / "sekretariat-bawaslu-provinsi-jawa-timur.xlsx"
    pdf = pdf_of(report, tmp_path)
    sizes = page_sizes(pdf)
    assert sizes[0] == A4_PORTRAIT and set(sizes[1:]) == {A4_LANDSCAPE}
    texts = check_every_page(pdf, scope="Sekretariat Bawaslu Provinsi Jawa Timur")
    nothing_technical(texts)
    footers = [text.strip().splitlines()[-1] for text in texts]
    for sheet in ("Rekap Pegawai", "Hasil Kerja", "Perilaku"):
        assert any(line.startswith(sheet) for line in footers), sheet
    assert not any(line.startswith("Berkas") for line in footers)    # never printed
    rekap = next(t for t in texts if t.strip().splitlines()[-1].startswith("Rekap Pegawai"))
    assert "Nama Penilai" in rekap and "NIP Penilai" not in rekap     # hidden, not printed
    # every wrapped line is printed: no row is too short for its text
    printed = set(" ".join(texts).split())
    ws = openpyxl.load_workbook(report, read_only=True)["Hasil Kerja"]
    rows = list(ws.iter_rows(values_only=True))
    wrapped = [rows[0].index(h) for h in ("RHK Pimpinan yang Diintervensi",
                                          "Rencana Hasil Kerja", "Indikator Kinerja Individu",
                                          "Target", "Realisasi", "Umpan Balik")]
    words = {w for row in rows[1:] for i in wrapped if isinstance(row[i], str)
             for w in row[i].split()}
    assert len(words) > 100 and not words - printed, sorted(words - printed)[:10]


def test_the_province_report_of_the_samples(soffice, demo, tmp_path):
    pdf = pdf_of(demo / "provinsi-jawa-timur.xlsx", tmp_path, sheets=list(SUMMARY_SHEETS))
    texts = check_every_page(pdf, scope="Provinsi Jawa Timur")
    assert len(texts) == 3
    flat = " ".join(texts[0].split())
    for words in ("REKAPITULASI SASARAN KINERJA PEGAWAI TINGKAT PROVINSI",
                  "PROVINSI JAWA TIMUR", "BADAN PENGAWAS PEMILIHAN UMUM",
                  "3 (3 ada laporan, 0 ditolak, 0 belum ada)", f"Surabaya, {today()}",
                  PROVINCE_HEAD[0], f"NIP. {PROVINCE_HEAD[1]}"):
        assert words in flat, words
    assert smallest_fonts(pdf)[0] >= 8.0


# --- a made-up agency of 39 units ----------------------------------------------------------

AGENCY = "Dinas Kearsipan Contoh"
TOP = "Kantor Kearsipan Daerah Provinsi Sulawesi Tengah"    # names as long as Jawa Timur's
UNITS = [TOP] + [f"Kantor Kearsipan Daerah Kabupaten Contoh {n:02d}" for n in range(1, 39)]
HEADER = ["NIP", "Nama", "Status ASN", "Pangkat/Gol", "Jabatan", "Jenis Jabatan", "Jenjang",
          "Unit Kerja", "Instansi", "NIP Penilai", "Pendekatan", "Tempat"]


def nip(i: int) -> str:
    """A well-formed PNS NIP: born 1970-1989, TMT CPNS 22 years later, unique sequence."""
    year = 1970 + i % 20
    return f"{year}{1 + i % 12:02d}{1 + i % 28:02d}{year + 22}{1 + i % 12:02d}1{i:03d}"


@pytest.fixture(scope="module")
def province39(tmp_path_factory):
    """Two employees per unit; every head assessed by the head of the first unit."""
    base = tmp_path_factory.mktemp("agency")
    rows, top = [], nip(0)
    for index, unit in enumerate(UNITS):
        head, staff = nip(2 * index), nip(2 * index + 1)
        rows.append([head, f"Kepala Unit {index:02d}, S.E.", "PNS", "Pembina (IV/a)",
                     f"Kepala {unit}", "Administrator", "", unit, AGENCY,
                     "" if index == 0 else top, "kuantitatif", "Palu" if index == 0 else ""])
        rows.append([staff, f"Staf Unit {index:02d}", "PNS", "Penata (III/c)", "Arsiparis",
                     "Pelaksana", "", unit, AGENCY, head, "kuantitatif", ""])
    roster = write_csv(base / "pegawai.csv", HEADER, rows)
    made = generate(roster, PERIOD, base / "skp", jobs=2)
    rng = random.Random(16)
    for number, record in enumerate(made.files):
        if number % 9 == 8:
            continue                                        # never returned
        ratings = rng.choice([(SESUAI, SESUAI), (DI_ATAS, SESUAI), (DI_BAWAH, SESUAI),
                              (DI_ATAS, DI_ATAS)])
        fill_workbook(Path(record.path), base / "kembali" / Path(record.path).parent.name
                      / Path(record.path).name, rng=rng, ratings=ratings)
    output = base / "provinsi.xlsx"
    folders = sorted((base / "kembali").iterdir())
    result = merge(folders, period=PERIOD, roster=roster, org_predikat="Baik",
                   level="province", output=output, jobs=2)
    assert len(result.units) == 39
    return output


def test_a_province_of_39_units_sums_up_on_three_pages(soffice, province39, tmp_path):
    pdf = pdf_of(province39, tmp_path, sheets=list(SUMMARY_SHEETS))
    texts = check_every_page(pdf, scope="Provinsi Sulawesi Tengah")
    assert len(texts) == 3 and page_sizes(pdf) == [A4_PORTRAIT, A4_LANDSCAPE, A4_PORTRAIT]
    assert smallest_fonts(pdf)[0] >= 8.0
    first = " ".join(texts[0].split())
    for words in ("TINGKAT PROVINSI", "PROVINSI SULAWESI TENGAH", AGENCY.upper(),
                  "39 (39 ada laporan, 0 ditolak, 0 belum ada)", f"Palu, {today()}",
                  f"Kepala {TOP}", "Kepala Unit 00, S.E.", f"NIP. {nip(0)}"):
        assert words in first, words
    assert "Bawaslu" not in "\n".join(texts)                 # nothing built in
    table = " ".join(texts[1].split())
    assert all(unit in table for unit in UNITS) and "Jumlah" in table
    charts = " ".join(texts[2].split())                     # every unit named, twice
    for unit in UNITS:
        label = unit.removeprefix("Kantor Kearsipan Daerah ")
        assert charts.count(label) >= 2, label
    nothing_technical(texts)


def test_the_whole_province_report_prints_at_7_pt(soffice, province39, tmp_path):
    pdf = pdf_of(province39, tmp_path)
    texts = check_every_page(pdf, scope="Provinsi Sulawesi Tengah")
    nothing_technical(texts)
    footers = [text.strip().splitlines()[-1] for text in texts]
    assert [f.split()[0] for f in footers[:3]] == ["Ringkasan", "Rekap", "Grafik"]
    assert any(f.startswith("Sumber") for f in footers)


def test_without_a_roster_the_signature_is_dotted_lines(tmp_path, province39):
    """No roster, no profile: nobody is known to head the unit, so the paper has lines to
    write the place, position, name and NIP on."""
    folder = province39.parent / "kembali" / "kantor-kearsipan-daerah-provinsi-sulawesi-tengah"
    merge([folder], period=PERIOD, output=tmp_path / "unit.xlsx")   # its name says no place
    ws = openpyxl.load_workbook(tmp_path / "unit.xlsx")["Ringkasan"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    dotted = [t for t in texts if "...................." in t]
    assert any(t.startswith("NIP. ....") for t in dotted)
    assert any(t.endswith(today()) for t in dotted)          # place unknown, date known
    assert len(dotted) >= 4
