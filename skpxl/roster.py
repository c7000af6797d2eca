"""The unit roster (daftar pegawai) as HR exports it: one row per employee.

Reads a CSV file or the first sheet of a workbook (:mod:`skpxl.tables`, shared with
:mod:`skpxl.plans`), matches headers by their common spellings, and checks every row. What
is wrong with the *data* becomes :class:`~skpxl.problems.Problem` records on the
:class:`Roster`; only a file that cannot be read at all raises
:class:`~skpxl.errors.UnreadableFileError`.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from .domain import AK_COEFFICIENT, JENIS_JABATAN
from .memo import remember
from .nip import check_nip
from .problems import ERROR, WARNING, Problem, define, has_errors, rule
from .tables import (BRACKETED, NOT_ALNUM, clean_text, excel_text, find_header,
                     looks_like_nip, read_table, split_tail)

define("roster.empty", ERROR,
       "Daftar pegawai kosong: tidak ada satu pun baris pegawai di bawah baris judul kolom.",
       "The roster is empty: there are no employee rows under the header row.")
define("roster.column_missing", ERROR,
       "Kolom '{column}' tidak ditemukan di baris judul. Beri judul kolom salah satu dari: "
       "{aliases}.",
       "Column '{column}' was not found in the header row. Name the column one of: {aliases}.")
define("roster.nama_missing", ERROR,
       "Nama pegawai kosong (NIP {value}). Isi nama lengkapnya.",
       "The employee name is empty (NIP {value}). Fill in the full name.")
define("roster.jabatan_missing", ERROR, "Jabatan {nama} kosong. Isi nama jabatannya.",
       "The position (jabatan) of {nama} is empty. Fill in the position name.")
define("roster.unit_missing", ERROR,
       "Unit kerja {nama} kosong. Isi nama unitnya, misalnya 'Sekretariat Bawaslu Kota Batu'.",
       "The work unit of {nama} is empty. Fill in the unit name, e.g. 'Sekretariat Bawaslu "
       "Kota Batu'.")
define("roster.jenis_jabatan_missing", ERROR,
       "Jenis jabatan {nama} kosong. Isi salah satu: {accepted}.",
       "The position type of {nama} is empty. Use one of: {accepted}.")
define("roster.jenis_jabatan_unknown", ERROR,
       "Jenis jabatan '{value}' ({nama}) tidak dikenal. Isi salah satu: {accepted}.",
       "Position type '{value}' ({nama}) is not known. Use one of: {accepted}.")
define("roster.jenis_jabatan_ambiguous", ERROR,
       "Jenis jabatan '{value}' ({nama}) kurang jelas: bisa {options}. Tulis salah satu.",
       "Position type '{value}' ({nama}) is ambiguous: it may be {options}. Write one of them.")
define("roster.jenjang_unknown", WARNING,
       "Jenjang '{value}' ({nama}) tidak dikenal, jadi angka kredit tidak dihitung. Jenjang yang "
       "dikenal: {accepted}.",
       "Level '{value}' ({nama}) is not known, so no angka kredit is computed. Known levels: "
       "{accepted}.")
define("roster.status_unknown", ERROR,
       "Status ASN '{value}' ({nama}) tidak dikenal. Isi PNS, CPNS atau PPPK (atau Non ASN untuk "
       "pegawai yang tidak membuat SKP).",
       "ASN status '{value}' ({nama}) is not known. Use PNS, CPNS or PPPK (or Non ASN for staff "
       "who make no SKP).")
define("roster.non_asn", WARNING,
       "{nama} berstatus '{value}' (bukan ASN), jadi tidak dibuatkan SKP. Baris ini dilewati.",
       "{nama} has status '{value}' (not ASN), so no SKP is made. The row is skipped.")
define("roster.pendekatan_unknown", ERROR,
       "Pendekatan '{value}' ({nama}) tidak dikenal. Isi 'kuantitatif' atau 'kualitatif' "
       "(kosong berarti kuantitatif).",
       "Approach '{value}' ({nama}) is not known. Use 'kuantitatif' or 'kualitatif' (empty "
       "means kuantitatif).")
define("roster.duplicate_nip", ERROR,
       "NIP {value} dipakai dua kali: di baris {first_row} ({first_nama}) dan di baris {row} "
       "({nama}). Satu NIP hanya boleh untuk satu pegawai.",
       "NIP {value} is used twice: in row {first_row} ({first_nama}) and in row {row} ({nama}). "
       "A NIP belongs to one employee only.")
define("roster.penilai_empty", WARNING,
       "{nama} tidak punya NIP penilai. Ini wajar hanya untuk pimpinan tertinggi {unit} yang "
       "penilainya di luar daftar ini.",
       "{nama} has no assessor NIP. That is right only for the head of {unit}, whose assessor "
       "is outside this roster.")
define("roster.penilai_empty_again", ERROR,
       "{nama} juga tidak punya NIP penilai, padahal {first_nama} (baris {first_row}) sudah "
       "tercatat sebagai pimpinan tertinggi {unit} tanpa penilai. Isi NIP penilai {nama}.",
       "{nama} has no assessor NIP either, but {first_nama} (row {first_row}) is already the "
       "head of {unit} without an assessor. Fill in the assessor NIP of {nama}.")
define("roster.penilai_invalid", ERROR,
       "NIP penilai '{value}' ({nama}) tidak bisa dipakai: NIP harus 18 digit angka yang "
       "diketik sebagai teks (bukan angka seperti 1.98E+17).",
       "Assessor NIP '{value}' ({nama}) cannot be used: a NIP is 18 digits typed as text (not a "
       "number such as 1.98E+17).")
define("roster.penilai_number", ERROR,
       "NIP penilai {value} ({nama}) sudah rusak oleh Excel (disimpan sebagai angka, digit "
       "terakhir hilang). Ketik ulang 18 digit NIP penilai sebagai teks (format sel Text atau "
       "awali dengan tanda petik ').",
       "Assessor NIP {value} ({nama}) was corrupted by Excel (stored as a number, last digits "
       "lost). Retype the 18-digit assessor NIP as text (cell format Text or start with an "
       "apostrophe ').")
define("roster.tail", WARNING,
       "{rows} di bawah tabel tidak berisi NIP atau data pegawai (misalnya blok tanda tangan, "
       "catatan atau jumlah: '{sample}'), jadi tidak dibaca sebagai pegawai.",
       "{rows_en} below the table hold no NIP and no employee data (a signature block, notes "
       "or a total, e.g. '{sample}'), so they are not read as employees.")
define("roster.penilai_missing", ERROR,
       "NIP penilai {value} ({nama}) tidak ada di daftar pegawai. Periksa NIP-nya, atau tambahkan "
       "pejabat penilai itu ke daftar.",
       "Assessor NIP {value} ({nama}) is not in the roster. Check the NIP, or add that assessor "
       "to the roster.")
define("roster.penilai_non_asn", ERROR,
       "Penilai {nama} adalah {penilai_nama} (baris {penilai_row}) yang bukan ASN. Pejabat "
       "penilai harus PNS atau PPPK.",
       "The assessor of {nama} is {penilai_nama} (row {penilai_row}), who is not ASN. An "
       "assessor must be PNS or PPPK.")
define("roster.penilai_self", ERROR,
       "{nama} tercatat menilai dirinya sendiri (NIP penilai {value} sama dengan NIP-nya). Isi "
       "NIP atasan langsungnya.",
       "{nama} is recorded as their own assessor (assessor NIP {value} is their own NIP). Fill "
       "in the NIP of the direct superior.")
define("roster.cycle", ERROR,
       "Rantai penilai berputar tanpa ujung: {chain}. Salah satu NIP penilai ini keliru; rantai "
       "penilai harus berakhir di pimpinan tertinggi.",
       "The assessor chain goes round in a circle: {chain_en}. One of these assessor NIPs is wrong; "
       "the chain must end at the head of the unit.")

rule(70, "Where a roster table ends", """
The roster is read from its header row down to its last employee row: a row with a NIP
(even one Excel damaged), or with a unit and a name or position. Rows after it that hold
anything (a signature block "Mengetahui, / Kepala BKPSDM / name / NIP ...", notes, a total)
are one note, `roster.tail`, not employees; `skpxl generate` accepts the roster. A NIP or a
NIP Penilai Excel stored as a number is quoted as Excel shows it (`1.97805122003121E+17`).
""")

#: field -> accepted header spellings, most specific first (the first one is shown to users)
COLUMNS: dict[str, tuple[str, ...]] = {
    "nip": ("NIP", "NIP/NI PPPK", "NI PPPK", "NIP Pegawai", "NIP Baru"),
    "nama": ("Nama", "Nama Pegawai", "Nama Lengkap"),
    "status_asn": ("Status ASN", "Jenis Pegawai", "Status Kepegawaian", "Status Pegawai",
                   "Status"),
    "pangkat": ("Pangkat/Gol", "Pangkat/Gol. Ruang", "Pangkat/Golongan", "Pangkat",
                "Golongan", "Gol. Ruang"),
    "jabatan": ("Jabatan", "Nama Jabatan"),
    "jenis_jabatan": ("Jenis Jabatan",),
    "jenjang": ("Jenjang", "Jenjang Jabatan", "Jenjang JF"),
    "unit_kerja": ("Unit Kerja", "Unit", "Satuan Kerja"),
    "instansi": ("Instansi",),
    "nip_penilai": ("NIP Penilai", "NIP Pejabat Penilai", "NIP Atasan Langsung",
                    "NIP Atasan", "Atasan Langsung"),
    "pendekatan": ("Pendekatan",),
    "tempat": ("Tempat", "Kota"),
}
_TEXT_COLUMNS = tuple(name for name in COLUMNS if name != "nip")
REQUIRED = ("nip", "nama", "jabatan", "jenis_jabatan", "unit_kerja", "nip_penilai")

# --- the roster -------------------------------------------------------------------------

@dataclass
class Employee:
    """One employee as read from the roster; ``row`` is the spreadsheet row (header = 1)."""

    row: int
    nip: str
    nama: str
    status_asn: str = ""
    pangkat: str = ""
    jabatan: str = ""
    jenis_jabatan: str = ""
    jenjang: str = ""
    unit_kerja: str = ""
    instansi: str = ""
    nip_penilai: str = ""
    pendekatan: str = "kuantitatif"
    tempat: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Roster:
    """All employees of a roster file, with every problem found in it."""

    path: str
    employees: list[Employee] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: rows read but left out of the SKP (non-ASN staff)
    skipped: list[Employee] = field(default_factory=list)
    _index: tuple[int, dict] | None = field(default=None, init=False, repr=False,
                                            compare=False)
    _units: tuple[int, dict] | None = field(default=None, init=False, repr=False,
                                            compare=False)

    def _lookup(self) -> dict[str, Employee]:
        # Cached because generation asks for the assessor of every employee; the length
        # check rebuilds it when employees were added or removed since.
        if self._index is None or self._index[0] != len(self.employees):
            index: dict[str, Employee] = {}
            for emp in self.employees:
                if emp.nip:
                    index.setdefault(emp.nip, emp)
            self._index = (len(self.employees), index)
        return self._index[1]

    def by_nip(self) -> dict[str, Employee]:
        """Employees by NIP (the first row wins when a NIP is duplicated)."""
        return dict(self._lookup())

    def employee(self, nip: str | None) -> Employee | None:
        """The employee with ``nip`` (the first row wins), or None."""
        return self._lookup().get(nip)

    def penilai_of(self, emp: Employee) -> Employee | None:
        """The employee's Pejabat Penilai Kinerja, or ``None`` when not in the roster."""
        if not emp.nip_penilai or emp.nip_penilai == emp.nip:
            return None
        return self._lookup().get(emp.nip_penilai)

    def atasan_penilai_of(self, emp: Employee) -> Employee | None:
        """The assessor's own assessor (Atasan Pejabat Penilai Kinerja)."""
        penilai = self.penilai_of(emp)
        return self.penilai_of(penilai) if penilai else None

    def units(self) -> list[str]:
        """Unit names, sorted."""
        return sorted({emp.unit_kerja for emp in self.employees if emp.unit_kerja})

    def employees_of(self, unit: str) -> list[Employee]:
        """Employees of one unit, in roster order."""
        if self._units is None or self._units[0] != len(self.employees):
            units: dict[str, list[Employee]] = {}
            for emp in self.employees:
                units.setdefault(emp.unit_kerja, []).append(emp)
            self._units = (len(self.employees), units)
        return list(self._units[1].get(unit, ()))

    @property
    def ok(self) -> bool:
        """True when no problem is an error (warnings are allowed)."""
        return not has_errors(self.problems)

    def to_dict(self, lang: str = "id") -> dict:
        return {"path": str(self.path), "ok": self.ok, "employees": len(self.employees),
                "units": self.units(), "problems": [p.to_dict(lang) for p in self.problems]}


# --- normalising values -----------------------------------------------------------------

_ESELON_AB = re.compile(r"^(eselon [iv]+) ?[ab]$")


def _fold(text: str) -> str:
    return " ".join(NOT_ALNUM.sub(" ", text.lower()).split())


_JENIS_EXACT = {
    "jpt": "JPT", "jf": "Fungsional", "jft": "Fungsional", "jfu": "Pelaksana",
    "fungsional umum": "Pelaksana", "jabatan fungsional umum": "Pelaksana",
    "eselon i": "JPT", "eselon ii": "JPT", "eselon iii": "Administrator",
    "eselon iv": "Pengawas",
}
_JENIS_AMBIGUOUS = {
    "ja": "Administrator / Pengawas / Pelaksana",
    "jabatan administrasi": "Administrator / Pengawas / Pelaksana",
    "administrasi": "Administrator / Pengawas / Pelaksana",
    "pejabat administrasi": "Administrator / Pengawas / Pelaksana",
    "non eselon": "Pelaksana / Fungsional",
    "noneselon": "Pelaksana / Fungsional",
    "struktural": "JPT / Administrator / Pengawas",
    "jabatan struktural": "JPT / Administrator / Pengawas",
}


@lru_cache(maxsize=512)
def normalize_jenis_jabatan(value: str) -> tuple[str | None, str]:
    """``(canonical, "")``, ``(None, options)`` when ambiguous, ``(None, "")`` when unknown."""
    folded = _ESELON_AB.sub(r"\1", _fold(value))
    words = folded.split()
    if not words:
        return None, ""
    if folded in _JENIS_AMBIGUOUS:
        return None, _JENIS_AMBIGUOUS[folded]
    if folded in _JENIS_EXACT:
        return _JENIS_EXACT[folded], ""
    if words[0] in _JENIS_EXACT:  # "JF Ahli Pertama", "JPT Pratama", "JFU ..."
        return _JENIS_EXACT[words[0]], ""
    if "pimpinan tinggi" in folded:
        return "JPT", ""
    if "fungsional umum" in folded:
        return "Pelaksana", ""
    for word in ("administrator", "pengawas", "pelaksana"):
        if word in words:
            return word.capitalize(), ""
    if "fungsional" in words:
        return "Fungsional", ""
    return None, ""


_NON_ASN = re.compile(r"^non\b|\bnon ?(asn|pns)\b|ppnpn|honor|kontrak|\bthl\b|\bptt\b|"
                      r"outsourc|alih daya|pramubakti|tenaga pendukung")


@lru_cache(maxsize=512)
def normalize_status(value: str) -> str | None:
    """``PNS``/``CPNS``/``PPPK``, ``"non-asn"`` for staff outside ASN, ``""`` when blank or
    just ``ASN``, ``None`` when unknown. ``PNS DPK`` and the like count as PNS."""
    folded = _fold(value)
    if folded in ("", "asn"):
        return ""
    if _NON_ASN.search(folded):
        return "non-asn"
    if "cpns" in folded or folded.startswith("calon"):
        return "CPNS"
    if "pppk" in folded or "p3k" in folded or "perjanjian kerja" in folded:
        return "PPPK"
    if "pns" in folded.split() or "pegawai negeri sipil" in folded:
        return "PNS"
    return None


_JENJANG_SHORT = {"pertama": "Ahli Pertama", "muda": "Ahli Muda", "madya": "Ahli Madya",
                  "utama": "Ahli Utama"}


@lru_cache(maxsize=512)
def normalize_jenjang(value: str) -> str | None:
    """A jabatan fungsional level from :data:`AK_COEFFICIENT`, ``""`` if blank, else ``None``."""
    folded = _fold(BRACKETED.sub("", value))
    if not folded:
        return ""
    if folded in _JENJANG_SHORT:
        return _JENJANG_SHORT[folded]
    for key in sorted(AK_COEFFICIENT, key=len, reverse=True):
        if re.search(rf"\b{_fold(key)}\b", folded):
            return key
    return None


@lru_cache(maxsize=512)
def normalize_pendekatan(value: str) -> str | None:
    """``kuantitatif`` (also when blank) or ``kualitatif``; ``None`` when unknown."""
    folded = _fold(value)
    if not folded or folded.startswith(("kuanti", "quanti")):
        return "kuantitatif"
    if folded.startswith(("kuali", "quali")):
        return "kualitatif"
    return None


# --- reading and checking ---------------------------------------------------------------

def _clean_nip_text(value) -> object:
    """Text NIPs lose a typed leading apostrophe; numbers stay numbers (to be reported)."""
    if isinstance(value, str):
        return clean_text(value).lstrip("'")
    return value


def _who(nama: str, nip: str) -> str:
    return nama or nip or "(tanpa nama)"


_INDEXES: dict = {}


def _text_indexes(columns: dict[str, int]) -> tuple[tuple[str, int | None], ...]:
    """(column name, cell index or None) of the text columns, once per header."""
    key = tuple(columns.items())
    found = _INDEXES.get(key)
    if found is None:
        found = tuple((name, columns.get(name)) for name in _TEXT_COLUMNS)
        remember(_INDEXES, key, found, 16)
    return found


def _read_row(number: int, cells: list, columns: dict[str, int],
              problems: list[Problem], today: date | None = None
              ) -> tuple[Employee, str] | None:
    """One row to an Employee plus its normalised status (``"non-asn"`` for non-ASN)."""
    def cell(name: str):
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    size = len(cells)
    text = {name: clean_text(cells[index]) if index is not None and index < size else ""
            for name, index in _text_indexes(columns)}
    raw_nip = _clean_nip_text(cell("nip"))
    if not any(text.values()) and not clean_text(raw_nip):
        return None
    nama = text["nama"]
    who = _who(nama, clean_text(raw_nip))

    def add(code: str, raw=None, params: dict | None = None, **extra):
        params = {**(params or {}), **extra}
        if code in ("nip.number", "nip.scientific"):
            params["value"] = excel_text(raw)
        params.setdefault("nama", who)
        params.setdefault("value", clean_text(raw))
        problems.append(Problem(code, params, row=number, value=raw))

    status = normalize_status(text["status_asn"])
    emp = Employee(row=number, nip=clean_text(raw_nip), nama=nama, pangkat=text["pangkat"],
                   jabatan=text["jabatan"], unit_kerja=text["unit_kerja"],
                   instansi=text["instansi"], tempat=text["tempat"])
    if status == "non-asn":
        emp.status_asn = text["status_asn"]
        add("roster.non_asn", text["status_asn"])
        return emp, status
    if status is None:
        add("roster.status_unknown", text["status_asn"])

    nip = check_nip(raw_nip, expect_kind=status or None, today=today)
    codes = {code for code, _ in nip.problems}
    for code, params in nip.problems:
        add(code, raw_nip, params)
    if codes & {"nip.number", "nip.scientific"}:
        emp.nip = excel_text(raw_nip)
    elif nip.nip:
        emp.nip = nip.nip
    emp.status_asn = status or nip.kind

    if not nama:
        add("roster.nama_missing", emp.nip)
    if not text["jabatan"]:
        add("roster.jabatan_missing")
    if not text["unit_kerja"]:
        add("roster.unit_missing")
    accepted = ", ".join(JENIS_JABATAN)
    if not text["jenis_jabatan"]:
        add("roster.jenis_jabatan_missing", accepted=accepted)
    else:
        jenis, options = normalize_jenis_jabatan(text["jenis_jabatan"])
        if jenis:
            emp.jenis_jabatan = jenis
        elif options:
            add("roster.jenis_jabatan_ambiguous", text["jenis_jabatan"], options=options)
        else:
            add("roster.jenis_jabatan_unknown", text["jenis_jabatan"], accepted=accepted)
    jenjang = normalize_jenjang(text["jenjang"])
    if jenjang is None and emp.jenis_jabatan == "Fungsional":
        add("roster.jenjang_unknown", text["jenjang"], accepted=", ".join(AK_COEFFICIENT))
    emp.jenjang = jenjang or ""
    pendekatan = normalize_pendekatan(text["pendekatan"])
    if pendekatan is None:
        add("roster.pendekatan_unknown", text["pendekatan"])
    emp.pendekatan = pendekatan or "kuantitatif"

    raw_penilai = _clean_nip_text(cell("nip_penilai"))
    if clean_text(raw_penilai):
        penilai = _check_penilai_nip(raw_penilai, today)
        bad = {"nip.number", "nip.scientific", "nip.chars", "nip.length"}
        codes = {code for code, _ in penilai.problems}
        if codes & {"nip.number", "nip.scientific"}:   # quoted as Excel shows it, like NIP
            add("roster.penilai_number", raw_penilai, {"value": excel_text(raw_penilai)})
            emp.nip_penilai = excel_text(raw_penilai)
        elif bad & codes:
            add("roster.penilai_invalid", raw_penilai)
            emp.nip_penilai = excel_text(raw_penilai)
        else:
            emp.nip_penilai = penilai.nip
    return emp, status or ""


@lru_cache(maxsize=1024, typed=True)   # a unit's staff share their assessor
def _check_penilai_nip(raw, today: date | None):
    return check_nip(raw, today=today)


def _find_cycles(employees: list[Employee], index: dict[str, Employee]) -> list[list[Employee]]:
    """Each assessor cycle once, starting from its member highest in the roster."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    cycles = []
    for start in employees:
        path: list[Employee] = []
        emp = start
        while emp is not None and state.get(emp.nip) is None:
            state[emp.nip] = 1
            path.append(emp)
            nxt = index.get(emp.nip_penilai) if emp.nip_penilai != emp.nip else None
            emp = nxt
        if emp is not None and state.get(emp.nip) == 1:
            cycle = path[path.index(emp):]
            first = min(range(len(cycle)), key=lambda i: cycle[i].row)
            cycles.append(cycle[first:] + cycle[:first])
        for member in path:
            state[member.nip] = 2
    return cycles


def check_roster(roster: Roster) -> list[Problem]:
    """Problems between rows: duplicate NIPs, missing or circular assessors.

    Appends them to ``roster.problems`` (sorted by row) and returns the new ones.
    """
    found: list[Problem] = []

    def add(code: str, emp: Employee, value=None, **params):
        params.setdefault("nama", _who(emp.nama, emp.nip))
        params.setdefault("value", "" if value is None else value)
        found.append(Problem(code, params, row=emp.row, value=value))

    index: dict[str, Employee] = {}
    for emp in roster.employees:
        if not emp.nip:
            continue
        first = index.setdefault(emp.nip, emp)
        if first is not emp:
            add("roster.duplicate_nip", emp, emp.nip, row=emp.row, first_row=first.row,
                first_nama=_who(first.nama, first.nip))
    skipped = {emp.nip: emp for emp in roster.skipped if emp.nip}
    tops: dict[str, Employee] = {}
    invalid_rows = {p.row for p in roster.problems
                    if p.code in ("roster.penilai_invalid", "roster.penilai_number")}
    for emp in roster.employees:
        unit = emp.unit_kerja or "(unit kosong)"
        if not emp.nip_penilai:
            top = tops.setdefault(emp.unit_kerja, emp)
            if top is emp:
                add("roster.penilai_empty", emp, unit=unit)
            else:
                add("roster.penilai_empty_again", emp, unit=unit, first_row=top.row,
                    first_nama=_who(top.nama, top.nip))
        elif emp.row in invalid_rows:
            continue
        elif emp.nip_penilai == emp.nip:
            add("roster.penilai_self", emp, emp.nip_penilai)
        elif emp.nip_penilai in skipped:
            other = skipped[emp.nip_penilai]
            add("roster.penilai_non_asn", emp, emp.nip_penilai,
                penilai_nama=_who(other.nama, other.nip), penilai_row=other.row)
        elif emp.nip_penilai not in index:
            add("roster.penilai_missing", emp, emp.nip_penilai)
    for cycle in _find_cycles(roster.employees, index):
        chains = {}
        for lang, row_word in (("id", "baris"), ("en", "row")):
            links = [f"{_who(e.nama, e.nip)} ({row_word} {e.row}, NIP {e.nip})" for e in cycle]
            chains[lang] = " → ".join(links + [_who(cycle[0].nama, cycle[0].nip)])
        add("roster.cycle", cycle[0], None, chain=chains["id"], chain_en=chains["en"],
            nips=[e.nip for e in cycle], rows=[e.row for e in cycle])
    roster.problems.extend(found)
    roster.problems.sort(key=lambda p: p.row or 0)
    return found


def read_roster(path: str | Path) -> Roster:
    """Read and check a roster file; ``roster.problems`` holds every problem found.

    Raises :class:`UnreadableFileError` only when the file cannot be read as a table at all.
    """
    rows = read_table(path)
    roster = Roster(path=str(path))
    header_row, columns = find_header(rows, COLUMNS)
    if not header_row:
        roster.problems.append(Problem("roster.empty", {}))
        return roster
    missing = [name for name in REQUIRED if name not in columns]
    for name in missing:
        aliases = COLUMNS[name]
        roster.problems.append(Problem("roster.column_missing",
                                       {"column": aliases[0], "aliases": ", ".join(aliases)},
                                       row=header_row))
    if missing:
        return roster
    today = date.today()
    def is_data(cells: list) -> bool:
        """A NIP, or a unit with a name or a position: an employee's row (a signature
        block puts one text per row, which may fall in any column)."""
        def has(name: str) -> bool:
            index = columns.get(name)
            return index is not None and index < len(cells) and bool(clean_text(cells[index]))
        nip = columns["nip"]
        return (nip < len(cells) and looks_like_nip(cells[nip])) or \
            (has("unit_kerja") and (has("nama") or has("jabatan")))

    body, tail = split_tail(rows, header_row, is_data)
    for number, cells in body:
        result = _read_row(number, cells, columns, roster.problems, today)
        if result is not None:
            emp, status = result
            (roster.skipped if status == "non-asn" else roster.employees).append(emp)
    if tail:
        first, last = tail[0][0], tail[-1][0]
        sample = next(text for text in (clean_text(c) for c in tail[0][1]) if text)
        roster.problems.append(Problem("roster.tail", {
            "rows": f"Baris {first}" + (f"–{last}" if last > first else ""),
            "rows_en": f"Rows {first}–{last}" if last > first else f"Row {first}",
            "sample": sample[:60]}, row=first))
    if not roster.employees and not roster.skipped:
        roster.problems.append(Problem("roster.empty", {}))
    check_roster(roster)
    return roster


# --- the roster and its NIP index, once per process ---------------------------------------

_ROSTERS: dict[tuple, Roster] = {}


def load_roster(value) -> Roster | None:
    """A roster from its path (read once per process, :func:`read_roster_once`), or the
    :class:`Roster` given; None stays None. A path that is not a file is a usage error."""
    if value is None or isinstance(value, Roster):
        return value
    if not Path(value).is_file():
        from .errors import UsageError
        raise UsageError(f"Roster '{value}' tidak ditemukan.",
                         en=f"Roster '{value}' was not found.")
    return read_roster_once(str(value))


def read_roster_once(path) -> Roster:
    """:func:`read_roster`, kept per process by path, size and modification time: merging
    unit after unit, or validating in pool workers, reads a 10,000-row roster once (pool
    workers started by fork find the copy their parent read). The Roster returned is
    shared: do not modify it."""
    stat = os.stat(path)
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    roster = _ROSTERS.get(key)
    if roster is None:
        roster = read_roster(path)
        remember(_ROSTERS, key, roster, 4)
    return roster


def index_for(ref) -> dict | None:
    """The NIP index (NIP -> Employee; shared, do not modify) of the roster at path ``ref``
    (see :func:`read_roster_once`), or ``ref`` itself when it already is an index or None.

    Batch commands send workers the roster's *path*, not its index: an index of 10,000
    employees pickled with every task costs more than validating the files.
    """
    if ref is None or isinstance(ref, dict):
        return ref
    return read_roster_once(ref)._lookup()
