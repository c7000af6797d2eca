"""Merge returned SKP workbooks into a unit report, and unit reports into a province report.

Map, then reduce. The map validates every workbook (the rules of :mod:`skpxl.validate`,
stage ``evaluation``: a merge consolidates ratings) and, in the worker, turns the document
into the few compact rows the report needs, so only small tuples travel between processes.
The reduce groups files by NIP (the newest file wins: workbook metadata ``generated_at``,
then file time), counts, and builds the tables; :mod:`skpxl.report` lays them out.

Unit level: the unit is the roster unit of the files' NIPs (the workbook's own unit when the
NIP is not in the roster). Inputs spanning several units are refused unless ``unit=`` names
the one to report on; files of other units are then listed as not merged. Province level:
inputs are unit reports (verified through their metadata sheet) and/or folders of returned
workbooks (merged per unit in the same run).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from . import domain
from .errors import UsageError
from .kurva import KurvaResult, normalize_org_predikat
from .kurva import check as check_kurva
from .periods import Period, parse_period
from .problems import ERROR, Problem, define
from .report import (DUPLIKAT, HASIL, PROVINCE_TABLES, REKAP, REPORT_SHEET, TIDAK_VALID,
                     UNIT_TABLES, ReportContent, ReportRejected, check_export, export_tables,
                     province_book, read_report, sheet_names, table_rows, unit_book)
from .reportbook import check_output, save, table_hash
from .executor import map_ordered
from .roster import index_for
from .validate import FileReport, check_workers_saw, list_files, validate_file

define("merge.other_unit", ERROR, "File milik unit {found}, bukan {expected}; tidak digabung.",
       "The file belongs to unit {found}, not {expected}; not merged.")

VALID, INVALID, NOT_SUBMITTED = "valid", "tidak valid", "belum mengumpulkan"
SET_ASIDE = "disisihkan"

PROVINCE_UNIT = domain.PROVINCE_UNIT_JATIM
JATIM_UNITS = domain.JATIM_UNITS

_REKAP_STATUS, _REKAP_PREDIKAT = 14, 12


@dataclass
class UnitSummary:
    """The numbers of one unit (or of the province totals when ``unit`` is None)."""

    unit: str | None
    period: str
    expected: int | None = None
    submitted: int = 0
    valid: int = 0
    invalid: int = 0
    duplicates: int = 0
    missing: int | None = None
    not_submitted: int | None = None
    predikat: dict[str, int] = field(default_factory=lambda: dict.fromkeys(domain.PREDIKAT, 0))
    kurva: KurvaResult = field(default_factory=lambda: KurvaResult(None, []))
    status: str | None = None  # province level: "ok", "missing" (no source) or "rejected"
    source: str | None = None

    @property
    def rate(self) -> float | None:
        """Share of expected employees with a valid SKP."""
        return self.valid / self.expected if self.expected else None

    def to_dict(self) -> dict:
        data = {"unit": self.unit, "period": self.period, "expected": self.expected,
                "submitted": self.submitted, "valid": self.valid, "invalid": self.invalid,
                "duplicates": self.duplicates, "missing": self.missing,
                "not_submitted": self.not_submitted, "predikat": dict(self.predikat),
                "kurva": self.kurva.to_dict()}
        if self.status is not None:
            data.update(status=self.status, source=self.source)
        return data


@dataclass
class UnitData:
    """A merged unit: its numbers and its table rows (tuples in the column order above)."""

    summary: UnitSummary
    rekap: list[tuple] = field(default_factory=list)
    hasil: list[tuple] = field(default_factory=list)
    perilaku: list[tuple] = field(default_factory=list)
    belum: list[tuple] = field(default_factory=list)
    tidak_valid: list[tuple] = field(default_factory=list)
    duplikat: list[tuple] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)
    fingerprint: str = ""


@dataclass
class MergeResult:
    """What :func:`merge` did; ``to_dict()`` is the JSON summary the CLI prints."""

    level: str
    period: str
    output: str
    units: list[UnitSummary] = field(default_factory=list)
    totals: UnitSummary | None = None
    rejected: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    exported: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every input was valid and nobody (no unit) is missing."""
        if self.rejected:
            return False
        units = self.units if self.level == "unit" else [self.totals, *self.units]
        return all(u is not None and u.invalid == 0 and not u.missing and
                   u.status in (None, "ok") for u in units)

    def to_dict(self) -> dict:
        if self.level == "unit":
            data = self.units[0].to_dict()
        else:
            data = {"period": self.period, "units": [u.to_dict() for u in self.units],
                    "totals": self.totals.to_dict() if self.totals else None,
                    "rejected": self.rejected}
        data.update(output=self.output, skipped=self.skipped, exported=self.exported)
        return data


# --- the map: one workbook -> a compact submission ---------------------------------------

@dataclass
class Submission:
    """One input file after validation, with the rows it contributes (document dropped)."""

    path: str
    name: str
    folder: str
    kind: str = "skp"  # "skp" or "report" (a merged report found among the inputs)
    report: FileReport | None = None
    unit: str | None = None
    employee: tuple | None = None  # the first 14 Rekap Pegawai values
    hasil: list[tuple] = field(default_factory=list)
    perilaku: list[tuple] = field(default_factory=list)

    @property
    def nip(self) -> str | None:
        return self.report.nip if self.report else None

    @property
    def valid(self) -> bool:
        return bool(self.report and self.report.valid)

    def newest_key(self):
        generated = _parse_time(self.report.generated_at) if self.report else None
        return (generated or datetime.min.replace(tzinfo=timezone.utc),
                self.report.mtime if self.report else 0.0, self.name)


def _parse_time(text) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(text))
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def person_row(emp, penilai, *, nip: str | None = None) -> tuple:
    """The identity part of a Rekap row (NIP .. Nama Penilai) from a roster Employee."""
    return (nip or emp.nip, emp.nama, emp.status_asn, emp.pangkat, emp.jabatan,
            emp.jenis_jabatan, emp.jenjang, emp.unit_kerja, emp.nip_penilai,
            penilai.nama if penilai else None)


def _submission_task(args) -> Submission:
    path, name, folder, period, months, roster_ref, lang = args
    sub = Submission(path=str(path), name=name, folder=folder)
    index = index_for(roster_ref)
    report = validate_file(path, period=period, stage="evaluation", roster_index=index,
                           lang=lang, keep_document=True)
    if report.template is None and Path(path).suffix.lower() in (".xlsx", ".xlsm"):
        sheets = sheet_names(Path(path)) or []  # not an SKP: perhaps a merged report
        if REPORT_SHEET in sheets or "Rekap Pegawai" in sheets:
            sub.kind = "report"
            return sub
    doc, report.document = report.document or {}, None
    sub.report = report
    pegawai = doc.get("pegawai") or {}
    emp = index.get(report.nip) if index and report.nip else None
    sub.unit = (emp.unit_kerja if emp else None) or _text(pegawai.get("unit_kerja"))
    if emp is not None:
        identity = person_row(emp, index.get(emp.nip_penilai))
    elif report.nip:
        penilai = doc.get("penilai") or {}
        identity = (report.nip, *(_text(pegawai.get(k)) for k in (
            "nama", "status_asn", "pangkat", "jabatan", "jenis_jabatan", "jenjang")),
            sub.unit, _text(penilai.get("nip")), _text(penilai.get("nama")))
    else:
        identity = None
    if identity is None:
        return sub
    if not report.valid:
        sub.employee = identity + (None,) * 4
        return sub
    evaluasi = doc.get("evaluasi") or {}
    predikat = evaluasi.get("predikat")
    ak = None
    if identity[5] == "Fungsional" and identity[6] and predikat in domain.PREDIKAT:
        ak = domain.angka_kredit(predikat, identity[6], months)
    sub.employee = identity + (evaluasi.get("rating_hasil_kerja"),
                               evaluasi.get("rating_perilaku"), predikat, ak)
    nip, nama, unit = identity[0], identity[1], identity[7]
    for section, label in (("utama", "Utama"), ("tambahan", "Tambahan")):
        for number, item in enumerate((doc.get("hasil_kerja") or {}).get(section) or [], 1):
            for iki in item.get("iki") or []:
                sub.hasil.append((nip, nama, unit, label, number, item.get("rhk_pimpinan"),
                                  item.get("rhk"), iki.get("aspek") or iki.get("perspektif"),
                                  iki.get("indikator"), iki.get("target"), iki.get("satuan"),
                                  iki.get("realisasi"), iki.get("umpan_balik")))
    for number, row in enumerate((doc.get("perilaku") or [])[:len(domain.BERAKHLAK)], 1):
        row = row or {}
        sub.perilaku.append((nip, nama, unit, number, domain.BERAKHLAK[number - 1][0],
                             row.get("ekspektasi_khusus"), row.get("umpan_balik")))
    return sub


def _now() -> str:
    return datetime.now().astimezone().replace(microsecond=0).isoformat()


def _text(value) -> str | None:
    return None if value in (None, "") else str(value)


def _inputs(paths) -> tuple[list[tuple[Path, str, str]], list[dict]]:
    """(path, display name, folder) per workbook; names are relative to the folder given."""
    files, skipped = [], []
    for raw in paths:
        root = Path(raw)
        found, skip = list_files([root])
        skipped += skip
        folder = str(root) if root.is_dir() else None
        files += [(path, name, folder or str(path.parent)) for path, name in found]
    return files, skipped


def _submissions(files, *, period, months, roster_ref, lang, work, progress) -> list[Submission]:
    tasks = [(p, name, folder, period, months, roster_ref, lang) for p, name, folder in files]
    advance = progress(len(tasks)) if progress else None
    subs = list(map_ordered(_submission_task, tasks, work, advance))
    check_workers_saw([s.report for s in subs if s.report is not None], work)
    return subs


# --- the reduce: submissions of one unit -> tables and numbers --------------------------

def _utc(mtime: float) -> str | None:
    if not mtime:
        return None
    return datetime.fromtimestamp(mtime, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def _errors_text(report: FileReport | None, lang: str) -> tuple[int, str]:
    problems = [p for p in (report.issues if report else []) if p.severity == ERROR]
    lines = [(f"{p.location}: " if p.location else "") + p.message(lang) for p in problems]
    return len(problems), "\n".join(lines)


def reduce_unit(unit: str | None, subs: list[Submission], *, period: Period, roster=None,
                org_predikat: str | None = None, lang: str = "id",
                others: list[Submission] = ()) -> UnitData:
    """Merge the submissions of one unit; ``others`` are files of other units (not merged)."""
    lookup = roster.employee if roster is not None else {}.get
    expected_emps = roster.employees_of(unit) if roster is not None and unit else []
    groups: dict[str, list[Submission]] = {}
    loose: list[Submission] = []
    for sub in subs:
        (groups.setdefault(sub.nip, []) if sub.nip else loose).append(sub)
    data = UnitData(UnitSummary(unit, period.kode))
    used: dict[str, Submission] = {}
    for nip, group in groups.items():
        candidates = [s for s in group if s.valid] or group
        chosen = max(candidates, key=Submission.newest_key)
        used[nip] = chosen
        for other in sorted((s for s in group if s is not chosen), key=lambda s: s.name):
            reason = ("file yang dipakai sah, file ini tidak valid" if chosen.valid and
                      not other.valid else "file yang dipakai lebih baru")
            data.duplikat.append((nip, chosen.employee[1] if chosen.employee else None,
                                  chosen.name, other.name, VALID if other.valid else INVALID,
                                  reason, chosen.report.generated_at, other.report.generated_at,
                                  _utc(chosen.report.mtime), _utc(other.report.mtime),
                                  other.report.sha256))
    roster_nips = {e.nip for e in expected_emps}
    for nip in sorted(roster_nips | set(used)):
        sub = used.get(nip)
        emp = lookup(nip)
        if sub is None:
            identity = person_row(emp, lookup(emp.nip_penilai))
            data.rekap.append(identity + (None,) * 4 + (NOT_SUBMITTED, None, None))
            data.belum.append(tuple(identity[i] for i in (0, 1, 2, 4, 7, 8, 9)))
            continue
        employee = sub.employee or (nip,) + (None,) * 13
        data.rekap.append(employee + (VALID if sub.valid else INVALID, sub.name,
                                      sub.report.sha256))
        if sub.valid:
            data.hasil += sub.hasil
            data.perilaku += sub.perilaku
        else:
            data.tidak_valid.append(_invalid_row(sub, lang))
    for sub in loose:
        data.tidak_valid.append(_invalid_row(sub, lang))
    for sub in others:
        problem = Problem("merge.other_unit", {"found": sub.unit, "expected": unit})
        sub.report.issues.append(problem)
        data.tidak_valid.append(_invalid_row(sub, lang))
    data.tidak_valid.sort(key=lambda row: (row[1] or "", row[0]))
    data.duplikat.sort(key=lambda row: (row[0], row[3]))
    _count(data, expected=len(expected_emps) if roster is not None and unit else None,
           org_predikat=org_predikat, lang=lang)
    for sub in sorted([*subs, *others], key=lambda s: s.name):
        if sub.nip and sub.nip in used and used[sub.nip] is not sub:
            status = SET_ASIDE
        else:
            status = VALID if sub.valid and used.get(sub.nip) is sub else INVALID
        data.sources.append({"file": sub.name, "sha256": sub.report.sha256 if sub.report else "",
                             "nip": sub.nip, "status": status})
    data.fingerprint = _fingerprint(data)
    return data


def _invalid_row(sub: Submission, lang: str) -> tuple:
    count, text = _errors_text(sub.report, lang)
    emp = sub.employee
    return (sub.name, sub.nip, emp[1] if emp else None, sub.unit,
            sub.report.sha256 if sub.report else None, count, text)


def _count(data: UnitData, *, expected: int | None, org_predikat, lang: str) -> None:
    """Fill the summary from the tables (so the numbers always match the rows)."""
    s = data.summary
    statuses = Counter(row[_REKAP_STATUS] for row in data.rekap)
    predikat = Counter(row[_REKAP_PREDIKAT] for row in data.rekap if row[_REKAP_STATUS] == VALID)
    s.valid = statuses[VALID]
    s.invalid = len(data.tidak_valid)
    s.duplicates = len(data.duplikat)
    s.submitted = s.valid + s.invalid + s.duplicates
    s.predikat = {p: predikat.get(p, 0) for p in domain.PREDIKAT}
    s.expected = expected
    s.missing = None if expected is None else expected - s.valid
    s.not_submitted = None if expected is None else statuses[NOT_SUBMITTED]
    s.kurva = check_kurva(s.predikat, org_predikat, lang=lang)


def _fingerprint(data: UnitData) -> str:
    parts = [table_hash([c.heading for c in REKAP], data.rekap),
             table_hash([c.heading for c in HASIL], data.hasil)]
    return hashlib.sha256("".join(parts).encode()).hexdigest()


# --- entry point ----------------------------------------------------------------------------

def merge(paths, *, period: str | None, roster=None, org_predikat: str | None = None,
          output, level: str = "unit", unit: str | None = None, export=None, jobs: int = 1,
          force: bool = False, lang: str = "id", progress=None, executor=None) -> MergeResult:
    """Merge returned workbooks (or unit reports) into a report workbook at ``output``.

    ``roster`` is a roster path or :class:`~skpxl.roster.Roster`; it gives the expected
    employees. ``progress``, when given, is called once with the number of workbooks to read
    and returns a callable advanced by one per workbook. ``executor``
    (:func:`~skpxl.executor.make_executor`), when given, says where the per-file work runs
    instead of ``jobs``: serially, in a local pool or on a Dask cluster. Refuses
    (:class:`UsageError`) an existing ``output`` without ``force``. The report is written
    even when inputs are invalid or missing; :attr:`MergeResult.ok` tells.
    """
    if level not in ("unit", "province"):
        raise UsageError(f"Level '{level}' tidak dikenal: gunakan unit atau province.",
                         en=f"Level '{level}' is not known: use unit or province.")
    output = Path(output)
    check_output(output, force=force)
    if export:
        check_export(UNIT_TABLES if level == "unit" else PROVINCE_TABLES, Path(export),
                     force=force)
    org = normalize_org_predikat(org_predikat)
    per = parse_period(period) if period else None
    roster_obj, roster_ref = _load_roster(roster)
    work = executor or jobs
    if level == "unit":
        if per is None:
            raise UsageError("Periode wajib untuk laporan unit.", hint="Contoh: --period 2025-Q3",
                             en="A unit report needs the period.",
                             hint_en="For example: --period 2025-Q3")
        result, book = _merge_unit(paths, per, roster_obj, roster_ref, unit, org, work, lang,
                                   progress)
    else:
        if unit:
            raise UsageError("--unit hanya untuk laporan unit; laporan provinsi memuat semua "
                             "unit.", en="--unit is for unit reports only; a province report "
                                         "holds every unit.")
        result, book = _merge_province(paths, per, roster_obj, roster_ref, org, work, lang,
                                      progress)
    result.output = str(output)
    save(book.to_bytes(), output, force=force)
    if export:
        result.exported = export_tables(book.tables, Path(export), force=force)
    return result


def _load_roster(roster):
    """(Roster object or None, what workers get: the path, or the NIP index)."""
    if roster is None:
        return None, None
    from .roster import Roster, read_roster_once
    if isinstance(roster, Roster):
        return roster, roster.by_nip()
    path = Path(roster)
    if not path.is_file():
        raise UsageError(f"Roster '{roster}' tidak ditemukan.",
                         en=f"Roster '{roster}' was not found.")
    # read once here; workers forked from here find it (roster.read_roster_once)
    return read_roster_once(str(path)), str(path)


def _merge_unit(paths, per: Period, roster, roster_ref, unit, org, work, lang, progress):
    files, skipped = _inputs(paths)
    subs = _submissions(files, period=per.kode, months=per.months, roster_ref=roster_ref,
                        lang=lang, work=work, progress=progress)
    for sub in subs:
        if sub.kind == "report":
            skipped.append({"path": sub.path, "reason": "laporan gabungan, bukan SKP pegawai"})
    subs = [s for s in subs if s.kind == "skp"]
    chosen = _choose_unit(subs, roster, unit)
    mine, others = [], []       # one pass: "s not in mine" was quadratic in the folder size
    for s in subs:
        ours = s.unit is None or chosen is None or s.unit.casefold() == chosen.casefold()
        (mine if ours else others).append(s)
    data = reduce_unit(chosen, mine, period=per, roster=roster, org_predikat=org, lang=lang,
                       others=others)
    result = MergeResult("unit", per.kode, "", units=[data.summary], skipped=skipped)
    book = unit_book(data, per, roster=roster, org_predikat=org, generated_at=_now())
    return result, book


def _choose_unit(subs: list[Submission], roster, unit: str | None) -> str | None:
    """The unit a unit report covers: ``unit`` if given, else the one unit of the files."""
    if unit:
        known = roster.units() if roster is not None else sorted({s.unit for s in subs
                                                                  if s.unit})
        match = next((u for u in known if u.casefold() == unit.strip().casefold()), None)
        if match is None and roster is not None:
            raise UsageError(f"Unit '{unit}' tidak ada di roster.",
                             hint="Unit di roster: " + "; ".join(known),
                             en=f"Unit '{unit}' is not in the roster.",
                             hint_en="Units in the roster: " + "; ".join(known))
        return match or unit.strip()
    counts = Counter(s.unit for s in subs if s.unit)
    if len(counts) > 1:
        listing = "; ".join(f"{u} ({n} file)" for u, n in sorted(counts.items()))
        raise UsageError(f"File masukan berasal dari {len(counts)} unit: {listing}.",
                         hint="Pilih satu dengan --unit \"NAMA UNIT\" (file unit lain dicatat "
                              "sebagai tidak digabung), atau gunakan --level province.",
                         en=f"The input files come from {len(counts)} units: "
                            f"{listing.replace(' file)', ' files)')}.",
                         hint_en="Choose one with --unit \"UNIT NAME\" (the other units' files "
                                 "are listed as not merged), or use --level province.")
    if counts:
        return next(iter(counts))
    if roster is not None and len(roster.units()) == 1:
        return roster.units()[0]
    return None


def summary_from_dict(data: dict, lang: str = "id") -> UnitSummary:
    """A :class:`UnitSummary` from report metadata; the curve is re-checked in ``lang``."""
    summary = UnitSummary(data.get("unit"), data["period"], data.get("expected"),
                          data["submitted"], data["valid"], data["invalid"], data["duplicates"],
                          data.get("missing"), data.get("not_submitted"),
                          {p: int(data["predikat"][p]) for p in domain.PREDIKAT})
    summary.kurva = check_kurva(summary.predikat, (data.get("kurva") or {}).get("org_predikat"),
                                lang=lang)
    return summary


def unit_from_report(content: ReportContent, lang: str = "id") -> UnitData:
    """The verified content of a unit report as :class:`UnitData` (numbers re-checked)."""
    meta = content.metadata
    if meta["level"] != "unit":
        raise ReportRejected("ini laporan provinsi; yang digabung adalah laporan unit",
                             metadata=meta)
    if len(meta["units"]) != 1 or not meta["units"][0].get("unit"):
        raise ReportRejected("laporan unit harus memuat tepat satu unit bernama", metadata=meta)
    summary = summary_from_dict(meta["units"][0], lang)
    data = UnitData(summary)
    data.rekap = table_rows(content, "Rekap Pegawai", [c.heading for c in REKAP])
    data.hasil = table_rows(content, "Hasil Kerja", [c.heading for c in HASIL])
    data.tidak_valid = table_rows(content, "Tidak Valid", [c.heading for c in TIDAK_VALID])
    data.duplikat = table_rows(content, "Duplikat", [c.heading for c in DUPLIKAT])
    recount = UnitData(UnitSummary(summary.unit, summary.period), rekap=data.rekap,
                       tidak_valid=data.tidak_valid, duplikat=data.duplikat)
    _count(recount, expected=summary.expected, org_predikat=None, lang=lang)
    fields = ("submitted", "valid", "invalid", "duplicates", "missing", "not_submitted",
              "predikat")
    wrong = [f for f in fields if getattr(recount.summary, f) != getattr(summary, f)]
    if wrong:
        raise ReportRejected("angka di metadata tidak cocok dengan isi tabel (" +
                             ", ".join(wrong) + "); laporan diubah setelah dibuat",
                             metadata=meta)
    if any(row[7] != summary.unit for row in data.rekap):
        raise ReportRejected(f"Rekap Pegawai memuat pegawai dari unit lain selain "
                             f"{summary.unit}", metadata=meta)
    data.fingerprint = _fingerprint(data)
    return data


# --- province -----------------------------------------------------------------------------

_UNIT_RANK = {u.casefold(): i for i, u in enumerate(JATIM_UNITS)}


def unit_order(name: str | None):
    """Sort key: the province secretariat, the kab/kota in Kemendagri order, then the rest."""
    if name is None:
        return (2, 0, "")
    position = _UNIT_RANK.get(name.casefold())
    return (0, position, "") if position is not None else (1, 0, name.casefold())


#: what a province merge reads from a unit report (and so verifies)
PROVINCE_NEEDS = ("Ringkasan", "Rekap Pegawai", "Hasil Kerja", "Tidak Valid", "Duplikat")


def _report_task(args) -> tuple[UnitData | None, ReportContent | None, dict | None]:
    """(unit data, the report without its tables, None) of a unit report that verifies;
    (None, None, why) of one that does not."""
    path, lang = args
    try:
        content = read_report(path, sheets=PROVINCE_NEEDS)
        data = unit_from_report(content, lang)
    except ReportRejected as exc:
        return None, None, {"path": str(path), "unit": _report_unit(exc),
                            "reason": exc.reason, "sha256": _sha256(path)}
    content.tables = {}       # read into ``data``; not sent back twice
    return data, content, None


def _report_unit(exc: ReportRejected) -> str | None:
    try:
        return exc.metadata["units"][0]["unit"]
    except (TypeError, KeyError, IndexError):
        return None


def _merge_province(paths, per, roster, roster_ref, org, work, lang, progress):
    explicit, files, skipped = [], [], []
    for raw in paths:
        root = Path(raw)
        if root.is_file():
            explicit.append(root)
        else:
            found, skip = _inputs([root])
            files += found
            skipped += skip
    if per is None:  # the period comes from the reports: find them among the folders
        peeked = [(f, sheet_names(f[0]) or []) for f in files]
        explicit += [f[0] for f, names in peeked if REPORT_SHEET in names]
        files = [f for f, names in peeked if REPORT_SHEET not in names]
    rejected: list[dict] = []
    reports: list[tuple[UnitData, ReportContent]] = []

    def read(found: list[Path]) -> None:
        """Read and verify unit reports, in the workers (each is a few thousand rows)."""
        tasks = [(path, lang) for path in found]
        for data, content, refused in map_ordered(_report_task, tasks,
                                                  work if len(tasks) > 1 else 1):
            if refused is not None:
                rejected.append(refused)
            else:
                reports.append((data, content))

    read(explicit)
    if per is None:
        periods = sorted({d.summary.period for d, _ in reports})
        if len(periods) != 1:
            found = ", ".join(periods) or "tidak ada laporan unit yang sah"
            found_en = ", ".join(periods) or "no valid unit report"
            raise UsageError(f"Periode laporan provinsi tidak bisa ditentukan ({found}).",
                             hint="Sebutkan periodenya dengan --period, misalnya 2025-Q3.",
                             en=f"The period of the province report cannot be told "
                                f"({found_en}).",
                             hint_en="Give it with --period, for example 2025-Q3.")
        per = parse_period(periods[0])
    subs = _submissions(files, period=per.kode, months=per.months, roster_ref=roster_ref,
                        lang=lang, work=work, progress=progress) if files else []
    read([Path(sub.path) for sub in subs if sub.kind == "report"])
    for data, content in list(reports):
        if data.summary.period != per.kode:
            reports.remove((data, content))
            rejected.append({"path": content.path, "unit": data.summary.unit,
                             "reason": f"periode laporan {data.summary.period}, bukan "
                                       f"{per.kode}", "sha256": content.sha256})
    units: dict[str, UnitData] = {}
    sumber: list[tuple] = []
    oldest = datetime.min.replace(tzinfo=timezone.utc)
    newest_first = sorted(reports, reverse=True, key=lambda r: (
        _parse_time(r[1].metadata["generated_at"]) or oldest, Path(r[1].path).name))
    for data, content in newest_first:
        unit = data.summary.unit
        meta = content.metadata
        row = [unit, Path(content.path).name, "laporan unit", meta["period"], "dipakai", None,
               content.sha256, data.fingerprint, meta["generated_at"]]
        if unit in units:
            row[4:6] = ["disisihkan", f"ada laporan {unit} yang lebih baru"]
        else:
            data.summary.status, data.summary.source = "ok", row[1]
            units[unit] = data
        sumber.append(tuple(row))
    raw = [s for s in subs if s.kind == "skp"]
    for unit, group in _group_raw(raw).items():
        folders = ", ".join(sorted({s.folder for s in group}))
        if unit in units:
            sumber.append((unit, folders, "folder SKP", per.kode, "diabaikan",
                           f"sudah ada laporan unit {unit}", None, None, None))
            continue
        data = reduce_unit(unit, group, period=per, roster=roster, org_predikat=org, lang=lang)
        data.summary.status, data.summary.source = "ok", folders
        units[unit] = data
        sumber.append((unit, folders, "folder SKP", per.kode, "dipakai", None, None,
                       data.fingerprint, None))
    for item in rejected:
        sumber.append((item["unit"], Path(item["path"]).name, "laporan unit", None, "ditolak",
                       item["reason"], item["sha256"], None, None))
    names = list(roster.units()) if roster is not None else list(JATIM_UNITS)
    names += [u for u in units if u not in names]
    rejected_units = {item["unit"] for item in rejected}
    for name in names:
        if name not in units:
            units[name] = _absent_unit(name, per, roster,
                                       "rejected" if name in rejected_units else "missing", lang)
    ordered = [units[u] for u in sorted(units, key=unit_order)]
    totals = _totals([d.summary for d in ordered], per, org, lang)
    sumber.sort(key=lambda r: (unit_order(r[0]), r[4] != "dipakai", r[1]))
    rekap = [row for d in ordered for row in d.rekap]
    hasil = [row for d in ordered for row in d.hasil]
    summaries = [d.summary for d in ordered]
    book = province_book(summaries, totals, per, rekap=rekap, hasil=hasil, sources=sumber,
                         roster=roster, org_predikat=org, generated_at=_now())
    result = MergeResult("province", per.kode, "", units=summaries, totals=totals,
                         rejected=[{k: v for k, v in r.items() if k != "sha256"}
                                   for r in rejected], skipped=skipped)
    return result, book


def _group_raw(subs: list[Submission]) -> dict[str | None, list[Submission]]:
    """Raw workbooks by unit; a file of unknown unit goes with its folder's usual unit."""
    by_folder: dict[str, Counter] = {}
    for sub in subs:
        if sub.unit:
            by_folder.setdefault(sub.folder, Counter())[sub.unit] += 1
    groups: dict[str | None, list[Submission]] = {}
    for sub in subs:
        unit = sub.unit
        if unit is None and by_folder.get(sub.folder):
            unit = min(by_folder[sub.folder].items(), key=lambda kv: (-kv[1], kv[0]))[0]
        groups.setdefault(unit, []).append(sub)
    return groups


def _absent_unit(name: str, per: Period, roster, status: str, lang: str) -> UnitData:
    """A unit without a usable source: its roster employees count as not submitted."""
    data = UnitData(UnitSummary(name, per.kode, status=status))
    if roster is not None:
        index = roster.by_nip()
        for emp in sorted(roster.employees_of(name), key=lambda e: e.nip):
            data.rekap.append(person_row(emp, index.get(emp.nip_penilai)) + (None,) * 4 +
                              (NOT_SUBMITTED, None, None))
    _count(data, expected=len(data.rekap) if roster is not None else None, org_predikat=None,
           lang=lang)
    return data


def _totals(summaries: list[UnitSummary], per: Period, org, lang: str) -> UnitSummary:
    """The province totals: every number is the sum over the units."""
    def total(name):
        values = [getattr(s, name) for s in summaries]
        return None if any(v is None for v in values) else sum(values)

    totals = UnitSummary(None, per.kode, total("expected"), total("submitted"), total("valid"),
                         total("invalid"), total("duplicates"), total("missing"),
                         total("not_submitted"),
                         {p: sum(s.predikat[p] for s in summaries) for p in domain.PREDIKAT})
    totals.kurva = check_kurva(totals.predikat, org, lang=lang)
    return totals


def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""
