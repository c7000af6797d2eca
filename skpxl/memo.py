"""Small per-process caches for what batch work meets file after file.

Parsed parts shared by files saved by one program, a template's extraction plan, a roster:
each kept in a plain dict bounded by :func:`remember`, which drops the oldest entry first.
"""

from __future__ import annotations

from typing import TypeVar

V = TypeVar("V")


def remember(cache: dict, key, value: V, limit: int) -> V:
    """Store ``value`` under ``key`` in ``cache`` (at most ``limit`` entries, the oldest
    dropped first) and return it."""
    if key not in cache and len(cache) >= limit:
        cache.pop(next(iter(cache)))
    cache[key] = value
    return value
