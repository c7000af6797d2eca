"""The JSON Schemas are valid Draft 2020-12, documented, and true of real data."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from skpxl.resources import schemas_dir
from skpxl.roster import read_roster

SAMPLES = schemas_dir().parent / "samples"


@pytest.mark.parametrize("path", sorted(schemas_dir().glob("*.schema.json")),
                         ids=lambda p: p.name)
def test_schema_is_valid_and_documented(path):
    schema = json.loads(path.read_text("utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"].endswith("2020-12/schema")
    assert schema.get("title") and schema.get("description")


def test_sample_roster_rows_match_the_roster_schema():
    schema = json.loads((schemas_dir() / "roster.schema.json").read_text("utf-8"))
    roster = read_roster(SAMPLES / "pegawai-bawaslu-jatim.csv")
    rows = [{k: v for k, v in e.to_dict().items() if k != "row"} for e in roster.employees]
    errors = list(Draft202012Validator(schema).iter_errors(rows))
    assert not errors, errors[:3]


def test_roster_schema_rejects_a_corrupted_nip():
    schema = json.loads((schemas_dir() / "roster.schema.json").read_text("utf-8"))
    row = {"nip": "1.98703152010121E+17", "nama": "A", "jabatan": "B",
           "jenis_jabatan": "Pelaksana", "unit_kerja": "C"}
    assert list(Draft202012Validator(schema).iter_errors([row]))
