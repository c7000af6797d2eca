"""Operational failures of skpxl, as one exception tree.

Problems found *in* the user's inputs (a wrong cell, a bad NIP) are not exceptions: they are
:class:`skpxl.problems.Problem` records gathered into reports. Exceptions are for the cases
where skpxl cannot do its job, and each carries a message a HR officer can act on, in
Indonesian (``message``, ``hint``) and in English (``en``, ``hint_en``; the CLI shows them
with ``--lang en``)::

    SkpxlError                      exit code 3 unless stated
    ├── UsageError (ValueError)     bad arguments or options               -> exit 2
    ├── InputError                  an input as a whole cannot be used     -> exit 1
    │   ├── UnreadableFileError (OSError)   corrupt, encrypted, hostile, wrong format
    │   ├── RosterError             roster has errors; nothing generated
    │   └── TemplateError           template broken or unknown
    ├── OutputError (OSError)       cannot write the output (read-only, disk full)
    └── EngineError (RuntimeError)  spreadsheet engine missing or failed
"""

from __future__ import annotations


class SkpxlError(Exception):
    """Base of every skpxl failure. ``exit_code`` follows the CLI contract."""

    exit_code = 3
    code = "error"

    def __init__(self, message: str, *, hint: str | None = None, code: str | None = None,
                 en: str | None = None, hint_en: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.message_en = en
        self.hint_en = hint_en
        if code:
            self.code = code

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n{self.hint}"

    def text(self, lang: str = "id") -> tuple[str, str | None]:
        """``(message, hint)`` in ``lang``: Indonesian (``message``, ``hint``) by default,
        the English ``en``/``hint_en`` given where the error was raised for ``"en"``."""
        if lang == "en" and self.message_en:
            return self.message_en, self.hint_en if self.hint_en is not None else self.hint
        return self.message, self.hint


class UsageError(SkpxlError, ValueError):
    """Arguments that cannot be right (an unknown period format, a missing option)."""

    exit_code = 2
    code = "usage"


class InputError(SkpxlError):
    """An input as a whole cannot be used; the user has to fix it."""

    exit_code = 1
    code = "input"


class UnreadableFileError(InputError, OSError):
    """A file skpxl cannot read: corrupt, encrypted, hostile or not a workbook."""

    code = "file.unreadable"

    def __init__(self, message: str, *, code: str = "file.unreadable", hint: str | None = None,
                 path: str | None = None, en: str | None = None, hint_en: str | None = None):
        super().__init__(message, hint=hint, code=code, en=en, hint_en=hint_en)
        self.path = path


class RosterError(InputError):
    """The roster has errors; generation refuses to run on it."""

    code = "roster.invalid"

    def __init__(self, message: str, *, problems=None, hint: str | None = None,
                 en: str | None = None, hint_en: str | None = None):
        super().__init__(message, hint=hint, en=en, hint_en=hint_en)
        self.problems = list(problems or [])


class TemplateError(InputError):
    """A template is unknown, or does not declare what skpxl needs."""

    code = "template.invalid"


class OutputError(SkpxlError, OSError):
    """An output cannot be written (read-only folder, full disk). An output that already
    exists without ``--force`` is a :class:`UsageError` (exit 2): the user chooses."""

    exit_code = 3
    code = "output"


class EngineError(SkpxlError, RuntimeError):
    """A spreadsheet engine (LibreOffice, Excel) or the Dask cluster is missing or failed."""

    exit_code = 3
    code = "engine"
