"""Shipped templates: rebuilt byte for byte by the build script, and complete manifests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skpxl import domain
from skpxl.generate import generate
from skpxl.manifest import list_templates, load_template
from skpxl.resources import templates_dir
from skpxl.templatebuild import VARIANTS, build_all


def test_committed_templates_are_what_the_build_script_makes(tmp_path):
    build_all(tmp_path)
    for template_id, _, _ in VARIANTS:
        for suffix in (".xlsx", ".json"):
            committed = (templates_dir() / f"{template_id}{suffix}").read_bytes()
            assert (tmp_path / f"{template_id}{suffix}").read_bytes() == committed, (
                f"{template_id}{suffix} is stale: run python -m skpxl.templatebuild")


@pytest.mark.parametrize("template_id", [v[0] for v in VARIANTS])
def test_manifest_declares_the_promised_paths(template_id):
    tmpl = load_template(template_id)
    paths = {f["path"] for f in tmpl.describe_fields()}
    for path in ("$.pegawai.nip", "$.evaluasi.rating_hasil_kerja", "$.evaluasi.rating_perilaku",
                 "$.evaluasi.predikat", "$.periode.kode"):
        assert path in paths
    rating = tmpl.by_path("$.evaluasi.rating_hasil_kerja")
    assert rating.type == "enum" and rating.choices == list(domain.RATINGS)
    assert tmpl.by_path("$.evaluasi.predikat").kind == "formula"
    assert tmpl.groups["hk_utama"].blocks >= 10 and tmpl.groups["hk_utama"].rows_per_block >= 4
    assert tmpl.groups["hk_tambahan"].blocks >= 5
    assert set(tmpl.sheets) >= {"SKP", "Lampiran SKP", "Evaluasi", "Dokumen Evaluasi",
                                "Petunjuk", "_skpxl"}


def test_template_list_has_every_variant():
    assert [t.id for t in list_templates()] == sorted(v[0] for v in VARIANTS)
    data = json.loads((templates_dir() / "ja-jf-kuantitatif.json").read_text("utf-8"))
    assert all(f["kind"] in ("prefilled", "input", "formula") for f in data["fields"])


# --- earlier layouts: workbooks generated before a layout change keep their layout --------

def test_an_archived_version_is_loaded_for_its_workbooks():
    current = load_template("ja-jf-kuantitatif")
    old = load_template("ja-jf-kuantitatif", version="1.0.0")
    assert (old.id, old.version) == ("ja-jf-kuantitatif", "1.0.0") and current.version != "1.0.0"
    assert old.path.parent.name == "1.0.0" and old.path != current.path
    assert load_template("ja-jf-kuantitatif", version=current.version) is current
    assert load_template("ja-jf-kuantitatif", version="0.1.0") is current  # none kept
    assert load_template("ja-jf-kuantitatif", version="../1.0.0") is current
    assert [t.id for t in list_templates()] == sorted(v[0] for v in VARIANTS)


@pytest.mark.parametrize("template_id", [v[0] for v in VARIANTS])
def test_workbooks_of_the_previous_layout_still_validate(template_id, tmp_path, roster_csv,
                                                        plans_csv):
    """A 1.0.0 workbook (generated, then filled as staff do) is read with its own layout:
    valid, no version or structure warning, every value where it was written."""
    from skpxl.simulate import fill_workbook
    from skpxl.validate import validate_file
    import random

    old = load_template(template_id, version="1.0.0")
    result = generate(roster_csv, "2025-Q3", tmp_path / "skp", plans=plans_csv,
                      template=str(old.manifest_path), jobs=1)
    assert result.ok
    for record in result.files:
        returned = tmp_path / "kembali" / Path(record.path).name
        filled = fill_workbook(Path(record.path), returned, rng=random.Random(7))
        report = validate_file(returned, period="2025-Q3", keep_document=True)
        codes = [p.code for p in report.issues]
        assert report.valid, codes
        assert not [c for c in codes if c.startswith(("template.", "structure."))], codes
        assert report.document["meta"]["template_version"] == "1.0.0"
        assert report.document["evaluasi"]["predikat"] == filled["evaluasi"]["predikat"]
        assert [i["rhk"] for i in report.document["hasil_kerja"]["utama"]] == \
            [i["rhk"] for i in filled["hasil_kerja"]["utama"]]


@pytest.mark.parametrize("template_id", [v[0] for v in VARIANTS])
def test_archived_templates_still_pass_the_check(template_id):
    from skpxl.templatecheck import check_template
    old = load_template(template_id, version="1.0.0")
    report = check_template(old.path, manifest=old.manifest_path)
    assert report.ok and not report.problems, [p.code for p in report.problems]
