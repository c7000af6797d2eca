"""Shipped templates: rebuilt byte for byte by the build script, and complete manifests."""

from __future__ import annotations

import json

import pytest

from skpxl import domain
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
