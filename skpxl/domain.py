"""SKP domain rules as pure functions: ratings, predikat matrix, BerAKHLAK, angka kredit.

Facts follow PermenPANRB 6/2022, SE MenPANRB 3/2023 and PerBKN 3/2023 (see
``docs/domain.md``). Nothing here touches files, except that the angka kredit numbers come
from the package's data file (:mod:`skpxl.akdata`, read once).
"""

from __future__ import annotations

import re
from fractions import Fraction
from functools import lru_cache

from .akdata import ak_data

DI_ATAS = "Di Atas Ekspektasi"
SESUAI = "Sesuai Ekspektasi"
DI_BAWAH = "Di Bawah Ekspektasi"
RATINGS = (DI_ATAS, SESUAI, DI_BAWAH)

SANGAT_BAIK = "Sangat Baik"
BAIK = "Baik"
BUTUH_PERBAIKAN = "Butuh Perbaikan"
KURANG = "Kurang/Misconduct"
SANGAT_KURANG = "Sangat Kurang"
PREDIKAT = (SANGAT_BAIK, BAIK, BUTUH_PERBAIKAN, KURANG, SANGAT_KURANG)

#: rows = rating hasil kerja, columns = rating perilaku (the fixed 3x3 matrix)
PREDIKAT_MATRIX: dict[tuple[str, str], str] = {
    (DI_ATAS, DI_ATAS): SANGAT_BAIK,
    (DI_ATAS, SESUAI): BAIK,
    (DI_ATAS, DI_BAWAH): KURANG,
    (SESUAI, DI_ATAS): BAIK,
    (SESUAI, SESUAI): BAIK,
    (SESUAI, DI_BAWAH): KURANG,
    (DI_BAWAH, DI_ATAS): BUTUH_PERBAIKAN,
    (DI_BAWAH, SESUAI): BUTUH_PERBAIKAN,
    (DI_BAWAH, DI_BAWAH): SANGAT_KURANG,
}

ASPEK = ("Kuantitas", "Kualitas", "Waktu", "Biaya")
PERSPEKTIF = (
    "Perspektif Penerima Layanan",
    "Perspektif Proses Bisnis",
    "Perspektif Penguatan Internal",
    "Perspektif Anggaran",
)
PREDIKAT_ORGANISASI = ("Istimewa", "Baik", "Butuh Perbaikan", "Kurang", "Sangat Kurang")
STATUS_ASN = ("PNS", "CPNS", "PPPK")
JENIS_JABATAN = ("JPT", "Administrator", "Pengawas", "Pelaksana", "Fungsional")

BERAKHLAK: tuple[tuple[str, tuple[str, str, str]], ...] = (
    ("Berorientasi Pelayanan", (
        "Memahami dan memenuhi kebutuhan masyarakat",
        "Ramah, cekatan, solutif, dan dapat diandalkan",
        "Melakukan perbaikan tiada henti")),
    ("Akuntabel", (
        "Melaksanakan tugas dengan jujur, bertanggung jawab, cermat, disiplin, dan "
        "berintegritas tinggi",
        "Menggunakan kekayaan dan barang milik negara secara bertanggung jawab, efektif, "
        "dan efisien",
        "Tidak menyalahgunakan kewenangan jabatan")),
    ("Kompeten", (
        "Meningkatkan kompetensi diri untuk menjawab tantangan yang selalu berubah",
        "Membantu orang lain belajar",
        "Melaksanakan tugas dengan kualitas terbaik")),
    ("Harmonis", (
        "Menghargai setiap orang apapun latar belakangnya",
        "Suka menolong orang lain",
        "Membangun lingkungan kerja yang kondusif")),
    ("Loyal", (
        "Memegang teguh ideologi Pancasila, Undang-Undang Dasar Negara Republik Indonesia "
        "Tahun 1945, setia kepada Negara Kesatuan Republik Indonesia serta pemerintahan "
        "yang sah",
        "Menjaga nama baik sesama ASN, Pimpinan, Instansi, dan Negara",
        "Menjaga rahasia jabatan dan negara")),
    ("Adaptif", (
        "Cepat menyesuaikan diri menghadapi perubahan",
        "Terus berinovasi dan mengembangkan kreativitas",
        "Bertindak proaktif")),
    ("Kolaboratif", (
        "Memberi kesempatan kepada berbagai pihak untuk berkontribusi",
        "Terbuka dalam bekerja sama untuk menghasilkan nilai tambah",
        "Menggerakkan pemanfaatan berbagai sumberdaya untuk tujuan bersama")),
)


def berakhlak_text(index: int) -> str:
    """The value and its three indicators, as printed in one PERILAKU KERJA cell."""
    name, indicators = BERAKHLAK[index]
    return name + "\n" + "\n".join(f"- {line}" for line in indicators)


def predikat_for(rating_hasil_kerja: str, rating_perilaku: str) -> str:
    """The predikat the 3x3 matrix gives for two canonical ratings."""
    return PREDIKAT_MATRIX[(rating_hasil_kerja, rating_perilaku)]


_TRAILING_MARKS = re.compile(r"[\s*.]+$")
_SEPARATORS = re.compile(r"[\s_\-]+")
_SLASH = re.compile(r"\s*/\s*")


@lru_cache(maxsize=4096, typed=True)   # the same few spellings, file after file
def _fold(text: str) -> str:
    text = _TRAILING_MARKS.sub("", str(text).strip())
    return _SEPARATORS.sub(" ", text).lower()


_RATING_ALIASES = {
    "di atas ekspektasi": DI_ATAS, "diatas ekspektasi": DI_ATAS, "di atas": DI_ATAS,
    "diatas": DI_ATAS, "atas": DI_ATAS,
    "sesuai ekspektasi": SESUAI, "sesuai": SESUAI,
    "di bawah ekspektasi": DI_BAWAH, "dibawah ekspektasi": DI_BAWAH, "di bawah": DI_BAWAH,
    "dibawah": DI_BAWAH, "bawah": DI_BAWAH,
}

_PREDIKAT_ALIASES = {
    "sangat baik": SANGAT_BAIK, "baik": BAIK, "butuh perbaikan": BUTUH_PERBAIKAN,
    "cukup": BUTUH_PERBAIKAN, "kurang/misconduct": KURANG,
    "kurang": KURANG, "misconduct": KURANG, "kurang misconduct": KURANG,
    "sangat kurang": SANGAT_KURANG,
}


def normalize_rating(value) -> str | None:
    """Map a rating as people type it (``diatas``, ``DI ATAS *``) to the canonical value.

    Returns ``None`` when the text is not a rating at all; blank stays blank (``""``).
    """
    if value is None:
        return ""
    text = str(value).strip()
    if not text:
        return ""
    return _RATING_ALIASES.get(_fold(text))


def normalize_predikat(value) -> str | None:
    """Map a predikat spelling (``Cukup``, ``Kurang / Misconduct``) to the canonical value."""
    if value is None:
        return ""
    text = str(value).strip()
    if not text:
        return ""
    return _PREDIKAT_ALIASES.get(_SLASH.sub("/", _fold(text)))


def normalize_choice(value, choices) -> str | None:
    """Case/space-insensitive match of ``value`` against canonical ``choices``."""
    if value is None or not str(value).strip():
        return ""
    folded = _fold(value)
    for choice in choices:
        if _fold(choice) == folded:
            return choice
    return None


# --- angka kredit (PermenPANRB 1/2023, PerBKN 3/2023) -------------------------------------
# The numbers live in skpxl/data/angka_kredit.toml with their sources (skpxl.akdata); these
# views keep the names the rest of skpxl uses.

#: predikat -> share of the annual coefficient (Sangat Baik 3/2 = 150 %)
AK_PERCENT: dict[str, Fraction] = {name: s.value for name, s in ak_data().percent.items()}
#: jenjang -> annual angka kredit coefficient
AK_COEFFICIENT: dict[str, Fraction] = {name: j.koefisien.value
                                       for name, j in ak_data().jenjang.items()}
#: decimals every angka kredit is rounded to (half-up), see the data file's [rounding]
AK_DECIMALS: int = ak_data().decimals


@lru_cache(maxsize=256)
def angka_kredit(predikat: str, jenjang: str, months: int) -> float | None:
    """Angka kredit earned: percentage(predikat) x annual coefficient x months/12.

    Rounded to :data:`AK_DECIMALS` decimals, half-up. ``None`` when the jenjang is not a
    jabatan fungsional level or the predikat is unknown.
    >>> angka_kredit("Baik", "Ahli Pertama", 2)
    2.083
    """
    jenjang_key = normalize_choice(jenjang, AK_COEFFICIENT)
    if not jenjang_key or predikat not in AK_PERCENT:
        return None
    value = AK_PERCENT[predikat] * AK_COEFFICIENT[jenjang_key] * Fraction(months, 12)
    return float(ak_data().round(value))
