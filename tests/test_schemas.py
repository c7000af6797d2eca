"""The JSON Schemas are valid Draft 2020-12, documented, and true of real data."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
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


# --- the jsonschema-rs gate agrees with jsonschema ----------------------------------------

def _filled_document(tmp_path_factory) -> dict:
    import csv
    import random
    import sys
    from pathlib import Path

    from skpxl.document import to_jsonable
    from skpxl.extract import extract
    from skpxl.generate import generate
    from skpxl.simulate import fill_workbook
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from workload import HEADER, roster_rows
    root = tmp_path_factory.mktemp("gerbang")
    with open(root / "roster.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(roster_rows(2))
    generate(root / "roster.csv", "2025-Q3", root / "skp")
    source = sorted((root / "skp").rglob("*.xlsx"))[1]
    fill_workbook(source, root / "isi.xlsx", rng=random.Random(3))
    return to_jsonable(extract(root / "isi.xlsx").document)


@pytest.fixture(scope="module")
def filled_document(tmp_path_factory) -> dict:
    return _filled_document(tmp_path_factory)


def _leaves(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _leaves(value, path + (i,))
    yield path


ODD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 10**19), st.floats(allow_nan=False),
    st.sampled_from(["", "2025-02-30", "2025-13-01", "2025-09-30", "19870315201012100",
                     "198703152010121001\n", "1.98703152010121E+17", "Baik", "baik",
                     "Di Atas Ekspektasi", "sha256:" + "0" * 64, "2025-Q5", "2025-Q3",
                     "Kuantitas", "x" * 500]),
    st.text(max_size=20), st.lists(st.integers(), max_size=2), st.dictionaries(
        st.text(max_size=5), st.integers(), max_size=2))


@settings(max_examples=150, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.data())
def test_fast_gate_agrees_with_jsonschema(filled_document, data):
    """When jsonschema-rs says "valid", jsonschema finds no error either, so skipping the
    Python validator for such documents never hides an error. (The other way round only
    costs time: e.g. Python's ``$`` accepts a NIP with a trailing newline, Rust's does not.)"""
    import copy

    from skpxl.schemacheck import fast_validators, schema_validators
    fast = fast_validators()
    assert fast is not None, "jsonschema-rs is an install requirement"
    doc = copy.deepcopy(filled_document)
    paths = [p for p in _leaves(doc) if p]
    for _ in range(data.draw(st.integers(0, 4))):
        path = data.draw(st.sampled_from(paths))
        parent = doc
        try:
            for key in path[:-1]:
                parent = parent[key]
            if data.draw(st.booleans()) and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = data.draw(ODD_VALUES)
        except (KeyError, IndexError, TypeError):
            continue
    for stage in ("plan", "evaluation"):
        errors = list(schema_validators()[stage].iter_errors(doc))
        if fast[stage].is_valid(doc):
            assert not errors, (stage, [e.message for e in errors])


def test_fast_gate_passes_a_valid_document(filled_document):
    from skpxl.schemacheck import fast_validators, schema_validators
    for stage in ("plan", "evaluation"):
        assert not list(schema_validators()[stage].iter_errors(filled_document))
        assert fast_validators()[stage].is_valid(filled_document)


def _described(errors) -> list[tuple]:
    return [(e.validator, tuple(e.absolute_path), e.message, repr(e.validator_value),
             repr(e.instance)) for e in errors]


@settings(max_examples=150, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.data())
def test_errors_of_the_broken_sections_are_the_errors_of_the_document(filled_document, data):
    """schema_errors walks only the sections jsonschema-rs finds errors in: it gives the
    errors jsonschema gives for the whole document, in the same order."""
    import copy

    from skpxl.schemacheck import schema_errors, schema_validators
    doc = copy.deepcopy(filled_document)
    paths = [p for p in _leaves(doc) if p]
    for _ in range(data.draw(st.integers(1, 4))):
        path = data.draw(st.sampled_from(paths))
        parent = doc
        try:
            for key in path[:-1]:
                parent = parent[key]
            if data.draw(st.booleans()) and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = data.draw(ODD_VALUES)
        except (KeyError, IndexError, TypeError):
            continue
    for stage in ("plan", "evaluation"):
        whole = _described(schema_validators()[stage].iter_errors(doc))
        assert _described(schema_errors(doc, stage)) == whole, stage


def test_a_dict_json_cannot_hold_is_walked_whole(filled_document):
    """jsonschema-rs refuses a dict with an int key (found by the test above): schema_errors
    then walks the whole document with jsonschema and gives its errors."""
    import copy

    from skpxl.schemacheck import schema_errors, schema_validators
    doc = copy.deepcopy(filled_document)
    doc["pegawai"] = {0: "x"}
    for stage in ("plan", "evaluation"):
        whole = _described(schema_validators()[stage].iter_errors(doc))
        assert whole
        assert _described(schema_errors(doc, stage)) == whole, stage
