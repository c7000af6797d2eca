"""The documentation cannot drift from the code.

* docs/cli.md, docs/perintah.md and docs/problems.md are regenerated in memory and compared
  with the committed copies (fix: ``python tools/gen_cli_docs.py``);
* every command and option has help text in Indonesian and English, every command an
  example block (``Contoh:``, ``Example:``);
* every ``skpxl ...`` command quoted in README.md and docs/panduan.md exists.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import shlex
from pathlib import Path

import click
import pytest

from skpxl.cli import cli
from skpxl.cli.i18n import Argument, Option, both

ROOT = Path(__file__).resolve().parent.parent
FIX = "regenerate with: python tools/gen_cli_docs.py"


def _load_tool():
    path = ROOT / "tools" / "gen_cli_docs.py"
    spec = importlib.util.spec_from_file_location("gen_cli_docs", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen = _load_tool()
COMMANDS = list(gen.walk(cli))
LEAVES = [(path, cmd) for path, cmd in COMMANDS if not isinstance(cmd, click.Group)]


def _ids(items):
    return [" ".join(path) for path, _ in items]


@pytest.mark.parametrize("name,lang", [("cli.md", "en"), ("perintah.md", "id")])
def test_cli_reference_is_current(name, lang):
    committed = (ROOT / "docs" / name).read_text("utf-8")
    assert committed == gen.render_cli(lang), f"docs/{name} is stale; {FIX}"


def test_problem_catalogue_is_current():
    committed = (ROOT / "docs" / "problems.md").read_text("utf-8")
    assert committed == gen.render_problems(), f"docs/problems.md is stale; {FIX}"


def test_problem_catalogue_lists_every_code():
    text = (ROOT / "docs" / "problems.md").read_text("utf-8")
    for code in gen.load_catalog():
        assert f"`{code}`" in text


@pytest.mark.parametrize("name", ["cli.md", "perintah.md"])
def test_the_reference_covers_every_command(name):
    text = (ROOT / "docs" / name).read_text("utf-8")
    for path, _ in COMMANDS:
        assert f"\n## {' '.join(path)}\n" in text


@pytest.mark.parametrize("path,command", COMMANDS, ids=_ids(COMMANDS))
def test_every_command_has_help_in_both_languages(path, command):
    indonesian, english = both(command, "help")
    assert (indonesian or "").strip(), f"{' '.join(path)} has no help text (docstring)"
    assert (english or "").strip(), f"{' '.join(path)} has no English help (help_en=)"
    assert command.get_short_help_str().strip()


#: the heading of the example block in each language
EXAMPLE = {"id": "Contoh", "en": "Example"}


@pytest.mark.parametrize("path,command", LEAVES, ids=_ids(LEAVES))
def test_every_command_has_an_example(path, command):
    for text, lang in zip(both(command, "help"), ("id", "en")):
        match = re.search(rf"^\s*{EXAMPLE[lang]}:\s*$", text or "", re.M)
        assert match, f"{' '.join(path)}: the {lang} help needs an '{EXAMPLE[lang]}:' block"
        after = text[match.end():]
        assert re.search(rf"^\s+{re.escape(' '.join(path))}\b", after, re.M), \
            f"{' '.join(path)}: the example block should show the command itself"


@pytest.mark.parametrize("path,command", COMMANDS, ids=_ids(COMMANDS))
def test_every_option_has_help_in_both_languages(path, command):
    """Options are :class:`skpxl.cli.i18n.Option` with ``help=`` (Indonesian) and
    ``help_en=`` (English); arguments are :class:`~skpxl.cli.i18n.Argument`."""
    options = [p for p in command.params if isinstance(p, click.Option) and not p.hidden]
    missing = [p.opts[0] for p in options if not all(t and t.strip() for t in both(p, "help"))]
    assert not missing, f"{' '.join(path)}: options without help in both languages: {missing}"
    plain = [p.name for p in command.params if not isinstance(p, (Option, Argument))]
    assert not plain, f"{' '.join(path)}: use skpxl.cli.i18n.option/argument for {plain}"


def _quoted_commands(text: str) -> list[list[str]]:
    """``skpxl ...`` lines inside fenced code blocks (``$ `` prompts allowed)."""
    out = []
    for block in re.findall(r"```[a-z]*\n(.*?)```", text, re.S):
        for line in block.splitlines():
            line = line.strip().removeprefix("$ ").strip()
            if line.startswith("skpxl ") or line == "skpxl":
                words = shlex.split(line.split(" #")[0].split(" |")[0].split(" >")[0])
                out.append(words[1:])
    return out


@pytest.mark.parametrize("name", ["README.md", "docs/panduan.md"])
def test_quoted_commands_exist(name):
    path = ROOT / name
    if not path.exists():
        pytest.fail(f"{name} is missing")
    known = {path[1:] for path, _ in COMMANDS}
    quoted = _quoted_commands(path.read_text("utf-8"))
    assert quoted, f"{name} quotes no skpxl command"
    for words in quoted:
        names = tuple(w for w in words if not w.startswith("-"))
        # the longest prefix of plain words that is a command; arguments follow it
        best = max((len(k) for k in known if names[:len(k)] == k), default=-1)
        assert best > 0 or not names or names[0] in ("--help", "--version"), \
            f"{name}: 'skpxl {' '.join(words)}' is not a skpxl command"
        command = dict((p[1:], c) for p, c in COMMANDS)[names[:best]] if best > 0 else cli
        options = {opt for p in command.params if isinstance(p, click.Option)
                   for opt in p.opts + p.secondary_opts} | {"--help", "-h"}
        for word in words:
            if word.startswith("-") and not re.fullmatch(r"-\d.*", word):
                assert word.split("=")[0] in options, \
                    f"{name}: 'skpxl {' '.join(words)}': unknown option {word}"


#: the hand-written docs (README, the officer's guide, the engine and scaling notes) and the
#: problem catalogue, whose rule texts are written by hand beside the code
HAND_WRITTEN = ["README.md", "docs/panduan.md", "docs/engines.md", "docs/scaling.md",
                "docs/problems.md"]
#: options of other programs that the docs quote inline
FOREIGN_OPTIONS = {"--convert-to": "soffice (LibreOffice)", "--upgrade": "pip install",
                   "--resaved": "benchmarks/run"}


def _catalog() -> dict:
    from skpxl.problems import CATALOG
    gen.load_catalog()        # imports every module that defines codes
    return CATALOG


def _quoted(name: str) -> list[str]:
    """Inline code spans of a doc (fenced blocks left out)."""
    text = re.sub(r"```.*?```", "", (ROOT / name).read_text("utf-8"), flags=re.S)
    return re.findall(r"`([^`\n]+)`", text)


@pytest.mark.parametrize("name", HAND_WRITTEN)
def test_documented_codes_are_defined(name):
    """Every problem code a doc quotes (``skp.rating_missing``, ``file.*``) exists."""
    catalog = _catalog()
    prefixes = {code.split(".")[0] for code in catalog}
    quoted = [span for span in _quoted(name)
              if re.fullmatch(r"[a-z]+\.(\*|[a-z_]+)", span) and span.split(".")[0] in prefixes]
    for code in quoted:
        if code.endswith(".*"):
            assert any(c.startswith(code[:-1]) for c in catalog), f"{name}: {code}"
        else:
            assert code in catalog, f"{name}: `{code}` is not a problem code"


def test_the_guide_s_code_table_says_which_are_warnings():
    """docs/panduan.md's table of codes marks warnings '(peringatan)': each row agrees
    with the catalogue (a row without the mark lists errors only)."""
    catalog = _catalog()
    text = (ROOT / "docs" / "panduan.md").read_text("utf-8")
    rows = [line.split("|")[1] for line in text.splitlines()
            if line.startswith("| `") and re.match(r"\| `[a-z]+\.", line)]
    assert len(rows) >= 10, "the guide's table of problem codes"
    for first in rows:
        codes = [c for c in re.findall(r"`([a-z]+\.[a-z_*]+)`", first) if "*" not in c]
        severities = {catalog[c].severity for c in codes}
        expected = {"warning"} if "(peringatan)" in first else {"error"} if codes else set()
        assert severities == expected, first


@pytest.mark.parametrize("name", ["README.md", "docs/panduan.md", "docs/engines.md",
                                  "docs/scaling.md"])
def test_inline_commands_and_options_exist(name):
    """Commands quoted inline (`skpxl validate … --annotate perbaikan/`) exist with their
    options; every option quoted on its own (`--org-predikat`) belongs to some command."""
    known = {path[1:]: cmd for path, cmd in COMMANDS}
    every_option = {opt for _, cmd in COMMANDS for p in cmd.params
                    if isinstance(p, click.Option) for opt in p.opts + p.secondary_opts}
    every_option |= {"--help", "--version", "--debug"}
    for span in _quoted(name):
        words = span.replace("…", " ").split()
        if words and words[0] == "skpxl":
            plain = tuple(words[1:])
            best = max((len(k) for k in known if plain[:len(k)] == k), default=0)
            if plain and re.fullmatch(r"[a-z][a-z-]*", plain[0]):   # not an option or a NAME
                assert best, f"{name}: `{span}` is not a skpxl command"
            command = known[plain[:best]] if best else cli
            options = {opt for p in command.params if isinstance(p, click.Option)
                       for opt in p.opts + p.secondary_opts} | {"--help", "--debug"}
            for word in words[1:]:
                if word.startswith("--"):
                    assert word.split("=")[0] in options, f"{name}: `{span}`: {word}"
        elif words and words[0].startswith("--"):
            option = words[0].split("=")[0]
            assert option in every_option or option in FOREIGN_OPTIONS, \
                f"{name}: `{span}`: no command has {option}"


def test_python_examples_compile_and_import():
    text = (ROOT / "README.md").read_text("utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks, "README.md shows library use"
    for block in blocks:
        compile(block, "README.md", "exec")
        for module, names in re.findall(r"^from (skpxl[\w.]*) import (.+)$", block, re.M):
            imported = importlib.import_module(module)
            for name in (n.strip() for n in names.split(",")):
                assert hasattr(imported, name), f"README.md: {module} has no {name}"
