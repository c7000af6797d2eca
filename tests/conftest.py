"""Shared fixtures: a small realistic roster and plans file, and LibreOffice access.

The roster has two units. Sekretariat Bawaslu Kota Batu: an Administrator head (no NIP
Penilai), a Pengawas under the head, and under the Pengawas a Pelaksana, a Fungsional
(Ahli Pertama) and a PPPK. Bawaslu Kabupaten Blitar: a JPT head (no NIP Penilai) and one
Pelaksana. Every NIP passes :func:`skpxl.nip.check_nip`.

LibreOffice tests ask for the ``soffice`` fixture: it skips when LibreOffice is absent,
unless ``SKPXL_REQUIRE_LIBREOFFICE=1`` (set by ``.ci/run``), where a missing LibreOffice is
a failure — CI must never go green by skipping them.
"""

from __future__ import annotations

import copy
import csv
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import pytest

UNIT_KOTA = "Sekretariat Bawaslu Kota Batu"
UNIT_KAB = "Bawaslu Kabupaten Blitar"
INSTANSI = "Badan Pengawas Pemilihan Umum"

ROSTER_HEADER = ["NIP", "Nama", "Status ASN", "Pangkat/Gol", "Jabatan", "Jenis Jabatan",
                 "Jenjang", "Unit Kerja", "Instansi", "NIP Penilai"]

HEAD_NIP = "197805122003121002"
PENGAWAS_NIP = "198203072006042001"
PELAKSANA_NIP = "199001152015031003"
FUNGSIONAL_NIP = "199506202019032004"
PPPK_NIP = "199203152024212001"
JPT_NIP = "197011232000031001"
KAB_STAFF_NIP = "198811302012121002"

_ROSTER = [
    [HEAD_NIP, "Dr. Hendra Wijaya, S.H., M.H.", "PNS", "Pembina Tk. I (IV/b)",
     "Koordinator Sekretariat", "Administrator", "", UNIT_KOTA, INSTANSI, ""],
    [PENGAWAS_NIP, "Sri Rahayu, S.E.", "PNS", "Penata Tk. I (III/d)",
     "Kepala Subbagian Administrasi", "Pengawas", "", UNIT_KOTA, INSTANSI, HEAD_NIP],
    [PELAKSANA_NIP, "Agus Setiawan", "PNS", "Pengatur (II/c)", "Pengadministrasi Perkantoran",
     "Pelaksana", "", UNIT_KOTA, INSTANSI, PENGAWAS_NIP],
    [FUNGSIONAL_NIP, "Dewi Kartika Sari, S.Kom.", "PNS", "Penata Muda (III/a)",
     "Pranata Komputer Ahli Pertama", "Fungsional", "Ahli Pertama", UNIT_KOTA, INSTANSI,
     PENGAWAS_NIP],
    [PPPK_NIP, "Nur Aini", "PPPK", "IX", "Penata Layanan Operasional", "Pelaksana", "",
     UNIT_KOTA, INSTANSI, PENGAWAS_NIP],
    [JPT_NIP, "Ir. Bambang Susilo, M.Si.", "PNS", "Pembina Utama Muda (IV/c)",
     "Kepala Sekretariat", "JPT", "", UNIT_KAB, INSTANSI, ""],
    [KAB_STAFF_NIP, "Rudi Hartono", "PNS", "Penata Muda Tk. I (III/b)", "Analis Pengawasan",
     "Pelaksana", "", UNIT_KAB, INSTANSI, JPT_NIP],
]

PLANS_HEADER = ["NIP", "Jenis", "RHK", "RHK Pimpinan", "Aspek", "IKI", "Target", "Satuan"]

HEAD_RHK = [
    "Terlaksananya dukungan administrasi pengawasan pemilu yang tertib dan akuntabel",
    "Meningkatnya kualitas pengelolaan keuangan dan barang milik negara",
]
PENGAWAS_RHK = "Tersusunnya laporan administrasi umum dan kepegawaian tepat waktu"

_PLANS = [
    [HEAD_NIP, "Utama", HEAD_RHK[0], "", "Kuantitas",
     "Jumlah kegiatan pengawasan yang didukung administrasinya", 12, "kegiatan"],
    [HEAD_NIP, "Utama", HEAD_RHK[0], "", "Kualitas",
     "Persentase dokumen pertanggungjawaban tanpa catatan", 95, "persen"],
    [HEAD_NIP, "Utama", HEAD_RHK[0], "", "Waktu",
     "Ketepatan waktu penyampaian laporan", 3, "bulan"],
    [HEAD_NIP, "Utama", HEAD_RHK[1], "", "Kuantitas",
     "Jumlah laporan keuangan yang disusun", 4, "laporan"],
    [HEAD_NIP, "Utama", HEAD_RHK[1], "", "Kualitas",
     "Persentase temuan pemeriksaan yang ditindaklanjuti", 100, "persen"],
    [HEAD_NIP, "Utama", HEAD_RHK[1], "", "Waktu",
     "Ketepatan waktu rekonsiliasi BMN", 3, "bulan"],
    [HEAD_NIP, "Utama", HEAD_RHK[1], "", "Biaya",
     "Persentase realisasi anggaran", 92.5, "persen"],
    [PENGAWAS_NIP, "Utama", PENGAWAS_RHK, HEAD_RHK[0], "Kuantitas",
     "Jumlah laporan administrasi umum", 3, "laporan"],
    [PENGAWAS_NIP, "Utama", PENGAWAS_RHK, HEAD_RHK[0], "Kualitas",
     "Persentase laporan diterima tanpa revisi", 90, "persen"],
    [PENGAWAS_NIP, "Utama", PENGAWAS_RHK, HEAD_RHK[0], "Waktu",
     "Ketepatan waktu penyampaian laporan bulanan", 3, "bulan"],
]


def write_rows_xlsx(path: Path, rows: list[list], header: list[str] | None = None) -> Path:
    """An .xlsx (openpyxl) whose first sheet holds ``header`` (when given), then ``rows``."""
    import openpyxl
    book = openpyxl.Workbook()
    for row in ([header] if header else []) + rows:
        book.active.append(row)
    book.save(path)
    return path


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    """Write a CSV the way a HR export looks (UTF-8 with BOM, comma separated)."""
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture(params=["fork", "spawn"])
def start_method(request, monkeypatch) -> str:
    """Pool workers started as Linux starts them (fork) and as Windows and macOS do (spawn:
    a fresh Python per worker that imports skpxl and inherits nothing else)."""
    import multiprocessing
    if request.param not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {request.param} start method on this platform")
    monkeypatch.setenv("SKPXL_START_METHOD", request.param)
    return request.param


@pytest.fixture
def roster_rows() -> list[list]:
    """The roster rows (a fresh copy, free to change), in :data:`ROSTER_HEADER` order."""
    return copy.deepcopy(_ROSTER)


@pytest.fixture
def plans_rows() -> list[list]:
    """The plans rows (a fresh copy), in :data:`PLANS_HEADER` order."""
    return copy.deepcopy(_PLANS)


@pytest.fixture
def roster_csv(tmp_path: Path, roster_rows) -> Path:
    """A clean seven-employee roster CSV in ``tmp_path``."""
    return write_csv(tmp_path / "pegawai.csv", ROSTER_HEADER, roster_rows)


@pytest.fixture
def plans_csv(tmp_path: Path, plans_rows) -> Path:
    """Plans for the Kota Batu head (2 RHK) and the Pengawas (cascading the head's first)."""
    return write_csv(tmp_path / "rencana.csv", PLANS_HEADER, plans_rows)


@pytest.fixture(scope="session")
def samples_dir(tmp_path_factory) -> Path:
    """``pegawai.csv`` and ``rencana.csv`` written once for the session: read, never modify."""
    folder = tmp_path_factory.mktemp("samples")
    write_csv(folder / "pegawai.csv", ROSTER_HEADER, _ROSTER)
    write_csv(folder / "rencana.csv", PLANS_HEADER, _PLANS)
    return folder


# --- LibreOffice --------------------------------------------------------------------------


#: The library's LibreOffice locator, and the profile that seeds each throw-away profile:
#: recalculate every formula when loading xlsx/ods files. LibreOffice's default for xlsx is
#: "never recalculate" (it trusts cached results), which would make a formula test read
#: back whatever the writer cached, not what LibreOffice computes.
from skpxl.engines import RECALC_XCU as _RECALC_XCU, find_soffice  # noqa: E402


def missing(message: str, variable: str):
    """Skip the test because something it needs is missing; fail it instead where the
    environment variable ``variable`` says it is required (``.ci/run`` sets them)."""
    if os.environ.get(variable, "") not in ("", "0"):
        pytest.fail(f"{message}, but {variable} is set", pytrace=False)
    pytest.skip(message)


def libreoffice_missing(message: str):
    """:func:`missing` for part of LibreOffice (``SKPXL_REQUIRE_LIBREOFFICE``)."""
    missing(message, "SKPXL_REQUIRE_LIBREOFFICE")


@pytest.fixture(scope="session")
def soffice() -> str:
    """Path to ``soffice``; skip without it, fail without it when LibreOffice is required."""
    path = find_soffice()
    if path is None:
        libreoffice_missing("LibreOffice (soffice) is not installed")
    return path


@pytest.fixture(scope="session")
def convert(soffice, tmp_path_factory):
    """``convert(paths, fmt, outdir, timeout=240) -> [output paths]`` through LibreOffice.

    ``paths`` is one path or a list (one soffice process converts them all, which saves the
    start-up time). Each call gets its own throw-away user profile, so parallel or leftover
    soffice processes never clash over a profile lock; the profile makes LibreOffice
    recalculate formulas on load. ``fmt`` is a ``--convert-to`` argument such as ``pdf``
    or ``xlsx:"Calc MS Excel 2007 XML"``; raises ``AssertionError`` with soffice's output
    when a file was not produced.
    """
    def run(paths, fmt: str, outdir, timeout: float = 240) -> list[Path]:
        sources = [Path(p) for p in ([paths] if isinstance(paths, (str, Path)) else paths)]
        outdir = Path(outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        profile = Path(tempfile.mkdtemp(prefix="lo-profile-",
                                        dir=tmp_path_factory.getbasetemp()))
        (profile / "user").mkdir()
        (profile / "user" / "registrymodifications.xcu").write_text(_RECALC_XCU, "utf-8")
        command = [soffice, "--headless", "--norestore", "--nologo", "--nodefault",
                   "--nolockcheck", f"-env:UserInstallation={profile.as_uri()}",
                   "--convert-to", fmt, "--outdir", str(outdir), *map(str, sources)]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # soffice forks soffice.bin: end both
            stdout, stderr = process.communicate()
            raise AssertionError(f"soffice timed out after {timeout}s: {' '.join(command)}\n"
                                 f"{stdout.decode(errors='replace')}"
                                 f"{stderr.decode(errors='replace')}")
        finally:
            shutil.rmtree(profile, ignore_errors=True)
        extension = fmt.split(":", 1)[0]
        outputs = [outdir / f"{source.stem}.{extension}" for source in sources]
        missing = [str(p) for p in outputs if not p.exists()]
        if process.returncode != 0 or missing:
            raise AssertionError(
                f"soffice exit {process.returncode}, missing {missing}: {' '.join(command)}\n"
                f"{stdout.decode(errors='replace')}{stderr.decode(errors='replace')}")
        return outputs

    return run


# --- LibreOffice through UNO, and Gnumeric ------------------------------------------------

LO_FILL = Path(__file__).resolve().parent.parent / "tools" / "lo_fill.py"


def find_uno_python() -> str | None:
    """A Python that can ``import uno``: SKPXL_UNO_PYTHON, Debian's, or LibreOffice's own."""
    candidates = [os.environ.get("SKPXL_UNO_PYTHON"), "/usr/bin/python3",
                  "/usr/lib/libreoffice/program/python",
                  "/Applications/LibreOffice.app/Contents/Resources/python"]
    for candidate in filter(None, candidates):
        if shutil.which(candidate) and subprocess.run(
                [candidate, "-c", "import uno"], capture_output=True, timeout=60).returncode == 0:
            return candidate
    return None


@pytest.fixture(scope="session")
def uno_python(soffice) -> str:
    """The Python that runs tools/lo_fill.py (skip or fail like ``soffice`` without it)."""
    found = find_uno_python()
    if found is None:
        libreoffice_missing("no Python with LibreOffice's uno module "
                            "(apt-get install python3-uno)")
    return found


def run_lo_fill(uno_python: str, soffice: str, jobs: list[dict], folder: Path, *,
                check: bool = True) -> list[dict]:
    """Run tools/lo_fill.py on ``jobs`` (one LibreOffice for all); with ``check`` every job
    must succeed."""
    import json
    spec = folder / "jobs.json"
    spec.write_text(json.dumps({"jobs": jobs}, ensure_ascii=False), "utf-8")
    done = subprocess.run([uno_python, str(LO_FILL), str(spec), "--soffice", soffice],
                          capture_output=True, text=True, timeout=900)
    assert done.stdout, f"lo_fill.py failed:\n{done.stderr}"
    results = json.loads(done.stdout)["results"]
    if check:
        assert all(r["ok"] for r in results), [r for r in results if not r["ok"]]
    return results


@pytest.fixture(scope="session")
def ssconvert() -> str:
    """Gnumeric's converter: skip without it, fail without it when SKPXL_REQUIRE_GNUMERIC."""
    path = shutil.which("ssconvert")
    if path is None:
        missing("Gnumeric (ssconvert) is not installed", "SKPXL_REQUIRE_GNUMERIC")
    return path


# --- cells of a template, and what staff type through UNO --------------------------------

def cell_of(template, name: str, path: str | None = None) -> tuple[str, str]:
    """(sheet, cell) of a field, or of its instance whose document path is ``path``."""
    fld = template.field(name)
    inst = next(i for i in template.instances(fld) if path is None or i.path == path)
    return fld.sheet, inst.cell


def at(template, name: str, path: str | None = None, **op) -> dict:
    """A tools/lo_fill.py op on a field's cell (its instance at ``path``), addressed as the
    defined name ``name`` + the index of the cell in its range."""
    fld = template.field(name)
    inst = next(i for i in template.instances(fld) if path is None or i.path == path)
    return {"name": name, "index": inst.row - fld.row, **op}


def iki_paths(document: dict) -> list[str]:
    """The document path of every IKI row of the main results, RHK by RHK."""
    return [f"$.hasil_kerja.utama[{b}].iki[{i}]"
            for b, item in enumerate(document.get("hasil_kerja", {}).get("utama") or [])
            for i in range(len(item.get("iki", [])))]


JPT_PLAN = {"rhk": "Meningkatnya kualitas pengawasan pemilihan di kabupaten",
            "iki": [("Persentase laporan pengawasan tepat waktu", 100, "persen"),
                    ("Jumlah rekomendasi yang ditindaklanjuti", 12, "rekomendasi")]}


def staff_ops(workbook: Path, ratings: tuple[str, str]) -> list[dict]:
    """What a staff member and the assessor type and pick in one workbook (tools/lo_fill.py
    ops): a plan when none was sent (JPT_PLAN), every IKI's realisasi (its target) and
    feedback, the behaviour feedback, the organisation's result, the ratings, a note."""
    from skpxl import domain
    from skpxl.extract import extract
    extraction = extract(workbook)
    template, document = extraction.template, extraction.document
    ops = []
    utama = document.get("hasil_kerja", {}).get("utama") or []
    if not utama:  # no plan sent: the employee types one (JPT: with perspektif)
        base = "$.hasil_kerja.utama[0]"
        ops.append(at(template, "hku_rhk", f"{base}.rhk", op="type", value=JPT_PLAN["rhk"]))
        for i, (indikator, target, satuan) in enumerate(JPT_PLAN["iki"]):
            iki = f"{base}.iki[{i}]"
            ops += [at(template, "hku_indikator", f"{iki}.indikator", op="type", value=indikator),
                    at(template, "hku_target", f"{iki}.target", op="type", value=target),
                    at(template, "hku_satuan", f"{iki}.satuan", op="type", value=satuan),
                    at(template, "hku_perspektif", f"{iki}.perspektif", op="pick",
                       value=domain.PERSPEKTIF[i])]
        utama = [{"iki": [{"target": t} for _, t, _ in JPT_PLAN["iki"]]}]
    for b, item in enumerate(utama):
        for i, iki in enumerate(item.get("iki", [])):
            path = f"$.hasil_kerja.utama[{b}].iki[{i}]"
            ops += [at(template, "eku_realisasi", f"{path}.realisasi", op="type",
                       value=iki["target"]),
                    at(template, "eku_umpan_balik", f"{path}.umpan_balik", op="type",
                       value="Sesuai target, bukti dukung terlampir")]
    for n in range(len(domain.BERAKHLAK)):
        ops.append(at(template, "pk_umpan_balik", f"$.perilaku[{n}].umpan_balik", op="type",
                      value="Menunjukkan perilaku yang diharapkan"))
    ops += [{"op": "pick", "name": "capaian_organisasi", "value": "Baik"},
            {"op": "pick", "name": "rating_hasil_kerja", "value": ratings[0]},
            {"op": "pick", "name": "rating_perilaku", "value": ratings[1]},
            {"op": "type", "name": "catatan_rekomendasi", "value": "Pertahankan kinerja."}]
    return ops

