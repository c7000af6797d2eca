"""Every operational error skpxl raises can be read in English too (``--lang en``)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from skpxl import errors
from skpxl.cli import main

ROOT = Path(__file__).resolve().parent.parent
ERRORS = {name for name, obj in vars(errors).items()
          if isinstance(obj, type) and issubclass(obj, errors.SkpxlError)} | {"_fail"}


def error_calls():
    """(place, call) for every construction of a skpxl error in the package."""
    for path in sorted((ROOT / "skpxl").rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if getattr(getattr(node.func, "value", None), "id", None) == "click":
                    continue   # click's own exceptions: see skpxl/cli
                if name in ERRORS and (node.args or node.keywords):
                    yield f"{path.relative_to(ROOT)}:{node.lineno}", node


def test_every_error_has_its_english_text():
    missing = []
    for place, call in error_calls():
        given = {k.arg for k in call.keywords}
        if "en" not in given or ("hint" in given and "hint_en" not in given):
            missing.append(place)
    assert not missing, "errors without en= (or hint_en= beside hint=): " + ", ".join(missing)


def test_english_is_shown_with_lang_en(tmp_path, capsys):
    out = tmp_path / "rekap.xlsx"
    out.write_bytes(b"punya orang lain")
    for lang, words in (("id", "sudah ada"), ("en", "already exists")):
        with pytest.raises(SystemExit) as stop:
            main(["merge", str(tmp_path), "--period", "2025-Q3", "-o", str(out), "--lang", lang])
        err = capsys.readouterr().err
        assert stop.value.code == 2 and words in err and "--force" in err, err
    assert out.read_bytes() == b"punya orang lain"


def test_text_falls_back_to_indonesian():
    plain = errors.UsageError("Pesan.", hint="Saran.")
    assert plain.text("en") == ("Pesan.", "Saran.")
    both = errors.OutputError("Pesan.", hint="Saran.", en="Message.", hint_en="Advice.")
    assert both.text("id") == ("Pesan.", "Saran.") and both.text("en") == ("Message.", "Advice.")
