"""Angka kredit to the decimal: every figure recomputed here from the rules, independently.

The tables below are written out from the regulation (PermenPANRB 1/2023 Pasal 37 and its
Lampiran, PerBKN 3/2023, BKN's technical material; sources in skpxl/data/angka_kredit.toml)
and the arithmetic is this file's own (integers and Decimal, half-up at 3 decimals): nothing
expected is taken from skpxl. Random employees (jenjang, months, predikat) are converted by
the code and by this file, and must agree to the last printed decimal.
"""

from __future__ import annotations

import copy
import random
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest

from skpxl import akdata, domain
from skpxl.akrules import (Evaluation, Progress, ak_text, convert, convert_employee,
                           golongan_of, requirement_problems, requirements)
from skpxl.periods import parse_period

#: predikat -> percent of the annual coefficient (PermenPANRB 1/2023 Pasal 37)
PERCENT = {"Sangat Baik": 150, "Baik": 100, "Butuh Perbaikan": 75, "Kurang/Misconduct": 50,
           "Sangat Kurang": 25}
#: jenjang -> annual coefficient, in hundredths (PermenPANRB 1/2023 Lampiran)
KOEF_CENTS = {"Pemula": 375, "Terampil": 500, "Mahir": 1250, "Penyelia": 2500,
              "Ahli Pertama": 1250, "Ahli Muda": 2500, "Ahli Madya": 3750, "Ahli Utama": 5000}
#: jenjang -> (golongan ruang, AK per kenaikan pangkat, AK for the kenaikan jenjang, next)
LADDER = {
    "Pemula": (("II/a",), 15, 15, "Terampil"),
    "Terampil": (("II/b", "II/c", "II/d"), 20, 60, "Mahir"),
    "Mahir": (("III/a", "III/b"), 50, 100, "Penyelia"),
    "Penyelia": (("III/c", "III/d"), 100, None, None),
    "Ahli Pertama": (("III/a", "III/b"), 50, 100, "Ahli Muda"),
    "Ahli Muda": (("III/c", "III/d"), 100, 200, "Ahli Madya"),
    "Ahli Madya": (("IV/a", "IV/b", "IV/c"), 150, 450, "Ahli Utama"),
    "Ahli Utama": (("IV/d", "IV/e"), 200, None, None),
}
GOLONGAN = ("II/a", "II/b", "II/c", "II/d", "III/a", "III/b", "III/c", "III/d", "IV/a", "IV/b",
            "IV/c", "IV/d", "IV/e")
PERIOD_MONTHS = {"2025-Q1": 3, "2025-Q2": 3, "2025-Q3": 3, "2025-Q4": 3, "2025": 12,
                 **{f"2025-{m:02d}": 1 for m in range(1, 13)}}


def expected_ak(predikat: str, jenjang: str, months: int) -> Decimal:
    """percent x coefficient x months / 12, exact in integers, then 3 decimals half-up."""
    numerator = PERCENT[predikat] * KOEF_CENTS[jenjang] * months      # /100 /100 /12
    exact = Decimal(numerator) / Decimal(100 * 100 * 12)
    return exact.quantize(Decimal("0.001"), ROUND_HALF_UP)


def expected_need(jenjang: str, golongan: str) -> tuple[int | None, str | None, int | None]:
    """(AK for the next pangkat, that golongan, AK for the next jenjang) from LADDER."""
    grades, step, jump, nxt = LADDER[jenjang]
    k = grades.index(golongan)
    following = GOLONGAN[GOLONGAN.index(golongan) + 1] if golongan != "IV/e" else None
    if k + 1 < len(grades):
        return step * (k + 1), following, jump
    if nxt is None:
        return None, None, jump
    return jump, following, jump


# --- the worked examples --------------------------------------------------------------------

def test_two_months_baik_as_ahli_pertama_is_2_083():
    """skp.md section 5 and BKN's slide (which prints it to two decimals: 2,08)."""
    line = convert("Baik", "Ahli Pertama", 2, period=parse_period("2025-02"))
    assert line.value == Decimal("2.083")
    assert ak_text(line.value) == "2,083"
    assert domain.angka_kredit("Baik", "Ahli Pertama", 2) == 2.083


def test_a_year_sangat_baik_as_ahli_pertama_is_18_75():
    line = convert("Sangat Baik", "Ahli Pertama", 12, period=parse_period("2025"))
    assert line.value == Decimal("18.75")
    assert ak_text(line.value) == "18,750"
    assert domain.angka_kredit("Sangat Baik", "Ahli Pertama", 12) == 18.75


def test_bkn_accumulation_example_adds_up():
    """BKN's 'tabel akumulasi': a year Sangat Baik (18,75) then January-February 2024 Baik
    (2,08 at two decimals, 2,083 at three) as Ahli Pertama."""
    evaluations = [Evaluation(parse_period("2023"), "Sangat Baik", "Ahli Pertama", "a"),
                   Evaluation(parse_period("2024-01"), "Baik", "Ahli Pertama", "b"),
                   Evaluation(parse_period("2024-02"), "Baik", "Ahli Pertama", "c")]
    result = convert_employee("1", "X", evaluations)
    assert [line.value for line in result.lines] == [Decimal("18.750"), Decimal("1.042"),
                                                      Decimal("1.042")]
    assert result.total == Decimal("20.834")   # the sum of the printed figures


def test_exact_halves_round_up_as_excel_does():
    """12,5 x 50 % x 3/12 = 1,5625 prints 1,563 (ROUND in Excel), not 1,562 (half-even)."""
    assert convert("Kurang/Misconduct", "Ahli Pertama", 3,
                   period=parse_period("2025-Q1")).value == Decimal("1.563")
    assert domain.angka_kredit("Kurang/Misconduct", "Ahli Pertama", 3) == 1.563


# --- random employees -----------------------------------------------------------------------

def random_employees(seed: int, count: int):
    rng = random.Random(seed)
    for _ in range(count):
        jenjang = rng.choice(list(KOEF_CENTS))
        kode = rng.choice(list(PERIOD_MONTHS))
        months = rng.randint(1, PERIOD_MONTHS[kode])   # someone who joined mid-period
        yield rng.choice(list(PERCENT)), jenjang, kode, months


@pytest.mark.parametrize("seed", range(5))
def test_random_conversions_agree_to_the_decimal(seed):
    for predikat, jenjang, kode, months in random_employees(seed, 400):
        expected = expected_ak(predikat, jenjang, months)
        line = convert(predikat, jenjang, months, period=parse_period(kode))
        assert line.value == expected, (predikat, jenjang, months)
        assert line.exact == Fraction(PERCENT[predikat] * KOEF_CENTS[jenjang] * months,
                                      100 * 100 * 12)
        assert Decimal(str(domain.angka_kredit(predikat, jenjang, months))) == expected
        assert ak_text(line.value) == f"{expected:.3f}".replace(".", ",")


@pytest.mark.parametrize("seed", range(3))
def test_random_years_of_quarters_accumulate_to_the_decimal(seed):
    """Four quarters (each with its own predikat) of random employees, from an AK awal:
    every line, the sum and the kelebihan/kekurangan against the requirements."""
    rng = random.Random(100 + seed)
    for _ in range(100):
        jenjang = rng.choice(list(KOEF_CENTS))
        golongan = rng.choice(LADDER[jenjang][0])
        predikat = [rng.choice(list(PERCENT)) for _ in range(4)]
        awal = Decimal(rng.randint(0, 400_000)) / 1000
        evaluations = [Evaluation(parse_period(f"2025-Q{q}"), predikat[q - 1], jenjang, f"q{q}")
                       for q in range(1, 5)]
        result = convert_employee("1", "X", evaluations)
        lines = [expected_ak(p, jenjang, 3) for p in predikat]
        assert [line.value for line in result.lines] == lines
        assert result.total == sum(lines)
        progress = Progress(awal, result.total, requirements(jenjang, golongan))
        need_pangkat, next_golongan, need_jenjang = expected_need(jenjang, golongan)
        assert progress.total == awal + sum(lines)
        assert progress.needs.next_golongan == next_golongan
        assert progress.pangkat_gap == (None if need_pangkat is None
                                        else awal + sum(lines) - need_pangkat)
        assert progress.jenjang_gap == (None if need_jenjang is None
                                        else awal + sum(lines) - need_jenjang)


# --- requirements ---------------------------------------------------------------------------

@pytest.mark.parametrize("jenjang", list(LADDER))
def test_requirements_at_every_golongan_of_every_jenjang(jenjang):
    for golongan in LADDER[jenjang][0]:
        need = requirements(jenjang, golongan)
        pangkat, following, jump = expected_need(jenjang, golongan)
        assert need.pangkat == pangkat and need.next_golongan == following
        assert need.jenjang == jump and need.next_jenjang == LADDER[jenjang][3]
        top = golongan == LADDER[jenjang][0][-1]
        assert need.pangkat_with_jenjang == (top and LADDER[jenjang][3] is not None)


def test_top_pangkat_and_unknown_golongan_are_said_not_zero():
    assert requirements("Ahli Utama", "IV/e").pangkat_reason == "top"
    unknown = requirements("Ahli Muda", None)
    assert unknown.pangkat is None and unknown.pangkat_reason == "golongan_unknown"
    outside = requirements("Ahli Pertama", "IV/a")
    assert outside.pangkat is None and outside.pangkat_reason == "golongan_outside"
    assert requirements("Ahli Muda", "III/c", pppk=True).pangkat_reason == "pppk"
    who = {"nip": "1", "nama": "X"}
    assert [p.code for p in requirement_problems(unknown, who, "Penata")] == \
        ["ak.golongan_unknown"]
    assert [p.code for p in requirement_problems(outside, who, "Pembina (IV/a)")] == \
        ["ak.golongan_outside"]


@pytest.mark.parametrize("text,golongan", [
    ("Penata Muda (III/a)", "III/a"), ("Penata Muda Tk. I (III/b)", "III/b"),
    ("Pembina tk 1 / IVb", "IV/b"), ("III/c", "III/c"), ("Pengatur, II/D", "II/d"),
    ("Penata Muda", None), ("", None), (None, None), ("IX", None)])
def test_golongan_read_from_the_pangkat_as_written(text, golongan):
    assert golongan_of(text) == golongan


# --- the data file ------------------------------------------------------------------------

def test_the_data_file_is_the_one_source_and_says_where_each_value_comes_from():
    data = akdata.ak_data()
    assert {k: s.value * 100 for k, s in data.percent.items()} == PERCENT
    assert {k: j.koefisien.value * 100 for k, j in data.jenjang.items()} == KOEF_CENTS
    assert domain.AK_PERCENT == {k: Fraction(v, 100) for k, v in PERCENT.items()}
    assert domain.AK_COEFFICIENT == {k: Fraction(v, 100) for k, v in KOEF_CENTS.items()}
    assert list(domain.AK_COEFFICIENT) == list(KOEF_CENTS)   # the roster lists them so
    for jenjang, (grades, step, jump, nxt) in LADDER.items():
        rule = data.jenjang[jenjang]
        assert (rule.golongan, rule.ak_pangkat.value, rule.ak_jenjang.value, rule.berikutnya) \
            == (grades, step, jump, nxt)
    sourced = [*data.percent.values(), *(j.koefisien for j in data.jenjang.values()),
               *(j.ak_pangkat for j in data.jenjang.values()), data.rounding]
    assert all(s.source.strip() and s.confidence in ("high", "medium", "low") for s in sourced)
    assert data.decimals == 3 and data.rounding.value == "half-up"
    assert list(data.pangkat) == list(GOLONGAN)


def _parsed_without(path: list[str]) -> akdata.AkData:
    raw = akdata._toml().loads(akdata.DATA_FILE.read_text("utf-8"))
    changed = copy.deepcopy(raw)
    table = changed
    for key in path[:-1]:
        table = table[key]
    del table[path[-1]]
    return akdata.parse(changed)


def test_a_requirement_left_out_of_the_data_is_a_problem_not_a_zero():
    data = _parsed_without(["jenjang", "Ahli Muda", "ak_jenjang"])
    need = requirements("Ahli Muda", "III/c", data=data)
    assert need.jenjang is None and need.pangkat == 100
    problems = requirement_problems(need, {"nip": "1", "nama": "X"}, "Penata (III/c)", data=data)
    assert [p.code for p in problems] == ["ak.requirement_unknown"]
    progress = Progress(Decimal(150), Decimal(0), need)
    assert progress.jenjang_gap is None and progress.eligible == "pangkat"


def test_a_coefficient_left_out_of_the_data_file_is_refused_when_loading():
    with pytest.raises(akdata.AkDataError):
        _parsed_without(["jenjang", "Ahli Muda", "koefisien"])


# --- bad input and double counting ----------------------------------------------------------

def test_annual_and_periodic_conversions_of_the_same_months_never_both_count():
    evaluations = [Evaluation(parse_period("2025"), "Baik", "Ahli Muda", "tahunan.xlsx"),
                   Evaluation(parse_period("2025-Q2"), "Baik", "Ahli Muda", "tw2.xlsx"),
                   Evaluation(parse_period("2025-Q4"), "Baik", "Ahli Muda", "tw4.xlsx"),
                   Evaluation(parse_period("2026-Q1"), "Baik", "Ahli Muda", "2026.xlsx")]
    result = convert_employee("1", "X", evaluations)
    assert [line.period.kode for line in result.lines] == ["2026-Q1"]
    [problem] = result.problems
    assert problem.code == "ak.double_count"
    text = problem.message()
    for word in ("TAHUN 2025", "TRIWULAN II 2025", "TRIWULAN IV 2025", "tahunan.xlsx",
                 "tw4.xlsx", "April – Juni 2025", "Oktober – Desember 2025"):
        assert word in text
    assert "QUARTER II 2025" in problem.message("en")


def test_one_period_from_two_sources_is_refused():
    evaluations = [Evaluation(parse_period("2025-Q3"), "Baik", "Ahli Muda", "a.xlsx"),
                   Evaluation(parse_period("2025-Q3"), "Baik", "Ahli Muda", "b.xlsx")]
    result = convert_employee("1", "X", evaluations)
    assert not result.lines
    assert [p.code for p in result.problems] == ["ak.period_twice"]


def test_each_bad_evaluation_is_named_and_the_others_convert():
    evaluations = [Evaluation(parse_period("2025-Q1"), "Baik", "Ahli Super", "q1"),
                   Evaluation(parse_period("2025-Q2"), None, "Ahli Muda", "q2",
                              status="belum mengumpulkan"),
                   Evaluation(parse_period("2025-Q3"), "Baik", "", "q3"),
                   Evaluation(parse_period("2025-Q4"), "Sangat Baik", "ahli muda", "q4")]
    result = convert_employee("1", "X", evaluations)
    assert [(line.period.kode, line.value) for line in result.lines] == \
        [("2025-Q4", expected_ak("Sangat Baik", "Ahli Muda", 3))]
    assert [p.code for p in result.problems] == ["ak.jenjang_unknown", "ak.predikat_missing",
                                                 "ak.jenjang_missing"]
    assert "Ahli Super" in result.problems[0].message()
    assert "not submitted" in result.problems[1].message("en")


def test_each_quarter_converts_at_its_own_jenjang_and_the_accumulation_starts_anew():
    evaluations = [Evaluation(parse_period(f"2025-Q{q}"), "Baik", j, f"q{q}")
                   for q, j in ((1, "Ahli Pertama"), (2, "Ahli Pertama"), (3, "Ahli Muda"),
                                (4, "Ahli Muda"))]
    result = convert_employee("1", "X", evaluations)
    assert [line.value for line in result.lines] == [
        expected_ak("Baik", "Ahli Pertama", 3)] * 2 + [expected_ak("Baik", "Ahli Muda", 3)] * 2
    assert [line.period.kode for line in result.counted] == ["2025-Q3", "2025-Q4"]
    assert result.total == 2 * expected_ak("Baik", "Ahli Muda", 3)
    assert [p.code for p in result.problems] == ["ak.jenjang_changed"]


def test_months_beyond_the_period_are_refused():
    result = convert_employee("1", "X", [Evaluation(parse_period("2025-Q1"), "Baik",
                                                    "Ahli Muda", "q1", months=4)])
    assert not result.lines and [p.code for p in result.problems] == ["ak.months_invalid"]


def test_no_problem_code_is_left_without_both_languages():
    import skpxl.angkakredit  # noqa: F401 - declares the problems of the inputs too
    from skpxl.problems import CATALOG
    codes = [c for c in CATALOG if c.startswith("ak.")]
    assert len(codes) >= 20
    for code in codes:
        assert CATALOG[code].id.strip() and CATALOG[code].en.strip()
        assert CATALOG[code].id != CATALOG[code].en

