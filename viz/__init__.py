"""Interactive network views of the duty graph (pyvis-built, rendered with our own escaped template and a
vendored vis-network): library functions for the CLI and a FastAPI router for the app."""
from __future__ import annotations

from .layout import LAYOUT_THRESHOLD
from .model import EDGE_KINDS, NODE_KINDS, VIEWS, Filters, FocusNotFound, VizError
from .render import expand, graph_data, render_view
from .routes import build_viz_router

__all__ = ["EDGE_KINDS", "LAYOUT_THRESHOLD", "NODE_KINDS", "VIEWS", "Filters", "FocusNotFound", "VizError",
           "build_viz_router", "expand", "graph_data", "render_view"]
