"""``skpxl demo``: watch a whole quarter happen on the bundled samples."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..demo import DEFAULT_DIR, run_demo
from ..demoyear import DEFAULT_DIR as YEAR_DIR, run_year
from ..errors import SkpxlError
from .common import echo_json, format_choice, jobs_option, lang_option
from .i18n import argument, command, current_lang, option


class _Failure(click.ClickException):
    """A library failure shown as ``Error: message`` + hint, with the library's exit code."""

    def __init__(self, exc: SkpxlError):
        message, hint = exc.text(current_lang())
        super().__init__(message + (f"\n{hint}" if hint else ""))
        self.exit_code = exc.exit_code


class _StageBars:
    """One progress bar per demo step, on stderr, only when stderr is a terminal."""

    def __init__(self, enabled: bool):
        self.enabled = enabled and sys.stderr.isatty()
        self.bar = None

    def __call__(self, label: str, total: int):
        self.close()
        if not self.enabled or total < 2:
            return lambda n=1: None
        self.bar = click.progressbar(length=total, label=label.ljust(22), file=sys.stderr)
        self.bar.__enter__()
        return self.bar.update

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@command("demo", short_help="Satu triwulan penuh dengan data fiktif, untuk mencoba.",
         short_help_en="A whole quarter on fictional data, to try skpxl.", help_en="""Run a whole quarter on fictional data and explain what happened.

    In DIR (default ./skpxl-demo) the demo generates the 2025-Q3 workbooks for every unit
    of the bundled Bawaslu Jawa Timur roster (1-skp/), simulates what staff send back:
    most valid, some with typical mistakes, some never returned (2-kembali/); checks
    them and writes marked-up copies to send back (3-perbaikan/), then merges each unit and
    the province (4-rekap/). It ends with a short guide: what was made, the problems found
    and the next command to run. Running it again into the same DIR is refused unless
    --force (exit code 2). Exit code 0 when every step ran, 3 when a step failed.

    With --year the demo runs the year 2025 instead, in DIR (default ./skpxl-demo-2025):
    four quarters (each generated, sent back and reported per unit), the annual
    evaluation workbooks with the quarters shown to the assessors, the year recap per unit
    and for the province, and the angka kredit papers of every jabatan fungsional
    employee (7-angka-kredit/).

    \b
    Example:
      skpxl demo
      skpxl demo /tmp/coba --units 3 --jobs 2
      skpxl demo --year
    """)
@argument("directory", metavar="[FOLDER]", metavar_en="[DIR]", required=False,
          type=click.Path(path_type=Path))
@option("--force", is_flag=True,
        help="FOLDER berisi demo sebelumnya: hapus file demo itu lalu jalankan lagi (folder "
             "yang bukan folder demo tidak pernah disentuh).",
        help_en="DIR holds an earlier demo: delete that demo's files and run again (a folder "
                "that is not a demo folder is never touched).")
@option("--units", type=click.IntRange(1, None), metavar="N",
        help="Hanya N unit pertama, sekretariat provinsi lebih dulu (untuk melihat sekilas).",
        help_en="Only the first N units, province secretariat first (a quicker look).")
@option("--year", is_flag=True,
        help="Satu tahun penuh: empat triwulan, evaluasi tahunan, rekap tahunan dan angka "
             "kredit (sekitar empat kali lebih lama).",
        help_en="A whole year: four quarters, the annual evaluation, the year recap and angka "
                "kredit (about four times as long).")
@jobs_option
@format_choice(help="Keluaran: ringkasan bertuntun, atau JSON untuk program lain.",
               help_en="Output: the guided summary, or JSON for scripts.")
@lang_option
def demo_cmd(directory, force, units, year, jobs, fmt, lang):
    """Jalankan satu triwulan penuh dengan data fiktif dan jelaskan apa yang terjadi.

    Di FOLDER (bawaan: ./skpxl-demo) demo membuat file SKP 2025-Q3 untuk setiap unit
    dalam daftar pegawai contoh Bawaslu Jawa Timur (1-skp/), menirukan file yang dikirim
    kembali oleh pegawai: sebagian besar benar, sebagian dengan kesalahan yang sering
    terjadi, sebagian tidak pernah dikirim (2-kembali/); memeriksanya dan menulis salinan
    bertanda untuk dikirim kembali (3-perbaikan/), lalu merekap setiap unit dan provinsi
    (4-rekap/). Di akhir ada panduan singkat: apa yang dibuat, masalah yang ditemukan, dan
    perintah berikutnya. Menjalankan lagi ke FOLDER yang sama ditolak kecuali dengan
    --force (kode keluar 2). Kode keluar 0 bila semua langkah berjalan, 3 bila ada langkah
    yang gagal.

    Dengan --year demo menjalankan tahun 2025, di FOLDER (bawaan: ./skpxl-demo-2025):
    empat triwulan (masing-masing dibuat, dikirim kembali dan direkap per unit), file
    evaluasi tahunan dengan keempat triwulan terlihat oleh penilai, rekap tahunan per unit
    dan provinsi, serta berkas angka kredit setiap pejabat fungsional (7-angka-kredit/).

    \b
    Contoh:
      skpxl demo
      skpxl demo /tmp/coba --units 3 --jobs 2
      skpxl demo --year
    """
    bars = _StageBars(fmt == "table")

    def echo(text: str) -> None:
        bars.close()
        click.echo(text, err=True)

    try:
        run = run_year if year else run_demo
        directory = directory or Path(YEAR_DIR if year else DEFAULT_DIR)
        result = run(directory, force=force, jobs=jobs, units=units,
                          progress=bars if fmt == "table" else None,
                          echo=echo if fmt == "table" else None, lang=lang)
    except SkpxlError as exc:
        raise _Failure(exc) from exc
    finally:
        bars.close()
    if fmt == "json":
        echo_json(result.to_dict())
    else:
        click.echo("")
        click.echo(result.summary())
    raise SystemExit(0 if result.ok else 3)
