#!/usr/bin/env python3
"""Differential fuzz: the C cell locator (``skpxl/_speedups.c``) against its Python twin.

    python tools/fuzz_locate.py                      # 60 s: fixed seed, then a random one
    python tools/fuzz_locate.py --seconds 600
    python tools/fuzz_locate.py --seed 123456 --seconds 30   # replay one seed

Both locators get the same sheets and wanted rows; C must give exactly what Python gives or
None (then Python decides), never something else, never an error. The sheets are real
(generated SKP workbooks of several templates, filled in) and bent: every truncation of
one real sheet (with and without the end of its sheetData), tokens inserted or written
over, spans cut or repeated, bytes flipped, rows swapped or repeated; and synthetic ones (random rows and cells in odd shapes). The
wanted rows are bent too: out of order, repeated, oddly numbered, odd tags and shapes.

Half the time goes to a fixed seed (the same cases every run), half to a random seed; each
seed is printed before it runs, so a crash (or a sanitizer report: ``.ci/sanitizers`` runs
this under AddressSanitizer and UndefinedBehaviorSanitizer) can be replayed with
``--seed``. A disagreement prints the seed and the case, writes both to
``fuzz-locate-failure.json`` in the working folder and exits 1.
"""

from __future__ import annotations

import argparse
import base64
import csv
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

FIXED_SEED = 20251201

TOKENS = [b"<!-- x -->", b"<![CDATA[y]]>", b'<c  r="A1">', b"<c>", b'<c s="1" r="B2">',
          b'<x:c r="A1">', b'<row r="7">', b'<row r="07">', b'<row  r="3">', b"<row>",
          b"</c>", b"/>", b">", b'"', b"<", b'<c r="AAAA1">', b'<c r="A0">', b"<sheetData>",
          b"</sheetData>", b'<row r="99999999999">', b'<row r="999999999">', b"<cols>",
          b"<col ", b":c>", b"</row>", b'<c r="C', b'<c r="', b'<row r="', b"<v>1</v>",
          b"\x00", b"\xff\xfe", b"\n", b'<c r="B1"/>', b'<row r="1"/>', b'<c\tr="A1">',
          b"<!", b'<c r="A1"', b'"/>']


def real_sheets() -> list[tuple[bytes, list]]:
    """(sheet XML, wanted rows) for every worksheet of a few generated, filled workbooks."""
    from skpxl import reader
    from skpxl.generate import generate
    from skpxl.simulate import MISTAKES, fill_workbook
    from workload import HEADER, roster_rows

    out = []
    with tempfile.TemporaryDirectory(prefix="fuzz-locate-") as tmp:
        root = Path(tmp)
        rows = roster_rows(4)
        rows[1][5], rows[2][5] = "JPT", "Pelaksana"          # more than one template
        with open(root / "roster.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            writer.writerows(rows)
        generate(root / "roster.csv", "2025-Q3", root / "skp", jobs=1)
        for i, source in enumerate(sorted((root / "skp").rglob("*.xlsx"))):
            target = root / f"kembali-{i}.xlsx"
            fill_workbook(source, target, rng=random.Random(i),
                          mistake=MISTAKES[i % len(MISTAKES)] if i % 2 else None)
            for path in (source, target):
                book = reader.read_workbook(path)
                everywhere = tuple((r, c) for r in range(1, 120) for c in range(1, 16))
                wanted = reader._wanted_for(everywhere, book.limits).rows
                for sheet in book.sheet_names:
                    xml = book._plain_xml(sheet)
                    if xml:
                        out.append((xml, wanted))
    return out


def outcome(locate, xml, rows):
    try:
        return ("ok", locate(xml, rows))
    except Exception as exc:  # noqa: BLE001 - the error is what is compared
        return ("error", type(exc).__name__, str(exc)[:200])


class Disagreement(Exception):
    pass


def check(xml, rows, stats) -> None:
    """C gives what Python gives, or None."""
    from skpxl import sheetxml
    fast = outcome(sheetxml._locate_c, xml, rows)
    if fast == ("ok", None):
        stats["left to Python"] += 1
        return
    slow = outcome(sheetxml._locate, xml, rows)
    if fast != slow:
        raise Disagreement(xml, rows, fast, slow)
    stats["settled by C"] += 1


def bend_sheet(rng: random.Random, xml: bytes) -> bytes:
    data = bytearray(xml)
    for _ in range(rng.randint(1, 4)):
        kind = rng.random()
        at = rng.randrange(len(data) + 1)
        if kind < 0.35:
            token = rng.choice(TOKENS)
            data[at:at + (len(token) if rng.random() < 0.5 else 0)] = token
        elif kind < 0.5:
            del data[at:at + rng.randint(1, 200)]
        elif kind < 0.6:
            data[at:at] = data[at:at + rng.randint(1, 200)]
        elif kind < 0.75 and data:
            data[min(at, len(data) - 1)] = rng.randrange(256)
        elif kind < 0.85:
            del data[at:]
        else:
            pieces = bytes(data).split(b'<row r="')
            if len(pieces) > 3:
                i, j = rng.sample(range(1, len(pieces)), 2)
                if rng.random() < 0.5:
                    pieces[i] = pieces[j]
                pieces[i], pieces[j] = pieces[j], pieces[i]
                data = bytearray(b'<row r="'.join(pieces))
    return bytes(data)


def bend_rows(rng: random.Random, rows: list) -> list:
    rows = list(rows)
    kind = rng.random()
    if kind < 0.15:
        rng.shuffle(rows)
    elif kind < 0.25:
        rows.reverse()
    elif kind < 0.35 and rows:
        rows += rng.sample(rows, min(len(rows), rng.randint(1, 5)))
    elif kind < 0.5 and rows:
        i = rng.randrange(len(rows))
        row, number, cells = rows[i]
        number = rng.choice([b"0", b"0" + number, number + b"0", b"999999999", b"1234567890",
                             b"", b"-1", number + b" ", str(row)])
        rows[i] = (row, number, cells)
    elif kind < 0.65 and rows:
        i = rng.randrange(len(rows))
        row, number, cells = rows[i]
        cells = list(cells)
        if cells:
            j = rng.randrange(len(cells))
            col, tag = cells[j]
            tag = rng.choice([tag[:6], tag[:-1], tag + b" ", tag + b">", b'<c r="A',
                              tag.replace(b"<c", b"<x"), b"", tag.decode(), tag + b'"x'])
            cells[j] = (col, tag)
        rows[i] = (row, number, cells)
    elif kind < 0.7 and rows:
        i = rng.randrange(len(rows))
        rows[i] = rng.choice([list(rows[i]), rows[i][:2], (*rows[i], None),
                              (rows[i][0], rows[i][1], tuple(rows[i][2]))])
    return rows


def synthetic(rng: random.Random) -> tuple[bytes, list]:
    """A small random sheet in plain and odd shapes, and rows wanted from it."""
    numbers = sorted(rng.sample(range(1, 40), rng.randint(0, 8)))
    if numbers and rng.random() < 0.2:
        numbers.insert(rng.randrange(len(numbers) + 1), rng.choice(numbers))
    parts, wanted = [], []
    for n in numbers:
        cells, tags = [], []
        for col in rng.sample("ABCDEFGH", rng.randint(0, 4)):
            ref = f"{col}{n}"
            shape = rng.choice([f'<c r="{ref}"><v>{rng.randint(-9, 99)}</v></c>',
                                f'<c r="{ref}" s="1"/>', f'<c r="{ref}" t="inlineStr"><is><t>'
                                f'x</t></is></c>', f'<c r="{ref}" t="s"><v>0</v></c>',
                                f'<c r="{ref}"><f>A1</f></c>', f'<c r="{ref}">', f'<c r="{ref}"',
                                f'<c r="{ref}"></c>', f'<c r="{ref}" />'])
            cells.append(shape)
            tags.append((ord(col) - 64, f'<c r="{ref}"'.encode()))
        row = rng.choice([f'<row r="{n}">{"".join(cells)}</row>', f'<row r="{n}"/>',
                          f'<row r="{n}" spans="1:8">{"".join(cells)}</row>'])
        parts.append(row)
        if rng.random() < 0.8:
            wanted.append((n, str(n).encode(), tags))
    xml = ("<worksheet><sheetData>" + "".join(parts) + "</sheetData></worksheet>").encode()
    return xml, wanted


def run(seed: int, until: float, sheets: list, stats: dict, truncations: bool) -> None:
    rng = random.Random(seed)
    if truncations:                      # every truncation of the smallest real sheet,
        xml, rows = min(sheets, key=lambda s: len(s[0]))
        tail = xml[xml.rfind(b"</sheetData>"):]
        for cut in range(len(xml) + 1):  # as it is and with the end of sheetData kept
            for cut_xml in (xml[:cut], xml[:cut] + tail):
                check(cut_xml, rows, stats)
                stats["cases"] += 1
    while time.monotonic() < until:
        kind = rng.random()
        if kind < 0.6:
            xml, rows = rng.choice(sheets)
            xml = bend_sheet(rng, xml)
        else:
            xml, rows = synthetic(rng)
            if rng.random() < 0.3:
                xml = bend_sheet(rng, xml)
        if rng.random() < 0.4:
            rows = bend_rows(rng, rows)
        check(xml, rows, stats)
        stats["cases"] += 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--seed", type=int, help="run only this seed (to replay a failure)")
    args = parser.parse_args()
    from skpxl import sheetxml
    if sheetxml._locate_c is None:
        print(f"fuzz_locate: the C locator is not in use: {sheetxml.speedups_status()}",
              file=sys.stderr)
        return 2
    print(f"fuzz_locate: {sheetxml.speedups_status()}", flush=True)
    sheets = real_sheets()
    start = time.monotonic()
    seeds = [args.seed] if args.seed is not None else [FIXED_SEED,
                                                       random.SystemRandom().randrange(10**9)]
    for n, seed in enumerate(seeds):
        stats = {"cases": 0, "settled by C": 0, "left to Python": 0}
        until = start + args.seconds * (n + 1) / len(seeds)
        print(f"fuzz_locate: seed {seed} (replay: --seed {seed})", flush=True)
        try:
            run(seed, until, sheets, stats, truncations=n == 0)
        except Disagreement as err:
            xml, rows, fast, slow = err.args
            Path("fuzz-locate-failure.json").write_text(json.dumps({
                "seed": seed, "case": stats["cases"], "c": repr(fast), "python": repr(slow),
                "rows": repr(rows), "xml_base64": base64.b64encode(xml).decode()}, indent=1))
            print(f"fuzz_locate: C and Python disagree at case {stats['cases']} of seed "
                  f"{seed}:\n  C:      {fast!r:.500}\n  Python: {slow!r:.500}\n"
                  "(the case is in fuzz-locate-failure.json)", file=sys.stderr)
            return 1
        print(f"fuzz_locate: seed {seed}: {stats['cases']} cases, "
              f"{stats['settled by C']} settled by C and equal to Python, "
              f"{stats['left to Python']} left to Python", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
