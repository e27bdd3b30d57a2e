"""mypy over the installed package layout: the repository keeps graph/, loaders/ … at the top level and installs
them as dutygraph.graph, dutygraph.loaders … through an import hook that mypy cannot follow. This mirrors the
layout as links to the .py files (not to the folders: graph/queries/ holds the .rq files and would shadow
graph/queries.py as a namespace package) in build/typecheck, then runs mypy with pyproject.toml's settings."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("graph", "loaders", "ontology", "service", "viz")


def mirror(into: Path) -> None:
    shutil.rmtree(into, ignore_errors=True)
    for package in PACKAGES:
        for source in sorted((ROOT / package).rglob("*.py")):
            if "__pycache__" in source.parts:
                continue
            link = into / "dutygraph" / package / source.relative_to(ROOT / package)
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(source)


def main() -> int:
    tree = ROOT / "build" / "typecheck"
    mirror(tree)
    command = [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), "-p", "dutygraph"]
    return subprocess.run(command, cwd=tree, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
