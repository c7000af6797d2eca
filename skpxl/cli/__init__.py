"""The ``skpxl`` command line: a thin layer over the library.

Every command parses options, calls one library function, renders its result (table or
JSON) and exits with the documented code: 0 all good, 1 problems found in the inputs,
2 usage error, 3 skpxl could not do its job.
"""

from __future__ import annotations

import click

from .. import __version__
from .common import OrderedGroup


@click.group(cls=OrderedGroup, context_settings={"help_option_names": ["-h", "--help"],
                                                 "max_content_width": 100})
@click.version_option(__version__, prog_name="skpxl")
@click.option("--debug", is_flag=True, help="Show Python tracebacks for internal errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """skpxl: SKP workbooks for ASN — generate, validate, merge.

    A quarter with skpxl, for a HR officer:

    \b
      skpxl roster check pegawai.xlsx
      skpxl generate pegawai.xlsx --period 2025-Q3 -o skp/
      (send the files; collect what comes back into kembali/)
      skpxl validate kembali/ --period 2025-Q3 --annotate perbaikan/
      skpxl merge kembali/ --period 2025-Q3 --roster pegawai.xlsx -o rekap.xlsx

    Run 'skpxl demo' to watch a whole quarter on the bundled samples.
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
}


def main(argv=None) -> None:
    """Console entry point. Failures are mapped to exit codes by the group itself
    (:class:`~skpxl.cli.common.OrderedGroup`), so ``CliRunner`` sees the same behaviour."""
    cli.main(args=argv, prog_name="skpxl")
