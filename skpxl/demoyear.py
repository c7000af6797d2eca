"""``skpxl demo --year``: the whole year 2025 of the sample province in one folder.

Four quarters run as an office runs them (generate, staff send back, one report per unit),
then the year's papers:

    DIR/0-data/            the roster, plans, agency profile and a fictional AK awal table
    DIR/2025-Q1 .. Q4/     per quarter: 1-skp/ (generate), 2-kembali/ (simulated returns,
                           some with mistakes, some never sent), 4-rekap/ (unit reports)
    DIR/5-tahunan/         the annual evaluation workbooks (1-skp/, generated with the
                           quarters in view) and the assessors' filled copies (2-kembali/)
    DIR/6-rekap-tahunan/   the year recap per unit and for the province
    DIR/7-angka-kredit/    the angka kredit papers of every JF employee (conversion per
                           quarter, accumulation, draft PAK)
    DIR/RINGKASAN.txt      the guided summary

The year's steps appear only when this skpxl has them (the annual evaluation and the year
recap are named features: a missing one is a note, not a crash). Each quarter's returns use
their own seed, so predikat move from quarter to quarter as they do in an office.
"""

from __future__ import annotations

import csv
import random
import time
from functools import partial
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .demo import (ORG_PREDIKAT, SUMMARY_FILE, Echo, Progress, merge_units, prepare_data,
                   prepare_directory, run_steps, simulate_returns)
from .demotext import counted, say
from .demotext import show as _show
from .errors import UsageError
from .naming import slug

YEAR = "2025"
#: the year demo's own default folder, so it never meets a quarter demo's
DEFAULT_DIR = f"skpxl-demo-{YEAR}"
QUARTERS = tuple(f"{YEAR}-Q{n}" for n in range(1, 5))
ANNUAL_DIR, YEAR_REPORTS_DIR, AK_DIR = "5-tahunan", "6-rekap-tahunan", "7-angka-kredit"
YEAR_PARTS = ("0-data",) + QUARTERS + (ANNUAL_DIR, YEAR_REPORTS_DIR, AK_DIR, SUMMARY_FILE)
PROVINCE_YEAR_REPORT = f"provinsi-jawa-timur-{YEAR}.xlsx"
AK_AWAL = "ak-awal.csv"


@dataclass
class QuarterRun:
    """One simulated quarter: how many workbooks, returns and unit reports."""

    period: str
    generated: int = 0
    returned: int = 0
    not_returned: int = 0
    mistakes: int = 0
    unit_reports: list[str] = field(default_factory=list)
    unit_failures: list[dict] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)    # NIPs that sent nothing
    wrong: list[str] = field(default_factory=list)     # NIPs whose file has a mistake

    def to_dict(self) -> dict:
        return {"period": self.period, "generated": self.generated, "returned": self.returned,
                "not_returned": self.not_returned, "mistakes": self.mistakes,
                "absent": self.absent, "wrong": self.wrong,
                "unit_reports": len(self.unit_reports), "unit_failures": self.unit_failures}


@dataclass
class YearResult:
    """What the year demo made; ``summary()`` is the text the CLI prints."""

    directory: str
    year: str
    source: str
    roster: str
    plans: str | None = None
    profile: str | None = None
    units: list[str] = field(default_factory=list)
    employees: int = 0
    quarters: list[QuarterRun] = field(default_factory=list)
    annual_generated: int = 0
    annual_filled: int = 0
    year_reports: list[str] = field(default_factory=list)
    province_year_report: str | None = None
    province_year: dict | None = None
    ak: dict | None = None
    ak_papers: int = 0
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    lang: str = "id"

    @property
    def ok(self) -> bool:
        return not self.failures and not any(q.unit_failures for q in self.quarters)

    def note(self, key: str, **figures) -> None:
        self.notes.append(say(key, self.lang, **figures))

    def to_dict(self) -> dict:
        return {"directory": self.directory, "year": self.year, "source": self.source,
                "roster": self.roster, "plans": self.plans, "profile": self.profile,
                "units": len(self.units), "employees": self.employees,
                "quarters": [q.to_dict() for q in self.quarters],
                "annual_generated": self.annual_generated, "annual_filled": self.annual_filled,
                "year_reports": len(self.year_reports),
                "province_year_report": self.province_year_report,
                "province_year": self.province_year, "angka_kredit": self.ak,
                "ak_papers": self.ak_papers, "failures": self.failures, "notes": self.notes,
                "seconds": self.seconds}

    def summary(self, lang: str | None = None) -> str:
        from .demotext import render_year_summary
        return render_year_summary(self, lang or self.lang)


def write_ak_awal(roster_path: Path, target: Path, *, seed: int) -> int:
    """A fictional AK awal table (NIP, AK Awal, Tanggal, Nomor PAK) for the JF employees of
    the roster: the PAK integrasi of the end of the previous year. Returns the rows."""
    from .roster import read_roster
    roster = read_roster(roster_path)
    rng = random.Random(f"{seed}:ak-awal")
    rows = [["NIP", "AK Awal", "Tanggal", "Nomor PAK"]]
    for emp in roster.employees:
        if (emp.jenis_jabatan or "").lower() != "fungsional":
            continue
        ak = rng.randint(20, 180) + rng.choice((0, 0.25, 0.5, 0.75))
        rows.append([emp.nip, f"{ak:.3f}".replace(".", ","), f"31-12-{int(YEAR) - 1}",
                     f"800/{rng.randint(100, 999)}/PAK/{int(YEAR) - 1}"])
    with open(target, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return len(rows) - 1


def run_year(directory=DEFAULT_DIR, *, force: bool = False, jobs: int = 0, seed: int = 2025,
             units: int | None = None, progress: Progress | None = None,
             echo: Echo | None = None, lang: str = "id") -> YearResult:
    """Run the year: four quarters, the annual evaluation, the year recap, angka kredit.

    Arguments as :func:`skpxl.demo.run_demo`. Raises :class:`UsageError` when ``directory``
    holds a previous demo (unless ``force``) or anything else.
    """
    if units is not None and units < 1:
        raise UsageError("--units harus 1 atau lebih.", en="--units must be 1 or more.")
    tell = echo or (lambda text: None)
    root = Path(directory)
    prepare_directory(root, force=force, parts=YEAR_PARTS, period=YEAR)
    tell(say("year_start", lang, dir=_show(root)))
    clock = time.perf_counter()
    source, roster, plans = prepare_data(root / "0-data", units=units, seed=seed)
    result = YearResult(str(root), YEAR, source, str(roster), str(plans) if plans else None,
                        lang=lang)
    profile = root / "0-data" / "instansi.toml"
    result.profile = str(profile) if profile.is_file() else None
    if source == "generated":
        result.note("no_samples")

    def bar(key: str, **figures):
        label = say(key, lang, **figures)
        return (lambda total: progress(label, total)) if progress else None

    steps = [(period, partial(_quarter_step, period=period)) for period in QUARTERS] + [
        ("annual", _annual_step), ("year_recap", _year_recap_step), ("angka_kredit", _ak_step)]
    run_steps(steps, result, tell, clock, root, roster, plans, jobs, seed, bar)
    return result


def _quarter_step(result: YearResult, root: Path, roster, plans, jobs, seed, bar, *,
                  period: str) -> str:
    """Generate, simulate the returns of and report one quarter (no marked copies: the
    quarter demo shows those)."""
    from .generate import generate
    seed = f"{seed}:{period}"
    run = QuarterRun(period)
    result.quarters.append(run)
    folder = root / period
    generated = generate(roster, period, folder / "1-skp", plans=plans, jobs=jobs,
                         progress=bar("year_bar_generate", period=period))
    written = [f for f in generated.files if f.status == "written"]
    if not result.units:
        result.units = sorted({f.unit for f in generated.files})
        result.employees = len(generated.files)
    run.generated = len(written)
    if generated.count("failed"):
        result.failures.append(f"{period}: generate {generated.count('failed')}")
    returns = simulate_returns(written, folder / "2-kembali", seed, jobs=jobs,
                               start=bar("year_bar_returns", period=period))
    run.absent = [r.nip for r in returns.absent]
    run.not_returned, run.returned = len(returns.absent), returns.returned
    wrong = {Path(target).name for target in returns.mistakes}
    run.wrong = [r.nip for r in written if Path(r.path).name in wrong]
    run.mistakes = len(returns.mistakes)
    for target, error in returns.failed:
        result.note("fill_failed", target=target, error=error)
    run.unit_reports, run.unit_failures = merge_units(
        result.units, lambda unit: [str(folder / "2-kembali" / slug(unit, fallback="unit"))],
        period=period, roster=roster, profile=result.profile, outdir=folder / "4-rekap",
        jobs=jobs, start=bar("year_bar_units", period=period))
    return say("year_quarter", result.lang, period=period, n=run.generated,
               returned=run.returned, missing=run.not_returned, wrong=run.mistakes,
               reports=counted(len(run.unit_reports), "rekap unit", "unit report",
                               result.lang), dir=_show(folder))


def _annual_step(result: YearResult, root: Path, roster, plans, jobs, seed, bar) -> str:
    """The annual evaluation workbooks, generated with the four quarters' unit reports in
    view (``generate --period 2025 --previous ...``), then filled by the simulated
    assessors, whose ratings follow the quarters (skpxl never decides them)."""
    from .generate import generate
    folder = root / ANNUAL_DIR
    reports = [p for q in result.quarters for p in q.unit_reports]
    try:
        generated = generate(roster, YEAR, folder / "1-skp", plans=plans, previous=reports,
                             jobs=jobs, lang=result.lang, progress=bar("year_bar_annual"))
    except Exception as exc:  # noqa: BLE001 - reported; the year recap runs on the quarters
        result.failures.append(say("year_failed", result.lang, step=ANNUAL_DIR,
                                   error=f"{type(exc).__name__}: "
                                         f"{getattr(exc, 'message', exc)}"))
        return result.failures[-1]
    written = [f for f in generated.files if f.status == "written"]
    result.annual_generated = len(written)
    returns = simulate_returns(written, folder / "2-kembali", f"{seed}:{YEAR}", jobs=jobs,
                               start=bar("year_bar_annual_fill"), planned=False)
    result.annual_filled = returns.returned
    for target, error in returns.failed:
        result.note("fill_failed", target=target, error=error)
    return say("year_annual", result.lang, n=result.annual_generated,
               filled=result.annual_filled, dir=_show(folder))


def _year_sources(result: YearResult, root: Path, unit: str | None) -> list[str]:
    """The year's inputs of one unit (or all): its four quarterly unit reports and the
    folder of its filled annual evaluations, where there are some."""
    name = f"{slug(unit, fallback='unit')}.xlsx" if unit else None
    paths = [p for q in result.quarters for p in q.unit_reports
             if name is None or Path(p).name == name]
    returned = root / ANNUAL_DIR / "2-kembali"
    if returned.is_dir():
        folders = [returned / slug(unit, fallback="unit")] if unit else sorted(
            p for p in returned.iterdir() if p.is_dir())
        paths += [str(f) for f in folders if f.is_dir()]
    return paths


def _year_recap_step(result: YearResult, root: Path, roster, plans, jobs, seed, bar) -> str:
    """The year recap of every unit, then of the province, from the quarterly unit reports
    and the annual evaluations (``skpxl merge --period 2025``)."""
    from .merge import merge
    outdir = root / YEAR_REPORTS_DIR
    result.year_reports, failures = merge_units(
        result.units, lambda unit: _year_sources(result, root, unit), period=YEAR,
        roster=roster, profile=result.profile, outdir=outdir, suffix=f"-{YEAR}", jobs=jobs,
        start=bar("year_bar_recap"))
    result.failures += [say("year_failed", result.lang, step=f["unit"], error=f["error"])
                        for f in failures]
    output = outdir / PROVINCE_YEAR_REPORT
    try:
        province = merge(_year_sources(result, root, None), period=YEAR, roster=roster,
                         org_predikat=ORG_PREDIKAT, output=output, level="province",
                         jobs=jobs, lang=result.lang, profile=result.profile,
                         progress=bar("year_bar_recap_province"))
    except Exception as exc:  # noqa: BLE001 - reported; the unit recaps are written
        result.failures.append(say("year_failed", result.lang, step=PROVINCE_YEAR_REPORT,
                                   error=f"{type(exc).__name__}: "
                                         f"{getattr(exc, 'message', exc)}"))
    else:
        result.province_year_report = str(output)
        result.province_year = province.to_dict(result.lang)
    return say("year_recap", result.lang,
               n=counted(len(result.year_reports), "rekap tahunan unit", "unit year report",
                         result.lang),
               province=say("merged_province", result.lang)
               if result.province_year_report else "", dir=_show(outdir))


def _ak_step(result: YearResult, root: Path, roster, plans, jobs, seed, bar) -> str:
    """The angka kredit papers of the year, from the four quarters' unit reports (periodic
    conversions) and the fictional AK awal table (accumulation and draft PAK)."""
    from .angkakredit import angka_kredit
    awal = root / "0-data" / AK_AWAL
    rows = write_ak_awal(Path(roster), awal, seed=seed)
    reports = [p for q in result.quarters for p in q.unit_reports]
    outdir = root / AK_DIR
    try:
        ak = angka_kredit(reports, output=outdir, period=YEAR, roster=roster,
                          profile=result.profile, akumulasi=awal if rows else None,
                          tanggal=date(int(YEAR) + 1, 1, 15), lang=result.lang, jobs=jobs,
                          progress=bar("year_bar_ak"))
    except Exception as exc:  # noqa: BLE001 - reported; the quarters' files are all there
        result.failures.append(f"angka kredit: {type(exc).__name__}: "
                               f"{getattr(exc, 'message', exc)}")
        return say("year_ak_failed", result.lang, error=result.failures[-1])
    result.ak = ak.to_dict()
    result.ak_papers = len(ak.written)
    problems = len(ak.problems) + sum(len(e.problems) for e in ak.employees)
    if problems:
        result.note("year_ak_problems", n=problems)
    return say("year_ak", result.lang, n=result.ak_papers, dir=_show(outdir))
