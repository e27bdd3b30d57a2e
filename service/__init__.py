"""The shells around the core library: the `dutygraph` CLI and the FastAPI application."""
