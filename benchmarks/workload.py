#!/usr/bin/env python3
"""Workloads for benchmarks/run: a synthetic province, its returns, and naive baselines.

    workload.py prepare DIR N          roster of N employees, generated and returned files
    workload.py naive-generate DIR N   openpyxl: load template, fill, save per employee
    workload.py naive-validate DIR N   openpyxl: load each returned file, read, check
    workload.py naive-merge DIR N      openpyxl + pandas: read every file, one table
    workload.py two-step DIR JOBS      unit reports per unit folder, then the province report
    workload.py picking DIR N          CPU ms per file of picking the cells of N returned files,
                                       with the C locator and with its Python twin
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

HEADER = ["NIP", "Nama", "Status ASN", "Pangkat/Gol", "Jabatan", "Jenis Jabatan", "Jenjang",
          "Unit Kerja", "Instansi", "NIP Penilai"]


def nip_for(i: int) -> str:
    """A structurally valid, unique PNS NIP for employee ``i``."""
    year = 1970 + i % 30
    month, day = 1 + i % 12, 1 + i % 28
    tmt = year + 22 + (i % 5)
    return f"{year}{month:02d}{day:02d}{tmt}{1 + i % 12:02d}{1 + i % 2}{i // 360 % 1000:03d}"


def roster_rows(n: int) -> list[list[str]]:
    """``n`` employees in units of about 25, at most 39 units (East Java: 38 kab/kota and
    the province secretariat), so 10,000 employees make 39 units of about 256."""
    units = max(1, min(39, n // 25))
    rows, head = [], None
    for i in range(n):
        number = i * units // n
        unit = f"Sekretariat Bawaslu Kabupaten Uji {number + 1}"
        nip = nip_for(i)
        if i == 0 or number != (i - 1) * units // n:
            head = nip
            rows.append([nip, f"Kepala {i}", "PNS", "Pembina (IV/a)", "Kepala Sekretariat",
                         "Administrator", "", unit, "Badan Pengawas Pemilihan Umum", ""])
        else:
            rows.append([nip, f"Pegawai {i}", "PNS", "Penata (III/c)", "Analis", "Fungsional",
                         "Ahli Pertama", unit, "Badan Pengawas Pemilihan Umum", head])
    return rows


def prepare(work: Path, n: int) -> None:
    from skpxl.generate import generate
    from skpxl.simulate import MISTAKES, fill_workbook
    work.mkdir(parents=True, exist_ok=True)
    with open(work / "roster.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(roster_rows(n))
    generate(work / "roster.csv", "2025-Q3", work / "generated", jobs=0)
    rng = random.Random(2025)
    for i, path in enumerate(sorted((work / "generated").rglob("*.xlsx"))):
        if i % 33 == 5:
            continue  # never returned
        mistake = MISTAKES[i % len(MISTAKES)] if i % 10 == 3 else None
        fill_workbook(path, work / "returned" / path.parent.name / path.name, rng=rng,
                      mistake=mistake)


def _names(wb) -> dict[str, tuple[str, str]]:
    out = {}
    for name, dn in wb.defined_names.items():
        for sheet, ref in dn.destinations:
            out[name] = (sheet, ref.replace("$", "").split(":")[0])
    return out


def naive_generate(work: Path, n: int) -> None:
    from openpyxl import load_workbook
    from skpxl.manifest import load_template
    template = load_template("ja-jf-kuantitatif")
    out = work / "naive-generated"
    out.mkdir(exist_ok=True)
    with open(work / "roster.csv", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))[1:n + 1]
    for row in rows:
        wb = load_workbook(template.path)
        names = _names(wb)
        for name, value in (("pegawai_nama", row[1]), ("pegawai_nip", row[0]),
                            ("pegawai_pangkat", row[3]), ("pegawai_jabatan", row[4]),
                            ("pegawai_unit_kerja", row[7]), ("meta_nip", row[0]),
                            ("periode_kode", "2025-Q3")):
            sheet, cell = names[name]
            wb[sheet][cell] = value
        wb.save(out / f"{row[0]}.xlsx")


def naive_read(path: Path) -> dict:
    from openpyxl import load_workbook
    wb = load_workbook(path, data_only=True)
    names = _names(wb)
    get = lambda name: wb[names[name][0]][names[name][1]].value  # noqa: E731
    return {"nip": get("pegawai_nip"), "nama": get("pegawai_nama"),
            "periode": get("periode_kode"), "rating_hasil_kerja": get("rating_hasil_kerja"),
            "rating_perilaku": get("rating_perilaku"), "predikat": get("predikat")}


def naive_validate(work: Path, n: int) -> None:
    from skpxl import domain
    bad = 0
    for path in sorted((work / "returned").rglob("*.xlsx"))[:n]:
        record = naive_read(path)
        ok = (isinstance(record["nip"], str) and len(record["nip"]) == 18
              and record["periode"] == "2025-Q3"
              and record["rating_hasil_kerja"] in domain.RATINGS
              and record["rating_perilaku"] in domain.RATINGS)
        bad += not ok
    print(bad)


def naive_merge(work: Path, n: int) -> None:
    import pandas as pd
    records = [naive_read(path) | {"file": path.name}
               for path in sorted((work / "returned").rglob("*.xlsx"))[:n]]
    frame = pd.DataFrame(records).sort_values("nip")
    summary = frame.groupby("predikat").size().reset_index(name="jumlah")
    with pd.ExcelWriter(work / "naive-rekap.xlsx") as writer:
        frame.to_excel(writer, sheet_name="Rekap Pegawai", index=False)
        summary.to_excel(writer, sheet_name="Ringkasan", index=False)


def _unit_report(args) -> None:
    from skpxl.merge import merge
    folder, roster, output = args
    merge([folder], period="2025-Q3", roster=roster, output=output, jobs=1, force=True)


def two_step(work: Path, jobs: int) -> None:
    """What the province does in practice: each unit merges its folder into a unit report
    (here ``jobs`` units at a time), then the province merges the unit reports."""
    from concurrent.futures import ProcessPoolExecutor

    from skpxl.merge import merge
    from skpxl.roster import read_roster_once
    roster = work / "roster.csv"
    read_roster_once(str(roster))   # read once, before the pool forks
    out = work / "unit-reports"
    out.mkdir(exist_ok=True)
    units = sorted(p for p in (work / "returned").iterdir() if p.is_dir())
    tasks = [(unit, roster, out / f"{unit.name}.xlsx") for unit in units]
    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(_unit_report, tasks, chunksize=max(1, len(tasks) // (jobs * 8))))
    merge(sorted(out.glob("*.xlsx")), period="2025-Q3", roster=roster, level="province",
          output=work / "provinsi-2-langkah.xlsx", jobs=jobs, force=True)


def picking(work: Path, n: int) -> None:
    """The part of validation the C accelerator speeds up, alone: every
    :func:`skpxl.sheetxml.pick_cells` call validating ``n`` returned files makes, replayed
    with the C locator and without it, interleaved, 7 times; the best CPU ms per file of
    each, as JSON."""
    import json
    import time

    from skpxl import sheetxml
    from skpxl.validate import validate_file
    files = sorted((work / "returned").rglob("*.xlsx"))[:n]
    calls, pick = [], sheetxml.pick_cells
    sheetxml.pick_cells = lambda *args: calls.append(args) or pick(*args)
    for path in files:
        validate_file(path)
    sheetxml.pick_cells = pick
    best, c_locate = {}, sheetxml._locate_c
    for _ in range(7):
        for label, locate in (("with C", c_locate), ("without C", None)):
            sheetxml._locate_c = locate
            start = time.process_time()
            for args in calls:
                pick(*args)
            spent = 1000 * (time.process_time() - start) / len(files)
            best[label] = round(min(best.get(label, spent), spent), 3)
    print(json.dumps({"files": len(files), "sheets": len(calls), **best}))


if __name__ == "__main__":
    command, folder, count = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    {"prepare": prepare, "naive-generate": naive_generate, "naive-validate": naive_validate,
     "naive-merge": naive_merge, "two-step": two_step, "picking": picking}[command](folder, count)
