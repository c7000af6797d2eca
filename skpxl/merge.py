"""Merge returned SKP workbooks into a unit report, and unit reports into a province report.

Map, then reduce (:mod:`skpxl.consolidate`); this module picks the inputs, runs both and
writes the report (:mod:`skpxl.report`). Unit level: the unit is the roster unit of the files'
NIPs (the workbook's own unit when the NIP is not in the roster). Inputs spanning several
units are refused unless ``unit=`` names the one to report on; files of other units are then
listed as not merged. Province level: inputs are unit reports (verified through their
metadata sheet) and/or folders of returned workbooks (merged per unit in the same run).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from . import domain
from .akinputs import YEAR_LEVELS
from .consolidate import (NOT_SUBMITTED, MergeResult, Submission, UnitData, UnitSummary,
                          count_unit, input_files, now_iso, parse_time, person_row, reduce_unit,
                          submissions, unit_from_report)
from .errors import UsageError
from .executor import map_ordered, shipped_path
from .kurva import check as check_kurva
from .kurva import normalize_org_predikat
from .periods import Period, parse_period
from .problems import Problem
from .profile import (Profile, Signatory, instansi_of, load_profile, signatory_for, tempat_for,
                      unit_order, wilayah_of)
from .report import (PROVINCE_TABLES, REPORT_SHEET, UNIT_TABLES, ReportContent, ReportRejected,
                     check_export, export_tables, province_book, read_report, sheet_names,
                     unit_book)
from .reportbook import check_output, save
from .signing import Paper


@dataclass
class _Run:
    """What every step of one merge needs besides its inputs."""

    roster: object
    roster_ref: object      # what workers get: the roster's path, or its NIP index
    profile: Profile
    org: str | None
    work: object            # jobs or an executor
    lang: str
    progress: object

    def paper(self, level: str, scope: str | None, period: Period, instansi: str = "",
              signer: Signatory | None = None) -> Paper:
        """The signing sheet's facts; the agency from the profile or roster first."""
        roster = Path(self.roster.path).name if self.roster is not None else None
        return Paper(level, scope or "", instansi_of(self.roster, self.profile) or instansi,
                     period, signer or Signatory(), now_iso(), roster)

# --- entry point ----------------------------------------------------------------------------

def merge(paths, *, period: str | None, roster=None, org_predikat: str | None = None,
          output, level: str = "unit", unit: str | None = None, export=None, jobs: int = 1,
          force: bool = False, lang: str = "id", progress=None, executor=None,
          profile=None) -> MergeResult:
    """Merge returned workbooks (or unit reports) into a report workbook at ``output``.

    ``roster`` is a roster path or :class:`~skpxl.roster.Roster`; it gives the expected
    employees (and units), and who heads each unit. ``profile`` is an agency profile
    (``instansi.toml`` path or :class:`~skpxl.profile.Profile`): agency name, region,
    signing places and signatories for the signing sheet, the order of units.
    ``progress``, when given, is called once with the number of workbooks to read and
    returns a callable advanced by one per workbook. ``executor``
    (:func:`~skpxl.executor.make_executor`), when given, says where the per-file work runs
    instead of ``jobs``: serially, in a local pool or on a Dask cluster. Refuses
    (:class:`UsageError`) an existing ``output`` without ``force``. The report is written
    even when inputs are invalid or missing; :attr:`MergeResult.ok` tells.
    """
    if level not in ("unit", "province"):
        raise UsageError(f"Level '{level}' tidak dikenal: gunakan unit atau province.",
                         en=f"Level '{level}' is not known: use unit or province.")
    output = Path(output)
    if output.suffix.lower() != ".xlsx":   # a report is a workbook, whatever it is called
        raise UsageError(
            f"Laporan ditulis sebagai workbook Excel: nama file -o harus berakhiran .xlsx, "
            f"bukan '{output.name}'.",
            hint="Untuk tabel CSV (dan Parquet), tambahkan --export FOLDER.",
            en=f"The report is an Excel workbook: the -o file name must end in .xlsx, not "
               f"'{output.name}'.", hint_en="For CSV (and Parquet) tables, add --export FOLDER.")
    check_output(output, force=force)
    org = normalize_org_predikat(org_predikat)
    per = parse_period(period) if period else None
    profile = profile if isinstance(profile, Profile) else load_profile(profile)
    if level == "province" and unit:
        raise UsageError("--unit hanya untuk laporan unit; laporan provinsi memuat semua "
                         "unit.", en="--unit is for unit reports only; a province report "
                                     "holds every unit.")
    if per is not None and per.kind == "tahunan":
        return _merge_year(paths, per, _YearRun(roster, profile, org, executor or jobs, lang,
                                                progress, level, unit),
                           output=output, export=export, force=force)
    roster = _one_roster(roster, per)
    if export:
        check_export(UNIT_TABLES if level == "unit" else PROVINCE_TABLES, Path(export),
                     force=force)
    if level == "unit" and per is None:
        raise UsageError("Periode wajib untuk laporan unit.", hint="Contoh: --period 2025-Q3",
                         en="A unit report needs the period.",
                         hint_en="For example: --period 2025-Q3")
    roster_obj, roster_ref = _load_roster(roster)
    work = executor or jobs
    if isinstance(roster_ref, str):
        roster_ref = shipped_path(roster_ref, work)
    run = _Run(roster_obj, roster_ref, profile, org, work, lang, progress)
    if level == "unit":
        result, book = _merge_unit(paths, per, unit, run)
    else:
        result, book = _merge_province(paths, per, run)
    result.output = str(output)
    save(book.to_bytes(), output, force=force)
    if export:
        result.exported = export_tables(book.tables, Path(export), force=force)
    return result


def _one_roster(roster, per: Period | None):
    """The roster of a quarterly merge: one plain roster, or one named for its period."""
    if not isinstance(roster, (list, tuple)):
        return roster
    if not roster:
        return None
    if len(roster) > 1:
        raise UsageError("Laporan triwulan memakai satu daftar pegawai (--roster FILE); "
                         "beberapa --roster hanya untuk rekap tahunan (--period TAHUN).",
                         en="A quarterly report uses one roster (--roster FILE); several "
                            "--roster are for a year recap only (--period YEAR).")
    item = roster[0]
    if isinstance(item, str) and "=" in item and not Path(item).exists():
        kode, item = item.split("=", 1)
        if per is None or parse_period(kode.strip()) != per:
            raise UsageError(f"Daftar pegawai '{roster[0]}' untuk periode lain, bukan "
                             f"{per.kode if per else 'periode laporan ini'}.",
                             en=f"Roster '{roster[0]}' is for another period, not "
                                f"{per.kode if per else 'this report'}'s.")
    return item


@dataclass
class _YearRun:
    roster: object          # --roster values: paths, ``2025-Q1=path`` or Roster objects
    profile: Profile
    org: str | None
    work: object
    lang: str
    progress: object
    level: str
    unit: str | None


def _merge_year(paths, per: Period, run: _YearRun, *, output: Path, export, force: bool):
    """The year recap (:mod:`skpxl.yearrecap`) written to ``output``."""
    from .yearbook import YEAR_TABLES, roster_name, year_book
    from .roster import load_roster
    from .yearrecap import build, parse_rosters, read_year
    if export:
        check_export(YEAR_TABLES, Path(export), force=force)
    rosters = {k: load_roster(v) for k, v in parse_rosters(run.roster, per).items()}
    inputs = read_year(paths, per, rosters=rosters, lang=run.lang, work=run.work,
                       progress=run.progress)
    roster = rosters.get("*") or (rosters[max(rosters)] if rosters else None)
    result = build(inputs, per, level=run.level, unit=run.unit, rosters=rosters,
                   org_predikat=run.org, lang=run.lang,
                   order=lambda units: unit_order(units, roster, run.profile))
    if run.level == "unit":
        scope = result.units[0] if result.units else ""
        signer = signatory_for(scope, roster, run.profile) if scope else Signatory()
    else:
        scope = wilayah_of(roster, run.profile, result.units)
        signer = signatory_for(None, roster, run.profile)
    paper = Paper("year-" + run.level, scope, instansi_of(roster, run.profile) or
                  result.instansi, per, signer, now_iso(), roster_name(rosters))
    book = year_book(result, per, paper=paper, roster=roster, org_predikat=run.org)
    result.output = str(output)
    save(book.to_bytes(), output, force=force)
    if export:
        result.exported = export_tables(book.tables, Path(export), force=force)
    return result


def _load_roster(roster):
    """(Roster object or None, what workers get: the path, or the NIP index)."""
    from .roster import Roster, load_roster
    if roster is None or isinstance(roster, Roster):
        return roster, roster.by_nip() if roster else None
    # read once here; workers forked from here find it (roster.read_roster_once)
    return load_roster(roster), str(roster)


def _merge_unit(paths, per: Period, unit, run: _Run):
    roster = run.roster
    files, skipped = input_files(paths)
    subs = submissions(files, period=per.kode, months=per.months, roster_ref=run.roster_ref,
                        lang=run.lang, work=run.work, progress=run.progress)
    rejected = []
    for sub in subs:
        if sub.kind != "report":
            continue
        year = _year_report(Path(sub.path))
        if year is None:
            skipped.append({"path": sub.path, "reason": "laporan gabungan, bukan SKP pegawai"})
        else:   # a year recap given to a quarterly merge: refused, and the run says so
            problem = Problem("merge.year_report", {"file": sub.name, "period": year})
            rejected.append({"path": sub.path, "unit": None, "code": problem.code,
                             "reason": problem.message(run.lang)})
    subs = [s for s in subs if s.kind == "skp"]
    chosen = _choose_unit(subs, roster, unit)
    mine, others = [], []       # one pass: "s not in mine" was quadratic in the folder size
    for s in subs:
        ours = s.unit is None or chosen is None or s.unit.casefold() == chosen.casefold()
        (mine if ours else others).append(s)
    data = reduce_unit(chosen, mine, period=per, roster=roster, org_predikat=run.org,
                       lang=run.lang, others=others)
    result = MergeResult("unit", per.kode, "", units=[data.summary], skipped=skipped,
                         rejected=rejected)
    signer = (signatory_for(chosen, roster, run.profile) if chosen else
              Signatory(tempat=tempat_for(None, None, run.profile)))
    paper = run.paper("unit", chosen, per, _most_common(s.instansi for s in mine), signer)
    book = unit_book(data, per, paper=paper, roster=roster, org_predikat=run.org)
    return result, book


def _year_report(path: Path) -> str | None:
    """The period of a year recap at ``path`` (its metadata verified), else None."""
    try:
        meta = read_report(path, sheets=()).metadata
    except ReportRejected:
        return None
    return meta["period"] if meta["level"] in YEAR_LEVELS else None


def _most_common(names) -> str:
    """The most common non-empty name (ties: the first in sorted order), else ``""``."""
    counts = Counter(n for n in names if n)
    return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0] if counts else ""


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


# --- province -----------------------------------------------------------------------------

#: what a province merge reads from a unit report (and so verifies)
PROVINCE_NEEDS = ("Ringkasan", "Rekap Pegawai", "Hasil Kerja", "Tidak Valid", "Duplikat",
                  "Berkas")
#: rejected reports named on the signing sheet; the rest are in sheet Sumber
_NOTED = 5


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


def _merge_province(paths, per, run: _Run):
    roster, lang, work = run.roster, run.lang, run.work
    explicit, files, skipped = [], [], []
    for raw in paths:
        root = Path(raw)
        if root.is_file():
            explicit.append(root)
        else:
            found, skip = input_files([root])
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
        tasks = [(shipped_path(path, work), lang) for path in found]
        for path, (data, content, refused) in zip(found, map_ordered(
                _report_task, tasks, work if len(tasks) > 1 else 1)):
            if refused is not None:
                rejected.append(refused | {"path": str(path)})
            else:
                content.path = str(path)   # as given, whatever the workers were sent
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
    subs = submissions(files, period=per.kode, months=per.months, roster_ref=run.roster_ref,
                        lang=lang, work=work, progress=run.progress) if files else []
    read([Path(sub.path) for sub in subs if sub.kind == "report"])
    for data, content in list(reports):
        if data.summary.period != per.kode:
            reports.remove((data, content))
            rejected.append({"path": content.path, "unit": data.summary.unit,
                             "reason": f"periode laporan {data.summary.period}, bukan "
                                       f"{per.kode}", "sha256": content.sha256})
    units: dict[str, UnitData] = {}
    sources: list[dict] = []     # every unit report and folder read, in Sumber and Berkas
    oldest = datetime.min.replace(tzinfo=timezone.utc)
    newest_first = sorted(reports, reverse=True, key=lambda r: (
        parse_time(r[1].metadata["generated_at"]) or oldest, Path(r[1].path).name))
    for data, content in newest_first:
        unit = data.summary.unit
        meta = content.metadata
        source = {"unit": unit, "file": Path(content.path).name, "kind": "laporan unit",
                  "period": meta["period"], "status": "dipakai", "reason": None,
                  "sha256": content.sha256, "fingerprint": data.fingerprint,
                  "generated_at": meta["generated_at"], "instansi": meta.get("instansi")}
        if unit in units:
            source.update(status="disisihkan", reason=f"ada laporan {unit} yang lebih baru")
        else:
            data.summary.status, data.summary.source = "ok", source["file"]
            units[unit] = data
        sources.append(source)
    raw = [s for s in subs if s.kind == "skp"]
    for unit, group in _group_raw(raw).items():
        folders = ", ".join(sorted({s.folder for s in group}))
        source = {"unit": unit, "file": folders, "kind": "folder SKP", "period": per.kode,
                  "status": "dipakai", "reason": None, "sha256": None, "fingerprint": None,
                  "generated_at": None, "instansi": _most_common(s.instansi for s in group)}
        sources.append(source)
        if unit in units:
            source.update(status="diabaikan", reason=f"sudah ada laporan unit {unit}")
            continue
        data = reduce_unit(unit, group, period=per, roster=roster, org_predikat=run.org,
                           lang=lang)
        data.summary.status, data.summary.source = "ok", folders
        source["fingerprint"] = data.fingerprint
        units[unit] = data
    for item in rejected:
        sources.append({"unit": item["unit"], "file": Path(item["path"]).name,
                        "kind": "laporan unit", "period": None, "status": "ditolak",
                        "reason": item["reason"], "sha256": item["sha256"],
                        "fingerprint": None, "generated_at": None, "instansi": None})
    # the units: the roster's (or the profile's list), then every unit found
    found = {u.casefold(): u for u in units if u}
    names = [found.get(u.casefold(), u) for u in (
        roster.units() if roster is not None else run.profile.unit_order)]
    names += [u for u in units if u not in names]
    rejected_units = {item["unit"] for item in rejected}
    names += [u for u in sorted(rejected_units, key=str) if u and u not in names]
    for name in names:
        if name not in units:
            units[name] = _absent_unit(name, per, roster,
                                       "rejected" if name in rejected_units else "missing", lang)
    order = unit_order(list(units), roster, run.profile)
    rank = {name: i for i, name in enumerate(order)}
    ordered = [units[u] for u in order]
    totals = _totals([d.summary for d in ordered], per, run.org, lang)
    sources.sort(key=lambda r: (rank.get(r["unit"], len(rank)), r["status"] != "dipakai",
                                r["file"]))
    summaries = [d.summary for d in ordered]
    region = wilayah_of(roster, run.profile, [u for u in order if u])
    paper = run.paper("province", region, per,
                      _most_common(src["instansi"] for src in sources),
                      signatory_for(None, roster, run.profile))
    book = province_book(
        summaries, totals, per, paper=paper,
        rekap=[row for d in ordered for row in d.rekap],
        hasil=[row for d in ordered for row in d.hasil],
        sumber=[(r["unit"], r["file"], r["kind"], r["period"], r["status"], r["reason"])
                for r in sources],
        berkas=[(r["unit"], r["kind"], r["file"], None, None, r["status"], r["generated_at"],
                 None, r["sha256"], r["fingerprint"]) for r in sources]
        + [row for d in ordered for row in d.berkas],
        sources=[{"file": r["file"], "sha256": r["sha256"] or "", "unit": r["unit"],
                  "status": r["status"]} for r in sources],
        roster=roster, org_predikat=run.org, notes=_rejection_notes(rejected))
    result = MergeResult("province", per.kode, "", units=summaries, totals=totals,
                         rejected=[{k: v for k, v in r.items() if k != "sha256"}
                                   for r in rejected], skipped=skipped)
    return result, book


def _rejection_notes(rejected: list[dict]) -> list[str]:
    """Lines for the signing sheet naming the unit reports that were not used, and why."""
    notes = [f"Laporan unit ditolak: {Path(r['path']).name}"
             + (f" ({r['unit']})" if r["unit"] else "") + f": {r['reason']}."
             for r in rejected[:_NOTED]]
    if len(rejected) > _NOTED:
        notes.append(f"... dan {len(rejected) - _NOTED} laporan lain yang ditolak (lihat "
                     f"sheet Sumber).")
    return notes


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
                              (NOT_SUBMITTED,))
    count_unit(data, expected=len(data.rekap) if roster is not None else None, org_predikat=None,
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
