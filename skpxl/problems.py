"""Problems found in inputs are records, not exceptions.

Each problem type is declared once with :func:`define`: a stable ``code``, a default
``severity`` and a message template in Indonesian and English. A :class:`Problem` is one
occurrence, located by ``sheet``/``cell`` (and ``path`` in the extracted document) or by
``row`` for rosters. The catalogue is documented by ``skpxl problems`` (docs/problems.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class ProblemType:
    code: str
    severity: str
    id: str
    en: str


CATALOG: dict[str, ProblemType] = {}


def define(code: str, severity: str, id: str, en: str) -> ProblemType:
    """Declare a problem type; messages use ``str.format`` fields from the problem's params."""
    ptype = ProblemType(code, severity, id, en)
    CATALOG[code] = ptype
    return ptype


class _Default(dict):
    def __missing__(self, key):
        return "?"


@dataclass
class Problem:
    """One problem in one input, with where it is and what to do about it."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)
    severity: str = ""
    sheet: str | None = None
    cell: str | None = None
    path: str | None = None
    row: int | None = None
    value: Any = None

    def __post_init__(self):
        if not self.severity:
            self.severity = CATALOG[self.code].severity if self.code in CATALOG else ERROR

    def message(self, lang: str = "id") -> str:
        ptype = CATALOG.get(self.code)
        if ptype is None:
            return self.code
        template = ptype.en if lang == "en" else ptype.id
        return template.format_map(_Default(self.params))

    @property
    def location(self) -> str:
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        if self.row is not None:
            return f"baris {self.row}"
        return self.sheet or ""

    def to_dict(self, lang: str = "id") -> dict:
        data = {"code": self.code, "severity": self.severity, "sheet": self.sheet,
                "cell": self.cell, "path": self.path, "message": self.message(lang)}
        if self.row is not None:
            data["row"] = self.row
        if self.value is not None:
            data["value"] = self.value if isinstance(self.value, (int, float, bool)) else str(
                self.value)
        return data


#: the rules behind the verdicts, documented in docs/problems.md: order -> (title, text)
RULES: dict[int, tuple[str, str]] = {}


def rule(order: int, title: str, text: str) -> None:
    """Document one rule the checks follow (Markdown ``text``), beside the code doing it."""
    RULES[order] = (title, text)


def has_errors(problems) -> bool:
    return any(p.severity == ERROR for p in problems)


# --- NIP problems (shared by roster, generate and validate) -----------------------------

define("nip.missing", ERROR, "NIP kosong.", "NIP is empty.")
define("nip.number", ERROR,
       "NIP {value} tersimpan sebagai angka, bukan teks. Ketik ulang sebagai teks "
       "(format sel Text atau awali dengan tanda petik ').",
       "NIP {value} is stored as a number, not text. Retype it as text (cell format Text or "
       "start with an apostrophe ').")
define("nip.scientific", ERROR,
       "NIP {value} sudah rusak oleh Excel (disimpan sebagai angka, digit terakhir hilang). "
       "Ketik ulang 18 digit NIP sebagai teks.",
       "NIP {value} was corrupted by Excel (stored as a number, last digits lost). Retype the "
       "18-digit NIP as text.")
define("nip.spaces", WARNING, "NIP '{value}' mengandung spasi atau titik; dibaca sebagai angka "
       "saja.", "NIP '{value}' contains spaces or dots; read as digits only.")
define("nip.chars", ERROR, "NIP '{value}' mengandung karakter selain angka.",
       "NIP '{value}' contains characters other than digits.")
define("nip.length", ERROR, "NIP '{value}' terdiri dari {length} digit; NIP harus 18 digit.",
       "NIP '{value}' has {length} digits; a NIP has 18 digits.")
define("nip.birth_date", ERROR,
       "NIP {value}: 8 digit pertama ({part}) bukan tanggal lahir yang masuk akal.",
       "NIP {value}: the first 8 digits ({part}) are not a plausible birth date.")
define("nip.tmt", ERROR, "NIP {value}: bagian TMT ({part}) tidak masuk akal.",
       "NIP {value}: the appointment part ({part}) is not plausible.")
define("nip.sex", ERROR, "NIP {value}: digit jenis kelamin ({part}) harus 1 atau 2.",
       "NIP {value}: the sex digit ({part}) must be 1 or 2.")
define("nip.kind", ERROR,
       "NIP {value} berstruktur {kind}, tetapi status ASN tertulis {status}.",
       "NIP {value} has the structure of a {kind} number, but the ASN status says {status}.")
