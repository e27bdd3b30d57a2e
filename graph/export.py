"""Exporting the store to a file: merged graph for triple formats, named graphs kept for quad formats."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .namespaces import PREFIXES

TRIPLE_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
                  "rdf": ox.RdfFormat.RDF_XML}
QUAD_FORMATS = {"nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}


def export_store(store: ox.Store, fmt: str, out: Path) -> int:
    if fmt in QUAD_FORMATS:
        store.dump(str(out), QUAD_FORMATS[fmt])
        return len(store)
    if fmt not in TRIPLE_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: use {', '.join([*TRIPLE_FORMATS, *QUAD_FORMATS])}")
    triples = store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert isinstance(triples, ox.QueryTriples)
    data = list(triples)
    ox.serialize(data, str(out), TRIPLE_FORMATS[fmt], prefixes=PREFIXES if fmt == "ttl" else None)
    return len(data)
