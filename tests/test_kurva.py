"""The distribution curve (SE MenPANRB 3/2023): each rule, with the numbers in the messages."""

from __future__ import annotations

from fractions import Fraction

import pytest

from skpxl.domain import (
    BAIK,
    BUTUH_PERBAIKAN,
    KURANG,
    PREDIKAT_ORGANISASI,
    SANGAT_BAIK,
    SANGAT_KURANG,
)
from skpxl.errors import UsageError
from skpxl.kurva import KURVA, Rule, check, normalize_org_predikat, percent


def counts(sb=0, b=0, bp=0, k=0, sk=0) -> dict[str, int]:
    return {SANGAT_BAIK: sb, BAIK: b, BUTUH_PERBAIKAN: bp, KURANG: k, SANGAT_KURANG: sk}


def test_every_organisation_predikat_has_rules():
    assert set(KURVA) == set(PREDIKAT_ORGANISASI)


@pytest.mark.parametrize("org,good", [
    ("Istimewa", counts(sb=6, b=3, bp=1)),
    ("Baik", counts(sb=2, b=7, bp=1)),
    ("Baik", counts(b=6, k=2, sk=2)),
    ("Butuh Perbaikan", counts(sb=1, b=2, bp=6, k=1)),
    ("Kurang", counts(sb=1, bp=1, k=6, sk=2)),
    ("Sangat Kurang", counts(b=3, bp=1, sk=6)),
])
def test_distributions_that_follow_the_curve(org, good):
    result = check(good, org)
    assert result.ok is True, result.messages
    assert result.org_predikat == org
    assert result.messages == [(f"Distribusi predikat 10 pegawai sesuai kurva untuk predikat "
                                f"organisasi {org}.")]


BREACHES = [
    ("Istimewa", counts(sb=8, b=2),
     ("Sangat Baik: 8 dari 10 pegawai (80%), melebihi batas paling banyak 70% "
      "(maksimal 7 pegawai).")),
    ("Istimewa", counts(sb=3, b=5, bp=2),
     "Sangat Baik (3 pegawai) bukan predikat terbanyak: Baik 5 pegawai."),
    ("Baik", counts(b=9, bp=1),
     "Baik: 9 dari 10 pegawai (90%), melebihi batas paling banyak 70% (maksimal 7 pegawai)."),
    ("Baik", counts(sb=3, b=7),
     ("Butuh Perbaikan dan/atau Kurang/Misconduct: tidak ada dari 10 pegawai; kurva untuk "
      "predikat organisasi Baik mensyaratkan minimal 1 pegawai.")),
    ("Butuh Perbaikan", counts(b=5, bp=5),
     ("Butuh Perbaikan: 5 dari 10 pegawai (50%), kurang dari batas paling sedikit 60% "
      "(minimal 6 pegawai).")),
    ("Butuh Perbaikan", counts(sb=2, bp=8),
     ("Sangat Baik: 2 dari 10 pegawai (20%), melebihi batas paling banyak 10% "
      "(maksimal 1 pegawai).")),
    ("Kurang", counts(b=4, k=6),
     ("Butuh Perbaikan: 0 dari 10 pegawai (0%), kurang dari batas paling sedikit 10% "
      "(minimal 1 pegawai).")),
    ("Sangat Kurang", counts(sb=1, k=2, sk=7),
     ("Sangat Baik: 1 dari 10 pegawai (10%); kurva untuk predikat organisasi Sangat Kurang "
      "tidak membolehkan Sangat Baik.")),
    ("Sangat Kurang", counts(b=4, sk=6),
     ("Kurang/Misconduct dan/atau Butuh Perbaikan: 0 dari 10 pegawai (0%), kurang dari batas "
      "paling sedikit 10% (minimal 1 pegawai).")),
]


@pytest.mark.parametrize("org,bad,expected", BREACHES)
def test_breaches_are_explained_with_numbers(org, bad, expected):
    result = check(bad, org)
    assert result.ok is False
    assert expected in result.messages


def test_english_messages_and_decimal_point():
    result = check(counts(sb=5, b=2), "Istimewa", lang="en")
    assert result.ok is False
    assert ("Sangat Baik: 5 of 7 employees (71.4%), above the maximum of 70% (at most 4 "
            "employees).") in result.messages
    assert any(m.startswith("Small unit (7 employees)") for m in result.messages)
    assert "71,4%" in check(counts(sb=5, b=2), "Istimewa").messages[0]


def test_without_organisation_predikat_there_is_no_verdict():
    result = check(counts(b=3), None)
    assert result.ok is None and result.org_predikat is None
    assert "--org-predikat" in result.messages[0]
    assert result.to_dict() == {"org_predikat": None, "ok": None,
                                "messages": result.messages}


def test_without_employees_there_is_no_verdict():
    result = check(counts(), "Baik")
    assert result.ok is None and result.org_predikat == "Baik"
    assert "Belum ada SKP sah" in result.messages[0]


def test_small_units_get_a_rounding_note():
    result = check(counts(b=2, bp=1), "Baik")
    assert result.ok is True
    assert result.messages[-1].startswith("Unit kecil (3 pegawai)")


def test_the_rule_table_is_configurable():
    lenient = {"Baik": (Rule((BAIK,), "max", Fraction(95, 100)),)}
    assert check(counts(b=9, sb=1), "Baik", rules=lenient).ok is True
    assert check(counts(b=9, sb=1), "Baik").ok is False


def test_organisation_predikat_is_read_in_any_case():
    assert normalize_org_predikat("butuh perbaikan") == "Butuh Perbaikan"
    assert normalize_org_predikat(" ISTIMEWA ") == "Istimewa"
    assert normalize_org_predikat(None) is None
    with pytest.raises(UsageError) as caught:
        normalize_org_predikat("Luar Biasa")
    assert "Istimewa" in caught.value.hint


def test_unknown_employee_predikat_is_a_programming_error():
    with pytest.raises(ValueError):
        check({"Cukup": 1}, "Baik")


def test_percent_formatting():
    assert percent(Fraction(1, 3)) == "33,3%"
    assert percent(Fraction(1, 3), "en") == "33.3%"
    assert percent(0.7) == "70%"


# --- each quota at its bound and one past it (SE MenPANRB 3/2023, skp.md section 4) --------

AT_THE_BOUND = [
    ("Istimewa", counts(sb=7, b=3)),                # Sangat Baik at most 70 %
    ("Istimewa", counts(sb=4, b=4, bp=2)),          # a tie for the most frequent is allowed
    ("Baik", counts(b=7, bp=3)),                    # Baik at most 70 %
    ("Baik", counts(sb=4, b=4, bp=2)),              # a tie for the most frequent is allowed
    ("Baik", counts(b=7, k=3)),                     # Butuh Perbaikan and/or Kurang: Kurang
    ("Butuh Perbaikan", counts(b=4, bp=6)),         # Butuh Perbaikan at least 60 %
    ("Butuh Perbaikan", counts(b=2, bp=5)),         # 5 of 7 (71 %)
    ("Butuh Perbaikan", counts(sb=1, bp=9)),        # Sangat Baik at most 10 %
    ("Kurang", counts(b=3, bp=1, k=6)),             # Kurang at least 60 %, BP at least 10 %
    ("Kurang", counts(sb=1, bp=2, k=7)),            # Sangat Baik at most 10 %
    ("Sangat Kurang", counts(b=3, k=1, sk=6)),      # SK at least 60 %, K and/or BP 10 %
    ("Sangat Kurang", counts(b=3, bp=1, sk=6)),
]


@pytest.mark.parametrize("org,good", AT_THE_BOUND)
def test_each_quota_holds_at_its_bound(org, good):
    result = check(good, org)
    assert result.ok is True, result.messages


PAST_THE_BOUND = [
    ("Istimewa", counts(sb=4, b=5, bp=1),
     "Sangat Baik (4 pegawai) bukan predikat terbanyak: Baik 5 pegawai."),
    ("Baik", counts(sb=4, b=3, bp=3),
     "Baik (3 pegawai) bukan predikat terbanyak: Sangat Baik 4 pegawai."),
    ("Baik", counts(b=8, bp=2),
     "Baik: 8 dari 10 pegawai (80%), melebihi batas paling banyak 70% (maksimal 7 pegawai)."),
    ("Butuh Perbaikan", counts(b=3, bp=4),
     ("Butuh Perbaikan: 4 dari 7 pegawai (57,1%), kurang dari batas paling sedikit 60% "
      "(minimal 5 pegawai).")),
    ("Kurang", counts(b=4, bp=1, k=5),
     ("Kurang/Misconduct: 5 dari 10 pegawai (50%), kurang dari batas paling sedikit 60% "
      "(minimal 6 pegawai).")),
    ("Kurang", counts(sb=2, bp=2, k=6),
     ("Sangat Baik: 2 dari 10 pegawai (20%), melebihi batas paling banyak 10% "
      "(maksimal 1 pegawai).")),
    ("Sangat Kurang", counts(b=4, k=1, sk=5),
     ("Sangat Kurang: 5 dari 10 pegawai (50%), kurang dari batas paling sedikit 60% "
      "(minimal 6 pegawai).")),
]


@pytest.mark.parametrize("org,bad,expected", PAST_THE_BOUND)
def test_each_quota_breaks_one_past_its_bound(org, bad, expected):
    result = check(bad, org)
    assert result.ok is False
    assert result.messages[0] == expected


def test_below_ten_employees_the_quota_is_called_coarse():
    assert check(counts(b=6, bp=3), "Baik").messages[-1].startswith("Unit kecil (9 pegawai)")
    assert not any(m.startswith("Unit kecil") for m in check(counts(b=7, bp=3), "Baik").messages)
