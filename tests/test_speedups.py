"""The C accelerator (``skpxl/_speedups.c``): turning it off, what skpxl says about it, and
each finding of its audit (issue 20) as a test that crashed or misbehaved before.

The audit found crashes where C kept a borrowed reference, or a saved length, across a call
that can run Python code: the object's own ``__index__``, ``__eq__``, ``__repr__``,
``__str__``, ``__bool__`` or ``__float__``, written here to change the list C was reading.
Those cases run in a child process (:func:`run_isolated`), so a segmentation fault fails
the test instead of killing pytest. ``locate`` is the C function that stayed (the others
bought too little: benchmarks/results.md); the report writers and the cell decoder are
Python only now, and the same hostile values go through their public functions here.
"""

from __future__ import annotations

import importlib.machinery
import math
import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import skpxl
from skpxl import reportbook, sheetxml
from test_sheetxml import compiled

ROOT = Path(__file__).resolve().parent.parent
#: where the skpxl these tests import lives: child processes import the same one
SOURCE = Path(skpxl.__file__).resolve().parent.parent

SHEET = (b'<worksheet><sheetData>'
         b'<row r="1"><c r="A1" t="inlineStr"><is><t>satu</t></is></c><c r="B1"><v>1</v></c>'
         b'</row><row r="2"><c r="A2" s="1"><v>45000</v></c><c r="B2"/></row>'
         b'<row r="3"><c r="A3"><v>3</v></c></row></sheetData></worksheet>')


def run_isolated(code: str, env: dict | None = None, cwd: Path = SOURCE,
                 flags: tuple[str, ...] = ()) -> str:
    """Run ``code`` in a child Python; its stdout. A crash there (exit 139, or a sanitizer
    report under ``.ci/sanitizers``) fails the calling test."""
    result = subprocess.run([sys.executable, *flags, "-c", textwrap.dedent(code)], cwd=cwd,
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, (f"the child process ended with {result.returncode}:\n"
                                    f"{result.stderr[-4000:]}")
    return result.stdout


# --- locate: kept, fixed -----------------------------------------------------------------

def test_locate_does_not_read_rows_a_rows_index_method_emptied():
    """C read the row number with ``PyLong_AsLong``, whose ``__index__`` may empty the list
    of wanted rows; C then read the freed rows. It passes the row through now, as Python
    does (the number to look up is the bytes beside it)."""
    compiled()
    out = run_isolated(f"""
        from skpxl import sheetxml
        rows, junk = [], []
        class Row:
            def __index__(self):
                rows.clear()
                junk.extend([(object(), object(), object()) for _ in range(20000)])
                return 1
            def __repr__(self):
                return "Row"
        rows += [(Row(), b"1", [(0, b'<c r="A1"'), (1, b'<c r="B1"')]),
                 (3, b"3", [(0, b'<c r="A3"')])]
        print(sheetxml._locate_c({SHEET!r}, rows))
    """)
    expected = sheetxml._locate(SHEET, [("Row", b"1", [(0, b'<c r="A1"'), (1, b'<c r="B1"')]),
                                        (3, b"3", [(0, b'<c r="A3"')])])
    assert out.strip() == repr(expected).replace("'Row'", "Row")


@pytest.mark.parametrize("order", ["descending", "repeated", "shuffled"])
def test_locate_answers_wanted_rows_in_any_order(order):
    """C answered ``[]`` for wanted rows that were not ascending; Python finds them."""
    compiled()
    wanted = {1: [(0, b'<c r="A1"'), (1, b'<c r="B1"')], 2: [(0, b'<c r="A2"')],
              3: [(0, b'<c r="A3"')]}
    numbers = {"descending": [3, 2, 1], "repeated": [1, 1, 3], "shuffled": [2, 3, 1]}[order]
    rows = [(n, str(n).encode(), wanted[n]) for n in numbers]
    expected = sheetxml._locate(SHEET, rows)
    assert expected and sheetxml._locate_c(SHEET, rows) == expected


CELL_A1 = [(0, b'<c r="A1"')]


@pytest.mark.parametrize("xml, rows", [
    (SHEET, [(1, b"1")]),                                   # a row without its cells
    (SHEET, [[1, b"1", CELL_A1]]),                          # a row as a list
    (SHEET, [(1, "1", CELL_A1)]),                           # the number as str
    (SHEET, [(5, b"1", CELL_A1)]),                          # row and number disagree
    (SHEET, [(1, b"01", CELL_A1)]),                         # not how a row is numbered
    (SHEET, [(1, b"1", [(0, b'<c r="A1"', "x")])]),         # a cell of three
    (SHEET, [(1, b"1", [(0, b"")])]),                       # an empty tag
    (SHEET, [(1, b"1", [(0, b"A1")])]),                     # a tag that is no tag start
    (SHEET, [(1, b"1", [(0, '<c r="A1"')])]),               # a tag as str
    (SHEET, [(1, b"1", ((0, b'<c r="A1"'),))]),              # cells as a tuple
    (SHEET, ((1, b"1", CELL_A1),)),                         # rows as a tuple
    (SHEET, [(1, b"1", CELL_A1, None)]),                    # a row of four
    (bytearray(SHEET), [(1, b"1", CELL_A1)]),               # the sheet as a bytearray
    (memoryview(SHEET), [(1, b"1", CELL_A1)]),              # ... as a memoryview
    ("<worksheet/>", [(1, b"1", CELL_A1)]),                 # ... as str
])
def test_locate_gives_what_python_gives_for_arguments_of_any_shape(monkeypatch, xml, rows):
    """C raised its own TypeError for arguments of other shapes than the reader's, or
    answered for them where Python answers otherwise; now it leaves them to Python, so
    ``pick_cells`` gives the same result, or raises the same error, with and without C."""
    compiled()

    def outcome():
        try:
            return "ok", sheetxml.pick_cells(xml, rows, [], {1: sheetxml.DATE}, 100)
        except Exception as exc:  # noqa: BLE001 - the error is the outcome compared
            return "error", type(exc)

    fast = outcome()
    monkeypatch.setattr(sheetxml, "_locate_c", None)
    assert fast == outcome()


# --- the functions that are Python only now: the same hostile values, no crash ----------

def test_cells_are_decoded_when_a_style_changes_what_is_being_read():
    """C's decoder kept a located cell (borrowed) across the truth test of a ``styles``
    value, which may run Python code that empties the list being read."""
    out = run_isolated(f"""
        import sys
        from skpxl import sheetxml
        junk = []
        class Kind(int):
            def __bool__(self):
                frame = sys._getframe(1)
                while frame is not None:
                    if isinstance(frame.f_locals.get("located"), list):
                        frame.f_locals["located"].clear()
                    frame = frame.f_back
                junk.extend([(object(), object(), object()) for _ in range(20000)])
                return True
        wanted = [(1, b"1", [(0, b'<c r="A1"'), (1, b'<c r="B1"')]), (2, b"2", [(0, b'<c r="A2"')])]
        values, _ = sheetxml.pick_cells({SHEET!r}, wanted, [], {{1: Kind(sheetxml.DATE)}}, 100)
        print(values[(2, 0)].isoformat())
    """)
    assert out.strip() == "2023-03-15"      # serial 45000 in the 1900 date system


class Emptying:
    """Code a value runs when it is compared, shown or written as text: it empties
    ``target`` (the row or table being read) and fills the freed memory with other
    objects, so reading the old items afterwards crashes."""

    SOURCE = """
        junk = []
        class Emptying:
            def __init__(self, target):
                self.target = target
            def _empty(self):
                self.target.clear()
                junk.extend([(object(), object(), object()) for _ in range(20000)])
            def __eq__(self, other):
                self._empty()
                return False
            __hash__ = object.__hash__
            def __repr__(self):
                self._empty()
                return "E"
            def __str__(self):
                self._empty()
                return "E"
    """


def test_render_rows_with_a_value_that_empties_its_row_when_compared():
    """C compared a value with "" (``__eq__``), then wrote the freed value."""
    out = run_isolated(Emptying.SOURCE + """
        from skpxl import reportbook
        row = []
        row += [Emptying(row), "b", 3]
        print(reportbook.render_rows([row], 1, ["A", "B", "C"], ["", "", ""]))
    """)
    assert out.startswith('<row r="1"><c r="A1"><v>E</v></c>')


def test_render_rows_with_a_value_that_empties_its_row_when_written():
    """C wrote the value (``__repr__``), then read the next cells of the emptied row."""
    out = run_isolated(Emptying.SOURCE + """
        from skpxl import reportbook
        row = []
        row += [Emptying(row), "b", 3]
        Emptying.__eq__ = lambda self, other: False
        print(reportbook.render_rows([row], 1, ["A", "B", "C"], ["", "", ""]))
    """)
    assert out.startswith('<row r="1"><c r="A1"><v>E</v></c>')


def test_render_rows_with_a_wrap_width_that_empties_the_rows():
    """C parsed the wrap widths (``__float__``) for each row after saving its length, then
    read the row's text."""
    out = run_isolated("""
        from fractions import Fraction
        from skpxl import reportbook
        rows, junk = [], []
        class Width(Fraction):
            def __float__(self):
                rows[0].clear()
                junk.extend([(object(), object(), object()) for _ in range(20000)])
                return 30.0
        rows += [["x" * 80, "y"], ["z", "w"]]
        print(reportbook.render_rows(rows, 1, ["A", "B"], ["", ""], [Width(30)]))
    """)
    assert out.startswith('<row r="1"')


def test_clean_rows_with_a_value_that_empties_its_row_as_text():
    """C called ``cell_value`` (``__str__``) on a value, then read the emptied row."""
    out = run_isolated(Emptying.SOURCE + """
        from skpxl import reportbook
        row = []
        row += [Emptying(row), "b", 3]
        print(reportbook.clean_rows([row]))
    """)
    assert out.startswith("[('E'")


def test_table_hash_with_a_value_that_empties_its_row_as_text():
    """C called the ``canonical`` callback (``__str__``), then read the emptied row."""
    out = run_isolated(Emptying.SOURCE + """
        from skpxl import reportbook
        row = []
        row += [Emptying(row), "b", 3]
        print(reportbook.table_hash(["x", "y", "z"], [row]))
    """)
    assert out.strip() == reportbook.table_hash(["x", "y", "z"], [("E", "b", 3)])


def test_row_numbers_past_the_largest_machine_integer():
    """C added the row offset to ``first_row`` in a C long (signed overflow: row
    ``-9223372036854775808``), and refused a first row past it."""
    letters, attrs = ["A"], [""]
    big = 2**63 - 1
    xml = reportbook.render_rows([("a",), ("b",)], big, letters, attrs)
    assert re.findall(r'<row r="(\d+)"', xml) == [str(big), str(big + 1)]
    xml = reportbook.render_rows([("a",)], 2**70, letters, attrs)
    assert re.findall(r'<row r="(\d+)"', xml) == [str(2**70)]


@pytest.mark.parametrize("width", [5.5e-17, 1e-300])
def test_row_height_of_text_wrapped_in_a_hair_thin_column_is_the_cap(width):
    """A row is at most 409 points high (Excel's limit). C computed the line count as a C
    long from a double out of its range (undefined) and 15 x lines overflowed (a height
    of -1946744073709553521)."""
    xml = reportbook.render_rows([("x" * 50,)], 1, ["A"], [""], [width])
    assert re.findall(r' ht="(-?\d+)"', xml) == ["409"]


@pytest.mark.parametrize("width, error", [(math.nan, ValueError), (5e-324, OverflowError)])
def test_a_wrap_width_that_gives_no_line_count_is_refused(width, error):
    """Python cannot count the lines of text in a column NaN characters wide (or so thin
    that the count is infinite) and says so; C wrote whatever its undefined conversion of
    the double to a C long gave."""
    with pytest.raises(error):
        reportbook.render_rows([("x" * 50 + "\ny",)], 1, ["A"], [""], [width])


# --- turning it off, and saying whether it is in use ------------------------------------

STATUS = "from skpxl import sheetxml; s = sheetxml.speedups_status(); " \
         "print(s.in_use, s.reason, sheetxml._locate_c is None)"


@pytest.mark.parametrize("setting", ["0", "off", "False"])
def test_skpxl_speedups_0_turns_the_c_off(setting):
    env = {**os.environ, "SKPXL_SPEEDUPS": setting}
    assert run_isolated(STATUS, env).split() == ["False", "turned-off", "True"]


def test_the_c_is_in_use_by_default():
    compiled()
    env = {k: v for k, v in os.environ.items() if k != "SKPXL_SPEEDUPS"}
    assert run_isolated(STATUS, env).split() == ["True", "in-use", "False"]
    status = sheetxml.speedups_status()
    assert Path(status.detail).name.startswith("_speedups") and str(status).startswith(
        "C accelerator in use") and status.message().startswith("Akselerator C dipakai")


def _package_copy(root: Path, extension: bytes | None) -> Path:
    """A copy of the skpxl package under ``root``: without a compiled module, or with
    ``extension`` as its compiled module."""
    shutil.copytree(SOURCE / "skpxl", root / "skpxl", ignore=shutil.ignore_patterns(
        "*.so", "*.pyd", "__pycache__"))
    if extension is not None:
        suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
        (root / "skpxl" / f"_speedups{suffix}").write_bytes(extension)
    return root


@pytest.mark.parametrize("extension, reason", [(None, "not-built"),
                                               (b"not a shared library", "import-error")])
def test_status_says_why_the_c_is_not_in_use(tmp_path, extension, reason):
    """The copy is imported without site-packages (``-S``; sheetxml needs nothing else),
    where no installed skpxl can lend it its compiled module."""
    folder = _package_copy(tmp_path, extension)
    env = {k: v for k, v in os.environ.items() if k not in ("SKPXL_SPEEDUPS", "PYTHONPATH")}
    out = run_isolated(STATUS + "; print(s.message('en')); print(s.message('id'))", env,
                       cwd=folder, flags=("-S",))
    lines = out.splitlines()
    assert lines[0].split() == ["False", reason, "True"]
    assert "Python" in lines[1] and "Python" in lines[2] and lines[1] != lines[2]


def test_the_readme_check_does_not_import_a_source_checkout(tmp_path):
    """The README's check, run in a source checkout, reports the installed skpxl: a
    ``python -c`` there imports the checkout's ``skpxl/`` (without its compiled module, if
    skpxl was installed with ``pip install .``), which is what the old check did."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"`(python [^`]*speedups_status[^`]*)`", text)
    assert found, "README.md has no check that calls speedups_status()"
    command = shlex.split(found.group(1))
    assert command[0] == "python"
    env = {k: v for k, v in os.environ.items() if k != "SKPXL_SPEEDUPS"}
    checkout = tmp_path / "checkout"
    (checkout / "skpxl").mkdir(parents=True)
    (checkout / "skpxl" / "__init__.py").write_text(
        'raise ImportError("the source checkout was imported")\n', encoding="utf-8")
    shadowed = subprocess.run([sys.executable, "-c", "import skpxl.sheetxml"], cwd=checkout,
                              env=env, capture_output=True, text=True, timeout=120)
    assert "the source checkout was imported" in shadowed.stderr   # what it guards against
    here = run_isolated("from skpxl import sheetxml; print(sheetxml.speedups_status())", env)
    for folder in (checkout, tmp_path):
        result = subprocess.run([sys.executable, *command[1:]], cwd=folder, env=env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        assert result.stdout == here, folder
