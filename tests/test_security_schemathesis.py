"""Property-based requests generated from our own OpenAPI schema (schemathesis): whatever a client sends to any
operation, the answer is never a server error. Bounded: a few examples per operation (DUTYGRAPH_API_EXAMPLES,
more in `make soak`)."""
from __future__ import annotations

import os

import pyoxigraph as ox
import pytest

schemathesis = pytest.importorskip("schemathesis")
from conftest import CHENGDU, LINTONG  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402

from dutygraph.graph.load import load_files  # noqa: E402
from dutygraph.service.app import Settings, create_app  # noqa: E402

EXAMPLES = int(os.environ.get("DUTYGRAPH_API_EXAMPLES", "5"))


def _app():
    store = ox.Store()
    load_files(store, [CHENGDU, LINTONG])
    return create_app(Settings(timeout_s=5, allow_load=True, allow_update=True, token="schemathesis-token-0123456789"),
                      store=store)


schema = schemathesis.openapi.from_asgi("/openapi.json", _app())


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_operation_answers_a_server_error(case):
    case.call_and_validate(checks=[not_a_server_error])
