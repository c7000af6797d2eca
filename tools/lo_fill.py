"""Fill workbooks *inside LibreOffice* through its UNO API, the way a staff member would.

Run with the Python that has LibreOffice's ``uno`` module (Debian: ``apt-get install
python3-uno``, then ``/usr/bin/python3``), never with skpxl's Python: this script imports
nothing from skpxl. It starts one headless LibreOffice with a private user profile, works
through a list of jobs, prints one JSON result per job on stdout and closes LibreOffice::

    /usr/bin/python3 tools/lo_fill.py jobs.json [--soffice PATH] [--timeout SECONDS]

``jobs.json`` holds ``{"jobs": [job, ...]}``; a job opens ``source``, applies ``ops`` in
order and saves under every entry of ``save``::

    {"source": "/abs/in.xlsx",
     "ops": [
       {"op": "type", "name": "eku_realisasi", "index": 0, "value": 3},
       {"op": "pick", "name": "rating_perilaku", "value": "Sesuai Ekspektasi"},
       {"op": "unprotect", "sheet": "SKP"},
       {"op": "insert_rows", "name": "hku_rhk", "index": 1, "count": 1},
       {"op": "clear", "name": "predikat"},
       {"op": "rename_sheet", "sheet": "SKP", "to": "SKP Saya"},
       {"op": "show_rows", "name": "hku_rhk", "index": 3, "count": 4},
       {"op": "recalc"}],
     "read": ["predikat"],
     "save": [{"path": "/abs/out.xlsx", "filter": "Calc MS Excel 2007 XML"}]}

Cells are found through the workbook's defined names (``name``; ``index`` counts the cells of
a range row by row), or by ``sheet`` + ``cell``. ``type`` writes a string as text and a number
as a number, like typing into the cell; ``pick`` first checks that the value is one of the
cell's dropdown entries (its list validation), as choosing from the dropdown would.
``show_rows`` unhides ``count`` rows from the named cell; a protected sheet refuses it, as
LibreOffice's Format > Rows > Show does (``"via": "ui"`` runs that very command; see
:func:`show_rows` for why saving jobs do not). ``read`` returns the values LibreOffice shows for those names after the ops.

The profile has LibreOffice's default settings, like a staff member's: formulas are not
recalculated on load, only those depending on edited cells (the predikat after a rating is
picked), exactly as in the desktop program. ``recalc`` forces a full recalculation.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import uno  # noqa: F401 - Debian's python3-uno; also makes com.sun.star importable
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

SOFFICE_FLAGS = ["--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
                 "--nolockcheck", "--nofirststartwizard"]


def props(**values) -> tuple:
    out = []
    for key, value in values.items():
        prop = PropertyValue()
        prop.Name, prop.Value = key, value
        out.append(prop)
    return tuple(out)


class Office:
    """One headless LibreOffice with a throw-away profile, reached over a named pipe."""

    def __init__(self, soffice: str, timeout: float):
        self.profile = Path(tempfile.mkdtemp(prefix="skpxl-uno-"))
        self.pipe = f"skpxl_{uuid.uuid4().hex}"
        command = [soffice, *SOFFICE_FLAGS, f"-env:UserInstallation={self.profile.as_uri()}",
                   f"--accept=pipe,name={self.pipe};urp;StarOffice.ComponentContext"]
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        start_new_session=True)
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + timeout
        while True:
            try:
                context = resolver.resolve(
                    f"uno:pipe,name={self.pipe};urp;StarOffice.ComponentContext")
                break
            except NoConnectException:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.close()
                    raise RuntimeError(f"LibreOffice did not start within {timeout}s")
                time.sleep(0.2)
        self.desktop = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", context)
        self.dispatcher = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.DispatchHelper", context)

    def open(self, path: str):
        return self.desktop.loadComponentFromURL(Path(path).resolve().as_uri(), "_blank", 0,
                                                 props(Hidden=True))

    def close(self) -> None:
        try:
            if getattr(self, "desktop", None) is not None:
                self.desktop.terminate()
            self.process.wait(timeout=30)
        except Exception:  # noqa: BLE001 - the bridge dies with the office; make sure it is gone
            pass
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def cell_of(doc, op: dict):
    """The cell an op names: ``name`` (+ ``index``) through the defined names, or sheet+cell."""
    if "name" in op:
        ranges = doc.NamedRanges
        if not ranges.hasByName(op["name"]):
            raise KeyError(f"no defined name {op['name']!r}")
        cells = ranges.getByName(op["name"]).getReferredCells()
        columns = cells.Columns.Count
        row, col = divmod(int(op.get("index", 0)), columns)
        return cells.getCellByPosition(col, row)
    return doc.Sheets.getByName(op["sheet"]).getCellRangeByName(op["cell"])


def dropdown_entries(doc, cell) -> list[str]:
    """The entries of a cell's list validation, as its dropdown shows them."""
    formula = cell.Validation.getFormula1().strip()
    if formula.startswith('"'):
        return [part.strip().strip('"') for part in formula.split(";")]
    if doc.NamedRanges.hasByName(formula):
        source = doc.NamedRanges.getByName(formula).getReferredCells()
    else:
        sheet, ref = formula.replace("$", "").rsplit(".", 1) if "." in formula else ("", formula)
        source = doc.Sheets.getByName(sheet.strip("'")).getCellRangeByName(ref)
    return [str(v) for row in source.getDataArray() for v in row if v != ""]


def show_rows(office: Office, doc, op: dict) -> None:
    """Unhide ``count`` rows from the named cell.

    ``"via": "ui"`` does what a user does: select the rows around them and run Format >
    Rows > Show (``.uno:ShowRow``), which LibreOffice refuses on a protected sheet. A
    headless LibreOffice 7.4 crashes when it saves a document after such a UI command, so
    jobs that save use the default ``"api"``: the rows' visibility is set directly, after
    the same check of the sheet's protection the UI makes."""
    address = cell_of(doc, op).CellAddress
    sheet = doc.Sheets.getByIndex(address.Sheet)
    count = int(op.get("count", 1))
    if op.get("via") == "ui":
        controller = doc.getCurrentController()
        controller.setActiveSheet(sheet)
        controller.select(sheet.getCellRangeByPosition(0, max(0, address.Row - 1), 0,
                                                       address.Row + count))
        frame = controller.getFrame()
        office.dispatcher.executeDispatch(frame, ".uno:SelectRow", "", 0, ())
        office.dispatcher.executeDispatch(frame, ".uno:ShowRow", "", 0, ())
    elif not sheet.isProtected():
        for row in range(address.Row, address.Row + count):
            sheet.Rows.getByIndex(row).IsVisible = True
    hidden = [address.Row + i + 1 for i in range(count)
              if not sheet.Rows.getByIndex(address.Row + i).IsVisible]
    if hidden:
        raise RuntimeError(f"rows {hidden} of sheet {sheet.Name} are still hidden"
                           + (" (the sheet is protected)" if sheet.isProtected() else ""))


def apply(doc, op: dict, office: Office | None = None) -> None:
    kind = op["op"]
    if kind in ("type", "pick"):
        cell = cell_of(doc, op)
        value = op["value"]
        if kind == "pick":
            entries = dropdown_entries(doc, cell)
            if value not in entries:
                raise ValueError(f"{value!r} is not in the dropdown {entries}")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            cell.setValue(value)
        else:
            cell.setString(str(value))
    elif kind == "unprotect":
        doc.Sheets.getByName(op["sheet"]).unprotect(op.get("password", ""))
    elif kind == "clear":
        cell_of(doc, op).clearContents(1 | 2 | 4 | 16)   # VALUE, DATETIME, STRING, FORMULA
    elif kind == "rename_sheet":
        doc.Sheets.getByName(op["sheet"]).setName(op["to"])
    elif kind == "insert_rows":
        address = cell_of(doc, op).CellAddress
        sheet = doc.Sheets.getByIndex(address.Sheet)
        sheet.Rows.insertByIndex(address.Row, int(op.get("count", 1)))
    elif kind == "show_rows":
        show_rows(office, doc, op)
    elif kind == "recalc":
        doc.calculateAll()
    else:
        raise ValueError(f"unknown op {kind!r}")


def run_job(office: Office, job: dict) -> dict:
    doc = office.open(job["source"])
    if doc is None:
        return {"source": job["source"], "ok": False, "error": "LibreOffice could not open it"}
    try:
        for op in job.get("ops", []):
            apply(doc, op, office)
        read = {}
        for name in job.get("read", []):
            read[name] = cell_of(doc, {"name": name}).getString()
        for target in job.get("save", []):
            Path(target["path"]).parent.mkdir(parents=True, exist_ok=True)
            doc.storeToURL(Path(target["path"]).resolve().as_uri(),
                           props(FilterName=target["filter"], Overwrite=True))
        return {"source": job["source"], "ok": True, "read": read}
    except Exception as exc:  # noqa: BLE001 - reported per job; the batch goes on
        return {"source": job["source"], "ok": False, "error": f"{type(exc).__name__}: {exc}"}
    finally:
        doc.close(True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("jobs", type=Path)
    parser.add_argument("--soffice", default=shutil.which("soffice") or "soffice")
    parser.add_argument("--timeout", type=float, default=60, help="start-up timeout")
    args = parser.parse_args(argv)
    jobs = json.loads(args.jobs.read_text(encoding="utf-8"))["jobs"]
    office = Office(args.soffice, args.timeout)
    try:
        results = [run_job(office, job) for job in jobs]
    finally:
        office.close()
    json.dump({"results": results}, sys.stdout, ensure_ascii=False)
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
