"""Every knob of the service in one typed object: its default written once, read from `serve` flags and
`DUTYGRAPH_*` variables (flags win), checked once, and handed whole to each `serve --workers N` process as the
JSON of `DUTYGRAPH_SETTINGS`, so no setting is dropped on the way. The remote engine's connection and
credentials stay in graph/remote.py's `RemoteConfig` (`DUTYGRAPH_STORE_*`, never on a command line)."""
from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

SETTINGS_ENV = "DUTYGRAPH_SETTINGS"  # the whole object as JSON: how `serve` hands it to its worker processes
SAMPLES_DIR = Path("data/samples")  # what --load-samples-if-empty loads
MIN_TOKEN = 16
Isolation = Literal["auto", "process", "thread", "fork"]


class SettingsError(ValueError):
    """Settings refused at start-up; the message names the flag or variable to change."""


def _knob(default: Any, env: str, flag: str, help: str, **constraints: Any) -> Any:
    return Field(default, description=help, json_schema_extra={"env": env, "flag": flag}, **constraints)


def is_remote_target(store: str | None) -> bool:
    return bool(store) and str(store).startswith(("http://", "https://"))


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


# The endpoint's rules, shared with service/sparql.py's SparqlSettings (which tests also build on its own).

def check_write_token(subject: str, allowed: bool, token: str | None) -> None:
    if allowed and not token:
        raise ValueError(f"{subject}: an open write endpoint is refused")


def check_query_limits(timeout_s: float, max_rows: int, max_concurrent_queries: int, memory_limit_mb: int) -> None:
    if timeout_s <= 0 or max_rows < 1 or max_concurrent_queries < 1 or memory_limit_mb < 1:
        raise ValueError("timeout_s, max_rows, max_concurrent_queries and memory_limit_mb must be positive")


def check_isolation(isolation: str) -> None:
    if isolation not in ("auto", "process", "thread", "fork"):
        raise ValueError(f"isolation={isolation!r}: use 'process', 'thread' or 'fork'")
    if isolation in ("fork", "process") and not hasattr(os, "fork"):
        raise ValueError(f"isolation={isolation!r} needs a POSIX system")


def check_load_allowlist(prefixes: Sequence[str]) -> None:
    for prefix in prefixes:
        if not re.match(r"https?://[^/?#]+/", prefix):
            raise ValueError(f"load_allowlist: {prefix!r} must be an http(s) IRI prefix ending its host with /")


def isolation_for(isolation: str, remote: bool) -> Literal["process", "thread", "fork"]:
    """'auto' is process for the embedded store and thread for a remote engine, whose queries always run in
    threads; asking for process or fork there would be silently ignored, so it is refused."""
    if isolation == "auto":
        return "thread" if remote else "process"
    if remote and isolation in ("process", "fork"):
        raise ValueError(f"--query-isolation {isolation} does not apply to a remote store (its queries run in "
                         "threads, bounded by DUTYGRAPH_STORE_TIMEOUT): use thread or auto")
    return isolation  # type: ignore[return-value]


class Settings(BaseModel):
    """The service's knobs. Each field names its `serve` flag and its variable; `Settings.load` merges them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    store: str | None = _knob(None, "DUTYGRAPH_STORE", "--store",
                              "Store folder or a remote engine's SPARQL query URL (else ~/.local/share/dutygraph/store).")
    host: str = _knob("127.0.0.1", "DUTYGRAPH_HOST", "--host", "Interface to listen on.")
    port: int = _knob(8000, "DUTYGRAPH_PORT", "--port", "Port to listen on.", ge=0, le=65535)
    workers: int = _knob(1, "DUTYGRAPH_WORKERS", "--workers",
                         "Worker processes; more than 1 only with a remote store (--store URL).", ge=1)
    samples_dir: Path | None = _knob(None, "DUTYGRAPH_SAMPLES_DIR", "--load-samples-if-empty",
                                     f"Load these documents when the store holds no plan (the flag: {SAMPLES_DIR}/).")
    allow_update: bool = _knob(False, "DUTYGRAPH_ALLOW_UPDATE", "--allow-update",
                               "Accept SPARQL Update on /sparql (needs the token).")
    allow_load: bool = _knob(False, "DUTYGRAPH_ALLOW_LOAD", "--allow-load", "Accept POST /api/load uploads (needs the token).")
    token: str | None = _knob(None, "DUTYGRAPH_TOKEN", "--token",
                              f"Bearer token ({MIN_TOKEN}+ characters) for updates and loads.", repr=False)
    timeout_s: float = _knob(10.0, "DUTYGRAPH_TIMEOUT", "--timeout", "Per-query time limit in seconds.", gt=0)
    max_rows: int = _knob(100_000, "DUTYGRAPH_MAX_ROWS", "--max-rows",
                          "SELECT rows (CONSTRUCT triples) beyond this are cut off.", ge=1)
    max_concurrent_queries: int = _knob(4, "DUTYGRAPH_MAX_CONCURRENT_QUERIES", "--max-concurrent-queries",
                                        "/sparql query slots (and worker processes with process isolation).", ge=1)
    cors_origins: tuple[str, ...] = _knob((), "DUTYGRAPH_CORS_ORIGINS", "--cors-origin",
                                          "Sites whose pages may call the API (repeatable; the variable: space-separated); none by default.")
    max_body_bytes: int = _knob(1 << 20, "DUTYGRAPH_MAX_BODY_BYTES", "--max-body-bytes",
                                "Largest request body, /sparql included (413 beyond).")
    max_upload_bytes: int = _knob(64 << 20, "DUTYGRAPH_MAX_UPLOAD_BYTES", "--max-upload-bytes", "Largest /api/load upload.")
    query_isolation: Isolation = _knob("auto", "DUTYGRAPH_QUERY_ISOLATION", "--query-isolation",
                                       "auto | process | thread | fork: how a runaway query is stopped (auto: process, "
                                       "or thread for a remote store; docs/RELIABILITY.md).")
    query_memory_mb: int = _knob(1024, "DUTYGRAPH_QUERY_MEMORY_MB", "--query-memory-mb",
                                 "Memory budget of one /sparql query in MiB (process isolation); 503 beyond.", ge=16)
    service_allowlist: tuple[str, ...] = _knob((), "DUTYGRAPH_SERVICE_ALLOW", "--service-allow",
                                               "An IRI that SPARQL SERVICE may call (repeatable); none by default.")
    load_allowlist: tuple[str, ...] = _knob((), "DUTYGRAPH_LOAD_ALLOW", "--load-allow",
                                            "An http(s) IRI prefix SPARQL LOAD may read from (repeatable); none by default.")
    cache: bool = _knob(True, "DUTYGRAPH_CACHE", "--cache/--no-cache",
                        "Keep answers until the next write (embedded store only; the text index is kept either way).")
    # Off for an app built in code (tests); `serve` turns it on (SERVE_DEFAULTS) unless --no-warm or DUTYGRAPH_WARM=0.
    warm: bool = _knob(False, "DUTYGRAPH_WARM", "--warm/--no-warm",
                       "Compute the whole-store listings in the background at start and after each load (serve: on).")
    cache_mb: int = _knob(256, "DUTYGRAPH_CACHE_MB", "--cache-mb",
                          "Memory budget of the kept answers in MiB (least recently used dropped first). Not given: "
                          "24 MiB per plan, at least 256, at most a quarter of the machine's memory, sized at each "
                          "warm-up (256 with --no-warm).", ge=1)
    local_uploads: bool = _knob(False, "DUTYGRAPH_LOCAL_UPLOADS", "--local-uploads",
                                "The /upload page may load without the token, from our own page over loopback only "
                                "(`make run`); refused unless --host is a loopback address.")
    preview_minutes: float = _knob(30.0, "DUTYGRAPH_PREVIEW_MINUTES", "--preview-minutes",
                                   "How long an upload previewed on /upload waits for confirmation.", gt=0)

    @model_validator(mode="after")
    def _refuse_unsafe(self) -> Settings:
        check_write_token("allow_update and allow_load need a token", self.allow_update or self.allow_load, self.token)
        if self.token is not None and len(self.token) < MIN_TOKEN:
            raise ValueError(f"the token must be at least {MIN_TOKEN} characters")
        if self.max_body_bytes < 1024 or self.max_upload_bytes < 1024:
            raise ValueError("max_body_bytes and max_upload_bytes must be at least 1024")
        if "*" in self.cors_origins:
            raise ValueError("cors_origins: list the sites; '*' would let any page read the answers")
        check_isolation(self.query_isolation)
        isolation_for(self.query_isolation, self.remote)
        check_load_allowlist(self.load_allowlist)
        if self.local_uploads and not _loopback(self.host):
            raise ValueError(f"local_uploads (token-free uploads from /upload) listens on loopback only, not --host {self.host}")
        if self.workers > 1 and not self.remote:
            raise ValueError("the embedded store is opened by one process; use --workers 1 (or a remote engine: --store URL)")
        return self

    @property
    def remote(self) -> bool:
        """Whether the store is a remote engine: --store, else $DUTYGRAPH_STORE as open_store reads it."""
        return is_remote_target(self.store)

    def sparql(self, remote: bool | None = None) -> Any:
        """The /sparql endpoint's view of these settings (service/sparql.py: SparqlSettings)."""
        from .sparql import SparqlSettings

        return SparqlSettings(timeout_s=self.timeout_s, max_rows=self.max_rows, allow_update=self.allow_update,
                              update_token=self.token, max_concurrent_queries=self.max_concurrent_queries,
                              isolation=isolation_for(self.query_isolation, self.remote if remote is None else remote),
                              memory_limit_mb=self.query_memory_mb, service_allowlist=self.service_allowlist,
                              load_allowlist=self.load_allowlist)

    # ------------------------------------------------------------------ reading and handing on

    @classmethod
    def env_values(cls, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
        """The values set in the environment: the whole `DUTYGRAPH_SETTINGS` when `serve` handed it on, else
        each field's own variable (an empty variable counts as unset)."""
        env = os.environ if environ is None else environ
        if env.get(SETTINGS_ENV):
            return dict(cls.model_validate_json(env[SETTINGS_ENV]))
        values: dict[str, Any] = {}
        for name, info in cls.model_fields.items():
            raw = env.get(str(info.json_schema_extra["env"]))  # type: ignore[index]
            if raw:
                values[name] = tuple(raw.replace(",", " ").split()) if name.endswith(("origins", "allowlist")) else raw
        return values

    @classmethod
    def load(cls, flags: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None,
             base: Mapping[str, Any] | None = None) -> Settings:
        """Defaults, then `base` (a command's own defaults), then the environment, then the flags given (None or
        an empty list: not given). Refused settings raise SettingsError naming the flags and variables."""
        given = {k: (tuple(v) if isinstance(v, list) else v) for k, v in (flags or {}).items() if v not in (None, [], ())}
        try:
            return cls(**{**(base or {}), **cls.env_values(environ), **given})
        except ValidationError as error:
            raise SettingsError(_explain(error)) from None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        return cls.load(environ=environ)

    def to_env(self) -> dict[str, str]:
        """What a worker process needs in its environment to build exactly these settings (the token included:
        in the environment, never on a command line)."""
        return {SETTINGS_ENV: self.model_dump_json()}


SERVE_DEFAULTS: dict[str, Any] = {"warm": True}


def _explain(error: ValidationError) -> str:
    fields = Settings.model_fields
    lines = []
    for item in error.errors():
        name = str(item["loc"][0]) if item["loc"] else ""
        where = ""
        if name in fields:
            extra = fields[name].json_schema_extra
            where = f"{extra['flag']} / ${extra['env']}: "  # type: ignore[index]
        lines.append(where + str(item["msg"]).removeprefix("Value error, "))
    return "; ".join(lines)
