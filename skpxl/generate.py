"""Generate one pre-filled SKP workbook per employee of a roster."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from . import __version__, domain
from .annual import read_year
from .document import field_checks, fingerprint
from .errors import EngineError, OutputError, RosterError, UsageError
from .executor import map_ordered, on_dask, shipped_path
from .manifest import METADATA_SHEET, Template, choose_template, load_template
from .naming import slug, workbook_name
from .periods import Period, parse_period
from .profile import Profile, instansi_of, load_profile, tempat_for
from .problems import ERROR, Problem, define

define("generate.capacity", ERROR,
       "Rencana kerja {nip} memiliki {count} {what}; template {template} hanya menampung {limit}.",
       "The plan of {nip} has {count} {what}; template {template} holds only {limit}.")
define("generate.exists", "warning",
       "File {file} sudah ada dan tidak ditimpa (gunakan --force untuk menimpa).",
       "File {file} already exists and was not overwritten (use --force to overwrite).")
define("generate.previous_missing", "warning",
       "Tidak ada SKP periode sebelumnya untuk NIP {nip} di {folder}; rencana tidak diisi dari "
       "periode sebelumnya.",
       "No previous-period SKP for NIP {nip} in {folder}; plan not carried forward.")


@dataclass
class GeneratedFile:
    nip: str
    nama: str
    unit: str
    template: str
    path: str
    status: str  # "written" | "skipped" | "failed"
    problems: list[Problem] = field(default_factory=list)

    def to_dict(self, lang: str = "id") -> dict:
        return {"nip": self.nip, "nama": self.nama, "unit": self.unit, "template": self.template,
                "path": self.path, "status": self.status,
                "problems": [p.to_dict(lang) for p in self.problems]}


@dataclass
class GenerateResult:
    period: str
    outdir: str
    files: list[GeneratedFile] = field(default_factory=list)
    #: problems of the sources read with ``previous`` (a file not used, two for one quarter)
    problems: list[Problem] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def ok(self) -> bool:
        """Every workbook written or kept, and every source given was usable."""
        return not any(f.status == "failed" for f in self.files) and \
            not any(p.severity == ERROR for p in self.problems)

    def to_dict(self, lang: str = "id") -> dict:
        return {"period": self.period, "outdir": self.outdir, "written": self.count("written"),
                "skipped": self.count("skipped"), "failed": self.count("failed"),
                "files": [f.to_dict(lang) for f in self.files],
                "problems": [p.to_dict(lang) for p in self.problems]}


def signing_place(emp, roster=None, profile=None) -> str:
    """Where the employee's papers are signed: the profile's place for the unit, else the
    employee's own ``Tempat``, else what the roster and the unit's name tell
    (:func:`skpxl.profile.tempat_for`)."""
    unit = emp.unit_kerja or ""
    if profile is not None:
        signer = profile.signatory(unit) if unit else None
        if profile.tempat_unit.get(unit.casefold()) or (signer and signer.tempat):
            return tempat_for(unit, roster, profile)
    return (getattr(emp, "tempat", "") or "") or tempat_for(unit, roster, profile)


def agency_of(emp, roster=None, profile=None) -> str:
    """The agency printed on the employee's forms: the profile's, the employee's own
    ``Instansi``, else the roster's most common."""
    if profile is not None and profile.instansi:
        return profile.instansi
    return (emp.instansi or "") or instansi_of(roster)


def person(emp) -> dict:
    if emp is None:
        return {"nama": "", "nip": "", "pangkat": "", "jabatan": "", "unit_kerja": ""}
    return {"nama": emp.nama, "nip": emp.nip, "pangkat": emp.pangkat, "jabatan": emp.jabatan,
            "unit_kerja": emp.unit_kerja}


def build_document(template: Template, period: Period, emp, penilai, atasan, plan: dict | None,
                   penilai_plan: dict | None, *, generated_at: str, lang: str = "id",
                   instansi: str | None = None, tempat: str | None = None) -> dict:
    """The document to write for one employee (same shape as ``skpxl extract`` returns).

    ``instansi`` and ``tempat`` (agency and signing place) default to the employee's own
    roster columns, then the unit's name (:func:`agency_of`, :func:`signing_place` say what
    a profile and the whole roster add)."""
    pegawai = person(emp) | {"status_asn": emp.status_asn, "jenis_jabatan": emp.jenis_jabatan,
                             "jenjang": emp.jenjang}
    penilai_doc = person(penilai)
    if penilai_plan:
        penilai_doc["rhk"] = [item["rhk"] for item in penilai_plan.get("utama", [])
                              if item.get("rhk")]
    plan = plan or {}
    doc = {
        "meta": {"template_id": template.id, "template_version": template.version,
                 "tool_version": __version__, "generated_at": generated_at, "lang": lang,
                 "nip": emp.nip},
        "instansi": (agency_of(emp) if instansi is None else instansi).upper(),
        "periode": {"kode": period.kode, "label": period.label, "rentang": period.range_text,
                    "mulai": period.start, "selesai": period.end,
                    "judul": f"{period.heading()} · {period.dates()}"},
        "pegawai": pegawai,
        "penilai": penilai_doc,
        "atasan_penilai": person(atasan),
        "pengesahan": {"tempat": signing_place(emp) if tempat is None else tempat,
                       "tanggal": period.end},
        "hasil_kerja": {"utama": plan.get("utama", []), "tambahan": plan.get("tambahan", [])},
        "perilaku": [{"nilai": domain.berakhlak_text(i)} for i in range(len(domain.BERAKHLAK))],
        "lampiran": plan.get("lampiran", {}),
    }
    doc = _clean(doc)  # fingerprint exactly the text the workbook will hold
    prefilled = template.prefilled_values(doc)
    doc["meta"]["fingerprint"] = fingerprint(prefilled)
    doc["meta"]["checks"] = field_checks(prefilled)
    return doc


def _clean(value):
    from .writer import clean_text
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return clean_text(value) if isinstance(value, str) else value


def capacity_problems(template: Template, nip: str, plan: dict | None) -> list[Problem]:
    """More RHK or IKI in ``plan`` than the template has rows for."""
    problems = []
    for section in ("utama", "tambahan"):
        group = template.groups.get(f"hk_{section}")
        items = (plan or {}).get(section, [])
        if group and len(items) > group.blocks:
            problems.append(Problem("generate.capacity", {
                "nip": nip, "count": len(items), "what": f"RHK {section}", "limit": group.blocks,
                "template": template.id}))
        for item in items:
            if group and len(item.get("iki", [])) > group.rows_per_block:
                problems.append(Problem("generate.capacity", {
                    "nip": nip, "count": len(item["iki"]), "what": f"IKI pada RHK '{item['rhk']}'",
                    "limit": group.rows_per_block, "template": template.id}))
    return problems


# --- workers: one compiled template per process --------------------------------------------

_COMPILED: dict = {}


def _compiled(template_ref: str, password: str | None):
    from .writer import CompiledTemplate
    key = (template_ref, password)
    if key not in _COMPILED:
        _COMPILED[key] = CompiledTemplate(load_template(template_ref), password=password)
    return _COMPILED[key]


def _write_one(task: tuple) -> tuple[str, str]:
    """Worker: build the document, render and write one workbook; returns (status, message).
    Built here, not in the main process, so that ``--jobs`` spreads that work too."""
    from .writer import write_atomic, write_atomic_exclusive
    template_ref, password, doc_args, target, force, quarters = task
    *args, generated_at, lang, instansi, tempat = doc_args
    tmpl = load_template(template_ref)
    document = build_document(tmpl, *args, generated_at=generated_at,
                              lang=lang, instansi=instansi, tempat=tempat)
    data = _compiled(template_ref, password).render(document)
    if quarters is not None:   # an annual evaluation: the year's quarters, read-only
        from .quartersheet import add_to_workbook
        data = add_to_workbook(data, quarters, document, lang=lang,
                               evaluasi_sheet=tmpl.field("rating_hasil_kerja").sheet,
                               metadata_sheet=METADATA_SHEET, password=password)
    path = Path(target)
    try:
        if force:
            write_atomic(path, data)
            return "written", ""
        return ("written", "") if write_atomic_exclusive(path, data) else ("skipped", "")
    except OSError as exc:
        raise OutputError(f"Tidak dapat menulis {path}: {exc.strerror or exc}.",
                          hint="Periksa izin tulis dan ruang kosong pada folder keluaran.",
                          en=f"Cannot write {path}: {exc.strerror or exc}.",
                          hint_en="Check the output folder's write permission and free space."
                          ) from None


def generate(roster_path, period: str, outdir, *, plans=None, template: str | None = None,
             previous=None, unit: str | None = None, jobs: int = 1, force: bool = False,
             password: str | None = None, lang: str = "id", progress=None,
             executor=None, profile=None) -> GenerateResult:
    """Write one workbook per employee into ``outdir/<unit-slug>/``.

    ``profile`` (a :class:`skpxl.profile.Profile` or the path of a profile file) names the
    agency and signing places where the roster's ``Instansi`` and ``Tempat`` do not.

    ``progress``, when given, is called once with the number of workbooks to write and
    returns a callable advanced by one per workbook written.

    ``previous``: for a quarter or a month, the folder of the previous period's returned
    workbooks, whose plans are carried forward. For a year (``period`` ``2025``), folders
    and files (one path or several) of the year's returned quarterly workbooks and/or
    quarterly unit reports: each workbook then is an annual evaluation with the plan of
    the latest quarter and a read-only sheet of the four quarters (:mod:`skpxl.annual`,
    :mod:`skpxl.quartersheet`); what cannot be used is in ``result.problems``.

    Refuses (:class:`RosterError`) a roster with errors. ``template`` forces one template
    (id or path) for everyone; by default it is chosen by jabatan kind and approach.
    """
    from .roster import read_roster
    from .plans import read_plans

    per = parse_period(period)
    if not isinstance(profile, Profile):
        profile = load_profile(profile) if profile is not None else None
    roster = read_roster(roster_path)
    if not roster.ok:
        errors = [p for p in roster.problems if p.severity == ERROR]
        raise RosterError(f"Roster {roster_path} memiliki {len(errors)} kesalahan; tidak ada "
                          f"SKP yang dibuat.", problems=roster.problems,
                          hint=f"Jalankan 'skpxl roster check {roster_path}' untuk rinciannya.",
                          en=f"Roster {roster_path} has {len(errors)} errors; no SKP was "
                             f"written.",
                          hint_en=f"Run 'skpxl roster check {roster_path}' for the details.")
    plan_book = read_plans(plans) if plans else None
    previous = _previous_paths(previous, per)
    year = None
    if previous and per.kind == "tahunan":
        year = read_year(previous, per, executor=executor, jobs=jobs)
        previous_plans = {nip: plan for nip in year.records
                          if (plan := year.plan_for(nip)) is not None}
    else:
        previous_plans = _previous_plans(previous[0], per) if previous else {}
    employees = roster.employees
    if unit:
        employees = [e for e in employees if e.unit_kerja.casefold() == unit.casefold()]
        if not employees:
            raise UsageError(f"Unit '{unit}' tidak ada di roster.",
                             hint="Unit di roster: " + "; ".join(roster.units()),
                             en=f"Unit '{unit}' is not in the roster.",
                             hint_en="Units in the roster: " + "; ".join(roster.units()))
    outdir = Path(outdir)
    generated_at = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    result = GenerateResult(per.kode, str(outdir), problems=year.problems if year else [])
    tasks, pending = [], []
    index = roster.by_nip()
    templates: dict[str, Template] = {}
    agencies: dict[str, str] = {}
    places: dict[tuple[str, str], str] = {}
    for emp in employees:
        ref = template or choose_template(emp.jenis_jabatan, emp.pendekatan)
        tmpl = templates.get(ref) or templates.setdefault(ref, load_template(ref))
        penilai = index.get(emp.nip_penilai)
        atasan = index.get(penilai.nip_penilai) if penilai is not None else None
        plan = (plan_book.get(emp.nip) if plan_book else None) or previous_plans.get(emp.nip)
        penilai_plan = None
        if penilai is not None:
            penilai_plan = (plan_book.get(penilai.nip) if plan_book else None) or \
                previous_plans.get(penilai.nip)
        target = outdir / slug(emp.unit_kerja, fallback="unit") / workbook_name(
            emp.nip, emp.nama, per.kode)
        record = GeneratedFile(emp.nip, emp.nama, emp.unit_kerja, tmpl.id, str(target), "pending")
        record.problems = capacity_problems(tmpl, emp.nip, plan)
        quarters = None
        if year is not None:
            if not year.quarters_of(emp.nip):
                record.problems.append(Problem("annual.no_quarters",
                                               {"nip": emp.nip, "year": per.year}))
            quarters = year.view_for(emp.nip, plan, "en" if lang == "en" else "id")
        elif previous and emp.nip not in previous_plans:
            record.problems.append(Problem("generate.previous_missing",
                                           {"nip": emp.nip, "folder": str(previous[0])}))
        result.files.append(record)
        if any(p.severity == ERROR for p in record.problems):
            record.status = "failed"
            continue
        if emp.instansi not in agencies:
            agencies[emp.instansi] = agency_of(emp, roster, profile)
        place_key = (emp.unit_kerja, emp.tempat)
        if place_key not in places:
            places[place_key] = signing_place(emp, roster, profile)
        doc_args = (per, emp, penilai, atasan, plan, penilai_plan, generated_at, lang,
                    agencies[emp.instansi], places[place_key])
        shipped_ref = shipped_path(ref, executor) if Path(ref).suffix else ref  # a path, not an id
        tasks.append((shipped_ref, password, doc_args, shipped_path(target, executor), force,
                      quarters))
        pending.append(record)
    advance = progress(len(tasks)) if progress else None
    for record, (status, _) in zip(pending, map_ordered(_write_one, tasks, executor or jobs,
                                                        advance)):
        record.status = status
        if status == "skipped":
            record.problems.append(Problem("generate.exists", {"file": record.path}))
    if on_dask(executor):
        _check_written_here([r.path for r in pending if r.status == "written"], outdir)
    return result


def _check_written_here(paths: list[str], outdir: Path) -> None:
    """Dask workers write where they run: workbooks they wrote that this computer cannot
    see went to the workers' own disks (the output folder is not shared)."""
    sample = paths[:50]
    if sample and not any(Path(p).is_file() for p in sample):
        raise EngineError(
            f"Worker Dask menulis {len(paths)} workbook, tetapi tidak ada yang terlihat di "
            f"{outdir} dari komputer ini: file itu tersimpan di disk worker sendiri.",
            hint="Tulis ke folder bersama (NFS, SMB) yang terpasang di path yang sama di "
                 "setiap worker, lalu jalankan ulang.",
            en=f"The Dask workers wrote {len(paths)} workbooks, but none can be seen in "
               f"{outdir} from this computer: they went to the workers' own disks.",
            hint_en="Write into a shared folder (NFS, SMB) mounted at the same path on every "
                    "worker, and run again.")


def _previous_paths(previous, period: Period) -> list[Path]:
    """``previous`` as a list of paths: several only for a year (quarters and reports)."""
    if not previous:
        return []
    paths = [Path(previous)] if isinstance(previous, (str, Path)) else [Path(p) for p in previous]
    if period.kind != "tahunan" and (len(paths) > 1 or not paths[0].is_dir()):
        raise UsageError(
            "Untuk periode triwulan atau bulanan, --previous adalah satu folder file SKP "
            "periode lalu.",
            hint="Beberapa folder atau file hanya untuk evaluasi tahunan (--period 2025).",
            en="For a quarter or a month, --previous is one folder of last period's workbooks.",
            hint_en="Several folders or files are for the annual evaluation only "
                    "(--period 2025).")
    return paths


def _previous_plans(folder, period: Period) -> dict[str, dict]:
    """NIP -> plan carried forward from returned workbooks of the previous period."""
    from .extract import plans_from_folder
    return plans_from_folder(Path(folder))
