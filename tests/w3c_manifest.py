"""Reads the W3C SPARQL 1.1 Protocol manifest (``../shared/w3c-sparql11-protocol/manifest.ttl``) into plain
records: each test's requests in order, what each response must be, and the graphs the test needs loaded.

The manifest is parsed with pyoxigraph and walked as RDF (``mf:entries`` and ``ht:requests`` are RDF lists),
so the runner sends what the suite says, not a hand copy of it."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import pyoxigraph as ox

SUITE = Path(__file__).resolve().parents[2] / "shared" / "w3c-sparql11-protocol"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
HT = "http://www.w3.org/2011/http#"
HTS = "http://www.w3.org/2011/http-statusCodes#"
CNT = "http://www.w3.org/2011/content#"
UT = "http://www.w3.org/2009/sparql/tests/test-update#"


@dataclass(frozen=True)
class Expected:
    """``mf:expectedStatus`` as status classes (2, 3, 4), and the optional format and ASK answer."""

    status_classes: tuple[int, ...]
    format: str | None = None  # "boolean", "tabular" or "RDF"
    boolean: bool | None = None


@dataclass(frozen=True)
class HttpRequest:
    """One ``ht:Request``; `path` is the manifest's ``ht:absolutePath`` (it starts with ``/sparql/``)."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    expected: Expected


@dataclass(frozen=True)
class GraphData:
    """A ``ut:graphData``: the file of the suite to load into the graph named `name`."""

    file: Path
    name: str


@dataclass(frozen=True)
class ProtocolTest:
    id: str  # the local name, e.g. "query_post_form"
    name: str  # mf:name
    requests: tuple[HttpRequest, ...]
    graph_data: tuple[GraphData, ...]


class _Graph:
    def __init__(self, path: Path) -> None:
        self.triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.as_uri()))

    def objects(self, subject: object, predicate: str) -> list[ox.NamedNode | ox.BlankNode | ox.Literal]:
        return [t.object for t in self.triples if t.subject == subject and t.predicate.value == predicate]

    def one(self, subject: object, predicate: str) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        found = self.objects(subject, predicate)
        assert len(found) == 1, f"{subject} has {len(found)} {predicate}"
        return found[0]

    def value(self, subject: object, predicate: str) -> str | None:
        found = self.objects(subject, predicate)
        return found[0].value if found else None

    def items(self, head: object) -> list[ox.NamedNode | ox.BlankNode | ox.Literal]:
        items = []
        while not (isinstance(head, ox.NamedNode) and head.value == RDF + "nil"):
            items.append(self.one(head, RDF + "first"))
            head = self.one(head, RDF + "rest")
        return items


def _request(graph: _Graph, node: object) -> HttpRequest:
    headers = tuple((graph.value(h, HT + "fieldName") or "", graph.value(h, HT + "fieldValue") or "")
                    for list_head in graph.objects(node, HT + "headers") for h in graph.items(list_head))
    body = None
    for content in graph.objects(node, HT + "body"):
        encoding = graph.value(content, CNT + "characterEncoding") or "UTF-8"
        body = (graph.value(content, CNT + "chars") or "").encode(encoding)
    response = graph.one(node, HT + "resp")
    classes = tuple(sorted(int(s.value.removeprefix(HTS + "StatusCode")[0])
                           for s in graph.objects(response, MF + "expectedStatus")))
    boolean = graph.value(response, MF + "expectedBoolean")
    expected = Expected(classes, graph.value(response, MF + "expectedFormat"),
                        None if boolean is None else boolean == "true")
    return HttpRequest(graph.value(node, HT + "methodName") or "", graph.value(node, HT + "absolutePath") or "",
                       headers, body, expected)


def read_manifest(folder: Path = SUITE) -> list[ProtocolTest]:
    """The tests in ``mf:entries`` order."""
    graph = _Graph(folder / "manifest.ttl")
    manifest = ox.NamedNode((folder / "manifest.ttl").as_uri())
    tests = []
    for entry in graph.items(graph.one(manifest, MF + "entries")):
        action = graph.one(entry, MF + "action")
        requests = tuple(_request(graph, r) for r in graph.items(graph.one(action, HT + "requests")))
        data = tuple(GraphData(Path(unquote(urlparse(graph.one(d, UT + "graph").value).path)),
                               graph.value(d, RDFS + "label") or "")
                     for d in graph.objects(entry, UT + "graphData"))
        tests.append(ProtocolTest(entry.value.rpartition("#")[2], graph.value(entry, MF + "name") or "",
                                  requests, tuple(sorted(data, key=lambda d: d.name))))
    return tests
