"""Consolidating one unit: returned workbooks (or a unit report) into its tables and numbers.

The map validates a workbook (the rules of :mod:`skpxl.validate`, stage ``evaluation``: a
merge consolidates ratings) and, in the worker, turns the document into the few compact
rows a report needs (:class:`Submission`), so only small tuples travel between processes.
The reduce (:func:`reduce_unit`) groups one unit's files by NIP (the newest file wins:
workbook metadata ``generated_at``, then file time), counts, and builds the tables of a
:class:`UnitData`; :func:`unit_from_report` rebuilds the same from a unit report.
:mod:`skpxl.merge` runs both and writes the reports.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from . import domain
from .executor import map_ordered, shipped_path
from .kurva import KurvaResult
from .kurva import check as check_kurva
from .periods import Period
from .problems import ERROR, Problem, define
from .report import (BERKAS, DUPLIKAT, HASIL, REKAP, REPORT_SHEET, TIDAK_VALID,
                     ReportContent, ReportRejected, sheet_names, table_rows)
from .reportbook import table_hash
from .roster import index_for
from .validate import (FileReport, check_workers_saw, current_key, list_files,
                       parse_time, validate_file)  # noqa: F401 - merge takes parse_time here

define("merge.other_unit", ERROR, "File milik unit {found}, bukan {expected}; tidak digabung.",
       "The file belongs to unit {found}, not {expected}; not merged.")

define("merge.year_report", ERROR,
       "{file} adalah rekap tahunan ({period}), bukan file SKP atau laporan unit triwulan; "
       "tidak digabung. Rekap tahunan dibuat dari laporan triwulan, tidak digabung lagi.",
       "{file} is a year recap ({period}), not an SKP workbook or a quarterly unit report; "
       "not merged. A year recap is made from the quarterly reports and is not merged again.")
#: why a quarterly merge refuses a year recap (the reason of :class:`ReportRejected`)
YEAR_REPORT = ("rekap tahunan ({period}), bukan laporan unit triwulan; rekap tahunan tidak "
               "digabung lagi")

VALID, INVALID, NOT_SUBMITTED = "valid", "tidak valid", "belum mengumpulkan"
SET_ASIDE = "disisihkan"
SKP_FILE = "file SKP"   # what a Berkas row of a returned workbook is

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
    berkas: list[tuple] = field(default_factory=list)
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
            if self.rejected:
                data["rejected"] = self.rejected
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
    instansi: str | None = None    # the agency the workbook names
    employee: tuple | None = None  # the first 14 Rekap Pegawai values
    hasil: list[tuple] = field(default_factory=list)
    perilaku: list[tuple] = field(default_factory=list)

    @property
    def nip(self) -> str | None:
        return self.report.nip if self.report else None

    @property
    def valid(self) -> bool:
        return bool(self.report and self.report.valid)



def person_row(emp, penilai, *, nip: str | None = None) -> tuple:
    """The identity part of a Rekap row (NIP .. Nama Penilai) from a roster Employee."""
    return (nip or emp.nip, emp.nama, emp.status_asn, emp.pangkat, emp.jabatan,
            emp.jenis_jabatan, emp.jenjang, emp.unit_kerja, emp.nip_penilai,
            penilai.nama if penilai else None)


def _submission_task(args) -> Submission:
    path, name, folder, period, months, roster_ref, lang, by_period = args
    sub = Submission(path=str(path), name=name, folder=folder)
    index = index_for(roster_ref)
    report = validate_file(path, period=period, stage="evaluation", roster_index=index,
                           lang=lang, keep_document=True)
    if by_period and report.template is not None:
        # a year's workbooks: checked against the roster of the workbook's own period
        ref = by_period.get(str(report.period), by_period.get("*"))
        if ref is not None:
            index = index_for(ref)
            report = validate_file(path, period=period, stage="evaluation",
                                   roster_index=index, lang=lang, keep_document=True)
    if months is None:
        months = _own_months(report.period)
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
    sub.instansi = (emp.instansi if emp else None) or _text(doc.get("instansi"))
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


def _own_months(kode) -> int:
    """The months of a workbook's own period (3 when it names none that can be read)."""
    from .errors import UsageError
    from .periods import parse_period
    try:
        return parse_period(str(kode)).months if kode else 3
    except UsageError:
        return 3


def now_iso() -> str:
    return datetime.now().astimezone().replace(microsecond=0).isoformat()


def _text(value) -> str | None:
    return None if value in (None, "") else str(value)


def input_files(paths) -> tuple[list[tuple[Path, str, str]], list[dict]]:
    """(path, display name, folder) per workbook; names are relative to the folder given."""
    files, skipped = [], []
    for raw in paths:
        root = Path(raw)
        found, skip = list_files([root])
        skipped += skip
        folder = str(root) if root.is_dir() else None
        files += [(path, name, folder or str(path.parent)) for path, name in found]
    return files, skipped


def submissions(files, *, period, months, roster_ref, lang, work, progress,
                by_period: dict | None = None) -> list[Submission]:
    """Every file validated and reduced to a :class:`Submission`, in the workers.

    ``by_period`` (a year's workbooks, ``period`` None): roster refs by the workbook's own
    period code (``"*"``: any); ``months`` None takes each workbook's own period length."""
    tasks = [(shipped_path(p, work), name, folder, period, months, roster_ref, lang, by_period)
             for p, name, folder in files]
    advance = progress(len(tasks)) if progress else None
    subs = list(map_ordered(_submission_task, tasks, work, advance))
    for sub, (path, _, _) in zip(subs, files):
        sub.path = str(path)   # as found, whatever the workers were sent
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
        chosen = max(group, key=lambda s: current_key(s.report))   # as validate chooses
        used[nip] = chosen
        for other in sorted((s for s in group if s is not chosen), key=lambda s: s.name):
            reason = ("file yang dipakai sah, file ini tidak valid" if chosen.valid and
                      not other.valid else "file yang dipakai lebih baru")
            data.duplikat.append((nip, chosen.employee[1] if chosen.employee else None,
                                  chosen.name, other.name, VALID if other.valid else INVALID,
                                  reason))
    roster_nips = {e.nip for e in expected_emps}
    for nip in sorted(roster_nips | set(used)):
        sub = used.get(nip)
        emp = lookup(nip)
        if sub is None:
            identity = person_row(emp, lookup(emp.nip_penilai))
            data.rekap.append(identity + (None,) * 4 + (NOT_SUBMITTED,))
            data.belum.append(tuple(identity[i] for i in (0, 1, 2, 4, 7, 8, 9)))
            continue
        employee = sub.employee or (nip,) + (None,) * 13
        data.rekap.append(employee + (VALID if sub.valid else INVALID,))
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
    count_unit(data, expected=len(expected_emps) if roster is not None and unit else None,
           org_predikat=org_predikat, lang=lang)
    for sub in sorted([*subs, *others], key=lambda s: s.name):
        if sub.nip and sub.nip in used and used[sub.nip] is not sub:
            status = SET_ASIDE
        else:
            status = VALID if sub.valid and used.get(sub.nip) is sub else INVALID
        data.sources.append({"file": sub.name, "sha256": sub.report.sha256 if sub.report else "",
                             "nip": sub.nip, "status": status})
        data.berkas.append(_berkas_row(sub, unit, status))
    data.fingerprint = _fingerprint(data)
    return data


def _invalid_row(sub: Submission, lang: str) -> tuple:
    count, text = _errors_text(sub.report, lang)
    emp = sub.employee
    return (sub.name, sub.nip, emp[1] if emp else None, sub.unit, count, text)


def _berkas_row(sub: Submission, unit: str | None, status: str) -> tuple:
    """What identifies one returned workbook exactly (a row of the hidden sheet Berkas)."""
    report = sub.report
    return (sub.unit or unit, SKP_FILE, sub.name, sub.nip,
            sub.employee[1] if sub.employee else None, status,
            report.generated_at if report else None, _utc(report.mtime) if report else None,
            report.sha256 if report else None, None)


def count_unit(data: UnitData, *, expected: int | None, org_predikat, lang: str) -> None:
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


# --- a unit read back from its report ----------------------------------------------------

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
    if meta["level"] in ("year-unit", "year-province"):
        raise ReportRejected(YEAR_REPORT.format(period=meta["period"]), metadata=meta)
    if meta["level"] != "unit":
        raise ReportRejected("ini laporan provinsi; yang digabung adalah laporan unit",
                             metadata=meta)
    if len(meta["units"]) != 1 or not meta["units"][0].get("unit"):
        raise ReportRejected("laporan unit harus memuat tepat satu unit bernama", metadata=meta)
    summary = summary_from_dict(meta["units"][0], lang)
    data = UnitData(summary)
    data.rekap = table_rows(content, "Rekap Pegawai", REKAP)
    data.hasil = table_rows(content, "Hasil Kerja", HASIL)
    data.tidak_valid = table_rows(content, "Tidak Valid", TIDAK_VALID)
    data.duplikat = table_rows(content, "Duplikat", DUPLIKAT)
    data.berkas = table_rows(content, "Berkas", BERKAS)
    recount = UnitData(UnitSummary(summary.unit, summary.period), rekap=data.rekap,
                       tidak_valid=data.tidak_valid, duplikat=data.duplikat)
    count_unit(recount, expected=summary.expected, org_predikat=None, lang=lang)
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
