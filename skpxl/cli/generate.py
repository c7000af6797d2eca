"""``skpxl generate``."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import RosterError
from ..generate import generate
from ..writer import remove_stale_parts
from ..textfmt import count
from .common import build_executor, executor_options, PERIOD, echo_json, format_option, jobs_option, lang_option, progress_bar
from .i18n import argument, command, option


@command("generate", short_help="Buat file SKP terisi, satu per pegawai.",
         short_help_en="Write pre-filled SKP workbooks, one per employee.", help_en="""Generate one pre-filled SKP workbook per employee of ROSTER.

    Identity, assessor, atasan penilai, period, the BerAKHLAK block and (with --plans) the
    cascaded targets are filled in; those cells are locked, the cells staff fill are yellow
    while empty and unlocked. Rows the plan leaves empty are hidden (staff unhide them to add an RHK or
    IKI), so the forms print what is used; every page carries the agency, unit, period,
    page number and the employee's name and NIP. Files land in
    OUTPUT/<unit>/<NIP>_<name>_<period>.xlsx. Existing files are kept unless --force (a
    run again names them in one line). A roster with errors is refused: run 'skpxl roster
    check'.

    For the year (--period 2025) with --previous, each workbook is the annual evaluation:
    the plan of the latest quarter, and a locked sheet "Evaluasi Triwulan" with the four
    quarters' ratings, predikat and realisasi ("tidak ada" / "tidak sah" where a quarter is
    missing or not valid). The annual ratings stay for the assessor to choose. A source
    that cannot be used (another year, a changed report) is named and the exit code is 1;
    the workbooks are still written.

    \b
    Example:
      skpxl generate pegawai.xlsx --period 2025-Q3 --plans rencana.xlsx -o skp/
      skpxl generate pegawai.xlsx --period 2025-Q3 --profile instansi.toml -o skp/
      skpxl generate pegawai.xlsx --period 2025 --previous triwulan/ -o tahunan/
    """)
@argument("roster", metavar="DAFTAR_PEGAWAI", metavar_en="ROSTER",
          type=click.Path(exists=True, dir_okay=False, path_type=Path))
@option("--period", "-p", type=PERIOD, required=True,
        help="Periode: 2025-Q3 atau 'TW III 2025' (triwulan), 2025 (tahunan), 2025-07 atau "
             "'Juli 2025' (bulanan).",
        help_en="Period: 2025-Q3 or 'TW III 2025' (quarter), 2025 (year), 2025-07 or "
                "'July 2025' (month).")
@option("--output", "-o", "outdir", type=click.Path(file_okay=False, path_type=Path),
        required=True, metavar="FOLDER",
        help="Folder hasil; di dalamnya satu folder per unit.",
        help_en="Output folder; one sub-folder per unit.")
@option("--plans", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="FILE",
        help="File rencana kerja (CSV/XLSX): RHK, IKI dan target per NIP, diisikan ke file SKP.",
        help_en="Plans file (CSV/XLSX): RHK, IKI and targets per NIP, filled in.")
@option("--template", "-t", "template_ref", metavar="ID|FILE", metavar_en="ID|PATH",
        help="Pakai template ini untuk semua pegawai (bawaan: menurut jenis jabatan dan "
             "pendekatan).",
        help_en="Use this template for everyone (default: by kind of jabatan and approach).")
@option("--previous", type=click.Path(exists=True, path_type=Path), multiple=True,
        metavar="FOLDER",
        help="Folder file SKP periode lalu yang dikembalikan: rencana kerjanya dibawa ke "
             "periode ini. Untuk evaluasi tahunan (--period 2025): folder atau file SKP "
             "triwulan tahun itu dan/atau laporan unit triwulan (hasil 'skpxl merge'); boleh "
             "diulang.",
        help_en="Folder of last period's returned workbooks: carry plans forward. For the "
                "annual evaluation (--period 2025): folders or files of that year's returned "
                "quarterly workbooks and/or quarterly unit reports ('skpxl merge' output); "
                "may be repeated.")
@option("--unit", metavar="NAMA_UNIT", metavar_en="UNIT",
        help="Hanya unit ini (nama unit persis seperti di daftar pegawai).",
        help_en="Only this unit (its name exactly as in the roster).")
@option("--profile", "profile", type=click.Path(exists=True, dir_okay=False, path_type=Path),
        metavar="FILE",
        help="Profil instansi (TOML): nama instansi dan tempat tanda tangan bila kolom Instansi "
             "dan Tempat di daftar pegawai tidak menyebutnya.",
        help_en="Agency profile (TOML): agency name and signing places where the roster's "
                "Instansi and Tempat columns do not say.")
@option("--password", metavar="SANDI", metavar_en="PASSWORD",
        help="Kunci sheet dengan kata sandi ini (bawaan: tanpa kata sandi).",
        help_en="Protect sheets with this password (default: no password).")
@option("--force", is_flag=True, help="Timpa file SKP yang sudah ada.",
        help_en="Overwrite workbooks that already exist.")
@option("--verbose", "-v", is_flag=True,
        help="Sebutkan juga setiap file yang sudah ada dan tidak ditimpa.",
        help_en="Also list every file that already exists and was kept.")
@jobs_option
@executor_options
@format_option
@lang_option
def generate_cmd(roster, period, outdir, plans, template_ref, previous, unit, profile, password,
                 force, verbose, jobs, executor, scheduler, fmt, lang):
    """Buat satu file SKP terisi untuk setiap pegawai di DAFTAR_PEGAWAI.

    Identitas, pejabat penilai, atasan pejabat penilai, periode, perilaku kerja (BerAKHLAK)
    dan (dengan --plans) target turunan diisikan; sel-sel itu dikunci, sel yang diisi
    pegawai berwarna kuning selama masih kosong dan tidak dikunci. Baris yang tidak
    dipakai rencana kerja disembunyikan (pegawai memunculkannya untuk menambah RHK atau
    IKI), sehingga formulir mencetak yang dipakai saja; setiap halaman memuat instansi,
    unit, periode, nomor halaman, serta nama dan NIP pegawai. File ditulis ke
    FOLDER/<unit>/<NIP>_<nama>_<periode>.xlsx. File yang sudah ada tidak ditimpa kecuali
    dengan --force (bila dijalankan lagi, cukup disebut dalam satu baris). Daftar pegawai
    yang masih berisi kesalahan ditolak: jalankan 'skpxl roster check'.

    Untuk tahun (--period 2025) dengan --previous, setiap file adalah evaluasi tahunan:
    rencana kerja triwulan terakhir, dan sheet terkunci "Evaluasi Triwulan" berisi rating,
    predikat dan realisasi keempat triwulan ("tidak ada" / "tidak sah" bila triwulan itu
    tidak ada atau tidak sah). Rating tahunan tetap dipilih pejabat penilai. Sumber yang
    tidak bisa dipakai (tahun lain, laporan yang diubah) disebutkan dan kode keluarnya 1;
    file tetap dibuat.

    \b
    Contoh:
      skpxl generate pegawai.xlsx --period 2025-Q3 --plans rencana.xlsx -o skp/
      skpxl generate pegawai.xlsx --period 2025-Q3 --profile instansi.toml -o skp/
      skpxl generate pegawai.xlsx --period 2025 --previous triwulan/ -o tahunan/
    """
    remove_stale_parts(outdir)   # what a killed run may have left
    try:
        with progress_bar("Writing SKPs" if lang == "en" else "Membuat SKP",
                          fmt == "table") as advance:
            result = generate(roster, period, outdir, plans=plans, template=template_ref,
                              previous=list(previous), unit=unit, jobs=jobs, force=force,
                              password=password, lang=lang, progress=advance,
                              executor=build_executor(executor, jobs, scheduler),
                              profile=profile)
    except RosterError as exc:   # with --format json the group prints it, problems too
        if fmt != "json":
            for problem in exc.problems:
                if problem.severity == "error":
                    click.echo(f"  {problem.location}: {problem.message(lang)}", err=True)
        raise
    if fmt == "json":
        echo_json(result.to_dict(lang))
    else:
        click.echo(render(result, outdir, lang, verbose=verbose))
    raise SystemExit(0 if result.ok else 1)


#: the words of generate's report: a problem's tag, the summary, the files kept
_WORDS = {
    "id": {"error": "GAGAL", "warning": "CATATAN", "summary": "{written} dibuat, {kept} sudah "
           "ada (tidak ditimpa), {failed} gagal -> {outdir}",
           "kept": "File yang sudah ada tidak ditimpa: tambahkan --force untuk membuatnya ulang, "
                   "atau --verbose untuk daftarnya."},
    "en": {"error": "FAILED", "warning": "NOTE", "summary": "{written} written, {kept} already "
           "there (kept), {failed} failed -> {outdir}",
           "kept": "Files that already exist are kept: add --force to write them again, or "
                   "--verbose to list them."},
}


def render(result, outdir, lang: str = "id", *, verbose: bool = False) -> str:
    """Problems one line each (a file kept because it exists only with ``verbose``), then
    one summary line, and what to do about files kept."""
    w = _WORDS["en" if lang == "en" else "id"]
    lines = [f"  [{w[p.severity]}] {p.message(lang)}" for p in result.problems]
    for record in result.files:
        for problem in record.problems:
            if problem.code == "generate.exists" and not verbose:
                continue
            lines.append(f"  [{w[problem.severity] if problem.severity in w else problem.severity}] "
                         f"{record.nip} {record.nama}: {problem.message(lang)}")
    files = (lambda n: count(n, "file", lang=lang)) if lang == "en" else str
    lines.append(w["summary"].format(written=files(result.count("written")),
                                     kept=result.count("skipped"),
                                     failed=result.count("failed"), outdir=outdir))
    if result.count("skipped") and not verbose:
        lines.append(w["kept"])
    return "\n".join(lines)
