"""Validate returned SKP workbooks: JSON Schemas plus the SKP rules, cell by cell.

Every problem is a :class:`~skpxl.problems.Problem` located by sheet and cell: the schema's
(:mod:`skpxl.schemacheck`) and the SKP rules' (here). Files are checked independently (so
batches run in parallel); the batch-level rule (the same NIP and period twice) runs
afterwards over the small per-file records.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from . import domain
from .document import fingerprint, get_path, parse_field_checks, short_hash, to_jsonable
from .errors import EngineError, UnreadableFileError, UsageError
from .executor import map_ordered, on_dask, shipped_path
from .memo import remember
# imported here, not in the worker function: they declare problem codes (file.*, template.*,
# structure.*), and messages are rendered in the main process even when workers found them
from .extract import cells_by_sheet, extract, number_hint, number_with_its_unit
from .nip import check_nip
from .tables import excel_text
from .periods import parse_period
from .problems import ERROR, WARNING, Problem, define, rule
from .reader import read_workbook
from .quartersheet import check as quarters_check
from .schemacheck import label_of, problem_at, schema_problems
from .templatecheck import formula_fields, missing_formulas, run_cells, source_path

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")

define("file.unreadable", ERROR, "Berkas tidak dapat dibaca: {detail}",
       "The file cannot be read: {detail}")
define("skp.nip_mismatch", ERROR,
       "NIP pada file ({found}) berbeda dengan NIP saat file dibuat ({expected}). Apakah ini "
       "file milik pegawai lain?", "The NIP in the file ({found}) differs from the NIP the file "
       "was made for ({expected}). Is this someone else's file?")
define("skp.not_in_roster", ERROR, "NIP {nip} tidak ada di roster.", "NIP {nip} is not in the roster.")
define("skp.unit_mismatch", WARNING,
       "Menurut roster, {nip} bekerja di {expected}, bukan {found}.",
       "According to the roster, {nip} works at {expected}, not {found}.")
define("skp.period_mismatch", ERROR,
       "File ini untuk periode {found}, sedangkan yang diperiksa periode {expected}. Gunakan file "
       "periode yang benar.", "This file is for period {found}, but period {expected} is being "
       "checked. Use the file for the right period.")
define("skp.no_rhk", ERROR, "Belum ada Rencana Hasil Kerja {section}; isi minimal satu RHK "
       "beserta IKI-nya.", "No {section} work plan (RHK) yet; fill at least one RHK with its IKI.")
define("skp.penilai_empty", WARNING, "Data pejabat penilai kosong.",
       "The assessor's data is empty.")
define("skp.rhk_without_iki", ERROR, "RHK '{rhk}' belum memiliki IKI; isi minimal satu baris IKI.",
       "RHK '{rhk}' has no IKI; fill at least one IKI row.")
define("skp.target_not_number", ERROR,
       "Target '{value}' harus berupa angka (pendekatan kuantitatif). {hint[id]}",
       "Target '{value}' must be a number (quantitative approach). {hint[en]}")
define("skp.realisasi_not_number", ERROR,
       "Realisasi '{value}' untuk IKI '{iki}' harus berupa angka (pendekatan kuantitatif). "
       "{hint[id]}", "Realisation '{value}' of IKI '{iki}' must be a number (quantitative "
       "approach). {hint[en]}")
define("skp.satuan_missing", ERROR, "Satuan untuk target {value} belum diisi (misalnya laporan, %).",
       "The unit of target {value} is empty (e.g. reports, %).")
define("skp.realisasi_missing", ERROR, "Realisasi untuk IKI '{iki}' belum diisi.",
       "The realisation of IKI '{iki}' is empty.")
define("skp.rating_missing", ERROR, "{label} belum dipilih.", "{label} has not been chosen.")
define("skp.predikat_mismatch", ERROR,
       "Predikat '{found}' tidak sesuai matriks: rating hasil kerja '{hk}' dan rating perilaku "
       "'{pk}' menghasilkan '{expected}'.", "Predikat '{found}' does not match the matrix: rating "
       "'{hk}' and behaviour rating '{pk}' give '{expected}'.")
define("skp.predikat_not_computed", WARNING,
       "Sel predikat tidak menyimpan hasil hitungan: file terakhir disimpan oleh program yang "
       "tidak menghitung rumus (misalnya skrip). Menurut matriks predikatnya '{expected}'; "
       "buka dan simpan file di Excel atau LibreOffice agar predikat tercetak.",
       "The predikat cell stores no computed result: the file was last saved by a program that "
       "does not calculate formulas (a script, for instance). By the matrix the predikat is "
       "'{expected}'; open and save the file in Excel or LibreOffice so that it prints.")
define("skp.rating_not_choice", ERROR,
       "{label} berisi '{value}' ({why[id]}), sehingga rumus predikat pada formulir menghasilkan "
       "'?'. Pilih '{choice}' dari daftar pada sel.", "{label} holds '{value}' ({why[en]}), so "
       "the form's predikat formula gives '?'. Pick '{choice}' from the cell's list.")
define("skp.perilaku_missing", ERROR,
       "Baris perilaku kerja {number} ({expected}) hilang atau diubah.",
       "Behaviour row {number} ({expected}) is missing or was changed.")
define("skp.prefilled_changed", ERROR,
       "{label} diubah: isian ini dikunci dan diisi oleh bagian SDM. Kembalikan ke nilai semula "
       "atau hubungi bagian SDM bila datanya salah.", "{label} was changed: this cell is locked "
       "and filled by HR. Restore it, or contact HR if the data is wrong.")
define("skp.heading_changed", WARNING, "Teks {label} diubah dari aslinya.",
       "The text of {label} was changed from the original.")
define("skp.fingerprint", ERROR,
       "Data yang dikunci pada file ini telah diubah (sidik data tidak cocok).",
       "Locked data in this file was changed (fingerprint mismatch).")
define("skp.formula_in_input", WARNING,
       "Sel berisi rumus; yang dibaca adalah hasil terakhirnya ('{value}'). Ketik nilainya "
       "langsung.", "The cell holds a formula; its last result ('{value}') was read. Type the "
       "value directly.")
define("skp.formula_missing", ERROR,
       "{label} tidak tampil lagi di sel ini: rumusnya dihapus atau ditimpa, sehingga formulir "
       "yang dicetak dan ditandatangani tidak memuatnya. Salin sel itu dari file asli yang "
       "dikirim bagian SDM, atau minta file baru.", "{label} no longer shows in this cell: its "
       "formula was cleared or overwritten, so the printed and signed form lacks it. Copy the "
       "cell from the original file HR sent, or ask for a new file.")
define("skp.duplicate", WARNING,
       "NIP {nip} periode {period} dikirim lebih dari sekali: juga di {other}. Yang dipakai "
       "file ini.", "NIP {nip} for period {period} was submitted more than once: also in "
       "{other}. This file is the one used.")
define("skp.superseded", WARNING,
       "NIP {nip} periode {period} dikirim lebih dari sekali; yang dipakai {used} ({why[id]}). "
       "File ini tidak dihitung dan tidak perlu diperbaiki.", "NIP {nip} for period {period} "
       "was submitted more than once; the file used is {used} ({why[en]}). This file is not "
       "counted and needs no fixing.")

rule(20, "Ratings and the predikat the form shows", """
Ratings are read leniently (`diatas`, `DI ATAS *` mean Di Atas Ekspektasi), but the form's
predikat cell is a formula that looks each rating up in its list (MATCH: the whole text,
any case). A rating typed or pasted with another spelling or a trailing line break makes the
printed predikat **'?'**. So a file is never valid while its own predikat cell shows
something the matrix does not give:

- the file stores a computed predikat that differs from the matrix (usually '?'), and a
  rating's text is not a list entry: `skp.rating_not_choice` at that rating's cell, naming
  the entry to pick;
- it differs while both ratings are list entries: `skp.predikat_mismatch` at the predikat;
- it stores no predikat although both ratings are chosen (with both chosen the formula never
  gives an empty text): the file was last saved by a program that does not calculate
  formulas (openpyxl and other scripts write formulas without results). A rating that is not
  a list entry is then the same error (the form gives '?' once calculated); otherwise the
  warning `skp.predikat_not_computed` says exactly that and gives the matrix's predikat,
  which the reports use.

How "no stored result" shows: in .xlsx a formula cell without `<v>` or with an empty one and
no `t="str"` (Excel and LibreOffice write an empty text result as `t="str"` and `<v></v>`);
in .ods LibreOffice writes an empty text result with no value type at all, the same as no
result; .xls formula records always carry their result.
""")
rule(30, "Locked formula cells", """
The predikat and the mirrors (a field shown again on another sheet, such as the name and the
IKI on Evaluasi: `mirrors` in the manifest) are formulas in locked cells. A returned file
whose formula there was cleared, overwritten or deleted gets `skp.formula_missing` at the
cell, found by the same check (`skpxl.templatecheck.missing_formulas`) that gives
`template.formula_missing` in `skpxl template check`. Where it is looked: every .ods file
(its formulas are noted while the file is read), every .xlsx sheet whose protection was
removed (no person can change a locked cell before that; looking costs as much as reading
the sheet's fields, so still protected sheets are not looked into, except for the predikat,
which is read anyway), and .xls files by value (python-calamine reads no .xls formulas: a
mirror left empty while its field is filled).
""")
rule(50, "A file sent again: superseded", """
Several files with the same NIP and period: the one used is a valid one before an invalid
one, then the one generated later (workbook metadata), then the one saved later, then by
name. `skpxl validate` and `skpxl merge` choose by the same function
(`skpxl.validate.current_key`). The others are superseded (`skp.superseded`): not counted as
valid or invalid (validate: "digantikan file lain"; merge: set aside), no marked copy, no
effect on the exit code.
""")
rule(60, "Marked copies (validate --annotate)", """
A marked copy tells its owner "fix the marked cells, save, send the file back": only a file
that must be fixed (errors, and not superseded) gets one; warnings alone never do. No
stale copy stays: a copy skpxl wrote earlier (listed with its source and SHA-256 in the
hidden `.skpxl-salinan.json`) is removed when its file was checked again and needs no fixing
now, or is gone, unless someone changed the copy since; copies of files not checked in this
run (another unit's, validated on its own) stay. So the folder is replaced file by file, not
per run: one `perbaikan/` serves a whole province checked unit by unit. The closing line says
how many copies this run wrote. The folder may not be, or lie inside, a folder being
checked.

In a copy, a cell with an error has a thick dark-red frame and a red diagonal hatch (a
warning a dashed orange frame): on a greyscale printout it is a dark-framed grey cell, not a
pale input cell. Formula results are kept as the returned file had them, so the notes speak
of what the copy shows. The first sheet, Catatan Validasi, prints on one portrait A4 page
for up to ten problems.
""")


@dataclass
class FileReport:
    """The outcome for one file; small and picklable (workers return it)."""

    path: str
    valid: bool = False
    nip: str | None = None
    nama: str | None = None
    period: str | None = None
    stage: str | None = None
    template: str | None = None
    format: str | None = None
    sha256: str = ""
    mtime: float = 0.0
    generated_at: str | None = None
    issues: list[Problem] = field(default_factory=list)
    document: dict | None = None
    #: another file of the same NIP and period is the one used (see :func:`supersede`)
    superseded_by: str | None = None

    @property
    def must_fix(self) -> bool:
        """The file has errors and is the one used for its NIP: its owner must fix it."""
        return not self.valid and self.superseded_by is None

    def to_dict(self, lang: str = "id") -> dict:
        return {"path": self.path, "valid": self.valid, "nip": self.nip, "period": self.period,
                "stage": self.stage, "template": self.template,
                "superseded_by": self.superseded_by,
                "issues": [p.to_dict(lang) for p in self.issues]}


@dataclass
class ValidationReport:
    files: list[FileReport] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    #: with ``annotate``: the marked copies written (one per file to fix) and the copies of
    #: an earlier run removed from the folder (see :func:`skpxl.annotate.replace_copies`)
    annotated: list[str] | None = None
    removed: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        """No file that is used has errors (a superseded file does not count)."""
        return not any(f.must_fix for f in self.files)

    def stats(self) -> dict:
        counted = [f for f in self.files if f.superseded_by is None]
        issues = [p for f in counted for p in f.issues]
        return {"files": len(self.files), "valid": sum(f.valid for f in counted),
                "invalid": sum(not f.valid for f in counted),
                "superseded": len(self.files) - len(counted),
                "errors": sum(p.severity == ERROR for p in issues),
                "warnings": sum(p.severity == WARNING for p in issues),
                "skipped": len(self.skipped)}

    def to_dict(self, lang: str = "id") -> dict:
        data = {"valid": self.valid, "files": [f.to_dict(lang) for f in self.files],
                "skipped": self.skipped, "stats": self.stats()}
        if self.annotated is not None:
            data.update(annotated=self.annotated, removed=self.removed)
        return data


def infer_stage(doc: dict) -> str:
    evaluasi = doc.get("evaluasi") or {}
    if any(evaluasi.get(k) for k in ("rating_hasil_kerja", "rating_perilaku")):
        return "evaluation"
    for section in ("utama", "tambahan"):
        for item in doc.get("hasil_kerja", {}).get(section, []):
            if any(iki.get("realisasi") not in (None, "") for iki in item.get("iki", [])):
                return "evaluation"
    return "plan"


def check_rules(extraction, stage: str, *, period: str | None, roster_index: dict | None,
                lang: str = "id") -> list[Problem]:
    """The SKP rules a schema cannot express."""
    doc, out = extraction.document, []
    tmpl = extraction.template
    raw_nip = extraction.raw.get("$.pegawai.nip")
    for who in ("pegawai", "penilai"):
        raw = extraction.raw.get(f"$.{who}.nip")
        if raw is None:
            continue
        status = get_path(doc, "$.pegawai.status_asn") if who == "pegawai" else None
        for code, params in check_nip(raw, expect_kind=status or None).problems:
            if code in ("nip.number", "nip.scientific") and not isinstance(raw, str):
                params = {**params, "value": excel_text(raw)}   # as the cell shows it
            out.append(problem_at(extraction, f"$.{who}.nip", code, params, value=raw))
    meta_nip = get_path(doc, "$.meta.nip")
    nip = nip_of(doc)
    if meta_nip and isinstance(nip, str) and nip != meta_nip:
        out.append(problem_at(extraction, "$.pegawai.nip", "skp.nip_mismatch",
                              {"found": nip, "expected": meta_nip}, value=raw_nip))
    if roster_index is not None and isinstance(nip, str):
        emp = roster_index.get(nip)
        if emp is None:
            out.append(problem_at(extraction, "$.pegawai.nip", "skp.not_in_roster", {"nip": nip}))
        elif get_path(doc, "$.pegawai.unit_kerja") not in (None, emp.unit_kerja):
            out.append(problem_at(extraction, "$.pegawai.unit_kerja", "skp.unit_mismatch", {
                "nip": nip, "expected": emp.unit_kerja,
                "found": get_path(doc, "$.pegawai.unit_kerja")}))
    kode = get_path(doc, "$.periode.kode")
    if period and kode and str(kode) != period:
        out.append(problem_at(extraction, "$.periode.kode", "skp.period_mismatch",
                              {"found": kode, "expected": period}))
    locked_intact = _locked_intact(extraction)
    if not get_path(doc, "$.penilai.nama") and not locked_intact and \
            not _generated_as(doc, "$.penilai.nama", None):
        # (an empty assessor HR generated is the unit's head: roster check calls it normal)
        out.append(problem_at(extraction, "$.penilai.nama", "skp.penilai_empty"))
    if not doc.get("hasil_kerja", {}).get("utama"):
        out.append(problem_at(extraction, "$.hasil_kerja.utama", "skp.no_rhk",
                              {"section": "utama"}))
    numbers = _number_keys(tmpl)
    for section in ("utama", "tambahan"):
        for i, item in enumerate(doc.get("hasil_kerja", {}).get(section, [])):
            base = f"$.hasil_kerja.{section}[{i}]"
            if item.get("rhk") and not item.get("iki"):
                out.append(problem_at(extraction, f"{base}.iki", "skp.rhk_without_iki",
                                      {"rhk": item.get("rhk")}))
            for j, iki in enumerate(item.get("iki", [])):
                ipath = f"{base}.iki[{j}]"
                for key in numbers:
                    value = iki.get(key)
                    if value.__class__ is not str:
                        continue
                    number = number_with_its_unit(value, iki.get("satuan"))
                    if number is not None:     # "12 laporan" where the satuan is laporan
                        iki[key] = number
                        continue
                    out.append(problem_at(extraction, f"{ipath}.{key}", _NOT_NUMBER[key], {
                        "value": value, "iki": iki.get("indikator") or "",
                        "hint": number_hint(value, iki.get("satuan"), key)}, value=value))
                target = iki.get("target")
                if "target" in numbers and isinstance(target, (int, float)) and \
                        not iki.get("satuan"):
                    out.append(problem_at(extraction, f"{ipath}.satuan", "skp.satuan_missing",
                                          {"value": target}))
                if stage == "evaluation" and iki.get("realisasi") in (None, "") and \
                        iki.get("indikator"):
                    out.append(problem_at(extraction, f"{ipath}.realisasi", "skp.realisasi_missing",
                                          {"iki": iki.get("indikator")}))
    perilaku = doc.get("perilaku") or []
    for i, (name, _) in enumerate(domain.BERAKHLAK):
        text = (perilaku[i] or {}).get("nilai") if i < len(perilaku) else None
        if not isinstance(text, str) or not text.strip().lower().startswith(name.lower()):
            out.append(problem_at(extraction, f"$.perilaku[{i}].nilai", "skp.perilaku_missing",
                                  {"number": i + 1, "expected": name}))
    if stage == "evaluation":
        out += _check_ratings(extraction, lang)
    if not locked_intact:
        # a locked value changed is an error even where a rule already warned about that
        # value (the unit the roster does not know, an empty assessor): the error replaces
        # the warning; a warning on how the cell was typed (nip.spaces) stays beside it;
        # where a rule already found an error (the NIP, a behaviour row), that one is kept
        errors = {p.path for p in out if p.severity == ERROR}
        changed = [p for p in _check_prefilled(extraction, lang) if p.path not in errors]
        paths = {p.path for p in changed}
        out = [p for p in out if p.path not in paths or not p.code.startswith("skp.")] + \
            changed
    return out


def nip_of(doc: dict) -> str | None:
    """The employee's NIP as the rules read it: a NIP typed with spaces or dots is its
    digits (``nip.spaces`` says so), one stored as a number is the NIP the file was made
    for (``nip.number`` says the cell is wrong)."""
    nip = get_path(doc, "$.pegawai.nip")
    if isinstance(nip, str):
        return check_nip(nip).nip or nip
    return get_path(doc, "$.meta.nip")


def _generated_as(doc: dict, path: str, value) -> bool:
    """The file's per-cell checks say the locked cell at ``path`` was generated holding
    ``value``."""
    checks = parse_field_checks(get_path(doc, "$.meta.checks"))
    return checks.get(path) == short_hash(value)


def _locked_intact(extraction) -> bool:
    """The file carries the fingerprint of its locked data and that data is unchanged."""
    doc, tmpl = extraction.document, extraction.template
    stored = get_path(doc, "$.meta.fingerprint")
    return bool(stored and tmpl is not None
                and fingerprint(tmpl.prefilled_values(doc)) == stored)


_NOT_NUMBER = {"target": "skp.target_not_number", "realisasi": "skp.realisasi_not_number"}


def _number_keys(tmpl) -> tuple[str, ...]:
    """The IKI keys (``target``, ``realisasi``) the template declares ``number``."""
    if tmpl is None:
        return ()
    hit = _NUMBER_KEYS.get(id(tmpl))
    if hit is None or hit[0] is not tmpl:
        found = {fld.path.rpartition(".")[2] for fld in tmpl.fields
                 if fld.type == "number" and ".iki[*]." in fld.path}
        hit = remember(_NUMBER_KEYS, id(tmpl),
                       (tmpl, tuple(key for key in _NOT_NUMBER if key in found)), 16)
    return hit[1]


_NUMBER_KEYS: dict = {}


RATING_KEYS = ("rating_hasil_kerja", "rating_perilaku")


def _check_ratings(extraction, lang: str) -> list[Problem]:
    """Both ratings chosen, and the predikat the form shows agrees with the matrix.

    Rating spellings are read leniently (``diatas`` is Di Atas Ekspektasi), but the form's
    own predikat formula looks the ratings up in its list (MATCH: exact text, any case):
    a rating that is not a list entry makes the printed predikat '?'. So when the stored
    predikat differs from the matrix, a rating that is not a list entry is the error, at
    its cell. With both ratings chosen the formula never gives "": an empty predikat means
    the file was last saved by a program that does not calculate, so the form would show
    '?' once calculated if a rating is not a list entry (an error again), and the matrix's
    predikat otherwise (a warning)."""
    doc, out = extraction.document, []
    evaluasi = doc.get("evaluasi") or {}
    hk, pk = evaluasi.get("rating_hasil_kerja"), evaluasi.get("rating_perilaku")
    for key, value in zip(RATING_KEYS, (hk, pk)):
        if value in (None, ""):
            out.append(problem_at(extraction, f"$.evaluasi.{key}", "skp.rating_missing",
                                  {"label": label_of(f"$.evaluasi.{key}", lang)}))
    if hk in domain.RATINGS and pk in domain.RATINGS:
        expected = domain.predikat_for(hk, pk)
        found = evaluasi.get("predikat")
        if found in (None, "") or found != expected:
            typed = [p for p in _ratings_not_listed(extraction, lang)]
            if typed:
                out += typed
                evaluasi.pop("predikat", None)
            elif found in (None, ""):
                out.append(problem_at(extraction, "$.evaluasi.predikat",
                                      "skp.predikat_not_computed", {"expected": expected}))
                evaluasi["predikat"] = expected
            else:
                out.append(problem_at(extraction, "$.evaluasi.predikat", "skp.predikat_mismatch",
                                      {"found": found, "expected": expected, "hk": hk,
                                       "pk": pk}, value=found))
    elif evaluasi.get("predikat") == "?":
        evaluasi.pop("predikat")
    return out


def _ratings_not_listed(extraction, lang: str) -> list[Problem]:
    """``skp.rating_not_choice`` for each rating whose text the form's list lookup does
    not find (MATCH compares whole texts, ignoring case)."""
    out = []
    for key in RATING_KEYS:
        path = f"$.evaluasi.{key}"
        raw = extraction.raw.get(path)
        canonical = get_path(extraction.document, path)
        choices = _choices(extraction.template, path) or domain.RATINGS
        if not isinstance(raw, str) or raw.casefold() in {c.casefold() for c in choices}:
            continue
        spaced = raw.strip().casefold() in {c.casefold() for c in choices}
        why = ({"id": "ada spasi atau baris baru tambahan", "en": "extra spaces or a line break"}
               if spaced else {"id": "bukan salah satu pilihan daftar",
                               "en": "not one of the list's entries"})
        out.append(problem_at(extraction, path, "skp.rating_not_choice", {
            "label": label_of(path, lang), "value": " ".join(raw.split()), "why": why,
            "choice": canonical}, value=raw))
    return out


def _choices(tmpl, path: str) -> list[str]:
    try:
        return list(tmpl.by_path(path).choices or [])
    except (AttributeError, KeyError):
        return []


IDENTITY_PREFIXES = ("$.pegawai.", "$.penilai.", "$.atasan_penilai.", "$.meta.nip",
                     "$.periode.kode", "$.meta.template")


def _check_prefilled(extraction, lang: str) -> list[Problem]:
    """Name every locked value that differs from what was generated."""
    doc, tmpl = extraction.document, extraction.template
    stored = get_path(doc, "$.meta.fingerprint")
    if not stored or tmpl is None:
        return []
    current = tmpl.prefilled_values(doc)
    checks = parse_field_checks(get_path(doc, "$.meta.checks"))
    out = []
    for path, digest in checks.items():
        value = current.get(path)
        if path.endswith(".nip") and isinstance(value, str):
            value = check_nip(value).nip or value   # typed with spaces: nip.spaces says so
        # the NIP has its own, more precise problems; technical metadata is not shown
        if short_hash(value) == digest or path == "$.pegawai.nip" or (
                path.startswith("$.meta.") and path != "$.meta.nip"):
            continue
        code = "skp.prefilled_changed" if path.startswith(IDENTITY_PREFIXES) else \
            "skp.heading_changed"
        out.append(problem_at(extraction, path, code, {"label": label_of(path, lang)},
                              value=current.get(path)))
    if not checks and not out:
        out.append(Problem("skp.fingerprint"))
    return out


def formula_problems(wb, extraction) -> list[Problem]:
    """Input cells that hold formulas (their cached result was read)."""
    tmpl = extraction.template
    if tmpl is None or not hasattr(wb, "formula_cells") or wb.format not in ("xlsx", "xlsm"):
        return []
    layout = extraction.layout   # sheet -> cell -> paths located there, once per layout
    cells = layout.by_sheet if layout is not None else cells_by_sheet(extraction.locations)
    patterns = tmpl.input_paths
    out = []
    for sheet, at in cells.items():
        try:
            formulas = wb.formula_cells(sheet, among=set(at))
        except Exception:  # noqa: BLE001 - a hint only; never fail validation on it
            continue
        for cell in sorted(formulas):
            inputs = [p for p in at[cell] if _INDEX.sub("[*]", p) in patterns]
            if inputs:
                path = inputs[-1]
                value = extraction.raw.get(path)
                out.append(Problem("skp.formula_in_input",
                                   {"value": "" if value is None else value},
                                   sheet=sheet, cell=cell, path=path))
    return out


_INDEX = re.compile(r"\[\d+\]")


def lost_formulas(wb, extraction) -> list[Problem]:
    """Locked formula cells (the predikat, and the mirrors that show a field again on
    another sheet) whose formula was cleared, overwritten or deleted, by the check
    ``skpxl template check`` uses (:func:`skpxl.templatecheck.missing_formulas`). Where the
    format does not tell formulas (.xls), a mirror left empty while its field has content
    counts as lost."""
    tmpl, structure = extraction.template, extraction.structure
    if tmpl is None or structure is None:
        return []
    fields, cells, computed = _formula_cells(tmpl, structure)
    # A person changes a locked cell only after removing the sheet's protection: the
    # mirrors of a still protected .xlsx sheet are not looked up (that costs as much as
    # reading the sheet's fields), its computed cells are (known from reading them).
    cells = {sheet: computed.get(sheet, ()) if wb.sheet_protected(sheet) else positions
             for sheet, positions in cells.items()}
    cells = {sheet: positions for sheet, positions in cells.items() if positions}
    held = {sheet: wb.formulas_among(sheet, positions) for sheet, positions in cells.items()}
    if all(found is not None and len(found) == len(cells[sheet])
           for sheet, found in held.items()):
        return []      # the usual file: every one still there
    looked = {sheet: set(positions) for sheet, positions in cells.items()}
    offsets = {**structure.offsets, **structure.mirrors}

    def where(fld, inst) -> tuple[str, tuple[int, int]]:
        rows, cols = offsets[fld.name]
        return structure.sheets[fld.sheet], (inst.row + rows, inst.col + cols)

    def holds(fld, inst) -> bool:
        sheet, pos = where(fld, inst)
        if sheet not in held:
            return True     # not looked into (a protected sheet's mirrors)
        if held[sheet] is not None:
            return pos in held[sheet] or pos not in looked[sheet]
        if not fld.mirror or fld.mirror not in offsets:
            return True
        source = tmpl.field(fld.mirror)
        index = tmpl.instances(fld).index(inst)
        src_sheet, src_pos = where(source, tmpl.instances(source)[index])
        return bool(wb.pick(sheet, (pos,))) or not wb.pick(src_sheet, (src_pos,))

    out = []
    for fld, run in missing_formulas(tmpl, holds, fields):
        rows, cols = offsets[fld.name]
        path = source_path(tmpl, fld, run[0] if len(run) == 1 else None)
        out.append(Problem("skp.formula_missing", {"label": label_of(path)},
                           sheet=structure.sheets[fld.sheet],
                           cell=run_cells(tmpl, fld, run, rows, cols)))
    return out


def _formula_cells(tmpl, structure) -> tuple[list, dict[str, tuple], dict[str, tuple]]:
    """The formula fields that can be located, the cells of each sheet to look at, and
    among them those of computed fields (the predikat; mirrors left out). The same tuple
    objects file after file: the reader keys its lookups on them."""
    same = _FORMULA_CELLS.get(id(structure))     # a cached structure: files made alike
    if same is not None and same[0] is structure and same[1] is tmpl:
        return same[2]
    offsets = {**structure.offsets, **structure.mirrors}
    key = (tmpl.id, tmpl.version, str(tmpl.path), tuple(sorted(offsets.items())),
           tuple(sorted(structure.sheets.items())))
    hit = _FORMULA_CELLS.get(key)
    if hit is None:
        fields = [f for f in formula_fields(tmpl)
                  if f.name in offsets and f.sheet in structure.sheets]
        cells: dict[str, set] = {}
        computed: dict[str, set] = {}
        for fld in fields:
            rows, cols = offsets[fld.name]
            sheet = structure.sheets[fld.sheet]
            for inst in tmpl.instances(fld):
                cells.setdefault(sheet, set()).add((inst.row + rows, inst.col + cols))
                if not fld.mirror:
                    computed.setdefault(sheet, set()).add((inst.row + rows, inst.col + cols))
        hit = (fields, {sheet: tuple(sorted(found)) for sheet, found in cells.items()},
               {sheet: tuple(sorted(found)) for sheet, found in computed.items()})
        remember(_FORMULA_CELLS, key, hit, 32)
    remember(_FORMULA_CELLS, id(structure), (structure, tmpl, hit), 32)
    return hit


_FORMULA_CELLS: dict = {}


def validate_file(path, *, period: str | None = None, stage: str | None = None,
                  roster_index: dict | None = None, lang: str = "id",
                  keep_document: bool = False) -> FileReport:
    """Validate one returned workbook; never raises for a bad file (it becomes a problem)."""
    path = Path(path)
    report = FileReport(path=str(path))
    try:
        wb = read_workbook(path)   # first: a missing or unreadable file gets its own file.* code
        report.mtime = path.stat().st_mtime
        report.format = wb.format
        report.sha256 = wb.content_sha256()
        extraction = extract(path, wb=wb)
    except UnreadableFileError as exc:
        params = dict(getattr(exc, "params", None) or {"detail": exc.message})
        report.issues.append(Problem(exc.code if exc.code != "input" else "file.unreadable",
                                     params, severity=ERROR))
        return report
    except OSError as exc:
        report.issues.append(Problem("file.unreadable", {"detail": str(exc)}, severity=ERROR))
        return report
    issues = list(extraction.problems)
    doc = extraction.document
    report.template = extraction.template.id if extraction.template else None
    report.nip = nip_of(doc)
    report.nama = get_path(doc, "$.pegawai.nama")
    report.period = get_path(doc, "$.periode.kode")
    report.generated_at = get_path(doc, "$.meta.generated_at")
    if extraction.template is not None:
        report.stage = stage or infer_stage(doc)
        found = check_rules(extraction, report.stage, period=period, roster_index=roster_index,
                            lang=lang)
        doc_json = to_jsonable(doc) if extraction.has_dates else doc   # else JSON already
        schema = schema_problems(extraction, report.stage, lang,
                                 {p.path for p in found if p.path}, doc_json)
        if any(p.code == "template.metadata_missing" for p in extraction.problems):
            # what only the hidden sheet held (the period, the owner): that error says it
            schema = [p for p in schema if p.sheet is not None]
        found += schema
        found += formula_problems(wb, extraction)
        lost = lost_formulas(wb, extraction)
        if lost:   # a deleted predikat formula is that, not "not computed"
            gone = {(p.sheet, p.cell) for p in lost}
            found = [p for p in found if not (p.code == "skp.predikat_not_computed"
                                              and (p.sheet, p.cell) in gone)]
        found += lost
        found += quarters_check(wb)   # an annual evaluation's quarters, as skpxl wrote them
        # a table whose rows were inserted or deleted cannot be read: say that, not its
        # every cell
        broken = _broken_tables(extraction)
        issues += [p for p in found if not (p.path and p.path.startswith(broken))]
    unique = {(p.code, p.sheet, p.cell, p.path): p for p in issues}
    report.issues = sorted(unique.values(), key=_problem_order)
    report.valid = not any(p.severity == ERROR for p in report.issues)
    if keep_document:
        report.document = doc_json if extraction.template is not None else to_jsonable(doc)
    return report


def _broken_tables(extraction) -> tuple[str, ...]:
    tmpl = extraction.template
    groups = {tmpl.field(p.params["name"]).group for p in extraction.problems
              if p.code == "structure.rows_changed"}
    return tuple(tmpl.groups[g].path for g in groups if g)


def _problem_order(problem: Problem):
    from .manifest import parse_a1
    sheet_rank = {"SKP": 0, "Lampiran SKP": 1, "Evaluasi": 2, "Dokumen Evaluasi": 3}
    try:
        row, col = parse_a1(problem.cell) if problem.cell else (0, 0)
    except ValueError:
        row, col = 0, 0
    return (problem.severity != ERROR, sheet_rank.get(problem.sheet or "", -1), row, col)


def collect_files(paths) -> tuple[list[Path], list[dict]]:
    """Workbooks under ``paths`` (folders searched recursively) and the files skipped."""
    named, skipped = list_files(paths)
    return [path for path, _ in named], skipped


def list_files(paths) -> tuple[list[tuple[Path, str]], list[dict]]:
    """:func:`collect_files` with each workbook's name: relative to the folder given
    (``"/"`` between folders), or the file's own name for a file given."""
    files, skipped = [], []
    for raw in paths:
        root = Path(raw)
        if not root.exists():
            raise UsageError(f"'{raw}' tidak ditemukan.", en=f"'{raw}' was not found.")
        is_dir = root.is_dir()
        candidates = _files_under(root) if is_dir else [(root, root.name)] if root.is_file() \
            else []
        for path, name in candidates:
            base = path.name
            if base.startswith("~$") or base.startswith(".~lock") or base.startswith("."):
                skipped.append({"path": str(path), "reason": "file kunci/sementara"})
            elif path.suffix.lower() not in WORKBOOK_SUFFIXES and is_dir:
                skipped.append({"path": str(path), "reason": "bukan workbook"})
            else:
                files.append((path, name))
    return files, skipped


def _files_under(root: Path) -> list[tuple[Path, str]]:
    """The files under ``root`` (links to files included, linked folders not entered,
    unreadable folders passed over) with their names relative to it, in path order: what
    ``sorted(p for p in root.rglob("*") if p.is_file())`` gives, without a stat per file
    (10,000 files: about 0.12 s instead of 0.25 s)."""
    found: list[tuple[tuple[str, ...], str]] = []

    def walk(folder: str, parts: tuple[str, ...]) -> None:
        try:
            with os.scandir(folder) as entries:
                listed = list(entries)
        except PermissionError:
            return
        for entry in listed:
            if entry.is_dir():
                if not entry.is_symlink():
                    walk(entry.path, (*parts, entry.name))
            elif entry.is_file():
                found.append(((*parts, entry.name), entry.path))

    walk(str(root), ())
    found.sort()
    return [(Path(path), "/".join(parts)) for parts, path in found]


def _validate_task(args):
    path, period, stage, roster_ref, lang, keep = args
    from .roster import index_for
    return validate_file(path, period=period, stage=stage, roster_index=index_for(roster_ref),
                         lang=lang, keep_document=keep)


def validate(paths, *, roster=None, period: str | None = None, stage: str | None = None,
             lang: str = "id", jobs: int = 1, annotate=None, keep_documents: bool = False,
             progress=None, executor=None) -> ValidationReport:
    """Validate every workbook under ``paths``; optionally write annotated copies."""
    if period:
        period = parse_period(period).kode
    if stage not in (None, "plan", "evaluation"):
        raise UsageError(f"Tahap '{stage}' tidak dikenal: gunakan plan atau evaluation.",
                         en=f"Stage '{stage}' is not known: use plan or evaluation.")
    roster_ref = None
    if roster is not None:
        from .roster import read_roster_once
        read_roster_once(str(roster))   # read here: workers get the path (roster.index_for)
        roster_ref = shipped_path(roster, executor)
    if annotate:
        check_annotate_folder(annotate, paths)
    files, skipped = collect_files(paths)
    tasks = [(shipped_path(p, executor), period, stage, roster_ref, lang, keep_documents)
             for p in files]
    advance = progress(len(tasks)) if progress else None
    report = ValidationReport(skipped=skipped)
    report.files = list(map_ordered(_validate_task, tasks, executor or jobs, advance))
    for file, path in zip(report.files, files):
        file.path = str(path)   # as the user gave it, whatever the workers were sent
    check_workers_saw(report.files, executor)
    supersede(report.files)
    if annotate:
        from .annotate import annotate_files, replace_copies
        outdir = Path(annotate)
        to_fix = [f for f in report.files if f.must_fix]
        written = annotate_files(to_fix, outdir, lang=lang,
                                 jobs=jobs if executor is None or on_dask(executor) else executor)
        report.annotated = [str(p) for p in written]
        report.removed = [str(p) for p in replace_copies(
            outdir, {p: f.path for p, f in zip(written, to_fix)}, files)]
    return report


def check_annotate_folder(annotate, paths) -> None:
    """The folder for marked copies must not hold what is being checked: a copy is named
    after its source (it would replace an input there), and a copy inside a folder being
    checked would be checked next time as a returned file."""
    target = Path(annotate).resolve()
    for raw in paths:
        given = Path(raw).resolve()
        inside = target == given or given in target.parents if given.is_dir() else \
            target in given.parents
        if inside:
            raise UsageError(
                f"Folder salinan bertanda '{annotate}' tidak boleh berada di dalam atau berisi "
                f"file yang diperiksa ('{raw}').",
                hint="Pilih folder lain untuk --annotate, misalnya perbaikan/ di samping "
                     "folder kembali/.",
                en=f"The folder for marked copies '{annotate}' must not be inside, or hold, "
                   f"what is being checked ('{raw}').",
                hint_en="Choose another folder for --annotate, e.g. perbaikan/ beside the "
                        "kembali/ folder.")


def check_workers_saw(files: list[FileReport], executor) -> None:
    """On a Dask cluster, every file "not found" by the workers while this computer has them
    means the workers do not share the folder: one :class:`EngineError` says so, instead of
    one "not found" per file."""
    if not on_dask(executor) or not files:
        return
    if all(any(p.code == "file.not_found" for p in f.issues) for f in files) \
            and Path(files[0].path).is_file():
        raise EngineError(
            f"Worker Dask tidak menemukan satu pun dari {len(files)} file, padahal file itu "
            f"ada di komputer ini (misalnya {files[0].path}).",
            hint="Letakkan file di folder bersama (NFS, SMB) yang terpasang di path yang sama "
                 "di setiap worker, dan berikan path itu.",
            en=f"The Dask workers found none of the {len(files)} files, though this computer "
               f"has them (e.g. {files[0].path}).",
            hint_en="Put the files in a shared folder (NFS, SMB) mounted at the same path on "
                    "every worker, and give that path.")


def parse_time(text) -> datetime | None:
    """An ISO timestamp (as workbook metadata stores it), UTC when it names no zone."""
    try:
        moment = datetime.fromisoformat(str(text))
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


_OLDEST = datetime.min.replace(tzinfo=timezone.utc)


def current_key(report: FileReport) -> tuple:
    """Which of several files of one NIP is used: a valid one before an invalid one, then
    the newest (generated later, then saved later, then by name). ``skpxl validate`` and
    ``skpxl merge`` both choose by it."""
    return (report.valid, parse_time(report.generated_at) or _OLDEST, report.mtime,
            Path(report.path).name)


def supersede(files: list[FileReport]) -> None:
    """The same NIP and period in several files: the one :func:`current_key` chooses is
    used (a warning names the others); the others are superseded, not counted, and need
    no fixing (a warning names the one used and why)."""
    groups: dict[tuple, list[FileReport]] = {}
    for f in files:
        if f.nip and f.period:
            groups.setdefault((f.nip, f.period), []).append(f)
    for (nip, period), group in groups.items():
        if len(group) < 2:
            continue
        used = max(group, key=current_key)
        others = ", ".join(Path(o.path).name for o in group if o is not used)
        used.issues.append(Problem("skp.duplicate", {"nip": nip, "period": period,
                                                     "other": others}))
        for f in group:
            if f is used:
                continue
            f.superseded_by = used.path
            why = ({"id": "file itu sah, file ini tidak", "en": "that file is valid, this one "
                    "is not"} if used.valid and not f.valid else
                   {"id": "file itu lebih baru", "en": "that file is newer"})
            f.issues.append(Problem("skp.superseded", {
                "nip": nip, "period": period, "used": Path(used.path).name, "why": why}))
