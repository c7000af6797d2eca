"""``skpxl angka-kredit``: the angka kredit papers of every jabatan fungsional employee.

:func:`angka_kredit` reads unit or province reports (or folders of returned workbooks, see
:mod:`skpxl.akinputs`), converts each JF employee's predikat per period
(:mod:`skpxl.akrules`) and writes one workbook per employee (:mod:`skpxl.akpapers`) into
``<output>/<unit>/``: what an HR officer files in the employee's folder, sends to the assessor
to sign and prints in one go. With an AK awal table the workbook also carries the lembar
akumulasi and a draft PAK.

A problem with one employee or one row (an unknown jenjang, a missing predikat, months
converted twice, a bad row in the AK awal table) is reported for that employee or row; the
others get their papers. :attr:`AkResult.ok` is False when any problem was found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .akinputs import Awal, Inputs, Person, read_awal, read_inputs
from .akpapers import Context, employee_workbook, sheet_name, span_code
from .akrules import (EmployeeAk, Progress, convert_employee, golongan_of, periods,
                      requirement_problems, requirements)
from .errors import OutputError, UsageError
from .naming import slug
from .periods import parse_period
from .problems import Problem
from .profile import Profile, Signatory, instansi_of, load_profile, tempat_for
from .reportbook import save
from .textfmt import long_date

#: the profile's ``[[penandatangan]]`` entry (``unit = "pak"``) that signs the draft PAK
PAK_SIGNER = "pak"


@dataclass
class EmployeeResult:
    """The papers of one jabatan fungsional employee, or why some are missing."""

    person: Person
    ak: EmployeeAk
    awal: Awal | None = None
    progress: Progress | None = None
    output: str | None = None
    sheets: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def to_dict(self, lang: str = "id") -> dict:
        return {**self.person.to_dict(), "jenjang": self.ak.jenjang or self.person.jenjang,
                "file": self.output, "sheets": list(self.sheets),
                "konversi": [line.to_dict() for line in self.ak.lines],
                "ak_konversi": float(self.ak.total) if self.ak.lines else None,
                "awal": self.awal.to_dict() if self.awal else None,
                "akumulasi": self.progress.to_dict() if self.progress else None,
                "problems": [p.to_dict(lang) for p in self.problems]}


@dataclass
class AkResult:
    """What :func:`angka_kredit` did; ``to_dict()`` is the JSON the CLI prints."""

    output: str
    period: str | None
    employees: list[EmployeeResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)   # files and table rows
    skipped: list[dict] = field(default_factory=list)
    non_jf: int = 0

    @property
    def written(self) -> list[str]:
        return [e.output for e in self.employees if e.output]

    @property
    def ok(self) -> bool:
        """True when no problem was found in any input, employee or row."""
        return not self.problems and not any(e.problems for e in self.employees)

    def to_dict(self, lang: str = "id") -> dict:
        return {"output": self.output, "period": self.period, "ok": self.ok,
                "written": len(self.written), "non_jf": self.non_jf,
                "employees": [e.to_dict(lang) for e in self.employees],
                "problems": [p.to_dict(lang) for p in self.problems],
                "skipped": self.skipped}


def _awal_checks(inputs: Inputs, table: dict[str, Awal], path: str) -> list[Problem]:
    """Rows of the AK awal table naming someone the reports do not have as a JF."""
    out = []
    for nip, awal in sorted(table.items(), key=lambda item: item[1].row):
        if nip in inputs.people:
            continue
        if nip in inputs.others:
            out.append(Problem("ak.not_jf", {"row": awal.row, "nip": nip,
                                             "nama": inputs.names.get(nip, ""),
                                             "jenis": inputs.others[nip]},
                               row=awal.row, path=path))
        else:
            out.append(Problem("ak.awal_unknown_nip", {"row": awal.row, "nip": nip},
                               row=awal.row, path=path))
    return out


def _progress(result: EmployeeResult) -> None:
    """The accumulation of one employee from their AK awal; problems added to ``result``."""
    person, ak, awal = result.person, result.ak, result.awal
    if not ak.counted:
        return
    who = {"nip": person.nip, "nama": person.nama}
    needs = requirements(ak.jenjang, golongan_of(person.pangkat),
                         pppk=person.status_asn.upper() == "PPPK")
    result.progress = Progress(awal.ak, ak.total, needs)
    result.problems += requirement_problems(needs, who, person.pangkat)
    before = [line.period for line in ak.counted if line.period.end < awal.tanggal]
    if before:
        result.problems.append(Problem("ak.awal_after", {
            **who, "tanggal": long_date(awal.tanggal), "tanggal_en": long_date(awal.tanggal,
                                                                                "en"),
            **periods(before[-1])}))


def _target(output: Path, person: Person, result: EmployeeResult) -> Path:
    span = span_code([line.period for line in result.ak.lines])
    return output / slug(person.unit, fallback="unit") / (
        f"{slug(person.nip, max_length=18, fallback='tanpa-nip')}_"
        f"{slug(person.nama, max_length=40)}_angka-kredit_{span}.xlsx")


def angka_kredit(paths, *, output, period: str | None = None, roster=None, profile=None,
                 akumulasi=None, tanggal: date | None = None, force: bool = False,
                 lang: str = "id", jobs: int = 1, progress=None, executor=None) -> AkResult:
    """Write the angka kredit papers of every JF employee found in ``paths``.

    ``paths`` are unit or province reports (``skpxl merge``) and/or folders of returned SKP
    workbooks (these need ``period``). ``period``, when given, is the period asked for: a
    report of a period outside it is refused. ``akumulasi`` is the AK awal table (CSV or
    workbook: NIP, AK awal, tanggal, nomor); it adds the lembar akumulasi and the draft PAK.
    ``roster`` (path or Roster) and ``profile`` (path or Profile) name the agency, signing
    place and signatories; ``tanggal`` is the signing date (today by default). Existing
    papers are replaced only with ``force`` (else :class:`UsageError`, before any is written).
    """
    output = Path(output)
    if output.exists() and not output.is_dir():
        raise UsageError(f"{output} adalah file; -o harus folder untuk berkas angka kredit.",
                         en=f"{output} is a file; -o must be a folder for the angka kredit "
                            f"papers.")
    asked = parse_period(period) if period else None
    from .roster import load_roster
    roster_obj = load_roster(roster)
    profile_obj = profile if isinstance(profile, Profile) else load_profile(profile)
    inputs = read_inputs(paths, period=asked, roster=roster_obj, lang=lang,
                         work=executor or jobs, progress=progress)
    result = AkResult(str(output), asked.kode if asked else None, problems=list(inputs.problems),
                      skipped=inputs.skipped, non_jf=len(inputs.others))
    table: dict[str, Awal] = {}
    if akumulasi is not None:
        table, problems = read_awal(akumulasi)
        result.problems += problems + _awal_checks(inputs, table, str(akumulasi))
    instansi = instansi_of(roster_obj, profile_obj) or inputs.instansi
    penetap = profile_obj.signatory(PAK_SIGNER) or Signatory()
    day = tanggal or date.today()
    planned: list[tuple[EmployeeResult, Path, Context]] = []
    for person in sorted(inputs.people.values(), key=lambda p: (p.unit, p.nama, p.nip)):
        ak = convert_employee(person.nip, person.nama, person.evaluations)
        entry = EmployeeResult(person, ak, awal=table.get(person.nip),
                               problems=list(ak.problems))
        if entry.awal is not None:
            _progress(entry)
        result.employees.append(entry)
        if not ak.lines:
            continue
        penilai = roster_obj.employee(person.nip_penilai) if roster_obj is not None else None
        context = Context(instansi, tempat_for(person.unit, roster_obj, profile_obj), day,
                          Signatory(penilai.jabatan if penilai else "", person.nama_penilai,
                                    person.nip_penilai),
                          penetap)
        planned.append((entry, _target(output, person, entry), context))
    existing = [target for _, target, _ in planned if target.exists()]
    if existing and not force:
        raise UsageError(f"{len(existing)} berkas angka kredit sudah ada, misalnya {existing[0]}.",
                         hint="Gunakan --force untuk menimpa, atau pilih folder lain.",
                         en=f"{len(existing)} angka kredit papers already exist, for example "
                            f"{existing[0]}.",
                         hint_en="Use --force to overwrite them, or choose another folder.")
    for entry, target, context in planned:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"Folder {target.parent} tidak bisa dibuat: {exc.strerror or exc}.",
                              hint="Periksa izin tulis dan ruang kosong pada folder keluaran.",
                              en=f"Folder {target.parent} cannot be created: "
                                 f"{exc.strerror or exc}.",
                              hint_en="Check the output folder's write permission and free "
                                      "space.") from exc
        save(employee_workbook(entry.person, entry.ak, context, awal=entry.awal,
                               progress=entry.progress), target, force=True)
        entry.output = str(target)
        entry.sheets = [sheet_name(line.period) for line in entry.ak.lines]
        if entry.progress is not None:
            entry.sheets += ["Akumulasi", "PAK"]
    return result

