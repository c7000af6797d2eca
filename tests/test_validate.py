"""Validation of returned workbooks: real files generated, filled, broken and read back."""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from regulation import MATRIX
from skpxl.cli import cli
from skpxl.generate import generate
from skpxl.manifest import load_template
from skpxl.simulate import MISTAKES, fill_workbook
from skpxl.validate import validate, validate_file

ROSTER = """NIP,Nama,Status ASN,Pangkat/Gol,Jabatan,Jenis Jabatan,Jenjang,Unit Kerja,Instansi,NIP Penilai
197001012000031001,Budi Santoso,PNS,Pembina (IV/a),Kepala Sekretariat,Administrator,,Sekretariat Bawaslu Kabupaten Blitar,Badan Pengawas Pemilihan Umum,
198503122010122002,Siti Aminah,PNS,Penata (III/c),Kepala Subbagian Umum,Pengawas,,Sekretariat Bawaslu Kabupaten Blitar,Badan Pengawas Pemilihan Umum,197001012000031001
199007072019031003,Andi Wijaya,PNS,Penata Muda (III/a),Analis SDM Aparatur,Fungsional,Ahli Pertama,Sekretariat Bawaslu Kabupaten Blitar,Badan Pengawas Pemilihan Umum,198503122010122002
199203152023212001,Rina Lestari,PPPK,IX,Penata Kelola Pemilu,Pelaksana,,Sekretariat Bawaslu Kabupaten Blitar,Badan Pengawas Pemilihan Umum,198503122010122002
"""

#: the problem each simulated mistake must produce, and the field where it must point
EXPECTED = {
    "nip_number": ("nip.scientific", "pegawai_nip"),
    "rating_missing": ("skp.rating_missing", "rating_perilaku"),
    "predikat_wrong": ("skp.predikat_mismatch", "predikat"),
    "realisasi_missing": ("skp.realisasi_missing", "eku_realisasi"),
    "wrong_period": ("skp.period_mismatch", None),
    "name_changed": ("skp.prefilled_changed", "pegawai_nama"),
    "target_text": ("skp.target_not_number", "hku_target"),
}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Generated workbooks, valid returns, and one return per typical mistake."""
    root = tmp_path_factory.mktemp("validate")
    roster = root / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    generate(roster, "2025-Q3", root / "skp")
    generated = sorted((root / "skp").rglob("*.xlsx"))
    rng = random.Random(7)
    valid = root / "valid"
    for path in generated:
        fill_workbook(path, valid / path.name, rng=rng)
    broken = {}
    for mistake in MISTAKES:
        target = root / "broken" / f"{mistake}.xlsx"
        fill_workbook(generated[2], target, rng=rng, mistake=mistake)
        broken[mistake] = target
    return {"root": root, "roster": roster, "generated": generated, "valid": valid,
            "broken": broken}


def test_valid_returns_pass_with_roster_and_period(batch):
    report = validate([batch["valid"]], roster=batch["roster"], period="2025-Q3")
    assert report.valid, [(f.path, [p.code for p in f.issues]) for f in report.files]
    assert report.stats()["files"] == 4
    assert {f.stage for f in report.files} == {"evaluation"}


def test_freshly_generated_workbook_is_a_plan_missing_its_rhk(batch):
    report = validate_file(batch["generated"][1], period="2025-Q3")
    assert report.stage == "plan"
    codes = [p.code for p in report.issues]
    assert codes == ["skp.no_rhk"]


@pytest.mark.parametrize("mistake", MISTAKES)
def test_each_typical_mistake_is_named_at_its_cell(batch, mistake):
    code, field_name = EXPECTED[mistake]
    report = validate_file(batch["broken"][mistake], period="2025-Q3")
    assert not report.valid
    hits = [p for p in report.issues if p.code == code]
    assert hits, [p.code for p in report.issues]
    errors = [p for p in report.issues if p.severity == "error"]
    assert errors == hits, "one mistake, one error"
    if field_name:
        fld = load_template("ja-jf-kuantitatif").field(field_name)
        assert hits[0].sheet == fld.sheet
        assert hits[0].cell == fld.cell
    assert hits[0].message("id") != hits[0].message("en")


def test_predikat_mismatch_names_the_right_predikat(batch):
    report = validate_file(batch["broken"]["predikat_wrong"])
    problem = next(p for p in report.issues if p.code == "skp.predikat_mismatch")
    assert f"'{problem.params['expected']}'" in problem.message()


def test_nip_not_in_roster(batch, tmp_path):
    roster = tmp_path / "other.csv"
    lines = ROSTER.splitlines()
    roster.write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")
    report = validate_file(batch["valid"] / batch["generated"][2].name,
                           roster_index=__import__("skpxl.roster", fromlist=["x"]).read_roster(
                               roster).by_nip())
    assert [p.code for p in report.issues if p.severity == "error"] == ["skp.not_in_roster"]


def test_a_file_sent_again_supersedes_the_earlier_one(batch, tmp_path):
    """An old, broken file and its corrected copy of the same NIP: the corrected one is
    used, the old one is superseded (not 'perlu diperbaiki', no marked copy)."""
    import os
    old = tmp_path / "lama.xlsx"
    shutil.copy2(batch["broken"]["realisasi_missing"], old)
    os.utime(old, (1_700_000_000, 1_700_000_000))
    new = tmp_path / "perbaikan.xlsx"
    shutil.copyfile(batch["valid"] / batch["generated"][2].name, new)
    report = validate([old, new], annotate=tmp_path / "salinan")
    by_name = {Path(f.path).name: f for f in report.files}
    assert by_name["lama.xlsx"].superseded_by == str(new)
    assert not by_name["lama.xlsx"].valid and by_name["perbaikan.xlsx"].valid
    assert [p.code for p in by_name["perbaikan.xlsx"].issues] == ["skp.duplicate"]
    assert "skp.superseded" in [p.code for p in by_name["lama.xlsx"].issues]
    stats = report.stats()
    assert (stats["valid"], stats["invalid"], stats["superseded"]) == (1, 0, 1)
    assert report.valid and report.annotated == []


def test_bad_files_each_get_one_precise_problem_and_the_batch_continues(batch, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "kosong.xlsx").write_bytes(b"")
    (folder / "laporan.xlsx").write_bytes(b"%PDF-1.4\n" + b"x" * 200)
    good = batch["valid"] / batch["generated"][0].name
    data = good.read_bytes()
    (folder / "terpotong.xlsx").write_bytes(data[: len(data) // 2])
    shutil.copy2(good, folder / "baik.xlsx")
    (folder / "~$baik.xlsx").write_bytes(b"lock")
    (folder / "catatan.txt").write_text("bukan workbook")
    foreign = openpyxl.Workbook()
    foreign.active["A1"] = "Daftar hadir"
    foreign.save(folder / "lain.xlsx")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    report = validate([folder])
    codes = {Path(f.path).name: [p.code for p in f.issues] for f in report.files}
    assert codes["kosong.xlsx"] == ["file.empty"]
    assert codes["laporan.xlsx"] == ["file.not_workbook"]
    assert codes["terpotong.xlsx"] == ["file.corrupt"]
    assert codes["lain.xlsx"] == ["template.unknown"]
    assert next(f for f in report.files if f.path.endswith("baik.xlsx")).valid
    assert {Path(s["path"]).name for s in report.skipped} == {"~$baik.xlsx", "catatan.txt"}
    assert before == {p.name: p.read_bytes() for p in folder.iterdir()}, "inputs untouched"


def test_folders_are_listed_in_path_order_with_links_and_odd_names(tmp_path):
    """The folder walk finds what ``sorted(rglob("*"))`` keeps as files (links to files
    yes, linked folders not entered, broken links and pipes no), in the same order, each
    named relative to the folder given."""
    import os
    from skpxl.validate import list_files
    root = tmp_path / "masuk"
    for rel in ["a/b.xlsx", "a-b/c.xlsx", "a.b/d.ods", "A/e.xls", "a/b/c/f.xlsm", "é/ü.xlsx",
                "z.xlsx", "a/~$b.xlsx", "catatan.txt"]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(b"x")
    os.symlink(root / "a", root / "tautan-folder")
    os.symlink(root / "z.xlsx", root / "tautan.xlsx")
    os.symlink(root / "tidak-ada.xlsx", root / "putus.xlsx")
    os.mkfifo(root / "pipa.xlsx")
    files, skipped = list_files([root])
    expected = sorted(p for p in root.rglob("*") if p.is_file())
    expected_files = [p for p in expected if p.suffix != ".txt" and not p.name.startswith("~$")]
    assert [p for p, _ in files] == expected_files
    assert [name for _, name in files] == [p.relative_to(root).as_posix() for p in expected_files]
    assert "a/b/c/f.xlsm" in [name for _, name in files]
    assert {Path(s["path"]).name for s in skipped} == {"~$b.xlsx", "catatan.txt"}
    one, _ = list_files([root / "a" / "b.xlsx"])
    assert one == [(root / "a" / "b.xlsx", "b.xlsx")]


def test_missing_metadata_sheet_falls_back_to_recognising_the_template(batch, tmp_path):
    wb = openpyxl.load_workbook(batch["valid"] / batch["generated"][2].name)
    del wb["_skpxl"]
    target = tmp_path / "tanpa-meta.xlsx"
    wb.save(target)
    report = validate_file(target)
    assert report.template == "ja-jf-kuantitatif"
    assert "template.metadata_missing" in [p.code for p in report.issues]


def test_inserted_row_inside_the_table_is_an_error(batch, tmp_path):
    """Excel moves defined names when a row is inserted; skpxl notices the changed table."""
    from skpxl.manifest import a1
    source = batch["valid"] / batch["generated"][2].name
    target = tmp_path / "baris-sisip.xlsx"
    fld = load_template("ja-jf-kuantitatif").field("hku_indikator")   # the cells through
    group = load_template("ja-jf-kuantitatif").groups[fld.group]      # the template
    last = fld.row + group.blocks * group.rows_per_block - 1

    def ref(last_row: int) -> bytes:
        return f"'{fld.sheet}'!${fld.cell.rstrip('0123456789')}${fld.row}:" \
               f"${a1(last_row, fld.col).rstrip('0123456789')}${last_row}".encode()
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/workbook.xml":
                assert ref(last) in data
                data = data.replace(ref(last), ref(last + 1))
            dst.writestr(info, data)
    report = validate_file(target)
    assert [(p.code, p.sheet, p.cell) for p in report.issues] == [
        ("structure.rows_changed", fld.sheet, fld.cell)]


def test_cli_json_equals_library_and_exit_codes(batch):
    runner = CliRunner()
    result = runner.invoke(cli, ["validate", str(batch["valid"]), "--format", "json",
                                 "--jobs", "1"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data == validate([batch["valid"]]).to_dict()
    assert set(data["files"][0]) == {"path", "valid", "nip", "period", "stage", "template",
                                     "superseded_by", "issues"}
    # one employee's files, each with one mistake: the newest per period is the one used
    result = runner.invoke(cli, ["validate", str(batch["root"] / "broken"), "--jobs", "2"])
    assert result.exit_code == 1
    assert result.output.count("\nGANTI ") + result.output.startswith("GANTI ") == 5
    assert "5 digantikan file lain" in result.output
    for broken in ("name_changed", "realisasi_missing"):
        result = runner.invoke(cli, ["validate", str(batch["broken"][broken]), "-j", "1"])
        assert result.exit_code == 1
        assert ("SKP!" if broken == "name_changed" else "Evaluasi!") in result.output
    result = runner.invoke(cli, ["validate", str(batch["valid"]), "--stage", "nonsense"])
    assert result.exit_code == 2


def test_csv_output_is_safe_to_open_in_excel(batch, tmp_path):
    report_dir = tmp_path / "x"
    report_dir.mkdir()
    target = report_dir / "=HYPERLINK(1).xlsx"
    shutil.copy2(batch["broken"]["predikat_wrong"], target)
    result = CliRunner().invoke(cli, ["validate", str(report_dir), "--format", "csv"])
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0][:4] == ["file", "nip", "period", "code"]
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell


def test_english_messages(batch):
    result = CliRunner().invoke(cli, ["validate", str(batch["broken"]["rating_missing"]),
                                      "--lang", "en"])
    assert "has not been chosen" in result.output
    for word in ("kesalahan", "peringatan", "sah ", "dilewati"):
        assert word not in result.output, word


def test_annotated_copy_marks_cells_and_lists_problems(batch, tmp_path):
    source = batch["broken"]["predikat_wrong"]
    before = source.read_bytes()
    out = tmp_path / "perbaikan"
    validate([source], annotate=out)
    assert source.read_bytes() == before
    wb = openpyxl.load_workbook(out / source.name)
    assert wb.sheetnames[0] == "Catatan Validasi"
    fld = load_template("ja-jf-kuantitatif").field("predikat")
    cell = wb[fld.sheet][fld.cell]
    assert "tidak sesuai matriks" in cell.comment.text
    assert cell.fill.patternType == "lightUp" and cell.border.left.style == "thick"
    notes = [row for row in wb["Catatan Validasi"].iter_rows(values_only=True)]
    assert any(row[4] == "skp.predikat_mismatch" for row in notes)
    assert wb["_skpxl"].sheet_state == "veryHidden"
    assert wb["SKP"].protection.sheet


def _members(path: Path) -> dict[str, bytes]:
    """Every part of a workbook but docProps/core.xml (it holds the time it was saved)."""
    with zipfile.ZipFile(path) as book:
        return {name: book.read(name) for name in book.namelist()
                if name != "docProps/core.xml"}


def test_a_process_pool_gives_the_serial_report_and_marked_copies(batch, tmp_path,
                                                                  start_method):
    """validate --annotate with two workers, started by fork (Linux) and by spawn (Windows,
    macOS): the report and every marked copy are what one process makes."""
    inputs = [batch["valid"], batch["root"] / "broken"]
    serial = validate(inputs, roster=batch["roster"], period="2025-Q3", jobs=1,
                      annotate=tmp_path / "serial")
    pooled = validate(inputs, roster=batch["roster"], period="2025-Q3", jobs=2,
                      annotate=tmp_path / "pool")
    assert len(serial.files) == len(batch["generated"]) + len(batch["broken"])
    assert pooled.to_dict() | {"annotated": None} == serial.to_dict() | {"annotated": None}
    names = sorted(Path(p).name for p in serial.annotated)
    assert names and sorted(Path(p).name for p in pooled.annotated) == names
    for name in names:
        assert _members(tmp_path / "pool" / name) == _members(tmp_path / "serial" / name), name


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["xlsx", "ods", "xls"])
def test_libreoffice_resaved_files_validate_like_the_original(batch, convert, tmp_path, fmt):
    # (predikat_wrong is a stale cached formula result: LibreOffice recomputes it, rightly)
    sources = [batch["valid"] / batch["generated"][2].name, batch["broken"]["realisasi_missing"],
               batch["broken"]["target_text"]]
    outdir = tmp_path / fmt
    converted = convert(sources, fmt, outdir)
    template = load_template("ja-jf-kuantitatif")
    first = "$.hasil_kerja.utama[0].iki[0]"
    expected = [set(),     # stated from the mistakes made, cells through the template
                {("skp.realisasi_missing", *_cell(template, "eku_realisasi",
                                                  f"{first}.realisasi"))},
                {("skp.target_not_number", *_cell(template, "hku_target", f"{first}.target"))}]
    for original, resaved, want in zip(sources, converted, expected):
        a = validate_file(original)
        b = validate_file(resaved, keep_document=True)
        assert {(p.code, p.sheet, p.cell) for p in b.issues} == want, (fmt, original.name)
        assert {(p.code, p.sheet, p.cell) for p in a.issues} == want, original.name
        assert b.valid == (not want) and b.nip == a.nip == "199007072019031003"
        assert b.period == "2025-Q3"
        # the predikat LibreOffice computed, against the regulation's table
        evaluasi = b.document["evaluasi"]
        pair = (evaluasi["rating_hasil_kerja"], evaluasi["rating_perilaku"])
        assert evaluasi["predikat"] == MATRIX[pair], (fmt, original.name, pair)


def _cell(template, name: str, path: str) -> tuple[str, str]:
    fld = template.field(name)
    return fld.sheet, next(i.cell for i in template.instances(fld) if i.path == path)


def test_formula_typed_into_an_input_cell_is_flagged(batch, tmp_path):
    source = batch["valid"] / batch["generated"][2].name
    fld = load_template("ja-jf-kuantitatif").field("eku_realisasi")
    wb = openpyxl.load_workbook(source)
    wb[fld.sheet][fld.cell] = "=1+2"
    target = tmp_path / "rumus.xlsx"
    wb.save(target)
    report = validate_file(target)
    hits = [p for p in report.issues if p.code == "skp.formula_in_input"]
    assert [(p.sheet, p.cell) for p in hits] == [(fld.sheet, fld.cell)]


def test_a_date_typed_into_a_number_cell_reaches_the_document_as_text(batch, tmp_path):
    """The document a report keeps is JSON: a date read from a cell becomes ISO text (the
    document of a file without dates is passed on as it is)."""
    import datetime as dt
    source = batch["valid"] / batch["generated"][2].name
    fld = load_template("ja-jf-kuantitatif").field("eku_realisasi")
    wb = openpyxl.load_workbook(source)
    wb[fld.sheet][fld.cell] = dt.datetime(2025, 9, 30)
    target = tmp_path / "tanggal.xlsx"
    wb.save(target)
    dated = validate_file(target, keep_document=True).document
    plain = validate_file(source, keep_document=True).document
    json.dumps(dated)
    json.dumps(plain)
    assert "2025-09-30" in json.dumps(dated["hasil_kerja"]) and dated != plain


def test_messages_of_problems_found_in_worker_processes_are_rendered(tmp_path):
    """Workers return problems; the main process must know every code to word them."""
    import subprocess
    import sys
    (tmp_path / "laporan.xlsx").write_bytes(b"%PDF-1.4\n" + b"x" * 200)
    (tmp_path / "kosong.xlsx").write_bytes(b"")
    result = subprocess.run([sys.executable, "-m", "skpxl", "validate", str(tmp_path), "-j", "2",
                             "--format", "json"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    issues = [i for f in json.loads(result.stdout)["files"] for i in f["issues"]]
    assert {i["code"] for i in issues} == {"file.not_workbook", "file.empty"}
    assert all(i["message"] != i["code"] and " " in i["message"] for i in issues)


def test_cached_document_layouts_give_what_a_fresh_read_gives(batch, tmp_path):
    """Files with different rows filled, read in any order in one process (the layout of
    the document is cached per set of filled rows), read as each does alone."""
    from skpxl import extract as E
    source = sorted(batch["valid"].iterdir())[0]
    first = E.extract(source)
    cells = {first.locations[p] for p in first.raw
             if p.startswith("$.hasil_kerja.utama[0].iki[1].")}
    assert cells, "the sample has a second IKI"
    fewer = tmp_path / "satu-iki-dikosongkan.xlsx"
    wb = openpyxl.load_workbook(source)
    for sheet, cell in cells:
        wb[sheet][cell].value = None
    wb.save(fewer)
    paths = [*batch["generated"][:2], *sorted(batch["valid"].iterdir())[:2], fewer]
    alone = {}
    for path in paths:
        E._LAYOUTS.clear()
        got = E.extract(path)
        alone[path] = (got.document, got.locations, got.raw)
    E._LAYOUTS.clear()
    for path in paths + paths[::-1]:
        got = E.extract(path)
        assert (got.document, got.locations, got.raw) == alone[path], path.name
    assert len(E._LAYOUTS) >= 2
    assert len(alone[fewer][0]["hasil_kerja"]["utama"][0]["iki"]) == \
        len(alone[paths[2]][0]["hasil_kerja"]["utama"][0]["iki"]) - 1


def test_a_file_gone_missing_is_file_not_found_in_both_languages(tmp_path):
    report = validate_file(tmp_path / "hilang.xlsx")
    (problem,) = report.issues
    assert problem.code == "file.not_found" and not report.valid
    assert "hilang.xlsx" in problem.message("id") and "Errno" not in problem.message("id")
    assert problem.message("en") == "File hilang.xlsx was not found."
