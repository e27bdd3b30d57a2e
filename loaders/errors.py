"""The one error a loader raises: it names the file and, where there is one, the line."""
from __future__ import annotations


class LoadError(Exception):
    def __init__(self, file: str, message: str, line: int | None = None) -> None:
        self.file = file
        self.line = line
        self.message = message
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {message}")
