"""Time one SPARQL query (a .rq file or text) on a kept store, over the union of its graphs:
    .venv/bin/python benchmarks/time_query.py .bench/store/L graph/queries/departments.rq
An older version of a query: `git show <commit>:graph/queries/<name>.rq > /tmp/old.rq` and time that."""
from __future__ import annotations

import sys
import time

import pyoxigraph as ox


def main(store_path: str, query: str, runs: int = 1) -> None:
    text = open(query, encoding="utf-8").read() if query.endswith(".rq") else query
    store = ox.Store(store_path)
    for _ in range(runs):
        began = time.perf_counter()
        rows = sum(1 for _ in store.query(text, use_default_graph_as_union=True))
        print(f"{rows} rows in {time.perf_counter() - began:.2f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 1)
