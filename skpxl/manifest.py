"""Templates as data: a manifest (JSON) beside each template workbook.

The manifest names every field by its Excel *defined name* and gives its JSON path in the
extracted document; the workbook's defined names say where the field sits. Code finds cells
only through :class:`Template` — never by hard-coded coordinates.

Repeating rows (hasil kerja, perilaku, lampiran) are *groups*: a field of a group is a
defined name over a whole column range of ``blocks * rows_per_block`` cells. A block-level
field (``rhk``) uses the first cell of each block, a row-level field (``iki``) every cell.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path


from .errors import TemplateError, UnreadableFileError
from .resources import templates_dir

KINDS = ("prefilled", "input", "formula")
TYPES = ("string", "number", "date", "enum")
METADATA_SHEET = "_skpxl"

FINGERPRINT_EXCLUDE = {"$.meta.fingerprint", "$.meta.checks", "$.meta.generated_at",
                       "$.meta.tool_version", "$.meta.lang"}

_A1 = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


def col_to_index(letters: str) -> int:
    """``A`` -> 1, ``AA`` -> 27."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def index_to_col(n: int) -> str:
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def parse_a1(ref: str) -> tuple[int, int]:
    """``C7`` -> (row 7, column 3), 1-based."""
    match = _A1.match(ref.strip().upper())
    if not match:
        raise ValueError(f"not a cell reference: {ref!r}")
    return int(match.group(2)), col_to_index(match.group(1))


def a1(row: int, col: int) -> str:
    return f"{index_to_col(col)}{row}"


@dataclass(frozen=True)
class Group:
    """A block of repeating rows: ``blocks`` items of ``rows_per_block`` rows each.

    ``blank_blocks`` (optional) makes the group collapsible: a generated workbook shows only
    the blocks and rows its document fills, or that many blocks when it fills none; the
    other rows are hidden, for staff to unhide when they add an item."""

    id: str
    path: str
    blocks: int
    rows_per_block: int = 1
    blank_blocks: int | None = None


@dataclass(frozen=True)
class Keep:
    """Rows that print on one page (``soft``: unless they cannot), glued (``with_``) to the
    row printed before them (``"previous"``), after them (``"next"``), or after them when it
    belongs to a given group (its id); from the manifest's ``print.keep``, resolved through
    the defined name ``name``."""

    name: str
    with_: tuple[str, ...] = ()
    soft: bool = False
    sheet: str | None = None
    first: int = 0
    last: int = 0


@dataclass
class Field:
    """One field of a template, as declared in the manifest."""

    name: str
    path: str
    kind: str
    type: str
    choices: list[str] | None = None
    group: str | None = None
    level: str | None = None  # "block" | "row" for group fields
    required: bool = True
    mirror: str | None = None  # mirrors: formula cells showing this source field's value
    prefix: str = ""
    label: str = ""
    # resolved from the workbook's defined names
    sheet: str | None = None
    row: int = 0
    col: int = 0

    @property
    def cell(self) -> str:
        return a1(self.row, self.col)

    def to_manifest(self) -> dict:
        data = {"name": self.name, "path": self.path, "kind": self.kind, "type": self.type}
        for key in ("choices", "group", "level", "mirror", "label"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.prefix:
            data["prefix"] = self.prefix
        if not self.required:
            data["required"] = False
        return data


@dataclass(frozen=True)
class Instance:
    """One concrete cell of a field: a scalar field has one, a group field many."""

    field: Field
    path: str
    row: int
    col: int
    block: int | None = None
    item: int | None = None
    cell: str = ""

    def __post_init__(self):
        object.__setattr__(self, "cell", a1(self.row, self.col))

    @property
    def sheet(self) -> str:
        return self.field.sheet


def expand_path(pattern: str, *indexes: int) -> str:
    for index in indexes:
        pattern = pattern.replace("[*]", f"[{index}]", 1)
    return pattern


@dataclass
class Template:
    """A template workbook plus its manifest, with every field resolved to a cell."""

    id: str
    version: str
    title: str
    jenis: str
    pendekatan: str
    path: Path
    manifest_path: Path | None
    groups: dict[str, Group]
    fields: list[Field]
    sheets: list[str] = field(default_factory=list)
    description: str = ""
    mirrors: list[Field] = field(default_factory=list)
    lists: dict[str, list[str]] = field(default_factory=dict)
    keeps: list[Keep] = field(default_factory=list)
    _instances: dict = field(default_factory=dict, repr=False, compare=False)

    def field(self, name: str) -> Field:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise KeyError(name)

    def by_path(self, path: str) -> Field:
        for candidate in self.fields:
            if candidate.path == path:
                return candidate
        raise KeyError(path)

    def instances(self, fld: Field) -> list[Instance]:
        """Every concrete cell of ``fld`` with its concrete JSON path (cached)."""
        key = (fld.name, fld.sheet, fld.row, fld.col)
        cached = self._instances.get(key)
        if cached is None:
            cached = self._instances[key] = list(self._expand(fld))
        return cached

    def _expand(self, fld: Field):
        if not fld.group:
            yield Instance(fld, fld.path, fld.row, fld.col)
            return
        group = self.groups[fld.group]
        for block in range(group.blocks):
            top = fld.row + block * group.rows_per_block
            if fld.level == "block":
                yield Instance(fld, expand_path(fld.path, block), top, fld.col, block)
            else:
                for item in range(group.rows_per_block):
                    yield Instance(fld, expand_path(fld.path, block, item), top + item,
                                   fld.col, block, item)

    def all_instances(self):
        for fld in self.fields:
            yield from self.instances(fld)

    def prefilled_values(self, document: dict) -> dict[str, object]:
        """Path -> value of every pre-filled cell: what the fingerprint protects."""
        out = {}
        for path, steps in self._prefilled_steps:    # document.get_path, inlined
            node = document
            for step in steps:
                try:
                    node = node[step]
                except (KeyError, IndexError, TypeError):
                    node = None
                    break
            out[path] = node
        return out

    @cached_property
    def _prefilled_steps(self) -> tuple[tuple[str, tuple], ...]:
        from .document import tokens
        return tuple((path, tokens(path)) for path in self.prefilled_paths)

    @cached_property
    def prefilled_paths(self) -> tuple[str, ...]:
        """The document path of every pre-filled cell, in field order."""
        return tuple(inst.path for fld in self.fields
                     if fld.kind == "prefilled" and fld.path not in FINGERPRINT_EXCLUDE
                     for inst in self.instances(fld))

    @cached_property
    def input_paths(self) -> frozenset[str]:
        """The path patterns (``[*]`` for indexes) of the fields staff fill in."""
        return frozenset(fld.path for fld in self.fields if fld.kind == "input")

    def describe_fields(self) -> list[dict]:
        """The public field contract printed by ``skpxl template fields``."""
        out = []
        for inst in self.all_instances():
            fld = inst.field
            item = {"name": fld.name, "path": inst.path, "sheet": fld.sheet, "cell": inst.cell,
                    "kind": fld.kind, "type": fld.type}
            if fld.choices:
                item["choices"] = list(fld.choices)
            out.append(item)
        return out

    def summary(self) -> dict:
        return {"id": self.id, "version": self.version, "title": self.title, "jenis": self.jenis,
                "pendekatan": self.pendekatan, "path": str(self.path),
                "capacity": {gid: {"blocks": g.blocks, "rows_per_block": g.rows_per_block}
                             for gid, g in self.groups.items()}}


def read_defined_names(path: Path) -> tuple[list[str], dict[str, tuple[str, str]]]:
    """Sheet names and defined names (name -> (sheet, ref)) of a template workbook, read by
    the same safe reader as returned files (:func:`skpxl.reader.read_workbook`)."""
    from .reader import read_workbook   # here: importing calamine slows every CLI start
    try:
        book = read_workbook(path)
    except UnreadableFileError as exc:
        raise TemplateError(f"Template {path} tidak dapat dibaca: {exc.message}",
                            en=f"Template {path} cannot be read: {exc.text('en')[0]}") from exc
    return list(book.sheet_names), dict(book.defined_names)


def load_manifest(manifest_path: Path) -> dict:
    try:
        return json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TemplateError(f"Manifest {manifest_path} tidak dapat dibaca: {exc}",
                            en=f"Manifest {manifest_path} cannot be read: {exc}") from exc


def template_from_manifest(data: dict, workbook: Path, manifest_path: Path | None = None,
                           *, strict: bool = True) -> Template:
    """Build a :class:`Template`, resolving every field through the workbook's names.

    With ``strict`` a field whose defined name is missing raises :class:`TemplateError`;
    otherwise it is left unresolved (``sheet`` None) for ``template check`` to report.
    """
    sheets, names = read_defined_names(workbook)
    groups = {g["id"]: Group(g["id"], g["path"], int(g["blocks"]), int(g.get("rows_per_block", 1)),
                             None if g.get("blank_blocks") is None else int(g["blank_blocks"]))
              for g in data.get("groups", [])}
    fields, mirrors = [], []
    specs = [(spec, fields) for spec in data["fields"]]
    specs += [({"path": "", "kind": "formula", "type": "string", "required": False, **spec}, mirrors)
              for spec in data.get("mirrors", [])]
    for spec, target in specs:
        spec = dict(spec)
        if "source" in spec:
            spec["mirror"] = spec.pop("source")
        fld = Field(**{k: v for k, v in spec.items() if k in Field.__dataclass_fields__})
        ref = names.get(fld.name)
        if ref:
            fld.sheet = ref[0]
            fld.row, fld.col = parse_a1(ref[1].split(":")[0])
        elif strict and fld.required:
            raise TemplateError(
                f"Template {workbook.name} tidak memiliki nama (defined name) '{fld.name}' "
                f"untuk {fld.path}.", hint="Jalankan 'skpxl template check' untuk rinciannya.",
                en=f"Template {workbook.name} has no defined name '{fld.name}' for "
                   f"{fld.path}.", hint_en="Run 'skpxl template check' for the details.")
        target.append(fld)
    keeps = []
    for spec in (data.get("print") or {}).get("keep", []):
        glue = spec.get("with") or ()
        keep = Keep(spec["name"], (glue,) if isinstance(glue, str) else tuple(glue),
                    bool(spec.get("soft")))
        ref = names.get(keep.name)
        if ref:   # an unresolved name only loses a page-break hint (template check says so)
            first, _, last = ref[1].partition(":")
            keep = Keep(keep.name, keep.with_, keep.soft, ref[0], parse_a1(first)[0],
                        parse_a1(last or first)[0])
        keeps.append(keep)
    return Template(id=data["id"], version=str(data["version"]), title=data.get("title", ""),
                    jenis=data.get("jenis", ""), pendekatan=data.get("pendekatan", ""),
                    path=workbook, manifest_path=manifest_path, groups=groups, fields=fields,
                    sheets=sheets, description=data.get("description", ""), mirrors=mirrors,
                    lists=data.get("lists", {}), keeps=keeps)


def manifest_for(workbook: Path) -> Path:
    return workbook.with_suffix(".json")


def list_templates() -> list[Template]:
    """The shipped templates, sorted by id."""
    out = []
    for manifest_path in sorted(templates_dir().glob("*.json")):
        data = load_manifest(manifest_path)
        out.append(template_from_manifest(data, manifest_path.with_name(data["file"]),
                                          manifest_path))
    return out


_SHIPPED: dict[str, Path] = {}   # shipped id -> its resolved manifest path


@lru_cache(maxsize=32)
def _load_cached(key: str, mtime: float) -> Template:
    path = Path(key)
    if path.suffix.lower() == ".json":
        data = load_manifest(path)
        return template_from_manifest(data, path.with_name(data["file"]), path)
    manifest_path = manifest_for(path)
    if manifest_path.exists():
        return template_from_manifest(load_manifest(manifest_path), path, manifest_path)
    raise TemplateError(f"Tidak ada manifest untuk template {path.name}.",
                        hint=f"Letakkan {manifest_path.name} di sebelah file template.",
                        en=f"There is no manifest for template {path.name}.",
                        hint_en=f"Put {manifest_path.name} beside the template file.")


ARCHIVE = "archive"   # templates/archive/<version>/: earlier layouts of the shipped templates
_ARCHIVED: dict[tuple[str, str], Path | None] = {}


def archived_manifest(template_id: str, version: str) -> Path | None:
    """The manifest of shipped template ``template_id`` as it was at ``version``, when that
    layout is kept (workbooks generated with it are read with their own layout)."""
    key = (template_id, version)
    if key not in _ARCHIVED:
        candidate = templates_dir() / ARCHIVE / version / f"{template_id}.json"
        safe = re.fullmatch(r"[\w.-]+", version) and re.fullmatch(r"[\w-]+", template_id)
        _ARCHIVED[key] = candidate.resolve() if safe and candidate.is_file() else None
    return _ARCHIVED[key]


def load_template(ref: str | Path, version: str | None = None) -> Template:
    """A template by shipped id (``ja-jf-kuantitatif``) or by path to a workbook/manifest.

    With ``version`` (a shipped id only), the archived layout of that version when the
    archive keeps one; otherwise the current template."""
    text = str(ref)
    if version:
        archived = archived_manifest(text, version)
        if archived is not None:
            return _load_cached(str(archived), archived.stat().st_mtime)
    shipped = _SHIPPED.get(text)
    if shipped is not None:   # validating a batch asks for the same id file after file
        try:
            return _load_cached(str(shipped), shipped.stat().st_mtime)
        except OSError:
            _SHIPPED.pop(text, None)
    shipped = templates_dir() / f"{text}.json"
    if shipped.exists():
        path = _SHIPPED[text] = shipped.resolve()
    else:
        path = Path(text).expanduser()
        if not path.exists():
            ids = ", ".join(t.id for t in list_templates())
            raise TemplateError(f"Template '{text}' tidak ditemukan.",
                                hint=f"Template bawaan: {ids}; atau berikan path ke file .xlsx.",
                                en=f"Template '{text}' was not found.",
                                hint_en=f"Shipped templates: {ids}; or give the path of a .xlsx "
                                        f"file.")
    path = path.resolve()
    return _load_cached(str(path), path.stat().st_mtime)


def choose_template(jenis_jabatan: str, pendekatan: str) -> str:
    """Shipped template id for a jabatan kind and approach."""
    jenis = "jpt" if jenis_jabatan == "JPT" else "ja-jf"
    approach = "kualitatif" if str(pendekatan).lower().startswith("kual") else "kuantitatif"
    return f"{jenis}-{approach}"
