"""The fast plain-SpreadsheetML reader (skpxl.sheetxml) gives exactly what python-calamine gives.

Every comparison reads the same file twice: with ``reader.PLAIN_XLSX`` on (the fast path)
and off (calamine for every sheet); the fast path runs once with the C cell locator
(``skpxl/_speedups.c``) and once with its Python twin (the ``locator`` fixture). The files
are those skpxl meets: generated and filled SKP workbooks (all four templates, every
typical mistake), the test builder's workbook with every value type, hand-written XML in
the odd shapes some writers produce, random cell contents written by openpyxl, and
LibreOffice re-saves.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from skpxl import reader, sheetxml
from skpxl.generate import generate
from skpxl.reader import read_workbook
from skpxl.simulate import MISTAKES, fill_workbook
from conftest import missing
from test_reader import build_skp, write_xlsx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from workload import HEADER, roster_rows  # noqa: E402


@pytest.fixture(params=["C", "Python"])
def locator(request, monkeypatch) -> str:
    """Run a test with each way wanted cells are located: the compiled ``skpxl._speedups``
    (skipped where it is not in use, a failure where ``SKPXL_REQUIRE_SPEEDUPS`` is set, as
    ``.ci/run`` does) and the Python version every installation has."""
    if request.param == "Python":
        monkeypatch.setattr(sheetxml, "_locate_c", None)
    else:
        compiled()
    return request.param


def compiled() -> None:
    """Skip (or fail, with ``SKPXL_REQUIRE_SPEEDUPS``) a test of the C locator without it."""
    if sheetxml._locate_c is None:
        missing(f"skpxl._speedups is not in use: {sheetxml.speedups_status()}",
                "SKPXL_REQUIRE_SPEEDUPS")


def both_ways(path: Path, monkeypatch) -> tuple[dict, dict]:
    """(fast, calamine) readings of every sheet: grids, formula cells, picks."""
    out = []
    for plain in (True, False):
        monkeypatch.setattr(reader, "PLAIN_XLSX", plain)
        book = read_workbook(path)
        everywhere = [(r, c) for r in range(1, 120) for c in range(1, 16)]
        picks = {s: read_workbook(path).pick(s, everywhere) for s in book.sheet_names}
        grids = {s: book.cells(s) for s in book.sheet_names}
        formulas = {s: book.formula_cells(s) for s in book.sheet_names}
        out.append({"grids": grids, "formulas": formulas, "picks": picks})
    monkeypatch.setattr(reader, "PLAIN_XLSX", True)
    return out[0], out[1]


def assert_same(path: Path, monkeypatch) -> dict:
    fast, slow = both_ways(path, monkeypatch)
    for key in ("grids", "formulas", "picks"):
        for sheet in slow[key]:
            a, b = fast[key][sheet], slow[key][sheet]
            assert a == b, (path.name, key, sheet)
            if key == "grids":   # same types too (1 == 1.0 == True in Python)
                assert [[type(v) for v in row] for row in a] == \
                    [[type(v) for v in row] for row in b], (path.name, sheet)
    return fast


def used_fast_path(path: Path) -> bool:
    """True when every worksheet of ``path`` was read by sheetxml (no calamine fallback)."""
    book = read_workbook(path)
    for sheet in book.sheet_names:
        book.cells(sheet)
    sheets = [s for s, (_, kind) in book._parts.items() if kind.endswith("/worksheet")]
    return all(s in book._formulas for s in sheets)


@pytest.fixture(scope="module")
def returned(tmp_path_factory) -> list[Path]:
    """Generated SKP workbooks (all four templates) filled in, with every typical mistake."""
    root = tmp_path_factory.mktemp("kembali")
    roster = root / "roster.csv"
    rows = roster_rows(8)
    rows[1][5], rows[2][5] = "JPT", "Pelaksana"          # more than one template
    with open(roster, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    generate(roster, "2025-Q3", root / "skp")
    generate(roster, "2025", root / "tahunan")
    sources = sorted((root / "skp").rglob("*.xlsx")) + sorted((root / "tahunan").rglob("*.xlsx"))
    out = []
    for i, source in enumerate(sources):
        target = root / "kembali" / f"{i}.xlsx"
        mistake = MISTAKES[i % len(MISTAKES)] if i % 2 else None
        fill_workbook(source, target, rng=random.Random(i), mistake=mistake)
        out += [source, target]
    return out


def test_returned_workbooks_read_the_same(returned, monkeypatch, locator):
    templates = set()
    for path in returned:
        fast = assert_same(path, monkeypatch)
        templates.add(fast["grids"]["_skpxl"][1][1])
        assert used_fast_path(path), path.name
    assert len(templates) >= 2


def test_every_value_type_reads_the_same(tmp_path, monkeypatch, locator):
    path = build_skp(tmp_path / "skp.xlsx")
    assert_same(path, monkeypatch)
    assert used_fast_path(path)


def test_dates_times_durations_and_errors(tmp_path, monkeypatch, locator):
    wb = openpyxl.Workbook()
    ws = wb.active
    values = [(dt.date(2025, 9, 30), None), (dt.datetime(2025, 9, 30, 13, 30), None),
              (0.5, "h:mm"), (1.5, "[h]:mm"), (45000, "dd/mm/yyyy"),
              (45000.25, "dd mmmm yyyy"), (0, "yyyy-mm-dd"), (59, "d-mmm-yy"),
              (61, "d-mmm-yy"), (45000, '0.00 "d"'), (12.5, "#,##0.00"), (7, '"Y" 0'),
              (45000, "[$-421]dd mmmm yyyy"), (0.25, "mm:ss"), (2.5, "[mm]:ss")]
    for row, (value, fmt) in enumerate(values, start=1):
        ws.cell(row, 1, value)
        if fmt:
            ws.cell(row, 1).number_format = fmt
    ws["B1"], ws["B2"], ws["B3"] = True, False, "=1/0"
    ws["B4"], ws["B5"] = "=NA()", '=""'
    wb.save(tmp_path / "nilai.xlsx")
    fast = assert_same(tmp_path / "nilai.xlsx", monkeypatch)
    column = [row[0] for row in fast["grids"]["Sheet"]]
    assert column[0] == dt.date(2025, 9, 30) and column[3] == dt.timedelta(days=1.5)
    assert column[9] == 45000 and column[12] == dt.date(2023, 3, 15)
    assert used_fast_path(tmp_path / "nilai.xlsx")


def test_shared_strings_rich_text_entities_and_escapes(tmp_path, monkeypatch, locator):
    sst = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           "<si><t></t></si><si><t>a_x000D_b&#13;c\r\nd &amp; &lt;&#x41;&gt;</t></si>"
           '<si><r><t>x</t></r><r><rPr><b/><sz val="11"/></rPr><t xml:space="preserve"> y </t>'
           "</r></si><si><t/></si><si><t>Di Atas Ekspektasi</t></si></sst>")
    rows = ['<row r="1"><c r="A1" t="s"><v>1</v></c><c r="B1" t="s"><v>2</v></c>'
            '<c r="C1" t="s"><v>0</v></c><c r="D1" s="0" t="s"><v>4</v></c></row>',
            '<row r="3" spans="1:4"><c r="A3" t="inlineStr"><is><t>p_x0009_q &amp;</t></is>'
            '</c><c r="B3" t="str"><f>A1&amp;""</f><v> 12 </v></c><c r="C3" t="e"><v>#N/A'
            '</v></c><c r="D3"><v>-0</v></c><c r="E3"><f>1+1</f></c></row>',
            '<row r="5"/><row r="6"><c r="F6" t="b"><v>1</v></c><c r="G6" s="0"/></row>']
    path = write_xlsx(tmp_path / "sst.xlsx", rows)
    with_sst = tmp_path / "dengan-sst.xlsx"
    _add_shared_strings(path, with_sst, sst)
    fast = assert_same(with_sst, monkeypatch)
    assert used_fast_path(with_sst)
    grid = fast["grids"]["S"]
    assert grid[0][0].startswith("ab") and grid[0][1] == "x y " and grid[0][3] == \
        "Di Atas Ekspektasi"
    assert grid[2][0] == "p\tq &" and grid[2][1] == " 12 " and fast["formulas"]["S"] == {
        "B3", "E3"}


def test_text_without_preserve_is_trimmed_like_calamine(tmp_path, monkeypatch, locator):
    """A ``<t>`` without ``xml:space="preserve"`` loses its leading and trailing XML
    whitespace (entities resolved first, ``_xHHHH_`` escapes after); other spaces stay.
    openpyxl writes a lone newline or tab that way."""
    texts = ["\n", "  ", " a ", "&#10;", "e&#32;", " &lt;x", "h &amp; ", "_x000D_d",
             "\u00a0a\u00a0", "\u3000b", "&#x2028;f"]
    cells = [f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{text}</t></is></c>'
             for i, text in enumerate(texts)]
    cells += ['<c r="A2" t="inlineStr"><is><t xml:space="preserve"> </t></is></c>',
              '<c r="B2" t="inlineStr"><is><r><t> </t></r><r><t>x</t></r></is></c>',
              '<c r="C2" t="inlineStr"><is><r><t xml:space="preserve"> </t></r><r><t>x</t>'
              '</r></is></c>', '<c r="D2" t="str"><v> </v></c>',
              '<c r="E2" t="s"><v>0</v></c><c r="F2" t="s"><v>1</v></c>'
              '<c r="G2" t="s"><v>2</v></c>']
    path = write_xlsx(tmp_path / "spasi.xlsx", ['<row r="1">' + "".join(cells[:11]) + "</row>",
                                                '<row r="2">' + "".join(cells[11:]) + "</row>"])
    sst = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           '<si><t> s </t></si><si><r><t> r </t></r><r><t>t </t></r></si>'
           '<si><t xml:space="preserve"> u </t></si></sst>')
    with_sst = tmp_path / "spasi-sst.xlsx"
    _add_shared_strings(path, with_sst, sst)
    fast = assert_same(with_sst, monkeypatch)
    assert used_fast_path(with_sst)
    grid = fast["grids"]["S"]
    assert grid[0][:3] == [None, None, "a"] and grid[0][8] == "\u00a0a\u00a0"
    assert grid[1][:7] == [" ", "x", " x", " ", "s", "rt", " u "]


def _add_shared_strings(src: Path, dst: Path, sst: str) -> None:
    import zipfile
    rel = ('<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/'
           '2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", rel.encode())
            zout.writestr(info.filename, data)
        zout.writestr("xl/sharedStrings.xml", sst)


@pytest.mark.parametrize("rows", [
    ['<row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>awalan</x:t></x:is></x:c></row>'],
    ['<row r="1"><c t="inlineStr"><is><t>tanpa r</t></is></c><c><v>2</v></c></row>'],
    ['<row r="1"><c s="0" r="A1" t="inlineStr"><is><t>urutan atribut</t></is></c></row>'],
    ['<row r="1"><c r="A1" t="inlineStr"><is><t><![CDATA[<b>cdata</b>]]></t></is></c></row>'],
    ['<row r="1"><!-- <c r="A1"><v>9</v></c> --><c r="B1"><v>1</v></c></row>'],
    ['<row r="1"><c\n r="A1"><v>3</v></c></row>'],
    ['<row spans="1:2" r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c>'
     '</row>'],
    ['<row r="1"><c r="A1"><v>1</v></c></row><row><c r="A2"><v>2</v></c></row>'],
    ['<row r="01"><c r="A1"><v>1</v></c></row>'],
    ['<row r="2"><c r="A2"><v>2</v></c></row><row r="1"><c r="A1"><v>1</v></c></row>'],
    ['<row r="1"><c r="A1" t="d"><v>2025-09-30T00:00:00</v></c></row>'],
    ['<row r="1"><c r="A1"><v>1e999</v></c><c r="B1"><v>1,5</v></c></row>'],
    ['<row r="1"><c r="A1" t="s"><v>5</v></c></row>'],
])
def test_odd_shapes_fall_back_to_calamine(tmp_path, monkeypatch, rows, locator):
    """What the fast path does not read plainly, calamine reads (or refuses) as before."""
    path = write_xlsx(tmp_path / "aneh.xlsx", rows)
    try:
        assert_same(path, monkeypatch)
    except reader.UnreadableFileError as err:    # calamine refuses it too
        monkeypatch.setattr(reader, "PLAIN_XLSX", False)
        with pytest.raises(reader.UnreadableFileError) as slow:
            read_workbook(path).cells("S")
        assert slow.value.code == err.code


def test_big_sheets_are_read(tmp_path, monkeypatch, locator):
    """Sheets well over 64 KB (LibreOffice writes ~70 KB for Evaluasi) read plainly."""
    rows = [f'<row r="{r}">' + "".join(f'<c r="{col}{r}" s="1"/>' for col in "ABCDEFGH")
            + f'<c r="I{r}" t="inlineStr"><is><t>baris {r}</t></is></c></row>'
            for r in range(1, 800)]
    path = write_xlsx(tmp_path / "besar.xlsx", rows)
    fast = assert_same(path, monkeypatch)
    assert fast["grids"]["S"][798][8] == "baris 799" and used_fast_path(path)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                               HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=40),
    st.integers(-10**18, 10**18), st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(), st.dates(dt.date(1900, 3, 1), dt.date(2100, 1, 1))), min_size=1, max_size=30))
def test_random_cells_read_the_same(tmp_path_factory, monkeypatch, locator, values):
    wb = openpyxl.Workbook()
    for i, value in enumerate(values):
        if isinstance(value, str):
            value = openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE.sub("", value)
            if value.startswith("="):
                value = " " + value
        wb.active.cell(1 + i // 5, 1 + i % 5, value)
    path = tmp_path_factory.mktemp("acak") / "acak.xlsx"
    wb.save(path)
    assert_same(path, monkeypatch)


def test_libreoffice_resaves_read_the_same(returned, convert, tmp_path, monkeypatch, locator):
    out = convert(returned[:4], "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo")
    for path in out:
        assert_same(path, monkeypatch)
        assert used_fast_path(path), path.name


@pytest.mark.parametrize("code, kind", [
    ("dd/mm/yyyy", sheetxml.DATE), ("yyyy-mm-dd hh:mm", sheetxml.DATE), ("h:mm AM/PM", sheetxml.DATE),
    ("[h]:mm:ss", sheetxml.DURATION), ("[ss]", sheetxml.DURATION), ("0.00", 0),
    ('#,##0 "hari"', 0), ("\\d0", 0), ("General", 0), ("[Red]0.0;[Blue]-0.0", 0),
    ("[$-421]dddd, d mmmm yyyy", sheetxml.DATE), ('0;"m"', 0), ("_-* #,##0_-", 0),
    ("*d0", 0)])
def test_number_format_kinds(code, kind):
    assert sheetxml.format_kind(code) == kind


# --- the C locator against its Python twin, on sheets bent out of shape ----------------------

_EDITS = [b"<!-- x -->", b"<![CDATA[y]]>", b'<c  r="A1">', b"<c>", b'<c s="1" r="B2">',
          b'<x:c r="A1">', b'<row r="7">', b'<row r="07">', b'<row  r="3">', b"<row>", b"</c>",
          b"/>", b">", b'"', b"<", b'<c r="AAAA1">', b'<c r="A0">', b"<sheetData>",
          b"</sheetData>", b'<row r="99999999999">', b"<cols>", b"<col ", b":c>"]


def _sheet_and_rows(path: Path, sheet: str = "SKP"):
    book = read_workbook(path)
    xml = book._plain_xml(sheet)
    everywhere = [(r, c) for r in range(1, 120) for c in range(1, 16)]
    return xml, reader._wanted_for(tuple(everywhere), book.limits).rows


def _same_or_left_to_python(xml: bytes, rows) -> None:
    """The C locator's contract: the Python result, or None (then Python decides)."""
    fast = sheetxml._locate_c(xml, rows)
    if fast is not None:
        assert fast == sheetxml._locate(xml, rows)


def test_c_locator_finds_what_python_finds(returned):
    compiled()
    for path in returned[:6]:
        book = read_workbook(path)
        for sheet in book.sheet_names:
            xml, rows = _sheet_and_rows(path, sheet)
            located = sheetxml._locate_c(xml, rows)
            assert located is not None and located == sheetxml._locate(xml, rows), sheet


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.floats(0, 1), st.sampled_from(_EDITS), st.booleans()),
                min_size=1, max_size=4), st.randoms(use_true_random=False))
def test_c_locator_agrees_on_bent_sheets(bent_source, edits, rng):
    """Insert or overwrite tokens anywhere in a real sheet (and swap, repeat or drop rows):
    the C locator returns what Python returns or leaves the case to Python, never crashes."""
    compiled()
    xml, rows = bent_source
    data = bytearray(xml)
    for where, token, overwrite in edits:
        at = int(where * len(data))
        data[at:at + (len(token) if overwrite else 0)] = token
    bent = bytes(data)
    pieces = bent.split(b'<row r="')
    if len(pieces) > 3 and rng.random() < 0.5:      # rows out of order or repeated
        i, j = rng.sample(range(1, len(pieces)), 2)
        pieces[i] = pieces[j] if rng.random() < 0.5 else pieces[i]
        pieces[i], pieces[j] = pieces[j], pieces[i]
        bent = b'<row r="'.join(pieces)
    try:
        _same_or_left_to_python(bent, rows)
    except sheetxml.Unusual:
        assert sheetxml._locate_c(bent, rows) is None   # Python refuses: C left it to Python


@pytest.fixture(scope="module")
def bent_source(returned):
    return _sheet_and_rows(returned[1])


# --- cells of every shape, located by C and by Python -----------------------------------------

_PLAIN = [b"a", b" ", b"\t", b"\n", b"\xc3\xa9", b"\xe3\x80\x80", b"\xc2\xa0", b"x_", b"_", b"Z"]
_ODD_TEXT = [b"\r", b"\x01", b"\x1f", b"\x7f", b"\x00", b"&amp;", b"&#10;", b"&bogus;", b"&",
             b"_x000D_", b"_x", b"\xff", b"\xc3", b"\xed\xa0\x80", b"</t>", b"<t>"]
_TEXTS = st.one_of(   # plain pieces with at most one odd piece among them, or any text
    st.tuples(st.lists(st.sampled_from(_PLAIN), max_size=7), st.lists(
        st.sampled_from(_ODD_TEXT), max_size=1), st.integers(0, 7)).map(
        lambda t: b"".join(t[0][:t[2]] + t[1] + t[0][t[2]:])),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=12).map(
        lambda t: t.replace("<", "").encode("utf-8")))
_NUMBERS = st.one_of(
    st.sampled_from([b"1", b"-0", b"0.0", b"1e999", b"-1e999", b"1.", b".5", b"-.5e-3", b"+1",
                     b" 1", b"1 ", b"1_0", b"0x10", b"007", b"1e", b"e5", b"-", b".", b"",
                     b"999999999999999", b"1000000000000000", b"1e15", b"-1e15", b"2.5E+3",
                     b"nan", b"inf", b"12345678901234567890", b"1,5", b"\xd9\xa1"]),
    st.floats(allow_nan=False).map(lambda f: repr(f).encode()),
    st.integers(-10**20, 10**20).map(lambda i: str(i).encode()))
_ATTRS = st.lists(st.sampled_from([b' t="s"', b' t="n"', b' t="inlineStr"', b' t="str"',
                                   b' t="b"', b' t="e"', b' t="d"', b' s="0"', b' s="1"',
                                   b' s="2"', b' s="7"', b' s="12345678901"', b' s=""',
                                   b' s="x"', b'\ts="1"', b" t=", b' x="1"']), max_size=3)


_SHAPES = {"t": b"<is><t>%s</t></is>", "preserve": b'<is><t xml:space="preserve">%s</t></is>',
           "v": b"<v>%s</v>", "rich": b"<is><r><t>%s</t></r></is>", "formula": b"<f>A1</f><v>%s</v>"}
_USUAL = {"t": [b' t="inlineStr"'], "preserve": [b' s="1"', b' t="inlineStr"'], "v": [],
          "sst": [b' t="s"'], "rich": [b' t="inlineStr"'], "formula": [b' t="str"']}


def _cell_xml(col: str, shape: str, attrs: list[bytes] | None, text: bytes, number: bytes,
              index: int) -> bytes:
    """One cell: ``attrs`` None gives the attributes the shape usually has."""
    if shape == "sst":
        content = b"<v>%d</v>" % index
    else:
        content = _SHAPES[shape] % (number if shape in ("v", "formula") else text)
    attrs = _USUAL[shape] if attrs is None else attrs
    return b'<c r="' + col.encode() + b'1"' + b"".join(attrs) + b">" + content + b"</c>"


@settings(max_examples=500, deadline=None)
@example([("t", None, b"\t a\n", b"", 0), ("t", None, b"b\x7f", b"", 0),
          ("preserve", None, b"_x0041_", b"", 0), ("sst", None, b"", b"", 9),
          ("sst", None, b"", b"", 8), ("v", [b' s="2"'], b"", b"45930", 0),
          ("v", [b' t="n"', b' s="7"'], b"", b"-0.0", 0)], {1: sheetxml.DATE, 2: 2, 7: 0}, 32767)
@given(st.lists(st.tuples(st.sampled_from(["t", "preserve", "v", "sst", "rich", "formula"]),
                          st.one_of(st.none(), _ATTRS), _TEXTS, _NUMBERS, st.integers(-1, 10)),
                min_size=1, max_size=6),
       st.sampled_from([{}, {1: sheetxml.DATE, 2: sheetxml.DURATION, 7: 0}]),
       st.sampled_from([3, 32767]))
def test_cells_of_every_shape_read_the_same_with_the_c_locator(cells, styles, max_chars):
    """Every cell shape, every kind of text and number: picked with the C locator, the
    cells read what they read with the Python one (value and type); a cell Python finds
    unusual keeps the whole sheet for calamine either way. Each cell is also picked
    alone, so one unusual cell does not hide what the others read."""
    compiled()
    cols = [sheetxml.col_letter(i) for i in range(len(cells))]
    xml = (b'<worksheet><sheetData><row r="1">' + b"".join(
        _cell_xml(col, *cell) for col, cell in zip(cols, cells)) + b"</row></sheetData>"
        b"</worksheet>")
    tags = [(i + 1, b'<c r="' + col.encode() + b'1"') for i, col in enumerate(cols)]
    strings = ["", "kata", "  ", "a\x01b", "x" * 40, "\t\n", "\u00e9", "a\x7f", " b "]
    for wanted in [tags, *([tag] for tag in tags)]:
        rows, results = [(1, b"1", wanted)], []
        for locator in (sheetxml._locate_c, None):
            saved, sheetxml._locate_c = sheetxml._locate_c, locator
            try:
                picked = sheetxml.pick_cells(xml, rows, strings, styles, max_chars)
                results.append(None if picked is None else (
                    {k: (type(v), v) for k, v in picked[0].items()}, picked[1]))
            except sheetxml.Unusual:
                results.append("unusual")
            finally:
                sheetxml._locate_c = saved
        assert results[0] == results[1], wanted
