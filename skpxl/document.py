"""The extracted SKP document: JSON paths into it, and the fingerprint of pre-filled values.

A document is plain JSON-able data (``pegawai``, ``penilai``, ``atasan_penilai``,
``periode``, ``hasil_kerja``, ``perilaku``, ``lampiran``, ``evaluasi``, ``meta``). The
generator builds one and writes it into a template; the extractor reads one back. Paths are
the subset of JSONPath the manifest uses: ``$.a.b[0].c``.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime
from functools import lru_cache

_LAST_STEP = re.compile(r"(\.[A-Za-z_0-9]+|\[\d+\])$")
_TOKEN = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


@lru_cache(maxsize=65536)
def tokens(path: str) -> tuple[str | int, ...]:
    """``$.a.b[0].c`` -> ``("a", "b", 0, "c")`` (cached: paths repeat across files)."""
    if not path.startswith("$"):
        raise ValueError(f"not a document path: {path!r}")
    out: list[str | int] = []
    for match in _TOKEN.finditer(path, 1):
        out.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
    return tuple(out)


@lru_cache(maxsize=65536)
def ancestors(path: str) -> tuple[str, ...]:
    """``$.a.b[0].c`` -> ``("$.a.b[0]", "$.a.b", "$.a")``."""
    out = []
    while True:
        path = _LAST_STEP.sub("", path)
        if not path or path == "$":
            return tuple(out)
        out.append(path)


def get_path(doc, path: str, default=None):
    """Value at ``path`` in ``doc`` or ``default`` when any step is missing."""
    node = doc
    for token in tokens(path):
        try:
            node = node[token]
        except (KeyError, IndexError, TypeError):
            return default
    return node


def set_path(doc: dict, path: str, value) -> None:
    """Set ``value`` at ``path``, creating dicts and lists (padded with ``None``) on the way."""
    walk, last = _walk(path)
    node = doc
    for token, list_next in walk:
        if type(token) is int:
            while len(node) <= token:
                node.append(None)
            child = node[token]
        else:
            child = node.get(token)
        if child is None:
            child = node[token] = [] if list_next else {}
        node = child
    if type(last) is int:
        while len(node) <= last:
            node.append(None)
    node[last] = value


@lru_cache(maxsize=65536)
def _walk(path: str) -> tuple[tuple[tuple[str | int, bool], ...], str | int]:
    """``$.a[0].b`` -> ``((("a", True), (0, False)), "b")``: each step but the last, with
    whether what it holds is a list (the next step is an index)."""
    steps = tokens(path)
    return tuple((token, type(following) is int)
                 for token, following in zip(steps, steps[1:])), steps[-1]


def canonical(value) -> str:
    """Text form of a cell value for fingerprints: dates ISO, integral numbers without .0."""
    if value.__class__ is str:          # nearly every pre-filled value
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value).strip()


def fingerprint(values: dict[str, object]) -> str:
    """SHA-256 over the pre-filled values, keyed by JSON path (order independent)."""
    payload = json.dumps({k: canonical(v) for k, v in sorted(values.items())},
                         ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()


def short_hash(value) -> str:
    return hashlib.sha256(canonical(value).encode("utf-8")).hexdigest()[:10]


def field_checks(values: dict[str, object]) -> str:
    """Per-path short hashes of pre-filled values, so a changed cell can be named."""
    return ";".join(f"{path}={short_hash(value)}" for path, value in sorted(values.items()))


def parse_field_checks(text) -> dict[str, str]:
    out = {}
    for part in str(text or "").split(";"):
        path, sep, digest = part.rpartition("=")
        if sep and path.startswith("$"):
            out[path] = digest
    return out


def to_jsonable(value):
    """Dates to ISO strings, recursively, for JSON output."""
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_jsonable(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value
