"""Printing to any console: characters the console's code page lacks degrade, never crash.

Windows writes redirected output (``skpxl validate ... > hasil.txt``, a pipe, a scheduled
task's log) in the locale's code page, cp1252 in Indonesia, where ``→``, emoji from a
cell's text or a name in another script cannot be written; Python then raises
``UnicodeEncodeError`` in the middle of a report. :func:`prepare_streams` makes stdout and
stderr write such a character as its closest ASCII (``→`` as ``->``, ``é`` as ``e``) or
``?``; JSON output stays exact through ``\\u`` escapes (:func:`fits`).
"""

from __future__ import annotations

import codecs
import sys
import unicodedata

ERRORS = "skpxl.degrade"

#: what a character the code page lacks is written as (others: without accents, else "?")
FALLBACK = {
    "→": "->", "←": "<-", "⇒": "=>", "↔": "<->", "…": "...", "–": "-", "—": "-",
    "‘": "'", "’": "'", "‚": ",", "“": '"', "”": '"', "„": '"', "•": "*", "·": ".",
    "×": "x", "÷": "/", "≤": "<=", "≥": ">=", "≠": "!=", "±": "+/-", "✓": "v", "✔": "v",
    "✗": "x", "✘": "x", "\u00a0": " ", "\u202f": " ", "\u2009": " ", "─": "-", "│": "|",
    "├": "+", "└": "+",
}


def _degrade(error: UnicodeEncodeError) -> tuple[str, int]:
    """Codec error handler: the unencodable characters of ``error`` as something close."""
    out = []
    for char in error.object[error.start:error.end]:
        text = FALLBACK.get(char)
        if text is None:
            text = "".join(c for c in unicodedata.normalize("NFKD", char)
                           if not unicodedata.combining(c))
        try:
            text.encode(error.encoding)
        except (UnicodeEncodeError, LookupError):
            text = "?"
        out.append(text)
    return "".join(out), error.end


codecs.register_error(ERRORS, _degrade)


def prepare_streams() -> None:
    """stdout and stderr degrade what their encoding cannot write instead of raising
    (stdout) or writing ``\\U0001f600`` (stderr's default)."""
    for stream in (sys.stdout, sys.stderr):
        if getattr(stream, "errors", None) in ("strict", "backslashreplace") \
                and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors=ERRORS)
            except (ValueError, OSError):   # a closed or detached stream: nothing to print
                pass


def encoding(stream=None) -> str:
    """The encoding ``stream`` (stdout by default) writes, as Python names it."""
    stream = sys.stdout if stream is None else stream
    name = getattr(stream, "encoding", None) or "utf-8"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name


def fits(text: str, stream=None) -> bool:
    """Whether ``stream`` (stdout by default) can write ``text`` exactly."""
    try:
        text.encode(encoding(stream))
    except (UnicodeEncodeError, LookupError):
        return False
    return True
