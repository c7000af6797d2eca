"""Assessment periods (skp.md section 1): dates, months, the period before, usage errors."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from regulation import QUARTERS_2025
from skpxl.cli import cli
from skpxl.errors import UsageError
from skpxl.periods import parse_period, previous_period


@pytest.mark.parametrize("quarter", [1, 2, 3, 4])
def test_quarters_are_the_regulation_s(quarter):
    period = parse_period(f"2025-Q{quarter}")
    assert (period.start, period.end) == QUARTERS_2025[quarter]
    assert (period.kode, period.kind, period.year, period.number, period.months) == (
        f"2025-Q{quarter}", "triwulan", 2025, quarter, 3)


@pytest.mark.parametrize("quarter,label", [(1, "TRIWULAN I"), (2, "TRIWULAN II"),
                                           (3, "TRIWULAN III"), (4, "TRIWULAN IV-AKHIR")])
def test_quarter_labels_as_the_forms_print_them(quarter, label):
    assert parse_period(f"2025-Q{quarter}").label == label


def test_a_year_is_the_whole_year():
    period = parse_period("2025")
    assert (period.kode, period.kind, period.start, period.end, period.months, period.label) == (
        "2025", "tahunan", date(2025, 1, 1), date(2025, 12, 31), 12, "TAHUNAN")


@pytest.mark.parametrize("code,start,end,label", [
    ("2025-01", date(2025, 1, 1), date(2025, 1, 31), "JANUARI"),
    ("2025-02", date(2025, 2, 1), date(2025, 2, 28), "FEBRUARI"),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "FEBRUARI"),
    ("2025-06", date(2025, 6, 1), date(2025, 6, 30), "JUNI"),
    ("2025-12", date(2025, 12, 1), date(2025, 12, 31), "DESEMBER")])
def test_months(code, start, end, label):
    period = parse_period(code)
    assert (period.kode, period.kind, period.start, period.end, period.months, period.label) == (
        code, "bulanan", start, end, 1, label)


@pytest.mark.parametrize("typed,kode", [("2025-q3", "2025-Q3"), (" 2025-Q3 ", "2025-Q3"),
                                        ("2025", "2025"), (2025, "2025"), ("2025-07", "2025-07")])
def test_accepted_spellings(typed, kode):
    assert parse_period(typed).kode == kode


#: how HR officers write periods (issue 18), with the code each one means
AS_PEOPLE_WRITE_THEM = [
    ("2025-TW3", "2025-Q3"), ("2025 TW 3", "2025-Q3"), ("2025-tw-iii", "2025-Q3"),
    ("TW III 2025", "2025-Q3"), ("TW3 2025", "2025-Q3"), ("tw.2 2025", "2025-Q2"),
    ("Triwulan 3 2025", "2025-Q3"), ("TRIWULAN III 2025", "2025-Q3"),
    ("Triwulan I Tahun 2026", "2026-Q1"), ("triwulan IV 2025", "2025-Q4"),
    ("Triwulan II 2025", "2025-Q2"), ("2025q3", "2025-Q3"), ("2025Q1", "2025-Q1"),
    ("2025 Q4", "2025-Q4"), ("Q3 2025", "2025-Q3"), ("Q3-2025", "2025-Q3"),
    ("Q2/2025", "2025-Q2"), ("Juli 2025", "2025-07"), ("JANUARI 2026", "2026-01"),
    ("Desember 2025", "2025-12"), ("Bulan Agustus 2025", "2025-08"), ("July 2025", "2025-07"),
    ("february 2024", "2024-02"), ("Mei 2025", "2025-05"), ("May 2025", "2025-05")]


@pytest.mark.parametrize("typed,kode", AS_PEOPLE_WRITE_THEM)
def test_periods_as_people_write_them(typed, kode):
    assert parse_period(typed).kode == kode


@pytest.mark.parametrize("typed,quarter", [("TW IV 2025", 4), ("Triwulan 1 2025", 1),
                                           ("2025-TW2", 2)])
def test_a_spelled_quarter_has_the_regulation_s_dates(typed, quarter):
    period = parse_period(typed)
    assert (period.start, period.end, period.kind) == (*QUARTERS_2025[quarter], "triwulan")


# --- the period before --------------------------------------------------------------------

@pytest.mark.parametrize("code,before", [
    ("2025-Q1", "2024-Q4"), ("2025-Q2", "2025-Q1"), ("2025-Q3", "2025-Q2"), ("2025-Q4", "2025-Q3"),
    ("2025-01", "2024-12"), ("2025-02", "2025-01"), ("2025-10", "2025-09"), ("2025-12", "2025-11"),
    ("2025", "2024"), ("2000-Q2", "2000-Q1")])
def test_previous_period(code, before):
    assert previous_period(parse_period(code)).kode == before


@pytest.mark.parametrize("code", ["2025-Q1", "2025-Q3", "2025-01", "2025-03", "2025"])
def test_the_period_before_ends_the_day_before(code):
    period = parse_period(code)
    before = previous_period(period)
    assert before.kind == period.kind
    assert (period.start - before.end).days == 1
    assert before.months == period.months


# --- usage errors: each kind, and its near miss -------------------------------------------

@pytest.mark.parametrize("typed", ["2025-Q5", "2025-Q0", "2025-1", "Q3-25", "2025/07", "25-Q3",
                                   "", None, "2025-Q3-01", "triwulan 3", "TW V 2025",
                                   "Triwulan IIII 2025", "TW3", "Juli", "Juli 25", "Julai 2025",
                                   "2025 Juli", "semester 1 2025"])
def test_unrecognised_period(typed):
    with pytest.raises(UsageError) as caught:
        parse_period(typed)
    assert caught.value.exit_code == 2
    assert caught.value.message == f"Periode '{typed}' tidak dikenali."
    assert "2025-Q3" in caught.value.hint and "YYYY-MM" in caught.value.hint
    assert caught.value.text("en")[0] == f"Period '{typed}' is not recognised."


@pytest.mark.parametrize("typed,year", [("1999", 1999), ("2101-Q1", 2101), ("1999-12", 1999)])
def test_year_out_of_range(typed, year):
    with pytest.raises(UsageError) as caught:
        parse_period(typed)
    assert caught.value.message == f"Tahun periode '{year}' di luar rentang 2000-2100."


@pytest.mark.parametrize("typed", ["2000", "2100-Q4", "2000-01"])
def test_year_near_miss_at_the_bounds(typed):
    assert parse_period(typed).year in (2000, 2100)


@pytest.mark.parametrize("typed,month", [("2025-00", "00"), ("2025-13", "13"), ("2025-99", "99")])
def test_month_that_does_not_exist(typed, month):
    with pytest.raises(UsageError) as caught:
        parse_period(typed)
    assert caught.value.message == f"Bulan '{month}' pada periode '{typed}' tidak ada (01-12)."
    assert caught.value.text("en")[0] == f"Month '{month}' of period '{typed}' does not exist (01-12)."


@pytest.mark.parametrize("typed", ["2025-01", "2025-12"])
def test_month_near_miss(typed):
    assert parse_period(typed).kind == "bulanan"


@pytest.mark.parametrize("typed", ["2025-00", "2025-Q5", "1999"])
def test_the_cli_answers_a_bad_period_with_a_usage_error(tmp_path, typed):
    result = CliRunner().invoke(cli, ["validate", str(tmp_path), "--period", typed])
    assert result.exit_code == 2, result.output
    assert f"'{typed}'" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("code,printed", [
    ("2025-Q3", "1 JULI 2025 SD 30 SEPTEMBER 2025"),   # the form's header, skp.md section 2
    ("2025-Q1", "1 JANUARI 2025 SD 31 MARET 2025"),
    ("2024-02", "1 FEBRUARI 2024 SD 29 FEBRUARI 2024"),
    ("2025", "1 JANUARI 2025 SD 31 DESEMBER 2025")])
def test_the_period_as_the_form_prints_it(code, printed):
    assert parse_period(code).range_text == printed
