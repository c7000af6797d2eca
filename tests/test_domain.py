"""Domain rules against the regulation's tables written out in ``tests/regulation.py``.

Every expected value here comes from the regulation (via the literal tables), never from
``skpxl.domain``'s own constants: a wrong cell or percentage in the code fails these tests.
"""

from __future__ import annotations

import pytest

from regulation import (
    AK_EXAMPLES,
    AK_YEAR,
    ASPEK,
    BERAKHLAK,
    DI_ATAS,
    DI_BAWAH,
    JENJANG,
    MATRIX,
    PERSPEKTIF,
    PREDIKAT,
    PREDIKAT_ORGANISASI,
    RATINGS,
    SESUAI,
    ak_close,
)
from skpxl import domain


@pytest.mark.parametrize("pair", list(MATRIX))
def test_each_matrix_pair_gives_the_regulation_predikat(pair):
    assert domain.predikat_for(*pair) == MATRIX[pair]


def test_the_matrix_has_exactly_the_nine_pairs():
    assert dict(domain.PREDIKAT_MATRIX) == MATRIX


def test_rows_are_hasil_kerja_and_columns_perilaku():
    """The one asymmetric corner: good work with bad behaviour is misconduct, not the
    other way round."""
    assert domain.predikat_for(DI_ATAS, DI_BAWAH) == "Kurang/Misconduct"
    assert domain.predikat_for(DI_BAWAH, DI_ATAS) == "Butuh Perbaikan"


def test_the_vocabulary_is_the_regulation_s():
    assert domain.RATINGS == RATINGS
    assert domain.PREDIKAT == PREDIKAT
    assert domain.ASPEK == ASPEK
    assert domain.PERSPEKTIF == PERSPEKTIF
    assert domain.PREDIKAT_ORGANISASI == PREDIKAT_ORGANISASI


@pytest.mark.parametrize("number", range(1, 8))
def test_berakhlak_value_and_indicators(number):
    """Each numbered PERILAKU KERJA row: the value, then its three indicators."""
    name, indicators = BERAKHLAK[number - 1]
    assert domain.BERAKHLAK[number - 1] == (name, indicators)
    assert domain.berakhlak_text(number - 1) == "\n".join([name, *(f"- {i}" for i in indicators)])


def test_berakhlak_has_exactly_seven_values():
    assert len(domain.BERAKHLAK) == 7


@pytest.mark.parametrize("typed,canonical", [("kuantitas", "Kuantitas"), (" WAKTU ", "Waktu"),
                                             ("biaya.", "Biaya")])
def test_choices_are_read_in_any_case(typed, canonical):
    assert domain.normalize_choice(typed, ASPEK) == canonical


def test_a_blank_choice_is_blank_and_an_unknown_one_none():
    assert domain.normalize_choice("  ", ASPEK) == "" and domain.normalize_choice(None, ASPEK) == ""
    assert domain.normalize_choice("Mutu", ASPEK) is None


# --- ratings and predikat as people type them (skp.md 3.3) ---------------------------------

RATING_SPELLINGS = [
    ("Di Atas Ekspektasi", DI_ATAS), ("Diatas", DI_ATAS), ("DI ATAS", DI_ATAS),
    ("diatas ekspektasi", DI_ATAS), ("DI ATAS *", DI_ATAS), ("  di   atas  ", DI_ATAS),
    ("Di Atas Ekspektasi.", DI_ATAS), ("atas", DI_ATAS),
    ("Sesuai Ekspektasi", SESUAI), ("sesuai", SESUAI), ("SESUAI*", SESUAI),
    ("Di Bawah Ekspektasi", DI_BAWAH), ("Dibawah", DI_BAWAH), ("dibawah ekspektasi", DI_BAWAH),
    ("di_bawah", DI_BAWAH), ("Di-Bawah", DI_BAWAH), ("bawah", DI_BAWAH),
]


@pytest.mark.parametrize("typed,canonical", RATING_SPELLINGS)
def test_rating_spellings_seen_in_the_wild(typed, canonical):
    assert domain.normalize_rating(typed) == canonical


@pytest.mark.parametrize("typed", ["Baik", "Sangat Baik", "Luar biasa", "Di", "ekspektasi", "1"])
def test_what_is_not_a_rating_stays_unrecognised(typed):
    assert domain.normalize_rating(typed) is None


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_a_blank_rating_is_blank_not_wrong(blank):
    assert domain.normalize_rating(blank) == ""
    assert domain.normalize_predikat(blank) == ""


PREDIKAT_SPELLINGS = [
    ("Sangat Baik", "Sangat Baik"), ("SANGAT BAIK", "Sangat Baik"), ("sangat  baik *", "Sangat Baik"),
    ("Baik", "Baik"), ("baik.", "Baik"),
    ("Butuh Perbaikan", "Butuh Perbaikan"), ("butuh_perbaikan", "Butuh Perbaikan"),
    ("Cukup", "Butuh Perbaikan"),   # the older word for Butuh Perbaikan, not for Baik
    ("Kurang/Misconduct", "Kurang/Misconduct"), ("Kurang / Misconduct", "Kurang/Misconduct"),
    ("KURANG/ MISCONDUCT", "Kurang/Misconduct"), ("Kurang", "Kurang/Misconduct"),
    ("Misconduct", "Kurang/Misconduct"), ("kurang misconduct", "Kurang/Misconduct"),
    ("Sangat Kurang", "Sangat Kurang"), ("sangat kurang", "Sangat Kurang"),
]


@pytest.mark.parametrize("typed,canonical", PREDIKAT_SPELLINGS)
def test_predikat_spellings_seen_in_the_wild(typed, canonical):
    assert domain.normalize_predikat(typed) == canonical


@pytest.mark.parametrize("typed", ["Istimewa", "Sedang", "Di Atas Ekspektasi", "Baik sekali"])
def test_what_is_not_a_predikat_stays_unrecognised(typed):
    assert domain.normalize_predikat(typed) is None


# --- angka kredit (PerBKN 3/2023) -------------------------------------------------------------

@pytest.mark.parametrize("predikat", PREDIKAT)
@pytest.mark.parametrize("jenjang", JENJANG)
def test_angka_kredit_for_a_year_is_percentage_times_coefficient(predikat, jenjang):
    expected = AK_YEAR[predikat][JENJANG.index(jenjang)]
    assert ak_close(domain.angka_kredit(predikat, jenjang, 12), expected)


@pytest.mark.parametrize("months", [1, 2, 3, 6, 9])
@pytest.mark.parametrize("predikat", PREDIKAT)
def test_angka_kredit_is_pro_rata_by_month(predikat, months):
    for jenjang in ("Terampil", "Ahli Muda"):
        expected = AK_YEAR[predikat][JENJANG.index(jenjang)] * months / 12
        assert ak_close(domain.angka_kredit(predikat, jenjang, months), expected)


@pytest.mark.parametrize("case", list(AK_EXAMPLES))
def test_angka_kredit_worked_examples(case):
    assert domain.angka_kredit(*case) == AK_EXAMPLES[case]


def test_angka_kredit_reads_the_jenjang_as_typed():
    assert domain.angka_kredit("Baik", "ahli  pertama", 2) == 2.083
    assert domain.angka_kredit("Baik", "AHLI MUDA", 3) == 6.25


@pytest.mark.parametrize("predikat,jenjang", [
    ("Baik", ""), ("Baik", "Pelaksana"), ("Baik", "Ahli"), ("Cukup", "Ahli Pertama"),
    ("", "Ahli Pertama"), ("Istimewa", "Ahli Muda")])
def test_no_angka_kredit_without_a_jenjang_and_a_canonical_predikat(predikat, jenjang):
    assert domain.angka_kredit(predikat, jenjang, 3) is None
