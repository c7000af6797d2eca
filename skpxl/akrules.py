"""Angka kredit rules: predikat into angka kredit, and what is still needed (pure, no I/O).

For one jabatan fungsional employee, :func:`convert_employee` turns the predikat of each
evaluated period (a quarter, a month, or the year) into lines of the lembar konversi:

    AK = percentage(predikat) x annual coefficient(jenjang) x months / 12

each rounded once as the data file says (3 decimals, half-up; :mod:`skpxl.akdata`), the
period's own jenjang used (a jenjang that changed during the year converts each period at
the jenjang held then). Months converted twice — an annual and a periodic conversion of the
same months, or one period from two sources — are refused: neither line counts, and the
problem names both (PerBKN 3/2023: a period is converted once).

:func:`progress` sets the cumulative angka kredit (a starting figure from the previous PAK
plus the conversions) against the requirements for the next pangkat and jenjang
(:func:`requirements`). The year recap calls the same functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from .akdata import AkData, ak_data
from .periods import Period
from .problems import ERROR, WARNING, Problem, define
from .roster import normalize_jenjang
from .textfmt import BULAN, MONTHS_EN, number

define("ak.predikat_missing", ERROR,
       "{nama} ({nip}) tidak punya predikat kinerja yang sah untuk {period} ({status}); "
       "periode ini tidak dikonversi ke angka kredit.",
       "{nama} ({nip}) has no valid predikat for {period_en} ({status_en}); this period is "
       "not converted into angka kredit.")
define("ak.jenjang_missing", ERROR,
       "{nama} ({nip}) adalah pejabat fungsional tanpa jenjang untuk {period}; angka kredit "
       "tidak dihitung. Isi kolom Jenjang di daftar pegawai (misalnya Ahli Pertama), lalu "
       "buat ulang laporannya.",
       "{nama} ({nip}) is a jabatan fungsional without a jenjang for {period_en}; no angka "
       "kredit is computed. Fill in the Jenjang column of the roster (e.g. Ahli Pertama) and "
       "make the report again.")
define("ak.jenjang_unknown", ERROR,
       "Jenjang '{value}' ({nama}, {nip}, {period}) tidak dikenal; angka kredit tidak dihitung. "
       "Jenjang yang dikenal: {accepted}.",
       "Jenjang '{value}' ({nama}, {nip}, {period_en}) is not known; no angka kredit is "
       "computed. Known jenjang: {accepted}.")
define("ak.months_invalid", ERROR,
       "{nama} ({nip}): {months} bulan untuk {period} tidak mungkin (periode itu {limit} "
       "bulan); periode ini tidak dikonversi.",
       "{nama} ({nip}): {months} months for {period_en} is impossible (that period has "
       "{limit} months); this period is not converted.")
define("ak.double_count", ERROR,
       "{nama} ({nip}): konversi {first} ({first_source}) dan konversi {second} "
       "({second_source}) mencakup bulan yang sama ({months}). Angka kredit bulan yang sama "
       "tidak boleh dihitung dua kali, jadi tidak satu pun dipakai. Pilih konversi tahunan "
       "atau konversi periodik, lalu jalankan lagi.",
       "{nama} ({nip}): the {first_en} conversion ({first_source}) and the {second_en} "
       "conversion ({second_source}) cover the same months ({months_en}). The same months "
       "must not earn angka kredit twice, so none of them is used. Choose the annual or the "
       "periodic conversion and run again.")
define("ak.period_twice", ERROR,
       "{nama} ({nip}) ada dua kali untuk {period}: di {first_source} dan di {second_source}. "
       "Tidak satu pun dipakai; berikan satu sumber saja untuk periode itu.",
       "{nama} ({nip}) appears twice for {period_en}: in {first_source} and in "
       "{second_source}. None of them is used; give one source only for that period.")
define("ak.jenjang_changed", WARNING,
       "{nama} ({nip}): jenjang berubah dari {old} ke {new} ({period}). Akumulasi hanya "
       "menghitung konversi sebagai {new}; AK awal harus dari PAK kenaikan jenjang itu.",
       "{nama} ({nip}): the jenjang changed from {old} to {new} ({period_en}). The "
       "accumulation counts only the conversions as {new}; the starting angka kredit must be "
       "that of the PAK of the kenaikan jenjang.")
define("ak.golongan_unknown", WARNING,
       "{nama} ({nip}): golongan ruang tidak terbaca dari pangkat '{value}', jadi kebutuhan "
       "angka kredit untuk kenaikan pangkat tidak dihitung. Tulis pangkat dengan golongannya, "
       "misalnya 'Penata Muda (III/a)'.",
       "{nama} ({nip}): no golongan ruang can be read from pangkat '{value}', so the angka "
       "kredit needed for the next pangkat is not computed. Write the pangkat with its "
       "golongan, e.g. 'Penata Muda (III/a)'.")
define("ak.golongan_outside", WARNING,
       "{nama} ({nip}): golongan {golongan} tidak termasuk jenjang {jenjang} ({range}); "
       "kebutuhan angka kredit untuk kenaikan pangkat tidak dihitung.",
       "{nama} ({nip}): golongan {golongan} is not one of jenjang {jenjang} ({range}); the "
       "angka kredit needed for the next pangkat is not computed.")
define("ak.requirement_unknown", WARNING,
       "{nama} ({nip}): kebutuhan angka kredit untuk kenaikan {what} jenjang {jenjang} belum "
       "ada di data angka kredit skpxl (sumbernya belum dapat dipastikan); baris itu dibiarkan "
       "kosong untuk diisi.",
       "{nama} ({nip}): the angka kredit needed for the next {what_en} of jenjang {jenjang} is "
       "not in skpxl's angka kredit data (no source could confirm it); that line is left "
       "blank to be filled in.")

_GOLONGAN = re.compile(r"\b(IV|III|II|I)\s*[/.\-]?\s*([a-eA-E])\b")


@dataclass(frozen=True)
class Evaluation:
    """One predikat for one period, as the assessor gave it.

    ``months`` defaults to the period's length; ``source`` names where it was read (a report
    file), for messages. ``predikat`` is canonical or ``None`` (no valid evaluation, with
    ``status`` saying why); ``jenjang`` is as the report or roster wrote it."""

    period: Period
    predikat: str | None
    jenjang: str | None
    source: str = ""
    months: int | None = None
    status: str = ""

    @property
    def month_count(self) -> int:
        return self.period.months if self.months is None else self.months


@dataclass(frozen=True)
class Conversion:
    """One line of a lembar konversi: the period's predikat turned into angka kredit."""

    period: Period
    predikat: str
    jenjang: str
    percent: Fraction
    koefisien: Fraction
    months: int
    exact: Fraction
    value: Decimal
    source: str = ""

    @property
    def annual(self) -> bool:
        return self.period.kind == "tahunan"

    def to_dict(self) -> dict:
        return {"period": self.period.kode, "predikat": self.predikat, "jenjang": self.jenjang,
                "percent": float(self.percent * 100), "koefisien": float(self.koefisien),
                "months": self.months, "angka_kredit": float(self.value),
                "exact": f"{self.exact.numerator}/{self.exact.denominator}",
                "source": self.source}


@dataclass
class EmployeeAk:
    """The conversions of one employee, and the problems met on the way."""

    nip: str
    nama: str
    lines: list[Conversion] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def jenjang(self) -> str | None:
        """The jenjang of the latest converted period."""
        return self.lines[-1].jenjang if self.lines else None

    @property
    def counted(self) -> list[Conversion]:
        """The lines an accumulation counts: those since the (latest) jenjang was reached."""
        start = 0
        for i, line in enumerate(self.lines):
            if line.jenjang != self.jenjang:
                start = i + 1
        return self.lines[start:]

    @property
    def total(self) -> Decimal:
        """Sum of the counted lines' printed (rounded) figures."""
        return sum((line.value for line in self.counted), Decimal(0))


def ak_text(value, lang: str = "id") -> str:
    """An angka kredit as papers print it: ``3,125`` (always the data file's decimals)."""
    return number(float(value), lang, decimals=ak_data().decimals)


def convert(predikat: str, jenjang: str, months: int, *, period: Period,
            source: str = "", data: AkData | None = None) -> Conversion:
    """One conversion line; ``predikat`` and ``jenjang`` must be canonical (KeyError else)."""
    data = data or ak_data()
    percent = data.percent[predikat].value
    koefisien = data.jenjang[jenjang].koefisien.value
    exact = percent * koefisien * Fraction(months, 12)
    return Conversion(period, predikat, jenjang, percent, koefisien, months, exact,
                      data.round(exact), source)


#: why a report row has no valid predikat (consolidate's statuses), in English
STATUS_EN = {"tidak valid": "invalid", "belum mengumpulkan": "not submitted",
             "predikat kosong": "no predikat"}


def periods(period: Period, key: str = "period") -> dict[str, str]:
    """Message parameters naming ``period`` in both languages (``TRIWULAN III 2025``)."""
    return {key: period.heading("id"), f"{key}_en": period.heading("en")}


def month_text(months, lang: str = "id") -> str:
    """Months ``{(2025, 7), (2025, 8), ...}`` as text: ``Juli – September 2025``, runs of
    consecutive months joined by commas."""
    names = MONTHS_EN if lang == "en" else BULAN
    runs: list[list[tuple[int, int]]] = []
    for ym in sorted(months):
        if runs and _next_month(runs[-1][-1]) == ym:
            runs[-1].append(ym)
        else:
            runs.append([ym])
    out = []
    for run in runs:
        (y1, m1), (y2, m2) = run[0], run[-1]
        if run[0] == run[-1]:
            out.append(f"{names[m1 - 1]} {y1}")
        elif y1 == y2:
            out.append(f"{names[m1 - 1]} – {names[m2 - 1]} {y2}")
        else:
            out.append(f"{names[m1 - 1]} {y1} – {names[m2 - 1]} {y2}")
    return ", ".join(out)


def _next_month(ym: tuple[int, int]) -> tuple[int, int]:
    return (ym[0] + 1, 1) if ym[1] == 12 else (ym[0], ym[1] + 1)


def _months(period: Period) -> set[tuple[int, int]]:
    out, year, month = set(), period.start.year, period.start.month
    while (year, month) <= (period.end.year, period.end.month):
        out.add((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def convert_employee(nip: str, nama: str, evaluations, *,
                     data: AkData | None = None) -> EmployeeAk:
    """Every evaluation of one employee converted, in period order; problems beside.

    An evaluation without a valid predikat, or with an unknown or missing jenjang, gives a
    problem and no line. Two evaluations whose months overlap give one problem and neither
    line (never a silent choice between them).
    """
    data = data or ak_data()
    result = EmployeeAk(nip, nama)
    who = {"nip": nip, "nama": nama}
    usable: list[Evaluation] = []
    for ev in sorted(evaluations, key=lambda e: (e.period.start, e.period.end, e.source)):
        where = {**who, **periods(ev.period)}
        jenjang = normalize_jenjang(ev.jenjang or "")
        if not ev.predikat or ev.predikat not in data.percent:
            status = ev.status or "predikat kosong"
            result.problems.append(Problem("ak.predikat_missing", {
                **where, "status": status, "status_en": STATUS_EN.get(status, status)}))
        elif not jenjang:
            code = "ak.jenjang_missing" if jenjang == "" else "ak.jenjang_unknown"
            result.problems.append(Problem(code, {**where, "value": ev.jenjang,
                                                  "accepted": ", ".join(data.jenjang)}))
        elif not 0 < ev.month_count <= ev.period.months:
            result.problems.append(Problem("ak.months_invalid", {
                **where, "months": ev.month_count, "limit": ev.period.months}))
        else:
            usable.append(ev)
    refused: set[int] = set()
    for group in _overlapping(usable):
        refused |= set(group)
        result.problems.append(_overlap_problem([usable[i] for i in group], who))
    for i, ev in enumerate(usable):
        if i not in refused:
            result.lines.append(convert(ev.predikat, normalize_jenjang(ev.jenjang), ev.month_count,
                                        period=ev.period, source=ev.source, data=data))
    if len(result.counted) < len(result.lines):
        old = result.lines[len(result.lines) - len(result.counted) - 1]
        first_new = result.counted[0]
        result.problems.append(Problem("ak.jenjang_changed", {
            **who, "old": old.jenjang, "new": result.jenjang,
            **periods(first_new.period)}))
    return result


def _overlapping(evaluations: list[Evaluation]) -> list[list[int]]:
    """Groups (indexes) of evaluations linked by shared months; single ones left out."""
    parent = list(range(len(evaluations)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i
    months = [_months(ev.period) for ev in evaluations]
    for i in range(len(evaluations)):
        for j in range(i + 1, len(evaluations)):
            if months[i] & months[j]:
                parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(evaluations)):
        groups.setdefault(root(i), []).append(i)
    return [g for g in groups.values() if len(g) > 1]


def _overlap_problem(group: list[Evaluation], who: dict) -> Problem:
    """One problem for evaluations that share months: the same period twice, or a longer
    conversion (the year) against the shorter ones inside it."""
    if all(ev.period == group[0].period for ev in group):
        return Problem("ak.period_twice", {
            **who, **periods(group[0].period), "first_source": group[0].source or "?",
            "second_source": ", ".join(ev.source or "?" for ev in group[1:])})
    longest = max(group, key=lambda ev: (ev.period.months, -ev.period.start.toordinal()))
    others = [ev for ev in group if ev is not longest]
    shared = _months(longest.period) & set().union(*(_months(ev.period) for ev in others))
    return Problem("ak.double_count", {
        **who, **periods(longest.period, "first"), "first_source": longest.source or "?",
        "second": ", ".join(ev.period.heading("id") for ev in others),
        "second_en": ", ".join(ev.period.heading("en") for ev in others),
        "second_source": ", ".join(ev.source or "?" for ev in others),
        "months": month_text(shared), "months_en": month_text(shared, "en")})


# --- what is still needed ------------------------------------------------------------------

def golongan_of(pangkat: str | None) -> str | None:
    """``Penata Muda (III/a)`` -> ``III/a``; ``None`` when the text names no golongan ruang."""
    found = _GOLONGAN.findall(pangkat or "")
    if not found:
        return None
    roman, letter = found[-1]
    return f"{roman}/{letter.lower()}"


@dataclass(frozen=True)
class Requirements:
    """Cumulative angka kredit needed from where an employee stands.

    ``pangkat`` is the figure for the next pangkat (``next_golongan``), ``None`` with
    ``pangkat_reason``: ``top`` (the highest pangkat of the track), ``golongan_unknown``,
    ``golongan_outside``, ``pppk`` (no pangkat), ``unknown`` (not in the data).
    ``pangkat_with_jenjang`` marks a next pangkat that only comes with the kenaikan jenjang.
    ``jenjang`` is the figure for ``next_jenjang``; ``None`` at the top jenjang or unknown.
    """

    jenjang_name: str
    golongan: str | None
    pangkat: Fraction | None
    next_golongan: str | None
    pangkat_reason: str
    pangkat_with_jenjang: bool
    jenjang: Fraction | None
    next_jenjang: str | None
    notes: tuple[str, ...] = ()     # sources of low confidence behind these figures


def requirements(jenjang: str, golongan: str | None, *, pppk: bool = False,
                 data: AkData | None = None) -> Requirements:
    """The requirements for ``jenjang`` (canonical) at ``golongan`` (see the data file)."""
    data = data or ak_data()
    rule = data.jenjang[jenjang]
    step = rule.ak_pangkat.value
    need_jenjang = rule.ak_jenjang.value
    notes = tuple(f"{what} {jenjang}: {s.source}" for what, s in (
        ("koefisien", rule.koefisien), ("kebutuhan angka kredit", rule.ak_pangkat))
        if s.confidence == "low")
    base = dict(jenjang_name=jenjang, golongan=golongan, jenjang=need_jenjang,
                next_jenjang=rule.berikutnya, notes=notes)
    if pppk:
        return Requirements(**base, pangkat=None, next_golongan=None, pangkat_reason="pppk",
                            pangkat_with_jenjang=False)
    if golongan is None or golongan not in rule.golongan:
        reason = "golongan_unknown" if golongan is None else "golongan_outside"
        return Requirements(**base, pangkat=None, next_golongan=None, pangkat_reason=reason,
                            pangkat_with_jenjang=False)
    position = rule.golongan.index(golongan)
    order = list(data.pangkat)
    following = order[order.index(golongan) + 1] if golongan != order[-1] else None
    if position + 1 < len(rule.golongan):
        if step is None:
            return Requirements(**base, pangkat=None, next_golongan=following,
                                pangkat_reason="unknown", pangkat_with_jenjang=False)
        return Requirements(**base, pangkat=step * (position + 1), next_golongan=following,
                            pangkat_reason="", pangkat_with_jenjang=False)
    if rule.berikutnya is None:   # the top golongan of the top jenjang of its track
        return Requirements(**base, pangkat=None, next_golongan=None, pangkat_reason="top",
                            pangkat_with_jenjang=False)
    return Requirements(**base, pangkat=need_jenjang, next_golongan=following,
                        pangkat_reason="" if need_jenjang is not None else "unknown",
                        pangkat_with_jenjang=True)


@dataclass(frozen=True)
class Progress:
    """Cumulative angka kredit against the requirements: the akumulasi and the PAK."""

    awal: Decimal
    konversi: Decimal
    needs: Requirements

    @property
    def total(self) -> Decimal:
        return self.awal + self.konversi

    def gap(self, need: Fraction | None) -> Decimal | None:
        """Kelebihan (>= 0) or kekurangan (< 0) against ``need``; None when unknown."""
        if need is None:
            return None
        return self.total - Decimal(need.numerator) / Decimal(need.denominator)

    @property
    def pangkat_gap(self) -> Decimal | None:
        return self.gap(self.needs.pangkat)

    @property
    def jenjang_gap(self) -> Decimal | None:
        return self.gap(self.needs.jenjang)

    @property
    def eligible(self) -> str:
        """``jenjang``, ``pangkat`` or ``""``: what the angka kredit suffice for."""
        if self.jenjang_gap is not None and self.jenjang_gap >= 0 and self.needs.next_jenjang:
            return "jenjang"
        if self.pangkat_gap is not None and self.pangkat_gap >= 0:
            return "pangkat"
        return ""

    def to_dict(self) -> dict:
        n = self.needs

        def num(value):
            return None if value is None else float(value)
        return {"ak_awal": float(self.awal), "ak_konversi": float(self.konversi),
                "ak_kumulatif": float(self.total), "golongan": n.golongan,
                "kenaikan_pangkat": {"golongan": n.next_golongan, "ak_minimal": num(n.pangkat),
                                     "selisih": num(self.pangkat_gap),
                                     "dengan_kenaikan_jenjang": n.pangkat_with_jenjang,
                                     "alasan_kosong": n.pangkat_reason or None},
                "kenaikan_jenjang": {"jenjang": n.next_jenjang, "ak_minimal": num(n.jenjang),
                                     "selisih": num(self.jenjang_gap)},
                "memenuhi": self.eligible or None}


def requirement_problems(needs: Requirements, who: dict, pangkat_text: str | None,
                         data: AkData | None = None) -> list[Problem]:
    """The problems to report when a requirement could not be computed."""
    data = data or ak_data()
    reason = needs.pangkat_reason
    out = []
    if reason == "golongan_unknown":
        out.append(Problem("ak.golongan_unknown", {**who, "value": pangkat_text or ""}))
    elif reason == "golongan_outside":
        grades = data.jenjang[needs.jenjang_name].golongan
        out.append(Problem("ak.golongan_outside", {
            **who, "golongan": needs.golongan, "jenjang": needs.jenjang_name,
            "range": grades[0] if len(grades) == 1 else f"{grades[0]}–{grades[-1]}"}))
    elif reason == "unknown":
        out.append(Problem("ak.requirement_unknown", {**who, "what": "pangkat",
                                                      "what_en": "pangkat",
                                                      "jenjang": needs.jenjang_name}))
    if needs.next_jenjang and needs.jenjang is None:
        out.append(Problem("ak.requirement_unknown", {**who, "what": "jenjang",
                                                      "what_en": "jenjang",
                                                      "jenjang": needs.jenjang_name}))
    return out
