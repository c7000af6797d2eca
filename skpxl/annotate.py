"""Annotated copies of returned workbooks: wrong cells highlighted, a comment on each, and a
first sheet ``Catatan Validasi`` listing every problem. The input file is never touched.

openpyxl rewrites the workbook on save; it keeps values, styles, merged cells, defined
names, data validations, protection, hidden sheets and (with Pillow) images, but drops
shapes/form controls and VBA unless ``keep_vba`` (used for .xlsm). .xls and .ods copies are
converted to .xlsx with LibreOffice when it is installed; otherwise only the list is written.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill

from .errors import OutputError
from .writer import write_atomic

ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
WARNING_FILL = PatternFill("solid", fgColor="FFEB9C")
SHEET = "Catatan Validasi"
HEADERS = {"id": ("No", "Jenis", "Lokasi", "Yang harus diperbaiki", "Kode"),
           "en": ("No", "Severity", "Location", "What to fix", "Code")}
SEVERITY = {"id": {"error": "Kesalahan", "warning": "Peringatan"},
            "en": {"error": "Error", "warning": "Warning"}}


def _notes_sheet(wb, report, lang: str) -> None:
    ws = wb.create_sheet(SHEET, 0)
    title = "Hasil pemeriksaan SKP" if lang != "en" else "SKP validation result"
    ws["A1"] = f"{title}: {Path(report.path).name}"
    ws["A1"].font = Font(bold=True, size=12)
    ws["A2"] = ("Perbaiki sel yang ditandai merah, simpan, lalu kirim kembali file ini."
                if lang != "en" else "Fix the cells marked red, save, and send this file back.")
    ws.append([])
    ws.append(list(HEADERS.get(lang, HEADERS["id"])))
    for cell in ws[4]:
        cell.font = Font(bold=True)
    for number, problem in enumerate(report.issues, start=1):
        where = f"{problem.sheet}!{problem.cell}" if problem.sheet and problem.cell else "-"
        ws.append([number, SEVERITY.get(lang, SEVERITY["id"]).get(problem.severity),
                   where, problem.message(lang), problem.code])
        for cell in ws[ws.max_row]:
            cell.data_type = "s" if isinstance(cell.value, str) else cell.data_type
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for col, width in zip("ABCDE", (5, 12, 22, 90, 26)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A5"


def annotated_bytes(source: Path, report, lang: str = "id") -> bytes:
    """The annotated workbook for ``report`` (``source`` must be .xlsx/.xlsm)."""
    wb = load_workbook(source, keep_vba=source.suffix.lower() == ".xlsm", keep_links=True)
    for problem in report.issues:
        if not problem.sheet or not problem.cell or problem.sheet not in wb.sheetnames:
            continue
        ws = wb[problem.sheet]
        cell = ws[problem.cell]
        if cell.__class__.__name__ == "MergedCell":
            continue
        cell.fill = ERROR_FILL if problem.severity == "error" else WARNING_FILL
        text = problem.message(lang)
        if cell.comment is not None:
            text = f"{cell.comment.text}\n{text}"
        cell.comment = Comment(text, "skpxl", width=320, height=120)
    _notes_sheet(wb, report, lang)
    wb.active = 0
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


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
    """Write one annotated copy per report with problems into ``outdir``; returns the paths.

    Copies are named after their source (numbered when two sources share a name) and
    written in parallel with ``jobs`` (openpyxl's load/save is the slow part).
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
