"""Property-based fuzzing: mutated workbooks never crash skpxl.

Bounded in CI (``SKPXL_FUZZ_EXAMPLES``, default 25 per property). A longer run:

    SKPXL_FUZZ_EXAMPLES=2000 python -m pytest tests/test_fuzz.py -q
"""

from __future__ import annotations

import io
import os
import random
import zipfile

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skpxl.cli import cli
from skpxl.generate import generate
from skpxl.simulate import fill_workbook
from skpxl.validate import validate_file

EXAMPLES = int(os.environ.get("SKPXL_FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


@pytest.fixture(scope="module")
def returned(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz")
    roster = root / "roster.csv"
    roster.write_text(
        "NIP,Nama,Status ASN,Pangkat/Gol,Jabatan,Jenis Jabatan,Unit Kerja,NIP Penilai\n"
        "197001012000031001,Budi,PNS,IV/a,Kepala,Administrator,Unit A,\n"
        "198503122010122002,Siti,PNS,III/c,Analis,Fungsional,Unit A,197001012000031001\n",
        encoding="utf-8")
    generate(roster, "2025-Q3", root / "skp")
    source = sorted((root / "skp").rglob("*.xlsx"))[1]
    target = root / "filled.xlsx"
    fill_workbook(source, target, rng=random.Random(1))
    return target.read_bytes()


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    return out.getvalue()


def _check(tmp_path, data: bytes) -> None:
    path = tmp_path / "mutated.xlsx"
    path.write_bytes(data)
    report = validate_file(path)  # must not raise
    assert all(p.code and p.message() for p in report.issues)
    assert report.valid or report.issues
    result = CliRunner().invoke(cli, ["validate", str(path), "--jobs", "1"])
    assert result.exit_code in (0, 1, 3), result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@FUZZ
@given(position=st.floats(0, 1), length=st.integers(1, 400),
       junk=st.binary(min_size=0, max_size=64))
def test_sheet_xml_byte_mutations(tmp_path, returned, position, length, junk):
    members = _members(returned)
    name = random.Random(int(position * 1000)).choice(
        [n for n in members if n.startswith("xl/worksheets/")])
    xml = members[name]
    start = int(position * max(0, len(xml) - 1))
    members[name] = xml[:start] + junk + xml[start + length:]
    _check(tmp_path, _zip(members))


@FUZZ
@given(drop=st.integers(0, 100), cut=st.floats(0.05, 0.99))
def test_zip_entries_dropped_or_file_truncated(tmp_path, returned, drop, cut):
    members = _members(returned)
    names = sorted(members)
    del members[names[drop % len(names)]]
    _check(tmp_path, _zip(members))
    _check(tmp_path, returned[: int(len(returned) * cut)])


CELL_TEXT = st.one_of(
    st.text(max_size=50),
    st.sampled_from(["=HYPERLINK(\"http://x\",\"klik\")", "+1", "-1", "@SUM(A1)", "diatas",
                     "1.98703152010121E+17", "٣٤٥", "😀" * 10, "\u202eRTL", "x" * 32767]),
    st.integers(-10**20, 10**20).map(str),
)


@FUZZ
@given(values=st.lists(CELL_TEXT, min_size=1, max_size=8), seed=st.integers(0, 10**6))
def test_random_text_in_cells(tmp_path, returned, values, seed):
    rng = random.Random(seed)
    members = _members(returned)
    names = [n for n in members if n.startswith("xl/worksheets/sheet")]
    for value in values:
        name = rng.choice(names)
        xml = members[name].decode("utf-8")
        spots = [i for i in range(len(xml)) if xml.startswith("<c r=", i)][:400]
        if not spots:
            continue
        at = rng.choice(spots)
        end = xml.find(">", at)
        if xml[end - 1] == "/":
            ref = xml[at:end - 1]
            from xml.sax.saxutils import escape
            safe = "".join(ch for ch in value if ch >= " " or ch in "\n\t")
            xml = (xml[:at] + ref + ' t="inlineStr"><is><t>' + escape(safe) + "</t></is></c>"
                   + xml[end + 1:])
        members[name] = xml.encode("utf-8")
    _check(tmp_path, _zip(members))
