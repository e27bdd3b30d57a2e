"""Where pyoxigraph's recursive parser and planner overflow the stack and kill the process: each shape of
query is grown until a subprocess evaluating it dies (or runs past 60 s). service/query_guard.py quotes the
figures and sets its limits well below them.

    .venv/bin/python benchmarks/crash_thresholds.py [shape ...]"""
from __future__ import annotations

import subprocess
import sys

SHAPES = {
    "braces": lambda n: "SELECT * WHERE " + "{" * n + " ?s ?p ?o " + "}" * n,
    "parens": lambda n: "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * n + "?o" + ")" * n + ") }",
    "brackets": lambda n: "SELECT * WHERE { ?s ?p " + "[ ?p " * n + "?o" + " ]" * n + " }",
    "subselect": lambda n: "SELECT * WHERE { " + "{ SELECT * WHERE " * n + "{ ?s ?p ?o }" + " }" * n + " }",
    "optional_nested": lambda n: "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * n + "}" * n + " }",
    "optional_flat": lambda n: "SELECT * WHERE { ?s ?p ?o " + " ".join(f"OPTIONAL {{ ?s ?p ?o{i} }}" for i in range(n)) + " }",
    "union_flat": lambda n: "SELECT * WHERE { " + " UNION ".join("{ ?s ?p ?o }" for _ in range(n)) + " }",
    "groups_flat": lambda n: "SELECT * WHERE { " + " ".join(f"{{ ?s ?p ?o{i} }}" for i in range(n)) + " }",
    "bind_flat": lambda n: "SELECT * WHERE { ?s ?p ?o " + " ".join(f"BIND(?o AS ?b{i})" for i in range(n)) + " }",
    "minus_flat": lambda n: "SELECT * WHERE { ?s ?p ?o " + " ".join(f"MINUS {{ ?s ?p ?o{i} }}" for i in range(n)) + " }",
    "filter_flat": lambda n: "SELECT * WHERE { ?s ?p ?o " + " ".join(f"FILTER(?o != {i})" for i in range(n)) + " }",
    "plus_chain": lambda n: "SELECT * WHERE { ?s ?p ?o FILTER(" + " + ".join("1" for _ in range(n)) + " > 0) }",
    "or_chain": lambda n: "SELECT * WHERE { ?s ?p ?o FILTER(" + " || ".join("?o = 1" for _ in range(n)) + ") }",
    "path_seq": lambda n: "SELECT * WHERE { ?s " + "/".join("<http://e/p>" for _ in range(n)) + " ?o }",
}
PROBE = """
import sys, threading, pyoxigraph as ox
store = ox.Store()
store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("1"), ox.DefaultGraph()))
def work():
    try:
        sum(1 for _ in store.query(sys.stdin.read(), use_default_graph_as_union=True))
    except Exception:
        pass
thread = threading.Thread(target=work)   # a thread with the default stack, as the server's query threads
thread.start()
thread.join()
"""


def dies(query: str) -> str | None:
    """None if the process survived; else how it died."""
    try:
        done = subprocess.run([sys.executable, "-c", PROBE], input=query, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return "still running after 60 s"
    return None if done.returncode == 0 else f"exit {done.returncode}"


def threshold(shape: str) -> str:
    """Grow by 3x until it dies, then bisect to 5%."""
    make, low, n = SHAPES[shape], 1, 100
    while n <= 200_000:
        how = dies(make(n))
        if how:
            break
        low, n = n, n * 3
    else:
        return f"{shape}: survives {low}"
    high = n
    while high - low > max(1, low // 20):
        middle = (low + high) // 2
        found = dies(make(middle))
        if found:
            high, how = middle, found
        else:
            low = middle
    return f"{shape}: survives {low}, dies at {high} ({how})"


if __name__ == "__main__":
    for name in sys.argv[1:] or SHAPES:
        print(threshold(name), flush=True)
