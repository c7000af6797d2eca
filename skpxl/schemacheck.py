"""Checking a document against the stage's JSON Schema, every error mapped to its cell.

jsonschema-rs tells in microseconds whether a document is valid; only a document with errors
goes through jsonschema, which collects every error with its path (:func:`schema_errors`),
and each error becomes a :class:`~skpxl.problems.Problem` at the cell the path comes from,
labelled as the form labels it (:func:`label_of`), in Indonesian or English.
"""

from __future__ import annotations

import copy
import json
import re
from functools import lru_cache

from . import domain
from .document import to_jsonable
from .manifest import METADATA_SHEET
from .problems import ERROR, Problem, define
from .resources import schemas_dir

define("schema.required", ERROR, "{label} belum diisi.", "{label} is empty.")
define("schema.type", ERROR, "{label} berisi '{value}', seharusnya {expected}.",
       "{label} holds '{value}'; expected {expected}.")
define("schema.enum", ERROR, "{label} berisi '{value}', bukan salah satu pilihan: {expected}. "
       "Pilih dari daftar pada sel.", "{label} holds '{value}', which is not one of: {expected}. "
       "Pick from the cell's list.")
define("schema.format", ERROR, "{label} berisi '{value}', bukan {expected} yang sah.",
       "{label} holds '{value}', not a valid {expected}.")
define("schema.invalid", ERROR, "{label}: {detail}", "{label}: {detail}")

LABELS = {
    "nama": ("Nama", "Name"), "nip": ("NIP", "NIP"), "pangkat": ("Pangkat/Gol.", "Rank"),
    "jabatan": ("Jabatan", "Position"), "unit_kerja": ("Unit kerja", "Unit"),
    "rhk": ("Rencana hasil kerja (RHK)", "Work plan (RHK)"),
    "rhk_pimpinan": ("RHK pimpinan yang diintervensi", "Superior's RHK"),
    "aspek": ("Aspek", "Aspect"), "indikator": ("Indikator kinerja individu (IKI)", "IKI"),
    "target": ("Target", "Target"), "satuan": ("Satuan", "Unit of target"),
    "perspektif": ("Perspektif", "Perspective"), "realisasi": ("Realisasi", "Realisation"),
    "umpan_balik": ("Umpan balik", "Feedback"), "rating_hasil_kerja": (
        "Rating hasil kerja", "Work result rating"),
    "rating_perilaku": ("Rating perilaku kerja", "Behaviour rating"),
    "predikat": ("Predikat kinerja pegawai", "Performance predikat"),
    "capaian_organisasi": ("Capaian kinerja organisasi", "Organisation achievement"),
    "tanggal": ("Tanggal", "Date"), "kode": ("Kode periode", "Period code"),
    "utama": ("Hasil kerja utama", "Main results"), "iki": ("IKI", "IKI"),
    "nilai": ("Perilaku kerja", "Behaviour"), "instansi": ("Nama instansi", "Agency name"),
}
WHO = {"pegawai": ("pegawai", "employee"), "penilai": ("pejabat penilai", "assessor"),
       "atasan_penilai": ("atasan pejabat penilai", "assessor's superior")}
EXPECTED = {"string": ("teks", "text"), "number": ("angka", "a number"),
            "date": ("tanggal", "a date"), "array": ("daftar", "a list"),
            "object": ("isian", "a record")}


def label_of(path: str, lang: str = "id") -> str:
    """A human label for a document path: ``NIP pegawai``, ``Target (RHK 2, IKI 1)``."""
    names = re.findall(r"\.([a-z_]+)", path)
    indexes = [int(i) for i in re.findall(r"\[(\d+)\]", path)]
    last = names[-1] if names else path
    pair = LABELS.get(last, (last.replace("_", " ").capitalize(),) * 2)
    text = pair[1] if lang == "en" else pair[0]
    if names and names[0] in WHO and len(names) > 1:
        text += " " + WHO[names[0]][1 if lang == "en" else 0]
    if "hasil_kerja" in names and indexes:
        where = f"RHK {indexes[0] + 1}" + (f", IKI {indexes[1] + 1}" if len(indexes) > 1 else "")
        section = "tambahan" if "tambahan" in names else "utama"
        text += f" ({section} {where})"
    elif "perilaku" in names and indexes:
        text += f" ({domain.BERAKHLAK[indexes[0]][0]})" if indexes[0] < 7 else ""
    return text


STAGE_SCHEMAS = {"plan": "skp-plan", "evaluation": "skp-evaluation"}


@lru_cache(maxsize=None)
def _stage_schemas() -> dict[str, dict]:
    return {name: json.loads((schemas_dir() / f"{name}.schema.json").read_text("utf-8"))
            for name in STAGE_SCHEMAS.values()}


@lru_cache(maxsize=None)
def schema_validators() -> dict:
    """jsonschema validators for the two stages (Draft 2020-12, format checks on): they
    collect every error of a document, each with its path."""
    return _validators(_stage_schemas())


@lru_cache(maxsize=64)
def _section_validator(stage: str, sections: frozenset):
    """The stage's jsonschema validator with every top-level section but ``sections``
    accepted as it is (its subschema replaced by ``true``, in the stage schema and in the
    plan schema it refers to): see :func:`schema_errors`."""
    schemas = copy.deepcopy(_stage_schemas())
    for schema in schemas.values():
        properties = schema.get("properties", {})
        for key in properties:
            if key not in sections:
                properties[key] = True
    return _validators(schemas)[stage]


def schema_errors(doc, stage: str):
    """jsonschema's errors of ``doc``: every one, in its order, found faster.

    The stage schemas check each top-level section on its own (``properties`` and
    ``required``; no conditionals, no keyword relating two sections), so jsonschema only
    needs to walk the sections in which jsonschema-rs finds an error: the others are
    accepted as they are (:func:`_section_validator`), and the errors are the same, in the
    same order (the tests compare both ways on randomly broken documents). Without
    jsonschema-rs the whole document is walked."""
    fast = fast_validators()
    if fast is None or not isinstance(doc, dict):
        return schema_validators()[stage].iter_errors(doc)
    try:
        failing = frozenset(e.instance_path[0] for e in fast[stage].iter_errors(doc)
                            if e.instance_path)
    except ValueError:   # jsonschema-rs refuses what JSON cannot hold (a dict with int keys)
        return schema_validators()[stage].iter_errors(doc)
    return _section_validator(stage, failing).iter_errors(doc)


def _validators(schemas: dict[str, dict]) -> dict:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    registry = Registry().with_resources(
        (s["$id"], Resource.from_contents(s)) for s in schemas.values())
    registry = registry.with_resources(
        (f"{name}.schema.json", Resource.from_contents(s)) for name, s in schemas.items())
    return {stage: Draft202012Validator(schemas[name], registry=registry,
                                        format_checker=Draft202012Validator.FORMAT_CHECKER)
            for stage, name in STAGE_SCHEMAS.items()}


@lru_cache(maxsize=None)
def fast_validators() -> dict | None:
    """jsonschema-rs validators for the same schemas: ``is_valid`` in microseconds, so the
    Python validator (milliseconds) only runs for documents that have errors to collect.
    None when jsonschema-rs is not installed."""
    try:
        import jsonschema_rs
    except ImportError:
        return None
    schemas = _stage_schemas()
    registry = jsonschema_rs.Registry(
        [(s["$id"], s) for s in schemas.values()]
        + [(f"{name}.schema.json", s) for name, s in schemas.items()])
    return {stage: jsonschema_rs.Draft202012Validator(schemas[name], validate_formats=True,
                                                      registry=registry)
            for stage, name in STAGE_SCHEMAS.items()}


def problem_at(extraction, path: str, code: str, params=None, *, value=None,
               severity=None) -> Problem:
    """A problem located at the cell the document ``path`` comes from."""
    sheet, cell = extraction.locate(path)
    if sheet == METADATA_SHEET:  # hidden from staff: point at nothing rather than mislead
        sheet = cell = None
    return Problem(code, params or {}, severity=severity or "", sheet=sheet, cell=cell,
                   path=path, value=value)


def _json_path(parts) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def schema_problems(extraction, stage: str, lang: str, reported: set[str],
                    doc: dict | None = None) -> list[Problem]:
    """Every schema error (not just the first), mapped to a cell through the manifest.
    ``doc``: the document already made JSON-able, if the caller has it."""
    out = []
    doc = to_jsonable(extraction.document) if doc is None else doc
    fast = fast_validators()
    if fast is not None and fast[stage].is_valid(doc):
        return out
    for error in schema_errors(doc, stage):
        base = _json_path(error.absolute_path)
        if error.validator == "required":
            missing = [name for name in error.validator_value
                       if not isinstance(error.instance, dict) or name not in error.instance]
            for name in missing:
                path = f"{base}.{name}"
                if path in reported or (stage == "evaluation" and path.endswith(".realisasi")):
                    continue
                if path.endswith(".iki") or path == "$.evaluasi" or path.startswith((
                        "$.evaluasi.rating", "$.evaluasi.predikat")):
                    continue  # covered by the SKP rules (skp.rating_missing) at the cells
                out.append(problem_at(extraction, path, "schema.required",
                                      {"label": label_of(path, lang)}))
            continue
        if base in reported or any(base.startswith(r + "[") for r in reported):
            continue
        if error.validator == "minItems" and base.endswith(".iki"):
            continue
        value = error.instance
        shown = value if not isinstance(value, (dict, list)) else ""
        params = {"label": label_of(base, lang), "value": shown}
        lang_index = 1 if lang == "en" else 0
        if error.validator == "enum":
            params["expected"] = ", ".join(error.validator_value)
            code = "schema.enum"
        elif error.validator in ("type", "pattern"):
            expected = error.validator_value if error.validator == "type" else "string"
            if isinstance(expected, list):
                expected = expected[0]
            # a date is text in the document: a date cell holding a plain number (its
            # date format lost) should still be asked for as a date
            expected = error.schema.get("format", expected) if isinstance(
                error.schema, dict) else expected
            params["expected"] = EXPECTED.get(expected, (str(expected),) * 2)[lang_index]
            if base.endswith(".nip"):
                params["expected"] = "NIP 18 digit" if lang != "en" else "an 18-digit NIP"
            code = "schema.type"
        elif error.validator == "format":
            params["expected"] = EXPECTED.get(error.validator_value, (error.validator_value,) * 2)[
                lang_index]
            code = "schema.format"
        else:
            params["detail"] = error.message
            code = "schema.invalid"
        out.append(problem_at(extraction, base, code, params, value=shown or None))
    return out
