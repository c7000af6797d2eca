"""The C twins of the report's table hash and row writer (``skpxl/_speedups.c``) give
exactly what the Python versions give, on every kind of value a report row can hold."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from skpxl import reportbook
from conftest import missing


@pytest.fixture(autouse=True)
def compiled():
    if None in (reportbook._canonical_rows, reportbook._render_rows, reportbook._clean_rows):
        missing("skpxl._speedups was not compiled", "SKPXL_REQUIRE_SPEEDUPS")


class Label(str):
    """A str subclass: the Python versions treat it as any other object (not as str)."""


VALUES = st.one_of(
    st.none(), st.just(""), st.text(max_size=60), st.sampled_from(
        ["a & b", "<x>", "baris 1\nbaris 2", "\n", "é\u3000ü", "x" * 95, "\u2028", ">&<"]),
    st.integers(-10**20, 10**20), st.floats(), st.sampled_from(
        [0.0, -0.0, 1e16, 1.5e-7, 123456789012345.67, float("inf"), float("nan")]),
    st.booleans(), st.dates(), st.datetimes(), st.builds(Label, st.text(max_size=5)),
    st.decimals(allow_nan=False, places=2))
ROWS = st.lists(st.lists(VALUES, max_size=9).map(tuple), max_size=12)


def python_hash_text(rows, width) -> bytes:
    """What the Python table_hash feeds its digest, row by row."""
    out = []
    for row in rows:
        parts = [("s:" + v if v else "") if v.__class__ is str else
                 "" if v is None else reportbook._canonical(v) for v in row[:width]]
        parts += [""] * (width - len(parts))
        out.append("\x1f".join(parts).encode("utf-8") + b"\x1e")
    return b"".join(out)


@settings(max_examples=300, deadline=None)
@example([("a", 1, 2.5, True, None, "", 10**400 // 10**390, dt.date(2025, 9, 30))], 8)
@given(ROWS, st.integers(0, 10))
def test_c_table_hash_text_is_the_python_text(rows, width):
    try:
        expected = python_hash_text(rows, width)
    except (OverflowError, UnicodeEncodeError) as err:
        with pytest.raises(type(err)):
            reportbook._canonical_rows(rows, width, reportbook._canonical)
        return
    assert reportbook._canonical_rows(rows, width, reportbook._canonical) == expected


def test_table_hash_is_the_same_with_and_without_c(monkeypatch):
    headings = ["NIP", "Nama", "Nilai"]
    rows = [("1980", "Ani & Budi", 3), ("1981", None, 2.5), ("1982", "", True)] * 5000
    fast = reportbook.table_hash(headings, rows)
    monkeypatch.setattr(reportbook, "_canonical_rows", None)
    assert reportbook.table_hash(headings, rows) == fast == reportbook._table_hash(headings, rows)
    assert fast != reportbook.table_hash(headings, rows[:-1])
    digest = hashlib.sha256(python_hash_text([headings, *rows], 3)).hexdigest()
    assert fast == digest


TEXTS = st.one_of(st.text(max_size=300), st.text("ab \n", max_size=120))
FULL_ROWS = st.lists(st.lists(st.one_of(VALUES, TEXTS), min_size=7, max_size=7).map(tuple),
                     max_size=12)


@settings(max_examples=300, deadline=None)
@example([("Rencana hasil kerja yang cukup panjang untuk dilipat dua kali di kolom ini",
           "a\nb\nc", 7, -0.0, False, None)], [None, 30.0, 12, None, None, None])
@example([("x" * 30, "y" * 10, "z" * 400, "", None, 1, "ok")], [30.0, 11, 8])  # edges, cap
@given(st.one_of(FULL_ROWS, ROWS),
       st.lists(st.one_of(st.none(), st.sampled_from([8, 11, 12.5, 30.0, 45, 0.7])),
                max_size=7))
def test_c_rows_are_the_python_rows(rows, wrap_widths):
    letters = [chr(65 + i) for i in range(7)]
    attrs = ["", ' s="3"', "", ' s="12"', "", "", ' s="1"']
    results = []
    for c in (reportbook._render_rows, None):
        saved, reportbook._render_rows = reportbook._render_rows, c
        try:
            results.append(reportbook.render_rows(rows, 5, letters, attrs, wrap_widths))
        except (IndexError, UnicodeEncodeError) as err:
            results.append(type(err))
        finally:
            reportbook._render_rows = saved
    if isinstance(results[1], str):   # the Python rows meet the same encoding later
        try:
            results[1].encode("utf-8")
        except UnicodeEncodeError:
            results[1] = UnicodeEncodeError
    assert results[0] == results[1]


@settings(max_examples=300, deadline=None)
@example([("", "a\x00b", "x" * 40000, "ok\ttab\nline", "\ufffe", 7, True, 2.5, None,
           dt.date(2025, 9, 30), float("nan"), Label("y"))])
@given(ROWS)
def test_c_clean_rows_are_the_python_rows(rows):
    fast = reportbook.clean_rows(rows)
    slow = [reportbook.clean_row(r) for r in rows]
    key = [[(type(v), repr(v)) for v in row] for row in slow]   # nan != nan; types too
    assert [[(type(v), repr(v)) for v in row] for row in fast] == key
    assert all(type(row) is tuple for row in fast)
