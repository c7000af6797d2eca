"""``skpxl doctor``: is this computer ready for skpxl?"""

from __future__ import annotations

from pathlib import Path

import click

from ..doctor import NEEDED, NOTE, OK, OPTIONAL, Setup, check_setup
from .common import echo_json, format_option, lang_option
from .i18n import argument, command

#: the tag of each state, as a column
TAGS = {"id": {OK: "SIAP", NOTE: "CATATAN", OPTIONAL: "OPSIONAL", NEEDED: "PERLU"},
        "en": {OK: "OK", NOTE: "NOTE", OPTIONAL: "OPTIONAL", NEEDED: "NEEDED"}}
WORDS = {
    "id": {"head": "Pemeriksaan skpxl di komputer ini:", "fix": "Yang perlu dilakukan:",
           "ok": "Semua yang diperlukan skpxl sudah ada.",
           "bad": "Ada yang diperlukan skpxl tetapi belum ada (PERLU): lakukan saran di atas, "
                  "lalu jalankan 'skpxl doctor' lagi."},
    "en": {"head": "skpxl on this computer:", "fix": "What to do:",
           "ok": "Everything skpxl needs is there.",
           "bad": "Something skpxl needs is missing (NEEDED): follow the advice above, then run "
                  "'skpxl doctor' again."},
}


def render(setup: Setup, lang: str) -> str:
    tags, words = TAGS[lang], WORDS[lang]
    width = max(map(len, tags.values()))
    lines = [words["head"]]
    for check in setup.checks:
        data = check.to_dict(lang)
        lines.append(f"  {tags[check.state]:<{width}}  {data['found']}")
        if data["fix"]:
            lines.append(f"  {'':<{width}}  -> {data['fix']}")
    lines.append(words["ok"] if setup.ok else words["bad"])
    return "\n".join(lines)


@command("doctor", short_help="Periksa apakah komputer ini siap untuk skpxl.",
         short_help_en="Check that this computer is ready for skpxl.", help_en="""Check that this computer is ready for skpxl, and say what to install.

    Checks Python, skpxl and the packages it needs, the C accelerator (faster checking),
    LibreOffice and where it was found (for 'skpxl recalc' and 'skpxl export pdf'), Excel
    through xlwings (Windows and macOS), whether the console can show every character of
    skpxl's output, and write access to FOLDER (default: the current folder). Exit code 0
    when everything skpxl needs is there (optional parts may be missing), 1 when something
    needed is missing.

    \b
    Example:
      skpxl doctor
      skpxl doctor D:\\SKP --lang en
    """)
@argument("folder", metavar="[FOLDER]", default=".",
          type=click.Path(file_okay=False, path_type=Path))
@format_option
@lang_option
def doctor_cmd(folder, fmt, lang):
    """Periksa apakah komputer ini siap untuk skpxl, dan apa yang perlu dipasang.

    Memeriksa Python, skpxl dan paket yang diperlukannya, akselerator C (pemeriksaan
    lebih cepat), LibreOffice dan lokasinya (untuk 'skpxl recalc' dan 'skpxl export pdf'),
    Excel lewat xlwings (Windows dan macOS), apakah konsol bisa menampilkan semua huruf
    keluaran skpxl, dan izin menulis di FOLDER (bawaan: folder saat ini). Kode keluar 0
    bila semua yang diperlukan skpxl ada (bagian opsional boleh tidak ada), 1 bila ada
    yang diperlukan tetapi belum ada.

    \b
    Contoh:
      skpxl doctor
      skpxl doctor D:\\SKP --lang en
    """
    setup = check_setup(folder)
    if fmt == "json":
        echo_json(setup.to_dict(lang))
    else:
        click.echo(render(setup, lang))
    raise SystemExit(0 if setup.ok else 1)
