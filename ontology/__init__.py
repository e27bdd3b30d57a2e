"""The dutygraph ontology, SHACL shapes and curated vocabularies (Turtle files shipped as package data)."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

ONTOLOGY_FILES = ("dutygraph.ttl", "shapes.ttl", "functions.ttl", "departments.ttl", "overrides.ttl", "facilities.ttl")


def path(name: str) -> Path:
    """Filesystem path of one shipped Turtle file."""
    return Path(str(resources.files(__package__).joinpath(name)))


def available() -> list[Path]:
    return [path(n) for n in ONTOLOGY_FILES if path(n).exists()]
