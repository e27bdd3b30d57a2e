"""The service's one settings object (issue 20, point 3): every knob read from its `serve` flag and its
DUTYGRAPH_* variable, handed whole to `serve --workers N`, unsafe combinations refused at start-up, and the
store closed when the app stops."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from dutygraph.service import cli
from dutygraph.service.app import app_from_env, create_app
from dutygraph.service.settings import SETTINGS_ENV, Settings, SettingsError

REMOTE = "http://db.example:8890/sparql"
TOKEN = "a-token-of-twenty-chars"

# field: (flags, value expected, variable value); each differs from the default.
CASES: dict[str, tuple[list[str], Any, str]] = {
    "store": (["--store", REMOTE], REMOTE, REMOTE),
    "host": (["--host", "::1"], "::1", "::1"),
    "port": (["--port", "8123"], 8123, "8123"),
    "workers": (["--workers", "3", "--store", REMOTE], 3, "3"),
    "samples_dir": (["--load-samples-if-empty"], Path("data/samples"), "data/samples"),
    "allow_update": (["--allow-update", "--token", TOKEN], True, "1"),
    "allow_load": (["--allow-load", "--token", TOKEN], True, "true"),
    "token": (["--token", TOKEN], TOKEN, TOKEN),
    "timeout_s": (["--timeout", "2.5"], 2.5, "2.5"),
    "max_rows": (["--max-rows", "50"], 50, "50"),
    "max_concurrent_queries": (["--max-concurrent-queries", "2"], 2, "2"),
    "cors_origins": (["--cors-origin", "https://a.example", "--cors-origin", "https://b.example"],
                     ("https://a.example", "https://b.example"), "https://a.example https://b.example"),
    "max_body_bytes": (["--max-body-bytes", "4096"], 4096, "4096"),
    "max_upload_bytes": (["--max-upload-bytes", "8192"], 8192, "8192"),
    "query_isolation": (["--query-isolation", "fork"], "fork", "fork"),
    "query_memory_mb": (["--query-memory-mb", "64"], 64, "64"),
    "service_allowlist": (["--service-allow", "https://s.example/sparql"], ("https://s.example/sparql",),
                          "https://s.example/sparql"),
    "load_allowlist": (["--load-allow", "https://l.example/"], ("https://l.example/",), "https://l.example/"),
    "cache": (["--no-cache"], False, "0"),
    "warm": (["--warm"], True, "1"),
    "cache_mb": (["--cache-mb", "32"], 32, "32"),
    "local_uploads": (["--local-uploads"], True, "1"),
    "preview_minutes": (["--preview-minutes", "5"], 5.0, "5"),
}
ENV = {name: info.json_schema_extra["env"] for name, info in Settings.model_fields.items()}  # type: ignore[index]


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No DUTYGRAPH_* variable from the shell running the tests; whatever serve sets is undone afterwards."""
    for variable in [*ENV.values(), SETTINGS_ENV]:
        monkeypatch.setenv(variable, "")   # records the variable's state now, so teardown restores it whatever serve set
        monkeypatch.delenv(variable)


@pytest.fixture
def served(clean_env: None, monkeypatch: pytest.MonkeyPatch) -> list[Settings]:
    """`serve` up to the point where it would start a server: the settings it would serve with."""
    seen: list[Settings] = []
    monkeypatch.setattr(cli, "run_server", seen.append)
    return seen


def _serve(*flags: str, env: dict[str, str] | None = None) -> Any:
    result = CliRunner().invoke(cli.app, ["serve", *flags], env=env)
    return result


def test_every_field_has_a_case() -> None:
    assert set(CASES) == set(Settings.model_fields)


@pytest.mark.parametrize("name", CASES)
def test_every_field_is_read_from_its_flag(served: list[Settings], name: str) -> None:
    flags, expected, _ = CASES[name]
    result = _serve(*flags)
    assert result.exit_code == 0, result.output
    assert getattr(served[0], name) == expected


@pytest.mark.parametrize("name", CASES)
def test_every_field_is_read_from_its_variable(name: str) -> None:
    _, expected, raw = CASES[name]
    environ = {ENV[name]: raw, "DUTYGRAPH_TOKEN": TOKEN, "DUTYGRAPH_STORE": REMOTE if name == "workers" else ""}
    environ[ENV[name]] = raw
    assert getattr(Settings.from_env(environ), name) == expected


def test_flags_win_over_variables(served: list[Settings]) -> None:
    result = _serve("--timeout", "3", env={"DUTYGRAPH_TIMEOUT": "7", "DUTYGRAPH_CACHE_MB": "64"})
    assert result.exit_code == 0, result.output
    assert (served[0].timeout_s, served[0].cache_mb) == (3.0, 64)


def test_serve_warms_by_default_and_an_app_built_in_code_does_not(served: list[Settings]) -> None:
    assert _serve().exit_code == 0 and _serve("--no-warm").exit_code == 0
    assert [s.warm for s in served] == [True, False]
    assert Settings().warm is False


def test_the_make_run_variable_still_turns_page_uploads_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUTYGRAPH_LOCAL_UPLOADS", "1")
    assert Settings.from_env().local_uploads
    assert not Settings().local_uploads          # built in code, the environment is not read behind its back


def _every_field_changed() -> Settings:
    values = {name: expected for name, (_, expected, _) in CASES.items()}
    values.update(query_isolation="thread", host="127.0.0.1")   # valid over a remote store, with page uploads
    return Settings(**values)


def test_every_field_round_trips_through_the_workers_variable() -> None:
    settings = _every_field_changed()
    assert Settings.from_env(settings.to_env()) == settings


def test_serve_with_workers_hands_every_setting_to_the_workers(clean_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """What used to be dropped (--query-isolation, --cache-mb, --service-allow …) reaches each worker's app."""
    import uvicorn

    started: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **kw: started.append({"target": target, **kw}))
    built: list[Settings] = []
    monkeypatch.setattr("dutygraph.service.app.create_app", built.append)
    flags = ["--store", REMOTE, "--workers", "2", "--query-isolation", "thread", "--cache-mb", "32", "--max-rows", "50",
             "--service-allow", "https://s.example/sparql", "--allow-update", "--token", TOKEN, "--preview-minutes", "5",
             "--no-cache", "--max-concurrent-queries", "2"]
    result = _serve(*flags)
    assert result.exit_code == 0, result.output
    assert started[0]["target"] == "dutygraph.service.app:app_from_env" and started[0]["workers"] == 2
    assert TOKEN not in " ".join(map(str, started[0].values()))      # the token travels in the environment only
    app_from_env()                                   # what each worker runs, in the environment serve left
    worker = built[0]
    assert (worker.query_isolation, worker.cache_mb, worker.max_rows, worker.service_allowlist, worker.token,
            worker.allow_update, worker.preview_minutes, worker.workers, worker.cache, worker.max_concurrent_queries,
            worker.warm) == ("thread", 32, 50, ("https://s.example/sparql",), TOKEN, True, 5.0, 2, False, 2, True)


# ------------------------------------------------------------------ refused at start-up

@pytest.mark.parametrize("flags, env, message", [
    (["--allow-update"], {}, "need a token"),
    (["--allow-load"], {}, "need a token"),
    (["--allow-load", "--token", "short"], {}, "at least 16"),
    ([], {"DUTYGRAPH_ALLOW_LOAD": "1", "DUTYGRAPH_TOKEN": "short"}, "at least 16"),
    (["--cors-origin", "*"], {}, "list the sites"),
    ([], {"DUTYGRAPH_CORS_ORIGINS": "https://a.example *"}, "list the sites"),
    (["--store", REMOTE, "--query-isolation", "process"], {}, "does not apply to a remote store"),
    (["--workers", "2", "--query-isolation", "fork"], {"DUTYGRAPH_STORE": REMOTE}, "does not apply to a remote store"),
    (["--local-uploads", "--host", "0.0.0.0"], {}, "loopback only"),
    ([], {"DUTYGRAPH_LOCAL_UPLOADS": "1", "DUTYGRAPH_HOST": "192.168.1.5"}, "loopback only"),
    (["--workers", "2"], {}, "embedded store is opened by one process"),
    (["--max-body-bytes", "10"], {}, "at least 1024"),
    (["--timeout", "0"], {}, "--timeout"),
    (["--max-rows", "0"], {}, "--max-rows"),
    (["--query-memory-mb", "8"], {}, "--query-memory-mb"),
    (["--query-isolation", "sometimes"], {}, "--query-isolation"),
    (["--load-allow", "file:///etc/"], {}, "load_allowlist"),
])
def test_unsafe_combinations_are_refused_at_start(served: list[Settings], flags: list[str], env: dict[str, str],
                                                  message: str) -> None:
    result = _serve(*flags, env=env)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output, result.output
    assert not served


def test_a_refusal_names_the_flag_and_the_variable() -> None:
    with pytest.raises(SettingsError, match=r"--timeout / \$DUTYGRAPH_TIMEOUT"):
        Settings.load({"timeout_s": -1})


def test_a_remote_store_given_in_code_refuses_process_isolation() -> None:
    from dutygraph.graph.remote import RemoteConfig, RemoteStore

    with pytest.raises(ValueError, match="does not apply to a remote store"):
        create_app(Settings(query_isolation="process"), store=RemoteStore(RemoteConfig(REMOTE)))


def test_the_endpoint_settings_are_a_view_with_the_same_defaults() -> None:
    from dutygraph.service.sparql import SparqlSettings

    assert Settings().sparql() == SparqlSettings()
    assert Settings(query_isolation="fork", max_rows=7).sparql() == SparqlSettings(isolation="fork", max_rows=7)


# ------------------------------------------------------------------ the lifespan closes the store

def _reopen(folder: Path) -> ox.Store:
    """Open the store again; the last references of the app's threads may need a collection and a moment to go."""
    import gc
    import time

    for _ in range(30):
        gc.collect()
        try:
            return ox.Store(str(folder))
        except OSError:
            time.sleep(0.1)
    return ox.Store(str(folder))


@pytest.mark.parametrize("isolation", ["process", "thread"])
def test_the_store_is_closed_when_the_app_stops(tmp_path: Path, isolation: str) -> None:
    folder = tmp_path / "store"
    app = create_app(Settings(store=str(folder), query_isolation=isolation, warm=True))   # type: ignore[arg-type]
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        answer = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": "application/sparql-results+json"})
        assert answer.status_code == 200, answer.text
    store = _reopen(folder)                  # RocksDB's lock is free: the app let go of the store
    del store
    with TestClient(app) as client:          # started again, the app opens its store again
        assert client.get("/healthz").status_code == 200
    ox.Store(str(folder))


def test_a_store_passed_in_stays_open(tmp_path: Path) -> None:
    store = ox.Store(str(tmp_path / "store"))
    with TestClient(create_app(Settings(), store=store)) as client:
        assert client.get("/healthz").status_code == 200
    assert store.query("ASK { ?s ?p ?o }") is not None
