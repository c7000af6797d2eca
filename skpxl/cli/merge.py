"""``skpxl merge``: unit and province reports."""

from __future__ import annotations

from pathlib import Path

import click

from ..domain import PREDIKAT, PREDIKAT_ORGANISASI
from ..kurva import percent
from ..merge import MergeResult, merge
from ..yearrecap import YearResult
from ..report import STATUS_TEXT, verdict
from ..textfmt import count
from .i18n import argument, command, current_lang, option
from .common import (
    PERIOD,
    build_executor,
    echo_json,
    executor_options,
    format_option,
    jobs_option,
    lang_option,
    progress_bar,
)

class RosterType(click.ParamType):
    """``FILE`` or ``PERIOD=FILE`` (a year recap's roster of one quarter); the file must
    exist."""

    name = "ROSTER"

    def get_metavar(self, param, ctx):
        return "[PERIOD=]FILE" if current_lang() == "en" else "[PERIODE=]FILE"

    def convert(self, value, param, ctx):
        text = str(value)
        path = text.split("=", 1)[1] if "=" in text and not Path(text).exists() else text
        if not Path(path).is_file():
            self.fail(f"Roster file '{path}' does not exist." if current_lang() == "en" else
                      f"File daftar pegawai '{path}' tidak ada.", param, ctx)
        return text


ROSTER = RosterType()

_WORDS = {
    "id": {"unit": "Laporan unit: {unit}, periode {period}", "expected": "Pegawai menurut roster",
           "files": "File masuk", "files_detail": "{valid} sah, {invalid} tidak valid, "
           "{duplicates} digantikan file lain", "missing": "Belum punya SKP sah",
           "missing_detail": "{n} belum mengumpulkan", "predikat": "Predikat",
           "kurva": "Kurva", "unknown": "tidak diketahui (tanpa roster)",
           "province": "Laporan provinsi periode {period}: {units} ({ok} ada laporan, "
           "{rejected} ditolak, {missing} belum ada)",
           "head": ("Unit", "Harap", "Sah", "Tdk sah", "Belum", "Tingkat", "Kurva"),
           "total": "Jumlah", "rejected": "Ditolak", "written": "Laporan ditulis: {path}",
           "exported": "Tabel diekspor: {n} di {dir}",
           "see": "Rincian file tidak valid: sheet 'Tidak Valid' di {path}.",
           "verdict": {ok: verdict(ok) for ok in (True, False, None)}, "status": STATUS_TEXT},
    "en": {"unit": "Unit report: {unit}, period {period}", "expected": "Employees in roster",
           "files": "Files received", "files_detail": "{valid} valid, {invalid} invalid, "
           "{duplicates} superseded by another file", "missing": "Without a valid SKP",
           "missing_detail": "{n} not submitted", "predikat": "Predikat", "kurva": "Curve",
           "unknown": "unknown (no roster)",
           "province": "Province report for {period}: {units} ({ok} reported, "
           "{rejected} rejected, {missing} missing)",
           "head": ("Unit", "Expected", "Valid", "Invalid", "Missing", "Rate", "Curve"),
           "total": "Total", "rejected": "Rejected", "written": "Report written: {path}",
           "exported": "Tables exported: {n} in {dir}",
           "see": "Invalid files in detail: sheet 'Tidak Valid' of {path}.",
           "verdict": {True: "fits", False: "DOES NOT FIT", None: "not checked"},
           "status": {"ok": "present", "missing": "no report yet", "rejected": "rejected"}},
}


def _num(value, words) -> str:
    return words["unknown"] if value is None else str(value)


def render_unit(result: MergeResult, lang: str) -> str:
    w = _WORDS[lang]
    s = result.units[0]
    lines = [w["unit"].format(unit=s.unit or "?", period=s.period),
             f"  {w['expected']:<24}: {_num(s.expected, w)}",
             f"  {w['files']:<24}: {s.submitted} (" + w["files_detail"].format(
                 valid=s.valid, invalid=s.invalid, duplicates=s.duplicates) + ")"]
    if s.missing is not None:
        lines.append(f"  {w['missing']:<24}: {s.missing} (" +
                     w["missing_detail"].format(n=s.not_submitted) + ")")
    lines.append(f"  {w['predikat']:<24}: " + ", ".join(f"{p} {s.predikat[p]}" for p in PREDIKAT))
    org = f" ({s.kurva.org_predikat})" if s.kurva.org_predikat else ""
    lines.append(f"  {w['kurva'] + org:<24}: {w['verdict'][s.kurva.ok]}")
    lines += [f"    ! {m}" if s.kurva.ok is False else f"    - {m}" for m in s.kurva.messages]
    if s.invalid:
        lines.append(w["see"].format(path=result.output))
    for item in result.rejected:
        lines.append(f"  x {w['rejected']}: {item['path']}: {item['reason']}")
    return "\n".join(lines)


_YEAR_WORDS = {
    "id": {"head": "Rekap tahunan {scope}, tahun {period}: {n} pegawai",
           "period": "{name}: {valid} predikat sah, {missing} belum ada",
           "no_annual": "Evaluasi tahunan: belum ada (kurva tahun ini tidak diperiksa)",
           "kurva": "Kurva tahunan", "jf": "Pejabat fungsional: {n} (angka kredit = jumlah "
           "konversi triwulanan)", "problem": "Masalah", "see": "Siapa belum lengkap dan "
           "alasannya: sheet 'Belum Lengkap' di {path}."},
    "en": {"head": "Year recap {scope}, year {period}: {n} employees",
           "period": "{name}: {valid} valid predikat, {missing} missing",
           "no_annual": "Annual evaluation: none yet (the year's curve is not checked)",
           "kurva": "Year curve", "jf": "Jabatan fungsional: {n} (angka kredit = sum of the "
           "quarterly conversions)", "problem": "Problem", "see": "Who is missing what and "
           "why: sheet 'Belum Lengkap' of {path}."},
}


def render_year(result: YearResult, lang: str) -> str:
    """The year recap in a few lines: each period's count, the year's curve, problems."""
    from ..yearbook import period_name
    w, words = _YEAR_WORDS[lang], _WORDS[lang]
    scope = result.units[0] if result.level == "year-unit" and result.units else \
        count(len(result.units), "unit", lang=lang)
    lines = [w["head"].format(scope=scope, period=result.period, n=len(result.employees))]
    missing = result.missing()
    for kode in result.periods:
        if kode == result.period and not result.annual:
            lines.append("  " + w["no_annual"])
            continue
        name = period_name(kode)
        if lang == "en":
            name = name.replace("Triwulan", "Quarter").replace("Tahunan", "Annual")
        lines.append("  " + w["period"].format(
            name=name, valid=sum(1 for e in result.employees if e.cells[kode].predikat),
            missing=sum(1 for _, k, _ in missing if k == kode)))
    if result.annual and result.year_summary is not None:
        kurva = result.year_summary.kurva
        lines.append(f"  {w['kurva']}: {words['verdict'][kurva.ok]}")
        lines += [f"    ! {m}" if kurva.ok is False else f"    - {m}" for m in kurva.messages]
    jf = sum(1 for e in result.employees if e.jf)
    if jf:
        lines.append("  " + w["jf"].format(n=jf))
    for problem in result.problems:
        lines.append(f"  x {w['problem']}: {problem.message(lang)}")
    if missing:
        lines.append(w["see"].format(path=result.output))
    return "\n".join(lines)


def render_province(result: MergeResult, lang: str) -> str:
    w = _WORDS[lang]
    status = [u.status for u in result.units]
    lines = [w["province"].format(period=result.period,
                                  units=count(len(result.units), "unit", lang=lang),
                                  ok=status.count("ok"), rejected=status.count("rejected"),
                                  missing=status.count("missing"))]
    head = w["head"]
    # column widths: the numbers', or the heading's where it is longer (English)
    e, v, i, m, r = (max(width, len(text)) for width, text in zip((6, 6, 7, 6, 8), head[1:6]))
    lines.append(f"  {head[0]:<42} {head[1]:>{e}} {head[2]:>{v}} {head[3]:>{i}} {head[4]:>{m}} "
                 f"{head[5]:>{r}}  {head[6]}")
    for s in [*result.units, result.totals]:
        name = w["total"] if s is result.totals else s.unit or "?"
        name = name if len(name) <= 42 else name[:41] + "…"
        rate = percent(s.rate, lang) if s.rate is not None else "-"
        expected = "-" if s.expected is None else s.expected
        missing = "-" if s.missing is None else s.missing
        state = f"  [{w['status'][s.status]}]" if s.status not in (None, "ok") else ""
        lines.append(f"  {name:<42} {expected:>{e}} {s.valid:>{v}} {s.invalid:>{i}} "
                     f"{missing:>{m}} {rate:>{r}}  {w['verdict'][s.kurva.ok]}{state}")
    for item in result.rejected:
        lines.append(f"  x {w['rejected']}: {item['path']}: {item['reason']}")
    return "\n".join(lines)


@command("merge", short_help="Gabungkan file SKP menjadi rekap unit atau provinsi.",
         short_help_en="Merge SKP workbooks into unit or province reports.", help_en="""Merge returned SKP workbooks into one report workbook.

    Every workbook is checked first (same rules as 'skpxl validate', evaluation stage);
    only valid ones are merged, the others are listed with their reasons. The report opens
    on Ringkasan, a one-page signing sheet for the unit head (counts, predikat chart, curve
    check, signature block), then Rekap Pegawai, Hasil Kerja, Perilaku, Belum Mengumpulkan,
    Tidak Valid and Duplikat, each printable on A4. With --level province, PATHS are unit
    reports (verified: an edited or foreign file is rejected) and/or folders; the units are
    the roster's (or the profile's) and those found, never a built-in list.

    With --period YEAR (e.g. 2025) a year recap is written instead: PATHS are that year's
    quarterly unit reports, folders of returned quarterly workbooks and/or annual
    evaluation workbooks, mixed freely. It opens on Ringkasan Tahunan (signing sheet: each
    quarter's count, the annual predikat against the curve), then Predikat Tahunan
    (Triwulan I-IV and Tahunan side by side), Angka Kredit (jabatan fungsional: per quarter
    at that quarter's jenjang, and the quarters' sum), Belum Lengkap (who misses which
    quarter and why: not returned, invalid, not yet employed, moved unit), Kurva and Sumber.
    The annual predikat comes only from annual evaluations, never from the quarters.

    Exit code 0 when every input was valid and nobody is missing (a year recap: every
    quarter present and valid for everyone in the unit then; a quarter in another unit or
    before employment is listed, not missing), 1 when some input was invalid or someone is
    missing (the report is still written), 2 on a usage error (an existing output without
    --force), 3 when the report cannot be written.

    \b
    Example:
      skpxl merge kembali/ --period 2025-Q3 --roster pegawai.xlsx -o rekap-batu.xlsx
      skpxl merge --level province rekap/*.xlsx --roster pegawai.xlsx \\
          --profile instansi.toml -o provinsi.xlsx
      skpxl merge --level province /shared/kembali/* --roster /shared/pegawai.xlsx \\
          -o provinsi.xlsx --executor dask --scheduler tcp://10.0.0.5:8786
      skpxl merge rekap/rekap-batu-2025-Q*.xlsx tahunan/batu/ --period 2025 \\
          --roster 2025-Q1=pegawai-tw1.xlsx --roster pegawai.xlsx -o tahun-2025.xlsx
    """)
@argument("paths", nargs=-1, required=True, type=click.Path(exists=True),
          metavar="FILE_ATAU_FOLDER...", metavar_en="PATHS...")
@option("--period", "-p", type=PERIOD,
        help="Periode, misalnya 2025-Q3, atau tahun 2025 untuk rekap tahunan (wajib untuk file "
             "SKP yang dikembalikan; untuk --level province diambil dari rekap unit bila tidak "
             "diberikan).",
        help_en="Period, e.g. 2025-Q3, or the year 2025 for a year recap (required for returned "
                "workbooks; for --level province it is read from the unit reports when "
                "omitted).")
@option("--roster", type=ROSTER, multiple=True,
        help="Daftar pegawai: siapa yang diharapkan (pegawai dan unit yang belum ada "
             "dicantumkan) dan siapa kepala setiap unit (tanda tangan rekap). Rekap tahunan: "
             "boleh diulang, satu per triwulan sebagai 2025-Q1=pegawai-tw1.xlsx (siapa pegawai "
             "unit mana pada triwulan itu: pindah unit, belum menjadi pegawai); --roster FILE "
             "tanpa periode berlaku untuk semua triwulan tanpa daftarnya sendiri.",
        help_en="Roster: who is expected (missing employees and units are listed) and who "
                "heads each unit (the signature on the report). Year recap: may be repeated, "
                "one per quarter as 2025-Q1=roster-q1.xlsx (who was in which unit that quarter: "
                "moved unit, not yet employed); a plain --roster FILE serves every quarter "
                "without its own.")
@option("--profile", type=click.Path(exists=True, dir_okay=False), metavar="FILE",
        help="Profil instansi (instansi.toml): nama instansi, wilayah, tempat dan "
             "penandatangan yang tercetak di rekap, urutan unit.",
        help_en="Agency profile (instansi.toml): agency name, region, signing place and "
                "signatories printed on the report, order of the units.")
@option("--org-predikat", type=click.Choice(PREDIKAT_ORGANISASI, case_sensitive=False),
        help="Predikat kinerja organisasi: periksa kurva distribusi predikat pegawai (SE "
             "MenPANRB 3/2023).",
        help_en="The organisation's predikat: check the distribution curve (SE MenPANRB "
                "3/2023).")
@option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True,
        metavar="FILE", help="File rekap yang ditulis (.xlsx).",
        help_en="Report workbook to write (.xlsx).")
@option("--level", type=click.Choice(["unit", "province"]), default="unit", show_default=True,
        help="unit: file SKP yang dikembalikan dari satu unit; province: rekap unit dan/atau "
             "satu folder file SKP per unit.",
        help_en="unit: returned workbooks of one unit; province: unit reports and/or one "
                "folder of returned workbooks per unit.")
@option("--unit", metavar="NAMA_UNIT", metavar_en="UNIT",
        help="Tingkat unit: unit yang direkap bila file berasal dari beberapa unit (nama unit "
             "seperti di daftar pegawai, huruf besar atau kecil sama saja; file unit lain "
             "dicantumkan, tidak digabung).",
        help_en="Unit level: the unit to report on when the files span several (unit name as "
                "in the roster, any case; other units' files are listed, not merged).")
@format_option
@option("--export", type=click.Path(file_okay=False, path_type=Path), metavar="FOLDER",
        help="Tulis juga setiap tabel sebagai CSV (dan Parquet bila pyarrow terpasang).",
        help_en="Also write every table as CSV (and Parquet when pyarrow is installed).")
@jobs_option
@executor_options
@option("--force", is_flag=True, help="Timpa rekap atau file ekspor yang sudah ada.",
        help_en="Overwrite an existing report or export files.")
@lang_option
def merge_cmd(paths, period, roster, profile, org_predikat, output, level, unit, fmt, export,
              jobs, executor, scheduler, force, lang):
    """Gabungkan file SKP yang dikembalikan menjadi satu file rekap.

    Setiap file diperiksa dulu (aturan yang sama dengan 'skpxl validate', tahap evaluasi);
    hanya file yang sah yang digabung, yang lain dicantumkan beserta alasannya. Rekap
    dibuka dengan Ringkasan, lembar pengesahan satu halaman untuk kepala unit (jumlah,
    grafik predikat, pemeriksaan kurva, blok tanda tangan), lalu Rekap Pegawai, Hasil
    Kerja, Perilaku, Belum Mengumpulkan, Tidak Valid dan Duplikat, semuanya siap dicetak
    pada A4. Dengan --level province, FILE_ATAU_FOLDER adalah rekap unit (diperiksa: rekap
    yang diubah dengan tangan atau dari tempat lain ditolak) dan/atau folder; unitnya
    adalah unit di daftar pegawai (atau di profil) dan yang ditemukan, bukan daftar bawaan.

    Dengan --period TAHUN (misalnya 2025) yang ditulis adalah rekap tahunan:
    FILE_ATAU_FOLDER adalah laporan unit triwulan tahun itu, folder file SKP triwulan
    dan/atau file evaluasi tahunan, boleh dicampur. Rekap dibuka dengan Ringkasan Tahunan
    (lembar pengesahan: jumlah per triwulan, predikat tahunan dan kurvanya), lalu Predikat
    Tahunan (Triwulan I-IV dan Tahunan berdampingan), Angka Kredit (pejabat fungsional: per
    triwulan dengan jenjang saat itu, dan jumlahnya), Belum Lengkap (siapa belum ada
    triwulan mana dan alasannya: belum mengumpulkan, tidak valid, belum menjadi pegawai,
    pindah unit), Kurva dan Sumber. Predikat tahunan hanya dari evaluasi tahunan, tidak
    pernah dihitung dari triwulan.

    Kode keluar 0 bila semua file sah dan tidak ada yang belum mengirim (rekap tahunan:
    semua triwulan setiap pegawai yang ada di unit itu ada dan sah; triwulan di unit lain
    atau sebelum menjadi pegawai dicantumkan, tidak dihitung kurang), 1 bila ada file yang tidak sah atau pegawai
    yang belum mengirim (rekap tetap ditulis), 2 bila perintah salah (misalnya rekap sudah
    ada tanpa --force), 3 bila rekap tidak bisa ditulis.

    \b
    Contoh:
      skpxl merge kembali/ --period 2025-Q3 --roster pegawai.xlsx -o rekap-batu.xlsx
      skpxl merge --level province rekap/*.xlsx --roster pegawai.xlsx \\
          --profile instansi.toml -o provinsi.xlsx
      skpxl merge --level province /shared/kembali/* --roster /shared/pegawai.xlsx \\
          -o provinsi.xlsx --executor dask --scheduler tcp://10.0.0.5:8786
      skpxl merge rekap/rekap-batu-2025-Q*.xlsx tahunan/batu/ --period 2025 \\
          --roster 2025-Q1=pegawai-tw1.xlsx --roster pegawai.xlsx -o tahun-2025.xlsx
    """
    with progress_bar("Merging" if lang == "en" else "Menggabung", fmt == "table") as advance:
        result = merge(paths, period=period, roster=roster, org_predikat=org_predikat,
                       output=output, level=level, unit=unit, export=export, jobs=jobs,
                       force=force, lang=lang, progress=advance,
                       executor=build_executor(executor, jobs, scheduler), profile=profile)
    year = isinstance(result, YearResult)
    if fmt == "json":
        echo_json(result.to_dict(lang) if year else result.to_dict())
    else:
        w = _WORDS[lang]
        click.echo(render_year(result, lang) if year else render_unit(result, lang)
                   if level == "unit" else render_province(result, lang))
        click.echo(w["written"].format(path=result.output))
        if result.exported:
            click.echo(w["exported"].format(n=count(len(result.exported), "file", lang=lang),
                                            dir=export))
    raise SystemExit(0 if result.ok else 1)
