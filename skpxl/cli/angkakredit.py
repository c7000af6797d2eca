"""``skpxl angka-kredit``: lembar konversi, akumulasi and draft PAK for JF employees."""

from __future__ import annotations

from pathlib import Path

import click

from .. import textfmt
from ..angkakredit import AkResult, angka_kredit
from .common import PERIOD, echo_json, format_option, jobs_option, lang_option, progress_bar
from .i18n import argument, command, option

_WORDS = {
    "id": {"head": "Angka kredit: {n} jabatan fungsional, {w} ditulis ke {out}",
           "non_jf": " ({n} bukan jabatan fungsional dilewati)",
           "ok": "SAH", "bad": "MASALAH", "none": "tanpa konversi",
           "total": "AK kumulatif", "pangkat": "kenaikan pangkat", "jenjang": "kenaikan jenjang",
           "more": "lebih", "less": "kurang", "inputs": "Masalah pada masukan:",
           "row": "baris", "skip": "dilewati",
           "end_ok": "Semua berkas dibuat tanpa masalah.",
           "end_bad": "{n} ditemukan; berkas pegawai lain tetap dibuat.",
           "print": "Cetak: skpxl export pdf {out} -o {out}-pdf"},
    "en": {"head": "Angka kredit: {n} in a jabatan fungsional, {w} written to {out}",
           "non_jf": " ({n} not in a jabatan fungsional skipped)",
           "ok": "OK", "bad": "PROBLEM", "none": "no conversion",
           "total": "cumulative AK", "pangkat": "next pangkat", "jenjang": "next jenjang",
           "more": "over by", "less": "short by", "inputs": "Problems in the inputs:",
           "row": "row", "skip": "skipped",
           "end_ok": "All papers made without problems.",
           "end_bad": "{n} found; the other employees' papers were still made.",
           "print": "To print: skpxl export pdf {out} -o {out}-pdf"},
}


def _counted(n: int, lang: str, id_word: str, en_word: str) -> str:
    """``3 pegawai`` / ``1 employee``, ``3 employees``."""
    return textfmt.count(n, en_word if lang == "en" else id_word, lang=lang)


def _progress_text(progress, w: dict, lang: str) -> str:
    """``AK kumulatif 50,625; kenaikan pangkat: kurang 49,375; kenaikan jenjang: ...``"""
    def gap(value):
        if value is None:
            return "-"
        word = w["more"] if value >= 0 else w["less"]
        return f"{word} {textfmt.number(float(abs(value)), lang, decimals=3)}"
    return (f"{w['total']} {textfmt.number(float(progress.total), lang, decimals=3)}; "
            f"{w['pangkat']}: {gap(progress.pangkat_gap)}; "
            f"{w['jenjang']}: {gap(progress.jenjang_gap)}")


def render(result: AkResult, lang: str) -> str:
    w = _WORDS[lang]
    head = w["head"].format(n=_counted(len(result.employees), lang, "pegawai", "employee"),
                            w=_counted(len(result.written), lang, "workbook", "workbook"),
                            out=result.output)
    lines = [head + (w["non_jf"].format(n=_counted(result.non_jf, lang, "pegawai", "employee"))
                     if result.non_jf else "")]
    count = len(result.problems)
    for e in result.employees:
        count += len(e.problems)
        figures = ", ".join(f"{line.period.heading(lang)} {line.predikat} "
                            f"{textfmt.number(float(line.value), lang, decimals=3)}"
                            for line in e.ak.lines) or w["none"]
        mark = w["bad"] if e.problems else w["ok"]
        lines.append(f"  {mark:<7} {e.person.nip}  {e.person.nama}  "
                     f"{e.ak.jenjang or e.person.jenjang or '?'}: {figures}")
        if e.progress is not None:
            lines.append("          " + _progress_text(e.progress, w, lang))
        if e.output:
            lines.append(f"          -> {e.output}")
        for p in e.problems:
            lines.append(f"          {'x' if p.severity == 'error' else '!'} {p.message(lang)}")
    if result.problems:
        lines.append(w["inputs"])
        for p in result.problems:
            where = Path(p.path).name if p.path else ""
            if p.row is not None:
                where += f" {w['row']} {p.row}"
            lines.append(f"  {'x' if p.severity == 'error' else '!'} "
                         f"{where + ': ' if where else ''}{p.message(lang)}")
    for item in result.skipped:
        lines.append(f"  - {w['skip']}: {item['path']}")
    problems = textfmt.count(count, "masalah" if lang == "id" else "problem", lang=lang)
    lines.append(w["end_ok"] if not count else w["end_bad"].format(n=problems))
    if result.written:
        lines.append(w["print"].format(out=result.output.rstrip("/")))
    return "\n".join(lines)


@command("angka-kredit", short_help="Berkas angka kredit pejabat fungsional.",
         short_help_en="Angka kredit papers of jabatan fungsional staff.", help_en="""The angka kredit papers of jabatan fungsional employees, from SKP reports.

    For every employee in a jabatan fungsional (JF) in a unit or province report ('skpxl
    merge'), or in a folder of returned SKP workbooks, skpxl writes one workbook with the
    lembar konversi predikat kinerja ke angka kredit (one per period: quarter, month or
    year), signed by the pejabat penilai kinerja. With --akumulasi the workbook also holds
    the lembar akumulasi angka kredit (AK awal + conversions, what is still short for the
    next pangkat and jenjang) and a draft Penetapan Angka Kredit (PAK). The papers are in
    Indonesian (official forms). Print them with 'skpxl export pdf'.

    Angka kredit = percentage of the predikat x coefficient per year x months/12
    (PermenPANRB 1/2023, PerBKN 3/2023), rounded to 3 decimals. An annual and a periodic
    conversion of the same months are never counted twice: skpxl refuses them.

    Exit code: 0 without problems; 1 when an employee, report or table row has a problem
    (the other employees' papers are still written); 2 on a usage error (papers that exist
    without --force); 3 when the papers cannot be written.

    \b
    Example:
      skpxl angka-kredit rekap-batu-2025-Q3.xlsx -o angka-kredit/
      skpxl angka-kredit rekap/2025-Q*.xlsx --period 2025 --akumulasi ak-awal.xlsx \\
          --roster pegawai.xlsx -o angka-kredit/
    """)
@argument("paths", nargs=-1, required=True, type=click.Path(exists=True),
          metavar="FILE_ATAU_FOLDER...", metavar_en="PATHS...")
@option("--output", "-o", required=True, type=click.Path(file_okay=False, path_type=Path),
        metavar="FOLDER",
        help="Folder untuk berkas angka kredit (satu workbook per pegawai, per unit).",
        help_en="Folder for the papers (one workbook per employee, per unit).")
@option("--period", "-p", type=PERIOD,
        help="Periode yang diminta, misalnya 2025 atau 2025-Q3: laporan periode lain ditolak; "
             "wajib untuk folder file SKP yang dikembalikan.",
        help_en="The period asked for, e.g. 2025 or 2025-Q3: reports of other periods are "
                "refused; required for folders of returned SKP workbooks.")
@option("--akumulasi", type=click.Path(exists=True, dir_okay=False, path_type=Path),
        metavar="FILE",
        help="Tabel AK awal (CSV/XLSX: NIP, AK Awal, Tanggal, Nomor PAK sebelumnya atau PAK "
             "integrasi): tambah lembar akumulasi dan draf PAK.",
        help_en="The AK awal table (CSV/XLSX: NIP, AK Awal, Tanggal, Nomor PAK of the previous "
                "PAK or the PAK integrasi): adds the akumulasi sheet and a draft PAK.")
@option("--roster", type=click.Path(exists=True, dir_okay=False), metavar="FILE",
        help="Daftar pegawai: jabatan pejabat penilai, instansi, tempat.",
        help_en="Roster: the assessor's jabatan, the agency, the place.")
@option("--profile", type=click.Path(exists=True, dir_okay=False), metavar="FILE",
        help="Profil instansi (instansi.toml): instansi, tempat, penandatangan PAK "
             "([[penandatangan]] unit = \"pak\").",
        help_en="Agency profile (instansi.toml): agency, place, who signs the PAK "
                "([[penandatangan]] unit = \"pak\").")
@option("--tanggal", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
        help="Tanggal penetapan yang dicetak (YYYY-MM-DD); bawaan: hari ini.",
        help_en="Date of the decision printed on the papers (YYYY-MM-DD); default: today.")
@format_option
@jobs_option
@option("--force", is_flag=True, help="Timpa berkas yang sudah ada.",
        help_en="Overwrite papers that already exist.")
@lang_option
def angka_kredit_cmd(paths, output, period, akumulasi, roster, profile, tanggal, fmt, jobs, force,
                     lang):
    """Berkas angka kredit pejabat fungsional dari laporan SKP.

    Untuk setiap pegawai jabatan fungsional (JF) di laporan unit atau provinsi ('skpxl
    merge'), atau di folder file SKP yang dikembalikan, skpxl menulis satu workbook berisi
    lembar konversi predikat kinerja ke angka kredit (satu per periode: triwulan, bulan atau
    tahun), ditandatangani pejabat penilai kinerja. Dengan --akumulasi, workbook itu juga
    berisi lembar akumulasi angka kredit (AK awal + konversi, kekurangan untuk kenaikan pangkat
    dan jenjang) dan draf Penetapan Angka Kredit (PAK). Cetak dengan 'skpxl export pdf'.

    Angka kredit = prosentase predikat x koefisien per tahun x bulan/12 (PermenPANRB 1/2023,
    PerBKN 3/2023), dibulatkan 3 angka di belakang koma. Konversi tahunan dan periodik untuk
    bulan yang sama tidak boleh dihitung dua kali: skpxl menolaknya.

    Kode keluar: 0 tanpa masalah; 1 bila ada masalah pada pegawai, laporan atau baris tabel
    (berkas pegawai lain tetap ditulis); 2 kesalahan pemakaian (berkas sudah ada tanpa
    --force); 3 bila berkas tidak bisa ditulis.

    \b
    Contoh:
      skpxl angka-kredit rekap-batu-2025-Q3.xlsx -o angka-kredit/
      skpxl angka-kredit rekap/2025-Q*.xlsx --period 2025 --akumulasi ak-awal.xlsx \\
          --roster pegawai.xlsx -o angka-kredit/
    """
    with progress_bar("Checking" if lang == "en" else "Memeriksa", fmt == "table") as advance:
        result = angka_kredit(paths, output=output, period=period, roster=roster,
                              profile=profile, akumulasi=akumulasi,
                              tanggal=tanggal.date() if tanggal else None, force=force,
                              lang=lang, jobs=jobs, progress=advance)
    if fmt == "json":
        echo_json(result.to_dict(lang))
    else:
        click.echo(render(result, lang))
    raise SystemExit(0 if result.ok else 1)
