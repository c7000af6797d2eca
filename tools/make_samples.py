#!/usr/bin/env python3
"""Generate the fictional sample data in ``samples/`` for Bawaslu Provinsi Jawa Timur.

    python tools/make_samples.py                # write samples/ and check them with skpxl
    python tools/make_samples.py --out DIR      # write somewhere else
    python tools/make_samples.py --no-check     # skip the checks with skpxl's own readers

Writes:

* ``pegawai-bawaslu-jatim.csv`` / ``.xlsx`` -- the roster: the province secretariat and the
  38 kabupaten/kota secretariats, one row per employee;
* ``rencana-kerja.csv`` / ``.xlsx`` -- the plans file (RHK/IKI/targets, one row per IKI) for
  the province secretariat and a few kabupaten/kota secretariats.

Everything is drawn from one ``random.Random(2025)``, so re-running gives byte-identical CSV
files (and XLSX files with the same cells and fixed document properties). All names are
made up by combining lists of common given names and surnames; they are not real people.

The generator itself depends only on openpyxl; skpxl is imported for the checks only.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

SEED = 2025
YEAR = 2025  # the reference year
#: ages in YEAR: born 1968-2002, so nobody reaches the retirement age of 58 during YEAR
OLDEST, YOUNGEST = 57, 23
FIXED_TIME = datetime(2025, 1, 2, 8, 0, 0)

ROOT = Path(__file__).resolve().parent.parent

INSTANSI = "Badan Pengawas Pemilihan Umum"


def _units() -> list[str]:
    """The units of Bawaslu Provinsi Jawa Timur, in Kemendagri code order (3501-3529,
    3571-3579): the sample agency profile samples/instansi.toml lists them (skpxl itself
    knows no agency's units)."""
    try:
        import tomllib
    except ImportError:   # Python 3.10
        import tomli as tomllib
    return tomllib.loads((ROOT / "samples" / "instansi.toml").read_text("utf-8"))["unit_order"]


UNITS = _units()
PROVINCE_UNIT = UNITS[0]

ROSTER_HEADER = ["NIP", "Nama", "Status ASN", "Pangkat/Gol", "Jabatan", "Jenis Jabatan",
                 "Jenjang", "Unit Kerja", "Instansi", "NIP Penilai", "Pendekatan", "Tempat"]
PLANS_HEADER = ["NIP", "Jenis", "RHK", "RHK Pimpinan", "Aspek", "IKI", "Target", "Satuan",
                "Perspektif"]

ROSTER_CSV = "pegawai-bawaslu-jatim.csv"
ROSTER_XLSX = "pegawai-bawaslu-jatim.xlsx"
PLANS_CSV = "rencana-kerja.csv"
PLANS_XLSX = "rencana-kerja.xlsx"

REGIONS = [unit.removeprefix("Sekretariat Bawaslu ") for unit in UNITS[1:]]
LARGE = {"Kota Surabaya", "Kabupaten Malang", "Kabupaten Jember", "Kabupaten Sidoarjo",
         "Kabupaten Banyuwangi", "Kabupaten Gresik"}
SMALL = {"Kota Batu", "Kota Mojokerto", "Kota Blitar", "Kota Madiun", "Kota Pasuruan",
         "Kota Probolinggo"}
MADURA = {"Kabupaten Bangkalan", "Kabupaten Sampang", "Kabupaten Pamekasan",
          "Kabupaten Sumenep"}

#: kabupaten/kota whose Kepala Subbagian post is empty: its staff are assessed by the head
VACANCIES = {"Kabupaten Blitar": "ksbk_hukum", "Kabupaten Ngawi": "ksbk_was",
             "Kabupaten Lamongan": "ksbk_hukum", "Kabupaten Bangkalan": "ksbk_hukum",
             "Kota Malang": "ksbk_was", "Kota Madiun": "ksbk_was"}

#: units whose every employee gets a plan in rencana-kerja.*
PLANS_UNITS = (PROVINCE_UNIT, "Sekretariat Bawaslu Kabupaten Blitar",
               "Sekretariat Bawaslu Kota Surabaya", "Sekretariat Bawaslu Kabupaten Sumenep")

# --- pangkat / golongan ---------------------------------------------------------------------

GOLONGAN = ("II/a", "II/b", "II/c", "II/d", "III/a", "III/b", "III/c", "III/d", "IV/a", "IV/b",
            "IV/c")
PANGKAT = ("Pengatur Muda", "Pengatur Muda Tk. I", "Pengatur", "Pengatur Tk. I", "Penata Muda",
           "Penata Muda Tk. I", "Penata", "Penata Tk. I", "Pembina", "Pembina Tk. I",
           "Pembina Utama Muda")
G = {gol: i for i, gol in enumerate(GOLONGAN)}
#: golongan index on entry (CPNS) by education, and the highest a pelaksana usually reaches
ENTRY = {"SMA": G["II/a"], "D3": G["II/c"], "S1": G["III/a"], "S2": G["III/b"]}
PELAKSANA_CAP = {"SMA": G["III/b"], "D3": G["III/c"], "S1": G["III/d"], "S2": G["III/d"]}
ENTRY_AGE = {"SMA": (20, 26), "D3": (22, 28), "S1": (23, 31), "S2": (25, 33)}
PPPK_GOLONGAN = {"SMA": "V", "D3": "VII", "S1": "IX", "S2": "IX"}
#: golongan range for a jabatan fungsional level
JENJANG_GOL = {"Terampil": ("II/c", "II/d"), "Mahir": ("III/a", "III/b"),
               "Ahli Pertama": ("III/a", "III/b"), "Ahli Muda": ("III/c", "III/d")}
JENJANG_EDU = {"Terampil": "D3", "Mahir": "D3", "Ahli Pertama": "S1", "Ahli Muda": "S1"}


def pangkat_text(index: int) -> str:
    return f"{PANGKAT[index]} ({GOLONGAN[index]})"


# --- names ----------------------------------------------------------------------------------

MALE_GIVEN = ("Agus", "Bambang", "Budi", "Eko", "Dwi", "Heru", "Slamet", "Sugeng", "Wahyu",
              "Yudi", "Teguh", "Hari", "Bagus", "Aris", "Adi", "Fajar", "Rizal", "Andi", "Arif",
              "Dedi", "Rudi", "Anton", "Didik", "Sigit", "Gatot", "Wawan", "Yoga", "Dimas",
              "Rizky", "Bayu", "Galih", "Ilham", "Ahmad", "Muhammad", "Imam", "Irfan", "Hadi",
              "Nanang", "Tri", "Catur", "Danang", "Yusuf", "Rahmat", "Kukuh", "Lukman",
              "Hendra", "Taufik", "Febri", "Wisnu", "Aditya")
MALE_GIVEN_2 = ("Setyo", "Budi", "Adi", "Nur", "Wahyu", "Agung", "Dwi", "Bayu", "Prasetya",
                "Eko", "Dani", "Yoga", "Tri", "Hadi", "Putra", "Fikri")
MALE_SURNAME = ("Prasetyo", "Santoso", "Wibowo", "Setiawan", "Nugroho", "Hidayat", "Saputra",
                "Kurniawan", "Purnomo", "Susanto", "Hartono", "Wijaya", "Pratama",
                "Firmansyah", "Ramadhan", "Permana", "Hermawan", "Utomo", "Wicaksono",
                "Sulistyo", "Cahyono", "Haryanto", "Suryadi", "Darmawan", "Effendi",
                "Kusuma", "Anshori", "Mahendra", "Syahputra", "Hakim")
FEMALE_GIVEN = ("Siti", "Sri", "Dewi", "Ratna", "Endang", "Lilik", "Nur", "Fitri", "Rina",
                "Wulan", "Anik", "Yuli", "Dian", "Novi", "Ika", "Rini", "Eka", "Desi", "Retno",
                "Nanik", "Erna", "Indah", "Ayu", "Putri", "Nadia", "Anisa", "Rizka", "Yeni",
                "Tutik", "Umi", "Lailatul", "Nurul", "Khusnul", "Hanifah", "Vina", "Mega",
                "Evi", "Diah", "Galuh", "Kartika")
FEMALE_GIVEN_2 = ("Ayu", "Nur", "Dwi", "Sari", "Puji", "Tri", "Indah", "Rahma", "Wahyu",
                  "Dyah", "Eka", "Nurul", "Retno", "Tika")
FEMALE_SURNAME = ("Rahayu", "Wulandari", "Lestari", "Handayani", "Puspitasari", "Kusumawati",
                  "Rahmawati", "Susanti", "Safitri", "Maulidiyah", "Hasanah", "Fitriyah",
                  "Khoiriyah", "Nurhayati", "Setyowati", "Purwanti", "Yuliana", "Novitasari",
                  "Agustina", "Permatasari", "Mardiana", "Zahro", "Ningsih", "Sholihah",
                  "Khotimah", "Pratiwi", "Anggraeni", "Damayanti", "Oktaviani", "Kurniasih")
MADURA_MALE_PREFIX = ("Moh.", "Ach.", "Abd.", "Moh.", "M.")
MADURA_MALE = ("Syaiful", "Fathorrahman", "Hosnan", "Sholeh", "Rofiqi", "Ainur", "Mahfud",
               "Zainal", "Fauzi", "Holil", "Jumadi", "Subairi", "Sahrul", "Hasbullah",
               "Rasyid", "Amin", "Wafi", "Baidowi", "Tohir", "Suhri")
MADURA_MALE_SURNAME = ("Anam", "Rahman", "Hidayat", "Hasan", "Yasin", "Rofiq", "Huda",
                       "Arifin", "Maulana", "Kholil", "Zaini", "Hafidz", "Ridho", "Sidiq",
                       "Qomar", "Bahri")
MADURA_FEMALE = ("Siti", "Nurul", "Ummi", "Lailatul", "Fatimatuz", "Sholihatul", "Khoirun",
                 "Nur", "Hosniyah", "Zulfa", "Rofiqoh", "Jamilah")
MADURA_FEMALE_SURNAME = ("Hasanah", "Fitriyah", "Qomariyah", "Zahro", "Maulidiyah",
                         "Khotimah", "Jannah", "Munawwaroh", "Fadilah", "Nisa", "Azizah",
                         "Rahmah")
OLD_MONONYM_MALE = ("Suparno", "Sutrisno", "Suwarno", "Suyanto", "Supriyadi", "Sunaryo",
                    "Sukardi", "Sumarno")
OLD_MONONYM_FEMALE = ("Sumarni", "Sulastri", "Sunarti", "Suprihatin", "Sumiati", "Suharti")
#: (first word, last word) pairs that would name a well-known public figure: never used
NAME_BLOCKLIST = {("Hendra", "Setiawan"), ("Taufik", "Hidayat"), ("Rudi", "Hartono"),
                  ("Wahyu", "Setiawan"), ("Eka", "Rahmawati"), ("Budi", "Setiawan"),
                  ("Agus", "Pratama"), ("Muhammad", "Hidayat")}

DEGREES = {  # duty group -> S1 degrees that fit the work
    "keu": ("S.E.", "S.Ak.", "S.E."), "umum": ("S.E.", "S.AP.", "S.Sos."),
    "sdm": ("S.AP.", "S.Psi.", "S.Sos."), "data": ("S.Kom.", "S.T.", "S.Kom."),
    "ren": ("S.E.", "S.T.", "S.IP."), "was": ("S.IP.", "S.Sos.", "S.H.", "S.Pd."),
    "humas": ("S.I.Kom.", "S.Sos.", "S.I.Kom."), "pel": ("S.H.", "S.H.", "S.IP."),
    "hukum": ("S.H.",), "lead": ("S.H.", "S.Sos.", "S.IP.", "S.E.", "S.AP."),
}
MASTER = {"S.H.": ("M.H.", "M.H.", "M.Si."), "S.Kom.": ("M.Kom.", "M.T."),
          "S.T.": ("M.T.", "M.M."), "S.E.": ("M.M.", "M.Ak.", "M.Si."),
          "S.Ak.": ("M.Ak.", "M.M.")}
D3_DEGREE = {"keu": "A.Md.Ak.", "data": "A.Md.Kom."}
OLD_DRS = {"S.Sos.", "S.IP.", "S.E.", "S.AP."}


# --- jobs -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Duty:
    """What a staff member does: jabatan, kind and the RHK topic (``group``)."""

    key: str
    jabatan: str
    group: str
    fungsional: tuple[tuple[str, int], ...] = ()  # (jenjang, weight) for JF
    education: tuple[str, ...] = ("S1",)


DUTIES = {d.key: d for d in (
    Duty("bendahara", "Bendahara", "keu", education=("S1", "D3")),
    Duty("keuangan", "Pengelola Keuangan", "keu", education=("S1", "D3", "D3")),
    Duty("apk", "Analis Pengelolaan Keuangan APBN", "keu",
         (("Ahli Pertama", 3), ("Ahli Muda", 1))),
    Duty("bmn", "Pengelola Barang Milik Negara", "umum", education=("D3", "S1", "SMA")),
    Duty("umum", "Pengadministrasi Umum", "umum", education=("SMA", "SMA", "D3")),
    Duty("kepegawaian", "Pengadministrasi Kepegawaian", "sdm", education=("SMA", "D3")),
    Duty("arsiparis", "Arsiparis", "umum", (("Terampil", 2), ("Mahir", 1))),
    Duty("analis_sdm", "Analis SDM Aparatur", "sdm", (("Ahli Pertama", 2), ("Ahli Muda", 1))),
    Duty("pranata_komputer", "Pranata Komputer", "data", (("Ahli Pertama", 1),)),
    Duty("perencana", "Perencana", "ren", (("Ahli Muda", 2), ("Ahli Pertama", 1))),
    Duty("pkp_was", "Penata Kelola Pemilu", "was"),
    Duty("pengolah_data", "Pengolah Data", "data", education=("D3", "S1")),
    Duty("humas", "Pranata Hubungan Masyarakat", "humas", (("Ahli Pertama", 3),
                                                            ("Ahli Muda", 1))),
    Duty("pkp_pel", "Penata Kelola Pemilu", "pel"),
    Duty("adm_pel", "Pengadministrasi Penanganan Pelanggaran", "pel",
         education=("SMA", "D3", "S1")),
    Duty("analis_hukum", "Analis Hukum", "hukum", (("Ahli Muda", 2), ("Ahli Pertama", 1))),
)}
#: pelaksana titles after the 2024 simplification, used for 2024 CPNS and PPPK appointees
NEW_PELAKSANA = {"SMA": ("Operator Layanan Operasional", "Pengadministrasi Perkantoran"),
                 "D3": ("Pengelola Layanan Operasional",),
                 "S1": ("Penata Layanan Operasional",)}
UNIQUE_DUTIES = {"bendahara", "perencana", "apk"}


@dataclass(frozen=True)
class Office:
    """A structural position: its key (for the RHK library), title and kind."""

    key: str
    jabatan: str
    jenis: str
    group: str
    staff_pool: tuple[str, ...] = ()  # duties of the staff under it (pelaksana/JF)
    first_staff: tuple[str, ...] = ()  # filled first, in this order


PROVINCE_HEAD = Office("kasek_prov", "Kepala Sekretariat Bawaslu Provinsi Jawa Timur", "JPT",
                       "lead")
PROVINCE_BAGIAN = (
    (Office("kabag_adm", "Kepala Bagian Administrasi", "Administrator", "umum"), (
        (Office("ksb_ren", "Kepala Subbagian Perencanaan dan Data", "Pengawas", "ren"),
         ("perencana", "pranata_komputer")),
        (Office("ksb_keu", "Kepala Subbagian Keuangan dan Umum", "Pengawas", "keu"),
         ("bendahara", "keuangan", "bmn", "arsiparis")),
        (Office("ksb_sdm", "Kepala Subbagian Sumber Daya Manusia dan Organisasi", "Pengawas",
                "sdm"), ("analis_sdm", "kepegawaian")),
    )),
    (Office("kabag_was", "Kepala Bagian Pengawasan Pemilu dan Hubungan Masyarakat",
            "Administrator", "was"), (
        (Office("ksb_was", "Kepala Subbagian Pengawasan Pemilu", "Pengawas", "was"),
         ("pkp_was", "pengolah_data")),
        (Office("ksb_humas", "Kepala Subbagian Hubungan Masyarakat, Data dan Informasi",
                "Pengawas", "humas"), ("humas", "pranata_komputer")),
    )),
    (Office("kabag_ppps", "Kepala Bagian Penanganan Pelanggaran dan Penyelesaian Sengketa",
            "Administrator", "pel"), (
        (Office("ksb_pel", "Kepala Subbagian Penanganan Pelanggaran", "Pengawas", "pel"),
         ("pkp_pel",)),
        (Office("ksb_hukum", "Kepala Subbagian Penyelesaian Sengketa dan Hukum", "Pengawas",
                "hukum"), ("analis_hukum",)),
    )),
)
KAB_SUBBAGIAN = (
    Office("ksbk_adm", "Kepala Subbagian Administrasi", "Pengawas", "umum",
           ("umum", "bmn", "kepegawaian", "arsiparis", "analis_sdm", "pranata_komputer",
            "perencana", "apk", "umum", "keuangan"), ("bendahara", "keuangan")),
    Office("ksbk_was", "Kepala Subbagian Pengawasan dan Hubungan Masyarakat", "Pengawas", "was",
           ("humas", "pengolah_data", "pkp_was", "pranata_komputer"), ("pkp_was",)),
    Office("ksbk_hukum", "Kepala Subbagian Penanganan Pelanggaran, Sengketa dan Hukum",
           "Pengawas", "hukum", ("analis_hukum", "adm_pel", "pkp_pel"), ("pkp_pel",)),
)


# --- people ---------------------------------------------------------------------------------

@dataclass
class Person:
    unit: str
    tempat: str
    role: str  # Office.key or Duty.key: selects the RHK library entry
    group: str
    jabatan: str
    jenis: str
    jenjang: str = ""
    status: str = "PNS"
    education: str = "S1"
    golongan: int | str = 0
    birth: date = date(1990, 1, 1)
    tmt: tuple[int, int] = (2015, 1)  # TMT CPNS (PNS) or (appointment year, 0) for PPPK
    sex: str = "1"
    nama: str = ""
    nip: str = ""
    penilai: "Person | None" = None
    pendekatan: str = "kuantitatif"
    subordinates: list = field(default_factory=list)

    @property
    def pangkat(self) -> str:
        if self.status == "PPPK":
            return str(self.golongan)
        return pangkat_text(int(self.golongan))

    def roster_row(self) -> list[str]:
        return [self.nip, self.nama, self.status, self.pangkat, self.jabatan, self.jenis,
                self.jenjang, self.unit, INSTANSI, self.penilai.nip if self.penilai else "",
                self.pendekatan, self.tempat]


class Generator:
    def __init__(self, seed: int = SEED):
        self.rng = random.Random(seed)
        self.people: list[Person] = []
        self.nips: set[str] = set()
        self.prefixes: dict[str, int] = {}
        self.names: set[str] = set()
        self.status_deck: list[str] = []

    # -- dates and NIPs --

    def _birth(self, year: int) -> date:
        year = max(YEAR - OLDEST, min(YEAR - YOUNGEST, year))
        start = date(year, 1, 1).toordinal()
        return date.fromordinal(start + self.rng.randrange(365))

    def _career(self, person: Person, service: int) -> None:
        """Set TMT CPNS and birth date for ``service`` years of service (PNS)."""
        tmt_year = min(YEAR - max(service, 2), YEAR - 2)
        low, high = ENTRY_AGE[person.education]
        birth_year = tmt_year - self.rng.randint(low, high)
        if YEAR - birth_year > OLDEST:  # would be retiring: entered younger instead
            birth_year = YEAR - OLDEST + self.rng.randint(0, 4)
        person.birth = self._birth(birth_year)
        tmt_year = max(tmt_year, person.birth.year + 20)
        person.tmt = (tmt_year, self.rng.randint(1, 12))

    def _make_nip(self, person: Person) -> str:
        birth = person.birth.strftime("%Y%m%d")
        if person.status == "PPPK":
            prefix = f"{birth}{person.tmt[0]:04d}21{person.sex}"
        else:
            prefix = f"{birth}{person.tmt[0]:04d}{person.tmt[1]:02d}{person.sex}"
        sequence = self.prefixes.get(prefix, 0) + 1
        self.prefixes[prefix] = sequence
        nip = f"{prefix}{sequence:03d}"
        assert len(nip) == 18 and nip not in self.nips, nip
        self.nips.add(nip)
        return nip

    # -- names --

    def _base_name(self, person: Person, madura: bool) -> str:
        rng, male = self.rng, person.sex == "1"
        age = YEAR - person.birth.year
        if age >= 50 and rng.random() < 0.25:
            return rng.choice(OLD_MONONYM_MALE if male else OLD_MONONYM_FEMALE)
        if madura and rng.random() < 0.7:
            if male:
                parts = [rng.choice(MADURA_MALE_PREFIX), rng.choice(MADURA_MALE)]
                if rng.random() < 0.8:
                    parts.append(rng.choice(MADURA_MALE_SURNAME))
            else:
                parts = [rng.choice(MADURA_FEMALE), rng.choice(MADURA_FEMALE_SURNAME)]
            return " ".join(parts)
        given, given2, surname = ((MALE_GIVEN, MALE_GIVEN_2, MALE_SURNAME) if male else
                                  (FEMALE_GIVEN, FEMALE_GIVEN_2, FEMALE_SURNAME))
        parts = [rng.choice(given)]
        if rng.random() < 0.3:
            parts.append(rng.choice(given2))
        parts.append(rng.choice(surname))
        return " ".join(parts)

    def _titles(self, person: Person, base: str) -> str:
        rng, edu = self.rng, person.education
        if edu == "SMA":
            return base
        if edu == "D3":
            return f"{base}, {D3_DEGREE.get(person.group, 'A.Md.')}"
        s1 = rng.choice(DEGREES.get(person.group, DEGREES["lead"]))
        prefix = ""
        if s1 in OLD_DRS and person.birth.year <= 1972 and rng.random() < 0.7:
            prefix, s1 = ("Drs. " if person.sex == "1" else "Dra. "), ""
        suffixes = [s1] if s1 else []
        if edu == "S2":
            suffixes.append(rng.choice(MASTER.get(s1, ("M.Si.", "M.M.", "M.AP."))))
        return prefix + base + (", " + ", ".join(suffixes) if suffixes else "")

    def _name(self, person: Person) -> str:
        madura = person.unit.removeprefix("Sekretariat Bawaslu ") in MADURA
        for _ in range(200):
            base = self._base_name(person, madura)
            words = base.replace(".", "").split()
            core = " ".join(w for w in base.split() if w not in MADURA_MALE_PREFIX)
            if core in self.names or (words[0], words[-1]) in NAME_BLOCKLIST or (
                    len(words) > 1 and words[-1].lower().endswith(words[0][-4:].lower())):
                continue  # taken, a public figure, or a jingle like "Hendra Mahendra"
            self.names.add(core)
            return self._titles(person, base)
        raise RuntimeError("ran out of names")

    # -- people --

    def _finish(self, person: Person, penilai: Person | None) -> Person:
        person.sex = "1" if self.rng.random() < 0.56 else "2"
        person.nip = self._make_nip(person)
        person.nama = self._name(person)
        person.penilai = penilai
        if penilai is not None:
            penilai.subordinates.append(person)
        self.people.append(person)
        return person

    def structural(self, office: Office, unit: str, tempat: str, penilai: Person | None,
                   golongan: tuple[str, ...], education: tuple[str, ...]) -> Person:
        person = Person(unit, tempat, office.key, office.group, office.jabatan, office.jenis,
                        education=self.rng.choice(education))
        gol = G[self.rng.choice(golongan)]
        person.golongan = gol
        entry = ENTRY["S1"]  # structural officials mostly entered with S1 and studied later
        self._career(person, 4 * (gol - entry) + self.rng.randint(1, 5))
        return self._finish(person, penilai)

    def staff(self, duty_key: str, unit: str, tempat: str, penilai: Person) -> Person:
        rng, duty = self.rng, DUTIES[duty_key]
        status = "PNS" if duty_key == "bendahara" else self._draw_status()
        if status == "CPNS" and duty.fungsional:
            status = "PNS"  # CPNS start as pelaksana; their JF comes after appointment
        person = Person(unit, tempat, duty_key, duty.group, duty.jabatan, "Pelaksana",
                        status=status)
        if duty.fungsional:
            person.jenis = "Fungsional"
            levels = [level for level, weight in duty.fungsional for _ in range(weight)]
            if status == "PPPK":  # PPPK are appointed at the entry level
                levels = [lv for lv in levels if lv in ("Ahli Pertama", "Terampil")] or [
                    "Terampil" if levels[0] in ("Terampil", "Mahir") else "Ahli Pertama"]
            person.jenjang = rng.choice(levels)
            person.education = JENJANG_EDU[person.jenjang]
            if person.jenjang == "Ahli Muda" and rng.random() < 0.3:
                person.education = "S2"
            person.jabatan = f"{duty.jabatan} {person.jenjang}"
        else:
            person.education = rng.choice(duty.education)
        if status == "PPPK":
            person.golongan = PPPK_GOLONGAN[person.education]
            year = rng.randint(2021, 2024) if duty.fungsional else 2024
            person.birth = self._birth(YEAR - rng.randint(26, 48))  # appointed at 22+
            person.tmt = (year, 0)
            if not duty.fungsional:
                person.jabatan = rng.choice(NEW_PELAKSANA["S1" if person.education == "S2"
                                                          else person.education])
        elif status == "CPNS":
            if person.education == "S2":
                person.education = "S1"
            person.golongan = ENTRY[person.education]
            person.birth = self._birth(YEAR - rng.randint(23, 33))
            person.tmt = (2024, rng.randint(1, 7))
            person.jabatan = rng.choice(NEW_PELAKSANA[person.education])
        elif duty.fungsional:
            low, high = JENJANG_GOL[person.jenjang]
            gol = rng.randint(G[low], G[high])
            person.golongan = gol
            entry = ENTRY["D3" if person.education == "D3" else "S1"]
            self._career(person, 4 * max(gol - entry, 0) + rng.randint(2, 6))
        else:
            service = rng.choice((3, 5, 8, 10, 12, 15, 18, 22, 26, 30)) + rng.randint(0, 3)
            self._career(person, service)
            entry = ENTRY[person.education]
            person.golongan = min(entry + (YEAR - person.tmt[0]) // 4,
                                  PELAKSANA_CAP[person.education])
        if person.jenis == "Pelaksana" and rng.random() < 0.09:
            person.pendekatan = "kualitatif"
        elif person.jenis == "Fungsional" and rng.random() < 0.04:
            person.pendekatan = "kualitatif"
        return self._finish(person, penilai)

    def _draw_status(self) -> str:
        """Status of the next staff member, dealt from shuffled decks of 40 (11 PPPK, 4 CPNS,
        25 PNS), so that whatever the seed about 27 % of the staff (about 18 % of everyone)
        are PPPK."""
        if not self.status_deck:
            self.status_deck = ["PPPK"] * 11 + ["CPNS"] * 4 + ["PNS"] * 25
            self.rng.shuffle(self.status_deck)
        return self.status_deck.pop()

    def _fill(self, pool: tuple[str, ...], first: tuple[str, ...], count: int,
              used: set[str]) -> list[str]:
        duties = list(first[:count])
        while len(duties) < count:
            key = self.rng.choice(pool)
            if key in UNIQUE_DUTIES and key in used | set(duties):
                continue
            duties.append(key)
        used.update(duties)
        return duties

    def province(self) -> Person:
        unit, tempat = PROVINCE_UNIT, "Surabaya"
        head = self.structural(PROVINCE_HEAD, unit, tempat, None, ("IV/c", "IV/c", "IV/b"),
                               ("S2",))
        for bagian, subbagian in PROVINCE_BAGIAN:
            kabag = self.structural(bagian, unit, tempat, head, ("IV/a", "IV/a", "IV/b"),
                                    ("S2", "S2", "S1"))
            for office, duties in subbagian:
                kasubbag = self.structural(office, unit, tempat, kabag, ("III/d", "III/c",
                                                                         "III/d"),
                                           ("S1", "S2"))
                for key in duties:
                    self.staff(key, unit, tempat, kasubbag)
        return head

    def kabkota(self, region: str, kabag_adm: Person) -> None:
        rng = self.rng
        unit, tempat = f"Sekretariat Bawaslu {region}", region.split(" ", 1)[1]
        size = (rng.randint(16, 22) if region in LARGE else rng.randint(8, 11)
                if region in SMALL else rng.randint(9, 16))
        head = self.structural(Office("kasek_kab", f"Kepala Sekretariat Bawaslu {region}",
                                      "Administrator", "lead"),
                               unit, tempat, kabag_adm, ("IV/a", "IV/a", "III/d"),
                               ("S2", "S1"))
        vacant = VACANCIES.get(region)
        filled = 3 - (vacant is not None)
        n_staff = size - 1 - filled
        was = max(1, round(n_staff * 0.25))
        hukum = max(1, round(n_staff * 0.2))
        counts = {"ksbk_adm": n_staff - was - hukum, "ksbk_was": was, "ksbk_hukum": hukum}
        used: set[str] = set()
        for office in KAB_SUBBAGIAN:
            if office.key == vacant:
                chief = head  # the Kasubbag post is empty: the head assesses its staff
            else:
                chief = self.structural(office, unit, tempat, head, ("III/d", "III/c", "III/c"),
                                        ("S1", "S1", "S2"))
            for key in self._fill(office.staff_pool, office.first_staff,
                                  counts[office.key], used):
                self.staff(key, unit, tempat, chief)

    def roster(self) -> list[Person]:
        head = self.province()
        kabag_adm = next(p for p in head.subordinates if p.role == "kabag_adm")
        for region in REGIONS:
            self.kabkota(region, kabag_adm)
        return self.people


# --- plans: the RHK library ---------------------------------------------------------------

@dataclass(frozen=True)
class Rhk:
    """One RHK: text, topic tags (the first is looked for in the assessor's RHK), the
    Kuantitas IKI ``(text, target, satuan)``, the object the other IKI talk about, and
    what the budget of the Biaya IKI is spent on (no Biaya IKI when empty)."""

    text: str
    tags: tuple[str, ...]
    kuantitas: tuple[str, int, str]
    obj: str
    biaya: str = ""

    @property
    def activity(self) -> bool:
        """Whether ``obj`` is an activity or service (else a document or product)."""
        return self.obj.split()[0] in ACTIVITY_WORDS


#: first words of IKI objects that name an activity or a service, not a document
ACTIVITY_WORDS = {"pengelolaan", "pemeliharaan", "layanan", "kegiatan", "fasilitasi",
                  "registrasi", "verifikasi", "penataan", "pemutakhiran", "administrasi",
                  "dokumentasi", "telaah", "pengarsipan"}


def R(text, tags, kuantitas, obj, biaya="") -> Rhk:
    return Rhk(text, tuple(tags.split()), kuantitas, obj, biaya)


#: JPT RHK: text, tags, IKI rows (indikator, target, satuan, perspektif)
JPT_RHK = {
    "kasek_prov": (
        ("Terselenggaranya dukungan administrasi pengawasan pemilu yang akuntabel",
         ("akun", "kab", "ren"), (
             ("Nilai evaluasi SAKIP Sekretariat Bawaslu Provinsi Jawa Timur", 78, "nilai",
              "Perspektif Proses Bisnis"),
             ("Indeks kepuasan pemangku kepentingan terhadap layanan sekretariat", 3.4,
              "indeks", "Perspektif Penerima Layanan"))),
        ("Terwujudnya tata kelola keuangan dan barang milik negara yang akuntabel",
         ("keu", "umum"), (
             ("Nilai Indikator Kinerja Pelaksanaan Anggaran (IKPA)", 95, "nilai",
              "Perspektif Anggaran"),
             ("Persentase realisasi anggaran terhadap pagu DIPA", 95, "%",
              "Perspektif Anggaran"))),
        ("Meningkatnya profesionalitas sumber daya manusia sekretariat pengawas pemilu",
         ("sdm",), (
             ("Indeks Profesionalitas ASN", 80, "nilai", "Perspektif Penguatan Internal"),
             ("Persentase pegawai yang memperoleh pengembangan kompetensi paling sedikit 20 "
              "jam pelajaran", 100, "%", "Perspektif Penguatan Internal"))),
        ("Terselenggaranya dukungan teknis pengawasan, penanganan pelanggaran dan "
         "penyelesaian sengketa yang tepat waktu", ("was", "pel", "hukum", "humas", "data"), (
             ("Persentase dukungan teknis penanganan pelanggaran yang diselesaikan sesuai "
              "tenggat", 100, "%", "Perspektif Proses Bisnis"),
             ("Persentase permohonan informasi publik yang dilayani sesuai ketentuan", 100,
              "%", "Perspektif Penerima Layanan"))),
    ),
}

RHK_LIBRARY: dict[str, tuple[Rhk, ...]] = {
    # province: Kepala Bagian
    "kabag_adm": (
        R("Terlaksananya pengelolaan perencanaan, keuangan dan barang milik negara yang tertib "
          "dan akuntabel", "keu umum ren",
          ("Jumlah laporan pengelolaan keuangan dan BMN yang disusun", 12, "laporan"),
          "laporan pengelolaan keuangan dan BMN", "kegiatan pengelolaan keuangan dan BMN"),
        R("Terlaksananya pengelolaan SDM aparatur dan organisasi yang profesional", "sdm",
          ("Jumlah dokumen layanan kepegawaian yang diselesaikan", 24, "dokumen"),
          "dokumen layanan kepegawaian"),
        R("Terlaksananya pembinaan administrasi sekretariat Bawaslu kabupaten/kota se-Jawa "
          "Timur", "kab akun",
          ("Jumlah laporan pembinaan administrasi kabupaten/kota", 4, "laporan"),
          "laporan pembinaan administrasi kabupaten/kota"),
    ),
    "kabag_was": (
        R("Terselenggaranya dukungan teknis pengawasan tahapan pemilihan di Jawa Timur", "was",
          ("Jumlah laporan hasil pengawasan tahapan yang disusun", 12, "laporan"),
          "laporan hasil pengawasan tahapan"),
        R("Terlaksananya publikasi dan pelayanan informasi publik pengawasan pemilu", "humas",
          ("Jumlah publikasi hasil pengawasan yang diterbitkan", 48, "publikasi"),
          "publikasi hasil pengawasan"),
        R("Tersedianya data dan informasi hasil pengawasan yang mutakhir", "data",
          ("Jumlah dokumen rekapitulasi data pengawasan yang dimutakhirkan", 12, "dokumen"),
          "dokumen rekapitulasi data pengawasan"),
    ),
    "kabag_ppps": (
        R("Terselenggaranya dukungan teknis penanganan pelanggaran pemilu yang tepat waktu",
          "pel", ("Jumlah berkas dukungan teknis penanganan pelanggaran yang diselesaikan",
                  30, "berkas"), "berkas dukungan teknis penanganan pelanggaran"),
        R("Terselenggaranya dukungan teknis penyelesaian sengketa proses pemilu", "hukum",
          ("Jumlah berkas dukungan penyelesaian sengketa yang diselesaikan", 10, "berkas"),
          "berkas dukungan penyelesaian sengketa"),
        R("Tersedianya dokumentasi dan informasi hukum yang tertib", "hukum akun",
          ("Jumlah produk hukum yang didokumentasikan", 24, "dokumen"),
          "dokumentasi produk hukum"),
    ),
    # province: Kepala Subbagian
    "ksb_ren": (
        R("Tersusunnya dokumen perencanaan program dan anggaran satuan kerja", "ren keu",
          ("Jumlah dokumen perencanaan dan anggaran yang disusun", 6, "dokumen"),
          "dokumen perencanaan dan anggaran"),
        R("Tersusunnya laporan kinerja dan evaluasi SAKIP satuan kerja", "ren akun",
          ("Jumlah laporan kinerja yang disusun", 5, "laporan"), "laporan kinerja"),
        R("Terkelolanya data dan sistem informasi sekretariat", "data ren",
          ("Jumlah aplikasi dan basis data yang dikelola", 4, "aplikasi"),
          "pengelolaan aplikasi dan basis data"),
    ),
    "ksb_keu": (
        R("Terlaksananya pengelolaan keuangan dan BMN yang tertib", "keu umum",
          ("Jumlah laporan keuangan dan BMN yang disusun", 14, "laporan"),
          "laporan keuangan dan BMN", "kegiatan pengelolaan keuangan dan BMN"),
        R("Terlaksananya layanan ketatausahaan, kerumahtanggaan dan kearsipan", "umum",
          ("Jumlah laporan layanan umum dan kearsipan yang disusun", 12, "laporan"),
          "laporan layanan umum dan kearsipan"),
        R("Terlaksananya pengadaan barang dan jasa satuan kerja yang akuntabel", "umum keu",
          ("Jumlah paket pengadaan yang diselesaikan", 10, "paket"),
          "paket pengadaan barang dan jasa", "pengadaan barang dan jasa"),
    ),
    "ksb_sdm": (
        R("Terlaksananya layanan administrasi kepegawaian yang tertib", "sdm",
          ("Jumlah usulan layanan kepegawaian yang diproses", 60, "usulan"),
          "usulan layanan kepegawaian"),
        R("Terlaksananya pengembangan kompetensi pegawai", "sdm",
          ("Jumlah kegiatan pengembangan kompetensi yang difasilitasi", 6, "kegiatan"),
          "kegiatan pengembangan kompetensi", "pengembangan kompetensi pegawai"),
        R("Terlaksananya pengelolaan kinerja pegawai dan reformasi birokrasi", "sdm akun",
          ("Jumlah laporan pengelolaan kinerja pegawai yang disusun", 4, "laporan"),
          "laporan pengelolaan kinerja pegawai"),
    ),
    "ksb_was": (
        R("Terlaksananya fasilitasi pengawasan tahapan pemilihan", "was",
          ("Jumlah laporan fasilitasi pengawasan tahapan yang disusun", 12, "laporan"),
          "laporan fasilitasi pengawasan"),
        R("Terlaksananya pencegahan pelanggaran dan pengawasan partisipatif", "was humas",
          ("Jumlah kegiatan pencegahan dan pengawasan partisipatif", 8, "kegiatan"),
          "kegiatan pencegahan dan pengawasan partisipatif",
          "kegiatan pencegahan dan pengawasan partisipatif"),
    ),
    "ksb_humas": (
        R("Terlaksananya publikasi kegiatan pengawasan pemilu", "humas",
          ("Jumlah publikasi kegiatan pengawasan yang diterbitkan", 96, "publikasi"),
          "publikasi kegiatan pengawasan"),
        R("Terlaksananya layanan informasi publik melalui PPID", "humas data",
          ("Jumlah permohonan informasi publik yang dilayani", 40, "permohonan"),
          "layanan permohonan informasi publik"),
        R("Tersedianya data hasil pengawasan yang mutakhir", "data",
          ("Jumlah rekapitulasi data pengawasan yang dimutakhirkan", 12, "dokumen"),
          "rekapitulasi data pengawasan"),
    ),
    "ksb_pel": (
        R("Terlaksananya dukungan administrasi penerimaan laporan dan temuan dugaan "
          "pelanggaran", "pel",
          ("Jumlah berkas laporan dan temuan yang diadministrasikan", 40, "berkas"),
          "berkas laporan dan temuan"),
        R("Terlaksananya dukungan kajian dugaan pelanggaran", "pel",
          ("Jumlah dokumen kajian dugaan pelanggaran yang difasilitasi", 20, "dokumen"),
          "dokumen kajian dugaan pelanggaran"),
    ),
    "ksb_hukum": (
        R("Terlaksananya dukungan administrasi penyelesaian sengketa proses pemilu", "hukum",
          ("Jumlah berkas permohonan sengketa yang diadministrasikan", 10, "berkas"),
          "berkas permohonan sengketa"),
        R("Terlaksananya penyusunan produk hukum dan pengelolaan JDIH", "hukum",
          ("Jumlah produk hukum yang disusun dan dipublikasikan di JDIH", 24, "dokumen"),
          "produk hukum dan dokumen JDIH"),
    ),
    # kabupaten/kota
    "kasek_kab": (
        R("Terselenggaranya dukungan administrasi, keuangan dan umum sekretariat yang tertib "
          "dan akuntabel", "kab keu umum sdm ren akun",
          ("Jumlah laporan pengelolaan administrasi dan keuangan yang disusun", 12,
           "laporan"), "laporan administrasi dan keuangan sekretariat",
          "dukungan administrasi sekretariat"),
        R("Terselenggaranya dukungan teknis pengawasan pemilu dan hubungan masyarakat",
          "kab was humas data",
          ("Jumlah laporan dukungan teknis pengawasan yang disusun", 12, "laporan"),
          "laporan dukungan teknis pengawasan"),
        R("Terselenggaranya dukungan teknis penanganan pelanggaran, penyelesaian sengketa dan "
          "hukum", "kab pel hukum",
          ("Jumlah berkas dukungan penanganan pelanggaran dan sengketa", 20, "berkas"),
          "berkas dukungan penanganan pelanggaran dan sengketa"),
    ),
    "ksbk_adm": (
        R("Terlaksananya pengelolaan keuangan dan BMN yang tertib", "keu umum",
          ("Jumlah laporan keuangan dan BMN yang disusun", 14, "laporan"),
          "laporan keuangan dan BMN", "kegiatan pengelolaan keuangan dan BMN"),
        R("Terlaksananya layanan umum, kepegawaian dan kearsipan", "umum sdm",
          ("Jumlah laporan layanan umum, kepegawaian dan kearsipan", 12, "laporan"),
          "laporan layanan umum, kepegawaian dan kearsipan"),
        R("Tersusunnya perencanaan dan laporan kinerja satuan kerja", "ren akun data",
          ("Jumlah dokumen perencanaan dan laporan kinerja yang disusun", 5, "dokumen"),
          "dokumen perencanaan dan laporan kinerja"),
    ),
    "ksbk_was": (
        R("Terlaksananya fasilitasi pengawasan tahapan pemilihan", "was data",
          ("Jumlah laporan fasilitasi pengawasan tahapan yang disusun", 12, "laporan"),
          "laporan fasilitasi pengawasan"),
        R("Terlaksananya publikasi dan layanan informasi publik", "humas data",
          ("Jumlah publikasi dan layanan informasi publik", 60, "publikasi"),
          "publikasi dan layanan informasi publik"),
    ),
    "ksbk_hukum": (
        R("Terlaksananya dukungan administrasi penanganan pelanggaran", "pel",
          ("Jumlah berkas penanganan pelanggaran yang diadministrasikan", 30, "berkas"),
          "berkas penanganan pelanggaran"),
        R("Terlaksananya dukungan penyelesaian sengketa dan dokumentasi hukum", "hukum",
          ("Jumlah berkas sengketa dan produk hukum yang diselesaikan", 20, "berkas"),
          "berkas sengketa dan produk hukum"),
    ),
    # staff (pelaksana and fungsional), province and kabupaten/kota alike
    "bendahara": (
        R("Terlaksananya pembayaran dan pertanggungjawaban bendahara pengeluaran yang tertib",
          "keu", ("Jumlah laporan pertanggungjawaban bendahara yang disusun", 12, "laporan"),
          "laporan pertanggungjawaban bendahara", "belanja satuan kerja"),
        R("Tersusunnya pembukuan kas dan setoran pajak satuan kerja", "keu",
          ("Jumlah dokumen pembukuan kas dan setoran pajak", 12, "dokumen"),
          "dokumen pembukuan kas dan setoran pajak"),
    ),
    "keuangan": (
        R("Tersusunnya laporan keuangan satuan kerja yang akurat", "keu",
          ("Jumlah laporan keuangan yang disusun", 4, "laporan"), "laporan keuangan"),
        R("Terverifikasinya dokumen tagihan dan permintaan pembayaran", "keu",
          ("Jumlah dokumen tagihan yang diverifikasi", 150, "dokumen"),
          "verifikasi dokumen tagihan"),
        R("Terlaksananya rekonsiliasi data keuangan dengan KPPN", "keu",
          ("Jumlah berita acara rekonsiliasi yang diselesaikan", 12, "dokumen"),
          "berita acara rekonsiliasi"),
    ),
    "apk": (
        R("Tersusunnya analisis pelaksanaan anggaran satuan kerja", "keu",
          ("Jumlah laporan analisis realisasi anggaran", 12, "laporan"),
          "laporan analisis realisasi anggaran"),
        R("Terlaksananya pemantauan Indikator Kinerja Pelaksanaan Anggaran", "keu",
          ("Jumlah laporan pemantauan IKPA", 12, "laporan"), "laporan pemantauan IKPA"),
    ),
    "bmn": (
        R("Tertatanya penatausahaan barang milik negara", "umum",
          ("Jumlah laporan BMN yang disusun", 6, "laporan"), "laporan BMN"),
        R("Terlaksananya inventarisasi dan pemeliharaan barang milik negara", "umum",
          ("Jumlah kegiatan inventarisasi dan pemeliharaan BMN", 4, "kegiatan"),
          "kegiatan inventarisasi dan pemeliharaan BMN", "pemeliharaan BMN"),
    ),
    "umum": (
        R("Terkelolanya persuratan dan tata naskah dinas", "umum",
          ("Jumlah surat masuk dan keluar yang diadministrasikan", 600, "surat"),
          "administrasi persuratan"),
        R("Terlaksananya dukungan kerumahtanggaan kantor", "umum",
          ("Jumlah laporan layanan kerumahtanggaan", 12, "laporan"),
          "laporan layanan kerumahtanggaan"),
    ),
    "kepegawaian": (
        R("Terkelolanya data kepegawaian yang mutakhir", "sdm",
          ("Jumlah laporan pemutakhiran data pegawai pada SIASN", 12, "laporan"),
          "pemutakhiran data pegawai"),
        R("Terlaksananya administrasi presensi dan cuti pegawai", "sdm",
          ("Jumlah rekapitulasi presensi dan cuti pegawai", 12, "laporan"),
          "rekapitulasi presensi dan cuti pegawai"),
    ),
    "arsiparis": (
        R("Terkelolanya arsip dinamis satuan kerja", "umum",
          ("Jumlah berkas arsip yang ditata", 300, "berkas"), "penataan berkas arsip"),
        R("Tersusunnya daftar arsip dan jadwal retensi arsip", "umum",
          ("Jumlah daftar arsip yang disusun", 4, "dokumen"), "daftar arsip"),
    ),
    "analis_sdm": (
        R("Tersusunnya analisis kebutuhan pengembangan kompetensi pegawai", "sdm",
          ("Jumlah dokumen analisis kebutuhan pengembangan kompetensi", 2, "dokumen"),
          "dokumen analisis kebutuhan pengembangan kompetensi"),
        R("Terlaksananya pengelolaan kinerja pegawai", "sdm",
          ("Jumlah laporan rekapitulasi penilaian kinerja pegawai", 4, "laporan"),
          "laporan rekapitulasi penilaian kinerja"),
        R("Terlaksananya layanan kenaikan pangkat dan mutasi pegawai", "sdm",
          ("Jumlah usulan kenaikan pangkat dan mutasi yang diproses", 20, "usulan"),
          "usulan kenaikan pangkat dan mutasi"),
    ),
    "pranata_komputer": (
        R("Terpeliharanya jaringan dan perangkat teknologi informasi kantor", "data",
          ("Jumlah laporan pemeliharaan jaringan dan perangkat", 12, "laporan"),
          "pemeliharaan jaringan dan perangkat"),
        R("Terkelolanya aplikasi dan laman resmi satuan kerja", "data humas",
          ("Jumlah laporan pengelolaan aplikasi dan laman resmi", 12, "laporan"),
          "pengelolaan aplikasi dan laman resmi"),
    ),
    "perencana": (
        R("Tersusunnya rencana kerja dan anggaran satuan kerja", "ren",
          ("Jumlah dokumen rencana kerja dan anggaran yang disusun", 3, "dokumen"),
          "dokumen rencana kerja dan anggaran"),
        R("Tersusunnya laporan kinerja satuan kerja", "ren akun",
          ("Jumlah laporan kinerja yang disusun", 5, "laporan"), "laporan kinerja"),
        R("Terlaksananya pemantauan dan evaluasi capaian kinerja", "ren",
          ("Jumlah laporan pemantauan dan evaluasi", 4, "laporan"),
          "laporan pemantauan dan evaluasi"),
    ),
    "pkp_was": (
        R("Tersusunnya laporan hasil pengawasan tahapan pemilihan", "was",
          ("Jumlah laporan hasil pengawasan yang dihimpun", 24, "laporan"),
          "laporan hasil pengawasan"),
        R("Terlaksananya dukungan kegiatan pengawasan partisipatif", "was",
          ("Jumlah kegiatan pengawasan partisipatif yang didukung", 6, "kegiatan"),
          "kegiatan pengawasan partisipatif", "kegiatan pengawasan partisipatif"),
    ),
    "pengolah_data": (
        R("Terolahnya data hasil pengawasan", "data was",
          ("Jumlah rekapitulasi data hasil pengawasan", 12, "dokumen"),
          "rekapitulasi data hasil pengawasan"),
        R("Terdokumentasinya data dan informasi pengawasan", "data",
          ("Jumlah dokumen data pengawasan yang diarsipkan", 24, "dokumen"),
          "dokumentasi data pengawasan"),
    ),
    "humas": (
        R("Terlaksananya publikasi kegiatan pengawasan melalui media", "humas",
          ("Jumlah berita dan konten publikasi yang diterbitkan", 96, "konten"),
          "berita dan konten publikasi"),
        R("Terlaksananya pelayanan informasi publik", "humas",
          ("Jumlah permohonan informasi publik yang dilayani", 30, "permohonan"),
          "layanan informasi publik"),
        R("Terjalinnya kemitraan dengan media massa", "humas",
          ("Jumlah kegiatan temu media dan siaran pers", 6, "kegiatan"),
          "kegiatan temu media dan siaran pers"),
    ),
    "pkp_pel": (
        R("Terlaksananya administrasi penerimaan laporan dugaan pelanggaran", "pel",
          ("Jumlah laporan dugaan pelanggaran yang diregistrasi", 30, "berkas"),
          "registrasi laporan dugaan pelanggaran"),
        R("Tersusunnya rekapitulasi penanganan pelanggaran", "pel",
          ("Jumlah rekapitulasi penanganan pelanggaran yang disusun", 12, "dokumen"),
          "rekapitulasi penanganan pelanggaran"),
    ),
    "adm_pel": (
        R("Terkelolanya berkas penanganan pelanggaran", "pel",
          ("Jumlah berkas penanganan pelanggaran yang diadministrasikan", 40, "berkas"),
          "berkas penanganan pelanggaran"),
        R("Terlaksananya pengarsipan putusan dan rekomendasi", "pel hukum",
          ("Jumlah dokumen putusan dan rekomendasi yang diarsipkan", 20, "dokumen"),
          "pengarsipan putusan dan rekomendasi"),
    ),
    "analis_hukum": (
        R("Tersusunnya kajian dan telaah hukum", "hukum pel",
          ("Jumlah kajian hukum yang disusun", 8, "dokumen"), "kajian hukum"),
        R("Terlaksananya dukungan penyelesaian sengketa proses pemilu", "hukum",
          ("Jumlah berkas sengketa yang ditelaah", 10, "berkas"), "telaah berkas sengketa"),
        R("Terkelolanya dokumentasi dan informasi hukum", "hukum",
          ("Jumlah produk hukum yang diunggah ke JDIH", 24, "dokumen"),
          "dokumentasi produk hukum di JDIH"),
    ),
}

TAMBAHAN = (
    R("Terlaksananya tugas sebagai anggota Tim Kerja Pembangunan Zona Integritas", "akun",
      ("Jumlah laporan kemajuan pembangunan zona integritas", 4, "laporan"),
      "laporan kemajuan pembangunan zona integritas"),
    R("Terlaksananya tugas sebagai panitia rapat koordinasi pengawasan", "was",
      ("Jumlah rapat koordinasi yang difasilitasi", 2, "kegiatan"),
      "fasilitasi rapat koordinasi"),
    R("Terlaksananya tugas sebagai pengelola konten media sosial kantor", "humas",
      ("Jumlah konten media sosial yang diunggah", 48, "konten"), "konten media sosial"),
    R("Terlaksananya tugas sebagai narasumber sosialisasi pengawasan partisipatif", "was",
      ("Jumlah kegiatan sosialisasi sebagai narasumber", 3, "kegiatan"),
      "kegiatan sosialisasi"),
    R("Terlaksananya tugas sebagai anggota Pejabat Pengadaan Barang/Jasa", "umum",
      ("Jumlah paket pengadaan langsung yang diproses", 6, "paket"),
      "paket pengadaan langsung"),
)

DUKUNGAN = {
    "keu": "Aplikasi SAKTI dan akses ke laman KPPN",
    "sdm": "Akses aplikasi SIASN BKN dan e-Kinerja",
    "umum": "Ruang arsip dan sarana penyimpanan berkas",
    "data": "Perangkat jaringan dan server kantor",
    "was": "Kendaraan operasional untuk pengawasan lapangan",
    "pel": "Ruang penerimaan laporan dan sarana klarifikasi",
    "hukum": "Akses basis data peraturan perundang-undangan (JDIH)",
    "humas": "Kamera, perangkat desain dan akun media sosial resmi",
    "ren": "Akses aplikasi perencanaan dan penganggaran",
    "lead": "Anggaran kegiatan dalam DIPA satuan kerja",
}


def capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


class PlanWriter:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.rhk_of: dict[str, list[str]] = {}  # NIP -> utama RHK texts, for cascading
        self.rows: list[list] = []

    def _pimpinan(self, rhk: Rhk, person: Person) -> str:
        """The assessor's RHK that this RHK intervenes (matched by topic tags)."""
        options = self.rhk_of[person.penilai.nip]
        tags_of = {spec.text: set(spec.tags) for spec in self._specs(person.penilai)}
        for text in options:
            if rhk.tags[0] in tags_of.get(text, ()):
                return text
        for text in options:
            if set(rhk.tags) & tags_of.get(text, set()):
                return text
        return options[0]

    def _specs(self, person: Person) -> list[Rhk]:
        if person.role in JPT_RHK:
            return [Rhk(text, tags, ("", 0, ""), "") for text, tags, _ in JPT_RHK[person.role]]
        return list(RHK_LIBRARY[person.role])

    def _iki_kuantitatif(self, rhk: Rhk) -> list[tuple]:
        rng, obj = self.rng, rhk.obj
        rows = [("Kuantitas", *rhk.kuantitas)]
        if rhk.activity:
            kualitas = rng.choice((
                (f"Persentase {obj} yang terlaksana sesuai standar", 100, "%"),
                (f"Tingkat kepuasan pengguna atas {obj}", rng.choice((85, 90)), "%"),
            ))
            waktu = rng.choice((
                (f"Ketepatan waktu {obj}", 12, "bulan"),
                (f"Persentase {obj} yang terlaksana sesuai jadwal", 100, "%"),
            ))
        else:
            kualitas = rng.choice((
                (f"Persentase {obj} yang diterima pimpinan tanpa revisi",
                 rng.choice((90, 95, 100)), "%"),
                (f"Persentase {obj} yang sesuai ketentuan", 100, "%"),
                (f"Tingkat akurasi {obj}", rng.choice((95, 100)), "%"),
            ))
            waktu = rng.choice((
                (f"Ketepatan waktu penyelesaian {obj}", 12, "bulan"),
                (f"Persentase {obj} yang diselesaikan tepat waktu", 100, "%"),
                (f"Ketepatan waktu penyampaian {obj}", 12, "bulan"),
            ))
        rows += [("Kualitas", *kualitas), ("Waktu", *waktu)]
        if rhk.biaya:
            rows.append(("Biaya", f"Persentase realisasi anggaran {rhk.biaya} terhadap pagu",
                         rng.choice((90, 95)), "%"))
        return rows

    def _iki_kualitatif(self, rhk: Rhk) -> list[tuple]:
        obj, cap = rhk.obj, capitalize(rhk.obj)
        if rhk.activity:
            return [
                ("Kuantitas", f"{cap} terlaksana sesuai kebutuhan unit kerja",
                 f"Seluruh {obj} yang dibutuhkan unit kerja terlaksana", ""),
                ("Kualitas", f"{cap} sesuai standar dan ketentuan",
                 f"{cap} dinilai baik oleh pimpinan dan pengguna layanan", ""),
                ("Waktu", f"{cap} terlaksana sesuai jadwal",
                 f"{cap} terlaksana tanpa keterlambatan sepanjang periode penilaian", ""),
            ]
        return [
            ("Kuantitas", f"{cap} tersusun lengkap sesuai kebutuhan unit kerja",
             f"Seluruh {obj} yang dibutuhkan unit kerja tersusun", ""),
            ("Kualitas", f"{cap} akurat dan sesuai ketentuan",
             f"{cap} diterima pimpinan tanpa perbaikan yang berarti", ""),
            ("Waktu", f"{cap} diselesaikan sesuai jadwal",
             f"{cap} selesai sebelum batas waktu yang ditetapkan pimpinan", ""),
        ]

    def add(self, person: Person) -> None:
        rng, nip = self.rng, person.nip
        if person.role in JPT_RHK:
            texts = []
            for text, _tags, ikis in JPT_RHK[person.role]:
                texts.append(text)
                for indikator, target, satuan, perspektif in ikis:
                    self.rows.append([nip, "Utama", text, "", "", indikator, target, satuan,
                                      perspektif])
            self.rhk_of[nip] = texts
        else:
            specs = self._specs(person)
            if len(specs) > 2 and person.jenis in ("Pelaksana", "Fungsional") and \
                    rng.random() < 0.3:
                specs = specs[:2]
            texts = []
            for rhk in specs:
                texts.append(rhk.text)
                pimpinan = self._pimpinan(rhk, person)
                for aspek, indikator, target, satuan in self._iki(person, rhk):
                    self.rows.append([nip, "Utama", rhk.text, pimpinan, aspek, indikator,
                                      target, satuan, ""])
            self.rhk_of[nip] = texts
            if rng.random() < 0.25:
                extra = rng.choice(TAMBAHAN)
                for aspek, indikator, target, satuan in self._iki(person, extra)[::2]:
                    self.rows.append([nip, "Tambahan", extra.text, "", aspek, indikator,
                                      target, satuan, ""])
        self._lampiran(person)

    def _iki(self, person: Person, rhk: Rhk) -> list[tuple]:
        if person.pendekatan == "kualitatif":
            return self._iki_kualitatif(rhk)
        return self._iki_kuantitatif(rhk)

    def _lampiran(self, person: Person) -> None:
        nip = person.nip
        lines = [("Dukungan Sumber Daya", "Laptop dan akses internet kantor")]
        group = "lead" if person.jenis in ("JPT", "Administrator") else person.group
        if group in DUKUNGAN and self.rng.random() < 0.7:
            lines.append(("Dukungan Sumber Daya", DUKUNGAN[group]))
        if person.jenis == "JPT":
            skema = "Hasil kerja dilaporkan setiap triwulan kepada Sekretaris Jenderal Bawaslu"
        elif self.rng.random() < 0.2:
            skema = "Hasil kerja dilaporkan setiap bulan melalui laporan kinerja bulanan"
        else:
            skema = "Hasil kerja dilaporkan setiap triwulan kepada pejabat penilai"
        lines.append(("Skema Pertanggungjawaban", skema))
        lines.append(("Konsekuensi", "Capaian kinerja menjadi dasar pemberian tunjangan kinerja"))
        if person.jenis == "Fungsional" and person.status != "PPPK":
            lines.append(("Konsekuensi", "Capaian kinerja menjadi dasar penetapan angka kredit"))
        if person.status == "PPPK":
            lines.append(("Konsekuensi",
                          "Capaian kinerja menjadi pertimbangan perpanjangan perjanjian kerja"))
        for jenis, text in lines:
            self.rows.append([nip, jenis, text, "", "", "", "", "", ""])


def build(seed: int = SEED) -> tuple[list[Person], list[list]]:
    """The roster people and the plans rows, all from one seeded generator."""
    generator = Generator(seed)
    people = generator.roster()
    plans = PlanWriter(generator.rng)
    for person in people:
        if person.unit in PLANS_UNITS:
            plans.add(person)
    return people, plans.rows


# --- writing --------------------------------------------------------------------------------

def _csv_text(header: list[str], rows: list[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return buffer.getvalue()


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    path.write_text(_csv_text(header, rows), encoding="utf-8", newline="")


def write_xlsx(path: Path, title: str, sheet_name: str, header: list[str], rows: list[list],
               text_columns: set[str], widths: dict[str, int]) -> None:
    """A plain workbook: bold header, frozen first row, filter; NIP columns as text ('@').

    Document properties and zip timestamps are fixed so that re-running gives the same file.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.writer.excel import ExcelWriter

    book = Workbook()
    sheet = book.active
    sheet.title = sheet_name
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    text_index = {i for i, name in enumerate(header) if name in text_columns}
    for row in rows:
        sheet.append([None if value == "" else value for value in row])
    for col in text_index:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=col + 1, max_col=col + 1):
            cell.number_format = "@"
            if cell.value is not None:
                cell.value = str(cell.value)
    for i, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = widths.get(name, 14)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    props = book.properties
    props.creator = props.lastModifiedBy = "skpxl tools/make_samples.py"
    props.title = title
    props.created = props.modified = FIXED_TIME

    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()  # unlike Workbook.save, keeps props.modified
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dest:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dest.writestr(fixed, source.read(info.filename))
    path.write_bytes(out.getvalue())


ROSTER_WIDTHS = {"NIP": 21, "Nama": 34, "Status ASN": 10, "Pangkat/Gol": 26, "Jabatan": 48,
                 "Jenis Jabatan": 14, "Jenjang": 13, "Unit Kerja": 40, "Instansi": 30,
                 "NIP Penilai": 21, "Pendekatan": 12, "Tempat": 14}
PLANS_WIDTHS = {"NIP": 21, "Jenis": 24, "RHK": 60, "RHK Pimpinan": 60, "Aspek": 10,
                "IKI": 60, "Target": 10, "Satuan": 11, "Perspektif": 28}


def write_all(out: Path, people: list[Person], plan_rows: list[list]) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    roster_rows = [p.roster_row() for p in people]
    write_csv(out / ROSTER_CSV, ROSTER_HEADER, roster_rows)
    write_xlsx(out / ROSTER_XLSX, "Daftar pegawai Bawaslu Provinsi Jawa Timur (contoh fiktif)",
               "Pegawai", ROSTER_HEADER, roster_rows, {"NIP", "NIP Penilai"}, ROSTER_WIDTHS)
    write_csv(out / PLANS_CSV, PLANS_HEADER, plan_rows)
    write_xlsx(out / PLANS_XLSX, "Rencana kerja (contoh fiktif)", "Rencana Kerja",
               PLANS_HEADER, plan_rows, {"NIP"}, PLANS_WIDTHS)
    return [out / name for name in (ROSTER_CSV, ROSTER_XLSX, PLANS_CSV, PLANS_XLSX)]


# --- checks ---------------------------------------------------------------------------------

def self_check(people: list[Person], plan_rows: list[list]) -> None:
    """Invariants of the generated data (independent of skpxl); raises AssertionError."""
    by_nip = {p.nip: p for p in people}
    assert len(by_nip) == len(people), "duplicate NIP"
    units = {p.unit for p in people}
    assert len(units) == 1 + len(REGIONS), len(units)
    for unit in units:
        size = sum(p.unit == unit for p in people)
        assert 8 <= size <= 25, (unit, size)
    heads = [p for p in people if p.penilai is None]
    assert [p.role for p in heads] == ["kasek_prov"], heads
    for person in people:
        nip = person.nip
        assert len(nip) == 18 and nip.isdigit(), nip
        assert YOUNGEST <= YEAR - person.birth.year <= OLDEST, (nip, person.birth)
        if person.status == "PPPK":
            assert nip[12] == "2" and 2021 <= int(nip[8:12]) <= 2024, nip
        else:
            tmt_year, tmt_month = int(nip[8:12]), int(nip[12:14])
            assert 1 <= tmt_month <= 12 and person.birth.year + 20 <= tmt_year <= 2024, nip
            assert (tmt_year == 2024) == (person.status == "CPNS"), nip
        seen, current = set(), person
        while current is not None:  # the assessor chain ends at the province head
            assert current.nip not in seen, f"cycle at {nip}"
            seen.add(current.nip)
            current = current.penilai
        assert person.penilai is None or person.penilai.nip != nip
        assert (person.jenjang != "") == (person.jenis == "Fungsional"), nip
    statuses = {p.status for p in people}
    assert statuses == {"PNS", "CPNS", "PPPK"}, statuses
    share = sum(p.status == "PPPK" for p in people) / len(people)
    assert 0.15 <= share <= 0.20, f"PPPK share {share:.3f}"
    assert any(p.pendekatan == "kualitatif" for p in people)
    covered_people = [p for p in people if p.unit in PLANS_UNITS]
    assert {p.status for p in covered_people} == {"PNS", "CPNS", "PPPK"}, \
        "the plans units should show PNS, CPNS and PPPK: pick other PLANS_UNITS"
    assert any(p.pendekatan == "kualitatif" for p in covered_people), \
        "the plans units should show a kualitatif plan: pick other PLANS_UNITS"
    assert any(p.penilai and p.penilai.jenis == "Administrator" and p.jenis in (
        "Pelaksana", "Fungsional") for p in covered_people), "a vacancy in the plans units"
    rhk: dict[str, set[str]] = {}
    for row in plan_rows:
        assert row[0] in by_nip, row[0]
        if row[1] == "Utama":
            rhk.setdefault(row[0], set()).add(row[2])
    covered = {p.nip for p in people if p.unit in PLANS_UNITS}
    assert covered == set(rhk), "every employee of the plans units has RHK utama"
    for row in plan_rows:
        if row[1] == "Utama" and row[3]:
            assert row[3] in rhk[by_nip[row[0]].penilai.nip], row


def skpxl_check(out: Path) -> bool:
    """Read the written files with skpxl's own readers; print what they report."""
    sys.path.insert(0, str(ROOT))
    ok = True
    try:
        from skpxl.nip import check_nip
        from skpxl.roster import read_roster
    except Exception as exc:  # the package may be mid-edit
        print(f"skpxl roster reader not importable: {exc!r}")
        return False
    for name in (ROSTER_CSV, ROSTER_XLSX):
        roster = read_roster(out / name)
        print(f"{name}: {len(roster.employees)} pegawai, {len(roster.units())} unit, "
              f"ok={roster.ok}, {len(roster.problems)} catatan")
        for problem in roster.problems[:20]:
            print(f"    {problem.severity} {problem.location}: {problem.message()}")
        ok &= roster.ok
        for emp in roster.employees:
            check = check_nip(emp.nip, expect_kind=emp.status_asn)
            if check.problems:
                print(f"    NIP {emp.nip}: {check.problems}")
                ok = False
    try:
        from skpxl.plans import read_plans
    except Exception as exc:
        print(f"skpxl plans reader not importable: {exc!r}")
        return False
    for name in (PLANS_CSV, PLANS_XLSX):
        plans = read_plans(out / name)
        print(f"{name}: {len(plans.by_nip)} NIP, ok={plans.ok}, {len(plans.problems)} catatan")
        for problem in plans.problems[:20]:
            print(f"    {problem.severity} {problem.location}: {problem.message()}")
        ok &= plans.ok
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "samples",
                        help="output folder (default: samples/ in the repository)")
    parser.add_argument("--no-check", action="store_true",
                        help="do not read the files back with skpxl's readers")
    args = parser.parse_args(argv)
    people, plan_rows = build()
    self_check(people, plan_rows)
    paths = write_all(args.out, people, plan_rows)
    units = len({p.unit for p in people})
    print(f"{len(people)} pegawai in {units} unit, {len(plan_rows)} baris rencana kerja "
          f"for {len({row[0] for row in plan_rows})} pegawai")
    for path in paths:
        print(f"  wrote {path}")
    if not args.no_check and not skpxl_check(args.out):
        print("skpxl reported problems (see above)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
