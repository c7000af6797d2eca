"""Indonesian number, percentage and date text for printed papers (PUEBI conventions)."""

from datetime import date, datetime, timezone

import pytest

from skpxl import textfmt
from skpxl.periods import parse_period


@pytest.mark.parametrize("value, lang, decimals, expected", [
    (1234.5, "id", None, "1.234,5"), (1234.5, "en", None, "1,234.5"),
    (2 / 12 * 12.5, "id", None, "2,083"), (18.75, "id", 2, "18,75"), (1500000, "id", None,
                                                                         "1.500.000"),
    (0, "id", None, "0"), (-0.0001, "id", 2, "0,00"), (None, "id", None, ""),
])
def test_number(value, lang, decimals, expected):
    assert textfmt.number(value, lang, decimals=decimals) == expected


@pytest.mark.parametrize("share, lang, expected", [
    (0.818181, "id", "81,8%"), (0.818181, "en", "81.8%"), (0.88, "id", "88%"), (1, "id", "100%"),
    (None, "id", ""),
])
def test_percent(share, lang, expected):
    assert textfmt.percent(share, lang) == expected


def test_dates_and_moments():
    assert textfmt.long_date(date(2026, 12, 6)) == "6 Desember 2026"
    assert textfmt.long_date(date(2026, 12, 6), "en") == "6 December 2026"
    assert textfmt.date_range(date(2025, 7, 1), date(2025, 9, 30)) == "1 Juli – 30 September 2025"
    assert textfmt.date_range(date(2024, 12, 1), date(2025, 1, 31), "en") == \
        "1 December 2024 – 31 January 2025"
    stamp = datetime(2026, 12, 6, 14, 29, tzinfo=timezone.utc).astimezone()
    local = stamp.astimezone()
    assert textfmt.moment(stamp) == f"{textfmt.long_date(local.date())} pukul {local:%H.%M}"
    assert textfmt.moment(stamp.isoformat(), "en").endswith(f" at {local:%H:%M}")
    assert textfmt.moment("not a time") == "not a time"


@pytest.mark.parametrize("code, heading, heading_en, dates", [
    ("2025-Q3", "TRIWULAN III 2025", "QUARTER III 2025", "1 Juli – 30 September 2025"),
    ("2025-Q4", "TRIWULAN IV 2025", "QUARTER IV 2025", "1 Oktober – 31 Desember 2025"),
    ("2025", "TAHUN 2025", "YEAR 2025", "1 Januari – 31 Desember 2025"),
    ("2024-02", "FEBRUARI 2024", "FEBRUARY 2024", "1 Februari – 29 Februari 2024"),
])
def test_period_heading_names_the_year(code, heading, heading_en, dates):
    period = parse_period(code)
    assert period.heading() == heading
    assert period.heading("en") == heading_en
    assert period.dates() == dates
