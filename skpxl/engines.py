"""Spreadsheet engines: a real spreadsheet program recalculates and prints SKP workbooks.

skpxl writes workbooks without calculating them; previews (mail, messaging apps, shared
drives) never calculate either. An engine opens each workbook in a real spreadsheet program
and saves a copy whose formula cells carry computed values, or prints it to PDF::

    engine = get_engine("auto")               # LibreOffice, else Excel; says which (.name)
    engine.recalc(paths, "dihitung/", jobs=2)  # -> [Path, ...] copies with computed values
    engine.to_pdf(paths, "pdf/", sheets=["SKP", "Evaluasi"])

``libreoffice`` runs ``soffice --headless --convert-to`` over many files per process start,
one private user profile per parallel worker (so workers never share a profile lock), with
the profile set to recalculate every formula on load. ``excel`` drives Excel through
xlwings (Windows/macOS; ``pip install 'skpxl[excel]'``), imported only when used. ``none``
copies workbooks unchanged and cannot print. See docs/engines.md for measurements.
"""

from __future__ import annotations

import html
import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .errors import EngineError, OutputError, UsageError
from .writer import write_atomic

ENGINES = ("libreoffice", "excel", "none")
AUTO_ORDER = ("libreoffice", "excel")
#: the sheets a HR officer prints and has signed
FORM_SHEETS = ("SKP", "Lampiran SKP", "Evaluasi", "Dokumen Evaluasi")
#: printed after them where a workbook has it: an annual evaluation's quarters
#: (:data:`skpxl.quartersheet.SHEET`)
ANNUAL_SHEETS = ("Evaluasi Triwulan",)
#: ``to_pdf(sheets=FORMS)``: the form sheets of SKP workbooks, every visible sheet of other
#: workbooks (angka kredit papers, reports); see :func:`default_sheets`
FORMS = "forms"

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
#: LibreOffice's ``--convert-to`` argument per output suffix (same format as the input)
LO_FILTERS = {".xlsx": "xlsx:Calc MS Excel 2007 XML", ".xlsm": "xlsm:Calc MS Excel 2007 VBA XML",
              ".ods": "ods:calc8", ".xls": "xls:MS Excel 97", ".pdf": "pdf:calc_pdf_Export"}

#: Seeds each private profile: recalculate every formula when loading xlsx/xls/ods. For xlsx
#: LibreOffice's default is to trust the cached results, which skpxl's writer leaves empty.
RECALC_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
           xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
  <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
  <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


@dataclass
class Task:
    """One conversion: ``source`` to ``target``, printing only ``sheets`` (PDF) when given."""

    source: Path
    target: Path
    sheets: tuple[str, ...] | None = None


class ToolFailure(str):
    """The reason a file failed when the program itself failed (a timeout), not the file."""


@dataclass
class BatchResult:
    """What a batch wrote, and the files that failed with the reason (``failed``: source
    -> reason). ``exit_code`` follows the CLI contract: 1 when files could not be printed,
    3 when the program itself failed."""

    engine: str
    outputs: list[Path]
    failed: dict[Path, str]

    @property
    def exit_code(self) -> int:
        if not self.failed:
            return 0
        return 3 if any(isinstance(r, ToolFailure) for r in self.failed.values()) else 1

    def to_dict(self) -> dict:
        return {"engine": self.engine, "outputs": [str(p) for p in self.outputs],
                "failed": [{"path": str(p), "reason": str(r)} for p, r in self.failed.items()]}


class Engine:
    """A spreadsheet program that can recalculate workbooks and print them to PDF."""

    name = "engine"

    @classmethod
    def available(cls) -> bool:
        return False

    def describe(self) -> str:
        """Program and version for messages, e.g. ``LibreOffice 7.4.7.2``."""
        return self.name

    def recalc(self, paths, outdir, *, jobs: int = 1, force: bool = False) -> list[Path]:
        """Copies of ``paths`` in ``outdir`` (same name and format) with computed formulas."""
        tasks = plan_tasks(paths, outdir, None, force=force)
        return self.run(tasks, "recalc", jobs)

    def to_pdf(self, paths, outdir, *, sheets=None, jobs: int = 1,
               force: bool = False) -> list[Path]:
        """One A4 PDF per workbook in ``outdir``, of ``sheets``: names, None (every visible
        sheet) or :data:`FORMS` (:func:`default_sheets`). Raises one EngineError for all
        failures (see :meth:`run`); :meth:`export_pdf` reports them instead."""
        return self.run(plan_tasks(paths, outdir, ".pdf", force=force, sheets=sheets), "pdf",
                        jobs)

    def export_pdf(self, paths, outdir, *, sheets=FORMS, jobs: int = 1,
                   force: bool = False) -> BatchResult:
        """:meth:`to_pdf` for a batch: a file that cannot be printed (unreadable, without the
        sheets asked for) does not stop the others; the result names it and why.

        A sheet selection that no workbook of the batch has is a :class:`UsageError`."""
        tasks = plan_tasks(paths, outdir, ".pdf", force=force, sheets=sheets)
        failed = self._convert(tasks, "pdf", jobs)
        return BatchResult(self.name, [t.target for t in tasks if t.target not in failed],
                           {t.source: failed[t.target] for t in tasks if t.target in failed})

    def _convert(self, tasks: list[Task], kind: str, jobs: int) -> dict[Path, str]:
        failed = check_sheets(tasks) if kind == "pdf" else {}
        rest = [t for t in tasks if t.target not in failed]
        return failed | (self.convert(rest, kind, jobs) if rest else {})

    def run(self, tasks: list[Task], kind: str, jobs: int) -> list[Path]:
        """Do ``tasks`` (``kind`` is recalc or pdf); raise one EngineError for all failures
        (``.outputs``: what was written, ``.failed``: target -> reason)."""
        failed = self._convert(tasks, kind, jobs)
        outputs = [t.target for t in tasks if t.target not in failed]
        if failed:
            lines = "\n".join(f"  {t.source}: {failed[t.target]}" for t in tasks
                              if t.target in failed)
            error = EngineError(f"{self.describe()} gagal mengolah {len(failed)} dari "
                                f"{len(tasks)} file:\n{lines}", code="engine.failed",
                                en=f"{self.describe()} failed on {len(failed)} of "
                                   f"{len(tasks)} files:\n{lines}")
            error.outputs, error.failed = outputs, failed
            raise error
        return outputs

    def convert(self, tasks: list[Task], kind: str, jobs: int) -> dict[Path, str]:
        """Write every task's target; return {target: reason} for those that failed."""
        raise NotImplementedError


def plan_tasks(paths, outdir, suffix: str | None, *, force: bool, sheets=None) -> list[Task]:
    """Tasks for ``paths`` into ``outdir``: refuse to clobber inputs, or outputs without force.

    ``sheets``: the sheets to print (names), None for all, :data:`FORMS` per workbook."""
    sources = [Path(p) for p in ([paths] if isinstance(paths, (str, os.PathLike)) else paths)]
    if not sources:
        raise UsageError("Tidak ada file untuk diolah.", en="There are no files to process.")
    outdir = Path(outdir)
    tasks, seen = [], {}
    for source in sources:
        if not source.is_file():
            raise UsageError(f"File {source} tidak ditemukan.", en=f"File {source} was not found.")
        if source.suffix.lower() not in WORKBOOK_SUFFIXES:
            raise UsageError(f"{source.name}: bukan workbook (.xlsx, .xlsm, .xls, .ods).",
                             en=f"{source.name}: not a workbook (.xlsx, .xlsm, .xls, .ods).")
        target = outdir / (source.stem + suffix if suffix else source.name)
        if target in seen:
            raise UsageError(f"{source} dan {seen[target]} akan menjadi file keluaran yang "
                             f"sama ({target.name}).", hint="Olah keduanya ke folder berbeda.",
                             en=f"{source} and {seen[target]} would become the same output "
                                f"file ({target.name}).",
                             hint_en="Process them into different folders.")
        if target.resolve() == source.resolve():
            raise UsageError(f"Keluaran {target} akan menimpa file masukan.",
                             hint="Pilih folder keluaran lain dengan -o.",
                             en=f"Output {target} would overwrite its input file.",
                             hint_en="Choose another output folder with -o.")
        seen[target] = source
        tasks.append(Task(source, target, default_sheets(source) if sheets == FORMS else
                          tuple(sheets) if sheets else None))
    existing = [str(t.target) for t in tasks if t.target.exists()]
    if existing and not force:
        raise OutputError(f"{len(existing)} file keluaran sudah ada, misalnya {existing[0]}.",
                          hint="Gunakan --force untuk menimpa, atau folder keluaran lain.",
                          en=f"{len(existing)} output files already exist, e.g. {existing[0]}.",
                          hint_en="Use --force to overwrite them, or another output folder.")
    return tasks


def get_engine(name: str = "auto", **options) -> Engine:
    """The engine called ``name``; ``auto`` is the first available of libreoffice, excel."""
    if name == "auto":
        for candidate in AUTO_ORDER:
            if ENGINE_CLASSES[candidate].available():
                return ENGINE_CLASSES[candidate](**options)
        raise EngineError("Tidak ada program spreadsheet (LibreOffice atau Excel) untuk "
                          "menghitung dan mencetak workbook.", hint=LIBREOFFICE_HINT,
                          code="engine.missing",
                          en="There is no spreadsheet program (LibreOffice or Excel) to "
                             "calculate and print workbooks.", hint_en=LIBREOFFICE_HINT_EN)
    if name not in ENGINE_CLASSES:
        raise UsageError(f"Engine '{name}' tidak dikenal.",
                         hint=f"Pilihan: auto, {', '.join(ENGINES)}.",
                         en=f"Engine '{name}' is not known.",
                         hint_en=f"Choices: auto, {', '.join(ENGINES)}.")
    return ENGINE_CLASSES[name](**options)


# --- workbook.xml surgery ---------------------------------------------------------------

_SHEET = re.compile(r"<sheet\b[^>]*>")


def _attr(tag: str, name: str) -> str | None:
    match = re.search(rf'\s{name}="([^"]*)"', tag)
    return html.unescape(match.group(1)) if match else None


def _set_attr(tag: str, name: str, value: str) -> str:
    if _attr(tag, name) is not None:
        return re.sub(rf'(\s{name}=")[^"]*(")', rf"\g<1>{value}\g<2>", tag, count=1)
    end = -2 if tag.endswith("/>") else -1
    return f'{tag[:end]} {name}="{value}"{tag[end:]}'


def sheet_states(workbook_xml: str) -> dict[str, str]:
    """Sheet name -> ``visible`` | ``hidden`` | ``veryHidden``."""
    return {_attr(tag, "name"): _attr(tag, "state") or "visible"
            for tag in _SHEET.findall(workbook_xml)}


def set_sheet_states(workbook_xml: str, states: dict[str, str]) -> str:
    """``workbook_xml`` with the given sheets' states; the first visible sheet made active."""
    def patch(match: re.Match) -> str:
        tag = match.group(0)
        state = states.get(_attr(tag, "name"))
        return _set_attr(tag, "state", state) if state else tag

    xml = _SHEET.sub(patch, workbook_xml)
    visible = [i for i, s in enumerate(sheet_states(xml).values()) if s == "visible"]
    if visible:
        xml = re.sub(r"<workbookView\b[^>]*>",
                     lambda m: _set_attr(_set_attr(m.group(0), "activeTab", str(visible[0])),
                                         "firstSheet", str(visible[0])), xml, count=1)
    return xml


def restore_workbook_xml(source_xml: str, output_xml: str) -> str:
    """Put back what LibreOffice drops: veryHidden sheets and workbook structure protection."""
    states = {n: s for n, s in sheet_states(source_xml).items() if s == "veryHidden"}
    xml = set_sheet_states(output_xml, states) if states else output_xml
    protection = re.search(r"<workbookProtection\b[^>]*/>", source_xml)
    if protection:
        if re.search(r"<workbookProtection\b[^>]*/>", xml):
            xml = re.sub(r"<workbookProtection\b[^>]*/>", protection.group(0), xml, count=1)
        else:
            xml = xml.replace("<bookViews", protection.group(0) + "<bookViews", 1)
    return xml


def _rewrite_member(path: Path, member: str, change, target: Path | None = None) -> None:
    """Write ``path`` (or ``target``) with ``change(text) -> text`` applied to one member."""
    with zipfile.ZipFile(path) as zf:
        items = [(info, zf.read(info.filename)) for info in zf.infolist()]
    with tempfile.SpooledTemporaryFile(max_size=64 << 20) as buffer:
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
            for info, data in items:
                if info.filename == member:
                    data = change(data.decode("utf-8")).encode("utf-8")
                out.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
        buffer.seek(0)
        write_atomic(target or path, buffer.read())


def select_sheets(source: Path, target: Path, sheets: tuple[str, ...]) -> None:
    """A copy of xlsx ``source`` in which only ``sheets`` are visible (so only they print)."""
    with zipfile.ZipFile(source) as zf:
        states = sheet_states(zf.read("xl/workbook.xml").decode("utf-8"))
    missing = [s for s in sheets if s not in states]
    if missing:
        raise UsageError(f"{source.name} tidak memiliki sheet {', '.join(missing)}.",
                         hint=f"Sheet yang ada: {', '.join(states)}.",
                         en=f"{source.name} has no sheet {', '.join(missing)}.",
                         hint_en=f"Its sheets: {', '.join(states)}.")
    wanted = {name: ("visible" if name in sheets else "hidden") for name, state in states.items()
              if state != "veryHidden"}
    hidden = {str(i) for i, name in enumerate(states) if name not in sheets}

    def change(xml: str) -> str:
        # LibreOffice prints a hidden sheet that has a print range: drop those ranges
        def drop(match: re.Match) -> str:
            local = _attr(match.group(1), "localSheetId")
            name = _attr(match.group(1), "name") or ""
            return "" if local in hidden and name.startswith("_xlnm.Print_") else match.group(0)
        xml = re.sub(r"<definedName\b([^>]*)>[^<]*</definedName>", drop, xml)
        return set_sheet_states(xml, wanted)

    _rewrite_member(source, "xl/workbook.xml", change, target)


def default_sheets(path: Path) -> tuple[str, ...] | None:
    """What ``export pdf`` prints without ``--sheets``: the :data:`FORM_SHEETS` (and
    :data:`ANNUAL_SHEETS`) an SKP workbook has; ``None`` (every visible sheet) for a
    workbook with none of them, such as angka kredit papers. A file that is not xlsx keeps :data:`FORM_SHEETS` (and so the
    request to recalculate it into xlsx first)."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = sheet_states(zf.read("xl/workbook.xml").decode("utf-8"))
    except (OSError, KeyError, zipfile.BadZipFile, UnicodeDecodeError):
        return FORM_SHEETS
    return tuple(s for s in FORM_SHEETS + ANNUAL_SHEETS if s in names) or None


def check_sheets(tasks: list[Task]) -> dict[Path, str]:
    """Workbooks that cannot honour their sheet selection: {target: reason}.

    A selection that no workbook can honour (a mistyped sheet name, only .xls files) is a
    :class:`UsageError`, raised before any work."""
    failed: dict[Path, UsageError] = {}
    selected = [task for task in tasks if task.sheets]
    for task in selected:
        if task.source.suffix.lower() not in (".xlsx", ".xlsm"):
            failed[task.target] = UsageError(
                f"{task.source.name}: memilih sheet hanya bisa untuk .xlsx/.xlsm.",
                hint="Hitung ulang dulu ke .xlsx dengan 'skpxl recalc', atau cetak semua sheet "
                     "(tanpa --sheets).",
                en=f"{task.source.name}: sheets can be chosen for .xlsx/.xlsm only.",
                hint_en="Recalculate it into .xlsx first with 'skpxl recalc', or print every "
                        "sheet (no --sheets).")
            continue
        try:
            with zipfile.ZipFile(task.source) as zf:
                names = sheet_states(zf.read("xl/workbook.xml").decode("utf-8"))
        except (OSError, KeyError, zipfile.BadZipFile):
            continue  # unreadable: reported as that file's failure
        missing = [s for s in task.sheets if s not in names]
        if missing:
            failed[task.target] = UsageError(
                f"{task.source.name} tidak memiliki sheet {', '.join(missing)}.",
                hint=f"Sheet yang ada: {', '.join(names)}.",
                en=f"{task.source.name} has no sheet {', '.join(missing)}.",
                hint_en=f"Its sheets: {', '.join(names)}.")
    if selected and len(failed) == len(selected):
        raise next(iter(failed.values()))
    return {target: str(error) for target, error in failed.items()}


# --- LibreOffice ------------------------------------------------------------------------

LIBREOFFICE_HINT = ("Pasang LibreOffice: di Linux 'apt-get install libreoffice-calc-nogui' "
                    "(Debian/Ubuntu); di Windows/macOS unduh dari "
                    "https://www.libreoffice.org/download/. Atau tunjuk programnya dengan "
                    "SKPXL_SOFFICE=/path/ke/soffice. Excel: pip install 'skpxl[excel]'.")
LIBREOFFICE_HINT_EN = ("Install LibreOffice: on Linux 'apt-get install libreoffice-calc-nogui' "
                       "(Debian/Ubuntu); on Windows/macOS download it from "
                       "https://www.libreoffice.org/download/. Or point to the program with "
                       "SKPXL_SOFFICE=/path/to/soffice. Excel: pip install 'skpxl[excel]'.")


def soffice_candidates(*, platform: str | None = None, environ=None, root="/",
                       home=None) -> list[Path]:
    """Where LibreOffice's installer puts ``soffice`` by default, on ``platform`` (this
    one's by default): ``Program Files`` on Windows (64- and 32-bit), ``Applications`` on
    macOS (the machine's and the user's), ``/usr/lib`` and ``/opt`` on Linux. ``environ``,
    ``root`` and ``home`` stand for this machine's (tests pass a fake tree)."""
    platform = platform or sys.platform
    environ = os.environ if environ is None else environ
    if platform == "win32":
        bases = [environ.get(name) for name in ("ProgramFiles", "ProgramW6432",
                                                "ProgramFiles(x86)")]
        bases += [r"C:\Program Files", r"C:\Program Files (x86)"]
        if environ.get("LOCALAPPDATA"):
            bases.append(str(Path(environ["LOCALAPPDATA"], "Programs")))
        unique = list(dict.fromkeys(b for b in bases if b))
        return [Path(base, "LibreOffice", "program", "soffice.exe") for base in unique]
    app = Path("Applications", "LibreOffice.app", "Contents", "MacOS", "soffice")
    if platform == "darwin":
        return [Path(root, app), Path(home or Path.home(), app)]
    opt = Path(root, "opt")
    versioned = sorted(opt.glob("libreoffice*/program/soffice"), reverse=True) \
        if opt.is_dir() else []
    return [Path(root, "usr", "lib", "libreoffice", "program", "soffice"),
            Path(root, "usr", "local", "lib", "libreoffice", "program", "soffice"),
            *versioned]


def find_soffice(**where) -> str | None:
    """Path of LibreOffice's ``soffice``, or ``None``: ``SKPXL_SOFFICE`` first, then the
    program search path, then the installer's default folders (:func:`soffice_candidates`,
    which takes ``where``)."""
    environ = where.get("environ", os.environ)
    override = environ.get("SKPXL_SOFFICE")
    if override:
        return override if Path(override).exists() else shutil.which(override)
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name, path=environ.get("PATH"))
        if found:
            return found
    for candidate in soffice_candidates(**where):
        if candidate.is_file():
            return str(candidate)
    return None


class LibreOfficeEngine(Engine):
    """``soffice --headless --convert-to``, batched, one private profile per worker."""

    name = "libreoffice"

    def __init__(self, soffice: str | None = None, *, timeout_per_file: float = 60,
                 startup_timeout: float = 120):
        self.soffice = soffice or find_soffice()
        if not self.soffice:
            raise EngineError("LibreOffice (soffice) tidak ditemukan.", hint=LIBREOFFICE_HINT,
                              code="engine.missing", en="LibreOffice (soffice) was not found.",
                              hint_en=LIBREOFFICE_HINT_EN)
        self.timeout_per_file = timeout_per_file
        self.startup_timeout = startup_timeout
        self._version: str | None = None

    @classmethod
    def available(cls) -> bool:
        return find_soffice() is not None

    def describe(self) -> str:
        if self._version is None:
            try:
                out = subprocess.run([self.soffice, "--version"], capture_output=True, text=True,
                                     timeout=60, stdin=subprocess.DEVNULL).stdout
                self._version = " ".join(out.split()[:2]) or "LibreOffice"
            except (OSError, subprocess.TimeoutExpired):
                self._version = "LibreOffice"
        return self._version

    def convert(self, tasks: list[Task], kind: str, jobs: int) -> dict[Path, str]:
        workers = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))
        chunks = [tasks[i::workers] for i in range(workers)]
        failed: dict[Path, str] = {}
        for target in {t.target.parent for t in tasks}:
            target.mkdir(parents=True, exist_ok=True)
        with ThreadPoolExecutor(workers) as pool:
            for result in pool.map(lambda chunk: self._batch(chunk, kind), chunks):
                failed.update(result)
        return failed

    def _batch(self, tasks: list[Task], kind: str) -> dict[Path, str]:
        """One soffice process converts ``tasks`` (grouped by output format)."""
        failed: dict[Path, str] = {}
        with tempfile.TemporaryDirectory(prefix="skpxl-lo-") as tmp:
            work = Path(tmp)
            profile, stage, out = work / "profile", work / "in", work / "out"
            (profile / "user").mkdir(parents=True)
            (profile / "user" / "registrymodifications.xcu").write_text(RECALC_XCU, "utf-8")
            stage.mkdir()
            staged: dict[str, list[tuple[Task, Path]]] = {}
            for number, task in enumerate(tasks):
                suffix = ".pdf" if kind == "pdf" else task.source.suffix.lower()
                try:
                    copy = self._stage(task, stage / f"f{number:05d}", kind)
                except (UsageError, OSError, zipfile.BadZipFile, KeyError) as exc:
                    failed[task.target] = getattr(exc, "message", None) or str(exc)
                    continue
                staged.setdefault(suffix, []).append((task, copy))
            for suffix, items in staged.items():
                log = self._soffice(profile, LO_FILTERS[suffix], out, [c for _, c in items])
                for task, copy in items:
                    produced = out / f"{copy.stem}{suffix}"
                    if not produced.exists() or produced.stat().st_size == 0:
                        failed[task.target] = log or "LibreOffice tidak menghasilkan file"
                        continue
                    try:
                        self._finish(task, produced, kind)
                    except (OSError, zipfile.BadZipFile, KeyError) as exc:
                        failed[task.target] = str(exc)
        return failed

    def _stage(self, task: Task, base: Path, kind: str) -> Path:
        """A private copy to convert (never the input: soffice leaves lock files beside it)."""
        copy = base.with_suffix(task.source.suffix.lower())
        if task.sheets and kind == "pdf":
            select_sheets(task.source, copy, task.sheets)
        else:
            shutil.copyfile(task.source, copy)
        return copy

    def _finish(self, task: Task, produced: Path, kind: str) -> None:
        if kind == "recalc" and produced.suffix.lower() in (".xlsx", ".xlsm"):
            with zipfile.ZipFile(task.source) as zf:
                source_xml = zf.read("xl/workbook.xml").decode("utf-8")
            _rewrite_member(produced, "xl/workbook.xml",
                            lambda xml: restore_workbook_xml(source_xml, xml))
        tmp = task.target.with_name(f".{task.target.name}.part")
        shutil.copyfile(produced, tmp)
        os.replace(tmp, task.target)

    def _soffice(self, profile: Path, fmt: str, outdir: Path, files: list[Path]) -> str:
        """Run one soffice over ``files``; return its output when something went wrong."""
        command = [self.soffice, "--headless", "--invisible", "--norestore", "--nologo",
                   "--nodefault", "--nolockcheck", "--nofirststartwizard",
                   f"-env:UserInstallation={profile.as_uri()}", "--convert-to", fmt,
                   "--outdir", str(outdir), *map(str, files)]
        timeout = self.startup_timeout + self.timeout_per_file * len(files)
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            process.communicate()
            return ToolFailure(f"LibreOffice dihentikan setelah {timeout:.0f} detik (timeout)")
        finally:
            _kill_group(process)  # soffice.bin may outlive the launcher; never leave it
        text = output.decode("utf-8", "replace")
        errors = [line for line in text.splitlines() if line.startswith("Error")]
        return "; ".join(errors) or (f"soffice exit {process.returncode}"
                                     if process.returncode else "")


def _kill_group(process: subprocess.Popen) -> None:
    """End ``process`` and everything it started (its own process group on POSIX)."""
    try:
        if hasattr(os, "killpg"):
            os.killpg(process.pid, signal.SIGKILL)
        elif process.poll() is None:
            process.kill()
    except (ProcessLookupError, PermissionError):
        pass
    if process.poll() is None:
        process.wait()


# --- Excel (xlwings) --------------------------------------------------------------------

EXCEL_HINT = "Pasang dukungan Excel: pip install 'skpxl[excel]' (Windows/macOS dengan Excel)."
EXCEL_HINT_EN = "Install Excel support: pip install 'skpxl[excel]' (Windows/macOS with Excel)."


class ExcelEngine(Engine):
    """Microsoft Excel through xlwings; one hidden Excel instance, files one after another."""

    name = "excel"

    def __init__(self):
        if sys.platform not in ("win32", "darwin"):
            raise EngineError("Engine Excel hanya tersedia di Windows/macOS dengan Microsoft "
                              "Excel.", hint=f"{EXCEL_HINT} Di Linux gunakan --engine "
                              "libreoffice.", code="engine.missing",
                              en="The Excel engine is only there on Windows/macOS with "
                                 "Microsoft Excel.",
                              hint_en=f"{EXCEL_HINT_EN} On Linux use --engine libreoffice.")
        try:
            self.xw = importlib.import_module("xlwings")  # optional extra, only when asked for
        except ImportError as exc:
            raise EngineError("xlwings belum terpasang.", hint=EXCEL_HINT,
                              code="engine.missing", en="xlwings is not installed.",
                              hint_en=EXCEL_HINT_EN) from exc

    @classmethod
    def available(cls) -> bool:
        return sys.platform in ("win32", "darwin") and importlib.util.find_spec(
            "xlwings") is not None

    def describe(self) -> str:
        return "Microsoft Excel (xlwings)"

    def convert(self, tasks: list[Task], kind: str, jobs: int) -> dict[Path, str]:
        failed: dict[Path, str] = {}
        try:
            app = self.xw.App(visible=False, add_book=False)
        except Exception as exc:  # noqa: BLE001 - xlwings raises many kinds when Excel is absent
            raise EngineError(f"Excel tidak dapat dijalankan: {exc}", hint=EXCEL_HINT,
                              code="engine.missing", en=f"Excel cannot be started: {exc}",
                              hint_en=EXCEL_HINT_EN) from exc
        try:
            app.display_alerts = False
            for task in tasks:
                try:
                    self._one(app, task, kind)
                except Exception as exc:  # noqa: BLE001 - per file; the batch goes on
                    failed[task.target] = str(exc)
        finally:
            app.quit()
        return failed

    @staticmethod
    def _one(app, task: Task, kind: str) -> None:
        task.target.parent.mkdir(parents=True, exist_ok=True)
        part = task.target.with_name(f".part-{task.target.name}")
        book = app.books.open(str(task.source.resolve()), update_links=False)
        try:
            app.calculate()
            if kind == "pdf":
                book.to_pdf(str(part), include=list(task.sheets) if task.sheets else None)
            else:
                book.save(str(part))
        finally:
            book.close()
        os.replace(part, task.target)


# --- none -------------------------------------------------------------------------------

class NoEngine(Engine):
    """No spreadsheet program: copies keep the values skpxl cached; printing is impossible."""

    name = "none"

    @classmethod
    def available(cls) -> bool:
        return True

    def describe(self) -> str:
        return "tanpa engine"

    def convert(self, tasks: list[Task], kind: str, jobs: int) -> dict[Path, str]:
        if kind == "pdf":
            raise EngineError("Mencetak PDF memerlukan LibreOffice atau Excel.",
                              hint=LIBREOFFICE_HINT, code="engine.missing",
                              en="Printing to PDF needs LibreOffice or Excel.",
                              hint_en=LIBREOFFICE_HINT_EN)
        for task in tasks:
            write_atomic(task.target, task.source.read_bytes())
        return {}


ENGINE_CLASSES: dict[str, type[Engine]] = {"libreoffice": LibreOfficeEngine,
                                           "excel": ExcelEngine, "none": NoEngine}


# --- template preview -------------------------------------------------------------------

PREVIEW_SHEETS = ("SKP", "Evaluasi", "Dokumen Evaluasi")
_PREVIEW_RHK = (
    "Terlaksananya dukungan administrasi pengawasan penyelenggaraan pemilihan yang tertib, "
    "akuntabel dan tepat waktu di lingkungan sekretariat",
    "Tersusunnya laporan keuangan dan barang milik negara yang andal",
    "Meningkatnya kualitas layanan informasi publik dan kehumasan",
    "Terkelolanya data kepegawaian yang mutakhir",
)


def preview_document(template, *, ratings=None) -> dict:
    """A filled, realistic document for ``template``: long names, four RHK, ratings."""
    import random
    from types import SimpleNamespace

    from .domain import DI_ATAS, SESUAI
    from .generate import build_document
    from .periods import parse_period
    from .simulate import filled_document

    def person(nip, nama, pangkat, jabatan, jenis):
        return SimpleNamespace(
            nip=nip, nama=nama, pangkat=pangkat, jabatan=jabatan, jenis_jabatan=jenis,
            unit_kerja="Sekretariat Bawaslu Kabupaten Probolinggo", status_asn="PNS",
            jenjang="Ahli Muda", instansi="Badan Pengawas Pemilihan Umum", tempat="")

    pegawai = person("198507142010122003", "Dr. Hj. Kusumawardhani Retno Prameswari, S.H., M.H.",
                     "Penata Tk. I (III/d)", "Analis Sumber Daya Manusia Aparatur Ahli Muda",
                     "JPT" if template.jenis == "JPT" else "Fungsional")
    penilai = person("197602032000031001", "Ir. Bambang Setyo Nugroho, M.Si.",
                     "Pembina (IV/a)", "Koordinator Sekretariat", "Administrator")
    atasan = person("196912101995031002", "Drs. Achmad Fauzi Rahman, M.AP.",
                    "Pembina Utama Muda (IV/c)", "Kepala Sekretariat", "JPT")
    kuant = template.pendekatan == "kuantitatif"
    aspek = ("Kuantitas", "Kualitas", "Waktu", "Biaya")
    utama = []
    for number, rhk in enumerate(_PREVIEW_RHK):
        ikis = []
        for row in range(3 if number % 2 else 4):
            iki = {"indikator": f"Persentase {rhk.split(' ', 1)[1][:60].lower()} ({aspek[row]})"}
            iki.update({"target": 100, "satuan": "persen"} if kuant else
                       {"target": "Seluruh dokumen tersusun lengkap dan diterima tanpa revisi"})
            if template.jenis == "JPT":
                from .domain import PERSPEKTIF
                iki["perspektif"] = PERSPEKTIF[row]
            else:
                iki["aspek"] = aspek[row]
            ikis.append(iki)
        utama.append({"rhk": rhk, "iki": ikis})
    document = build_document(template, parse_period("2025-Q3"), pegawai, penilai, atasan,
                              {"utama": utama}, {"utama": [{"rhk": r} for r in _PREVIEW_RHK]},
                              generated_at="2025-10-01T08:00:00+00:00")
    return filled_document(document, template, random.Random(5), ratings=ratings or (DI_ATAS,
                                                                                      SESUAI))


def preview_templates(templates, outdir, *, engine: Engine | None = None,
                      sheets=PREVIEW_SHEETS, dpi: int = 70) -> list[Path]:
    """PNG pages of each template's ``sheets``, filled with :func:`preview_document`.

    Files are ``<template>-<sheet>-<page>.png``; returns them in template and sheet order.
    """
    from .manifest import load_template
    from .naming import slug
    from .writer import CompiledTemplate

    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise EngineError("pdftoppm tidak ditemukan.", code="engine.missing",
                          hint="Pasang poppler: 'apt-get install poppler-utils' (Linux), "
                               "'brew install poppler' (macOS).",
                          en="pdftoppm was not found.",
                          hint_en="Install poppler: 'apt-get install poppler-utils' (Linux), "
                                  "'brew install poppler' (macOS).")
    engine = engine or get_engine("auto")
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    pngs: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="skpxl-preview-") as tmp:
        tasks = []
        for ref in templates:
            template = load_template(ref)
            source = Path(tmp) / f"{template.id}.xlsx"
            source.write_bytes(CompiledTemplate(template).render(preview_document(template)))
            tasks += [Task(source, Path(tmp) / f"{template.id}-{slug(s)}.pdf", (s,))
                      for s in sheets if s in template.sheets]
        engine.run(tasks, "pdf", jobs=1)
        for task in tasks:
            prefix = outdir / task.target.stem
            for old in outdir.glob(f"{task.target.stem}-*.png"):
                old.unlink()
            subprocess.run([pdftoppm, "-png", "-r", str(dpi), str(task.target), str(prefix)],
                           check=True, capture_output=True, timeout=300)
            pngs += sorted(outdir.glob(f"{task.target.stem}-*.png"),
                           key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    return pngs
