"""The forms as papers: generated workbooks printed by LibreOffice, read back from the PDF.

Every template is generated for an employee with 3 RHK x 3 IKI and no tambahan, and without
a plan (a blank form), then rendered to PDF. The PDF must show what a signed personnel-file
copy needs: the agreed page counts, legible type on every page, the agency, unit, period
with its year and dates and "Halaman N dari M" on every page, the employee's name and NIP
on continuation pages, and the signature block; no page of empty capacity rows, no block
split by a page break, no hasil kerja headings over the perilaku table. A row that staff
unhide and fill (in LibreOffice through its UNO API, and with openpyxl) is read like any
other row.

Expected values come from the roster and plan written here and from PermenPANRB 6/2022's
form; cells are found through the template (defined names), never by coordinates.
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from skpxl import domain
from skpxl.extract import extract
from skpxl.generate import generate
from skpxl.manifest import load_template
from skpxl.validate import validate_file

from conftest import libreoffice_missing, run_lo_fill, write_csv

PERIOD = "2025-Q3"
HEADING = "TRIWULAN III 2025 · 1 Juli – 30 September 2025"   # period, year and dates
SIGNED = "30 September 2025"                                  # the period's last day
INSTANSI = "Badan Pengawas Pemilihan Umum"
UNIT = "Sekretariat Bawaslu Kabupaten Blitar"
UNIT_JPT = "Sekretariat Bawaslu Kota Batu"

ROSTER = ["NIP", "Nama", "Status ASN", "Pangkat/Gol", "Jabatan", "Jenis Jabatan", "Jenjang",
          "Unit Kerja", "Instansi", "NIP Penilai", "Pendekatan", "Tempat"]
HEAD = ["197805122003121002", "Dr. Hendra Wijaya, S.H., M.H.", "PNS", "Pembina Tk. I (IV/b)",
        "Kepala Sekretariat Bawaslu Kabupaten Blitar", "JPT", "", UNIT, INSTANSI, "",
        "kuantitatif", "Blitar"]
KUANT = ["198203072006042001", "Sri Rahayu, S.E.", "PNS", "Penata Tk. I (III/d)",
         "Kepala Subbagian Perencanaan dan Data", "Pengawas", "", UNIT, INSTANSI, HEAD[0],
         "kuantitatif", "Blitar"]
KUAL = ["199001152015031003", "Agus Setiawan", "PNS", "Pengatur (II/c)",
        "Pengadministrasi Perkantoran", "Pelaksana", "", UNIT, INSTANSI, HEAD[0], "kualitatif",
        "Blitar"]
HEAD_KUAL = ["197011232000031001", "Ir. Bambang Susilo, M.Si.", "PNS",
             "Pembina Utama Muda (IV/c)", "Kepala Sekretariat Bawaslu Kota Batu", "JPT", "",
             UNIT_JPT, INSTANSI, "", "kualitatif", "Batu"]
STAFF = {"ja-jf-kuantitatif": KUANT, "ja-jf-kualitatif": KUAL, "jpt-kuantitatif": HEAD,
         "jpt-kualitatif": HEAD_KUAL}

#: three RHK of three IKI each: (RHK, [(aspek, IKI, target, satuan, target kualitatif)])
RHK = [
    ("Tersusunnya dokumen perencanaan program dan anggaran satuan kerja", [
        ("Kuantitas", "Jumlah dokumen perencanaan dan anggaran yang disusun", 6, "dokumen",
         "Dokumen perencanaan tersusun lengkap"),
        ("Kualitas", "Persentase dokumen yang diterima pimpinan tanpa revisi", 95, "%",
         "Dokumen diterima pimpinan tanpa revisi"),
        ("Waktu", "Ketepatan waktu penyelesaian dokumen perencanaan", 12, "bulan",
         "Dokumen selesai sesuai jadwal")]),
    ("Tersusunnya laporan kinerja dan evaluasi SAKIP satuan kerja", [
        ("Kuantitas", "Jumlah laporan kinerja yang disusun", 5, "laporan",
         "Laporan kinerja tersusun lengkap"),
        ("Kualitas", "Tingkat akurasi laporan kinerja", 95, "%",
         "Laporan kinerja akurat dan sesuai data"),
        ("Waktu", "Ketepatan waktu penyampaian laporan kinerja", 12, "bulan",
         "Laporan disampaikan tepat waktu")]),
    ("Terkelolanya data dan sistem informasi sekretariat", [
        ("Kuantitas", "Jumlah aplikasi dan basis data yang dikelola", 4, "aplikasi",
         "Aplikasi dan basis data terkelola"),
        ("Kualitas", "Persentase aplikasi yang berjalan tanpa gangguan", 100, "%",
         "Aplikasi berjalan tanpa gangguan"),
        ("Waktu", "Persentase pemutakhiran data yang tepat jadwal", 100, "%",
         "Data dimutakhirkan tepat jadwal")]),
]
PERSPEKTIF = ["Perspektif Penerima Layanan", "Perspektif Proses Bisnis",
              "Perspektif Penguatan Internal"]

TITLES = {"SKP": "SASARAN KINERJA PEGAWAI", "Lampiran SKP": "LAMPIRAN SASARAN KINERJA PEGAWAI",
          "Evaluasi": "EVALUASI KINERJA PEGAWAI",
          "Dokumen Evaluasi": "DOKUMEN EVALUASI KINERJA PEGAWAI"}
#: at most this many pages per paper, for 3 RHK x 3 IKI and for a blank form (issue 16)
MAX_PAGES = {"SKP": 2, "Lampiran SKP": 1, "Evaluasi": 2, "Dokumen Evaluasi": 1}
SMALLEST_PT = 7.0     # no text on a form prints smaller
BODY_PT = 8.0         # the bulk of it (median) prints at least this size


def plan_rows() -> list[list]:
    rows = []
    for template_id, person in STAFF.items():
        kual = template_id.endswith("kualitatif")
        jpt = template_id.startswith("jpt")
        for b, (rhk, ikis) in enumerate(RHK):
            for i, (aspek, iki, target, satuan, narrative) in enumerate(ikis):
                rows.append([person[0], "Utama", rhk, "", "" if jpt else aspek, iki,
                             narrative if kual else target, "" if kual else satuan,
                             PERSPEKTIF[i] if jpt else ""])
    return rows


@pytest.fixture(scope="module")
def forms(tmp_path_factory) -> dict:
    """Workbooks for the four templates, with the 3 x 3 plan and blank."""
    base = tmp_path_factory.mktemp("forms")
    roster = write_csv(base / "pegawai.csv", ROSTER, list(STAFF.values()))
    plans = write_csv(base / "rencana.csv", ["NIP", "Jenis", "RHK", "RHK Pimpinan", "Aspek",
                                             "IKI", "Target", "Satuan", "Perspektif"],
                      plan_rows())
    with_plan = generate(roster, PERIOD, base / "rencana", plans=plans, jobs=1)
    blank = generate(roster, PERIOD, base / "kosong", jobs=1)
    assert with_plan.ok and blank.ok
    out = {}
    for kind, result in (("plan", with_plan), ("blank", blank)):
        for record in result.files:
            out[(record.template, kind)] = Path(record.path)
    assert set(out) == {(t, k) for t in STAFF for k in ("plan", "blank")}
    return out


@dataclass
class Page:
    number: int
    text: str              # pdftotext -layout
    words: list[tuple[float, float, float, str]]   # (yMin, yMax, height, word)
    height: float
    paper: str = ""


def read_pdf(pdf: Path) -> list[Page]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    count = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    pages = []
    for n in range(1, count + 1):
        args = ["-f", str(n), "-l", str(n)]
        text = subprocess.run(["pdftotext", "-layout", *args, str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        box = subprocess.run(["pdftotext", "-bbox", *args, str(pdf), "-"],
                             capture_output=True, text=True, check=True).stdout
        size = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', box)
        words = [(float(y1), float(y2), float(y2) - float(y1), word) for y1, y2, word in
                 re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" '
                            r'yMax="([\d.]+)">([^<]*)</word>', box)]
        pages.append(Page(n, text, words, float(size.group(2))))
    paper = ""
    for page in pages:   # a paper starts at its title; later pages name it in the footer
        for sheet, title in TITLES.items():
            if re.search(rf"^\s*{title}\s*$", page.text, re.M):
                paper = sheet
        page.paper = paper
    return pages


@pytest.fixture(scope="module")
def printed_with_files(forms, convert, tmp_path_factory) -> dict:
    """Every workbook of ``forms`` printed to PDF by LibreOffice: (pages read back, PDF)."""
    if shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None:
        libreoffice_missing("poppler-utils (pdftotext, pdfinfo) are not installed")
    folder = tmp_path_factory.mktemp("pdf")
    keys = list(forms)
    copies = []   # one name per case: a plan and a blank workbook share the employee's name
    for template_id, kind in keys:
        copies.append(folder / f"{template_id}-{kind}.xlsx")
        shutil.copyfile(forms[(template_id, kind)], copies[-1])
    pdfs = convert(copies, "pdf", folder)
    return {key: (read_pdf(pdf), pdf) for key, pdf in zip(keys, pdfs)}


@pytest.fixture(scope="module")
def printed(printed_with_files) -> dict:
    """Every workbook of ``forms`` printed to PDF by LibreOffice, read back page by page."""
    return {key: pages for key, (pages, _) in printed_with_files.items()}


@pytest.fixture(scope="module")
def printed_pdfs(printed_with_files) -> dict:
    return {key: pdf for key, (_, pdf) in printed_with_files.items()}


CASES = [(t, k) for t in STAFF for k in ("plan", "blank")]


def header_size(template_id: str) -> float:
    """The font size the template's page header asks for (it does not scale with the sheet)."""
    ws = openpyxl.load_workbook(load_template(template_id).path)["SKP"]
    assert ws.HeaderFooter.scaleWithDoc is False
    return float(ws.oddHeader.left.size)


@pytest.mark.libreoffice
@pytest.mark.parametrize("template_id,kind", CASES)
def test_page_counts_and_legible_type(printed, template_id, kind):
    pages = printed[(template_id, kind)]
    counts = {sheet: sum(p.paper == sheet for p in pages) for sheet in TITLES}
    assert all(p.paper for p in pages), "a page before the first form's title"
    for sheet, limit in MAX_PAGES.items():
        assert 1 <= counts[sheet] <= limit, (sheet, counts)
    assert len(pages) == sum(counts.values())
    # word boxes are proportional to the type size: the header's known size calibrates them
    size = header_size(template_id)
    header = [h for y1, _, h, _ in p_words(pages) if y1 < 36]
    scale = statistics.median(header) / size
    for page in pages:
        heights = [h for _, _, h, _ in page.words]
        assert min(heights) / scale >= SMALLEST_PT, (page.number, min(heights) / scale)
        assert statistics.median(heights) / scale >= BODY_PT, page.number


def p_words(pages: list[Page]):
    for page in pages:
        yield from page.words


@pytest.mark.libreoffice
@pytest.mark.parametrize("template_id,kind", CASES)
def test_every_page_says_what_it_is(printed, template_id, kind):
    person = STAFF[template_id]
    unit = person[ROSTER.index("Unit Kerja")]
    pages = printed[(template_id, kind)]
    first = {}
    for page in pages:
        flat = " ".join(page.text.split())
        assert INSTANSI.upper() in flat and unit in flat, page.number
        assert HEADING in flat, page.number
        assert f"Halaman {page.number} dari {len(pages)}" in flat, page.number
        body = [w for y1, y2, _, w in page.words if 36 < y1 and y2 < page.height - 36]
        assert len(body) >= 20, f"page {page.number} is (nearly) empty"
        if page.paper in first:   # a continuation page: whose paper is it?
            assert f"{person[1]} · NIP {person[0]}" in flat, page.number
        first.setdefault(page.paper, page)
        assert "PETUNJUK PENGISIAN" not in flat
    for sheet, title in TITLES.items():
        assert title in " ".join(first[sheet].text.split())
        last = [p for p in pages if p.paper == sheet][-1]
        flat = " ".join(last.text.split())
        tempat = person[ROSTER.index("Tempat")]
        assert "Pegawai yang Dinilai" in flat and f"NIP. {person[0]}" in flat, sheet
        assert re.search(rf"{tempat},\s+{SIGNED}", flat), sheet
    evaluasi = " ".join(first["Evaluasi"].text.split())
    assert f"PERIODE: {HEADING}" in evaluasi and INSTANSI.upper() in evaluasi
    dokumen = " ".join(first["Dokumen Evaluasi"].text.split())
    assert f"PERIODE: {HEADING}" in dokumen and INSTANSI.upper() in dokumen


@pytest.mark.libreoffice
@pytest.mark.parametrize("template_id,kind", CASES)
def test_page_breaks_are_the_forms_own(forms, printed, template_id, kind):
    """LibreOffice breaks pages exactly where the workbook says (no break of its own), a
    break never falls inside a hasil kerja block nor between a table's headings and its
    first row, and the hasil kerja headings print once, above the hasil kerja."""
    template = load_template(template_id)
    book = openpyxl.load_workbook(forms[(template_id, kind)])
    pages = printed[(template_id, kind)]
    for sheet in TITLES:
        ws = book[sheet]
        breaks = [brk.id for brk in ws.row_breaks.brk]
        assert sum(p.paper == sheet for p in pages) == len(breaks) + 1, sheet
        for group_id in ("hk_utama", "hk_tambahan"):
            group = template.groups[group_id]
            rows = block_rows(template, sheet, group_id)
            for block in rows:
                shown = [r for r in block if not ws.row_dimensions[r].hidden]
                assert not any(shown[0] <= brk < shown[-1] for brk in breaks if shown), \
                    (sheet, block)
            if rows and group_id == "hk_utama":   # the headings stay with the first block
                first_shown = next(r for block in rows for r in block
                                   if not ws.row_dimensions[r].hidden)
                assert first_shown - 1 not in breaks and first_shown - 2 not in breaks
            assert len(rows) in (0, group.blocks)
    skp = [p for p in pages if p.paper == "SKP"]
    headed = [p for p in skp if "INDIKATOR KINERJA INDIVIDU" in p.text or
              "UKURAN KEBERHASILAN" in p.text]
    assert len(headed) == 1 and "A. UTAMA" in headed[0].text
    perilaku = next(p for p in skp if "Berorientasi Pelayanan" in p.text)
    if perilaku is not headed[0]:
        assert "INDIKATOR KINERJA" not in perilaku.text and "(1)" not in perilaku.text


def block_rows(template, sheet: str, group_id: str) -> list[list[int]]:
    """The rows of each block of a group on a sheet, from the group's fields there."""
    group = template.groups[group_id]
    fld = next((f for f in list(template.fields) + list(template.mirrors)
                if f.sheet == sheet and f.group == group_id and f.level == "block"), None)
    return [[inst.row + i for i in range(group.rows_per_block)]
            for inst in (template.instances(fld) if fld else [])]


@pytest.mark.parametrize("template_id", list(STAFF))
def test_forms_show_the_rows_the_plan_fills(forms, template_id):
    """3 RHK x 3 IKI: three blocks of three rows show; the rest of the capacity is hidden on
    the SKP and the Evaluasi alike. A blank form shows three whole blocks to fill."""
    template = load_template(template_id)
    for kind, visible in (("plan", {b: 3 for b in range(3)}),
                          ("blank", {b: 4 for b in range(3)})):
        book = openpyxl.load_workbook(forms[(template_id, kind)])
        for sheet in ("SKP", "Evaluasi"):
            ws = book[sheet]
            shown = {b: sum(not ws.row_dimensions[r].hidden for r in rows)
                     for b, rows in enumerate(block_rows(template, sheet, "hk_utama"))}
            assert {b: n for b, n in shown.items() if n} == visible, (kind, sheet)
            tambahan = block_rows(template, sheet, "hk_tambahan")
            assert all(ws.row_dimensions[r].hidden for rows in tambahan for r in rows)


# --- staff add an RHK in rows they unhide ------------------------------------------------

ADDED = ("Terlaksananya pengelolaan arsip dinamis satuan kerja",
         "Kuantitas", "Jumlah berkas arsip yang ditata", 120, "berkas")
EXTRA_IKI = ("Biaya", "Persentase penyerapan anggaran kegiatan perencanaan", 90, "%")


def inst(template, name: str, block: int, item: int | None = None):
    fld = template.field(name)
    return next(i for i in template.instances(fld) if i.block == block and i.item == item)


def staff_fill_openpyxl(path: Path, target: Path) -> None:
    """What a staff member does in Excel: unhide the next block and a 4th IKI row on the SKP
    and the Evaluasi, type a fourth RHK and IKI, then the evaluation is filled."""
    template = load_template("ja-jf-kuantitatif")
    book = openpyxl.load_workbook(path)
    cells = [inst(template, "hku_rhk", 3)] + \
        [inst(template, n, 3, 0) for n in ("hku_aspek", "hku_indikator", "hku_target",
                                           "hku_satuan", "eku_realisasi")] + \
        [inst(template, n, 0, 3) for n in ("hku_aspek", "hku_indikator", "hku_target",
                                           "hku_satuan", "eku_realisasi")]
    for sheet, row in {(cell.sheet, cell.row) for cell in cells}:
        dims = book[sheet].row_dimensions[row]
        assert dims.hidden, f"{sheet} row {row} should start hidden"
        dims.hidden = False
    skp, evaluasi = template.field("hku_rhk").sheet, template.field("eku_realisasi").sheet
    values = [ADDED[0], *ADDED[1:], ADDED[3], *EXTRA_IKI, EXTRA_IKI[2]]
    for cell, value in zip(cells, values):
        book[cell.sheet][cell.cell] = value
    for block in range(3):
        for item in range(3):
            book[evaluasi][inst(template, "eku_realisasi", block, item).cell] = 10
    # the predikat keeps its formula: openpyxl stores no computed result, so validate warns
    # that the file was saved by a program that does not calculate (Excel would store it)
    for name, value in (("rating_hasil_kerja", domain.SESUAI), ("rating_perilaku", domain.SESUAI)):
        fld = template.field(name)
        book[fld.sheet][fld.cell] = value
    assert skp != evaluasi
    book.save(target)


def check_added(path: Path) -> None:
    report = validate_file(path, period=PERIOD)
    assert report.valid, [(p.code, p.cell, p.message()) for p in report.issues]
    assert not [p for p in report.issues if p.code.startswith(("structure.", "template."))]
    utama = extract(path).document["hasil_kerja"]["utama"]
    assert [item["rhk"] for item in utama] == [r for r, _ in RHK] + [ADDED[0]]
    aspek, indikator, target, satuan = ADDED[1:]
    assert utama[3]["iki"] == [{"aspek": aspek, "indikator": indikator, "target": target,
                                "satuan": satuan, "realisasi": target}]
    aspek, indikator, target, satuan = EXTRA_IKI
    assert utama[0]["iki"][3] == {"aspek": aspek, "indikator": indikator, "target": target,
                                  "satuan": satuan, "realisasi": target}


def test_rows_unhidden_and_filled_in_excel_are_read(forms, tmp_path):
    target = tmp_path / "diisi.xlsx"
    staff_fill_openpyxl(forms[("ja-jf-kuantitatif", "plan")], target)
    check_added(target)


def lo_ops() -> tuple[list[dict], list[dict], list[dict]]:
    """(unhide and fill in LibreOffice; unhide with its Format > Rows > Show command; the
    same on the protected sheet)."""
    template = load_template("ja-jf-kuantitatif")

    def at(name, block, item=None, **op):
        fld = template.field(name)
        cell = inst(template, name, block, item)
        return {"name": name, "index": cell.row - fld.row, **op}

    show = [{"op": "unprotect", "sheet": "SKP"},
            at("hku_rhk", 3, op="show_rows", count=4),
            at("hku_aspek", 0, 3, op="show_rows", count=1),
            {"op": "unprotect", "sheet": "Evaluasi"},
            at("eku_realisasi", 3, 0, op="show_rows", count=4),
            at("eku_realisasi", 0, 3, op="show_rows", count=1)]
    aspek, indikator, target, satuan = ADDED[1:]
    fill = [at("hku_rhk", 3, op="type", value=ADDED[0]),
            at("hku_aspek", 3, 0, op="pick", value=aspek),
            at("hku_indikator", 3, 0, op="type", value=indikator),
            at("hku_target", 3, 0, op="type", value=target),
            at("hku_satuan", 3, 0, op="type", value=satuan),
            at("eku_realisasi", 3, 0, op="type", value=target)]
    aspek, indikator, target, satuan = EXTRA_IKI
    fill += [at("hku_aspek", 0, 3, op="pick", value=aspek),
             at("hku_indikator", 0, 3, op="type", value=indikator),
             at("hku_target", 0, 3, op="type", value=target),
             at("hku_satuan", 0, 3, op="type", value=satuan),
             at("eku_realisasi", 0, 3, op="type", value=target)]
    fill += [at("eku_realisasi", b, i, op="type", value=10) for b in range(3) for i in range(3)]
    fill += [{"op": "pick", "name": "rating_hasil_kerja", "value": domain.SESUAI},
             {"op": "pick", "name": "rating_perilaku", "value": domain.SESUAI}]
    ui = [{"op": "unprotect", "sheet": "SKP"}, at("hku_rhk", 3, op="show_rows", count=4,
                                                 via="ui")]
    locked = [at("hku_rhk", 3, op="show_rows", count=4, via="ui")]
    return show + fill, ui, locked


@pytest.mark.libreoffice
def test_rows_unhidden_and_filled_in_libreoffice_are_read_and_print(
        forms, uno_python, soffice, convert, tmp_path):
    """In LibreOffice a protected sheet refuses to show rows (the reason Petunjuk tells LO
    users to unprotect first); unprotected, the rows show, take the new RHK, and the file
    validates, reads back and prints the new block."""
    source = forms[("ja-jf-kuantitatif", "plan")]
    ops, ui, locked = lo_ops()
    target = tmp_path / "diisi-lo.xlsx"
    results = run_lo_fill(uno_python, soffice, [
        {"source": str(source), "ops": ops,
         "save": [{"path": str(target), "filter": "Calc MS Excel 2007 XML"}]},
        {"source": str(source), "ops": ui}, {"source": str(source), "ops": locked}],
        tmp_path, check=False)
    assert results[0]["ok"] and results[1]["ok"], results[:2]
    assert not results[2]["ok"] and "protected" in results[2]["error"], results[2]
    check_added(target)
    [pdf] = convert(target, "pdf", tmp_path / "pdf")
    pages = read_pdf(pdf)
    skp = " ".join(" ".join(p.text for p in pages if p.paper == "SKP").split())
    assert "arsip dinamis" in skp and "120 berkas" in skp


# --- the print layout rules, on sheets small enough to work out by hand -------------------

def ten_point_rows(last: int, capacity: float, keeps=(), blocks=()) -> "SheetPaper":
    from skpxl.paper import SheetPaper
    paper = SheetPaper(1, last, capacity, {r: 10.0 for r in range(1, last + 1)}, 10.0)
    for number, rows in enumerate(blocks):
        for row in rows:
            paper.block_of[row] = ("g", number)
    paper.keeps = list(keeps)
    return paper


def test_a_block_and_the_signature_glued_to_it_move_to_the_next_page_together():
    # rows 1-2 title (with next), 3-5 and 6-8 two blocks, 9-12 signature (with previous);
    # seven rows fit a page: the second block goes over with the signature
    paper = ten_point_rows(12, 70, keeps=[(1, 2, ("next",), False),
                                          (9, 12, ("previous",), False)],
                           blocks=[range(3, 6), range(6, 9)])
    assert paper.breaks(set(), {}) == [5]
    # a block too tall to share a page with the signature: each stays whole on its own
    assert paper.breaks(set(), {7: 40.0}) == [5, 8]
    assert ten_point_rows(12, 200).breaks(set(), {}) == []  # it all fits: no break at all


def test_a_table_kept_whole_when_it_fits_a_page_else_broken_between_rows():
    soft = [(3, 9, (), True)]   # rows 3-9: a table best kept whole
    assert ten_point_rows(12, 80, keeps=soft).breaks(set(), {}) == [2, 10]
    assert ten_point_rows(12, 50, keeps=soft).breaks(set(), {}) == [5, 10]


def test_hidden_rows_take_no_room_and_a_break_skips_them():
    assert ten_point_rows(12, 80).breaks({4, 5, 7, 8}, {}) == []   # 8 rows of 10 points
    paper = ten_point_rows(12, 50, blocks=[range(3, 6), range(6, 9)])
    # page 1: rows 1-3 and 6-7 would fit, but 6-8 is a block: it starts page 2 (after
    # hidden row 5); page 2: rows 6-10
    assert paper.breaks({4, 5}, {}) == [5, 10]


def test_collapsible_groups_show_what_is_filled_or_the_blank_blocks():
    from skpxl.paper import SheetPaper
    paper = SheetPaper(1, 30, None, {}, 15.0)
    paper.collapsible = [("g", 10, 4, 3, 2)]             # rows 10-21: 3 blocks of 4
    assert paper.hidden_rows({}) == set(range(18, 22))   # blank: blocks 1 and 2 show whole
    assert paper.hidden_rows({"g": {0: 2}}) == {12, 13} | set(range(14, 22))
    assert paper.hidden_rows({"g": {2: 4}}) == set(range(10, 18))


def test_page_texts_double_ampersands_and_keep_within_excel_limit():
    from skpxl.paper import fill_text
    text = "&L&8{instansi}&R&8{periode_judul} Halaman &P dari &N"
    assert fill_text(text, {"instansi": "A & B", "periode_judul": "X"}) == \
        "&L&8A && B&R&8X Halaman &P dari &N"
    long = fill_text(text, {"instansi": "I" * 300, "periode_judul": "P" * 100})
    assert len(long) <= 255 and long.endswith("Halaman &P dari &N") and "P" * 100 in long


def test_no_space_prints_between_a_font_size_code_and_its_text():
    """openpyxl writes ``&8 {instansi}``; Excel and LibreOffice print that space before the
    text. It goes, except before a value that starts with a digit (``&8 2025`` must not be
    read as the size 82025)."""
    from skpxl.paper import fill_text
    text = '&L&"Arial,Regular"&8 {instansi}&R&8 {periode_judul}&C&8 Halaman &P dari &N {x}'
    assert fill_text(text, {"instansi": "BADAN", "periode_judul": "2025", "x": ""}) == \
        '&L&"Arial,Regular"&8BADAN&R&8 2025&C&8Halaman &P dari &N '
    assert fill_text("&L&&8 {a}", {"a": "b"}) == "&L&&8 b"   # a literal '&' then '8 ', kept


@pytest.mark.parametrize("template_id", sorted(STAFF))
def test_place_and_date_of_a_signature_read_as_one_phrase(printed_pdfs, template_id):
    """"Blitar, 30 September 2025": on every page with a signature the date follows the
    place at most one space's width away (2,8 pt in the form's 10 pt Arial; the place cell's
    own ", " plus the cells' padding printed 4,3 pt, a double space)."""
    pdf = printed_pdfs[(template_id, "plan")]
    box = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                       r'yMax="[\d.]+">([^<]*)</word>', box)
    gaps = [float(after[0]) - float(word[2]) for word, after in zip(words, words[1:])
            if word[3].endswith(",") and word[3][:1].isupper() and after[3] == "30"
            and abs(float(word[1]) - float(after[1])) < 1]
    assert len(gaps) >= 3, "SKP, Lampiran, Evaluasi and Dokumen Evaluasi sign with a date"
    assert all(0 < gap <= 3.0 for gap in gaps), gaps
