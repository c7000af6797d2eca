"""Shared CLI pieces: the group, option types, output rendering, progress."""

from __future__ import annotations

import json
import sys
import traceback
from contextlib import contextmanager

import click

from ..errors import SkpxlError, UsageError
from ..periods import parse_period
from .console import fits
from .i18n import Group, current_lang, option, set_lang


class OrderedGroup(Group):
    """Commands listed in the workflow's order; failures mapped to the exit-code contract.

    A :class:`~skpxl.errors.SkpxlError` becomes its message (and hint) on stderr and its
    ``exit_code``; any other exception is a bug: one line on stderr, exit 3, and the
    traceback only with ``--debug``. Like every skpxl command it runs a command line in
    the language it asks for (:meth:`skpxl.cli.i18n.Command.main`).
    """

    #: name -> "module:attribute" of commands imported only when used, so that running one
    #: command does not pay for importing every library module (openpyxl, jsonschema, ...)
    lazy: dict[str, str] = {}

    def list_commands(self, ctx):
        # the workflow's order, whichever commands were already imported (by running them)
        return [*self.lazy, *(n for n in self.commands if n not in self.lazy)]

    def get_command(self, ctx, name):
        if name not in self.commands and name in self.lazy:
            import importlib
            module, attribute = self.lazy[name].split(":")
            self.add_command(getattr(importlib.import_module(module), attribute), name)
        return self.commands.get(name)

    def make_context(self, info_name, args, parent=None, **extra):
        _ARGS[:] = list(args)     # as given: a usage error may come before --format is read
        return super().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx):
        _FORMAT["value"] = "table"   # until its --format says otherwise
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except click.ClickException as exc:   # a usage error click found, or a failure
            if _asks_json(_ARGS):
                _FORMAT["value"] = "json"   # the error may come before --format was read
            json_error(exc.format_message(), "usage" if exc.exit_code == 2 else "error",
                       exc.exit_code)
            raise
        except KeyboardInterrupt:
            message = INTERRUPTED[current_lang()]
            click.echo(message, err=True)
            json_error(message, "interrupted", 130)
            ctx.exit(130)
        except BrokenPipeError:  # output piped into head & co.: stop quietly
            sys.stderr.close()
            ctx.exit(0)
        except SkpxlError as exc:
            message, hint = exc.text(current_lang())
            click.secho(error_line(message), fg="red", err=True)
            if hint:
                click.echo(hint, err=True)
            problems = getattr(exc, "problems", None)
            json_error(message, exc.code, exc.exit_code, hint=hint, problems=[
                p.to_dict(current_lang()) for p in problems] if problems else None)
            if (ctx.obj or {}).get("debug"):
                traceback.print_exc()
            ctx.exit(exc.exit_code)
        except Exception as exc:  # noqa: BLE001 - a traceback is a bug, shown with --debug
            message = INTERNAL[current_lang()].format(error=f"{type(exc).__name__}: {exc}")
            click.secho(message, fg="red", err=True)
            click.echo(BUG[current_lang()], err=True)
            json_error(message, "internal", 3)
            if (ctx.obj or {}).get("debug"):
                traceback.print_exc()
            ctx.exit(3)


#: the first word of a failure's line on stderr
ERROR_WORD = {"id": "Kesalahan", "en": "Error"}
INTERNAL = {"id": "Kesalahan internal skpxl: {error}", "en": "Internal skpxl error: {error}"}
BUG = {"id": "Ini adalah bug. Jalankan ulang dengan --debug dan laporkan keluarannya.",
       "en": "This is a bug. Run again with --debug and report what it prints."}


def error_line(message: str) -> str:
    """``Kesalahan: message`` (``Error: message`` in English), as click words its own."""
    return f"{ERROR_WORD[current_lang()]}: {message}"


#: the one line Ctrl-C leaves (exit code 130, as shells report an interrupted program)
INTERRUPTED = {
    "id": "Dihentikan dengan Ctrl-C. File yang sudah selesai ditulis tetap utuh; jalankan "
          "perintah yang sama lagi untuk melanjutkan.",
    "en": "Stopped with Ctrl-C. Files already written are complete; run the same command "
          "again to carry on.",
}


def _asks_json(args: list[str]) -> bool:
    """``--format json`` (or ``--format=json``) among the command line's arguments."""
    return "--format=json" in args or any(a == "--format" and b == "json"
                                          for a, b in zip(args, args[1:]))


def json_error(message: str, code: str, exit_code: int, *, hint: str | None = None,
               problems: list | None = None) -> None:
    """With ``--format json``, a failure still prints one JSON object on stdout: what
    failed (``error``, ``code``, ``hint``, ``exit_code``) and the problems behind it."""
    if _FORMAT["value"] != "json":
        return
    data = {"error": message, "code": code, "hint": hint, "exit_code": exit_code}
    if problems is not None:
        data["problems"] = problems
    try:
        echo_json(data)
    except (BrokenPipeError, OSError):
        pass


class PeriodType(click.ParamType):
    name = "PERIOD"

    def get_metavar(self, param, ctx):
        return "PERIOD" if current_lang() == "en" else "PERIODE"

    def convert(self, value, param, ctx):
        try:
            period = parse_period(value)
        except UsageError as exc:
            message, hint = exc.text(current_lang())
            self.fail(f"{message} {hint or ''}".strip(), param, ctx)
        if str(value).strip() != period.kode and not (ctx and ctx.resilient_parsing):
            # the way it was typed was understood: say how, once, in the canonical code
            lang = current_lang()
            click.echo((f"Period '{value}' read as {period.kode}" if lang == "en" else
                        f"Periode '{value}' dibaca sebagai {period.kode}")
                       + f" ({period.dates(lang)}).", err=True)
        return period.kode


PERIOD = PeriodType()

#: the --format of the command being run: failures are shown as JSON on stdout too with
#: --format json
_FORMAT = {"value": "table"}
_ARGS: list[str] = []


def remember_format(ctx, param, value):
    """Callback of every ``--format`` option (eager: known before other options fail)."""
    _FORMAT["value"] = value
    return value


def format_choice(choices=("table", "json"),
                  help="Keluaran: tabel untuk dibaca, atau JSON untuk program lain.",
                  help_en="Output: a readable table, or JSON for scripts.", default="table"):
    """A ``--format`` option; ``json`` makes failures JSON too (:func:`json_error`)."""
    return option("--format", "fmt", type=click.Choice(list(choices)), default=default,
                  show_default=True, is_eager=True, callback=remember_format, help=help,
                  help_en=help_en)


format_option = format_choice()


def remember_lang(ctx, param, value):
    """Callback of every ``--lang``: the language given on the line (or in ``SKPXL_LANG``)
    rules; a command's default does not undo a ``--lang en`` given before its name."""
    source = ctx.get_parameter_source(param.name)
    if value is not None and source not in (None, click.core.ParameterSource.DEFAULT):
        set_lang(value)
    return current_lang()


def _lang_option(expose_value: bool = True):
    return option(
        "--lang", type=click.Choice(["id", "en"], case_sensitive=False), default="id",
        envvar="SKPXL_LANG", show_default=True, show_envvar=True, is_eager=True,
        callback=remember_lang, expose_value=expose_value,
        help="Bahasa pesan dan bantuan: id (Indonesia) atau en (Inggris); boleh ditulis di "
             "mana saja pada baris perintah.",
        help_en="Language of messages and help: id (Indonesian) or en (English); anywhere on "
                "the command line.")


#: ``--lang`` of a command (its function receives ``lang``); a group's takes no parameter
lang_option = _lang_option()
group_lang_option = _lang_option(expose_value=False)
jobs_option = option(
    "--jobs", "-j", type=click.IntRange(0, 256), default=0, metavar="N",
    show_default="semua inti", show_default_en="all cores",
    help="Jumlah proses yang bekerja bersamaan (0 = satu per inti prosesor, 1 = satu per "
         "satu).",
    help_en="Parallel worker processes (0 = one per core, 1 = one at a time).")


def executor_options(func):
    """``--executor`` and ``--scheduler``: where the per-file work runs."""
    func = option("--scheduler", metavar="ALAMAT", metavar_en="ADDRESS",
                  help="Alamat scheduler Dask, misalnya tcp://10.0.0.5:8786.",
                  help_en="Dask scheduler address, e.g. tcp://10.0.0.5:8786.")(func)
    return option("--executor", type=click.Choice(["local", "serial", "dask"]),
                  default="local", show_default=True,
                  help="Tempat pekerjaan per file dijalankan: local = beberapa proses di "
                       "komputer ini, serial = satu per satu, dask = klaster Dask (untuk "
                       "ribuan file; pip install 'skpxl[dask]').",
                  help_en="Where per-file work runs: local = several processes on this "
                          "computer, serial = one at a time, dask = a Dask cluster (for "
                          "thousands of files; pip install 'skpxl[dask]').")(func)


def build_executor(executor: str, jobs: int, scheduler: str | None):
    from ..executor import make_executor
    return make_executor("serial" if executor == "local" and jobs == 1 else executor, jobs,
                         scheduler)


def echo_json(data) -> None:
    """``data`` as indented JSON on stdout; characters stdout's code page lacks are written
    as ``\\u`` escapes, so that the JSON stays exact (cp1252 output on Windows)."""
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    if not fits(text):
        text = json.dumps(data, ensure_ascii=True, indent=2, default=str)
    click.echo(text)


@contextmanager
def progress_bar(label: str, enabled: bool = True):
    """Yield a ``start(total) -> advance(n)`` callable for library functions.

    A progress bar is drawn on stderr only when it is a terminal.
    """
    bars = []

    def start(total: int):
        if not enabled or total < 2 or not sys.stderr.isatty():
            return lambda n=1: None
        bar = click.progressbar(length=total, label=label, file=sys.stderr)
        bar.__enter__()
        bars.append(bar)
        return bar.update

    try:
        yield start
    finally:
        for bar in bars:
            bar.__exit__(None, None, None)


def exit_with(code: int) -> None:
    raise SystemExit(code)
