"""Measure LibreOffice strategies for recalculating and printing SKP workbooks.

Compares, on the same generated workbooks in the same run:

* ``batched``  - skpxl's engine: ``soffice --convert-to`` over all files per process start
  (``--jobs 1`` and ``--jobs 2``: one private profile per worker);
* ``listener`` - one ``soffice --accept=pipe`` driven over UNO (tools/lo_fill.py, run with the
  Python that has ``uno``): load, ``calculateAll``, store, for every file;
* ``unoserver`` - the PyPI unoserver (XML-RPC in front of a listening soffice), when
  ``--unoserver-python`` names a Python with ``uno`` and unoserver installed (e.g. a
  ``python3 -m venv --system-site-packages`` venv of /usr/bin/python3). Versions 2.2 and
  3.7 crash Debian 12's LibreOffice 7.4 -nogui (documents loaded without Hidden=True).

Times are medians of ``--repeat`` interleaved runs, LibreOffice's start-up included: wall
seconds, and ``*_cpu``, the CPU seconds of the LibreOffice processes (steadier on a busy
machine). ``unoserver_warm`` excludes the server start, which a long-lived service pays
once. Results and their reading: docs/engines.md::

    python tools/bench_engines.py --sizes 1,20 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import xmlrpc.client
from pathlib import Path

from skpxl.engines import RECALC_XCU, get_engine
from skpxl.generate import build_document
from skpxl.manifest import load_template
from skpxl.periods import parse_period
from skpxl.writer import CompiledTemplate

HERE = Path(__file__).resolve().parent

_UNOSERVER_CLIENT = """
import sys, json
from unoserver.client import UnoClient
port, fmt, outdir, files = int(sys.argv[1]), sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
client = UnoClient(port=str(port))
for f in files:
    out = f"{outdir}/{f.rsplit('/', 1)[1].rsplit('.', 1)[0]}.{fmt}"
    client.convert(inpath=f, outpath=out, convert_to=fmt)
"""


def workbooks(folder: Path, count: int) -> list[Path]:
    """``count`` distinct rated workbooks, written by skpxl (formula results not cached)."""
    from types import SimpleNamespace

    template = load_template("ja-jf-kuantitatif")
    compiled = CompiledTemplate(template)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        emp = SimpleNamespace(nip=f"1990011520150310{number % 100:02d}", nama=f"Pegawai {number}",
                              pangkat="Penata (III/c)", jabatan="Analis", unit_kerja="Unit",
                              status_asn="PNS", jenis_jabatan="Pelaksana", jenjang="",
                              instansi="Bawaslu", tempat="Batu")
        doc = build_document(template, parse_period("2025-Q3"), emp, None, None, None, None,
                             generated_at="2025-10-01T00:00:00+00:00")
        doc["evaluasi"] = {"rating_hasil_kerja": "Sesuai Ekspektasi",
                           "rating_perilaku": "Di Atas Ekspektasi"}
        path = folder / f"w{number:04d}.xlsx"
        path.write_bytes(compiled.render(doc))
        paths.append(path)
    return paths


CPU: list[float] = []  # children's CPU seconds of the last timed() call


def timed(func) -> float:
    """Wall seconds of ``func()``; its child processes' CPU seconds go to ``CPU``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    func()
    wall = round(time.perf_counter() - start, 2)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU[:] = [round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 2)]
    return wall


def batched(files: list[Path], out: Path, kind: str, jobs: int) -> float:
    engine = get_engine("libreoffice")
    if kind == "pdf":
        return timed(lambda: engine.to_pdf(files, out, jobs=jobs, force=True))
    return timed(lambda: engine.recalc(files, out, jobs=jobs, force=True))


def listener(files: list[Path], out: Path, kind: str, uno_python: str) -> float:
    suffix, filt = (".pdf", "calc_pdf_Export") if kind == "pdf" else (
        ".xlsx", "Calc MS Excel 2007 XML")
    jobs = {"jobs": [{"source": str(f), "ops": [{"op": "recalc"}],
                      "save": [{"path": str(out / (f.stem + suffix)), "filter": filt}]}
                     for f in files]}
    spec = out / "jobs.json"
    out.mkdir(parents=True, exist_ok=True)
    spec.write_text(json.dumps(jobs))
    return timed(lambda: subprocess.run([uno_python, str(HERE / "lo_fill.py"), str(spec)],
                                        check=True, capture_output=True, timeout=1800))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def unoserver(files: list[Path], out: Path, kind: str, python: str) -> tuple[float, float]:
    """(seconds until the server answers, seconds for the conversions)."""
    profile = Path(tempfile.mkdtemp(prefix="bench-unoserver-"))
    (profile / "user").mkdir()
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_XCU, "utf-8")
    port, uno_port = free_port(), free_port()
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    server = subprocess.Popen([python, "-m", "unoserver.server", "--interface", "127.0.0.1",
                               "--port", str(port), "--uno-port", str(uno_port),
                               "--user-installation", str(profile)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    try:
        while True:
            try:
                xmlrpc.client.ServerProxy(f"http://127.0.0.1:{port}").info()
                break
            except OSError:
                if server.poll() is not None or time.perf_counter() - start > 120:
                    raise RuntimeError("unoserver did not start") from None
                time.sleep(0.2)
        ready = round(time.perf_counter() - start, 2)
        fmt = "pdf" if kind == "pdf" else "xlsx"
        work = timed(lambda: subprocess.run(
            [python, "-c", _UNOSERVER_CLIENT, str(port), fmt, str(out),
             json.dumps([str(f) for f in files])], check=True, capture_output=True,
            timeout=1800))
        return ready, work
    finally:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(server.pid, sig)  # unoserver and the soffice it started
                server.wait(timeout=20)
                break
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue
        shutil.rmtree(profile, ignore_errors=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,10,40")
    parser.add_argument("--kinds", default="recalc,pdf")
    parser.add_argument("--uno-python", default="/usr/bin/python3")
    parser.add_argument("--unoserver-python")
    parser.add_argument("--repeat", type=int, default=3, help="runs per method (median)")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-engines-") as tmp:
        root = Path(tmp)
        for size in map(int, args.sizes.split(",")):
            files = workbooks(root / f"in{size}", size)
            for kind in args.kinds.split(","):
                runs: dict[str, list[float]] = {}
                for _ in range(args.repeat):  # interleaved, so load changes hit all alike
                    for name, measure in (
                            ("batched_j1", lambda: batched(files, root / "b1", kind, 1)),
                            ("batched_j2", lambda: batched(files, root / "b2", kind, 2)),
                            ("listener", lambda: listener(files, root / "l", kind,
                                                          args.uno_python))):
                        runs.setdefault(name, []).append(measure())
                        runs.setdefault(f"{name}_cpu", []).append(CPU[0])
                    if args.unoserver_python:
                        ready, work = unoserver(files, root / "u", kind, args.unoserver_python)
                        runs.setdefault("unoserver_cold", []).append(round(ready + work, 2))
                        runs.setdefault("unoserver_warm", []).append(work)
                row = {"files": size, "kind": kind,
                       **{k: statistics.median(v) for k, v in runs.items()}}
                rows.append(row)
                print(json.dumps({**row, "runs": runs}), flush=True)
    keys = list(rows[0])
    print("\n| " + " | ".join(keys) + " |\n|" + "---|" * len(keys))
    for row in rows:
        print("| " + " | ".join(str(row.get(k, "")) for k in keys) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
