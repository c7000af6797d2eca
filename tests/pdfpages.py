"""What a printed PDF says, page by page: its text and the smallest font size on it.

The font size is read from the page's drawing instructions, not guessed from word heights:
each text-showing operator prints at the ``Tf`` size times the scale of the text and
transformation matrices in force (``cm``, ``Tm``), through the form XObjects the page
draws (LibreOffice draws charts that way). So a sheet printed at 90 % with 8 pt text reads
7.2 pt, whatever the font. Only what LibreOffice writes is handled (uncompressed object
syntax, Flate streams); enough for tests, not a PDF library.
"""

from __future__ import annotations

import math
import re
import subprocess
import zlib
from pathlib import Path

_OBJ = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*)\r?\nendstream", re.S)
_SKIP = re.compile(rb"<[0-9A-Fa-f\s]*>|\((?:\\.|[^\\)])*\)|\[(?:\((?:\\.|[^\\)])*\)|[^\]])*\]",
                   re.S)
_SHOW = {b"Tj", b"TJ", b"'", b'"'}


def _objects(data: bytes) -> dict[int, bytes]:
    return {int(m.group(1)): m.group(2) for m in _OBJ.finditer(data)}


def _content(obj: bytes) -> bytes:
    match = _STREAM.search(obj)
    if match is None:
        return b""
    raw = match.group(1)
    return zlib.decompress(raw) if b"/FlateDecode" in obj[:match.start()] else raw


def _multiply(m, n):
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def _sizes(stream: bytes, ctm, objects, resources: bytes, depth: int = 0) -> list[float]:
    """Effective sizes of the text shown by ``stream`` drawn under ``ctm``."""
    xobjects = dict(re.findall(rb"/(\w+)\s+(\d+) 0 R", _xobject_dict(resources, objects)))
    sizes, stack, operands = [], [], []
    tm, size = (1, 0, 0, 1, 0, 0), 0.0
    for token in re.split(rb"\s+", _SKIP.sub(b" \x01 ", stream)):
        if not token:
            continue
        if token == b"\x01":               # a string or an array: an operand
            operands.append(None)
        elif re.fullmatch(rb"[-+]?(\d+\.?\d*|\.\d+)", token):
            operands.append(float(token))
        elif token.startswith(b"/"):
            operands.append(token[1:])
        else:
            if token == b"q":
                stack.append(ctm)
            elif token == b"Q" and stack:
                ctm = stack.pop()
            elif token == b"cm" and len(operands) >= 6:
                ctm = _multiply(tuple(operands[-6:]), ctm)
            elif token == b"BT":
                tm = (1, 0, 0, 1, 0, 0)
            elif token == b"Tm" and len(operands) >= 6:
                tm = tuple(operands[-6:])
            elif token == b"Tf" and operands:
                size = float(operands[-1])
            elif token in _SHOW:
                a, b, c, d, _, _ = _multiply(tm, ctm)
                sizes.append(size * math.sqrt(abs(a * d - b * c)))
            elif token == b"Do" and operands and depth < 4:
                ref = xobjects.get(operands[-1])
                obj = objects.get(int(ref)) if ref else None
                if obj is not None and b"/Form" in obj:
                    matrix = re.search(rb"/Matrix\s*\[([^\]]*)\]", obj)
                    inner = ctm if matrix is None else _multiply(
                        tuple(float(v) for v in matrix.group(1).split()), ctm)
                    sizes += _sizes(_content(obj), inner, objects, obj, depth + 1)
            operands = []
    return sizes


def _xobject_dict(resources: bytes, objects) -> bytes:
    match = re.search(rb"/XObject\s*(<<.*?>>|(\d+) 0 R)", resources, re.S)
    if match is None:
        return b""
    if match.group(2):
        return objects.get(int(match.group(2)), b"")
    return match.group(1)


def _pages(data: bytes) -> tuple[list[bytes], dict[int, bytes]]:
    objects = _objects(data)
    root = next(o for o in objects.values() if re.search(rb"/Type\s*/Pages\b", o)
                and b"/Parent" not in o)
    pages: list[bytes] = []

    def walk(node: bytes) -> None:
        kids = re.search(rb"/Kids\s*\[([^\]]*)\]", node)
        if kids is None:
            pages.append(node)
            return
        for ref in re.findall(rb"(\d+) 0 R", kids.group(1)):
            walk(objects[int(ref)])

    walk(root)
    return pages, objects


def smallest_fonts(pdf: Path) -> list[float]:
    """The smallest font size (points, as printed) on each page of ``pdf``."""
    pages, objects = _pages(Path(pdf).read_bytes())
    out = []
    for page in pages:
        refs = re.search(rb"/Contents\s*(\[[^\]]*\]|\d+ 0 R)", page)
        stream = b"".join(_content(objects[int(r)])
                          for r in re.findall(rb"(\d+) 0 R", refs.group(1))) if refs else b""
        resources = page
        res = re.search(rb"/Resources\s*(\d+) 0 R", page)
        if res:
            resources = objects[int(res.group(1))]
        sizes = [s for s in _sizes(stream, (1, 0, 0, 1, 0, 0), objects, resources) if s > 0]
        out.append(round(min(sizes), 2) if sizes else 0.0)
    return out


def page_texts(pdf: Path) -> list[str]:
    """The text of each page (``pdftotext -layout``)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True, timeout=120).stdout
    return text.split("\f")[:len(smallest_fonts(pdf))]
