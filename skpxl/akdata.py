"""The angka kredit data file (``skpxl/data/angka_kredit.toml``), read once and checked.

Every number about angka kredit lives in that one file, beside its source and how sure we
are of it: the percentage of each predikat, the annual coefficient, golongan ruang and
cumulative requirements of each jenjang, the pangkat names, and the rounding rule.
:mod:`skpxl.domain` and :mod:`skpxl.akrules` read it from here. Values are exact
(:class:`~fractions.Fraction`); a value the file leaves out is ``None``, never zero.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "angka_kredit.toml"
CONFIDENCE = ("high", "medium", "low")


@dataclass(frozen=True)
class Sourced:
    """A value with where it comes from and how sure we are (high, medium, low)."""

    value: object
    source: str
    confidence: str


@dataclass(frozen=True)
class Jenjang:
    """One jenjang of jabatan fungsional, as the data file gives it."""

    name: str
    kategori: str                 # "keahlian" or "keterampilan"
    koefisien: Sourced            # Fraction: annual AK coefficient
    golongan: tuple[str, ...]     # golongan ruang of the jenjang, lowest first
    berikutnya: str | None        # the next jenjang, None at the top
    ak_pangkat: Sourced           # Fraction | None: AK per kenaikan pangkat in the jenjang
    ak_jenjang: Sourced           # Fraction | None: AK for the kenaikan jenjang


@dataclass(frozen=True)
class AkData:
    """The whole data file."""

    decimals: int
    rounding: Sourced             # value: "half-up"
    percent: dict[str, Sourced]   # predikat -> Fraction (1.5 for 150 %)
    jenjang: dict[str, Jenjang]
    pangkat: dict[str, str]       # golongan ruang -> pangkat name, lowest first
    pangkat_source: Sourced

    def round(self, value) -> Decimal:
        """``value`` rounded as the papers print it (the file's decimals, half-up)."""
        if isinstance(value, Fraction):
            value = Decimal(value.numerator) / Decimal(value.denominator)
        return Decimal(value).quantize(Decimal(1).scaleb(-self.decimals), ROUND_HALF_UP)


class AkDataError(ValueError):
    """The data file is malformed: a bug in the shipped package, never a user's mistake."""


def _toml():
    if sys.version_info >= (3, 11):
        import tomllib
        return tomllib
    import tomli
    return tomli


def _exact(value, where: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise AkDataError(f"{DATA_FILE.name}: {where} must be a number >= 0, not {value!r}")
    return Fraction(str(value))   # 12.5 -> 25/2 exactly, not the binary float


def _sourced(table: dict, key: str, where: str, *, prefix: str = "") -> Sourced:
    value = table.get(key)
    source = table.get(f"{prefix}source")
    confidence = table.get(f"{prefix}confidence")
    if not isinstance(source, str) or confidence not in CONFIDENCE:
        raise AkDataError(f"{DATA_FILE.name}: {where} needs '{prefix}source' and "
                          f"'{prefix}confidence' ({', '.join(CONFIDENCE)})")
    return Sourced(None if value is None else _exact(value, f"{where}.{key}"), source,
                   confidence)


def parse(data: dict) -> AkData:
    """Check and convert the parsed TOML; :class:`AkDataError` names what is wrong."""
    if data.get("schema") != 1:
        raise AkDataError(f"{DATA_FILE.name}: unknown schema {data.get('schema')!r}")
    rounding = data.get("rounding") or {}
    if rounding.get("mode") != "half-up" or not isinstance(rounding.get("decimals"), int):
        raise AkDataError(f"{DATA_FILE.name}: [rounding] needs mode = 'half-up' and integer "
                          f"decimals")
    percent = {name: _sourced(item, "percent", f"predikat.{name}")
               for name, item in (data.get("predikat") or {}).items()}
    percent = {name: Sourced(s.value / 100, s.source, s.confidence) for name, s in percent.items()}
    golongan = data.get("golongan") or {}
    pangkat = {g: n for g, n in golongan.get("names", [])}
    jenjang = {}
    for name, item in (data.get("jenjang") or {}).items():
        where = f"jenjang.{name}"
        grades = tuple(item.get("golongan") or ())
        unknown = [g for g in grades if g not in pangkat]
        if not grades or unknown or item.get("kategori") not in ("keahlian", "keterampilan"):
            raise AkDataError(f"{DATA_FILE.name}: {where} needs kategori and known golongan "
                              f"(unknown: {unknown})")
        jenjang[name] = Jenjang(
            name, item["kategori"], _sourced(item, "koefisien", where, prefix="koefisien_"),
            grades, item.get("berikutnya"),
            _sourced(item, "ak_pangkat", where, prefix="kebutuhan_"),
            _sourced(item, "ak_jenjang", where, prefix="kebutuhan_"))
    for j in jenjang.values():
        if j.berikutnya is not None and j.berikutnya not in jenjang:
            raise AkDataError(f"{DATA_FILE.name}: jenjang.{j.name}.berikutnya names an unknown "
                              f"jenjang {j.berikutnya!r}")
        if j.koefisien.value is None:
            raise AkDataError(f"{DATA_FILE.name}: jenjang.{j.name} has no koefisien")
    return AkData(rounding["decimals"],
                  Sourced("half-up", str(rounding.get("source", "")),
                          str(rounding.get("confidence", ""))),
                  percent, jenjang, pangkat,
                  Sourced(None, str(golongan.get("source", "")),
                          str(golongan.get("confidence", ""))))


@lru_cache(maxsize=1)
def ak_data() -> AkData:
    """The shipped data file, read once per process."""
    return parse(_toml().loads(DATA_FILE.read_text("utf-8")))
