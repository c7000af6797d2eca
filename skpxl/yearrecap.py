"""The year recap: each employee's four quarterly predikat (and the annual one) side by side.

``skpxl merge --period 2025`` reads, mixed freely, the year's quarterly unit (or province)
reports, folders of returned quarterly workbooks and annual evaluation workbooks, all through
:func:`skpxl.akinputs.read_inputs` (the reader ``skpxl angka-kredit`` uses), and builds:

- per employee the predikat of Triwulan I-IV and the Tahunan column (the assessor's annual
  predikat from an annual evaluation workbook; skpxl never computes one from the quarters);
- for every quarter an employee has no valid predikat, why: not returned, invalid (its first
  reason), not yet employed or not on that quarter's roster, moved to another unit, or no
  report for that quarter at all;
- per unit and quarter the predikat distribution against the curve (:mod:`skpxl.kurva`), and
  the year's curve on the annual predikat;
- for jabatan fungsional employees the angka kredit per quarter at the quarter's own jenjang
  and the year's sum (:mod:`skpxl.akrules`). The sum is the quarters' conversions; the annual
  conversion is shown beside it, never added (the same months are converted once).

Rosters: one roster for the whole year, and/or one per quarter (``2025-Q1=pegawai.xlsx``).
A quarter's roster tells who was employed where in that quarter. A roster that holds fewer
than half of the NIPs that returned an SKP in its quarter (at least :data:`ROSTER_SAMPLE` of
them) is taken to be of another year: a problem, and it is not used.

The workbook is written by :mod:`skpxl.yearbook`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import domain
from .akinputs import Inputs, Row, read_inputs
from .akrules import EmployeeAk, Evaluation, convert_employee
from .consolidate import INVALID, NOT_SUBMITTED, VALID, UnitSummary
from .errors import UsageError
from .kurva import KurvaResult
from .kurva import check as check_kurva
from .periods import Period, parse_period
from .problems import ERROR, Problem, define

define("year.other_unit", ERROR,
       "{file} adalah laporan {found}, bukan {expected}; rekap tahunan unit memakai laporan "
       "satu unit saja, jadi laporan ini tidak dipakai.",
       "{file} is a report of {found}, not {expected}; a unit's year recap uses that unit's "
       "reports only, so this one is not used.")
define("year.roster_other_year", ERROR,
       "Daftar pegawai {file} ({period}) tampaknya dari tahun lain: hanya {found} dari {total} "
       "NIP yang mengirim SKP pada periode itu ada di dalamnya. Daftar ini tidak dipakai; "
       "berikan daftar pegawai periode itu.",
       "Roster {file} ({period}) seems to be of another year: only {found} of the {total} NIPs "
       "that returned an SKP in that period are in it. It is not used; give that period's "
       "roster.")
#: below this many NIPs that returned an SKP in a period, a roster is not judged
ROSTER_SAMPLE = 3
#: why a period has no valid predikat for an employee (Indonesian, as printed) -> English
REASONS = {INVALID: "invalid",
           NOT_SUBMITTED: "not returned",
           "belum menjadi pegawai": "not yet employed",
           "tidak ada di daftar pegawai": "not on that period's roster",
           "pindah unit": "in another unit",
           "tidak ada laporan": "no report or workbooks for that period",
           "tidak tercantum": "not listed in that period's report",
           "belum ada evaluasi tahunan": "no annual evaluation"}
#: absences that are no one's fault: listed in Belum Lengkap, but the year is complete
EXPECTED = ("pindah unit", "belum menjadi pegawai", "tidak ada di daftar pegawai")
ANNUAL_BASIS = ("Jumlah angka kredit tahun ini = jumlah konversi triwulanan (tiap triwulan "
                "dengan jenjang saat itu). Konversi dari predikat tahunan ditampilkan sebagai "
                "pembanding dan tidak dijumlahkan: bulan yang sama tidak dikonversi dua kali.")
NO_ANNUAL = ("Belum ada evaluasi tahunan, jadi kurva distribusi tahun ini belum bisa "
             "diperiksa; distribusi per triwulan ada di sheet Kurva.")
NO_ANNUAL_EN = ("No annual evaluation yet, so this year's distribution curve cannot be "
                "checked; the distribution per quarter is in sheet Kurva.")


@dataclass
class Cell:
    """One employee in one period: the predikat, or why there is none."""

    predikat: str | None = None
    reason: str = ""       # a key of :data:`REASONS`; "" with a predikat (or not expected)
    detail: str = ""       # the first problem of an invalid SKP, or the other unit
    jenjang: str = ""
    source: str = ""

    def shown(self) -> str | None:
        """What the Predikat table prints: the predikat, else the reason in brackets."""
        if self.predikat:
            return self.predikat
        return f"({self.reason})" if self.reason else None

    def to_dict(self) -> dict:
        return {"predikat": self.predikat, "reason": self.reason or None,
                "reason_en": REASONS.get(self.reason), "detail": self.detail or None,
                "source": self.source or None}


@dataclass
class YearEmployee:
    """One employee of the recap, as their latest row (or roster entry) describes them."""

    nip: str
    nama: str = ""
    jabatan: str = ""
    unit: str = ""
    jenis_jabatan: str = ""
    jenjang: str = ""
    cells: dict[str, Cell] = field(default_factory=dict)      # period code -> cell
    ak: EmployeeAk | None = None          # quarterly conversions
    ak_annual: EmployeeAk | None = None   # the annual conversion, shown beside

    @property
    def jf(self) -> bool:
        return self.jenis_jabatan == "Fungsional"

    def ak_of(self, kode: str):
        """The angka kredit converted for period ``kode`` (a Decimal), or None."""
        source = self.ak_annual if len(kode) == 4 else self.ak
        for line in (source.lines if source else []):
            if line.period.kode == kode:
                return line.value
        return None

    @property
    def ak_sum(self):
        """The year's angka kredit: the sum of the quarters' converted figures."""
        if not self.ak or not self.ak.lines:
            return None
        return sum((line.value for line in self.ak.lines), type(self.ak.lines[0].value)(0))

    def to_dict(self, lang: str = "id") -> dict:
        data = {"nip": self.nip, "nama": self.nama, "jabatan": self.jabatan, "unit": self.unit,
                "jenis_jabatan": self.jenis_jabatan, "jenjang": self.jenjang,
                "periods": {k: c.to_dict() for k, c in self.cells.items()}}
        if self.jf:
            data["angka_kredit"] = {
                "periods": {k: float(v) for k in self.cells
                            if (v := self.ak_of(k)) is not None},
                "sum_quarters": None if self.ak_sum is None else float(self.ak_sum),
                "basis": "quarters",
                "problems": [p.to_dict(lang) for p in
                             (self.ak.problems if self.ak else [])]}
        return data


@dataclass
class YearResult:
    """What a year recap found; ``to_dict()`` is the JSON the CLI prints."""

    level: str
    period: str
    output: str = ""
    units: list[str] = field(default_factory=list)
    employees: list[YearEmployee] = field(default_factory=list)
    curves: list[tuple[str, str, UnitSummary]] = field(default_factory=list)
    year_summary: UnitSummary | None = None       # the scope's annual predikat and curve
    unit_summaries: list[UnitSummary] = field(default_factory=list)
    annual: bool = False          # any annual evaluation in scope
    annual_rows: list[tuple] = field(default_factory=list)   # their Rekap Pegawai rows
    problems: list[Problem] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)
    berkas: list[tuple] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    exported: list[str] = field(default_factory=list)
    instansi: str = ""

    @property
    def periods(self) -> list[str]:
        """The columns: the four quarters, then the year."""
        return quarter_codes(int(self.period)) + [self.period]

    def missing(self) -> list[tuple[YearEmployee, str, Cell]]:
        """Every (employee, period code, cell) without a valid predikat that was due."""
        return [(e, kode, e.cells[kode]) for e in self.employees for kode in self.periods
                if kode in e.cells and not e.cells[kode].predikat and e.cells[kode].reason]

    @property
    def ok(self) -> bool:
        """True when every quarter (and the annual evaluation, where given) is present and
        valid for everyone who was in the unit then, and no input had a problem. A quarter
        in another unit or before employment is listed, not a fault (:data:`EXPECTED`)."""
        return not self.problems and all(cell.reason in EXPECTED
                                         for _, _, cell in self.missing())

    def to_dict(self, lang: str = "id") -> dict:
        return {"level": self.level, "period": self.period, "output": self.output,
                "ok": self.ok, "units": self.units, "annual": self.annual,
                "employees": [e.to_dict(lang) for e in self.employees],
                "missing": [{"nip": e.nip, "nama": e.nama, "unit": e.unit, "period": kode,
                             **cell.to_dict()} for e, kode, cell in self.missing()],
                "curves": [{"unit": unit, "period": kode, "predikat": dict(s.predikat),
                            "kurva": s.kurva.to_dict()} for unit, kode, s in self.curves],
                "year": self.year_summary.to_dict() if self.year_summary else None,
                "problems": [p.to_dict(lang) for p in self.problems],
                "sources": [{k: v for k, v in s.items() if k != "path"}
                            for s in self.sources],
                "skipped": self.skipped, "exported": self.exported}


def quarter_codes(year: int) -> list[str]:
    return [f"{year}-Q{q}" for q in (1, 2, 3, 4)]


# --- rosters --------------------------------------------------------------------------------

def parse_rosters(items, year: Period) -> dict[str, object]:
    """``--roster`` values into {period code or ``"*"``: path or Roster}.

    ``2025-Q1=pegawai-q1.xlsx`` is the roster of that quarter (``2025=...`` of the annual
    evaluations); a plain path is the roster of every period without its own. A period
    outside the year, or one given twice, is a usage error."""
    if items is None:
        return {}
    if not isinstance(items, (list, tuple)):
        items = [items]
    out: dict[str, object] = {}
    for item in items:
        key, value = "*", item
        if isinstance(item, str) and "=" in item and not Path(item).exists():
            key, value = item.split("=", 1)
            found = parse_period(key.strip())
            if not (year.start <= found.start and found.end <= year.end):
                raise UsageError(
                    f"Daftar pegawai '{item}' untuk periode {found.kode}, di luar tahun "
                    f"{year.kode}.", hint=f"Contoh: --roster {year.kode}-Q1=pegawai-tw1.xlsx",
                    en=f"Roster '{item}' is for period {found.kode}, outside year {year.kode}.",
                    hint_en=f"For example: --roster {year.kode}-Q1=pegawai-q1.xlsx")
            key = found.kode
        if key in out:
            raise UsageError(f"Dua daftar pegawai untuk {'semua periode' if key == '*' else key}.",
                             hint="Berikan satu --roster per periode (2025-Q1=FILE) dan paling "
                                  "banyak satu --roster FILE untuk semua periode.",
                             en=f"Two rosters for {'every period' if key == '*' else key}.",
                             hint_en="Give one --roster per period (2025-Q1=FILE) and at most "
                                     "one plain --roster FILE for every period.")
        out[key] = value
    return out


def _roster_checks(rosters: dict, rows: list[Row], problems: list[Problem]) -> dict:
    """The rosters that hold most NIPs that returned an SKP in their period; the others
    are problems (a roster of another year) and dropped."""
    kept = {}
    for key, roster in rosters.items():
        sent = {r.nip for r in rows if r.values["status"] in (VALID, INVALID)
                and (key == "*" or r.period.kode == key)}
        index = roster.by_nip()
        found = sum(1 for nip in sent if nip in index)
        if len(sent) >= ROSTER_SAMPLE and 2 * found < len(sent):
            problems.append(Problem("year.roster_other_year", {
                "file": Path(roster.path).name, "period": "semua periode" if key == "*" else key,
                "found": found, "total": len(sent)}, path=str(roster.path)))
            continue
        kept[key] = roster
    return kept


# --- the recap ------------------------------------------------------------------------------

def read_year(paths, year: Period, *, rosters: dict, lang: str = "id", work=1,
              progress=None) -> Inputs:
    """The year's inputs (reports, quarterly and annual workbooks) through the reader the
    angka kredit papers use."""
    return read_inputs(paths, period=year, lang=lang, work=work, progress=progress,
                       rosters=rosters or None, year_recaps=False)


def _choose_unit(rows: list[Row], sources: list[dict], unit: str | None) -> str:
    """The unit of a unit-level recap: ``unit`` (as the inputs spell it), else the unit
    most sources are about; a tie is a usage error asking for ``--unit``."""
    if unit:
        known = {u.casefold(): u for s in sources for u in s["units"]}
        known.update({r.unit.casefold(): r.unit for r in rows if r.unit})
        return known.get(unit.strip().casefold(), unit.strip())
    counts = Counter()
    for source in sources:
        if source["status"] == "dipakai":
            counts.update(source["units"])
    if not counts:
        counts.update(r.unit for r in rows if r.unit)
    if not counts:
        raise UsageError("Tidak ada laporan atau file SKP yang bisa dipakai untuk rekap tahunan.",
                         en="No report or SKP workbook could be used for the year recap.")
    ranked = counts.most_common()
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        listing = "; ".join(f"{u} ({n})" for u, n in sorted(ranked))
        raise UsageError(f"Masukan rekap tahunan berasal dari beberapa unit: {listing}.",
                         hint="Pilih satu dengan --unit \"NAMA UNIT\", atau gunakan --level "
                              "province.",
                         en=f"The year recap's inputs come from several units: {listing}.",
                         hint_en="Choose one with --unit \"UNIT NAME\", or use --level province.")
    return ranked[0][0]


def build(inputs: Inputs, year: Period, *, level: str, unit: str | None, rosters: dict,
          org_predikat: str | None, lang: str = "id", order=None) -> YearResult:
    """The recap from what :func:`read_year` found (pure: no file is read here).

    ``order(units)`` returns the units in the order the papers list them (the roster's or
    the profile's, see :func:`skpxl.profile.unit_order`); alphabetical without it."""
    result = YearResult("year-" + level, year.kode, instansi=inputs.instansi,
                        problems=list(inputs.problems), skipped=list(inputs.skipped),
                        berkas=list(inputs.berkas))
    columns = quarter_codes(year.year) + [year.kode]
    rows = [r for r in inputs.rows if r.period.kode in columns]
    sources = inputs.sources
    chosen = None
    if level == "unit":
        chosen = _choose_unit(rows, sources, unit)
        key = chosen.casefold()
        for source in sources:
            units = {u.casefold() for u in source["units"]}
            if source["status"] == "dipakai" and source["kind"] != "folder SKP" and \
                    key not in units:
                source.update(status="ditolak", reason=f"laporan {', '.join(source['units'])}")
                result.problems.append(Problem("year.other_unit", {
                    "file": source["file"], "found": ", ".join(source["units"]),
                    "expected": chosen}, path=source["path"]))
        refused = {s["file"] for s in sources if s["status"] != "dipakai"}
        folders = {s["file"] for s in sources if s["kind"] == "folder SKP"}
        rows = [r for r in rows if r.source not in refused]
        for r in rows:   # a returned workbook of another unit: listed, not merged
            if r.unit.casefold() != key and r.source in folders:
                result.problems.append(Problem("merge.other_unit", {
                    "found": r.unit, "expected": chosen}, path=r.source))
        scope = [r for r in rows if r.unit.casefold() == key]
        result.units = [chosen]
    else:
        scope = rows
        result.units = sorted({r.unit for r in rows if r.unit})
    rosters = _roster_checks(rosters, scope, result.problems)
    result.sources = sources
    covered = {(r.period.kode, r.unit.casefold()) for r in scope}
    for source in sources:
        if source["status"] == "dipakai":
            covered |= {(source["period"], u.casefold()) for u in source["units"]}
    elsewhere: dict[tuple[str, str], str] = {}     # (period, nip) -> the unit it was in
    for r in rows:
        elsewhere.setdefault((r.period.kode, r.nip), r.unit)
    people = _people(scope, rosters, chosen)
    by_nip: dict[str, list[Row]] = {}
    for r in scope:
        by_nip.setdefault(r.nip, []).append(r)
    result.annual_rows = [r.raw for r in sorted(scope, key=lambda r: (r.unit, r.nip))
                          if r.period.kode == year.kode]
    result.annual = bool(result.annual_rows)
    first_seen = _first_seen(scope, rosters)
    for person in people.values():
        _fill_cells(person, by_nip.get(person.nip, []), columns, year, covered, elsewhere,
                    rosters, first_seen, result.annual)
        if person.jf:
            _convert(person, year)
    if level == "province":
        result.units = sorted({e.unit for e in people.values() if e.unit} | set(result.units))
        if order is not None:
            result.units = list(order(result.units))
    rank = {u: i for i, u in enumerate(result.units)}
    result.employees = sorted(people.values(), key=lambda e: (rank.get(e.unit, len(rank)),
                                                              e.nama, e.nip))
    _curves(result, scope, columns, org_predikat, lang)
    return result


def _people(scope: list[Row], rosters: dict, chosen: str | None) -> dict:
    """Everyone in scope, as their latest row says (the year's own row last: the quarters
    before it), then the rosters' employees of the unit (all units when ``chosen`` is
    None) who have no row."""
    people: dict[str, YearEmployee] = {}
    for r in sorted(scope, key=lambda r: (r.period.end, -r.period.months)):
        v = r.values
        person = people.setdefault(r.nip, YearEmployee(r.nip))
        for key in ("nama", "jabatan", "unit", "jenis_jabatan", "jenjang"):
            setattr(person, key, v[key] or getattr(person, key))
    wanted = None if chosen is None else {chosen.casefold()}
    for kode in sorted(rosters, key=lambda k: (k != "*", k)):
        for emp in rosters[kode].employees:
            if not emp.nip or wanted is not None and \
                    (emp.unit_kerja or "").casefold() not in wanted:
                continue
            if emp.nip not in people:
                people[emp.nip] = YearEmployee(emp.nip, emp.nama, emp.jabatan, emp.unit_kerja,
                                               emp.jenis_jabatan, emp.jenjang)
    return people


def _first_seen(scope: list[Row], rosters: dict) -> dict[str, str]:
    """The first quarter each NIP appears in (a row, or a quarter's roster)."""
    seen: dict[str, str] = {}
    for r in scope:
        if len(r.period.kode) > 4 and r.period.kode < seen.get(r.nip, "9999"):
            seen[r.nip] = r.period.kode
    for kode, roster in rosters.items():
        if kode == "*" or len(kode) == 4:
            continue
        for emp in roster.employees:
            if kode < seen.get(emp.nip, "9999"):
                seen[emp.nip] = kode
    return seen


def _fill_cells(person: YearEmployee, rows: list[Row], columns: list[str], year: Period,
                covered: set, elsewhere: dict, rosters: dict, first_seen: dict,
                annual: bool) -> None:
    """Each period's cell of ``person`` from their ``rows`` (a valid one first), or why
    there is none."""
    mine = {}
    for r in rows:
        have = mine.get(r.period.kode)
        if have is None or (have.values["status"] != VALID and r.values["status"] == VALID):
            mine[r.period.kode] = r
    home = person.unit.casefold()
    for kode in columns:
        r = mine.get(kode)
        if r is not None:
            status = r.values["status"]
            if status == VALID and r.values["predikat"]:
                cell = Cell(r.values["predikat"])
            elif status == NOT_SUBMITTED:
                cell = Cell(reason=NOT_SUBMITTED)
            else:
                cell = Cell(reason=INVALID, detail=r.reason)
            cell.jenjang, cell.source = r.values["jenjang"], r.source
        elif kode == year.kode:
            cell = Cell(reason="belum ada evaluasi tahunan" if annual and
                        (kode, home) in covered else "")
        else:
            cell = _absent(person, kode, home, covered, elsewhere, rosters, first_seen)
        person.cells[kode] = cell


def _absent(person: YearEmployee, kode: str, home: str, covered: set, elsewhere: dict,
            rosters: dict, first_seen: dict) -> Cell:
    """Why a quarter has no row for ``person``."""
    other = elsewhere.get((kode, person.nip))
    if other and other.casefold() != home:
        return Cell(reason="pindah unit", detail=other)
    roster = rosters.get(kode, rosters.get("*"))
    if roster is not None:
        emp = roster.employee(person.nip)
        if emp is None:
            before = kode < first_seen.get(person.nip, "0000")
            return Cell(reason="belum menjadi pegawai" if before else
                        "tidak ada di daftar pegawai",
                        detail=f"tidak ada di {Path(roster.path).name}")
        if (emp.unit_kerja or "").casefold() != home:
            return Cell(reason="pindah unit", detail=emp.unit_kerja)
    if (kode, home) not in covered:
        return Cell(reason="tidak ada laporan")
    if roster is not None:
        return Cell(reason=NOT_SUBMITTED)
    return Cell(reason="tidak tercantum")


def _convert(person: YearEmployee, year: Period) -> None:
    """Angka kredit per quarter (the quarter's own jenjang) and, beside, the annual one."""
    quarters, annual = [], []
    for kode, cell in person.cells.items():
        if not cell.source:     # no row for that period: nothing to convert
            continue
        ev = Evaluation(parse_period(kode), cell.predikat, cell.jenjang or person.jenjang,
                        source=cell.source, status=cell.reason)
        (annual if kode == year.kode else quarters).append(ev)
    person.ak = convert_employee(person.nip, person.nama, quarters)
    if annual:
        person.ak_annual = convert_employee(person.nip, person.nama, annual)


def _counts(rows: list[Row]) -> dict[str, int]:
    counts = Counter(r.values["predikat"] for r in rows
                     if r.values["status"] == VALID and r.values["predikat"] in domain.PREDIKAT)
    return {p: counts.get(p, 0) for p in domain.PREDIKAT}


def _summary(unit: str | None, kode: str, rows: list[Row], expected: int, org, lang: str,
             checked: bool) -> UnitSummary:
    """A period's numbers; the curve ``checked`` (else: no annual evaluation yet)."""
    statuses = Counter(r.values["status"] for r in rows)
    s = UnitSummary(unit, kode, expected, statuses[VALID] + statuses[INVALID], statuses[VALID],
                    statuses[INVALID], 0, max(0, expected - statuses[VALID]),
                    statuses[NOT_SUBMITTED], _counts(rows))
    if checked:
        s.kurva = check_kurva(s.predikat, org, lang=lang)
    else:
        s.kurva = KurvaResult(None, [NO_ANNUAL_EN if lang == "en" else NO_ANNUAL],
                              org)
    return s


def _curves(result: YearResult, scope: list[Row], columns: list[str], org, lang: str) -> None:
    """Per unit and period the predikat against the curve; the year's on the annual ones."""
    by_unit = Counter(e.unit for e in result.employees)
    for unit in result.units:
        rows = [r for r in scope if r.unit == unit]
        for kode in columns:
            here = [r for r in rows if r.period.kode == kode]
            if kode == result.period and not here:
                continue
            result.curves.append((unit, kode, _summary(unit, kode, here, by_unit[unit], org,
                                                       lang, True)))
        annual = [r for r in rows if r.period.kode == result.period]
        result.unit_summaries.append(_summary(unit, result.period, annual, by_unit[unit], org,
                                              lang, bool(annual)))
    annual = [r for r in scope if r.period.kode == result.period]
    scope_unit = result.units[0] if result.level == "year-unit" and result.units else None
    result.year_summary = _summary(scope_unit, result.period, annual, len(result.employees),
                                   org, lang, bool(annual))
