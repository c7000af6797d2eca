"""NIP and NI PPPK (skp.md section 6): every ``nip.*`` code triggered, and its near miss.

NIP PNS: birth date YYYYMMDD, TMT CPNS YYYYMM, sex (1 male, 2 female), sequence (3).
NI PPPK: birth date, year of first appointment YYYY, ``2``, contracts (1), sex, sequence.
The NIPs below are assembled from those parts, so each test shows which part is wrong.
"""

from __future__ import annotations

import copy
from datetime import date

import pytest

from skpxl.generate import build_document
from skpxl.manifest import choose_template, load_template
from skpxl.nip import check_nip
from skpxl.periods import parse_period
from skpxl.roster import read_roster
from skpxl.validate import validate_file
from skpxl.writer import CompiledTemplate

TODAY = date(2025, 10, 1)


def pns(birth="19900115", tmt="201503", sex="1", seq="003") -> str:
    return birth + tmt + sex + seq


def pppk(birth="19920315", year="2024", contracts="1", sex="2", seq="001") -> str:
    return birth + year + "2" + contracts + sex + seq


def codes(raw, **kwargs) -> list[str]:
    return [code for code, _ in check_nip(raw, today=TODAY, **kwargs).problems]


def only(raw, **kwargs) -> tuple[str, dict]:
    """The one problem ``raw`` has (fails when it has none or several)."""
    [problem] = check_nip(raw, today=TODAY, **kwargs).problems
    return problem


# --- well-formed NIPs: what the parts say ---------------------------------------------------

def test_a_pns_nip_tells_birth_date_sex_and_kind():
    check = check_nip(pns(), today=TODAY)
    assert check.ok and check.problems == []
    assert (check.nip, check.kind, check.birth_date, check.sex) == (
        "199001152015031003", "PNS", date(1990, 1, 15), "L")


def test_a_pppk_number_tells_birth_date_sex_and_kind():
    check = check_nip(pppk(), today=TODAY)
    assert check.ok
    assert (check.nip, check.kind, check.birth_date, check.sex) == (
        "199203152024212001", "PPPK", date(1992, 3, 15), "P")


@pytest.mark.parametrize("nip,sex", [(pns(sex="1"), "L"), (pns(sex="2"), "P"),
                                     (pppk(sex="1"), "L"), (pppk(sex="2"), "P")])
def test_sex_digit_1_is_male_2_is_female(nip, sex):
    assert check_nip(nip, today=TODAY).sex == sex


# --- nip.missing ----------------------------------------------------------------------------

@pytest.mark.parametrize("raw", [None, "", "   ", "\t"])
def test_missing(raw):
    assert only(raw) == ("nip.missing", {})


def test_missing_near_miss_zero_is_not_blank():
    assert codes("0") == ["nip.length"]


# --- nip.number and nip.scientific: a NIP Excel stored as a number ---------------------------

def test_number_is_reported_with_its_digits():
    assert only(199001152015031003) == ("nip.number", {"value": "199001152015031003"})
    assert only(12345.0) == ("nip.number", {"value": "12345"})
    assert check_nip(199001152015031003, today=TODAY).nip == "199001152015031003"


def test_number_near_miss_the_same_digits_as_text_are_fine():
    assert codes("199001152015031003") == []


@pytest.mark.parametrize("raw", [1.99001152015031e17, 1e15])
def test_scientific_float(raw):
    assert codes(raw) == ["nip.scientific"]


@pytest.mark.parametrize("text", ["1.99001E+17", "1,99001E+17", "1.99001e+17", "2E17", " 1.9E+17 "])
def test_scientific_text(text):
    assert only(text) == ("nip.scientific", {"value": text.strip()})


def test_scientific_near_miss_a_float_below_15_digits_is_a_plain_number():
    assert codes(99_999_999_999_999.0) == ["nip.number"]
    assert codes("1990E11520150310") == ["nip.chars"]


def test_true_is_not_a_number_nip():
    assert codes(True) == ["nip.chars"]


# --- nip.spaces: a warning, the digits are still read -----------------------------------------

@pytest.mark.parametrize("text", ["19900115 201503 1 003", "19900115.201503.1.003",
                                  "1990.0115.2015.03.1.003", "19900115\u00a0201503\u00a01\u00a0003"])
def test_spaces_or_dots(text):
    check = check_nip(text, today=TODAY)
    assert [code for code, _ in check.problems] == ["nip.spaces"]
    assert check.nip == "199001152015031003" and check.kind == "PNS"


def test_spaces_near_miss_blanks_around_the_digits_say_nothing():
    assert codes(" 199001152015031003 ") == []
    assert check_nip(" 199001152015031003 ", today=TODAY).nip == "199001152015031003"


# --- nip.chars ------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["1990011520150310O3", "19900115-201503-1-003", "NIP 199001152015",
                                  "１９９００１１５２０１５０３１００３", "\u0661" * 18, "19900115201503100\u00b3"])
def test_chars(text):
    assert only(text) == ("nip.chars", {"value": text})


# --- nip.length -----------------------------------------------------------------------------

@pytest.mark.parametrize("text", [pns()[:-1], pns() + "4", "1990011520150310030"[:-2], "1"])
def test_length(text):
    assert only(text) == ("nip.length", {"value": text, "length": len(text)})


def test_length_near_miss_eighteen_digits():
    assert len(pns()) == 18 and codes(pns()) == []


# --- nip.birth_date -------------------------------------------------------------------------

@pytest.mark.parametrize("birth", ["19901315", "19900230", "19900100", "19391231", "20110101",
                                   "00000000"])
def test_birth_date(birth):
    nip = pns(birth=birth, tmt="202601")
    assert only(nip) == ("nip.birth_date", {"value": nip, "part": birth})


@pytest.mark.parametrize("birth", ["19400101", "20101231", "19920229"])
def test_birth_date_near_miss_at_the_bounds(birth):
    """Born 1940 or later, at least 15 years old this year; 29 February of a leap year."""
    assert codes(pns(birth=birth, tmt="202601")) == []


# --- nip.tmt --------------------------------------------------------------------------------

@pytest.mark.parametrize("tmt", ["201500", "201513", "195912", "202701"])
def test_tmt_pns(tmt):
    assert only(pns(birth="19400101", tmt=tmt)) == (
        "nip.tmt", {"value": pns(birth="19400101", tmt=tmt), "part": tmt})


def test_tmt_pns_before_the_fifteenth_birthday():
    assert codes(pns(birth="19900115", tmt="200412")) == ["nip.tmt"]


@pytest.mark.parametrize("tmt", ["201501", "201512", "196001", "202612", "200501"])
def test_tmt_pns_near_miss(tmt):
    """Months 01 and 12, 1960 at the earliest, next year at the latest, at 15 years old."""
    assert codes(pns(birth="19400101" if tmt < "1990" else "19900115", tmt=tmt)) == []


@pytest.mark.parametrize("year", ["2018", "2027", "1999"])
def test_tmt_pppk_year(year):
    assert only(pppk(year=year)) == ("nip.tmt", {"value": pppk(year=year), "part": year})


def test_tmt_pppk_before_the_fifteenth_birthday():
    assert codes(pppk(birth="20060101", year="2020")) == ["nip.tmt"]


@pytest.mark.parametrize("year", ["2019", "2026"])
def test_tmt_pppk_near_miss(year):
    """PPPK exist since 2019; appointments may be dated next year."""
    assert codes(pppk(year=year)) == []


# --- nip.sex --------------------------------------------------------------------------------

@pytest.mark.parametrize("digit", ["0", "3", "9"])
@pytest.mark.parametrize("shape", [pns, pppk])
def test_sex(shape, digit):
    nip = shape(sex=digit)
    assert only(nip) == ("nip.sex", {"value": nip, "part": digit})
    assert check_nip(nip, today=TODAY).sex == ""


# --- nip.kind: PNS/CPNS status against the NIP's shape ---------------------------------------

@pytest.mark.parametrize("status,nip,kind", [
    ("CPNS", pppk(), "PPPK"), ("PNS", pppk(), "PPPK"), ("PPPK", pns(), "PNS"),
    ("pppk", pns(), "PNS"), ("cpns", pppk(), "PPPK")])
def test_kind(status, nip, kind):
    assert only(nip, expect_kind=status) == (
        "nip.kind", {"value": nip, "status": status, "kind": kind})


@pytest.mark.parametrize("status,nip", [
    ("PNS", pns()), ("CPNS", pns()), ("cpns", pns()), ("PPPK", pppk()), ("Pppk", pppk()),
    ("PNS DPK", pppk()), ("Non ASN", pns()), (None, pppk())])
def test_kind_near_miss(status, nip):
    assert codes(nip, expect_kind=status) == []


# --- the same codes where staff type them: the workbook's NIP cell --------------------------

@pytest.fixture(scope="module")
def rated_document(samples_dir):
    roster = read_roster(samples_dir / "pegawai.csv")
    emp = next(e for e in roster.employees if e.status_asn == "PNS" and roster.penilai_of(e)
               and e.jenis_jabatan != "JPT")
    template = load_template(choose_template(emp.jenis_jabatan, emp.pendekatan))
    document = build_document(template, parse_period("2025-Q3"), emp, roster.penilai_of(emp),
                              roster.atasan_penilai_of(emp), None, None,
                              generated_at="2025-10-01T08:00:00+00:00")
    return template, document


@pytest.mark.parametrize("who", ["pegawai", "penilai"])
@pytest.mark.parametrize("raw,code", [
    (float(pns()), "nip.scientific"), ("1.99001E+17", "nip.scientific"),
    (pns() + "4", "nip.length"), ("1990011520150310O3", "nip.chars"),
    (pns(tmt="201500"), "nip.tmt"), (pns(sex="3"), "nip.sex"),
    (pns(birth="19901315"), "nip.birth_date"), ("19900115 201503 1 003", "nip.spaces")])
def test_codes_point_at_the_nip_cell(rated_document, tmp_path, who, raw, code):
    template, document = rated_document
    document = copy.deepcopy(document)
    document[who]["nip"] = raw
    path = tmp_path / "skp.xlsx"
    path.write_bytes(CompiledTemplate(template).render(document))
    field = template.field(f"{who}_nip")
    found = {(p.code, p.sheet, p.cell) for p in validate_file(path).issues}
    assert (code, field.sheet, field.cell) in found, found


def test_pns_status_with_a_pppk_number_in_the_workbook(rated_document, tmp_path):
    template, document = rated_document
    document = copy.deepcopy(document)
    document["pegawai"]["nip"] = pppk()
    path = tmp_path / "skp.xlsx"
    path.write_bytes(CompiledTemplate(template).render(document))
    field = template.field("pegawai_nip")
    found = {(p.code, p.sheet, p.cell) for p in validate_file(path).issues}
    assert ("nip.kind", field.sheet, field.cell) in found, found
