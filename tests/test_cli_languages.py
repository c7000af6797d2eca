"""Everything the command line says is Indonesian by default and English with --lang en.

Every command's ``--help`` and every kind of usage error click can raise for it (unknown
option, bad choice, number out of range, missing value, value given to a flag, missing
option, missing argument, path not found, folder where a file belongs, extra argument,
wrong date, wrong period, unknown command) are run in both languages, English asked for
in each of the three ways (``--lang en`` at the end, before the command name, and
``SKPXL_LANG=en``). The output may not hold English words when Indonesian is spoken, nor
Indonesian words in English.

How far this goes: the words checked are two lists of common function words and the words
of skpxl's and click's own messages (:data:`ENGLISH`, :data:`INDONESIAN`), not a
dictionary; an English noun missing from the list passes unseen. Left out before checking:
the example lines (``skpxl ...``), option names, quoted text ('2025-Q5', 'Tidak Valid'),
choice lists ([table|json]), words in capitals (metavars, SKP, NIP), anything with a digit,
dot, slash or hyphen (files, folders, codes), and the domain terms of :data:`DOMAIN`, which
stay as users say them in both languages.
"""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from skpxl.cli import cli
from skpxl.cli.i18n import (CLICK_ID, CLICK_ID_PLURAL, CLICK_NOT_SHOWN, Argument, _gettext,
                            lang_of, speaking)

ROOT = Path(__file__).resolve().parent.parent

#: English words an Indonesian screen must not show
ENGLISH = set("""
the and of to with for is are be not or when this that from into each every show exit message
error errors usage options option commands command missing invalid value values such default
required write written read check checked skipped failed failure warning warnings files
employee employees output report reports period try help got unexpected extra argument
arguments does exist exists no yes one all only must can cannot will was were has have which
where what how use used run see also than more less new same other its their your you it if
else then by on at in as an a there here given choose from found folder's done made marked
copies copy quarter year month language english indonesian scripts readable
""".split())
#: Indonesian words an English screen must not show
INDONESIAN = set("""
yang dan untuk dengan tidak atau dari ke di ini itu pegawai berkas setiap bila sudah belum
tampilkan pilihan perintah wajib bawaan kesalahan periksa buat satu bantuan keluar lalu ada
harus bisa dibuat ditulis dilewati gagal peringatan catatan laporan daftar sah salah baris
nilai cara pakai ketik dalam juga misalnya bukan akan pada oleh sebagai saja semua inti
proses keluaran bahasa inggris periode triwulan tahun bulan maksud argumen diberi memakai
dikenali gunakan boleh rentang luar ditemukan adalah lain sebelumnya hanya atas bawah
""".split())
#: domain terms kept as users say them, in either language (removed before checking)
DOMAIN = ["lembar konversi predikat kinerja ke angka kredit", "lembar akumulasi angka kredit",
          "Penetapan Angka Kredit", "pejabat penilai kinerja", "pejabat penilai",
          "atasan penilai", "angka kredit", "jabatan fungsional", "daftar pegawai", "AK awal",
          "PAK integrasi", "Nomor PAK", "Catatan Validasi", "Rekap Pegawai", "Hasil Kerja",
          "Belum Mengumpulkan", "Belum Lengkap", "Triwulan", "Tidak Valid", "Lampiran SKP", "Dokumen Evaluasi", "Ringkasan",
          "Perilaku", "Duplikat", "Evaluasi", "Sangat Baik", "Butuh Perbaikan",
          "Kurang/Misconduct", "Sangat Kurang", "Bawaslu Jawa Timur", "Bawaslu Provinsi Jawa "
          "Timur", "kenaikan pangkat", "Tanggal", "Kota Batu", "SE MenPANRB", "PermenPANRB",
          "PerBKN", "Dask", "LibreOffice", "Excel", "xlwings", "Python", "Windows", "macOS",
          "Linux", "poppler", "pdftoppm", "instansi", "penandatangan", "unit"]


# --- every command, every kind of usage error ------------------------------------------------

def walk(command: click.Command, path=()):
    yield path, command
    if isinstance(command, click.Group):
        ctx = click.Context(command, info_name="skpxl")
        for name in command.list_commands(ctx):
            yield from walk(command.get_command(ctx, name), (*path, name))


COMMANDS = list(walk(cli))
LEAVES = [(path, cmd) for path, cmd in COMMANDS if not isinstance(cmd, click.Group)]
NAMES = sorted({path[-1] for path, _ in COMMANDS if path}, key=len, reverse=True)


def words(text: str) -> set[str]:
    """The words of ``text`` that say something in one language (see the module's doc)."""
    kept = [line for line in text.splitlines()
            if not line.strip().startswith(("skpxl ", "$ ", "skpxl\t"))]
    text = "\n".join(kept)
    # the command's name in the usage line, and each command's name in a group's list
    text = re.sub(r"^((?:Cara pakai|Usage):) skpxl(?: [a-z-]+)*", r"\1", text, flags=re.M)
    text = re.sub(rf"^  ({'|'.join(map(re.escape, NAMES))})  ", "  ", text, flags=re.M)
    text = re.sub(r"\b(bawaan|default): [^\s;\]]+(?=[;\]])", r"\1:", text)  # a value
    text = re.sub(r"\s+", " ", text)   # a domain term may be wrapped over two lines
    text = re.sub(r"(?<![A-Za-z])'[^']*?'(?![A-Za-z])|\"[^\"]*\"", " ", text)
    text = re.sub(r"\[[^\]]*\|[^\]]*\]", " ", text)
    for phrase in sorted(DOMAIN, key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(phrase)}\b", " ", text, flags=re.I)
    found = set()
    for token in text.split():
        token = token.strip(".,;:()[]!?")
        if re.fullmatch(r"[A-Za-z]+", token) and not token.isupper():
            found.add(token.lower())
    return found


def foreign(text: str, lang: str) -> set[str]:
    """Words of the other language in ``text``, shown in ``lang``."""
    return words(text) & (ENGLISH if lang == "id" else INDONESIAN)


@pytest.fixture(scope="module")
def things(tmp_path_factory) -> dict[str, str]:
    base = tmp_path_factory.mktemp("things")
    (base / "folder").mkdir()
    (base / "file.xlsx").write_bytes(b"not read: click fails before the command runs")
    return {"file": str(base / "file.xlsx"), "folder": str(base / "folder"),
            "missing": str(base / "tidak" / "ada.xlsx"), "new": str(base / "baru")}


def good_value(param: click.Parameter, things: dict[str, str]) -> str:
    """A value click accepts for ``param`` (the error under test is elsewhere)."""
    kind = param.type
    if isinstance(kind, click.Path):
        if not kind.exists:
            return things["new"]
        return things["folder"] if not kind.file_okay else things["file"]
    if isinstance(kind, click.Choice):
        return str(kind.choices[0])
    if isinstance(kind, click.DateTime):
        return "2025-12-31"
    if getattr(kind, "name", "") == "PERIOD":
        return "2025-Q3"
    if isinstance(kind, (click.IntRange, type(click.INT))):
        return "1"
    return "sesuatu"


def required_args(command: click.Command, things, *, leave_out=None) -> list[str]:
    """Values for every required parameter of ``command`` but ``leave_out``."""
    args = []
    for param in command.params:
        if param is leave_out or not param.required:
            continue
        if isinstance(param, click.Argument):
            args.append(good_value(param, things))
        else:
            args += [param.opts[0], good_value(param, things)]
    return args


def error_cases(path, command, things):
    """(name, args) of every usage error click can raise for ``command``."""
    base = required_args(command, things)
    yield "no such option", [*path, "--tidak-ada", *base]
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            opt = param.opts[0]
            rest = required_args(command, things, leave_out=param)
            if param.is_flag:
                if opt.startswith("--"):
                    yield f"{opt} given a value", [*path, *rest, f"{opt}=ya"]
                continue
            yield f"{opt} without its value", [*path, *rest, opt]
            if param.required:
                yield f"{opt} missing", [*path, *rest]
            bad = bad_value(param, things)
            if bad is not None:
                yield f"{opt} {bad}", [*path, *rest, opt, bad]
        elif isinstance(param, click.Argument):
            rest = required_args(command, things, leave_out=param)
            if param.required:
                yield f"{param.name} missing", [*path, *rest]
            bad = bad_value(param, things)
            if bad is not None:
                yield f"{param.name} {bad}", [*path, *rest, bad]
    if not any(isinstance(p, click.Argument) and p.nargs == -1 for p in command.params):
        every = [good_value(p, things) for p in command.params if isinstance(p, click.Argument)]
        yield "extra argument", [*path, *every, *base[len(every):], "lebih"]


def bad_value(param: click.Parameter, things) -> str | None:
    kind = param.type
    if isinstance(kind, click.Path):
        if kind.exists:
            return things["missing"]
        if not kind.dir_okay:
            return things["folder"]
        if not kind.file_okay:
            return things["file"]
        return None
    if isinstance(kind, click.Choice):
        return "bukan-pilihan"
    if isinstance(kind, click.IntRange):
        return str(kind.max + 1 if kind.max is not None else kind.min - 1)
    if isinstance(kind, click.DateTime):
        return "31/12/2025"
    if getattr(kind, "name", "") == "PERIOD":
        return "2025-Q5"
    return None


def all_cases(things):
    cases = [("no command", []), ("unknown command", ["tidak-ada"])]
    for path, command in COMMANDS:
        if isinstance(command, click.Group) and path:
            cases += [(f"{' '.join(path)} unknown command", [*path, "tidak-ada"])]
        cases += [(f"{' '.join(path)}: {name}", args)
                  for name, args in error_cases(path, command, things)]
    return cases


#: ways to ask for English, used in turn
ENGLISH_WAYS = ("--lang en at the end", "--lang en first", "SKPXL_LANG=en")


def run(args: list[str], lang: str, way: int = 0):
    env = {"SKPXL_LANG": None}
    if lang == "en":
        how = ENGLISH_WAYS[way % len(ENGLISH_WAYS)]
        if how.endswith("at the end"):
            args = [*args, "--lang", "en"]
        elif how.endswith("first"):
            args = ["--lang", "en", *args]
        else:
            env["SKPXL_LANG"] = "en"
    return CliRunner().invoke(cli, args, prog_name="skpxl", env=env)


@pytest.fixture(autouse=True)
def elsewhere(tmp_path, monkeypatch):
    """Run in an empty folder: a case that ran a command by mistake writes there only."""
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_usage_error_speaks_one_language(things, lang):
    seen = []
    for way, (name, args) in enumerate(all_cases(things)):
        if lang == "en" and "--lang" in args:
            continue   # a wrong --lang is answered in the default language, Indonesian
        result = run(args, lang, way)
        assert result.exit_code == 2, f"{name}: {args} -> {result.exit_code}\n{result.output}"
        assert "Traceback" not in result.output, name
        wrong = foreign(result.output, lang)
        assert not wrong, f"{name} ({lang}): {sorted(wrong)} in\n{result.output}"
        seen.append(result.output)
    text = "\n".join(seen)
    # every kind of message was reached, and worded in the language asked for
    expected = {
        "id": ["Cara pakai:", "Kesalahan:", "Tidak ada pilihan", "bukan salah satu dari",
               "di luar rentang", "perlu diberi nilai", "tidak memakai nilai",
               "Kurang pilihan wajib", "Kurang argumen wajib", "tidak ditemukan",
               "adalah folder, bukan file", "adalah file, bukan folder",
               "Ada argumen yang tidak diharapkan", "tidak sesuai format",
               "Tidak ada perintah", "tidak dikenali", "untuk bantuan"],
        "en": ["Usage:", "Error:", "No such option", "is not one of", "is not in the range",
               "requires an argument", "does not take a value", "Missing option",
               "Missing argument", "does not exist", "is a directory", "is a file",
               "Got unexpected extra argument", "does not match the format",
               "No such command", "is not recognised", "for help"]}[lang]
    missing = [phrase for phrase in expected if phrase not in text]
    assert not missing, f"never shown in {lang}: {missing}"


@pytest.mark.parametrize("path,command", COMMANDS, ids=[" ".join(p) or "skpxl"
                                                        for p, _ in COMMANDS])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_help_speaks_one_language(path, command, lang):
    for way in range(len(ENGLISH_WAYS) if lang == "en" else 1):
        result = run([*path, "--help"], lang, way)
        assert result.exit_code == 0, result.output
        heading = "Cara pakai:" if lang == "id" else "Usage:"
        assert result.output.startswith(heading), result.output[:80]
        wrong = foreign(result.output, lang)
        assert not wrong, f"{' '.join(path)} --help ({lang}): {sorted(wrong)}\n{result.output}"


def test_the_word_lists_catch_what_they_should():
    """The check itself can fail: click's English and an Indonesian sentence are caught."""
    assert foreign("Error: Missing option '--output' / '-o'.", "id") == {"error", "missing",
                                                                         "option"}
    assert foreign("Kesalahan: Kurang pilihan wajib '--output' / '-o'.", "en") == {
        "kesalahan", "pilihan", "wajib"}
    assert not foreign("  skpxl validate kembali/ --period 2025-Q3", "id")
    assert not foreign("sheet 'Tidak Valid' and Rekap Pegawai", "en")


# --- click's messages ------------------------------------------------------------------------

def _click_messages() -> set:
    """Every message id click words through gettext (its sources, read as code)."""
    import ast
    root = Path(click.__file__).parent
    found = set()
    for source in root.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text("utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None)
                    in ("_", "ngettext")):
                continue
            texts = [a.value for a in node.args[:2] if isinstance(a, ast.Constant)]
            if node.func.id == "ngettext" and len(texts) == 2:
                found.add(tuple(texts))
            elif node.func.id == "_" and texts:
                found.add(texts[0])
    return found


def test_every_message_of_click_is_translated_or_never_shown():
    """A new click that words a new message fails here until it is translated."""
    messages = _click_messages()
    assert "Missing option" in messages and "Usage:" in messages
    untranslated = {m for m in messages if m not in CLICK_ID and m not in CLICK_ID_PLURAL
                    and m not in CLICK_NOT_SHOWN and m not in ("", "d")}
    assert not untranslated, sorted(map(str, untranslated))
    for message, indonesian in CLICK_ID.items():
        fields = set(re.findall(r"\{(\w+)", message)) - {"name"}
        assert set(re.findall(r"\{(\w+)", indonesian)) <= fields | {"name"}, message


def test_aborted_and_interrupted_are_indonesian():
    from skpxl.cli.common import INTERRUPTED
    with speaking("id"):
        assert _gettext("Aborted!") == "Dibatalkan."
    with speaking("en"):
        assert _gettext("Aborted!") == "Aborted!"
    assert "Ctrl-C" in INTERRUPTED["id"] and not foreign(INTERRUPTED["id"], "id")
    assert not foreign(INTERRUPTED["en"], "en")


def test_click_is_left_alone_outside_skpxl():
    """A program that uses click beside skpxl keeps click's own English."""
    @click.command()
    @click.option("--n", type=int, required=True)
    def other(n):
        pass
    result = CliRunner().invoke(other, [])
    assert "Missing option '--n'" in result.output and "Kesalahan" not in result.output


@pytest.mark.parametrize("args,lang", [
    (["validate", "x", "--lang", "en"], "en"), (["--lang", "en", "validate"], "en"),
    (["validate", "--lang=en"], "en"), (["validate", "--lang", "EN"], "en"),
    (["validate", "--lang", "id"], "id"), (["validate"], "id"),
    (["validate", "--", "--lang", "en"], "id")])
def test_the_language_is_read_before_click_parses(args, lang):
    assert lang_of(args, environ={}) == lang


@pytest.mark.parametrize("environ,args,lang", [
    ({"SKPXL_LANG": "en"}, [], "en"), ({"SKPXL_LANG": "en"}, ["--lang", "id"], "id"),
    ({"SKPXL_LANG": "fr"}, [], "id")])
def test_the_environment_variable_for_scripts(environ, args, lang):
    assert lang_of(args, environ=environ) == lang


def test_lang_before_the_command_reaches_its_output(tmp_path):
    """``skpxl --lang en validate`` renders in English though validate's own --lang is not
    given (its default must not switch back to Indonesian)."""
    result = CliRunner().invoke(cli, ["--lang", "en", "validate", str(tmp_path)],
                                env={"SKPXL_LANG": None})
    assert result.exit_code == 0, result.output
    assert result.output.strip() == ("0 files: 0 valid, 0 with errors (0 errors, 0 warnings); "
                                     "0 skipped.")


def test_paths_show_as_typed(tmp_path):
    """A Windows path is quoted as typed (click would double its backslashes)."""
    typed = "D:\\SKP\\2025-TW3\\pegawai.xlsx"
    for lang, words_ in (("id", "tidak ditemukan"), ("en", "does not exist")):
        result = CliRunner().invoke(cli, ["roster", "check", typed, "--lang", lang])
        assert result.exit_code == 2
        assert f"'{typed}' {words_}" in result.output, result.output
        assert "\\\\" not in result.output


def test_every_parameter_is_bilingual():
    """Options and arguments are skpxl's (help and metavar in both languages)."""
    plain = [(" ".join(path), p.name) for path, command in COMMANDS for p in command.params
             if isinstance(p, click.Argument) and not isinstance(p, Argument)]
    assert not plain, plain
