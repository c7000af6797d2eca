"""What ``skpxl demo`` says, in Indonesian and English: a line per step, notes, the summary.

:mod:`skpxl.demo` does the work and keeps the figures in a ``DemoResult``; this module only
words them (``say(key, lang, **figures)``, :func:`render_summary`).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from .naming import slug
from .periods import parse_period
from .textfmt import count

#: one line per step, the progress labels and the notes, by key: (Indonesian, English)
TEXTS = {
    "start": ("Demo skpxl: satu triwulan di folder {dir} ...",
              "skpxl demo: one quarter in folder {dir} ..."),
    "bar_generate": ("1/4 Membuat SKP", "1/4 Writing SKPs"),
    "generated": ("1/4 SKP dibuat: {n} untuk {units} -> {dir}",
                  "1/4 SKPs written: {n} for {units} -> {dir}"),
    "bar_returns": ("2/4 Mengisi kembali", "2/4 Filling in"),
    "returned": ("2/4 Dikirim kembali: {n}; {missing} belum mengirim -> {dir}",
                 "2/4 Sent back: {n}; {missing} did not send theirs -> {dir}"),
    "bar_validate": ("3/4 Memeriksa", "3/4 Checking"),
    "bar_annotate": ("3/4 Menandai file", "3/4 Marking files"),
    "validated": ("3/4 Diperiksa: {valid} sah, {invalid} perlu diperbaiki; {marked} "
                  "bertanda -> {dir}", "3/4 Checked: {valid} valid, {invalid} to fix; {marked} "
                  "marked -> {dir}"),
    "bar_units": ("4/4 Merekap unit", "4/4 Unit reports"),
    "bar_province": ("4/4 Merekap provinsi", "4/4 Province report"),
    "merged": ("4/4 Rekap: {n}{province} -> {dir}",
               "4/4 Reports: {n}{province} -> {dir}"),
    "merged_province": (" + rekap provinsi", " + the province report"),
    "merge_skipped": ("4/4 Rekap dilewati: {reason}", "4/4 Reports skipped: {reason}"),
    "no_samples": ("Contoh data samples/ tidak ditemukan di instalasi ini; dipakai daftar "
                   "pegawai fiktif yang dibuat otomatis.",
                   "The samples/ data are not in this installation; a fictional roster made "
                   "on the fly was used."),
    "fill_failed": ("Simulasi gagal untuk {target}: {error}",
                    "Simulating failed for {target}: {error}"),
    "no_annotate": ("Salinan bertanda dilewati: modul skpxl.annotate belum tersedia.",
                    "Marked copies skipped: the skpxl.annotate module is not there yet."),
    "no_merge": ("Rekap unit dan provinsi dilewati: {reason}.",
                 "Unit and province reports skipped: {reason}."),
    "province_failed": ("Rekap provinsi gagal: {error}", "The province report failed: {error}"),
    "province_rejected": ("Rekap provinsi tidak memakai {n} rekap unit (mis. {example}): "
                          "{reason}", "The province report left out {n} (e.g. {example}): "
                          "{reason}"),
    # the year (skpxl demo --year)
    "year_start": ("Demo skpxl: satu tahun (empat triwulan) di folder {dir} ...",
                   "skpxl demo: one year (four quarters) in folder {dir} ..."),
    "year_bar_generate": ("{period} Membuat SKP", "{period} Writing SKPs"),
    "year_bar_returns": ("{period} Mengisi kembali", "{period} Filling in"),
    "year_bar_units": ("{period} Merekap unit", "{period} Unit reports"),
    "year_quarter": ("{period}: {n} SKP, {returned} kembali ({wrong} dengan kesalahan), "
                     "{missing} belum mengirim; {reports} -> {dir}",
                     "{period}: {n} SKPs, {returned} sent back ({wrong} with mistakes), "
                     "{missing} not sent; {reports} -> {dir}"),
    "year_bar_annual": ("Tahunan: membuat evaluasi", "Annual: writing evaluations"),
    "year_bar_annual_fill": ("Tahunan: penilai mengisi", "Annual: assessors fill in"),
    "year_annual": ("Evaluasi tahunan: {n} dibuat dengan keempat triwulan, {filled} diisi "
                    "penilai -> {dir}", "Annual evaluation: {n} written with the four "
                    "quarters, {filled} filled by the assessors -> {dir}"),
    "year_annual_skipped": ("Evaluasi tahunan dilewati: {reason}",
                            "Annual evaluation skipped: {reason}"),
    "year_bar_recap": ("Rekap tahunan unit", "Year recap of the units"),
    "year_bar_recap_province": ("Rekap tahunan provinsi", "Year recap of the province"),
    "year_recap": ("Rekap tahunan: {n}{province} -> {dir}",
                   "Year recap: {n}{province} -> {dir}"),
    "year_recap_skipped": ("Rekap tahunan dilewati: {reason}", "Year recap skipped: {reason}"),
    "year_not_available": ("fitur ini belum ada di versi skpxl ini",
                           "this skpxl version does not have it yet"),
    "year_failed": ("{step} gagal: {error}", "{step} failed: {error}"),
    "year_bar_ak": ("Angka kredit", "Angka kredit"),
    "year_ak": ("Angka kredit: berkas untuk {n} pejabat fungsional -> {dir}",
                "Angka kredit: papers for {n} jabatan fungsional employees -> {dir}"),
    "year_ak_problems": ("Angka kredit: {n} catatan (terutama triwulan tanpa predikat sah: "
                         "pegawai yang belum mengirim atau file tidak sah); lihat "
                         "'skpxl angka-kredit' untuk rinciannya.",
                         "Angka kredit: {n} notes (mostly quarters without a valid predikat: "
                         "staff who did not send or sent an invalid file); run 'skpxl "
                         "angka-kredit' for the details."),
    "year_ak_failed": ("Angka kredit gagal: {error}", "Angka kredit failed: {error}"),
}


def say(key: str, lang: str = "id", **figures) -> str:
    """The text ``key`` of :data:`TEXTS` in ``lang``, with its figures."""
    return TEXTS[key][lang == "en"].format(**figures)


def show(path) -> str:
    """A path as the user should type it: relative to the current folder when inside it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve())) or "."
    except ValueError:
        return str(path)


def _wrap(text: str, indent: str, subsequent: str | None = None) -> list[str]:
    return textwrap.wrap(text, width=100, initial_indent=indent,
                         subsequent_indent=indent if subsequent is None else subsequent,
                         break_on_hyphens=False, break_long_words=False)


#: the summary's sentences: (Indonesian, English)
SUMMARY = {
    "title": ("Demo skpxl: {label} ({period}), Bawaslu Provinsi Jawa Timur, data fiktif",
              "skpxl demo: {label} ({period}), Bawaslu Provinsi Jawa Timur, fictional data"),
    "quarter": ("Triwulan {roman} {year}", "Quarter {roman} {year}"),
    "data": ("({source}: {units}, {employees}).", "({source}: {units}, {employees})."),
    "samples": ("contoh bawaan samples/", "the bundled samples/"),
    "generated_data": ("daftar pegawai fiktif yang dibuat otomatis",
                       "a fictional roster made on the fly"),
    "made": ("Yang dibuat di folder {dir}:", "What was made in folder {dir}:"),
    "0-data": ("daftar pegawai{plans} yang dipakai{profile}", "the roster{plans} used{profile}"),
    "plans": (" dan rencana kerja", " and plans"),
    "profile": (" (dan profil instansi)", " (and the agency profile)"),
    "1-skp": ("{n} SKP siap dikirim, satu per pegawai, per unit",
              "{n} SKPs ready to send, one per employee, per unit"),
    "2-kembali": ("{n} SKP yang dikirim kembali oleh pegawai ({missing} pegawai belum "
                  "mengirim)", "{n} SKPs sent back by staff ({missing} did not send theirs)"),
    "3-perbaikan": ("{n} salinan bertanda untuk dikirim ke pegawai yang harus memperbaiki",
                    "{n} marked copies to send to the staff who must fix their file"),
    "4-rekap": ("{n}{province}", "{n}{province}"),
    "province": (" + rekap provinsi ({name})", " + the province report ({name})"),
    "checked": ("Hasil pemeriksaan: {files}, {valid} sah, {invalid} perlu diperbaiki "
                "({errors}, {warnings}).",
                "Checked: {files}, {valid} valid, {invalid} to fix ({errors}, {warnings})."),
    "problems": ("Masalah yang ditemukan, menurut kode (jumlah file, lalu satu contoh):",
                 "Problems found, by code (files, then one example):"),
    "legend": ("  (x = kesalahan, file harus diperbaiki; ! = peringatan, file tetap sah)",
               "  (x = error, the file must be fixed; ! = warning, the file stays valid)"),
    "province_totals": ("Rekap provinsi: {expected} pegawai menurut daftar, {valid} SKP sah, "
                        "{invalid} tidak sah, {missing} belum mengirim.",
                        "Province report: {expected} in the roster, {valid} valid SKPs, "
                        "{invalid} invalid, {missing} not sent."),
    "predikat": ("  Predikat pegawai: {shown}.", "  Predikat of the staff: {shown}."),
    "kurva": ("Kurva (predikat organisasi {org}): {message}",
              "Curve (organisation predikat {org}): {message}"),
    "unit_failed": ("  Rekap {unit} gagal: {error}", "  Report of {unit} failed: {error}"),
    "notes": ("Catatan:", "Notes:"),
    "next": ("Langkah berikutnya:", "Next steps:"),
    "open_copy": ("  - Buka salinan bertanda, misalnya {path}:",
                  "  - Open a marked copy, e.g. {path}:"),
    "open_copy_2": ("    sheet 'Catatan Validasi' menyebut sel yang salah; kirim file itu ke "
                    "pegawainya.", "    its sheet 'Catatan Validasi' names the wrong cells; "
                    "send the file to its owner."),
    "again": ("  - Periksa ulang satu unit setelah file diperbaiki dikirim kembali:",
              "  - Check one unit again once the fixed files are back:"),
    "own": ("  - Mulai dengan daftar pegawai Anda sendiri:",
            "  - Start with your own roster:"),
    "guide": ("  Panduan langkah demi langkah: docs/panduan.md",
              "  Step by step (in Indonesian): docs/panduan.md"),
    "done": ("Selesai dalam {seconds:.0f} detik.", "Done in {seconds:.0f} seconds."),
}


def counted(value: int, id_word: str, en_word: str, lang: str = "id",
            en_plural: str | None = None) -> str:
    """``3 rekap unit`` / ``3 unit reports``: the Indonesian or the English noun, counted."""
    return count(value, en_word, en_plural, lang="en") if lang == "en" else \
        count(value, id_word)


def render_summary(r, lang: str = "id") -> str:
    """The guided summary of a ``DemoResult`` in ``lang``."""
    en = lang == "en"

    def w(key: str, **figures) -> str:
        return SUMMARY[key][en].format(**figures)

    def n(value: int, id_word: str, en_word: str) -> str:
        return counted(value, id_word, en_word, lang)

    root = Path(r.directory)
    per = parse_period(r.period)
    label = (w("quarter", roman=per.label.split()[-1].split("-")[0], year=per.year)
             if per.kind == "triwulan" else r.period)
    stats = r.validation or {}
    lines = [w("title", label=label, period=r.period),
             w("data", source=w("samples" if r.source == "samples" else "generated_data"),
               units=n(len(r.units), "unit", "unit"),
               employees=n(r.employees, "pegawai", "employee")), "",
             w("made", dir=show(root)),
             "  0-data/       " + w("0-data", plans=w("plans") if r.plans else "",
                                   profile=w("profile") if r.profile else ""),
             "  1-skp/        " + w("1-skp", n=r.generated),
             "  2-kembali/    " + w("2-kembali", n=r.returned, missing=len(r.not_returned)),
             "  3-perbaikan/  " + w("3-perbaikan", n=len(r.annotated))]
    if r.province_report or r.unit_reports:
        lines.append("  4-rekap/      " + w(
            "4-rekap", n=n(len(r.unit_reports), "rekap unit", "unit report"),
            province=w("province", name=Path(r.province_report).name)
            if r.province_report else ""))
    lines += ["", w("checked", files=n(stats.get("files", 0), "file", "file"),
                    valid=stats.get("valid", 0), invalid=stats.get("invalid", 0),
                    errors=n(stats.get("errors", 0), "kesalahan", "error"),
                    warnings=n(stats.get("warnings", 0), "peringatan", "warning"))]
    if r.problems:
        lines += ["", w("problems")]
        for code, entry in r.problems.items():
            mark = "x" if entry["severity"] == "error" else "!"
            lines.append(f"  {mark} {code:<24} {n(entry['files'], 'file', 'file'):>8}")
            lines += _wrap(entry["example"], "      ")
        lines.append(w("legend"))
    totals = (r.province or {}).get("totals") or {}
    if totals:
        lines += ["", w("province_totals", expected=totals.get("expected"),
                        valid=totals.get("valid"), invalid=totals.get("invalid"),
                        missing=totals.get("not_submitted"))]
        if isinstance(totals.get("predikat"), dict):
            shown = ", ".join(f"{k} {v}" for k, v in totals["predikat"].items())
            lines.append(w("predikat", shown=shown))
        kurva = totals.get("kurva") or {}
        for message in kurva.get("messages") or []:
            lines += _wrap(w("kurva", org=kurva.get("org_predikat") or "-", message=message),
                           "  ", "    ")
    for failure in r.unit_failures:
        lines.append(w("unit_failed", unit=failure["unit"], error=failure["error"]))
    if r.notes:
        lines += ["", w("notes")]
        for note in r.notes:
            lines += _wrap(note, "  - ", "    ")
    roster = show(r.roster)
    example_unit = show(root / "2-kembali" / slug(r.units[-1] if r.units else "unit"))
    lines += ["", w("next")]
    if r.annotated:
        invalid = {Path(p).stem for p in r.invalid_files}
        example = next((p for p in r.annotated if Path(p).stem in invalid), r.annotated[0])
        lines += [w("open_copy", path=show(example)), w("open_copy_2")]
    lines += [w("again"),
              f"      skpxl validate {example_unit} --period {r.period} --roster {roster}",
              w("own"),
              "      skpxl roster check pegawai.xlsx",
              f"      skpxl generate pegawai.xlsx --period {r.period} -o skp/",
              w("guide")]
    if "total" in r.seconds:
        lines.append(w("done", seconds=r.seconds["total"]))
    return "\n".join(lines)


#: the year summary's sentences: (Indonesian, English)
YEAR_SUMMARY = {
    "title": ("Demo skpxl: tahun {year} (empat triwulan, evaluasi tahunan, angka kredit), "
              "Bawaslu Provinsi Jawa Timur, data fiktif",
              "skpxl demo: the year {year} (four quarters, annual evaluation, angka kredit), "
              "Bawaslu Provinsi Jawa Timur, fictional data"),
    "quarter": ("{n} SKP dibuat, {returned} kembali ({wrong} dengan kesalahan), "
                "{missing} belum mengirim; {reports} di 4-rekap/",
                "{n} SKPs written, {returned} sent back ({wrong} with mistakes), "
                "{missing} not sent; {reports} in 4-rekap/"),
    "annual": ("{n} evaluasi tahunan (1-skp/), {filled} diisi penilai "
               "(2-kembali/)", "{n} annual evaluations (1-skp/), {filled} "
               "filled by the assessors (2-kembali/)"),
    "recap": ("{n}{province}", "{n}{province}"),
    "ak": ("berkas angka kredit {n} pejabat fungsional (konversi per "
           "triwulan, akumulasi dari 0-data/ak-awal.csv, draf PAK)",
           "angka kredit papers of {n} jabatan fungsional employees "
           "(conversion per quarter, accumulation from 0-data/ak-awal.csv, draft PAK)"),
    "year_totals": ("Rekap tahunan provinsi: {n} pegawai, {complete} dengan keempat "
                    "triwulan sah; {gaps} triwulan tanpa SKP sah (alasannya di sheet Belum "
                    "Lengkap).", "Province year recap: {n} employees, {complete} with all four "
                    "quarters valid; {gaps} quarters without a valid SKP (reasons on the "
                    "Belum Lengkap sheet)."),
    "failures": ("Langkah yang gagal:", "Steps that failed:"),
    "next_year": ("  - Rekap tahunan dari rekap triwulan dan evaluasi tahunan:",
                  "  - The year recap from the quarterly reports and annual evaluations:"),
    "next_annual": ("  - Evaluasi tahunan dengan keempat triwulan terlihat oleh penilai:",
                    "  - Annual evaluations with the four quarters shown to the assessors:"),
    "next_ak": ("  - Berkas angka kredit, lalu cetak:", "  - Angka kredit papers, then print:"),
    "seconds": ("Waktu per langkah (detik): {shown}.", "Time per step (seconds): {shown}."),
}


#: the year demo's steps as the summary names them: (Indonesian, English)
STEP_NAMES = {"annual": ("evaluasi tahunan", "annual evaluation"),
              "year_recap": ("rekap tahunan", "year recap"),
              "angka_kredit": ("angka kredit", "angka kredit")}


def render_year_summary(r, lang: str = "id") -> str:
    """The guided summary of a ``YearResult`` in ``lang``."""
    en = lang == "en"

    def w(key: str, **figures) -> str:
        return YEAR_SUMMARY[key][en].format(**figures)

    def wc(key: str, **figures) -> str:
        return SUMMARY[key][en].format(**figures)

    def n(value: int, id_word: str, en_word: str) -> str:
        return counted(value, id_word, en_word, lang)

    def col(folder: str) -> str:
        return f"  {folder + '/':<19}"

    root = Path(r.directory)
    lines = [w("title", year=r.year),
             wc("data", source=wc("samples" if r.source == "samples" else "generated_data"),
                units=n(len(r.units), "unit", "unit"),
                employees=n(r.employees, "pegawai", "employee")), "",
             wc("made", dir=show(root)),
             col("0-data") + wc("0-data", plans=wc("plans") if r.plans else "",
                                     profile=wc("profile") if r.profile else "")]
    for q in r.quarters:
        lines.append(col(q.period) + w("quarter", n=q.generated, returned=q.returned,
                       wrong=q.mistakes, missing=q.not_returned,
                       reports=n(len(q.unit_reports), "rekap unit", "unit report")))
    if r.annual_generated:
        lines.append(col("5-tahunan") + w("annual", n=r.annual_generated, filled=r.annual_filled))
    if r.year_reports or r.province_year_report:
        lines.append(col("6-rekap-tahunan") + w("recap", n=n(len(r.year_reports), "rekap tahunan unit",
                                    "unit year report"),
                       province=wc("province", name=Path(r.province_year_report).name)
                       if r.province_year_report else ""))
    if r.ak_papers:
        lines.append(col("7-angka-kredit") + w("ak", n=r.ak_papers))
    year = r.province_year or {}
    if year.get("employees"):
        people = year["employees"]
        gaps = {(m["nip"], m["period"]) for m in year.get("missing") or []
                if m["period"] != r.year}
        complete = sum(1 for e in people
                       if not any((e["nip"], q.period) in gaps for q in r.quarters))
        lines += ["", w("year_totals", n=len(people), complete=complete,
                        gaps=len(gaps))]
    kurva = (year.get("year") or {}).get("kurva") or {}
    for message in kurva.get("messages") or []:
        lines += _wrap(wc("kurva", org=kurva.get("org_predikat") or "-", message=message),
                       "  ", "    ")
    failures = list(r.failures) + [f"{q.period}: {f['unit']}: {f['error']}"
                                   for q in r.quarters for f in q.unit_failures]
    if failures:
        lines += ["", w("failures")] + [f"  - {f}" for f in failures]
    if r.notes:
        lines += ["", wc("notes")]
        for note in r.notes:
            lines += _wrap(note, "  - ", "    ")
    roster = show(r.roster)
    reports = " ".join(show(root / q.period / "4-rekap") for q in r.quarters)
    previous = " ".join(f"--previous {show(root / q.period / '4-rekap')}" for q in r.quarters)
    lines += ["", wc("next"),
              w("next_annual"),
              f"      skpxl generate {roster} --period {r.year} {previous} -o tahunan/",
              w("next_year"),
              f"      skpxl merge --level province {reports} "
              f"{show(root / '5-tahunan' / '2-kembali')} --period {r.year} --roster {roster} "
              f"-o rekap-{r.year}.xlsx",
              w("next_ak"),
              f"      skpxl angka-kredit {reports} --period {r.year} --akumulasi "
              f"{show(root / '0-data' / 'ak-awal.csv')} --roster {roster} -o angka-kredit/",
              "      skpxl export pdf angka-kredit/ -o angka-kredit-pdf/",
              wc("guide")]
    if r.seconds:
        shown = ", ".join(f"{STEP_NAMES.get(k, (k, k))[en]} {v:.0f}"
                          for k, v in r.seconds.items() if k != "total")
        lines.append(w("seconds", shown=shown))
    if "total" in r.seconds:
        lines.append(wc("done", seconds=r.seconds["total"]))
    return "\n".join(lines)
