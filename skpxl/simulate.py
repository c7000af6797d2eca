"""Simulated returns: fill generated workbooks the way staff and assessors would.

Used by ``skpxl demo``, the tests and the benchmarks. Values are written with the same fast
writer as generation, into the employee's own workbook (read back with the extractor), so
the result looks like a file saved by a spreadsheet program: input cells filled and the
predikat formula carrying its computed value.
"""

from __future__ import annotations

import copy
import random
from pathlib import Path

from . import domain
from .document import set_path
from .extract import extract

#: typical mistakes, each turning a valid return into one with a precise problem
MISTAKES = ("nip_number", "rating_missing", "predikat_wrong", "realisasi_missing",
            "wrong_period", "name_changed", "target_text")

SAMPLE_PLAN = [
    ("Terlaksananya dukungan administrasi yang tertib", [
        ("Kuantitas", "Jumlah laporan kegiatan yang disusun", 3, "laporan"),
        ("Kualitas", "Persentase laporan tanpa revisi", 90, "%"),
        ("Waktu", "Ketepatan waktu penyampaian laporan", 3, "bulan")]),
    ("Tersusunnya data kepegawaian yang mutakhir", [
        ("Kuantitas", "Jumlah data pegawai yang dimutakhirkan", 25, "data"),
        ("Waktu", "Ketepatan waktu pemutakhiran", 3, "bulan")]),
]


def _default_plan(kuantitatif: bool, jpt: bool) -> list[dict]:
    plan = []
    for rhk, ikis in SAMPLE_PLAN:
        item = {"rhk": rhk, "iki": []}
        for aspek, indikator, target, satuan in ikis:
            iki = {"indikator": indikator}
            if jpt:
                iki["perspektif"] = domain.PERSPEKTIF[len(item["iki"]) % 4]
            else:
                iki["aspek"] = aspek
            if kuantitatif:
                iki.update(target=target, satuan=satuan)
            else:
                iki["target"] = f"{indikator} tercapai sesuai rencana"
            item["iki"].append(iki)
        plan.append(item)
    return plan


def filled_document(document: dict, template, rng: random.Random, *,
                    ratings: tuple[str, str] | None = None) -> dict:
    """A copy of ``document`` with plan (if empty), realisasi, feedback and ratings."""
    doc = copy.deepcopy(document)
    kuant = template.pendekatan == "kuantitatif"
    hasil = doc.setdefault("hasil_kerja", {})
    if not hasil.get("utama"):
        hasil["utama"] = _default_plan(kuant, template.jenis == "JPT")
        rhk_atasan = (doc.get("penilai") or {}).get("rhk") or []
        if rhk_atasan and template.jenis != "JPT":
            for item in hasil["utama"]:
                item["rhk_pimpinan"] = rng.choice(rhk_atasan)
    for section in ("utama", "tambahan"):
        for item in hasil.get(section) or []:
            for iki in item.get("iki", []):
                target = iki.get("target")
                if kuant and isinstance(target, (int, float)):
                    iki["realisasi"] = max(0, round(target * rng.choice((0.8, 0.9, 1, 1, 1.1))))
                else:
                    iki["realisasi"] = "Tercapai sesuai target, bukti dukung terlampir"
                iki["umpan_balik"] = rng.choice(("Pertahankan", "Sudah baik", "Tingkatkan "
                                                 "ketepatan waktu", "Lengkapi bukti dukung"))
    for row in doc.get("perilaku", []):
        row["umpan_balik"] = rng.choice(("Sudah menunjukkan perilaku yang diharapkan",
                                         "Perlu ditingkatkan", "Menjadi teladan"))
    hk, pk = ratings or (rng.choices(domain.RATINGS, weights=(2, 7, 1))[0],
                         rng.choices(domain.RATINGS, weights=(2, 7, 1))[0])
    doc["evaluasi"] = {"capaian_organisasi": "Baik", "pola_distribusi": "Normal",
                       "rating_hasil_kerja": hk, "rating_perilaku": pk,
                       "predikat": domain.predikat_for(hk, pk),
                       "catatan_rekomendasi": "Pertahankan kinerja."}
    return doc


def apply_mistake(doc: dict, mistake: str) -> None:
    """Make one typical mistake in a filled document."""
    if mistake == "nip_number":
        doc["pegawai"]["nip"] = float(doc["pegawai"]["nip"])
    elif mistake == "rating_missing":
        doc["evaluasi"].pop("rating_perilaku", None)
        doc["evaluasi"]["predikat"] = None
    elif mistake == "predikat_wrong":
        right = doc["evaluasi"]["predikat"]
        doc["evaluasi"]["predikat"] = next(p for p in domain.PREDIKAT if p != right)
    elif mistake == "realisasi_missing":
        doc["hasil_kerja"]["utama"][0]["iki"][0].pop("realisasi", None)
    elif mistake == "wrong_period":
        doc["periode"]["kode"] = "2025-Q2"
    elif mistake == "name_changed":
        doc["pegawai"]["nama"] = doc["pegawai"]["nama"].upper() + " (revisi)"
    elif mistake == "target_text":    # number and unit typed into the target cell alone
        first = doc["hasil_kerja"]["utama"][0]["iki"][0]
        first["target"] = f"{first.get('target')} {first.pop('satuan', None) or 'laporan'}"
    else:
        raise ValueError(f"unknown mistake {mistake!r}")


def assessor_ratings(quarters: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The annual ratings an assessor might give in the light of the quarters' (rating
    hasil kerja, rating perilaku): the most frequent of each, the later quarter's on a tie.
    A simulation, not a rule: the regulation leaves the annual ratings to the assessor."""
    if not quarters:
        return None
    picks = []
    for column in zip(*quarters):
        counts = {value: column.count(value) for value in column}
        best = max(counts.values())
        picks.append(next(v for v in reversed(column) if counts[v] == best))
    return picks[0], picks[1]


def fill_workbook(source: Path, target: Path, *, rng: random.Random, mistake: str | None = None,
                  ratings: tuple[str, str] | None = None, edit=None) -> dict:
    """Write a filled-in copy of the generated workbook ``source`` to ``target``;
    ``edit(document)``, when given, changes the filled document before it is written.

    An annual evaluation keeps its "Evaluasi Triwulan" sheet, and without ``ratings`` the
    assessor's ratings follow the quarters it shows (:func:`assessor_ratings`)."""
    from .generate import _compiled
    from .manifest import METADATA_SHEET
    from .quartersheet import copy_from, quarter_ratings
    from .writer import write_atomic
    extraction = extract(source)
    template = extraction.template
    if ratings is None:
        ratings = assessor_ratings(quarter_ratings(source))
    doc = filled_document(extraction.document, template, rng, ratings=ratings)
    # restore the typed values of pre-filled fields (dates were read back as ISO text)
    for key in ("mulai", "selesai"):
        value = doc["periode"].get(key)
        if isinstance(value, str):
            from datetime import date
            doc["periode"][key] = date.fromisoformat(value)
    tanggal = doc.get("pengesahan", {}).get("tanggal")
    if isinstance(tanggal, str):
        from datetime import date
        set_path(doc, "$.pengesahan.tanggal", date.fromisoformat(tanggal))
    if mistake:
        apply_mistake(doc, mistake)
    if edit is not None:
        edit(doc)
    data = _compiled(str(template.path), None).render(doc)
    data = copy_from(Path(source).read_bytes(), data, metadata_sheet=METADATA_SHEET)
    write_atomic(target, data)
    return doc
