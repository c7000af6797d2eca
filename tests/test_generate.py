"""Generating workbooks from a roster, through the library and the CLI, read back for real.

Cells are found only through the template's defined names
(``load_template(id).field(name).sheet/.cell``), never by coordinates written here.
"""

from __future__ import annotations

import copy
import csv
import functools
import io
import json
import os
import re
import stat
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.worksheet.cell_range import MultiCellRange

from skpxl.cli import cli, main
from skpxl.document import fingerprint, set_path
from skpxl.errors import RosterError, UsageError
from skpxl.generate import build_document, generate
from skpxl.manifest import FINGERPRINT_EXCLUDE, list_templates, load_template
from skpxl.periods import parse_period
from skpxl.plans import read_plans
from skpxl.roster import read_roster
from skpxl.writer import CompiledTemplate, fill_with_openpyxl, sheet_parts

PERIOD = "2025-Q3"
#: positions in the roster fixture's header (NIP, Nama, Status ASN, Pangkat/Gol, ...)
COLUMN = {"nip": 0, "nama": 1, "status": 2, "pangkat": 3, "jabatan": 4, "jenis": 5,
          "jenjang": 6, "unit": 7, "instansi": 8, "penilai": 9}
WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                    *(f"lpt{i}" for i in range(10))}


# --- helpers ------------------------------------------------------------------------------

def write_rows(path: Path, rows: list[list], like: Path) -> Path:
    """Write ``rows`` under the header of the CSV file ``like``."""
    with open(like, newline="", encoding="utf-8-sig") as handle:
        header = next(csv.reader(handle))
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def by_nip(rows: list[list]) -> dict[str, list]:
    return {row[COLUMN["nip"]]: row for row in rows}


def with_full_chain(rows: list[list]) -> tuple[list, list, list]:
    """An employee whose assessor has an assessor: (pegawai, penilai, atasan penilai)."""
    index = by_nip(rows)
    for row in rows:
        penilai = index.get(row[COLUMN["penilai"]])
        atasan = index.get(penilai[COLUMN["penilai"]]) if penilai else None
        if atasan:
            return row, penilai, atasan
    raise AssertionError("the roster fixture needs a three-level chain")


def plans_by_nip(rows: list[list]) -> dict[str, list[dict]]:
    """NIP -> [{rhk, rhk_pimpinan, iki: [(aspek, iki, target, satuan)]}] from plan rows."""
    out: dict[str, list[dict]] = {}
    for nip, _jenis, rhk, pimpinan, aspek, iki, target, satuan in rows:
        items = out.setdefault(nip, [])
        if not items or items[-1]["rhk"] != rhk:
            items.append({"rhk": rhk, "rhk_pimpinan": pimpinan, "iki": []})
        items[-1]["iki"].append((aspek, iki, target, satuan))
    return out


def value(book, template, name: str, index: int = 0):
    """Value of the ``index``-th cell of field ``name`` (a mirror name works too)."""
    return cell(book, template, name, index).value


def cell(book, template, name: str, index: int = 0):
    fields = {f.name: f for f in list(template.fields) + list(template.mirrors)}
    fld = fields[name]
    inst = list(template.instances(fld))[index]
    return book[fld.sheet][inst.cell]


def block_values(book, template, name: str) -> list:
    """Values of a group field, one per instance, trailing empties dropped."""
    fld = template.field(name)
    values = [book[fld.sheet][inst.cell].value for inst in template.instances(fld)]
    while values and values[-1] in (None, ""):
        values.pop()
    return values


@functools.lru_cache(maxsize=64)
def opened(path) -> tuple[openpyxl.Workbook, object]:
    """The workbook at ``path`` and its template (from the template id it records).

    Cached, because openpyxl takes about a second per workbook (merged cells): callers
    read it and never change it; :func:`load` gives a private copy to change.
    """
    return load(path)


def load(path) -> tuple[openpyxl.Workbook, object]:
    book = openpyxl.load_workbook(path)
    for tmpl in list_templates():
        fld = tmpl.field("meta_template_id")
        if fld.sheet in book.sheetnames and book[fld.sheet][fld.cell].value == tmpl.id:
            return book, load_template(tmpl.id)
    raise AssertionError(f"{path} does not record a shipped template id")


def sheet_xml(path: Path, sheet: str) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read(sheet_parts(zf)[sheet]).decode("utf-8")


def cell_xml(xml: str, ref: str) -> str:
    match = re.search(rf'<c r="{ref}"(?:[^>]*?/>|[^>]*>.*?</c>)', xml, re.S)
    assert match, f"cell {ref} not in sheet XML"
    return match.group(0)


def readback_fingerprint(book, template) -> str:
    """The fingerprint recomputed from the pre-filled values as read back from the file."""
    document: dict = {}
    for fld in template.fields:
        if fld.kind != "prefilled" or fld.path in FINGERPRINT_EXCLUDE:
            continue
        for inst in template.instances(fld):
            set_path(document, inst.path, book[fld.sheet][inst.cell].value)
    return fingerprint(template.prefilled_values(document))


def relative(report: dict, outdir: Path) -> dict:
    """A generate report with paths relative to its output folder, to compare two runs."""
    files = [dict(f, path=str(Path(f["path"]).relative_to(outdir))) for f in report["files"]]
    return dict(report, outdir=None, files=files)


def files_under(folder: Path) -> set[Path]:
    return {p.relative_to(folder) for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def generated(tmp_path_factory, samples_dir):
    """Workbooks generated once by the library for the whole roster, with plans.

    Shared by the tests that only read them; tests that re-run or change files generate
    their own.
    """
    outdir = tmp_path_factory.mktemp("generated") / "skp"
    result = generate(samples_dir / "pegawai.csv", PERIOD, outdir,
                      plans=samples_dir / "rencana.csv", jobs=1)
    return result, outdir


# --- files --------------------------------------------------------------------------------

def test_one_workbook_per_employee_in_unit_folders(generated, roster_rows):
    result, outdir = generated
    assert result.ok and result.count("written") == len(roster_rows)
    assert {f.status for f in result.files} == {"written"}
    on_disk = files_under(outdir)
    assert on_disk == {Path(f.path).relative_to(outdir) for f in result.files}
    assert {p.parent for p in on_disk} == {Path("sekretariat-bawaslu-kota-batu"),
                                           Path("bawaslu-kabupaten-blitar")}
    for row in roster_rows:
        [path] = [p for p in on_disk if p.name.startswith(row[COLUMN["nip"]] + "_")]
        assert re.fullmatch(rf"{row[COLUMN['nip']]}_[a-z0-9-]+_{PERIOD}\.xlsx", path.name)
    assert Path("sekretariat-bawaslu-kota-batu/198203072006042001_sri-rahayu-s-e_2025-Q3.xlsx") \
        in on_disk
    assert zipfile.ZipFile(outdir / next(iter(on_disk))).testzip() is None


def test_template_follows_jenis_jabatan(generated, roster_rows):
    result, _ = generated
    jenis = {row[COLUMN["nip"]]: row[COLUMN["jenis"]] for row in roster_rows}
    for record in result.files:
        expected = "jpt-kuantitatif" if jenis[record.nip] == "JPT" else "ja-jf-kuantitatif"
        assert record.template == expected
        book, template = opened(record.path)
        assert template.id == expected


def test_workbooks_get_normal_file_permissions(generated):
    result, _ = generated
    umask = os.umask(0)
    os.umask(umask)
    for record in result.files:
        assert stat.S_IMODE(os.stat(record.path).st_mode) == 0o666 & ~umask


# --- contents -----------------------------------------------------------------------------

def test_identity_assessor_and_atasan_penilai(generated, roster_rows):
    result, _ = generated
    pegawai, penilai, atasan = with_full_chain(roster_rows)
    [record] = [f for f in result.files if f.nip == pegawai[COLUMN["nip"]]]
    book, template = opened(record.path)
    for prefix, row in (("pegawai", pegawai), ("penilai", penilai),
                        ("atasan_penilai", atasan)):
        for key in ("nip", "nama", "pangkat", "jabatan"):
            assert value(book, template, f"{prefix}_{key}") == row[COLUMN[key]], (prefix, key)
        assert value(book, template, f"{prefix}_unit_kerja") == row[COLUMN["unit"]]
    assert value(book, template, "instansi") == pegawai[COLUMN["instansi"]].upper()
    assert value(book, template, "pegawai_status_asn") == pegawai[COLUMN["status"]]
    assert value(book, template, "pegawai_jenis_jabatan") == pegawai[COLUMN["jenis"]]


def test_head_of_unit_has_no_assessor(generated, roster_rows):
    result, _ = generated
    heads = [row for row in roster_rows if not row[COLUMN["penilai"]]]
    assert heads
    for head in heads:
        [record] = [f for f in result.files if f.nip == head[COLUMN["nip"]]]
        book, template = opened(record.path)
        assert value(book, template, "pegawai_nama") == head[COLUMN["nama"]]
        for name in ("penilai_nama", "penilai_nip", "atasan_penilai_nama"):
            assert value(book, template, name) in (None, "")


def test_jenjang_and_pppk(generated, roster_rows):
    result, _ = generated
    files = {f.nip: f for f in result.files}
    [fungsional] = [r for r in roster_rows if r[COLUMN["jenis"]] == "Fungsional"]
    book, template = opened(files[fungsional[COLUMN["nip"]]].path)
    assert value(book, template, "pegawai_jenjang") == fungsional[COLUMN["jenjang"]]
    [pppk] = [r for r in roster_rows if r[COLUMN["status"]] == "PPPK"]
    book, template = opened(files[pppk[COLUMN["nip"]]].path)
    assert value(book, template, "pegawai_status_asn") == "PPPK"
    assert value(book, template, "pegawai_nip") == pppk[COLUMN["nip"]]


def test_nip_cells_are_text(generated):
    result, _ = generated
    for record in result.files:
        book, template = opened(record.path)
        for name in ("pegawai_nip", "meta_nip"):
            found = cell(book, template, name)
            assert found.value == record.nip and found.data_type == "s", name
        fld = template.field("pegawai_nip")
        xml = cell_xml(sheet_xml(Path(record.path), fld.sheet), fld.cell)
        assert 't="inlineStr"' in xml and "<f>" not in xml


def test_periode_dates_are_real_dates(generated):
    result, _ = generated
    book, template = opened(result.files[0].path)
    period = parse_period(PERIOD)
    for name, expected in (("periode_mulai", period.start), ("periode_selesai", period.end),
                           ("pengesahan_tanggal", period.end)):
        found = cell(book, template, name)
        assert isinstance(found.value, datetime) and found.value.date() == expected, name
        assert found.is_date, f"{name} has no date number format"
    assert value(book, template, "periode_kode") == PERIOD
    assert value(book, template, "periode_label") == "TRIWULAN III"


def test_plans_are_prefilled(generated, plans_rows):
    result, _ = generated
    files = {f.nip: f for f in result.files}
    plans = plans_by_nip(plans_rows)
    for nip, items in plans.items():
        book, template = opened(files[nip].path)
        assert block_values(book, template, "hku_rhk") == [item["rhk"] for item in items]
        pimpinan = [value(book, template, "hku_rhk_pimpinan", block)
                     for block in range(len(items))]
        assert pimpinan == [item["rhk_pimpinan"] or None for item in items]
        group = template.groups[template.field("hku_indikator").group]
        for block, item in enumerate(items):
            for row, (aspek, iki, target, satuan) in enumerate(item["iki"]):
                index = block * group.rows_per_block + row
                assert value(book, template, "hku_aspek", index) == aspek
                assert value(book, template, "hku_indikator", index) == iki
                got = value(book, template, "hku_target", index)
                assert isinstance(got, (int, float)) and got == target
                assert value(book, template, "hku_satuan", index) == satuan
    without_plan = next(nip for nip in files if nip not in plans)
    book, template = opened(files[without_plan].path)
    assert block_values(book, template, "hku_rhk") == []


def test_assessor_rhk_feed_the_rhk_pimpinan_dropdown(generated, plans_rows):
    result, _ = generated
    files = {f.nip: f for f in result.files}
    plans = plans_by_nip(plans_rows)
    [(nip, pimpinan_rhk)] = {(item_nip, items[0]["rhk_pimpinan"])
                             for item_nip, items in plans.items() if items[0]["rhk_pimpinan"]}
    [head_nip] = [n for n, items in plans.items() if pimpinan_rhk in
                  [item["rhk"] for item in items]]
    head_rhk = [item["rhk"] for item in plans[head_nip]]
    book, template = opened(files[nip].path)
    assert block_values(book, template, "list_rhk_pimpinan") == head_rhk
    listed = template.field("list_rhk_pimpinan")
    assert book[listed.sheet].sheet_state == "veryHidden"
    # the dropdown of the RHK-pimpinan input is the list those values sit in
    target = template.field("hku_rhk_pimpinan")
    [validation] = [dv for dv in book[target.sheet].data_validations.dataValidation
                    if target.cell in MultiCellRange(str(dv.sqref))]
    assert validation.type == "list"
    name = validation.formula1.lstrip("=")
    [(sheet, ref)] = list(book.defined_names[name].destinations)
    listed_cells = [book[sheet][c.coordinate].value for row in book[sheet][ref.replace("$", "")]
                    for c in row]
    assert sheet == listed.sheet and listed_cells[:len(head_rhk)] == head_rhk
    # the head's own dropdown list is empty: nobody above them has a plan
    book, template = opened(files[head_nip].path)
    assert block_values(book, template, "list_rhk_pimpinan") == []


def test_sheets_protected_inputs_unlocked_prefilled_locked(generated):
    result, _ = generated
    for record in result.files[:3]:
        book, template = opened(record.path)
        assert book.security is not None and book.security.lockStructure
        for sheet in book.worksheets:
            assert sheet.protection.sheet, sheet.title
        for fld in template.fields:
            for inst in template.instances(fld):
                locked = book[fld.sheet][inst.cell].protection.locked
                if fld.kind == "input":
                    assert not locked, f"{fld.name} {inst.cell} is an input but locked"
                elif fld.kind == "prefilled":
                    assert locked, f"{fld.name} {inst.cell} is pre-filled but unlocked"


def test_enum_inputs_have_dropdowns_with_their_choices(generated):
    result, _ = generated
    checked = 0
    for record in result.files:
        book, template = opened(record.path)
        for fld in template.fields:
            if fld.kind != "input" or fld.type != "enum":
                continue
            validations = book[fld.sheet].data_validations.dataValidation
            for inst in template.instances(fld):
                found = [dv for dv in validations if inst.cell in MultiCellRange(str(dv.sqref))]
                assert len(found) == 1 and found[0].type == "list", (fld.name, inst.cell)
                name = found[0].formula1.lstrip("=")
                [(sheet, ref)] = list(book.defined_names[name].destinations)
                listed = [c.value for row in book[sheet][ref.replace("$", "")] for c in row]
                assert listed == list(fld.choices), fld.name
                checked += 1
    assert checked


def test_metadata_and_fingerprint(generated):
    result, _ = generated
    for record in result.files:
        book, template = opened(record.path)
        assert value(book, template, "meta_template_id") == template.id
        assert value(book, template, "meta_template_version") == template.version
        assert value(book, template, "meta_nip") == record.nip
        assert value(book, template, "periode_kode") == PERIOD
        stored = value(book, template, "meta_fingerprint")
        assert stored.startswith("sha256:") and len(stored) == len("sha256:") + 64
        assert readback_fingerprint(book, template) == stored, record.path


def test_fingerprint_changes_when_a_prefilled_value_changes(generated):
    result, _ = generated
    book, template = load(result.files[0].path)
    stored = value(book, template, "meta_fingerprint")
    cell(book, template, "pegawai_nama").value = "Orang Lain"
    assert readback_fingerprint(book, template) != stored


def test_fingerprint_matches_when_text_holds_characters_xml_cannot(tmp_path, roster_rows,
                                                                     roster_csv):
    roster_rows[0][COLUMN["nama"]] = "Hendra\ufffe Wijaya"
    path = write_rows(tmp_path / "aneh.csv", roster_rows, like=roster_csv)
    result = generate(path, PERIOD, tmp_path / "skp", jobs=1)
    [record] = [f for f in result.files if f.nip == roster_rows[0][COLUMN["nip"]]]
    book, template = opened(record.path)
    assert readback_fingerprint(book, template) == value(book, template, "meta_fingerprint")


# --- re-runs ------------------------------------------------------------------------------

def test_second_run_skips_and_force_overwrites(tmp_path, roster_csv, plans_csv):
    outdir = tmp_path / "skp"
    first = generate(roster_csv, PERIOD, outdir, plans=plans_csv, jobs=1)
    before = {f.path: Path(f.path).read_bytes() for f in first.files}
    second = generate(roster_csv, PERIOD, outdir, plans=plans_csv, jobs=1)
    assert {f.status for f in second.files} == {"skipped"} and second.ok
    assert all([p.code for p in f.problems] == ["generate.exists"] for f in second.files)
    assert {f.path: Path(f.path).read_bytes() for f in second.files} == before
    victim = Path(first.files[0].path)
    victim.write_bytes(b"not a workbook")
    third = generate(roster_csv, PERIOD, outdir, plans=plans_csv, jobs=1, force=True)
    assert {f.status for f in third.files} == {"written"}
    book, template = load(victim)
    assert value(book, template, "meta_nip") == first.files[0].nip
    assert not [p for p in outdir.rglob("*") if p.name.endswith(".part")]


def test_cli_generate_matches_library(tmp_path, roster_csv, plans_csv):
    outdir = tmp_path / "cli"
    runner = CliRunner()
    args = ["generate", str(roster_csv), "--period", PERIOD, "-o", str(outdir),
            "--plans", str(plans_csv), "--jobs", "1", "--format", "json"]
    run = runner.invoke(cli, args)
    assert run.exit_code == 0, run.output
    data = json.loads(run.stdout)
    assert data["written"] == len(data["files"]) and data["skipped"] == data["failed"] == 0
    library = generate(roster_csv, PERIOD, tmp_path / "lib", plans=plans_csv, jobs=1)
    assert relative(data, outdir) == relative(library.to_dict(), tmp_path / "lib")
    assert files_under(outdir) == files_under(tmp_path / "lib")

    again = runner.invoke(cli, args)
    assert again.exit_code == 0 and json.loads(again.stdout)["skipped"] == data["written"]
    forced = runner.invoke(cli, args + ["--force"])
    assert forced.exit_code == 0 and json.loads(forced.stdout)["written"] == data["written"]
    table = runner.invoke(cli, args[:-2])
    assert table.exit_code == 0
    # a run again is quiet: one line for the files kept, and what to do about them
    assert table.output.splitlines() == [
        f"0 dibuat, {data['written']} sudah ada (tidak ditimpa), 0 gagal -> {outdir}",
        "File yang sudah ada tidak ditimpa: tambahkan --force untuk membuatnya ulang, atau "
        "--verbose untuk daftarnya."]
    listed = runner.invoke(cli, args[:-2] + ["--verbose", "--lang", "en"])
    assert listed.output.count("[NOTE]") == data["written"]
    assert listed.output.splitlines()[-1] == (f"0 files written, {data['written']} already "
                                              f"there (kept), 0 failed -> {outdir}")


# --- refusals -----------------------------------------------------------------------------

def run_main(args: list[str], capsys) -> tuple[int, str, str]:
    """Run the real console entry point (exit-code mapping included) in-process."""
    with pytest.raises(SystemExit) as stop:
        main(args)
    out, err = capsys.readouterr()
    return stop.value.code, out, err


def test_roster_with_errors_writes_nothing(tmp_path, roster_rows, roster_csv, capsys):
    duplicate = list(roster_rows[2])
    duplicate[COLUMN["nama"]] = "Orang Kembar"
    path = write_rows(tmp_path / "ganda.csv", roster_rows + [duplicate], like=roster_csv)
    outdir = tmp_path / "skp"
    with pytest.raises(RosterError) as caught:
        generate(path, PERIOD, outdir)
    assert "roster.duplicate_nip" in [p.code for p in caught.value.problems]
    assert not outdir.exists()

    code, _out, err = run_main(["generate", str(path), "--period", PERIOD, "-o", str(outdir)],
                               capsys)
    assert code == 1
    assert duplicate[COLUMN["nip"]] in err and "skpxl roster check" in err
    assert not outdir.exists()


@pytest.mark.parametrize("period", ["2025-Q5", "2025-13", "Q3-25", ""])
def test_bad_period_is_a_usage_error(tmp_path, roster_csv, period, capsys):
    outdir = tmp_path / "skp"
    with pytest.raises(UsageError):
        generate(roster_csv, period, outdir)
    run = CliRunner().invoke(cli, ["generate", str(roster_csv), "--period", period,
                                   "-o", str(outdir)])
    assert run.exit_code == 2, run.output
    assert "YYYY-Q1" in run.output or "01-12" in run.output
    code, _out, err = run_main(["generate", str(roster_csv), "--period", period,
                                "-o", str(outdir)], capsys)
    assert code == 2 and err
    assert not outdir.exists()


def test_hostile_names_stay_inside_the_output_folder(tmp_path, roster_csv):
    base = tmp_path / "work"
    base.mkdir()
    rows = [
        ["198405172009011001", "../../../evil", "PNS", "Penata (III/c)", "Analis",
         "Administrator", "", "../../outside", "Bawaslu", ""],
        ["198612242010012002", "CON", "PNS", "Penata (III/c)", "Analis", "Administrator",
         "", "CON", "Bawaslu", ""],
        ["199107072014031001", "..\\..\\windows\\win.ini", "PNS", "Pengatur (II/c)",
         "Pengadministrasi", "Pelaksana", "", "CON", "Bawaslu", "198612242010012002"],
        ["199309092018012003", "nul.txt", "PNS", "Pengatur (II/c)", "Pengadministrasi",
         "Administrator", "", "/etc/lpt1", "Bawaslu", ""],
        ["199402022019031004", ".hidden", "PNS", "Pengatur (II/c)", "Pengadministrasi",
         "Pelaksana", "", "/etc/lpt1", "Bawaslu", "199309092018012003"],
    ]
    path = write_rows(base / "jahat.csv", rows, like=roster_csv)
    outdir = base / "skp"
    around = sorted(tmp_path.parent.iterdir())
    result = generate(path, PERIOD, outdir, jobs=1)
    assert {f.status for f in result.files} == {"written"}
    written = files_under(outdir)
    assert len(written) == len(rows)
    for record in result.files:
        assert Path(record.path).resolve().is_relative_to(outdir.resolve())
    for relative in written:
        for part in relative.parts:
            assert not part.startswith(".") and ".." not in part and "\\" not in part
            assert part.split(".")[0].lower() not in WINDOWS_RESERVED, relative
    assert sorted(p.name for p in base.iterdir()) == ["jahat.csv", "skp"]
    assert sorted(tmp_path.parent.iterdir()) == around


def test_text_that_looks_like_a_formula_stays_text(tmp_path, roster_rows, roster_csv):
    injected = '=HYPERLINK("http://x","y")'
    row = roster_rows[2]
    row[COLUMN["jabatan"]] = injected
    row[COLUMN["pangkat"]] = "+SUM(1,2) & <b>"
    path = write_rows(tmp_path / "rumus.csv", roster_rows, like=roster_csv)
    result = generate(path, PERIOD, tmp_path / "skp", jobs=1)
    [record] = [f for f in result.files if f.nip == row[COLUMN["nip"]]]
    book, template = opened(record.path)
    for name, expected in (("pegawai_jabatan", injected),
                           ("pegawai_pangkat", row[COLUMN["pangkat"]])):
        fld = template.field(name)
        xml = cell_xml(sheet_xml(Path(record.path), fld.sheet), fld.cell)
        assert "<f>" not in xml and 't="inlineStr"' in xml, xml
        found = book[fld.sheet][fld.cell]
        assert found.value == expected and found.data_type == "s"
    # mirrors keep the template's formula; the injected text is only their cached result
    mirror = next(m for m in template.mirrors if m.mirror == "pegawai_jabatan")
    xml = cell_xml(sheet_xml(Path(record.path), mirror.sheet), mirror.cell)
    assert "HYPERLINK" not in xml.split("<v>")[0]
    assert "<v>=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)</v>" in xml or \
        '<v>=HYPERLINK("http://x","y")</v>' in xml


def test_parallel_jobs_write_the_same_workbooks(tmp_path, roster_csv, plans_csv, start_method):
    """Two workers, started by fork (Linux) and by spawn (Windows, macOS), write what one
    process writes."""
    serial = generate(roster_csv, PERIOD, tmp_path / "j1", plans=plans_csv, jobs=1)
    parallel = generate(roster_csv, PERIOD, tmp_path / "j2", plans=plans_csv, jobs=2)
    assert [(f.nip, f.status) for f in serial.files] == [(f.nip, f.status)
                                                         for f in parallel.files]
    assert files_under(tmp_path / "j1") == files_under(tmp_path / "j2")
    for one, two in zip(serial.files, parallel.files):
        template = load_template(one.template)
        stamp = template.field("meta_generated_at")
        with zipfile.ZipFile(one.path) as a, zipfile.ZipFile(two.path) as b:
            assert a.namelist() == b.namelist()
            stamp_member = sheet_parts(a)[stamp.sheet]
            for name in a.namelist():
                left, right = a.read(name), b.read(name)
                if name == stamp_member:  # only the generated_at cell may differ
                    left, right = (x.decode().replace(cell_xml(x.decode(), stamp.cell), "")
                                   for x in (left, right))
                assert left == right, f"{Path(one.path).name}: {name} differs"


# --- fast writer against the openpyxl reference -------------------------------------------

@pytest.mark.parametrize("template_id", [t.id for t in list_templates()])
def test_fast_writer_matches_openpyxl_reference(template_id, tmp_path, roster_csv, plans_csv,
                                                plans_rows, roster_rows):
    pegawai, penilai, _ = with_full_chain(roster_rows)
    extra = [
        [pegawai[0], "Utama", "Terkelolanya arsip persuratan", "", "Kuantitas",
         "Jumlah surat yang diagendakan", 300, "surat"],
        [pegawai[0], "Tambahan", "Terlaksananya piket layanan informasi", "", "Kuantitas",
         "Jumlah hari piket", 12, "hari"],
        [pegawai[0], "Dukungan Sumber Daya", "Aplikasi persuratan elektronik", "", "", "", "",
         ""],
        [pegawai[0], "Skema Pertanggungjawaban", "Laporan bulanan kepada atasan", "", "", "",
         "", ""],
    ]
    plans_path = write_rows(tmp_path / "rencana-lengkap.csv", plans_rows + extra, like=plans_csv)
    roster = read_roster(roster_csv)
    plans = read_plans(plans_path)
    assert plans.ok
    emp = roster.by_nip()[pegawai[0]]
    boss = roster.penilai_of(emp)
    template = load_template(template_id)
    document = build_document(template, parse_period(PERIOD), emp, boss,
                              roster.atasan_penilai_of(emp), plans.get(emp.nip),
                              plans.get(boss.nip), generated_at="2025-10-01T08:00:00+00:00")
    fast = openpyxl.load_workbook(io.BytesIO(CompiledTemplate(template).render(document)))
    reference = openpyxl.load_workbook(io.BytesIO(fill_with_openpyxl(template, document)))

    assert fast.sheetnames == reference.sheetnames
    for fld in list(template.fields) + list(template.mirrors):
        for inst in template.instances(fld):
            left, right = fast[fld.sheet][inst.cell], reference[fld.sheet][inst.cell]
            assert left.value == right.value, (fld.name, inst.cell)
            assert left.protection.locked == right.protection.locked, (fld.name, inst.cell)
    assert value(fast, template, "hkt_rhk") == extra[1][2]
    assert value(fast, template, "lp_dukungan") == extra[2][2]
    skp = fast[template.field("pegawai_nama").sheet]
    assert any(d.hidden for d in skp.row_dimensions.values())       # unused rows hidden
    assert pegawai[1] in str(skp.HeaderFooter.oddFooter)            # the page says whose
    assert {n: d.attr_text for n, d in fast.defined_names.items()} == \
        {n: d.attr_text for n, d in reference.defined_names.items()}
    assert bool(fast.security and fast.security.lockStructure) == \
        bool(reference.security and reference.security.lockStructure)
    for left in fast.worksheets:
        right = reference[left.title]
        assert sorted(map(str, left.merged_cells.ranges)) == \
            sorted(map(str, right.merged_cells.ranges)), left.title
        assert dropdowns(left) == dropdowns(right), left.title
        assert dict(left.protection) == dict(right.protection), left.title
        assert left.sheet_state == right.sheet_state
        assert (left.print_area, left.print_title_rows, left.page_setup.orientation,
                left.page_setup.fitToWidth, left.sheet_properties.pageSetUpPr.fitToPage) == \
            (right.print_area, right.print_title_rows, right.page_setup.orientation,
             right.page_setup.fitToWidth, right.sheet_properties.pageSetUpPr.fitToPage)
        assert (left.max_row, left.max_column) == (right.max_row, right.max_column)
        assert printed_rows(left) == printed_rows(right), left.title
        assert [b.id for b in left.row_breaks.brk] == [b.id for b in right.row_breaks.brk]
        assert page_texts(left) == page_texts(right), left.title
        for row in left.iter_rows():
            for cell in row:
                other = right[cell.coordinate]
                assert cell_style(cell) == cell_style(other), (left.title, cell.coordinate)
    assert any(dropdowns(ws) for ws in fast.worksheets)


def printed_rows(ws) -> dict[int, tuple]:
    """Each row's height and whether it is hidden (the rows the writer sets)."""
    return {r: (round(d.height or 0, 1), bool(d.hidden)) for r, d in ws.row_dimensions.items()
            if d.height or d.hidden}


def page_texts(ws) -> list[str]:
    hf = ws.HeaderFooter
    return [str(getattr(hf, part)) for part in ("oddHeader", "oddFooter", "firstHeader",
                                                "firstFooter")]


def dropdowns(ws) -> list[tuple]:
    """Every data validation of a sheet: where, what kind, which list."""
    return sorted((str(dv.sqref), dv.type, dv.formula1, dv.allow_blank)
                  for dv in ws.data_validations.dataValidation)


def cell_style(cell) -> tuple:
    """A cell's effective style (copies: openpyxl's style proxies do not compare)."""
    return (copy.copy(cell.font), copy.copy(cell.fill), copy.copy(cell.border),
            copy.copy(cell.alignment), cell.number_format, copy.copy(cell.protection))



def test_logo_added_to_a_template_is_in_every_workbook(tmp_path, roster_csv):
    """An agency adds its logo to the form (a real PNG, anchored on the SKP sheet): every
    generated workbook carries it, byte for byte, where the template had it."""
    from openpyxl.drawing.image import Image as XlImage
    from PIL import Image

    shipped = load_template("ja-jf-kuantitatif")
    template = tmp_path / "dengan-logo.xlsx"
    template.with_suffix(".json").write_bytes(shipped.manifest_path.read_bytes())
    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 60), (120, 20, 20)).save(logo)
    wb = openpyxl.load_workbook(shipped.path)
    wb["SKP"].add_image(XlImage(str(logo)), "H1")
    wb.save(template)
    with zipfile.ZipFile(template) as z:
        (media,) = [n for n in z.namelist() if n.startswith("xl/media/")]
        picture = z.read(media)

    result = generate(roster_csv, PERIOD, tmp_path / "skp", template=str(template), jobs=1)
    written = [Path(f.path) for f in result.files if f.status == "written"]
    assert written
    for path in written:
        with zipfile.ZipFile(path) as z:
            assert z.read(media) == picture, path.name
        (image,) = openpyxl.load_workbook(path)["SKP"]._images
        assert (image.anchor._from.col, image.anchor._from.row) == (7, 0)  # H1


# --- agency and signing place: roster, profile -------------------------------------------

def test_agency_and_signing_place_from_the_roster(generated, roster_rows):
    """Without a Tempat column, a unit signs where its name says (Kota Batu: Batu)."""
    result, _ = generated
    for record in result.files:
        book, template = opened(record.path)
        row = by_nip(roster_rows)[record.nip]
        place = row[COLUMN["unit"]].rsplit(" ", 1)[-1]      # "... Kota Batu" -> "Batu"
        assert value(book, template, "pengesahan_tempat") == place
        assert value(book, template, "instansi") == row[COLUMN["instansi"]].upper()
        header = str(book[template.field("pegawai_nama").sheet].HeaderFooter.oddHeader)
        assert row[COLUMN["instansi"]].upper() in header and row[COLUMN["unit"]] in header
        assert "TRIWULAN III 2025 · 1 Juli – 30 September 2025" in header


def test_a_profile_names_the_agency_and_the_places(tmp_path, roster_csv, roster_rows):
    profile = tmp_path / "instansi.toml"
    profile.write_text('instansi = "Badan Contoh Daerah"\n\n[tempat_unit]\n'
                       '"Sekretariat Bawaslu Kota Batu" = "Kota Batu"\n', encoding="utf-8")
    result = generate(roster_csv, PERIOD, tmp_path / "skp", profile=profile, jobs=1)
    places = set()
    for record in result.files:
        book, template = opened(record.path)
        assert value(book, template, "instansi") == "BADAN CONTOH DAERAH"
        places.add((record.unit, value(book, template, "pengesahan_tempat")))
    assert places == {("Sekretariat Bawaslu Kota Batu", "Kota Batu"),
                      ("Bawaslu Kabupaten Blitar", "Blitar")}
    run = CliRunner().invoke(cli, ["generate", str(roster_csv), "--period", PERIOD, "-o",
                                   str(tmp_path / "cli"), "--profile", str(profile),
                                   "--format", "json", "--jobs", "1"])
    assert run.exit_code == 0, run.output
    record = next(f for f in json.loads(run.stdout)["files"] if f["unit"].endswith("Batu"))
    book, template = opened(record["path"])
    assert value(book, template, "pengesahan_tempat") == "Kota Batu"
    assert value(book, template, "instansi") == "BADAN CONTOH DAERAH"
    bad = CliRunner().invoke(cli, ["generate", str(roster_csv), "--period", PERIOD, "-o",
                                   str(tmp_path / "x"), "--profile", str(roster_csv)])
    assert bad.exit_code == 2 and not (tmp_path / "x").exists()


def test_roster_tempat_column_is_the_signing_place(tmp_path, roster_rows, roster_csv):
    header = next(csv.reader(open(roster_csv, encoding="utf-8-sig")))
    rows = [row + ["Kota Wisata"] for row in roster_rows]
    path = tmp_path / "tempat.csv"
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(header + ["Tempat"])
        writer.writerows(rows)
    result = generate(path, PERIOD, tmp_path / "skp", jobs=1)
    for record in result.files:
        book, template = opened(record.path)
        assert value(book, template, "pengesahan_tempat") == "Kota Wisata"
