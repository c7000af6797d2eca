"""Check that a customised template still works with skpxl (``skpxl template check``).

Agencies restyle the shipped templates in Excel or LibreOffice. Fonts, fills and widths are
harmless; what breaks skpxl is a lost or broken defined name, rows inserted or deleted inside
a repeating area, a locked input cell, a lost formula or a lost dropdown list.
:func:`check_template` finds those and returns a :class:`TemplateCheckReport` of
:class:`~skpxl.problems.Problem` records: a bad input file is a problem, never an exception.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from typing import TYPE_CHECKING

from .errors import SkpxlError
from .manifest import (METADATA_SHEET, Field, Instance, Template, a1, expand_path,
                       load_manifest, manifest_for, read_defined_names, template_from_manifest)
from .paper import PLACEHOLDER
from .problems import ERROR, WARNING, Problem, define, has_errors
from .resources import templates_dir

if TYPE_CHECKING:   # openpyxl is imported when a template is checked: skpxl validate shares
    from openpyxl.workbook.workbook import Workbook   # missing_formulas, not openpyxl

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_NAME = re.compile(r"^[A-Za-z_\\][\w.\\]*$")  # a defined name used as a dropdown source
_CELL = re.compile(r"^\$?[A-Za-z]{1,3}\$?\d+$")
_SEL, _CELL_EN = "Sel {ref} ({name}, {path})", "Cell {ref} ({name}, {path})"
_NM_ID, _NM_EN = "Perbaiki di Formulas > Name Manager", "Fix it in Formulas > Name Manager"

define("template.not_xlsx", ERROR,
       "File {file} bukan workbook .xlsx biasa ({why[id]}). Buka di Excel, lalu File > Save As "
       "> 'Excel Workbook (*.xlsx)'.", "File {file} is not a plain .xlsx workbook ({why[en]}). "
       "Open it in Excel, then File > Save As > 'Excel Workbook (*.xlsx)'.")
define("template.unreadable", ERROR,
       "File {file} tidak dapat dibaca: {reason}. Pastikan file tidak rusak dan tidak dikunci "
       "kata sandi pembuka, lalu simpan ulang sebagai .xlsx.", "File {file} cannot be read: "
       "{reason}. Make sure it is not damaged or encrypted, then save it again as .xlsx.")
define("template.manifest_missing", ERROR,
       "Manifest untuk {file} tidak ditemukan: tidak ada {beside} di sebelahnya dan nama-nama "
       "di workbook tidak cocok dengan template bawaan. Berikan manifest dengan --manifest.",
       "No manifest for {file}: no {beside} beside it and no shipped template shares its "
       "names. Pass one with --manifest.")
define("template.manifest_invalid", ERROR, "Manifest {manifest} tidak dapat dipakai: {reason}.",
       "Manifest {manifest} cannot be used: {reason}.")
define("template.manifest_guessed", WARNING,
       "Tidak ada manifest di sebelah file dan sel meta_template_id kosong; workbook dianggap "
       "template '{id}' ({common} dari {total} nama cocok). Jika salah, pakai --manifest.",
       "No manifest beside the file and meta_template_id is empty; taken to be template "
       "'{id}' ({common} of {total} names match). If wrong, use --manifest.")
define("template.metadata_sheet", ERROR, "Sheet '{sheet}' {why[id]}", "Sheet '{sheet}' {why[en]}")
define("template.workbook_unprotected", WARNING,
       "Struktur workbook tidak diproteksi: pegawai bisa menambah, menghapus, mengganti nama "
       "atau memunculkan sheet. Aktifkan Review > Protect Workbook (centang Structure).",
       "The workbook structure is not protected: staff can add, delete, rename or unhide "
       "sheets. Turn on Review > Protect Workbook (tick Structure).")
define("template.name_missing", ERROR,
       "Nama (defined name) '{name}' untuk {path} tidak ada{was[id]}. Buat lagi lewat Formulas "
       "> Name Manager > New, Scope 'Workbook'.", "Defined name '{name}' for {path} is "
       "missing{was[en]}. Create it again in Formulas > Name Manager > New, scope 'Workbook'.")
define("template.name_local", ERROR,
       "Nama '{name}' ({path}) hanya berlaku untuk sheet '{scope}'. " + _NM_ID + ": hapus lalu "
       "buat ulang dengan Scope 'Workbook'.", "Name '{name}' ({path}) is scoped to sheet "
       "'{scope}'. " + _NM_EN + ": delete it and create it again with scope 'Workbook'.")
define("template.name_broken", ERROR,
       "Nama '{name}' ({path}) menunjuk ke {target}, yang tidak ada lagi (sheet atau sel "
       "terhapus). " + _NM_ID + ": arahkan 'Refers to' ke sel yang benar.", "Name '{name}' "
       "({path}) refers to {target}, which no longer exists. " + _NM_EN + ".")
define("template.range_size", ERROR,
       "Nama '{name}' ({path}) mencakup {actual} sel ({ref}), padahal harus {expected} ({blocks} "
       "blok x {rows} baris): ada baris disisipkan/dihapus di area berulang ini. Kembalikan "
       "barisnya; baris yang tidak terpakai cukup dibiarkan kosong.", "Name '{name}' ({path}) "
       "covers {actual} cells ({ref}), not {expected}: rows were inserted or deleted here.")
define("template.cell_merged", ERROR,
       _SEL + " tergabung (merge) ke sel lain, sehingga isian tidak masuk ke sel ini. Pilih "
       "areanya, Home > Merge & Center > Unmerge Cells.", _CELL_EN + " is merged into another "
       "cell, so what is typed does not land in it. Unmerge it (Home > Merge & Center).")
define("template.input_locked", ERROR,
       _SEL + " terkunci pada sheet yang diproteksi, sehingga pegawai tidak bisa mengisinya. "
       "Review > Unprotect Sheet, buka Format Cells > Protection dan hilangkan centang Locked, "
       "lalu proteksi lagi.", _CELL_EN + " is locked on a protected sheet, so staff cannot "
       "type in it. Unprotect, untick Format Cells > Protection > Locked, protect again.")
define("template.prefilled_unlocked", WARNING,
       _SEL + " diisi oleh SDM atau dihitung otomatis, tetapi tidak terkunci. Buka Format "
       "Cells > Protection dan centang Locked.", _CELL_EN + " is filled by HR or computed but "
       "not locked. Tick Format Cells > Protection > Locked.")
define("template.sheet_unprotected", WARNING,
       "Sheet '{sheet}' berisi {count} field tetapi tidak diproteksi; data SDM dan rumus bisa "
       "diubah pegawai. Proteksi lagi: Review > Protect Sheet.", "Sheet '{sheet}' holds {count} "
       "fields but is not protected. Protect it again: Review > Protect Sheet.")
define("template.formula_missing", ERROR,
       _SEL + " seharusnya berisi rumus, tetapi rumusnya hilang (tertimpa atau terhapus). "
       "Salin rumus dari sel yang sama pada template asli.", _CELL_EN + " should hold a "
       "formula but it is gone. Copy it from the same cell of the original template.")
define("template.list_missing", ERROR,
       "Daftar pilihan '{name}'{used[id]} {why[id]}, sehingga dropdown kosong atau rusak. "
       + _NM_ID + ": '{name}' harus menunjuk ke sel berisi pilihannya.", "Dropdown list "
       "'{name}'{used[en]} {why[en]}, so the dropdown is empty or broken. " + _NM_EN + ".")
define("template.validation_missing", WARNING,
       _SEL + " tidak punya dropdown (validasi data List). Pilih sel itu, Data > Data "
       "Validation, Allow: List, Source: {source}.", _CELL_EN + " has no list data "
       "validation. Select it, Data > Data Validation, Allow: List, Source: {source}.")

define("template.print_name_missing", WARNING,
       "Nama '{name}' (baris yang dicetak bersama pada satu halaman) tidak ada atau rusak; "
       "pemisah halaman bisa memotong bagian itu. " + _NM_ID + ": arahkan ke baris yang benar.",
       "Name '{name}' (rows printed together on one page) is missing or broken; a page break "
       "may cut that part. " + _NM_EN + ".")
define("template.header_unknown", WARNING,
       "Header/footer halaman sheet '{sheet}' memuat {{{name}}}, yang bukan nama field "
       "template; teks itu tercetak apa adanya. Pakai nama field, misalnya {{pegawai_nama}}.",
       "The page header/footer of sheet '{sheet}' holds {{{name}}}, which is not a field of "
       "the template; it prints as it is. Use a field name such as {{pegawai_nama}}.")
define("template.rows_locked", WARNING,
       "Sheet '{sheet}' diproteksi tanpa izin 'Format rows': di Excel dan WPS pegawai tidak "
       "dapat memunculkan baris cadangan untuk menambah RHK, IKI atau isian lampiran. Review "
       "> Unprotect Sheet, lalu Protect Sheet lagi dengan centang 'Format rows'.",
       "Sheet '{sheet}' is protected without 'Format rows': in Excel and WPS staff cannot "
       "unhide the spare rows to add an RHK, IKI or lampiran item. Protect it again with "
       "'Format rows' ticked.")


def _both(id_text: str, en_text: str) -> dict[str, str]:
    """A message part that differs by situation, in both languages: ``{why[id]}``."""
    return {"id": id_text, "en": en_text}


@dataclass
class TemplateCheckReport:
    """What ``skpxl template check`` found in one workbook; ``ok`` when it has no errors."""

    path: Path
    template_id: str | None = None
    manifest_path: Path | None = None
    fields_checked: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)

    def add(self, code: str, *, severity: str = "", sheet: str | None = None,
            cell: str | None = None, **params) -> None:
        """Record a problem; ``sheet`` and the ``path`` parameter serve message and record."""
        self.problems.append(Problem(code, {"sheet": sheet, **params}, severity=severity,
                                     sheet=sheet, cell=cell, path=params.get("path") or None))

    def to_dict(self, lang: str = "id") -> dict:
        return {"path": str(self.path), "ok": self.ok, "template_id": self.template_id,
                "manifest": str(self.manifest_path) if self.manifest_path else None,
                "fields_checked": self.fields_checked,
                "errors": sum(p.severity == ERROR for p in self.problems),
                "warnings": sum(p.severity == WARNING for p in self.problems),
                "problems": [p.to_dict(lang) for p in self.problems]}


def check_template(path: str | Path, *, manifest: str | Path | None = None) -> TemplateCheckReport:
    """Check that the workbook at ``path`` still works as a skpxl template.

    The manifest is ``manifest`` if given, else the ``.json`` beside the workbook, else the
    shipped manifest named by the workbook's ``meta_template_id`` cell, else the shipped
    manifest sharing the most defined names with the workbook (with a warning).
    """
    path = Path(path)
    report = TemplateCheckReport(path)
    wb = _open(path, report)
    data = _find_manifest(path, manifest, wb, report) if wb is not None else None
    if data is None:
        return report
    try:
        template = template_from_manifest(data, path, report.manifest_path, strict=False)
    except (SkpxlError, KeyError, TypeError, ValueError) as exc:
        report.add("template.manifest_invalid", manifest=str(report.manifest_path),
                   reason=str(exc) or type(exc).__name__)
        return report
    report.template_id = template.id
    _Checker(template, wb, report, data.get("file", "")).run()
    return report


def _open(path: Path, report: TemplateCheckReport) -> Workbook | None:
    """The workbook, or None after reporting why it cannot be read."""
    def not_xlsx(id_text: str, en_text: str) -> None:
        report.add("template.not_xlsx", file=path.name, why=_both(id_text, en_text))
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
    except OSError as exc:
        report.add("template.unreadable", file=path.name, reason=exc.strerror or str(exc))
        return None
    if head == b"\xd0\xcf\x11\xe0":  # OLE2: an .xls, or an .xlsx encrypted with a password
        return not_xlsx("format Excel 97-2003 atau dikunci kata sandi pembuka",
                        "Excel 97-2003 format, or encrypted with an open password")
    try:
        with zipfile.ZipFile(path) as zf:
            content_types = zf.read("[Content_Types].xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError):
        return not_xlsx("bukan file Excel", "not an Excel file")
    if XLSX_TYPE not in content_types:  # .xlsm/.xltx: generated copies would not open as .xlsx
        not_xlsx("disimpan sebagai template atau workbook bermakro",
                 "saved as a template or a macro-enabled workbook")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about parts it does not keep
            from openpyxl import load_workbook
            return load_workbook(path, read_only=False, data_only=False, keep_links=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on damaged files
        report.add("template.unreadable", file=path.name, reason=str(exc) or type(exc).__name__)
        return None


def _find_manifest(path: Path, explicit: str | Path | None, wb: Workbook,
                   report: TemplateCheckReport) -> dict | None:
    """Load the manifest to check against (see :func:`check_template`)."""
    candidate = Path(explicit) if explicit else manifest_for(path)
    if not explicit and not candidate.is_file():
        where = read_defined_names(path)[1].get("meta_template_id")
        template_id = wb[where[0]][where[1].split(":")[0]].value \
            if where and where[0] in wb.sheetnames else None
        candidate = templates_dir() / f"{template_id}.json"
        if not (isinstance(template_id, str) and re.fullmatch(r"[\w-]+", template_id)
                and candidate.is_file()):
            return _guess_manifest(path, wb, report)
    try:
        data = load_manifest(candidate)
    except SkpxlError as exc:
        report.add("template.manifest_invalid", manifest=str(candidate), reason=exc.message)
        return None
    report.manifest_path = candidate
    return data


def _guess_manifest(path: Path, wb: Workbook, report: TemplateCheckReport) -> dict | None:
    """The shipped manifest with most names in common (fewest names missing on a tie)."""
    names = set(wb.defined_names)
    best: tuple[tuple[int, int], Path, dict, int] | None = None
    for candidate in sorted(templates_dir().glob("*.json")):
        data = load_manifest(candidate)
        wanted = {spec["name"] for spec in data.get("fields", []) + data.get("mirrors", [])}
        score = (len(wanted & names), -len(wanted - names))
        if best is None or score > best[0]:
            best = (score, candidate, data, len(wanted))
    if best is None or best[0][0] == 0:
        report.add("template.manifest_missing", file=path.name, beside=manifest_for(path).name)
        return None
    (common, _), report.manifest_path, data, total = best
    report.add("template.manifest_guessed", id=data.get("id"), common=common, total=total)
    return data


class _Checker:
    """Runs every check of one workbook against one manifest."""

    def __init__(self, template: Template, wb: Workbook, report: TemplateCheckReport,
                 original_file: str):
        self.t, self.wb, self.report = template, wb, report
        self.refs = read_defined_names(template.path)[1]
        # where each name sits in the original template, to tell how to recreate it
        self.original: dict[str, tuple[str, str]] = {}
        folders = [template.manifest_path.parent] if template.manifest_path else []
        for source in [folder / original_file for folder in folders + [templates_dir()]]:
            if original_file and source.is_file() and not source.samefile(template.path):
                self.original = read_defined_names(source)[1]
                break
        self.dvs = [(ws.title, dv) for ws in wb.worksheets
                    for dv in ws.data_validations.dataValidation if dv.type == "list"]

    def run(self) -> None:
        self.check_workbook()
        every = self.t.fields + self.t.mirrors
        usable = [fld for fld in every if self.check_name(fld)]
        self.report.fields_checked = len(every)
        for fld in usable:
            self.check_cells(fld)
        for fld, run in missing_formulas(self.t, self.holds_formula, usable):
            self.report_run("template.formula_missing", fld, run)
        for sheet in dict.fromkeys(fld.sheet for fld in usable):
            if not self.wb[sheet].protection.sheet:
                self.report.add("template.sheet_unprotected", sheet=sheet,
                                count=sum(fld.sheet == sheet for fld in usable))
        self.check_lists()
        self.check_print(usable)

    def check_print(self, usable: list[Field]) -> None:
        """What the printed form needs: the ranges kept on one page, the fields the page
        header and footer name, and spare rows staff can unhide."""
        for keep in self.t.keeps:
            ref = self.refs.get(keep.name)
            if keep.sheet is None or ref is None or ref[0] not in self.wb.sheetnames:
                self.report.add("template.print_name_missing", name=keep.name)
        known = {fld.name for fld in self.t.fields}
        for ws in self.wb.worksheets:
            hf = ws.HeaderFooter
            texts = [str(getattr(hf, part)) for part in ("oddHeader", "oddFooter", "evenHeader",
                                                         "evenFooter", "firstHeader",
                                                         "firstFooter")]
            for name in dict.fromkeys(n for text in texts for n in PLACEHOLDER.findall(text)):
                if name not in known:
                    self.report.add("template.header_unknown", sheet=ws.title, name=name)
        groups = self.t.groups
        collapsible = {fld.sheet for fld in usable if fld.kind == "input" and
                       fld.group in groups and groups[fld.group].blank_blocks is not None}
        for sheet in sorted(collapsible):
            protection = self.wb[sheet].protection
            if protection.sheet and protection.formatRows:
                self.report.add("template.rows_locked", sheet=sheet)

    def check_workbook(self) -> None:
        """The hidden metadata sheet and the workbook structure protection."""
        if METADATA_SHEET not in self.wb.sheetnames:
            self.report.add("template.metadata_sheet", sheet=METADATA_SHEET, why=_both(
                "tidak ada. Sheet tersembunyi ini menyimpan identitas template dan daftar "
                "pilihan; mulai lagi dari template asli lalu terapkan lagi perubahan tampilan.",
                "is missing. This hidden sheet holds the template identity and the dropdown "
                "lists; start again from the original template and reapply the styling."))
        elif self.wb[METADATA_SHEET].sheet_state == "visible":
            self.report.add("template.metadata_sheet", severity=WARNING, sheet=METADATA_SHEET,
                            why=_both("terlihat oleh pegawai. Sembunyikan: klik kanan tab sheet"
                                      " > Hide.", "is visible: right-click its tab > Hide."))
        if not (self.wb.security and self.wb.security.lockStructure):
            self.report.add("template.workbook_unprotected")

    def check_name(self, fld: Field) -> bool:
        """Report a missing, sheet-scoped, broken or resized name; True when usable."""
        where = {"name": fld.name, "path": self.path_of(fld)}
        severity = ERROR if fld.required and not fld.mirror else WARNING
        if fld.name not in self.wb.defined_names:
            local = [ws.title for ws in self.wb.worksheets if fld.name in ws.defined_names]
            if local:  # Excel makes sheet-scoped copies of names when a sheet is copied
                self.report.add("template.name_local", severity=severity, sheet=local[0],
                                scope=local[0], **where)
                return False
            sheet, ref = self.original.get(fld.name, ("", ""))
            was = f"='{sheet}'!" + re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", ref)  # as Excel wants it
            self.report.add("template.name_missing", severity=severity, **where, was=_both(
                f"; di template asli: {was}", f"; originally {was}") if ref else _both("", ""))
            return False
        ref = self.refs.get(fld.name)
        if ref is None or ref[0] not in self.wb.sheetnames:
            self.report.add("template.name_broken", severity=ERROR if ref else severity,
                            target=self.wb.defined_names[fld.name].attr_text, **where)
            return False
        group = self.t.groups.get(fld.group or "")
        from openpyxl.utils.cell import range_boundaries
        min_col, min_row, max_col, max_row = range_boundaries(ref[1])
        actual = (max_col - min_col + 1) * (max_row - min_row + 1)
        if group and actual != group.blocks * group.rows_per_block:
            self.report.add("template.range_size", sheet=ref[0], cell=ref[1],
                            ref=f"{ref[0]}!{ref[1]}", actual=actual, blocks=group.blocks,
                            expected=group.blocks * group.rows_per_block,
                            rows=group.rows_per_block, **where)
            return False
        return True

    def check_cells(self, fld: Field) -> None:
        """Merges, protection, formulas and dropdowns of every cell of one field."""
        ws = self.wb[fld.sheet]
        protected = bool(ws.protection.sheet)
        found: dict[str, list[tuple[int, Instance]]] = {}
        for index, inst in enumerate(self.t.instances(fld)):
            cell = ws.cell(inst.row, inst.col)
            codes = []
            if _merged(cell):  # only a merged area's top-left cell matters
                codes.append("template.cell_merged")
            elif fld.kind == "input":
                if protected and cell.protection.locked:
                    codes.append("template.input_locked")
                if fld.type == "enum" and not any(
                        sheet == ws.title and inst.cell in dv.sqref for sheet, dv in self.dvs):
                    codes.append("template.validation_missing")
            elif protected and not cell.protection.locked:
                codes.append("template.prefilled_unlocked")
            for code in codes:
                found.setdefault(code, []).append((index, inst))
        for code, hits in found.items():
            for run in _runs(hits):
                self.report_run(code, fld, run)

    def holds_formula(self, fld: Field, inst: Instance) -> bool:
        """The cell holds a formula (a merged cell is reported as merged instead)."""
        cell = self.wb[fld.sheet].cell(inst.row, inst.col)
        return _merged(cell) or cell.data_type == "f"

    def report_run(self, code: str, fld: Field, run: list[Instance]) -> None:
        """One problem for a run of neighbouring cells of a field (a block spans its rows)."""
        cell = run_cells(self.t, fld, run)
        choices = list(fld.choices or [])
        source = next((f"={name}" for name, values in self.t.lists.items()
                       if choices and list(values) == choices), ",".join(choices))
        self.report.add(code, sheet=fld.sheet, cell=cell, ref=f"{fld.sheet}!{cell}",
                        name=fld.name, path=self.path_of(fld, run[0] if len(run) == 1 else None),
                        source=source)

    def path_of(self, fld: Field, inst: Instance | None = None) -> str:
        return source_path(self.t, fld, inst)

    def check_lists(self) -> None:
        """Manifest lists and named dropdown sources must exist and hold values."""
        used: dict[str, list[str]] = {}
        for sheet, dv in self.dvs:
            name = (dv.formula1 or "").lstrip("=").strip()
            if _NAME.match(name) and not _CELL.match(name):
                used.setdefault(name, []).extend(f"{sheet}!{r}" for r in str(dv.sqref).split())
        filled_later = {fld.name for fld in self.t.fields}  # e.g. list_rhk_pimpinan
        for name in dict.fromkeys([*self.t.lists, *used]):
            shown = ", ".join(used.get(name, []))
            params = {"name": name, "used": _both(f" (dipakai di {shown})", f" (used in "
                                                  f"{shown})") if shown else _both("", "")}
            ref = self.refs.get(name)
            if ref is None or ref[0] not in self.wb.sheetnames:
                sheet, _, cell = shown.split(",")[0].partition("!")
                self.report.add("template.list_missing", sheet=sheet or None, cell=cell or None,
                                why=_both("tidak ada sebagai nama (defined name)",
                                          "does not exist as a defined name"), **params)
                continue
            from openpyxl.utils.cell import range_boundaries
            min_col, min_row, max_col, max_row = range_boundaries(ref[1])
            rows = self.wb[ref[0]].iter_rows(min_row=min_row, max_row=max_row,
                                             min_col=min_col, max_col=max_col, values_only=True)
            if name not in filled_later and all(v in (None, "") for row in rows for v in row):
                location = f"{ref[0]}!{ref[1]}"
                self.report.add("template.list_missing", sheet=ref[0], cell=ref[1], **params,
                                why=_both(f"menunjuk ke sel kosong {location}",
                                          f"refers to empty cells {location}"))


def _merged(cell) -> bool:
    """An openpyxl MergedCell: a cell covered by a merged area."""
    return cell.__class__.__name__ == "MergedCell"


def source_path(template: Template, fld: Field, inst: Instance | None = None) -> str:
    """JSON path of a field (of its source, for a mirror), concrete for one instance."""
    pattern = fld.path
    if fld.mirror:
        pattern = next((src.path for src in template.fields if src.name == fld.mirror), "")
    if inst is None:
        return pattern
    return expand_path(pattern, *[i for i in (inst.block, inst.item) if i is not None])


def formula_fields(template: Template) -> list[Field]:
    """The fields whose cells hold a formula: computed fields (the predikat) and mirrors."""
    return [fld for fld in template.fields + template.mirrors
            if fld.sheet and (fld.kind == "formula" or fld.mirror)]


def missing_formulas(template: Template, holds_formula, fields=None
                     ) -> list[tuple[Field, list[Instance]]]:
    """Every run of neighbouring cells of the formula fields (``fields``, else all of
    :func:`formula_fields`) whose formula was cleared, overwritten or deleted:
    ``holds_formula(field, instance)`` tells one cell. The one check behind
    ``template.formula_missing`` (``skpxl template check``, on a customised template) and
    ``skp.formula_missing`` (``skpxl validate``, on a returned workbook)."""
    found = []
    for fld in fields if fields is not None else formula_fields(template):
        if not (fld.kind == "formula" or fld.mirror):
            continue
        hits = [(index, inst) for index, inst in enumerate(template.instances(fld))
                if not holds_formula(fld, inst)]
        found += [(fld, run) for run in _runs(hits)]
    return found


def run_cells(template: Template, fld: Field, run: list[Instance], rows: int = 0,
              cols: int = 0) -> str:
    """``E20`` or ``E20:E23``: the cells of a run of one field (a block spans its rows),
    moved by ``rows`` and ``cols`` (a returned file whose rows were inserted above)."""
    first, last = run[0], run[-1]
    group = template.groups.get(fld.group or "")
    end_row = last.row + (group.rows_per_block - 1 if group and fld.level == "block" else 0)
    start = a1(first.row + rows, first.col + cols)
    if first is last and end_row == first.row:
        return start
    return f"{start}:{a1(end_row + rows, last.col + cols)}"


def _runs(hits: list[tuple[int, Instance]]) -> list[list[Instance]]:
    """Split (position, instance) hits into runs of neighbouring positions in the range."""
    runs: list[list[tuple[int, Instance]]] = []
    for hit in hits:
        if runs and hit[0] == runs[-1][-1][0] + 1:
            runs[-1].append(hit)
        else:
            runs.append([hit])
    return [[inst for _, inst in run] for run in runs]
