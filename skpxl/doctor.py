"""Is this computer ready for skpxl? What works, and what to install (``skpxl doctor``).

Each check says what it found and, when something is missing, what to do, in Indonesian
and English. A check is ``ok``; ``note`` (works, with a remark); ``optional`` (missing,
but only some commands need it: LibreOffice, Excel, the C accelerator); or ``needed``
(missing, and skpxl cannot work without it: exit code 1)::

    setup = check_setup()
    setup.ok                        # nothing needed is missing
    [c.to_dict("en") for c in setup.checks]

Nothing here imports xlwings, starts Excel, or writes outside the folder checked (one
temporary file, removed at once).
"""

from __future__ import annotations

import codecs
import importlib.metadata
import importlib.util
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__

OK, NOTE, OPTIONAL, NEEDED = "ok", "note", "optional", "needed"
#: the oldest Python skpxl runs on (setup.cfg's python_requires)
MIN_PYTHON = (3, 10)
#: characters skpxl's own output uses beyond ASCII (cell texts may hold any other)
OUTPUT_SAMPLE = "→ – … é"

PY_INSTALL = ("Pasang Python 3.10 atau lebih baru dari https://www.python.org/downloads/ "
              "(di Windows: centang 'Add python.exe to PATH'), lalu pasang skpxl lagi dengan "
              "Python itu.",
              "Install Python 3.10 or newer from https://www.python.org/downloads/ (on "
              "Windows: tick 'Add python.exe to PATH'), then install skpxl again with that "
              "Python.")


@dataclass
class Check:
    """One thing checked: ``key``, ``state`` (ok, note, optional, needed), what was found
    and what to do, each as (Indonesian, English)."""

    key: str
    state: str
    found: tuple[str, str]
    fix: tuple[str, str] | None = None

    def to_dict(self, lang: str = "id") -> dict:
        en = lang == "en"
        return {"check": self.key, "state": self.state, "found": self.found[en],
                "fix": self.fix[en] if self.fix else None}


@dataclass
class Setup:
    """Every check, in the order shown; ``ok`` when nothing needed is missing."""

    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.state != NEEDED for c in self.checks)

    def to_dict(self, lang: str = "id") -> dict:
        return {"ok": self.ok, "version": __version__,
                "checks": [c.to_dict(lang) for c in self.checks]}


def check_setup(folder=".", *, stream=None) -> Setup:
    """Check Python, skpxl's packages, the C accelerator, LibreOffice, Excel, the console
    (``stream``, stdout by default) and write access to ``folder``."""
    return Setup([check_python(), check_packages(), check_speedups(), check_libreoffice(),
                  check_excel(), check_console(stream), check_folder(folder)])


def check_python(version=None, executable: str | None = None) -> Check:
    version = tuple(version or sys.version_info[:3])
    shown = ".".join(map(str, version[:3]))
    where = executable or sys.executable
    if version[:2] < MIN_PYTHON:
        return Check("python", NEEDED, (f"Python {shown} terlalu lama untuk skpxl ({where}).",
                                        f"Python {shown} is too old for skpxl ({where})."),
                     PY_INSTALL)
    return Check("python", OK, (f"Python {shown} ({where})", f"Python {shown} ({where})"))


def _requirements() -> list[str] | None:
    """The packages skpxl needs (its install_requires that apply here), by distribution;
    None when skpxl itself was never installed (run from a source folder)."""
    try:
        declared = importlib.metadata.requires("skpxl") or []
    except importlib.metadata.PackageNotFoundError:
        return None
    names = []
    for line in declared:
        requirement, _, marker = line.partition(";")
        if "extra" in marker:
            continue
        if marker.strip() and "python_version" in marker:
            bound = re.search(r"python_version\s*<\s*['\"](\d+)\.(\d+)", marker)
            if bound and sys.version_info[:2] >= (int(bound[1]), int(bound[2])):
                continue
        names.append(re.split(r"[\s<>=!~\[(]", requirement.strip(), maxsplit=1)[0])
    return names


def check_packages() -> Check:
    where = Path(__file__).resolve().parent
    required = _requirements()
    if required is None:
        return Check("packages", NOTE,
                     (f"skpxl {__version__} dijalankan dari folder sumber {where}, belum "
                      "dipasang.", f"skpxl {__version__} runs from the source folder {where}, "
                      "not installed."),
                     ("Pasang dengan: py -m pip install . (di folder itu).",
                      "Install it with: py -m pip install . (in that folder)."))
    found, missing = [], []
    for name in required:
        try:
            found.append(importlib.metadata.version(name))
        except importlib.metadata.PackageNotFoundError:
            missing.append(name)
    if missing:
        names = ", ".join(missing)
        return Check("packages", NEEDED,
                     (f"skpxl {__version__} ({where}): paket {names} tidak ada.",
                      f"skpxl {__version__} ({where}): packages {names} are missing."),
                     ("Pasang skpxl lagi: py -m pip install skpxl (atau folder/wheel skpxl "
                      "yang Anda unduh); pip memasang paket yang kurang.",
                      "Install skpxl again: py -m pip install skpxl (or the skpxl folder or "
                      "wheel you downloaded); pip installs the missing packages."))
    return Check("packages", OK,
                 (f"skpxl {__version__} di {where}; {len(found)} paket pendukung terpasang",
                  f"skpxl {__version__} at {where}; {len(found)} supporting packages installed"))


SPEEDUPS_FIX = ("Tidak wajib. Untuk memeriksa file lebih cepat: pasang compiler C (Windows: "
                "'Microsoft C++ Build Tools'; macOS: xcode-select --install; Linux: gcc), lalu "
                "pasang skpxl lagi.",
                "Not required. To check files faster: install a C compiler (Windows: "
                "'Microsoft C++ Build Tools'; macOS: xcode-select --install; Linux: gcc), then "
                "install skpxl again.")


def check_speedups() -> Check:
    from . import sheetxml
    status = getattr(sheetxml, "speedups_status", None)
    if status is not None:
        current = status()
        texts = (current.message("id"), current.message("en"))
        return Check("speedups", OK if current.in_use else OPTIONAL, texts,
                     None if current.in_use else SPEEDUPS_FIX)
    if getattr(sheetxml, "_locate_c", None) is not None:
        return Check("speedups", OK, ("Akselerator C dipakai", "C accelerator in use"))
    return Check("speedups", OPTIONAL,
                 ("Akselerator C tidak terpasang; skpxl memakai versi Python (hasil sama, "
                  "lebih lambat)", "C accelerator not installed; skpxl uses the Python version "
                  "(same results, slower)"), SPEEDUPS_FIX)


def libreoffice_version(soffice: str) -> str:
    """``LibreOffice 7.4.7.2`` as ``soffice --version`` says it (``LibreOffice`` when it
    does not answer)."""
    try:
        out = subprocess.run([soffice, "--version"], capture_output=True, text=True,
                             timeout=60, stdin=subprocess.DEVNULL).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "LibreOffice"
    return " ".join(out.split()[:2]) or "LibreOffice"


def check_libreoffice(**where) -> Check:
    """LibreOffice, and where it was found (``where``: see
    :func:`skpxl.engines.soffice_candidates`)."""
    from .engines import LIBREOFFICE_HINT, LIBREOFFICE_HINT_EN, find_soffice
    soffice = find_soffice(**where)
    if soffice is None:
        return Check("libreoffice", OPTIONAL,
                     ("LibreOffice tidak ditemukan; hanya diperlukan untuk 'skpxl recalc', "
                      "'skpxl export pdf' dan 'skpxl template preview'.",
                      "LibreOffice was not found; only 'skpxl recalc', 'skpxl export pdf' "
                      "and 'skpxl template preview' need it."),
                     (LIBREOFFICE_HINT, LIBREOFFICE_HINT_EN))
    version = libreoffice_version(soffice)
    return Check("libreoffice", OK, (f"{version} di {soffice}", f"{version} at {soffice}"))


def excel_installed(platform: str | None = None) -> bool:
    """Whether Microsoft Excel is installed (Windows registry, macOS Applications)."""
    platform = platform or sys.platform
    if platform == "darwin":
        return Path("/Applications/Microsoft Excel.app").exists()
    if platform != "win32":
        return False
    import winreg
    try:
        winreg.CloseKey(winreg.OpenKey(winreg.HKEY_CLASSES_ROOT, r"Excel.Application\CurVer"))
    except OSError:
        return False
    return True


def check_excel(platform: str | None = None) -> Check:
    """Excel through xlwings, found without importing either."""
    from .engines import EXCEL_HINT, EXCEL_HINT_EN
    platform = platform or sys.platform
    if platform not in ("win32", "darwin"):
        return Check("excel", OPTIONAL,
                     ("Excel lewat xlwings hanya ada di Windows dan macOS; di sini skpxl "
                      "memakai LibreOffice.", "Excel through xlwings exists only on Windows and "
                      "macOS; here skpxl uses LibreOffice."))
    excel = excel_installed(platform)
    xlwings = importlib.util.find_spec("xlwings") is not None
    if excel and xlwings:
        return Check("excel", OK, ("Microsoft Excel dan xlwings terpasang (--engine excel).",
                                   "Microsoft Excel and xlwings are installed (--engine "
                                   "excel)."))
    if not excel:
        return Check("excel", OPTIONAL,
                     ("Microsoft Excel tidak ditemukan; skpxl memakai LibreOffice untuk "
                      "menghitung dan mencetak.", "Microsoft Excel was not found; skpxl uses "
                      "LibreOffice to calculate and print."))
    return Check("excel", OPTIONAL,
                 ("Microsoft Excel ada, tetapi xlwings belum terpasang (tidak wajib: "
                  "LibreOffice cukup).", "Microsoft Excel is there but xlwings is not "
                  "installed (not required: LibreOffice is enough)."),
                 (EXCEL_HINT, EXCEL_HINT_EN))


def check_console(stream=None) -> Check:
    """Can the console (or the file output is redirected to) show skpxl's characters?"""
    stream = sys.stdout if stream is None else stream
    name = getattr(stream, "encoding", None) or "utf-8"
    try:
        name = codecs.lookup(name).name
        (OUTPUT_SAMPLE + "\U0001F600").encode(name)
        complete = True
    except (LookupError, UnicodeEncodeError):
        complete = False
    if complete:
        return Check("console", OK, (f"Konsol menulis {name}: semua huruf tampil.",
                                     f"The console writes {name}: every character shows."))
    return Check("console", NOTE,
                 (f"Konsol menulis {name}: huruf di luar {name} (misalnya tanda panah, atau "
                  "emoji pada nama) tampil sebagai pengganti (-> atau ?); isi file hasil "
                  "tidak berubah.",
                  f"The console writes {name}: characters outside {name} (such as arrows, or "
                  "emoji in names) show as a stand-in (-> or ?); the files written are "
                  "unchanged."),
                 ("Untuk semua huruf saat keluaran disimpan ke file atau diteruskan ke program "
                  "lain: jalankan 'set PYTHONUTF8=1' sebelum skpxl (Command Prompt).",
                  "For every character when output goes to a file or another program: run "
                  "'set PYTHONUTF8=1' before skpxl (Command Prompt)."))


def check_folder(folder=".") -> Check:
    """Can skpxl write in ``folder`` (where its outputs go by default)?"""
    path = Path(folder)
    shown = str(path.resolve())
    try:
        with tempfile.NamedTemporaryFile(dir=path, prefix=".skpxl-doctor-", suffix=".tmp"):
            pass
    except OSError as exc:
        return Check("folder", NEEDED,
                     (f"Folder kerja {shown} tidak bisa ditulis ({exc.strerror or exc}).",
                      f"The working folder {shown} cannot be written ({exc.strerror or exc})."),
                     ("Buka Command Prompt di folder milik Anda (misalnya Dokumen atau D:\\SKP) "
                      "lalu jalankan skpxl di sana.",
                      "Open the Command Prompt in a folder of yours (e.g. Documents or D:\\SKP) "
                      "and run skpxl there."))
    return Check("folder", OK, (f"Folder kerja {shown} bisa ditulis.",
                                f"The working folder {shown} can be written."))
