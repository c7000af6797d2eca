"""``skpxl template list|fields|check``."""

from __future__ import annotations

import click

from ..manifest import list_templates
from ..problems import ERROR, WARNING
from ..textfmt import count
from .common import echo_json, format_option, group_lang_option, lang_option
from .i18n import Group, argument, option


@click.group("template", cls=Group, short_help="Lihat dan periksa template SKP.",
             short_help_en="Look at and check SKP templates.",
             help_en="Look at and check SKP templates, the shipped ones or your own copies.")
@group_lang_option
def template() -> None:
    """Lihat dan periksa template SKP, bawaan skpxl maupun salinan Anda sendiri."""


def _attach_preview() -> None:
    from .engines import preview_cmd
    template.add_command(preview_cmd)


@template.command("list", help_en="""List the shipped templates.

    Each with its version, its title and how many RHK (main and additional) and IKI per RHK
    its forms hold.

    \b
    Example:
      skpxl template list
    """)
@format_option
@lang_option
def list_cmd(fmt, lang):
    """Daftar template bawaan skpxl.

    Setiap template dengan versinya, judulnya, dan berapa RHK (utama dan tambahan) serta
    IKI per RHK yang muat di formulirnya.

    \b
    Contoh:
      skpxl template list
    """
    items = [t.summary() for t in list_templates()]
    if fmt == "json":
        echo_json(items)
        return
    main, extra = ("main RHK", "additional") if lang == "en" else ("RHK utama", "tambahan")
    for item in items:
        cap = item["capacity"]
        click.echo(f"{item['id']:<20} v{item['version']}  {item['title']}  "
                   f"({main} {cap['hk_utama']['blocks']} x {cap['hk_utama']['rows_per_block']} "
                   f"IKI, {extra} {cap['hk_tambahan']['blocks']})")


@template.command("fields", help_en="""Print every field of TEMPLATE (id or file): defined name, JSON path, sheet, cell.

    This is the public contract for filling or reading workbooks from other programs:
    kind is prefilled | input | formula, type is string | number | date | enum (with
    choices). TEMPLATE may also be a generated or returned SKP workbook: its template's
    fields, at the cells that workbook has them.

    \b
    Example:
      skpxl template fields ja-jf-kuantitatif --format json
      skpxl template fields kembali/199007072019031003_andi_2025-Q3.xlsx
    """)
@argument("template_ref", metavar="TEMPLATE")
@format_option
@lang_option
def fields_cmd(template_ref, fmt, lang):
    """Tampilkan setiap isian TEMPLATE (id atau file): nama sel (defined name), path JSON, sheet, sel.

    Ini kesepakatan tetap bagi program lain yang mengisi atau membaca file SKP: kind adalah
    prefilled (diisi skpxl) | input (diisi pegawai) | formula (rumus), type adalah string |
    number | date | enum (dengan pilihannya). TEMPLATE boleh juga file SKP yang dibuat atau
    dikirim kembali: isian template-nya, di sel tempat file itu menyimpannya.

    \b
    Contoh:
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


#: a problem's severity, and the verdict on the template, as the reader says them
_CHECK_WORDS = {
    "id": {ERROR: "KESALAHAN", WARNING: "PERINGATAN", True: "BISA DIPAKAI",
           False: "TIDAK BISA DIPAKAI"},
    "en": {ERROR: "ERROR", WARNING: "WARNING", True: "USABLE", False: "NOT USABLE"},
}


def render_check(report, path, lang: str) -> str:
    words = _CHECK_WORDS[lang]
    lines = []
    for problem in report.problems:
        where = f"{problem.location}: " if problem.location else ""
        lines.append(f"  [{words.get(problem.severity, problem.severity)}] {where}"
                     f"{problem.message(lang)}")
    checked = (count(report.fields_checked, "field", lang="en") + " checked" if lang == "en"
               else f"{report.fields_checked} isian diperiksa")
    lines.append(f"{words[report.ok]}: {path} ({report.template_id or '?'}, {checked})")
    return "\n".join(lines)


@template.command("check", help_en="""Check that a customised template still works with skpxl.

    Every field of the manifest must still be a defined name on an existing cell, input
    cells must be unlocked, dropdown sources must exist. Exit code 0 when it works, 1 when
    not.

    \b
    Example:
      skpxl template check templates/ja-jf-kuantitatif-bawaslu.xlsx
    """)
@argument("path", type=click.Path(exists=True, dir_okay=False), metavar="FILE")
@option("--manifest", type=click.Path(exists=True, dir_okay=False), metavar="FILE",
        help="Manifest (.json) untuk pemeriksaan (bawaan: yang ada di samping FILE, atau "
             "menurut id template).",
        help_en="Manifest (.json) to check against (default: the one beside FILE, else by "
                "template id).")
@format_option
@lang_option
def check_cmd(path, manifest, fmt, lang):
    """Periksa apakah template yang Anda ubah masih bisa dipakai skpxl.

    Setiap isian di manifest harus masih menjadi nama sel (defined name) pada sel yang ada,
    sel isian harus tidak terkunci, dan sumber daftar pilihan (dropdown) harus ada. Kode
    keluar 0 bila bisa dipakai, 1 bila tidak.

    \b
    Contoh:
      skpxl template check templates/ja-jf-kuantitatif-bawaslu.xlsx
    """
    from ..templatecheck import check_template
    report = check_template(path, manifest=manifest)
    if fmt == "json":
        echo_json(report.to_dict(lang))
    else:
        click.echo(render_check(report, path, lang))
    raise SystemExit(0 if report.ok else 1)


_attach_preview()
