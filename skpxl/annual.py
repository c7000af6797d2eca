"""The annual evaluation: the year's four quarters, read for the assessor.

``skpxl generate ROSTER --period 2025 --previous ...`` writes one annual evaluation
workbook per employee. The sources given with ``--previous`` (folders or files of the year's
returned quarterly workbooks and/or quarterly unit reports written by ``skpxl merge``) are
read here into one :class:`QuarterRecord` per NIP and quarter:

- a returned workbook is validated as ``skpxl validate`` would (stage evaluation, no
  period asked): a workbook that does not validate is that quarter "tidak sah", its numbers
  are not shown;
- a unit report is read verified (:func:`skpxl.report.read_report`, the unit's tables
  re-counted by :func:`skpxl.consolidate.unit_from_report`): Rekap Pegawai gives each
  employee's status, ratings and predikat, Hasil Kerja the realisasi of each IKI;
- a source of another year, or not of a quarter, is not used (``annual.other_period``); a
  report refused or a file that is no SKP is not used either (``annual.source_rejected``);
- two sources for one NIP and quarter: the one :func:`skpxl.validate.current_key` chooses
  (a valid one before an invalid one, then the newest) is used, and ``annual.duplicate``
  says which — unless they are one SKP file read twice (a returned workbook and the unit
  report made from it: the report's Berkas sheet names the file's SHA-256).

From the records, :meth:`YearSources.plan_for` carries the year's plan forward (the plan
of the latest quarter that has one, a valid quarter before an invalid one) and
:meth:`YearSources.view_for` gives what the "Evaluasi Triwulan" sheet shows
(:mod:`skpxl.quartersheet` writes it). Nothing here decides an annual rating or predikat.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import domain
from .periods import Period, parse_period
from .problems import ERROR, WARNING, Problem, define

define("annual.other_period", ERROR,
       "{file} adalah evaluasi/laporan periode {found}, bukan triwulan tahun {year}; tidak "
       "dipakai untuk evaluasi tahunan {year}.",
       "{file} is an evaluation/report of period {found}, not a quarter of {year}; not used "
       "for the annual evaluation {year}.")
define("annual.source_rejected", ERROR,
       "{file} tidak dipakai untuk evaluasi tahunan: {reason}",
       "{file} is not used for the annual evaluation: {reason_en}")
define("annual.duplicate", WARNING,
       "NIP {nip} triwulan {quarter}: ada {count} sumber ({files}); yang dipakai {used} "
       "({why}).",
       "NIP {nip} quarter {quarter}: {count} sources ({files}); {used} is used ({why_en}).")
define("annual.no_quarters", WARNING,
       "Tidak ada evaluasi triwulan {year} untuk NIP {nip} di sumber yang diberikan; file "
       "evaluasi tahunan tetap dibuat, lembar Evaluasi Triwulan menyebut 'tidak ada' dan "
       "rencana kerja tidak diisi dari triwulan.",
       "No quarterly evaluation of {year} for NIP {nip} in the sources given; the annual "
       "evaluation workbook is still written, its Evaluasi Triwulan sheet shows no quarter "
       "and no plan is carried from the quarters.")

#: what the quarters' sheet prints for a quarter without a usable evaluation
MISSING = {"id": "tidak ada", "en": "none"}
INVALID = {"id": "tidak sah", "en": "not valid"}
#: the IKI keys a carried-forward plan keeps (as ``skpxl.extract.plan_of`` does)
PLAN_KEYS = ("aspek", "perspektif", "indikator", "target", "satuan")


@dataclass
class QuarterRecord:
    """One employee's evaluation of one quarter, from one source."""

    nip: str
    quarter: int
    source: str                     # the file's name as found
    kind: str                       # "skp" | "report"
    valid: bool
    generated_at: str | None = None
    mtime: float = 0.0
    sha256: str = ""                # of the SKP file (a report names it in Berkas)
    rating_hasil_kerja: str | None = None
    rating_perilaku: str | None = None
    predikat: str | None = None
    #: per IKI: (section, rhk, indikator, realisasi)
    realisasi: list[tuple] = field(default_factory=list)
    plan: dict | None = None

    def key(self) -> tuple:
        """How :func:`skpxl.validate.current_key` orders it among sources of its quarter."""
        from .validate import FileReport, current_key
        return current_key(FileReport(path=self.source, valid=self.valid,
                                      generated_at=self.generated_at, mtime=self.mtime))


@dataclass
class YearSources:
    """The quarters found for one year: NIP -> quarter -> the record used."""

    period: Period
    records: dict[str, dict[int, QuarterRecord]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def quarters_of(self, nip: str) -> dict[int, QuarterRecord]:
        return self.records.get(nip, {})

    def plan_for(self, nip: str) -> dict | None:
        """The plan of the latest quarter that has one (a valid quarter before an invalid
        one), realisasi and feedback left out; None when no quarter has a plan."""
        found = [r for r in self.quarters_of(nip).values()
                 if r.plan and (r.plan.get("utama") or r.plan.get("tambahan"))]
        if not found:
            return None
        return max(found, key=lambda r: (r.valid, r.quarter)).plan

    def view_for(self, nip: str, plan: dict | None, lang: str = "id") -> dict:
        """What the quarters' sheet shows for ``nip``: per quarter its period, ratings and
        predikat (or "tidak ada" / "tidak sah"), per IKI of ``plan`` the realisasi of each
        quarter (matched by RHK and IKI text)."""
        records = self.quarters_of(nip)
        missing, invalid = MISSING[lang], INVALID[lang]
        quarters = []
        for number in range(1, 5):
            quarter = parse_period(f"{self.period.year}-Q{number}")
            record = records.get(number)
            status = "sah" if record and record.valid else "tidak sah" if record else "tidak ada"
            shown = {"sah": None, "tidak sah": invalid, "tidak ada": missing}[status]
            quarters.append({
                "quarter": number, "heading": quarter.heading(lang), "dates": quarter.dates(lang),
                "status": status,
                "rating_hasil_kerja": shown or record.rating_hasil_kerja,
                "rating_perilaku": shown or record.rating_perilaku,
                "predikat": shown or record.predikat})
        lookup = {number: {(s, _norm(rhk), _norm(iki)): value
                           for s, rhk, iki, value in record.realisasi}
                  for number, record in records.items() if record.valid}
        rows = []
        for section in ("utama", "tambahan"):
            for item in (plan or {}).get(section) or []:
                for iki in item.get("iki") or []:
                    key = (section, _norm(item.get("rhk")), _norm(iki.get("indikator")))
                    values = []
                    for q in quarters:
                        if q["status"] == "tidak ada":
                            values.append(missing)
                        elif q["status"] == "tidak sah":
                            values.append(invalid)
                        else:
                            values.append(lookup[q["quarter"]].get(key, "–"))
                    rows.append({"section": section, "rhk": item.get("rhk"),
                                 "indikator": iki.get("indikator"), "target": iki.get("target"),
                                 "satuan": iki.get("satuan"), "realisasi": values})
        return {"quarters": quarters, "rows": rows}


def _sentence(text: str) -> str:
    return text if text.endswith(".") else text + "."


def _norm(text) -> str:
    return " ".join(str(text or "").split()).casefold()


# --- reading the sources ---------------------------------------------------------------------

def _read_task(args) -> tuple[list[QuarterRecord], list[Problem]]:
    """Worker: one source file -> its quarter records and the problems that keep it out."""
    path, name, year = args
    from .report import REPORT_SHEET, sheet_names
    if Path(path).suffix.lower() in (".xlsx", ".xlsm"):
        sheets = sheet_names(Path(path)) or []
        if REPORT_SHEET in sheets:
            return _from_report(Path(path), name, year)
    return _from_workbook(Path(path), name, year)


def _quarter_of(code, name: str, year: int) -> tuple[int | None, list[Problem]]:
    """The quarter of ``year`` that period ``code`` is, or the problem that it is not."""
    try:
        period = parse_period(str(code))
    except Exception:   # noqa: BLE001 - a period nobody can read is "another period"
        period = None
    if period is None or period.kind != "triwulan" or period.year != year:
        return None, [Problem("annual.other_period", {"file": name, "found": code or "?",
                                                      "year": year})]
    return period.number, []


def _from_workbook(path: Path, name: str, year: int):
    from .extract import plan_of
    from .validate import validate_file
    report = validate_file(path, stage="evaluation", keep_document=True)
    if report.template is None or not report.nip:
        detail = "; ".join(p.message("id") for p in report.issues if p.severity == ERROR)
        detail_en = "; ".join(p.message("en") for p in report.issues if p.severity == ERROR)
        return [], [Problem("annual.source_rejected", {
            "file": name, "reason": _sentence(detail or "bukan file SKP skpxl yang terbaca"),
            "reason_en": _sentence(detail_en or "not a readable skpxl SKP workbook")})]
    quarter, problems = _quarter_of(report.period, name, year)
    if quarter is None:
        return [], problems
    doc = report.document or {}
    evaluasi = doc.get("evaluasi") or {}
    record = QuarterRecord(report.nip, quarter, name, "skp", report.valid,
                           generated_at=report.generated_at, mtime=report.mtime,
                           sha256=report.sha256, plan=plan_of(doc))
    if report.valid:
        record.rating_hasil_kerja = evaluasi.get("rating_hasil_kerja")
        record.rating_perilaku = evaluasi.get("rating_perilaku")
        record.predikat = evaluasi.get("predikat")
        for section in ("utama", "tambahan"):
            for item in (doc.get("hasil_kerja") or {}).get(section) or []:
                for iki in item.get("iki") or []:
                    record.realisasi.append((section, item.get("rhk"), iki.get("indikator"),
                                             iki.get("realisasi")))
    return [record], []


#: Rekap Pegawai and Hasil Kerja headings read from a unit report (found by heading)
_REKAP = ("NIP", "Rating Hasil Kerja", "Rating Perilaku", "Predikat", "Status")
_HASIL = ("NIP", "Bagian", "No RHK", "RHK Pimpinan yang Diintervensi", "Rencana Hasil Kerja",
          "Aspek/Perspektif", "Indikator Kinerja Individu", "Target", "Satuan", "Realisasi")
_BERKAS = ("NIP", "Status", "Dibuat", "SHA-256")


def _from_report(path: Path, name: str, year: int):
    from .consolidate import INVALID as REPORT_INVALID, VALID as REPORT_VALID, unit_from_report
    from .report import BERKAS, HASIL, REKAP, ReportRejected, read_report
    try:
        content = read_report(path)
        period = content.metadata.get("period")
        quarter, problems = _quarter_of(period, name, year)
        if quarter is None:
            return [], problems
        unit = unit_from_report(content)
    except ReportRejected as exc:
        return [], [Problem("annual.source_rejected", {
            "file": name, "reason": _sentence(f"laporan ditolak: {exc}"),
            "reason_en": _sentence(f"the report was refused ({exc})")})]
    rekap = _columns(REKAP, _REKAP, unit.rekap)
    hasil = _columns(HASIL, _HASIL, unit.hasil)
    made = {row[0]: (row[2], row[3]) for row in _columns(BERKAS, _BERKAS, unit.berkas)
            if row[1] in (REPORT_VALID, REPORT_INVALID)}
    plans: dict[str, dict] = {}
    realisasi: dict[str, list[tuple]] = {}
    for nip, bagian, number, pimpinan, rhk, aspek, indikator, target, satuan, value in hasil:
        section = "tambahan" if str(bagian).casefold() == "tambahan" else "utama"
        items = plans.setdefault(nip, {"utama": [], "tambahan": []})[section]
        while len(items) < int(number or 1):
            items.append({"rhk": None, "rhk_pimpinan": None, "iki": []})
        item = items[int(number or 1) - 1]
        item.update(rhk=rhk, rhk_pimpinan=pimpinan)
        kind = "perspektif" if aspek in domain.PERSPEKTIF else "aspek"
        iki = {kind: aspek, "indikator": indikator, "target": target, "satuan": satuan}
        item["iki"].append({k: v for k, v in iki.items() if v not in (None, "")})
        realisasi.setdefault(nip, []).append((section, rhk, indikator, value))
    records = []
    mtime = path.stat().st_mtime
    for nip, hk, pk, predikat, status in rekap:
        if status not in (REPORT_VALID, REPORT_INVALID) or not nip:
            continue   # not submitted: that quarter is "tidak ada"
        valid = status == REPORT_VALID
        generated_at, sha256 = made.get(nip, (None, ""))
        record = QuarterRecord(str(nip), quarter, name, "report", valid,
                               generated_at=generated_at, mtime=mtime, sha256=sha256 or "",
                               plan=plans.get(nip))
        if valid:
            record.rating_hasil_kerja, record.rating_perilaku, record.predikat = hk, pk, predikat
            record.realisasi = realisasi.get(nip, [])
        records.append(record)
    return records, []


def _columns(columns, wanted: tuple[str, ...], rows) -> list[tuple]:
    """``rows`` cut down to the ``wanted`` headings, in that order."""
    headings = [c.heading for c in columns]
    index = [headings.index(h) for h in wanted]
    return [tuple(row[i] for i in index) for row in rows]


def read_year(paths, period: Period, *, executor=None, jobs: int = 1) -> YearSources:
    """The quarters of ``period``'s year in ``paths`` (folders and files of returned
    quarterly workbooks and quarterly unit reports), one record per NIP and quarter."""
    from .executor import map_ordered, shipped_path
    from .validate import list_files
    files, _ = list_files([Path(p) for p in paths])
    tasks = [(shipped_path(path, executor), name, period.year) for path, name in files]
    sources = YearSources(period)
    found: dict[tuple[str, int], list[QuarterRecord]] = {}
    for records, problems in map_ordered(_read_task, tasks, executor or jobs):
        sources.problems += problems
        for record in records:
            found.setdefault((record.nip, record.quarter), []).append(record)
    for (nip, quarter), group in sorted(found.items()):
        used = max(group, key=QuarterRecord.key)
        sources.records.setdefault(nip, {})[quarter] = used
        if len({r.sha256 or r.source for r in group}) > 1:   # not one SKP read twice
            others = [r for r in group if r is not used]
            valid_wins = used.valid and not any(r.valid for r in others)
            sources.problems.append(Problem("annual.duplicate", {
                "nip": nip, "quarter": quarter, "count": len(group),
                "files": ", ".join(r.source for r in group), "used": used.source,
                "why": "yang lain tidak sah" if valid_wins else "paling baru",
                "why_en": "the others are not valid" if valid_wins else "the newest"}))
    return sources
