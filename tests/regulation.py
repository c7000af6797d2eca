"""The regulation's tables, written out by hand: the oracle the domain tests compare with.

Sources (summarised in the team's domain sheet, ``shared/domain/skp.md``): PermenPANRB
6/2022 (ratings, the 3x3 predikat matrix), PerBKN 3/2023 and PermenPANRB 1/2023 (angka
kredit), SE MenPANRB 3/2023 (kurva). Nothing here is imported from ``skpxl``: a bug in the
code's own tables cannot hide behind a test that reads the same tables back.
"""

from __future__ import annotations

from datetime import date

DI_ATAS = "Di Atas Ekspektasi"
SESUAI = "Sesuai Ekspektasi"
DI_BAWAH = "Di Bawah Ekspektasi"
RATINGS = (DI_ATAS, SESUAI, DI_BAWAH)

#: rows = rating hasil kerja, columns = rating perilaku (PermenPANRB 6/2022, lampiran)
MATRIX = {
    (DI_ATAS, DI_ATAS): "Sangat Baik",
    (DI_ATAS, SESUAI): "Baik",
    (DI_ATAS, DI_BAWAH): "Kurang/Misconduct",
    (SESUAI, DI_ATAS): "Baik",
    (SESUAI, SESUAI): "Baik",
    (SESUAI, DI_BAWAH): "Kurang/Misconduct",
    (DI_BAWAH, DI_ATAS): "Butuh Perbaikan",
    (DI_BAWAH, SESUAI): "Butuh Perbaikan",
    (DI_BAWAH, DI_BAWAH): "Sangat Kurang",
}

PREDIKAT = ("Sangat Baik", "Baik", "Butuh Perbaikan", "Kurang/Misconduct", "Sangat Kurang")

#: angka kredit: percentage of the annual coefficient per predikat (PerBKN 3/2023)
AK_PERCENT = {"Sangat Baik": 150, "Baik": 100, "Butuh Perbaikan": 75,
              "Kurang/Misconduct": 50, "Sangat Kurang": 25}

#: annual angka kredit coefficient per jenjang jabatan fungsional (PermenPANRB 1/2023)
AK_COEFFICIENT = {"Pemula": 3.75, "Terampil": 5, "Mahir": 12.5, "Penyelia": 25,
                  "Ahli Pertama": 12.5, "Ahli Muda": 25, "Ahli Madya": 37.5, "Ahli Utama": 50}

#: the annual angka kredit (12 months), worked out by hand: percentage x coefficient
AK_YEAR = {
    #                  Pemula  Terampil Mahir   Penyelia A.Pertama A.Muda A.Madya A.Utama
    "Sangat Baik":     (5.625, 7.5,     18.75,  37.5,    18.75,    37.5,  56.25,  75),
    "Baik":            (3.75,  5,       12.5,   25,      12.5,     25,    37.5,   50),
    "Butuh Perbaikan": (2.8125, 3.75,   9.375,  18.75,   9.375,    18.75, 28.125, 37.5),
    "Kurang/Misconduct": (1.875, 2.5,   6.25,   12.5,    6.25,     12.5,  18.75,  25),
    "Sangat Kurang":   (0.9375, 1.25,   3.125,  6.25,    3.125,    6.25,  9.375,  12.5),
}
JENJANG = ("Pemula", "Terampil", "Mahir", "Penyelia", "Ahli Pertama", "Ahli Muda",
           "Ahli Madya", "Ahli Utama")

#: worked examples: (predikat, jenjang, months) -> angka kredit, rounded to 3 decimals
AK_EXAMPLES = {
    ("Baik", "Ahli Pertama", 2): 2.083,            # skp.md section 5: 2/12 x 100 % x 12.5
    ("Sangat Baik", "Ahli Pertama", 12): 18.75,    # a year at 150 % of 12.5
    ("Butuh Perbaikan", "Ahli Pertama", 3): 2.344,  # a quarter at 75 % of 12.5 (2.34375)
    ("Kurang/Misconduct", "Terampil", 6): 1.25,    # half a year at 50 % of 5
    ("Sangat Kurang", "Ahli Utama", 1): 1.042,     # a month at 25 % of 50 (1.041666..)
    ("Baik", "Ahli Muda", 3): 6.25,
}

#: the quarters of 2025 (skp.md section 1): start and end dates
QUARTERS_2025 = {1: (date(2025, 1, 1), date(2025, 3, 31)),
                 2: (date(2025, 4, 1), date(2025, 6, 30)),
                 3: (date(2025, 7, 1), date(2025, 9, 30)),
                 4: (date(2025, 10, 1), date(2025, 12, 31))}


def ak_close(got, expected) -> bool:
    """``got`` is ``expected`` rounded to 3 decimals (either way on an exact half)."""
    return got is not None and abs(got - expected) <= 0.0005 + 1e-9

#: the seven BerAKHLAK core values with their three indicators each (PermenPANRB 6/2022;
#: skp.md 2.3), in the order the PERILAKU KERJA table numbers them
BERAKHLAK = (
    ("Berorientasi Pelayanan", (
        "Memahami dan memenuhi kebutuhan masyarakat",
        "Ramah, cekatan, solutif, dan dapat diandalkan",
        "Melakukan perbaikan tiada henti")),
    ("Akuntabel", (
        "Melaksanakan tugas dengan jujur, bertanggung jawab, cermat, disiplin, dan "
        "berintegritas tinggi",
        "Menggunakan kekayaan dan barang milik negara secara bertanggung jawab, efektif, dan "
        "efisien",
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
        "Memegang teguh ideologi Pancasila, Undang-Undang Dasar Negara Republik Indonesia Tahun "
        "1945, setia kepada Negara Kesatuan Republik Indonesia serta pemerintahan yang sah",
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

#: the other closed vocabularies of the forms (skp.md 2.1, 2.2, 4, 1)
ASPEK = ("Kuantitas", "Kualitas", "Waktu", "Biaya")
PERSPEKTIF = ("Perspektif Penerima Layanan", "Perspektif Proses Bisnis",
              "Perspektif Penguatan Internal", "Perspektif Anggaran")
PREDIKAT_ORGANISASI = ("Istimewa", "Baik", "Butuh Perbaikan", "Kurang", "Sangat Kurang")
