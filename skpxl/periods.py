"""Assessment periods: ``YYYY-Q1..Q4`` (triwulan), ``YYYY`` (tahunan), ``YYYY-MM`` (bulanan)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from .errors import UsageError
from .textfmt import BULAN, MONTHS_EN, date_range, long_date

ROMAN = ("I", "II", "III", "IV")


def format_date_id(day: date, *, upper: bool = False) -> str:
    """``1 Juli 2025`` (``1 JULI 2025`` with ``upper``)."""
    return long_date(day, upper=upper)


@dataclass(frozen=True)
class Period:
    """One assessment period; ``kode`` is its canonical code (``2025-Q3``)."""

    kode: str
    kind: str  # "triwulan" | "tahunan" | "bulanan"
    year: int
    number: int  # quarter 1-4, month 1-12, or 0 for the year
    start: date
    end: date

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    @property
    def label(self) -> str:
        """Label as printed on the forms: ``TRIWULAN III``, ``TAHUNAN``, ``JULI``."""
        if self.kind == "triwulan":
            return f"TRIWULAN {ROMAN[self.number - 1]}" + ("-AKHIR" if self.number == 4 else "")
        if self.kind == "bulanan":
            return BULAN[self.number - 1].upper()
        return "TAHUNAN"

    def heading(self, lang: str = "id") -> str:
        """The period with its year, as a paper's header names it: ``TRIWULAN III 2025``,
        ``TAHUN 2025``, ``JULI 2025`` (``QUARTER III 2025``, ``YEAR 2025``, ``JULY 2025``)."""
        if lang == "en":
            if self.kind == "triwulan":
                return f"QUARTER {ROMAN[self.number - 1]} {self.year}"
            if self.kind == "bulanan":
                return f"{MONTHS_EN[self.number - 1].upper()} {self.year}"
            return f"YEAR {self.year}"
        if self.kind == "triwulan":
            return f"TRIWULAN {ROMAN[self.number - 1]} {self.year}"
        if self.kind == "bulanan":
            return f"{BULAN[self.number - 1].upper()} {self.year}"
        return f"TAHUN {self.year}"

    def dates(self, lang: str = "id") -> str:
        """``1 Juli – 30 September 2025``."""
        return date_range(self.start, self.end, lang)

    @property
    def range_text(self) -> str:
        """``1 JULI 2025 SD 30 SEPTEMBER 2025``."""
        return f"{format_date_id(self.start, upper=True)} SD {format_date_id(self.end, upper=True)}"

    def to_dict(self) -> dict:
        return {"kode": self.kode, "jenis": self.kind, "mulai": self.start.isoformat(),
                "selesai": self.end.isoformat(), "label": self.label}


#: the codes themselves: ``2025`` and ``2025-07`` (quarters are read by :data:`_QUARTER`)
_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2}))?$")
#: a quarter as people write it, year first or last: ``2025-Q3``, ``2025q3``, ``2025-TW3``,
#: ``TW III 2025``, ``Triwulan 3 2025``, ``Q3-2025``, ``Triwulan III Tahun 2025``
_QNUM = r"(IV|I{1,3}|[1-4])"
_QUARTER = re.compile(rf"^(?:(\d{{4}})[\s-]*(?:Q|TW|TRIWULAN)[\s.-]*{_QNUM}"
                      rf"|(?:Q|TW|TRIWULAN)[\s.-]*{_QNUM}[\s,/-]+(?:TAHUN\s+)?(\d{{4}}))$")
#: a month by its name, Indonesian or English: ``Juli 2025``, ``Bulan Juli 2025``, ``July 2025``
_MONTH = re.compile(r"^(?:BULAN\s+)?([A-Z]+)[\s-]+(\d{4})$")
_MONTH_NUMBER = {name.upper(): number for names in (BULAN, MONTHS_EN)
                 for number, name in enumerate(names, start=1)}
_ROMAN_NUMBER = {numeral: number for number, numeral in enumerate(ROMAN, start=1)}


def _spelled(text: str) -> tuple[int, str, int] | None:
    """``(year, kind, number)`` of a quarter or a named month as people write it, else None."""
    match = _QUARTER.match(text)
    if match:
        year, numeral = (match.group(1), match.group(2)) if match.group(1) else (
            match.group(4), match.group(3))
        return int(year), "triwulan", _ROMAN_NUMBER.get(numeral) or int(numeral)
    match = _MONTH.match(text)
    if match and match.group(1) in _MONTH_NUMBER:
        return int(match.group(2)), "bulanan", _MONTH_NUMBER[match.group(1)]
    return None


def parse_period(text: str) -> Period:
    """Parse a period, as its code (``2025-Q3``, ``2025``, ``2025-07``) or as people write
    it (``TW III 2025``, ``Triwulan 3 2025``, ``2025-TW3``, ``Juli 2025``); the result's
    ``kode`` is the canonical code. Raise :class:`UsageError` with the accepted forms
    otherwise."""
    typed = str(text or "").strip().upper()
    spelled = _spelled(typed)
    match = None if spelled else _PATTERN.match(typed)
    if not (spelled or match):
        raise UsageError(
            f"Periode '{text}' tidak dikenali.",
            hint="Gunakan YYYY-Q1..YYYY-Q4 (triwulan), YYYY (tahunan) atau YYYY-MM (bulanan), "
                 "misalnya 2025-Q3 (juga boleh: 'TW III 2025', 'Triwulan 3 2025', 'Juli 2025').",
            en=f"Period '{text}' is not recognised.",
            hint_en="Use YYYY-Q1..YYYY-Q4 (quarter), YYYY (year) or YYYY-MM (month), for "
                    "example 2025-Q3 (also accepted: 'TW III 2025', 'Triwulan 3 2025', 'July 2025').")
    year = spelled[0] if spelled else int(match.group(1))
    if not 2000 <= year <= 2100:
        raise UsageError(f"Tahun periode '{year}' di luar rentang 2000-2100.",
                         en=f"Period year '{year}' is outside 2000-2100.")
    if spelled and spelled[1] == "triwulan":
        quarter = spelled[2]
        start = date(year, 3 * quarter - 2, 1)
        end_month = 3 * quarter
        end = date(year, end_month, calendar.monthrange(year, end_month)[1])
        return Period(f"{year}-Q{quarter}", "triwulan", year, quarter, start, end)
    if spelled or match.group(2):
        month = spelled[2] if spelled else int(match.group(2))
        if not 1 <= month <= 12:
            raise UsageError(f"Bulan '{match.group(2)}' pada periode '{text}' tidak ada (01-12).",
                             en=f"Month '{match.group(2)}' of period '{text}' does not exist "
                                f"(01-12).")
        end = date(year, month, calendar.monthrange(year, month)[1])
        return Period(f"{year}-{month:02d}", "bulanan", year, month, date(year, month, 1), end)
    return Period(str(year), "tahunan", year, 0, date(year, 1, 1), date(year, 12, 31))


def previous_period(period: Period) -> Period:
    """The period just before ``period`` of the same kind."""
    if period.kind == "triwulan":
        if period.number == 1:
            return parse_period(f"{period.year - 1}-Q4")
        return parse_period(f"{period.year}-Q{period.number - 1}")
    if period.kind == "bulanan":
        if period.number == 1:
            return parse_period(f"{period.year - 1}-12")
        return parse_period(f"{period.year}-{period.number - 1:02d}")
    return parse_period(str(period.year - 1))
