"""``skpxl demo``: one whole quarter of Bawaslu Provinsi Jawa Timur in one folder.

The demo runs the real library on fictional data, step by step, the way a HR officer would:

    DIR/0-data/       the roster (and plans, and the agency profile instansi.toml) used
    DIR/1-skp/        ``generate``: one pre-filled workbook per employee, per unit
    DIR/2-kembali/    simulated returns: most valid, ~10 % with a typical mistake,
                      ~5 % never returned
    DIR/3-perbaikan/  ``validate --annotate``: marked-up copies to send back to staff
    DIR/4-rekap/      ``merge``: one report per unit, then the province report
    DIR/RINGKASAN.txt the guided summary printed at the end

Data come from ``samples/`` next to a source checkout; an installed wheel has no samples,
so a fictional roster of the same shape is made on the fly (see :func:`fictional_roster`).
A marker file makes a demo folder recognisable: a second run refuses unless ``force``, and
then removes only what the previous demo wrote.
"""

from __future__ import annotations

import csv
import importlib
import importlib.util
import json
import os
import random
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable


from . import __version__
from .errors import UsageError
from .naming import slug
from .periods import parse_period
from .textfmt import count
from .demotext import counted, render_summary, say
from .demotext import show as _show
from .problems import Problem

MARKER = ".skpxl-demo.json"
DEFAULT_DIR = "skpxl-demo"
PERIOD = "2025-Q3"
ORG_PREDIKAT = "Baik"
PROVINCE_REPORT = "provinsi-jawa-timur.xlsx"
SUMMARY_FILE = "RINGKASAN.txt"
PARTS = ("0-data", "1-skp", "2-kembali", "3-perbaikan", "4-rekap", SUMMARY_FILE)
MISSING_SHARE = 0.05
MISTAKE_SHARE = 0.10

SAMPLE_ROSTER = "pegawai-bawaslu-jatim"
SAMPLE_PLANS = "rencana-kerja"
#: the agency profile of the samples (agency, region, order of the units), passed to merge
SAMPLE_PROFILE = "instansi.toml"

#: ``progress(label, total)`` returns ``advance(n)``; ``echo(text)`` prints a step line
Progress = Callable[[str, int], Callable[[int], None]]
Echo = Callable[[str], None]


@dataclass
class DemoResult:
    """What the demo made and found; ``summary()`` is the text the CLI prints."""

    directory: str
    period: str
    source: str  # "samples" | "generated"
    roster: str
    plans: str | None = None
    profile: str | None = None   # the agency profile (samples/instansi.toml), passed to merge
    units: list[str] = field(default_factory=list)
    employees: int = 0
    generated: int = 0
    generate_failed: int = 0
    returned: int = 0
    not_returned: list[dict] = field(default_factory=list)
    mistakes: dict[str, str] = field(default_factory=dict)  # returned file -> mistake
    validation: dict | None = None  # ValidationReport.stats()
    problems: dict[str, dict] = field(default_factory=dict)  # code -> files, count, example
    annotated: list[str] = field(default_factory=list)
    invalid_files: list[str] = field(default_factory=list)
    unit_reports: list[str] = field(default_factory=list)
    unit_failures: list[dict] = field(default_factory=list)
    province_report: str | None = None
    province: dict | None = None  # MergeResult.to_dict() of the province report
    notes: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    lang: str = "id"  # of the notes, the examples and the summary
    written: list = field(default_factory=list, repr=False)  # GeneratedFile records

    @property
    def ok(self) -> bool:
        return not self.generate_failed and not self.unit_failures

    def to_dict(self) -> dict:
        return {"directory": self.directory, "period": self.period, "source": self.source,
                "roster": self.roster, "plans": self.plans, "profile": self.profile,
                "units": len(self.units),
                "employees": self.employees, "generated": self.generated,
                "generate_failed": self.generate_failed, "returned": self.returned,
                "not_returned": self.not_returned,
                "mistakes": dict(sorted(Counter(self.mistakes.values()).items())),
                "validation": self.validation, "problems": self.problems,
                "annotated": len(self.annotated), "unit_reports": len(self.unit_reports),
                "unit_failures": self.unit_failures, "province_report": self.province_report,
                "province": self.province, "notes": self.notes, "seconds": self.seconds}

    def summary(self, lang: str | None = None) -> str:
        """The guided summary, in ``lang`` (the demo's language by default)."""
        return render_summary(self, lang or self.lang)

    def note(self, key: str, **figures) -> None:
        """Add the note ``key`` of :data:`skpxl.demotext.TEXTS`, in the demo's language."""
        self.notes.append(say(key, self.lang, **figures))


# --- data ----------------------------------------------------------------------------------

def samples_dir() -> Path | None:
    """The bundled samples (installed with skpxl, or ``samples/`` of a checkout), or None."""
    from .resources import samples_dir as bundled
    folder = bundled()
    return folder if (folder / f"{SAMPLE_ROSTER}.csv").is_file() else None


_GIVEN = ("Agus", "Budi", "Citra", "Dewi", "Eko", "Fitri", "Gilang", "Hana", "Indra", "Joko",
          "Kartika", "Lukman", "Maya", "Nur", "Oki", "Putri", "Rizky", "Sari", "Taufik", "Wulan",
          "Yusuf", "Zahra", "Bayu", "Dian", "Fajar", "Intan", "Rahmat", "Siti", "Teguh", "Vina")
_FAMILY = ("Santoso", "Wibowo", "Rahayu", "Prasetyo", "Lestari", "Hidayat", "Kurniawan",
           "Susanti", "Setiawan", "Handayani", "Saputra", "Wijayanti", "Nugroho", "Anggraini",
           "Firmansyah", "Maharani", "Gunawan", "Permata", "Hakim", "Puspita")
#: the 38 kab/kota of Jawa Timur, Kemendagri code order (3501-3529, 3571-3579)
_REGIONS = tuple(f"Kabupaten {n}" for n in (
    "Pacitan", "Ponorogo", "Trenggalek", "Tulungagung", "Blitar", "Kediri", "Malang", "Lumajang",
    "Jember", "Banyuwangi", "Bondowoso", "Situbondo", "Probolinggo", "Pasuruan", "Sidoarjo",
    "Mojokerto", "Jombang", "Nganjuk", "Madiun", "Magetan", "Ngawi", "Bojonegoro", "Tuban",
    "Lamongan", "Gresik", "Bangkalan", "Sampang", "Pamekasan", "Sumenep")) + tuple(
    f"Kota {n}" for n in ("Kediri", "Blitar", "Malang", "Probolinggo", "Pasuruan", "Mojokerto",
                          "Madiun", "Surabaya", "Batu"))
_STAFF = (  # jabatan, jenis, jenjang, status, pangkat
    ("Pengadministrasi Perkantoran", "Pelaksana", "", "PNS", "Pengatur (II/c)"),
    ("Penata Kelola Pemilu", "Pelaksana", "", "PNS", "Penata Muda (III/a)"),
    ("Analis Pengawasan Pemilu", "Pelaksana", "", "PNS", "Penata Muda Tk. I (III/b)"),
    ("Pranata Komputer Ahli Pertama", "Fungsional", "Ahli Pertama", "PNS", "Penata Muda (III/a)"),
    ("Analis SDM Aparatur Ahli Muda", "Fungsional", "Ahli Muda", "PNS", "Penata (III/c)"),
    ("Penata Layanan Operasional", "Pelaksana", "", "PPPK", "IX"),
    ("Pengelola Keuangan", "Pelaksana", "", "CPNS", "Penata Muda (III/a)"),
)
_HEADER = ["NIP", "Nama", "Status ASN", "Pangkat/Gol", "Jabatan", "Jenis Jabatan", "Jenjang",
           "Unit Kerja", "Instansi", "NIP Penilai", "Pendekatan", "Tempat"]


def _nip(rng: random.Random, used: set[str], *, pppk: bool, cpns: bool = False) -> str:
    """A valid-looking fictional NIP (PNS/CPNS) or NI PPPK, unique within ``used``."""
    birth = date(rng.randint(1972, 1998), rng.randint(1, 12), rng.randint(1, 28))
    sex = rng.choice("12")
    if pppk:
        head = f"{birth:%Y%m%d}{rng.randint(max(2021, birth.year + 20), 2024)}21{sex}"
    else:
        year = 2024 if cpns else rng.randint(birth.year + 22, min(birth.year + 30, 2022))
        head = f"{birth:%Y%m%d}{year}{rng.randint(1, 12):02d}{sex}"
    seq = 1
    while f"{head}{seq:03d}" in used:
        seq += 1
    used.add(f"{head}{seq:03d}")
    return f"{head}{seq:03d}"


def fictional_roster(units: int = 1 + len(_REGIONS), *, seed: int = 2025) -> list[list[str]]:
    """Rows (header first) of a small fictional Bawaslu Jawa Timur roster.

    The province secretariat plus ``units - 1`` kab/kota secretariats, nine staff each: a
    head, a Kepala Subbagian under the head, seven staff under the Kepala Subbagian. Kab/kota
    heads are assessed by the province head. Same seed, same rows.
    """
    rng = random.Random(seed)
    used: set[str] = set()
    names: set[str] = set()
    instansi = "Badan Pengawas Pemilihan Umum"

    def name() -> str:
        while True:
            text = f"{rng.choice(_GIVEN)} {rng.choice(_GIVEN)} {rng.choice(_FAMILY)}"
            if text not in names:
                names.add(text)
                return text

    rows = [list(_HEADER)]
    province_head = ""
    for index in range(max(1, units)):
        region = "Provinsi Jawa Timur" if index == 0 else _REGIONS[(index - 1) % len(_REGIONS)]
        unit = f"Sekretariat Bawaslu {region}"
        tempat = "Surabaya" if index == 0 else region.split(" ", 1)[1]
        head = _nip(rng, used, pppk=False)
        if index == 0:
            province_head = head
            rows.append([head, name() + ", S.H., M.H.", "PNS", "Pembina Tk. I (IV/b)",
                         f"Kepala {unit}", "JPT", "", unit, instansi, "", "kuantitatif", tempat])
        else:
            rows.append([head, name() + ", S.E.", "PNS", "Pembina (IV/a)",
                         f"Koordinator {unit}", "Administrator", "", unit, instansi,
                         province_head, "kuantitatif", tempat])
        kasubbag = _nip(rng, used, pppk=False)
        rows.append([kasubbag, name() + ", S.Sos.", "PNS", "Penata Tk. I (III/d)",
                     "Kepala Subbagian Administrasi", "Pengawas", "", unit, instansi, head,
                     "kuantitatif", tempat])
        for jabatan, jenis, jenjang, status, pangkat in _STAFF:
            nip = _nip(rng, used, pppk=status == "PPPK", cpns=status == "CPNS")
            rows.append([nip, name(), status, pangkat, jabatan, jenis, jenjang, unit, instansi,
                         kasubbag, "kualitatif" if rng.random() < 0.2 else "kuantitatif",
                         tempat])
    return rows


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


def _subset_rows(path: Path, units: int) -> list[list[str]]:
    """Header and rows of the first ``units`` units of a roster CSV, in file order.

    The first unit of the sample roster is the province secretariat, whose staff assess the
    kab/kota heads, so every subset keeps its assessors.
    """
    with open(path, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    column = [h.strip().lower() for h in rows[0]].index("unit kerja")
    chosen: list[str] = []
    for row in rows[1:]:
        if row[column] not in chosen:
            chosen.append(row[column])
    keep = set(chosen[:units])
    return [rows[0]] + [row for row in rows[1:] if row[column] in keep]


def prepare_data(data_dir: Path, *, units: int | None, seed: int) -> tuple[str, Path, Path | None]:
    """Copy or make the roster (and plans) in ``data_dir``: ``(source, roster, plans)``."""
    data_dir.mkdir(parents=True, exist_ok=True)
    samples = samples_dir()
    if samples is None:
        roster = data_dir / "pegawai-contoh.csv"
        _write_csv(roster, fictional_roster(units or 1 + len(_REGIONS), seed=seed))
        return "generated", roster, None
    plans_csv = samples / f"{SAMPLE_PLANS}.csv"
    if units is None and (samples / f"{SAMPLE_ROSTER}.xlsx").is_file():
        roster = data_dir / f"{SAMPLE_ROSTER}.xlsx"
        shutil.copy2(samples / f"{SAMPLE_ROSTER}.xlsx", roster)
        plans_xlsx = samples / f"{SAMPLE_PLANS}.xlsx"
        source_plans = plans_xlsx if plans_xlsx.is_file() else plans_csv
    else:
        roster = data_dir / f"{SAMPLE_ROSTER}.csv"
        if units is None:
            shutil.copy2(samples / f"{SAMPLE_ROSTER}.csv", roster)
        else:
            _write_csv(roster, _subset_rows(samples / f"{SAMPLE_ROSTER}.csv", units))
        source_plans = plans_csv
    plans = None
    if source_plans.is_file():
        plans = data_dir / source_plans.name
        shutil.copy2(source_plans, plans)
    if (samples / SAMPLE_PROFILE).is_file():
        shutil.copy2(samples / SAMPLE_PROFILE, data_dir / SAMPLE_PROFILE)
    return "samples", roster, plans


# --- the folder: refuse, or clear only what a previous demo wrote --------------------------

def prepare_directory(directory: Path, *, force: bool, parts=PARTS, period: str = PERIOD) -> None:
    """Make ``directory`` ready for a fresh demo, or raise :class:`UsageError`.

    Like an existing report without ``--force`` (``skpxl merge``), a folder that cannot take
    the demo is a usage error (exit code 2): the user picks another folder or adds --force.
    With ``force`` what the previous demo wrote (the parts its marker lists, a quarter's or
    a year's) and ``parts`` are removed, nothing else.
    """
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"'{directory}' adalah file, bukan folder.",
                         hint="Pilih folder lain untuk demo, misalnya: skpxl demo skpxl-demo",
                         en=f"'{directory}' is a file, not a folder.",
                         hint_en="Choose another folder for the demo, e.g.: skpxl demo skpxl-demo")
    if directory.is_dir() and any(directory.iterdir()):
        marker = directory / MARKER
        if not _is_demo_marker(marker):
            raise UsageError(
                f"Folder '{directory}' sudah berisi file lain dan bukan folder demo skpxl; "
                "demo tidak menulis ke sana (juga tidak dengan --force).",
                hint="Pilih folder baru atau kosong, misalnya: skpxl demo skpxl-demo-2",
                en=f"Folder '{directory}' holds other files and is not a skpxl demo folder; "
                   "the demo does not write there (not even with --force).",
                hint_en="Choose a new or empty folder, e.g.: skpxl demo skpxl-demo-2")
        if not force:
            raise UsageError(
                f"Folder '{directory}' sudah berisi hasil demo sebelumnya; hasil dua demo tidak "
                "dicampur.", hint="Tambahkan --force untuk menghapus hasil demo sebelumnya dan "
                "mengulang, atau pilih folder lain.",
                en=f"Folder '{directory}' already holds an earlier demo; two demos are not "
                   "mixed.", hint_en="Add --force to remove the earlier demo and run again, or "
                                     "choose another folder.")
        for name in set(parts) | set(_marker_parts(marker)) | {MARKER}:
            _remove(directory / name)
    directory.mkdir(parents=True, exist_ok=True)
    marker_data = {"tool": "skpxl demo", "version": __version__, "period": period,
                   "parts": list(parts)}
    (directory / MARKER).write_text(json.dumps(marker_data, indent=2) + "\n", encoding="utf-8")


def _is_demo_marker(path: Path) -> bool:
    try:
        return json.loads(path.read_text("utf-8")).get("tool") == "skpxl demo"
    except (OSError, ValueError, AttributeError):
        return False


def _marker_parts(path: Path) -> list[str]:
    """The parts an earlier demo wrote, as its marker lists them: plain names only (a marker
    is a file anyone could edit; nothing outside the folder is ever removed)."""
    try:
        parts = json.loads(path.read_text("utf-8")).get("parts") or []
    except (OSError, ValueError, AttributeError):
        return []
    return [p for p in parts if isinstance(p, str) and p not in ("", ".", "..")
            and Path(p).name == p and "/" not in p and "\\" not in p]


def _remove(path: Path) -> None:
    """Remove one entry the demo wrote; a symlink is unlinked, never followed."""
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)


# --- workers -------------------------------------------------------------------------------

def _fill_task(task: tuple) -> tuple[str, str | None]:
    """Worker: write one simulated return; ``(target, error)``."""
    from .simulate import fill_workbook
    source, target, seed, mistake = task
    try:
        fill_workbook(Path(source), Path(target), rng=random.Random(seed), mistake=mistake)
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the demo
        return target, f"{type(exc).__name__}: {exc}"
    return target, None


def _annotate_task(task: tuple) -> list[tuple[str, str]]:
    """Worker: annotated copies of a few reports (file names are unique NIP-based names),
    each with its source."""
    from .annotate import annotate_files
    reports, outdir = task
    return [(str(p), r.path) for p, r in zip(annotate_files(reports, Path(outdir)), reports)]


def _chunks(items: list, jobs: int) -> list[list]:
    """Small chunks (a progress bar that moves), never fewer than one per worker."""
    size = max(1, min(4, len(items) // max(1, (jobs or os.cpu_count() or 1))))
    return [items[i:i + size] for i in range(0, len(items), size)]


def _merge_unit_task(task: tuple) -> dict:
    """Worker: merge one unit's sources (its returned folder; for a year, its quarterly
    reports and annual evaluations) into its report."""
    sources, unit, period, roster, profile, output = task
    try:
        from .merge import merge
        merge(sources, period=period, roster=roster, org_predikat=ORG_PREDIKAT,
              output=output, level="unit", unit=unit, jobs=1, profile=profile)
        return {"unit": unit, "output": output, "error": None}
    except Exception as exc:  # noqa: BLE001 - the other units still get their report
        return {"unit": unit, "output": output,
                "error": f"{type(exc).__name__}: {getattr(exc, 'message', exc)}"}


def merge_units(units: list[str], sources: Callable[[str], list[str]], *, period: str,
                roster, profile, outdir: Path, suffix: str = "", jobs=0,
                start=None) -> tuple[list[str], list[dict]]:
    """One report per unit, ``outdir/<unit-slug><suffix>.xlsx``, from ``sources(unit)``, in
    parallel: ``(reports written, [{unit, error}] of the units that failed)``."""
    from .executor import map_ordered
    outdir.mkdir(parents=True, exist_ok=True)
    tasks = [(sources(unit), unit, period, str(roster), profile,
              str(outdir / f"{slug(unit, fallback='unit')}{suffix}.xlsx")) for unit in units]
    reports, failures = [], []
    for outcome in map_ordered(_merge_unit_task, tasks, jobs, _start(start, len(tasks))):
        if outcome["error"]:
            failures.append({"unit": outcome["unit"], "error": outcome["error"]})
        else:
            reports.append(outcome["output"])
    return reports, failures


@dataclass
class Returns:
    """What the simulated staff sent back (:func:`simulate_returns`)."""

    absent: list = field(default_factory=list)     # generated records never sent back
    mistakes: dict[str, str] = field(default_factory=dict)   # returned file -> mistake
    returned: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)   # (file, error)


def simulate_returns(written: list, outdir: Path, seed: str, *, jobs=0, start=None,
                     planned: bool = True) -> Returns:
    """Fill in the ``written`` workbooks as their owners would and put them in
    ``outdir/<unit-slug>/``. ``planned``: some are never sent and some come back with a
    typical mistake (:func:`plan_returns`); else every one comes back filled in."""
    from .executor import map_ordered
    missing, mistakes = plan_returns([f.path for f in written], seed) if planned else (set(), {})
    out = Returns()
    tasks = []
    for record in written:
        unit_dir = outdir / slug(record.unit, fallback="unit")
        unit_dir.mkdir(parents=True, exist_ok=True)
        if record.path in missing:
            out.absent.append(record)
            continue
        target = str(unit_dir / Path(record.path).name)
        if record.path in mistakes:
            out.mistakes[target] = mistakes[record.path]
        tasks.append((record.path, target, f"{seed}:{record.nip}", mistakes.get(record.path)))
    for target, error in map_ordered(_fill_task, tasks, jobs, _start(start, len(tasks))):
        if error:
            out.failed.append((target, error))
        else:
            out.returned += 1
    return out


def _merge_available() -> str | None:
    """None when ``skpxl.merge`` can be used, else the reason it cannot."""
    if importlib.util.find_spec("skpxl.merge") is None:
        return "modul skpxl.merge belum tersedia"
    try:
        module = importlib.import_module("skpxl.merge")
    except Exception as exc:  # noqa: BLE001 - reported as a skipped step
        return f"skpxl.merge tidak dapat dimuat ({type(exc).__name__}: {exc})"
    return None if hasattr(module, "merge") else "skpxl.merge belum memiliki fungsi merge()"


# --- the run -------------------------------------------------------------------------------

def plan_returns(paths: list[str], seed: int) -> tuple[set[str], dict[str, str]]:
    """Which generated files are never returned, and which come back with which mistake."""
    from .simulate import MISTAKES
    order = sorted(paths)
    random.Random(seed).shuffle(order)
    missing = max(1, round(len(order) * MISSING_SHARE)) if len(order) > 2 else 0
    wrong = max(1, round(len(order) * MISTAKE_SHARE)) if len(order) > 1 else 0
    mistakes = {path: MISTAKES[i % len(MISTAKES)]
                for i, path in enumerate(order[missing:missing + wrong])}
    return set(order[:missing]), mistakes


def run_demo(directory=DEFAULT_DIR, *, force: bool = False, jobs: int = 0, seed: int = 2025,
             units: int | None = None, progress: Progress | None = None,
             echo: Echo | None = None, lang: str = "id") -> DemoResult:
    """Run a whole quarter (generate, returns, validate, annotate, merge) into ``directory``.

    ``units`` limits the demo to the first N units (the province secretariat first), for
    tests and quick looks. ``progress(label, total)`` returns a callable advanced per item;
    ``echo(text)`` receives one line per finished step, in ``lang`` like the notes and the
    summary (the workbooks themselves are Indonesian). Raises :class:`UsageError` when
    ``directory`` holds a previous demo (unless ``force``) or anything else.
    """
    if units is not None and units < 1:
        raise UsageError("--units harus 1 atau lebih.", en="--units must be 1 or more.")
    tell = echo or (lambda text: None)
    root = Path(directory)
    prepare_directory(root, force=force)
    tell(say("start", lang, dir=_show(root)))
    clock = time.perf_counter()
    source, roster, plans = prepare_data(root / "0-data", units=units, seed=seed)
    result = DemoResult(str(root), parse_period(PERIOD).kode, source, str(roster),
                        str(plans) if plans else None, lang=lang)
    if (root / "0-data" / SAMPLE_PROFILE).is_file():
        result.profile = str(root / "0-data" / SAMPLE_PROFILE)
    if source == "generated":
        result.note("no_samples")

    def bar(key: str):
        label = say(key, lang)
        return (lambda total: progress(label, total)) if progress else None

    steps = (("generate", _generate_step), ("simulate", _returns_step),
             ("validate", _validate_step), ("merge", _merge_step))
    run_steps(steps, result, tell, clock, root, roster, plans, jobs, seed, bar)
    return result


def run_steps(steps, result, tell: Echo, clock: float, root: Path, *args) -> None:
    """Run each ``(name, step)`` in order, ``step(result, root, *args)`` returning its line
    for ``tell``; their seconds and the total go to ``result.seconds``, the summary to
    ``root/RINGKASAN.txt``."""
    for name, step in steps:
        started = time.perf_counter()
        tell(step(result, root, *args))
        result.seconds[name] = round(time.perf_counter() - started, 1)
    result.seconds["total"] = round(time.perf_counter() - clock, 1)
    (root / SUMMARY_FILE).write_text(result.summary() + "\n", encoding="utf-8")


def _generate_step(result: DemoResult, root: Path, roster, plans, jobs, seed, bar) -> str:
    from .generate import generate
    generated = generate(roster, result.period, root / "1-skp", plans=plans, jobs=jobs,
                         progress=bar("bar_generate"))
    result.written = [f for f in generated.files if f.status == "written"]
    result.units = sorted({f.unit for f in generated.files})
    result.employees = len(generated.files)
    result.generated = len(result.written)
    result.generate_failed = generated.count("failed")
    return say("generated", result.lang, n=count(result.generated, "workbook", lang=result.lang),
               units=count(len(result.units), "unit", lang=result.lang),
               dir=_show(root / "1-skp"))


def _returns_step(result: DemoResult, root: Path, roster, plans, jobs, seed, bar) -> str:
    returned_dir = root / "2-kembali"
    returns = simulate_returns(result.written, returned_dir, seed, jobs=jobs,
                               start=bar("bar_returns"))
    result.not_returned = [{"nip": r.nip, "nama": r.nama, "unit": r.unit}
                           for r in returns.absent]
    result.mistakes, result.returned = returns.mistakes, returns.returned
    for target, error in returns.failed:
        result.note("fill_failed", target=target, error=error)
    return say("returned", result.lang, n=count(result.returned, "file", lang=result.lang),
               missing=counted(len(result.not_returned), "pegawai", "employee", result.lang), dir=_show(returned_dir))


def _validate_step(result: DemoResult, root: Path, roster, plans, jobs, seed, bar) -> str:
    from .executor import map_ordered
    from .validate import validate
    annotate_dir = root / "3-perbaikan"
    report = validate([root / "2-kembali"], roster=roster, period=result.period, jobs=jobs,
                      progress=bar("bar_validate"), lang=result.lang)
    result.validation = report.stats()
    result.problems = problem_counts(report.files, result.lang)
    result.invalid_files = [f.path for f in report.files if not f.valid]
    # the same copies as ``validate --annotate``, written in parallel here: each copy takes
    # about a second (openpyxl loads and saves the whole workbook)
    if importlib.util.find_spec("skpxl.annotate") is None:
        result.note("no_annotate")
    else:
        from .annotate import replace_copies
        flagged = [f for f in report.files if f.must_fix]   # as validate --annotate
        tasks = [(chunk, str(annotate_dir)) for chunk in _chunks(flagged, jobs)]
        annotate_dir.mkdir(parents=True, exist_ok=True)
        written = {}
        for pairs in map_ordered(_annotate_task, tasks, jobs,
                                 _start(bar("bar_annotate"), len(tasks))):
            written.update(pairs)
        result.annotated = sorted(written)
        replace_copies(annotate_dir, {Path(p): s for p, s in written.items()},
                       [f.path for f in report.files])
    return say("validated", result.lang, valid=result.validation["valid"],
               invalid=result.validation["invalid"],
               marked=counted(len(result.annotated), "salinan", "copy", result.lang, "copies"), dir=_show(annotate_dir))


def _merge_step(result: DemoResult, root: Path, roster, plans, jobs, seed, bar) -> str:
    reason = _merge_available()
    if reason:
        result.note("no_merge", reason=reason)
        return say("merge_skipped", result.lang, reason=reason)
    _merge_all(result, root, roster, jobs, bar)
    return say("merged", result.lang,
               n=counted(len(result.unit_reports), "rekap unit", "unit report", result.lang),
               province=say("merged_province", result.lang) if result.province_report else "",
               dir=_show(root / "4-rekap"))


def _merge_all(result: DemoResult, root: Path, roster: Path, jobs: int, bar) -> None:
    from .merge import merge
    rekap = root / "4-rekap"
    profile = result.profile
    result.unit_reports, result.unit_failures = merge_units(
        result.units, lambda unit: [str(root / "2-kembali" / slug(unit, fallback="unit"))],
        period=result.period, roster=roster, profile=profile, outdir=rekap, jobs=jobs,
        start=bar("bar_units"))
    if not result.unit_reports:
        return
    output = rekap / PROVINCE_REPORT
    try:
        province = merge(result.unit_reports, period=result.period, roster=roster,
                         org_predikat=ORG_PREDIKAT, output=output, level="province", jobs=jobs,
                         progress=bar("bar_province"), lang=result.lang, profile=profile)
    except Exception as exc:  # noqa: BLE001 - reported, the unit reports are still there
        result.note("province_failed",
                    error=f"{type(exc).__name__}: {getattr(exc, 'message', exc)}")
        return
    result.province_report = str(output)
    result.province = province.to_dict()
    rejected: dict[str, list[str]] = {}
    for item in result.province.get("rejected") or []:
        rejected.setdefault(str(item.get("reason")), []).append(Path(str(item.get("path"))).name)
    for reason, names in rejected.items():
        result.note("province_rejected", n=len(names), example=names[0], reason=reason)


def _start(start, total: int):
    return start(total) if start else None


def problem_counts(files, lang: str = "id") -> dict[str, dict]:
    """Per problem code: files affected, occurrences, severity and one example message."""
    out: dict[str, dict] = {}
    for report in files:
        seen = set()
        for problem in report.issues:
            entry = out.setdefault(problem.code, {"files": 0, "count": 0,
                                                  "severity": problem.severity,
                                                  "example": _example(problem, report.path,
                                                                      lang)})
            entry["count"] += 1
            if problem.code not in seen:
                entry["files"] += 1
                seen.add(problem.code)
    return dict(sorted(out.items(), key=lambda kv: (kv[1]["severity"] != "error",
                                                    -kv[1]["files"], kv[0])))


def _example(problem: Problem, path: str, lang: str = "id") -> str:
    where = f"{problem.sheet}!{problem.cell}" if problem.sheet and problem.cell else ""
    return f"{where + ': ' if where else ''}{problem.message(lang)}"
