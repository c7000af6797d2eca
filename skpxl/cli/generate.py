"""``skpxl generate``."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import RosterError
from ..generate import generate
from ..writer import remove_stale_parts
from .common import build_executor, executor_options, PERIOD, echo_json, format_option, jobs_option, lang_option, progress_bar


@click.command("generate")
@click.argument("roster", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--period", "-p", type=PERIOD, required=True,
              help="Period: 2025-Q3 (triwulan), 2025 (tahunan) or 2025-07 (bulanan).")
@click.option("--output", "-o", "outdir", type=click.Path(file_okay=False, path_type=Path),
              required=True, help="Output folder; one sub-folder per unit.")
@click.option("--plans", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Plans file (CSV/XLSX): RHK, IKI and targets per NIP, pre-filled.")
@click.option("--template", "-t", "template_ref", metavar="ID|PATH",
              help="Use this template for everyone (default: by jabatan and approach).")
@click.option("--previous", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder of last period's returned workbooks: carry plans forward.")
@click.option("--unit", help="Only this unit (exact unit name from the roster).")
@click.option("--profile", "profile", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Agency profile (TOML): agency name and signing places where the roster's "
                   "Instansi and Tempat columns do not say.")
@click.option("--password", help="Protect sheets with this password (default: no password).")
@click.option("--force", is_flag=True, help="Overwrite workbooks that already exist.")
@jobs_option
@executor_options
@format_option
@lang_option
def generate_cmd(roster, period, outdir, plans, template_ref, previous, unit, profile, password,
                 force, jobs, executor, scheduler, fmt, lang):
    """Generate one pre-filled SKP workbook per employee of ROSTER.

    Identity, assessor, atasan penilai, period, BerAKHLAK block and (with --plans) the
    cascaded targets are filled in; those cells are locked, the cells staff fill are yellow while empty
    and unlocked. Rows the plan leaves empty are hidden (staff unhide them to add an RHK or
    IKI), so the forms print what is used; every page carries the agency, unit, period,
    page number and the employee's name and NIP. Files land in
    OUTPUT/<unit>/<NIP>_<name>_<period>.xlsx. Existing files are kept unless --force. A
    roster with errors is refused: run 'skpxl roster check'.

    \b
    Example:
      skpxl generate pegawai.xlsx --period 2025-Q3 --plans rencana.xlsx -o skp/
      skpxl generate pegawai.xlsx --period 2025-Q3 --profile instansi.toml -o skp/
    """
    remove_stale_parts(outdir)   # what a killed run may have left
    try:
        with progress_bar("Writing SKPs" if lang == "en" else "Membuat SKP",
                          fmt == "table") as advance:
            result = generate(roster, period, outdir, plans=plans, template=template_ref,
                              previous=previous, unit=unit, jobs=jobs, force=force,
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
        for record in result.files:
            for problem in record.problems:
                mark = "GAGAL" if problem.severity == "error" else "catatan"
                click.echo(f"  [{mark}] {record.nip} {record.nama}: {problem.message(lang)}")
        words = ("written", "skipped", "failed") if lang == "en" else (
            "dibuat", "dilewati (sudah ada)", "gagal")
        click.echo(f"{result.count('written')} {words[0]}, {result.count('skipped')} {words[1]}, "
                   f"{result.count('failed')} {words[2]} -> {outdir}")
    raise SystemExit(0 if result.ok else 1)
