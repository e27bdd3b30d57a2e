"""The same service on a remote SPARQL engine: a throw-away Virtuoso (tests/virtuoso.py) loaded with both samples
through dutygraph's own load path must give the embedded store's answers to every question — library, /api,
/viz — and /sparql keeps its read-only and time-limit rules when it proxies to the engine.
Skipped only when virtuoso-opensource cannot be installed here (the skip message says why)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
import virtuoso
from conftest import CHENGDU, LINTONG, free_port
from fastapi.testclient import TestClient

from dutygraph.graph import listings, questions, reports
from dutygraph.graph import load as load_module
from dutygraph.graph import namespaces as ns
from dutygraph.graph.backend import JOURNAL_GRAPH, STAGED, STAGING_PREFIX, capabilities
from dutygraph.graph.corpus import generate
from dutygraph.graph.export import export_store
from dutygraph.graph.load import load_files, load_plans, read_all
from dutygraph.graph.queries import query_names, query_text
from dutygraph.graph.remote import LEASE_S, RemoteConfig, RemoteStore, RemoteStoreError, bind_values, remote_store
from dutygraph.graph.search import search
from dutygraph.graph.store import GraphPayload, named_graphs, open_store, replace_graphs
from dutygraph.graph.tasks import list_tasks
from dutygraph.service.app import Settings, create_app
from dutygraph.viz import queries as viz_queries

CD, LT = "chengdu_task_table", "lintong_plan"
EMERGENCY = "https://w3id.org/dutygraph/org/chengdu/emergency"
SCHOOL = "https://w3id.org/dutygraph/facility/school"
SCRATCH = "urn:dutygraph:test:scratch"
HOSTILE = ['a"b', "x } ; DROP ALL #", "line\nbreak\r\ttab", "'''", '"""', "back\\slash", "{ ?s ?p ?o }",
           "> <urn:x> .", "燃气管道", "?planId"]


@pytest.fixture(scope="module")
def server():
    try:
        started = virtuoso.start_virtuoso()
    except virtuoso.VirtuosoUnavailable as why:
        pytest.skip(f"Virtuoso cannot be installed here: {why}")
    yield started
    virtuoso.discard(started)


def remote_config(server: virtuoso.Virtuoso, **overrides: Any) -> RemoteConfig:
    """Queries to the anonymous read-only /sparql, updates to the digest-authenticated /sparql-auth as dba."""
    settings: dict[str, Any] = dict(query_url=server.sparql, update_url=server.sparql_auth, user="dba",
                                    password=virtuoso.DBA_PASSWORD, auth="digest")
    return RemoteConfig(**{**settings, **overrides})


@pytest.fixture(scope="module")
def remote(server) -> RemoteStore:
    store = RemoteStore(remote_config(server))
    load_files(store, [CHENGDU, LINTONG])
    return store


@pytest.fixture(scope="module")
def embedded(loaded_store) -> ox.Store:
    return loaded_store


@pytest.fixture(params=["embedded", "virtuoso"])
def backend(request, embedded, remote):
    return embedded if request.param == "embedded" else remote


# ------------------------------------------------------------------ configuration (no engine needed)

def test_open_store_chooses_the_backend_by_url(tmp_path, monkeypatch):
    monkeypatch.setenv("DUTYGRAPH_UPDATE_URL", "http://127.0.0.1:1/update")
    monkeypatch.setenv("DUTYGRAPH_STORE_USER", "writer")
    monkeypatch.setenv("DUTYGRAPH_STORE_PASSWORD", "secret")
    store = open_store("http://127.0.0.1:1/sparql")
    assert isinstance(store, RemoteStore)
    assert (store.config.update_url, store.config.user, store.config.password) == ("http://127.0.0.1:1/update", "writer", "secret")
    assert "secret" not in repr(store.config)
    monkeypatch.setenv("DUTYGRAPH_STORE", "https://engine.example/sparql")
    assert isinstance(open_store(None), RemoteStore)
    assert isinstance(open_store(str(tmp_path / "db")), ox.Store)  # a path stays embedded
    monkeypatch.delenv("DUTYGRAPH_STORE")
    assert remote_store(None) is None


@pytest.mark.parametrize("config, message", [
    ({"query_url": "http://dba:dba@127.0.0.1/sparql"}, "not in the URL"),
    ({"query_url": "ftp://host/sparql"}, r"not an http\(s\)"),
    ({"query_url": "http://h/sparql", "auth": "kerberos"}, "auth scheme"),
    ({"query_url": "http://h/sparql", "dialect": "oracle"}, "dialect"),
    ({"query_url": "http://h/sparql", "password": "p"}, "without a user"),
])
def test_unsafe_or_wrong_remote_configuration_is_refused(config, message):
    with pytest.raises(ValueError, match=message):
        RemoteConfig(**config)


def test_an_unreachable_engine_is_an_os_error():
    store = RemoteStore(RemoteConfig(f"http://127.0.0.1:{free_port()}/sparql", timeout_s=2, dialect="standard"))
    with pytest.raises(RemoteStoreError, match="cannot reach"):
        list(store.named_graphs())


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("name", ["tasks", "task_units", "tasks_by_department"])
def test_bound_values_stay_values(embedded, name, value):
    """The VALUES rewrite parses, and on the embedded store answers exactly like pyoxigraph's substitutions."""
    var = {"tasks": "planId", "task_units": "planId", "tasks_by_department": "name"}[name]
    term = ox.Literal(value, language="zh") if var == "name" else ox.Literal(value)
    text = bind_values(query_text(name), {ox.Variable(var): term})
    assert "DROP ALL" not in text.replace(str(term), "")
    assert list(embedded.query(text, use_default_graph_as_union=True)) == []


@pytest.mark.parametrize("name", query_names())
def test_rewritten_queries_match_substitutions_on_the_embedded_store(embedded, name):
    """Every question query, with its variables bound to a real value, gives the same rows both ways."""
    text = query_text(name)
    bound = {"planId": ox.Literal(LT), "kind": ox.Literal("dependency" if name == "dependencies" else "task"),
             "unit": ox.NamedNode(EMERGENCY), "facility": ox.NamedNode(SCHOOL)}
    subs = {ox.Variable(v): t for v, t in bound.items() if f"?{v}" in text.split("WHERE")[0]}
    direct = embedded.query(text, use_default_graph_as_union=True, substitutions=subs)
    rewritten = embedded.query(bind_values(text, subs), use_default_graph_as_union=True)
    assert sorted(map(str, direct)) == sorted(map(str, rewritten))


# ------------------------------------------------------------------ the same answers to every question

def _questions() -> list[tuple[str, Callable[[Any], Any]]]:
    qs: list[tuple[str, Callable[[Any], Any]]] = [
        ("tasks", lambda s: list_tasks(s)),
        ("tasks plan=lintong", lambda s: list_tasks(s, plan=LT)),
        ("tasks plan=chengdu kind=task", lambda s: list_tasks(s, plan=CD, kind="task")),
        ("tasks kind=measure", lambda s: list_tasks(s, kind="measure")),
        ("departments", lambda s: listings.departments(s)),
        ("departments unit", lambda s: listings.departments(s, unit=EMERGENCY)),
        ("facility_types", lambda s: listings.facility_types(s)),
        ("facility_types facility", lambda s: listings.facility_types(s, facility=SCHOOL)),
        ("regulations", lambda s: listings.regulations(s)),
        ("indicators", lambda s: listings.indicators(s)),
        ("indicators plan", lambda s: listings.indicators(s, plan=CD)),
        ("shared-facilities facility", lambda s: reports.shared_facilities(s, facility=SCHOOL)),
        ("shared-facilities department", lambda s: reports.shared_facilities(s, department="市应急局")),
        ("shared-facilities plan", lambda s: reports.shared_facilities(s, plan="lintong_plan")),
        ("orphans reason", lambda s: reports.orphans(s, reason="no_deadline")),
        ("duplicates parallel", lambda s: reports.duplicates(s, kind="parallel", min_score=0.5)),
        ("dependencies kind", lambda s: reports.dependencies(s, kind="schedule")),
        ("search", lambda s: search(s, "燃气管道", limit=20)),
        ("search plan", lambda s: search(s, "学校", limit=20, plan=LT)),
        ("viz units", lambda s: portable(viz_queries.select(s, "units"))),
        ("viz resolve", lambda s: viz_queries.select(s, "resolve", name="市应急局")),
        ("viz search", lambda s: viz_queries.select(s, "search", q="燃气")),
        ("viz sharing", lambda s: portable(viz_queries.select(s, "sharing", planId=CD))),
        ("viz tasks", lambda s: portable(viz_queries.select(s, "tasks", planId=LT))),
        ("viz regulations", lambda s: portable(viz_queries.select(s, "regulations"))),
    ]
    qs += [(f"report {name}", lambda s, n=name: reports.report(s, n)) for name in reports.REPORTS]
    filters: list[dict[str, Any]] = [
        {"plan": CD, "kind": "task"}, {"department": "市应急局"}, {"department": "市公安局交管局"},
        {"department": EMERGENCY}, {"facility": "学校"}, {"facility": "人员密集场所"}, {"facility": SCHOOL},
        {"deadline_from": "2021-04", "deadline_to": "2021-06"}, {"q": "燃气管道"}, {"q": "学校", "plan": LT, "limit": 5},
        {"plan": 'x"} ; DROP ALL #'}, {"department": "{ 不存在 }\n"},
    ]
    qs += [(f"find_tasks {f}", lambda s, f=f: questions.find_tasks(s, **f)) for f in filters]
    qs += [("get_task", lambda s: questions.get_task(s, ns.BASE + "id/task/chengdu_task_table/task/158")),
           ("department", lambda s: questions.department(s, EMERGENCY)),
           ("facility_type", lambda s: questions.facility_type(s, SCHOOL))]
    return qs


QUESTIONS = _questions()


def portable(value: Any) -> Any:
    """What the standard fixes of a view: the viz queries have no ORDER BY and GROUP_CONCAT has no order, so
    row order, the order inside "A、B", the layout seeded by it (x, y) and which direction of a symmetric
    edge is drawn are the engine's choice."""
    if isinstance(value, dict):
        if value.get("kind") in ("duplicate-of", "parallel-with") and "from" in value:  # drawn once, either way
            value = dict(value, **dict(zip(("from", "to"), sorted((value["from"], value["to"])))))
        return {k: portable(v) for k, v in value.items() if k not in ("x", "y")}
    if isinstance(value, list):
        return sorted((portable(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    if isinstance(value, str) and "、" in value:
        return "、".join(sorted(value.split("、")))
    return value


@pytest.mark.parametrize("question", QUESTIONS, ids=[name for name, _ in QUESTIONS])
def test_every_question_same_answer_on_virtuoso(embedded, remote, question):
    _, ask = question
    assert ask(remote) == ask(embedded)


def _api_paths() -> list:
    base = ["/api/tasks?plan=lintong_plan", "/api/tasks?department=市应急局&kind=task",
            "/api/tasks?facility=学校", "/api/tasks?q=燃气管道&limit=10", "/api/tasks?deadline_from=2021&deadline_to=2021-06",
            "/api/tasks?plan=chengdu_task_table&format=csv", "/api/departments", f"/api/departments/{EMERGENCY}",
            "/api/facility-types", f"/api/facility-types/{SCHOOL}", "/api/regulations", "/api/indicators?plan=lintong_plan",
            "/api/search?q=消防", "/api/shared-facilities", "/api/orphans", "/api/duplicates", "/api/dependencies",
            "/api/alignments", "/api/centrality", "/api/tasks?explain=1&plan=x",
            f"/api/tasks/{ns.BASE}id/task/lintong_plan/task/1", "/api/tasks/https://nope.example/x",
            "/viz/data?view=start", "/viz/data?focus=市应急局&depth=2", "/viz/data?view=sharing&plan=chengdu_task_table",
            pytest.param("/viz/data?view=quality", marks=pytest.mark.xfail(
                reason="the quality view draws 67 nodes / 6 clusters on Virtuoso and 70 / 11 embedded; not found yet "
                       "(issue 20 note)", strict=True)),
            "/viz/data?view=dependencies", "/viz/search?q=燃气", f"/viz/expand?node={EMERGENCY}&limit=5"]
    return base


@pytest.fixture(scope="module")
def clients(embedded, remote):
    with TestClient(create_app(Settings(timeout_s=5), store=embedded)) as local, \
         TestClient(create_app(Settings(timeout_s=5), store=remote)) as far:
        yield local, far


@pytest.mark.parametrize("path", _api_paths())
def test_api_same_answer_on_virtuoso(clients, path):
    local, far = clients
    expected, got = local.get(path), far.get(path)
    assert (got.status_code, got.headers["content-type"]) == (expected.status_code, expected.headers["content-type"])
    if path.startswith("/viz/"):
        assert portable(got.json()) == portable(expected.json())
    else:
        assert got.content == expected.content


def test_healthz_counts_only_dutygraph_graphs(clients):
    local, far = clients
    counts = [{k: v for k, v in c.get("/healthz").json().items() if k != "answers"} for c in (far, local)]
    assert counts[0] == counts[1]
    assert far.get("/healthz").json()["answers"]["entries"] == 0        # a remote engine: nothing kept


# ------------------------------------------------------------------ store-level behaviour on both backends

def test_named_graphs_and_size(backend, embedded):
    assert named_graphs(backend) == named_graphs(embedded)
    assert len(backend) == len(embedded)


def test_query_refuses_updates_and_malformed_text(backend):
    with pytest.raises(SyntaxError):
        backend.query("DROP ALL")
    with pytest.raises(SyntaxError):
        backend.query("SELECT ?x WHERE { ?x ")
    assert len(list(named_graphs(backend))) == 8       # 2 plans, their analysis and alignment graphs, ontology, centrality


def test_ask_and_construct_are_real_pyoxigraph_answers(backend):
    yes = backend.query("ASK { ?t a <https://w3id.org/dutygraph/ontology#Task> }", use_default_graph_as_union=True)
    no = backend.query("ASK { ?t a <urn:nothing> }", use_default_graph_as_union=True)
    assert isinstance(yes, ox.QueryBoolean) and bool(yes) and not bool(no)
    triples = backend.query("CONSTRUCT { ?t ?p ?o } WHERE { GRAPH ?g { ?t ?p ?o } "
                            f"FILTER(?t = <{ns.BASE}id/task/lintong_plan/task/1>) }}")
    assert isinstance(triples, ox.QueryTriples)
    assert len(triples.serialize(format=ox.RdfFormat.N_TRIPLES).splitlines()) > 10


@pytest.mark.parametrize("fmt", ["nq", "ttl"])
def test_export_same_data(tmp_path, embedded, remote, fmt):
    """Same quads; Virtuoso writes decimals canonically (0.8100 → 0.81), so literals compare by value."""
    def read(store):
        out = tmp_path / f"{id(store)}.{fmt}"
        export_store(store, fmt, out)
        quads = ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS if fmt == "nq" else ox.RdfFormat.TURTLE)
        return sorted(str(q).replace("0000\"^^", "\"^^") for q in map(_canonical, quads))
    assert read(remote) == read(embedded)


def _canonical(quad: ox.Quad) -> ox.Quad:
    o = quad.object
    if isinstance(o, ox.Literal) and o.datatype.value.endswith("#decimal"):
        o = ox.Literal(repr(float(o.value)), datatype=o.datatype)
    return ox.Quad(quad.subject, quad.predicate, o, quad.graph_name)


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_round_trip_through_virtuoso(remote, value):
    """Values with quotes, braces, newlines… are written and bound as data, and only match themselves."""
    subject = ox.NamedNode(f"{SCRATCH}/{HOSTILE.index(value)}")
    predicate = ox.NamedNode(f"{SCRATCH}/p")
    replace_graphs(remote, [GraphPayload(SCRATCH, [(subject, predicate, ox.Literal(value)),
                                                    (subject, predicate, ox.Literal(value, language="zh"))])])
    try:
        rows = remote.query(f"SELECT ?s ?o WHERE {{ GRAPH <{SCRATCH}> {{ ?s ?p ?o }} }}",
                            substitutions={ox.Variable("o"): ox.Literal(value)})
        assert [(r["s"], r["o"]) for r in rows] == [(subject, ox.Literal(value))]
        tagged = remote.query(f"SELECT ?s ?o WHERE {{ ?s <{predicate.value}> ?o }}", use_default_graph_as_union=True,
                              substitutions={ox.Variable("o"): ox.Literal(value, language="zh")})
        assert [r["s"] for r in tagged] == [subject]
    finally:
        remote.update(f"DROP SILENT GRAPH <{SCRATCH}>")
    assert len(named_graphs(remote)) == 8


def test_reload_replaces_plans_in_small_chunks(server, remote, embedded):
    """Loading again (here in 97-triple requests) replaces the plan graphs instead of adding to them."""
    store = RemoteStore(remote_config(server, chunk_triples=97))
    load_files(store, [LINTONG])
    assert len(store) == len(embedded)
    assert list_tasks(store, plan=LT) == list_tasks(embedded, plan=LT)


def test_graph_store_protocol_put_replaces_a_graph(server):
    store = RemoteStore(remote_config(server, gsp_url=server.graph_crud_auth))
    p = ox.NamedNode(f"{SCRATCH}/p")
    triples = [(ox.NamedNode(f"{SCRATCH}/{i}"), p, ox.Literal(f"值 {i}\n\"", language="zh")) for i in range(3)]
    try:
        replace_graphs(store, [GraphPayload(SCRATCH, triples)])
        replace_graphs(store, [GraphPayload(SCRATCH, triples[:2])])
        rows = store.query(f"SELECT ?s ?o WHERE {{ GRAPH <{SCRATCH}> {{ ?s ?p ?o }} }} ORDER BY ?s")
        assert [(r["s"], r["o"]) for r in rows] == [(s, o) for s, _, o in triples[:2]]
    finally:
        store.update(f"DROP SILENT GRAPH <{SCRATCH}>")


# ------------------------------------------------------------------ /sparql proxied to the engine

STATS = query_text("stats")


def test_sparql_select_same_rows(clients):
    local, far = clients
    accept = {"Accept": "application/sparql-results+json"}
    expected = local.post("/sparql", data={"query": STATS}, headers=accept)
    got = far.post("/sparql", data={"query": STATS}, headers=accept)
    assert got.status_code == expected.status_code == 200
    assert got.json()["results"] == expected.json()["results"]


@pytest.mark.parametrize("query", ["DROP ALL", "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                                   "SELECT * WHERE { ?s ?p ?o } ; DROP ALL", "CLEAR DEFAULT"])
def test_sparql_stays_read_only(clients, remote, query):
    local, far = clients
    before = len(remote)
    assert far.post("/sparql", data={"query": query}).status_code == local.post("/sparql", data={"query": query}).status_code == 400
    assert far.post("/sparql", data={"update": query}).status_code == 403
    assert len(remote) == before


def test_sparql_update_with_the_token_reaches_the_engine(remote):
    app = create_app(Settings(allow_update=True, token="t0ken-long-enough-for-the-rules"), store=remote)
    with TestClient(app) as client:
        update = f"INSERT DATA {{ GRAPH <{SCRATCH}> {{ <{SCRATCH}/a> <{SCRATCH}/b> \"c\" }} }}"
        assert client.post("/sparql", data={"update": update}, headers={"Authorization": "Bearer wrong"}).status_code == 403
        try:
            assert client.post("/sparql", data={"update": update}, headers={"Authorization": "Bearer t0ken-long-enough-for-the-rules"}).status_code == 204
            assert SCRATCH in named_graphs(remote)
        finally:
            remote.update(f"DROP SILENT GRAPH <{SCRATCH}>")


def test_sparql_time_limit_holds_on_the_engine(server):
    """A query the engine grinds on is answered 503 at the service's limit; the HTTP timeout frees the thread."""
    store = RemoteStore(remote_config(server, timeout_s=3))
    slow = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i "
            "FILTER(STRLEN(CONCAT(STR(?c), STR(?f), STR(?i))) < 0) }")
    with TestClient(create_app(Settings(timeout_s=1), store=store)) as client:
        start = time.monotonic()
        answer = client.post("/sparql", data={"query": slow})
        assert answer.status_code == 503 and "time limit" in answer.json()["detail"]
        assert time.monotonic() - start < 3
    with pytest.raises(RemoteStoreError, match="did not answer within 3 s"):
        list(store.query(slow, use_default_graph_as_union=True))


# ------------------------------------------------------------------ many stateless workers on one engine

def test_serve_with_several_workers(server, remote):
    """`uvicorn --workers 2` with an app factory that reads $DUTYGRAPH_STORE: every worker answers alike."""
    port = free_port()
    env = dict(os.environ, DUTYGRAPH_STORE=server.sparql, DUTYGRAPH_STORE_DIALECT="virtuoso",
               PYTHONPATH=str(Path(__file__).parent))
    process = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "virtuoso:app_from_env", "--workers", "2",
                                "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
                               env=env, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline and process.poll() is None, "uvicorn workers did not start"
            time.sleep(0.2)
        expected = list_tasks(remote, plan=LT)
        with httpx.Client(base_url=url, timeout=30) as client:
            for _ in range(6):  # several connections, spread over the workers by the kernel
                assert client.get("/api/tasks", params={"plan": LT}, headers={"Connection": "close"}).json() == expected
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_sparql_ask_through_the_router(clients):
    local, far = clients
    ask = "ASK { ?t a <https://w3id.org/dutygraph/ontology#Measure> }"
    accept = {"Accept": "application/sparql-results+json"}
    assert far.get("/sparql", params={"query": ask}, headers=accept).json() == \
        local.get("/sparql", params={"query": ask}, headers=accept).json() == {"head": {}, "boolean": True}


def test_cli_against_the_engine(server, remote):
    """The CLI's --store takes the engine's URL; credentials come from the environment."""
    env = dict(os.environ, DUTYGRAPH_STORE_USER="dba", DUTYGRAPH_STORE_PASSWORD=virtuoso.DBA_PASSWORD,
               DUTYGRAPH_STORE_AUTH="digest", DUTYGRAPH_UPDATE_URL=server.sparql_auth)
    cli = [sys.executable, "-m", "dutygraph.service.cli"]
    done = subprocess.run(cli + ["tasks", "--store", server.sparql, "--plan", LT, "--format", "json"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == list_tasks(remote, plan=LT)
    stats = subprocess.run(cli + ["stats", "--store", server.sparql, "--format", "json"], env=env,
                           capture_output=True, text=True, timeout=120)
    assert stats.returncode == 0, stats.stderr
    assert {(s["planId"], s["kind"], s["tasks"]) for s in json.loads(stats.stdout)} >= {("lintong_plan", "measure", 21)}


# ------------------------------------------------------------------ bulk loads: staging graphs, journal, switch

def test_the_backends_say_what_they_can(embedded, remote):
    assert capabilities(embedded).transactional_bulk and capabilities(embedded).keeps_answers
    assert not capabilities(remote).transactional_bulk and not capabilities(remote).keeps_answers
    assert capabilities(remote).shared and not capabilities(embedded).shared


def test_a_large_load_goes_through_the_remote_bulk_path(server, embedded, monkeypatch):
    """A load above BULK_THRESHOLD streams into bulk_replace (it used to fail: RemoteStore has no `extend`).
    Lintong is stored already, so its graphs are written to staging graphs and moved over them."""
    monkeypatch.setattr(load_module, "BULK_THRESHOLD", 1_000)
    store = RemoteStore(remote_config(server))
    load_files(store, [LINTONG])
    assert list_tasks(store, plan=LT) == list_tasks(embedded, plan=LT)
    assert len(store) == len(embedded)
    assert named_graphs(store) == named_graphs(embedded)
    assert not store.journals()


def _journal(store: RemoteStore, token: str, graphs: list[str], renewed: float) -> None:
    entry = "\n".join(f"<{JOURNAL_GRAPH}/{token}> {STAGED} <{g}> ." for g in graphs)
    store.update(f'INSERT DATA {{ GRAPH <{JOURNAL_GRAPH}> {{ {entry} <{JOURNAL_GRAPH}/{token}> <{JOURNAL_GRAPH}#renewed> '
                 f'"{renewed}"^^<http://www.w3.org/2001/XMLSchema#decimal> }} }}')
    for g in graphs:
        store.update(f"INSERT DATA {{ GRAPH <{g}> {{ <urn:x> <urn:y> <urn:z> }} }}")


def test_an_interrupted_remote_load_is_rolled_back_on_open(server, remote, embedded, monkeypatch):
    """A loader that died (its journal entry not renewed for LEASE_S) is rolled back by the next open_store;
    a live one (renewed just now) is left alone: service workers and loaders share the engine."""
    store = RemoteStore(remote_config(server))
    dead = [f"{STAGING_PREFIX}dead/0", "urn:dutygraph:test:new-plan"]
    live = [f"{STAGING_PREFIX}live/0"]
    _journal(store, "dead", dead, time.time() - LEASE_S - 60)
    _journal(store, "live", live, time.time())
    for key, value in (("DUTYGRAPH_UPDATE_URL", server.sparql_auth), ("DUTYGRAPH_STORE_USER", "dba"),
                       ("DUTYGRAPH_STORE_PASSWORD", virtuoso.DBA_PASSWORD), ("DUTYGRAPH_STORE_AUTH", "digest")):
        monkeypatch.setenv(key, value)
    try:
        opened = open_store(server.sparql)
        assert list(opened.journals()) == [f"{JOURNAL_GRAPH}/live"]
        left = {g.value for g in opened.named_graphs()}
        assert not left & set(dead) and set(live) <= left
        assert named_graphs(opened) == named_graphs(embedded)  # bookkeeping stays hidden
    finally:
        store.recover()
    assert not store.journals() and len(store) == len(embedded)


def test_a_failed_remote_load_leaves_the_store_as_it_was(server, embedded):
    store = RemoteStore(remote_config(server))
    before = list_tasks(store, plan=LT)

    def payloads():
        yield GraphPayload(ns.plan_graph(LT), [(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.Literal("c"))])
        raise RuntimeError("the reader failed half-way")

    with pytest.raises(RuntimeError, match="half-way"):
        store.bulk_replace([ns.plan_graph(LT), "urn:dutygraph:test:other"], payloads())
    assert list_tasks(store, plan=LT) == before
    assert not store.journals() and len(store) == len(embedded)


def test_a_switch_that_fails_half_way_is_finished_not_undone(server, monkeypatch):
    """Past the commit point a failed switch is rolled forward (on the spot, or by the next open): Virtuoso does
    not undo the earlier operations of an update request when a later one fails, so undoing could not work."""
    store = RemoteStore(remote_config(server))
    p = ox.NamedNode(f"{SCRATCH}/p")
    old, new = [(ox.NamedNode("urn:s"), p, ox.Literal("old"))], [(ox.NamedNode("urn:s"), p, ox.Literal("new"))]
    send = RemoteStore.update

    def switch_fails(self, update, **kw):
        if update.startswith("MOVE"):
            raise RemoteStoreError("the engine went away during the switch")
        send(self, update, **kw)

    try:
        replace_graphs(store, [GraphPayload(SCRATCH, old)])
        monkeypatch.setattr(RemoteStore, "update", switch_fails)
        with pytest.raises(RemoteStoreError, match="went away"):
            replace_graphs(store, [GraphPayload(SCRATCH, new)])
        monkeypatch.undo()
        assert len(store.journals()) == 1
        store.recover()
        rows = store.query(f"SELECT ?o WHERE {{ GRAPH <{SCRATCH}> {{ ?s ?p ?o }} }}")
        assert [r["o"] for r in rows] == [ox.Literal("new")]
        assert not store.journals() and not list(store.query(f"SELECT * WHERE {{ GRAPH <{JOURNAL_GRAPH}> {{ ?s ?p ?o }} }}"))
        assert not [g for g in store.named_graphs() if g.value.startswith(STAGING_PREFIX)]
    finally:
        store.update(f"DROP SILENT GRAPH <{SCRATCH}>")


@pytest.fixture(scope="module")
def corpus_plans(tmp_path_factory):
    """35 synthetic plans, 10,452 duties (dutygraph gen-corpus --plans 35 --seed 1), read once."""
    folder = tmp_path_factory.mktemp("corpus")
    generate(35, 1, folder)
    plans = read_all(sorted(folder.glob("p*")))
    assert sum(len(p.tasks) for p in plans) > 10_000
    return plans


@pytest.fixture(scope="module")
def corpus_loaded(server, corpus_plans):
    """The batch load DEPLOY.md sends to a remote engine — 35 plans, 10,452 duties, ~480,000 triples — through
    the remote bulk path (staging graphs, one switch) into the test Virtuoso, and into an embedded store.
    Without the analysis, which is the same library code on both backends (the sample loads above run it
    remotely); the samples are loaded again afterwards."""
    far = RemoteStore(remote_config(server))
    far.drop_graphs(named_graphs(far))
    near = ox.Store()
    started = time.monotonic()
    load_plans(far, corpus_plans, analyse=False)
    print(f"\nremote load of {sum(len(p.tasks) for p in corpus_plans)} duties: {time.monotonic() - started:.1f} s")
    load_plans(near, corpus_plans, analyse=False)
    yield far, near
    far.drop_graphs(named_graphs(far))
    load_files(far, [CHENGDU, LINTONG])


GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def test_a_batch_of_ten_thousand_duties_loads_remotely_like_embedded(corpus_loaded):
    far, near = corpus_loaded
    assert not far.journals()
    assert named_graphs(far) == named_graphs(near)
    sizes = [{r["g"].value: int(r["n"].value) for r in store.query(GRAPH_SIZES) if not r["g"].value.startswith(
        "http://www.openlinksw")} for store in (far, near)]
    assert sizes[0] == sizes[1]
    assert list_tasks(far) == list_tasks(near)


# shared_facilities.rq is left out at this size: Virtuoso 7.2.5 needs more than 30 s for it on a busy 2-core machine
# (embedded: a few seconds); at the test engine's MaxQueryExecutionTime of 15 s it answered with rows missing, a
# different number each run, without the partial-answer header; without that limit it goes past the store's 30 s.
# A CI run once stood still in this very test for over an hour (no stack was printed, so the cause is not known);
# since then the store's time limit covers the whole answer, not each read (tests/test_remote_deadline.py), and
# pytest-timeout fails a hung test with every thread's stack (docs/DEPLOY.md).
# The samples' shared facilities are compared on Virtuoso above.
@pytest.mark.parametrize("name", [n for n in reports.REPORTS if n != "shared-facilities"])
def test_a_batch_of_ten_thousand_duties_reports_like_embedded(corpus_loaded, name):
    far, near = corpus_loaded
    assert json.dumps(reports.report(far, name), ensure_ascii=False) == json.dumps(reports.report(near, name), ensure_ascii=False)
