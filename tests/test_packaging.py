"""The folders the user asked for install under one namespace, dutygraph.*, from a wheel as well as editable."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import ROOT


def test_editable_install_maps_the_top_level_folders():
    import dutygraph.graph
    import dutygraph.loaders
    import dutygraph.ontology
    import dutygraph.service

    assert Path(dutygraph.loaders.__file__).parent == ROOT / "loaders"
    assert Path(dutygraph.graph.__file__).parent == ROOT / "graph"


def test_wheel_holds_only_the_dutygraph_namespace(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )
    wheel = next(tmp_path.glob("dutygraph-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names}
    assert top <= {"dutygraph", f"{wheel.name.split('-')[0]}-{wheel.name.split('-')[1]}.dist-info"}
    for required in ("dutygraph/graph/queries/tasks.rq", "dutygraph/ontology/dutygraph.ttl",
                     "dutygraph/ontology/shapes.ttl", "dutygraph/loaders/pdf_text.py", "dutygraph/service/cli.py"):
        assert required in names
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    probe = ("import dutygraph.loaders, dutygraph.graph.queries as q, dutygraph.ontology as o;"
             "print(dutygraph.loaders.__file__); print(len(q.query_names())); print(o.path('dutygraph.ttl').exists())")
    # -S: no site processing, so the editable install's path hook is off and only the unpacked wheel
    # provides dutygraph; the venv's site-packages come after it for the dependencies.
    import site
    paths = [str(unpacked)] + site.getsitepackages()
    out = subprocess.run([sys.executable, "-S", "-c", f"import sys; sys.path[:0] = {paths!r}; " + probe],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    first, count, exists = out.stdout.split()
    assert first.startswith(str(unpacked)) and int(count) >= 3 and exists == "True"
