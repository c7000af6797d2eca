"""What the angka kredit papers are made from: reports or returned workbooks, and AK awal.

Unit and province reports (written by ``skpxl merge``) are read back verified
(:func:`skpxl.report.read_report`) and their Rekap Pegawai rows found by heading, never by
column position. Folders of returned SKP workbooks are validated and reduced exactly as
``skpxl merge`` does (:mod:`skpxl.consolidate`), into rows of the same shape. Either way each
row of a jabatan fungsional employee becomes an :class:`~skpxl.akrules.Evaluation` of that
period, with the identity the papers print.

The AK awal table (:func:`read_awal`) is a small CSV or workbook: NIP, the starting angka
kredit (from the previous PAK or the PAK integrasi), the date and, optionally, the number
of that PAK. Every row is checked; a bad row is a problem for that row only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .akrules import Evaluation
from .errors import UsageError
from .nip import check_nip
from .periods import Period, parse_period
from .problems import ERROR, WARNING, Problem, define
from .tables import clean_text, find_header, read_table
from .textfmt import BULAN

define("ak.report_rejected", ERROR, "{file} tidak dipakai: {reason}.",
       "{file} is not used: {reason_en}.")
define("ak.report_other_period", ERROR,
       "{file} adalah laporan periode {found}, bukan periode {expected} yang diminta; tidak "
       "dipakai.",
       "{file} is a report of period {found}, not of the period {expected} asked for; not "
       "used.")
define("ak.report_twice", ERROR,
       "{file} dan {other} sama-sama laporan {units} untuk periode {period}; tidak satu pun "
       "dipakai. Berikan satu laporan per unit per periode.",
       "{file} and {other} are both reports of {units} for period {period}; neither is used. "
       "Give one report per unit and period.")
define("ak.awal_column_missing", ERROR,
       "Tabel AK awal {file}: kolom '{column}' tidak ditemukan. Judul kolom yang dikenal: "
       "{aliases}.",
       "AK awal table {file}: column '{column}' was not found. Known headings: {aliases}.")
define("ak.awal_number", ERROR,
       "angka kredit awal '{value}' bukan angka yang sah{why}. "
       "Tulis misalnya 52,5 (koma desimal).",
       "starting angka kredit '{value}' is not a valid number"
       "{why_en}. Write e.g. 52,5 (decimal comma).")
define("ak.awal_date", ERROR,
       "tanggal PAK '{value}' tidak terbaca. Tulis misalnya "
       "31-12-2024 atau 31 Desember 2024.",
       "PAK date '{value}' cannot be read. Write e.g. 31-12-2024 or "
       "31 Desember 2024.")
define("ak.awal_duplicate", ERROR,
       "NIP {nip} sudah ada di baris {first_row}; baris ini tidak "
       "dipakai.",
       "NIP {nip} is already in row {first_row}; this row is not used.")
define("ak.awal_unknown_nip", ERROR,
       "NIP {nip} tidak ada di laporan yang diberikan; tidak ada "
       "lembar akumulasi untuknya.",
       "NIP {nip} is not in the reports given; no accumulation sheet "
       "is made for it.")
define("ak.not_jf", ERROR,
       "{nama} ({nip}) bukan pejabat fungsional (jenis jabatan "
       "{jenis}); angka kredit hanya untuk jabatan fungsional.",
       "{nama} ({nip}) is not a jabatan fungsional (position type "
       "{jenis}); angka kredit are for jabatan fungsional only.")
define("ak.awal_after", WARNING,
       "{nama} ({nip}): PAK sebelumnya bertanggal {tanggal}, sesudah akhir {period}. "
       "Pastikan angka kredit periode itu belum termasuk dalam PAK tersebut.",
       "{nama} ({nip}): the previous PAK is dated {tanggal_en}, after the end of {period_en}. "
       "Make sure that period's angka kredit are not already in that PAK.")

#: Rekap Pegawai headings this module reads (the report's own names for them)
REKAP_FIELDS = {"nip": "NIP", "nama": "Nama", "status_asn": "Status ASN",
                "pangkat": "Pangkat/Gol. Ruang", "jabatan": "Jabatan",
                "jenis_jabatan": "Jenis Jabatan", "jenjang": "Jenjang", "unit": "Unit Kerja",
                "nip_penilai": "NIP Penilai", "nama_penilai": "Nama Penilai",
                "predikat": "Predikat", "status": "Status"}
VALID = "valid"
JF = "Fungsional"

AWAL_COLUMNS = {"nip": ("NIP", "NIP Pegawai", "NIP/NI PPPK"),
                "ak_awal": ("AK Awal", "Angka Kredit Awal", "AK", "Angka Kredit",
                            "Jumlah Angka Kredit", "AK Kumulatif"),
                "tanggal": ("Tanggal", "Tanggal PAK", "Tgl PAK", "Tanggal Penetapan"),
                "nomor": ("Nomor", "Nomor PAK", "No PAK", "No. PAK")}
AWAL_REQUIRED = ("nip", "ak_awal", "tanggal")


@dataclass
class Person:
    """A jabatan fungsional employee as the latest of their report rows describes them."""

    nip: str
    nama: str = ""
    status_asn: str = ""
    pangkat: str = ""
    jabatan: str = ""
    jenis_jabatan: str = ""
    jenjang: str = ""
    unit: str = ""
    nip_penilai: str = ""
    nama_penilai: str = ""
    evaluations: list[Evaluation] = field(default_factory=list)
    latest: Period | None = None

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("nip", "nama", "status_asn", "pangkat", "jabatan",
                                               "jenjang", "unit", "nip_penilai", "nama_penilai")}


@dataclass
class Inputs:
    """Everyone found in the inputs: JF employees with their evaluations, the rest counted."""

    people: dict[str, Person] = field(default_factory=dict)
    others: dict[str, str] = field(default_factory=dict)   # non-JF NIP -> jenis jabatan
    names: dict[str, str] = field(default_factory=dict)    # every NIP -> nama
    problems: list[Problem] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    periods: set[str] = field(default_factory=set)
    instansi: str = ""


def _text(value) -> str:
    return "" if value is None else clean_text(value)


def add_rows(inputs: Inputs, rows, headings: list[str], period: Period, source: str) -> None:
    """Rekap Pegawai rows (in ``headings`` order) of ``period`` into ``inputs``."""
    try:
        index = {key: headings.index(name) for key, name in REKAP_FIELDS.items()}
    except ValueError as exc:   # the report layout lost a column this module needs
        raise RuntimeError(f"Rekap Pegawai has no column the angka kredit papers need: {exc}")
    inputs.periods.add(period.kode)
    for row in rows:
        get = {key: _text(row[i]) for key, i in index.items()}
        nip = get["nip"]
        if not nip:
            continue
        inputs.names.setdefault(nip, get["nama"])
        if get["jenis_jabatan"] != JF:
            if nip not in inputs.people:
                inputs.others[nip] = get["jenis_jabatan"] or "tidak diketahui"
            continue
        inputs.others.pop(nip, None)
        person = inputs.people.setdefault(nip, Person(nip))
        if person.latest is None or period.end >= person.latest.end:
            for key in ("nama", "status_asn", "pangkat", "jabatan", "jenis_jabatan", "jenjang",
                        "unit", "nip_penilai", "nama_penilai"):
                setattr(person, key, get[key] or getattr(person, key))
            person.latest = period
        valid = get["status"] == VALID
        person.evaluations.append(Evaluation(
            period, get["predikat"] if valid else None, get["jenjang"], source=source,
            status="" if valid else get["status"] or "tidak valid"))


# --- reports and folders ---------------------------------------------------------------------

def _within(inner: Period, outer: Period | None) -> bool:
    return outer is None or (outer.start <= inner.start and inner.end <= outer.end)


def read_inputs(paths, *, period: Period | None, roster=None, lang: str = "id", work=1,
                progress=None) -> Inputs:
    """Reports and folders of returned workbooks into :class:`Inputs`.

    A report of a period outside ``period``, two reports of the same unit and period, or a
    report that does not verify are problems of that file; the others are used. Returned
    workbooks (anything that is not a report) need ``period``.
    """
    from .consolidate import input_files
    from .report import REPORT_SHEET, sheet_names
    inputs = Inputs()
    files, skipped = input_files(paths)
    inputs.skipped += skipped
    reports, workbooks = [], []
    for item in files:
        path = item[0]
        is_report = path.suffix.lower() in (".xlsx", ".xlsm") and \
            REPORT_SHEET in (sheet_names(path) or [])
        (reports if is_report else workbooks).append(item)
    _read_reports(inputs, [(p, name) for p, name, _ in reports], period)
    if workbooks:
        if period is None:
            raise UsageError(
                "Untuk file SKP yang dikembalikan (bukan laporan), periode wajib diberikan.",
                hint="Contoh: --period 2025-Q3, atau berikan laporan 'skpxl merge'.",
                en="Returned SKP workbooks (not reports) need the period.",
                hint_en="For example: --period 2025-Q3, or give 'skpxl merge' reports.")
        _read_workbooks(inputs, workbooks, period, roster, lang, work, progress)
    return inputs


def _read_reports(inputs: Inputs, reports: list[tuple[Path, str]], asked: Period | None):
    from .report import REKAP, ReportRejected, read_report, table_rows
    headings = [c.heading for c in REKAP]
    read = []
    for path, name in reports:
        try:
            content = read_report(path, sheets=("Rekap Pegawai",))
            rows = table_rows(content, "Rekap Pegawai", headings)
        except ReportRejected as exc:
            inputs.problems.append(Problem("ak.report_rejected", {
                "file": name, "reason": exc.reason, "reason_en": exc.reason}, path=str(path)))
            continue
        meta = content.metadata
        found = parse_period(meta["period"])
        if not _within(found, asked):
            inputs.problems.append(Problem("ak.report_other_period", {
                "file": name, "found": found.kode, "expected": asked.kode}, path=str(path)))
            continue
        units = {u.get("unit") for u in meta.get("units", []) if u.get("unit")}
        inputs.instansi = inputs.instansi or str(meta.get("instansi") or "")
        read.append((path, name, found, units, rows))
    refused = set()
    for i, (_, name, found, units, _) in enumerate(read):
        for j in range(i + 1, len(read)):
            other = read[j]
            shared = units & other[3]
            if found == other[2] and shared:
                refused |= {i, j}
                inputs.problems.append(Problem("ak.report_twice", {
                    "file": name, "other": other[1], "period": found.kode,
                    "units": ", ".join(sorted(shared)) if len(shared) < 3 else
                    f"{len(shared)} unit"}, path=str(other[0])))
    for i, (_, name, found, _, rows) in enumerate(read):
        if i not in refused:
            add_rows(inputs, rows, headings, found, name)


def _read_workbooks(inputs: Inputs, files, period: Period, roster, lang: str, work, progress):
    from .consolidate import reduce_unit, submissions
    from .report import REKAP
    roster_ref = roster.by_nip() if roster is not None else None
    subs = submissions(files, period=period.kode, months=period.months, roster_ref=roster_ref,
                       lang=lang, work=work, progress=progress)
    subs = [s for s in subs if s.kind == "skp"]
    data = reduce_unit(None, subs, period=period, roster=None, lang=lang)
    folders = sorted({folder for _, _, folder in files})
    source = ", ".join(Path(f).name or f for f in folders) + f" ({period.kode})"
    add_rows(inputs, data.rekap, [c.heading for c in REKAP], period, source)


# --- the AK awal table -----------------------------------------------------------------------

@dataclass(frozen=True)
class Awal:
    """One row of the AK awal table: where the accumulation starts."""

    row: int
    nip: str
    ak: Decimal
    tanggal: date
    nomor: str = ""

    def to_dict(self) -> dict:
        return {"row": self.row, "nip": self.nip, "ak_awal": float(self.ak),
                "tanggal": self.tanggal.isoformat(), "nomor": self.nomor or None}


_DAY_FIRST = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_LONG = re.compile(r"^(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})$")
_MONTHS = {name.lower(): i for i, name in enumerate(BULAN, start=1)}
_MONTHS.update({name[:3].lower(): i for i, name in enumerate(BULAN, start=1)})
_MONTHS.update({"agt": 8, "ags": 8, "nop": 11, "okt": 10, "des": 12})


def parse_date(value) -> date | None:
    """A date as people write it: a date cell, ``2024-12-31``, ``31-12-2024``,
    ``31/12/2024`` or ``31 Desember 2024``; ``None`` when it is none of these."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for pattern, order in ((_ISO, (1, 2, 3)), (_DAY_FIRST, (3, 2, 1))):
        match = pattern.match(text)
        if match:
            y, m, d = (int(match.group(i)) for i in order)
            break
    else:
        match = _LONG.match(text)
        if not match or match.group(2).lower() not in _MONTHS:
            return None
        y, m, d = int(match.group(3)), _MONTHS[match.group(2).lower()], int(match.group(1))
    try:
        return date(y, m, d)
    except ValueError:
        return None


_INDONESIAN = re.compile(r"^\d{1,3}(?:\.\d{3})*(?:,\d+)?$|^\d+(?:,\d+)?$")
_PLAIN = re.compile(r"^\d+(?:\.\d+)?$")


def parse_ak(value) -> tuple[Decimal | None, str, str]:
    """An angka kredit as written: a number cell, ``52,5`` or ``1.050,25`` (Indonesian),
    ``52.5``. ``(None, why, why_en)`` for text that is not one, or is ambiguous (``50.125``:
    fifty and an eighth, or fifty thousand?), or is negative."""
    if isinstance(value, bool):
        return None, "", ""
    if isinstance(value, (int, float)):
        number = Decimal(str(value))
    else:
        text = _text(value).replace(" ", "")
        if re.fullmatch(r"\d{1,3}\.\d{3}", text):
            return None, " (titik bisa berarti ribuan atau desimal)", \
                " (the dot may mark thousands or decimals)"
        try:
            if _INDONESIAN.match(text):
                number = Decimal(text.replace(".", "").replace(",", "."))
            elif _PLAIN.match(text):
                number = Decimal(text)
            else:
                return None, "", ""
        except InvalidOperation:
            return None, "", ""
    if not number.is_finite() or number < 0:
        return None, " (harus 0 atau lebih)", " (it must be 0 or more)"
    return number, "", ""


def read_awal(path: str | Path) -> tuple[dict[str, Awal], list[Problem]]:
    """The AK awal table by NIP, and the problems of its rows (each names its row)."""
    path = Path(path)
    rows = read_table(path)
    header_row, columns = find_header(rows, AWAL_COLUMNS)
    problems: list[Problem] = []
    missing = [c for c in AWAL_REQUIRED if c not in columns]
    if missing:
        for column in missing:
            problems.append(Problem("ak.awal_column_missing", {
                "file": path.name, "column": AWAL_COLUMNS[column][0],
                "aliases": ", ".join(AWAL_COLUMNS[column])}, path=str(path)))
        return {}, problems
    found: dict[str, Awal] = {}
    for number, cells in rows:
        if number <= header_row or not any(_text(c) for c in cells):
            continue

        def cell(name):
            i = columns.get(name)
            return cells[i] if i is not None and i < len(cells) else None
        checked = check_nip(cell("nip"))
        row_problems = [Problem(code, params, row=number, path=str(path))
                        for code, params in checked.problems if code != "nip.spaces"]
        ak, why, why_en = parse_ak(cell("ak_awal"))
        if ak is None:
            row_problems.append(Problem("ak.awal_number", {
                "row": number, "value": _text(cell("ak_awal")), "why": why, "why_en": why_en},
                row=number, path=str(path)))
        day = parse_date(cell("tanggal"))
        if day is None:
            row_problems.append(Problem("ak.awal_date", {
                "row": number, "value": _text(cell("tanggal"))}, row=number, path=str(path)))
        if not row_problems and checked.nip in found:
            row_problems.append(Problem("ak.awal_duplicate", {
                "row": number, "nip": checked.nip, "first_row": found[checked.nip].row},
                row=number, path=str(path)))
        problems += row_problems
        if not row_problems:
            found[checked.nip] = Awal(number, checked.nip, ak, day, _text(cell("nomor")))
    return found, problems
