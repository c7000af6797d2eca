"""The ``skpxl`` command line: a thin layer over the library.

Every command parses options, calls one library function, renders its result (table or
JSON) and exits with the documented code: 0 all good, 1 problems found in the inputs,
2 usage error, 3 skpxl could not do its job. Everything a person reads is Indonesian, or
English with ``--lang en`` / ``SKPXL_LANG=en`` (see :mod:`skpxl.cli.i18n`).
"""

from __future__ import annotations

import click

from .. import __version__
from .common import OrderedGroup, group_lang_option
from .i18n import current_lang, option


def _print_version(ctx: click.Context, param, value) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(f"skpxl, {'version' if current_lang() == 'en' else 'versi'} {__version__}")
        ctx.exit(0)


@click.group(cls=OrderedGroup, context_settings={"help_option_names": ["-h", "--help"],
                                                 "max_content_width": 100},
             help_en="""skpxl: SKP workbooks for civil servants (ASN): generate, check, merge.

    A quarter with skpxl, for an HR officer:

    \b
      skpxl roster check pegawai.xlsx
      skpxl generate pegawai.xlsx --period 2025-Q3 -o skp/
      (send the files; collect what comes back into kembali/)
      skpxl validate kembali/ --period 2025-Q3 --annotate perbaikan/
      skpxl merge kembali/ --period 2025-Q3 --roster pegawai.xlsx -o rekap.xlsx

    New here? 'skpxl doctor' checks that this computer is ready, and 'skpxl demo' shows a
    whole quarter on fictional data. Add --help after a command to learn about it, e.g.
    'skpxl generate --help'. Messages are in English with --lang en (or SKPXL_LANG=en).
    """)
@option("--version", is_flag=True, expose_value=False, is_eager=True,
        callback=_print_version, help="Tampilkan versi skpxl lalu keluar.",
        help_en="Show the version of skpxl and exit.")
@option("--debug", is_flag=True,
        help="Tampilkan traceback Python untuk kesalahan internal (untuk melaporkan bug).",
        help_en="Show Python tracebacks for internal errors (to report a bug).")
@group_lang_option
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """skpxl: file SKP untuk ASN: buat, periksa, gabungkan.

    Satu triwulan dengan skpxl, untuk petugas SDM:

    \b
      skpxl roster check pegawai.xlsx
      skpxl generate pegawai.xlsx --period 2025-Q3 -o skp/
      (kirim file-nya; kumpulkan yang kembali di folder kembali/)
      skpxl validate kembali/ --period 2025-Q3 --annotate perbaikan/
      skpxl merge kembali/ --period 2025-Q3 --roster pegawai.xlsx -o rekap.xlsx

    Baru pertama kali? 'skpxl doctor' memeriksa apakah komputer ini siap, dan 'skpxl demo'
    memperlihatkan satu triwulan penuh dengan data contoh. Tambahkan --help setelah nama
    perintah untuk penjelasannya, misalnya 'skpxl generate --help'. Pesan dalam bahasa
    Inggris dengan --lang en (atau SKPXL_LANG=en).
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


cli.lazy = {
    "generate": "skpxl.cli.generate:generate_cmd",
    "template": "skpxl.cli.template:template",
    "roster": "skpxl.cli.roster:roster",
    "validate": "skpxl.cli.validate:validate_cmd",
    "extract": "skpxl.cli.validate:extract_cmd",
    "merge": "skpxl.cli.merge:merge_cmd",
    "angka-kredit": "skpxl.cli.angkakredit:angka_kredit_cmd",
    "recalc": "skpxl.cli.engines:recalc_cmd",
    "export": "skpxl.cli.engines:export_group",
    "demo": "skpxl.cli.demo:demo_cmd",
    "doctor": "skpxl.cli.doctor:doctor_cmd",
}


def main(argv=None) -> None:
    """Console entry point. Failures are mapped to exit codes by the group itself
    (:class:`~skpxl.cli.common.OrderedGroup`), so ``CliRunner`` sees the same behaviour."""
    cli.main(args=argv, prog_name="skpxl")
