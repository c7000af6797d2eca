"""Table rows spliced into a saved report workbook, a few thousand rows at a time, read back
by another reader: every row in its place, on big sheets (deflated as they are rendered)
and small ones, with two tables on one sheet."""

from __future__ import annotations

import io
import zipfile

import python_calamine

from skpxl import reportbook
from skpxl.reportbook import Column, ReportBook, TableSheet

COLUMNS = (Column("NIP", 20), Column("Nama", 30), Column("Catatan", 40, "wrap"),
           Column("Nilai", 10, "number"), Column("Urut", 8, "int"))


def rows(count: int, tag: str) -> list[tuple]:
    return [(f"{tag}{i:06d}", f"Pegawai {i} & <rekan>", "catatan panjang " * (i % 7),
             i / 8, i) for i in range(count)]


def read_back(data: bytes, sheet: str) -> list[list]:
    with python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)) as book:
        return book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def as_read(row: tuple) -> list:
    """A row as a value-only reader returns it (numbers as floats, empty cells as '')."""
    return [float(v) if isinstance(v, (int, float)) else "" if v is None else v for v in row]


def test_big_and_small_tables_read_back_row_by_row():
    big = TableSheet("Besar", "Besar", COLUMNS, rows(8 * reportbook._CHUNK_ROWS + 17, "B"))
    small = TableSheet("Kecil", "Kecil", COLUMNS, rows(5, "K"))
    book = ReportBook()
    book.table(big)
    book.table(small)
    data = book.to_bytes()

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        sizes = {info.filename: info.file_size for info in z.infolist()}
    assert max(sizes.values()) > reportbook._BIG_MEMBER     # the streamed path was taken
    for spec in (big, small):
        table = read_back(data, spec.sheet)
        assert table[0] == spec.headings
        assert [as_read(r) for r in table[1:]] == [as_read(r) for r in spec.rows]


def test_two_tables_on_one_sheet_keep_their_places():
    first = TableSheet("Dua", "Pertama", COLUMNS, rows(reportbook._CHUNK_ROWS + 1, "P"))
    second = TableSheet("Dua", "Kedua", COLUMNS[:3], rows(4, "Q"), top=first.end_row + 3)
    book = ReportBook()
    ws = book.table(first)
    book.table(second, ws)
    table = read_back(book.to_bytes(), "Dua")
    assert table[0] == first.headings
    assert [as_read(r) for r in table[1:first.end_row]] == [as_read(r) for r in first.rows]
    assert table[second.top - 1][:3] == second.headings
    assert [as_read(r[:3]) for r in table[second.top:second.end_row]] == \
        [as_read(r[:3]) for r in second.rows]
    assert len(table) == second.end_row      # the dimension covers the second table


def test_empty_table_keeps_its_header():
    book = ReportBook()
    book.table(TableSheet("Kosong", "Kosong", COLUMNS, []))
    assert read_back(book.to_bytes(), "Kosong")[0] == [c.heading for c in COLUMNS]
