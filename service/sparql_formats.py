"""Result formats of the SPARQL endpoint: content negotiation and serialization.

Serialization is pyoxigraph's own. The one detour: pyoxigraph cannot build a ``QuerySolutions`` from a
list, so a SELECT result capped at ``max_rows`` is written as SPARQL-JSON here and, for the other
formats, parsed back with ``pyoxigraph.parse_query_results`` and re-serialized by pyoxigraph.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pyoxigraph as ox

from dutygraph.graph.namespaces import PREFIXES
from dutygraph.graph.sparql import declares_dataset as declares_dataset  # one dataset rule for the CLI and /sparql

Kind = Literal["results", "graph"]
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_FORMATS_NS = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True)
class Format:
    """One answer format: the media type we send, the ones we accept for it, and its ``format=`` names."""

    media_type: str
    kind: Kind
    names: tuple[str, ...]
    iri: str
    aliases: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.media_type.startswith("text/") else self.media_type


JSON_RESULTS = Format("application/sparql-results+json", "results", ("json", "srj"),
                      _FORMATS_NS + "SPARQL_Results_JSON", ("application/json",))
XML_RESULTS = Format("application/sparql-results+xml", "results", ("xml", "srx"),
                     _FORMATS_NS + "SPARQL_Results_XML", ("application/xml", "text/xml"))
CSV_RESULTS = Format("text/csv", "results", ("csv",), _FORMATS_NS + "SPARQL_Results_CSV")
TSV_RESULTS = Format("text/tab-separated-values", "results", ("tsv",), _FORMATS_NS + "SPARQL_Results_TSV")
TURTLE = Format("text/turtle", "graph", ("turtle", "ttl"), _FORMATS_NS + "Turtle", ("application/x-turtle",))
N_TRIPLES = Format("application/n-triples", "graph", ("nt", "ntriples", "n-triples"),
                   _FORMATS_NS + "N-Triples", ("text/plain",))
JSON_LD = Format("application/ld+json", "graph", ("jsonld", "json-ld", "json"), _FORMATS_NS + "JSON-LD")
RDF_XML = Format("application/rdf+xml", "graph", ("rdfxml", "rdf", "xml"), _FORMATS_NS + "RDF_XML")

# The first format of each tuple is the default for that kind of answer.
RESULT_FORMATS: tuple[Format, ...] = (JSON_RESULTS, XML_RESULTS, CSV_RESULTS, TSV_RESULTS)
GRAPH_FORMATS: tuple[Format, ...] = (TURTLE, N_TRIPLES, JSON_LD, RDF_XML)

_RESULTS_OX = {JSON_RESULTS: ox.QueryResultsFormat.JSON, XML_RESULTS: ox.QueryResultsFormat.XML,
               CSV_RESULTS: ox.QueryResultsFormat.CSV, TSV_RESULTS: ox.QueryResultsFormat.TSV}
_GRAPH_OX = {TURTLE: ox.RdfFormat.TURTLE, N_TRIPLES: ox.RdfFormat.N_TRIPLES,
             JSON_LD: ox.RdfFormat.JSON_LD, RDF_XML: ox.RdfFormat.RDF_XML}


class NotAcceptable(Exception):
    """No format of the answer's kind is acceptable to the client (HTTP 406)."""


def _parse_accept(accept: str) -> list[tuple[str, float]]:
    ranges: list[tuple[str, float]] = []
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append((fields[0].lower(), q))
    return ranges


def _quality(fmt: Format, ranges: list[tuple[str, float]]) -> tuple[float, int]:
    """The q of the most specific range matching fmt (exact > type/* > */*), and that range's position."""
    best: tuple[int, float, int] = (-1, 0.0, 0)
    for position, (media_range, q) in enumerate(ranges):
        if media_range in (fmt.media_type, *fmt.aliases):
            specificity = 2
        elif media_range == fmt.media_type.split("/")[0] + "/*":
            specificity = 1
        elif media_range == "*/*":
            specificity = 0
        else:
            continue
        if specificity > best[0]:
            best = (specificity, q, position)
    return best[1], best[2]


def negotiate(accept: str | None, format_param: str | None, formats: Sequence[Format]) -> Format:
    """Pick the answer format: ``format=`` (a short name or a media type) wins over Accept, else the
    highest q, ties going to the client's earlier range and then to our order."""
    if format_param:
        wanted = format_param.strip().lower()
        for fmt in formats:
            if wanted in fmt.names or wanted in (fmt.media_type, *fmt.aliases):
                return fmt
        raise NotAcceptable(f"format={format_param!r} is not available for this query; "
                            f"use one of {', '.join(f.names[0] for f in formats)}")
    if not accept or not accept.strip():
        return formats[0]
    ranges = _parse_accept(accept)
    scored = [(q, -position, -index, fmt) for index, fmt in enumerate(formats)
              for q, position in [_quality(fmt, ranges)] if q > 0]
    if not scored:
        raise NotAcceptable(f"none of the formats for this query is acceptable: "
                            f"{', '.join(f.media_type for f in formats)}")
    return max(scored, key=lambda item: item[:3])[3]


def acceptable_at_all(accept: str | None, format_param: str | None) -> bool:
    """Whether either kind of answer could be sent, so a hopeless request is refused before it runs."""
    for formats in (RESULT_FORMATS, GRAPH_FORMATS):
        try:
            negotiate(accept, format_param, formats)
            return True
        except NotAcceptable:
            continue
    return False


def _term_json(term: Any) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        encoded: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            encoded["xml:lang"] = term.language
            if term.direction:
                encoded["its:dir"] = term.direction.value
        elif term.datatype.value != _XSD_STRING:
            encoded["datatype"] = term.datatype.value
        return encoded
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _term_json(term.subject),
                                            "predicate": _term_json(term.predicate),
                                            "object": _term_json(term.object)}}
    raise TypeError(f"unexpected RDF term {term!r}")


def serialize_solutions(variables: Sequence[str], rows: Iterable[ox.QuerySolution], fmt: Format) -> bytes:
    """Serialize already-fetched SELECT rows (see the module docstring for the JSON detour)."""
    bindings = [{name: _term_json(row[name]) for name in variables if row[name] is not None} for row in rows]
    document = json.dumps({"head": {"vars": list(variables)}, "results": {"bindings": bindings}},
                          ensure_ascii=False).encode()
    if fmt == JSON_RESULTS:
        return document
    parsed = ox.parse_query_results(document, format=ox.QueryResultsFormat.JSON)
    return _bytes(parsed.serialize(format=_RESULTS_OX[fmt]))


def serialize_boolean(result: ox.QueryBoolean, fmt: Format) -> bytes:
    return _bytes(result.serialize(format=_RESULTS_OX[fmt]))


def serialize_triples(triples: Iterable[ox.Triple], fmt: Format, prefixes: dict[str, str] | None = None) -> bytes:
    return _bytes(ox.serialize(triples, format=_GRAPH_OX[fmt], prefixes=PREFIXES if prefixes is None else prefixes))


def _bytes(serialized: bytes | None) -> bytes:
    """pyoxigraph returns the bytes when given no output file; the None branch is for the type checker."""
    assert serialized is not None
    return serialized
