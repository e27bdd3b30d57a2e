"""Reading a text file as Chinese government files come: UTF-8 (BOM or not) or GB18030/GBK, LF or CRLF."""
from __future__ import annotations

from pathlib import Path

from .errors import LoadError


def decode_bytes(data: bytes, file: str) -> str:
    """Decode, refusing empty and binary input with a message that names the file."""
    if not data.strip():
        raise LoadError(file, "the file is empty")
    if b"\x00" in data[:65536]:
        raise LoadError(file, "this is a binary file, not a text document (found NUL bytes)")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost any byte string
        raise LoadError(file, "cannot decode the file as UTF-8 or GB18030")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\n\t\f\v")
    if controls > 8:
        raise LoadError(file, "this looks like a binary file, not a text document (control characters)")
    return text


def read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(str(path.name), f"cannot read the file: {exc.strerror or exc}") from None
    return decode_bytes(data, path.name)
