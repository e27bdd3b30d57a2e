"""The W3C SPARQL 1.1 Protocol test suite (``../shared/w3c-sparql11-protocol/``, issue 20) against a real
`dutygraph serve` process: one case per manifest entry, named after it, sending the requests the manifest
describes in order and checking status class, content type and result.

Two deployment details the manifest leaves to the runner: ``/sparql/`` becomes this service's ``/sparql``,
and every request carries the update token (so a 4xx is the protocol's refusal, never a missing token —
401 and 403 are failures here). Graphs a test lists as ``ut:graphData`` are replaced with the suite's file
by an authorised update before the test runs."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from conftest import dutygraph_serve
from fastapi import FastAPI
from fastapi.testclient import TestClient
from w3c_manifest import SUITE, HttpRequest, ProtocolTest, read_manifest

from dutygraph.service.deps import provide
from dutygraph.service.sparql import LIMITS, SparqlSettings, with_protocol_dataset
from dutygraph.service.sparql import router as sparql_router

TOKEN = "w3c-protocol-token-0123456789"
TESTS = read_manifest()
BOOLEAN_TYPES = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
                 "application/sparql-results+xml": ox.QueryResultsFormat.XML}
TABULAR_TYPES = {**BOOLEAN_TYPES, "text/csv": ox.QueryResultsFormat.CSV,
                 "text/tab-separated-values": ox.QueryResultsFormat.TSV}
RDF_TYPES = {"application/rdf+xml": ox.RdfFormat.RDF_XML, "text/turtle": ox.RdfFormat.TURTLE,
             "application/n-triples": ox.RdfFormat.N_TRIPLES}  # the manifest's list; RDFa is not offered


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    """`dutygraph serve` with its defaults (process isolation, the answer cache) plus updates, on an empty store."""
    folder = tmp_path_factory.mktemp("w3c") / "store"
    ox.Store(str(folder))  # created, then closed: the server opens it
    with dutygraph_serve(folder, "--allow-update", "--token", TOKEN) as (url, _process):
        yield url


def _load_graph_data(url: str, test: ProtocolTest) -> None:
    for data in test.graph_data:
        graph = ox.NamedNode(data.name)
        triples = " ".join(f"{t} ." for t in ox.parse(path=str(SUITE / data.file.name), format=ox.RdfFormat.N_TRIPLES))
        response = httpx.post(url + "/sparql", content=f"DROP SILENT GRAPH {graph} ; INSERT DATA {{ GRAPH {graph} {{ {triples} }} }}",
                              headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 204, response.text


def _send(url: str, request: HttpRequest) -> httpx.Response:
    assert request.path.startswith("/sparql/"), request.path
    headers = {**dict(request.headers), "Authorization": f"Bearer {TOKEN}"}
    return httpx.request(request.method, url + "/sparql" + request.path.removeprefix("/sparql/"), headers=headers,
                         content=request.body, timeout=30, follow_redirects=False)


def _check(request: HttpRequest, response: httpx.Response) -> None:
    expected, shown = request.expected, f"{request.method} {request.path}: {response.status_code} {response.text[:300]}"
    assert response.status_code // 100 in expected.status_classes, shown
    assert response.status_code not in (401, 403), shown
    media_type = response.headers.get("content-type", "").split(";")[0].strip()
    if expected.format == "boolean":
        assert media_type in BOOLEAN_TYPES, shown
        answer = ox.parse_query_results(response.content, format=BOOLEAN_TYPES[media_type])
        assert isinstance(answer, ox.QueryBoolean), shown
        if expected.boolean is not None:
            assert bool(answer) is expected.boolean, shown
    elif expected.format == "tabular":
        assert media_type in TABULAR_TYPES, shown
        assert isinstance(ox.parse_query_results(response.content, format=TABULAR_TYPES[media_type]), ox.QuerySolutions)
    elif expected.format == "RDF":
        assert media_type in RDF_TYPES, shown
        list(ox.parse(response.content, format=RDF_TYPES[media_type]))


@pytest.mark.server
@pytest.mark.parametrize("test", TESTS, ids=[t.id for t in TESTS])
def test_w3c_protocol(server: str, test: ProtocolTest) -> None:
    """One manifest entry: its requests in order, each response as the manifest expects."""
    _load_graph_data(server, test)
    for request in test.requests:
        _check(request, _send(server, request))


def test_the_whole_suite_is_read() -> None:
    assert len(TESTS) == 34 and len({t.id for t in TESTS}) == 34
    assert all(t.name and t.requests for t in TESTS)


# --- what the suite leaves open: the dataset rewrite, the base, media types, the service description -------

G1, G2, G3 = "http://example.org/g1", "http://example.org/g2", "http://example.org/g3"
DOC = "http://xmlns.com/foaf/0.1/Document"
SEEDED = (f"INSERT DATA {{ GRAPH <{G1}> {{ <{G1}> a <{DOC}> }} GRAPH <{G2}> {{ <{G2}> a <{DOC}> }} "
          f"GRAPH <{G3}> {{ <{G3}> a <{DOC}> }} }}")


def _client(**settings: Any) -> tuple[TestClient, ox.Store]:
    store = ox.Store()
    store.update(SEEDED)
    app = FastAPI()
    provide(app, store, sparql=SparqlSettings(isolation="thread", **settings))
    app.include_router(sparql_router)
    return TestClient(app), store


def _update(client: TestClient, text: str, **params: str | list[str]) -> httpx.Response:
    return client.post("/sparql", content=text.encode(), params=params,
                       headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"})


@pytest.mark.parametrize(("update", "using", "named", "left"), [
    (f"DELETE WHERE {{ GRAPH ?g {{ ?s a <{DOC}> }} }}", [], [G1], {G2, G3}),
    (f"DELETE {{ GRAPH ?g {{ ?s a <{DOC}> }} }} WHERE {{ GRAPH ?g {{ ?s a <{DOC}> }} }}", [], [G1, G3], {G2}),
    (f"DELETE {{ GRAPH ?s {{ ?s a <{DOC}> }} }} WHERE {{ ?s a <{DOC}> }}", [G2], [], {G1, G3}),
    ("DELETE { GRAPH ?s { ?s ?p ?o } } WHERE { ?s ?p ?o }", [G1], [G3], {G2, G3}),
], ids=["delete-where-named", "modify-named", "modify-default", "default-only"])
def test_protocol_dataset_scopes_the_where_clause(update: str, using: list[str], named: list[str], left: set[str]) -> None:
    client, store = _client(allow_update=True, update_token=TOKEN)
    response = _update(client, update, **{"using-graph-uri": using, "using-named-graph-uri": named})
    assert response.status_code == 204, response.text
    assert {q.graph_name.value for q in store} == left


def test_the_rewrite_touches_only_top_level_clauses() -> None:
    text = ('PREFIX where: <http://example.org/> DELETE WHERE { ?s where:p "WHERE { USING" } ;\n'
            "# WITH <http://example.org/x> WHERE\nINSERT { ?s ?p 1 } WHERE { { SELECT * WHERE { ?s ?p ?o } } }")
    rewritten = with_protocol_dataset(text, [G1], [G2])
    assert rewritten.count(f"USING <{G1}> USING NAMED <{G2}>") == 2
    assert rewritten.count('"WHERE { USING"') == 2 and "# WITH <http://example.org/x> WHERE\n" in rewritten
    ox.Store().update(rewritten)  # parses
    assert with_protocol_dataset(text, [], []) is text


@pytest.mark.parametrize("text", [f"WITH <{G1}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
                                  f"DELETE {{ ?s ?p ?o }} using <{G1}> WHERE {{ ?s ?p ?o }}"])
def test_protocol_dataset_and_using_or_with_is_400(text: str) -> None:
    client, store = _client(allow_update=True, update_token=TOKEN)
    before = {str(q) for q in store}
    response = _update(client, text, **{"using-graph-uri": G2})
    assert response.status_code == 400 and "one way only" in response.json()["detail"]
    assert {str(q) for q in store} == before


@pytest.mark.parametrize("iri", [f"{G1}> }} WHERE {{ }} ; DROP ALL ; #", "relative/graph", ""])
def test_hostile_using_graph_uri_is_400_and_changes_nothing(iri: str) -> None:
    client, store = _client(allow_update=True, update_token=TOKEN)
    before = {str(q) for q in store}
    response = _update(client, "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", **{"using-named-graph-uri": iri})
    assert response.status_code == 400 and "invalid graph IRI" in response.json()["detail"]
    assert {str(q) for q in store} == before


def test_relative_iris_resolve_against_the_endpoint() -> None:
    client, store = _client(allow_update=True, update_token=TOKEN)
    assert _update(client, f"INSERT DATA {{ GRAPH <{G1}> {{ <s> <p> <o> }} }}").status_code == 204
    assert ox.NamedNode("http://testserver/s") in {q.subject for q in store}
    answer = client.get("/sparql", params={"query": "SELECT ?o WHERE { <s> <p> ?o }"})
    assert answer.json()["results"]["bindings"] == [{"o": {"type": "uri", "value": "http://testserver/o"}}]


@pytest.mark.parametrize(("content_type", "body", "status"), [
    ("text/plain", b"ASK {}", 415),
    (None, b"query=ASK%20%7B%7D", 415),
    ("application/sparql-query; charset=ISO-8859-1", b"ASK {}", 415),
    ("application/sparql-query", "ASK { FILTER(\"é\") }".encode("latin-1"), 400),
    ("application/x-www-form-urlencoded", b"ASK {}", 400),  # a form without query= or update=
    ("application/x-www-form-urlencoded", b"", 400),
    ("application/x-www-form-urlencoded", b"query=ASK%20%7B%7D%FF", 400),  # not UTF-8 once decoded
])
def test_bodies_without_the_right_media_type(content_type: str | None, body: bytes, status: int) -> None:
    client, _ = _client()
    headers = {"Content-Type": content_type} if content_type else {}
    assert client.post("/sparql", content=body, headers=headers).status_code == status


def test_charset_utf8_and_dataset_in_the_url_of_a_form_post() -> None:
    client, _ = _client(union_default_graph=False)
    response = client.post("/sparql", params={"default-graph-uri": G1}, content=f"query=ASK {{ <{G1}> ?p ?o }}".encode(),
                           headers={"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"})
    assert response.status_code == 200 and response.json()["boolean"] is True


def _description(client: TestClient) -> set[tuple[str, str]]:
    response = client.get("/sparql", headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    return {(str(t.predicate.value), str(getattr(t.object, "value", t.object)))
            for t in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)}


def test_the_service_description_says_what_is_offered() -> None:
    sd = "http://www.w3.org/ns/sparql-service-description#"
    read_only = _description(_client(timeout_s=2.5, max_rows=500)[0])
    assert (sd + "supportedLanguage", sd + "SPARQL11Update") not in read_only
    assert {(sd + "feature", sd + "UnionDefaultGraph")} == {p for p in read_only if p[0] == sd + "feature"}
    assert {(LIMITS + "queryTimeoutSeconds", "2.5"), (LIMITS + "maxResultRows", "500")} <= read_only
    writable = _description(_client(allow_update=True, update_token=TOKEN, union_default_graph=False,
                                     service_allowlist=("http://example.org/sparql",))[0])
    assert (sd + "supportedLanguage", sd + "SPARQL11Update") in writable
    assert {f for p, f in writable if p == sd + "feature"} == {sd + "EmptyGraphs", sd + "BasicFederatedQuery"}
    assert (sd + "endpoint", "http://testserver/sparql") in writable
