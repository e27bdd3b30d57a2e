"""The one error a loader raises: it names the file and, where there is one, the line."""
from __future__ import annotations

MAX_MESSAGE = 600  # messages quote cells; a damaged file can make a cell megabytes long


class LoadError(Exception):
    def __init__(self, file: str, message: str, line: int | None = None) -> None:
        self.file = file
        self.line = line
        self.message = shorten(message)
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {self.message}")


def shorten(text: str, limit: int = MAX_MESSAGE) -> str:
    """Keep the start and the end of an over-long message (the end usually says what was wrong)."""
    if len(text) <= limit:
        return text
    return f"{text[:limit - 150]} … ({len(text) - limit + 3} characters left out) … {text[-147:]}"
