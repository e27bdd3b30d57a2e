"""HTML for a view: our own Jinja template with autoescape on, data embedded as JSON that cannot end its
<script> element, scripts and styles served from /viz/static (or inlined for a standalone file)."""
from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import asdict, replace
from functools import cache
from importlib import resources
from typing import Any

import pyoxigraph as ox
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from . import collect, views
from .families import function_families
from .looks import EDGE_LOOKS, FAMILY_COLOURS, KIND_NAMES, NO_FAMILY, NODE_LOOKS, ORPHAN_REASONS
from .model import EDGE_KINDS, VIEWS, Filters
from .network import network_json
from .queries import select

# name → (package folder, media type): the only files /viz/static serves.
STATIC_FILES: dict[str, tuple[str, str]] = {
    "vis-network.min.js": ("vendor", "text/javascript; charset=utf-8"),
    "vis-network.min.css": ("vendor", "text/css; charset=utf-8"),
    "viz.js": ("templates", "text/javascript; charset=utf-8"),
    "viz.css": ("templates", "text/css; charset=utf-8"),
}
SCRIPTS = ("vis-network.min.js", "viz.js")
STYLES = ("vis-network.min.css", "viz.css")


def script_json(value: Any) -> Markup:
    """JSON safe inside <script type="application/json">: <, >, &, / and the JS line separators escaped, so
    document text such as "</script><script>…" stays data (and IRIs carry no literal "https://")."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("/", "\\/"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return Markup(text)


@cache
def _environment() -> Environment:
    env = Environment(loader=PackageLoader("dutygraph.viz", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    env.filters["script_json"] = script_json
    return env


@cache
def static_text(name: str) -> str:
    folder, _media = STATIC_FILES[name]
    return resources.files(__package__).joinpath(folder, name).read_text(encoding="utf-8")


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


VIEW_NAMES = {"start": "分工概览", "all": "全部", "focus": "聚焦", "sharing": "共担设施", "quality": "质量问题",
              "dependencies": "任务依赖"}


def graph_data(store: ox.Store, view: str | None = None, focus: str | None = None, depth: int = 1,
               filters: Filters | None = None, link_base: str = "") -> dict[str, Any]:
    """The nodes (with fixed positions), edges, options, legend and cluster members of a view, as JSON:
    what /viz/data returns and the page draws."""
    filters = filters or Filters()
    view = view or ("focus" if focus else "start")
    built = views.build(store, view, focus, depth, filters)
    base = _params(built.name, focus, depth, replace(filters, plan=filters.plan or built.plan))
    data = network_json(built.graph, layered=built.layered, link_base=link_base, folded=built.folded,
                        narrow=built.folded.narrow if built.folded else None, base_params=base)
    return {
        "view": built.name, "focus": focus, "depth": depth, "plan": built.plan,
        "filters": {**asdict(filters), "edge_kinds": sorted(filters.edge_kinds)},
        "roots": built.graph.roots, "truncated": built.graph.truncated,
        "counts": {"nodes": len(data["nodes"]), "edges": len(data["edges"]), "hidden_edges": built.hidden_edges,
                   "clusters": sum(1 for n in data["nodes"] if n["kind"] == "cluster"),
                   "represented": sum(len(n.members) or 1 for n in built.graph.nodes.values())},
        **data,
    }


def _params(view: str, focus: str | None, depth: int, filters: Filters) -> dict[str, Any]:
    """The query parameters of a view, the base of the links that open a big cluster."""
    params: dict[str, Any] = {"view": "all" if view == "start" else view}
    if focus:
        params.update(focus=focus, depth=depth)
    for name in ("plan", "function", "facility"):
        if getattr(filters, name):
            params[name] = getattr(filters, name)
    if filters.edge_kinds:
        params["edges"] = sorted(filters.edge_kinds)
    return params


def facets(store: ox.Store) -> dict[str, list[dict[str, Any]]]:
    """The choices of the filter form: plans, functions and facility types present in the store."""
    return {
        "plans": [{"value": r["planId"], "label": collect.plan_name(r)} for r in select(store, "plans")],
        "functions": _function_choices(store),
        "facilities": [{"value": r["label"], "label": f"{r['label']} ({r['tasks']})"}
                       for r in select(store, "used_facility_types")],
    }


def _function_choices(store: ox.Store) -> list[dict[str, Any]]:
    """The families first (安全应急 …), then the functions present, each under its family."""
    families = function_families(store)
    rows = select(store, "functions")
    present = sorted({families.get(r["function"], NO_FAMILY) for r in rows},
                     key=lambda f: (list(FAMILY_COLOURS).index(f) if f in FAMILY_COLOURS else 99, f))
    choices = [{"value": f, "label": f"{f}（类别）"} for f in present if f != NO_FAMILY]
    return choices + [{"value": r["label"], "label": r["label"]} for r in rows]


def render_view(store: ox.Store, view: str | None = None, focus: str | None = None, depth: int = 1,
                filters: Filters | None = None, standalone: bool = False, link_base: str | None = None,
                api_base: str = "/viz") -> str:
    """The HTML page of a view. standalone=True inlines the vendored vis-network and the page script so the
    file opens from disk (no search/expand server then; clicks go to link_base + /tasks/… if given)."""
    data = graph_data(store, view, focus, depth, filters, link_base or "")
    return page_html(data, facets(store), focus, standalone=standalone, link_base=link_base, api_base=api_base)


def page_html(data: dict[str, Any], choices: dict[str, list[dict[str, Any]]], focus: str | None = None, *,
              standalone: bool = False, link_base: str | None = None, api_base: str = "/viz") -> str:
    """The page around a view's data (graph_data) and the filter form's choices (facets): the template only,
    no store query, so the app can keep both per store generation and draw a repeat view at once."""
    focus_label = None
    if data["roots"]:
        root = data["roots"][0]
        focus_label = next((n["info"].get("label", n["label"]) for n in data["nodes"] if n["id"] == root), focus)
    config = {
        "planNames": {p["value"]: p["label"] for p in choices["plans"]},
        "api": None if standalone else api_base,
        "links": not standalone or link_base is not None,
        "expandLimit": 50,
        "edgeNames": {k: look.label for k, look in EDGE_LOOKS.items()},
        "kindNames": KIND_NAMES,
        "orphanReasons": ORPHAN_REASONS,
        "kinds": {k: {"label": look.label, "shape": look.shape, "colour": look.colour, "border": look.border}
                  for k, look in NODE_LOOKS.items()},
    }
    scripts = [static_text(n) for n in SCRIPTS] if standalone else []
    csp_scripts = " ".join(_csp_hash(s) for s in scripts) if standalone else "'self'"
    return _environment().get_template("viz.html").render(
        data=data, config=config, facets=choices, views=VIEWS, view_names=VIEW_NAMES,
        edge_kinds=EDGE_KINDS, edge_names={k: EDGE_LOOKS[k].label for k in EDGE_KINDS},
        focus_is_iri=bool(focus and "://" in focus),
        focus_label=focus_label, standalone=standalone, api_base=api_base,
        inline_scripts=[Markup(s) for s in scripts],
        inline_styles=[Markup(static_text(n)) for n in STYLES] if standalone else [],
        csp_scripts=csp_scripts,
    )


def expand(store: ox.Store, node: str, limit: int = 50, link_base: str = "") -> dict[str, Any]:
    """What a double-click adds: the node's neighbours (at most `limit`) and the edges to them."""
    from .model import Graph, VizError

    root = collect.fetch_node(store, node)
    if root is None:
        raise VizError(f"no drawn node has the IRI {node!r}")
    nodes, edges, truncated = collect.neighbourhood(store, node, limit)
    graph = Graph(roots=[node])
    graph.add_node(root)
    for n in nodes:
        graph.add_node(n)
    for e in edges:
        graph.add_edge(e)
    graph = views._with_families(graph, function_families(store))
    data = network_json(graph, link_base=link_base)
    return {"node": node, "nodes": data["nodes"], "edges": data["edges"], "truncated": truncated,
            "legend": data["legend"]}
