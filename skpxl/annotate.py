"""Annotated copies of returned workbooks that must be fixed: wrong cells marked, a comment on
each, and a first sheet ``Catatan Validasi`` listing every problem. The input file is never
touched.

Only files that must be fixed get a copy (:attr:`~skpxl.validate.FileReport.must_fix`):
a copy tells its owner "fix the marked cells and send the file back", which a file with
warnings only, or one superseded by a newer file, does not need. No stale copy stays
(:func:`replace_copies`): a copy skpxl wrote earlier and nobody changed since is removed
when its file was checked again and needs no fixing, or is gone.

A marked cell must stand out from the yellow input cells on screen and on a greyscale
printout: an error gets a thick dark-red frame and a red diagonal hatch over a pale fill,
a warning a dashed orange frame. The notes sheet prints on one portrait A4 page for up to
ten problems (fit to width, wrapped text, row heights set for it).

openpyxl rewrites the workbook on save; it keeps values, styles, merged cells, defined
names, data validations, protection, hidden sheets and (with Pillow) images, but drops
shapes/form controls and VBA unless ``keep_vba`` (used for .xlsm), and the results of
formulas: those are put back from the source (:func:`_keep_results`), so the copy shows
what the returned file showed and the notes agree with it. .xls and .ods copies are
converted to .xlsx with LibreOffice when it is installed; otherwise only the list is
written.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.properties import PageSetupProperties

from .errors import OutputError
from .writer import write_atomic

SHEET = "Catatan Validasi"
ERROR_FILL = PatternFill("lightUp", fgColor="C00000", bgColor="FFD7D7")
WARNING_FILL = PatternFill("solid", fgColor="FFE4C4")
ERROR_SIDE, WARNING_SIDE = Side("thick", color="C00000"), Side("mediumDashed", color="E36C09")
HEADERS = {"id": ("No", "Jenis", "Lokasi", "Yang harus diperbaiki", "Kode"),
           "en": ("No", "Severity", "Location", "What to fix", "Code")}
SEVERITY = {"id": {"error": "Kesalahan", "warning": "Peringatan"},
            "en": {"error": "Error", "warning": "Warning"}}
WORDS = {
    "id": {"title": "Hasil pemeriksaan SKP", "todo": (
        "File ini belum sah. Perbaiki sel yang diberi bingkai merah tebal dan arsiran merah "
        "(arahkan tetikus ke sel untuk membaca catatannya), simpan, lalu kirim kembali file "
        "ini. Peringatan tidak wajib diperbaiki."),
        "page": "Catatan Validasi, halaman &P"},
    "en": {"title": "SKP validation result", "todo": (
        "This file is not valid yet. Fix the cells with a thick red frame and red hatching "
        "(hover over a cell to read its note), save, and send this file back. Warnings need "
        "no fixing."),
        "page": "Validation notes, page &P"},
}
#: notes sheet columns: width in characters (the code column is not printed)
WIDTHS = (5, 12, 20, 63, 26)
LINE_PT, CHARS_PER_WIDTH = 12.5, 1.25     # one 10 pt line; 10 pt characters per width unit
FONT = "Arial"
INDEX = ".skpxl-salinan.json"             # the copies the last run wrote, with their digests


def _height(text: str, width: float) -> float:
    """Row height (points) showing ``text`` wrapped in a column ``width`` wide."""
    per_line = max(1.0, width * CHARS_PER_WIDTH)
    lines = sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n"))
    return lines * LINE_PT + 5


def _notes_sheet(wb, report, lang: str) -> None:
    words = WORDS.get(lang, WORDS["id"])
    ws = wb.create_sheet(SHEET, 0)
    ws["A1"] = f"{words['title']}: {Path(report.path).name}"
    ws["A1"].font = Font(name=FONT, bold=True, size=12)
    ws.merge_cells("A1:D1")
    ws["A2"] = words["todo"]
    ws["A2"].font = Font(name=FONT, size=10)
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells("A2:D2")
    ws.row_dimensions[2].height = _height(words["todo"], sum(WIDTHS[:4]))
    ws.append(list(HEADERS.get(lang, HEADERS["id"])))
    for cell in ws[3]:
        cell.font = Font(name=FONT, bold=True, size=10)
        cell.border = Border(bottom=Side("thin"))
    for number, problem in enumerate(report.issues, start=1):
        where = f"{problem.sheet}!{problem.cell}" if problem.sheet and problem.cell else "-"
        message = problem.message(lang)
        ws.append([number, SEVERITY.get(lang, SEVERITY["id"]).get(problem.severity),
                   where, message, problem.code])
        row = ws.max_row
        for cell in ws[row]:
            cell.data_type = "s" if isinstance(cell.value, str) else cell.data_type
            cell.alignment = Alignment(wrap_text=True, vertical="center",
                                       horizontal="center" if cell.column == 1 else None)
            cell.font = Font(name=FONT, size=10,
                             bold=problem.severity == "error" and cell.column == 2)
        ws.row_dimensions[row].height = max(_height(message, WIDTHS[3]),
                                            _height(where, WIDTHS[2]))
    for col, width in zip("ABCDE", WIDTHS):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A4"
    ws.print_area = f"A1:D{ws.max_row}"
    ws.print_title_rows = "3:3"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top, ws.page_margins.bottom = 0.6, 0.7
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = words["page"]


def _mark(ws, ref: str, problem, lang: str) -> None:
    """Frame and fill the cells of ``ref`` (a cell or a range; a merged area as a whole)
    and put the problem's message in a comment on its first cell."""
    cells = _area(ws, ref)
    if not cells:
        return
    error = problem.severity == "error"
    side = ERROR_SIDE if error else WARNING_SIDE
    rows = [c.row for c in cells]
    cols = [c.column for c in cells]
    for cell in cells:
        old = cell.border
        if not error and old.left.style == ERROR_SIDE.style and \
                old.left.color == ERROR_SIDE.color:
            continue    # an error frame stays the stronger mark
        cell.border = Border(left=side if cell.column == min(cols) else old.left,
                             right=side if cell.column == max(cols) else old.right,
                             top=side if cell.row == min(rows) else old.top,
                             bottom=side if cell.row == max(rows) else old.bottom)
        if error or cell.fill != ERROR_FILL:
            cell.fill = ERROR_FILL if error else WARNING_FILL
    _first_in_priority(ws, cells, ERROR_FILL if error else WARNING_FILL)
    first = cells[0]
    text = problem.message(lang)
    if first.comment is not None:
        text = f"{first.comment.text}\n{text}"
    first.comment = Comment(text, "skpxl", width=320, height=120)


def _first_in_priority(ws, cells, fill) -> None:
    """The mark's fill as a conditional format ranked above the form's own: an empty input
    cell is yellow through a conditional format ("yellow while empty"), which would
    otherwise cover the mark's fill of an empty cell that has to be filled."""
    from openpyxl.utils import get_column_letter
    rows, cols = [c.row for c in cells], [c.column for c in cells]
    ref = f"{get_column_letter(min(cols))}{min(rows)}:{get_column_letter(max(cols))}{max(rows)}"
    rule = FormulaRule(formula=["TRUE"], fill=fill, stopIfTrue=True)
    ws.conditional_formatting.add(ref, rule)
    for other in (r for cf in ws.conditional_formatting for r in cf.rules):
        if other is not rule:
            other.priority += 1
    rule.priority = 1


def _area(ws, ref: str) -> list:
    """The cells of ``ref``, grown to the merged areas it touches; top-left first."""
    try:
        found = ws[ref]
    except (ValueError, IndexError, KeyError):
        return []
    if not isinstance(found, tuple):
        found = (found,)
    cells = [c for row in found for c in (row if isinstance(row, tuple) else (row,))]
    out, seen = [], set()
    for cell in cells:
        merged = next((m for m in ws.merged_cells.ranges
                       if m.min_row <= cell.row <= m.max_row
                       and m.min_col <= cell.column <= m.max_col), None)
        coords = [(r, c) for r in range(merged.min_row, merged.max_row + 1)
                  for c in range(merged.min_col, merged.max_col + 1)] if merged else \
            [(cell.row, cell.column)]
        for row, col in coords:
            if (row, col) not in seen:
                seen.add((row, col))
                out.append(ws.cell(row, col))
    out.sort(key=lambda c: (c.row, c.column))
    return out


def annotated_bytes(source: Path, report, lang: str = "id") -> bytes:
    """The annotated workbook for ``report`` (``source`` must be .xlsx/.xlsm)."""
    wb = load_workbook(source, keep_vba=source.suffix.lower() == ".xlsm", keep_links=True)
    for problem in report.issues:
        if problem.sheet and problem.cell and problem.sheet in wb.sheetnames:
            _mark(wb[problem.sheet], problem.cell, problem, lang)
    _notes_sheet(wb, report, lang)
    wb.active = 0
    for ws in wb.worksheets[1:]:
        ws.sheet_view.tabSelected = False
    buffer = io.BytesIO()
    wb.save(buffer)
    return _keep_results(buffer.getvalue(), source)


# a formula cell as openpyxl writes it, without a result (formula text holds no "<")
_FORMULA_CELL = re.compile(rb'<c r="([A-Z]{1,3}[0-9]{1,7})"([^>]*?)>'
                           rb'(<f(?:\s[^>]*)?>[^<]*</f>|<f\s[^>]*/>)(?:<v\s*/>|<v>\s*</v>)?</c>')
_T_ATTR = re.compile(rb'\st="[^"]*"')
_HEADER_FOOTER = re.compile(rb"<headerFooter\b.*?</headerFooter>", re.S)


def _unescape_line_breaks(match: re.Match) -> bytes:
    """openpyxl writes the line break of a two-line page header as ``_x000a_``, which
    Excel reads back as a line break but LibreOffice prints as it stands."""
    return match.group(0).replace(b"_x000a_", b"\n")


def _keep_results(data: bytes, source: Path) -> bytes:
    """openpyxl writes formulas without their results; put back the result each formula
    cell had in the source (read by the value reader), so that the copy shows on screen
    and on paper what the returned file showed, and what its notes speak of. When every
    result was there, the copy also stops asking to be recalculated on opening (which would
    show the predikat the formula gives now, not the one the notes are about); a source
    without results (saved by a program that does not calculate) keeps the request."""
    from .reader import read_workbook
    from .writer import excel_serial, sheet_parts
    try:
        book = read_workbook(source)
    except OSError:
        return data
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        parts = sheet_parts(zf)
        infos = zf.infolist()
        members = {info.filename: zf.read(info.filename) for info in infos}
    lacking = 0
    for sheet, member in parts.items():
        if sheet not in book.sheet_names or member not in members:
            continue
        grid = book.cells(sheet)

        def put(match: re.Match) -> bytes:
            nonlocal lacking
            ref = match.group(1).decode()
            row, col = _row_col(ref)
            value = grid[row][col] if row < len(grid) and col < len(grid[row]) else None
            attrs = _T_ATTR.sub(b"", match.group(2))
            if value is None and not book.uncalculated(sheet, ref):
                value = ""     # an empty result (the predikat before the ratings are set)
            if value is None or isinstance(value, bool):
                lacking += 1
                return match.group(0)
            if isinstance(value, (date, datetime)):
                value = excel_serial(value)
            if isinstance(value, (int, float)):
                return b'<c r="%s"%s>%s<v>%s</v></c>' % (match.group(1), attrs, match.group(3),
                                                        repr(value).encode())
            if not isinstance(value, str):
                lacking += 1
                return match.group(0)
            return b'<c r="%s"%s t="str">%s<v>%s</v></c>' % (
                match.group(1), attrs, match.group(3), escape(value).encode("utf-8"))
        members[member] = _HEADER_FOOTER.sub(_unescape_line_breaks,
                                             _FORMULA_CELL.sub(put, members[member]))
    if not lacking and "xl/workbook.xml" in members:
        members["xl/workbook.xml"] = re.sub(rb'\sfullCalcOnLoad="(?:1|true)"', b"",
                                            members["xl/workbook.xml"])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in infos:
            zf.writestr(info, members[info.filename])
    return out.getvalue()


def _row_col(ref: str) -> tuple[int, int]:
    from .reader import parse_a1
    return parse_a1(ref)


def _to_xlsx_with_libreoffice(source: Path, workdir: Path) -> Path | None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return None
    profile = workdir / "profile"
    try:
        subprocess.run([soffice, "--headless", "--norestore",
                        f"-env:UserInstallation={profile.as_uri()}", "--convert-to", "xlsx",
                        "--outdir", str(workdir), str(source)], check=True, timeout=180,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    converted = workdir / f"{source.stem}.xlsx"
    return converted if converted.exists() else None


def annotate_files(reports, outdir: Path, *, lang: str = "id", jobs=1) -> list[Path]:
    """Write one annotated copy per report into ``outdir``; returns the paths.

    Give it the reports of files that must be fixed. Copies are named after their source
    (numbered when two sources share a name) and written in parallel with ``jobs``
    (openpyxl's load/save is the slow part).
    """
    from .executor import map_ordered
    used: set[str] = set()
    tasks = []
    outdir.mkdir(parents=True, exist_ok=True)
    for report in reports:
        source = Path(report.path)
        name = f"{source.stem}.xlsx" if source.suffix.lower() != ".xlsm" else source.name
        stem, suffix, n = Path(name).stem, Path(name).suffix, 1
        while name in used:
            n += 1
            name = f"{stem}-{n}{suffix}"
        used.add(name)
        tasks.append((report, str(outdir / name), lang))
    return [Path(p) for p in map_ordered(_annotate_one, tasks, jobs)]


def replace_copies(outdir: Path, written: dict, checked) -> list[Path]:
    """Leave no stale copy in ``outdir``: a copy an earlier run wrote (listed in the
    folder's hidden index with its source and SHA-256) is removed when its source was
    checked again in this run (``checked``: the paths of this run's files) and needs no
    copy now, or when its source is gone; unless someone changed the copy since. Copies
    of files this run did not check (another unit's) stay. ``written``: this run's copies
    (path -> the path of its source). Returns the paths removed."""
    from .writer import remove_stale_parts
    remove_stale_parts(outdir)
    index = outdir / INDEX
    try:
        earlier = json.loads(index.read_text("utf-8")).get("copies", {})
        earlier = {str(k): v for k, v in earlier.items() if isinstance(v, dict)}
    except (OSError, ValueError, AttributeError):
        earlier = {}
    checked = {_resolved(p) for p in checked}
    now = {Path(p).name: {"sha256": _digest(Path(p)), "source": _resolved(source)}
           for p, source in written.items()}
    removed, kept = [], {}
    for name, entry in earlier.items():
        path = outdir / name
        if name in now or Path(name).name != name or not path.is_file():
            continue
        source = str(entry.get("source") or "")
        if (source in checked or not Path(source).is_file()) and \
                _digest(path) == entry.get("sha256"):
            path.unlink()
            removed.append(path)
        else:
            kept[name] = entry
    listing = {"tool": "skpxl validate --annotate", "copies": {**kept, **now}}
    if now or index.exists():
        _hide(index, False)   # Windows will not replace a hidden file
        write_atomic(index, json.dumps(listing, ensure_ascii=False, indent=1).encode("utf-8"))
        _hide(index, True)
    return removed


def _resolved(path) -> str:
    try:
        return str(Path(path).resolve())
    except OSError:
        return str(path)


def _hide(path: Path, hidden: bool) -> None:
    """Hide the index in Windows Explorer too (a leading dot hides it elsewhere)."""
    if os.name == "nt" and path.exists():
        import ctypes
        ctypes.windll.kernel32.SetFileAttributesW(str(path), 2 if hidden else 128)


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _annotate_one(task) -> str:
    report, target, lang = task
    target, source = Path(target), Path(report.path)
    with tempfile.TemporaryDirectory(prefix="skpxl-annotate-") as tmp:
        readable = source
        if source.suffix.lower() in (".xls", ".ods"):
            readable = _to_xlsx_with_libreoffice(source, Path(tmp))
        try:
            if readable is None or not any(p.sheet for p in report.issues) or \
                    report.format is None:
                raise ValueError("list only")
            data = annotated_bytes(readable, report, lang)
        except Exception:  # noqa: BLE001 - unreadable, foreign or broken: the list still helps
            wb = Workbook()
            wb.remove(wb.active)
            _notes_sheet(wb, report, lang)
            buffer = io.BytesIO()
            wb.save(buffer)
            data = buffer.getvalue()
            target = target.with_name(f"{target.stem}.catatan.xlsx")
    try:
        write_atomic(target, data)
    except OSError as exc:
        raise OutputError(f"Tidak dapat menulis {target}: {exc.strerror or exc}.",
                          en=f"Cannot write {target}: {exc.strerror or exc}.") from None
    return str(target)
