"""``skpxl demo``: watch a whole quarter happen on the bundled samples."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..demo import DEFAULT_DIR, run_demo
from ..errors import SkpxlError
from .common import current_lang, echo_json, format_choice, jobs_option


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


@click.command("demo")
@click.argument("directory", metavar="[DIR]", default=DEFAULT_DIR,
                type=click.Path(path_type=Path))
@click.option("--force", is_flag=True,
              help="DIR holds an earlier demo: delete that demo's files and run again "
                   "(a folder that is not a demo folder is never touched).")
@click.option("--units", type=click.IntRange(1, None), metavar="N",
              help="Only the first N units, province secretariat first (a quicker look).")
@jobs_option
@format_choice(help="Output: the guided summary, or JSON for scripts.")
def demo_cmd(directory, force, units, jobs, fmt):
    """Run a whole quarter on fictional data and explain what happened.

    In DIR (default ./skpxl-demo) the demo generates the 2025-Q3 workbooks for every unit
    of the bundled Bawaslu Jawa Timur roster (1-skp/), simulates what staff send back —
    most valid, some with typical mistakes, some never returned (2-kembali/) — validates
    them and writes marked-up copies to send back (3-perbaikan/), then merges each unit and
    the province (4-rekap/). It ends with a short guide: what was made, the problems found
    and the next command to run. Running it again into the same DIR is refused unless
    --force (exit code 2). Exit code 0 when every step ran, 3 when a step failed.

    \b
    Example:
      skpxl demo
      skpxl demo /tmp/coba --units 3 --jobs 2
    """
    bars = _StageBars(fmt == "table")

    def echo(text: str) -> None:
        bars.close()
        click.echo(text, err=True)

    try:
        result = run_demo(directory, force=force, jobs=jobs, units=units,
                          progress=bars if fmt == "table" else None,
                          echo=echo if fmt == "table" else None)
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
