"""``skpxl template list|fields|check``."""

from __future__ import annotations

import click

from ..manifest import list_templates
from .common import echo_json, format_option, lang_option


@click.group("template")
def template() -> None:
    """Inspect and check SKP templates (layout is data: defined names + manifest)."""


def _attach_preview() -> None:
    from .engines import preview_cmd
    template.add_command(preview_cmd)


@template.command("list")
@format_option
def list_cmd(fmt):
    """List the shipped templates.

    \b
    Example:
      skpxl template list
    """
    items = [t.summary() for t in list_templates()]
    if fmt == "json":
        echo_json(items)
        return
    for item in items:
        cap = item["capacity"]
        click.echo(f"{item['id']:<20} v{item['version']}  {item['title']}  "
                   f"(RHK utama {cap['hk_utama']['blocks']} x {cap['hk_utama']['rows_per_block']} "
                   f"IKI, tambahan {cap['hk_tambahan']['blocks']})")


@template.command("fields")
@click.argument("template_ref", metavar="TEMPLATE")
@format_option
def fields_cmd(template_ref, fmt):
    """Print every field of TEMPLATE (id or path): defined name, JSON path, sheet, cell.

    This is the public contract for filling or reading workbooks from other programs:
    kind is prefilled | input | formula, type is string | number | date | enum (with
    choices). TEMPLATE may also be a generated or returned SKP workbook: its template's
    fields, at the cells that workbook has them.

    \b
    Example:
      skpxl template fields ja-jf-kuantitatif --format json
      skpxl template fields kembali/199007072019031003_andi_2025-Q3.xlsx
    """
    from ..extract import template_for
    tmpl = template_for(template_ref)
    items = tmpl.describe_fields()
    if fmt == "json":
        echo_json(items)
        return
    for item in items:
        click.echo(f"{item['sheet'] + '!' + item['cell']:<24} {item['kind']:<9} {item['type']:<6} "
                   f"{item['path']}")


@template.command("check")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--manifest", type=click.Path(exists=True, dir_okay=False),
              help="Manifest to check against (default: beside PATH, else by template id).")
@format_option
@lang_option
def check_cmd(path, manifest, fmt, lang):
    """Check that a customised template still works with skpxl.

    Every field of the manifest must still be a defined name on an existing cell, input
    cells must be unlocked, dropdown sources must exist. Exit 0 when it works, 1 when not.

    \b
    Example:
      skpxl template check templates/ja-jf-kuantitatif-bawaslu.xlsx
    """
    from ..templatecheck import check_template
    report = check_template(path, manifest=manifest)
    if fmt == "json":
        echo_json(report.to_dict(lang))
    else:
        for problem in report.problems:
            where = f"{problem.location}: " if problem.location else ""
            click.echo(f"  [{problem.severity}] {where}{problem.message(lang)}")
        click.echo(("OK: " if report.ok else "TIDAK BISA DIPAKAI: ") + str(path) +
                   f" ({report.template_id or '?'}, {report.fields_checked} field diperiksa)")
    raise SystemExit(0 if report.ok else 1)


_attach_preview()
