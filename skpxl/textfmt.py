"""Numbers, percentages and dates as people read them: Indonesian by default, English on request.

Printed papers must not depend on the locale of whoever opens them (a number format such as
``0.0%`` shows ``88.0%`` on an English system and ``88,0%`` on an Indonesian one), so the
sheets people print carry text formatted here; the tables meant for analysis keep numbers.

Indonesian follows PUEBI: ``.`` groups thousands, ``,`` marks decimals, ``%`` is written
against the number (``81,8%``), times as ``14.29``.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
         "September", "Oktober", "November", "Desember")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")


def number(value: float | int | None, lang: str = "id", *, decimals: int | None = None) -> str:
    """``1.234,5`` (Indonesian) or ``1,234.5``; ``decimals`` fixes the places shown,
    otherwise up to three, trailing zeros dropped. ``None`` gives ``""``."""
    if value is None:
        return ""
    places = 3 if decimals is None else decimals
    text = f"{float(value):,.{places}f}"
    if decimals is None and "." in text:
        text = text.rstrip("0").rstrip(".")
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]   # -0,00 reads as a mistake
    if lang == "en":
        return text
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def percent(share: float | None, lang: str = "id", *, decimals: int = 1) -> str:
    """A share (0.818) as ``81,8%`` / ``81.8%``; whole percentages without decimals."""
    if share is None:
        return ""
    value = round(float(share) * 100, decimals)
    shown = number(value, lang, decimals=0 if float(value).is_integer() else decimals)
    return shown + "%"


def long_date(day: date, lang: str = "id", *, upper: bool = False) -> str:
    """``6 Desember 2026`` / ``6 December 2026``."""
    months = MONTHS_EN if lang == "en" else BULAN
    text = f"{day.day} {months[day.month - 1]} {day.year}"
    return text.upper() if upper else text


def date_range(start: date, end: date, lang: str = "id") -> str:
    """``1 Juli – 30 September 2025`` (the year once when both share it)."""
    if start.year == end.year:
        months = MONTHS_EN if lang == "en" else BULAN
        return f"{start.day} {months[start.month - 1]} – {long_date(end, lang)}"
    return f"{long_date(start, lang)} – {long_date(end, lang)}"


def moment(value: datetime | str | None, lang: str = "id") -> str:
    """A timestamp in this computer's local time: ``6 Desember 2026 pukul 14.29`` /
    ``6 December 2026 at 14:29``. ISO text (as stored in metadata) is accepted; an
    unreadable value is returned as it is."""
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    local = value.astimezone()
    if lang == "en":
        return f"{long_date(local.date(), 'en')} at {local:%H:%M}"
    return f"{long_date(local.date())} pukul {local:%H.%M}"


def count(n: int, singular: str, plural: str | None = None, lang: str = "id") -> str:
    """``3 file`` / ``1 file``, ``3 files``: Indonesian nouns do not change with number."""
    if lang == "en":
        return f"{n} {singular if n == 1 else (plural or singular + 's')}"
    return f"{n} {singular}"
