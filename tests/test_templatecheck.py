"""``skpxl template check`` on real workbooks: the shipped templates, and copies of them that
were restyled, round-tripped through LibreOffice, or broken on purpose with openpyxl."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Font, PatternFill, Protection
from openpyxl.workbook.defined_name import DefinedName

from skpxl.cli import cli
from skpxl.manifest import list_templates, load_template, read_defined_names
from skpxl.problems import ERROR, WARNING
from skpxl.templatecheck import check_template

TEMPLATES = list_templates()
TEMPLATE_IDS = [t.id for t in TEMPLATES]
JAJF = "ja-jf-kuantitatif"


def copy_template(tmp_path: Path, template_id: str = JAJF, name: str = "kustom",
                  *, manifest: bool = True) -> Path:
    """A copy of a shipped template (and, by default, its manifest beside it)."""
    shipped = load_template(template_id)
    target = tmp_path / f"{name}.xlsx"
    shutil.copyfile(shipped.path, target)
    if manifest:
        shutil.copyfile(shipped.manifest_path, target.with_suffix(".json"))
    return target


def edit(path: Path, change) -> Path:
    """Open ``path`` with openpyxl, let ``change(wb)`` alter it, save it in place."""
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def codes(report) -> list[str]:
    return [p.code for p in report.problems]


def only(report, code: str):
    """The single problem of ``code`` in ``report``."""
    found = [p for p in report.problems if p.code == code]
    assert len(found) == 1, (code, [(p.code, p.location) for p in report.problems])
    return found[0]


def instance(template_id: str, name: str, index: int = 0):
    """The ``index``-th cell of a field, as the shipped template places it."""
    template = load_template(template_id)
    fld = next(f for f in template.fields + template.mirrors if f.name == name)
    return list(template.instances(fld))[index]


def shipped_range(name: str) -> tuple[str, str]:
    """(sheet, ``E17:E56``) of a defined name in the shipped template."""
    return read_defined_names(load_template(JAJF).path)[1][name]


def absolute(sheet: str, ref: str) -> str:
    """``'SKP'!$E$17:$E$56``, the way Name Manager shows a reference."""
    return f"'{sheet}'!" + re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", ref)


# --- what must pass -----------------------------------------------------------------------

@pytest.mark.parametrize("template", TEMPLATES, ids=TEMPLATE_IDS)
def test_shipped_templates_pass_without_any_problem(template):
    report = check_template(template.path)
    assert report.ok
    assert report.problems == []
    assert report.template_id == template.id
    assert report.fields_checked == len(template.fields) + len(template.mirrors)


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_without_manifest_the_template_is_guessed_from_its_names(tmp_path, template_id):
    path = copy_template(tmp_path, template_id, manifest=False)
    report = check_template(path)
    assert report.ok
    assert codes(report) == ["template.manifest_guessed"]
    assert report.problems[0].severity == WARNING
    assert report.template_id == template_id
    assert f"'{template_id}'" in report.problems[0].message()


def test_template_id_in_the_metadata_sheet_finds_the_manifest(tmp_path):
    path = copy_template(tmp_path, "jpt-kualitatif", manifest=False)
    where = read_defined_names(path)[1]["meta_template_id"]
    edit(path, lambda wb: wb[where[0]].__setitem__(where[1], "jpt-kualitatif"))
    report = check_template(path)
    assert (report.ok, report.problems, report.template_id) == (True, [], "jpt-kualitatif")


def test_explicit_manifest_wins(tmp_path):
    path = copy_template(tmp_path, manifest=False)
    report = check_template(path, manifest=load_template(JAJF).manifest_path)
    assert report.ok and report.problems == []


def test_restyled_copy_still_passes(tmp_path):
    def restyle(wb):
        for ws in wb.worksheets:
            for row in ws.iter_rows(max_row=min(ws.max_row, 120)):
                for cell in row:
                    if isinstance(cell, MergedCell):
                        continue
                    cell.font = Font(name="Calibri", size=11, color="1F4E79")
                    if cell.fill.fill_type == "solid":
                        cell.fill = PatternFill("solid", fgColor="DDEBF7")
            for letter in "ABCDEFGH":
                ws.column_dimensions[letter].width = 18

    path = edit(copy_template(tmp_path), restyle)
    assert openpyxl.load_workbook(path)["SKP"]["E17"].font.name == "Calibri"
    report = check_template(path)
    assert report.ok and report.problems == []


def test_libreoffice_copies_still_pass(tmp_path, convert):
    (tmp_path / "in").mkdir()
    sources = [copy_template(tmp_path / "in", tid, name=tid, manifest=False)
               for tid in TEMPLATE_IDS]
    outputs = convert(sources, "xlsx", tmp_path / "lo")
    for template_id, output in zip(TEMPLATE_IDS, outputs):
        shutil.copyfile(load_template(template_id).manifest_path, output.with_suffix(".json"))
        report = check_template(output)
        assert report.ok, [p.message("en") for p in report.problems]
        # LibreOffice turns veryHidden into hidden (still fine) and drops the workbook's
        # structure protection, which is only worth a warning
        assert set(codes(report)) <= {"template.workbook_unprotected"}


# --- what must be found -------------------------------------------------------------------

def test_deleted_defined_name_is_reported_with_where_it_was(tmp_path):
    path = edit(copy_template(tmp_path), lambda wb: wb.defined_names.pop("hku_indikator"))
    report = check_template(path)
    problem = only(report, "template.name_missing")
    assert not report.ok and problem.severity == ERROR
    assert problem.path == "$.hasil_kerja.utama[*].iki[*].indikator"
    message = problem.message()
    assert "'hku_indikator'" in message and problem.path in message
    assert f"template asli: ={absolute(*shipped_range('hku_indikator'))}" in message
    assert "Name Manager" in message


def test_deleted_mirror_name_is_only_a_warning(tmp_path):
    path = edit(copy_template(tmp_path), lambda wb: wb.defined_names.pop("predikat_dok"))
    report = check_template(path)
    assert report.ok
    assert only(report, "template.name_missing").severity == WARNING


def test_locked_input_cell_is_reported_with_the_exact_cell(tmp_path):
    inst = instance(JAJF, "hku_indikator", 5)
    path = edit(copy_template(tmp_path), lambda wb: setattr(
        wb[inst.sheet][inst.cell], "protection", Protection(locked=True)))
    report = check_template(path)
    problem = only(report, "template.input_locked")
    assert not report.ok
    assert (problem.sheet, problem.cell, problem.path) == (inst.sheet, inst.cell, inst.path)
    message = problem.message()
    assert f"Sel {inst.sheet}!{inst.cell} (hku_indikator, {inst.path}) terkunci" in message
    assert "Format Cells > Protection" in message and "Locked" in message


def test_locked_neighbouring_cells_make_one_problem_over_their_range(tmp_path):
    first, second = instance(JAJF, "hku_target", 0), instance(JAJF, "hku_target", 1)

    def lock(wb):
        for inst in (first, second):
            wb[inst.sheet][inst.cell].protection = Protection(locked=True)

    report = check_template(edit(copy_template(tmp_path), lock))
    assert only(report, "template.input_locked").cell == f"{first.cell}:{second.cell}"


def test_shortened_repeating_area_is_a_range_size_error(tmp_path):
    sheet, ref = shipped_range("hku_target")
    shorter = re.sub(r"\d+$", lambda m: str(int(m.group()) - 1), ref)

    def shrink(wb):  # what Excel does to the name when a row inside the area is deleted
        wb.defined_names["hku_target"].attr_text = absolute(sheet, shorter)

    report = check_template(edit(copy_template(tmp_path), shrink))
    problem = only(report, "template.range_size")
    assert (problem.sheet, problem.cell, problem.severity) == (sheet, shorter, ERROR)
    assert "39 sel" in problem.message() and "40" in problem.message()


def test_missing_rating_list_is_reported(tmp_path):
    path = edit(copy_template(tmp_path), lambda wb: wb.defined_names.pop("list_rating"))
    report = check_template(path)
    problem = only(report, "template.list_missing")
    assert not report.ok and problem.severity == ERROR
    assert "'list_rating'" in problem.message()
    rating = load_template(JAJF).field("rating_hasil_kerja")
    assert (problem.sheet, problem.cell) == (rating.sheet, rating.cell)  # where it is used


def test_list_pointing_at_empty_cells_is_reported(tmp_path):
    sheet, ref = shipped_range("list_aspek")

    def empty(wb):
        for row in wb[sheet][ref]:
            for cell in row:
                cell.value = None

    problem = only(check_template(edit(copy_template(tmp_path), empty)),
                   "template.list_missing")
    assert (problem.sheet, problem.cell) == (sheet, ref)
    assert "kosong" in problem.message() and "empty" in problem.message("en")


def test_removed_predikat_formula_is_reported(tmp_path):
    predikat = load_template(JAJF).field("predikat")
    path = edit(copy_template(tmp_path),
                lambda wb: setattr(wb[predikat.sheet][predikat.cell], "value", "Baik"))
    report = check_template(path)
    problem = only(report, "template.formula_missing")
    assert not report.ok
    assert (problem.sheet, problem.cell, problem.path) == (
        predikat.sheet, predikat.cell, "$.evaluasi.predikat")


def test_overwritten_mirror_formula_names_the_source_path(tmp_path):
    inst = instance(JAJF, "eku_indikator", 2)
    path = edit(copy_template(tmp_path),
                lambda wb: setattr(wb[inst.sheet][inst.cell], "value", "diketik manual"))
    problem = only(check_template(path), "template.formula_missing")
    assert problem.cell == inst.cell
    assert problem.path == "$.hasil_kerja.utama[0].iki[2].indikator"


def test_broken_and_sheet_scoped_names(tmp_path):
    def damage(wb):
        wb.defined_names["hku_rhk"].attr_text = "#REF!"
        moved = wb.defined_names.pop("hku_satuan")
        wb["SKP"].defined_names["hku_satuan"] = DefinedName("hku_satuan",
                                                            attr_text=moved.attr_text)

    report = check_template(edit(copy_template(tmp_path), damage))
    assert "#REF!" in only(report, "template.name_broken").message()
    assert only(report, "template.name_local").sheet == "SKP"
    assert not report.ok


def test_merged_over_input_cell_is_reported(tmp_path):
    top, below = instance(JAJF, "hku_indikator", 0), instance(JAJF, "hku_indikator", 1)
    path = edit(copy_template(tmp_path),
                lambda wb: wb[top.sheet].merge_cells(f"{top.cell}:{below.cell}"))
    assert only(check_template(path), "template.cell_merged").cell == below.cell


def test_warnings_keep_the_template_usable(tmp_path):
    nama = load_template(JAJF).field("pegawai_nama")
    capaian = load_template(JAJF).field("capaian_organisasi")

    def loosen(wb):
        wb[nama.sheet][nama.cell].protection = Protection(locked=False)
        wb["Petunjuk"].protection.sheet = False
        wb["Lampiran SKP"].protection.sheet = False
        sheet = wb[capaian.sheet]
        sheet.data_validations.dataValidation = [
            dv for dv in sheet.data_validations.dataValidation if capaian.cell not in dv.sqref]
        wb["_skpxl"].sheet_state = "visible"

    report = check_template(edit(copy_template(tmp_path), loosen))
    assert report.ok
    assert {p.severity for p in report.problems} == {WARNING}
    assert only(report, "template.prefilled_unlocked").cell == nama.cell
    assert only(report, "template.sheet_unprotected").sheet == "Lampiran SKP"  # holds fields
    assert "=list_predikat_organisasi" in only(report, "template.validation_missing").message()
    assert "terlihat" in only(report, "template.metadata_sheet").message()


def test_what_the_printed_form_needs_is_checked_too(tmp_path):
    """A lost print range, a page header naming no field, and spare rows staff could not
    unhide are warnings: the template still fills, it just prints or extends less well."""
    template = load_template(JAJF)
    keep = template.keeps[0]
    rhk = template.field("hku_rhk")

    def damage(wb):
        del wb.defined_names[keep.name]
        ws = wb[rhk.sheet]
        ws.oddFooter.left.text = "{nama_pegawai} · NIP {pegawai_nip}"
        ws.protection.formatRows = True   # "Format rows" no longer allowed

    report = check_template(edit(copy_template(tmp_path), damage))
    assert report.ok and {p.severity for p in report.problems} == {WARNING}
    assert keep.name in only(report, "template.print_name_missing").message()
    unknown = only(report, "template.header_unknown")
    assert unknown.sheet == rhk.sheet and "{nama_pegawai}" in unknown.message()
    assert only(report, "template.rows_locked").sheet == rhk.sheet


def test_missing_metadata_sheet_is_an_error(tmp_path):
    path = edit(copy_template(tmp_path), lambda wb: wb.remove(wb["_skpxl"]))
    report = check_template(path)
    assert not report.ok
    assert [p.severity for p in report.problems if p.code == "template.metadata_sheet"] == [ERROR]


# --- files that are not templates ---------------------------------------------------------

def test_unreadable_files_are_problems_not_exceptions(tmp_path):
    text = tmp_path / "catatan.xlsx"
    text.write_text("bukan excel", encoding="utf-8")
    legacy = tmp_path / "lama.xls"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    for path, code in ((text, "template.not_xlsx"), (legacy, "template.not_xlsx"),
                       (tmp_path / "tidak-ada.xlsx", "template.unreadable")):
        report = check_template(path)
        assert (report.ok, codes(report), report.fields_checked) == (False, [code], 0)


def test_template_format_is_reported_but_still_checked(tmp_path):
    path = edit(copy_template(tmp_path), lambda wb: setattr(wb, "template", True))
    report = check_template(path)
    assert codes(report) == ["template.not_xlsx"]
    assert report.fields_checked > 0


def test_unknown_workbook_and_bad_manifest(tmp_path):
    plain = tmp_path / "lain.xlsx"
    openpyxl.Workbook().save(plain)
    assert codes(check_template(plain)) == ["template.manifest_missing"]
    broken = copy_template(tmp_path)
    broken.with_suffix(".json").write_text("{", encoding="utf-8")
    assert codes(check_template(broken)) == ["template.manifest_invalid"]


# --- command line -------------------------------------------------------------------------

def test_cli_exit_codes_and_json(tmp_path):
    runner = CliRunner()
    good = copy_template(tmp_path, name="baik")
    result = runner.invoke(cli, ["template", "check", str(good)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("BISA DIPAKAI: ")

    bad = edit(copy_template(tmp_path, name="rusak"),
               lambda wb: wb.defined_names.pop("list_rating"))
    result = runner.invoke(cli, ["template", "check", str(bad)])
    assert result.exit_code == 1
    assert "list_rating" in result.output and "TIDAK BISA DIPAKAI" in result.output

    result = runner.invoke(cli, ["template", "check", str(bad), "--format", "json",
                                 "--lang", "en"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data == json.loads(json.dumps(check_template(bad).to_dict("en")))
    assert (data["ok"], data["template_id"], data["errors"]) == (False, JAJF, 1)
    assert data["problems"][0]["code"] == "template.list_missing"
