"""Indonesian by default, English with ``--lang en``: the CLI's own words and click's.

The language of a command line is decided before click parses it (:func:`lang_of`:
``--lang en`` or ``--lang=en`` anywhere on the line, else ``SKPXL_LANG``, else
Indonesian), because click reports a usage error before any option callback runs.

Click words its messages ("Missing option", "Usage:", "Show this message and exit.")
through :mod:`gettext`; :func:`install` gives its modules a ``_`` that answers from
:data:`CLICK_ID` while a skpxl command line runs in Indonesian (and from :data:`CLICK_EN` in
English, where click would print a path as a Python literal, doubling the backslashes of
``D:\\SKP``). Outside a skpxl command line click is left as it was.

Help texts are pairs, written next to the command they describe: the docstring (or
``help=``) is Indonesian and ``help_en=`` English, for commands, groups and options alike;
``metavar_en=`` and ``show_default_en=`` likewise::

    @command("generate", help_en=\"\"\"Generate one pre-filled SKP workbook ...\"\"\")
    @option("--force", is_flag=True, help="Timpa file yang sudah ada.",
            help_en="Overwrite files that already exist.")
    def generate_cmd(...):
        \"\"\"Buat satu workbook SKP terisi untuk setiap pegawai ...\"\"\"

Reading ``command.help`` (or an option's ``help``, ``metavar``...) gives the text of the
language being spoken, so click's own help formatting needs no change.
"""

from __future__ import annotations

import inspect
import os
from contextlib import contextmanager

import click

LANGS = ("id", "en")
#: the environment variable scripts set for English (``SKPXL_LANG=en``)
ENV = "SKPXL_LANG"

#: the language of the skpxl command line being run; None outside one
_STATE: dict[str, str | None] = {"lang": None}


def lang_of(args, environ=None) -> str:
    """The language a command line asks for: its last ``--lang X`` / ``--lang=X`` (before a
    ``--``), else ``SKPXL_LANG``; English only when that says ``en``, else Indonesian."""
    chosen = None
    args = list(args)
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            chosen = args[i + 1]
        elif arg.startswith("--lang="):
            chosen = arg.partition("=")[2]
    if chosen is None:
        chosen = (os.environ if environ is None else environ).get(ENV, "")
    return "en" if chosen.strip().lower() == "en" else "id"


def current_lang() -> str:
    """``"id"`` or ``"en"``: the language messages and help are shown in."""
    return _STATE["lang"] or "id"


def set_lang(lang: str) -> None:
    _STATE["lang"] = "en" if lang == "en" else "id"


@contextmanager
def speaking(lang: str):
    """Run a command line in ``lang``; the language before it comes back afterwards."""
    before = _STATE["lang"]
    set_lang(lang)
    try:
        yield
    finally:
        _STATE["lang"] = before


# --- click's own messages ------------------------------------------------------------------

#: click's messages in Indonesian, by their English text (click's gettext message ids).
#: Paths are quoted as typed ('{filename}', never {filename!r}).
CLICK_ID = {
    "Usage:": "Cara pakai:",
    "Options": "Pilihan",
    "Commands": "Perintah",
    "Positional arguments": "Argumen",
    "Show this message and exit.": "Tampilkan bantuan ini lalu keluar.",
    "Show the version and exit.": "Tampilkan versi lalu keluar.",
    "%(prog)s, version %(version)s": "%(prog)s, versi %(version)s",
    "Error: {message}": "Kesalahan: {message}",
    "Try '{command} {option}' for help.": "Ketik '{command} {option}' untuk bantuan.",
    "Aborted!": "Dibatalkan.",
    "Missing command.": "Nama perintah belum ditulis.",
    "No such command {name!r}.": "Tidak ada perintah {name!r}.",
    "No such option {name!r}.": "Tidak ada pilihan {name!r}.",
    "Missing argument": "Kurang argumen wajib",
    "Missing option": "Kurang pilihan wajib",
    "Missing parameter": "Kurang parameter wajib",
    "Missing {param_type}": "Kurang {param_type} wajib",
    "Missing parameter: {param_name}": "Kurang parameter wajib: {param_name}",
    "Invalid value for {param_hint}: {message}": "Nilai tidak sah untuk {param_hint}: {message}",
    "Invalid value: {message}": "Nilai tidak sah: {message}",
    "Option {name!r} does not take a value.": "Pilihan {name!r} tidak memakai nilai.",
    "Argument {name!r} takes {nargs} values.": "Argumen {name!r} memerlukan {nargs} nilai.",
    "Invalid start character for option ({option})": "Awal pilihan tidak sah ({option})",
    "Value must be an iterable.": "Nilainya harus berupa daftar.",
    "default: {default}": "bawaan: {default}",
    "required": "wajib",
    "env var: {var}": "variabel lingkungan: {var}",
    "(dynamic)": "(dihitung saat dijalankan)",
    "deprecated": "usang",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}":
        "Peringatan: perintah {name!r} sudah usang.{extra_message}",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}":
        "Peringatan: {param_type} {name!r} sudah usang.{extra_message}",
    "Choose from:\n\t{choices}": "Pilih salah satu:\n\t{choices}",
    "{value} is not in the range {range}.": "{value} di luar rentang {range}.",
    "{value!r} is not a valid {number_type}.": "{value!r} bukan angka yang sah.",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "{value!r} bukan nilai ya/tidak yang sah. Nilai yang dikenal: {states}",
    "{value!r} is not a valid UUID.": "{value!r} bukan UUID yang sah.",
    "{name} {filename!r} does not exist.": "'{filename}' tidak ditemukan.",
    "{name} {filename!r} is a file.": "'{filename}' adalah file, bukan folder.",
    "{name} {filename!r} is a directory.": "'{filename}' adalah folder, bukan file.",
    "{name} {filename!r} is not readable.": "'{filename}' tidak bisa dibaca.",
    "{name} {filename!r} is not writable.": "'{filename}' tidak bisa ditulis.",
    "{name} {filename!r} is not executable.": "'{filename}' tidak bisa dijalankan.",
    "Could not open file {filename!r}: {message}": "File '{filename}' tidak bisa dibuka: {message}",
    "unknown error": "kesalahan tidak dikenal",
    "Do you want to continue?": "Lanjutkan?",
    "Confirm the action without prompting.": "Lakukan tanpa bertanya dulu.",
    "Repeat for confirmation": "Ulangi untuk memastikan",
    "Error: The two entered values do not match.": "Kesalahan: kedua isian tidak sama.",
    "Error: invalid input": "Kesalahan: isian tidak sah",
    "Press any key to continue...": "Tekan tombol apa saja untuk melanjutkan...",
}

#: click's messages that have a plural form: (singular, plural) -> Indonesian (singular, plural)
CLICK_ID_PLURAL = {
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"):
        ("Maksud Anda {possibility}?", "(Maksud Anda salah satu dari: {possibilities}?)"),
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"):
        ("Ada argumen yang tidak diharapkan ({args})",
         "Ada argumen yang tidak diharapkan ({args})"),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."):
        ("Pilihan {name!r} perlu diberi nilai.", "Pilihan {name!r} perlu diberi {nargs} nilai."),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."):
        ("Memerlukan {nargs} nilai, tetapi hanya 1 yang diberikan.",
         "Memerlukan {nargs} nilai, tetapi {len} yang diberikan."),
    ("{len_type} values are required, but {len_value} was given.",
     "{len_type} values are required, but {len_value} were given."):
        ("Perlu {len_type} nilai, tetapi {len_value} yang diberikan.",
         "Perlu {len_type} nilai, tetapi {len_value} yang diberikan."),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."):
        ("{value!r} bukan {choice}.", "{value!r} bukan salah satu dari {choices}."),
    ("{value!r} does not match the format {format}.",
     "{value!r} does not match the formats {formats}."):
        ("{value!r} tidak sesuai format {format}.",
         "{value!r} tidak sesuai format mana pun dari {formats}."),
}

#: English messages reworded so that a path shows as it was typed
CLICK_EN = {
    "{name} {filename!r} does not exist.": "{name} '{filename}' does not exist.",
    "{name} {filename!r} is a file.": "{name} '{filename}' is a file.",
    "{name} {filename!r} is a directory.": "{name} '{filename}' is a directory.",
    "{name} {filename!r} is not readable.": "{name} '{filename}' is not readable.",
    "{name} {filename!r} is not writable.": "{name} '{filename}' is not writable.",
    "{name} {filename!r} is not executable.": "{name} '{filename}' is not executable.",
    "Could not open file {filename!r}: {message}": "Could not open file '{filename}': {message}",
}

#: click's message ids a skpxl user never reads, left untranslated: mistakes in a program's
#: declarations, features skpxl does not use (editor, colours, shell completion, Windows
#: console internals), and the type names "file", "directory", "path" (skpxl gives every
#: parameter its metavar, and the Indonesian messages above do not use them)
CLICK_NOT_SHOWN = {
    "Could not determine name for option with declarations {decls!r}",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument "
    "instead? Did you mean to pass '--{name}'?",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.",
    "Name '{name}' defined twice",
    "Boolean option {decl!r} cannot use the same flag for true/false.",
    "Choice({choices})", "Unknown color {colour!r}", "Unknown standard stream '{name}'",
    "{editor}: Editing failed", "{editor}: Editing failed: {e}", "Windows error: {error}",
    "Couldn't detect Bash version, shell completion is not supported.",
    "Shell completion is not supported for Bash versions older than 4.4.",
    "file", "directory", "path",
}


def _gettext(message: str) -> str:
    lang = _STATE["lang"]
    if lang == "id":
        return CLICK_ID.get(message, message)
    if lang == "en":
        return CLICK_EN.get(message, message)
    return message


def _ngettext(singular: str, plural: str, n: int) -> str:
    if _STATE["lang"] == "id" and (singular, plural) in CLICK_ID_PLURAL:
        return CLICK_ID_PLURAL[singular, plural][0 if n == 1 else 1]
    return singular if n == 1 else plural


#: the click modules that word messages through gettext
CLICK_MODULES = ("core", "exceptions", "parser", "types", "decorators", "formatting",
                 "termui", "utils", "_termui_impl")


def install() -> None:
    """Give click's modules skpxl's ``_`` and ``ngettext`` (see the module's docstring)."""
    import importlib
    for name in CLICK_MODULES:
        try:
            module = importlib.import_module(f"click.{name}")
        except ImportError:   # a module an older or newer click does not have
            continue
        if hasattr(module, "_"):
            module._ = _gettext
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext


install()


# --- help in two languages ------------------------------------------------------------------

class Bilingual:
    """An attribute with an Indonesian and an English value. Click sets the Indonesian one
    (``help=``, the docstring); :func:`give` the English one; reading gives the value of
    :func:`current_lang` (the Indonesian one where no English was given)."""

    def __set_name__(self, owner, name: str) -> None:
        self.key = f"_bilingual_{name}"

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        indonesian, english = obj.__dict__.get(self.key, (None, None))
        return english if current_lang() == "en" and english is not None else indonesian

    def __set__(self, obj, value) -> None:
        obj.__dict__[self.key] = (value, obj.__dict__.get(self.key, (None, None))[1])


def give(obj, name: str, english) -> None:
    """Set the English value of ``obj``'s bilingual attribute ``name``."""
    key = f"_bilingual_{name}"
    obj.__dict__[key] = (obj.__dict__.get(key, (None, None))[0], english)


def both(obj, name: str) -> tuple:
    """``(indonesian, english)`` of ``obj``'s bilingual attribute ``name``."""
    return obj.__dict__.get(f"_bilingual_{name}", (None, None))


#: the help of ``-h/--help`` (click words it once and keeps the option; skpxl rewords it)
HELP_OPTION = {"id": "Tampilkan bantuan ini lalu keluar.", "en": "Show this message and exit."}


class _BilingualCommand:
    help = Bilingual()
    short_help = Bilingual()
    epilog = Bilingual()
    options_metavar = Bilingual()

    def __init__(self, *args, help_en: str | None = None, short_help_en: str | None = None,
                 epilog_en: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        give(self, "help", inspect.cleandoc(help_en) if help_en else None)
        give(self, "short_help", short_help_en)
        give(self, "epilog", epilog_en)
        if self.options_metavar == "[OPTIONS]":
            self.options_metavar = "[PILIHAN]"
            give(self, "options_metavar", "[OPTIONS]")

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True,
             **extra):
        """Run a command line in the language it asks for (:func:`lang_of`), on output
        streams that cannot crash on a character their code page lacks."""
        import sys
        from .console import prepare_streams
        prepare_streams()
        # args stay None when not given: click then reads sys.argv and, on Windows, expands
        # wildcards (rekap\\*.xlsx) that cmd.exe leaves to the program
        with speaking(lang_of(sys.argv[1:] if args is None else args)):
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)

    def get_help_option(self, ctx):
        cached = self._help_option
        if cached is not None and set(cached.opts) != set(self.get_help_option_names(ctx)):
            self._help_option = None   # first asked in a context with other help names
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION[current_lang()]
        return option


class Command(_BilingualCommand, click.Command):
    """A command whose help is Indonesian (docstring) and English (``help_en=``)."""


class Group(_BilingualCommand, click.Group):
    """A group of bilingual commands (its sub-commands and sub-groups are too)."""

    command_class = Command
    group_class = type   # a sub-group is of the group's own class
    subcommand_metavar = Bilingual()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.subcommand_metavar == "COMMAND [ARGS]...":
            self.subcommand_metavar = "PERINTAH [ARGUMEN]..."
            give(self, "subcommand_metavar", "COMMAND [ARGS]...")


class Option(click.Option):
    """An option whose ``help``, ``metavar`` and ``show_default`` text come in Indonesian and
    English (``help_en=``, ``metavar_en=``, ``show_default_en=``)."""

    help = Bilingual()
    metavar = Bilingual()
    show_default = Bilingual()

    def __init__(self, *decls, help_en: str | None = None, metavar_en: str | None = None,
                 show_default_en: str | None = None, **kwargs):
        super().__init__(*decls, **kwargs)
        give(self, "help", inspect.cleandoc(help_en) if help_en else None)
        give(self, "metavar", metavar_en)
        give(self, "show_default", show_default_en)


class Argument(click.Argument):
    """An argument whose ``metavar`` comes in Indonesian and English (``metavar_en=``)."""

    metavar = Bilingual()

    def __init__(self, *decls, metavar_en: str | None = None, **kwargs):
        super().__init__(*decls, **kwargs)
        give(self, "metavar", metavar_en)


def command(name=None, **attrs):
    """``click.command`` of a :class:`Command` (Indonesian docstring, ``help_en=``)."""
    return click.command(name, cls=Command, **attrs)


def group(name=None, **attrs):
    """``click.group`` of a :class:`Group`."""
    return click.group(name, cls=attrs.pop("cls", Group), **attrs)


def option(*decls, **attrs):
    """``click.option`` of an :class:`Option` (``help=`` Indonesian, ``help_en=`` English)."""
    return click.option(*decls, cls=Option, **attrs)


def argument(*decls, **attrs):
    """``click.argument`` of an :class:`Argument` (``metavar=`` and ``metavar_en=``)."""
    return click.argument(*decls, cls=Argument, **attrs)
