"""The year recap as a workbook: a signing sheet, the printed tables, Berkas and metadata.

Sheets, in order: ``Ringkasan Tahunan`` (the signing sheet, :mod:`skpxl.signing`), ``Predikat
Tahunan`` (Triwulan I-IV and Tahunan side by side), ``Angka Kredit`` (jabatan fungsional:
per quarter, the quarters' sum, the annual conversion beside), ``Belum Lengkap`` (who misses
which period, and why), ``Kurva`` (per unit and period, against the curve), ``Sumber`` (the
reports and folders read), then ``Berkas`` (hidden: files and hashes) and the metadata sheet,
so that a year recap is itself verifiable by :func:`skpxl.report.read_report`. Each table
prints on A4 landscape at 100 % (widths sum to at most 112 units, see
:data:`skpxl.reportbook.PT_PER_UNIT`).
"""

from __future__ import annotations

from pathlib import Path

from .report import (BERKAS, PREDIKAT_COLUMNS, REKAP, SUMBER, report_metadata, verdict,
                     write_metadata)
from .reportbook import Column, ReportBook, TableSheet
from .signing import Paper, write_signing_sheet
from .textfmt import number
from .yearrecap import ANNUAL_BASIS, YearResult

ROMAN = ("I", "II", "III", "IV")
PREDIKAT_YEAR = (Column("NIP", 13), Column("Nama", 17, "wrap"), Column("Jabatan", 17, "wrap"),
                 Column("Unit Kerja", 15, "wrap"),
                 *(Column(f"Triwulan {r}", 9.5, "wrap") for r in ROMAN),
                 Column("Tahunan", 9.5, "wrap"))
AK_YEAR = (Column("NIP", 13), Column("Nama", 16, "wrap"), Column("Jabatan", 15, "wrap"),
           Column("Unit Kerja", 13, "wrap"), Column("Jenjang", 11, "wrap"),
           *(Column(f"AK Triwulan {r}", 6.5, "ak") for r in ROMAN),
           Column("Jumlah AK Triwulan", 8, "ak"), Column("AK dari Predikat Tahunan", 7, "ak"))
BELUM_LENGKAP = (Column("NIP", 13), Column("Nama", 18, "wrap"),
                 Column("Unit Kerja", 18, "wrap"), Column("Periode", 10, "wrap"),
                 Column("Alasan", 20, "wrap"), Column("Rincian", 31, "wrap"))
KURVA_YEAR = (Column("Unit Kerja", 20, "wrap"), Column("Periode", 9, "wrap"),
              Column("SKP Sah", 5, "int"), *PREDIKAT_COLUMNS, Column("Kurva", 9, "wrap"),
              Column("Catatan Kurva", 31.5, "wrap"))
YEAR_BERKAS = (Column("Periode", 10), *BERKAS)
YEAR_TABLES = ("Predikat Tahunan", "Angka Kredit", "Belum Lengkap", "Kurva", "Sumber",
               "Rekap Pegawai", "Berkas")
#: never printed: the annual evaluations as a quarterly report's Rekap Pegawai (what
#: 'skpxl angka-kredit' reads for the annual conversion), and the files and hashes
HIDDEN = ("Rekap Pegawai", "Berkas")
#: not printed at unit level (one unit): its name is in the title of every page
UNIT_HIDDEN = {"Predikat Tahunan": ("Unit Kerja",), "Angka Kredit": ("Unit Kerja",),
               "Belum Lengkap": ("Unit Kerja",)}
OPTIONAL = ("Angka Kredit", "Belum Lengkap")
#: angka kredit problems the signing sheet does not repeat: a quarter without a valid
#: predikat is in Belum Lengkap, and the jenjang column shows a jenjang that changed
NOTED_ELSEWHERE = ("ak.predikat_missing", "ak.jenjang_changed")


def period_name(kode: str) -> str:
    """``2025-Q3`` -> ``Triwulan III``; ``2025`` -> ``Tahunan``."""
    return f"Triwulan {ROMAN[int(kode[-1]) - 1]}" if "-Q" in kode else "Tahunan"


def _float(value):
    return None if value is None else float(value)


def tables(result: YearResult) -> list[tuple[str, tuple, list[tuple]]]:
    """(sheet, columns, rows) of every table of the recap, in order."""
    quarters = result.periods[:4]
    predikat = [(e.nip, e.nama, e.jabatan, e.unit,
                 *(e.cells[k].shown() for k in result.periods)) for e in result.employees]
    ak = []
    for e in result.employees:
        if not e.jf:
            continue
        held = [e.cells[k].jenjang for k in quarters if e.cells[k].jenjang]
        jenjang = " → ".join(dict.fromkeys(held)) or e.jenjang
        ak.append((e.nip, e.nama, e.jabatan, e.unit, jenjang,
                   *(_float(e.ak_of(k)) for k in quarters), _float(e.ak_sum),
                   _float(e.ak_of(result.period))))
    belum = [(e.nip, e.nama, e.unit, period_name(kode), cell.reason, cell.detail or None)
             for e, kode, cell in result.missing()]
    kurva = [(unit, period_name(kode), s.valid, *(s.predikat[p] for p in s.predikat),
              verdict(s.kurva.ok), "\n".join(s.kurva.messages) if s.kurva.ok is False else None)
             for unit, kode, s in result.curves]
    sumber = [(", ".join(s["units"]) or None, s["file"], s["kind"], s["period"], s["status"],
               s["reason"]) for s in result.sources]
    berkas = [(s["period"], ", ".join(s["units"]) or None, s["kind"], s["file"], None, None,
               s["status"], None, None, s["sha256"] or None, None) for s in result.sources]
    berkas += result.berkas
    return [("Predikat Tahunan", PREDIKAT_YEAR, predikat), ("Angka Kredit", AK_YEAR, ak),
            ("Belum Lengkap", BELUM_LENGKAP, belum), ("Kurva", KURVA_YEAR, kurva),
            ("Sumber", SUMBER, sumber), ("Rekap Pegawai", REKAP, result.annual_rows),
            ("Berkas", YEAR_BERKAS, berkas)]


def signing_items(result: YearResult) -> list[tuple[str, str]]:
    """Section A of the signing sheet: who is in the recap, each period's count."""
    n = len(result.employees)
    items = []
    if result.level == "year-province":
        items.append(("Unit kerja", number(len(result.units))))
    items.append(("Pegawai dalam rekap", number(n)))
    missing = result.missing()
    for kode in result.periods:
        valid = sum(1 for e in result.employees if e.cells[kode].predikat)
        absent = sum(1 for _, k, _ in missing if k == kode)
        if kode == result.period and not result.annual:
            items.append(("Evaluasi tahunan", "belum ada"))
            continue
        items.append((period_name(kode), f"{number(valid)} predikat sah, "
                                         f"{number(absent)} belum ada"))
    items.append(("Pegawai dengan periode belum lengkap",
                  number(len({e.nip for e, _, _ in missing}))))
    items.append(("Pejabat fungsional (angka kredit)",
                  number(sum(1 for e in result.employees if e.jf))))
    return items


def notes(result: YearResult) -> list[str]:
    """Lines above the signature: the angka kredit basis, inputs not used."""
    out = []
    if any(e.jf for e in result.employees):
        out.append(ANNUAL_BASIS)
    for e in result.employees:   # what stopped a conversion, beyond a missing predikat
        for problem in (e.ak.problems if e.ak else []):
            if problem.code not in NOTED_ELSEWHERE:
                out.append(problem.message("id"))
    refused = [s for s in result.sources if s["status"] != "dipakai"]
    for s in refused[:5]:
        out.append(f"Tidak dipakai: {s['file']}" + (f" ({s['reason']})" if s["reason"] else "")
                   + ".")
    if len(refused) > 5:
        out.append(f"... dan {len(refused) - 5} sumber lain yang tidak dipakai (sheet Sumber).")
    return out


def year_book(result: YearResult, year, *, paper: Paper, roster=None,
              org_predikat=None) -> ReportBook:
    """The year recap workbook (see the module docstring)."""
    book = ReportBook(paper.header)
    title = ("B. Predikat kinerja tahunan (evaluasi tahunan sah)" if result.annual else
             "B. Predikat kinerja tahunan (belum ada evaluasi tahunan)")
    write_signing_sheet(book, "Ringkasan Tahunan", paper, result.year_summary,
                        items=signing_items(result), predikat_title=title,
                        notes=notes(result))
    hidden = UNIT_HIDDEN if result.level == "year-unit" else {}
    for sheet, columns, rows in tables(result):
        spec = TableSheet(sheet, sheet.replace(" ", ""), columns, rows,
                          hidden=hidden.get(sheet, ()))
        book.table(spec, hidden=sheet in HIDDEN or (sheet in OPTIONAL and not rows))
    summaries = result.unit_summaries or [result.year_summary]
    year_meta = {"periods": result.periods, "annual": result.annual,
                 "ak_basis": "quarters",
                 "incomplete": len({e.nip for e, _, _ in result.missing()}),
                 "employees": len(result.employees)}
    write_metadata(book, report_metadata(
        result.level, year, summaries, checks=book.checks,
        sources=[{"file": s["file"], "sha256": s["sha256"] or "", "unit": ", ".join(s["units"]),
                  "status": s["status"]} for s in result.sources],
        roster=roster, org_predikat=org_predikat, generated_at=paper.generated_at,
        totals=result.year_summary if result.level == "year-province" else None,
        instansi=paper.instansi, year=year_meta))
    return book


def roster_name(rosters: dict) -> str | None:
    """What the signing sheet says the roster was: one file, or how many."""
    names = sorted({Path(r.path).name for r in rosters.values()})
    return ", ".join(names) or None
