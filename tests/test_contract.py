"""The JSON contract (graph/contract.py) holds where the answers leave the library: every question and listing as
the library returns it, as the API sends it and as the CLI prints it validates against its TypedDict (no key the
contract does not name, every key it requires, strict types), and the CLI prints exactly the API's JSON. The API's
answers are prebuilt responses that FastAPI does not validate against a response_model, hence these tests."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from conftest import CD, CHENGDU, LINTONG, LT, t
from fastapi.testclient import TestClient
from pydantic import TypeAdapter
from typer.testing import CliRunner

from dutygraph.graph import contract as c
from dutygraph.graph import listings, questions, reports
from dutygraph.graph.load import load_files
from dutygraph.graph.search import search
from dutygraph.service.app import Settings, create_app
from dutygraph.service.cli import app as cli

SCHOOL = "学校"
ANSWERS: list[Any] = [
    # id, library call, API path and parameters, CLI arguments (None: the CLI does not ask it), row model
    pytest.param(lambda s: questions.find_tasks(s), "/api/tasks", {}, ["tasks"], c.TaskRow, id="tasks"),
    pytest.param(lambda s: questions.find_tasks(s, plan=CD, kind="task"), "/api/tasks", {"plan": CD, "kind": "task"},
                 ["tasks", "--plan", CD, "--kind", "task"], c.TaskRow, id="tasks-plan-kind"),
    pytest.param(lambda s: questions.find_tasks(s, q="燃气管道"), "/api/tasks", {"q": "燃气管道"}, None, c.TaskRow,
                 id="tasks-text-query"),
    pytest.param(lambda s: questions.find_tasks(s, department="市应急局"), "/api/tasks", {"department": "市应急局"},
                 None, c.TaskRow, id="tasks-department"),
    pytest.param(lambda s: questions.find_tasks(s, deadline_from="2021-04", deadline_to="2021-06"), "/api/tasks",
                 {"deadline_from": "2021-04", "deadline_to": "2021-06"}, None, c.TaskRow, id="tasks-deadline"),
    pytest.param(lambda s: search(s, "燃气管道 安全检查"), "/api/search", {"q": "燃气管道 安全检查"}, None, c.SearchHit,
                 id="search"),
    pytest.param(listings.departments, "/api/departments", {}, ["departments"], c.DepartmentRow, id="departments"),
    pytest.param(listings.facility_types, "/api/facility-types", {}, ["facilities"], c.FacilityTypeRow,
                 id="facility-types"),
    pytest.param(listings.regulations, "/api/regulations", {}, ["regulations"], c.RegulationRow, id="regulations"),
    pytest.param(listings.indicators, "/api/indicators", {}, ["indicators"], c.IndicatorRow, id="indicators"),
    pytest.param(lambda s: listings.indicators(s, plan=LT), "/api/indicators", {"plan": LT},
                 ["indicators", "--plan", LT], c.IndicatorRow, id="indicators-plan"),
    pytest.param(reports.shared_facilities, "/api/shared-facilities", {}, ["report", "shared-facilities"],
                 c.SharedFacilitiesRow, id="shared-facilities"),
    pytest.param(lambda s: reports.shared_facilities(s, plan=CD), "/api/shared-facilities", {"plan": CD},
                 ["report", "shared-facilities", "--plan", CD], c.SharedFacilitiesRow, id="shared-facilities-plan"),
    pytest.param(lambda s: reports.shared_facilities(s, by="function"), "/api/shared-facilities", {"by": "function"},
                 ["report", "shared-facilities", "--by", "function"], c.SharedFacilitiesRow,
                 id="shared-facilities-by-function"),
    pytest.param(reports.orphans, "/api/orphans", {}, ["report", "orphans"], c.OrphanRow, id="orphans"),
    pytest.param(reports.duplicates, "/api/duplicates", {}, ["report", "duplicates"], c.DuplicateRow, id="duplicates"),
    pytest.param(reports.dependencies, "/api/dependencies", {}, ["report", "dependencies"], c.DependencyRow,
                 id="dependencies"),
    pytest.param(reports.alignments, "/api/alignments", {}, ["report", "alignments"], c.AlignmentRow, id="alignments"),
    pytest.param(reports.centrality, "/api/centrality", {}, ["report", "centrality"], c.CentralityAnswerRow,
                 id="centrality"),
    pytest.param(lambda s: reports.centrality(s, scope="function"), "/api/centrality", {"scope": "function"},
                 ["report", "centrality", "--scope", "function"], c.CentralityAnswerRow, id="centrality-by-function"),
]
WITH_CLI = [p for p in ANSWERS if p.values[3] is not None]

ONE_ITEM: list[Any] = [
    # id, library call, API path, row model: the single-item routes answer one object, not a list
    pytest.param(lambda s: questions.get_task(s, t(CD, 29)), "/api/tasks/{}", c.TaskRow, id="task"),
    pytest.param(lambda s: questions.department(s, listings.departments(s)[0]["id"]), "/api/departments/{}",
                 c.DepartmentRow, id="department"),
    pytest.param(lambda s: questions.facility_type(s, _facility(s, SCHOOL)), "/api/facility-types/{}",
                 c.FacilityTypeRow, id="facility-type"),
    pytest.param(lambda s: questions.regulation(s, listings.regulations(s)[0]["id"]), "/api/regulations/{}",
                 c.RegulationRow, id="regulation"),
]


def _facility(store: ox.Store, label: str) -> str:
    return next(f["id"] for f in listings.facility_types(store) if f["label"] == label)


@pytest.fixture(scope="module")
def client(loaded_store: ox.Store) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(cache=False), store=loaded_store)) as http:
        yield http


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both samples in a store folder for the CLI (closed again, so the CLI can open it): the same documents give
    the same graph, so its answers must be the API's over loaded_store."""
    path = tmp_path_factory.mktemp("contract") / "store"
    store = ox.Store(str(path))
    load_files(store, [CHENGDU, LINTONG])
    store.flush()
    del store
    return path


def _api(client: TestClient, path: str, params: dict[str, str]) -> Any:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def _cli(store_path: Path, args: list[str]) -> Any:
    result = CliRunner().invoke(cli, [*args, "--store", str(store_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _valid(model: Any, answer: Any) -> None:
    TypeAdapter(model).validate_python(answer)


@pytest.mark.parametrize("library, path, params, args, model", ANSWERS)
def test_the_library_answer_keeps_the_contract(loaded_store: ox.Store, library: Callable[[ox.Store], Any], path: str,
                                               params: dict[str, str], args: list[str] | None, model: Any) -> None:
    answer = library(loaded_store)
    assert answer, "an empty answer would check no row"
    _valid(list[model], answer)


@pytest.mark.parametrize("library, path, params, args, model", ANSWERS)
def test_the_api_answer_keeps_the_contract(loaded_store: ox.Store, client: TestClient,
                                           library: Callable[[ox.Store], Any], path: str, params: dict[str, str],
                                           args: list[str] | None, model: Any) -> None:
    answer = _api(client, path, params)
    _valid(list[model], answer)
    assert answer == library(loaded_store)


@pytest.mark.parametrize("library, path, params, args, model", WITH_CLI)
def test_the_cli_prints_the_api_answer(client: TestClient, store_path: Path, library: Callable[[ox.Store], Any],
                                       path: str, params: dict[str, str], args: list[str], model: Any) -> None:
    printed = _cli(store_path, args)
    _valid(list[model], printed)
    assert printed == _api(client, path, params)


@pytest.mark.parametrize("library, path, model", ONE_ITEM)
def test_one_item_keeps_the_contract(loaded_store: ox.Store, client: TestClient, library: Callable[[ox.Store], Any],
                                     path: str, model: Any) -> None:
    item = library(loaded_store)
    assert item is not None
    _valid(model, item)
    sent = _api(client, path.format(quote(item["id"], safe="")), {})
    _valid(model, sent)
    assert sent == item


def test_a_regulation_asked_for_as_its_iri_is_written(loaded_store: ox.Store) -> None:
    """Every regulation of the samples is named in Chinese, so its IRI holds %E5…; pasted into the path as the
    answers give it, the route receives it %-decoded and still finds it (it 404ed before)."""
    with TestClient(create_app(Settings(warm=False), store=loaded_store)) as client:
        for listed in listings.regulations(loaded_store):
            answer = client.get("/api/regulations/" + listed["id"])
            assert answer.status_code == 200 and answer.json()["id"] == listed["id"]


def test_stats_keep_the_contract(loaded_store: ox.Store, store_path: Path) -> None:
    """`dutygraph stats` has no API route; its rows are the library's."""
    printed = _cli(store_path, ["stats"])
    _valid(list[c.StatsRow], printed)
    assert printed == listings.stats(loaded_store)
    assert {r["planId"] for r in printed} == {CD, LT}


def test_the_shapes_of_a_question_are_told_apart(loaded_store: ox.Store) -> None:
    """Questions answering in two shapes hold each row to one of them, not to a mix: a duty's orphan row is not
    a plan gap, a function's centrality not a department's."""
    rows = reports.orphans(loaded_store)
    assert {r["task"] is None for r in rows} == {True, False}
    for row in rows:
        _valid(c.OrphanGapRow if row["task"] is None else c.OrphanTaskRow, row)
    _valid(list[c.CentralityRow], reports.centrality(loaded_store))
    _valid(list[c.FunctionCentralityRow], reports.centrality(loaded_store, scope="function"))
    _valid(list[c.SharedFacilityRow], reports.shared_facilities(loaded_store))
    _valid(list[c.SharedByFunctionRow], reports.shared_facilities(loaded_store, by="function"))


def test_a_dismissed_finding_keeps_the_contract(store_path: Path) -> None:
    """The `dismissed` record of a finding once someone dismissed it (last: it writes to the CLI's store, and
    withdraws the dismissal again)."""
    finding = _cli(store_path, ["report", "duplicates"])[0]["finding"]
    dismissed = CliRunner().invoke(cli, ["dismiss", finding, "--reason", "两项分工不同", "--by", "tester",
                                         "--store", str(store_path)])
    assert dismissed.exit_code == 0, dismissed.output
    try:
        printed = _cli(store_path, ["report", "duplicates"])
        _valid(list[c.DuplicateRow], printed)
        assert [r["dismissed"]["by"] for r in printed if r["finding"] == finding and r["dismissed"]] == ["tester"]
    finally:
        CliRunner().invoke(cli, ["dismiss", finding, "--undo", "--store", str(store_path)])
