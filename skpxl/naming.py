"""Safe file and folder names from roster text (names can never escape the output folder)."""

from __future__ import annotations

import re
import unicodedata

_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
             *(f"lpt{i}" for i in range(10))}


def slug(text: str, *, max_length: int = 60, fallback: str = "x") -> str:
    """ASCII, lower case, ``-`` separated; no dots, slashes or reserved Windows names."""
    ascii_text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    cleaned = cleaned[:max_length].strip("-") or fallback
    if cleaned.split("-")[0] in _RESERVED:
        cleaned = f"_{cleaned}"
    return cleaned


def workbook_name(nip: str, nama: str, period_code: str) -> str:
    """``<NIP>_<name-slug>_<period>.xlsx``."""
    return f"{slug(nip, max_length=18, fallback='tanpa-nip')}_{slug(nama, max_length=40)}_{period_code}.xlsx"
