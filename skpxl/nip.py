"""NIP (PNS) and NI PPPK: 18 digits, always text.

PNS: birth date YYYYMMDD, TMT CPNS YYYYMM, sex digit (1/2), sequence (3).
PPPK: birth date YYYYMMDD, year of first appointment YYYY, ``2``, contracts (1), sex (1),
sequence (3). Digit 13 is ``2`` only for PPPK (for PNS digits 13-14 are a month).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

_SCI = re.compile(r"^\s*\d(?:[.,]\d+)?[eE]\+?\d+\s*$")


@dataclass
class NipCheck:
    """Outcome of checking one NIP: ``nip`` is the cleaned text, ``problems`` are codes."""

    raw: object
    nip: str = ""
    kind: str = ""  # "PNS" | "PPPK" | ""
    birth_date: date | None = None
    sex: str = ""  # "L" | "P"
    problems: list[tuple[str, dict]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _date_or_none(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


_SPACES_DOTS = re.compile(r"[\s.]")
_DIGITS = re.compile(r"[0-9]+")


def check_nip(raw, *, today: date | None = None, expect_kind: str | None = None) -> NipCheck:
    """Check a NIP value as read from a file.

    Problem codes: ``nip.number`` (stored as a number: Excel may have corrupted it),
    ``nip.scientific`` (``1.98E+17``), ``nip.length``, ``nip.chars``, ``nip.birth_date``,
    ``nip.tmt``, ``nip.sex``, ``nip.kind`` (PNS/PPPK structure does not match status).
    """
    today = today or date.today()
    result = NipCheck(raw)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        result.problems.append(("nip.missing", {}))
        return result
    if isinstance(raw, bool):
        result.problems.append(("nip.chars", {"value": str(raw)}))
        return result
    if isinstance(raw, (int, float)):
        text = f"{raw:.0f}" if isinstance(raw, float) else str(raw)
        code = "nip.scientific" if isinstance(raw, float) and abs(raw) >= 1e15 else "nip.number"
        result.problems.append((code, {"value": text}))
        result.nip = text
        return result
    text = str(raw).strip()
    if _SCI.match(text):
        result.problems.append(("nip.scientific", {"value": text}))
        return result
    compact = _SPACES_DOTS.sub("", text)
    digits = _DIGITS.fullmatch(compact) is not None  # 0-9 only: str.isdigit() takes "³", "١"
    if compact != text and digits:
        result.problems.append(("nip.spaces", {"value": text}))
    if not digits:
        result.problems.append(("nip.chars", {"value": text}))
        return result
    result.nip = compact
    if len(compact) != 18:
        result.problems.append(("nip.length", {"value": text, "length": len(compact)}))
        return result
    birth = _date_or_none(int(compact[0:4]), int(compact[4:6]), int(compact[6:8]))
    if birth is None or not (1940 <= birth.year <= today.year - 15):
        result.problems.append(("nip.birth_date", {"value": compact, "part": compact[0:8]}))
    result.birth_date = birth
    is_pppk = compact[12] == "2"
    if is_pppk:
        result.kind = "PPPK"
        year = int(compact[8:12])
        sex = compact[14]
        if not (2019 <= year <= today.year + 1) or (birth and year < birth.year + 15):
            result.problems.append(("nip.tmt", {"value": compact, "part": compact[8:12]}))
    else:
        result.kind = "PNS"
        year, month = int(compact[8:12]), int(compact[12:14])
        sex = compact[14]
        if not (1 <= month <= 12) or not (1960 <= year <= today.year + 1) or (
                birth and year < birth.year + 15):
            result.problems.append(("nip.tmt", {"value": compact, "part": compact[8:14]}))
    if sex not in "12":
        result.problems.append(("nip.sex", {"value": compact, "part": sex}))
    else:
        result.sex = "L" if sex == "1" else "P"
    if expect_kind:
        want = "PPPK" if expect_kind.upper() == "PPPK" else "PNS"
        if expect_kind.upper() in ("PNS", "CPNS", "PPPK") and want != result.kind:
            result.problems.append(("nip.kind", {"value": compact, "status": expect_kind,
                                                 "kind": result.kind}))
    return result
