"""The distribution curve (kurva distribusi) of employee predikat, SE MenPANRB No. 3/2023.

The organisation's own predikat decides how its employees' predikat may be spread. The
quotas come from secondary sources and the circular says nothing about rounding for small
units, so the rules are a table (:data:`KURVA`, replaceable through ``rules=``) and a
breach is reported as a warning with the numbers, never as a verdict on a person::

    >>> check({"Baik": 6, "Butuh Perbaikan": 1}, "Baik").ok
    True

Pure functions; nothing here touches files.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import NamedTuple

from .domain import (
    BAIK,
    BUTUH_PERBAIKAN,
    KURANG,
    PREDIKAT,
    PREDIKAT_ORGANISASI,
    SANGAT_BAIK,
    SANGAT_KURANG,
    normalize_choice,
)
from .errors import UsageError

#: below this many employees a percentage quota is coarse; the report says so
SMALL_UNIT = 10


@dataclass(frozen=True)
class Rule:
    """One quota: the share of ``predikat`` (counted together) compared with ``limit``.

    ``op`` is ``"max"`` (at most ``limit``), ``"min"`` (at least ``limit``), ``"some"`` (at
    least one employee) or ``"largest"`` (the most frequent predikat, ties allowed).
    """

    predikat: tuple[str, ...]
    op: str
    limit: Fraction = Fraction(0)


_P = Fraction

#: Predikat organisasi -> quotas on the employees' predikat (domain sheet, section 4).
KURVA: dict[str, tuple[Rule, ...]] = {
    "Istimewa": (Rule((SANGAT_BAIK,), "largest"),
                 Rule((SANGAT_BAIK,), "max", _P(70, 100))),
    "Baik": (Rule((BAIK,), "largest"),
             Rule((BAIK,), "max", _P(70, 100)),
             Rule((BUTUH_PERBAIKAN, KURANG), "some")),
    "Butuh Perbaikan": (Rule((BUTUH_PERBAIKAN,), "min", _P(60, 100)),
                        Rule((SANGAT_BAIK,), "max", _P(10, 100))),
    "Kurang": (Rule((KURANG,), "min", _P(60, 100)),
               Rule((BUTUH_PERBAIKAN,), "min", _P(10, 100)),
               Rule((SANGAT_BAIK,), "max", _P(10, 100))),
    "Sangat Kurang": (Rule((SANGAT_KURANG,), "min", _P(60, 100)),
                      Rule((KURANG, BUTUH_PERBAIKAN), "min", _P(10, 100)),
                      Rule((SANGAT_BAIK,), "max", _P(0))),
}

_TEXT = {
    "id": {
        "and": " dan/atau ",
        "max": "{what}: {count} dari {n} pegawai ({share}), melebihi batas paling banyak "
               "{limit} (maksimal {bound} pegawai).",
        "max0": "{what}: {count} dari {n} pegawai ({share}); kurva untuk predikat organisasi "
                "{org} tidak membolehkan {what}.",
        "min": "{what}: {count} dari {n} pegawai ({share}), kurang dari batas paling sedikit "
               "{limit} (minimal {bound} pegawai).",
        "some": "{what}: tidak ada dari {n} pegawai; kurva untuk predikat organisasi {org} "
                "mensyaratkan minimal 1 pegawai.",
        "largest": "{what} ({count} pegawai) bukan predikat terbanyak: {other} {other_count} "
                   "pegawai.",
        "ok": "Distribusi predikat {n} pegawai sesuai kurva untuk predikat organisasi {org}.",
        "small": "Unit kecil ({n} pegawai): kuota persen terhitung kasar dan SE tidak mengatur "
                 "pembulatannya; anggap sebagai peringatan.",
        "none": "Belum ada SKP sah, jadi kurva distribusi belum bisa diperiksa.",
        "no_org": "Predikat organisasi tidak diberikan (--org-predikat); distribusi ditampilkan "
                  "tanpa pemeriksaan kurva.",
    },
    "en": {
        "and": " and/or ",
        "max": "{what}: {count} of {n} employees ({share}), above the maximum of {limit} "
               "(at most {bound} employees).",
        "max0": "{what}: {count} of {n} employees ({share}); the curve for organisation "
                "predikat {org} allows no {what}.",
        "min": "{what}: {count} of {n} employees ({share}), below the minimum of {limit} "
               "(at least {bound} employees).",
        "some": "{what}: none of {n} employees; the curve for organisation predikat {org} "
                "requires at least 1 employee.",
        "largest": "{what} ({count} employees) is not the most frequent predikat: {other} has "
                   "{other_count}.",
        "ok": "The predikat of {n} employees follow the curve for organisation predikat {org}.",
        "small": "Small unit ({n} employees): percentage quotas are coarse and the circular "
                 "sets no rounding; treat this as a warning.",
        "none": "No valid SKP yet, so the distribution curve cannot be checked.",
        "no_org": "No organisation predikat given (--org-predikat); the distribution is shown "
                  "without a curve check.",
    },
}


class KurvaResult(NamedTuple):
    """``ok`` is True/False, or None when no check was possible; ``messages`` explain it."""

    ok: bool | None
    messages: list[str]
    org_predikat: str | None = None

    def to_dict(self) -> dict:
        return {"org_predikat": self.org_predikat, "ok": self.ok,
                "messages": list(self.messages)}


def normalize_org_predikat(value: str | None) -> str | None:
    """The canonical organisation predikat for ``value`` (any case); ``None`` stays None."""
    if value is None or not str(value).strip():
        return None
    found = normalize_choice(value, PREDIKAT_ORGANISASI)
    if not found:
        raise UsageError(f"Predikat organisasi '{value}' tidak dikenal.",
                         hint="Gunakan salah satu: " + ", ".join(PREDIKAT_ORGANISASI) + ".",
                         en=f"Organisation predikat '{value}' is not known.",
                         hint_en="Use one of: " + ", ".join(PREDIKAT_ORGANISASI) + ".")
    return found


def percent(share: Fraction | float, lang: str = "id") -> str:
    """``71,4%`` (Indonesian) or ``71.4%``; whole numbers without decimals."""
    value = round(float(share) * 100, 1)
    text = f"{value:.0f}" if value.is_integer() else f"{value:.1f}"
    return (text.replace(".", ",") if lang != "en" else text) + "%"


def check(counts: Mapping[str, int], org_predikat: str | None, *,
          rules: Mapping[str, tuple[Rule, ...]] | None = None, lang: str = "id") -> KurvaResult:
    """Check employee predikat ``counts`` against the curve for ``org_predikat``.

    ``counts`` maps canonical predikat (:data:`skpxl.domain.PREDIKAT`) to a number of
    employees; missing keys count 0. Without ``org_predikat`` (or without any employee) the
    result's ``ok`` is ``None``: the distribution is reported, not judged.
    """
    text = _TEXT["en" if lang == "en" else "id"]
    unknown = set(counts) - set(PREDIKAT)
    if unknown:
        raise ValueError(f"unknown predikat in counts: {sorted(unknown)}")
    org = normalize_org_predikat(org_predikat)
    if org is None:
        return KurvaResult(None, [text["no_org"]], None)
    table = KURVA if rules is None else rules
    n = sum(int(counts.get(p, 0)) for p in PREDIKAT)
    if n == 0:
        return KurvaResult(None, [text["none"]], org)
    messages = []
    for rule in table.get(org, ()):
        message = _breach(rule, counts, n, org, text, lang)
        if message:
            messages.append(message)
    ok = not messages
    if ok:
        messages.append(text["ok"].format(n=n, org=org))
    if n < SMALL_UNIT:
        messages.append(text["small"].format(n=n))
    return KurvaResult(ok, messages, org)


def _breach(rule: Rule, counts: Mapping[str, int], n: int, org: str, text: dict,
            lang: str) -> str | None:
    """The message for a broken rule, or None when the rule holds."""
    count = sum(int(counts.get(p, 0)) for p in rule.predikat)
    share = Fraction(count, n)
    params = {"what": text["and"].join(rule.predikat), "count": count, "n": n, "org": org,
              "share": percent(share, lang), "limit": percent(rule.limit, lang)}
    if rule.op == "max" and share > rule.limit:
        if rule.limit == 0:
            return text["max0"].format(**params)
        return text["max"].format(bound=math.floor(rule.limit * n), **params)
    if rule.op == "min" and share < rule.limit:
        return text["min"].format(bound=math.ceil(rule.limit * n), **params)
    if rule.op == "some" and count == 0:
        return text["some"].format(**params)
    if rule.op == "largest":
        others = [(int(counts.get(p, 0)), p) for p in PREDIKAT if p not in rule.predikat]
        other_count, other = max(others, key=lambda item: item[0])
        if other_count > count:
            return text["largest"].format(other=other, other_count=other_count, **params)
    return None
