"""--previous: next quarter's SKP pre-filled from last quarter's returned workbook."""

from __future__ import annotations

import random

from skpxl.extract import extract
from skpxl.generate import generate
from skpxl.simulate import fill_workbook


def test_plans_carried_forward_and_evaluation_cleared(roster_csv, tmp_path):
    generate(roster_csv, "2025-Q2", tmp_path / "q2")
    returned = tmp_path / "q2-kembali"
    rng = random.Random(3)
    sources = sorted((tmp_path / "q2").rglob("*.xlsx"))
    filled = {}
    for path in sources:
        filled[path.name] = fill_workbook(path, returned / path.name, rng=rng)
    result = generate(roster_csv, "2025-Q3", tmp_path / "q3", previous=returned)
    assert result.count("written") == len(sources)
    for record in result.files:
        doc = extract(record.path).document
        before = filled[next(n for n in filled if n.startswith(record.nip))]
        assert doc["periode"]["kode"] == "2025-Q3"
        assert [i["rhk"] for i in doc["hasil_kerja"]["utama"]] == \
            [i["rhk"] for i in before["hasil_kerja"]["utama"]]
        first = doc["hasil_kerja"]["utama"][0]["iki"][0]
        assert first["indikator"] == before["hasil_kerja"]["utama"][0]["iki"][0]["indikator"]
        assert "realisasi" not in first and "umpan_balik" not in first
        assert "evaluasi" not in doc or not doc["evaluasi"].get("rating_hasil_kerja")


def test_missing_previous_file_is_a_note_not_a_failure(roster_csv, tmp_path):
    empty = tmp_path / "kosong"
    empty.mkdir()
    result = generate(roster_csv, "2025-Q3", tmp_path / "q3", previous=empty)
    assert result.ok and result.count("written") > 0
    assert all(p.code == "generate.previous_missing" for f in result.files for p in f.problems)
