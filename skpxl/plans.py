"""Optional plans file: the RHK, IKI and targets of each employee, one row per IKI.

Long format, headers matched like the roster's (case, spaces and punctuation ignored)::

    NIP | Jenis | RHK | RHK Pimpinan | Aspek | IKI | Target | Satuan | Perspektif

Consecutive rows with the same NIP, Jenis and RHK form one RHK with several IKI, in order.
A blank NIP or RHK cell continues the one above (the way merged cells read back), so a
file laid out like the SKP form reads the same as a fully filled one. Rows whose Jenis is
``Dukungan Sumber Daya``, ``Skema Pertanggungjawaban`` or ``Konsekuensi`` carry a line of
the SKP's lampiran in the RHK column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .domain import ASPEK, PERSPEKTIF, normalize_choice
from .nip import check_nip
from .problems import ERROR, WARNING, Problem, define, has_errors
from .tables import clean_text, excel_text, find_header, read_table

define("plans.empty", WARNING,
       "File rencana kerja kosong: tidak ada baris di bawah baris judul kolom.",
       "The plans file is empty: there are no rows under the header row.")
define("plans.column_missing", ERROR,
       "Kolom '{column}' tidak ditemukan di baris judul file rencana kerja. Beri judul kolom "
       "salah satu dari: {aliases}.",
       "Column '{column}' was not found in the header row of the plans file. Name the column "
       "one of: {aliases}.")
define("plans.nip_missing", ERROR,
       "NIP kosong, dan tidak ada NIP di baris atasnya. Isi NIP pegawai pemilik rencana ini.",
       "The NIP is empty and there is no NIP in the row above. Fill in the employee's NIP.")
define("plans.nip_invalid", ERROR,
       "NIP '{value}' tidak bisa dipakai: NIP harus 18 digit angka yang diketik sebagai teks "
       "(bukan angka seperti 1.98E+17). Baris ini dilewati.",
       "NIP '{value}' cannot be used: a NIP is 18 digits typed as text (not a number such as "
       "1.98E+17). The row is skipped.")
define("plans.jenis_unknown", ERROR,
       "Jenis '{value}' tidak dikenal. Isi Utama, Tambahan, Dukungan Sumber Daya, Skema "
       "Pertanggungjawaban atau Konsekuensi (kosong berarti Utama).",
       "Type '{value}' is not known. Use Utama, Tambahan, Dukungan Sumber Daya, Skema "
       "Pertanggungjawaban or Konsekuensi (empty means Utama).")
define("plans.rhk_missing", ERROR,
       "Rencana hasil kerja (RHK) kosong untuk NIP {nip}. Isi RHK di baris ini atau di baris "
       "atasnya.",
       "The planned result (RHK) is empty for NIP {nip}. Fill in the RHK in this row or the "
       "row above.")
define("plans.aspek_unknown", ERROR,
       "Aspek '{value}' tidak dikenal. Isi salah satu: {accepted}.",
       "Aspect '{value}' is not known. Use one of: {accepted}.")
define("plans.perspektif_unknown", ERROR,
       "Perspektif '{value}' tidak dikenal. Isi salah satu: {accepted}.",
       "Perspective '{value}' is not known. Use one of: {accepted}.")

COLUMNS: dict[str, tuple[str, ...]] = {
    "nip": ("NIP", "NIP/NI PPPK", "NI PPPK", "NIP Pegawai"),
    "jenis": ("Jenis", "Jenis RHK", "Jenis Hasil Kerja", "Kategori"),
    "rhk": ("RHK", "Rencana Hasil Kerja", "Hasil Kerja"),
    "rhk_pimpinan": ("RHK Pimpinan", "RHK Pimpinan yang Diintervensi",
                     "Rencana Hasil Kerja Pimpinan yang Diintervensi", "RHK Atasan"),
    "aspek": ("Aspek",),
    "iki": ("IKI", "Indikator", "Indikator Kinerja Individu", "Ukuran Keberhasilan",
            "Indikator Kinerja"),
    "target": ("Target",),
    "satuan": ("Satuan", "Satuan Target"),
    "perspektif": ("Perspektif",),
}
REQUIRED = ("nip", "rhk", "iki")
LAMPIRAN = ("dukungan_sumber_daya", "skema_pertanggungjawaban", "konsekuensi")
_NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")
_THOUSANDS = re.compile(r"^-?\d{1,3}(?:[.,]\d{3})+$")


def empty_plan() -> dict:
    """The plan of one employee before any row is read."""
    return {"utama": [], "tambahan": [], "lampiran": {key: [] for key in LAMPIRAN}}


@dataclass
class Plans:
    """Plans by NIP, with the problems found in the file."""

    path: str
    by_nip: dict[str, dict] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def get(self, nip: str) -> dict | None:
        """The plan of one employee, or ``None`` when the file has none for that NIP."""
        return self.by_nip.get(nip)

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)

    def to_dict(self, lang: str = "id") -> dict:
        return {"path": self.path, "ok": self.ok, "nips": sorted(self.by_nip),
                "problems": [p.to_dict(lang) for p in self.problems]}


def parse_target(value) -> int | float | str:
    """Numbers stay numbers (``int`` when integral); text stays text.

    Text that is plainly a number (``12``, ``12,5``) becomes one; ``1.000`` stays text since
    it may mean one thousand or one.
    """
    if isinstance(value, bool):
        return clean_text(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    text = clean_text(value)
    if _NUMBER.match(text) and not _THOUSANDS.match(text):
        number = float(text.replace(",", "."))
        return int(number) if number.is_integer() else number
    return text


def normalize_jenis(value: str) -> str | None:
    """``utama``, ``tambahan`` or a :data:`LAMPIRAN` key; blank is ``utama``."""
    folded = clean_text(value).lower()
    if not folded or "utama" in folded:
        return "utama"
    for word, key in (("tambahan", "tambahan"), ("dukungan", "dukungan_sumber_daya"),
                      ("skema", "skema_pertanggungjawaban"), ("konsekuensi", "konsekuensi")):
        if word in folded:
            return key
    return None


def normalize_perspektif(value: str) -> str | None:
    """A canonical perspektif; the word ``Perspektif`` may be left out."""
    text = clean_text(value)
    return normalize_choice(text, PERSPEKTIF) or normalize_choice(f"Perspektif {text}",
                                                                  PERSPEKTIF)


def read_plans(path: str | Path) -> Plans:
    """Read a plans file into RHK/IKI per NIP. Raises UnreadableFileError like the roster."""
    rows = read_table(path)
    plans = Plans(path=str(path))
    header_row, columns = find_header(rows, COLUMNS)
    missing = [name for name in REQUIRED if name not in columns] if header_row else []
    for name in missing:
        plans.problems.append(Problem("plans.column_missing", {
            "column": COLUMNS[name][0], "aliases": ", ".join(COLUMNS[name])}, row=header_row))
    if missing:
        return plans
    nip, jenis, current = "", "", None  # carried over from the row above
    seen_rows = False
    for number, cells in rows:
        if number <= header_row:
            continue
        raw = {name: cells[i] if i < len(cells) else None for name, i in columns.items()}
        text = {name: clean_text(value) for name, value in raw.items()}
        if not any(text.values()):
            continue
        seen_rows = True

        def add(code: str, value=None, **params):
            params.setdefault("value", excel_text(value))
            plans.problems.append(Problem(code, params, row=number, value=value))

        if text["nip"]:
            check = check_nip(text["nip"].lstrip("'") if isinstance(raw["nip"], str)
                              else raw["nip"])
            codes = {code for code, _ in check.problems}
            if codes & {"nip.number", "nip.scientific", "nip.chars", "nip.length"}:
                add("plans.nip_invalid", raw["nip"])
                nip, current = "", None
                continue
            if check.nip != nip:
                current = None
            nip = check.nip
        elif not nip:
            add("plans.nip_missing")
            continue
        if not text.get("jenis") and not text["rhk"] and current is not None:
            row_jenis = jenis  # a continuation row belongs to the RHK above
        else:
            row_jenis = normalize_jenis(text.get("jenis", ""))
        if row_jenis is None:
            add("plans.jenis_unknown", text.get("jenis"))
            continue
        if row_jenis != jenis:
            current = None
        jenis = row_jenis
        plan = plans.by_nip.setdefault(nip, empty_plan())

        if jenis in LAMPIRAN:
            line = text["rhk"] or text["iki"]
            if line:
                plan["lampiran"][jenis].append(line)
            current = None
            continue
        if text["rhk"] and (current is None or current["rhk"] != text["rhk"]):
            current = {"rhk": text["rhk"], "rhk_pimpinan": text.get("rhk_pimpinan", ""),
                       "iki": []}
            plan[jenis].append(current)
        elif current is None:
            add("plans.rhk_missing", nip=nip)
            continue
        elif not current["rhk_pimpinan"]:
            current["rhk_pimpinan"] = text.get("rhk_pimpinan", "")
        iki = _read_iki(text, raw, add)
        if any(value != "" for value in iki.values()):
            current["iki"].append(iki)
    if not seen_rows:
        plans.problems.append(Problem("plans.empty", {}, row=header_row or None))
    return plans


def _read_iki(text: dict, raw: dict, add) -> dict:
    aspek = text.get("aspek", "")
    if aspek:
        canonical = normalize_choice(aspek, ASPEK)
        if canonical is None:
            add("plans.aspek_unknown", aspek, accepted=", ".join(ASPEK))
        aspek = canonical or aspek
    perspektif = text.get("perspektif", "")
    if perspektif:
        canonical = normalize_perspektif(perspektif)
        if canonical is None:
            add("plans.perspektif_unknown", perspektif, accepted=", ".join(PERSPEKTIF))
        perspektif = canonical or perspektif
    return {"aspek": aspek, "indikator": text["iki"],
            "target": parse_target(raw.get("target")), "satuan": text.get("satuan", ""),
            "perspektif": perspektif}
