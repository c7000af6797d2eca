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

The same reader serves the year recap (:mod:`skpxl.yearrecap`): besides the JF people it
keeps every Rekap Pegawai row of every period as a :class:`Row` (with the first reason of an
invalid one), every source read (:attr:`Inputs.sources`) and the Berkas rows of returned
workbooks. Asked for a year, returned workbooks are validated each against its own period
(a quarter of that year, or the year itself: an annual evaluation); one of another year is
a problem of that file.
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
define("ak.report_year", ERROR,
       "{file} adalah rekap tahunan ({period}), bukan laporan triwulan; rekap tahunan tidak "
       "dibaca sebagai masukan. Berikan laporan unit per triwulan atau file SKP-nya.",
       "{file} is a year recap ({period}), not a quarterly report; a year recap is not read "
       "as input. Give the quarterly unit reports or their SKP workbooks.")
define("ak.workbook_other_period", ERROR,
       "{file} adalah file SKP periode {found}, bukan bagian dari periode {expected}; tidak "
       "dipakai.",
       "{file} is an SKP workbook of period {found}, not part of period {expected}; not "
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


@dataclass(frozen=True)
class Row:
    """One Rekap Pegawai row of one period: ``values`` by :data:`REKAP_FIELDS` key (text),
    the source it came from and, for an invalid SKP, the first reason."""

    period: Period
    source: str
    values: dict
    reason: str = ""
    raw: tuple = ()          # the row as the report's Rekap Pegawai holds it

    @property
    def nip(self) -> str:
        return self.values["nip"]

    @property
    def unit(self) -> str:
        return self.values["unit"]


@dataclass
class Inputs:
    """Everyone found in the inputs: JF employees with their evaluations, the rest counted;
    every row, source and returned workbook read (the year recap's material)."""

    people: dict[str, Person] = field(default_factory=dict)
    others: dict[str, str] = field(default_factory=dict)   # non-JF NIP -> jenis jabatan
    names: dict[str, str] = field(default_factory=dict)    # every NIP -> nama
    problems: list[Problem] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    periods: set[str] = field(default_factory=set)
    instansi: str = ""
    rows: list[Row] = field(default_factory=list)
    #: each report or folder read: kind, file, period, units, status, reason, sha256
    sources: list[dict] = field(default_factory=list)
    #: returned workbooks read: (period, Berkas row) as :data:`skpxl.report.BERKAS`
    berkas: list[tuple] = field(default_factory=list)


def _text(value) -> str:
    return "" if value is None else clean_text(value)


def add_rows(inputs: Inputs, rows, headings: list[str], period: Period, source: str,
             reasons: dict[str, str] | None = None) -> None:
    """Rekap Pegawai rows (in ``headings`` order) of ``period`` into ``inputs``;
    ``reasons`` gives the first problem of an invalid SKP by NIP."""
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
        inputs.rows.append(Row(period, source, get, (reasons or {}).get(nip, ""), tuple(row)))
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
                progress=None, rosters: dict | None = None,
                year_recaps: bool = True) -> Inputs:
    """Reports and folders of returned workbooks into :class:`Inputs`.

    A report of a period outside ``period``, two reports of the same unit and period, or a
    report that does not verify are problems of that file; the others are used. Returned
    workbooks (anything that is not a report) need ``period``. When ``period`` is a year,
    each workbook is validated against its own period (a quarter or month of that year, or
    the year); ``rosters`` then maps a period code (or ``"*"``, any period) to the roster
    path or :class:`~skpxl.roster.Roster` its workbooks are checked against. A year recap
    gives its annual evaluations (its hidden Rekap Pegawai) when ``year_recaps``; else it is
    a problem (the year recap itself is not made from another one).
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
    _read_reports(inputs, [(p, name) for p, name, _ in reports], period, year_recaps)
    if workbooks:
        if period is None:
            raise UsageError(
                "Untuk file SKP yang dikembalikan (bukan laporan), periode wajib diberikan.",
                hint="Contoh: --period 2025-Q3, atau berikan laporan 'skpxl merge'.",
                en="Returned SKP workbooks (not reports) need the period.",
                hint_en="For example: --period 2025-Q3, or give 'skpxl merge' reports.")
        if period.kind == "tahunan":
            _read_year_workbooks(inputs, workbooks, period, rosters or {"*": roster}, lang,
                                 work, progress)
        else:
            _read_workbooks(inputs, workbooks, period, roster, lang, work, progress)
    return inputs


YEAR_LEVELS = ("year-unit", "year-province")


def _first_line(text) -> str:
    return str(text or "").split("\n", 1)[0].strip()


def _sha256(path: Path) -> str:
    import hashlib
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


def _read_reports(inputs: Inputs, reports: list[tuple[Path, str]], asked: Period | None,
                  year_recaps: bool = True):
    from .report import REKAP, TIDAK_VALID, ReportRejected, read_report, table_rows
    headings = [c.heading for c in REKAP]
    read = []
    for path, name in reports:
        source = {"kind": "laporan", "file": name, "path": str(path), "period": None,
                  "units": [], "status": "ditolak", "reason": None, "sha256": ""}
        inputs.sources.append(source)
        try:
            content = read_report(path, sheets=("Rekap Pegawai", "Tidak Valid"))
            meta = content.metadata
            source.update(sha256=content.sha256, period=meta["period"],
                          units=sorted({u.get("unit") for u in meta.get("units", [])
                                        if u.get("unit")}),
                          kind="laporan provinsi" if meta["level"] == "province" else
                          "rekap tahunan" if meta["level"] in YEAR_LEVELS else "laporan unit")
            if meta["level"] in YEAR_LEVELS and not year_recaps:
                source["reason"] = "rekap tahunan, bukan laporan triwulan"
                inputs.problems.append(Problem("ak.report_year", {
                    "file": name, "period": meta["period"]}, path=str(path)))
                continue
            rows = table_rows(content, "Rekap Pegawai", headings)
            invalid = (table_rows(content, "Tidak Valid", TIDAK_VALID)
                       if "Tidak Valid" in content.tables else [])
        except ReportRejected as exc:
            source.update(reason=exc.reason, sha256=source["sha256"] or _sha256(path))
            inputs.problems.append(Problem("ak.report_rejected", {
                "file": name, "reason": exc.reason, "reason_en": exc.reason}, path=str(path)))
            continue
        found = parse_period(meta["period"])
        if not _within(found, asked):
            source["reason"] = f"periode {found.kode}, bukan {asked.kode}"
            inputs.problems.append(Problem("ak.report_other_period", {
                "file": name, "found": found.kode, "expected": asked.kode}, path=str(path)))
            continue
        inputs.instansi = inputs.instansi or str(meta.get("instansi") or "")
        reasons = {row[1]: _first_line(row[5]) for row in invalid if row[1]}
        read.append((path, name, found, set(source["units"]), rows, reasons, source))
    refused = set()
    for i, (_, name, found, units, *_rest) in enumerate(read):
        for j in range(i + 1, len(read)):
            other = read[j]
            shared = units & other[3]
            if found == other[2] and shared:
                refused |= {i, j}
                inputs.problems.append(Problem("ak.report_twice", {
                    "file": name, "other": other[1], "period": found.kode,
                    "units": ", ".join(sorted(shared)) if len(shared) < 3 else
                    f"{len(shared)} unit"}, path=str(other[0])))
    for i, (_, name, found, _, rows, reasons, source) in enumerate(read):
        if i in refused:
            source["reason"] = f"ada laporan lain untuk unit dan periode {found.kode}"
        else:
            source["status"] = "dipakai"
            add_rows(inputs, rows, headings, found, name, reasons)


def _reduced(inputs: Inputs, subs, period: Period, lang: str, source: str) -> None:
    """Returned workbooks of one period reduced as ``skpxl merge`` does, into ``inputs``."""
    from .consolidate import reduce_unit
    from .report import REKAP
    data = reduce_unit(None, subs, period=period, roster=None, lang=lang)
    reasons = {row[1]: _first_line(row[5]) for row in data.tidak_valid if row[1]}
    add_rows(inputs, data.rekap, [c.heading for c in REKAP], period, source, reasons)
    inputs.berkas += [(period.kode, *row) for row in data.berkas]


def _read_workbooks(inputs: Inputs, files, period: Period, roster, lang: str, work, progress):
    from .consolidate import submissions
    roster_ref = roster.by_nip() if roster is not None else None
    subs = submissions(files, period=period.kode, months=period.months, roster_ref=roster_ref,
                       lang=lang, work=work, progress=progress)
    subs = [s for s in subs if s.kind == "skp"]
    folders = sorted({folder for _, _, folder in files})
    source = ", ".join(Path(f).name or f for f in folders) + f" ({period.kode})"
    _reduced(inputs, subs, period, lang, source)


def _roster_ref(roster):
    """What workers get of a roster: its path (read once per worker), else its index."""
    if not hasattr(roster, "by_nip"):
        return str(roster)
    path = Path(roster.path) if getattr(roster, "path", None) else None
    return str(path) if path is not None and path.is_file() else roster.by_nip()


def _read_year_workbooks(inputs: Inputs, files, year: Period, rosters: dict, lang: str, work,
                         progress):
    """Returned workbooks of the quarters (or months) of ``year`` and annual evaluations:
    each validated against its own period and its period's roster, then reduced per
    period."""
    from .consolidate import submissions
    from .executor import shipped_path
    refs = {kode: _roster_ref(r) for kode, r in rosters.items() if r is not None}
    refs = {k: shipped_path(v, work) if isinstance(v, str) else v for k, v in refs.items()}
    subs = submissions(files, period=None, months=None, roster_ref=None, lang=lang, work=work,
                       progress=progress, by_period=refs or None)
    groups: dict[Period, list] = {}
    for sub in subs:
        if sub.kind != "skp":
            continue
        try:
            found = parse_period(sub.report.period) if sub.report.period else None
        except UsageError:
            found = None
        if found is not None and _within(found, year):
            groups.setdefault(found, []).append(sub)
            continue
        if found is not None:
            problem = Problem("ak.workbook_other_period", {
                "file": sub.name, "found": found.kode, "expected": year.kode}, path=sub.path)
        else:   # unreadable, or no period at all: its own first error says why
            first = next((p for p in sub.report.issues if p.severity == ERROR), None)
            problem = Problem(first.code, dict(first.params), path=sub.path) if first else \
                Problem("ak.workbook_other_period", {"file": sub.name, "found": "?",
                                                     "expected": year.kode}, path=sub.path)
        inputs.problems.append(problem)
        inputs.berkas.append((found.kode if found else "", sub.unit, "file SKP", sub.name,
                              sub.nip, None, "tidak dipakai", sub.report.generated_at, None,
                              sub.report.sha256, None))
    for found in sorted(groups, key=lambda p: (p.start, p.end)):
        group = groups[found]
        folders = sorted({s.folder for s in group})
        source = ", ".join(Path(f).name or f for f in folders) + f" ({found.kode})"
        inputs.sources.append({"kind": "folder SKP", "file": source,
                               "path": None, "period": found.kode,
                               "units": sorted({s.unit for s in group if s.unit}),
                               "status": "dipakai", "reason": None, "sha256": ""})
        _reduced(inputs, group, found, lang, source)


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
