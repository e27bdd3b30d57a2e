"""Checks on an Office package (a zip of XML parts) before python-docx or openpyxl open it, for what those
libraries would spend minutes or gigabytes on: a zip bomb, or a merged range over a whole sheet (openpyxl makes
one object per merged cell while it reads, so <mergeCell ref="A1:XFD1048576"/> never returns)."""
from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

from openpyxl.utils.cell import range_boundaries

from .errors import LoadError

MAX_UNPACKED_BYTES = 512 << 20
MAX_PARTS = 10_000
MAX_MERGED_CELLS = 2_000_000
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([^"]*)"')


def check_package(path: Path, kind: str) -> None:
    """Raise LoadError naming the file when the package is not a zip, or is too big unpacked."""
    try:
        with zipfile.ZipFile(path) as package:
            parts = package.infolist()
            if len(parts) > MAX_PARTS or sum(p.file_size for p in parts) > MAX_UNPACKED_BYTES:
                raise LoadError(path.name, f"not a readable {kind} file (it unpacks to more than "
                                           f"{MAX_UNPACKED_BYTES >> 20} MiB or {MAX_PARTS} parts)")
            if kind.endswith(".xlsx"):
                _check_merges(package, path.name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, NotImplementedError, ValueError,
            OSError) as exc:
        raise LoadError(path.name, f"not a readable {kind} file (a damaged zip package: {exc or type(exc).__name__})") from None


def _check_merges(package: zipfile.ZipFile, file: str) -> None:
    total = 0
    for part in package.infolist():
        if not (part.filename.startswith("xl/worksheets/") and part.filename.endswith(".xml")):
            continue
        with package.open(part) as stream:
            xml = stream.read()
        for ref in _MERGE.findall(xml):
            try:
                min_col, min_row, max_col, max_row = range_boundaries(ref.decode("ascii", "replace"))
            except (ValueError, TypeError):
                continue  # openpyxl's own error for it names the problem
            if None in (min_col, min_row, max_col, max_row):
                raise LoadError(file, f"{part.filename}: merged range {ref.decode('ascii', 'replace')} has no end")
            total += max(0, max_col - min_col + 1) * max(0, max_row - min_row + 1)
            if total > MAX_MERGED_CELLS:
                raise LoadError(file, f"{part.filename}: merged ranges cover more than {MAX_MERGED_CELLS} cells; "
                                      "not a duty table")
